/*
 * boxcar/policy.h: packing policies written in Lua (see scripts/policy/).
 *
 * A policy is a script (boxcar/script.h) whose module table may define
 * these hooks; boxcar calls the ones that exist and the built-in engine
 * does the rest, so a policy without hooks packs exactly like bx_pack:
 *
 *   eligible(order, box, pool) -> boolean
 *       May this order use this box type? Called once per order and box
 *       type; the answers become options.box_allowed for bx_pack. pool is
 *       the container pool (below), nil without one.
 *   item_size(order, line) -> l_mm, w_mm, h_mm | nil
 *       The size a line's units take in a box (e.g. with padding); nil
 *       keeps the line's own size. Placements and item volumes in the
 *       result are then of that size.
 *   box_cost(order, box, pool) -> number >= 0
 *       The engine's objective after the box count: it minimises the sum
 *       over the boxes used (BX_OBJECTIVE_CUSTOM).
 *   score(order, packing) -> number
 *       Chooses among candidate packings, lower is better: the engine's
 *       packing with every eligible box type, and then with the box types
 *       capped at each smaller inner volume in turn (packings with more,
 *       smaller boxes); ties keep the earlier candidate. The engine's
 *       search itself still puts the box count first: score can prefer
 *       more boxes only among these candidates. Each candidate is one more
 *       bx_pack: policy.max_candidates (default 12) caps them.
 *   check(order, packing, report)
 *       Judges the finished packing; calls report(box_seq, code, message
 *       [, value, limit]) for each rule it breaks (box_seq 0: the order as
 *       a whole). The result carries them as violations.
 *   choose_container(order, packed_box, pool) -> string | nil
 *       For each packed box whose type is reusable, when a pool was given
 *       (bx_policy_set_pool): the pool entry to take it from. boxcar
 *       takes one from that entry's count and records the choice.
 *
 * The module may also give name (string), version (string), params (a
 * table of defaults the hooks read and bx_policy_set_param overrides),
 * assumptions (a list of strings, or a function returning one: the
 * defaults that are guesses, to be shown with every output that uses
 * them) and max_candidates (integer, 1..64).
 *
 * The values passed to hooks are read-only views (userdata) of boxcar's
 * own data, reused from call to call: a hook that reads numbers makes no
 * allocation at all; reading text (ids) makes Lua intern the string.
 * scripts/README.md lists every field. A view kept past its call shows
 * whatever the policy looks at next.
 *
 * Each hook call has the script's full instruction budget. A hook that
 * fails (a script error, a wrong return type, a limit) fails the order:
 * bx_policy_pack returns the error, whose message names the script, the
 * line and the hook; the policy stays usable for the next order.
 *
 * Every order (each bx_policy_pack or bx_policy_check) sees the globals
 * as the script's top level left them: globals the hooks set are
 * forgotten before the next order, so an order's answer never depends on
 * the orders before it (scripts/README.md says what is not reset).
 *
 * A policy is single-threaded, bound to one context and one catalog (which
 * must outlive it). In a build without Lua every function returns
 * BX_EUNSUPPORTED.
 */
#ifndef BOXCAR_POLICY_H
#define BOXCAR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/pack.h"
#include "boxcar/script.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_policy bx_policy;

/* Bits of bx_policy_hooks: the hooks a policy defines. */
#define BX_HOOK_ELIGIBLE (1u << 0)
#define BX_HOOK_ITEM_SIZE (1u << 1)
#define BX_HOOK_BOX_COST (1u << 2)
#define BX_HOOK_SCORE (1u << 3)
#define BX_HOOK_CHECK (1u << 4)
#define BX_HOOK_CHOOSE_CONTAINER (1u << 5)

/* Load a policy script for packing into `catalog` (borrowed; must outlive
 * the policy). limits may be NULL (bx_script_limits_default). Errors: as
 * bx_script_load_file, and BX_EINPUT for a module field of the wrong type
 * (a hook that is not a function, params that is not a table...). */
BX_API bx_status bx_policy_load(bx_ctx *ctx, bx_policy **out, const char *path,
                                const bx_catalog *catalog,
                                const bx_script_limits *limits);
BX_API bx_status bx_policy_load_buffer(bx_ctx *ctx, bx_policy **out,
                                       const char *name, const char *text,
                                       size_t len, const bx_catalog *catalog,
                                       const bx_script_limits *limits);

/* NULL is a no-op. */
BX_API void bx_policy_free(bx_policy *policy);

/* The module's name, or the script's name if it gives none. */
BX_API const char *bx_policy_name(const bx_policy *policy);
/* BX_HOOK_* bits. */
BX_API unsigned bx_policy_hooks(const bx_policy *policy);
/* The script (for its limits and statistics). */
BX_API const bx_script *bx_policy_script(const bx_policy *policy);

/* Set params[key] from text, typed like its default: a number ("0.55"),
 * a boolean (1/0, true/false, yes/no) or a string. BX_ENOTFOUND for a key
 * the policy's params do not have (the message lists those it has),
 * BX_EINPUT for a value of the wrong type. The assumptions are computed
 * again afterwards. */
BX_API bx_status bx_policy_set_param(bx_policy *policy, const char *key,
                                     const char *value);

/* The policy's assumptions as of now (after the last bx_policy_set_param):
 * how many, and each (borrowed until the next set_param or free). */
BX_API size_t bx_policy_assumption_count(const bx_policy *policy);
BX_API const char *bx_policy_assumption(const bx_policy *policy, size_t i);

/* The reusable containers on hand, as a plain availability table: for
 * each reusable box type (box_ids[i]) how many are available, and whether
 * the destination station accepts returns. The hooks see it as
 *   pool = {returns_accepted = true|false, available = {[box_id] = n, ...}}
 * Copied; choose_container takes from these counts as the batch goes on.
 * The pool is also the stock of reusable box types for bx_policy_pack: a
 * type in the pool has at most its count, a reusable type not in it none.
 * NULL clears the pool. */
typedef struct bx_policy_pool {
    bool returns_accepted;
    const char *const *box_ids;
    const int64_t *available;
    size_t n;
} bx_policy_pool;
BX_API bx_status bx_policy_set_pool(bx_policy *policy, const bx_policy_pool *pool);
/* What is left of pool entry box_id (-1 if no such entry). */
BX_API int64_t bx_policy_pool_available(const bx_policy *policy, const char *box_id);

/* Pack one order under the policy with `engine` (see bx_pack; options may
 * be NULL). On BX_OK *result points at a result owned by the policy, valid
 * until the next bx_policy_pack, bx_pack on the engine, or free: the
 * engine's result plus policy, violations and containers. The options'
 * own box_allowed is kept (a box must be allowed by both). Errors: those
 * of bx_pack, and of the hooks (BX_EINPUT, BX_ELIMIT, BX_ENOMEM) with the
 * message naming the script, line, hook and order. */
BX_API bx_status bx_policy_pack(bx_policy *policy, bx_engine *engine,
                                const bx_order *order,
                                const bx_pack_options *options,
                                const bx_pack_result **result);

/* Run only the check hook on a packing made elsewhere (an earlier run, a
 * warehouse system's own), for `order` as packed. *out is a copy of
 * `result` with policy and violations set, owned by the policy as for
 * bx_policy_pack (result and order are borrowed for as long). BX_OK with
 * no violations if the policy has no check hook. Errors: BX_EINVAL for a
 * result that does not match the order or names boxes outside the
 * policy's catalog; those of the hook. */
BX_API bx_status bx_policy_check(bx_policy *policy, const bx_order *order,
                                 const bx_pack_result *result,
                                 const bx_pack_result **out);

/* The order and options the engine was last given by bx_policy_pack (the
 * sizes item_size made, the box_allowed eligible and score made, the
 * custom measure of box_cost): what bx_validate needs to check that
 * result. Borrowed, valid as long as the result. */
BX_API void bx_policy_packed_as(const bx_policy *policy, bx_order *order,
                                bx_pack_options *options);

/* Compile-time and run-time checks for `boxcar check --policy`: every
 * defined hook is called on a small built-in order (with a pool of one of
 * each reusable box type) and its results are checked; module fields of
 * the wrong type and functions that are not hooks (a misspelt name) are
 * reported. Problems go to the context's diagnostics (errors) and
 * warnings; returns BX_OK if there was no error, else the first error. */
BX_API bx_status bx_policy_lint(bx_policy *policy, bx_engine *engine);

#ifdef __cplusplus
}
#endif

#endif
