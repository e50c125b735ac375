/*
 * test_cli_carbon.c: `boxcar carbon`, `boxcar merge` and `boxcar factors`
 * end to end: the samples, shards merged in any order equal one run byte
 * for byte, bad rows reported and counted, --strict writing nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"
#include "testutil.h"

#if BOXCAR_HAVE_CBOR
#include <cbor.h>
#endif

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define ROUTES SAMPLE("routes/cn-routes.csv")
#define SHIPMENTS SAMPLE("shipments/demo.csv")
#define CONTAINERS SAMPLE("shipments/containers.csv")

static char dir[64];
static char out_text[1 << 20];
static char err_text[1 << 16];

static size_t slurp(const char *path, char *buf, size_t size)
{
    return cli_slurp(path, buf, size);
}

static const char *in_dir(const char *name)
{
    static char paths[8][256];
    static int k;
    char *p = paths[k++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

/* Run `boxcar ARGS` in the scratch directory; stdout and stderr captured. */
static int run(const char *args)
{
    return cli_run(dir, "cli", args, out_text, sizeof out_text, err_text, sizeof err_text);
}

static bool exists(const char *name)
{
    struct stat st;
    return stat(in_dir(name), &st) == 0;
}

static void write_file(const char *name, const char *text)
{
    FILE *fp = fopen(in_dir(name), "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/boxcar-carbon-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_usage(void **state)
{
    (void)state;
    assert_int_equal(run("carbon --help"), 0);
    assert_non_null(strstr(out_text, "--shipments FILE"));
    assert_int_equal(run("carbon --routes " ROUTES), 2);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments x --by week"), 2);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments x --trips 0"), 2);
    assert_int_equal(run("merge"), 2);
    assert_int_equal(run("factors"), 2);
    assert_int_equal(run("factors frob"), 2);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments " SHIPMENTS
                         " --factors no-such-set"),
                     1);
    assert_non_null(strstr(err_text, "no factor set 'no-such-set'"));
    assert_int_equal(run("carbon --routes missing.csv --shipments " SHIPMENTS), 1);
}

/* The whole demo: every shipment computed, one row each, totals written. */
static void test_demo(void **state)
{
    (void)state;
    int rc = run("carbon --routes " ROUTES " --shipments " SHIPMENTS " --containers " CONTAINERS
                 " -o rows.csv --totals totals.csv --by mode");
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    assert_non_null(strstr(err_text, "12000 shipments read, 12000 computed, 0 excluded"));
    /* 3870 / 50 + 0.05 x 577.7 + 0.0015 x 25 x 1.1 x 577.7 = 130.115 g;
     * against 138.95 g: 3870 / (138.95 - 52.715) = 44.9, 45 trips */
    assert_non_null(strstr(err_text, "crate-pp: 130.12 g CO2e per trip over 50 trips"));
    assert_non_null(strstr(err_text, "breaks even after 45 trips"));
    /* a shipped sample runs without warnings (no rows off the set's basis,
     * no road leg from coordinates) */
    assert_null(strstr(err_text, "warning"));
    assert_non_null(strstr(err_text, "UNCONFIRMED"));
    /* the --by table on stdout: every mode of the sample routes */
    assert_non_null(strstr(out_text, "\nair "));
    assert_non_null(strstr(out_text, "\nrail "));
    assert_non_null(strstr(out_text, "\npackaging "));
    assert_non_null(strstr(out_text, "\ntotal "));
    static char rows[4 << 20];
    size_t n = slurp(in_dir("rows.csv"), rows, sizeof rows);
    assert_true(n > 0);
    static const char head[] = "shipment_id,route_id,transport_wtw_g,transport_ttw_g,"
                               "hub_wtw_g,packaging_g,total_wtw_g,total_ttw_g,"
                               "transport_wtt_g,transport_unsplit_g,hub_wtt_g,hub_ttw_g,"
                               "hub_unsplit_g,total_wtt_g,total_unsplit_g,transport_tkm,"
                               "transport_g_per_tkm,distance_types,primary_wtw_g,"
                               "modelled_wtw_g,default_wtw_g,temp_uplift_wtw_g,"
                               "refrigerant_g,method,data_quality,factor_set,"
                               "factor_version\n";
    assert_memory_equal(rows, head, strlen(head));
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += rows[i] == '\n';
    assert_int_equal(lines, 12001);
    assert_non_null(strstr(rows, ",cn-2023,2023.3\n"));
    assert_true(exists("totals.csv"));
    /* by energy carrier: the e-van legs on the grid's row, the rest on
     * intensities that name no carrier */
    rc = run("carbon --routes " ROUTES " --shipments " SHIPMENTS " --containers " CONTAINERS
             " --by energy");
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    assert_non_null(strstr(out_text, "\nunstated "));
    assert_non_null(strstr(out_text, "a shipment counts under each energy carrier it uses"));
}

/* Shards of the demo, run separately and merged in two orders, give the
 * same totals file as one run, byte for byte. */
static void test_shards_merge(void **state)
{
    (void)state;
    static char all[2 << 20];
    size_t n = slurp(SHIPMENTS, all, sizeof all);
    assert_true(n > 0);
    /* header, then rows split 1:2:3 by line number */
    char *body = strchr(all, '\n') + 1;
    FILE *sh[3];
    for (int k = 0; k < 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "s%d.csv", k);
        sh[k] = fopen(in_dir(name), "wb");
        assert_non_null(sh[k]);
        fwrite(all, 1, (size_t)(body - all), sh[k]);
    }
    long line = 0;
    for (char *p = body; *p;) {
        char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
        int k = line % 6 == 0 ? 0 : line % 6 < 3 ? 1 : 2;
        fwrite(p, 1, len, sh[k]);
        p += len;
        line++;
    }
    for (int k = 0; k < 3; k++)
        fclose(sh[k]);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments " SHIPMENTS
                         " --containers " CONTAINERS " --totals one.csv -o rows-ignored.csv"),
                     0);
    for (int k = 0; k < 3; k++) {
        char args[1024];
        snprintf(args, sizeof args,
                 "carbon --routes " ROUTES " --shipments s%d.csv --containers " CONTAINERS
                 " --totals t%d.csv -o rows-ignored.csv",
                 k, k);
        assert_int_equal(run(args), 0);
    }
    assert_int_equal(run("merge -o m1.csv t0.csv t1.csv t2.csv"), 0);
    assert_int_equal(run("merge -o m2.csv t2.csv t0.csv t1.csv"), 0);
    /* merging merged files again is still exact */
    assert_int_equal(run("merge -o m3.csv t1.csv m1.csv"), 0);
    static char a[1 << 16], b[1 << 16], c[1 << 16];
    size_t la = slurp(in_dir("one.csv"), a, sizeof a);
    assert_true(la > 0);
    assert_int_equal(slurp(in_dir("m1.csv"), b, sizeof b), la);
    assert_memory_equal(a, b, la);
    assert_int_equal(slurp(in_dir("m2.csv"), c, sizeof c), la);
    assert_memory_equal(a, c, la);
    /* m3 has shard 1 twice: not equal */
    assert_true(slurp(in_dir("m3.csv"), c, sizeof c) != la || memcmp(a, c, la) != 0);
    assert_int_equal(run("merge --by route t0.csv t1.csv t2.csv"), 0);
    assert_non_null(strstr(out_text, "can-pek-air"));
    assert_non_null(strstr(out_text, "\ntotal                        12000 "));
}

/* The value of "name":N in a JSON line; column `col` of a CSV line, and
 * that column read as grams with three decimals, in mg. */
static long long json_int(const char *line, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *p = strstr(line, key);
    assert_non_null(p);
    return strtoll(p + strlen(key), NULL, 10);
}

static const char *csv_col(const char *line, int col)
{
    for (int i = 0; i < col; i++) {
        line = strchr(line, ',');
        assert_non_null(line);
        line++;
    }
    return line;
}

static long long csv_mg(const char *line, int col)
{
    line = csv_col(line, col);
    char *end;
    long long g = strtoll(line, &end, 10);
    assert_int_equal(*end, '.');
    long long frac = strtoll(end + 1, NULL, 10);
    return g * 1000 + frac;
}

/* total_wtw_mg of the "all" row of a totals CSV. */
static long long totals_all_wtw(const char *name)
{
    static char t[1 << 16];
    assert_true(slurp(in_dir(name), t, sizeof t) > 0);
    const char *all = strstr(t, "\nall,all,");
    assert_non_null(all);
    return strtoll(csv_col(all + 1, 13), NULL, 10);
}

/* The whole of a file of the scratch directory (which must fit). */
static size_t slurp_all(const char *name, char *buf, size_t size)
{
    size_t n = slurp(in_dir(name), buf, size);
    assert_true(n > 0 && n < size - 1);
    return n;
}

/* JSON Lines and CBOR of the whole demo: the same bytes on every run, one
 * record per shipment, and the same figures as the CSV: each shipment's
 * total equals the CSV's to the milligram, and they add up to the totals
 * file's. */
static void test_json_cbor(void **state)
{
    (void)state;
    const char *common = "carbon --routes " ROUTES " --shipments " SHIPMENTS
                         " --containers " CONTAINERS;
    char args[1024];
    snprintf(args, sizeof args, "%s -o f.csv --totals ft.csv", common);
    assert_int_equal(run(args), 0);
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "%s --format json -o f%d.jsonl", common, k);
        assert_int_equal(run(args), 0);
        snprintf(args, sizeof args, "%s --format cbor -o f%d.cbor", common, k);
        /* a build without CBOR says so */
        assert_int_equal(run(args), BOXCAR_HAVE_CBOR ? 0 : 1);
    }
    static char a[8 << 20], b[8 << 20], csv[4 << 20];
    size_t n = slurp_all("f0.jsonl", a, sizeof a);
    assert_int_equal(slurp_all("f1.jsonl", b, sizeof b), n);
    assert_memory_equal(a, b, n);
    slurp_all("f.csv", csv, sizeof csv);
    long long all = totals_all_wtw("ft.csv"), sum = 0;
    size_t lines = 0;
    const char *c = strchr(csv, '\n') + 1;
    for (const char *p = a; *p; p = strchr(p, '\n') + 1) {
        long long wtw = json_int(p, "total_wtw_mg");
        /* the CSV row of the same shipment: column 6 is total_wtw_g */
        assert_int_equal(wtw, csv_mg(c, 6));
        assert_int_equal(strncmp(p, "{\"shipment_id\":\"", 16), 0);
        assert_int_equal(strncmp(p + 16, c, (size_t)(strchr(c, ',') - c)), 0);
        c = strchr(c, '\n') + 1;
        sum += wtw;
        lines++;
    }
    assert_int_equal(lines, 12000);
    assert_int_equal(sum, all);

#if BOXCAR_HAVE_CBOR
    n = slurp_all("f0.cbor", a, sizeof a);
    assert_int_equal(slurp_all("f1.cbor", b, sizeof b), n);
    assert_memory_equal(a, b, n);
    size_t at = 0, items = 0;
    sum = 0;
    while (at < n) {
        struct cbor_load_result lr;
        cbor_item_t *it = cbor_load((cbor_data)a + at, n - at, &lr);
        assert_non_null(it);
        at += lr.read;
        assert_true(cbor_isa_map(it));
        struct cbor_pair *pairs = cbor_map_handle(it);
        for (size_t i = 0; i < cbor_map_size(it); i++)
            if (cbor_string_length(pairs[i].key) == 12 &&
                memcmp(cbor_string_handle(pairs[i].key), "total_wtw_mg", 12) == 0)
                sum += (long long)cbor_get_int(pairs[i].value);
        cbor_decref(&it);
        items++;
    }
    assert_int_equal(items, 12000);
    assert_int_equal(sum, all);
#endif

    /* --by with json: the group's totals on standard output, the rows in
     * the -o file as JSON too; the mode rows add up to the total */
    snprintf(args, sizeof args, "%s --format json --by mode -o fm.jsonl", common);
    assert_int_equal(run(args), 0);
    sum = 0;
    lines = 0;
    for (const char *p = out_text; *p; p = strchr(p, '\n') + 1) {
        assert_int_equal(strncmp(p, "{\"group\":\"mode\",", 16), 0);
        sum += json_int(p, "total_wtw_mg");
        lines++;
    }
    assert_true(lines >= 4); /* road, rail, air, hub, packaging in the demo */
    assert_int_equal(sum, all);
    assert_int_equal(slurp_all("fm.jsonl", b, sizeof b), slurp_all("f0.jsonl", a, sizeof a));
    /* merge prints the same rows from the totals file */
    assert_int_equal(run("merge --format json --by all ft.csv"), 0);
    assert_int_equal(json_int(out_text, "total_wtw_mg"), all);
    assert_int_equal(json_int(out_text, "shipments"), 12000);
    assert_int_equal(run("merge --format xml ft.csv"), 2);
    snprintf(args, sizeof args, "%s --format xml", common);
    assert_int_equal(run(args), 2);
}

static const char bad_shipments[] =
    "shipment_id,date,mass_g,items,packaging,route_id,drop_km\n"
    "A1,2025-01-02,1000,1,5#,sha-pek-40t,\n"
    "A2,2025-01-02,-3,1,5#,sha-pek-40t,\n"
    "A3,2025-01-02,1000,1,5#,no-such-route,\n"
    "A4,2025-01-02,1000,1,5#,sh-city-evan-round,\n"
    "A5,2025-01-03,800,1,ldpe=20,sh-city-evan,\n";

/* Bad rows: reported with file, line and field, excluded and counted; the
 * rest computed; exit 3. */
static void test_bad_rows(void **state)
{
    (void)state;
    write_file("bad.csv", bad_shipments);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments bad.csv --totals bt.csv "
                         "--errors errors.csv"),
                     3);
    assert_non_null(strstr(err_text, "error: bad.csv:3:3: field 'mass_g'"));
    assert_non_null(strstr(err_text, "error: bad.csv:4: field 'route_id': shipment 'A3': "
                                     "unknown route 'no-such-route'"));
    assert_non_null(strstr(err_text, "error: bad.csv:5: field 'drop_km'"));
    assert_non_null(strstr(err_text, "5 shipments read, 2 computed, 3 excluded"));
    assert_non_null(strstr(out_text, "A1,sha-pek-40t,"));
    assert_non_null(strstr(out_text, "A5,sh-city-evan,"));
    assert_null(strstr(out_text, "A3,"));
    static char text[1 << 14];
    assert_true(slurp(in_dir("bt.csv"), text, sizeof text) > 0);
    assert_non_null(strstr(text, "\nall,all,2,"));
    assert_non_null(strstr(text, ",3,cn-2023,2023.3\n"));
    assert_true(slurp(in_dir("errors.csv"), text, sizeof text) > 0);
    assert_non_null(strstr(text, "file,line,field,message\nbad.csv,3,mass_g,"));
    assert_non_null(strstr(text, "\nbad.csv,4,route_id,"));

    /* --strict: the first bad row stops the run, nothing is written */
    assert_int_equal(run("carbon --routes " ROUTES " --shipments bad.csv --strict "
                         "--totals st.csv -o so.csv"),
                     3);
    assert_non_null(strstr(err_text, "nothing written"));
    assert_false(exists("st.csv"));
    assert_false(exists("so.csv"));

    /* a bad route: reported at its line; its shipments excluded */
    write_file("routes.csv", "route_id,element,category,distance_km\n"
                             "r1,leg,artic-40t-diesel-cn,100\n"
                             "r2,leg,artic-99t,100\n");
    write_file("s.csv", "shipment_id,date,mass_g,route_id\n"
                        "B1,2025-05-01,1000,r1\nB2,2025-05-01,1000,r2\n");
    assert_int_equal(run("carbon --routes routes.csv --shipments s.csv"), 3);
    assert_non_null(strstr(err_text, "routes.csv:3: field 'category': route 'r2': unknown "
                                     "toc id 'artic-99t'"));
    /* 1 kg x 100 km x 115.9 g/tkm = 11.59 g */
    assert_non_null(strstr(out_text, "B1,r1,11.590,"));
    assert_int_equal(run("carbon --routes routes.csv --shipments s.csv --strict"), 3);
}

/* WTW with no split is said, not passed off as TTW 0. 1000 kg through a
 * parcel site (4.1 kg/t, WTW only): 4.100 kg; 100 km on the 40 t artic
 * (26.84 / 89.06 / 115.9 g/tkm) x 100 tkm: WTT 2.684, TTW 8.906, WTW
 * 11.590 kg. Total WTW 15.690 kg, of which 4.100 kg has no split. */
static void test_unsplit_wtw_said(void **state)
{
    (void)state;
    write_file("u-routes.csv", "route_id,element,category,distance_km\n"
                               "u1,hub,hub-parcel-site-local,\n"
                               "u1,leg,artic-40t-diesel-cn,100\n");
    write_file("u-ship.csv", "shipment_id,date,mass_g,route_id\nU1,2025-05-01,1000000,u1\n");
    assert_int_equal(run("carbon --routes u-routes.csv --shipments u-ship.csv"), 0);
    assert_non_null(strstr(err_text, "total 15.690 kg CO2e WTW (WTT 2.684, TTW 8.906 kg)"));
    assert_non_null(strstr(err_text, "of the WTW, 4.100 kg comes from factors given as WTW "
                                     "only: its WTT and TTW are unknown (not zero)"));
}

/* --rounds: GLEC v3.0 Module 5 Table 2's round (5 t at 5 km, 2 t at 6, 1 t
 * at 10, 4 t at 8, 0.6 t at 6: 82.6 notional tkm) on 10 l of diesel (GLEC
 * Module 1: TTW 2.63, WTW 3.43 kg/l). Client 1: 25 / 82.6 of TTW 26.3 kg
 * and WTT 8.0 kg: 7 960 048 + 2 421 308 mg; client 4: 32 / 82.6:
 * 10 188 862 + 3 099 274 mg. Together WTT 5.520582, TTW 18.148910, WTW
 * 23.669492 kg. A shipment that is no drop of the round is refused (3). */
static void test_rounds_file(void **state)
{
    (void)state;
    write_file("r-routes.csv", "route_id,element,category,alloc,energy_id,energy_amount,round\n"
                               "t2,leg,van-diesel-cn,direct,diesel-eu,10,glec-t2\n");
    write_file("r-rounds.csv", "round_id,shipment_id,drop_km,mass_g\n"
                               "glec-t2,client-1,5,5000000\n"
                               "glec-t2,client-2,6,2000000\n"
                               "glec-t2,client-3,10,1000000\n"
                               "glec-t2,client-4,8,4000000\n"
                               "glec-t2,client-5,6,600000\n");
    write_file("r-ship.csv", "shipment_id,date,mass_g,route_id\n"
                             "client-1,2025-05-01,5000000,t2\n"
                             "client-4,2025-05-01,4000000,t2\n");
    assert_int_equal(run("carbon --routes r-routes.csv --rounds r-rounds.csv "
                         "--shipments r-ship.csv"),
                     0);
    assert_non_null(strstr(err_text, "total 23.669 kg CO2e WTW (WTT 5.521, TTW 18.149 kg)"));
    write_file("r-ship2.csv", "shipment_id,date,mass_g,route_id\n"
                              "client-6,2025-05-01,5000000,t2\n");
    assert_int_equal(run("carbon --routes r-routes.csv --rounds r-rounds.csv "
                         "--shipments r-ship2.csv"),
                     3);
    assert_non_null(strstr(err_text, "r-ship2.csv:2"));
    assert_non_null(strstr(err_text, "not a drop of round 'glec-t2'"));
    /* without the rounds file the route is bad, at its line */
    assert_int_equal(run("carbon --routes r-routes.csv --shipments r-ship.csv"), 3);
    assert_non_null(strstr(err_text, "round 'glec-t2' needs a rounds file"));
}

static void test_merge_refuses_mixed_sets(void **state)
{
    (void)state;
    write_file("ok.csv", "shipment_id,date,mass_g,packaging,route_id\n"
                         "C1,2025-03-01,1000,ldpe=20,can-pek-air\n");
    assert_int_equal(run("carbon --routes " ROUTES " --shipments ok.csv --totals cn.csv "
                         "-o rows-ignored.csv"),
                     0);
    /* the GLEC set has no *-cn road categories: its own small route file */
    write_file("g-routes.csv", "route_id,element,category,distance_km\n"
                               "can-pek-air,leg,air-belly-long,1881\n");
    assert_int_equal(run("carbon --factors glec-v3.0 --routes g-routes.csv --shipments ok.csv "
                         "--totals glec.csv -o rows-ignored.csv"),
                     0);
    assert_int_equal(run("merge cn.csv glec.csv"), 3);
    assert_non_null(strstr(err_text, "glec.csv: merge: factor set glec-v3.0"));
    write_file("tampered.csv", "group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,"
                               "transport_wtw_mg,hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,"
                               "total_wtt_mg,total_ttw_mg,total_wtw_mg,excluded,factor_set,"
                               "factor_version,activity_actual_gkm,activity_sfd_gkm,"
                               "activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,"
                               "default_wtw_mg\n"
                               "all,all,1,1,0,0,5,0,0,0,0,0,0,99,0,cn-2023,2023.3,0,0,0,0,0,"
                               "99\n");
    assert_int_equal(run("merge cn.csv tampered.csv"), 3);
    assert_non_null(strstr(err_text, "tampered.csv:2:14: field 'total_wtw_mg'"));
}

static void test_factors(void **state)
{
    (void)state;
    assert_int_equal(run("factors list"), 0);
    assert_non_null(strstr(out_text, "glec-v3.0"));
    assert_non_null(strstr(out_text, "cn-2023"));
    assert_int_equal(run("factors show cn-2023"), 0);
    assert_non_null(strstr(out_text, "factor set cn-2023, version 2023.3, reported as "
                                     "co2e-ar6"));
    assert_non_null(strstr(out_text, "UNCONFIRMED"));
    assert_non_null(strstr(out_text, "= 1.1 kWh x elec-cn-lca-2024"));
    /* 1.1 kWh/tkm x 577.7 g/kWh = 635.47 g/tkm, printed as the data gives
     * it, not as the binary product 635.4700000000001 */
    assert_non_null(strstr(out_text, " 635.47 "));
    assert_null(strstr(out_text, "635.4700000"));
    /* the CO2-only grid factors are a set of their own, on basis co2 */
    assert_int_equal(run("factors show cn-2023-co2"), 0);
    assert_non_null(strstr(out_text, "reported as co2\n"));
    assert_non_null(strstr(out_text, "elec-cn-grid-2023-shanghai "));
    assert_null(strstr(out_text, "basis:"));
    /* a per-TEU row and what it is per tonne: 89.0 / 10 = 8.9 g/tkm */
    assert_int_equal(run("factors show glec-v3.0"), 0);
    assert_non_null(strstr(out_text, "= 8.9 g/tkm WTW at 10 t per TEU\n"));
    assert_int_equal(run("factors show --kind hoc glec-v3.0"), 0);
    assert_null(strstr(out_text, "\ntoc "));
    assert_non_null(strstr(out_text, "hub-transshipment-ambient"));
    assert_int_equal(run("factors diff glec-v3.0 cn-2023"), 0);
    assert_non_null(strstr(out_text, "- toc van-diesel:"));
    assert_non_null(strstr(out_text, "+ toc van-diesel-cn:"));
    assert_non_null(strstr(out_text, "differences\n"));
    assert_int_equal(run("factors diff cn-2023 cn-2023"), 0);
    assert_non_null(strstr(out_text, "0 differences"));
    write_file("bad-set.csv", "kind,id,mode,unit,wtt,ttw,wtw,quality,confirmed,source,version\n"
                              "set,b,,,,,,,,s,1\n");
    assert_int_equal(run("factors show bad-set.csv"), 3);
}

/* Monte Carlo columns: same seed, same bytes; another seed, other figures. */
static void test_uncertainty(void **state)
{
    (void)state;
    write_file("u.csv", "shipment_id,date,mass_g,packaging,route_id\n"
                        "D1,2025-03-01,1000,5#,sha-pek-40t\n"
                        "D2,2025-03-02,2500,ldpe=20,can-pek-air\n");
#if BOXCAR_HAVE_GSL
    static char a[1 << 14], b[1 << 14];
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 300 "
                         "--seed 9 -o u1.csv"),
                     0);
    assert_non_null(strstr(err_text, "factor uncertainty (300 draws, seed 9)"));
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 300 "
                         "--seed 9 -o u2.csv"),
                     0);
    size_t n = slurp(in_dir("u1.csv"), a, sizeof a);
    assert_int_equal(slurp(in_dir("u2.csv"), b, sizeof b), n);
    assert_memory_equal(a, b, n);
    assert_non_null(strstr(a, ",total_wtw_mean_g,total_wtw_p2_5_g,total_wtw_p97_5_g\n"));
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 300 "
                         "--seed 10 -o u3.csv"),
                     0);
    assert_true(slurp(in_dir("u3.csv"), b, sizeof b) != n || memcmp(a, b, n) != 0);
    /* intervals by route: each route has one shipment here, so its
     * interval is that shipment's (to the mg: the sums run in another
     * order) */
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 300 "
                         "--seed 9 --by route --format json"),
                     0);
    const char *air = strstr(out_text, "\"key\":\"can-pek-air\"");
    assert_non_null(air);
    const char *d2 = strstr(a, "\nD2,");
    assert_non_null(d2);
    long long mean = csv_mg(d2 + 1, 27), hi = csv_mg(d2 + 1, 29);
    assert_true(llabs(json_int(air, "total_wtw_mean_mg") - mean) <= 1);
    assert_true(llabs(json_int(air, "total_wtw_p97_5_mg") - hi) <= 1);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 300 "
                         "--by mode"),
                     0);
    assert_non_null(strstr(out_text, "  wtw_mean_kg  wtw_p2_5_kg wtw_p97_5_kg\n"));
    assert_non_null(strstr(out_text, "95 % intervals of WTW"));
#else
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 300"), 1);
    assert_non_null(strstr(err_text, "needs GSL"));
#endif
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 1"), 2);
    /* factor draws are not split by energy carrier: no intervals by it */
    assert_int_equal(run("carbon --routes " ROUTES " --shipments u.csv --uncertainty 300 "
                         "--by energy"),
                     2);
    assert_non_null(strstr(err_text, "no intervals by energy carrier"));
}

/* From orders to carbon without a shipments file: `boxcar carbon --packing`
 * takes the boxes of `boxcar pack --format csv`. The orders, worked out by
 * hand against the cn-express series:
 *   A: one 100 mm cube of 500 g. 9#-12# are less than 100 mm wide inside
 *      (99, 89, 79, 74 mm), so the smallest box is 8# (204x104x128, tare
 *      75 g): shipment A-1 of 575 g, 1 item;
 *   B: two 50 mm cubes of 200 g: 12# (124x74x78, tare 34 g) holds them side
 *      by side: shipment B-1 of 434 g, 2 items;
 *   C: a 2 m sofa no box holds: no shipment.
 * The same shipments written by hand, read by --shipments, must give the
 * same per-shipment figures and totals, byte for byte. A goes by the
 * default route; B by its row in the order-routes file, a multi-drop round
 * with its drop distance. */
static void test_packing_as_shipments(void **state)
{
    (void)state;
    write_file("po.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                         "A,cube,1,100,100,100,500\n"
                         "B,small,2,50,50,50,200\n"
                         "C,sofa,1,2000,900,800,40000\n");
    write_file("po-routes.csv", "order_id,route_id,drop_km\nB,sh-city-evan-round,3.5\n");
    assert_int_equal(run("pack --orders po.csv --format csv -o po-boxes.csv --no-progress"), 0);
    slurp(in_dir("po-boxes.csv"), out_text, sizeof out_text);
    assert_non_null(strstr(out_text, "\nA,1,8#,1,"));
    assert_non_null(strstr(out_text, "\nB,1,12#,2,"));
    int rc = run("carbon --routes " ROUTES " --packing po-boxes.csv --date 2025-06-01 "
                 "--route sha-pek-40t --order-routes po-routes.csv -o po-carbon.csv "
                 "--totals po-totals.csv --no-progress");
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    assert_non_null(strstr(err_text, "2 shipments read, 2 computed, 0 excluded"));
    assert_non_null(strstr(err_text, "1 rows without a box"));
    write_file("po-ship.csv", "shipment_id,date,mass_g,items,packaging,route_id,drop_km\n"
                              "A-1,2025-06-01,575,1,8#,sha-pek-40t,\n"
                              "B-1,2025-06-01,434,2,12#,sh-city-evan-round,3.5\n");
    rc = run("carbon --routes " ROUTES " --shipments po-ship.csv -o hand-carbon.csv "
             "--totals hand-totals.csv --no-progress");
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    static char a[1 << 14], b[1 << 14];
    slurp(in_dir("po-carbon.csv"), a, sizeof a);
    slurp(in_dir("hand-carbon.csv"), b, sizeof b);
    assert_non_null(strstr(a, "\nA-1,sha-pek-40t,"));
    assert_non_null(strstr(a, "\nB-1,sh-city-evan-round,"));
    assert_string_equal(a, b);
    slurp(in_dir("po-totals.csv"), a, sizeof a);
    slurp(in_dir("hand-totals.csv"), b, sizeof b);
    assert_string_equal(a, b);

    /* an order with no route, and none by default: that box is bad input,
     * named, and the other is computed */
    rc = run("carbon --routes " ROUTES " --packing po-boxes.csv --date 2025-06-01 "
             "--order-routes po-routes.csv -o po-carbon2.csv --no-progress");
    assert_int_equal(rc, 3);
    assert_non_null(strstr(err_text, "po-boxes.csv:2: field 'order_id': order 'A' has no route"));
    assert_non_null(strstr(err_text, "2 shipments read, 1 computed, 1 excluded"));
    /* usage: a packing has no date; --route goes with --packing */
    assert_int_equal(run("carbon --routes " ROUTES " --packing po-boxes.csv --route x"), 2);
    assert_non_null(strstr(err_text, "--packing needs --date"));
    assert_int_equal(run("carbon --routes " ROUTES " --shipments po-ship.csv --route x"), 2);
    /* not a packing file */
    assert_int_equal(run("carbon --routes " ROUTES " --packing po-ship.csv --date 2025-06-01 "
                         "--route sha-pek-40t --no-progress"), 3);
    assert_non_null(strstr(err_text, "no column 'order_id'"));
}

#if BOXCAR_HAVE_GSL
/* The demo cut into k shards of consecutive rows, "dK-I.csv". */
static void cut(int k)
{
    static char all[2 << 20];
    size_t n = slurp(SHIPMENTS, all, sizeof all);
    assert_true(n > 0);
    char *body = strchr(all, '\n') + 1;
    long rows = 0;
    for (char *p = body; *p; p++)
        rows += *p == '\n';
    char *p = body;
    for (int i = 0; i < k; i++) {
        char name[32];
        snprintf(name, sizeof name, "d%d-%d.csv", k, i);
        FILE *fp = fopen(in_dir(name), "wb");
        assert_non_null(fp);
        fwrite(all, 1, (size_t)(body - all), fp);
        for (long r = rows * i / k; r < rows * (i + 1) / k; r++) {
            char *e = strchr(p, '\n');
            fwrite(p, 1, (size_t)(e - p) + 1, fp);
            p = e + 1;
        }
        fclose(fp);
    }
}

/* The line of the summary that gives the total's interval. */
static void interval_line(char *out, size_t size)
{
    const char *p = strstr(err_text, "  factor uncertainty (");
    assert_non_null(p);
    size_t len = (size_t)(strchr(p, '\n') - p);
    assert_true(len < size);
    memcpy(out, p, len);
    out[len] = '\0';
}
#endif

/* The interval of the run's total merges: shards run with the same seed
 * write their draws, boxcar merge adds them draw by draw, and 1, 2 and 5
 * shards give the single run's draws and interval byte for byte. Draws of
 * another seed or number, or a shard's draws missing, are refused. */
static void test_draws_merge(void **state)
{
    (void)state;
#if BOXCAR_HAVE_GSL
#define MC " --routes " ROUTES " --containers " CONTAINERS " --uncertainty 200 --no-progress"
    assert_int_equal(run("carbon" MC " --seed 11 --shipments " SHIPMENTS
                         " --totals one-t.csv --draws one-d.csv -o rows-ignored.csv"),
                     0);
    static char want_line[256], line[256], a[1 << 16], b[1 << 16];
    interval_line(want_line, sizeof want_line);
    size_t la = slurp(in_dir("one-d.csv"), a, sizeof a);
    assert_true(la > 0);
    assert_non_null(strstr(a, "\n200,"));
    assert_non_null(strstr(a, ",200,11,12000,"));
    const int ks[] = {1, 2, 5};
    for (size_t j = 0; j < 3; j++) {
        int k = ks[j];
        cut(k);
        char args[2048], *q = args;
        for (int i = 0; i < k; i++) {
            snprintf(args, sizeof args,
                     "carbon" MC " --seed 11 --shipments d%d-%d.csv --totals t%d-%d.csv "
                     "--draws w%d-%d.csv -o rows-ignored.csv",
                     k, i, k, i, k, i);
            assert_int_equal(run(args), 0);
        }
        /* the draws listed before, between and after the totals */
        q += snprintf(q, sizeof args, "merge -o mt%d.csv --draws md%d.csv", k, k);
        for (int i = k - 1; i >= 0; i--)
            q += snprintf(q, sizeof args - (size_t)(q - args), " w%d-%d.csv t%d-%d.csv", k, i,
                          k, i);
        int rc = run(args);
        if (rc != 0)
            fail_msg("%d shards: exit %d: %s", k, rc, err_text);
        interval_line(line, sizeof line);
        assert_string_equal(line, want_line);
        char merged[16];
        snprintf(merged, sizeof merged, "md%d.csv", k);
        assert_int_equal(slurp(in_dir(merged), b, sizeof b), la);
        assert_memory_equal(a, b, la);
    }
    /* the merged draws merge again */
    assert_int_equal(run("merge mt5.csv md5.csv --draws again.csv"), 0);
    assert_int_equal(slurp(in_dir("again.csv"), b, sizeof b), la);
    assert_memory_equal(a, b, la);
    interval_line(line, sizeof line);
    assert_string_equal(line, want_line);

    /* a shard of another seed, or another number of draws: another world */
    assert_int_equal(run("carbon" MC " --seed 12 --shipments d2-1.csv --totals x-t.csv "
                         "--draws x-seed.csv -o rows-ignored.csv"),
                     0);
    assert_int_equal(run("merge t2-0.csv w2-0.csv x-t.csv x-seed.csv"), 3);
    assert_non_null(strstr(err_text, "x-seed.csv"));
    assert_non_null(strstr(err_text, "another seed"));
    assert_int_equal(run("carbon --routes " ROUTES " --containers " CONTAINERS
                         " --uncertainty 100 --no-progress --seed 11 --shipments d2-1.csv "
                         "--draws x-n.csv -o rows-ignored.csv"),
                     0);
    assert_int_equal(run("merge t2-0.csv w2-0.csv t2-1.csv x-n.csv --draws no.csv"), 3);
    assert_non_null(strstr(err_text, "another number of draws"));
    assert_false(exists("no.csv"));
    /* a shard's draws missing: they cover fewer shipments than the totals */
    assert_int_equal(run("merge t2-0.csv w2-0.csv t2-1.csv --draws no.csv"), 3);
    assert_non_null(strstr(err_text, "the draws cover 6000 shipments, the totals 12000"));
    assert_false(exists("no.csv"));
    /* a cut file */
    size_t lw = slurp(in_dir("w2-1.csv"), b, sizeof b);
    b[lw / 2] = '\0';
    *strrchr(b, '\n') = '\0';
    write_file("cut.csv", b);
    assert_int_equal(run("merge t2-0.csv w2-0.csv t2-1.csv cut.csv"), 3);
    assert_non_null(strstr(err_text, "cut.csv"));
    assert_non_null(strstr(err_text, "not a complete draw totals file"));
    /* usage: --draws without draws to write or to merge */
    assert_int_equal(run("carbon --routes " ROUTES " --shipments d2-1.csv --draws x.csv"), 2);
    assert_int_equal(run("merge t2-0.csv --draws x.csv"), 2);
    assert_int_equal(run("merge w2-0.csv"), 2);
#undef MC
#else
    assert_int_equal(run("carbon --routes " ROUTES " --shipments " SHIPMENTS " --draws x.csv"),
                     2);
#endif
}

/* --range: two byte ranges of one file, each after the header, give the
 * single run's totals merged; a bad row is named FILE@START-END with its
 * line counted from the header; a range off a line start or inside the
 * header is a usage error. Offsets counted in the file written here (the
 * fourth row has a negative mass). */
static void test_range(void **state)
{
    (void)state;
    write_file("rg.csv", "shipment_id,date,mass_g,packaging,route_id\n"
                         "R1,2025-03-01,1000,5#,sha-pek-40t\n"
                         "R2,2025-03-02,2000,5#,sha-pek-40t\n"
                         "R3,2025-03-03,3000,5#,sha-pek-40t\n"
                         "R4,2025-03-04,-400,5#,sha-pek-40t\n");
    /* a header of 43 bytes, rows of 34: they start at 43, 77, 111, 145; 179 is the end */
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --totals rg-one.csv "
                         "--by route --no-progress"),
                     3);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 43-111 "
                         "--totals rg-a.csv --by route --no-progress"),
                     0);
    assert_non_null(strstr(err_text, "2 shipments read, 2 computed"));
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 111-179 "
                         "--totals rg-b.csv --by route --no-progress"),
                     3);
    assert_non_null(strstr(err_text, "rg.csv@111-179:3:"));
    assert_int_equal(run("merge -o rg-m.csv rg-a.csv rg-b.csv"), 0);
    static char a[1 << 14], b[1 << 14];
    size_t n = slurp(in_dir("rg-one.csv"), a, sizeof a);
    assert_true(n > 0);
    assert_int_equal(slurp(in_dir("rg-m.csv"), b, sizeof b), n);
    assert_memory_equal(a, b, n);
    /* an empty range reads no shipment */
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 77-77 "
                         "--by route --no-progress"),
                     0);
    assert_non_null(strstr(err_text, "0 shipments read"));
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 44-111 --by route"),
                     2);
    assert_non_null(strstr(err_text, "start of a line"));
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 43-100 --by route"),
                     2);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 0-111 --by route"),
                     2);
    assert_non_null(strstr(err_text, "after the header line"));
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 43-999 --by route"),
                     2);
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.csv --range 111-43 --by route"),
                     2);
    /* JSON Lines have no header line to repeat: by name, and by content */
    write_file("rg.jsonl", "{\"shipment_id\":\"J1\",\"date\":\"2025-03-01\",\"mass_g\":1000,"
                           "\"route_id\":\"sha-pek-40t\"}\n");
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg.jsonl --range 0-0 --by route"),
                     2);
    assert_non_null(strstr(err_text, "CSV"));
    write_file("rg-json.txt", "{\"shipment_id\":\"J1\",\"date\":\"2025-03-01\",\"mass_g\":1000,"
                              "\"route_id\":\"sha-pek-40t\"}\n{\"shipment_id\":\"J2\"}\n");
    assert_int_equal(run("carbon --routes " ROUTES " --shipments rg-json.txt --range 80-101 "
                         "--by route"),
                     2);
    assert_non_null(strstr(err_text, "CSV file with a header line"));
}

/* Each key's draw d summed over the keys of a by-month draws file (every
 * shipment's draw goes whole to its month), and the run's draw d: equal,
 * draw by draw. Rows: draw,total_wtw_mg,draws,seed,shipments,set,version,
 * group,key. */
static void month_draws_add_up(const char *text, int draws)
{
    static long long run_mg[512], keys_mg[512];
    memset(run_mg, 0, sizeof run_mg);
    memset(keys_mg, 0, sizeof keys_mg);
    int keys = 0;
    for (const char *p = strchr(text, '\n'); p != NULL && p[1] != '\0'; p = strchr(p + 1, '\n')) {
        int draw;
        long long mg;
        assert_int_equal(sscanf(p + 1, "%d,%lld,", &draw, &mg), 2);
        assert_true(draw >= 1 && draw <= draws);
        const char *group = p + 1;
        for (int c = 0; c < 7; c++)
            group = strchr(group, ',') + 1;
        if (strncmp(group, "all,", 4) == 0) {
            run_mg[draw - 1] += mg;
        } else {
            assert_int_equal(strncmp(group, "month,", 6), 0);
            keys_mg[draw - 1] += mg;
            keys += draw == 1;
        }
    }
    assert_true(keys >= 2);
    for (int d = 0; d < draws; d++)
        assert_true(run_mg[d] == keys_mg[d] && run_mg[d] != 0);
}

/* --by G with --uncertainty: each key's interval from 1, 2 and 5 shards'
 * draws, merged, is the single run's table byte for byte (by month, by
 * mode), and so is the merged draws file; by month each draw's keys add
 * up to the run's draw. Draws of another group, or of none, are another
 * world. */
static void test_group_draws_merge(void **state)
{
    (void)state;
#if BOXCAR_HAVE_GSL
#define MC " --routes " ROUTES " --containers " CONTAINERS " --uncertainty 200 --no-progress"
    const char *groups[] = {"month", "mode"};
    static char want[1 << 20], got[1 << 20], a[1 << 20], b[1 << 20];
    for (size_t g = 0; g < 2; g++) {
        char args[2048], *q;
        snprintf(args, sizeof args, "carbon" MC " --seed 11 --shipments " SHIPMENTS
                 " --by %s --format csv --draws g1-%s.csv", groups[g], groups[g]);
        assert_int_equal(run(args), 0);
        snprintf(want, sizeof want, "%s", out_text);
        assert_non_null(strstr(want, "total_wtw_p97_5_g\n"));
        char name[64];
        snprintf(name, sizeof name, "g1-%s.csv", groups[g]);
        size_t la = slurp(in_dir(name), a, sizeof a);
        assert_true(la > 0 && la < sizeof a - 1);
        a[la] = '\0';
        if (g == 0)
            month_draws_add_up(a, 200);
        const int ks[] = {1, 2, 5};
        for (size_t j = 0; j < 3; j++) {
            int k = ks[j];
            cut(k);
            for (int i = 0; i < k; i++) {
                snprintf(args, sizeof args,
                         "carbon" MC " --seed 11 --shipments d%d-%d.csv --totals t%d-%d.csv "
                         "--draws g%d-%d.csv --by %s --format csv",
                         k, i, k, i, k, i, groups[g]);
                assert_int_equal(run(args), 0);
            }
            q = args;
            q += snprintf(q, sizeof args, "merge --by %s --format csv --draws gm%d.csv",
                          groups[g], k);
            for (int i = k - 1; i >= 0; i--)
                q += snprintf(q, sizeof args - (size_t)(q - args), " g%d-%d.csv t%d-%d.csv",
                              k, i, k, i);
            int rc = run(args);
            if (rc != 0)
                fail_msg("%s, %d shards: exit %d: %s", groups[g], k, rc, err_text);
            snprintf(got, sizeof got, "%s", out_text);
            assert_string_equal(got, want);
            snprintf(name, sizeof name, "gm%d.csv", k);
            assert_int_equal(slurp(in_dir(name), b, sizeof b), la);
            assert_memory_equal(a, b, la);
        }
    }
    /* shards' draws by month and by mode, or by month and by none */
    assert_int_equal(run("carbon" MC " --seed 11 --shipments d2-0.csv --draws x-month.csv "
                         "--by month --format csv"),
                     0);
    assert_int_equal(run("carbon" MC " --seed 11 --shipments d2-1.csv --draws x-none.csv "
                         "-o rows-ignored.csv"),
                     0);
    assert_int_equal(run("merge t2-0.csv t2-1.csv x-month.csv g2-1.csv"), 3);
    assert_non_null(strstr(err_text, "another group"));
    assert_int_equal(run("merge t2-0.csv t2-1.csv x-month.csv x-none.csv --by month"), 3);
    assert_non_null(strstr(err_text, "x-none.csv"));
    assert_non_null(strstr(err_text, "another group"));
    /* --by another group than the draws': the table, no intervals, said */
    assert_int_equal(run("merge t2-0.csv t2-1.csv g2-0.csv g2-1.csv --by month --format csv"),
                     0);
    assert_null(strstr(out_text, "p97_5"));
    assert_non_null(strstr(err_text, "no intervals by month"));
    /* a key's draws twice, or a key's block cut short */
    size_t n = slurp(in_dir("x-month.csv"), a, sizeof a);
    a[n] = '\0';
    const char *first_key = strstr(a, ",month,");
    assert_non_null(first_key);
    const char *block = first_key;
    while (block > a && block[-1] != '\n')
        block--;
    const char *next = strstr(first_key, "\n1,");
    assert_non_null(next);
    snprintf(b, sizeof b, "%.*s%.*s", (int)(next + 1 - a), a, (int)(next + 1 - block), block);
    write_file("x-twice.csv", b);
    assert_int_equal(run("merge t2-0.csv x-twice.csv"), 3);
    assert_non_null(strstr(err_text, "appear twice"));
    snprintf(b, sizeof b, "%.*s", (int)(next - 40 - a), a);
    *strrchr(b, '\n') = '\0';
    strcat(b, "\n");
    write_file("x-short.csv", b);
    assert_int_equal(run("merge t2-0.csv x-short.csv"), 3);
    assert_non_null(strstr(err_text, "not a complete draw totals file"));
#undef MC
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_demo),
        cmocka_unit_test(test_packing_as_shipments),
        cmocka_unit_test(test_shards_merge),
        cmocka_unit_test(test_json_cbor),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_merge_refuses_mixed_sets),
        cmocka_unit_test(test_unsplit_wtw_said),
        cmocka_unit_test(test_factors),
        cmocka_unit_test(test_uncertainty),
        cmocka_unit_test(test_draws_merge),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_group_draws_merge),
        cmocka_unit_test(test_rounds_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
