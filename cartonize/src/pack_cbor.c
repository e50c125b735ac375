/*
 * pack_cbor.c: packing results as CBOR, one map per order (a batch is an
 * RFC 8742 CBOR sequence), in RFC 8949 section 4.2.1 core deterministic
 * encoding.
 *
 * Heads come from core's emit_cbor.c, always in the shortest form.
 * Determinism then rests on two things done here: every length is known
 * before its container is opened (counts come from the result), and the
 * keys of each map are written in the order of their encoded bytes. For
 * text keys a shorter key has a smaller head, so that order is: by length,
 * then bytewise. The key lists below are written in that order; the unit
 * test decodes the output and checks it.
 */
#include <math.h>

#include "pack_emit.h"

/* The one-decimal figure the text formats print: tenths / 10 is the
 * double nearest to that decimal, the value a JSON reader gets for it. */
static void put_tenths(bx_emit *o, int64_t tenths)
{
    bxi_emit_cbor_float(o, (double)tenths / 10.0);
}

/* Violation maps: code, limit, value, message (the deterministic key
 * order); value and limit only when given. */
static void write_violations(bx_emit *o, const bx_pack_result *r, uint32_t box_seq)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nviolations; i++)
        n += r->violations[i].box_seq == box_seq;
    bxi_emit_cbor_array(o, n);
    for (size_t i = 0; i < r->nviolations; i++) {
        const bx_violation *v = &r->violations[i];
        if (v->box_seq != box_seq)
            continue;
        bool has_v = isfinite(v->value), has_l = isfinite(v->limit);
        bxi_emit_cbor_map(o, 2 + (size_t)has_v + (size_t)has_l);
        bxi_emit_cbor_text(o, "code");
        bxi_emit_cbor_text(o, v->code);
        if (has_l) {
            bxi_emit_cbor_text(o, "limit");
            bxi_emit_cbor_float(o, v->limit);
        }
        if (has_v) {
            bxi_emit_cbor_text(o, "value");
            bxi_emit_cbor_float(o, v->value);
        }
        bxi_emit_cbor_text(o, "message");
        bxi_emit_cbor_text(o, v->message);
    }
}

static void write_placement(bx_emit *o, const bx_order *order, const bx_pack_result *result,
                            size_t b, size_t k)
{
    const bx_placement *p = &result->placements[result->boxes[b].first_placement + k];
    bxi_emit_cbor_map(o, 10);
    bxi_emit_cbor_text(o, "h_mm");
    bxi_emit_cbor_int(o, p->h_mm);
    bxi_emit_cbor_text(o, "l_mm");
    bxi_emit_cbor_int(o, p->l_mm);
    bxi_emit_cbor_text(o, "unit");
    bxi_emit_cbor_uint(o, p->unit);
    bxi_emit_cbor_text(o, "w_mm");
    bxi_emit_cbor_int(o, p->w_mm);
    bxi_emit_cbor_text(o, "x_mm");
    bxi_emit_cbor_int(o, p->x_mm);
    bxi_emit_cbor_text(o, "y_mm");
    bxi_emit_cbor_int(o, p->y_mm);
    bxi_emit_cbor_text(o, "z_mm");
    bxi_emit_cbor_int(o, p->z_mm);
    bxi_emit_cbor_text(o, "item_id");
    bxi_emit_cbor_text(o, order->lines[p->line].item_id);
    bxi_emit_cbor_text(o, "load_seq");
    bxi_emit_cbor_uint(o, p->load_seq);
    bxi_emit_cbor_text(o, "support_pct");
    put_tenths(o, bxi_pk_support_tenths(result, b, k));
}

/* The keys of the box's outside (as in pack_json.c), each where the
 * deterministic order puts it: "cost" first, the outer sides among the
 * 10-byte keys before "placements", "board_area_mm2" before
 * "gross_weight_g". null where the catalog does not say. */
static void write_cost(bx_emit *o, const bx_box *box)
{
    bxi_emit_cbor_text(o, "cost");
    if ((box->has & BX_BOX_HAS_COST) != 0 && isfinite(box->cost))
        bxi_emit_cbor_float(o, box->cost);
    else
        bxi_emit_char(o, (char)0xf6); /* CBOR null */
}

static void write_outer(bx_emit *o, const bx_box *box)
{
    bool outer = (box->has & BX_BOX_HAS_OUTER) != 0;
    static const char *const names[] = {"outer_h_mm", "outer_l_mm", "outer_w_mm"};
    const int32_t dims[] = {box->outer_h_mm, box->outer_l_mm, box->outer_w_mm};
    for (size_t i = 0; i < 3; i++) {
        bxi_emit_cbor_text(o, names[i]);
        if (outer)
            bxi_emit_cbor_int(o, dims[i]);
        else
            bxi_emit_char(o, (char)0xf6);
    }
}

static void write_board_area(bx_emit *o, const bx_box *box)
{
    int64_t area = bxi_pk_board_area_mm2(box);
    bxi_emit_cbor_text(o, "board_area_mm2");
    if (area >= 0)
        bxi_emit_cbor_int(o, area);
    else
        bxi_emit_char(o, (char)0xf6);
}

static void write_box(bx_emit *o, const bx_order *order,
                      const bx_pack_result *result, size_t b)
{
    const bx_packed_box *pb = &result->boxes[b];
    int64_t fill = bxi_pk_fill_tenths(pb->item_volume_mm3, pb->inner_volume_mm3);
    bool policy = result->policy != NULL;
    /* container_id with a policy or a pool: null for a carton */
    bool containers = policy || result->containers != NULL;
    bool fragile;
    bx_rotation rot;
    bxi_pk_box_handling(order, result, b, &fragile, &rot);
    bxi_emit_cbor_map(o, 16 + (policy ? 1 : 0) + (containers ? 1 : 0));
    write_cost(o, pb->box);
    bxi_emit_cbor_text(o, "box_id");
    bxi_emit_cbor_text(o, pb->box->box_id);
    bxi_emit_cbor_text(o, "box_seq");
    bxi_emit_cbor_uint(o, (uint64_t)b + 1);
    bxi_emit_cbor_text(o, "fragile");
    bxi_emit_cbor_bool(o, fragile);
    bxi_emit_cbor_text(o, "n_units");
    bxi_emit_cbor_uint(o, pb->nplacements);
    bxi_emit_cbor_text(o, "fill_pct");
    put_tenths(o, fill);
    bxi_emit_cbor_text(o, "rotation");
    bxi_emit_cbor_text(o, bx_rotation_name(rot));
    bxi_emit_cbor_text(o, "void_pct");
    put_tenths(o, 1000 - fill);
    write_outer(o, pb->box);
    bxi_emit_cbor_text(o, "placements");
    bxi_emit_cbor_array(o, pb->nplacements);
    for (size_t k = 0; k < pb->nplacements; k++)
        write_placement(o, order, result, b, k);
    if (policy) {
        bxi_emit_cbor_text(o, "violations");
        write_violations(o, result, (uint32_t)b + 1);
    }
    if (containers) {
        bxi_emit_cbor_text(o, "container_id");
        if (result->containers != NULL && result->containers[b] != NULL)
            bxi_emit_cbor_text(o, result->containers[b]);
        else
            bxi_emit_char(o, (char)0xf6); /* CBOR null */
    }
    write_board_area(o, pb->box);
    bxi_emit_cbor_text(o, "gross_weight_g");
    bxi_emit_cbor_int(o, pb->gross_weight_g);
    bxi_emit_cbor_text(o, "item_volume_mm3");
    bxi_emit_cbor_int(o, pb->item_volume_mm3);
    bxi_emit_cbor_text(o, "inner_volume_mm3");
    bxi_emit_cbor_int(o, pb->inner_volume_mm3);
}

bx_status bx_pack_cbor(bx_ctx *ctx, const bx_order *order,
                       const bx_pack_result *result, bx_write_fn write,
                       void *ud)
{
    bx_status st = bxi_pk_check_result(ctx, "packing CBOR", order, result);
    if (st != BX_OK)
        return st;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing CBOR: no write callback");
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    bool policy = result->policy != NULL;
    bxi_emit_cbor_map(&o, policy ? 8 : 6);
    bxi_emit_cbor_text(&o, "work");
    bxi_emit_cbor_uint(&o, result->work);
    bxi_emit_cbor_text(&o, "boxes");
    bxi_emit_cbor_array(&o, result->nboxes);
    for (size_t b = 0; b < result->nboxes; b++)
        write_box(&o, order, result, b);
    if (policy) {
        bxi_emit_cbor_text(&o, "policy");
        bxi_emit_cbor_text(&o, result->policy);
    }
    bxi_emit_cbor_text(&o, "order_id");
    bxi_emit_cbor_text(&o, bxi_pk_order_id(order));
    bxi_emit_cbor_text(&o, "unpacked");
    bxi_emit_cbor_array(&o, result->nunpacked);
    for (size_t i = 0; i < result->nunpacked; i++) {
        const bx_unpacked *u = &result->unpacked[i];
        bxi_emit_cbor_map(&o, 3);
        bxi_emit_cbor_text(&o, "units");
        bxi_emit_cbor_uint(&o, u->units);
        bxi_emit_cbor_text(&o, "reason");
        bxi_emit_cbor_text(&o, bx_unpacked_reason_text(u->reason));
        bxi_emit_cbor_text(&o, "item_id");
        bxi_emit_cbor_text(&o, order->lines[u->line].item_id);
    }
    if (policy) {
        bxi_emit_cbor_text(&o, "violations");
        write_violations(&o, result, 0);
    }
    bxi_emit_cbor_text(&o, "lower_bound");
    bxi_emit_cbor_uint(&o, result->lower_bound);
    bxi_emit_cbor_text(&o, "count_optimal");
    bxi_emit_cbor_bool(&o, result->count_optimal);
    return bxi_emit_finish(&o);
}

bx_status bx_pack_cbor_failed(bx_ctx *ctx, const char *order_id,
                              const char *message, bx_write_fn write, void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (order_id == NULL || message == NULL || write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing CBOR: bad argument");
    static const char prefix[] = "bad input: ";
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    bxi_emit_cbor_map(&o, 2);
    bxi_emit_cbor_text(&o, "error");
    /* A message may quote a file name that is not UTF-8: repaired as in
     * the JSON writer, since a CBOR text string must be valid UTF-8. */
    bxi_emit_cbor_text_head(&o, sizeof prefix - 1 + bxi_utf8_repaired_len(message));
    bxi_emit_str(&o, prefix);
    bxi_emit_utf8(&o, message);
    bxi_emit_cbor_text(&o, "order_id");
    bxi_emit_cbor_text(&o, order_id);
    return bxi_emit_finish(&o);
}
