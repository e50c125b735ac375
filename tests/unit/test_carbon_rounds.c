/*
 * test_carbon_rounds.c: multi-drop rounds from a rounds file (boxcar
 * carbon --rounds): the round's notional tkm and each drop's share come
 * from the file, as GLEC v3.0 Module 5 section 1.4 works them out.
 *
 * Fuel: GLEC v3.0 Module 1's diesel per litre, TTW 2.63, WTW 3.43 kg
 * (WTT 0.80), so 10 l is TTW 26.3 kg, WTT 8.0 kg, WTW 34.3 kg.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon.h"
#include "testutil.h"

static const char factors[] =
    "kind,id,mode,unit,wtt,ttw,wtw,energy,ref,gsd,quality,confirmed,basis,source,"
    "version,note\n"
    "set,rounds-test,,,,,,,,,,,co2e-ar6,GLEC Framework v3.0,3.0,\n"
    "toc,van,road,g/tkm,,,803,,,,default,yes,,GLEC v3.0,3.0,\n"
    "fuel,diesel-eu,,kg/l,,2.63,3.43,,,,default,yes,,GLEC v3.0 M1,3.0,\n";

static const char routes[] =
    "route_id,element,category,alloc,energy_id,energy_amount,run_tkm,run_items,round\n"
    /* GLEC's example round: 10 l */
    "glec,leg,van,direct,diesel-eu,10,,,glec-t2\n"
    /* collected on one round (1 l), delivered on another (2 l) */
    "both,leg,van,direct,diesel-eu,1,,,collect\n"
    "both,leg,van,direct,diesel-eu,2,,,deliver\n"
    /* an untracked round shared by items (1 l) */
    "items,leg,van,item,diesel-eu,1,,,parcels\n"
    "nowhere,leg,van,direct,diesel-eu,1,,,no-such-round\n"
    "given,leg,van,direct,diesel-eu,1,4.0,,collect\n"
    "mixed,leg,van,direct,diesel-eu,1,,,parcels\n"
    "bad,leg,van,direct,diesel-eu,1,,,bad-round\n";

/* GLEC v3.0 Module 5, Table 2: clients 1-5 of a round from point A, the
 * tonnes delivered and the SFD from A to each. */
static const char rounds_csv[] =
    "round_id,shipment_id,drop_km,mass_g,items\n"
    "glec-t2,client-1,5,5000000,\n"
    "glec-t2,client-2,6,2000000,\n"
    "glec-t2,client-3,10,1000000,\n"
    "glec-t2,client-4,8,4000000,\n"
    "glec-t2,client-5,6,600000,\n"
    /* collection: 100 kg x 10 km + 300 kg x 2 km = 1.6 tkm */
    "collect,s1,10,100000,\n"
    "collect,s2,2,300000,\n"
    /* delivery: 100 kg x 4 km + 300 kg x 12 km = 4.0 tkm */
    "deliver,s1,4,100000,\n"
    "deliver,s2,12,300000,\n"
    "parcels,p1,,,2\n"
    "parcels,p2,,,3\n"
    "parcels,p3,,,5\n"
    "bad-round,b1,5,1000,\n"
    "bad-round,b1,6,1000,\n";

typedef struct fixture {
    test_alloc ta;
    test_diags diags;
    bx_ctx *ctx;
    bx_factor_set *fs;
    bx_routes *routes;
    bx_rounds *rounds;
    bx_carbon *calc;
} fixture;

static int setup_with(void **state, const char *name, const void *rounds, size_t size)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    assert_int_equal(bx_factor_set_read_mem(f->ctx, &f->fs, "f.csv", factors, strlen(factors)),
                     BX_OK);
    assert_int_equal(bx_routes_read_mem(f->ctx, &f->routes, "routes.csv", routes,
                                        strlen(routes)),
                     BX_OK);
    assert_int_equal(bx_routes_invalid(f->routes), 1); /* "given": run_tkm with a round */
    assert_int_equal(bx_rounds_read_mem(f->ctx, &f->rounds, name, rounds, size), BX_OK);
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.rounds = f->rounds;
    assert_int_equal(bx_carbon_new(f->ctx, &f->calc, f->fs, f->routes, &opt), BX_OK);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, "rounds.csv", rounds_csv, strlen(rounds_csv));
}

static int teardown(void **state)
{
    fixture *f = *state;
    bx_carbon_free(f->calc);
    bx_rounds_free(f->rounds);
    bx_routes_free(f->routes);
    bx_factor_set_free(f->fs);
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_blocks, 0);
    free(f);
    return 0;
}

static bx_shipment ship(const char *id, const char *route, int64_t mass_g, int32_t items)
{
    bx_shipment s;
    bx_shipment_init(&s);
    strcpy(s.shipment_id, id);
    strcpy(s.route_id, route);
    s.date = 20250314;
    s.mass_g = mass_g;
    s.items = items;
    return s;
}

/* Table 2: notional tkm 25 + 12 + 10 + 32 + 3.6 = 82.6; each client's
 * share of the round's 26.3 kg TTW and 8.0 kg WTT, each rounded to the mg:
 *   client 1: 26.3e6 x 25 / 82.6 = 7 960 048.43, 8e6 x 25 / 82.6 =
 *             2 421 307.51 -> 7 960 048 + 2 421 308 = 10 381 356 mg;
 *   client 2: x 12: 3 820 823.24 + 1 162 227.60 -> 4 983 051;
 *   client 3: x 10: 3 184 019.37 +   968 523.00 -> 4 152 542;
 *   client 4: x 32: 10 188 861.99 + 3 099 273.61 -> 13 288 136;
 *   client 5: x 3.6: 1 146 246.97 +   348 668.28 -> 1 494 915.
 * They add up to 34 300 000 mg, the round's 34.3 kg. */
static void test_glec_table2_round(void **state)
{
    fixture *f = *state;
    static const char *const ids[5] = {"client-1", "client-2", "client-3", "client-4",
                                       "client-5"};
    static const int64_t mass[5] = {5000000, 2000000, 1000000, 4000000, 600000};
    static const int64_t want[5] = {10381356, 4983051, 4152542, 13288136, 1494915};
    bx_round_info info;
    assert_true(bx_rounds_get(f->rounds, "glec-t2", &info));
    assert_true(fabs(info.tkm - 82.6) < 1e-9);
    int64_t sum = 0;
    for (int i = 0; i < 5; i++) {
        bx_shipment s = ship(ids[i], "glec", mass[i], 1);
        s.drop_km = 999; /* the rounds file's distance is the one used */
        bx_carbon_result r;
        assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
        assert_int_equal(r.total.wtw_mg, want[i]);
        assert_true(r.methods & BX_METHOD_MULTIDROP);
        sum += r.total.wtw_mg;
    }
    assert_int_equal(sum, 34300000);
    /* the printed shares: 0.30, 0.15, 0.12, 0.39, 0.04 */
    assert_int_equal((int)(10381356 / 343000.0 + 0.5), 30);
    assert_int_equal((int)(1494915 / 343000.0 + 0.5), 4);
}

/* Collection round 1 l (3.43 kg WTW), delivery round 2 l (6.86 kg):
 *   s1: 1.0 / 1.6 = 0.625 of the first (TTW 1 643 750, WTT 500 000) and
 *       0.4 / 4.0 = 0.1 of the second (TTW 526 000, WTT 160 000):
 *       2 829 750 mg;
 *   s2: 0.375 and 0.9: 3.43 x 0.375 + 6.86 x 0.9 = 1.28625 + 6.174 kg =
 *       7 460 250 mg. Together the rounds' 10.29 kg. */
static void test_collection_and_delivery(void **state)
{
    fixture *f = *state;
    bx_carbon_result r;
    bx_shipment s = ship("s1", "both", 100000, 1);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
    assert_int_equal(r.transport.ttw_mg, 1643750 + 526000);
    assert_int_equal(r.transport.wtt_mg, 500000 + 160000);
    assert_int_equal(r.total.wtw_mg, 2829750);
    s = ship("s2", "both", 300000, 1);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
    assert_int_equal(r.total.wtw_mg, 7460250);
}

/* Items 2 + 3 + 5 = 10: p2's 3 items are 0.3 of 3.43 kg = 1 029 000 mg. */
static void test_item_round(void **state)
{
    fixture *f = *state;
    bx_carbon_result r;
    bx_shipment s = ship("p2", "items", BX_MASS_UNKNOWN, 3);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
    assert_int_equal(r.total.wtw_mg, 1029000);
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    bx_carbon_result r;
    /* not a drop of the round */
    bx_shipment s = ship("client-9", "glec", 1000, 1);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_EINPUT);
    assert_non_null(strstr(f->diags.last, "not a drop of round 'glec-t2'"));
    assert_int_equal(r.total.wtw_mg, 0);
    /* a second delivery round is missing for s3 */
    s = ship("s3", "both", 1000, 1);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_EINPUT);
    /* the shipment's mass is not its drop's: its share would not be the
     * round's (5.1 t against 5 t) */
    s = ship("client-1", "glec", 5100000, 1);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_EINPUT);
    assert_non_null(strstr(f->diags.last, "mass_g 5000000, the shipment 5100000"));
    /* routes that cannot use their round are bad, at their line */
    assert_int_equal(bx_carbon_bad_routes(f->calc), 4); /* and "given" */
    assert_non_null(strstr(f->diags.all, "routes.csv:6: field 'round'"));
    assert_non_null(strstr(f->diags.all, "no round 'no-such-round'"));
    assert_non_null(strstr(f->diags.all, "round 'parcels'"));       /* mixed: no drop_km */
    assert_non_null(strstr(f->diags.all, "round 'bad-round' has a bad drop"));
    assert_non_null(strstr(f->diags.all, "rounds.csv:15"));       /* b1 twice */
    assert_non_null(strstr(f->diags.all, "leave it out"));        /* given run_tkm */
    s = ship("x", "nowhere", 1000, 1);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_EINPUT);
}

/* The same drops as JSON, numbers as text or numbers. */
static void test_json_rounds(void **state)
{
    (void)state;
    static const char json[] =
        "[{\"round_id\":\"glec-t2\",\"shipment_id\":\"client-1\",\"drop_km\":5,\"mass_g\":5000000},"
        "{\"round_id\":\"glec-t2\",\"shipment_id\":\"client-2\",\"drop_km\":\"6\",\"mass_g\":2000000},"
        "{\"round_id\":\"glec-t2\",\"shipment_id\":\"client-3\",\"drop_km\":10,\"mass_g\":1000000},"
        "{\"round_id\":\"glec-t2\",\"shipment_id\":\"client-4\",\"drop_km\":8,\"mass_g\":4000000},"
        "{\"round_id\":\"glec-t2\",\"shipment_id\":\"client-5\",\"drop_km\":6,\"mass_g\":600000}]";
    void *st = NULL;
    setup_with(&st, "rounds.json", json, strlen(json));
    fixture *f = st;
    bx_round_info info;
    assert_true(bx_rounds_get(f->rounds, "glec-t2", &info));
    assert_true(fabs(info.tkm - 82.6) < 1e-9);
    assert_int_equal(bx_rounds_count(f->rounds), 1);
    assert_int_equal(bx_rounds_drops(f->rounds), 5);
    bx_shipment s = ship("client-4", "glec", 4000000, 1);
    bx_carbon_result r;
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
    assert_int_equal(r.total.wtw_mg, 13288136);
    teardown(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_glec_table2_round, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collection_and_delivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_item_round, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test(test_json_rounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
