/*
 * emit_cbor.c: CBOR items through a bx_emit, in the core deterministic
 * encoding of RFC 8949 section 4.2.1.
 *
 * Heads come from libcbor's encoders, which always pick the shortest form.
 * The rest of determinism is the writer's: it knows every length before it
 * opens a container, and writes the keys of a map in the bytewise order of
 * their encodings (for text keys: shorter first, then bytewise).
 */
#include <string.h>

#include <cbor.h>

#include "emit.h"

static void head(bx_emit *o, size_t (*enc)(size_t, unsigned char *, size_t),
                 size_t n)
{
    unsigned char b[9];
    bx_emit_bytes(o, b, enc(n, b, sizeof b));
}

void bxi_emit_cbor_map(bx_emit *o, size_t npairs)
{
    head(o, cbor_encode_map_start, npairs);
}

void bxi_emit_cbor_array(bx_emit *o, size_t n)
{
    head(o, cbor_encode_array_start, n);
}

void bxi_emit_cbor_text_head(bx_emit *o, size_t len)
{
    head(o, cbor_encode_string_start, len);
}

void bxi_emit_cbor_uint(bx_emit *o, uint64_t v)
{
    unsigned char b[9];
    bx_emit_bytes(o, b, cbor_encode_uint(v, b, sizeof b));
}

void bxi_emit_cbor_int(bx_emit *o, int64_t v)
{
    unsigned char b[9];
    if (v >= 0)
        bx_emit_bytes(o, b, cbor_encode_uint((uint64_t)v, b, sizeof b));
    else /* -1 - v, written so that INT64_MIN does not overflow */
        bx_emit_bytes(o, b, cbor_encode_negint((uint64_t)(-(v + 1)), b, sizeof b));
}

void bxi_emit_cbor_bool(bx_emit *o, bool v)
{
    unsigned char b[1];
    bx_emit_bytes(o, b, cbor_encode_bool(v, b, sizeof b));
}

void bxi_emit_cbor_float(bx_emit *o, double d)
{
    unsigned char b[9];
    bx_emit_bytes(o, b, bxi_cbor_encode_float(d, b, sizeof b));
}

/* No byte of s[0..n) has its high bit set: eight bytes at a time, since
 * this runs for every key and value of every record. */
static bool is_ascii(const char *s, size_t n)
{
    uint64_t high = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        high |= w;
    }
    for (; i < n; i++)
        high |= (unsigned char)s[i];
    return (high & UINT64_C(0x8080808080808080)) == 0;
}

void bxi_emit_cbor_text(bx_emit *o, const char *s)
{
    /* The length goes first, so text that may need repair is counted
     * before it is written. ASCII (the usual case) is copied as is. */
    size_t n = strlen(s);
    if (is_ascii(s, n)) {
        bxi_emit_cbor_text_head(o, n);
        bx_emit_bytes(o, s, n);
        return;
    }
    size_t len = bxi_utf8_repaired_len(s);
    bxi_emit_cbor_text_head(o, len);
    if (len == n)
        bx_emit_bytes(o, s, n);
    else
        bxi_emit_utf8(o, s);
}
