/*
 * h_pack.c: POST /v1/pack and POST /v1/pack/svg.
 *
 * The body is one order in any order-file encoding (docs/formats.md); the
 * query may set rotation, objective, budget, support, support_share,
 * max_units and max_fill as `boxcar pack` options do. /v1/pack answers with the bytes bx_pack_json or bx_pack_cbor write,
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

static const char *const pack_args[] = {"rotation",  "objective",     "budget",
                                        "support",   "support_share", "max_units",
                                        "max_fill",  "station",       NULL};

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
    if ((v = svc_arg_get(c, "support")) != NULL && bx_support_parse(v, &o->support) != BX_OK) {
        bad_arg(c, "support", "expected stable or none");
        return false;
    }
    /* whole numbers with a range each, as --support-share, --max-units and
     * --max-fill take them */
    static const struct {
        const char *name;
        uint64_t hi;
    } counts[] = {{"support_share", 100}, {"max_units", UINT32_MAX}, {"max_fill", 100}};
    uint32_t *dest[] = {&o->support_pct, &o->max_units_per_box, &o->max_fill_pct};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        uint64_t n;
        if ((v = svc_arg_get(c, counts[i].name)) == NULL)
            continue;
        if (!parse_count(v, &n) || n == 0 || n > counts[i].hi) {
            char why[96];
            snprintf(why, sizeof why, "expected a whole number from 1 to %llu",
                     (unsigned long long)counts[i].hi);
            bad_arg(c, counts[i].name, why);
            return false;
        }
        *dest[i] = (uint32_t)n;
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

/* What a request says beside its order's lines. */
typedef struct order_req {
    json_t *doc;            /* an order object's tree (owned), else NULL */
    const json_t *boxes;    /* its box list (borrowed from doc); NULL: all */
    unsigned char *allowed; /* that list per catalog box (malloc); NULL: all */
} order_req;

static void order_req_free(order_req *r)
{
    json_decref(r->doc);
    free(r->allowed);
    memset(r, 0, sizeof *r);
}

/* A JSON or CBOR body whose item is a map: it may be an order object. */
static bool body_is_map(const svc_call *c)
{
    if (c->body_media == SVC_MEDIA_CBOR)
        return c->body_len > 0 && (c->body[0] & 0xe0) == 0xa0;
    if (c->body_media != SVC_MEDIA_JSON)
        return false;
    for (size_t i = 0; i < c->body_len; i++) {
        unsigned char b = c->body[i];
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n')
            return b == '{';
    }
    return false;
}

/* Decode the body into the worker's order, an order object's box list in
 * req: false (and an error reply) on bad input. A map that is not an
 * order object (one line, or JSON Lines) goes to the order reader as it
 * came. */
static bool decode_order(svc_call *c, bx_order *order, order_req *req)
{
    memset(req, 0, sizeof *req);
    if (body_is_map(c)) {
        char err[256];
        unsigned status;
        /* {"items": [{...}]}: three deep */
        json_t *doc = svc_body_decode(c, 4, err, sizeof err, &status);
        if (doc != NULL && svc_is_order_object(doc)) {
            req->doc = doc;
            svc_buf *text = &c->worker->scratch;
            if (!svc_order_object_lines(c, doc, text, &req->boxes))
                return false;
            return svc_order_read(c, BX_FORMAT_JSON, text->data, text->len, "items",
                                  order);
        }
        json_decref(doc);
    }
    return svc_order_read(c, body_format(c->body_media), c->body, c->body_len, NULL,
                          order);
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

/* A box list picks from the catalog in service; a station packs from the
 * pool's own catalog, so the two do not go together. */
static bool boxes_at_station(svc_call *c, const order_req *req, const char *station)
{
    if (station == NULL || req->boxes == NULL)
        return false;
    bx_location loc = {0};
    loc.field = "boxes";
    svc_reply_error(c, 400, "bad_input", &loc,
                    "request: boxes: a box list cannot be used with ?station (the "
                    "station packs from the containers ready there)");
    return true;
}

/* Pack one order and encode its answer into the worker's buffer, as
 * /v1/pack answers it (the batch writes the same answer per order). The
 * result borrows boxes from cat: the caller holds it until written.
 * BX_EIO is the answer buffer's only failure. */
static bx_status pack_answer(svc_call *c, const svc_catalog *cat, const bx_order *order,
                             const bx_pack_options *opts, bool *policy_failed)
{
    svc_worker *w = c->worker;
    const bx_pack_result *res = NULL;
    bx_status st = pack_order(c, cat, order, opts, &res, policy_failed);
    if (st != BX_OK)
        return st;
    w->out.len = 0;
    st = c->reply_media == SVC_MEDIA_CBOR
             ? bx_pack_cbor(w->ctx, order, res, svc_buf_write, &w->out)
             : bx_pack_json(w->ctx, order, res, svc_buf_write, &w->out);
    if (st == BX_OK)
        count_packed(c->server, res);
    return st;
}

void svc_h_pack(svc_call *c)
{
    svc_worker *w = c->worker;
    bx_pack_options opts;
    bx_order order;
    const char *station;
    order_req req;
    if (!parse_options(c, &opts) || !station_arg(c, &station))
        return;
    if (!decode_order(c, &order, &req) || boxes_at_station(c, &req, station)) {
        order_req_free(&req);
        return;
    }
    if (station != NULL) {
        pack_at_station(c, station, &order, &opts, NULL);
        order_req_free(&req);
        return;
    }
    /* The result borrows boxes from the catalog: hold it until written. */
    const svc_catalog *cat = svc_catalog_hold(w);
    bool policy_failed = false;
    if (!svc_boxes_allowed(c, cat->cat, req.boxes, &req.allowed)) {
        svc_catalog_let_go(w);
        order_req_free(&req);
        return;
    }
    opts.box_allowed = req.allowed;
    bx_status st = pack_answer(c, cat, &order, &opts, &policy_failed);
    svc_catalog_let_go(w);
    order_req_free(&req);
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
    order_req req;
    if (!parse_options(c, &opts) || !station_arg(c, &station))
        return;
    if (!decode_order(c, &order, &req) || boxes_at_station(c, &req, station)) {
        order_req_free(&req);
        return;
    }
    json_t *doc = json_object();
    if (doc == NULL) {
        order_req_free(&req);
        out_of_memory(c);
        return;
    }
    if (station != NULL) {
        pack_at_station(c, station, &order, &opts, doc);
        json_decref(doc);
        order_req_free(&req);
        return;
    }
    const svc_catalog *cat = svc_catalog_hold(w);
    const bx_pack_result *res = NULL;
    bool policy_failed = false;
    if (!svc_boxes_allowed(c, cat->cat, req.boxes, &req.allowed)) {
        svc_catalog_let_go(w);
        order_req_free(&req);
        json_decref(doc);
        return;
    }
    opts.box_allowed = req.allowed;
    bx_status st = pack_order(c, cat, &order, &opts, &res, &policy_failed);
    if (st == BX_OK)
        st = pictures(c, &order, res, doc);
    svc_catalog_let_go(w);
    order_req_free(&req);
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

/* ---- POST /v1/pack/batch ---------------------------------------------------- */

#define BATCH_MAX_ORDERS 1000

static const char *const batch_keys[] = {"orders", "boxes", NULL};

/* One order of a batch, answered in w->out exactly as /v1/pack would
 * answer it alone (its result, or its error document): false only when
 * memory ran out for the answer. */
static bool batch_order(svc_call *c, const svc_catalog *cat, const json_t *ord,
                        size_t index, const json_t *shared_boxes,
                        const bx_pack_options *opts)
{
    svc_worker *w = c->worker;
    svc_buf *text = &w->scratch;
    const json_t *boxes = shared_boxes;
    const char *list;
    text->len = 0;
    if (svc_is_order_object(ord)) {
        const json_t *own = NULL;
        if (!svc_order_object_lines(c, ord, text, &own))
            return c->fixed_body == NULL;
        if (own != NULL)
            boxes = own;
        list = "items";
    } else if (json_is_array(ord)) {
        char *dump = json_dumps(ord, JSON_COMPACT | JSON_ENSURE_ASCII);
        int rc = dump != NULL ? svc_buf_puts(text, dump) : -1;
        free(dump);
        if (rc != 0)
            return false;
        list = "lines";
    } else {
        bx_location loc = {0};
        loc.field = "orders";
        loc.record = index + 1;
        svc_reply_error(c, 400, "bad_input", &loc,
                        "request: orders[%zu]: an order is an order object "
                        "{\"order_id\", \"items\"} or an array of order lines", index);
        return c->fixed_body == NULL;
    }
    bx_order order;
    if (!svc_order_read(c, BX_FORMAT_JSON, text->data, text->len, list, &order))
        return c->fixed_body == NULL;
    unsigned char *allowed = NULL;
    if (!svc_boxes_allowed(c, cat->cat, boxes, &allowed))
        return c->fixed_body == NULL;
    bx_pack_options o = *opts;
    o.box_allowed = allowed;
    bool policy_failed = false;
    bx_status st = pack_answer(c, cat, &order, &o, &policy_failed);
    free(allowed);
    if (st == BX_EIO)
        return false;
    if (st != BX_OK)
        reply_pack_error(c, st, policy_failed);
    return c->fixed_body == NULL;
}

/* The batch's orders, or NULL with an error reply. */
static const json_t *batch_orders(svc_call *c, const json_t *doc)
{
    bx_location loc = {0};
    if (!json_is_object(doc)) {
        svc_reply_error(c, 400, "bad_input", NULL,
                        "request: a batch is an object {\"orders\": [...], \"boxes\": [...]}");
        return NULL;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)doc, key, v) {
        bool ok = false;
        for (size_t i = 0; batch_keys[i] != NULL && !ok; i++)
            ok = strcmp(batch_keys[i], key) == 0;
        if (!ok) {
            char name[72];
            size_t n = 0;
            for (; key[n] != '\0' && n < 64; n++)
                name[n] = key[n] >= 0x20 && key[n] < 0x7f ? key[n] : '?';
            name[n] = '\0';
            loc.field = name;
            svc_reply_error(c, 400, "bad_input", &loc,
                            "request: a batch has no key '%s' (its keys are orders "
                            "and boxes)", name);
            return NULL;
        }
    }
    const json_t *orders = json_object_get(doc, "orders");
    loc.field = "orders";
    if (!json_is_array(orders) || json_array_size(orders) == 0) {
        svc_reply_error(c, 400, "bad_input", &loc,
                        "request: orders must be an array of at least one order");
        return NULL;
    }
    if (json_array_size(orders) > BATCH_MAX_ORDERS) {
        svc_reply_error(c, 413, "limit", &loc,
                        "request: %zu orders: at most %d in one batch",
                        json_array_size(orders), BATCH_MAX_ORDERS);
        return NULL;
    }
    return orders;
}

/* Several orders in one request, each packed on its own: the answer is
 * {"results": [..]}, results[i] what /v1/pack answers for orders[i] alone
 * (its packing result, or its error document, which leaves the others
 * packed). */
void svc_h_pack_batch(svc_call *c)
{
    svc_worker *w = c->worker;
    bx_pack_options opts;
    if (!parse_options(c, &opts))
        return;
    if (svc_arg_get(c, "station") != NULL) {
        bad_arg(c, "station", "a batch is not packed at a station; send its orders "
                              "one by one to /v1/pack?station=S");
        return;
    }
    if (c->body_media != SVC_MEDIA_JSON && c->body_media != SVC_MEDIA_CBOR) {
        svc_reply_error(c, 415, "unsupported_media_type", NULL,
                        "a batch is JSON or CBOR: {\"orders\": [...]}");
        return;
    }
    char err[256];
    unsigned status;
    /* {"orders": [{"items": [{...}]}]}: four deep */
    json_t *doc = svc_body_decode(c, 5, err, sizeof err, &status);
    if (doc == NULL) {
        svc_reply_error(c, status, status == 413 ? "limit" : "bad_input", NULL, "%s", err);
        return;
    }
    const json_t *orders = batch_orders(c, doc);
    if (orders == NULL) {
        json_decref(doc);
        return;
    }
    svc_buf all = {0};
    size_t n = json_array_size(orders);
    bool json = c->reply_media != SVC_MEDIA_CBOR;
    /* CBOR: map(1) "results" array(n), the array's head in its shortest
     * form (n <= BATCH_MAX_ORDERS < 2^16) */
    unsigned char head[12] = {0xa1, 0x67, 'r', 'e', 's', 'u', 'l', 't', 's'};
    size_t head_len = 9;
    if (n < 24) {
        head[head_len++] = (unsigned char)(0x80 + n);
    } else if (n < 256) {
        head[head_len++] = 0x98;
        head[head_len++] = (unsigned char)n;
    } else {
        head[head_len++] = 0x99;
        head[head_len++] = (unsigned char)(n >> 8);
        head[head_len++] = (unsigned char)n;
    }
    bool ok = json ? svc_buf_puts(&all, "{\"results\":[") == 0
                   : svc_buf_put(&all, head, head_len) == 0;
    const svc_catalog *cat = svc_catalog_hold(w);
    const json_t *boxes = json_object_get(doc, "boxes");
    for (size_t i = 0; i < n && ok; i++) {
        ok = batch_order(c, cat, json_array_get(orders, i), i, boxes, &opts);
        size_t len = w->out.len;
        if (ok && json && len > 0 && w->out.data[len - 1] == '\n')
            len--;
        ok = ok && (!json || i == 0 || svc_buf_puts(&all, ",") == 0) &&
             svc_buf_put(&all, w->out.data, len) == 0;
    }
    svc_catalog_let_go(w);
    json_decref(doc);
    if (ok && json)
        ok = svc_buf_puts(&all, "]}\n") == 0;
    w->out.len = 0;
    c->fixed_body = NULL;
    if (!ok || svc_buf_put(&w->out, all.data, all.len) != 0) {
        svc_buf_free(&all);
        out_of_memory(c);
        return;
    }
    svc_buf_free(&all);
    c->status = 200;
    c->content_type = svc_media_name(c->reply_media);
}
