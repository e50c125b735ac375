/*
 * test_forecast.c: daily forecasts: rates and Poisson intervals worked out
 * by hand, negative binomial intervals when counts vary more than a
 * Poisson count, too little history, the backtest's count of points, and
 * on a seeded series with a weekly pattern and Poisson noise the method
 * beats the seasonal-naive forecast (MASE). A station's history read from
 * a journal, counted by hand; a compacted one; every allocation failing.
 *
 * Quantiles were computed separately by summing the pmf term by term
 * (Poisson: e^-mu mu^k / k!; negative binomial from lgamma), in Python.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "journal_testutil.h"
#include "pool_testutil.h"
#include "testutil.h"

static bx_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    return bx_ctx_new(&ctx, NULL, NULL) == BX_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bx_ctx_free(ctx);
    return 0;
}

/* Two weeks from day 0 (a Thursday; the weekday index is the day mod 7):
 *   week 1: 10 12 8 6 4 2 0
 *   week 2: 12 10 8 8 6 2 2
 * Weekday means 11 11 8 7 5 2 1. Sample variances (n - 1 = 1): 2 2 0 2 2
 * 0 2, sum 10, over the sum of means 45: 0.22, not over 1, so the
 * intervals are Poisson: 80 % of Poisson(11) is [7, 15], of 8 [5, 12],
 * of 7 [4, 10], of 5 [2, 8], of 2 [0, 4], of 1 [0, 2]. */
static void test_weekday_rates_by_hand(void **state)
{
    (void)state;
    const uint32_t counts[14] = {10, 12, 8, 6, 4, 2, 0, 12, 10, 8, 8, 6, 2, 2};
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    o.horizon_days = 8;
    bx_forecast_day f[8];
    bx_forecast_check chk;
    assert_int_equal(bx_forecast_daily(ctx, counts, 14, 0, &o, f, &chk), BX_OK);
    const double mean[8] = {11, 11, 8, 7, 5, 2, 1, 11};
    const uint32_t lo[8] = {7, 7, 5, 4, 2, 0, 0, 7}, hi[8] = {15, 15, 12, 10, 8, 4, 2, 15};
    for (int i = 0; i < 8; i++) {
        assert_true(fabs(f[i].mean - mean[i]) < 1e-12);
        assert_int_equal(f[i].lo, lo[i]);
        assert_int_equal(f[i].hi, hi[i]);
    }
    assert_true(fabs(chk.dispersion - 10.0 / 45.0) < 1e-12);
    /* fourteen days: no origin with a day after it to check */
    assert_int_equal(chk.points, 0);
    assert_true(isnan(chk.mase));
    /* the same history a day later (first day 1): the rates move with it */
    assert_int_equal(bx_forecast_daily(ctx, counts, 14, 1, &o, f, NULL), BX_OK);
    assert_true(fabs(f[0].mean - 11) < 1e-12 && fabs(f[6].mean - 1) < 1e-12);
}

/* Four weeks of 5 15 5 15 on every weekday: mean 10, variance
 * (4 * 25) / 3 = 33.3, dispersion 3.33 > 1: negative binomial with mean 10
 * and variance 33.3, size r = 10 / (3.33 - 1) = 30 / 7. Its 80 % interval
 * is [3, 18], its 95 % interval [2, 24]. */
static void test_overdispersed_intervals(void **state)
{
    (void)state;
    uint32_t counts[28];
    for (int i = 0; i < 28; i++)
        counts[i] = (i / 7) % 2 ? 15 : 5;
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    bx_forecast_day f[7];
    bx_forecast_check chk;
    assert_int_equal(bx_forecast_daily(ctx, counts, 28, 0, &o, f, &chk), BX_OK);
    assert_true(fabs(chk.dispersion - 100.0 / 30.0) < 1e-9);
    assert_true(fabs(f[3].mean - 10) < 1e-12);
    assert_int_equal(f[3].lo, 3);
    assert_int_equal(f[3].hi, 18);
    o.level = 0.95;
    assert_int_equal(bx_forecast_daily(ctx, counts, 28, 0, &o, f, NULL), BX_OK);
    assert_int_equal(f[0].lo, 2);
    assert_int_equal(f[0].hi, 24);
}

static void test_too_little_history(void **state)
{
    (void)state;
    uint32_t counts[13] = {0};
    bx_forecast_day f[7];
    assert_int_equal(bx_forecast_daily(ctx, counts, 13, 0, NULL, f, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "13 days of history"));
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "at least 14"));
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "1 more"));
    assert_int_equal(bx_forecast_daily(ctx, NULL, 0, 0, NULL, f, NULL), BX_EINPUT);
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    o.horizon_days = 0;
    uint32_t enough[14] = {0};
    assert_int_equal(bx_forecast_daily(ctx, enough, 14, 0, &o, f, NULL), BX_EINVAL);
    bx_forecast_options_init(&o);
    o.level = 1;
    assert_int_equal(bx_forecast_daily(ctx, enough, 14, 0, &o, f, NULL), BX_EINVAL);
    /* nothing ever counted: zeros, and a zero interval */
    assert_int_equal(bx_forecast_daily(ctx, enough, 14, 0, NULL, f, NULL), BX_OK);
    assert_true(f[0].mean == 0 && f[0].lo == 0 && f[0].hi == 0);
}

/* Origins t = 14 .. n - 1, horizons h with t + h < n: for n = 16 and a
 * 7-day horizon, t = 14 gives 2 points and t = 15 one. */
static void test_backtest_points(void **state)
{
    (void)state;
    uint32_t counts[16];
    for (int i = 0; i < 16; i++)
        counts[i] = (uint32_t)(i % 7);
    bx_forecast_day f[7];
    bx_forecast_check chk;
    assert_int_equal(bx_forecast_daily(ctx, counts, 16, 0, NULL, f, &chk), BX_OK);
    assert_int_equal(chk.points, 3);
}

/* A Poisson count by Knuth's method on a 64-bit LCG (seeded). */
static uint32_t poisson(double mu, uint64_t *x)
{
    double l = exp(-mu), p = 1;
    uint32_t k = 0;
    do {
        *x = *x * 6364136223846793005ull + 1442695040888963407ull;
        p *= (double)(*x >> 11) / 9007199254740992.0;
        k++;
    } while (p > l);
    return k - 1;
}

/* Twenty weeks of a station's week (busy Monday to Friday, quiet at the
 * weekend) with Poisson noise: the weekday rates average the noise the
 * seasonal-naive forecast copies, so their MASE is lower. For Poisson
 * noise of rate mu, the naive error is that of the difference of two
 * counts, about sqrt(2) times the method's. */
static void test_beats_seasonal_naive(void **state)
{
    (void)state;
    static const double week[7] = {20, 25, 22, 18, 30, 8, 5};
    uint32_t counts[140];
    uint64_t x = 20260101;
    for (int i = 0; i < 140; i++)
        counts[i] = poisson(week[i % 7], &x);
    bx_forecast_day f[14];
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    o.horizon_days = 14;
    bx_forecast_check chk;
    assert_int_equal(bx_forecast_daily(ctx, counts, 140, 0, &o, f, &chk), BX_OK);
    assert_true(chk.points > 1000);
    if (!(chk.mase < chk.mase_naive))
        fail_msg("MASE %.3f, seasonal naive %.3f", chk.mase, chk.mase_naive);
    assert_true(chk.mase < 0.9 * chk.mase_naive);
    /* the forecast is near the true weekday rates */
    for (int h = 0; h < 14; h++)
        assert_true(fabs(f[h].mean - week[(140 + h) % 7]) < 0.35 * week[(140 + h) % 7] + 2);
}

/* Stations A and B from PT_T0 (2024-05-01, day 19844); at A:
 *   day 0: C1, C2 issued; day 1: C1 back; day 3: C3 issued, C2 back at B;
 *   day 4: C3 back at A (a crate-s), after end_day for a 4-day history.
 * History of A before day 4 (19848): crate-pp issues 2 0 0 0, returns
 * 0 1 0 0; crate-s issues 0 0 0 1, returns 0 0 0 0. */
static void history_pool(const char *path)
{
    bx_pool *pool = NULL;
    bx_catalog *cat = pt_catalog(ctx);
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, NULL), BX_OK);
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_station(PT_T0, "B"));
    pt_apply(pool, pt_register(PT_T0, "C1", "crate-pp", "A"));
    pt_apply(pool, pt_register(PT_T0, "C2", "crate-pp", "A"));
    pt_apply(pool, pt_register(PT_T0, "C3", "crate-s", "A"));
    pt_apply(pool, pt_issue(PT_T0 + PT_HOUR, "C1", "A", "O1"));
    pt_apply(pool, pt_issue(PT_T0 + PT_HOUR, "C2", "A", "O2"));
    pt_apply(pool, pt_return(PT_T0 + PT_DAY + PT_HOUR, "C1", "A"));
    pt_apply(pool, pt_issue(PT_T0 + 3 * PT_DAY, "C3", "A", "O3"));
    pt_apply(pool, pt_return(PT_T0 + 3 * PT_DAY + PT_HOUR, "C2", "B"));
    pt_apply(pool, pt_return(PT_T0 + 4 * PT_DAY, "C3", "A"));
    bx_pool_close(pool);
    bx_catalog_free(cat);
}

static void test_station_history(void **state)
{
    (void)state;
    char dir[64], path[128];
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    history_pool(path);
    bx_station_history *h = NULL;
    int64_t day0 = PT_T0 / PT_DAY;
    assert_int_equal(day0, 19844);
    assert_int_equal(bx_station_history_read(ctx, path, "A", NULL, day0 + 4, &h), BX_OK);
    assert_int_equal(h->first_day, day0);
    assert_int_equal(h->ntypes, 2);
    const bx_station_series *pp = &h->types[0], *cs = &h->types[1];
    assert_string_equal(pp->type_id, "crate-pp");
    assert_string_equal(cs->type_id, "crate-s");
    assert_int_equal(pp->ndays, 4);
    const uint32_t pi[4] = {2, 0, 0, 0}, pr[4] = {0, 1, 0, 0}, si[4] = {0, 0, 0, 1};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pp->issues[i], pi[i]);
        assert_int_equal(pp->returns[i], pr[i]);
        assert_int_equal(cs->issues[i], si[i]);
        assert_int_equal(cs->returns[i], 0);
    }
    bx_station_history_free(ctx, h);
    /* one type; B has returns only */
    assert_int_equal(bx_station_history_read(ctx, path, "B", "crate-pp", day0 + 5, &h), BX_OK);
    assert_int_equal(h->ntypes, 1);
    assert_int_equal(h->types[0].returns[3], 1);
    assert_int_equal(h->types[0].issues[3], 0);
    bx_station_history_free(ctx, h);
    assert_int_equal(bx_station_history_read(ctx, path, "Z", NULL, day0 + 4, &h), BX_ENOTFOUND);
    assert_null(h);
    /* every allocation fails in turn: an error, never a leak */
    for (uint64_t fail = 1; fail < 500; fail++) {
        test_alloc ta;
        bx_ctx *c2 = test_ctx_new(&ta, fail);
        bx_station_history *h2 = NULL;
        bx_status st = bx_station_history_read(c2, path, "A", NULL, day0 + 4, &h2);
        assert_true(st == BX_OK || st == BX_ENOMEM);
        bool done = ta.failures == 0;
        bx_station_history_free(c2, h2);
        bx_ctx_free(c2);
        assert_int_equal(ta.live_blocks, 0);
        if (done)
            break;
    }
    /* compacted: the day A joined is gone, and it says so */
    bx_pool *pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, NULL, NULL), BX_OK);
    assert_int_equal(bx_pool_compact(pool, NULL), BX_OK);
    bx_pool_close(pool);
    assert_int_equal(bx_station_history_read(ctx, path, "A", NULL, day0 + 4, &h), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "compacted"));
    jt_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_weekday_rates_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overdispersed_intervals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_little_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backtest_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_beats_seasonal_naive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_station_history, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
