/*
 * gen_carbon.h: a synthetic carbon result for benchmarks.
 */
#ifndef BOXCAR_BENCH_GEN_CARBON_H
#define BOXCAR_BENCH_GEN_CARBON_H

#include <stdint.h>

/* Write n shipments as `boxcar carbon -o` writes them (CSV, grams with
 * three decimals) to per_shipment, and their exact totals as `--totals`
 * writes them to totals: 24 routes (4 with an air leg, 4 with rail), 12
 * months of 2025, 14 packagings, three data-quality classes, factor set
 * cn-2023 2023.1. A fixed-seed generator: the same n gives the same bytes.
 * 0, or -1 if a file could not be written. */
int bench_write_carbon(const char *per_shipment, const char *totals, uint64_t n);

#endif
