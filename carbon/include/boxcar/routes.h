/*
 * boxcar/routes.h: transport chains (routes) made of transport chain
 * elements (TCEs), read from CSV.
 *
 * One CSV row is one TCE; the rows of a route are adjacent and in chain
 * order (docs/carbon.md, "Routes"). A TCE is either
 *
 *   a leg: a transport operation category (TOC) id, and a distance in km or
 *     the coordinates of both ends (then the great-circle distance), a
 *     distance adjustment factor (DAF), and optionally the vehicle run's
 *     primary data: the energy it used and the run's total activity (a leg
 *     shared by direct tkm or by items may leave out its distance, which
 *     its result does not use);
 *   a hub: a hub operation category (HOC) id, and optionally the hub's
 *     energy and its outbound tonnes or items for the period.
 *
 * How a TCE's emissions are shared among the shipments using it (alloc):
 *   tkm     (legs, default) by tonne-km: with primary data, the run's
 *           emissions times shipment tkm / run_tkm (the fuel-based method);
 *           without, tkm x TOC intensity x DAF (the default-intensity method)
 *   direct  multi-drop rounds: by notional tonne-km, the shipment's mass
 *           times its direct distance from the depot (the shipment's
 *           drop_km), over the round's total notional tkm (run_tkm);
 *           needs the round's energy
 *   item    by number of items: run emissions x items / run_items (parcels
 *           of unknown mass, untracked delivery rounds); for a hub, the
 *           per-item HOC intensity or the hub's energy over run_items
 *   t       (hubs, default for a per-tonne HOC) by tonnes outbound
 *
 * DAF: `auto` (the default) applies the air rule (GCD + 95 km) to air
 * legs and nothing to the others; `none`, `air`, `road` (x 1.05, GLEC
 * Module 5's groupage correction), or a multiplier in [1, 5] force it.
 * A road or rail leg given by coordinates keeps the bare great circle,
 * which understates the shortest feasible distance GLEC asks for: the
 * calculator warns at the leg's line.
 * A leg with primary data is allocated on the distance as given, without a
 * DAF (the run's tkm and the shipment's tkm must share one basis).
 *
 * Routes are read-only once loaded and belong to the loading context.
 */
#ifndef BOXCAR_ROUTES_H
#define BOXCAR_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"
#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bx_tce_kind {
    BX_TCE_LEG = 1,
    BX_TCE_HUB = 2
} bx_tce_kind;

typedef enum bx_daf_kind {
    BX_DAF_AUTO = 0,
    BX_DAF_NONE = 1,
    BX_DAF_AIR = 2,    /* (GCD + 95 km) / GCD */
    BX_DAF_ROAD = 3,   /* x 1.05: GLEC Module 5's groupage correction */
    BX_DAF_FACTOR = 4  /* x daf_factor */
} bx_daf_kind;

typedef enum bx_allocation {
    BX_ALLOC_DEFAULT = 0, /* tkm for legs; from the HOC's unit for hubs */
    BX_ALLOC_TKM = 1,
    BX_ALLOC_DIRECT = 2,
    BX_ALLOC_ITEM = 3,
    BX_ALLOC_TONNE = 4
} bx_allocation;

/* What a leg's distance is (ISO 14083 / GLEC v3.0 distance types), for
 * the share of transport activity on each in a report. */
typedef enum bx_distance_type {
    BX_DIST_ACTUAL = 0, /* distance_type=actual: the distance travelled
                           (odometer, track or flight record) */
    BX_DIST_SFD = 1,    /* distance_type=sfd (the default for a given
                           distance_km): the shortest feasible distance,
                           planned by the user */
    BX_DIST_GCD = 2,    /* a great circle (from coordinates, or an air
                           leg's distance_km) with the leg's named DAF */
    BX_DIST_COUNT = 3
} bx_distance_type;

/* "actual", "sfd", "gcd"; "?" for a bad value. */
BX_API const char *bx_distance_type_name(bx_distance_type t);

/* The air DAF's uplift (GLEC Framework v3: great circle + 95 km) and the
 * 1.05 of GLEC v3 Module 5's groupage correction. */
#define BX_DAF_AIR_KM 95.0
#define BX_DAF_ROAD_FACTOR 1.05

/* Energy carriers one TCE may state (a hybrid vehicle, a hub on grid
 * power, gas and diesel): energy_id "a+b", energy_amount "x+y". */
#define BX_TCE_MAX_ENERGY 4

typedef struct bx_tce {
    bx_tce_kind kind;
    char category[BX_ID_MAX];  /* TOC id (legs) or HOC id (hubs) */
    double distance_km;        /* as given (at most 40,000 km: sea legs follow
                                  lanes), or the great-circle distance */
    bool from_coordinates;
    double from_lat, from_lon, to_lat, to_lon; /* degrees, when given */
    bx_daf_kind daf;
    double daf_factor;         /* BX_DAF_FACTOR only */
    bx_allocation alloc;
    bool has_energy;           /* primary data for the run / the hub */
    char energy_id[BX_ID_MAX]; /* a fuel row of the factor set */
    double energy_amount;      /* in that fuel's unit (l, kg, kWh, m3) */
    size_t nenergy;            /* carriers: 1 with energy data (then the
                                  arrays repeat energy_id and _amount), up
                                  to BX_TCE_MAX_ENERGY; 0 without */
    char energy_ids[BX_TCE_MAX_ENERGY][BX_ID_MAX];
    double energy_amounts[BX_TCE_MAX_ENERGY];
    double run_tkm;            /* 0 if not given */
    double run_t;              /* hubs: tonnes outbound; 0 if not given */
    int64_t run_items;         /* 0 if not given */
    bx_distance_type dist_type; /* see bx_distance_type */
    double load_factor;        /* the leg's own: cargo mass / the vehicle's
                                  payload capacity, (0, 1]; NaN: the TOC's */
    double empty_running;      /* the share of the vehicle's km run empty,
                                  [0, 0.95]; NaN: the TOC's. Either one
                                  adjusts the TOC's default intensity (a leg
                                  on a default intensity only) */
    bool temp_controlled;      /* temp=controlled: the TOC's temp_uplift
                                  applies (default intensities only) */
    char grid_id[BX_ID_MAX];   /* legs on a kwh/tkm TOC without energy data:
                                  the electricity row (kg/kwh) to use instead
                                  of the TOC's ref, e.g. a provincial grid;
                                  "" for the TOC's own */
    char round_id[BX_ID_MAX];  /* legs shared by direct or item with the
                                  run's energy: a round of the rounds file
                                  (bx_rounds) whose drops give run_tkm or
                                  run_items and each shipment's drop
                                  distance; "" for none */
    uint64_t line;             /* in the route file */
} bx_tce;

typedef struct bx_route {
    const char *route_id;
    const bx_tce *tces;  /* in chain order; NULL when ntces is 0 */
    size_t ntces;
    bool valid;          /* false: a row of it was bad (reported) */
    uint64_t line;       /* its first row */
} bx_route;

typedef struct bx_routes bx_routes;

/* Load a route file: CSV, JSON or CBOR by the extension, else from its
 * first bytes (JSON and CBOR: an array of objects keyed by the column
 * names, as orders are). Bad rows are reported through the diagnostic callback
 * (file, line, field) and make their route invalid; the other routes load.
 * A route whose id appears again after another route, or a row with no
 * element (a route with no TCE), is an error at that line. Returns BX_OK
 * even when some routes are invalid (see bx_routes_invalid); BX_EINPUT for
 * a missing column or an empty file; BX_ENOTFOUND / BX_EIO; BX_ENOMEM. */
BX_API bx_status bx_routes_load(bx_ctx *ctx, bx_routes **out, const char *path);
BX_API bx_status bx_routes_read_mem(bx_ctx *ctx, bx_routes **out,
                                    const char *name, const void *data,
                                    size_t size);

/* The route columns (JSON/CBOR keys) in their CSV order, i = 0, 1, ...;
 * NULL past the last. */
BX_API const char *bx_route_column(size_t i);

BX_API size_t bx_routes_count(const bx_routes *rs);
/* Route i (borrowed for the routes' life); NULL if out of range. */
BX_API const bx_route *bx_routes_at(const bx_routes *rs, size_t i);
/* By id; NULL if none. */
BX_API const bx_route *bx_routes_find(const bx_routes *rs, const char *route_id);
/* Number of invalid routes. */
BX_API size_t bx_routes_invalid(const bx_routes *rs);
/* The name the routes were loaded from. */
BX_API const char *bx_routes_name(const bx_routes *rs);

/* NULL is a no-op. */
BX_API void bx_routes_free(bx_routes *rs);

/* ---- rounds ------------------------------------------------------------
 *
 * A rounds file (CSV, JSON or CBOR, docs/formats.md) lists the drops of
 * multi-drop rounds, one per row: round_id, shipment_id, and either the
 * drop's direct distance from the depot and its mass (drop_km, mass_g:
 * GLEC's notional tkm) or its items (default 1). A route leg names its
 * round (`round`): the round's notional tkm (or items) is its run_tkm (or
 * run_items), and each shipment's share is its drop's, as
 * bx_multidrop_shares computes. A route may name two rounds (a collection
 * round and a delivery round), each with its own drop distance.
 */
typedef struct bx_drop {
    char shipment_id[BX_ID_MAX];
    double drop_km;     /* direct distance from the depot; < 0: not given */
    int64_t mass_g;     /* BX_MASS_UNKNOWN when not given */
    int32_t items;      /* >= 1 */
    size_t round;       /* index of its round */
    uint64_t line;      /* in the rounds file */
} bx_drop;

typedef struct bx_round_info {
    size_t index;
    double tkm;         /* sum of mass x drop_km, in tonne-km */
    int64_t items;      /* sum of the drops' items */
    uint64_t line;      /* its first row */
    bool valid;         /* false: a row of it was bad (reported) */
    bool all_direct;    /* every drop has drop_km and mass_g */
} bx_round_info;

typedef struct bx_rounds bx_rounds;

/* Load a rounds file (CSV, JSON or CBOR, as routes). A bad row (a drop
 * given twice in a round, drop_km without mass_g) is reported at its line
 * and makes its round invalid; the others load. BX_EINPUT for a missing
 * column or an empty file; BX_ENOTFOUND / BX_EIO; BX_ENOMEM. */
BX_API bx_status bx_rounds_load(bx_ctx *ctx, bx_rounds **out, const char *path);
BX_API bx_status bx_rounds_read_mem(bx_ctx *ctx, bx_rounds **out,
                                    const char *name, const void *data,
                                    size_t size);
/* The rounds columns in their CSV order; NULL past the last. */
BX_API const char *bx_round_column(size_t i);
BX_API size_t bx_rounds_count(const bx_rounds *rs);
BX_API size_t bx_rounds_invalid(const bx_rounds *rs);
BX_API const char *bx_rounds_name(const bx_rounds *rs);
/* The round's totals; false for an unknown id. */
BX_API bool bx_rounds_get(const bx_rounds *rs, const char *round_id,
                          bx_round_info *out);
/* The shipment's drop on the round (borrowed); NULL if it has none. */
BX_API const bx_drop *bx_rounds_drop(const bx_rounds *rs, const char *round_id,
                                     const char *shipment_id);
/* Drops in file order, i = 0 .. bx_rounds_drops() - 1 (borrowed); NULL
 * past the last. The id of round index i; NULL past the last. */
BX_API size_t bx_rounds_drops(const bx_rounds *rs);
BX_API const bx_drop *bx_rounds_drop_at(const bx_rounds *rs, size_t i);
BX_API const char *bx_rounds_id(const bx_rounds *rs, size_t i);
/* NULL is a no-op. */
BX_API void bx_rounds_free(bx_rounds *rs);

/* Great-circle distance in km on a sphere of radius 6371.0 km (the IUGG
 * mean Earth radius, rounded as GLEC's GCD convention does not fix one),
 * by the haversine formula; degrees in. */
BX_API double bx_great_circle_km(double lat1, double lon1, double lat2,
                                 double lon2);

/* The distance a leg's default-intensity emissions use: distance_km with
 * its DAF applied for the given mode (BX_MODE_AIR, ...; see factors.h).
 * `factor` receives the multiplier that results (may be NULL). */
BX_API double bx_tce_adjusted_km(const bx_tce *tce, int mode, double *factor);

#ifdef __cplusplus
}
#endif

#endif
