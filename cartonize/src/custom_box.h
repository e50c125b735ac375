/*
 * custom_box.h: made-to-measure boxes (catalog entries with custom = 1),
 * packed around the engine's search (custom_box.c).
 */
#ifndef BOXCAR_CUSTOM_BOX_H
#define BOXCAR_CUSTOM_BOX_H

#include "boxcar/pack.h"

typedef struct bxi_pk_custom bxi_pk_custom;

/* Should bx_pack hand this call to bxi_pk_custom_pack? True when the
 * catalog has a made-to-measure entry and the engine is not already inside
 * bxi_pk_custom_pack. */
bool bxi_pk_custom_wanted(const bx_engine *e, const bx_catalog *cat);

/* Pack an order into a catalog with made-to-measure entries: the stock
 * sizes alone, then each machine alone (units packed into a few size
 * variants of the machine, each box then cut to what its contents take,
 * rounded up to the step), and keep the better by fewest units left out,
 * fewest boxes, then the objective. A cut box is reported with box_index of
 * its catalog entry and a box record of its own (box_id "ID:LxWxH", the cut
 * inner size, outer size, tare, material and cost), owned by the engine
 * like the rest of the result. Arguments are checked by bx_pack. */
bx_status bxi_pk_custom_pack(bx_engine *e, const bx_catalog *cat, const bx_order *order,
                             const bx_pack_options *options, const bx_pack_result **result);

/* Free the engine's made-to-measure workspace (NULL is a no-op). */
void bxi_pk_custom_free(bx_ctx *ctx, bxi_pk_custom *c);

/* The cut record of a box of machine m with inner size dims: ids, outer
 * size, tare, material mass and cost as bxi_pk_custom_pack reports it. */
void bxi_pk_custom_cut(const bx_box *m, const int32_t dims[3], bx_box *out);

/* A made-to-measure entry's board mass in grams for a cut box (FEFCO 0201
 * board area times the grammage; 0 without a grammage). */
int64_t bxi_pk_custom_board_g(const bx_box *cut);

/* Whether machine m can cut a box for one unit of line l alone (under
 * rule) that bears it: the lightest such box, each side rounded up to the
 * step and raised to the machine's least size, keeps max_weight_g with its
 * board. */
bool bxi_pk_custom_holds(const bx_box *m, const bx_order_line *l, bx_rotation rule);

#endif
