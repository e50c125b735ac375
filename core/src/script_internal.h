/*
 * script_internal.h: what the bindings (policies, reports) need from the
 * sandbox beyond the public header. Only in builds with Lua.
 *
 * Calling into a script: everything that touches the Lua state, pushing
 * arguments included, happens inside bxi_script_protected, so no Lua error
 * (out of memory under the cap, a script error) can ever escape to a Lua
 * panic. The function given there runs as a C function on the script's
 * state with the instruction budget reset; it calls the script's hooks
 * with lua_call and raises errors with luaL_error / lua_error.
 */
#ifndef BOXCAR_SCRIPT_INTERNAL_H
#define BOXCAR_SCRIPT_INTERNAL_H

#include <stdbool.h>

#include <lua.h>

#include "boxcar/script.h"
#include "internal.h"

/* The script whose state L is (from the state's extra space). */
bx_script *bxi_script_of(lua_State *L);

bx_ctx *bxi_script_ctx(const bx_script *s);
lua_State *bxi_script_lua(bx_script *s);

/* Registry reference of the module table the main chunk returned. */
int bxi_script_module_ref(const bx_script *s);

/* Run fn(L) protected, with ud at lua_touserdata(L, 1), under a fresh
 * instruction budget. On a Lua error the context gets a message naming
 * the script and line, followed by " (in <what>)" when what is not NULL
 * ("gb45186.lua:12: ... (in hook 'check')"), and the status says what kind: BX_EINPUT (script error),
 * BX_ELIMIT (memory cap or instruction budget), BX_ENOMEM (the context's
 * allocator failed). fn may also set a bx_status of its own with
 * bxi_script_fail and raise an error: that status is returned then. */
bx_status bxi_script_protected(bx_script *s, lua_CFunction fn, void *ud,
                              const char *what);

/* Forget every global a call set since the script loaded: after loading,
 * the script's functions see the globals through a view whose reads fall
 * through to the globals as the main chunk left them and whose writes
 * stay in the view; this empties the view (cheap when nothing was
 * written: no protected call, no allocation). The tables globals hold are
 * the same tables, their contents as the calls left them. Called before
 * each order of a policy and each report build, so that no call sees a
 * global an earlier one set. BX_OK, or an error of bxi_script_protected. */
bx_status bxi_script_reset_globals(bx_script *s);

/* From inside fn: raise an error with `status` and a message (formatted;
 * the script's name and the line of the innermost script frame are
 * added). Does not return. */
int bxi_script_fail(lua_State *L, bx_status status, const char *fmt, ...)
    BX_PRINTF(3, 4);

/* The same at a given line of the script (0: none), e.g. where a hook
 * that returned the wrong type was defined. */
int bxi_script_fail_line(lua_State *L, bx_status status, int line, const char *fmt, ...)
    BX_PRINTF(4, 5);

/* From a C function the script calls: charge `units` of work to the
 * running call; raises the budget error when it is spent. */
void bxi_script_charge(lua_State *L, uint64_t units);

/* Units a comparison may cost at most now: 1 per 16 bytes of the longest
 * string of 1 KiB or more the script holds (0 if none; rounded up to a
 * power of two). The count hook charges it for every instruction. */
uint64_t bxi_script_compare_units(lua_State *L);

/* The line where the function at stack index idx was defined (0 for a C
 * function). */
int bxi_script_function_line(lua_State *L, int idx);

/* Push `value` (text) converted to the type of params[key], params being
 * the table at the top of the stack: an integer if the default is one, a
 * number, a boolean (1/0, true/false, yes/no) or a string. Returns 1 when
 * it pushed the value, 0 (nothing pushed) when the default is of a type
 * text cannot set, nil included; raises BX_EINPUT for text that does not
 * parse as the default's type. Policies and reports set their params
 * from the command line with it. */
int bxi_script_param_from_text(lua_State *L, const char *key, const char *value);

/* Lua type name of the value at idx for messages: "nil", "a string"... */
const char *bxi_script_typename(lua_State *L, int idx);

/* script_lib.c: build the sandbox's environment table on L and leave it
 * on the stack. Runs inside a protected call. */
void bxi_script_open_env(lua_State *L);

#endif
