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
 * Deterministic: the search is bounded by work (block tests, space
 * updates and state copies, weighted to track CPU time in both support
 * modes), never by time, so the same input and options give the same
 * plan on every machine. The calls are reentrant: they keep no state
 * between calls and allocate through the context only.
 */
#ifndef BOXCAR_LOAD_H
#define BOXCAR_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"
#include "boxcar/records.h"
#include "boxcar/csv.h"
#include "boxcar/pack.h"
#include "boxcar/pack_io.h"
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
    bool one_at_a_time;       /* plans: vehicles chosen one at a time only,
                                 no fleet search (default false; for
                                 comparisons) */
} bx_load_options;

/* The work of one container (one vehicle tried), with or without support:
 * about 0.3-0.7 s mean and under 1 s of one core of a 2020s x86 machine
 * on the OR-Library container problems (see tests/bench/bench_orlib.c). */
#define BX_LOAD_DEFAULT_BUDGET 450000000u

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

/* ---- vehicles, stops and plans ------------------------------------------ */

/* A parcel to load. Dimensions are outer millimetres as given (l, w, h);
 * rotation says which may stand vertical (records.h). stop is the
 * delivery order (1 = delivered first, so loaded last, nearest the door);
 * 0 = no stop (delivered after every numbered stop). max_load_g < 0 = no
 * limit on what rests on it; fragile = nothing on top. `where` (optional)
 * names the parcel's input row in messages. */
typedef struct bx_load_parcel {
    char id[BX_ID_MAX];
    int32_t dim_mm[3];
    int64_t mass_g;
    uint32_t stop;
    bx_rotation rotation;
    bool fragile;
    int64_t max_load_g;
    bx_location where;
} bx_load_parcel;

typedef enum bx_load_door {
    BX_LOAD_DOOR_REAR = 0, /* the door is the wall at x = length */
    BX_LOAD_DOOR_SIDE = 1  /* the door is the wall at y = width */
} bx_load_door;

/* "rear", "side". */
BX_API const char *bx_load_door_name(bx_load_door door);
BX_API bx_status bx_load_door_parse(const char *s, bx_load_door *out);

/* A vehicle kind of a catalog (a van, a truck body, a roll cage, a ULD).
 * Axles: naxles 0 (none given) or 2, positions along x from the front
 * wall (x = 0), the empty vehicle's load on each (tare, 0 if not known)
 * and the most each may carry in all (tare plus its share of the load).
 * The plan reports each axle's total (a beam on two supports, the lever
 * rule) and, when one is over its limit, first moves the whole load
 * along x where it leaves room, to the nearest position within both
 * limits. */
typedef struct bx_load_vehicle {
    char kind[BX_ID_MAX];
    int32_t inner_mm[3];   /* length (x), width (y), height (z) */
    int64_t payload_g;     /* 0: unusable (warned about, never chosen) */
    bx_load_door door;
    uint32_t count;        /* vehicles of this kind available */
    double cost;           /* per vehicle used, caller's unit, >= 0 */
    uint32_t naxles;
    int32_t axle_x_mm[2];
    int64_t axle_max_g[2];
    int64_t axle_tare_g[2];
    bx_location where;
} bx_load_vehicle;

/* Why a parcel is not in the plan. */
typedef enum bx_load_reason {
    BX_LOAD_TOO_BIG = 1,      /* larger than every vehicle in every allowed orientation */
    BX_LOAD_TOO_HEAVY = 2,    /* heavier than every vehicle's payload */
    BX_LOAD_NO_ROOM = 3,      /* the vehicles available are full */
    BX_LOAD_DUPLICATE_ID = 4  /* an earlier parcel has the same id */
} bx_load_reason;

/* "too_big", "too_heavy", "no_room", "duplicate_id". */
BX_API const char *bx_load_reason_name(bx_load_reason reason);

/* One placed parcel, in vehicle coordinates. */
typedef struct bx_load_placed {
    uint32_t parcel;       /* index into the parcels given */
    int32_t pos_mm[3];
    int32_t ext_mm[3];
    uint32_t seq;          /* loading order in its vehicle, from 1 */
    uint32_t step;         /* loading step (a block of parcels), from 1 */
} bx_load_placed;

/* One vehicle used. Its parcels are placed[first .. first + n), in
 * loading order. */
typedef struct bx_load_used {
    uint32_t vehicle;      /* index into the catalog given */
    uint32_t first, n, nsteps;
    int64_t volume_mm3, mass_g;
    double load_factor_volume; /* parcel volume / inner volume */
    double load_factor_mass;   /* parcel mass / payload */
    double cog_mm[3];          /* centre of gravity of the load */
    double axle_g[2];          /* load per axle, tare included (naxles == 2) */
    bool axle_over;            /* an axle is above its limit wherever the
                                  load is moved along x */
    int32_t shift_mm;          /* how far the load was moved along x to
                                  bring the axles within their limits */
} bx_load_used;

typedef struct bx_load_unplaced {
    uint32_t parcel;
    bx_load_reason reason;
} bx_load_unplaced;

typedef struct bx_load_plan {
    bx_load_used *vehicles;
    size_t nvehicles;
    bx_load_placed *placed;
    size_t nplaced;
    bx_load_unplaced *unplaced;
    size_t nunplaced;
    uint64_t work;
} bx_load_plan;

/* Plan the loading of parcels[0..n) into vehicles of catalog[0..nv):
 * fewest vehicles first, then the least total cost, then the least total
 * inner volume (vehicles chosen one at a time, then up to three better
 * fleets tried; docs/formats.md section 15). Each
 * vehicle is loaded under opt's support rule, fragile parcels carry
 * nothing, a parcel with max_load_g carries nothing but parcels of its own
 * kind stacked within the limit, and stops are loaded last-in-first-out:
 * no parcel of a later stop lies above a parcel of an earlier stop or
 * between it and the door. Duplicate ids, parcels too big or too heavy
 * for every vehicle and parcels left when the vehicles run out are listed
 * in unplaced with a reason; vehicles with payload 0 and missing stop
 * numbers are warned about (bx_ctx_warning). opt may be NULL; its budget
 * applies to each vehicle tried. On BX_OK *out owns memory from ctx,
 * freed by bx_load_plan_free. Errors: BX_EINVAL, BX_EINPUT (a dimension
 * below 1 or above BX_MAX_LENGTH_MM, a negative mass; the message names
 * the parcel or vehicle and its input row), BX_ENOMEM. */
BX_API bx_status bx_load_plan_make(bx_ctx *ctx, const bx_load_parcel *parcels, size_t n,
                                   const bx_load_vehicle *catalog, size_t nv,
                                   const bx_load_options *opt, bx_load_plan *out);

/* Check a plan against its parcels and catalog from the plan alone: every
 * parcel placed once or listed unplaced once; each vehicle's parcels
 * inside it, not overlapping, in an orientation their rotation allows,
 * within its payload, supported (full support unless support is
 * BX_LOAD_SUPPORT_NONE), nothing above a fragile parcel over its
 * footprint, no parcel carrying more than its max_load_g (loads passed
 * down in proportion to contact area), loading order feasible from the
 * door (no parcel loaded before another lies between that one and the
 * door or above it), stops LIFO (a parcel of a later stop never lies
 * above or door-wards of one of an earlier stop), and the figures add up.
 * BX_OK, or BX_EINPUT naming the first defect. */
BX_API bx_status bx_load_plan_check(bx_ctx *ctx, const bx_load_parcel *parcels, size_t n,
                                    const bx_load_vehicle *catalog, size_t nv,
                                    bx_load_support support, const bx_load_plan *plan);

BX_API void bx_load_plan_free(bx_ctx *ctx, bx_load_plan *plan);

/* ---- files --------------------------------------------------------------- */

/* Read a parcels file (CSV with a header, JSON or CBOR rows; columns id,
 * length_mm, width_mm, height_mm, mass_g, and optional stop, rotation,
 * fragile, max_load_g) or a vehicle catalog (kind, length_mm, width_mm,
 * height_mm, payload_g, and optional door, count, cost, axle1_x_mm,
 * axle1_max_g, axle2_x_mm, axle2_max_g, axle1_tare_g, axle2_tare_g). The arrays come from ctx (free
 * with bx_free); `where` of each row points into memory that lives until
 * the matching _free call. Use one bx_load_input per file. Errors name
 * file, line and column:
 * BX_EINPUT, BX_EIO, BX_ENOMEM. */
typedef struct bx_load_input {
    bx_load_parcel *parcels;
    size_t nparcels;
    bx_load_vehicle *vehicles;
    size_t nvehicles;
    char *name;            /* the file name the locations point to */
} bx_load_input;

BX_API bx_status bx_load_read_parcels(bx_ctx *ctx, const char *path, bx_load_input *in);
BX_API bx_status bx_load_read_parcels_mem(bx_ctx *ctx, const char *name, const void *data,
                                          size_t size, bx_load_input *in);
BX_API bx_status bx_load_read_vehicles(bx_ctx *ctx, const char *path, bx_load_input *in);
BX_API bx_status bx_load_read_vehicles_mem(bx_ctx *ctx, const char *name, const void *data,
                                           size_t size, bx_load_input *in);
/* Free what the readers put in *in (parcels and vehicles). */
BX_API void bx_load_input_free(bx_ctx *ctx, bx_load_input *in);

/* ---- parcels from packing results --------------------------------------- */

/* Each packed box becomes a parcel: id "<order_id>/<box_seq>", the box
 * type's OUTER size from the catalog it was packed with, its gross mass
 * (contents plus tare, as boxcar pack reports it) and stop `stop` (0 =
 * none). How it travels comes from its contents: fragile (nothing loaded
 * on it) when a unit in it is fragile; rotation upright when a unit is
 * upright or fixed (the box's height stays vertical), else any; no limit
 * on what rests on a box that is not fragile (the catalog gives no crush
 * strength; a unit's max_load_g applies inside its box). Units the
 * packing left out are not parcels.
 *
 * bx_load_parcels_from_pack appends the boxes of one order's result to
 * in->parcels (call it once per order). Errors: BX_EINVAL, BX_EINPUT (the
 * box type has no outer size, or the parcel id would be over 63 bytes;
 * the message names the order and box), BX_ENOMEM.
 *
 * bx_load_read_packed reads what `boxcar pack --format json` writes (JSON
 * Lines, one object per order) or `--format cbor` (a CBOR sequence of the
 * same maps) into in->parcels, the format told from the first byte. From
 * each box it takes box_seq, outer_l_mm, outer_w_mm, outer_h_mm,
 * gross_weight_g, fragile and rotation; an order object may carry "stop"
 * (an integer, else `stop` is used). Errors name file, line (JSON) or
 * record (CBOR) and field (e.g. boxes[2].outer_l_mm): BX_EINPUT, BX_EIO,
 * BX_ENOMEM, BX_EUNSUPPORTED (JSON or CBOR left out of the build). */
BX_API bx_status bx_load_parcels_from_pack(bx_ctx *ctx, const bx_order *order,
                                           const bx_pack_result *result, uint32_t stop,
                                           bx_load_input *in);
BX_API bx_status bx_load_read_packed(bx_ctx *ctx, const char *path, uint32_t stop,
                                     bx_load_input *in);
BX_API bx_status bx_load_read_packed_mem(bx_ctx *ctx, const char *name, const void *data,
                                         size_t size, uint32_t stop, bx_load_input *in);

/* Stops of packed orders from a file of order_id,stop rows (CSV, JSON or
 * CBOR): every parcel of in whose id is "<order_id>/<box_seq>" of a listed
 * order gets its stop; others keep theirs. An order listed twice is
 * BX_EINPUT (file, line, field); an order with no parcel is warned about.
 * Errors: BX_EINVAL, BX_EINPUT, BX_EIO, BX_ENOMEM. */
BX_API bx_status bx_load_read_stops(bx_ctx *ctx, const char *path, bx_load_input *in);
BX_API bx_status bx_load_read_stops_mem(bx_ctx *ctx, const char *name, const void *data,
                                        size_t size, bx_load_input *in);

/* ---- plans out ----------------------------------------------------------- */

/* Write a plan in one of boxcar pack's formats (boxcar/pack_io.h):
 *   table: per vehicle a summary line, then its parcels in loading order;
 *     unplaced parcels with their reasons at the end.
 *   csv: one row per placed parcel, then one per unplaced parcel:
 *     vehicle_seq,kind,parcel_id,stop,seq,step,x_mm,y_mm,z_mm,l_mm,w_mm,
 *     h_mm,mass_g,reason (placed rows leave reason empty; unplaced rows
 *     leave vehicle_seq..h_mm empty)
 *   json: one object {"vehicles":[...],"unplaced":[...]} (see
 *     docs/formats.md), ending in "\n".
 *   cbor: the same as one CBOR map.
 * Load factors are written with 4 decimals, the centre of gravity and
 * axle shares with 1 (mm, g). parcels and catalog must be the ones the
 * plan was made from. Errors: BX_EINVAL, BX_EIO (from write),
 * BX_EUNSUPPORTED (CBOR left out of the build). */
BX_API bx_status bx_load_write(bx_ctx *ctx, bx_pack_format format, const bx_load_parcel *parcels,
                               size_t n, const bx_load_vehicle *catalog, size_t nv,
                               const bx_load_plan *plan, bx_write_fn write, void *ud);

/* bx_load_write with the table's words in language lang: "en" (or NULL)
 * or "zh-CN" (Chinese); CSV, JSON and CBOR keep their machine keys in
 * every language. BX_EINVAL for another language. */
BX_API bx_status bx_load_write_lang(bx_ctx *ctx, bx_pack_format format, const char *lang,
                                    const bx_load_parcel *parcels, size_t n,
                                    const bx_load_vehicle *catalog, size_t nv,
                                    const bx_load_plan *plan, bx_write_fn write, void *ud);

/* The measured load factors per vehicle, for a carbon leg:
 *   vehicle_seq,kind,load_factor_mass,load_factor_volume
 * (4 decimals; mass = load / payload, volume = parcel volume / inner
 * volume). */
BX_API bx_status bx_load_write_factors(bx_ctx *ctx, const bx_load_vehicle *catalog, size_t nv,
                                       const bx_load_plan *plan, bx_write_fn write, void *ud);

/* An SVG picture of vehicle `vehicle` (0-based index into plan->vehicles)
 * with the parcels of loading steps 1..upto_step (0 = all), drawn as boxcar
 * pack draws a box, with the legend of bx_load_svg_lang in English. Errors: BX_EINVAL (no such vehicle), BX_ELIMIT (more
 * than BX_PACK_SVG_MAX_UNITS parcels), BX_ENOMEM, BX_EIO. */
BX_API bx_status bx_load_svg(bx_ctx *ctx, const bx_load_parcel *parcels, size_t n,
                             const bx_load_vehicle *catalog, size_t nv, const bx_load_plan *plan,
                             size_t vehicle, uint32_t upto_step, bx_write_fn write, void *ud);

/* bx_load_svg with the legend in language lang ("en" or NULL, "zh-CN"):
 * the vehicle (n of all) and its kind, the step (k of all) when
 * upto_step > 0, its inner size, the parcels drawn and their mass, and
 * the load factors by mass and volume of the parcels drawn. */
BX_API bx_status bx_load_svg_lang(bx_ctx *ctx, const char *lang, const bx_load_parcel *parcels,
                                  size_t n, const bx_load_vehicle *catalog, size_t nv,
                                  const bx_load_plan *plan, size_t vehicle, uint32_t upto_step,
                                  bx_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif

#endif
