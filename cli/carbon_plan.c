/*
 * carbon_plan.c: the emissions of a plan's moves through the carbon
 * module's public API: one in-memory route per move, one shipment each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carbon_plan.h"

#if BOXCAR_HAVE_CBOR

bx_status cli_plan_emissions(bx_ctx *ctx, const bx_factor_set *fs, const char *toc,
                             int64_t tare_g, int32_t date, const bx_plan *plan,
                             int64_t *wtw_mg)
{
    if (plan->nmoves == 0)
        return BX_OK;
    /* a route per move: route_id m<k>, one leg of the TOC */
    size_t cap = 64 + plan->nmoves * (40 + strlen(toc));
    char *csv = malloc(cap);
    if (csv == NULL)
        return BX_ENOMEM;
    size_t len = (size_t)snprintf(csv, cap, "route_id,element,category,distance_km,daf\n");
    for (size_t k = 0; k < plan->nmoves; k++)
        len += (size_t)snprintf(csv + len, cap - len, "m%zu,leg,%s,%.6f,none\n", k, toc,
                                plan->moves[k].distance_km);
    bx_routes *routes = NULL;
    bx_carbon *c = NULL;
    bx_status st = bx_routes_read_mem(ctx, &routes, "plan moves", csv, len);
    free(csv);
    if (st == BX_OK)
        st = bx_carbon_new(ctx, &c, fs, routes, NULL);
    if (st == BX_OK && bx_carbon_bad_routes(c) > 0)
        st = BX_EINPUT; /* the message names the TOC */
    for (size_t k = 0; st == BX_OK && k < plan->nmoves; k++) {
        bx_shipment s;
        bx_shipment_init(&s);
        snprintf(s.shipment_id, sizeof s.shipment_id, "move-%zu", k + 1);
        snprintf(s.route_id, sizeof s.route_id, "m%zu", k);
        s.date = date;
        s.mass_g = plan->moves[k].containers * tare_g;
        s.items = (int32_t)(plan->moves[k].containers > BX_MAX_ITEMS
                                ? BX_MAX_ITEMS : plan->moves[k].containers);
        bx_carbon_result r;
        if ((st = bx_carbon_compute(c, &s, &r)) == BX_OK)
            wtw_mg[k] = r.total.wtw_mg;
    }
    bx_carbon_free(c);
    bx_routes_free(routes);
    return st;
}

#endif
