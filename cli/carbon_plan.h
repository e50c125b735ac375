/*
 * carbon_plan.h: the emissions of a rebalancing plan's moves. The pool
 * module plans; the carbon module knows how much a road leg emits; this is
 * where the two meet (neither includes the other).
 */
#ifndef BOXCAR_CLI_CARBON_PLAN_H
#define BOXCAR_CLI_CARBON_PLAN_H

#include "cli.h"

#if BOXCAR_HAVE_CBOR
/* Each move of `plan` as one shipment of its containers (containers x
 * tare_g, empty) over its distance on one leg of TOC `toc` of the factor
 * set fs, the distance as planned (daf none: the links hold road
 * distances), dated `date` (YYYYMMDD). wtw_mg[k] gets move k's well-to-
 * wheel emissions in mg CO2e. BX_EINPUT (message in ctx) for a TOC the set
 * does not have or cannot use; BX_ENOMEM. */
bx_status cli_plan_emissions(bx_ctx *ctx, const bx_factor_set *fs, const char *toc,
                             int64_t tare_g, int32_t date, const bx_plan *plan,
                             int64_t *wtw_mg);
#endif

#endif
