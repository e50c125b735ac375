/*
 * test_cli_operators.c: `boxcar containers` on a pool with operators, end
 * to end: an old journal needs no token; a new operator's token goes to a
 * file of mode 0600 and never into the journal; once there are operators
 * every command needs a token; operator A can neither read nor change B's
 * containers and stations (they answer as missing ones), whole-pool
 * commands need the platform role, and every refusal leaves the journal
 * as it was.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define J " -j pool.bxj "
#define AS_P " --token-file p.tok "
#define AS_A " --token-file a.tok "
#define AS_B " --token-file b.tok "

static char out_text[1 << 16];
static char err_text[1 << 16];
static char here[4096];

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
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s >cli.out 2>cli.err </dev/null", BOXCAR_BIN, args);
    int rc = system(cmd);
    slurp("cli.out", out_text, sizeof out_text);
    slurp("cli.err", err_text, sizeof err_text);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void must(const char *args)
{
    int rc = run(args);
    if (rc != 0)
        fail_msg("boxcar %s: exit %d: %s", args, rc, err_text);
}

/* Refused with exit code `want`, the journal not changed by a byte. */
static void refused(const char *args, int want)
{
    long before = file_size("pool.bxj");
    int rc = run(args);
    if (rc != want)
        fail_msg("boxcar %s: exit %d, wanted %d: %s", args, rc, want, err_text);
    assert_int_equal(file_size("pool.bxj"), before);
}

static int setup(void **state)
{
    (void)state;
    return test_scratch_enter(here, sizeof here, "cli-operators");
}

static int teardown(void **state)
{
    (void)state;
    return test_scratch_leave(here);
}

/* A pool of before operators: P0 and X0; then platform P, operators A
 * and B with stations SA and SB and containers A1 (A's) and B1 (B's). */
static void platform(void)
{
    must("containers station P0 --at 2024-05-01" J);
    must("containers register X0 --type crate-pp --station P0 --at 2024-05-01" J);
    /* a token means nothing before there are operators */
    int fd = creat("x.tok", 0600);
    assert_true(fd >= 0 && write(fd, "abc\n", 4) == 4);
    close(fd);
    refused("containers status X0" J "--token-file x.tok", 2);
    must("containers operator P --role platform --token-out p.tok --at 2024-05-01" J);
    must("containers operator A --role operator --token-out a.tok --at 2024-05-01" J AS_P);
    must("containers operator B --role operator --token-out b.tok --at 2024-05-01" J AS_P);
    must("containers station SA --at 2024-05-02" J AS_A);
    must("containers station SB --at 2024-05-02" J AS_B);
    must("containers register A1 --type crate-pp --station SA --at 2024-05-02" J AS_A);
    must("containers register B1 --type crate-pp --station SB --at 2024-05-02" J AS_B);
}

static void test_tokens(void **state)
{
    (void)state;
    platform();
    /* the token file: one line of 64 hex digits, for its owner only */
    struct stat st;
    assert_int_equal(stat("a.tok", &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char tok[200];
    slurp("a.tok", tok, sizeof tok);
    assert_int_equal(strlen(tok), 65);
    assert_int_equal(strspn(tok, "0123456789abcdef"), 64);
    tok[64] = '\0';
    /* the journal holds no token */
    static char journal[1 << 16];
    FILE *fp = fopen("pool.bxj", "rb");
    assert_non_null(fp);
    size_t n = fread(journal, 1, sizeof journal - 1, fp);
    fclose(fp);
    for (size_t i = 0; i < n; i++)
        if (journal[i] == '\0')
            journal[i] = ' ';
    journal[n] = '\0';
    assert_null(strstr(journal, tok));
    /* who records each event is in the journal: the key "by" (CBOR 0x62
     * 'b' 'y') with the value "A" (0x61 'A') */
    assert_non_null(strstr(journal, "bbyaA"));
    /* no token, a wrong one, a missing file */
    refused("containers station SC --at 2024-05-03" J, 2);
    assert_non_null(strstr(err_text, "--token-file"));
    refused("containers station SC --at 2024-05-03" J "--token-file x.tok", 3);
    tok[63] = tok[63] == '0' ? '1' : '0';
    fp = fopen("w.tok", "w");
    fprintf(fp, "%s\n", tok);
    fclose(fp);
    refused("containers station SC --at 2024-05-03" J "--token-file w.tok", 3);
    assert_non_null(strstr(err_text, "not an operator's"));
    refused("containers station SC --at 2024-05-03" J "--token-file nothere.tok", 1);
    /* a refused operator leaves no token file */
    refused("containers operator A --role operator --token-out c.tok --at 2024-05-03" J AS_P,
            3);
    assert_int_equal(file_size("c.tok"), -1);
}

/* Put `to` over the first `from` in s (of the same length). */
static void swap_id_text(char *s, const char *from, const char *to)
{
    char *p = strstr(s, from);
    assert_non_null(p);
    memcpy(p, to, strlen(to));
}

/* The error for `head THEIRS tail` equals the one for `head MISSING tail`
 * (never in the pool), ids swapped. */
static void same_as_missing(const char *head, const char *theirs, const char *missing,
                            const char *tail)
{
    char args[512], a[2048], b[2048];
    snprintf(args, sizeof args, "%s%s%s", head, theirs, tail);
    refused(args, 3);
    snprintf(a, sizeof a, "%.2000s", err_text);
    snprintf(args, sizeof args, "%s%s%s", head, missing, tail);
    refused(args, 3);
    snprintf(b, sizeof b, "%.2000s", err_text);
    char *p;
    while ((p = strstr(b, missing)) != NULL)
        memcpy(p, theirs, strlen(theirs));
    assert_string_equal(a, b);
}

static void test_operator_sees_only_its_own(void **state)
{
    (void)state;
    platform();
    same_as_missing("containers status ", "B1", "Q9", J AS_A);
    same_as_missing("containers status ", "X0", "Q9", J AS_A);
    same_as_missing("containers issue ", "B1", "Q9",
                    " --station SB --order O1 --at 2024-05-03" J AS_A);
    same_as_missing("containers wash ", "B1", "Q9", " --at 2024-05-03" J AS_A);
    same_as_missing("containers lost ", "B1", "Q9", " --at 2024-05-03" J AS_A);
    same_as_missing("containers transfer ", "B1", "Q9", " --to A --at 2024-05-03" J AS_A);
    same_as_missing("containers register A2 --type crate-pp --station ", "SB", "SZ",
                    " --at 2024-05-03" J AS_A);
    must("containers list --format csv" J AS_A);
    assert_non_null(strstr(out_text, "\"A1\""));
    assert_null(strstr(out_text, "\"B1\""));
    assert_null(strstr(out_text, "\"X0\""));
    must("containers list" J AS_A);
    assert_non_null(strstr(err_text, "1 of 1 containers"));
    /* whole-pool commands and adding operators need the platform role */
    /* stats shows an operator its own: its station, its crate */
    must("containers stats" J AS_A);
    assert_non_null(strstr(out_text, "operator A at "));
    assert_non_null(strstr(out_text, "  SA             crate-pp 1"));
    assert_null(strstr(out_text, "SB"));
    refused("containers verify" J AS_A, 3);
    refused("containers compact" J AS_A, 3);
    refused("containers snapshot" J AS_A, 3);
    refused("containers operator C --role operator --token-out c.tok" J AS_A, 3);
    assert_int_equal(file_size("c.tok"), -1);
    refused("containers station SC --for B --at 2024-05-03" J AS_A, 3);
    /* the platform sees everything */
    must("containers list --format csv" J AS_P);
    assert_non_null(strstr(out_text, "\"B1\""));
    assert_non_null(strstr(out_text, "\"X0\""));
    must("containers stats" J AS_P);
    must("containers verify" J AS_P);
    assert_non_null(strstr(out_text, ": ok"));
}

static void test_transfer(void **state)
{
    (void)state;
    platform();
    must("containers transfer A1 --to B --at 2024-05-03" J AS_A);
    assert_non_null(strstr(out_text, "transfer A1 to B by A"));
    refused("containers status A1" J AS_A, 3);
    must("containers status A1" J AS_B);
    assert_non_null(strstr(out_text, "operator    B"));
    /* B issues it where it stands, and takes it back at its own station */
    must("containers issue A1 --station SA --order O7 --at 2024-05-04" J AS_B);
    must("containers return A1 --station SB --at 2024-05-05" J AS_B);
    refused("containers transfer A1 --to Z --at 2024-05-06" J AS_B, 3);
    assert_non_null(strstr(err_text, "operator 'Z' is not known"));
    /* the platform gives the old container to A, at A's station */
    must("containers transfer X0 --to A --at 2024-05-06" J AS_P);
    must("containers status X0" J AS_A);
}

/* boxcar pack --pool: who packs is the token's holder, at its stations,
 * into its containers; another's station answers as a missing one. */
static void test_pack_into_pool(void **state)
{
    (void)state;
    platform();
    FILE *fp = fopen("o.csv", "w");
    assert_non_null(fp);
    /* ten 150 x 100 x 60 mm bricks of 800 g fit one crate-pp (inside 430 x
     * 210 x 260 mm, 16.5 kg): 7 x 2 on their 60 x 100 mm face */
    fprintf(fp, "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\nO1,BRICK,10,150,100,60,800\n");
    fclose(fp);
    refused("pack --orders o.csv --pool pool.bxj --station SA --no-progress", 2);
    assert_non_null(strstr(err_text, "--token-file"));
    refused("pack --orders o.csv --pool pool.bxj --station SA --no-progress" AS_B, 3);
    char theirs[1024];
    snprintf(theirs, sizeof theirs, "%.1000s", err_text);
    refused("pack --orders o.csv --pool pool.bxj --station SZ --no-progress" AS_B, 3);
    char *p = strstr(err_text, "'SZ'");
    assert_non_null(p);
    memcpy(p, "'SA'", 4);
    assert_string_equal(theirs, err_text);
    must("pack --orders o.csv --pool pool.bxj --station SA --issued iss.csv --no-progress"
         AS_A);
    char issued[512];
    slurp("iss.csv", issued, sizeof issued);
    assert_non_null(strstr(issued, "\"O1\",1,\"crate-pp\",\"A1\",\"SA\""));
    must("containers status A1" J AS_A);
    assert_non_null(strstr(out_text, "state       issued"));
}

/* Three weeks at A's station SA from 2024-05-02 (the day it joined): on
 * day d (from 0) the
 * crates issued are pattern[d % 7], and they come back the next day. The
 * forecast from 2024-05-23 (day 21, weekday of day 0): issues are the
 * pattern again (each weekday's mean of three equal days), so day h has
 * pattern[h % 7]; the counts vary less than a Poisson count, so the 80 %
 * intervals are Poisson ones: [1, 5] for 3, [0, 4] for 2, [0, 2] for 1.
 * Returns on day 21's weekday are 0, 1, 1 (days 0, 7, 14): mean 0.667;
 * on day 22's, 3. */
static void test_forecast(void **state)
{
    (void)state;
    platform();
    static const int pattern[7] = {3, 2, 1, 2, 3, 0, 1};
    must("containers register R1 R2 R3 --type crate-pp --station SA --at 2024-05-02" J AS_A);
    for (int d = 0; d < 21; d++) {
        char day[16], args[256];
        snprintf(day, sizeof day, "2024-05-%02d", d + 2);
        if (d > 0 && pattern[(d - 1) % 7] > 0) {
            snprintf(args, sizeof args, "containers return %s --station SA --at %sT01:00:00Z"
                     J AS_A, pattern[(d - 1) % 7] == 3 ? "R1 R2 R3"
                                : pattern[(d - 1) % 7] == 2 ? "R1 R2" : "R1", day);
            must(args);
            snprintf(args, sizeof args, "containers wash %s --at %sT02:00:00Z" J AS_A,
                     pattern[(d - 1) % 7] == 3 ? "R1 R2 R3"
                     : pattern[(d - 1) % 7] == 2 ? "R1 R2" : "R1", day);
            must(args);
        }
        if (pattern[d % 7] > 0) {
            snprintf(args, sizeof args, "containers issue %s --station SA --order O%d "
                     "--at %sT10:00:00Z" J AS_A,
                     pattern[d % 7] == 3 ? "R1 R2 R3" : pattern[d % 7] == 2 ? "R1 R2" : "R1",
                     d, day);
            must(args);
        }
    }
    must("containers forecast --station SA --days 8 --now 2024-05-23T12:00:00Z" J AS_A);
    assert_non_null(strstr(out_text, "station SA, type crate-pp: 21 days of history"));
    assert_non_null(strstr(out_text, "2024-05-23 Thu       3.0 [1, 5]           0.7 [0, 2]"));
    assert_non_null(strstr(out_text, "2024-05-24 Fri       2.0 [0, 4]           3.0 [1, 5]"));
    assert_non_null(strstr(out_text, "2024-05-28 Tue       0.0 [0, 0]           3.0 [1, 5]"));
    assert_non_null(strstr(out_text, "2024-05-30 Thu       3.0 [1, 5]"));
    assert_non_null(strstr(out_text, "backtest issues   no MASE"));
    /* B may not see SA: as unknown as a station that does not exist */
    refused("containers forecast --station SA --now 2024-05-23" J AS_B, 3);
    char theirs[1024];
    snprintf(theirs, sizeof theirs, "%.1000s", err_text);
    refused("containers forecast --station SZ --now 2024-05-23" J AS_B, 3);
    swap_id_text(err_text, "'SZ'", "'SA'");
    assert_string_equal(theirs, err_text);
    /* nine days: too little, and says how much more */
    refused("containers forecast --station SA --now 2024-05-11" J AS_A, 3);
    assert_non_null(strstr(err_text, "9 days of history; a forecast needs at least 14"));
    assert_non_null(strstr(err_text, "5 more"));
    refused("containers forecast --station SB --now 2024-05-23" J AS_B, 3);
    assert_non_null(strstr(err_text, "nothing to forecast from"));
    refused("containers forecast" J AS_A, 2);
}

/* Rebalancing. A adds station SA2 and registers Q01..Q28 at SA (with A1:
 * 29) and S1..S8 at SA2; B registers B2..B9 at SB (with B1: 9). On each
 * of 2024-05-02..15 (14 days) A issues two Q crates at SA, none come
 * back. Planned from 2024-05-16 over 3 days with safety 1: SA has 1
 * ready (A1) and draws down 2 a day (every weekday's mean), need 6, so it
 * is 6 short; SA2 has 8, needs nothing, gives up to 7. Links: SA-SA2
 * 30 km at 4.5, SA-SB 10 km at 1.0, SA2-SB 10 km at 1.0: SA2 to SA goes
 * over SB (2.0 < 4.5), 20 km. A's plan: SA2 -> SA 6, cost 12.00, 120
 * container-km; on van-diesel-cn of cn-2023 (907.39 g CO2e/tkm WTW) the
 * 6 crates of 1.5 kg over 20 km are 0.009 t x 20 km x 907.39 = 163.3 g.
 * B's crates at SB are not A's to move. The platform sees P0 too, which
 * no link names: refused; with a link for it, SB (9 ready, gives 8) is
 * the cheaper giver: SB -> SA 6, cost 6.00. B alone: nothing to move. */
static void test_plan(void **state)
{
    (void)state;
    platform();
    must("containers station SA2 --at 2024-05-02" J AS_A);
    char args[2048] = "containers register";
    for (int i = 1; i <= 28; i++) {
        char id[8];
        snprintf(id, sizeof id, " Q%02d", i);
        strcat(args, id);
    }
    strcat(args, " --type crate-pp --station SA --at 2024-05-02" J AS_A);
    must(args);
    must("containers register S1 S2 S3 S4 S5 S6 S7 S8 --type crate-pp --station SA2 "
         "--at 2024-05-02" J AS_A);
    must("containers register B2 B3 B4 B5 B6 B7 B8 B9 --type crate-pp --station SB "
         "--at 2024-05-02" J AS_B);
    for (int d = 0; d < 14; d++) {
        snprintf(args, sizeof args, "containers issue Q%02d Q%02d --station SA --order O%d "
                 "--at 2024-05-%02dT10:00:00Z" J AS_A, 2 * d + 1, 2 * d + 2, d, d + 2);
        must(args);
    }
    FILE *fp = fopen("links.csv", "w");
    assert_non_null(fp);
    fputs("from,to,distance_km,cost_per_container\nSA,SA2,30,4.5\nSA,SB,10,1.0\n"
          "SA2,SB,10,1.0\n", fp);
    fclose(fp);
#define PLAN "containers plan --links links.csv --type crate-pp --days 3 --safety 1 " \
             "--now 2024-05-16T08:00:00Z"
    must(PLAN " --toc van-diesel-cn" J AS_A);
    assert_non_null(strstr(out_text, "plan for type crate-pp: 3 days from 2024-05-16, safety "
                                     "stock 1, operator A, 2 stations"));
    assert_non_null(strstr(out_text, "  SA                   1      6       1        6       0"
                                     "      7      0"));
    assert_non_null(strstr(out_text, "  SA2            SA                      6      20.0     2"
                                     "      12.00      0.163"));
    assert_non_null(strstr(out_text, "total: 6 containers moved, 120.0 container-km, cost 12.00"
                                     ", 0.163 kg CO2e WTW (van-diesel-cn, cn-2023)"));
    assert_null(strstr(out_text, "SB"));
    must(PLAN " --format csv" J AS_A);
    assert_string_equal(out_text, "type,from,to,containers,distance_km,links,cost\n"
                                  "crate-pp,SA2,SA,6,20.000,2,12.00\n");
    /* the platform: P0 has no distances; nothing is written either way */
    refused(PLAN J AS_P, 3);
    assert_non_null(strstr(err_text, "station 'P0' has no distances"));
    fp = fopen("links.csv", "a");
    fputs("P0,SA,50,9\n", fp);
    fclose(fp);
    must(PLAN " --format csv" J AS_P);
    assert_string_equal(out_text, "type,from,to,containers,distance_km,links,cost\n"
                                  "crate-pp,SB,SA,6,10.000,1,6.00\n");
    must(PLAN J AS_B);
    assert_non_null(strstr(out_text, "no moves: every station is covered"));
    /* not enough: safety 5 at SA and SA2 wants 5 + 6 + 5 = 16 of A's 9 */
    must("containers plan --links links.csv --type crate-pp --days 3 --safety 5 "
         "--now 2024-05-16T08:00:00Z" J AS_A);
    assert_non_null(strstr(out_text, "not enough containers: 7 short in total, the least any "
                                     "plan leaves (SA 7)"));
    /* too little history, a bad links file, a TOC the set lacks, usage */
    refused("containers plan --links links.csv --type crate-pp --now 2024-05-10" J AS_A, 3);
    assert_non_null(strstr(err_text, "station 'SA', type crate-pp: 8 days of history"));
    assert_non_null(strstr(err_text, "6 more"));
    fp = fopen("bad.csv", "w");
    fputs("from,to,distance_km,cost_per_container\nSA,SA2,30,4.5\nSA,SB,-1,1.0\n", fp);
    fclose(fp);
    refused("containers plan --links bad.csv --type crate-pp --now 2024-05-16" J AS_A, 3);
    assert_non_null(strstr(err_text, "bad.csv:3"));
    assert_non_null(strstr(err_text, "distance_km"));
    refused(PLAN " --toc no-such-toc" J AS_A, 3);
    assert_non_null(strstr(err_text, "no-such-toc"));
    refused("containers plan --type crate-pp" J AS_A, 2);
    /* a token that is no operator's: refused, as for every command */
    refused(PLAN J "--token-file x.tok", 3);
    refused(PLAN J, 2);
    refused(PLAN " --factors cn-2023" J AS_A, 2);
#undef PLAN
}

/* Statements. Window 10 days, deposit 30.00, fee 1.50, as of 2024-06-15.
 * A: A1 out at SA on May 3, back May 5 (returned); out again May 10, not
 * back by May 20 (lost). B: B1 out at SB May 4, back May 30: 26 days,
 * lost and late. May for A: 2 trips, 1 returned, 1 lost: fees 3.00,
 * deposits 60.00, refunded 30.00, forfeited 30.00; for B: 1 trip, lost,
 * late: fees 1.50, deposits 30.00, forfeited 30.00. */
static void test_statement(void **state)
{
    (void)state;
    platform();
    must("containers issue A1 --station SA --order O1 --at 2024-05-03" J AS_A);
    must("containers return A1 --station SA --at 2024-05-05" J AS_A);
    must("containers wash A1 --at 2024-05-05T01:00:00Z" J AS_A);
    must("containers issue A1 --station SA --order O2 --at 2024-05-10" J AS_A);
    must("containers issue B1 --station SB --order O3 --at 2024-05-04" J AS_B);
    must("containers return B1 --station SB --at 2024-05-30" J AS_B);
#define ST "containers statement --month 2024-05 --loss-days 10 --deposit 30 --fee 1.5 " \
           "--now 2024-06-15"
    static const char head[] = "operator,station,month,trips,returned,lost,late,open,"
                               "loss_rate,fees,deposits,refunded,forfeited,held\n";
    static const char row_a[] = "A,SA,2024-05,2,1,1,0,0,0.500000,3.00,60.00,30.00,30.00,"
                                "0.00\n";
    static const char row_b[] = "B,SB,2024-05,1,0,1,1,0,1.000000,1.50,30.00,0.00,30.00,"
                                "0.00\n";
    char want[1024];
    must(ST " --format csv" J AS_A);
    snprintf(want, sizeof want, "%s%s", head, row_a);
    assert_string_equal(out_text, want);
    must(ST " --format csv" J AS_P);
    snprintf(want, sizeof want, "%s%s%s", head, row_a, row_b);
    assert_string_equal(out_text, want);
    must(ST J AS_B);
    assert_non_null(strstr(out_text, "statement 2024-05, operator B"));
    assert_null(strstr(out_text, " SA "));
    /* June has none of these trips */
    must("containers statement --month 2024-06 --format csv --now 2024-06-15" J AS_P);
    assert_string_equal(out_text, head);
    /* the workbook, in Chinese: A's statement only */
    must(ST " -o a.xlsx --lang zh-CN" J AS_A);
    assert_int_equal(system("unzip -p a.xlsx > a.strings 2>/dev/null"),
                     0);
    static char strings[1 << 18];
    FILE *fp = fopen("a.strings", "rb");
    assert_non_null(fp);
    size_t n = fread(strings, 1, sizeof strings - 1, fp);
    strings[n] = '\0';
    fclose(fp);
    assert_non_null(strstr(strings, "运营方 A"));
    assert_non_null(strstr(strings, "对账单"));
    assert_null(strstr(strings, "运营方 B"));
    /* bad arguments: usage, nothing written */
    refused("containers statement" J AS_A, 2);
    refused("containers statement --month 2024-13" J AS_A, 2);
    refused("containers statement --month 2024-05 --deposit 3,5" J AS_A, 2);
    refused("containers statement --month 2024-05 --lang zh-CN" J AS_A, 2);
    refused("containers issue A1 --station SA -o O9" J AS_A, 2);
    refused(ST J "--token-file x.tok", 3);
#undef ST
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_sees_only_its_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pack_into_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forecast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
