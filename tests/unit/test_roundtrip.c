/*
 * test_roundtrip.c: the same records through CSV, JSON and CBOR. The
 * reference is the records as read from the shipped CSV samples: every
 * encoding must give them back field for field, and CBOR output must be
 * byte-identical whichever encoding the records came from.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

typedef struct records {
    bx_record_kind kind;
    size_t n;
    bx_record *v;
} records;

static bx_ctx *ctx;

static records read_all(bx_format fmt, const char *name, const void *data, size_t size,
                        const char *path)
{
    records rs = {BX_RECORD_AUTO, 0, NULL};
    bx_reader *r = NULL;
    bx_status st = path ? bx_reader_open_file(ctx, &r, BX_RECORD_AUTO, fmt, path, NULL)
                        : bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, fmt, name, data, size, NULL);
    if (st != BX_OK)
        fail_msg("open %s: %s", name, bx_ctx_errmsg(ctx));
    size_t cap = 0;
    for (;;) {
        if (rs.n == cap) {
            cap = cap ? cap * 2 : 256;
            rs.v = realloc(rs.v, cap * sizeof *rs.v);
            assert_non_null(rs.v);
        }
        st = bx_reader_next(r, &rs.v[rs.n]);
        if (st == BX_END)
            break;
        if (st != BX_OK)
            fail_msg("read %s: %s", name, bx_ctx_errmsg(ctx));
        rs.n++;
    }
    rs.kind = bx_reader_kind(r);
    bx_reader_close(r);
    return rs;
}

static test_buf write_all(const records *rs, bx_format fmt)
{
    test_buf b = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(ctx, &w, rs->kind, fmt, test_buf_write, &b, rs->n), BX_OK);
    for (size_t i = 0; i < rs->n; i++)
        if (bx_writer_put(w, &rs->v[i].u) != BX_OK)
            fail_msg("write: %s", bx_ctx_errmsg(ctx));
    assert_int_equal(bx_writer_close(w), BX_OK);
    return b;
}

/* Compare everything but the source line, which differs by encoding. */
static void assert_same(const records *a, const records *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        bx_record x = a->v[i], y = b->v[i];
        if (a->kind == BX_RECORD_BOX) {
            x.u.box.line = y.u.box.line = 0;
            assert_memory_equal(&x.u.box, &y.u.box, sizeof x.u.box);
        } else {
            x.u.line.line = y.u.line.line = 0;
            assert_memory_equal(&x.u.line, &y.u.line, sizeof x.u.line);
        }
    }
}

static void round_trip(const char *path)
{
    records ref = read_all(BX_FORMAT_AUTO, path, NULL, 0, path);
    assert_true(ref.n > 0);
    const bx_format fmts[] = {BX_FORMAT_CSV, BX_FORMAT_JSON, BX_FORMAT_CBOR};
    test_buf cbor_from_ref = write_all(&ref, BX_FORMAT_CBOR);
    for (size_t i = 0; i < BX_ARRAY_LEN(fmts); i++) {
        test_buf b = write_all(&ref, fmts[i]);
        records back = read_all(fmts[i], bx_format_name(fmts[i]), b.data, b.len, NULL);
        assert_same(&ref, &back);
        /* deterministic CBOR, whatever the records came through */
        test_buf c = write_all(&back, BX_FORMAT_CBOR);
        assert_int_equal(c.len, cbor_from_ref.len);
        assert_memory_equal(c.data, cbor_from_ref.data, c.len);
        test_buf_free(&c);
        free(back.v);
        test_buf_free(&b);
    }
    test_buf_free(&cbor_from_ref);
    free(ref.v);
}

static void test_catalog_round_trip(void **state)
{
    (void)state;
    round_trip(BOXCAR_SAMPLES "/catalogs/cn-express.csv");
    round_trip(BOXCAR_TEST_DATA "/catalog_small.csv");
}

static void test_orders_round_trip(void **state)
{
    (void)state;
    round_trip(BOXCAR_SAMPLES "/orders/demo.csv");
}

static int setup(void **state)
{
    (void)state;
    return bx_ctx_new(&ctx, NULL, NULL) == BX_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bx_ctx_free(ctx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_round_trip),
        cmocka_unit_test(test_orders_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
