/*
 * test_load_blocks.c: the container-loading engine's blocks and block
 * fitness (cartonize/src/load_blocks.c, load_fit.c), white-box.
 *
 * Every expected value is worked out by hand in the comment above it.
 */
#include <string.h>

#include "internal.h"
#include "load_internal.h"
#include "testutil.h"

static bxi_cl_type box(int32_t a, int32_t b, int32_t c, uint32_t qty, bool any)
{
    bxi_cl_type t;
    memset(&t, 0, sizeof t);
    t.d[0] = a;
    t.d[1] = b;
    t.d[2] = c;
    t.vert_ok[0] = t.vert_ok[1] = any;
    t.vert_ok[2] = true;
    t.qty = qty;
    t.mass_g = 1;
    t.max_load_g = -1;
    return t;
}

static bxi_cl_problem problem(int32_t x, int32_t y, int32_t z, const bxi_cl_type *t, size_t n,
                              bool support)
{
    bxi_cl_problem pb;
    memset(&pb, 0, sizeof pb);
    pb.c[0] = x;
    pb.c[1] = y;
    pb.c[2] = z;
    pb.types = t;
    pb.ntypes = n;
    pb.support = support;
    pb.payload_g = INT64_MAX;
    return pb;
}

static bxi_cl_block blk(int32_t x, int32_t y, int32_t z, int64_t vol)
{
    bxi_cl_block b;
    memset(&b, 0, sizeof b);
    b.d[0] = x;
    b.d[1] = y;
    b.d[2] = z;
    b.vol = vol;
    return b;
}

static bxi_cl_space space(int32_t x, int32_t y, int32_t z)
{
    bxi_cl_space s;
    memset(&s, 0, sizeof s);
    s.d[0] = x;
    s.d[1] = y;
    s.d[2] = z;
    return s;
}

/* A 7-cube and 3-cubes in a 12-cube. Sums of 3 and 7 up to 12: 0, 3, 6,
 * 7, 9, 10, 12; so the longest usable length in 5 is 3, in 8 is 7, in 11
 * is 10. In the whole container (12^3 = 1728):
 *   - the 7-cube leaves gaps of 5, of which 3 are usable: it keeps
 *     (7 + 3)^3 = 1000 of 1728, loses 728: fitness 343 - 728 = -385;
 *   - one 3-cube leaves 9 (usable): 27;
 *   - a 2x2x2 block of 3-cubes (6^3, 216 of boxes) leaves 6: 216;
 *   - a 12x6x3 block (216) leaves 0, 6, 9: 216;
 *   - a 10x7x7 block holding only 343 + 27 = 370 of its 490 loses 120
 *     inside and leaves 2 (0 usable), 5 (3), 5 (3): keeps 10^3 = 1000,
 *     loses 728: 370 - 728 - 120 = -478.
 * In an 11x12x12 space only 10 of the 11 is usable (1440 mm^3); the 6-cube
 * block leaves 4 of it, 3 usable: keeps 9 * 12 * 12 = 1296, loses 144:
 * 216 - 144 = 72. */
static void test_fitness_by_hand(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bxi_cl_type t[2] = {box(7, 7, 7, 1, true), box(3, 3, 3, 8, true)};
    bxi_cl_problem pb = problem(12, 12, 12, t, 2, true);
    bxi_cl_reach r;
    assert_int_equal(bxi_cl_reach_make(ctx, &pb, &r), BX_OK);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(r.r[k][5], 3);
        assert_int_equal(r.r[k][8], 7);
        assert_int_equal(r.r[k][11], 10);
        assert_int_equal(r.r[k][12], 12);
        assert_int_equal(r.r[k][2], 0);
    }
    bxi_cl_space all = space(12, 12, 12);
    bxi_cl_block b7 = blk(7, 7, 7, 343), b3 = blk(3, 3, 3, 27), b6 = blk(6, 6, 6, 216),
                 slab = blk(12, 6, 3, 216), gen = blk(10, 7, 7, 370);
    assert_int_equal(bxi_cl_fitness(&r, &all, &b7), -385);
    assert_int_equal(bxi_cl_fitness(&r, &all, &b3), 27);
    assert_int_equal(bxi_cl_fitness(&r, &all, &b6), 216);
    assert_int_equal(bxi_cl_fitness(&r, &all, &slab), 216);
    assert_int_equal(bxi_cl_fitness(&r, &all, &gen), -478);
    bxi_cl_space s11 = space(11, 12, 12);
    assert_int_equal(bxi_cl_fitness(&r, &s11, &b6), 72);
    bxi_cl_reach_free(ctx, &r);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
}

/* Orientation flags decide which edges count along each axis. A 2x3x5 box
 * that may only stand on its 5 edge: vertically only 5 (in 12: 10 usable,
 * in 4: nothing); lying, 2 or 3 (the 5 edge would need another edge
 * standing): in 1 nothing, in 7 all (2 + 2 + 3), in 20 all. */
static void test_reach_orientations(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bxi_cl_type t = box(2, 3, 5, 4, false);
    bxi_cl_problem pb = problem(20, 20, 12, &t, 1, true);
    bxi_cl_reach r;
    assert_int_equal(bxi_cl_reach_make(ctx, &pb, &r), BX_OK);
    assert_int_equal(r.r[2][12], 10);
    assert_int_equal(r.r[2][4], 0);
    assert_int_equal(r.r[2][5], 5);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(r.r[k][1], 0);
        assert_int_equal(r.r[k][7], 7);
        assert_int_equal(r.r[k][20], 20);
    }
    bxi_cl_reach_free(ctx, &r);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
}

/* Three slabs 10x10x5, 10x10x3 and 10x10x2, one each, lying flat in a
 * 10-cube: stacked they fill it exactly (500 + 300 + 200 = 1000 mm^3), and
 * nothing else does (no two of them fit side by side). Under either
 * support rule the search must load all three. Blocks are single-type:
 * each slab is a block of its own, and every block is hole-free. */
static void test_three_types_fill(void **state)
{
    (void)state;
    for (int sup = 0; sup < 2; sup++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bxi_cl_type t[3] = {box(10, 10, 5, 1, false), box(10, 10, 3, 1, false),
                            box(10, 10, 2, 1, false)};
        bxi_cl_problem pb = problem(10, 10, 10, t, 3, sup != 0);
        bxi_cl_blocks bl;
        assert_int_equal(bxi_cl_blocks_make(ctx, &pb, UINT64_MAX, &bl), BX_OK);
        assert_int_equal(bl.n, 3);
        for (size_t i = 0; i < bl.n; i++) {
            const bxi_cl_block *b = &bl.b[i];
            assert_int_equal(b->comp_n, 1);
            assert_int_equal(b->vol, (int64_t)b->d[0] * b->d[1] * b->d[2]);
        }
        /* largest first */
        assert_int_equal(bl.b[bl.order[0]].vol, 500);
        assert_int_equal(bl.b[bl.order[2]].vol, 200);
        bxi_cl_blocks_free(ctx, &bl);
        bxi_cl_result res;
        pb.budget = 1000000;
        assert_int_equal(bxi_cl_solve(ctx, &pb, &res), BX_OK);
        assert_int_equal(res.vol, 1000);
        assert_int_equal(res.nboxes, 3);
        bxi_cl_result_free(ctx, &res);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
    }
}

/* A 9-cube (one) and 5-cubes (seven) in a 10-cube. The 9-cube leaves
 * 1 mm on every side, so with it nothing else fits: 729. Without it, seven
 * 5-cubes: 875, the optimum. Largest first would take the 9-cube; its
 * fitness (sums of 5 and 9 up to 10: 0, 5, 9, 10; its gaps of 1 are lost:
 * 729 - (1000 - 729) = 458) is below that of a 10x10x5 layer of four
 * 5-cubes (gaps 0, 0, 5, all usable: 500). */
static void test_fitness_avoids_a_trap(void **state)
{
    (void)state;
    for (int sup = 0; sup < 2; sup++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bxi_cl_type t[2] = {box(9, 9, 9, 1, true), box(5, 5, 5, 7, true)};
        bxi_cl_problem pb = problem(10, 10, 10, t, 2, sup != 0);
        bxi_cl_reach r;
        assert_int_equal(bxi_cl_reach_make(ctx, &pb, &r), BX_OK);
        bxi_cl_space all = space(10, 10, 10);
        bxi_cl_block b9 = blk(9, 9, 9, 729), layer = blk(10, 10, 5, 500);
        assert_int_equal(bxi_cl_fitness(&r, &all, &b9), 458);
        assert_int_equal(bxi_cl_fitness(&r, &all, &layer), 500);
        bxi_cl_reach_free(ctx, &r);
        pb.budget = 1000000;
        bxi_cl_result res;
        assert_int_equal(bxi_cl_solve(ctx, &pb, &res), BX_OK);
        assert_int_equal(res.vol, 875);
        assert_int_equal(res.nboxes, 7);
        bxi_cl_result_free(ctx, &res);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
    }
}

/* A container over 2^20 mm long gets no table along that axis and the
 * fitness falls back to the block's volume (products of three such
 * lengths could overflow): a 5-cube in a 2^21 x 12 x 12 space scores 125,
 * although 2 of the 12 would be lost with 5-cubes alone. */
static void test_fitness_long_container(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bxi_cl_type t = box(5, 5, 5, 10, true);
    bxi_cl_problem pb = problem(1 << 21, 12, 12, &t, 1, true);
    bxi_cl_reach r;
    assert_int_equal(bxi_cl_reach_make(ctx, &pb, &r), BX_OK);
    assert_null(r.r[0]);
    assert_int_equal(r.r[1][12], 10);
    bxi_cl_space s = space(1 << 21, 12, 12);
    bxi_cl_block b = blk(5, 5, 5, 125);
    assert_int_equal(bxi_cl_fitness(&r, &s, &b), 125);
    /* in a 12-cube space: x has no table (all 12 usable), y and z 10;
     * the cube keeps 12 * 10 * 10 of the usable 12 * 10 * 10 */
    bxi_cl_space s12 = space(12, 12, 12);
    assert_int_equal(bxi_cl_fitness(&r, &s12, &b), 125);
    bxi_cl_reach_free(ctx, &r);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
}

/* Two slabs lying flat in a 10-cube, 10x10x6 and 10x10x3 (900 mm^3 in
 * all; a 10x10x1 gap is left whatever is done). Reach along z: sums of 3
 * and 6 up to 10 are 0, 3, 6, 9. In the empty container the 6-slab keeps
 * 10 * 10 * (6 + 3) of the usable 10 * 10 * 9: fitness 600; the 3-slab
 * keeps 10 * 10 * (3 + 6), fitness 300; so the greedy plan (the first
 * plan found, which nothing beats) puts the 6-slab first, on the floor
 * (distance 0 to floor and ceiling alike: the floor wins the tie). The
 * space left is z = 6..10: 6 from the floor, 0 from the ceiling. From the
 * floor only, the 3-slab goes on top of the 6-slab at z = 6; with the
 * ceiling as a wall (no support, no stops) it goes to the top corner, at
 * z = 10 - 3 = 7. With support, or with two stops, the ceiling is ignored:
 * z = 6. */
static void test_ceiling_corner(void **state)
{
    (void)state;
    for (int mode = 0; mode < 4; mode++) {
        /* 0: no support, ceiling; 1: no support, floor only; 2: support
         * with ceiling asked (ignored); 3: no support, ceiling asked, two
         * stops (ignored) */
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bxi_cl_type t[2] = {box(10, 10, 6, 1, false), box(10, 10, 3, 1, false)};
        if (mode == 3)
            t[1].group = 1;
        bxi_cl_problem pb = problem(10, 10, 10, t, 2, mode == 2);
        pb.ceiling = mode != 1;
        pb.budget = 1000000;
        bxi_cl_result res;
        assert_int_equal(bxi_cl_solve(ctx, &pb, &res), BX_OK);
        assert_int_equal(res.vol, 900);
        assert_int_equal(res.nboxes, 2);
        for (size_t i = 0; i < res.nboxes; i++) {
            const bxi_cl_box *b = &res.boxes[i];
            assert_int_equal(b->p[0], 0);
            assert_int_equal(b->p[1], 0);
            if (b->type == 0)
                assert_int_equal(b->p[2], 0);
            else
                assert_int_equal(b->p[2], mode == 0 ? 7 : 6);
        }
        bxi_cl_result_free(ctx, &res);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fitness_by_hand),
        cmocka_unit_test(test_reach_orientations),
        cmocka_unit_test(test_three_types_fill),
        cmocka_unit_test(test_fitness_avoids_a_trap),
        cmocka_unit_test(test_fitness_long_container),
        cmocka_unit_test(test_ceiling_corner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
