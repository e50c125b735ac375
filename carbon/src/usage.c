/*
 * usage.c: the real usage of reusable container types (a pool's records),
 * summed per type and matched to the containers table (method 7).
 *
 * The amortisation itself is in packaging.c; here are the sums and the
 * checks: which types have real figures, which rows keep their expected
 * trips, and whether the figures a caller passed can be true.
 */
#include <string.h>

#include "calc_internal.h"

bx_status bx_container_usage_init(bx_container_usage *u, const char *container_id)
{
    if (u == NULL)
        return BX_EINVAL;
    memset(u, 0, sizeof *u);
    if (container_id == NULL || strlen(container_id) >= sizeof u->container_id)
        return BX_EINVAL;
    strcpy(u->container_id, container_id);
    return BX_OK;
}

/* Counts from a pool of millions of containers cannot reach 2^64, but a
 * caller's figures might: saturate rather than wrap. */
static void add_sat(uint64_t *a, uint64_t b)
{
    *a = *a > UINT64_MAX - b ? UINT64_MAX : *a + b;
}

void bx_container_usage_add(bx_container_usage *u, int32_t expected_trips,
                            const bx_container_life *life)
{
    if (u == NULL || life == NULL)
        return;
    add_sat(&u->containers, 1);
    add_sat(&u->trips_done, life->trips);
    add_sat(&u->returns, life->returns);
    add_sat(&u->washes, life->washes);
    if (life->lost_on_trip)
        add_sat(&u->lost, 1);
    if (life->ended)
        add_sat(&u->ended, 1);
    else if (expected_trips > 0 && (uint32_t)expected_trips > life->trips)
        add_sat(&u->trips_remaining, (uint32_t)expected_trips - life->trips);
}

static bx_status usage_problem(bx_carbon *c, const bx_container_usage *u)
{
    if (u->ended > u->containers)
        return bxi_error(c->ctx, BX_EINVAL, "usage of '%s': %llu ended of %llu containers",
                        u->container_id, (unsigned long long)u->ended,
                        (unsigned long long)u->containers);
    if (u->returns > u->trips_done || u->lost > u->trips_done - u->returns)
        return bxi_error(c->ctx, BX_EINVAL, "usage of '%s': %llu returned and %llu lost of "
                                           "%llu trips",
                        u->container_id, (unsigned long long)u->returns,
                        (unsigned long long)u->lost, (unsigned long long)u->trips_done);
    return BX_OK;
}

bx_status bxi_carbon_match_usage(bx_carbon *c, const bx_container_usage ***out)
{
    *out = NULL;
    const bx_carbon_options *o = &c->opt;
    if (o->nusage == 0)
        return BX_OK;
    if (o->usage == NULL)
        return bxi_error(c->ctx, BX_EINVAL, "bx_carbon_new: usage is NULL");
    if (o->trips > 0)
        return bxi_error(c->ctx, BX_EINVAL, "bx_carbon_new: trips and real usage cannot "
                                           "be used together");
    size_t n = bx_containers_count(o->containers);
    const bx_container_usage **row = NULL;
    if (n > 0) {
        row = bx_alloc(c->ctx, n * sizeof *row);
        if (row == NULL)
            return BX_ENOMEM;
        memset(row, 0, n * sizeof *row);
    }
    const char *file = bxi_carbon_containers_name(o->containers);
    bx_status st = BX_OK;
    for (size_t i = 0; st == BX_OK && i < o->nusage; i++) {
        const bx_container_usage *u = &o->usage[i];
        if (memchr(u->container_id, '\0', sizeof u->container_id) == NULL ||
            u->container_id[0] == '\0') {
            st = bxi_error(c->ctx, BX_EINVAL, "bx_carbon_new: usage %zu has no type id", i);
            break;
        }
        if ((st = usage_problem(c, u)) != BX_OK)
            break;
        const bx_container *k = bx_containers_find(o->containers, u->container_id);
        if (k == NULL) {
            st = bxi_warn(c->ctx, NULL, "container type '%s' (%llu containers in the pool) "
                                       "has no row in %s: its real trips are not used",
                         u->container_id, (unsigned long long)u->containers,
                         o->containers != NULL ? file : "the containers table (none given)");
            continue;
        }
        size_t at = (size_t)(k - bx_containers_at(o->containers, 0));
        if (row[at] != NULL)
            st = bxi_error(c->ctx, BX_EINVAL, "bx_carbon_new: usage of '%s' given twice",
                          u->container_id);
        row[at] = u;
    }
    for (size_t i = 0; st == BX_OK && i < n; i++) {
        const bx_container *k = bx_containers_at(o->containers, i);
        if (row[i] != NULL && row[i]->containers > 0)
            continue;
        row[i] = NULL;
        bx_location at = {.file = file, .line = k->line, .field = "container_id"};
        st = bxi_warn(c->ctx, &at, "container '%s' has no containers in the pool: amortised "
                                  "over its expected %d trips",
                     k->container_id, (int)k->trips);
    }
    if (st != BX_OK) {
        bx_free(c->ctx, row);
        return st;
    }
    *out = row;
    return BX_OK;
}
