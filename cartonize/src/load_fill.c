/*
 * load_fill.c: bx_load_fill_container, the single-container problem over
 * the engine of load_search.c.
 */
#include <string.h>

#include "boxcar/load.h"
#include "load_internal.h"

void bx_load_options_init(bx_load_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->budget = BX_LOAD_DEFAULT_BUDGET;
    o->support = BX_LOAD_SUPPORT_FULL;
}

bx_status bx_load_fill_container(bx_ctx *ctx, const int32_t inner_mm[3], int64_t payload_g,
                                 const bx_load_type *types, size_t ntypes,
                                 const bx_load_options *opt, bx_load_fill *out)
{
    if (!ctx || !inner_mm || !out || (ntypes && !types))
        return ctx ? bxi_error(ctx, BX_EINVAL, "bx_load_fill_container: NULL argument")
                   : BX_EINVAL;
    memset(out, 0, sizeof *out);
    bx_load_options def;
    if (!opt) {
        bx_load_options_init(&def);
        opt = &def;
    }
    if (ntypes > UINT16_MAX)
        return bxi_error(ctx, BX_ELIMIT, "too many box types (%zu, at most %u)", ntypes,
                         (unsigned)UINT16_MAX);
    for (int i = 0; i < 3; i++)
        if (inner_mm[i] < 1)
            return bxi_error(ctx, BX_EINPUT, "container: inner dimension %d is %d mm (must be >= 1)",
                             i + 1, (int)inner_mm[i]);
    if (payload_g < 0)
        return bxi_error(ctx, BX_EINPUT, "container: payload %lld g is negative",
                         (long long)payload_g);
    bxi_cl_type *ty = bx_alloc(ctx, (ntypes + 1) * sizeof *ty);
    if (!ty)
        return BX_ENOMEM;
    for (size_t t = 0; t < ntypes; t++) {
        const bx_load_type *in = &types[t];
        bool any = false;
        for (int i = 0; i < 3; i++) {
            any |= in->vertical_ok[i];
            if (in->dim_mm[i] < 1) {
                bx_free(ctx, ty);
                return bxi_error(ctx, BX_EINPUT, "box type %zu: dimension %d is %d mm (must be >= 1)",
                                 t + 1, i + 1, (int)in->dim_mm[i]);
            }
        }
        if (!any || in->mass_g < 0) {
            bx_free(ctx, ty);
            return bxi_error(ctx, BX_EINPUT, "box type %zu: %s", t + 1,
                             any ? "negative mass" : "no edge may stand vertical");
        }
        memset(&ty[t], 0, sizeof ty[t]);
        memcpy(ty[t].d, in->dim_mm, sizeof ty[t].d);
        memcpy(ty[t].vert_ok, in->vertical_ok, sizeof ty[t].vert_ok);
        ty[t].qty = in->qty;
        ty[t].mass_g = in->mass_g;
        ty[t].max_load_g = -1;
    }
    bxi_cl_problem pb = {0};
    memcpy(pb.c, inner_mm, sizeof pb.c);
    pb.types = ty;
    pb.ntypes = ntypes;
    pb.support = opt->support != BX_LOAD_SUPPORT_NONE;
    pb.payload_g = payload_g > 0 ? payload_g : INT64_MAX;
    pb.budget = opt->budget;
    pb.max_blocks = opt->max_blocks;
    /* Each mode has its own search over the whole budget. Without the
     * support rule spaces above a block reach over its whole top (a block
     * may overhang), and a space's corner is judged by its distance to the
     * ceiling as well as to the floor, so blocks also go into the top
     * corners: the search fills the container from all eight corners
     * towards the middle. (Before, four fifths of the budget went to a
     * search from the floor and one fifth to a fully supported one, the
     * better plan kept; the corners of the ceiling load more on the
     * Bischoff-Ratcliff problems, and the supported search then adds
     * nothing; tests/bench/README.md.) */
    pb.ceiling = !pb.support;
    bxi_cl_result r;
    bx_status st = bxi_cl_solve(ctx, &pb, &r);
    bx_free(ctx, ty);
    if (st != BX_OK)
        return st;
    out->boxes = bx_alloc(ctx, (r.nboxes + 1) * sizeof *out->boxes);
    if (!out->boxes) {
        bxi_cl_result_free(ctx, &r);
        return BX_ENOMEM;
    }
    for (size_t i = 0; i < r.nboxes; i++) {
        out->boxes[i].type = r.boxes[i].type;
        memcpy(out->boxes[i].pos_mm, r.boxes[i].p, sizeof r.boxes[i].p);
        memcpy(out->boxes[i].ext_mm, r.boxes[i].d, sizeof r.boxes[i].d);
        out->boxes[i].step = r.boxes[i].step;
    }
    out->nboxes = r.nboxes;
    out->volume_mm3 = r.vol;
    out->mass_g = r.mass_g;
    out->work = r.work;
    out->nblocks = r.nblocks;
    bxi_cl_result_free(ctx, &r);
    return BX_OK;
}

void bx_load_fill_free(bx_ctx *ctx, bx_load_fill *fill)
{
    if (!fill)
        return;
    bx_free(ctx, fill->boxes);
    memset(fill, 0, sizeof *fill);
}
