/*
 * boxcar/design.h: carton-set design. Which N box sizes should a station
 * stock, given its order history?
 *
 * A design (bx_design) holds an order history. Each order added is packed
 * into a made-to-measure machine spanning the allowed sizes (see the
 * `custom` catalog entries in boxcar/records.h): each box it needs, cut to
 * its contents and rounded up to the size step, is a *need*. bx_design_run
 * then chooses N sizes so that every need is held by some size (turned as
 * its units' rotation rules let the whole box's contents turn) and the sum,
 * over needs, of the objective of the cheapest size holding it is least:
 * a facility-location (k-median) problem over the needs, solved by greedy
 * addition from a size that holds every need, then local search (tighten
 * each size to the largest of the needs it serves; swap a size for a
 * candidate) while work remains. The result is a catalog: evaluate it by
 * repacking the history with the engine (bx_design_evaluate), which is the
 * figure to quote, not the model's objective.
 *
 * Deterministic: the same history, options and budget give the same sizes
 * on every machine (work is counted in need-against-size checks, never in
 * time). A design is single-threaded; the catalogs it makes are ordinary
 * read-only catalogs.
 */
#ifndef BOXCAR_DESIGN_H
#define BOXCAR_DESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/catalog.h"
#include "boxcar/pack.h"
#include "boxcar/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a size costs, per box. Board is the FEFCO 0201 blank of the outer
 * size (inner + allowance): (2l + 2w + 30)(h + w) mm^2. */
typedef enum bx_design_objective {
    BX_DESIGN_BOARD_AREA = 0, /* board m^2 (the default) */
    BX_DESIGN_BOARD_MASS = 1, /* board kg: area x grammage */
    BX_DESIGN_VOLUME = 2,     /* inner volume */
    BX_DESIGN_VOID = 3,       /* inner volume less the contents (the same
                                 sizes as VOLUME: the contents are fixed) */
    BX_DESIGN_COST = 4,       /* cost_per_box + cost_per_m2 x board m^2 */
    BX_DESIGN_CO2E = 5,       /* board kg x co2e_g_per_kg (the caller's
                                 material factor, e.g. from a factor set) */
    BX_DESIGN_COMPLIANCE = 6  /* fewest boxes over a void-ratio limit
                                 first, then board m^2: a box whose size
                                 leaves void = 1 - void_k x contents /
                                 inner volume above void_max costs
                                 BX_DESIGN_VOID_PENALTY m^2 more */
} bx_design_objective;

/* What one box over the void limit costs under BX_DESIGN_COMPLIANCE, in
 * m^2 of board: more than any size's board, so fewer failing boxes always
 * win over less board. */
#define BX_DESIGN_VOID_PENALTY 10000.0

/* "board-area", "board-mass", "volume", "void", "cost", "co2e",
 * "compliance". */
BX_API const char *bx_design_objective_name(bx_design_objective objective);
BX_API bx_status bx_design_objective_parse(const char *s, bx_design_objective *out);

/* The most sizes a design makes. */
#define BX_DESIGN_MAX_SIZES 64

typedef struct bx_design_options {
    bx_design_objective objective;
    int rotation_override;  /* -1 (default): each line's rule; else a
                               bx_rotation for every line */
    int32_t min_mm[3];      /* smallest inner l, w, h; default 1 */
    int32_t max_mm[3];      /* largest inner l, w, h; default 1000 */
    int32_t step_mm;        /* sizes are multiples of it; default 5; >= 1 */
    int32_t allowance_mm[3]; /* outer - inner, per axis; default 6, 6, 12
                                (single wall: two board thicknesses, and
                                the flaps on the height) */
    int32_t grammage_g_m2;  /* board grade; default 440 (single wall B) */
    int64_t max_weight_g;   /* gross limit of every size; default 30000 */
    double cost_per_box;    /* for BX_DESIGN_COST and the sizes' cost */
    double cost_per_m2;
    double co2e_g_per_kg;   /* board's g CO2e per kg; needed by CO2E */
    double void_max;        /* COMPLIANCE: highest void ratio a box may
                               have (0..1); default 0.40, the default of
                               scripts/policy/gb45186.lua */
    double void_k;          /* COMPLIANCE: necessary-space coefficient k
                               (> 0); default 1.0, as that policy */
    /* Sizes that stay in the set (borrowed for the design's life; NULL
     * none): they count in n_sizes and come first in the result. */
    const bx_catalog *keep;
    uint64_t budget;        /* work for the search; 0: 200,000,000 checks */
    uint64_t pack_budget;   /* bx_pack work per order; 0: the default */
    bx_support support;     /* as bx_pack_options */
    uint32_t support_pct;
} bx_design_options;

BX_API void bx_design_options_init(bx_design_options *options);

typedef struct bx_design bx_design;

/* Create a design on ctx. The options are copied (keep stays borrowed).
 * BX_EINPUT naming the option for a step of 0, a minimum above a maximum,
 * a size outside 1..BX_MAX_LENGTH_MM, or CO2E without co2e_g_per_kg. */
BX_API bx_status bx_design_new(bx_ctx *ctx, bx_design **out,
                               const bx_design_options *options);
/* NULL is a no-op. */
BX_API void bx_design_free(bx_design *design);

/* Add one order of the history (its lines are copied). With held_out the
 * order is only kept for bx_design_evaluate's held-out figures and gives no
 * needs. BX_EINPUT naming the order and item when a unit fits no size
 * within max_mm (or is heavier than max_weight_g); the design is unchanged
 * then. Errors of bx_pack. */
BX_API bx_status bx_design_add_order(bx_design *design, const bx_order *order,
                                     bool held_out);

/* Orders added (design part, held-out part) and distinct needs. */
BX_API size_t bx_design_orders(const bx_design *design, bool held_out);
BX_API size_t bx_design_needs(const bx_design *design);

/* Choose n_sizes sizes (keep included) and return them as a new catalog
 * (the caller frees it): kept sizes first, then the new ones by inner
 * volume, named D01, D02, ... with inner and outer size, max weight, tare
 * and material mass (the board), material "corrugated" and cost. The
 * sizes are then checked by repacking the design orders with the engine:
 * where an order leaves units out (a size's board takes it over the weight
 * limit, the engine packs it otherwise than the machine did), its need is
 * added as a size while fewer than n_sizes are chosen, else the new size
 * whose growth to hold it costs the model least is grown; up to 4 rounds,
 * and a warning names the orders still left with units out. When the
 * needs do not call for n_sizes (fewer distinct needs, or a size that
 * would serve none), fewer are made and a warning says so. Errors:
 * BX_EINPUT for no needs (an empty history) or n_sizes 0, or fewer than
 * the kept sizes, or above BX_DESIGN_MAX_SIZES; BX_ENOMEM. *objective
 * (may be NULL) gets the model's objective: the sum over needs of the
 * cheapest size holding each (in the objective's unit: m^2, kg, m^3, m^3,
 * currency, kg CO2e). */
BX_API bx_status bx_design_run(bx_design *design, uint32_t n_sizes,
                               bx_catalog **out, double *objective);

/* Figures of a catalog on the history, by repacking it with the engine. */
typedef struct bx_design_eval {
    uint64_t orders;
    uint64_t boxes;
    uint64_t units_unpacked;
    uint64_t boxes_passing;   /* with a policy: boxes with no violation
                                 (of their own or of their order) */
    double inner_m3;
    double board_m2;          /* FEFCO 0201 of the outer size (the inner
                                 size plus the allowance when a box has no
                                 outer size) */
    double board_kg;          /* material_mass_g where the catalog gives
                                 it, else board area x grammage */
    double cost;
    double void_m3;           /* inner volume less the units' */
} bx_design_eval;

/* Repack the design's orders (held_out: the held-out part, else the design
 * part) into catalog, under the design's rotation, support and pack
 * budget, and add up the figures. policy (may be NULL; its catalog must be
 * `catalog`) packs as bx_policy_pack does and counts passing boxes.
 * usage (may be NULL) gets the boxes used per catalog size (indexed like
 * the catalog). Errors: those of bx_pack and of the policy. */
BX_API bx_status bx_design_evaluate(bx_design *design, const bx_catalog *catalog,
                                    bx_policy *policy, bool held_out,
                                    bx_design_eval *eval, uint64_t *usage);

#ifdef __cplusplus
}
#endif

#endif
