/*
 * policy.c: packing under a Lua policy. The hooks become plain data for
 * the engine (an allowed-box mask, item sizes, a per-box measure), so the
 * engine knows nothing of Lua; score chooses among a few packings the
 * engine makes; check and choose_container look at the finished packing.
 *
 * Every call into the script is one protected call of run_hook with the
 * hook's arguments as views (policy_views.c): a warm policy allocates
 * nothing per call unless the script itself does.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "pack_emit.h"
#include "pack_internal.h"
#include "policy_internal.h"

const char *const bxi_pl_hook_names[PL_NHOOKS] = {
    "eligible", "item_size", "box_cost", "score", "check", "choose_container",
};

static const char *const hook_labels[PL_NHOOKS] = {
    "hook 'eligible'", "hook 'item_size'", "hook 'box_cost'",
    "hook 'score'", "hook 'check'", "hook 'choose_container'",
};

#define MAX_CANDIDATES_DEFAULT 12
#define MAX_CANDIDATES_LIMIT 64

/* ---- memory helpers ---------------------------------------------------------- */


/* Append s (with its NUL) to the text buffer; its offset in *off. */
static bx_status keep_text(bx_policy *p, const char *s, size_t *off)
{
    size_t n = strlen(s) + 1;
    void *t = p->text;
    bx_status st = bxi_grow(p->ctx, &t, &p->text_cap, p->text_len + n, 1, SIZE_MAX,
                            "bytes of policy text");
    p->text = t;
    if (st != BX_OK)
        return st;
    memcpy(p->text + p->text_len, s, n);
    *off = p->text_len;
    p->text_len += n;
    return BX_OK;
}

void bxi_pl_add_violation(lua_State *L, bx_policy *p, uint32_t box_seq, const char *code,
                      const char *message, double value, double limit)
{
    void *v = p->viol;
    bx_status st = bxi_grow(p->ctx, &v, &p->viol_cap, p->nviol + 1, sizeof *p->viol, SIZE_MAX,
                            "violations");
    p->viol = v;
    pl_violation *x = st == BX_OK ? &p->viol[p->nviol] : NULL;
    if (st == BX_OK)
        st = keep_text(p, code, &x->code);
    if (st == BX_OK)
        st = keep_text(p, message, &x->message);
    if (st != BX_OK)
        bxi_script_fail(L, BX_ENOMEM, "out of memory keeping a violation");
    x->box_seq = box_seq;
    x->value = value;
    x->limit = limit;
    p->nviol++;
}

/* ---- calling hooks ------------------------------------------------------------- */

typedef struct hook_call {
    bx_policy *p;
    int hook;
    size_t index;       /* box (eligible, box_cost), line (item_size), packed box */
    bool flag;          /* eligible */
    double number;      /* box_cost, score */
    bool has_dims;      /* item_size */
    int32_t dims[3];
    char chosen[BX_ID_MAX]; /* choose_container; "" for nil */
} hook_call;

/* A hook's result is wrong: the message points at the hook's definition
 * and starts "hook 'name' ..." (fmt's first %s is the hook's name). */
static int hook_fail(lua_State *L, const hook_call *c, const char *fmt, ...) BX_PRINTF(3, 4);
static int hook_fail(lua_State *L, const hook_call *c, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->p->hook_ref[c->hook]);
    int line = bxi_script_function_line(L, -1);
    return bxi_script_fail_line(L, BX_EINPUT, line, "%s", text);
}

static void take_dims(lua_State *L, hook_call *c)
{
    if (lua_isnil(L, -3) && lua_isnil(L, -2) && lua_isnil(L, -1)) {
        c->has_dims = false;
        return;
    }
    for (int i = 0; i < 3; i++) {
        int isint = 0;
        lua_Integer v = lua_tointegerx(L, i - 3, &isint);
        if (!isint || v < 1 || v > BX_MAX_LENGTH_MM)
            hook_fail(L, c, "hook '%s' must return nil or three whole numbers of mm in "
                            "1..100000 (l, w, h); value %d is not one",
                      bxi_pl_hook_names[c->hook], i + 1);
        c->dims[i] = (int32_t)v;
    }
    c->has_dims = true;
}

static void take_chosen(lua_State *L, hook_call *c)
{
    c->chosen[0] = '\0';
    if (lua_isnil(L, -1))
        return;
    if (lua_type(L, -1) != LUA_TSTRING)
        hook_fail(L, c, "hook '%s' returned %s; it must return a pool entry's box id "
                        "(a string) or nil", bxi_pl_hook_names[c->hook], bxi_script_typename(L, -1));
    size_t n;
    const char *id = lua_tolstring(L, -1, &n);
    bx_policy *p = c->p;
    for (size_t i = 0; i < p->npool; i++)
        if (strcmp(p->pool_ids[i], id) == 0) {
            if (p->pool_avail[i] <= 0)
                hook_fail(L, c, "hook '%s' chose pool entry '%s', which has none left",
                          bxi_pl_hook_names[c->hook], p->pool_ids[i]);
            memcpy(c->chosen, id, n + 1);
            return;
        }
    hook_fail(L, c, "hook '%s' returned '%.63s', which is not an entry of the pool",
              bxi_pl_hook_names[c->hook], id);
}

static int run_hook(lua_State *L)
{
    hook_call *c = lua_touserdata(L, 1);
    bx_policy *p = c->p;
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->hook_ref[c->hook]);
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->order_ref);
    int nargs = 2, nres = 1;
    switch (c->hook) {
    case PL_ELIGIBLE:
    case PL_BOX_COST:
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->boxes_ref);
        lua_rawgeti(L, -1, (lua_Integer)c->index + 1);
        lua_remove(L, -2);
        if (p->has_pool)
            lua_rawgeti(L, LUA_REGISTRYINDEX, p->pool_ref);
        else
            lua_pushnil(L);
        nargs = 3;
        break;
    case PL_ITEM_SIZE:
        bxi_pl_push_line(L, p, c->index);
        nres = 3;
        break;
    case PL_SCORE:
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->packing_ref);
        break;
    case PL_CHECK:
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->packing_ref);
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->report_ref);
        nargs = 3;
        nres = 0;
        break;
    default: /* PL_CHOOSE */
        bxi_pl_push_packed(L, p, c->index);
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->pool_ref);
        nargs = 3;
        break;
    }
    lua_call(L, nargs, nres);
    switch (c->hook) {
    case PL_ELIGIBLE:
        if (!lua_isboolean(L, -1))
            hook_fail(L, c, "hook '%s' returned %s; it must return a boolean (may the order "
                            "use this box?)", bxi_pl_hook_names[c->hook], bxi_script_typename(L, -1));
        c->flag = lua_toboolean(L, -1);
        break;
    case PL_BOX_COST:
    case PL_SCORE:
        if (lua_type(L, -1) != LUA_TNUMBER)
            hook_fail(L, c, "hook '%s' returned %s; it must return a number",
                      bxi_pl_hook_names[c->hook], bxi_script_typename(L, -1));
        c->number = lua_tonumber(L, -1);
        if (!isfinite(c->number) || (c->hook == PL_BOX_COST && c->number < 0))
            hook_fail(L, c, "hook '%s' returned %s; it must be a finite number (>= 0 for "
                            "box_cost)", bxi_pl_hook_names[c->hook], lua_tostring(L, -1));
        break;
    case PL_ITEM_SIZE:
        take_dims(L, c);
        break;
    case PL_CHOOSE:
        take_chosen(L, c);
        break;
    default:
        break;
    }
    return 0;
}

/* One hook call. On failure the context's message also names the order. */
static bx_status call_hook(bx_policy *p, hook_call *c)
{
    c->p = p;
    p->in_check = c->hook == PL_CHECK;
    bx_status st = bxi_script_protected(p->script, run_hook, c, hook_labels[c->hook]);
    p->in_check = false;
    if (st != BX_OK && p->order != NULL) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", bx_ctx_errmsg(p->ctx));
        bxi_error(p->ctx, st, "order %s: %s", p->order->lines[0].order_id, msg);
    }
    return st;
}

/* ---- loading --------------------------------------------------------------------- */

static int read_module(lua_State *L)
{
    bx_policy *p = lua_touserdata(L, 1);
    bxi_pl_views_open(L, p);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bxi_script_module_ref(p->script));
    int m = lua_gettop(L);
    for (int h = 0; h < PL_NHOOKS; h++) {
        int t = lua_getfield(L, m, bxi_pl_hook_names[h]);
        if (t == LUA_TFUNCTION) {
            p->hooks |= 1u << h;
            p->hook_ref[h] = luaL_ref(L, LUA_REGISTRYINDEX);
        } else if (t != LUA_TNIL) {
            return bxi_script_fail(L, BX_EINPUT, "the module's '%s' must be a function (a "
                                  "hook), not %s", bxi_pl_hook_names[h],
                                  bxi_script_typename(L, -1));
        } else {
            lua_pop(L, 1);
        }
    }
    int t = lua_getfield(L, m, "name");
    if (t == LUA_TSTRING) {
        snprintf(p->name, sizeof p->name, "%s", lua_tostring(L, -1));
    } else if (t != LUA_TNIL) {
        return bxi_script_fail(L, BX_EINPUT, "the module's 'name' must be a string, not %s",
                              bxi_script_typename(L, -1));
    }
    lua_pop(L, 1);
    t = lua_getfield(L, m, "params");
    if (t != LUA_TNIL && t != LUA_TTABLE)
        return bxi_script_fail(L, BX_EINPUT, "the module's 'params' must be a table, not %s",
                              bxi_script_typename(L, -1));
    lua_pop(L, 1);
    t = lua_getfield(L, m, "assumptions");
    if (t != LUA_TNIL && t != LUA_TTABLE && t != LUA_TFUNCTION)
        return bxi_script_fail(L, BX_EINPUT, "the module's 'assumptions' must be a list of "
                              "strings or a function returning one, not %s",
                              bxi_script_typename(L, -1));
    lua_pop(L, 1);
    t = lua_getfield(L, m, "max_candidates");
    if (t != LUA_TNIL) {
        int isint = 0;
        lua_Integer n = lua_tointegerx(L, -1, &isint);
        if (!isint || n < 1 || n > MAX_CANDIDATES_LIMIT)
            return bxi_script_fail(L, BX_EINPUT, "the module's 'max_candidates' must be a "
                                  "whole number in 1..%d", MAX_CANDIDATES_LIMIT);
        p->max_candidates = (int)n;
    }
    return 0;
}

static void free_assumptions(bx_policy *p)
{
    for (size_t i = 0; i < p->nassumptions; i++)
        bx_free(p->ctx, p->assumptions[i]);
    bx_free(p->ctx, p->assumptions);
    p->assumptions = NULL;
    p->nassumptions = 0;
}

static int read_assumptions(lua_State *L)
{
    bx_policy *p = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bxi_script_module_ref(p->script));
    if (lua_getfield(L, -1, "assumptions") == LUA_TFUNCTION) {
        lua_getfield(L, -2, "params");
        lua_call(L, 1, 1);
    }
    if (lua_isnil(L, -1))
        return 0;
    if (!lua_istable(L, -1))
        return bxi_script_fail(L, BX_EINPUT, "assumptions() must return a list of strings, "
                              "not %s", bxi_script_typename(L, -1));
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n > 1000)
        return bxi_script_fail(L, BX_EINPUT, "more than 1000 assumptions");
    p->assumptions = bx_alloc(p->ctx, (size_t)(n > 0 ? n : 1) * sizeof *p->assumptions);
    if (p->assumptions == NULL)
        return bxi_script_fail(L, BX_ENOMEM, "out of memory");
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            return bxi_script_fail(L, BX_EINPUT, "assumption %lld is %s, not a string",
                                  (long long)i, bxi_script_typename(L, -1));
        char *copy = bxi_strdup(p->ctx, lua_tostring(L, -1));
        if (copy == NULL)
            return bxi_script_fail(L, BX_ENOMEM, "out of memory");
        p->assumptions[p->nassumptions++] = copy;
        lua_pop(L, 1);
    }
    return 0;
}

static bx_status refresh_assumptions(bx_policy *p)
{
    free_assumptions(p);
    bx_status st = bxi_script_protected(p->script, read_assumptions, p, "the assumptions");
    if (st != BX_OK)
        free_assumptions(p);
    return st;
}

static bx_status policy_new(bx_ctx *ctx, bx_policy **out, bx_script *script,
                            const bx_catalog *cat)
{
    bx_policy *p = bx_alloc(ctx, sizeof *p);
    if (p == NULL) {
        bx_script_free(script);
        return BX_ENOMEM;
    }
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
    p->script = script;
    p->L = bxi_script_lua(script);
    p->cat = cat;
    p->nbox = bx_catalog_count(cat);
    p->max_candidates = MAX_CANDIDATES_DEFAULT;
    for (int h = 0; h < PL_NHOOKS; h++)
        p->hook_ref[h] = LUA_NOREF;
    snprintf(p->name, sizeof p->name, "%s", bx_script_name(script));
    size_t n = p->nbox;
    p->allowed = bx_alloc(ctx, n);
    p->cand_allowed = bx_alloc(ctx, n);
    p->measure = bx_alloc(ctx, n * sizeof *p->measure);
    p->by_volume = bx_alloc(ctx, n * sizeof *p->by_volume);
    p->stock = bx_alloc(ctx, n * sizeof *p->stock);
    bx_status st = BX_OK;
    if (p->allowed == NULL || p->cand_allowed == NULL || p->measure == NULL ||
        p->by_volume == NULL || p->stock == NULL)
        st = BX_ENOMEM;
    if (st == BX_OK)
        st = bxi_script_protected(script, read_module, p, "loading the policy");
    if (st == BX_OK)
        st = refresh_assumptions(p);
    if (st != BX_OK) {
        bx_policy_free(p);
        return st;
    }
    /* box types by inner volume, for the score hook's candidates */
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i;
        int64_t v = pk_inner_volume(bx_catalog_box(cat, i));
        while (j > 0 && pk_inner_volume(bx_catalog_box(cat, p->by_volume[j - 1])) > v) {
            p->by_volume[j] = p->by_volume[j - 1];
            j--;
        }
        p->by_volume[j] = i;
    }
    *out = p;
    return BX_OK;
}

bx_status bx_policy_load_buffer(bx_ctx *ctx, bx_policy **out, const char *name,
                                const char *text, size_t len, const bx_catalog *catalog,
                                const bx_script_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || catalog == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_policy_load: bad argument");
    *out = NULL;
    bx_script *s = NULL;
    bx_status st = bx_script_load_buffer(ctx, &s, name, text, len, limits);
    return st == BX_OK ? policy_new(ctx, out, s, catalog) : st;
}

bx_status bx_policy_load(bx_ctx *ctx, bx_policy **out, const char *path,
                         const bx_catalog *catalog, const bx_script_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || catalog == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_policy_load: bad argument");
    *out = NULL;
    bx_script *s = NULL;
    bx_status st = bx_script_load_file(ctx, &s, path, limits);
    return st == BX_OK ? policy_new(ctx, out, s, catalog) : st;
}

void bx_policy_free(bx_policy *p)
{
    if (p == NULL)
        return;
    bx_ctx *ctx = p->ctx;
    bx_script_free(p->script);
    free_assumptions(p);
    bx_free(ctx, p->lines);
    bx_free(ctx, p->allowed);
    bx_free(ctx, p->cand_allowed);
    bx_free(ctx, p->measure);
    bx_free(ctx, p->by_volume);
    bx_free(ctx, p->stock);
    bx_free(ctx, p->viol);
    bx_free(ctx, p->out_viol);
    bx_free(ctx, p->text);
    bx_free(ctx, p->containers);
    bx_free(ctx, p->container_off);
    bx_free(ctx, p->pool_ids);
    bx_free(ctx, p->pool_avail);
    bx_free(ctx, p);
}

const char *bx_policy_name(const bx_policy *p)
{
    return p == NULL ? "" : p->name;
}

unsigned bx_policy_hooks(const bx_policy *p)
{
    return p == NULL ? 0 : p->hooks;
}

const bx_script *bx_policy_script(const bx_policy *p)
{
    return p == NULL ? NULL : p->script;
}

size_t bx_policy_assumption_count(const bx_policy *p)
{
    return p == NULL ? 0 : p->nassumptions;
}

const char *bx_policy_assumption(const bx_policy *p, size_t i)
{
    return p == NULL || i >= p->nassumptions ? NULL : p->assumptions[i];
}

/* ---- parameters ------------------------------------------------------------------- */

typedef struct param_args {
    bx_policy *p;
    const char *key, *value;
} param_args;

/* "a, b, c": the params' keys in byte order, for the message. */
static void list_keys(lua_State *L, char *buf, size_t size)
{
    const char *keys[64];
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING && n < BX_ARRAY_LEN(keys))
            keys[n++] = lua_tostring(L, -2);
        lua_pop(L, 1);
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    buf[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < n && len + 1 < size; i++) {
        int k = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", keys[i]);
        if (k < 0)
            break;
        len += (size_t)k;
    }
}

static int set_param(lua_State *L)
{
    param_args *a = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bxi_script_module_ref(a->p->script));
    if (lua_getfield(L, -1, "params") != LUA_TTABLE)
        return bxi_script_fail(L, BX_ENOTFOUND, "the policy has no params");
    int t = lua_getfield(L, -1, a->key);
    lua_pop(L, 1);
    if (t == LUA_TNIL) {
        char keys[400];
        list_keys(L, keys, sizeof keys);
        return bxi_script_fail(L, BX_ENOTFOUND, "no parameter '%s' (the policy has: %s)",
                              a->key, keys[0] ? keys : "none");
    }
    if (bxi_script_param_from_text(L, a->key, a->value) == 0) {
        lua_getfield(L, -1, a->key);
        return bxi_script_fail(L, BX_EINPUT, "parameter '%s' is %s and cannot be set from "
                              "text", a->key, bxi_script_typename(L, -1));
    }
    lua_setfield(L, -2, a->key);
    return 0;
}

bx_status bx_policy_set_param(bx_policy *p, const char *key, const char *value)
{
    if (p == NULL)
        return BX_EINVAL;
    if (key == NULL || value == NULL)
        return bxi_error(p->ctx, BX_EINVAL, "bx_policy_set_param: bad argument");
    param_args a = {p, key, value};
    bx_status st = bxi_script_protected(p->script, set_param, &a, NULL);
    return st == BX_OK ? refresh_assumptions(p) : st;
}

/* ---- the pool ------------------------------------------------------------------------ */

static int make_pool(lua_State *L)
{
    bx_policy *p = lua_touserdata(L, 1);
    luaL_unref(L, LUA_REGISTRYINDEX, p->pool_ref);
    p->pool_ref = LUA_NOREF;
    lua_createtable(L, 0, 2);
    lua_pushboolean(L, p->returns_accepted);
    lua_setfield(L, -2, "returns_accepted");
    lua_createtable(L, 0, (int)p->npool);
    for (size_t i = 0; i < p->npool; i++) {
        lua_pushinteger(L, p->pool_avail[i]);
        lua_setfield(L, -2, p->pool_ids[i]);
    }
    lua_setfield(L, -2, "available");
    p->pool_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

bx_status bx_policy_set_pool(bx_policy *p, const bx_policy_pool *pool)
{
    if (p == NULL)
        return BX_EINVAL;
    p->has_pool = false;
    p->npool = 0;
    if (pool == NULL)
        return bxi_script_protected(p->script, make_pool, p, NULL);
    if (pool->n > 0 && (pool->box_ids == NULL || pool->available == NULL))
        return bxi_error(p->ctx, BX_EINVAL, "bx_policy_set_pool: bad argument");
    for (size_t i = 0; i < pool->n; i++) {
        size_t len = pool->box_ids[i] ? strlen(pool->box_ids[i]) : 0;
        if (len == 0 || len >= BX_ID_MAX || pool->available[i] < 0)
            return bxi_error(p->ctx, BX_EINVAL, "bx_policy_set_pool: entry %zu: a box id of "
                            "1..%d bytes and a count >= 0", i + 1, BX_ID_MAX - 1);
    }
    bx_free(p->ctx, p->pool_ids);
    bx_free(p->ctx, p->pool_avail);
    size_t n = pool->n > 0 ? pool->n : 1;
    p->pool_ids = bx_alloc(p->ctx, n * sizeof *p->pool_ids);
    p->pool_avail = bx_alloc(p->ctx, n * sizeof *p->pool_avail);
    if (p->pool_ids == NULL || p->pool_avail == NULL)
        return BX_ENOMEM;
    for (size_t i = 0; i < pool->n; i++) {
        snprintf(p->pool_ids[i], BX_ID_MAX, "%s", pool->box_ids[i]);
        p->pool_avail[i] = pool->available[i];
    }
    p->npool = pool->n;
    p->returns_accepted = pool->returns_accepted;
    bx_status st = bxi_script_protected(p->script, make_pool, p, NULL);
    p->has_pool = st == BX_OK;
    return st;
}

int64_t bx_policy_pool_available(const bx_policy *p, const char *box_id)
{
    if (p == NULL || box_id == NULL)
        return -1;
    for (size_t i = 0; i < p->npool; i++)
        if (strcmp(p->pool_ids[i], box_id) == 0)
            return p->pool_avail[i];
    return -1;
}

typedef struct take_args {
    bx_policy *p;
    size_t entry;
} take_args;

/* One container taken from an entry: the Lua table follows the count (the
 * key exists, so this allocates nothing). */
static int take_from_pool(lua_State *L)
{
    take_args *a = lua_touserdata(L, 1);
    bx_policy *p = a->p;
    p->pool_avail[a->entry]--;
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->pool_ref);
    lua_getfield(L, -1, "available");
    lua_pushinteger(L, p->pool_avail[a->entry]);
    lua_setfield(L, -2, p->pool_ids[a->entry]);
    return 0;
}

/* ---- packing -------------------------------------------------------------------------- */

static bx_status sizes_from_hook(bx_policy *p, const bx_order *order, bx_order *padded)
{
    void *l = p->lines;
    bx_status st = bxi_grow(p->ctx, &l, &p->lines_cap, order->nlines, sizeof *p->lines, SIZE_MAX,
                            "order lines");
    p->lines = l;
    if (st != BX_OK)
        return st;
    memcpy(p->lines, order->lines, order->nlines * sizeof *p->lines);
    for (size_t i = 0; i < order->nlines && st == BX_OK; i++) {
        hook_call c = {.hook = PL_ITEM_SIZE, .index = i};
        st = call_hook(p, &c);
        if (st == BX_OK && c.has_dims) {
            p->lines[i].l_mm = c.dims[0];
            p->lines[i].w_mm = c.dims[1];
            p->lines[i].h_mm = c.dims[2];
        }
    }
    padded->lines = p->lines;
    padded->nlines = order->nlines;
    return st;
}

static bx_status score_of(bx_policy *p, const bx_pack_result *res, double *score)
{
    p->res = res;
    hook_call c = {.hook = PL_SCORE};
    bx_status st = call_hook(p, &c);
    *score = c.number;
    return st;
}

/* The largest inner volume below `below` among the allowed box types, or
 * -1 if there is none. */
static int64_t next_cap(const bx_policy *p, const bx_pack_options *opts, int64_t below)
{
    for (size_t r = p->nbox; r-- > 0;) {
        uint32_t k = p->by_volume[r];
        int64_t v = pk_inner_volume(bx_catalog_box(p->cat, k));
        if (v < below && (opts->box_allowed == NULL || opts->box_allowed[k]))
            return v;
    }
    return -1;
}

/* Pack with the allowed box types capped at inner volume `cap` (-1: no
 * cap). */
static bx_status pack_capped(bx_policy *p, bx_engine *engine, const bx_order *order,
                             const bx_pack_options *opts, int64_t cap,
                             const bx_pack_result **res)
{
    bx_pack_options o = *opts;
    if (cap >= 0) {
        for (size_t k = 0; k < p->nbox; k++)
            p->cand_allowed[k] = (opts->box_allowed == NULL || opts->box_allowed[k]) &&
                                 pk_inner_volume(bx_catalog_box(p->cat, k)) <= cap;
        o.box_allowed = p->cand_allowed;
    }
    p->last_opts = o;
    return bx_pack(engine, p->cat, order, &o, res);
}

/* Candidates for the score hook: the engine's packing with every allowed
 * box type (already in *res), then with the types capped at each smaller
 * distinct inner volume, largest cap first, while every unit still fits.
 * The lowest score wins (the earlier on a tie); if that is not the last
 * packing made, it is made again (the engine is deterministic). */
static bx_status choose_by_score(bx_policy *p, bx_engine *engine, const bx_order *order,
                                 const bx_pack_options *opts, const bx_pack_result **res)
{
    double best;
    bx_status st = score_of(p, *res, &best);
    if (st != BX_OK)
        return st;
    uint64_t base_unpacked = bxi_pk_unpacked_units(*res);
    int64_t best_cap = -1, last_cap = -1;
    int64_t cap = next_cap(p, opts, INT64_MAX); /* candidate 0's own */
    for (int cand = 1; cand < p->max_candidates && cap >= 0; cand++) {
        if ((cap = next_cap(p, opts, cap)) < 0)
            break;
        const bx_pack_result *r = NULL;
        if ((st = pack_capped(p, engine, order, opts, cap, &r)) != BX_OK)
            return st;
        last_cap = cap;
        *res = r;
        if (bxi_pk_unpacked_units(r) > base_unpacked)
            break; /* smaller caps hold still less */
        double s;
        if ((st = score_of(p, r, &s)) != BX_OK)
            return st;
        if (s < best) {
            best = s;
            best_cap = cap;
        }
    }
    if (best_cap == last_cap)
        return BX_OK;
    return pack_capped(p, engine, order, opts, best_cap, res);
}

static bx_status choose_containers(bx_policy *p, const bx_pack_result *res)
{
    void *c = p->containers;
    bx_status st = bxi_grow(p->ctx, &c, &p->containers_cap, res->nboxes + 1,
                            sizeof *p->containers, SIZE_MAX, "boxes");
    p->containers = c;
    if (st != BX_OK)
        return st;
    void *o = p->container_off;
    st = bxi_grow(p->ctx, &o, &p->container_off_cap, res->nboxes + 1, sizeof *p->container_off,
                  SIZE_MAX, "boxes");
    p->container_off = o;
    if (st != BX_OK)
        return st;
    for (size_t b = 0; b < res->nboxes; b++) {
        p->container_off[b] = SIZE_MAX;
        if (!res->boxes[b].box->reusable)
            continue;
        hook_call h = {.hook = PL_CHOOSE, .index = b};
        if ((st = call_hook(p, &h)) != BX_OK)
            return st;
        if (h.chosen[0] == '\0')
            continue;
        /* an offset for now: the text buffer may still move */
        if ((st = keep_text(p, h.chosen, &p->container_off[b])) != BX_OK)
            return st;
        for (size_t i = 0; i < p->npool; i++)
            if (strcmp(p->pool_ids[i], h.chosen) == 0) {
                take_args a = {p, i};
                if ((st = bxi_script_protected(p->script, take_from_pool, &a, NULL)) != BX_OK)
                    return st;
            }
    }
    return BX_OK;
}

/* The result handed out: the engine's plus what the policy found, the
 * texts' offsets turned into pointers now that the buffer is final. */
static bx_status finish(bx_policy *p, const bx_pack_result *res, bool containers)
{
    void *v = p->out_viol;
    bx_status st = bxi_grow(p->ctx, &v, &p->out_viol_cap, p->nviol, sizeof *p->out_viol, SIZE_MAX,
                            "violations");
    p->out_viol = v;
    if (st != BX_OK)
        return st;
    for (size_t i = 0; i < p->nviol; i++) {
        const pl_violation *x = &p->viol[i];
        p->out_viol[i] = (bx_violation){x->box_seq, p->text + x->code, p->text + x->message,
                                        x->value, x->limit};
    }
    p->out = *res;
    p->out.policy = p->name;
    p->out.violations = p->nviol > 0 ? p->out_viol : NULL;
    p->out.nviolations = p->nviol;
    p->out.containers = NULL;
    if (containers) {
        for (size_t b = 0; b < res->nboxes; b++)
            p->containers[b] = p->container_off[b] == SIZE_MAX ? NULL
                                                                : p->text + p->container_off[b];
        p->out.containers = p->containers;
    }
    return BX_OK;
}

bx_status bx_policy_pack(bx_policy *p, bx_engine *engine, const bx_order *order,
                         const bx_pack_options *options, const bx_pack_result **result)
{
    if (p == NULL)
        return BX_EINVAL;
    if (engine == NULL || order == NULL || result == NULL || order->lines == NULL ||
        order->nlines == 0)
        return bxi_error(p->ctx, BX_EINVAL, "bx_policy_pack: bad argument");
    *result = NULL;
    bx_pack_options opts;
    if (options != NULL)
        opts = *options;
    else
        bx_pack_options_init(&opts);
    /* every order sees the globals as the script left them when it loaded */
    bx_status st = bxi_script_reset_globals(p->script);
    if (st != BX_OK)
        return st;
    p->order = order;
    p->res = NULL;
    p->nviol = 0;
    p->text_len = 0;
    const bx_order *pack_order = order;
    bx_order padded = *order;
    if (p->hooks & BX_HOOK_ITEM_SIZE) {
        st = sizes_from_hook(p, order, &padded);
        pack_order = &padded;
    }
    if (st == BX_OK && (p->hooks & BX_HOOK_ELIGIBLE)) {
        for (size_t k = 0; k < p->nbox && st == BX_OK; k++) {
            hook_call c = {.hook = PL_ELIGIBLE, .index = k};
            st = call_hook(p, &c);
            p->allowed[k] = c.flag && (options == NULL || options->box_allowed == NULL ||
                                       options->box_allowed[k]);
        }
        opts.box_allowed = p->allowed;
    }
    if (st == BX_OK && p->has_pool) {
        /* The pool is the stock of reusable containers: types in it have
         * no more than it holds, reusable types not in it none. */
        for (size_t k = 0; k < p->nbox; k++) {
            const bx_box *b = bx_catalog_box(p->cat, k);
            int64_t s = options != NULL && options->stock != NULL ? options->stock[k] : b->stock;
            if (b->reusable) {
                int64_t a = bx_policy_pool_available(p, b->box_id);
                a = a < 0 ? 0 : a;
                s = s < 0 || a < s ? a : s;
            }
            p->stock[k] = s;
        }
        opts.stock = p->stock;
    }
    if (st == BX_OK && (p->hooks & BX_HOOK_BOX_COST)) {
        for (size_t k = 0; k < p->nbox && st == BX_OK; k++) {
            hook_call c = {.hook = PL_BOX_COST, .index = k};
            st = call_hook(p, &c);
            p->measure[k] = c.number;
        }
        opts.objective = BX_OBJECTIVE_CUSTOM;
        opts.box_measure = p->measure;
    }
    const bx_pack_result *res = NULL;
    p->last_order = *pack_order;
    p->last_opts = opts;
    if (st == BX_OK)
        st = bx_pack(engine, p->cat, pack_order, &opts, &res);
    if (st == BX_OK && (p->hooks & BX_HOOK_SCORE))
        st = choose_by_score(p, engine, pack_order, &opts, &res);
    p->res = res;
    if (st == BX_OK && (p->hooks & BX_HOOK_CHECK)) {
        hook_call c = {.hook = PL_CHECK};
        st = call_hook(p, &c);
    }
    bool containers = (p->hooks & BX_HOOK_CHOOSE_CONTAINER) && p->has_pool;
    if (st == BX_OK && containers)
        st = choose_containers(p, res);
    if (st == BX_OK)
        st = finish(p, res, containers);
    p->res = NULL;
    p->order = NULL;
    if (st == BX_OK)
        *result = &p->out;
    return st;
}

bx_status bx_policy_check(bx_policy *p, const bx_order *order, const bx_pack_result *result,
                          const bx_pack_result **out)
{
    if (p == NULL)
        return BX_EINVAL;
    if (order == NULL || result == NULL || out == NULL || order->lines == NULL ||
        order->nlines == 0)
        return bxi_error(p->ctx, BX_EINVAL, "bx_policy_check: bad argument");
    *out = NULL;
    bx_status st = bxi_pk_check_result(p->ctx, "bx_policy_check", order, result);
    if (st != BX_OK)
        return st;
    for (size_t b = 0; b < result->nboxes; b++)
        if (result->boxes[b].box_index >= p->nbox ||
            (result->boxes[b].box != bx_catalog_box(p->cat, result->boxes[b].box_index) &&
             !bx_catalog_box(p->cat, result->boxes[b].box_index)->custom) ||
            result->boxes[b].box == NULL)
            return bxi_error(p->ctx, BX_EINVAL, "bx_policy_check: box %zu is not from the "
                            "policy's catalog", b + 1);
    if ((st = bxi_script_reset_globals(p->script)) != BX_OK)
        return st;
    p->order = order;
    p->res = result;
    p->nviol = 0;
    p->text_len = 0;
    if (p->hooks & BX_HOOK_CHECK) {
        hook_call c = {.hook = PL_CHECK};
        st = call_hook(p, &c);
    }
    if (st == BX_OK)
        st = finish(p, result, false);
    p->order = NULL;
    p->res = NULL;
    if (st == BX_OK)
        *out = &p->out;
    return st;
}

void bx_policy_packed_as(const bx_policy *p, bx_order *order, bx_pack_options *options)
{
    if (p == NULL)
        return;
    if (order != NULL)
        *order = p->last_order;
    if (options != NULL)
        *options = p->last_opts;
}

/* ---- lint ------------------------------------------------------------------------------ */

typedef struct lint_args {
    bx_policy *p;
    char stray[8][BX_ID_MAX];
    size_t nstray;
} lint_args;

/* Functions in the module that are not hooks: usually a misspelt hook. */
static int find_stray_functions(lua_State *L)
{
    lint_args *a = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bxi_script_module_ref(a->p->script));
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (lua_type(L, -1) == LUA_TFUNCTION && lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -2);
            bool hook = strcmp(k, "assumptions") == 0;
            for (int h = 0; h < PL_NHOOKS; h++)
                hook |= strcmp(k, bxi_pl_hook_names[h]) == 0;
            if (!hook && a->nstray < BX_ARRAY_LEN(a->stray))
                snprintf(a->stray[a->nstray++], BX_ID_MAX, "%s", k);
        }
        lua_pop(L, 1);
    }
    return 0;
}

static void lint_line(bx_order_line *l, const char *item, int32_t qty, int32_t L, int32_t W,
                      int32_t H, int64_t g)
{
    bx_order_line_init(l);
    snprintf(l->order_id, sizeof l->order_id, "LINT");
    snprintf(l->item_id, sizeof l->item_id, "%s", item);
    l->qty = qty;
    l->l_mm = L;
    l->w_mm = W;
    l->h_mm = H;
    l->weight_g = g;
}

bx_status bx_policy_lint(bx_policy *p, bx_engine *engine)
{
    if (p == NULL)
        return BX_EINVAL;
    if (engine == NULL)
        return bxi_error(p->ctx, BX_EINVAL, "bx_policy_lint: bad argument");
    lint_args a = {.p = p};
    bx_status st = bxi_script_protected(p->script, find_stray_functions, &a, NULL);
    if (st != BX_OK)
        return st;
    for (size_t i = 0; i < a.nstray; i++)
        bxi_warn(p->ctx, NULL, "%s: function '%s' in the module is not a hook boxcar calls "
                "(eligible, item_size, box_cost, score, check, choose_container)",
                bx_script_name(p->script), a.stray[i]);
    /* A small order with the usual features: several units, a fragile
     * upright line, a light line. */
    bx_order_line lines[3];
    lint_line(&lines[0], "LINT-A", 2, 200, 150, 100, 800);
    lint_line(&lines[1], "LINT-B", 1, 120, 100, 80, 300);
    lines[1].fragile = true;
    lines[1].rotation = BX_ROTATE_UPRIGHT;
    lines[1].has |= BX_LINE_HAS_FRAGILE | BX_LINE_HAS_ROTATION;
    lint_line(&lines[2], "LINT-C", 3, 60, 40, 30, 50);
    bx_order order = {lines, 3};
    /* one of each reusable type, returns accepted */
    const char *ids[256];
    int64_t one[256];
    size_t n = 0;
    for (size_t k = 0; k < p->nbox && n < BX_ARRAY_LEN(ids); k++)
        if (bx_catalog_box(p->cat, k)->reusable) {
            ids[n] = bx_catalog_box(p->cat, k)->box_id;
            one[n++] = 1;
        }
    bx_policy_pool pool = {true, ids, one, n};
    if ((st = bx_policy_set_pool(p, &pool)) != BX_OK)
        return st;
    const bx_pack_result *res = NULL;
    if ((st = bx_policy_pack(p, engine, &order, NULL, &res)) != BX_OK)
        return st;
    if ((p->hooks & BX_HOOK_ELIGIBLE) && res->nboxes == 0)
        bxi_warn(p->ctx, NULL, "%s: eligible allows no box that holds the lint order's units",
                bx_script_name(p->script));
    /* choose_container runs only for reusable boxes: call it once anyway,
     * so its return type is checked on catalogs without any. */
    if ((p->hooks & BX_HOOK_CHOOSE_CONTAINER) && res->nboxes > 0) {
        bool any = false;
        for (size_t b = 0; b < res->nboxes; b++)
            any |= res->boxes[b].box->reusable;
        if (!any) {
            p->order = &order;
            p->res = res;
            hook_call c = {.hook = PL_CHOOSE, .index = 0};
            st = call_hook(p, &c);
            p->order = NULL;
            p->res = NULL;
        }
    }
    return st;
}
