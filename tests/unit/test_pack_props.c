/*
 * test_pack_props.c: properties of bx_pack on random orders (fixed seeds),
 * checked by means other than the engine: bx_validate, independent volume,
 * weight and `alone` bounds, an independent reading of each unpacked
 * reason, determinism, and agreement with the exhaustive packer
 * (exact_packer.c) on tiny cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exact_packer.h"
#include "testutil.h"

#define MAX_LINES 32

/* ---- random numbers: xorshift64 (Marsaglia 2003) ---------------------------- */

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int32_t pick(uint64_t *s, int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next(s) % (uint64_t)(hi - lo + 1));
}

static bool chance(uint64_t *s, int percent)
{
    return pick(s, 1, 100) <= percent;
}

/* ---- building orders and catalogs ------------------------------------------- */

typedef struct order_buf {
    bx_order_line lines[MAX_LINES];
    size_t n;
} order_buf;

static bx_order_line *add_line(order_buf *o, int32_t qty, int32_t l, int32_t w, int32_t h,
                               int64_t g, bx_rotation rot)
{
    bx_order_line *x = &o->lines[o->n];
    bx_order_line_init(x);
    strcpy(x->order_id, "P1");
    snprintf(x->item_id, sizeof x->item_id, "sku%zu", o->n);
    x->qty = qty;
    x->l_mm = l;
    x->w_mm = w;
    x->h_mm = h;
    x->weight_g = g;
    x->rotation = rot;
    x->has |= BX_LINE_HAS_ROTATION;
    x->line = o->n + 2;
    o->n++;
    return x;
}

static void set_fragile(bx_order_line *x)
{
    x->fragile = true;
    x->has |= BX_LINE_HAS_FRAGILE;
}

static void set_alone(bx_order_line *x)
{
    x->alone = true;
    x->has |= BX_LINE_HAS_ALONE;
}

static void set_group(bx_order_line *x, int g)
{
    snprintf(x->group, sizeof x->group, "g%d", g);
    x->has |= BX_LINE_HAS_GROUP;
}

/* A random order of up to max_units units with sides in [lo, hi] mm and
 * the rules mixed: some fragile, some alone, some in groups. */
static void random_order(uint64_t *s, order_buf *o, int max_units, int32_t lo, int32_t hi,
                         int64_t max_g)
{
    o->n = 0;
    int units = 0, target = pick(s, 1, max_units);
    while (units < target && o->n < MAX_LINES) {
        int32_t qty = pick(s, 1, 4);
        if (qty > target - units)
            qty = target - units;
        bx_order_line *x = add_line(o, qty, pick(s, lo, hi), pick(s, lo, hi), pick(s, lo, hi),
                                    pick(s, 1, (int32_t)max_g), (bx_rotation)pick(s, 0, 2));
        if (chance(s, 15))
            set_fragile(x);
        if (chance(s, 8))
            set_alone(x);
        else if (chance(s, 15))
            set_group(x, pick(s, 0, 1));
        units += qty;
    }
}

static bx_box make_box(const char *id, int32_t l, int32_t w, int32_t h, int64_t max_g,
                       int64_t tare_g)
{
    bx_box b;
    bx_box_init(&b);
    snprintf(b.box_id, sizeof b.box_id, "%s", id);
    b.inner_l_mm = l;
    b.inner_w_mm = w;
    b.inner_h_mm = h;
    b.max_weight_g = max_g;
    b.tare_g = tare_g;
    b.has |= BX_BOX_HAS_TARE;
    return b;
}

/* Boxes with sides in [lo, hi] and payloads in [max_g / 4, max_g]; with
 * limit_stock, some box types have only 0 to 2 in stock. */
static bx_catalog *random_catalog(bx_ctx *ctx, uint64_t *s, int nbox, int32_t lo, int32_t hi,
                                  int64_t max_g, bool limit_stock)
{
    bx_box boxes[EX_MAX_BOXES];
    for (int k = 0; k < nbox; k++) {
        char id[16];
        snprintf(id, sizeof id, "B%d", k);
        int64_t cap = pick(s, (int32_t)(max_g / 4), (int32_t)max_g);
        boxes[k] = make_box(id, pick(s, lo, hi), pick(s, lo, hi), pick(s, lo, hi), cap + 10, 10);
        if (limit_stock && chance(s, 30)) {
            boxes[k].stock = pick(s, 0, 2);
            boxes[k].has |= BX_BOX_HAS_STOCK;
        }
    }
    bx_catalog *cat = NULL;
    assert_int_equal(bx_catalog_new(ctx, &cat, boxes, (size_t)nbox), BX_OK);
    return cat;
}

/* ---- independent checks ------------------------------------------------------ */

static bool fits_size(const bx_order_line *l, bx_rotation rule, const bx_box *b)
{
    const int32_t d[3] = {l->l_mm, l->w_mm, l->h_mm};
    const int32_t all[6][3] = {{d[0], d[1], d[2]}, {d[1], d[0], d[2]}, {d[0], d[2], d[1]},
                               {d[2], d[0], d[1]}, {d[1], d[2], d[0]}, {d[2], d[1], d[0]}};
    int n = rule == BX_ROTATE_FIXED ? 1 : rule == BX_ROTATE_UPRIGHT ? 2 : 6;
    for (int i = 0; i < n; i++)
        if (all[i][0] <= b->inner_l_mm && all[i][1] <= b->inner_w_mm && all[i][2] <= b->inner_h_mm)
            return true;
    return false;
}

static int64_t payload(const bx_box *b)
{
    return b->max_weight_g - b->tare_g;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

static void describe(const order_buf *o, char *buf, size_t size)
{
    size_t at = 0;
    for (size_t i = 0; i < o->n && at < size; i++) {
        const bx_order_line *l = &o->lines[i];
        int k = snprintf(buf + at, size - at, "%s%dx %dx%dx%d %lldg %s%s%s%s%s", i ? "; " : "",
                         l->qty, l->l_mm, l->w_mm, l->h_mm, (long long)l->weight_g,
                         bx_rotation_name(l->rotation), l->fragile ? " fragile" : "",
                         l->alone ? " alone" : "", l->group[0] ? " group " : "", l->group);
        if (k < 0)
            break;
        at += (size_t)k;
    }
}

/* Everything that must hold of a result, checked without the engine's
 * help. */
static void check_result(bx_ctx *ctx, const bx_catalog *cat, const order_buf *o,
                         const bx_pack_result *r, const char *label)
{
    bx_order order = {o->lines, o->n};
    char desc[2048];
    if (bx_validate(ctx, cat, &order, NULL, r) != BX_OK) {
        describe(o, desc, sizeof desc);
        fail_msg("%s: bx_validate: %s\norder: %s", label, bx_ctx_errmsg(ctx), desc);
    }
    size_t nbox = bx_catalog_count(cat);
    int64_t max_inner = 0, max_payload = 0;
    bool unlimited = true;
    for (size_t k = 0; k < nbox; k++) {
        const bx_box *b = bx_catalog_box(cat, k);
        unlimited = unlimited && b->stock == BX_STOCK_UNLIMITED;
        int64_t v = (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
        max_inner = v > max_inner ? v : max_inner;
        max_payload = payload(b) > max_payload ? payload(b) : max_payload;
    }
    /* each line's unpacked units, by reason */
    uint32_t unpacked[MAX_LINES][6];
    memset(unpacked, 0, sizeof unpacked);
    for (size_t i = 0; i < r->nunpacked; i++)
        unpacked[r->unpacked[i].line][r->unpacked[i].reason] += r->unpacked[i].units;
    int64_t volume = 0, weight = 0;
    uint32_t alone = 0;
    for (size_t i = 0; i < o->n; i++) {
        const bx_order_line *l = &o->lines[i];
        bool fits = false, holds = false;
        for (size_t k = 0; k < nbox; k++) {
            const bx_box *b = bx_catalog_box(cat, k);
            if (fits_size(l, l->rotation, b)) {
                fits = true;
                holds = holds || l->weight_g <= payload(b);
            }
        }
        uint32_t total = 0;
        for (int why = 1; why <= 5; why++)
            total += unpacked[i][why];
        if (!fits && unpacked[i][BX_UNPACKED_TOO_LARGE] != (uint32_t)l->qty)
            fail_msg("%s: item '%s' fits no box but %u of %d units are listed too large", label,
                     l->item_id, unpacked[i][BX_UNPACKED_TOO_LARGE], l->qty);
        if (fits && !holds && unpacked[i][BX_UNPACKED_TOO_HEAVY] != (uint32_t)l->qty)
            fail_msg("%s: item '%s' is too heavy for every box that takes it, but %u of %d units "
                     "are listed too heavy", label, l->item_id,
                     unpacked[i][BX_UNPACKED_TOO_HEAVY], l->qty);
        /* a unit some box holds, outside any group, with unlimited stock,
         * has no excuse left */
        if (holds && l->group[0] == '\0' && total != 0 && unlimited) {
            describe(o, desc, sizeof desc);
            fail_msg("%s: item '%s' could be packed but %u units are not\norder: %s", label,
                     l->item_id, total, desc);
        }
        uint32_t placed = (uint32_t)l->qty - total;
        volume += (int64_t)placed * l->l_mm * l->w_mm * l->h_mm;
        weight += (int64_t)placed * l->weight_g;
        if (l->alone)
            alone += placed;
    }
    /* Independent bounds for the placed units: volume and weight against
     * the largest box, and one box per `alone` unit. */
    int64_t lb = ceil_div(volume, max_inner);
    int64_t lw = max_payload > 0 ? ceil_div(weight, max_payload) : 0;
    if ((int64_t)r->nboxes < lb || (int64_t)r->nboxes < lw || r->nboxes < alone ||
        r->nboxes < r->lower_bound)
        fail_msg("%s: %zu boxes, below a bound (volume %lld, weight %lld, alone %u, engine %u)",
                 label, r->nboxes, (long long)lb, (long long)lw, alone, r->lower_bound);
}

/* A copy of what makes a result, to compare two packs byte for byte. */
typedef struct snapshot {
    size_t nboxes, nplacements, nunpacked;
    uint32_t box_index[64];
    size_t first[64], count[64];
    bx_placement placements[64];
    bx_unpacked unpacked[64];
    uint32_t lower_bound;
    uint64_t work;
} snapshot;

static void take(snapshot *s, const bx_pack_result *r)
{
    memset(s, 0, sizeof *s);
    assert_true(r->nboxes <= 64 && r->nplacements <= 64 && r->nunpacked <= 64);
    s->nboxes = r->nboxes;
    s->nplacements = r->nplacements;
    s->nunpacked = r->nunpacked;
    for (size_t b = 0; b < r->nboxes; b++) {
        s->box_index[b] = r->boxes[b].box_index;
        s->first[b] = r->boxes[b].first_placement;
        s->count[b] = r->boxes[b].nplacements;
    }
    if (r->nplacements > 0)
        memcpy(s->placements, r->placements, r->nplacements * sizeof *r->placements);
    if (r->nunpacked > 0)
        memcpy(s->unpacked, r->unpacked, r->nunpacked * sizeof *r->unpacked);
    s->lower_bound = r->lower_bound;
    s->work = r->work;
}

/* ---- random orders over the sample catalog and over random catalogs ---------- */

static void pack_or_fail(bx_engine *e, bx_ctx *ctx, const bx_catalog *cat, const order_buf *o,
                         const bx_pack_result **r)
{
    bx_order order = {o->lines, o->n};
    if (bx_pack(e, cat, &order, NULL, r) != BX_OK)
        fail_msg("bx_pack: %s", bx_ctx_errmsg(ctx));
}

static void run_random_orders(const bx_catalog *fixed_cat, uint64_t seed, int norders,
                              int32_t lo, int32_t hi, int64_t max_g)
{
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e, *fresh;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    uint64_t s = seed;
    order_buf *o = malloc(sizeof *o);
    snapshot *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(o);
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < norders; i++) {
        bx_catalog *own = NULL;
        const bx_catalog *cat = fixed_cat;
        if (cat == NULL)
            cat = own = random_catalog(ctx, &s, pick(&s, 1, 5), lo, hi, max_g, false);
        random_order(&s, o, 30, lo / 3, hi, max_g);
        char label[64];
        snprintf(label, sizeof label, "seed %llu order %d", (unsigned long long)seed, i);
        const bx_pack_result *r;
        pack_or_fail(e, ctx, cat, o, &r);
        check_result(ctx, cat, o, r, label);
        take(a, r);
        /* same engine again, then a fresh engine: the same bytes */
        pack_or_fail(e, ctx, cat, o, &r);
        take(b, r);
        if (memcmp(a, b, sizeof *a) != 0)
            fail_msg("%s: packing twice gave different results", label);
        assert_int_equal(bx_engine_new(ctx, &fresh, NULL), BX_OK);
        pack_or_fail(fresh, ctx, cat, o, &r);
        take(b, r);
        bx_engine_free(fresh);
        if (memcmp(a, b, sizeof *a) != 0)
            fail_msg("%s: a fresh engine gave a different result", label);
        bx_catalog_free(own);
    }
    free(o);
    free(a);
    free(b);
    bx_engine_free(e);
    bx_ctx_free(ctx);
}

static void test_sample_catalog(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_catalog *cat = NULL;
    if (bx_catalog_load(ctx, &cat, BOXCAR_SAMPLES "/catalogs/cn-express.csv", BX_FORMAT_AUTO) !=
        BX_OK)
        fail_msg("%s", bx_ctx_errmsg(ctx));
    /* sides up to 400 mm (some longer than the boxes' 358 mm height and
     * 284 mm width), up to 4 kg a unit */
    run_random_orders(cat, 12345, 200, 30, 400, 4000);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
}

static void test_random_catalogs(void **state)
{
    (void)state;
    /* boxes 60..300 mm, units 20..300 mm, up to 2 kg */
    run_random_orders(NULL, 777, 200, 60, 300, 2000);
}

/* Random rules: support none or stable with shares from 20 % (where the
 * centre-of-gravity test decides) to 100 %, random per-box limits, and
 * random load limits on some lines.
 * Every result passes bx_validate under the same options, and the limits
 * hold by a count of their own. */
static void test_random_rules(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    static const uint32_t shares[] = {20, 40, 50, 60, 75, 90, 100};
    uint64_t s = 4242;
    order_buf *o = malloc(sizeof *o);
    assert_non_null(o);
    for (int i = 0; i < 150; i++) {
        bx_catalog *cat = random_catalog(ctx, &s, pick(&s, 1, 4), 60, 300, 2000, false);
        random_order(&s, o, 30, 20, 300, 2000);
        for (size_t k = 0; k < o->n; k++)
            if (chance(&s, 30)) {
                o->lines[k].max_load_g = pick(&s, 0, 4000);
                o->lines[k].has |= BX_LINE_HAS_MAX_LOAD;
            }
        bx_pack_options opt;
        bx_pack_options_init(&opt);
        opt.support = chance(&s, 20) ? BX_SUPPORT_NONE : BX_SUPPORT_STABLE;
        opt.support_pct = shares[pick(&s, 0, (int32_t)(sizeof shares / sizeof shares[0]) - 1)];
        opt.max_units_per_box = chance(&s, 40) ? (uint32_t)pick(&s, 1, 8) : 0;
        opt.max_fill_pct = chance(&s, 40) ? (uint32_t)pick(&s, 30, 100) : 0;
        bx_order order = {o->lines, o->n};
        const bx_pack_result *r;
        if (bx_pack(e, cat, &order, &opt, &r) != BX_OK)
            fail_msg("bx_pack: %s", bx_ctx_errmsg(ctx));
        if (bx_validate(ctx, cat, &order, &opt, r) != BX_OK) {
            char desc[2048];
            describe(o, desc, sizeof desc);
            fail_msg("case %d (support %s %u %%, max units %u, max fill %u %%): %s\norder: %s",
                     i, bx_support_name(opt.support), opt.support_pct, opt.max_units_per_box,
                     opt.max_fill_pct, bx_ctx_errmsg(ctx), desc);
        }
        for (size_t b = 0; b < r->nboxes; b++) {
            if (opt.max_units_per_box > 0)
                assert_true(r->boxes[b].nplacements <= opt.max_units_per_box);
            if (opt.max_fill_pct > 0)
                assert_true(r->boxes[b].item_volume_mm3 * 100 <=
                            (int64_t)opt.max_fill_pct * r->boxes[b].inner_volume_mm3);
        }
        bx_catalog_free(cat);
    }
    free(o);
    bx_engine_free(e);
    bx_ctx_free(ctx);
}

/* Unpacked reasons on units built to have them: a 2 m rod fits no box; a
 * 500 x 300 x 10 mm sheet fits 1# (524 x 284 x 358) only on its edge, so
 * it is too large when fixed or upright and packed when any way goes; a
 * 16 kg unit is over every box's payload (1#: 15496 - 496 = 15000 g). */
static void test_reasons_by_construction(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_catalog *cat = NULL;
    if (bx_catalog_load(ctx, &cat, BOXCAR_SAMPLES "/catalogs/cn-express.csv", BX_FORMAT_AUTO) !=
        BX_OK)
        fail_msg("%s", bx_ctx_errmsg(ctx));
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    order_buf o = {.n = 0};
    add_line(&o, 1, 2000, 20, 20, 100, BX_ROTATE_ANY);
    add_line(&o, 2, 500, 300, 10, 100, BX_ROTATE_FIXED);
    add_line(&o, 1, 500, 300, 10, 100, BX_ROTATE_UPRIGHT);
    add_line(&o, 1, 500, 300, 10, 100, BX_ROTATE_ANY);
    add_line(&o, 1, 100, 100, 100, 16000, BX_ROTATE_ANY);
    const bx_pack_result *r;
    pack_or_fail(e, ctx, cat, &o, &r);
    check_result(ctx, cat, &o, r, "reasons");
    uint32_t why[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < r->nunpacked; i++) {
        assert_true(r->unpacked[i].line < 5);
        why[r->unpacked[i].line] = r->unpacked[i].reason;
    }
    assert_int_equal(why[0], BX_UNPACKED_TOO_LARGE);
    assert_int_equal(why[1], BX_UNPACKED_TOO_LARGE);
    assert_int_equal(why[2], BX_UNPACKED_TOO_LARGE);
    assert_int_equal(why[3], 0);
    assert_int_equal(why[4], BX_UNPACKED_TOO_HEAVY);
    assert_int_equal(r->nplacements, 1);
    assert_int_equal(r->placements[0].line, 3);
    bx_engine_free(e);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
}

/* ---- agreement with the exhaustive packer ------------------------------------ */

/* The exact packer's self-check: on boxes up to 5 mm a side it agrees with
 * trying every integer position (no normal-pattern or symmetry argument). */
static const ex_unit *bf_units;
static int bf_n;
static int32_t bf_bin[3];
static ex_place bf_pos[EX_MAX_UNITS];

static bool bf_ok(int i, const ex_place *p)
{
    for (int j = 0; j < i; j++) {
        const ex_place *q = &bf_pos[j];
        if (p->x >= q->x + q->l || q->x >= p->x + p->l || p->y >= q->y + q->w ||
            q->y >= p->y + p->w)
            continue;
        if (!(p->z >= q->z + q->h || q->z >= p->z + p->h))
            return false; /* overlap */
        if ((bf_units[j].fragile && p->z >= q->z + q->h) ||
            (bf_units[i].fragile && q->z >= p->z + p->h))
            return false; /* above a fragile one */
    }
    return true;
}

static bool bf_place(int i)
{
    if (i == bf_n)
        return true;
    const int32_t *d = bf_units[i].dim;
    const int32_t all[6][3] = {{d[0], d[1], d[2]}, {d[1], d[0], d[2]}, {d[0], d[2], d[1]},
                               {d[2], d[0], d[1]}, {d[1], d[2], d[0]}, {d[2], d[1], d[0]}};
    int n = bf_units[i].rot == BX_ROTATE_FIXED ? 1 : bf_units[i].rot == BX_ROTATE_UPRIGHT ? 2 : 6;
    for (int o = 0; o < n; o++)
        for (int32_t x = 0; x + all[o][0] <= bf_bin[0]; x++)
            for (int32_t y = 0; y + all[o][1] <= bf_bin[1]; y++)
                for (int32_t z = 0; z + all[o][2] <= bf_bin[2]; z++) {
                    ex_place p = {x, y, z, all[o][0], all[o][1], all[o][2]};
                    if (!bf_ok(i, &p))
                        continue;
                    bf_pos[i] = p;
                    if (bf_place(i + 1))
                        return true;
                }
    return false;
}

static void test_exact_packer_self_check(void **state)
{
    (void)state;
    uint64_t s = 2024;
    int feasible = 0;
    for (int c = 0; c < 1500; c++) {
        ex_unit u[4];
        bf_n = pick(&s, 1, 4);
        for (int k = 0; k < 3; k++)
            bf_bin[k] = pick(&s, 2, 5);
        for (int i = 0; i < bf_n; i++) {
            u[i] = (ex_unit){{pick(&s, 1, 4), pick(&s, 1, 4), pick(&s, 1, 4)},
                             (bx_rotation)pick(&s, 0, 2), chance(&s, 25), false, -1, 0};
        }
        if (bf_n > 1 && chance(&s, 30))
            u[1] = u[0]; /* interchangeable units: the symmetry cut */
        bf_units = u;
        ex_place got[4];
        bool exact = ex_fits(u, bf_n, bf_bin[0], bf_bin[1], bf_bin[2], got, NULL);
        bool brute = bf_place(0);
        if (exact != brute)
            fail_msg("case %d: exact packer says %d, enumeration says %d", c, exact, brute);
        if (exact) {
            /* and its packing really is one */
            for (int i = 0; i < bf_n; i++) {
                assert_true(got[i].x >= 0 && got[i].x + got[i].l <= bf_bin[0]);
                assert_true(got[i].y >= 0 && got[i].y + got[i].w <= bf_bin[1]);
                assert_true(got[i].z >= 0 && got[i].z + got[i].h <= bf_bin[2]);
                bf_pos[i] = got[i];
                assert_true(bf_ok(i, &got[i]));
            }
        }
        feasible += brute;
    }
    /* both outcomes well represented */
    assert_true(feasible > 300 && feasible < 1200);
}

typedef struct agreement {
    int cases, unpacked, count_worse, volume_worse, single_box_cases, single_box_wrong;
} agreement;

/* One tiny case: the engine's box count against the optimum, and for
 * one-box optima, the engine's box volume against the smallest that
 * holds everything. */
static void tiny_case(uint64_t *s, bx_ctx *ctx, bx_engine *e, agreement *ag)
{
    int nbox = pick(s, 2, 4);
    bx_catalog *cat = random_catalog(ctx, s, nbox, 4, 12, 40, true);
    order_buf o;
    o.n = 0;
    int units = pick(s, 1, 5);
    while (units > 0) {
        int32_t qty = pick(s, 1, units < 2 ? units : 2);
        bx_order_line *x = add_line(&o, qty, pick(s, 1, 8), pick(s, 1, 8), pick(s, 1, 8),
                                    pick(s, 1, 12), (bx_rotation)pick(s, 0, 2));
        if (chance(s, 15))
            set_fragile(x);
        if (chance(s, 8))
            set_alone(x);
        else if (chance(s, 12))
            set_group(x, 0);
        units -= qty;
    }
    ex_unit u[EX_MAX_UNITS];
    int n = 0;
    for (size_t i = 0; i < o.n; i++) {
        const bx_order_line *l = &o.lines[i];
        for (int k = 0; k < l->qty; k++)
            u[n++] = (ex_unit){{l->l_mm, l->w_mm, l->h_mm}, l->rotation, l->fragile, l->alone,
                               l->group[0] ? 0 : -1, l->weight_g};
    }
    ex_box boxes[EX_MAX_BOXES];
    for (int k = 0; k < nbox; k++) {
        const bx_box *b = bx_catalog_box(cat, (size_t)k);
        boxes[k] = (ex_box){b->inner_l_mm, b->inner_w_mm, b->inner_h_mm, payload(b), b->stock};
    }
    ex_solution best;
    if (!ex_min_boxes(u, n, boxes, nbox, &best)) {
        bx_catalog_free(cat);
        return; /* some unit or the group cannot be packed at all */
    }
    const bx_pack_result *r;
    pack_or_fail(e, ctx, cat, &o, &r);
    check_result(ctx, cat, &o, r, "tiny case");
    ag->cases++;
    char desc[1024], cat_desc[256];
    describe(&o, desc, sizeof desc);
    size_t at = 0;
    for (int k = 0; k < nbox && at < sizeof cat_desc; k++) {
        at += (size_t)snprintf(cat_desc + at, sizeof cat_desc - at, "%s%dx%dx%d/%lldg",
                               k ? ", " : "", boxes[k].L, boxes[k].W, boxes[k].H,
                               (long long)boxes[k].payload_g);
        if (boxes[k].stock >= 0 && at < sizeof cat_desc)
            at += (size_t)snprintf(cat_desc + at, sizeof cat_desc - at, "/stock %lld",
                                   (long long)boxes[k].stock);
    }
    if (r->nunpacked > 0) {
        /* possible only through stock: the engine spent a scarce box type
         * where the optimum did not */
        ag->unpacked++;
        print_message("units left unpacked: %zu entries, optimum packs all in %d boxes; "
                      "catalog %s; order %s\n", r->nunpacked, best.nboxes, cat_desc, desc);
    } else if ((int)r->nboxes < best.nboxes) {
        fail_msg("engine: %zu boxes where the optimum is %d\ncatalog: %s\norder: %s", r->nboxes,
                 best.nboxes, cat_desc, desc);
    } else if ((int)r->nboxes > best.nboxes) {
        ag->count_worse++;
        print_message("more boxes than needed: %zu, optimum %d; catalog %s; order %s\n",
                      r->nboxes, best.nboxes, cat_desc, desc);
    } else if (r->total_inner_volume_mm3 > best.volume) {
        ag->volume_worse++;
        if (best.nboxes == 1)
            print_message("bigger box than needed: %lld mm3, smallest %lld; catalog %s; order %s\n",
                          (long long)r->total_inner_volume_mm3, (long long)best.volume, cat_desc,
                          desc);
    }
    if (r->nunpacked == 0 && r->lower_bound > (uint32_t)best.nboxes)
        fail_msg("the engine's lower bound %u is above the optimum %d: catalog %s; order %s",
                 r->lower_bound, best.nboxes, cat_desc, desc);
    if (r->nunpacked == 0 && (int)r->nboxes == best.nboxes && r->total_inner_volume_mm3 < best.volume)
        fail_msg("engine beats the exhaustive optimum (%lld < %lld mm3): catalog %s; order %s",
                 (long long)r->total_inner_volume_mm3, (long long)best.volume, cat_desc, desc);
    if (best.nboxes == 1) {
        ag->single_box_cases++;
        if (r->nboxes != 1 || r->total_inner_volume_mm3 != best.volume)
            ag->single_box_wrong++;
    }
    bx_catalog_free(cat);
}

static void test_tiny_cases_against_exact(void **state)
{
    (void)state;
    bx_ctx *ctx;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_engine *e;
    assert_int_equal(bx_engine_new(ctx, &e, NULL), BX_OK);
    uint64_t s = 99;
    agreement ag = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 600; i++)
        tiny_case(&s, ctx, e, &ag);
    print_message("tiny cases: %d; units left unpacked (stock) in %d, more boxes than the "
                  "optimum in %d, same count but more volume in %d; one-box optima %d, engine's "
                  "box not the smallest in %d\n",
                  ag.cases, ag.unpacked, ag.count_worse, ag.volume_worse, ag.single_box_cases,
                  ag.single_box_wrong);
    assert_true(ag.cases >= 300);
    /* The engine is a heuristic under a work budget; these rates are what
     * it reaches today (see the report printed above) with some slack. */
    assert_true((ag.count_worse + ag.unpacked) * 100 <= ag.cases * 2);
    assert_true(ag.single_box_wrong * 100 <= ag.single_box_cases * 3);
    bx_engine_free(e);
    bx_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_packer_self_check),
        cmocka_unit_test(test_reasons_by_construction),
        cmocka_unit_test(test_sample_catalog),
        cmocka_unit_test(test_random_catalogs),
        cmocka_unit_test(test_random_rules),
        cmocka_unit_test(test_tiny_cases_against_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
