/*
 * uncertainty.c: Monte Carlo intervals from factor uncertainty (GSL).
 *
 * Emissions are linear in the factors: a shipment's WTW is a constant
 * (figures given directly in kg) plus sum over factors of coef x factor.
 * So a draw needs only the shipment's few coefficients and one multiplier
 * per factor, and a group's interval needs only the coefficients summed
 * over its shipments: memory is draws x factors, whatever the number of
 * shipments. The run's total is kept per draw instead, in whole mg (each
 * shipment's draw rounded first, as the totals round each figure), so that
 * the draws of shards add up to the single run's exactly
 * (boxcar/draw_totals.h); that costs draws x factors used per shipment
 * added.
 *
 * GSL's generator is used through a gsl_rng built here on memory from the
 * context (gsl_rng_alloc would call malloc and, on failure, GSL's error
 * handler, which aborts by default).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "boxcar/uncertainty.h"
#include "calc_internal.h"
#include "draws_internal.h"

struct bx_uncertainty {
    bx_ctx *ctx;
    bx_carbon *calc;
    size_t draws, nf;
    double *mult;       /* draws x nf multipliers, draw-major */
    double *coef;       /* nf: the current shipment's coefficients */
    size_t *touched;    /* factor indexes with a coefficient, n_touched */
    unsigned char *listed; /* nf: in touched */
    size_t n_touched;
    double constant;
    double *scratch;    /* draws */
    /* the run total of each draw in whole mg, each shipment's draw rounded
     * to the mg first, so that shards' draws add up exactly */
    uint64_t seed;
    int64_t shipments;  /* added */
    int64_t *draw_mg;   /* draws */
    int64_t *draw_tmp;  /* draws: the shipment being added */
    /* the shipment collect() saw last */
    const bxc_route *route;
    const bxc_pack *pack;
    double x[BXI_CARBON_NDRIVERS];
    /* intervals by group: per key, its total of each draw in whole mg,
     * made as the run's (so that shards' keys add up too) */
    bx_totals_group by; /* BX_BY_ALL: none kept */
    bool added;         /* a shipment was added */
    bxc_idmap keys;     /* key -> row */
    int64_t *group_mg;  /* rows_cap x draws, row-major */
    size_t rows_cap;
    int64_t *part_tmp;  /* by mode: BX_PART_COUNT x draws, the shipment's parts */
    /* bx_uncertainty_from_draws: the intervals are d's; nothing is added */
    const bx_draw_totals *src;
};

bx_status bx_uncertainty_new(bx_ctx *ctx, bx_uncertainty **out, bx_carbon *calc,
                             uint32_t draws, uint64_t seed)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || calc == NULL || draws < 2 || draws > BX_UNCERTAINTY_MAX_DRAWS)
        return bxi_error(ctx, BX_EINVAL, "bx_uncertainty_new: bad argument (draws 2 to %d)",
                        BX_UNCERTAINTY_MAX_DRAWS);
    *out = NULL;
    const bx_factor_set *fs = bx_carbon_factors(calc);
    size_t nf = bx_factor_set_count(fs);
    if (nf == 0)
        nf = 1;
    if (nf > SIZE_MAX / sizeof(double) / draws)
        return bxi_error(ctx, BX_ENOMEM, "bx_uncertainty_new: %u draws x %zu factors is too "
                                        "many", (unsigned)draws, nf);
    bx_uncertainty *u = bx_alloc(ctx, sizeof *u);
    if (u == NULL)
        return BX_ENOMEM;
    memset(u, 0, sizeof *u);
    u->ctx = ctx;
    u->calc = calc;
    u->by = BX_BY_ALL;
    bxi_carbon_idmap_init(&u->keys, ctx);
    u->draws = draws;
    u->nf = nf;
    u->mult = bx_alloc(ctx, (size_t)draws * nf * sizeof *u->mult);
    u->coef = bx_alloc(ctx, nf * sizeof *u->coef);
    u->touched = bx_alloc(ctx, nf * sizeof *u->touched);
    u->listed = bx_alloc(ctx, nf);
    u->scratch = bx_alloc(ctx, draws * sizeof *u->scratch);
    u->draw_mg = bx_alloc(ctx, draws * sizeof *u->draw_mg);
    u->draw_tmp = bx_alloc(ctx, draws * sizeof *u->draw_tmp);
    u->seed = seed;
    gsl_rng rng = {gsl_rng_mt19937, NULL};
    rng.state = bx_alloc(ctx, gsl_rng_mt19937->size);
    if (u->mult == NULL || u->coef == NULL || u->touched == NULL || u->listed == NULL ||
        u->scratch == NULL || u->draw_mg == NULL || u->draw_tmp == NULL || rng.state == NULL) {
        bx_free(ctx, rng.state);
        bx_uncertainty_free(u);
        return BX_ENOMEM;
    }
    memset(u->coef, 0, nf * sizeof *u->coef);
    memset(u->listed, 0, nf);
    memset(u->draw_mg, 0, draws * sizeof *u->draw_mg);
    gsl_rng_mt19937->set(rng.state, (unsigned long)seed);
    /* Draw-major, factors in set order: the same seed gives the same
     * multipliers everywhere. */
    for (size_t d = 0; d < draws; d++) {
        for (size_t f = 0; f < nf; f++) {
            double sigma = f < bx_factor_set_count(fs) ? log(bxi_carbon_factor_gsd(fs, f)) : 0.0;
            u->mult[d * nf + f] = sigma > 0 ? gsl_ran_lognormal(&rng, 0.0, sigma) : 1.0;
        }
    }
    bx_free(ctx, rng.state);
    *out = u;
    return BX_OK;
}

static void touch(bx_uncertainty *u, size_t f, double c)
{
    if (!u->listed[f]) {
        u->listed[f] = 1;
        u->touched[u->n_touched++] = f;
    }
    u->coef[f] += c;
}

static void clear(bx_uncertainty *u)
{
    for (size_t i = 0; i < u->n_touched; i++) {
        u->coef[u->touched[i]] = 0.0;
        u->listed[u->touched[i]] = 0;
    }
    u->n_touched = 0;
    u->constant = 0.0;
}

/* The shipment's coefficients into u->coef / u->touched / u->constant. */
static bx_status collect(bx_uncertainty *u, const bx_shipment *s)
{
    bx_carbon *c = u->calc;
    clear(u);
    const bx_route *route = bx_routes_find(c->routes, s->route_id);
    if (route == NULL)
        return bxi_error(u->ctx, BX_EINVAL, "uncertainty: unknown route '%s'", s->route_id);
    const bxc_route *r = &c->compiled[route - bx_routes_at(c->routes, 0)];
    const bxc_pack *p = bxi_carbon_pack_lookup(c, s->packaging);
    if (p == NULL)
        return BX_ENOMEM;
    if (!r->valid || !p->valid || (r->needs_mass && s->mass_g < 0) ||
        (r->needs_drop && s->drop_km < 0))
        return bxi_error(u->ctx, BX_EINVAL, "uncertainty: shipment '%s' cannot be computed",
                        s->shipment_id);
    if (bxi_carbon_drivers(c, s, r, false, u->x) != BX_OK)
        return bxi_error(u->ctx, BX_EINVAL, "uncertainty: shipment '%s' is not a drop of "
                                            "its route's rounds", s->shipment_id);
    u->route = r;
    u->pack = p;
    for (size_t i = 0; i < r->nterms; i++) {
        const bxc_term *t = &r->terms[i];
        touch(u, t->factor, t->k * u->x[t->driver] * bxi_carbon_factor_value(c->fs, t->factor).wtw);
    }
    for (size_t i = 0; i < p->nterms; i++) {
        const bxc_term *t = &p->terms[i];
        touch(u, t->factor, t->k * bxi_carbon_factor_value(c->fs, t->factor).wtw);
    }
    u->constant = p->constant_g;
    return BX_OK;
}

static void interval(bx_uncertainty *u, const double *coef, const size_t *idx, size_t n,
                     double constant, bx_interval *out)
{
    double sum = 0;
    for (size_t d = 0; d < u->draws; d++) {
        const double *m = u->mult + d * u->nf;
        double v = constant;
        for (size_t i = 0; i < n; i++) {
            size_t f = idx != NULL ? idx[i] : i;
            v += coef[f] * m[f];
        }
        u->scratch[d] = v;
        sum += v;
    }
    gsl_sort(u->scratch, 1, u->draws);
    out->mean_g = sum / (double)u->draws;
    out->lo_g = gsl_stats_quantile_from_sorted_data(u->scratch, 1, u->draws, 0.025);
    out->hi_g = gsl_stats_quantile_from_sorted_data(u->scratch, 1, u->draws, 0.975);
}

bx_status bx_uncertainty_shipment(bx_uncertainty *u, const bx_shipment *s, bx_interval *out)
{
    if (u == NULL || s == NULL || out == NULL || u->src != NULL)
        return BX_EINVAL;
    bx_status st = collect(u, s);
    if (st != BX_OK)
        return st;
    interval(u, u->coef, u->touched, u->n_touched, u->constant, out);
    return BX_OK;
}

/* The row of `key`, made (zero) if new. */
static bx_status row_for(bx_uncertainty *u, const char *key, size_t *row)
{
    size_t len = strlen(key);
    long found = bxi_carbon_idmap_find(&u->keys, key, len);
    if (found >= 0) {
        *row = (size_t)found;
        return BX_OK;
    }
    if (u->keys.n == u->rows_cap) {
        size_t cap = u->rows_cap ? 2 * u->rows_cap : 8;
        if (cap > SIZE_MAX / sizeof(int64_t) / u->draws)
            return bxi_error(u->ctx, BX_ENOMEM, "uncertainty: too many group keys");
        int64_t *rows = bx_realloc(u->ctx, u->group_mg, cap * u->draws * sizeof *rows);
        if (rows == NULL)
            return BX_ENOMEM;
        u->group_mg = rows;
        u->rows_cap = cap;
    }
    bx_status st = bxi_carbon_idmap_put(&u->keys, key, len, row, NULL);
    if (st != BX_OK)
        return st;
    memset(u->group_mg + *row * u->draws, 0, u->draws * sizeof *u->group_mg);
    return BX_OK;
}

/* By mode, the shipment's draws split as the totals split a shipment:
 * each route term to its part, the packaging terms and constant to
 * packaging; each part's draw rounded to the mg into u->part_tmp. The
 * parts' rows and values in rows/vals[0..*n). */
static bx_status mode_draws(bx_uncertainty *u, const bx_shipment *s, size_t *rows,
                            const int64_t **vals, size_t *n)
{
    const bx_factor_set *fs = u->calc->fs;
    bool has[BX_PART_COUNT] = {false};
    for (size_t i = 0; i < u->route->nterms; i++)
        has[u->route->terms[i].part] = true;
    if (u->pack->nterms > 0 || u->pack->constant_g != 0.0)
        has[BX_PART_PACKAGING] = true;
    *n = 0;
    for (int p = 0; p < BX_PART_COUNT; p++) {
        if (!has[p])
            continue;
        bx_status st = row_for(u, bx_part_name(p), &rows[*n]);
        if (st != BX_OK)
            return st;
        vals[(*n)++] = u->part_tmp + (size_t)p * u->draws;
    }
    for (size_t d = 0; d < u->draws; d++) {
        const double *m = u->mult + d * u->nf;
        double v[BX_PART_COUNT] = {0};
        v[BX_PART_PACKAGING] = u->pack->constant_g;
        for (size_t i = 0; i < u->route->nterms; i++) {
            const bxc_term *t = &u->route->terms[i];
            v[t->part] += t->k * u->x[t->driver] * bxi_carbon_factor_value(fs, t->factor).wtw *
                          m[t->factor];
        }
        for (size_t i = 0; i < u->pack->nterms; i++) {
            const bxc_term *t = &u->pack->terms[i];
            v[BX_PART_PACKAGING] += t->k * bxi_carbon_factor_value(fs, t->factor).wtw *
                                    m[t->factor];
        }
        for (int p = 0; p < BX_PART_COUNT; p++)
            if (has[p] && !bxi_carbon_g_to_mg(v[p], &u->part_tmp[(size_t)p * u->draws + d]))
                return bxi_error(u->ctx, BX_ELIMIT, "uncertainty: draw %zu of shipment '%s' "
                                                   "is out of range", d + 1, s->shipment_id);
    }
    return BX_OK;
}

/* The collected shipment's draws (u->draw_tmp, shipment_draws) into the
 * row of its key; by mode, each part's into its part's row. Every row is
 * made and every sum checked before any is added to, so a failure leaves
 * the sums as they were. */
static bx_status add_to_group(bx_uncertainty *u, const bx_shipment *s)
{
    size_t rows[BX_PART_COUNT];
    const int64_t *vals[BX_PART_COUNT];
    size_t n = 1;
    bx_status st;
    if (u->by == BX_BY_MODE) {
        st = mode_draws(u, s, rows, vals, &n);
    } else {
        char month[16]; /* YYYY-MM of a valid date; room for any int */
        const char *key = s->route_id;
        if (u->by == BX_BY_MONTH) {
            int32_t m = s->date / 100;
            snprintf(month, sizeof month, "%04d-%02d", (int)(m / 100 % 10000), (int)(m % 100));
            key = month;
        } else if (u->by == BX_BY_PACKAGING) {
            key = u->pack->key;
        }
        st = row_for(u, key, &rows[0]);
        vals[0] = u->draw_tmp;
    }
    if (st != BX_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        const int64_t *row = u->group_mg + rows[i] * u->draws;
        for (size_t d = 0; d < u->draws; d++) {
            int64_t sum = row[d];
            if (!bxi_carbon_add_i64(&sum, vals[i][d]) || sum > BX_CO2E_MAX_MG ||
                sum < -BX_CO2E_MAX_MG)
                return bxi_error(u->ctx, BX_ELIMIT, "uncertainty: draw %zu of a group's total "
                                                   "passes %lld mg at shipment '%s'",
                                d + 1, (long long)BX_CO2E_MAX_MG, s->shipment_id);
        }
    }
    for (size_t i = 0; i < n; i++) {
        int64_t *row = u->group_mg + rows[i] * u->draws;
        for (size_t d = 0; d < u->draws; d++)
            row[d] += vals[i][d];
    }
    return BX_OK;
}

/* The collected shipment's value in each draw, rounded to the mg, into
 * u->draw_tmp; BX_ELIMIT if one, or the run's total of a draw with it,
 * would pass BX_CO2E_MAX_MG. The same arithmetic as interval(). */
static bx_status shipment_draws(bx_uncertainty *u, const bx_shipment *s)
{
    for (size_t d = 0; d < u->draws; d++) {
        const double *m = u->mult + d * u->nf;
        double v = u->constant;
        for (size_t i = 0; i < u->n_touched; i++)
            v += u->coef[u->touched[i]] * m[u->touched[i]];
        int64_t sum = u->draw_mg[d];
        if (!bxi_carbon_g_to_mg(v, &u->draw_tmp[d]) ||
            !bxi_carbon_add_i64(&sum, u->draw_tmp[d]) || sum > BX_CO2E_MAX_MG ||
            sum < -BX_CO2E_MAX_MG)
            return bxi_error(u->ctx, BX_ELIMIT, "uncertainty: draw %zu of the total passes "
                                               "%lld mg at shipment '%s'",
                            d + 1, (long long)BX_CO2E_MAX_MG, s->shipment_id);
    }
    return BX_OK;
}

bx_status bx_uncertainty_add(bx_uncertainty *u, const bx_shipment *s)
{
    if (u == NULL || s == NULL || u->src != NULL)
        return BX_EINVAL;
    bx_status st = collect(u, s);
    if (st == BX_OK)
        st = shipment_draws(u, s);
    if (st == BX_OK && u->by != BX_BY_ALL)
        st = add_to_group(u, s);
    if (st != BX_OK) {
        clear(u);
        return st;
    }
    u->added = true;
    u->shipments++;
    for (size_t d = 0; d < u->draws; d++)
        u->draw_mg[d] += u->draw_tmp[d];
    clear(u);
    return BX_OK;
}

/* From the integer draws, not the summed coefficients: the interval that
 * shards' draw totals merge into (draw_totals.c). */
bx_status bx_uncertainty_total(bx_uncertainty *u, bx_interval *out)
{
    if (u == NULL || out == NULL)
        return BX_EINVAL;
    if (u->src != NULL)
        return bx_draw_totals_interval(u->src, out);
    bxi_draws_interval(u->draw_mg, u->draws, u->scratch, out);
    return BX_OK;
}

bx_status bx_uncertainty_draw_totals(bx_uncertainty *u, bx_draw_totals *d)
{
    if (u == NULL || d == NULL || u->src != NULL)
        return BX_EINVAL;
    /* the run's and its keys' draws, then all at once into d */
    bx_factor_set_info info = bx_factor_set_info_get(bx_carbon_factors(u->calc));
    bx_draw_totals *run = NULL;
    bx_status st = bx_draw_totals_new(u->ctx, &run);
    if (st == BX_OK)
        st = bxi_draw_totals_add(run, (uint32_t)u->draws, u->seed, info.id, info.version,
                                 u->by, u->shipments, u->draw_mg);
    for (size_t k = 0; st == BX_OK && k < u->keys.n; k++)
        st = bxi_draw_totals_add_key(run, bxi_carbon_idmap_key(&u->keys, k),
                                     u->group_mg + k * u->draws);
    if (st == BX_OK)
        st = bxi_draw_totals_merge(d, run);
    bx_draw_totals_free(run);
    return st;
}

bx_status bx_uncertainty_from_draws(bx_ctx *ctx, const bx_draw_totals *d, bx_uncertainty **out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (d == NULL || out == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_uncertainty_from_draws: bad argument");
    bx_uncertainty *u = bx_alloc(ctx, sizeof *u);
    if (u == NULL)
        return BX_ENOMEM;
    memset(u, 0, sizeof *u);
    u->ctx = ctx;
    u->src = d;
    u->by = BX_BY_ALL;
    bxi_carbon_idmap_init(&u->keys, ctx);
    *out = u;
    return BX_OK;
}

bx_status bx_uncertainty_by(bx_uncertainty *u, bx_totals_group g)
{
    if (u == NULL)
        return BX_EINVAL;
    if (u->src != NULL)
        return bxi_error(u->ctx, BX_EINVAL, "uncertainty: the group of merged draws is theirs");
    if (g != BX_BY_ROUTE && g != BX_BY_MONTH && g != BX_BY_MODE && g != BX_BY_PACKAGING)
        return bxi_error(u->ctx, BX_EINVAL, "uncertainty: intervals by route, month, mode "
                                           "or packaging only");
    if (u->added)
        return bxi_error(u->ctx, BX_EINVAL, "uncertainty: choose the group before adding "
                                           "shipments");
    if (g == BX_BY_MODE && u->part_tmp == NULL &&
        (u->part_tmp = bx_alloc(u->ctx, BX_PART_COUNT * u->draws * sizeof *u->part_tmp)) == NULL)
        return BX_ENOMEM;
    u->by = g;
    return BX_OK;
}

bx_totals_group bx_uncertainty_group(const bx_uncertainty *u)
{
    if (u != NULL && u->src != NULL)
        return bx_draw_totals_info_get(u->src).by;
    return u != NULL ? u->by : BX_BY_ALL;
}

bx_status bx_uncertainty_key(bx_uncertainty *u, const char *key, bx_interval *out)
{
    if (u == NULL || key == NULL || out == NULL)
        return BX_EINVAL;
    if (u->src != NULL)
        return bx_draw_totals_key_interval(u->src, key, out);
    long row = u->by != BX_BY_ALL ? bxi_carbon_idmap_find(&u->keys, key, strlen(key)) : -1;
    if (row < 0)
        return BX_ENOTFOUND;
    bxi_draws_interval(u->group_mg + (size_t)row * u->draws, u->draws, u->scratch, out);
    return BX_OK;
}

void bx_uncertainty_free(bx_uncertainty *u)
{
    if (u == NULL)
        return;
    bxi_carbon_idmap_free(&u->keys);
    bx_free(u->ctx, u->group_mg);
    bx_free(u->ctx, u->part_tmp);
    bx_free(u->ctx, u->mult);
    bx_free(u->ctx, u->coef);
    bx_free(u->ctx, u->touched);
    bx_free(u->ctx, u->listed);
    bx_free(u->ctx, u->scratch);
    bx_free(u->ctx, u->draw_mg);
    bx_free(u->ctx, u->draw_tmp);
    bx_free(u->ctx, u);
}
