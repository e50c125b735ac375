/*
 * test_load.c: container loading and vehicle plans (boxcar/load.h).
 *
 * Expected values come from hand reasoning (stated beside each case) or
 * from the exhaustive packer of exact_packer.c; properties are checked
 * with bx_load_fill_check and bx_load_plan_check, which look only at the
 * plans, and the checkers themselves are shown to catch hand-made defects.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/gen_parcels.h"
#include "exact_packer.h"
#include "internal.h"
#include "testutil.h"

static bx_load_type cube(int32_t a, int32_t b, int32_t c, uint32_t qty, bool any)
{
    bx_load_type t;
    memset(&t, 0, sizeof t);
    t.dim_mm[0] = a;
    t.dim_mm[1] = b;
    t.dim_mm[2] = c;
    t.vertical_ok[0] = t.vertical_ok[1] = any;
    t.vertical_ok[2] = true;
    t.qty = qty;
    t.mass_g = 1000;
    return t;
}

static int64_t fill(bx_ctx *ctx, const int32_t c[3], const bx_load_type *t, size_t n,
                    bx_load_support sup)
{
    bx_load_options o;
    bx_load_options_init(&o);
    o.support = sup;
    o.budget = 2000000;
    bx_load_fill f;
    assert_int_equal(bx_load_fill_container(ctx, c, 0, t, n, &o, &f), BX_OK);
    if (bx_load_fill_check(ctx, c, 0, t, n, sup, &f) != BX_OK)
        fail_msg("invalid plan: %s", bx_ctx_errmsg(ctx));
    int64_t v = f.volume_mm3;
    bx_load_fill_free(ctx, &f);
    return v;
}

/* Known optima. (a) eight 5-cubes fill a 10-cube exactly: 1000. (b) two
 * 6-cubes cannot share a 10-cube (6 + 6 > 10 on every axis): 216. (c) a
 * 6x10x10 slab and four 4x5x5 boxes (4 * 100 = 400 = the 4x10x10 rest)
 * fill it: 1000. (d) 3-cubes in a 10-cube: at most 3 per axis, 27 * 27 =
 * 729. (e) upright 2x2x6 bars in a 6x6x4 container cannot stand (6 > 4):
 * 0; lying down allowed: 9 of them fill 6x6x2 twice over = 2 layers of 3,
 * 6 bars = 144 of 144 (6*6*4 = 144). */
/* The budget bounds the work in both support modes: one search in each,
 * so the work reported is the budget plus at most the overshoot of the
 * last greedy completion, never a twentieth more. Five box types that
 * cannot fill the container keep the search busy until the budget is
 * spent. */
static void test_fill_budget_bounds_work(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    int32_t c[3] = {587, 233, 220};
    bx_load_type t[5] = {cube(108, 76, 30, 40, true), cube(110, 43, 25, 33, true),
                         cube(92, 81, 55, 39, true), cube(81, 33, 28, 60, true),
                         cube(120, 99, 73, 15, true)};
    for (int sup = 0; sup < 2; sup++) {
        bx_load_options o;
        bx_load_options_init(&o);
        o.support = (bx_load_support)sup;
        o.budget = 1000000;
        bx_load_fill f;
        assert_int_equal(bx_load_fill_container(ctx, c, 0, t, 5, &o, &f), BX_OK);
        assert_true(f.work >= o.budget);
        assert_true(f.work <= o.budget + o.budget / 20);
        bx_load_fill_free(ctx, &f);
    }
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
}

static void test_fill_known_optima(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    int32_t c10[3] = {10, 10, 10};
    for (int sup = 0; sup < 2; sup++) {
        bx_load_type a = cube(5, 5, 5, 8, true);
        assert_int_equal(fill(ctx, c10, &a, 1, (bx_load_support)sup), 1000);
        bx_load_type b = cube(6, 6, 6, 2, true);
        assert_int_equal(fill(ctx, c10, &b, 1, (bx_load_support)sup), 216);
        bx_load_type m[2] = {cube(6, 10, 10, 1, true), cube(4, 5, 5, 4, true)};
        assert_int_equal(fill(ctx, c10, m, 2, (bx_load_support)sup), 1000);
        bx_load_type d = cube(3, 3, 3, 100, true);
        assert_int_equal(fill(ctx, c10, &d, 1, (bx_load_support)sup), 729);
        int32_t c6[3] = {6, 6, 4};
        bx_load_type up = cube(2, 2, 6, 20, false);
        assert_int_equal(fill(ctx, c6, &up, 1, (bx_load_support)sup), 0);
        bx_load_type any = cube(2, 2, 6, 20, true);
        assert_int_equal(fill(ctx, c6, &any, 1, (bx_load_support)sup), 144);
    }
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
}

/* Random tiny instances against the exhaustive packer: the engine's
 * volume never beats the best subset that ex_fits can place, and under
 * no support rule, on instances of at most 4 boxes, reaches it in most
 * cases (the engine is a heuristic: it must not be worse on more than a
 * quarter of them). */
static void test_fill_vs_exact(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    srand(7);
    int worse = 0, cases = 60;
    for (int k = 0; k < cases; k++) {
        int n = 2 + rand() % 3;
        int32_t c[3] = {6 + rand() % 5, 6 + rand() % 5, 6 + rand() % 5};
        bx_load_type t[4];
        ex_unit u[4];
        for (int i = 0; i < n; i++) {
            t[i] = cube(2 + rand() % 5, 2 + rand() % 5, 2 + rand() % 5, 1, rand() % 2);
            memset(&u[i], 0, sizeof u[i]);
            memcpy(u[i].dim, t[i].dim_mm, sizeof u[i].dim);
            u[i].rot = t[i].vertical_ok[0] ? BX_ROTATE_ANY : BX_ROTATE_UPRIGHT;
            u[i].group = -1;
        }
        int64_t best = 0;
        for (int mask = 1; mask < (1 << n); mask++) {
            ex_unit sub[4];
            int m = 0;
            int64_t v = 0;
            for (int i = 0; i < n; i++)
                if (mask & (1 << i)) {
                    sub[m++] = u[i];
                    v += (int64_t)u[i].dim[0] * u[i].dim[1] * u[i].dim[2];
                }
            if (v > best && ex_fits(sub, m, c[0], c[1], c[2], NULL, NULL))
                best = v;
        }
        int64_t got = fill(ctx, c, t, (size_t)n, BX_LOAD_SUPPORT_NONE);
        assert_true(got <= best);
        worse += got < best;
    }
    assert_true(worse * 4 <= cases);
    bx_ctx_free(ctx);
}

/* Random larger instances: every plan passes the checker, in both modes. */
static void test_fill_properties(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    srand(11);
    for (int k = 0; k < 20; k++) {
        int32_t c[3] = {300 + rand() % 300, 150 + rand() % 100, 150 + rand() % 100};
        bx_load_type t[6];
        int n = 1 + rand() % 6;
        for (int i = 0; i < n; i++) {
            t[i] = cube(20 + rand() % 80, 20 + rand() % 80, 20 + rand() % 80, 1 + (uint32_t)(rand() % 30),
                        rand() % 2);
            t[i].vertical_ok[0] = rand() % 2;
        }
        fill(ctx, c, t, (size_t)n, BX_LOAD_SUPPORT_FULL);
        fill(ctx, c, t, (size_t)n, BX_LOAD_SUPPORT_NONE);
    }
    bx_ctx_free(ctx);
}

/* The checker catches defects made by hand. */
static void test_fill_check_catches(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    int32_t c[3] = {10, 10, 10};
    bx_load_type t = cube(5, 5, 5, 3, true);
    bx_load_box b[2] = {{0, {0, 0, 0}, {5, 5, 5}, 1}, {0, {5, 0, 0}, {5, 5, 5}, 2}};
    bx_load_fill f = {b, 2, 250, 2000, 0, 0};
    assert_int_equal(bx_load_fill_check(ctx, c, 0, &t, 1, BX_LOAD_SUPPORT_FULL, &f), BX_OK);
    b[1].pos_mm[0] = 4; /* overlap */
    assert_int_equal(bx_load_fill_check(ctx, c, 0, &t, 1, BX_LOAD_SUPPORT_FULL, &f), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "overlap"));
    b[1].pos_mm[0] = 6; /* outside */
    assert_int_equal(bx_load_fill_check(ctx, c, 0, &t, 1, BX_LOAD_SUPPORT_FULL, &f), BX_EINPUT);
    b[1].pos_mm[0] = 2;
    b[1].pos_mm[2] = 5; /* on box 0, but only 3 of 5 along x: 15 of 25 mm2 */
    assert_int_equal(bx_load_fill_check(ctx, c, 0, &t, 1, BX_LOAD_SUPPORT_FULL, &f), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "15 of 25"));
    assert_int_equal(bx_load_fill_check(ctx, c, 0, &t, 1, BX_LOAD_SUPPORT_NONE, &f), BX_OK);
    t.qty = 1; /* two boxes of a type with one */
    assert_int_equal(bx_load_fill_check(ctx, c, 0, &t, 1, BX_LOAD_SUPPORT_NONE, &f), BX_EINPUT);
    bx_ctx_free(ctx);
}

/* ---- vehicle plans -------------------------------------------------------- */

static bx_load_parcel parcel(const char *id, int32_t l, int32_t w, int32_t h, int64_t g, uint32_t stop)
{
    bx_load_parcel p;
    memset(&p, 0, sizeof p);
    snprintf(p.id, sizeof p.id, "%s", id);
    p.dim_mm[0] = l;
    p.dim_mm[1] = w;
    p.dim_mm[2] = h;
    p.mass_g = g;
    p.stop = stop;
    p.rotation = BX_ROTATE_UPRIGHT;
    p.max_load_g = -1;
    return p;
}

static bx_load_vehicle vehicle(const char *kind, int32_t l, int32_t w, int32_t h, int64_t payload,
                               uint32_t count)
{
    bx_load_vehicle v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "%s", kind);
    v.inner_mm[0] = l;
    v.inner_mm[1] = w;
    v.inner_mm[2] = h;
    v.payload_g = payload;
    v.count = count;
    return v;
}

static void plan_ok(bx_ctx *ctx, const bx_load_parcel *p, size_t n, const bx_load_vehicle *v,
                    size_t nv, bx_load_plan *plan)
{
    bx_load_options o;
    bx_load_options_init(&o);
    o.budget = 3000000;
    assert_int_equal(bx_load_plan_make(ctx, p, n, v, nv, &o, plan), BX_OK);
    if (bx_load_plan_check(ctx, p, n, v, nv, BX_LOAD_SUPPORT_FULL, plan) != BX_OK)
        fail_msg("invalid plan: %s", bx_ctx_errmsg(ctx));
}

/* 16 boxes of 500 mm fill exactly two 1000 mm cube vans (8 each; one van
 * holds at most 8 since 8 * 125 dm3 = its 1000 dm3): two vans, each at
 * volume load factor 1 and mass factor 8 * 10 kg / 100 kg = 0.8. */
static void test_plan_two_vans(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_load_parcel p[16];
    for (int i = 0; i < 16; i++) {
        char id[16];
        snprintf(id, sizeof id, "P%d", i);
        p[i] = parcel(id, 500, 500, 500, 10000, 0);
    }
    bx_load_vehicle v = vehicle("van", 1000, 1000, 1000, 100000, 3);
    bx_load_plan plan;
    plan_ok(ctx, p, 16, &v, 1, &plan);
    assert_int_equal(plan.nvehicles, 2);
    assert_int_equal(plan.nunplaced, 0);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(plan.vehicles[k].n, 8);
        assert_true(plan.vehicles[k].load_factor_volume == 1.0);
        assert_true(plan.vehicles[k].load_factor_mass > 0.7999 && plan.vehicles[k].load_factor_mass < 0.8001);
    }
    bx_load_plan_free(ctx, &plan);
    /* only one van available: 8 placed, 8 "no_room" */
    v.count = 1;
    plan_ok(ctx, p, 16, &v, 1, &plan);
    assert_int_equal(plan.nvehicles, 1);
    assert_int_equal(plan.nunplaced, 8);
    for (size_t i = 0; i < plan.nunplaced; i++)
        assert_int_equal(plan.unplaced[i].reason, BX_LOAD_NO_ROOM);
    bx_load_plan_free(ctx, &plan);
    bx_ctx_free(ctx);
}

/* Parcels that differ only in mass. The generated set of seed 18 (3 stops,
 * 379 express cartons, upright, fragile and load-limited ones among them)
 * weighs less than one van's payload and takes less than its volume, as
 * summed here, so one van is the lower bound. Typed by exact mass (379
 * types of one parcel, blocks of one box) the engine left 10 parcels for
 * a second van; with parcels of a size as one type it must reach the
 * bound, every parcel placed and the plan checked. */
static void test_plan_masses_share_a_type(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    enum { N = 379 };
    static bx_load_parcel p[N];
    gen_parcels(18, 3, N, p);
    bx_load_vehicle v = vehicle("van", 3500, 1780, 1900, 1300000, 2);
    double mass = 0, vol = 0;
    for (int i = 0; i < N; i++) {
        mass += (double)p[i].mass_g;
        vol += (double)p[i].dim_mm[0] * p[i].dim_mm[1] * p[i].dim_mm[2];
    }
    assert_true(mass <= 1300000.0 && vol <= 3500.0 * 1780 * 1900);
    bx_load_options o;
    bx_load_options_init(&o);
    bx_load_plan plan;
    assert_int_equal(bx_load_plan_make(ctx, p, N, &v, 1, &o, &plan), BX_OK);
    if (bx_load_plan_check(ctx, p, N, &v, 1, BX_LOAD_SUPPORT_FULL, &plan) != BX_OK)
        fail_msg("invalid plan: %s", bx_ctx_errmsg(ctx));
    assert_int_equal(plan.nvehicles, 1);
    assert_int_equal(plan.nunplaced, 0);
    assert_int_equal(plan.vehicles[0].n, N);
    bx_load_plan_free(ctx, &plan);
    bx_ctx_free(ctx);
}

/* A parcel as long as the vehicle sits at x 0..1000, so its centre is at
 * x = 500; axles at 250 and 750 carry 1000 g * (500 - 250) / 500 = 500 g
 * each. With axles at 0 and 2000 the rear one carries 1000 * 500 / 2000
 * = 250 g and the front 750 g; a 600 g limit on the front is exceeded. */
static void test_plan_axles(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_load_parcel p = parcel("long", 1000, 100, 100, 1000, 0);
    bx_load_vehicle v = vehicle("t", 1000, 100, 100, 5000, 1);
    v.naxles = 2;
    v.axle_x_mm[0] = 250;
    v.axle_x_mm[1] = 750;
    v.axle_max_g[0] = v.axle_max_g[1] = 600;
    bx_load_plan plan;
    plan_ok(ctx, &p, 1, &v, 1, &plan);
    assert_int_equal(plan.nvehicles, 1);
    assert_true(plan.vehicles[0].cog_mm[0] == 500.0);
    assert_true(plan.vehicles[0].axle_g[0] == 500.0 && plan.vehicles[0].axle_g[1] == 500.0);
    assert_false(plan.vehicles[0].axle_over);
    bx_load_plan_free(ctx, &plan);
    v.axle_x_mm[0] = 0;
    v.axle_x_mm[1] = 2000;
    plan_ok(ctx, &p, 1, &v, 1, &plan);
    assert_true(plan.vehicles[0].axle_g[0] == 750.0 && plan.vehicles[0].axle_g[1] == 250.0);
    assert_true(plan.vehicles[0].axle_over);
    bx_load_plan_free(ctx, &plan);
    bx_ctx_free(ctx);
}

/* Bad input: a parcel larger than every vehicle, one heavier than every
 * payload, a duplicate id, a vehicle with payload 0, a stop with no
 * parcels (stops 1 and 3 only): each gets its reason or a warning, and the
 * rest is planned. */
static void test_plan_bad_input(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bx_load_parcel p[5] = {parcel("A", 100, 100, 100, 1000, 1), parcel("BIG", 3000, 100, 100, 1000, 1),
                           parcel("HEAVY", 100, 100, 100, 900000, 3), parcel("A", 100, 100, 100, 1000, 3),
                           parcel("C", 100, 100, 100, 1000, 3)};
    bx_load_vehicle v[2] = {vehicle("zero", 5000, 2000, 2000, 0, 5), vehicle("van", 2000, 1000, 1000, 500000, 1)};
    bx_load_plan plan;
    plan_ok(ctx, p, 5, v, 2, &plan);
    assert_int_equal(plan.nvehicles, 1);
    assert_int_equal(plan.vehicles[0].vehicle, 1);
    assert_int_equal(plan.nplaced, 2);
    assert_int_equal(plan.nunplaced, 3);
    bx_load_reason want[5] = {0, BX_LOAD_TOO_BIG, BX_LOAD_TOO_HEAVY, BX_LOAD_DUPLICATE_ID, 0};
    for (size_t i = 0; i < plan.nunplaced; i++)
        assert_int_equal(plan.unplaced[i].reason, want[plan.unplaced[i].parcel]);
    bool zero = false, stop2 = false;
    for (size_t i = 0; i < bx_ctx_warning_count(ctx); i++) {
        zero |= strstr(bx_ctx_warning(ctx, i), "'zero' has payload 0") != NULL;
        stop2 |= strstr(bx_ctx_warning(ctx, i), "stop 2 has no parcels") != NULL;
    }
    assert_true(zero && stop2);
    bx_load_plan_free(ctx, &plan);
    /* a dimension of 0 is refused with the parcel's name */
    p[0].dim_mm[1] = 0;
    assert_int_equal(bx_load_plan_make(ctx, p, 5, v, 2, NULL, &plan), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "parcel 'A'"));
    /* a vehicle catalog with a header and no rows, or an empty JSON
     * array, is refused by name (else every parcel would be "too big") */
    bx_load_input in = {0};
    const char *csv = "kind,length_mm,width_mm,height_mm,payload_g\n";
    assert_int_equal(bx_load_read_vehicles_mem(ctx, "v.csv", csv, strlen(csv), &in), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "v.csv: no vehicles"));
    assert_int_equal(in.nvehicles, 0);
    bx_load_input_free(ctx, &in);
#if BOXCAR_HAVE_JSON
    assert_int_equal(bx_load_read_vehicles_mem(ctx, "v.json", "[]", 2, &in), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "v.json: no vehicles"));
    bx_load_input_free(ctx, &in);
#endif
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
}

/* Stops: random parcels for 3-6 stops in a van, rear and side door;
 * the checker holds every plan to LIFO and the loading order. The same
 * plan with one later-stop parcel moved in front of an earlier one is
 * refused. */
static void test_plan_stops(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    srand(5);
    for (int k = 0; k < 8; k++) {
        bx_load_parcel p[60];
        int n = 20 + rand() % 40, stops = 3 + rand() % 4;
        for (int i = 0; i < n; i++) {
            char id[16];
            snprintf(id, sizeof id, "P%d", i);
            p[i] = parcel(id, 200 + 100 * (rand() % 4), 200 + 100 * (rand() % 3), 150 + 50 * (rand() % 4),
                          1000 + rand() % 20000, 1 + (uint32_t)(rand() % stops));
            p[i].fragile = rand() % 10 == 0;
            if (rand() % 3 == 0)
                p[i].rotation = BX_ROTATE_ANY;
        }
        bx_load_vehicle v = vehicle("van", 3000, 1700, 1800, 1200000, 2);
        v.door = k % 2 ? BX_LOAD_DOOR_SIDE : BX_LOAD_DOOR_REAR;
        bx_load_plan plan;
        plan_ok(ctx, p, (size_t)n, &v, 1, &plan);
        assert_int_equal(plan.nunplaced, 0);
        bx_load_plan_free(ctx, &plan);
    }
    /* hand-made LIFO defect: stop 2's parcel between stop 1's and the door */
    bx_load_parcel q[2] = {parcel("S1", 100, 100, 100, 1000, 1), parcel("S2", 100, 100, 100, 1000, 2)};
    bx_load_vehicle v = vehicle("van", 300, 100, 100, 100000, 1);
    bx_load_placed pl[2] = {{0, {0, 0, 0}, {100, 100, 100}, 1, 1}, {1, {100, 0, 0}, {100, 100, 100}, 2, 2}};
    bx_load_used u = {0, 0, 2, 2, 2000000, 2000, 0, 0, {0, 0, 0}, {0, 0}, false, 0};
    bx_load_plan plan = {&u, 1, pl, 2, NULL, 0, 0};
    assert_int_equal(bx_load_plan_check(ctx, q, 2, &v, 1, BX_LOAD_SUPPORT_FULL, &plan), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "later stop"));
    /* swapped, it is right */
    pl[0].parcel = 1;
    pl[1].parcel = 0;
    assert_int_equal(bx_load_plan_check(ctx, q, 2, &v, 1, BX_LOAD_SUPPORT_FULL, &plan), BX_OK);
    /* loaded in the wrong order: the front one after the door one */
    bx_load_placed sw = pl[0];
    pl[0] = pl[1];
    pl[1] = sw;
    pl[0].seq = 1;
    pl[1].seq = 2;
    pl[0].step = 1;
    pl[1].step = 2;
    assert_int_equal(bx_load_plan_check(ctx, q, 2, &v, 1, BX_LOAD_SUPPORT_FULL, &plan), BX_EINPUT);
    bx_ctx_free(ctx);
}

/* Out of memory anywhere: an error, never a crash or a leak. */
static void test_plan_oom(void **state)
{
    (void)state;
    bx_load_parcel p[6];
    for (int i = 0; i < 6; i++) {
        char id[16];
        snprintf(id, sizeof id, "P%d", i);
        p[i] = parcel(id, 300, 200, 200, 1000, 1 + (uint32_t)(i % 2));
    }
    bx_load_vehicle v = vehicle("van", 1000, 500, 500, 100000, 2);
    for (uint64_t at = 1;; at++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, at);
        if (!ctx)
            continue;
        bx_load_options o;
        bx_load_options_init(&o);
        o.budget = 200000;
        bx_load_plan plan;
        bx_status st = bx_load_plan_make(ctx, p, 6, &v, 1, &o, &plan);
        if (st == BX_OK)
            bx_load_plan_free(ctx, &plan);
        else
            assert_int_equal(st, BX_ENOMEM);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
        if (st == BX_OK && ta.failures == 0)
            break;
    }
}

/* The table and the pictures in English and Chinese. One 1 m cube of
 * 100 kg fills half of a 2 x 1 x 1 m van (1000 kg payload) from the front
 * wall: mass factor 100 / 1000 = 0.1000, volume 0.5000, centre of gravity
 * (500, 500, 500) mm, one step; a 3 m parcel fits no vehicle. The words
 * are the ones docs/formats.md gives for each language. */
static void test_plan_words_en_zh(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_load_parcel p[2] = {parcel("P", 1000, 1000, 1000, 100000, 0), parcel("BIG", 3000, 100, 100, 1000, 0)};
    p[0].rotation = BX_ROTATE_FIXED;
    bx_load_vehicle v = vehicle("van", 2000, 1000, 1000, 1000000, 1);
    bx_load_plan plan;
    plan_ok(ctx, p, 2, &v, 1, &plan);
    const char *row = "     1    1    0  P                         0      0      0   1000   1000   1000\n";
    char en[1024], zh[1024];
    snprintf(en, sizeof en,
             "vehicle 1: van (2000 x 1000 x 1000 mm, rear door), 1 parcels in 1 steps, load 100.000 kg\n"
             "  load factor: mass 0.1000, volume 0.5000; centre of gravity x 500.0 y 500.0 z 500.0 mm\n"
             "   seq step stop  parcel                  x      y      z      l      w      h\n"
             "%snot loaded: 1 parcels\n  BIG: too_big\n",
             row);
    snprintf(zh, sizeof zh,
             "车辆 1：van（2000 × 1000 × 1000 mm，后门），1 件，分 1 步装载，载重 100.000 kg\n"
             "  装载率：质量 0.1000，体积 0.5000；重心 x 500.0 y 500.0 z 500.0 mm\n"
             "  顺序 步骤 站点  包裹                      x      y      z      l      w      h\n"
             "%s未装载：1 件\n  BIG：过大（任何车辆都装不下）\n",
             row);
    const char *langs[2] = {"en", "zh-CN"};
    const char *tables[2] = {en, zh};
    const char *legend[2][3] = {
        {"<text x=\"20\" y=\"22\">vehicle 1/1: van</text>",
         "<text x=\"20\" y=\"40\">inner 2000 x 1000 x 1000 mm, 1 parcels, load 100.000 kg</text>",
         "<text x=\"20\" y=\"58\">load factor: mass 0.1000, volume 0.5000</text>"},
        {"<text x=\"20\" y=\"22\">车辆 1/1：van，步骤 1/1</text>",
         "<text x=\"20\" y=\"40\">内部尺寸 2000 × 1000 × 1000 mm，1 件，载重 100.000 kg</text>",
         "<text x=\"20\" y=\"58\">装载率：质量 0.1000，体积 0.5000</text>"}};
    for (int l = 0; l < 2; l++) {
        test_buf b = {NULL, 0, 0, -1};
        assert_int_equal(bx_load_write_lang(ctx, BX_PACK_TABLE, langs[l], p, 2, &v, 1, &plan, test_buf_write, &b),
                         BX_OK);
        assert_true(test_buf_write(&b, "", 1) == 0);
        assert_string_equal(b.data, tables[l]);
        test_buf_free(&b);
        /* machine keys in every language */
        test_buf c = {NULL, 0, 0, -1};
        assert_int_equal(bx_load_write_lang(ctx, BX_PACK_JSON, langs[l], p, 2, &v, 1, &plan, test_buf_write, &c),
                         BX_OK);
        assert_true(test_buf_write(&c, "", 1) == 0);
        assert_non_null(strstr(c.data, "\"unplaced\":[{\"id\":\"BIG\",\"reason\":\"too_big\"}]"));
        test_buf_free(&c);
        /* the picture: the whole vehicle in English, step 1 in Chinese */
        test_buf d = {NULL, 0, 0, -1};
        assert_int_equal(bx_load_svg_lang(ctx, langs[l], p, 2, &v, 1, &plan, 0, (uint32_t)l, test_buf_write, &d),
                         BX_OK);
        assert_true(test_buf_write(&d, "", 1) == 0);
        for (int k = 0; k < 3; k++)
            if (!strstr(d.data, legend[l][k]))
                fail_msg("%s not in %s", legend[l][k], d.data);
        test_buf_free(&d);
    }
    test_buf e = {NULL, 0, 0, -1};
    assert_int_equal(bx_load_write_lang(ctx, BX_PACK_TABLE, "fr", p, 2, &v, 1, &plan, test_buf_write, &e),
                     BX_EINVAL);
    test_buf_free(&e);
    bx_load_plan_free(ctx, &plan);
    bx_ctx_free(ctx);
}

/* Fleet choice. Twelve 500 mm cubes of 1 kg; a "big" truck 2500 x 1000 x
 * 500 mm holds 5 x 2 x 1 = 10 of them (cost 10, one available), a "small"
 * van 1500 x 1000 x 500 mm holds 3 x 2 x 1 = 6 (cost 3, two available).
 * No kind takes all twelve, so the greedy first vehicle is the one that
 * loads the most, big (10), and the last two cubes take a small van: two
 * vehicles, cost 13, inner volume 1.25 + 0.75 = 2.0 m3. Two small vans
 * hold 6 + 6 = 12: two vehicles, cost 6, 1.5 m3, the better fleet. With
 * every cost 0 the same pair wins on volume (1.5 < 2.0 m3). With three
 * small vans and a "huge" 3000 x 1000 x 1000 (24 cubes, cost 20) the
 * fewest vehicles is one huge, whatever it costs. */
static void test_plan_fleet(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_load_parcel p[12];
    for (int i = 0; i < 12; i++) {
        char id[16];
        snprintf(id, sizeof id, "C%d", i);
        p[i] = parcel(id, 500, 500, 500, 1000, 0);
    }
    bx_load_vehicle v[3] = {vehicle("big", 2500, 1000, 500, 100000, 1), vehicle("small", 1500, 1000, 500, 100000, 2),
                            vehicle("huge", 3000, 1000, 1000, 100000, 0)};
    v[0].cost = 10;
    v[1].cost = 3;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            v[0].cost = v[1].cost = 0;
        bx_load_plan plan;
        plan_ok(ctx, p, 12, v, 3, &plan);
        assert_int_equal(plan.nvehicles, 2);
        assert_int_equal(plan.nunplaced, 0);
        for (int k = 0; k < 2; k++) {
            assert_int_equal(plan.vehicles[k].vehicle, 1);
            assert_int_equal(plan.vehicles[k].n, 6);
        }
        bx_load_plan_free(ctx, &plan);
    }
    v[1].count = 3;
    v[2].count = 1;
    v[2].cost = 20;
    bx_load_plan plan;
    plan_ok(ctx, p, 12, v, 3, &plan);
    assert_int_equal(plan.nvehicles, 1);
    assert_int_equal(plan.vehicles[0].vehicle, 2);
    bx_load_plan_free(ctx, &plan);
    bx_ctx_free(ctx);
}

/* Axle loads with the vehicle's tare, and the load moved to relieve an
 * axle. A 4000 x 1000 x 1000 mm body, axles at x = 1000 and 3000 (span
 * 2000), tare 1500 kg front and 1000 kg rear, limits 2000 and 2500 kg in
 * all. One 1 m cube of 1000 kg, loaded against the front wall (x 0..1000,
 * cog 500): lever rule, rear 1000 (500 - 1000) / 2000 = -250 kg, front
 * 1250 kg, so front 2750 kg in all: over. Within both limits the cog must
 * satisfy 1500 + 1000 (3000 - cog) / 2000 <= 2000, cog >= 2000, and 1000 +
 * 1000 (cog - 1000) / 2000 <= 2500, cog <= 4000: the nearest is 2000, the
 * cube moved 1500 mm to x 1500..2500 (room to 4000), front 1500 + 500 =
 * 2000 kg, rear 1000 + 500 = 1500 kg. With a rear limit of 900 kg (below
 * its tare) the rear wants cog <= 1000 + (900 - 1000) 2000 / 1000 = 800
 * while the front wants cog >= 2000: no position will do, the cube stays
 * at the front wall, 2750 / 750 kg, flagged. */
static void test_plan_axle_tare_shift(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    const char *csv = "kind,length_mm,width_mm,height_mm,payload_g,axle1_x_mm,axle1_max_g,axle2_x_mm,"
                      "axle2_max_g,axle1_tare_g,axle2_tare_g\n"
                      "truck,4000,1000,1000,5000000,1000,2000000,3000,2500000,1500000,1000000\n";
    bx_load_input in = {0};
    assert_int_equal(bx_load_read_vehicles_mem(ctx, "v.csv", csv, strlen(csv), &in), BX_OK);
    assert_int_equal(in.nvehicles, 1);
    bx_load_vehicle v = in.vehicles[0];
    assert_true(v.naxles == 2 && v.axle_tare_g[0] == 1500000 && v.axle_tare_g[1] == 1000000);
    bx_load_parcel p = parcel("cube", 1000, 1000, 1000, 1000000, 0);
    p.rotation = BX_ROTATE_FIXED;
    bx_load_plan plan;
    plan_ok(ctx, &p, 1, &v, 1, &plan);
    const bx_load_used *u = &plan.vehicles[0];
    assert_int_equal(u->shift_mm, 1500);
    assert_int_equal(plan.placed[0].pos_mm[0], 1500);
    assert_true(u->cog_mm[0] == 2000.0);
    assert_true(fabs(u->axle_g[0] - 2000000.0) < 1e-3 && fabs(u->axle_g[1] - 1500000.0) < 1e-3);
    assert_false(u->axle_over);
    bx_load_plan_free(ctx, &plan);
    v.axle_max_g[1] = 900000;
    plan_ok(ctx, &p, 1, &v, 1, &plan);
    u = &plan.vehicles[0];
    assert_int_equal(u->shift_mm, 0);
    assert_int_equal(plan.placed[0].pos_mm[0], 0);
    assert_true(fabs(u->axle_g[0] - 2750000.0) < 1e-3 && fabs(u->axle_g[1] - 750000.0) < 1e-3);
    assert_true(u->axle_over);
    bx_load_plan_free(ctx, &plan);
    bx_load_input_free(ctx, &in);
    /* a tare without the axles is refused, naming the field */
    const char *bad = "kind,length_mm,width_mm,height_mm,payload_g,axle1_tare_g\nvan,4000,1000,1000,5000,100\n";
    assert_int_equal(bx_load_read_vehicles_mem(ctx, "bad.csv", bad, strlen(bad), &in), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "bad.csv:2:6: field 'axle1_tare_g'"));
    bx_load_input_free(ctx, &in);
    bx_ctx_free(ctx);
}

/* Every allocation of the fleet search, the axle shift and the packed
 * reader failing in turn: BX_ENOMEM, nothing leaked. */
static void test_fleet_packed_oom(void **state)
{
    (void)state;
    bx_load_parcel p[12];
    for (int i = 0; i < 12; i++) {
        char id[16];
        snprintf(id, sizeof id, "C%d", i);
        p[i] = parcel(id, 500, 500, 500, 1000, 1 + (uint32_t)(i % 3));
    }
    bx_load_vehicle v[2] = {vehicle("big", 2500, 1000, 500, 100000, 1), vehicle("small", 1500, 1000, 500, 100000, 2)};
    v[0].cost = 10;
    v[1].cost = 3;
    v[1].naxles = 2;
    v[1].axle_x_mm[0] = 1000;
    v[1].axle_x_mm[1] = 1400;
    v[1].axle_max_g[0] = v[1].axle_max_g[1] = 6000;
    const char *packed = "{\"order_id\":\"A\",\"boxes\":[{\"box_seq\":1,\"outer_l_mm\":310,\"outer_w_mm\":210,"
                         "\"outer_h_mm\":110,\"gross_weight_g\":1240,\"fragile\":true,\"rotation\":\"upright\"},"
                         "{\"box_seq\":2,\"outer_l_mm\":310,\"outer_w_mm\":210,\"outer_h_mm\":110,"
                         "\"gross_weight_g\":1000}],\"unpacked\":[]}\n";
    for (uint64_t at = 1;; at++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, at);
        if (!ctx)
            continue;
        bx_load_options o;
        bx_load_options_init(&o);
        o.budget = 200000;
        bx_load_plan plan;
        bx_status st = bx_load_plan_make(ctx, p, 12, v, 2, &o, &plan);
        if (st == BX_OK)
            bx_load_plan_free(ctx, &plan);
        else
            assert_int_equal(st, BX_ENOMEM);
        bx_load_input in = {0};
        bx_status st2 = bx_load_read_packed_mem(ctx, "p.json", packed, strlen(packed), 2, &in);
        if (st2 == BX_OK)
            assert_int_equal(in.nparcels, 2);
        else if (st2 == BX_EUNSUPPORTED && !BOXCAR_HAVE_JSON)
            st2 = BX_OK; /* reading a packing result needs jansson */
        else
            assert_int_equal(st2, BX_ENOMEM);
        bx_load_input_free(ctx, &in);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
        if (st == BX_OK && st2 == BX_OK && ta.failures == 0)
            break;
    }
}

/* Stops of packed orders: an order id with a slash ("B/2") still finds
 * its parcel "B/2/1" (the box number is after the last slash); a parcel
 * of another form ("X") keeps its stop; stops given as JSON rows. */
static void test_packed_stops(void **state)
{
    (void)state;
#if BOXCAR_HAVE_JSON
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    const char *packed = "{\"order_id\":\"A\",\"boxes\":[{\"box_seq\":1,\"outer_l_mm\":300,\"outer_w_mm\":200,"
                         "\"outer_h_mm\":100,\"gross_weight_g\":900},{\"box_seq\":2,\"outer_l_mm\":300,"
                         "\"outer_w_mm\":200,\"outer_h_mm\":100,\"gross_weight_g\":800}]}\n"
                         "{\"order_id\":\"B/2\",\"boxes\":[{\"box_seq\":1,\"outer_l_mm\":200,\"outer_w_mm\":200,"
                         "\"outer_h_mm\":200,\"gross_weight_g\":500}]}\n";
    bx_load_input in = {0};
    assert_int_equal(bx_load_read_packed_mem(ctx, "p.json", packed, strlen(packed), 5, &in), BX_OK);
    assert_int_equal(in.nparcels, 3);
    const char *stops = "[{\"order_id\":\"B/2\",\"stop\":1},{\"order_id\":\"A\",\"stop\":2}]";
    assert_int_equal(bx_load_read_stops_mem(ctx, "s.json", stops, strlen(stops), &in), BX_OK);
    assert_string_equal(in.parcels[0].id, "A/1");
    assert_string_equal(in.parcels[2].id, "B/2/1");
    assert_int_equal(in.parcels[0].stop, 2);
    assert_int_equal(in.parcels[1].stop, 2);
    assert_int_equal(in.parcels[2].stop, 1);
    const char *bad = "order_id,stop\nA,x\n";
    assert_int_equal(bx_load_read_stops_mem(ctx, "s.csv", bad, strlen(bad), &in), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "s.csv:2:2: field 'stop'"));
    bx_load_input_free(ctx, &in);
    bx_ctx_free(ctx);
#else
    skip(); /* reading a packing result needs jansson */
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_known_optima), cmocka_unit_test(test_fill_vs_exact),
        cmocka_unit_test(test_fill_budget_bounds_work),
        cmocka_unit_test(test_fill_properties),   cmocka_unit_test(test_fill_check_catches),
        cmocka_unit_test(test_plan_two_vans),     cmocka_unit_test(test_plan_axles),
        cmocka_unit_test(test_plan_bad_input),    cmocka_unit_test(test_plan_stops),
        cmocka_unit_test(test_plan_oom),          cmocka_unit_test(test_plan_masses_share_a_type),
        cmocka_unit_test(test_plan_words_en_zh), cmocka_unit_test(test_plan_fleet),
        cmocka_unit_test(test_plan_axle_tare_shift), cmocka_unit_test(test_fleet_packed_oom),
        cmocka_unit_test(test_packed_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
