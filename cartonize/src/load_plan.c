/*
 * load_plan.c: bx_load_plan_make, vehicles and stops over the container
 * engine (load_search.c).
 *
 * Parcels of the same size, mass, rules and stop become one box type with
 * a quantity, so the engine builds blocks of them. Stops become groups:
 * the last stop loads first (group 0), the first stop last, nearest the
 * door. A side door is handled by turning the vehicle a quarter turn for
 * the engine (its width becomes the engine's length) and turning the plan
 * back.
 *
 * Vehicles are chosen one at a time: among the kinds still available,
 * the cheapest (then smallest) one that takes every remaining parcel,
 * else the one that loads the most volume (then the cheapest). That gives
 * the fewest vehicles a greedy choice can; then fleets of fewer vehicles,
 * or as many at a lower total cost or inner volume, are tried (see "the
 * fleet" below).
 *
 * Loading order: a parcel must go in before any parcel that will lie
 * between it and the door or above it. The engine's block order need not
 * respect that, so the order is a topological sort of that relation,
 * earliest group first, then nearest the front wall, then lowest.
 */
#include <math.h>
#include <string.h>

#include "boxcar/load.h"
#include "load_internal.h"

const char *bx_load_door_name(bx_load_door door)
{
    return door == BX_LOAD_DOOR_SIDE ? "side" : "rear";
}

bx_status bx_load_door_parse(const char *s, bx_load_door *out)
{
    if (!s || !out)
        return BX_EINVAL;
    if (!strcmp(s, "rear"))
        *out = BX_LOAD_DOOR_REAR;
    else if (!strcmp(s, "side"))
        *out = BX_LOAD_DOOR_SIDE;
    else
        return BX_EINPUT;
    return BX_OK;
}

const char *bx_load_reason_name(bx_load_reason reason)
{
    switch (reason) {
    case BX_LOAD_TOO_BIG:
        return "too_big";
    case BX_LOAD_TOO_HEAVY:
        return "too_heavy";
    case BX_LOAD_NO_ROOM:
        return "no_room";
    case BX_LOAD_DUPLICATE_ID:
        return "duplicate_id";
    }
    return "unknown";
}

typedef struct planner {
    bx_ctx *ctx;
    const bx_load_parcel *parcels;
    size_t n;
    const bx_load_vehicle *cat;
    size_t nv;
    bx_load_options opt;
    uint32_t *rank;       /* per parcel: group (0 loads first) */
    bool *open;           /* per parcel: still to place */
    uint32_t *left;       /* per vehicle kind: still available */
    bxi_cl_type *types;   /* scratch, one per distinct parcel kind */
    uint32_t *type_of;    /* per parcel: its type index in this round */
    uint32_t *first;      /* per type: its first open parcel */
    uint32_t ngroups;
    bx_load_plan *plan;
    size_t placed_cap, used_cap, unplaced_cap;
} planner;

static bool parcel_fits(const bx_load_parcel *p, const int32_t c[3])
{
    static const int perm[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1}, {2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
        if (p->rotation == BX_ROTATE_FIXED && o != 0)
            break;
        if (p->rotation == BX_ROTATE_UPRIGHT && perm[o][2] != 2)
            continue;
        if (p->dim_mm[perm[o][0]] <= c[0] && p->dim_mm[perm[o][1]] <= c[1] &&
            p->dim_mm[perm[o][2]] <= c[2])
            return true;
    }
    return false;
}

/* The engine's container for vehicle v (a side door turns it). */
static void engine_box(const bx_load_vehicle *v, int32_t c[3])
{
    bool side = v->door == BX_LOAD_DOOR_SIDE;
    c[0] = side ? v->inner_mm[1] : v->inner_mm[0];
    c[1] = side ? v->inner_mm[0] : v->inner_mm[1];
    c[2] = v->inner_mm[2];
}

static bool same_kind(const bx_load_parcel *a, const bx_load_parcel *b, uint32_t ra, uint32_t rb,
                      bool any_mass)
{
    return ra == rb && !memcmp(a->dim_mm, b->dim_mm, sizeof a->dim_mm) &&
           (any_mass || a->mass_g == b->mass_g) &&
           a->rotation == b->rotation && a->fragile == b->fragile && a->max_load_g == b->max_load_g;
}

static bx_status unplace(planner *pl, uint32_t i, bx_load_reason why)
{
    bx_load_plan *plan = pl->plan;
    bx_status st = bxi_grow(pl->ctx, (void **)&plan->unplaced, &pl->unplaced_cap, plan->nunplaced + 1,
                            sizeof *plan->unplaced, SIZE_MAX / sizeof(bx_load_unplaced), "unplaced parcels");
    if (st != BX_OK)
        return st;
    plan->unplaced[plan->nunplaced].parcel = i;
    plan->unplaced[plan->nunplaced].reason = why;
    plan->nunplaced++;
    pl->open[i] = false;
    return BX_OK;
}

/* Types for the open parcels; ntypes out. With any_mass, parcels that
 * differ only in mass share a type that weighs as its heaviest (safe for
 * load limits; the caller lifts the payload only when every open parcel
 * together is within it). */
static size_t make_types(planner *pl, bool *fixed_any, bool any_mass)
{
    size_t nt = 0;
    *fixed_any = false;
    for (size_t i = 0; i < pl->n; i++) {
        if (!pl->open[i])
            continue;
        const bx_load_parcel *p = &pl->parcels[i];
        size_t t = 0;
        for (; t < nt; t++) {
            uint32_t f = pl->first[t];
            if (same_kind(p, &pl->parcels[f], pl->rank[i], pl->rank[f], any_mass))
                break;
        }
        pl->type_of[i] = (uint32_t)t;
        if (t == nt) {
            pl->first[t] = (uint32_t)i;
            bxi_cl_type *ty = &pl->types[nt++];
            memset(ty, 0, sizeof *ty);
            memcpy(ty->d, p->dim_mm, sizeof ty->d);
            ty->vert_ok[0] = ty->vert_ok[1] = p->rotation == BX_ROTATE_ANY;
            ty->vert_ok[2] = true;
            ty->fixed = p->rotation == BX_ROTATE_FIXED;
            ty->mass_g = p->mass_g;
            ty->no_top = p->fragile;
            ty->max_load_g = p->max_load_g;
            ty->group = pl->rank[i];
            *fixed_any |= ty->fixed;
        }
        pl->types[t].qty++;
        if (p->mass_g > pl->types[t].mass_g)
            pl->types[t].mass_g = p->mass_g;
    }
    return nt;
}

/* Solve vehicle kind k for the open parcels. */
static bx_status try_vehicle(planner *pl, size_t k, size_t nt, int64_t payload_g, bxi_cl_result *r)
{
    const bx_load_vehicle *v = &pl->cat[k];
    bxi_cl_problem pb = {0};
    engine_box(v, pb.c);
    pb.types = pl->types;
    pb.ntypes = nt;
    pb.support = pl->opt.support != BX_LOAD_SUPPORT_NONE;
    pb.payload_g = payload_g;
    pb.budget = pl->opt.budget;
    pb.max_blocks = pl->opt.max_blocks;
    pb.door_x = 1;
    /* A side door turns the vehicle: fixed parcels turn with it. */
    if (v->door == BX_LOAD_DOOR_SIDE)
        for (size_t t = 0; t < nt; t++)
            if (pl->types[t].fixed) {
                int32_t d = pl->types[t].d[0];
                pl->types[t].d[0] = pl->types[t].d[1];
                pl->types[t].d[1] = d;
            }
    bx_status st = bxi_cl_solve(pl->ctx, &pb, r);
    if (v->door == BX_LOAD_DOOR_SIDE)
        for (size_t t = 0; t < nt; t++)
            if (pl->types[t].fixed) {
                int32_t d = pl->types[t].d[0];
                pl->types[t].d[0] = pl->types[t].d[1];
                pl->types[t].d[1] = d;
            }
    return st;
}

static bool before(const bx_load_placed *a, const bx_load_placed *b, int door_axis)
{
    /* b lies between a and the door, or above a: a goes in first */
    int o = 1 - door_axis;
    bool ov_o = a->pos_mm[o] < b->pos_mm[o] + b->ext_mm[o] && b->pos_mm[o] < a->pos_mm[o] + a->ext_mm[o];
    bool ov_d = a->pos_mm[door_axis] < b->pos_mm[door_axis] + b->ext_mm[door_axis] &&
                b->pos_mm[door_axis] < a->pos_mm[door_axis] + a->ext_mm[door_axis];
    bool ov_z = a->pos_mm[2] < b->pos_mm[2] + b->ext_mm[2] && b->pos_mm[2] < a->pos_mm[2] + a->ext_mm[2];
    if (ov_o && ov_z && b->pos_mm[door_axis] >= a->pos_mm[door_axis] + a->ext_mm[door_axis])
        return true;
    return ov_o && ov_d && b->pos_mm[2] >= a->pos_mm[2] + a->ext_mm[2];
}

/* Put v[0..n) in a loading order (see the top of the file); steps count
 * the changes of engine block along it. */
static bx_status order_loading(planner *pl, bx_load_placed *v, size_t n, int door_axis,
                               uint32_t *nsteps)
{
    uint32_t *indeg = bx_alloc(pl->ctx, (n + 1) * sizeof *indeg);
    bx_load_placed *out = bx_alloc(pl->ctx, (n + 1) * sizeof *out);
    bool *done = bx_alloc(pl->ctx, (n + 1) * sizeof *done);
    if (!indeg || !out || !done) {
        bx_free(pl->ctx, indeg);
        bx_free(pl->ctx, out);
        bx_free(pl->ctx, done);
        return BX_ENOMEM;
    }
    for (size_t j = 0; j < n; j++) {
        indeg[j] = 0;
        done[j] = false;
        for (size_t i = 0; i < n; i++)
            indeg[j] += i != j && before(&v[i], &v[j], door_axis);
    }
    uint32_t last_block = UINT32_MAX, steps = 0;
    for (size_t k = 0; k < n; k++) {
        size_t best = SIZE_MAX;
        bool best_ready = false;
        for (size_t j = 0; j < n; j++) {
            if (done[j])
                continue;
            bool ready = indeg[j] == 0;
            const bx_load_placed *a = &v[j];
            bool better = best == SIZE_MAX || (ready && !best_ready);
            if (!better && ready == best_ready) {
                const bx_load_placed *b = &v[best];
                uint32_t ra = pl->rank[a->parcel], rb = pl->rank[b->parcel];
                if (ra != rb)
                    better = ra < rb;
                else if (a->pos_mm[door_axis] != b->pos_mm[door_axis])
                    better = a->pos_mm[door_axis] < b->pos_mm[door_axis];
                else if (a->pos_mm[2] != b->pos_mm[2])
                    better = a->pos_mm[2] < b->pos_mm[2];
                else
                    better = a->pos_mm[1 - door_axis] < b->pos_mm[1 - door_axis];
            }
            if (better) {
                best = j;
                best_ready = ready;
            }
        }
        done[best] = true;
        for (size_t j = 0; j < n; j++)
            if (!done[j] && before(&v[best], &v[j], door_axis))
                indeg[j]--;
        out[k] = v[best];
        out[k].seq = (uint32_t)k + 1;
        if (v[best].step != last_block) {
            steps++;
            last_block = v[best].step;
        }
        out[k].step = steps;
    }
    memcpy(v, out, n * sizeof *v);
    *nsteps = steps;
    bx_free(pl->ctx, indeg);
    bx_free(pl->ctx, out);
    bx_free(pl->ctx, done);
    return BX_OK;
}

/* The axles' loads of vehicle v carrying u (a beam on two supports, the
 * lever rule: the rear axle takes m (cog - x1) / (x2 - x1) of the load,
 * the front the rest, each plus its tare). When an axle would be over its
 * limit, the whole load moves along x, within the free length before and
 * behind it, to the nearest position where both are within their limits
 * (the cog's feasible interval below); relative positions, support and
 * loading order are unchanged. If there is none, it stays and is flagged. */
static void axle_loads(const bx_load_vehicle *v, bx_load_used *u, bx_load_placed *pl, size_t n)
{
    double x1 = v->axle_x_mm[0], x2 = v->axle_x_mm[1], span = x2 - x1, m = (double)u->mass_g;
    double max1 = (double)v->axle_max_g[0], max2 = (double)v->axle_max_g[1];
    double t1 = (double)v->axle_tare_g[0], t2 = (double)v->axle_tare_g[1];
    const double eps = 1e-6; /* grams: rounding of the doubles, not a tolerance of the rule */
    u->shift_mm = 0;
    for (int pass = 0; pass < 2; pass++) {
        double rear = m * (u->cog_mm[0] - x1) / span;
        u->axle_g[1] = t2 + rear;
        u->axle_g[0] = t1 + (m - rear);
        u->axle_over = u->axle_g[0] > max1 + eps || u->axle_g[1] > max2 + eps;
        if (!u->axle_over || pass == 1 || n == 0 || m <= 0)
            return;
        /* front within its limit: cog >= x2 - (max1 - t1) span / m; rear:
         * cog <= x1 + (max2 - t2) span / m */
        double lo = x2 - (max1 - t1) * span / m, hi = x1 + (max2 - t2) * span / m;
        int32_t xmin = INT32_MAX, xmax = 0;
        for (size_t i = 0; i < n; i++) {
            if (pl[i].pos_mm[0] < xmin)
                xmin = pl[i].pos_mm[0];
            if (pl[i].pos_mm[0] + pl[i].ext_mm[0] > xmax)
                xmax = pl[i].pos_mm[0] + pl[i].ext_mm[0];
        }
        double dlo = ceil(lo - u->cog_mm[0] - eps), dhi = floor(hi - u->cog_mm[0] + eps);
        if (dlo < -(double)xmin)
            dlo = -(double)xmin;
        if (dhi > (double)(v->inner_mm[0] - xmax))
            dhi = (double)(v->inner_mm[0] - xmax);
        if (dlo > dhi)
            return; /* no position within both limits: flagged */
        double dx = dlo > 0 ? dlo : dhi < 0 ? dhi : 0;
        u->shift_mm = (int32_t)dx;
        for (size_t i = 0; i < n; i++)
            pl[i].pos_mm[0] += u->shift_mm;
        u->cog_mm[0] += dx;
    }
}

/* Record vehicle k's load r (engine coordinates) as the plan's next vehicle. */
static bx_status take(planner *pl, size_t k, const bxi_cl_result *r)
{
    bx_load_plan *plan = pl->plan;
    const bx_load_vehicle *v = &pl->cat[k];
    bool side = v->door == BX_LOAD_DOOR_SIDE;
    bx_status st = bxi_grow(pl->ctx, (void **)&plan->vehicles, &pl->used_cap, plan->nvehicles + 1,
                            sizeof *plan->vehicles, SIZE_MAX / sizeof(bx_load_used), "vehicles");
    if (st == BX_OK)
        st = bxi_grow(pl->ctx, (void **)&plan->placed, &pl->placed_cap, plan->nplaced + r->nboxes,
                      sizeof *plan->placed, SIZE_MAX / sizeof(bx_load_placed), "placed parcels");
    if (st != BX_OK)
        return st;
    bx_load_used *u = &plan->vehicles[plan->nvehicles];
    memset(u, 0, sizeof *u);
    u->vehicle = (uint32_t)k;
    u->first = (uint32_t)plan->nplaced;
    u->n = (uint32_t)r->nboxes;
    bx_load_placed *out = plan->placed + plan->nplaced;
    /* each box takes the first open parcel of its type */
    for (size_t b = 0; b < r->nboxes; b++) {
        const bxi_cl_box *x = &r->boxes[b];
        size_t i = 0;
        while (!(pl->open[i] && pl->type_of[i] == x->type))
            i++;
        pl->open[i] = false;
        bx_load_placed *o = &out[b];
        o->parcel = (uint32_t)i;
        o->pos_mm[0] = side ? x->p[1] : x->p[0];
        o->pos_mm[1] = side ? x->p[0] : x->p[1];
        o->pos_mm[2] = x->p[2];
        o->ext_mm[0] = side ? x->d[1] : x->d[0];
        o->ext_mm[1] = side ? x->d[0] : x->d[1];
        o->ext_mm[2] = x->d[2];
        o->step = x->step;
        const bx_load_parcel *p = &pl->parcels[i];
        double m = (double)p->mass_g;
        for (int a = 0; a < 3; a++)
            u->cog_mm[a] += m * (o->pos_mm[a] + o->ext_mm[a] / 2.0);
        u->mass_g += p->mass_g;
        u->volume_mm3 += (int64_t)o->ext_mm[0] * o->ext_mm[1] * o->ext_mm[2];
    }
    st = order_loading(pl, out, r->nboxes, side ? 1 : 0, &u->nsteps);
    if (st != BX_OK)
        return st;
    for (int a = 0; a < 3; a++)
        u->cog_mm[a] = u->mass_g > 0 ? u->cog_mm[a] / (double)u->mass_g : 0.0;
    u->load_factor_volume = (double)u->volume_mm3 /
                            ((double)v->inner_mm[0] * (double)v->inner_mm[1] * (double)v->inner_mm[2]);
    u->load_factor_mass = v->payload_g > 0 ? (double)u->mass_g / (double)v->payload_g : 0.0;
    if (v->naxles == 2 && v->axle_x_mm[1] != v->axle_x_mm[0])
        axle_loads(v, u, out, r->nboxes);
    plan->nplaced += r->nboxes;
    plan->nvehicles++;
    return BX_OK;
}

static bx_status check_inputs(planner *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        const bx_load_parcel *p = &pl->parcels[i];
        for (int a = 0; a < 3; a++)
            if (p->dim_mm[a] < 1 || p->dim_mm[a] > BX_MAX_LENGTH_MM)
                return bxi_input_error(pl->ctx, BX_EINPUT, &p->where,
                                       "parcel '%s': dimension %d is %d mm (1..%d)", p->id, a + 1,
                                       (int)p->dim_mm[a], BX_MAX_LENGTH_MM);
        if (p->mass_g < 0 || p->mass_g > BX_MAX_MASS_G)
            return bxi_input_error(pl->ctx, BX_EINPUT, &p->where, "parcel '%s': mass %lld g out of range",
                                   p->id, (long long)p->mass_g);
    }
    for (size_t k = 0; k < pl->nv; k++) {
        const bx_load_vehicle *v = &pl->cat[k];
        for (int a = 0; a < 3; a++)
            if (v->inner_mm[a] < 1 || v->inner_mm[a] > BX_MAX_LENGTH_MM)
                return bxi_input_error(pl->ctx, BX_EINPUT, &v->where,
                                       "vehicle '%s': inner dimension %d is %d mm (1..%d)", v->kind,
                                       a + 1, (int)v->inner_mm[a], BX_MAX_LENGTH_MM);
        if (v->payload_g < 0 || v->cost < 0 || !isfinite(v->cost) || v->naxles == 1 || v->naxles > 2)
            return bxi_input_error(pl->ctx, BX_EINPUT, &v->where,
                                   "vehicle '%s': negative payload or cost, or not 0 or 2 axles", v->kind);
        if (v->payload_g == 0) {
            bx_status st = bxi_warn(pl->ctx, &v->where, "vehicle '%s' has payload 0 and is not used", v->kind);
            if (st != BX_OK)
                return st;
        }
    }
    return BX_OK;
}

/* Stops to groups: the highest stop number loads first; stop 0 (none)
 * before all. Missing numbers between 1 and the highest are warned about. */
static bx_status make_ranks(planner *pl)
{
    uint32_t maxs = 0;
    for (size_t i = 0; i < pl->n; i++)
        if (pl->parcels[i].stop > maxs)
            maxs = pl->parcels[i].stop;
    bool none = false;
    for (size_t i = 0; i < pl->n; i++)
        none |= pl->parcels[i].stop == 0;
    /* present stops, compressed */
    uint32_t ngroups = none ? 1 : 0;
    for (uint32_t s = maxs; s >= 1; s--) {
        bool any = false;
        for (size_t i = 0; i < pl->n && !any; i++)
            any = pl->open[i] && pl->parcels[i].stop == s;
        bool listed = false;
        for (size_t i = 0; i < pl->n && !listed; i++)
            listed = pl->parcels[i].stop == s;
        if (!listed) {
            bx_status st = bxi_warn(pl->ctx, NULL, "stop %u has no parcels", s);
            if (st != BX_OK)
                return st;
            continue;
        }
        for (size_t i = 0; i < pl->n; i++)
            if (pl->parcels[i].stop == s)
                pl->rank[i] = ngroups;
        ngroups++;
        (void)any;
    }
    for (size_t i = 0; i < pl->n; i++)
        if (pl->parcels[i].stop == 0)
            pl->rank[i] = 0;
    pl->ngroups = ngroups;
    return BX_OK;
}

/* Duplicates, parcels no vehicle can take, stop ranks, vehicles left. */
static bx_status prefilter(planner *pl)
{
    bx_status st = check_inputs(pl);
    if (st != BX_OK)
        return st;
    for (size_t i = 0; i < pl->n; i++)
        pl->open[i] = true;
    for (size_t i = 0; i < pl->n && st == BX_OK; i++) {
        for (size_t j = 0; j < i; j++)
            if (!strcmp(pl->parcels[j].id, pl->parcels[i].id)) {
                st = unplace(pl, (uint32_t)i, BX_LOAD_DUPLICATE_ID);
                break;
            }
        if (st != BX_OK || !pl->open[i])
            continue;
        bool fits = false, light = false;
        for (size_t k = 0; k < pl->nv; k++) {
            if (pl->cat[k].payload_g == 0 || pl->cat[k].count == 0)
                continue;
            int32_t c[3];
            memcpy(c, pl->cat[k].inner_mm, sizeof c);
            fits |= parcel_fits(&pl->parcels[i], c);
            light |= pl->parcels[i].mass_g <= pl->cat[k].payload_g;
        }
        if (!fits)
            st = unplace(pl, (uint32_t)i, BX_LOAD_TOO_BIG);
        else if (!light)
            st = unplace(pl, (uint32_t)i, BX_LOAD_TOO_HEAVY);
    }
    if (st == BX_OK)
        st = make_ranks(pl);
    for (size_t k = 0; k < pl->nv; k++)
        pl->left[k] = pl->cat[k].payload_g > 0 ? pl->cat[k].count : 0;
    return st;
}

/* Load vehicles one at a time until every open parcel is placed. With
 * seq (nseq kinds), vehicle r is of kind seq[r] and the rounds stop after
 * nseq vehicles, leaving what is left open (the caller judges); without,
 * each vehicle is the greedy choice and parcels left when the vehicles run
 * out are unplaced (no_room). */
static bx_status rounds(planner *pl, const uint32_t *seq, size_t nseq)
{
    bx_status st = BX_OK;
    for (size_t round = 0; st == BX_OK; round++) {
        size_t nopen = 0;
        for (size_t i = 0; i < pl->n; i++)
            nopen += pl->open[i];
        if (!nopen || (seq && round == nseq))
            break;
        bool fixed_any;
        size_t nt = make_types(pl, &fixed_any, false);
        (void)fixed_any;
        int64_t open_g = 0;
        for (size_t i = 0; i < pl->n; i++)
            if (pl->open[i])
                open_g += pl->parcels[i].mass_g;
        long best = -1;
        bool best_all = false, best_merged = false;
        bxi_cl_result best_r = {0};
        for (size_t k = 0; k < pl->nv && st == BX_OK; k++) {
            if (!pl->left[k] || (seq && k != seq[round]))
                continue;
            bxi_cl_result r;
            if ((st = try_vehicle(pl, k, nt, pl->cat[k].payload_g, &r)) != BX_OK)
                break;
            pl->plan->work += r.work;
            bool all = r.nboxes == nopen, merged = false;
            if (!all && open_g <= pl->cat[k].payload_g) {
                /* Before a second vehicle: the parcels that differ only in
                 * mass as one type each (larger blocks), the payload lifted
                 * since all of them are within it. */
                bxi_cl_result r2;
                size_t nt2 = make_types(pl, &fixed_any, true);
                if (nt2 < nt) {
                    if ((st = try_vehicle(pl, k, nt2, INT64_MAX, &r2)) != BX_OK) {
                        bxi_cl_result_free(pl->ctx, &r);
                        break;
                    }
                    pl->plan->work += r2.work;
                    if (r2.nboxes == nopen) {
                        bxi_cl_result_free(pl->ctx, &r);
                        r = r2;
                        all = merged = true;
                    } else
                        bxi_cl_result_free(pl->ctx, &r2);
                }
                make_types(pl, &fixed_any, false);
            }
            bool better = false;
            if (best < 0)
                better = r.nboxes > 0;
            else if (all != best_all)
                better = all;
            else if (all) {
                const bx_load_vehicle *a = &pl->cat[k], *b = &pl->cat[best];
                double va = (double)a->inner_mm[0] * a->inner_mm[1] * a->inner_mm[2];
                double vb = (double)b->inner_mm[0] * b->inner_mm[1] * b->inner_mm[2];
                better = a->cost < b->cost || (a->cost == b->cost && va < vb);
            } else
                better = r.vol > best_r.vol || (r.vol == best_r.vol && pl->cat[k].cost < pl->cat[best].cost);
            if (better) {
                bxi_cl_result_free(pl->ctx, &best_r);
                best_r = r;
                best = (long)k;
                best_all = all;
                best_merged = merged;
            } else
                bxi_cl_result_free(pl->ctx, &r);
        }
        if (st == BX_OK && best < 0) {
            if (seq)
                break;
            for (size_t i = 0; i < pl->n && st == BX_OK; i++)
                if (pl->open[i])
                    st = unplace(pl, (uint32_t)i, BX_LOAD_NO_ROOM);
        } else if (st == BX_OK) {
            if (best_merged)
                make_types(pl, &fixed_any, true);
            st = take(pl, (size_t)best, &best_r);
            pl->left[best]--;
        }
        bxi_cl_result_free(pl->ctx, &best_r);
    }
    return st;
}

/* ---- the fleet ------------------------------------------------------------
 *
 * The greedy rounds give a plan of K vehicles. A fleet that uses fewer, or
 * as many at a lower total cost, then a smaller total inner volume, may
 * exist (the greedy first vehicle is the one that loads the most, which
 * can leave a remainder for a dear vehicle where two cheap ones would
 * do). So the multisets of kinds of at most K vehicles within the counts
 * available that are better than the greedy fleet and could hold the
 * parcels by the sums (inner volume, payload) and by size (every parcel
 * fits some kind of the set) are listed best first, and the first
 * FLEET_TRIES of them are loaded, largest kind first; the first that takes
 * every parcel replaces the greedy plan. */

#define FLEET_TRIES 3u
#define FLEET_NODES 20000u

typedef struct fleet_cand {
    uint32_t *kinds;      /* nk vehicle kinds, largest first */
    size_t nk;
    double cost, vol;
} fleet_cand;

typedef struct fleet {
    planner *pl;
    const bool *fits;     /* fits[i * nv + k]: open parcel i fits kind k */
    uint32_t *cnt;        /* the multiset being built */
    double need_vol, need_g;
    size_t k_greedy;
    double cost_greedy, vol_greedy;
    fleet_cand cand[FLEET_TRIES];
    size_t ncand, nodes;
} fleet;

static double inner_vol(const bx_load_vehicle *v)
{
    return (double)v->inner_mm[0] * (double)v->inner_mm[1] * (double)v->inner_mm[2];
}

static bool cand_less(size_t na, double ca, double va, size_t nb, double cb, double vb)
{
    if (na != nb)
        return na < nb;
    if (ca != cb)
        return ca < cb;
    return va < vb;
}

/* The multiset in f->cnt (nk vehicles) as a candidate, if it may hold
 * the parcels and is among the best FLEET_TRIES so far. */
static bx_status consider(fleet *f, size_t nk, double cost, double vol, double payload)
{
    planner *pl = f->pl;
    /* one vehicle: the greedy first round tried every kind on all of them */
    if (nk < 2 || !cand_less(nk, cost, vol, f->k_greedy, f->cost_greedy, f->vol_greedy) ||
        vol < f->need_vol || payload < f->need_g)
        return BX_OK;
    if (f->ncand == FLEET_TRIES) {
        const fleet_cand *w = &f->cand[FLEET_TRIES - 1];
        if (!cand_less(nk, cost, vol, w->nk, w->cost, w->vol))
            return BX_OK;
    }
    for (size_t i = 0; i < pl->n; i++) {
        if (!pl->open[i])
            continue;
        bool any = false;
        for (size_t k = 0; k < pl->nv && !any; k++)
            any = f->cnt[k] && f->fits[i * pl->nv + k] && pl->parcels[i].mass_g <= pl->cat[k].payload_g;
        if (!any)
            return BX_OK;
    }
    /* insert in order, dropping the last when full */
    size_t at = f->ncand;
    while (at > 0 && cand_less(nk, cost, vol, f->cand[at - 1].nk, f->cand[at - 1].cost, f->cand[at - 1].vol))
        at--;
    if (at >= FLEET_TRIES)
        return BX_OK;
    uint32_t *kinds = bx_alloc(pl->ctx, (nk + 1) * sizeof *kinds);
    if (!kinds)
        return BX_ENOMEM;
    size_t m = 0;
    /* largest inner volume first, then catalog order */
    for (size_t j = 0; j < nk; j++) {
        long best = -1;
        for (size_t k = 0; k < pl->nv; k++) {
            uint32_t used = 0;
            for (size_t q = 0; q < m; q++)
                used += kinds[q] == k;
            if (used < f->cnt[k] && (best < 0 || inner_vol(&pl->cat[k]) > inner_vol(&pl->cat[best])))
                best = (long)k;
        }
        kinds[m++] = (uint32_t)best;
    }
    if (f->ncand == FLEET_TRIES) {
        bx_free(pl->ctx, f->cand[FLEET_TRIES - 1].kinds);
        f->ncand--;
    }
    memmove(&f->cand[at + 1], &f->cand[at], (f->ncand - at) * sizeof f->cand[0]);
    f->cand[at] = (fleet_cand){kinds, nk, cost, vol};
    f->ncand++;
    return BX_OK;
}

/* Every multiset of kinds k0.. with nk vehicles so far, up to k_greedy. */
static bx_status enumerate(fleet *f, size_t k0, size_t nk, double cost, double vol, double payload)
{
    planner *pl = f->pl;
    if (++f->nodes > FLEET_NODES)
        return BX_OK;
    if (nk > 0) {
        bx_status st = consider(f, nk, cost, vol, payload);
        if (st != BX_OK)
            return st;
    }
    if (nk == f->k_greedy)
        return BX_OK;
    for (size_t k = k0; k < pl->nv; k++) {
        if (f->cnt[k] >= pl->left[k])
            continue;
        const bx_load_vehicle *v = &pl->cat[k];
        f->cnt[k]++;
        bx_status st = enumerate(f, k, nk + 1, cost + v->cost, vol + inner_vol(v), payload + (double)v->payload_g);
        f->cnt[k]--;
        if (st != BX_OK)
            return st;
    }
    return BX_OK;
}

/* After the greedy rounds (every parcel placed or listed by prefilter):
 * look for a better fleet and load it if it takes every parcel. open0
 * and left0 are the state the greedy rounds started from. */
static bx_status better_fleet(planner *pl, const bool *open0, const uint32_t *left0)
{
    bx_load_plan *plan = pl->plan;
    size_t K = plan->nvehicles;
    if (K < 2 || pl->n > 100000 || pl->nv > 64)
        return BX_OK;
    fleet f;
    memset(&f, 0, sizeof f);
    f.pl = pl;
    f.k_greedy = K;
    for (size_t j = 0; j < K; j++) {
        f.cost_greedy += pl->cat[plan->vehicles[j].vehicle].cost;
        f.vol_greedy += inner_vol(&pl->cat[plan->vehicles[j].vehicle]);
    }
    memcpy(pl->open, open0, pl->n * sizeof *pl->open);
    memcpy(pl->left, left0, pl->nv * sizeof *pl->left);
    bool *fits = bx_alloc(pl->ctx, (pl->n * pl->nv + 1) * sizeof *fits);
    f.cnt = bx_alloc(pl->ctx, (pl->nv + 1) * sizeof *f.cnt);
    bx_status st = fits && f.cnt ? BX_OK : BX_ENOMEM;
    if (st == BX_OK) {
        memset(f.cnt, 0, (pl->nv + 1) * sizeof *f.cnt);
        for (size_t i = 0; i < pl->n; i++) {
            if (!pl->open[i])
                continue;
            const bx_load_parcel *p = &pl->parcels[i];
            f.need_vol += (double)p->dim_mm[0] * (double)p->dim_mm[1] * (double)p->dim_mm[2];
            f.need_g += (double)p->mass_g;
            for (size_t k = 0; k < pl->nv; k++) {
                int32_t c[3];
                memcpy(c, pl->cat[k].inner_mm, sizeof c);
                fits[i * pl->nv + k] = parcel_fits(p, c);
            }
        }
        f.fits = fits;
        st = enumerate(&f, 0, 0, 0.0, 0.0, 0.0);
    }
    size_t nv0 = plan->nvehicles, np0 = plan->nplaced;
    for (size_t c = 0; c < f.ncand && st == BX_OK; c++) {
        memcpy(pl->open, open0, pl->n * sizeof *pl->open);
        memcpy(pl->left, left0, pl->nv * sizeof *pl->left);
        st = rounds(pl, f.cand[c].kinds, f.cand[c].nk);
        if (st != BX_OK)
            break;
        bool all = true;
        for (size_t i = 0; i < pl->n && all; i++)
            all = !pl->open[i];
        if (all) {
            /* the candidate's vehicles replace the greedy ones */
            size_t nvc = plan->nvehicles - nv0, npc = plan->nplaced - np0;
            memmove(plan->placed, plan->placed + np0, npc * sizeof *plan->placed);
            memmove(plan->vehicles, plan->vehicles + nv0, nvc * sizeof *plan->vehicles);
            for (size_t j = 0; j < nvc; j++)
                plan->vehicles[j].first -= (uint32_t)np0;
            plan->nvehicles = nvc;
            plan->nplaced = npc;
            break;
        }
        plan->nvehicles = nv0;
        plan->nplaced = np0;
    }
    for (size_t i = 0; i < pl->n; i++)
        pl->open[i] = false;
    for (size_t c = 0; c < f.ncand; c++)
        bx_free(pl->ctx, f.cand[c].kinds);
    bx_free(pl->ctx, fits);
    bx_free(pl->ctx, f.cnt);
    return st;
}

static bx_status plan_run(planner *pl)
{
    bx_status st = prefilter(pl);
    if (st != BX_OK)
        return st;
    bool *open0 = bx_alloc(pl->ctx, (pl->n + 1) * sizeof *open0);
    uint32_t *left0 = bx_alloc(pl->ctx, (pl->nv + 1) * sizeof *left0);
    if (!open0 || !left0) {
        bx_free(pl->ctx, open0);
        bx_free(pl->ctx, left0);
        return BX_ENOMEM;
    }
    memcpy(open0, pl->open, pl->n * sizeof *open0);
    memcpy(left0, pl->left, pl->nv * sizeof *left0);
    size_t unplaced0 = pl->plan->nunplaced;
    st = rounds(pl, NULL, 0);
    /* a better fleet only when the greedy one took every parcel it could */
    if (st == BX_OK && pl->plan->nunplaced == unplaced0 && !pl->opt.one_at_a_time)
        st = better_fleet(pl, open0, left0);
    bx_free(pl->ctx, open0);
    bx_free(pl->ctx, left0);
    return st;
}

bx_status bx_load_plan_make(bx_ctx *ctx, const bx_load_parcel *parcels, size_t n,
                            const bx_load_vehicle *catalog, size_t nv, const bx_load_options *opt,
                            bx_load_plan *out)
{
    if (!ctx || !out || (n && !parcels) || (nv && !catalog))
        return ctx ? bxi_error(ctx, BX_EINVAL, "bx_load_plan_make: NULL argument") : BX_EINVAL;
    memset(out, 0, sizeof *out);
    if (n > UINT32_MAX / 2)
        return bxi_error(ctx, BX_ELIMIT, "too many parcels (%zu)", n);
    planner pl = {0};
    pl.ctx = ctx;
    pl.parcels = parcels;
    pl.n = n;
    pl.cat = catalog;
    pl.nv = nv;
    pl.plan = out;
    if (opt)
        pl.opt = *opt;
    else
        bx_load_options_init(&pl.opt);
    pl.rank = bx_alloc(ctx, (n + 1) * sizeof *pl.rank);
    pl.open = bx_alloc(ctx, (n + 1) * sizeof *pl.open);
    pl.type_of = bx_alloc(ctx, (n + 1) * sizeof *pl.type_of);
    pl.types = bx_alloc(ctx, (n + 1) * sizeof *pl.types);
    pl.left = bx_alloc(ctx, (nv + 1) * sizeof *pl.left);
    pl.first = bx_alloc(ctx, (n + 1) * sizeof *pl.first);
    bx_status st = pl.rank && pl.open && pl.type_of && pl.types && pl.left && pl.first ? BX_OK : BX_ENOMEM;
    if (st == BX_OK) {
        memset(pl.rank, 0, (n + 1) * sizeof *pl.rank);
        st = plan_run(&pl);
    }
    bx_free(ctx, pl.rank);
    bx_free(ctx, pl.open);
    bx_free(ctx, pl.type_of);
    bx_free(ctx, pl.types);
    bx_free(ctx, pl.left);
    bx_free(ctx, pl.first);
    if (st != BX_OK)
        bx_load_plan_free(ctx, out);
    return st;
}

void bx_load_plan_free(bx_ctx *ctx, bx_load_plan *plan)
{
    if (!plan)
        return;
    bx_free(ctx, plan->vehicles);
    bx_free(ctx, plan->placed);
    bx_free(ctx, plan->unplaced);
    memset(plan, 0, sizeof *plan);
}
