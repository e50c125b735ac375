/*
 * fuzz_json.c: libFuzzer target for the JSON record reader.
 *
 * Reads the input as JSON records of either kind to the end, going on after
 * every recoverable error, as the CLI's "check" does; then as a box catalog
 * (bx_catalog_read), which must find each box it built by id. Any crash, sanitizer
 * report or leak is a bug; so is a reader that never ends (the loop is
 * bounded by the input size because each next consumes at least one byte).
 * LeakSanitizer sees the default allocator; the context's own count catches
 * a block that is freed only with the context.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "boxcar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same bytes as a box catalog: a catalog built must find each of its
 * boxes by id, and a refused one leaves nothing behind. */
static void read_catalog(bx_ctx *ctx, bx_format fmt, const uint8_t *data, size_t size,
                         const bx_reader_limits *lim)
{
    bx_reader *r = NULL;
    bx_catalog *cat = NULL;
    if (bx_reader_open_mem(ctx, &r, BX_RECORD_BOX, fmt, "fuzz", data, size, lim) == BX_OK) {
        if (bx_catalog_read(ctx, &cat, r) == BX_OK) {
            for (size_t i = 0; i < bx_catalog_count(cat); i++) {
                const bx_box *b = bx_catalog_box(cat, i);
                if (bx_catalog_find(cat, b->box_id) != b)
                    abort();
            }
        } else if (cat != NULL) {
            abort();
        }
    }
    bx_catalog_free(cat);
    bx_reader_close(r);
}

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
    read_catalog(ctx, BX_FORMAT_JSON, data, size, &limits);
    bx_ctx_clear_warnings(ctx);
    if (bx_ctx_bytes_in_use(ctx) != before)
        __builtin_trap();
    bx_ctx_free(ctx);
    return 0;
}
