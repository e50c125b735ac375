/*
 * test_pack_engine.c: the packing engine on cases small enough to work out
 * by hand, its limits, and its use of memory.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static bx_box box(const char *id, int32_t l, int32_t w, int32_t h, int64_t max_g)
{
    bx_box b;
    bx_box_init(&b);
    snprintf(b.box_id, sizeof b.box_id, "%s", id);
    b.inner_l_mm = l;
    b.inner_w_mm = w;
    b.inner_h_mm = h;
    b.max_weight_g = max_g;
    return b;
}

static bx_order_line line(const char *sku, int32_t qty, int32_t l, int32_t w, int32_t h, int64_t g)
{
    bx_order_line x;
    bx_order_line_init(&x);
    strcpy(x.order_id, "O1");
    snprintf(x.item_id, sizeof x.item_id, "%s", sku);
    x.qty = qty;
    x.l_mm = l;
    x.w_mm = w;
    x.h_mm = h;
    x.weight_g = g;
    return x;
}

typedef struct fixture {
    bx_ctx *ctx;
    bx_engine *engine;
    bx_catalog *cat;
} fixture;

static void make(fixture *f, const bx_box *boxes, size_t n)
{
    assert_int_equal(bx_ctx_new(&f->ctx, NULL, NULL), BX_OK);
    assert_int_equal(bx_engine_new(f->ctx, &f->engine, NULL), BX_OK);
    assert_int_equal(bx_catalog_new(f->ctx, &f->cat, boxes, n), BX_OK);
}

static void done(fixture *f)
{
    bx_catalog_free(f->cat);
    bx_engine_free(f->engine);
    bx_ctx_free(f->ctx);
}

static const bx_pack_result *pack(fixture *f, const bx_order_line *lines, size_t n,
                                   const bx_pack_options *o)
{
    bx_order order = {lines, n};
    const bx_pack_result *r = NULL;
    bx_status st = bx_pack(f->engine, f->cat, &order, o, &r);
    if (st != BX_OK)
        fail_msg("bx_pack: %s", bx_ctx_errmsg(f->ctx));
    st = bx_validate(f->ctx, f->cat, &order, o, r);
    if (st != BX_OK)
        fail_msg("bx_validate: %s", bx_ctx_errmsg(f->ctx));
    return r;
}

/* A 100 mm cube goes in the smaller of two boxes that hold it, at the
 * origin; fill = 100^3 / 200^3 = 12.5 %. */
static void test_smallest_box(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("L", 300, 300, 300, 10000), box("S", 200, 200, 200, 10000)};
    make(&f, boxes, 2);
    bx_order_line l = line("cube", 1, 100, 100, 100, 500);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_string_equal(r->boxes[0].box->box_id, "S");
    assert_int_equal(r->boxes[0].inner_volume_mm3, 8000000);
    assert_true(r->boxes[0].fill_pct > 12.49 && r->boxes[0].fill_pct < 12.51);
    assert_int_equal(r->nplacements, 1);
    assert_int_equal(r->placements[0].x_mm, 0);
    assert_int_equal(r->placements[0].z_mm, 0);
    assert_int_equal(r->lower_bound, 1);
    assert_true(r->count_optimal);
    done(&f);
}

/* Three 5 kg units in boxes carrying 9 kg (10 kg less 1 kg tare): the
 * mass bound says ceil(15 / 9) = 2, but any two weigh 10 kg > 9 kg, so
 * no two share a box: the conflict clique proves the 3 boxes used. */
static void test_bound_payload_clique(void **state)
{
    (void)state;
    fixture f;
    bx_box b = box("M", 500, 500, 500, 10000);
    b.tare_g = 1000;
    b.has |= BX_BOX_HAS_TARE;
    make(&f, &b, 1);
    bx_order_line l = line("iron", 3, 100, 100, 100, 5000);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 3);
    assert_int_equal(r->lower_bound, 3);
    assert_true(r->count_optimal);
    done(&f);
}

/* No box dominates: P 200 x 200 x 100 and Q 160 x 210 x 90 (P taller, Q
 * wider). Three 150 x 150 x 60 units: their volume, 4.05e6 mm^3, needs two
 * of the larger P (4e6); in either box they only lie flat (150 > 100), and
 * two of them add up to 300 > 200, 300 > 200, 120 > 100 in P and 300 >
 * 160, 300 > 210, 120 > 90 in Q: no two share a box of either type, so
 * three boxes are proven; three Q (the smaller volume) hold them. With T
 * 100 x 100 x 300 instead of Q, the units fit only P, and though two of
 * them would stack in the envelope of P and T (200 x 200 x 300), they
 * share no box: three P, proven again. */
static void test_bound_clique_box_types(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("P", 200, 200, 100, 30000), box("Q", 160, 210, 90, 30000)};
    make(&f, boxes, 2);
    bx_order_line l = line("block", 3, 150, 150, 60, 500);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 3);
    assert_int_equal(r->lower_bound, 3);
    assert_true(r->count_optimal);
    for (size_t i = 0; i < r->nboxes; i++)
        assert_string_equal(r->boxes[i].box->box_id, "Q");
    done(&f);
    boxes[1] = box("T", 100, 100, 300, 30000);
    make(&f, boxes, 2);
    r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 3);
    assert_int_equal(r->lower_bound, 3);
    for (size_t i = 0; i < r->nboxes; i++)
        assert_string_equal(r->boxes[i].box->box_id, "P");
    done(&f);
}

/* Eight 100 mm cubes fill a 200 mm cube exactly (8 x 1e6 = 8e6 mm^3). */
static void test_exact_fill(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("S", 200, 200, 200, 10000), box("L", 400, 400, 400, 10000)};
    make(&f, boxes, 2);
    bx_order_line l = line("cube", 8, 100, 100, 100, 100);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_string_equal(r->boxes[0].box->box_id, "S");
    assert_true(r->boxes[0].fill_pct > 99.99);
    done(&f);
}

/* Weight decides: 3 units of 4 kg, box payload 10 kg - 1 kg tare = 9 kg,
 * so at most 2 per box: 2 boxes, and the bound says so too. */
static void test_weight_limit(void **state)
{
    (void)state;
    fixture f;
    bx_box b = box("M", 500, 500, 500, 10000);
    b.tare_g = 1000;
    b.has |= BX_BOX_HAS_TARE;
    make(&f, &b, 1);
    bx_order_line l = line("iron", 3, 100, 100, 100, 4000);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 2);
    assert_int_equal(r->lower_bound, 2); /* ceil(12 kg / 9 kg) */
    assert_int_equal(r->boxes[0].gross_weight_g + r->boxes[1].gross_weight_g, 12000 + 2000);
    done(&f);
}

static void test_unpackable_reasons(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("S", 200, 200, 200, 1000), box("T", 100, 100, 500, 1000)};
    boxes[1].stock = 0;
    boxes[1].has |= BX_BOX_HAS_STOCK;
    make(&f, boxes, 2);
    bx_order_line lines[] = {
        line("pole", 1, 600, 10, 10, 10),   /* longer than any box */
        line("anvil", 1, 50, 50, 50, 5000), /* fits S by size, not by weight */
        line("rod", 2, 400, 50, 50, 100),   /* only T holds it: no stock */
        line("ok", 1, 50, 50, 50, 100),
    };
    const bx_pack_result *r = pack(&f, lines, 4, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 3);
    assert_int_equal(r->unpacked[0].line, 0);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_TOO_LARGE);
    assert_int_equal(r->unpacked[1].reason, BX_UNPACKED_TOO_HEAVY);
    assert_int_equal(r->unpacked[2].reason, BX_UNPACKED_OUT_OF_STOCK);
    assert_int_equal(r->unpacked[2].units, 2);
    done(&f);
}

/* Rotation rules: a 150 mm tall bottle in a 100 mm high box fits only
 * lying down, which `upright` forbids. */
static void test_rotation_rules(void **state)
{
    (void)state;
    fixture f;
    bx_box b = box("flat", 200, 200, 100, 10000);
    make(&f, &b, 1);
    bx_order_line l = line("bottle", 1, 50, 50, 150, 300);
    l.rotation = BX_ROTATE_UPRIGHT;
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 0);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_TOO_LARGE);
    l.rotation = BX_ROTATE_ANY;
    r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->placements[0].h_mm, 50);
    /* the override wins over the line's rule */
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.rotation_override = BX_ROTATE_FIXED;
    r = pack(&f, &l, 1, &o);
    assert_int_equal(r->nboxes, 0);
    done(&f);
}

/* Two fragile 100 mm cubes in a box 100 x 100 x 200: stacking would put
 * one on the other, so they need two boxes; not fragile, one. */
static void test_fragile(void **state)
{
    (void)state;
    fixture f;
    bx_box b = box("tall", 100, 100, 200, 10000);
    make(&f, &b, 1);
    bx_order_line l = line("vase", 2, 100, 100, 100, 300);
    l.rotation = BX_ROTATE_FIXED;
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    l.fragile = true;
    r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 2);
    done(&f);
}

/* alone: each unit in its own box; group: together even when first fit
 * by volume would split them. */
static void test_alone_and_group(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("S", 200, 200, 200, 10000), box("L", 400, 400, 400, 10000)};
    make(&f, boxes, 2);
    bx_order_line lines[] = {line("kettle", 2, 150, 150, 150, 1000), line("cup", 2, 50, 50, 50, 100)};
    lines[0].alone = true;
    const bx_pack_result *r = pack(&f, lines, 2, NULL);
    /* two kettles alone in S each, cups in a third box (S) */
    assert_int_equal(r->nboxes, 3);
    for (size_t b = 0; b < r->nboxes; b++)
        assert_string_equal(r->boxes[b].box->box_id, "S");

    bx_order_line g[] = {line("a", 1, 190, 190, 100, 100), line("b", 1, 190, 190, 100, 100),
                         line("c", 1, 190, 190, 100, 100)};
    strcpy(g[0].group, "set");
    strcpy(g[2].group, "set");
    r = pack(&f, g, 3, NULL);
    /* a and c share a box; everything fits one L anyway */
    assert_int_equal(r->nboxes, 1);
    done(&f);
}

/* Limited stock: one S left, so the second alone unit takes an L. */
static void test_stock(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("S", 200, 200, 200, 10000), box("L", 400, 400, 400, 10000)};
    make(&f, boxes, 2);
    bx_order_line l = line("kettle", 2, 150, 150, 150, 1000);
    l.alone = true;
    int64_t stock[2] = {1, -1};
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.stock = stock;
    const bx_pack_result *r = pack(&f, &l, 1, &o);
    assert_int_equal(r->nboxes, 2);
    assert_string_equal(r->boxes[0].box->box_id, "S");
    assert_string_equal(r->boxes[1].box->box_id, "L");
    done(&f);
}

static void test_bad_calls(void **state)
{
    (void)state;
    fixture f;
    bx_box b = box("S", 200, 200, 200, 10000);
    make(&f, &b, 1);
    bx_order_line lines[] = {line("a", 1, 10, 10, 10, 1), line("b", 1, 10, 10, 10, 1)};
    strcpy(lines[1].order_id, "O2");
    bx_order order = {lines, 2};
    const bx_pack_result *r;
    assert_int_equal(bx_pack(f.engine, f.cat, &order, NULL, &r), BX_EINVAL);
    order.nlines = 0;
    assert_int_equal(bx_pack(f.engine, f.cat, &order, NULL, &r), BX_EINVAL);
    lines[0].qty = 0; /* breaks the record rules */
    order.nlines = 1;
    assert_int_equal(bx_pack(f.engine, f.cat, &order, NULL, &r), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "field 'qty'"));
    /* a line built in code (no file line) is named by its order and its
     * place in it: here the second line of O1 */
    bx_order_line two[] = {line("a", 1, 10, 10, 10, 1), line("b", 0, 10, 10, 10, 1)};
    bx_order both = {two, 2};
    assert_int_equal(bx_pack(f.engine, f.cat, &both, NULL, &r), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(f.ctx), "order 'O1' line 2 (item 'b'): field 'qty': 0 "
                                              "is out of range 1..1000000");
    lines[0].qty = 5;
    bx_engine_limits lim = bx_engine_limits_default();
    lim.max_units = 4;
    bx_engine *small;
    assert_int_equal(bx_engine_new(f.ctx, &small, &lim), BX_OK);
    assert_int_equal(bx_pack(small, f.cat, &order, NULL, &r), BX_ELIMIT);
    bx_engine_free(small);
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.objective = BX_OBJECTIVE_CO2E; /* without per-box figures */
    assert_int_equal(bx_pack(f.engine, f.cat, &order, &o, &r), BX_EINVAL);
    done(&f);
}

/* Orders of the demo set, packed twice: the second pass allocates nothing,
 * and gives the same placements as a fresh engine. */
static void test_no_allocation_when_warm(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bx_catalog *cat;
    assert_int_equal(bx_catalog_load(ctx, &cat, BOXCAR_SAMPLES "/catalogs/cn-express.csv", BX_FORMAT_AUTO), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    for (int pass = 0; pass < 2; pass++) {
        bx_order_reader *or;
        assert_int_equal(bx_order_reader_open(ctx, &or, BOXCAR_SAMPLES "/orders/demo.csv", BX_FORMAT_AUTO), BX_OK);
        bx_order_batch b;
        uint64_t packed_calls = 0;
        while (bx_order_reader_next(or, &b) == BX_OK) {
            bx_order order = {b.lines, b.nlines};
            const bx_pack_result *r;
            uint64_t before = ta.calls;
            assert_int_equal(bx_pack(e, cat, &order, NULL, &r), BX_OK);
            packed_calls += ta.calls - before;
        }
        bx_order_reader_close(or);
        if (pass == 1)
            assert_int_equal(packed_calls, 0);
    }
    bx_engine_free(e);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

static void test_deterministic(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("S", 200, 150, 100, 10000), box("M", 300, 200, 200, 10000),
                      box("L", 400, 300, 300, 10000)};
    make(&f, boxes, 3);
    bx_order_line lines[] = {line("a", 7, 90, 60, 40, 100), line("b", 3, 150, 100, 80, 300),
                             line("c", 5, 70, 70, 70, 200)};
    const bx_pack_result *r = pack(&f, lines, 3, NULL);
    size_t n = r->nplacements, nb = r->nboxes;
    bx_placement *first = malloc(n * sizeof *first);
    memcpy(first, r->placements, n * sizeof *first);
    bx_engine *other;
    assert_int_equal(bx_engine_new(f.ctx, &other, NULL), BX_OK);
    bx_order order = {lines, 3};
    const bx_pack_result *r2;
    assert_int_equal(bx_pack(other, f.cat, &order, NULL, &r2), BX_OK);
    assert_int_equal(r2->nboxes, nb);
    assert_int_equal(r2->nplacements, n);
    assert_memory_equal(r2->placements, first, n * sizeof *first);
    bx_engine_free(other);
    free(first);
    done(&f);
}

/* More box types than units: an order's candidate boxes went into an
 * index list sized by its units and ran past it (a heap overflow that
 * depended on the orders the engine had packed before). 40 boxes of
 * (210 + 5k) x 110 x 110 mm all take one or two 100 mm cubes, so each is
 * a candidate; the smallest, box 0 (210 mm), takes them. The orders
 * go 1, 2, then 5 units (the engine grows), then 1 and 2 again. */
static void test_more_boxes_than_units(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[40];
    for (int k = 0; k < 40; k++) {
        char id[8];
        snprintf(id, sizeof id, "B%02d", k);
        boxes[k] = box(id, 210 + 5 * k, 110, 110, 10000);
    }
    make(&f, boxes, 40);
    const int32_t units[] = {1, 2, 5, 1, 2};
    /* 5 cubes: the longest box (405 mm) takes 4, so 2 boxes */
    const size_t expect_boxes[] = {1, 1, 2, 1, 1};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        bx_order_line l = line("cube", units[i], 100, 100, 100, 100);
        const bx_pack_result *r = pack(&f, &l, 1, NULL);
        assert_int_equal(r->nboxes, expect_boxes[i]);
        if (units[i] <= 2)
            assert_int_equal(r->boxes[0].box_index, 0);
        assert_int_equal(r->nplacements, (size_t)units[i]);
    }
    done(&f);
}

/* Every allocation failure inside bx_pack returns BX_ENOMEM and leaks
 * nothing. */
static void test_pack_oom(void **state)
{
    (void)state;
    bx_box boxes[] = {box("S", 200, 150, 100, 10000), box("L", 400, 300, 300, 10000)};
    bx_order_line lines[] = {line("a", 9, 90, 60, 40, 100), line("b", 2, 150, 100, 80, 300)};
    strcpy(lines[0].group, "g");
    strcpy(lines[1].group, "g");
    /* a load limit: the engine's load scratch is allocated too */
    lines[1].max_load_g = 5000;
    lines[1].has |= BX_LINE_HAS_MAX_LOAD;
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bx_catalog *cat;
        assert_int_equal(bx_catalog_new(ctx, &cat, boxes, 2), BX_OK);
        ta.fail_at = ta.calls + n;
        bx_engine *e = NULL;
        bx_status st = bx_engine_new(ctx, &e, NULL);
        const bx_pack_result *r = NULL;
        bx_order order = {lines, 2};
        if (st == BX_OK)
            st = bx_pack(e, cat, &order, NULL, &r);
        bool failed = ta.failures > 0;
        bx_engine_free(e);
        bx_catalog_free(cat);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
        if (!failed) {
            assert_int_equal(st, BX_OK);
            assert_true(n > 5);
            break;
        }
        assert_int_equal(st, BX_ENOMEM);
    }
}

/* The share of placement a's base resting on the tops of the other
 * placements of its box at exactly its base height (1 on the floor). */
static double support_share(const bx_pack_result *r, size_t box, size_t a)
{
    const bx_placement *ps = r->placements + r->boxes[box].first_placement;
    const bx_placement *p = &ps[a];
    if (p->z_mm == 0)
        return 1.0;
    double area = 0.0;
    for (size_t j = 0; j < r->boxes[box].nplacements; j++) {
        const bx_placement *q = &ps[j];
        if (j == a || q->z_mm + q->h_mm != p->z_mm)
            continue;
        int32_t dx = (p->x_mm + p->l_mm < q->x_mm + q->l_mm ? p->x_mm + p->l_mm : q->x_mm + q->l_mm) -
                     (p->x_mm > q->x_mm ? p->x_mm : q->x_mm);
        int32_t dy = (p->y_mm + p->w_mm < q->y_mm + q->w_mm ? p->y_mm + p->w_mm : q->y_mm + q->w_mm) -
                     (p->y_mm > q->y_mm ? p->y_mm : q->y_mm);
        if (dx > 0 && dy > 0)
            area += (double)dx * dy;
    }
    return area / ((double)p->l_mm * p->w_mm);
}

static double least_support(const bx_pack_result *r)
{
    double least = 1.0;
    for (size_t b = 0; b < r->nboxes; b++)
        for (size_t a = 0; a < r->boxes[b].nplacements; a++) {
            double s = support_share(r, b, a);
            least = s < least ? s : least;
        }
    return least;
}

/* Demo order D0098 in the sample catalog: packed without support, a pack
 * of socks ends up over a gap (the case reported against the engine);
 * with the default support every unit off the floor rests on at least
 * 75 % of its base. */
static void test_support(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(bx_ctx_new(&f.ctx, NULL, NULL), BX_OK);
    assert_int_equal(bx_engine_new(f.ctx, &f.engine, NULL), BX_OK);
    assert_int_equal(bx_catalog_load(f.ctx, &f.cat, BOXCAR_SAMPLES "/catalogs/cn-express.csv",
                                     BX_FORMAT_AUTO), BX_OK);
    bx_order_line l[] = {
        line("DOWN-JKT-M", 4, 380, 280, 110, 920), line("JEANS-W30", 1, 350, 280, 45, 640),
        line("DOWN-JKT-L", 2, 390, 290, 120, 980), line("SOCKS-5P-BLK", 2, 220, 110, 40, 250),
        line("TOWEL-2P", 1, 300, 200, 80, 460),    line("TEE-BLK-M", 3, 300, 220, 20, 180),
        line("TEE-BLK-L", 1, 300, 220, 22, 195),   line("JEANS-W34", 1, 350, 280, 50, 700),
    };
    bx_pack_options o;
    bx_pack_options_init(&o);
    assert_int_equal(o.support, BX_SUPPORT_STABLE);
    assert_int_equal(o.support_pct, 75);
    o.support = BX_SUPPORT_NONE;
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_true(least_support(r) < 0.75);
    /* the same result fails the default check */
    bx_order order = {l, BX_ARRAY_LEN(l)};
    assert_int_equal(bx_validate(f.ctx, f.cat, &order, NULL, r), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "of its base"));
    r = pack(&f, l, BX_ARRAY_LEN(l), NULL);
    assert_true(least_support(r) >= 0.75);
    assert_int_equal(r->nunpacked, 0);
    /* full support asked: still packed, every unit on a whole base */
    o.support = BX_SUPPORT_STABLE;
    o.support_pct = 100;
    r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_true(least_support(r) == 1.0);
    assert_int_equal(r->nunpacked, 0);
    /* shares above 100 % are refused */
    o.support_pct = 101;
    const bx_pack_result *bad;
    assert_int_equal(bx_pack(f.engine, f.cat, &order, &o, &bad), BX_EINVAL);
    done(&f);
}

/* Per-box limits. Six 50 mm cubes fill 6 * 125000 = 750000 of a 100 mm
 * cube's 1000000 mm3, so one box takes them. At most 4 units per box:
 * ceil(6 / 4) = 2 boxes. At most 50 % fill: 4 cubes (500000 mm3) per box,
 * again 2 boxes. A 60 %-of-the-box unit with a 50 % limit fits no box:
 * "too large". */
static void test_box_limits(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("C", 100, 100, 100, 100000)};
    make(&f, boxes, 1);
    bx_order_line l[] = {line("cube", 6, 50, 50, 50, 100), line("slab", 1, 100, 100, 60, 100)};
    const bx_pack_result *r = pack(&f, l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.max_units_per_box = 4;
    r = pack(&f, l, 1, &o);
    assert_int_equal(r->nboxes, 2);
    assert_true(r->boxes[0].nplacements <= 4 && r->boxes[1].nplacements <= 4);
    o.max_units_per_box = 0;
    o.max_fill_pct = 50;
    r = pack(&f, l, 1, &o);
    assert_int_equal(r->nboxes, 2);
    assert_true(r->boxes[0].fill_pct <= 50.0 && r->boxes[1].fill_pct <= 50.0);
    r = pack(&f, l, 2, &o);
    assert_int_equal(r->nunpacked, 1);
    assert_int_equal(r->unpacked[0].line, 1);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_TOO_LARGE);
    done(&f);
}

/* Load-bearing: a box of 100 x 100 x 200 mm takes two 100 mm cubes only
 * stacked. Cube H weighs 2000 g and carries anything; cube L weighs 500 g
 * and carries at most 1000 g. L must go on top (H on L would be 2000 g
 * on a 1000 g limit). Two H cubes limited to 1000 g each cannot share a
 * box (the lower one would carry 2000 g): two boxes; limited to 2000 g
 * they can. */
static void test_max_load(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("T", 100, 100, 200, 100000)};
    make(&f, boxes, 1);
    /* L first: by every ordering the engine would try it first */
    bx_order_line l[] = {line("L", 1, 100, 100, 100, 500), line("H", 1, 100, 100, 100, 2000)};
    l[0].max_load_g = 1000;
    l[0].has |= BX_LINE_HAS_MAX_LOAD;
    const bx_pack_result *r = pack(&f, l, 2, NULL);
    assert_int_equal(r->nboxes, 1);
    for (size_t i = 0; i < r->nplacements; i++)
        assert_int_equal(r->placements[i].z_mm, r->placements[i].line == 0 ? 100 : 0);
    bx_order_line h2 = line("H", 2, 100, 100, 100, 2000);
    h2.max_load_g = 1000;
    h2.has |= BX_LINE_HAS_MAX_LOAD;
    r = pack(&f, &h2, 1, NULL);
    assert_int_equal(r->nboxes, 2);
    h2.max_load_g = 2000; /* exactly its neighbour's weight: one box */
    r = pack(&f, &h2, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    done(&f);
}

/* With stable placements the first attempt stacks the widest bases first.
 * Box 300 x 230 x 400, upright units: T 280 x 80 x 150 (the largest by
 * volume, 3.36 L), F 290 x 220 x 10 and two G 220 x 220 x 20. Volume
 * first, T takes the floor and leaves 300 x 150 beside it, too narrow for
 * G, whose 220 x 220 base would rest on T's 80 mm width only (80 * 220 /
 * 220^2 = 36 %). Widest base first: F on the floor, the G's on F, T on the
 * top G (220 * 80 of 280 * 80 = 78.6 % of its base), 200 mm high: one box,
 * found by the first attempt alone (budget 1). */
static void test_support_ordering(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("B", 300, 230, 400, 100000)};
    make(&f, boxes, 1);
    bx_order_line l[] = {line("T", 1, 280, 80, 150, 500), line("F", 1, 290, 220, 10, 100),
                         line("G", 2, 220, 220, 20, 100)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.budget = 1;
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0);
    done(&f);
}

/* The centre-of-gravity test, with a low share asked (40 %). Box 100 x 100
 * x 200, fixed units: P 40 x 100 x 50 on the floor, fragile Q 100 x 100 x
 * 10 (it goes last and nothing may stand on it, so it cannot go under P).
 * Beside P the floor is at most 60 mm wide, too narrow for Q; on P's top Q
 * rests on 40 x 100 = 40 % of its base, enough, but with P against a wall
 * (x 0..40) Q's centre (x = 50) lies beyond the contact: it would tip. One
 * box holds both only with P away from the walls, under Q's centre
 * (10 <= P's x <= 50). With P 50 mm wide at the wall the centre is on the
 * contact's edge: one box as well. */
static void test_support_centre(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("B", 100, 100, 200, 100000)};
    make(&f, boxes, 1);
    bx_order_line l[] = {line("P", 1, 40, 100, 50, 100), line("Q", 1, 100, 100, 10, 100)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_FIXED;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    l[1].fragile = true;
    l[1].has |= BX_LINE_HAS_FRAGILE;
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.support_pct = 40;
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->placements[1].z_mm, 50);
    assert_true(r->placements[0].x_mm >= 10 && r->placements[0].x_mm <= 50);
    l[0].l_mm = 50;
    r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->placements[1].z_mm, 50);
    done(&f);
}

/* Six sheets and a block that fit one box 374 x 364 x 40 (payload 2860 g)
 * only when the first sheet stands off the wall: no two sheets fit side
 * by side, so they pile (36 mm), and the block (32 mm) must stand on the
 * 330 x 230 sheet beside the pile, over 75 % of its base. Worked by hand
 * in test_validate.c (test_sheets_and_block): the bottom sheet at x = 5,
 * with the block against the 220 mm sheet's far side. The default budget
 * finds one box. */
static void test_support_gap(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("B", 374, 364, 40, 2860)};
    make(&f, boxes, 1);
    bx_order_line l[] = {line("S1", 1, 330, 230, 6, 320), line("S2", 1, 310, 220, 12, 679),
                         line("S3", 1, 297, 210, 5, 242), line("S4", 1, 297, 210, 5, 289),
                         line("S5", 1, 297, 210, 4, 228), line("S6", 1, 295, 206, 4, 217),
                         line("K", 1, 210, 148, 32, 880)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0);
    done(&f);
}

/* A unit resting on many units at once. Box 100 x 100 x 20, fixed units:
 * 100 tiles 10 x 10 x 10 and a fragile slab 100 x 100 x 10 (it goes last,
 * and nothing may stand on it). The volumes add up to the box's, 200,000
 * mm^3, so one box holds them only as 10 x 10 tiles covering the floor and
 * the slab on their tops at z = 10, resting on all 100 of them (100 % of
 * its base; any 64 of them would be 64 %, short of the 75 % asked). */
static void test_support_many_below(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("B", 100, 100, 20, 1000000)};
    make(&f, boxes, 1);
    bx_order_line l[] = {line("T", 100, 10, 10, 10, 10), line("S", 1, 100, 100, 10, 10)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_FIXED;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    l[1].fragile = true;
    l[1].has |= BX_LINE_HAS_FRAGILE;
    bx_pack_options o;
    bx_pack_options_init(&o);
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0);
    bool slab_on_tiles = false;
    for (size_t a = 0; a < r->nplacements; a++)
        if (r->placements[a].line == 1)
            slab_on_tiles = r->placements[a].z_mm == 10;
    assert_true(slab_on_tiles);
    done(&f);
}

/* One box where the orientations a search ties on matter. The four boxes
 * of the e-commerce corpus (payloads, tare taken off), of which only B,
 * 374 x 364 x 40 (2,860 g), admits S; upright units: sheets S 310 x 220 x 12, T 297 x 210
 * x 11, U 297 x 210 x 5, V 235 x 182 x 6 and a block K 210 x 148 x 32,
 * 2,656 g in all. Stacked, the five are 66 mm high, so K must stand
 * beside the sheets: S turned 220 x 310 at the origin leaves 154 x 364 of
 * floor, where K turned 148 x 210 stands (x 220..368). T and U turned 210
 * x 297 rest wholly on S (z 12 and 23), V turned 182 x 235 wholly on U (z
 * 28), 34 mm high: one box, every base 100 % supported. The search finds
 * it once ties between a unit's orientations at a point may also go to
 * the later orientation. */
static void test_support_turned_ties(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("A", 300, 230, 240, 14840), box("B", 374, 364, 40, 2860),
                      box("C", 305, 229, 520, 9900), box("D", 260, 220, 15, 490)};
    make(&f, boxes, BX_ARRAY_LEN(boxes));
    bx_order_line l[] = {line("S", 1, 310, 220, 12, 679), line("T", 1, 297, 210, 11, 648),
                         line("U", 1, 297, 210, 5, 242), line("V", 1, 235, 182, 6, 207),
                         line("K", 1, 210, 148, 32, 880)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    bx_pack_options o;
    bx_pack_options_init(&o);
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0);
    done(&f);
}

/* One box where the narrow units must go under the wide ones. The boxes
 * of test_support_turned_ties; upright units: two blocks E 235 x 182 x 6,
 * F 295 x 206 x 4, sheets G 297 x 210 x 3, H 297 x 210 x 3, two I 297 x
 * 210 x 4, J 297 x 210 x 8 and a wider sheet A 330 x 230 x 6, 2,188 g.
 * Only B (374 x 364 x 40) admits A, and the units stack 44 mm high, so
 * something must stand side by side: the two E on the floor at y 0 and
 * 182 (top z 6, x 0..235); F on them over 235 x 206 = 48,410 of its
 * 60,770 mm^2 (79.7 %); G on F over 295 x 206 (97.4 %); H, I, I, J on G
 * wholly (z 13, 16, 20, 24); A on J over 297 x 210 = 62,370 of 75,900
 * mm^2 (82.2 %), 38 mm high. The search finds this box once its
 * orderings also run smallest key first. */
static void test_support_narrow_first(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("A", 300, 230, 240, 14840), box("B", 374, 364, 40, 2860),
                      box("C", 305, 229, 520, 9900), box("D", 260, 220, 15, 490)};
    make(&f, boxes, BX_ARRAY_LEN(boxes));
    bx_order_line l[] = {line("A", 1, 330, 230, 6, 320), line("G", 1, 297, 210, 3, 192),
                         line("J", 1, 297, 210, 8, 517), line("H", 1, 297, 210, 3, 82),
                         line("I", 2, 297, 210, 4, 208), line("F", 1, 295, 206, 4, 217),
                         line("E1", 1, 235, 182, 6, 237), line("E2", 1, 235, 182, 6, 207)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    bx_pack_options o;
    bx_pack_options_init(&o);
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0);
    done(&f);
}

/* Units wider than half the box both ways pile up. In a 150 x 150 x 50
 * box, two 100 x 100 plates cannot stand side by side (100 + 100 > 150
 * along both axes), so three 20 mm plates need 60 mm of height: no such
 * box holds them, although their volume (600,000 mm3) is about half of
 * one box's (1,125,000 mm3). Upright they fit no 90 mm wide box either,
 * and neither box type dominates the other (so L1/L2 do not apply): the
 * bound is two boxes, by the pile alone. Any way up, the plates stand on
 * edge side by side in the narrow box (20 + 20 + 20 <= 90): one box. */
static void test_wide_units_pile(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("low", 150, 150, 50, 100000), box("narrow", 90, 400, 400, 100000)};
    make(&f, boxes, BX_ARRAY_LEN(boxes));
    bx_order_line l[] = {line("plate", 3, 100, 100, 20, 100)};
    l[0].has |= BX_LINE_HAS_ROTATION;
    bx_pack_options o;
    bx_pack_options_init(&o);
    for (int s = 0; s < 2; s++) {
        o.support = s ? BX_SUPPORT_STABLE : BX_SUPPORT_NONE;
        l[0].rotation = BX_ROTATE_UPRIGHT;
        const bx_pack_result *r = pack(&f, l, 1, &o);
        assert_int_equal(r->nboxes, 2);
        assert_int_equal(r->lower_bound, 2);
        assert_true(r->count_optimal);
        l[0].rotation = BX_ROTATE_ANY;
        r = pack(&f, l, 1, &o);
        assert_int_equal(r->nboxes, 1);
        assert_string_equal(r->boxes[0].box->box_id, "narrow");
    }
    /* A 60 x 120 block is not that wide, but beside a 100 x 100 plate it
     * needs 160 or 220 mm along each axis of the 150 mm floor, turned
     * either way: it stands on or under the plate, 20 + 31 = 51 > 50 mm.
     * Upright: two boxes, and the bound knows it. */
    bx_order_line m[] = {line("plate", 1, 100, 100, 20, 100), line("block", 1, 60, 120, 31, 100)};
    for (size_t i = 0; i < 2; i++) {
        m[i].rotation = BX_ROTATE_UPRIGHT;
        m[i].has |= BX_LINE_HAS_ROTATION;
    }
    bx_pack_options_init(&o);
    const bx_pack_result *r = pack(&f, m, 2, &o);
    assert_int_equal(r->nboxes, 2);
    assert_int_equal(r->lower_bound, 2);
    done(&f);
}

/* A stable packing in one box that no sorted ordering finds: in a
 * 370 x 360 x 40 box the 320 x 226 sheet and the 297 x 210 sheet cannot
 * lie side by side, nor can a 230 x 180 block beside either. By hand: the
 * smaller sheet on the floor, the larger on it (62,370 of 72,320 mm2,
 * 86 %), and the two blocks side by side on that, one at x = 0 and one at
 * x = 180 turned 180 x 230 (140 x 226 of 180 x 230 mm2 on the sheet,
 * 76 %), 4 + 6 + 18 = 28 mm high. Every fixed ordering puts the larger
 * sheet first, and then the blocks do not fit on the smaller one. */
static void test_support_one_box_walk(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("flat", 370, 360, 40, 3000)};
    make(&f, boxes, BX_ARRAY_LEN(boxes));
    bx_order_line l[] = {line("big", 1, 320, 226, 6, 320), line("a4", 1, 297, 210, 4, 208),
                         line("b1", 1, 230, 180, 18, 700), line("b2", 1, 230, 180, 15, 530)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    bx_pack_options o;
    bx_pack_options_init(&o);
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0); /* pack() validated it */
    done(&f);
}

/* One box planned in levels (tall box). Box 305 x 229 x 260; upright
 * units: six blocks 145 x 106 x 95, two pads 150 x 120 x 20, two sheets
 * 230 x 182 x 14, two squares 178 x 178 x 11. By hand: four blocks in a
 * 2 x 2 grid on the floor (top 290 x 212 at z 95); the sheets on them
 * (wholly, z 95 and 109); the pads turned 120 x 150 side by side at
 * x 0 and 120 (z 123; the second rests on x 120..230 of the sheet,
 * 110 x 150 of 120 x 150 = 91.7 %); the last two blocks turned 106 x 145
 * at x 0 and 106 on the pads (wholly, z 143); the squares on the blocks
 * (178 x 145 of 178 x 178 = 81.5 %, z 238) and on each other (z 249):
 * 260 mm, exactly the box. The sorted orderings and the walk miss it at
 * the default budget (a budget of 5,000,000 finds it by the walk). */
static void test_support_levels_tall(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("T", 305, 229, 260, 20000)};
    make(&f, boxes, 1);
    bx_order_line l[] = {line("block", 6, 145, 106, 95, 270), line("pad", 2, 150, 120, 20, 210),
                         line("sheet", 2, 230, 182, 14, 320),
                         line("square", 2, 178, 178, 11, 214)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0); /* pack() validated it */
    done(&f);
}

/* Every allocation on the way to the levels plan of
 * test_support_levels_tall failing in turn: BX_ENOMEM, nothing leaked;
 * once none fails, the one box. */
static void test_support_levels_oom(void **state)
{
    (void)state;
    bx_box boxes[] = {box("T", 305, 229, 260, 20000)};
    bx_order_line l[] = {line("block", 6, 145, 106, 95, 270), line("pad", 2, 150, 120, 20, 210),
                         line("sheet", 2, 230, 182, 14, 320),
                         line("square", 2, 178, 178, 11, 214)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bx_catalog *cat;
        assert_int_equal(bx_catalog_new(ctx, &cat, boxes, 1), BX_OK);
        ta.fail_at = ta.calls + n;
        bx_engine *e = NULL;
        bx_status st = bx_engine_new(ctx, &e, NULL);
        const bx_pack_result *r = NULL;
        bx_order order = {l, BX_ARRAY_LEN(l)};
        if (st == BX_OK)
            st = bx_pack(e, cat, &order, NULL, &r);
        bool failed = ta.failures > 0;
        size_t nboxes = st == BX_OK ? r->nboxes : 0;
        bx_engine_free(e);
        bx_catalog_free(cat);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
        if (!failed) {
            assert_int_equal(st, BX_OK);
            assert_int_equal(nboxes, 1);
            break;
        }
        assert_int_equal(st, BX_ENOMEM);
    }
}

/* One box planned in levels (low box), a real order of the e-commerce
 * corpus. Box 374 x 364 x 40, payload 2,860 g; upright units: sheets
 * 330 x 230 x 6, 297 x 210 x 6 and 297 x 210 x 13, a square 210 x 210 x 2
 * and eight 210 x 148 cards 4, 5, 6, 6, 5, 10, 5 and 5 mm thick, 2,828 g
 * in all, 73 mm stacked. By hand: the 330 x 230 sheet on the floor; on it
 * the 6 mm sheet turned 210 x 297 at the corner (210 x 230 of 210 x 297 =
 * 77.4 %) and beside it, at x 210, a pile of 148 x 210 cards 10, 6, 6, 5
 * and 5 mm (the bottom one on x 210..330 of the sheet, 120 x 210 of 148 x
 * 210 = 81.1 %; the others wholly), 38 mm; on the 6 mm sheet the 13 mm
 * sheet (z 12), two 5 mm cards side by side turned 210 x 148 (z 25), the
 * square on both (z 30) and the 4 mm card on the square (z 32): 36 mm. */
static void test_support_levels_low(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("B", 374, 364, 40, 2860)};
    make(&f, boxes, 1);
    bx_order_line l[] = {line("S1", 1, 330, 230, 6, 320), line("S2", 1, 297, 210, 6, 299),
                         line("S3", 1, 297, 210, 13, 792), line("Q", 1, 210, 210, 2, 61),
                         line("C4", 1, 210, 148, 4, 154), line("C5a", 1, 210, 148, 5, 155),
                         line("C6a", 1, 210, 148, 6, 139), line("C6b", 1, 210, 148, 6, 173),
                         line("C5b", 1, 210, 148, 5, 146), line("C10", 1, 210, 148, 10, 322),
                         line("C5c", 1, 210, 148, 5, 138), line("C5d", 1, 210, 148, 5, 129)};
    for (size_t i = 0; i < BX_ARRAY_LEN(l); i++) {
        l[i].rotation = BX_ROTATE_UPRIGHT;
        l[i].has |= BX_LINE_HAS_ROTATION;
    }
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->nunpacked, 0);
    /* Widest levels first put the 330 x 230 sheet at the bottom; the plan
     * above needs it held back. The round that holds back the widest kind
     * (the second round, no draws) finds it on a third of the default
     * budget, before the round of draws that found it first is reached. */
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.budget = 20000;
    r = pack(&f, l, BX_ARRAY_LEN(l), &o);
    assert_int_equal(r->nboxes, 1);
    done(&f);
}

/* Two boxes where first fit and moving units one at a time leave three:
 * the box sizes of the e-commerce corpus (payloads without tare), any
 * orientation; 16 each of A4 sheets 297 x 210 x 5 (187 g), two kinds of
 * card 235 x 182 x 6 (237 g and 207 g) and blocks 210 x 148 x 32 (880 g),
 * 24,176 g in all. No box carries more than 14,840 g, so two at least. By
 * hand, two 300 x 230 x 240 boxes: in one, the fourteen blocks on end
 * (148 x 32 x 210) in two rows of seven, x 0 and 148, and two 207 g
 * cards on them (z 210 and 216, wholly on the blocks' tops), 222 mm,
 * 12,734 g; in the other, four A4 sheets on edge against a wall
 * (297 x 5 x 210 at y 0..20), the other twelve flat beside them (y 20,
 * 60 mm), on those the 237 g cards and nine 207 g cards at y 20 (z 60 to
 * 210) and two blocks on end (32 x 210 x 148) at x 235 and 267 (the
 * second over 30 of its 32 mm on the sheets), then the last five cards at
 * y 0 (z 210 to 240, on the upright sheets and the cards), 11,442 g.
 * First fit leaves three blocks over; moving them one at a time finds no
 * room, while the lighter two bins repacked together as one take one
 * box. */
static void test_merge_two_bins(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[] = {box("Option 1", 300, 230, 240, 14840), box("Option 2", 374, 364, 40, 2860),
                      box("Option 3", 305, 229, 520, 9900), box("Option 4", 260, 220, 15, 490)};
    make(&f, boxes, BX_ARRAY_LEN(boxes));
    bx_order_line l[] = {line("a4", 16, 297, 210, 5, 187), line("card1", 16, 235, 182, 6, 237),
                         line("card2", 16, 235, 182, 6, 207), line("block", 16, 210, 148, 32, 880)};
    const bx_pack_result *r = pack(&f, l, BX_ARRAY_LEN(l), NULL);
    assert_int_equal(r->lower_bound, 2);
    assert_int_equal(r->nboxes, 2);
    assert_int_equal(r->nunpacked, 0); /* pack() validated it */
    done(&f);
}

/* Two 100 mm cubes cut by guillotine into 27 blocks (each cut splits a
 * block in two along one axis), shuffled, fixed upright and floating: the
 * blocks' volume is exactly 2 x 100^3 = 2,000,000 mm^3 (summed by hand
 * below the table), so two bins is the optimum and the volume bound proves
 * it. The default effort's phases end at three bins even with a budget of
 * 20,000,000; BX_EFFORT_HIGH regroups bins until the lightest empties and
 * must reach two, valid (pack() validates), and never more than the
 * default. */
static void test_effort_high_reaches_bound(void **state)
{
    (void)state;
    static const int32_t d[][3] = {
        {90, 18, 68},  {10, 26, 20},  {100, 13, 100}, {10, 26, 26}, {66, 19, 67},
        {10, 20, 40},  {66, 19, 33},  {100, 12, 45},  {34, 19, 59}, {10, 21, 54},
        {100, 13, 24}, {100, 13, 76}, {61, 31, 32},   {100, 11, 45}, {100, 11, 55},
        {100, 12, 55}, {10, 31, 46},  {90, 13, 68},   {10, 43, 46}, {29, 31, 32},
        {100, 18, 100}, {90, 14, 100}, {10, 20, 14},  {100, 14, 100}, {10, 59, 54},
        {34, 19, 41},  {90, 55, 100}};
    /* Volumes, mm^3: 110160 + 5200 + 130000 + 6760 + 84018 + 8000 + 41382
     * + 54000 + 38114 + 11340 + 31200 + 98800 + 60512 + 49500 + 60500
     * + 66000 + 14260 + 79560 + 19780 + 28768 + 180000 + 126000 + 2800
     * + 140000 + 31860 + 26486 + 495000 = 2,000,000. */
    enum { N = sizeof d / sizeof d[0] };
    fixture f;
    bx_box bin = box("bin", 100, 100, 100, 1000000);
    make(&f, &bin, 1);
    bx_order_line l[N];
    int64_t vol = 0;
    for (int i = 0; i < N; i++) {
        char sku[16];
        snprintf(sku, sizeof sku, "B%d", i);
        l[i] = line(sku, 1, d[i][0], d[i][1], d[i][2], 1);
        l[i].rotation = BX_ROTATE_FIXED;
        l[i].has |= BX_LINE_HAS_ROTATION;
        vol += (int64_t)d[i][0] * d[i][1] * d[i][2];
    }
    assert_int_equal(vol, 2000000);
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.support = BX_SUPPORT_NONE;
    o.budget = 20000000;
    size_t normal = pack(&f, l, N, &o)->nboxes;
    assert_int_equal(normal, 3);
    o.budget = 0; /* BX_HIGH_EFFORT_BUDGET */
    o.effort = BX_EFFORT_HIGH;
    const bx_pack_result *r = pack(&f, l, N, &o);
    assert_int_equal(r->nboxes, 2);
    assert_int_equal(r->lower_bound, 2);
    assert_true(r->count_optimal);
    assert_int_equal(r->nunpacked, 0);
    assert_true(r->work < BX_HIGH_EFFORT_BUDGET); /* it stops at the bound */

    bx_effort e = BX_EFFORT_NORMAL;
    assert_int_equal(bx_effort_parse("high", &e), BX_OK);
    assert_int_equal(e, BX_EFFORT_HIGH);
    assert_string_equal(bx_effort_name(e), "high");
    assert_int_equal(bx_effort_parse("max", &e), BX_EINPUT);
    o.effort = (bx_effort)7;
    bx_order order = {l, N};
    assert_int_equal(bx_pack(f.engine, f.cat, &order, &o, &r), BX_EINVAL);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smallest_box),
        cmocka_unit_test(test_exact_fill),
        cmocka_unit_test(test_weight_limit),
        cmocka_unit_test(test_bound_payload_clique),
        cmocka_unit_test(test_bound_clique_box_types),
        cmocka_unit_test(test_unpackable_reasons),
        cmocka_unit_test(test_rotation_rules),
        cmocka_unit_test(test_fragile),
        cmocka_unit_test(test_alone_and_group),
        cmocka_unit_test(test_stock),
        cmocka_unit_test(test_bad_calls),
        cmocka_unit_test(test_no_allocation_when_warm),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_more_boxes_than_units),
        cmocka_unit_test(test_pack_oom),
        cmocka_unit_test(test_support),
        cmocka_unit_test(test_box_limits),
        cmocka_unit_test(test_max_load),
        cmocka_unit_test(test_support_ordering),
        cmocka_unit_test(test_support_centre),
        cmocka_unit_test(test_support_gap),
        cmocka_unit_test(test_support_many_below),
        cmocka_unit_test(test_support_turned_ties),
        cmocka_unit_test(test_support_narrow_first),
        cmocka_unit_test(test_wide_units_pile),
        cmocka_unit_test(test_support_one_box_walk),
        cmocka_unit_test(test_support_levels_tall),
        cmocka_unit_test(test_support_levels_oom),
        cmocka_unit_test(test_support_levels_low),
        cmocka_unit_test(test_merge_two_bins),
        cmocka_unit_test(test_effort_high_reaches_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
