/*
 * test_check.c: bx_check_file reports every problem of a file. The expected
 * problems of each fixture are listed in comments, found by reading it.
 */
#include <string.h>

#include "internal.h"
#include "testutil.h"

#define DATA(f) BOXCAR_TEST_DATA "/" f

static bx_ctx *ctx;
static test_diags td;

static int setup(void **state)
{
    (void)state;
    memset(&td, 0, sizeof td);
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return -1;
    bx_ctx_set_diag(ctx, test_diag_fn, &td);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bx_ctx_free(ctx);
    return 0;
}

/* catalog_bad.csv:
 *   line 1: unknown column 'colour'             (warning)
 *   line 3: inner_h_mm 15.5                      (error, column 4)
 *   line 4: max_weight_g 0                       (error, column 5)
 *   line 5: box S again, first on line 2         (error)
 *   line 6: 5 fields where the header has 6      (error) */
static void test_bad_catalog(void **state)
{
    (void)state;
    bx_check_result r;
    assert_int_equal(bx_check_file(ctx, DATA("catalog_bad.csv"), BX_RECORD_AUTO, BX_FORMAT_AUTO, &r), BX_EINPUT);
    assert_int_equal(r.kind, BX_RECORD_BOX);
    assert_int_equal(r.format, BX_FORMAT_CSV);
    assert_int_equal(r.records, 5);
    assert_int_equal(r.errors, 4);
    assert_int_equal(r.warnings, 1);
    assert_int_equal(td.nerrors, 4);
    assert_non_null(strstr(td.all, ":3:4: field 'inner_h_mm': expected a whole number"));
    assert_non_null(strstr(td.all, ":4:5: field 'max_weight_g': 0 is out of range"));
    assert_non_null(strstr(td.all, ":5: field 'box_id': duplicate box_id 'S' (first on line 2)"));
    assert_non_null(strstr(td.all, ":6"));
}

/* orders_bad.csv:
 *   line 6: B7 tee again in the same order, first on line 5  (warning)
 *   line 7: A1 resumes after B7 (first run on line 2)         (error)
 *   line 8: fragile 'sometimes'                               (error, column 9)
 * good lines: 2..7 with qty 2+1+3+1+1+5 = 13 units; orders A1, B7 */
static void test_bad_orders(void **state)
{
    (void)state;
    bx_check_result r;
    assert_int_equal(bx_check_file(ctx, DATA("orders_bad.csv"), BX_RECORD_AUTO, BX_FORMAT_AUTO, &r), BX_EINPUT);
    assert_int_equal(r.kind, BX_RECORD_ORDER_LINE);
    assert_int_equal(r.records, 7);
    assert_int_equal(r.errors, 2);
    assert_int_equal(r.warnings, 1);
    assert_int_equal(r.orders, 2);
    assert_int_equal(r.units, 13);
    assert_non_null(strstr(td.all, ":7: field 'order_id': the lines of order 'A1' are not together (an earlier run starts on line 2)"));
    assert_non_null(strstr(td.all, ":8:9: field 'fragile': expected a boolean"));
    assert_non_null(strstr(td.all, ":6: field 'item_id': item 'tee' appears again in the same order (first on line 5)"));
}

static void test_good_files_and_forced_kind(void **state)
{
    (void)state;
    bx_check_result r;
    assert_int_equal(bx_check_file(ctx, DATA("catalog_small.csv"), BX_RECORD_AUTO, BX_FORMAT_AUTO, &r), BX_OK);
    assert_int_equal(r.records, 3);
    assert_int_equal(r.errors, 0);
    /* a catalog checked as orders: its header lacks every order column */
    assert_int_equal(bx_check_file(ctx, DATA("catalog_small.csv"), BX_RECORD_ORDER_LINE, BX_FORMAT_AUTO, &r), BX_EINPUT);
    assert_non_null(strstr(td.last, "order_id"));
    assert_int_equal(bx_check_file(ctx, DATA("nope.csv"), BX_RECORD_AUTO, BX_FORMAT_AUTO, &r), BX_ENOTFOUND);
}

static void test_shipped_samples_are_valid(void **state)
{
    (void)state;
    bx_check_result r;
    bx_status st = bx_check_file(ctx, BOXCAR_SAMPLES "/orders/demo.csv", BX_RECORD_AUTO, BX_FORMAT_AUTO, &r);
    if (st != BX_OK)
        fail_msg("%s", td.all);
    assert_true(r.orders >= 300);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(bx_check_file(ctx, BOXCAR_SAMPLES "/catalogs/cn-express.csv", BX_RECORD_AUTO, BX_FORMAT_AUTO, &r), BX_OK);
    assert_int_equal(r.records, 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bad_catalog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_good_files_and_forced_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_samples_are_valid, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
