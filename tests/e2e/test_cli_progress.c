/*
 * test_cli_progress.c: the progress line of `boxcar pack`, `carbon` and
 * `report`, end to end: drawn on a terminal (a pseudo-terminal, through
 * script(1)), with how much of the input file was read when its size is
 * known; never with --no-progress, which every one of them accepts; never
 * when standard error is not a terminal.
 *
 * A progress line is drawn from the start of a terminal line, "\rboxcar
 * CMD: ", and cleared with "\r" before the summary; the summary lines
 * follow a line feed, so "\rboxcar CMD: " marks a progress line only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define ORDERS SAMPLE("orders/demo.csv")
#define CARBON_INPUTS                                                        \
    "--routes " SAMPLE("routes/cn-routes.csv") " --shipments "               \
    SAMPLE("shipments/demo.csv")

static char dir[64];
static char tty_text[1 << 20];
static char out_text[1 << 20];
static char err_text[1 << 20];

static int run(const char *args)
{
    return cli_run(dir, "prog", args, out_text, sizeof out_text, err_text, sizeof err_text);
}

/* On a pseudo-terminal; skips the test where script(1) is missing. */
static int run_tty(const char *args)
{
    int rc = cli_run_tty(dir, "prog", args, tty_text, sizeof tty_text);
    if (rc < 0)
        skip();
    return rc;
}

/* The first progress line of `cmd` in tty_text, up to its next "\r"
 * (into line); false if there is none. */
static bool progress_line(const char *cmd, char *line, size_t size)
{
    char mark[64];
    snprintf(mark, sizeof mark, "\rboxcar %s: ", cmd);
    const char *p = strstr(tty_text, mark);
    if (p == NULL)
        return false;
    p++;
    size_t n = strcspn(p, "\r");
    if (n >= size)
        n = size - 1;
    memcpy(line, p, n);
    line[n] = '\0';
    return true;
}

/* The "P % of the file" of a progress line, or -1 if it has none. */
static int percent_read(const char *line)
{
    const char *p = strstr(line, " % of the file");
    if (p == NULL)
        return -1;
    while (p > line && p[-1] >= '0' && p[-1] <= '9')
        p--;
    return atoi(p);
}

static void test_pack(void **state)
{
    (void)state;
    char line[256];
    /* on a terminal: orders so far, and the part of the order file read */
    assert_int_equal(run_tty("pack --orders " ORDERS " --jobs 1 -o p.csv"), 0);
    assert_true(progress_line("pack", line, sizeof line));
    assert_non_null(strstr(line, " orders, "));
    int pct = percent_read(line);
    assert_true(pct >= 0 && pct <= 100);
    assert_non_null(strstr(tty_text, "boxcar pack: 400 orders, 417 boxes"));
    /* the same with workers */
    assert_int_equal(run_tty("pack --orders " ORDERS " --jobs 2 -o p.csv"), 0);
    assert_true(progress_line("pack", line, sizeof line));
    assert_true(percent_read(line) >= 0);
    /* --no-progress: the summary only */
    assert_int_equal(run_tty("pack --no-progress --orders " ORDERS " -o p.csv"), 0);
    assert_false(progress_line("pack", line, sizeof line));
    assert_non_null(strstr(tty_text, "boxcar pack: 400 orders, 417 boxes"));
    /* standard error a file: not a byte of progress */
    assert_int_equal(run("pack --orders " ORDERS " -o p.csv"), 0);
    assert_null(strchr(err_text, '\r'));
    assert_null(strstr(err_text, "/s"));
    assert_int_equal(run("pack --no-progress --orders " ORDERS " -o p2.csv"), 0);
    assert_null(strchr(err_text, '\r'));
}

/* An order file whose size is not known (a pipe): the orders, no
 * percentage. */
static void test_pack_from_a_pipe(void **state)
{
    (void)state;
    char cmd[512], line[256];
    /* the writer waits for the reader; if none comes, not for ever */
    snprintf(cmd, sizeof cmd, "cd '%s' && mkfifo orders_fifo.csv && "
                              "(timeout 60 sh -c \"cat '%s' > orders_fifo.csv\" &)", dir,
             ORDERS);
    assert_int_equal(system(cmd), 0);
    int rc = run_tty("pack --orders orders_fifo.csv -o p.csv");
    assert_int_equal(rc, 0);
    assert_true(progress_line("pack", line, sizeof line));
    assert_non_null(strstr(line, " orders, "));
    assert_int_equal(percent_read(line), -1);
}

static void test_carbon(void **state)
{
    (void)state;
    char line[256];
    assert_int_equal(run_tty("carbon " CARBON_INPUTS " -o c.csv"), 3);
    assert_true(progress_line("carbon", line, sizeof line));
    assert_non_null(strstr(line, " shipments, "));
    int pct = percent_read(line);
    assert_true(pct >= 0 && pct <= 100);
    assert_int_equal(run_tty("carbon --no-progress " CARBON_INPUTS " -o c.csv"), 3);
    assert_false(progress_line("carbon", line, sizeof line));
    assert_non_null(strstr(tty_text, "boxcar carbon: 12000 shipments read"));
    assert_int_equal(run("carbon " CARBON_INPUTS " -o c.csv"), 3);
    assert_null(strchr(err_text, '\r'));
}

static void test_report(void **state)
{
    (void)state;
    char line[256];
    assert_int_equal(run("pack --orders " ORDERS " --format csv -o packing.csv"), 0);
    const char *args = "report --script " BOXCAR_SCRIPTS "/report/station.lua "
                       "--packing packing.csv --format csv -o station";
    char cmd[1024];
    assert_int_equal(run_tty(args), 0);
    assert_true(progress_line("report", line, sizeof line));
    assert_non_null(strstr(line, " rows read, "));
    snprintf(cmd, sizeof cmd, "%s --no-progress", args);
    assert_int_equal(run_tty(cmd), 0);
    assert_false(progress_line("report", line, sizeof line));
    assert_non_null(strstr(tty_text, "boxcar report: station: station written"));
    assert_int_equal(run(cmd), 0);
    assert_null(strchr(err_text, '\r'));
    assert_int_equal(run(args), 0);
    assert_null(strchr(err_text, '\r'));
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/boxcar-progress-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack),
        cmocka_unit_test(test_pack_from_a_pipe),
        cmocka_unit_test(test_carbon),
        cmocka_unit_test(test_report),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
