/*
 * pack_csv.c: packing results as CSV: one row per box (and per unpacked
 * entry), and one row per placed unit. Fields go through bx_csv_writer, so
 * ids with commas or quotes are quoted as RFC 4180 wants.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pack_emit.h"

typedef struct csv_out {
    bx_emit out;
    bx_csv_writer w;
} csv_out;

static void csv_init(csv_out *c, bx_ctx *ctx, bx_write_fn write, void *ud)
{
    bxi_emit_init(&c->out, ctx, write, ud, "the packing result");
    bx_csv_writer_init(&c->w, bxi_emit_write, &c->out);
}

/* The sink never fails inside a record (bx_emit keeps the failure for
 * finish), so field statuses need no checking here. */
static void field(csv_out *c, const char *s)
{
    (void)bx_csv_write_field(&c->w, s, strlen(s));
}

static void field_i64(csv_out *c, int64_t v)
{
    char t[24];
    snprintf(t, sizeof t, "%" PRId64, v);
    field(c, t);
}

static void field_tenths(csv_out *c, int64_t v)
{
    char t[32];
    snprintf(t, sizeof t, "%" PRId64 ".%" PRId64, v / 10, v % 10);
    field(c, t);
}

static void end_row(csv_out *c)
{
    (void)bx_csv_end_record(&c->w);
}

static bx_status header(bx_ctx *ctx, bx_write_fn write, void *ud,
                        const char *const *names, size_t n)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing CSV: no write callback");
    csv_out c;
    csv_init(&c, ctx, write, ud);
    for (size_t i = 0; i < n; i++)
        field(&c, names[i]);
    end_row(&c);
    return bxi_emit_finish(&c.out);
}

#define BOX_COLUMNS(X)                                                                    \
    X(order_id, TEXT) X(box_seq, NUM) X(box_id, TEXT) X(n_units, NUM)                     \
    X(item_volume_mm3, NUM) X(box_inner_volume_mm3, NUM) X(fill_pct, NUM) X(void_pct, NUM) \
    X(gross_weight_g, NUM) X(lower_bound_boxes, NUM) X(reason, TEXT) X(violations, TEXT)   \
    X(container_id, TEXT)
static const char *const box_columns[] = {BOX_COLUMNS(BX_COLUMN_NAME)};
static const char *const box_numeric[] = {BOX_COLUMNS(BX_COLUMN_IF_NUM) NULL};

static const char *const placement_columns[] = {
    "order_id", "box_seq", "unit_seq", "item_id", "x_mm", "y_mm", "z_mm",
    "l_mm", "w_mm", "h_mm", "support_pct",
};

const char *const *bx_pack_csv_numeric_columns(void)
{
    return box_numeric;
}

bx_status bx_pack_csv_boxes_header(bx_ctx *ctx, bx_write_fn write, void *ud)
{
    return header(ctx, write, ud, box_columns, BX_ARRAY_LEN(box_columns));
}

bx_status bx_pack_csv_placements_header(bx_ctx *ctx, bx_write_fn write,
                                        void *ud)
{
    return header(ctx, write, ud, placement_columns,
                  BX_ARRAY_LEN(placement_columns));
}

static void quoted_text(csv_out *c, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '"')
            bxi_emit_char(&c->out, '"');
        bxi_emit_char(&c->out, *s);
    }
}

/* The violations of box box_seq (and with_order: the order's own, box_seq
 * 0, first) as one field, "CODE: message; order CODE: message", quoted
 * whole when not empty. Written straight to the output rather than built
 * first, so no message is ever cut. */
static void field_violations(csv_out *c, const bx_pack_result *r, uint32_t box_seq,
                             bool with_order)
{
    if (c->w.nfields > 0)
        bxi_emit_char(&c->out, ',');
    c->w.nfields++;
    bool any = false;
    for (int pass = with_order ? 0 : 1; pass < 2; pass++)
        for (size_t i = 0; i < r->nviolations; i++) {
            const bx_violation *v = &r->violations[i];
            if (v->box_seq != (pass == 0 ? 0 : box_seq))
                continue;
            bxi_emit_str(&c->out, any ? "; " : "\"");
            if (pass == 0)
                bxi_emit_str(&c->out, "order ");
            quoted_text(c, v->code);
            bxi_emit_str(&c->out, ": ");
            quoted_text(c, v->message);
            any = true;
        }
    if (any)
        bxi_emit_char(&c->out, '"');
}

static int64_t line_volume(const bx_order_line *l, int64_t units)
{
    return units * l->l_mm * l->w_mm * l->h_mm;
}

bx_status bx_pack_csv_boxes(bx_ctx *ctx, const bx_order *order,
                            const bx_pack_result *result, bx_write_fn write,
                            void *ud)
{
    bx_status st = bxi_pk_check_result(ctx, "packing CSV", order, result);
    if (st != BX_OK)
        return st;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing CSV: no write callback");
    const char *id = bxi_pk_order_id(order);
    csv_out c;
    csv_init(&c, ctx, write, ud);
    for (size_t b = 0; b < result->nboxes; b++) {
        const bx_packed_box *pb = &result->boxes[b];
        int64_t fill = bxi_pk_fill_tenths(pb->item_volume_mm3, pb->inner_volume_mm3);
        field(&c, id);
        field_i64(&c, (int64_t)b + 1);
        field(&c, pb->box->box_id);
        field_i64(&c, (int64_t)pb->nplacements);
        field_i64(&c, pb->item_volume_mm3);
        field_i64(&c, pb->inner_volume_mm3);
        field_tenths(&c, fill);
        field_tenths(&c, 1000 - fill);
        field_i64(&c, pb->gross_weight_g);
        field_i64(&c, result->lower_bound);
        field(&c, "");
        field_violations(&c, result, (uint32_t)b + 1, b == 0);
        field(&c, result->containers != NULL && result->containers[b] != NULL
                      ? result->containers[b]
                      : "");
        end_row(&c);
    }
    for (size_t i = 0; i < result->nunpacked; i++) {
        const bx_unpacked *u = &result->unpacked[i];
        const bx_order_line *l = &order->lines[u->line];
        char reason[BX_ID_MAX + 64];
        snprintf(reason, sizeof reason, "%s: %s",
                 bx_unpacked_reason_text(u->reason), l->item_id);
        field(&c, id);
        field(&c, "");
        field(&c, "");
        field_i64(&c, u->units);
        field_i64(&c, line_volume(l, u->units));
        field(&c, "");
        field(&c, "");
        field(&c, "");
        field(&c, "");
        field_i64(&c, result->lower_bound);
        field(&c, reason);
        field_violations(&c, result, UINT32_MAX, i == 0 && result->nboxes == 0);
        field(&c, "");
        end_row(&c);
    }
    return bxi_emit_finish(&c.out);
}

bx_status bx_pack_csv_failed(bx_ctx *ctx, const char *order_id,
                             const char *message, bx_write_fn write, void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (order_id == NULL || message == NULL || write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing CSV: bad argument");
    csv_out c;
    csv_init(&c, ctx, write, ud);
    field(&c, order_id);
    /* up to reason, which is the third column from the end */
    for (size_t i = 1; i + 3 < BX_ARRAY_LEN(box_columns); i++)
        field(&c, "");
    bxi_emit_str(&c.out, ",\"bad input: ");
    /* The message is free text: quote it by RFC 4180 (double the quotes). */
    for (const char *p = message; *p != '\0'; p++) {
        if (*p == '"')
            bxi_emit_char(&c.out, '"');
        bxi_emit_char(&c.out, *p);
    }
    bxi_emit_str(&c.out, "\",,\n");
    return bxi_emit_finish(&c.out);
}

bx_status bx_pack_csv_placements(bx_ctx *ctx, const bx_order *order,
                                 const bx_pack_result *result,
                                 bx_write_fn write, void *ud)
{
    bx_status st = bxi_pk_check_result(ctx, "packing CSV", order, result);
    if (st != BX_OK)
        return st;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing CSV: no write callback");
    const char *id = bxi_pk_order_id(order);
    csv_out c;
    csv_init(&c, ctx, write, ud);
    for (size_t b = 0; b < result->nboxes; b++) {
        const bx_packed_box *pb = &result->boxes[b];
        for (size_t k = 0; k < pb->nplacements; k++) {
            const bx_placement *p = &result->placements[pb->first_placement + k];
            field(&c, id);
            field_i64(&c, (int64_t)b + 1);
            field_i64(&c, p->load_seq);
            field(&c, order->lines[p->line].item_id);
            field_i64(&c, p->x_mm);
            field_i64(&c, p->y_mm);
            field_i64(&c, p->z_mm);
            field_i64(&c, p->l_mm);
            field_i64(&c, p->w_mm);
            field_i64(&c, p->h_mm);
            field_tenths(&c, bxi_pk_support_tenths(result, b, k));
            end_row(&c);
        }
    }
    return bxi_emit_finish(&c.out);
}
