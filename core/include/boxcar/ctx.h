/*
 * boxcar/ctx.h: the context handle, its allocator, errors and diagnostics.
 *
 * A bx_ctx owns all mutable state of one caller: its allocator, its last
 * error message and the warnings collected while reading input. There are no
 * globals: two threads with two contexts never interfere. A context itself is
 * single-threaded; objects that are documented as read-only after loading
 * (a catalog) may be shared between contexts.
 *
 * Allocator: Lua's contract (lua_Alloc). alloc(ud, ptr, osize, nsize):
 *   - nsize == 0: free ptr (which may be NULL) and return NULL;
 *   - ptr == NULL: allocate nsize bytes (osize is meaningless), NULL on failure;
 *   - otherwise: resize the block at ptr from osize to nsize bytes; on failure
 *     return NULL and leave the old block untouched.
 * Every allocation boxcar makes for this context goes through it. Blocks are
 * aligned as malloc would align them.
 */
#ifndef BOXCAR_CTX_H
#define BOXCAR_CTX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/export.h"
#include "boxcar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *(*bx_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct bx_ctx bx_ctx;

typedef enum bx_severity {
    BX_SEV_WARNING = 1,
    BX_SEV_ERROR = 2
} bx_severity;

/* Where in the input a diagnostic points. Strings are borrowed and valid only
 * during the callback or until the next call on the context. Zero / NULL
 * means "not known". Text formats (CSV, JSON) give line and column; CBOR
 * gives the record number and the byte offset. Messages print it as
 * "file:line:column: field 'f': ..." or "file: record R (byte B): ...". */
typedef struct bx_location {
    const char *file;  /* input name as given by the caller */
    uint64_t line;     /* 1-based physical line (CSV, JSON) */
    uint32_t column;   /* 1-based: field index for CSV, byte for JSON */
    uint64_t record;   /* 1-based record number (CBOR, JSON arrays) */
    uint64_t offset;   /* byte offset in the input */
    const char *field; /* field (column header) name */
} bx_location;

typedef struct bx_diag {
    bx_severity severity;
    bx_status status;    /* BX_OK for warnings */
    bx_location where;
    const char *message; /* full text: "file:line:col: field 'x': ..." */
} bx_diag;

/* Called for every warning and error a context records. The library itself
 * never prints; a CLI prints from here. */
typedef void (*bx_diag_fn)(void *ud, const bx_diag *diag);

/* Create a context. alloc == NULL selects the C library's realloc/free.
 * On success *out owns a new context, free it with bx_ctx_free. Returns
 * BX_EINVAL if out is NULL, BX_ENOMEM if the allocator fails. */
BX_API bx_status bx_ctx_new(bx_ctx **out, bx_alloc_fn alloc, void *ud);

/* Free a context and everything it still owns. NULL is a no-op. Objects made
 * with the context (catalogs, readers) must be freed before it. */
BX_API void bx_ctx_free(bx_ctx *ctx);

/* Install (or with fn == NULL remove) the diagnostic callback. */
BX_API void bx_ctx_set_diag(bx_ctx *ctx, bx_diag_fn fn, void *ud);

/* The message of the last error, "" if none. Borrowed: valid until the next
 * call that fails on this context. Never NULL (for ctx == NULL a static
 * string). */
BX_API const char *bx_ctx_errmsg(const bx_ctx *ctx);

/* The status of the last error, BX_OK if none. */
BX_API bx_status bx_ctx_errcode(const bx_ctx *ctx);

/* Location of the last error (all zero when it was not an input error). */
BX_API bx_location bx_ctx_errloc(const bx_ctx *ctx);

/* Forget the last error. */
BX_API void bx_ctx_clear_error(bx_ctx *ctx);

/* Warnings recorded since creation or the last bx_ctx_clear_warnings: the
 * total count, and the text of the first BX_WARNINGS_KEPT of them (index
 * beyond those, or beyond the count, gives NULL). Borrowed strings. */
#define BX_WARNINGS_KEPT 64
BX_API size_t bx_ctx_warning_count(const bx_ctx *ctx);
BX_API const char *bx_ctx_warning(const bx_ctx *ctx, size_t index);
BX_API void bx_ctx_clear_warnings(bx_ctx *ctx);

/* Memory through the context's allocator. bx_alloc returns NULL on failure
 * (it also records BX_ENOMEM as the context's error); blocks are aligned for
 * any type. bx_realloc(ctx, NULL, n) allocates; on failure the old block is
 * untouched. bx_free(ctx, NULL) is a no-op. A block must be freed with the
 * context that allocated it. */
BX_API void *bx_alloc(bx_ctx *ctx, size_t size);
BX_API void *bx_realloc(bx_ctx *ctx, void *ptr, size_t size);
BX_API void bx_free(bx_ctx *ctx, void *ptr);

/* Bytes currently allocated through this context (its own block included).
 * Useful to controllers sizing a static pool, and to tests. */
BX_API size_t bx_ctx_bytes_in_use(const bx_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
