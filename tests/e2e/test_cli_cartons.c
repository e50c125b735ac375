/*
 * test_cli_cartons.c: `boxcar cartons forecast` from daily packing results,
 * the figures worked out by hand: each weekday's mean, Poisson intervals,
 * a day without a file counted as no packing; too little history; a file
 * that is not packing results; usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static char out_text[1 << 16];
static char err_text[1 << 16];
static char here[4096];
static char files[8192];

static void slurp(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return;
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
}

static int run(const char *args)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s' %s >cli.out 2>cli.err </dev/null", BOXCAR_BIN, args);
    int rc = system(cmd);
    slurp("cli.out", out_text, sizeof out_text);
    slurp("cli.err", err_text, sizeof err_text);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

static int setup(void **state)
{
    (void)state;
    return test_scratch_enter(here, sizeof here, "cli-cartons");
}

static int teardown(void **state)
{
    (void)state;
    return test_scratch_leave(here);
}

/* Days 0..20 from 2024-05-02 (day 19845, weekday index 19845 % 7 = 0 in
 * the forecast's grouping). Box 3# is used pattern3[d % 7] times a day,
 * 7# once on weekdays 0..4; every file also has an order not packed (no
 * box_id). Day 13 has no file: no packing that day. files gets the
 * --packing options of days [0, ndays). */
static void write_days(int ndays)
{
    static const int pattern3[7] = {3, 2, 1, 2, 3, 0, 1};
    files[0] = '\0';
    for (int d = 0; d < ndays; d++) {
        if (d == 13)
            continue;
        char date[32], name[32], opt[96];
        snprintf(date, sizeof date, "2024-05-%02d", d + 2);
        snprintf(name, sizeof name, "day%02d.csv", d);
        FILE *fp = fopen(name, "w");
        assert_non_null(fp);
        fprintf(fp, "order_id,box_seq,box_id,n_units,reason\n");
        for (int k = 0; k < pattern3[d % 7]; k++)
            fprintf(fp, "O%d-%d,1,3#,1,\n", d, k);
        if (d % 7 < 5)
            fprintf(fp, "P%d,1,7#,2,\n", d);
        fprintf(fp, "U%d,,,1,too large for every box\n", d);
        fclose(fp);
        snprintf(opt, sizeof opt, " --packing %s=%s", date, name);
        strcat(files, opt);
    }
}

/* From 2024-05-23 (day 21, weekday 0). 3#: weekdays 0..5 saw the same
 * count each week: 3, 2, 1, 2, 3, 0; weekday 6 saw 1, 0 (day 13, no
 * file), 1: mean 2/3. Seven days: 11.67 expected. The weekday variances
 * sum to 1/3 against means summing to 11.67: below a Poisson count's, so
 * the intervals are Poisson: 80 % of Poisson(3) is [1, 5], of 2 [0, 4],
 * of 1 [0, 2], of 2/3 [0, 2] (P(X <= 1) = 0.856 < 0.9 <= P(X <= 2) =
 * 0.970). 7#: 1 on weekdays 0..4: 5 over the week. */
static void test_forecast_by_hand(void **state)
{
    (void)state;
    write_days(21);
    char args[16384];
    snprintf(args, sizeof args, "cartons forecast%s", files);
    if (run(args) != 0)
        fail_msg("%s", err_text);
    assert_non_null(strstr(out_text, "box 3#: 11.7 expected over 7 days from 21 days of "
                                     "history"));
    assert_non_null(strstr(out_text, "  2024-05-23      3.0  [1, 5]\n"
                                     "  2024-05-24      2.0  [0, 4]\n"
                                     "  2024-05-25      1.0  [0, 2]\n"));
    assert_non_null(strstr(out_text, "  2024-05-28      0.0  [0, 0]\n"
                                     "  2024-05-29      0.7  [0, 2]\n"));
    assert_non_null(strstr(out_text, "box 7#: 5.0 expected over 7 days"));
    assert_non_null(strstr(out_text, "backtest: MASE"));
    snprintf(args, sizeof args, "cartons forecast --days 2 --format csv%s", files);
    assert_int_equal(run(args), 0);
    assert_string_equal(out_text, "box_id,date,mean,lo,hi\n"
                                  "3#,2024-05-23,3.000,1,5\n"
                                  "3#,2024-05-24,2.000,0,4\n"
                                  "7#,2024-05-23,1.000,0,2\n"
                                  "7#,2024-05-24,1.000,0,2\n");
}

static void test_bad_input(void **state)
{
    (void)state;
    write_days(10);
    char args[16384];
    snprintf(args, sizeof args, "cartons forecast%s", files);
    assert_int_equal(run(args), 3);
    assert_non_null(strstr(err_text, "10 days of history"));
    assert_non_null(strstr(err_text, "4 more"));
    assert_string_equal(out_text, "");
    FILE *fp = fopen("orders.csv", "w");
    fprintf(fp, "order_id,item_id,qty\nA,x,1\n");
    fclose(fp);
    assert_int_equal(run("cartons forecast --packing 2024-05-01=orders.csv"), 3);
    assert_non_null(strstr(err_text, "no box_id column"));
    /* a file that cannot be read is a runtime failure, as for every command */
    assert_int_equal(run("cartons forecast --packing 2024-05-01=missing.csv"), 1);
    assert_non_null(strstr(err_text, "missing.csv: No such file or directory"));
    assert_int_equal(mkdir("adir", 0700), 0);
    assert_int_equal(run("cartons forecast --packing 2024-05-01=adir"), 1);
    assert_non_null(strstr(err_text, "adir: read error"));
    /* an empty file has no header; a broken row is reported once */
    fp = fopen("empty.csv", "w");
    fclose(fp);
    assert_int_equal(run("cartons forecast --packing 2024-05-01=empty.csv"), 3);
    assert_string_equal(err_text, "error: empty.csv: no header row\n");
    fp = fopen("quote.csv", "w");
    fprintf(fp, "order_id,box_id\n\"A,1#\n");
    fclose(fp);
    assert_int_equal(run("cartons forecast --packing 2024-05-01=quote.csv"), 3);
    assert_string_equal(err_text, "error: quote.csv:2:1: unterminated quoted field\n");
    assert_int_equal(run("cartons forecast"), 2);
    assert_int_equal(run("cartons forecast --packing 2024-5-1=x.csv"), 2);
    assert_int_equal(run("cartons forecast --packing 2024-05-01=a.csv "
                         "--packing 2024-05-01=b.csv"), 2);
    assert_int_equal(run("cartons plan"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forecast_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
