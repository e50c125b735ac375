/*
 * design.c: carton-set design (boxcar/design.h). Needs from the order
 * history (each box a made-to-measure machine would cut), N sizes chosen
 * over them as a k-median (greedy, then tighten and swap while work
 * remains), and the figures of any catalog by repacking the history.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/design.h"
#include "custom_box.h"
#include "pack_emit.h"
#include "pack_internal.h"

#define DEFAULT_BUDGET UINT64_C(200000000)
/* the cost of a need no chosen size holds: above any real total */
#define UNCOVERED 1e30

typedef struct need {
    int32_t d[3];       /* normalised: any: sorted down; upright: l >= w */
    uint8_t rule;       /* bx_rotation the whole box's contents allow */
    uint64_t weight;    /* boxes with this need */
    int64_t content_mm3; /* the units' own volume (COMPLIANCE only, else 0:
                            then needs of one size merge whatever they hold) */
    double pass_mm3;    /* COMPLIANCE: the largest inner volume within the
                           void limit for these contents */
} need;

typedef struct size3 {
    int32_t d[3];
    bool keep;          /* a kept size: never swapped or tightened */
    size_t keep_index;  /* into options.keep */
} size3;

typedef struct stored_order {
    size_t first, n;
    bool held_out;
} stored_order;

struct bx_design {
    bx_ctx *ctx;
    bx_design_options o;
    bx_engine *engine;
    bx_catalog *machine;
    need *needs;
    size_t nneeds, needs_cap;
    bool merged;
    bx_order_line *lines;
    size_t nlines, lines_cap;
    stored_order *orders;
    size_t norders, orders_cap;
    size_t n_part[2];   /* design part, held-out part */
    uint64_t work;
};

static const char *const objective_names[] = {"board-area", "board-mass", "volume",
                                              "void", "cost", "co2e", "compliance"};

const char *bx_design_objective_name(bx_design_objective objective)
{
    if ((unsigned)objective >= sizeof objective_names / sizeof objective_names[0])
        return "unknown";
    return objective_names[objective];
}

bx_status bx_design_objective_parse(const char *s, bx_design_objective *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < sizeof objective_names / sizeof objective_names[0]; i++)
        if (strcmp(s, objective_names[i]) == 0) {
            *out = (bx_design_objective)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

void bx_design_options_init(bx_design_options *o)
{
    memset(o, 0, sizeof *o);
    o->objective = BX_DESIGN_BOARD_AREA;
    o->rotation_override = -1;
    for (int a = 0; a < 3; a++) {
        o->min_mm[a] = 1;
        o->max_mm[a] = 1000;
    }
    o->step_mm = 5;
    o->allowance_mm[0] = 6;
    o->allowance_mm[1] = 6;
    o->allowance_mm[2] = 12;
    o->grammage_g_m2 = 440;
    o->max_weight_g = 30000;
    o->support = BX_SUPPORT_STABLE;
    o->void_max = 0.40;
    o->void_k = 1.0;
}

static bx_status option_error(bx_ctx *ctx, const char *field, const char *msg)
{
    bx_location at = {"design options", 0, 0, 0, 0, field};
    return bxi_input_error(ctx, BX_EINPUT, &at, "%s", msg);
}

static bx_status check_options(bx_ctx *ctx, const bx_design_options *o)
{
    static const char *const mins[] = {"min_l_mm", "min_w_mm", "min_h_mm"};
    static const char *const maxs[] = {"max_l_mm", "max_w_mm", "max_h_mm"};
    if ((unsigned)o->objective > BX_DESIGN_COMPLIANCE)
        return option_error(ctx, "objective", "unknown objective");
    if (o->rotation_override > BX_ROTATE_FIXED)
        return option_error(ctx, "rotation", "unknown rotation");
    if (o->step_mm < 1 || o->step_mm > BX_MAX_STEP_MM)
        return option_error(ctx, "step_mm",
                            "the size step must be 1..1000 mm (a step of 0 makes no size)");
    for (int a = 0; a < 3; a++) {
        if (o->min_mm[a] < 1 || o->max_mm[a] > BX_MAX_LENGTH_MM)
            return option_error(ctx, o->min_mm[a] < 1 ? mins[a] : maxs[a],
                                "sizes must be 1..100000 mm");
        if (o->min_mm[a] > o->max_mm[a])
            return option_error(ctx, mins[a], "the smallest size is above the largest");
        if (o->allowance_mm[a] < 0 || o->allowance_mm[a] > 1000 ||
            o->max_mm[a] + o->allowance_mm[a] > BX_MAX_LENGTH_MM)
            return option_error(ctx, "allowance_mm", "the allowance must be 0..1000 mm");
    }
    if (o->grammage_g_m2 < 1 || o->grammage_g_m2 > BX_MAX_GRAMMAGE_G_M2)
        return option_error(ctx, "grammage_g_m2", "the board grade must be 1..10000 g/m^2");
    if (o->max_weight_g < 1 || o->max_weight_g > BX_MAX_MASS_G)
        return option_error(ctx, "max_weight_g", "the weight limit must be positive");
    if (!(o->cost_per_box >= 0 && o->cost_per_box <= 1e12))
        return option_error(ctx, "cost_per_box", "the cost of a box must be 0..1e12");
    if (!(o->cost_per_m2 >= 0 && o->cost_per_m2 <= 1e9))
        return option_error(ctx, "cost_per_m2", "the cost of a square metre must be 0..1e9");
    if (o->objective == BX_DESIGN_CO2E && !(o->co2e_g_per_kg > 0 && o->co2e_g_per_kg < 1e9))
        return option_error(ctx, "co2e_g_per_kg",
                            "the co2e objective needs the board's g CO2e per kg");
    if (!(o->void_max >= 0 && o->void_max <= 1))
        return option_error(ctx, "void_max", "the void limit must be 0..1");
    if (!(o->void_k > 0 && o->void_k <= 10))
        return option_error(ctx, "void_k", "the necessary-space coefficient must be above 0");
    if (o->support_pct > 100 || (unsigned)o->support > BX_SUPPORT_NONE)
        return option_error(ctx, "support", "bad support rule or share");
    return BX_OK;
}

bx_status bx_design_new(bx_ctx *ctx, bx_design **out, const bx_design_options *options)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || options == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_design_new: bad argument");
    *out = NULL;
    bx_status st = check_options(ctx, options);
    if (st != BX_OK)
        return st;
    bx_design *d = bx_alloc(ctx, sizeof *d);
    if (d == NULL)
        return BX_ENOMEM;
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->o = *options;
    /* the machine that cuts each order's boxes: the allowed sizes */
    bx_box m;
    bx_box_init(&m);
    strcpy(m.box_id, "need");
    m.inner_l_mm = options->max_mm[0];
    m.inner_w_mm = options->max_mm[1];
    m.inner_h_mm = options->max_mm[2];
    m.outer_l_mm = options->max_mm[0] + options->allowance_mm[0];
    m.outer_w_mm = options->max_mm[1] + options->allowance_mm[1];
    m.outer_h_mm = options->max_mm[2] + options->allowance_mm[2];
    m.max_weight_g = options->max_weight_g;
    m.custom = true;
    m.min_l_mm = options->min_mm[0];
    m.min_w_mm = options->min_mm[1];
    m.min_h_mm = options->min_mm[2];
    m.step_mm = options->step_mm;
    m.grammage_g_m2 = options->grammage_g_m2;
    m.cost = options->cost_per_box;
    m.cost_per_m2 = options->cost_per_m2;
    m.has = BX_BOX_HAS_OUTER | BX_BOX_HAS_CUSTOM | BX_BOX_HAS_MIN | BX_BOX_HAS_STEP |
            BX_BOX_HAS_GRAMMAGE | BX_BOX_HAS_COST | BX_BOX_HAS_COST_M2;
    st = bx_engine_new(ctx, &d->engine, NULL);
    if (st == BX_OK)
        st = bx_catalog_new(ctx, &d->machine, &m, 1);
    if (st != BX_OK) {
        bx_design_free(d);
        return st;
    }
    *out = d;
    return BX_OK;
}

void bx_design_free(bx_design *d)
{
    if (d == NULL)
        return;
    bx_ctx *ctx = d->ctx;
    bx_engine_free(d->engine);
    bx_catalog_free(d->machine);
    bx_free(ctx, d->needs);
    bx_free(ctx, d->lines);
    bx_free(ctx, d->orders);
    bx_free(ctx, d);
}

size_t bx_design_orders(const bx_design *d, bool held_out)
{
    return d == NULL ? 0 : d->n_part[held_out ? 1 : 0];
}

static void pack_options(const bx_design *d, bx_pack_options *o)
{
    bx_pack_options_init(o);
    o->rotation_override = d->o.rotation_override;
    o->budget = d->o.pack_budget;
    o->support = d->o.support;
    o->support_pct = d->o.support_pct;
    switch (d->o.objective) {
    case BX_DESIGN_VOLUME:
    case BX_DESIGN_VOID:
        o->objective = BX_OBJECTIVE_VOLUME;
        break;
    case BX_DESIGN_COST:
        o->objective = BX_OBJECTIVE_COST;
        break;
    default:
        o->objective = BX_OBJECTIVE_MATERIAL; /* board mass: area x grammage */
        break;
    }
}

static int rule_of(const bx_design *d, const bx_order_line *l)
{
    return d->o.rotation_override >= 0 ? d->o.rotation_override : (int)l->rotation;
}

static void sort_down(int32_t v[3])
{
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 2 - x; y++)
            if (v[y] < v[y + 1]) {
                int32_t t = v[y];
                v[y] = v[y + 1];
                v[y + 1] = t;
            }
}

static void normalise(need *n)
{
    if (n->rule == BX_ROTATE_ANY) {
        sort_down(n->d);
    } else if (n->rule == BX_ROTATE_UPRIGHT && n->d[0] < n->d[1]) {
        int32_t t = n->d[0];
        n->d[0] = n->d[1];
        n->d[1] = t;
    }
}

bx_status bx_design_add_order(bx_design *d, const bx_order *order, bool held_out)
{
    if (d == NULL)
        return BX_EINVAL;
    if (order == NULL || order->lines == NULL || order->nlines == 0)
        return bxi_error(d->ctx, BX_EINVAL, "bx_design_add_order: empty order");
    bx_status st;
    size_t first_need = d->nneeds;
    if (!held_out) {
        bx_pack_options o;
        pack_options(d, &o);
        const bx_pack_result *r = NULL;
        st = bx_pack(d->engine, d->machine, order, &o, &r);
        if (st != BX_OK)
            return st;
        if (r->nunpacked > 0) {
            const bx_order_line *l = &order->lines[r->unpacked[0].line];
            bx_location at = {"order history", l->line, 0, 0, 0, "item_id"};
            return bxi_input_error(
                d->ctx, BX_EINPUT, &at,
                "order '%s': item '%s' (%d x %d x %d mm, %lld g) fits no size within the "
                "largest allowed, %d x %d x %d mm and %lld g (%s)",
                l->order_id, l->item_id, l->l_mm, l->w_mm, l->h_mm, (long long)l->weight_g,
                d->o.max_mm[0], d->o.max_mm[1], d->o.max_mm[2], (long long)d->o.max_weight_g,
                bx_unpacked_reason_text(r->unpacked[0].reason));
        }
        st = bxi_grow(d->ctx, (void **)&d->needs, &d->needs_cap, d->nneeds + r->nboxes,
                      sizeof *d->needs, SIZE_MAX / sizeof(need), "needs");
        if (st != BX_OK)
            return st;
        for (size_t b = 0; b < r->nboxes; b++) {
            const bx_packed_box *pb = &r->boxes[b];
            need *n = &d->needs[d->nneeds++];
            n->d[0] = pb->box->inner_l_mm;
            n->d[1] = pb->box->inner_w_mm;
            n->d[2] = pb->box->inner_h_mm;
            n->weight = 1;
            n->content_mm3 = 0;
            n->pass_mm3 = 0;
            /* the whole box turns as its strictest unit lets it */
            int rule = BX_ROTATE_ANY;
            for (size_t k = 0; k < pb->nplacements; k++) {
                int lr = rule_of(d, &order->lines[r->placements[pb->first_placement + k].line]);
                if (lr > rule)
                    rule = lr;
                if (d->o.objective == BX_DESIGN_COMPLIANCE) {
                    const bx_order_line *l =
                        &order->lines[r->placements[pb->first_placement + k].line];
                    n->content_mm3 += (int64_t)l->l_mm * l->w_mm * l->h_mm;
                }
            }
            n->rule = (uint8_t)rule;
            normalise(n);
        }
    }
    st = bxi_grow(d->ctx, (void **)&d->lines, &d->lines_cap, d->nlines + order->nlines,
                  sizeof *d->lines, SIZE_MAX / sizeof *d->lines, "order lines");
    if (st == BX_OK)
        st = bxi_grow(d->ctx, (void **)&d->orders, &d->orders_cap, d->norders + 1,
                      sizeof *d->orders, SIZE_MAX / sizeof *d->orders, "orders");
    if (st != BX_OK) {
        d->nneeds = first_need;
        return st;
    }
    memcpy(d->lines + d->nlines, order->lines, order->nlines * sizeof *d->lines);
    d->orders[d->norders++] = (stored_order){d->nlines, order->nlines, held_out};
    d->nlines += order->nlines;
    d->n_part[held_out ? 1 : 0]++;
    d->merged = false;
    return BX_OK;
}

static int cmp_need(const void *a, const void *b)
{
    const need *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    for (int i = 0; i < 3; i++)
        if (x->d[i] != y->d[i])
            return x->d[i] < y->d[i] ? -1 : 1;
    if (x->content_mm3 != y->content_mm3)
        return x->content_mm3 < y->content_mm3 ? -1 : 1;
    return 0;
}

static void merge_needs(bx_design *d)
{
    if (d->merged || d->nneeds == 0)
        return;
    qsort(d->needs, d->nneeds, sizeof *d->needs, cmp_need);
    size_t n = 0;
    for (size_t i = 0; i < d->nneeds; i++) {
        if (n > 0 && cmp_need(&d->needs[n - 1], &d->needs[i]) == 0)
            d->needs[n - 1].weight += d->needs[i].weight;
        else
            d->needs[n++] = d->needs[i];
    }
    d->nneeds = n;
    d->merged = true;
}

size_t bx_design_needs(const bx_design *d)
{
    if (d == NULL)
        return 0;
    merge_needs((bx_design *)d);
    return d->nneeds;
}

/* ---- the model ------------------------------------------------------------ */

/* Does size s hold need n (the box's contents turned as its rule lets
 * them)? If so and `at` is not NULL, the need's extents along s's axes. */
static bool holds(const int32_t s[3], const need *n, int32_t at[3])
{
    switch (n->rule) {
    case BX_ROTATE_ANY: {
        /* rank-match: the need's longest side along s's longest, ... */
        int idx[3] = {0, 1, 2};
        for (int x = 0; x < 2; x++)
            for (int y = 0; y < 2 - x; y++)
                if (s[idx[y]] < s[idx[y + 1]]) {
                    int t = idx[y];
                    idx[y] = idx[y + 1];
                    idx[y + 1] = t;
                }
        for (int k = 0; k < 3; k++)
            if (n->d[k] > s[idx[k]])
                return false;
        if (at != NULL)
            for (int k = 0; k < 3; k++)
                at[idx[k]] = n->d[k];
        return true;
    }
    case BX_ROTATE_UPRIGHT:
        if (n->d[2] > s[2])
            return false;
        if (n->d[0] <= s[0] && n->d[1] <= s[1]) {
            if (at != NULL) {
                at[0] = n->d[0];
                at[1] = n->d[1];
                at[2] = n->d[2];
            }
            return true;
        }
        if (n->d[1] <= s[0] && n->d[0] <= s[1]) {
            if (at != NULL) {
                at[0] = n->d[1];
                at[1] = n->d[0];
                at[2] = n->d[2];
            }
            return true;
        }
        return false;
    default:
        if (n->d[0] > s[0] || n->d[1] > s[1] || n->d[2] > s[2])
            return false;
        if (at != NULL)
            memcpy(at, n->d, sizeof n->d);
        return true;
    }
}

static int64_t board_mm2_of(const bx_design *d, const int32_t s[3])
{
    int64_t l = s[0] + d->o.allowance_mm[0], w = s[1] + d->o.allowance_mm[1],
            h = s[2] + d->o.allowance_mm[2];
    return (2 * l + 2 * w + 30) * (h + w);
}

/* A size's measure in the objective's unit (per box). */
static double size_cost(const bx_design *d, const int32_t s[3])
{
    double area_m2 = (double)board_mm2_of(d, s) * 1e-6;
    switch (d->o.objective) {
    case BX_DESIGN_BOARD_MASS:
        return area_m2 * d->o.grammage_g_m2 * 1e-3;
    case BX_DESIGN_VOLUME:
    case BX_DESIGN_VOID:
        return (double)s[0] * s[1] * s[2] * 1e-9;
    case BX_DESIGN_COST:
        return d->o.cost_per_box + d->o.cost_per_m2 * area_m2;
    case BX_DESIGN_CO2E:
        return area_m2 * d->o.grammage_g_m2 * 1e-3 * d->o.co2e_g_per_kg * 1e-3;
    default:
        return area_m2;
    }
}

/* What size c costs the need: its own measure, plus the penalty under
 * COMPLIANCE when it leaves the need's contents above the void limit.
 * Never below m->ccost[c], which the searches use as a bound. */
struct model;
static double need_cost(const struct model *m, size_t c, const need *n);

typedef struct model {
    bx_design *d;
    size3 *cand;        /* candidate sizes */
    double *ccost;
    size_t ncand, cand_cap;
    size_t *set;        /* chosen: indices into cand */
    size_t nset;
    double *cur;        /* per need: cost of the cheapest chosen size holding it */
    size_t *best;       /* per need: which entry of set (SIZE_MAX none) */
    double *second;     /* per need: the next cheapest */
    uint64_t budget;
} model;

static double need_cost(const model *m, size_t c, const need *n)
{
    double cc = m->ccost[c];
    if (m->d->o.objective == BX_DESIGN_COMPLIANCE) {
        const int32_t *s = m->cand[c].d;
        if ((double)s[0] * s[1] * s[2] > n->pass_mm3)
            cc += BX_DESIGN_VOID_PENALTY;
    }
    return cc;
}

static bool out_of_work(const model *m)
{
    return m->d->work >= m->budget;
}

static void assign(model *m)
{
    bx_design *d = m->d;
    for (size_t i = 0; i < d->nneeds; i++) {
        double b1 = UNCOVERED, b2 = UNCOVERED;
        size_t bi = SIZE_MAX;
        for (size_t k = 0; k < m->nset; k++) {
            const size3 *s = &m->cand[m->set[k]];
            double c = m->ccost[m->set[k]];
            if (c >= b2)
                continue;
            d->work++;
            if (!holds(s->d, &d->needs[i], NULL))
                continue;
            c = need_cost(m, m->set[k], &d->needs[i]);
            if (c >= b2)
                continue;
            if (c < b1) {
                b2 = b1;
                b1 = c;
                bi = k;
            } else {
                b2 = c;
            }
        }
        m->cur[i] = b1;
        m->best[i] = bi;
        m->second[i] = b2;
    }
}

static double total(const model *m)
{
    double t = 0;
    for (size_t i = 0; i < m->d->nneeds; i++)
        t += (double)m->d->needs[i].weight * m->cur[i];
    return t;
}

static bx_status add_candidate(model *m, const int32_t s[3], bool keep, size_t keep_index,
                               size_t *index)
{
    for (size_t k = 0; k < m->ncand; k++)
        if (memcmp(m->cand[k].d, s, sizeof m->cand[k].d) == 0 && m->cand[k].keep == keep) {
            *index = k;
            return BX_OK;
        }
    size_t cap = m->cand_cap;
    bx_status st = bxi_grow(m->d->ctx, (void **)&m->cand, &m->cand_cap, m->ncand + 1,
                            sizeof *m->cand, SIZE_MAX / 64, "candidate sizes");
    if (st != BX_OK)
        return st;
    if (m->cand_cap != cap) {
        double *c = bx_realloc(m->d->ctx, m->ccost, m->cand_cap * sizeof *c);
        if (c == NULL)
            return BX_ENOMEM;
        m->ccost = c;
    }
    size3 *z = &m->cand[m->ncand];
    memcpy(z->d, s, sizeof z->d);
    z->keep = keep;
    z->keep_index = keep_index;
    m->ccost[m->ncand] = size_cost(m->d, s);
    *index = m->ncand++;
    return BX_OK;
}

static bool fits_limits(const bx_design *d, const int32_t s[3])
{
    for (int a = 0; a < 3; a++)
        if (s[a] < d->o.min_mm[a] || s[a] > d->o.max_mm[a])
            return false;
    return true;
}

/* A need as a size: as normalised, or turned (as its rule allows) to fit
 * the limits. False if no turn fits. */
static bool need_as_size(const bx_design *d, const need *n, int32_t s[3])
{
    memcpy(s, n->d, 3 * sizeof *s);
    if (fits_limits(d, s))
        return true;
    if (n->rule == BX_ROTATE_FIXED)
        return false;
    static const int perms[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1},
                                    {2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
    int nperm = n->rule == BX_ROTATE_UPRIGHT ? 2 : 6;
    for (int p = 0; p < nperm; p++) {
        for (int a = 0; a < 3; a++)
            s[a] = n->d[perms[p][a]];
        if (fits_limits(d, s))
            return true;
    }
    return false;
}

/* Greedy: add the candidate that lowers the total most until n sizes or
 * none lowers it. */
static void greedy(model *m, size_t n)
{
    bx_design *d = m->d;
    while (m->nset < n && !out_of_work(m)) {
        double best_gain = 0;
        size_t best = SIZE_MAX;
        for (size_t c = 0; c < m->ncand && !out_of_work(m); c++) {
            if (m->cand[c].keep)
                continue;
            bool chosen = false;
            for (size_t k = 0; k < m->nset && !chosen; k++)
                chosen = m->set[k] == c;
            if (chosen)
                continue;
            double gain = 0, cc = m->ccost[c];
            for (size_t i = 0; i < d->nneeds; i++) {
                if (cc >= m->cur[i])
                    continue;
                d->work++;
                if (!holds(m->cand[c].d, &d->needs[i], NULL))
                    continue;
                double nc = need_cost(m, c, &d->needs[i]);
                if (nc < m->cur[i])
                    gain += (double)d->needs[i].weight * (m->cur[i] - nc);
            }
            if (gain > best_gain * (1 + 1e-12) + 1e-15) {
                best_gain = gain;
                best = c;
            }
        }
        if (best == SIZE_MAX)
            break;
        m->set[m->nset++] = best;
        assign(m);
    }
}

/* Tighten each chosen size to the largest extents of the needs it serves
 * (turned into its frame); a size that serves none is left. */
static bx_status tighten(model *m, bool *changed)
{
    bx_design *d = m->d;
    *changed = false;
    for (size_t k = 0; k < m->nset; k++) {
        const size3 *s = &m->cand[m->set[k]];
        if (s->keep)
            continue;
        int32_t t[3] = {0, 0, 0};
        bool any = false;
        for (size_t i = 0; i < d->nneeds; i++) {
            if (m->best[i] != k)
                continue;
            int32_t at[3];
            if (!holds(s->d, &d->needs[i], at))
                continue;
            any = true;
            for (int a = 0; a < 3; a++)
                if (at[a] > t[a])
                    t[a] = at[a];
        }
        if (!any)
            continue;
        for (int a = 0; a < 3; a++)
            if (t[a] < d->o.min_mm[a])
                t[a] = d->o.min_mm[a];
        if (memcmp(t, s->d, sizeof t) == 0 || size_cost(d, t) >= m->ccost[m->set[k]])
            continue;
        size_t idx;
        bx_status st = add_candidate(m, t, false, 0, &idx);
        if (st != BX_OK)
            return st;
        m->set[k] = idx;
        *changed = true;
    }
    if (*changed)
        assign(m);
    return BX_OK;
}

/* One pass of swaps: the first that lowers the total is made. */
static bool swap_pass(model *m)
{
    bx_design *d = m->d;
    for (size_t k = 0; k < m->nset; k++) {
        if (m->cand[m->set[k]].keep)
            continue;
        for (size_t c = 0; c < m->ncand; c++) {
            if (out_of_work(m))
                return false;
            if (m->cand[c].keep)
                continue;
            bool chosen = false;
            for (size_t j = 0; j < m->nset && !chosen; j++)
                chosen = m->set[j] == c;
            if (chosen)
                continue;
            double delta = 0, cc = m->ccost[c];
            for (size_t i = 0; i < d->nneeds; i++) {
                double without = m->best[i] == k ? m->second[i] : m->cur[i];
                double now = without;
                if (cc < without) {
                    d->work++;
                    if (holds(m->cand[c].d, &d->needs[i], NULL)) {
                        double nc = need_cost(m, c, &d->needs[i]);
                        if (nc < without)
                            now = nc;
                    }
                }
                delta += (double)d->needs[i].weight * (now - m->cur[i]);
            }
            if (delta < -1e-9 * (1 + fabs(total(m)))) {
                m->set[k] = c;
                assign(m);
                return true;
            }
        }
    }
    return false;
}

static void free_model(model *m)
{
    bx_ctx *ctx = m->d->ctx;
    bx_free(ctx, m->cand);
    bx_free(ctx, m->ccost);
    bx_free(ctx, m->set);
    bx_free(ctx, m->cur);
    bx_free(ctx, m->best);
    bx_free(ctx, m->second);
}

static int cmp_volume(const void *a, const void *b)
{
    const bx_box *x = a, *y = b;
    int64_t vx = pk_inner_volume(x), vy = pk_inner_volume(y);
    if (vx != vy)
        return vx < vy ? -1 : 1;
    for (int i = 0; i < 3; i++) {
        int32_t p = i == 0 ? x->inner_l_mm : i == 1 ? x->inner_w_mm : x->inner_h_mm;
        int32_t q = i == 0 ? y->inner_l_mm : i == 1 ? y->inner_w_mm : y->inner_h_mm;
        if (p != q)
            return p < q ? -1 : 1;
    }
    return 0;
}

static void size_record(const bx_design *d, const int32_t s[3], bx_box *b)
{
    bx_box_init(b);
    b->inner_l_mm = s[0];
    b->inner_w_mm = s[1];
    b->inner_h_mm = s[2];
    b->outer_l_mm = s[0] + d->o.allowance_mm[0];
    b->outer_w_mm = s[1] + d->o.allowance_mm[1];
    b->outer_h_mm = s[2] + d->o.allowance_mm[2];
    b->has |= BX_BOX_HAS_OUTER;
    b->max_weight_g = d->o.max_weight_g;
    int64_t board_g = (board_mm2_of(d, s) * d->o.grammage_g_m2 + 500000) / 1000000;
    strcpy(b->material, "corrugated");
    b->material_mass_g = board_g;
    b->has |= BX_BOX_HAS_MATERIAL | BX_BOX_HAS_MATERIAL_MASS;
    if (board_g < b->max_weight_g) {
        b->tare_g = board_g;
        b->has |= BX_BOX_HAS_TARE;
    }
    if (d->o.cost_per_box > 0 || d->o.cost_per_m2 > 0) {
        b->cost = d->o.cost_per_box + d->o.cost_per_m2 * (double)board_mm2_of(d, s) * 1e-6;
        b->has |= BX_BOX_HAS_COST;
    }
}

/* The chosen sizes as a catalog: kept sizes first, then the new ones by
 * inner volume, named D01, D02, ... */
static bx_status set_catalog(const model *m, bx_catalog **out)
{
    const bx_design *d = m->d;
    bx_box *boxes = bx_alloc(d->ctx, (m->nset + 1) * sizeof *boxes);
    if (boxes == NULL)
        return BX_ENOMEM;
    size_t nb = 0, nnew = 0;
    for (size_t k = 0; k < m->nset; k++)
        if (m->cand[m->set[k]].keep)
            boxes[nb++] = *bx_catalog_box(d->o.keep, m->cand[m->set[k]].keep_index);
    size_t first_new = nb;
    for (size_t k = 0; k < m->nset; k++)
        if (!m->cand[m->set[k]].keep) {
            size_record(d, m->cand[m->set[k]].d, &boxes[nb++]);
            nnew++;
        }
    qsort(boxes + first_new, nnew, sizeof *boxes, cmp_volume);
    for (size_t k = 0; k < nnew; k++)
        snprintf(boxes[first_new + k].box_id, BX_ID_MAX, "D%02zu", k + 1);
    bx_status st = bx_catalog_new(d->ctx, out, boxes, nb);
    bx_free(d->ctx, boxes);
    return st;
}

/* Size s grown to hold need n (turned as its rule allows, the turn that
 * costs least), within the limits. False if no turn fits the limits. */
static bool grow_to_hold(const bx_design *d, const int32_t s[3], const need *n, int32_t g[3])
{
    static const int perms[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1},
                                    {2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
    int nperm = n->rule == BX_ROTATE_ANY ? 6 : n->rule == BX_ROTATE_UPRIGHT ? 2 : 1;
    double best = HUGE_VAL;
    for (int p = 0; p < nperm; p++) {
        int32_t t[3];
        for (int a = 0; a < 3; a++) {
            int32_t v = n->d[perms[p][a]];
            t[a] = v > s[a] ? v : s[a];
        }
        if (!fits_limits(d, t))
            continue;
        double c = size_cost(d, t);
        if (c < best) {
            best = c;
            memcpy(g, t, sizeof t);
        }
    }
    return best < HUGE_VAL;
}

/* The needs of one order: its boxes cut by the design's machine. */
static bx_status order_needs(bx_design *d, const bx_order *order, need *out, size_t cap,
                             size_t *n)
{
    bx_pack_options o;
    pack_options(d, &o);
    const bx_pack_result *r = NULL;
    bx_status st = bx_pack(d->engine, d->machine, order, &o, &r);
    if (st != BX_OK)
        return st;
    *n = 0;
    for (size_t b = 0; b < r->nboxes && *n < cap; b++) {
        const bx_packed_box *pb = &r->boxes[b];
        need *x = &out[(*n)++];
        memset(x, 0, sizeof *x);
        x->d[0] = pb->box->inner_l_mm;
        x->d[1] = pb->box->inner_w_mm;
        x->d[2] = pb->box->inner_h_mm;
        int rule = BX_ROTATE_ANY;
        for (size_t k = 0; k < pb->nplacements; k++) {
            int lr = rule_of(d, &order->lines[r->placements[pb->first_placement + k].line]);
            if (lr > rule)
                rule = lr;
        }
        x->rule = (uint8_t)rule;
        normalise(x);
    }
    return BX_OK;
}

#define REPAIR_ROUNDS 4
#define REPAIR_NEEDS 8 /* needs of one order looked at */

/* Repack the design orders into the chosen sizes; where an order leaves
 * units out (the engine packs it differently from the machine, a larger
 * size's board takes it over the weight limit, kept sizes cannot hold it),
 * repair the set: add the order's need as a size while fewer than n_sizes
 * are chosen, else grow the new size whose growth to hold it raises the
 * model's total least. Up to REPAIR_ROUNDS rounds; a warning names the
 * orders still left with units out. */
static bx_status repair(model *m, uint32_t n_sizes)
{
    bx_design *d = m->d;
    bx_pack_options o;
    pack_options(d, &o);
    o.objective = BX_OBJECTIVE_BOXES;
    size_t failing = 0;
    const char *first = NULL;
    for (int round = 0; round <= REPAIR_ROUNDS; round++) {
        bx_catalog *cat = NULL;
        bx_status st = set_catalog(m, &cat);
        if (st != BX_OK)
            return st;
        failing = 0;
        first = NULL;
        bool changed = false;
        for (size_t i = 0; i < d->norders && st == BX_OK; i++) {
            const stored_order *so = &d->orders[i];
            if (so->held_out)
                continue;
            bx_order order = {d->lines + so->first, so->n};
            const bx_pack_result *r = NULL;
            st = bx_pack(d->engine, cat, &order, &o, &r);
            if (st != BX_OK || bxi_pk_unpacked_units(r) == 0)
                continue;
            failing++;
            if (first == NULL)
                first = order.lines[0].order_id;
            if (round == REPAIR_ROUNDS)
                continue;
            need nn[REPAIR_NEEDS];
            size_t k = 0;
            st = order_needs(d, &order, nn, REPAIR_NEEDS, &k);
            for (size_t j = 0; j < k && st == BX_OK; j++) {
                int32_t s[3];
                size_t idx;
                if (m->nset < n_sizes && need_as_size(d, &nn[j], s)) {
                    st = add_candidate(m, s, false, 0, &idx);
                    if (st == BX_OK) {
                        m->set[m->nset++] = idx;
                        changed = true;
                    }
                    continue;
                }
                /* grow the new size that costs the model least to grow */
                double best = HUGE_VAL;
                size_t best_k = SIZE_MAX;
                int32_t best_s[3] = {0, 0, 0};
                for (size_t c = 0; c < m->nset; c++) {
                    const size3 *z = &m->cand[m->set[c]];
                    int32_t g[3];
                    if (z->keep || !grow_to_hold(d, z->d, &nn[j], g) ||
                        memcmp(g, z->d, sizeof g) == 0)
                        continue;
                    st = add_candidate(m, g, false, 0, &idx);
                    if (st != BX_OK)
                        break;
                    size_t was = m->set[c];
                    m->set[c] = idx;
                    assign(m);
                    double t = total(m);
                    m->set[c] = was;
                    if (t < best) {
                        best = t;
                        best_k = c;
                        memcpy(best_s, g, sizeof g);
                    }
                }
                if (st == BX_OK && best_k != SIZE_MAX) {
                    st = add_candidate(m, best_s, false, 0, &idx);
                    m->set[best_k] = idx;
                    changed = true;
                }
            }
            assign(m);
        }
        bx_catalog_free(cat);
        if (st != BX_OK)
            return st;
        if (failing == 0 || !changed)
            break;
    }
    if (failing > 0) {
        bx_location at = {"design", 0, 0, 0, 0, "sizes"};
        return bxi_warn(d->ctx, &at,
                        "%zu orders of the history (the first '%s') leave units unpacked in "
                        "the designed sizes, after repair", failing, first);
    }
    return BX_OK;
}

bx_status bx_design_run(bx_design *d, uint32_t n_sizes, bx_catalog **out, double *objective)
{
    if (d == NULL)
        return BX_EINVAL;
    if (out == NULL)
        return bxi_error(d->ctx, BX_EINVAL, "bx_design_run: out is NULL");
    *out = NULL;
    merge_needs(d);
    size_t nkeep = d->o.keep != NULL ? bx_catalog_count(d->o.keep) : 0;
    bx_location at = {"design", 0, 0, 0, 0, NULL};
    if (d->nneeds == 0) {
        at.field = "orders";
        return bxi_input_error(d->ctx, BX_EINPUT, &at,
                               "the order history is empty: no order to design sizes for");
    }
    if (n_sizes == 0 || n_sizes > BX_DESIGN_MAX_SIZES || n_sizes < nkeep) {
        at.field = "sizes";
        return bxi_input_error(d->ctx, BX_EINPUT, &at,
                               "%u sizes: ask for 1..%d, and at least the %zu kept", n_sizes,
                               BX_DESIGN_MAX_SIZES, nkeep);
    }
    if (n_sizes - nkeep > d->nneeds) {
        at.field = "sizes";
        bx_status st = bxi_warn(d->ctx, &at,
                                "%u sizes asked, but the history has only %zu distinct needs: "
                                "at most %zu new sizes can serve one", n_sizes, d->nneeds,
                                d->nneeds);
        if (st != BX_OK)
            return st;
    }
    for (size_t i = 0; i < d->nneeds; i++) {
        need *n = &d->needs[i];
        n->pass_mm3 = d->o.void_max >= 1 ? HUGE_VAL
                      : d->o.void_k * (double)n->content_mm3 / (1 - d->o.void_max);
    }
    d->work = 0;
    model m = {.d = d, .budget = d->o.budget ? d->o.budget : DEFAULT_BUDGET};
    bx_ctx *ctx = d->ctx;
    bx_status st = BX_OK;
    m.set = bx_alloc(ctx, (n_sizes + 1) * sizeof *m.set);
    m.cur = bx_alloc(ctx, d->nneeds * sizeof *m.cur);
    m.best = bx_alloc(ctx, d->nneeds * sizeof *m.best);
    m.second = bx_alloc(ctx, d->nneeds * sizeof *m.second);
    if (m.set == NULL || m.cur == NULL || m.best == NULL || m.second == NULL)
        st = BX_ENOMEM;
    /* kept sizes first, then every need as a size, then one that holds
     * them all (the largest extents, as far as the limits allow) */
    for (size_t k = 0; k < nkeep && st == BX_OK; k++) {
        const bx_box *b = bx_catalog_box(d->o.keep, k);
        const int32_t s[3] = {b->inner_l_mm, b->inner_w_mm, b->inner_h_mm};
        size_t idx;
        st = add_candidate(&m, s, true, k, &idx);
        if (st == BX_OK)
            m.set[m.nset++] = idx;
    }
    int32_t cover[3] = {0, 0, 0};
    for (size_t i = 0; i < d->nneeds && st == BX_OK; i++) {
        int32_t s[3];
        if (!need_as_size(d, &d->needs[i], s))
            continue;
        for (int a = 0; a < 3; a++)
            if (s[a] > cover[a])
                cover[a] = s[a];
        size_t idx;
        st = add_candidate(&m, s, false, 0, &idx);
    }
    if (st == BX_OK && n_sizes > nkeep) {
        for (int a = 0; a < 3; a++)
            if (cover[a] > d->o.max_mm[a])
                cover[a] = d->o.max_mm[a];
        size_t idx;
        st = add_candidate(&m, cover, false, 0, &idx);
        if (st == BX_OK)
            m.set[m.nset++] = idx;
    }
    if (st == BX_OK) {
        assign(&m);
        greedy(&m, n_sizes);
        bool changed = true;
        while (st == BX_OK && !out_of_work(&m)) {
            st = tighten(&m, &changed);
            if (st != BX_OK || out_of_work(&m))
                break;
            if (!swap_pass(&m) && !changed)
                break;
        }
    }
    if (st == BX_OK)
        st = repair(&m, n_sizes);
    if (st == BX_OK && m.nset < n_sizes) {
        at.field = "sizes";
        st = bxi_warn(ctx, &at, "%u sizes asked; %zu serve the history's needs (another "
                      "would hold none of them more cheaply)", n_sizes, m.nset);
    }
    size_t uncovered = 0;
    for (size_t i = 0; i < d->nneeds && st == BX_OK; i++)
        if (m.best[i] == SIZE_MAX)
            uncovered += d->needs[i].weight;
    if (st == BX_OK && uncovered > 0) {
        at.field = "sizes";
        st = bxi_warn(ctx, &at, "%zu boxes of the history fit none of the %zu sizes "
                      "(too few sizes for the limits given)", uncovered, m.nset);
    }
    if (st == BX_OK && objective != NULL)
        *objective = total(&m);
    if (st == BX_OK)
        st = set_catalog(&m, out);
    free_model(&m);
    return st;
}

/* ---- evaluation ------------------------------------------------------------ */

bx_status bx_design_evaluate(bx_design *d, const bx_catalog *catalog, bx_policy *policy,
                             bool held_out, bx_design_eval *eval, uint64_t *usage)
{
    if (d == NULL)
        return BX_EINVAL;
    if (catalog == NULL || eval == NULL)
        return bxi_error(d->ctx, BX_EINVAL, "bx_design_evaluate: bad argument");
    memset(eval, 0, sizeof *eval);
    size_t nbox = bx_catalog_count(catalog);
    if (usage != NULL)
        memset(usage, 0, nbox * sizeof *usage);
    bx_pack_options o;
    pack_options(d, &o);
    o.objective = BX_OBJECTIVE_BOXES;
    for (size_t i = 0; i < d->norders; i++) {
        const stored_order *so = &d->orders[i];
        if (so->held_out != held_out)
            continue;
        bx_order order = {d->lines + so->first, so->n};
        const bx_pack_result *r = NULL;
        bx_status st = policy != NULL ? bx_policy_pack(policy, d->engine, &order, &o, &r)
                                      : bx_pack(d->engine, catalog, &order, &o, &r);
        if (st != BX_OK)
            return st;
        eval->orders++;
        eval->boxes += r->nboxes;
        eval->units_unpacked += bxi_pk_unpacked_units(r);
        bool order_fails = false;
        for (size_t v = 0; v < r->nviolations; v++)
            order_fails |= r->violations[v].box_seq == 0;
        for (size_t b = 0; b < r->nboxes; b++) {
            const bx_packed_box *pb = &r->boxes[b];
            const bx_box *box = pb->box;
            int32_t s[3] = {box->inner_l_mm, box->inner_w_mm, box->inner_h_mm};
            int64_t area = bxi_pk_board_area_mm2(box);
            if (area < 0)
                area = board_mm2_of(d, s);
            eval->inner_m3 += (double)pb->inner_volume_mm3 * 1e-9;
            eval->void_m3 += (double)(pb->inner_volume_mm3 - pb->item_volume_mm3) * 1e-9;
            eval->board_m2 += (double)area * 1e-6;
            if (box->has & BX_BOX_HAS_MATERIAL_MASS)
                eval->board_kg += (double)box->material_mass_g * 1e-3;
            else
                eval->board_kg += (double)area * 1e-6 * d->o.grammage_g_m2 * 1e-3;
            if (box->has & BX_BOX_HAS_COST)
                eval->cost += box->cost;
            if (usage != NULL && pb->box_index < nbox)
                usage[pb->box_index]++;
            bool fails = order_fails;
            for (size_t v = 0; v < r->nviolations && !fails; v++)
                fails = r->violations[v].box_seq == b + 1;
            if (policy != NULL && !fails)
                eval->boxes_passing++;
        }
    }
    return BX_OK;
}
