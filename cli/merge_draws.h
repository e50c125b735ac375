/*
 * merge_draws.h: the per-draw totals in `boxcar merge` (merge_draws.c).
 */
#ifndef BOXCAR_CLI_MERGE_DRAWS_H
#define BOXCAR_CLI_MERGE_DRAWS_H

#include <stdbool.h>

#include "boxcar.h"

/* Whether path holds draw totals (`boxcar carbon --draws`): its first line
 * starts with the column "draw". Other files are read as totals. */
bool merge_draws_is(const char *path);

/* The merged draws d belong to the merged totals t: the same factor set
 * and the same shipments, so no shard's draws are missing or extra.
 * Prints why not and returns false. */
bool merge_draws_match(const bx_draw_totals *d, bx_carbon_totals *t);

/* The run total's interval from the merged draws, as `boxcar carbon`
 * prints it in its summary (stderr). */
void merge_draws_summary(const bx_draw_totals *d);

#endif
