/*
 * routes.c: the endpoints, who may call them, and the replies they share.
 *
 * An endpoint is one row of the table below; the server looks the path up,
 * checks method, token and media types, and calls the handler with a
 * svc_call that holds everything the handler needs. A read route may
 * turn into a write by a query argument: /v1/pack?station=S issues
 * containers from the pool, so it needs the token. An exact path wins
 * over a prefix row (GET /v1/containers/stats is not container "stats").
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svc.h"

static const svc_route routes[] = {
    {"/", "GET", SVC_OPEN, false, false, svc_h_station_page, false, NULL},
    {"/station.css", "GET", SVC_OPEN, false, false, svc_h_station_css, false, NULL},
    {"/station.js", "GET", SVC_OPEN, false, false, svc_h_station_js, false, NULL},
    {"/healthz", "GET", SVC_OPEN, false, true, svc_h_healthz, false, NULL},
    {"/metrics", "GET", SVC_OPEN, false, false, svc_h_metrics, false, NULL},
    {"/v1/catalog", "GET", SVC_READ, false, true, svc_h_catalog, false, NULL},
    {"/v1/pack", "POST", SVC_READ, true, true, svc_h_pack, false, "station"},
    {"/v1/pack/svg", "POST", SVC_READ, true, true, svc_h_pack_svg, false, NULL},
    {"/v1/pack/batch", "POST", SVC_READ, true, true, svc_h_pack_batch, false, NULL},
    {"/v1/openapi.json", "GET", SVC_OPEN, false, false, svc_h_openapi, false, NULL},
    {"/v1/items", "POST", SVC_WRITE, true, true, svc_h_items_add, false, NULL},
    {"/v1/items/", "GET", SVC_READ, false, true, svc_h_item, true, NULL},
    {"/v1/admin/reload", "POST", SVC_WRITE, false, true, svc_h_reload, false, NULL},
    {"/v1/policy", "GET", SVC_READ, false, true, svc_h_policy, false, NULL},
    {"/v1/carbon", "POST", SVC_READ, true, true, svc_h_carbon, false, NULL},
    {"/v1/load", "POST", SVC_READ, true, true, svc_h_load, false, NULL},
    {"/v1/containers/events", "POST", SVC_WRITE, true, true, svc_h_pool_events, false, NULL},
    {"/v1/containers/stats", "GET", SVC_READ, false, true, svc_h_pool_stats, false, NULL},
    {"/v1/containers/forecast", "GET", SVC_READ, false, true, svc_h_pool_forecast, false, NULL},
    {"/v1/containers/plan", "GET", SVC_READ, false, true, svc_h_pool_plan, false, NULL},
    {"/v1/containers/statement", "GET", SVC_READ, false, true, svc_h_pool_statement, false,
     NULL},
    {"/v1/containers", "GET", SVC_READ, false, true, svc_h_pool_list, false, NULL},
    {"/v1/containers/", "GET", SVC_READ, false, true, svc_h_pool_container, true, NULL},
};

_Static_assert(sizeof routes / sizeof routes[0] < SVC_ROUTES_MAX,
               "one metrics slot stays free for unknown paths");

size_t svc_route_count(void)
{
    return sizeof routes / sizeof routes[0];
}

const svc_route *svc_route_at(unsigned index)
{
    return index < svc_route_count() ? &routes[index] : NULL;
}

const svc_route *svc_route_find(const char *path, unsigned *index)
{
    for (size_t i = 0; i < svc_route_count(); i++)
        if (!routes[i].prefix && strcmp(routes[i].path, path) == 0) {
            *index = (unsigned)i;
            return &routes[i];
        }
    for (size_t i = 0; i < svc_route_count(); i++) {
        size_t n = strlen(routes[i].path);
        /* one more path segment, not empty, nothing under it */
        if (routes[i].prefix && strncmp(routes[i].path, path, n) == 0 &&
            path[n] != '\0' && strchr(path + n, '/') == NULL) {
            *index = (unsigned)i;
            return &routes[i];
        }
    }
    *index = SVC_ROUTES_MAX - 1;
    return NULL;
}

bool svc_route_allows(const svc_route *r, const char *method)
{
    if (strcmp(r->methods, method) == 0)
        return true;
    return strcmp(r->methods, "GET") == 0 && strcmp(method, "HEAD") == 0;
}

const char *svc_bearer(const char *authorization, size_t len, size_t *token_len)
{
    static const char scheme[] = "bearer ";
    if (authorization == NULL || len < sizeof scheme - 1)
        return NULL;
    for (size_t i = 0; i < sizeof scheme - 1; i++) {
        char c = authorization[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != scheme[i])
            return NULL;
    }
    *token_len = len - (sizeof scheme - 1);
    return authorization + sizeof scheme - 1;
}

/* Compared in time that depends on the length of the token only. The
 * value's length is the header's, so a NUL byte after the token is a byte
 * that differs, not the end of the value. */
bool svc_token_ok(const svc_server *s, const char *authorization, size_t len)
{
    size_t have;
    const char *given = svc_bearer(authorization, len, &have);
    if (s->token == NULL || given == NULL)
        return false;
    size_t want = strlen(s->token);
    unsigned char diff = want != have;
    for (size_t i = 0; i < want; i++)
        diff |= (unsigned char)(s->token[i] ^ (i < have ? given[i] : 0));
    return diff == 0;
}

/* ---- replies ------------------------------------------------------------ */

static void set_reply(svc_call *c, unsigned status, const json_t *doc)
{
    svc_buf *out = &c->worker->out;
    out->len = 0;
    c->fixed_body = NULL;
    c->status = status;
    c->content_type = svc_media_name(c->reply_media == SVC_MEDIA_CBOR
                                         ? SVC_MEDIA_CBOR : SVC_MEDIA_JSON);
    if (svc_doc_encode(doc, c->reply_media, out) != 0) {
        static const char oom[] =
            "{\"error\":\"out_of_memory\",\"message\":\"out of memory\",\"status\":500}\n";
        c->status = 500;
        c->content_type = "application/json";
        c->fixed_body = oom;
        c->fixed_len = sizeof oom - 1;
    }
}

void svc_reply_doc(svc_call *c, const json_t *doc)
{
    set_reply(c, 200, doc);
}

static void set_loc(json_t *doc, const bx_location *loc)
{
    if (loc == NULL)
        return;
    if (loc->field != NULL)
        json_object_set_new(doc, "field", json_string(loc->field));
    if (loc->line != 0)
        json_object_set_new(doc, "line", json_integer((json_int_t)loc->line));
    if (loc->column != 0)
        json_object_set_new(doc, "column", json_integer(loc->column));
    if (loc->line == 0 && loc->record != 0)
        json_object_set_new(doc, "record", json_integer((json_int_t)loc->record));
    if (loc->line == 0 && loc->offset != 0)
        json_object_set_new(doc, "offset", json_integer((json_int_t)loc->offset));
}

void svc_reply_error(svc_call *c, unsigned status, const char *code,
                     const bx_location *loc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *doc = json_object();
    if (doc != NULL) {
        json_object_set_new(doc, "error", json_string(code));
        /* Messages quote input, which may not be UTF-8; jansson refuses
         * such strings, so say that rather than lose the error. */
        json_t *m = json_string(msg);
        json_object_set_new(doc, "message",
                            m != NULL ? m : json_string("(message not valid UTF-8)"));
        json_object_set_new(doc, "status", json_integer(status));
        set_loc(doc, loc);
    }
    set_reply(c, status, doc);
    json_decref(doc);
}

void svc_reply_status(svc_call *c, bx_status st)
{
    svc_reply_ctx_status(c, c->worker->ctx, st);
}

void svc_reply_ctx_status(svc_call *c, bx_ctx *ctx, bx_status st)
{
    bx_location loc = bx_ctx_errloc(ctx);
    const char *msg = bx_ctx_errmsg(ctx);
    switch (st) {
    case BX_EINPUT:
        svc_reply_error(c, 400, "bad_input", &loc, "%s", msg);
        break;
    case BX_ELIMIT:
        svc_reply_error(c, 413, "limit", &loc, "%s", msg);
        break;
    case BX_EUNSUPPORTED:
        svc_reply_error(c, 415, "unsupported", NULL, "%s", msg);
        break;
    case BX_EPERM:
        svc_reply_error(c, 403, "forbidden", NULL, "%s", msg);
        break;
    case BX_ENOMEM:
        svc_reply_error(c, 503, "out_of_memory", NULL, "%s", msg);
        break;
    default:
        svc_reply_error(c, 500, "internal", NULL, "%s: %s", bx_strerror(st), msg);
        break;
    }
}

/* ---- query arguments ------------------------------------------------------ */

const char *svc_arg_get(const svc_call *c, const char *key)
{
    for (size_t i = 0; i < c->nargs; i++)
        if (strcmp(c->args[i].key, key) == 0)
            return c->args[i].value != NULL ? c->args[i].value : "";
    return NULL;
}

/* A query argument's name as it may appear in an answer: at most 64
 * bytes, anything but printable ASCII shown as '?', so no client text can
 * break the JSON or CBOR text string it goes into. */
static void shown_name(const char *key, char *out, size_t size)
{
    size_t n = 0;
    for (; key[n] != '\0' && n + 1 < size && n < 64; n++)
        out[n] = key[n] >= 0x20 && key[n] < 0x7f ? key[n] : '?';
    out[n] = '\0';
}

static bool bad_arg_name(svc_call *c, const char *key, const char *what)
{
    char name[72];
    shown_name(key, name, sizeof name);
    bx_location loc = {0};
    loc.field = name;
    svc_reply_error(c, 400, "bad_parameter", &loc, "query argument '%s' %s", name, what);
    return false;
}

bool svc_args_check(svc_call *c, const char *const *known)
{
    if (c->args_overflow) {
        svc_reply_error(c, 400, "bad_parameter", NULL,
                        "more than %d query arguments", SVC_MAX_ARGS);
        return false;
    }
    for (size_t i = 0; i < c->nargs; i++) {
        bool ok = false;
        for (size_t k = 0; known[k] != NULL && !ok; k++)
            ok = strcmp(c->args[i].key, known[k]) == 0;
        if (!ok)
            return bad_arg_name(c, c->args[i].key, "is not known here");
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->args[j].key, c->args[i].key) == 0)
                return bad_arg_name(c, c->args[i].key, "is given twice");
    }
    return true;
}
