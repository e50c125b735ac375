/*
 * load_check.c: geometric checks of loading plans that use only the
 * public plan, never the engine's internals, so they can catch its
 * mistakes.
 *
 * Full support is checked exactly: the area of a box's base covered by
 * the tops of boxes at its base height is the sum of the pairwise
 * overlaps (the boxes below do not overlap each other, so their overlaps
 * with the base do not either) and must equal the base's area.
 */
#include <stdlib.h>
#include <string.h>

#include "boxcar/load.h"
#include "load_internal.h"

static int64_t overlap1(int32_t a, int32_t da, int32_t b, int32_t db)
{
    int32_t lo = a > b ? a : b, hi = a + da < b + db ? a + da : b + db;
    return hi > lo ? hi - lo : 0;
}

bx_status bx_load_fill_check(bx_ctx *ctx, const int32_t inner_mm[3], int64_t payload_g,
                             const bx_load_type *types, size_t ntypes, bx_load_support support,
                             const bx_load_fill *fill)
{
    if (!ctx || !inner_mm || !fill || (ntypes && !types) || (fill->nboxes && !fill->boxes))
        return ctx ? bxi_error(ctx, BX_EINVAL, "bx_load_fill_check: NULL argument") : BX_EINVAL;
    uint64_t *used = bx_alloc(ctx, (ntypes + 1) * sizeof *used);
    if (!used)
        return BX_ENOMEM;
    memset(used, 0, (ntypes + 1) * sizeof *used);
    int64_t vol = 0, mass = 0;
    bx_status st = BX_OK;
    for (size_t i = 0; i < fill->nboxes && st == BX_OK; i++) {
        const bx_load_box *b = &fill->boxes[i];
        if (b->type >= ntypes) {
            st = bxi_error(ctx, BX_EINPUT, "box %zu: type %u does not exist", i, b->type);
            break;
        }
        const bx_load_type *t = &types[b->type];
        for (int k = 0; k < 3 && st == BX_OK; k++)
            if (b->pos_mm[k] < 0 || b->ext_mm[k] < 1 || b->pos_mm[k] + b->ext_mm[k] > inner_mm[k])
                st = bxi_error(ctx, BX_EINPUT, "box %zu: outside the container along axis %d", i, k);
        if (st != BX_OK)
            break;
        /* an allowed orientation: the extents are a permutation of the
         * type's edges and the vertical one may stand */
        bool ok = false;
        static const int perm[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1}, {2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
        for (int o = 0; o < 6 && !ok; o++)
            ok = b->ext_mm[0] == t->dim_mm[perm[o][0]] && b->ext_mm[1] == t->dim_mm[perm[o][1]] &&
                 b->ext_mm[2] == t->dim_mm[perm[o][2]] && t->vertical_ok[perm[o][2]];
        if (!ok) {
            st = bxi_error(ctx, BX_EINPUT, "box %zu: %dx%dx%d is not an allowed orientation of type %u",
                           i, (int)b->ext_mm[0], (int)b->ext_mm[1], (int)b->ext_mm[2], b->type);
            break;
        }
        if (++used[b->type] > t->qty) {
            st = bxi_error(ctx, BX_EINPUT, "box %zu: more boxes of type %u than its quantity %u", i,
                           b->type, t->qty);
            break;
        }
        vol += (int64_t)b->ext_mm[0] * b->ext_mm[1] * b->ext_mm[2];
        mass += t->mass_g;
        int64_t base = (int64_t)b->ext_mm[0] * b->ext_mm[1], carried = 0;
        for (size_t j = 0; j < fill->nboxes; j++) {
            if (j == i)
                continue;
            const bx_load_box *c = &fill->boxes[j];
            int64_t ox = overlap1(b->pos_mm[0], b->ext_mm[0], c->pos_mm[0], c->ext_mm[0]);
            int64_t oy = overlap1(b->pos_mm[1], b->ext_mm[1], c->pos_mm[1], c->ext_mm[1]);
            int64_t oz = overlap1(b->pos_mm[2], b->ext_mm[2], c->pos_mm[2], c->ext_mm[2]);
            if (ox && oy && oz) {
                st = bxi_error(ctx, BX_EINPUT, "boxes %zu and %zu overlap", i, j);
                break;
            }
            if (c->pos_mm[2] + c->ext_mm[2] == b->pos_mm[2])
                carried += ox * oy;
        }
        if (st == BX_OK && support == BX_LOAD_SUPPORT_FULL && b->pos_mm[2] > 0 && carried != base)
            st = bxi_error(ctx, BX_EINPUT, "box %zu: only %lld of %lld mm2 of its base is carried", i,
                           (long long)carried, (long long)base);
    }
    if (st == BX_OK && (vol != fill->volume_mm3 || mass != fill->mass_g))
        st = bxi_error(ctx, BX_EINPUT, "the plan's totals (%lld mm3, %lld g) are not its boxes' (%lld mm3, %lld g)",
                       (long long)fill->volume_mm3, (long long)fill->mass_g, (long long)vol,
                       (long long)mass);
    if (st == BX_OK && payload_g > 0 && mass > payload_g)
        st = bxi_error(ctx, BX_EINPUT, "the load (%lld g) is over the payload (%lld g)",
                       (long long)mass, (long long)payload_g);
    bx_free(ctx, used);
    return st;
}
