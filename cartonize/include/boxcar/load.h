/*
 * boxcar/load.h: loading plans for containers and vehicles.
 *
 * bx_load_fill_container loads one container with boxes of given types
 * and quantities so that the loaded volume is as large as the search
 * finds (the container loading problem of Bischoff & Ratcliff). It is the
 * engine under the vehicle plans.
 *
 * Geometry is integer millimetres: x runs along the container's length
 * (from the front wall, x = 0, to the door), y across, z up. A box's
 * position is its corner nearest the origin; its extent is along x, y, z.
 *
 * Deterministic: the search is bounded by work (block tests and space
 * updates), never by time, so the same input and options give the same
 * plan on every machine. The calls are reentrant: they keep no state
 * between calls and allocate through the context only.
 */
#ifndef BOXCAR_LOAD_H
#define BOXCAR_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"
#include "boxcar/export.h"
#include "boxcar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How boxes must be carried. */
typedef enum bx_load_support {
    /* Every box rests on its whole base (on the floor or on the tops of
     * boxes at exactly its base height). Implies boxcar pack's default
     * stability rule (75 % of the base and the centre of gravity over the
     * carried region). */
    BX_LOAD_SUPPORT_FULL = 0,
    /* No support rule: boxes may float (the literature's unconstrained
     * variant, for benchmarks). */
    BX_LOAD_SUPPORT_NONE = 1
} bx_load_support;

typedef struct bx_load_options {
    uint64_t budget;          /* work units; 0 = BX_LOAD_DEFAULT_BUDGET */
    bx_load_support support;  /* default BX_LOAD_SUPPORT_FULL */
    uint32_t max_blocks;      /* blocks generated; 0 = 10000 */
} bx_load_options;

/* At most about 1 s of one core of a 2020s x86 machine on the Bischoff-Ratcliff
 * problems (see tests/bench/bench_orlib.c). */
#define BX_LOAD_DEFAULT_BUDGET 150000000u

/* Fill *o with the defaults. */
BX_API void bx_load_options_init(bx_load_options *o);

/* A box type of a single-container problem. */
typedef struct bx_load_type {
    int32_t dim_mm[3];    /* edge lengths, each >= 1 */
    bool vertical_ok[3];  /* edge i may stand vertical; at least one true */
    uint32_t qty;         /* boxes available */
    int64_t mass_g;       /* per box, >= 0 */
} bx_load_type;

/* One loaded box. */
typedef struct bx_load_box {
    uint32_t type;        /* index into the types given */
    int32_t pos_mm[3];
    int32_t ext_mm[3];
    uint32_t step;        /* loading step (block), from 1, in loading order */
} bx_load_box;

typedef struct bx_load_fill {
    bx_load_box *boxes;   /* nboxes, in loading order */
    size_t nboxes;
    int64_t volume_mm3;   /* loaded box volume */
    int64_t mass_g;
    uint64_t work;        /* work spent */
    uint32_t nblocks;     /* blocks the search chose from */
} bx_load_fill;

/* Load one container of inner extent inner_mm (x, y, z) with boxes of
 * types[0..ntypes) (payload_g > 0 caps the loaded mass; 0 = no cap).
 * opt may be NULL (defaults). On BX_OK *out holds the plan; its memory
 * comes from ctx and is released by bx_load_fill_free. Errors: BX_EINVAL
 * (NULL arguments), BX_EINPUT (a dimension below 1, a type without a
 * vertical edge, a negative mass; the message names the type),
 * BX_ELIMIT (more than 65535 types), BX_ENOMEM. */
BX_API bx_status bx_load_fill_container(bx_ctx *ctx, const int32_t inner_mm[3],
                                        int64_t payload_g, const bx_load_type *types,
                                        size_t ntypes, const bx_load_options *opt,
                                        bx_load_fill *out);

/* Check a single-container plan from its boxes alone (not the engine's
 * internals): every box lies inside the container, no two overlap
 * (positive volume), each has the extent of an allowed orientation of its
 * type, no type is used more than its quantity, the volume and mass add
 * up, the payload holds, and under BX_LOAD_SUPPORT_FULL every box off the
 * floor rests on its whole base on the tops of boxes at exactly its base
 * height. BX_OK, or BX_EINPUT with the first defect in the message (box
 * index from 0). */
BX_API bx_status bx_load_fill_check(bx_ctx *ctx, const int32_t inner_mm[3], int64_t payload_g,
                                    const bx_load_type *types, size_t ntypes,
                                    bx_load_support support, const bx_load_fill *fill);

/* Release a plan's memory; a zeroed or freed plan is a no-op. */
BX_API void bx_load_fill_free(bx_ctx *ctx, bx_load_fill *fill);

#ifdef __cplusplus
}
#endif

#endif
