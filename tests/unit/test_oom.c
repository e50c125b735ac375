/*
 * test_oom.c: every out-of-memory path. Each operation runs with an
 * allocator that fails on its Nth request, for N = 1, 2, ... until the
 * operation gets through: every run before that must fail with BX_ENOMEM
 * (never a crash, never a misleading input error) and leave no byte behind.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

#define DATA(f) BOXCAR_TEST_DATA "/" f

typedef bx_status (*op_fn)(bx_ctx *ctx, void *arg);

/* Run op with failures injected at 1..N; returns how many runs failed. */
static uint64_t fail_every_allocation(op_fn op, void *arg, const char *name)
{
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        assert_non_null(ctx);
        bx_status st = op(ctx, arg);
        if (ta.failures == 0) {
            if (st != BX_OK)
                fail_msg("%s: failed without an injected failure: %s", name, bx_ctx_errmsg(ctx));
            bx_ctx_free(ctx);
            assert_int_equal(ta.live_bytes, 0);
            return n - 1;
        }
        if (st != BX_ENOMEM)
            fail_msg("%s: allocation %llu failed but the status was %s (%s)", name,
                     (unsigned long long)n, bx_strerror(st), bx_ctx_errmsg(ctx));
        bx_ctx_free(ctx);
        if (ta.live_bytes != 0 || ta.live_blocks != 0)
            fail_msg("%s: allocation %llu failed and %zu bytes leaked", name,
                     (unsigned long long)n, ta.live_bytes);
    }
}

static bx_status load_catalog(bx_ctx *ctx, void *arg)
{
    bx_catalog *cat = NULL;
    bx_status st = bx_catalog_load(ctx, &cat, arg, BX_FORMAT_AUTO);
    bx_catalog_free(cat);
    return st;
}

static bx_status check_orders(bx_ctx *ctx, void *arg)
{
    bx_check_result r;
    return bx_check_file(ctx, arg, BX_RECORD_AUTO, BX_FORMAT_AUTO, &r);
}

static bx_status check_bad_orders(bx_ctx *ctx, void *arg)
{
    bx_check_result r;
    bx_status st = bx_check_file(ctx, arg, BX_RECORD_AUTO, BX_FORMAT_AUTO, &r);
    /* The file's own problems are expected; only memory may fail otherwise. */
    return st == BX_EINPUT && r.errors == 2 ? BX_OK : st;
}

/* Write the small catalog in one format and read it back from memory. */
static bx_status write_and_read(bx_ctx *ctx, void *arg)
{
    bx_format fmt = *(bx_format *)arg;
    bx_catalog *cat = NULL;
    bx_status st = bx_catalog_load(ctx, &cat, DATA("catalog_small.csv"), BX_FORMAT_AUTO);
    if (st != BX_OK)
        return st;
    test_buf buf = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    st = bx_writer_open(ctx, &w, BX_RECORD_BOX, fmt, test_buf_write, &buf, bx_catalog_count(cat));
    for (size_t i = 0; st == BX_OK && i < bx_catalog_count(cat); i++)
        st = bx_writer_put(w, bx_catalog_box(cat, i));
    if (st == BX_OK) {
        st = bx_writer_close(w);
        w = NULL;
    }
    bx_writer_abort(w);
    bx_catalog_free(cat);
    cat = NULL;
    if (st == BX_OK) {
        bx_reader *r = NULL;
        st = bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, fmt, "mem", buf.data, buf.len, NULL);
        if (st == BX_OK)
            st = bx_catalog_read(ctx, &cat, r);
        if (st == BX_OK && bx_catalog_count(cat) != 3)
            st = BX_EINTERNAL;
        bx_catalog_free(cat);
        bx_reader_close(r);
    }
    test_buf_free(&buf);
    return st;
}

static void test_catalog_load_oom(void **state)
{
    (void)state;
    assert_true(fail_every_allocation(load_catalog, DATA("catalog_small.csv"), "catalog") > 3);
    fail_every_allocation(load_catalog, BOXCAR_SAMPLES "/catalogs/cn-express.csv", "cn-express");
}

static void test_check_oom(void **state)
{
    (void)state;
    assert_true(fail_every_allocation(check_orders, BOXCAR_SAMPLES "/orders/demo.csv", "check demo") > 3);
    fail_every_allocation(check_bad_orders, DATA("orders_bad.csv"), "check bad orders");
}

static void test_write_read_oom(void **state)
{
    (void)state;
    bx_format formats[] = {BX_FORMAT_CSV,
#if BOXCAR_HAVE_JSON
                           BX_FORMAT_JSON,
#endif
#if BOXCAR_HAVE_CBOR
                           BX_FORMAT_CBOR,
#endif
    };
    for (size_t i = 0; i < BX_ARRAY_LEN(formats); i++)
        assert_true(fail_every_allocation(write_and_read, &formats[i], bx_format_name(formats[i])) > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_load_oom),
        cmocka_unit_test(test_check_oom),
        cmocka_unit_test(test_write_read_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
