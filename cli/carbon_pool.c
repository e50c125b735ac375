/*
 * carbon_pool.c: the pool's records as the carbon calculator's data. The
 * carbon library knows nothing of pools (cartonize and carbon do not
 * include each other): this is where the two meet.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "carbon_pool.h"

#if BOXCAR_HAVE_CBOR

/* What one container did, in the carbon module's terms. A lost container
 * that was found again came back (its trip counts as returned) and is
 * live. */
static bx_container_life life_of(const bx_container_info *c)
{
    bx_container_life l;
    memset(&l, 0, sizeof l);
    l.trips = c->issues;
    l.returns = c->trips;
    l.washes = c->washes;
    l.ended = c->state == BX_CS_RETIRED || c->state == BX_CS_LOST;
    l.lost_on_trip = c->state == BX_CS_LOST && c->issued_s != 0;
    return l;
}

static void journal_notes(const char *journal, const bx_journal_info *info)
{
    if (info == NULL)
        return;
    if (info->damaged)
        fprintf(stderr, "warning: %s: the pool's figures are those up to record %" PRIu64
                        ", before the damage ('boxcar containers verify --repair -j %s' "
                        "cuts it there)\n",
                journal, info->last_seq, journal);
    else if (info->torn_bytes > 0)
        fprintf(stderr, "warning: %s: %" PRIu64 " bytes at the end are no complete record "
                        "(a writer at work, or a crash): not counted\n",
                journal, info->torn_bytes);
}

static bx_status out_of_memory(bool *printed)
{
    fprintf(stderr, "boxcar carbon: out of memory\n");
    *printed = true;
    return BX_ENOMEM;
}

bx_status cli_pool_usage(bx_ctx *ctx, const char *journal, const bx_catalog *catalog,
                         const bx_containers *containers, bx_container_usage **usage,
                         size_t *n, bool *printed)
{
    *usage = NULL;
    *n = 0;
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = true;
    o.journal.create = false;
    bx_pool *pool = NULL;
    bx_status st = bx_pool_open(ctx, &pool, journal, catalog, &o);
    if (st != BX_OK)
        return st;
    journal_notes(journal, bx_pool_journal_info(pool));
    size_t ntypes = bx_pool_type_count(pool);
    bx_container_usage *u = calloc(ntypes ? ntypes : 1, sizeof *u);
    int32_t *expected = calloc(ntypes ? ntypes : 1, sizeof *expected);
    if (u == NULL || expected == NULL) {
        free(u);
        free(expected);
        bx_pool_close(pool);
        return out_of_memory(printed);
    }
    for (size_t t = 0; t < ntypes; t++) {
        const char *type = bx_pool_type(pool, t);
        (void)bx_container_usage_init(&u[t], type); /* pool ids fit BX_ID_MAX */
        const bx_container *k = bx_containers_find(containers, type);
        expected[t] = k != NULL ? k->trips : 0;
    }
    /* Types are few: a linear match per container costs less than a map. */
    for (size_t i = 0; i < bx_pool_count(pool); i++) {
        bx_container_info c;
        if (bx_pool_at(pool, i, &c) != BX_OK)
            continue;
        for (size_t t = 0; t < ntypes; t++) {
            if (strcmp(u[t].container_id, c.type_id) != 0)
                continue;
            bx_container_life l = life_of(&c);
            bx_container_usage_add(&u[t], expected[t], &l);
            break;
        }
    }
    free(expected);
    bx_pool_close(pool);
    *usage = u;
    *n = ntypes;
    return BX_OK;
}

#else

bx_status cli_pool_usage(bx_ctx *ctx, const char *journal, const bx_catalog *catalog,
                         const bx_containers *containers, bx_container_usage **usage,
                         size_t *n, bool *printed)
{
    (void)ctx;
    (void)journal;
    (void)catalog;
    (void)containers;
    *usage = NULL;
    *n = 0;
    fprintf(stderr, "boxcar carbon: --pool needs a build with CBOR (the pool's journal "
                    "is CBOR)\n");
    *printed = true;
    return BX_EUNSUPPORTED;
}

#endif
