/*
 * pool_slot.c: the reusable-container pool the server writes.
 *
 * The server opens the journal as its writer for its whole life (so it
 * holds the journal's lock, and `boxcar containers` events from elsewhere
 * wait or fail rather than interleave). A bx_pool is single-threaded: one
 * mutex serialises every request that touches it, reads included, since
 * the strings a read hands out live only until the next change.
 *
 * The pool checks container types against the catalog it was opened with,
 * which it borrows for its life: that is a load of the catalog file of its
 * own, made at start and not swapped by a reload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

svc_pool *svc_pool_open(const char *path, const char *catalog_path, char *err,
                        size_t err_size)
{
    svc_pool *p = calloc(1, sizeof *p);
    if (p == NULL || bx_ctx_new(&p->ctx, NULL, NULL) != BX_OK) {
        free(p);
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    bx_status st = bx_catalog_load(p->ctx, &p->cat, catalog_path, BX_FORMAT_AUTO);
    if (st == BX_OK) {
        bx_pool_options o;
        bx_pool_options_init(&o);
        st = bx_pool_open(p->ctx, &p->pool, path, p->cat, &o);
    }
    if (st != BX_OK) {
        snprintf(err, err_size, "--pool %s: %s", path, bx_ctx_errmsg(p->ctx));
        svc_pool_close(p);
        return NULL;
    }
    return p;
}

void svc_pool_close(svc_pool *p)
{
    if (p == NULL)
        return;
    svc_pool_drop_packing(p);
    bx_pool_close(p->pool);
    bx_catalog_free(p->cat);
    bx_ctx_free(p->ctx);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
