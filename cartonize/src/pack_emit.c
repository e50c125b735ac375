/*
 * pack_emit.c: the byte sink, number text and escaping the result writers
 * share.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pack_emit.h"

void pk_out_init(pk_out *o, bx_ctx *ctx, bx_write_fn write, void *ud)
{
    o->ctx = ctx;
    o->write = write;
    o->ud = ud;
    o->st = BX_OK;
    o->len = 0;
}

static void flush(pk_out *o)
{
    if (o->st == BX_OK && o->len > 0 && o->write(o->ud, o->buf, o->len) != 0)
        o->st = bx_error(o->ctx, BX_EIO, "writing the packing result failed");
    o->len = 0;
}

void pk_out_bytes(pk_out *o, const void *data, size_t size)
{
    if (o->st != BX_OK)
        return;
    if (o->len + size > sizeof o->buf) {
        flush(o);
        /* Too big to buffer: straight through. */
        if (size > sizeof o->buf) {
            if (o->st == BX_OK && o->write(o->ud, data, size) != 0)
                o->st = bx_error(o->ctx, BX_EIO,
                                 "writing the packing result failed");
            return;
        }
    }
    if (o->st != BX_OK)
        return;
    memcpy(o->buf + o->len, data, size);
    o->len += size;
}

void pk_out_str(pk_out *o, const char *s)
{
    pk_out_bytes(o, s, strlen(s));
}

void pk_out_char(pk_out *o, char c)
{
    pk_out_bytes(o, &c, 1);
}

void pk_out_i64(pk_out *o, int64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%" PRId64, v);
    pk_out_bytes(o, t, (size_t)n);
}

void pk_out_u64(pk_out *o, uint64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%" PRIu64, v);
    pk_out_bytes(o, t, (size_t)n);
}

/* v / 10^digits with exactly `digits` decimals, by integer arithmetic so
 * no locale (and no float rounding) gets involved. */
static void fixed_point(pk_out *o, int64_t v, int digits, int64_t scale)
{
    char t[32];
    /* the magnitude as unsigned keeps INT64_MIN defined */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(t, sizeof t, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "",
                     m / (uint64_t)scale, digits, m % (uint64_t)scale);
    pk_out_bytes(o, t, (size_t)n);
}

void pk_out_tenths(pk_out *o, int64_t v)
{
    fixed_point(o, v, 1, 10);
}

void pk_out_thousandths(pk_out *o, int64_t v)
{
    fixed_point(o, v, 3, 1000);
}

size_t pk_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1Fu;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0Fu;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3Fu);
    }
    /* overlong forms, UTF-16 surrogates and values past U+10FFFF are not
     * UTF-8 (RFC 3629) */
    if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    *cp = v;
    return len;
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

void pk_out_json_chars(pk_out *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t k = pk_utf8_seq(p, n, &cp);
        if (k == 0) {
            pk_out_str(o, replacement);
            k = 1;
        } else if (cp == '"' || cp == '\\') {
            char e[2] = {'\\', (char)cp};
            pk_out_bytes(o, e, 2);
        } else if (cp < 0x20 || cp == 0x7F) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", (unsigned)cp);
            pk_out_bytes(o, e, 6);
        } else {
            pk_out_bytes(o, p, k);
        }
        p += k;
        n -= k;
    }
}

void pk_out_json_string(pk_out *o, const char *s)
{
    pk_out_char(o, '"');
    pk_out_json_chars(o, s);
    pk_out_char(o, '"');
}

void pk_out_xml(pk_out *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t k = pk_utf8_seq(p, n, &cp);
        if (k == 0) {
            pk_out_str(o, replacement);
            k = 1;
        } else if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
            pk_out_str(o, replacement);
        } else if (cp == '&') {
            pk_out_str(o, "&amp;");
        } else if (cp == '<') {
            pk_out_str(o, "&lt;");
        } else if (cp == '>') {
            pk_out_str(o, "&gt;");
        } else if (cp == '"') {
            pk_out_str(o, "&quot;");
        } else if (cp == '\'') {
            pk_out_str(o, "&apos;");
        } else {
            pk_out_bytes(o, p, k);
        }
        p += k;
        n -= k;
    }
}

int pk_out_write(void *ud, const void *data, size_t size)
{
    pk_out_bytes(ud, data, size);
    return 0;
}

bx_status pk_out_finish(pk_out *o)
{
    flush(o);
    return o->st;
}

int64_t pk_fill_tenths(int64_t item_volume_mm3, int64_t inner_volume_mm3)
{
    if (inner_volume_mm3 <= 0 || item_volume_mm3 <= 0)
        return 0;
    /* Volumes stay below 1e15 mm^3 (100 m sides), so 2000 * item fits in
     * int64 with room to spare. Half up: floor((2000 i + v) / 2v). */
    return (2000 * item_volume_mm3 + inner_volume_mm3) / (2 * inner_volume_mm3);
}

const char *pk_order_id(const bx_order *order)
{
    return order->lines[0].order_id;
}

uint64_t pk_unpacked_units(const bx_pack_result *result)
{
    uint64_t n = 0;
    for (size_t i = 0; i < result->nunpacked; i++)
        n += result->unpacked[i].units;
    return n;
}

bx_status pk_check_result(bx_ctx *ctx, const char *who, const bx_order *order,
                          const bx_pack_result *result)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (order == NULL || order->lines == NULL || order->nlines == 0 ||
        result == NULL)
        return bx_error(ctx, BX_EINVAL, "%s: no order or no result", who);
    if ((result->nboxes > 0 && result->boxes == NULL) ||
        (result->nplacements > 0 && result->placements == NULL) ||
        (result->nunpacked > 0 && result->unpacked == NULL))
        return bx_error(ctx, BX_EINVAL, "%s: result lists missing", who);
    const char *id = pk_order_id(order);
    for (size_t b = 0; b < result->nboxes; b++) {
        const bx_packed_box *pb = &result->boxes[b];
        if (pb->box == NULL || pb->first_placement > result->nplacements ||
            pb->nplacements > result->nplacements - pb->first_placement)
            return bx_error(ctx, BX_EINVAL,
                            "%s: order %s: box %zu does not match the result's "
                            "placements", who, id, b + 1);
    }
    for (size_t i = 0; i < result->nplacements; i++)
        if (result->placements[i].line >= order->nlines)
            return bx_error(ctx, BX_EINVAL,
                            "%s: order %s: placement %zu names line %" PRIu32
                            " of %zu", who, id, i + 1,
                            result->placements[i].line, order->nlines);
    for (size_t i = 0; i < result->nunpacked; i++)
        if (result->unpacked[i].line >= order->nlines)
            return bx_error(ctx, BX_EINVAL,
                            "%s: order %s: unpacked entry %zu names line %" PRIu32
                            " of %zu", who, id, i + 1, result->unpacked[i].line,
                            order->nlines);
    if (result->nviolations > 0 && result->violations == NULL)
        return bx_error(ctx, BX_EINVAL, "%s: result lists missing", who);
    for (size_t i = 0; i < result->nviolations; i++) {
        const bx_violation *v = &result->violations[i];
        if (v->box_seq > result->nboxes || v->code == NULL || v->message == NULL)
            return bx_error(ctx, BX_EINVAL, "%s: order %s: violation %zu names box %" PRIu32
                            " of %zu or has no code or message", who, id, i + 1,
                            v->box_seq, result->nboxes);
    }
    return BX_OK;
}
