/*
 * pool_pack.c: packing into a pool's containers at a station
 * (boxcar/pool_pack.h).
 *
 * The engine knows nothing of pools: the containers ready at the station
 * reach it as stock, read from the pool's state before every order, so
 * the pool itself is the count that goes down as containers are issued.
 * Each reusable box of the packing then gets a real container, picked
 * longest-ready first; they are copied here at once, since the pool's own
 * strings last only until it next changes.
 */
#include <string.h>

#include "boxcar/pool_pack.h"
#include "internal.h"

struct bx_pool_packer {
    bx_ctx *ctx;
    bx_pool *pool;
    const bx_catalog *cat;
    char station[BX_ID_MAX];
    char as[BX_ID_MAX];         /* the operator packing, "" for none */
    bx_policy *policy;
    bool returns_accepted;
    bx_engine *engine;          /* the containers-only packing */
    int64_t *reusable, *mixed;  /* stock for the two packings, per catalog box */
    const int64_t *used_stock;  /* the one the result was packed with */
    bx_order order;             /* the last order packed (borrowed) */
    bx_pack_options opts;       /* and its options */
    bx_pack_result out;
    const char **containers;    /* per box: into evs[].container_id, or NULL */
    bx_pool_event *evs;         /* the issues picked, not yet recorded */
    size_t nevs, cap;
    const char **picked;        /* bx_pool_pick's scratch */
    /* the policy's availability table: the catalog's reusable types */
    const char **type_ids;
    int64_t *type_avail;
    size_t ntypes;
    bool table_set;
};

void bx_pool_packer_options_init(bx_pool_packer_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->returns_accepted = true;
}

bx_status bx_pool_packer_new(bx_ctx *ctx, bx_pool_packer **out, bx_pool *pool,
                             const bx_catalog *catalog, const bx_pool_packer_options *opts)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || pool == NULL || catalog == NULL || opts == NULL ||
        opts->station_id == NULL || opts->station_id[0] == '\0')
        return bxi_error(ctx, BX_EINVAL, "bx_pool_packer_new: bad argument");
    const char *as = opts->operator_id != NULL ? opts->operator_id : "";
    if (strlen(as) >= BX_ID_MAX)
        return bxi_error(ctx, BX_EINVAL, "bx_pool_packer_new: bad argument");
    /* another's station is as absent as one that does not exist */
    if (strlen(opts->station_id) >= BX_ID_MAX ||
        !bx_pool_sees_station(pool, as, opts->station_id))
        return bxi_error(ctx, BX_ENOTFOUND, "station '%s' is not in the pool", opts->station_id);
    bx_pool_packer *pp = bx_alloc(ctx, sizeof *pp);
    if (pp == NULL)
        return BX_ENOMEM;
    memset(pp, 0, sizeof *pp);
    pp->ctx = ctx;
    pp->pool = pool;
    pp->cat = catalog;
    pp->policy = opts->policy;
    pp->returns_accepted = opts->returns_accepted;
    memcpy(pp->station, opts->station_id, strlen(opts->station_id) + 1);
    memcpy(pp->as, as, strlen(as) + 1);
    size_t n = bx_catalog_count(catalog);
    pp->reusable = bx_alloc(ctx, (n ? n : 1) * sizeof *pp->reusable);
    pp->mixed = bx_alloc(ctx, (n ? n : 1) * sizeof *pp->mixed);
    pp->type_ids = bx_alloc(ctx, (n ? n : 1) * sizeof *pp->type_ids);
    pp->type_avail = bx_alloc(ctx, (n ? n : 1) * sizeof *pp->type_avail);
    bx_status st = pp->reusable && pp->mixed && pp->type_ids && pp->type_avail ? BX_OK
                                                                                : BX_ENOMEM;
    for (size_t i = 0; st == BX_OK && i < n; i++)
        if (bx_catalog_box(catalog, i)->reusable)
            pp->type_ids[pp->ntypes++] = bx_catalog_box(catalog, i)->box_id;
    if (st == BX_OK && pp->policy == NULL)
        st = bx_engine_new(ctx, &pp->engine, NULL);
    if (st != BX_OK) {
        bx_pool_packer_free(pp);
        return st;
    }
    *out = pp;
    return BX_OK;
}

void bx_pool_packer_free(bx_pool_packer *pp)
{
    if (pp == NULL)
        return;
    bx_ctx *ctx = pp->ctx;
    bx_engine_free(pp->engine);
    bx_free(ctx, pp->reusable);
    bx_free(ctx, pp->mixed);
    bx_free(ctx, pp->containers);
    bx_free(ctx, pp->evs);
    bx_free(ctx, pp->picked);
    bx_free(ctx, pp->type_ids);
    bx_free(ctx, pp->type_avail);
    bx_free(ctx, pp);
}

/* Room for n boxes' containers and issues. */
static bx_status reserve(bx_pool_packer *pp, size_t n)
{
    if (n <= pp->cap)
        return BX_OK;
    size_t c = pp->cap ? pp->cap : 4;
    while (c < n)
        c *= 2;
    const char **cs = bx_realloc(pp->ctx, pp->containers, c * sizeof *cs);
    if (cs == NULL)
        return BX_ENOMEM;
    pp->containers = cs;
    bx_pool_event *e = bx_realloc(pp->ctx, pp->evs, c * sizeof *e);
    if (e == NULL)
        return BX_ENOMEM;
    pp->evs = e;
    const char **ids = bx_realloc(pp->ctx, pp->picked, c * sizeof *ids);
    if (ids == NULL)
        return BX_ENOMEM;
    pp->picked = ids;
    pp->cap = c;
    return BX_OK;
}

/* Containers-only against everything; *res is the winner. */
static bx_status pack_two_ways(bx_pool_packer *pp, bx_engine *engine, const bx_order *order,
                               const bx_pack_options *opts, const bx_pack_result **res)
{
    size_t n = bx_catalog_count(pp->cat);
    bx_status st = BX_OK;
    for (size_t i = 0; i < n; i++) {
        const bx_box *box = bx_catalog_box(pp->cat, i);
        uint64_t a = box->reusable ? bx_pool_available_as(pp->pool, pp->as, pp->station,
                                                          box->box_id)
                                   : 0;
        pp->reusable[i] = a > INT64_MAX ? INT64_MAX : (int64_t)a;
    }
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const bx_box *box = bx_catalog_box(pp->cat, i);
        any |= pp->reusable[i] > 0;
        pp->mixed[i] = box->reusable ? pp->reusable[i]
                       : opts->stock ? opts->stock[i]
                                     : box->stock;
    }
    bx_pack_options o = *opts;
    o.stock = pp->mixed;
    const bx_pack_result *m = NULL, *r = NULL;
    if ((st = bx_pack(engine, pp->cat, order, &o, &m)) != BX_OK)
        return st;
    *res = m;
    pp->used_stock = pp->mixed;
    if (!any)
        return BX_OK;
    o.stock = pp->reusable;
    if ((st = bx_pack(pp->engine, pp->cat, order, &o, &r)) != BX_OK)
        return st;
    if (r->nunpacked == 0 && r->nboxes <= m->nboxes) {
        *res = r;
        pp->used_stock = pp->reusable;
    }
    return BX_OK;
}

/* The policy's availability table made the pool's: set again only when
 * a count differs (the policy's own counts go down as choose_container
 * takes from them, and the pool's as containers are issued, so after an
 * issue they agree), since setting it builds a new Lua table. */
static bx_status sync_table(bx_pool_packer *pp)
{
    bool same = pp->table_set;
    for (size_t i = 0; i < pp->ntypes; i++) {
        uint64_t a = bx_pool_available_as(pp->pool, pp->as, pp->station, pp->type_ids[i]);
        pp->type_avail[i] = a > INT64_MAX ? INT64_MAX : (int64_t)a;
        same = same && bx_policy_pool_available(pp->policy, pp->type_ids[i]) ==
                           pp->type_avail[i];
    }
    if (same)
        return BX_OK;
    pp->table_set = false;
    bx_policy_pool table = {pp->returns_accepted, pp->type_ids, pp->type_avail, pp->ntypes};
    bx_status st = bx_policy_set_pool(pp->policy, &table);
    pp->table_set = st == BX_OK;
    return st;
}

/* Under the policy, whose table holds the pool's counts and is the stock
 * of the reusable types (the options' stock stays the cartons'). */
static bx_status pack_with_policy(bx_pool_packer *pp, bx_engine *engine,
                                  const bx_order *order, const bx_pack_options *opts,
                                  const bx_pack_result **res)
{
    bx_status st = sync_table(pp);
    if (st == BX_OK)
        st = bx_policy_pack(pp->policy, engine, order, opts, res);
    return st;
}

/* The container type box b takes: its own, which is all a policy's
 * choose_container may name (the packing was made for that box's inside;
 * another type's may not hold it). NULL for a carton. */
static bx_status wanted_type(bx_pool_packer *pp, const bx_pack_result *res, size_t b,
                             const char **type)
{
    const bx_box *box = res->boxes[b].box;
    *type = box->reusable ? box->box_id : NULL;
    const char *chosen = res->containers != NULL ? res->containers[b] : NULL;
    if (chosen == NULL || strcmp(chosen, box->box_id) == 0)
        return BX_OK;
    return bxi_error(pp->ctx, BX_EINPUT,
                    "order %s: policy %s: hook 'choose_container' chose '%s' for box %zu, "
                    "a %s: a box takes a container of its own type",
                    pp->order.lines[0].order_id, bx_policy_name(pp->policy), chosen, b + 1,
                    box->box_id);
}

/* A container for each box that takes one: the boxes of a type get that
 * type's ready containers in turn, longest ready first. */
static bx_status pick(bx_pool_packer *pp, const bx_pack_result *res)
{
    bx_status st = reserve(pp, res->nboxes);
    if (st != BX_OK)
        return st;
    const char *order_id = pp->order.lines[0].order_id;
    for (size_t b = 0; b < res->nboxes; b++) {
        pp->containers[b] = NULL;
        const char *type;
        if ((st = wanted_type(pp, res, b, &type)) != BX_OK)
            return st;
        if (type == NULL)
            continue;
        size_t j = 0; /* earlier boxes of this type */
        for (size_t e = 0; e < pp->nevs; e++)
            j += strcmp(pp->evs[e].type_id, type) == 0;
        if (bx_pool_pick_as(pp->pool, pp->as, pp->station, type, j + 1, pp->picked) != j + 1)
            return bxi_error(pp->ctx, BX_EINTERNAL,
                            "order %s: no container of type %s left at station %s",
                            order_id, type, pp->station);
        bx_pool_event *ev = &pp->evs[pp->nevs++];
        bx_pool_event_init(ev);
        ev->type = BX_EV_ISSUE;
        memcpy(ev->container_id, pp->picked[j], strlen(pp->picked[j]) + 1);
        memcpy(ev->station_id, pp->station, sizeof ev->station_id);
        memcpy(ev->order_id, order_id, sizeof ev->order_id);
        memcpy(ev->by, pp->as, sizeof ev->by);
        /* only to count the type's boxes; cleared before the issue */
        memcpy(ev->type_id, type, strlen(type) + 1);
        pp->containers[b] = ev->container_id;
    }
    return BX_OK;
}

bx_status bx_pool_packer_pack(bx_pool_packer *pp, bx_engine *engine, const bx_order *order,
                              const bx_pack_options *options, const bx_pack_result **result)
{
    if (pp == NULL)
        return BX_EINVAL;
    if (engine == NULL || order == NULL || result == NULL || order->lines == NULL ||
        order->nlines == 0)
        return bxi_error(pp->ctx, BX_EINVAL, "bx_pool_packer_pack: bad argument");
    *result = NULL;
    pp->nevs = 0;
    pp->order = *order;
    if (options != NULL)
        pp->opts = *options;
    else
        bx_pack_options_init(&pp->opts);
    const bx_pack_result *res = NULL;
    bx_status st = pp->policy != NULL ? pack_with_policy(pp, engine, order, &pp->opts, &res)
                                      : pack_two_ways(pp, engine, order, &pp->opts, &res);
    if (st == BX_OK)
        st = pick(pp, res);
    if (st != BX_OK) {
        pp->nevs = 0;
        return st;
    }
    pp->out = *res;
    pp->out.containers = pp->containers;
    *result = &pp->out;
    return BX_OK;
}

void bx_pool_packer_packed_as(const bx_pool_packer *pp, bx_order *order,
                              bx_pack_options *options)
{
    if (pp->policy != NULL) {
        bx_policy_packed_as(pp->policy, order, options);
        return;
    }
    *order = pp->order;
    *options = pp->opts;
    options->stock = pp->used_stock;
}

size_t bx_pool_packer_pending(const bx_pool_packer *pp)
{
    return pp != NULL ? pp->nevs : 0;
}

bx_status bx_pool_packer_issue(bx_pool_packer *pp, int64_t time_s, uint64_t *seq)
{
    if (seq != NULL)
        *seq = 0;
    if (pp == NULL)
        return BX_EINVAL;
    size_t n = pp->nevs;
    pp->nevs = 0;
    if (n == 0)
        return BX_OK;
    for (size_t e = 0; e < n; e++) {
        pp->evs[e].time_s = time_s;
        pp->evs[e].type_id[0] = '\0';
    }
    /* the result's container ids live in evs: they stay as they are */
    bx_status st = bx_pool_apply_batch(pp->pool, pp->evs, n, NULL);
    if (st == BX_OK && seq != NULL)
        *seq = bx_pool_seq(pp->pool);
    return st;
}
