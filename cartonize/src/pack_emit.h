/*
 * pack_emit.h: what the result writers (pack_csv.c, pack_json.c,
 * pack_cbor.c, pack_table.c, pack_svg.c) share: core's byte sink
 * (emit.h), fill percentages, and the checks that a result matches its
 * order.
 */
#ifndef BOXCAR_PACK_EMIT_H
#define BOXCAR_PACK_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/pack_io.h"
#include "emit.h"
#include "internal.h"

/* fill % of a box in tenths, rounded half up from the exact volumes:
 * 1000 * item / inner. 0 if inner <= 0. */
int64_t bxi_pk_fill_tenths(int64_t item_volume_mm3, int64_t inner_volume_mm3);

/* BX_OK if every placement, unpacked entry and box slice of result refers
 * to something that exists in order / result->placements; else BX_EINVAL
 * with a message naming `who` (the writer) and the bad entry. */
bx_status bxi_pk_check_result(bx_ctx *ctx, const char *who, const bx_order *order,
                          const bx_pack_result *result);

/* The share of the base of placement k of box b (index into the box's
 * slice) that rests on the box's floor or on the tops of the box's other
 * units at exactly its base height, in tenths of a percent, rounded down
 * (never above the true share). */
int64_t bxi_pk_support_tenths(const bx_pack_result *result, size_t b, size_t k);

/* The board area of the box's blank, in mm^2, when it is a regular
 * slotted carton (FEFCO 0201) of the box's outer size:
 * (2 L + 2 W + 30) x (H + W), the 30 mm being the glue flap and H + W the
 * height plus a top and a bottom flap of W/2 each (samples/catalogs/
 * README.md). -1 when the catalog gives no outer size. */
int64_t bxi_pk_board_area_mm2(const bx_box *box);
/* The same for outer sides l, w, h (mm). */
int64_t bxi_pk_board_area_of(int64_t l, int64_t w, int64_t h);

/* The order's id (from its first line). */
const char *bxi_pk_order_id(const bx_order *order);

/* How box b travels, from its contents: fragile when a unit in it is
 * fragile (nothing may be loaded on the box); upright when a unit may not
 * tip (rotation upright or fixed: the box's height stays vertical), else
 * any. */
void bxi_pk_box_handling(const bx_order *order, const bx_pack_result *result, size_t b,
                         bool *fragile, bx_rotation *rotation);

/* Text that replaces bx_pack_svg's title and legend (boxcar load's
 * pictures): UTF-8, escaped as it is written; a NULL line is left out. */
typedef struct bxi_pk_svg_text {
    const char *title;
    const char *line[3];
} bxi_pk_svg_text;

/* bx_pack_svg with text (NULL: the packing legend). */
bx_status bxi_pk_svg(bx_ctx *ctx, const bx_order *order, const bx_pack_result *result,
                     size_t box, const bxi_pk_svg_text *text, bx_write_fn write, void *ud);

/* Units listed in result->unpacked. */
uint64_t bxi_pk_unpacked_units(const bx_pack_result *result);

#endif
