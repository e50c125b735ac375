/*
 * fuzz_cbor.c: libFuzzer target for the CBOR record reader.
 *
 * Reads the input as CBOR records of either kind (AUTO) until the end or a
 * fatal error. Besides "no crash, no leak", each record the reader accepts
 * must survive the writer and come back identical: a record the reader
 * takes is one the writer takes, and deterministic encoding loses nothing.
 * Seeds: tests/fuzz/corpus/cbor/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct out_buf {
    unsigned char data[8192];
    size_t len;
} out_buf;

static int out_write(void *ud, const void *bytes, size_t n)
{
    out_buf *b = ud;
    if (n > sizeof b->data - b->len)
        return -1;
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    return 0;
}

/* Write rec as a one-record CBOR array, read it back, compare. */
static void check_round_trip(bx_ctx *ctx, const bx_record *rec)
{
    out_buf out = {{0}, 0};
    bx_writer *w = NULL;
    if (bx_writer_open(ctx, &w, rec->kind, BX_FORMAT_CBOR, out_write, &out,
                       1) != BX_OK)
        __builtin_trap();
    if (bx_writer_put(w, &rec->u) != BX_OK || bx_writer_close(w) != BX_OK)
        __builtin_trap();

    bx_reader *r = NULL;
    if (bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, BX_FORMAT_CBOR, "again",
                           out.data, out.len, NULL) != BX_OK)
        __builtin_trap();
    bx_record back;
    if (bx_reader_next(r, &back) != BX_OK)
        __builtin_trap();
    bx_record want = *rec;
    /* the source record number is the only thing that may differ */
    if (want.kind == BX_RECORD_BOX)
        want.u.box.line = 1;
    else if (want.kind == BX_RECORD_ITEM)
        want.u.item.line = 1;
    else
        want.u.line.line = 1;
    /* both come from schema->init's memset, so padding is zero in both */
    if (back.kind != want.kind || memcmp(&back, &want, sizeof want) != 0)
        __builtin_trap();
    bx_record none;
    if (bx_reader_next(r, &none) != BX_END)
        __builtin_trap();
    bx_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    size_t baseline = bx_ctx_bytes_in_use(ctx);
    bx_reader *r = NULL;
    if (bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, BX_FORMAT_CBOR, "fuzz",
                           data, size, NULL) == BX_OK) {
        for (;;) {
            bx_record rec;
            bx_status st = bx_reader_next(r, &rec);
            if (st == BX_OK)
                check_round_trip(ctx, &rec);
            else if (st == BX_END || !bx_reader_recoverable(r))
                break;
        }
        bx_reader_close(r);
    }
    /* everything the reader allocated went back (warnings aside) */
    bx_ctx_clear_warnings(ctx);
    if (bx_ctx_bytes_in_use(ctx) != baseline)
        __builtin_trap();
    bx_ctx_free(ctx);
    return 0;
}
