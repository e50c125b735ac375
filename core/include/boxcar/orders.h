/*
 * boxcar/orders.h: read an order file one order at a time.
 *
 * Order files hold one line per row, and the lines of an order are
 * adjacent. The order reader groups them, so a batch streams in memory
 * bounded by its largest order. A bad line never lets an incomplete order
 * through: the order it sits in (both neighbours, when it sits between two
 * orders, since its own order id cannot be trusted) comes back marked
 * failed, with the problem reported through the diagnostic callback.
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
    uint64_t first_line;          /* source line of the first line */
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
 * BX_EINPUT). Orders whose lines are not adjacent come back as two orders
 * with the same id; bx_check_file reports that. */
BX_API bx_status bx_order_reader_next(bx_order_reader *r, bx_order_batch *out);

/* Lines that were bad so far. */
BX_API uint64_t bx_order_reader_bad_lines(const bx_order_reader *r);

/* NULL is a no-op. */
BX_API void bx_order_reader_close(bx_order_reader *r);

#ifdef __cplusplus
}
#endif

#endif
