/*
 * test_carbon_pool_usage.c: reusable containers amortised over their
 * pool's real trips (method 7 with bx_container_usage), on hand-worked
 * figures.
 *
 * The crate of these tests, worked once:
 *   make       1000 g of pp at 2.0 kg/kg     = 2000 g per container
 *   end of life 1000 g at 0.5 kg/kg          =  500 g per container
 *   washing    0.1 kWh at 0.5 kg/kWh         =   50 g per wash
 *   return     0.001 t x 100 km x 100 g/tkm  =   10 g per returned trip
 *   expected   2500 / 20 trips + 50 + 10     =  185 g per trip
 * It replaces 300 g of corrugated at 1.0 kg/kg: 300 g.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon.h"
#include "testutil.h"

static const char factors[] =
    "kind,id,mode,unit,wtt,ttw,wtw,energy,ref,gsd,quality,confirmed,basis,source,"
    "version,note\n"
    "set,pool-test,,,,,,,,,,,co2e-ar6,hand example,1,\n"
    "toc,road-100,road,g/tkm,,,100,,,,default,yes,,hand example,1,\n"
    "material,pp,,kg/kg,,,2.0,,,,default,yes,,hand example,1,\n"
    "eol,pp,,kg/kg,,,0.5,,,,default,yes,,hand example,1,\n"
    "material,corrugated,,kg/kg,,,1.0,,,,default,yes,,hand example,1,\n"
    "fuel,grid,,kg/kwh,,,0.5,,,,default,yes,,hand example,1,\n";

static const char routes[] = "route_id,element,category,distance_km,daf\n"
                             "ret,leg,road-100,100,none\n"
                             "line,leg,road-100,10,none\n";

static const char containers[] =
    "container_id,material,mass_g,wash_kwh,wash_energy,trips,return_route,replaces\n"
    "crate,pp,1000,0.1,grid,20,ret,corrugated=300\n"
    "crate2,pp,1000,0.1,grid,20,ret,corrugated=300\n";

typedef struct fixture {
    test_alloc ta;
    test_diags diags;
    bx_ctx *ctx;
    bx_factor_set *fs;
    bx_routes *routes;
    bx_containers *cont;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    assert_int_equal(bx_factor_set_read_mem(f->ctx, &f->fs, "f.csv", factors, strlen(factors)),
                     BX_OK);
    assert_int_equal(bx_routes_read_mem(f->ctx, &f->routes, "r.csv", routes, strlen(routes)),
                     BX_OK);
    assert_int_equal(bx_containers_read_mem(f->ctx, &f->cont, "containers.csv", containers,
                                            strlen(containers)),
                     BX_OK);
    memset(&f->diags, 0, sizeof f->diags);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bx_containers_free(f->cont);
    bx_routes_free(f->routes);
    bx_factor_set_free(f->fs);
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_blocks, 0);
    free(f);
    return 0;
}

static bx_container_life life(uint32_t trips, uint32_t returns, uint32_t washes,
                              bool lost_on_trip, bool ended)
{
    bx_container_life l = {trips, returns, washes, lost_on_trip, ended};
    return l;
}

static bx_status calc(fixture *f, const bx_container_usage *u, size_t n, bx_carbon **out)
{
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.containers = f->cont;
    opt.usage = u;
    opt.nusage = n;
    return bx_carbon_new(f->ctx, out, f->fs, f->routes, &opt);
}

/* Packaging of one shipment in the crate, in mg. */
static int64_t crate_mg(bx_carbon *c, const char *container)
{
    bx_shipment s;
    bx_shipment_init(&s);
    strcpy(s.shipment_id, "S1");
    strcpy(s.route_id, "line");
    strcpy(s.packaging, container);
    s.mass_g = 2000;
    bx_carbon_result r;
    assert_int_equal(bx_carbon_compute(c, &s, &r), BX_OK);
    assert_true(r.methods & BX_METHOD_REUSE);
    return r.packaging_mg;
}

/* Two live crates and one lost on its third trip.
 *   live, 5 trips, 5 back, 5 washes:   lifetime max(5, 20)  = 20
 *   live, 30 trips, 29 back, 29 washes, one under way:
 *                                      lifetime max(30, 20) = 30
 *   lost on its 3rd trip, 2 back, 2 washes: lifetime 3 (what it did)
 * Lifetime trips 20 + 30 + 3 = 53 (38 done + 15 remaining).
 *   make + eol   3 x 2500 / 53          = 141.509434 g
 *   ended trips  36 returned + 1 lost   = 37
 *   washing      50 x 36 / 37           =  48.648649 g
 *   return       10 x 36 / 37           =   9.729730 g
 *   per trip                            = 199.887812 g -> 199888 mg
 * Break-even against 300 g: ceil(2500 / (300 - 58.378378)) =
 * ceil(10.35) = 11. */
static void test_two_live_one_lost(void **state)
{
    fixture *f = *state;
    bx_container_usage u;
    assert_int_equal(bx_container_usage_init(&u, "crate"), BX_OK);
    bx_container_life a = life(5, 5, 5, false, false);
    bx_container_life b = life(30, 29, 29, false, false);
    bx_container_life c = life(3, 2, 2, true, true);
    bx_container_usage_add(&u, 20, &a);
    bx_container_usage_add(&u, 20, &b);
    bx_container_usage_add(&u, 20, &c);
    assert_int_equal(u.containers, 3);
    assert_int_equal(u.ended, 1);
    assert_int_equal(u.trips_done, 38);
    assert_int_equal(u.trips_remaining, 15);
    assert_int_equal(u.returns, 36);
    assert_int_equal(u.lost, 1);
    assert_int_equal(u.washes, 36);

    /* the calculator reads the usage once: a copy freed before use */
    bx_container_usage *heap = malloc(sizeof *heap);
    *heap = u;
    bx_carbon *calc_;
    assert_int_equal(calc(f, heap, 1, &calc_), BX_OK);
    free(heap);
    assert_int_equal(crate_mg(calc_, "crate"), 199888);

    bx_reuse_report rep;
    assert_int_equal(bx_carbon_reuse(calc_, "crate", &rep), BX_OK);
    assert_true(rep.real_usage);
    assert_int_equal(rep.trips, 20);
    assert_int_equal(rep.containers, 3);
    assert_int_equal(rep.ended, 1);
    assert_int_equal(rep.trips_done, 38);
    assert_int_equal(rep.lifetime_trips, 53);
    assert_int_equal(rep.trips_ended, 37);
    assert_true(fabs(rep.trips_basis - 53.0 / 3) < 1e-12);
    assert_true(fabs(rep.manufacture_g - 2000) < 1e-9);
    assert_true(fabs(rep.eol_g - 500) < 1e-9);
    assert_true(fabs(rep.washes_per_trip - 36.0 / 37) < 1e-12);
    assert_true(fabs(rep.return_rate - 36.0 / 37) < 1e-12);
    assert_true(fabs(rep.wash_g - 48.648649) < 1e-6);
    assert_true(fabs(rep.return_g - 9.729730) < 1e-6);
    assert_true(fabs(rep.per_trip_g - 199.887812) < 1e-6);
    assert_true(fabs(rep.expected_per_trip_g - 185) < 1e-9);
    assert_int_equal(rep.break_even_trips, 11);

    /* the method says so */
    bx_shipment s;
    bx_shipment_init(&s);
    strcpy(s.route_id, "line");
    strcpy(s.packaging, "crate");
    s.mass_g = 2000;
    bx_carbon_result r;
    assert_int_equal(bx_carbon_compute(calc_, &s, &r), BX_OK);
    char label[80];
    assert_string_equal(bx_method_label(r.methods, label, sizeof label),
                        "intensity+reuse+pool");
    /* crate2 has no pool usage: its expected figure, and one warning */
    assert_int_equal(crate_mg(calc_, "crate2"), 185000);
    assert_int_equal(bx_carbon_reuse(calc_, "crate2", &rep), BX_OK);
    assert_false(rep.real_usage);
    assert_true(fabs(rep.trips_basis - 20) < 1e-12);
    assert_true(fabs(rep.per_trip_g - rep.expected_per_trip_g) < 1e-12);
    assert_int_equal(f->diags.nwarnings, 1);
    assert_non_null(strstr(f->diags.all, "containers.csv:3: field 'container_id': container "
                                         "'crate2' has no containers in the pool: amortised "
                                         "over its expected 20 trips"));
    bx_carbon_free(calc_);
}

/* Two crates registered, no trip yet: each is expected to make its 20,
 * 2 x 2500 / 40 = 125 g, with the row's washing and return every trip:
 * 125 + 50 + 10 = 185 g, the expected figure. */
static void test_no_trips_yet(void **state)
{
    fixture *f = *state;
    bx_container_usage u;
    assert_int_equal(bx_container_usage_init(&u, "crate"), BX_OK);
    bx_container_life fresh = life(0, 0, 0, false, false);
    bx_container_usage_add(&u, 20, &fresh);
    bx_container_usage_add(&u, 20, &fresh);
    bx_carbon *c;
    assert_int_equal(calc(f, &u, 1, &c), BX_OK);
    assert_int_equal(crate_mg(c, "crate"), 185000);
    bx_reuse_report rep;
    assert_int_equal(bx_carbon_reuse(c, "crate", &rep), BX_OK);
    assert_true(rep.real_usage);
    assert_int_equal(rep.lifetime_trips, 40);
    assert_int_equal(rep.trips_ended, 0);
    assert_true(fabs(rep.washes_per_trip - 1) < 1e-12 && fabs(rep.return_rate - 1) < 1e-12);
    bx_carbon_free(c);
}

/* Every crate lost: one on its 3rd trip (2 back, 2 washes), one from the
 * shelf before any trip. Their whole footprint lies on the 3 trips made:
 *   make + eol   2 x 2500 / 3   = 1666.666667 g
 *   ended trips  2 + 1          = 3
 *   washing      50 x 2 / 3     =   33.333333 g
 *   return       10 x 2 / 3     =    6.666667 g
 *   per trip                    = 1706.666667 g -> 1706667 mg
 * One crate retired unused, nothing carried: at least 1 trip, so
 * 2500 + 50 + 10 = 2560 g (no trip ended: the row's washing and return).
 * One lost on its only trip, never back: 2500 g, no washing, no return. */
static void test_all_lost(void **state)
{
    fixture *f = *state;
    bx_container_usage u;
    assert_int_equal(bx_container_usage_init(&u, "crate"), BX_OK);
    bx_container_life on_trip = life(3, 2, 2, true, true);
    bx_container_life shelf = life(0, 0, 0, false, true);
    bx_container_usage_add(&u, 20, &on_trip);
    bx_container_usage_add(&u, 20, &shelf);
    assert_int_equal(u.trips_remaining, 0);
    bx_carbon *c;
    assert_int_equal(calc(f, &u, 1, &c), BX_OK);
    assert_int_equal(crate_mg(c, "crate"), 1706667);
    bx_carbon_free(c);

    assert_int_equal(bx_container_usage_init(&u, "crate"), BX_OK);
    bx_container_usage_add(&u, 20, &shelf);
    assert_int_equal(calc(f, &u, 1, &c), BX_OK);
    assert_int_equal(crate_mg(c, "crate"), 2560000);
    bx_reuse_report rep;
    assert_int_equal(bx_carbon_reuse(c, "crate", &rep), BX_OK);
    assert_int_equal(rep.lifetime_trips, 1);
    bx_carbon_free(c);

    assert_int_equal(bx_container_usage_init(&u, "crate"), BX_OK);
    bx_container_life gone = life(1, 0, 0, true, true);
    bx_container_usage_add(&u, 20, &gone);
    assert_int_equal(calc(f, &u, 1, &c), BX_OK);
    assert_int_equal(crate_mg(c, "crate"), 2500000);
    assert_int_equal(bx_carbon_reuse(c, "crate", &rep), BX_OK);
    assert_true(rep.wash_g == 0 && rep.return_g == 0 && rep.return_rate == 0);
    bx_carbon_free(c);
}

/* A pool type the table does not know is a warning, not an error; so is
 * a row whose usage has no containers. */
static void test_unknown_types_warn(void **state)
{
    fixture *f = *state;
    bx_container_usage u[2];
    assert_int_equal(bx_container_usage_init(&u[0], "ghost"), BX_OK);
    assert_int_equal(bx_container_usage_init(&u[1], "crate2"), BX_OK);
    bx_container_life one = life(1, 1, 1, false, false);
    bx_container_usage_add(&u[0], 0, &one);
    bx_carbon *c;
    assert_int_equal(calc(f, u, 2, &c), BX_OK);
    assert_int_equal(f->diags.nwarnings, 3);
    assert_non_null(strstr(f->diags.all, "container type 'ghost' (1 containers in the pool) "
                                         "has no row in containers.csv"));
    assert_non_null(strstr(f->diags.all, "'crate' has no containers in the pool"));
    assert_non_null(strstr(f->diags.all, "'crate2' has no containers in the pool"));
    assert_int_equal(crate_mg(c, "crate"), 185000);
    bx_carbon_free(c);
}

/* Usage that cannot be true, or that fights the trips option. */
static void test_bad_usage(void **state)
{
    fixture *f = *state;
    bx_carbon *c = (bx_carbon *)&c;
    bx_container_usage u[2];
    assert_int_equal(bx_container_usage_init(&u[0], "crate"), BX_OK);
    bx_container_life one = life(2, 1, 1, false, false);
    bx_container_usage_add(&u[0], 20, &one);
    u[1] = u[0];
    assert_int_equal(calc(f, u, 2, &c), BX_EINVAL);
    assert_null(c);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "given twice"));

    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.containers = f->cont;
    opt.usage = u;
    opt.nusage = 1;
    opt.trips = 10;
    assert_int_equal(bx_carbon_new(f->ctx, &c, f->fs, f->routes, &opt), BX_EINVAL);
    opt.trips = 0;
    opt.usage = NULL;
    assert_int_equal(bx_carbon_new(f->ctx, &c, f->fs, f->routes, &opt), BX_EINVAL);

    u[1].ended = 2; /* of 1 */
    assert_int_equal(calc(f, &u[1], 1, &c), BX_EINVAL);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "2 ended of 1 containers"));
    u[1] = u[0];
    u[1].lost = 2; /* 1 back + 2 lost of 2 trips */
    assert_int_equal(calc(f, &u[1], 1, &c), BX_EINVAL);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "1 returned and 2 lost of 2 trips"));
    u[1] = u[0];
    u[1].container_id[0] = '\0';
    assert_int_equal(calc(f, &u[1], 1, &c), BX_EINVAL);

    char longid[BX_ID_MAX + 1];
    memset(longid, 'x', BX_ID_MAX);
    longid[BX_ID_MAX] = '\0';
    assert_int_equal(bx_container_usage_init(&u[1], longid), BX_EINVAL);
    assert_int_equal(bx_container_usage_init(&u[1], NULL), BX_EINVAL);
}

/* A live container past its expected trips adds none remaining; counts
 * saturate instead of wrapping. */
static void test_usage_add(void **state)
{
    (void)state;
    bx_container_usage u;
    assert_int_equal(bx_container_usage_init(&u, "crate"), BX_OK);
    bx_container_life old = life(25, 25, 25, false, false);
    bx_container_usage_add(&u, 20, &old);
    assert_int_equal(u.trips_remaining, 0);
    bx_container_life young = life(4, 4, 4, false, false);
    bx_container_usage_add(&u, 0, &young); /* unknown expected trips */
    assert_int_equal(u.trips_remaining, 0);
    bx_container_usage_add(&u, 20, &young);
    assert_int_equal(u.trips_remaining, 16);
    u.trips_done = UINT64_MAX - 1;
    bx_container_usage_add(&u, 20, &old);
    assert_true(u.trips_done == UINT64_MAX);
    bx_container_usage_add(NULL, 20, &old);
}

/* Every allocation of a calculator with usage may fail: BX_ENOMEM and
 * nothing leaked. */
static void test_out_of_memory(void **state)
{
    fixture *f = *state;
    bx_container_usage u;
    assert_int_equal(bx_container_usage_init(&u, "crate"), BX_OK);
    bx_container_life a = life(5, 5, 5, false, false);
    bx_container_usage_add(&u, 20, &a);
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bx_factor_set *fs;
        bx_routes *rs;
        bx_containers *cs;
        assert_int_equal(bx_factor_set_read_mem(ctx, &fs, "f.csv", factors, strlen(factors)),
                         BX_OK);
        assert_int_equal(bx_routes_read_mem(ctx, &rs, "r.csv", routes, strlen(routes)), BX_OK);
        assert_int_equal(bx_containers_read_mem(ctx, &cs, "c.csv", containers,
                                                strlen(containers)),
                         BX_OK);
        ta.fail_at = ta.calls + n;
        bx_carbon_options opt;
        bx_carbon_options_init(&opt);
        opt.containers = cs;
        opt.usage = &u;
        opt.nusage = 1;
        bx_carbon *c = NULL;
        bx_status st = bx_carbon_new(ctx, &c, fs, rs, &opt);
        ta.fail_at = 0;
        /* one live crate, 5 trips of its 20: 2500 / 20 + 50 + 10 = 185 g */
        if (st == BX_OK)
            assert_int_equal(crate_mg(c, "crate"), 185000);
        else
            assert_int_equal(st, BX_ENOMEM);
        bx_carbon_free(c);
        bx_containers_free(cs);
        bx_routes_free(rs);
        bx_factor_set_free(fs);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
        if (st == BX_OK)
            break;
        assert_true(n < 1000);
    }
    (void)f;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_live_one_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_trips_yet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_types_warn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_usage, setup, teardown),
        cmocka_unit_test(test_usage_add),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
