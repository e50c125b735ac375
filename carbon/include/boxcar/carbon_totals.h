/*
 * boxcar/carbon_totals.h: totals of shipment emissions by route, month,
 * mode and packaging, in exact integer milligrams, that merge exactly.
 *
 * A totals object sums bx_carbon_result figures (whole milligrams, int64)
 * under every grouping at once. Because the sums are integers, adding
 * shipments in any order, or summing shards' totals in any order, gives
 * the same bytes. The CSV form (bx_carbon_totals_write) carries the
 * factor set id and version and the count of excluded rows; merging totals
 * of different factor sets or versions is refused.
 *
 * Memory grows with the number of distinct keys (routes, months, modes,
 * packaging types), never with the number of shipments.
 */
#ifndef BOXCAR_CARBON_TOTALS_H
#define BOXCAR_CARBON_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "boxcar/carbon.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bx_totals_group {
    BX_BY_ALL = 0,       /* one row, key "all" */
    BX_BY_ROUTE = 1,
    BX_BY_MONTH = 2,     /* key YYYY-MM */
    BX_BY_MODE = 3,      /* road ... iww, hub, packaging: a shipment counts
                            under each part it has emissions in */
    BX_BY_PACKAGING = 4, /* the result's packaging_key */
    BX_BY_ENERGY = 5,    /* the energy carriers of the result (its
                            bx_energy_share): a shipment counts under each
                            carrier it has emissions in; transport and hub
                            WTW only (no split by scope or data class:
                            those are 0), packaging not included */
    BX_BY_COUNT = 6
} bx_totals_group;

/* "all", "route", "month", "mode", "packaging", "energy". */
BX_API const char *bx_totals_group_name(bx_totals_group g);
/* Parse a group name; BX_EINPUT if unknown. */
BX_API bx_status bx_totals_group_parse(const char *s, bx_totals_group *out);

typedef struct bx_carbon_sum {
    int64_t shipments;
    int64_t mass_g;      /* known masses only */
    bx_co2e transport;
    bx_co2e hub;
    int64_t packaging_mg;
    bx_co2e total;       /* as in bx_carbon_result */
    /* What ISO 14083 asks a report to show beside the emissions (kept apart
     * from the figures above; integers, so they merge exactly):
     * transport activity in gram-km by distance type (a mode row: that
     * mode's), and the WTW by data-quality class (index class - 1), which
     * adds up to total.wtw_mg. */
    int64_t activity_gkm[BX_DIST_COUNT];
    int64_t quality_mg[3];
    /* Parts of transport.wtw_mg shown on their own, as in bx_carbon_result:
     * the temperature-controlled uplift and the refrigerant leaked. The
     * result does not split them by mode, so mode rows hold 0. */
    int64_t temp_uplift_mg;
    int64_t refrigerant_mg;
} bx_carbon_sum;

typedef struct bx_carbon_totals bx_carbon_totals;

/* New empty totals for results computed with factor set `set_id` at
 * `set_version` (copied). Both may be "" to adopt those of the first file
 * read or merged. */
BX_API bx_status bx_carbon_totals_new(bx_ctx *ctx, bx_carbon_totals **out,
                                      const char *set_id,
                                      const char *set_version);

/* Add one shipment's result. BX_ELIMIT if a sum would overflow. */
BX_API bx_status bx_carbon_totals_add(bx_carbon_totals *t, const bx_shipment *s,
                                      const bx_carbon_result *r);

/* Count rows left out of the totals (bad input). */
BX_API void bx_carbon_totals_exclude(bx_carbon_totals *t, uint64_t n);
BX_API uint64_t bx_carbon_totals_excluded(const bx_carbon_totals *t);

/* Add src into dst. BX_EINPUT if their factor sets or versions differ,
 * BX_ELIMIT on overflow (dst is then unchanged), BX_ENOMEM. */
BX_API bx_status bx_carbon_totals_merge(bx_carbon_totals *dst,
                                        const bx_carbon_totals *src);

/* Rows of a group, sorted by key (bytewise). Strings borrowed until the
 * next change to t. */
BX_API size_t bx_carbon_totals_count(bx_carbon_totals *t, bx_totals_group g);
BX_API bx_status bx_carbon_totals_row(bx_carbon_totals *t, bx_totals_group g,
                                      size_t i, const char **key,
                                      bx_carbon_sum *sum);

BX_API const char *bx_carbon_totals_set_id(const bx_carbon_totals *t);
BX_API const char *bx_carbon_totals_set_version(const bx_carbon_totals *t);

/* Write every group as CSV (columns in docs/carbon.md, "Totals files"),
 * sorted by group then key: the same totals always give the same bytes. */
BX_API bx_status bx_carbon_totals_write(bx_carbon_totals *t, bx_write_fn write,
                                        void *ud);

/* Read a totals CSV and add it into t (as bx_carbon_totals_merge). Every
 * row is checked: known group, integer fields, total = the sum of its
 * parts. Any bad row fails the whole read with t unchanged (BX_EINPUT). */
BX_API bx_status bx_carbon_totals_read(bx_carbon_totals *t, const char *path);
BX_API bx_status bx_carbon_totals_read_mem(bx_carbon_totals *t,
                                           const char *name, const void *data,
                                           size_t size);

/* NULL is a no-op. */
BX_API void bx_carbon_totals_free(bx_carbon_totals *t);

#ifdef __cplusplus
}
#endif

#endif
