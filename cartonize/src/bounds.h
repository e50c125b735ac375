/*
 * bounds.h: lower bounds on the number of bins (Martello, Pisinger and
 * Vigo 2000), generalised to rotation rules. Contract shared by bounds.c
 * and the engine.
 */
#ifndef BOXCAR_BOUNDS_H
#define BOXCAR_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/records.h"

/* Bytes of scratch bxi_pk_lower_bound needs for n units. */
size_t bxi_pk_lower_bound_scratch(size_t n);

/* max(L0, L1, L2) for n units (dims[i] = l, w, h; rot[i] their rules) in
 * bins of inner size L x W x H; each bound in lbs[0..2] when lbs is not
 * NULL. scratch holds bxi_pk_lower_bound_scratch(n) bytes, aligned for any
 * type. Every unit must fit the bin in some allowed orientation. */
uint32_t bxi_pk_lower_bound(const int32_t (*dims)[3], const bx_rotation *rot, size_t n,
                        int32_t L, int32_t W, int32_t H, uint32_t lbs[3], void *scratch);

/* The conflict-clique bound (see bounds.c): a set of units pairwise unable
 * to share a bin needs a bin each. */
typedef struct bxi_pk_clique {
    uint32_t size;  /* units of the largest such set found: a bound on the bins */
    uint32_t graph; /* units in conflict with at least one other (searched) */
    uint64_t nodes; /* search nodes used */
    bool exact;     /* the search finished: size is a maximum clique */
} bxi_pk_clique;

/* Search nodes the engine allows the clique search per call. */
#define BXI_PK_CLIQUE_NODES 20000u

/* A bin type for the clique bound: inner size and payload. */
typedef struct bxi_pk_bin {
    int32_t dim[3];    /* l, w, h */
    int64_t payload_g; /* max weight less tare */
} bxi_pk_bin;

/* Bin types bxi_pk_clique_bound tells apart (more: pass their envelope). */
#define BXI_PK_CLIQUE_MAX_BINS 16

/* Bytes of scratch bxi_pk_clique_bound needs for n units and nbins types
 * (SIZE_MAX when nbins is over BXI_PK_CLIQUE_MAX_BINS). */
size_t bxi_pk_clique_scratch(size_t n, size_t nbins);

/* The conflict-clique bound for n units (dims[i] = l, w, h; rot[i] their
 * rules; mass_g[i] their masses, or mass_g NULL to ignore masses) packed
 * in bins of the types bins[0..nbins), nbins <= BXI_PK_CLIQUE_MAX_BINS.
 * Two units conflict when they can share a bin of no type: in each type,
 * one of them fits in no allowed orientation or is over the payload, their
 * masses together exceed the payload, or in no pair of allowed
 * orientations that fit they stand side by side along some axis. Units
 * that fit no type are left out. The search stops after node_limit nodes
 * with the largest set found so far, still a valid bound. Returns
 * out->size; scratch holds bxi_pk_clique_scratch(n, nbins) bytes, aligned
 * for any type. */
uint32_t bxi_pk_clique_bound(const int32_t (*dims)[3], const bx_rotation *rot,
                             const int64_t *mass_g, size_t n, const bxi_pk_bin *bins,
                             size_t nbins, uint64_t node_limit, bxi_pk_clique *out,
                             void *scratch);

#endif
