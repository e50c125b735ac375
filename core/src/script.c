/*
 * script.c: the Lua sandbox: a state per script on the context's
 * allocator with a memory cap, a count hook that enforces the instruction
 * budget, protected calls, and error messages that name script and line.
 *
 * The budget technique follows Redis' script timeout: a count hook adds up
 * instructions and, once the budget is spent, re-arms itself to fire on
 * every instruction and raise the error each time, so an error caught by
 * pcall inside the script is raised again at the next instruction.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "script_internal.h"

/* Instructions between two runs of the count hook: the budget is enforced
 * to this granularity. Small enough for exact tests, large enough that the
 * hook costs little (one C call per 100 instructions). */
#define HOOK_STEP 100
#define MIN_MEMORY ((size_t)64 << 10)
#define MAX_FILE_BYTES ((size_t)16 << 20)
/* Lua's short_src keeps LUA_IDSIZE - 1 bytes of a "=name" chunk name; the
 * script's name is cut to that so messages and our prefix check agree. */
#define NAME_MAX_BYTES (LUA_IDSIZE - 1)
/* Strings from this size up are counted for the comparison charge: a
 * comparison of shorter ones costs at most as much as a few ordinary
 * instructions. */
#define BIG_STRING_BYTES ((size_t)1024)
#define SIZE_CLASSES 64
/* keeps HOOK_STEP * (1 + units) far from overflow */
#define COMPARE_UNITS_MAX (UINT64_MAX / (4 * HOOK_STEP))

struct bx_script {
    bx_ctx *ctx;
    lua_State *L;
    char name[NAME_MAX_BYTES + 1];
    bx_script_limits limits;
    size_t mem, mem_peak;
    int module_ref;
    /* the current call */
    bool in_call;
    uint64_t used;
    struct timespec deadline; /* when limits.time_ms is set */
    bool over_budget;
    bool cap_hit;      /* an allocation was refused by the cap */
    bool sys_fail;     /* the context's allocator failed */
    bx_status fail_status;
    uint64_t last_used;
    /* Live strings of at least BIG_STRING_BYTES: a set of their blocks
     * (open addressing; NULL is an empty slot) and how many there are of
     * each size class floor(log2(block bytes)), for compare_units. */
    void **big;
    size_t big_cap, nbig;
    uint32_t big_class[SIZE_CLASSES];
    uint64_t compare_units;
    /* the view of the globals the script's functions see after loading
     * (load_main, bxi_script_reset_globals) */
    int view_ref;
};

bx_script_limits bx_script_limits_default(void)
{
    bx_script_limits l = {BX_SCRIPT_DEFAULT_MEMORY, BX_SCRIPT_DEFAULT_INSTRUCTIONS, 0};
    return l;
}

bx_script *bxi_script_of(lua_State *L)
{
    return *(bx_script **)lua_getextraspace(L);
}

bx_ctx *bxi_script_ctx(const bx_script *s)
{
    return s->ctx;
}

lua_State *bxi_script_lua(bx_script *s)
{
    return s->L;
}

int bxi_script_module_ref(const bx_script *s)
{
    return s->module_ref;
}

const char *bx_script_name(const bx_script *s)
{
    return s == NULL ? "" : s->name;
}

size_t bx_script_memory(const bx_script *s)
{
    return s == NULL ? 0 : s->mem;
}

size_t bx_script_memory_peak(const bx_script *s)
{
    return s == NULL ? 0 : s->mem_peak;
}

uint64_t bx_script_instructions(const bx_script *s)
{
    return s == NULL ? 0 : s->last_used;
}

/* ---- memory -------------------------------------------------------------- */

/* ---- long strings ----------------------------------------------------------
 *
 * Comparing strings (==, <, <=, and a table key against another key of the
 * same length) is one VM instruction, but Lua compares long strings with
 * memcmp, and orders any two strings with strcoll, in time up to their
 * length (a < a reads all of a); the string metatable cannot hook it and
 * the count hook sees one instruction. A string must be alive to be
 * compared, so no instruction compares more bytes than the longest live
 * string holds. While a script holds a string of BIG_STRING_BYTES or more,
 * the count hook charges every instruction that bound (one unit per 16
 * bytes, like the string functions), taken from a count of live strings by
 * size class: an upper bound at most twice the truth. Strings are
 * recognised when made (Lua passes the object's type for a new object) and
 * kept in a set so that their frees are recognised too. */

static unsigned size_class(size_t n)
{
    unsigned c = 0;
    while (n >>= 1)
        c++;
    return c;
}

static void update_compare_units(bx_script *s)
{
    s->compare_units = 0;
    for (int c = SIZE_CLASSES - 1; c >= 0; c--)
        if (s->big_class[c] > 0) {
            /* the longest is below 2^(c+1) bytes */
            s->compare_units = c + 1 >= 63 ? COMPARE_UNITS_MAX
                                           : (UINT64_C(1) << (c + 1)) / 16;
            if (s->compare_units > COMPARE_UNITS_MAX)
                s->compare_units = COMPARE_UNITS_MAX;
            break;
        }
}

static size_t big_slot(const bx_script *s, const void *p)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15u;
    return (size_t)(h >> 7) & (s->big_cap - 1);
}

/* Add block p of a new string to the set; false if the set could not
 * grow (its memory counts against the cap). */
static bool big_add(bx_script *s, void *p, size_t bytes)
{
    if (2 * (s->nbig + 1) > s->big_cap) {
        size_t cap = s->big_cap ? 2 * s->big_cap : 64;
        size_t need = cap * sizeof *s->big, had = s->big_cap * sizeof *s->big;
        if (need - had > s->limits.memory_bytes - s->mem) {
            s->cap_hit = true;
            return false;
        }
        void **v = bxi_ctx_raw_realloc(s->ctx, NULL, 0, need);
        if (v == NULL) {
            s->sys_fail = true;
            return false;
        }
        memset(v, 0, need);
        void **old = s->big;
        size_t old_cap = s->big_cap;
        s->big = v;
        s->big_cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i] != NULL) {
                size_t j = big_slot(s, old[i]);
                while (s->big[j] != NULL)
                    j = (j + 1) & (cap - 1);
                s->big[j] = old[i];
            }
        if (old != NULL)
            bxi_ctx_raw_realloc(s->ctx, old, had, 0);
        s->mem = s->mem - had + need;
    }
    size_t j = big_slot(s, p);
    while (s->big[j] != NULL)
        j = (j + 1) & (s->big_cap - 1);
    s->big[j] = p;
    s->nbig++;
    s->big_class[size_class(bytes)]++;
    update_compare_units(s);
    return true;
}

/* Block p of `bytes` is being freed: if it is a string in the set, take
 * it out (backward-shift deletion keeps every probe run whole). */
static void big_remove(bx_script *s, void *p, size_t bytes)
{
    size_t mask = s->big_cap - 1, i = big_slot(s, p);
    while (s->big[i] != p) {
        if (s->big[i] == NULL)
            return; /* not a string */
        i = (i + 1) & mask;
    }
    s->big[i] = NULL;
    for (size_t j = (i + 1) & mask; s->big[j] != NULL; j = (j + 1) & mask) {
        size_t home = big_slot(s, s->big[j]);
        /* move j back to i unless its home lies cyclically in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            s->big[i] = s->big[j];
            s->big[j] = NULL;
            i = j;
        }
    }
    s->nbig--;
    s->big_class[size_class(bytes)]--;
    update_compare_units(s);
}

uint64_t bxi_script_compare_units(lua_State *L)
{
    return bxi_script_of(L)->compare_units;
}

/* ---- memory -------------------------------------------------------------- */

static void *script_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    bx_script *s = ud;
    /* for a new object Lua passes its type in osize */
    bool new_string = ptr == NULL && osize == LUA_TSTRING;
    if (ptr == NULL)
        osize = 0;
    if (nsize == 0) {
        if (ptr != NULL) {
            if (osize >= BIG_STRING_BYTES && s->nbig > 0)
                big_remove(s, ptr, osize);
            bxi_ctx_raw_realloc(s->ctx, ptr, osize, 0);
            s->mem -= osize;
        }
        return NULL;
    }
    if (nsize > osize && nsize - osize > s->limits.memory_bytes - s->mem) {
        s->cap_hit = true;
        return NULL;
    }
    void *p = bxi_ctx_raw_realloc(s->ctx, ptr, osize, nsize);
    if (p == NULL) {
        /* Lua 5.4 assumes a shrink never fails: keep the larger block. */
        if (nsize <= osize)
            return ptr;
        s->sys_fail = true;
        return NULL;
    }
    if (new_string && nsize >= BIG_STRING_BYTES && !big_add(s, p, nsize)) {
        bxi_ctx_raw_realloc(s->ctx, p, nsize, 0);
        return NULL;
    }
    s->mem = s->mem - osize + nsize;
    if (s->mem > s->mem_peak)
        s->mem_peak = s->mem;
    /* Making bytes is work the count hook does not see (a concatenation
     * is one instruction): charge it, and let the hook raise the error
     * (an allocator must not). */
    if (s->in_call && nsize > osize)
        s->used += (nsize - osize) / 16;
    return p;
}

/* ---- params ---------------------------------------------------------------- */

int bxi_script_param_from_text(lua_State *L, const char *key, const char *value)
{
    int t = lua_getfield(L, -1, key);
    bool was_int = lua_isinteger(L, -1);
    lua_pop(L, 1);
    size_t n = strlen(value);
    const char *why = NULL;
    if (t == LUA_TNUMBER) {
        int64_t i;
        double d;
        if (was_int && bxi_parse_int(value, n, INT64_MIN, INT64_MAX, &i, &why))
            lua_pushinteger(L, i);
        else if (bxi_parse_double(value, n, &d, &why))
            lua_pushnumber(L, d);
        else
            return bxi_script_fail(L, BX_EINPUT, "parameter '%s' is a number; '%s': %s",
                                  key, value, why);
        return 1;
    }
    if (t == LUA_TBOOLEAN) {
        bool b;
        if (!bxi_parse_bool(value, n, &b, &why))
            return bxi_script_fail(L, BX_EINPUT, "parameter '%s' is a boolean; '%s': %s",
                                  key, value, why);
        lua_pushboolean(L, b);
        return 1;
    }
    if (t == LUA_TSTRING) {
        lua_pushstring(L, value);
        return 1;
    }
    return 0;
}

/* ---- errors --------------------------------------------------------------- */

const char *bxi_script_typename(lua_State *L, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL: return "nil";
    case LUA_TBOOLEAN: return "a boolean";
    case LUA_TNUMBER: return "a number";
    case LUA_TSTRING: return "a string";
    case LUA_TTABLE: return "a table";
    case LUA_TFUNCTION: return "a function";
    case LUA_TUSERDATA:
    case LUA_TLIGHTUSERDATA: return "a userdata";
    case LUA_TTHREAD: return "a thread";
    }
    return "a value";
}

int bxi_script_function_line(lua_State *L, int idx)
{
    lua_Debug ar;
    lua_pushvalue(L, idx);
    if (!lua_getinfo(L, ">S", &ar))
        return 0;
    return ar.linedefined > 0 ? ar.linedefined : 0;
}

/* The current line of the innermost frame running script code, from
 * stack level `from` outwards; 0 if none (the host is at the top). */
static int script_line(lua_State *L, int from)
{
    lua_Debug ar;
    for (int level = from; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "l", &ar))
            break;
        if (ar.currentline > 0)
            return ar.currentline;
    }
    return 0;
}

/* Does msg already start with "<name>:"? Lua adds that to runtime errors
 * raised in script code. */
static bool has_position(const bx_script *s, const char *msg)
{
    size_t n = strlen(s->name);
    return strncmp(msg, s->name, n) == 0 && msg[n] == ':';
}

/* Message handler: the error value as text (never calling __tostring,
 * which would run script code outside any budget), with the script's
 * name and line when Lua did not add them. */
static int message_handler(lua_State *L)
{
    bx_script *s = bxi_script_of(L);
    const char *msg;
    if (lua_type(L, 1) == LUA_TSTRING) {
        msg = lua_tostring(L, 1);
    } else if (lua_type(L, 1) == LUA_TNUMBER) {
        msg = lua_tostring(L, 1);
    } else {
        msg = lua_pushfstring(L, "(error object is %s)", bxi_script_typename(L, 1));
    }
    if (has_position(s, msg))
        return 1;
    int line = script_line(L, 1);
    if (line > 0)
        lua_pushfstring(L, "%s:%d: %s", s->name, line, msg);
    else
        lua_pushfstring(L, "%s: %s", s->name, msg);
    return 1;
}

int bxi_script_fail(lua_State *L, bx_status status, const char *fmt, ...)
{
    bx_script *s = bxi_script_of(L);
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    s->fail_status = status;
    int line = script_line(L, 0);
    if (line > 0)
        lua_pushfstring(L, "%s:%d: %s", s->name, line, text);
    else
        lua_pushfstring(L, "%s: %s", s->name, text);
    return lua_error(L);
}

int bxi_script_fail_line(lua_State *L, bx_status status, int line, const char *fmt, ...)
{
    bx_script *s = bxi_script_of(L);
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    s->fail_status = status;
    if (line > 0)
        lua_pushfstring(L, "%s:%d: %s", s->name, line, text);
    else
        lua_pushfstring(L, "%s: %s", s->name, text);
    return lua_error(L);
}

/* ---- instruction budget ----------------------------------------------------- */

static bool past(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static void time_spent(lua_State *L, bx_script *s)
{
    if (!s->over_budget) {
        s->over_budget = true;
        lua_sethook(L, lua_gethook(L), LUA_MASKCOUNT, 1);
    }
    bxi_script_fail(L, BX_ELIMIT, "time limit of %lu ms exceeded",
                   (unsigned long)s->limits.time_ms);
}

static void budget_spent(lua_State *L, bx_script *s)
{
    if (!s->over_budget) {
        s->over_budget = true;
        /* From now on every instruction raises the error again. */
        lua_sethook(L, lua_gethook(L), LUA_MASKCOUNT, 1);
    }
    bxi_script_fail(L, BX_ELIMIT, "instruction budget of %llu exceeded",
                   (unsigned long long)s->limits.instructions);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    bx_script *s = bxi_script_of(L);
    /* each instruction may have compared the longest string */
    uint64_t step = s->over_budget ? 1 : HOOK_STEP * (1 + s->compare_units);
    s->used = s->used + step < s->used ? UINT64_MAX : s->used + step;
    if (s->used > s->limits.instructions)
        budget_spent(L, s);
    if (s->limits.time_ms != 0 && past(&s->deadline))
        time_spent(L, s);
}

void bxi_script_charge(lua_State *L, uint64_t units)
{
    bx_script *s = bxi_script_of(L);
    s->used += units;
    if (s->used < units) /* wrapped */
        s->used = UINT64_MAX;
    if (s->used > s->limits.instructions)
        budget_spent(L, s);
}

/* ---- protected calls ----------------------------------------------------------- */

bx_status bxi_script_protected(bx_script *s, lua_CFunction fn, void *ud,
                              const char *what)
{
    lua_State *L = s->L;
    int base = lua_gettop(L);
    s->used = 0;
    s->over_budget = false;
    s->cap_hit = false;
    s->sys_fail = false;
    s->fail_status = BX_OK;
    if (s->limits.time_ms != 0) {
        clock_gettime(CLOCK_MONOTONIC, &s->deadline);
        s->deadline.tv_sec += (time_t)(s->limits.time_ms / 1000);
        s->deadline.tv_nsec += (long)(s->limits.time_ms % 1000) * 1000000L;
        if (s->deadline.tv_nsec >= 1000000000L) {
            s->deadline.tv_sec++;
            s->deadline.tv_nsec -= 1000000000L;
        }
    }
    s->in_call = true;
    uint64_t step = s->limits.instructions < HOOK_STEP ? s->limits.instructions : HOOK_STEP;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, (int)(step > 0 ? step : 1));
    /* Three pushes on a stack with room for LUA_MINSTACK: no allocation. */
    lua_pushcfunction(L, message_handler);
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, ud);
    int rc = lua_pcall(L, 1, 0, base + 1);
    s->in_call = false;
    s->last_used = s->used;
    lua_sethook(L, NULL, 0, 0);
    if (rc == LUA_OK) {
        lua_settop(L, base);
        return BX_OK;
    }
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error";
    char in[80] = "";
    if (what != NULL)
        snprintf(in, sizeof in, " (in %s)", what);
    bx_status st;
    if (s->over_budget) {
        st = bxi_error(s->ctx, BX_ELIMIT, "%s%s", msg, in);
    } else if (rc == LUA_ERRMEM || (rc == LUA_ERRERR && (s->cap_hit || s->sys_fail))) {
        if (s->sys_fail)
            st = bxi_error(s->ctx, BX_ENOMEM, "%s: out of memory%s", s->name, in);
        else
            st = bxi_error(s->ctx, BX_ELIMIT, "%s: memory limit of %zu bytes exceeded%s",
                          s->name, s->limits.memory_bytes, in);
    } else {
        st = bxi_error(s->ctx, s->fail_status != BX_OK ? s->fail_status : BX_EINPUT,
                      "%s%s", msg, in);
    }
    lua_settop(L, base);
    return st;
}

/* ---- loading ------------------------------------------------------------------ */

typedef struct load_args {
    const char *text;
    size_t len;
} load_args;

static int load_main(lua_State *L)
{
    bx_script *s = bxi_script_of(L);
    const load_args *a = lua_touserdata(L, 1);
    if (a->len > 0 && a->text[0] == LUA_SIGNATURE[0])
        return bxi_script_fail(L, BX_EINPUT, "precompiled bytecode is not accepted; "
                                            "give the script's source text");
    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
    lua_settop(L, 1);
    bxi_script_open_env(L); /* env at 2 */
    char chunkname[NAME_MAX_BYTES + 2];
    snprintf(chunkname, sizeof chunkname, "=%s", s->name);
    int rc = luaL_loadbufferx(L, a->text, a->len, chunkname, "t");
    if (rc != LUA_OK) {
        if (rc == LUA_ERRSYNTAX)
            s->fail_status = BX_EINPUT;
        return lua_error(L);
    }
    lua_pushvalue(L, 2);
    if (lua_setupvalue(L, -2, 1) == NULL) /* the chunk's _ENV */
        lua_pop(L, 1);
    lua_pushvalue(L, -1); /* chunk at 3, kept to repoint its _ENV */
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1))
        return bxi_script_fail(L, BX_EINPUT,
                              "the script must return a table (its module), not %s",
                              bxi_script_typename(L, -1));
    s->module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    /* From now on the script's functions (which all share the chunk's
     * _ENV) see the globals through a view: an empty table whose reads
     * fall through to the globals as the main chunk left them, and whose
     * writes stay in the view, which bxi_script_reset_globals empties. Its
     * metatable is locked so that a call cannot redirect it. */
    lua_newtable(L); /* the view at 4 */
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, 4);
    lua_pushliteral(L, "_G");
    lua_pushvalue(L, 4);
    lua_rawset(L, 2);
    lua_pushvalue(L, 4);
    if (lua_setupvalue(L, 3, 1) == NULL)
        lua_pop(L, 1);
    s->view_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static int clear_view(lua_State *L)
{
    bx_script *s = bxi_script_of(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->view_ref);
    int view = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, view) != 0) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, view); /* clearing a field while traversing is allowed */
    }
    return 0;
}

bx_status bxi_script_reset_globals(bx_script *s)
{
    if (s == NULL || s->view_ref == LUA_NOREF)
        return BX_OK;
    /* An empty view (no call wrote a global) needs nothing: this look
     * neither allocates nor raises, so it runs outside a protected call. */
    lua_State *L = s->L;
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->view_ref);
    lua_pushnil(L);
    bool clean = lua_next(L, -2) == 0;
    lua_settop(L, top);
    return clean ? BX_OK : bxi_script_protected(s, clear_view, NULL, NULL);
}

/* The last path component, cut to what Lua keeps of a chunk name (at a
 * UTF-8 character boundary). */
static void set_name(bx_script *s, const char *name)
{
    size_t n = strlen(name);
    if (n > NAME_MAX_BYTES) {
        n = NAME_MAX_BYTES;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(s->name, name, n);
    s->name[n] = '\0';
}

bx_status bx_script_load_buffer(bx_ctx *ctx, bx_script **out, const char *name,
                                const char *text, size_t len,
                                const bx_script_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || (text == NULL && len > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_script_load: bad argument");
    *out = NULL;
    bx_script_limits lim = limits ? *limits : bx_script_limits_default();
    if (lim.memory_bytes == 0)
        lim.memory_bytes = BX_SCRIPT_DEFAULT_MEMORY;
    if (lim.instructions == 0)
        lim.instructions = BX_SCRIPT_DEFAULT_INSTRUCTIONS;
    if (lim.memory_bytes < MIN_MEMORY)
        return bxi_error(ctx, BX_EINVAL, "%s: a memory cap of %zu bytes is below the "
                        "smallest accepted (%zu)", name, lim.memory_bytes, MIN_MEMORY);
    bx_script *s = bx_alloc(ctx, sizeof *s);
    if (s == NULL)
        return BX_ENOMEM;
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->limits = lim;
    s->module_ref = LUA_NOREF;
    s->view_ref = LUA_NOREF;
    set_name(s, name);
    s->L = lua_newstate(script_alloc, s);
    if (s->L == NULL) {
        bx_status st = s->sys_fail ? bxi_error(ctx, BX_ENOMEM, "%s: out of memory", s->name)
                                   : bxi_error(ctx, BX_ELIMIT, "%s: memory limit of %zu "
                                              "bytes exceeded", s->name, lim.memory_bytes);
        bx_free(ctx, s);
        return st;
    }
    *(bx_script **)lua_getextraspace(s->L) = s;
    load_args a = {text ? text : "", len};
    bx_status st = bxi_script_protected(s, load_main, &a, NULL);
    if (st != BX_OK) {
        bx_script_free(s);
        return st;
    }
    *out = s;
    return BX_OK;
}

bx_status bx_script_load_file(bx_ctx *ctx, bx_script **out, const char *path,
                              const bx_script_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_script_load_file: bad argument");
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return bxi_error(ctx, errno == ENOENT ? BX_ENOTFOUND : BX_EIO, "%s: %s", path,
                        strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = bx_alloc(ctx, cap);
    bx_status st = buf ? BX_OK : BX_ENOMEM;
    while (st == BX_OK) {
        if (n == cap) {
            if (cap >= MAX_FILE_BYTES) {
                st = bxi_error(ctx, BX_ELIMIT, "%s: a script may be at most %zu bytes",
                              path, MAX_FILE_BYTES);
                break;
            }
            char *b = bx_realloc(ctx, buf, cap * 2);
            if (b == NULL) {
                st = BX_ENOMEM;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp))
                st = bxi_error(ctx, BX_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(fp);
    if (st == BX_OK) {
        const char *base = strrchr(path, '/');
        st = bx_script_load_buffer(ctx, out, base ? base + 1 : path, buf, n, limits);
    }
    bx_free(ctx, buf);
    return st;
}

void bx_script_free(bx_script *s)
{
    if (s == NULL)
        return;
    if (s->L != NULL)
        lua_close(s->L);
    if (s->big != NULL)
        bxi_ctx_raw_realloc(s->ctx, s->big, s->big_cap * sizeof *s->big, 0);
    bx_free(s->ctx, s);
}
