/*
 * boxcar/carbon.h: greenhouse-gas emissions per shipment under ISO
 * 14083:2023 / GLEC Framework v3, packaging and reuse included.
 *
 * A calculator (bx_carbon) compiles every route against a factor set once:
 * each route becomes a few coefficients per transport mode (grams CO2e per
 * gram of shipment, per item, per gram-km of drop distance), so a shipment
 * costs a handful of multiplications. Methods (the numbers of the carbon
 * issue and docs/carbon.md):
 *
 *   1 default intensity: tkm x TOC intensity x DAF
 *   2 fuel-based: the run's energy x fuel factor, shared by tkm
 *   3 hubs: tonnes outbound x HOC intensity, or per item
 *   4 multi-drop rounds: shares of notional tkm (mass x direct distance)
 *   5 parcels of unknown mass: TCE emissions / items
 *   6 WTT, TTW and WTW kept apart, in CO2e on the set's basis (AR6 in GLEC
 *     v3; the set row records it)
 *   7 packaging: single-use material mass x factor (+ end of life where the
 *     set has an eol row); reusable containers: (manufacture + end of life)
 *     / trips + washing per trip + the empty return leg (a route), the
 *     trips, washes and returns either expected (the containers table) or
 *     real (a pool's records, bx_container_usage)
 *
 * Units and exactness: every result is in whole milligrams CO2e (int64).
 * Each shipment's figures are rounded to the milligram once, per transport
 * mode, hub and packaging part, and every total is the exact integer sum of
 * those parts, so totals are associative: shards summed in any order equal
 * one run. Limit: |value| <= BX_CO2E_MAX_MG (9e15 mg = 9 Mt).
 *
 * Totals of WTW: total.wtw = transport.wtw + hub.wtw + packaging_mg.
 * Totals of TTW and WTT cover transport and hubs only: packaging is a life-
 * cycle figure without that split. A factor given as WTW only (most hub
 * defaults) counts in WTW and in neither WTT nor TTW: its TTW is unknown,
 * not zero. That WTW is the "unsplit" figure of every part and total
 * (bx_co2e_unsplit_mg), so WTT + TTW + unsplit = WTW holds everywhere, and
 * packaging is wholly unsplit.
 *
 * A calculator is single-threaded (it caches packaging lookups). The factor
 * set, routes, catalog and containers it was made from must outlive it.
 */
#ifndef BOXCAR_CARBON_H
#define BOXCAR_CARBON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/catalog.h"
#include "boxcar/ctx.h"
#include "boxcar/factors.h"
#include "boxcar/routes.h"
#include "boxcar/shipments.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BX_CO2E_MAX_MG INT64_C(9000000000000000)

/* CO2e in milligrams. */
typedef struct bx_co2e {
    int64_t wtt_mg, ttw_mg, wtw_mg;
} bx_co2e;

/* The WTW of factors given as WTW only, whose WTT and TTW are unknown:
 * wtw - wtt - ttw, exact in integers (so it merges as the three do). */
static inline int64_t bx_co2e_unsplit_mg(const bx_co2e *v)
{
    return v->wtw_mg - v->wtt_mg - v->ttw_mg;
}

/* Parts of a result: the transport modes (bx_mode), hubs, packaging. */
#define BX_PART_HUB BX_MODE_COUNT
#define BX_PART_PACKAGING (BX_MODE_COUNT + 1)
#define BX_PART_COUNT (BX_MODE_COUNT + 2)

/* "road", ..., "iww", "hub", "packaging". */
BX_API const char *bx_part_name(int part);

/* Methods a result used (bits). */
#define BX_METHOD_INTENSITY (1u << 0) /* 1: default intensity */
#define BX_METHOD_FUEL (1u << 1)      /* 2: fuel-based, by tkm */
#define BX_METHOD_HUB (1u << 2)       /* 3: hub intensity or energy */
#define BX_METHOD_MULTIDROP (1u << 3) /* 4: notional tkm share */
#define BX_METHOD_PER_ITEM (1u << 4)  /* 5: per item */
#define BX_METHOD_PACKAGING (1u << 5) /* 7: single-use packaging */
#define BX_METHOD_REUSE (1u << 6)     /* 7: reusable container */
#define BX_METHOD_POOL (1u << 7)      /* 7: amortised over the pool's real
                                         trips (bx_container_usage) */

/* "intensity+fuel+hub+packaging" (the set bits in the order above; the
 * last two are "reuse" and "pool") into buf; "none" for 0. Returns buf. */
BX_API char *bx_method_label(uint32_t methods, char *buf, size_t size);

/* Energy carriers a result's transport and hub figures are broken into
 * (the last one "other" when a route uses more). */
#define BX_ENERGY_MAX 8

/* One energy carrier's WTW in a result: "other" for the carriers past
 * BX_ENERGY_MAX - 1. The carrier is the fuel row of metered energy (a
 * run's or a hub's energy_id, a leg's grid), the `ref` fuel row of a TOC
 * given as energy per tkm, "refrigerant" for the gas leaked, and
 * "unstated" for intensities that name no carrier (g/tkm, kg/t rows). */
typedef struct bx_energy_share {
    const char *carrier; /* borrowed for the calculator's life */
    int64_t transport_mg, hub_mg;
} bx_energy_share;

typedef struct bx_carbon_result {
    bx_co2e part[BX_PART_COUNT]; /* packaging: wtw only */
    bx_co2e transport;           /* sum of the mode parts */
    bx_co2e hub;                 /* == part[BX_PART_HUB] */
    int64_t packaging_mg;        /* == part[BX_PART_PACKAGING].wtw_mg */
    bx_co2e total;               /* see the header comment */
    uint32_t methods;            /* BX_METHOD_* */
    bx_data_quality quality;     /* worst class of the inputs used */
    /* Transport activity in gram-kilometres (shipment grams x km; 1 tkm =
     * 1,000,000), by mode and distance type (routes.h): on a default-
     * intensity leg the distance after its DAF, on a metered leg the
     * distance as given, on a multi-drop round the drop's direct distance.
     * A leg shared by items without a distance has none. Rounded once per
     * cell; integers, so totals of them are exact. */
    int64_t activity_gkm[BX_MODE_COUNT][BX_DIST_COUNT];
    /* WTW by the data-quality class of the input behind it (index class -
     * 1: primary, modelled, default), per part and for the shipment: each
     * part's classes add up to its WTW exactly, the shipment's to
     * total.wtw_mg. A metered run (energy given) is primary; a default
     * intensity or HOC has its row's class; packaging its factors'. */
    int64_t part_quality_mg[BX_PART_COUNT][3];
    int64_t quality_mg[3];
    const char *packaging_key;   /* totals key: "none", the box or container
                                    id, or "explicit:MAT+MAT"; borrowed until
                                    the next compute */
    /* Parts of the transport figures shown on their own (WTW, included in
     * transport): the temperature-controlled uplift of legs on a default
     * intensity (temp=controlled: the TOC's temp_uplift) and the
     * refrigerant they leak. Each rounded once to the mg. */
    int64_t temp_uplift_mg;
    int64_t refrigerant_mg;
    /* The transport and hub WTW by energy carrier, in the route's order of
     * first use: each carrier's figure rounded once to the mg and the
     * milligrams rounding leaves over given to the carrier with the
     * largest figure, so the carriers' transport_mg add up to
     * transport.wtw_mg exactly, and their hub_mg to hub.wtw_mg. */
    size_t nenergy;
    bx_energy_share energy[BX_ENERGY_MAX];
} bx_carbon_result;

/* ---- reusable containers ------------------------------------------------ */

/* A reusable container type, from a containers CSV (docs/carbon.md). */
typedef struct bx_container {
    char container_id[BX_ID_MAX];
    char material[BX_ID_MAX];   /* a material row of the factor set */
    int64_t mass_g;             /* empty container, >= 1 */
    double manufacture_kg;      /* per container; NaN: mass x material */
    double eol_kg;              /* per container; NaN: mass x eol row if the
                                   set has one, else 0 */
    double wash_kwh;            /* per trip; 0 for none */
    char wash_energy[BX_ID_MAX]; /* fuel row (kg/kWh) for washing */
    int32_t trips;              /* trips the container makes in its life */
    char return_route[BX_ID_MAX]; /* empty return leg; "" for none */
    char replaces[BX_PACKAGING_MAX]; /* the single-use packaging it replaces
                                        (a box id or explicit materials) */
    uint64_t line;
} bx_container;

typedef struct bx_containers bx_containers;

/* Load a containers CSV. Every bad row is reported; if there was any, none
 * is made (BX_EINPUT). Duplicate ids are an error. */
BX_API bx_status bx_containers_load(bx_ctx *ctx, bx_containers **out,
                                    const char *path);
BX_API bx_status bx_containers_read_mem(bx_ctx *ctx, bx_containers **out,
                                        const char *name, const void *data,
                                        size_t size);
BX_API size_t bx_containers_count(const bx_containers *cs);
BX_API const bx_container *bx_containers_at(const bx_containers *cs, size_t i);
BX_API const bx_container *bx_containers_find(const bx_containers *cs,
                                              const char *container_id);
BX_API void bx_containers_free(bx_containers *cs);

/* ---- real usage of reusable containers --------------------------------- */

/* What one container has done, from the caller's records (boxcar's
 * container pool: bx_container_info and its state). The carbon module
 * knows nothing of pools: these figures are passed to it as data. */
typedef struct bx_container_life {
    uint32_t trips;     /* trips it went out on with a shipment (the pool's
                           issues), the one under way included */
    uint32_t returns;   /* of those, trips it came back from */
    uint32_t washes;
    bool lost_on_trip;  /* it was lost while out, and not found again */
    bool ended;         /* retired, or lost: it makes no more trips */
} bx_container_life;

/* The real usage of one container type: sums over its containers. Build
 * it with bx_container_usage_init and one bx_container_usage_add per
 * container, or fill it directly. */
typedef struct bx_container_usage {
    char container_id[BX_ID_MAX]; /* the type: a container_id of the table */
    uint64_t containers;      /* containers of the type */
    uint64_t ended;           /* of them retired or lost */
    uint64_t trips_done;      /* trips made by all of them */
    uint64_t trips_remaining; /* expected trips still to come: the sum over
                                 live containers of max(expected - done, 0) */
    uint64_t returns;         /* trips that came back */
    uint64_t lost;            /* trips that ended lost */
    uint64_t washes;
} bx_container_usage;

/* Zero *u and set its type. BX_EINVAL if container_id is NULL or does not
 * fit BX_ID_MAX. */
BX_API bx_status bx_container_usage_init(bx_container_usage *u,
                                         const char *container_id);

/* Add one container: a live one is expected to make max(expected_trips -
 * trips, 0) more trips, an ended one none (its life is what it did).
 * expected_trips is the type's figure (bx_container.trips); <= 0 when
 * unknown (no remaining trips are added). Counts saturate at UINT64_MAX. */
BX_API void bx_container_usage_add(bx_container_usage *u, int32_t expected_trips,
                                   const bx_container_life *life);

/* ---- the calculator ----------------------------------------------------- */

typedef struct bx_carbon bx_carbon;

typedef struct bx_carbon_options {
    const bx_catalog *catalog;       /* box ids as packaging; may be NULL */
    const bx_containers *containers; /* reusable types; may be NULL */
    int32_t trips;                   /* > 0: amortise every container over
                                        this many trips instead of its own */
    /* Real usage per container type (docs/carbon.md, section 7): a type
     * with containers is amortised over their lifetime trips, washed and
     * sent back at their real rates, and its results carry
     * BX_METHOD_POOL. Read by bx_carbon_new only. A usage whose type has
     * no container row, and a row without usage (or with no containers),
     * are warnings; the row keeps its expected trips. Not together with
     * trips. */
    const bx_container_usage *usage;
    size_t nusage;
    /* The rounds that route legs name (`round`); may be NULL, and must
     * outlive the calculator. A leg naming a round it lacks is a bad
     * route. */
    const bx_rounds *rounds;
} bx_carbon_options;

BX_API void bx_carbon_options_init(bx_carbon_options *opt);

/* Compile every route against the factor set. A route that names an
 * unknown TOC, HOC or fuel, or whose TCE cannot be computed (direct
 * allocation without energy, a unit the allocation cannot use), is
 * reported at its line in the route file and marked bad; shipments on it
 * then fail. Containers are checked the same way (their material, washing
 * energy and return route), and a bad container fails the call.
 * Returns BX_OK with the bad routes counted (bx_carbon_bad_routes), or
 * BX_EINPUT (a container), BX_EINVAL (also: usage with trips, a usage
 * type given twice, or counts that do not add up: more ended than
 * containers, more returned and lost than trips done), BX_ENOMEM. opt may
 * be NULL. */
BX_API bx_status bx_carbon_new(bx_ctx *ctx, bx_carbon **out,
                               const bx_factor_set *fs, const bx_routes *routes,
                               const bx_carbon_options *opt);

BX_API size_t bx_carbon_bad_routes(const bx_carbon *c);
BX_API const bx_factor_set *bx_carbon_factors(const bx_carbon *c);

/* Emissions of one shipment. BX_EINPUT, with the shipment's source, line
 * and field in the message and through the diagnostic callback, for: an
 * unknown or bad route, unknown packaging, a missing mass on a route that
 * allocates by mass, a missing drop_km on a route with a multi-drop round.
 * *out is zeroed on error. */
BX_API bx_status bx_carbon_compute(bx_carbon *c, const bx_shipment *s,
                                   bx_carbon_result *out);

/* The factor rows that entered at least one shipment computed so far
 * (through its route or its packaging), in set order: up to max of them
 * into out (may be NULL with max 0). Returns how many there are. Lets a
 * report list the unconfirmed figures a result depends on. */
BX_API size_t bx_carbon_used_factors(const bx_carbon *c, const bx_factor **out,
                                     size_t max);

/* Emissions of n legs without a route file: leg i carries mass_g[i] over
 * distance_km[i] (as driven: no distance adjustment) on transport
 * operation category toc of fs, dated date (YYYYMMDD), by the default-
 * intensity method as a one-leg route would be. out[i] gets leg i's WTT,
 * TTW and WTW. For a caller's own moves between its sites, such as a
 * container pool's rebalancing. BX_EINPUT (message names the TOC) for a
 * TOC the set does not have or cannot compute from mass and distance, or
 * a mass or distance out of range; BX_EINVAL; BX_ENOMEM. */
BX_API bx_status bx_carbon_legs(bx_ctx *ctx, const bx_factor_set *fs, const char *toc,
                                const int64_t *mass_g, const double *distance_km, size_t n,
                                int32_t date, bx_co2e *out);

/* Reuse figures for a container type (method 7), all in g CO2e. */
typedef struct bx_reuse_report {
    int32_t trips;             /* expected trips of a container: its row's,
                                  or the options' trips */
    double manufacture_g;      /* per container */
    double eol_g;              /* per container */
    double wash_g;             /* per trip */
    double return_g;           /* per trip: the empty return leg */
    double per_trip_g;         /* (manufacture + eol) / trips_basis + wash +
                                  return: the figure shipments get */
    bool has_single_use;       /* the container names what it replaces */
    double single_use_g;       /* footprint of that packaging */
    int64_t break_even_trips;  /* smallest n with per-trip(n) <= single use;
                                  -1 when never (wash + return alone are
                                  already above it), 0 without single use */
    /* The basis. Without real usage: trips_basis = trips, washes_per_trip
     * and return_rate 1, the counts 0, expected_per_trip_g = per_trip_g. */
    bool real_usage;           /* the pool's figures were used */
    double trips_basis;        /* trips per container that manufacture and
                                  end of life are spread over: lifetime
                                  trips / containers with real usage */
    uint64_t containers, ended, trips_done;
    uint64_t lifetime_trips;   /* trips done + remaining, at least 1 */
    uint64_t trips_ended;      /* returned + lost: trips no longer under way */
    double washes_per_trip;    /* washes / ended trips; 1 while none ended */
    double return_rate;        /* returned / ended trips; 1 while none ended */
    double expected_per_trip_g; /* the figure over the expected trips alone,
                                   washed and returned every trip */
} bx_reuse_report;

/* BX_ENOTFOUND for an unknown container id. */
BX_API bx_status bx_carbon_reuse(bx_carbon *c, const char *container_id,
                                 bx_reuse_report *out);

/* NULL is a no-op. */
BX_API void bx_carbon_free(bx_carbon *c);

/* ---- allocation helpers ------------------------------------------------- */

/* Split total_mg into n integer parts in proportion to weights (finite,
 * >= 0, not all 0) so that the parts add up to total_mg exactly: each part
 * gets the floor of its exact share, and the milligrams left over go one
 * each to the parts with the largest remainders, ties to the lower index
 * (Hamilton's largest-remainder method). BX_EINVAL for bad weights,
 * BX_ENOMEM. */
BX_API bx_status bx_allocate_mg(bx_ctx *ctx, int64_t total_mg,
                                const double *weights, size_t n,
                                int64_t *out_mg);

/* GLEC multi-drop allocation: drop i's notional tkm is mass_g[i] / 1e6 x
 * direct_km[i] (its direct distance from the depot); shares[i] is its part
 * of the sum, which goes to *total_tkm (may be NULL). BX_EINVAL for
 * negative or non-finite inputs or a zero sum. */
BX_API bx_status bx_multidrop_shares(bx_ctx *ctx, const int64_t *mass_g,
                                     const double *direct_km, size_t n,
                                     double *shares, double *total_tkm);

/* "12.345": milligrams as grams with three decimals, locale-independent.
 * buf of at least 24 bytes. Returns buf. */
BX_API char *bx_mg_to_text(int64_t mg, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
