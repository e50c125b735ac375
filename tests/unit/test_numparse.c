/*
 * test_numparse.c: strict numbers. Expected values are the plain decimal
 * readings of the inputs; every rejected input is one that a lenient parser
 * (atoi, strtol, strtod) would have turned into a wrong number silently.
 */
#include <float.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static bool int_of(const char *s, int64_t *v)
{
    const char *why = NULL;
    return bxi_parse_int(s, strlen(s), INT64_MIN, INT64_MAX, v, &why);
}

static void test_integers_accepted(void **state)
{
    (void)state;
    int64_t v;
    assert_true(int_of("0", &v));
    assert_int_equal(v, 0);
    assert_true(int_of("530", &v));
    assert_int_equal(v, 530);
    assert_true(int_of("-17", &v));
    assert_int_equal(v, -17);
    assert_true(int_of("  42\t", &v)); /* surrounding blanks are not digits lost */
    assert_int_equal(v, 42);
    assert_true(int_of("007", &v));
    assert_int_equal(v, 7);
    assert_true(int_of("9223372036854775807", &v));
    assert_true(v == INT64_MAX);
    assert_true(int_of("-9223372036854775808", &v));
    assert_true(v == INT64_MIN);
}

static void test_integers_rejected(void **state)
{
    (void)state;
    static const char *bad[] = {
        "", " ", "-", "+5", "12.5", "12.", "1e3", "0x10", "12abc", "1 2",
        "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999", "١٢", "nan", "inf",
    };
    for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
        int64_t v = 12345;
        const char *why = NULL;
        bool ok = bxi_parse_int(bad[i], strlen(bad[i]), INT64_MIN, INT64_MAX, &v, &why);
        if (ok)
            fail_msg("accepted '%s'", bad[i]);
        assert_non_null(why);
        assert_int_equal(v, 12345); /* untouched */
    }
}

static void test_integer_range(void **state)
{
    (void)state;
    int64_t v;
    const char *why;
    assert_true(bxi_parse_int("100000", 6, 1, 100000, &v, &why));
    assert_false(bxi_parse_int("100001", 6, 1, 100000, &v, &why));
    assert_string_equal(why, "value above the allowed maximum");
    assert_false(bxi_parse_int("0", 1, 1, 100000, &v, &why));
    assert_string_equal(why, "value below the allowed minimum");
    /* length is honoured: only "12" of "123" */
    assert_true(bxi_parse_int("123", 2, 0, 1000, &v, &why));
    assert_int_equal(v, 12);
}

static void test_doubles(void **state)
{
    (void)state;
    double d;
    const char *why;
    assert_true(bxi_parse_double("1.25", 4, &d, &why));
    assert_true(d == 1.25);
    assert_true(bxi_parse_double("-0.5", 4, &d, &why));
    assert_true(d == -0.5);
    assert_true(bxi_parse_double("2e-3", 4, &d, &why));
    assert_true(d == 0.002);
    assert_true(bxi_parse_double("3", 1, &d, &why));
    assert_true(d == 3.0);
    assert_true(bxi_parse_double(".5", 2, &d, &why));
    assert_true(d == 0.5);
    assert_true(bxi_parse_double("1E+2", 4, &d, &why));
    assert_true(d == 100.0);
    static const char *bad[] = {"", "nan", "NaN", "inf", "-Infinity", "0x1p3",
                                "1,5", "1.2.3", "e5", "1e", "1e+", "+1", "--1",
                                "1e400", "-1e400", "."};
    for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
        d = 7.0;
        if (bxi_parse_double(bad[i], strlen(bad[i]), &d, &why))
            fail_msg("accepted '%s'", bad[i]);
        assert_true(d == 7.0);
    }
}

static void test_booleans(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool v;
    } good[] = {{"1", true}, {"0", false}, {"true", true}, {"FALSE", false},
                {"Yes", true}, {"no", false}, {" 1 ", true}};
    for (size_t i = 0; i < BX_ARRAY_LEN(good); i++) {
        bool b = !good[i].v;
        const char *why;
        assert_true(bxi_parse_bool(good[i].s, strlen(good[i].s), &b, &why));
        assert_int_equal(b, good[i].v);
    }
    static const char *bad[] = {"", "2", "y", "t", "on", "truee"};
    for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
        bool b;
        const char *why;
        if (bxi_parse_bool(bad[i], strlen(bad[i]), &b, &why))
            fail_msg("accepted '%s'", bad[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers_accepted),
        cmocka_unit_test(test_integers_rejected),
        cmocka_unit_test(test_integer_range),
        cmocka_unit_test(test_doubles),
        cmocka_unit_test(test_booleans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
