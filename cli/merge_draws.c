/*
 * merge_draws.c: `boxcar merge` over per-draw totals (`boxcar carbon
 * --draws`): the shards' draws add up, exactly, to the single run's, and
 * so does the interval of the run's total made from them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "merge_draws.h"

bool merge_draws_is(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return false; /* the totals reader says what is wrong */
    char head[6] = {0};
    size_t n = fread(head, 1, 5, fp);
    fclose(fp);
    return n == 5 && (memcmp(head, "draw,", 5) == 0 || memcmp(head, "draw\r", 5) == 0 ||
                      memcmp(head, "draw\n", 5) == 0);
}

bool merge_draws_match(const bx_draw_totals *d, bx_carbon_totals *t)
{
    bx_draw_totals_info info = bx_draw_totals_info_get(d);
    const char *key;
    bx_carbon_sum all;
    if (bx_carbon_totals_row(t, BX_BY_ALL, 0, &key, &all) != BX_OK)
        return false;
    if (strcmp(info.set_id, bx_carbon_totals_set_id(t)) != 0 ||
        strcmp(info.set_version, bx_carbon_totals_set_version(t)) != 0) {
        fprintf(stderr, "boxcar merge: the draws are of factor set %s %s, the totals of %s "
                        "%s\n",
                info.set_id, info.set_version, bx_carbon_totals_set_id(t),
                bx_carbon_totals_set_version(t));
        return false;
    }
    if (info.shipments != all.shipments) {
        fprintf(stderr, "boxcar merge: the draws cover %" PRId64 " shipments, the totals %" PRId64
                        ": give the draws of every shard whose totals are merged, and only "
                        "those\n",
                info.shipments, all.shipments);
        return false;
    }
    return true;
}

void merge_draws_summary(const bx_draw_totals *d)
{
    bx_draw_totals_info info = bx_draw_totals_info_get(d);
    bx_interval total;
    if (bx_draw_totals_interval(d, &total) != BX_OK)
        return;
    /* the words and figures of `boxcar carbon`'s summary */
    fprintf(stderr, "  factor uncertainty (%u draws, seed %" PRIu64 "): mean %.3f kg, "
                    "95 %% interval %.3f .. %.3f kg WTW\n",
            (unsigned)info.draws, info.seed, total.mean_g / 1000, total.lo_g / 1000,
            total.hi_g / 1000);
}
