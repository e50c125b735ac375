/*
 * emit.c: the buffered byte sink, number text and escaping that the result
 * writers share.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "emit.h"

void bxi_emit_init(bx_emit *o, bx_ctx *ctx, bx_write_fn write, void *ud,
                  const char *what)
{
    o->ctx = ctx;
    o->what = what;
    o->write = write;
    o->ud = ud;
    o->st = BX_OK;
    o->len = 0;
}

static void flush(bx_emit *o)
{
    if (o->st == BX_OK && o->len > 0 && o->write(o->ud, o->buf, o->len) != 0)
        o->st = bxi_error(o->ctx, BX_EIO, "writing %s failed", o->what);
    o->len = 0;
}

void bxi_emit_bytes_slow(bx_emit *o, const void *data, size_t size)
{
    if (o->st != BX_OK)
        return;
    if (o->len + size > sizeof o->buf) {
        flush(o);
        /* Too big to buffer: straight through. */
        if (size > sizeof o->buf) {
            if (o->st == BX_OK && o->write(o->ud, data, size) != 0)
                o->st = bxi_error(o->ctx, BX_EIO,
                                 "writing %s failed", o->what);
            return;
        }
    }
    if (o->st != BX_OK)
        return;
    memcpy(o->buf + o->len, data, size);
    o->len += size;
}

void bxi_emit_str(bx_emit *o, const char *s)
{
    bx_emit_bytes(o, s, strlen(s));
}

void bxi_emit_char(bx_emit *o, char c)
{
    bx_emit_bytes(o, &c, 1);
}

/* Digits by hand: writers put several numbers on every row of batches of
 * millions, and snprintf was most of their time. */
static void magnitude(bx_emit *o, bool negative, uint64_t m)
{
    char t[24];
    size_t k = sizeof t;
    do {
        t[--k] = (char)('0' + m % 10);
        m /= 10;
    } while (m > 0);
    if (negative)
        t[--k] = '-';
    bx_emit_bytes(o, t + k, sizeof t - k);
}

void bxi_emit_i64(bx_emit *o, int64_t v)
{
    /* the magnitude as unsigned keeps INT64_MIN defined */
    magnitude(o, v < 0, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void bxi_emit_u64(bx_emit *o, uint64_t v)
{
    magnitude(o, false, v);
}

/* v / 10^digits with exactly `digits` decimals, by integer arithmetic so
 * no locale (and no float rounding) gets involved. */
static void fixed_point(bx_emit *o, int64_t v, int digits, int64_t scale)
{
    char t[32];
    /* the magnitude as unsigned keeps INT64_MIN defined */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(t, sizeof t, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "",
                     m / (uint64_t)scale, digits, m % (uint64_t)scale);
    bx_emit_bytes(o, t, (size_t)n);
}

void bxi_emit_tenths(bx_emit *o, int64_t v)
{
    fixed_point(o, v, 1, 10);
}

void bxi_emit_thousandths(bx_emit *o, int64_t v)
{
    fixed_point(o, v, 3, 1000);
}

size_t bxi_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
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

/* Printable ASCII other than '"' and '\\': the bytes JSON takes as they
 * are, and most of every id. */
static bool json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void bxi_emit_json_chars(bx_emit *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        size_t run = 0;
        while (run < n && json_plain(p[run]))
            run++;
        if (run > 0) {
            bx_emit_bytes(o, p, run);
            p += run;
            n -= run;
            continue;
        }
        uint32_t cp;
        size_t k = bxi_utf8_seq(p, n, &cp);
        if (k == 0) {
            bxi_emit_str(o, replacement);
            k = 1;
        } else if (cp == '"' || cp == '\\') {
            char e[2] = {'\\', (char)cp};
            bx_emit_bytes(o, e, 2);
        } else if (cp < 0x20 || cp == 0x7F) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", (unsigned)cp);
            bx_emit_bytes(o, e, 6);
        } else {
            bx_emit_bytes(o, p, k);
        }
        p += k;
        n -= k;
    }
}

void bxi_emit_json_string(bx_emit *o, const char *s)
{
    bxi_emit_char(o, '"');
    bxi_emit_json_chars(o, s);
    bxi_emit_char(o, '"');
}

void bxi_emit_xml(bx_emit *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t k = bxi_utf8_seq(p, n, &cp);
        if (k == 0) {
            bxi_emit_str(o, replacement);
            k = 1;
        } else if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
            bxi_emit_str(o, replacement);
        } else if (cp == '&') {
            bxi_emit_str(o, "&amp;");
        } else if (cp == '<') {
            bxi_emit_str(o, "&lt;");
        } else if (cp == '>') {
            bxi_emit_str(o, "&gt;");
        } else if (cp == '"') {
            bxi_emit_str(o, "&quot;");
        } else if (cp == '\'') {
            bxi_emit_str(o, "&apos;");
        } else {
            bx_emit_bytes(o, p, k);
        }
        p += k;
        n -= k;
    }
}

void bxi_emit_utf8(bx_emit *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t k = bxi_utf8_seq(p, n, &cp);
        if (k == 0) {
            bxi_emit_str(o, replacement);
            k = 1;
        } else {
            bx_emit_bytes(o, p, k);
        }
        p += k;
        n -= k;
    }
}

size_t bxi_utf8_repaired_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), len = 0;
    while (n > 0) {
        if (*p < 0x80) { /* ASCII, the usual case */
            p++;
            n--;
            len++;
            continue;
        }
        uint32_t cp;
        size_t k = bxi_utf8_seq(p, n, &cp);
        len += k == 0 ? sizeof replacement - 1 : k;
        k += k == 0;
        p += k;
        n -= k;
    }
    return len;
}

int bxi_emit_write(void *ud, const void *data, size_t size)
{
    bx_emit_bytes(ud, data, size);
    return 0;
}

bx_status bxi_emit_finish(bx_emit *o)
{
    flush(o);
    return o->st;
}

