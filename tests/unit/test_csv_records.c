/*
 * test_csv_records.c: boxes and order lines read and written as CSV through
 * the public reader and writer (bx_reader_*, bx_writer_*).
 *
 * Expected records and messages were worked out by hand from the input text
 * (line = physical line, column = 1-based position in the header) and from
 * the field list and order in boxcar/records.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char line_header[] =
    "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,rotation,fragile,alone,group";

/* Open `text` as CSV of `kind`; on success the caller closes. */
static bx_status open_text(bx_ctx *ctx, bx_reader **r, bx_record_kind kind,
                           const char *name, const char *text)
{
    return bx_reader_open_mem(ctx, r, kind, BX_FORMAT_CSV, name, text,
                              strlen(text), NULL);
}

static bx_ctx *new_ctx(test_diags *d)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    if (d != NULL) {
        memset(d, 0, sizeof *d);
        bx_ctx_set_diag(ctx, test_diag_fn, d);
    }
    return ctx;
}

static void assert_prefix(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fail_msg("\"%s\" does not start with \"%s\"", s, prefix);
}

/* ---- header -------------------------------------------------------------- */

static void test_columns_any_order(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv",
                               "qty,h_mm,order_id,weight_g,item_id,w_mm,l_mm\n"
                               "2,30,O1,500,I1,20,10\n"),
                     BX_OK);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_string_equal(l.order_id, "O1");
    assert_string_equal(l.item_id, "I1");
    assert_int_equal(l.qty, 2);
    assert_int_equal(l.l_mm, 10);
    assert_int_equal(l.w_mm, 20);
    assert_int_equal(l.h_mm, 30);
    assert_int_equal(l.weight_g, 500);
    assert_int_equal(l.rotation, BX_ROTATE_ANY);
    assert_int_equal(l.has, 0);
    assert_int_equal(l.line, 2);
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    bx_reader_close(r);
    assert_int_equal(bx_ctx_warning_count(ctx), 0);
    bx_ctx_free(ctx);
}

static void test_unknown_columns_warn(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(
        open_text(ctx, &r, BX_RECORD_BOX, "c.csv",
                  "box_id,inner_l_mm,colour,inner_w_mm,inner_h_mm,"
                  "max_weight_g,note\n"
                  "B1,300,red,200,100,5000,n\n"),
        BX_OK);
    assert_int_equal(bx_ctx_warning_count(ctx), 2);
    assert_string_equal(bx_ctx_warning(ctx, 0),
                        "c.csv:1:3: field 'colour': unknown column ignored");
    assert_string_equal(bx_ctx_warning(ctx, 1),
                        "c.csv:1:7: field 'note': unknown column ignored");
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_string_equal(b.box_id, "B1");
    assert_int_equal(b.inner_l_mm, 300);
    assert_int_equal(b.inner_w_mm, 200);
    assert_int_equal(b.inner_h_mm, 100);
    assert_int_equal(b.max_weight_g, 5000);
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

static void test_missing_required_columns(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(open_text(ctx, &r, BX_RECORD_BOX, "c.csv",
                               "box_id,inner_l_mm,inner_h_mm\nB1,1,1\n"),
                     BX_EINPUT);
    assert_null(r);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "c.csv:1: missing required columns: inner_w_mm, "
                        "max_weight_g");
    /* one missing: singular, and the header's own line (after blank ones) */
    assert_int_equal(
        open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv",
                  "\n\norder_id,item_id,qty,l_mm,w_mm,h_mm\n"),
        BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "o.csv:3: missing required column: weight_g");
    bx_ctx_free(ctx);
}

/* A header that differs from the schema only in case names the column it
 * has; a file separated by semicolons or tabs, read as one column, says
 * so instead of listing every column as missing. */
static void test_header_case_and_separator(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv",
                               "order_id,item_id,qty,L_mm,w_mm,h_mm,weight_g\n"
                               "A1,I1,1,10,10,10,5\n"),
                     BX_EINPUT);
    assert_null(r);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "o.csv:1: missing required column: l_mm (the header has 'L_mm', "
                        "which differs from 'l_mm' in case: column names are lower case)");
    assert_string_equal(bx_ctx_warning(ctx, 0),
                        "o.csv:1:4: field 'L_mm': unknown column ignored (did you mean "
                        "'l_mm'? column names are lower case)");
    assert_int_equal(open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv",
                               "order_id;item_id;qty;l_mm;w_mm;h_mm;weight_g\n"
                               "A1;I1;1;10;10;10;5\n"),
                     BX_EINPUT);
    assert_null(r);
    assert_string_equal(bx_ctx_errmsg(ctx), "o.csv:1: the header is one column holding "
                                            "semicolons: fields must be separated by commas");
    /* the kind from the header: the same answer, not "neither box_id nor order_id" */
    assert_int_equal(open_text(ctx, &r, BX_RECORD_AUTO, "o.csv",
                               "order_id\titem_id\tqty\tl_mm\tw_mm\th_mm\tweight_g\n"),
                     BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "o.csv:1: the header is one column holding "
                                            "tabs: fields must be separated by commas");
    bx_ctx_free(ctx);
}

static void test_duplicate_column(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(
        open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv",
                  "order_id,item_id,qty,qty,l_mm,w_mm,h_mm,weight_g\n"),
        BX_EINPUT);
    assert_null(r);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "o.csv:1:4: field 'qty': duplicate column");
    bx_ctx_free(ctx);
}

static void test_no_header(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(open_text(ctx, &r, BX_RECORD_BOX, "e.csv", ""), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "e.csv: no header row");
    assert_null(r);
    /* blank lines are no header either */
    assert_int_equal(open_text(ctx, &r, BX_RECORD_AUTO, "e.csv", "\n\r\n\n"),
                     BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "e.csv: no header row");
    /* a malformed header is fatal */
    assert_int_equal(open_text(ctx, &r, BX_RECORD_BOX, "e.csv", "box\"id\n"),
                     BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "e.csv:1:1: quote in unquoted field");
    bx_ctx_free(ctx);
}

static void test_auto_kind(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(open_text(ctx, &r, BX_RECORD_AUTO, "x",
                               "max_weight_g,inner_h_mm,inner_w_mm,inner_l_mm,"
                               "box_id\n9,3,2,1,B\n"),
                     BX_OK);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_BOX);
    bx_record rec;
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_int_equal(rec.kind, BX_RECORD_BOX);
    assert_string_equal(rec.u.box.box_id, "B");
    assert_int_equal(rec.u.box.inner_l_mm, 1);
    assert_int_equal(rec.u.box.max_weight_g, 9);
    bx_reader_close(r);

    char text[256];
    snprintf(text, sizeof text, "%s\nO,I,1,1,1,1,0,fixed,,,\n", line_header);
    assert_int_equal(open_text(ctx, &r, BX_RECORD_AUTO, "x", text), BX_OK);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_ORDER_LINE);
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_int_equal(rec.kind, BX_RECORD_ORDER_LINE);
    assert_string_equal(rec.u.line.order_id, "O");
    assert_int_equal(rec.u.line.rotation, BX_ROTATE_FIXED);
    bx_reader_close(r);

    assert_int_equal(open_text(ctx, &r, BX_RECORD_AUTO, "x", "id,size\n1,2\n"),
                     BX_EINPUT);
    assert_null(r);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "box_id"));
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "order_id"));
    assert_prefix(bx_ctx_errmsg(ctx), "x:1: ");

    assert_int_equal(open_text(ctx, &r, BX_RECORD_AUTO, "x",
                               "order_id,box_id\n1,2\n"),
                     BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "both box_id and order_id"));
    bx_ctx_free(ctx);
}

/* A file as a spreadsheet saves it: BOM, CRLF, quoted ids, a blank line.
 * Format and kind are both left to the reader (.csv and the header). */
static void test_fixture_file(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_file(ctx, &r, BX_RECORD_AUTO,
                                         BX_FORMAT_AUTO,
                                         BOXCAR_TEST_DATA "/csv/orders.csv",
                                         NULL),
                     BX_OK);
    assert_int_equal(bx_reader_format(r), BX_FORMAT_CSV);
    assert_int_equal(bx_reader_kind(r), BX_RECORD_ORDER_LINE);
    bx_record rec;
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_string_equal(rec.u.line.order_id, "A-1");
    assert_string_equal(rec.u.line.item_id, "mug, blue");
    assert_int_equal(rec.u.line.rotation, BX_ROTATE_UPRIGHT);
    assert_true(rec.u.line.fragile);
    assert_int_equal(rec.u.line.has, BX_LINE_HAS_ROTATION |
                                         BX_LINE_HAS_FRAGILE |
                                         BX_LINE_HAS_ALONE);
    assert_int_equal(rec.u.line.line, 2);
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_string_equal(rec.u.line.group, "tubes");
    assert_int_equal(rec.u.line.has, BX_LINE_HAS_GROUP);
    assert_int_equal(rec.u.line.line, 3);
    assert_int_equal(bx_reader_next(r, &rec), BX_OK);
    assert_string_equal(rec.u.line.item_id, "lamp \"Luna\"");
    assert_int_equal(rec.u.line.weight_g, 2100);
    assert_int_equal(rec.u.line.line, 5);
    assert_int_equal(bx_reader_next(r, &rec), BX_END);
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

/* ---- rows ---------------------------------------------------------------- */

static void test_field_count(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    char text[256];
    snprintf(text, sizeof text,
             "%s\nO,I,1,1,1,1,0,,,,\nO,I,1,1,1,1,0\nO,J,1,1,1,1,0,,,,\n",
             line_header);
    assert_int_equal(open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv", text),
                     BX_OK);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "o.csv:3: expected 11 fields, got 7");
    assert_true(bx_reader_recoverable(r));
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_string_equal(l.item_id, "J");
    assert_int_equal(l.line, 4);
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

static void test_bad_values(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    char text[512];
    snprintf(text, sizeof text,
             "%s\n"
             "O,I,3x,1,1,1,0,,,,\n"  /* line 2: qty not a number */
             "O,I,0,1,1,1,0,,,,\n"   /* line 3: qty below 1 */
             ",I,1,1,1,1,0,,,,\n"    /* line 4: required field empty */
             "O,I,1,1,1,1,0,sideways,,,\n" /* line 5: rotation */
             "O,I,1,1,1,1,0,,maybe,,\n"    /* line 6: fragile */
             "O,I,1,1,1,1,0,,,1,g\n",      /* line 7: alone and grouped */
             line_header);
    assert_int_equal(open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv", text),
                     BX_OK);
    bx_order_line l;
    static const char *const want[] = {
        "o.csv:2:3: field 'qty': ",
        "o.csv:3:3: field 'qty': ",
        "o.csv:4:1: field 'order_id': ",
        "o.csv:5:8: field 'rotation': ",
        "o.csv:6:9: field 'fragile': ",
        "o.csv:7: field 'alone': ",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
        assert_prefix(bx_ctx_errmsg(ctx), want[i]);
        assert_true(bx_reader_recoverable(r));
    }
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

static void test_optional_fields(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(
        open_text(ctx, &r, BX_RECORD_BOX, "c.csv",
                  "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g,"
                  "outer_l_mm,outer_w_mm,outer_h_mm,tare_g,material,"
                  "material_mass_g,cost,stock,reusable\n"
                  "B1,300,200,100,5000,,,,,,,,,\n"
                  "B2,300,200,100,5000,310,210,110,250,corrugated,240,1.25,"
                  "10,yes\n"
                  "B3,300,200,100,5000,,,,0,,,,0,no\n"),
        BX_OK);
    bx_box b;
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(b.has, 0);
    assert_int_equal(b.stock, BX_STOCK_UNLIMITED);
    assert_string_equal(b.material, "");
    assert_int_equal(b.line, 2);

    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(b.has, BX_BOX_HAS_OUTER | BX_BOX_HAS_TARE |
                                BX_BOX_HAS_MATERIAL |
                                BX_BOX_HAS_MATERIAL_MASS | BX_BOX_HAS_COST |
                                BX_BOX_HAS_STOCK | BX_BOX_HAS_REUSABLE);
    assert_int_equal(b.outer_l_mm, 310);
    assert_int_equal(b.outer_w_mm, 210);
    assert_int_equal(b.outer_h_mm, 110);
    assert_int_equal(b.tare_g, 250);
    assert_string_equal(b.material, "corrugated");
    assert_int_equal(b.material_mass_g, 240);
    assert_true(b.cost == 1.25);
    assert_int_equal(b.stock, 10);
    assert_true(b.reusable);
    assert_int_equal(b.line, 3);

    /* zero and false given are present, not absent */
    assert_int_equal(bx_reader_next(r, &b), BX_OK);
    assert_int_equal(b.has,
                     BX_BOX_HAS_TARE | BX_BOX_HAS_STOCK | BX_BOX_HAS_REUSABLE);
    assert_int_equal(b.tare_g, 0);
    assert_int_equal(b.stock, 0);
    assert_false(b.reusable);
    assert_int_equal(bx_reader_next(r, &b), BX_END);
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

/* Every kind of bad row is reported and skipped; the good rows around them
 * come through with their own line numbers. */
static void test_continue_after_bad_rows(void **state)
{
    (void)state;
    test_diags d;
    bx_ctx *ctx = new_ctx(&d);
    bx_reader *r = NULL;
    char text[512];
    snprintf(text, sizeof text,
             "%s\n"
             "O,A,1,1,1,1,0,,,,\n"          /* 2 good */
             "O,B,x,1,1,1,0,,,,\n"          /* 3 bad qty */
             "O,C,1,1,1,1,0,,,,\n"          /* 4 good */
             "O,D,1\n"                      /* 5 too few fields */
             "O,E\"\",1,1,1,1,1,0,,,,\n"    /* 6 quote in unquoted field */
             "\"O\",\"F\nG\",1,1,1,1,0,,,,\n" /* 7-8 id with a line end */
             "\n"                           /* 9 blank */
             "O,H,1,1,1,1,0,,,,\n",         /* 10 good */
             line_header);
    assert_int_equal(open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv", text),
                     BX_OK);
    static const struct {
        bx_status st;
        const char *item;
        uint64_t line;
    } want[] = {
        {BX_OK, "A", 2},     {BX_EINPUT, NULL, 0}, {BX_OK, "C", 4},
        {BX_EINPUT, NULL, 0}, {BX_EINPUT, NULL, 0}, {BX_EINPUT, NULL, 0},
        {BX_OK, "H", 10},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        bx_order_line l;
        assert_int_equal(bx_reader_next(r, &l), want[i].st);
        if (want[i].st == BX_OK) {
            assert_string_equal(l.item_id, want[i].item);
            assert_int_equal(l.line, want[i].line);
        }
    }
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_END);
    assert_int_equal(d.nerrors, 4);
    assert_prefix(d.all, "o.csv:3:3: field 'qty': ");
    assert_non_null(strstr(d.all, "\no.csv:5: expected 11 fields, got 3\n"));
    assert_non_null(
        strstr(d.all, "\no.csv:6:2: quote in unquoted field\n"));
    assert_non_null(strstr(d.all, "\no.csv:7:2: field 'item_id': identifier "
                                  "contains a control character\n"));
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

/* A limit ends the reading: the rest of the input is not trusted. */
static void test_limit_is_fatal(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader_limits lim = bx_reader_limits_default();
    lim.max_record_bytes = 60;
    char text[512];
    snprintf(text, sizeof text, "%s\nO,I,1,1,1,1,0\n"
             "O,%s,1,1,1,1,0\nO,I,1,1,1,1,0\n",
             "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g",
             "a-very-long-item-identifier-that-pushes-the-row-over-sixty");
    /* the header must fit the limit for the test to mean anything */
    bx_reader *r = NULL;
    assert_int_equal(bx_reader_open_mem(ctx, &r, BX_RECORD_ORDER_LINE,
                                        BX_FORMAT_CSV, "o.csv", text,
                                        strlen(text), &lim),
                     BX_OK);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_int_equal(bx_reader_next(r, &l), BX_ELIMIT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "o.csv:3:2: record longer than 60 bytes");
    assert_false(bx_reader_recoverable(r));
    assert_int_not_equal(bx_reader_next(r, &l), BX_OK);
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

/* ---- writer -------------------------------------------------------------- */

static void fill_box(bx_box *b, int i, bool all)
{
    bx_box_init(b);
    snprintf(b->box_id, sizeof b->box_id, "Box \"%d\", large", i);
    b->inner_l_mm = 100 + i;
    b->inner_w_mm = 50 + i;
    b->inner_h_mm = 20 + i;
    b->max_weight_g = INT64_C(1000000000000) - i;
    if (!all)
        return;
    b->outer_l_mm = 105 + i;
    b->outer_w_mm = 55 + i;
    b->outer_h_mm = 25 + i;
    b->tare_g = 120 + i;
    snprintf(b->material, sizeof b->material, "corr \"ugated\", %d", i);
    b->material_mass_g = 110;
    b->cost = 0.1 * i + 1e-9; /* needs all 17 digits to round-trip */
    b->stock = i;
    b->reusable = i % 2 == 0;
    b->has = BX_BOX_HAS_OUTER | BX_BOX_HAS_TARE | BX_BOX_HAS_MATERIAL |
             BX_BOX_HAS_MATERIAL_MASS | BX_BOX_HAS_COST | BX_BOX_HAS_STOCK |
             BX_BOX_HAS_REUSABLE;
}

static void fill_line(bx_order_line *l, int i, bool all)
{
    bx_order_line_init(l);
    snprintf(l->order_id, sizeof l->order_id, "ORD-%d", i);
    snprintf(l->item_id, sizeof l->item_id, "item \"x\"\xC3\xA9%d", i);
    l->qty = 1 + i;
    l->l_mm = 10;
    l->w_mm = 20;
    l->h_mm = 30;
    l->weight_g = i;
    if (!all)
        return;
    l->rotation = (bx_rotation)(i % 3);
    l->fragile = i % 2 == 1;
    l->alone = false;
    snprintf(l->group, sizeof l->group, "g,%d", i);
    l->has = BX_LINE_HAS_ROTATION | BX_LINE_HAS_FRAGILE | BX_LINE_HAS_ALONE |
             BX_LINE_HAS_GROUP;
}

static void test_writer_format(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    test_buf out = {NULL, 0, 0, -1};
    bx_writer *w = NULL;
    assert_int_equal(bx_writer_open(ctx, &w, BX_RECORD_BOX, BX_FORMAT_CSV,
                                    test_buf_write, &out, 1),
                     BX_OK);
    bx_box b;
    bx_box_init(&b);
    strcpy(b.box_id, "B1");
    b.inner_l_mm = 300;
    b.inner_w_mm = 200;
    b.inner_h_mm = 100;
    b.max_weight_g = 5000;
    assert_int_equal(bx_writer_put(w, &b), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    /* header: every field in records.h order; 16 optional fields empty */
    assert_string_equal(out.data,
                        "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g,"
                        "outer_l_mm,outer_w_mm,outer_h_mm,tare_g,material,"
                        "material_mass_g,cost,stock,reusable,custom,min_l_mm,"
                        "min_w_mm,min_h_mm,step_mm,grammage_g_m2,cost_per_m2\n"
                        "B1,300,200,100,5000,,,,,,,,,,,,,,,,\n");
    test_buf_free(&out);

    assert_int_equal(bx_writer_open(ctx, &w, BX_RECORD_ORDER_LINE,
                                    BX_FORMAT_CSV, test_buf_write, &out, 1),
                     BX_OK);
    bx_order_line l;
    fill_line(&l, 1, true);
    assert_int_equal(bx_writer_put(w, &l), BX_OK);
    assert_int_equal(bx_writer_close(w), BX_OK);
    char want[512];
    snprintf(want, sizeof want,
             "%s,max_load_g\nORD-1,\"item \"\"x\"\"\xC3\xA9" "1\",2,10,20,30,1,upright,1,0,"
             "\"g,1\",\n",
             line_header);
    assert_string_equal(out.data, want);
    test_buf_free(&out);
    bx_ctx_free(ctx);
}

static void test_writer_io_error(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    test_buf out = {NULL, 0, 0, 10};
    bx_writer *w = NULL;
    /* the header alone passes 10 bytes */
    assert_int_equal(bx_writer_open(ctx, &w, BX_RECORD_BOX, BX_FORMAT_CSV,
                                    test_buf_write, &out, 0),
                     BX_EIO);
    assert_null(w);
    out.fail_after = 300;
    assert_int_equal(bx_writer_open(ctx, &w, BX_RECORD_BOX, BX_FORMAT_CSV,
                                    test_buf_write, &out, 2),
                     BX_OK);
    bx_box b;
    fill_box(&b, 1, true);
    assert_int_equal(bx_writer_put(w, &b), BX_EIO);
    bx_writer_abort(w);
    test_buf_free(&out);
    bx_ctx_free(ctx);
}

/* Boxes and lines with and without every optional field, with ids that
 * need quoting, come back exactly (the records were zero-initialised, so
 * a byte comparison also covers padding and unused id bytes). */
static void test_roundtrip(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    enum { N = 6 };
    bx_box boxes[N];
    bx_order_line lines[N];
    for (int i = 0; i < N; i++) {
        fill_box(&boxes[i], i, i % 2 == 0);
        fill_line(&lines[i], i, i % 2 == 0);
    }
    for (int kind = BX_RECORD_BOX; kind <= BX_RECORD_ORDER_LINE; kind++) {
        test_buf out = {NULL, 0, 0, -1};
        bx_writer *w = NULL;
        assert_int_equal(bx_writer_open(ctx, &w, (bx_record_kind)kind,
                                        BX_FORMAT_CSV, test_buf_write, &out,
                                        N),
                         BX_OK);
        for (int i = 0; i < N; i++) {
            const void *rec = kind == BX_RECORD_BOX ? (const void *)&boxes[i]
                                                    : (const void *)&lines[i];
            assert_int_equal(bx_writer_put(w, rec), BX_OK);
        }
        assert_int_equal(bx_writer_close(w), BX_OK);

        bx_reader *r = NULL;
        assert_int_equal(bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO,
                                            BX_FORMAT_CSV, "rt", out.data,
                                            out.len, NULL),
                         BX_OK);
        assert_int_equal(bx_reader_kind(r), kind);
        for (int i = 0; i < N; i++) {
            bx_record rec;
            assert_int_equal(bx_reader_next(r, &rec), BX_OK);
            assert_int_equal(rec.kind, kind);
            if (kind == BX_RECORD_BOX) {
                bx_box want;
                memcpy(&want, &boxes[i], sizeof want);
                want.line = (uint64_t)i + 2;
                assert_true(rec.u.box.cost == want.cost);
                assert_memory_equal(&rec.u.box, &want, sizeof want);
            } else {
                bx_order_line want;
                memcpy(&want, &lines[i], sizeof want);
                want.line = (uint64_t)i + 2;
                assert_memory_equal(&rec.u.line, &want, sizeof want);
            }
        }
        bx_record rec;
        assert_int_equal(bx_reader_next(r, &rec), BX_END);
        bx_reader_close(r);
        test_buf_free(&out);
    }
    assert_int_equal(bx_ctx_warning_count(ctx), 0);
    bx_ctx_free(ctx);
}

/* ---- allocation failures ------------------------------------------------- */

static void test_oom_reader(void **state)
{
    (void)state;
    /* an unknown column makes a warning, which allocates */
    char text[256];
    snprintf(text, sizeof text, "%s,extra\nO,I,1,1,1,1,0,,,,,\nO,I,x,1,1,1,0,,,,,\n",
             line_header);
    bool done = false;
    for (uint64_t n = 1; n < 200 && !done; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        assert_non_null(ctx);
        bx_reader *r = NULL;
        bx_status st = bx_reader_open_mem(ctx, &r, BX_RECORD_AUTO,
                                          BX_FORMAT_CSV, "o.csv", text,
                                          strlen(text), NULL);
        int good = 0, bad = 0;
        if (st == BX_OK) {
            bx_record rec;
            while ((st = bx_reader_next(r, &rec)) == BX_OK || st == BX_EINPUT) {
                if (st == BX_OK)
                    good++;
                else
                    bad++;
            }
        } else {
            assert_null(r);
        }
        bx_reader_close(r);
        if (ta.failures == 0) {
            assert_int_equal(st, BX_END);
            assert_int_equal(good, 1);
            assert_int_equal(bad, 1);
            done = true;
        } else {
            assert_int_equal(st, BX_ENOMEM);
        }
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
    }
    assert_true(done);
}

static void test_oom_writer(void **state)
{
    (void)state;
    bool done = false;
    for (uint64_t n = 1; n < 100 && !done; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        assert_non_null(ctx);
        test_buf out = {NULL, 0, 0, -1};
        bx_writer *w = NULL;
        bx_status st = bx_writer_open(ctx, &w, BX_RECORD_BOX, BX_FORMAT_CSV,
                                      test_buf_write, &out, 1);
        if (st == BX_OK) {
            bx_box b;
            fill_box(&b, 2, true);
            st = bx_writer_put(w, &b);
            if (st == BX_OK)
                st = bx_writer_close(w);
            else
                bx_writer_abort(w);
        }
        if (ta.failures == 0) {
            assert_int_equal(st, BX_OK);
            done = true;
        } else {
            assert_int_equal(st, BX_ENOMEM);
        }
        test_buf_free(&out);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
    }
    assert_true(done);
}

/* max_load_g: optional; absent or empty leaves the line unlimited (no
 * presence bit), 0 is a limit, a negative value is an error naming the
 * field. */
static void test_max_load(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx(NULL);
    bx_reader *r = NULL;
    assert_int_equal(open_text(ctx, &r, BX_RECORD_ORDER_LINE, "o.csv",
                               "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,max_load_g\n"
                               "A,x,1,10,10,10,5,2500\n"
                               "A,y,1,10,10,10,5,\n"
                               "A,z,1,10,10,10,5,0\n"
                               "A,w,1,10,10,10,5,-1\n"),
                     BX_OK);
    bx_order_line l;
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_true(l.has & BX_LINE_HAS_MAX_LOAD);
    assert_int_equal(l.max_load_g, 2500);
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_false(l.has & BX_LINE_HAS_MAX_LOAD);
    assert_int_equal(bx_reader_next(r, &l), BX_OK);
    assert_true(l.has & BX_LINE_HAS_MAX_LOAD);
    assert_int_equal(l.max_load_g, 0);
    assert_int_equal(bx_reader_next(r, &l), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "o.csv:5:8: field 'max_load_g'"));
    bx_reader_close(r);
    bx_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_any_order),
        cmocka_unit_test(test_unknown_columns_warn),
        cmocka_unit_test(test_missing_required_columns),
        cmocka_unit_test(test_header_case_and_separator),
        cmocka_unit_test(test_duplicate_column),
        cmocka_unit_test(test_no_header),
        cmocka_unit_test(test_auto_kind),
        cmocka_unit_test(test_fixture_file),
        cmocka_unit_test(test_field_count),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_optional_fields),
        cmocka_unit_test(test_max_load),
        cmocka_unit_test(test_continue_after_bad_rows),
        cmocka_unit_test(test_limit_is_fatal),
        cmocka_unit_test(test_writer_format),
        cmocka_unit_test(test_writer_io_error),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_oom_reader),
        cmocka_unit_test(test_oom_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
