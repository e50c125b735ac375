/*
 * bench_common.h: reading the shared benchmark data (../shared/bench) for
 * the packing benchmarks and the scenario test.
 *
 * The data sets are small CSV files (at most a few MB), so a table is read
 * whole into memory with the library's own CSV reader (bx_csv_*) and looked
 * up by column name. Problems are printed to stderr with file, line and
 * column: this is program code around the library, not the library.
 *
 * The BoxPacker data names its axes w, l, d with d vertical; boxcar names
 * them l, w, h with h vertical. The helpers below map BoxPacker's l to
 * boxcar's l, w to w and d to h, for boxes and items alike, so an item's
 * upright ("keep flat") rule keeps the same axis vertical in both.
 */
#ifndef BOXCAR_BENCH_COMMON_H
#define BOXCAR_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar.h"

/* The data directory: `arg` when given, else the compiled-in
 * BOXCAR_SHARED_BENCH (the project's ../shared/bench). */
const char *bench_data_dir(const char *arg);

/* dir + "/" + rel into buf; false if it does not fit. */
bool bench_path(char *buf, size_t size, const char *dir, const char *rel);

/* True when every file of the NULL-terminated list `rels` exists under dir.
 * Otherwise prints which one is missing (prefixed by `who`) and returns
 * false, so a caller can skip with a clear message. */
bool bench_data_present(const char *who, const char *dir, const char *const *rels);

/* A whole CSV file: the header and every row, each field a NUL-terminated
 * string. */
typedef struct bench_table {
    char *path;
    size_t ncols, nrows;
    char **header;    /* ncols names */
    size_t *offsets;  /* nrows * ncols offsets into text */
    uint64_t *lines;  /* source line of each row */
    char *text;
    size_t text_len, text_cap, offsets_cap;
} bench_table;

/* Read `path` whole. Every row must have as many fields as the header.
 * Returns false (and prints why) on any problem. */
bool bench_table_load(const char *path, bench_table *t);
void bench_table_free(bench_table *t);

/* Column index by exact name, or -1 (printing that it is missing). */
int bench_col(const bench_table *t, const char *name);
/* Column index by name, or -1 without a message (optional columns). */
int bench_col_opt(const bench_table *t, const char *name);

/* Field (row, col); col must be valid. */
const char *bench_str(const bench_table *t, size_t row, int col);

/* Parse field (row, col) as a decimal integer in [lo, hi] (or a finite
 * number for bench_real). False, with a message naming file:line:column, if
 * it is not one. */
bool bench_int(const bench_table *t, size_t row, int col, int64_t lo, int64_t hi,
               int64_t *out);
bool bench_real(const bench_table *t, size_t row, int col, double *out);

/* "keep_flat"/"keepflat" -> upright, "best_fit"/"bestfit" -> any. */
bool bench_boxpacker_rotation(const char *s, bx_rotation *out);
/* The peer files' spelling of a boxcar rotation: "keepflat" or "bestfit". */
const char *bench_boxpacker_mode(bx_rotation rot);

/* A BoxPacker box row (box_id, outer_w_mm, outer_l_mm, outer_d_mm,
 * empty_weight_g, inner_w_mm, inner_l_mm, inner_d_mm, max_weight_g) as a
 * boxcar box. BoxPacker accepts boxes that boxcar's rules reject: a
 * max_weight of 0, and an empty weight equal to the max weight (only
 * weightless items fit). Such a box gets max_weight_g = max(1, max - empty)
 * and no tare, which admits the same items when they weigh nothing (the only
 * case in the data); *adjusted says it happened. */
bool bench_boxpacker_box(const bench_table *t, size_t row, bx_box *out, bool *adjusted);

/* A BoxPacker item row (item_id, qty, w_mm, l_mm, d_mm, weight_g) as an
 * order line of `order_id` with rotation `rot`. */
bool bench_boxpacker_line(const bench_table *t, size_t row, const char *order_id,
                          bx_rotation rot, bx_order_line *out);

/* Monotonic wall-clock seconds. */
double bench_now_s(void);

/* Sort helper for latency percentiles: the p-quantile (0..1) of v[0..n),
 * which it sorts in place; 0 for n == 0. */
double bench_quantile(double *v, size_t n, double p);

/* ---- demo orders held in memory, and allocations counted --------------- */

/* An order file read whole: order i is lines[start[i] .. start[i+1]). */
typedef struct bench_orders {
    bx_order_line *lines;
    size_t nlines, cap;
    size_t *start;
    size_t n, scap;
} bench_orders;

/* Read every order of `path` (any format; failed orders skipped). 0, or
 * -1 after printing why. */
int bench_orders_read(bx_ctx *ctx, const char *path, bench_orders *o);
void bench_orders_free(bench_orders *o);

/* A context allocator (malloc) that counts the allocations made. */
typedef struct bench_counting {
    uint64_t calls;
} bench_counting;
void *bench_count_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

#endif
