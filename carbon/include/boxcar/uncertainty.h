/*
 * boxcar/uncertainty.h: Monte Carlo intervals for emissions, from the
 * uncertainty of the emission factors (GSL; left out of builds without it,
 * where every function returns BX_EUNSUPPORTED).
 *
 * Every factor row gets a lognormal multiplier with median 1 and geometric
 * standard deviation gsd: the row's own `gsd` column, else a default per
 * data-quality class (primary 1.05, modelled 1.2, default 1.5: assumptions,
 * see docs/carbon.md). The factor's value is thus the median of its
 * distribution. Draw d uses one multiplier per factor for every shipment,
 * because a factor's error is shared by everything computed with it; so
 * the interval of a total is not narrowed by averaging.
 *
 * Deterministic: draws come from GSL's MT19937 seeded with `seed`, in a
 * fixed order, so the same seed and number of draws give the same
 * intervals on every machine. Activity data (masses, distances, primary
 * energy) are taken as exact; only factors vary.
 *
 * Memory: draws x factor rows doubles for the multipliers, plus draws
 * doubles of scratch and two rows of draws int64 for the total, plus one
 * row of factor-row doubles per key when
 * intervals are kept by group; nothing grows with the number of shipments.
 */
#ifndef BOXCAR_UNCERTAINTY_H
#define BOXCAR_UNCERTAINTY_H

#include <stdint.h>

#include "boxcar/carbon.h"
#include "boxcar/carbon_totals.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most draws accepted. */
#define BX_UNCERTAINTY_MAX_DRAWS 100000

typedef struct bx_uncertainty bx_uncertainty;

/* Mean and central 95 % interval (2.5th and 97.5th percentiles, linear
 * interpolation between order statistics), in g CO2e WTW. */
typedef struct bx_interval {
    double mean_g, lo_g, hi_g;
} bx_interval;

/* Draw the multipliers for calc's factor set. draws in 2 ..
 * BX_UNCERTAINTY_MAX_DRAWS (else BX_EINVAL). calc must outlive u. */
BX_API bx_status bx_uncertainty_new(bx_ctx *ctx, bx_uncertainty **out, bx_carbon *calc,
                                    uint32_t draws, uint64_t seed);

/* Interval of a shipment's total WTW (transport, hubs and packaging). The
 * shipment must be one bx_carbon_compute accepted (else BX_EINVAL). */
BX_API bx_status bx_uncertainty_shipment(bx_uncertainty *u, const bx_shipment *s,
                                         bx_interval *out);

/* Add a shipment (accepted by bx_carbon_compute) to the running total.
 * BX_ELIMIT if a draw of the total would pass BX_CO2E_MAX_MG; u is
 * unchanged on error. Costs draws x the shipment's factors. */
BX_API bx_status bx_uncertainty_add(bx_uncertainty *u, const bx_shipment *s);

/* Interval of the total of the shipments added so far, from the run's
 * per-draw totals in whole mg (boxcar/draw_totals.h): each shipment's draw
 * is rounded to the mg before it is added, so shards of a run merge into
 * this interval exactly. */
BX_API bx_status bx_uncertainty_total(bx_uncertainty *u, bx_interval *out);

/* Also keep intervals per key of group g (route, month, mode or packaging;
 * keys as in bx_carbon_totals_row): call before the first
 * bx_uncertainty_add. By mode, a shipment's transport, hub and packaging
 * parts go to their own keys, as in the totals. BX_EINVAL for another
 * group or after shipments were added. */
BX_API bx_status bx_uncertainty_by(bx_uncertainty *u, bx_totals_group g);

/* The group set by bx_uncertainty_by, or BX_BY_ALL if none. */
BX_API bx_totals_group bx_uncertainty_group(const bx_uncertainty *u);

/* Interval of the total WTW of the shipments added under `key` of that
 * group. BX_ENOTFOUND if none was (or no group is kept). */
BX_API bx_status bx_uncertainty_key(bx_uncertainty *u, const char *key,
                                    bx_interval *out);

/* NULL is a no-op. */
BX_API void bx_uncertainty_free(bx_uncertainty *u);

#ifdef __cplusplus
}
#endif

#endif
