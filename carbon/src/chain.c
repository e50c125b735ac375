/*
 * chain.c: compile a route's TCEs against the factor set into per-part,
 * per-driver coefficients (methods 1 to 5 of docs/carbon.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calc_internal.h"

/* Shipment masses are in grams: 1 t = 1e6 g. */
#define G_PER_T 1e6

static double per_tkm_at(double eps, double lf, double er)
{
    return (eps + (1.0 - eps) * lf + eps * er / (1.0 - er)) / lf;
}

double bxi_carbon_load_adjustment(const bx_factor *toc, double lf, double er)
{
    double eps = toc->empty_energy;
    if (isnan(lf))
        lf = toc->load_factor;
    if (isnan(er))
        er = toc->empty_running;
    return per_tkm_at(eps, lf, er) / per_tkm_at(eps, toc->load_factor, toc->empty_running);
}

typedef struct compiler {
    bx_carbon *c;
    const bx_route *route;
    bxc_route *r;
    bxc_term *terms;
    size_t nterms, cap;
} compiler;

static bx_status tce_error(compiler *k, const bx_tce *e, const char *field,
                           const char *fmt, ...) BX_PRINTF(4, 5);
static bx_status tce_error(compiler *k, const bx_tce *e, const char *field,
                           const char *fmt, ...)
{
    bx_location where = {0};
    where.file = bx_routes_name(k->c->routes);
    where.line = e->line;
    where.field = field;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(k->c->ctx, BX_EINPUT, &where, "route '%s': %s",
                          k->route->route_id, msg);
}

/* The energy carrier of a factor row's figures (bx_energy_share). */
static const char *carrier_of(const bx_factor *f)
{
    if (f->kind == BX_FACTOR_FUEL)
        return f->unit == BX_UNIT_KG_PER_KG ? "refrigerant" : f->id;
    if (f->ref[0] != '\0')
        return f->ref;
    return "unstated";
}

static void add_carrier(bxc_route *r, const char *id, int part, int driver, double wtw)
{
    size_t i = 0;
    while (i < r->ncarriers && strcmp(r->carriers[i].id, id) != 0)
        i++;
    if (i == r->ncarriers) {
        if (i == BX_ENERGY_MAX) { /* past the last slot, "other" */
            i = BX_ENERGY_MAX - 1;
            r->carriers[i].id = "other";
        } else {
            r->carriers[i].id = id;
            r->ncarriers++;
        }
    }
    r->carriers[i].k[part == BX_PART_HUB][driver] += wtw;
}

/* q: the data-quality class of the figure (the run's primary data, or
 * the default row's class), for the WTW by class. */
static bx_status add_term(compiler *k, size_t factor, int part, int driver, double coef,
                          bx_data_quality q)
{
    bxc_route *r = k->r;
    bxc_value v = bxi_carbon_factor_value(k->c->fs, factor);
    bxc_coef *dst = &r->coef[part][driver];
    if (v.split) {
        dst->wtt += coef * v.wtt;
        dst->ttw += coef * v.ttw;
        r->qcoef[part][q - 1][driver] += coef * (v.wtt + v.ttw);
    } else {
        dst->unsplit += coef * v.wtw;
        r->qcoef[part][q - 1][driver] += coef * v.wtw;
    }
    add_carrier(r, carrier_of(bx_factor_set_at(k->c->fs, factor)), part, driver,
                coef * (v.split ? v.wtt + v.ttw : v.wtw));
    bool seen = false;
    for (size_t i = 0; i < r->nparts; i++)
        seen |= r->parts[i] == part;
    if (!seen)
        r->parts[r->nparts++] = (uint8_t)part;
    if (driver == BXI_CARBON_MASS || driver == BXI_CARBON_DIRECT)
        r->needs_mass = true;
    if (k->nterms == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 8;
        bxc_term *p = bx_realloc(k->c->ctx, k->terms, cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        k->terms = p;
        k->cap = cap;
    }
    bxc_term t = {(uint32_t)factor, (uint8_t)part, (uint8_t)driver, coef};
    k->terms[k->nterms++] = t;
    return BX_OK;
}

/* The WTW per gram of a part of a leg's figure that the results show on
 * its own (the temperature-controlled uplift, the refrigerant leaked). */
static void note_cool(compiler *k, size_t factor, int which, double coef)
{
    bxc_value v = bxi_carbon_factor_value(k->c->fs, factor);
    k->r->cool_g[which] += coef * (v.split ? v.wtt + v.ttw : v.wtw);
}

static void worst(bxc_route *r, bx_data_quality q)
{
    if (q > r->quality)
        r->quality = q;
}

static long need(compiler *k, const bx_tce *e, bx_factor_kind kind, const char *id,
                 const char *field, bx_status *st)
{
    long i = bxi_carbon_factor_index(k->c->fs, kind, id);
    if (i < 0)
        *st = tce_error(k, e, field, "unknown %s id '%s' in factor set %s",
                        bx_factor_kind_name(kind), id,
                        bx_factor_set_info_get(k->c->fs).id);
    return i;
}

/* Transport activity of a leg: g.km per unit of the driver, on the leg's
 * distance type (an air leg's distance is a great circle with GLEC's DAF
 * unless the user says it is the flown distance). */
static void add_activity(compiler *k, const bx_tce *e, int mode, int driver, double per_unit)
{
    bx_distance_type dt = e->dist_type;
    if (mode == BX_MODE_AIR && dt != BX_DIST_ACTUAL)
        dt = BX_DIST_GCD;
    k->r->act[mode][dt][driver] += per_unit;
}

/* The fuel rows of a TCE's energy carriers, in order. */
static bx_status need_energies(compiler *k, const bx_tce *e, long fuels[BX_TCE_MAX_ENERGY])
{
    bx_status st = BX_OK;
    for (size_t i = 0; i < e->nenergy; i++)
        if ((fuels[i] = need(k, e, BX_FACTOR_FUEL, e->energy_ids[i], "energy_id", &st)) < 0)
            return st;
    return BX_OK;
}

/* Remember the run whose share per driver unit is largest: a shipment's
 * share of any run must lie in [0, 1] (checked per shipment). */
static void note_share(compiler *k, const bx_tce *e, int driver, double per_unit)
{
    if (per_unit > k->r->share_k[driver]) {
        k->r->share_k[driver] = per_unit;
        k->r->share_line[driver] = e->line;
    }
}

/* Does a leg of the route share by direct tkm on the shipment's own
 * drop_km (no round)? Then it holds the first direct driver. */
static bool own_drop(const bx_route *route)
{
    for (size_t i = 0; i < route->ntces; i++) {
        const bx_tce *e = &route->tces[i];
        if (e->kind == BX_TCE_LEG && e->alloc == BX_ALLOC_DIRECT && e->round_id[0] == '\0')
            return true;
    }
    return false;
}

/* A leg naming a round: its run_tkm or run_items from the round's drops
 * into *out (a copy of e), and the driver of its drop distance. */
static bx_status use_round(compiler *k, const bx_tce *e, bx_tce *out, int *direct)
{
    bx_round_info info;
    const bx_rounds *rs = k->c->opt.rounds;
    if (rs == NULL)
        return tce_error(k, e, "round", "round '%s' needs a rounds file", e->round_id);
    if (!bx_rounds_get(rs, e->round_id, &info))
        return tce_error(k, e, "round", "no round '%s' in %s", e->round_id,
                         bx_rounds_name(rs));
    if (!info.valid)
        return tce_error(k, e, "round", "round '%s' has a bad drop (%s:%llu onwards)",
                         e->round_id, bx_rounds_name(rs), (unsigned long long)info.line);
    *out = *e;
    bxc_route *r = k->r;
    int driver = BXI_CARBON_ITEM;
    if (e->alloc == BX_ALLOC_DIRECT) {
        if (!info.all_direct || !(info.tkm > 0))
            return tce_error(k, e, "round", "round '%s' (%s:%llu) is shared by notional "
                                            "tkm: every drop needs drop_km and mass_g, "
                                            "and the sum must be more than 0",
                             e->round_id, bx_rounds_name(rs), (unsigned long long)info.line);
        out->run_tkm = info.tkm;
        /* a second round on the route (collection, then delivery) takes the
         * next driver; the same round again keeps its own */
        driver = -1;
        bool taken[BXI_CARBON_NDRIVERS] = {false};
        taken[BXI_CARBON_DIRECT] = own_drop(k->route);
        for (size_t i = 0; i < r->nrounds; i++) {
            if (r->rounds[i].driver == BXI_CARBON_ITEM)
                continue;
            taken[r->rounds[i].driver] = true;
            if (strcmp(r->rounds[i].id, e->round_id) == 0)
                driver = r->rounds[i].driver;
        }
        if (driver < 0)
            driver = !taken[BXI_CARBON_DIRECT] ? BXI_CARBON_DIRECT
                     : !taken[BXI_CARBON_DIRECT2] ? BXI_CARBON_DIRECT2 : -1;
        if (driver < 0)
            return tce_error(k, e, "round", "a route has at most two drop distances "
                                            "(a collection and a delivery round)");
        *direct = driver;
    } else {
        out->run_items = info.items;
    }
    if (r->nrounds == BXI_CARBON_MAX_ROUNDS)
        return tce_error(k, e, "round", "a route names at most %d rounds",
                         BXI_CARBON_MAX_ROUNDS);
    r->rounds[r->nrounds].id = e->round_id;
    r->rounds[r->nrounds].driver = (uint8_t)driver;
    r->rounds[r->nrounds].line = e->line;
    r->nrounds++;
    r->needs_mass |= driver != BXI_CARBON_ITEM;
    return BX_OK;
}

/* The run's energy in grams CO2e is amount x factor: the terms carry the
 * amount in k, so the Monte Carlo varies the fuel factor. */
static bx_status compile_leg(compiler *k, const bx_tce *e)
{
    bx_status st = BX_OK;
    long toc = need(k, e, BX_FACTOR_TOC, e->category, "category", &st);
    if (toc < 0)
        return st;
    const bx_factor *f = bx_factor_set_at(k->c->fs, (size_t)toc);
    int part = (int)f->mode;
    /* distance_km is 0 only on a round shared by direct tkm or items,
     * whose length does not enter the result */
    if (e->distance_km > 0 && (e->distance_km < f->min_km || e->distance_km >= f->max_km)) {
        char band[64];
        if (isinf(f->max_km))
            snprintf(band, sizeof band, "%g km or more", f->min_km);
        else if (f->min_km == 0)
            snprintf(band, sizeof band, "under %g km", f->max_km);
        else
            snprintf(band, sizeof band, "%g km to under %g km", f->min_km, f->max_km);
        return tce_error(k, e, "category", "the %g km leg is outside the band of TOC "
                                           "'%s' (%s): choose the TOC for this haul",
                         e->distance_km, f->id, band);
    }
    if (part != BX_MODE_SEA && e->distance_km > BXI_CARBON_MAX_OVERLAND_KM)
        return tce_error(k, e, "distance_km", "%g km is longer than half the Earth's "
                                              "circumference: only a sea leg may be",
                         e->distance_km);
    if (e->from_coordinates && (part == BX_MODE_ROAD || part == BX_MODE_RAIL) &&
        (e->daf == BX_DAF_AUTO || e->daf == BX_DAF_NONE)) {
        bx_location where = {0};
        where.file = bx_routes_name(k->c->routes);
        where.line = e->line;
        where.field = "from_lat";
        bx_status wst = bxi_warn(k->c->ctx, &where,
                                "route '%s': %s leg from coordinates: the great-circle "
                                "%.1f km is used unadjusted and understates the shortest "
                                "feasible distance; give distance_km (or a daf)",
                                k->route->route_id, bx_mode_name(part), e->distance_km);
        if (wst != BX_OK)
            return wst;
    }
    if (!e->has_energy) {
        double km = bx_tce_adjusted_km(e, part, NULL);
        double uplift = 0; /* the temperature-controlled share of km - 1 */
        if (!isnan(e->load_factor) || !isnan(e->empty_running)) {
            if (isnan(f->load_factor) || isnan(f->empty_running) || isnan(f->empty_energy))
                return tce_error(k, e, isnan(e->load_factor) ? "empty_running" : "load_factor",
                                 "TOC '%s' does not state the loading its intensity assumes "
                                 "(load_factor, empty_running, empty_energy): the leg's own "
                                 "cannot be set against it", f->id);
            km *= bxi_carbon_load_adjustment(f, e->load_factor, e->empty_running);
        }
        if (e->temp_controlled) {
            /* GLEC's uplift for temperature-controlled transport, stated
             * per vehicle class in the TOC row */
            if (isnan(f->temp_uplift))
                return tce_error(k, e, "temp", "TOC '%s' gives no temp_uplift: use a "
                                               "temperature-controlled TOC",
                                 f->id);
            if (f->refrigerant[0] != '\0') {
                /* the refrigerant it leaks, per tkm of the leg (GLEC v3.0
                 * Module 4): kg per tkm x the gas's kg CO2e per kg */
                long gas = need(k, e, BX_FACTOR_FUEL, f->refrigerant, "temp", &st);
                if (gas < 0)
                    return st;
                if (bx_factor_set_at(k->c->fs, (size_t)gas)->unit != BX_UNIT_KG_PER_KG)
                    return tce_error(k, e, "temp", "refrigerant '%s' of TOC '%s' is not in "
                                                   "kg/kg", f->refrigerant, f->id);
                double leg_km = bx_tce_adjusted_km(e, part, NULL); /* tkm as reported */
                double kg = leg_km * f->refrigerant_kg_per_tkm / G_PER_T;
                if ((st = add_term(k, (size_t)gas, part, BXI_CARBON_MASS, kg, f->quality)) !=
                    BX_OK)
                    return st;
                note_cool(k, (size_t)gas, BXI_CARBON_REFRIGERANT, kg);
            }
            uplift = f->temp_uplift;
            km *= 1.0 + f->temp_uplift;
        }
        k->r->methods |= BX_METHOD_INTENSITY;
        worst(k->r, f->quality);
        /* activity on the adjusted distance, without the temperature uplift */
        add_activity(k, e, part, BXI_CARBON_MASS, bx_tce_adjusted_km(e, part, NULL));
        if (e->grid_id[0] == '\0') {
            note_cool(k, (size_t)toc, BXI_CARBON_UPLIFT, km / G_PER_T * uplift / (1.0 + uplift));
            return add_term(k, (size_t)toc, part, BXI_CARBON_MASS, km / G_PER_T, f->quality);
        }
        /* the TOC's kWh per tkm times the leg's own grid (a region's or a
         * province's) instead of the TOC's ref */
        if (f->unit != BX_UNIT_KWH_PER_TKM)
            return tce_error(k, e, "grid", "TOC '%s' is not given in kwh/tkm: a grid "
                                           "applies only to an energy intensity", f->id);
        long grid = need(k, e, BX_FACTOR_FUEL, e->grid_id, "grid", &st);
        if (grid < 0)
            return st;
        const bx_factor *g = bx_factor_set_at(k->c->fs, (size_t)grid);
        if (g->unit != BX_UNIT_KG_PER_KWH)
            return tce_error(k, e, "grid", "fuel '%s' is not electricity (kg/kwh)", g->id);
        note_cool(k, (size_t)grid, BXI_CARBON_UPLIFT,
                  km * f->energy / G_PER_T * uplift / (1.0 + uplift));
        return add_term(k, (size_t)grid, part, BXI_CARBON_MASS, km * f->energy / G_PER_T,
                        f->quality);
    }
    long fuels[BX_TCE_MAX_ENERGY];
    if ((st = need_energies(k, e, fuels)) != BX_OK)
        return st;
    bx_tce from_round;
    int direct = BXI_CARBON_DIRECT;
    if (e->round_id[0] != '\0') {
        if ((st = use_round(k, e, &from_round, &direct)) != BX_OK)
            return st;
        e = &from_round;
    } else if (e->alloc == BX_ALLOC_DIRECT) {
        k->r->needs_drop = true; /* the shipment's drop_km */
    }
    worst(k->r, BX_DQ_PRIMARY);
    k->r->methods |= BX_METHOD_FUEL;
    int driver;
    double per_amount; /* the shipment's share per unit of the driver */
    switch (e->alloc) {
    case BX_ALLOC_DIRECT:
        k->r->methods |= BX_METHOD_MULTIDROP;
        note_share(k, e, direct, 1.0 / (G_PER_T * e->run_tkm));
        add_activity(k, e, part, direct, 1.0);
        driver = direct;
        per_amount = 1.0 / (G_PER_T * e->run_tkm);
        break;
    case BX_ALLOC_ITEM:
        k->r->methods |= BX_METHOD_PER_ITEM;
        note_share(k, e, BXI_CARBON_ITEM, 1.0 / (double)e->run_items);
        add_activity(k, e, part, BXI_CARBON_MASS, e->distance_km);
        driver = BXI_CARBON_ITEM;
        per_amount = 1.0 / (double)e->run_items;
        break;
    default:
        /* shipment tkm / run tkm, both on the distance as given */
        note_share(k, e, BXI_CARBON_MASS, e->distance_km / (G_PER_T * e->run_tkm));
        add_activity(k, e, part, BXI_CARBON_MASS, e->distance_km);
        driver = BXI_CARBON_MASS;
        per_amount = e->distance_km / (G_PER_T * e->run_tkm);
        break;
    }
    /* every carrier of the run (a hybrid's diesel and electricity) is one
     * element's energy, shared the same way */
    for (size_t i = 0; i < e->nenergy; i++)
        if ((st = add_term(k, (size_t)fuels[i], part, driver, e->energy_amounts[i] * per_amount,
                           BX_DQ_PRIMARY)) != BX_OK)
            return st;
    return BX_OK;
}

static bx_status compile_hub(compiler *k, const bx_tce *e)
{
    bx_status st = BX_OK;
    long hoc = need(k, e, BX_FACTOR_HOC, e->category, "category", &st);
    if (hoc < 0)
        return st;
    const bx_factor *f = bx_factor_set_at(k->c->fs, (size_t)hoc);
    k->r->methods |= BX_METHOD_HUB;
    if (e->has_energy) {
        long fuels[BX_TCE_MAX_ENERGY];
        if ((st = need_energies(k, e, fuels)) != BX_OK)
            return st;
        worst(k->r, BX_DQ_PRIMARY);
        bool items = e->alloc == BX_ALLOC_ITEM;
        if (items) {
            k->r->methods |= BX_METHOD_PER_ITEM;
            note_share(k, e, BXI_CARBON_ITEM, 1.0 / (double)e->run_items);
        } else {
            note_share(k, e, BXI_CARBON_MASS, 1.0 / (G_PER_T * e->run_t));
        }
        /* a hub on several carriers (grid power, gas, diesel forklifts):
         * each one's energy over the same throughput */
        double per_amount = items ? 1.0 / (double)e->run_items : 1.0 / (G_PER_T * e->run_t);
        for (size_t i = 0; i < e->nenergy; i++)
            if ((st = add_term(k, (size_t)fuels[i], BX_PART_HUB,
                               items ? BXI_CARBON_ITEM : BXI_CARBON_MASS,
                               e->energy_amounts[i] * per_amount, BX_DQ_PRIMARY)) != BX_OK)
                return st;
        return BX_OK;
    }
    worst(k->r, f->quality);
    bool per_item = f->unit == BX_UNIT_G_PER_ITEM;
    if (e->alloc == BX_ALLOC_TONNE && per_item)
        return tce_error(k, e, "alloc", "HOC '%s' is per item: it cannot be shared "
                                        "by tonnes", f->id);
    if (e->alloc == BX_ALLOC_ITEM && !per_item)
        return tce_error(k, e, "alloc", "HOC '%s' is per tonne: per-item sharing "
                                        "needs a per-item HOC or the hub's energy "
                                        "and run_items", f->id);
    if (per_item) {
        k->r->methods |= BX_METHOD_PER_ITEM;
        return add_term(k, (size_t)hoc, BX_PART_HUB, BXI_CARBON_ITEM, 1.0, f->quality);
    }
    return add_term(k, (size_t)hoc, BX_PART_HUB, BXI_CARBON_MASS, 1.0 / G_PER_T, f->quality);
}

bx_status bxi_carbon_compile_route(bx_carbon *c, const bx_route *route, bxc_route *r)
{
    memset(r, 0, sizeof *r);
    r->quality = BX_DQ_PRIMARY;
    if (!route->valid)
        return BX_OK; /* reported when the routes were read */
    compiler k = {c, route, r, NULL, 0, 0};
    bool ok = true;
    for (size_t i = 0; i < route->ntces; i++) {
        const bx_tce *e = &route->tces[i];
        bx_status st = e->kind == BX_TCE_LEG ? compile_leg(&k, e) : compile_hub(&k, e);
        if (st == BX_EINPUT) {
            ok = false; /* report every bad TCE of the route */
            continue;
        }
        if (st != BX_OK) {
            bx_free(c->ctx, k.terms);
            return st;
        }
    }
    for (int p = 0; p < BXI_CARBON_ROUTE_PARTS; p++) {
        int n = 0, last = -1;
        for (int q = 0; q < 3; q++) {
            const double *c3 = r->qcoef[p][q];
            if (c3[0] != 0 || c3[1] != 0 || c3[2] != 0 || c3[3] != 0) {
                n++;
                last = q;
            }
        }
        r->one_class[p] = (int8_t)(n == 1 ? last : n == 0 ? 2 : -1);
    }
    for (int m = 0; m < BX_MODE_COUNT; m++)
        for (int d = 0; d < BX_DIST_COUNT; d++) {
            const double *a = r->act[m][d];
            if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0)
                continue;
            r->act_cells[r->nact].mode = (uint8_t)m;
            r->act_cells[r->nact].type = (uint8_t)d;
            memcpy(r->act_cells[r->nact].k, a, sizeof r->act_cells[r->nact].k);
            r->nact++;
        }
    r->ndrivers = BXI_CARBON_DIRECT2;
    for (int p = 0; p < BXI_CARBON_ROUTE_PARTS; p++) {
        const bxc_coef *c4 = &r->coef[p][BXI_CARBON_DIRECT2];
        if (c4->wtt != 0 || c4->ttw != 0 || c4->unsplit != 0)
            r->ndrivers = BXI_CARBON_NDRIVERS;
    }
    if (ok && k.nterms > 0) {
        r->terms = bx_arena_alloc(&c->arena, k.nterms * sizeof *r->terms, 0);
        if (r->terms == NULL) {
            bx_free(c->ctx, k.terms);
            return BX_ENOMEM;
        }
        memcpy(r->terms, k.terms, k.nterms * sizeof *r->terms);
        r->nterms = k.nterms;
    }
    bx_free(c->ctx, k.terms);
    r->valid = ok;
    return BX_OK;
}

void bxi_carbon_route_eval(const bxc_route *r, const double x[BXI_CARBON_NDRIVERS],
                    double wtt[BXI_CARBON_ROUTE_PARTS], double ttw[BXI_CARBON_ROUTE_PARTS],
                    double unsplit[BXI_CARBON_ROUTE_PARTS])
{
    for (size_t p = 0; p < BXI_CARBON_ROUTE_PARTS; p++)
        wtt[p] = ttw[p] = unsplit[p] = 0;
    for (size_t i = 0; i < r->nparts; i++) {
        int p = r->parts[i];
        for (int d = 0; d < r->ndrivers; d++) {
            const bxc_coef *k = &r->coef[p][d];
            wtt[p] += k->wtt * x[d];
            ttw[p] += k->ttw * x[d];
            unsplit[p] += k->unsplit * x[d];
        }
    }
}
