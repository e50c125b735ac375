/*
 * test_cli_policy.c: `boxcar pack --policy` and `boxcar check --policy`
 * end to end: violations in every output format, a policy that fails one
 * order while the batch goes on, the pool, parameters, bad scripts with
 * file and line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

#define DATA(f) BOXCAR_TEST_DATA "/" f
#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define POLICY(f) BOXCAR_SCRIPTS "/policy/" f

static char out_text[1 << 20];
static char err_text[1 << 16];

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

/* Run `boxcar ARGS`, capturing stdout and stderr; its exit code. */
static int run(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s >pol.out 2>pol.err </dev/null", BOXCAR_BIN, args);
    int rc = system(cmd);
    slurp("pol.out", out_text, sizeof out_text);
    slurp("pol.err", err_text, sizeof err_text);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_check_policy(void **state)
{
    (void)state;
    assert_int_equal(run("check --policy " POLICY("gb45186.lua")), 0);
    assert_non_null(strstr(out_text, "gb45186.lua: ok: policy 'gb45186', 0 warnings; hooks: "
                                     "score, check"));
    assert_non_null(strstr(out_text, "policy gb45186 assumes"));
    assert_non_null(strstr(out_text, "void_max = 0.40"));
    /* an overridden default is no longer listed */
    assert_int_equal(run("check --policy " POLICY("gb45186.lua") " --param void_max=0.3"), 0);
    assert_null(strstr(out_text, "void_max = 0.40"));
    assert_int_equal(run("check --policy " POLICY("reuse-first.lua") " --catalog "
                         DATA("catalog_reuse.csv")), 0);
    write_file("pol_syntax.lua", "local P = {}\nfunction P.check(o, p, r)\n  if then end\nend\n"
                                 "return P\n");
    assert_int_equal(run("check --policy pol_syntax.lua"), 3);
    assert_non_null(strstr(err_text, "error: pol_syntax.lua:3: unexpected symbol near 'then'"));
    write_file("pol_type.lua", "return {eligible = function(o, b) return 'yes' end}\n");
    assert_int_equal(run("check --policy pol_type.lua"), 3);
    assert_non_null(strstr(err_text, "pol_type.lua:1: hook 'eligible' returned a string; it "
                                     "must return a boolean"));
    assert_non_null(strstr(out_text, "pol_type.lua: policy has errors"));
    write_file("pol_stray.lua", "return {elegible = function(o, b) return true end}\n");
    assert_int_equal(run("check --policy pol_stray.lua"), 0);
    assert_non_null(strstr(err_text, "warning: pol_stray.lua: function 'elegible' in the "
                                     "module is not a hook"));
    assert_int_equal(run("check --policy /nonexistent.lua"), 1);
    assert_int_equal(run("check --catalog x.csv"), 2);
}

static void test_pack_policy_outputs(void **state)
{
    (void)state;
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy "
                         POLICY("gb45186.lua") " --format csv -o pol_boxes.csv --check"), 0);
    assert_non_null(strstr(err_text, "policy gb45186 assumes"));
    assert_non_null(strstr(err_text, "boxcar pack: policy gb45186: "));
    assert_non_null(strstr(err_text, "all results check out"));
    slurp("pol_boxes.csv", out_text, sizeof out_text);
    assert_non_null(strstr(out_text, "reason,violations,container_id\n"));
    /* D0001: a 3# carton at 51.7 % void (README's example) */
    assert_non_null(strstr(out_text, "D0001,1,3#,1,10786500,22315968,48.3,51.7,1733,1,,"
                                     "\"GB45186.VOID: void ratio 51.7 % > 40.0 % (assumed) by "
                                     "11.7 points; k = 1.00 (assumed)\",\n"));
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy "
                         POLICY("gb45186.lua") " --format json"), 0);
    assert_non_null(strstr(out_text, "{\"order_id\":\"D0001\","));
    assert_non_null(strstr(out_text, "\"violations\":[{\"code\":\"GB45186.VOID\",\"message\":"
                                     "\"void ratio 51.7 % > 40.0 % (assumed) by 11.7 points; "
                                     "k = 1.00 (assumed)\",\"value\":0.51664655"));
    assert_non_null(strstr(out_text, "\"limit\":0.4}],\"container_id\":null,\"outer_l_mm\":"));
    assert_non_null(strstr(out_text, "\"policy\":\"gb45186\",\"violations\":[]}\n"));
    /* without a policy the JSON is as before */
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --format json"), 0);
    assert_null(strstr(out_text, "violations"));
}

static void test_policy_fails_one_order(void **state)
{
    (void)state;
    write_file("pol_fail.lua", "local P = {}\n"
                               "function P.check(o, p, report)\n"
                               "  if o.id == 'D0002' then error('cannot judge this one') end\n"
                               "end\n"
                               "return P\n");
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy pol_fail.lua "
                         "--format csv -o pol_fail.csv"), 3);
    assert_non_null(strstr(err_text, "error: order D0002: pol_fail.lua:3: cannot judge this "
                                     "one (in hook 'check')"));
    assert_non_null(strstr(err_text, "400 orders, "));
    assert_non_null(strstr(err_text, "1 bad orders"));
    assert_non_null(strstr(err_text, "1 orders failed by the policy"));
    slurp("pol_fail.csv", out_text, sizeof out_text);
    assert_non_null(strstr(out_text, "\nD0002,,,,,,,,,,\"bad input: order D0002: pol_fail.lua:3: "
                                     "cannot judge this one (in hook 'check')\",,\n"));
    assert_non_null(strstr(out_text, "\nD0003,1,"));
    /* a policy that does not load writes nothing */
    remove("pol_none.csv");
    write_file("pol_bad.lua", "return 5\n");
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy pol_bad.lua "
                         "-o pol_none.csv"), 3);
    assert_non_null(strstr(err_text, "pol_bad.lua: the script must return a table"));
    FILE *fp = fopen("pol_none.csv", "rb");
    assert_null(fp);
}

/* A policy that counts its calls in globals counts 1 for each of the 400
 * orders: every order sees the globals as the script left them. */
static void test_globals_do_not_carry_over(void **state)
{
    (void)state;
    write_file("pol_count.lua", "calls = 0\n"
                                "local P = {}\n"
                                "function P.check(o, p, report)\n"
                                "  calls = calls + 1\n"
                                "  report(1, 'CALLS', 'call ' .. calls)\n"
                                "end\n"
                                "return P\n");
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy pol_count.lua "
                         "--format json -o pol_count.json"), 0);
    slurp("pol_count.json", out_text, sizeof out_text);
    static const char one[] = "\"code\":\"CALLS\",\"message\":\"call 1\"";
    size_t calls = 0, ones = 0;
    for (const char *p = out_text; (p = strstr(p, "\"code\":\"CALLS\"")) != NULL; p++) {
        calls++;
        ones += strncmp(p, one, sizeof one - 1) == 0;
    }
    assert_int_equal(calls, 400);
    assert_int_equal(ones, 400);
}

static void test_pool_and_params(void **state)
{
    (void)state;
    write_file("pol_orders.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                                 "R1,shoe,1,300,200,120,900\n"
                                 "R2,shoe,1,300,200,120,900\n"
                                 "R3,shoe,1,300,200,120,900\n"
                                 "R4,shoe,1,300,200,120,900\n");
    /* the pool has two RB-M and one RB-L. A shoe counts 0.25 * 11.264 l =
     * 2.816 l in RB-M, 0.25 * 34.944 l = 8.736 l in RB-L, 9 l in C-M: R1
     * and R2 take the RB-Ms, R3 the RB-L, R4 a carton */
    assert_int_equal(run("pack --orders pol_orders.csv --catalog " DATA("catalog_reuse.csv")
                         " --policy " POLICY("reuse-first.lua") " --available " DATA("pool.csv")
                         " --returns-accepted --format csv"), 0);
    assert_non_null(strstr(out_text, "\nR1,1,RB-M,1,7200000,11264000,63.9,36.1,1800,1,,,RB-M\n"));
    assert_non_null(strstr(out_text, "\nR2,1,RB-M,"));
    assert_non_null(strstr(out_text, "\nR3,1,RB-L,1,7200000,34944000,20.6,79.4,2400,1,,,RB-L\n"));
    assert_non_null(strstr(out_text, "\nR4,1,C-M,1,7200000,9000000,80.0,20.0,1050,1,,,\n"));
    /* a factor of 0.9 no longer makes RB-M (0.9 * 11.264 l) beat C-M (9 l) */
    assert_int_equal(run("pack --orders pol_orders.csv --catalog " DATA("catalog_reuse.csv")
                         " --policy " POLICY("reuse-first.lua") " --available " DATA("pool.csv")
                         " --returns-accepted --param reuse_factor=0.9 --format csv"), 0);
    assert_null(strstr(out_text, "RB-M"));
    assert_int_equal(run("pack --orders pol_orders.csv --policy " POLICY("gb45186.lua")
                         " --param nope=1"), 2);
    assert_non_null(strstr(err_text, "no parameter 'nope'"));
    assert_int_equal(run("pack --orders pol_orders.csv --policy " POLICY("gb45186.lua")
                         " --param void_max"), 2);
    assert_int_equal(run("pack --orders pol_orders.csv --available " DATA("pool.csv")), 2);
    /* a missing file is named by the option that gave it */
    assert_int_equal(run("pack --orders pol_orders.csv --catalog " DATA("catalog_reuse.csv")
                         " --policy " POLICY("reuse-first.lua") " --available nofile.csv"), 1);
    assert_non_null(strstr(err_text, "--available nofile.csv: No such file"));
    write_file("pol_pool_bad.csv", "box_id,available\nRB-X,2\n");
    assert_int_equal(run("pack --orders pol_orders.csv --catalog " DATA("catalog_reuse.csv")
                         " --policy " POLICY("reuse-first.lua") " --available pol_pool_bad.csv"), 3);
    assert_non_null(strstr(err_text, "pol_pool_bad.csv:2: box 'RB-X' is not in the catalog"));
    write_file("pol_pool_twice.csv", "box_id,available\nRB-M,2\nRB-L,1\nRB-M,0\n");
    assert_int_equal(run("pack --orders pol_orders.csv --catalog " DATA("catalog_reuse.csv")
                         " --policy " POLICY("reuse-first.lua") " --available pol_pool_twice.csv"),
                     3);
    assert_non_null(strstr(err_text, "pol_pool_twice.csv:4: box 'RB-M' is in the pool twice"));
}

static void test_budget_options(void **state)
{
    (void)state;
    write_file("pol_slow.lua", "local P = {}\n"
                               "function P.score(o, p)\n"
                               "  local x = 0\n"
                               "  for i = 1, 100000 do x = x + i end\n"
                               "  return x\n"
                               "end\n"
                               "return P\n");
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy pol_slow.lua "
                         "--script-budget 1000 -o pol_slow.csv"), 3);
    assert_non_null(strstr(err_text, "pol_slow.lua:4: instruction budget of 1000 exceeded "
                                     "(in hook 'score')"));
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy pol_slow.lua "
                         "--script-budget 0"), 2);
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy pol_slow.lua "
                         "--script-memory 1 -o pol_slow.csv"), 0);
}

/* `boxcar report` over what `boxcar pack` wrote: the workbook appears
 * whole; a failing script leaves nothing. */
static void test_report_command(void **state)
{
    (void)state;
    if (!BOXCAR_WITH_XLSX_TEST)
        skip();
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --policy "
                         POLICY("gb45186.lua") " -o pol_day.csv"), 0);
    remove("pol_day.xlsx");
    assert_int_equal(run("report --script " BOXCAR_SCRIPTS "/report/station.lua --packing "
                         "pol_day.csv -o pol_day.xlsx --policy " POLICY("gb45186.lua")
                         " --created 1767225600"), 0);
    assert_non_null(strstr(err_text, "boxcar report: station: pol_day.xlsx written"));
    FILE *fp = fopen("pol_day.xlsx", "rb");
    assert_non_null(fp);
    unsigned char magic[4] = {0};
    assert_int_equal(fread(magic, 1, 4, fp), 4);
    fclose(fp);
    assert_memory_equal(magic, "PK\x03\x04", 4);
    assert_int_equal(run("report --script " BOXCAR_SCRIPTS "/report/station.lua --packing "
                         "pol_day.csv -o pol_day_csv --format csv --policy "
                         POLICY("gb45186.lua")), 0);
    slurp("pol_day_csv/Summary.csv", out_text, sizeof out_text);
    assert_non_null(strstr(out_text, "Note: policy gb45186 assumes void_max = 0.40"));
    assert_non_null(strstr(out_text, "\nGB 45186 compliance rate\nBoxes,Count,Share\ncompliant,"));
    /* a script that fails: exit 3, the old workbook kept, no temporary */
    write_file("pol_rep_bad.lua", "return {build = function(d, b)\n  b:sheet('a:b')\nend}\n");
    assert_int_equal(run("report --script pol_rep_bad.lua --packing pol_day.csv "
                         "-o pol_day.xlsx"), 3);
    assert_non_null(strstr(err_text, "error: pol_rep_bad.lua:2: sheet name 'a:b' contains one "
                                     "of [ ] : * ? / \\"));
    assert_int_equal(system("ls pol_day.xlsx.tmp.* >/dev/null 2>&1"), 512);
    fp = fopen("pol_day.xlsx", "rb");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(run("report --script pol_rep_bad.lua --packing nope.csv -o x.xlsx"), 1);
    assert_int_equal(run("report --script pol_rep_bad.lua -o x.xlsx"), 2);
    assert_int_equal(run("report --script " BOXCAR_SCRIPTS "/report/station.lua --packing "
                         "pol_day.csv -o x.xlsx --param nope=1"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_policy),
        cmocka_unit_test(test_pack_policy_outputs),
        cmocka_unit_test(test_policy_fails_one_order),
        cmocka_unit_test(test_globals_do_not_carry_over),
        cmocka_unit_test(test_pool_and_params),
        cmocka_unit_test(test_budget_options),
        cmocka_unit_test(test_report_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
