/*
 * test_order_decode.c: bx_order_decode, one order from a request body:
 * every encoding of an order file, the first problem named by line and
 * field, one order only, the limits, buffer reuse, and out of memory.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char two_lines_json[] =
    "[\n"
    "{\"order_id\":\"A1\",\"item_id\":\"MUG\",\"qty\":2,\"l_mm\":120,\"w_mm\":90,\"h_mm\":100,\"weight_g\":350,\"rotation\":\"upright\"},\n"
    "{\"order_id\":\"A1\",\"item_id\":\"BOOK\",\"qty\":1,\"l_mm\":240,\"w_mm\":170,\"h_mm\":30,\"weight_g\":600,\"fragile\":true}\n"
    "]\n";

static bx_ctx *ctx_new(void)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    return ctx;
}

static bx_status decode(bx_ctx *ctx, bx_order_buf *buf, bx_format fmt,
                        const void *data, size_t size,
                        const bx_reader_limits *limits)
{
    return bx_order_decode(ctx, buf, fmt, "req", data, size, limits);
}

static void check_two_lines(const bx_order_buf *buf)
{
    assert_int_equal(buf->nlines, 2);
    assert_string_equal(buf->lines[0].order_id, "A1");
    assert_string_equal(buf->lines[0].item_id, "MUG");
    assert_int_equal(buf->lines[0].qty, 2);
    assert_int_equal(buf->lines[0].l_mm, 120);
    assert_int_equal(buf->lines[0].rotation, BX_ROTATE_UPRIGHT);
    assert_string_equal(buf->lines[1].item_id, "BOOK");
    assert_int_equal(buf->lines[1].weight_g, 600);
    assert_true(buf->lines[1].fragile);
}

static void test_json_forms(void **state)
{
    (void)state;
    bx_ctx *ctx = ctx_new();
    bx_order_buf buf = {0};
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, two_lines_json,
                            sizeof two_lines_json - 1, NULL), BX_OK);
    check_two_lines(&buf);
    /* JSON Lines, and the same sniffed with AUTO */
    static const char lines[] =
        "{\"order_id\":\"A1\",\"item_id\":\"MUG\",\"qty\":2,\"l_mm\":120,\"w_mm\":90,\"h_mm\":100,\"weight_g\":350,\"rotation\":\"upright\"}\n"
        "{\"order_id\":\"A1\",\"item_id\":\"BOOK\",\"qty\":1,\"l_mm\":240,\"w_mm\":170,\"h_mm\":30,\"weight_g\":600,\"fragile\":true}\n";
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_AUTO, lines, sizeof lines - 1, NULL), BX_OK);
    check_two_lines(&buf);
    /* a single object is an order of one line */
    static const char one[] =
        "{\"order_id\":\"S\",\"item_id\":\"X\",\"qty\":1,\"l_mm\":1,\"w_mm\":2,\"h_mm\":3,\"weight_g\":0}";
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, one, sizeof one - 1, NULL), BX_OK);
    assert_int_equal(buf.nlines, 1);
    assert_int_equal(buf.lines[0].h_mm, 3);
    bx_order_buf_free(ctx, &buf);
    assert_null(buf.lines);
    bx_order_buf_free(ctx, NULL);
    bx_ctx_free(ctx);
}

static void test_csv_and_cbor(void **state)
{
    (void)state;
    bx_ctx *ctx = ctx_new();
    bx_order_buf buf = {0};
    static const char csv[] =
        "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,rotation,fragile\n"
        "A1,MUG,2,120,90,100,350,upright,0\n"
        "A1,BOOK,1,240,170,30,600,,1\n";
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CSV, csv, sizeof csv - 1, NULL), BX_OK);
    check_two_lines(&buf);

    /* the same lines through the CBOR writer: an array of two maps */
    bx_order_buf copy = {0};
    assert_int_equal(decode(ctx, &copy, BX_FORMAT_CSV, csv, sizeof csv - 1, NULL), BX_OK);
    test_buf out = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(ctx, &w, BX_RECORD_ORDER_LINE, BX_FORMAT_CBOR,
                                    test_buf_write, &out, 2), BX_OK);
    assert_int_equal(bx_writer_put(w, &copy.lines[0]), BX_OK);
    assert_int_equal(bx_writer_put(w, &copy.lines[1]), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CBOR, out.data, out.len, NULL), BX_OK);
    check_two_lines(&buf);
    /* the maps alone (an RFC 8742 sequence): drop the array head 0x82 */
    assert_int_equal((unsigned char)out.data[0], 0x82);
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CBOR, out.data + 1, out.len - 1, NULL), BX_OK);
    check_two_lines(&buf);
    /* CBOR records have no lines: the message gives the record and the
     * byte of the bad value: a1 (map of 1) at 0, 63 "qty" at 1, 00 at 5 */
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CBOR, "\xa1\x63qty\x00", 6, NULL), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "req: record 1 (byte 5): field 'qty': 0 is out of range 1..1000000");
    test_buf_free(&out);
    bx_order_buf_free(ctx, &copy);
    bx_order_buf_free(ctx, &buf);
    bx_ctx_free(ctx);
}

static void test_errors_name_line_and_field(void **state)
{
    (void)state;
    bx_ctx *ctx = ctx_new();
    bx_order_buf buf = {0};
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, two_lines_json,
                            sizeof two_lines_json - 1, NULL), BX_OK);
    /* qty 0 on the object that starts on line 3, column 1 */
    static const char bad[] =
        "[\n"
        "{\"order_id\":\"A1\",\"item_id\":\"MUG\",\"qty\":1,\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1},\n"
        "{\"order_id\":\"A1\",\"item_id\":\"CUP\",\"qty\":0,\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}\n"
        "]";
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, bad, sizeof bad - 1, NULL), BX_EINPUT);
    assert_int_equal(buf.nlines, 0); /* nothing half-decoded is left */
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "req:3:1: field 'qty': 0 is out of range 1..1000000");
    bx_location loc = bx_ctx_errloc(ctx);
    assert_int_equal(loc.line, 3);
    assert_string_equal(loc.field, "qty");

    /* a second order: named, at its first line (CSV line 3) */
    static const char two[] =
        "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\nA,X,1,1,1,1,1\nB,Y,1,1,1,1,1\n";
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CSV, two, sizeof two - 1, NULL), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "req:3: field 'order_id': order 'B' follows order 'A': "
                        "send one order at a time");
    /* nothing at all */
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, "[]", 2, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "no order line"));
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, "", 0, NULL), BX_EINPUT);
    /* a catalog is not an order */
    static const char boxes[] = "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g\nB,1,1,1,1\n";
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CSV, boxes, sizeof boxes - 1, NULL), BX_EINPUT);
    /* malformed JSON */
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, "[{\"order_id\":", 13, NULL), BX_EINPUT);
    /* truncated CBOR: a map of 7 pairs with one key */
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CBOR, "\xa7\x68order_id", 10, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "truncated"));
    assert_int_equal(bx_order_decode(ctx, NULL, BX_FORMAT_JSON, "r", "[]", 2, NULL), BX_EINVAL);
    assert_int_equal(bx_order_decode(ctx, &buf, BX_FORMAT_JSON, "r", NULL, 2, NULL), BX_EINVAL);
    assert_int_equal(bx_order_decode(NULL, &buf, BX_FORMAT_JSON, "r", "[]", 2, NULL), BX_EINVAL);
    bx_order_buf_free(ctx, &buf);
    bx_ctx_free(ctx);
}

static void test_limits(void **state)
{
    (void)state;
    bx_ctx *ctx = ctx_new();
    bx_order_buf buf = {0};
    bx_reader_limits limits = bx_reader_limits_default();
    /* count: two lines pass a limit of two, not of one */
    limits.max_records = 2;
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, two_lines_json,
                            sizeof two_lines_json - 1, &limits), BX_OK);
    limits.max_records = 1;
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, two_lines_json,
                            sizeof two_lines_json - 1, &limits), BX_ELIMIT);
    assert_int_equal(buf.nlines, 0);
    /* depth: a value nested four deep inside its record is beyond 3 */
    limits = bx_reader_limits_default();
    limits.max_depth = 3;
    static const char deep[] = "[{\"order_id\":[[[1]]]}]";
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, deep, sizeof deep - 1, &limits), BX_ELIMIT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "nesting deeper than the limit of 3"));
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CBOR, "\x81\x81\x81\x81\x81", 5, &limits),
                     BX_ELIMIT);
    /* size: each record of two_lines_json is over 100 bytes */
    limits = bx_reader_limits_default();
    limits.max_record_bytes = 64;
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, two_lines_json,
                            sizeof two_lines_json - 1, &limits), BX_ELIMIT);
    bx_order_buf_free(ctx, &buf);
    bx_ctx_free(ctx);
}

/* One buffer serves order after order, growing only for a larger one. */
static void test_buffer_reuse(void **state)
{
    (void)state;
    bx_ctx *ctx = ctx_new();
    bx_order_buf buf = {0};
    char csv[8192] = "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n";
    for (int i = 0; i < 40; i++) {
        size_t n = strlen(csv);
        snprintf(csv + n, sizeof csv - n, "Z,I%d,1,10,10,10,5\n", i);
    }
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_CSV, csv, strlen(csv), NULL), BX_OK);
    assert_int_equal(buf.nlines, 40);
    assert_string_equal(buf.lines[39].item_id, "I39");
    size_t cap = buf.cap;
    bx_order_line *lines = buf.lines;
    assert_int_equal(decode(ctx, &buf, BX_FORMAT_JSON, two_lines_json,
                            sizeof two_lines_json - 1, NULL), BX_OK);
    check_two_lines(&buf);
    assert_int_equal(buf.cap, cap);
    assert_ptr_equal(buf.lines, lines);
    bx_order_buf_free(ctx, &buf);
    bx_ctx_free(ctx);
}

/* Every allocation may fail: the answer is BX_ENOMEM and nothing leaks. */
static void test_out_of_memory(void **state)
{
    (void)state;
    static const struct {
        bx_format fmt;
        const char *data;
    } docs[] = {
        {BX_FORMAT_JSON, two_lines_json},
        {BX_FORMAT_CSV, "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,colour\nA,X,1,1,1,1,1,red\n"},
    };
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        for (uint64_t n = 1;; n++) {
            test_alloc ta;
            bx_ctx *ctx = test_ctx_new(&ta, n);
            assert_non_null(ctx);
            bx_order_buf buf = {0};
            bx_status st = decode(ctx, &buf, docs[d].fmt, docs[d].data,
                                  strlen(docs[d].data), NULL);
            bx_order_buf_free(ctx, &buf);
            bx_ctx_clear_warnings(ctx);
            bx_ctx_free(ctx);
            assert_int_equal(ta.live_bytes, 0);
            if (ta.failures == 0) {
                assert_int_equal(st, BX_OK);
                break;
            }
            if (st != BX_ENOMEM)
                fail_msg("doc %zu: allocation %llu failed, status %s", d,
                         (unsigned long long)n, bx_strerror(st));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_forms),
        cmocka_unit_test(test_csv_and_cbor),
        cmocka_unit_test(test_errors_name_line_and_field),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_buffer_reuse),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
