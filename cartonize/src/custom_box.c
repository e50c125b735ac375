/*
 * custom_box.c: made-to-measure boxes. A catalog entry with custom = 1 is a
 * box-making machine (or a roll of board): it cuts any inner size between
 * min_*_mm and inner_*_mm in steps of step_mm.
 *
 * The engine's search chooses among box types; it does not shape a box.
 * So an order is packed into a handful of size variants of the machine
 * (its largest box; one layer as high as the tallest unit lies; a square
 * footprint of that height for the order's volume; a cube of that volume),
 * the engine picks the smallest variant that holds the contents in the
 * fewest boxes, and each box is then cut to the bounding box of its
 * placements rounded up to the step. Stock sizes are packed on their own
 * first; the better answer (fewest units left out, fewest boxes, then the
 * objective) is kept, so a mixed catalog chooses per order. Units that
 * answer leaves out but another entry takes are packed the same way on
 * their own and added (a unit too large for the stock sizes goes to a
 * machine, one too heavy for the machine to a stock size).
 */
#include <stdio.h>
#include <string.h>

#include "custom_box.h"
#include "engine.h"
#include "pack_emit.h"

#define NVARIANTS 7

typedef struct slot {
    bx_packed_box *boxes;
    size_t boxes_cap, nboxes;
    bx_placement *place;
    size_t place_cap, nplace;
    bx_unpacked *unp;
    size_t unp_cap, nunp;
    bx_box *cut;          /* per box: the cut record (made-to-measure slot) */
    size_t cut_cap;
    uint32_t lower_bound;
    uint64_t work;
    uint64_t unpacked_units;
    double measure;
} slot;

struct bxi_pk_custom {
    bool active;          /* inside bxi_pk_custom_pack: bx_pack packs plainly */
    bx_catalog *variants; /* NVARIANTS boxes, rebuilt in place per order */
    unsigned char *mask;  /* per catalog box */
    unsigned char vmask[NVARIANTS]; /* the variant being packed */
    bx_order_line *flat;  /* the order with `any` units laid flat */
    size_t flat_cap;
    size_t mask_cap;
    slot s[4];            /* stock, best machine so far, machine being tried,
                             the order's packing with units added (mixing) */
    bx_order_line *sub;   /* one box's units, as an order (shrink) */
    size_t sub_cap;
    uint32_t *idx;        /* shrink: per order line, its sub line; per sub
                             line, its order line and first unit id */
    size_t idx_cap;
    bx_order_line *left;  /* the units left out that another entry takes */
    size_t left_cap;
    uint32_t *lidx;       /* as idx, for left */
    size_t lidx_cap;
    int64_t *stock_left;  /* per catalog box: stock after the kept boxes */
    size_t stock_cap;
    uint64_t *used;       /* per catalog box: a slot's boxes of it */
    size_t used_cap;
    bx_pack_result result;
};

bool bxi_pk_custom_wanted(const bx_engine *e, const bx_catalog *cat)
{
    if (e->custom != NULL && e->custom->active)
        return false;
    size_t n = bx_catalog_count(cat);
    for (size_t k = 0; k < n; k++)
        if (bx_catalog_box(cat, k)->custom)
            return true;
    return false;
}

static void free_slot(bx_ctx *ctx, slot *s)
{
    bx_free(ctx, s->boxes);
    bx_free(ctx, s->place);
    bx_free(ctx, s->unp);
    bx_free(ctx, s->cut);
}

void bxi_pk_custom_free(bx_ctx *ctx, bxi_pk_custom *c)
{
    if (c == NULL)
        return;
    bx_catalog_free(c->variants);
    bx_free(ctx, c->mask);
    bx_free(ctx, c->flat);
    bx_free(ctx, c->sub);
    bx_free(ctx, c->idx);
    bx_free(ctx, c->left);
    bx_free(ctx, c->lidx);
    bx_free(ctx, c->stock_left);
    bx_free(ctx, c->used);
    for (int i = 0; i < 4; i++)
        free_slot(ctx, &c->s[i]);
    bx_free(ctx, c);
}

static int32_t clamp32(int64_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

static int32_t min_dim(const bx_box *m, int axis)
{
    if ((m->has & BX_BOX_HAS_MIN) == 0)
        return 1;
    return axis == 0 ? m->min_l_mm : axis == 1 ? m->min_w_mm : m->min_h_mm;
}

static int32_t max_dim(const bx_box *m, int axis)
{
    return axis == 0 ? m->inner_l_mm : axis == 1 ? m->inner_w_mm : m->inner_h_mm;
}

/* Round a needed length up to the machine's step, within its range. A
 * length above the range is returned as it is (the caller never asks). */
static int32_t cut_length(const bx_box *m, int axis, int64_t need)
{
    int64_t step = (m->has & BX_BOX_HAS_STEP) ? m->step_mm : 1;
    int64_t lo = min_dim(m, axis), hi = max_dim(m, axis);
    if (need < lo)
        need = lo;
    int64_t v = pk_ceil_div(need, step) * step;
    return (int32_t)(v > hi ? (need > hi ? need : hi) : v);
}

/* Board grams of area mm^2 of box b's board (0 without a grammage). */
static int64_t board_g(const bx_box *b, int64_t area)
{
    if ((b->has & BX_BOX_HAS_GRAMMAGE) == 0 || area < 0)
        return 0;
    /* g/m^2 * mm^2 / 1e6, rounded half up */
    return (area * b->grammage_g_m2 + 500000) / 1000000;
}

int64_t bxi_pk_custom_board_g(const bx_box *cut)
{
    return board_g(cut, bxi_pk_board_area_mm2(cut));
}

void bxi_pk_custom_cut(const bx_box *m, const int32_t dims[3], bx_box *out)
{
    *out = *m;
    out->inner_l_mm = dims[0];
    out->inner_w_mm = dims[1];
    out->inner_h_mm = dims[2];
    int32_t al = 0, aw = 0, ah = 0;
    if (m->has & BX_BOX_HAS_OUTER) {
        al = m->outer_l_mm - m->inner_l_mm;
        aw = m->outer_w_mm - m->inner_w_mm;
        ah = m->outer_h_mm - m->inner_h_mm;
    }
    out->outer_l_mm = dims[0] + al;
    out->outer_w_mm = dims[1] + aw;
    out->outer_h_mm = dims[2] + ah;
    out->has |= BX_BOX_HAS_OUTER;
    char id[BX_ID_MAX];
    int len = snprintf(id, sizeof id, ":%dx%dx%d", dims[0], dims[1], dims[2]);
    size_t keep = strlen(m->box_id);
    if (keep + (size_t)len >= sizeof id) {
        keep = sizeof id - 1 - (size_t)len;
        while (keep > 0 && ((unsigned char)m->box_id[keep] & 0xC0) == 0x80)
            keep--; /* not inside a UTF-8 character */
    }
    memcpy(out->box_id, m->box_id, keep);
    memcpy(out->box_id + keep, id, (size_t)len + 1);
    int64_t board = bxi_pk_custom_board_g(out);
    if (m->has & BX_BOX_HAS_GRAMMAGE) {
        out->material_mass_g = board;
        out->has |= BX_BOX_HAS_MATERIAL_MASS;
        if (board < m->max_weight_g) {
            out->tare_g = board;
            out->has |= BX_BOX_HAS_TARE;
        }
    }
    if (m->has & BX_BOX_HAS_COST_M2) {
        double area_m2 = (double)bxi_pk_board_area_mm2(out) / 1e6;
        out->cost = ((m->has & BX_BOX_HAS_COST) ? m->cost : 0.0) + m->cost_per_m2 * area_m2;
        out->has |= BX_BOX_HAS_COST;
    }
}

/* The measure of one box under the objective; a cut box of machine k scales
 * the caller's per-box CO2e or measure by its board area over the machine's
 * largest box. */
static double box_measure(const bx_pack_options *o, const bx_box *b, const bx_box *m,
                          uint32_t k)
{
    double scale = 1.0;
    if (m != NULL) {
        bx_box full;
        const int32_t dims[3] = {m->inner_l_mm, m->inner_w_mm, m->inner_h_mm};
        bxi_pk_custom_cut(m, dims, &full);
        double a = (double)bxi_pk_board_area_mm2(&full);
        scale = a > 0 ? (double)bxi_pk_board_area_mm2(b) / a : 1.0;
    }
    switch (o->objective) {
    case BX_OBJECTIVE_MATERIAL:
        if (b->has & BX_BOX_HAS_MATERIAL_MASS)
            return (double)b->material_mass_g;
        return (b->has & BX_BOX_HAS_TARE) ? (double)b->tare_g : 0.0;
    case BX_OBJECTIVE_COST:
        return (b->has & BX_BOX_HAS_COST) ? b->cost : 0.0;
    case BX_OBJECTIVE_CO2E:
        return o->box_co2e_g[k] * scale;
    case BX_OBJECTIVE_CUSTOM:
        return o->box_measure[k] * scale;
    default:
        return (double)pk_inner_volume(b);
    }
}

/* Copy an engine result into a slot. */
static bx_status save(bx_ctx *ctx, slot *s, const bx_pack_result *r)
{
    bx_status st = bxi_grow(ctx, (void **)&s->boxes, &s->boxes_cap, r->nboxes + 1,
                            sizeof *s->boxes, SIZE_MAX / 1024, "boxes");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&s->cut, &s->cut_cap, r->nboxes + 1, sizeof *s->cut,
                      SIZE_MAX / 1024, "boxes");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&s->place, &s->place_cap, r->nplacements + 1,
                      sizeof *s->place, SIZE_MAX / 1024, "placements");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&s->unp, &s->unp_cap, r->nunpacked + 1, sizeof *s->unp,
                      SIZE_MAX / 1024, "unpacked entries");
    if (st != BX_OK)
        return st;
    if (r->nboxes > 0)
        memcpy(s->boxes, r->boxes, r->nboxes * sizeof *s->boxes);
    if (r->nplacements > 0)
        memcpy(s->place, r->placements, r->nplacements * sizeof *s->place);
    if (r->nunpacked > 0)
        memcpy(s->unp, r->unpacked, r->nunpacked * sizeof *s->unp);
    s->nboxes = r->nboxes;
    s->nplace = r->nplacements;
    s->nunp = r->nunpacked;
    s->lower_bound = r->lower_bound;
    s->work = r->work;
    s->unpacked_units = bxi_pk_unpacked_units(r);
    return BX_OK;
}

static bool fixed_in(const bx_order *order, const bx_pack_options *o, const bx_placement *ps,
                     size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rule = o->rotation_override >= 0 ? o->rotation_override
                                            : (int)order->lines[ps[i].line].rotation;
        if (rule == BX_ROTATE_FIXED)
            return true;
    }
    return false;
}

/* Whether a unit of the order must stay as given (then no box of it is
 * turned when cut). */
static bool any_fixed(const bx_order *order, const bx_pack_options *o)
{
    for (size_t i = 0; i < order->nlines; i++) {
        int rule = o->rotation_override >= 0 ? o->rotation_override
                                            : (int)order->lines[i].rotation;
        if (rule == BX_ROTATE_FIXED)
            return true;
    }
    return false;
}

/* Whether the box machine m cuts for contents of extents ext, turned a
 * quarter about the vertical, takes less board than the one cut for them
 * as they lie. */
static int64_t cut_area(const bx_box *m, int64_t l, int64_t w, int64_t h)
{
    /* the outer size as bxi_pk_custom_cut makes it, without the record */
    int64_t d[3] = {cut_length(m, 0, l), cut_length(m, 1, w), cut_length(m, 2, h)};
    if (m->has & BX_BOX_HAS_OUTER) {
        d[0] += m->outer_l_mm - m->inner_l_mm;
        d[1] += m->outer_w_mm - m->inner_w_mm;
        d[2] += m->outer_h_mm - m->inner_h_mm;
    }
    return bxi_pk_board_area_of(d[0], d[1], d[2]);
}

static bool turn_saves_board(const bx_box *m, const int64_t ext[3])
{
    return cut_area(m, ext[1], ext[0], ext[2]) < cut_area(m, ext[0], ext[1], ext[2]);
}

/* Cut every box of slot s (packed in the variants of machine m, catalog
 * index k) to its contents. */
static void cut_boxes(slot *s, const bx_box *m, uint32_t k, const bx_order *order,
                      const bx_pack_options *o)
{
    s->measure = 0;
    for (size_t b = 0; b < s->nboxes; b++) {
        bx_packed_box *pb = &s->boxes[b];
        bx_placement *ps = s->place + pb->first_placement;
        int64_t ext[3] = {0, 0, 0};
        for (size_t i = 0; i < pb->nplacements; i++) {
            const bx_placement *p = &ps[i];
            int64_t e3[3] = {(int64_t)p->x_mm + p->l_mm, (int64_t)p->y_mm + p->w_mm,
                             (int64_t)p->z_mm + p->h_mm};
            for (int a = 0; a < 3; a++)
                if (e3[a] > ext[a])
                    ext[a] = e3[a];
        }
        /* A wide box takes less board than a deep one of the same
         * volume ((2l + 2w + 30)(h + w)): turn the contents a quarter
         * about the vertical so the width is the shorter side, when no
         * unit must stay as given, the machine makes that size and the
         * turned cut does take less board (a machine's least width can
         * make it larger, and heavier than the variant the contents were
         * weighed against). */
        if (ext[1] <= m->inner_l_mm && ext[0] <= m->inner_w_mm &&
            !fixed_in(order, o, ps, pb->nplacements) && turn_saves_board(m, ext)) {
            for (size_t i = 0; i < pb->nplacements; i++) {
                bx_placement *p = &ps[i];
                int32_t x = p->x_mm, l = p->l_mm;
                p->x_mm = p->y_mm;
                p->l_mm = p->w_mm;
                p->y_mm = (int32_t)(ext[0] - x - l);
                p->w_mm = l;
            }
            int64_t t = ext[0];
            ext[0] = ext[1];
            ext[1] = t;
        }
        int32_t dims[3];
        for (int a = 0; a < 3; a++)
            dims[a] = cut_length(m, a, ext[a]);
        /* a fill limit holds on the cut box: raise it a step at a time */
        while (o->max_fill_pct > 0 &&
               pb->item_volume_mm3 * 100 >
                   (int64_t)o->max_fill_pct * dims[0] * (int64_t)dims[1] * dims[2] &&
               dims[2] < m->inner_h_mm)
            dims[2] = cut_length(m, 2, (int64_t)dims[2] + 1);
        bxi_pk_custom_cut(m, dims, &s->cut[b]);
        pb->box_index = k;
        pb->box = &s->cut[b];
        pb->inner_volume_mm3 = pk_inner_volume(&s->cut[b]);
        pb->gross_weight_g = pb->items_weight_g +
                             ((s->cut[b].has & BX_BOX_HAS_TARE) ? s->cut[b].tare_g : 0);
        pb->fill_pct = pb->inner_volume_mm3 > 0
                           ? 100.0 * (double)pb->item_volume_mm3 / (double)pb->inner_volume_mm3
                           : 0.0;
        pb->void_pct = 100.0 - pb->fill_pct;
        s->measure += box_measure(o, pb->box, m, k);
    }
}

/* What the order's units need, under their rotation rules: the largest
 * of their smallest vertical extents (hmin), the largest footprint any unit
 * needs at the least (foot_a >= foot_b, the unit lying as flat as it may),
 * and their total volume. */
typedef struct order_need {
    int64_t hmin, foot_a, foot_b, volume;
} order_need;

static order_need order_shape(const bx_order *order, const bx_pack_options *o)
{
    order_need n = {1, 1, 1, 0};
    for (size_t i = 0; i < order->nlines; i++) {
        const bx_order_line *l = &order->lines[i];
        int rule = o->rotation_override >= 0 ? o->rotation_override : (int)l->rotation;
        int64_t d[3] = {l->l_mm, l->w_mm, l->h_mm};
        int64_t h = d[2], a = d[0] > d[1] ? d[0] : d[1], b = d[0] > d[1] ? d[1] : d[0];
        if (rule == BX_ROTATE_ANY) {
            /* sorted: d[0] >= d[1] >= d[2]; flat is the smallest up */
            for (int x = 0; x < 2; x++)
                for (int y = 0; y < 2 - x; y++)
                    if (d[y] < d[y + 1]) {
                        int64_t t = d[y];
                        d[y] = d[y + 1];
                        d[y + 1] = t;
                    }
            a = d[0];
            b = d[1];
            h = d[2];
        }
        if (h > n.hmin)
            n.hmin = h;
        if (a > n.foot_a)
            n.foot_a = a;
        if (b > n.foot_b)
            n.foot_b = b;
        /* capped: no machine holds more than 1e15 mm^3 (100 m sides), and
         * a line's qty may be large */
        const int64_t cap = INT64_C(1000000000000000);
        int64_t unit = d[0] * d[1] * d[2];
        n.volume = unit > 0 && l->qty > (cap - n.volume) / unit ? cap
                                                                : n.volume + unit * l->qty;
    }
    return n;
}

/* The least r >= 1 with r^k >= v (k 2 or 3; v at most 1e15, so r^k fits). */
static int64_t root_up(int64_t v, int k)
{
    int64_t lo = 1, hi = k == 2 ? 40000000 : 200000;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2, p = mid * mid;
        if (k == 3)
            p *= mid;
        if (p >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static bx_status ensure_variants(bx_engine *e, bxi_pk_custom *c)
{
    if (c->variants != NULL)
        return BX_OK;
    bx_box v[NVARIANTS];
    for (int i = 0; i < NVARIANTS; i++) {
        bx_box_init(&v[i]);
        snprintf(v[i].box_id, sizeof v[i].box_id, "v%d", i);
        v[i].inner_l_mm = v[i].inner_w_mm = v[i].inner_h_mm = 1;
        v[i].max_weight_g = 1;
    }
    return bx_catalog_new(e->ctx, &c->variants, v, NVARIANTS);
}

/* Variant i of machine m is the size d, its tare that of the box the
 * machine cuts for d (each side rounded up to its step and raised to its
 * least size, as cut_boxes does), or for d turned a quarter when the units
 * may turn and that is lighter (cut_boxes then turns contents that fit
 * turned): no box cut from it weighs more, so the weight limit holds for
 * the cut box. */
static void set_variant(bxi_pk_custom *c, size_t i, const bx_box *m, const int32_t d[3],
                        bool turnable)
{
    bx_box *v = bxi_catalog_box_mut(c->variants, i);
    v->inner_l_mm = d[0];
    v->inner_w_mm = d[1];
    v->inner_h_mm = d[2];
    v->max_weight_g = m->max_weight_g;
    int64_t area = cut_area(m, d[0], d[1], d[2]);
    if (turnable && d[1] <= m->inner_l_mm && d[0] <= m->inner_w_mm) {
        int64_t turned = cut_area(m, d[1], d[0], d[2]);
        if (turned < area)
            area = turned;
    }
    int64_t board = board_g(m, area);
    v->tare_g = board < m->max_weight_g ? board : m->max_weight_g;
    if ((m->has & BX_BOX_HAS_TARE) && m->tare_g > v->tare_g && m->tare_g < m->max_weight_g)
        v->tare_g = m->tare_g;
    v->has = v->tare_g > 0 ? BX_BOX_HAS_TARE : 0;
}

/* Shape the variants of machine m for this order: its largest box; one
 * layer as high as the highest unit lies; a square footprint of that
 * height for the order's volume; a cube of that volume; a stack on the
 * largest unit's footprint; two such stacks side by side; one layer on
 * that footprint (a lone unit's own box). Each is clamped
 * to what the machine makes. Returns how many differ (the first n). */
static int shape_variants(bxi_pk_custom *c, const bx_box *m, const bx_order *order,
                          const bx_pack_options *o)
{
    order_need nd = order_shape(order, o);
    int64_t H = nd.hmin < m->inner_h_mm ? nd.hmin : m->inner_h_mm;
    /* room to spare for the gaps between units: 15 % on the side of the
     * square, 25 % on the cube's (integers, so every machine agrees) */
    int64_t side = pk_ceil_div(root_up(pk_ceil_div(nd.volume, H), 2) * 115, 100);
    int64_t cube = pk_ceil_div(root_up(nd.volume, 3) * 125, 100);
    const int64_t dims[NVARIANTS][3] = {
        {m->inner_l_mm, m->inner_w_mm, m->inner_h_mm},
        {m->inner_l_mm, m->inner_w_mm, H},
        {side, side, H},
        {cube, cube, cube},
        {nd.foot_a, nd.foot_b, m->inner_h_mm},
        {2 * nd.foot_b > nd.foot_a ? 2 * nd.foot_b : nd.foot_a,
         2 * nd.foot_b > nd.foot_a ? nd.foot_a : nd.foot_b * 2, m->inner_h_mm},
        {nd.foot_a, nd.foot_b, H},
    };
    /* A variant smaller than the units' volume cannot hold them in one
     * box, and more boxes lose to one: leave it out when the largest can. */
    int64_t biggest = (int64_t)m->inner_l_mm * m->inner_w_mm * m->inner_h_mm;
    int n = 0;
    for (int i = 0; i < NVARIANTS; i++) {
        int32_t d[3];
        for (int a = 0; a < 3; a++)
            d[a] = clamp32(dims[i][a], min_dim(m, a), max_dim(m, a));
        if (biggest >= nd.volume && (int64_t)d[0] * d[1] * d[2] < nd.volume)
            continue;
        bool seen = false;
        for (int j = 0; j < n && !seen; j++) {
            const bx_box *v = bx_catalog_box(c->variants, (size_t)j);
            seen = v->inner_l_mm == d[0] && v->inner_w_mm == d[1] && v->inner_h_mm == d[2];
        }
        if (seen)
            continue;
        set_variant(c, (size_t)n++, m, d, !any_fixed(order, o));
    }
    return n;
}

/* The order with every unit that may turn any way laid flat and kept
 * upright: its longest side along the length, its shortest up. A packing
 * of it is a packing of the order (each placed extent is a permutation of
 * the unit's), and the engine, left to choose among six orientations in a
 * tall variant, often stands thin units on edge. *flat_order is the order
 * itself when no unit may turn. */
static bx_status lay_flat(bx_engine *e, bxi_pk_custom *c, const bx_order *order,
                          const bx_pack_options *o, bx_order *flat_order, int *override)
{
    *flat_order = *order;
    *override = o->rotation_override;
    if (o->rotation_override > BX_ROTATE_ANY)
        return BX_OK;
    bool any = false;
    for (size_t i = 0; i < order->nlines && !any; i++)
        any = o->rotation_override == BX_ROTATE_ANY ||
              order->lines[i].rotation == BX_ROTATE_ANY;
    if (!any)
        return BX_OK;
    bx_status st = bxi_grow(e->ctx, (void **)&c->flat, &c->flat_cap, order->nlines,
                            sizeof *c->flat, SIZE_MAX / sizeof *c->flat, "order lines");
    if (st != BX_OK)
        return st;
    for (size_t i = 0; i < order->nlines; i++) {
        bx_order_line *l = &c->flat[i];
        *l = order->lines[i];
        if (o->rotation_override != BX_ROTATE_ANY && l->rotation != BX_ROTATE_ANY)
            continue;
        int32_t d[3] = {l->l_mm, l->w_mm, l->h_mm};
        for (int x = 0; x < 2; x++)
            for (int y = 0; y < 2 - x; y++)
                if (d[y] < d[y + 1]) {
                    int32_t t = d[y];
                    d[y] = d[y + 1];
                    d[y + 1] = t;
                }
        l->l_mm = d[0];
        l->w_mm = d[1];
        l->h_mm = d[2];
        l->rotation = BX_ROTATE_UPRIGHT;
        l->has |= BX_LINE_HAS_ROTATION;
    }
    flat_order->lines = c->flat;
    *override = -1;
    return BX_OK;
}

/* Is a better than b: fewer units left out, fewer boxes, less measure. */
static bool better(const slot *a, const slot *b)
{
    if (a->unpacked_units != b->unpacked_units)
        return a->unpacked_units < b->unpacked_units;
    if (a->nboxes != b->nboxes)
        return a->nboxes < b->nboxes;
    return a->measure < b->measure;
}

static void swap_slots(slot *a, slot *b)
{
    slot t = *a;
    *a = *b;
    *b = t;
}

static bx_status run(bx_engine *e, bxi_pk_custom *c, const bx_catalog *cat,
                     const bx_order *order, const bx_pack_options *o, slot *s)
{
    const bx_pack_result *r = NULL;
    c->active = true;
    bx_status st = bx_pack(e, cat, order, o, &r);
    c->active = false;
    if (st != BX_OK)
        return st;
    return save(e->ctx, s, r);
}

/* Shrinking the cut boxes: at most this many engine calls per order, so
 * the call a packing machine makes per order stays within its time. */
#define SHRINK_PROBES 6
/* each with this share of the work budget: a packing that fits is found
 * early, and a size that cannot hold the units should not cost much */
#define SHRINK_SHARE 64

/* The units of box b of slot s as an order of their own (c->sub), with
 * c->idx holding, per sub line, its order line (s2l), the offset of its
 * unit ids (off) and the unit ids (uids). */
typedef struct sub_order {
    bx_order order;
    uint32_t *s2l, *off, *uids;
} sub_order;

static bx_status build_sub(bx_ctx *ctx, bxi_pk_custom *c, const slot *s, size_t b,
                           const bx_order *order, sub_order *so)
{
    const bx_packed_box *pb = &s->boxes[b];
    size_t np = pb->nplacements, nl = order->nlines;
    bx_status st = bxi_grow(ctx, (void **)&c->sub, &c->sub_cap, np, sizeof *c->sub,
                            SIZE_MAX / sizeof *c->sub, "order lines");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&c->idx, &c->idx_cap, nl + 4 * np, sizeof *c->idx,
                      SIZE_MAX / 8, "order lines");
    if (st != BX_OK)
        return st;
    uint32_t *l2s = c->idx, *fill = c->idx + nl + 3 * np;
    so->s2l = c->idx + nl;
    so->off = so->s2l + np;
    so->uids = so->off + np;
    for (size_t i = 0; i < nl; i++)
        l2s[i] = UINT32_MAX;
    const bx_placement *ps = s->place + pb->first_placement;
    uint32_t nsub = 0;
    for (size_t i = 0; i < np; i++) {
        uint32_t line = ps[i].line;
        if (l2s[line] == UINT32_MAX) {
            l2s[line] = nsub;
            so->s2l[nsub] = line;
            c->sub[nsub] = order->lines[line];
            c->sub[nsub].qty = 0;
            fill[nsub] = 0;
            nsub++;
        }
        c->sub[l2s[line]].qty++;
    }
    uint32_t at = 0;
    for (uint32_t j = 0; j < nsub; j++) {
        so->off[j] = at;
        at += (uint32_t)c->sub[j].qty;
    }
    for (size_t i = 0; i < np; i++) {
        uint32_t j = l2s[ps[i].line];
        so->uids[so->off[j] + fill[j]++] = ps[i].unit;
    }
    so->order.lines = c->sub;
    so->order.nlines = nsub;
    return BX_OK;
}

/* The least extent the box's units can take along axis a (0, 1: across
 * the floor; 2: up), as their rules let them lie. */
static int64_t least_extent(const bx_order *sub, int override, int a)
{
    int64_t most = 1;
    for (size_t i = 0; i < sub->nlines; i++) {
        const bx_order_line *l = &sub->lines[i];
        int rule = override >= 0 ? override : (int)l->rotation;
        int64_t v;
        if (rule == BX_ROTATE_ANY) {
            int64_t m = l->l_mm < l->w_mm ? l->l_mm : l->w_mm;
            v = m < l->h_mm ? m : l->h_mm;
        } else if (a == 2) {
            v = l->h_mm;
        } else if (rule == BX_ROTATE_UPRIGHT) {
            v = l->l_mm < l->w_mm ? l->l_mm : l->w_mm;
        } else {
            v = a == 0 ? l->l_mm : l->w_mm;
        }
        if (v > most)
            most = v;
    }
    return most;
}

/* Make each cut box of slot s (machine m) smaller while the engine still
 * packs its units into one box of the smaller size: one axis at a time,
 * the width first (it takes most board per mm in a FEFCO 0201 blank), by
 * bisection between the least extent the units allow and the cut, under
 * SHRINK_PROBES engine calls in all. A box that shrinks gets the new
 * packing; the caller cuts the boxes again. */
static bx_status shrink(bx_engine *e, bxi_pk_custom *c, const bx_box *m, slot *s,
                        const bx_order *order, const bx_pack_options *options, int override,
                        uint64_t budget, uint64_t *work, bool *changed)
{
    int probes = SHRINK_PROBES;
    static const int axes[3] = {1, 2, 0};
    for (size_t b = 0; b < s->nboxes && probes > 0; b++) {
        bx_packed_box *pb = &s->boxes[b];
        if (pb->nplacements < 2)
            continue; /* one unit: its cut is its own size */
        sub_order so;
        bx_status st = build_sub(e->ctx, c, s, b, order, &so);
        if (st != BX_OK)
            return st;
        int32_t d[3] = {pb->box->inner_l_mm, pb->box->inner_w_mm, pb->box->inner_h_mm};
        for (int x = 0; x < 3 && probes > 0; x++) {
            int a = axes[x];
            int64_t across = (int64_t)d[(a + 1) % 3] * d[(a + 2) % 3];
            int64_t need = least_extent(&so.order, override, a);
            int64_t by_volume = across > 0 ? pk_ceil_div(pb->item_volume_mm3, across) : 1;
            int32_t lo = cut_length(m, a, need > by_volume ? need : by_volume);
            int32_t hi = d[a];
            while (lo < hi && probes > 0) {
                int32_t mid = cut_length(m, a, ((int64_t)lo + hi) / 2);
                if (mid >= hi)
                    mid = lo;
                int32_t t[3] = {d[0], d[1], d[2]};
                t[a] = mid;
                set_variant(c, 0, m, t, !any_fixed(&so.order, options));
                memset(c->vmask, 0, sizeof c->vmask);
                c->vmask[0] = 1;
                bx_pack_options o = *options;
                o.objective = BX_OBJECTIVE_VOLUME;
                o.box_allowed = c->vmask;
                o.stock = NULL;
                o.box_co2e_g = NULL;
                o.box_measure = NULL;
                o.budget = budget;
                o.rotation_override = override;
                probes--;
                st = run(e, c, c->variants, &so.order, &o, &c->s[2]);
                if (st != BX_OK)
                    return st;
                *work += c->s[2].work;
                if (c->s[2].nboxes == 1 && c->s[2].unpacked_units == 0 &&
                    c->s[2].nplace == pb->nplacements) {
                    bx_placement *dst = s->place + pb->first_placement;
                    for (size_t i = 0; i < c->s[2].nplace; i++) {
                        bx_placement q = c->s[2].place[i];
                        uint32_t j = q.line;
                        q.line = so.s2l[j];
                        q.unit = so.uids[so.off[j] + q.unit];
                        dst[i] = q;
                    }
                    d[a] = mid;
                    hi = mid;
                    *changed = true;
                } else {
                    lo = cut_length(m, a, (int64_t)mid + 1);
                }
            }
        }
    }
    return BX_OK;
}

/* Per catalog box, how many of slot s's boxes are of it (into c->used). */
static const uint64_t *count_used(bxi_pk_custom *c, const slot *s, size_t nbox)
{
    memset(c->used, 0, nbox * sizeof *c->used);
    for (size_t b = 0; b < s->nboxes; b++)
        c->used[s->boxes[b].box_index]++;
    return c->used;
}

/* The reasons a packing of part of the catalog (the stock sizes, or one
 * machine's variants) gives, which the whole catalog may refute. */
static bool partial_reason(bx_unpacked_reason r)
{
    return r == BX_UNPACKED_TOO_LARGE || r == BX_UNPACKED_TOO_HEAVY ||
           r == BX_UNPACKED_NOT_ALLOWED || r == BX_UNPACKED_OUT_OF_STOCK;
}

bool bxi_pk_custom_holds(const bx_box *m, const bx_order_line *l, bx_rotation rule)
{
    static const int perm[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1},
                                   {2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
    const int32_t u[3] = {l->l_mm, l->w_mm, l->h_mm};
    int n = rule == BX_ROTATE_ANY ? 6 : rule == BX_ROTATE_UPRIGHT ? 2 : 1;
    int64_t best = -1;
    for (int i = 0; i < n; i++) {
        int32_t d[3] = {u[perm[i][0]], u[perm[i][1]], u[perm[i][2]]};
        if (d[0] > m->inner_l_mm || d[1] > m->inner_w_mm || d[2] > m->inner_h_mm)
            continue;
        int32_t dims[3] = {cut_length(m, 0, d[0]), cut_length(m, 1, d[1]),
                           cut_length(m, 2, d[2])};
        bx_box cut;
        bxi_pk_custom_cut(m, dims, &cut);
        int64_t t = (m->has & BX_BOX_HAS_GRAMMAGE) ? bxi_pk_custom_board_g(&cut)
                    : (m->has & BX_BOX_HAS_TARE)   ? m->tare_g
                                                   : 0;
        if (best < 0 || t < best)
            best = t;
    }
    return best >= 0 && (int64_t)l->weight_g + best <= m->max_weight_g;
}

/* Why no entry of the whole catalog takes a unit of line l on its own,
 * with used[k] boxes of each type used, as the validator judges it: too
 * large, too heavy, else the entry's own reason when true, else not
 * allowed or out of stock; 0 when an entry the order may use, with stock
 * left, takes the unit. */
static int whole_catalog_reason(const bx_order_line *l, bx_unpacked_reason given,
                                const bx_catalog *cat, const bx_pack_options *o,
                                const uint64_t *used)
{
    bx_rotation rule = o->rotation_override >= 0 ? (bx_rotation)o->rotation_override : l->rotation;
    bxi_pk_unit_facts f = bxi_pk_unit_facts_of(l, rule, cat, o, used);
    if (!f.fits)
        return BX_UNPACKED_TOO_LARGE;
    if (!f.holds)
        return BX_UNPACKED_TOO_HEAVY;
    if (given == BX_UNPACKED_NOT_ALLOWED ? !f.allowed
                                         : given == BX_UNPACKED_OUT_OF_STOCK && !f.in_stock)
        return (int)given;
    if (!f.allowed)
        return BX_UNPACKED_NOT_ALLOWED;
    if (!f.in_stock)
        return BX_UNPACKED_OUT_OF_STOCK;
    return 0;
}

/* Restate slot s's partial reasons against the whole catalog; the number
 * of units some entry would take. When last, such units are left to the
 * budget: the packings of every part of the catalog had them and did not
 * place them. */
static uint64_t restate_reasons(bxi_pk_custom *c, slot *s, const bx_catalog *cat,
                                const bx_order *order, const bx_pack_options *o, bool last)
{
    const uint64_t *used = count_used(c, s, bx_catalog_count(cat));
    uint64_t takeable = 0;
    for (size_t i = 0; i < s->nunp; i++) {
        bx_unpacked *u = &s->unp[i];
        if (!partial_reason(u->reason))
            continue;
        int r = whole_catalog_reason(&order->lines[u->line], u->reason, cat, o, used);
        if (r != 0)
            u->reason = (bx_unpacked_reason)r;
        else if (last)
            u->reason = BX_UNPACKED_BUDGET;
        else
            takeable += u->units;
    }
    return takeable;
}

/* Move slot s's units that some entry would take out of its unpacked list
 * into an order of their own (c->left), mapped like build_sub's. */
static bx_status build_left(bx_ctx *ctx, bxi_pk_custom *c, slot *s, const bx_catalog *cat,
                            const bx_order *order, const bx_pack_options *o, sub_order *so)
{
    size_t nl = order->nlines;
    bx_status st = bxi_grow(ctx, (void **)&c->left, &c->left_cap, nl, sizeof *c->left,
                            SIZE_MAX / sizeof *c->left, "order lines");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&c->lidx, &c->lidx_cap, 5 * nl, sizeof *c->lidx,
                      SIZE_MAX / 8, "order lines");
    if (st != BX_OK)
        return st;
    uint32_t *cnt = c->lidx, *l2s = cnt + nl, *first = l2s + nl;
    for (size_t i = 0; i < nl; i++) {
        cnt[i] = 0;
        l2s[i] = UINT32_MAX;
    }
    const uint64_t *used = count_used(c, s, bx_catalog_count(cat));
    size_t keep = 0;
    for (size_t i = 0; i < s->nunp; i++) {
        bx_unpacked u = s->unp[i];
        if (partial_reason(u.reason) &&
            whole_catalog_reason(&order->lines[u.line], u.reason, cat, o, used) == 0)
            cnt[u.line] += u.units;
        else
            s->unp[keep++] = u;
    }
    s->nunp = keep;
    uint32_t nsub = 0;
    uint64_t units = 0, flags = 0;
    for (size_t i = 0; i < nl; i++) {
        if (cnt[i] == 0)
            continue;
        l2s[i] = nsub;
        c->left[nsub] = order->lines[i];
        c->left[nsub].qty = (int)cnt[i];
        first[nsub] = (uint32_t)flags;
        units += cnt[i];
        flags += (uint64_t)order->lines[i].qty;
        cnt[nsub++] = (uint32_t)i; /* cnt[i] is read: from here, the sub line's line */
    }
    if (flags > UINT32_MAX / 2)
        return bxi_error(ctx, BX_ENOMEM, "units: %llu left out, too many to pack again",
                         (unsigned long long)flags);
    st = bxi_grow(ctx, (void **)&c->lidx, &c->lidx_cap, 5 * nl + units + flags, sizeof *c->lidx,
                  SIZE_MAX / 8, "order lines");
    if (st != BX_OK)
        return st;
    cnt = c->lidx;
    l2s = cnt + nl;
    first = l2s + nl;
    so->s2l = first + nl;
    so->off = so->s2l + nl;
    so->uids = so->off + nl;
    uint32_t *placed = so->uids + units;
    memset(placed, 0, flags * sizeof *placed);
    for (size_t i = 0; i < s->nplace; i++) {
        uint32_t j = l2s[s->place[i].line];
        if (j != UINT32_MAX)
            placed[first[j] + s->place[i].unit] = 1;
    }
    uint32_t at = 0;
    for (uint32_t j = 0; j < nsub; j++) {
        uint32_t line = cnt[j];
        so->s2l[j] = line;
        so->off[j] = at;
        uint32_t want = (uint32_t)c->left[j].qty, got = 0;
        for (uint32_t k = 0; k < (uint32_t)order->lines[line].qty && got < want; k++)
            if (!placed[first[j] + k]) {
                so->uids[at++] = k;
                got++;
            }
        c->left[j].qty = (int)got;
    }
    so->order.lines = c->left;
    so->order.nlines = nsub;
    return BX_OK;
}

/* Add slot got's boxes, placements and unpacked entries to slot acc, its
 * lines and units mapped through so (NULL: the same order). */
static bx_status append(bx_ctx *ctx, slot *acc, const slot *got, const sub_order *so,
                        const bx_catalog *cat)
{
    size_t nb = acc->nboxes, np = acc->nplace, nu = acc->nunp;
    bx_status st = bxi_grow(ctx, (void **)&acc->boxes, &acc->boxes_cap, nb + got->nboxes + 1,
                            sizeof *acc->boxes, SIZE_MAX / 1024, "boxes");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&acc->cut, &acc->cut_cap, nb + got->nboxes + 1,
                      sizeof *acc->cut, SIZE_MAX / 1024, "boxes");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&acc->place, &acc->place_cap, np + got->nplace + 1,
                      sizeof *acc->place, SIZE_MAX / 1024, "placements");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&acc->unp, &acc->unp_cap, nu + got->nunp + 1,
                      sizeof *acc->unp, SIZE_MAX / 1024, "unpacked entries");
    if (st != BX_OK)
        return st;
    for (size_t b = 0; b < got->nboxes; b++) {
        acc->boxes[nb + b] = got->boxes[b];
        acc->boxes[nb + b].first_placement += np;
        acc->cut[nb + b] = got->cut[b];
    }
    acc->nboxes = nb + got->nboxes;
    /* a made-to-measure box's record lives in the slot (it may have moved) */
    for (size_t b = 0; b < acc->nboxes; b++)
        if (bx_catalog_box(cat, acc->boxes[b].box_index)->custom)
            acc->boxes[b].box = &acc->cut[b];
    for (size_t i = 0; i < got->nplace; i++) {
        bx_placement q = got->place[i];
        if (so != NULL) {
            uint32_t j = q.line;
            q.line = so->s2l[j];
            q.unit = so->uids[so->off[j] + q.unit];
        }
        acc->place[np + i] = q;
    }
    acc->nplace = np + got->nplace;
    for (size_t i = 0; i < got->nunp; i++) {
        bx_unpacked u = got->unp[i];
        if (so != NULL)
            u.line = so->s2l[u.line];
        acc->unp[nu + i] = u;
    }
    acc->nunp = nu + got->nunp;
    acc->measure += got->measure;
    acc->unpacked_units = 0;
    for (size_t i = 0; i < acc->nunp; i++)
        acc->unpacked_units += acc->unp[i].units;
    return BX_OK;
}

/* The order packed in the stock sizes, and in each machine's variants;
 * the better kept (*best). */
static bx_status pack_part(bx_engine *e, bxi_pk_custom *c, const bx_catalog *cat,
                           const bx_order *order, const bx_pack_options *options,
                           uint64_t *work, slot **bestp)
{
    size_t n = bx_catalog_count(cat);
    const unsigned char *allowed = options->box_allowed;
    bool any_stock = false;
    for (size_t k = 0; k < n; k++) {
        bool ok = allowed == NULL || allowed[k];
        c->mask[k] = ok && !bx_catalog_box(cat, k)->custom;
        any_stock |= c->mask[k] != 0;
    }
    slot *best = NULL;
    bx_status st;
    if (any_stock) {
        bx_pack_options o = *options;
        o.box_allowed = c->mask;
        st = run(e, c, cat, order, &o, &c->s[0]);
        if (st != BX_OK)
            return st;
        slot *s = &c->s[0];
        s->measure = 0;
        for (size_t b = 0; b < s->nboxes; b++)
            s->measure += box_measure(options, s->boxes[b].box, NULL, s->boxes[b].box_index);
        *work += s->work;
        best = s;
    }
    bool have_machine = false;
    for (size_t k = 0; k < n; k++) {
        const bx_box *m = bx_catalog_box(cat, k);
        if (!m->custom || (allowed != NULL && !allowed[k]))
            continue;
        int nv = shape_variants(c, m, order, options);
        bx_order flat;
        int override;
        st = lay_flat(e, c, order, options, &flat, &override);
        if (st != BX_OK)
            return st;
        /* each variant on its own, with an equal share of the budget, so
         * that the cut boxes (not the variants) are compared */
        uint64_t budget = options->budget ? options->budget : e->limits.default_budget;
        for (int i = 0; i < nv; i++) {
            memset(c->vmask, 0, sizeof c->vmask);
            c->vmask[i] = 1;
            bx_pack_options o = *options;
            o.objective = BX_OBJECTIVE_VOLUME;
            o.box_allowed = c->vmask;
            o.stock = NULL;
            o.box_co2e_g = NULL;
            o.box_measure = NULL;
            o.budget = budget / (uint64_t)nv > 0 ? budget / (uint64_t)nv : 1;
            o.rotation_override = override;
            st = run(e, c, c->variants, &flat, &o, &c->s[2]);
            if (st != BX_OK)
                return st;
            cut_boxes(&c->s[2], m, (uint32_t)k, order, options);
            *work += c->s[2].work;
            if (!have_machine || better(&c->s[2], &c->s[1])) {
                swap_slots(&c->s[1], &c->s[2]);
                have_machine = true;
            }
        }
    }
    if (have_machine && options->max_fill_pct == 0 && c->s[1].nboxes > 0) {
        uint32_t k = c->s[1].boxes[0].box_index;
        const bx_box *m = bx_catalog_box(cat, k);
        /* the units as the order gives them, so that a smaller box may
         * stand one on edge where the packing laid it flat */
        uint64_t budget = options->budget ? options->budget : e->limits.default_budget;
        bool changed = false;
        st = shrink(e, c, m, &c->s[1], order, options, options->rotation_override,
                    budget / SHRINK_SHARE > 0 ? budget / SHRINK_SHARE : 1, work, &changed);
        if (st != BX_OK)
            return st;
        if (changed)
            cut_boxes(&c->s[1], m, k, order, options);
    }
    if (have_machine && (best == NULL || better(&c->s[1], best)))
        best = &c->s[1];
    if (best == NULL) {
        /* every entry is a machine the order may not use: pack plainly so
         * each unit is listed as not allowed */
        st = run(e, c, cat, order, options, &c->s[0]);
        if (st != BX_OK)
            return st;
        best = &c->s[0];
        best->measure = 0;
        *work += best->work;
    }
    *bestp = best;
    return BX_OK;
}

/* Rounds of packing the units left out that another part of the catalog
 * would take: a unit too large for the stock sizes goes to a machine,
 * a unit too heavy for a machine to a stock size. */
#define MIX_ROUNDS 3

bx_status bxi_pk_custom_pack(bx_engine *e, const bx_catalog *cat, const bx_order *order,
                             const bx_pack_options *options, const bx_pack_result **result)
{
    bx_ctx *ctx = e->ctx;
    if (e->custom == NULL) {
        e->custom = bx_alloc(ctx, sizeof *e->custom);
        if (e->custom == NULL)
            return BX_ENOMEM;
        memset(e->custom, 0, sizeof *e->custom);
    }
    bxi_pk_custom *c = e->custom;
    size_t n = bx_catalog_count(cat);
    bx_status st = bxi_grow(ctx, (void **)&c->mask, &c->mask_cap, n, 1, SIZE_MAX, "boxes");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&c->stock_left, &c->stock_cap, n, sizeof *c->stock_left,
                      SIZE_MAX / 8, "boxes");
    if (st == BX_OK)
        st = bxi_grow(ctx, (void **)&c->used, &c->used_cap, n + 1, sizeof *c->used,
                      SIZE_MAX / 8, "boxes");
    if (st == BX_OK)
        st = ensure_variants(e, c);
    if (st != BX_OK)
        return st;
    slot *best = NULL;
    uint64_t work = 0;
    st = pack_part(e, c, cat, order, options, &work, &best);
    if (st != BX_OK)
        return st;
    if (restate_reasons(c, best, cat, order, options, false) > 0) {
        slot *acc = &c->s[3];
        acc->nboxes = acc->nplace = acc->nunp = 0;
        acc->measure = 0;
        st = append(ctx, acc, best, NULL, cat);
        if (st != BX_OK)
            return st;
        acc->lower_bound = best->lower_bound;
        for (int round = 0; round < MIX_ROUNDS; round++) {
            sub_order so;
            st = build_left(ctx, c, acc, cat, order, options, &so);
            if (st != BX_OK)
                return st;
            if (so.order.nlines == 0)
                break;
            bx_pack_options o = *options;
            const uint64_t *used = count_used(c, acc, n);
            for (size_t k = 0; k < n; k++) {
                int64_t have = options->stock != NULL ? options->stock[k]
                                                      : bx_catalog_box(cat, k)->stock;
                c->stock_left[k] = have < 0                   ? have
                                   : (uint64_t)have > used[k] ? have - (int64_t)used[k]
                                                              : 0;
            }
            o.stock = c->stock_left;
            slot *got = NULL;
            st = pack_part(e, c, cat, &so.order, &o, &work, &got);
            if (st == BX_OK)
                st = append(ctx, acc, got, &so, cat);
            if (st != BX_OK)
                return st;
            if (got->nplace == 0 || restate_reasons(c, acc, cat, order, options, false) == 0)
                break;
        }
        best = acc;
    }
    restate_reasons(c, best, cat, order, options, true);
    bx_pack_result *r = &c->result;
    memset(r, 0, sizeof *r);
    r->boxes = best->boxes;
    r->nboxes = best->nboxes;
    r->placements = best->place;
    r->nplacements = best->nplace;
    r->unpacked = best->unp;
    r->nunpacked = best->nunp;
    r->lower_bound = best->lower_bound;
    r->count_optimal = r->nboxes == r->lower_bound;
    for (size_t b = 0; b < r->nboxes; b++)
        r->total_inner_volume_mm3 += r->boxes[b].inner_volume_mm3;
    r->objective_total = best->measure;
    r->work = work;
    *result = r;
    return BX_OK;
}
