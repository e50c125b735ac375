/*
 * h_info.c: the station page and its assets, GET /healthz, GET /metrics,
 * GET /v1/openapi.json, GET /v1/catalog and POST /v1/admin/reload.
 */
#include <stdio.h>
#include <string.h>

#include "svc.h"

static void fixed(svc_call *c, const char *type, const unsigned char *data,
                  size_t len)
{
    c->status = 200;
    c->content_type = type;
    c->fixed_body = data;
    c->fixed_len = len;
}

void svc_h_station_page(svc_call *c)
{
    fixed(c, "text/html; charset=utf-8", svc_asset_index_html,
          svc_asset_index_html_len);
}

void svc_h_station_css(svc_call *c)
{
    fixed(c, "text/css; charset=utf-8", svc_asset_station_css,
          svc_asset_station_css_len);
}

void svc_h_station_js(svc_call *c)
{
    fixed(c, "text/javascript; charset=utf-8", svc_asset_station_js,
          svc_asset_station_js_len);
}

/* The OpenAPI 3 document of every endpoint (docs/openapi.json). */
void svc_h_openapi(svc_call *c)
{
    fixed(c, "application/json", svc_asset_openapi_json, svc_asset_openapi_json_len);
}

/* 200 while serving, 503 while draining, so a load balancer stops sending
 * new work before the process goes away. */
void svc_h_healthz(svc_call *c)
{
    svc_server *s = c->server;
    bool draining = atomic_load(&s->draining);
    const svc_catalog *cat = svc_catalog_hold(c->worker);
    json_t *doc = json_object();
    if (doc != NULL) {
        json_object_set_new(doc, "status", json_string(draining ? "draining" : "ok"));
        json_object_set_new(doc, "version", json_string(bx_version()));
        json_object_set_new(doc, "catalog_generation",
                            json_integer((json_int_t)cat->generation));
        json_object_set_new(doc, "boxes",
                            json_integer((json_int_t)bx_catalog_count(cat->cat)));
        json_object_set_new(doc, "threads", json_integer(s->threads));
        json_object_set_new(doc, "policy", cat->policy_text != NULL
                                               ? json_string(cat->policy_name)
                                               : json_null());
        json_object_set_new(doc, "carbon", json_boolean(cat->routes != NULL));
        json_object_set_new(doc, "pool", json_boolean(s->pool != NULL));
        json_object_set_new(doc, "items", json_boolean(s->items != NULL));
        json_object_set_new(doc, "uptime_s", json_integer(
            (json_int_t)((svc_now_ns() - s->started_ns) / 1000000000u)));
    }
    svc_catalog_let_go(c->worker);
    svc_reply_doc(c, doc);
    json_decref(doc);
    if (c->status == 200 && draining)
        c->status = 503;
    c->no_store = true;
}

void svc_h_metrics(svc_call *c)
{
    svc_worker *w = c->worker;
    w->out.len = 0;
    const svc_catalog *cat = svc_catalog_hold(w);
    int rc = svc_metrics_render(c->server, cat, &w->out);
    svc_catalog_let_go(w);
    if (rc != 0) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    c->status = 200;
    c->content_type = "text/plain; version=0.0.4; charset=utf-8";
    c->no_store = true;
}

/* Answer with one of the set's prebuilt documents (JSON or CBOR by the
 * reply's media), copied out while the set is held: it may be swapped
 * away right after. Releases the hold. */
static void reply_prebuilt(svc_call *c, const svc_buf *json, const svc_buf *cbor)
{
    svc_worker *w = c->worker;
    const svc_buf *src = c->reply_media == SVC_MEDIA_CBOR ? cbor : json;
    w->out.len = 0;
    int rc = svc_buf_put(&w->out, src->data, src->len);
    svc_catalog_let_go(w);
    if (rc != 0) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    c->status = 200;
    c->content_type = svc_media_name(c->reply_media);
}

/* The catalog as `boxcar convert` writes it, made once per load. */
void svc_h_catalog(svc_call *c)
{
    const svc_catalog *cat = svc_catalog_hold(c->worker);
    reply_prebuilt(c, &cat->json, &cat->cbor);
}

void svc_h_reload(svc_call *c)
{
    char err[1024];
    /* The reload waits for every other worker's busy_lock; two workers
     * reloading at once while holding their own would wait for each
     * other. The reload does not use this worker's context. */
    svc_worker_end(c->worker);
    int rc = svc_server_reload(c->server, err, sizeof err);
    svc_worker_begin(c->worker);
    if (rc != 0) {
        svc_reply_error(c, 500, "reload_failed", NULL,
                        "the catalog set (catalog, carbon setup, policy) did "
                        "not reload; the old one stays in service: %s", err);
        return;
    }
    const svc_catalog *cat = svc_catalog_hold(c->worker);
    json_t *doc = json_object();
    if (doc != NULL) {
        json_object_set_new(doc, "status", json_string("reloaded"));
        json_object_set_new(doc, "catalog_generation",
                            json_integer((json_int_t)cat->generation));
        json_object_set_new(doc, "boxes",
                            json_integer((json_int_t)bx_catalog_count(cat->cat)));
    }
    svc_catalog_let_go(c->worker);
    svc_reply_doc(c, doc);
    json_decref(doc);
}

/* The policy in service: its name, file, the params set on the command
 * line and its assumptions (the guesses every verdict rests on), made once
 * per load. 404 when the server packs without a policy. */
void svc_h_policy(svc_call *c)
{
    svc_worker *w = c->worker;
    const svc_catalog *cat = svc_catalog_hold(w);
    if (cat->policy_text == NULL) {
        svc_catalog_let_go(w);
        svc_reply_error(c, 404, "not_configured", NULL,
                        "this server packs without a policy (start it with "
                        "--policy FILE)");
        return;
    }
    reply_prebuilt(c, &cat->policy_json, &cat->policy_cbor);
}
