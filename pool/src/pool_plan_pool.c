/*
 * pool_plan_pool.c: a rebalancing plan for a pool (boxcar/plan.h): the
 * stock an operator holds at its stations, each station's need from its
 * forecast, then bx_plan_solve.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boxcar/forecast.h"
#include "boxcar/plan.h"
#include "pool_internal.h"

void bx_plan_options_init(bx_plan_options *o)
{
    if (o == NULL)
        return;
    o->horizon_days = 7;
    o->window_weeks = 8;
    o->safety = 0;
    o->end_day = 0;
}

/* The deepest running sum of expected issues minus expected returns over
 * the horizon, rounded up (a tolerance keeps 3.0000000001 at 3), >= 0. */
static int64_t drawdown(const bx_forecast_day *fi, const bx_forecast_day *fr, uint32_t days)
{
    double run = 0, deepest = 0;
    for (uint32_t d = 0; d < days; d++) {
        run += fi[d].mean - fr[d].mean;
        if (run > deepest)
            deepest = run;
    }
    return (int64_t)ceil(deepest - 1e-9);
}

/* The recent history of every station of the plan, from one replay of the
 * journal: per station the day it joined and its issues and returns of the
 * type on each of the last `days` days before end_day (what the forecast
 * reads: its rates come from the last window_weeks weeks). */
typedef struct recent {
    bx_ctx *ctx;
    const char *type;
    int64_t end_day, days;
    size_t n;
    const char **ids;    /* the plan's stations (borrowed from the pool) */
    uint32_t *slots;     /* open addressing: index + 1, 0 empty */
    size_t nslots;
    int64_t *joined;     /* INT64_MIN: not seen joining */
    uint32_t *issues, *returns; /* n x days */
} recent;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static size_t station_of(const recent *r, const char *id)
{
    for (size_t i = (size_t)(fnv(id) & (r->nslots - 1)); r->slots[i] != 0;
         i = (i + 1) & (r->nslots - 1))
        if (strcmp(r->ids[r->slots[i] - 1], id) == 0)
            return r->slots[i] - 1;
    return SIZE_MAX;
}

static bx_status on_event(void *ud, const bx_pool_event *ev, const char *type_id,
                          const char *owner)
{
    recent *r = ud;
    (void)owner;
    int64_t day = ev->time_s / 86400; /* times are 2000..2100: exact downward */
    if (ev->type == BX_EV_STATION) {
        size_t k = station_of(r, ev->station_id);
        if (k != SIZE_MAX)
            r->joined[k] = day;
        return BX_OK;
    }
    if ((ev->type != BX_EV_ISSUE && ev->type != BX_EV_RETURN) || day >= r->end_day ||
        day < r->end_day - r->days || strcmp(type_id, r->type) != 0)
        return BX_OK;
    size_t k = station_of(r, ev->station_id);
    if (k != SIZE_MAX)
        (ev->type == BX_EV_ISSUE ? r->issues
                                 : r->returns)[k * (size_t)r->days +
                                               (size_t)(day - (r->end_day - r->days))]++;
    return BX_OK;
}

static bx_status read_recent(bx_ctx *ctx, const char *path, recent *r)
{
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = true;
    o.journal.use_snapshot = false;
    o.on_event = on_event;
    o.on_event_ud = r;
    bx_pool *pool = NULL;
    bx_status st = bx_pool_open(ctx, &pool, path, NULL, &o);
    if (st == BX_OK && bx_pool_journal_info(pool)->base_seq > 1) {
        /* compacted: the state needs its snapshot; the history is what
         * came after it */
        bx_pool_close(pool);
        pool = NULL;
        for (size_t i = 0; i < r->n; i++)
            r->joined[i] = INT64_MIN;
        memset(r->issues, 0, r->n * (size_t)r->days * sizeof *r->issues);
        memset(r->returns, 0, r->n * (size_t)r->days * sizeof *r->returns);
        o.journal.use_snapshot = true;
        st = bx_pool_open(ctx, &pool, path, NULL, &o);
    }
    bx_pool_close(pool);
    for (size_t i = 0; st == BX_OK && i < r->n; i++)
        if (r->joined[i] == INT64_MIN)
            st = bxi_input_error(ctx, BX_EINPUT, NULL, "%s: station '%s': the journal no "
                                 "longer holds the day it joined (it was compacted since): "
                                 "no history to forecast from", path, r->ids[i]);
    return st;
}

/* Station k's need: its recent history forecast over the horizon. */
static bx_status station_need(bx_ctx *ctx, const recent *r, size_t k,
                              const bx_plan_options *o, bx_forecast_day *fi,
                              bx_forecast_day *fr, int64_t *need)
{
    bx_forecast_options fo;
    bx_forecast_options_init(&fo);
    fo.horizon_days = o->horizon_days;
    fo.window_weeks = o->window_weeks;
    int64_t ndays = r->end_day > r->joined[k] ? r->end_day - r->joined[k] : 0;
    int64_t len = ndays < r->days ? ndays : r->days;
    size_t from = k * (size_t)r->days + (size_t)(r->days - len);
    bx_status st = bx_forecast_daily(ctx, r->issues + from, (size_t)len, r->end_day - len, &fo,
                                     fi, NULL);
    if (st == BX_OK)
        st = bx_forecast_daily(ctx, r->returns + from, (size_t)len, r->end_day - len, &fo, fr,
                               NULL);
    if (st == BX_EINPUT) {
        char why[400];
        snprintf(why, sizeof why, "%s", bx_ctx_errmsg(ctx));
        return bxi_input_error(ctx, BX_EINPUT, NULL, "station '%s', type %s: %s", r->ids[k],
                               r->type, why);
    }
    if (st == BX_OK)
        *need = drawdown(fi, fr, o->horizon_days);
    return st;
}

bx_status bx_plan_pool(bx_ctx *ctx, const bx_pool *pool, const char *journal_path,
                       const char *as, const char *type_id, const bx_links *links,
                       const bx_plan_options *opts, bx_plan **out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    bx_plan_options o;
    bx_plan_options_init(&o);
    if (opts != NULL)
        o = *opts;
    if (out != NULL)
        *out = NULL;
    if (out == NULL || pool == NULL || journal_path == NULL || type_id == NULL ||
        links == NULL || o.horizon_days < 1 || o.horizon_days > BX_FORECAST_MAX_HORIZON ||
        o.window_weeks < 2 || o.window_weeks > 52 || o.safety < 0 ||
        o.safety > INT64_C(1) << 40 || o.end_day <= 0 || o.end_day > INT64_C(1000000))
        return bxi_error(ctx, BX_EINVAL, "bx_plan_pool: bad argument");
    size_t n = 0, ns = bx_pool_station_count(pool);
    for (size_t i = 0; i < ns; i++)
        n += bx_pool_sees_station(pool, as, bx_pool_station(pool, i));
    if (n == 0)
        return bxi_error(ctx, BX_ENOTFOUND, "no station to plan for");
    if (n > BX_PLAN_MAX_STATIONS)
        return bxi_error(ctx, BX_ELIMIT, "plan: %zu stations; at most %d", n,
                         BX_PLAN_MAX_STATIONS);
    /* the cheap refusals first: every station needs distances */
    for (size_t i = 0; i < ns && n > 1; i++) {
        const char *id = bx_pool_station(pool, i);
        if (bx_pool_sees_station(pool, as, id) && !bx_links_has_station(links, id))
            return bxi_input_error(ctx, BX_EINPUT, NULL, "plan: station '%s' has no "
                                   "distances: no link names it", id);
    }
    recent r = {.ctx = ctx, .type = type_id, .end_day = o.end_day,
                .days = (int64_t)o.window_weeks * 7, .n = n};
    r.nslots = 16;
    while (r.nslots < 2 * n)
        r.nslots *= 2;
    size_t cells = n * (size_t)r.days;
    bx_plan_station *s = bx_alloc(ctx, n * sizeof *s);
    bx_forecast_day *fi = bx_alloc(ctx, o.horizon_days * sizeof *fi);
    bx_forecast_day *fr = bx_alloc(ctx, o.horizon_days * sizeof *fr);
    r.ids = bx_alloc(ctx, n * sizeof *r.ids);
    r.slots = bx_alloc(ctx, r.nslots * sizeof *r.slots);
    r.joined = bx_alloc(ctx, n * sizeof *r.joined);
    r.issues = bx_alloc(ctx, cells * sizeof *r.issues);
    r.returns = bx_alloc(ctx, cells * sizeof *r.returns);
    bx_status st = BX_OK;
    if (s == NULL || fi == NULL || fr == NULL || r.ids == NULL || r.slots == NULL ||
        r.joined == NULL || r.issues == NULL || r.returns == NULL) {
        st = BX_ENOMEM;
    } else {
        memset(r.slots, 0, r.nslots * sizeof *r.slots);
        memset(r.issues, 0, cells * sizeof *r.issues);
        memset(r.returns, 0, cells * sizeof *r.returns);
        size_t k = 0;
        for (size_t i = 0; i < ns; i++) {
            const char *id = bx_pool_station(pool, i);
            if (!bx_pool_sees_station(pool, as, id))
                continue;
            r.ids[k] = id;
            r.joined[k] = INT64_MIN;
            size_t h = (size_t)(fnv(id) & (r.nslots - 1));
            while (r.slots[h] != 0)
                h = (h + 1) & (r.nslots - 1);
            r.slots[h] = (uint32_t)(k + 1);
            k++;
        }
        st = read_recent(ctx, journal_path, &r);
    }
    for (size_t k = 0; st == BX_OK && k < n; k++) {
        bx_plan_station *p = &s[k];
        memset(p, 0, sizeof *p);
        snprintf(p->station_id, sizeof p->station_id, "%s", r.ids[k]);
        p->stock = (int64_t)bx_pool_available_as(pool, as, r.ids[k], type_id);
        p->safety = o.safety;
        st = station_need(ctx, &r, k, &o, fi, fr, &p->need);
    }
    if (st == BX_OK)
        st = bx_plan_solve(ctx, s, n, links, out);
    bx_free(ctx, s);
    bx_free(ctx, fi);
    bx_free(ctx, fr);
    bx_free(ctx, r.ids);
    bx_free(ctx, r.slots);
    bx_free(ctx, r.joined);
    bx_free(ctx, r.issues);
    bx_free(ctx, r.returns);
    return st;
}
