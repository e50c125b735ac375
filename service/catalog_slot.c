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
 *
 * The carbon setup (factor set, routes, containers) and the policy's text
 * are loaded with the catalog and swapped with it, all or nothing: a
 * policy is bound to the catalog it was compiled against.
 */
#include <errno.h>
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

static bx_status load_carbon(bx_ctx *ctx, const svc_config *cfg, svc_catalog *c)
{
    bx_status st = bx_factor_set_load(ctx, &c->factors, cfg->factors_path);
    if (st == BX_OK)
        st = bx_routes_load(ctx, &c->routes, cfg->routes_path);
    if (st == BX_OK && cfg->containers_path != NULL)
        st = bx_containers_load(ctx, &c->containers, cfg->containers_path);
    if (st != BX_OK)
        return st;
    /* A calculator made once here checks the containers and counts the
     * routes the factor set cannot compute, as `boxcar carbon` does at
     * start; workers make their own from the same inputs. */
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.catalog = c->cat;
    opt.containers = c->containers;
    bx_carbon *calc = NULL;
    if ((st = bx_carbon_new(ctx, &calc, c->factors, c->routes, &opt)) == BX_OK)
        c->bad_routes = bx_routes_invalid(c->routes) + bx_carbon_bad_routes(calc);
    bx_carbon_free(calc);
    return st;
}

static const char *last_component(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* GET /v1/policy: name, file, params as set, assumptions. */
static bx_status describe_policy(const svc_config *cfg, svc_catalog *c,
                                 const bx_policy *p)
{
    json_t *doc = json_object(), *params = json_object(), *as = json_array();
    if (doc == NULL || params == NULL || as == NULL) {
        json_decref(doc), json_decref(params), json_decref(as);
        return BX_ENOMEM;
    }
    for (size_t i = 0; i < cfg->npolicy_params; i++) {
        const char *kv = cfg->policy_params[i], *eq = strchr(kv, '=');
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        json_object_set_new(params, key, json_string(eq + 1));
    }
    for (size_t i = 0; i < bx_policy_assumption_count(p); i++)
        json_array_append_new(as, json_string(bx_policy_assumption(p, i)));
    json_object_set_new(doc, "policy", json_string(bx_policy_name(p)));
    json_object_set_new(doc, "file", json_string(c->policy_name));
    json_object_set_new(doc, "params", params);
    json_object_set_new(doc, "assumptions", as);
    int rc = svc_doc_encode(doc, SVC_MEDIA_JSON, &c->policy_json);
    if (rc == 0)
        rc = svc_doc_encode(doc, SVC_MEDIA_CBOR, &c->policy_cbor);
    json_decref(doc);
    return rc == 0 ? BX_OK : BX_ENOMEM;
}

/* Read the policy's text and compile it once against the new catalog, so
 * that a broken policy fails the load here, not in a request. */
static bx_status load_policy(bx_ctx *ctx, const svc_config *cfg, svc_catalog *c,
                             char *err, size_t err_size, bool *have)
{
    snprintf(c->policy_name, sizeof c->policy_name, "%s",
             last_component(cfg->policy_path));
    FILE *fp = fopen(cfg->policy_path, "rb");
    if (fp == NULL) {
        snprintf(err, err_size, "policy %s: %s", cfg->policy_path, strerror(errno));
        *have = true;
        return BX_ENOTFOUND;
    }
    svc_buf text = {0};
    char chunk[8192];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        rc = svc_buf_put(&text, chunk, n);
    bool bad = ferror(fp) != 0;
    fclose(fp);
    if (rc != 0 || bad) {
        svc_buf_free(&text);
        snprintf(err, err_size, "policy %s: %s", cfg->policy_path,
                 bad ? "read error" : "out of memory");
        *have = true;
        return bad ? BX_EIO : BX_ENOMEM;
    }
    c->policy_text = (char *)text.data;
    c->policy_len = text.len;
    bx_policy *p = NULL;
    bx_status st = svc_policy_compile(ctx, c, cfg, &p);
    if (st == BX_OK)
        st = describe_policy(cfg, c, p);
    bx_policy_free(p);
    return st;
}

bx_status svc_policy_compile(bx_ctx *ctx, const svc_catalog *c,
                             const svc_config *cfg, bx_policy **out)
{
    *out = NULL;
    bx_policy *p = NULL;
    bx_status st = bx_policy_load_buffer(ctx, &p, c->policy_name, c->policy_text,
                                         c->policy_len, c->cat, &cfg->script_limits);
    for (size_t i = 0; st == BX_OK && i < cfg->npolicy_params; i++) {
        const char *kv = cfg->policy_params[i], *eq = strchr(kv, '=');
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        st = bx_policy_set_param(p, key, eq + 1);
    }
    if (st != BX_OK) {
        bx_policy_free(p);
        return st;
    }
    *out = p;
    return BX_OK;
}

svc_catalog *svc_catalog_load(const svc_config *cfg, char *err, size_t err_size,
                              const char **part)
{
    const char *path = cfg->catalog_path;
    *part = "catalog";
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    load_diag ld = {err, err_size, false};
    bx_ctx_set_diag(ctx, first_error, &ld);
    svc_catalog *c = calloc(1, sizeof *c);
    bx_status st = c == NULL ? BX_ENOMEM : BX_OK;
    if (c != NULL)
        c->ctx = ctx;
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
    if (st == BX_OK && cfg->routes_path != NULL) {
        *part = "carbon";
        st = load_carbon(ctx, cfg, c);
    }
    if (st == BX_OK && cfg->policy_path != NULL) {
        *part = "policy";
        st = load_policy(ctx, cfg, c, err, err_size, &ld.have);
    }
    if (st != BX_OK) {
        if (!ld.have)
            snprintf(err, err_size, "%s", st == BX_ENOMEM && c == NULL
                                              ? "out of memory"
                                              : bx_ctx_errmsg(ctx));
        svc_catalog_free(c);
        if (c == NULL)
            bx_ctx_free(ctx);
        return NULL;
    }
    /* The loaded objects free their memory through the context they were
     * loaded with: the set keeps it (its diagnostics end here). */
    bx_ctx_set_diag(ctx, NULL, NULL);
    c->ctx = ctx;
    return c;
}

void svc_catalog_free(svc_catalog *c)
{
    if (c == NULL)
        return;
    bx_catalog_free(c->cat);
    svc_buf_free(&c->json);
    svc_buf_free(&c->cbor);
    bx_containers_free(c->containers);
    bx_routes_free(c->routes);
    bx_factor_set_free(c->factors);
    free(c->policy_text);
    svc_buf_free(&c->policy_json);
    svc_buf_free(&c->policy_cbor);
    bx_ctx_free(c->ctx);
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
    const char *part = "catalog";
    svc_catalog *fresh = svc_catalog_load(&s->cfg, err, err_size, &part);
    if (fresh == NULL) {
        pthread_mutex_unlock(&s->catalog.swap_lock);
        atomic_fetch_add(&s->metrics.reloads_failed, 1);
        unsigned i = strcmp(part, "catalog") == 0 ? 0 : strcmp(part, "carbon") == 0 ? 1 : 2;
        atomic_fetch_add(&s->metrics.reload_failed_part[i], 1);
        svc_log(s, "reload failed (%s); keeping generation %llu whole: %s", part,
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
    svc_workers_forget(s, old);
    svc_pool_forget(s->pool, old);
    svc_catalog_free(old);
    atomic_fetch_add(&s->metrics.reloads_ok, 1);
    /* still under the lock: no other reload can free `fresh` meanwhile */
    svc_log(s, "catalog reloaded from %s: generation %llu, %zu boxes%s%s",
            fresh->path, (unsigned long long)fresh->generation,
            bx_catalog_count(fresh->cat),
            fresh->policy_text != NULL ? ", policy " : "",
            fresh->policy_text != NULL ? fresh->policy_name : "");
    pthread_mutex_unlock(&s->catalog.swap_lock);
    return 0;
}
