/*
 * boxcar/arena.h: bump allocator for per-call scratch memory.
 *
 * An arena takes chunks from its context's allocator and hands out pieces
 * with a pointer bump. bx_arena_reset keeps every chunk for reuse, so a loop
 * that resets the arena per call stops allocating once it has seen its
 * largest call. Single-threaded, like its context.
 */
#ifndef BOXCAR_ARENA_H
#define BOXCAR_ARENA_H

#include <stddef.h>

#include "boxcar/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_arena_chunk bx_arena_chunk;

typedef struct bx_arena {
    bx_ctx *ctx;
    bx_arena_chunk *head;    /* chunk being filled */
    bx_arena_chunk *spare;   /* chunks kept by reset, reused first */
    size_t chunk_size;       /* default payload size of a new chunk */
    size_t bytes_reserved;   /* payload bytes held in all chunks */
} bx_arena;

/* Initialise an arena on ctx. chunk_size 0 picks 16 KiB. Allocates nothing. */
BX_API void bx_arena_init(bx_arena *arena, bx_ctx *ctx, size_t chunk_size);

/* size bytes aligned to `align` (a power of two, 0 means max_align_t).
 * NULL with BX_ENOMEM recorded on the context if a chunk cannot be had.
 * size 0 returns a valid unique pointer. */
BX_API void *bx_arena_alloc(bx_arena *arena, size_t size, size_t align);

/* Forget every allocation, keep the chunks. */
BX_API void bx_arena_reset(bx_arena *arena);

/* Return every chunk to the context. The arena may be reused after init. */
BX_API void bx_arena_release(bx_arena *arena);

#ifdef __cplusplus
}
#endif

#endif
