/*
 * worker.c: one packing engine per worker thread.
 *
 * A bx_engine is single-threaded and keeps its buffers warm between
 * orders, so each thread of the HTTP pool gets its own engine, context and
 * buffers, made on the thread's first request and kept until the server
 * stops. libmicrohttpd runs a connection's every callback on the pool
 * thread that accepted it, so a thread-local pointer finds the worker
 * without a lock; the server's list of workers exists for the catalog
 * swap (which reads their hazard slots) and for freeing them at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "svc.h"

static _Thread_local svc_worker *tls_worker;

static svc_worker *worker_new(svc_server *s)
{
    svc_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->server = s;
    atomic_init(&w->hazard, NULL);
    bx_engine_limits limits = bx_engine_limits_default();
    limits.max_units = s->cfg.max_units;
    limits.default_budget = s->cfg.budget;
    if (bx_ctx_new(&w->ctx, NULL, NULL) != BX_OK ||
        bx_engine_new(w->ctx, &w->engine, &limits) != BX_OK) {
        bx_ctx_free(w->ctx);
        free(w);
        return NULL;
    }
    return w;
}

static void worker_free(svc_worker *w)
{
    bx_engine_free(w->engine);
    bx_order_buf_free(w->ctx, &w->order);
    bx_ctx_free(w->ctx);
    svc_buf_free(&w->out);
    svc_buf_free(&w->scratch);
    free(w);
}

svc_worker *svc_worker_get(svc_server *s)
{
    svc_worker *w = tls_worker;
    /* A thread belongs to one server's pool for its whole life; the check
     * only guards against a stale pointer in a reused thread. */
    if (w != NULL && w->server == s)
        return w;
    if ((w = worker_new(s)) == NULL)
        return NULL;
    pthread_mutex_lock(&s->workers_lock);
    w->next = s->workers;
    s->workers = w;
    pthread_mutex_unlock(&s->workers_lock);
    tls_worker = w;
    return w;
}

void svc_workers_free(svc_server *s)
{
    pthread_mutex_lock(&s->workers_lock);
    svc_worker *w = s->workers;
    s->workers = NULL;
    pthread_mutex_unlock(&s->workers_lock);
    while (w != NULL) {
        svc_worker *next = w->next;
        worker_free(w);
        w = next;
    }
}
