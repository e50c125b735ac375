/*
 * test_bounds.c: the Martello-Pisinger-Vigo lower bounds (bx_lower_bound):
 * small cases worked by hand, the published benchmark instances, and
 * validity against the exhaustive packer on random tiny cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exact_packer.h"
#include "testutil.h"

typedef struct unitspec {
    int32_t l, w, h;
    int qty;
    bx_rotation rot;
} unitspec;

/* The bounds of a list of unit specs (expanded by qty) in an L x W x H box. */
static void bounds_of(const unitspec *spec, size_t nspec, int32_t L, int32_t W, int32_t H,
                      uint32_t lbs[3], uint32_t *lb)
{
    int32_t dims[64][3];
    bx_rotation rot[64];
    size_t n = 0;
    for (size_t s = 0; s < nspec; s++) {
        for (int k = 0; k < spec[s].qty; k++) {
            assert_true(n < 64);
            dims[n][0] = spec[s].l;
            dims[n][1] = spec[s].w;
            dims[n][2] = spec[s].h;
            rot[n++] = spec[s].rot;
        }
    }
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    assert_int_equal(bx_lower_bound(e, L, W, H, (const int32_t(*)[3])dims, rot, n, lb, lbs), BX_OK);
    bx_engine_free(e);
    bx_ctx_free(ctx);
}

static void expect_bounds(const unitspec *spec, size_t nspec, int32_t L, int32_t W, int32_t H,
                          uint32_t l0, uint32_t l1, uint32_t l2)
{
    uint32_t lbs[3], lb;
    bounds_of(spec, nspec, L, W, H, lbs, &lb);
    if (lbs[0] != l0 || lbs[1] != l1 || lbs[2] != l2)
        fail_msg("L0, L1, L2 = %u, %u, %u; expected %u, %u, %u", lbs[0], lbs[1], lbs[2], l0, l1,
                 l2);
    uint32_t max = l0 > l1 ? l0 : l1;
    assert_int_equal(lb, max > l2 ? max : l2);
}

static void test_empty(void **state)
{
    (void)state;
    expect_bounds(NULL, 0, 10, 10, 10, 0, 0, 0);
}

/* Three 6 x 6 x 6 cubes in a 10 x 10 x 10 bin. Volume: 3 * 216 = 648 of
 * 1000, L0 = 1. Each is longer than 5 along every axis, so no two share a
 * bin: for the pair (x, y) all three are in J, all above D/2 = 5 along z:
 * L1 = 3; L2 >= L1, and 3 bins suffice, so L2 = 3. */
static void test_big_cubes(void **state)
{
    (void)state;
    unitspec u[] = {{6, 6, 6, 3, BX_ROTATE_FIXED}};
    expect_bounds(u, 1, 10, 10, 10, 1, 3, 3);
    u[0].rot = BX_ROTATE_ANY; /* a cube: turning changes nothing */
    expect_bounds(u, 1, 10, 10, 10, 1, 3, 3);
}

/* One 6 x 6 x 6 and six 6 x 6 x 4 in 10 x 10 x 10, fixed. All are wider
 * than 5 along x and y: a 1-D problem along z with sizes 6, 4 x 6 and
 * capacity 10. For p = 4: J_l (> 6) empty, J_m (5 < d <= 6) = {6} with
 * room for floor((10 - 6) / 4) = 1 small, J_s (4 <= d <= 5) = six 4s.
 * alpha = ceil((24 - (10 - 6)) / 10) = 2, beta = ceil((6 - 1) / floor(10/4))
 * = ceil(5 / 2) = 3: L1 = 1 + max(2, 3) = 4. A packing in 4 bins: 6+4,
 * 4+4, 4+4, 4, so L2 = 4 too. Volume: 216 + 6 * 144 = 1080: L0 = 2. */
static void test_l1_counting_term(void **state)
{
    (void)state;
    unitspec u[] = {{6, 6, 6, 1, BX_ROTATE_FIXED}, {6, 6, 4, 6, BX_ROTATE_FIXED}};
    expect_bounds(u, 2, 10, 10, 10, 2, 4, 4);
}

/* One 8 x 8 x 8 and eight 3 x 3 x 3 in 10 x 10 x 10. L0 = ceil((512 +
 * 216) / 1000) = 1. L1 = 1 (only the big cube is over half). L2 with
 * p = q = 3: K_v = {units over 7 along x and y} = the big cube, blocking
 * 10 * 10 * 8 = 800; the small cubes (>= 3 along x and y) add 216:
 * ceil(1016 / 1000) = 2. Indeed no small cube fits beside (2 mm left) or
 * above (2 mm) the big one. */
static void test_l2_blocking(void **state)
{
    (void)state;
    unitspec u[] = {{8, 8, 8, 1, BX_ROTATE_FIXED}, {3, 3, 3, 8, BX_ROTATE_FIXED}};
    expect_bounds(u, 2, 10, 10, 10, 1, 1, 2);
}

/* Three 6 x 6 x 4 in 10 x 10 x 10, volume 432: L0 = 1.
 * Fixed (and upright, where 4 stays vertical): the 6 x 6 footprints cannot
 * stand side by side, so they stack, 4 + 4 <= 10 but not three: for p = 4
 * alpha = ceil(12 / 10) = 2 and beta = ceil(3 / 2) = 2, L1 = 2.
 * Any rotation: the smallest extent along every axis is 4, not over half,
 * so L1 has no unit to count (0), and L2 is the volume bound (1); they
 * really fit one bin: 6x6x4 at the origin, 4x6x6 at x = 6, 6x4x6 at
 * y = 6. */
static void test_rotation_rules(void **state)
{
    (void)state;
    unitspec u[] = {{6, 6, 4, 3, BX_ROTATE_FIXED}};
    expect_bounds(u, 1, 10, 10, 10, 1, 2, 2);
    u[0].rot = BX_ROTATE_UPRIGHT;
    expect_bounds(u, 1, 10, 10, 10, 1, 2, 2);
    u[0].rot = BX_ROTATE_ANY;
    expect_bounds(u, 1, 10, 10, 10, 1, 0, 1);
    ex_unit x[3];
    for (int i = 0; i < 3; i++)
        x[i] = (ex_unit){{6, 6, 4}, BX_ROTATE_ANY, false, false, -1, 0};
    assert_true(ex_fits(x, 3, 10, 10, 10, NULL, NULL));
}

/* Orientations that do not fit the bin do not count: three 6 x 6 x 4 with
 * any rotation in a 10 x 10 x 4 bin can only lie flat (height 4), so each
 * is over half along x and y and over half (4 > 2) along z: L1 = 3.
 * L0 = ceil(432 / 400) = 2. */
static void test_only_fitting_orientations(void **state)
{
    (void)state;
    unitspec u[] = {{6, 6, 4, 3, BX_ROTATE_ANY}};
    expect_bounds(u, 1, 10, 10, 4, 2, 3, 3);
}

/* L0 alone: 27 cubes 1 x 1 x 1 in a 3 x 3 x 3 bin fill it exactly (1 bin);
 * 28 need 2. */
static void test_volume(void **state)
{
    (void)state;
    unitspec u[] = {{1, 1, 1, 27, BX_ROTATE_FIXED}};
    expect_bounds(u, 1, 3, 3, 3, 1, 0, 1);
    u[0].qty = 28;
    uint32_t lbs[3], lb;
    bounds_of(u, 1, 3, 3, 3, lbs, &lb);
    assert_int_equal(lbs[0], 2);
    assert_int_equal(lb, 2);
}

static void test_arguments_and_memory(void **state)
{
    (void)state;
    int32_t dims[1][3] = {{1, 1, 1}};
    bx_rotation rot[1] = {BX_ROTATE_ANY};
    uint32_t lb;
    assert_int_equal(bx_lower_bound(NULL, 1, 1, 1, (const int32_t(*)[3])dims, rot, 1, &lb, NULL),
                     BX_EINVAL);
    bool ok = false;
    for (uint64_t n = 1; n < 40 && !ok; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        bx_engine *e = NULL;
        bx_status st = bx_engine_new(ctx, &e, NULL);
        if (st == BX_OK) {
            st = bx_lower_bound(e, 1, 1, 1, (const int32_t(*)[3])dims, rot, 1, &lb, NULL);
            assert_true(st == BX_OK || st == BX_ENOMEM);
            ok = st == BX_OK;
            if (ok)
                assert_int_equal(lb, 1);
        } else {
            assert_int_equal(st, BX_ENOMEM);
        }
        bx_engine_free(e);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
    }
    assert_true(ok);
}

/* ---- the conflict-clique bound ------------------------------------------- */

/* The clique bound of unit specs (expanded by qty; mass_g per spec or NULL)
 * in an L x W x H box carrying payload_g, under node_limit (0: default). */
static uint32_t clique_of(const unitspec *spec, size_t nspec, const int64_t *mass_g,
                          int32_t L, int32_t W, int32_t H, int64_t payload_g,
                          uint64_t node_limit, bool *exact)
{
    int32_t dims[64][3];
    bx_rotation rot[64];
    int64_t mass[64];
    size_t n = 0;
    for (size_t s = 0; s < nspec; s++) {
        for (int k = 0; k < spec[s].qty; k++) {
            assert_true(n < 64);
            dims[n][0] = spec[s].l;
            dims[n][1] = spec[s].w;
            dims[n][2] = spec[s].h;
            mass[n] = mass_g != NULL ? mass_g[s] : 0;
            rot[n++] = spec[s].rot;
        }
    }
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    uint32_t c = 0;
    bool ex = false;
    assert_int_equal(bx_clique_bound(e, L, W, H, payload_g, (const int32_t(*)[3])dims, rot,
                                     mass_g != NULL ? mass : NULL, n, node_limit, &c, &ex),
                     BX_OK);
    if (exact != NULL)
        *exact = ex;
    bx_engine_free(e);
    bx_ctx_free(ctx);
    return c;
}

/* Three 60 mm cubes in a 100 mm cube: 60 + 60 > 100 along every axis, so
 * no two share a bin: clique 3. L0 = ceil(3 * 216000 / 1e6) = 1; each cube
 * is over half the bin along all axes, so L1 (and L2) count one bin each:
 * 3. Here the bounds agree; one cube gives 1, none 0. */
static void test_clique_cubes(void **state)
{
    (void)state;
    unitspec u[] = {{60, 60, 60, 3, BX_ROTATE_FIXED}};
    expect_bounds(u, 1, 100, 100, 100, 1, 3, 3);
    bool exact = false;
    assert_int_equal(clique_of(u, 1, NULL, 100, 100, 100, 0, 0, &exact), 3);
    assert_true(exact);
    u[0].rot = BX_ROTATE_ANY;
    assert_int_equal(clique_of(u, 1, NULL, 100, 100, 100, 0, 0, NULL), 3);
    u[0].qty = 1;
    assert_int_equal(clique_of(u, 1, NULL, 100, 100, 100, 0, 0, NULL), 1);
    assert_int_equal(clique_of(NULL, 0, NULL, 100, 100, 100, 0, 0, NULL), 0);
}

/* Three plates of 90 x 90 x 20 in a 100 mm cube, one per plane: fixed, each
 * pair adds up to over 100 along every axis (90 + 90, 90 + 20, 20 + 90 in
 * some order), so 3 bins are needed and 3 suffice: the clique is the
 * optimum. L0 = ceil(3 * 162000 / 1e6) = 1. Only one plate is over half
 * along any given pair of axes, so L1 = 1; for L2, K_v holds at most that
 * plate, blocking 100 * 100 * 20 = 200000 beyond the 486000 of volume:
 * under one bin, L2 = 1. */
static void test_clique_above_l2(void **state)
{
    (void)state;
    unitspec u[] = {{90, 90, 20, 1, BX_ROTATE_FIXED},
                    {20, 90, 90, 1, BX_ROTATE_FIXED},
                    {90, 20, 90, 1, BX_ROTATE_FIXED}};
    expect_bounds(u, 3, 100, 100, 100, 1, 1, 1);
    assert_int_equal(clique_of(u, 3, NULL, 100, 100, 100, 0, 0, NULL), 3);
    ex_unit x[3];
    for (int i = 0; i < 3; i++)
        x[i] = (ex_unit){{u[i].l, u[i].w, u[i].h}, BX_ROTATE_FIXED, false, false, -1, 0};
    ex_box box = {100, 100, 100, 1, -1};
    ex_solution sol;
    assert_true(ex_min_boxes(x, 3, &box, 1, &sol));
    assert_int_equal(sol.nboxes, 3);
    /* turned freely, all three lie flat on each other: 20 + 20 + 20 <= 100 */
    for (int i = 0; i < 3; i++)
        u[i].rot = BX_ROTATE_ANY;
    assert_int_equal(clique_of(u, 3, NULL, 100, 100, 100, 0, 0, NULL), 1);
}

/* 70 x 40 x 60 and 40 x 70 x 60 in a 100 mm cube. Fixed: 70 + 40 > 100
 * along x and y and 60 + 60 > 100 along z: they conflict (clique 2, and
 * L0 = L1 = L2 = 1: neither is over half along two axes but one pair).
 * Upright, the first may turn to 40 x 70: 40 + 40 <= 100 along x, so they
 * stand side by side and share one bin: clique 1. */
static void test_clique_rotation(void **state)
{
    (void)state;
    unitspec u[] = {{70, 40, 60, 1, BX_ROTATE_FIXED}, {40, 70, 60, 1, BX_ROTATE_FIXED}};
    expect_bounds(u, 2, 100, 100, 100, 1, 1, 1);
    assert_int_equal(clique_of(u, 2, NULL, 100, 100, 100, 0, 0, NULL), 2);
    u[0].rot = BX_ROTATE_UPRIGHT;
    assert_int_equal(clique_of(u, 2, NULL, 100, 100, 100, 0, 0, NULL), 1);
    ex_unit x[2] = {{{70, 40, 60}, BX_ROTATE_UPRIGHT, false, false, -1, 0},
                    {{40, 70, 60}, BX_ROTATE_FIXED, false, false, -1, 0}};
    assert_true(ex_fits(x, 2, 100, 100, 100, NULL, NULL));
    /* Only orientations that fit count: two 60 x 60 x 40 turning freely
     * stand 40 wide side by side in the 100 mm cube (clique 1), but in a
     * 100 x 100 x 50 bin only the 40 mm side may stand up, and then
     * 60 + 60 > 100, 60 + 60 > 100, 40 + 40 > 50: clique 2. */
    unitspec v[] = {{60, 60, 40, 2, BX_ROTATE_ANY}};
    assert_int_equal(clique_of(v, 1, NULL, 100, 100, 100, 0, 0, NULL), 1);
    assert_int_equal(clique_of(v, 1, NULL, 100, 100, 50, 0, 0, NULL), 2);
}

/* Masses: three 10 mm cubes of 600 g each. With a payload of 1000 g any
 * two weigh 1200 g > 1000 g: clique 3 (the mass bound ceil(1800 / 1000) is
 * only 2). At 1200 g a pair fits exactly: no conflict, clique 1. Masses
 * not given: 1. A unit heavier than the payload (1100 g > 1000 g) is left
 * out: it fits in no box. */
static void test_clique_payload(void **state)
{
    (void)state;
    unitspec u[] = {{10, 10, 10, 3, BX_ROTATE_ANY}};
    int64_t m[] = {600};
    assert_int_equal(clique_of(u, 1, m, 100, 100, 100, 1000, 0, NULL), 3);
    assert_int_equal(clique_of(u, 1, m, 100, 100, 100, 1200, 0, NULL), 1);
    assert_int_equal(clique_of(u, 1, NULL, 100, 100, 100, 1000, 0, NULL), 1);
    unitspec v[] = {{10, 10, 10, 2, BX_ROTATE_ANY}, {10, 10, 10, 1, BX_ROTATE_ANY}};
    int64_t mv[] = {600, 1100};
    assert_int_equal(clique_of(v, 2, mv, 100, 100, 100, 1000, 0, NULL), 2);
}

/* The node limit: six 60 mm cubes in a 100 mm cube form a clique of six.
 * Stopped early the search still returns a clique it holds (at least one
 * unit, never more than six, never fewer with more nodes) and says it was
 * stopped; with enough nodes it finds all six and says it finished. */
static void test_clique_node_limit(void **state)
{
    (void)state;
    unitspec u[] = {{60, 60, 60, 6, BX_ROTATE_FIXED}, {10, 10, 10, 4, BX_ROTATE_FIXED}};
    uint32_t last = 0;
    for (uint64_t limit = 1; limit <= 3; limit++) {
        bool exact = true;
        uint32_t c = clique_of(u, 2, NULL, 100, 100, 100, 0, limit, &exact);
        assert_false(exact);
        assert_true(c >= 1 && c <= 6);
        assert_true(c >= last);
        last = c;
    }
    bool exact = false;
    assert_int_equal(clique_of(u, 2, NULL, 100, 100, 100, 0, 1000, &exact), 6);
    assert_true(exact);
}

/* Past 256 units that may conflict, the largest are searched: 300 cubes of
 * 60 mm (pairwise in conflict, optimum 300) and 100 of 10 mm (in no
 * conflict) still give a valid bound of at least 256 bins. */
static void test_clique_many_units(void **state)
{
    (void)state;
    enum { N = 400 };
    int32_t(*dims)[3] = malloc(N * sizeof *dims);
    bx_rotation *rot = malloc(N * sizeof *rot);
    assert_non_null(dims);
    assert_non_null(rot);
    for (int i = 0; i < N; i++) {
        int32_t d = i % 4 == 3 ? 10 : 60; /* 300 large, 100 small */
        dims[i][0] = dims[i][1] = dims[i][2] = d;
        rot[i] = BX_ROTATE_ANY;
    }
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    uint32_t c;
    bool exact;
    assert_int_equal(bx_clique_bound(e, 100, 100, 100, 0, (const int32_t(*)[3])dims, rot, NULL,
                                     N, 0, &c, &exact),
                     BX_OK);
    assert_true(c >= 256 && c <= 300);
    bx_engine_free(e);
    bx_ctx_free(ctx);
    free(dims);
    free(rot);
}

static void test_clique_arguments(void **state)
{
    (void)state;
    int32_t dims[1][3] = {{1, 1, 1}};
    bx_rotation rot[1] = {BX_ROTATE_ANY};
    uint32_t c;
    assert_int_equal(bx_clique_bound(NULL, 1, 1, 1, 0, (const int32_t(*)[3])dims, rot, NULL, 1, 0,
                                     &c, NULL),
                     BX_EINVAL);
    bool ok = false;
    for (uint64_t n = 1; n < 40 && !ok; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        bx_engine *e = NULL;
        bx_status st = bx_engine_new(ctx, &e, NULL);
        if (st == BX_OK) {
            assert_int_equal(bx_clique_bound(e, 0, 1, 1, 0, (const int32_t(*)[3])dims, rot, NULL,
                                             1, 0, &c, NULL),
                             BX_EINVAL);
            st = bx_clique_bound(e, 1, 1, 1, 0, (const int32_t(*)[3])dims, rot, NULL, 1, 0, &c,
                                 NULL);
            assert_true(st == BX_OK || st == BX_ENOMEM);
            ok = st == BX_OK;
            if (ok)
                assert_int_equal(c, 1);
        } else {
            assert_int_equal(st, BX_ENOMEM);
        }
        bx_engine_free(e);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
    }
    assert_true(ok);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64 (Marsaglia 2003) */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int32_t rnd(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(rng() % (uint64_t)(hi - lo + 1));
}

/* Large orders stay cheap (candidate values are thinned) and the bound
 * still dominates the volume bound. */
static void test_large_order(void **state)
{
    (void)state;
    enum { N = 20000 };
    int32_t(*dims)[3] = malloc(N * sizeof *dims);
    bx_rotation *rot = malloc(N * sizeof *rot);
    assert_non_null(dims);
    assert_non_null(rot);
    rng_state = 7;
    int64_t vol = 0;
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < 3; k++)
            dims[i][k] = rnd(1, 1000);
        rot[i] = (bx_rotation)rnd(0, 2);
        vol += (int64_t)dims[i][0] * dims[i][1] * dims[i][2];
    }
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    uint32_t lb, lbs[3];
    assert_int_equal(bx_lower_bound(e, 1000, 1000, 1000, (const int32_t(*)[3])dims, rot, N, &lb, lbs),
                     BX_OK);
    assert_int_equal(lbs[0], (uint32_t)((vol + 999999999) / 1000000000));
    assert_true(lb >= lbs[0]);
    bx_engine_free(e);
    bx_ctx_free(ctx);
    free(dims);
    free(rot);
}

/* Validity: on random cases of up to 6 units with mixed rotation rules,
 * the bound never exceeds the optimum found by exhaustive search. */
static void test_never_above_optimum(void **state)
{
    (void)state;
    rng_state = 0x9E3779B97F4A7C15u;
    int cases = 0, tight = 0;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    while (cases < 400) {
        int32_t L = rnd(4, 10), W = rnd(4, 10), H = rnd(4, 10);
        int n = rnd(1, 6);
        ex_unit u[EX_MAX_UNITS];
        int32_t dims[EX_MAX_UNITS][3];
        bx_rotation rot[EX_MAX_UNITS];
        for (int i = 0; i < n; i++) {
            /* sizes that favour the large-item bounds */
            for (int k = 0; k < 3; k++)
                dims[i][k] = rnd(1, 7);
            rot[i] = (bx_rotation)rnd(0, 2);
            u[i] = (ex_unit){{dims[i][0], dims[i][1], dims[i][2]}, rot[i], false, false, -1, 0};
        }
        ex_box box = {L, W, H, 1, -1};
        ex_solution sol;
        if (!ex_min_boxes(u, n, &box, 1, &sol))
            continue; /* a unit fits in no orientation: outside the contract */
        uint32_t lb, lbs[3];
        assert_int_equal(bx_lower_bound(e, L, W, H, (const int32_t(*)[3])dims, rot, (size_t)n, &lb,
                                        lbs), BX_OK);
        if (lb > (uint32_t)sol.nboxes) {
            char buf[512];
            int at = snprintf(buf, sizeof buf, "bin %dx%dx%d, units:", L, W, H);
            for (int i = 0; i < n; i++)
                at += snprintf(buf + at, sizeof buf - (size_t)at, " %dx%dx%d/%s", dims[i][0],
                               dims[i][1], dims[i][2], bx_rotation_name(rot[i]));
            fail_msg("bound %u (L0 %u L1 %u L2 %u) above the optimum %d: %s", lb, lbs[0], lbs[1],
                     lbs[2], sol.nboxes, buf);
        }
        tight += lb == (uint32_t)sol.nboxes;
        cases++;
    }
    print_message("bounds equal to the optimum in %d of %d random tiny cases\n", tight, cases);
    bx_engine_free(e);
    bx_ctx_free(ctx);
}

/* Validity of the clique bound: on random cases of up to 6 units with
 * mixed rotation rules, masses and a payload, it never exceeds the optimum
 * of the exhaustive packer (which respects the payload too), and it beats
 * every other bound (L0, L1, L2 and the mass bound) on some cases. */
static void test_clique_never_above_optimum(void **state)
{
    (void)state;
    rng_state = 0xD1B54A32D192ED03u;
    int cases = 0, tight = 0, above_others = 0;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    while (cases < 400) {
        int32_t L = rnd(4, 10), W = rnd(4, 10), H = rnd(4, 10);
        int64_t payload = rnd(6, 20);
        int n = rnd(2, 6);
        ex_unit u[EX_MAX_UNITS];
        int32_t dims[EX_MAX_UNITS][3];
        bx_rotation rot[EX_MAX_UNITS];
        int64_t mass[EX_MAX_UNITS], total = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++)
                dims[i][k] = rnd(2, 8);
            rot[i] = (bx_rotation)rnd(0, 2);
            mass[i] = rnd(0, 12);
            total += mass[i];
            u[i] = (ex_unit){{dims[i][0], dims[i][1], dims[i][2]}, rot[i], false, false, -1,
                             mass[i]};
        }
        ex_box box = {L, W, H, payload, -1};
        ex_solution sol;
        if (!ex_min_boxes(u, n, &box, 1, &sol))
            continue; /* a unit fits in no orientation or is too heavy */
        uint32_t c, lb, lbs[3];
        bool exact;
        assert_int_equal(bx_clique_bound(e, L, W, H, payload, (const int32_t(*)[3])dims, rot,
                                         mass, (size_t)n, 0, &c, &exact),
                         BX_OK);
        assert_true(exact);
        assert_int_equal(bx_lower_bound(e, L, W, H, (const int32_t(*)[3])dims, rot, (size_t)n,
                                        &lb, lbs),
                         BX_OK);
        if (c > (uint32_t)sol.nboxes) {
            char buf[512];
            int at = snprintf(buf, sizeof buf, "bin %dx%dx%d payload %lld, units:", L, W, H,
                              (long long)payload);
            for (int i = 0; i < n; i++)
                at += snprintf(buf + at, sizeof buf - (size_t)at, " %dx%dx%d/%s/%lldg",
                               dims[i][0], dims[i][1], dims[i][2], bx_rotation_name(rot[i]),
                               (long long)mass[i]);
            fail_msg("clique %u above the optimum %d: %s", c, sol.nboxes, buf);
        }
        int64_t lw = (total + payload - 1) / payload;
        tight += c == (uint32_t)sol.nboxes;
        above_others += (int64_t)c > lw && c > lb;
        cases++;
    }
    print_message("clique equal to the optimum in %d of %d random tiny cases, above every "
                  "other bound in %d\n",
                  tight, cases, above_others);
    assert_true(above_others > 0);
    bx_engine_free(e);
    bx_ctx_free(ctx);
}

/* ---- the Martello-Pisinger-Vigo benchmark ---------------------------------- */

#ifdef BOXCAR_SHARED_BENCH
#define MPV_DIR BOXCAR_SHARED_BENCH "/mpv"

typedef struct mpv_instance {
    char id[32];
    int cls, n, W, H, D;
    int lb[3];
} mpv_instance;

/* Compare L0, L1, L2 (fixed orientation) with the values the data set
 * publishes for all its instances. Items are w x h x d in a W x H x D bin;
 * they map to l, w, h and the bounds do not depend on which axis is which
 * (all three axis pairs are tried). */
static void test_mpv_instances(void **state)
{
    (void)state;
    FILE *fi = fopen(MPV_DIR "/mpv_instances.csv", "r");
    FILE *ft = fopen(MPV_DIR "/mpv_items.csv", "r");
    if (fi == NULL || ft == NULL) {
        if (fi)
            fclose(fi);
        if (ft)
            fclose(ft);
        print_message("skipped: no MPV data under %s\n", MPV_DIR);
        skip();
    }
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    char line[256], item_id[32] = "";
    int32_t dims[256][3];
    bx_rotation rot[256];
    for (int i = 0; i < 256; i++)
        rot[i] = BX_ROTATE_FIXED;
    assert_non_null(fgets(line, sizeof line, fi)); /* headers */
    assert_non_null(fgets(line, sizeof line, ft));
    bool have_item = false;
    int item[3] = {0, 0, 0};
    int ninst = 0, match[3] = {0, 0, 0}, class9 = 0;
    /* per class: instances where the clique bound is above L2, and by how
     * many bins in all */
    int raised[10] = {0}, gain[10] = {0}, inexact = 0;
    while (fgets(line, sizeof line, fi) != NULL) {
        mpv_instance in;
        long long seed, vol;
        int no;
        if (sscanf(line, "%31[^,],%d,%d,%d,%lld,%d,%d,%d,%lld,%d,%d,%d", in.id, &in.cls, &in.n,
                   &no, &seed, &in.W, &in.H, &in.D, &vol, &in.lb[0], &in.lb[1], &in.lb[2]) != 12)
            fail_msg("mpv_instances.csv: cannot read \"%s\"", line);
        assert_true(in.n > 0 && in.n <= 256);
        /* items of one instance are consecutive rows */
        int n = 0;
        for (;;) {
            if (!have_item) {
                if (fgets(line, sizeof line, ft) == NULL)
                    break;
                int no2;
                if (sscanf(line, "%31[^,],%d,%d,%d,%d", item_id, &no2, &item[0], &item[1],
                           &item[2]) != 5)
                    fail_msg("mpv_items.csv: cannot read \"%s\"", line);
                have_item = true;
            }
            if (strcmp(item_id, in.id) != 0)
                break;
            assert_true(n < in.n);
            dims[n][0] = item[0];
            dims[n][1] = item[1];
            dims[n][2] = item[2];
            n++;
            have_item = false;
        }
        assert_int_equal(n, in.n);
        uint32_t lb, lbs[3];
        assert_int_equal(bx_lower_bound(e, in.W, in.H, in.D, (const int32_t(*)[3])dims, rot,
                                        (size_t)n, &lb, lbs), BX_OK);
        for (int k = 0; k < 3; k++) {
            if ((int)lbs[k] == in.lb[k])
                match[k]++;
            else
                print_message("%s: L%d = %u, the data set says %d\n", in.id, k, lbs[k], in.lb[k]);
        }
        uint32_t clique;
        bool exact;
        assert_int_equal(bx_clique_bound(e, in.W, in.H, in.D, 0, (const int32_t(*)[3])dims, rot,
                                         NULL, (size_t)n, 0, &clique, &exact),
                         BX_OK);
        inexact += !exact;
        assert_true(in.cls >= 1 && in.cls <= 9);
        if ((int)clique > in.lb[2]) {
            raised[in.cls]++;
            gain[in.cls] += (int)clique - in.lb[2];
        }
        /* class 9 instances are three bins cut into pieces: optimum 3 */
        if (in.cls == 9) {
            class9++;
            if (lb > 3 || clique > 3)
                fail_msg("%s: bound %u, clique %u above the known optimum 3", in.id, lb,
                         clique);
        }
        ninst++;
    }
    fclose(fi);
    fclose(ft);
    print_message("MPV: %d instances; L0, L1, L2 equal to the data set's in %d, %d, %d\n", ninst,
                  match[0], match[1], match[2]);
    assert_int_equal(ninst, 360);
    assert_int_equal(class9, 40);
    /* the data set's L2 takes p and q up to W/2 and H/2 as in the paper's
     * definition (not only unit sizes as in the authors' code), like ours */
    assert_int_equal(match[0], ninst);
    assert_int_equal(match[1], ninst);
    assert_int_equal(match[2], ninst);
    /* The clique bound against an exact maximum clique computed apart (a
     * general-purpose graph library on the same conflict graphs): over
     * classes 1 and 4-8 it raises L2 on 32 instances by 35 bins, 6,844 to
     * 6,879: class 4 by 20 bins, 5 by 5, 7 by 4, 8 by 6; 1 and 6 not. */
    print_message("MPV: clique above L2 on %d/%d/%d/%d/%d/%d instances of classes 1, 4-8, by "
                  "%d/%d/%d/%d/%d/%d bins; search stopped early on %d\n",
                  raised[1], raised[4], raised[5], raised[6], raised[7], raised[8], gain[1],
                  gain[4], gain[5], gain[6], gain[7], gain[8], inexact);
    assert_int_equal(inexact, 0);
    assert_int_equal(gain[1], 0);
    assert_int_equal(gain[4], 20);
    assert_int_equal(gain[5], 5);
    assert_int_equal(gain[6], 0);
    assert_int_equal(gain[7], 4);
    assert_int_equal(gain[8], 6);
    assert_int_equal(raised[1] + raised[4] + raised[5] + raised[6] + raised[7] + raised[8], 32);
    bx_engine_free(e);
    bx_ctx_free(ctx);
}
#else
static void test_mpv_instances(void **state)
{
    (void)state;
    print_message("skipped: BOXCAR_SHARED_BENCH is not defined for this test\n");
    skip();
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_big_cubes),
        cmocka_unit_test(test_l1_counting_term),
        cmocka_unit_test(test_l2_blocking),
        cmocka_unit_test(test_rotation_rules),
        cmocka_unit_test(test_only_fitting_orientations),
        cmocka_unit_test(test_volume),
        cmocka_unit_test(test_arguments_and_memory),
        cmocka_unit_test(test_large_order),
        cmocka_unit_test(test_never_above_optimum),
        cmocka_unit_test(test_clique_cubes),
        cmocka_unit_test(test_clique_above_l2),
        cmocka_unit_test(test_clique_rotation),
        cmocka_unit_test(test_clique_payload),
        cmocka_unit_test(test_clique_node_limit),
        cmocka_unit_test(test_clique_many_units),
        cmocka_unit_test(test_clique_arguments),
        cmocka_unit_test(test_clique_never_above_optimum),
        cmocka_unit_test(test_mpv_instances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
