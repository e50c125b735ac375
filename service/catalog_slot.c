/*
 * catalog_slot.c: the catalog every worker packs against, and its reload.
 *
 * Requests read the current catalog without a lock. A reload builds the
 * new catalog beside the old one, swaps the pointer atomically, and frees
 * the old catalog only once no worker still uses it: each worker publishes
 * the catalog it holds in its hazard slot and re-reads the pointer after
 * publishing, so a swap that scans the slots after the exchange can never
 * miss a reader (hazard pointers, M. M. Michael, IEEE TPDS 15(6), 2004).
 * The waiting happens in the thread that reloads, never in a request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc.h"

typedef struct load_diag {
    char *err;
    size_t size;
    bool have;
} load_diag;

/* Keep the first problem: the one the operator has to fix first. */
static void first_error(void *ud, const bx_diag *d)
{
    load_diag *ld = ud;
    if (d->severity == BX_SEV_ERROR && !ld->have) {
        snprintf(ld->err, ld->size, "%s", d->message);
        ld->have = true;
    }
}

static bx_status encode(bx_ctx *ctx, const bx_catalog *cat, bx_format fmt,
                        svc_buf *out)
{
    size_t n = bx_catalog_count(cat);
    bx_writer *w = NULL;
    bx_status st = bx_writer_open(ctx, &w, BX_RECORD_BOX, fmt, svc_buf_write,
                                  out, n);
    for (size_t i = 0; i < n && st == BX_OK; i++)
        st = bx_writer_put(w, bx_catalog_box(cat, i));
    if (st == BX_OK)
        return bx_writer_close(w);
    bx_writer_abort(w);
    return st;
}

svc_catalog *svc_catalog_load(const char *path, char *err, size_t err_size)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    load_diag ld = {err, err_size, false};
    bx_ctx_set_diag(ctx, first_error, &ld);
    svc_catalog *c = calloc(1, sizeof *c);
    bx_status st = c == NULL ? BX_ENOMEM : BX_OK;
    if (st == BX_OK && strlen(path) >= sizeof c->path) {
        snprintf(err, err_size, "%s: path too long", path);
        ld.have = true;
        st = BX_EINVAL;
    }
    if (st == BX_OK) {
        memcpy(c->path, path, strlen(path) + 1);
        st = bx_catalog_load(ctx, &c->cat, path, BX_FORMAT_AUTO);
    }
    if (st == BX_OK)
        st = encode(ctx, c->cat, BX_FORMAT_JSON, &c->json);
    if (st == BX_OK)
        st = encode(ctx, c->cat, BX_FORMAT_CBOR, &c->cbor);
    if (st != BX_OK) {
        if (!ld.have)
            snprintf(err, err_size, "%s", st == BX_ENOMEM && c == NULL
                                              ? "out of memory"
                                              : bx_ctx_errmsg(ctx));
        svc_catalog_free(c);
        c = NULL;
    }
    bx_ctx_free(ctx);
    return c;
}

void svc_catalog_free(svc_catalog *c)
{
    if (c == NULL)
        return;
    bx_catalog_free(c->cat);
    svc_buf_free(&c->json);
    svc_buf_free(&c->cbor);
    free(c);
}

const svc_catalog *svc_catalog_hold(svc_worker *w)
{
    svc_catalog_slot *slot = &w->server->catalog;
    svc_catalog *c = atomic_load(&slot->current);
    for (;;) {
        atomic_store(&w->hazard, c);
        svc_catalog *again = atomic_load(&slot->current);
        if (again == c)
            return c;
        c = again;
    }
}

void svc_catalog_let_go(svc_worker *w)
{
    atomic_store(&w->hazard, NULL);
}

static bool in_use(svc_server *s, const svc_catalog *c)
{
    bool used = false;
    pthread_mutex_lock(&s->workers_lock);
    for (svc_worker *w = s->workers; w != NULL && !used; w = w->next)
        used = atomic_load(&w->hazard) == c;
    pthread_mutex_unlock(&s->workers_lock);
    return used;
}

int svc_server_reload(svc_server *s, char *err, size_t err_size)
{
    pthread_mutex_lock(&s->catalog.swap_lock);
    svc_catalog *cur = atomic_load(&s->catalog.current);
    svc_catalog *fresh = svc_catalog_load(cur->path, err, err_size);
    if (fresh == NULL) {
        pthread_mutex_unlock(&s->catalog.swap_lock);
        atomic_fetch_add(&s->metrics.reloads_failed, 1);
        svc_log(s, "catalog reload failed; keeping generation %llu: %s",
                (unsigned long long)cur->generation, err);
        return -1;
    }
    fresh->generation = cur->generation + 1;
    svc_catalog *old = atomic_exchange(&s->catalog.current, fresh);
    /* Requests that began before the exchange may still hold `old`; they
     * are bounded by their work budget, so this ends. */
    struct timespec nap = {0, 200000};
    while (in_use(s, old))
        nanosleep(&nap, NULL);
    svc_catalog_free(old);
    atomic_fetch_add(&s->metrics.reloads_ok, 1);
    /* still under the lock: no other reload can free `fresh` meanwhile */
    svc_log(s, "catalog reloaded from %s: generation %llu, %zu boxes",
            fresh->path, (unsigned long long)fresh->generation,
            bx_catalog_count(fresh->cat));
    pthread_mutex_unlock(&s->catalog.swap_lock);
    return 0;
}
