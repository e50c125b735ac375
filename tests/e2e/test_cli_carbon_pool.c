/*
 * test_cli_carbon_pool.c: `boxcar carbon --pool` end to end: a small pool
 * built with `boxcar containers`, crates amortised over its real trips
 * against a hand computation, and bad input (a missing journal, a damaged
 * one, pool types the containers file does not know, conflicting options).
 *
 * The crate-pp row of samples/shipments/containers.csv with the cn-2023
 * factors, worked by hand:
 *   make     1500 g x 2.58 kg/kg (pp; no eol row)      = 3870 g per crate
 *   wash     0.05 kWh x 577.7 g/kWh (life-cycle electricity factor)
 *                                                     = 28.885 g per wash
 *   return   0.0015 t x 25 km x 1.1 kWh/tkm x 577.7 g/kWh
 *                                                     = 23.830125 g per return
 *   expected 3870 / 50 + 28.885 + 23.830125            = 130.115125 g per trip
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define CARBON "carbon --routes " SAMPLE("routes/cn-routes.csv") " --shipments ship.csv "
#define CONTAINERS " --containers " SAMPLE("shipments/containers.csv")
#define J " -j pool.bxj"

static char dir[64];
static char out_text[1 << 16];
static char err_text[1 << 16];
/* journal size after each record, to find a record's bytes */
static long size_after[16];

static int run(const char *args)
{
    return cli_run(dir, "cli", args, out_text, sizeof out_text, err_text, sizeof err_text);
}

static void must(const char *args)
{
    int rc = run(args);
    if (rc != 0)
        fail_msg("boxcar %s: exit %d: %s", args, rc, err_text);
}

static const char *in_dir(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static long file_size(const char *name)
{
    struct stat st;
    return stat(in_dir(name), &st) == 0 ? (long)st.st_size : -1;
}

static void write_file(const char *name, const char *text)
{
    FILE *fp = fopen(in_dir(name), "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Records 1-10:
 *   1 station SH-01             2 register C1 C2 C3 (crate-pp)
 *   3 issue C1 C2 C3            4 return C1 C2         5 wash C1 C2
 *   6 lost C3 (on its trip)     7 issue C1             8 return C1
 *   9 wash C1                  10 issue C2 (under way) */
static void build_pool(void)
{
    static const char *const events[] = {
        "containers station SH-01 --at 2025-01-01" J,
        "containers register C1 C2 C3 --type crate-pp --station SH-01 --at 2025-01-01" J,
        "containers issue C1 C2 C3 --station SH-01 --order O1 --at 2025-01-02" J,
        "containers return C1 C2 --station SH-01 --at 2025-01-04" J,
        "containers wash C1 C2 --at 2025-01-05" J,
        "containers lost C3 --at 2025-01-20" J,
        "containers issue C1 --station SH-01 --order O2 --at 2025-01-21" J,
        "containers return C1 --station SH-01 --at 2025-01-23" J,
        "containers wash C1 --at 2025-01-24" J,
        "containers issue C2 --station SH-01 --order O3 --at 2025-01-25" J,
    };
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        must(events[i]);
        size_after[i + 1] = file_size("pool.bxj");
    }
    write_file("ship.csv", "shipment_id,date,mass_g,route_id,items,packaging\n"
                           "S1,2025-01-02,2000,sh-city-evan,1,crate-pp\n"
                           "S2,2025-01-03,1500,sh-city-evan,1,crate-pp\n"
                           "S3,2025-01-04,900,sh-city-evan,1,crate-pp\n"
                           "S4,2025-01-04,900,sh-city-evan,1,3#\n");
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/boxcar-cpool-XXXXXX",
             tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        return -1;
    build_pool();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The pool at record 10:
 *   C1 live, 2 trips, 2 back, 2 washes: lifetime max(2, 50) = 50
 *   C2 live, 2 trips (one under way), 1 back, 1 wash:  50
 *   C3 lost on its only trip:                           1
 * 5 trips done, 101 lifetime trips; ended trips 3 back + 1 lost = 4.
 *   make     3 x 3870 / 101       = 114.950495 g
 *   wash     28.885 x 3 / 4       =  21.663750 g
 *   return   23.830125 x 3 / 4    =  17.872594 g
 *   per trip                      = 154.486839 g -> 154.487
 * Three shipments in crates: 3 x 154.487 = 463.461 g of packaging. */
static void test_real_trips(void **state)
{
    (void)state;
    must(CARBON CONTAINERS " --pool pool.bxj -o rows.csv --totals totals.csv");
    static char rows[8192], totals[8192];
    cli_slurp(in_dir("rows.csv"), rows, sizeof rows);
    cli_slurp(in_dir("totals.csv"), totals, sizeof totals);
    assert_non_null(strstr(rows, "\nS1,sh-city-evan,"));
    assert_non_null(strstr(rows, ",154.487,"));
    assert_non_null(strstr(rows, "intensity+hub+reuse+pool,"));
    /* the single-use carton is not touched: 283 g x 0.491 = 138.953 g */
    assert_non_null(strstr(rows, "\nS4,sh-city-evan,"));
    assert_non_null(strstr(rows, ",138.953,"));
    /* packaging_mg of the crates' totals row: 3 shipments, 4400 g */
    const char *row = strstr(totals, "\npackaging,crate-pp,3,4400,");
    assert_non_null(row);
    const char *end = strchr(row + 1, '\n');
    const char *fig = strstr(row, ",463461,");
    assert_true(fig != NULL && (end == NULL || fig < end));
    assert_non_null(strstr(err_text, "crate-pp: 154.49 g CO2e per trip over the pool's real "
                                     "trips (130.12 g over the expected 50 trips)"));
    assert_non_null(strstr(err_text, "pool: 3 containers (1 ended), 5 trips done, 101 "
                                     "lifetime trips (33.67 per container); 0.75 washes and "
                                     "75.0 % returned per ended trip (4)"));
    /* the sample's small crate has no containers in this pool */
    assert_non_null(strstr(err_text, "container 'crate-pp-s' has no containers in the pool: "
                                     "amortised over its expected 50 trips"));
    /* without the pool: the expected figure */
    must(CARBON CONTAINERS " -o rows.csv");
    cli_slurp(in_dir("rows.csv"), rows, sizeof rows);
    assert_non_null(strstr(rows, ",130.115,"));
    assert_non_null(strstr(rows, "intensity+hub+reuse,"));
    assert_null(strstr(rows, "pool"));
}

static void test_bad_options(void **state)
{
    (void)state;
    assert_int_equal(run(CARBON CONTAINERS " --pool pool.bxj --trips 10"), 2);
    assert_non_null(strstr(err_text, "--pool and --trips"));
    assert_int_equal(run(CARBON " --pool pool.bxj"), 2);
    assert_non_null(strstr(err_text, "--pool needs --containers"));
    /* a journal that is not there: a missing file, nothing written, and
     * nothing created where it was looked for */
    assert_int_equal(run(CARBON CONTAINERS " --pool nowhere.bxj -o none.csv"), 1);
    assert_non_null(strstr(err_text, "nowhere.bxj: no such journal"));
    assert_true(file_size("none.csv") < 0);
    assert_true(file_size("nowhere.bxj") < 0);
}

/* A pool type without a row in the containers file: a warning, and the
 * rows it has are amortised as before. */
static void test_unknown_pool_type(void **state)
{
    (void)state;
    write_file("only-small.csv",
               "container_id,material,mass_g,wash_kwh,wash_energy,trips,return_route\n"
               "crate-pp-s,pp,800,0.027,elec-cn-lca-2024,50,sh-return-evan\n");
    write_file("ship-s.csv", "shipment_id,date,mass_g,route_id,items,packaging\n"
                             "S1,2025-01-02,900,sh-city-evan,1,crate-pp-s\n");
    must("carbon --routes " SAMPLE("routes/cn-routes.csv") " --shipments ship-s.csv "
         "--containers only-small.csv --pool pool.bxj -o small.csv");
    assert_non_null(strstr(err_text, "warning: container type 'crate-pp' (3 containers in "
                                     "the pool) has no row in only-small.csv: its real trips "
                                     "are not used"));
    /* crate-pp-s over its expected 50 trips, as the samples' README works
     * it: 41.28 + 0.027 x 577.7 + 0.0008 x 25 x 1.1 x 577.7 = 69.587 g */
    static char rows[4096];
    cli_slurp(in_dir("small.csv"), rows, sizeof rows);
    assert_non_null(strstr(rows, ",69.587,"));
    assert_non_null(strstr(rows, ",intensity+hub+reuse,"));
}

/* Damage in record 8 (return C1): the pool opens with its state up to
 * record 7, says so, and the figures are those of that state:
 *   C1 live, 2 trips (one under way), 1 back, 1 wash:  50
 *   C2 live, 1 trip, 1 back, 1 wash:                   50
 *   C3 lost on its trip:                                1
 * 4 trips done, 101 lifetime; ended trips 2 back + 1 lost = 3.
 *   114.950495 + 28.885 x 2/3 + 23.830125 x 2/3 = 150.093912 -> 150.094
 * The journal itself is left as it was. */
static void test_damaged_journal(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s/pool.bxj' '%s/damaged.bxj'", dir, dir);
    assert_int_equal(system(cmd), 0);
    int fd = open(in_dir("damaged.bxj"), O_RDWR);
    assert_true(fd >= 0);
    /* a byte of record 8's payload, past its 24-byte frame head */
    off_t at = (off_t)size_after[7] + 24 + 4;
    assert_true(at < size_after[8]);
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, at), 1);
    b ^= 0x10;
    assert_int_equal(pwrite(fd, &b, 1, at), 1);
    close(fd);
    long before = file_size("damaged.bxj");
    must(CARBON CONTAINERS " --pool damaged.bxj -o rows.csv");
    assert_non_null(strstr(err_text, "damaged record"));
    assert_non_null(strstr(err_text, "the pool's figures are those up to record 7"));
    static char rows[8192];
    cli_slurp(in_dir("rows.csv"), rows, sizeof rows);
    assert_non_null(strstr(rows, ",150.094,"));
    assert_int_equal(file_size("damaged.bxj"), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_trips),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_unknown_pool_type),
        cmocka_unit_test(test_damaged_journal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
