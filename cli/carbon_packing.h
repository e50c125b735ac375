/*
 * carbon_packing.h: `boxcar carbon --packing`: the boxes of `boxcar pack
 * --format csv` as shipments, one per packed box, so that orders go to
 * carbon without a shipments file written by hand.
 *
 * A packed box becomes the shipment ORDER-SEQ (its order id and box_seq)
 * of `date`, its gross weight as mass_g, its units as items, its box id
 * as packaging (a box of the catalog, or a reusable container type of
 * --containers), on the route of its order: the order's row of the
 * order-routes file (order_id, route_id and optionally drop_km), or else
 * the default route. Rows of orders that were not packed (no box_id) are
 * not shipments and are skipped.
 */
#ifndef BOXCAR_CLI_CARBON_PACKING_H
#define BOXCAR_CLI_CARBON_PACKING_H

#include "cli.h"

typedef struct carbon_packing carbon_packing;

/* diag: where a bad row or a bad order-routes line is reported (the
 * command's printer). route may be NULL when order_routes is given, and
 * order_routes NULL when route is. A problem of the files themselves (a
 * missing column, an order-routes line that is wrong) is BX_EINPUT,
 * reported through diag; a missing file BX_ENOTFOUND, printed. */
bx_status carbon_packing_open(bx_ctx *ctx, carbon_packing **out, const char *packing,
                              const char *route, const char *order_routes, int32_t date,
                              void (*diag)(void *, const bx_diag *), void *diag_ud);
/* The next shipment: BX_OK, BX_EINPUT for a row that cannot be one
 * (reported; the caller counts it and goes on), BX_END, or a failure. */
bx_status carbon_packing_next(carbon_packing *p, bx_shipment *s);
/* Packing rows read, and those skipped as orders with no box. */
uint64_t carbon_packing_rows(const carbon_packing *p);
uint64_t carbon_packing_unpacked(const carbon_packing *p);
/* The file being read, for the progress line. */
FILE *carbon_packing_file(const carbon_packing *p);
void carbon_packing_close(carbon_packing *p);

#endif
