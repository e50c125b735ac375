/*
 * exact_packer.h: an exhaustive packer for tiny cases, the second method
 * the tests hold the engine and the lower bounds against. Slow by design:
 * a few units, small integer sizes.
 */
#ifndef BOXCAR_EXACT_PACKER_H
#define BOXCAR_EXACT_PACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "boxcar.h"

#define EX_MAX_UNITS 6
#define EX_MAX_BOXES 8

typedef struct ex_unit {
    int32_t dim[3];   /* l, w, h as given; h vertical */
    bx_rotation rot;
    bool fragile;     /* nothing may be above it over its footprint */
    bool alone;       /* in a box of its own */
    int group;        /* -1: none; units of one group share a box */
    int64_t weight_g;
} ex_unit;

typedef struct ex_place {
    int32_t x, y, z, l, w, h;
} ex_place;

/* Do units[0..n) (n <= EX_MAX_UNITS) fit together in one L x W x H box,
 * each in an orientation its rule allows, none overlapping, nothing above
 * a fragile unit's footprint? Exact. Weight, `alone` and groups are not
 * looked at here. When it fits and out is not NULL, out[i] is a packing.
 * *nodes (if not NULL) is increased by the number of positions tried. */
bool ex_fits(const ex_unit *units, int n, int32_t L, int32_t W, int32_t H, ex_place *out,
             uint64_t *nodes);

typedef struct ex_box {
    int32_t L, W, H;
    int64_t payload_g; /* max_weight_g - tare_g */
    int64_t stock;     /* < 0: unlimited */
} ex_box;

typedef struct ex_solution {
    int nboxes;
    int64_t volume;        /* total inner volume of the boxes used */
    int box_of[EX_MAX_UNITS]; /* block number of each unit */
    int type_of[EX_MAX_UNITS]; /* box type of each block */
} ex_solution;

/* The best packing of units[0..n) (n <= EX_MAX_UNITS) into boxes of the
 * types boxes[0..nb) (nb <= EX_MAX_BOXES): fewest boxes, then least total
 * inner volume, respecting orientations, fragile units, payloads, `alone`,
 * groups and stock. Exhaustive over set partitions and box types. Returns
 * false when no packing holds every unit. */
bool ex_min_boxes(const ex_unit *units, int n, const ex_box *boxes, int nb, ex_solution *sol);

#endif
