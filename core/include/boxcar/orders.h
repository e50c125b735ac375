/*
 * boxcar/orders.h: read an order file one order at a time.
 *
 * Order files hold one line per row, and the lines of an order are
 * adjacent. The order reader groups them, so a batch streams in memory
 * bounded by its largest order. A bad line never lets an incomplete order
 * through: the order it names in a well-formed order_id comes back marked
 * failed (with no lines, if all of its lines were bad), and the orders
 * around it are read as usual. A bad line whose order cannot be told (the
 * line cannot be decoded as far as its order_id) fails the order it sits
 * in, or both neighbours when it sits between two orders. Every problem is
 * reported through the diagnostic callback as it is read.
 */
#ifndef BOXCAR_ORDERS_H
#define BOXCAR_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_order_reader bx_order_reader;

typedef struct bx_order_batch {
    const char *order_id;         /* borrowed until the next call */
    const bx_order_line *lines;   /* the order's good lines */
    size_t nlines;
    bool failed;                  /* a line of this order was bad */
    const char *error;            /* failed: the message of its first bad
                                     line (borrowed until the next call);
                                     else NULL */
    uint64_t first_line;          /* source line of the first line (good
                                     or bad; the record number for CBOR) */
} bx_order_batch;

/* Open an order file (format from the extension or content; see
 * bx_reader_open_file). */
BX_API bx_status bx_order_reader_open(bx_ctx *ctx, bx_order_reader **out,
                                      const char *path, bx_format fmt);

/* Over a reader the caller opened (kind ORDER_LINE); the order reader takes
 * it over and closes it. */
BX_API bx_status bx_order_reader_wrap(bx_ctx *ctx, bx_order_reader **out,
                                      bx_reader *reader);

/* The next order: BX_OK with *out filled (valid until the next call),
 * BX_END, or a fatal error (BX_EIO, BX_ELIMIT, BX_ENOMEM, an unrecoverable
 * BX_EINPUT; and BX_EINPUT at the end when bad lines were read that no
 * order took: the input held no order that could be told). Orders whose
 * lines are not adjacent come back as two orders with the same id;
 * bx_check_file reports that. */
BX_API bx_status bx_order_reader_next(bx_order_reader *r, bx_order_batch *out);

/* Lines that were bad so far. */
BX_API uint64_t bx_order_reader_bad_lines(const bx_order_reader *r);

/* NULL is a no-op. */
BX_API void bx_order_reader_close(bx_order_reader *r);

/* ---- one order from memory (a request body) ----------------------------- */

/* A growable array of order lines owned by the caller and reused from call
 * to call (a server keeps one per worker thread). Start it zeroed; free it
 * with bx_order_buf_free and the context that filled it. */
typedef struct bx_order_buf {
    bx_order_line *lines;
    size_t nlines;
    size_t cap;
} bx_order_buf;

/* Decode a document in memory that holds exactly one order: its lines in
 * any of the order-file encodings of docs/formats.md (CSV; a JSON array, a
 * JSON object or JSON Lines; a CBOR array, map or sequence), so the same
 * bytes `boxcar pack --orders` reads. Each line is checked by the same
 * reader and rules as a file; `name` starts every message ("request:3:9:
 * field 'qty': ...", or "request: record 2 (byte 40): ..." for CBOR).
 * fmt AUTO sniffs the bytes. limits may be NULL for the defaults; its
 * max_records bounds the number of lines (0: no bound), and max_depth,
 * max_record_bytes and max_fields bound each line.
 *
 * Decoding stops at the first problem. Errors: BX_EINPUT (a bad line,
 * malformed JSON or CBOR, no line at all, or a line of a second order,
 * which the message names by its order_id), BX_ELIMIT (a limit above),
 * BX_ENOMEM, BX_EUNSUPPORTED (the format was left out of this build),
 * BX_EINVAL (NULL arguments). On any error buf->nlines is 0; the lines of
 * a success are valid until the next call with buf. */
BX_API bx_status bx_order_decode(bx_ctx *ctx, bx_order_buf *buf,
                                 bx_format fmt, const char *name,
                                 const void *data, size_t size,
                                 const bx_reader_limits *limits);

/* Free the lines (with the context that decoded them) and zero buf. NULL
 * is a no-op. */
BX_API void bx_order_buf_free(bx_ctx *ctx, bx_order_buf *buf);

#ifdef __cplusplus
}
#endif

#endif
