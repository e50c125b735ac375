/*
 * test_carbon_uncertainty.c: Monte Carlo intervals (GSL builds only)
 * against the lognormal's closed forms, determinism, and draws shared by
 * every shipment of a total.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/draw_totals.h"
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
 * shipments give twice the interval of one (independent draws would give
 * a relatively narrower one). The total adds each shipment's draws rounded
 * to the mg, so twice one shipment is off by at most 2 x 0.5 mg per draw,
 * and an interpolated percentile by no more. */
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
    assert_true(fabs(total.lo_g - 2 * one.lo_g) <= 0.001 + 1e-9);
    assert_true(fabs(total.hi_g - 2 * one.hi_g) <= 0.001 + 1e-9);
    assert_true(fabs(total.mean_g - 2 * one.mean_g) <= 0.001 + 1e-9);
    assert_true(total.hi_g - total.lo_g > 100); /* a real spread, not a point */
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
     * linear in the coefficients), but for the rounding to the mg of each
     * shipment's draws in the total (0.5 mg) and of each of its parts (two
     * at most here, 0.5 mg each): at most 4 x 1.5 mg. */
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
    assert_true(fabs(road.mean_g + hub.mean_g + pack.mean_g - total.mean_g) <= 0.006 + 1e-9);
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
    /* the total rounds each draw of the shipment to the mg */
    assert_true(fabs(iv.mean_g - one.mean_g) <= 0.0005 + 1e-12);
    assert_true(fabs(iv.lo_g - one.lo_g) <= 0.0005 + 1e-12);
    assert_true(fabs(iv.hi_g - one.hi_g) <= 0.0005 + 1e-12);
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

/* ---- per-draw totals -------------------------------------------------- */

typedef struct buf {
    char data[1 << 20];
    size_t len;
} buf;

static int buf_write(void *ud, const void *data, size_t len)
{
    buf *b = ud;
    assert_true(b->len + len < sizeof b->data);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static void write_draws(const bx_draw_totals *d, buf *b)
{
    b->len = 0;
    assert_int_equal(bx_draw_totals_write(d, buf_write, b), BX_OK);
    b->data[b->len] = '\0';
}

/* Shards of a run, each with the same seed, add up to the run's draws
 * byte for byte, in any order, and give its total's interval to the bit;
 * the file reads back to the same bytes. */
static void test_draws_merge_as_one_run(void **state)
{
    fixture *f = *state;
    bx_shipment s[8];
    four(s);
    four(s + 4);
    s[4].mass_g = 777;
    s[5].mass_g = 4321;
    s[7].mass_g = 12345;
    bx_uncertainty *all = mc(f, BX_BY_ALL), *part[3];
    for (int i = 0; i < 8; i++)
        assert_int_equal(bx_uncertainty_add(all, &s[i]), BX_OK);
    /* shards of 3, 4 and 1 shipments */
    const int first[4] = {0, 3, 7, 8};
    for (int p = 0; p < 3; p++) {
        part[p] = mc(f, BX_BY_ALL);
        for (int i = first[p]; i < first[p + 1]; i++)
            assert_int_equal(bx_uncertainty_add(part[p], &s[i]), BX_OK);
    }
    bx_draw_totals *one, *merged, *back;
    assert_int_equal(bx_draw_totals_new(f->ctx, &one), BX_OK);
    assert_int_equal(bx_draw_totals_new(f->ctx, &merged), BX_OK);
    assert_int_equal(bx_draw_totals_new(f->ctx, &back), BX_OK);
    assert_int_equal(bx_uncertainty_draw_totals(all, one), BX_OK);
    for (int p = 2; p >= 0; p--)
        assert_int_equal(bx_uncertainty_draw_totals(part[p], merged), BX_OK);
    static buf a, b, c;
    write_draws(one, &a);
    write_draws(merged, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_non_null(strstr(a.data, "draw,total_wtw_mg,draws,seed,shipments,factor_set,"
                                   "factor_version\n1,"));
    assert_non_null(strstr(a.data, ",2000,3,8,mc,1\n")); /* draws, seed, shipments, set */
    bx_interval x, y;
    assert_int_equal(bx_uncertainty_total(all, &x), BX_OK);
    assert_int_equal(bx_draw_totals_interval(merged, &y), BX_OK);
    assert_memory_equal(&x, &y, sizeof x);
    assert_true(x.lo_g < x.mean_g && x.mean_g < x.hi_g);
    /* read back: the same bytes */
    assert_int_equal(bx_draw_totals_read_mem(back, "d.csv", a.data, a.len), BX_OK);
    write_draws(back, &c);
    assert_int_equal(a.len, c.len);
    assert_memory_equal(a.data, c.data, a.len);
    bx_draw_totals_info info = bx_draw_totals_info_get(back);
    assert_int_equal(info.draws, 2000);
    assert_int_equal(info.seed, 3);
    assert_int_equal(info.shipments, 8);
    assert_string_equal(info.set_id, "mc");
    bx_draw_totals_free(one);
    bx_draw_totals_free(merged);
    bx_draw_totals_free(back);
    for (int p = 0; p < 3; p++)
        bx_uncertainty_free(part[p]);
    bx_uncertainty_free(all);
}

/* The interval of five draws of 3, 1, 5, 2 and 4 g (in mg, out of order),
 * by hand: mean 3 g; the 2.5 % point at 0.025 x 4 = 0.1 between the first
 * two sorted draws, 0.9 x 1000 + 0.1 x 2000 = 1100 mg; the 97.5 % point at
 * 3.9, 0.1 x 4000 + 0.9 x 5000 = 4900 mg. */
static void test_draws_interval_by_hand(void **state)
{
    fixture *f = *state;
    static const char file[] = "draw,total_wtw_mg,draws,seed,shipments,factor_set,"
                               "factor_version\n"
                               "1,3000,5,18446744073709551615,2,x,1\n"
                               "2,1000,5,18446744073709551615,2,x,1\n"
                               "3,5000,5,18446744073709551615,2,x,1\n"
                               "4,2000,5,18446744073709551615,2,x,1\n"
                               "5,4000,5,18446744073709551615,2,x,1\n";
    bx_draw_totals *d;
    assert_int_equal(bx_draw_totals_new(f->ctx, &d), BX_OK);
    bx_interval iv;
    assert_int_equal(bx_draw_totals_interval(d, &iv), BX_ENOTFOUND);
    assert_int_equal(bx_draw_totals_read_mem(d, "d.csv", file, strlen(file)), BX_OK);
    assert_int_equal(bx_draw_totals_interval(d, &iv), BX_OK);
    assert_true(fabs(iv.mean_g - 3) < 1e-12);
    assert_true(fabs(iv.lo_g - 1.1) < 1e-12);
    assert_true(fabs(iv.hi_g - 4.9) < 1e-12);
    assert_true(bx_draw_totals_info_get(d).seed == UINT64_MAX);
    /* twice the same file: every draw doubles, so does the interval */
    assert_int_equal(bx_draw_totals_read_mem(d, "d.csv", file, strlen(file)), BX_OK);
    assert_int_equal(bx_draw_totals_interval(d, &iv), BX_OK);
    assert_true(fabs(iv.lo_g - 2.2) < 1e-12 && fabs(iv.hi_g - 9.8) < 1e-12);
    assert_int_equal(bx_draw_totals_info_get(d).shipments, 4);
    bx_draw_totals_free(d);
}

/* By month and by mode, shards' draw totals merged are the single run's
 * bytes, keys included, and an uncertainty object over them gives each
 * key's interval of the single run to the bit. */
static void test_group_draws_merge(void **state)
{
    fixture *f = *state;
    bx_shipment s[8];
    four(s);
    four(s + 4);
    s[4].mass_g = 777;
    s[5].mass_g = 4321;
    s[6].date = 20250802;
    const bx_totals_group groups[2] = {BX_BY_MONTH, BX_BY_MODE};
    const char *keys[2][4] = {{"2025-06", "2025-07", "2025-08", NULL},
                              {"road", "hub", "packaging", NULL}};
    static buf a, b;
    for (int g = 0; g < 2; g++) {
        bx_uncertainty *all = mc(f, groups[g]), *part[2];
        for (int i = 0; i < 8; i++)
            assert_int_equal(bx_uncertainty_add(all, &s[i]), BX_OK);
        for (int p = 0; p < 2; p++) {
            part[p] = mc(f, groups[g]);
            for (int i = p; i < 8; i += 2) /* every other shipment */
                assert_int_equal(bx_uncertainty_add(part[p], &s[i]), BX_OK);
        }
        bx_draw_totals *one, *merged;
        assert_int_equal(bx_draw_totals_new(f->ctx, &one), BX_OK);
        assert_int_equal(bx_draw_totals_new(f->ctx, &merged), BX_OK);
        assert_int_equal(bx_uncertainty_draw_totals(all, one), BX_OK);
        assert_int_equal(bx_uncertainty_draw_totals(part[1], merged), BX_OK);
        assert_int_equal(bx_uncertainty_draw_totals(part[0], merged), BX_OK);
        write_draws(one, &a);
        write_draws(merged, &b);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        assert_non_null(strstr(a.data, ",factor_version,group,key\n1,"));
        assert_int_equal(bx_draw_totals_info_get(merged).by, groups[g]);
        assert_int_equal(bx_draw_totals_info_get(merged).keys, 3);
        bx_uncertainty *u;
        assert_int_equal(bx_uncertainty_from_draws(f->ctx, merged, &u), BX_OK);
        assert_int_equal(bx_uncertainty_group(u), groups[g]);
        for (int k = 0; keys[g][k] != NULL; k++) {
            bx_interval x, y;
            assert_int_equal(bx_uncertainty_key(all, keys[g][k], &x), BX_OK);
            assert_int_equal(bx_uncertainty_key(u, keys[g][k], &y), BX_OK);
            assert_memory_equal(&x, &y, sizeof x);
            assert_true(x.lo_g <= x.mean_g && x.mean_g <= x.hi_g);
        }
        bx_interval iv;
        assert_int_equal(bx_uncertainty_key(u, "rail", &iv), BX_ENOTFOUND);
        assert_int_equal(bx_uncertainty_add(u, &s[0]), BX_EINVAL);
        assert_int_equal(bx_uncertainty_by(u, BX_BY_ROUTE), BX_EINVAL);
        assert_int_equal(bx_uncertainty_draw_totals(u, one), BX_EINVAL);
        /* draws by another group, or by none, are another world */
        bx_uncertainty *other = mc(f, groups[1 - g]), *none = mc(f, BX_BY_ALL);
        assert_int_equal(bx_uncertainty_add(other, &s[0]), BX_OK);
        assert_int_equal(bx_uncertainty_add(none, &s[0]), BX_OK);
        assert_int_equal(bx_uncertainty_draw_totals(other, merged), BX_EINPUT);
        assert_int_equal(bx_uncertainty_draw_totals(none, merged), BX_EINPUT);
        write_draws(merged, &b);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        bx_uncertainty_free(other);
        bx_uncertainty_free(none);
        bx_uncertainty_free(u);
        bx_draw_totals_free(one);
        bx_draw_totals_free(merged);
        for (int p = 0; p < 2; p++)
            bx_uncertainty_free(part[p]);
        bx_uncertainty_free(all);
    }
}

/* A key's interval from a hand-made file: 2025-01's draws 1, 3, 2, 5 and
 * 4 g give, as in test_draws_interval_by_hand, mean 3 g and 1.1 .. 4.9 g;
 * 2025-02's five draws of 2 g give 2 .. 2 g. A key twice, a key's draws
 * before the run's, or a second group in one file is refused. */
static void test_key_interval_by_hand(void **state)
{
    fixture *f = *state;
    static const char file[] = "draw,total_wtw_mg,draws,seed,shipments,factor_set,"
                               "factor_version,group,key\n"
                               "1,3000,5,1,2,x,1,all,\n"
                               "2,5000,5,1,2,x,1,all,\n"
                               "3,4000,5,1,2,x,1,all,\n"
                               "4,7000,5,1,2,x,1,all,\n"
                               "5,6000,5,1,2,x,1,all,\n"
                               "1,1000,5,1,2,x,1,month,2025-01\n"
                               "2,3000,5,1,2,x,1,month,2025-01\n"
                               "3,2000,5,1,2,x,1,month,2025-01\n"
                               "4,5000,5,1,2,x,1,month,2025-01\n"
                               "5,4000,5,1,2,x,1,month,2025-01\n"
                               "1,2000,5,1,2,x,1,month,2025-02\n"
                               "2,2000,5,1,2,x,1,month,2025-02\n"
                               "3,2000,5,1,2,x,1,month,2025-02\n"
                               "4,2000,5,1,2,x,1,month,2025-02\n"
                               "5,2000,5,1,2,x,1,month,2025-02\n";
    bx_draw_totals *d;
    assert_int_equal(bx_draw_totals_new(f->ctx, &d), BX_OK);
    assert_int_equal(bx_draw_totals_read_mem(d, "d.csv", file, strlen(file)), BX_OK);
    bx_interval iv;
    assert_int_equal(bx_draw_totals_key_interval(d, "2025-01", &iv), BX_OK);
    assert_true(fabs(iv.mean_g - 3) < 1e-12);
    assert_true(fabs(iv.lo_g - 1.1) < 1e-12);
    assert_true(fabs(iv.hi_g - 4.9) < 1e-12);
    assert_int_equal(bx_draw_totals_key_interval(d, "2025-02", &iv), BX_OK);
    assert_true(iv.lo_g == 2 && iv.hi_g == 2 && iv.mean_g == 2);
    assert_int_equal(bx_draw_totals_key_interval(d, "2025-03", &iv), BX_ENOTFOUND);
    assert_int_equal(bx_draw_totals_info_get(d).by, BX_BY_MONTH);
    /* the same file again: each key's draws double */
    assert_int_equal(bx_draw_totals_read_mem(d, "d.csv", file, strlen(file)), BX_OK);
    assert_int_equal(bx_draw_totals_key_interval(d, "2025-01", &iv), BX_OK);
    assert_true(fabs(iv.lo_g - 2.2) < 1e-12 && fabs(iv.hi_g - 9.8) < 1e-12);
    static buf before, after;
    write_draws(d, &before);
    /* refused files leave d as it was */
    static char bad[4096];
    const char *k1 = strstr(file, "1,1000,");
    const char *k2 = strstr(file, "1,2000,");
    /* 2025-01 twice */
    snprintf(bad, sizeof bad, "%.*s%.*s", (int)(k2 - file), file, (int)(k2 - k1), k1);
    assert_int_equal(bx_draw_totals_read_mem(d, "twice.csv", bad, strlen(bad)), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "appear twice"));
    /* a key before the run's draws */
    const char *head_end = strchr(file, '\n') + 1;
    snprintf(bad, sizeof bad, "%.*s%s", (int)(head_end - file), file, k1);
    assert_int_equal(bx_draw_totals_read_mem(d, "first.csv", bad, strlen(bad)), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "come before"));
    /* a second group */
    snprintf(bad, sizeof bad, "%.*s", (int)strlen(file), file);
    memcpy(strstr(bad, "month,2025-02"), "route,2025-02", 13);
    assert_int_equal(bx_draw_totals_read_mem(d, "two.csv", bad, strlen(bad)), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "one group per file"));
    write_draws(d, &after);
    assert_int_equal(before.len, after.len);
    assert_memory_equal(before.data, after.data, before.len);
    bx_draw_totals_free(d);
}

/* Draws of another seed, number of draws or factor set are another world:
 * refused, with the file named, and what was merged stays as it was. So
 * are files that are cut, out of order, inconsistent or too large. */
static void test_draws_refused(void **state)
{
    fixture *f = *state;
    static const char head[] = "draw,total_wtw_mg,draws,seed,shipments,factor_set,"
                               "factor_version\n";
    static const struct {
        const char *rows, *why;
        bx_status st;
    } bad[] = {
        {"1,10,3,8,1,x,1\n2,20,3,8,1,x,1\n3,30,3,8,1,x,1\n", "another seed", BX_EINPUT},
        {"1,10,2,7,1,x,1\n2,20,2,7,1,x,1\n", "another number of draws", BX_EINPUT},
        {"1,10,3,7,1,y,1\n2,20,3,7,1,y,1\n3,30,3,7,1,y,1\n", "another factor set",
         BX_EINPUT},
        {"1,10,3,7,1,x,1\n2,20,3,7,1,x,1\n", "2 of 3 draws", BX_EINPUT},
        {"1,10,3,7,1,x,1\n3,30,3,7,1,x,1\n2,20,3,7,1,x,1\n", "in order", BX_EINPUT},
        {"1,10,3,7,1,x,1\n2,20,3,7,1,x,1\n3,30,3,7,1,x,1\n4,40,3,7,1,x,1\n",
         "more rows than draws", BX_EINPUT},
        {"1,10,3,7,1,x,1\n2,20,3,9,1,x,1\n3,30,3,7,1,x,1\n", "seed differs", BX_EINPUT},
        {"1,10,3,7,1,x,1\n2,20,4,7,1,x,1\n3,30,3,7,1,x,1\n", "number of draws differs",
         BX_EINPUT},
        {"1,10,3,7,1,x,1\n2,2.5,3,7,1,x,1\n3,30,3,7,1,x,1\n", "total_wtw_mg", BX_EINPUT},
        {"1,10,3,-7,1,x,1\n2,20,3,-7,1,x,1\n3,30,3,-7,1,x,1\n", "seed", BX_EINPUT},
        {"1,10,1,7,1,x,1\n", "draws", BX_EINPUT},
        {"", "no draws", BX_EINPUT},
        {"1,8999999999999995,3,7,1,x,1\n2,20,3,7,1,x,1\n3,30,3,7,1,x,1\n", "passes",
         BX_ELIMIT},
    };
    static const char good[] = "1,10,3,7,1,x,1\n2,20,3,7,1,x,1\n3,30,3,7,1,x,1\n";
    bx_draw_totals *d;
    assert_int_equal(bx_draw_totals_new(f->ctx, &d), BX_OK);
    static char text[1024];
    snprintf(text, sizeof text, "%s%s", head, good);
    assert_int_equal(bx_draw_totals_read_mem(d, "good.csv", text, strlen(text)), BX_OK);
    static buf before, after;
    write_draws(d, &before);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s%s", head, bad[i].rows);
        bx_status st = bx_draw_totals_read_mem(d, "bad.csv", text, strlen(text));
        if (st != bad[i].st || strstr(bx_ctx_errmsg(f->ctx), "bad.csv") == NULL ||
            strstr(bx_ctx_errmsg(f->ctx), bad[i].why) == NULL)
            fail_msg("case %zu: status %d, message '%s'", i, (int)st, bx_ctx_errmsg(f->ctx));
        write_draws(d, &after);
        assert_int_equal(before.len, after.len);
        assert_memory_equal(before.data, after.data, before.len);
    }
    /* a run of another seed or factor set cannot join either */
    bx_uncertainty *u = mc(f, BX_BY_ALL);
    bx_shipment s = ship("line", 2000, "");
    assert_int_equal(bx_uncertainty_add(u, &s), BX_OK);
    assert_int_equal(bx_uncertainty_draw_totals(u, d), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "another number of draws"));
    write_draws(d, &after);
    assert_memory_equal(before.data, after.data, before.len);
    bx_uncertainty_free(u);
    bx_draw_totals_free(d);
    /* nothing to write from an empty object */
    assert_int_equal(bx_draw_totals_new(f->ctx, &d), BX_OK);
    assert_int_equal(bx_draw_totals_write(d, buf_write, &after), BX_EINVAL);
    bx_draw_totals_free(d);
}

/* Out of memory at each allocation of a read: an error, nothing leaked,
 * the object as it was. */
static void test_draws_oom(void **state)
{
    fixture *f = *state;
    static const char file[] = "draw,total_wtw_mg,draws,seed,shipments,factor_set,"
                               "factor_version\n1,10,2,7,1,x,1\n2,20,2,7,1,x,1\n";
    for (uint64_t n = 1;; n++) {
        bx_draw_totals *d;
        assert_int_equal(bx_draw_totals_new(f->ctx, &d), BX_OK);
        f->ta.fail_at = f->ta.calls + n;
        bx_status st = bx_draw_totals_read_mem(d, "d.csv", file, strlen(file));
        uint64_t failures = f->ta.failures;
        f->ta.fail_at = 0;
        f->ta.failures = 0;
        if (failures == 0) {
            assert_int_equal(st, BX_OK);
            assert_int_equal(bx_draw_totals_info_get(d).draws, 2);
            bx_draw_totals_free(d);
            break;
        }
        assert_int_not_equal(st, BX_OK);
        assert_int_equal(bx_draw_totals_info_get(d).draws, 0);
        bx_draw_totals_free(d);
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
        cmocka_unit_test_setup_teardown(test_draws_merge_as_one_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_draws_interval_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_draws_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_interval_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_draws_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_draws_oom, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
