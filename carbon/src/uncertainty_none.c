/*
 * uncertainty_none.c: the uncertainty API in builds without GSL: every
 * call says the feature was left out.
 */
#include "boxcar/draw_totals.h"
#include "internal.h"

bx_status bx_uncertainty_new(bx_ctx *ctx, bx_uncertainty **out, bx_carbon *calc,
                             uint32_t draws, uint64_t seed)
{
    (void)calc;
    (void)draws;
    (void)seed;
    if (out != NULL)
        *out = NULL;
    return bxi_error(ctx, BX_EUNSUPPORTED, "uncertainty analysis needs GSL, which this "
                                          "build of boxcar was made without");
}

bx_status bx_uncertainty_shipment(bx_uncertainty *u, const bx_shipment *s, bx_interval *out)
{
    (void)u;
    (void)s;
    (void)out;
    return BX_EUNSUPPORTED;
}

bx_status bx_uncertainty_add(bx_uncertainty *u, const bx_shipment *s)
{
    (void)u;
    (void)s;
    return BX_EUNSUPPORTED;
}

bx_status bx_uncertainty_total(bx_uncertainty *u, bx_interval *out)
{
    (void)u;
    (void)out;
    return BX_EUNSUPPORTED;
}

bx_status bx_uncertainty_by(bx_uncertainty *u, bx_totals_group g)
{
    (void)u;
    (void)g;
    return BX_EUNSUPPORTED;
}

bx_totals_group bx_uncertainty_group(const bx_uncertainty *u)
{
    (void)u;
    return BX_BY_ALL;
}

bx_status bx_uncertainty_key(bx_uncertainty *u, const char *key, bx_interval *out)
{
    (void)u;
    (void)key;
    (void)out;
    return BX_EUNSUPPORTED;
}

void bx_uncertainty_free(bx_uncertainty *u)
{
    (void)u;
}

bx_status bx_uncertainty_draw_totals(bx_uncertainty *u, bx_draw_totals *d)
{
    (void)u;
    (void)d;
    return BX_EUNSUPPORTED;
}

bx_status bx_uncertainty_from_draws(bx_ctx *ctx, const bx_draw_totals *d, bx_uncertainty **out)
{
    (void)d;
    if (out != NULL)
        *out = NULL;
    return bxi_error(ctx, BX_EUNSUPPORTED, "uncertainty analysis needs GSL, which this "
                                          "build of boxcar was made without");
}
