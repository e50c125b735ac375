/*
 * test_ctx.c: contexts, the allocator hook, error messages, warnings, arena.
 */
#include <string.h>

#include "internal.h"
#include "testutil.h"

static void test_strerror_covers_every_status(void **state)
{
    (void)state;
    for (int s = BX_OK; s <= BX_EINTERNAL; s++)
        assert_string_not_equal(bx_strerror((bx_status)s), "unknown status");
    assert_string_equal(bx_strerror((bx_status)999), "unknown status");
    assert_string_equal(bx_strerror(BX_ENOMEM), "out of memory");
}

static void test_custom_allocator_sees_every_byte(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    assert_non_null(ctx);
    size_t base = ta.live_bytes;
    assert_int_equal(bx_ctx_bytes_in_use(ctx), base);
    void *p = bx_alloc(ctx, 100);
    assert_non_null(p);
    assert_true(ta.live_bytes > base + 100 - 1);
    assert_int_equal(bx_ctx_bytes_in_use(ctx), ta.live_bytes);
    p = bx_realloc(ctx, p, 5000);
    assert_non_null(p);
    assert_int_equal(bx_ctx_bytes_in_use(ctx), ta.live_bytes);
    bx_free(ctx, p);
    assert_int_equal(ta.live_bytes, base);
    bx_free(ctx, NULL);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
    assert_int_equal(ta.live_blocks, 0);
    bx_ctx_free(NULL);
}

static void test_alloc_failure_is_reported(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 1); /* the first allocation after creation */
    assert_non_null(ctx);
    assert_null(bx_alloc(ctx, 64));
    assert_int_equal(bx_ctx_errcode(ctx), BX_ENOMEM);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "out of memory"));
    /* a failed growth leaves the old block intact */
    ta.fail_at = ta.calls + 2;
    char *p = bx_alloc(ctx, 8);
    assert_non_null(p);
    memcpy(p, "boxcar!", 8);
    assert_null(bx_realloc(ctx, p, 1 << 20));
    assert_string_equal(p, "boxcar!");
    bx_free(ctx, p);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);

    /* creating the context itself can fail */
    memset(&ta, 0, sizeof ta);
    ta.fail_at = 1;
    bx_ctx *none = (bx_ctx *)&ta;
    assert_int_equal(bx_ctx_new(&none, test_alloc_fn, &ta), BX_ENOMEM);
    assert_null(none);
    assert_int_equal(bx_ctx_new(NULL, NULL, NULL), BX_EINVAL);
}

static void test_input_error_names_file_line_column_field(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    test_diags td = {0};
    bx_ctx_set_diag(ctx, test_diag_fn, &td);
    bx_location at = {"orders.csv", 12, 3, 0, 0, "qty"};
    assert_int_equal(bxi_input_error(ctx, BX_EINPUT, &at, "bad %s", "value"), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "orders.csv:12:3: field 'qty': bad value");
    bx_location got = bx_ctx_errloc(ctx);
    assert_string_equal(got.file, "orders.csv");
    assert_int_equal(got.line, 12);
    assert_int_equal(got.column, 3);
    assert_string_equal(got.field, "qty");
    assert_int_equal(td.nerrors, 1);
    assert_string_equal(td.last, "orders.csv:12:3: field 'qty': bad value");

    bx_location cb = {"o.cbor", 0, 0, 7, 1234, "l_mm"};
    bxi_input_error(ctx, BX_EINPUT, &cb, "too big");
    assert_string_equal(bx_ctx_errmsg(ctx), "o.cbor: record 7 (byte 1234): field 'l_mm': too big");

    bxi_input_error(ctx, BX_EINPUT, NULL, "plain");
    assert_string_equal(bx_ctx_errmsg(ctx), "plain");

    bx_ctx_clear_error(ctx);
    assert_string_equal(bx_ctx_errmsg(ctx), "");
    assert_int_equal(bx_ctx_errcode(ctx), BX_OK);
    bx_ctx_free(ctx);
    assert_string_equal(bx_ctx_errmsg(NULL), "no context");
}

static void test_warnings_are_kept_and_counted(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    for (int i = 0; i < BX_WARNINGS_KEPT + 10; i++) {
        bx_location at = {"c.csv", 1, (uint32_t)i + 1, 0, 0, "x"};
        assert_int_equal(bxi_warn(ctx, &at, "unknown column %d", i), BX_OK);
    }
    assert_int_equal(bx_ctx_warning_count(ctx), BX_WARNINGS_KEPT + 10);
    assert_string_equal(bx_ctx_warning(ctx, 0), "c.csv:1:1: field 'x': unknown column 0");
    assert_non_null(bx_ctx_warning(ctx, BX_WARNINGS_KEPT - 1));
    assert_null(bx_ctx_warning(ctx, BX_WARNINGS_KEPT));
    bx_ctx_clear_warnings(ctx);
    assert_int_equal(bx_ctx_warning_count(ctx), 0);
    bxi_warn(ctx, NULL, "again");
    bx_ctx_free(ctx); /* frees kept warnings too */
    assert_int_equal(ta.live_bytes, 0);
}

static void test_arena_reuses_chunks_after_reset(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bx_arena a;
    bx_arena_init(&a, ctx, 1024);
    for (int round = 0; round < 3; round++) {
        uint64_t calls_before = ta.calls;
        for (int i = 0; i < 100; i++) {
            double *d = bx_arena_alloc(&a, 3 * sizeof(double), 0);
            assert_non_null(d);
            assert_int_equal((uintptr_t)d % _Alignof(max_align_t), 0);
            d[0] = d[1] = d[2] = i;
            char *c = bx_arena_alloc(&a, 1, 1);
            assert_non_null(c);
        }
        void *big = bx_arena_alloc(&a, 10000, 64); /* larger than a chunk */
        assert_non_null(big);
        assert_int_equal((uintptr_t)big % 64, 0);
        /* After the first round the same work allocates nothing. */
        if (round > 0)
            assert_int_equal(ta.calls, calls_before);
        bx_arena_reset(&a);
    }
    assert_null(bx_arena_alloc(&a, 8, 3)); /* not a power of two */
    assert_int_equal(bx_ctx_errcode(ctx), BX_EINVAL);
    bx_arena_release(&a);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

static void test_arena_out_of_memory(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 1);
    bx_arena a;
    bx_arena_init(&a, ctx, 0);
    assert_null(bx_arena_alloc(&a, 16, 0));
    assert_int_equal(bx_ctx_errcode(ctx), BX_ENOMEM);
    assert_non_null(bx_arena_alloc(&a, 16, 0));
    bx_arena_release(&a);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

/* The one growth rule (bxi_grow): capacities 8, 16, 32, ... up to the limit,
 * never beyond it, nothing changed on failure. */
static void test_grow_doubles_up_to_its_limit(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    assert_non_null(ctx);
    void *p = NULL;
    size_t cap = 0;
    assert_int_equal(bxi_grow(ctx, &p, &cap, 1, sizeof(int), 100, "things"), BX_OK);
    assert_int_equal(cap, 8);
    assert_int_equal(bxi_grow(ctx, &p, &cap, 9, sizeof(int), 100, "things"), BX_OK);
    assert_int_equal(cap, 16);
    assert_int_equal(bxi_grow(ctx, &p, &cap, 33, sizeof(int), 100, "things"), BX_OK);
    assert_int_equal(cap, 64);
    /* the next doubling (128) would pass the limit: capped at 100 */
    assert_int_equal(bxi_grow(ctx, &p, &cap, 65, sizeof(int), 100, "things"), BX_OK);
    assert_int_equal(cap, 100);
    void *keep = p;
    assert_int_equal(bxi_grow(ctx, &p, &cap, 101, sizeof(int), 100, "things"), BX_ELIMIT);
    assert_string_equal(bx_ctx_errmsg(ctx), "too many things (at most 100)");
    assert_ptr_equal(p, keep);
    assert_int_equal(cap, 100);
    /* a byte count that size_t cannot hold is a limit, not a short block */
    void *q = NULL;
    size_t qcap = 0;
    assert_int_equal(bxi_grow(ctx, &q, &qcap, SIZE_MAX / 4, 8, SIZE_MAX, "wide things"),
                     BX_ELIMIT);
    assert_null(q);
    assert_int_equal(qcap, 0);
    /* out of memory keeps the old array */
    ta.fail_at = ta.calls + 1;
    uint32_t cap32 = 0;
    void *r = NULL;
    assert_int_equal(bxi_grow32(ctx, &r, &cap32, 3, 4, UINT32_MAX, "rows"), BX_ENOMEM);
    assert_null(r);
    assert_int_equal(cap32, 0);
    bx_free(ctx, p);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(bx_version(), BX_VERSION_STRING);
    assert_int_equal(bx_version_number(),
                     BX_VERSION_MAJOR * 1000000 + BX_VERSION_MINOR * 1000 + BX_VERSION_PATCH);
    assert_non_null(strstr(bx_build_features(), "core"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_covers_every_status),
        cmocka_unit_test(test_custom_allocator_sees_every_byte),
        cmocka_unit_test(test_alloc_failure_is_reported),
        cmocka_unit_test(test_input_error_names_file_line_column_field),
        cmocka_unit_test(test_warnings_are_kept_and_counted),
        cmocka_unit_test(test_arena_reuses_chunks_after_reset),
        cmocka_unit_test(test_arena_out_of_memory),
        cmocka_unit_test(test_grow_doubles_up_to_its_limit),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
