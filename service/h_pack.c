/*
 * h_pack.c: POST /v1/pack and POST /v1/pack/svg.
 *
 * The body is one order in any order-file encoding (docs/formats.md); the
 * query may set rotation, objective and budget as `boxcar pack` options
 * do. /v1/pack answers with the bytes bx_pack_json or bx_pack_cbor write,
 * the same as `boxcar pack --format json|cbor` for that order and catalog.
 * /v1/pack/svg packs the same way and answers with one picture per box.
 * With `boxcar serve --policy`, both pack under the policy as `boxcar
 * pack --policy` does, and the answer carries its verdict the same way.
 *
 * With `?station=S` (a server with --pool), the order is packed at that
 * station from the pool's ready containers, as `boxcar pack --pool J
 * --station S [--policy F]` does (pool_station.c): /v1/pack then issues
 * the containers it took (the route asks for the token) and answers once
 * they are durable; /v1/pack/svg only looks (nothing is issued), so a page
 * can draw the packing it is about to take. The answer is encoded before
 * the issue, so a failure to answer never issues a container unseen.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

static const char *const pack_args[] = {"rotation", "objective", "budget", "station",
                                        NULL};

static void bad_arg(svc_call *c, const char *name, const char *why)
{
    bx_location loc = {0};
    loc.field = name;
    svc_reply_error(c, 400, "bad_parameter", &loc, "query argument '%s': %s",
                    name, why);
}

/* Digits only, no sign, no spaces, at most 19 of them (fits u64). */
static bool parse_count(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_options(svc_call *c, bx_pack_options *o)
{
    const svc_config *cfg = &c->server->cfg;
    bx_pack_options_init(o);
    o->budget = cfg->budget;
    if (!svc_args_check(c, pack_args))
        return false;
    const char *v = svc_arg_get(c, "rotation");
    if (v != NULL) {
        bx_rotation r;
        if (bx_rotation_parse(v, &r) != BX_OK) {
            bad_arg(c, "rotation", "expected any, upright or fixed");
            return false;
        }
        o->rotation_override = (int)r;
    }
    if ((v = svc_arg_get(c, "objective")) != NULL) {
        if (bx_objective_parse(v, &o->objective) != BX_OK) {
            bad_arg(c, "objective", "expected boxes, volume, material or cost");
            return false;
        }
        if (o->objective == BX_OBJECTIVE_CO2E) {
            bad_arg(c, "objective", "co2e needs a CO2e figure per box, which "
                                    "the service does not have yet");
            return false;
        }
    }
    if ((v = svc_arg_get(c, "budget")) != NULL) {
        uint64_t b;
        if (!parse_count(v, &b) || b == 0 || b > cfg->max_budget) {
            char why[96];
            snprintf(why, sizeof why, "expected a whole number from 1 to %llu",
                     (unsigned long long)cfg->max_budget);
            bad_arg(c, "budget", why);
            return false;
        }
        o->budget = b;
    }
    return true;
}

/* ?station=S: *station NULL without one; false (and an error reply)
 * when the server cannot pack at a station. */
static bool station_arg(svc_call *c, const char **station)
{
    *station = svc_arg_get(c, "station");
    if (*station == NULL)
        return true;
    if ((*station)[0] == '\0') {
        bad_arg(c, "station", "expected a station of the container pool");
        return false;
    }
    if (c->server->pool == NULL) {
        bx_location loc = {0};
        loc.field = "station";
        svc_reply_error(c, 404, "not_configured", &loc,
                        "query argument 'station': this server keeps no container pool "
                        "(start it with --pool JOURNAL)");
        return false;
    }
    return true;
}

static bx_format body_format(svc_media m)
{
    switch (m) {
    case SVC_MEDIA_CBOR: return BX_FORMAT_CBOR;
    case SVC_MEDIA_CSV: return BX_FORMAT_CSV;
    default: return BX_FORMAT_JSON;
    }
}

/* Decode the body into the worker's order: false (and an error reply) on
 * bad input. */
static bool decode_order(svc_call *c, bx_order *order)
{
    svc_worker *w = c->worker;
    bx_ctx_clear_error(w->ctx);
    if (bx_ctx_warning_count(w->ctx) > 0)
        bx_ctx_clear_warnings(w->ctx);
    /* A line is one flat record: nothing in it nests, so a shallow depth
     * and a small record size refuse garbage early. */
    bx_reader_limits limits = bx_reader_limits_default();
    limits.max_depth = 4;
    limits.max_record_bytes = 64 * 1024;
    limits.max_fields = 64;
    limits.max_records = c->server->cfg.max_lines;
    bx_status st = bx_order_decode(w->ctx, &w->order, body_format(c->body_media),
                                   "request", c->body, c->body_len, &limits);
    if (st != BX_OK) {
        svc_reply_status(c, st);
        return false;
    }
    order->lines = w->order.lines;
    order->nlines = w->order.nlines;
    return true;
}

static void count_packed(svc_server *s, const bx_pack_result *res)
{
    atomic_fetch_add_explicit(&s->metrics.packed_orders, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->metrics.packed_boxes, res->nboxes,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&s->metrics.packed_units, res->nplacements,
                              memory_order_relaxed);
}

/* Pack under the policy when the catalog set has one (as `boxcar pack
 * --policy`), else with the engine alone. A policy that cannot be built
 * or whose hook fails on this order is the order's failure: 422. */
static bx_status pack_order(svc_call *c, const svc_catalog *cat, const bx_order *order,
                            const bx_pack_options *opts, const bx_pack_result **res,
                            bool *policy_failed)
{
    svc_worker *w = c->worker;
    bx_policy *policy = NULL;
    bx_status st = svc_worker_policy(w, cat, &policy);
    *policy_failed = st != BX_OK;
    if (st != BX_OK)
        return st;
    if (policy == NULL)
        return bx_pack(w->engine, cat->cat, order, opts, res);
    st = bx_policy_pack(policy, w->engine, order, opts, res);
    *policy_failed = st == BX_EINPUT || st == BX_ELIMIT;
    return st;
}

static void reply_pack_error(svc_call *c, bx_status st, bool policy_failed)
{
    if (policy_failed && st != BX_ENOMEM)
        svc_reply_error(c, 422, "policy_failed", NULL, "%s", bx_ctx_errmsg(c->worker->ctx));
    else
        svc_reply_status(c, st);
}

static void out_of_memory(svc_call *c)
{
    svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory for the answer");
}

/* The pictures as a document: {"order_id": .., "svg": [..], "box_ids":
 * [..]} with null for a box too full to draw (BX_ELIMIT), one entry per
 * box in box_seq order; at a station also "container_ids" (null for a
 * carton), by which a page knows the pictures are of the packing it got.
 * BX_EIO stands for memory running out in the service's own buffers. */
static bx_status pictures(svc_call *c, const bx_order *order,
                          const bx_pack_result *res, json_t *doc)
{
    svc_worker *w = c->worker;
    json_t *list = json_array(), *ids = json_array();
    json_t *cids = res->containers != NULL ? json_array() : NULL;
    if (json_object_set_new(doc, "order_id", json_string(order->lines[0].order_id)) != 0 ||
        json_object_set_new(doc, "svg", list) != 0 ||
        json_object_set_new(doc, "box_ids", ids) != 0 ||
        (res->containers != NULL && json_object_set_new(doc, "container_ids", cids) != 0))
        return BX_EIO;
    for (size_t b = 0; b < res->nboxes; b++) {
        w->scratch.len = 0;
        bx_status st = bx_pack_svg(w->ctx, order, res, b, svc_buf_write,
                                   &w->scratch);
        json_t *item;
        if (st == BX_ELIMIT)
            item = json_null();
        else if (st != BX_OK)
            return st;
        else
            item = json_stringn((const char *)w->scratch.data, w->scratch.len);
        if (item == NULL || json_array_append_new(list, item) != 0 ||
            json_array_append_new(ids, json_string(res->boxes[b].box->box_id)) != 0)
            return BX_EIO;
        if (cids != NULL &&
            json_array_append_new(cids, res->containers[b] != NULL
                                            ? json_string(res->containers[b])
                                            : json_null()) != 0)
            return BX_EIO;
    }
    return BX_OK;
}

/* With the pool's lock held: the answer for a packing at a station that
 * failed, from the pool's context. */
static void reply_station_error(svc_call *c, svc_pool *p, bx_status st,
                                svc_station_fail fail)
{
    const char *msg = bx_ctx_errmsg(p->ctx);
    bx_location loc = {0};
    if (st == BX_ENOMEM) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "%s", msg);
        return;
    }
    switch (fail) {
    case SVC_STATION_UNKNOWN:
        loc.field = "station";
        svc_reply_error(c, 422, "unknown", &loc, "%s", msg);
        break;
    case SVC_STATION_POLICY:
        svc_reply_error(c, 422, "policy_failed", NULL, "%s", msg);
        break;
    case SVC_STATION_CHECK:
        svc_reply_error(c, 500, "internal", NULL,
                        "the packing did not check out, so nothing was issued: %s", msg);
        break;
    case SVC_STATION_JOURNAL:
        if (st == BX_EINPUT)
            svc_reply_error(c, 409, "refused", NULL, "%s (nothing recorded)", msg);
        else
            svc_reply_error(c, 503, "journal", NULL, "the journal did not take the issue: "
                            "%s: %s", bx_strerror(st), msg);
        break;
    default:
        svc_reply_ctx_status(c, p->ctx, st);
        break;
    }
}

/* Pack at a station: POST /v1/pack (pictures_doc NULL) answers with the
 * result and issues its containers; /v1/pack/svg fills pictures_doc and
 * issues nothing. The pool is
 * held from the pack to the sync: no other request sees the containers
 * as ready in between. */
static void pack_at_station(svc_call *c, const char *station, const bx_order *order,
                            const bx_pack_options *opts, json_t *pictures_doc)
{
    svc_worker *w = c->worker;
    svc_pool *p = c->server->pool;
    const svc_catalog *cat = svc_catalog_hold(w);
    pthread_mutex_lock(&p->lock);
    const bx_pack_result *res = NULL;
    svc_station_fail fail;
    size_t issued = 0;
    bool oom = false;
    bx_status st = svc_pool_station_pack(p, cat, &c->server->cfg, c->as, station, order,
                                         opts, &res, &fail);
    bool drawing_failed = false; /* its message is in the worker's context */
    if (st == BX_OK && pictures_doc != NULL) {
        st = pictures(c, order, res, pictures_doc);
        oom = st == BX_EIO;
        drawing_failed = st != BX_OK;
    } else if (st == BX_OK) {
        w->out.len = 0;
        st = c->reply_media == SVC_MEDIA_CBOR
                 ? bx_pack_cbor(w->ctx, order, res, svc_buf_write, &w->out)
                 : bx_pack_json(w->ctx, order, res, svc_buf_write, &w->out);
        /* no answer, no issue */
        oom = st != BX_OK;
        if (st == BX_OK && (st = svc_pool_station_issue(p, &issued)) != BX_OK)
            fail = SVC_STATION_JOURNAL;
    }
    if (st == BX_OK && pictures_doc == NULL)
        count_packed(c->server, res);
    if (st != BX_OK && !oom && drawing_failed)
        svc_reply_status(c, st);
    else if (st != BX_OK && !oom)
        reply_station_error(c, p, st, fail);
    pthread_mutex_unlock(&p->lock);
    svc_catalog_let_go(w);
    if (issued > 0) {
        svc_metrics *m = &c->server->metrics;
        atomic_fetch_add_explicit(&m->pool_issued, issued, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->pool_events, issued, memory_order_relaxed);
    }
    if (oom) {
        out_of_memory(c);
        return;
    }
    if (st == BX_OK && pictures_doc != NULL) {
        svc_reply_doc(c, pictures_doc);
        return;
    }
    if (st == BX_OK) {
        c->status = 200;
        c->content_type = svc_media_name(c->reply_media);
    }
}

void svc_h_pack(svc_call *c)
{
    svc_worker *w = c->worker;
    bx_pack_options opts;
    bx_order order;
    const char *station;
    if (!parse_options(c, &opts) || !station_arg(c, &station) || !decode_order(c, &order))
        return;
    if (station != NULL) {
        pack_at_station(c, station, &order, &opts, NULL);
        return;
    }
    /* The result borrows boxes from the catalog: hold it until written. */
    const svc_catalog *cat = svc_catalog_hold(w);
    const bx_pack_result *res = NULL;
    bool policy_failed = false;
    bx_status st = pack_order(c, cat, &order, &opts, &res, &policy_failed);
    if (st == BX_OK) {
        w->out.len = 0;
        st = c->reply_media == SVC_MEDIA_CBOR
                 ? bx_pack_cbor(w->ctx, &order, res, svc_buf_write, &w->out)
                 : bx_pack_json(w->ctx, &order, res, svc_buf_write, &w->out);
    }
    if (st == BX_OK)
        count_packed(c->server, res);
    svc_catalog_let_go(w);
    if (st == BX_EIO) { /* the answer buffer's only failure */
        out_of_memory(c);
        return;
    }
    if (st != BX_OK) {
        reply_pack_error(c, st, policy_failed);
        return;
    }
    c->status = 200;
    c->content_type = svc_media_name(c->reply_media);
}

void svc_h_pack_svg(svc_call *c)
{
    svc_worker *w = c->worker;
    bx_pack_options opts;
    bx_order order;
    const char *station;
    if (!parse_options(c, &opts) || !station_arg(c, &station) || !decode_order(c, &order))
        return;
    json_t *doc = json_object();
    if (doc == NULL) {
        out_of_memory(c);
        return;
    }
    if (station != NULL) {
        pack_at_station(c, station, &order, &opts, doc);
        json_decref(doc);
        return;
    }
    const svc_catalog *cat = svc_catalog_hold(w);
    const bx_pack_result *res = NULL;
    bool policy_failed = false;
    bx_status st = pack_order(c, cat, &order, &opts, &res, &policy_failed);
    if (st == BX_OK)
        st = pictures(c, &order, res, doc);
    svc_catalog_let_go(w);
    if (st != BX_OK) {
        json_decref(doc);
        if (st == BX_EIO)
            out_of_memory(c);
        else
            reply_pack_error(c, st, policy_failed);
        return;
    }
    svc_reply_doc(c, doc);
    json_decref(doc);
}
