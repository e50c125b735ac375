/*
 * load_fit.c: how well a block suits a residual space.
 *
 * After Zhu & Lim (2012) and Araya & Riff (2014, f = V - V_loss): a block
 * in the corner of a space leaves a gap along each axis; only the part of
 * a gap that some sum of box edges can fill is of any use, the rest is
 * lost. The fitness is the block's box volume minus the volume of the
 * space that becomes unusable that way, minus the empty volume inside the
 * block's own bounding box. Which lengths a sum of edges reaches is worked
 * out once per problem (an unbounded subset sum over the distinct edges
 * that may lie along each axis, quantities ignored), so the fitness is
 * cheap enough to rank dozens of blocks at every step of the search.
 */
#include <string.h>

#include "load_internal.h"

/* Containers longer than this along an axis get no table for it: every
 * length counts as reachable there (no loss is charged). */
#define REACH_MAX_MM (1 << 20)

static bool edge_may_lie(const bxi_cl_type *t, int edge, int axis)
{
    if (t->fixed)
        return edge == axis;
    if (axis == 2)
        return t->vert_ok[edge];
    /* lying along x or y: some other edge stands vertical */
    for (int v = 0; v < 3; v++)
        if (v != edge && t->vert_ok[v])
            return true;
    return false;
}

bx_status bxi_cl_reach_make(bx_ctx *ctx, const bxi_cl_problem *pb, bxi_cl_reach *out)
{
    memset(out, 0, sizeof *out);
    int32_t *edges = bx_alloc(ctx, (3 * pb->ntypes + 1) * sizeof *edges);
    if (!edges)
        return BX_ENOMEM;
    bx_status st = BX_OK;
    for (int k = 0; k < 3 && st == BX_OK; k++) {
        int32_t c = pb->c[k];
        out->c[k] = c;
        if (c > REACH_MAX_MM)
            continue;
        size_t ne = 0;
        for (size_t t = 0; t < pb->ntypes; t++) {
            if (pb->types[t].qty == 0)
                continue;
            for (int e = 0; e < 3; e++) {
                int32_t d = pb->types[t].d[e];
                if (d > c || !edge_may_lie(&pb->types[t], e, k))
                    continue;
                bool dup = false;
                for (size_t i = 0; i < ne && !dup; i++)
                    dup = edges[i] == d;
                if (!dup)
                    edges[ne++] = d;
            }
        }
        out->r[k] = bx_alloc(ctx, ((size_t)c + 1) * sizeof *out->r[k]);
        if (!out->r[k]) {
            st = BX_ENOMEM;
            break;
        }
        /* r[L] = L when L is a sum of edges; then the best below */
        int32_t *r = out->r[k];
        r[0] = 0;
        for (int32_t L = 1; L <= c; L++) {
            r[L] = r[L - 1];
            for (size_t i = 0; i < ne; i++)
                if (edges[i] <= L && r[L - edges[i]] == L - edges[i]) {
                    r[L] = L;
                    break;
                }
        }
        out->work += (uint64_t)c * (ne + 1);
    }
    bx_free(ctx, edges);
    if (st != BX_OK)
        bxi_cl_reach_free(ctx, out);
    return st;
}

void bxi_cl_reach_free(bx_ctx *ctx, bxi_cl_reach *r)
{
    for (int k = 0; k < 3; k++)
        bx_free(ctx, r->r[k]);
    memset(r, 0, sizeof *r);
}

static int32_t reach(const bxi_cl_reach *r, int k, int32_t len)
{
    if (len <= 0)
        return 0;
    if (!r->r[k] || len > r->c[k])
        return len;
    return r->r[k][len];
}

int64_t bxi_cl_fitness(const bxi_cl_reach *r, const bxi_cl_space *s, const bxi_cl_block *b)
{
    /* Beyond 2^20 mm a product of three lengths could overflow: rank by
     * volume alone there. Below, every product is at most 2^60. */
    for (int k = 0; k < 3; k++)
        if (s->d[k] > REACH_MAX_MM)
            return b->vol;
    int64_t usable = 1, kept = 1;
    for (int k = 0; k < 3; k++) {
        int32_t eff = reach(r, k, s->d[k]); /* what boxes can fill of the space */
        int32_t gap = eff - b->d[k];
        usable *= eff;
        kept *= b->d[k] + reach(r, k, gap);
    }
    int64_t inner_waste = (int64_t)b->d[0] * b->d[1] * b->d[2] - b->vol;
    return b->vol - (usable - kept) - inner_waste;
}
