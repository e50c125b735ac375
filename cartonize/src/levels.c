/*
 * levels.c: one box planned as levels, for stable packings.
 *
 * Extreme points fill a box one unit at a time, bottom-left-first: in a
 * tall box the units pile up, but which unit carries which is left to the
 * order they come in, and a unit that needs a wide carrier (a long narrow
 * block) often finds none left when its turn comes. Here the box is first
 * planned as levels. A level is copies of one kind of unit (units with the
 * same extents and the same fragility and load limit) side by side in a
 * grid from the box's corner, in the unit's flattest orientation, each copy
 * resting on the level below over at least the support share. A
 * depth-first search picks the next level among the kinds, the largest
 * footprint first, and skips a level after which some unit still to place
 * would have nothing to stand on: no kind left carries it (stood on it at
 * the corner, it rests on the support share), nor the last two levels, nor
 * the floor beside the first level. When no level fits on top, the plan is
 * placed for real, every placement checked by the engine's rules, and the
 * units not in a level go in by extreme points, bottom-left-first, widest
 * base first: beside the upper levels or on them.
 *
 * Work: one unit per level looked at, plus the placements.
 */
#include <string.h>

#include "engine.h"

/* A kind: identical units, listed together in the plan's unit list. */
typedef struct lv_kind {
    uint32_t first, count, left;
    int32_t base[6][3];   /* its flattest orientations that fit the box */
    uint8_t nbase;
    bool fragile;
} lv_kind;

/* A level of the plan: c copies of a kind, cells [cell, cell + c). */
typedef struct lv_level {
    uint32_t kind, cell, c;
    int32_t z, l, w, h;
} lv_level;

typedef struct lv_cell {
    int32_t x, y;
} lv_cell;

typedef struct lv_search {
    bx_engine *e;
    pk_bin *bin;
    uint32_t box;
    int32_t L, W, H, pct;
    uint32_t nk, n;
    lv_kind *kinds;
    uint32_t *units;      /* the order's units, kind by kind */
    uint8_t *carry;       /* carry[a * nk + b]: b may stand on a */
    uint8_t *beside;      /* per kind: fits the floor beside the first level */
    lv_level *levels;
    lv_cell *cells;
    uint32_t ncells;
    uint32_t *crown;      /* units not in a level, for the placing */
    int32_t *noise;       /* per kind: the footprint's weight, in 1024ths */
    uint64_t until;
    uint32_t nodes, node_cap; /* levels tried in this round, and the cap */
} lv_search;

static bool same_kind(const pk_unit *a, const pk_unit *b)
{
    return a->dim[0] == b->dim[0] && a->dim[1] == b->dim[1] && a->dim[2] == b->dim[2] &&
           a->rotation == b->rotation && a->fragile == b->fragile &&
           a->max_load_g == b->max_load_g;
}

/* Base area a rests on b, both at the same corner. */
static bool rests(const int32_t *b, const int32_t *a, int32_t pct)
{
    int64_t l = a[0] < b[0] ? a[0] : b[0], w = a[1] < b[1] ? a[1] : b[1];
    return 100 * l * w >= (int64_t)pct * a[0] * a[1];
}

/* May a unit of kind b stand on one of kind a at its corner, in some pair
 * of their flattest orientations? */
static bool carries(const lv_kind *a, const lv_kind *b, int32_t pct)
{
    if (a->fragile)
        return false;
    for (int i = 0; i < a->nbase; i++)
        for (int j = 0; j < b->nbase; j++)
            if (rests(a->base[i], b->base[j], pct))
                return true;
    return false;
}

/* Area of cell (x, y, l, w) resting on the cells of level lv. */
static int64_t on_level(const lv_search *s, const lv_level *lv, int32_t x, int32_t y, int32_t l,
                        int32_t w)
{
    int64_t area = 0;
    for (uint32_t i = 0; i < lv->c; i++) {
        const lv_cell *c = &s->cells[lv->cell + i];
        int64_t x0 = x > c->x ? x : c->x, x1 = x + l < c->x + lv->l ? x + l : c->x + lv->l;
        int64_t y0 = y > c->y ? y : c->y, y1 = y + w < c->y + lv->w ? y + w : c->y + lv->w;
        if (x1 > x0 && y1 > y0)
            area += (x1 - x0) * (y1 - y0);
    }
    return area;
}

/* The cells of a level of kind k in base orientation b on top of level
 * `below` (NULL: the floor), written from s->cells[s->ncells]: the grid
 * from the corner, row by row, the cells that rest on `below`, at most as
 * many as the kind has left. Returns how many. */
static uint32_t lay(lv_search *s, uint32_t k, int b, const lv_level *below)
{
    const lv_kind *kd = &s->kinds[k];
    int32_t l = kd->base[b][0], w = kd->base[b][1];
    int32_t nx = s->L / l, ny = s->W / w;
    uint32_t c = 0;
    for (int32_t j = 0; j < ny && c < kd->left; j++)
        for (int32_t i = 0; i < nx && c < kd->left; i++) {
            int32_t x = i * l, y = j * w;
            if (below != NULL &&
                100 * on_level(s, below, x, y, l, w) < (int64_t)s->pct * l * w)
                continue;
            s->cells[s->ncells + c++] = (lv_cell){x, y};
        }
    return c;
}

/* Would every unit still to place have something to stand on, with d
 * levels planned? */
static bool all_carried(const lv_search *s, uint32_t d)
{
    for (uint32_t x = 0; x < s->nk; x++) {
        if (s->kinds[x].left == 0 || s->beside[x])
            continue;
        bool ok = false;
        for (uint32_t q = d > 2 ? d - 2 : 0; q < d && !ok; q++)
            ok = s->carry[s->levels[q].kind * s->nk + x];
        for (uint32_t y = 0; y < s->nk && !ok; y++)
            ok = s->carry[y * s->nk + x] &&
                 (y != x ? s->kinds[y].left > 0 : s->kinds[y].left > 1);
        if (!ok)
            return false;
    }
    return true;
}

/* Which kinds fit the floor beside the first level (its cells' extent),
 * in any orientation. */
static void mark_beside(lv_search *s)
{
    const lv_level *lv = &s->levels[0];
    int32_t fx = 0, fy = 0;
    for (uint32_t i = 0; i < lv->c; i++) {
        const lv_cell *c = &s->cells[lv->cell + i];
        if (c->x + lv->l > fx)
            fx = c->x + lv->l;
        if (c->y + lv->w > fy)
            fy = c->y + lv->w;
    }
    for (uint32_t k = 0; k < s->nk; k++) {
        const pk_unit *u = &s->e->units[s->units[s->kinds[k].first]];
        s->beside[k] = false;
        for (int o = 0; o < u->norient && !s->beside[k]; o++) {
            const int32_t *d = u->orient[o];
            s->beside[k] = d[2] <= s->H && ((d[0] <= s->L - fx && d[1] <= s->W) ||
                                            (d[1] <= s->W - fy && d[0] <= s->L));
        }
    }
}

/* Crown order: fragile units last, then the larger flattest base, the
 * larger volume, the lower index. */
static bool crown_before(const lv_search *s, uint32_t a, uint32_t b)
{
    const pk_unit *ua = &s->e->units[a], *ub = &s->e->units[b];
    if (ua->fragile != ub->fragile)
        return !ua->fragile;
    int64_t fa = 0, fb = 0;
    int32_t ha = 0, hb = 0;
    for (int o = 0; o < ua->norient; o++)
        if (ha == 0 || ua->orient[o][2] < ha) {
            ha = ua->orient[o][2];
            fa = (int64_t)ua->orient[o][0] * ua->orient[o][1];
        }
    for (int o = 0; o < ub->norient; o++)
        if (hb == 0 || ub->orient[o][2] < hb) {
            hb = ub->orient[o][2];
            fb = (int64_t)ub->orient[o][0] * ub->orient[o][1];
        }
    if (fa != fb)
        return fa > fb;
    if (ua->volume != ub->volume)
        return ua->volume > ub->volume;
    return a < b;
}

/* Place d planned levels and then the rest: 1 all placed, 0 not, -1 out
 * of memory. */
static int realise(lv_search *s, uint32_t d)
{
    bx_engine *e = s->e;
    pk_bin *bin = s->bin;
    bxi_pk_bin_reset(bin, s->box, bx_catalog_box(e->cat, s->box));
    for (uint32_t q = 0; q < d; q++) {
        const lv_level *lv = &s->levels[q];
        const lv_kind *kd = &s->kinds[lv->kind];
        /* copies taken from the end of the kind's list: the levels of a
         * kind take disjoint units */
        uint32_t taken = 0;
        for (uint32_t p = 0; p < q; p++)
            if (s->levels[p].kind == lv->kind)
                taken += s->levels[p].c;
        for (uint32_t i = 0; i < lv->c; i++) {
            uint32_t u = s->units[kd->first + taken + i];
            const lv_cell *c = &s->cells[lv->cell + i];
            if (bxi_pk_bin_reserve(e->ctx, bin, e->bin_floor) != BX_OK)
                return -1;
            if (!bxi_pk_bin_place_at(bin, e->units, u, c->x, c->y, lv->z, lv->l, lv->w, lv->h,
                                     &e->rules, &e->work))
                return 0;
        }
    }
    uint32_t m = 0;
    for (uint32_t k = 0; k < s->nk; k++) {
        const lv_kind *kd = &s->kinds[k];
        for (uint32_t i = kd->count - kd->left; i < kd->count; i++) {
            uint32_t u = s->units[kd->first + i];
            uint32_t j = m++;
            while (j > 0 && crown_before(s, u, s->crown[j - 1])) {
                s->crown[j] = s->crown[j - 1];
                j--;
            }
            s->crown[j] = u;
        }
    }
    for (uint32_t i = 0; i < m; i++) {
        if (bxi_pk_bin_reserve(e->ctx, bin, e->bin_floor) != BX_OK)
            return -1;
        if (!bxi_pk_bin_insert(bin, e->units, s->crown[i], PK_MERIT_BLF, &e->rules, &e->work))
            return 0;
    }
    return 1;
}

/* Options at one node: (kind, base orientation), with their footprints. */
typedef struct lv_option {
    uint32_t kind;
    int base;
    int64_t area;
} lv_option;

static int search(lv_search *s, uint32_t d, int32_t z, lv_option *opt)
{
    const lv_level *below = d > 0 ? &s->levels[d - 1] : NULL;
    uint32_t nopt = 0;
    for (uint32_t k = 0; k < s->nk; k++) {
        const lv_kind *kd = &s->kinds[k];
        if (kd->left == 0 || kd->fragile)
            continue;
        for (int b = 0; b < kd->nbase; b++) {
            s->e->work.used++;
            if (z + kd->base[b][2] > s->H)
                continue;
            uint32_t c = lay(s, k, b, below);
            if (c == 0)
                continue;
            lv_option o = {k, b, (int64_t)c * kd->base[b][0] * kd->base[b][1] * s->noise[k]};
            uint32_t j = nopt++;
            while (j > 0 && o.area > opt[j - 1].area) {
                opt[j] = opt[j - 1];
                j--;
            }
            opt[j] = o;
        }
    }
    if (nopt == 0)
        return realise(s, d);
    lv_option *next = opt + nopt;
    for (uint32_t i = 0; i < nopt; i++) {
        if (pk_out_of_work(&s->e->work) || s->e->work.used >= s->until ||
            ++s->nodes > s->node_cap)
            return 0;
        lv_kind *kd = &s->kinds[opt[i].kind];
        int b = opt[i].base;
        uint32_t c = lay(s, opt[i].kind, b, below);
        s->levels[d] = (lv_level){opt[i].kind, s->ncells, c, z, kd->base[b][0], kd->base[b][1],
                                  kd->base[b][2]};
        s->ncells += c;
        kd->left -= c;
        if (d == 0)
            mark_beside(s);
        int r = all_carried(s, d + 1) ? search(s, d + 1, z + kd->base[b][2], next) : 0;
        kd->left += c;
        s->ncells -= c;
        if (r != 0)
            return r;
    }
    return 0;
}

/* Levels tried per unit of the order in one round of the search. */
#define LV_ROUND_LEVELS 8

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t next_draw(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * UINT64_C(2685821657736338717);
}

/* The kind of rank r by its flattest footprint, widest first (ties: the
 * lower index). */
static uint32_t widest(const lv_search *s, uint32_t r)
{
    for (uint32_t k = 0; k < s->nk; k++) {
        int64_t fk = (int64_t)s->kinds[k].base[0][0] * s->kinds[k].base[0][1];
        uint32_t rank = 0;
        for (uint32_t j = 0; j < s->nk; j++) {
            int64_t fj = (int64_t)s->kinds[j].base[0][0] * s->kinds[j].base[0][1];
            rank += fj > fk || (fj == fk && j < k);
        }
        if (rank == r)
            return k;
    }
    return s->nk;
}

/* Above this many units the plan is not tried (its scratch grows as n^2). */
#define LV_MAX_UNITS 64

int bxi_pk_levels(bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n, pk_bin *bin,
                  uint64_t until)
{
    const bx_box *bb = bx_catalog_box(e->cat, box);
    if (n < 2 || n > LV_MAX_UNITS || !e->rules.support)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (e->units[idx[i]].group >= 0 || e->units[idx[i]].alone)
            return 0;
    /* Scratch, widest alignment first: the options of every depth (at most
     * two per kind each), kinds, levels, cells, unit lists, carry, beside. */
    size_t nopt = (size_t)(n + 1) * 2 * n;
    size_t sz = nopt * sizeof(lv_option) + (size_t)n * (sizeof(lv_kind) + sizeof(lv_level) +
                                                        sizeof(lv_cell) + 3 * sizeof(uint32_t)) +
                (size_t)n * n + n;
    unsigned char *mem = bxi_pk_engine_scratch(e, sz);
    if (mem == NULL)
        return -1;
    lv_search s = {.e = e, .bin = bin, .box = box, .L = bb->inner_l_mm, .W = bb->inner_w_mm,
                   .H = bb->inner_h_mm, .pct = e->rules.support_pct, .n = n, .until = until};
    lv_option *opt = (lv_option *)mem;
    s.kinds = (lv_kind *)(opt + nopt);
    s.levels = (lv_level *)(s.kinds + n);
    s.cells = (lv_cell *)(s.levels + n);
    s.units = (uint32_t *)(s.cells + n);
    s.crown = s.units + n;
    s.noise = (int32_t *)(s.crown + n);
    s.carry = (uint8_t *)(s.noise + n);
    s.beside = s.carry + (size_t)n * n;

    /* kinds, in the order of their first unit; then the units kind by kind */
    uint32_t *kind_of = s.crown; /* borrowed until the search */
    for (uint32_t i = 0; i < n; i++) {
        const pk_unit *u = &e->units[idx[i]];
        uint32_t k = 0;
        while (k < s.nk && !same_kind(&e->units[s.units[s.kinds[k].first]], u))
            k++;
        if (k == s.nk) {
            lv_kind *kd = &s.kinds[s.nk++];
            memset(kd, 0, sizeof *kd);
            kd->first = i; /* for now: the position of its first unit in idx */
            kd->fragile = u->fragile;
            s.units[i] = idx[i];
            int32_t hmin = 0;
            for (int o = 0; o < u->norient; o++) {
                const int32_t *d = u->orient[o];
                if (d[0] <= s.L && d[1] <= s.W && d[2] <= s.H && (hmin == 0 || d[2] < hmin))
                    hmin = d[2];
            }
            for (int o = 0; o < u->norient && kd->nbase < 2; o++) {
                const int32_t *d = u->orient[o];
                if (d[0] <= s.L && d[1] <= s.W && d[2] == hmin) {
                    memcpy(kd->base[kd->nbase], d, sizeof kd->base[0]);
                    kd->nbase++;
                }
            }
            if (kd->nbase == 0)
                return 0;
        }
        s.units[i] = idx[i];
        kind_of[i] = k;
        s.kinds[k].count++;
    }
    for (uint32_t k = 0, at = 0; k < s.nk; k++) {
        s.kinds[k].first = at;
        s.kinds[k].left = 0;
        at += s.kinds[k].count;
    }
    for (uint32_t i = 0; i < n; i++) {
        lv_kind *kd = &s.kinds[kind_of[i]];
        ((uint32_t *)s.levels)[kd->first + kd->left++] = idx[i];
    }
    memcpy(s.units, s.levels, (size_t)n * sizeof *s.units);
    for (uint32_t a = 0; a < s.nk; a++)
        for (uint32_t b = 0; b < s.nk; b++)
            s.carry[a * s.nk + b] = carries(&s.kinds[a], &s.kinds[b], s.pct);
    for (uint32_t k = 0; k < s.nk; k++)
        s.beside[k] = false;
    /* Rounds: the footprints as they are, then weighted by draws from the
     * order's units alone (0.75 to 1.25 each kind), each round trying at
     * most LV_ROUND_LEVELS levels per unit: a restart that lets a
     * narrower kind go below a wider one costs less than backtracking to
     * the levels where that choice was made. Before each round of draws,
     * while kinds remain, a round that holds back one kind, widest first
     * (it comes after every other kind that fits; half the levels): the
     * narrower kinds go under it, and it is left to carry what needs a
     * wide base, the way the draws found it, without drawing. */
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)n << 40);
    for (uint32_t i = 0; i < n; i++) {
        const pk_unit *u = &e->units[idx[i]];
        x = (x ^ (uint64_t)u->dim[0] ^ (uint64_t)u->dim[1] << 16 ^ (uint64_t)u->dim[2] << 32) *
            UINT64_C(0x100000001B3);
    }
    x |= 1;
    for (uint32_t round = 0; !pk_out_of_work(&e->work) && e->work.used < until; round++) {
        /* odd rounds 1, 3, ... hold back the first, second, ... widest */
        uint32_t held = round & 1 && (round + 1) / 2 <= s.nk ? widest(&s, (round - 1) / 2) : s.nk;
        for (uint32_t k = 0; k < s.nk; k++)
            if (held < s.nk)
                s.noise[k] = k == held ? 1 : 1024;
            else
                s.noise[k] = round == 0 ? 1024 : 768 + (int32_t)(next_draw(&x) % 513);
        s.nodes = 0;
        s.node_cap = (held < s.nk ? LV_ROUND_LEVELS / 2 : LV_ROUND_LEVELS) * n;
        int r = search(&s, 0, 0, opt);
        if (r != 0 || s.nodes <= s.node_cap)
            return r; /* found, or every plan tried */
    }
    return 0;
}
