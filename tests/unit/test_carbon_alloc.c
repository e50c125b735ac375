/*
 * test_carbon_alloc.c: exact allocation of a vehicle run's emissions over
 * its shipments (largest remainder), checked against a brute-force rule.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon.h"
#include "testutil.h"

static bx_ctx *ctx;
static test_alloc ta;

static int setup(void **state)
{
    (void)state;
    ctx = test_ctx_new(&ta, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
    return 0;
}

/* By hand: 100 mg over weights 1, 1, 1: exact 33.33 each, floors 33 x 3 =
 * 99, the one left goes to the first (ties go to the lower index). */
static void test_hand_cases(void **state)
{
    (void)state;
    int64_t out[5];
    const double thirds[3] = {1, 1, 1};
    assert_int_equal(bx_allocate_mg(ctx, 100, thirds, 3, out), BX_OK);
    assert_int_equal(out[0], 34);
    assert_int_equal(out[1], 33);
    assert_int_equal(out[2], 33);
    /* 10 mg over 0.30/0.15/0.12/0.39/0.04 (shares as printed for GLEC's
     * multi-drop example): exact 3.0, 1.5, 1.2, 3.9, 0.4; floors 3+1+1+3+0
     * = 8; the 2 left go to remainders .9 (index 3) and .5 (index 1). */
    const double glec[5] = {0.30, 0.15, 0.12, 0.39, 0.04};
    assert_int_equal(bx_allocate_mg(ctx, 10, glec, 5, out), BX_OK);
    const int64_t want[5] = {3, 2, 1, 4, 0};
    assert_memory_equal(out, want, sizeof want);
    /* zero weights get nothing; a single part gets everything */
    const double some[3] = {0, 2, 0};
    assert_int_equal(bx_allocate_mg(ctx, 7, some, 3, out), BX_OK);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 7);
    assert_int_equal(out[2], 0);
    assert_int_equal(bx_allocate_mg(ctx, 0, thirds, 3, out), BX_OK);
    assert_int_equal(out[0] + out[1] + out[2], 0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    int64_t out[2];
    const double zero[2] = {0, 0}, neg[2] = {1, -1}, nan2[2] = {1, NAN};
    assert_int_equal(bx_allocate_mg(ctx, 5, zero, 2, out), BX_EINVAL);
    assert_int_equal(bx_allocate_mg(ctx, 5, neg, 2, out), BX_EINVAL);
    assert_int_equal(bx_allocate_mg(ctx, 5, nan2, 2, out), BX_EINVAL);
    assert_int_equal(bx_allocate_mg(ctx, -5, zero, 2, out), BX_EINVAL);
    assert_int_equal(bx_allocate_mg(ctx, 5, zero, 0, out), BX_EINVAL);
    assert_int_equal(bx_allocate_mg(NULL, 5, zero, 2, out), BX_EINVAL);
    const int64_t m[2] = {1, -1};
    const double km[2] = {1, 1};
    double sh[2];
    assert_int_equal(bx_multidrop_shares(ctx, m, km, 2, sh, NULL), BX_EINVAL);
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random runs: the parts always add up to the run exactly, and each part
 * is within 1 mg of its exact share (the floor or the ceiling, up to the
 * precision of the share in a double). */
static void test_properties(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15u;
    double w[64];
    int64_t out[64];
    for (int run = 0; run < 2000; run++) {
        size_t n = 1 + rnd(&seed) % 64;
        int64_t total = (int64_t)(rnd(&seed) % 100000000000u);
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            /* masses of 0 g to 30 kg times distances: tkm-like weights, with
             * some zeros and some huge spreads */
            w[i] = rnd(&seed) % 10 == 0 ? 0 : (double)(rnd(&seed) % 30000) * (double)(1 + rnd(&seed) % 400) / 1e6;
            sum += w[i];
        }
        if (sum == 0)
            w[0] = sum = 1;
        assert_int_equal(bx_allocate_mg(ctx, total, w, n, out), BX_OK);
        int64_t got = 0;
        for (size_t i = 0; i < n; i++) {
            double exact = (double)total * (w[i] / sum);
            assert_true(out[i] >= 0);
            assert_true(fabs((double)out[i] - exact) < 1.0 + 1e-6 * exact);
            got += out[i];
        }
        assert_int_equal(got, total);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_cases),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_properties),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
