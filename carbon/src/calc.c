/*
 * calc.c: the calculator: compile routes and containers once, then compute
 * each shipment from its route's coefficients and its packaging.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calc_internal.h"

static const char *const part_names[BX_PART_COUNT] = {
    "road", "rail", "air", "sea", "iww", "hub", "packaging"};

const char *bx_part_name(int part)
{
    return part >= 0 && part < BX_PART_COUNT ? part_names[part] : "?";
}

char *bx_method_label(uint32_t methods, char *buf, size_t size)
{
    static const char *const names[] = {"intensity", "fuel", "hub", "multidrop",
                                        "per-item", "packaging", "reuse", "pool"};
    size_t n = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < BX_ARRAY_LEN(names); i++) {
        if (!(methods & (1u << i)) || n >= size)
            continue;
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "+" : "", names[i]);
    }
    if (n == 0)
        snprintf(buf, size, "none");
    return buf;
}

void bx_carbon_options_init(bx_carbon_options *opt)
{
    if (opt != NULL)
        memset(opt, 0, sizeof *opt);
}

bx_status bx_carbon_new(bx_ctx *ctx, bx_carbon **out, const bx_factor_set *fs,
                        const bx_routes *routes, const bx_carbon_options *opt)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || fs == NULL || routes == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_carbon_new: bad argument");
    *out = NULL;
    bx_carbon *c = bx_alloc(ctx, sizeof *c);
    if (c == NULL)
        return BX_ENOMEM;
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->fs = fs;
    c->routes = routes;
    if (opt != NULL)
        c->opt = *opt;
    bx_arena_init(&c->arena, ctx, 0);
    bxi_carbon_idmap_init(&c->pack_ids, ctx);
    c->nroutes = bx_routes_count(routes);
    c->compiled = bx_alloc(ctx, (c->nroutes ? c->nroutes : 1) * sizeof *c->compiled);
    c->route_used = bx_alloc(ctx, c->nroutes + 1);
    size_t nf = bx_factor_set_count(fs);
    c->factor_used = bx_alloc(ctx, nf + 1);
    bx_status st = c->compiled == NULL || c->route_used == NULL || c->factor_used == NULL
                       ? BX_ENOMEM
                       : BX_OK;
    if (st == BX_OK) {
        memset(c->route_used, 0, c->nroutes + 1);
        memset(c->factor_used, 0, nf + 1);
    }
    for (size_t i = 0; st == BX_OK && i < c->nroutes; i++) {
        st = bxi_carbon_compile_route(c, bx_routes_at(routes, i), &c->compiled[i]);
        c->bad_routes += st == BX_OK && !c->compiled[i].valid;
    }
    if (st == BX_OK)
        st = bxi_carbon_compile_containers(c);
    if (st == BX_OK) /* compiling is not using: only shipments count */
        memset(c->factor_used, 0, bx_factor_set_count(fs) + 1);
    if (st != BX_OK) {
        bx_carbon_free(c);
        return st;
    }
    *out = c;
    return BX_OK;
}

size_t bx_carbon_bad_routes(const bx_carbon *c)
{
    return c == NULL ? 0 : c->bad_routes;
}

const bx_factor_set *bx_carbon_factors(const bx_carbon *c)
{
    return c == NULL ? NULL : c->fs;
}

static bx_status shipment_error(bx_carbon *c, const bx_shipment *s, const char *field,
                                const char *fmt, ...) BX_PRINTF(4, 5);
static bx_status shipment_error(bx_carbon *c, const bx_shipment *s, const char *field,
                                const char *fmt, ...)
{
    bx_location where = {0};
    where.file = s->source;
    where.line = s->line;
    where.record = s->record;
    where.field = field;
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(c->ctx, BX_EINPUT, &where, "shipment '%s': %s",
                          s->shipment_id, msg);
}

/* Round each scope once; WTW is the sum of the rounded scopes, so
 * WTW = WTT + TTW (+ figures without a split) holds exactly. */
static bool round_part(double wtt, double ttw, double unsplit, bx_co2e *out)
{
    int64_t u;
    if (!bxi_carbon_g_to_mg(wtt, &out->wtt_mg) || !bxi_carbon_g_to_mg(ttw, &out->ttw_mg) ||
        !bxi_carbon_g_to_mg(unsplit, &u))
        return false;
    out->wtw_mg = out->wtt_mg + out->ttw_mg + u;
    return true;
}

/* Split a part's WTW (whole mg) by data-quality class in proportion to
 * the grams of each class, so the classes add up to it exactly: floors,
 * then the milligrams left to the largest remainders (ties to the better
 * class), as bx_allocate_mg does. */
static void split_quality(int64_t wtw_mg, const double g[3], int64_t out[3])
{
    double sum = g[0] + g[1] + g[2];
    out[0] = out[1] = out[2] = 0;
    if (wtw_mg <= 0)
        return;
    if (!(sum > 0)) {
        out[2] = wtw_mg; /* cannot happen with a WTW above 0; say default */
        return;
    }
    double rem[3];
    int64_t left = wtw_mg;
    for (int q = 0; q < 3; q++) {
        double share = (double)wtw_mg * (g[q] / sum);
        double fl = floor(share);
        out[q] = (int64_t)fl;
        rem[q] = share - fl;
        left -= out[q];
    }
    while (left > 0) {
        int best = 0;
        for (int q = 1; q < 3; q++)
            if (rem[q] > rem[best])
                best = q;
        out[best]++;
        rem[best] = -1.0;
        left--;
    }
    for (int q = 0; left < 0 && q < 3; q++) { /* floors above the sum: rounding */
        int64_t take = out[q] < -left ? out[q] : -left;
        out[q] -= take;
        left += take;
    }
}

/* Each carrier's transport and hub WTW rounded once; what rounding leaves
 * between their sum and the part's WTW goes to the carrier with the
 * largest figure, so the carriers add up to transport and hub exactly. */
static bool split_energy(const bxc_route *r, const double x[BXI_CARBON_NDRIVERS],
                         bx_carbon_result *out)
{
    int64_t sum[2] = {0, 0};
    size_t big[2] = {0, 0};
    out->nenergy = r->ncarriers;
    if (r->ncarriers == 1) { /* the usual case: one carrier has it all */
        out->energy[0].carrier = r->carriers[0].id;
        out->energy[0].transport_mg = out->transport.wtw_mg;
        out->energy[0].hub_mg = out->hub.wtw_mg;
        return true;
    }
    for (size_t i = 0; i < r->ncarriers; i++) {
        bx_energy_share *e = &out->energy[i];
        int64_t mg[2];
        for (int h = 0; h < 2; h++) {
            const double *k = r->carriers[i].k[h];
            if (!bxi_carbon_g_to_mg(k[0] * x[0] + k[1] * x[1] + k[2] * x[2] + k[3] * x[3],
                                    &mg[h]))
                return false;
            sum[h] += mg[h];
            if (mg[h] > (h ? out->energy[big[h]].hub_mg : out->energy[big[h]].transport_mg))
                big[h] = i;
        }
        e->carrier = r->carriers[i].id;
        e->transport_mg = mg[0];
        e->hub_mg = mg[1];
    }
    if (r->ncarriers > 0) {
        out->energy[big[0]].transport_mg += out->transport.wtw_mg - sum[0];
        out->energy[big[1]].hub_mg += out->hub.wtw_mg - sum[1];
    }
    return true;
}

static void add_co2e(bx_co2e *a, const bx_co2e *b)
{
    a->wtt_mg += b->wtt_mg;
    a->ttw_mg += b->ttw_mg;
    a->wtw_mg += b->wtw_mg;
}

/* A shipment's share of a run is in [0, 1]: more would give it more than
 * the whole run's emissions (a drop beyond the round's notional tkm, a
 * shipment heavier than the hub's outbound tonnes). The relative slack
 * lets a shipment that is the whole run through despite rounding. */
static bx_status check_shares(bx_carbon *c, const bx_shipment *s, const bxc_route *r,
                              const double x[BXI_CARBON_NDRIVERS])
{
    static const char *const fields[BXI_CARBON_NDRIVERS] = {"mass_g", "items", "drop_km",
                                                            "drop_km"};
    static const char *const runs[BXI_CARBON_NDRIVERS] = {
        "run_tkm or run_t", "run_items", "run_tkm (the round's notional tkm)",
        "run_tkm (the round's notional tkm)"};
    for (int d = 0; d < r->ndrivers; d++) {
        double share = x[d] * r->share_k[d];
        if (share > 1.0 + 1e-9)
            return shipment_error(c, s, fields[d],
                                  "its share of the run at %s:%llu is %.6g, above 1: "
                                  "the shipment is more than the run's %s",
                                  bx_routes_name(c->routes),
                                  (unsigned long long)r->share_line[d], share, runs[d]);
    }
    return BX_OK;
}

bx_status bxi_carbon_drivers(bx_carbon *c, const bx_shipment *s, const bxc_route *r,
                             bool report, double x[BXI_CARBON_NDRIVERS])
{
    double mass = s->mass_g < 0 ? 0.0 : (double)s->mass_g;
    x[BXI_CARBON_MASS] = mass;
    x[BXI_CARBON_ITEM] = (double)s->items;
    x[BXI_CARBON_DIRECT] = mass * (s->drop_km < 0 ? 0.0 : s->drop_km);
    x[BXI_CARBON_DIRECT2] = 0;
    for (size_t i = 0; i < r->nrounds; i++) {
        const char *id = r->rounds[i].id;
        const bx_drop *d = bx_rounds_drop(c->opt.rounds, id, s->shipment_id);
        if (d == NULL)
            return !report ? BX_EINPUT
                           : shipment_error(c, s, "shipment_id",
                                            "not a drop of round '%s' (%s, named at %s:%llu)",
                                            id, bx_rounds_name(c->opt.rounds),
                                            bx_routes_name(c->routes),
                                            (unsigned long long)r->rounds[i].line);
        int drv = r->rounds[i].driver;
        if (drv == BXI_CARBON_ITEM)
            continue;
        if (d->mass_g != s->mass_g)
            return !report ? BX_EINPUT
                           : shipment_error(c, s, "mass_g",
                                            "its drop on round '%s' at %s:%llu has "
                                            "mass_g %lld, the shipment %lld",
                                            id, bx_rounds_name(c->opt.rounds),
                                            (unsigned long long)d->line,
                                            (long long)d->mass_g, (long long)s->mass_g);
        x[drv] = mass * d->drop_km;
    }
    return BX_OK;
}

bx_status bx_carbon_compute(bx_carbon *c, const bx_shipment *s, bx_carbon_result *out)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || s == NULL || out == NULL)
        return c == NULL ? BX_EINVAL
                         : bxi_error(c->ctx, BX_EINVAL, "bx_carbon_compute: bad argument");
    const bx_route *route = bx_routes_find(c->routes, s->route_id);
    if (route == NULL)
        return shipment_error(c, s, "route_id", "unknown route '%s'", s->route_id);
    size_t ri = (size_t)(route - bx_routes_at(c->routes, 0));
    const bxc_route *r = &c->compiled[ri];
    if (!r->valid)
        return shipment_error(c, s, "route_id", "route '%s' is invalid (see %s:%llu)",
                              s->route_id, bx_routes_name(c->routes),
                              (unsigned long long)route->line);
    if (s->mass_g < 0 && r->needs_mass)
        return shipment_error(c, s, "mass_g", "mass is needed: route '%s' shares "
                                              "emissions by mass", s->route_id);
    if (s->mass_g > BX_MAX_MASS_G || s->items < 1 || s->items > BX_MAX_ITEMS ||
        !(s->drop_km <= BX_MAX_DROP_KM))
        return shipment_error(c, s, s->items < 1 || s->items > BX_MAX_ITEMS ? "items"
                                    : s->mass_g > BX_MAX_MASS_G ? "mass_g" : "drop_km",
                              "value out of range");
    if (r->needs_drop && s->drop_km < 0)
        return shipment_error(c, s, "drop_km", "drop distance is needed: route '%s' "
                                               "has a multi-drop round", s->route_id);
    const bxc_pack *p = bxi_carbon_pack_lookup(c, s->packaging);
    if (p == NULL)
        return BX_ENOMEM;
    if (!p->valid)
        return shipment_error(c, s, "packaging", "%s", p->why);

    double x[BXI_CARBON_NDRIVERS];
    bx_status st = BX_OK;
    if (r->nrounds == 0) { /* the usual case: no rounds file behind it */
        double mass = s->mass_g < 0 ? 0.0 : (double)s->mass_g;
        x[BXI_CARBON_MASS] = mass;
        x[BXI_CARBON_ITEM] = (double)s->items;
        x[BXI_CARBON_DIRECT] = mass * (s->drop_km < 0 ? 0.0 : s->drop_km);
        x[BXI_CARBON_DIRECT2] = 0;
    } else {
        st = bxi_carbon_drivers(c, s, r, true, x);
    }
    if (st != BX_OK || (st = check_shares(c, s, r, x)) != BX_OK)
        return st;
    double wtt[BXI_CARBON_ROUTE_PARTS], ttw[BXI_CARBON_ROUTE_PARTS], uns[BXI_CARBON_ROUTE_PARTS];
    bxi_carbon_route_eval(r, x, wtt, ttw, uns);
    for (size_t i = 0; i < r->nparts; i++) {
        int part = r->parts[i];
        if (!round_part(wtt[part], ttw[part], uns[part], &out->part[part]))
            goto range;
        int one = r->one_class[part];
        if (one >= 0) { /* the usual case: every input of the part in one class */
            out->part_quality_mg[part][one] = out->part[part].wtw_mg;
            out->quality_mg[one] += out->part[part].wtw_mg;
        } else {
            double gq[3];
            for (int q = 0; q < 3; q++) {
                const double *k = r->qcoef[part][q];
                gq[q] = k[0] * x[0] + k[1] * x[1] + k[2] * x[2] + k[3] * x[3];
            }
            split_quality(out->part[part].wtw_mg, gq, out->part_quality_mg[part]);
            for (int q = 0; q < 3; q++)
                out->quality_mg[q] += out->part_quality_mg[part][q];
        }
        if (part == BX_PART_HUB)
            out->hub = out->part[part];
        else
            add_co2e(&out->transport, &out->part[part]);
    }
    if (!split_energy(r, x, out))
        goto range;
    if (!bxi_carbon_g_to_mg(p->g, &out->packaging_mg))
        goto range;
    if (r->cool_g[0] != 0 || r->cool_g[1] != 0) {
        double g = x[BXI_CARBON_MASS];
        if (!bxi_carbon_g_to_mg(r->cool_g[BXI_CARBON_UPLIFT] * g, &out->temp_uplift_mg) ||
            !bxi_carbon_g_to_mg(r->cool_g[BXI_CARBON_REFRIGERANT] * g, &out->refrigerant_mg))
            goto range;
    }
    for (size_t i = 0; i < r->nact; i++) {
        const double *k = r->act_cells[i].k;
        double gkm = k[0] * x[0] + k[1] * x[1] + k[2] * x[2] + k[3] * x[3];
        if (!(gkm < 9e18))
            goto range;
        out->activity_gkm[r->act_cells[i].mode][r->act_cells[i].type] = (int64_t)(gkm + 0.5);
    }
    out->part[BX_PART_PACKAGING].wtw_mg = out->packaging_mg;
    out->part_quality_mg[BX_PART_PACKAGING][p->quality - 1] = out->packaging_mg;
    out->quality_mg[p->quality - 1] += out->packaging_mg;
    out->total = out->transport;
    add_co2e(&out->total, &out->hub);
    out->total.wtw_mg += out->packaging_mg;
    if (out->total.wtw_mg > BX_CO2E_MAX_MG)
        goto range;
    c->route_used[ri] = true;
    out->methods = r->methods | p->methods;
    out->quality = r->quality > p->quality ? r->quality : p->quality;
    out->packaging_key = p->key;
    return BX_OK;
range:
    memset(out, 0, sizeof *out);
    return shipment_error(c, s, "mass_g", "emissions beyond %lld mg: check the "
                                          "mass and the route's figures",
                          (long long)BX_CO2E_MAX_MG);
}

static bool used_directly(const bx_carbon *c, size_t i)
{
    if (c->factor_used[i])
        return true;
    for (size_t r = 0; r < c->nroutes; r++) {
        if (!c->route_used[r])
            continue;
        for (size_t k = 0; k < c->compiled[r].nterms; k++)
            if (c->compiled[r].terms[k].factor == i)
                return true;
    }
    return false;
}

/* A TOC given as energy per tkm uses its fuel row too. */
static bool used_as_ref(const bx_carbon *c, const bx_factor *f)
{
    if (f->kind != BX_FACTOR_FUEL)
        return false;
    for (size_t j = 0; j < bx_factor_set_count(c->fs); j++) {
        const bx_factor *t = bx_factor_set_at(c->fs, j);
        if (t->kind == BX_FACTOR_TOC && strcmp(t->ref, f->id) == 0 && used_directly(c, j))
            return true;
    }
    return false;
}

size_t bx_carbon_used_factors(const bx_carbon *c, const bx_factor **out, size_t max)
{
    if (c == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < bx_factor_set_count(c->fs); i++) {
        const bx_factor *f = bx_factor_set_at(c->fs, i);
        if (!used_directly(c, i) && !used_as_ref(c, f))
            continue;
        if (out != NULL && n < max)
            out[n] = f;
        n++;
    }
    return n;
}

bx_status bx_carbon_reuse(bx_carbon *c, const char *container_id, bx_reuse_report *out)
{
    if (c == NULL || container_id == NULL || out == NULL)
        return c == NULL ? BX_EINVAL
                         : bxi_error(c->ctx, BX_EINVAL, "bx_carbon_reuse: bad argument");
    const bx_container *k = bx_containers_find(c->opt.containers, container_id);
    if (k == NULL)
        return bxi_error(c->ctx, BX_ENOTFOUND, "no container type '%s'", container_id);
    *out = c->reuse[k - bx_containers_at(c->opt.containers, 0)];
    return BX_OK;
}

void bx_carbon_free(bx_carbon *c)
{
    if (c == NULL)
        return;
    bx_arena_release(&c->arena);
    bxi_carbon_idmap_free(&c->pack_ids);
    bx_free(c->ctx, c->compiled);
    bx_free(c->ctx, c->route_used);
    bx_free(c->ctx, c->factor_used);
    bx_free(c->ctx, c->packs);
    bx_free(c->ctx, c->reuse);
    bx_free(c->ctx, c->container_packs);
    bx_free(c->ctx, c);
}
