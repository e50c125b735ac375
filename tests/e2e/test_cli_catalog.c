/*
 * test_cli_catalog.c: `boxcar catalog design` end to end: the sizes of a
 * history worked out by hand, the designed catalog and summary files, the
 * comparison with a current catalog, held-out orders, and bad input with
 * its exit code and no output left behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "testutil.h"

static char out[1 << 16], err[1 << 16];

static int run(const char *args)
{
    return cli_run(NULL, "cat", args, out, sizeof out, err, sizeof err);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Single-item orders: A 100^3 (x3), B 200x100x100, C 100x100x50 (x2),
 * D 300x200x100. By inner volume the best two sizes are A's and D's
 * (0.017 m^3 for the seven boxes; B's and D's give 0.018, C's and D's
 * 0.031), see test_design.c. */
static const char *history =
    "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
    "O1,A,1,100,100,100,100\n"
    "O2,A,1,100,100,100,100\n"
    "O3,A,1,100,100,100,100\n"
    "O4,B,1,100,200,100,100\n"
    "O5,C,1,50,100,100,100\n"
    "O6,C,1,100,50,100,100\n"
    "O7,D,1,200,100,300,100\n";

static void test_design_by_hand(void **state)
{
    (void)state;
    write_file("cat_hist.csv", history);
    unlink("cat_designed.csv");
    unlink("cat_summary.csv");
    assert_int_equal(run("catalog design --orders cat_hist.csv --sizes 2 --objective volume "
                         "--step 1 --allowance 0x0x0 -o cat_designed.csv "
                         "--summary cat_summary.csv"), 0);
    assert_non_null(strstr(out, "7 orders (0 held out), 4 distinct needs"));
    /* seven boxes, 0.017 m^3 */
    assert_non_null(strstr(out, "designed       2       7       7     0.017"));
    char text[4096];
    cli_slurp("cat_designed.csv", text, sizeof text);
    assert_non_null(strstr(text, "\nD01,100,100,100,30000,100,100,100,"));
    assert_non_null(strstr(text, "\nD02,300,200,100,30000,300,200,100,"));
    cli_slurp("cat_summary.csv", text, sizeof text);
    assert_non_null(strstr(text, "designed,2,7,7,0.017000,"));
    assert_non_null(strstr(text, ",\"D01\",100,100,100,5\n"));
    assert_non_null(strstr(text, ",\"D02\",300,200,100,2\n"));
    /* the workbook through the report format, in both languages */
#if BOXCAR_WITH_XLSX_LUA
    unlink("cat_design.xlsx");
    assert_int_equal(run("report --script " BOXCAR_SCRIPTS "/report/design.lua "
                         "--source design=cat_summary.csv -o cat_design.xlsx"), 0);
    assert_int_equal(access("cat_design.xlsx", F_OK), 0);
    assert_int_equal(run("report --script " BOXCAR_SCRIPTS "/report/design.lua "
                         "--source design=cat_summary.csv --param lang=zh-CN "
                         "-o cat_design_zh.xlsx"), 0);
    assert_int_equal(access("cat_design_zh.xlsx", F_OK), 0);
    /* a workbook without its source names it */
    assert_int_equal(run("report --script " BOXCAR_SCRIPTS "/report/design.lua "
                         "--source other=cat_summary.csv -o cat_none.xlsx"), 3);
    assert_non_null(strstr(err, "no source 'design'"));
    assert_int_equal(access("cat_none.xlsx", F_OK), -1);
#endif
}

/* Against a current catalog, on held-out orders, and a curve. */
static void test_compare_curve(void **state)
{
    (void)state;
    assert_int_equal(run("catalog design --orders " BOXCAR_SAMPLES "/orders/demo.csv "
                         "--catalog " BOXCAR_SAMPLES "/catalogs/cn-express.csv --sizes 3..4 "
                         "--holdout 25 --policy gb45186"), 0);
    assert_non_null(strstr(out, "300 orders (100 held out)"));
    assert_non_null(strstr(out, "figures on the held-out orders"));
    assert_non_null(strstr(out, "\ncurrent       12     100 "));
    assert_non_null(strstr(out, "\ndesigned       3     100 "));
    assert_non_null(strstr(out, "\ndesigned       4     100 "));
    assert_non_null(strstr(out, "boxes per size (current): 1# 524x284x358:"));
    /* --add keeps the current sizes and adds K */
    assert_int_equal(run("catalog design --orders " BOXCAR_SAMPLES "/orders/demo.csv "
                         "--catalog " BOXCAR_SAMPLES "/catalogs/cn-express.csv --add 2"), 0);
    assert_non_null(strstr(out, "\ndesigned      14     400 "));
    assert_non_null(strstr(out, "boxes per size (designed): 1# 524x284x358:"));
}

/* A machine in the catalog: every output format names the cut size. */
static void test_pack_cut_boxes(void **state)
{
    (void)state;
    write_file("cat_machine.csv",
               "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g,outer_l_mm,outer_w_mm,"
               "outer_h_mm,custom,min_l_mm,min_w_mm,min_h_mm,step_mm,grammage_g_m2\n"
               "M,600,400,400,30000,606,406,412,1,100,80,40,10,440\n");
    write_file("cat_one.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                              "P1,A,1,80,50,120,100\n");
    /* lying flat, its long side along the length: 120x80x50 */
    const char *formats[] = {"table", "csv", "json"};
    for (size_t i = 0; i < 3; i++) {
        char args[512];
        snprintf(args, sizeof args, "pack --catalog cat_machine.csv --orders cat_one.csv "
                 "--check --format %s", formats[i]);
        assert_int_equal(run(args), 0);
        assert_non_null(strstr(out, "M:120x80x50"));
    }
    /* JSON: outer 126x86x62, board (2*126 + 2*86 + 30)(62 + 86) = 67,192 mm^2 */
    assert_non_null(strstr(out, "\"outer_l_mm\":126,\"outer_w_mm\":86,\"outer_h_mm\":62,"
                                "\"board_area_mm2\":67192"));
    assert_int_equal(run("pack --catalog cat_machine.csv --orders cat_one.csv --svg cat_svg "
                         "-o /dev/null"), 0);
    char svg[1 << 14];
    cli_slurp("cat_svg/P1-1.svg", svg, sizeof svg);
    assert_non_null(strstr(svg, "M:120x80x50"));
}

/* Compliance first (the history of test_design.c's test_compliance):
 * A 100^3 x 3, E 100x100x55 x 4, D 300x200x100, two sizes, step 1, no
 * allowance. By board, A's and D's sizes: E's four boxes sit at 45 % void
 * (over the gb45186 policy's 40 %): 4 of 8 boxes pass. Compliance first
 * takes E's and D's: A's three boxes go into D's size (83 % void): 5 of 8
 * pass, for more board. */
static void test_compliance(void **state)
{
    (void)state;
    write_file("cat_comp.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                               "O1,A,1,100,100,100,100\n"
                               "O2,A,1,100,100,100,100\n"
                               "O3,A,1,100,100,100,100\n"
                               "O4,E,1,100,100,55,100\n"
                               "O5,E,1,100,100,55,100\n"
                               "O6,E,1,100,100,55,100\n"
                               "O7,E,1,100,100,55,100\n"
                               "O8,D,1,300,200,100,100\n");
    const char *common = "catalog design --orders cat_comp.csv --sizes 2 --step 1 "
                         "--allowance 0x0x0 --policy gb45186 ";
    char args[512];
    snprintf(args, sizeof args, "%s", common);
    assert_int_equal(run(args), 0);
    assert_non_null(strstr(out, "objective board-area"));
    assert_non_null(strstr(out, "  50.0 "));
    snprintf(args, sizeof args, "%s--objective compliance", common);
    assert_int_equal(run(args), 0);
    assert_non_null(strstr(out, "objective compliance"));
    assert_non_null(strstr(out, "  62.5 "));
    assert_non_null(strstr(out, "D01 100x100x55: 4"));
    /* a looser limit passes E in A's size: A's and D's again, every box */
    snprintf(args, sizeof args, "%s--objective compliance --void-max 0.5 "
             "--param void_max=0.5", common);
    assert_int_equal(run(args), 0);
    assert_non_null(strstr(out, " 100.0 "));
    assert_non_null(strstr(out, "D01 100x100x100: 7"));
    /* the policy's own limit is the objective's when --void-max is not given */
    snprintf(args, sizeof args, "%s--objective compliance --param void_max=0.5", common);
    assert_int_equal(run(args), 0);
    assert_non_null(strstr(out, "D01 100x100x100: 7"));
    assert_int_equal(run("catalog design --orders cat_comp.csv --void-max 1.5"), 2);
    assert_int_equal(run("catalog design --orders cat_comp.csv --void-k 0"), 2);
}

static void test_bad_input(void **state)
{
    (void)state;
    write_file("cat_hist.csv", history);
    unlink("cat_bad.csv");
    assert_int_equal(run("catalog design --orders cat_hist.csv --step 0 -o cat_bad.csv"), 3);
    assert_non_null(strstr(err, "step_mm"));
    assert_int_equal(access("cat_bad.csv", F_OK), -1);
    assert_int_equal(run("catalog design --orders cat_hist.csv --max 250x250x250 "
                         "-o cat_bad.csv"), 3);
    assert_non_null(strstr(err, "order 'O7': item 'D' (200 x 100 x 300 mm"));
    assert_int_equal(access("cat_bad.csv", F_OK), -1);
    write_file("cat_empty.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n");
    assert_int_equal(run("catalog design --orders cat_empty.csv -o cat_bad.csv"), 3);
    assert_non_null(strstr(err, "the order history is empty"));
    assert_int_equal(access("cat_bad.csv", F_OK), -1);
    /* more sizes than distinct needs: a warning, four sizes */
    assert_int_equal(run("catalog design --orders cat_hist.csv --sizes 6 --step 1"), 0);
    assert_non_null(strstr(err, "warning: "));
    assert_non_null(strstr(err, "only 4 distinct needs"));
    assert_non_null(strstr(out, "\ndesigned       4 "));
    assert_int_equal(run("catalog design --orders cat_hist.csv --sizes 0"), 2);
    assert_int_equal(run("catalog design --orders cat_hist.csv --add 2"), 2);
    assert_int_equal(run("catalog design --sizes 2"), 2);
    assert_int_equal(run("catalog design --orders cat_hist.csv --min 10x10"), 2);
    assert_int_equal(run("catalog frobnicate"), 2);
    assert_int_equal(run("catalog design --orders /nonexistent.csv"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_by_hand),
        cmocka_unit_test(test_compare_curve),
        cmocka_unit_test(test_pack_cut_boxes),
        cmocka_unit_test(test_compliance),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
