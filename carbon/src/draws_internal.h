/*
 * draws_internal.h: what uncertainty.c and draw_totals.c share about the
 * per-draw run totals. Not installed.
 */
#ifndef BOXCAR_DRAWS_INTERNAL_H
#define BOXCAR_DRAWS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "boxcar/draw_totals.h"

/* Add a run's draws (mg[0..draws), over `shipments` shipments) into d:
 * BX_EINPUT (with the reason in the context) for another number of draws,
 * seed or factor set than d holds, BX_ELIMIT for a draw beyond
 * BX_CO2E_MAX_MG; d unchanged on error. */
bx_status bxi_draw_totals_add(bx_draw_totals *d, uint32_t draws, uint64_t seed,
                              const char *set, const char *version, bx_totals_group by,
                              int64_t shipments, const int64_t *mg);

/* Add key's draws mg[0..d's draws) into d, which holds a run's draws by a
 * group (bxi_draw_totals_add with by other than BX_BY_ALL). BX_ELIMIT for
 * a draw beyond BX_CO2E_MAX_MG, d unchanged. */
bx_status bxi_draw_totals_add_key(bx_draw_totals *d, const char *key, const int64_t *mg);

/* Add src (the run's draws and every key's) into d: BX_EINPUT for another
 * number of draws, seed, factor set or group, BX_ELIMIT for a draw too
 * large; d unchanged on either. */
bx_status bxi_draw_totals_merge(bx_draw_totals *d, const bx_draw_totals *src);

/* Mean and 95 % interval from n >= 1 draw totals in mg; scratch holds n
 * doubles. The one definition of the run total's interval, for one run
 * and for merged shards alike. */
void bxi_draws_interval(const int64_t *mg, size_t n, double *scratch, bx_interval *out);

#endif
