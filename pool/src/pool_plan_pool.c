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

/* A station's need: its history of the type, forecast over the horizon.
 * A station that never saw the type has a history of zeros. */
static bx_status station_need(bx_ctx *ctx, const char *journal_path, const char *station,
                              const char *type_id, const bx_plan_options *o,
                              bx_forecast_day *fi, bx_forecast_day *fr, uint32_t *zeros,
                              size_t nzeros, int64_t *need)
{
    bx_station_history *h = NULL;
    bx_status st = bx_station_history_read(ctx, journal_path, station, type_id, o->end_day, &h);
    if (st != BX_OK)
        return st;
    bx_forecast_options fo;
    bx_forecast_options_init(&fo);
    fo.horizon_days = o->horizon_days;
    fo.window_weeks = o->window_weeks;
    size_t ndays = o->end_day > h->first_day ? (size_t)(o->end_day - h->first_day) : 0;
    const uint32_t *is = zeros, *rs = zeros;
    if (h->ntypes > 0) {
        is = h->types[0].issues;
        rs = h->types[0].returns;
    } else if (ndays > nzeros) {
        ndays = nzeros; /* past the forecast's window: zeros are zeros */
    }
    st = bx_forecast_daily(ctx, is, ndays, h->first_day, &fo, fi, NULL);
    if (st == BX_OK)
        st = bx_forecast_daily(ctx, rs, ndays, h->first_day, &fo, fr, NULL);
    bx_station_history_free(ctx, h);
    if (st == BX_EINPUT) {
        char why[400];
        snprintf(why, sizeof why, "%s", bx_ctx_errmsg(ctx));
        return bxi_input_error(ctx, BX_EINPUT, NULL, "station '%s', type %s: %s", station,
                               type_id, why);
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
    size_t nzeros = (size_t)o.window_weeks * 7;
    bx_plan_station *s = bx_alloc(ctx, n * sizeof *s);
    bx_forecast_day *fi = bx_alloc(ctx, o.horizon_days * sizeof *fi);
    bx_forecast_day *fr = bx_alloc(ctx, o.horizon_days * sizeof *fr);
    uint32_t *zeros = bx_alloc(ctx, nzeros * sizeof *zeros);
    bx_status st = BX_OK;
    if (s == NULL || fi == NULL || fr == NULL || zeros == NULL)
        st = BX_ENOMEM;
    else
        memset(zeros, 0, nzeros * sizeof *zeros);
    size_t k = 0;
    for (size_t i = 0; st == BX_OK && i < ns; i++) {
        const char *id = bx_pool_station(pool, i);
        if (!bx_pool_sees_station(pool, as, id))
            continue;
        bx_plan_station *p = &s[k++];
        memset(p, 0, sizeof *p);
        snprintf(p->station_id, sizeof p->station_id, "%s", id);
        p->stock = (int64_t)bx_pool_available_as(pool, as, id, type_id);
        p->safety = o.safety;
        st = station_need(ctx, journal_path, id, type_id, &o, fi, fr, zeros, nzeros, &p->need);
    }
    if (st == BX_OK)
        st = bx_plan_solve(ctx, s, n, links, out);
    bx_free(ctx, s);
    bx_free(ctx, fi);
    bx_free(ctx, fr);
    bx_free(ctx, zeros);
    return st;
}
