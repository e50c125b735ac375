/*
 * boxcar/pack.h: the cartonization engine. Which boxes, and where each
 * unit goes.
 *
 * An engine (bx_engine) is a single-threaded workspace bound to a context
 * and its allocator. A catalog (boxcar/catalog.h) is read-only and may be
 * shared by any number of engines in any number of threads. bx_pack packs
 * one order into boxes of the catalog and returns a result that the engine
 * owns until the next bx_pack or bx_engine_free. The engine keeps its
 * buffers between calls: once it has packed an order of a given size,
 * packing orders up to that size allocates nothing.
 *
 * Geometry is integer millimetres; x runs along a box's inner length, y
 * along its width and z up its height. A placement is the corner of the
 * unit nearest the origin and the unit's extent along x, y and z.
 *
 * Objective: fewest boxes first, then the least total of the chosen
 * measure (inner volume by default). Deterministic: the same catalog,
 * order and options give the same result on every machine, because the
 * search is bounded by work (placement evaluations), never by time.
 */
#ifndef BOXCAR_PACK_H
#define BOXCAR_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/catalog.h"
#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What to minimise once the number of boxes is as small as it can be. */
typedef enum bx_objective {
    BX_OBJECTIVE_BOXES = 0,    /* count, then total inner volume */
    BX_OBJECTIVE_VOLUME = 1,   /* count, then total inner volume (alias) */
    BX_OBJECTIVE_MATERIAL = 2, /* count, then packaging material mass */
    BX_OBJECTIVE_COST = 3,     /* count, then cost */
    BX_OBJECTIVE_CO2E = 4,     /* count, then per-box CO2e from the caller */
    BX_OBJECTIVE_CUSTOM = 5    /* count, then a per-box measure from the
                                  caller (options.box_measure; a policy's
                                  box_cost hook) */
} bx_objective;

/* "boxes", "volume", "material", "cost", "co2e", "custom". */
BX_API const char *bx_objective_name(bx_objective objective);
BX_API bx_status bx_objective_parse(const char *s, bx_objective *out);

typedef struct bx_engine bx_engine;

typedef struct bx_engine_limits {
    uint32_t max_units;     /* units (sum of qty) per order; default 100000 */
    uint64_t default_budget; /* work per order when options give 0;
                                default BX_DEFAULT_BUDGET */
} bx_engine_limits;

/* Work is counted in placement evaluations (one candidate position tried
 * for one unit in one orientation). The default keeps a typical e-commerce
 * order well under a millisecond. */
#define BX_DEFAULT_BUDGET UINT64_C(60000)

BX_API bx_engine_limits bx_engine_limits_default(void);

/* How units must rest (bx_pack_options.support).
 *
 * BX_SUPPORT_STABLE: every unit stands on the box floor, or on the tops of
 * units at exactly its base height over at least support_pct % of its base
 * area, and its centre of gravity (the centre of its base: units are taken
 * as of uniform density) lies inside the convex hull of those contact
 * rectangles, so it cannot tip. A unit that a robot or a person sets down
 * in that place stays there.
 *
 * BX_SUPPORT_NONE: units may overhang or rest on nothing, as in the
 * academic 3D bin packing benchmarks (gravity is not modelled there). */
typedef enum bx_support {
    BX_SUPPORT_STABLE = 0,
    BX_SUPPORT_NONE = 1
} bx_support;

/* The default share of a unit's base that must be supported: 75 %. A
 * quarter of the base may overhang, enough to bridge the seams between
 * units of different sizes; with the centre of gravity over the contacts
 * as well, it is the partial base support used in container-loading
 * studies of static stability (full support, 100 %, is the strict end of
 * that range and leaves many gaps unused). */
#define BX_DEFAULT_SUPPORT_PCT 75

/* "stable", "none". */
BX_API const char *bx_support_name(bx_support support);
/* Parse "stable" or "none"; BX_EINPUT if unknown. */
BX_API bx_status bx_support_parse(const char *s, bx_support *out);

/* How hard the search tries. BX_EFFORT_NORMAL (the default) is tuned for a
 * packing station: well under a millisecond for a typical order.
 * BX_EFFORT_HIGH is for batch planning and benchmarks: when options give
 * no budget it works up to BX_HIGH_EFFORT_BUDGET, and after the usual
 * phases it regroups bins (a few bins at a time repacked together, kept
 * when their load gets more uneven, so the lightest one empties). */
typedef enum bx_effort {
    BX_EFFORT_NORMAL = 0,
    BX_EFFORT_HIGH = 1
} bx_effort;

/* The work per order at BX_EFFORT_HIGH when options give no budget. */
#define BX_HIGH_EFFORT_BUDGET UINT64_C(20000000)

/* "normal", "high" ("unknown" otherwise). */
BX_API const char *bx_effort_name(bx_effort effort);
/* Parse "normal" or "high"; BX_EINPUT if unknown. */
BX_API bx_status bx_effort_parse(const char *s, bx_effort *out);

/* Create an engine on ctx (whose allocator it uses). limits may be NULL. */
BX_API bx_status bx_engine_new(bx_ctx *ctx, bx_engine **out,
                               const bx_engine_limits *limits);
/* NULL is a no-op. */
BX_API void bx_engine_free(bx_engine *engine);

/* One order: its lines (borrowed for the call). All lines must carry the
 * same order_id; nlines >= 1. */
typedef struct bx_order {
    const bx_order_line *lines;
    size_t nlines;
} bx_order;

typedef struct bx_pack_options {
    bx_objective objective;  /* default BX_OBJECTIVE_BOXES */
    uint64_t budget;         /* work budget; 0: the engine's default */
    int rotation_override;   /* -1 (default): each line's own rule; else a
                                bx_rotation applied to every line */
    /* For BX_OBJECTIVE_CO2E: g CO2e per box, indexed like the catalog.
     * Borrowed for the call. */
    const double *box_co2e_g;
    /* Boxes still in stock, indexed like the catalog (borrowed; NULL: the
     * catalog's own stock column). Not changed by bx_pack: subtract the
     * result's boxes yourself when a batch shares the stock. */
    const int64_t *stock;
    /* Which box types this order may use, indexed like the catalog
     * (borrowed; NULL: all). A box whose entry is 0 is treated as having
     * no stock, and a unit that only such boxes would hold is listed as
     * BX_UNPACKED_NOT_ALLOWED. A policy's eligibility hook fills it. */
    const unsigned char *box_allowed;
    /* For BX_OBJECTIVE_CUSTOM: the measure per box, indexed like the
     * catalog, finite and >= 0 (borrowed for the call). */
    const double *box_measure;
    /* How units must rest: BX_SUPPORT_STABLE (the default) or
     * BX_SUPPORT_NONE. */
    bx_support support;
    /* With BX_SUPPORT_STABLE: the share of each unit's base, in percent
     * (1..100), that must rest on the floor or on other units; 0 means
     * BX_DEFAULT_SUPPORT_PCT. */
    uint32_t support_pct;
    /* Per-box limits (0: none). max_units_per_box: at most this many units
     * in one box. max_fill_pct: the units' volume at most this share of a
     * box's inner volume, in percent (1..100). */
    uint32_t max_units_per_box;
    uint32_t max_fill_pct;
    /* BX_EFFORT_NORMAL (the default) or BX_EFFORT_HIGH. */
    bx_effort effort;
} bx_pack_options;

BX_API void bx_pack_options_init(bx_pack_options *options);

/* Where one unit went. */
typedef struct bx_placement {
    uint32_t line;        /* index into the order's lines */
    uint32_t unit;        /* 0..qty-1 within that line */
    uint32_t load_seq;    /* 1-based step in the box's load order: each
                             unit can be lowered vertically into place
                             once the units of earlier steps are in (of
                             two units overlapping in plan, the lower
                             comes first) */
    int32_t x_mm, y_mm, z_mm; /* corner nearest the box's origin */
    int32_t l_mm, w_mm, h_mm; /* extent along x, y, z as placed */
} bx_placement;

typedef struct bx_packed_box {
    uint32_t box_index;   /* into the catalog */
    const bx_box *box;    /* borrowed from the catalog */
    size_t first_placement, nplacements; /* slice of placements[] in load order */
    int64_t item_volume_mm3;
    int64_t inner_volume_mm3;
    int64_t items_weight_g;
    int64_t gross_weight_g;   /* items + tare */
    double fill_pct;          /* 100 * item volume / inner volume */
    double void_pct;          /* 100 - fill_pct */
} bx_packed_box;

typedef enum bx_unpacked_reason {
    BX_UNPACKED_TOO_LARGE = 1,   /* fits no box in any allowed orientation */
    BX_UNPACKED_TOO_HEAVY = 2,   /* heavier than every box's payload limit */
    BX_UNPACKED_OUT_OF_STOCK = 3, /* only boxes without stock would hold it */
    BX_UNPACKED_GROUP = 4,       /* its group fits in no single box */
    BX_UNPACKED_BUDGET = 5,      /* the work budget ran out (raise it) */
    BX_UNPACKED_NOT_ALLOWED = 6  /* only boxes the order may not use
                                    (options.box_allowed) would hold it */
} bx_unpacked_reason;

/* "too large", "too heavy", "out of stock", "group does not fit one box",
 * "work budget exhausted", "not allowed". */
BX_API const char *bx_unpacked_reason_text(bx_unpacked_reason reason);

typedef struct bx_unpacked {
    uint32_t line;    /* index into the order's lines */
    uint32_t units;   /* how many of that line's units */
    bx_unpacked_reason reason;
} bx_unpacked;

/* A rule a packing breaks, found by a policy's check (boxcar/policy.h). */
typedef struct bx_violation {
    uint32_t box_seq;    /* 1-based box in the result; 0: the order as a whole */
    const char *code;    /* short and stable, e.g. "GB45186.VOID" */
    const char *message; /* for people, e.g. "void ratio 62.0 % > 55.0 % (assumed limit)" */
    double value;        /* the measured figure, NaN if not given */
    double limit;        /* the limit it was held to, NaN if not given */
} bx_violation;

typedef struct bx_pack_result {
    const bx_packed_box *boxes;
    size_t nboxes;
    const bx_placement *placements;
    size_t nplacements;
    const bx_unpacked *unpacked;
    size_t nunpacked;
    uint32_t lower_bound;     /* no packing of the packed units uses fewer boxes */
    bool count_optimal;       /* nboxes == lower_bound */
    int64_t total_inner_volume_mm3;
    double objective_total;   /* sum of the objective's measure over boxes */
    uint64_t work;            /* work spent */
    /* Set by a policy (boxcar/policy.h); bx_pack leaves them NULL / 0.
     * policy: the policy's name. violations: what its check found, in the
     * order it reported them. containers: per box (nboxes entries) the
     * reusable container the policy chose, or NULL. */
    const char *policy;
    const bx_violation *violations;
    size_t nviolations;
    const char *const *containers;
} bx_pack_result;

/* Pack one order. On BX_OK *result (owned by the engine, valid until its
 * next bx_pack or bx_engine_free) holds the boxes and placements; units that
 * cannot be packed are listed in result->unpacked with a reason, which is
 * not an error. Errors: BX_EINVAL (NULL arguments, empty order, lines of
 * different orders), BX_EINPUT (a line that breaks the record rules, with
 * the line's source line number), BX_ELIMIT (more units than max_units),
 * BX_ENOMEM. options may be NULL for the defaults. */
BX_API bx_status bx_pack(bx_engine *engine, const bx_catalog *catalog,
                         const bx_order *order, const bx_pack_options *options,
                         const bx_pack_result **result);

/* Check a result against its order and catalog, independently of how it
 * was made: every placement inside its box, no two units overlapping,
 * every unit placed exactly once or listed as unpacked, each unit's
 * orientation allowed by its rotation rule, no unit resting above a fragile
 * unit, support (options.support), each unit's max_load_g (what rests on
 * a unit, passed down by contact area), the load order (a unit that lies
 * over part of another comes after it), per-box limits, weight limits, `alone` units alone, each group in one box, stock.
 * BX_OK, or BX_EINPUT with a message naming the order, box and units. */
BX_API bx_status bx_validate(bx_ctx *ctx, const bx_catalog *catalog,
                             const bx_order *order,
                             const bx_pack_options *options,
                             const bx_pack_result *result);

/* Lower bounds on the number of boxes for a set of units in one box type,
 * after Martello, Pisinger and Vigo (2000): L0 (volume), L1 and L2,
 * generalised to each unit's allowed orientations. dims[i] are the unit's
 * l, w, h; rot[i] its rule. Returns max(L0, L1, L2) in *lb and each bound
 * in lbs[0..2] if lbs is not NULL. Uses the engine's workspace. */
BX_API bx_status bx_lower_bound(bx_engine *engine, int32_t box_l_mm,
                                int32_t box_w_mm, int32_t box_h_mm,
                                const int32_t (*dims)[3],
                                const bx_rotation *rot, size_t n,
                                uint32_t *lb, uint32_t lbs[3]);

/* The conflict-clique lower bound for the same units: two units conflict
 * when in no pair of orientations their rules allow (each fitting the box)
 * they stand side by side along some axis, or when mass_g is not NULL and
 * their masses together exceed payload_g. Units pairwise in conflict need a
 * box each, so the size of a largest such set found is a lower bound on the
 * boxes, valid with or without support. The exact search (a branch and
 * bound) stops after node_limit nodes (0: the engine's own limit, which
 * bx_pack uses beside bx_lower_bound's bounds); then *clique is the largest
 * set found so far and *exact (if not NULL) false. Units that fit the box
 * in no orientation, or weigh more than payload_g, are left out. Uses the
 * engine's workspace. BX_OK, BX_EINVAL or BX_ENOMEM. */
BX_API bx_status bx_clique_bound(bx_engine *engine, int32_t box_l_mm,
                                 int32_t box_w_mm, int32_t box_h_mm,
                                 int64_t payload_g, const int32_t (*dims)[3],
                                 const bx_rotation *rot, const int64_t *mass_g,
                                 size_t n, uint64_t node_limit,
                                 uint32_t *clique, bool *exact);

#ifdef __cplusplus
}
#endif

#endif
