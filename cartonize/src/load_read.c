/*
 * load_read.c: parcels files and vehicle catalogs for loading plans, in
 * CSV, JSON or CBOR rows (core's reader of rows), each value judged here
 * with a message that names file, line and column.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/load.h"
#include "load_internal.h"

#define MAX_ROWS 10000000u

enum { P_ID, P_L, P_W, P_H, P_MASS, P_STOP, P_ROT, P_FRAGILE, P_MAXLOAD, P_NCOL };
static const bx_column parcel_cols[P_NCOL] = {
    {"id", true},     {"length_mm", true}, {"width_mm", true},  {"height_mm", true},
    {"mass_g", true}, {"stop", false},     {"rotation", false}, {"fragile", false},
    {"max_load_g", false}};

enum { V_KIND, V_L, V_W, V_H, V_PAYLOAD, V_DOOR, V_COUNT, V_COST, V_A1X, V_A1M, V_A2X, V_A2M, V_A1T,
       V_A2T, V_NCOL };
static const bx_column vehicle_cols[V_NCOL] = {
    {"kind", true},       {"length_mm", true},   {"width_mm", true},    {"height_mm", true},
    {"payload_g", true},  {"door", false},       {"count", false},      {"cost", false},
    {"axle1_x_mm", false}, {"axle1_max_g", false}, {"axle2_x_mm", false}, {"axle2_max_g", false},
    {"axle1_tare_g", false}, {"axle2_tare_g", false}};

enum { S_ORDER, S_STOP, S_NCOL };
static const bx_column stop_cols[S_NCOL] = {{"order_id", true}, {"stop", true}};

typedef struct rd {
    bx_ctx *ctx;
    const bx_row *row;
    const bx_column *cols;
    const char *file;
    bx_location at;
} rd;

static bx_location where(rd *r, int c)
{
    bx_location w = r->row->at;
    w.file = r->file;
    if (r->row->cell[c].column)
        w.column = r->row->cell[c].column;
    w.field = r->cols[c].name;
    return w;
}

static bool absent(const rd *r, int c)
{
    const bx_cell *cell = &r->row->cell[c];
    return cell->type == BX_CELL_ABSENT || (cell->type == BX_CELL_TEXT && cell->len == 0);
}

static bx_status get_int(rd *r, int c, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
    const bx_cell *cell = &r->row->cell[c];
    bx_location w = where(r, c);
    if (absent(r, c)) {
        if (r->cols[c].required)
            return bxi_input_error(r->ctx, BX_EINPUT, &w, "missing value");
        *out = dflt;
        return BX_OK;
    }
    int64_t v;
    const char *why = NULL;
    if (cell->type == BX_CELL_TEXT) {
        if (!bxi_parse_int(cell->s, cell->len, lo, hi, &v, &why))
            return bxi_input_error(r->ctx, BX_EINPUT, &w, "%s (an integer %lld..%lld)", why,
                                   (long long)lo, (long long)hi);
    } else if (cell->type == BX_CELL_INT) {
        v = cell->i;
    } else if (cell->type == BX_CELL_REAL && cell->d == floor(cell->d) && fabs(cell->d) < 9e15) {
        v = (int64_t)cell->d;
    } else
        return bxi_input_error(r->ctx, BX_EINPUT, &w, "not an integer");
    if (v < lo || v > hi)
        return bxi_input_error(r->ctx, BX_EINPUT, &w, "%lld is out of range %lld..%lld", (long long)v,
                               (long long)lo, (long long)hi);
    *out = v;
    return BX_OK;
}

static bx_status get_real(rd *r, int c, double lo, double hi, double dflt, double *out)
{
    const bx_cell *cell = &r->row->cell[c];
    bx_location w = where(r, c);
    if (absent(r, c)) {
        *out = dflt;
        return BX_OK;
    }
    double v;
    const char *why = NULL;
    if (cell->type == BX_CELL_TEXT) {
        if (!bxi_parse_double(cell->s, cell->len, &v, &why))
            return bxi_input_error(r->ctx, BX_EINPUT, &w, "%s", why);
    } else if (cell->type == BX_CELL_INT)
        v = (double)cell->i;
    else
        v = cell->d;
    if (!(v >= lo && v <= hi))
        return bxi_input_error(r->ctx, BX_EINPUT, &w, "out of range %g..%g", lo, hi);
    *out = v;
    return BX_OK;
}

/* Text of cell c into buf (NUL-terminated); "" if absent. */
static bx_status get_text(rd *r, int c, char *buf, size_t size, bool id)
{
    const bx_cell *cell = &r->row->cell[c];
    bx_location w = where(r, c);
    buf[0] = '\0';
    if (absent(r, c)) {
        if (r->cols[c].required)
            return bxi_input_error(r->ctx, BX_EINPUT, &w, "missing value");
        return BX_OK;
    }
    if (cell->type != BX_CELL_TEXT)
        return bxi_input_error(r->ctx, BX_EINPUT, &w, "not text");
    const char *why = id ? bxi_id_problem(cell->s, cell->len) : NULL;
    if (why)
        return bxi_input_error(r->ctx, BX_EINPUT, &w, "%s", why);
    if (cell->len >= size)
        return bxi_input_error(r->ctx, BX_EINPUT, &w, "too long (at most %zu bytes)", size - 1);
    memcpy(buf, cell->s, cell->len);
    buf[cell->len] = '\0';
    return BX_OK;
}

static bx_status parcel_row(rd *r, bx_load_parcel *p)
{
    memset(p, 0, sizeof *p);
    int64_t v;
    bx_status st = get_text(r, P_ID, p->id, sizeof p->id, true);
    for (int k = 0; k < 3 && st == BX_OK; k++)
        if ((st = get_int(r, P_L + k, 1, BX_MAX_LENGTH_MM, 0, &v)) == BX_OK)
            p->dim_mm[k] = (int32_t)v;
    if (st == BX_OK && (st = get_int(r, P_MASS, 0, BX_MAX_MASS_G, 0, &v)) == BX_OK)
        p->mass_g = v;
    if (st == BX_OK && (st = get_int(r, P_STOP, 0, 1000000, 0, &v)) == BX_OK)
        p->stop = (uint32_t)v;
    if (st == BX_OK && (st = get_int(r, P_MAXLOAD, -1, BX_MAX_MASS_G, -1, &v)) == BX_OK)
        p->max_load_g = v;
    char buf[32];
    if (st == BX_OK && (st = get_text(r, P_ROT, buf, sizeof buf, false)) == BX_OK) {
        p->rotation = BX_ROTATE_ANY;
        if (buf[0] && bx_rotation_parse(buf, &p->rotation) != BX_OK) {
            bx_location w = where(r, P_ROT);
            st = bxi_input_error(r->ctx, BX_EINPUT, &w, "'%s' is not any, upright or fixed", buf);
        }
    }
    if (st == BX_OK && !absent(r, P_FRAGILE)) {
        const bx_cell *cell = &r->row->cell[P_FRAGILE];
        const char *why = NULL;
        bx_location w = where(r, P_FRAGILE);
        if (cell->type == BX_CELL_TEXT) {
            if (!bxi_parse_bool(cell->s, cell->len, &p->fragile, &why))
                st = bxi_input_error(r->ctx, BX_EINPUT, &w, "%s", why);
        } else if (cell->type == BX_CELL_INT && (cell->i == 0 || cell->i == 1))
            p->fragile = cell->i == 1;
        else
            st = bxi_input_error(r->ctx, BX_EINPUT, &w, "not a boolean");
    }
    p->where = r->row->at;
    p->where.file = r->file;
    p->where.field = NULL;
    p->where.column = 0;
    return st;
}

static bx_status vehicle_row(rd *r, bx_load_vehicle *v)
{
    memset(v, 0, sizeof *v);
    int64_t x;
    bx_status st = get_text(r, V_KIND, v->kind, sizeof v->kind, true);
    for (int k = 0; k < 3 && st == BX_OK; k++)
        if ((st = get_int(r, V_L + k, 1, BX_MAX_LENGTH_MM, 0, &x)) == BX_OK)
            v->inner_mm[k] = (int32_t)x;
    if (st == BX_OK && (st = get_int(r, V_PAYLOAD, 0, BX_MAX_MASS_G, 0, &x)) == BX_OK)
        v->payload_g = x;
    if (st == BX_OK && (st = get_int(r, V_COUNT, 0, 1000000, 1, &x)) == BX_OK)
        v->count = (uint32_t)x;
    if (st == BX_OK)
        st = get_real(r, V_COST, 0, 1e12, 0, &v->cost);
    char buf[16];
    if (st == BX_OK && (st = get_text(r, V_DOOR, buf, sizeof buf, false)) == BX_OK && buf[0] &&
        bx_load_door_parse(buf, &v->door) != BX_OK) {
        bx_location w = where(r, V_DOOR);
        st = bxi_input_error(r->ctx, BX_EINPUT, &w, "'%s' is not rear or side", buf);
    }
    int given = 0;
    for (int a = 0; a < 2 && st == BX_OK; a++) {
        int cx = a ? V_A2X : V_A1X, cm = a ? V_A2M : V_A1M;
        given += !absent(r, cx) + !absent(r, cm);
        if ((st = get_int(r, cx, 0, BX_MAX_LENGTH_MM, 0, &x)) == BX_OK)
            v->axle_x_mm[a] = (int32_t)x;
        if (st == BX_OK && (st = get_int(r, cm, 1, BX_MAX_MASS_G, 1, &x)) == BX_OK)
            v->axle_max_g[a] = x;
    }
    if (st == BX_OK && given != 0 && given != 4) {
        bx_location w = where(r, V_A1X);
        st = bxi_input_error(r->ctx, BX_EINPUT, &w, "give all four axle columns or none");
    }
    for (int a = 0; a < 2 && st == BX_OK; a++) {
        int ct = a ? V_A2T : V_A1T;
        if (!absent(r, ct) && given != 4) {
            bx_location w = where(r, ct);
            st = bxi_input_error(r->ctx, BX_EINPUT, &w, "an axle tare needs the four axle columns");
        } else if ((st = get_int(r, ct, 0, BX_MAX_MASS_G, 0, &x)) == BX_OK)
            v->axle_tare_g[a] = x;
    }
    if (st == BX_OK && given == 4) {
        v->naxles = 2;
        if (v->axle_x_mm[0] >= v->axle_x_mm[1]) {
            bx_location w = where(r, V_A2X);
            st = bxi_input_error(r->ctx, BX_EINPUT, &w, "the second axle must be behind the first");
        }
    }
    v->where = r->row->at;
    v->where.file = r->file;
    v->where.field = NULL;
    v->where.column = 0;
    return st;
}

static bx_status read_all(bx_ctx *ctx, bx_reader *reader, bx_status st, const bx_column *cols,
                          bool parcels, bx_load_input *in)
{
    if (st != BX_OK)
        return st;
    rd r = {ctx, NULL, cols, in->name, {0}};
    size_t cap = 0;
    for (;;) {
        st = bxi_reader_next_row(reader, &r.row);
        if (st == BX_END) {
            st = BX_OK;
            break;
        }
        if (st != BX_OK)
            break;
        if (parcels) {
            st = bxi_grow(ctx, (void **)&in->parcels, &cap, in->nparcels + 1, sizeof *in->parcels,
                          MAX_ROWS, "parcels");
            if (st == BX_OK && (st = parcel_row(&r, &in->parcels[in->nparcels])) == BX_OK)
                in->nparcels++;
        } else {
            st = bxi_grow(ctx, (void **)&in->vehicles, &cap, in->nvehicles + 1, sizeof *in->vehicles,
                          MAX_ROWS, "vehicles");
            if (st == BX_OK && (st = vehicle_row(&r, &in->vehicles[in->nvehicles])) == BX_OK)
                in->nvehicles++;
        }
        if (st != BX_OK)
            break;
    }
    bx_reader_close(reader);
    return st;
}


/* A rows reader on a file (path) or on bytes in memory named name. */
static bx_status open_rows(bx_ctx *ctx, bx_reader **reader, bx_schema *schema, const char *path,
                           const char *name, const void *data, size_t size)
{
    return path ? bxi_reader_open_rows_file(ctx, reader, schema, BX_FORMAT_AUTO, path)
                : bxi_reader_open_rows_mem(ctx, reader, schema, BX_FORMAT_AUTO, name,
                                           data ? data : "", size);
}

static bx_status open_read(bx_ctx *ctx, const char *name, const char *path, const void *data,
                           size_t size, bool parcels, bx_load_input *in)
{
    if (!ctx || !name || !in || (!path && !data && size))
        return ctx ? bxi_error(ctx, BX_EINVAL, "bx_load_read: NULL argument") : BX_EINVAL;
    if (!in->name) {
        in->name = bxi_strdup(ctx, name);
        if (!in->name)
            return BX_ENOMEM;
    }
    const bx_column *cols = parcels ? parcel_cols : vehicle_cols;
    size_t ncols = parcels ? P_NCOL : V_NCOL;
    bx_schema schema;
    bx_field fields[BX_ROW_MAX_COLUMNS];
    bxi_row_schema_init(&schema, fields, cols, ncols);
    bx_reader *reader = NULL;
    size_t had = in->nvehicles;
    bx_status st = open_rows(ctx, &reader, &schema, path, name, data, size);
    st = read_all(ctx, reader, st, cols, parcels, in);
    if (st == BX_OK && !parcels && in->nvehicles == had) {
        /* planning into no vehicle would list every parcel as too big */
        bx_location w = {0};
        w.file = in->name;
        return bxi_input_error(ctx, BX_EINPUT, &w, "no vehicles: the catalog has no rows");
    }
    return st;
}

bx_status bx_load_read_parcels(bx_ctx *ctx, const char *path, bx_load_input *in)
{
    return open_read(ctx, path ? path : "", path, NULL, 0, true, in);
}

bx_status bx_load_read_parcels_mem(bx_ctx *ctx, const char *name, const void *data, size_t size,
                                   bx_load_input *in)
{
    return open_read(ctx, name, NULL, data, size, true, in);
}

bx_status bx_load_read_vehicles(bx_ctx *ctx, const char *path, bx_load_input *in)
{
    return open_read(ctx, path ? path : "", path, NULL, 0, false, in);
}

bx_status bx_load_read_vehicles_mem(bx_ctx *ctx, const char *name, const void *data, size_t size,
                                    bx_load_input *in)
{
    return open_read(ctx, name, NULL, data, size, false, in);
}

/* ---- stops of packed orders --------------------------------------------- */

typedef struct order_stop {
    char order_id[BX_ID_MAX];
    uint32_t stop;
    uint64_t line;
    bool used;
} order_stop;

static int cmp_order_stop(const void *a, const void *b)
{
    return strcmp(((const order_stop *)a)->order_id, ((const order_stop *)b)->order_id);
}

/* The order part of a packed parcel's id "<order_id>/<box_seq>" into buf;
 * false if the id is not of that form. */
static bool order_of(const char *id, char buf[BX_ID_MAX])
{
    const char *slash = strrchr(id, '/');
    if (!slash || slash == id || !slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1))
        return false;
    size_t n = (size_t)(slash - id);
    memcpy(buf, id, n);
    buf[n] = '\0';
    return true;
}

static bx_status read_stops(bx_ctx *ctx, const char *path, const char *name, const void *data,
                            size_t size, bx_load_input *in)
{
    if (!ctx || !name || !in || (!path && !data && size))
        return ctx ? bxi_error(ctx, BX_EINVAL, "bx_load_read_stops: NULL argument") : BX_EINVAL;
    bx_schema schema;
    bx_field fields[BX_ROW_MAX_COLUMNS];
    bxi_row_schema_init(&schema, fields, stop_cols, S_NCOL);
    bx_reader *reader = NULL;
    bx_status st = open_rows(ctx, &reader, &schema, path, name, data, size);
    path = name;
    if (st != BX_OK)
        return st;
    order_stop *os = NULL;
    size_t n = 0, cap = 0;
    rd r = {ctx, NULL, stop_cols, path, {0}};
    for (;;) {
        st = bxi_reader_next_row(reader, &r.row);
        if (st == BX_END) {
            st = BX_OK;
            break;
        }
        int64_t v;
        if (st == BX_OK)
            st = bxi_grow(ctx, (void **)&os, &cap, n + 1, sizeof *os, MAX_ROWS, "stops");
        if (st == BX_OK)
            st = get_text(&r, S_ORDER, os[n].order_id, sizeof os[n].order_id, true);
        if (st == BX_OK && (st = get_int(&r, S_STOP, 0, 1000000, 0, &v)) == BX_OK) {
            os[n].stop = (uint32_t)v;
            os[n].line = r.row->at.line ? r.row->at.line : r.row->at.record;
            os[n].used = false;
            n++;
        }
        if (st != BX_OK)
            break;
    }
    bx_reader_close(reader);
    if (st == BX_OK && n > 1) {
        qsort(os, n, sizeof *os, cmp_order_stop);
        for (size_t i = 1; i < n && st == BX_OK; i++)
            if (!strcmp(os[i].order_id, os[i - 1].order_id)) {
                bx_location w = {0};
                w.file = path;
                w.line = os[i].line > os[i - 1].line ? os[i].line : os[i - 1].line;
                w.field = "order_id";
                st = bxi_input_error(ctx, BX_EINPUT, &w, "order '%s' is given a stop twice", os[i].order_id);
            }
    }
    for (size_t i = 0; i < in->nparcels && st == BX_OK; i++) {
        order_stop key;
        if (!order_of(in->parcels[i].id, key.order_id))
            continue;
        order_stop *hit = n ? bsearch(&key, os, n, sizeof *os, cmp_order_stop) : NULL;
        if (hit) {
            in->parcels[i].stop = hit->stop;
            hit->used = true;
        }
    }
    for (size_t i = 0; i < n && st == BX_OK; i++)
        if (!os[i].used) {
            bx_location w = {0};
            w.file = path;
            w.line = os[i].line;
            st = bxi_warn(ctx, &w, "order '%s' has no packed boxes", os[i].order_id);
        }
    bx_free(ctx, os);
    return st;
}

bx_status bx_load_read_stops(bx_ctx *ctx, const char *path, bx_load_input *in)
{
    return read_stops(ctx, path, path ? path : "", NULL, 0, in);
}

bx_status bx_load_read_stops_mem(bx_ctx *ctx, const char *name, const void *data, size_t size,
                                 bx_load_input *in)
{
    return read_stops(ctx, NULL, name, data, size, in);
}

void bx_load_input_free(bx_ctx *ctx, bx_load_input *in)
{
    if (!in)
        return;
    bx_free(ctx, in->parcels);
    bx_free(ctx, in->vehicles);
    bx_free(ctx, in->name);
    memset(in, 0, sizeof *in);
}
