/*
 * engine.h: the engine's state, shared by engine.c (API, results) and
 * search.c (the packing search).
 */
#ifndef BOXCAR_ENGINE_H
#define BOXCAR_ENGINE_H

#include "pack_internal.h"

#define PK_ORDERINGS 6
/* index lists of list_len entries each (see search.c) */
#define PK_LISTS 7

struct bx_engine {
    bx_ctx *ctx;
    bx_engine_limits limits;

    /* the order being packed */
    pk_unit *units;
    uint32_t nunits, unit_cap;
    uint32_t bin_floor;  /* see bxi_pk_bin_reserve */
    int32_t ngroups;
    uint32_t *idx;       /* PK_LISTS index lists of list_len entries */
    uint32_t list_len;   /* max(unit_cap, nbox): a list holds units, bins
                            (never more than units) or box types */
    uint32_t idx_cap;
    uint8_t *state;      /* per unit: 0 free, 1 packed, 2 unpacked */
    uint32_t state_cap;

    /* the catalog for this call */
    const bx_catalog *cat;
    uint32_t nbox;
    uint32_t *rank;      /* box indices by objective measure, best first */
    double *measure;     /* per box */
    int64_t *stock;      /* per box: available (-1 unlimited) */
    uint32_t *used;      /* per box: used by the solution being built */
    uint32_t box_cap;
    bx_objective objective;
    bool high_effort;    /* bx_pack_options.effort == BX_EFFORT_HIGH */

    /* solutions */
    pk_bins cur, best, seed;
    pk_bin tmp, tmp2;

    pk_work work;
    pk_rules rules;
    uint32_t load_cap;   /* entries of rules.load and rules.by_z */

    /* result */
    bx_packed_box *rboxes;
    size_t rboxes_cap;
    bx_placement *rplace;
    size_t rplace_cap;
    bx_unpacked *runpacked;
    size_t runpacked_cap, nunpacked;
    bx_pack_result result;

    void *scratch;
    size_t scratch_size;

    /* made-to-measure entries (custom_box.c); NULL until first needed */
    struct bxi_pk_custom *custom;
};

/* search.c: pack the engine's free units (state 0) into e->best, given
 * the bins already opened in e->seed. */
bx_status bxi_pk_search(bx_engine *e);

/* engine.c: a lower bound on the bins for units idx[0..n). */
bx_status bxi_pk_lower_bound_units(bx_engine *e, const uint32_t *idx, uint32_t n, uint32_t *out);

/* search.c: cheap necessary conditions for one box of catalog type `box`
 * to hold units idx[0..n) (each unit fits, their volume and weight, and
 * the units wider than half the box both ways pile within its height). */
bool bxi_pk_may_hold(const bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n);

/* Grow a bins set to hold n bins. */
bx_status bxi_pk_bins_reserve(bx_ctx *ctx, pk_bins *s, uint32_t n);
bx_status bxi_pk_bins_copy(bx_ctx *ctx, pk_bins *dst, const pk_bins *src);

/* Pack units idx[0..n) into one bin of catalog box `box`, trying the
 * orderings and merits while work remains (the first try always runs).
 * Returns 1 on success (bin holds them), 0 if no try fit them all, or -1
 * with BX_ENOMEM. */
int bxi_pk_pack_single(bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n, pk_bin *bin);

/* levels.c: with stable placements, try to pack units idx[0..n) into one
 * bin of catalog box `box` planned as levels (see levels.c), until the
 * engine's work reaches `until`. Returns 1 with the packing in bin, 0 if
 * none was found, or -1 with BX_ENOMEM. */
int bxi_pk_levels(bx_engine *e, uint32_t box, const uint32_t *idx, uint32_t n, pk_bin *bin,
                  uint64_t until);

/* Whether box type `box` has stock left (a negative stock is unlimited). */
static inline bool pk_stock_left(const bx_engine *e, uint32_t box)
{
    return e->stock[box] < 0 || (int64_t)e->used[box] < e->stock[box];
}

#endif
