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

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A plan's mass load factor as a carbon leg's load_factor. GLEC v3.0
 * Module 5, Annex 1, Table 18 (articulated truck, 28 t payload): full,
 * no empty running, 46 g/tkm, and the empty vehicle burns 795.2 / 1288 =
 * 0.617391 of the full one's energy per km (docs/carbon.md, section 5).
 *
 * The plan: 14 pallets of 1000 kg (1000 x 1000 x 1000 mm) in a 13600 x
 * 2450 x 2700 mm trailer with 28 t payload, all loaded: mass load factor
 * 14 / 28 = 0.5000; volume 14 m3 / 89.964 m3 = 0.1556.
 *
 * The leg at LF 0.5: per tkm (eps + (1 - eps) * 0.5) / 0.5 against 1 at
 * the TOC's LF 1, so 46 * (0.617391 + 0.191304) / 0.5 = 28.4 + 8.8 = 37.2
 * / 0.5 = 74.4 g/tkm (Table 18 prints 74 for 14 t). A 1 t shipment over
 * 100 km: 100 tkm * 74.4 = 7440 g. With 20 % empty running besides:
 * (37.2 + 28.4 * 0.2 / 0.8) / 0.5 = 88.6 g/tkm (Table 18: 89), 8860 g. */
static void test_load_factor_into_carbon(void **state)
{
    (void)state;
    char pallets[2048] = "id,length_mm,width_mm,height_mm,mass_g\n";
    for (int i = 1; i <= 14; i++) {
        char line[64];
        snprintf(line, sizeof line, "PAL%02d,1000,1000,1000,1000000\n", i);
        strcat(pallets, line);
    }
    write_file("pallets.csv", pallets);
    write_file("trailer.csv", "kind,length_mm,width_mm,height_mm,payload_g,door\n"
                              "artic-28t,13600,2450,2700,28000000,rear\n");
    assert_int_equal(run("load --parcels pallets.csv --vehicles trailer.csv --check --factors lf.csv -o plan.csv"),
                     0);
    char p[512], buf[4096];
    snprintf(p, sizeof p, "%s/lf.csv", dir);
    cli_slurp(p, buf, sizeof buf);
    assert_string_equal(buf, "vehicle_seq,kind,load_factor_mass,load_factor_volume\n"
                             "1,artic-28t,0.5000,0.1556\n");
    /* the measured factor, as written, into the routes file */
    char lf[16];
    assert_int_equal(sscanf(strchr(buf, '\n') + 1, "1,artic-28t,%15[^,],", lf), 1);
    write_file("factors.csv", "kind,id,mode,unit,wtt,ttw,wtw,quality,confirmed,basis,source,version,"
                              "load_factor,empty_running,empty_energy\n"
                              "set,t18,,,,,,,,co2e-ar6,GLEC v3.0,3.0,,,\n"
                              "toc,artic-28t-full,road,g/tkm,,,46,default,derived,,GLEC v3.0 M5 T18,3.0,1,0,"
                              "0.617391304\n");
    char routes[512];
    snprintf(routes, sizeof routes,
             "route_id,element,category,distance_km,load_factor,empty_running\n"
             "planned,leg,artic-28t-full,100,%s,\n"
             "planned-empty,leg,artic-28t-full,100,%s,0.2\n",
             lf, lf);
    write_file("routes.csv", routes);
    write_file("shipments.csv", "shipment_id,date,mass_g,items,packaging,route_id,drop_km\n"
                                "S1,2025-01-01,1000000,1,,planned,\n"
                                "S2,2025-01-01,1000000,1,,planned-empty,\n");
    int rc = cli_run(dir, "carbon", "carbon --routes routes.csv --shipments shipments.csv --factors factors.csv "
                                    "--format csv -o rows.csv --no-progress",
                     out_text, sizeof out_text, err_text, sizeof err_text);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    snprintf(p, sizeof p, "%s/rows.csv", dir);
    cli_slurp(p, out_text, sizeof out_text);
    double g1 = -1, g2 = -1;
    char *l1 = strstr(out_text, "\nS1,planned,"), *l2 = strstr(out_text, "\nS2,planned-empty,");
    assert_non_null(l1);
    assert_non_null(l2);
    assert_int_equal(sscanf(l1, "\nS1,planned,%lf,", &g1), 1);
    assert_int_equal(sscanf(l2, "\nS2,planned-empty,%lf,", &g2), 1);
    assert_true(g1 > 7440 - 0.01 && g1 < 7440 + 0.01);
    assert_true(g2 > 8860 - 0.01 && g2 < 8860 + 0.01);
}

/* boxcar pack's output as the parcels. Catalog: one box S, inner 200 mm
 * cube, outer 210 mm cube, tare 100 g. Orders: O1 one fragile cup (150
 * mm cube, 500 g), O2 one upright bottle (100 x 100 x 180, 900 g), O3
 * two bricks (190 x 190 x 90, 2000 g; stacked they are 190 x 190 x 180,
 * so one box). Parcels by hand: O1/1 fragile 600 g, O2/1 upright 1000 g,
 * O3/1 4100 g, each 210 mm a side. A cage 420 x 210 x 420 mm with 10 kg
 * payload holds two on the floor and one on top of a box that is not
 * fragile: mass factor 5700 / 10000 = 0.5700, volume 3 x 210^3 / (420 x
 * 210 x 420) = 0.7500. */
static void test_pack_then_load(void **state)
{
    (void)state;
    write_file("cat.csv", "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g,outer_l_mm,outer_w_mm,"
                          "outer_h_mm,tare_g\nS,200,200,200,20000,210,210,210,100\n");
    write_file("orders.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,rotation,fragile\n"
                             "O1,cup,1,150,150,150,500,any,true\n"
                             "O2,bottle,1,100,100,180,900,upright,false\n"
                             "O3,brick,2,190,190,90,2000,any,false\n");
    write_file("cage.csv", "kind,length_mm,width_mm,height_mm,payload_g\ncage,420,210,420,10000\n");
    const char *fmts[] = {"json", "cbor"};
    for (int f = 0; f < 2; f++) {
        char args[256];
        snprintf(args, sizeof args, "pack --catalog cat.csv --orders orders.csv --format %s -o packed.%s",
                 fmts[f], fmts[f]);
        assert_int_equal(cli_run(dir, "pack", args, out_text, sizeof out_text, err_text, sizeof err_text), 0);
        snprintf(args, sizeof args,
                 "load --packed packed.%s --stop 2 --vehicles cage.csv --check --format csv --factors lf.csv",
                 fmts[f]);
        assert_int_equal(run(args), 0);
        int z_cup = -1, x_cup = -1, n = 0;
        static const char *ids[] = {"O1/1", "O2/1", "O3/1"};
        static const int mass[] = {600, 1000, 4100};
        int pos[3][3];
        for (int i = 0; i < 3; i++) {
            char key[32];
            snprintf(key, sizeof key, ",cage,%s,2,", ids[i]);
            const char *l = strstr(out_text, key);
            assert_non_null(l);
            int seq, step, x, y, z, e[3], m;
            assert_int_equal(sscanf(l + strlen(key), "%d,%d,%d,%d,%d,%d,%d,%d,%d,", &seq, &step, &x, &y, &z, &e[0],
                                    &e[1], &e[2], &m),
                             9);
            assert_true(e[0] == 210 && e[1] == 210 && e[2] == 210);
            assert_int_equal(m, mass[i]);
            pos[i][0] = x, pos[i][1] = y, pos[i][2] = z;
            n++;
        }
        x_cup = pos[0][0];
        z_cup = pos[0][2];
        assert_int_equal(n, 3);
        /* nothing on the fragile cup's box */
        for (int i = 1; i < 3; i++)
            assert_false(pos[i][0] == x_cup && pos[i][2] > z_cup);
        char p[512], buf[512];
        snprintf(p, sizeof p, "%s/lf.csv", dir);
        cli_slurp(p, buf, sizeof buf);
        assert_string_equal(buf, "vehicle_seq,kind,load_factor_mass,load_factor_volume\n1,cage,0.5700,0.7500\n");
    }
    /* the table in Chinese; a language boxcar does not speak is a usage error */
    assert_int_equal(run("load --packed packed.cbor --vehicles cage.csv --lang zh-CN"), 0);
    assert_non_null(strstr(out_text, "车辆 1：cage（420 × 210 × 420 mm，后门），3 件，"));
    assert_non_null(strstr(out_text, "装载率：质量 0.5700，体积 0.7500"));
    assert_int_equal(run("load --packed packed.cbor --vehicles cage.csv --lang fr"), 2);
    /* both inputs: the message says which two clash */
    assert_int_equal(run("load --packed packed.cbor --parcels packed.cbor --vehicles cage.csv"),
                     2);
    assert_non_null(strstr(err_text, "--parcels and --packed exclude each other"));
    /* stops per order from a file (O2 keeps --stop 2; O9 has no boxes) */
    write_file("stops.csv", "order_id,stop\nO1,1\nO3,3\nO9,4\n");
    assert_int_equal(run("load --packed packed.json --stop 2 --stops stops.csv --vehicles cage.csv --check "
                         "--format csv"),
                     0);
    assert_non_null(strstr(out_text, ",cage,O1/1,1,"));
    assert_non_null(strstr(out_text, ",cage,O2/1,2,"));
    assert_non_null(strstr(out_text, ",cage,O3/1,3,"));
    assert_non_null(strstr(err_text, "stops.csv:4: order 'O9' has no packed boxes"));
    write_file("stops2.csv", "order_id,stop\nO1,1\nO1,3\n");
    assert_int_equal(run("load --packed packed.json --stops stops2.csv --vehicles cage.csv -o none.csv"), 3);
    assert_non_null(strstr(err_text, "stops2.csv:3: field 'order_id': order 'O1' is given a stop twice"));
    assert_false(exists("none.csv"));
    assert_int_equal(run("load --parcels x.csv --stops stops.csv --vehicles cage.csv"), 2);
    /* a catalog without outer sizes: the packed file cannot give them */
    write_file("cat2.csv", "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g\nS,200,200,200,20000\n");
    assert_int_equal(cli_run(dir, "pack", "pack --catalog cat2.csv --orders orders.csv --format json -o p2.json",
                             out_text, sizeof out_text, err_text, sizeof err_text),
                     0);
    assert_int_equal(run("load --packed p2.json --vehicles cage.csv -o none.csv"), 3);
    assert_non_null(strstr(err_text, "p2.json:1: field 'boxes[1].outer_l_mm': null"));
    assert_false(exists("none.csv"));
    assert_int_equal(run("load --packed p2.json --parcels x.csv --vehicles cage.csv"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_every_output),
        cmocka_unit_test(test_multi_stop_lifo),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_load_factor_into_carbon),
        cmocka_unit_test(test_pack_then_load),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
