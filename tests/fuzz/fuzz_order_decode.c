/*
 * fuzz_order_decode.c: libFuzzer target for bx_order_decode, the request
 * decoder behind POST /v1/pack.
 *
 * The first byte picks the encoding (CSV, JSON, CBOR or sniffed), the rest
 * is the body, decoded twice into one reused buffer as a server worker
 * would. Any crash, sanitizer report or leak is a bug; so is a success
 * with no lines, lines of two orders, or a line breaking the record rules.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "boxcar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    bx_ctx_clear_warnings(ctx);
    if (bx_ctx_bytes_in_use(ctx) != before)
        __builtin_trap();
    bx_ctx_free(ctx);
    return 0;
}
