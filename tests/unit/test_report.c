/*
 * test_report.c: report scripts and their renderers. The station report on
 * a small packing whose figures are worked out in the comments, read back
 * from the workbook (unzipped: sheet names, cell values, chart parts);
 * golden files in all three formats, byte for byte, with the creation time
 * fixed; scripts that go wrong, with script and line, leaving nothing
 * behind; sheet names Excel rejects.
 *
 * To make the golden files again after a deliberate change:
 *   BOXCAR_UPDATE_GOLDEN=1 build/tests/test_report
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cbor.h>

#include "report_testutil.h"
#include "testutil.h"

#define REPORT(f) BOXCAR_TEST_DATA "/report/" f
#define STATION BOXCAR_SCRIPTS "/report/station.lua"
#define CREATED ((time_t)1767225600) /* 2026-01-01 00:00:00 UTC */

typedef struct fixture {
    test_alloc ta;
    test_diags diags;
    bx_ctx *ctx;
    bx_report *r;
} fixture;

static bx_status open_report(fixture *f, const char *script_path, const char *packing)
{
    memset(f, 0, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    bx_status st = bx_report_load(f->ctx, &f->r, script_path, NULL);
    if (st == BX_OK && packing != NULL)
        st = bx_report_add_source(f->r, "packing", packing, bx_pack_csv_numeric_columns());
    return st;
}

static bx_status open_text(fixture *f, const char *src)
{
    memset(f, 0, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    /* a smaller budget than a report's default, so the loop below ends fast */
    bx_script_limits lim = {(size_t)64 << 20, 20000000, 0};
    bx_status st = bx_report_load_buffer(f->ctx, &f->r, "r.lua", src, strlen(src), &lim);
    if (st == BX_OK)
        st = bx_report_add_source(f->r, "packing", REPORT("packing.csv"),
                                  bx_pack_csv_numeric_columns());
    return st;
}

static void close_report(fixture *f)
{
    bx_report_free(f->r);
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_bytes, 0);
}

static bx_status render(fixture *f, bx_report_format fmt, const char *path)
{
    bx_report_options o = {CREATED, NULL, NULL, 0};
    return bx_report_render(f->r, fmt, path, &o);
}

/* ---- the station report on a known packing ---------------------------------------- */

/* packing.csv: orders A (one 3# box, fill 48.3, a GB45186.VOID), B (two
 * 7# boxes: fill 68.3 and 24.3, the second with a GB45186.VOID and a
 * container), C (a sofa nobody packs, 1 unit), D (bad input). So:
 *   4 orders, 3 boxes, 1 + 4 + 2 = 7 units, 1 unit not packed, 1 bad order;
 *   by type: 3# 1 box (share 1/3, mean fill 48.3), 7# 2 boxes (2/3, mean
 *     (68.3 + 24.3) / 2 = 46.3);
 *   GB 45186: 2 boxes in violation (void), 1 compliant: rate 1/3;
 *   orders by boxes: 0 boxes 2 (C, D), 1 box 1 (A), 2 boxes 1 (B);
 *   multi-box orders: B, 2 boxes, lower bound 2, 6 units.
 * Summary layout (rows 1-based): A1 heading, A2 the text, A3 blank, A4
 * "Boxes used by type", A5 header, A6 3#, A7 7#, A8 totals. */
static void test_station_xlsx(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_report(&f, STATION, REPORT("packing.csv")), BX_OK);
    remove("station.xlsx");
    bx_status st = render(&f, BX_REPORT_XLSX, "station.xlsx");
    if (st != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    /* rows: 5 read by build, 5 by the Boxes sheet */
    assert_int_equal(bx_report_rows(f.r), 10);
    close_report(&f);
    rt_nothing_like("station.xlsx.tmp");

    char *wb = rt_unzip_member("station.xlsx", "xl/workbook.xml");
    assert_non_null(strstr(wb, "<sheet name=\"Summary\" sheetId=\"1\""));
    assert_non_null(strstr(wb, "<sheet name=\"Multi-box orders\" sheetId=\"2\""));
    assert_non_null(strstr(wb, "<sheet name=\"Boxes\" sheetId=\"3\""));
    free(wb);

    char *s1 = rt_unzip_member("station.xlsx", "xl/worksheets/sheet1.xml");
    assert_string_equal(rt_cell(s1, "A1"), "Packing station report");
    assert_string_equal(rt_cell(s1, "A2"), "packing.csv: 4 orders, 3 boxes, 7 units packed, 1 units "
                                        "not packed, 1 orders with bad input");
    assert_string_equal(rt_cell(s1, "A4"), "Boxes used by type");
    assert_string_equal(rt_cell(s1, "A6"), "3#");
    assert_string_equal(rt_cell(s1, "B6"), "1");
    assert_string_equal(rt_cell(s1, "A7"), "7#");
    assert_string_equal(rt_cell(s1, "B7"), "2");
    assert_true(strncmp(rt_cell(s1, "C7"), "0.66666666666666", 16) == 0);
    assert_true(strncmp(rt_cell(s1, "D7"), "46.3", 4) == 0 || strncmp(rt_cell(s1, "D7"), "46.29999", 8) == 0);
    assert_string_equal(rt_cell(s1, "A8"), "Total");
    assert_string_equal(rt_cell(s1, "B8"), "3");
    assert_non_null(strstr(s1, "<f>SUM(B6:B7)</f>"));
    /* fill histogram: title A10, header A11, bands 0-10 .. 90-100 in rows
     * 12-21: 24.3 in 20-30 (row 14), 48.3 in 40-50 (16), 68.3 in 60-70 (18) */
    assert_string_equal(rt_cell(s1, "A10"), "Fill distribution");
    assert_string_equal(rt_cell(s1, "A14"), "20-30 %");
    assert_string_equal(rt_cell(s1, "B14"), "1");
    assert_string_equal(rt_cell(s1, "B15"), "0");
    assert_string_equal(rt_cell(s1, "B16"), "1");
    assert_string_equal(rt_cell(s1, "B18"), "1");
    assert_string_equal(rt_cell(s1, "B22"), "3");
    /* GB 45186 after the two histograms (rows 24-36): the rule table's
     * "void ratio" row and the rate table */
    assert_non_null(strstr(s1, ">void ratio<"));
    assert_non_null(strstr(s1, ">compliant<"));
    free(s1);
    /* the detail sheet: header frozen, autofilter over the 3 packed boxes
     * (C and D have no box and are left out), numbers as numbers */
    char *s3 = rt_unzip_member("station.xlsx", "xl/worksheets/sheet3.xml");
    assert_non_null(strstr(s3, "<pane ySplit=\"1\" topLeftCell=\"A2\""));
    assert_non_null(strstr(s3, "<autoFilter ref=\"A1:K4\"/>"));
    assert_string_equal(rt_cell(s3, "A1"), "Order");
    assert_string_equal(rt_cell(s3, "A4"), "B");
    assert_string_equal(rt_cell(s3, "G4"), "24.3");
    assert_string_equal(rt_cell(s3, "K4"), "RB-1");
    assert_null(strstr(s3, "<c r=\"A5\""));
    free(s3);
    char *s2 = rt_unzip_member("station.xlsx", "xl/worksheets/sheet2.xml");
    assert_string_equal(rt_cell(s2, "A3"), "Order");
    assert_string_equal(rt_cell(s2, "A4"), "B");
    assert_string_equal(rt_cell(s2, "B4"), "2");
    assert_string_equal(rt_cell(s2, "D4"), "6");
    free(s2);
    /* five charts: by type, fill, void, compliance (pie), orders (bar) */
    char *c1 = rt_unzip_member("station.xlsx", "xl/charts/chart1.xml");
    assert_non_null(strstr(c1, "<c:barChart>"));
    assert_non_null(strstr(c1, "<c:f>Summary!$B$6:$B$7</c:f>"));
    assert_non_null(strstr(c1, "<c:f>Summary!$A$6:$A$7</c:f>"));
    free(c1);
    char *c4 = rt_unzip_member("station.xlsx", "xl/charts/chart4.xml");
    assert_non_null(strstr(c4, "<c:pieChart>"));
    free(c4);
    char *c5 = rt_unzip_member("station.xlsx", "xl/charts/chart5.xml");
    assert_non_null(strstr(c5, "<c:barDir val=\"bar\"/>"));
    free(c5);
    /* number formats with units */
    char *styles = rt_unzip_member("station.xlsx", "xl/styles.xml");
    assert_non_null(strstr(styles, "formatCode=\"0.0 &quot;%&quot;\""));
    assert_non_null(strstr(styles, "formatCode=\"#,##0 &quot;g&quot;\""));
    free(styles);
}

/* Without GB 45186 results the report says so instead of a rate. */
/* The station report labelled in Chinese (lang = zh-CN), GB 45186's rules
 * in the terms packers use; the same figures as test_station_xlsx; every
 * sheet set up to print on A4, the detail's header on every page. */
static void test_station_chinese(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_report(&f, STATION, REPORT("packing.csv")), BX_OK);
    assert_int_equal(bx_report_set_param(f.r, "lang", "zh-CN"), BX_OK);
    remove("station-zh.xlsx");
    if (render(&f, BX_REPORT_XLSX, "station-zh.xlsx") != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    assert_int_equal(bx_report_set_param(f.r, "lang", "fr"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_XLSX, "station-fr.xlsx"), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "lang must be \"en\" or \"zh-CN\""));
    close_report(&f);
    char *wb = rt_unzip_member("station-zh.xlsx", "xl/workbook.xml");
    assert_non_null(strstr(wb, "<sheet name=\"汇总\" sheetId=\"1\""));
    assert_non_null(strstr(wb, "<sheet name=\"多箱订单\" sheetId=\"2\""));
    assert_non_null(strstr(wb, "<sheet name=\"箱子明细\" sheetId=\"3\""));
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"2\">"
                               "'箱子明细'!$1:$1</definedName>"));
    /* the multi-box list: heading, blank row, header (repeated), order B */
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">"
                               "'多箱订单'!$1:$3</definedName>"));
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"1\">"
                               "'多箱订单'!$A$1:$D$4</definedName>"));
    free(wb);
    char *s1 = rt_unzip_member("station-zh.xlsx", "xl/worksheets/sheet1.xml");
    assert_string_equal(rt_cell(s1, "A1"), "包装台报告");
    assert_string_equal(rt_cell(s1, "A4"), "各箱型用量");
    assert_string_equal(rt_cell(s1, "A5"), "箱型");
    assert_string_equal(rt_cell(s1, "A6"), "3#");
    assert_string_equal(rt_cell(s1, "B7"), "2");
    assert_string_equal(rt_cell(s1, "A8"), "合计");
    assert_non_null(strstr(s1, "空隙率"));
    assert_non_null(strstr(s1, "orientation=\"landscape\""));
    assert_non_null(strstr(s1, "paperSize=\"9\""));
    free(s1);
}

static void test_station_without_policy(void **state)
{
    (void)state;
    FILE *fp = fopen("nopolicy.csv", "wb");
    assert_non_null(fp);
    fputs("order_id,box_seq,box_id,n_units,item_volume_mm3,box_inner_volume_mm3,fill_pct,"
          "void_pct,gross_weight_g,lower_bound_boxes,reason,violations,container_id\n"
          "A,1,3#,1,10786500,22315968,48.3,51.7,1733,1,,,\n", fp);
    fclose(fp);
    fixture f;
    assert_int_equal(open_report(&f, STATION, "nopolicy.csv"), BX_OK);
    assert_int_equal(bx_report_add_note(f.r, "a note from the host"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "nopolicy-report"), BX_OK);
    close_report(&f);
    char *csv = test_read_file("nopolicy-report/Summary.csv", NULL);
    assert_non_null(csv);
    assert_non_null(strstr(csv, "\nGB 45186: not assessed."));
    assert_non_null(strstr(csv, "Note: a note from the host\n"));
    assert_non_null(strstr(csv, "\nBox,Boxes,Share,Mean fill\n3#,1,1,48.3\nTotal,1,1,\n"));
    free(csv);
    csv = test_read_file("nopolicy-report/Boxes.csv", NULL);
    assert_string_equal(csv, "Order,Box #,Box,Units,Items,Inner,Fill,Void,Gross,Violations,"
                             "Container\nA,1,3#,1,10786500,22315968,48.3,51.7,1733,,\n");
    free(csv);
}

/* ---- golden files ---------------------------------------------------------------------- */

static void golden(bx_report_format fmt, const char *out, const char *file, const char *gold)
{
    fixture f;
    assert_int_equal(open_report(&f, REPORT("golden.lua"), REPORT("packing.csv")), BX_OK);
    if (render(&f, fmt, out) != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    close_report(&f);
    rt_expect_golden(file, gold);
}

static void test_golden_files(void **state)
{
    (void)state;
    golden(BX_REPORT_XLSX, "golden.xlsx", "golden.xlsx", REPORT("golden.xlsx"));
    golden(BX_REPORT_CBOR, "golden.cbor", "golden.cbor", REPORT("golden.cbor"));
    golden(BX_REPORT_CSV, "golden-csv", "golden-csv/Überblick 概要.csv",
           REPORT("golden-summary.csv"));
    golden(BX_REPORT_CSV, "golden-csv", "golden-csv/Rows.csv", REPORT("golden-rows.csv"));
    /* the same input twice gives the same bytes */
    size_t n1, n2;
    fixture f;
    assert_int_equal(open_report(&f, REPORT("golden.lua"), REPORT("packing.csv")), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_XLSX, "golden2.xlsx"), BX_OK);
    close_report(&f);
    char *a = test_read_file("golden.xlsx", &n1), *b = test_read_file("golden2.xlsx", &n2);
    assert_true(n1 == n2 && memcmp(a, b, n1) == 0);
    free(a);
    free(b);
}

/* The CBOR document decodes, and has the shape docs/formats.md gives. */
static void test_cbor_shape(void **state)
{
    (void)state;
    size_t n;
    char *bytes = test_read_file("golden.cbor", &n);
    assert_non_null(bytes);
    struct cbor_load_result res;
    cbor_item_t *doc = cbor_load((const unsigned char *)bytes, n, &res);
    assert_non_null(doc);
    assert_int_equal(res.read, n);
    assert_true(cbor_isa_map(doc));
    assert_int_equal(cbor_map_size(doc), 4);
    struct cbor_pair *top = cbor_map_handle(doc);
    const char *keys[4] = {"notes", "title", "report", "sheets"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(cbor_string_length(top[i].key), strlen(keys[i]));
        assert_memory_equal(cbor_string_handle(top[i].key), keys[i], strlen(keys[i]));
    }
    /* handles are borrowed (cbor_array_get would take a reference) */
    cbor_item_t *sheets = top[3].value;
    assert_int_equal(cbor_array_size(sheets), 2);
    cbor_item_t *rows = cbor_map_handle(cbor_array_handle(sheets)[1])[2].value;
    cbor_item_t *first = cbor_array_handle(rows)[0];
    /* detail row 1: A, 3#, 48.3, the violation text */
    assert_int_equal(cbor_array_size(rows), 5);
    assert_true(cbor_isa_float_ctrl(cbor_array_handle(first)[2]));
    assert_true(cbor_float_get_float(cbor_array_handle(first)[2]) == 48.3);
    cbor_decref(&doc);
    free(bytes);
}

/* ---- scripts that go wrong --------------------------------------------------------------- */

static void expect_render_error(const char *src, bx_status st, const char *want)
{
    fixture f;
    bx_status got = open_text(&f, src);
    remove("bad.xlsx");
    if (got == BX_OK)
        got = render(&f, BX_REPORT_XLSX, "bad.xlsx");
    if (got != st || strstr(bx_ctx_errmsg(f.ctx), want) == NULL)
        fail_msg("script:\n%s\nwanted %s with '%s', got %s: '%s'", src, bx_strerror(st), want,
                 bx_strerror(got), bx_ctx_errmsg(f.ctx));
    close_report(&f);
    /* no workbook, no temporary */
    assert_int_equal(access("bad.xlsx", F_OK), -1);
    rt_nothing_like("bad.xlsx");
}

static void test_bad_scripts(void **state)
{
    (void)state;
    expect_render_error("return {}", BX_EINPUT,
                        "r.lua: a report's module needs a function build(data, book), not nil");
    expect_render_error("local R = {}\nfunction R.build(d, b)\n  b:sheet('a') = 1\nend\nreturn R",
                        BX_EINPUT, "r.lua:3: syntax error near '='");
    expect_render_error("return {build = function(d, b)\n\n  local x = d.nope.rows\nend}",
                        BX_EINPUT, "r.lua:3: attempt to index a nil value (field 'nope')");
    expect_render_error("return {build = function(d, b) end}", BX_EINPUT,
                        "build made no sheet");
    /* sheet names Excel rejects, with the line that named them */
    expect_render_error("return {build = function(d, b)\n  b:sheet('Day 1/2')\nend}", BX_EINPUT,
                        "r.lua:2: sheet name 'Day 1/2' contains one of [ ] : * ? / \\");
    expect_render_error("return {build = function(d, b)\n  b:sheet('A sheet name longer than "
                        "thirty-one')\nend}", BX_EINPUT,
                        "is longer than 31 characters, Excel's limit for sheet names");
    expect_render_error("return {build = function(d, b)\n  b:sheet('Sales')\n  b:sheet('SALES')\n"
                        "end}", BX_EINPUT,
                        "r.lua:3: sheet name 'SALES' is already used by sheet 1 ('Sales')");
    expect_render_error("return {build = function(d, b)\n  b:sheet(\"'quoted'\")\nend}", BX_EINPUT,
                        "begins or ends with an apostrophe");
    expect_render_error("return {build = function(d, b)\n  b:sheet('')\nend}", BX_EINPUT,
                        "sheet name '' is empty");
    expect_render_error("return {build = function(d, b)\n  b:sheet('history')\nend}", BX_EINPUT,
                        "is reserved by Excel");
    /* wrong types, each at its line */
    expect_render_error("return {build = function(d, b)\n  local s = b:sheet('S')\n"
                        "  local t = s:table{columns = {{'A'}}}\n  t:row({})\nend}", BX_EINPUT,
                        "r.lua:4: cell 1 is a table; a cell is a number, a string, a boolean "
                        "or nil");
    expect_render_error("return {build = function(d, b)\n  local s = b:sheet('S')\n"
                        "  local t = s:table{columns = {{'A'}}}\n  t:row(1, 2)\nend}", BX_EINPUT,
                        "r.lua:4: a row of 2 cells in a table of 1 columns");
    expect_render_error("return {build = function(d, b)\n  local s = b:sheet('S')\n"
                        "  local t = s:table{columns = {{'A'}}}\n  t:row(0/0)\nend}", BX_EINPUT,
                        "Excel has no such number");
    expect_render_error("return {build = function(d, b)\n  local s = b:sheet('S')\n"
                        "  s:table{columns = {'A'}}\nend}", BX_EINPUT,
                        "r.lua:3: column 1 must be a table such as {\"Name\", format = \"0.0\"}, "
                        "not a string");
    expect_render_error("return {build = function(d, b)\n  local s = b:sheet('S')\n"
                        "  local t = s:table{columns = {{'A'}, {'B'}}}\n"
                        "  s:chart{type = 'donut', table = t, values = 2}\nend}", BX_EINPUT,
                        "r.lua:4: a chart's type is column, bar, pie or line");
    expect_render_error("return {build = function(d, b)\n  local s = b:sheet('S')\n"
                        "  local t = s:table{columns = {{'A'}, {'B'}}}\n"
                        "  s:chart{type = 'pie', table = t, values = {2, 2}}\nend}", BX_EINPUT,
                        "a pie chart has one series");
    expect_render_error("return {build = function(d, b)\n  local s = b:sheet('S')\n"
                        "  local t = s:table{columns = {{'A'}, {'B'}}}\n"
                        "  s:chart{type = 'bar', table = t, values = 3}\nend}", BX_EINPUT,
                        "values must be a column number of the table (1..2)");
    expect_render_error("return {build = function(d, b)\n  b.sheet(1)\nend}", BX_EINPUT,
                        "r.lua:2: book expected (call it with ':', as book:...)");
    expect_render_error("return {build = function(d, b)\n  b:detail('D', d.packing, {{'X', "
                        "field = 'nope'}})\nend}", BX_EINPUT,
                        "r.lua:2: column 1: 'packing' has no column 'nope'");
    expect_render_error("return {build = function(d, b)\n  b:detail('D', 'stock', {})\nend}",
                        BX_EINPUT, "'stock' is none");
    expect_render_error("return {build = function(d, b)\n  for r in d.packing:rows() do\n"
                        "    local x = r.fill\n  end\nend}", BX_EINPUT,
                        "r.lua:3: 'packing' has no column 'fill'");
    /* the budget and the memory cap */
    expect_render_error("return {build = function(d, b)\n  while true do end\nend}", BX_ELIMIT,
                        "instruction budget of 20000000 exceeded (in build)");
    expect_render_error("return {build = function(d, b)\n  local t = {}\n"
                        "  for i = 1, 1e9 do t[i] = ('x'):rep(900) .. i end\nend}", BX_ELIMIT,
                        "memory limit of 67108864 bytes exceeded (in build)");
}

/* A source row that is not what its header promises: file, line, field,
 * both from build and from a detail sheet; no workbook. */
static void test_bad_rows(void **state)
{
    (void)state;
    fixture f;
    memset(&f, 0, sizeof f);
    f.ctx = test_ctx_new(&f.ta, 0);
    const char *src = "return {build = function(d, b)\n"
                      "  b:sheet('S')\n"
                      "  b:detail('D', d.packing, {{'Fill', field = 'fill_pct'}})\n"
                      "end}";
    assert_int_equal(bx_report_load_buffer(f.ctx, &f.r, "r.lua", src, strlen(src), NULL), BX_OK);
    assert_int_equal(bx_report_add_source(f.r, "packing", REPORT("bad_number.csv"),
                                          bx_pack_csv_numeric_columns()), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_XLSX, "badrow.xlsx"), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "bad_number.csv:3:7: field 'fill_pct': 'lots' "
                                                 "is not a number"));
    assert_int_equal(access("badrow.xlsx", F_OK), -1);
    rt_nothing_like("badrow.xlsx");
    assert_int_equal(render(&f, BX_REPORT_CBOR, "badrow.cbor"), BX_EINPUT);
    assert_int_equal(access("badrow.cbor", F_OK), -1);
    close_report(&f);
    /* the same row read by build names the script line too */
    fixture g;
    memset(&g, 0, sizeof g);
    g.ctx = test_ctx_new(&g.ta, 0);
    const char *src2 = "return {build = function(d, b)\n"
                       "  for r in d.packing:rows() do\n"
                       "    local x = r.fill_pct\n"
                       "  end\n"
                       "end}";
    assert_int_equal(bx_report_load_buffer(g.ctx, &g.r, "r.lua", src2, strlen(src2), NULL), BX_OK);
    assert_int_equal(bx_report_add_source(g.r, "packing", REPORT("bad_number.csv"),
                                          bx_pack_csv_numeric_columns()), BX_OK);
    assert_int_equal(render(&g, BX_REPORT_XLSX, "badrow.xlsx"), BX_EINPUT);
    if (strstr(bx_ctx_errmsg(g.ctx), "r.lua:3: ") == NULL ||
        strstr(bx_ctx_errmsg(g.ctx), "bad_number.csv:3:7: field 'fill_pct'") == NULL)
        fail_msg("%s", bx_ctx_errmsg(g.ctx));
    close_report(&g);
    /* a source without a promised column is refused when added */
    fixture h;
    memset(&h, 0, sizeof h);
    h.ctx = test_ctx_new(&h.ta, 0);
    assert_int_equal(bx_report_load(h.ctx, &h.r, STATION, NULL), BX_OK);
    const char *const need[] = {"co2e_g", NULL};
    assert_int_equal(bx_report_add_source(h.r, "packing", REPORT("packing.csv"), need), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(h.ctx),
                        BOXCAR_TEST_DATA "/report/packing.csv:1: the header has no column 'co2e_g'");
    assert_int_equal(bx_report_add_source(h.r, "packing", "/nonexistent.csv", NULL), BX_ENOTFOUND);
    assert_int_equal(bx_report_add_source(h.r, "not a name", REPORT("packing.csv"), NULL),
                     BX_EINVAL);
    close_report(&h);
}

/* ---- many sheets, and failures, as CSV -------------------------------------------- */

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Remove dir and the files in it (what an earlier run left). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    char path[512];
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove(path);
        }
    closedir(d);
    rmdir(dir);
}

/* A CSV report writes one sheet at a time: 1,000 sheets (the most a
 * report may have) render with 32 files open at most; a 1,001st sheet is
 * refused by name, and nothing is left behind. */
static void test_many_sheets(void **state)
{
    (void)state;
    remove_dir("many-csv");
    fixture f;
    assert_int_equal(open_text(&f, "local M = {params = {n = 1000}}\n"
                                   "function M.build(d, b)\n"
                                   "  for i = 1, M.params.n do\n"
                                   "    b:sheet('S' .. i):text('sheet ' .. i)\n"
                                   "  end\n"
                                   "end\n"
                                   "return M"), BX_OK);
    struct rlimit old, low;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = old;
    low.rlim_cur = 32;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    bx_status st = render(&f, BX_REPORT_CSV, "many-csv");
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    if (st != BX_OK)
        fail_msg("%s: %s", bx_strerror(st), bx_ctx_errmsg(f.ctx));
    assert_int_equal(count_files("many-csv"), 1000);
    char *csv = test_read_file("many-csv/S1000.csv", NULL);
    assert_string_equal(csv, "sheet 1000\n");
    free(csv);
    rt_nothing_like("many-csv.tmp");
    assert_int_equal(bx_report_set_param(f.r, "n", "1001"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "toomany-csv"), BX_ELIMIT);
    assert_string_equal(bx_ctx_errmsg(f.ctx), "r.lua:4: a report has at most 1000 sheets; "
                                              "sheet 'S1001' would be one more (in build)");
    assert_int_equal(render(&f, BX_REPORT_XLSX, "toomany.xlsx"), BX_ELIMIT);
    rt_nothing_like("toomany");
    close_report(&f);
}

/* Rows of a worksheet, header included, in a sheet's XML. */
static int count_rows(const char *xml)
{
    int n = 0;
    for (const char *p = xml; (p = strstr(p, "<row r=")) != NULL; p++)
        n++;
    return n;
}

/* A detail sheet longer than a worksheet holds goes on in the next ones,
 * never failing on size. With 3 rows a worksheet (the header and 2), the
 * 5 rows of packing.csv make parts of 2, 2 and 1 rows: "Boxes", then
 * "Boxes (3)" (a summary sheet is already "Boxes (2)"), then "Boxes (4)",
 * each with its header, before the sheet the script added next. CSV keeps
 * the sheet whole. Each part prints as the script asked: landscape on A4,
 * one page wide, the header on every page, its own rows as print area. */
static void test_detail_goes_on(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_text(&f, "local M = {}\n"
                                   "function M.build(d, b)\n"
                                   "  b:sheet('Boxes (2)'):text('taken')\n"
                                   "  local s = b:detail('Boxes', d.packing, {{'Order', field = "
                                   "'order_id'}, {'Units', field = 'n_units'}})\n"
                                   "  s:page{landscape = true, fit_width = 1, repeat_rows = 1, "
                                   "print_area = true, paper = 'A4'}\n"
                                   "  b:sheet('End'):text('end')\n"
                                   "end\n"
                                   "return M"), BX_OK);
    bx_report_options o = {CREATED, NULL, NULL, 3};
    remove("parts.xlsx");
    if (bx_report_render(f.r, BX_REPORT_XLSX, "parts.xlsx", &o) != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    remove_dir("parts-csv");
    assert_int_equal(bx_report_render(f.r, BX_REPORT_CSV, "parts-csv", &o), BX_OK);
    close_report(&f);

    char *wb = rt_unzip_member("parts.xlsx", "xl/workbook.xml");
    const char *names[] = {"Boxes (2)", "Boxes", "Boxes (3)", "Boxes (4)", "End"};
    const char *at = wb;
    for (size_t i = 0; i < 5; i++) {
        char want[64];
        snprintf(want, sizeof want, "<sheet name=\"%s\" sheetId=\"%zu\"", names[i], i + 1);
        const char *p = strstr(at, want);
        if (p == NULL)
            fail_msg("workbook.xml has no %s after the sheets before it", want);
        at = p;
    }
    /* print titles and areas, per part (Excel's sheet indexes from 0) */
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">"
                               "Boxes!$1:$1</definedName>"));
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"1\">"
                               "Boxes!$A$1:$B$3</definedName>"));
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"3\">"
                               "'Boxes (4)'!$A$1:$B$2</definedName>"));
    free(wb);
    const int rows[] = {3, 3, 2};
    const char *orders[] = {"A", "B", "D"}; /* the first data row of each part */
    for (int i = 0; i < 3; i++) {
        char member[64];
        snprintf(member, sizeof member, "xl/worksheets/sheet%d.xml", i + 2);
        char *x = rt_unzip_member("parts.xlsx", member);
        assert_int_equal(count_rows(x), rows[i]);
        assert_string_equal(rt_cell(x, "A1"), "Order");
        assert_string_equal(rt_cell(x, "A2"), orders[i]);
        assert_non_null(strstr(x, "<pageSetUpPr fitToPage=\"1\"/>"));
        assert_non_null(strstr(x, "paperSize=\"9\""));
        assert_non_null(strstr(x, "orientation=\"landscape\""));
        assert_non_null(strstr(x, "fitToHeight=\"0\""));
        free(x);
    }
    char *csv = test_read_file("parts-csv/Boxes.csv", NULL);
    assert_string_equal(csv, "Order,Units\nA,1\nB,4\nB,2\nC,1\nD,\n");
    free(csv);
}

/* A detail sheet with max_rows writes that many rows at most, in every
 * format; page setup keys are checked. */
static void test_detail_max_rows(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_text(&f, "local M = {}\n"
                                   "function M.build(d, b)\n"
                                   "  b:detail('Boxes', d.packing, {{'Order', field = "
                                   "'order_id'}}, {max_rows = 2})\n"
                                   "end\n"
                                   "return M"), BX_OK);
    remove_dir("sample-csv");
    assert_int_equal(render(&f, BX_REPORT_CSV, "sample-csv"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_XLSX, "sample.xlsx"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CBOR, "sample.cbor"), BX_OK);
    close_report(&f);
    char *csv = test_read_file("sample-csv/Boxes.csv", NULL);
    assert_string_equal(csv, "Order\nA\nB\n");
    free(csv);
    char *x = rt_unzip_member("sample.xlsx", "xl/worksheets/sheet1.xml");
    assert_int_equal(count_rows(x), 3);
    free(x);

    assert_int_equal(open_text(&f, "local M = {}\n"
                                   "function M.build(d, b)\n"
                                   "  b:sheet('S'):page{landscpe = true}\n"
                                   "end\n"
                                   "return M"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_XLSX, "badpage.xlsx"), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "r.lua:3: sheet:page: unknown key 'landscpe'"));
    close_report(&f);
}

/* A creation time the workbook cannot carry is refused before anything is
 * written: 253402300799 s is 9999-12-31T23:59:59Z (2932897 days of 86400 s
 * from 1970-01-01 to 10000-01-01, less one second); one second later the
 * year has five digits (libxlsxwriter wrote a bad date, or crashed where
 * gmtime gave up). The last second itself is written as that date. */
static void test_created_range(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_report(&f, STATION, REPORT("packing.csv")), BX_OK);
    remove("late.xlsx");
    bx_report_options o = {BX_REPORT_CREATED_MAX + 1, NULL, NULL, 0};
    assert_int_equal(bx_report_render(f.r, BX_REPORT_XLSX, "late.xlsx", &o), BX_EINVAL);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "options.created 253402300800"));
    o.created = -1;
    assert_int_equal(bx_report_render(f.r, BX_REPORT_CBOR, "late.cbor", &o), BX_EINVAL);
    o.created = (time_t)253402300799;
    assert_int_equal(bx_report_render(f.r, BX_REPORT_XLSX, "last.xlsx", &o), BX_OK);
    close_report(&f);
    rt_nothing_like("late.xlsx");
    rt_nothing_like("late.cbor");
    char *core = rt_unzip_member("last.xlsx", "docProps/core.xml");
    assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">"
                                 "9999-12-31T23:59:59Z</dcterms:created>"));
    free(core);
}

/* A CSV report that fails on its third sheet leaves no directory (nor a
 * temporary one); into an existing directory it adds nothing, and when
 * it succeeds there it adds its files beside the ones already there. */
static void test_csv_all_or_nothing(void **state)
{
    (void)state;
    fixture f;
    memset(&f, 0, sizeof f);
    f.ctx = test_ctx_new(&f.ta, 0);
    const char *src = "local M = {params = {detail = true}}\n"
                      "function M.build(d, b)\n"
                      "  b:sheet('A'):text('a')\n"
                      "  b:sheet('B'):text('b')\n"
                      "  if M.params.detail then\n"
                      "    b:detail('D', d.packing, {{'Fill', field = 'fill_pct'}})\n"
                      "  end\n"
                      "end\n"
                      "return M";
    assert_int_equal(bx_report_load_buffer(f.ctx, &f.r, "r.lua", src, strlen(src), NULL), BX_OK);
    assert_int_equal(bx_report_add_source(f.r, "packing", REPORT("bad_number.csv"),
                                          bx_pack_csv_numeric_columns()), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "failing-csv"), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "bad_number.csv:3:7: field 'fill_pct'"));
    rt_nothing_like("failing-csv");
    remove_dir("existing-csv");
    assert_int_equal(mkdir("existing-csv", 0777), 0);
    FILE *fp = fopen("existing-csv/keep.txt", "wb");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(render(&f, BX_REPORT_CSV, "existing-csv/"), BX_EINPUT);
    assert_int_equal(count_files("existing-csv"), 1);
    rt_nothing_like("existing-csv.");
    assert_int_equal(bx_report_set_param(f.r, "detail", "false"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "existing-csv/"), BX_OK);
    assert_int_equal(count_files("existing-csv"), 3);
    char *csv = test_read_file("existing-csv/B.csv", NULL);
    assert_string_equal(csv, "b\n");
    free(csv);
    rt_nothing_like("existing-csv.");
    close_report(&f);
}

static void test_params(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_report(&f, STATION, REPORT("packing.csv")), BX_OK);
    assert_int_equal(bx_report_set_param(f.r, "bin_pct", "20"), BX_OK);
    assert_int_equal(bx_report_set_param(f.r, "bins", "20"), BX_ENOTFOUND);
    assert_int_equal(bx_report_set_param(f.r, "bin_pct", "wide"), BX_EINPUT);
    assert_int_equal(render(&f, BX_REPORT_CSV, "params-report"), BX_OK);
    char *csv = test_read_file("params-report/Summary.csv", NULL);
    /* five bands of 20: 24.3 in 20-40, 48.3 in 40-60, 68.3 in 60-80 */
    assert_non_null(strstr(csv, "\nFill,Boxes,Share\n0-20 %,0,0\n20-40 %,1,"));
    free(csv);
    /* a band width that does not divide 100 is the script's own error */
    assert_int_equal(bx_report_set_param(f.r, "bin_pct", "30"), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "params-report"), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "station.lua:"));
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "bin_pct must divide 100"));
    close_report(&f);
}

static void test_sheet_names(void **state)
{
    (void)state;
    assert_null(bx_report_sheet_name_problem("Summary"));
    assert_null(bx_report_sheet_name_problem("It's fine"));
    /* 31 characters, each 3 bytes in UTF-8: fine */
    assert_null(bx_report_sheet_name_problem("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"));
    assert_non_null(bx_report_sheet_name_problem("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二"));
    /* 16 emoji are 32 UTF-16 units: too long for Excel */
    assert_non_null(bx_report_sheet_name_problem(
        "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"));
    assert_null(bx_report_sheet_name_problem("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"));
    static const char *const bad[] = {"", "a[b", "a]b", "a:b", "a*b", "a?b", "a/b", "a\\b",
                                      "'a", "a'", "History", "HISTORY", "tab\there",
                                      "\xff\xfe", "1234567890123456789012345678901x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (bx_report_sheet_name_problem(bad[i]) == NULL)
            fail_msg("'%s' was accepted", bad[i]);
}

/* Load, add the source, render: with the Nth allocation failing. */
static bx_status oom_run(uint64_t n, test_alloc *ta)
{
    bx_ctx *ctx = test_ctx_new(ta, n);
    bx_report *r = NULL;
    bx_status st = bx_report_load(ctx, &r, REPORT("golden.lua"), NULL);
    if (st == BX_OK)
        st = bx_report_add_source(r, "packing", REPORT("packing.csv"), bx_pack_csv_numeric_columns());
    if (st == BX_OK) {
        bx_report_options o = {CREATED, NULL, NULL, 0};
        st = bx_report_render(r, BX_REPORT_CBOR, "oom.cbor", &o);
    }
    if (st != BX_OK && st != BX_ENOMEM)
        fail_msg("allocation %llu: %s: %s", (unsigned long long)n, bx_strerror(st),
                 bx_ctx_errmsg(ctx));
    bx_report_free(r);
    bx_ctx_free(ctx);
    if (ta->live_bytes != 0)
        fail_msg("allocation %llu: %zu bytes leaked", (unsigned long long)n, ta->live_bytes);
    return st;
}

static void test_out_of_memory(void **state)
{
    (void)state;
    test_alloc ta;
    assert_int_equal(oom_run(0, &ta), BX_OK);
    uint64_t total = ta.calls;
    uint64_t oom = 0;
    for (uint64_t n = 1; n <= total; n++)
        oom += oom_run(n, &ta) == BX_ENOMEM;
    assert_true(oom > 100);
    rt_nothing_like("oom.cbor.tmp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_station_xlsx),
        cmocka_unit_test(test_station_chinese),
        cmocka_unit_test(test_station_without_policy),
        cmocka_unit_test(test_golden_files),
        cmocka_unit_test(test_cbor_shape),
        cmocka_unit_test(test_bad_scripts),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_many_sheets),
        cmocka_unit_test(test_detail_goes_on),
        cmocka_unit_test(test_detail_max_rows),
        cmocka_unit_test(test_created_range),
        cmocka_unit_test(test_csv_all_or_nothing),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_sheet_names),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
