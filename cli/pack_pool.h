/*
 * pack_pool.h: `boxcar pack --pool`: the command's side of packing into a
 * pool's containers (the packing itself is bx_pool_packer's): opening the
 * journal, the --issued CSV, and what is printed.
 */
#ifndef BOXCAR_CLI_PACK_POOL_H
#define BOXCAR_CLI_PACK_POOL_H

#include "cli.h"

typedef struct pack_pool pack_pool;

/* Open the pool's journal for writing (group commit) and a packer at
 * `station`, under `policy` if not NULL (returns_accepted for its table).
 * issued_path (may be NULL): a CSV of the containers issued. Failures the
 * library has no message for are printed here, and then *printed is set
 * (by this and the calls below). */
bx_status pack_pool_open(bx_ctx *ctx, pack_pool **out, const char *journal,
                         const char *station, const char *token_file,
                         const bx_catalog *catalog,
                         bx_policy *policy, bool returns_accepted, int64_t at,
                         const char *issued_path, bool *printed);

/* Pack an order (bx_pool_packer_pack; opts->stock is the cartons'). */
bx_status pack_pool_pack(pack_pool *pp, bx_engine *engine, const bx_order *order,
                         const bx_pack_options *opts, const bx_pack_result **result);

/* The order and options the result was packed with, for --check. */
void pack_pool_packed_as(const pack_pool *pp, bx_order *order, bx_pack_options *opts);

/* Issue the containers of the last result: one batch in the journal,
 * named by order, and their rows of the CSV. */
bx_status pack_pool_issue(pack_pool *pp, const bx_order *order, const bx_pack_result *result);

/* Make the issues durable and write the CSV; then pack_pool_close. */
bx_status pack_pool_finish(pack_pool *pp);
/* Containers issued, and the journal records that hold them (0 if none). */
void pack_pool_counts(const pack_pool *pp, uint64_t *issued, uint64_t *first_record,
                      uint64_t *last_record);
/* NULL is a no-op. Drops an unfinished CSV. */
void pack_pool_close(pack_pool *pp);

#endif
