/*
 * fuzz_order_decode.c: libFuzzer target for bx_order_decode, the request
 * decoder behind POST /v1/pack.
 *
 * The first byte picks the encoding (CSV, JSON, CBOR or sniffed), the rest
 * is the body, decoded twice into one reused buffer as a server worker
 * would. Any crash, sanitizer report or leak is a bug; so is a success
 * with no lines, lines of two orders, or a line breaking the record rules.
 * The same bytes are then read as an order file by the order reader
 * (`boxcar pack --orders`), which groups lines into orders: each batch's
 * lines carry its order id and the line numbers only go up.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "boxcar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_orders(bx_ctx *ctx, bx_format fmt, const uint8_t *data, size_t size,
                        const bx_reader_limits *limits)
{
    bx_reader *r = NULL;
    if (bx_reader_open_mem(ctx, &r, BX_RECORD_ORDER_LINE, fmt, "fuzz", data, size, limits) !=
        BX_OK) {
        bx_reader_close(r);
        return;
    }
    bx_order_reader *o = NULL;
    if (bx_order_reader_wrap(ctx, &o, r) != BX_OK)
        __builtin_trap(); /* it takes the reader over: r is closed with it */
    uint64_t last = 0;
    bx_order_batch b;
    /* every batch takes at least one line: at most one per input byte */
    for (size_t n = 0; n <= size + 1 && bx_order_reader_next(o, &b) == BX_OK; n++) {
        if (b.first_line < last || (b.nlines == 0 && !b.failed))
            __builtin_trap();
        last = b.first_line;
        for (size_t i = 0; i < b.nlines; i++)
            if (strcmp(b.lines[i].order_id, b.order_id) != 0)
                __builtin_trap();
    }
    bx_order_reader_close(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const bx_format formats[4] = {BX_FORMAT_CSV, BX_FORMAT_JSON, BX_FORMAT_CBOR,
                                         BX_FORMAT_AUTO};
    bx_format fmt = formats[data[0] & 3];
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    size_t before = bx_ctx_bytes_in_use(ctx);
    bx_reader_limits limits = bx_reader_limits_default();
    limits.max_record_bytes = 4096;
    limits.max_depth = 4;
    limits.max_fields = 32;
    limits.max_records = 64;
    bx_order_buf buf = {0};
    for (int round = 0; round < 2; round++) {
        bx_status st = bx_order_decode(ctx, &buf, fmt, "fuzz", data + 1, size - 1, &limits);
        if (st == BX_OK) {
            if (buf.nlines == 0 || buf.nlines > 64)
                __builtin_trap();
            for (size_t i = 0; i < buf.nlines; i++)
                if (strcmp(buf.lines[i].order_id, buf.lines[0].order_id) != 0 ||
                    bx_order_line_validate(ctx, &buf.lines[i], NULL) != BX_OK)
                    __builtin_trap();
        } else if (buf.nlines != 0) {
            __builtin_trap();
        }
    }
    bx_order_buf_free(ctx, &buf);
    read_orders(ctx, fmt, data + 1, size - 1, &limits);
    bx_ctx_clear_warnings(ctx);
    if (bx_ctx_bytes_in_use(ctx) != before)
        __builtin_trap();
    bx_ctx_free(ctx);
    return 0;
}
