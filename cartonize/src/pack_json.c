/*
 * pack_json.c: packing results as JSON Lines, one object per order.
 *
 * Written by hand rather than built as a jansson tree: the output streams
 * (an order of 100000 units never sits in memory twice), the key order is
 * the documented one, numbers keep one decimal exactly, and the writer works
 * in builds without jansson. Strings are escaped by bxi_emit_json_string.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack_emit.h"

static void key(bx_emit *o, const char *k, bool first)
{
    if (!first)
        bxi_emit_char(o, ',');
    bxi_emit_char(o, '"');
    bxi_emit_str(o, k);
    bxi_emit_str(o, "\":");
}

static void key_i64(bx_emit *o, const char *k, int64_t v)
{
    key(o, k, false);
    bxi_emit_i64(o, v);
}

/* A finite double in its shortest round-trip form ("%.17g" would show
 * 0.55 as 0.55000000000000004). */
static void put_number(bx_emit *o, double d)
{
    char t[32];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, d);
        if (strtod(t, NULL) == d)
            break;
    }
    /* the C locale's decimal point may not be '.' */
    for (char *c = t; *c != '\0'; c++)
        if (*c == ',')
            *c = '.';
    bxi_emit_str(o, t);
}

/* The violations with this box_seq as a JSON array. */
static void write_violations(bx_emit *o, const bx_pack_result *r, uint32_t box_seq)
{
    bxi_emit_char(o, '[');
    bool first = true;
    for (size_t i = 0; i < r->nviolations; i++) {
        const bx_violation *v = &r->violations[i];
        if (v->box_seq != box_seq)
            continue;
        bxi_emit_str(o, first ? "{" : ",{");
        first = false;
        key(o, "code", true);
        bxi_emit_json_string(o, v->code);
        key(o, "message", false);
        bxi_emit_json_string(o, v->message);
        if (isfinite(v->value)) {
            key(o, "value", false);
            put_number(o, v->value);
        }
        if (isfinite(v->limit)) {
            key(o, "limit", false);
            put_number(o, v->limit);
        }
        bxi_emit_char(o, '}');
    }
    bxi_emit_char(o, ']');
}

/* What a buyer of boxes needs: the outer size, the board of an RSC
 * blank of that size and the catalog's cost; null where the catalog
 * does not say. */
static void write_box_outside(bx_emit *o, const bx_box *box)
{
    bool outer = (box->has & BX_BOX_HAS_OUTER) != 0;
    static const char *const names[] = {"outer_l_mm", "outer_w_mm", "outer_h_mm"};
    const int32_t dims[] = {box->outer_l_mm, box->outer_w_mm, box->outer_h_mm};
    for (size_t i = 0; i < 3; i++) {
        key(o, names[i], false);
        if (outer)
            bxi_emit_i64(o, dims[i]);
        else
            bxi_emit_str(o, "null");
    }
    key(o, "board_area_mm2", false);
    if (outer)
        bxi_emit_i64(o, bxi_pk_board_area_mm2(box));
    else
        bxi_emit_str(o, "null");
    key(o, "cost", false);
    if ((box->has & BX_BOX_HAS_COST) != 0 && isfinite(box->cost))
        put_number(o, box->cost);
    else
        bxi_emit_str(o, "null");
}

static void write_box(bx_emit *o, const bx_order *order,
                      const bx_pack_result *result, size_t b)
{
    const bx_packed_box *pb = &result->boxes[b];
    int64_t fill = bxi_pk_fill_tenths(pb->item_volume_mm3, pb->inner_volume_mm3);
    key(o, "box_id", true);
    bxi_emit_json_string(o, pb->box->box_id);
    key_i64(o, "box_seq", (int64_t)b + 1);
    key_i64(o, "n_units", (int64_t)pb->nplacements);
    key_i64(o, "item_volume_mm3", pb->item_volume_mm3);
    key_i64(o, "inner_volume_mm3", pb->inner_volume_mm3);
    key(o, "fill_pct", false);
    bxi_emit_tenths(o, fill);
    key(o, "void_pct", false);
    bxi_emit_tenths(o, 1000 - fill);
    key_i64(o, "gross_weight_g", pb->gross_weight_g);
    bool fragile;
    bx_rotation rot;
    bxi_pk_box_handling(order, result, b, &fragile, &rot);
    key(o, "fragile", false);
    bxi_emit_str(o, fragile ? "true" : "false");
    key(o, "rotation", false);
    bxi_emit_json_string(o, bx_rotation_name(rot));
    key(o, "placements", false);
    bxi_emit_char(o, '[');
    for (size_t k = 0; k < pb->nplacements; k++) {
        const bx_placement *p = &result->placements[pb->first_placement + k];
        bxi_emit_str(o, k == 0 ? "{" : ",{");
        key(o, "item_id", true);
        bxi_emit_json_string(o, order->lines[p->line].item_id);
        key_i64(o, "unit", p->unit);
        key_i64(o, "load_seq", p->load_seq);
        key(o, "support_pct", false);
        bxi_emit_tenths(o, bxi_pk_support_tenths(result, b, k));
        key_i64(o, "x_mm", p->x_mm);
        key_i64(o, "y_mm", p->y_mm);
        key_i64(o, "z_mm", p->z_mm);
        key_i64(o, "l_mm", p->l_mm);
        key_i64(o, "w_mm", p->w_mm);
        key_i64(o, "h_mm", p->h_mm);
        bxi_emit_char(o, '}');
    }
    bxi_emit_char(o, ']');
    if (result->policy != NULL) {
        key(o, "violations", false);
        write_violations(o, result, (uint32_t)b + 1);
    }
    /* with a policy or a pool: null for a carton */
    if (result->policy != NULL || result->containers != NULL) {
        key(o, "container_id", false);
        if (result->containers != NULL && result->containers[b] != NULL)
            bxi_emit_json_string(o, result->containers[b]);
        else
            bxi_emit_str(o, "null");
    }
    write_box_outside(o, pb->box);
}

bx_status bx_pack_json(bx_ctx *ctx, const bx_order *order,
                       const bx_pack_result *result, bx_write_fn write,
                       void *ud)
{
    bx_status st = bxi_pk_check_result(ctx, "packing JSON", order, result);
    if (st != BX_OK)
        return st;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing JSON: no write callback");
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    bxi_emit_char(&o, '{');
    key(&o, "order_id", true);
    bxi_emit_json_string(&o, bxi_pk_order_id(order));
    key_i64(&o, "lower_bound", result->lower_bound);
    key(&o, "count_optimal", false);
    bxi_emit_str(&o, result->count_optimal ? "true" : "false");
    key(&o, "boxes", false);
    bxi_emit_char(&o, '[');
    for (size_t b = 0; b < result->nboxes; b++) {
        bxi_emit_str(&o, b == 0 ? "{" : ",{");
        write_box(&o, order, result, b);
        bxi_emit_char(&o, '}');
    }
    bxi_emit_char(&o, ']');
    key(&o, "unpacked", false);
    bxi_emit_char(&o, '[');
    for (size_t i = 0; i < result->nunpacked; i++) {
        const bx_unpacked *u = &result->unpacked[i];
        bxi_emit_str(&o, i == 0 ? "{" : ",{");
        key(&o, "item_id", true);
        bxi_emit_json_string(&o, order->lines[u->line].item_id);
        key_i64(&o, "units", u->units);
        key(&o, "reason", false);
        bxi_emit_json_string(&o, bx_unpacked_reason_text(u->reason));
        bxi_emit_char(&o, '}');
    }
    bxi_emit_char(&o, ']');
    key(&o, "work", false);
    bxi_emit_u64(&o, result->work);
    if (result->policy != NULL) {
        key(&o, "policy", false);
        bxi_emit_json_string(&o, result->policy);
        key(&o, "violations", false);
        write_violations(&o, result, 0);
    }
    bxi_emit_str(&o, "}\n");
    return bxi_emit_finish(&o);
}

bx_status bx_pack_json_failed(bx_ctx *ctx, const char *order_id,
                              const char *message, bx_write_fn write, void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (order_id == NULL || message == NULL || write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing JSON: bad argument");
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    bxi_emit_char(&o, '{');
    key(&o, "order_id", true);
    bxi_emit_json_string(&o, order_id);
    key(&o, "error", false);
    bxi_emit_str(&o, "\"bad input: ");
    bxi_emit_json_chars(&o, message);
    bxi_emit_str(&o, "\"}\n");
    return bxi_emit_finish(&o);
}
