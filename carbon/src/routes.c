/*
 * routes.c: read a route file: one TCE per row, a route's rows adjacent.
 *
 * A bad row makes its route invalid but does not stop the load: the rest
 * of the batch can still be computed, and every problem is reported at its
 * line. Checks here need no factor set; ids are checked against one when a
 * calculator compiles the routes (chain.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

typedef struct route_rec {
    size_t first, n; /* TCEs */
    bool valid;
    uint64_t line;
    const char *id;  /* in the arena */
} route_rec;

struct bx_routes {
    bx_ctx *ctx;
    bx_arena strings;
    const char *name;
    bx_tce *tces;
    size_t ntces, tces_cap;
    route_rec *recs;
    bx_route *views; /* made once loading is done: tces no longer move */
    size_t n, cap;
    size_t invalid;
    bxc_idmap ids;   /* route id -> index */
};

enum {
    C_ROUTE, C_ELEMENT, C_CATEGORY, C_DISTANCE, C_FROM_LAT, C_FROM_LON,
    C_TO_LAT, C_TO_LON, C_DAF, C_ALLOC, C_ENERGY_ID, C_ENERGY_AMOUNT,
    C_RUN_TKM, C_RUN_T, C_RUN_ITEMS, C_NOTE, C_GRID, C_TEMP, C_DIST_TYPE, C_LOAD_FACTOR,
    C_EMPTY_RUNNING, C_ROUND, C_COUNT
};

static const bxc_column columns[C_COUNT] = {
    [C_ROUTE] = {"route_id", true},
    [C_ELEMENT] = {"element", true},
    [C_CATEGORY] = {"category", true},
    [C_DISTANCE] = {"distance_km", false},
    [C_FROM_LAT] = {"from_lat", false},
    [C_FROM_LON] = {"from_lon", false},
    [C_TO_LAT] = {"to_lat", false},
    [C_TO_LON] = {"to_lon", false},
    [C_DAF] = {"daf", false},
    [C_ALLOC] = {"alloc", false},
    [C_ENERGY_ID] = {"energy_id", false},
    [C_ENERGY_AMOUNT] = {"energy_amount", false},
    [C_RUN_TKM] = {"run_tkm", false},
    [C_RUN_T] = {"run_t", false},
    [C_RUN_ITEMS] = {"run_items", false},
    [C_NOTE] = {"note", false},
    [C_GRID] = {"grid", false},
    [C_TEMP] = {"temp", false},
    [C_DIST_TYPE] = {"distance_type", false},
    [C_LOAD_FACTOR] = {"load_factor", false},
    [C_EMPTY_RUNNING] = {"empty_running", false},
    [C_ROUND] = {"round", false},
};

const char *bx_distance_type_name(bx_distance_type t)
{
    static const char *const names[BX_DIST_COUNT] = {"actual", "sfd", "gcd"};
    return (unsigned)t < BX_DIST_COUNT ? names[t] : "?";
}


const char *bx_route_column(size_t i)
{
    return i < C_COUNT ? columns[i].name : NULL;
}

/* Once round the Earth: a sea leg follows shipping lanes and may be longer
 * than half the circumference (GLEC v3.0's own sea example is 21,000 km);
 * the compiler holds the other modes to BXI_CARBON_MAX_OVERLAND_KM. */
#define MAX_DISTANCE_KM 40000.0
#define MAX_ACTIVITY 1e12

static bx_status row_error(const bxc_table *t, size_t c, const char *fmt, ...)
    BX_PRINTF(3, 4);
static bx_status row_error(const bxc_table *t, size_t c, const char *fmt, ...)
{
    bx_location where = bxi_carbon_where(t, c);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", msg);
}

static bx_status read_distance(const bxc_table *t, bx_tce *e)
{
    static const double lim[4][2] = {{-90, 90}, {-180, 180}, {-90, 90}, {-180, 180}};
    double *dst[4] = {&e->from_lat, &e->from_lon, &e->to_lat, &e->to_lon};
    bool given[4];
    size_t ngiven = 0;
    bx_status st;
    for (size_t i = 0; i < 4; i++) {
        st = bxi_carbon_get_double(t, C_FROM_LAT + i, false, lim[i][0], lim[i][1], dst[i],
                            &given[i]);
        if (st != BX_OK)
            return st;
        ngiven += given[i];
    }
    bool has_distance;
    st = bxi_carbon_get_double(t, C_DISTANCE, false, 0, MAX_DISTANCE_KM, &e->distance_km,
                        &has_distance);
    if (st != BX_OK)
        return st;
    if (e->kind == BX_TCE_HUB) {
        if (has_distance || ngiven > 0)
            return row_error(t, has_distance ? C_DISTANCE : C_FROM_LAT,
                             "a hub has no distance");
        return BX_OK;
    }
    if (has_distance && ngiven > 0)
        return row_error(t, C_FROM_LAT, "give distance_km or coordinates, not both");
    if (ngiven > 0 && ngiven < 4) {
        size_t missing = 0;
        while (given[missing])
            missing++;
        return row_error(t, C_FROM_LAT + missing,
                         "coordinates need all of from_lat, from_lon, to_lat, to_lon");
    }
    if (ngiven == 4) {
        e->from_coordinates = true;
        e->distance_km = bx_great_circle_km(e->from_lat, e->from_lon, e->to_lat,
                                            e->to_lon);
        if (!(e->distance_km > 0))
            return row_error(t, C_FROM_LAT, "from and to are the same point");
        return BX_OK;
    }
    if (!has_distance) {
        /* Rounds shared by items or by direct distance use the run's own
         * figures: their length does not enter the result. */
        if (e->alloc == BX_ALLOC_DIRECT || e->alloc == BX_ALLOC_ITEM)
            return BX_OK;
        return row_error(t, C_DISTANCE, "a leg needs distance_km or from/to "
                                        "coordinates");
    }
    if (!(e->distance_km > 0))
        return row_error(t, C_DISTANCE, "distance must be more than 0 km");
    return BX_OK;
}

static bx_status read_daf(const bxc_table *t, bx_tce *e)
{
    static const char *const words[] = {"auto", "none", "air", "road", NULL};
    size_t len;
    const char *s = bxi_carbon_get(t, C_DAF, &len);
    e->daf = BX_DAF_AUTO;
    if (len == 0)
        return BX_OK;
    if (e->kind == BX_TCE_HUB)
        return row_error(t, C_DAF, "a hub has no distance adjustment");
    for (int i = 0; words[i] != NULL; i++) {
        if (bxi_carbon_word_eq(s, len, words[i])) {
            e->daf = (bx_daf_kind)i;
            return BX_OK;
        }
    }
    const char *why;
    double v;
    if (!bxi_parse_double(s, len, &v, &why) || v < 1.0 || v > 5.0)
        return row_error(t, C_DAF, "expected auto, none, air, road or a factor "
                                   "from 1 to 5");
    e->daf = BX_DAF_FACTOR;
    e->daf_factor = v;
    return BX_OK;
}

static bx_status read_alloc(const bxc_table *t, bx_tce *e)
{
    static const char *const words[] = {"", "tkm", "direct", "item", "t", NULL};
    int w;
    bx_status st = bxi_carbon_get_word(t, C_ALLOC, false, words + 1, &w);
    if (st != BX_OK)
        return st;
    e->alloc = (bx_allocation)(w + 1); /* -1 (empty) becomes DEFAULT */
    if (e->kind == BX_TCE_LEG && e->alloc == BX_ALLOC_TONNE)
        return row_error(t, C_ALLOC, "a leg allocates by tkm, direct or item");
    if (e->kind == BX_TCE_HUB &&
        (e->alloc == BX_ALLOC_TKM || e->alloc == BX_ALLOC_DIRECT))
        return row_error(t, C_ALLOC, "a hub allocates by t or item");
    return BX_OK;
}

/* The first '+' of s[from, len), NULL if none (s may be empty). */
static const char *find_plus(const char *s, size_t from, size_t len)
{
    return from < len ? memchr(s + from, '+', len - from) : NULL;
}

/* Several energy carriers in one TCE: "diesel-eu+elec-eu" with
 * "100000+100000", the amounts in the same order, each in its fuel's
 * unit. Sets the arrays and the first carrier as energy_id/_amount. */
static bx_status read_energies(const bxc_table *t, bx_tce *e, bool *has_amount)
{
    size_t ilen, alen;
    const char *ids = bxi_carbon_get(t, C_ENERGY_ID, &ilen);
    const char *amounts = bxi_carbon_get(t, C_ENERGY_AMOUNT, &alen);
    if (find_plus(ids, 0, ilen) == NULL && find_plus(amounts, 0, alen) == NULL) {
        bx_status st = bxi_carbon_get_id(t, C_ENERGY_ID, false, e->energy_id);
        if (st == BX_OK)
            st = bxi_carbon_get_double(t, C_ENERGY_AMOUNT, false, 0, MAX_ACTIVITY,
                                       &e->energy_amount, has_amount);
        if (st == BX_OK && *has_amount) {
            e->nenergy = 1;
            memcpy(e->energy_ids[0], e->energy_id, sizeof e->energy_ids[0]);
            e->energy_amounts[0] = e->energy_amount;
        }
        return st;
    }
    size_t n = 0;
    for (size_t i = 0, j = 0; i <= ilen || j <= alen; n++) {
        if (n == BX_TCE_MAX_ENERGY)
            return row_error(t, C_ENERGY_ID, "more than %d energy carriers",
                             BX_TCE_MAX_ENERGY);
        const char *ie = find_plus(ids, i, ilen);
        const char *ae = find_plus(amounts, j, alen);
        size_t il = ie ? (size_t)(ie - ids) - i : ilen - i;
        size_t al = ae ? (size_t)(ae - amounts) - j : alen - j;
        if ((ie == NULL) != (ae == NULL) || il == 0 || al == 0)
            return row_error(t, il == 0 ? C_ENERGY_ID : C_ENERGY_AMOUNT,
                             "energy_id and energy_amount list the same carriers, "
                             "joined by '+' (\"diesel+grid\" with \"10+25\")");
        const char *why = bxi_id_problem(ids + i, il);
        if (why != NULL)
            return row_error(t, C_ENERGY_ID, "identifier %s", why);
        memcpy(e->energy_ids[n], ids + i, il);
        e->energy_ids[n][il] = '\0';
        double v;
        if (!bxi_parse_double(amounts + j, al, &v, &why) || !(v > 0) || v > MAX_ACTIVITY)
            return row_error(t, C_ENERGY_AMOUNT, "energy amount %zu must be a number more "
                                                 "than 0", n + 1);
        e->energy_amounts[n] = v;
        for (size_t k = 0; k < n; k++)
            if (strcmp(e->energy_ids[k], e->energy_ids[n]) == 0)
                return row_error(t, C_ENERGY_ID, "energy carrier '%s' given twice",
                                 e->energy_ids[n]);
        i += il + 1;
        j += al + 1;
        if (ie == NULL)
            break;
    }
    e->nenergy = n + 1;
    memcpy(e->energy_id, e->energy_ids[0], sizeof e->energy_id);
    e->energy_amount = e->energy_amounts[0];
    *has_amount = true;
    return BX_OK;
}

static bx_status read_primary(const bxc_table *t, bx_tce *e)
{
    bool has_amount, has_tkm, has_t, has_items;
    bx_status st = read_energies(t, e, &has_amount);
    if (st != BX_OK || (st = bxi_carbon_get_id(t, C_ROUND, false, e->round_id)) != BX_OK)
        return st;
    if (e->round_id[0] != '\0' && !has_amount)
        return row_error(t, C_ROUND, "a round is shared from the run's energy "
                                     "(energy_id, energy_amount)");
    if ((st = bxi_carbon_get_double(t, C_RUN_TKM, false, 0, MAX_ACTIVITY, &e->run_tkm,
                             &has_tkm)) != BX_OK ||
        (st = bxi_carbon_get_double(t, C_RUN_T, false, 0, MAX_ACTIVITY, &e->run_t,
                             &has_t)) != BX_OK ||
        (st = bxi_carbon_get_int(t, C_RUN_ITEMS, false, 1, INT64_C(1000000000000),
                          &e->run_items, &has_items)) != BX_OK)
        return st;
    if ((e->energy_id[0] != '\0') != has_amount)
        return row_error(t, has_amount ? C_ENERGY_ID : C_ENERGY_AMOUNT,
                         "energy_id and energy_amount go together");
    e->has_energy = has_amount;
    if (has_amount && !(e->energy_amount > 0))
        return row_error(t, C_ENERGY_AMOUNT, "energy used must be more than 0");
    if (has_tkm && !(e->run_tkm > 0))
        return row_error(t, C_RUN_TKM, "run_tkm must be more than 0");
    if (has_t && !(e->run_t > 0))
        return row_error(t, C_RUN_T, "run_t must be more than 0");
    if (e->kind == BX_TCE_LEG && has_t)
        return row_error(t, C_RUN_T, "run_t (tonnes outbound) is for hubs");
    if (e->kind == BX_TCE_HUB && has_tkm)
        return row_error(t, C_RUN_TKM, "run_tkm is for legs");
    if (!e->has_energy) {
        if (has_tkm || has_t)
            return row_error(t, has_tkm ? C_RUN_TKM : C_RUN_T,
                             "the run's activity is only used with its energy "
                             "(energy_id, energy_amount)");
        if (has_items)
            return row_error(t, C_RUN_ITEMS, "the run's items are only used with "
                                             "its energy (energy_id, energy_amount)");
        if (e->kind == BX_TCE_LEG &&
            (e->alloc == BX_ALLOC_DIRECT || e->alloc == BX_ALLOC_ITEM))
            return row_error(t, C_ALLOC, "%s allocation needs the run's energy "
                                         "(energy_id, energy_amount)",
                             e->alloc == BX_ALLOC_DIRECT ? "direct" : "item");
        return BX_OK;
    }
    if (e->round_id[0] != '\0') {
        /* the round's drops give the run's activity */
        if (e->kind != BX_TCE_LEG ||
            (e->alloc != BX_ALLOC_DIRECT && e->alloc != BX_ALLOC_ITEM))
            return row_error(t, C_ROUND, "a round is for a leg shared by direct or item");
        if (has_tkm || has_items)
            return row_error(t, has_tkm ? C_RUN_TKM : C_RUN_ITEMS,
                             "the round '%s' gives the run's %s: leave it out",
                             e->round_id, has_tkm ? "tkm" : "items");
        return BX_OK;
    }
    if (e->kind == BX_TCE_LEG) {
        if (e->alloc == BX_ALLOC_ITEM && !has_items)
            return row_error(t, C_RUN_ITEMS, "item allocation needs run_items");
        if (e->alloc != BX_ALLOC_ITEM && !has_tkm)
            return row_error(t, C_RUN_TKM, "%s allocation needs the run's tkm "
                                           "(run_tkm)",
                             e->alloc == BX_ALLOC_DIRECT ? "direct" : "tkm");
        return BX_OK;
    }
    if (e->alloc == BX_ALLOC_DEFAULT) {
        if (!has_t && !has_items)
            return row_error(t, C_RUN_T, "a hub's energy is shared by tonnes outbound "
                                         "(run_t) or by items (run_items)");
        e->alloc = has_t ? BX_ALLOC_TONNE : BX_ALLOC_ITEM;
    }
    if (e->alloc == BX_ALLOC_TONNE && !has_t)
        return row_error(t, C_RUN_T, "a hub's energy is shared by tonnes outbound: "
                                     "give run_t (or run_items with alloc=item)");
    if (e->alloc == BX_ALLOC_ITEM && !has_items)
        return row_error(t, C_RUN_ITEMS, "item allocation needs run_items");
    return BX_OK;
}

/* A leg's distance type: coordinates give a great circle; so does an air
 * leg's distance_km, which GLEC takes as the great circle before its DAF
 * (95 km); else the user's word, sfd by default (a planned distance). */
static bx_status read_distance_type(const bxc_table *t, bx_tce *e)
{
    static const char *const words[] = {"actual", "sfd", NULL};
    int w;
    bx_status st = bxi_carbon_get_word(t, C_DIST_TYPE, false, words, &w);
    if (st != BX_OK)
        return st;
    if (w >= 0 && e->kind == BX_TCE_HUB)
        return row_error(t, C_DIST_TYPE, "a hub has no distance");
    if (w >= 0 && e->from_coordinates)
        return row_error(t, C_DIST_TYPE, "a leg from coordinates is a great circle: "
                                         "distance_type is for a given distance_km");
    e->dist_type = e->from_coordinates ? BX_DIST_GCD : w == 0 ? BX_DIST_ACTUAL : BX_DIST_SFD;
    return BX_OK;
}

/* A leg's own loading (a loading plan's mass load factor, the fleet's
 * empty running): only a default intensity is adjusted by it; a metered
 * run's energy already reflects how it was loaded. */
static bx_status read_loading(const bxc_table *t, bx_tce *e)
{
    bool has_lf, has_er;
    e->load_factor = e->empty_running = NAN;
    bx_status st = bxi_carbon_get_double(t, C_LOAD_FACTOR, false, 0, 1, &e->load_factor,
                                         &has_lf);
    if (st == BX_OK)
        st = bxi_carbon_get_double(t, C_EMPTY_RUNNING, false, 0, 0.95, &e->empty_running,
                                   &has_er);
    if (st != BX_OK)
        return st;
    if (!has_lf)
        e->load_factor = NAN;
    if (!has_er)
        e->empty_running = NAN;
    if (has_lf && !(e->load_factor > 0))
        return row_error(t, C_LOAD_FACTOR, "load_factor must be more than 0");
    if ((has_lf || has_er) && (e->kind != BX_TCE_LEG || e->has_energy))
        return row_error(t, has_lf ? C_LOAD_FACTOR : C_EMPTY_RUNNING,
                         "load_factor and empty_running adjust a leg's default intensity "
                         "(a metered run's energy already reflects its loading)");
    return BX_OK;
}

static bx_status read_tce(const bxc_table *t, bx_tce *e)
{
    static const char *const words[] = {"", "leg", "hub", NULL};
    memset(e, 0, sizeof *e);
    e->line = bxi_carbon_line(t);
    int w;
    bx_status st = bxi_carbon_get_word(t, C_ELEMENT, false, words + 1, &w);
    if (st != BX_OK)
        return st;
    if (w < 0)
        return row_error(t, C_ELEMENT, "route has no transport chain element "
                                       "(leg or hub)");
    e->kind = (bx_tce_kind)(w + 1);
    if ((st = bxi_carbon_get_id(t, C_CATEGORY, true, e->category)) != BX_OK ||
        (st = read_alloc(t, e)) != BX_OK || (st = read_distance(t, e)) != BX_OK ||
        (st = read_daf(t, e)) != BX_OK)
        return st;
    if ((st = read_primary(t, e)) != BX_OK || (st = read_distance_type(t, e)) != BX_OK ||
        (st = read_loading(t, e)) != BX_OK)
        return st;
    if ((st = bxi_carbon_get_id(t, C_GRID, false, e->grid_id)) != BX_OK)
        return st;
    static const char *const temps[] = {"ambient", "controlled", NULL};
    int temp;
    if ((st = bxi_carbon_get_word(t, C_TEMP, false, temps, &temp)) != BX_OK)
        return st;
    e->temp_controlled = temp == 1;
    if (e->temp_controlled && (e->kind != BX_TCE_LEG || e->has_energy))
        return row_error(t, C_TEMP, "temp=controlled is for a leg on a default intensity "
                                    "(a metered run's energy includes its cooling)");
    if (e->grid_id[0] != '\0' && (e->kind != BX_TCE_LEG || e->has_energy))
        return row_error(t, C_GRID, "grid is for a leg on a default energy intensity "
                                    "(kwh/tkm); a metered run names its electricity "
                                    "in energy_id");
    return BX_OK;
}

static bx_status push_tce(bx_routes *rs, const bx_tce *e)
{
    if (rs->ntces == rs->tces_cap) {
        size_t cap = rs->tces_cap ? rs->tces_cap * 2 : 64;
        bx_tce *p = bx_realloc(rs->ctx, rs->tces, cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        rs->tces = p;
        rs->tces_cap = cap;
    }
    rs->tces[rs->ntces++] = *e;
    return BX_OK;
}

static bx_status start_route(bx_routes *rs, const char *id, uint64_t line)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 32;
        route_rec *p = bx_realloc(rs->ctx, rs->recs, cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        rs->recs = p;
        rs->cap = cap;
    }
    size_t index;
    bx_status st = bxi_carbon_idmap_put(&rs->ids, id, strlen(id), &index, NULL);
    if (st != BX_OK)
        return st;
    const char *copy = bxi_arena_strndup(&rs->strings, id, strlen(id));
    if (copy == NULL)
        return BX_ENOMEM;
    route_rec *r = &rs->recs[rs->n++];
    r->first = rs->ntces;
    r->n = 0;
    r->valid = true;
    r->line = line;
    r->id = copy;
    return BX_OK;
}

static void invalidate(route_rec *r)
{
    r->valid = false;
}

/* One row: find or start its route, then read its TCE. */
static bx_status read_row(bx_routes *rs, const bxc_table *t)
{
    char id[BX_ID_MAX];
    route_rec *cur = rs->n > 0 ? &rs->recs[rs->n - 1] : NULL;
    bx_status st = bxi_carbon_get_id(t, C_ROUTE, true, id);
    if (st != BX_OK) {
        /* The row cannot be placed; rows are adjacent, so it most likely
         * belongs to the route being read. */
        if (cur != NULL)
            invalidate(cur);
        return st;
    }
    if (cur == NULL || strcmp(cur->id, id) != 0) {
        long seen = bxi_carbon_idmap_find(&rs->ids, id, strlen(id));
        if (seen >= 0) {
            invalidate(&rs->recs[seen]);
            return row_error(t, C_ROUTE, "route '%s' appears again: the rows of a "
                                         "route must be adjacent (it starts at "
                                         "line %llu)",
                             id, (unsigned long long)rs->recs[seen].line);
        }
        if ((st = start_route(rs, id, bxi_carbon_line(t))) != BX_OK)
            return st;
        cur = &rs->recs[rs->n - 1];
    }
    bx_tce e;
    st = read_tce(t, &e);
    if (st == BX_EINPUT) {
        invalidate(cur);
        return st;
    }
    if (st != BX_OK)
        return st;
    if ((st = push_tce(rs, &e)) != BX_OK)
        return st;
    cur->n++;
    return BX_OK;
}

static bx_status read_all(bx_routes *rs, bxc_table *t)
{
    bx_status st;
    while ((st = bxi_carbon_table_next(t)) != BX_END) {
        if (st == BX_EINPUT) {
            if (rs->n > 0)
                invalidate(&rs->recs[rs->n - 1]);
            continue;
        }
        if (st != BX_OK)
            return st;
        st = read_row(rs, t);
        if (st != BX_OK && st != BX_EINPUT)
            return st;
    }
    rs->views = bx_alloc(rs->ctx, (rs->n ? rs->n : 1) * sizeof *rs->views);
    if (rs->views == NULL)
        return BX_ENOMEM;
    for (size_t i = 0; i < rs->n; i++) {
        route_rec *r = &rs->recs[i];
        /* A route whose only rows were bad has no TCE left: it stays
         * invalid, and was reported at those rows. */
        if (r->n == 0)
            r->valid = false;
        rs->views[i].route_id = r->id;
        /* no TCE at all in the file: no array to point into */
        rs->views[i].tces = r->n > 0 ? rs->tces + r->first : NULL;
        rs->views[i].ntces = r->n;
        rs->views[i].valid = r->valid;
        rs->views[i].line = r->line;
        rs->invalid += !r->valid;
    }
    return BX_OK;
}

static bx_status load_into(bx_ctx *ctx, bx_routes **out, bxc_table *t, const char *name);

/* bxc_load_fn over load_into. */
static bx_status load(bx_ctx *ctx, void *result, bxc_table *t, const char *name)
{
    bx_routes **out = result;
    return load_into(ctx, out, t, name);
}

static bx_status load_into(bx_ctx *ctx, bx_routes **out, bxc_table *t, const char *name)
{
    bx_routes *rs = bx_alloc(ctx, sizeof *rs);
    if (rs == NULL)
        return BX_ENOMEM;
    memset(rs, 0, sizeof *rs);
    rs->ctx = ctx;
    bx_arena_init(&rs->strings, ctx, 0);
    bxi_carbon_idmap_init(&rs->ids, ctx);
    bx_status st = read_all(rs, t);
    if (st == BX_OK) {
        rs->name = bxi_arena_strndup(&rs->strings, name, strlen(name));
        if (rs->name == NULL)
            st = BX_ENOMEM;
    }
    if (st != BX_OK) {
        bx_routes_free(rs);
        return st;
    }
    *out = rs;
    return BX_OK;
}

bx_status bx_routes_load(bx_ctx *ctx, bx_routes **out, const char *path)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_routes_load: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_path(ctx, path, columns, C_COUNT, load, out);
}

bx_status bx_routes_read_mem(bx_ctx *ctx, bx_routes **out, const char *name,
                             const void *data, size_t size)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || (data == NULL && size > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_routes_read_mem: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_mem(ctx, name, data, size, columns, C_COUNT, load, out);
}

size_t bx_routes_count(const bx_routes *rs)
{
    return rs == NULL ? 0 : rs->n;
}

const bx_route *bx_routes_at(const bx_routes *rs, size_t i)
{
    return rs == NULL || i >= rs->n ? NULL : &rs->views[i];
}

const bx_route *bx_routes_find(const bx_routes *rs, const char *route_id)
{
    if (rs == NULL || route_id == NULL)
        return NULL;
    long i = bxi_carbon_idmap_find(&rs->ids, route_id, strlen(route_id));
    return i < 0 ? NULL : &rs->views[i];
}

size_t bx_routes_invalid(const bx_routes *rs)
{
    return rs == NULL ? 0 : rs->invalid;
}

const char *bx_routes_name(const bx_routes *rs)
{
    return rs == NULL || rs->name == NULL ? "" : rs->name;
}

void bx_routes_free(bx_routes *rs)
{
    if (rs == NULL)
        return;
    bxi_carbon_idmap_free(&rs->ids);
    bx_arena_release(&rs->strings);
    bx_free(rs->ctx, rs->tces);
    bx_free(rs->ctx, rs->recs);
    bx_free(rs->ctx, rs->views);
    bx_free(rs->ctx, rs);
}
