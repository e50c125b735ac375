/*
 * ctx.c: the context handle: allocator, last error, warnings.
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BX_ERRMSG_SIZE 512

struct bx_ctx {
    bx_alloc_fn alloc;
    void *alloc_ud;
    size_t bytes_in_use;
    bx_status errcode;
    char errmsg[BX_ERRMSG_SIZE];
    /* location of the last input error; strings point into errloc_buf */
    bx_location errloc;
    char errloc_file[256];
    char errloc_field[64];
    bx_diag_fn diag;
    void *diag_ud;
    size_t nwarnings;
    char *warnings[BX_WARNINGS_KEPT];
};

/* Every block carries its size in front so bx_free can tell the allocator
 * the old size (Lua's contract) without the caller tracking it. */
typedef union bx_block_header {
    size_t size;
    max_align_t align;
} bx_block_header;

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

const char *bx_strerror(bx_status status)
{
    switch (status) {
    case BX_OK: return "ok";
    case BX_END: return "end of input";
    case BX_ENOMEM: return "out of memory";
    case BX_EINVAL: return "invalid argument";
    case BX_EINPUT: return "bad input";
    case BX_EIO: return "input/output error";
    case BX_ELIMIT: return "limit exceeded";
    case BX_EUNSUPPORTED: return "not supported by this build";
    case BX_ENOTFOUND: return "not found";
    case BX_EINTERNAL: return "internal error";
    case BX_EPERM: return "not permitted";
    }
    return "unknown status";
}

bx_status bx_ctx_new(bx_ctx **out, bx_alloc_fn alloc, void *ud)
{
    if (out == NULL)
        return BX_EINVAL;
    *out = NULL;
    if (alloc == NULL) {
        alloc = default_alloc;
        ud = NULL;
    }
    bx_ctx *ctx = alloc(ud, NULL, 0, sizeof *ctx);
    if (ctx == NULL)
        return BX_ENOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc = alloc;
    ctx->alloc_ud = ud;
    ctx->bytes_in_use = sizeof *ctx;
    *out = ctx;
    return BX_OK;
}

void bx_ctx_free(bx_ctx *ctx)
{
    if (ctx == NULL)
        return;
    bx_ctx_clear_warnings(ctx);
    ctx->alloc(ctx->alloc_ud, ctx, sizeof *ctx, 0);
}

void bx_ctx_set_diag(bx_ctx *ctx, bx_diag_fn fn, void *ud)
{
    if (ctx == NULL)
        return;
    ctx->diag = fn;
    ctx->diag_ud = ud;
}

const char *bx_ctx_errmsg(const bx_ctx *ctx)
{
    if (ctx == NULL)
        return "no context";
    return ctx->errmsg;
}

bx_status bx_ctx_errcode(const bx_ctx *ctx)
{
    return ctx == NULL ? BX_EINVAL : ctx->errcode;
}

bx_location bx_ctx_errloc(const bx_ctx *ctx)
{
    bx_location none = {0};
    return ctx == NULL ? none : ctx->errloc;
}

void bx_ctx_clear_error(bx_ctx *ctx)
{
    if (ctx == NULL)
        return;
    ctx->errcode = BX_OK;
    ctx->errmsg[0] = '\0';
    memset(&ctx->errloc, 0, sizeof ctx->errloc);
}

size_t bx_ctx_warning_count(const bx_ctx *ctx)
{
    return ctx == NULL ? 0 : ctx->nwarnings;
}

const char *bx_ctx_warning(const bx_ctx *ctx, size_t index)
{
    if (ctx == NULL || index >= ctx->nwarnings || index >= BX_WARNINGS_KEPT)
        return NULL;
    return ctx->warnings[index];
}

void bx_ctx_clear_warnings(bx_ctx *ctx)
{
    if (ctx == NULL)
        return;
    for (size_t i = 0; i < BX_WARNINGS_KEPT; i++) {
        bx_free(ctx, ctx->warnings[i]);
        ctx->warnings[i] = NULL;
    }
    ctx->nwarnings = 0;
}

void bxi_ctx_allocator(const bx_ctx *ctx, bx_alloc_fn *fn, void **ud)
{
    *fn = ctx->alloc;
    *ud = ctx->alloc_ud;
}

void *bxi_ctx_raw_realloc(bx_ctx *ctx, void *ptr, size_t osize, size_t nsize)
{
    if (ptr == NULL)
        osize = 0;
    void *p = ctx->alloc(ctx->alloc_ud, ptr, osize, nsize);
    if (nsize == 0)
        ctx->bytes_in_use -= osize;
    else if (p != NULL)
        ctx->bytes_in_use = ctx->bytes_in_use - osize + nsize;
    return p;
}

size_t bx_ctx_bytes_in_use(const bx_ctx *ctx)
{
    return ctx == NULL ? 0 : ctx->bytes_in_use;
}

void *bx_alloc(bx_ctx *ctx, size_t size)
{
    return bx_realloc(ctx, NULL, size);
}

void *bx_realloc(bx_ctx *ctx, void *ptr, size_t size)
{
    if (ctx == NULL)
        return NULL;
    if (size > SIZE_MAX - sizeof(bx_block_header)) {
        bxi_error(ctx, BX_ENOMEM, "out of memory (request of %zu bytes)", size);
        return NULL;
    }
    bx_block_header *old = ptr ? (bx_block_header *)ptr - 1 : NULL;
    size_t osize = old ? old->size + sizeof *old : 0;
    size_t nsize = size + sizeof(bx_block_header);
    bx_block_header *h = ctx->alloc(ctx->alloc_ud, old, osize, nsize);
    if (h == NULL) {
        bxi_error(ctx, BX_ENOMEM, "out of memory (request of %zu bytes)", size);
        return NULL;
    }
    ctx->bytes_in_use = ctx->bytes_in_use - osize + nsize;
    h->size = size;
    return h + 1;
}

bx_status bxi_grow(bx_ctx *ctx, void **p, size_t *cap, size_t n, size_t size, size_t limit,
                   const char *what)
{
    if (n <= *cap)
        return BX_OK;
    if (size > 0 && limit > SIZE_MAX / size)
        limit = SIZE_MAX / size;
    if (n > limit)
        return bxi_error(ctx, BX_ELIMIT, "too many %s (at most %zu)", what, limit);
    size_t c = *cap >= 8 ? *cap : 8;
    while (c < n)
        c = c > limit / 2 ? limit : c * 2;
    void *q = bx_realloc(ctx, *p, c * size);
    if (q == NULL)
        return BX_ENOMEM;
    *p = q;
    *cap = c;
    return BX_OK;
}

bx_status bxi_grow32(bx_ctx *ctx, void **p, uint32_t *cap, size_t n, size_t size,
                     uint32_t limit, const char *what)
{
    size_t c = *cap;
    bx_status st = bxi_grow(ctx, p, &c, n, size, limit, what);
    *cap = (uint32_t)c;
    return st;
}

void bx_free(bx_ctx *ctx, void *ptr)
{
    if (ctx == NULL || ptr == NULL)
        return;
    bx_block_header *h = (bx_block_header *)ptr - 1;
    size_t osize = h->size + sizeof *h;
    ctx->alloc(ctx->alloc_ud, h, osize, 0);
    ctx->bytes_in_use -= osize;
}

char *bxi_strdup(bx_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = bx_alloc(ctx, n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

bx_status bxi_error(bx_ctx *ctx, bx_status status, const char *fmt, ...)
{
    if (ctx == NULL)
        return status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    ctx->errcode = status;
    memset(&ctx->errloc, 0, sizeof ctx->errloc);
    return status;
}

void bxi_format_location(char *buf, size_t size, const bx_location *where)
{
    size_t n = 0;
    buf[0] = '\0';
    if (where == NULL || size == 0)
        return;
#define APPEND(...)                                                   \
    do {                                                              \
        if (n < size) {                                               \
            int k = snprintf(buf + n, size - n, __VA_ARGS__);         \
            if (k > 0)                                                \
                n += (size_t)k;                                       \
        }                                                             \
    } while (0)
    if (where->file != NULL)
        APPEND("%s:", where->file);
    if (where->line != 0)
        APPEND("%llu:", (unsigned long long)where->line);
    if (where->column != 0)
        APPEND("%lu:", (unsigned long)where->column);
    if (where->line == 0 && where->record != 0) {
        APPEND("%srecord %llu", n > 0 ? " " : "",
               (unsigned long long)where->record);
        if (where->offset != 0)
            APPEND(" (byte %llu)", (unsigned long long)where->offset);
        APPEND(":");
    } else if (where->line == 0 && where->offset != 0) {
        APPEND("%sbyte %llu:", n > 0 ? " " : "",
               (unsigned long long)where->offset);
    }
    if (n > 0)
        APPEND(" ");
    if (where->field != NULL)
        APPEND("field '%s': ", where->field);
#undef APPEND
}

static void copy_location(bx_ctx *ctx, const bx_location *where)
{
    memset(&ctx->errloc, 0, sizeof ctx->errloc);
    if (where == NULL)
        return;
    ctx->errloc = *where;
    ctx->errloc.file = NULL;
    ctx->errloc.field = NULL;
    if (where->file != NULL) {
        snprintf(ctx->errloc_file, sizeof ctx->errloc_file, "%s", where->file);
        ctx->errloc.file = ctx->errloc_file;
    }
    if (where->field != NULL) {
        snprintf(ctx->errloc_field, sizeof ctx->errloc_field, "%s",
                 where->field);
        ctx->errloc.field = ctx->errloc_field;
    }
}

bx_status bxi_input_error(bx_ctx *ctx, bx_status status,
                         const bx_location *where, const char *fmt, ...)
{
    if (ctx == NULL)
        return status;
    char prefix[384];
    bxi_format_location(prefix, sizeof prefix, where);
    size_t n = strlen(prefix);
    memcpy(ctx->errmsg, prefix, n < sizeof ctx->errmsg ? n + 1 : 1);
    if (n >= sizeof ctx->errmsg)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg + n, sizeof ctx->errmsg - n, fmt, ap);
    va_end(ap);
    ctx->errcode = status;
    copy_location(ctx, where);
    if (ctx->diag != NULL) {
        bx_diag d = {BX_SEV_ERROR, status, ctx->errloc, ctx->errmsg};
        ctx->diag(ctx->diag_ud, &d);
    }
    return status;
}

bx_status bxi_warn(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
{
    if (ctx == NULL)
        return BX_OK;
    char text[BX_ERRMSG_SIZE];
    bxi_format_location(text, sizeof text, where);
    size_t n = strlen(text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof text - n, fmt, ap);
    va_end(ap);
    bx_status st = BX_OK;
    if (ctx->nwarnings < BX_WARNINGS_KEPT) {
        char *copy = bxi_strdup(ctx, text);
        if (copy == NULL)
            return BX_ENOMEM;
        ctx->warnings[ctx->nwarnings] = copy;
    }
    ctx->nwarnings++;
    if (ctx->diag != NULL) {
        bx_diag d = {BX_SEV_WARNING, BX_OK, {0}, text};
        if (where != NULL)
            d.where = *where;
        ctx->diag(ctx->diag_ud, &d);
    }
    return st;
}
