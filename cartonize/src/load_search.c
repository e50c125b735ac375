/*
 * load_search.c: plans a container's load from blocks (load_blocks.c).
 *
 * Residual space is kept as maximal spaces (Lai & Chan 1997; Parreño et al.
 * 2008): every empty cuboid that cannot grow, possibly overlapping. The
 * next block goes into the space whose corner is nearest a corner of the
 * container (distances to the walls sorted and compared in order, then the
 * larger space), at that corner and on the space's floor. Blocks for a
 * space are ranked by their fitness (load_fit.c: box volume minus the
 * space made unusable) among the largest that fit. A greedy plan takes the
 * fittest block of the 8 largest at every step. The search is a beam
 * search (Araya & Riff 2014): each state of the beam tries its `w` fittest
 * blocks of the max(w, 64) largest, every child is judged by the volume of
 * its greedy completion, the w best children go on; w = 1, 2, 4, ... while
 * work is left. The best complete
 * plan seen anywhere is the answer. Work counts block tests and space updates,
 * never time, so a budget gives the same plan on every machine. The units
 * are weighted to track CPU time in both support modes: a block test that
 * fails on size is 1, one that passes it (and goes on to the payload,
 * quantities and group) is 1 + TEST_DEEP; each containment test between
 * spaces is DOM_COST; copying a search state costs one per space, step
 * and box type copied.
 *
 * Full support: the piece of a space above a new block is cut to the
 * block's top area, so a space's floor is always fully carried. Without
 * the rule it keeps the space's whole extent (a block may overhang), and
 * with `ceiling` (no support, no stops) the ceiling is a wall like the
 * others: a space's distance along z is the smaller of those to the floor
 * and to the ceiling, and a block goes to the space's top when the top is
 * nearer the ceiling than its floor is to the floor (the rule is then the
 * same along all three axes, after Zhu, Oon, Lim & Weng 2012).
 *
 * Groups (stops): boxes of group 0 load first, then group 1, ... When a
 * group is done, every space is moved towards the door (x = container
 * length) past any box of an earlier group that overlaps it in y and rises
 * above its floor: a later group's box then never has an earlier group's
 * box above it or between it and the door.
 */
#include <string.h>

#include "load_internal.h"

#define MAX_WIDTH 256 /* widest beam */
#define BEAM_SCAN 64   /* a beam state ranks the 64 largest fitting blocks */
#define GREEDY_SCAN 8  /* a greedy step ranks the 8 largest */
/* Work weights, from the CPU time per counted operation on BR1-10 and
 * thpack8 in both support modes (tests/bench/README.md). */
#define TEST_DEEP 8
#define DOM_COST 2

typedef struct sp_t {
    bxi_cl_space s;
    uint32_t park; /* group + 1 when no block of that group fits */
} sp_t;

typedef struct placed {
    uint32_t block;
    int32_t p[3];
} placed;

typedef struct state {
    sp_t *sp;
    size_t nsp, spcap;
    uint32_t *rem;
    int64_t vol, mass_g;
    uint32_t group;
    placed *seq;
    size_t nseq, seqcap;
} state;

typedef struct solver {
    bx_ctx *ctx;
    const bxi_cl_problem *pb;
    bxi_cl_blocks bl;
    uint64_t work, budget;
    uint32_t ngroups;
    int32_t min_edge;
    bool lifo;
    bool ceiling;      /* corners on the ceiling too (no support, no groups) */
    sp_t *pieces;
    size_t npieces, piececap;
    uint32_t *cands;   /* the blocks to try, best first */
    uint32_t *scan;    /* fitting blocks, largest first */
    int64_t *fit;      /* fitness of cands[i] */
    bxi_cl_reach reach;
    int32_t (*od)[3];  /* extents of the blocks in volume order */
    int64_t *ovol;     /* their box volumes */
} solver;

static bool out_of_work(const solver *sv)
{
    return sv->work >= sv->budget;
}

static void state_free(bx_ctx *ctx, state *st)
{
    bx_free(ctx, st->sp);
    bx_free(ctx, st->rem);
    bx_free(ctx, st->seq);
    memset(st, 0, sizeof *st);
}

static bx_status state_copy(solver *sv, state *dst, const state *src)
{
    bx_status st = bxi_grow(sv->ctx, (void **)&dst->sp, &dst->spcap, src->nsp ? src->nsp : 1,
                            sizeof *dst->sp, SIZE_MAX / sizeof(sp_t), "load spaces");
    if (st == BX_OK)
        st = bxi_grow(sv->ctx, (void **)&dst->seq, &dst->seqcap, src->nseq ? src->nseq : 1,
                      sizeof *dst->seq, SIZE_MAX / sizeof(placed), "load steps");
    if (st != BX_OK)
        return st;
    if (!dst->rem) {
        dst->rem = bx_alloc(sv->ctx, (sv->pb->ntypes + 1) * sizeof *dst->rem);
        if (!dst->rem)
            return BX_ENOMEM;
    }
    if (src->nsp)
        memcpy(dst->sp, src->sp, src->nsp * sizeof *src->sp);
    if (src->nseq)
        memcpy(dst->seq, src->seq, src->nseq * sizeof *src->seq);
    memcpy(dst->rem, src->rem, sv->pb->ntypes * sizeof *src->rem);
    dst->nsp = src->nsp;
    dst->nseq = src->nseq;
    dst->vol = src->vol;
    dst->mass_g = src->mass_g;
    dst->group = src->group;
    sv->work += src->nsp + src->nseq + sv->pb->ntypes;
    return BX_OK;
}

static uint32_t block_group(const solver *sv, const bxi_cl_block *b)
{
    return sv->pb->types[sv->bl.comp[b->comp_off].type].group;
}

/* Whether block b, which fits space s in size, also fits the payload,
 * the quantities left and the group. */
static bool block_fits_rest(solver *sv, const state *st, const bxi_cl_block *b)
{
    sv->work += TEST_DEEP + b->comp_n - 1;
    if (b->mass_g > sv->pb->payload_g - st->mass_g)
        return false;
    const bxi_cl_comp *c = sv->bl.comp + b->comp_off;
    for (uint32_t i = 0; i < b->comp_n; i++)
        if (c[i].count > st->rem[c[i].type])
            return false;
    return block_group(sv, b) == st->group;
}

static int32_t min3(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

static void wall_dist(const solver *sv, const bxi_cl_space *s, int32_t out[3])
{
    const int32_t *c = sv->pb->c;
    out[0] = sv->lifo ? s->p[0] : min3(s->p[0], c[0] - s->p[0] - s->d[0]);
    out[1] = min3(s->p[1], c[1] - s->p[1] - s->d[1]);
    out[2] = sv->ceiling ? min3(s->p[2], c[2] - s->p[2] - s->d[2]) : s->p[2];
    if (sv->lifo) {
        /* walls from the front towards the door: nearest the front, then
         * lowest, then nearest a side */
        int32_t y = out[1];
        out[1] = out[2];
        out[2] = y;
        return;
    }
    /* sort ascending */
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2 - i; j++)
            if (out[j] > out[j + 1]) {
                int32_t t = out[j];
                out[j] = out[j + 1];
                out[j + 1] = t;
            }
}

static int64_t space_vol(const bxi_cl_space *s)
{
    return (int64_t)s->d[0] * s->d[1] * s->d[2];
}

/* The space to fill next, or -1. */
static long choose_space(solver *sv, const state *st)
{
    long best = -1;
    int32_t bd[3] = {0, 0, 0};
    for (size_t i = 0; i < st->nsp; i++) {
        if (st->sp[i].park == st->group + 1)
            continue;
        int32_t d[3];
        wall_dist(sv, &st->sp[i].s, d);
        int cmp = 0;
        if (best >= 0)
            for (int k = 0; k < 3 && !cmp; k++)
                cmp = d[k] < bd[k] ? -1 : d[k] > bd[k];
        if (best < 0 || cmp < 0 ||
            (cmp == 0 && space_vol(&st->sp[i].s) > space_vol(&st->sp[best].s))) {
            best = (long)i;
            memcpy(bd, d, sizeof d);
        }
    }
    sv->work += st->nsp;
    return best;
}

static void anchor(const solver *sv, const bxi_cl_space *s, const bxi_cl_block *b, int32_t p[3])
{
    const int32_t *c = sv->pb->c;
    bool left = sv->lifo || s->p[0] <= c[0] - s->p[0] - s->d[0];
    bool front = s->p[1] <= c[1] - s->p[1] - s->d[1];
    p[0] = left ? s->p[0] : s->p[0] + s->d[0] - b->d[0];
    p[1] = front ? s->p[1] : s->p[1] + s->d[1] - b->d[1];
    bool low = !sv->ceiling || s->p[2] <= c[2] - s->p[2] - s->d[2];
    p[2] = low ? s->p[2] : s->p[2] + s->d[2] - b->d[2];
}

static bool inside(const bxi_cl_space *a, const bxi_cl_space *b)
{
    for (int i = 0; i < 3; i++)
        if (a->p[i] < b->p[i] || a->p[i] + a->d[i] > b->p[i] + b->d[i])
            return false;
    return true;
}

static bx_status add_piece(solver *sv, const bxi_cl_space *s, uint32_t park)
{
    for (int i = 0; i < 3; i++)
        if (s->d[i] < sv->min_edge)
            return BX_OK;
    bx_status st = bxi_grow(sv->ctx, (void **)&sv->pieces, &sv->piececap, sv->npieces + 1,
                            sizeof *sv->pieces, SIZE_MAX / sizeof(sp_t), "load spaces");
    if (st != BX_OK)
        return st;
    sv->pieces[sv->npieces].s = *s;
    sv->pieces[sv->npieces].park = park;
    sv->npieces++;
    return BX_OK;
}

/* Remove box [p, p+d) with top area `top` from the spaces of st. */
static bx_status cut_spaces(solver *sv, state *st, const int32_t p[3], const int32_t d[3],
                            const int32_t top[2])
{
    sv->npieces = 0;
    size_t keep = 0;
    for (size_t i = 0; i < st->nsp; i++) {
        const bxi_cl_space *s = &st->sp[i].s;
        bool hit = true;
        for (int k = 0; k < 3 && hit; k++)
            hit = p[k] < s->p[k] + s->d[k] && s->p[k] < p[k] + d[k];
        if (!hit) {
            st->sp[keep++] = st->sp[i];
            continue;
        }
        uint32_t park = st->sp[i].park;
        for (int k = 0; k < 3; k++) {
            bx_status rc;
            if (p[k] > s->p[k]) { /* the part before the box along k */
                bxi_cl_space q = *s;
                q.d[k] = p[k] - s->p[k];
                if ((rc = add_piece(sv, &q, park)) != BX_OK)
                    return rc;
            }
            int32_t e = p[k] + d[k], se = s->p[k] + s->d[k];
            if (e < se) { /* the part after it */
                bxi_cl_space q = *s;
                q.p[k] = e;
                q.d[k] = se - e;
                if (k == 2 && sv->pb->support) {
                    /* only over the block's top area */
                    bool ok = true;
                    for (int j = 0; j < 2 && ok; j++) {
                        int32_t lo = s->p[j] > p[j] ? s->p[j] : p[j];
                        int32_t shi = s->p[j] + s->d[j], thi = p[j] + top[j];
                        int32_t hi = shi < thi ? shi : thi;
                        ok = hi > lo;
                        q.p[j] = lo;
                        q.d[j] = hi - lo;
                    }
                    if (!ok)
                        continue;
                }
                if ((rc = add_piece(sv, &q, park)) != BX_OK)
                    return rc;
            }
        }
    }
    st->nsp = keep;
    sv->work += keep + sv->npieces;
    /* New pieces that lie inside another space add nothing. */
    for (size_t i = 0; i < sv->npieces; i++) {
        bool dominated = false;
        for (size_t j = 0; j < st->nsp && !dominated; j++)
            dominated = inside(&sv->pieces[i].s, &st->sp[j].s);
        for (size_t j = 0; j < sv->npieces && !dominated; j++) {
            if (j == i)
                continue;
            if (inside(&sv->pieces[i].s, &sv->pieces[j].s) &&
                (!inside(&sv->pieces[j].s, &sv->pieces[i].s) || j < i))
                dominated = true;
        }
        sv->work += DOM_COST * (st->nsp + sv->npieces);
        if (dominated)
            continue;
        bx_status rc = bxi_grow(sv->ctx, (void **)&st->sp, &st->spcap, st->nsp + 1,
                                sizeof *st->sp, SIZE_MAX / sizeof(sp_t), "load spaces");
        if (rc != BX_OK)
            return rc;
        st->sp[st->nsp++] = sv->pieces[i];
    }
    return BX_OK;
}

static bx_status place(solver *sv, state *st, uint32_t bi, size_t si)
{
    const bxi_cl_block *b = &sv->bl.b[bi];
    int32_t p[3];
    anchor(sv, &st->sp[si].s, b, p);
    bx_status rc = bxi_grow(sv->ctx, (void **)&st->seq, &st->seqcap, st->nseq + 1,
                            sizeof *st->seq, SIZE_MAX / sizeof(placed), "load steps");
    if (rc != BX_OK)
        return rc;
    st->seq[st->nseq].block = bi;
    memcpy(st->seq[st->nseq].p, p, sizeof p);
    st->nseq++;
    const bxi_cl_comp *c = sv->bl.comp + b->comp_off;
    for (uint32_t i = 0; i < b->comp_n; i++)
        st->rem[c[i].type] -= c[i].count;
    st->vol += b->vol;
    st->mass_g += b->mass_g;
    return cut_spaces(sv, st, p, b->d, b->top);
}

/* Move to the next group; false when there is none. */
static bool next_group(solver *sv, state *st)
{
    if (st->group + 1 >= sv->ngroups)
        return false;
    st->group++;
    size_t keep = 0;
    for (size_t i = 0; i < st->nsp; i++) {
        bxi_cl_space s = st->sp[i].s;
        for (size_t k = 0; k < st->nseq; k++) {
            const bxi_cl_block *b = &sv->bl.b[st->seq[k].block];
            const int32_t *p = st->seq[k].p;
            if (p[1] < s.p[1] + s.d[1] && s.p[1] < p[1] + b->d[1] && p[2] + b->d[2] > s.p[2] &&
                p[0] + b->d[0] > s.p[0]) {
                int32_t end = s.p[0] + s.d[0];
                s.p[0] = p[0] + b->d[0];
                s.d[0] = end - s.p[0];
                if (s.d[0] < sv->min_edge)
                    break;
            }
        }
        sv->work += st->nseq;
        if (s.d[0] >= sv->min_edge) {
            st->sp[keep].s = s;
            st->sp[keep].park = 0;
            keep++;
        }
    }
    st->nsp = keep;
    return true;
}

/* Of the `scan` largest blocks that fit space si, the w fittest
 * (bxi_cl_fitness; ties keep the larger), best first. */
static uint32_t candidates(solver *sv, const state *st, size_t si, uint32_t w, uint32_t scan)
{
    const bxi_cl_space *s = &st->sp[si].s;
    uint32_t n = 0;
    if (scan < w)
        scan = w;
    /* Blocks in volume order, largest first; one whose boxes alone have
     * more volume than the space cannot fit it, so those are skipped at
     * once, each still charged as the size test it would have failed. */
    size_t k = 0, nb = sv->bl.n;
    if (s->d[0] <= BXI_CL_VOL_MAX_MM && s->d[1] <= BXI_CL_VOL_MAX_MM &&
        s->d[2] <= BXI_CL_VOL_MAX_MM) {
        int64_t v = space_vol(s);
        size_t hi = nb;
        while (k < hi) {
            size_t mid = k + (hi - k) / 2;
            if (sv->ovol[mid] > v)
                k = mid + 1;
            else
                hi = mid;
        }
    }
    uint64_t tests = k;
    for (; k < nb && n < scan; k++) {
        const int32_t *d = sv->od[k];
        tests++;
        if (d[0] > s->d[0] || d[1] > s->d[1] || d[2] > s->d[2])
            continue;
        uint32_t bi = sv->bl.order[k];
        if (block_fits_rest(sv, st, &sv->bl.b[bi]))
            sv->scan[n++] = bi;
    }
    sv->work += tests;
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t f = bxi_cl_fitness(&sv->reach, s, &sv->bl.b[sv->scan[i]]);
        uint32_t j = m;
        while (j > 0 && sv->fit[j - 1] < f)
            j--;
        if (j >= w)
            continue;
        if (m == w)
            m--;
        memmove(sv->cands + j + 1, sv->cands + j, (m - j) * sizeof *sv->cands);
        memmove(sv->fit + j + 1, sv->fit + j, (m - j) * sizeof *sv->fit);
        sv->cands[j] = sv->scan[i];
        sv->fit[j] = f;
        m++;
    }
    sv->work += n;
    return m;
}

/* The next space with a block, parking spaces without one; -1 at the end. */
static bx_status next_space(solver *sv, state *st, uint32_t w, uint32_t scan, long *si,
                            uint32_t *n)
{
    for (;;) {
        long s = choose_space(sv, st);
        if (s < 0) {
            if (!next_group(sv, st)) {
                *si = -1;
                return BX_OK;
            }
            continue;
        }
        *n = candidates(sv, st, (size_t)s, w, scan);
        if (*n) {
            *si = s;
            return BX_OK;
        }
        st->sp[s].park = st->group + 1;
        if (out_of_work(sv)) {
            *si = -1;
            return BX_OK;
        }
    }
}

/* A greedy completion: the fittest block for each next space. */
static bx_status greedy(solver *sv, state *st)
{
    for (;;) {
        long si;
        uint32_t n;
        bx_status rc = next_space(sv, st, 1, GREEDY_SCAN, &si, &n);
        if (rc != BX_OK || si < 0)
            return rc;
        if ((rc = place(sv, st, sv->cands[0], (size_t)si)) != BX_OK)
            return rc;
    }
}

static bx_status emit(solver *sv, bxi_cl_result *r, uint32_t bi, const int32_t p[3], uint32_t step)
{
    const bxi_cl_block *b = &sv->bl.b[bi];
    for (uint32_t z = 0; z < b->n[2]; z++)
        for (uint32_t y = 0; y < b->n[1]; y++)
            for (uint32_t x = 0; x < b->n[0]; x++) {
                bx_status rc = bxi_grow(sv->ctx, (void **)&r->boxes, &r->cap, r->nboxes + 1,
                                        sizeof *r->boxes, SIZE_MAX / sizeof(bxi_cl_box), "loaded boxes");
                if (rc != BX_OK)
                    return rc;
                bxi_cl_box *o = &r->boxes[r->nboxes++];
                o->type = b->a;
                o->p[0] = p[0] + (int32_t)x * b->od[0];
                o->p[1] = p[1] + (int32_t)y * b->od[1];
                o->p[2] = p[2] + (int32_t)z * b->od[2];
                memcpy(o->d, b->od, sizeof o->d);
                o->step = step;
            }
    return BX_OK;
}

typedef struct child {
    uint32_t parent, block;
    long space;
    int64_t eval;
} child;

/* Children by evaluation, best first; ties keep the earlier child (an
 * insertion into the kept prefix, which holds at most w). */
static void keep_child(child *kept, uint32_t *nkept, uint32_t w, const child *c)
{
    uint32_t n = *nkept, i = n;
    while (i > 0 && kept[i - 1].eval < c->eval)
        i--;
    if (i >= w)
        return;
    if (n == w)
        n--;
    memmove(kept + i + 1, kept + i, (n - i) * sizeof *kept);
    kept[i] = *c;
    *nkept = n + 1;
}

/* One beam search of width w (Araya & Riff 2014): every state of the beam
 * tries its w largest blocks for its next space, each child is judged by
 * the volume of its greedy completion, and the w best children form the
 * next beam. */
static bx_status beam(solver *sv, const state *init, state *best, uint32_t w, state *beam_a,
                      state *beam_b, child *kept, state *trial)
{
    bx_status rc = state_copy(sv, &beam_a[0], init);
    uint32_t nbeam = 1;
    while (rc == BX_OK && nbeam && !out_of_work(sv)) {
        uint32_t nkept = 0;
        for (uint32_t i = 0; i < nbeam && rc == BX_OK && !out_of_work(sv); i++) {
            long si;
            uint32_t n;
            if ((rc = next_space(sv, &beam_a[i], w, BEAM_SCAN, &si, &n)) != BX_OK)
                break;
            if (si < 0) {
                if (beam_a[i].vol > best->vol)
                    rc = state_copy(sv, best, &beam_a[i]);
                continue;
            }
            uint32_t pick[MAX_WIDTH];
            memcpy(pick, sv->cands, n * sizeof *pick);
            for (uint32_t k = 0; k < n && rc == BX_OK; k++) {
                if ((rc = state_copy(sv, trial, &beam_a[i])) != BX_OK ||
                    (rc = place(sv, trial, pick[k], (size_t)si)) != BX_OK ||
                    (rc = greedy(sv, trial)) != BX_OK)
                    break;
                if (trial->vol > best->vol && (rc = state_copy(sv, best, trial)) != BX_OK)
                    break;
                child c = {i, pick[k], si, trial->vol};
                keep_child(kept, &nkept, w, &c);
                if (out_of_work(sv))
                    break;
            }
        }
        for (uint32_t j = 0; j < nkept && rc == BX_OK; j++) {
            if ((rc = state_copy(sv, &beam_b[j], &beam_a[kept[j].parent])) == BX_OK)
                rc = place(sv, &beam_b[j], kept[j].block, (size_t)kept[j].space);
        }
        for (uint32_t j = 0; j < nkept; j++) {
            state t = beam_a[j];
            beam_a[j] = beam_b[j];
            beam_b[j] = t;
        }
        nbeam = nkept;
    }
    return rc;
}

static bx_status search(solver *sv, const state *init, state *best)
{
    state trial = {0};
    state *ba = bx_alloc(sv->ctx, 2 * MAX_WIDTH * sizeof *ba);
    child *kept = bx_alloc(sv->ctx, (MAX_WIDTH + 1) * sizeof *kept);
    if (!ba || !kept) {
        bx_free(sv->ctx, ba);
        bx_free(sv->ctx, kept);
        return BX_ENOMEM;
    }
    memset(ba, 0, 2 * MAX_WIDTH * sizeof *ba);
    bx_status rc = state_copy(sv, best, init);
    if (rc == BX_OK)
        rc = greedy(sv, best);
    for (uint32_t w = 1; rc == BX_OK && w <= MAX_WIDTH && !out_of_work(sv); w *= 2)
        rc = beam(sv, init, best, w, ba, ba + MAX_WIDTH, kept, &trial);
    for (size_t i = 0; i < 2 * MAX_WIDTH; i++)
        state_free(sv->ctx, &ba[i]);
    bx_free(sv->ctx, ba);
    bx_free(sv->ctx, kept);
    state_free(sv->ctx, &trial);
    return rc;
}

bx_status bxi_cl_solve(bx_ctx *ctx, const bxi_cl_problem *pb, bxi_cl_result *out)
{
    memset(out, 0, sizeof *out);
    solver sv = {0};
    sv.ctx = ctx;
    sv.pb = pb;
    sv.budget = pb->budget ? pb->budget : BXI_CL_DEFAULT_BUDGET;
    sv.min_edge = INT32_MAX;
    for (size_t t = 0; t < pb->ntypes; t++) {
        const bxi_cl_type *ty = &pb->types[t];
        if (ty->qty == 0)
            continue;
        for (int i = 0; i < 3; i++)
            if (ty->d[i] < sv.min_edge)
                sv.min_edge = ty->d[i];
        if (ty->group + 1 > sv.ngroups)
            sv.ngroups = ty->group + 1;
    }
    sv.lifo = sv.ngroups > 1 || pb->door_x > 0;
    sv.ceiling = pb->ceiling && !pb->support && !sv.lifo;
    if (sv.min_edge == INT32_MAX)
        return BX_OK; /* nothing to load */
    /* Blocks take at most a fifth of the work. */
    bx_status rc = bxi_cl_blocks_make(ctx, pb, sv.budget / 5, &sv.bl);
    if (rc != BX_OK)
        return rc;
    sv.work = sv.bl.work;
    out->nblocks = (uint32_t)sv.bl.n;
    sv.od = bx_alloc(ctx, (sv.bl.n + 1) * sizeof *sv.od);
    sv.ovol = bx_alloc(ctx, (sv.bl.n + 1) * sizeof *sv.ovol);
    if (sv.od && sv.ovol)
        for (size_t k = 0; k < sv.bl.n; k++) {
            const bxi_cl_block *b = &sv.bl.b[sv.bl.order[k]];
            memcpy(sv.od[k], b->d, sizeof b->d);
            sv.ovol[k] = b->vol;
        }
    state init = {0}, best = {0};
    rc = bxi_cl_reach_make(ctx, pb, &sv.reach);
    sv.work += sv.reach.work;
    sv.scan = bx_alloc(ctx, (BEAM_SCAN + MAX_WIDTH) * sizeof *sv.scan);
    sv.fit = bx_alloc(ctx, (MAX_WIDTH + 1) * sizeof *sv.fit);
    sv.cands = bx_alloc(ctx, MAX_WIDTH * sizeof *sv.cands);
    init.sp = bx_alloc(ctx, sizeof *init.sp);
    init.spcap = 1;
    init.rem = bx_alloc(ctx, (pb->ntypes + 1) * sizeof *init.rem);
    if (rc == BX_OK && !(sv.cands && sv.scan && sv.fit && sv.od && sv.ovol && init.sp && init.rem))
        rc = BX_ENOMEM;
    if (rc == BX_OK) {
        init.nsp = 1;
        memset(init.sp, 0, sizeof *init.sp);
        memcpy(init.sp[0].s.d, pb->c, sizeof pb->c);
        for (size_t t = 0; t < pb->ntypes; t++)
            init.rem[t] = pb->types[t].qty;
        rc = search(&sv, &init, &best);
    }
    for (size_t k = 0; rc == BX_OK && k < best.nseq; k++)
        rc = emit(&sv, out, best.seq[k].block, best.seq[k].p, (uint32_t)k + 1);
    if (rc == BX_OK) {
        out->vol = best.vol;
        out->mass_g = best.mass_g;
    }
    out->work = sv.work;
    state_free(ctx, &init);
    state_free(ctx, &best);
    bx_free(ctx, sv.pieces);
    bx_free(ctx, sv.cands);
    bx_free(ctx, sv.scan);
    bx_free(ctx, sv.fit);
    bx_free(ctx, sv.od);
    bx_free(ctx, sv.ovol);
    bxi_cl_reach_free(ctx, &sv.reach);
    bxi_cl_blocks_free(ctx, &sv.bl);
    if (rc != BX_OK)
        bxi_cl_result_free(ctx, out);
    return rc;
}

void bxi_cl_result_free(bx_ctx *ctx, bxi_cl_result *r)
{
    bx_free(ctx, r->boxes);
    memset(r, 0, sizeof *r);
}
