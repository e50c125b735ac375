/*
 * pool_forecast.c: daily forecasts with a weekday rate per day of the
 * week, their prediction intervals, and the rolling-origin backtest
 * (boxcar/forecast.h says why this method).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boxcar/forecast.h"
#include "internal.h"

void bx_forecast_options_init(bx_forecast_options *opts)
{
    if (opts == NULL)
        return;
    opts->horizon_days = 7;
    opts->window_weeks = 8;
    opts->level = 0.8;
}

/* Days since 1970-01-01 to a weekday index 0..6 (0: Thursday; only the
 * grouping matters). */
static unsigned weekday(int64_t day)
{
    int64_t w = day % 7;
    return (unsigned)(w < 0 ? w + 7 : w);
}

/* The rate of each weekday from counts[0..t), the last `weeks` weeks:
 * means, and the variance over mean pooled over the weekdays (1 when
 * nothing was counted). t >= 14, so every weekday has two days. */
static void fit(const uint32_t *counts, size_t t, int64_t first_day, uint32_t weeks,
                double rate[7], double *dispersion)
{
    size_t from = t > (size_t)weeks * 7 ? t - (size_t)weeks * 7 : 0;
    double sum[7] = {0}, sq[7] = {0};
    unsigned n[7] = {0};
    for (size_t i = from; i < t; i++) {
        unsigned w = weekday(first_day + (int64_t)i);
        sum[w] += counts[i];
        sq[w] += (double)counts[i] * counts[i];
        n[w]++;
    }
    double var_sum = 0, mean_sum = 0;
    for (int w = 0; w < 7; w++) {
        rate[w] = sum[w] / n[w];
        double var = (sq[w] - n[w] * rate[w] * rate[w]) / (n[w] - 1);
        var_sum += var > 0 ? var : 0;
        mean_sum += rate[w];
    }
    *dispersion = mean_sum > 0 ? var_sum / mean_sum : 1;
}

/* The smallest k with P(X <= k) >= p, X Poisson(mu) when phi <= 1, else
 * negative binomial with mean mu and variance mu * phi. The pmf is built
 * by its ratio p(k+1) / p(k) from k0, some standard deviations below the
 * mean (what lies below is far under 1e-30), unnormalised, then summed
 * until the terms no longer count; no lgamma, so no global state. */
static uint32_t quantile(double mu, double phi, double p)
{
    if (mu <= 0)
        return 0;
    double sd = sqrt(mu * (phi > 1 ? phi : 1));
    double k0 = floor(mu - 12 * sd);
    if (k0 < 0)
        k0 = 0;
    double r = phi > 1 ? mu / (phi - 1) : 0;
    /* the total mass, relative to the pmf at k0 */
    enum { CAP = 1 << 22 };
    double total = 0, w = 1;
    for (uint32_t i = 0; i < CAP; i++) {
        double k = k0 + i;
        total += w;
        if (k > mu && w < total * 1e-17)
            break;
        w *= phi > 1 ? (k + r) / (k + 1) * mu / (r + mu) : mu / (k + 1);
    }
    double cum = 0;
    w = 1;
    for (uint32_t i = 0; i < CAP; i++) {
        double k = k0 + i;
        cum += w;
        if (cum >= p * total)
            return k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
        w *= phi > 1 ? (k + r) / (k + 1) * mu / (r + mu) : mu / (k + 1);
    }
    return (uint32_t)(k0 + CAP);
}

bx_status bx_forecast_daily(bx_ctx *ctx, const uint32_t *counts, size_t ndays,
                            int64_t first_day, const bx_forecast_options *opts,
                            bx_forecast_day *out, bx_forecast_check *check)
{
    if (ctx == NULL)
        return BX_EINVAL;
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    if (opts != NULL)
        o = *opts;
    if ((counts == NULL && ndays > 0) || out == NULL || o.horizon_days < 1 ||
        o.horizon_days > BX_FORECAST_MAX_HORIZON || o.window_weeks < 2 ||
        o.window_weeks > 52 || !(o.level > 0 && o.level < 1) ||
        first_day < -INT64_C(1000000000) || first_day > INT64_C(1000000000))
        return bxi_error(ctx, BX_EINVAL, "bx_forecast_daily: bad argument");
    if (ndays < BX_FORECAST_MIN_DAYS)
        return bxi_error(ctx, BX_EINPUT, "%zu days of history; a forecast needs at least %d "
                         "(two of each weekday): %zu more", ndays, BX_FORECAST_MIN_DAYS,
                         BX_FORECAST_MIN_DAYS - ndays);
    double rate[7], phi;
    fit(counts, ndays, first_day, o.window_weeks, rate, &phi);
    for (uint32_t h = 0; h < o.horizon_days; h++) {
        double mu = rate[weekday(first_day + (int64_t)ndays + h)];
        out[h].mean = mu;
        out[h].lo = quantile(mu, phi, (1 - o.level) / 2);
        out[h].hi = quantile(mu, phi, (1 + o.level) / 2);
    }
    if (check == NULL)
        return BX_OK;
    memset(check, 0, sizeof *check);
    check->dispersion = phi;
    check->mase = check->mase_naive = NAN;
    /* the scale: the one-week seasonal-naive error in sample */
    double scale = 0;
    for (size_t i = 7; i < ndays; i++)
        scale += fabs((double)counts[i] - counts[i - 7]);
    scale /= (double)(ndays - 7);
    double err = 0, err_naive = 0;
    for (size_t t = BX_FORECAST_MIN_DAYS; t < ndays; t++) {
        double r[7], d;
        fit(counts, t, first_day, o.window_weeks, r, &d);
        for (uint32_t h = 0; h < o.horizon_days && t + h < ndays; h++) {
            double y = counts[t + h];
            /* the same weekday in the last week before the origin */
            double naive = counts[t + h - 7 * (h / 7 + 1)];
            err += fabs(y - r[weekday(first_day + (int64_t)(t + h))]);
            err_naive += fabs(y - naive);
            check->points++;
        }
    }
    if (check->points > 0 && scale > 0) {
        check->mase = err / (double)check->points / scale;
        check->mase_naive = err_naive / (double)check->points / scale;
    }
    return BX_OK;
}
