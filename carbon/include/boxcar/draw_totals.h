/*
 * boxcar/draw_totals.h: the run total of every Monte Carlo draw, in whole
 * milligrams, so that the total's interval can be merged across shards.
 *
 * A percentile of a sum cannot be had from the shards' percentiles; the
 * draws themselves can be added. Draw d of a shipment is rounded to the
 * milligram (as the totals round each figure) and added, as an integer,
 * into draw d of the run: so the draw totals of shards run with the same
 * seed add up to those of one run over all their shipments, exactly and in
 * any order, and the interval made from them is the same bytes.
 *
 * When the run keeps intervals by a group (bx_uncertainty_by: route,
 * month, mode or packaging), each key's draws are kept the same way: a
 * shipment's draw (by mode, each part of it) rounded to the mg and added
 * into its key's, so the shards' keys merge into the single run's too.
 *
 * The file (bx_draw_totals_write) is CSV with one row per draw:
 *   draw,total_wtw_mg,draws,seed,shipments,factor_set,factor_version
 * draw counts 1..draws in order; every row repeats the number of draws,
 * the seed, the shipments added (the run's) and the factor set, so a file
 * is self-describing. With a group, two more columns, group and key: the
 * run's draws first (group "all", key empty), then each key's draws 1..N
 * (group "month", key "2025-03"), keys in byte order. Files of another
 * seed, number of draws, factor set or group are refused when merged:
 * they are other worlds, not shards of one.
 *
 * Builds without GSL read, merge and write draw totals, but cannot make
 * them (bx_uncertainty_draw_totals returns BX_EUNSUPPORTED).
 */
#ifndef BOXCAR_DRAW_TOTALS_H
#define BOXCAR_DRAW_TOTALS_H

#include <stdint.h>

#include "boxcar/uncertainty.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_draw_totals bx_draw_totals;

/* What a draw totals object holds. Strings are borrowed from it. */
typedef struct bx_draw_totals_info {
    uint32_t draws;          /* 0 while empty */
    uint64_t seed;
    int64_t shipments;       /* shipments added into the draws */
    const char *set_id;      /* "" while empty */
    const char *set_version;
    bx_totals_group by;      /* the keys' group; BX_BY_ALL: none kept */
    size_t keys;             /* keys with draws */
} bx_draw_totals_info;

/* An empty object: the first draws added into it (read or from a run) set
 * its number of draws, seed and factor set. ctx must outlive it. */
BX_API bx_status bx_draw_totals_new(bx_ctx *ctx, bx_draw_totals **out);

/* Add the draws of u's run so far (bx_uncertainty_add) into d. BX_EINPUT
 * if d already holds draws of another number, seed or factor set;
 * BX_ELIMIT if a draw's sum would pass BX_CO2E_MAX_MG. d is unchanged on
 * error. BX_EUNSUPPORTED in builds without GSL. */
BX_API bx_status bx_uncertainty_draw_totals(bx_uncertainty *u, bx_draw_totals *d);

/* Read a draw totals file (path, or name and bytes) and add it into d.
 * Every row is checked; a bad or mismatched file is BX_EINPUT with its
 * file, line and field in the context's message, and leaves d as it was. */
BX_API bx_status bx_draw_totals_read(bx_draw_totals *d, const char *path);
BX_API bx_status bx_draw_totals_read_mem(bx_draw_totals *d, const char *name,
                                         const void *data, size_t size);

/* Write d as a draw totals file. BX_EINVAL while d is empty. */
BX_API bx_status bx_draw_totals_write(const bx_draw_totals *d, bx_write_fn write, void *ud);

/* Mean and 95 % interval of the run total from its draws (the draws in g,
 * the percentiles interpolated as bx_interval says). The same draws give
 * the same bytes. BX_ENOTFOUND while d is empty. */
BX_API bx_status bx_draw_totals_interval(const bx_draw_totals *d, bx_interval *out);

/* Mean and 95 % interval of key's total (of the group in info.by) from
 * its draws, as bx_draw_totals_interval. BX_ENOTFOUND if d holds no draws
 * of that key. */
BX_API bx_status bx_draw_totals_key_interval(const bx_draw_totals *d, const char *key,
                                             bx_interval *out);

/* An uncertainty object that only gives d's intervals: bx_uncertainty_total,
 * bx_uncertainty_key and bx_uncertainty_group answer from d's draws (so
 * bx_carbon_totals_write_group can write merged totals with the intervals
 * of the single run); bx_uncertainty_add and bx_uncertainty_shipment are
 * BX_EINVAL. d is borrowed and must outlive *out. BX_EUNSUPPORTED in
 * builds without GSL. */
BX_API bx_status bx_uncertainty_from_draws(bx_ctx *ctx, const bx_draw_totals *d,
                                           bx_uncertainty **out);

/* The draw totals' identity (zero and "" for NULL or an empty object). */
BX_API bx_draw_totals_info bx_draw_totals_info_get(const bx_draw_totals *d);

/* NULL is a no-op. */
BX_API void bx_draw_totals_free(bx_draw_totals *d);

#ifdef __cplusplus
}
#endif

#endif
