/*
 * boxcar/pool_pack.h: packing orders into the reusable containers of a
 * pool (boxcar/pool.h) at one station, and issuing the containers used.
 *
 * Packing and issuing are two steps, so that a caller can look at the
 * result (validate it, refuse it) before anything is recorded:
 *
 *   bx_pool_packer_pack    packs one order and picks, for each box of a
 *                          reusable type, a real container ready at the
 *                          station (those ready longest first); nothing
 *                          is recorded and the pool is unchanged.
 *   bx_pool_packer_issue   records the picked containers as issued to the
 *                          order: one batch, one journal record. The
 *                          next order then sees fewer containers.
 *
 * Without a policy an order is packed twice: into the station's ready
 * containers alone, and into everything (cartons and containers); the
 * containers-only packing wins when it holds every unit in no more boxes.
 * With a policy (boxcar/policy.h) the order is packed once under it, and
 * the availability table its hooks see is the pool's: for each reusable
 * type of the catalog, the containers of that type ready at the station
 * (returns_accepted from the options). choose_container names the type
 * to take each reusable box's container from; it must be the box's own
 * type (a container of another type may not hold that packing), and nil,
 * or no such hook, means the box's own type.
 *
 * The pool's state is the only stock of containers: a packer keeps no
 * count of its own, so every order packed after an issue, in this packer
 * or another one on the same pool, sees what is left. Between a pack and
 * its issue, nothing else may issue from the pool (a packer, like the
 * pool, is single-threaded).
 *
 * Present when the library was built with CBOR (BOXCAR_HAVE_CBOR); with a
 * policy, also Lua.
 */
#ifndef BOXCAR_POOL_PACK_H
#define BOXCAR_POOL_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/pack.h"
#include "boxcar/policy.h"
#include "boxcar/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_pool_packer bx_pool_packer;

typedef struct bx_pool_packer_options {
    /* The station whose ready containers are used (copied). Required. */
    const char *station_id;
    /* Pack under this policy (borrowed; loaded for the same catalog, and
     * must outlive the packer). NULL: containers-only versus everything.
     * While the packer is in use it owns the policy's availability table
     * (bx_policy_set_pool): it sets it before each order. */
    bx_policy *policy;
    /* What the policy's table says of the destination: it takes containers
     * back. Default true; ignored without a policy. */
    bool returns_accepted;
    /* The operator packing (copied), in a pool with operators: it packs
     * only at a station it may see, into containers it holds, and the
     * issues are recorded as its (by). NULL: a pool without operators. */
    const char *operator_id;
} bx_pool_packer_options;

/* No station, no policy, returns accepted. */
BX_API void bx_pool_packer_options_init(bx_pool_packer_options *opts);

/* A packer on `pool` (borrowed, opened for writing to issue; must outlive
 * the packer) for packing into `catalog` (borrowed; the pool's catalog).
 * Errors: BX_EINVAL (NULL arguments, no station), BX_ENOTFOUND (the
 * station is not in the pool, with a message naming it), BX_ENOMEM. */
BX_API bx_status bx_pool_packer_new(bx_ctx *ctx, bx_pool_packer **out, bx_pool *pool,
                                    const bx_catalog *catalog,
                                    const bx_pool_packer_options *opts);

/* NULL is a no-op. Picked containers not yet issued are forgotten. */
BX_API void bx_pool_packer_free(bx_pool_packer *packer);

/* Pack one order with `engine` (options may be NULL: see bx_pack). The
 * options' stock, if any, is the stock of the cartons; for reusable types
 * the pool's ready containers are the stock. On BX_OK *result (owned by
 * the packer; valid until its next pack, free, or the next bx_pack on
 * `engine`) is the packing, with result->containers[b] the id of the
 * container picked for box b (NULL for a carton); with a policy, also its
 * violations. Replaces any picked containers not yet issued.
 * Errors: those of bx_pack and bx_policy_pack (the order's fault:
 * BX_EINPUT, BX_ELIMIT), BX_EINPUT when choose_container names another
 * type than the box's, BX_ENOMEM. */
BX_API bx_status bx_pool_packer_pack(bx_pool_packer *packer, bx_engine *engine,
                                     const bx_order *order,
                                     const bx_pack_options *options,
                                     const bx_pack_result **result);

/* The order and options the last result was packed with (the stock
 * included): what bx_validate needs to check it. Borrowed, valid as long
 * as the result. */
BX_API void bx_pool_packer_packed_as(const bx_pool_packer *packer, bx_order *order,
                                     bx_pack_options *options);

/* Containers picked by the last pack and not yet issued. */
BX_API size_t bx_pool_packer_pending(const bx_pool_packer *packer);

/* Issue the picked containers to the last order packed, at time_s (Unix
 * seconds), as one batch (bx_pool_apply_batch): all or none. Durable on
 * BX_OK as the pool's journal options say (with group commit, after
 * bx_pool_sync). *seq (may be NULL) gets the journal record, 0 when there
 * was nothing to issue. The picked containers are dropped either way.
 * Errors: those of bx_pool_apply_batch (BX_EINPUT: the pool changed since
 * the pack, or a bad time; nothing was written: pack again). */
BX_API bx_status bx_pool_packer_issue(bx_pool_packer *packer, int64_t time_s,
                                      uint64_t *seq);

#ifdef __cplusplus
}
#endif

#endif
