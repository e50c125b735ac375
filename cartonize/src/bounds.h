/*
 * bounds.h: lower bounds on the number of bins (Martello, Pisinger and
 * Vigo 2000), generalised to rotation rules. Contract shared by bounds.c
 * and the engine.
 */
#ifndef BOXCAR_BOUNDS_H
#define BOXCAR_BOUNDS_H

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

#endif
