/*
 * test_cli_report.c: `boxcar report` with scripts/report/monthly.lua over
 * what `boxcar carbon` writes for the demo shipments, end to end: the
 * workbook appears; its totals are the totals file's to the milligram; the
 * factor set is found from the totals; totals of another run are refused
 * with the script's line and leave nothing behind; usage errors.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxcar.h"
#include "cli_run.h"
#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define MONTHLY BOXCAR_SCRIPTS "/report/monthly.lua"

static char out_text[1 << 16];
static char err_text[1 << 16];
static char file_text[1 << 20];

static int run(const char *args)
{
    return cli_run(NULL, "rep", args, out_text, sizeof out_text, err_text, sizeof err_text);
}

/* The `all` row's total_wtw_mg of a totals file (the 14th column). */
static int64_t all_wtw_mg(const char *path)
{
    cli_slurp(path, file_text, sizeof file_text);
    const char *row = strstr(file_text, "\nall,all,");
    assert_non_null(row);
    row++;
    for (int i = 0; i < 13; i++) {
        row = strchr(row, ',');
        assert_non_null(row);
        row++;
    }
    return strtoll(row, NULL, 10);
}

static void test_monthly_on_the_demo(void **state)
{
    (void)state;
    if (!BOXCAR_WITH_XLSX_TEST)
        skip();
    assert_int_equal(run("carbon --routes " SAMPLE("routes/cn-routes.csv") " --shipments "
                         SAMPLE("shipments/demo.csv") " --containers "
                         SAMPLE("shipments/containers.csv") " -o rep_per.csv --totals "
                         "rep_totals.csv"), 0);
    remove("rep_month.xlsx");
    assert_int_equal(run("report --script " MONTHLY " --shipments rep_per.csv --totals "
                         "rep_totals.csv -o rep_month.xlsx --created 1767225600"), 0);
    assert_non_null(strstr(err_text, "boxcar report: monthly: rep_month.xlsx written"));
    FILE *fp = fopen("rep_month.xlsx", "rb");
    assert_non_null(fp);
    unsigned char magic[4] = {0};
    assert_int_equal(fread(magic, 1, 4, fp), 4);
    fclose(fp);
    assert_memory_equal(magic, "PK\x03\x04", 4);

    /* the same as CSV: the summary's totals rows are the totals file's
     * figure in kg (mg / 10^6, written out here by hand) */
    assert_int_equal(run("report --script " MONTHLY " --shipments rep_per.csv --totals "
                         "rep_totals.csv -o rep_month_csv --format csv"), 0);
    int64_t mg = all_wtw_mg("rep_totals.csv");
    assert_true(mg > 0);
    char want[64];
    snprintf(want, sizeof want, ",%" PRId64 ".%06" PRId64, mg / 1000000, mg % 1000000);
    while (want[strlen(want) - 1] == '0')
        want[strlen(want) - 1] = '\0';
    cli_slurp("rep_month_csv/Summary.csv", file_text, sizeof file_text);
    assert_non_null(strstr(file_text, "\nBy month\n"));
    assert_non_null(strstr(file_text, "\nBy mode"));
    assert_non_null(strstr(file_text, "\nBy route\n"));
    assert_non_null(strstr(file_text, "\nTotal,12000"));
    if (strstr(file_text, want) == NULL)
        fail_msg("Summary.csv has no %s", want);
    /* the factor set named in the totals was found: its sources are listed */
    cli_slurp("rep_month_csv/Method.csv", file_text, sizeof file_text);
    assert_non_null(strstr(file_text, "\nid,cn-2023\n"));
    assert_non_null(strstr(file_text, "\nSources of the factors\n"));
    assert_non_null(strstr(file_text, "\nmaterial,corrugated,UNCONFIRMED"));
    cli_slurp("rep_month_csv/Shipments.csv", file_text, sizeof file_text);
    assert_non_null(strstr(file_text, "Shipment,Route,Transport WTW,"));

    /* totals of another run (the first 2,000 shipments): refused, the old
     * workbook kept, no temporary */
    assert_int_equal(system("head -n 2001 '" SAMPLE("shipments/demo.csv") "' > rep_part.csv"),
                     0);
    run("carbon --routes " SAMPLE("routes/cn-routes.csv") " --shipments rep_part.csv "
        "--containers " SAMPLE("shipments/containers.csv") " -o rep_part_per.csv --totals "
        "rep_part_totals.csv");
    assert_int_equal(run("report --script " MONTHLY " --shipments rep_per.csv --totals "
                         "rep_part_totals.csv -o rep_month.xlsx"), 3);
    assert_non_null(strstr(err_text, "monthly.lua:"));
    assert_non_null(strstr(err_text, "rep_per.csv and the totals do not match: 12000 "
                                     "shipments"));
    assert_int_equal(system("ls rep_month.xlsx.tmp* >/dev/null 2>&1"), 512);
    assert_int_equal(access("rep_month.xlsx", F_OK), 0);
    remove("rep_none.xlsx");
    assert_int_equal(run("report --script " MONTHLY " --shipments rep_per.csv --totals "
                         "rep_part_totals.csv -o rep_none.xlsx"), 3);
    assert_int_equal(access("rep_none.xlsx", F_OK), -1);

    /* a factor set that is not there, and one of another version */
    assert_int_equal(run("report --script " MONTHLY " --shipments rep_per.csv --totals "
                         "rep_totals.csv --factors no-such-set -o rep_none.xlsx"), 1);
    assert_non_null(strstr(err_text, "no factor set 'no-such-set'"));
    assert_int_equal(run("report --script " MONTHLY " --shipments rep_per.csv --totals "
                         "rep_totals.csv --factors glec-v3.0 -o rep_none.xlsx"), 3);
    assert_non_null(strstr(err_text, "glec-v3.0.csv is factor set glec-v3.0"));
    assert_int_equal(access("rep_none.xlsx", F_OK), -1);
}

/* Whether every field of column col is a number (strtod takes it whole). */
static bool column_all_numbers(const char *path, const char *column)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_csv_reader *r = NULL;
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(bx_csv_open_file(ctx, &r, path, fp, NULL), BX_OK);
    assert_int_equal(bx_csv_next(r), BX_OK);
    size_t col = SIZE_MAX;
    for (size_t i = 0; i < bx_csv_nfields(r); i++) {
        size_t len;
        const char *f = bx_csv_field(r, i, &len);
        if (len == strlen(column) && memcmp(f, column, len) == 0)
            col = i;
    }
    assert_true(col != SIZE_MAX);
    bool all = true;
    size_t rows = 0;
    while (bx_csv_next(r) == BX_OK) {
        size_t len;
        const char *f = bx_csv_field(r, col, &len);
        char buf[64];
        assert_true(len < sizeof buf);
        memcpy(buf, f, len);
        buf[len] = '\0';
        char *end;
        strtod(buf, &end);
        if (len == 0 || *end != '\0')
            all = false;
        rows++;
    }
    assert_true(rows > 0);
    bx_csv_close(r);
    fclose(fp);
    bx_ctx_free(ctx);
    return all;
}

/* The header's columns, in order. */
static size_t header_columns(const char *path, char names[][64], size_t max)
{
    cli_slurp(path, file_text, sizeof file_text);
    size_t n = 0;
    const char *p = file_text;
    while (n < max && *p != '\n' && *p != '\0') {
        size_t len = strcspn(p, ",\r\n");
        assert_true(len < 64);
        memcpy(names[n], p, len);
        names[n++][len] = '\0';
        p += len;
        if (*p == ',')
            p++;
    }
    return n;
}

/* The column lists each writer publishes for report sources are the
 * columns that really hold numbers in the files boxcar writes: a column is
 * listed if and only if every one of its fields is a number. A column added
 * to a writer without its kind fails here instead of reaching reports as
 * text. A version (2023.1) is text that looks like a number. (The per-shipment uncertainty columns appear only with intervals
 * and are left out of the list by design; this run has none.) */
static void check_columns(const char *path, const char *const *numeric, const char *texts)
{
    char names[64][64];
    size_t n = header_columns(path, names, 64);
    assert_true(n > 2);
    for (size_t i = 0; i < n; i++) {
        bool listed = false;
        for (size_t k = 0; numeric[k] != NULL; k++)
            listed = listed || strcmp(numeric[k], names[i]) == 0;
        /* texts: columns that are text by kind though their values here look
         * like numbers (a version such as 2023.1) */
        bool numbers = column_all_numbers(path, names[i]) && strstr(texts, names[i]) == NULL;
        if (listed != numbers)
            fail_msg("%s: column '%s' is %s numbers but %s listed", path, names[i],
                     numbers ? "all" : "not all", listed ? "is" : "is not");
    }
}

static void test_numeric_columns_match_the_files(void **state)
{
    (void)state;
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --format csv "
                         "-o rep_boxes.csv"), 0);
    check_columns("rep_boxes.csv", bx_pack_csv_numeric_columns(), "");
    assert_int_equal(run("carbon --routes " SAMPLE("routes/cn-routes.csv") " --shipments "
                         SAMPLE("shipments/demo.csv") " --containers "
                         SAMPLE("shipments/containers.csv") " -o rep_per.csv --totals "
                         "rep_totals.csv"), 0);
    check_columns("rep_per.csv", bx_carbon_csv_numeric_columns(), "factor_version");
    /* the uplift and refrigerant columns are numbers but optional: totals
     * files written before them must still load, so they are not listed */
    check_columns("rep_totals.csv", bx_carbon_totals_numeric_columns(),
                  "factor_version temp_uplift_wtw_mg refrigerant_mg");
}

static void test_usage(void **state)
{
    (void)state;
    assert_int_equal(run("report --script " MONTHLY " -o x.xlsx"), 2);
    assert_non_null(strstr(err_text, "no source"));
    assert_int_equal(run("report --script " MONTHLY " --source 9x=a.csv -o x.xlsx"), 2);
    assert_int_equal(run("report --script " MONTHLY " --source nofile -o x.xlsx"), 2);
    assert_int_equal(run("report --script " MONTHLY " --packing a.csv --factors cn-2023 "
                         "-o x.xlsx"), 2);
    /* past 9999-12-31T23:59:59Z (253402300799 s) a workbook has no date */
    remove("late.xlsx");
    assert_int_equal(run("report --script " MONTHLY " --packing a.csv --created 253402300800 "
                         "-o late.xlsx"), 2);
    assert_non_null(strstr(err_text, "--created wants seconds since 1970"));
    assert_int_equal(access("late.xlsx", F_OK), -1);
    assert_int_equal(run("report --script " MONTHLY " --packing a.csv --created "
                         "99999999999999999 -o late.xlsx"), 2);
    assert_int_equal(access("late.xlsx", F_OK), -1);
    assert_int_equal(run("report --help"), 0);
    assert_non_null(strstr(out_text, "--shipments FILE"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monthly_on_the_demo),
        cmocka_unit_test(test_numeric_columns_match_the_files),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
