/*
 * pack_jobs.c: the ordered parallel map behind `boxcar pack --jobs N`.
 *
 * Chunks are numbered as they are submitted. A worker claims the lowest
 * unclaimed number, works its items and marks the slot done; the calling
 * thread emits chunks strictly by number, so output order is input order
 * whatever order the workers finish in. One mutex guards the counters and
 * flags; the items are handed over through it (the reader writes an item
 * before submitting its chunk, a worker writes it before marking it done).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "pack_jobs.h"

typedef struct ring {
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* a chunk was submitted, or quit */
    pthread_cond_t done_cv; /* a chunk was done */
    const pack_jobs_fns *fns;
    void **items;
    size_t nchunks, chunk;
    size_t *count;         /* items in each slot's chunk */
    bool *done;            /* each slot's chunk is worked */
    uint64_t submitted;    /* chunks handed to the workers so far */
    uint64_t claimed;      /* chunks a worker has taken */
    bool quit;             /* no more chunks will come */
    bool stop;             /* emit failed: skip the work of what is left */
} ring;

typedef struct worker {
    ring *r;
    size_t index;
    pthread_t tid;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    ring *r = w->r;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (r->claimed == r->submitted && !r->quit)
            pthread_cond_wait(&r->work_cv, &r->mu);
        if (r->claimed == r->submitted)
            break;
        size_t slot = (size_t)(r->claimed++ % r->nchunks);
        bool skip = r->stop;
        size_t n = r->count[slot];
        pthread_mutex_unlock(&r->mu);
        for (size_t i = 0; i < n && !skip; i++)
            r->fns->work(r->fns->ud, w->index, r->items[slot * r->chunk + i]);
        pthread_mutex_lock(&r->mu);
        r->done[slot] = true;
        pthread_cond_signal(&r->done_cv);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Read up to one chunk into the next free slot and submit it; false if
 * nothing was left to read. */
static bool submit_chunk(ring *r, bool *eof, bx_status *read_st)
{
    size_t slot = (size_t)(r->submitted % r->nchunks);
    size_t n = 0;
    while (n < r->chunk) {
        bx_status st = r->fns->read(r->fns->ud, r->items[slot * r->chunk + n]);
        if (st != BX_OK) {
            *eof = true;
            if (st != BX_END)
                *read_st = st;
            break;
        }
        n++;
    }
    if (n == 0)
        return false;
    pthread_mutex_lock(&r->mu);
    r->count[slot] = n;
    r->done[slot] = false;
    r->submitted++;
    pthread_cond_signal(&r->work_cv);
    pthread_mutex_unlock(&r->mu);
    return true;
}

static bx_status pump(ring *r)
{
    bx_status read_st = BX_OK;
    bool eof = false;
    uint64_t emitted = 0;
    for (;;) {
        /* Only this thread changes `submitted`, so reading it unlocked is
         * reading its own writes. */
        while (!eof && r->submitted - emitted < r->nchunks)
            if (!submit_chunk(r, &eof, &read_st))
                break;
        if (emitted == r->submitted)
            return read_st;
        size_t slot = (size_t)(emitted % r->nchunks);
        pthread_mutex_lock(&r->mu);
        while (!r->done[slot])
            pthread_cond_wait(&r->done_cv, &r->mu);
        pthread_mutex_unlock(&r->mu);
        for (size_t i = 0; i < r->count[slot]; i++) {
            bx_status st = r->fns->emit(r->fns->ud, r->items[slot * r->chunk + i]);
            if (st != BX_OK)
                return st;
        }
        emitted++;
    }
}

bx_status pack_jobs_run(size_t jobs, size_t nchunks, size_t chunk, void **items,
                        const pack_jobs_fns *fns)
{
    ring r = {.fns = fns, .items = items, .nchunks = nchunks, .chunk = chunk};
    r.count = calloc(nchunks, sizeof *r.count);
    r.done = calloc(nchunks, sizeof *r.done);
    worker *w = calloc(jobs, sizeof *w);
    bx_status st = BX_ENOMEM;
    size_t started = 0;
    if (r.count == NULL || r.done == NULL || w == NULL)
        goto out;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.work_cv, NULL);
    pthread_cond_init(&r.done_cv, NULL);
    /* Fewer threads than asked for still give the same output. */
    for (; started < jobs; started++) {
        w[started].r = &r;
        w[started].index = started;
        if (pthread_create(&w[started].tid, NULL, worker_main, &w[started]) != 0)
            break;
    }
    if (started > 0)
        st = pump(&r);
    pthread_mutex_lock(&r.mu);
    r.quit = true;
    r.stop = st != BX_OK;
    pthread_cond_broadcast(&r.work_cv);
    pthread_mutex_unlock(&r.mu);
    for (size_t i = 0; i < started; i++)
        pthread_join(w[i].tid, NULL);
    pthread_cond_destroy(&r.done_cv);
    pthread_cond_destroy(&r.work_cv);
    pthread_mutex_destroy(&r.mu);
out:
    free(w);
    free(r.done);
    free(r.count);
    return st;
}
