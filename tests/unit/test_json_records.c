/*
 * test_json_records.c: JSON records (arrays and JSON Lines) through the
 * public reader and writer API.
 *
 * Expected line and column numbers are counted by hand from the inputs,
 * which are written one physical line per C string line so the count is
 * easy to check. jansson reports a syntax error after reading the offending
 * token, so those errors point at the token's last byte (checked against
 * jansson itself on the same text outside boxcar). Expected writer output is
 * typed out by hand from the records' values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* The four required dimension/weight fields of a box, and of an order line. */
#define BOX_DIMS "\"inner_l_mm\":300,\"inner_w_mm\":200,\"inner_h_mm\":100,\"max_weight_g\":20000"
#define LINE_DIMS "\"qty\":1,\"l_mm\":10,\"w_mm\":20,\"h_mm\":30,\"weight_g\":500"

typedef struct fixture {
    test_alloc ta;
    bx_ctx *ctx;
    test_diags diags;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    f->ctx = test_ctx_new(&f->ta, 0);
    if (f->ctx == NULL) {
        free(f);
        return -1;
    }
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_bytes, 0);
    free(f);
    return 0;
}

static bx_reader *open_text(fixture *f, bx_record_kind kind, const char *text,
                            const bx_reader_limits *limits)
{
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_mem(f->ctx, &r, kind, BX_FORMAT_JSON,
                                        "in.json", text, strlen(text), limits),
                     BX_OK);
    return r;
}

/* The last error's location must be exactly this. */
static void assert_error_at(fixture *f, uint64_t line, uint32_t column,
                            const char *field)
{
    bx_location at = bx_ctx_errloc(f->ctx);
    assert_int_equal(at.line, line);
    assert_int_equal(at.column, column);
    if (field == NULL)
        assert_null(at.field);
    else
        assert_string_equal(at.field, field);
}

/* ---- reading ----------------------------------------------------------------- */

static void test_array_of_boxes(void **state)
{
    fixture *f = *state;
    const char *text =
        "[\n"
        "  {\"box_id\":\"S1\"," BOX_DIMS "},\n"
        "  {\"box_id\":\"S2\"," BOX_DIMS ",\"tare_g\":250,\"cost\":0.35,"
        "\"stock\":7,\"reusable\":true,\"material\":\"corrugated\"}\n"
        "]\n";
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "S1");
    assert_int_equal(b.inner_l_mm, 300);
    assert_int_equal(b.inner_w_mm, 200);
    assert_int_equal(b.inner_h_mm, 100);
    assert_int_equal(b.max_weight_g, 20000);
    assert_int_equal(b.has, 0);
    assert_int_equal(b.stock, BX_STOCK_UNLIMITED);
    assert_int_equal(b.line, 2);

    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "S2");
    assert_int_equal(b.tare_g, 250);
    assert_true(b.cost == 0.35);
    assert_int_equal(b.stock, 7);
    assert_true(b.reusable);
    assert_string_equal(b.material, "corrugated");
    assert_int_equal(b.has, BX_BOX_HAS_TARE | BX_BOX_HAS_COST | BX_BOX_HAS_STOCK |
                                BX_BOX_HAS_REUSABLE | BX_BOX_HAS_MATERIAL);
    assert_int_equal(b.line, 3);

    assert_int_equal(bx_reader_next(r, &b), BX_END);
    assert_int_equal(bx_reader_next(r, &b), BX_END);
    assert_int_equal(f->diags.nerrors, 0);
    bx_reader_close(r);
}

static void test_json_lines(void **state)
{
    fixture *f = *state;
    /* CRLF line ends, a blank line, two objects on one line. */
    const char *text =
        "{\"order_id\":\"O1\",\"item_id\":\"A\"," LINE_DIMS "}\r\n"
        "\r\n"
        "{\"order_id\":\"O1\",\"item_id\":\"B\"," LINE_DIMS ",\"rotation\":\"upright\"}"
        " {\"order_id\":\"O2\",\"item_id\":\"C\"," LINE_DIMS ",\"fragile\":true}";
    bx_reader *r = open_text(f, BX_RECORD_ORDER_LINE, text, NULL);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_string_equal(l.item_id, "A");
    assert_int_equal(l.qty, 1);
    assert_int_equal(l.l_mm, 10);
    assert_int_equal(l.w_mm, 20);
    assert_int_equal(l.h_mm, 30);
    assert_int_equal(l.weight_g, 500);
    assert_int_equal(l.line, 1);
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_string_equal(l.item_id, "B");
    assert_int_equal(l.rotation, BX_ROTATE_UPRIGHT);
    assert_int_equal(l.has, BX_LINE_HAS_ROTATION);
    assert_int_equal(l.line, 3);
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_string_equal(l.order_id, "O2");
    assert_true(l.fragile);
    assert_int_equal(l.line, 3);
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    bx_reader_close(r);
}

static void test_empty_inputs(void **state)
{
    fixture *f = *state;
    const char *texts[] = {"", "  \n\t", "[]", " [ \n ] \n", "\xEF\xBB\xBF[]"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        bx_reader *r = open_text(f, BX_RECORD_BOX, texts[i], NULL);
        bx_box b;
        assert_int_equal(bx_reader_next(r, &b), BX_END);
        bx_reader_close(r);
    }
    assert_int_equal(f->diags.nerrors, 0);
}

/* Pretty-printed input: a field error points at its element's first byte,
 * a syntax error inside an element at the exact byte. */
static void test_pretty_printed_locations(void **state)
{
    fixture *f = *state;
    const char *text =
        "[\n"                                              /* 1 */
        "  {\n"                                            /* 2 */
        "    \"order_id\": \"O1\",\n"                      /* 3 */
        "    \"item_id\": \"I1\",\n"                       /* 4 */
        "    \"qty\": 2,\n"                                /* 5 */
        "    \"l_mm\": 10, \"w_mm\": 20, \"h_mm\": 30,\n"  /* 6 */
        "    \"weight_g\": 500\n"                          /* 7 */
        "  },\n"                                           /* 8 */
        "  {\n"                                            /* 9 */
        "    \"order_id\": \"O1\",\n"                      /* 10 */
        "    \"item_id\": \"I2\",\n"                       /* 11 */
        "    \"qty\": \"3\",\n"                            /* 12 */
        "    \"l_mm\": 10, \"w_mm\": 20, \"h_mm\": 30,\n"  /* 13 */
        "    \"weight_g\": 500\n"                          /* 14 */
        "  },\n"                                           /* 15 */
        "  {\n"                                            /* 16 */
        "    \"order_id\": \"O1\",\n"                      /* 17 */
        "    \"item_id\": \"I3\",\n"                       /* 18 */
        "    \"qty\": 1,\n"                                /* 19 */
        "    \"l_mm\": 10 \"w_mm\": 20, \"h_mm\": 30,\n"   /* 20 */
        "    \"weight_g\": 500\n"                          /* 21 */
        "  },\n"                                           /* 22 */
        "  {\"order_id\": \"O1\", \"item_id\": \"I4\", \"qty\": 2.5,"
        " \"l_mm\": 1, \"w_mm\": 2, \"h_mm\": 3, \"weight_g\": 0},\n" /* 23 */
        "\t\t{\"order_id\": \"O1\", \"item_id\": \"I5\", \"qty\": 1,"
        " \"l_mm\": 1, \"w_mm\": 2, \"h_mm\": 3, \"weight_g\": 0}\n" /* 24 */
        "]\n";
    bx_reader *r = open_text(f, BX_RECORD_ORDER_LINE, text, NULL);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_string_equal(l.item_id, "I1");
    assert_int_equal(l.line, 2);

    /* The element starts with '{' at line 9, column 3. */
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_error_at(f, 9, 3, "qty");
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "in.json:9:3: field 'qty'"));
    assert_int_equal(bx_ctx_errloc(f->ctx).record, 2);

    /* Line 20: 4 spaces, "l_mm" at 5-10, ':' 11, ' ' 12, 10 at 13-14, ' ' 15,
     * "w_mm" at 16-21: jansson stops after the closing quote, column 21. */
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_error_at(f, 20, 21, NULL);

    /* 2.5 for an integer field: the element starts at line 23, column 3. */
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_error_at(f, 23, 3, "qty");

    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_string_equal(l.item_id, "I5");
    assert_int_equal(l.line, 24);
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    assert_int_equal(f->diags.nerrors, 3);
    bx_reader_close(r);
}

/* Brackets, commas and quotes inside strings must not end an element. */
static void test_strings_do_not_confuse_scanner(void **state)
{
    fixture *f = *state;
    const char *text =
        "[{\"box_id\":\"a]}\\\"{[,\"," BOX_DIMS "},\n"  /* a]}"{[,        */
        " {\"box_id\":\"b\\\\\"," BOX_DIMS "},\n"        /* b\ then quote */
        " {\"box_id\":\"c\\u005d\",\"material\":\"]]}}\"," BOX_DIMS "}]";
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "a]}\"{[,");
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "b\\");
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "c]");
    assert_string_equal(b.material, "]]}}");
    assert_int_equal(b.line, 3);
    assert_int_equal(bx_reader_next(r, &b), BX_END);
    bx_reader_close(r);
}

static void expect_field_error(fixture *f, const char *element,
                               const char *field, const char *words)
{
    bx_reader *r = open_text(f, BX_RECORD_ORDER_LINE, element, NULL);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_error_at(f, 1, 1, field);
    if (words != NULL && strstr(bx_ctx_errmsg(f->ctx), words) == NULL)
        fail_msg("'%s' not in '%s'", words, bx_ctx_errmsg(f->ctx));
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    bx_reader_close(r);
}

static void test_wrong_types(void **state)
{
    fixture *f = *state;
    const char *head = "{\"order_id\":\"O\",\"item_id\":\"I\",";
    const char *dims = "\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1";
    char text[256];
    snprintf(text, sizeof text, "%s\"qty\":\"3\",%s}", head, dims);
    expect_field_error(f, text, "qty", "got a string");
    snprintf(text, sizeof text, "%s\"qty\":2.5,%s}", head, dims);
    expect_field_error(f, text, "qty", "decimal");
    snprintf(text, sizeof text, "%s\"qty\":[3],%s}", head, dims);
    expect_field_error(f, text, "qty", "expected a scalar");
    snprintf(text, sizeof text, "%s\"qty\":{\"n\":3},%s}", head, dims);
    expect_field_error(f, text, "qty", "expected a scalar");
    snprintf(text, sizeof text, "%s\"qty\":true,%s}", head, dims);
    expect_field_error(f, text, "qty", NULL);
    snprintf(text, sizeof text, "%s\"qty\":0,%s}", head, dims);
    expect_field_error(f, text, "qty", "out of range");
    snprintf(text, sizeof text, "%s\"qty\":1,%s,\"fragile\":\"yes\"}", head, dims);
    expect_field_error(f, text, "fragile", NULL);
    snprintf(text, sizeof text, "%s\"qty\":1,%s,\"rotation\":\"sideways\"}", head, dims);
    expect_field_error(f, text, "rotation", NULL);
    snprintf(text, sizeof text, "{\"order_id\":7,\"item_id\":\"I\",\"qty\":1,%s}", dims);
    expect_field_error(f, text, "order_id", NULL);
    /* Larger than int64: jansson refuses it; no field name is known then. */
    snprintf(text, sizeof text, "%s\"qty\":99999999999999999999,%s}", head, dims);
    bx_reader *r = open_text(f, BX_RECORD_ORDER_LINE, text, NULL);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    bx_reader_close(r);
}

static void test_duplicate_keys_rejected(void **state)
{
    fixture *f = *state;
    const char *text =
        "{\"order_id\":\"O\",\"item_id\":\"I\"," LINE_DIMS ",\n"
        " \"qty\":2}\n";
    bx_reader *r = open_text(f, BX_RECORD_ORDER_LINE, text, NULL);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "duplicate"));
    /* Line 2 is ` "qty":2}`: the key's closing quote is column 6. */
    assert_error_at(f, 2, 6, NULL);
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    bx_reader_close(r);
}

/* Columns count bytes, not characters: 'é' is two bytes wide. */
static void test_columns_count_bytes(void **state)
{
    fixture *f = *state;
    /* '{' 1, "box_id" 2-9, ':' 10, '"' 11, C3 A9 12-13, '"' 14, ',' 15,
     * "a" 16-18, ':' 19, tru 20-22. */
    bx_reader *r = open_text(f, BX_RECORD_BOX,
                             "{\"box_id\":\"\xC3\xA9\",\"a\":tru}", NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
    assert_error_at(f, 1, 22, NULL);
    assert_int_equal(bx_ctx_errloc(f->ctx).offset, 21);
    bx_reader_close(r);
}

static void test_unknown_field_warned_once(void **state)
{
    fixture *f = *state;
    const char *text =
        "[{\"box_id\":\"A\",\"colour\":\"red\"," BOX_DIMS "},\n"
        " {\"box_id\":\"B\",\"colour\":\"blue\",\"shape\":null," BOX_DIMS "}]";
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(bx_reader_next(r, &b), BX_END);
    /* colour once (though in both), shape once. */
    assert_int_equal(bx_ctx_warning_count(f->ctx), 2);
    assert_string_equal(bx_ctx_warning(f->ctx, 0),
                        "in.json:1:2: field 'colour': unknown field ignored");
    assert_string_equal(bx_ctx_warning(f->ctx, 1),
                        "in.json:2:2: field 'shape': unknown field ignored");
    assert_int_equal(f->diags.nwarnings, 2);
    bx_reader_close(r);
}

/* Past 32 distinct unknown names the reader stops naming them: 32
 * warnings, one summary, then silence for the other 7 of 40. */
static void test_unknown_names_bounded(void **state)
{
    fixture *f = *state;
    char text[2048];
    size_t n = (size_t)snprintf(text, sizeof text, "{\"box_id\":\"A\"," BOX_DIMS);
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, ",\"u%d\":%d", i, i);
    snprintf(text + n, sizeof text - n, "}");
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(bx_ctx_warning_count(f->ctx), 33);
    assert_non_null(strstr(bx_ctx_warning(f->ctx, 31), "'u31'"));
    assert_non_null(strstr(bx_ctx_warning(f->ctx, 32), "not reported"));
    bx_reader_close(r);
}

static void test_null_means_absent(void **state)
{
    fixture *f = *state;
    const char *text =
        "{\"order_id\":\"O\",\"item_id\":\"I\"," LINE_DIMS
        ",\"rotation\":null,\"group\":null,\"fragile\":null}\n"
        "{\"order_id\":\"O\",\"item_id\":null," LINE_DIMS "}\n";
    bx_reader *r = open_text(f, BX_RECORD_ORDER_LINE, text, NULL);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_int_equal(l.has, 0);
    assert_int_equal(l.rotation, BX_ROTATE_ANY);
    assert_string_equal(l.group, "");
    assert_false(l.fragile);
    /* null for a required field: it is missing. */
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_error_at(f, 2, 1, "item_id");
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "missing"));
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    bx_reader_close(r);
}

static void test_depth_limit(void **state)
{
    fixture *f = *state;
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_depth = 3;
    /* The object is depth 1, "a" 2, "b" 3: allowed (x is an unknown field,
     * ignored). In the next element ` {"box_id":"B","x":{"c":[[` puts '{'
     * (depth 1) at column 2, '"x":' at 16-19, '{' (2) at 20, '"c":' at 21-24,
     * '[' (3) at 25 and '[' (4, one too deep) at 26. */
    const char *text =
        "[{\"box_id\":\"A\",\"x\":{\"a\":{\"b\":1}}," BOX_DIMS "},\n"
        " {\"box_id\":\"B\",\"x\":{\"c\":[[1]]}," BOX_DIMS "}]";
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, &lim);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(bx_reader_next(r, &b), BX_ELIMIT);
    assert_false(bx_reader_recoverable(r));
    assert_error_at(f, 2, 26, NULL);
    assert_int_equal(bx_reader_next(r, &b), BX_EINVAL);
    bx_reader_close(r);

    /* Deep nesting far beyond the limit is refused without recursion. */
    char deep[4096];
    size_t n = 0;
    deep[n++] = '[';
    while (n < 2000)
        deep[n++] = '[';
    deep[n] = '\0';
    r = open_text(f, BX_RECORD_BOX, deep, NULL);
    assert_int_equal(bx_reader_next(r, &b), BX_ELIMIT);
    /* The default limit is 16: the 17th '[' of the element, column 18. */
    assert_error_at(f, 1, 18, NULL);
    bx_reader_close(r);
}

static void test_element_size_limit(void **state)
{
    fixture *f = *state;
    const char *small = "{\"box_id\":\"A\"," BOX_DIMS "}";
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_record_bytes = strlen(small);
    char text[512];
    /* The second element is one byte longer ("AB"). */
    snprintf(text, sizeof text, "[%s,\n{\"box_id\":\"AB\"," BOX_DIMS "}]", small);
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, &lim);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(bx_reader_next(r, &b), BX_ELIMIT);
    assert_false(bx_reader_recoverable(r));
    assert_error_at(f, 2, 1, NULL);
    bx_reader_close(r);

    /* A bare value runs into the limit too. */
    lim.max_record_bytes = 8;
    r = open_text(f, BX_RECORD_BOX, "[1234567890]", &lim);
    assert_int_equal(bx_reader_next(r, &b), BX_ELIMIT);
    bx_reader_close(r);
}

static void test_max_fields(void **state)
{
    fixture *f = *state;
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_fields = 5;
    const char *text = "{\"box_id\":\"A\"," BOX_DIMS "}\n"
                       "{\"box_id\":\"A\",\"x\":1," BOX_DIMS "}\n";
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, &lim);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(bx_reader_next(r, &b), BX_ELIMIT);
    assert_error_at(f, 2, 1, NULL);
    bx_reader_close(r);
}

/* Fatal framing errors: next once OK, then the error, then no more. */
static void expect_framing_error(fixture *f, const char *text, uint64_t line,
                                 uint32_t column, const char *words)
{
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "A");
    assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
    assert_false(bx_reader_recoverable(r));
    assert_error_at(f, line, column, NULL);
    if (strstr(bx_ctx_errmsg(f->ctx), words) == NULL)
        fail_msg("'%s' not in '%s'", words, bx_ctx_errmsg(f->ctx));
    assert_int_equal(bx_reader_next(r, &b), BX_EINVAL);
    bx_reader_close(r);
}

#define BOX_A "{\"box_id\":\"A\"," BOX_DIMS "}"

static void test_framing_errors(void **state)
{
    fixture *f = *state;
    /* Truncated inside the second element, which starts at line 2, col 2. */
    expect_framing_error(f, "[" BOX_A ",\n {\"box_id\":\"B\",\"inner", 2, 2,
                         "not closed");
    /* Truncated inside a string. */
    expect_framing_error(f, "[" BOX_A ",\n{\"box_id\":\"B}]", 2, 1,
                         "not closed");
    /* No closing ']': the error is at the end, line 2, column 1. */
    expect_framing_error(f, "[" BOX_A "\n", 2, 1, "end of the input");
    /* Junk after ']' at line 2, column 3. */
    expect_framing_error(f, "[" BOX_A "]\n  x", 2, 3, "after the closing ']'");
    /* A second array after the first. */
    expect_framing_error(f, "[" BOX_A "][]", 1, strlen("[" BOX_A "]") + 1,
                         "after the closing ']'");
    /* Missing comma: the second '{' is line 2, column 2. */
    expect_framing_error(f, "[" BOX_A "\n {}]", 2, 2, "expected ',' or ']'");
    /* Trailing comma. */
    expect_framing_error(f, "[" BOX_A ",\n]", 2, 1, "expected an element");
    /* Two commas. */
    expect_framing_error(f, "[" BOX_A ",,{}]", 1, strlen("[" BOX_A ",") + 1,
                         "expected an element");
    /* A comma between JSON Lines records. */
    expect_framing_error(f, BOX_A ",\n" BOX_A, 1, strlen(BOX_A) + 1,
                         "expected a value");
    /* A stray ']' in JSON Lines. */
    expect_framing_error(f, BOX_A "\n]", 2, 1, "expected a value");
}

static void test_bad_top_level(void **state)
{
    fixture *f = *state;
    const char *texts[] = {"42", "\"box\"", "  box_id,inner_l_mm", "}"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        bx_reader *r = open_text(f, BX_RECORD_BOX, texts[i], NULL);
        bx_box b;
        assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
        assert_false(bx_reader_recoverable(r));
        assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "expected a JSON array"));
        bx_reader_close(r);
    }
    /* After a BOM the column does not count it; the offset does. */
    bx_reader *r = open_text(f, BX_RECORD_BOX, "\xEF\xBB\xBF x", NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
    assert_error_at(f, 1, 2, NULL);
    assert_int_equal(bx_ctx_errloc(f->ctx).offset, 4);
    bx_reader_close(r);
}

/* A bad element in the middle costs only itself. */
static void test_continue_after_bad_element(void **state)
{
    fixture *f = *state;
    const char *text =
        "[" BOX_A ",\n"
        " 42,\n"
        " \"text\",\n"
        " [1, 2],\n"
        " {\"box_id\":\"B\", \"inner_l_mm\": tru},\n"
        " {\"box_id\":\"C\"},\n"
        " {\"box_id\":\"D\"," BOX_DIMS "}\n"
        "]";
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "A");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
        assert_true(bx_reader_recoverable(r));
        assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "expected an object"));
        assert_error_at(f, (uint64_t)i + 2, 2, NULL);
        assert_int_equal(bx_ctx_errloc(f->ctx).record, (uint64_t)i + 2);
    }
    /* Bad token: "tru" ends at column 33 (' {' is 1-2, "box_id" 3-10,
     * ':' 11, "B" 12-14, ',' 15, ' ' 16, "inner_l_mm" 17-28, ':' 29,
     * ' ' 30, tru 31-33). */
    assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_error_at(f, 5, 33, NULL);
    assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_error_at(f, 6, 2, "inner_l_mm");
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "D");
    assert_int_equal(b.line, 7);
    assert_int_equal(bx_reader_next(r, &b), BX_END);
    assert_int_equal(f->diags.nerrors, 5);
    bx_reader_close(r);
}

/* NUL is not JSON: inside a string jansson rejects the element; where an
 * element should start it is a bad value of its own, skipped like others. */
static void test_nul_bytes(void **state)
{
    fixture *f = *state;
    static const char text[] = "[{\"box_id\":\"A\0\"}, " BOX_A ",\0]";
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_mem(f->ctx, &r, BX_RECORD_BOX, BX_FORMAT_JSON,
                                        "in.json", text, sizeof text - 1, NULL),
                     BX_OK);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(bx_reader_next(r, &b), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_int_equal(bx_ctx_errloc(f->ctx).offset, sizeof text - 3);
    assert_int_equal(bx_reader_next(r, &b), BX_END);
    bx_reader_close(r);
}

static void test_auto_kind(void **state)
{
    fixture *f = *state;
    const char *orders =
        "[{\"item_id\":\"I\",\"order_id\":\"O\"," LINE_DIMS "}]";
    bx_reader *r = open_text(f, BX_RECORD_AUTO, orders, NULL);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_AUTO);
    bx_record rec;
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_int_equal(rec.kind, BX_RECORD_ORDER_LINE);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_ORDER_LINE);
    assert_string_equal(rec.u.line.order_id, "O");
    assert_int_equal(rec.u.line.weight_g, 500);
    assert_int_equal(bx_reader_next(r, &rec), BX_END);
    bx_reader_close(r);

    /* The first object names neither key: that element fails and the next
     * one decides. A later order line is then a box missing its fields. */
    const char *boxes =
        "{\"inner_l_mm\":1}\n"
        BOX_A "\n"
        "{\"order_id\":\"O\",\"item_id\":\"I\"," LINE_DIMS "}\n";
    r = open_text(f, BX_RECORD_AUTO, boxes, NULL);
    assert_int_equal(bx_reader_next(r, &rec), BX_EINPUT);
    assert_true(bx_reader_recoverable(r));
    assert_error_at(f, 1, 1, NULL);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_AUTO);
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_int_equal(rec.kind, BX_RECORD_BOX);
    assert_string_equal(rec.u.box.box_id, "A");
    assert_int_equal(rec.u.box.line, 2);
    assert_int_equal(bx_reader_next(r, &rec), BX_EINPUT);
    assert_error_at(f, 3, 1, "box_id");
    assert_int_equal(bx_reader_next(r, &rec), BX_END);
    bx_reader_close(r);
}

/* ---- one byte at a time --------------------------------------------------------- */

typedef struct trickle {
    const char *data;
    size_t len, pos;
} trickle;

static long trickle_read(void *ud, void *buf, size_t size)
{
    trickle *t = ud;
    if (t->pos == t->len || size == 0)
        return 0;
    memcpy(buf, t->data + t->pos, 1);
    t->pos++;
    return 1;
}

/* Build a JSON Lines or array input with `n` varied records, one of them
 * longer than the reader's 4 KiB chunk (an unknown field holds the bulk). */
static char *make_big_input(int n, bool array)
{
    size_t cap = (size_t)n * 300 + 8000;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = 0;
    if (array)
        len += (size_t)snprintf(text + len, cap - len, "\xEF\xBB\xBF[\n");
    for (int i = 0; i < n; i++) {
        const char *sep = array && i > 0 ? ",\n" : (i > 0 ? "\r\n" : "");
        len += (size_t)snprintf(
            text + len, cap - len,
            "%s{\"box_id\":\"B%d [\\\"x\\\"]\",\"inner_l_mm\":%d,\"inner_w_mm\":%d,"
            "\"inner_h_mm\":%d,\"max_weight_g\":%d,\"cost\":%d.25,\"note\":\"",
            sep, i, 100 + i, 50 + i % 7, 10 + i % 3, 1000 * (i + 1), i);
        size_t pad = i == n / 2 ? 5000 : (size_t)(i % 5);
        memset(text + len, i % 2 ? '}' : ']', pad);
        len += pad;
        len += (size_t)snprintf(text + len, cap - len, "\"}");
    }
    if (array)
        len += (size_t)snprintf(text + len, cap - len, "\n]\n");
    assert_true(len < cap);
    return text;
}

static int read_boxes(bx_reader *r, bx_box *out, int max)
{
    int n = 0;
    bx_status st;
    while ((st = bx_reader_next(r, &out[n])) == BX_OK) {
        n++;
        assert_true(n < max);
    }
    assert_int_equal(st, BX_END);
    return n;
}

static void assert_boxes_equal(const bx_box *a, const bx_box *b)
{
    assert_string_equal(a->box_id, b->box_id);
    assert_int_equal(a->inner_l_mm, b->inner_l_mm);
    assert_int_equal(a->inner_w_mm, b->inner_w_mm);
    assert_int_equal(a->inner_h_mm, b->inner_h_mm);
    assert_int_equal(a->max_weight_g, b->max_weight_g);
    assert_int_equal(a->outer_l_mm, b->outer_l_mm);
    assert_int_equal(a->outer_w_mm, b->outer_w_mm);
    assert_int_equal(a->outer_h_mm, b->outer_h_mm);
    assert_int_equal(a->tare_g, b->tare_g);
    assert_string_equal(a->material, b->material);
    assert_int_equal(a->material_mass_g, b->material_mass_g);
    assert_true(a->cost == b->cost);
    assert_int_equal(a->stock, b->stock);
    assert_int_equal(a->reusable, b->reusable);
    assert_int_equal(a->has, b->has);
    assert_int_equal(a->line, b->line);
}

static void test_one_byte_stream(void **state)
{
    fixture *f = *state;
    enum { N = 120 };
    for (int array = 0; array <= 1; array++) {
        char *text = make_big_input(N, array);
        bx_box *whole = calloc(N + 1, sizeof *whole);
        bx_box *bytes = calloc(N + 1, sizeof *bytes);
        assert_non_null(whole);
        assert_non_null(bytes);

        bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
        assert_int_equal(read_boxes(r, whole, N + 1), N);
        bx_reader_close(r);

        trickle t = {text, strlen(text), 0};
        assert_int_equal(bx_reader_open_stream(f->ctx, &r, BX_RECORD_BOX,
                                               BX_FORMAT_JSON, "in.json",
                                               trickle_read, &t, NULL),
                         BX_OK);
        assert_int_equal(read_boxes(r, bytes, N + 1), N);
        bx_reader_close(r);

        for (int i = 0; i < N; i++)
            assert_boxes_equal(&whole[i], &bytes[i]);
        /* Spot checks against the generator's formulas. */
        assert_string_equal(whole[7].box_id, "B7 [\"x\"]");
        assert_int_equal(whole[7].inner_w_mm, 50);
        assert_true(whole[7].cost == 7.25);
        assert_int_equal(whole[N - 1].max_weight_g, 1000 * N);
        /* Array: the BOM line holds '[', record i is on line i + 2.
         * JSON Lines: record i is on line i + 1. */
        assert_int_equal(whole[N - 1].line, array ? N + 1 : N);
        free(whole);
        free(bytes);
        free(text);
    }
    /* One unknown field name, warned once per reader. */
    assert_int_equal(bx_ctx_warning_count(f->ctx), 4);
}

/* ---- writing ---------------------------------------------------------------------- */

static char *write_boxes(fixture *f, const bx_box *boxes, size_t n)
{
    test_buf out = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(f->ctx, &w, BX_RECORD_BOX, BX_FORMAT_JSON,
                                    test_buf_write, &out, n),
                     BX_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(bx_writer_put(w, &boxes[i]), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    return out.data;
}

static void full_box(bx_box *b)
{
    bx_box_init(b);
    strcpy(b->box_id, "R-1");
    b->inner_l_mm = 400;
    b->inner_w_mm = 300;
    b->inner_h_mm = 200;
    b->max_weight_g = 15000;
    b->outer_l_mm = 410;
    b->outer_w_mm = 310;
    b->outer_h_mm = 215;
    b->tare_g = 1200;
    strcpy(b->material, "polypropylene");
    b->material_mass_g = 1100;
    b->cost = 0.1 + 0.2; /* 0.30000000000000004: needs all 17 digits */
    b->stock = 0;
    b->reusable = false;
    b->has = BX_BOX_HAS_OUTER | BX_BOX_HAS_TARE | BX_BOX_HAS_MATERIAL |
             BX_BOX_HAS_MATERIAL_MASS | BX_BOX_HAS_COST | BX_BOX_HAS_STOCK |
             BX_BOX_HAS_REUSABLE;
}

static void test_writer_exact_output(void **state)
{
    fixture *f = *state;
    bx_box boxes[3];
    bx_box_init(&boxes[0]);
    strcpy(boxes[0].box_id, "S1");
    boxes[0].inner_l_mm = 200;
    boxes[0].inner_w_mm = 150;
    boxes[0].inner_h_mm = 100;
    boxes[0].max_weight_g = 5000;
    full_box(&boxes[1]);
    bx_box_init(&boxes[2]);
    strcpy(boxes[2].box_id, "Q\"1\\ Gr\xC3\xB6\xC3\x9F" "e");
    boxes[2].inner_l_mm = 1;
    boxes[2].inner_w_mm = 2;
    boxes[2].inner_h_mm = 3;
    boxes[2].max_weight_g = 4;
    boxes[2].cost = 2;
    boxes[2].has = BX_BOX_HAS_COST;
    char *text = write_boxes(f, boxes, 3);
    const char *expected =
        "[\n"
        "{\"box_id\":\"S1\",\"inner_l_mm\":200,\"inner_w_mm\":150,"
        "\"inner_h_mm\":100,\"max_weight_g\":5000},\n"
        "{\"box_id\":\"R-1\",\"inner_l_mm\":400,\"inner_w_mm\":300,"
        "\"inner_h_mm\":200,\"max_weight_g\":15000,\"outer_l_mm\":410,"
        "\"outer_w_mm\":310,\"outer_h_mm\":215,\"tare_g\":1200,"
        "\"material\":\"polypropylene\",\"material_mass_g\":1100,"
        "\"cost\":0.30000000000000004,\"stock\":0,\"reusable\":false},\n"
        "{\"box_id\":\"Q\\\"1\\\\ Gr\xC3\xB6\xC3\x9F" "e\",\"inner_l_mm\":1,"
        "\"inner_w_mm\":2,\"inner_h_mm\":3,\"max_weight_g\":4,\"cost\":2.0}\n"
        "]\n";
    assert_string_equal(text, expected);
    free(text);

    text = write_boxes(f, NULL, 0);
    assert_string_equal(text, "[]\n");
    free(text);
}

static void test_writer_order_lines(void **state)
{
    fixture *f = *state;
    bx_order_line l;
    bx_order_line_init(&l);
    strcpy(l.order_id, "O-7");
    strcpy(l.item_id, "mug/blue");
    l.qty = 3;
    l.l_mm = 90;
    l.w_mm = 90;
    l.h_mm = 110;
    l.weight_g = 350;
    l.rotation = BX_ROTATE_UPRIGHT;
    l.fragile = true;
    strcpy(l.group, "kitchen");
    l.has = BX_LINE_HAS_ROTATION | BX_LINE_HAS_FRAGILE | BX_LINE_HAS_GROUP;
    test_buf out = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(f->ctx, &w, BX_RECORD_ORDER_LINE,
                                    BX_FORMAT_JSON, test_buf_write, &out, 1),
                     BX_OK);
    assert_int_equal(bx_writer_put(w, &l), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    assert_string_equal(out.data,
                        "[\n{\"order_id\":\"O-7\",\"item_id\":\"mug/blue\",\"qty\":3,"
                        "\"l_mm\":90,\"w_mm\":90,\"h_mm\":110,\"weight_g\":350,"
                        "\"rotation\":\"upright\",\"fragile\":true,"
                        "\"group\":\"kitchen\"}\n]\n");
    test_buf_free(&out);
}

static void test_writer_io_error(void **state)
{
    fixture *f = *state;
    bx_box b;
    full_box(&b);
    test_buf out = {NULL, 0, 0, 20}; /* fails inside the first record */
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(f->ctx, &w, BX_RECORD_BOX, BX_FORMAT_JSON,
                                    test_buf_write, &out, 1),
                     BX_OK);
    assert_int_equal(bx_writer_put(w, &b), BX_EIO);
    bx_writer_abort(w);
    test_buf_free(&out);
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    bx_box boxes[2];
    full_box(&boxes[0]);
    boxes[0].line = 2; /* where the reader will find it: after "[" */
    full_box(&boxes[1]);
    strcpy(boxes[1].box_id, "tab\\quote\"");
    boxes[1].cost = 1e-7;
    boxes[1].stock = 1000000;
    boxes[1].reusable = true;
    boxes[1].line = 3;
    char *text = write_boxes(f, boxes, 2);
    bx_reader *r = open_text(f, BX_RECORD_BOX, text, NULL);
    bx_box back[3];
    assert_int_equal(read_boxes(r, back, 3), 2);
    bx_reader_close(r);
    assert_boxes_equal(&back[0], &boxes[0]);
    assert_boxes_equal(&back[1], &boxes[1]);
    free(text);

    /* Order lines with every optional field. */
    bx_order_line l;
    bx_order_line_init(&l);
    strcpy(l.order_id, "O");
    strcpy(l.item_id, "I");
    l.qty = BX_MAX_QTY;
    l.l_mm = l.w_mm = l.h_mm = BX_MAX_LENGTH_MM;
    l.weight_g = BX_MAX_MASS_G;
    l.rotation = BX_ROTATE_FIXED;
    l.fragile = true;
    l.alone = false;
    strcpy(l.group, "g");
    l.has = BX_LINE_HAS_ROTATION | BX_LINE_HAS_FRAGILE | BX_LINE_HAS_ALONE |
            BX_LINE_HAS_GROUP;
    test_buf out = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(f->ctx, &w, BX_RECORD_ORDER_LINE,
                                    BX_FORMAT_JSON, test_buf_write, &out, 1),
                     BX_OK);
    assert_int_equal(bx_writer_put(w, &l), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    r = open_text(f, BX_RECORD_ORDER_LINE, out.data, NULL);
    bx_order_line lb;
    assert_int_equal(bx_reader_next(r, &lb), BX_OK);
    assert_string_equal(lb.order_id, "O");
    assert_string_equal(lb.item_id, "I");
    assert_int_equal(lb.qty, BX_MAX_QTY);
    assert_int_equal(lb.l_mm, BX_MAX_LENGTH_MM);
    assert_int_equal(lb.weight_g, BX_MAX_MASS_G);
    assert_int_equal(lb.rotation, BX_ROTATE_FIXED);
    assert_true(lb.fragile);
    assert_false(lb.alone);
    assert_string_equal(lb.group, "g");
    assert_int_equal(lb.has, l.has);
    assert_int_equal(bx_reader_next(r, &lb), BX_END);
    bx_reader_close(r);
    test_buf_free(&out);
}

/* ---- out of memory ------------------------------------------------------------------ */

/* Read a small file with the Nth allocation failing, for every N until a
 * run needs no failure: each run ends cleanly with nothing leaked. The input
 * makes the reader warn (keeps text) and grow its buffer past 4 KiB. */
static void test_allocation_failures(void **state)
{
    (void)state;
    char text[6000];
    int n = snprintf(text, sizeof text,
                     "[{\"box_id\":\"A\",\"colour\":1," BOX_DIMS "},\n"
                     " {\"box_id\":\"B\",\"size\":2," BOX_DIMS ",\"note\":\"");
    memset(text + n, 'x', 4500);
    snprintf(text + n + 4500, sizeof text - (size_t)n - 4500, "\"}]\n");
    bool passed = false;
    for (uint64_t fail_at = 1; fail_at < 1000 && !passed; fail_at++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, fail_at);
        assert_non_null(ctx);
        bx_reader *r = NULL;
        bx_status st = bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO, BX_FORMAT_JSON,
                                          "in.json", text, strlen(text), NULL);
        int got = 0;
        bx_record rec;
        while (st == BX_OK && (st = bx_reader_next(r, &rec)) == BX_OK)
            got++;
        bx_reader_close(r);
        if (ta.failures == 0) {
            assert_int_equal(st, BX_END);
            assert_int_equal(got, 2);
            assert_int_equal(bx_ctx_warning_count(ctx), 3);
            passed = true;
        } else {
            assert_int_equal(st, BX_ENOMEM);
            assert_int_equal(bx_ctx_errcode(ctx), BX_ENOMEM);
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
        cmocka_unit_test_setup_teardown(test_array_of_boxes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pretty_printed_locations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_do_not_confuse_scanner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_keys_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_columns_count_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_field_warned_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_names_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_means_absent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_element_size_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_framing_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_top_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_continue_after_bad_element, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_byte_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_exact_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_order_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_io_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
