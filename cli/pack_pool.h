/*
 * pack_pool.h: `boxcar pack --pool`: pack into reusable containers when
 * the station has fitting ones, and record their issue in the pool.
 */
#ifndef BOXCAR_CLI_PACK_POOL_H
#define BOXCAR_CLI_PACK_POOL_H

#include "cli.h"

typedef struct pack_pool pack_pool;

/* Open the pool's journal for writing (group commit) at `station`.
 * issued_path (may be NULL): a CSV of the containers issued. Failures the
 * library has no message for are printed here, and then *printed is set
 * (by this and the calls below). */
bx_status pack_pool_open(bx_ctx *ctx, pack_pool **out, const char *journal,
                         const char *station, const bx_catalog *catalog, int64_t at,
                         const char *issued_path, bool *printed);

/* Pack an order twice: into the station's ready reusable containers only,
 * and into everything (cartons from carton_stock, NULL for the catalog's,
 * plus the ready containers). The reusable packing wins when it packs every
 * unit in no more boxes. *opts gets the stock the winner was packed with
 * (owned by pp, valid until the next call), for checking it. */
bx_status pack_pool_pack(pack_pool *pp, bx_engine *engine, const bx_order *order,
                         bx_pack_options *opts, const int64_t *carton_stock,
                         const bx_pack_result **result);

/* Issue a container for each reusable box of the result: one batch in the
 * journal, named by order. */
bx_status pack_pool_issue(pack_pool *pp, const bx_order *order, const bx_pack_result *result);

/* Make the issues durable and write the CSV; then pack_pool_close. */
bx_status pack_pool_finish(pack_pool *pp);
/* Containers issued, and the journal records that hold them (0 if none). */
void pack_pool_counts(const pack_pool *pp, uint64_t *issued, uint64_t *first_record,
                      uint64_t *last_record);
/* NULL is a no-op. Drops an unfinished CSV. */
void pack_pool_close(pack_pool *pp);

#endif
