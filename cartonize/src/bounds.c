/*
 * bounds.c: lower bounds on the number of identical bins needed for a set
 * of units, after S. Martello, D. Pisinger and D. Vigo, "The
 * three-dimensional bin packing problem", Operations Research 48(2), 2000:
 *
 *   L0  the continuous bound, ceil(total volume / bin volume);
 *   L1  for each pair of axes (a, b) with the third axis c: units longer
 *       than half the bin along both a and b can never stand side by side,
 *       so they form a one-dimensional bin packing problem along c, bounded
 *       as in the paper (its L1^{WH}: sizes above C - p, between C/2 and
 *       C - p, and between p and C/2, counted by length and by number);
 *   L2  for each pair (a, b) and each p <= A/2, q <= B/2: a unit longer than
 *       A - p along a and B - q along b (the set K_v) blocks the whole A x B
 *       cross-section over its length along c for every unit at least p
 *       along a and q along b, so those units' volume plus A*B times the
 *       K_v units' lengths must fit in the bins.
 *       p and q range over all integers up to A/2 and B/2, as in the
 *       paper's definition; the authors' code tries unit sizes only, which
 *       misses the top of the range (p = A/2 with no unit that size) and
 *       gives one bin less on 10 of the 360 benchmark instances. Ours
 *       agrees with the L0, L1 and L2 of ../shared/bench/mpv on all 360
 *       (tests/unit/test_bounds.c), and never exceeds the optimum 3 of the
 *       class 9 instances.
 *
 * Rotations. The paper has fixed orientations. Here each unit may take any
 * orientation its rule allows (fixed: as given; upright: l and w may swap;
 * any: all six). Per axis k we use m_k, the smallest extent along k over
 * the allowed orientations that fit the bin. Every statement the bounds
 * rest on is of the form "in whatever orientation the unit is packed, its
 * extent along k is at least m_k":
 *   - "longer than A/2 along a and B/2 along b in every orientation" is
 *     exactly m_a > A/2 and m_b > B/2 (a conjunction over orientations of
 *     a conjunction splits into two minima), so the L1 units still cannot
 *     stand side by side, and each occupies at least m_c along c; shrinking
 *     each to m_c keeps their one-dimensional packing feasible, so a bound
 *     for the sizes m_c bounds the real packing;
 *   - likewise for K_v (m_a > A - p, m_b > B - q) and for the units that
 *     are at least p, q wide (m_a >= p, m_b >= q): the blocking argument
 *     of L2 only uses these lower bounds on extents, each K_v unit blocks at
 *     least A*B*m_c, and volumes do not depend on orientation.
 * An orientation that does not fit the bin can never be used, which is why
 * only fitting ones count; it makes the bounds stronger for long units.
 * A unit that fits in no orientation makes every packing impossible; such
 * units are clipped to the bin so the arithmetic stays bounded (the
 * contract is that callers pass units that fit).
 *
 * Cost: sorting, then O(K * n) per axis pair where K <= PK_LB_MAX_CANDIDATES
 * candidate values of p (and of q per p via a sweep): O(n^2) for the
 * order sizes of the benchmark (n <= 200) and O(n log n + 256 n) beyond.
 * Using a subset of the candidates only weakens the bound, never breaks it.
 *
 * The conflict clique (bxi_pk_clique_bound). Two units conflict when they
 * can never share a bin: two boxes inside a box that do not overlap are
 * separated by a plane across one axis k, so they share a bin exactly when
 * for some k and some allowed orientations fitting the bin their extents
 * along k add up to at most the bin's; orientations are chosen per unit,
 * so that is m_k(i) + m_k(j) <= bin_k with the minima m_k above, and the
 * units conflict when this fails along all three axes. With masses they
 * also conflict when they weigh more than the payload together. With
 * several bin types, two units conflict when they conflict in every type
 * (a type one of them does not fit counts as a conflict), which is again
 * exact for the pair: they can share no bin of any type. Units
 * pairwise in conflict need a bin each, so the size of any clique of the
 * conflict graph is a lower bound; it assumes nothing about support or
 * load order, which only make packing harder. L1 counts the units over
 * half the bin along all axes, a clique; the clique bound also sees pairs
 * such as a 90 x 90 x 20 plate and a 20 x 90 x 90 one, which L2 does not
 * (on the MPV classes 1, 4-8 it raises L2 on 32 of 240 instances, by 35
 * bins). A maximum clique is searched by branch and bound with a greedy
 * colouring bound (Tomita and Seki's MCQ on bitsets, as in San Segundo's
 * BBMC), only over units in some conflict, at most PK_CLIQUE_MAX_UNITS of
 * them (the largest against the bin), ordered by degree. Cost: O(n^2)
 * conflict tests and n^2 / 8 bytes of adjacency, then at most node_limit
 * nodes of O(n^2 / 64) each; stopped by the limit, the largest clique held
 * so far is still a bound. On MPV (n <= 200) the search finishes within
 * the engine's limit in well under a millisecond.
 */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "pack_internal.h"

/* Beyond this many distinct values of p (or q) an evenly spread subset,
 * always including the largest, is tried. */
#define PK_LB_MAX_CANDIDATES 256

typedef struct lb_unit {
    int32_t m[3];   /* smallest extent along x, y, z over fitting orientations */
    int64_t volume; /* mm^3 (of the clipped unit when nothing fits) */
} lb_unit;

/* One unit projected on an axis pair (a, b) with stacking axis c. */
typedef struct lb_proj {
    int32_t ma, mb, mc;
    int64_t volume;
} lb_proj;

/* A number of bin volumes, kept as whole bins plus a remainder so sums of
 * up to millions of unit volumes (each <= the bin volume) cannot overflow. */
typedef struct lb_acc {
    uint64_t bins;
    int64_t rem; /* 0 <= rem < vol */
    int64_t vol;
} lb_acc;

/* x in [0, vol] */
static void acc_add(lb_acc *a, int64_t x)
{
    a->rem += x;
    if (a->rem >= a->vol) {
        a->rem -= a->vol;
        a->bins++;
    }
}

/* x in [0, vol], never taking the total below zero */
static void acc_sub(lb_acc *a, int64_t x)
{
    a->rem -= x;
    if (a->rem < 0) {
        a->rem += a->vol;
        a->bins--;
    }
}

static uint64_t acc_ceil(const lb_acc *a)
{
    return a->bins + (a->rem > 0 ? 1u : 0u);
}

static uint32_t clamp_u32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int cmp_i32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

static int cmp_proj_mb(const void *pa, const void *pb)
{
    const lb_proj *a = pa, *b = pb;
    return (a->mb > b->mb) - (a->mb < b->mb);
}

/* Per-axis minimal extents over the orientations allowed by `rot` that fit
 * the bin. Returns whether any orientation fits. */
static bool reduce_unit(const int32_t d[3], bx_rotation rot, const int32_t bin[3], lb_unit *u)
{
    const int32_t all[6][3] = {{d[0], d[1], d[2]}, {d[1], d[0], d[2]}, {d[0], d[2], d[1]},
                               {d[2], d[0], d[1]}, {d[1], d[2], d[0]}, {d[2], d[1], d[0]}};
    int n = rot == BX_ROTATE_FIXED ? 1 : rot == BX_ROTATE_UPRIGHT ? 2 : 6;
    bool any = false;
    for (int k = 0; k < 3; k++)
        u->m[k] = INT32_MAX;
    for (int i = 0; i < n; i++) {
        if (all[i][0] > bin[0] || all[i][1] > bin[1] || all[i][2] > bin[2])
            continue;
        any = true;
        for (int k = 0; k < 3; k++)
            if (all[i][k] < u->m[k])
                u->m[k] = all[i][k];
    }
    if (any) {
        u->volume = (int64_t)d[0] * d[1] * d[2];
        return true;
    }
    for (int k = 0; k < 3; k++)
        u->m[k] = d[k] < bin[k] ? d[k] : bin[k];
    u->volume = (int64_t)u->m[0] * u->m[1] * u->m[2];
    return false;
}

/* Sorted distinct values of v[0..n) that are <= half, and half itself
 * when with_half, thinned to PK_LB_MAX_CANDIDATES. Between consecutive unit
 * sizes the bounds only grow with p, so the top of each interval (a unit
 * size, or half for L2's last interval) is where the maximum lies. v is
 * sorted in place; out holds n + 1 values. Returns the count. */
static size_t candidates(int32_t *v, size_t n, int32_t half, bool with_half, int32_t *out)
{
    qsort(v, n, sizeof *v, cmp_i32);
    size_t k = 0;
    for (size_t i = 0; i < n && v[i] <= half; i++)
        if (k == 0 || out[k - 1] != v[i])
            out[k++] = v[i];
    if (with_half && half >= 1 && (k == 0 || out[k - 1] != half))
        out[k++] = half;
    if (k > PK_LB_MAX_CANDIDATES) {
        size_t m = PK_LB_MAX_CANDIDATES;
        for (size_t i = 0; i < m; i++)
            out[i] = out[(i * (k - 1)) / (m - 1)];
        k = m;
    }
    return k;
}

/* The one-dimensional bound of MPV's L1 for sizes d[0..n) in capacity C,
 * d sorted ascending; cand is scratch for n + 1 values. Units above C/2
 * need a bin each; for each p, units above C - p leave no room for any unit
 * of size >= p, and the bins of the units in (C/2, C - p] hold the units in
 * [p, C/2] only up to their free length (alpha) and only floor((C - d)/p)
 * of them (beta). */
static uint64_t bound_1d(int32_t *d, size_t n, int32_t C, int32_t *cand)
{
    size_t big = 0;
    for (size_t i = 0; i < n; i++)
        if (2 * (int64_t)d[i] > C)
            big++;
    uint64_t best = big;
    /* above the largest small size the bound is just `big` */
    size_t k = candidates(d, n, C / 2, false, cand);
    for (size_t c = 0; c < k; c++) {
        int32_t p = cand[c];
        int64_t nm = 0, sm = 0, fit_m = 0, ns = 0, ss = 0;
        uint64_t nl = 0;
        for (size_t i = 0; i < n; i++) {
            int32_t s = d[i];
            if (s > C - p) {
                nl++;
            } else if (2 * (int64_t)s > C) {
                nm++;
                sm += s;
                fit_m += (C - s) / p;
            } else if (s >= p) {
                ns++;
                ss += s;
            }
        }
        int64_t alpha = pk_ceil_div(ss - (nm * C - sm), C);
        int64_t beta = pk_ceil_div(ns - fit_m, C / p);
        int64_t extra = alpha > beta ? alpha : beta;
        uint64_t lb = nl + (uint64_t)nm + (extra > 0 ? (uint64_t)extra : 0u);
        if (lb > best)
            best = lb;
    }
    return best;
}

size_t bxi_pk_lower_bound_scratch(size_t n)
{
    /* lb_unit[n], lb_proj[n], then three int32 arrays of n + 1 */
    const size_t per = sizeof(lb_unit) + sizeof(lb_proj) + 3 * sizeof(int32_t);
    if (n > (SIZE_MAX - 64) / per - 3)
        return SIZE_MAX;
    return (n + 3) * per + 64;
}

uint32_t bxi_pk_lower_bound(const int32_t (*dims)[3], const bx_rotation *rot, size_t n,
                        int32_t L, int32_t W, int32_t H, uint32_t lbs[3], void *scratch)
{
    uint32_t l0 = 0, l1 = 0, l2 = 0;
    if (n == 0)
        goto done;
    const int32_t bin[3] = {L, W, H};
    const int64_t bin_vol = (int64_t)L * W * H;

    lb_unit *units = scratch;
    lb_proj *proj = (lb_proj *)(units + n);
    int32_t *vals = (int32_t *)(proj + n);
    int32_t *pc = vals + n + 1;
    int32_t *qc = pc + n + 1;

    lb_acc total = {0, 0, bin_vol};
    for (size_t i = 0; i < n; i++) {
        reduce_unit(dims[i], rot[i], bin, &units[i]);
        acc_add(&total, units[i].volume);
    }
    l0 = clamp_u32(acc_ceil(&total));

    /* (a, b, c): the cross-section axes and the stacking axis */
    static const int pairs[3][3] = {{0, 1, 2}, {0, 2, 1}, {1, 2, 0}};
    for (int pi = 0; pi < 3; pi++) {
        const int a = pairs[pi][0], b = pairs[pi][1], c = pairs[pi][2];
        const int32_t A = bin[a], B = bin[b], C = bin[c];
        const int64_t AB = (int64_t)A * B;

        /* L1 for this pair */
        size_t nd = 0;
        for (size_t i = 0; i < n; i++)
            if (2 * (int64_t)units[i].m[a] > A && 2 * (int64_t)units[i].m[b] > B)
                vals[nd++] = units[i].m[c];
        uint64_t l1ab = bound_1d(vals, nd, C, pc);
        if (clamp_u32(l1ab) > l1)
            l1 = clamp_u32(l1ab);

        /* L2 for this pair */
        for (size_t i = 0; i < n; i++) {
            proj[i].ma = units[i].m[a];
            proj[i].mb = units[i].m[b];
            proj[i].mc = units[i].m[c];
            proj[i].volume = units[i].volume;
            vals[i] = proj[i].ma;
        }
        size_t np = candidates(vals, n, A / 2, true, pc);
        for (size_t i = 0; i < n; i++)
            vals[i] = proj[i].mb;
        size_t nq = candidates(vals, n, B / 2, true, qc);
        qsort(proj, n, sizeof *proj, cmp_proj_mb);

        uint64_t l2ab = l1ab;
        for (size_t ip = 0; ip < np; ip++) {
            const int32_t p = pc[ip];
            /* T(p, q) = sum of volumes of units with m_a >= p, m_b >= q
             * (K_v is among them, since A - p >= p and B - q >= q), plus
             * A*B*m_c - volume for each K_v unit. As q grows, units with
             * m_b < q leave the first set (front of the m_b order) and
             * units with m_b > B - q join K_v (back of the order). */
            lb_acc t = {0, 0, bin_vol};
            for (size_t i = 0; i < n; i++)
                if (proj[i].ma >= p)
                    acc_add(&t, proj[i].volume);
            size_t lo = 0, hi = n;
            for (size_t iq = 0; iq < nq; iq++) {
                const int32_t q = qc[iq];
                for (; lo < n && proj[lo].mb < q; lo++)
                    if (proj[lo].ma >= p)
                        acc_sub(&t, proj[lo].volume);
                for (; hi > 0 && proj[hi - 1].mb > B - q; hi--)
                    if (proj[hi - 1].ma > A - p)
                        acc_add(&t, AB * proj[hi - 1].mc - proj[hi - 1].volume);
                uint64_t v = acc_ceil(&t);
                if (v > l2ab)
                    l2ab = v;
            }
        }
        if (clamp_u32(l2ab) > l2)
            l2 = clamp_u32(l2ab);
    }

done:
    if (lbs != NULL) {
        lbs[0] = l0;
        lbs[1] = l1;
        lbs[2] = l2;
    }
    uint32_t lb = l0 > l1 ? l0 : l1;
    return lb > l2 ? lb : l2;
}

/* ---- the conflict-clique bound ------------------------------------------- */

/* Beyond this many units that may conflict, those most likely to (the
 * largest against the bin and payload) are kept; a clique of a subgraph is
 * a clique of the graph, so the bound stays valid. */
#define PK_CLIQUE_MAX_UNITS 256

typedef struct cl_unit {
    int64_t mass;   /* grams; 0 when masses are ignored */
    double score;   /* share of a bin and its payload it takes, at most */
    uint32_t deg;   /* conflicts with the other candidates */
    uint32_t id;    /* input position, for a stable order */
    uint32_t fits;  /* bit t: it fits bin type t (size and payload) */
} cl_unit;

typedef struct cl_search {
    const uint64_t *adj; /* nv rows of `words` words */
    size_t words;
    uint32_t nv;
    uint32_t best;
    uint64_t nodes, limit;
    bool stopped;
    unsigned char *levels; /* per depth: P, U, Q bitsets, order and colour */
    size_t level_bytes;
} cl_search;

/* Index of the lowest set bit of x != 0. */
static unsigned lowest_bit(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned i = 0;
    while ((x & 1u) == 0) {
        x >>= 1;
        i++;
    }
    return i;
#endif
}

/* Can units a and b never share a bin of any type? m holds nbins rows of
 * minimal extents per unit (row a->id * nbins + t after selection). */
static bool cl_conflict(const cl_unit *a, const cl_unit *b, const int32_t (*m)[3],
                        const bxi_pk_bin *bins, size_t nbins, bool masses)
{
    const uint32_t both = a->fits & b->fits;
    for (size_t t = 0; t < nbins; t++) {
        if (!(both & (1u << t)))
            continue;
        if (masses && a->mass > bins[t].payload_g - b->mass)
            continue;
        const int32_t *ma = m[(size_t)a->id * nbins + t], *mb = m[(size_t)b->id * nbins + t];
        for (int k = 0; k < 3; k++)
            if ((int64_t)ma[k] + mb[k] <= bins[t].dim[k])
                return false; /* side by side along k in bin type t */
    }
    return true;
}

static int cmp_cl_score(const void *pa, const void *pb)
{
    const cl_unit *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return (a->id > b->id) - (a->id < b->id);
}

static int cmp_cl_deg(const void *pa, const void *pb)
{
    const cl_unit *a = pa, *b = pb;
    if (a->deg != b->deg)
        return a->deg < b->deg ? 1 : -1;
    return (a->id > b->id) - (a->id < b->id);
}

static size_t cl_level_bytes(size_t nv)
{
    size_t words = (nv + 63) / 64;
    size_t bytes = 3 * words * sizeof(uint64_t) + 2 * nv * sizeof(uint16_t);
    return (bytes + 15) & ~(size_t)15; /* the next level's bitsets stay aligned */
}

/* One node of the branch and bound of Tomita and Seki (MCQ, 2003) on
 * bitsets (San Segundo et al., BBMC, 2011): colour the candidates P
 * greedily (a colour class is pairwise non-adjacent, so a clique takes at
 * most one vertex of each), then branch on the vertices of the highest
 * colours first, pruning when the clique so far plus the colours left
 * cannot beat the best. `depth` is the size of the clique so far; P lives
 * in this depth's level and is consumed. */
static void cl_expand(cl_search *c, uint32_t depth)
{
    if (depth > c->best)
        c->best = depth; /* the units taken so far are pairwise in conflict */
    if (++c->nodes > c->limit) {
        c->stopped = true;
        return;
    }
    const size_t words = c->words;
    unsigned char *lv = c->levels + (size_t)depth * c->level_bytes;
    uint64_t *P = (uint64_t *)lv, *U = P + words, *Q = U + words;
    uint16_t *order = (uint16_t *)(Q + words), *colour = order + c->nv;

    uint32_t m = 0;
    uint16_t k = 0;
    memcpy(U, P, words * sizeof *U);
    for (size_t w0 = 0; w0 < words;) {
        if (U[w0] == 0) {
            w0++;
            continue;
        }
        k++;
        memcpy(Q, U, words * sizeof *Q);
        for (size_t w = w0; w < words; w++) {
            while (Q[w] != 0) {
                uint32_t v = (uint32_t)(w * 64 + lowest_bit(Q[w]));
                uint64_t bit = (uint64_t)1 << (v % 64);
                Q[w] &= ~bit;
                U[w] &= ~bit;
                const uint64_t *nv = c->adj + (size_t)v * words;
                for (size_t x = w; x < words; x++)
                    Q[x] &= ~nv[x];
                order[m] = (uint16_t)v;
                colour[m++] = k;
            }
        }
    }

    uint64_t *child = (uint64_t *)(lv + c->level_bytes);
    for (uint32_t i = m; i-- > 0;) {
        if (depth + colour[i] <= c->best)
            return;
        uint32_t v = order[i];
        const uint64_t *nv = c->adj + (size_t)v * words;
        bool empty = true;
        for (size_t w = 0; w < words; w++) {
            child[w] = P[w] & nv[w];
            empty = empty && child[w] == 0;
        }
        if (empty) {
            if (depth + 1 > c->best)
                c->best = depth + 1;
        } else {
            cl_expand(c, depth + 1);
            if (c->stopped)
                return;
        }
        P[v / 64] &= ~((uint64_t)1 << (v % 64));
    }
}

size_t bxi_pk_clique_scratch(size_t n, size_t nbins)
{
    size_t c = n < PK_CLIQUE_MAX_UNITS ? n : PK_CLIQUE_MAX_UNITS;
    size_t words = (c + 63) / 64;
    if (nbins > BXI_PK_CLIQUE_MAX_BINS || n > (SIZE_MAX / 4) / sizeof(cl_unit))
        return SIZE_MAX;
    /* cl_unit[n], extents of the kept units per bin type, the adjacency
     * rows, then c + 1 levels */
    return n * sizeof(cl_unit) + c * nbins * sizeof(int32_t[3]) + c * words * sizeof(uint64_t) +
           (c + 1) * cl_level_bytes(c) + 64;
}

uint32_t bxi_pk_clique_bound(const int32_t (*dims)[3], const bx_rotation *rot,
                             const int64_t *mass_g, size_t n, const bxi_pk_bin *bins,
                             size_t nbins, uint64_t node_limit, bxi_pk_clique *out,
                             void *scratch)
{
    bxi_pk_clique r = {0, 0, 0, true};
    const bool masses = mass_g != NULL;
    cl_unit *u = scratch;
    /* the extents per bin type of the units kept; with n within the
     * limit they are written once, here, in input order */
    int32_t(*m)[3] = (int32_t(*)[3])((unsigned char *)scratch + n * sizeof(cl_unit));
    const bool store = n <= PK_CLIQUE_MAX_UNITS;
    int32_t most[3] = {0, 0, 0}; /* one bin type: the largest extents and mass */
    int64_t heaviest = 0;
    size_t ne = 0;
    for (size_t i = 0; i < n && nbins <= BXI_PK_CLIQUE_MAX_BINS; i++) {
        cl_unit *c = &u[ne];
        c->mass = masses && mass_g[i] > 0 ? mass_g[i] : 0;
        c->score = 0.0;
        c->fits = 0;
        for (size_t t = 0; t < nbins; t++) {
            const bxi_pk_bin *b = &bins[t];
            lb_unit lu;
            if (!reduce_unit(dims[i], rot[i], b->dim, &lu) || (masses && c->mass > b->payload_g))
                continue;
            c->fits |= 1u << t;
            if (store)
                memcpy(m[ne * nbins + t], lu.m, sizeof lu.m);
            double sc = (double)lu.m[0] / b->dim[0] + (double)lu.m[1] / b->dim[1] +
                        (double)lu.m[2] / b->dim[2] +
                        (masses && b->payload_g > 0 ? 3.0 * (double)c->mass / (double)b->payload_g
                                                    : 0.0);
            if (sc > c->score)
                c->score = sc;
        }
        if (c->fits == 0)
            continue; /* it cannot be packed: no bin count holds it */
        c->deg = 0;
        c->id = (uint32_t)i;
        if (store && nbins == 1) {
            for (int k = 0; k < 3; k++)
                if (m[ne][k] > most[k])
                    most[k] = m[ne][k];
            if (c->mass > heaviest)
                heaviest = c->mass;
        }
        ne++;
    }
    if (ne == 0)
        goto done;
    r.size = 1;
    if (store && nbins == 1) {
        /* With one bin type, a unit that lies beside the largest extent
         * along some axis, and whose mass with the heaviest's fits the
         * payload, shares the bin with every other unit: it is in no
         * conflict, and the pair tests below need not see it. */
        size_t keep = 0;
        for (size_t i = 0; i < ne; i++) {
            bool free = !masses || u[i].mass + heaviest <= bins[0].payload_g;
            bool beside = false;
            for (int k = 0; k < 3; k++)
                beside = beside || (int64_t)m[i][k] + most[k] <= bins[0].dim[k];
            if (free && beside)
                continue;
            u[keep] = u[i];
            memcpy(m[keep], m[i], sizeof m[i]);
            keep++;
        }
        ne = keep;
    }
    if (ne > PK_CLIQUE_MAX_UNITS) {
        qsort(u, ne, sizeof *u, cmp_cl_score);
        ne = PK_CLIQUE_MAX_UNITS;
    }
    /* from here id is the unit's row of extents */
    for (size_t i = 0; i < ne; i++) {
        for (size_t t = 0; t < nbins && !store; t++) {
            lb_unit lu;
            reduce_unit(dims[u[i].id], rot[u[i].id], bins[t].dim, &lu);
            memcpy(m[i * nbins + t], lu.m, sizeof lu.m);
        }
        u[i].id = (uint32_t)i;
    }
    for (size_t i = 0; i < ne; i++)
        for (size_t j = i + 1; j < ne; j++)
            if (cl_conflict(&u[i], &u[j], (const int32_t(*)[3])m, bins, nbins, masses)) {
                u[i].deg++;
                u[j].deg++;
            }
    /* the graph: units in some conflict, by degree, highest first */
    qsort(u, ne, sizeof *u, cmp_cl_deg);
    uint32_t nv = 0;
    while (nv < ne && u[nv].deg > 0)
        nv++;
    r.graph = nv;
    if (nv < 2)
        goto done;

    const size_t words = (nv + 63) / 64;
    uint64_t *adj = (uint64_t *)(m + ne * nbins);
    adj = (uint64_t *)(((uintptr_t)adj + 15) & ~(uintptr_t)15);
    memset(adj, 0, (size_t)nv * words * sizeof *adj);
    for (uint32_t i = 0; i < nv; i++)
        for (uint32_t j = i + 1; j < nv; j++)
            if (cl_conflict(&u[i], &u[j], (const int32_t(*)[3])m, bins, nbins, masses)) {
                adj[(size_t)i * words + j / 64] |= (uint64_t)1 << (j % 64);
                adj[(size_t)j * words + i / 64] |= (uint64_t)1 << (i % 64);
            }
    cl_search c = {adj, words, nv, 1, 0, node_limit, false, NULL, cl_level_bytes(nv)};
    c.levels = (unsigned char *)(adj + (size_t)nv * words);
    uint64_t *P = (uint64_t *)c.levels;
    memset(P, 0, words * sizeof *P);
    for (uint32_t v = 0; v < nv; v++)
        P[v / 64] |= (uint64_t)1 << (v % 64);
    cl_expand(&c, 0);
    r.size = c.best;
    r.nodes = c.nodes > node_limit ? node_limit : c.nodes;
    r.exact = !c.stopped;

done:
    if (out != NULL)
        *out = r;
    return r.size;
}
