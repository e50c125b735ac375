/*
 * policy_internal.h: what policy.c (loading, packing under a policy,
 * lint) and policy_views.c (the read-only views hooks see) share. Only in
 * builds with Lua.
 */
#ifndef BOXCAR_POLICY_INTERNAL_H
#define BOXCAR_POLICY_INTERNAL_H

#include <lua.h>

#include "boxcar/policy.h"
#include "script_internal.h"

enum {
    PL_ELIGIBLE,
    PL_ITEM_SIZE,
    PL_BOX_COST,
    PL_SCORE,
    PL_CHECK,
    PL_CHOOSE,
    PL_NHOOKS
};

/* "eligible", "item_size", ... by PL_* */
extern const char *const bxi_pl_hook_names[PL_NHOOKS];

/* A violation as reported, its text kept as offsets into the policy's
 * text buffer (which may move while it grows). */
typedef struct pl_violation {
    uint32_t box_seq;
    size_t code, message; /* offsets into text */
    double value, limit;
} pl_violation;

struct bx_policy {
    bx_ctx *ctx;
    bx_script *script;
    lua_State *L;
    const bx_catalog *cat;
    size_t nbox;
    char name[BX_ID_MAX];
    unsigned hooks;
    int hook_ref[PL_NHOOKS];
    int max_candidates;

    /* registry references of the views and tables hooks receive */
    int order_ref, packing_ref, report_ref, pool_ref;
    int boxes_ref;                      /* box views 1..nbox */
    int lines_ref, packed_ref, units_ref; /* views made on first use */

    /* what the views show now */
    const bx_order *order;     /* as the caller gave it */
    const bx_pack_result *res; /* the packing being scored or checked */
    bool in_check;             /* report() is for the check hook only */

    /* per-order work arrays; they only grow */
    bx_order_line *lines;
    size_t lines_cap;
    unsigned char *allowed, *cand_allowed; /* nbox each */
    double *measure;                       /* nbox */
    int64_t *stock;                        /* nbox, when a pool caps it */
    uint32_t *by_volume;                   /* box indices, inner volume ascending */

    /* what check reported, and the chosen containers */
    pl_violation *viol;
    size_t nviol, viol_cap;
    bx_violation *out_viol;
    size_t out_viol_cap;
    char *text;
    size_t text_len, text_cap;
    const char **containers;
    size_t containers_cap;
    size_t *container_off; /* into text; SIZE_MAX: none */
    size_t container_off_cap;

    /* the pool (bx_policy_set_pool) */
    bool has_pool;
    bool returns_accepted;
    char (*pool_ids)[BX_ID_MAX];
    int64_t *pool_avail;
    size_t npool;

    char **assumptions;
    size_t nassumptions;

    bx_pack_result out;
    bx_order last_order;         /* as the engine got them last */
    bx_pack_options last_opts;
};

/* policy_views.c: make the view metatables, the box views, the order,
 * packing and report objects and the view caches, recording their
 * references in p. Runs inside a protected call. */
void bxi_pl_views_open(lua_State *L, bx_policy *p);

/* Push the view of packed box b (0-based) of p->res. */
void bxi_pl_push_packed(lua_State *L, bx_policy *p, size_t b);

/* Push the view of line i (0-based) of p->order. */
void bxi_pl_push_line(lua_State *L, bx_policy *p, size_t i);

/* Record a violation (copies the texts). Raises a Lua error on failure. */
void bxi_pl_add_violation(lua_State *L, bx_policy *p, uint32_t box_seq, const char *code,
                      const char *message, double value, double limit);

#endif
