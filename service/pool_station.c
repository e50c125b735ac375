/*
 * pool_station.c: packing an order at a station from the container pool
 * (POST /v1/pack?station=S), and issuing the containers it takes.
 *
 * Everything here runs under the pool's mutex, from the pack to the sync
 * of the issue: the pool's state is the only count of containers, and a
 * second request must see the first one's issue, never the same container.
 * So the pool has its own engine and context: whatever fails, the message
 * is in p->ctx, read before the mutex is let go.
 *
 * A packer per station is kept while the pool lives, but packers borrow a
 * catalog and (with --policy) a policy compiled against it: they are built
 * from the catalog set in service, like every /v1/pack, and dropped when a
 * request holds another set (after a reload) or when the reload frees the
 * set they borrow (svc_pool_forget). The pool's own catalog, loaded at
 * start, only checks the container types of events. The policy is the
 * pool's own, not a worker's: a packer owns its policy's availability
 * table while it packs, and workers pack outside this mutex. One policy
 * serves every station, since a packer sets the table again whenever
 * its station's counts differ from it.
 */
#include <string.h>
#include <time.h>

#include "svc.h"

static void drop_packing(svc_pool *p)
{
    for (size_t i = 0; i < p->npackers; i++)
        bx_pool_packer_free(p->packers[i].packer);
    p->npackers = 0;
    bx_policy_free(p->policy);
    p->policy = NULL;
    p->packing_for = NULL;
    p->packed = NULL;
}

void svc_pool_forget(svc_pool *p, const svc_catalog *cat)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->packing_for == cat)
        drop_packing(p);
    pthread_mutex_unlock(&p->lock);
}

void svc_pool_drop_packing(svc_pool *p)
{
    drop_packing(p);
    bx_free(p->ctx, p->packers);
    p->packers = NULL;
    p->cap_packers = 0;
    bx_engine_free(p->engine);
    p->engine = NULL;
}

/* The engine, and the policy for cat: what every station's packer uses. */
static bx_status adopt(svc_pool *p, const svc_catalog *cat, const svc_config *cfg,
                       svc_station_fail *fail)
{
    if (p->engine == NULL) {
        bx_engine_limits limits = bx_engine_limits_default();
        limits.max_units = cfg->max_units;
        limits.default_budget = cfg->budget;
        bx_status st = bx_engine_new(p->ctx, &p->engine, &limits);
        if (st != BX_OK)
            return st;
    }
    if (p->packing_for == cat)
        return BX_OK;
    drop_packing(p);
    if (cat->policy_text != NULL) {
        bx_status st = svc_policy_compile(p->ctx, cat, cfg, &p->policy);
        if (st != BX_OK) {
            *fail = SVC_STATION_POLICY;
            return st;
        }
    }
    p->packing_for = cat;
    return BX_OK;
}

/* A packer per station and operator: an operator packs into the
 * containers it holds, at a station it may see. */
static bx_status packer_at(svc_pool *p, const svc_catalog *cat, const char *as,
                           const char *station, bx_pool_packer **out, svc_station_fail *fail)
{
    for (size_t i = 0; i < p->npackers; i++)
        if (strcmp(p->packers[i].station, station) == 0 && strcmp(p->packers[i].as, as) == 0) {
            *out = p->packers[i].packer;
            return BX_OK;
        }
    if (p->npackers == p->cap_packers) {
        size_t cap = p->cap_packers ? 2 * p->cap_packers : 4;
        svc_station_packer *a = bx_realloc(p->ctx, p->packers, cap * sizeof *a);
        if (a == NULL)
            return BX_ENOMEM;
        p->packers = a;
        p->cap_packers = cap;
    }
    bx_pool_packer_options po;
    bx_pool_packer_options_init(&po);
    po.station_id = station;
    po.operator_id = as;
    po.policy = p->policy;
    /* a pool's containers are there to go out and come back, as the
     * CLI's --pool assumes */
    po.returns_accepted = true;
    bx_status st = bx_pool_packer_new(p->ctx, out, p->pool, cat->cat, &po);
    if (st == BX_ENOTFOUND || st == BX_EINVAL) {
        *fail = SVC_STATION_UNKNOWN;
        return st;
    }
    if (st != BX_OK)
        return st;
    svc_station_packer *sp = &p->packers[p->npackers++];
    memcpy(sp->station, station, strlen(station) + 1);
    snprintf(sp->as, sizeof sp->as, "%s", as);
    sp->packer = *out;
    return BX_OK;
}

bx_status svc_pool_station_pack(svc_pool *p, const svc_catalog *cat,
                                const svc_config *cfg, const char *as, const char *station,
                                const bx_order *order, const bx_pack_options *opts,
                                const bx_pack_result **res, svc_station_fail *fail)
{
    *res = NULL;
    p->packed = NULL;
    /* out of memory, or a bug: answered as the status says */
    *fail = SVC_STATION_ORDER;
    bx_ctx_clear_error(p->ctx);
    bx_pool_packer *pp = NULL;
    bx_status st = adopt(p, cat, cfg, fail);
    if (st == BX_OK)
        st = packer_at(p, cat, as, station, &pp, fail);
    if (st != BX_OK)
        return st;
    const bx_pack_result *r = NULL;
    st = bx_pool_packer_pack(pp, p->engine, order, opts, &r);
    if (st != BX_OK) {
        if (p->policy != NULL && (st == BX_EINPUT || st == BX_ELIMIT))
            *fail = SVC_STATION_POLICY;
        return st;
    }
    /* a wrong packing takes no container out of the pool */
    bx_order as_order;
    bx_pack_options as_opts;
    bx_pool_packer_packed_as(pp, &as_order, &as_opts);
    if ((st = bx_validate(p->ctx, cat->cat, &as_order, &as_opts, r)) != BX_OK) {
        *fail = SVC_STATION_CHECK;
        return st;
    }
    p->packed = pp;
    *res = r;
    return BX_OK;
}

bx_status svc_pool_station_issue(svc_pool *p, size_t *issued)
{
    *issued = 0;
    bx_pool_packer *pp = p->packed;
    p->packed = NULL;
    if (pp == NULL)
        return BX_OK;
    size_t n = bx_pool_packer_pending(pp);
    bx_status st = bx_pool_packer_issue(pp, (int64_t)time(NULL), NULL);
    /* durable before it is answered, whatever the journal's sync mode */
    if (st == BX_OK && n > 0)
        st = bx_pool_sync(p->pool);
    if (st == BX_OK)
        *issued = n;
    return st;
}
