/*
 * test_cli_load.c: `boxcar load` end to end: the samples with every
 * output, a generated multi-stop van whose CSV plan is checked here for
 * last-in-first-out independently of the library, and bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../bench/gen_parcels.h"
#include "cli_run.h"
#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f

static char out_text[1 << 20];
static char err_text[1 << 16];
static char dir[256];

static int run(const char *args)
{
    return cli_run(dir, "load", args, out_text, sizeof out_text, err_text, sizeof err_text);
}

static bool exists(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/boxcar-load-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_samples_every_output(void **state)
{
    (void)state;
    assert_int_equal(run("load --parcels " SAMPLE("load/parcels.csv") " --vehicles " SAMPLE("load/vehicles.csv")
                         " --check --budget 3000000 --factors lf.csv --svg pics --svg-steps -o plan.json"),
                     0);
    assert_true(exists("plan.json") && exists("lf.csv") && exists("pics/vehicle-1.svg") &&
                exists("pics/vehicle-1-step-1.svg"));
    char p[512], buf[4096];
    snprintf(p, sizeof p, "%s/lf.csv", dir);
    cli_slurp(p, buf, sizeof buf);
    const char *head = "vehicle_seq,kind,load_factor_mass,load_factor_volume\n1,";
    assert_true(strncmp(buf, head, strlen(head)) == 0);
    snprintf(p, sizeof p, "%s/plan.json", dir);
    cli_slurp(p, out_text, sizeof out_text);
    assert_non_null(strstr(out_text, "\"load_factor_volume\":"));
    assert_non_null(strstr(out_text, "\"unplaced\":[]"));
    /* the table names the vehicle and its load factors */
    assert_int_equal(run("load --parcels " SAMPLE("load/parcels.csv") " --vehicles " SAMPLE("load/vehicles.csv")
                         " --budget 3000000"),
                     0);
    assert_non_null(strstr(out_text, "load factor: mass "));
}

typedef struct row {
    int stop, p[3], e[3];
} row;

static bool ov(int a, int da, int b, int db)
{
    return a < b + db && b < a + da;
}

/* A generated van with 5 stops and 180 parcels, planned to CSV: every
 * parcel placed, and no parcel of a later stop above one of an earlier
 * stop or between it and the door (x = 3500), checked from the CSV. */
static void test_multi_stop_lifo(void **state)
{
    (void)state;
    static bx_load_parcel parcels[180];
    gen_parcels(2024, 5, 180, parcels);
    char path[512];
    snprintf(path, sizeof path, "%s/gen.csv", dir);
    assert_int_equal(gen_parcels_write_csv(path, parcels, 180), 0);
    snprintf(path, sizeof path, "%s/van.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("kind,length_mm,width_mm,height_mm,payload_g,door,count\nvan,3500,1780,1900,1300000,rear,2\n", f);
    fclose(f);
    assert_int_equal(run("load --parcels gen.csv --vehicles van.csv --format csv --budget 20000000"), 0);
    static row rows[180];
    int n = 0;
    char *line = strchr(out_text, '\n');
    while (line && line[1]) {
        line++;
        int veh, stop, seq, step, x, y, z, l, w, h;
        char kind[64], id[64];
        assert_int_equal(sscanf(line, "%d,%63[^,],%63[^,],%d,%d,%d,%d,%d,%d,%d,%d,%d", &veh, kind, id, &stop, &seq,
                                &step, &x, &y, &z, &l, &w, &h),
                         12);
        assert_int_equal(veh, 1);
        assert_true(n < 180);
        rows[n++] = (row){stop, {x, y, z}, {l, w, h}};
        line = strchr(line, '\n');
    }
    assert_int_equal(n, 180);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (rows[j].stop <= rows[i].stop)
                continue;
            const row *a = &rows[i], *b = &rows[j]; /* b leaves later */
            bool above = ov(a->p[0], a->e[0], b->p[0], b->e[0]) && ov(a->p[1], a->e[1], b->p[1], b->e[1]) &&
                         b->p[2] >= a->p[2] + a->e[2];
            bool doorward = ov(a->p[1], a->e[1], b->p[1], b->e[1]) && ov(a->p[2], a->e[2], b->p[2], b->e[2]) &&
                            b->p[0] >= a->p[0] + a->e[0];
            assert_false(above || doorward);
        }
}

static void test_bad_input(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("id,length_mm,width_mm,height_mm,mass_g\nA,100,100,100,1000\nB,100,x,100,1000\n", f);
    fclose(f);
    assert_int_equal(run("load --parcels bad.csv --vehicles " SAMPLE("load/vehicles.csv") " -o out.csv"), 3);
    assert_non_null(strstr(err_text, "bad.csv:3:3: field 'width_mm'"));
    assert_false(exists("out.csv"));
    /* too big, duplicate, a vehicle with payload 0, a missing stop: planned, with reasons */
    snprintf(path, sizeof path, "%s/odd.csv", dir);
    f = fopen(path, "w");
    fputs("id,length_mm,width_mm,height_mm,mass_g,stop\nA,100,100,100,1000,1\nHUGE,9000,100,100,1000,3\n"
          "A,100,100,100,1000,3\n",
          f);
    fclose(f);
    snprintf(path, sizeof path, "%s/veh.csv", dir);
    f = fopen(path, "w");
    fputs("kind,length_mm,width_mm,height_mm,payload_g\nghost,5000,2000,2000,0\nvan,3500,1780,1900,1300000\n", f);
    fclose(f);
    assert_int_equal(run("load --parcels odd.csv --vehicles veh.csv --format csv --check"), 0);
    assert_non_null(strstr(out_text, ",,HUGE,3,,,,,,,,,1000,too_big\n"));
    assert_non_null(strstr(out_text, ",,A,3,,,,,,,,,1000,duplicate_id\n"));
    assert_non_null(strstr(err_text, "'ghost' has payload 0"));
    assert_non_null(strstr(err_text, "stop 2 has no parcels"));
    /* usage */
    assert_int_equal(run("load --parcels odd.csv"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_every_output),
        cmocka_unit_test(test_multi_stop_lifo),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
