/*
 * pack_jobs.h: an ordered parallel map for `boxcar pack --jobs N`.
 *
 * The calling thread reads items one by one and emits them in the order it
 * read them; worker threads do the work in between. Items travel in chunks
 * (fewer wake-ups than one item at a time) through a ring of chunks, so at
 * most `nchunks * chunk` items are in flight whatever the input's size.
 * The items themselves are the caller's: the ring holds pointers to them
 * and hands each slot's item back to read() to be refilled once emitted.
 */
#ifndef BOXCAR_PACK_JOBS_H
#define BOXCAR_PACK_JOBS_H

#include <stddef.h>

#include "boxcar.h"

typedef struct pack_jobs_fns {
    void *ud;
    /* Calling thread: fill item with the next input. BX_OK, BX_END (no
     * item), or an error: the items read before it are still worked and
     * emitted, then the run returns that error. */
    bx_status (*read)(void *ud, void *item);
    /* Worker `worker` (0..jobs-1): the work on one item. Never fails: the
     * item records its own outcome for emit(). */
    void (*work)(void *ud, size_t worker, void *item);
    /* Calling thread, in input order. An error stops the run: nothing more
     * is read or emitted, and the run returns it. */
    bx_status (*emit)(void *ud, void *item);
} pack_jobs_fns;

/* Run with `jobs` workers (>= 1) over items[0 .. nchunks*chunk-1]. BX_OK
 * when every item was read and emitted; BX_ENOMEM if the threads could not
 * be started (nothing was read then); else the first error of read() or
 * emit(). */
bx_status pack_jobs_run(size_t jobs, size_t nchunks, size_t chunk, void **items,
                        const pack_jobs_fns *fns);

#endif
