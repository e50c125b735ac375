/*
 * test_design.c: carton-set design on histories small enough to solve by
 * hand, checked against a brute force over every set of sizes; the
 * evaluation by repacking; kept sizes, held-out orders and bad input.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static bx_order_line item(const char *order, int32_t l, int32_t w, int32_t h)
{
    bx_order_line x;
    bx_order_line_init(&x);
    snprintf(x.order_id, sizeof x.order_id, "%s", order);
    strcpy(x.item_id, "I");
    x.qty = 1;
    x.l_mm = l;
    x.w_mm = w;
    x.h_mm = h;
    x.weight_g = 100;
    return x;
}

/* The history: single-item orders, any rotation.
 *   A 100x100x100 (3 orders)  1.0e6 mm^3
 *   B 200x100x100 (1)          2.0e6
 *   C 100x100x50  (2)          0.5e6
 *   D 300x200x100 (1)          6.0e6
 * With step 1 and no minimum, each order's need is its item's size. */
static const struct {
    int32_t d[3];
    int n;
} history[] = {
    {{100, 100, 100}, 3}, {{100, 200, 100}, 1}, {{50, 100, 100}, 2}, {{200, 100, 300}, 1},
};

static double vol_m3(const int32_t d[3])
{
    return (double)d[0] * d[1] * d[2] * 1e-9;
}

static bool holds(const int32_t s[3], const int32_t n[3])
{
    /* any rotation: sorted sides, each no longer than the size's */
    int32_t a[3] = {s[0], s[1], s[2]}, b[3] = {n[0], n[1], n[2]};
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 2 - x; y++) {
            if (a[y] < a[y + 1]) {
                int32_t t = a[y];
                a[y] = a[y + 1];
                a[y + 1] = t;
            }
            if (b[y] < b[y + 1]) {
                int32_t t = b[y];
                b[y] = b[y + 1];
                b[y + 1] = t;
            }
        }
    return b[0] <= a[0] && b[1] <= a[1] && b[2] <= a[2];
}

/* The second method: every subset of the four needs as sizes (each optimal
 * size here is a need: the largest extents of any subset are one of them),
 * each order served by its smallest size holding it. */
static double brute_force(int nsizes)
{
    double best = INFINITY;
    for (unsigned mask = 1; mask < 16; mask++) {
        if (__builtin_popcount(mask) != nsizes)
            continue;
        double total = 0;
        for (int i = 0; i < 4 && isfinite(total); i++) {
            double c = INFINITY;
            for (int k = 0; k < 4; k++)
                if ((mask >> k & 1) && holds(history[k].d, history[i].d) &&
                    vol_m3(history[k].d) < c)
                    c = vol_m3(history[k].d);
            total += history[i].n * c;
        }
        if (total < best)
            best = total;
    }
    return best;
}

static bx_design *make(bx_ctx *ctx, const bx_catalog *keep)
{
    bx_design_options o;
    bx_design_options_init(&o);
    o.objective = BX_DESIGN_VOLUME;
    o.step_mm = 1;
    o.allowance_mm[0] = o.allowance_mm[1] = o.allowance_mm[2] = 0;
    o.keep = keep;
    bx_design *d = NULL;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_OK);
    int k = 0;
    for (size_t i = 0; i < sizeof history / sizeof history[0]; i++)
        for (int j = 0; j < history[i].n; j++) {
            char id[16];
            snprintf(id, sizeof id, "O%d", k++);
            bx_order_line l = item(id, history[i].d[0], history[i].d[1], history[i].d[2]);
            bx_order order = {&l, 1};
            assert_int_equal(bx_design_add_order(d, &order, false), BX_OK);
        }
    return d;
}

/* N = 1: only D's size holds D: 7 x 6e6 mm^3 = 0.042 m^3.
 * N = 2: D and A: A, C in A (5 x 1e6), B, D in D (2 x 6e6): 0.017 m^3
 *        (D and B: 6 x 2e6 + 6e6 = 0.018; D and C: 0.031).
 * N = 3: D, A, B: 3 + 2 x 1 + 2 + 6 = 0.013 m^3.
 * N = 4: every need its own size: 3 + 2 + 1 + 6 = 0.012 m^3. */
static void test_optimal_sets(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_design *d = make(ctx, NULL);
    assert_int_equal(bx_design_needs(d), 4);
    assert_int_equal(bx_design_orders(d, false), 7);
    const double want[] = {0.042, 0.017, 0.013, 0.012};
    for (uint32_t n = 1; n <= 4; n++) {
        assert_true(fabs(brute_force((int)n) - want[n - 1]) < 1e-12);
        bx_catalog *cat = NULL;
        double model = 0;
        assert_int_equal(bx_design_run(d, n, &cat, &model), BX_OK);
        assert_int_equal(bx_catalog_count(cat), n);
        assert_true(fabs(model - want[n - 1]) < 1e-12);
        /* repacked by the engine: the same inner volume, one box per order */
        bx_design_eval e;
        uint64_t usage[4];
        assert_int_equal(bx_design_evaluate(d, cat, NULL, false, &e, usage), BX_OK);
        assert_int_equal(e.orders, 7);
        assert_int_equal(e.boxes, 7);
        assert_int_equal(e.units_unpacked, 0);
        assert_true(fabs(e.inner_m3 - want[n - 1]) < 1e-12);
        if (n == 2) {
            /* by volume: D01 is A's size (5 boxes), D02 is D's (2) */
            const bx_box *b = bx_catalog_box(cat, 0);
            assert_string_equal(b->box_id, "D01");
            assert_int_equal((int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm, 1000000);
            assert_int_equal(usage[0], 5);
            assert_int_equal(usage[1], 2);
            /* board of 100^3 with no allowance: (2*100 + 2*100 + 30) x
             * (100 + 100) = 86,000 mm^2; x 440 g/m^2 = 37.84 g -> 38 g */
            assert_int_equal(b->material_mass_g, 38);
            assert_true(fabs(e.board_m2 - (5 * 0.086 + 2 * ((2 * 300 + 2 * 200 + 30) *
                                                            (100 + 200) * 1e-6))) < 1e-9 ||
                        fabs(e.board_m2 - (5 * 0.086 + 2 * ((2 * 300 + 2 * 100 + 30) *
                                                            (200 + 100) * 1e-6))) < 1e-9 ||
                        fabs(e.board_m2 - (5 * 0.086 + 2 * ((2 * 200 + 2 * 100 + 30) *
                                                            (300 + 100) * 1e-6))) < 1e-9);
        }
        bx_catalog_free(cat);
    }
    /* more sizes than distinct needs: a warning, and four sizes */
    bx_ctx_clear_warnings(ctx);
    bx_catalog *cat = NULL;
    assert_int_equal(bx_design_run(d, 6, &cat, NULL), BX_OK);
    assert_int_equal(bx_catalog_count(cat), 4);
    assert_true(bx_ctx_warning_count(ctx) >= 1);
    assert_non_null(strstr(bx_ctx_warning(ctx, 0), "distinct needs"));
    bx_catalog_free(cat);
    bx_design_free(d);
    bx_ctx_free(ctx);
}

/* Keeping D's size (as a current catalog of one) and adding one: A, as in
 * the N = 2 optimum; the kept size comes first under its own id. */
static void test_keep(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_box k;
    bx_box_init(&k);
    strcpy(k.box_id, "KEPT");
    k.inner_l_mm = 300;
    k.inner_w_mm = 200;
    k.inner_h_mm = 100;
    k.max_weight_g = 30000;
    bx_catalog *keep = NULL;
    assert_int_equal(bx_catalog_new(ctx, &keep, &k, 1), BX_OK);
    bx_design *d = make(ctx, keep);
    bx_catalog *cat = NULL;
    double model = 0;
    assert_int_equal(bx_design_run(d, 2, &cat, &model), BX_OK);
    assert_string_equal(bx_catalog_box(cat, 0)->box_id, "KEPT");
    assert_true(fabs(model - 0.017) < 1e-12);
    bx_catalog_free(cat);
    /* fewer sizes than kept: an error naming the sizes */
    assert_int_equal(bx_design_run(d, 0, &cat, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "sizes"));
    bx_design_free(d);
    bx_catalog_free(keep);
    bx_ctx_free(ctx);
}

/* Held-out orders give no needs and are the only ones evaluated with
 * held_out: a 300x200x100 order held out, with sizes designed on A alone
 * (100^3), is left unpacked. */
static void test_held_out(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_design_options o;
    bx_design_options_init(&o);
    o.step_mm = 1;
    bx_design *d = NULL;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_OK);
    bx_order_line a = item("A", 100, 100, 100), big = item("H", 300, 200, 100);
    bx_order oa = {&a, 1}, oh = {&big, 1};
    assert_int_equal(bx_design_add_order(d, &oa, false), BX_OK);
    assert_int_equal(bx_design_add_order(d, &oh, true), BX_OK);
    assert_int_equal(bx_design_needs(d), 1);
    assert_int_equal(bx_design_orders(d, true), 1);
    bx_catalog *cat = NULL;
    assert_int_equal(bx_design_run(d, 1, &cat, NULL), BX_OK);
    bx_design_eval e;
    assert_int_equal(bx_design_evaluate(d, cat, NULL, true, &e, NULL), BX_OK);
    assert_int_equal(e.orders, 1);
    assert_int_equal(e.boxes, 0);
    assert_int_equal(e.units_unpacked, 1);
    assert_int_equal(bx_design_evaluate(d, cat, NULL, false, &e, NULL), BX_OK);
    assert_int_equal(e.orders, 1);
    assert_int_equal(e.boxes, 1);
    bx_catalog_free(cat);
    bx_design_free(d);
    bx_ctx_free(ctx);
}

/* Bad input names its cause. */
/* Compliance first. History (any rotation, step 1, no allowance):
 *   A 100x100x100 x 3 (contents 1.0e6 mm^3)
 *   E 100x100x55  x 4 (0.55e6)
 *   D 300x200x100 x 1 (6.0e6)
 * Two sizes: D's is forced (only it holds D). With A's beside it, E sits
 * in 100^3 at void 1 - 0.55 = 45 % > 40 %: 4 boxes fail. With E's, A sits
 * in D's size at void 1 - 1/6 = 83 %: 3 fail. Any other second size that
 * holds A leaves E's void at 45 % or more, so 3 is least. Board (FEFCO
 * 0201, (2l + 2w + 30)(h + w)): E 430 x 155 = 66,650 mm^2, D 1,030 x 300
 * = 309,000, A 430 x 200 = 86,000.
 *   board-area: {D, A} 7 x 86,000 + 309,000 = 0.911 m^2 (against {D, E}
 *               4 x 66,650 + 4 x 309,000 = 1.5026 m^2)
 *   compliance: {D, E}, 1.5026 m^2 + 3 x the penalty
 *   compliance with void_max 0.5: E in A (45 %) passes: {D, A}, 0.911 */
static bx_design *make_compliance(bx_ctx *ctx, bx_design_objective objective,
                                  double void_max)
{
    static const struct {
        int32_t d[3];
        int n;
    } h[] = {{{100, 100, 100}, 3}, {{100, 100, 55}, 4}, {{300, 200, 100}, 1}};
    bx_design_options o;
    bx_design_options_init(&o);
    o.objective = objective;
    o.void_max = void_max;
    o.step_mm = 1;
    o.allowance_mm[0] = o.allowance_mm[1] = o.allowance_mm[2] = 0;
    bx_design *d = NULL;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_OK);
    int k = 0;
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        for (int j = 0; j < h[i].n; j++) {
            char id[16];
            snprintf(id, sizeof id, "O%d", k++);
            bx_order_line l = item(id, h[i].d[0], h[i].d[1], h[i].d[2]);
            bx_order order = {&l, 1};
            assert_int_equal(bx_design_add_order(d, &order, false), BX_OK);
        }
    return d;
}

static int64_t smallest_volume(const bx_catalog *cat)
{
    const bx_box *b = bx_catalog_box(cat, 0);
    return (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
}

static void test_compliance(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_design_objective obj;
    assert_int_equal(bx_design_objective_parse("compliance", &obj), BX_OK);
    assert_int_equal(obj, BX_DESIGN_COMPLIANCE);
    assert_string_equal(bx_design_objective_name(BX_DESIGN_COMPLIANCE), "compliance");
    const struct {
        bx_design_objective objective;
        double void_max, model;
        int64_t small_mm3;
    } cases[] = {
        {BX_DESIGN_BOARD_AREA, 0.40, 0.911, 1000000},
        {BX_DESIGN_COMPLIANCE, 0.40, 1.5026 + 3 * BX_DESIGN_VOID_PENALTY, 550000},
        {BX_DESIGN_COMPLIANCE, 0.50, 0.911, 1000000},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bx_design *d = make_compliance(ctx, cases[c].objective, cases[c].void_max);
        bx_catalog *cat = NULL;
        double model = 0;
        assert_int_equal(bx_design_run(d, 2, &cat, &model), BX_OK);
        assert_int_equal(bx_catalog_count(cat), 2);
        assert_true(fabs(model - cases[c].model) < 1e-9);
        assert_int_equal(smallest_volume(cat), cases[c].small_mm3);
        bx_catalog_free(cat);
        bx_design_free(d);
    }
    /* a void limit outside 0..1 and a coefficient of 0 are refused */
    bx_design_options o;
    bx_design_options_init(&o);
    o.void_max = 1.5;
    bx_design *d = NULL;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "void_max"));
    bx_design_options_init(&o);
    o.void_k = 0;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "void_k"));
    assert_null(d);
    bx_ctx_free(ctx);
}

/* Repair: the model knows sizes, not weights. History (any rotation, step
 * 1, allowance 6/6/12, every size 1,000 g gross at most):
 *   A 100x100x100, 900 g  x 1
 *   C 100x100x90,  100 g  x 60
 *   B 300x200x100, 100 g  x 1
 * Board (2l + 2w + 30)(h + w) of the outer size: A 454 x 218 = 98,972
 * mm^2 (43.5 g of 440 g/m^2 board: 44 g), C 454 x 208 = 94,432, B 1,054 x
 * 318 = 335,172 (147 g). Two sizes: B's is forced; with A's beside it
 * 61 x 98,972 + 335,172 = 6,372,464 mm^2, with C's 60 x 94,432 + 2 x
 * 335,172 = 6,336,264: the model takes C's and puts A in B's size. But A
 * in B weighs 900 + 147 > 1,000 g and fits no C: repacked, A is left out.
 * The repair grows C's size to hold A (B's already does): A's and B's,
 * 6.372464 m^2, and every unit packs. */
static void test_repair(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_design_options o;
    bx_design_options_init(&o);
    o.step_mm = 1;
    o.max_weight_g = 1000;
    bx_design *d = NULL;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_OK);
    bx_order_line a = item("OA", 100, 100, 100);
    a.weight_g = 900;
    bx_order order = {&a, 1};
    assert_int_equal(bx_design_add_order(d, &order, false), BX_OK);
    for (int j = 0; j < 60; j++) {
        char id[16];
        snprintf(id, sizeof id, "OC%d", j);
        bx_order_line c = item(id, 100, 100, 90);
        order = (bx_order){&c, 1};
        assert_int_equal(bx_design_add_order(d, &order, false), BX_OK);
    }
    bx_order_line b = item("OB", 300, 200, 100);
    order = (bx_order){&b, 1};
    assert_int_equal(bx_design_add_order(d, &order, false), BX_OK);
    bx_catalog *cat = NULL;
    double model = 0;
    assert_int_equal(bx_design_run(d, 2, &cat, &model), BX_OK);
    assert_int_equal(bx_catalog_count(cat), 2);
    assert_true(fabs(model - 6.372464) < 1e-9);
    assert_int_equal(smallest_volume(cat), 1000000);
    bx_design_eval e;
    assert_int_equal(bx_design_evaluate(d, cat, NULL, false, &e, NULL), BX_OK);
    assert_int_equal(e.boxes, 62);
    assert_int_equal(e.units_unpacked, 0);
    bx_catalog_free(cat);
    /* one size (B's, forced) cannot be repaired: a warning names the order */
    bx_ctx_clear_warnings(ctx);
    assert_int_equal(bx_design_run(d, 1, &cat, NULL), BX_OK);
    assert_true(bx_ctx_warning_count(ctx) >= 1);
    bool named = false;
    for (size_t w = 0; w < bx_ctx_warning_count(ctx); w++)
        named |= strstr(bx_ctx_warning(ctx, w), "'OA'") != NULL;
    assert_true(named);
    bx_catalog_free(cat);
    bx_design_free(d);
    bx_ctx_free(ctx);
}

static void test_bad_input(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_design_options o;
    bx_design_options_init(&o);
    bx_design *d = NULL;
    o.step_mm = 0;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "step_mm"));
    assert_null(d);
    bx_design_options_init(&o);
    o.min_mm[2] = 500;
    o.max_mm[2] = 400;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "min_h_mm"));
    bx_design_options_init(&o);
    o.objective = BX_DESIGN_CO2E;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "co2e_g_per_kg"));
    /* each cost is named by its own field, finite and too large alike */
    bx_design_options_init(&o);
    o.cost_per_box = 1e308;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "field 'cost_per_box': the cost of a box"));
    bx_design_options_init(&o);
    o.cost_per_m2 = -0.5;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "field 'cost_per_m2'"));
    bx_design_options_init(&o);
    o.cost_per_box = 1e12; /* the largest accepted */
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_OK);
    bx_design_free(d);
    d = NULL;
    /* an item larger than the largest size */
    bx_design_options_init(&o);
    o.max_mm[0] = o.max_mm[1] = o.max_mm[2] = 250;
    assert_int_equal(bx_design_new(ctx, &d, &o), BX_OK);
    bx_order_line l = item("BIG", 300, 100, 100);
    bx_order order = {&l, 1};
    assert_int_equal(bx_design_add_order(d, &order, false), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "'BIG'"));
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "250 x 250 x 250"));
    assert_int_equal(bx_design_orders(d, false), 0);
    /* an empty history */
    bx_catalog *cat = NULL;
    assert_int_equal(bx_design_run(d, 3, &cat, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "empty"));
    assert_null(cat);
    bx_design_free(d);
    bx_ctx_free(ctx);
}

/* The same history and budget give the same sizes; a tiny budget still
 * gives a set that holds everything. */
static void test_deterministic(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_design *d1 = make(ctx, NULL), *d2 = make(ctx, NULL);
    bx_catalog *c1 = NULL, *c2 = NULL;
    assert_int_equal(bx_design_run(d1, 3, &c1, NULL), BX_OK);
    assert_int_equal(bx_design_run(d2, 3, &c2, NULL), BX_OK);
    assert_int_equal(bx_catalog_count(c1), bx_catalog_count(c2));
    for (size_t k = 0; k < bx_catalog_count(c1); k++)
        assert_memory_equal(bx_catalog_box(c1, k), bx_catalog_box(c2, k), sizeof(bx_box));
    bx_catalog_free(c1);
    bx_catalog_free(c2);
    bx_design_free(d1);
    bx_design_free(d2);
    bx_ctx_free(ctx);
}

/* Every allocation failure is reported and nothing leaks. */
static void test_oom(void **state)
{
    (void)state;
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        bx_design_options o;
        bx_design_options_init(&o);
        bx_design *d = NULL;
        bx_catalog *cat = NULL;
        bx_status st = bx_design_new(ctx, &d, &o);
        for (int i = 0; i < 3 && st == BX_OK; i++) {
            bx_order_line l = item(i ? "B" : "A", 100 + 50 * i, 100, 80);
            bx_order order = {&l, 1};
            st = bx_design_add_order(d, &order, i == 2);
        }
        if (st == BX_OK)
            st = bx_design_run(d, 2, &cat, NULL);
        bx_design_eval e;
        if (st == BX_OK)
            st = bx_design_evaluate(d, cat, NULL, true, &e, NULL);
        bx_catalog_free(cat);
        bx_design_free(d);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
        if (st == BX_OK)
            break;
        assert_int_equal(st, BX_ENOMEM);
        assert_true(n < 10000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimal_sets),
        cmocka_unit_test(test_keep),
        cmocka_unit_test(test_compliance),
        cmocka_unit_test(test_repair),
        cmocka_unit_test(test_held_out),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
