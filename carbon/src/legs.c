/*
 * legs.c: the emissions of single road or rail legs given as mass and
 * distance (bx_carbon_legs): what a caller that moves things between its
 * own sites (a pool's rebalancing moves) needs without a route file. Each
 * leg is a one-element route of the TOC, computed as any shipment is.
 */
#include <stdio.h>
#include <string.h>

#include "boxcar/carbon.h"
#include "boxcar/shipments.h"
#include "carbon_internal.h"

bx_status bx_carbon_legs(bx_ctx *ctx, const bx_factor_set *fs, const char *toc,
                         const int64_t *mass_g, const double *distance_km, size_t n,
                         int32_t date, bx_co2e *out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (fs == NULL || toc == NULL || (n > 0 && (mass_g == NULL || distance_km == NULL ||
                                                out == NULL)))
        return bxi_error(ctx, BX_EINVAL, "bx_carbon_legs: bad argument");
    if (n == 0)
        return BX_OK;
    const char *why = bxi_id_problem(toc, strlen(toc));
    if (why != NULL)
        return bxi_input_error(ctx, BX_EINPUT, NULL, "transport category '%.64s': "
                               "identifier %s", toc, why);
    /* one route of one leg per distance: r<i>,leg,TOC,KM,none */
    size_t cap = 48 + n * (48 + strlen(toc));
    char *csv = bx_alloc(ctx, cap);
    if (csv == NULL)
        return BX_ENOMEM;
    size_t len = (size_t)snprintf(csv, cap, "route_id,element,category,distance_km,daf\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(csv + len, cap - len, "r%zu,leg,%s,%.17g,none\n", i, toc,
                                distance_km[i]);
    bx_routes *routes = NULL;
    bx_carbon *c = NULL;
    bx_status st = bx_routes_read_mem(ctx, &routes, "legs", csv, len);
    bx_free(ctx, csv);
    if (st == BX_OK)
        st = bx_carbon_new(ctx, &c, fs, routes, NULL);
    if (st == BX_OK && bx_carbon_bad_routes(c) > 0)
        st = bxi_input_error(ctx, BX_EINPUT, NULL, "transport category '%s': not a leg the "
                             "factor set '%s' can compute from mass and distance", toc,
                             bx_factor_set_info_get(fs).id);
    for (size_t i = 0; st == BX_OK && i < n; i++) {
        bx_shipment s;
        bx_shipment_init(&s);
        snprintf(s.shipment_id, sizeof s.shipment_id, "leg-%zu", i + 1);
        snprintf(s.route_id, sizeof s.route_id, "r%zu", i);
        s.date = date;
        s.mass_g = mass_g[i];
        bx_carbon_result r;
        if ((st = bx_carbon_compute(c, &s, &r)) == BX_OK)
            out[i] = r.total;
    }
    bx_carbon_free(c);
    bx_routes_free(routes);
    return st;
}
