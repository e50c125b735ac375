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
 *
 * A worker also builds its own carbon calculator and policy from the
 * catalog set it holds (both are single-threaded and borrow the set's
 * inputs). They must go before the set is freed: the reload frees them,
 * under the worker's busy_lock, once no request holds the old set. They
 * were allocated from the worker's context, so freeing them writes to it
 * (its byte count): busy_lock covers every use of that context, the whole
 * handler of each request, not only the time the catalog is held.
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
    pthread_mutex_init(&w->busy_lock, NULL);
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

static void drop_derived(svc_worker *w)
{
    bx_carbon_free(w->carbon);
    bx_policy_free(w->policy);
    w->carbon = NULL;
    w->policy = NULL;
    w->derived_for = NULL;
}

static void worker_free(svc_worker *w)
{
    drop_derived(w);
    pthread_mutex_destroy(&w->busy_lock);
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

/* The derived objects belong to one catalog set; a worker holding another
 * set starts afresh. Called with busy_lock held (svc_worker_begin). */
static void adopt(svc_worker *w, const svc_catalog *cat)
{
    if (w->derived_for != cat) {
        drop_derived(w);
        w->derived_for = cat;
    }
}

bx_status svc_worker_carbon(svc_worker *w, const svc_catalog *cat, bx_carbon **out)
{
    adopt(w, cat);
    *out = NULL;
    if (cat->routes == NULL)
        return BX_OK;
    if (w->carbon == NULL) {
        bx_carbon_options opt;
        bx_carbon_options_init(&opt);
        opt.catalog = cat->cat;
        opt.containers = cat->containers;
        bx_status st = bx_carbon_new(w->ctx, &w->carbon, cat->factors, cat->routes, &opt);
        if (st != BX_OK)
            return st;
    }
    *out = w->carbon;
    return BX_OK;
}

bx_status svc_worker_policy(svc_worker *w, const svc_catalog *cat, bx_policy **out)
{
    adopt(w, cat);
    *out = NULL;
    if (cat->policy_text == NULL)
        return BX_OK;
    if (w->policy == NULL) {
        bx_status st = svc_policy_compile(w->ctx, cat, &w->server->cfg, &w->policy);
        if (st != BX_OK)
            return st;
    }
    *out = w->policy;
    return BX_OK;
}

void svc_worker_begin(svc_worker *w)
{
    /* uncontended but for a reload's clean-up of this worker */
    pthread_mutex_lock(&w->busy_lock);
}

void svc_worker_end(svc_worker *w)
{
    pthread_mutex_unlock(&w->busy_lock);
}

void svc_workers_forget(svc_server *s, const svc_catalog *cat)
{
    pthread_mutex_lock(&s->workers_lock);
    for (svc_worker *w = s->workers; w != NULL; w = w->next) {
        pthread_mutex_lock(&w->busy_lock);
        if (w->derived_for == cat)
            drop_derived(w);
        pthread_mutex_unlock(&w->busy_lock);
    }
    pthread_mutex_unlock(&s->workers_lock);
}
