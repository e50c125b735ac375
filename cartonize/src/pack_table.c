/*
 * pack_table.c: packing results as a text table for people at a terminal.
 *
 *   order         box         units  fill %  void %  gross kg
 *   BIG           10#             2    82.6    17.4     0.454
 *   BIG           -               1  too large for every box: sofa
 *     BIG: 1 box (lower bound 1, fewest possible), 2 units packed, 1 not packed
 *
 * Ids are UTF-8 and may be Chinese, so columns are padded by display
 * width, not bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pack_emit.h"

#define W_ORDER 14
#define W_BOX 10
#define W_UNITS 7
#define W_PCT 8
#define W_KG 10

/* Columns a terminal gives a code point: two for the East Asian wide and
 * fullwidth blocks (Unicode UAX #11, the common ranges), one otherwise.
 * Invalid bytes (not possible in ids) count one each. */
static size_t display_width(const char *s)
{
    static const uint32_t wide[][2] = {
        {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF},
        {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
        {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F},
        {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x20000, 0x2FFFD},
        {0x30000, 0x3FFFD},
    };
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), w = 0;
    while (n > 0) {
        uint32_t cp = 0;
        size_t k = bxi_utf8_seq(p, n, &cp);
        if (k == 0)
            k = 1;
        size_t cw = 1;
        for (size_t i = 0; i < BX_ARRAY_LEN(wide); i++)
            if (cp >= wide[i][0] && cp <= wide[i][1])
                cw = 2;
        w += cw;
        p += k;
        n -= k;
    }
    return w;
}

static void spaces(bx_emit *o, size_t n)
{
    while (n-- > 0)
        bxi_emit_char(o, ' ');
}

/* s left-aligned in `width` columns; at least one space follows. */
static void left(bx_emit *o, const char *s, size_t width)
{
    size_t w = display_width(s);
    bxi_emit_str(o, s);
    spaces(o, w < width ? width - w : 1);
}

/* ASCII s right-aligned in `width` columns. */
static void right(bx_emit *o, const char *s, size_t width)
{
    size_t w = strlen(s);
    spaces(o, w < width ? width - w : 1);
    bxi_emit_str(o, s);
}

static void right_i64(bx_emit *o, int64_t v, size_t width)
{
    char t[24];
    snprintf(t, sizeof t, "%" PRId64, v);
    right(o, t, width);
}

/* v / 10^digits with `digits` decimals, right-aligned, locale-free. */
static void right_fixed(bx_emit *o, int64_t v, int digits, int64_t scale,
                        size_t width)
{
    char t[32];
    snprintf(t, sizeof t, "%s%" PRId64 ".%0*" PRId64, v < 0 ? "-" : "",
             (v < 0 ? -v : v) / scale, digits, (v < 0 ? -v : v) % scale);
    right(o, t, width);
}

bx_status bx_pack_table_header(bx_ctx *ctx, bx_write_fn write, void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing table: no write callback");
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    left(&o, "order", W_ORDER);
    left(&o, "box", W_BOX);
    right(&o, "units", W_UNITS);
    right(&o, "fill %", W_PCT);
    right(&o, "void %", W_PCT);
    right(&o, "gross kg", W_KG);
    bxi_emit_char(&o, '\n');
    return bxi_emit_finish(&o);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

bx_status bx_pack_table(bx_ctx *ctx, const bx_order *order,
                        const bx_pack_result *result, bx_write_fn write,
                        void *ud)
{
    bx_status st = bxi_pk_check_result(ctx, "packing table", order, result);
    if (st != BX_OK)
        return st;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing table: no write callback");
    const char *id = bxi_pk_order_id(order);
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    for (size_t b = 0; b < result->nboxes; b++) {
        const bx_packed_box *pb = &result->boxes[b];
        int64_t fill = bxi_pk_fill_tenths(pb->item_volume_mm3, pb->inner_volume_mm3);
        left(&o, id, W_ORDER);
        left(&o, pb->box->box_id, W_BOX);
        right_i64(&o, (int64_t)pb->nplacements, W_UNITS);
        right_fixed(&o, fill, 1, 10, W_PCT);
        right_fixed(&o, 1000 - fill, 1, 10, W_PCT);
        right_fixed(&o, pb->gross_weight_g, 3, 1000, W_KG);
        if (result->containers != NULL && result->containers[b] != NULL) {
            bxi_emit_str(&o, "  container ");
            bxi_emit_str(&o, result->containers[b]);
        }
        bxi_emit_char(&o, '\n');
        for (size_t i = 0; i < result->nviolations; i++)
            if (result->violations[i].box_seq == b + 1) {
                bxi_emit_str(&o, "    ! ");
                bxi_emit_str(&o, result->violations[i].code);
                bxi_emit_str(&o, ": ");
                bxi_emit_str(&o, result->violations[i].message);
                bxi_emit_char(&o, '\n');
            }
    }
    for (size_t i = 0; i < result->nviolations; i++)
        if (result->violations[i].box_seq == 0) {
            bxi_emit_str(&o, "    ! order ");
            bxi_emit_str(&o, result->violations[i].code);
            bxi_emit_str(&o, ": ");
            bxi_emit_str(&o, result->violations[i].message);
            bxi_emit_char(&o, '\n');
        }
    for (size_t i = 0; i < result->nunpacked; i++) {
        const bx_unpacked *u = &result->unpacked[i];
        left(&o, id, W_ORDER);
        left(&o, "-", W_BOX);
        right_i64(&o, u->units, W_UNITS);
        bxi_emit_str(&o, "  ");
        bxi_emit_str(&o, bx_unpacked_reason_text(u->reason));
        bxi_emit_str(&o, ": ");
        bxi_emit_str(&o, order->lines[u->line].item_id);
        bxi_emit_char(&o, '\n');
    }
    uint64_t unpacked = bxi_pk_unpacked_units(result);
    char t[256];
    snprintf(t, sizeof t,
             "%zu %s (lower bound %" PRIu32 "%s), %zu %s packed",
             result->nboxes, plural(result->nboxes, "box", "boxes"),
             result->lower_bound,
             result->count_optimal ? ", fewest possible" : "",
             result->nplacements, plural(result->nplacements, "unit", "units"));
    bxi_emit_str(&o, "  ");
    bxi_emit_str(&o, id);
    bxi_emit_str(&o, ": ");
    bxi_emit_str(&o, t);
    if (unpacked > 0) {
        snprintf(t, sizeof t, ", %" PRIu64 " not packed", unpacked);
        bxi_emit_str(&o, t);
    }
    bxi_emit_char(&o, '\n');
    return bxi_emit_finish(&o);
}

bx_status bx_pack_table_failed(bx_ctx *ctx, const char *order_id,
                               const char *message, bx_write_fn write,
                               void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (order_id == NULL || message == NULL || write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing table: bad argument");
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    left(&o, order_id, W_ORDER);
    bxi_emit_str(&o, "bad input: ");
    bxi_emit_str(&o, message);
    bxi_emit_char(&o, '\n');
    return bxi_emit_finish(&o);
}
