/*
 * rounds.c: read a rounds file: one drop of a multi-drop round per row
 * (round id, shipment id, the drop's direct distance from the depot and its
 * mass, or its items), and keep each round's totals, from which a leg that
 * names the round gets its notional tkm or its items (GLEC's multi-drop
 * rule, as bx_multidrop_shares computes it).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

typedef struct round_rec {
    double gkm;        /* sum of mass_g x drop_km over its drops */
    int64_t items;     /* sum of items */
    uint64_t line;     /* its first row */
    bool valid;        /* no bad row */
    bool all_direct;   /* every drop has mass_g and drop_km */
} round_rec;

struct bx_rounds {
    bx_ctx *ctx;
    bx_arena strings;
    const char *name;
    bxc_idmap ids;     /* round id -> index of recs */
    bxc_idmap drops;   /* "round\x1fshipment" -> index of the drop arrays */
    round_rec *recs;
    size_t nrecs, recs_cap;
    bx_drop *drop;
    size_t ndrops, drops_cap;
    size_t invalid;
};

enum { C_ROUND, C_SHIPMENT, C_DROP_KM, C_MASS, C_ITEMS, C_COUNT };

static const bxc_column columns[C_COUNT] = {
    [C_ROUND] = {"round_id", true},
    [C_SHIPMENT] = {"shipment_id", true},
    [C_DROP_KM] = {"drop_km", false},
    [C_MASS] = {"mass_g", false},
    [C_ITEMS] = {"items", false},
};

const char *bx_round_column(size_t i)
{
    return i < C_COUNT ? columns[i].name : NULL;
}

static bx_status row_error(const bxc_table *t, size_t c, const char *fmt, ...)
    BX_PRINTF(3, 4);
static bx_status row_error(const bxc_table *t, size_t c, const char *fmt, ...)
{
    bx_location where = bxi_carbon_where(t, c);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", msg);
}

static size_t drop_key(char *buf, const char *round_id, const char *shipment_id)
{
    size_t a = strlen(round_id), b = strlen(shipment_id);
    memcpy(buf, round_id, a);
    buf[a] = '\x1f';
    memcpy(buf + a + 1, shipment_id, b + 1);
    return a + 1 + b;
}

static bx_status read_row(bx_rounds *rs, const bxc_table *t)
{
    char round_id[BX_ID_MAX];
    bx_drop d;
    memset(&d, 0, sizeof d);
    d.line = bxi_carbon_line(t);
    bx_status st = bxi_carbon_get_id(t, C_ROUND, true, round_id);
    if (st != BX_OK)
        return st;
    size_t ri;
    bool fresh;
    if ((st = bxi_carbon_idmap_put(&rs->ids, round_id, strlen(round_id), &ri, &fresh)) != BX_OK)
        return st;
    if (fresh) {
        if ((st = bxi_grow(rs->ctx, (void **)&rs->recs, &rs->recs_cap, rs->nrecs + 1,
                           sizeof *rs->recs, (size_t)1 << 31, "rounds")) != BX_OK)
            return st;
        round_rec nr = {0, 0, d.line, true, true};
        rs->recs[rs->nrecs++] = nr;
    }
    round_rec *r = &rs->recs[ri];
    bool has_km, has_mass, has_items;
    int64_t items = 1;
    if ((st = bxi_carbon_get_id(t, C_SHIPMENT, true, d.shipment_id)) != BX_OK ||
        (st = bxi_carbon_get_double(t, C_DROP_KM, false, 0, BX_MAX_DROP_KM, &d.drop_km,
                                    &has_km)) != BX_OK ||
        (st = bxi_carbon_get_int(t, C_MASS, false, 0, BX_MAX_MASS_G, &d.mass_g, &has_mass)) !=
            BX_OK ||
        (st = bxi_carbon_get_int(t, C_ITEMS, false, 1, BX_MAX_ITEMS, &items, &has_items)) !=
            BX_OK)
        goto bad;
    if (has_km != has_mass) {
        st = row_error(t, has_km ? C_MASS : C_DROP_KM,
                       "a drop shared by notional tkm needs both drop_km and mass_g");
        goto bad;
    }
    d.items = (int32_t)items;
    if (!has_km) {
        d.drop_km = -1;
        d.mass_g = BX_MASS_UNKNOWN;
    }
    char key[2 * BX_ID_MAX];
    size_t len = drop_key(key, round_id, d.shipment_id);
    size_t di;
    if ((st = bxi_carbon_idmap_put(&rs->drops, key, len, &di, &fresh)) != BX_OK)
        return st;
    if (!fresh) {
        st = row_error(t, C_SHIPMENT, "shipment '%s' is already a drop of round '%s' "
                                      "(line %llu)",
                       d.shipment_id, round_id, (unsigned long long)rs->drop[di].line);
        goto bad;
    }
    if ((st = bxi_grow(rs->ctx, (void **)&rs->drop, &rs->drops_cap, rs->ndrops + 1,
                       sizeof *rs->drop, (size_t)1 << 31, "drops")) != BX_OK)
        return st;
    d.round = ri;
    rs->drop[rs->ndrops++] = d;
    if (has_km)
        r->gkm += (double)d.mass_g * d.drop_km;
    else
        r->all_direct = false;
    r->items += d.items;
    return BX_OK;
bad:
    if (st == BX_EINPUT)
        r->valid = false;
    return st;
}

static bx_status load(bx_ctx *ctx, void *result, bxc_table *t, const char *name)
{
    bx_rounds **out = result;
    bx_rounds *rs = bx_alloc(ctx, sizeof *rs);
    if (rs == NULL)
        return BX_ENOMEM;
    memset(rs, 0, sizeof *rs);
    rs->ctx = ctx;
    bx_arena_init(&rs->strings, ctx, 0);
    bxi_carbon_idmap_init(&rs->ids, ctx);
    bxi_carbon_idmap_init(&rs->drops, ctx);
    bx_status st;
    while ((st = bxi_carbon_table_next(t)) != BX_END) {
        if (st == BX_OK)
            st = read_row(rs, t);
        if (st != BX_OK && st != BX_EINPUT)
            break;
        st = BX_OK;
    }
    if (st == BX_END)
        st = BX_OK;
    if (st == BX_OK) {
        rs->name = bxi_arena_strndup(&rs->strings, name, strlen(name));
        if (rs->name == NULL)
            st = BX_ENOMEM;
    }
    for (size_t i = 0; st == BX_OK && i < rs->nrecs; i++)
        rs->invalid += !rs->recs[i].valid;
    if (st != BX_OK) {
        bx_rounds_free(rs);
        return st;
    }
    *out = rs;
    return BX_OK;
}

bx_status bx_rounds_load(bx_ctx *ctx, bx_rounds **out, const char *path)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_rounds_load: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_path(ctx, path, columns, C_COUNT, load, out);
}

bx_status bx_rounds_read_mem(bx_ctx *ctx, bx_rounds **out, const char *name,
                             const void *data, size_t size)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || (data == NULL && size > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_rounds_read_mem: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_mem(ctx, name, data, size, columns, C_COUNT, load, out);
}

size_t bx_rounds_count(const bx_rounds *rs)
{
    return rs == NULL ? 0 : rs->nrecs;
}

size_t bx_rounds_invalid(const bx_rounds *rs)
{
    return rs == NULL ? 0 : rs->invalid;
}

const char *bx_rounds_name(const bx_rounds *rs)
{
    return rs == NULL || rs->name == NULL ? "" : rs->name;
}

bool bx_rounds_get(const bx_rounds *rs, const char *round_id, bx_round_info *out)
{
    if (rs == NULL || round_id == NULL || out == NULL)
        return false;
    long i = bxi_carbon_idmap_find(&rs->ids, round_id, strlen(round_id));
    if (i < 0)
        return false;
    const round_rec *r = &rs->recs[i];
    out->index = (size_t)i;
    out->tkm = r->gkm / 1e6;
    out->items = r->items;
    out->line = r->line;
    out->valid = r->valid;
    out->all_direct = r->all_direct;
    return true;
}

const bx_drop *bx_rounds_drop(const bx_rounds *rs, const char *round_id,
                              const char *shipment_id)
{
    if (rs == NULL || round_id == NULL || shipment_id == NULL ||
        strlen(round_id) >= BX_ID_MAX || strlen(shipment_id) >= BX_ID_MAX)
        return NULL;
    char key[2 * BX_ID_MAX];
    size_t len = drop_key(key, round_id, shipment_id);
    long i = bxi_carbon_idmap_find(&rs->drops, key, len);
    return i < 0 ? NULL : &rs->drop[i];
}

size_t bx_rounds_drops(const bx_rounds *rs)
{
    return rs == NULL ? 0 : rs->ndrops;
}

const bx_drop *bx_rounds_drop_at(const bx_rounds *rs, size_t i)
{
    return rs == NULL || i >= rs->ndrops ? NULL : &rs->drop[i];
}

const char *bx_rounds_id(const bx_rounds *rs, size_t i)
{
    return rs == NULL || i >= rs->nrecs ? NULL : bxi_carbon_idmap_key(&rs->ids, i);
}

void bx_rounds_free(bx_rounds *rs)
{
    if (rs == NULL)
        return;
    bxi_carbon_idmap_free(&rs->ids);
    bxi_carbon_idmap_free(&rs->drops);
    bx_arena_release(&rs->strings);
    bx_free(rs->ctx, rs->recs);
    bx_free(rs->ctx, rs->drop);
    bx_free(rs->ctx, rs);
}
