/*
 * server.c: the HTTP side: libmicrohttpd's thread pool, request bodies,
 * limits, and turning a svc_call's answer into a response.
 *
 * libmicrohttpd calls on_request several times per request: once when the
 * headers are in (everything that can be refused without the body is
 * refused then, so a 413 or 401 costs no upload), once per piece of body,
 * and once when the body is complete (the endpoint runs then). A response
 * can be queued only outside the body calls: a body that breaks a limit
 * while it arrives (a chunked upload past the size limit, or one slower
 * than the timeout) has its connection closed instead, since no answer can
 * be sent then.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "svc.h"

uint64_t svc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void svc_log(svc_server *s, const char *fmt, ...)
{
    if (s->cfg.log == NULL)
        return;
    char line[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->cfg.log(s->cfg.log_ud, line);
}

/* The format comes from libmicrohttpd; the attribute lets clang check
 * the vsnprintf below instead of refusing a non-literal format. */
__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    svc_server *s = cls;
    if (s->cfg.log == NULL)
        return;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    svc_log(s, "http: %s", line);
}

void svc_config_init(svc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->host = "127.0.0.1";
    cfg->port = 8080;
    cfg->max_body_bytes = 1024 * 1024;
    cfg->timeout_s = 10;
    cfg->max_connections = 256;
    cfg->budget = BX_DEFAULT_BUDGET;
    cfg->max_budget = 50 * BX_DEFAULT_BUDGET;
    cfg->max_units = 10000;
    cfg->max_lines = 10000;
    cfg->max_shipments = 10000;
    cfg->script_limits = bx_script_limits_default();
}

/* ---- one request ---------------------------------------------------------- */

typedef struct req_state {
    uint64_t start_ns;
    unsigned route_index;
    const svc_route *route;
    svc_media body_media, reply_media;
    svc_buf body;
    bool answered;
    unsigned status;
    char as[BX_ID_MAX];      /* the operator calling a pool endpoint */
    bx_pool_role role;
} req_state;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value)
{
    (void)kind;
    svc_call *c = cls;
    if (c->nargs == SVC_MAX_ARGS) {
        c->args_overflow = true;
        return MHD_NO;
    }
    c->args[c->nargs].key = key;
    c->args[c->nargs].value = value;
    c->nargs++;
    return MHD_YES;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* A header's value with its length as sent: NUL bytes in it are kept,
 * where MHD_lookup_connection_value's string would end at the first. */
static const char *header_n(struct MHD_Connection *conn, const char *name,
                            size_t *len)
{
    const char *value = NULL;
    *len = 0;
    if (MHD_lookup_connection_value_n(conn, MHD_HEADER_KIND, name, strlen(name),
                                      &value, len) != MHD_YES)
        return NULL;
    return value;
}

/* Unescape %HH in the path and query arguments, except %00: a NUL byte
 * would end the C string early and make "/station.js%00.txt" the path
 * "/station.js". Such a path or argument keeps its "%00" and so names
 * nothing that exists. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *text)
{
    (void)cls;
    (void)conn;
    if (strstr(text, "%00") != NULL)
        return strlen(text);
    return MHD_http_unescape(text);
}

static void add_headers(svc_server *s, struct MHD_Response *r, const svc_call *c)
{
    if (c->content_type != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, c->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (c->content_type != NULL && strncmp(c->content_type, "text/html", 9) == 0)
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; "
                                "style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; form-action 'none'; "
                                "frame-ancestors 'none'; base-uri 'none'");
    if (c->no_store || c->status >= 400)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (c->allow != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, c->allow);
    if (c->challenge)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"boxcar\"");
    if (atomic_load(&s->draining))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

static enum MHD_Result send_reply(svc_server *s, struct MHD_Connection *conn,
                                  req_state *rq, const svc_call *c)
{
    struct MHD_Response *r;
    if (c->fixed_body != NULL)
        r = MHD_create_response_from_buffer(c->fixed_len, (void *)c->fixed_body,
                                            MHD_RESPMEM_PERSISTENT);
    else
        r = MHD_create_response_from_buffer(c->worker->out.len, c->worker->out.data,
                                            MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    add_headers(s, r, c);
    enum MHD_Result ok = MHD_queue_response(conn, c->status, r);
    MHD_destroy_response(r);
    rq->answered = ok == MHD_YES;
    rq->status = c->status;
    return ok;
}

/* When even a worker cannot be had, answer from static bytes. */
static enum MHD_Result send_unavailable(struct MHD_Connection *conn, req_state *rq)
{
    static const char body[] =
        "{\"error\":\"out_of_memory\",\"message\":\"out of memory\",\"status\":503}\n";
    struct MHD_Response *r = MHD_create_response_from_buffer(
        sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ok = MHD_queue_response(conn, 503, r);
    MHD_destroy_response(r);
    rq->answered = ok == MHD_YES;
    rq->status = 503;
    return ok;
}

static void call_init(svc_call *c, svc_server *s, svc_worker *w, req_state *rq,
                      const char *url)
{
    memset(c, 0, sizeof *c);
    c->path = url;
    c->server = s;
    c->worker = w;
    c->route = rq->route;
    c->body_media = rq->body_media;
    c->reply_media = rq->reply_media != SVC_MEDIA_NONE ? rq->reply_media
                                                        : SVC_MEDIA_JSON;
    memcpy(c->as, rq->as, sizeof c->as);
    c->role = rq->role;
}

/* Everything that can be decided from the headers alone. true: go on
 * (the body follows); false: c holds the answer. */
static bool admit(svc_server *s, struct MHD_Connection *conn, const char *url,
                  const char *method, req_state *rq, svc_call *c)
{
    const svc_route *route = rq->route;
    /* Errors, too, come in the encoding the client asked for, when it
     * asked for one the service writes. */
    if (route != NULL && route->takes_body)
        rq->body_media = svc_media_of_content_type(header(conn, MHD_HTTP_HEADER_CONTENT_TYPE));
    c->body_media = rq->body_media;
    rq->reply_media = svc_media_accept(header(conn, MHD_HTTP_HEADER_ACCEPT),
                                       rq->body_media);
    c->reply_media = rq->reply_media != SVC_MEDIA_NONE ? rq->reply_media
                                                       : SVC_MEDIA_JSON;
    if (route == NULL) {
        svc_reply_error(c, 404, "not_found", NULL, "no such endpoint: %.200s", url);
        return false;
    }
    if (!svc_route_allows(route, method)) {
        c->allow = strcmp(route->methods, "GET") == 0 ? "GET, HEAD" : route->methods;
        svc_reply_error(c, 405, "method_not_allowed", NULL,
                        "%s takes %s only", route->path, c->allow);
        return false;
    }
    /* a read that writes by its query (/v1/pack?station=S issues) */
    bool writes = route->write_arg != NULL &&
                  MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
                                              route->write_arg) != NULL;
    bool need_token = route->access == SVC_WRITE || writes ||
                      (route->access == SVC_READ && s->cfg.token_for_reads);
    char what[64];
    snprintf(what, sizeof what, "%s%s%s", route->path, writes ? " with " : "",
             writes ? route->write_arg : "");
    size_t auth_len;
    const char *auth = header_n(conn, MHD_HTTP_HEADER_AUTHORIZATION, &auth_len);
    /* A pool with operators: its endpoints, reads included, take an
     * operator's token, which says who calls and what they may see. */
    bool pool_route = s->pool != NULL &&
                      (strncmp(route->path, "/v1/containers", 14) == 0 || writes);
    if (pool_route && svc_pool_has_operators(s->pool)) {
        if (!svc_pool_who(s->pool, auth, auth_len, rq->as, &rq->role)) {
            c->challenge = true;
            svc_reply_error(c, 401, "unauthorized", NULL,
                            "%s needs the token of an operator of the pool: the header "
                            "'Authorization: Bearer <token>'", what);
            return false;
        }
        memcpy(c->as, rq->as, sizeof c->as);
        c->role = rq->role;
        need_token = false;
    }
    if (need_token && s->token == NULL) {
        svc_reply_error(c, 403, "forbidden", NULL,
                        "%s needs a bearer token, and this server has none "
                        "configured (start it with --token-file or "
                        "BOXCAR_TOKEN)", what);
        return false;
    }
    if (need_token && !svc_token_ok(s, auth, auth_len)) {
        c->challenge = true;
        svc_reply_error(c, 401, "unauthorized", NULL,
                        "%s needs the header 'Authorization: Bearer <token>'", what);
        return false;
    }
    if (route->negotiated && rq->reply_media == SVC_MEDIA_NONE) {
        svc_reply_error(c, 406, "not_acceptable", NULL,
                        "%s answers in application/json or application/cbor; "
                        "the Accept header allows neither", route->path);
        return false;
    }
    if (route->takes_body) {
        if (rq->body_media == SVC_MEDIA_NONE || rq->body_media == SVC_MEDIA_OTHER) {
            svc_reply_error(c, 415, "unsupported_media_type", NULL,
                            "%s takes a body of type application/json, "
                            "application/cbor or text/csv (UTF-8)", route->path);
            return false;
        }
        const char *cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl != NULL) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno == 0 && end != cl && n > s->cfg.max_body_bytes) {
                svc_reply_error(c, 413, "too_large", NULL,
                                "the body of %llu bytes is larger than the "
                                "limit of %zu bytes", n, s->cfg.max_body_bytes);
                return false;
            }
        }
    }
    return true;
}

static enum MHD_Result first_call(svc_server *s, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  req_state *rq)
{
    rq->route = svc_route_find(url, &rq->route_index);
    svc_worker *w = svc_worker_get(s);
    if (w == NULL)
        return send_unavailable(conn, rq);
    svc_call c;
    call_init(&c, s, w, rq, url);
    if (admit(s, conn, url, method, rq, &c))
        return MHD_YES;
    return send_reply(s, conn, rq, &c);
}

static enum MHD_Result take_body(svc_server *s, req_state *rq,
                                 const char *data, size_t *size)
{
    size_t n = *size;
    *size = 0;
    if (rq->answered || rq->route == NULL || !rq->route->takes_body)
        return MHD_YES; /* a body nobody reads: dropped */
    if (n > s->cfg.max_body_bytes - rq->body.len) {
        svc_log(s, "%s: body over %zu bytes; connection closed", rq->route->path,
                s->cfg.max_body_bytes);
        return MHD_NO;
    }
    if (s->cfg.timeout_s > 0 &&
        svc_now_ns() - rq->start_ns > (uint64_t)s->cfg.timeout_s * 1000000000u) {
        svc_log(s, "%s: body took over %u s; connection closed", rq->route->path,
                s->cfg.timeout_s);
        return MHD_NO;
    }
    return svc_buf_put(&rq->body, data, n) == 0 ? MHD_YES : MHD_NO;
}

static enum MHD_Result run(svc_server *s, struct MHD_Connection *conn,
                           const char *url, req_state *rq)
{
    svc_worker *w = svc_worker_get(s);
    if (w == NULL)
        return send_unavailable(conn, rq);
    svc_call c;
    call_init(&c, s, w, rq, url);
    c.body = rq->body.data;
    c.body_len = rq->body.len;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
    svc_worker_begin(w);
    rq->route->handle(&c);
    svc_worker_end(w);
    return send_reply(s, conn, rq, &c);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    svc_server *s = cls;
    req_state *rq = *con_cls;
    if (rq == NULL) {
        if ((rq = calloc(1, sizeof *rq)) == NULL)
            return MHD_NO;
        rq->start_ns = svc_now_ns();
        atomic_fetch_add(&s->in_flight, 1);
        *con_cls = rq;
        return first_call(s, conn, url, method, rq);
    }
    if (*upload_data_size > 0)
        return take_body(s, rq, upload_data, upload_data_size);
    if (rq->answered)
        return MHD_YES;
    return run(s, conn, url, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    svc_server *s = cls;
    req_state *rq = *con_cls;
    if (rq == NULL)
        return;
    if (rq->answered && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        svc_metrics_observe(&s->metrics, rq->route_index, rq->status,
                            svc_now_ns() - rq->start_ns);
    else
        atomic_fetch_add_explicit(&s->metrics.aborted, 1, memory_order_relaxed);
    svc_buf_free(&rq->body);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/* ---- the daemon ----------------------------------------------------------- */

static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

static int bind_address(const svc_config *cfg, struct sockaddr_storage *ss,
                        bool *ipv6)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, cfg->host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(cfg->port);
        *ipv6 = false;
        return 0;
    }
    if (inet_pton(AF_INET6, cfg->host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(cfg->port);
        *ipv6 = true;
        return 0;
    }
    return -1;
}

static void server_free(svc_server *s)
{
    if (s->daemon != NULL)
        MHD_stop_daemon(s->daemon);
    svc_workers_free(s);
    svc_pool_close(s->pool);
    svc_items_close(s->items);
    svc_catalog_free(atomic_load(&s->catalog.current));
    pthread_mutex_destroy(&s->catalog.swap_lock);
    pthread_mutex_destroy(&s->workers_lock);
    free(s->token);
    free(s);
}

int svc_server_start(const svc_config *cfg, svc_server **out, char *err,
                     size_t err_size)
{
    *out = NULL;
    struct sockaddr_storage addr;
    bool ipv6 = false;
    if (bind_address(cfg, &addr, &ipv6) != 0) {
        snprintf(err, err_size, "'%s' is not an IPv4 or IPv6 address", cfg->host);
        return -1;
    }
    svc_server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    s->cfg = *cfg;
    snprintf(s->host, sizeof s->host, "%s", cfg->host);
    s->cfg.host = s->host;
    s->cfg.token = NULL;
    s->threads = cfg->threads != 0 ? cfg->threads : online_cpus();
    s->started_ns = svc_now_ns();
    pthread_mutex_init(&s->catalog.swap_lock, NULL);
    pthread_mutex_init(&s->workers_lock, NULL);
    if (cfg->token != NULL && (s->token = strdup(cfg->token)) == NULL) {
        snprintf(err, err_size, "out of memory");
        server_free(s);
        return -1;
    }
    const char *part;
    svc_catalog *cat = svc_catalog_load(cfg, err, err_size, &part);
    if (cat == NULL) {
        server_free(s);
        return -1;
    }
    cat->generation = 1;
    atomic_store(&s->catalog.current, cat);
    if (cat->bad_routes > 0)
        svc_log(s, "carbon: %zu routes cannot be computed with this factor set; "
                   "shipments on them are refused", cat->bad_routes);
    if (cfg->pool_path != NULL &&
        (s->pool = svc_pool_open(cfg->pool_path, cfg->catalog_path, cfg->links_path, err,
                                 err_size)) == NULL) {
        server_free(s);
        return -1;
    }
    if (cfg->items_path != NULL &&
        (s->items = svc_items_open(cfg->items_path, err, err_size)) == NULL) {
        server_free(s);
        return -1;
    }
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | (ipv6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, s->threads,
        MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (s->daemon == NULL) {
        snprintf(err, err_size, "cannot listen on %s port %u (%s)", cfg->host,
                 (unsigned)cfg->port,
                 errno != 0 ? strerror(errno) : "libmicrohttpd refused the options");
        server_free(s);
        return -1;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info != NULL ? info->port : cfg->port;
    *out = s;
    return 0;
}

uint16_t svc_server_port(const svc_server *s)
{
    return s->port;
}

unsigned svc_server_drain(svc_server *s, unsigned timeout_ms)
{
    atomic_store(&s->draining, true);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    uint64_t deadline = svc_now_ns() + (uint64_t)timeout_ms * 1000000u;
    struct timespec nap = {0, 2000000};
    while (atomic_load(&s->in_flight) > 0 && svc_now_ns() < deadline)
        nanosleep(&nap, NULL);
    int_fast64_t left = atomic_load(&s->in_flight);
    return left > 0 ? (unsigned)left : 0;
}

void svc_server_stop(svc_server *s)
{
    if (s != NULL)
        server_free(s);
}
