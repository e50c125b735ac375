/*
 * search.c: which boxes, by constructive packing plus improvement.
 *
 * 1. One box: the best-ranked box type that takes every free unit, tried
 *    in rank order with cheap necessary conditions first (volume, payload,
 *    each unit's size), each with several unit orderings and merit
 *    functions; with stable placements then a plan in levels (levels.c)
 *    and a walk over unit sequences (one_box_walk).
 * 2. Otherwise first-fit over bins for every (ordering, merit) pair while
 *    work remains; a unit that fits no open bin opens the largest box type
 *    that holds it. The fewest bins win, then the smallest total measure.
 * 3. Bin elimination: empty the lightest bin into the others (inserting,
 *    or repacking a target bin from scratch with the extra unit, or moving
 *    that target to a larger box type), as long as work remains and the
 *    count is above the lower bound.
 * 3b. At BX_EFFORT_HIGH, regrouping: a few bins at a time repacked
 *    together so that the lightest empties (regroup()).
 * 4. Shrink: repack each bin into the best-ranked box type that still
 *    takes its contents.
 * All choices are deterministic: ties fall to the lower index.
 */
#include <string.h>

#include "engine.h"

/* Resizing considers packings of up to this many boxes, and at most this
 * many multisets of box types. */
#define PK_RESIZE_MAX 6
#define PK_RESIZE_COMBOS 4096

/* ---- orderings ------------------------------------------------------------ */

static int64_t max3(const int32_t d[3])
{
    int32_t m = d[0] > d[1] ? d[0] : d[1];
    return m > d[2] ? m : d[2];
}

/* Sort keys per ordering: larger keys first, then the lower unit index. */
static void keys(const pk_unit *u, int ord, int64_t k[2])
{
    switch (ord) {
    case 0: k[0] = u->volume; k[1] = max3(u->dim); break;
    case 1: k[0] = u->dim[2]; k[1] = (int64_t)u->dim[0] * u->dim[1]; break;
    case 2: k[0] = (int64_t)u->dim[0] * u->dim[1]; k[1] = u->dim[2]; break;
    case 3: k[0] = max3(u->dim); k[1] = u->volume; break;
    case 4: k[0] = (int64_t)u->dim[0] + u->dim[1] + u->dim[2]; k[1] = u->volume; break;
    default: k[0] = u->weight_g; k[1] = u->volume; break;
    }
}

static bool before(const pk_unit *units, int ord, uint32_t a, uint32_t b)
{
    const pk_unit *ua = &units[a], *ub = &units[b];
    /* Fragile units go last so that they end up on top. */
    if (ua->fragile != ub->fragile)
        return !ua->fragile;
    /* ord + PK_ORDERINGS: the same keys, smaller first */
    bool up = ord >= PK_ORDERINGS;
    int64_t ka[2], kb[2];
    keys(ua, ord % PK_ORDERINGS, ka);
    keys(ub, ord % PK_ORDERINGS, kb);
    if (ka[0] != kb[0])
        return up ? ka[0] < kb[0] : ka[0] > kb[0];
    if (ka[1] != kb[1])
        return up ? ka[1] < kb[1] : ka[1] > kb[1];
    return a < b;
}

/* The k-th ordering to try. With stable placements the widest bases go
 * first (ordering 2): units stacked on wide units stand, while a tall
 * narrow unit placed early leaves no top that others can rest on. */
static int nth_ordering(const bx_engine *e, int k)
{
    return e->rules.support ? (k + 2) % PK_ORDERINGS : k;
}

/* Stable merge sort of unit indices (qsort has no context pointer, and the
 * engine has no globals). tmp holds n entries. */
static void sort_units(const pk_unit *units, int ord, uint32_t *a, uint32_t *tmp, uint32_t n)
{
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = before(units, ord, a[j], a[i]) ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, (size_t)n * sizeof *a);
    }
}

/* The engine's index lists: [0] input, [1] sorted, [2] sort scratch,
 * [3] a bin's contents, [4] bins by weight, [5] the best first-fit
 * sequence, [6] a perturbed sequence; [4] also lists the candidate box
 * types of the one-box phase. Each holds list_len entries. */
static uint32_t *list(bx_engine *e, int k)
{
    return e->idx + (size_t)k * e->list_len;
}

/* ---- bins sets -------------------------------------------------------------- */

bx_status bxi_pk_bins_reserve(bx_ctx *ctx, pk_bins *s, uint32_t n)
{
    if (n <= s->capbins)
        return BX_OK;
    uint32_t cap = s->capbins ? s->capbins : 4;
    while (cap < n)
        cap *= 2;
    pk_bin *p = bx_realloc(ctx, s->bins, (size_t)cap * sizeof *p);
    if (p == NULL)
        return BX_ENOMEM;
    memset(p + s->capbins, 0, (size_t)(cap - s->capbins) * sizeof *p);
    s->bins = p;
    s->capbins = cap;
    return BX_OK;
}

bx_status bxi_pk_bins_copy(bx_ctx *ctx, pk_bins *dst, const pk_bins *src)
{
    bx_status st = bxi_pk_bins_reserve(ctx, dst, src->nbins);
    for (uint32_t i = 0; st == BX_OK && i < src->nbins; i++)
        st = bxi_pk_bin_copy(ctx, &dst->bins[i], &src->bins[i]);
    if (st == BX_OK) {
        dst->nbins = src->nbins;
        dst->nleft = src->nleft;
    }
    return st;
}

/* Open a new, empty bin of box `box` at the end of s. */
static pk_bin *open_bin(bx_engine *e, pk_bins *s, uint32_t box)
{
    if (bxi_pk_bins_reserve(e->ctx, s, s->nbins + 1) != BX_OK)
        return NULL;
    pk_bin *b = &s->bins[s->nbins];
    bxi_pk_bin_reset(b, box, bx_catalog_box(e->cat, box));
    if (bxi_pk_bin_reserve(e->ctx, b, e->bin_floor) != BX_OK)
        return NULL;
    bxi_pk_bin_reset(b, box, bx_catalog_box(e->cat, box));
    s->nbins++;
    return b;
}

/* Place a unit with room reserved first; -1 on out of memory. */
static int insert(bx_engine *e, pk_bin *b, uint32_t u, pk_merit merit)
{
    if (bxi_pk_bin_reserve(e->ctx, b, e->bin_floor) != BX_OK)
        return -1;
    return bxi_pk_bin_insert(b, e->units, u, merit, &e->rules, &e->work) ? 1 : 0;
}

/* ---- one box ------------------------------------------------------------------ */

/* The least height unit u takes up in a pile of box b if, in every
 * orientation that fits b, its base is longer than half the box along
 * both floor axes; 0 if some orientation that fits is not that wide. Two
 * such units cannot stand side by side (their bases would overlap in
 * plan), so all of them in one box stand one above the other. */
static int32_t wide_height(const pk_unit *u, const bx_box *b)
{
    int32_t L = b->inner_l_mm, W = b->inner_w_mm, H = b->inner_h_mm, h = 0;
    for (int o = 0; o < u->norient; o++) {
        const int32_t *d = u->orient[o];
        if (d[0] > L || d[1] > W || d[2] > H)
            continue;
        if (2 * (int64_t)d[0] <= L || 2 * (int64_t)d[1] <= W)
            return 0;
        if (h == 0 || d[2] < h)
            h = d[2];
    }
    return h;
}

/* Do units a and b overlap in plan wherever they stand in box b? In every
 * pair of their orientations that fit the box, their lengths add up to
 * more than its length and their widths to more than its width. */
static bool conflict(const pk_unit *a, const pk_unit *c, const bx_box *b)
{
    int32_t L = b->inner_l_mm, W = b->inner_w_mm, H = b->inner_h_mm;
    for (int i = 0; i < a->norient; i++) {
        const int32_t *p = a->orient[i];
        if (p[0] > L || p[1] > W || p[2] > H)
            continue;
        for (int j = 0; j < c->norient; j++) {
            const int32_t *q = c->orient[j];
            if (q[0] > L || q[1] > W || q[2] > H)
                continue;
            if (p[0] + q[0] <= L || p[1] + q[1] <= W)
                return false;
        }
    }
    return true;
}

/* The least vertical extent of u among its orientations that fit box b. */
static int32_t least_height(const pk_unit *u, const bx_box *b)
{
    int32_t h = 0;
    for (int o = 0; o < u->norient; o++) {
        const int32_t *d = u->orient[o];
        if (d[0] <= b->inner_l_mm && d[1] <= b->inner_w_mm && d[2] <= b->inner_h_mm &&
            (h == 0 || d[2] < h))
            h = d[2];
    }
    return h;
}

/* Units that join the wide ones in the pile test of bxi_pk_may_hold, at
 * most (each is tested against every unit already in the pile). */
#define PK_PILE_JOIN 16
/* Above this many units the joining is skipped (it costs n^2 tests). */
#define PK_PILE_UNITS 64

/* Cheap necessary conditions for box `box` to hold units idx[0..n):
 * each unit fits, the volume and the weight, and the units that must
 * stand one above the other pile up within its height: the units wider
 * than half the box both ways, and then (in the order given) other units
 * that overlap each of those already in the pile in plan wherever they
 * stand (see conflict()). */
bool bxi_pk_may_hold(const bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n)
{
    const bx_box *b = bx_catalog_box(e->cat, box);
    int64_t vol = 0, weight = 0, piled = 0;
    bool any_wide = false;
    for (uint32_t i = 0; i < n; i++) {
        const pk_unit *u = &e->units[idx[i]];
        if (!bxi_pk_unit_fits_box(u, b, &e->rules))
            return false;
        vol += u->volume;
        weight += u->weight_g;
        int32_t h = wide_height(u, b);
        piled += h;
        any_wide = any_wide || h > 0;
    }
    int64_t tare = (b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0;
    if (vol > (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm ||
        weight > b->max_weight_g - tare || piled > b->inner_h_mm)
        return false;
    if (!any_wide || n > PK_PILE_UNITS)
        return true;
    uint32_t joined[PK_PILE_JOIN];
    uint32_t nj = 0;
    for (uint32_t i = 0; i < n && nj < PK_PILE_JOIN; i++) {
        const pk_unit *u = &e->units[idx[i]];
        if (wide_height(u, b) > 0)
            continue;
        bool all = true;
        for (uint32_t k = 0; k < n && all; k++)
            if (k != i && wide_height(&e->units[idx[k]], b) > 0)
                all = conflict(u, &e->units[idx[k]], b);
        for (uint32_t k = 0; k < nj && all; k++)
            all = conflict(u, &e->units[idx[joined[k]]], b);
        if (!all)
            continue;
        joined[nj++] = i;
        piled += least_height(u, b);
        if (piled > b->inner_h_mm)
            return false;
    }
    return true;
}

/* Attempts at one bin: every (ordering, merit) pair, then the first
 * ordering with the first unit forced into each of its other orientations
 * (ties at the origin otherwise always go to the first orientation). With
 * stable placements, bottom-left attempts follow: every ordering with ties
 * between orientations going to the later one, then every ordering
 * reversed (smallest key first, so narrow units can carry wide ones),
 * ties either way. */
#define PK_BASE_ATTEMPTS (PK_ORDERINGS * PK_MERIT_COUNT + 5 + 3 * PK_ORDERINGS)

/* With stable placements, stack attempts (see stack_attempt: four with
 * piles, two with layers) come at this place in the sequence. */
#define PK_STACK_ATTEMPTS 6
#define PK_STACK_AT 1
#define PK_ATTEMPTS (PK_BASE_ATTEMPTS + PK_STACK_ATTEMPTS)

/* The share of the budget the one-box phase may use before it finds a box. */

/* ---- stacks ---------------------------------------------------------------- */

/* A stable packing that extreme points often miss in a low box: piles.
 * Units are taken widest flattest base first; each goes on a pile whose
 * top unit carries it (the support share, aligned at the pile's corner)
 * and whose bottom unit's base covers it, so a pile needs no more floor
 * than its bottom unit; a unit that no pile takes starts one. The piles'
 * bottom units are then placed by the merit function (in their planned
 * orientation or turned about the vertical), each followed at once by the
 * rest of its pile at the same corner. A unit that cannot go where its
 * pile says is inserted anywhere by the merit function. Every placement
 * is checked by the same rules as any other. */
typedef struct pk_stack {
    uint32_t bottom, top; /* positions in the sorted list */
    int32_t height;
    int32_t l, w;         /* the bottom unit's base */
    int32_t tl, tw;       /* the top unit's base, as planned */
} pk_stack;

/* The orientation a unit takes in a pile in a box of inner size L x W x H:
 * the flattest that fits, the wider base on ties; -1 if none fits. */
static int flat_orient(const pk_unit *u, int32_t L, int32_t W, int32_t H)
{
    int best = -1;
    for (int o = 0; o < u->norient; o++) {
        const int32_t *d = u->orient[o];
        if (d[0] > L || d[1] > W || d[2] > H)
            continue;
        if (best < 0 || d[2] < u->orient[best][2] ||
            (d[2] == u->orient[best][2] &&
             (int64_t)d[0] * d[1] > (int64_t)u->orient[best][0] * u->orient[best][1]))
            best = o;
    }
    return best;
}

static int find_orient(const pk_unit *u, int32_t l, int32_t w, int32_t h)
{
    for (int o = 0; o < u->norient; o++)
        if (u->orient[o][0] == l && u->orient[o][1] == w && u->orient[o][2] == h)
            return o;
    return -1;
}

/* Does a base l x w at a pile's corner rest on its top unit over the
 * support share (and its centre over it), within the bottom unit's base? */
static bool pile_takes(const pk_stack *s, int32_t l, int32_t w, int32_t pct)
{
    if (l > s->l || w > s->w || 2 * s->tl < l || 2 * s->tw < w)
        return false;
    int64_t cl = l < s->tl ? l : s->tl, cw = w < s->tw ? w : s->tw;
    return 100 * cl * cw >= (int64_t)pct * l * w;
}

/* Pile order: fragile units last (they carry nothing), then the larger
 * planned base, the heavier unit, the lower index. */
static int64_t pile_key(const pk_unit *u, const bx_box *b, bool longest)
{
    int o = flat_orient(u, b->inner_l_mm, b->inner_w_mm, b->inner_h_mm);
    if (o < 0)
        return 0;
    int32_t l = u->orient[o][0], w = u->orient[o][1];
    return longest ? (int64_t)(l > w ? l : w) << 32 | (int64_t)l * w >> 8 : (int64_t)l * w;
}

static bool pile_before(const bx_engine *e, const bx_box *b, bool longest, uint32_t x,
                        uint32_t y)
{
    const pk_unit *ux = &e->units[x], *uy = &e->units[y];
    if (ux->fragile != uy->fragile)
        return !ux->fragile;
    int64_t ax = pile_key(ux, b, longest), ay = pile_key(uy, b, longest);
    if (ax != ay)
        return ax > ay;
    if (ux->weight_g != uy->weight_g)
        return ux->weight_g > uy->weight_g;
    return x < y;
}

static void sort_piles(const bx_engine *e, const bx_box *b, bool longest, uint32_t *a,
                       uint32_t *tmp, uint32_t n)
{
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = pile_before(e, b, longest, a[j], a[i]) ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, (size_t)n * sizeof *a);
    }
}

/* Insert unit u by `merit` in orientation o or o turned about the
 * vertical only: the unit's orientations are narrowed for the call. */
static int insert_as(bx_engine *e, pk_bin *b, uint32_t u, int o, pk_merit merit)
{
    pk_unit *un = &e->units[u];
    int32_t keep[6][3];
    uint8_t nkeep = un->norient;
    memcpy(keep, un->orient, sizeof keep);
    int32_t l = keep[o][0], w = keep[o][1], h = keep[o][2];
    int k = 1;
    if (l != w && find_orient(un, w, l, h) >= 0) {
        un->orient[1][0] = w;
        un->orient[1][1] = l;
        un->orient[1][2] = h;
        k = 2;
    }
    un->orient[0][0] = l;
    un->orient[0][1] = w;
    un->orient[0][2] = h;
    un->norient = (uint8_t)k;
    int r = insert(e, b, u, merit);
    memcpy(un->orient, keep, sizeof keep);
    un->norient = nkeep;
    return r;
}

/* ---- layers ---------------------------------------------------------------- */

/* Layer order: fragile units last, then the larger unit (so the units of
 * a line stay together), the lower line, the lower index. */
static bool layer_before(const bx_engine *e, uint32_t x, uint32_t y)
{
    const pk_unit *ux = &e->units[x], *uy = &e->units[y];
    if (ux->fragile != uy->fragile)
        return !ux->fragile;
    if (ux->volume != uy->volume)
        return ux->volume > uy->volume;
    if (ux->line != uy->line)
        return ux->line < uy->line;
    return x < y;
}

static void sort_layers(const bx_engine *e, uint32_t *a, uint32_t *tmp, uint32_t n)
{
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = layer_before(e, a[j], a[i]) ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, (size_t)n * sizeof *a);
    }
}

/* The orientation for q copies of unit u laid in layers in an L x W x H
 * box: the least total height (layers times the height, a layer holding
 * as many as tile the floor in the orientation or turned), then more per
 * layer; -1 if none fits. */
static int layer_orient(const pk_unit *u, uint32_t q, int32_t L, int32_t W, int32_t H)
{
    int best = -1;
    int64_t best_h = 0, best_per = 0;
    for (int o = 0; o < u->norient; o++) {
        const int32_t *d = u->orient[o];
        if (d[0] > L || d[1] > W || d[2] > H)
            continue;
        int64_t per = (int64_t)(L / d[0]) * (W / d[1]);
        int64_t h = (int64_t)((q + per - 1) / per) * d[2];
        if (best < 0 || h < best_h || (h == best_h && per > best_per)) {
            best = o;
            best_h = h;
            best_per = per;
        }
    }
    return best;
}

/* Layer attempt: the units of each line together, largest first, each
 * line in the orientation that lays its copies in the fewest millimetres
 * of layers (turned about the vertical as the merit likes), placed by
 * `merit`. */
static int layer_attempt(bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n,
                         pk_bin *bin, pk_merit merit)
{
    const bx_box *bb = bx_catalog_box(e->cat, box);
    uint32_t *sorted = list(e, 1);
    memcpy(sorted, idx, (size_t)n * sizeof *idx);
    sort_layers(e, sorted, list(e, 2), n);
    bxi_pk_bin_reset(bin, box, bb);
    for (uint32_t i = 0; i < n;) {
        uint32_t line = e->units[sorted[i]].line, q = 0;
        while (i + q < n && e->units[sorted[i + q]].line == line)
            q++;
        int o = layer_orient(&e->units[sorted[i]], q, bb->inner_l_mm, bb->inner_w_mm,
                             bb->inner_h_mm);
        if (o < 0)
            return 0;
        for (uint32_t k = 0; k < q; k++) {
            int r = insert_as(e, bin, sorted[i + k], o, merit);
            if (r == 0)
                r = insert(e, bin, sorted[i + k], merit);
            if (r <= 0)
                return r;
        }
        i += q;
    }
    return 1;
}

/* Stack attempt v (0 .. PK_STACK_ATTEMPTS): 0-3 piles, the best-fitting
 * pile (the smallest top that takes the unit; 0, 2 with the longest side
 * first, 3) or the lowest pile (1); bottoms placed bottom-left-first (0-2)
 * or by floor tiling (3). 4, 5: layers, bottom-left-first or by floor
 * tiling. Returns as attempt() does. */
static int stack_attempt(bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n,
                         pk_bin *bin, int v)
{
    if (v >= 4)
        return layer_attempt(e, box, idx, n, bin, v == 4 ? PK_MERIT_BLF : PK_MERIT_TILE);
    const bx_box *bb = bx_catalog_box(e->cat, box);
    int32_t L = bb->inner_l_mm, W = bb->inner_w_mm, H = bb->inner_h_mm;
    int32_t pct = e->rules.support_pct;
    bool lowest = v == 1;
    bool longest = v == 2;
    pk_merit merit = v < 3 ? PK_MERIT_BLF : PK_MERIT_TILE;
    uint32_t *sorted = list(e, 1), *above = list(e, 2), *orient = list(e, 6);
    memcpy(sorted, idx, (size_t)n * sizeof *idx);
    sort_piles(e, bb, longest, sorted, above, n);
    pk_stack *st = bxi_pk_engine_scratch(e, (size_t)n * sizeof *st);
    if (st == NULL)
        return -1;
    uint32_t ns = 0;
    for (uint32_t i = 0; i < n; i++) {
        const pk_unit *un = &e->units[sorted[i]];
        int o = flat_orient(un, L, W, H);
        if (o < 0)
            return 0;
        int32_t a = un->orient[o][0], b = un->orient[o][1], h = un->orient[o][2];
        int turned = a != b ? find_orient(un, b, a, h) : -1;
        above[i] = UINT32_MAX;
        uint32_t best = UINT32_MAX;
        int best_o = o;
        int64_t best_key = 0;
        for (uint32_t s = 0; s < ns; s++) {
            if (st[s].height + h > H || e->units[sorted[st[s].top]].fragile)
                continue;
            int so = pile_takes(&st[s], a, b, pct) ? o
                     : turned >= 0 && pile_takes(&st[s], b, a, pct) ? turned : -1;
            if (so < 0)
                continue;
            int64_t key = lowest ? st[s].height : (int64_t)st[s].tl * st[s].tw;
            if (best == UINT32_MAX || key < best_key) {
                best = s;
                best_key = key;
                best_o = so;
            }
        }
        orient[i] = (uint32_t)best_o;
        if (best == UINT32_MAX) {
            st[ns++] = (pk_stack){i, i, h, a, b, a, b};
            continue;
        }
        above[st[best].top] = i;
        st[best].top = i;
        st[best].height += h;
        st[best].tl = un->orient[best_o][0];
        st[best].tw = un->orient[best_o][1];
    }
    bxi_pk_bin_reset(bin, box, bb);
    for (uint32_t s = 0; s < ns; s++) {
        uint32_t i = st[s].bottom;
        int r = insert_as(e, bin, sorted[i], (int)orient[i], merit);
        if (r <= 0)
            return r;
        const pk_item *base = &bin->items[bin->nitems - 1];
        int32_t x = base->x, y = base->y, z = base->z + base->h;
        for (i = above[i]; i != UINT32_MAX; i = above[i]) {
            uint32_t u = sorted[i];
            const pk_unit *un = &e->units[u];
            int32_t l = un->orient[orient[i]][0], w = un->orient[orient[i]][1];
            int32_t h = un->orient[orient[i]][2];
            if (bxi_pk_bin_reserve(e->ctx, bin, e->bin_floor) != BX_OK)
                return -1;
            if (bxi_pk_bin_place_at(bin, e->units, u, x, y, z, l, w, h, &e->rules, &e->work) ||
                (l != w && find_orient(un, w, l, h) >= 0 &&
                 bxi_pk_bin_place_at(bin, e->units, u, x, y, z, w, l, h, &e->rules, &e->work))) {
                z += h;
                continue;
            }
            r = insert(e, bin, u, merit);
            if (r <= 0)
                return r;
        }
    }
    return 1;
}

/* Attempt number a at packing units idx[0..n) into one bin of `box`.
 * 1: all placed; 0: not; -1: out of memory; 2: attempt does not apply. */
static int attempt(bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n, pk_bin *bin,
                   int a)
{
    if (a >= PK_STACK_AT && a < PK_STACK_AT + PK_STACK_ATTEMPTS)
        return e->rules.support ? stack_attempt(e, box, idx, n, bin, a - PK_STACK_AT) : 2;
    if (a >= PK_STACK_AT)
        a -= PK_STACK_ATTEMPTS;
    uint32_t *sorted = list(e, 1);
    int ord, merit, first_orient = -1;
    bool ties_last = false;
    if (a < PK_ORDERINGS * PK_MERIT_COUNT) {
        ord = nth_ordering(e, a / PK_MERIT_COUNT);
        merit = a % PK_MERIT_COUNT;
    } else if (a < PK_ORDERINGS * PK_MERIT_COUNT + 5) {
        ord = nth_ordering(e, 0);
        merit = PK_MERIT_BLF;
        first_orient = a - PK_ORDERINGS * PK_MERIT_COUNT + 1;
    } else {
        if (!e->rules.support)
            return 2;
        int k = a - PK_ORDERINGS * PK_MERIT_COUNT - 5;
        ord = nth_ordering(e, k % PK_ORDERINGS);
        if (k >= PK_ORDERINGS)
            ord += PK_ORDERINGS;
        merit = PK_MERIT_BLF;
        ties_last = k < PK_ORDERINGS || k >= 2 * PK_ORDERINGS;
    }
    memcpy(sorted, idx, (size_t)n * sizeof *idx);
    sort_units(e->units, ord, sorted, list(e, 2), n);
    if (first_orient >= 0 && first_orient >= e->units[sorted[0]].norient)
        return 2;
    bxi_pk_bin_reset(bin, box, bx_catalog_box(e->cat, box));
    uint32_t i = 0;
    if (first_orient >= 0) {
        if (bxi_pk_bin_reserve(e->ctx, bin, e->bin_floor) != BX_OK)
            return -1;
        if (!bxi_pk_bin_place_first(bin, e->units, sorted[0], first_orient, &e->rules))
            return 0;
        e->work.used++;
        i = 1;
    }
    e->rules.ties_last = ties_last;
    int r = 1;
    for (; i < n && r > 0; i++)
        r = insert(e, bin, sorted[i], (pk_merit)merit);
    e->rules.ties_last = false;
    return r;
}

int bxi_pk_pack_single(bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n, pk_bin *bin)
{
    bool first = true;
    for (int a = 0; a < PK_ATTEMPTS; a++) {
        if (!first && pk_out_of_work(&e->work))
            return 0;
        int r = attempt(e, box, idx, n, bin, a);
        if (r == 2)
            continue;
        first = false;
        if (r != 0)
            return r;
    }
    return 0;
}

/* ---- first fit over bins ---------------------------------------------------- */

/* The box type a unit opens, among those that hold it and have stock.
 * Policy 0: the one that could take the largest share of what is still to
 * pack, by volume and by weight, whichever binds (then the larger volume);
 * policy 1: simply the largest by volume. UINT32_MAX if none. */
static uint32_t opener(const bx_engine *e, uint32_t u, int policy, int64_t rem_vol,
                       int64_t rem_weight)
{
    uint32_t best = UINT32_MAX;
    double best_share = -1.0;
    int64_t best_vol = -1;
    for (uint32_t r = 0; r < e->nbox; r++) {
        uint32_t k = e->rank[r];
        const bx_box *b = bx_catalog_box(e->cat, k);
        if (!pk_stock_left(e, k) || !bxi_pk_unit_fits_box(&e->units[u], b, &e->rules))
            continue;
        int64_t v = (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
        int64_t p = b->max_weight_g - ((b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0);
        double share = 1.0;
        if (policy == 0) {
            double sv = rem_vol > 0 ? (double)v / (double)rem_vol : 1.0;
            double sw = rem_weight > 0 ? (double)p / (double)rem_weight : 1.0;
            share = sv < sw ? sv : sw;
            if (share > 1.0)
                share = 1.0;
        }
        if (share > best_share || (share == best_share && v > best_vol)) {
            best_share = share;
            best_vol = v;
            best = k;
        }
    }
    return best;
}

static void count_used(bx_engine *e, const pk_bins *s)
{
    memset(e->used, 0, (size_t)e->nbox * sizeof *e->used);
    for (uint32_t i = 0; i < s->nbins; i++)
        e->used[s->bins[i].box]++;
}

/* First fit of units sorted[0..n) into s (which holds the seed bins). */
static bx_status first_fit(bx_engine *e, pk_bins *s, const uint32_t *sorted, uint32_t n,
                           pk_merit merit, int policy)
{
    count_used(e, s);
    int64_t rem_vol = 0, rem_weight = 0;
    for (uint32_t i = 0; i < n; i++) {
        rem_vol += e->units[sorted[i]].volume;
        rem_weight += e->units[sorted[i]].weight_g;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = sorted[i];
        rem_vol -= e->units[u].volume;
        rem_weight -= e->units[u].weight_g;
        bool placed = false;
        for (uint32_t b = 0; b < s->nbins && !placed; b++) {
            if (s->bins[b].closed)
                continue;
            int r = insert(e, &s->bins[b], u, merit);
            if (r < 0)
                return BX_ENOMEM;
            placed = r == 1;
        }
        if (placed)
            continue;
        uint32_t box = opener(e, u, policy, rem_vol + e->units[u].volume,
                              rem_weight + e->units[u].weight_g);
        if (box == UINT32_MAX) {
            s->nleft++; /* every box that holds it is used up */
            continue;
        }
        pk_bin *nb = open_bin(e, s, box);
        if (nb == NULL)
            return BX_ENOMEM;
        e->used[box]++;
        int r = insert(e, nb, u, merit);
        if (r < 0)
            return BX_ENOMEM;
        if (r == 0)
            return bxi_error(e->ctx, BX_EINTERNAL, "a unit does not fit an empty box that holds it");
    }
    return BX_OK;
}

/* ---- comparing packings ---------------------------------------------------- */

static double total_measure(const bx_engine *e, const pk_bins *s)
{
    double t = 0.0;
    for (uint32_t i = 0; i < s->nbins; i++)
        t += e->measure[s->bins[i].box];
    return t;
}

static int64_t total_volume(const bx_engine *e, const pk_bins *s)
{
    int64_t t = 0;
    for (uint32_t i = 0; i < s->nbins; i++)
        t += (int64_t)s->bins[i].L * s->bins[i].W * s->bins[i].H;
    (void)e;
    return t;
}

static double spread(const pk_bins *s)
{
    double t = 0.0;
    for (uint32_t i = 0; i < s->nbins; i++) {
        double f = (double)s->bins[i].volume / ((double)s->bins[i].L * s->bins[i].W * s->bins[i].H);
        t += f * f;
    }
    return t;
}

static bool improves(const bx_engine *e, const pk_bins *a, const pk_bins *b)
{
    if (a->nleft != b->nleft)
        return a->nleft < b->nleft;
    if (a->nbins != b->nbins)
        return a->nbins < b->nbins;
    double ma = total_measure(e, a), mb = total_measure(e, b);
    if (ma != mb)
        return ma < mb;
    int64_t va = total_volume(e, a), vb = total_volume(e, b);
    if (va != vb)
        return va < vb;
    /* Same boxes: prefer the more uneven load (a larger sum of squared
     * fills), whose emptiest bin is the easiest to eliminate. */
    return spread(a) > spread(b);
}

/* ---- bin elimination ------------------------------------------------------- */

/* The units of bin b into list 3; returns the count. */
static uint32_t contents(bx_engine *e, const pk_bin *b)
{
    uint32_t *l = list(e, 3);
    for (uint32_t i = 0; i < b->nitems; i++)
        l[i] = b->items[i].unit;
    return b->nitems;
}

/* Put unit u into target bin t: insert as is; else repack t from scratch
 * with u added, in its own box type and then in larger ones with stock. */
static int absorb(bx_engine *e, pk_bin *t, uint32_t u)
{
    int r = insert(e, t, u, PK_MERIT_BLF);
    if (r != 0)
        return r;
    if (pk_out_of_work(&e->work))
        return 0;
    uint32_t n = contents(e, t);
    uint32_t *l = list(e, 3);
    l[n++] = u;
    int64_t cur_vol = (int64_t)t->L * t->W * t->H;
    for (uint32_t k = 0; k < e->nbox; k++) {
        uint32_t box = e->rank[k];
        const bx_box *b = bx_catalog_box(e->cat, box);
        int64_t v = (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
        if (box != t->box && (v < cur_vol || !pk_stock_left(e, box)))
            continue;
        if (!bxi_pk_may_hold(e, box, l, n))
            continue;
        r = bxi_pk_pack_single(e, box, l, n, &e->tmp2);
        if (r < 0)
            return -1;
        if (r == 1) {
            if (bxi_pk_bin_copy(e->ctx, t, &e->tmp2) != BX_OK)
                return -1;
            return 1;
        }
        if (pk_out_of_work(&e->work))
            return 0;
    }
    return 0;
}

/* Try to empty bin `victim` of s into the other bins; on success s loses
 * that bin. Works on e->cur as scratch. */
static int eliminate(bx_engine *e, pk_bins *s, uint32_t victim)
{
    if (bxi_pk_bins_copy(e->ctx, &e->cur, s) != BX_OK)
        return -1;
    pk_bins *c = &e->cur;
    pk_bin *v = &c->bins[victim];
    if (v->closed)
        return 0;
    /* A group moves as one or not at all: leave bins holding one alone. */
    for (uint32_t i = 0; i < v->nitems; i++)
        if (e->units[v->items[i].unit].group >= 0)
            return 0;
    /* Move the victim's units, biggest first. */
    uint32_t n = v->nitems;
    uint32_t *moving = list(e, 0);
    for (uint32_t i = 0; i < n; i++)
        moving[i] = v->items[i].unit;
    sort_units(e->units, 0, moving, list(e, 2), n);
    count_used(e, c);
    e->used[v->box]--;
    for (uint32_t i = 0; i < n; i++) {
        bool placed = false;
        for (uint32_t b = 0; b < c->nbins && !placed; b++) {
            if (b == victim || c->bins[b].closed)
                continue;
            uint32_t old_box = c->bins[b].box;
            int r = absorb(e, &c->bins[b], moving[i]);
            if (r < 0)
                return -1;
            if (r == 1) {
                e->used[old_box]--;
                e->used[c->bins[b].box]++;
                placed = true;
            }
        }
        if (!placed)
            return 0;
    }
    /* Drop the emptied bin, keeping the others' order. */
    pk_bin gone = c->bins[victim];
    memmove(&c->bins[victim], &c->bins[victim + 1],
            (size_t)(c->nbins - victim - 1) * sizeof *c->bins);
    c->bins[c->nbins - 1] = gone; /* its arrays stay for reuse */
    c->nbins--;
    return bxi_pk_bins_copy(e->ctx, s, c) == BX_OK ? 1 : -1;
}

static bool movable(const bx_engine *e, const pk_bin *b)
{
    if (b->closed)
        return false;
    for (uint32_t i = 0; i < b->nitems; i++)
        if (e->units[b->items[i].unit].group >= 0)
            return false;
    return true;
}

static int fit_fixed(bx_engine *e, pk_bins *s, const uint32_t *sorted, uint32_t n,
                     pk_merit merit);

/* Drop bin v, emptied by a merge, keeping the others' order; its storage
 * moves to the end for reuse. */
static void drop_bin(pk_bins *s, uint32_t v)
{
    pk_bin gone = s->bins[v];
    memmove(&s->bins[v], &s->bins[v + 1], (size_t)(s->nbins - v - 1) * sizeof *s->bins);
    s->bins[s->nbins - 1] = gone;
    s->nbins--;
}

/* Three into two: repack the lightest bin together with two others into
 * two boxes of those two's types, when moving its units one at a time has
 * failed. order[] lists the bins lightest first; only the lightest few are
 * tried as partners, where room is most likely. 1 on success. */
#define PK_MERGE_PARTNERS 6
static int merge3(bx_engine *e, pk_bins *s, const uint32_t *order, uint32_t nb)
{
    uint32_t v = order[0];
    if (nb < 3 || !movable(e, &s->bins[v]))
        return 0;
    uint32_t top = nb < PK_MERGE_PARTNERS + 1 ? nb : PK_MERGE_PARTNERS + 1;
    for (uint32_t i = 1; i < top; i++) {
        for (uint32_t j = i + 1; j < top; j++) {
            if (pk_out_of_work(&e->work))
                return 0;
            pk_bin *A = &s->bins[order[i]], *B = &s->bins[order[j]], *V = &s->bins[v];
            if (!movable(e, A) || !movable(e, B))
                continue;
            int64_t vol = V->volume + A->volume + B->volume;
            int64_t w = V->weight_g + A->weight_g + B->weight_g;
            if (vol > (int64_t)A->L * A->W * A->H + (int64_t)B->L * B->W * B->H ||
                w > A->max_payload_g + B->max_payload_g)
                continue;
            uint32_t *units = list(e, 0), n = 0;
            const pk_bin *parts[3] = {V, A, B};
            for (int k = 0; k < 3; k++)
                for (uint32_t q = 0; q < parts[k]->nitems; q++)
                    units[n++] = parts[k]->items[q].unit;
            uint32_t boxA = A->box, boxB = B->box;
            for (int a = 0; a < PK_ORDERINGS * PK_MERIT_COUNT && !pk_out_of_work(&e->work); a++) {
                uint32_t *sorted = list(e, 1);
                memcpy(sorted, units, (size_t)n * sizeof *units);
                sort_units(e->units, nth_ordering(e, a / PK_MERIT_COUNT), sorted, list(e, 2), n);
                e->cur.nbins = 0;
                e->cur.nleft = 0;
                if (open_bin(e, &e->cur, boxA) == NULL || open_bin(e, &e->cur, boxB) == NULL)
                    return -1;
                int r = fit_fixed(e, &e->cur, sorted, n, (pk_merit)(a % PK_MERIT_COUNT));
                if (r < 0)
                    return -1;
                if (r == 0)
                    continue;
                if (bxi_pk_bin_copy(e->ctx, A, &e->cur.bins[0]) != BX_OK ||
                    bxi_pk_bin_copy(e->ctx, B, &e->cur.bins[1]) != BX_OK)
                    return -1;
                drop_bin(s, v);
                return 1;
            }
        }
    }
    return 0;
}

/* Two into one: the lightest bin and one other repacked together into a
 * single box of any type with stock, by the one-box attempts (piles and
 * layers among them). A bin that takes the lightest one's units only when
 * it is rearranged as a whole (a kind split between the two, which stacks
 * only when its copies lie together) is out of reach of moving them one
 * at a time. order[] lists the bins lightest first; partners are tried in
 * that order, box types in rank order. A lightest bin of one unit is left
 * to eliminate(), whose repacking does the same. 1 on success. */
static int merge2(bx_engine *e, pk_bins *s, const uint32_t *order, uint32_t nb)
{
    uint32_t v = order[0];
    if (nb < 2 || s->bins[v].nitems < 2 || !movable(e, &s->bins[v]))
        return 0;
    count_used(e, s);
    for (uint32_t i = 1; i < nb && !pk_out_of_work(&e->work); i++) {
        pk_bin *A = &s->bins[order[i]], *V = &s->bins[v];
        if (!movable(e, A))
            continue;
        uint32_t *units = list(e, 3), n = 0;
        const pk_bin *parts[2] = {V, A};
        for (int k = 0; k < 2; k++)
            for (uint32_t q = 0; q < parts[k]->nitems; q++)
                units[n++] = parts[k]->items[q].unit;
        e->used[A->box]--;
        e->used[V->box]--;
        for (uint32_t k = 0; k < e->nbox && !pk_out_of_work(&e->work); k++) {
            uint32_t box = e->rank[k];
            if (!pk_stock_left(e, box) || !bxi_pk_may_hold(e, box, units, n))
                continue;
            int r = bxi_pk_pack_single(e, box, units, n, &e->tmp2);
            if (r < 0)
                return -1;
            if (r != 1)
                continue;
            if (bxi_pk_bin_copy(e->ctx, A, &e->tmp2) != BX_OK)
                return -1;
            drop_bin(s, v);
            return 1;
        }
        e->used[A->box]++;
        e->used[V->box]++;
    }
    return 0;
}

static uint64_t phase_budget(const pk_work *w, uint64_t budget, uint64_t num, uint64_t den);

static bx_status eliminate_bins(bx_engine *e, pk_bins *s, uint32_t lower_bound)
{
    uint32_t *order = list(e, 4);
    bool progress = true;
    while (progress && s->nbins > lower_bound && !pk_out_of_work(&e->work)) {
        progress = false;
        /* Lightest bins first (by item volume, then index): they are the
         * easiest to empty. Insertion sort: there are few bins. */
        uint32_t nb = s->nbins;
        for (uint32_t i = 0; i < nb; i++) {
            uint32_t j = i;
            while (j > 0 && s->bins[order[j - 1]].volume > s->bins[i].volume) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        /* First the lightest bin merged with one other, on a sixth of the
         * work left: a few one-box attempts when it works, and moving
         * units one at a time keeps most of the work when it does not. */
        uint64_t budget = e->work.budget;
        e->work.budget = phase_budget(&e->work, budget, 1, 6);
        int merged = merge2(e, s, order, nb);
        e->work.budget = budget;
        if (merged < 0)
            return BX_ENOMEM;
        if (merged == 1) {
            progress = true;
            continue;
        }
        for (uint32_t t = 0; t < nb && !progress && !pk_out_of_work(&e->work); t++) {
            int r = eliminate(e, s, order[t]);
            if (r < 0)
                return BX_ENOMEM;
            progress = r == 1;
        }
        if (!progress && !pk_out_of_work(&e->work)) {
            int r = merge3(e, s, order, nb);
            if (r < 0)
                return BX_ENOMEM;
            progress = r == 1;
        }
    }
    return BX_OK;
}

/* ---- shrink ---------------------------------------------------------------- */

static bx_status shrink(bx_engine *e, pk_bins *s)
{
    count_used(e, s);
    for (uint32_t b = 0; b < s->nbins; b++) {
        pk_bin *bin = &s->bins[b];
        uint32_t n = contents(e, bin);
        uint32_t *l = list(e, 3);
        bool closed = bin->closed;
        for (uint32_t k = 0; k < e->nbox; k++) {
            uint32_t box = e->rank[k];
            if (box == bin->box)
                break; /* nothing better ranked holds it */
            if (!pk_stock_left(e, box) || !bxi_pk_may_hold(e, box, l, n))
                continue;
            int r = bxi_pk_pack_single(e, box, l, n, &e->tmp);
            if (r < 0)
                return BX_ENOMEM;
            if (r == 1) {
                e->used[bin->box]--;
                e->used[box]++;
                if (bxi_pk_bin_copy(e->ctx, bin, &e->tmp) != BX_OK)
                    return BX_ENOMEM;
                bin->closed = closed;
                break;
            }
            if (pk_out_of_work(&e->work))
                return BX_OK;
        }
    }
    return BX_OK;
}

/* ---- a cheaper set of boxes ------------------------------------------------ */

/* First fit of units sorted[0..n) into the bins of s as they are, opening
 * none: 1 if all fit, 0 if not, -1 out of memory. */
static int fit_fixed(bx_engine *e, pk_bins *s, const uint32_t *sorted, uint32_t n,
                     pk_merit merit)
{
    for (uint32_t i = 0; i < n; i++) {
        bool placed = false;
        for (uint32_t b = 0; b < s->nbins && !placed; b++) {
            int r = insert(e, &s->bins[b], sorted[i], merit);
            if (r < 0)
                return -1;
            placed = r == 1;
        }
        if (!placed)
            return 0;
    }
    return 1;
}

/* Remove bins that hold nothing, keeping the others' order; the removed
 * bins' arrays stay at the end for reuse. */
static void drop_empty(pk_bins *s)
{
    uint32_t keep = 0;
    for (uint32_t b = 0; b < s->nbins; b++) {
        if (s->bins[b].nitems == 0)
            continue;
        if (b != keep) {
            pk_bin t = s->bins[keep];
            s->bins[keep] = s->bins[b];
            s->bins[b] = t;
        }
        keep++;
    }
    s->nbins = keep;
}

typedef struct combo {
    double measure;
    uint8_t box[PK_RESIZE_MAX]; /* ranks, non-decreasing */
} combo;

/* First fit keeps the biggest bin full and leaves a small one for the
 * rest; a balanced split into smaller boxes can be cheaper (two mid boxes
 * instead of a big and a small one). For K bins, try every multiset of K
 * box types that is cheaper than the packing in hand and not ruled out by
 * volume or weight, cheapest first, filling them by first fit. Only for
 * orders without `alone` or group units, whose bins are fixed by rule. */
static bx_status resize_to(bx_engine *e, pk_bins *s, uint32_t K, bool cheaper, bool *done)
{
    *done = false;
    if (K < 2 || K > PK_RESIZE_MAX || e->seed.nbins > 0 || e->nbox > 255)
        return BX_OK;
    /* count multisets: C(T + K - 1, K) */
    uint64_t count = 1;
    for (uint32_t i = 1; i <= K; i++) {
        count = count * (e->nbox + K - i) / i;
        if (count > PK_RESIZE_COMBOS)
            return BX_OK;
    }
    combo *c = bxi_pk_engine_scratch(e, (size_t)count * sizeof *c);
    if (c == NULL)
        return BX_ENOMEM;
    int64_t vol = 0, weight = 0;
    for (uint32_t b = 0; b < s->nbins; b++) {
        vol += s->bins[b].volume;
        weight += s->bins[b].weight_g;
    }
    double current = total_measure(e, s);
    uint32_t nc = 0;
    uint8_t idx[PK_RESIZE_MAX] = {0};
    for (;;) {
        double m = 0;
        int64_t v = 0, p = 0;
        for (uint32_t i = 0; i < K; i++) {
            uint32_t box = e->rank[idx[i]];
            const bx_box *b = bx_catalog_box(e->cat, box);
            m += e->measure[box];
            v += (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
            p += b->max_weight_g - ((b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0);
        }
        if ((!cheaper || m < current) && v >= vol && p >= weight) {
            c[nc].measure = m;
            memcpy(c[nc].box, idx, sizeof idx);
            nc++;
        }
        /* next multiset (non-decreasing indices) */
        int i = (int)K - 1;
        while (i >= 0 && idx[i] == e->nbox - 1)
            i--;
        if (i < 0)
            break;
        idx[i]++;
        for (uint32_t j = (uint32_t)i + 1; j < K; j++)
            idx[j] = idx[i];
    }
    /* cheapest first (insertion sort; stable, so ties keep rank order) */
    for (uint32_t i = 1; i < nc; i++) {
        combo t = c[i];
        uint32_t j = i;
        while (j > 0 && c[j - 1].measure > t.measure) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = t;
    }
    uint32_t *units = list(e, 0), *sorted = list(e, 1);
    uint32_t n = 0;
    for (uint32_t b = 0; b < s->nbins; b++)
        for (uint32_t i = 0; i < s->bins[b].nitems; i++)
            units[n++] = s->bins[b].items[i].unit;
    for (uint32_t t = 0; t < nc && !pk_out_of_work(&e->work); t++) {
        /* stock: the multiset may not use more of a type than there is */
        memset(e->used, 0, (size_t)e->nbox * sizeof *e->used);
        bool stock_ok = true;
        for (uint32_t i = 0; i < K; i++) {
            uint32_t box = e->rank[c[t].box[i]];
            e->used[box]++;
            stock_ok = stock_ok && (e->stock[box] < 0 || (int64_t)e->used[box] <= e->stock[box]);
        }
        if (!stock_ok)
            continue;
        for (int a = 0; a < PK_ORDERINGS * PK_MERIT_COUNT && !pk_out_of_work(&e->work); a++) {
            memcpy(sorted, units, (size_t)n * sizeof *units);
            sort_units(e->units, nth_ordering(e, a / PK_MERIT_COUNT), sorted, list(e, 2), n);
            e->cur.nbins = 0;
            e->cur.nleft = s->nleft;
            /* biggest box first, so first fit fills it first */
            for (int i = (int)K - 1; i >= 0; i--)
                if (open_bin(e, &e->cur, e->rank[c[t].box[i]]) == NULL)
                    return BX_ENOMEM;
            int r = fit_fixed(e, &e->cur, sorted, n, (pk_merit)(a % PK_MERIT_COUNT));
            if (r < 0)
                return BX_ENOMEM;
            if (r == 1) {
                drop_empty(&e->cur); /* first fit may not need them all */
                *done = true;
                return bxi_pk_bins_copy(e->ctx, s, &e->cur);
            }
        }
    }
    return BX_OK;
}

/* Fewer boxes first: while above the lower bound, look for a set of one
 * box less (any box types, cheapest first) that takes everything; then a
 * cheaper set of as many boxes. */
static bx_status resize(bx_engine *e, pk_bins *s, uint32_t lower_bound)
{
    bool done = true;
    bx_status st = BX_OK;
    while (st == BX_OK && done && s->nbins > lower_bound && s->nbins > 2 &&
           !pk_out_of_work(&e->work))
        st = resize_to(e, s, s->nbins - 1, false, &done);
    if (st == BX_OK)
        st = resize_to(e, s, s->nbins, true, &done);
    return st;
}

/* ---- perturbation -------------------------------------------------------- */

/* Deterministic pseudo-random numbers (xorshift64*), seeded per call. */
static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * UINT64_C(2685821657736338717);
}

/* Local search over first-fit sequences: swap a few units of the best
 * sequence (list 5), run first fit again, keep the result when it is
 * better. It uses whatever work the budget has left, which is where a
 * large budget (batch work, --budget) buys better packings. */
static bx_status perturb(bx_engine *e, uint32_t n, uint32_t lb, int policy, pk_merit merit)
{
    if (n < 2)
        return BX_OK;
    uint32_t *best_seq = list(e, 5), *seq = list(e, 6);
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)n << 32) ^ e->work.used;
    uint32_t stale = 0;
    while (!pk_out_of_work(&e->work) && e->best.nbins > lb && stale < 64 * n) {
        memcpy(seq, best_seq, (size_t)n * sizeof *seq);
        /* 1 to 3 swaps, of units near each other or anywhere */
        uint32_t swaps = 1 + (uint32_t)(next_rand(&x) % 3);
        for (uint32_t k = 0; k < swaps; k++) {
            uint32_t i = (uint32_t)(next_rand(&x) % n);
            uint32_t j = next_rand(&x) & 1 ? (uint32_t)(next_rand(&x) % n)
                                           : (i + 1 + (uint32_t)(next_rand(&x) % 4)) % n;
            uint32_t t = seq[i];
            seq[i] = seq[j];
            seq[j] = t;
        }
        bx_status st = bxi_pk_bins_copy(e->ctx, &e->cur, &e->seed);
        if (st == BX_OK)
            st = first_fit(e, &e->cur, seq, n, merit, policy);
        if (st != BX_OK)
            return st;
        /* Accept equal results too: a plateau walk keeps the search moving. */
        if (improves(e, &e->cur, &e->best) || !improves(e, &e->best, &e->cur)) {
            bool better = improves(e, &e->cur, &e->best);
            if ((st = bxi_pk_bins_copy(e->ctx, &e->best, &e->cur)) != BX_OK)
                return st;
            memcpy(best_seq, seq, (size_t)n * sizeof *seq);
            stale = better ? 0 : stale + 1;
        } else {
            stale++;
        }
    }
    return BX_OK;
}

/* ---- regrouping (high effort) ------------------------------------------------ */

/* A bin's squared fill: summed over bins, larger when the load is more
 * uneven, so that raising it drains the light bins. */
static double fill2(const pk_bin *b)
{
    double f = (double)b->volume / ((double)b->L * b->W * b->H);
    return f * f;
}

#define PK_REGROUP_MAX 5
/* The fall in summed squared fill a move may cause at the phase's start. */
#define PK_REGROUP_THRESHOLD 0.04

/* Regrouping, run at BX_EFFORT_HIGH only: repack the units of the
 * lightest bin and 1 to PK_REGROUP_MAX - 1 others (each the lighter of two
 * drawn at random) together
 * into bins of the same box types (first fit in one of the orderings with
 * a few random swaps, one merit), heaviest bin first, and keep the result
 * when the bins' summed squared fill does not fall by more than a
 * threshold that shrinks to zero (threshold accepting, Dueck and Scheuer
 * 1990). Volume flows out of the lightest bin; a bin left empty is
 * dropped, which is how a bin is saved where moving units one at a time
 * (eliminate_bins) cannot. A move opens no bin, so the count never rises.
 * The draws are seeded by the packing alone; it runs until the work runs
 * out or s reaches the lower bound. */
static bx_status regroup(bx_engine *e, pk_bins *s, uint32_t lb)
{
    uint64_t x = UINT64_C(0xD1B54A32D192ED03) ^ ((uint64_t)s->nbins << 32) ^ e->nunits;
    uint32_t *pick = list(e, 4), *units = list(e, 6), *seq = list(e, 1);
    uint64_t start = e->work.used;
    while (!pk_out_of_work(&e->work) && s->nbins > lb) {
        uint32_t nm = 0, light = UINT32_MAX;
        for (uint32_t b = 0; b < s->nbins; b++) {
            if (!movable(e, &s->bins[b]))
                continue;
            nm++;
            if (light == UINT32_MAX || s->bins[b].volume < s->bins[light].volume)
                light = b;
        }
        if (nm < 2)
            break;
        uint32_t m = 2 + (uint32_t)(next_rand(&x) % (PK_REGROUP_MAX - 1));
        if (m > nm)
            m = nm;
        uint32_t k = 0;
        pick[k++] = light;
        while (k < m) {
            /* the lighter of two random bins: room to take units in */
            uint32_t b = (uint32_t)(next_rand(&x) % s->nbins);
            uint32_t b2 = (uint32_t)(next_rand(&x) % s->nbins);
            if (s->bins[b2].volume < s->bins[b].volume)
                b = b2;
            bool skip = !movable(e, &s->bins[b]);
            for (uint32_t i = 0; i < k && !skip; i++)
                skip = pick[i] == b;
            if (!skip)
                pick[k++] = b;
        }
        /* heaviest first, so the lightest is filled last */
        for (uint32_t i = 1; i < m; i++)
            for (uint32_t j = i; j > 0 && s->bins[pick[j]].volume > s->bins[pick[j - 1]].volume; j--) {
                uint32_t t = pick[j];
                pick[j] = pick[j - 1];
                pick[j - 1] = t;
            }
        double before = 0.0;
        uint32_t n = 0;
        for (uint32_t i = 0; i < m; i++) {
            const pk_bin *b = &s->bins[pick[i]];
            before += fill2(b);
            for (uint32_t q = 0; q < b->nitems; q++)
                units[n++] = b->items[q].unit;
        }
        memcpy(seq, units, (size_t)n * sizeof *seq);
        sort_units(e->units, nth_ordering(e, (int)(next_rand(&x) % PK_ORDERINGS)), seq,
                   list(e, 2), n);
        uint32_t swaps = (uint32_t)(next_rand(&x) % 4);
        for (uint32_t q = 0; q < swaps && n > 1; q++) {
            uint32_t i = (uint32_t)(next_rand(&x) % n);
            uint32_t j = next_rand(&x) & 1 ? (uint32_t)(next_rand(&x) % n)
                                           : (i + 1 + (uint32_t)(next_rand(&x) % 4)) % n;
            uint32_t t = seq[i];
            seq[i] = seq[j];
            seq[j] = t;
        }
        pk_merit merit = (pk_merit)(next_rand(&x) % PK_MERIT_COUNT);
        e->cur.nbins = 0;
        e->cur.nleft = 0;
        for (uint32_t i = 0; i < m; i++)
            if (open_bin(e, &e->cur, s->bins[pick[i]].box) == NULL)
                return BX_ENOMEM;
        int r = fit_fixed(e, &e->cur, seq, n, merit);
        if (r < 0)
            return BX_ENOMEM;
        if (r == 0)
            continue;
        double after = 0.0;
        for (uint32_t i = 0; i < m; i++)
            after += fill2(&e->cur.bins[i]);
        /* Threshold accepting: a fall of up to PK_REGROUP_THRESHOLD,
         * shrinking to none as the phase's work runs out. The count
         * cannot rise, so a worse spread costs nothing but the detour. */
        double thr = 0.0;
        if (e->work.budget > start && e->work.used < e->work.budget)
            thr = PK_REGROUP_THRESHOLD * (double)(e->work.budget - e->work.used) /
                  (double)(e->work.budget - start);
        if (after < before - thr)
            continue;
        for (uint32_t i = 0; i < m; i++)
            if (bxi_pk_bin_copy(e->ctx, &s->bins[pick[i]], &e->cur.bins[i]) != BX_OK)
                return BX_ENOMEM;
        drop_empty(s);
    }
    return BX_OK;
}

/* The budget a phase may use up to: num/den of what is left. */
static uint64_t phase_budget(const pk_work *w, uint64_t budget, uint64_t num, uint64_t den)
{
    if (w->used >= budget)
        return budget;
    return w->used + (budget - w->used) / den * num;
}

/* ---- one box by local search ------------------------------------------------ */

/* Insert units seq[0..n) into an empty bin of `box` bottom-left-first,
 * stopping at the first that does not fit: the volume placed (n units:
 * all), or -1 on out of memory. With first_orient >= 0 the first unit
 * stands in that orientation, off the walls by gap_8ths eighths of the
 * room left beside it along x (low 4 bits) and y (high 4 bits). */
static int64_t place_seq(bx_engine *e, uint32_t box, const uint32_t *seq, uint32_t n,
                         pk_bin *bin, bool ties_last, int first_orient, uint32_t gap_8ths,
                         uint32_t *placed)
{
    bxi_pk_bin_reset(bin, box, bx_catalog_box(e->cat, box));
    int64_t vol = 0;
    uint32_t i = 0;
    *placed = 0;
    const pk_unit *first = &e->units[seq[0]];
    if (first_orient >= 0 && first_orient < first->norient) {
        if (bxi_pk_bin_reserve(e->ctx, bin, e->bin_floor) != BX_OK)
            return -1;
        const int32_t *d = first->orient[first_orient];
        int32_t gx = d[0] < bin->L ? (bin->L - d[0]) * (int32_t)(gap_8ths & 15u) / 8 : 0;
        int32_t gy = d[1] < bin->W ? (bin->W - d[1]) * (int32_t)(gap_8ths >> 4) / 8 : 0;
        if (!bxi_pk_bin_place_at(bin, e->units, seq[0], gx, gy, 0, d[0], d[1], d[2], &e->rules,
                                 &e->work))
            return 0;
        vol = first->volume;
        i = 1;
    }
    e->rules.ties_last = ties_last;
    for (; i < n; i++) {
        int r = insert(e, bin, seq[i], PK_MERIT_BLF);
        if (r < 0) {
            e->rules.ties_last = false;
            return -1;
        }
        if (r == 0)
            break;
        vol += e->units[seq[i]].volume;
    }
    e->rules.ties_last = false;
    *placed = i;
    return vol;
}

/* When no fixed attempt put a stable packing in one box: a walk over unit
 * sequences for the roomiest candidate box (cand[ncand - 1]), starting
 * from the widest bases first: each move swaps a few units or changes how
 * orientation ties break, the first unit's orientation or its gap to the
 * walls; the units go in bottom-left-first, and a state that places at
 * least as much volume before its first misfit is kept. The draws come
 * from the order's units alone. A sequence that places everything is then
 * tried in the better-ranked candidates too. The walk may use two thirds
 * of the work up to `until`; the rest goes to a fixed neighbourhood of
 * the widest-bases-first sequence (one adjacent swap, the first unit in
 * each orientation 1 to 4 eighths of its room from the wall along x, ties
 * either way) in the roomiest box. Returns the index of the candidate
 * that holds all, with the packing in e->tmp; -1 if none; -2 on out of
 * memory. */
static int one_box_walk(bx_engine *e, const uint32_t *cand, uint32_t ncand,
                        const uint32_t *idx, uint32_t n, uint64_t until)
{
    if (ncand == 0 || n < 2)
        return -1;
    uint32_t *best_seq = list(e, 5), *seq = list(e, 6);
    memcpy(best_seq, idx, (size_t)n * sizeof *idx);
    sort_units(e->units, nth_ordering(e, 0), best_seq, list(e, 2), n);
    uint64_t budget = e->work.budget;
    e->work.budget = until < budget ? until : budget;
    /* The draws depend on the order alone, not on the work that earlier
     * phases spent, so a change elsewhere does not move what the walk finds. */
    uint64_t x = UINT64_C(0x2545F4914F6CDD1D) ^ ((uint64_t)n << 40);
    for (uint32_t i = 0; i < n; i++) {
        const pk_unit *u = &e->units[idx[i]];
        x = (x ^ (uint64_t)u->dim[0] ^ (uint64_t)u->dim[1] << 16 ^ (uint64_t)u->dim[2] << 32 ^
             (uint64_t)u->weight_g << 44) * UINT64_C(0x100000001B3);
    }
    x |= 1;
    int64_t best = -1;
    uint32_t stale = 0, placed = 0;
    int found = -1;
    /* The walk's state: the sequence, how orientation ties break, the
     * first unit's orientation (-1: as the merit likes) and its gap to
     * the walls (place_seq). A move changes the sequence by one to three
     * swaps, and now and then one of the others. */
    bool best_ties = false, ties_last = false;
    int best_first = -1, first = -1;
    uint32_t best_gap = 0, gap = 0;
    uint64_t walk_until = phase_budget(&e->work, e->work.budget, 2, 3);
    e->work.budget = walk_until;
    while (!pk_out_of_work(&e->work) && stale < 64 * n) {
        memcpy(seq, best_seq, (size_t)n * sizeof *seq);
        ties_last = best_ties;
        first = best_first;
        gap = best_gap;
        if (best >= 0) {
            uint64_t r = next_rand(&x);
            bool other = false;
            if ((r & 3) == 0) {
                ties_last = !ties_last;
                other = true;
            }
            /* the first unit in a drawn orientation, or as the merit likes */
            if ((r >> 2 & 3) == 0) {
                first = r >> 4 & 1 ? (int)((r >> 8) % e->units[seq[0]].norient) : -1;
                other = true;
            }
            /* a drawn share of the room beside the first unit (0 to 4
             * eighths each way) between it and the walls: a gap that lets
             * a later unit stand on two others */
            if ((r >> 5 & 3) == 0) {
                gap = (uint32_t)((r >> 16) % 5 | (r >> 24) % 5 << 4);
                other = true;
            }
            /* one to three swaps; none half the time when something else
             * changed */
            uint32_t swaps = other && (r >> 32 & 1) ? 0 : 1 + (uint32_t)((r >> 33) % 3);
            for (uint32_t k = 0; k < swaps; k++) {
                uint32_t i = (uint32_t)(next_rand(&x) % n), j = (uint32_t)(next_rand(&x) % n);
                uint32_t t = seq[i];
                seq[i] = seq[j];
                seq[j] = t;
            }
        }
        /* with a gap, the first unit stands in the orientation the merit
         * would give it in an empty box (the first, or the last with ties
         * the other way) */
        int norient = e->units[seq[0]].norient;
        int fo = first >= 0 ? first % norient : gap != 0 ? (ties_last ? norient - 1 : 0) : -1;
        int64_t v = place_seq(e, cand[ncand - 1], seq, n, &e->tmp, ties_last, fo, gap,
                              &placed);
        if (v < 0) {
            e->work.budget = budget;
            return -2;
        }
        if (placed == n) {
            found = (int)ncand - 1;
            /* the same sequence in better-ranked boxes, best first */
            for (uint32_t c = 0; c + 1 < ncand; c++) {
                int64_t w = place_seq(e, cand[c], seq, n, &e->tmp2, ties_last, fo, gap,
                                      &placed);
                if (w < 0) {
                    e->work.budget = budget;
                    return -2;
                }
                if (placed == n) {
                    if (bxi_pk_bin_copy(e->ctx, &e->tmp, &e->tmp2) != BX_OK) {
                        e->work.budget = budget;
                        return -2;
                    }
                    found = (int)c;
                    break;
                }
            }
            break;
        }
        if (v >= best) {
            stale = v > best ? 0 : stale + 1;
            best = v;
            memcpy(best_seq, seq, (size_t)n * sizeof *seq);
            best_ties = ties_last;
            best_first = fo;
            best_gap = gap;
        } else {
            stale++;
        }
    }
    /* Then, deterministically, the widest bases first and each neighbour
     * of that sequence by one adjacent swap, with the first unit 1 to 4
     * eighths of its room from the wall along x, ties either way. */
    e->work.budget = until < budget ? until : budget;
    if (found < 0) {
        memcpy(best_seq, idx, (size_t)n * sizeof *idx);
        sort_units(e->units, nth_ordering(e, 0), best_seq, list(e, 2), n);
    }
    for (uint32_t k = 0; found < 0 && k < n && !pk_out_of_work(&e->work); k++) {
        memcpy(seq, best_seq, (size_t)n * sizeof *seq);
        if (k > 0) {
            uint32_t t = seq[k - 1];
            seq[k - 1] = seq[k];
            seq[k] = t;
        }
        int norient = e->units[seq[0]].norient;
        for (int k2 = 0; found < 0 && k2 < 8 * norient; k2++) {
            int o = k2 / 8, tl = k2 & 1;
            uint32_t g = 1 + (uint32_t)(k2 >> 1 & 3);
            int64_t v = place_seq(e, cand[ncand - 1], seq, n, &e->tmp, tl, o, g, &placed);
            if (v < 0) {
                e->work.budget = budget;
                return -2;
            }
            if (placed == n)
                found = (int)ncand - 1;
        }
    }
    e->work.budget = budget;
    return found;
}

/* ---- the search ---------------------------------------------------------------- */

bx_status bxi_pk_search(bx_engine *e)
{
    uint32_t *free_units = list(e, 0);
    uint32_t n = 0;
    for (uint32_t u = 0; u < e->nunits; u++)
        if (e->state[u] == 0)
            free_units[n++] = u;
    bx_status st = bxi_pk_bins_copy(e->ctx, &e->best, &e->seed);
    if (st != BX_OK || n == 0)
        return st;

    /* 1. Everything in one box, when nothing is open yet. Attempts go
     * round by round over the candidate box types in rank order, so that
     * work spent on a box too tight to succeed cannot starve a roomier one;
     * once box k succeeds, only better-ranked boxes keep trying. */
    if (e->seed.nbins == 0) {
        uint32_t *cand = list(e, 4);
        uint32_t ncand = 0;
        for (uint32_t k = 0; k < e->nbox; k++) {
            uint32_t box = e->rank[k];
            if (pk_stock_left(e, box) && bxi_pk_may_hold(e, box, free_units, n))
                cand[ncand++] = box;
        }
        bool found = false;
        for (int a = 0; a < PK_ATTEMPTS && ncand > 0; a++) {
            for (uint32_t c = 0; c < ncand; c++) {
                if ((found || a > 0) && pk_out_of_work(&e->work))
                    break;
                int r = attempt(e, cand[c], free_units, n, &e->tmp, a);
                if (r < 0)
                    return BX_ENOMEM;
                if (r != 1)
                    continue;
                if (bxi_pk_bins_reserve(e->ctx, &e->best, 1) != BX_OK ||
                    bxi_pk_bin_copy(e->ctx, &e->best.bins[0], &e->tmp) != BX_OK)
                    return BX_ENOMEM;
                e->best.nbins = 1;
                found = true;
                ncand = c; /* from now on only better-ranked boxes */
                break;
            }
            if (pk_out_of_work(&e->work) && (found || a > 0))
                break;
        }
        /* With stable placements, the box planned as levels (levels.c), in
         * rank order, on a quarter of the work left; the walk then keeps
         * the third of it that it had before the plan ran. */
        uint64_t walk_share = phase_budget(&e->work, e->work.budget, 1, 3) - e->work.used;
        if (!found && e->rules.support && !pk_out_of_work(&e->work)) {
            uint64_t until = phase_budget(&e->work, e->work.budget, 1, 4);
            for (uint32_t c = 0; c < ncand && !found; c++) {
                /* each candidate an equal share of what is left of the plan's work */
                uint64_t share = e->work.used >= until ? 0 : (until - e->work.used) / (ncand - c);
                int r = bxi_pk_levels(e, cand[c], free_units, n, &e->tmp, e->work.used + share);
                if (r < 0)
                    return BX_ENOMEM;
                if (r == 1) {
                    if (bxi_pk_bins_reserve(e->ctx, &e->best, 1) != BX_OK ||
                        bxi_pk_bin_copy(e->ctx, &e->best.bins[0], &e->tmp) != BX_OK)
                        return BX_ENOMEM;
                    e->best.nbins = 1;
                    found = true;
                }
            }
        }
        if (!found && e->rules.support && !pk_out_of_work(&e->work)) {
            uint64_t walk_until = e->work.used + walk_share;
            int c = one_box_walk(e, cand, ncand, free_units, n,
                                 walk_until < e->work.budget ? walk_until : e->work.budget);
            if (c == -2)
                return BX_ENOMEM;
            if (c >= 0) {
                if (bxi_pk_bins_reserve(e->ctx, &e->best, 1) != BX_OK ||
                    bxi_pk_bin_copy(e->ctx, &e->best.bins[0], &e->tmp) != BX_OK)
                    return BX_ENOMEM;
                e->best.nbins = 1;
                found = true;
            }
        }
        if (found)
            return BX_OK;
    }

    /* 2. First fit for each ordering and merit; keep the best. The free
     * list is copied because the passes reuse the engine's lists. */
    /* The count to stop at: closed bins plus a bound on everything else,
     * since free units may join the open group bins. */
    uint32_t lb = 0, nall = 0;
    {
        uint32_t *all = list(e, 4);
        uint32_t closed = 0;
        for (uint32_t b = 0; b < e->seed.nbins; b++) {
            if (e->seed.bins[b].closed) {
                closed++;
                continue;
            }
            for (uint32_t i = 0; i < e->seed.bins[b].nitems; i++)
                all[nall++] = e->seed.bins[b].items[i].unit;
        }
        memcpy(all + nall, free_units, (size_t)n * sizeof *all);
        if ((st = bxi_pk_lower_bound_units(e, all, nall + n, &lb)) != BX_OK)
            return st;
        lb += closed;
    }
    bool have = false;
    int best_policy = 0, best_merit = 0;
    /* With stable placements a first-fit pass costs more (positions
     * short of support are evaluated too) and the passes mostly agree on
     * the count: they may use a third of the budget (the first pass
     * always runs), so that elimination, which is what takes a box away
     * from a first fit, keeps work. Floating placements keep every pass. */
    uint64_t budget = e->work.budget;
    if (e->rules.support)
        e->work.budget = phase_budget(&e->work, budget, 1, 3);
    uint32_t *best_seq = list(e, 5);
    for (int pass = 0; pass < 2 * PK_ORDERINGS * PK_MERIT_COUNT; pass++) {
        /* both box-opening policies early, then every ordering and merit */
        int policy = pass % 2;
        int ord = nth_ordering(e, pass / 2 / PK_MERIT_COUNT);
        int m = pass / 2 % PK_MERIT_COUNT;
        if (have && (pk_out_of_work(&e->work) || e->best.nbins <= lb))
            break;
        uint32_t *sorted = list(e, 1);
        memcpy(sorted, free_units, (size_t)n * sizeof *sorted);
        sort_units(e->units, ord, sorted, list(e, 2), n);
        if ((st = bxi_pk_bins_copy(e->ctx, &e->cur, &e->seed)) != BX_OK)
            return st;
        if ((st = first_fit(e, &e->cur, sorted, n, (pk_merit)m, policy)) != BX_OK)
            return st;
        if (!have || improves(e, &e->cur, &e->best)) {
            if ((st = bxi_pk_bins_copy(e->ctx, &e->best, &e->cur)) != BX_OK)
                return st;
            memcpy(best_seq, sorted, (size_t)n * sizeof *sorted);
            best_policy = policy;
            best_merit = m;
            have = true;
        }
    }
    e->work.budget = budget;
    /* The improvement phases share what work is left: perturbation may
     * take half (a tenth with stable placements, where it seldom saves a
     * box and elimination often does; an eighth at high effort, where
     * regrouping saves more), elimination two thirds of the rest, at high
     * effort regrouping nine tenths of what elimination leaves, and
     * shrinking and resizing (which save volume) keep the remainder. */
    e->work.budget = phase_budget(&e->work, budget, 1,
                                  e->rules.support ? 10 : e->high_effort ? 8 : 2);
    st = perturb(e, n, lb, best_policy, (pk_merit)best_merit);
    e->work.budget = budget;
    if (st != BX_OK)
        return st;
    e->work.budget = phase_budget(&e->work, budget, 2, 3);
    st = eliminate_bins(e, &e->best, lb);
    e->work.budget = budget;
    if (st != BX_OK)
        return st;
    if (e->high_effort) {
        e->work.budget = phase_budget(&e->work, budget, 9, 10);
        st = regroup(e, &e->best, lb);
        e->work.budget = budget;
        if (st != BX_OK)
            return st;
    }

    if ((st = shrink(e, &e->best)) != BX_OK)
        return st;
    return resize(e, &e->best, lb);
}
