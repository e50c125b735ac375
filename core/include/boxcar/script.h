/*
 * boxcar/script.h: the sandbox that runs Lua 5.4 scripts (policies and
 * report formats).
 *
 * A script is a Lua text chunk that returns a table (its module: a
 * policy's hooks, a report's sheets). It runs in a Lua state of its own,
 * bound to a context and allocating through the context's allocator, with
 *
 *   - text chunks only: precompiled bytecode is refused;
 *   - an environment built from an allow-list: the base functions without
 *     load, loadfile, dofile, require, collectgarbage, print and warn;
 *     string without dump; table; math without random and randomseed
 *     (scripts stay deterministic); utf8. No io, os, debug, package or
 *     coroutine. The metatable of strings is locked (getmetatable("") is
 *     false), setmetatable refuses a metatable with a __gc field (a
 *     finalizer would run outside the instruction budget), and xpcall runs
 *     its handler after the stack is unwound (a handler called at the
 *     point of a budget error would run with the count hook off);
 *   - a memory cap: the Lua heap of the script never exceeds
 *     limits.memory_bytes (allocations beyond it fail inside Lua, which
 *     raises a memory error);
 *   - an instruction budget per call: each call from the host into the
 *     script (the main chunk when it loads, then each hook or report
 *     function) may execute at most limits.instructions Lua VM
 *     instructions. Work that does not show as VM instructions is charged
 *     too: one unit per 16 bytes allocated, string and utf8 functions one
 *     unit per 16 bytes they read or make, table.concat, insert, remove,
 *     sort, move and unpack by the elements they touch; pattern matching
 *     refuses a pattern whose worst-case backtracking over the subject
 *     would exceed about 10^9 steps. Comparing strings (==, <, <=, a table
 *     key) is one instruction whose work grows with their length: while
 *     the script holds a string of 1 KiB or more, every instruction is
 *     charged as a comparison of the longest one (one unit per 16 bytes,
 *     rounded up to a power of two). Once the budget is spent every further
 *     instruction raises the error again, so a pcall inside the script
 *     cannot swallow it;
 *   - optionally a time limit per call (limits.time_ms, off by default so
 *     results never depend on the machine's speed), a safety net for a
 *     budget set very high.
 *
 * Errors name the script and line ("policy.lua:12: attempt to index a nil
 * value (local 'box')"). A script is single-threaded like its context;
 * two scripts never share anything.
 *
 * In a build without Lua (BOXCAR_WITH_LUA=OFF, or BOXCAR_MINIMAL) every
 * function here returns BX_EUNSUPPORTED.
 */
#ifndef BOXCAR_SCRIPT_H
#define BOXCAR_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_script bx_script;

typedef struct bx_script_limits {
    size_t memory_bytes;   /* cap on the script's Lua heap; default 16 MiB */
    uint64_t instructions; /* per call from the host; default 10,000,000 */
    uint32_t time_ms;      /* per call; 0 (default): no time limit */
} bx_script_limits;
/* A field left 0 takes its default. The smallest memory cap accepted is
 * 64 KiB (a Lua state with its libraries needs about 30 KiB). */

#define BX_SCRIPT_DEFAULT_MEMORY ((size_t)16 << 20)
#define BX_SCRIPT_DEFAULT_INSTRUCTIONS UINT64_C(10000000)

BX_API bx_script_limits bx_script_limits_default(void);

/* Compile a script and run its main chunk, which must return a table.
 * `name` names it in messages ("gb45186.lua"); text need not end in NUL.
 * limits may be NULL for the defaults. On success *out owns a new script;
 * free it with bx_script_free. Errors: BX_EINPUT (a syntax or runtime
 * error, bytecode, or a chunk that does not return a table; the message
 * names script and line), BX_ELIMIT (memory cap or instruction budget),
 * BX_ENOMEM (the context's allocator failed), BX_EINVAL,
 * BX_EUNSUPPORTED. */
BX_API bx_status bx_script_load_buffer(bx_ctx *ctx, bx_script **out,
                                       const char *name, const char *text,
                                       size_t len,
                                       const bx_script_limits *limits);

/* The same from a file; the script is named by the path's last component.
 * Also BX_ENOTFOUND / BX_EIO for the file, and BX_ELIMIT for a file over
 * 16 MiB. */
BX_API bx_status bx_script_load_file(bx_ctx *ctx, bx_script **out,
                                     const char *path,
                                     const bx_script_limits *limits);

/* The name used in messages (borrowed, valid for the script's life). */
BX_API const char *bx_script_name(const bx_script *script);

/* Bytes of Lua heap in use, and the high-water mark since loading. */
BX_API size_t bx_script_memory(const bx_script *script);
BX_API size_t bx_script_memory_peak(const bx_script *script);

/* Instructions (and charged work) spent by the last call into the script,
 * to the granularity of the count hook (100 instructions). */
BX_API uint64_t bx_script_instructions(const bx_script *script);

/* NULL is a no-op. */
BX_API void bx_script_free(bx_script *script);

#ifdef __cplusplus
}
#endif

#endif
