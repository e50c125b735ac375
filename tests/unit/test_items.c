/*
 * test_items.c: the item master record kind (docs/formats.md, section
 * 3a): the same items read from CSV, JSON and CBOR, written back, their
 * presence bits, the barcode rule, a header that mixes kinds, and finding
 * an item by its sku or any of its barcodes. Expected values are the ones
 * written in the inputs below.
 */
#include <stdio.h>
#include <string.h>

#include "boxcar/records.h"
#include "testutil.h"

static const char items_csv[] =
    "sku,barcodes,l_mm,w_mm,h_mm,weight_g,rotation,fragile,max_load_g\n"
    "MUG-01,6901234567892|6901234567908,120,90,100,350,upright,yes,2000\n"
    "BOOK-7,,240,170,30,600,,,\n";

static const char items_json[] =
    "[{\"sku\":\"MUG-01\",\"barcodes\":\"6901234567892|6901234567908\",\"l_mm\":120,"
    "\"w_mm\":90,\"h_mm\":100,\"weight_g\":350,\"rotation\":\"upright\",\"fragile\":true,"
    "\"max_load_g\":2000},"
    "{\"sku\":\"BOOK-7\",\"l_mm\":240,\"w_mm\":170,\"h_mm\":30,\"weight_g\":600}]";

static size_t read_items(bx_ctx *ctx, bx_format fmt, const void *data, size_t len,
                         bx_item *out, size_t max)
{
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, fmt, "items", data, len,
                                        NULL), BX_OK);
    size_t n = 0;
    bx_record rec;
    bx_status st;
    while ((st = bx_reader_next(r, &rec)) == BX_OK) {
        assert_int_equal(rec.kind, BX_RECORD_ITEM);
        assert_true(n < max);
        out[n++] = rec.u.item;
    }
    assert_int_equal(st, BX_END);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_ITEM);
    bx_reader_close(r);
    return n;
}

static void expect_items(const bx_item *it, size_t n)
{
    assert_int_equal(n, 2);
    assert_string_equal(it[0].sku, "MUG-01");
    assert_string_equal(it[0].barcodes, "6901234567892|6901234567908");
    assert_int_equal(it[0].l_mm, 120);
    assert_int_equal(it[0].w_mm, 90);
    assert_int_equal(it[0].h_mm, 100);
    assert_int_equal(it[0].weight_g, 350);
    assert_int_equal(it[0].rotation, BX_ROTATE_UPRIGHT);
    assert_true(it[0].fragile);
    assert_int_equal(it[0].max_load_g, 2000);
    assert_int_equal(it[0].has, BX_ITEM_HAS_BARCODES | BX_ITEM_HAS_ROTATION |
                                    BX_ITEM_HAS_FRAGILE | BX_ITEM_HAS_MAX_LOAD);
    assert_string_equal(it[1].sku, "BOOK-7");
    assert_int_equal(it[1].has, 0);
    assert_int_equal(it[1].rotation, BX_ROTATE_ANY);
    assert_false(it[1].fragile);
}

static void test_items_in_every_encoding(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_item it[4];
    expect_items(it, read_items(ctx, BX_FORMAT_CSV, items_csv, sizeof items_csv - 1, it, 4));
    expect_items(it, read_items(ctx, BX_FORMAT_JSON, items_json, sizeof items_json - 1, it, 4));
    assert_int_equal(bx_ctx_warning_count(ctx), 0);
#if BOXCAR_HAVE_CBOR
    /* written as CBOR and read back: the same items */
    test_buf b = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(ctx, &w, BX_RECORD_ITEM, BX_FORMAT_CBOR, test_buf_write,
                                    &b, 2), BX_OK);
    assert_int_equal(bx_writer_put(w, &it[0]), BX_OK);
    assert_int_equal(bx_writer_put(w, &it[1]), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    bx_item back[4];
    expect_items(back, read_items(ctx, BX_FORMAT_CBOR, b.data, b.len, back, 4));
    test_buf_free(&b);
#endif
    bx_ctx_free(ctx);
}

static void test_item_rules(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    static const char *const bad[] = {"a||b", "|a", "a|"};
    for (size_t i = 0; i < 3; i++) {
        char csv[128];
        snprintf(csv, sizeof csv, "sku,l_mm,w_mm,h_mm,weight_g,barcodes\nX,1,1,1,1,%s\n", bad[i]);
        bx_reader *r = NULL;
        assert_int_equal(bx_reader_open_mem(ctx, &r, BX_RECORD_ITEM, BX_FORMAT_CSV, "items.csv",
                                            csv, strlen(csv), NULL), BX_OK);
        bx_item it;
        assert_int_equal(bx_reader_next(r, &it), BX_EINPUT);
        bx_location loc = bx_ctx_errloc(ctx);
        assert_string_equal(loc.field, "barcodes");
        assert_int_equal(loc.line, 2);
        bx_reader_close(r);
    }
    /* a header with sku and order_id is neither an item master nor an order */
    static const char mixed[] = "sku,order_id,l_mm\nX,O,1\n";
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, BX_FORMAT_CSV, "m.csv", mixed,
                                      sizeof mixed - 1, NULL);
    bx_record rec;
    if (st == BX_OK)
        st = bx_reader_next(r, &rec);
    assert_int_equal(st, BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "cannot tell an item master"));
    bx_reader_close(r);
    /* built in code: validated as a read one is */
    bx_item it;
    bx_item_init(&it);
    snprintf(it.sku, sizeof it.sku, "S");
    it.l_mm = it.w_mm = it.h_mm = 1;
    assert_int_equal(bx_item_validate(ctx, &it, NULL), BX_OK);
    it.l_mm = 0;
    assert_int_equal(bx_item_validate(ctx, &it, NULL), BX_EINPUT);
    assert_string_equal(bx_ctx_errloc(ctx).field, "l_mm");
    bx_ctx_free(ctx);
}

static void test_item_matches(void **state)
{
    (void)state;
    bx_item it;
    bx_item_init(&it);
    snprintf(it.sku, sizeof it.sku, "MUG-01");
    snprintf(it.barcodes, sizeof it.barcodes, "6901234567892|6901234567908");
    it.has = BX_ITEM_HAS_BARCODES;
    assert_true(bx_item_matches(&it, "MUG-01"));
    assert_true(bx_item_matches(&it, "6901234567892"));
    assert_true(bx_item_matches(&it, "6901234567908"));
    assert_false(bx_item_matches(&it, "690123456789"));   /* a prefix */
    assert_false(bx_item_matches(&it, "6901234567892|"));
    assert_false(bx_item_matches(&it, ""));
    assert_false(bx_item_matches(&it, "MUG"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_in_every_encoding),
        cmocka_unit_test(test_item_rules),
        cmocka_unit_test(test_item_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
