/*
 * script_lib.c: the sandbox's environment: an allow-list of the standard
 * libraries, with the functions whose work the count hook cannot see
 * wrapped so that they charge the instruction budget for it.
 *
 * A wrapper calls the original function and then charges one unit per 16
 * bytes of string it read or produced, or one unit per table element it
 * touched (n log n for a sort, times the cost of comparing the
 * longest string the script holds). Three need a look before the call:
 * string.rep with an empty result loops without producing anything, so it
 * is answered directly; table.move can walk 2^63 empty slots without
 * allocating, so it is charged up front; and pattern matching backtracks
 * in time polynomial in the subject with the number of repetition items
 * as exponent, so a call whose worst case is out of reach is refused.
 */
#include <math.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "script_internal.h"

enum charge_mode {
    CHARGE_BYTES = 0,   /* string/utf8: bytes read and produced */
    CHARGE_REP = 1,     /* string.rep */
    CHARGE_PATTERN = 2, /* find, match, gmatch, gsub */
    CHARGE_ELEMENTS = 3, /* table.concat, insert, remove, unpack */
    CHARGE_SORT = 4,
    CHARGE_MOVE = 5
};

/* Worst-case steps allowed for one pattern call. */
#define PATTERN_STEPS_MAX 1e9

/* Repetition items (* + - ?) of a Lua pattern, outside %-escapes and
 * [sets]. */
static int pattern_repetitions(const char *p, size_t n)
{
    int q = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '%') {
            i++;
        } else if (c == '[') {
            i++;
            if (i < n && p[i] == '^')
                i++;
            /* a ']' right after '[' or '[^' is a member */
            if (i < n && p[i] == ']')
                i++;
            while (i < n && p[i] != ']') {
                if (p[i] == '%')
                    i++;
                i++;
            }
        } else if (c == '*' || c == '+' || c == '-' || c == '?') {
            q++;
        }
    }
    return q;
}

static void pattern_guard(lua_State *L)
{
    size_t ls = 0, lp = 0;
    if (lua_type(L, 1) == LUA_TSTRING)
        lua_tolstring(L, 1, &ls);
    if (lua_type(L, 2) != LUA_TSTRING)
        return; /* the original reports the bad argument */
    const char *p = lua_tolstring(L, 2, &lp);
    /* string.find(s, p, init, true) is a plain search */
    bool plain = lua_toboolean(L, lua_upvalueindex(3)) && lua_toboolean(L, 4);
    int q = plain ? 0 : pattern_repetitions(p, lp);
    double steps = pow((double)ls + 1.0, (double)q + 1.0) * (double)(lp > 0 ? lp : 1);
    if (steps > PATTERN_STEPS_MAX)
        bxi_script_fail(L, BX_EINPUT,
                       "pattern '%.40s' with %d repetition item%s over %zu bytes of "
                       "text could backtrack for too long (worst case over 10^9 "
                       "steps): use shorter text, fewer repetitions or a plain find",
                       p, q, q == 1 ? "" : "s", ls);
}

static uint64_t string_bytes(lua_State *L, int from, int to)
{
    uint64_t n = 0;
    for (int i = from; i <= to; i++)
        if (lua_type(L, i) == LUA_TSTRING) {
            size_t len;
            lua_tolstring(L, i, &len);
            n += len;
        }
    return n;
}

/* upvalues: 1 the original function, 2 its charge mode, 3 true for
 * string.find (which has the plain flag) */
static int charged(lua_State *L)
{
    int mode = (int)lua_tointeger(L, lua_upvalueindex(2));
    int nargs = lua_gettop(L);
    uint64_t elements = 0;
    switch (mode) {
    case CHARGE_REP: {
        size_t l = 0, lsep = 0;
        luaL_checklstring(L, 1, &l);
        lua_Integer n = luaL_checkinteger(L, 2);
        luaL_optlstring(L, 3, "", &lsep);
        if (n <= 0 || l + lsep == 0) {
            lua_pushliteral(L, "");
            return 1;
        }
        break;
    }
    case CHARGE_PATTERN:
        pattern_guard(L);
        break;
    case CHARGE_MOVE: {
        lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
        if (e >= f)
            bxi_script_charge(L, (uint64_t)e - (uint64_t)f + 1);
        break;
    }
    case CHARGE_ELEMENTS:
    case CHARGE_SORT:
        if (lua_type(L, 1) == LUA_TTABLE)
            elements = lua_rawlen(L, 1);
        break;
    default:
        break;
    }
    uint64_t bytes = string_bytes(L, 1, nargs);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    int nres = lua_gettop(L);
    bytes += string_bytes(L, 1, nres);
    uint64_t units = 1 + bytes / 16;
    if (mode == CHARGE_ELEMENTS)
        units += elements + (uint64_t)nres;
    else if (mode == CHARGE_SORT && elements > 1) {
        /* each comparison may read the longest string (script.c) */
        double c = (double)elements * log2((double)elements) *
                   (1.0 + (double)bxi_script_compare_units(L));
        units += c < 1e18 ? (uint64_t)c : UINT64_C(1000000000000000000);
    }
    bxi_script_charge(L, units);
    return nres;
}

/* Copy the functions of library table `lib` (at idx) into a new table,
 * leaving out `deny` and wrapping each with its charge mode. */
static void copy_lib(lua_State *L, int idx, const char *const *deny,
                     int (*mode_of)(const char *name))
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        /* key at -2, value at -1 */
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        bool denied = false;
        for (size_t i = 0; k != NULL && deny != NULL && deny[i] != NULL; i++)
            denied |= strcmp(k, deny[i]) == 0;
        if (k == NULL || denied) {
            lua_pop(L, 1);
            continue;
        }
        int mode = mode_of != NULL && lua_iscfunction(L, -1) ? mode_of(k) : -1;
        if (mode >= 0) {
            lua_pushinteger(L, mode);
            lua_pushboolean(L, strcmp(k, "find") == 0);
            lua_pushcclosure(L, charged, 3);
        }
        lua_setfield(L, -3, k);
    }
}

static int string_mode(const char *name)
{
    if (strcmp(name, "rep") == 0)
        return CHARGE_REP;
    if (strcmp(name, "find") == 0 || strcmp(name, "match") == 0 ||
        strcmp(name, "gmatch") == 0 || strcmp(name, "gsub") == 0)
        return CHARGE_PATTERN;
    return CHARGE_BYTES;
}

static int table_mode(const char *name)
{
    if (strcmp(name, "sort") == 0)
        return CHARGE_SORT;
    if (strcmp(name, "move") == 0)
        return CHARGE_MOVE;
    if (strcmp(name, "pack") == 0)
        return -1;
    return CHARGE_ELEMENTS;
}

static int utf8_mode(const char *name)
{
    (void)name;
    return CHARGE_BYTES;
}

/* setmetatable without finalizers: Lua runs __gc with hooks off, so a
 * finalizer would escape the instruction budget. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return bxi_script_fail(L, BX_EINPUT,
                                  "setmetatable: __gc metamethods are not allowed here");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* xpcall whose handler runs after the stack is unwound, like a pcall
 * followed by a call. Lua calls a real message handler at the point of
 * the error, and when that error comes from the count hook, hooks are off
 * until the unwinding: a looping handler would then run unchecked. The
 * sandbox has no debug library, so a handler could not look at the
 * unwound stack anyway. */
static int safe_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1); /* f, h, args..., f */
    lua_rotate(L, 3, 1); /* f, h, f, args... */
    int rc = lua_pcall(L, n - 2, LUA_MULTRET, 0);
    if (rc == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_replace(L, 1); /* true, h, results... */
        lua_remove(L, 2);
        return lua_gettop(L);
    }
    lua_pushvalue(L, 2); /* f, h, err, h */
    lua_insert(L, -2);   /* f, h, h, err */
    rc = lua_pcall(L, 1, 1, 0);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    (void)rc; /* either way: false and what the handler returned or raised */
    return 2;
}

static void open_lib(lua_State *L, int env, int loaded, const char *name,
                     const char *const *deny, int (*mode_of)(const char *))
{
    lua_getfield(L, loaded, name);
    copy_lib(L, -1, deny, mode_of);
    lua_setfield(L, env, name);
    lua_pop(L, 1);
}

void bxi_script_open_env(lua_State *L)
{
    static const char *const base[] = {
        "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
        "rawequal", "rawget", "rawlen", "rawset", "select", "tonumber",
        "tostring", "type", "_VERSION", NULL,
    };
    static const char *const string_deny[] = {"dump", NULL};
    static const char *const math_deny[] = {"random", "randomseed", NULL};

    lua_newtable(L);
    int env = lua_gettop(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    int loaded = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int g = lua_gettop(L);
    for (size_t i = 0; base[i] != NULL; i++) {
        lua_getfield(L, g, base[i]);
        lua_setfield(L, env, base[i]);
    }
    lua_getfield(L, g, "setmetatable");
    lua_pushcclosure(L, safe_setmetatable, 1);
    lua_setfield(L, env, "setmetatable");
    lua_pushcfunction(L, safe_xpcall);
    lua_setfield(L, env, "xpcall");
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");

    open_lib(L, env, loaded, LUA_STRLIBNAME, string_deny, string_mode);
    open_lib(L, env, loaded, LUA_TABLIBNAME, NULL, table_mode);
    open_lib(L, env, loaded, LUA_MATHLIBNAME, math_deny, NULL);
    open_lib(L, env, loaded, LUA_UTF8LIBNAME, NULL, utf8_mode);

    /* Methods on strings ("x"):rep(3) use the sandbox's string table; the
     * metatable itself is hidden from getmetatable. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_getfield(L, env, LUA_STRLIBNAME);
        lua_setfield(L, -2, "__index");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_settop(L, env);
}
