/*
 * test_catalog.c: loading, lookup, duplicates, lifetime of a catalog.
 */
#include <string.h>

#include "internal.h"
#include "testutil.h"

#define DATA(f) BOXCAR_TEST_DATA "/" f

static void test_load_small_catalog(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bx_catalog *cat = NULL;
    assert_int_equal(bx_catalog_load(ctx, &cat, DATA("catalog_small.csv"), BX_FORMAT_AUTO), BX_OK);
    assert_int_equal(bx_catalog_count(cat), 3);
    const bx_box *m = bx_catalog_find(cat, "M");
    assert_non_null(m);
    assert_int_equal(m->inner_l_mm, 300);
    assert_int_equal(m->tare_g, 160);
    assert_int_equal(m->stock, BX_STOCK_UNLIMITED); /* empty = unlimited */
    assert_int_equal(m->line, 3);
    assert_int_equal(bx_catalog_find(cat, "S")->stock, 10);
    assert_null(bx_catalog_find(cat, "XL"));
    assert_ptr_equal(bx_catalog_box(cat, 0), bx_catalog_find(cat, "S"));
    assert_null(bx_catalog_box(cat, 3));
    /* The catalog keeps the allocator, not the context: it outlives it. */
    bx_ctx_free(ctx);
    assert_int_equal(bx_catalog_find(cat, "L")->max_weight_g, 20000);
    bx_catalog_free(cat);
    assert_int_equal(ta.live_bytes, 0);
    bx_catalog_free(NULL);
}

static void test_shipped_catalog_loads(void **state)
{
    (void)state;
    bx_ctx *ctx;
    bx_ctx_new(&ctx, NULL, NULL);
    bx_catalog *cat = NULL;
    bx_status st = bx_catalog_load(ctx, &cat, BOXCAR_SAMPLES "/catalogs/cn-express.csv", BX_FORMAT_AUTO);
    if (st != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(ctx));
    /* the trade series 1# to 12# */
    assert_int_equal(bx_catalog_count(cat), 12);
    for (int i = 1; i <= 12; i++) {
        char id[8];
        snprintf(id, sizeof id, "%d#", i);
        const bx_box *b = bx_catalog_find(cat, id);
        assert_non_null(b);
        assert_true(b->has & BX_BOX_HAS_OUTER);
        assert_true(b->inner_l_mm < b->outer_l_mm);
    }
    /* 5# is 290 x 170 x 190 outside (reference table) */
    const bx_box *b5 = bx_catalog_find(cat, "5#");
    assert_int_equal(b5->outer_l_mm, 290);
    assert_int_equal(b5->outer_w_mm, 170);
    assert_int_equal(b5->outer_h_mm, 190);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
}

static void test_bad_catalog_reports_every_row(void **state)
{
    (void)state;
    bx_ctx *ctx;
    bx_ctx_new(&ctx, NULL, NULL);
    test_diags td = {0};
    bx_ctx_set_diag(ctx, test_diag_fn, &td);
    bx_catalog *cat = (bx_catalog *)ctx;
    assert_int_equal(bx_catalog_load(ctx, &cat, DATA("catalog_bad.csv"), BX_FORMAT_AUTO), BX_EINPUT);
    assert_null(cat);
    /* rows 3, 4, 6 are bad; the duplicate S is only found once all rows
     * were good, which they are not, so three errors and one warning */
    assert_int_equal(td.nerrors, 3);
    assert_int_equal(td.nwarnings, 1);
    assert_non_null(strstr(td.all, DATA("catalog_bad.csv") ":3:4: field 'inner_h_mm'"));
    assert_non_null(strstr(td.all, DATA("catalog_bad.csv") ":4:5: field 'max_weight_g'"));
    assert_non_null(strstr(td.all, ":1:6: field 'colour': unknown column"));
    bx_ctx_free(ctx);
}

static void test_catalog_from_code_and_duplicates(void **state)
{
    (void)state;
    bx_ctx *ctx;
    bx_ctx_new(&ctx, NULL, NULL);
    bx_box boxes[3];
    for (int i = 0; i < 3; i++) {
        bx_box_init(&boxes[i]);
        snprintf(boxes[i].box_id, sizeof boxes[i].box_id, "B%d", i);
        boxes[i].inner_l_mm = boxes[i].inner_w_mm = boxes[i].inner_h_mm = 100 * (i + 1);
        boxes[i].max_weight_g = 1000;
    }
    bx_catalog *cat;
    assert_int_equal(bx_catalog_new(ctx, &cat, boxes, 3), BX_OK);
    assert_int_equal(bx_catalog_find(cat, "B2")->inner_h_mm, 300);
    bx_catalog_free(cat);

    strcpy(boxes[2].box_id, "B0");
    assert_int_equal(bx_catalog_new(ctx, &cat, boxes, 3), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "duplicate box_id 'B0'"));
    assert_int_equal(bx_catalog_new(ctx, &cat, boxes, 0), BX_EINPUT);
    boxes[1].inner_l_mm = -1;
    assert_int_equal(bx_catalog_new(ctx, &cat, boxes, 2), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "record 2"));
    assert_int_equal(bx_catalog_load(ctx, &cat, DATA("no-such-file.csv"), BX_FORMAT_AUTO), BX_ENOTFOUND);
    assert_int_equal(bx_catalog_load(ctx, &cat, DATA("orders_bad.csv"), BX_FORMAT_AUTO), BX_EINPUT);
    bx_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_small_catalog),
        cmocka_unit_test(test_shipped_catalog_loads),
        cmocka_unit_test(test_bad_catalog_reports_every_row),
        cmocka_unit_test(test_catalog_from_code_and_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
