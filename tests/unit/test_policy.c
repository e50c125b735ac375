/*
 * test_policy.c: packing under Lua policies. The shipped policies on
 * packings whose figures are worked out by hand in the comments; hooks
 * that fail or return the wrong thing; the views; parameters; the pool;
 * no allocation per order once warm; every out-of-memory path.
 */
#include <math.h>
#include <string.h>

#include "testutil.h"

#define SCRIPT(f) BOXCAR_SCRIPTS "/policy/" f
#define DATA(f) BOXCAR_TEST_DATA "/" f

static bx_box cube_box(const char *id, int32_t l, int32_t w, int32_t h)
{
    bx_box b;
    bx_box_init(&b);
    snprintf(b.box_id, sizeof b.box_id, "%s", id);
    b.inner_l_mm = l;
    b.inner_w_mm = w;
    b.inner_h_mm = h;
    b.max_weight_g = 20000;
    return b;
}

static bx_order_line item(const char *order, const char *id, int32_t qty, int32_t l, int32_t w,
                          int32_t h, int64_t g)
{
    bx_order_line x;
    bx_order_line_init(&x);
    snprintf(x.order_id, sizeof x.order_id, "%s", order);
    snprintf(x.item_id, sizeof x.item_id, "%s", id);
    x.qty = qty;
    x.l_mm = l;
    x.w_mm = w;
    x.h_mm = h;
    x.weight_g = g;
    return x;
}

/* A context, a catalog, an engine and a policy. */
typedef struct fixture {
    test_alloc ta;
    test_diags diags;
    bx_ctx *ctx;
    bx_catalog *cat;
    bx_engine *engine;
    bx_policy *policy;
} fixture;

static void setup_catalog(fixture *f, const bx_box *boxes, size_t n)
{
    memset(f, 0, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    assert_non_null(f->ctx);
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    assert_int_equal(bx_catalog_new(f->ctx, &f->cat, boxes, n), BX_OK);
    assert_int_equal(bx_engine_new(f->ctx, &f->engine, NULL), BX_OK);
}

static void load_file(fixture *f, const char *path)
{
    bx_status st = bx_policy_load(f->ctx, &f->policy, path, f->cat, NULL);
    if (st != BX_OK)
        fail_msg("%s: %s", path, bx_ctx_errmsg(f->ctx));
}

static bx_status load_text(fixture *f, const char *src)
{
    return bx_policy_load_buffer(f->ctx, &f->policy, "t.lua", src, strlen(src), f->cat, NULL);
}

static void teardown(fixture *f)
{
    bx_policy_free(f->policy);
    bx_engine_free(f->engine);
    bx_catalog_free(f->cat);
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_bytes, 0);
}

static const bx_pack_result *pack(fixture *f, const bx_order_line *lines, size_t n)
{
    bx_order o = {lines, n};
    const bx_pack_result *r = NULL;
    bx_status st = bx_policy_pack(f->policy, f->engine, &o, NULL, &r);
    if (st != BX_OK)
        fail_msg("pack: %s", bx_ctx_errmsg(f->ctx));
    return r;
}

static void set(fixture *f, const char *key, const char *value)
{
    if (bx_policy_set_param(f->policy, key, value) != BX_OK)
        fail_msg("set %s=%s: %s", key, value, bx_ctx_errmsg(f->ctx));
}

/* ---- gb45186 ------------------------------------------------------------ */

/* One 100 mm cube box (outer 106 mm) and one 80 x 80 x 50 item:
 *   void = 1 - 1.0 * 320 000 / 1 000 000 = 0.68 > 0.40, by 28.0 points;
 *   tape (I): 2 * (106 + 2 * 50) = 412 mm <= 2.0 * 2 * (106 + 106) = 848 mm;
 *   layers: 1 (the box; no fragile item) <= 2. */
static void gb_fixture(fixture *f)
{
    bx_box b = cube_box("B", 100, 100, 100);
    b.outer_l_mm = b.outer_w_mm = b.outer_h_mm = 106;
    b.has |= BX_BOX_HAS_OUTER;
    setup_catalog(f, &b, 1);
    load_file(f, SCRIPT("gb45186.lua"));
}

static void test_gb45186_void_ratio(void **state)
{
    (void)state;
    fixture f;
    gb_fixture(&f);
    assert_string_equal(bx_policy_name(f.policy), "gb45186");
    assert_int_equal(bx_policy_hooks(f.policy), BX_HOOK_SCORE | BX_HOOK_CHECK);
    assert_int_equal(bx_policy_assumption_count(f.policy), 5);
    bx_order_line l = item("O1", "I", 1, 80, 80, 50, 100);
    const bx_pack_result *r = pack(&f, &l, 1);
    assert_int_equal(r->nboxes, 1);
    assert_string_equal(r->policy, "gb45186");
    assert_int_equal(r->nviolations, 1);
    const bx_violation *v = &r->violations[0];
    assert_int_equal(v->box_seq, 1);
    assert_string_equal(v->code, "GB45186.VOID");
    assert_true(fabs(v->value - 0.68) < 1e-12);
    assert_true(fabs(v->limit - 0.40) < 1e-12);
    assert_string_equal(v->message,
                        "void ratio 68.0 % > 40.0 % (assumed) by 28.0 points; k = 1.00 (assumed)");
    /* k = 2 credits necessary space: 1 - 2 * 0.32 = 0.36 <= 0.40, and k is
     * no longer an assumption */
    set(&f, "k", "2");
    assert_int_equal(bx_policy_assumption_count(f.policy), 4);
    r = pack(&f, &l, 1);
    assert_int_equal(r->nviolations, 0);
    /* a published limit replaces the guess: the message says so (k is
     * back at its default, an assumption again) */
    set(&f, "k", "1");
    set(&f, "void_max", "0.5");
    r = pack(&f, &l, 1);
    assert_int_equal(r->nviolations, 1);
    assert_string_equal(r->violations[0].message,
                        "void ratio 68.0 % > 50.0 % by 18.0 points; k = 1.00 (assumed)");
    teardown(&f);
}

static void test_gb45186_tape_and_layers(void **state)
{
    (void)state;
    fixture f;
    gb_fixture(&f);
    set(&f, "void_max", "1");
    /* double pattern: along 412, across 2 * (106 + 100) = 412, twice each:
     * 1648 mm > 848 mm by 0.800 m */
    set(&f, "tape_pattern", "double");
    bx_order_line l = item("O1", "I", 1, 80, 80, 50, 100);
    const bx_pack_result *r = pack(&f, &l, 1);
    assert_int_equal(r->nviolations, 1);
    assert_string_equal(r->violations[0].code, "GB45186.TAPE");
    assert_true(fabs(r->violations[0].value - 1648) < 1e-9);
    assert_true(fabs(r->violations[0].limit - 848) < 1e-9);
    assert_string_equal(r->violations[0].message,
                        "about 1.65 m of sealing tape (double pattern, 50 mm tabs (assumed)) "
                        "> 0.85 m (assumed) by 0.80 m");
    /* cross: 824 mm passes */
    set(&f, "tape_pattern", "cross");
    r = pack(&f, &l, 1);
    assert_int_equal(r->nviolations, 0);
    /* a fragile item is wrapped (+1) and the station adds a bag (+1):
     * 3 layers > 2 */
    set(&f, "inner_layers", "1");
    l.fragile = true;
    r = pack(&f, &l, 1);
    assert_int_equal(r->nviolations, 1);
    assert_string_equal(r->violations[0].code, "GB45186.LAYERS");
    assert_string_equal(r->violations[0].message, "3 packaging layers > 2 (assumed)");
    assert_true(r->violations[0].value == 3 && r->violations[0].limit == 2);
    /* a bad pattern is the script's error, with its line */
    set(&f, "tape_pattern", "zigzag");
    bx_order o = {&l, 1};
    assert_int_equal(bx_policy_pack(f.policy, f.engine, &o, NULL, &r), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "order O1: gb45186.lua:"));
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx),
                           "tape_pattern must be I, cross or double, not zigzag"));
    teardown(&f);
}

/* BIG 300 x 100 x 100 (3e6 mm^3) holds two 95 mm cubes; SMALL 100^3 one.
 * Two cubes are 1 714 750 mm^3: in BIG, void 1 - 1714750/3e6 = 0.4284 >
 * 0.40; in two SMALLs, 1 - 857375/1e6 = 0.1426 each. The engine packs one
 * BIG (fewest boxes); score prefers the candidate with no box over the
 * limit: two SMALLs. Without prefer_compliance the fewest boxes win. */
static void test_gb45186_score_splits_only_for_compliance(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[2] = {cube_box("BIG", 300, 100, 100), cube_box("SMALL", 100, 100, 100)};
    setup_catalog(&f, boxes, 2);
    load_file(&f, SCRIPT("gb45186.lua"));
    bx_order_line l = item("O2", "cube", 2, 95, 95, 95, 500);
    const bx_pack_result *r = pack(&f, &l, 1);
    assert_int_equal(r->nboxes, 2);
    assert_string_equal(r->boxes[0].box->box_id, "SMALL");
    assert_string_equal(r->boxes[1].box->box_id, "SMALL");
    assert_int_equal(r->nviolations, 0);
    set(&f, "prefer_compliance", "no");
    r = pack(&f, &l, 1);
    assert_int_equal(r->nboxes, 1);
    assert_string_equal(r->boxes[0].box->box_id, "BIG");
    assert_int_equal(r->nviolations, 1);
    assert_true(fabs(r->violations[0].value - (1.0 - 1714750.0 / 3e6)) < 1e-12);
    teardown(&f);
}

static void test_gb45186_skips_reusable_boxes(void **state)
{
    (void)state;
    fixture f;
    bx_box b = cube_box("RB", 100, 100, 100);
    b.reusable = true;
    b.has |= BX_BOX_HAS_REUSABLE;
    setup_catalog(&f, &b, 1);
    load_file(&f, SCRIPT("gb45186.lua"));
    bx_order_line l = item("O1", "I", 1, 10, 10, 10, 100); /* void 0.999 */
    assert_int_equal(pack(&f, &l, 1)->nviolations, 0);
    teardown(&f);
}

/* ---- fragile ------------------------------------------------------------- */

/* A 60 mm fragile cube with 20 mm of padding a side takes 100 mm: the 100
 * mm box still holds it; with 25 mm (110 mm) only the 200 mm box does. */
static void test_fragile_padding(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[2] = {cube_box("S", 100, 100, 100), cube_box("L", 200, 200, 200)};
    setup_catalog(&f, boxes, 2);
    load_file(&f, SCRIPT("fragile.lua"));
    bx_order_line l = item("F1", "glass", 1, 60, 60, 60, 300);
    l.fragile = true;
    const bx_pack_result *r = pack(&f, &l, 1);
    assert_string_equal(r->boxes[0].box->box_id, "S");
    assert_int_equal(r->placements[0].l_mm, 100);
    assert_int_equal(r->boxes[0].item_volume_mm3, 1000000);
    /* validate against the order as packed */
    bx_order as;
    bx_pack_options opts;
    bx_policy_packed_as(f.policy, &as, &opts);
    assert_int_equal(as.lines[0].l_mm, 100);
    assert_int_equal(bx_validate(f.ctx, f.cat, &as, &opts, r), BX_OK);
    set(&f, "pad_mm", "25");
    assert_int_equal(bx_policy_assumption_count(f.policy), 0);
    r = pack(&f, &l, 1);
    assert_string_equal(r->boxes[0].box->box_id, "L");
    assert_int_equal(r->placements[0].h_mm, 110);
    /* a line that is not fragile keeps its size */
    l.fragile = false;
    r = pack(&f, &l, 1);
    assert_int_equal(r->placements[0].l_mm, 60);
    teardown(&f);
}

/* A packing made elsewhere: a 900 g unit resting on a 300 g fragile one
 * (footprints overlap, z 100 = 0 + 100), and a 100 g unit beside it. */
static void test_fragile_stacking_on_a_given_packing(void **state)
{
    (void)state;
    fixture f;
    bx_box box = cube_box("L", 200, 200, 200);
    setup_catalog(&f, &box, 1);
    load_file(&f, SCRIPT("fragile.lua"));
    bx_order_line lines[3] = {item("F2", "glass", 1, 100, 100, 100, 300),
                              item("F2", "anvil", 1, 100, 100, 50, 900),
                              item("F2", "feather", 1, 100, 100, 50, 100)};
    lines[0].fragile = true;
    bx_order o = {lines, 3};
    bx_placement p[3] = {{0, 0, 1, 0, 0, 0, 100, 100, 100},
                         {1, 0, 2, 0, 0, 100, 100, 100, 50},
                         {2, 0, 3, 100, 0, 100, 100, 100, 50}};
    bx_packed_box pb = {0, bx_catalog_box(f.cat, 0), 0, 3, 2000000, 8000000, 1300, 1300,
                        25.0, 75.0};
    bx_pack_result res = {&pb, 1, p, 3, NULL, 0, 1, true, 8000000, 0, 0, NULL, NULL, 0, NULL};
    const bx_pack_result *r = NULL;
    assert_int_equal(bx_policy_check(f.policy, &o, &res, &r), BX_OK);
    assert_int_equal(r->nviolations, 1);
    assert_string_equal(r->violations[0].code, "FRAGILE.STACK");
    assert_string_equal(r->violations[0].message,
                        "unit 2 (anvil, 900 g) rests above fragile unit 1 (glass, 300 g)");
    /* the feather is beside the glass (x 100..200 against 0..100): with
     * any_load still only the anvil; moved over it, the feather counts */
    set(&f, "any_load", "true");
    p[2].x_mm = 50;
    assert_int_equal(bx_policy_check(f.policy, &o, &res, &r), BX_OK);
    assert_int_equal(r->nviolations, 2);
    assert_string_equal(r->violations[1].code, "FRAGILE.LOADED");
    /* the engine's own packings never stack on fragile units */
    const bx_pack_result *packed = pack(&f, lines, 3);
    for (size_t i = 0; i < packed->nviolations; i++)
        assert_string_not_equal(packed->violations[i].code, "FRAGILE.STACK");
    teardown(&f);
}

/* ---- reuse-first ----------------------------------------------------------- */

static void reuse_fixture(fixture *f, int64_t rb_m, int64_t rb_l, bool returns)
{
    memset(f, 0, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    assert_int_equal(bx_catalog_load(f->ctx, &f->cat, DATA("catalog_reuse.csv"), BX_FORMAT_AUTO),
                     BX_OK);
    assert_int_equal(bx_engine_new(f->ctx, &f->engine, NULL), BX_OK);
    load_file(f, SCRIPT("reuse-first.lua"));
    const char *ids[2] = {"RB-M", "RB-L"};
    int64_t n[2] = {rb_m, rb_l};
    bx_policy_pool pool = {returns, ids, n, 2};
    assert_int_equal(bx_policy_set_pool(f->policy, &pool), BX_OK);
}

/* A 300 x 200 x 120 shoe: C-M (300 x 200 x 150, 9.0 l) or RB-M (320 x 220 x
 * 160, 11.264 l, counted 0.25 * 11.264 = 2.816 l): RB-M while the pool has
 * one and returns are accepted, C-M after. */
static void test_reuse_first_takes_from_the_pool(void **state)
{
    (void)state;
    fixture f;
    reuse_fixture(&f, 1, 0, true);
    bx_order_line l = item("R1", "shoe", 1, 300, 200, 120, 900);
    const bx_pack_result *r = pack(&f, &l, 1);
    assert_string_equal(r->boxes[0].box->box_id, "RB-M");
    assert_non_null(r->containers);
    assert_string_equal(r->containers[0], "RB-M");
    assert_int_equal(bx_policy_pool_available(f.policy, "RB-M"), 0);
    r = pack(&f, &l, 1);
    assert_string_equal(r->boxes[0].box->box_id, "C-M");
    assert_null(r->containers[0]);
    teardown(&f);
    /* returns not accepted: cartons only, the pool untouched */
    reuse_fixture(&f, 1, 1, false);
    r = pack(&f, &l, 1);
    assert_string_equal(r->boxes[0].box->box_id, "C-M");
    assert_int_equal(bx_policy_pool_available(f.policy, "RB-M"), 1);
    teardown(&f);
}

/* Two shoes stack to 240 mm: one C-L (250 high) or one RB-L (260) holds
 * both. With no RB-L on hand the pool caps its stock at 0, so the engine
 * takes C-L rather than RB-M + a carton (one box beats two). */
static void test_reuse_first_never_costs_a_box(void **state)
{
    (void)state;
    fixture f;
    reuse_fixture(&f, 1, 0, true);
    bx_order_line l = item("R2", "shoe", 2, 300, 200, 120, 900);
    const bx_pack_result *r = pack(&f, &l, 1);
    assert_int_equal(r->nboxes, 1);
    assert_string_equal(r->boxes[0].box->box_id, "C-L");
    teardown(&f);
    reuse_fixture(&f, 0, 1, true);
    r = pack(&f, &l, 1);
    assert_int_equal(r->nboxes, 1);
    assert_string_equal(r->boxes[0].box->box_id, "RB-L");
    assert_string_equal(r->containers[0], "RB-L");
    teardown(&f);
}

/* ---- hooks that go wrong ------------------------------------------------------ */

static void expect_pack_error(const char *src, bx_status st, const char *want)
{
    fixture f;
    bx_box b = cube_box("B", 100, 100, 100);
    setup_catalog(&f, &b, 1);
    bx_status got = load_text(&f, src);
    if (got == BX_OK) {
        bx_order_line l = item("O9", "I", 1, 50, 50, 50, 100);
        bx_order o = {&l, 1};
        const bx_pack_result *r = NULL;
        got = bx_policy_pack(f.policy, f.engine, &o, NULL, &r);
        if (got != BX_OK)
            assert_null(r);
    }
    if (got != st || strstr(bx_ctx_errmsg(f.ctx), want) == NULL)
        fail_msg("script:\n%s\nwanted %s with '%s', got %s: '%s'", src, bx_strerror(st), want,
                 bx_strerror(got), bx_ctx_errmsg(f.ctx));
    teardown(&f);
}

static void test_hook_errors_name_script_line_hook_and_order(void **state)
{
    (void)state;
    expect_pack_error("local P = {}\nfunction P.eligible(o, b)\n  return 1\nend\nreturn P",
                      BX_EINPUT,
                      "order O9: t.lua:2: hook 'eligible' returned a number; it must return a "
                      "boolean (may the order use this box?) (in hook 'eligible')");
    expect_pack_error("local P = {}\nfunction P.box_cost(o, b)\n  return -1\nend\nreturn P",
                      BX_EINPUT, "t.lua:2: hook 'box_cost' returned -1; it must be a finite "
                                 "number (>= 0 for box_cost)");
    expect_pack_error("local P = {}\nfunction P.score(o, p)\n  return 0/0\nend\nreturn P",
                      BX_EINPUT, "hook 'score' returned");
    expect_pack_error("local P = {}\nfunction P.item_size(o, l)\n  return 10, 0, 10\nend\n"
                      "return P", BX_EINPUT,
                      "t.lua:2: hook 'item_size' must return nil or three whole numbers of mm "
                      "in 1..100000 (l, w, h); value 2 is not one");
    expect_pack_error("local P = {}\nfunction P.check(o, p, report)\n\n"
                      "  local x = p[1].box.volume\nend\nreturn P", BX_EINPUT,
                      "order O9: t.lua:4: box has no field 'volume' (scripts/README.md lists "
                      "the fields) (in hook 'check')");
    expect_pack_error("local P = {}\nfunction P.check(o, p, report)\n  report(2, 'X', 'm')\n"
                      "end\nreturn P", BX_EINPUT,
                      "t.lua:3: report: box_seq 2, but the packing has 1 boxes");
    expect_pack_error("local P = {}\nfunction P.check(o, p, report)\n  report(1, 'A,B', 'm')\n"
                      "end\nreturn P", BX_EINPUT, "report: a code is 1 to 63 bytes");
    expect_pack_error("local P = {}\nfunction P.check(o, p, report)\n  p.n_boxes = 0\nend\n"
                      "return P", BX_EINPUT, "t.lua:3: boxcar.packing is read-only");

    expect_pack_error("local P = {}\nfunction P.score(o, p)\n  while true do end\nend\nreturn P",
                      BX_ELIMIT, "instruction budget of 10000000 exceeded (in hook 'score')");
    expect_pack_error("local P = {}\nfunction P.eligible(o, b)\n  return o.nope\nend\nreturn P",
                      BX_EINPUT, "t.lua:3: order has no field 'nope'");
    /* module fields of the wrong type fail at load */
    expect_pack_error("return {eligible = 3}", BX_EINPUT,
                      "t.lua: the module's 'eligible' must be a function (a hook), not a number");
    expect_pack_error("return {params = 'x'}", BX_EINPUT, "the module's 'params' must be a table");
    expect_pack_error("return {assumptions = {1}}", BX_EINPUT, "assumption 1 is a number");
    expect_pack_error("return {max_candidates = 0}", BX_EINPUT, "'max_candidates' must be a whole");
}

/* report kept from check and called from another hook is refused. */
static void test_report_only_in_check(void **state)
{
    (void)state;
    fixture f;
    bx_box b = cube_box("B", 100, 100, 100);
    setup_catalog(&f, &b, 1);
    assert_int_equal(load_text(&f, "local P, saved = {}, nil\n"
                                   "function P.check(o, p, r) saved = r end\n"
                                   "function P.score(o, p)\n"
                                   "  if saved then saved(1, 'X', 'm') end\n"
                                   "  return 0\n"
                                   "end\n"
                                   "return P"), BX_OK);
    bx_order_line l = item("O1", "I", 1, 50, 50, 50, 100);
    bx_order o = {&l, 1};
    const bx_pack_result *r = NULL;
    assert_int_equal(bx_policy_pack(f.policy, f.engine, &o, NULL, &r), BX_OK);
    assert_int_equal(bx_policy_pack(f.policy, f.engine, &o, NULL, &r), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "t.lua:4: report may be called only while "
                                                 "check runs"));
    teardown(&f);
}

/* A policy that fails one order packs the next. */
static void test_failed_order_then_next(void **state)
{
    (void)state;
    fixture f;
    bx_box b = cube_box("B", 100, 100, 100);
    setup_catalog(&f, &b, 1);
    assert_int_equal(load_text(&f, "local P = {}\n"
                                   "function P.score(o, p)\n"
                                   "  if o.id == 'LOOP' then while true do end end\n"
                                   "  return #p\n"
                                   "end\n"
                                   "return P"), BX_OK);
    bx_order_line l = item("LOOP", "I", 1, 50, 50, 50, 100);
    bx_order o = {&l, 1};
    const bx_pack_result *r = NULL;
    assert_int_equal(bx_policy_pack(f.policy, f.engine, &o, NULL, &r), BX_ELIMIT);
    assert_string_equal(bx_ctx_errmsg(f.ctx), "order LOOP: t.lua:3: instruction budget of "
                                              "10000000 exceeded (in hook 'score')");
    snprintf(l.order_id, sizeof l.order_id, "OK");
    assert_int_equal(bx_policy_pack(f.policy, f.engine, &o, NULL, &r), BX_OK);
    assert_int_equal(r->nboxes, 1);
    teardown(&f);
}

/* What the views show, checked from inside a hook against hand figures:
 * order of two lines (2 x 40x30x20 of 150 g, 1 x 50x50x50 of 400 g):
 * units 3, volume 2*24000 + 125000 = 173000, weight 700. */
static void test_views(void **state)
{
    (void)state;
    fixture f;
    bx_box b = cube_box("B", 100, 100, 100);
    b.outer_l_mm = 106, b.outer_w_mm = 107, b.outer_h_mm = 108;
    b.tare_g = 120;
    b.has |= BX_BOX_HAS_OUTER | BX_BOX_HAS_TARE;
    setup_catalog(&f, &b, 1);
    assert_int_equal(load_text(&f,
        "local P = {}\n"
        "function P.eligible(o, b, pool)\n"
        "  assert(o.id == 'V' and #o == 2 and o.n_lines == 2 and o.units == 3)\n"
        "  assert(o.volume_mm3 == 173000 and o.weight_g == 700 and not o.has_fragile)\n"
        "  assert(o[1].item_id == 'a' and o[1].qty == 2 and o[1].volume_mm3 == 24000)\n"
        "  assert(o[2].rotation == 'any' and o[2].group == nil and o[3] == nil)\n"
        "  assert(o[1].max_load_g == nil and o[2].max_load_g == 900)\n"
        "  assert(b.id == 'B' and b.index == 1 and b.inner_volume_mm3 == 1000000)\n"
        "  assert(b.outer_w_mm == 107 and b.tare_g == 120 and b.material == nil)\n"
        "  assert(b.stock == nil and b.reusable == false and pool == nil)\n"
        "  assert(getmetatable(b) == 'boxcar.box')\n"
        "  return true\n"
        "end\n"
        "function P.check(o, p, report)\n"
        "  assert(#p == 1 and p.n_boxes == 1 and p.unpacked_units == 0)\n"
        "  local x = p[1]\n"
        "  assert(x.seq == 1 and #x == 3 and x.box.id == 'B')\n"
        "  assert(x.item_volume_mm3 == 173000 and x.content_volume_mm3 == 173000)\n"
        "  assert(x.gross_weight_g == 820 and x.items_weight_g == 700)\n"
        "  assert(math.abs(x.fill_pct - 17.3) < 1e-9)\n"
        "  local seen = 0\n"
        "  for j = 1, #x do\n"
        "    local u = x[j]\n"
        "    assert(u.load_seq == j and u.line.index >= 1)\n"
        "    seen = seen + u.volume_mm3\n"
        "  end\n"
        "  assert(seen == 173000)\n"
        "  report(0, 'ORDER.NOTE', 'whole order', 1.5)\n"
        "end\n"
        "return P"), BX_OK);
    bx_order_line lines[2] = {item("V", "a", 2, 40, 30, 20, 150), item("V", "b", 1, 50, 50, 50, 400)};
    lines[1].max_load_g = 900;
    lines[1].has |= BX_LINE_HAS_MAX_LOAD;
    const bx_pack_result *r = pack(&f, lines, 2);
    assert_int_equal(r->nviolations, 1);
    assert_int_equal(r->violations[0].box_seq, 0);
    assert_true(r->violations[0].value == 1.5 && isnan(r->violations[0].limit));
    teardown(&f);
}

/* ---- parameters, lint ---------------------------------------------------------- */

static void test_params(void **state)
{
    (void)state;
    fixture f;
    gb_fixture(&f);
    assert_int_equal(bx_policy_set_param(f.policy, "void", "0.3"), BX_ENOTFOUND);
    assert_string_equal(bx_ctx_errmsg(f.ctx),
                        "gb45186.lua: no parameter 'void' (the policy has: fragile_wrap, "
                        "inner_layers, k, layers_max, prefer_compliance, tab_mm, "
                        "tape_max_per_perimeter, tape_pattern, void_max, wall_mm)");
    assert_int_equal(bx_policy_set_param(f.policy, "void_max", "lots"), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "parameter 'void_max' is a number; 'lots'"));
    assert_int_equal(bx_policy_set_param(f.policy, "fragile_wrap", "2"), BX_EINPUT);
    teardown(&f);
}

static void test_lint(void **state)
{
    (void)state;
    fixture f;
    bx_box b = cube_box("B", 300, 300, 300);
    setup_catalog(&f, &b, 1);
    assert_int_equal(load_text(&f, "local P = {}\n"
                                   "function P.elligible(o, b) return true end\n"
                                   "function P.choose_container(o, p, pool) return 5 end\n"
                                   "return P"), BX_OK);
    /* the stray function is a warning; choose_container's number an error,
     * found although the catalog has no reusable box */
    assert_int_equal(bx_policy_lint(f.policy, f.engine), BX_EINPUT);
    assert_int_equal(f.diags.nwarnings, 1);
    assert_non_null(strstr(f.diags.all, "function 'elligible' in the module is not a hook"));
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "hook 'choose_container' returned a number"));
    teardown(&f);
    for (int i = 0; i < 3; i++) {
        static const char *const names[] = {"gb45186.lua", "fragile.lua", "reuse-first.lua"};
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BOXCAR_SCRIPTS "/policy", names[i]);
        setup_catalog(&f, &b, 1);
        load_file(&f, path);
        assert_int_equal(bx_policy_lint(f.policy, f.engine), BX_OK);
        assert_int_equal(f.diags.nwarnings, 0);
        teardown(&f);
    }
}

/* ---- memory ------------------------------------------------------------------------ */

/* Once warm, an order costs no allocation: hooks reading numbers only,
 * views from the caches, violations into kept buffers. */
/* Every order sees the globals as the script left them when it loaded: a
 * policy counting its calls in globals (one set at load, one made by the
 * hook, one written with rawset) counts 1 for every order, however many
 * came before. */
static void test_every_order_sees_the_same_globals(void **state)
{
    (void)state;
    fixture f;
    bx_box b = cube_box("B", 100, 100, 100);
    setup_catalog(&f, &b, 1);
    assert_int_equal(load_text(&f,
        "local P = {}\n"
        "count = 0\n"
        "function P.check(o, p, report)\n"
        "  count = count + 1\n"
        "  made = (made or 0) + 1\n"
        "  rawset(_G, 'raw', (rawget(_G, 'raw') or 0) + 1)\n"
        "  report(0, 'CALLS', string.format('%d %d %d', count, made, raw))\n"
        "end\n"
        "return P"), BX_OK);
    bx_order_line l = item("O1", "I", 1, 50, 50, 50, 100);
    for (int i = 0; i < 5; i++) {
        const bx_pack_result *r = pack(&f, &l, 1);
        assert_int_equal(r->nviolations, 1);
        assert_string_equal(r->violations[0].message, "1 1 1");
    }
    /* bx_policy_check on a given packing too */
    bx_order o = {&l, 1};
    const bx_pack_result *packed = NULL, *checked = NULL;
    assert_int_equal(bx_pack(f.engine, f.cat, &o, NULL, &packed), BX_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(bx_policy_check(f.policy, &o, packed, &checked), BX_OK);
        assert_int_equal(checked->nviolations, 1);
        assert_string_equal(checked->violations[0].message, "1 1 1");
    }
    /* the view of the globals cannot be redirected */
    bx_policy_free(f.policy);
    f.policy = NULL;
    assert_int_equal(load_text(&f,
        "local P = {}\n"
        "function P.check(o, p, report)\n"
        "  setmetatable(_G, {})\n"
        "end\n"
        "return P"), BX_OK);
    assert_int_equal(bx_policy_check(f.policy, &o, packed, &checked), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f.ctx), "t.lua:3: cannot change a protected metatable"));
    teardown(&f);
}

static void test_no_allocation_per_order(void **state)
{
    (void)state;
    fixture f;
    bx_box boxes[2] = {cube_box("S", 100, 100, 100), cube_box("L", 200, 200, 200)};
    setup_catalog(&f, boxes, 2);
    assert_int_equal(load_text(&f,
        "local P = {params = {limit = 0.5}}\n"
        "function P.eligible(o, b) return b.inner_volume_mm3 >= o.volume_mm3 end\n"
        "function P.item_size(o, l) return l.l_mm, l.w_mm, l.h_mm end\n"
        "function P.box_cost(o, b) return b.inner_volume_mm3 end\n"
        "function P.score(o, p) return #p end\n"
        "function P.check(o, p, report)\n"
        "  for i = 1, #p do\n"
        "    local x = p[i]\n"
        "    for j = 1, #x do local u = x[j] local w = u.weight_g + u.line.qty end\n"
        "    if x.fill_pct < 100 * P.params.limit then report(i, 'FILL', 'low fill') end\n"
        "  end\n"
        "end\n"
        "return P"), BX_OK);
    bx_order_line lines[2] = {item("A", "a", 3, 40, 30, 20, 150), item("A", "b", 1, 50, 50, 50, 400)};
    for (int i = 0; i < 3; i++)
        pack(&f, lines, 2);
    uint64_t calls = f.ta.calls;
    size_t bytes = f.ta.live_bytes;
    for (int i = 0; i < 100; i++) {
        const bx_pack_result *r = pack(&f, lines, 2);
        assert_int_equal(r->nviolations, 1);
    }
    assert_int_equal(f.ta.calls, calls);
    assert_int_equal(f.ta.live_bytes, bytes);
    teardown(&f);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    bx_box b = cube_box("B", 100, 100, 100);
    bx_order_line l = item("O1", "I", 1, 80, 80, 50, 100);
    bx_order o = {&l, 1};
    uint64_t oom = 0;
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bx_catalog *cat = NULL;
        bx_engine *engine = NULL;
        assert_int_equal(bx_catalog_new(ctx, &cat, &b, 1), BX_OK);
        assert_int_equal(bx_engine_new(ctx, &engine, NULL), BX_OK);
        ta.fail_at = ta.calls + n;
        bx_policy *p = NULL;
        const bx_pack_result *r = NULL;
        bx_status st = bx_policy_load(ctx, &p, SCRIPT("gb45186.lua"), cat, NULL);
        if (st == BX_OK)
            st = bx_policy_pack(p, engine, &o, NULL, &r);
        if (st != BX_OK && st != BX_ENOMEM)
            fail_msg("allocation %llu: %s: %s", (unsigned long long)n, bx_strerror(st),
                     bx_ctx_errmsg(ctx));
        if (st == BX_OK)
            assert_int_equal(r->nviolations, 1);
        oom += st == BX_ENOMEM;
        bool done = ta.failures == 0;
        bx_policy_free(p);
        bx_engine_free(engine);
        bx_catalog_free(cat);
        bx_ctx_free(ctx);
        if (ta.live_bytes != 0)
            fail_msg("allocation %llu: %zu bytes leaked", (unsigned long long)n, ta.live_bytes);
        if (done)
            break;
    }
    assert_true(oom > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gb45186_void_ratio),
        cmocka_unit_test(test_gb45186_tape_and_layers),
        cmocka_unit_test(test_gb45186_score_splits_only_for_compliance),
        cmocka_unit_test(test_gb45186_skips_reusable_boxes),
        cmocka_unit_test(test_fragile_padding),
        cmocka_unit_test(test_fragile_stacking_on_a_given_packing),
        cmocka_unit_test(test_reuse_first_takes_from_the_pool),
        cmocka_unit_test(test_reuse_first_never_costs_a_box),
        cmocka_unit_test(test_hook_errors_name_script_line_hook_and_order),
        cmocka_unit_test(test_failed_order_then_next),
        cmocka_unit_test(test_report_only_in_check),
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_lint),
        cmocka_unit_test(test_every_order_sees_the_same_globals),
        cmocka_unit_test(test_no_allocation_per_order),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
