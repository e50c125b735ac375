/*
 * test_carbon_uncertainty.c: Monte Carlo intervals (GSL builds only)
 * against the lognormal's closed forms, determinism, and draws shared by
 * every shipment of a total.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/uncertainty.h"
#include "testutil.h"

static const char factors[] =
    "kind,id,mode,unit,wtt,ttw,wtw,energy,ref,gsd,quality,confirmed,basis,source,"
    "version,note\n"
    "set,mc,,,,,,,,,,,co2e-ar6,test,1,\n"
    "toc,artic,road,g/tkm,22,73,95,,,1.5,default,yes,,GLEC,3.0,\n"
    "toc,exact,road,g/tkm,,,100,,,1,default,yes,,test,1,\n"
    "hoc,hub,,kg/t,,,0.6,,,,default,yes,,GLEC,3.0,\n"
    "material,pp,,kg/kg,,,2.58,,,1,default,no,,DEFRA,new,\n";

static const char routes[] = "route_id,element,category,distance_km,daf\n"
                             "line,leg,artic,1200,none\n"
                             "flat,leg,exact,1000,none\n"
                             "hubbed,hub,hub,,\n"
                             "hubbed,leg,exact,1000,none\n";

static const char containers[] = "container_id,material,mass_g,manufacture_kg,trips\n"
                                 "given,pp,1000,5,10\n";

typedef struct fixture {
    test_alloc ta;
    bx_ctx *ctx;
    bx_factor_set *fs;
    bx_routes *rs;
    bx_containers *cs;
    bx_carbon *calc;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    assert_int_equal(bx_factor_set_read_mem(f->ctx, &f->fs, "f.csv", factors,
                                            strlen(factors)),
                     BX_OK);
    assert_int_equal(bx_routes_read_mem(f->ctx, &f->rs, "r.csv", routes, strlen(routes)),
                     BX_OK);
    assert_int_equal(bx_containers_read_mem(f->ctx, &f->cs, "c.csv", containers,
                                            strlen(containers)),
                     BX_OK);
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.containers = f->cs;
    assert_int_equal(bx_carbon_new(f->ctx, &f->calc, f->fs, f->rs, &opt), BX_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bx_carbon_free(f->calc);
    bx_containers_free(f->cs);
    bx_routes_free(f->rs);
    bx_factor_set_free(f->fs);
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_blocks, 0);
    free(f);
    return 0;
}

static bx_shipment ship(const char *route, int64_t mass_g, const char *packaging)
{
    bx_shipment s;
    bx_shipment_init(&s);
    strcpy(s.shipment_id, "U1");
    strcpy(s.route_id, route);
    s.date = 20250601;
    s.mass_g = mass_g;
    strcpy(s.packaging, packaging);
    return s;
}

/* 2 kg x 1200 km x 95 g/tkm = 228 g, the median. With a lognormal of
 * sigma = ln 1.5 = 0.405465: mean 228 exp(sigma^2 / 2) = 247.53 g; 2.5 %
 * and 97.5 % points 228 exp(-/+1.959964 sigma) = 102.99 and 504.74 g.
 * 20,000 draws estimate these within about 1 %; 3 % is allowed. */
static void test_closed_form(void **state)
{
    fixture *f = *state;
    bx_uncertainty *u;
    assert_int_equal(bx_uncertainty_new(f->ctx, &u, f->calc, 20000, 42), BX_OK);
    bx_shipment s = ship("line", 2000, "");
    bx_interval iv;
    assert_int_equal(bx_uncertainty_shipment(u, &s, &iv), BX_OK);
    assert_true(fabs(iv.mean_g / 247.53 - 1) < 0.03);
    assert_true(fabs(iv.lo_g / 102.99 - 1) < 0.03);
    assert_true(fabs(iv.hi_g / 504.74 - 1) < 0.03);
    /* a factor without spread (gsd 1) gives a point: 1 kg x 1000 km x 100 */
    s = ship("flat", 1000, "");
    assert_int_equal(bx_uncertainty_shipment(u, &s, &iv), BX_OK);
    assert_true(fabs(iv.mean_g - 100) < 1e-9 && fabs(iv.lo_g - 100) < 1e-9 &&
                fabs(iv.hi_g - 100) < 1e-9);
    /* packaging given in kg is a constant: 5 kg / 10 trips = 500 g more,
     * the PP factor has gsd 1 and does not enter (manufacture is given) */
    s = ship("flat", 1000, "given");
    assert_int_equal(bx_uncertainty_shipment(u, &s, &iv), BX_OK);
    assert_true(fabs(iv.lo_g - 600) < 1e-9 && fabs(iv.hi_g - 600) < 1e-9);
    bx_uncertainty_free(u);
}

/* The same seed gives the same figures; another seed, others. */
static void test_deterministic(void **state)
{
    fixture *f = *state;
    bx_uncertainty *a, *b, *c;
    assert_int_equal(bx_uncertainty_new(f->ctx, &a, f->calc, 500, 7), BX_OK);
    assert_int_equal(bx_uncertainty_new(f->ctx, &b, f->calc, 500, 7), BX_OK);
    assert_int_equal(bx_uncertainty_new(f->ctx, &c, f->calc, 500, 8), BX_OK);
    bx_shipment s = ship("hubbed", 1500, "");
    bx_interval x, y, z;
    assert_int_equal(bx_uncertainty_shipment(a, &s, &x), BX_OK);
    assert_int_equal(bx_uncertainty_shipment(b, &s, &y), BX_OK);
    assert_int_equal(bx_uncertainty_shipment(c, &s, &z), BX_OK);
    assert_memory_equal(&x, &y, sizeof x);
    assert_true(x.lo_g != z.lo_g);
    /* the hub's default class (gsd 1.5) spreads only its 0.9 g: 1.5 kg x
     * 1000 km x 100 = 150 g exactly, plus 0.0015 t x 600 g/t */
    assert_true(x.lo_g > 150 && x.hi_g < 150 + 0.9 * 3);
    bx_uncertainty_free(a);
    bx_uncertainty_free(b);
    bx_uncertainty_free(c);
}

/* A total shares each factor's draw among its shipments: two equal
 * shipments give exactly twice the interval of one (independent draws
 * would give a relatively narrower one). */
static void test_total_shares_draws(void **state)
{
    fixture *f = *state;
    bx_uncertainty *u;
    assert_int_equal(bx_uncertainty_new(f->ctx, &u, f->calc, 1000, 1), BX_OK);
    bx_shipment s = ship("line", 2000, "");
    bx_interval one, total;
    assert_int_equal(bx_uncertainty_shipment(u, &s, &one), BX_OK);
    assert_int_equal(bx_uncertainty_add(u, &s), BX_OK);
    assert_int_equal(bx_uncertainty_add(u, &s), BX_OK);
    assert_int_equal(bx_uncertainty_total(u, &total), BX_OK);
    assert_true(fabs(total.lo_g - 2 * one.lo_g) < 1e-9 * total.lo_g);
    assert_true(fabs(total.hi_g - 2 * one.hi_g) < 1e-9 * total.hi_g);
    assert_true(fabs(total.mean_g - 2 * one.mean_g) < 1e-9 * total.mean_g);
    /* adding a point-valued shipment shifts the total by its value */
    bx_shipment p = ship("flat", 1000, "");
    assert_int_equal(bx_uncertainty_add(u, &p), BX_OK);
    bx_interval more;
    assert_int_equal(bx_uncertainty_total(u, &more), BX_OK);
    assert_true(fabs(more.lo_g - total.lo_g - 100) < 1e-9 * more.lo_g);
    bx_uncertainty_free(u);
}

static bx_uncertainty *mc(fixture *f, bx_totals_group by)
{
    bx_uncertainty *u;
    assert_int_equal(bx_uncertainty_new(f->ctx, &u, f->calc, 2000, 3), BX_OK);
    if (by != BX_BY_ALL)
        assert_int_equal(bx_uncertainty_by(u, by), BX_OK);
    return u;
}

/* Four shipments: A 2 kg on line, B 1.5 kg on hubbed (June), C 1 kg on
 * flat in the "given" container, D 1 kg on flat in July. */
static void four(bx_shipment s[4])
{
    s[0] = ship("line", 2000, "");
    s[1] = ship("hubbed", 1500, "");
    s[2] = ship("flat", 1000, "given");
    s[3] = ship("flat", 1000, "");
    s[3].date = 20250715;
}

/* Intervals by group. A group's row is the total of its own shipments:
 * the same figures as a second Monte Carlo (same seed) that was given only
 * those shipments, to the bit, since the same coefficients are summed in
 * the same order. Points are worked out by hand. */
static void test_by_group(void **state)
{
    fixture *f = *state;
    bx_shipment s[4];
    four(s);
    bx_interval iv, want;

    bx_uncertainty *u = mc(f, BX_BY_ROUTE), *only = mc(f, BX_BY_ALL);
    assert_int_equal(bx_uncertainty_group(u), BX_BY_ROUTE);
    for (int i = 0; i < 4; i++)
        assert_int_equal(bx_uncertainty_add(u, &s[i]), BX_OK);
    assert_int_equal(bx_uncertainty_add(only, &s[2]), BX_OK);
    assert_int_equal(bx_uncertainty_add(only, &s[3]), BX_OK);
    assert_int_equal(bx_uncertainty_total(only, &want), BX_OK);
    assert_int_equal(bx_uncertainty_key(u, "flat", &iv), BX_OK);
    assert_memory_equal(&iv, &want, sizeof iv);
    /* flat has no spread: 100 + (100 + 5 kg / 10 trips = 500) = 700 g */
    assert_true(fabs(iv.lo_g - 700) < 1e-9 && fabs(iv.hi_g - 700) < 1e-9);
    assert_int_equal(bx_uncertainty_key(u, "line", &iv), BX_OK);
    assert_true(iv.lo_g < 228 && iv.hi_g > 228); /* around the median 228 g */
    assert_int_equal(bx_uncertainty_key(u, "nowhere", &iv), BX_ENOTFOUND);
    assert_int_equal(bx_uncertainty_by(u, BX_BY_MONTH), BX_EINVAL); /* too late */
    bx_uncertainty_free(u);
    bx_uncertainty_free(only);

    /* by month: July is D alone, a point of 100 g */
    u = mc(f, BX_BY_MONTH);
    for (int i = 0; i < 4; i++)
        assert_int_equal(bx_uncertainty_add(u, &s[i]), BX_OK);
    assert_int_equal(bx_uncertainty_key(u, "2025-07", &iv), BX_OK);
    assert_true(fabs(iv.lo_g - 100) < 1e-9 && fabs(iv.hi_g - 100) < 1e-9);
    assert_int_equal(bx_uncertainty_key(u, "2025-06", &iv), BX_OK);
    bx_uncertainty_free(u);

    /* by packaging: the container's row is C alone, 600 g */
    u = mc(f, BX_BY_PACKAGING);
    for (int i = 0; i < 4; i++)
        assert_int_equal(bx_uncertainty_add(u, &s[i]), BX_OK);
    assert_int_equal(bx_uncertainty_key(u, "given", &iv), BX_OK);
    assert_true(fabs(iv.lo_g - 600) < 1e-9 && fabs(iv.hi_g - 600) < 1e-9);
    bx_uncertainty_free(u);

    /* by mode: a shipment's parts go to their own rows. Packaging is C's
     * 500 g (given in kg: a point); the hub is B's 0.0015 t x 600 g/t =
     * 0.9 g at the median; the means add up to the total's (the mean is
     * linear in the coefficients). */
    u = mc(f, BX_BY_MODE);
    for (int i = 0; i < 4; i++)
        assert_int_equal(bx_uncertainty_add(u, &s[i]), BX_OK);
    bx_interval road, hub, pack, total;
    assert_int_equal(bx_uncertainty_key(u, "road", &road), BX_OK);
    assert_int_equal(bx_uncertainty_key(u, "hub", &hub), BX_OK);
    assert_int_equal(bx_uncertainty_key(u, "packaging", &pack), BX_OK);
    assert_int_equal(bx_uncertainty_total(u, &total), BX_OK);
    assert_true(fabs(pack.lo_g - 500) < 1e-9 && fabs(pack.hi_g - 500) < 1e-9);
    assert_true(hub.lo_g < 0.9 && hub.hi_g > 0.9);
    assert_true(fabs(road.mean_g + hub.mean_g + pack.mean_g - total.mean_g) <
                1e-12 * total.mean_g);
    assert_int_equal(bx_uncertainty_key(u, "rail", &iv), BX_ENOTFOUND);
    bx_uncertainty_free(u);

    u = mc(f, BX_BY_ALL);
    assert_int_equal(bx_uncertainty_by(u, BX_BY_ALL), BX_EINVAL);
    assert_int_equal(bx_uncertainty_by(u, BX_BY_COUNT), BX_EINVAL);
    assert_int_equal(bx_uncertainty_key(u, "line", &iv), BX_ENOTFOUND);
    bx_uncertainty_free(u);
}

/* Out of memory while a group's row is made: the shipment is not added
 * anywhere, neither to its row nor to the total. */
static void test_by_group_oom(void **state)
{
    fixture *f = *state;
    bx_shipment s[4];
    four(s);
    bx_uncertainty *u = mc(f, BX_BY_MODE);
    f->ta.fail_at = f->ta.calls + 1;
    assert_int_equal(bx_uncertainty_add(u, &s[1]), BX_ENOMEM);
    f->ta.fail_at = 0;
    bx_interval iv;
    assert_int_equal(bx_uncertainty_total(u, &iv), BX_OK);
    assert_true(iv.mean_g == 0 && iv.hi_g == 0);
    assert_int_equal(bx_uncertainty_add(u, &s[1]), BX_OK);
    bx_interval one;
    assert_int_equal(bx_uncertainty_shipment(u, &s[1], &one), BX_OK);
    assert_int_equal(bx_uncertainty_total(u, &iv), BX_OK);
    assert_memory_equal(&iv, &one, sizeof iv);
    bx_uncertainty_free(u);
}

static void test_bad_use(void **state)
{
    fixture *f = *state;
    bx_uncertainty *u;
    assert_int_equal(bx_uncertainty_new(f->ctx, &u, f->calc, 1, 1), BX_EINVAL);
    assert_int_equal(bx_uncertainty_new(f->ctx, &u, f->calc, BX_UNCERTAINTY_MAX_DRAWS + 1, 1),
                     BX_EINVAL);
    assert_int_equal(bx_uncertainty_new(f->ctx, &u, f->calc, 10, 1), BX_OK);
    bx_shipment s = ship("nowhere", 1000, "");
    bx_interval iv;
    assert_int_equal(bx_uncertainty_shipment(u, &s, &iv), BX_EINVAL);
    s = ship("line", BX_MASS_UNKNOWN, "");
    assert_int_equal(bx_uncertainty_add(u, &s), BX_EINVAL);
    bx_uncertainty_free(u);
    /* out of memory at every allocation of new */
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bx_factor_set *fs;
        bx_routes *rs;
        bx_carbon *c;
        assert_int_equal(bx_factor_set_read_mem(ctx, &fs, "f.csv", factors, strlen(factors)),
                         BX_OK);
        assert_int_equal(bx_routes_read_mem(ctx, &rs, "r.csv", routes, strlen(routes)), BX_OK);
        assert_int_equal(bx_carbon_new(ctx, &c, fs, rs, NULL), BX_OK);
        ta.fail_at = ta.calls + n;
        bx_status st = bx_uncertainty_new(ctx, &u, c, 10, 1);
        uint64_t failures = ta.failures;
        ta.fail_at = 0;
        bx_uncertainty_free(st == BX_OK ? u : NULL);
        bx_carbon_free(c);
        bx_routes_free(rs);
        bx_factor_set_free(fs);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
        if (failures == 0) {
            assert_int_equal(st, BX_OK);
            break;
        }
        assert_int_equal(st, BX_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_closed_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_total_shares_draws, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_group_oom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_use, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
