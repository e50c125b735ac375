/*
 * arena.c: bump allocation in chunks taken from the context.
 */
#include <stdalign.h>
#include <string.h>

#include "boxcar/arena.h"
#include "internal.h"

struct bx_arena_chunk {
    bx_arena_chunk *next;
    size_t size; /* payload bytes */
    size_t used;
    max_align_t payload[];
};

#define BX_ARENA_DEFAULT_CHUNK (16u * 1024u)

void bx_arena_init(bx_arena *arena, bx_ctx *ctx, size_t chunk_size)
{
    memset(arena, 0, sizeof *arena);
    arena->ctx = ctx;
    arena->chunk_size = chunk_size ? chunk_size : BX_ARENA_DEFAULT_CHUNK;
}

static size_t align_up(size_t n, size_t align)
{
    return (n + align - 1) & ~(align - 1);
}

static void *take(bx_arena_chunk *c, size_t size, size_t align)
{
    uintptr_t base = (uintptr_t)c->payload;
    size_t at = align_up((size_t)(base + c->used), align) - (size_t)base;
    if (at > c->size || size > c->size - at)
        return NULL;
    c->used = at + size;
    return (char *)c->payload + at;
}

void *bx_arena_alloc(bx_arena *arena, size_t size, size_t align)
{
    if (align == 0)
        align = alignof(max_align_t);
    if ((align & (align - 1)) != 0) {
        bxi_error(arena->ctx, BX_EINVAL, "arena alignment %zu is not a power of two", align);
        return NULL;
    }
    if (arena->head != NULL) {
        void *p = take(arena->head, size, align);
        if (p != NULL)
            return p;
    }
    /* Reuse the smallest spare chunk that fits before asking the
     * allocator: best fit keeps big chunks for big requests, so a loop that
     * repeats the same calls after each reset allocates nothing. */
    size_t need = size + align;
    bx_arena_chunk **best = NULL;
    for (bx_arena_chunk **link = &arena->spare; *link != NULL;
         link = &(*link)->next)
        if ((*link)->size >= need && (best == NULL || (*link)->size < (*best)->size))
            best = link;
    bx_arena_chunk *c = best ? *best : NULL;
    if (c != NULL) {
        *best = c->next;
    } else {
        size_t payload = need > arena->chunk_size ? need : arena->chunk_size;
        if (payload > SIZE_MAX - sizeof *c) {
            bxi_error(arena->ctx, BX_ENOMEM, "arena request of %zu bytes too large", size);
            return NULL;
        }
        c = bx_alloc(arena->ctx, sizeof *c + payload);
        if (c == NULL)
            return NULL;
        c->size = payload;
        arena->bytes_reserved += payload;
    }
    c->used = 0;
    c->next = arena->head;
    arena->head = c;
    return take(c, size, align);
}

void bx_arena_reset(bx_arena *arena)
{
    while (arena->head != NULL) {
        bx_arena_chunk *c = arena->head;
        arena->head = c->next;
        c->used = 0;
        c->next = arena->spare;
        arena->spare = c;
    }
}

void bx_arena_release(bx_arena *arena)
{
    bx_arena_reset(arena);
    while (arena->spare != NULL) {
        bx_arena_chunk *c = arena->spare;
        arena->spare = c->next;
        bx_free(arena->ctx, c);
    }
    arena->bytes_reserved = 0;
}

char *bxi_arena_strndup(struct bx_arena *arena, const char *s, size_t len)
{
    char *copy = bx_arena_alloc(arena, len + 1, 1);
    if (copy != NULL) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}
