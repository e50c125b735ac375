/*
 * containers.c: read reusable container types from CSV.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

struct bx_containers {
    bx_ctx *ctx;
    bx_container *items;
    size_t n, cap;
    bxc_idmap ids;
    char *name;
};

enum {
    C_ID, C_MATERIAL, C_MASS, C_MANUFACTURE, C_EOL, C_WASH_KWH, C_WASH_ENERGY,
    C_TRIPS, C_RETURN, C_REPLACES, C_NOTE, C_COUNT
};

static const bxc_column columns[C_COUNT] = {
    [C_ID] = {"container_id", true},
    [C_MATERIAL] = {"material", true},
    [C_MASS] = {"mass_g", true},
    [C_MANUFACTURE] = {"manufacture_kg", false},
    [C_EOL] = {"eol_kg", false},
    [C_WASH_KWH] = {"wash_kwh", false},
    [C_WASH_ENERGY] = {"wash_energy", false},
    [C_TRIPS] = {"trips", true},
    [C_RETURN] = {"return_route", false},
    [C_REPLACES] = {"replaces", false},
    [C_NOTE] = {"note", false},
};

static bx_status row_error(const bxc_table *t, size_t c, const char *msg)
{
    bx_location where = bxi_carbon_where(t, c);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", msg);
}

static bx_status read_row(bx_containers *cs, const bxc_table *t, bx_container *k)
{
    memset(k, 0, sizeof *k);
    k->line = bxi_carbon_line(t);
    k->manufacture_kg = NAN;
    k->eol_kg = NAN;
    int64_t trips;
    bx_status st;
    if ((st = bxi_carbon_get_id(t, C_ID, true, k->container_id)) != BX_OK ||
        (st = bxi_carbon_get_id(t, C_MATERIAL, true, k->material)) != BX_OK ||
        (st = bxi_carbon_get_int(t, C_MASS, true, 1, BX_MAX_MASS_G, &k->mass_g, NULL)) != BX_OK ||
        (st = bxi_carbon_get_double(t, C_MANUFACTURE, false, 0, 1e6, &k->manufacture_kg,
                             NULL)) != BX_OK ||
        (st = bxi_carbon_get_double(t, C_EOL, false, 0, 1e6, &k->eol_kg, NULL)) != BX_OK ||
        (st = bxi_carbon_get_double(t, C_WASH_KWH, false, 0, 1e6, &k->wash_kwh, NULL)) != BX_OK ||
        (st = bxi_carbon_get_id(t, C_WASH_ENERGY, false, k->wash_energy)) != BX_OK ||
        (st = bxi_carbon_get_int(t, C_TRIPS, true, 1, 1000000, &trips, NULL)) != BX_OK ||
        (st = bxi_carbon_get_id(t, C_RETURN, false, k->return_route)) != BX_OK)
        return st;
    k->trips = (int32_t)trips;
    if (k->wash_kwh > 0 && k->wash_energy[0] == '\0')
        return row_error(t, C_WASH_ENERGY, "washing energy needs wash_energy: the "
                                           "electricity row (kg/kwh) to convert it");
    size_t len;
    const char *rep = bxi_carbon_get(t, C_REPLACES, &len);
    if (len >= BX_PACKAGING_MAX)
        return row_error(t, C_REPLACES, "longer than 127 bytes");
    memcpy(k->replaces, rep, len + 1);
    if (bxi_carbon_idmap_find(&cs->ids, k->container_id, strlen(k->container_id)) >= 0)
        return row_error(t, C_ID, "duplicate container id");
    return BX_OK;
}

static bx_status push(bx_containers *cs, const bx_container *k)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 8;
        bx_container *p = bx_realloc(cs->ctx, cs->items, cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        cs->items = p;
        cs->cap = cap;
    }
    size_t index;
    bx_status st = bxi_carbon_idmap_put(&cs->ids, k->container_id, strlen(k->container_id),
                                 &index, NULL);
    if (st != BX_OK)
        return st;
    cs->items[cs->n++] = *k;
    return BX_OK;
}

static bx_status load_into(bx_ctx *ctx, bx_containers **out, bxc_table *t, const char *name);

/* bxc_load_fn over load_into. */
static bx_status load(bx_ctx *ctx, void *result, bxc_table *t, const char *name)
{
    bx_containers **out = result;
    return load_into(ctx, out, t, name);
}

static bx_status load_into(bx_ctx *ctx, bx_containers **out, bxc_table *t, const char *name)
{
    bx_containers *cs = bx_alloc(ctx, sizeof *cs);
    if (cs == NULL)
        return BX_ENOMEM;
    memset(cs, 0, sizeof *cs);
    cs->ctx = ctx;
    bxi_carbon_idmap_init(&cs->ids, ctx);
    bx_status first = BX_OK, st;
    cs->name = bxi_strdup(ctx, name);
    if (cs->name == NULL)
        first = BX_ENOMEM;
    while (first != BX_ENOMEM && (st = bxi_carbon_table_next(t)) != BX_END) {
        bx_container k;
        if (st == BX_OK)
            st = read_row(cs, t, &k);
        if (st == BX_OK)
            st = push(cs, &k);
        if (st == BX_EINPUT) {
            first = first == BX_OK ? st : first;
            continue;
        }
        if (st != BX_OK) {
            first = st;
            break;
        }
    }
    if (first != BX_OK) {
        bx_containers_free(cs);
        return first;
    }
    *out = cs;
    return BX_OK;
}

bx_status bx_containers_load(bx_ctx *ctx, bx_containers **out, const char *path)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_containers_load: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_path(ctx, path, columns, C_COUNT, load, out);
}

bx_status bx_containers_read_mem(bx_ctx *ctx, bx_containers **out, const char *name,
                                 const void *data, size_t size)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || (data == NULL && size > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_containers_read_mem: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_mem(ctx, name, data, size, columns, C_COUNT, load, out);
}

size_t bx_containers_count(const bx_containers *cs)
{
    return cs == NULL ? 0 : cs->n;
}

const bx_container *bx_containers_at(const bx_containers *cs, size_t i)
{
    return cs == NULL || i >= cs->n ? NULL : &cs->items[i];
}

const bx_container *bx_containers_find(const bx_containers *cs, const char *id)
{
    if (cs == NULL || id == NULL)
        return NULL;
    long i = bxi_carbon_idmap_find(&cs->ids, id, strlen(id));
    return i < 0 ? NULL : &cs->items[i];
}

const char *bxi_carbon_containers_name(const bx_containers *cs)
{
    return cs == NULL || cs->name == NULL ? "" : cs->name;
}

void bx_containers_free(bx_containers *cs)
{
    if (cs == NULL)
        return;
    bxi_carbon_idmap_free(&cs->ids);
    bx_free(cs->ctx, cs->items);
    bx_free(cs->ctx, cs->name);
    bx_free(cs->ctx, cs);
}
