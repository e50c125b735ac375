/*
 * test_custom_box.c: made-to-measure catalog entries (custom = 1): the
 * catalog columns and their rules, the cut size, its board, mass and cost,
 * and the choice between stock sizes and the machine per order. Expected
 * sizes are worked out by hand in the comments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

/* machine M: inner 600x400x400 at most, 100x80x40 at least, outer = inner
 * + (6, 6, 12), 440 g/m^2 board, 0.20 + 1.10 per m^2 */
static bx_box machine(int32_t step)
{
    bx_box b;
    bx_box_init(&b);
    strcpy(b.box_id, "M");
    b.inner_l_mm = 600;
    b.inner_w_mm = 400;
    b.inner_h_mm = 400;
    b.max_weight_g = 30000;
    b.outer_l_mm = 606;
    b.outer_w_mm = 406;
    b.outer_h_mm = 412;
    b.has |= BX_BOX_HAS_OUTER;
    b.cost = 0.2;
    b.has |= BX_BOX_HAS_COST;
    b.custom = true;
    b.has |= BX_BOX_HAS_CUSTOM;
    b.min_l_mm = 100;
    b.min_w_mm = 80;
    b.min_h_mm = 40;
    b.has |= BX_BOX_HAS_MIN;
    b.step_mm = step;
    b.has |= BX_BOX_HAS_STEP;
    b.grammage_g_m2 = 440;
    b.has |= BX_BOX_HAS_GRAMMAGE;
    b.cost_per_m2 = 1.1;
    b.has |= BX_BOX_HAS_COST_M2;
    return b;
}

static bx_box stock_box(const char *id, int32_t l, int32_t w, int32_t h, double cost)
{
    bx_box b;
    bx_box_init(&b);
    strcpy(b.box_id, id);
    b.inner_l_mm = l;
    b.inner_w_mm = w;
    b.inner_h_mm = h;
    b.max_weight_g = 30000;
    b.cost = cost;
    b.has |= BX_BOX_HAS_COST;
    return b;
}

static bx_order_line item(const char *sku, int32_t qty, int32_t l, int32_t w, int32_t h)
{
    bx_order_line x;
    bx_order_line_init(&x);
    strcpy(x.order_id, "O1");
    strcpy(x.item_id, sku);
    x.qty = qty;
    x.l_mm = l;
    x.w_mm = w;
    x.h_mm = h;
    x.weight_g = 100;
    return x;
}

typedef struct fx {
    bx_ctx *ctx;
    bx_engine *engine;
    bx_catalog *cat;
} fx;

static void make(fx *f, const bx_box *boxes, size_t n)
{
    assert_int_equal(bx_ctx_new(&f->ctx, NULL, NULL), BX_OK);
    assert_int_equal(bx_engine_new(f->ctx, &f->engine, NULL), BX_OK);
    assert_int_equal(bx_catalog_new(f->ctx, &f->cat, boxes, n), BX_OK);
}

static void done(fx *f)
{
    bx_catalog_free(f->cat);
    bx_engine_free(f->engine);
    bx_ctx_free(f->ctx);
}

static const bx_pack_result *pack(fx *f, const bx_order_line *lines, size_t n,
                                   const bx_pack_options *o)
{
    bx_order order = {lines, n};
    const bx_pack_result *r = NULL;
    assert_int_equal(bx_pack(f->engine, f->cat, &order, o, &r), BX_OK);
    bx_status vst = bx_validate(f->ctx, f->cat, &order, o, r);
    if (vst != BX_OK)
        fprintf(stderr, "%s\n", bx_ctx_errmsg(f->ctx));
    assert_int_equal(vst, BX_OK);
    return r;
}

static void assert_dims(const bx_box *b, int32_t l, int32_t w, int32_t h)
{
    assert_int_equal(b->inner_l_mm, l);
    assert_int_equal(b->inner_w_mm, w);
    assert_int_equal(b->inner_h_mm, h);
}

/* One 120x80x50 item, step 10: the smallest box is the item's own size.
 * Lying flat (50 high) with its long side along the length: 120x80x50.
 * Outer 126x86x62; FEFCO 0201 board (2*126 + 2*86 + 30) * (62 + 86)
 * = 454 * 148 = 67,192 mm^2; board 67,192e-6 m^2 * 440 g/m^2 = 29.56 g
 * -> 30 g; cost 0.20 + 1.10 * 0.067192 = 0.2739112. */
static void test_one_item_exact(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(10);
    make(&f, &m, 1);
    bx_order_line l = item("A", 1, 80, 50, 120);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    const bx_box *b = r->boxes[0].box;
    assert_dims(b, 120, 80, 50);
    assert_string_equal(b->box_id, "M:120x80x50");
    assert_int_equal(r->boxes[0].box_index, 0);
    assert_int_equal(b->outer_l_mm, 126);
    assert_int_equal(b->outer_w_mm, 86);
    assert_int_equal(b->outer_h_mm, 62);
    assert_int_equal(b->material_mass_g, 30);
    assert_int_equal(b->tare_g, 30);
    assert_true(fabs(b->cost - 0.2739112) < 1e-9);
    assert_int_equal(r->boxes[0].inner_volume_mm3, 480000);
    assert_int_equal(r->total_inner_volume_mm3, 480000);
    assert_int_equal(r->boxes[0].gross_weight_g, 100 + 30);
    done(&f);
}

/* Step 10 rounds 123x81x47 up to 130x90x50; a 60x50x30 item takes the
 * machine's smallest box, 100x80x40. */
static void test_step_and_minimum(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(10);
    make(&f, &m, 1);
    bx_order_line a = item("A", 1, 123, 81, 47);
    const bx_pack_result *r = pack(&f, &a, 1, NULL);
    assert_dims(r->boxes[0].box, 130, 90, 50);
    bx_order_line b = item("B", 1, 60, 50, 30);
    r = pack(&f, &b, 1, NULL);
    assert_dims(r->boxes[0].box, 100, 80, 40);
    done(&f);
}

/* Two 100 mm cubes: the smallest box holding both is 200x100x100
 * (2,000,000 mm^3); any box of one cube's volume per cube or less cannot
 * hold two side by side in fewer mm^3. */
static void test_two_cubes(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(1);
    make(&f, &m, 1);
    bx_order_line l = item("C", 2, 100, 100, 100);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->boxes[0].inner_volume_mm3, 2000000);
    assert_dims(r->boxes[0].box, 200, 100, 100);
    done(&f);
}

/* Mixed catalog, item 120x80x50. By volume the cut box (480,000 mm^3)
 * beats stock S 130x90x60 (702,000 mm^3); by cost S (0.10) beats the cut
 * box (0.2739). */
static void test_mixed_catalog(void **state)
{
    (void)state;
    fx f;
    bx_box boxes[2] = {stock_box("S", 130, 90, 60, 0.10), machine(10)};
    make(&f, boxes, 2);
    bx_order_line l = item("A", 1, 120, 80, 50);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->boxes[0].box_index, 1);
    assert_dims(r->boxes[0].box, 120, 80, 50);
    bx_pack_options o;
    bx_pack_options_init(&o);
    o.objective = BX_OBJECTIVE_COST;
    r = pack(&f, &l, 1, &o);
    assert_int_equal(r->boxes[0].box_index, 0);
    assert_string_equal(r->boxes[0].box->box_id, "S");
    assert_true(fabs(r->objective_total - 0.10) < 1e-12);
    /* an item only the machine holds goes to the machine */
    bx_order_line big = item("B", 1, 300, 200, 100);
    r = pack(&f, &big, 1, &o);
    assert_int_equal(r->boxes[0].box_index, 1);
    assert_dims(r->boxes[0].box, 300, 200, 100);
    done(&f);
}

/* A long machine id is shortened so that the size still fits the id:
 * 60 x 'M' + ":120x80x50" (10 bytes) keeps 53 bytes of the id. */
static void test_long_id(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(10);
    memset(m.box_id, 'M', 60);
    m.box_id[60] = '\0';
    make(&f, &m, 1);
    bx_order_line l = item("A", 1, 120, 80, 50);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    const char *id = r->boxes[0].box->box_id;
    assert_int_equal(strlen(id), BX_ID_MAX - 1);
    assert_string_equal(id + 53, ":120x80x50");
    done(&f);
}

/* The board counts in the weight limit: with a 1,000 g limit a 950 g item
 * ships in its own 120x80x50 box (30 g of board, gross 980 g); a 980 g
 * one would make 1,010 g and is too heavy. */
static void test_weight_with_board(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(10);
    m.max_weight_g = 1000;
    make(&f, &m, 1);
    bx_order_line l = item("A", 1, 120, 80, 50);
    l.weight_g = 950;
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->boxes[0].gross_weight_g, 980);
    l.weight_g = 980;
    r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 0);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_TOO_HEAVY);
    done(&f);
}

/* A machine whose least width (683 mm) is above what the contents need:
 * turning them to make the width the shorter side makes the box larger,
 * and here heavier than the limit. Machine 782x709x310 inner (outer +6,
 * +6, +12), at least 43x683x208, step 1, 440 g/m^2, 3,000 g gross; one
 * 669x300x385 unit of 1,852 g, any way up. Only its 300 side fits the
 * 310 height, so it lies on its 669x385 face; the width is at least 683,
 * so 669 goes across and the box is 385x683x300: outer 391x689x312,
 * board (2*391 + 2*689 + 30) * (312 + 689) = 2190 * 1001 = 2,192,190
 * mm^2 * 440 g/m^2 = 964.56 -> 965 g; gross 1,852 + 965 = 2,817 g.
 * Turned it would be 669x683x300: (1350 + 1378 + 30) * 1001 = 2,760,758
 * mm^2 -> 1,215 g, gross 3,067 g, over the limit (what was cut before).
 * Likewise, a box the machine must make higher than its contents (least
 * height 150 for units 30 high) weighs what the higher box weighs. */
static void test_least_sizes_and_weight(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(1);
    m.inner_l_mm = 782;
    m.inner_w_mm = 709;
    m.inner_h_mm = 310;
    m.outer_l_mm = 788;
    m.outer_w_mm = 715;
    m.outer_h_mm = 322;
    m.min_l_mm = 43;
    m.min_w_mm = 683;
    m.min_h_mm = 208;
    m.max_weight_g = 3000;
    make(&f, &m, 1);
    bx_order_line l = item("A", 1, 669, 300, 385);
    l.weight_g = 1852;
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_dims(r->boxes[0].box, 385, 683, 300);
    assert_int_equal(r->boxes[0].gross_weight_g, 2817);
    done(&f);

    /* Machine 633x421x307 (outer +6, +6, +12), at least 331x73x150, step
     * 10, 440 g/m^2, 300 g gross; one 521x152x30 unit of 101 g, upright.
     * Its least box: 530 (521 up to the step) x 160 x 150 (the least
     * height): outer 536x166x162, board (1072 + 332 + 30) * (162 + 166) =
     * 1434 * 328 = 470,352 mm^2 -> 206.95 -> 207 g; 101 + 207 = 308 g is
     * over 300: no box the machine makes can take it. */
    m = machine(10);
    m.inner_l_mm = 633;
    m.inner_w_mm = 421;
    m.inner_h_mm = 307;
    m.outer_l_mm = 639;
    m.outer_w_mm = 427;
    m.outer_h_mm = 319;
    m.min_l_mm = 331;
    m.min_w_mm = 73;
    m.min_h_mm = 150;
    m.max_weight_g = 300;
    make(&f, &m, 1);
    l = item("B", 1, 521, 152, 30);
    l.weight_g = 101;
    l.rotation = BX_ROTATE_UPRIGHT;
    r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 0);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_TOO_HEAVY);
    /* 92 g of contents: 92 + 207 = 299 g fits */
    l.weight_g = 92;
    r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_dims(r->boxes[0].box, 530, 160, 150);
    assert_int_equal(r->boxes[0].gross_weight_g, 299);
    done(&f);
}

/* An item above the machine's largest size is listed as too large. */
static void test_too_large(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(5);
    make(&f, &m, 1);
    bx_order_line l = item("X", 1, 700, 100, 100);
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_int_equal(r->nboxes, 0);
    assert_int_equal(r->nunpacked, 1);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_TOO_LARGE);
    done(&f);
}

/* Two machines, each with a unit it cannot take: S (at most 130 x 90 x 60)
 * is too small for an 80 mm cube in every orientation; M takes its size
 * but carries 30 g at most, and the cube weighs 100 g. The packing kept
 * is S's (the 120 x 80 x 50 item in it), but the cube is too heavy, not
 * too large: M fits it. */
static void test_reason_over_machines(void **state)
{
    (void)state;
    fx f;
    bx_box boxes[2] = {machine(5), machine(5)};
    strcpy(boxes[0].box_id, "S");
    boxes[0].inner_l_mm = 130;
    boxes[0].inner_w_mm = 90;
    boxes[0].inner_h_mm = 60;
    boxes[0].has &= ~(unsigned)(BX_BOX_HAS_OUTER | BX_BOX_HAS_MIN | BX_BOX_HAS_GRAMMAGE);
    boxes[1].max_weight_g = 30;
    boxes[1].has &= ~(unsigned)BX_BOX_HAS_GRAMMAGE;
    make(&f, boxes, 2);
    bx_order_line l[2] = {item("A", 1, 120, 80, 50), item("B", 2, 80, 80, 80)};
    const bx_pack_result *r = pack(&f, l, 2, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->boxes[0].box_index, 0);
    assert_int_equal(r->nunpacked, 1);
    assert_int_equal(r->unpacked[0].units, 2);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_TOO_HEAVY);
    done(&f);
}

/* Stock size S (200 mm cube, 30 kg) and machine M carrying 2 kg at most:
 * a 5 kg 100 mm cube only S holds, a 500 x 300 x 300 unit of 0.5 kg only
 * M takes (S is 200 across). Packed in the stock sizes alone or in M
 * alone, one unit is left out either way, and the whole catalog would
 * take it; so both go in: the cube in S, the large unit in a box cut to
 * its own size, 500 x 300 x 300 (steps of 10). */
static void test_mix_stock_and_machine(void **state)
{
    (void)state;
    fx f;
    bx_box boxes[2] = {stock_box("S", 200, 200, 200, 1.0), machine(10)};
    boxes[1].max_weight_g = 2000;
    make(&f, boxes, 2);
    bx_order_line l[2] = {item("A", 1, 100, 100, 100), item("B", 1, 500, 300, 300)};
    l[0].weight_g = 5000;
    l[1].weight_g = 500;
    const bx_pack_result *r = pack(&f, l, 2, NULL);
    assert_int_equal(r->nunpacked, 0);
    assert_int_equal(r->nboxes, 2);
    assert_int_equal(r->nplacements, 2);
    for (size_t b = 0; b < 2; b++) {
        const bx_packed_box *pb = &r->boxes[b];
        assert_int_equal(pb->nplacements, 1);
        const bx_placement *p = &r->placements[pb->first_placement];
        if (pb->box_index == 0) {
            assert_int_equal(p->line, 0);
            assert_int_equal(pb->inner_volume_mm3, 8000000);
        } else {
            assert_int_equal(pb->box_index, 1);
            assert_int_equal(p->line, 1);
            assert_int_equal(pb->inner_volume_mm3, 45000000);
        }
    }
    assert_int_not_equal(r->boxes[0].box_index, r->boxes[1].box_index);
    done(&f);
}

/* As above with two 150 mm cubes of 5 kg (one per S box) and one S in
 * stock: one cube goes in S, the large unit in M, and the other cube is
 * out of stock (S holds it, none left; M cannot carry it). */
static void test_mix_out_of_stock(void **state)
{
    (void)state;
    fx f;
    bx_box boxes[2] = {stock_box("S", 200, 200, 200, 1.0), machine(10)};
    boxes[0].stock = 1;
    boxes[1].max_weight_g = 2000;
    make(&f, boxes, 2);
    bx_order_line l[2] = {item("A", 2, 150, 150, 150), item("B", 1, 500, 300, 300)};
    l[0].weight_g = 5000;
    l[1].weight_g = 500;
    const bx_pack_result *r = pack(&f, l, 2, NULL);
    assert_int_equal(r->nboxes, 2);
    assert_int_equal(r->nplacements, 2);
    assert_int_equal(r->nunpacked, 1);
    assert_int_equal(r->unpacked[0].line, 0);
    assert_int_equal(r->unpacked[0].units, 1);
    assert_int_equal(r->unpacked[0].reason, BX_UNPACKED_OUT_OF_STOCK);
    done(&f);
}

/* An upright item is not laid flat: 300 long, 100 wide, 200 high stays
 * 200 high. */
/* The cut is shrunk below the bounding box of the first packing. A face
 * mask 190x130x30 (any way) and a serum bottle 42x42x118 (upright), step 1,
 * no minimum, a machine up to 700x600x600. The packing of the size
 * variants lays the mask flat and sets the bottle on it: 190x130x148
 * (3,655,600 mm^3). Worked by hand: with the mask flat the box is 190x130
 * across and the bottle goes on top (148 high) or beside it (232x130x118,
 * 3,558,880). With the mask on edge (30 across) the box is
 * 190 and 130 on two axes, one of them up (the bottle needs 118 up), and
 * the bottle stands beside the mask's 30: 30 + 42 = 72 on the third.
 * Least: 190 x 130 x 72 = 1,778,400 mm^3. */
static void test_shrink_stands_on_edge(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(1);
    m.min_l_mm = m.min_w_mm = m.min_h_mm = 1;
    m.inner_l_mm = 700;
    m.inner_w_mm = m.inner_h_mm = 600;
    m.outer_l_mm = 706;
    m.outer_w_mm = 606;
    m.outer_h_mm = 612;
    make(&f, &m, 1);
    bx_order_line l[2] = {item("MASK", 1, 190, 130, 30), item("SERUM", 1, 42, 42, 118)};
    l[1].rotation = BX_ROTATE_UPRIGHT;
    l[1].has |= BX_LINE_HAS_ROTATION;
    const bx_pack_result *r = pack(&f, l, 2, NULL);
    assert_int_equal(r->nboxes, 1);
    assert_int_equal(r->boxes[0].nplacements, 2);
    assert_int_equal(r->boxes[0].inner_volume_mm3, 1778400);
    const bx_box *b = r->boxes[0].box;
    assert_true(b->inner_h_mm == 130 || b->inner_h_mm == 190);
    done(&f);
}

static void test_upright(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(1);
    make(&f, &m, 1);
    bx_order_line l = item("U", 1, 100, 300, 200);
    l.rotation = BX_ROTATE_UPRIGHT;
    l.has |= BX_LINE_HAS_ROTATION;
    const bx_pack_result *r = pack(&f, &l, 1, NULL);
    assert_dims(r->boxes[0].box, 300, 100, 200);
    done(&f);
}

#if BOXCAR_HAVE_LUA
/* A policy sees a cut box as its own size: its id, inner and outer size
 * and the machine's index. For 120x80x50 (test_one_item_exact): outer
 * 126x86x62. */
static void test_policy_sees_cut_box(void **state)
{
    (void)state;
    fx f;
    bx_box m = machine(10);
    make(&f, &m, 1);
    static const char script[] =
        "local P = {name = 'cut'}\n"
        "function P.check(order, packing, report)\n"
        "  local b = packing[1].box\n"
        "  report(1, 'CUT', string.format('%s %d %d %d %d %d', b.id, b.inner_l_mm,\n"
        "         b.inner_h_mm, b.outer_l_mm, b.outer_h_mm, b.index))\n"
        "end\n"
        "return P\n";
    bx_policy *p = NULL;
    assert_int_equal(bx_policy_load_buffer(f.ctx, &p, "cut.lua", script, sizeof script - 1,
                                           f.cat, NULL),
                     BX_OK);
    bx_order_line l = item("A", 1, 120, 80, 50);
    bx_order order = {&l, 1};
    const bx_pack_result *r = NULL;
    assert_int_equal(bx_policy_pack(p, f.engine, &order, NULL, &r), BX_OK);
    assert_int_equal(r->nviolations, 1);
    assert_string_equal(r->violations[0].message, "M:120x80x50 120 50 126 62 1");
    bx_policy_free(p);
    done(&f);
}
#endif

static bx_status load_text(bx_ctx *ctx, const char *text, bx_catalog **cat)
{
    bx_reader *rd = NULL;
    bx_status st = bx_reader_open_mem(ctx, &rd, BX_RECORD_BOX, BX_FORMAT_CSV, "m.csv", text,
                                      strlen(text), NULL);
    if (st != BX_OK)
        return st;
    st = bx_catalog_read(ctx, cat, rd);
    bx_reader_close(rd);
    return st;
}

/* The columns read back, and each rule is named in its error. */
static void test_catalog_columns(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    const char *head = "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g,custom,"
                       "min_l_mm,min_w_mm,min_h_mm,step_mm,grammage_g_m2,cost_per_m2\n";
    char text[512];
    bx_catalog *cat = NULL;
    snprintf(text, sizeof text, "%sM,600,400,400,30000,1,100,80,40,5,440,1.1\n", head);
    assert_int_equal(load_text(ctx, text, &cat), BX_OK);
    const bx_box *b = bx_catalog_box(cat, 0);
    assert_true(b->custom);
    assert_int_equal(b->min_w_mm, 80);
    assert_int_equal(b->step_mm, 5);
    assert_int_equal(b->grammage_g_m2, 440);
    bx_catalog_free(cat);
    static const struct {
        const char *row, *field;
    } bad[] = {
        {"M,600,400,400,30000,1,100,80,40,0,440,1.1\n", "step_mm"},
        {"M,600,400,400,30000,1,700,80,40,5,440,1.1\n", "min_l_mm"},
        {"M,600,400,400,30000,1,100,,40,5,440,1.1\n", "min_l_mm"},
        {"M,600,400,400,30000,0,100,80,40,5,440,1.1\n", "custom"},
        {"M,600,400,400,30000,,,,,5,,\n", "custom"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s%s", head, bad[i].row);
        cat = NULL;
        assert_int_equal(load_text(ctx, text, &cat), BX_EINPUT);
        assert_null(cat);
        assert_non_null(strstr(bx_ctx_errmsg(ctx), bad[i].field));
    }
    /* an old catalog without the columns is still a catalog of stock boxes */
    snprintf(text, sizeof text, "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g\n"
                                "S,100,100,100,1000\n");
    assert_int_equal(load_text(ctx, text, &cat), BX_OK);
    assert_false(bx_catalog_box(cat, 0)->custom);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
}

/* A machine entry comes back field for field from every encoding. */
static void test_roundtrip_formats(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_box m = machine(5);
    const bx_format fmts[] = {BX_FORMAT_CSV,
#if BOXCAR_HAVE_JSON
                              BX_FORMAT_JSON,
#endif
#if BOXCAR_HAVE_CBOR
                              BX_FORMAT_CBOR,
#endif
    };
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        test_buf out = {NULL, 0, 0, -1};
        bx_writer *w = NULL;
        assert_int_equal(bx_writer_open(ctx, &w, BX_RECORD_BOX, fmts[i], test_buf_write, &out, 1),
                         BX_OK);
        assert_int_equal(bx_writer_put(w, &m), BX_OK);
        assert_int_equal(bx_writer_close(w), BX_OK);
        bx_reader *rd = NULL;
        assert_int_equal(bx_reader_open_mem(ctx, &rd, BX_RECORD_BOX, fmts[i], "m", out.data,
                                            out.len, NULL),
                         BX_OK);
        bx_box back;
        assert_int_equal(bx_reader_next(rd, &back), BX_OK);
        bx_reader_close(rd);
        assert_true(back.custom);
        assert_int_equal(back.has & ~BX_BOX_HAS_STOCK, m.has);
        assert_int_equal(back.min_l_mm, 100);
        assert_int_equal(back.min_h_mm, 40);
        assert_int_equal(back.step_mm, 5);
        assert_int_equal(back.grammage_g_m2, 440);
        assert_true(back.cost_per_m2 == 1.1);
        assert_int_equal(back.outer_h_mm, 412);
        test_buf_free(&out);
    }
    bx_ctx_free(ctx);
}

/* Every allocation failure on the made-to-measure path is reported. */
static void test_oom(void **state)
{
    (void)state;
    bx_box boxes[2] = {stock_box("S", 130, 90, 60, 0.10), machine(10)};
    bx_order_line l[2] = {item("A", 2, 120, 80, 50), item("B", 1, 60, 50, 30)};
    bx_order order = {l, 2};
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        bx_engine *e = NULL;
        bx_catalog *cat = NULL;
        bx_status st = bx_engine_new(ctx, &e, NULL);
        if (st == BX_OK)
            st = bx_catalog_new(ctx, &cat, boxes, 2);
        const bx_pack_result *r = NULL;
        if (st == BX_OK)
            st = bx_pack(e, cat, &order, NULL, &r);
        bx_catalog_free(cat);
        bx_engine_free(e);
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
        cmocka_unit_test(test_one_item_exact),
        cmocka_unit_test(test_step_and_minimum),
        cmocka_unit_test(test_two_cubes),
        cmocka_unit_test(test_mixed_catalog),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_reason_over_machines),
        cmocka_unit_test(test_mix_stock_and_machine),
        cmocka_unit_test(test_mix_out_of_stock),
        cmocka_unit_test(test_long_id),
        cmocka_unit_test(test_weight_with_board),
        cmocka_unit_test(test_least_sizes_and_weight),
        cmocka_unit_test(test_upright),
        cmocka_unit_test(test_shrink_stands_on_edge),
        cmocka_unit_test(test_catalog_columns),
#if BOXCAR_HAVE_LUA
        cmocka_unit_test(test_policy_sees_cut_box),
#endif
        cmocka_unit_test(test_roundtrip_formats),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
