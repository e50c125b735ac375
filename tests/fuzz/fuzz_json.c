/*
 * fuzz_json.c: libFuzzer target for the JSON record reader.
 *
 * Reads the input as JSON records of either kind to the end, going on after
 * every recoverable error, as the CLI's "check" does. Any crash, sanitizer
 * report or leak is a bug; so is a reader that never ends (the loop is
 * bounded by the input size because each next consumes at least one byte).
 * LeakSanitizer sees the default allocator; the context's own count catches
 * a block that is freed only with the context.
 */
#include <stddef.h>
#include <stdint.h>

#include "boxcar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    size_t before = bx_ctx_bytes_in_use(ctx);
    /* Small limits so the fuzzer reaches them with small inputs. */
    bx_reader_limits limits = bx_reader_limits_default();
    limits.max_record_bytes = 4096;
    limits.max_depth = 8;
    limits.max_fields = 32;
    bx_reader *r = NULL;
    if (bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, BX_FORMAT_JSON, "fuzz",
                           data, size, &limits) == BX_OK) {
        bx_record rec;
        for (size_t n = 0; n <= size + 1; n++) {
            bx_status st = bx_reader_next(r, &rec);
            if (st == BX_END || (st != BX_OK && !bx_reader_recoverable(r)))
                break;
        }
    }
    bx_reader_close(r);
    bx_ctx_clear_warnings(ctx);
    if (bx_ctx_bytes_in_use(ctx) != before)
        __builtin_trap();
    bx_ctx_free(ctx);
    return 0;
}
