/*
 * boxcar/forecast.h: forecasts of daily counts (containers issued or
 * returned at a station) with prediction intervals, and a backtest of the
 * method against the seasonal-naive forecast.
 *
 * The method: parcel volumes follow the week (a station's Monday is not
 * its Sunday), and day-to-day counts are noisy. Each weekday's forecast
 * is the mean of that weekday over the last window_weeks weeks: the
 * maximum-likelihood estimate of a Poisson count model with one rate per
 * weekday, so it keeps the weekly pattern but averages the noise away
 * that the seasonal-naive forecast (the same weekday last week) copies.
 * The interval is the model's: Poisson, or negative binomial with the
 * observed variance when the counts vary more than a Poisson count does
 * (variance over mean, pooled over the weekdays, above 1).
 *
 * The backtest rolls the origin over the history: at each day t with at
 * least 14 days before it, forecast the next horizon days from the days
 * before t, and compare the absolute errors with those of the seasonal-
 * naive forecast from the same origin. Both are scaled as MASE (Hyndman
 * and Koehler 2006): by the mean absolute error of the one-week seasonal-
 * naive forecast in sample. A MASE below the naive one means the method
 * beats it on that history.
 *
 * Pure computation: no allocation, no I/O. Present when the library was
 * built with CBOR (the pool's build).
 */
#ifndef BOXCAR_FORECAST_H
#define BOXCAR_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"
#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Two of each weekday: the least history a forecast is made from. */
#define BX_FORECAST_MIN_DAYS 14
#define BX_FORECAST_MAX_HORIZON 366

typedef struct bx_forecast_options {
    uint32_t horizon_days; /* days to forecast, 1..366; default 7 */
    uint32_t window_weeks; /* weeks of history the rates come from, 2..52;
                              default 8 */
    double level;          /* of the prediction interval, in (0, 1);
                              default 0.8 */
} bx_forecast_options;

BX_API void bx_forecast_options_init(bx_forecast_options *opts);

/* One forecast day: the expected count and the interval [lo, hi] that
 * holds the count with probability `level` under the model (the quantiles
 * (1 - level) / 2 and (1 + level) / 2). */
typedef struct bx_forecast_day {
    double mean;
    uint32_t lo, hi;
} bx_forecast_day;

typedef struct bx_forecast_check {
    size_t points;         /* forecasts compared (origin, horizon pairs);
                              0 if the history is too short (< 15 days) */
    double mase;           /* the method's MASE; NaN without points */
    double mase_naive;     /* the seasonal-naive forecast's; NaN too */
    double dispersion;     /* variance over mean, pooled over weekdays */
} bx_forecast_check;

/* Forecast the horizon_days days after counts[0..ndays) (one count a day,
 * oldest first; counts[0] is the day number first_day, days since
 * 1970-01-01, which fixes the weekdays). Fills out[0..horizon_days) and,
 * if check is not NULL, the backtest over the whole history.
 * BX_EINPUT if ndays < BX_FORECAST_MIN_DAYS (the message says how many
 * days there are and how many are wanted), BX_EINVAL on bad options. */
BX_API bx_status bx_forecast_daily(bx_ctx *ctx, const uint32_t *counts, size_t ndays,
                                   int64_t first_day, const bx_forecast_options *opts,
                                   bx_forecast_day *out, bx_forecast_check *check);

/* ---- a station's history, from a pool's journal ------------------------ */

/* The daily counts of one container type at a station: day first_day + i
 * (days since 1970-01-01, UTC) had issues[i] containers issued there and
 * returns[i] returned there. */
typedef struct bx_station_series {
    char type_id[BX_ID_MAX];
    int64_t first_day;
    size_t ndays;
    uint32_t *issues, *returns;
} bx_station_series;

typedef struct bx_station_history {
    int64_t first_day;          /* the day the station joined */
    size_t ntypes;
    bx_station_series *types;   /* in the order they first appear */
} bx_station_history;

/* Read the journal at path (read-only, record by record: a snapshot holds
 * no history) and count, per container type (only type_id, if not NULL),
 * the station's issues and returns on each whole day from the day the
 * station joined to the day before end_day. *out is a new history (free
 * with bx_station_history_free); it may have no types.
 * Errors: those of bx_pool_open; BX_ENOTFOUND if the station is not in
 * the pool; BX_EINPUT if the journal no longer holds the day it joined
 * (compacted since), saying so. */
BX_API bx_status bx_station_history_read(bx_ctx *ctx, const char *path,
                                         const char *station_id, const char *type_id,
                                         int64_t end_day, bx_station_history **out);
/* NULL is a no-op. */
BX_API void bx_station_history_free(bx_ctx *ctx, bx_station_history *h);

#ifdef __cplusplus
}
#endif

#endif
