/*
 * boxcar/plan.h: rebalancing plans. Which containers to move between
 * stations, before the horizon starts, so that every station keeps its
 * safety stock through the forecast days, at the least transport cost.
 *
 * The network is a links file: one row per pair of stations that can
 * send containers to each other, with the road distance and the cost of
 * moving one container (columns from, to, distance_km, cost_per_container;
 * CSV, JSON or CBOR as the other records; docs/pool-plan.md). A row holds
 * both ways. A move may go along several links; it then follows the
 * cheapest path, and its distance is that path's.
 *
 * The problem, per container type: station i has stock s_i ready now and
 * needs r_i = need_i + safety_i, where need_i is the deepest the station's
 * forecast draws its stock down over the horizon (the largest running sum
 * of expected issues minus expected returns, rounded up; 0 when returns
 * keep up). A station gives only its surplus s_i - r_i (taking containers
 * from a station that needs them would move a shortfall, not remove it);
 * one short by d_j = r_j - s_j receives. Moves x_ij >= 0 (whole
 * containers) with
 *     sum_j x_ij <= s_i - r_i,   sum_i x_ij + short_j >= d_j
 * are chosen in two steps: first the least total shortfall sum short_j
 * (0 whenever the containers suffice and can reach), then, keeping that
 * shortfall, the least cost sum c_ij x_ij, c_ij the cheapest path's cost
 * per container. Both are integer programs solved by GLPK (a
 * transportation problem: the simplex vertex is already whole, and
 * branch and bound proves it).
 *
 * GLPK allocates with the C library's malloc, not the context's allocator;
 * its messages are turned off, and an internal GLPK error returns
 * BX_EINTERNAL instead of ending the process. GLPK keeps one environment
 * per thread; a plan frees the calling thread's when it is done (so no
 * thread leaves one behind), which also frees any GLPK problem the caller
 * itself holds on that thread: a program that uses GLPK directly calls
 * bx_plan_solve on another thread. Present when the library was
 * built with the pool (CBOR).
 */
#ifndef BOXCAR_PLAN_H
#define BOXCAR_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"
#include "boxcar/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the network ------------------------------------------------------- */

typedef struct bx_links bx_links;

/* Bounds the reader enforces. */
#define BX_LINK_MAX_KM 5000.0
#define BX_LINK_MAX_COST 1e9
#define BX_PLAN_MAX_STATIONS 2000

/* Read a links file (CSV, JSON or CBOR by its extension or first bytes).
 * A bad row (an id that is not one, from equal to to, a distance outside
 * (0, 5000] km, a cost outside [0, 1e9], a pair given twice in either
 * direction) fails the whole file with BX_EINPUT and a message naming the
 * file, line and field: a plan on a half-read network would be wrong.
 * BX_ENOTFOUND / BX_EIO for the file, BX_ENOMEM, BX_ELIMIT past
 * BX_PLAN_MAX_STATIONS stations. *out is NULL on error. */
BX_API bx_status bx_links_load(bx_ctx *ctx, bx_links **out, const char *path);
/* The same from memory; name is used in messages. */
BX_API bx_status bx_links_read_mem(bx_ctx *ctx, bx_links **out, const char *name,
                                   const void *data, size_t size);
/* Rows read. */
BX_API size_t bx_links_count(const bx_links *links);
/* Does any link name this station? */
BX_API bool bx_links_has_station(const bx_links *links, const char *station_id);
/* The link between a and b (either direction): true and its distance and
 * cost per container (either pointer may be NULL); false if there is none. */
BX_API bool bx_links_find(const bx_links *links, const char *a, const char *b,
                          double *distance_km, double *cost_per_container);
/* NULL is a no-op. */
BX_API void bx_links_free(bx_links *links);

/* ---- a plan ------------------------------------------------------------ */

typedef struct bx_plan_station {
    char station_id[BX_ID_MAX];
    int64_t stock;   /* containers ready there now, >= 0 */
    int64_t need;    /* drawn down over the horizon, >= 0 */
    int64_t safety;  /* to keep at least, >= 0 */
} bx_plan_station;

typedef struct bx_plan_move {
    size_t from, to;      /* indexes into the plan's stations */
    int64_t containers;
    double distance_km;   /* of one trip, along the cheapest path */
    double cost;          /* containers x the path's cost per container */
    size_t hops;          /* links on the path (1: a direct link) */
} bx_plan_move;

typedef struct bx_plan {
    size_t nstations;
    bx_plan_station *stations; /* a copy of the input, in its order */
    int64_t *arrivals;   /* per station: containers it receives */
    int64_t *departures; /* per station: containers it sends */
    int64_t *shortfall;  /* per station: how far below need + safety it
                            stays after the plan (0 when covered) */
    size_t nmoves;
    bx_plan_move *moves; /* by sending station, then receiving */
    int64_t moved;       /* containers moved */
    int64_t shortfall_total; /* > 0: not enough containers (or no path
                                from where they are): the least there is */
    double cost;
    double distance_km;  /* container-km: sum of containers x distance */
} bx_plan;

/* Plan moves among stations[0..n) over the links. BX_EINPUT (message
 * names the station) if a station appears twice, has a negative figure,
 * or is named by no link while n > 1 ("has no distances"); BX_EINVAL on
 * bad arguments; BX_ELIMIT past BX_PLAN_MAX_STATIONS; BX_ENOMEM;
 * BX_EINTERNAL if GLPK fails. *out is a new plan (free with
 * bx_plan_free), NULL on error. */
BX_API bx_status bx_plan_solve(bx_ctx *ctx, const bx_plan_station *stations, size_t n,
                               const bx_links *links, bx_plan **out);

/* ---- a plan for a pool ------------------------------------------------- */

typedef struct bx_plan_options {
    uint32_t horizon_days; /* 1..BX_FORECAST_MAX_HORIZON; default 7 */
    uint32_t window_weeks; /* of history for the forecast; default 8 */
    int64_t safety;        /* safety stock per station, >= 0; default 0 */
    int64_t end_day;       /* days since 1970-01-01: the plan's first day;
                              history is the whole days before it.
                              Required (> 0). */
} bx_plan_options;

BX_API void bx_plan_options_init(bx_plan_options *opts);

/* The plan for one container type over the stations `as` may see (every
 * station for NULL, "" in a pool without operators, or a platform
 * operator; an operator's own stations otherwise), with the containers
 * it holds as the stock (bx_pool_available_as). Each station's need comes
 * from the daily forecast (boxcar/forecast.h) of the issues and returns of
 * that type there, read from the journal at journal_path (the pool's own,
 * opened read-only alongside). pool is only read.
 * Errors: BX_EINPUT for a station with too little history (the message
 * names it and says how many days are missing), a station without
 * distances in the links, or a journal compacted since a station joined;
 * BX_ENOTFOUND if no station is visible; those of bx_plan_solve and
 * bx_pool_open. */
BX_API bx_status bx_plan_pool(bx_ctx *ctx, const bx_pool *pool, const char *journal_path,
                              const char *as, const char *type_id, const bx_links *links,
                              const bx_plan_options *opts, bx_plan **out);

/* NULL is a no-op. */
BX_API void bx_plan_free(bx_ctx *ctx, bx_plan *plan);

#ifdef __cplusplus
}
#endif

#endif
