/*
 * emit.h: what every streaming writer of results shares (the packing and
 * the carbon writers): a buffered byte sink over a bx_write_fn,
 * locale-free number text, JSON and XML escaping, and CBOR heads and text.
 * Not installed.
 */
#ifndef BOXCAR_EMIT_H
#define BOXCAR_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "boxcar/csv.h"
#include "internal.h"

/* Bytes are gathered here and handed to the callback in large pieces. The
 * first failure sticks: later puts do nothing and bxi_emit_finish returns
 * it, so a writer can emit a whole record and check once. */
typedef struct bx_emit {
    bx_ctx *ctx;
    bx_write_fn write;
    void *ud;
    const char *what; /* for the message: "writing <what> failed" */
    bx_status st;
    size_t len;
    char buf[4096];
} bx_emit;

/* `what` (static text) names the output in the error message. */
void bxi_emit_init(bx_emit *o, bx_ctx *ctx, bx_write_fn write, void *ud,
                  const char *what);
/* The bytes go into the buffer inline when they fit, which is nearly
 * always: writers emit many small pieces per record. */
void bxi_emit_bytes_slow(bx_emit *o, const void *data, size_t size);
static inline void bx_emit_bytes(bx_emit *o, const void *data, size_t size)
{
    if (o->st == BX_OK && size <= sizeof o->buf - o->len) {
        memcpy(o->buf + o->len, data, size);
        o->len += size;
    } else {
        bxi_emit_bytes_slow(o, data, size);
    }
}
void bxi_emit_str(bx_emit *o, const char *s);
void bxi_emit_char(bx_emit *o, char c);
void bxi_emit_i64(bx_emit *o, int64_t v);
void bxi_emit_u64(bx_emit *o, uint64_t v);
/* v / 10 with one decimal: 483 -> "48.3", -5 -> "-0.5". */
void bxi_emit_tenths(bx_emit *o, int64_t v);
/* v / 1000 with three decimals: grams as kilograms, mg as grams. */
void bxi_emit_thousandths(bx_emit *o, int64_t v);
/* s as a JSON string with its quotes; invalid UTF-8 bytes become U+FFFD.
 * _chars: the same without the quotes, to build one string from parts. */
void bxi_emit_json_string(bx_emit *o, const char *s);
void bxi_emit_json_chars(bx_emit *o, const char *s);
/* s as XML character data (also fit for a quoted attribute): & < > " '
 * escaped, bytes that are invalid UTF-8 and characters XML 1.0 forbids
 * (controls other than tab, LF, CR) become U+FFFD. */
void bxi_emit_xml(bx_emit *o, const char *s);
/* s with every byte that is not part of well-formed UTF-8 replaced by
 * U+FFFD; bxi_utf8_repaired_len is the length of that text. */
void bxi_emit_utf8(bx_emit *o, const char *s);
size_t bxi_utf8_repaired_len(const char *s);
/* A bx_write_fn appending to the bx_emit passed as ud (never fails itself;
 * a failure of the sink shows in bxi_emit_finish). Lets bx_csv_writer share
 * the buffer. */
int bxi_emit_write(void *ud, const void *data, size_t size);
/* Flush; the first failure, or BX_OK. */
bx_status bxi_emit_finish(bx_emit *o);

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0
 * if the bytes there are not one. */
size_t bxi_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

#if BOXCAR_HAVE_CBOR
/* CBOR in RFC 8949 section 4.2.1 core deterministic form (emit_cbor.c):
 * definite lengths, the shortest head for every number and length. */
void bxi_emit_cbor_map(bx_emit *o, size_t npairs);
void bxi_emit_cbor_array(bx_emit *o, size_t n);
void bxi_emit_cbor_uint(bx_emit *o, uint64_t v);
void bxi_emit_cbor_int(bx_emit *o, int64_t v);
void bxi_emit_cbor_bool(bx_emit *o, bool v);
/* The shortest float that holds d exactly (bxi_cbor_encode_float). */
void bxi_emit_cbor_float(bx_emit *o, double d);
/* A text string; bytes that are not UTF-8 become U+FFFD, since a CBOR text
 * string must be valid UTF-8. */
void bxi_emit_cbor_text(bx_emit *o, const char *s);
/* The head of a text string of len bytes, for text written in parts. */
void bxi_emit_cbor_text_head(bx_emit *o, size_t len);
#endif

#endif
