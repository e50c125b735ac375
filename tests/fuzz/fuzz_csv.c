/*
 * fuzz_csv.c: libFuzzer target for the CSV reader.
 *
 * Each input goes through three paths, none of which may crash, leak or
 * trip a sanitizer:
 *   1. the record reader (bx_reader_open_mem, kind AUTO, CSV), read to the
 *      end, going on after every recoverable error;
 *   2. the raw tokenizer (bx_csv_open_mem), read to the end;
 *   3. every record the tokenizer accepts is written back with the CSV
 *      writer and read again: it must come back field for field;
 *   4. the box catalog reader (bx_catalog_read): a catalog it builds finds
 *      each of its boxes by id, and packs a small fixed order into a
 *      result the validator accepts (made-to-measure entries included:
 *      their sizes, steps and grades come from the input).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct out_buf {
    char *data;
    size_t len, cap;
} out_buf;

static int out_write(void *ud, const void *p, size_t n)
{
    out_buf *b = ud;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *q = realloc(b->data, cap);
        if (q == NULL)
            return -1;
        b->data = q;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static void read_records(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    /* small limits keep each run fast and reach the limit paths */
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_record_bytes = 4096;
    lim.max_fields = 64;
    bx_reader *r = NULL;
    if (bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, BX_FORMAT_CSV, "fuzz.csv",
                           data, size, &lim) != BX_OK) {
        if (r != NULL)
            abort();
        return;
    }
    bx_record_kind kind = bx_reader_kind(r);
    if (kind != BX_RECORD_BOX && kind != BX_RECORD_ORDER_LINE && kind != BX_RECORD_ITEM)
        abort();
    for (;;) {
        bx_record rec;
        bx_status st = bx_reader_next(r, &rec);
        if (st == BX_OK) {
            if (rec.kind != kind)
                abort();
            continue;
        }
        if (st == BX_EINPUT && bx_reader_recoverable(r))
            continue;
        break;
    }
    bx_reader_close(r);
}

/* The same bytes as a box catalog: a catalog built must find each of its
 * boxes by id, and a refused one leaves nothing behind. */
/* Two lines, three units: what any catalog must pack validly (or list as
 * unpacked). The budget is small to keep each run fast. */
static void pack_small_order(bx_ctx *ctx, const bx_catalog *cat)
{
    bx_order_line l[2];
    for (int i = 0; i < 2; i++) {
        bx_order_line_init(&l[i]);
        strcpy(l[i].order_id, "F1");
        l[i].item_id[0] = (char)('A' + i);
        l[i].qty = i + 1;
        l[i].l_mm = 120 - 40 * i;
        l[i].w_mm = 80;
        l[i].h_mm = 50 + 30 * i;
        l[i].weight_g = 200;
    }
    bx_engine *e = NULL;
    if (bx_engine_new(ctx, &e, NULL) != BX_OK)
        return;
    bx_order order = {l, 2};
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.budget = 2000;
    const bx_pack_result *r = NULL;
    if (bx_pack(e, cat, &order, &o, &r) == BX_OK &&
        bx_validate(ctx, cat, &order, &o, r) != BX_OK)
        abort();
    bx_engine_free(e);
}

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
            pack_small_order(ctx, cat);
        } else if (cat != NULL) {
            abort();
        }
    }
    bx_catalog_free(cat);
    bx_reader_close(r);
}

/* Write the current record of r and read it back. */
static void check_roundtrip(bx_ctx *ctx, const bx_csv_reader *r)
{
    out_buf b = {NULL, 0, 0};
    bx_csv_writer w;
    bx_csv_writer_init(&w, out_write, &b);
    size_t n = bx_csv_nfields(r);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *f = bx_csv_field(r, i, &len);
        if (bx_csv_write_field(&w, f, len) != BX_OK)
            abort();
    }
    if (bx_csv_end_record(&w) != BX_OK)
        abort();
    bx_csv_reader *back = NULL;
    if (bx_csv_open_mem(ctx, &back, "back", b.data, b.len, NULL) != BX_OK)
        abort();
    if (bx_csv_next(back) != BX_OK || bx_csv_nfields(back) != n)
        abort();
    for (size_t i = 0; i < n; i++) {
        size_t la, lb;
        const char *fa = bx_csv_field(r, i, &la);
        const char *fb = bx_csv_field(back, i, &lb);
        if (la != lb || memcmp(fa, fb, la) != 0)
            abort();
    }
    if (bx_csv_next(back) != BX_END)
        abort();
    bx_csv_close(back);
    free(b.data);
}

static void read_raw(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_csv_limits lim = {4096, 64};
    bx_csv_reader *r = NULL;
    if (bx_csv_open_mem(ctx, &r, "fuzz.csv", data, size, &lim) != BX_OK)
        abort();
    uint64_t last_line = 0;
    for (;;) {
        bx_status st = bx_csv_next(r);
        if (st == BX_END)
            break;
        /* records start on strictly increasing lines */
        if (bx_csv_line(r) <= last_line)
            abort();
        last_line = bx_csv_line(r);
        if (st == BX_EINPUT || st == BX_ELIMIT)
            continue;
        if (st != BX_OK)
            abort(); /* memory input: no I/O error, and malloc succeeds */
        for (size_t i = 0; i < bx_csv_nfields(r); i++) {
            size_t len;
            const char *f = bx_csv_field(r, i, &len);
            if (f == NULL || strlen(f) != len)
                abort();
        }
        check_roundtrip(ctx, r);
    }
    bx_csv_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    size_t base = bx_ctx_bytes_in_use(ctx);
    read_records(ctx, data, size);
    read_raw(ctx, data, size);
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_record_bytes = 4096;
    lim.max_fields = 64;
    read_catalog(ctx, BX_FORMAT_CSV, data, size, &lim);
    /* everything but the kept warnings was given back */
    bx_ctx_clear_warnings(ctx);
    if (bx_ctx_bytes_in_use(ctx) != base)
        abort();
    bx_ctx_free(ctx);
    return 0;
}
