/*
 * load_blocks.c: the blocks a container-loading plan is built from.
 *
 * Simple blocks: every orientation of every type, every nx*ny*nz that
 * the quantity and the container allow, kept once per (extent,
 * composition). Blocks are hole-free and every box in them rests on its
 * whole base, so their top carries over its full area.
 *
 * General blocks (two blocks side by side or stacked, filling at least
 * 98 % of their bounding box, Fanslau & Bortfeldt 2010) were tried and
 * left out: on the Bischoff-Ratcliff problems they loaded no more than
 * simple blocks under the same work budget (on 70 of the problems, with
 * the block fitness of load_fit.c: 93.12 % against 93.75 % with full
 * support; without support 94.38 %, or 94.87 % keeping only hole-free
 * ones, against 94.91 %) and took up to twice the CPU per work unit. Combinations of types still arise in a plan, block by block,
 * through the search.
 *
 * Fragile boxes and boxes with a load limit carry nothing in a block's top
 * area; a load limit also bounds how many stand in a column.
 */
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"

typedef struct gen {
    bx_ctx *ctx;
    const bxi_cl_problem *pb;
    bxi_cl_blocks *bl;
    uint32_t max_blocks;
    uint64_t work_cap;
    uint64_t *set;      /* open-addressing hash set of block hashes */
    size_t setcap;      /* power of two */
} gen;

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

static uint64_t block_hash(const bxi_cl_block *b, const bxi_cl_comp *comp)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < 3; i++)
        h = mix(h, (uint64_t)(uint32_t)b->d[i]);
    for (uint32_t i = 0; i < b->comp_n; i++)
        h = mix(h, ((uint64_t)comp[i].type << 32) | comp[i].count);
    return h ? h : 1;
}

/* Insert h; false if it was there already. */
static bool set_insert(gen *g, uint64_t h)
{
    size_t m = g->setcap - 1;
    for (size_t i = (size_t)h & m;; i = (i + 1) & m) {
        if (g->set[i] == h)
            return false;
        if (g->set[i] == 0) {
            g->set[i] = h;
            return true;
        }
    }
}

static bx_status push_block(gen *g, bxi_cl_block *nb, const bxi_cl_comp *comp, bool *added)
{
    bxi_cl_blocks *bl = g->bl;
    *added = false;
    nb->hash = block_hash(nb, comp);
    if (!set_insert(g, nb->hash))
        return BX_OK;
    bx_status st = bxi_grow(g->ctx, (void **)&bl->b, &bl->cap, bl->n + 1, sizeof *bl->b,
                            (size_t)g->max_blocks + 1, "load blocks");
    if (st == BX_OK)
        st = bxi_grow(g->ctx, (void **)&bl->comp, &bl->compcap, bl->ncomp + nb->comp_n,
                      sizeof *bl->comp, SIZE_MAX / sizeof *bl->comp, "load block parts");
    if (st != BX_OK)
        return st;
    nb->comp_off = (uint32_t)bl->ncomp;
    memcpy(bl->comp + bl->ncomp, comp, nb->comp_n * sizeof *comp);
    bl->ncomp += nb->comp_n;
    bl->b[bl->n++] = *nb;
    *added = true;
    return BX_OK;
}

static bx_status simple_blocks(gen *g)
{
    const bxi_cl_problem *pb = g->pb;
    static const int perm[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1}, {2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
    /* Two passes: single boxes first (always kept), then the rest. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t t = 0; t < pb->ntypes; t++) {
            const bxi_cl_type *ty = &pb->types[t];
            if (ty->qty == 0)
                continue;
            int32_t seen[6][3];
            int nseen = 0;
            for (int o = 0; o < 6; o++) {
                int32_t od[3] = {ty->d[perm[o][0]], ty->d[perm[o][1]], ty->d[perm[o][2]]};
                if (!ty->vert_ok[perm[o][2]] || (ty->fixed && o != 0))
                    continue;
                bool dup = false;
                for (int s = 0; s < nseen; s++)
                    dup |= seen[s][0] == od[0] && seen[s][1] == od[1] && seen[s][2] == od[2];
                if (dup || od[0] > pb->c[0] || od[1] > pb->c[1] || od[2] > pb->c[2])
                    continue;
                memcpy(seen[nseen++], od, sizeof od);
                uint32_t maxz = ty->qty;
                if (ty->no_top)
                    maxz = 1;
                else if (ty->max_load_g >= 0 && ty->mass_g > 0) {
                    int64_t k = ty->max_load_g / ty->mass_g + 1;
                    if (k < (int64_t)maxz)
                        maxz = (uint32_t)k;
                }
                bool carries = (!ty->no_top && ty->max_load_g < 0) || !pb->support;
                for (uint32_t nz = 1; nz <= maxz && (int64_t)nz * od[2] <= pb->c[2]; nz++)
                    for (uint32_t ny = 1; (uint64_t)ny * nz <= ty->qty && (int64_t)ny * od[1] <= pb->c[1]; ny++)
                        for (uint32_t nx = 1; (uint64_t)nx * ny * nz <= ty->qty &&
                                              (int64_t)nx * od[0] <= pb->c[0]; nx++) {
                            bool single = nx == 1 && ny == 1 && nz == 1;
                            if (single != (pass == 0))
                                continue;
                            if (g->bl->n >= g->max_blocks)
                                return BX_OK;
                            uint32_t cnt = nx * ny * nz;
                            bxi_cl_block nb = {0};
                            nb.d[0] = (int32_t)nx * od[0];
                            nb.d[1] = (int32_t)ny * od[1];
                            nb.d[2] = (int32_t)nz * od[2];
                            if (carries) {
                                nb.top[0] = nb.d[0];
                                nb.top[1] = nb.d[1];
                            }
                            nb.vol = (int64_t)od[0] * od[1] * od[2] * cnt;
                            nb.mass_g = ty->mass_g * cnt;
                            nb.comp_n = 1;
                            nb.a = (uint32_t)t;
                            memcpy(nb.od, od, sizeof od);
                            nb.n[0] = (uint16_t)nx;
                            nb.n[1] = (uint16_t)ny;
                            nb.n[2] = (uint16_t)nz;
                            bxi_cl_comp c = {(uint32_t)t, cnt};
                            bool added;
                            bx_status st = push_block(g, &nb, &c, &added);
                            if (st != BX_OK)
                                return st;
                            if (nx > UINT16_MAX - 1 || ny > UINT16_MAX - 1 || nz > UINT16_MAX - 1)
                                return BX_OK;
                        }
            }
        }
    }
    return BX_OK;
}

/* Block indices by volume, largest first (ties by index): a merge sort,
 * since qsort has no user pointer in C11. */
static void sort_order(const bxi_cl_block *b, uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_order(b, v, tmp, h);
    sort_order(b, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        const bxi_cl_block *x = &b[v[i]], *y = &b[v[j]];
        bool take_right = y->vol > x->vol || (y->vol == x->vol && v[j] < v[i]);
        tmp[k++] = take_right ? v[j++] : v[i++];
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

bx_status bxi_cl_blocks_make(bx_ctx *ctx, const bxi_cl_problem *pb, uint64_t work_cap,
                             bxi_cl_blocks *out)
{
    memset(out, 0, sizeof *out);
    gen g = {ctx, pb, out, pb->max_blocks ? pb->max_blocks : BXI_CL_DEFAULT_BLOCKS, work_cap,
             NULL, 0};
    g.setcap = 1;
    while (g.setcap < (size_t)g.max_blocks * 4)
        g.setcap <<= 1;
    g.set = bx_alloc(ctx, g.setcap * sizeof *g.set);
    if (!g.set)
        return BX_ENOMEM;
    memset(g.set, 0, g.setcap * sizeof *g.set);
    bx_status st = simple_blocks(&g);
    bx_free(ctx, g.set);
    if (st == BX_OK && out->n) {
        out->order = bx_alloc(ctx, out->n * sizeof *out->order);
        uint32_t *tmp = bx_alloc(ctx, out->n * sizeof *tmp);
        if (!out->order || !tmp)
            st = BX_ENOMEM;
        else {
            for (size_t i = 0; i < out->n; i++)
                out->order[i] = (uint32_t)i;
            sort_order(out->b, out->order, tmp, out->n);
        }
        bx_free(ctx, tmp);
    }
    if (st != BX_OK)
        bxi_cl_blocks_free(ctx, out);
    return st;
}

void bxi_cl_blocks_free(bx_ctx *ctx, bxi_cl_blocks *bl)
{
    bx_free(ctx, bl->b);
    bx_free(ctx, bl->comp);
    bx_free(ctx, bl->order);
    memset(bl, 0, sizeof *bl);
}
