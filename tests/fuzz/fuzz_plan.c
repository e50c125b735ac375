/*
 * fuzz_plan.c: libFuzzer target for the links file of rebalancing plans
 * (bx_links_read_mem), in CSV, JSON or CBOR (found from its bytes), and
 * for the plan behind it.
 *
 * A file that is refused must leave nothing behind. A file that is read
 * drives a plan over (up to) its first eight stations, whose stock, need
 * and safety come from the input's bytes: the plan must keep its
 * promises whatever the network: no station gives more than its surplus,
 * each station's shortfall is what is left of its need after the moves,
 * the totals add up, and costs are not negative. Nothing may crash, leak
 * or trip a sanitizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_plan(const bx_plan *p)
{
    int64_t moved = 0, shortfall = 0;
    for (size_t k = 0; k < p->nmoves; k++) {
        const bx_plan_move *m = &p->moves[k];
        if (m->from >= p->nstations || m->to >= p->nstations || m->from == m->to ||
            m->containers <= 0 || !(m->cost >= 0) || !(m->distance_km > 0) || m->hops < 1)
            abort();
        moved += m->containers;
    }
    for (size_t i = 0; i < p->nstations; i++) {
        const bx_plan_station *s = &p->stations[i];
        int64_t want = s->need + s->safety;
        int64_t surplus = s->stock > want ? s->stock - want : 0;
        int64_t after = s->stock - p->departures[i] + p->arrivals[i];
        if (p->departures[i] > surplus || (p->departures[i] > 0 && p->arrivals[i] > 0) ||
            p->shortfall[i] != (after < want ? want - after : 0))
            abort();
        shortfall += p->shortfall[i];
    }
    if (moved != p->moved || shortfall != p->shortfall_total || !(p->cost >= 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    bx_links *links = (bx_links *)&links;
    bx_status st = bx_links_read_mem(ctx, &links, "fuzz", data, size);
    if (st != BX_OK) {
        if (links != NULL)
            abort();
        bx_ctx_free(ctx);
        return 0;
    }
    /* the public API does not list a network's stations: plan over the
     * ids the seeds use, "A".."H", those the input links, each with
     * figures taken from the input's bytes */
    static const char *const ids[8] = {"A", "B", "C", "D", "E", "F", "G", "H"};
    bx_plan_station s[8];
    size_t n = 0;
    for (size_t i = 0; i < 8; i++) {
        if (!bx_links_has_station(links, ids[i]))
            continue;
        memset(&s[n], 0, sizeof s[n]);
        strcpy(s[n].station_id, ids[i]);
        uint8_t b = size ? data[(i * 7) % size] : 0;
        s[n].stock = b % 13;
        s[n].need = (b >> 4) % 5;
        s[n].safety = (b >> 2) % 3;
        n++;
    }
    if (n > 0) {
        bx_plan *p = NULL;
        if (bx_plan_solve(ctx, s, n, links, &p) == BX_OK)
            check_plan(p);
        else if (p != NULL)
            abort();
        bx_plan_free(ctx, p);
    }
    bx_links_free(links);
    bx_ctx_free(ctx);
    return 0;
}
