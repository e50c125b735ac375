/*
 * test_cbor_records.c: CBOR records (core/src/cbor_records.c).
 *
 * Inputs are built with the small encoder below, written from RFC 8949
 * section 3 (one head = major type in the top 3 bits, argument in the
 * shortest form), not with the code under test; golden output bytes are
 * worked out by hand in the comments.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- a tiny CBOR encoder for test inputs -------------------------------- */

typedef struct cbuf {
    unsigned char b[32768];
    size_t n;
} cbuf;

static void put(cbuf *c, unsigned x)
{
    assert_true(c->n < sizeof c->b);
    c->b[c->n++] = (unsigned char)x;
}

static void put_be(cbuf *c, uint64_t v, int nbytes)
{
    for (int i = nbytes - 1; i >= 0; i--)
        put(c, (unsigned)(v >> (8 * i)) & 0xff);
}

/* RFC 8949 3.1: arguments below 24 live in the initial byte, larger ones
 * follow in 1, 2, 4 or 8 bytes (additional information 24..27). */
static void head(cbuf *c, unsigned major, uint64_t v)
{
    unsigned m = major << 5;
    if (v < 24) {
        put(c, m | (unsigned)v);
    } else if (v <= 0xff) {
        put(c, m | 24);
        put_be(c, v, 1);
    } else if (v <= 0xffff) {
        put(c, m | 25);
        put_be(c, v, 2);
    } else if (v <= 0xffffffffu) {
        put(c, m | 26);
        put_be(c, v, 4);
    } else {
        put(c, m | 27);
        put_be(c, v, 8);
    }
}

static void text(cbuf *c, const char *s)
{
    size_t len = strlen(s);
    head(c, 3, len);
    assert_true(c->n + len <= sizeof c->b);
    memcpy(c->b + c->n, s, len);
    c->n += len;
}

static void kv_uint(cbuf *c, const char *key, uint64_t v)
{
    text(c, key);
    head(c, 0, v);
}

static void kv_text(cbuf *c, const char *key, const char *v)
{
    text(c, key);
    text(c, v);
}

/* A valid box map with `extra` more pairs for the caller to append. */
static void box_map(cbuf *c, const char *id, unsigned l, unsigned w,
                    unsigned h, unsigned max_g, unsigned extra)
{
    head(c, 5, 5 + extra);
    kv_text(c, "box_id", id);
    kv_uint(c, "inner_l_mm", l);
    kv_uint(c, "inner_w_mm", w);
    kv_uint(c, "inner_h_mm", h);
    kv_uint(c, "max_weight_g", max_g);
}

static bx_box expect_box(const char *id, int l, int w, int h, int64_t max_g,
                         uint64_t record_no)
{
    bx_box b;
    bx_box_init(&b);
    snprintf(b.box_id, sizeof b.box_id, "%s", id);
    b.inner_l_mm = l;
    b.inner_w_mm = w;
    b.inner_h_mm = h;
    b.max_weight_g = max_g;
    b.line = record_no;
    return b;
}

/* Both sides start from bx_box_init's memset, so padding compares equal
 * and memcmp is a full field-by-field comparison. */
static void assert_box_eq(const bx_box *want, const bx_box *got)
{
    assert_string_equal(want->box_id, got->box_id);
    assert_int_equal(want->line, got->line);
    assert_memory_equal(want, got, sizeof *want);
}

/* ---- reading helpers ---------------------------------------------------- */

/* A read callback handing out at most `chunk` bytes per call. */
typedef struct drip {
    const unsigned char *data;
    size_t size, pos, chunk;
} drip;

static long drip_read(void *ud, void *buf, size_t size)
{
    drip *d = ud;
    size_t n = d->size - d->pos;
    if (n > d->chunk)
        n = d->chunk;
    if (n > size)
        n = size;
    memcpy(buf, d->data + d->pos, n);
    d->pos += n;
    return (long)n;
}

static const char *status_name(bx_status s)
{
    switch (s) {
    case BX_OK: return "OK";
    case BX_END: return "END";
    case BX_EINPUT: return "EINPUT";
    case BX_ELIMIT: return "ELIMIT";
    case BX_ENOMEM: return "ENOMEM";
    default: return "OTHER";
    }
}

#define MAX_RECS 16

typedef struct run {
    bx_record recs[MAX_RECS]; /* the records that came back BX_OK */
    size_t nrecs;
    char log[512];            /* statuses in order, e.g. "OK EINPUT OK END" */
    bx_status last;
    bool last_recoverable;
    char errmsg[512];         /* message of the first error */
    bx_location errloc;       /* location of the first error */
    char errfield[64];
} run;

static void log_status(run *out, bx_status s)
{
    size_t n = strlen(out->log);
    snprintf(out->log + n, sizeof out->log - n, "%s%s", n ? " " : "",
             status_name(s));
}

/* Read r to the end or to a fatal error; closes r. */
static void drain(bx_ctx *ctx, bx_reader *r, run *out)
{
    for (;;) {
        bx_record rec;
        bx_status s = bx_reader_next(r, &rec);
        log_status(out, s);
        out->last = s;
        out->last_recoverable = bx_reader_recoverable(r);
        if (s == BX_OK) {
            assert_true(out->nrecs < MAX_RECS);
            out->recs[out->nrecs++] = rec;
            continue;
        }
        if (s >= BX_ENOMEM && out->errmsg[0] == '\0') {
            snprintf(out->errmsg, sizeof out->errmsg, "%s",
                     bx_ctx_errmsg(ctx));
            out->errloc = bx_ctx_errloc(ctx);
            if (out->errloc.field != NULL)
                snprintf(out->errfield, sizeof out->errfield, "%s",
                         out->errloc.field);
        }
        if (s == BX_END || !bx_reader_recoverable(r))
            break;
    }
    bx_reader_close(r);
}

static bx_status read_mem_limits(bx_ctx *ctx, const void *data, size_t size,
                                 const bx_reader_limits *limits, run *out)
{
    memset(out, 0, sizeof *out);
    bx_reader *r = NULL;
    bx_status s = bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, BX_FORMAT_CBOR,
                                     "t.cbor", data, size, limits);
    if (s != BX_OK)
        return s;
    drain(ctx, r, out);
    return BX_OK;
}

static void read_mem(bx_ctx *ctx, const cbuf *c, run *out)
{
    assert_int_equal(read_mem_limits(ctx, c->b, c->n, NULL, out), BX_OK);
}

static void read_drip(bx_ctx *ctx, const cbuf *c, size_t chunk, run *out)
{
    memset(out, 0, sizeof *out);
    drip d = {c->b, c->n, 0, chunk};
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_stream(ctx, &r, BX_RECORD_AUTO,
                                           BX_FORMAT_CBOR, "t.cbor", drip_read,
                                           &d, NULL),
                     BX_OK);
    drain(ctx, r, out);
}

typedef struct fixture {
    test_alloc ta;
    bx_ctx *ctx;
    test_diags diags;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    *state = f;
    return f->ctx == NULL;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bx_ctx_free(f->ctx);
    int leaked = f->ta.live_bytes != 0 || f->ta.live_blocks != 0;
    free(f);
    return leaked;
}

/* ---- writer ------------------------------------------------------------- */

static bx_status write_boxes(bx_ctx *ctx, const bx_box *boxes, size_t n,
                             test_buf *out)
{
    memset(out, 0, sizeof *out);
    out->fail_after = -1;
    bx_writer *w = NULL;
    bx_status s = bx_writer_open(ctx, &w, BX_RECORD_BOX, BX_FORMAT_CBOR,
                                 test_buf_write, out, n);
    if (s != BX_OK)
        return s;
    for (size_t i = 0; i < n; i++) {
        s = bx_writer_put(w, &boxes[i]);
        if (s != BX_OK) {
            bx_writer_abort(w);
            return s;
        }
    }
    return bx_writer_close(w);
}

/* Golden bytes for one box, worked out by hand from RFC 8949:
 *
 *   box S1: inner 300 x 200 x 150 mm, max 100000 g, cost 1.5, stock 7,
 *   reusable.
 *
 * 81                 array(1)                      (major 4, length 1)
 * A8                 map(8 pairs)                  (major 5, length 8)
 * Keys in core deterministic order (4.2.1: bytewise on the encoding; the
 * text head grows with the length, so shorter keys come first):
 *   cost(4) stock(5) box_id(6) reusable(8) inner_h_mm inner_l_mm
 *   inner_w_mm (10, h < l < w) max_weight_g(12)
 * 64 "cost"          F9 3E 00    half 1.5: sign 0, exp 15 (01111),
 *                                mantissa .1 (1000000000) -> 0x3E00
 * 65 "stock"         07          uint 7 fits in the initial byte
 * 66 "box_id"        62 "S1"
 * 68 "reusable"      F5          simple value 21 = true
 * 6A "inner_h_mm"    18 96       uint 150: one-byte argument (24 <= 150 < 256)
 * 6A "inner_l_mm"    19 01 2C    uint 300: two-byte argument, 0x012C
 * 6A "inner_w_mm"    18 C8       uint 200
 * 6C "max_weight_g"  1A 00 01 86 A0   uint 100000 = 0x000186A0 (4 bytes)
 */
static const unsigned char golden_box[] = {
    0x81, 0xA8,
    0x64, 'c', 'o', 's', 't', 0xF9, 0x3E, 0x00,
    0x65, 's', 't', 'o', 'c', 'k', 0x07,
    0x66, 'b', 'o', 'x', '_', 'i', 'd', 0x62, 'S', '1',
    0x68, 'r', 'e', 'u', 's', 'a', 'b', 'l', 'e', 0xF5,
    0x6A, 'i', 'n', 'n', 'e', 'r', '_', 'h', '_', 'm', 'm', 0x18, 0x96,
    0x6A, 'i', 'n', 'n', 'e', 'r', '_', 'l', '_', 'm', 'm', 0x19, 0x01, 0x2C,
    0x6A, 'i', 'n', 'n', 'e', 'r', '_', 'w', '_', 'm', 'm', 0x18, 0xC8,
    0x6C, 'm', 'a', 'x', '_', 'w', 'e', 'i', 'g', 'h', 't', '_', 'g',
    0x1A, 0x00, 0x01, 0x86, 0xA0,
};

static bx_box golden_record(void)
{
    bx_box b = expect_box("S1", 300, 200, 150, 100000, 0);
    b.cost = 1.5;
    b.stock = 7;
    b.reusable = true;
    b.has |= BX_BOX_HAS_COST | BX_BOX_HAS_STOCK | BX_BOX_HAS_REUSABLE;
    return b;
}

static void test_writer_golden(void **state)
{
    fixture *f = *state;
    bx_box b = golden_record();
    test_buf out;
    assert_int_equal(write_boxes(f->ctx, &b, 1, &out), BX_OK);
    assert_int_equal(out.len, sizeof golden_box);
    assert_memory_equal(out.data, golden_box, sizeof golden_box);
    test_buf_free(&out);

    /* and the reader gives the record back, numbered 1 */
    run res;
    assert_int_equal(read_mem_limits(f->ctx, golden_box, sizeof golden_box,
                                     NULL, &res),
                     BX_OK);
    assert_string_equal(res.log, "OK END");
    b.line = 1;
    assert_int_equal(res.recs[0].kind, BX_RECORD_BOX);
    assert_box_eq(&b, &res.recs[0].u.box);
}

/* Floats take the shortest of half, single and double that is exact.
 * Expected bit patterns from the IEEE 754 layouts (sign, biased exponent,
 * mantissa), cross-checked with Python's struct.pack('>e' / '>f' / '>d'). */
static void test_writer_float_widths(void **state)
{
    fixture *f = *state;
    static const struct {
        double v;
        size_t n;
        unsigned char bytes[9];
    } cases[] = {
        {0.5, 3, {0xF9, 0x38, 0x00}},         /* 2^-1: exp 14 -> 0x3800 */
        {0.0, 3, {0xF9, 0x00, 0x00}},
        {-0.0, 3, {0xF9, 0x80, 0x00}},        /* sign kept */
        {65504.0, 3, {0xF9, 0x7B, 0xFF}},     /* largest half */
        {0x1p-24, 3, {0xF9, 0x00, 0x01}},     /* smallest half subnormal */
        {0x3p-24, 3, {0xF9, 0x00, 0x03}},     /* subnormal, two bits */
        {0x3FFp-24, 3, {0xF9, 0x03, 0xFF}},   /* largest subnormal */
        {0x1p-14, 3, {0xF9, 0x04, 0x00}},     /* smallest half normal */
        {65505.0, 5, {0xFA, 0x47, 0x7F, 0xE1, 0x00}}, /* 16 bits: single */
        {1e10, 5, {0xFA, 0x50, 0x15, 0x02, 0xF9}}, /* 2^33 * 0x9502F9/2^23 */
        {0.1, 9, {0xFB, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A}},
        {1e12, 9, {0xFB, 0x42, 0x6D, 0x1A, 0x94, 0xA2, 0x00, 0x00, 0x00}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bx_box b = expect_box("B", 1, 2, 3, 4, 0);
        b.cost = cases[i].v;
        b.has |= BX_BOX_HAS_COST;
        /* 81 A6, then "cost" (the shortest key) and its value */
        cbuf want = {{0}, 0};
        put(&want, 0x81);
        head(&want, 5, 6);
        text(&want, "cost");
        for (size_t k = 0; k < cases[i].n; k++)
            put(&want, cases[i].bytes[k]);
        kv_text(&want, "box_id", "B");
        kv_uint(&want, "inner_h_mm", 3);
        kv_uint(&want, "inner_l_mm", 1);
        kv_uint(&want, "inner_w_mm", 2);
        kv_uint(&want, "max_weight_g", 4);

        test_buf out;
        assert_int_equal(write_boxes(f->ctx, &b, 1, &out), BX_OK);
        assert_int_equal(out.len, want.n);
        assert_memory_equal(out.data, want.b, want.n);
        test_buf_free(&out);

        /* read back: the same double, bit for bit (-0.0 included) */
        run res;
        read_mem(f->ctx, &want, &res);
        assert_string_equal(res.log, "OK END");
        assert_memory_equal(&res.recs[0].u.box.cost, &cases[i].v,
                            sizeof(double));
    }
}

/* Every optional field of both kinds survives writer -> reader. */
static void test_roundtrip_all_fields(void **state)
{
    fixture *f = *state;
    bx_box boxes[2];
    boxes[0] = expect_box("crate-\xC3\xA9", 400, 300, 250, 25000, 0);
    boxes[0].outer_l_mm = 410;
    boxes[0].outer_w_mm = 310;
    boxes[0].outer_h_mm = 262;
    boxes[0].tare_g = 1200;
    snprintf(boxes[0].material, sizeof boxes[0].material, "polypropylene");
    boxes[0].material_mass_g = 1150;
    boxes[0].cost = 0.1;
    boxes[0].stock = 0;
    boxes[0].reusable = true;
    boxes[0].has = BX_BOX_HAS_OUTER | BX_BOX_HAS_TARE | BX_BOX_HAS_MATERIAL |
                   BX_BOX_HAS_MATERIAL_MASS | BX_BOX_HAS_COST |
                   BX_BOX_HAS_STOCK | BX_BOX_HAS_REUSABLE;
    boxes[1] = expect_box("big", 100000, 100000, 100000,
                          INT64_C(1000000000000), 0);
    boxes[1].cost = 1e12;
    boxes[1].has = BX_BOX_HAS_COST;

    test_buf out;
    assert_int_equal(write_boxes(f->ctx, boxes, 2, &out), BX_OK);
    run res;
    assert_int_equal(read_mem_limits(f->ctx, out.data, out.len, NULL, &res),
                     BX_OK);
    test_buf_free(&out);
    assert_string_equal(res.log, "OK OK END");
    for (size_t i = 0; i < 2; i++) {
        boxes[i].line = i + 1;
        assert_box_eq(&boxes[i], &res.recs[i].u.box);
    }

    bx_order_line lines[2];
    for (size_t i = 0; i < 2; i++) {
        bx_order_line_init(&lines[i]);
        snprintf(lines[i].order_id, BX_ID_MAX, "A-%zu", i);
        snprintf(lines[i].item_id, BX_ID_MAX, "sku%zu", i);
        lines[i].qty = 3;
        lines[i].l_mm = 10;
        lines[i].w_mm = 20;
        lines[i].h_mm = 30;
        lines[i].weight_g = 0;
    }
    lines[0].rotation = BX_ROTATE_UPRIGHT;
    lines[0].fragile = true;
    lines[0].alone = true;
    lines[0].has = BX_LINE_HAS_ROTATION | BX_LINE_HAS_FRAGILE |
                   BX_LINE_HAS_ALONE;
    lines[1].rotation = BX_ROTATE_FIXED;
    lines[1].fragile = false;
    snprintf(lines[1].group, BX_ID_MAX, "kit");
    lines[1].has = BX_LINE_HAS_ROTATION | BX_LINE_HAS_FRAGILE |
                   BX_LINE_HAS_GROUP;

    memset(&out, 0, sizeof out);
    out.fail_after = -1;
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(f->ctx, &w, BX_RECORD_ORDER_LINE,
                                    BX_FORMAT_CBOR, test_buf_write, &out, 2),
                     BX_OK);
    assert_int_equal(bx_writer_put(w, &lines[0]), BX_OK);
    assert_int_equal(bx_writer_put(w, &lines[1]), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    assert_int_equal(read_mem_limits(f->ctx, out.data, out.len, NULL, &res),
                     BX_OK);
    test_buf_free(&out);
    assert_string_equal(res.log, "OK OK END");
    for (size_t i = 0; i < 2; i++) {
        lines[i].line = i + 1;
        assert_int_equal(res.recs[i].kind, BX_RECORD_ORDER_LINE);
        assert_memory_equal(&lines[i], &res.recs[i].u.line, sizeof lines[i]);
    }
}

/* ---- reader: layouts ---------------------------------------------------- */

static void three_boxes(cbuf *c)
{
    box_map(c, "A", 10, 20, 30, 1000, 0);
    box_map(c, "B", 300, 200, 150, 100000, 1);
    text(c, "cost");
    put(c, 0xF9); /* half 2.5: exp 16, mantissa .01 -> 0x4100 */
    put(c, 0x41);
    put(c, 0x00);
    box_map(c, "C", 1, 1, 1, 1, 1);
    kv_text(c, "material", "paper");
}

static void check_three_boxes(const run *res)
{
    assert_string_equal(res->log, "OK OK OK END");
    bx_box a = expect_box("A", 10, 20, 30, 1000, 1);
    bx_box b = expect_box("B", 300, 200, 150, 100000, 2);
    b.cost = 2.5;
    b.has |= BX_BOX_HAS_COST;
    bx_box c = expect_box("C", 1, 1, 1, 1, 3);
    snprintf(c.material, sizeof c.material, "paper");
    c.has |= BX_BOX_HAS_MATERIAL;
    assert_box_eq(&a, &res->recs[0].u.box);
    assert_box_eq(&b, &res->recs[1].u.box);
    assert_box_eq(&c, &res->recs[2].u.box);
}

static void test_definite_array(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    head(&c, 4, 3);
    three_boxes(&c);
    run res;
    read_mem(f->ctx, &c, &res);
    check_three_boxes(&res);
}

static void test_indefinite_array(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    put(&c, 0x9F);
    three_boxes(&c);
    put(&c, 0xFF);
    run res;
    read_mem(f->ctx, &c, &res);
    check_three_boxes(&res);
}

static void test_sequence(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    three_boxes(&c);
    run res;
    read_mem(f->ctx, &c, &res);
    check_three_boxes(&res);
}

/* Format AUTO sniffs CBOR from the first byte (an array or map head). */
static void test_sniffed_format(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    three_boxes(&c);
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_mem(f->ctx, &r, BX_RECORD_AUTO,
                                        BX_FORMAT_AUTO, "in", c.b, c.n, NULL),
                     BX_OK);
    assert_int_equal(bx_reader_format(r), BX_FORMAT_CBOR);
    run res;
    memset(&res, 0, sizeof res);
    drain(f->ctx, r, &res);
    check_three_boxes(&res);
}

static void test_indefinite_map_and_key_order(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    head(&c, 4, 2);
    put(&c, 0xBF); /* indefinite map, keys in reverse order */
    kv_uint(&c, "max_weight_g", 1000);
    kv_uint(&c, "inner_h_mm", 30);
    kv_uint(&c, "inner_w_mm", 20);
    kv_uint(&c, "inner_l_mm", 10);
    kv_text(&c, "box_id", "A");
    put(&c, 0xFF);
    head(&c, 5, 5); /* definite map, shuffled */
    kv_uint(&c, "inner_w_mm", 20);
    kv_text(&c, "box_id", "A");
    kv_uint(&c, "max_weight_g", 1000);
    kv_uint(&c, "inner_l_mm", 10);
    kv_uint(&c, "inner_h_mm", 30);
    run res;
    read_mem(f->ctx, &c, &res);
    assert_string_equal(res.log, "OK OK END");
    bx_box want = expect_box("A", 10, 20, 30, 1000, 1);
    assert_box_eq(&want, &res.recs[0].u.box);
    want.line = 2;
    assert_box_eq(&want, &res.recs[1].u.box);
}

static void test_empty_inputs(void **state)
{
    fixture *f = *state;
    run res;
    assert_int_equal(read_mem_limits(f->ctx, "", 0, NULL, &res), BX_OK);
    assert_string_equal(res.log, "END");
    static const unsigned char empty_array[] = {0x80};
    assert_int_equal(read_mem_limits(f->ctx, empty_array, 1, NULL, &res),
                     BX_OK);
    assert_string_equal(res.log, "END");
    static const unsigned char empty_indef[] = {0x9F, 0xFF};
    assert_int_equal(read_mem_limits(f->ctx, empty_indef, 2, NULL, &res),
                     BX_OK);
    assert_string_equal(res.log, "END");
}

/* A stream that hands out one byte (and then 7 bytes) per call gives the
 * same records and the same errors as reading the whole buffer. */
static void test_drip_equals_whole(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    put(&c, 0x9F);
    three_boxes(&c);
    box_map(&c, "bad", 1, 1, 1, 1, 3); /* a bad record in the middle */
    text(&c, "colour");                /* unknown key, nested value */
    head(&c, 4, 2);
    head(&c, 5, 1);
    kv_uint(&c, "x", 1);
    text(&c, "z");
    kv_uint(&c, "stock", 5);
    text(&c, "reusable"); /* wrong type */
    text(&c, "yes");
    box_map(&c, "D", 2, 2, 2, 2, 1);
    text(&c, "notes"); /* a long unknown text: grows the window */
    static char big[6000];
    memset(big, 'n', sizeof big - 1);
    text(&c, big);
    put(&c, 0xFF);

    run whole, one, seven;
    read_mem(f->ctx, &c, &whole);
    assert_string_equal(whole.log, "OK OK OK EINPUT OK END");
    assert_string_equal(whole.errfield, "reusable");
    read_drip(f->ctx, &c, 1, &one);
    read_drip(f->ctx, &c, 7, &seven);
    const run *others[] = {&one, &seven};
    for (size_t k = 0; k < 2; k++) {
        assert_string_equal(whole.log, others[k]->log);
        assert_string_equal(whole.errmsg, others[k]->errmsg);
        assert_int_equal(whole.errloc.offset, others[k]->errloc.offset);
        assert_int_equal(whole.nrecs, others[k]->nrecs);
        for (size_t i = 0; i < whole.nrecs; i++)
            assert_memory_equal(&whole.recs[i], &others[k]->recs[i],
                                sizeof whole.recs[i]);
    }
}

/* ---- reader: bad records ------------------------------------------------ */

/* Each case: a box map with one extra pair whose value is bad. The record
 * fails naming the field, the reader goes on, and the next record reads. */
static void test_wrong_types_name_the_field(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *key;
        unsigned char value[16];
        size_t n;
        const char *msg;
    } cases[] = {
        {"stock", {0x63, 'a', 'b', 'c'}, 4, "expected a number"},
        {"reusable", {0x01 + 0x01}, 1, "expected a boolean"},
        {"cost", {0x42, 0x01, 0x02}, 3, "unsupported value type (byte string)"},
        {"cost", {0xC1, 0x01}, 2, "unsupported value type (tag)"},
        {"cost", {0xC6, 0x01}, 2, "unsupported value type (tag)"},
        {"cost", {0x82, 0x01, 0x81, 0x02}, 4, "unsupported value type (array)"},
        {"cost", {0xBF, 0x61, 'k', 0x01, 0xFF}, 5,
         "unsupported value type (map)"},
        {"cost", {0xF0}, 1, "unsupported value type (simple value)"},
        {"cost", {0xF8, 0x40}, 2, "unsupported value type (simple value)"},
        {"material", {0x7F, 0x61, 'a', 0x61, 'b', 0xFF}, 6,
         "unsupported value type (indefinite-length text string)"},
        {"stock", {0x1B, 0x80, 0, 0, 0, 0, 0, 0, 0}, 9,
         "out of the 64-bit signed range"}, /* 2^63 */
        {"stock", {0x3B, 0x80, 0, 0, 0, 0, 0, 0, 0}, 9,
         "out of the 64-bit signed range"}, /* -1 - 2^63 */
        {"stock", {0x20}, 1, "out of range"},            /* -1 */
        {"inner_l_mm", {0xF9, 0x3C, 0x00}, 3, "expected an integer"}, /* 1.0 */
        {"box_id", {0x60}, 1, "must not be empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cbuf c = {{0}, 0};
        head(&c, 4, 2);
        bool replaces = strcmp(cases[i].key, "inner_l_mm") == 0 ||
                        strcmp(cases[i].key, "box_id") == 0;
        head(&c, 5, replaces ? 5 : 6);
        if (strcmp(cases[i].key, "box_id") != 0)
            kv_text(&c, "box_id", "A");
        if (strcmp(cases[i].key, "inner_l_mm") != 0)
            kv_uint(&c, "inner_l_mm", 1);
        kv_uint(&c, "inner_w_mm", 1);
        kv_uint(&c, "inner_h_mm", 1);
        kv_uint(&c, "max_weight_g", 9);
        text(&c, cases[i].key);
        size_t value_at = c.n;
        for (size_t k = 0; k < cases[i].n; k++)
            put(&c, cases[i].value[k]);
        box_map(&c, "next", 1, 1, 1, 1, 0);

        run res;
        read_mem(f->ctx, &c, &res);
        assert_string_equal(res.log, "EINPUT OK END");
        assert_string_equal(res.errfield, cases[i].key);
        assert_int_equal(res.errloc.record, 1);
        assert_int_equal(res.errloc.offset, value_at);
        assert_non_null(strstr(res.errmsg, cases[i].msg));
        assert_non_null(strstr(res.errmsg, "t.cbor"));
        assert_string_equal(res.recs[0].u.box.box_id, "next");
        assert_int_equal(res.recs[0].u.box.line, 2);
    }
}

static void test_bad_keys(void **state)
{
    fixture *f = *state;
    static const struct {
        unsigned char key[8];
        size_t n;
        const char *msg;
    } cases[] = {
        {{0x01}, 1, "map key is not a text string (found: unsigned integer)"},
        {{0x41, 'k'}, 2, "(found: byte string)"},
        {{0x7F, 0x61, 'k', 0xFF}, 4, "keys must have a definite length"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cbuf c = {{0}, 0};
        box_map(&c, "A", 1, 1, 1, 1, 1);
        size_t key_at = c.n;
        for (size_t k = 0; k < cases[i].n; k++)
            put(&c, cases[i].key[k]);
        put(&c, 0x01);
        box_map(&c, "B", 1, 1, 1, 1, 0);
        run res;
        read_mem(f->ctx, &c, &res);
        assert_string_equal(res.log, "EINPUT OK END");
        assert_int_equal(res.errloc.offset, key_at);
        assert_non_null(strstr(res.errmsg, cases[i].msg));
    }
}

static void test_duplicate_and_missing(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    head(&c, 4, 3);
    box_map(&c, "A", 1, 1, 1, 1, 1);
    kv_uint(&c, "inner_l_mm", 2);
    head(&c, 5, 2); /* record 2: most fields missing */
    kv_text(&c, "box_id", "B");
    kv_uint(&c, "inner_l_mm", 2);
    box_map(&c, "C", 1, 1, 1, 1, 1);
    text(&c, "stock"); /* null: absent, stock stays unlimited */
    put(&c, 0xF6);
    run res;
    read_mem(f->ctx, &c, &res);
    assert_string_equal(res.log, "EINPUT EINPUT OK END");
    assert_non_null(strstr(res.errmsg, "duplicate key"));
    assert_string_equal(res.errfield, "inner_l_mm");
    assert_non_null(strstr(f->diags.all, "record 2"));
    assert_non_null(strstr(f->diags.all, "required field is missing"));
    assert_int_equal(res.recs[0].u.box.stock, BX_STOCK_UNLIMITED);
    assert_int_equal(res.recs[0].u.box.has & BX_BOX_HAS_STOCK, 0);
    assert_int_equal(res.recs[0].u.box.line, 3);
}

/* A bad record anywhere, then good ones: each is reported, none lost. */
static void test_continue_after_bad_record(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    head(&c, 4, 5);
    box_map(&c, "A", 1, 1, 1, 1, 0);
    box_map(&c, "B", 0, 1, 1, 1, 0); /* inner_l_mm 0: out of range */
    head(&c, 0, 7);                  /* not a map: stepped over */
    head(&c, 4, 1);                  /* an array: stepped over */
    head(&c, 4, 0);
    box_map(&c, "E", 5, 5, 5, 5, 0);
    run res;
    read_mem(f->ctx, &c, &res);
    assert_string_equal(res.log, "OK EINPUT EINPUT EINPUT OK END");
    assert_int_equal(res.errloc.record, 2);
    assert_string_equal(res.errfield, "inner_l_mm");
    assert_non_null(strstr(f->diags.all, "record 3"));
    assert_non_null(strstr(f->diags.all, "record is not a map (found: unsigned integer)"));
    assert_string_equal(res.recs[1].u.box.box_id, "E");
    assert_int_equal(res.recs[1].u.box.line, 5);
}

static void test_unknown_key_warned_once(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    for (int i = 0; i < 3; i++) {
        box_map(&c, "A", 1, 1, 1, 1, 2);
        kv_text(&c, "colour", "brown");
        kv_uint(&c, i == 2 ? "shelf" : "colour\x01", 1);
    }
    run res;
    read_mem(f->ctx, &c, &res);
    assert_string_equal(res.log, "OK OK OK END");
    /* colour, colour<01> (shown as colour?), shelf: one warning each */
    assert_int_equal(bx_ctx_warning_count(f->ctx), 3);
    assert_non_null(strstr(bx_ctx_warning(f->ctx, 0), "'colour'"));
    assert_non_null(strstr(bx_ctx_warning(f->ctx, 1), "'colour?'"));
    assert_non_null(strstr(bx_ctx_warning(f->ctx, 2), "'shelf'"));
    assert_non_null(strstr(bx_ctx_warning(f->ctx, 0), "record 1"));
}

/* ---- reader: structure and limits --------------------------------------- */

static void test_trailing_junk(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    head(&c, 4, 1);
    box_map(&c, "A", 1, 1, 1, 1, 0);
    size_t junk_at = c.n;
    put(&c, 0x00);
    run res;
    read_mem(f->ctx, &c, &res);
    assert_string_equal(res.log, "OK EINPUT");
    assert_false(res.last_recoverable);
    assert_int_equal(res.errloc.offset, junk_at);
    assert_non_null(strstr(res.errmsg, "trailing bytes"));

    cbuf d = {{0}, 0};
    put(&d, 0x9F);
    box_map(&d, "A", 1, 1, 1, 1, 0);
    put(&d, 0xFF);
    head(&d, 4, 0);
    read_mem(f->ctx, &d, &res);
    assert_string_equal(res.log, "OK EINPUT");
    assert_false(res.last_recoverable);

    /* a non-map in a sequence ends it */
    cbuf e = {{0}, 0};
    box_map(&e, "A", 1, 1, 1, 1, 0);
    size_t item_at = e.n;
    text(&e, "hello");
    read_mem(f->ctx, &e, &res);
    assert_string_equal(res.log, "OK EINPUT");
    assert_false(res.last_recoverable);
    assert_int_equal(res.errloc.offset, item_at);
    assert_non_null(strstr(res.errmsg, "expected a map in the CBOR sequence of records (found: text string)"));

    /* neither array nor map at the start */
    static const unsigned char start[] = {0x01};
    assert_int_equal(read_mem_limits(f->ctx, start, 1, NULL, &res), BX_OK);
    assert_string_equal(res.log, "EINPUT");
    assert_false(res.last_recoverable);
}

static void test_malformed(void **state)
{
    fixture *f = *state;
    static const struct {
        unsigned char b[12];
        size_t n;
        const char *msg;
    } cases[] = {
        {{0x1C}, 1, "malformed CBOR"},           /* reserved info 28 */
        {{0xF8, 0x10}, 2, "malformed CBOR"},     /* simple value < 32 in 2 bytes */
        {{0xFF}, 1, "unexpected break"},         /* break outside indefinite */
        {{0x82, 0x01, 0xFF}, 3, "unexpected break"},
        /* the largest definite count is still not an indefinite array */
        {{0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 10,
         "unexpected break"},
        {{0xBF, 0x61, 'k', 0xFF}, 4, "unexpected break"}, /* key, no value */
        {{0x7F, 0x01, 0xFF}, 3, "inside an indefinite-length text string"},
        {{0x5F, 0x61, 'a', 0xFF}, 4, "inside an indefinite-length byte string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cbuf c = {{0}, 0};
        box_map(&c, "A", 1, 1, 1, 1, 1);
        text(&c, "cost");
        size_t at = c.n;
        for (size_t k = 0; k < cases[i].n; k++)
            put(&c, cases[i].b[k]);
        box_map(&c, "B", 1, 1, 1, 1, 0);
        run res;
        read_mem(f->ctx, &c, &res);
        assert_string_equal(res.log, "EINPUT");
        assert_false(res.last_recoverable);
        assert_non_null(strstr(res.errmsg, cases[i].msg));
        assert_true(res.errloc.offset >= at);
    }
}

/* A head may claim any length; it must fail on the head, before anything
 * of that size is allocated or read. */
static void test_huge_declared_lengths(void **state)
{
    fixture *f = *state;
    static const unsigned char heads[][9] = {
        {0x7B, 0x10, 0, 0, 0, 0, 0, 0, 0},          /* text of 2^60 bytes */
        {0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, /* 2^64-1 */
        {0x5B, 0x10, 0, 0, 0, 0, 0, 0, 0},          /* bytes of 2^60 */
        {0x7A, 0x00, 0x10, 0x00, 0x01},             /* 1 MiB + 1 */
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        for (int as_key = 0; as_key < 2; as_key++) {
            cbuf c = {{0}, 0};
            box_map(&c, "A", 1, 1, 1, 1, 1);
            if (!as_key)
                text(&c, "material");
            size_t at = c.n;
            for (size_t k = 0; k < 9; k++)
                put(&c, heads[i][k]);
            put(&c, 'x');
            f->ta.peak_bytes = f->ta.live_bytes;
            run res;
            read_mem(f->ctx, &c, &res);
            assert_string_equal(res.log, "ELIMIT");
            assert_false(res.last_recoverable);
            assert_int_equal(res.errloc.offset, at);
            assert_non_null(strstr(res.errmsg, "longer than the limit"));
            assert_true(f->ta.peak_bytes < 64 * 1024);
        }
    }

    /* a map claiming 2^60 pairs, and a whole record over the limit */
    cbuf c = {{0}, 0};
    head(&c, 5, UINT64_C(1) << 60);
    kv_text(&c, "box_id", "A");
    run res;
    read_mem(f->ctx, &c, &res);
    assert_string_equal(res.log, "ELIMIT");
    assert_non_null(strstr(res.errmsg, "exceeds the limit of 256 fields"));

    cbuf d = {{0}, 0};
    box_map(&d, "A", 1, 1, 1, 1, 3);
    static char k1[900];
    memset(k1, 'a', sizeof k1 - 1);
    kv_text(&d, "x", k1);
    kv_text(&d, "y", k1);
    kv_text(&d, "z", k1);
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_record_bytes = 2000;
    assert_int_equal(read_mem_limits(f->ctx, d.b, d.n, &lim, &res), BX_OK);
    assert_string_equal(res.log, "ELIMIT");
    assert_non_null(strstr(res.errmsg, "record larger than the limit of 2000"));
    lim.max_record_bytes = 4000; /* the same record fits */
    assert_int_equal(read_mem_limits(f->ctx, d.b, d.n, &lim, &res), BX_OK);
    assert_string_equal(res.log, "OK END");
}

static void nested_value(cbuf *c, size_t n, unsigned opener)
{
    box_map(c, "A", 1, 1, 1, 1, 1);
    text(c, "x");
    for (size_t i = 0; i < n; i++) {
        put(c, opener); /* 0x81 array(1), 0x9F indefinite, 0xC1 tag */
        if (opener == 0xA1)
            text(c, "k");
    }
    put(c, 0x00);
    if (opener == 0x9F)
        for (size_t i = 0; i < n; i++)
            put(c, 0xFF);
}

/* Depth: the top array is level 1, a record map level 2, so a value may
 * open 14 more levels under the default limit of 16. */
static void test_deep_nesting(void **state)
{
    fixture *f = *state;
    static const unsigned openers[] = {0x81, 0x9F, 0xC1, 0xA1};
    for (size_t i = 0; i < 4; i++) {
        cbuf ok = {{0}, 0};
        head(&ok, 4, 1);
        nested_value(&ok, 14, openers[i]);
        run res;
        read_mem(f->ctx, &ok, &res);
        assert_string_equal(res.log, "OK END"); /* unknown key "x" ignored */

        cbuf deep = {{0}, 0};
        head(&deep, 4, 1);
        nested_value(&deep, 15, openers[i]);
        read_mem(f->ctx, &deep, &res);
        assert_string_equal(res.log, "ELIMIT");
        assert_false(res.last_recoverable);
        assert_non_null(strstr(res.errmsg, "nesting deeper than the limit"));

        /* without the array around it, the map is level 1 */
        cbuf seq = {{0}, 0};
        nested_value(&seq, 15, openers[i]);
        read_mem(f->ctx, &seq, &res);
        assert_string_equal(res.log, "OK END");
    }

    /* a long chain of arrays at the top level */
    cbuf c = {{0}, 0};
    for (int i = 0; i < 10000; i++)
        put(&c, 0x81);
    run res;
    read_mem(f->ctx, &c, &res);
    assert_string_equal(res.log, "ELIMIT");
}

static void test_record_and_field_limits(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    head(&c, 4, 3);
    for (int i = 0; i < 3; i++)
        box_map(&c, "A", 1, 1, 1, 1, 0);
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_records = 2;
    run res;
    assert_int_equal(read_mem_limits(f->ctx, c.b, c.n, &lim, &res), BX_OK);
    assert_string_equal(res.log, "OK OK ELIMIT");

    cbuf d = {{0}, 0};
    put(&d, 0xBF); /* indefinite map: the count shows only as pairs arrive */
    kv_text(&d, "box_id", "A");
    for (int i = 0; i < 6; i++)
        kv_uint(&d, "n", 1);
    put(&d, 0xFF);
    lim = bx_reader_limits_default();
    lim.max_fields = 6;
    assert_int_equal(read_mem_limits(f->ctx, d.b, d.n, &lim, &res), BX_OK);
    assert_string_equal(res.log, "ELIMIT");
    assert_non_null(strstr(res.errmsg, "more than the limit of 6 fields"));
}

/* Cut a valid file at every length: never a crash, never a wrong record;
 * the records before the cut come back, then the end (only where a record
 * boundary of a sequence, or nothing, is left) or a fatal error. */
static void test_truncated_everywhere(void **state)
{
    fixture *f = *state;
    for (int layout = 0; layout < 3; layout++) {
        cbuf c = {{0}, 0};
        size_t ends[3];
        if (layout == 0)
            head(&c, 4, 3);
        if (layout == 1)
            put(&c, 0x9F);
        box_map(&c, "A", 10, 20, 30, 1000, 2);
        kv_text(&c, "material", "kraft");
        text(&c, "skipme");
        put(&c, 0xBF);
        kv_uint(&c, "a", 1);
        put(&c, 0xFF);
        ends[0] = c.n;
        box_map(&c, "B", 300, 200, 150, 100000, 1);
        text(&c, "cost");
        put(&c, 0xFB); /* 0.1 as a double */
        put_be(&c, UINT64_C(0x3FB999999999999A), 8);
        ends[1] = c.n;
        box_map(&c, "C", 1, 1, 1, 1, 0);
        ends[2] = c.n;
        if (layout == 1)
            put(&c, 0xFF);

        run full;
        read_mem(f->ctx, &c, &full);
        assert_string_equal(full.log, "OK OK OK END");
        for (size_t len = 0; len < c.n; len++) {
            run res;
            assert_int_equal(read_mem_limits(f->ctx, c.b, len, NULL, &res),
                             BX_OK);
            size_t complete = 0;
            while (complete < 3 && ends[complete] <= len)
                complete++;
            assert_true(res.nrecs <= complete);
            for (size_t i = 0; i < res.nrecs; i++)
                assert_memory_equal(&res.recs[i], &full.recs[i],
                                    sizeof res.recs[i]);
            if (res.last == BX_END) {
                /* clean end: empty input, or a sequence cut between maps */
                assert_true(len == 0 || (layout == 2 && complete > 0 &&
                                         len == ends[complete - 1]));
                assert_int_equal(res.nrecs, complete);
            } else {
                assert_int_equal(res.last, BX_EINPUT);
                assert_false(res.last_recoverable);
                assert_non_null(strstr(res.errmsg, "truncated"));
            }
        }
    }
}

/* ---- AUTO kind ---------------------------------------------------------- */

static void test_auto_kind(void **state)
{
    fixture *f = *state;
    cbuf c = {{0}, 0};
    head(&c, 5, 2); /* neither box_id nor order_id: cannot tell */
    kv_uint(&c, "qty", 1);
    kv_uint(&c, "l_mm", 1);
    head(&c, 5, 7); /* order_id comes last */
    kv_uint(&c, "qty", 2);
    kv_uint(&c, "l_mm", 11);
    kv_uint(&c, "w_mm", 12);
    kv_uint(&c, "h_mm", 13);
    kv_uint(&c, "weight_g", 500);
    kv_text(&c, "item_id", "sku");
    kv_text(&c, "order_id", "O1");
    box_map(&c, "A", 1, 1, 1, 1, 0); /* now a box is just a bad line */

    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_mem(f->ctx, &r, BX_RECORD_AUTO,
                                        BX_FORMAT_CBOR, "t.cbor", c.b, c.n,
                                        NULL),
                     BX_OK);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_AUTO);
    bx_record rec;
    assert_int_equal(bx_reader_next(r, &rec), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "cannot tell the record kind"));
    assert_true(bx_reader_recoverable(r));
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_ORDER_LINE);
    assert_int_equal(rec.kind, BX_RECORD_ORDER_LINE);
    assert_string_equal(rec.u.line.order_id, "O1");
    assert_string_equal(rec.u.line.item_id, "sku");
    assert_int_equal(rec.u.line.qty, 2);
    assert_int_equal(rec.u.line.h_mm, 13);
    assert_int_equal(rec.u.line.line, 2);
    assert_int_equal(bx_reader_next(r, &rec), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "required field is missing"));
    assert_int_equal(bx_reader_next(r, &rec), BX_END);
    bx_reader_close(r);

    /* a fixed kind fills the caller's bx_box directly */
    cbuf d = {{0}, 0};
    box_map(&d, "Z", 4, 5, 6, 7, 0);
    assert_int_equal(bx_reader_open_mem(f->ctx, &r, BX_RECORD_BOX,
                                        BX_FORMAT_CBOR, "t.cbor", d.b, d.n,
                                        NULL),
                     BX_OK);
    bx_box box;
    assert_int_equal(bx_reader_next(r, &box), BX_OK);
    bx_box want = expect_box("Z", 4, 5, 6, 7, 1);
    assert_box_eq(&want, &box);
    assert_int_equal(bx_reader_next(r, &box), BX_END);
    bx_reader_close(r);
}

/* ---- out of memory ------------------------------------------------------ */

/* An input that makes the reader allocate on every path it has: window
 * growth (a 6000-byte value), pair-list growth (20 pairs), skip-stack
 * growth (12 levels), unknown-key warnings. */
static void oom_input(cbuf *c)
{
    head(c, 4, 3);
    box_map(c, "A", 1, 1, 1, 1, 15);
    for (int i = 0; i < 15; i++) {
        char key[8];
        snprintf(key, sizeof key, "k%d", i);
        kv_uint(c, key, (uint64_t)i);
    }
    box_map(c, "B", 1, 1, 1, 1, 1);
    text(c, "deep");
    for (int i = 0; i < 12; i++)
        put(c, 0x81);
    put(c, 0x00);
    box_map(c, "C", 1, 1, 1, 1, 1);
    static char big[6000];
    memset(big, 'q', sizeof big - 1);
    kv_text(c, "notes", big);
}

static void test_oom_loop(void **state)
{
    (void)state;
    cbuf c = {{0}, 0};
    oom_input(&c);
    bool passed = false;
    for (uint64_t fail_at = 1; fail_at < 1000 && !passed; fail_at++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, fail_at);
        assert_non_null(ctx);
        run res;
        bx_status s = read_mem_limits(ctx, c.b, c.n, NULL, &res);
        if (s == BX_OK && ta.failures == 0) {
            assert_string_equal(res.log, "OK OK OK END");
            assert_int_equal(bx_ctx_warning_count(ctx), 17);
            passed = true;
        } else if (s == BX_OK) {
            /* the failure shows as BX_ENOMEM at the end of the log */
            assert_int_equal(res.last, BX_ENOMEM);
            assert_false(res.last_recoverable);
        } else {
            assert_int_equal(s, BX_ENOMEM);
        }
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
        assert_int_equal(ta.live_blocks, 0);
    }
    assert_true(passed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_writer_golden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_float_widths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_all_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_definite_array, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indefinite_array, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sniffed_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indefinite_map_and_key_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drip_equals_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_types_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_and_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_continue_after_bad_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_warned_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_junk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_declared_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_and_field_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_kind, setup, teardown),
        cmocka_unit_test(test_oom_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
