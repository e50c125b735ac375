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
 * the bin. */
static void reduce_unit(const int32_t d[3], bx_rotation rot, const int32_t bin[3], lb_unit *u)
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
        return;
    }
    for (int k = 0; k < 3; k++)
        u->m[k] = d[k] < bin[k] ? d[k] : bin[k];
    u->volume = (int64_t)u->m[0] * u->m[1] * u->m[2];
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
