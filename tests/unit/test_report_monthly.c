/*
 * test_report_monthly.c: scripts/report/monthly.lua, the monthly carbon
 * workbook, over a small hand-made carbon result (tests/data/report/
 * monthly/): read back from the workbook (sheet names, summary and method
 * cells worked out below, chart parts, the detail sheet's panes, filter and
 * number format); golden CSV and CBOR; bad inputs (a missing column, totals
 * of another run, totals that do not add up, a text in a number column, a
 * factor set of another version), each a clear error with the script's line
 * or the file's, and nothing left behind.
 *
 * To make the golden files again after a deliberate change:
 *   BOXCAR_UPDATE_GOLDEN=1 build/tests/test_report_monthly
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_testutil.h"
#include "testutil.h"

#define DATA(f) BOXCAR_TEST_DATA "/report/monthly/" f
#define MONTHLY BOXCAR_SCRIPTS "/report/monthly.lua"
#define CREATED ((time_t)1767225600) /* 2026-01-01 00:00:00 UTC */

/*
 * The hand-made run (shipments.csv, totals.csv), in mg:
 *
 *   id  route   month    packaging  road wtt/ttw/wtw      air wtt/ttw/wtw        hub   packaging
 *   S1  r-road  2025-01  3#         2000/8000/10000       -                      500   50000
 *   S2  r-road  2025-01  5#         4050/16200/20250      -                      1000  40000
 *   S3  r-air   2025-02  3#         5000/20000/25000      55000/220000/275000    2000  50000
 *   S4  r-air   2025-02  none       2000/8000/10000       28025/112100/140125    1000  0
 *
 * Total WTW per shipment = transport + hub + packaging: 60500, 61250,
 * 352000, 151125; TTW 8000, 16200, 240000, 120100.
 * All: WTW 624875 mg = 0.624875 kg; TTW 384300 = 0.3843 kg; WTT 96075;
 *   transport 480375, hubs 4500 (0.0045 kg), packaging 140000 (0.14 kg);
 *   packaging's share of WTW 140000 / 624875 = 0.22404480896...
 * By month: 2025-01 = S1 + S2: WTW 121750 (0.12175 kg), per shipment
 *   121750 / 2 = 60875 mg = 60.875 g; 2025-02 = S3 + S4: WTW 503125
 *   (0.503125 kg), TTW 360100 (0.3601 kg).
 * By mode: road WTW 10000 + 20250 + 25000 + 10000 = 65250 (0.06525 kg);
 *   air 275000 + 140125 = 415125 (0.415125 kg).
 * By route: r-air = 2025-02, r-road = 2025-01.
 * Data quality: S1 and S3 default, S2 primary, S4 modelled: 2/4 = 0.5,
 *   1/4 = 0.25, 0.25. One shipment was excluded by the run.
 *
 * Summary layout (1-based rows): A1 heading, A2 the run, A3 the excluded
 * shipment; A5 "Packaging, transport and hubs", A6 header, A7 transport,
 * A8 hubs, A9 packaging, A10 Total; A11 the note on splits; A13 "By month",
 * A14 header, A15 2025-01, A16 2025-02, A17 Total; A19 "By mode", A20
 * header, A21 road, A22 air, A23 hubs, A24 packaging, A25 Total; A27 "By
 * route", ...
 */

typedef struct fixture {
    test_alloc ta;
    bx_ctx *ctx;
    bx_report *r;
} fixture;

static bx_status open_monthly(fixture *f, const char *shipments, const char *totals,
                              const char *factors)
{
    memset(f, 0, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    bx_status st = bx_report_load(f->ctx, &f->r, MONTHLY, NULL);
    if (st == BX_OK)
        st = bx_report_add_source(f->r, "shipments", shipments, bx_carbon_csv_numeric_columns());
    if (st == BX_OK)
        st = bx_report_add_source(f->r, "totals", totals, bx_carbon_totals_numeric_columns());
    if (st == BX_OK && factors != NULL)
        st = bx_report_add_source(f->r, "factors", factors, bx_factor_set_numeric_columns());
    return st;
}

static void close_monthly(fixture *f)
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

static void expect_part(const char *zip, const char *member, const char *what)
{
    char *x = rt_unzip_member(zip, member);
    if (strstr(x, what) == NULL)
        fail_msg("%s of %s has no %s", member, zip, what);
    free(x);
}

/* The title of a chart's axis element (c:catAx or c:valAx), as its first
 * <a:t> run; "" if it has none. A static buffer. */
static const char *axis_title(const char *chart_xml, const char *element)
{
    static char title[128];
    char open[32], close[32];
    snprintf(open, sizeof open, "<%s>", element);
    snprintf(close, sizeof close, "</%s>", element);
    title[0] = '\0';
    const char *a = strstr(chart_xml, open);
    const char *z = a ? strstr(a, close) : NULL;
    const char *t = a ? strstr(a, "<a:t>") : NULL;
    if (t == NULL || z == NULL || t > z)
        return title;
    t += 5;
    const char *e = strstr(t, "</a:t>");
    size_t n = e && (size_t)(e - t) < sizeof title ? (size_t)(e - t) : 0;
    memcpy(title, t, n);
    title[n] = '\0';
    return title;
}

/* x_title names the categories' axis and y_title the values', for bars
 * running up (column) and across (bar) alike. */
static void expect_axes(const char *zip, const char *member, const char *cat, const char *val)
{
    char *x = rt_unzip_member(zip, member);
    char got_cat[128];
    snprintf(got_cat, sizeof got_cat, "%s", axis_title(x, "c:catAx"));
    const char *got_val = axis_title(x, "c:valAx");
    if (strcmp(got_cat, cat) != 0 || strcmp(got_val, val) != 0)
        fail_msg("%s: category axis '%s', value axis '%s'; want '%s' and '%s'", member, got_cat,
                 got_val, cat, val);
    free(x);
}

static void test_monthly_xlsx(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), DATA("totals.csv"),
                                  DATA("factors.csv")), BX_OK);
    remove("monthly.xlsx");
    if (render(&f, BX_REPORT_XLSX, "monthly.xlsx") != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    /* 12 totals rows, 5 factor rows, 4 shipments read by build, 4 streamed */
    assert_int_equal(bx_report_rows(f.r), 25);
    close_monthly(&f);
    rt_nothing_like("monthly.xlsx.");

    char *wb = rt_unzip_member("monthly.xlsx", "xl/workbook.xml");
    assert_non_null(strstr(wb, "<sheet name=\"Summary\" sheetId=\"1\""));
    assert_non_null(strstr(wb, "<sheet name=\"Shipments\" sheetId=\"2\""));
    assert_non_null(strstr(wb, "<sheet name=\"Method\" sheetId=\"3\""));
    free(wb);

    char *s1 = rt_unzip_member("monthly.xlsx", "xl/worksheets/sheet1.xml");
    assert_string_equal(rt_cell(s1, "A3"), "1 shipment was excluded as bad input by the "
                                           "carbon run: it is in no figure.");
    assert_string_equal(rt_cell(s1, "A7"), "transport");
    assert_string_equal(rt_cell(s1, "B7"), "0.480375");
    assert_string_equal(rt_cell(s1, "B8"), "0.0045");
    assert_string_equal(rt_cell(s1, "B9"), "0.14");
    /* packaging has no TTW: a blank, formatted cell */
    assert_non_null(strstr(s1, "<c r=\"C9\" s=\"4\"/>"));
    assert_true(strncmp(rt_cell(s1, "E9"), "0.224044808961", 14) == 0);
    assert_string_equal(rt_cell(s1, "A10"), "Total");
    assert_string_equal(rt_cell(s1, "B10"), "0.624875");
    assert_string_equal(rt_cell(s1, "C10"), "0.3843");
    /* WTW whose split is unknown: transport none (every transport figure
     * has its split), hubs all 4500 mg, packaging all 140000 mg; the total
     * 624875 - 96075 - 384300 = 144500 mg = 4500 + 140000 */
    assert_string_equal(rt_cell(s1, "F7"), "0");
    assert_string_equal(rt_cell(s1, "F8"), "0.0045");
    assert_string_equal(rt_cell(s1, "F9"), "0.14");
    assert_string_equal(rt_cell(s1, "F10"), "0.1445");
    assert_string_equal(rt_cell(s1, "A15"), "2025-01");
    assert_string_equal(rt_cell(s1, "C15"), "0.12175");
    assert_string_equal(rt_cell(s1, "F15"), "60.875");
    assert_string_equal(rt_cell(s1, "A16"), "2025-02");
    assert_string_equal(rt_cell(s1, "C16"), "0.503125");
    assert_string_equal(rt_cell(s1, "D16"), "0.3601");
    assert_string_equal(rt_cell(s1, "B17"), "4");
    assert_string_equal(rt_cell(s1, "C17"), "0.624875");
    assert_string_equal(rt_cell(s1, "A21"), "road");
    assert_string_equal(rt_cell(s1, "C21"), "0.06525");
    assert_string_equal(rt_cell(s1, "A22"), "air");
    assert_string_equal(rt_cell(s1, "C22"), "0.415125");
    assert_string_equal(rt_cell(s1, "A23"), "hubs");
    assert_string_equal(rt_cell(s1, "C25"), "0.624875");
    assert_non_null(strstr(s1, "<drawing r:id=\"rId1\"/>"));
    free(s1);

    /* a chart for each summary table: parts (pie), month (two months: a
     * column chart), mode and route (bars), packaging (column); then the
     * data-quality pie on the method sheet */
    expect_part("monthly.xlsx", "xl/charts/chart1.xml", "<c:pieChart>");
    expect_part("monthly.xlsx", "xl/charts/chart2.xml", "<c:barDir val=\"col\"/>");
    expect_part("monthly.xlsx", "xl/charts/chart3.xml", "<c:barDir val=\"bar\"/>");
    expect_part("monthly.xlsx", "xl/charts/chart4.xml", "<c:barDir val=\"bar\"/>");
    expect_part("monthly.xlsx", "xl/charts/chart5.xml", "<c:barDir val=\"col\"/>");
    expect_part("monthly.xlsx", "xl/charts/chart6.xml", "<c:pieChart>");
    expect_part("monthly.xlsx", "xl/charts/chart2.xml", "Summary!$C$15:$C$16");
    expect_axes("monthly.xlsx", "xl/charts/chart2.xml", "month", "kg CO2e");
    expect_axes("monthly.xlsx", "xl/charts/chart3.xml", "mode", "kg CO2e");
    expect_axes("monthly.xlsx", "xl/charts/chart4.xml", "route", "kg CO2e");

    /* the detail sheet: a header, 4 shipments, frozen header, a filter,
     * grams in the number format */
    char *s2 = rt_unzip_member("monthly.xlsx", "xl/worksheets/sheet2.xml");
    assert_string_equal(rt_cell(s2, "A1"), "Shipment");
    assert_string_equal(rt_cell(s2, "A5"), "S4");
    assert_string_equal(rt_cell(s2, "G5"), "151.125");
    /* S2: WTT 4.050 g, unsplit 61.250 - 4.050 - 16.200 = 41 g (hub and box) */
    assert_string_equal(rt_cell(s2, "I3"), "4.05");
    assert_string_equal(rt_cell(s2, "J3"), "41");
    assert_string_equal(rt_cell(s2, "L3"), "primary");
    assert_non_null(strstr(s2, "ySplit=\"1\""));
    assert_non_null(strstr(s2, "<autoFilter ref=\"A1:L5\"/>"));
    free(s2);
    expect_part("monthly.xlsx", "xl/styles.xml", "formatCode=\"#,##0.000 &quot;g&quot;\"");
    expect_part("monthly.xlsx", "xl/styles.xml", "formatCode=\"#,##0.000 &quot;kg&quot;\"");

    /* the method sheet: methodology, the set, its flagged factors, the mix */
    char *s3 = rt_unzip_member("monthly.xlsx", "xl/worksheets/sheet3.xml");
    assert_non_null(strstr(s3, "ISO 14083:2023"));
    assert_non_null(strstr(s3, "WTW (well-to-wheel) = WTT"));
    assert_non_null(strstr(s3, "Test compilation, hand-made"));
    assert_non_null(strstr(s3, "<t>grid-test</t>"));
    assert_non_null(strstr(s3, "on basis co2, not the set's co2e-ar6"));
    assert_non_null(strstr(s3, "<t>board-test</t>"));
    assert_non_null(strstr(s3, "UNCONFIRMED"));
    assert_null(strstr(s3, "<t>truck-test</t>")); /* confirmed, on basis */
    assert_non_null(strstr(s3, "<t>Data-quality mix (shares of shipments)</t>"));
    free(s3);
}

/* The mix, from the CSV rendering: default 2 (0.5), modelled 1, primary 1
 * (0.25 each), sorted by name; the method mix by count. */
static void test_monthly_csv_mix(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), DATA("totals.csv"),
                                  DATA("factors.csv")), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "monthly-csv"), BX_OK);
    close_monthly(&f);
    char *m = test_read_file("monthly-csv/Method.csv", NULL);
    assert_non_null(m);
    assert_non_null(strstr(m, "Data quality,Shipments,Share\n"
                              "default,2,0.5\nmodelled,1,0.25\nprimary,1,0.25\nTotal,4,1\n"));
    assert_non_null(strstr(m, "Method,Shipments,Share\nintensity+hub+packaging,2,0.5\n"));
    free(m);
    char *s = test_read_file("monthly-csv/Summary.csv", NULL);
    assert_non_null(s);
    /* totals rows are the totals file's exact figures */
    assert_non_null(strstr(s, "Total,4,0.624875,0.3843,0.096075,,0.1445\n"));
    /* activity and intensity (shipments of 1000, 2000, 3000 and 1500 g;
     * r-road 100 km of road, sfd; r-air 50 km of road, sfd, and 1000 km
     * of air, a great circle with its DAF): air 4500 g x 1000 km = 4.5
     * tkm, 415.125 g / 4.5 tkm = 92.25 g/tkm; hubs 4.5 g over 7.5 kg =
     * 600 g/t; activity 0.525 tkm sfd + 4.5 gcd = 5.025 tkm */
    assert_non_null(strstr(s, "\nair,2,0.415125,0.3321,0.083025,0,4.5,92.25,g CO2e/tkm\n"));
    assert_non_null(strstr(s, "\nhubs,4,0.0045,0,0,0.0045,,600,g CO2e/t\n"));
    assert_non_null(strstr(s, "\nactual distance,0,0\n"));
    /* WTW by class: S2 primary 61.25 g, S4 modelled 151.125 g, S1 and S3
     * default 60.5 + 352 = 412.5 g */
    assert_non_null(strstr(s, "\nprimary,0.06125,"));
    assert_non_null(strstr(s, "\nmodelled,0.151125,"));
    assert_non_null(strstr(s, "\ndefault,0.4125,"));
    /* the first sheet states its limits: WTW 624875 - TTW 384300 - WTT
     * 96075 = 144500 mg without a split (144500 / 624875 = 23.1 %), and
     * the set's one unconfirmed material, board-test */
    assert_non_null(strstr(s, "\nLimits of these figures\n\"0.144500 kg of the WTW (23.1 %) "
                              "comes from factors given as WTW only"));
    assert_non_null(strstr(s, "the material factors board-test are UNCONFIRMED"));
    free(s);
}

/* The temperature-controlled uplift and the refrigerant, when the totals
 * carry them: the test totals with the two columns added, the "all" row
 * holding 96,075 mg of uplift (20 % of its 480,375 mg transport WTW) and
 * 19,215 mg of refrigerant (4 %): 0.096075 kg and 0.019215 kg. The file
 * without them (the other tests) shows no such table. */
static void test_monthly_temperature_parts(void **state)
{
    (void)state;
    char *in = test_read_file(DATA("totals.csv"), NULL);
    assert_non_null(in);
    FILE *fp = fopen("monthly-cool-totals.csv", "w");
    assert_non_null(fp);
    bool first = true;
    for (char *line = strtok(in, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        const char *extra = first ? ",temp_uplift_wtw_mg,refrigerant_mg"
                            : strncmp(line, "all,", 4) == 0 ? ",96075,19215"
                                                            : ",0,0";
        fprintf(fp, "%s%s\n", line, extra);
        first = false;
    }
    assert_int_equal(fclose(fp), 0);
    free(in);
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), "monthly-cool-totals.csv",
                                  DATA("factors.csv")), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "monthly-cool"), BX_OK);
    close_monthly(&f);
    char *s = test_read_file("monthly-cool/Summary.csv", NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "\nTemperature-controlled transport (part of transport)\n"
                              "Part,WTW,Share of transport WTW\n"
                              "temperature-control uplift,0.096075,0.2\n"
                              "refrigerant leaked,0.019215,0.04\n"));
    free(s);
    s = test_read_file("monthly-csv/Summary.csv", NULL);
    assert_non_null(s);
    assert_null(strstr(s, "Temperature-controlled"));
    free(s);
}

/* The energy carriers, when the totals carry energy rows: the test totals
 * with two added, diesel 400,000 mg of transport and "unstated" the rest,
 * 80,375 mg of transport and the 4,500 mg of hubs (the "all" row: 480,375
 * and 4,500). Shares of 484,875 mg: 0.82495 and 0.17505. Rows that do not
 * add up to "all" are refused; the file without them shows no table. */
static void test_monthly_energy_carriers(void **state)
{
    (void)state;
    static const char *const rows[2][2] = {
        {"energy,diesel,2,4500,0,0,400000,0,0,0,0,0,0,400000,400000,0,400000,0,0,0,0,0,0,0,"
         "test-set,1.0\n",
         "energy,unstated,4,7500,0,0,80375,0,0,4500,0,0,0,84875,80375,4500,84875,0,0,0,0,0,0,"
         "0,test-set,1.0\n"},
        {"energy,diesel,2,4500,0,0,400000,0,0,0,0,0,0,400000,400000,0,400000,0,0,0,0,0,0,0,"
         "test-set,1.0\n",
         "energy,unstated,4,7500,0,0,80000,0,0,4500,0,0,0,84500,80000,4500,84500,0,0,0,0,0,0,"
         "0,test-set,1.0\n"}};
    for (int bad = 0; bad < 2; bad++) {
        char *in = test_read_file(DATA("totals.csv"), NULL);
        assert_non_null(in);
        FILE *fp = fopen("monthly-energy-totals.csv", "w");
        assert_non_null(fp);
        fputs(in, fp);
        fputs(rows[bad][0], fp);
        fputs(rows[bad][1], fp);
        assert_int_equal(fclose(fp), 0);
        free(in);
        fixture f;
        assert_int_equal(open_monthly(&f, DATA("shipments.csv"), "monthly-energy-totals.csv",
                                      DATA("factors.csv")), BX_OK);
        bx_status st = render(&f, BX_REPORT_CSV, "monthly-energy");
        if (bad) {
            assert_int_not_equal(st, BX_OK);
            assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "the 'energy' rows do not add up"));
            close_monthly(&f);
            continue;
        }
        assert_int_equal(st, BX_OK);
        close_monthly(&f);
        char *s = test_read_file("monthly-energy/Summary.csv", NULL);
        assert_non_null(s);
        assert_non_null(strstr(s, "\nBy energy carrier (transport and hubs)\n"
                                  "Energy carrier,Transport WTW,Hub WTW,"
                                  "Share of transport and hub WTW\n"
                                  "diesel,0.4,0,0.82495"));
        assert_non_null(strstr(s, "\nunstated,0.080375,0.0045,0.17504"));
        assert_non_null(strstr(s, "\nTotal,0.480375,0.0045,1\n"));
        free(s);
    }
    char *s = test_read_file("monthly-csv/Summary.csv", NULL);
    assert_non_null(s);
    assert_null(strstr(s, "By energy carrier"));
    free(s);
}

static void golden(bx_report_format fmt, const char *out, const char *file, const char *gold)
{
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), DATA("totals.csv"),
                                  DATA("factors.csv")), BX_OK);
    if (render(&f, fmt, out) != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    close_monthly(&f);
    rt_expect_golden(file, gold);
}

static void test_monthly_golden(void **state)
{
    (void)state;
    golden(BX_REPORT_CBOR, "monthly.cbor", "monthly.cbor", DATA("golden.cbor"));
    golden(BX_REPORT_CSV, "monthly-gold", "monthly-gold/Summary.csv",
           DATA("golden-summary.csv"));
    golden(BX_REPORT_CSV, "monthly-gold", "monthly-gold/Method.csv", DATA("golden-method.csv"));
    golden(BX_REPORT_CSV, "monthly-gold", "monthly-gold/Shipments.csv",
           DATA("golden-shipments.csv"));
}

/* Without the factor set the method sheet says where to find it. */
static void test_monthly_without_factors(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), DATA("totals.csv"), NULL), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_CSV, "monthly-nof"), BX_OK);
    close_monthly(&f);
    char *m = test_read_file("monthly-nof/Method.csv", NULL);
    assert_non_null(m);
    assert_non_null(strstr(m, "id,test-set\nversion,1.0\n"));
    assert_non_null(strstr(m, "'boxcar factors show test-set' lists them"));
    free(m);
}

/* A run whose every shipment was bad: zeros, no charts (an empty range
 * would make a broken chart), and the excluded row said. */
static void test_monthly_empty_run(void **state)
{
    (void)state;
    FILE *fp = fopen("empty-shipments.csv", "wb");
    assert_non_null(fp);
    fputs("shipment_id,route_id,transport_wtw_g,transport_ttw_g,hub_wtw_g,packaging_g,"
          "total_wtw_g,total_ttw_g,transport_wtt_g,transport_unsplit_g,hub_wtt_g,hub_ttw_g,"
          "hub_unsplit_g,total_wtt_g,total_unsplit_g,transport_tkm,transport_g_per_tkm,"
          "distance_types,primary_wtw_g,modelled_wtw_g,default_wtw_g,temp_uplift_wtw_g,"
          "refrigerant_g,method,data_quality,factor_set,factor_version\n", fp);
    fclose(fp);
    fp = fopen("empty-totals.csv", "wb");
    assert_non_null(fp);
    fputs("group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,transport_wtw_mg,"
          "hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,total_ttw_mg,"
          "total_wtw_mg,transport_unsplit_mg,hub_unsplit_mg,total_unsplit_mg,excluded,"
          "factor_set,factor_version,activity_actual_gkm,activity_sfd_gkm,"
          "activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,default_wtw_mg\n"
          "all,all,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3,test-set,1.0,0,0,0,0,0,0\n", fp);
    fclose(fp);
    fixture f;
    assert_int_equal(open_monthly(&f, "empty-shipments.csv", "empty-totals.csv", NULL), BX_OK);
    if (render(&f, BX_REPORT_XLSX, "empty.xlsx") != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    close_monthly(&f);
    char *s3 = rt_unzip_member("empty.xlsx", "xl/worksheets/sheet3.xml");
    assert_null(strstr(s3, "<drawing"));
    free(s3);
    char *s1 = rt_unzip_member("empty.xlsx", "xl/worksheets/sheet1.xml");
    assert_null(strstr(s1, "<drawing"));
    assert_string_equal(rt_cell(s1, "A3"), "3 shipments were excluded as bad input by the "
                                           "carbon run: they are in no figure.");
    free(s1);
}

/* ---- bad inputs -------------------------------------------------------------------- */

/* file `in` with the first `from` replaced by `to`, written to `out` */
static void mutate(const char *in, const char *out, const char *from, const char *to)
{
    size_t n;
    char *s = test_read_file(in, &n);
    assert_non_null(s);
    char *at = strstr(s, from);
    if (at == NULL)
        fail_msg("%s has no '%s'", in, from);
    FILE *fp = fopen(out, "wb");
    assert_non_null(fp);
    fwrite(s, 1, (size_t)(at - s), fp);
    fputs(to, fp);
    fputs(at + strlen(from), fp);
    fclose(fp);
    free(s);
}

/* Box ids sort as people count them. The totals of boxcar carbon come in
 * byte order; here packaging 3# is renamed 10# and 5# renamed 2# (same
 * figures), so the file lists 10# before 2#: the summary lists 2# (1
 * shipment, 0.04 kg packaging) first, then 10# (2 shipments, 0.1 kg). */
static void test_monthly_natural_order(void **state)
{
    (void)state;
    mutate(DATA("totals.csv"), "natural-totals-1.csv", "packaging,3#", "packaging,10#");
    mutate("natural-totals-1.csv", "natural-totals.csv", "packaging,5#", "packaging,2#");
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), "natural-totals.csv", NULL),
                     BX_OK);
    if (render(&f, BX_REPORT_CSV, "natural-csv") != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    close_monthly(&f);
    char *s = test_read_file("natural-csv/Summary.csv", NULL);
    assert_non_null(s);
    const char *two = strstr(s, "\n2#,1,0.04,"), *ten = strstr(s, "\n10#,2,0.1,");
    assert_non_null(two);
    assert_non_null(ten);
    assert_true(two < ten);
    free(s);
}

/* The monthly workbook with parameters and options: labels in Chinese;
 * detail "sample" (2 of the 4 shipments, said on the summary) and "none"
 * (no Shipments sheet); a detail sheet over a worksheet's rows goes on in
 * "Shipments (2)" (3 rows a worksheet: the header and 2 shipments, so 4
 * shipments make two parts of 2); pages set up for printing. */
static bx_status render_with(const char *out, const char *const *params, uint32_t sheet_rows)
{
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), DATA("totals.csv"),
                                  DATA("factors.csv")), BX_OK);
    for (size_t i = 0; params[i] != NULL; i += 2)
        assert_int_equal(bx_report_set_param(f.r, params[i], params[i + 1]), BX_OK);
    bx_report_options o = {CREATED, NULL, NULL, sheet_rows};
    remove(out);
    bx_status st = bx_report_render(f.r, BX_REPORT_XLSX, out, &o);
    if (st != BX_OK)
        fail_msg("%s", bx_ctx_errmsg(f.ctx));
    close_monthly(&f);
    return st;
}

static void test_monthly_options(void **state)
{
    (void)state;
    const char *zh[] = {"lang", "zh-CN", NULL};
    render_with("monthly-zh.xlsx", zh, 0);
    char *wb = rt_unzip_member("monthly-zh.xlsx", "xl/workbook.xml");
    assert_non_null(strstr(wb, "<sheet name=\"汇总\" sheetId=\"1\""));
    assert_non_null(strstr(wb, "<sheet name=\"运单明细\" sheetId=\"2\""));
    assert_non_null(strstr(wb, "<sheet name=\"方法说明\" sheetId=\"3\""));
    free(wb);
    char *s1 = rt_unzip_member("monthly-zh.xlsx", "xl/worksheets/sheet1.xml");
    assert_string_equal(rt_cell(s1, "A1"), "碳排放报告");
    assert_string_equal(rt_cell(s1, "A7"), "运输");
    assert_string_equal(rt_cell(s1, "A10"), "合计");
    assert_string_equal(rt_cell(s1, "A21"), "公路");
    /* the figures are the same in any language */
    assert_string_equal(rt_cell(s1, "B10"), "0.624875");
    free(s1);
    expect_axes("monthly-zh.xlsx", "xl/charts/chart3.xml", "运输方式", "kg CO2e");

    const char *sample[] = {"detail", "sample", "sample_rows", "2", NULL};
    render_with("monthly-sample.xlsx", sample, 0);
    s1 = rt_unzip_member("monthly-sample.xlsx", "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(rt_cell(s1, "A4"), "The sheet Shipments lists the first 2 of 4 "
                                               "shipments"));
    free(s1);
    char *s2 = rt_unzip_member("monthly-sample.xlsx", "xl/worksheets/sheet2.xml");
    assert_string_equal(rt_cell(s2, "A3"), "S2");
    assert_string_equal(rt_cell(s2, "A4"), "");
    free(s2);

    const char *none[] = {"detail", "none", NULL};
    render_with("monthly-none.xlsx", none, 0);
    wb = rt_unzip_member("monthly-none.xlsx", "xl/workbook.xml");
    assert_null(strstr(wb, "Shipments"));
    assert_non_null(strstr(wb, "<sheet name=\"Method\" sheetId=\"2\""));
    free(wb);

    const char *plain[] = {NULL};
    render_with("monthly-parts.xlsx", plain, 3);
    wb = rt_unzip_member("monthly-parts.xlsx", "xl/workbook.xml");
    assert_non_null(strstr(wb, "<sheet name=\"Shipments\" sheetId=\"2\""));
    assert_non_null(strstr(wb, "<sheet name=\"Shipments (2)\" sheetId=\"3\""));
    assert_non_null(strstr(wb, "<sheet name=\"Method\" sheetId=\"4\""));
    /* printing: each sheet's area, the detail's header on every page */
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">"
                               "Shipments!$1:$1</definedName>"));
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"2\">"
                               "'Shipments (2)'!$1:$1</definedName>"));
    assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">"));
    free(wb);
    s2 = rt_unzip_member("monthly-parts.xlsx", "xl/worksheets/sheet3.xml");
    assert_string_equal(rt_cell(s2, "A1"), "Shipment");
    assert_string_equal(rt_cell(s2, "A2"), "S3");
    assert_string_equal(rt_cell(s2, "A3"), "S4");
    free(s2);
    s1 = rt_unzip_member("monthly-parts.xlsx", "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(s1, "<pageSetUpPr fitToPage=\"1\"/>"));
    assert_non_null(strstr(s1, "paperSize=\"9\""));
    assert_non_null(strstr(s1, "orientation=\"landscape\""));
    free(s1);
}

typedef struct bad_case {
    const char *what;
    const char *file; /* shipments, totals or factors */
    const char *from, *to;
    bx_status st;
    const char *msg;
} bad_case;

static void test_monthly_bad_inputs(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"a text column missing", "shipments", ",data_quality,", ",dq,", BX_EINPUT,
         "monthly.lua:"},
        {"a text column missing (message)", "shipments", ",data_quality,", ",dq,", BX_EINPUT,
         "bad-shipments.csv: not a per-shipment result file of boxcar carbon: its header has "
         "no column 'data_quality'"},
        {"a text in a number column", "shipments", "S3,r-air,300.000", "S3,r-air,abc",
         BX_EINPUT, "bad-shipments.csv:4:3: field 'transport_wtw_g': 'abc' is not a number"},
        {"an empty total", "shipments", "50.000,352.000,", "50.000,,", BX_EINPUT,
         "bad-shipments.csv: shipment 'S3': total_wtw_g and total_ttw_g are needed"},
        /* one milligram more than the totals: 624876 against 624875 */
        {"totals of another run", "shipments", "352.000", "352.001", BX_EINPUT,
         "bad-shipments.csv and the totals do not match: 4 shipments, 624876 mg WTW, 384300 "
         "mg TTW against 4, 624875 and 384300"},
        {"another factor set version", "totals", ",test-set,1.0\nroute", ",test-set,1.1\nroute",
         BX_EINPUT, "bad-totals.csv: rows of two factor sets (test-set 1.1 and test-set 1.0)"},
        {"totals that do not add up", "totals", "month,2025-02,2,", "month,2025-02,3,",
         BX_EINPUT, "the 'month' rows do not add up to the 'all' row (624875 mg WTW in 5 "
         "shipments; 'all' has 624875 mg in 4)"},
        {"no all row", "totals", "all,all,", "route,r-zzz,", BX_EINPUT,
         "bad-totals.csv: no 'all' row"},
        {"a factor set of another version", "factors", "hand-made\",1.0,", "hand-made\",0.9,",
         BX_EINPUT, "bad-factors.csv is factor set test-set 0.9; the results are of test-set 1.0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case *c = &cases[i];
        const char *ship = DATA("shipments.csv"), *tot = DATA("totals.csv");
        const char *fac = DATA("factors.csv");
        if (strcmp(c->file, "shipments") == 0) {
            mutate(ship, "bad-shipments.csv", c->from, c->to);
            ship = "bad-shipments.csv";
        } else if (strcmp(c->file, "totals") == 0) {
            mutate(tot, "bad-totals.csv", c->from, c->to);
            tot = "bad-totals.csv";
        } else {
            mutate(fac, "bad-factors.csv", c->from, c->to);
            fac = "bad-factors.csv";
        }
        static const bx_report_format fmts[] = {BX_REPORT_XLSX, BX_REPORT_CBOR};
        static const char *const outs[] = {"bad-monthly.xlsx", "bad-monthly.cbor"};
        for (size_t k = 0; k < 2; k++) {
            fixture f;
            assert_int_equal(open_monthly(&f, ship, tot, fac), BX_OK);
            bx_status st = render(&f, fmts[k], outs[k]);
            if (st != c->st || strstr(bx_ctx_errmsg(f.ctx), c->msg) == NULL)
                fail_msg("%s: status %d, message '%s'; wanted %d and '%s'", c->what, st,
                         bx_ctx_errmsg(f.ctx), c->st, c->msg);
            close_monthly(&f);
            assert_int_equal(access(outs[k], F_OK), -1);
        }
        rt_nothing_like("bad-monthly");
    }
    /* a number column missing is refused when the source is registered */
    mutate(DATA("totals.csv"), "bad-totals.csv", ",total_wtw_mg,", ",total_mg,");
    fixture f;
    assert_int_equal(open_monthly(&f, DATA("shipments.csv"), "bad-totals.csv", NULL),
                     BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(f.ctx),
                        "bad-totals.csv:1: the header has no column 'total_wtw_mg'");
    close_monthly(&f);
    /* the packing results are not carbon results */
    memset(&f, 0, sizeof f);
    f.ctx = test_ctx_new(&f.ta, 0);
    assert_int_equal(bx_report_load(f.ctx, &f.r, MONTHLY, NULL), BX_OK);
    assert_int_equal(bx_report_add_source(f.r, "packing", BOXCAR_TEST_DATA "/report/packing.csv",
                                          bx_pack_csv_numeric_columns()), BX_OK);
    assert_int_equal(render(&f, BX_REPORT_XLSX, "bad-monthly.xlsx"), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "monthly.lua needs data.shipments and "
                                                 "data.totals"));
    close_monthly(&f);
    assert_int_equal(access("bad-monthly.xlsx", F_OK), -1);
}

/* Load, add the sources, render: with the Nth allocation failing. */
static bx_status oom_run(uint64_t n, test_alloc *ta)
{
    bx_ctx *ctx = test_ctx_new(ta, n);
    bx_report *r = NULL;
    bx_status st = bx_report_load(ctx, &r, MONTHLY, NULL);
    if (st == BX_OK)
        st = bx_report_add_source(r, "shipments", DATA("shipments.csv"),
                                  bx_carbon_csv_numeric_columns());
    if (st == BX_OK)
        st = bx_report_add_source(r, "totals", DATA("totals.csv"), bx_carbon_totals_numeric_columns());
    if (st == BX_OK)
        st = bx_report_add_source(r, "factors", DATA("factors.csv"),
                                  bx_factor_set_numeric_columns());
    remove("oom-monthly.cbor");
    if (st == BX_OK) {
        bx_report_options o = {CREATED, NULL, NULL, 0};
        st = bx_report_render(r, BX_REPORT_CBOR, "oom-monthly.cbor", &o);
    }
    if (st != BX_OK && access("oom-monthly.cbor", F_OK) == 0)
        fail_msg("allocation %llu: a report left behind", (unsigned long long)n);
    if (st != BX_OK && st != BX_ENOMEM)
        fail_msg("allocation %llu: %s: %s", (unsigned long long)n, bx_strerror(st),
                 bx_ctx_errmsg(ctx));
    bx_report_free(r);
    bx_ctx_free(ctx);
    if (ta->live_bytes != 0)
        fail_msg("allocation %llu: %zu bytes leaked", (unsigned long long)n, ta->live_bytes);
    return st;
}

/* Out of memory anywhere: BX_OK or BX_ENOMEM, nothing leaked, nothing
 * left. (Lua collects and retries once when an allocation fails, so many
 * single failures are absorbed and the report is made all the same.) The
 * script's compilation makes most of the allocations: every one of the
 * first 400 fails in turn, then a stride keeps the test fast. */
static void test_monthly_out_of_memory(void **state)
{
    (void)state;
    test_alloc ta;
    assert_int_equal(oom_run(0, &ta), BX_OK);
    uint64_t total = ta.calls, oom = 0;
    uint64_t stride = total / 400 + 1;
    for (uint64_t n = 1; n <= total; n += n < 400 ? 1 : stride)
        oom += oom_run(n, &ta) == BX_ENOMEM;
    assert_true(oom > 50);
    remove("oom-monthly.cbor");
    rt_nothing_like("oom-monthly.cbor");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monthly_xlsx),
        cmocka_unit_test(test_monthly_csv_mix),
        cmocka_unit_test(test_monthly_temperature_parts),
        cmocka_unit_test(test_monthly_energy_carriers),
        cmocka_unit_test(test_monthly_golden),
        cmocka_unit_test(test_monthly_without_factors),
        cmocka_unit_test(test_monthly_empty_run),
        cmocka_unit_test(test_monthly_natural_order),
        cmocka_unit_test(test_monthly_options),
        cmocka_unit_test(test_monthly_bad_inputs),
        cmocka_unit_test(test_monthly_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
