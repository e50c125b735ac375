/*
 * bench_records.c: how fast order lines are read in each encoding.
 *
 *   build/tests/bench/bench_records [LINES]    (default 1,000,000)
 *
 * Makes LINES order lines (ten per order, realistic field widths), writes
 * them once per encoding into memory with the library's writers, then times
 * reading them back with full validation. Reports MB/s and lines/s per
 * encoding, and the context's peak memory while reading (streaming: it
 * should not grow with LINES).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxcar.h"

typedef struct membuf {
    char *data;
    size_t len, cap;
} membuf;

static int membuf_write(void *ud, const void *data, size_t size)
{
    membuf *b = ud;
    if (b->len + size > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1 << 20;
        while (cap < b->len + size)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, size);
    b->len += size;
    return 0;
}

typedef struct peak {
    size_t live, peak;
} peak;

static void *peak_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    peak *p = ud;
    if (nsize == 0) {
        if (ptr != NULL)
            p->live -= osize;
        free(ptr);
        return NULL;
    }
    void *q = realloc(ptr, nsize);
    if (q != NULL) {
        p->live = p->live - (ptr ? osize : 0) + nsize;
        if (p->live > p->peak)
            p->peak = p->live;
    }
    return q;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void make_line(bx_order_line *l, long i)
{
    static const char *items[] = {"TSHIRT-M", "JEANS-32", "LIPSTICK", "SERUM-30ML",
                                  "PAPERBACK", "EARBUDS", "POWERBANK-10K", "MUG-350"};
    bx_order_line_init(l);
    snprintf(l->order_id, sizeof l->order_id, "O%08ld", i / 10);
    snprintf(l->item_id, sizeof l->item_id, "%s-%ld", items[i % 8], i % 10);
    l->qty = (int32_t)(1 + i % 3);
    l->l_mm = (int32_t)(100 + i % 200);
    l->w_mm = (int32_t)(80 + i % 120);
    l->h_mm = (int32_t)(10 + i % 90);
    l->weight_g = 50 + i % 900;
    if (i % 5 == 0) {
        l->rotation = BX_ROTATE_UPRIGHT;
        l->has |= BX_LINE_HAS_ROTATION;
    }
    if (i % 7 == 0) {
        l->fragile = true;
        l->has |= BX_LINE_HAS_FRAGILE;
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    const bx_format fmts[] = {BX_FORMAT_CSV,
#if BOXCAR_HAVE_JSON
                              BX_FORMAT_JSON,
#endif
#if BOXCAR_HAVE_CBOR
                              BX_FORMAT_CBOR,
#endif
    };
    printf("boxcar %s, %ld order lines\n", bx_version(), n);
    printf("%-6s %12s %10s %14s %12s\n", "format", "bytes", "MB/s", "lines/s", "peak mem");
    for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
        bx_ctx *ctx;
        bx_ctx_new(&ctx, NULL, NULL);
        membuf buf = {0};
        bx_writer *w;
        if (bx_writer_open(ctx, &w, BX_RECORD_ORDER_LINE, fmts[f], membuf_write, &buf,
                           (uint64_t)n) != BX_OK)
            return 1;
        for (long i = 0; i < n; i++) {
            bx_order_line l;
            make_line(&l, i);
            if (bx_writer_put(w, &l) != BX_OK) {
                fprintf(stderr, "%s\n", bx_ctx_errmsg(ctx));
                return 1;
            }
        }
        bx_writer_close(w);
        bx_ctx_free(ctx);

        peak pk = {0, 0};
        bx_ctx_new(&ctx, peak_alloc, &pk);
        double t0 = now_s();
        bx_reader *r;
        if (bx_reader_open_mem(ctx, &r, BX_RECORD_ORDER_LINE, fmts[f], "bench", buf.data,
                               buf.len, NULL) != BX_OK)
            return 1;
        bx_order_line l;
        long got = 0;
        bx_status st;
        while ((st = bx_reader_next(r, &l)) == BX_OK)
            got++;
        double dt = now_s() - t0;
        if (st != BX_END || got != n) {
            fprintf(stderr, "read %ld of %ld: %s\n", got, n, bx_ctx_errmsg(ctx));
            return 1;
        }
        bx_reader_close(r);
        bx_ctx_free(ctx);
        printf("%-6s %12zu %10.1f %14.0f %10zu B\n", bx_format_name(fmts[f]), buf.len,
               (double)buf.len / dt / 1e6, (double)n / dt, pk.peak);
        free(buf.data);
    }
    return 0;
}
