/*
 * load_plan_check.c: bx_load_plan_check, a check of a vehicle loading plan
 * from the plan alone (see boxcar/load.h for the list).
 *
 * Loads are passed down as bx_validate does for boxes: each parcel, from
 * the top down, passes its mass plus what it carries to the parcels its
 * base rests on, in proportion to the contact areas. "Door-wards" means
 * towards the door wall (x = length for a rear door, y = width for a side
 * door) with the other two projections overlapping.
 */
#include <stdlib.h>
#include <string.h>

#include "boxcar/load.h"
#include "load_internal.h"

static int64_t ov(int32_t a, int32_t da, int32_t b, int32_t db)
{
    int32_t lo = a > b ? a : b, hi = a + da < b + db ? a + da : b + db;
    return hi > lo ? hi - lo : 0;
}

/* b lies between a and the door (axis d) or above a. */
static bool blocks(const bx_load_placed *a, const bx_load_placed *b, int d)
{
    int o = 1 - d;
    int64_t oo = ov(a->pos_mm[o], a->ext_mm[o], b->pos_mm[o], b->ext_mm[o]);
    int64_t od = ov(a->pos_mm[d], a->ext_mm[d], b->pos_mm[d], b->ext_mm[d]);
    int64_t oz = ov(a->pos_mm[2], a->ext_mm[2], b->pos_mm[2], b->ext_mm[2]);
    if (oo && oz && b->pos_mm[d] >= a->pos_mm[d] + a->ext_mm[d])
        return true;
    return oo && od && b->pos_mm[2] >= a->pos_mm[2] + a->ext_mm[2];
}

static bool orientation_ok(const bx_load_parcel *p, const int32_t e[3])
{
    static const int perm[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1}, {2, 0, 1}, {1, 2, 0}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
        const int *q = perm[o];
        if (e[0] != p->dim_mm[q[0]] || e[1] != p->dim_mm[q[1]] || e[2] != p->dim_mm[q[2]])
            continue;
        if (p->rotation == BX_ROTATE_ANY)
            return true;
        if (p->rotation == BX_ROTATE_UPRIGHT && q[2] == 2)
            return true;
        if (p->rotation == BX_ROTATE_FIXED && o == 0)
            return true;
    }
    return false;
}

static bx_status defect(bx_ctx *ctx, const char *what, size_t vehicle, const bx_load_parcel *p,
                        const bx_load_parcel *q)
{
    return bxi_error(ctx, BX_EINPUT, "vehicle %zu: parcel '%s'%s%s%s: %s", vehicle + 1, p->id,
                     q ? " and parcel '" : "", q ? q->id : "", q ? "'" : "", what);
}

static bx_status check_vehicle(bx_ctx *ctx, const bx_load_parcel *parcels,
                               const bx_load_vehicle *v, size_t vi, bx_load_support support,
                               const bx_load_used *u, const bx_load_placed *pl, double *load)
{
    int d = v->door == BX_LOAD_DOOR_SIDE ? 1 : 0;
    int64_t vol = 0, mass = 0;
    for (uint32_t i = 0; i < u->n; i++) {
        const bx_load_placed *a = &pl[i];
        const bx_load_parcel *p = &parcels[a->parcel];
        if (a->seq != i + 1)
            return defect(ctx, "loading sequence numbers are not 1, 2, ...", vi, p, NULL);
        if (i && (a->step < pl[i - 1].step || a->step > pl[i - 1].step + 1))
            return defect(ctx, "loading steps do not count up by one", vi, p, NULL);
        for (int k = 0; k < 3; k++)
            if (a->pos_mm[k] < 0 || a->pos_mm[k] + a->ext_mm[k] > v->inner_mm[k])
                return defect(ctx, "outside the vehicle", vi, p, NULL);
        if (!orientation_ok(p, a->ext_mm))
            return defect(ctx, "in an orientation its rotation rule does not allow", vi, p, NULL);
        vol += (int64_t)a->ext_mm[0] * a->ext_mm[1] * a->ext_mm[2];
        mass += p->mass_g;
        int64_t carried = 0;
        for (uint32_t j = 0; j < u->n; j++) {
            if (j == i)
                continue;
            const bx_load_placed *b = &pl[j];
            const bx_load_parcel *q = &parcels[b->parcel];
            int64_t ox = ov(a->pos_mm[0], a->ext_mm[0], b->pos_mm[0], b->ext_mm[0]);
            int64_t oy = ov(a->pos_mm[1], a->ext_mm[1], b->pos_mm[1], b->ext_mm[1]);
            int64_t oz = ov(a->pos_mm[2], a->ext_mm[2], b->pos_mm[2], b->ext_mm[2]);
            if (ox && oy && oz)
                return defect(ctx, "overlap", vi, p, q);
            if (b->pos_mm[2] + b->ext_mm[2] == a->pos_mm[2])
                carried += ox * oy;
            if (p->fragile && ox && oy && b->pos_mm[2] >= a->pos_mm[2] + a->ext_mm[2])
                return defect(ctx, "lies above the fragile one", vi, p, q);
            if (j < i && blocks(a, b, d))
                return defect(ctx, "loaded earlier but lies between the later one and the door or above it", vi, p, q);
            uint32_t sp = p->stop ? p->stop : UINT32_MAX, sq = q->stop ? q->stop : UINT32_MAX;
            if (sq > sp && blocks(a, b, d))
                return defect(ctx, "a later stop's parcel blocks it (above it or between it and the door)", vi, p, q);
        }
        int64_t base = (int64_t)a->ext_mm[0] * a->ext_mm[1];
        if (support != BX_LOAD_SUPPORT_NONE && a->pos_mm[2] > 0 && carried != base)
            return defect(ctx, "its base is not fully carried", vi, p, NULL);
    }
    if (vol != u->volume_mm3 || mass != u->mass_g)
        return bxi_error(ctx, BX_EINPUT, "vehicle %zu: totals do not add up", vi + 1);
    if (mass > v->payload_g)
        return bxi_error(ctx, BX_EINPUT, "vehicle %zu: load %lld g over payload %lld g", vi + 1,
                         (long long)mass, (long long)v->payload_g);
    /* load-bearing, top down (by top height, highest first) */
    for (uint32_t i = 0; i < u->n; i++)
        load[i] = 0;
    bool *done = (bool *)(load + u->n);
    memset(done, 0, u->n * sizeof *done);
    for (uint32_t k = 0; k < u->n; k++) {
        uint32_t top = UINT32_MAX;
        for (uint32_t i = 0; i < u->n; i++)
            if (!done[i] && (top == UINT32_MAX || pl[i].pos_mm[2] > pl[top].pos_mm[2]))
                top = i;
        done[top] = true;
        const bx_load_placed *a = &pl[top];
        const bx_load_parcel *p = &parcels[a->parcel];
        if (p->max_load_g >= 0 && load[top] > (double)p->max_load_g + 1e-6)
            return defect(ctx, "carries more than its max_load_g", vi, p, NULL);
        if (a->pos_mm[2] == 0)
            continue;
        int64_t area = 0;
        for (uint32_t j = 0; j < u->n; j++) {
            const bx_load_placed *b = &pl[j];
            if (b->pos_mm[2] + b->ext_mm[2] == a->pos_mm[2])
                area += ov(a->pos_mm[0], a->ext_mm[0], b->pos_mm[0], b->ext_mm[0]) *
                        ov(a->pos_mm[1], a->ext_mm[1], b->pos_mm[1], b->ext_mm[1]);
        }
        for (uint32_t j = 0; j < u->n && area > 0; j++) {
            const bx_load_placed *b = &pl[j];
            if (b->pos_mm[2] + b->ext_mm[2] != a->pos_mm[2])
                continue;
            int64_t c = ov(a->pos_mm[0], a->ext_mm[0], b->pos_mm[0], b->ext_mm[0]) *
                        ov(a->pos_mm[1], a->ext_mm[1], b->pos_mm[1], b->ext_mm[1]);
            load[j] += ((double)p->mass_g + load[top]) * (double)c / (double)area;
        }
    }
    return BX_OK;
}

bx_status bx_load_plan_check(bx_ctx *ctx, const bx_load_parcel *parcels, size_t n,
                             const bx_load_vehicle *catalog, size_t nv, bx_load_support support,
                             const bx_load_plan *plan)
{
    if (!ctx || !plan || (n && !parcels) || (nv && !catalog))
        return ctx ? bxi_error(ctx, BX_EINVAL, "bx_load_plan_check: NULL argument") : BX_EINVAL;
    uint8_t *seen = bx_alloc(ctx, n + 1);
    /* loads (double) then a bool per parcel, for the largest vehicle */
    double *load = bx_alloc(ctx, (n + 1) * (sizeof(double) + sizeof(bool)) + sizeof(double));
    uint32_t *used = bx_alloc(ctx, (nv + 1) * sizeof *used);
    bx_status st = seen && load && used ? BX_OK : BX_ENOMEM;
    if (st == BX_OK) {
        memset(seen, 0, n + 1);
        memset(used, 0, (nv + 1) * sizeof *used);
    }
    size_t next = 0;
    for (size_t k = 0; k < plan->nvehicles && st == BX_OK; k++) {
        const bx_load_used *u = &plan->vehicles[k];
        if (u->vehicle >= nv || u->first != next || u->first + (size_t)u->n > plan->nplaced) {
            st = bxi_error(ctx, BX_EINPUT, "vehicle %zu: bad kind or parcel slice", k + 1);
            break;
        }
        if (++used[u->vehicle] > catalog[u->vehicle].count) {
            st = bxi_error(ctx, BX_EINPUT, "vehicle %zu: more '%s' than available", k + 1,
                           catalog[u->vehicle].kind);
            break;
        }
        next += u->n;
        for (uint32_t i = 0; i < u->n && st == BX_OK; i++) {
            uint32_t pi = plan->placed[u->first + i].parcel;
            if (pi >= n || seen[pi]++)
                st = bxi_error(ctx, BX_EINPUT, "vehicle %zu: parcel %u placed twice or unknown", k + 1, pi);
        }
        if (st == BX_OK)
            st = check_vehicle(ctx, parcels, &catalog[u->vehicle], k, support, u, plan->placed + u->first,
                               load);
    }
    if (st == BX_OK && next != plan->nplaced)
        st = bxi_error(ctx, BX_EINPUT, "placed parcels outside every vehicle's slice");
    for (size_t i = 0; i < plan->nunplaced && st == BX_OK; i++) {
        uint32_t pi = plan->unplaced[i].parcel;
        if (pi >= n || seen[pi]++)
            st = bxi_error(ctx, BX_EINPUT, "unplaced parcel %u listed twice, placed, or unknown", pi);
    }
    for (size_t i = 0; i < n && st == BX_OK; i++)
        if (!seen[i])
            st = bxi_error(ctx, BX_EINPUT, "parcel '%s' is neither placed nor listed unplaced", parcels[i].id);
    bx_free(ctx, seen);
    bx_free(ctx, load);
    bx_free(ctx, used);
    return st;
}
