/*
 * test_cli_pack_jobs.c: `boxcar pack --jobs N` writes what one job writes.
 *
 * Every run here is made twice, --jobs 1 and --jobs 4, and everything it
 * produces is compared byte for byte: the output in every format, the
 * placements CSV, the SVG pictures, standard output and standard error
 * (diagnostics, their limit of 50, the summary) and the exit code. The
 * inputs: the 400 demo orders; the same with bad orders in the middle; an
 * input that stops the run half way (nothing may be written); and a catalog
 * with stock, which must fall back to one job (with parallel packing the
 * stock would not be used up and the output would differ).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define DEMO SAMPLE("orders/demo.csv")

static char out_text[1 << 16];
static char err_text[1 << 16];

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = test_read_file(a, &na), *y = test_read_file(b, &nb);
    if (x == NULL || y == NULL)
        fail_msg("%s or %s is missing", a, b);
    if (na != nb || memcmp(x, y, na) != 0)
        fail_msg("%s (%zu bytes) and %s (%zu bytes) differ", a, na, b, nb);
    free(x);
    free(y);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* `boxcar pack ARGS --jobs J`; stdout and stderr go to jobs_TAG<J>.out/.err.
 * Every file name in ARGS holds "%d", replaced by J. */
static int pack_jobs(const char *tag, const char *args_fmt, int jobs)
{
    char args[2048], full[4096], t[64];
    /* the format is the test's own, with only %d in it */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(args, sizeof args, args_fmt, jobs, jobs, jobs, jobs);
#pragma GCC diagnostic pop
    snprintf(full, sizeof full, "pack %s --jobs %d", args, jobs);
    snprintf(t, sizeof t, "jobs_%s%d", tag, jobs);
    return cli_run(NULL, t, full, out_text, sizeof out_text, err_text, sizeof err_text);
}

/* Run with 1 and 4 jobs; the exit codes, stdout and stderr must agree. */
static int run_both(const char *tag, const char *args_fmt)
{
    int rc1 = pack_jobs(tag, args_fmt, 1);
    int rc4 = pack_jobs(tag, args_fmt, 4);
    assert_int_equal(rc1, rc4);
    char a[128], b[128];
    snprintf(a, sizeof a, "jobs_%s1.out", tag);
    snprintf(b, sizeof b, "jobs_%s4.out", tag);
    assert_same_file(a, b);
    snprintf(a, sizeof a, "jobs_%s1.err", tag);
    snprintf(b, sizeof b, "jobs_%s4.err", tag);
    assert_same_file(a, b);
    return rc1;
}

/* Same file names with the same bytes in both directories; their count. */
static size_t assert_same_dir(const char *d1, const char *d4)
{
    size_t n1 = 0, n4 = 0;
    DIR *d = opendir(d1);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char a[512], b[512];
        snprintf(a, sizeof a, "%s/%s", d1, e->d_name);
        snprintf(b, sizeof b, "%s/%s", d4, e->d_name);
        assert_same_file(a, b);
        n1++;
    }
    closedir(d);
    d = opendir(d4);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n4 += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(n1, n4);
    return n1;
}

static void remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void compare_outputs(const char *ext)
{
    char a[64], b[64];
    snprintf(a, sizeof a, "jobs_out1.%s", ext);
    snprintf(b, sizeof b, "jobs_out4.%s", ext);
    assert_same_file(a, b);
    assert_same_file("jobs_pl1.csv", "jobs_pl4.csv");
}

/* ---- same bytes ------------------------------------------------------------ */

static void test_demo_every_format(void **state)
{
    (void)state;
    const char *formats[] = {"csv", "json", "cbor", "table"};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
#if !BOXCAR_WITH_JSON_CBOR
        if (strcmp(formats[i], "cbor") == 0)
            continue;
#endif
        char args[512];
        snprintf(args, sizeof args,
                 "--orders " DEMO " --format %s -o jobs_out%%d.%s "
                 "--placements jobs_pl%%d.csv", formats[i], formats[i]);
        assert_int_equal(run_both("demo", args), 0);
        compare_outputs(formats[i]);
    }
    /* 400 orders, one summary line, the same in both (run_both) */
    assert_non_null(strstr(err_text, "boxcar pack: 400 orders,"));
    /* standard output, and the pictures: 417 boxes, one file each */
    assert_int_equal(run_both("stdout", "--orders " DEMO " --format table"), 0);
    remove_dir("jobs_svg1");
    remove_dir("jobs_svg4");
    assert_int_equal(run_both("svg", "--orders " DEMO " -o jobs_out%d.json --svg jobs_svg%d"), 0);
    assert_int_equal(assert_same_dir("jobs_svg1", "jobs_svg4"), 417);
}

/* demo.csv with orders spoiled in the middle: 60 lines BAD01..BAD60 whose
 * qty is "x", one before every 6th demo order from the 10th on; a line
 * with weight "abc" between two lines of D0300; and an order HUGE1 whose
 * item fits no box (unpacked, no error). Each bad line names its order in
 * a well-formed order_id, so it fails that order alone and leaves its
 * neighbours be. Orders: 400 + HUGE1 + BAD01..BAD60 = 461; bad: 60 BAD
 * orders + D0300 = 61. Each bad line is one error, so 61 errors: 50 shown,
 * "... and 11 more". */
static void write_spoiled(const char *path)
{
    size_t n;
    char *demo = test_read_file(DEMO, &n);
    assert_non_null(demo);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    char prev[64] = "";
    int orders = 0, bad = 0;
    bool header = true;
    for (char *line = strtok(demo, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (header) {
            fprintf(fp, "%s\n", line);
            header = false;
            continue;
        }
        char id[64];
        size_t len = strcspn(line, ",");
        assert_true(len < sizeof id);
        memcpy(id, line, len);
        id[len] = '\0';
        bool first = strcmp(id, prev) != 0;
        if (first && ++orders >= 10 && orders % 6 == 4 && bad < 60)
            fprintf(fp, "BAD%02d,thing,x,100,100,100,10,any,0,0,\n", ++bad);
        if (first && orders == 200)
            fputs("HUGE1,piano,1,3000,3000,3000,10,any,0,0,\n", fp);
        fprintf(fp, "%s\n", line);
        if (first && strcmp(id, "D0300") == 0)
            fputs("D0300,thing,1,100,100,100,abc,any,0,0,\n"
                  "D0300,extra,1,100,100,100,10,any,0,0,\n", fp);
        strcpy(prev, id);
    }
    assert_int_equal(bad, 60);
    fclose(fp);
    free(demo);
}

static void test_bad_orders_in_the_middle(void **state)
{
    (void)state;
    write_spoiled("jobs_spoiled.csv");
    const char *formats[] = {"csv", "json", "cbor", "table"};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
#if !BOXCAR_WITH_JSON_CBOR
        if (strcmp(formats[i], "cbor") == 0)
            continue;
#endif
        char args[512];
        snprintf(args, sizeof args,
                 "--orders jobs_spoiled.csv --format %s -o jobs_out%%d.%s "
                 "--placements jobs_pl%%d.csv --check", formats[i], formats[i]);
        assert_int_equal(run_both("bad", args), 3);
        compare_outputs(formats[i]);
    }
    assert_non_null(strstr(err_text, " 461 orders,"));
    assert_non_null(strstr(err_text, " 61 bad orders"));
    assert_non_null(strstr(err_text, "... and 11 more problems not shown"));
    /* the piano is reported, not an error */
    assert_non_null(strstr(err_text, " 1 not packed,"));
}

/* A record over the reader's 1 MiB limit after 400 lines stops the run:
 * the same message, exit 1 or 3 alike, and no output file at all. */
static void test_fatal_input_writes_nothing(void **state)
{
    (void)state;
    size_t n;
    char *demo = test_read_file(DEMO, &n);
    assert_non_null(demo);
    FILE *fp = fopen("jobs_fatal.csv", "wb");
    assert_non_null(fp);
    char *cut = demo;
    for (int line = 0; line < 400; line++)
        cut = strchr(cut, '\n') + 1;
    fwrite(demo, 1, (size_t)(cut - demo), fp);
    fputs("ZZ1,", fp);
    for (int i = 0; i < 1100000; i++)
        fputc('a', fp);
    fputs(",1,10,10,10,10,any,0,0,\n", fp);
    fputs(cut, fp);
    fclose(fp);
    free(demo);
    remove("jobs_fatal1.csv");
    remove("jobs_fatal4.csv");
    int rc = run_both("fatal", "--orders jobs_fatal.csv -o jobs_fatal%d.csv");
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(err_text, "longer than"));
    assert_false(exists("jobs_fatal1.csv"));
    assert_false(exists("jobs_fatal4.csv"));
}

/* cn-express with a stock of 20 of each box: stock is used up order by
 * order, so --jobs 4 must take them in sequence and give what one job
 * gives, which differs from the unlimited catalog (417 boxes are needed,
 * more than 20 of some box). */
static void test_stock_runs_in_sequence(void **state)
{
    (void)state;
    size_t n;
    char *cat = test_read_file(SAMPLE("catalogs/cn-express.csv"), &n);
    assert_non_null(cat);
    FILE *fp = fopen("jobs_stock.csv", "wb");
    assert_non_null(fp);
    bool header = true;
    for (char *line = strtok(cat, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        /* ...,cost,stock,reusable with stock empty: ",," before the last field */
        char *last = strrchr(line, ',');
        assert_non_null(last);
        if (header || last[-1] != ',') {
            fprintf(fp, "%s\n", line);
        } else {
            fprintf(fp, "%.*s20%s\n", (int)(last - line), line, last);
        }
        header = false;
    }
    fclose(fp);
    free(cat);
    assert_int_equal(run_both("stock", "--catalog jobs_stock.csv --orders " DEMO
                                       " --format csv -o jobs_out%d.csv --placements jobs_pl%d.csv"),
                     0);
    compare_outputs("csv");
    assert_int_equal(run_both("unlimited", "--orders " DEMO " --format csv -o jobs_free%d.csv"),
                     0);
    size_t na, nb;
    char *with = test_read_file("jobs_out1.csv", &na), *without = test_read_file("jobs_free1.csv", &nb);
    assert_non_null(with);
    assert_non_null(without);
    assert_true(na != nb || memcmp(with, without, na) != 0);
    free(with);
    free(without);
}

static void test_jobs_usage(void **state)
{
    (void)state;
    char out[256], err[1024];
    assert_int_equal(cli_run(NULL, "jobs_usage", "pack --orders " DEMO " --jobs 0", out,
                             sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "--jobs"));
    assert_int_equal(cli_run(NULL, "jobs_usage", "pack --orders " DEMO " --jobs 2x", out,
                             sizeof out, err, sizeof err), 2);
    assert_int_equal(cli_run(NULL, "jobs_usage", "pack --orders " DEMO " --jobs 257", out,
                             sizeof out, err, sizeof err), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_every_format),
        cmocka_unit_test(test_bad_orders_in_the_middle),
        cmocka_unit_test(test_fatal_input_writes_nothing),
        cmocka_unit_test(test_stock_runs_in_sequence),
        cmocka_unit_test(test_jobs_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
