/*
 * test_order_reader.c: bx_order_reader, the lines of an order file grouped
 * into orders, and where a bad line goes: to the order it names, to its
 * neighbours when its order cannot be told, and to an error of its own
 * when no order is there to take it. Each failed order keeps the message
 * of its own first bad line.
 */
#include <string.h>

#include "testutil.h"

#define HEAD "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"

typedef struct reading {
    bx_ctx *ctx;
    test_diags diags;
    bx_order_reader *orders;
} reading;

static void open_text(reading *rd, bx_format fmt, const char *text)
{
    memset(rd, 0, sizeof *rd);
    assert_int_equal(bx_ctx_new(&rd->ctx, NULL, NULL), BX_OK);
    bx_ctx_set_diag(rd->ctx, test_diag_fn, &rd->diags);
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_mem(rd->ctx, &r, BX_RECORD_ORDER_LINE, fmt, "mem",
                                        text, strlen(text), NULL),
                     BX_OK);
    assert_int_equal(bx_order_reader_wrap(rd->ctx, &rd->orders, r), BX_OK);
}

static void close_text(reading *rd)
{
    bx_order_reader_close(rd->orders);
    bx_ctx_free(rd->ctx);
}

/* The next order must be `id` with `nlines` good lines starting at
 * `first_line`; failed orders' messages must hold `says`. */
static void expect(reading *rd, const char *id, size_t nlines, uint64_t first_line,
                   const char *says)
{
    bx_order_batch b;
    assert_int_equal(bx_order_reader_next(rd->orders, &b), BX_OK);
    assert_string_equal(b.order_id, id);
    assert_int_equal(b.nlines, nlines);
    assert_int_equal(b.first_line, first_line);
    for (size_t i = 0; i < b.nlines; i++)
        assert_string_equal(b.lines[i].order_id, id);
    if (says == NULL) {
        assert_false(b.failed);
        assert_null(b.error);
    } else {
        assert_true(b.failed);
        assert_non_null(b.error);
        if (strstr(b.error, says) == NULL)
            fail_msg("order %s: expected '%s' in '%s'", id, says, b.error);
    }
}

static void expect_end(reading *rd)
{
    bx_order_batch b;
    assert_int_equal(bx_order_reader_next(rd->orders, &b), BX_END);
    assert_int_equal(bx_order_reader_next(rd->orders, &b), BX_END);
}

/* A bad line that names its order fails that order alone; the orders
 * around it are read as usual. */
static void test_bad_line_fails_its_own_order(void **state)
{
    (void)state;
    reading rd;
    open_text(&rd, BX_FORMAT_CSV,
              HEAD "A,x,1,10,10,10,5\n"     /* 2 */
                   "A,y,1,10,10,10,5\n"     /* 3 */
                   "B,x,0,10,10,10,5\n"     /* 4: qty 0 */
                   "B,y,1,10,10,10,5\n"     /* 5 */
                   "C,x,1,10,10,10,5\n");   /* 6 */
    expect(&rd, "A", 2, 2, NULL);
    expect(&rd, "B", 1, 4, "mem:4:3: field 'qty'");
    expect(&rd, "C", 1, 6, NULL);
    expect_end(&rd);
    assert_int_equal(bx_order_reader_bad_lines(rd.orders), 1);
    close_text(&rd);
}

/* An order all of whose lines are bad comes back failed with no lines,
 * first or last in the file. */
static void test_order_of_bad_lines_only(void **state)
{
    (void)state;
    reading rd;
    open_text(&rd, BX_FORMAT_CSV,
              HEAD "Z,x,0,10,10,10,5\n"      /* 2 */
                   "A,x,1,10,10,10,5\n"      /* 3 */
                   "B,x,1,10,10,10,-5\n"     /* 4 */
                   "B,y,1,10,10,10,abc\n");  /* 5 */
    expect(&rd, "Z", 0, 2, "mem:2:3: field 'qty'");
    expect(&rd, "A", 1, 3, NULL);
    expect(&rd, "B", 0, 4, "mem:4:7: field 'weight_g'");
    expect_end(&rd);
    assert_int_equal(bx_order_reader_bad_lines(rd.orders), 3);
    close_text(&rd);
}

/* Each failed order keeps the message of its own first bad line, not the
 * last one read (here the bad line of B, read to find where A ends). */
static void test_each_order_keeps_its_message(void **state)
{
    (void)state;
    reading rd;
    open_text(&rd, BX_FORMAT_CSV,
              HEAD "A,x,0,10,10,10,5\n"      /* 2 */
                   "A,y,1,10,10,10,5\n"      /* 3 */
                   "B,x,1,0,10,10,5\n");     /* 4 */
    expect(&rd, "A", 1, 2, "mem:2:3:");
    expect(&rd, "B", 0, 4, "mem:4:4: field 'l_mm'");
    expect_end(&rd);
    close_text(&rd);
}

/* A line whose order cannot be told (shifted fields) fails both
 * neighbours; alone in the file, it makes an error of its own, after the
 * line's own, rather than an empty batch. */
static void test_line_of_no_known_order(void **state)
{
    (void)state;
    reading rd;
    open_text(&rd, BX_FORMAT_CSV,
              HEAD "A,x,1,10,10,10,5\n"      /* 2 */
                   "B,x,1,10,10,10,5,9\n"    /* 3: 8 fields */
                   "C,x,1,10,10,10,5\n"      /* 4 */
                   "D,x,1,10,10,10,5\n");    /* 5 */
    expect(&rd, "A", 1, 2, "mem:3: expected 7 fields, got 8");
    expect(&rd, "C", 1, 4, "mem:3: expected 7 fields, got 8");
    expect(&rd, "D", 1, 5, NULL);
    expect_end(&rd);
    close_text(&rd);

    open_text(&rd, BX_FORMAT_CSV, HEAD "B,x,1,10,10,10,5,9\n");
    bx_order_batch b;
    assert_int_equal(bx_order_reader_next(rd.orders, &b), BX_EINPUT);
    assert_int_equal(rd.diags.nerrors, 2);
    assert_non_null(strstr(rd.diags.all, "mem:2: expected 7 fields"));
    assert_non_null(strstr(bx_ctx_errmsg(rd.ctx), "mem: no order could be read: 1 bad line"));
    assert_int_equal(bx_order_reader_next(rd.orders, &b), BX_END);
    close_text(&rd);
}

/* JSON that jansson refuses whole still names its order when one
 * "order_id" key at the object's top level has a string value; nothing
 * else counts as naming it. */
static void test_json_names_the_order(void **state)
{
    (void)state;
    static const struct {
        const char *element;
        const char *order; /* NULL: no order can be told */
    } cases[] = {
        {"{\"order_id\":\"B\",\"qty\":1e400}", "B"},
        {"{\"qty\":1e400, \"order_id\" : \"\\u0042\"}", "B"},
        {"{\"x\":{\"order_id\":\"Q\"},\"order_id\":\"B\",\"qty\":1e400}", "B"},
        {"{\"order_id\":\"B\",\"qty\":0}", "B"},
        {"{\"x\":{\"order_id\":\"Q\"},\"qty\":1e400}", NULL},
        {"{\"item_id\":\"\\\"order_id\\\":\\\"Q\\\"\",\"qty\":1e400}", NULL},
        {"{\"order_id\":\"B\",\"order_id\":\"C\"}", NULL},
        {"{\"order_id\":\"\",\"qty\":1e400}", NULL},
        {"{\"order_id\":7,\"qty\":1e400}", NULL},
        {"{\"order_id\" \"B\"}", NULL},
    };
    static const char good[] = "{\"order_id\":\"A\",\"item_id\":\"x\",\"qty\":1,"
                               "\"l_mm\":10,\"w_mm\":10,\"h_mm\":10,\"weight_g\":5}";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "[\n%s,\n%s\n]\n", good, cases[i].element);
        reading rd;
        open_text(&rd, BX_FORMAT_JSON, text);
        if (cases[i].order != NULL) {
            expect(&rd, "A", 1, 2, NULL);
            expect(&rd, cases[i].order, 0, 3, "mem:3:");
        } else {
            /* the order before it may be the bad line's */
            expect(&rd, "A", 1, 2, "mem:3:");
        }
        expect_end(&rd);
        close_text(&rd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_line_fails_its_own_order),
        cmocka_unit_test(test_order_of_bad_lines_only),
        cmocka_unit_test(test_each_order_keeps_its_message),
        cmocka_unit_test(test_line_of_no_known_order),
        cmocka_unit_test(test_json_names_the_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
