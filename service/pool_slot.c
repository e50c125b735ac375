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

svc_pool *svc_pool_open(const char *path, const char *catalog_path, const char *links_path,
                        char *err, size_t err_size)
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
    if (st == BX_OK && (p->path = strdup(path)) == NULL)
        st = BX_ENOMEM;
    if (st == BX_OK && links_path != NULL &&
        (st = bx_links_load(p->ctx, &p->links, links_path)) != BX_OK) {
        snprintf(err, err_size, "--links %s: %s", links_path, bx_ctx_errmsg(p->ctx));
        svc_pool_close(p);
        return NULL;
    }
    if (st != BX_OK) {
        snprintf(err, err_size, "--pool %s: %s", path, bx_ctx_errmsg(p->ctx));
        svc_pool_close(p);
        return NULL;
    }
    return p;
}

bool svc_pool_has_operators(svc_pool *p)
{
    pthread_mutex_lock(&p->lock);
    bool yes = bx_pool_operator_count(p->pool) > 0;
    pthread_mutex_unlock(&p->lock);
    return yes;
}

bool svc_pool_who(svc_pool *p, const char *authorization, size_t len, char *as,
                  bx_pool_role *role)
{
    as[0] = '\0';
    *role = BX_ROLE_NONE;
    size_t n;
    const char *given = svc_bearer(authorization, len, &n);
    if (given == NULL || n != BX_POOL_TOKEN_LEN)
        return false;
    /* the header's length counts, so a NUL byte in it is no token */
    char token[BX_POOL_TOKEN_SIZE];
    memcpy(token, given, BX_POOL_TOKEN_LEN);
    token[BX_POOL_TOKEN_LEN] = '\0';
    if (strlen(token) != BX_POOL_TOKEN_LEN)
        return false;
    pthread_mutex_lock(&p->lock);
    const char *id;
    bool ok = bx_pool_authenticate(p->pool, token, &id, role) == BX_OK;
    if (ok)
        snprintf(as, BX_ID_MAX, "%s", id);
    pthread_mutex_unlock(&p->lock);
    memset(token, 0, sizeof token);
    return ok;
}

void svc_pool_close(svc_pool *p)
{
    if (p == NULL)
        return;
    svc_pool_drop_packing(p);
    bx_pool_close(p->pool);
    bx_links_free(p->links);
    bx_catalog_free(p->cat);
    free(p->path);
    bx_ctx_free(p->ctx);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
