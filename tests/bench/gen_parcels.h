/*
 * gen_parcels.h: a seeded generator of multi-stop parcel sets for one van
 * (benchmarks, tests and the sample file). Same seed, same parcels, on
 * every machine (splitmix64, integer arithmetic only).
 */
#ifndef BOXCAR_GEN_PARCELS_H
#define BOXCAR_GEN_PARCELS_H

#include <stddef.h>
#include <stdint.h>

#include "boxcar.h"

/* n parcels over `stops` stops (1..stops, each used at least once when
 * n >= stops) into out[0..n). Sizes are express cartons 1#-8# of the
 * cn-express series (outer mm), masses from 80 to 250 kg/m3 of volume;
 * about 70 % upright, 5 % fragile, 10 % with a 20 kg load limit. */
void gen_parcels(uint64_t seed, int stops, int n, bx_load_parcel *out);

/* The parcels as a parcels CSV (boxcar load --parcels) to path; 0 or -1. */
int gen_parcels_write_csv(const char *path, const bx_load_parcel *p, int n);

#endif
