/*
 * load_internal.h: the container-loading engine behind boxcar/load.h.
 *
 * One container, box types with quantities, maximise the loaded volume
 * (the Bischoff-Ratcliff problem). Block building over maximal residual
 * spaces, after Fanslau & Bortfeldt (2010, CLTRS) and Parreño et al.
 * (2008): boxes are first combined into blocks (a simple block is
 * nx*ny*nz boxes of one type in one orientation); a plan is a sequence of
 * blocks, each put in a corner of a residual space; the search ranks the
 * blocks that fit the next space by a fitness that charges the space they
 * make unusable (load_fit.c), tries the best few and completes each plan
 * greedily, keeping the block whose completion loads the most.
 *
 * Full support: every residual space's floor is fully supported (by the
 * container's floor or by the top of a block, whose usable top area is
 * recorded with the block), and every block is internally fully supported,
 * so every box rests on its whole base.
 *
 * Not installed; names carry the bxi_ prefix.
 */
#ifndef BOXCAR_LOAD_INTERNAL_H
#define BOXCAR_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef struct bxi_cl_type {
    int32_t d[3];        /* edge lengths, mm */
    bool vert_ok[3];     /* edge i may stand vertical */
    uint32_t qty;
    int64_t mass_g;      /* per box */
    bool no_top;         /* fragile: nothing on top */
    bool fixed;          /* only as given (x, y, z = d[0], d[1], d[2]) */
    int64_t max_load_g;  /* < 0: no limit */
    uint32_t group;      /* stop rank or 0; only types of the active group load */
} bxi_cl_type;

/* A block: boxes of type `a`, extent od[], repeated n[] times along x, y,
 * z. */
typedef struct bxi_cl_block {
    int32_t d[3];      /* extent along x, y, z */
    int32_t top[2];    /* supported top area from the block's origin corner */
    int64_t vol;       /* volume of its boxes */
    int64_t mass_g;
    uint32_t comp_off; /* composition: pairs in the problem's comp pool */
    uint32_t comp_n;
    uint32_t a;
    int32_t od[3];
    uint16_t n[3];
    uint64_t hash;
} bxi_cl_block;

typedef struct bxi_cl_comp {
    uint32_t type, count;
} bxi_cl_comp;

typedef struct bxi_cl_space {
    int32_t p[3], d[3];
} bxi_cl_space;

/* One placed box. */
typedef struct bxi_cl_box {
    uint32_t type;
    int32_t p[3], d[3];
    uint32_t step;     /* block number in loading order, from 1 */
} bxi_cl_box;

typedef struct bxi_cl_problem {
    int32_t c[3];                 /* container inner extent x, y, z */
    const bxi_cl_type *types;
    size_t ntypes;
    bool support;                 /* full support */
    int64_t payload_g;            /* INT64_MAX: no limit */
    uint64_t budget;              /* work units; 0 = default */
    uint32_t max_blocks;          /* 0 = default */
    int32_t door_x;               /* > 0: LIFO by group toward x = c[0] */
    bool ceiling;                 /* without support and groups: a space's
                                   * corner may also be judged and filled
                                   * from the container's ceiling */
} bxi_cl_problem;

typedef struct bxi_cl_result {
    bxi_cl_box *boxes;
    size_t nboxes, cap;
    int64_t vol, mass_g;
    uint64_t work;
    uint32_t nblocks;             /* blocks generated */
} bxi_cl_result;

#define BXI_CL_DEFAULT_BUDGET 450000000u
#define BXI_CL_DEFAULT_BLOCKS 10000u
/* Up to this length on every axis a volume (mm^3) fits in an int64_t. */
#define BXI_CL_VOL_MAX_MM (1 << 20)

/* Blocks (load_blocks.c). */
typedef struct bxi_cl_blocks {
    bxi_cl_block *b;
    size_t n, cap;
    bxi_cl_comp *comp;
    size_t ncomp, compcap;
    uint32_t *order;   /* block indices by volume, largest first */
    uint64_t work;
} bxi_cl_blocks;

bx_status bxi_cl_blocks_make(bx_ctx *ctx, const bxi_cl_problem *pb, uint64_t work_cap,
                             bxi_cl_blocks *out);
void bxi_cl_blocks_free(bx_ctx *ctx, bxi_cl_blocks *bl);

/* Block fitness (load_fit.c). r[k][L]: the longest sum of box edges that
 * may lie along axis k and is at most L (NULL: axis too long for a table,
 * every length reachable). */
typedef struct bxi_cl_reach {
    int32_t *r[3];
    int32_t c[3];
    uint64_t work;
} bxi_cl_reach;

bx_status bxi_cl_reach_make(bx_ctx *ctx, const bxi_cl_problem *pb, bxi_cl_reach *out);
void bxi_cl_reach_free(bx_ctx *ctx, bxi_cl_reach *r);
/* Block b in a corner of space s: its box volume, minus the space's volume
 * that no sum of box edges can use any more, minus the empty volume inside
 * b's bounding box (mm^3; larger is better). */
int64_t bxi_cl_fitness(const bxi_cl_reach *r, const bxi_cl_space *s, const bxi_cl_block *b);

/* Solve (load_search.c). The result's arrays come from ctx; free with
 * bxi_cl_result_free. */
bx_status bxi_cl_solve(bx_ctx *ctx, const bxi_cl_problem *pb, bxi_cl_result *out);
void bxi_cl_result_free(bx_ctx *ctx, bxi_cl_result *r);

#endif
