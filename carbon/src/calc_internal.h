/*
 * calc_internal.h: the compiled form of routes and packaging inside a
 * calculator (bx_carbon). Not installed.
 *
 * Every emission here is linear in three drivers of a shipment: its mass
 * in grams, its item count, and mass x drop distance (gram-km, multi-drop
 * rounds). A compiled route keeps, per part (transport mode or hub) and
 * driver, grams CO2e per driver unit, split into WTT and TTW, plus the WTW
 * of factors whose split is unknown. It also keeps the same sums as terms
 * (factor row x coefficient) so the Monte Carlo can vary each factor.
 */
#ifndef BOXCAR_CALC_INTERNAL_H
#define BOXCAR_CALC_INTERNAL_H

#include "carbon_internal.h"

/* Drivers: mass (g), items, and mass x drop distance (g.km) on up to two
 * rounds (a collection round and a delivery round, each with its own drop
 * distance; the first is also the shipment's own drop_km). */
enum {
    BXI_CARBON_MASS = 0,
    BXI_CARBON_ITEM = 1,
    BXI_CARBON_DIRECT = 2,
    BXI_CARBON_DIRECT2 = 3,
    BXI_CARBON_NDRIVERS = 4
};

enum { BXI_CARBON_UPLIFT = 0, BXI_CARBON_REFRIGERANT = 1 };

/* Rounds of the rounds file one route may name. */
#define BXI_CARBON_MAX_ROUNDS 4

/* Parts a route can have: the modes and the hub (packaging is separate). */
#define BXI_CARBON_ROUTE_PARTS (BX_PART_HUB + 1)

typedef struct bxc_coef {
    double wtt, ttw, unsplit; /* g CO2e per driver unit */
} bxc_coef;

/* Grams = k x driver x the factor row's normalised value. */
typedef struct bxc_term {
    uint32_t factor; /* row index in the factor set */
    uint8_t part;    /* BX_MODE_* or BX_PART_HUB */
    uint8_t driver;  /* BXI_CARBON_MASS, _ITEM, _DIRECT, _DIRECT2 */
    double k;
} bxc_term;

typedef struct bxc_route {
    bool valid;
    bool needs_mass, needs_drop;
    uint8_t nparts;
    uint8_t parts[BXI_CARBON_ROUTE_PARTS];     /* parts used, in first-use order */
    bxc_coef coef[BXI_CARBON_ROUTE_PARTS][BXI_CARBON_NDRIVERS];
    uint32_t methods;
    bx_data_quality quality;
    /* A shipment's share of a run (a round, a fuel-based leg, a metered
     * hub) is driver x share_k: the largest coefficient per driver over the
     * route's runs, and the route file's line of that run (0: no run). */
    double share_k[BXI_CARBON_NDRIVERS];
    uint64_t share_line[BXI_CARBON_NDRIVERS];
    /* Transport activity in g.km per driver unit (mass: km; direct: 1),
     * by mode and distance type. */
    double act[BX_MODE_COUNT][BX_DIST_COUNT][BXI_CARBON_NDRIVERS];
    /* WTW g per driver unit by part and data-quality class (class - 1). */
    double qcoef[BXI_CARBON_ROUTE_PARTS][3][BXI_CARBON_NDRIVERS];
    /* The same, compiled for the per-shipment loop: a part whose inputs
     * are all of one class has it here (-1: several), and the activity
     * cells that are not zero, in (mode, type) order. */
    int8_t one_class[BXI_CARBON_ROUTE_PARTS];
    uint8_t nact;
    struct {
        uint8_t mode, type;
        double k[BXI_CARBON_NDRIVERS];
    } act_cells[BX_MODE_COUNT * BX_DIST_COUNT];
    bxc_term *terms;                    /* in the calculator's arena */
    size_t nterms;
    /* Rounds of the rounds file its legs name: the shipment must be a drop
     * of each; a round shared by direct tkm gives its driver (DIRECT or
     * DIRECT2) the drop's mass x drop_km. */
    /* WTW g per gram of the shipment in the temperature-controlled uplift
     * and in the refrigerant leaked (BXI_CARBON_UPLIFT, _REFRIGERANT):
     * parts of the legs' figures shown on their own. */
    double cool_g[2];
    /* WTW g per driver unit by energy carrier (bx_energy_share), in the
     * transport (0) and the hub (1). */
    uint8_t ncarriers;
    struct {
        const char *id; /* the factor set's text or a literal (borrowed) */
        double k[2][BXI_CARBON_NDRIVERS];
    } carriers[BX_ENERGY_MAX];
    uint8_t ndrivers;  /* drivers with coefficients: 3, or 4 with a
                          second round's drop distance */
    uint8_t nrounds;
    struct {
        const char *id;  /* the route's own text (borrowed) */
        uint8_t driver;  /* BXI_CARBON_DIRECT, _DIRECT2, or _ITEM */
        uint64_t line;   /* the leg's line in the route file */
    } rounds[BXI_CARBON_MAX_ROUNDS];
} bxc_route;

/* Packaging of a shipment, resolved from its text once and cached. */
typedef struct bxc_pack {
    bool valid;
    const char *why;     /* when not valid: the reason (static or arena) */
    const char *key;     /* totals key (arena) */
    double g;            /* g CO2e per shipment */
    uint32_t methods;
    bx_data_quality quality;
    double constant_g;   /* part of g with no factor behind it (given kg) */
    bxc_term *terms;     /* the rest: driver unused, k in factor units */
    size_t nterms;
} bxc_pack;

struct bx_carbon {
    bx_ctx *ctx;
    const bx_factor_set *fs;
    const bx_routes *routes;
    bx_carbon_options opt;
    bx_arena arena;        /* terms, keys, reasons */
    bxc_route *compiled;   /* one per route, same index as bx_routes_at */
    bool *route_used;      /* a shipment was computed on it */
    bool *factor_used;     /* per factor row: in a packaging resolved so far */
    size_t nroutes, bad_routes;
    bxc_idmap pack_ids;    /* packaging text -> packs index */
    bxc_pack *packs;
    size_t npacks, packs_cap;
    bxc_pack scratch;      /* used once the cache is full */
    char scratch_key[BX_PACKAGING_MAX + 16];
    /* per-container compiled reuse figures, same index as the containers */
    bx_reuse_report *reuse;
    bxc_pack *container_packs;
};

/* Half the Earth's circumference, rounded up: no road, rail, air or inland
 * waterway leg is longer (a sea leg may be: it follows lanes). */
#define BXI_CARBON_MAX_OVERLAND_KM 20100.0

/* Largest number of distinct packaging texts cached. */
#define BXI_CARBON_PACK_CACHE_MAX 65536

/* The factor by which a leg's own load factor lf and empty running er
 * (NaN: the TOC's) change the TOC's default intensity, which assumes the
 * row's load_factor and empty_running (all three of its loading figures
 * given). Per vehicle-km the energy is linear in the load, from the empty
 * vehicle's (empty_energy x the full one's) to the full one's, and each
 * empty km costs the empty vehicle's energy; per tkm that is
 *   (eps + (1 - eps) lf + eps er / (1 - er)) / lf
 * with eps = empty_energy; the factor is its ratio to the TOC's basis.
 * (GLEC v3.0 Module 5, Annex 1, Table 18, follows this form: docs/carbon.md.) */
double bxi_carbon_load_adjustment(const bx_factor *toc, double lf, double er);

/* chain.c: compile route i; problems reported at the route file's lines.
 * BX_OK (maybe with r->valid false), or a fatal error. */
bx_status bxi_carbon_compile_route(bx_carbon *c, const bx_route *route, bxc_route *r);

/* Grams for one part and driver values, all scopes. */
void bxi_carbon_route_eval(const bxc_route *r, const double x[BXI_CARBON_NDRIVERS],
                    double wtt[BXI_CARBON_ROUTE_PARTS], double ttw[BXI_CARBON_ROUTE_PARTS],
                    double unsplit[BXI_CARBON_ROUTE_PARTS]);

/* calc.c: a shipment's drivers on route r (its drops on the route's rounds
 * looked up). BX_EINPUT, reported at the shipment's row when `report`, for
 * a shipment that is not a drop of a round or whose drop's mass is not
 * its own. */
bx_status bxi_carbon_drivers(bx_carbon *c, const bx_shipment *s, const bxc_route *r,
                             bool report, double x[BXI_CARBON_NDRIVERS]);

/* usage.c: match the options' usage to the container rows: *rows (NULL
 * when there is no usage; else one entry per row, NULL where the row keeps
 * its expected trips) is the caller's to free. Warns of types without a
 * row and rows without containers; BX_EINVAL for usage that cannot be
 * true (see bx_carbon_new), BX_ENOMEM. */
bx_status bxi_carbon_match_usage(bx_carbon *c, const bx_container_usage ***rows);

/* packaging.c: compile every container (reported at the containers file's
 * lines; BX_EINPUT if any is bad) and resolve packaging texts. */
bx_status bxi_carbon_compile_containers(bx_carbon *c);
/* The packaging of a text, from the cache or resolved now. Never NULL
 * unless out of memory (BX_ENOMEM recorded). */
const bxc_pack *bxi_carbon_pack_lookup(bx_carbon *c, const char *text);

#endif
