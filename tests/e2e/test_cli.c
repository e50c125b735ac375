/*
 * test_cli.c: the boxcar command end to end: exit codes, messages, outputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"
#include "testutil.h"

#define DATA(f) BOXCAR_TEST_DATA "/" f
#define SAMPLE(f) BOXCAR_SAMPLES "/" f

static char out_text[1 << 16];
static char err_text[1 << 16];

static void slurp(const char *path, char *buf, size_t size)
{
    cli_slurp(path, buf, size);
}

/* Run `boxcar ARGS` with stdout and stderr captured; return its exit code. */
static int run(const char *args)
{
    return cli_run(NULL, "cli", args, out_text, sizeof out_text, err_text, sizeof err_text);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_version_and_help(void **state)
{
    (void)state;
    assert_int_equal(run("--version"), 0);
    assert_non_null(strstr(out_text, "boxcar "));
    assert_int_equal(run("--help"), 0);
    assert_non_null(strstr(out_text, "exit codes"));
    assert_int_equal(run("check --help"), 0);
    assert_int_equal(run("convert --help"), 0);
    assert_int_equal(run(""), 2);
    assert_int_equal(run("frobnicate"), 2);
    assert_null(strstr(err_text, "did you mean"));
}

/* A mistyped command or format: the nearest command, or the choices. */
static void test_usage_hints(void **state)
{
    (void)state;
    assert_int_equal(run("pak"), 2);
    assert_non_null(strstr(err_text, "unknown command 'pak'; did you mean 'pack'?"));
    assert_int_equal(run("carbn --help"), 2);
    assert_non_null(strstr(err_text, "did you mean 'carbon'?"));
    assert_int_equal(run("pack --orders x.csv --format xlsx"), 2);
    assert_non_null(strstr(err_text, "unknown format 'xlsx': --format is table, csv, json or "
                                     "cbor"));
    assert_int_equal(run("report --script x.lua --format pdf -o r"), 2);
    assert_non_null(strstr(err_text, "unknown format 'pdf': --format is xlsx, csv or cbor"));
    assert_int_equal(run("check --format xml x.csv"), 2);
    assert_non_null(strstr(err_text, "--format is auto, csv, json or cbor"));
    assert_int_equal(run("check"), 2);
    assert_int_equal(run("check --kind nonsense x.csv"), 2);
}

static void test_check_samples(void **state)
{
    (void)state;
    int rc = run("check " SAMPLE("catalogs/cn-express.csv") " " SAMPLE("orders/demo.csv"));
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    assert_non_null(strstr(out_text, "cn-express.csv: ok: catalog (csv), 12 boxes"));
    assert_non_null(strstr(out_text, "demo.csv: ok: orders (csv)"));
}

static void test_check_bad_input_exit_3(void **state)
{
    (void)state;
    assert_int_equal(run("check " DATA("catalog_bad.csv")), 3);
    assert_non_null(strstr(err_text, "error: " DATA("catalog_bad.csv") ":3:4: field 'inner_h_mm'"));
    assert_non_null(strstr(err_text, "warning: " DATA("catalog_bad.csv") ":1:6: field 'colour'"));
    assert_non_null(strstr(out_text, "catalog_bad.csv: 4 errors"));
    /* only the first problem shown, the rest counted */
    assert_int_equal(run("check --max-errors 1 " DATA("catalog_bad.csv")), 3);
    assert_non_null(strstr(err_text, "and 4 more problems not shown"));
    /* a missing file is a runtime failure; bad input still wins */
    assert_int_equal(run("check " DATA("missing.csv")), 1);
    assert_non_null(strstr(err_text, "missing.csv"));
    assert_int_equal(run("check " DATA("missing.csv") " " DATA("catalog_bad.csv")), 3);
}

/* Corrupt one field of the shipped catalog: line 5 (box 4#), column 2
 * (inner_l_mm) becomes "3x4". The error must point exactly there. */
static void test_corrupted_sample_is_located(void **state)
{
    (void)state;
    FILE *in = fopen(SAMPLE("catalogs/cn-express.csv"), "rb");
    assert_non_null(in);
    FILE *out = fopen("corrupt.csv", "wb");
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, in)) {
        if (++n == 5) {
            char *comma = strchr(line, ',');
            assert_non_null(comma);
            char *next = strchr(comma + 1, ',');
            fprintf(out, "%.*s,3x4%s", (int)(comma - line), line, next);
        } else {
            fputs(line, out);
        }
    }
    fclose(in);
    fclose(out);
    assert_int_equal(run("check corrupt.csv"), 3);
    assert_non_null(strstr(err_text, "corrupt.csv:5:2: field 'inner_l_mm'"));
}

static void test_convert_round_trip(void **state)
{
    (void)state;
    /* CSV -> JSON -> CBOR -> CSV must give back the CSV that boxcar writes
     * for the original (its normal form: every column, shortest numbers). */
    assert_int_equal(run("convert -o norm.csv " SAMPLE("orders/demo.csv")), 0);
#if BOXCAR_WITH_JSON_CBOR
    assert_int_equal(run("convert -o demo.json " SAMPLE("orders/demo.csv")), 0);
    assert_int_equal(run("convert -o demo.cbor demo.json"), 0);
    assert_int_equal(run("convert --to csv -o back.txt demo.cbor"), 0);
    static char a[1 << 20], b[1 << 20];
    slurp("norm.csv", a, sizeof a);
    slurp("back.txt", b, sizeof b);
    assert_true(strlen(a) > 1000);
    assert_string_equal(a, b);
    assert_int_equal(run("check demo.cbor demo.json"), 0);
#endif
}

static void test_convert_bad_input_leaves_nothing(void **state)
{
    (void)state;
    remove("never.json");
    assert_int_equal(run("convert -o never.csv " DATA("catalog_bad.csv")), 3);
    assert_false(exists("never.csv"));
    /* an existing output is left as it was */
    FILE *fp = fopen("keep.csv", "wb");
    fputs("old\n", fp);
    fclose(fp);
    assert_int_equal(run("convert -o keep.csv " DATA("orders_bad.csv")), 3);
    char buf[16];
    slurp("keep.csv", buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    assert_int_equal(run("convert -o x.unknown " DATA("catalog_small.csv")), 2);
    assert_int_equal(run("convert -o /nonexistent-dir/x.csv " DATA("catalog_small.csv")), 1);
}

/* Run `boxcar ARGS >/dev/full`: standard output fails with ENOSPC. */
static int run_full(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s >/dev/full 2>full.err </dev/null", BOXCAR_BIN, args);
    int rc = system(cmd);
    slurp("full.err", err_text, sizeof err_text);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

/* An answer that cannot be written to standard output is a runtime
 * failure (exit 1), for the commands that print to it directly as for
 * those whose output goes through a sink; a failed command keeps its own
 * exit code. */
static void test_full_standard_output(void **state)
{
    (void)state;
    if (!exists("/dev/full"))
        skip();
    assert_int_equal(run_full("--version"), 1);
    assert_non_null(strstr(err_text, "boxcar --version: writing to standard output failed: "
                                     "No space left on device"));
    assert_int_equal(run_full("factors list"), 1);
    assert_non_null(strstr(err_text, "boxcar factors: writing to standard output failed"));
    assert_int_equal(run_full("check --help"), 1);
    assert_int_equal(run_full("check " SAMPLE("catalogs/cn-express.csv")), 1);
    assert_int_equal(run_full("pack --orders " SAMPLE("orders/demo.csv") " --no-progress"), 1);
    assert_int_equal(run_full("pack --orders no-such-file.csv"), 1);
    assert_null(strstr(err_text, "standard output"));
    assert_int_equal(run_full("pack --frobnicate"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_help),
        cmocka_unit_test(test_usage_hints),
        cmocka_unit_test(test_check_samples),
        cmocka_unit_test(test_check_bad_input_exit_3),
        cmocka_unit_test(test_corrupted_sample_is_located),
        cmocka_unit_test(test_convert_round_trip),
        cmocka_unit_test(test_convert_bad_input_leaves_nothing),
        cmocka_unit_test(test_full_standard_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
