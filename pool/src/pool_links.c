/*
 * pool_links.c: the links file of a rebalancing plan (boxcar/plan.h):
 * rows of from, to, distance_km, cost_per_container, read through core's
 * rows reader (CSV, JSON or CBOR). Any bad row fails the file: a plan
 * over part of the network would move containers the wrong way.
 */
#include <stdio.h>
#include <string.h>

#include "boxcar/plan.h"
#include "pool_internal.h"

enum { COL_FROM, COL_TO, COL_DISTANCE, COL_COST, NCOLS };

static const bx_column columns[NCOLS] = {
    {"from", true}, {"to", true}, {"distance_km", true}, {"cost_per_container", true}};

struct bx_links {
    bx_ctx *ctx;
    size_t nstations, cap_stations;
    char (*stations)[BX_ID_MAX];
    size_t nlinks, cap_links;
    bxi_link *links;
};

static bx_location where(const bx_row *row, size_t c)
{
    bx_location w = row->at;
    w.field = columns[c].name;
    if (row->cell[c].type != BX_CELL_ABSENT) {
        w.column = row->cell[c].column;
        if (row->cell[c].offset != 0)
            w.offset = row->cell[c].offset;
    }
    return w;
}

static bx_status cell_error(bx_ctx *ctx, const bx_row *row, size_t c, const char *why)
{
    bx_location w = where(row, c);
    return bxi_input_error(ctx, BX_EINPUT, &w, "%s", why);
}

static bx_status get_id(bx_ctx *ctx, const bx_row *row, size_t c, char out[BX_ID_MAX])
{
    const bx_cell *cell = &row->cell[c];
    if (cell->type == BX_CELL_ABSENT || (cell->type == BX_CELL_TEXT && cell->len == 0))
        return cell_error(ctx, row, c, "required field is empty");
    if (cell->type != BX_CELL_TEXT)
        return cell_error(ctx, row, c, "a station id is text, not a number");
    const char *why = bxi_id_problem(cell->s, cell->len);
    if (why != NULL) {
        char msg[160];
        snprintf(msg, sizeof msg, "identifier %s", why);
        return cell_error(ctx, row, c, msg);
    }
    memcpy(out, cell->s, cell->len);
    out[cell->len] = '\0';
    return BX_OK;
}

static bx_status get_num(bx_ctx *ctx, const bx_row *row, size_t c, double lo, bool lo_open,
                         double hi, double *out)
{
    const bx_cell *cell = &row->cell[c];
    double v = 0;
    switch (cell->type) {
    case BX_CELL_ABSENT:
        return cell_error(ctx, row, c, "required field is empty");
    case BX_CELL_TEXT: {
        const char *why = NULL;
        if (cell->len == 0)
            return cell_error(ctx, row, c, "required field is empty");
        if (!bxi_parse_double(cell->s, cell->len, &v, &why))
            return cell_error(ctx, row, c, why);
        break;
    }
    case BX_CELL_INT:
        v = (double)cell->i;
        break;
    case BX_CELL_REAL:
        v = cell->d;
        break;
    }
    if (!(lo_open ? v > lo : v >= lo) || !(v <= hi)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%g is outside %s%g, %g]", v, lo_open ? "(" : "[", lo, hi);
        return cell_error(ctx, row, c, msg);
    }
    *out = v;
    return BX_OK;
}

static bx_status station_index(bx_links *l, const char *id, uint32_t *out)
{
    for (size_t i = 0; i < l->nstations; i++)
        if (strcmp(l->stations[i], id) == 0) {
            *out = (uint32_t)i;
            return BX_OK;
        }
    if (l->nstations >= BX_PLAN_MAX_STATIONS)
        return bxi_error(l->ctx, BX_ELIMIT, "the links name more than %d stations",
                         BX_PLAN_MAX_STATIONS);
    bx_status st = bxi_grow(l->ctx, (void **)&l->stations, &l->cap_stations, l->nstations + 1,
                            sizeof *l->stations, BX_PLAN_MAX_STATIONS, "stations");
    if (st != BX_OK)
        return st;
    memcpy(l->stations[l->nstations], id, strlen(id) + 1);
    *out = (uint32_t)l->nstations++;
    return BX_OK;
}

static bx_status read_links(bx_links *l, bx_reader *rd)
{
    bx_ctx *ctx = l->ctx;
    for (;;) {
        const bx_row *row = NULL;
        bx_status st = bxi_reader_next_row(rd, &row);
        if (st == BX_END)
            return BX_OK;
        if (st != BX_OK)
            return st;
        char from[BX_ID_MAX], to[BX_ID_MAX];
        double km, cost;
        if ((st = get_id(ctx, row, COL_FROM, from)) != BX_OK ||
            (st = get_id(ctx, row, COL_TO, to)) != BX_OK ||
            (st = get_num(ctx, row, COL_DISTANCE, 0, true, BX_LINK_MAX_KM, &km)) != BX_OK ||
            (st = get_num(ctx, row, COL_COST, 0, false, BX_LINK_MAX_COST, &cost)) != BX_OK)
            return st;
        if (strcmp(from, to) == 0)
            return cell_error(ctx, row, COL_TO, "a link joins two different stations");
        bxi_link k = {0, 0, km, cost, row->line};
        if ((st = station_index(l, from, &k.a)) != BX_OK ||
            (st = station_index(l, to, &k.b)) != BX_OK)
            return st;
        for (size_t i = 0; i < l->nlinks; i++) {
            const bxi_link *o = &l->links[i];
            if ((o->a == k.a && o->b == k.b) || (o->a == k.b && o->b == k.a)) {
                char msg[320];
                snprintf(msg, sizeof msg, "the link %s - %s is given again (first at line "
                         "%llu); a row holds both ways", from, to, (unsigned long long)o->line);
                return cell_error(ctx, row, COL_TO, msg);
            }
        }
        if ((st = bxi_grow(ctx, (void **)&l->links, &l->cap_links, l->nlinks + 1,
                           sizeof *l->links, (size_t)1 << 24, "links")) != BX_OK)
            return st;
        l->links[l->nlinks++] = k;
    }
}

static bx_status finish(bx_ctx *ctx, bx_links *l, bx_reader *rd, bx_status st, bx_links **out)
{
    if (st == BX_OK)
        st = read_links(l, rd);
    bx_reader_close(rd);
    if (st != BX_OK) {
        bx_links_free(l);
        return st;
    }
    (void)ctx;
    *out = l;
    return BX_OK;
}

static bx_links *links_new(bx_ctx *ctx)
{
    bx_links *l = bx_alloc(ctx, sizeof *l);
    if (l != NULL) {
        memset(l, 0, sizeof *l);
        l->ctx = ctx;
    }
    return l;
}

bx_status bx_links_load(bx_ctx *ctx, bx_links **out, const char *path)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_links_load: bad argument");
    *out = NULL;
    bx_links *l = links_new(ctx);
    if (l == NULL)
        return BX_ENOMEM;
    bx_schema schema;
    bx_field fields[NCOLS];
    bxi_row_schema_init(&schema, fields, columns, NCOLS);
    bx_reader *rd = NULL;
    bx_status st = bxi_reader_open_rows_file(ctx, &rd, &schema, BX_FORMAT_AUTO, path);
    return finish(ctx, l, rd, st, out);
}

bx_status bx_links_read_mem(bx_ctx *ctx, bx_links **out, const char *name, const void *data,
                            size_t size)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || (data == NULL && size > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_links_read_mem: bad argument");
    *out = NULL;
    bx_links *l = links_new(ctx);
    if (l == NULL)
        return BX_ENOMEM;
    bx_schema schema;
    bx_field fields[NCOLS];
    bxi_row_schema_init(&schema, fields, columns, NCOLS);
    bx_reader *rd = NULL;
    bx_status st = bxi_reader_open_rows_mem(ctx, &rd, &schema, BX_FORMAT_AUTO,
                                            name ? name : "links", data, size);
    return finish(ctx, l, rd, st, out);
}

size_t bx_links_count(const bx_links *l)
{
    return l ? l->nlinks : 0;
}

static bool index_of(const bx_links *l, const char *id, uint32_t *out)
{
    for (size_t i = 0; l && id && i < l->nstations; i++)
        if (strcmp(l->stations[i], id) == 0) {
            *out = (uint32_t)i;
            return true;
        }
    return false;
}

bool bx_links_has_station(const bx_links *l, const char *station_id)
{
    uint32_t i;
    return index_of(l, station_id, &i);
}

bool bx_links_find(const bx_links *l, const char *a, const char *b, double *distance_km,
                   double *cost_per_container)
{
    uint32_t ia, ib;
    if (!index_of(l, a, &ia) || !index_of(l, b, &ib))
        return false;
    for (size_t i = 0; i < l->nlinks; i++) {
        const bxi_link *k = &l->links[i];
        if ((k->a == ia && k->b == ib) || (k->a == ib && k->b == ia)) {
            if (distance_km)
                *distance_km = k->distance_km;
            if (cost_per_container)
                *cost_per_container = k->cost;
            return true;
        }
    }
    return false;
}

size_t bxi_links_station_count(const bx_links *l)
{
    return l->nstations;
}

const char *bxi_links_station(const bx_links *l, size_t i)
{
    return i < l->nstations ? l->stations[i] : NULL;
}

size_t bxi_links_edges(const bx_links *l, const bxi_link **links)
{
    *links = l->links;
    return l->nlinks;
}

void bx_links_free(bx_links *l)
{
    if (l == NULL)
        return;
    bx_free(l->ctx, l->stations);
    bx_free(l->ctx, l->links);
    bx_free(l->ctx, l);
}
