/*
 * pack_emit.h: what the result writers (pack_csv.c, pack_json.c,
 * pack_cbor.c, pack_table.c, pack_svg.c) share: a buffered byte sink over a
 * bx_write_fn, locale-free number text, escaping, and the checks that a
 * result matches its order.
 */
#ifndef BOXCAR_PACK_EMIT_H
#define BOXCAR_PACK_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/pack_io.h"
#include "internal.h"

/* Bytes are gathered here and handed to the callback in large pieces. The
 * first failure sticks: later puts do nothing and pk_out_finish returns it,
 * so a writer can emit a whole record and check once. */
typedef struct pk_out {
    bx_ctx *ctx;
    bx_write_fn write;
    void *ud;
    bx_status st;
    size_t len;
    char buf[4096];
} pk_out;

void pk_out_init(pk_out *o, bx_ctx *ctx, bx_write_fn write, void *ud);
void pk_out_bytes(pk_out *o, const void *data, size_t size);
void pk_out_str(pk_out *o, const char *s);
void pk_out_char(pk_out *o, char c);
void pk_out_i64(pk_out *o, int64_t v);
void pk_out_u64(pk_out *o, uint64_t v);
/* v / 10 with one decimal: 483 -> "48.3", -5 -> "-0.5". */
void pk_out_tenths(pk_out *o, int64_t v);
/* v / 1000 with three decimals: grams as kilograms. */
void pk_out_thousandths(pk_out *o, int64_t v);
/* s as a JSON string with its quotes; invalid UTF-8 bytes become U+FFFD.
 * _chars: the same without the quotes, to build one string from parts. */
void pk_out_json_string(pk_out *o, const char *s);
void pk_out_json_chars(pk_out *o, const char *s);
/* s as XML character data (also fit for a quoted attribute): & < > " '
 * escaped, bytes that are invalid UTF-8 and characters XML 1.0 forbids
 * (controls other than tab, LF, CR) become U+FFFD. */
void pk_out_xml(pk_out *o, const char *s);
/* A bx_write_fn appending to the pk_out passed as ud (never fails itself;
 * a failure of the sink shows in pk_out_finish). Lets bx_csv_writer share
 * the buffer. */
int pk_out_write(void *ud, const void *data, size_t size);
/* Flush; the first failure, or BX_OK. */
bx_status pk_out_finish(pk_out *o);

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0
 * if the bytes there are not one. */
size_t pk_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

/* fill % of a box in tenths, rounded half up from the exact volumes:
 * 1000 * item / inner. 0 if inner <= 0. */
int64_t pk_fill_tenths(int64_t item_volume_mm3, int64_t inner_volume_mm3);

/* BX_OK if every placement, unpacked entry and box slice of result refers
 * to something that exists in order / result->placements; else BX_EINVAL
 * with a message naming `who` (the writer) and the bad entry. */
bx_status pk_check_result(bx_ctx *ctx, const char *who, const bx_order *order,
                          const bx_pack_result *result);

/* The order's id (from its first line). */
const char *pk_order_id(const bx_order *order);

/* Units listed in result->unpacked. */
uint64_t pk_unpacked_units(const bx_pack_result *result);

#endif
