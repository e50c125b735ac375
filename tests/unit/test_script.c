/*
 * test_script.c: the Lua sandbox. Escapes and bombs are each stopped with
 * a clear error inside their budget, the process unharmed; errors name the
 * script and line; every byte goes back to the context's allocator.
 */
#include <lua.h>
#include <string.h>

#include "script_internal.h"
#include "testutil.h"

/* Small limits keep the bombs fast: 4 MiB and 2 M instructions. */
static const bx_script_limits small = {(size_t)4 << 20, 2000000, 0};

typedef struct loaded {
    test_alloc ta;
    test_diags diags;
    bx_ctx *ctx;
    bx_script *s;
    bx_status st;
} loaded;

static void load(loaded *l, const char *src)
{
    memset(l, 0, sizeof *l);
    l->ctx = test_ctx_new(&l->ta, 0);
    assert_non_null(l->ctx);
    l->st = bx_script_load_buffer(l->ctx, &l->s, "t.lua", src, strlen(src), &small);
}

static void unload(loaded *l)
{
    bx_script_free(l->s);
    bx_ctx_free(l->ctx);
    assert_int_equal(l->ta.live_bytes, 0);
    assert_int_equal(l->ta.live_blocks, 0);
}

/* Load src, expect status st and a message containing `want`. */
static void expect(const char *src, bx_status st, const char *want)
{
    loaded l;
    load(&l, src);
    if (l.st != st || strstr(bx_ctx_errmsg(l.ctx), want) == NULL)
        fail_msg("script:\n%s\nwanted %s with '%s', got %s: '%s'", src, bx_strerror(st), want,
                 bx_strerror(l.st), bx_ctx_errmsg(l.ctx));
    if (st != BX_OK)
        assert_null(l.s);
    unload(&l);
}

static void test_module_is_a_table(void **state)
{
    (void)state;
    expect("return {answer = 42}", BX_OK, "");
    expect("return 42", BX_EINPUT, "t.lua: the script must return a table (its module), not a number");
    expect("local x = 1", BX_EINPUT, "must return a table (its module), not nil");
}

static void test_errors_name_script_and_line(void **state)
{
    (void)state;
    /* syntax error on line 3 */
    expect("local a = 1\nlocal b = 2\nlocal c = = 3\nreturn {}", BX_EINPUT,
           "t.lua:3: unexpected symbol near '='");
    /* runtime error on line 2 */
    expect("local box\nlocal v = box.volume\nreturn {}", BX_EINPUT,
           "t.lua:2: attempt to index a nil value (local 'box')");
    /* error() at level 1 and level 0: both get the line */
    expect("\n\nerror('no boxes')", BX_EINPUT, "t.lua:3: no boxes");
    expect("\nerror('bare', 0)", BX_EINPUT, "t.lua:2: bare");
    /* an error in a C function called from line 2 */
    expect("\nlocal n = math.floor('x')", BX_EINPUT, "t.lua:2: bad argument #1 to ");
    /* error objects are described, never converted through __tostring
     * (which would run script code outside the budget) */
    expect("error({})", BX_EINPUT, "t.lua:1: (error object is a table)");
    expect("error(setmetatable({}, {__tostring = function() while true do end end}))",
           BX_EINPUT, "(error object is a table)");
}

static void test_bytecode_is_refused(void **state)
{
    (void)state;
    expect("\x1bLua\x54\x00 whatever", BX_EINPUT, "t.lua: precompiled bytecode is not accepted");
}

static void test_infinite_loops_stop(void **state)
{
    (void)state;
    expect("while true do end", BX_ELIMIT, "t.lua:1: instruction budget of 2000000 exceeded");
    /* pcall cannot swallow it: the error comes back at the next instruction */
    expect("while true do pcall(function() while true do end end) end", BX_ELIMIT,
           "instruction budget of 2000000 exceeded");
    expect("local ok = pcall(function() while true do end end)\nreturn {ok = ok}", BX_ELIMIT,
           "instruction budget");
    expect("xpcall(function() while true do end end, function(m) return m end)\nreturn {}",
           BX_ELIMIT, "instruction budget");
    /* an error handler that loops is stopped too */
    expect("xpcall(error, function() while true do end end)\nreturn {}", BX_ELIMIT,
           "instruction budget");
    /* C loops are charged: table.move over 10^12 empty slots */
    expect("table.move({}, 1, 1000000000000, 2)", BX_ELIMIT, "instruction budget");
    /* so is a sort repeated over a large table */
    expect("local t = {} for i = 1, 100000 do t[i] = -i end\n"
           "for k = 1, 1000 do table.sort(t) end", BX_ELIMIT, "instruction budget");
}

static void test_memory_bombs_stop(void **state)
{
    (void)state;
    expect("local s = string.rep('x', 1000000000)", BX_ELIMIT,
           "t.lua: memory limit of 4194304 bytes exceeded");
    expect("local s = ('x'):rep(1 << 30)", BX_ELIMIT, "memory limit of 4194304 bytes exceeded");
    expect("local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end", BX_ELIMIT,
           "memory limit");
    /* a doubling string: each instruction is charged as a comparison of
     * the longest string held, so the budget ends it before the cap */
    expect("local s = 'x' while true do s = s .. s end", BX_ELIMIT, "instruction budget");
    /* copying bytes is charged: a loop of 1 MB concatenations that the
     * collector keeps within the cap ends on the budget */
    expect("local s = string.rep('x', 1000000) while true do local b = s .. 'y' end",
           BX_ELIMIT, "instruction budget");
    /* a memory error caught by pcall, again and again: the budget ends it */
    expect("while true do pcall(string.rep, 'x', 1 << 30) end", BX_ELIMIT,
           "instruction budget");
    /* an empty repetition does no work however many times */
    expect("assert(string.rep('', 1 << 60) == '' and ('x'):rep(0) == '')\nreturn {}",
           BX_OK, "");
}

/* The time limit stops what the budget would let run long: here a budget
 * of 10^15 instructions. */
static void test_time_limit(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bx_script *s = NULL;
    bx_script_limits lim = {(size_t)16 << 20, UINT64_C(1000000000000000), 100};
    const char *src = "local n = 0\n"
                      "while true do n = n + 1 end";
    assert_int_equal(bx_script_load_buffer(ctx, &s, "t.lua", src, strlen(src), &lim),
                     BX_ELIMIT);
    assert_string_equal(bx_ctx_errmsg(ctx), "t.lua:2: time limit of 100 ms exceeded");
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

static bx_status run_with_budget(const char *src, uint64_t instructions, test_alloc *ta,
                                 char *msg, size_t size)
{
    bx_ctx *ctx = test_ctx_new(ta, 0);
    bx_script *s = NULL;
    bx_script_limits lim = {(size_t)32 << 20, instructions, 0};
    bx_status st = bx_script_load_buffer(ctx, &s, "t.lua", src, strlen(src), &lim);
    snprintf(msg, size, "%s", bx_ctx_errmsg(ctx));
    bx_script_free(s);
    bx_ctx_free(ctx);
    assert_int_equal(ta->live_bytes, 0);
    return st;
}

/* Comparing long strings is one instruction whose work grows with their
 * length: the budget charges it. Two strings of 3,000,000 bytes differing
 * in the last byte: each comparison reads all 3,000,000 bytes, so 100 of
 * them are at least 100 * 3,000,000 / 16 = 18,750,000 units of work (one
 * unit per 16 bytes, as the string functions are charged), over a budget
 * of 10,000,000; making the strings costs about 1,300,000 (rep, sub and
 * the concatenations read or make some 20,000,000 bytes). The charge is a
 * bound (every instruction as if it compared the longest string held, up
 * to twice its length), not a refusal: the same loop, some 500
 * instructions, fits in 10^9 (500 * 2 * 3,000,000 / 16 = 187,500,000). */
static void test_long_comparisons_are_charged(void **state)
{
    (void)state;
    static const char *const ops[] = {"a == c", "a < c", "c <= a", "a < a",
                                      "t[c] ~= nil"};
    char msg[512], src[512];
    for (size_t i = 0; i < BX_ARRAY_LEN(ops); i++) {
        snprintf(src, sizeof src,
                 "local a = string.rep('x', 3000000)\n"
                 "local c = a:sub(1, -2) .. 'y'\n"
                 "local t = {[a:sub(1, -2) .. 'y'] = true}\n"
                 "for i = 1, 100 do local b = %s end\n"
                 "return {}", ops[i]);
        test_alloc ta;
        bx_status st = run_with_budget(src, 10000000, &ta, msg, sizeof msg);
        if (st != BX_ELIMIT || strcmp(msg, "t.lua:4: instruction budget of 10000000 "
                                           "exceeded") != 0)
            fail_msg("%s: %s: %s", ops[i], bx_strerror(st), msg);
        assert_int_equal(run_with_budget(src, 1000000000, &ta, msg, sizeof msg), BX_OK);
    }
    /* strings under 1 KiB cost nothing extra: 100,000 comparisons of two
     * 900-byte strings are some 400,000 instructions */
    test_alloc ta;
    assert_int_equal(run_with_budget("local a = string.rep('x', 900)\n"
                                     "local c = a:sub(1, -2) .. 'y'\n"
                                     "for i = 1, 100000 do local b = a < c end\n"
                                     "return {}", 1000000, &ta, msg, sizeof msg), BX_OK);
    /* table.sort compares in C, out of the count hook's sight: sorting 64
     * references to one 3,000,000-byte string makes at least 63
     * comparisons (any comparison sort of 64 elements does), each reading
     * all of it with strcoll: at least 63 * 3,000,000 / 16 = 11,812,500
     * units more than the same script sorting an empty table. */
    uint64_t used[2];
    for (int k = 0; k < 2; k++) {
        snprintf(src, sizeof src,
                 "local a = string.rep('x', 3000000)\n"
                 "local t, e = {}, {}\n"
                 "for i = 1, 64 do t[i] = a end\n"
                 "table.sort(%s)\n"
                 "return {}", k == 0 ? "t" : "e");
        bx_ctx *ctx = test_ctx_new(&ta, 0);
        bx_script *s = NULL;
        bx_script_limits lim = {(size_t)32 << 20, UINT64_C(1000000000000), 0};
        assert_int_equal(bx_script_load_buffer(ctx, &s, "t.lua", src, strlen(src), &lim),
                         BX_OK);
        used[k] = bx_script_instructions(s);
        bx_script_free(s);
        bx_ctx_free(ctx);
    }
    if (used[0] < used[1] + 11812500)
        fail_msg("sorting charged %llu, sorting nothing %llu", (unsigned long long)used[0],
                 (unsigned long long)used[1]);
}

static void test_deep_recursion_stops(void **state)
{
    (void)state;
    loaded l;
    load(&l, "local function f(n) return f(n + 1) + 1 end\nreturn {f(1)}");
    /* Lua's stack limit or the memory cap, whichever comes first */
    assert_true(l.st == BX_EINPUT || l.st == BX_ELIMIT);
    const char *m = bx_ctx_errmsg(l.ctx);
    if (strstr(m, "stack overflow") == NULL && strstr(m, "memory limit") == NULL)
        fail_msg("unexpected message: %s", m);
    unload(&l);
    /* recursion through a C boundary hits Lua's C-stack limit */
    expect("local t = setmetatable({}, {__index = function(t, k) return t[k] end})\n"
           "return {t.x}", BX_EINPUT, "stack overflow");
}

static void test_no_way_out(void **state)
{
    (void)state;
    /* none of these exist in the sandbox */
    static const char *const absent[] = {
        "io", "os", "debug", "package", "require", "load", "loadfile", "dofile",
        "collectgarbage", "print", "warn", "coroutine", "loadstring", "module",
        "string.dump", "math.random", "math.randomseed", "('').dump",
    };
    for (size_t i = 0; i < BX_ARRAY_LEN(absent); i++) {
        char src[128];
        snprintf(src, sizeof src, "assert(%s == nil, [[%s is here]])\nreturn {}", absent[i],
                 absent[i]);
        expect(src, BX_OK, "");
    }
    expect("io.open('/etc/passwd')", BX_EINPUT, "t.lua:1: attempt to index a nil value (global 'io')");
    expect("os.execute('true')", BX_EINPUT, "attempt to index a nil value (global 'os')");
    expect("load('return 1')()", BX_EINPUT, "attempt to call a nil value (global 'load')");
    expect("require('os')", BX_EINPUT, "attempt to call a nil value (global 'require')");
    expect("string.dump(function() end)", BX_EINPUT, "attempt to call a nil value (field 'dump')");
    /* the string metatable is locked: no path to the real string library */
    expect("assert(getmetatable('') == false)\nreturn {}", BX_OK, "");
    expect("getmetatable('').__index.dump = 1", BX_EINPUT, "attempt to index a boolean value");
    expect("return {(''):dump()}", BX_EINPUT, "attempt to call a nil value (method 'dump')");
    expect("setmetatable('', {})", BX_EINPUT, "bad argument #1 to ");
    /* finalizers would run with the hook off */
    expect("setmetatable({}, {__gc = function() while true do end end})", BX_EINPUT,
           "t.lua:1: setmetatable: __gc metamethods are not allowed here");
    /* _G is the sandbox itself */
    expect("assert(_G.string == string and _G.io == nil)\nreturn {}", BX_OK, "");
    /* methods on strings still work, and go through the charged library */
    expect("assert(('ab'):upper() == 'AB' and ('x'):rep(3, ',') == 'x,x,x')\nreturn {}",
           BX_OK, "");
}

static void test_patterns_that_could_backtrack_forever(void **state)
{
    (void)state;
    /* (n+1)^(q+1): 5001^11 worst-case steps */
    expect("local s = string.rep('a', 5000)\nreturn {s:find(string.rep('a*', 10) .. 'b')}",
           BX_EINPUT, "t.lua:2: pattern 'a*a*a*a*a*a*a*a*a*a*b' with 10 repetition items over "
                      "5000 bytes");
    /* ordinary use is fine: ids, short text, plain search of long text */
    expect("assert(('box-12#'):match('^box%-(%d+)#$') == '12')\n"
           "assert(string.rep('a', 100000):find('ab', 1, true) == nil)\n"
           "assert(('[x]'):find('[]]') == 3)\nreturn {}",
           BX_OK, "");
}

/* ---- calls after loading ---------------------------------------------------- */

typedef struct call_args {
    const char *field;
} call_args;

static int call_field(lua_State *L)
{
    bx_script *s = bxi_script_of(L);
    call_args *a = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bxi_script_module_ref(s));
    lua_getfield(L, -1, a->field);
    lua_call(L, 0, 0);
    return 0;
}

static bx_status call(bx_script *s, const char *field)
{
    call_args a = {field};
    return bxi_script_protected(s, call_field, &a, "test call");
}

static void test_budget_is_per_call(void **state)
{
    (void)state;
    loaded l;
    /* about 1.2 M instructions a call (2 per iteration: ADD, FORLOOP):
     * three calls would
     * spend the 2 M budget if it were not reset */
    load(&l, "local M = {}\n"
             "function M.work() local x = 0 for i = 1, 600000 do x = x + i end end\n"
             "function M.spin() while true do end end\n"
             "function M.bad() local t = nil\n return t.x end\n"
             "return M");
    assert_int_equal(l.st, BX_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(call(l.s, "work"), BX_OK);
        assert_true(bx_script_instructions(l.s) > 900000);
        assert_true(bx_script_instructions(l.s) < 2000000);
    }
    assert_int_equal(call(l.s, "spin"), BX_ELIMIT);
    assert_string_equal(bx_ctx_errmsg(l.ctx),
                        "t.lua:3: instruction budget of 2000000 exceeded (in test call)");
    /* the state is still usable after a budget error */
    assert_int_equal(call(l.s, "work"), BX_OK);
    assert_int_equal(call(l.s, "bad"), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(l.ctx),
                        "t.lua:5: attempt to index a nil value (local 't') (in test call)");
    unload(&l);
}

static void test_memory_is_the_contexts(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    size_t before = bx_ctx_bytes_in_use(ctx);
    bx_script *s = NULL;
    const char *src = "local t = {} for i = 1, 1000 do t[i] = tostring(i) end return {t = t}";
    assert_int_equal(bx_script_load_buffer(ctx, &s, "m.lua", src, strlen(src), NULL), BX_OK);
    /* the Lua heap is counted by the context and by the script */
    size_t lua_bytes = bx_script_memory(s);
    assert_true(lua_bytes > 20000);
    assert_true(bx_ctx_bytes_in_use(ctx) >= before + lua_bytes);
    assert_true(bx_script_memory_peak(s) >= lua_bytes);
    bx_script_free(s);
    assert_int_equal(bx_ctx_bytes_in_use(ctx), before);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

static void test_limits_are_checked(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    bx_script *s = NULL;
    bx_script_limits tiny = {1024, 0, 0};
    assert_int_equal(bx_script_load_buffer(ctx, &s, "x.lua", "return {}", 9, &tiny), BX_EINVAL);
    assert_null(s);
    assert_int_equal(bx_script_load_buffer(ctx, &s, NULL, "return {}", 9, NULL), BX_EINVAL);
    assert_int_equal(bx_script_load_file(ctx, &s, "/nonexistent/x.lua", NULL), BX_ENOTFOUND);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "/nonexistent/x.lua"));
    /* a long name is cut where Lua cuts chunk names, and messages agree */
    const char *longname = "a-policy-file-name-that-is-much-longer-than-lua-keeps-for-chunk-names.lua";
    assert_int_equal(bx_script_load_buffer(ctx, &s, longname, "error('x')", 10, NULL), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "a-policy-file-name-that-is-much-longer-than-lua-keeps-for-c:1: x");
    bx_ctx_free(ctx);
}

static void test_out_of_memory_everywhere(void **state)
{
    (void)state;
    const char *src = "local t = {} for i = 1, 50 do t[i] = ('x'):rep(i) end\n"
                      "return {t = t, f = function() return #t end}";
    /* Lua retries a failed allocation after a full collection, so an
     * injected failure may be survived: BX_OK or BX_ENOMEM, never anything
     * else, and never a leak. */
    uint64_t oom = 0;
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        bx_script *s = NULL;
        bx_status st = bx_script_load_buffer(ctx, &s, "o.lua", src, strlen(src), NULL);
        if (st != BX_OK && st != BX_ENOMEM)
            fail_msg("allocation %llu: %s: %s", (unsigned long long)n, bx_strerror(st),
                     bx_ctx_errmsg(ctx));
        oom += st == BX_ENOMEM;
        bool done = ta.failures == 0;
        bx_script_free(s);
        bx_ctx_free(ctx);
        if (ta.live_bytes != 0 || ta.live_blocks != 0)
            fail_msg("allocation %llu: %zu bytes leaked", (unsigned long long)n, ta.live_bytes);
        if (done)
            break;
    }
    assert_true(oom > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_is_a_table),
        cmocka_unit_test(test_errors_name_script_and_line),
        cmocka_unit_test(test_bytecode_is_refused),
        cmocka_unit_test(test_infinite_loops_stop),
        cmocka_unit_test(test_memory_bombs_stop),
        cmocka_unit_test(test_time_limit),
        cmocka_unit_test(test_long_comparisons_are_charged),
        cmocka_unit_test(test_deep_recursion_stops),
        cmocka_unit_test(test_no_way_out),
        cmocka_unit_test(test_patterns_that_could_backtrack_forever),
        cmocka_unit_test(test_budget_is_per_call),
        cmocka_unit_test(test_memory_is_the_contexts),
        cmocka_unit_test(test_limits_are_checked),
        cmocka_unit_test(test_out_of_memory_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
