/*
 * test_cli_containers.c: `boxcar containers` and `boxcar pack --pool` end to
 * end: the lifecycle on the command line, refusals that leave the journal
 * as it was, queries, verify and repair, compaction, and packing into the
 * containers ready at a station.
 *
 * Runs in a directory of its own, so it can share the build directory with
 * the other command tests running at the same time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define J " -j pool.bxj "

static char out_text[1 << 17];
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

static int setup(void **state)
{
    (void)state;
    if (test_scratch_enter(here, sizeof here, "cli-containers") != 0)
        return -1;
    return system("rm -f pool.bxj*") == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return test_scratch_leave(here);
}

static void must(const char *args)
{
    int rc = run(args);
    if (rc != 0)
        fail_msg("boxcar %s: exit %d: %s", args, rc, err_text);
}

static void test_usage(void **state)
{
    (void)state;
    assert_int_equal(run("containers --help"), 0);
    assert_non_null(strstr(out_text, "register"));
    assert_int_equal(run("containers"), 2);
    assert_int_equal(run("containers frobnicate" J), 2);
    assert_int_equal(run("containers list"), 2); /* no journal */
    assert_non_null(strstr(err_text, "-j FILE"));
    assert_int_equal(run("containers lost" J), 2); /* no id */
    assert_int_equal(run("containers lost C1 --station A" J), 2);
    assert_non_null(strstr(err_text, "lost does not take --station"));
    assert_int_equal(run("containers register C1 --type crate-pp" J), 2);
    assert_int_equal(run("containers issue C1 --station A" J), 2);
    assert_int_equal(run("containers wash C1 --at yesterday" J), 2);
    assert_int_equal(run("containers list --state lent" J), 2);
    /* a query of a journal that is not there: a missing file */
    assert_int_equal(run("containers list" J), 1);
    assert_false(file_size("pool.bxj") >= 0);
}

static void test_lifecycle(void **state)
{
    (void)state;
    must("containers station SH-01 SH-02 --at 2024-05-01T08:00:00Z" J);
    assert_non_null(strstr(out_text, "record 1: station SH-01 SH-02"));
    must("containers register PP-1 PP-2 PP-3 --type crate-pp --station SH-01 "
         "--at 2024-05-01T08:00:00Z" J);
    must("containers issue PP-1 --station SH-01 --order A17 --at 2024-05-01T10:00:00Z" J);
    must("containers deliver PP-1 --order A17 --at 2024-05-02T10:00:00Z" J);
    must("containers return PP-1 --station SH-02 --at 2024-05-03T10:00:00Z" J);
    must("containers inspect PP-1 --damaged --at 2024-05-03T11:00:00Z" J);
    must("containers repair PP-1 --station SH-02 --at 2024-05-03T12:00:00Z" J);
    must("containers wash PP-1 --at 2024-05-03T13:00:00Z" J);
    must("containers issue PP-2 --station SH-01 --order A18 --at 2024-05-01T09:00:00Z" J);
    must("containers lost PP-2 --at 2024-05-20T00:00:00Z" J);
    must("containers retire PP-3 --at 2024-05-21T00:00:00Z" J);
    must("containers status PP-1" J);
    assert_non_null(strstr(out_text, "state       available"));
    assert_non_null(strstr(out_text, "station     SH-02"));
    assert_non_null(strstr(out_text, "trips       1 (1 issued)"));
    assert_non_null(strstr(out_text, "1 washes, 1 repairs, 1 inspections"));
    assert_non_null(strstr(out_text, "last event  wash at 2024-05-03T13:00:00Z (record 8)"));
    must("containers list --format csv" J);
    assert_non_null(strstr(out_text, "\"PP-2\",\"crate-pp\",lost,\"SH-01\",\"A18\",0,1,"));
    must("containers list --state retired" J);
    assert_non_null(strstr(out_text, "PP-3"));
    assert_null(strstr(out_text, "PP-1"));
    /* PP-1: out 2024-05-01T10:00 to 05-03T10:00, 48 h; PP-2 lost: 1 of 2
     * ended trips */
    must("containers stats --now 2024-06-01" J);
    assert_non_null(strstr(out_text, "containers    3: 1 available, 0 issued, 0 delivered, "
                                     "0 returned, 0 damaged, 1 retired, 1 lost"));
    assert_non_null(strstr(out_text, "return rate   50.0 % of ended trips"));
    assert_non_null(strstr(out_text, "mean cycle    2.00 days (48.0 h)"));
    assert_non_null(strstr(out_text, "SH-02          crate-pp 1"));
    must("containers verify" J);
    assert_non_null(strstr(out_text, "pool.bxj: ok"));
    assert_non_null(strstr(out_text, "11 intact (1..11), 14 events"));
}

/* Every refusal: exit 3, the reason on standard error, and not one byte of
 * the journal changed. */
static void test_refusals_change_nothing(void **state)
{
    (void)state;
    must("containers station A B --at 2024-05-01" J);
    must("containers register C1 C2 --type crate-pp --station A --at 2024-05-01" J);
    must("containers issue C1 --station A --order O1 --at 2024-05-02" J);
    long size = file_size("pool.bxj");
    static const struct {
        const char *args, *says;
    } cases[] = {
        {"containers wash C9 --at 2024-05-03", "container 'C9' is not registered"},
        {"containers return C1 --station Z --at 2024-05-03", "station 'Z' is not in the pool"},
        {"containers register C2 --type crate-pp --station A --at 2024-05-03",
         "container 'C2' is already registered"},
        {"containers register C3 --type 3# --station A", "'3#' is not a reusable"},
        {"containers register C3 --type nope --station A", "'nope' is not in the catalog"},
        {"containers return C1 --station A --at 2024-05-01T12:00:00Z",
         "is before its last event"},
        {"containers issue C2 --station B --order O2 --at 2024-05-03", "ready at station 'A'"},
        {"containers wash C1 --at 2024-05-03", "allowed now: deliver, return, lost"},
        {"containers station A", "station 'A' is already in the pool"},
        {"containers register C3 C4 C3 --type crate-pp --station A --at 2024-05-03",
         "nothing recorded: 'C3' (3 of 3) was refused"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[512];
        snprintf(args, sizeof args, "%s" J, cases[i].args);
        int rc = run(args);
        if (rc != 3 || strstr(err_text, cases[i].says) == NULL)
            fail_msg("%s: exit %d, '%s'", cases[i].args, rc, err_text);
        assert_int_equal(file_size("pool.bxj"), size);
    }
}

/* One flipped bit in the frame head of the last record (here its
 * sequence number): the record is all there, so it is damage, not a torn
 * write. The next writer refuses (exit 3) and names the byte offset, the
 * journal keeps its bytes, and repair keeps a copy of the record. */
static void test_flip_in_last_record_head(void **state)
{
    (void)state;
    must("containers station A --at 2024-05-01" J);
    must("containers register K0 --type crate-pp-s --station A --at 2024-05-01" J);
    /* the header is 40 bytes, the station's record 24 + 30: the last frame
     * starts at byte 94, its sequence number at 94 + 8 */
    long size = file_size("pool.bxj");
    assert_int_equal(size, 94 + 24 + 53);
    int fd = open("pool.bxj", O_RDWR);
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, 94 + 8), 1);
    assert_int_equal(b, 2);
    b ^= 1;
    assert_int_equal(pwrite(fd, &b, 1, 94 + 8), 1);
    close(fd);
    assert_int_equal(run("containers register K1 --type crate-pp-s --station A "
                         "--at 2024-05-02" J), 3);
    assert_non_null(strstr(err_text, "record 2 (byte 94)"));
    assert_non_null(strstr(err_text, "damaged"));
    assert_int_equal(file_size("pool.bxj"), size);
    assert_int_equal(system("ls pool.bxj.torn-* >/dev/null 2>&1"), 512);
    assert_int_equal(run("containers verify" J), 3);
    assert_non_null(strstr(out_text, "DAMAGE      at byte 94, record 2"));
    must("containers verify --repair" J);
    assert_non_null(strstr(out_text, "repaired: cut at byte 94"));
    assert_int_equal(file_size("pool.bxj"), 94);
    /* the copy: a journal header, then the damaged record's 77 bytes */
    assert_int_equal(system("test $(stat -c %s pool.bxj.damaged-94) = 117"), 0);
}

static void test_verify_repair_compact(void **state)
{
    (void)state;
    must("containers station A --at 2024-05-01" J);
    for (int i = 0; i < 6; i++) {
        char args[256];
        snprintf(args, sizeof args, "containers register K%d --type crate-pp-s --station A "
                                    "--at 2024-05-01" J, i);
        must(args);
    }
    /* flip a bit in the third record's payload: after the 40-byte header
     * come frames of a 24-byte head and the record, 30 bytes for the
     * station, 53 for a registration */
    must("containers verify" J);
    int fd = open("pool.bxj", O_RDWR);
    unsigned char b;
    off_t at = 40 + (24 + 30) + (24 + 53) + 24 + 20;
    assert_int_equal(pread(fd, &b, 1, at), 1);
    b ^= 4;
    assert_int_equal(pwrite(fd, &b, 1, at), 1);
    close(fd);
    assert_int_equal(run("containers verify" J), 3);
    assert_non_null(strstr(out_text, "DAMAGE      at byte"));
    assert_non_null(strstr(out_text, "record 3"));
    /* the pool reads up to the damage, and takes nothing */
    must("containers list" J);
    assert_non_null(strstr(err_text, "1 of 1 containers"));
    assert_int_equal(run("containers lost K0 --at 2024-05-02" J), 3);
    assert_non_null(strstr(err_text, "verify --repair"));
    must("containers verify --repair" J);
    assert_non_null(strstr(out_text, "repaired: cut at byte"));
    assert_non_null(strstr(out_text, "pool.bxj: ok"));
    assert_int_equal(system("ls pool.bxj.damaged-* >/dev/null"), 0);
    must("containers register K1 --type crate-pp-s --station A --at 2024-05-02" J);
    must("containers compact --archive old.bxj" J);
    assert_non_null(strstr(out_text, "compacted: snapshot of record 3 (2 containers)"));
    must("containers verify" J);
    assert_non_null(strstr(out_text, "the next is record 4"));
    must("containers snapshot" J);
    must("containers verify -j old.bxj");
    assert_non_null(strstr(out_text, "3 intact (1..3)"));
    must("containers status K1" J);
    assert_non_null(strstr(out_text, "state       available"));
}

/* A compacted journal keeps the pool's state before its first record only
 * in its snapshot. Without a usable snapshot every command that opens the
 * pool refuses (exit 3), says on standard error which journal, what is
 * wrong and what to do, and changes neither file. */
static void snapshot_refused(const char *problem)
{
    static const char *const cmds[] = {
        "containers list",
        "containers status K1",
        "containers stats",
        "containers station B --at 2024-05-02",
        "containers register K3 --type crate-pp-s --station A --at 2024-05-02",
        "containers lost K1 --at 2024-05-02",
        "containers compact",
        "containers snapshot",
    };
    long size = file_size("pool.bxj"), snap_size = file_size("pool.bxj.snap");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char args[512];
        snprintf(args, sizeof args, "%s" J, cmds[i]);
        int rc = run(args);
        if (rc != 3 || strstr(err_text, "error: pool.bxj: ") == NULL ||
            strstr(err_text, problem) == NULL ||
            strstr(err_text, "restore pool.bxj.snap") == NULL ||
            strstr(err_text, "boxcar containers verify -j pool.bxj") == NULL)
            fail_msg("%s: exit %d, '%s'", cmds[i], rc, err_text);
        assert_int_equal(file_size("pool.bxj"), size);
        assert_int_equal(file_size("pool.bxj.snap"), snap_size);
    }
    assert_int_equal(run("containers verify" J), 3);
    assert_non_null(strstr(out_text, "PROBLEMS FOUND"));
}

static void test_compacted_without_snapshot(void **state)
{
    (void)state;
    must("containers station A --at 2024-05-01" J);
    must("containers register K1 K2 --type crate-pp-s --station A --at 2024-05-01" J);
    must("containers compact" J);
    assert_int_equal(system("cp pool.bxj.snap good.snap"), 0);
    /* missing */
    assert_int_equal(unlink("pool.bxj.snap"), 0);
    snapshot_refused("its snapshot pool.bxj.snap is missing");
    /* damaged: one bit flipped in its last byte */
    assert_int_equal(system("cp good.snap pool.bxj.snap"), 0);
    int fd = open("pool.bxj.snap", O_RDWR);
    unsigned char b;
    off_t at = file_size("pool.bxj.snap") - 1;
    assert_int_equal(pread(fd, &b, 1, at), 1);
    b ^= 1;
    assert_int_equal(pwrite(fd, &b, 1, at), 1);
    close(fd);
    snapshot_refused("its snapshot pool.bxj.snap cannot be used");
    /* cut short */
    assert_int_equal(truncate("pool.bxj.snap", 20), 0);
    snapshot_refused("its snapshot pool.bxj.snap cannot be used");
    /* restored: all is well again */
    assert_int_equal(system("cp good.snap pool.bxj.snap"), 0);
    must("containers status K1" J);
    assert_non_null(strstr(out_text, "state       available"));
}

/* pack --pool: the 400 demo orders at a station with 20 large and 30 small
 * crates ready. Every crate is used (some order fits each), each one is
 * recorded as issued, and a second run finds none left. */
static void test_pack_into_pool(void **state)
{
    (void)state;
    char args[2048], ids[1024];
    must("containers station SH-01 --at 2024-05-01" J);
    size_t n = 0;
    for (int i = 1; i <= 20; i++)
        n += (size_t)snprintf(ids + n, sizeof ids - n, " L%02d", i);
    snprintf(args, sizeof args, "containers register%s --type crate-pp --station SH-01 "
                                "--at 2024-05-01" J, ids);
    must(args);
    n = 0;
    for (int i = 1; i <= 30; i++)
        n += (size_t)snprintf(ids + n, sizeof ids - n, " S%02d", i);
    snprintf(args, sizeof args, "containers register%s --type crate-pp-s --station SH-01 "
                                "--at 2024-05-01" J, ids);
    must(args);
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --pool pool.bxj "
                         "--station NOPE"), 3);
    assert_non_null(strstr(err_text, "station 'NOPE' is not in the pool"));
    /* a journal path with a typo is a missing file (exit 1), and no empty
     * journal is left there */
    assert_int_equal(run("pack --orders " SAMPLE("orders/demo.csv") " --pool pool.bxk "
                         "--station SH-01 -o typo.csv"), 1);
    assert_non_null(strstr(err_text, "pool.bxk: no such journal"));
    assert_int_equal(access("pool.bxk", F_OK), -1);
    assert_int_equal(access("typo.csv", F_OK), -1);
    must("pack --orders " SAMPLE("orders/demo.csv") " --pool pool.bxj --station SH-01 "
         "--at 2024-05-01T09:00:00Z --issued issued.csv --format csv -o boxes.csv --check");
    assert_non_null(strstr(err_text, "50 reusable containers issued at station SH-01"));
    static char issued[1 << 16];
    slurp("issued.csv", issued, sizeof issued);
    assert_non_null(strstr(issued, "order_id,box_seq,box_id,container_id,station_id,record\n"
                                   "\"D0001\",1,\"crate-pp\",\"L01\",\"SH-01\",4\n"));
    int rows = 0;
    for (char *p = issued; (p = strchr(p, '\n')) != NULL; p++)
        rows++;
    assert_int_equal(rows, 51);
    /* the packing output names the same containers */
    slurp("boxes.csv", issued, sizeof issued);
    assert_non_null(strstr(issued, "\nD0001,1,crate-pp,"));
    assert_non_null(strstr(issued, ",,,L01\n"));
    must("containers stats --now 2024-05-02" J);
    assert_non_null(strstr(out_text, "containers    50: 0 available, 50 issued"));
    must("containers status L01" J);
    assert_non_null(strstr(out_text, "order D0001"));
    must("pack --orders " SAMPLE("orders/demo.csv") " --pool pool.bxj --station SH-01 "
         "--format csv -o again.csv");
    assert_non_null(strstr(err_text, "0 reusable containers issued"));
    must("containers verify" J);
}

#if BOXCAR_HAVE_LUA
/* pack --policy reuse-first.lua --pool: the demo orders at a station with
 * two crate-pp (L01, L02) and one crate-pp-s (S01). The policy sees them
 * as its table; reusable boxes cost a quarter of their volume, so each
 * order that fits one takes one while any is left: D0001 (a kettle,
 * 235x180x255 upright: too tall for crate-pp-s' 180) takes L01, D0002
 * (four watches, 118x118x92) the crate-pp-s S01, D0003 L02; records 4, 5,
 * 6 after the station and two registrations. */
static void test_pack_policy_into_pool(void **state)
{
    (void)state;
    must("containers station SH-01 --at 2024-05-01" J);
    must("containers register L01 L02 --type crate-pp --station SH-01 --at 2024-05-01" J);
    must("containers register S01 --type crate-pp-s --station SH-01 --at 2024-05-01" J);
#define POLICY_POOL "pack --orders " SAMPLE("orders/demo.csv") " --policy " \
                    BOXCAR_SCRIPTS "/policy/reuse-first.lua --pool pool.bxj --station SH-01 "
    assert_int_equal(run(POLICY_POOL "--available x.csv"), 2);
    assert_non_null(strstr(err_text, "--available and --pool do not go together"));
    assert_int_equal(run(POLICY_POOL "--returns-accepted=perhaps"), 2);
    /* the destination takes nothing back: no container goes out */
    must(POLICY_POOL "--returns-accepted=no --format csv -o none.csv");
    assert_non_null(strstr(err_text, "0 reusable containers issued at station SH-01"));
    must(POLICY_POOL "--at 2024-05-01T09:00:00Z --issued issued.csv --format json -o out.json "
         "--check");
    assert_non_null(strstr(err_text, "3 reusable containers issued at station SH-01 "
                                     "(journal records 4..6)"));
    assert_non_null(strstr(err_text, "policy reuse-first: 0 violations"));
    static char text[1 << 20];
    slurp("issued.csv", text, sizeof text);
    assert_string_equal(text, "order_id,box_seq,box_id,container_id,station_id,record\n"
                              "\"D0001\",1,\"crate-pp\",\"L01\",\"SH-01\",4\n"
                              "\"D0002\",1,\"crate-pp-s\",\"S01\",\"SH-01\",5\n"
                              "\"D0003\",1,\"crate-pp\",\"L02\",\"SH-01\",6\n");
    slurp("out.json", text, sizeof text);
    assert_non_null(strstr(text, "{\"order_id\":\"D0001\",\"lower_bound\":1,"
                                 "\"count_optimal\":true,\"boxes\":[{\"box_id\":\"crate-pp\","));
    assert_non_null(strstr(text, "\"violations\":[],\"container_id\":\"S01\",\"outer_l_mm\":"));
    assert_non_null(strstr(text, "\"container_id\":null,\"outer_l_mm\":"));
    must("containers status S01" J);
    assert_non_null(strstr(out_text, "order D0002"));
    /* none left: the next batch packs cartons only */
    must(POLICY_POOL "--format csv -o again.csv");
    assert_non_null(strstr(err_text, "0 reusable containers issued"));
    must("containers verify" J);
#undef POLICY_POOL
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_repair_compact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flip_in_last_record_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compacted_without_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pack_into_pool, setup, teardown),
#if BOXCAR_HAVE_LUA
        cmocka_unit_test_setup_teardown(test_pack_policy_into_pool, setup, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
