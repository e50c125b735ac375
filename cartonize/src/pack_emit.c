/*
 * pack_emit.c: what the packing result writers share beyond core's
 * emit.c: fill percentages and the checks that a result matches its order.
 */
#include <inttypes.h>
#include "pack_emit.h"

int64_t bxi_pk_fill_tenths(int64_t item_volume_mm3, int64_t inner_volume_mm3)
{
    if (inner_volume_mm3 <= 0 || item_volume_mm3 <= 0)
        return 0;
    /* Volumes stay below 1e15 mm^3 (100 m sides), so 2000 * item fits in
     * int64 with room to spare. Half up: floor((2000 i + v) / 2v). */
    return (2000 * item_volume_mm3 + inner_volume_mm3) / (2 * inner_volume_mm3);
}

int64_t bxi_pk_support_tenths(const bx_pack_result *r, size_t b, size_t k)
{
    const bx_placement *ps = r->placements + r->boxes[b].first_placement;
    const bx_placement *p = &ps[k];
    int64_t base = (int64_t)p->l_mm * p->w_mm;
    if (p->z_mm == 0 || base <= 0)
        return 1000;
    int64_t area = 0;
    for (size_t j = 0; j < r->boxes[b].nplacements; j++) {
        const bx_placement *q = &ps[j];
        if (j == k || (int64_t)q->z_mm + q->h_mm != p->z_mm)
            continue;
        int64_t x0 = p->x_mm > q->x_mm ? p->x_mm : q->x_mm;
        int64_t x1 = (int64_t)p->x_mm + p->l_mm < (int64_t)q->x_mm + q->l_mm
                         ? (int64_t)p->x_mm + p->l_mm : (int64_t)q->x_mm + q->l_mm;
        int64_t y0 = p->y_mm > q->y_mm ? p->y_mm : q->y_mm;
        int64_t y1 = (int64_t)p->y_mm + p->w_mm < (int64_t)q->y_mm + q->w_mm
                         ? (int64_t)p->y_mm + p->w_mm : (int64_t)q->y_mm + q->w_mm;
        if (x1 > x0 && y1 > y0)
            area += (x1 - x0) * (y1 - y0);
    }
    /* overlapping placements (an invalid result) could add up to more */
    return area >= base ? 1000 : 1000 * area / base;
}

int64_t bxi_pk_board_area_mm2(const bx_box *box)
{
    if ((box->has & BX_BOX_HAS_OUTER) == 0)
        return -1;
    return bxi_pk_board_area_of(box->outer_l_mm, box->outer_w_mm, box->outer_h_mm);
}

int64_t bxi_pk_board_area_of(int64_t l, int64_t w, int64_t h)
{
    /* sides are at most BX_MAX_LENGTH_MM, so the product fits in int64 */
    return (2 * l + 2 * w + 30) * (h + w);
}

const char *bxi_pk_order_id(const bx_order *order)
{
    return order->lines[0].order_id;
}

void bxi_pk_box_handling(const bx_order *order, const bx_pack_result *result, size_t b,
                         bool *fragile, bx_rotation *rotation)
{
    const bx_packed_box *pb = &result->boxes[b];
    *fragile = false;
    *rotation = BX_ROTATE_ANY;
    for (size_t k = 0; k < pb->nplacements; k++) {
        const bx_order_line *l = &order->lines[result->placements[pb->first_placement + k].line];
        *fragile |= l->fragile;
        if (l->rotation != BX_ROTATE_ANY)
            *rotation = BX_ROTATE_UPRIGHT;
    }
}

uint64_t bxi_pk_unpacked_units(const bx_pack_result *result)
{
    uint64_t n = 0;
    for (size_t i = 0; i < result->nunpacked; i++)
        n += result->unpacked[i].units;
    return n;
}

bx_status bxi_pk_check_result(bx_ctx *ctx, const char *who, const bx_order *order,
                          const bx_pack_result *result)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (order == NULL || order->lines == NULL || order->nlines == 0 ||
        result == NULL)
        return bxi_error(ctx, BX_EINVAL, "%s: no order or no result", who);
    if ((result->nboxes > 0 && result->boxes == NULL) ||
        (result->nplacements > 0 && result->placements == NULL) ||
        (result->nunpacked > 0 && result->unpacked == NULL))
        return bxi_error(ctx, BX_EINVAL, "%s: result lists missing", who);
    const char *id = bxi_pk_order_id(order);
    for (size_t b = 0; b < result->nboxes; b++) {
        const bx_packed_box *pb = &result->boxes[b];
        if (pb->box == NULL || pb->first_placement > result->nplacements ||
            pb->nplacements > result->nplacements - pb->first_placement)
            return bxi_error(ctx, BX_EINVAL,
                            "%s: order %s: box %zu does not match the result's "
                            "placements", who, id, b + 1);
    }
    for (size_t i = 0; i < result->nplacements; i++)
        if (result->placements[i].line >= order->nlines)
            return bxi_error(ctx, BX_EINVAL,
                            "%s: order %s: placement %zu names line %" PRIu32
                            " of %zu", who, id, i + 1,
                            result->placements[i].line, order->nlines);
    for (size_t i = 0; i < result->nunpacked; i++)
        if (result->unpacked[i].line >= order->nlines)
            return bxi_error(ctx, BX_EINVAL,
                            "%s: order %s: unpacked entry %zu names line %" PRIu32
                            " of %zu", who, id, i + 1, result->unpacked[i].line,
                            order->nlines);
    if (result->nviolations > 0 && result->violations == NULL)
        return bxi_error(ctx, BX_EINVAL, "%s: result lists missing", who);
    for (size_t i = 0; i < result->nviolations; i++) {
        const bx_violation *v = &result->violations[i];
        if (v->box_seq > result->nboxes || v->code == NULL || v->message == NULL)
            return bxi_error(ctx, BX_EINVAL, "%s: order %s: violation %zu names box %" PRIu32
                            " of %zu or has no code or message", who, id, i + 1,
                            v->box_seq, result->nboxes);
    }
    return BX_OK;
}
