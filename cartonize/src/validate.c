/*
 * validate.c: bx_validate, a check of a packing result against its order
 * and catalog that uses only the public result, never the engine's
 * internals, so that it can catch the engine's mistakes (and those of any
 * other producer of results).
 *
 * It stops at the first defect and names it: order id, box sequence number
 * (1-based, in result order) with its box id, and units as item id and
 * unit index (0-based, as in bx_placement.unit).
 *
 * Besides what pack.h lists, it holds a result to what the header implies:
 * the boxes' slices partition placements[] and none is empty; a box's
 * slice is its load order, so load_seq is 1, 2, ... along the slice; the
 * figures of each box and the totals add up (objective_total too, where
 * the measure is defined by the catalog or the options); lower_bound is at
 * most nboxes and count_optimal says whether they are equal. An unpacked
 * reason must be true of the unit on its own (see check_unpacked), and a
 * group given up as "group does not fit one box" has no unit placed.
 * "Above a fragile unit" means anywhere above its top over its footprint
 * (positive area), not only resting on it.
 *
 * Support (unless the options say BX_SUPPORT_NONE): a unit off the floor
 * rests on the tops of units at exactly its base height over at least the
 * required share of its base, and the centre of its base lies in the convex
 * hull of those contacts. The hull test here does not build the hull: a
 * point lies in the convex hull of a set of points exactly when the
 * directions from it to the points leave no gap wider than a half turn
 * (else a line through it has every point on one side).
 *
 * Per-box limits (options max_units_per_box, max_fill_pct) hold for every
 * box.
 *
 * Load order: a box's slice is the order in which a robot arm lowers the
 * units in vertically from above, so of two units whose plan views
 * overlap (positive area) the lower one comes first: nothing of a later
 * unit lies under an earlier one, and no unit has to slide under another.
 *
 * Load-bearing: a unit's load is what rests on it. Each unit passes its
 * weight plus its own load down to the units its base rests on, shared in
 * proportion to the contact areas; a unit whose line has max_load_g
 * carries no more than that (within a microgram's rounding).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "boxcar/pack.h"
#include "custom_box.h"
#include "pack_internal.h"

typedef struct vctx {
    bx_ctx *ctx;
    const bx_catalog *cat;
    const bx_order *order;
    const bx_pack_options *opt;
    const bx_pack_result *res;
    const char *order_id;
    int rotation_override;
    size_t *first_unit;     /* per line: index of its unit 0 among all units */
    uint32_t *box_of;       /* per unit: box number + 1, 0 if not placed */
    uint64_t *unpacked;     /* per line: units listed as unpacked */
    bool *group_unpacked;   /* per line: some unit listed with reason GROUP */
    uint64_t *used;         /* per catalog box: boxes of that type used */
    unsigned char *owned;   /* per placement: claimed by a box slice */
    const bx_placement **sorted; /* one box's placements, by x */
    const bx_order_line **group_lines; /* lines with a group, by group */
    double (*rects)[4];     /* one unit's contacts below it */
    double *angles;         /* 4 per contact */
    double *loads;          /* one box's loads, by placement */
} vctx;

static bx_status defect(vctx *v, const char *fmt, ...) BX_PRINTF(2, 3);

static bx_status defect(vctx *v, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_error(v->ctx, BX_EINPUT, "order '%s': %s", v->order_id, msg);
}

static const char *item_of(const vctx *v, const bx_placement *p)
{
    return v->order->lines[p->line].item_id;
}

static bx_rotation rule_of(const vctx *v, uint32_t line)
{
    if (v->rotation_override >= 0)
        return (bx_rotation)v->rotation_override;
    return v->order->lines[line].rotation;
}

static int64_t payload_of(const bx_box *b)
{
    return b->max_weight_g - ((b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0);
}

/* Are (a, b, c) the line's l, w, h turned as its rule allows? */
static bool orientation_allowed(const bx_order_line *l, bx_rotation rule, int32_t a, int32_t b,
                                int32_t c)
{
    switch (rule) {
    case BX_ROTATE_FIXED:
        return a == l->l_mm && b == l->w_mm && c == l->h_mm;
    case BX_ROTATE_UPRIGHT:
        return c == l->h_mm && ((a == l->l_mm && b == l->w_mm) || (a == l->w_mm && b == l->l_mm));
    default: {
        int32_t want[3] = {l->l_mm, l->w_mm, l->h_mm}, got[3] = {a, b, c};
        bool used[3] = {false, false, false};
        for (int i = 0; i < 3; i++) {
            bool found = false;
            for (int j = 0; j < 3 && !found; j++) {
                if (!used[j] && want[j] == got[i]) {
                    used[j] = true;
                    found = true;
                }
            }
            if (!found)
                return false;
        }
        return true;
    }
    }
}

/* Would box b hold one unit of line l by size, in an allowed orientation? */
static bool unit_fits_size(const bx_order_line *l, bx_rotation rule, const bx_box *b)
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

/* What a made-to-measure entry surely carries of one unit: its weight
 * limit less the board of the largest box it cuts (FEFCO 0201 area of the
 * outer size x grammage, rounded to the gram). A lighter cut may carry
 * more, but the engine is not bound to find it; a unit heavier than this
 * may be listed as too heavy. A stock box: its payload. */
static int64_t unit_payload(const bx_box *b)
{
    if (!b->custom || (b->has & BX_BOX_HAS_GRAMMAGE) == 0)
        return payload_of(b);
    const bool outer = (b->has & BX_BOX_HAS_OUTER) != 0;
    int64_t l = outer ? b->outer_l_mm : b->inner_l_mm, w = outer ? b->outer_w_mm : b->inner_w_mm,
            h = outer ? b->outer_h_mm : b->inner_h_mm;
    int64_t g = ((2 * l + 2 * w + 30) * (h + w) * b->grammage_g_m2 + 500000) / 1000000;
    if (g >= b->max_weight_g)
        g = 0; /* a board that heavy is not counted as tare */
    int64_t tare = (b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0;
    return b->max_weight_g - (g > tare ? g : tare);
}

/* How box b takes one unit of line l on its own: 0 not by size (turned as
 * rule allows, within the fill limit max_fill_pct when > 0), 1 by size but
 * not its weight, 2 both. */
static int line_box_fit(const bx_order_line *l, bx_rotation rule, uint32_t max_fill_pct,
                        const bx_box *b)
{
    if (!unit_fits_size(l, rule, b))
        return 0;
    if (max_fill_pct > 0 && 100 * (int64_t)l->l_mm * l->w_mm * l->h_mm >
                                (int64_t)max_fill_pct * b->inner_l_mm * b->inner_w_mm * b->inner_h_mm)
        return 0; /* more than the fill limit on its own: too large */
    if (l->weight_g > unit_payload(b) || (b->custom && !bxi_pk_custom_holds(b, l, rule)))
        return 1;
    return 2;
}

/* The box record of result box b: the catalog's, or for a made-to-measure
 * entry the cut box the result reports (checked by check_slices). */
static const bx_box *box_at(const vctx *v, size_t b)
{
    const bx_packed_box *pb = &v->res->boxes[b];
    const bx_box *cb = bx_catalog_box(v->cat, pb->box_index);
    return cb->custom && pb->box != NULL ? pb->box : cb;
}

/* A cut box: within its machine's sizes, named after it. */
static bool cut_matches(const bx_box *m, const bx_box *cut)
{
    const int32_t d[3] = {cut->inner_l_mm, cut->inner_w_mm, cut->inner_h_mm};
    /* "ID:LxWxH", the machine's id shortened to leave room for the size */
    char size[BX_ID_MAX];
    int len = snprintf(size, sizeof size, ":%dx%dx%d", d[0], d[1], d[2]);
    size_t n = strlen(m->box_id);
    if (n + (size_t)len >= BX_ID_MAX)
        n = BX_ID_MAX - 1 - (size_t)len;
    while (n > 0 && ((unsigned char)m->box_id[n] & 0xC0) == 0x80)
        n--; /* not inside a UTF-8 character */
    if (strncmp(cut->box_id, m->box_id, n) != 0 || strcmp(cut->box_id + n, size) != 0)
        return false;
    const int32_t hi[3] = {m->inner_l_mm, m->inner_w_mm, m->inner_h_mm};
    const bool has_min = (m->has & BX_BOX_HAS_MIN) != 0;
    const int32_t lo[3] = {has_min ? m->min_l_mm : 1, has_min ? m->min_w_mm : 1,
                           has_min ? m->min_h_mm : 1};
    int32_t step = (m->has & BX_BOX_HAS_STEP) ? m->step_mm : 1;
    for (int a = 0; a < 3; a++)
        if (d[a] < lo[a] || d[a] > hi[a] || (d[a] % step != 0 && d[a] != hi[a]))
            return false;
    return true;
}

/* Boxes of type k the order may take: none when it may not use them. */
static int64_t stock_left(const bx_catalog *cat, const bx_pack_options *opt, size_t k)
{
    if (opt != NULL && opt->box_allowed != NULL && !opt->box_allowed[k])
        return 0;
    if (opt != NULL && opt->stock != NULL)
        return opt->stock[k];
    return bx_catalog_box(cat, k)->stock;
}

static int64_t stock_of(const vctx *v, size_t k)
{
    return stock_left(v->cat, v->opt, k);
}

bxi_pk_unit_facts bxi_pk_unit_facts_of(const bx_order_line *l, bx_rotation rule,
                                       const bx_catalog *cat, const bx_pack_options *opt,
                                       const uint64_t *used)
{
    bxi_pk_unit_facts f = {false, false, false, false};
    for (size_t k = 0; k < bx_catalog_count(cat); k++) {
        int fit = line_box_fit(l, rule, opt != NULL ? opt->max_fill_pct : 0,
                               bx_catalog_box(cat, k));
        f.fits = f.fits || fit > 0;
        if (fit < 2)
            continue;
        f.holds = true;
        f.allowed = f.allowed || opt == NULL || opt->box_allowed == NULL || opt->box_allowed[k];
        int64_t s = stock_left(cat, opt, k);
        f.in_stock = f.in_stock || s < 0 || (uint64_t)s > used[k];
    }
    return f;
}

static bool close_enough(double got, double want)
{
    return fabs(got - want) <= 1e-9 * (fabs(want) > 1.0 ? fabs(want) : 1.0);
}

static int cmp_by_x(const void *pa, const void *pb)
{
    const bx_placement *a = *(const bx_placement *const *)pa;
    const bx_placement *b = *(const bx_placement *const *)pb;
    if (a->x_mm != b->x_mm)
        return a->x_mm < b->x_mm ? -1 : 1;
    return (a > b) - (a < b);
}

static bool overlap_1d(int32_t a, int32_t la, int32_t b, int32_t lb)
{
    return (int64_t)a < (int64_t)b + lb && (int64_t)b < (int64_t)a + la;
}

/* The box slices partition placements[], and each box is a catalog box. */
static bx_status check_slices(vctx *v)
{
    const bx_pack_result *r = v->res;
    size_t nbox = bx_catalog_count(v->cat);
    for (size_t b = 0; b < r->nboxes; b++) {
        const bx_packed_box *pb = &r->boxes[b];
        if (pb->box_index >= nbox)
            return defect(v, "box %zu of %zu: box_index %u is not in the catalog (%zu boxes)",
                          b + 1, r->nboxes, pb->box_index, nbox);
        const bx_box *cb = bx_catalog_box(v->cat, pb->box_index);
        if (cb->custom) {
            if (pb->box == NULL || !cut_matches(cb, pb->box))
                return defect(v, "box %zu of %zu: its box record is not a size that machine "
                              "%u ('%s') makes", b + 1, r->nboxes, pb->box_index, cb->box_id);
        } else if (pb->box != cb &&
                   (pb->box == NULL || strcmp(pb->box->box_id, cb->box_id) != 0))
            return defect(v, "box %zu of %zu: its box record is not catalog box %u ('%s')",
                          b + 1, r->nboxes, pb->box_index, cb->box_id);
        if (pb->nplacements == 0)
            return defect(v, "box %zu of %zu (%s) is empty", b + 1, r->nboxes, cb->box_id);
        if (pb->first_placement > r->nplacements ||
            pb->nplacements > r->nplacements - pb->first_placement)
            return defect(v, "box %zu of %zu (%s): placements %zu..%zu lie beyond the %zu "
                          "placements of the result", b + 1, r->nboxes, cb->box_id,
                          pb->first_placement, pb->first_placement + pb->nplacements - 1,
                          r->nplacements);
        for (size_t k = pb->first_placement; k < pb->first_placement + pb->nplacements; k++) {
            if (v->owned[k])
                return defect(v, "box %zu of %zu (%s): placement %zu also belongs to an earlier "
                              "box", b + 1, r->nboxes, cb->box_id, k);
            v->owned[k] = 1;
        }
        v->used[pb->box_index]++;
    }
    for (size_t k = 0; k < r->nplacements; k++)
        if (!v->owned[k])
            return defect(v, "placement %zu belongs to no box", k);
    return BX_OK;
}

/* One placement: refers to a unit of the order, placed once, turned as
 * allowed, inside the box, in load order. */
static bx_status check_placement(vctx *v, size_t b, size_t k, const bx_placement *p)
{
    const bx_pack_result *r = v->res;
    const bx_box *box = box_at(v, b);
    if (p->line >= v->order->nlines)
        return defect(v, "box %zu of %zu (%s): placement %zu names line %u, but the order has "
                      "%zu lines", b + 1, r->nboxes, box->box_id, k, p->line, v->order->nlines);
    const bx_order_line *l = &v->order->lines[p->line];
    if (p->unit >= (uint32_t)l->qty)
        return defect(v, "box %zu of %zu (%s): item '%s' unit %u: the line has only %d units",
                      b + 1, r->nboxes, box->box_id, l->item_id, p->unit, l->qty);
    if (p->load_seq != k - r->boxes[b].first_placement + 1)
        return defect(v, "box %zu of %zu (%s): item '%s' unit %u: load_seq %u, expected %zu",
                      b + 1, r->nboxes, box->box_id, l->item_id, p->unit, p->load_seq,
                      k - r->boxes[b].first_placement + 1);
    uint32_t *slot = &v->box_of[v->first_unit[p->line] + p->unit];
    if (*slot != 0)
        return defect(v, "box %zu of %zu (%s): item '%s' unit %u is placed twice (also in box "
                      "%u)", b + 1, r->nboxes, box->box_id, l->item_id, p->unit, *slot);
    *slot = (uint32_t)b + 1;
    bx_rotation rule = rule_of(v, p->line);
    if (!orientation_allowed(l, rule, p->l_mm, p->w_mm, p->h_mm))
        return defect(v, "box %zu of %zu (%s): item '%s' unit %u: placed as %d x %d x %d, which "
                      "rotation '%s' does not allow for %d x %d x %d", b + 1, r->nboxes,
                      box->box_id, l->item_id, p->unit, p->l_mm, p->w_mm, p->h_mm,
                      bx_rotation_name(rule), l->l_mm, l->w_mm, l->h_mm);
    if (p->x_mm < 0 || p->y_mm < 0 || p->z_mm < 0 ||
        (int64_t)p->x_mm + p->l_mm > box->inner_l_mm ||
        (int64_t)p->y_mm + p->w_mm > box->inner_w_mm ||
        (int64_t)p->z_mm + p->h_mm > box->inner_h_mm)
        return defect(v, "box %zu of %zu (%s): item '%s' unit %u at (%d, %d, %d) size %d x %d x "
                      "%d lies outside the box's %d x %d x %d", b + 1, r->nboxes, box->box_id,
                      l->item_id, p->unit, p->x_mm, p->y_mm, p->z_mm, p->l_mm, p->w_mm, p->h_mm,
                      box->inner_l_mm, box->inner_w_mm, box->inner_h_mm);
    if (l->alone && r->boxes[b].nplacements > 1)
        return defect(v, "box %zu of %zu (%s): item '%s' unit %u must ship alone, but the box "
                      "holds %zu units", b + 1, r->nboxes, box->box_id, l->item_id, p->unit,
                      r->boxes[b].nplacements);
    return BX_OK;
}

/* Pairs within one box: no overlap (sweep along x), nothing above a
 * fragile unit's footprint. */
static bx_status check_pairs(vctx *v, size_t b)
{
    const bx_pack_result *r = v->res;
    const bx_packed_box *pb = &r->boxes[b];
    const bx_box *box = box_at(v, b);
    const bx_placement *ps = r->placements + pb->first_placement;
    size_t n = pb->nplacements;
    for (size_t i = 0; i < n; i++)
        v->sorted[i] = &ps[i];
    qsort(v->sorted, n, sizeof *v->sorted, cmp_by_x);
    for (size_t i = 0; i < n; i++) {
        const bx_placement *a = v->sorted[i];
        for (size_t j = i + 1; j < n && v->sorted[j]->x_mm < a->x_mm + a->l_mm; j++) {
            const bx_placement *c = v->sorted[j];
            if (overlap_1d(a->y_mm, a->w_mm, c->y_mm, c->w_mm) &&
                overlap_1d(a->z_mm, a->h_mm, c->z_mm, c->h_mm))
                return defect(v, "box %zu of %zu (%s): item '%s' unit %u and item '%s' unit %u "
                              "overlap", b + 1, r->nboxes, box->box_id, item_of(v, a), a->unit,
                              item_of(v, c), c->unit);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const bx_placement *f = &ps[i];
        if (!v->order->lines[f->line].fragile)
            continue;
        int64_t top = (int64_t)f->z_mm + f->h_mm;
        for (size_t j = 0; j < n; j++) {
            const bx_placement *a = &ps[j];
            if (j == i || a->z_mm < top)
                continue;
            if (overlap_1d(a->x_mm, a->l_mm, f->x_mm, f->l_mm) &&
                overlap_1d(a->y_mm, a->w_mm, f->y_mm, f->w_mm))
                return defect(v, "box %zu of %zu (%s): item '%s' unit %u is above fragile item "
                              "'%s' unit %u", b + 1, r->nboxes, box->box_id, item_of(v, a),
                              a->unit, item_of(v, f), f->unit);
        }
    }
    return BX_OK;
}

#define HALF_TURN 3.14159265358979323846

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Is (px, py) in the convex hull of the corners of rects r[0..n) (x0, y0,
 * x1, y1 each)? By the widest angular gap around the point; ang holds 4n
 * doubles. */
static bool centre_in_hull(const double (*r)[4], size_t n, double px, double py, double *ang)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i][0] <= px && px <= r[i][2] && r[i][1] <= py && py <= r[i][3])
            return true; /* inside one contact */
        const double cx[4] = {r[i][0], r[i][2], r[i][0], r[i][2]};
        const double cy[4] = {r[i][1], r[i][1], r[i][3], r[i][3]};
        for (int k = 0; k < 4; k++)
            ang[m++] = atan2(cy[k] - py, cx[k] - px);
    }
    if (m < 3)
        return false;
    qsort(ang, m, sizeof *ang, cmp_double);
    double gap = ang[0] + 2.0 * HALF_TURN - ang[m - 1];
    for (size_t i = 1; i < m; i++)
        if (ang[i] - ang[i - 1] > gap)
            gap = ang[i] - ang[i - 1];
    return gap <= HALF_TURN + 1e-9;
}

/* Every unit of box b stands on the floor or on units' tops over the
 * required share of its base, with its centre over its contacts. */
static bx_status check_support(vctx *v, size_t b)
{
    if (v->opt != NULL && v->opt->support == BX_SUPPORT_NONE)
        return BX_OK;
    uint32_t pct = v->opt != NULL && v->opt->support_pct != 0 ? v->opt->support_pct
                                                               : BX_DEFAULT_SUPPORT_PCT;
    const bx_pack_result *r = v->res;
    const bx_packed_box *pb = &r->boxes[b];
    const bx_box *box = box_at(v, b);
    const bx_placement *ps = r->placements + pb->first_placement;
    size_t n = pb->nplacements;
    for (size_t i = 0; i < n; i++) {
        const bx_placement *a = &ps[i];
        if (a->z_mm == 0)
            continue;
        size_t nr = 0;
        double area = 0.0;
        for (size_t j = 0; j < n; j++) {
            const bx_placement *s = &ps[j];
            if (j == i || (int64_t)s->z_mm + s->h_mm != a->z_mm)
                continue;
            double x0 = fmax(a->x_mm, s->x_mm);
            double x1 = fmin((double)a->x_mm + a->l_mm, (double)s->x_mm + s->l_mm);
            double y0 = fmax(a->y_mm, s->y_mm);
            double y1 = fmin((double)a->y_mm + a->w_mm, (double)s->y_mm + s->w_mm);
            if (x1 <= x0 || y1 <= y0)
                continue;
            area += (x1 - x0) * (y1 - y0);
            v->rects[nr][0] = x0;
            v->rects[nr][1] = y0;
            v->rects[nr][2] = x1;
            v->rects[nr][3] = y1;
            nr++;
        }
        double base = (double)a->l_mm * a->w_mm;
        if (area * 100.0 < base * pct)
            return defect(v, "box %zu of %zu (%s): item '%s' unit %u at (%d, %d, %d) rests on "
                          "%.1f %% of its base, less than the %u %% required", b + 1, r->nboxes,
                          box->box_id, item_of(v, a), a->unit, a->x_mm, a->y_mm, a->z_mm,
                          100.0 * area / base, pct);
        if (!centre_in_hull((const double(*)[4])v->rects, nr, a->x_mm + a->l_mm / 2.0,
                            a->y_mm + a->w_mm / 2.0, v->angles))
            return defect(v, "box %zu of %zu (%s): item '%s' unit %u at (%d, %d, %d): its centre "
                          "of gravity is not over the units it rests on", b + 1, r->nboxes,
                          box->box_id, item_of(v, a), a->unit, a->x_mm, a->y_mm, a->z_mm);
    }
    return BX_OK;
}

/* Of two units of box b that overlap in plan, the lower goes in first. */
static bx_status check_load_order(vctx *v, size_t b)
{
    const bx_pack_result *r = v->res;
    const bx_packed_box *pb = &r->boxes[b];
    const bx_placement *ps = r->placements + pb->first_placement;
    size_t n = pb->nplacements;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const bx_placement *a = &ps[i], *c = &ps[j];
            if (!overlap_1d(a->x_mm, a->l_mm, c->x_mm, c->l_mm) ||
                !overlap_1d(a->y_mm, a->w_mm, c->y_mm, c->w_mm) || c->z_mm >= a->z_mm)
                continue;
            const bx_box *box = box_at(v, b);
            return defect(v, "box %zu of %zu (%s): load order: item '%s' unit %u (step %u) "
                          "lies under item '%s' unit %u (step %u), which goes in before it",
                          b + 1, r->nboxes, box->box_id, item_of(v, c), c->unit, c->load_seq,
                          item_of(v, a), a->unit, a->load_seq);
        }
    return BX_OK;
}

static int cmp_by_z_down(const void *pa, const void *pb)
{
    const bx_placement *a = *(const bx_placement *const *)pa;
    const bx_placement *b = *(const bx_placement *const *)pb;
    if (a->z_mm != b->z_mm)
        return a->z_mm > b->z_mm ? -1 : 1;
    return (a > b) - (a < b);
}

/* Every unit of box b with a load limit bears what rests on it. */
static bx_status check_loads(vctx *v, size_t b)
{
    const bx_pack_result *r = v->res;
    const bx_packed_box *pb = &r->boxes[b];
    const bx_placement *ps = r->placements + pb->first_placement;
    size_t n = pb->nplacements;
    bool limited = false;
    for (size_t i = 0; i < n; i++) {
        v->loads[i] = 0.0;
        v->sorted[i] = &ps[i];
        limited = limited || (v->order->lines[ps[i].line].has & BX_LINE_HAS_MAX_LOAD);
    }
    if (!limited)
        return BX_OK;
    qsort(v->sorted, n, sizeof *v->sorted, cmp_by_z_down);
    for (size_t k = 0; k < n; k++) {
        const bx_placement *a = v->sorted[k];
        double pass = (double)v->order->lines[a->line].weight_g + v->loads[a - ps];
        double area = 0.0;
        for (int share = 0; share < 2; share++) {
            for (size_t j = 0; j < n; j++) {
                const bx_placement *s = &ps[j];
                if (s == a || (int64_t)s->z_mm + s->h_mm != a->z_mm)
                    continue;
                double dx = fmin((double)a->x_mm + a->l_mm, (double)s->x_mm + s->l_mm) -
                            fmax(a->x_mm, s->x_mm);
                double dy = fmin((double)a->y_mm + a->w_mm, (double)s->y_mm + s->w_mm) -
                            fmax(a->y_mm, s->y_mm);
                if (dx <= 0 || dy <= 0)
                    continue;
                if (share == 0)
                    area += dx * dy;
                else
                    v->loads[j] += pass * dx * dy / area;
            }
            if (area == 0.0)
                break;
        }
    }
    const bx_box *box = box_at(v, b);
    for (size_t i = 0; i < n; i++) {
        const bx_order_line *l = &v->order->lines[ps[i].line];
        if (!(l->has & BX_LINE_HAS_MAX_LOAD))
            continue;
        double max = (double)l->max_load_g;
        if (v->loads[i] > max + 1e-6 * (max + 1.0))
            return defect(v, "box %zu of %zu (%s): item '%s' unit %u carries %.1f g, more than "
                          "its max_load_g %lld", b + 1, r->nboxes, box->box_id, l->item_id,
                          ps[i].unit, v->loads[i], (long long)l->max_load_g);
    }
    return BX_OK;
}

/* The box's figures agree with its placements, and the payload holds. */
static bx_status check_box_figures(vctx *v, size_t b)
{
    const bx_pack_result *r = v->res;
    const bx_packed_box *pb = &r->boxes[b];
    const bx_box *box = box_at(v, b);
    int64_t weight = 0, volume = 0;
    for (size_t k = pb->first_placement; k < pb->first_placement + pb->nplacements; k++) {
        const bx_placement *p = &r->placements[k];
        weight += v->order->lines[p->line].weight_g;
        volume += (int64_t)p->l_mm * p->w_mm * p->h_mm;
    }
    int64_t inner = (int64_t)box->inner_l_mm * box->inner_w_mm * box->inner_h_mm;
    int64_t tare = (box->has & BX_BOX_HAS_TARE) ? box->tare_g : 0;
    if (pb->items_weight_g != weight)
        return defect(v, "box %zu of %zu (%s): items_weight_g is %lld, its units weigh %lld g",
                      b + 1, r->nboxes, box->box_id, (long long)pb->items_weight_g,
                      (long long)weight);
    if (pb->gross_weight_g != weight + tare)
        return defect(v, "box %zu of %zu (%s): gross_weight_g is %lld, expected %lld (items) + "
                      "%lld (tare)", b + 1, r->nboxes, box->box_id,
                      (long long)pb->gross_weight_g, (long long)weight, (long long)tare);
    if (weight > payload_of(box))
        return defect(v, "box %zu of %zu (%s): overweight: %lld g of items + %lld g tare exceeds "
                      "max_weight_g %lld", b + 1, r->nboxes, box->box_id, (long long)weight,
                      (long long)tare, (long long)box->max_weight_g);
    if (pb->item_volume_mm3 != volume || pb->inner_volume_mm3 != inner)
        return defect(v, "box %zu of %zu (%s): volumes %lld / %lld mm3, expected %lld / %lld "
                      "(items / inner)", b + 1, r->nboxes, box->box_id,
                      (long long)pb->item_volume_mm3, (long long)pb->inner_volume_mm3,
                      (long long)volume, (long long)inner);
    double fill = 100.0 * (double)volume / (double)inner;
    if (v->opt != NULL && v->opt->max_units_per_box > 0 &&
        pb->nplacements > v->opt->max_units_per_box)
        return defect(v, "box %zu of %zu (%s): %zu units, more than the %u allowed per box",
                      b + 1, r->nboxes, box->box_id, pb->nplacements,
                      v->opt->max_units_per_box);
    if (v->opt != NULL && v->opt->max_fill_pct > 0 &&
        100 * volume > (int64_t)v->opt->max_fill_pct * inner)
        return defect(v, "box %zu of %zu (%s): filled to %.1f %%, more than the %u %% allowed",
                      b + 1, r->nboxes, box->box_id, fill, v->opt->max_fill_pct);
    if (!close_enough(pb->fill_pct, fill) || !close_enough(pb->void_pct, 100.0 - fill))
        return defect(v, "box %zu of %zu (%s): fill %g%% / void %g%%, expected %g%% / %g%%",
                      b + 1, r->nboxes, box->box_id, pb->fill_pct, pb->void_pct, fill,
                      100.0 - fill);
    return BX_OK;
}

/* An unpacked entry's reason must at least be true of the unit on its
 * own: "too large" fits no box; "too heavy" has no box that both takes its
 * size and bears its weight; "out of stock" has no such box with stock
 * left after the result's boxes; "group" belongs to a group. */
static bx_status check_unpacked(vctx *v)
{
    const bx_pack_result *r = v->res;
    for (size_t i = 0; i < r->nunpacked; i++) {
        const bx_unpacked *u = &r->unpacked[i];
        if (u->line >= v->order->nlines)
            return defect(v, "unpacked entry %zu names line %u, but the order has %zu lines", i,
                          u->line, v->order->nlines);
        const bx_order_line *l = &v->order->lines[u->line];
        if (u->units == 0)
            return defect(v, "unpacked entry %zu (item '%s') counts no units", i, l->item_id);
        v->unpacked[u->line] += u->units;
        bx_rotation rule = rule_of(v, u->line);
        bxi_pk_unit_facts f = bxi_pk_unit_facts_of(l, rule, v->cat, v->opt, v->used);
        bool fits = f.fits, holds = f.holds, allowed = f.allowed, in_stock = f.in_stock;
        const char *wrong = NULL;
        switch (u->reason) {
        case BX_UNPACKED_TOO_LARGE:
            wrong = fits ? "it fits a box of the catalog" : NULL;
            break;
        case BX_UNPACKED_TOO_HEAVY:
            wrong = holds ? "a box of the catalog takes its size and weight" : NULL;
            break;
        case BX_UNPACKED_OUT_OF_STOCK:
            wrong = in_stock ? "a box that holds it is still in stock" : NULL;
            break;
        case BX_UNPACKED_NOT_ALLOWED:
            wrong = allowed ? "a box it may use takes its size and weight" : NULL;
            break;
        case BX_UNPACKED_GROUP:
            wrong = l->group[0] == '\0' ? "the line has no group" : NULL;
            v->group_unpacked[u->line] = true;
            break;
        case BX_UNPACKED_BUDGET:
            break;
        default:
            return defect(v, "unpacked entry %zu (item '%s'): unknown reason %d", i, l->item_id,
                          (int)u->reason);
        }
        if (wrong != NULL)
            return defect(v, "item '%s': %u unit(s) listed unpacked as \"%s\", but %s",
                          l->item_id, u->units, bx_unpacked_reason_text(u->reason), wrong);
    }
    /* every unit placed or listed, not both */
    for (size_t i = 0; i < v->order->nlines; i++) {
        const bx_order_line *l = &v->order->lines[i];
        uint64_t placed = 0;
        uint32_t missing = UINT32_MAX;
        for (uint32_t k = 0; k < (uint32_t)l->qty; k++) {
            if (v->box_of[v->first_unit[i] + k] != 0)
                placed++;
            else if (missing == UINT32_MAX)
                missing = k;
        }
        if (placed + v->unpacked[i] < (uint64_t)l->qty)
            return defect(v, "item '%s' unit %u is neither placed nor listed unpacked",
                          l->item_id, missing);
        if (placed + v->unpacked[i] > (uint64_t)l->qty)
            return defect(v, "item '%s': %llu unit(s) placed and %llu listed unpacked, but qty is "
                          "%d", l->item_id, (unsigned long long)placed,
                          (unsigned long long)v->unpacked[i], l->qty);
    }
    return BX_OK;
}

/* By group name, then position in the order. */
static int cmp_group(const void *pa, const void *pb)
{
    const bx_order_line *a = *(const bx_order_line *const *)pa;
    const bx_order_line *b = *(const bx_order_line *const *)pb;
    int c = strcmp(a->group, b->group);
    return c != 0 ? c : (a > b) - (a < b);
}

/* All placed units of a group in one box; a group given up on ("group"
 * reason) has no unit placed at all. */
static bx_status check_groups(vctx *v)
{
    const bx_order_line *lines = v->order->lines;
    size_t n = 0;
    for (size_t i = 0; i < v->order->nlines; i++)
        if (lines[i].group[0] != '\0')
            v->group_lines[n++] = &lines[i];
    qsort(v->group_lines, n, sizeof *v->group_lines, cmp_group);
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && strcmp(v->group_lines[e]->group, v->group_lines[s]->group) == 0)
            e++;
        uint32_t box = 0;
        const char *first_item = NULL;
        uint32_t first_unit = 0;
        bool given_up = false;
        for (size_t g = s; g < e; g++)
            given_up = given_up || v->group_unpacked[v->group_lines[g] - lines];
        for (size_t g = s; g < e; g++) {
            size_t li = (size_t)(v->group_lines[g] - lines);
            for (uint32_t k = 0; k < (uint32_t)lines[li].qty; k++) {
                uint32_t b = v->box_of[v->first_unit[li] + k];
                if (b == 0)
                    continue;
                if (given_up)
                    return defect(v, "group '%s' is listed unpacked, but item '%s' unit %u is "
                                  "placed in box %u", lines[li].group, lines[li].item_id, k, b);
                if (box == 0) {
                    box = b;
                    first_item = lines[li].item_id;
                    first_unit = k;
                } else if (b != box) {
                    return defect(v, "group '%s' is split: item '%s' unit %u in box %u, item "
                                  "'%s' unit %u in box %u", lines[li].group, first_item,
                                  first_unit, box, lines[li].item_id, k, b);
                }
            }
        }
        s = e;
    }
    return BX_OK;
}

static bx_status check_totals(vctx *v)
{
    const bx_pack_result *r = v->res;
    size_t nbox = bx_catalog_count(v->cat);
    for (size_t k = 0; k < nbox; k++) {
        int64_t s = stock_of(v, k);
        if (s >= 0 && v->used[k] > (uint64_t)s)
            return defect(v, "uses %llu of box '%s', but only %lld are in stock",
                          (unsigned long long)v->used[k], bx_catalog_box(v->cat, k)->box_id,
                          (long long)s);
    }
    int64_t inner = 0;
    double measure = 0.0;
    bool measurable = true;
    bx_objective obj = v->opt != NULL ? v->opt->objective : BX_OBJECTIVE_BOXES;
    for (size_t b = 0; b < r->nboxes; b++) {
        const bx_box *box = box_at(v, b);
        int64_t vol = (int64_t)box->inner_l_mm * box->inner_w_mm * box->inner_h_mm;
        inner += vol;
        switch (obj) {
        case BX_OBJECTIVE_MATERIAL:
            /* without material_mass_g the measure is the engine's choice */
            measurable = measurable && (box->has & BX_BOX_HAS_MATERIAL_MASS);
            measure += (double)box->material_mass_g;
            break;
        case BX_OBJECTIVE_COST:
            measure += box->cost;
            break;
        case BX_OBJECTIVE_CO2E:
            /* a cut box's share of its machine's figure is the engine's */
            measurable = measurable && v->opt->box_co2e_g != NULL &&
                         !bx_catalog_box(v->cat, r->boxes[b].box_index)->custom;
            if (measurable)
                measure += v->opt->box_co2e_g[r->boxes[b].box_index];
            break;
        case BX_OBJECTIVE_CUSTOM:
            measurable = measurable && v->opt->box_measure != NULL &&
                         !bx_catalog_box(v->cat, r->boxes[b].box_index)->custom;
            if (measurable)
                measure += v->opt->box_measure[r->boxes[b].box_index];
            break;
        default:
            measure += (double)vol;
            break;
        }
    }
    if (r->total_inner_volume_mm3 != inner)
        return defect(v, "total_inner_volume_mm3 is %lld, the boxes hold %lld",
                      (long long)r->total_inner_volume_mm3, (long long)inner);
    if (measurable && !close_enough(r->objective_total, measure))
        return defect(v, "objective_total is %.17g, the boxes' %s measure adds up to %.17g",
                      r->objective_total, bx_objective_name(obj), measure);
    if (r->lower_bound > r->nboxes)
        return defect(v, "lower_bound %u exceeds the %zu boxes used", r->lower_bound, r->nboxes);
    if (r->count_optimal != (r->nboxes == r->lower_bound))
        return defect(v, "count_optimal is %s with %zu boxes and lower_bound %u",
                      r->count_optimal ? "true" : "false", r->nboxes, r->lower_bound);
    return BX_OK;
}

static bx_status run(vctx *v)
{
    const bx_pack_result *r = v->res;
    bx_status st = check_slices(v);
    for (size_t b = 0; b < r->nboxes && st == BX_OK; b++) {
        const bx_packed_box *pb = &r->boxes[b];
        for (size_t k = pb->first_placement;
             k < pb->first_placement + pb->nplacements && st == BX_OK; k++)
            st = check_placement(v, b, k, &r->placements[k]);
        if (st == BX_OK)
            st = check_pairs(v, b);
        if (st == BX_OK)
            st = check_support(v, b);
        if (st == BX_OK)
            st = check_loads(v, b);
        if (st == BX_OK)
            st = check_load_order(v, b);
        if (st == BX_OK)
            st = check_box_figures(v, b);
    }
    if (st == BX_OK)
        st = check_unpacked(v);
    if (st == BX_OK)
        st = check_groups(v);
    if (st == BX_OK)
        st = check_totals(v);
    return st;
}

bx_status bx_validate(bx_ctx *ctx, const bx_catalog *catalog, const bx_order *order,
                      const bx_pack_options *options, const bx_pack_result *result)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (catalog == NULL || order == NULL || result == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_validate: catalog, order and result are required");
    if (order->nlines == 0 || order->lines == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_validate: the order has no lines");
    vctx v = {0};
    v.ctx = ctx;
    v.cat = catalog;
    v.order = order;
    v.opt = options;
    v.res = result;
    v.order_id = order->lines[0].order_id;
    v.rotation_override = options != NULL ? options->rotation_override : -1;
    if (v.rotation_override < -1 || v.rotation_override > BX_ROTATE_FIXED)
        return bxi_error(ctx, BX_EINVAL, "bx_validate: bad rotation_override %d",
                        v.rotation_override);
    for (size_t i = 1; i < order->nlines; i++)
        if (strcmp(order->lines[i].order_id, v.order_id) != 0)
            return bxi_error(ctx, BX_EINVAL, "bx_validate: lines of orders '%s' and '%s' in one "
                            "call", v.order_id, order->lines[i].order_id);
    if ((result->nboxes > 0 && result->boxes == NULL) ||
        (result->nplacements > 0 && result->placements == NULL) ||
        (result->nunpacked > 0 && result->unpacked == NULL))
        return bxi_error(ctx, BX_EINVAL, "bx_validate: the result has counts without arrays");

    size_t nlines = order->nlines, nbox = bx_catalog_count(catalog);
    size_t nunits = 0, biggest = 0;
    for (size_t i = 0; i < nlines; i++) {
        if (order->lines[i].qty < 1)
            return bxi_error(ctx, BX_EINVAL, "bx_validate: order '%s' line %zu has qty %d",
                            v.order_id, i, order->lines[i].qty);
        nunits += (size_t)order->lines[i].qty;
    }
    for (size_t b = 0; b < result->nboxes; b++)
        if (result->boxes[b].nplacements > biggest && result->boxes[b].nplacements <= result->nplacements)
            biggest = result->boxes[b].nplacements;

    bx_status st = BX_ENOMEM;
    v.first_unit = bx_alloc(ctx, nlines * sizeof *v.first_unit + 1);
    v.box_of = bx_alloc(ctx, nunits * sizeof *v.box_of + 1);
    v.unpacked = bx_alloc(ctx, nlines * sizeof *v.unpacked + 1);
    v.group_unpacked = bx_alloc(ctx, nlines * sizeof *v.group_unpacked + 1);
    v.used = bx_alloc(ctx, nbox * sizeof *v.used + 1);
    v.owned = bx_alloc(ctx, result->nplacements + 1);
    v.sorted = bx_alloc(ctx, biggest * sizeof *v.sorted + 1);
    v.group_lines = bx_alloc(ctx, nlines * sizeof *v.group_lines + 1);
    v.rects = bx_alloc(ctx, biggest * sizeof *v.rects + 1);
    v.angles = bx_alloc(ctx, 4 * biggest * sizeof *v.angles + 1);
    v.loads = bx_alloc(ctx, biggest * sizeof *v.loads + 1);
    if (v.first_unit && v.box_of && v.unpacked && v.group_unpacked && v.used && v.owned &&
        v.sorted && v.group_lines && v.rects && v.angles && v.loads) {
        size_t at = 0;
        for (size_t i = 0; i < nlines; i++) {
            v.first_unit[i] = at;
            at += (size_t)order->lines[i].qty;
        }
        memset(v.box_of, 0, nunits * sizeof *v.box_of);
        memset(v.unpacked, 0, nlines * sizeof *v.unpacked);
        memset(v.group_unpacked, 0, nlines * sizeof *v.group_unpacked);
        memset(v.used, 0, nbox * sizeof *v.used);
        memset(v.owned, 0, result->nplacements);
        st = run(&v);
    }
    bx_free(ctx, v.first_unit);
    bx_free(ctx, v.box_of);
    bx_free(ctx, v.unpacked);
    bx_free(ctx, v.group_unpacked);
    bx_free(ctx, v.used);
    bx_free(ctx, v.owned);
    bx_free(ctx, v.sorted);
    bx_free(ctx, v.group_lines);
    bx_free(ctx, v.rects);
    bx_free(ctx, v.angles);
    bx_free(ctx, v.loads);
    return st;
}
