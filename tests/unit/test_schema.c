/*
 * test_schema.c: field setters, required fields, cross-field rules and
 * validation of records built in code.
 */
#include <string.h>

#include "internal.h"
#include "testutil.h"

static bx_ctx *ctx;
static test_diags diags;

static int setup(void **state)
{
    (void)state;
    memset(&diags, 0, sizeof diags);
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return -1;
    bx_ctx_set_diag(ctx, test_diag_fn, &diags);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bx_ctx_free(ctx);
    return 0;
}

static const bx_field *field(bx_record_kind kind, const char *name)
{
    const bx_schema *s = bxi_schema_for(kind);
    return bxi_schema_field(s, name, strlen(name));
}

static bx_box good_box(void)
{
    bx_box b;
    bx_box_init(&b);
    strcpy(b.box_id, "5#");
    b.inner_l_mm = 284;
    b.inner_w_mm = 164;
    b.inner_h_mm = 184;
    b.max_weight_g = 8000;
    return b;
}

static void test_text_setters(void **state)
{
    (void)state;
    bx_order_line l;
    bx_order_line_init(&l);
    bx_location at = {"o.csv", 4, 0, 0, 0, NULL};
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "qty"), &l, "3", 1, &at), BX_OK);
    assert_int_equal(l.qty, 3);
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "rotation"), &l, "Upright", 7, &at), BX_OK);
    assert_int_equal(l.rotation, BX_ROTATE_UPRIGHT);
    assert_true(l.has & BX_LINE_HAS_ROTATION);
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "fragile"), &l, "yes", 3, &at), BX_OK);
    assert_true(l.fragile);
    /* empty optional = absent, nothing set */
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "group"), &l, "", 0, &at), BX_OK);
    assert_false(l.has & BX_LINE_HAS_GROUP);
    /* empty required = error naming the field */
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "l_mm"), &l, "", 0, &at), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "o.csv:4: field 'l_mm': required field is empty");
    /* a fraction in a millimetre field is an error, not 12 */
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "w_mm"), &l, "12.5", 4, &at), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "field 'w_mm': expected a whole number"));
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "qty"), &l, "0", 1, &at), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "0 is out of range 1..1000000"));
    assert_int_equal(bxi_field_set_text(ctx, field(BX_RECORD_ORDER_LINE, "rotation"), &l, "sideways", 8, &at), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "expected any, upright or fixed"));
}

static void test_identifiers(void **state)
{
    (void)state;
    bx_box b = good_box();
    const bx_field *f = field(BX_RECORD_BOX, "box_id");
    bx_location at = {"c.csv", 2, 1, 0, 0, NULL};
    const char *utf8 = "\xe5\xb0\x8f\xe7\xae\xb1"; /* 小箱 */
    assert_int_equal(bxi_field_set_text(ctx, f, &b, utf8, strlen(utf8), &at), BX_OK);
    assert_string_equal(b.box_id, utf8);
    static const char *bad[] = {" 1#", "1# ", "a\tb", "\xe5\xb0", "\xc0\xaf", "\xed\xa0\x80",
                                "\xff", "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
        if (bxi_field_set_text(ctx, f, &b, bad[i], strlen(bad[i]), &at) != BX_EINPUT)
            fail_msg("accepted id #%zu", i);
    }
    /* 63 bytes is the longest allowed */
    const char *max = "012345678901234567890123456789012345678901234567890123456789012";
    assert_int_equal(strlen(max), 63);
    assert_int_equal(bxi_field_set_text(ctx, f, &b, max, 63, &at), BX_OK);
}

static void test_typed_setters(void **state)
{
    (void)state;
    bx_box b = good_box();
    bx_location at = {0};
    assert_int_equal(bxi_field_set_int(ctx, field(BX_RECORD_BOX, "cost"), &b, 3, &at), BX_OK);
    assert_true(b.cost == 3.0);
    assert_int_equal(bxi_field_set_double(ctx, field(BX_RECORD_BOX, "cost"), &b, 1.35, &at), BX_OK);
    assert_true(b.cost == 1.35);
    assert_int_equal(bxi_field_set_double(ctx, field(BX_RECORD_BOX, "tare_g"), &b, 120.0, &at), BX_EINPUT);
    assert_int_equal(bxi_field_set_string(ctx, field(BX_RECORD_BOX, "tare_g"), &b, "120", 3, &at), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "expected a number, got a string"));
    assert_int_equal(bxi_field_set_int(ctx, field(BX_RECORD_BOX, "reusable"), &b, 1, &at), BX_OK);
    assert_true(b.reusable);
    assert_int_equal(bxi_field_set_int(ctx, field(BX_RECORD_BOX, "reusable"), &b, 2, &at), BX_EINPUT);
    assert_int_equal(bxi_field_set_bool(ctx, field(BX_RECORD_BOX, "stock"), &b, true, &at), BX_EINPUT);
    assert_int_equal(bxi_field_set_int(ctx, field(BX_RECORD_BOX, "box_id"), &b, 5, &at), BX_EINPUT);
    assert_int_equal(bxi_field_set_double(ctx, field(BX_RECORD_BOX, "cost"), &b, -0.01, &at), BX_EINPUT);
}

static void test_finish_reports_missing_and_rules(void **state)
{
    (void)state;
    const bx_schema *s = bxi_schema_for(BX_RECORD_BOX);
    bx_box b = good_box();
    bx_location at = {"c.csv", 9, 0, 0, 0, NULL};
    uint32_t all_required = 0x1f; /* box_id, inner l/w/h, max_weight_g */
    assert_int_equal(bxi_record_finish(ctx, s, &b, all_required, &at), BX_OK);
    assert_int_equal(bxi_record_finish(ctx, s, &b, all_required & ~(1u << 4), &at), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "c.csv:9: field 'max_weight_g': required field is missing");

    b.outer_l_mm = 290; /* only one of three */
    assert_int_equal(bxi_record_finish(ctx, s, &b, all_required, &at), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "go together"));
    b.outer_w_mm = 170;
    b.outer_h_mm = 190;
    assert_int_equal(bxi_record_finish(ctx, s, &b, all_required, &at), BX_OK);
    assert_true(b.has & BX_BOX_HAS_OUTER);
    b.outer_h_mm = 180; /* smaller than inner 184 */
    assert_int_equal(bxi_record_finish(ctx, s, &b, all_required, &at), BX_EINPUT);
    b.outer_h_mm = 190;
    b.tare_g = 8000;
    b.has |= BX_BOX_HAS_TARE;
    assert_int_equal(bxi_record_finish(ctx, s, &b, all_required, &at), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "field 'tare_g'"));

    const bx_schema *ls = bxi_schema_for(BX_RECORD_ORDER_LINE);
    bx_order_line l;
    bx_order_line_init(&l);
    strcpy(l.order_id, "D1");
    strcpy(l.item_id, "mug");
    l.qty = 1;
    l.l_mm = l.w_mm = l.h_mm = 100;
    l.alone = true;
    strcpy(l.group, "gift");
    assert_int_equal(bxi_record_finish(ctx, ls, &l, 0x7f, &at), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "cannot also be in a group"));
}

static void test_validate_records_built_in_code(void **state)
{
    (void)state;
    bx_box b = good_box();
    assert_int_equal(bx_box_validate(ctx, &b, NULL), BX_OK);
    b.inner_w_mm = 0;
    assert_int_equal(bx_box_validate(ctx, &b, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "field 'inner_w_mm'"));
    b = good_box();
    b.box_id[0] = '\0';
    assert_int_equal(bx_box_validate(ctx, &b, NULL), BX_EINPUT);
    b = good_box();
    b.stock = -5;
    assert_int_equal(bx_box_validate(ctx, &b, NULL), BX_EINPUT);
    b = good_box();
    b.outer_l_mm = 10; /* outer given without presence bit: still checked */
    b.outer_w_mm = 10;
    b.outer_h_mm = 10;
    assert_int_equal(bx_box_validate(ctx, &b, NULL), BX_EINPUT);

    bx_order_line l;
    bx_order_line_init(&l);
    strcpy(l.order_id, "D1");
    strcpy(l.item_id, "tee");
    l.qty = 2;
    l.l_mm = 300;
    l.w_mm = 200;
    l.h_mm = 20;
    l.weight_g = 180;
    assert_int_equal(bx_order_line_validate(ctx, &l, NULL), BX_OK);
    l.rotation = (bx_rotation)7;
    l.has |= BX_LINE_HAS_ROTATION;
    assert_int_equal(bx_order_line_validate(ctx, &l, NULL), BX_EINPUT);
}

static void test_names(void **state)
{
    (void)state;
    bx_rotation r;
    assert_int_equal(bx_rotation_parse("FIXED", &r), BX_OK);
    assert_int_equal(r, BX_ROTATE_FIXED);
    assert_int_equal(bx_rotation_parse("side", &r), BX_EINPUT);
    assert_string_equal(bx_rotation_name(BX_ROTATE_UPRIGHT), "upright");
    bx_format f;
    assert_int_equal(bx_format_parse("cbor", &f), BX_OK);
    assert_int_equal(f, BX_FORMAT_CBOR);
    assert_int_equal(bx_format_from_path("a/b/orders.CSV"), BX_FORMAT_CSV);
    assert_int_equal(bx_format_from_path("x.jsonl"), BX_FORMAT_JSON);
    assert_int_equal(bx_format_from_path("dir.v2/file"), BX_FORMAT_AUTO);
    assert_int_equal(bx_format_from_path("x.cbor"), BX_FORMAT_CBOR);
    bx_record_kind k;
    assert_true(bxi_kind_from_key("box_id", 6, &k));
    assert_int_equal(k, BX_RECORD_BOX);
    assert_false(bxi_kind_from_key("box", 3, &k));
}

static void test_value_text_round_trips(void **state)
{
    (void)state;
    static const double values[] = {0.0, 1.35, 0.1, 1e12, 123456.789, 2.5e-7, 1.0 / 3.0};
    for (size_t i = 0; i < BX_ARRAY_LEN(values); i++) {
        bx_value v = {BX_FT_F64, 0, values[i], false, NULL};
        char buf[64];
        size_t n = bxi_value_to_text(&v, buf, sizeof buf);
        double back;
        const char *why;
        assert_true(bxi_parse_double(buf, n, &back, &why));
        assert_true(back == values[i]);
    }
    bx_value v = {BX_FT_F64, 0, 1.35, false, NULL};
    char buf[64];
    bxi_value_to_text(&v, buf, sizeof buf);
    assert_string_equal(buf, "1.35"); /* shortest, not 1.3500000000000001 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text_setters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identifiers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typed_setters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finish_reports_missing_and_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_records_built_in_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_text_round_trips, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
