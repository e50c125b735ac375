/*
 * pack_internal.h: what the parts of the packing engine share.
 *
 * The engine turns an order into units (one per item of qty), packs them
 * into bins (a bin is one box of a catalog type being filled) with extreme
 * points, and searches over unit orderings, merit functions and box types
 * within a work budget. All arrays live in the engine and grow only, so a
 * warmed-up engine packs without allocating.
 */
#ifndef BOXCAR_PACK_INTERNAL_H
#define BOXCAR_PACK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "boxcar/pack.h"
#include "internal.h"

/* A box's inner volume in mm^3 (int64: 3 int32 lengths do not overflow it). */
static inline int64_t pk_inner_volume(const bx_box *b)
{
    return (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
}

/* ceil(a / b) for b > 0, also for negative a (rounded toward +inf); 0 when
 * b <= 0 (no box, no bound). */
static inline int64_t pk_ceil_div(int64_t a, int64_t b)
{
    if (b <= 0)
        return 0;
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/* One physical item to place. */
typedef struct pk_unit {
    int32_t dim[3];        /* l, w, h as given (h vertical for upright) */
    int32_t orient[6][3];  /* allowed placed extents (x, y, z), deduplicated */
    uint8_t norient;
    uint8_t rotation;      /* bx_rotation in force */
    bool fragile;
    bool alone;
    int32_t group;         /* -1: none; else a dense group number */
    int64_t volume;        /* mm^3 */
    int64_t weight_g;
    int64_t max_load_g;    /* what may rest on it; -1 unlimited (fragile: 0,
                              but fragile units carry nothing at all) */
    uint32_t line;         /* index into the order's lines */
    uint32_t unit;         /* index within the line */
} pk_unit;

/* A unit placed in a bin. */
typedef struct pk_item {
    uint32_t unit;         /* index into the engine's units */
    int32_t x, y, z;
    int32_t l, w, h;       /* extent along x, y, z */
} pk_item;

/* A candidate position. */
typedef struct pk_point {
    int32_t x, y, z;
} pk_point;

/* One bin being filled. Its arrays grow through the engine's context and
 * are kept when the bin is reset, so a warmed-up engine does not allocate. */
typedef struct pk_bin {
    uint32_t box;          /* catalog index */
    int32_t L, W, H;       /* inner size */
    int64_t max_payload_g; /* max_weight_g - tare_g */
    int64_t weight_g;      /* items so far */
    int64_t volume;        /* item volume so far */
    int32_t env[3];        /* extent of the load along x, y, z */
    bool has_fragile;
    bool closed;           /* holds an `alone` unit: takes nothing else */
    pk_item *items;
    uint32_t nitems, icap;
    pk_point *points;
    uint32_t npoints, pcap;
} pk_bin;

/* Merit functions for choosing among candidate positions. */
typedef enum pk_merit {
    PK_MERIT_BLF = 0,      /* lowest z, then y, then x (stable stacking) */
    PK_MERIT_ENVELOPE = 1, /* smallest bounding envelope of the bin's load */
    PK_MERIT_CONTACT = 2,  /* most surface in contact with walls and items */
    PK_MERIT_TILE = 3,     /* lowest z, then the least room left over that
                              copies of the unit could not fill */
    PK_MERIT_COUNT
} pk_merit;

/* A packing: a list of bins. The engine keeps several (current, best,
 * scratch) and copies between them; bins past nbins keep their arrays for
 * reuse. */
typedef struct pk_bins {
    pk_bin *bins;
    uint32_t nbins, capbins;
    uint32_t nleft;        /* units left out: no box with stock holds them */
} pk_bins;

/* Rules every placement obeys beyond geometry, payload and fragility. */
typedef struct pk_rules {
    bool support;          /* stable placements (bx_support) */
    int32_t support_pct;   /* share of the base that must rest on something */
    uint32_t max_units;    /* per bin; 0: no limit */
    uint32_t max_fill_pct; /* item volume per inner volume; 0: no limit */
    bool loads;            /* some unit has a load limit: check loads */
    bool ties_last;        /* equal merits: the later orientation wins */
    double *load;          /* scratch for the load check, one per unit + 1 */
    uint32_t *by_z;        /* scratch for the load check, one per unit + 1 */
} pk_rules;

typedef struct pk_work {
    uint64_t used;
    uint64_t budget;
} pk_work;

static inline bool pk_out_of_work(const pk_work *w)
{
    return w->used >= w->budget;
}

/* ---- extreme_points.c ---------------------------------------------------- */

/* Empty a bin for catalog box `box`. */
void bxi_pk_bin_reset(pk_bin *b, uint32_t box, const bx_box *bx);

/* Make room for one more item and its new points, growing to at least
 * floor_items items when it grows at all. BX_ENOMEM on failure. */
bx_status bxi_pk_bin_reserve(bx_ctx *ctx, pk_bin *b, uint32_t floor_items);

/* Bins grow to hold this many items at once (see bxi_pk_bin_reserve), up to
 * this many: beyond it, orders still pack but may allocate when warm. */
#define PK_BIN_FLOOR_MAX 4096u

/* Try to place unit u in bin b at the best position by `merit` (call
 * bxi_pk_bin_reserve first). Counts one unit of work per (point, orientation)
 * tried. Returns true and records the item if it fits (geometry, payload,
 * fragile rules and `rules`). */
bool bxi_pk_bin_insert(pk_bin *b, const pk_unit *units, uint32_t u, pk_merit merit,
                   const pk_rules *rules, pk_work *work);

/* Place unit u in an empty bin at the origin in orientation `orient`;
 * false if it does not fit that way. */
bool bxi_pk_bin_place_first(pk_bin *b, const pk_unit *units, uint32_t u, int orient,
                            const pk_rules *rules);

/* Place unit u at (x, y, z) with extents (l, w, h), which must be one of
 * its orientations, if the bin and the rules allow it there (call
 * bxi_pk_bin_reserve first). Counts one unit of work. */
bool bxi_pk_bin_place_at(pk_bin *b, const pk_unit *units, uint32_t u, int32_t x, int32_t y,
                         int32_t z, int32_t l, int32_t w, int32_t h, const pk_rules *rules,
                         pk_work *work);

/* Copy bin src into dst (growing dst's arrays). */
bx_status bxi_pk_bin_copy(bx_ctx *ctx, pk_bin *dst, const pk_bin *src);

/* Would this box hold unit u on its own (size in an allowed orientation,
 * payload, and the rules' fill limit)? */
bool bxi_pk_unit_fits_box(const pk_unit *u, const bx_box *box, const pk_rules *rules);

/* ---- validate.c ------------------------------------------------------------ */

/* What the whole catalog says of one unit of line l on its own, as the
 * validator judges an unpacked entry's reason: a box fits its size
 * (turned as rule allows, within opt's fill limit); a box also bears its
 * weight (a machine: in the box it cuts for it); one of those the order
 * may use (opt->box_allowed); one of those still in stock (opt->stock, else
 * the catalog's) after used[k] boxes of each type. opt may be NULL. */
typedef struct bxi_pk_unit_facts {
    bool fits, holds, allowed, in_stock;
} bxi_pk_unit_facts;
bxi_pk_unit_facts bxi_pk_unit_facts_of(const bx_order_line *l, bx_rotation rule,
                                       const bx_catalog *cat, const bx_pack_options *opt,
                                       const uint64_t *used);

/* ---- engine.c -------------------------------------------------------------- */

/* Scratch memory from the engine (valid until the next call that asks for
 * scratch or packs); NULL with BX_ENOMEM recorded on failure. */
void *bxi_pk_engine_scratch(bx_engine *e, size_t bytes);

#endif
