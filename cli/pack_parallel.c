/*
 * pack_parallel.c: `boxcar pack --jobs N`, the batch on several threads.
 *
 * The main thread reads each order (with its own context), workers pack it
 * with theirs and render everything it produces into memory: result rows,
 * placements, SVG pictures, stderr lines and diagnostics. The main thread
 * then replays each order exactly as the sequential loop would have done
 * it, in input order, so every output and stderr are the same for any N.
 */
#include <stdlib.h>
#include <string.h>

#include "pack_batch.h"
#include "pack_jobs.h"

/* Orders per chunk, and chunks in flight per worker: enough to keep the
 * workers busy while the main thread writes, few enough to stay small. */
#define PACK_CHUNK 16
#define PACK_CHUNKS_PER_JOB 4

typedef struct pack_item {
    char *order_id;
    bx_order_line *lines;
    size_t nlines, lines_cap;
    bool failed;
    char *fail_msg;        /* a failed order's message, from the reader */
    pack_log pre;          /* the reader's diagnostics on the way to it */
    pack_log log;          /* what packing it said and drew */
    membuf out, placements;
    totals t;
    bx_status st;          /* fatal for the run if not BX_OK */
    bool printed;          /* ... and already said in the log */
    char *errmsg;          /* ... or this is the message */
} pack_item;

typedef struct pack_worker {
    batch b;               /* its own context and engine; no stock, policy, pool */
    pack_diags pd;
    pack_item *item;       /* the order it is on, for its diagnostics */
} pack_worker;

typedef struct pack_parallel {
    batch *b;
    pack_worker *workers;
    pack_log tail;         /* the reader's diagnostics after the last order */
    bool started;          /* an order was read */
    bool emit_failed;
} pack_parallel;

static void totals_add(totals *t, const totals *d)
{
    t->orders += d->orders;
    t->bad_orders += d->bad_orders;
    t->boxes += d->boxes;
    t->packed += d->packed;
    t->unpacked += d->unpacked;
    t->invalid += d->invalid;
    t->violations += d->violations;
    t->boxes_in_violation += d->boxes_in_violation;
    t->policy_failures += d->policy_failures;
}

static bool set_text(char **dst, const char *src)
{
    free(*dst);
    *dst = strdup(src);
    return *dst != NULL;
}

static void set_fatal(batch *b, const char *msg)
{
    free(b->fatal_msg);
    b->fatal_msg = strdup(msg);
}

static void log_diag(pack_log *log, const bx_diag *d)
{
    pack_log_add(log, d->severity == BX_SEV_ERROR ? PACK_LOG_ERROR : PACK_LOG_WARNING, NULL,
                 d->message, strlen(d->message));
}

static void read_diag(void *ud, const bx_diag *d)
{
    log_diag(&((pack_item *)ud)->pre, d);
}

static void worker_diag(void *ud, const bx_diag *d)
{
    pack_worker *w = ud;
    if (d->severity == BX_SEV_ERROR)
        w->pd.errors++;
    log_diag(&w->item->log, d);
}

static bx_status read_order(void *ud, void *item)
{
    pack_parallel *p = ud;
    pack_item *it = item;
    batch *b = p->b;
    p->started = true;
    pack_log_reset(&it->pre);
    bx_ctx_set_diag(b->ctx, read_diag, it);
    bx_order_batch ob;
    bx_status st = bx_order_reader_next(b->reader, &ob);
    bx_ctx_set_diag(b->ctx, pack_diag, b->pd);
    if (pack_log_failed(&it->pre)) {
        set_fatal(b, "out of memory");
        return BX_ENOMEM;
    }
    if (st != BX_OK) {
        /* replayed after every order read before, if the run gets there */
        pack_log t = p->tail;
        p->tail = it->pre;
        it->pre = t;
        return st;
    }
    if (ob.nlines > it->lines_cap) {
        bx_order_line *l = realloc(it->lines, ob.nlines * sizeof *l);
        if (l == NULL) {
            set_fatal(b, "out of memory");
            return BX_ENOMEM;
        }
        it->lines = l;
        it->lines_cap = ob.nlines;
    }
    if (ob.nlines > 0)
        memcpy(it->lines, ob.lines, ob.nlines * sizeof *ob.lines);
    it->nlines = ob.nlines;
    it->failed = ob.failed;
    if (!set_text(&it->order_id, ob.order_id) ||
        (ob.failed && !set_text(&it->fail_msg, ob.error))) {
        set_fatal(b, "out of memory");
        return BX_ENOMEM;
    }
    return BX_OK;
}

static void work_order(void *ud, size_t worker, void *item)
{
    pack_parallel *p = ud;
    pack_worker *w = &p->workers[worker];
    pack_item *it = item;
    batch *wb = &w->b;
    pack_log_reset(&it->log);
    membuf_reset(&it->out);
    membuf_reset(&it->placements);
    memset(&wb->t, 0, sizeof wb->t);
    wb->printed = false;
    wb->log = &it->log;
    wb->out.ud = &it->out;
    wb->placements.ud = &it->placements;
    w->item = it;
    bx_status st;
    if (it->failed) {
        st = pack_write_failed(wb, it->order_id, it->fail_msg);
    } else {
        bx_order_batch ob = {.order_id = it->order_id, .lines = it->lines,
                             .nlines = it->nlines};
        st = pack_one(wb, &ob);
    }
    const char *msg = bx_ctx_errmsg(wb->ctx)[0] ? bx_ctx_errmsg(wb->ctx) : bx_strerror(st);
    /* a buffer that ran out of memory shows up as a failed write */
    if (pack_log_failed(&it->log) || it->out.failed || it->placements.failed) {
        st = BX_ENOMEM;
        wb->printed = false;
        msg = "out of memory";
    }
    it->st = st;
    it->printed = wb->printed;
    it->t = wb->t;
    if (st != BX_OK && !wb->printed && !set_text(&it->errmsg, msg)) {
        free(it->errmsg);
        it->errmsg = NULL;
    }
}

static bx_status write_svg_file(batch *b, const pack_log_event *ev)
{
    bx_outfile *f = NULL;
    bx_status st = bx_outfile_open(b->ctx, &f, ev->path);
    if (st != BX_OK)
        return st;
    if (bx_outfile_write(f, ev->text, ev->len) != 0) {
        bx_outfile_abort(f);
        set_fatal(b, "writing an SVG file failed");
        return BX_EIO;
    }
    return bx_outfile_commit(f);
}

static bx_status replay(batch *b, const pack_log *log)
{
    size_t pos = 0;
    pack_log_event ev;
    while (pack_log_next(log, &pos, &ev)) {
        if (ev.kind == PACK_LOG_TEXT) {
            fwrite(ev.text, 1, ev.len, stderr);
        } else if (ev.kind == PACK_LOG_SVG) {
            bx_status st = write_svg_file(b, &ev);
            if (st != BX_OK)
                return st;
        } else {
            bx_diag d;
            memset(&d, 0, sizeof d);
            d.severity = ev.kind == PACK_LOG_ERROR ? BX_SEV_ERROR : BX_SEV_WARNING;
            d.message = ev.text;
            pack_diag(b->pd, &d);
        }
    }
    return BX_OK;
}

static bx_status emit_to(batch *b, const cli_sink *s, const membuf *m, const char *what)
{
    if (s->write == NULL || m->len == 0 || s->write(s->ud, m->data, m->len) == 0)
        return BX_OK;
    char msg[4200];
    snprintf(msg, sizeof msg, "writing %s failed", what);
    set_fatal(b, msg);
    return BX_EIO;
}

static bx_status emit_order(void *ud, void *item)
{
    pack_parallel *p = ud;
    pack_item *it = item;
    batch *b = p->b;
    bx_status st = replay(b, &it->pre);
    if (st == BX_OK) {
        b->t.orders++;
        st = replay(b, &it->log);
    }
    if (st == BX_OK && it->st != BX_OK) {
        st = it->st;
        if (it->printed)
            b->printed = true;
        else if (st != BX_EINPUT)
            set_fatal(b, it->errmsg != NULL ? it->errmsg : bx_strerror(st));
    }
    if (st == BX_OK)
        st = emit_to(b, &b->out, &it->out,
                     b->a->output != NULL ? b->a->output : "standard output");
    if (st == BX_OK)
        st = emit_to(b, &b->placements, &it->placements, b->a->placements);
    if (st != BX_OK) {
        p->emit_failed = true;
        return st;
    }
    totals_add(&b->t, &it->t);
    cli_progress_tick(&b->bar, b->t.orders);
    return BX_OK;
}

static void item_free(pack_item *it)
{
    free(it->order_id);
    free(it->lines);
    free(it->fail_msg);
    free(it->errmsg);
    pack_log_free(&it->pre);
    pack_log_free(&it->log);
    membuf_free(&it->out);
    membuf_free(&it->placements);
}

static bx_status workers_new(batch *b, pack_worker *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        w[i].b.a = b->a;
        w[i].b.cat = b->cat;
        w[i].b.pd = &w[i].pd;
        w[i].b.out.write = membuf_write;
        if (b->placements.write != NULL)
            w[i].b.placements.write = membuf_write;
        if (bx_ctx_new(&w[i].b.ctx, NULL, NULL) != BX_OK)
            return BX_ENOMEM;
        bx_ctx_set_diag(w[i].b.ctx, worker_diag, &w[i]);
        bx_status st = bx_engine_new(w[i].b.ctx, &w[i].b.engine, NULL);
        if (st != BX_OK)
            return st;
    }
    return BX_OK;
}

bx_status pack_in_parallel(batch *b)
{
    size_t jobs = b->a->jobs;
    size_t nchunks = jobs * PACK_CHUNKS_PER_JOB, nitems = nchunks * PACK_CHUNK;
    pack_parallel p = {.b = b};
    p.workers = calloc(jobs, sizeof *p.workers);
    pack_item *items = calloc(nitems, sizeof *items);
    void **ptrs = calloc(nitems, sizeof *ptrs);
    bx_status st = BX_ENOMEM;
    if (p.workers != NULL && items != NULL && ptrs != NULL)
        st = workers_new(b, p.workers, jobs);
    if (st == BX_OK) {
        for (size_t i = 0; i < nitems; i++)
            ptrs[i] = &items[i];
        pack_jobs_fns fns = {&p, read_order, work_order, emit_order};
        st = pack_jobs_run(jobs, nchunks, PACK_CHUNK, ptrs, &fns);
        if (!p.emit_failed) {
            bx_status tail = replay(b, &p.tail);
            if (st == BX_OK)
                st = tail;
        }
    }
    bool started = p.started;
    for (size_t i = 0; items != NULL && i < nitems; i++)
        item_free(&items[i]);
    for (size_t i = 0; p.workers != NULL && i < jobs; i++) {
        bx_engine_free(p.workers[i].b.engine);
        bx_ctx_free(p.workers[i].b.ctx);
    }
    pack_log_free(&p.tail);
    free(ptrs);
    free(items);
    free(p.workers);
    /* Threads or memory for them were not to be had: one thread will do. */
    if (st == BX_ENOMEM && !started)
        return pack_in_sequence(b);
    return st;
}
