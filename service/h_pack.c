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
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

static const char *const pack_args[] = {"rotation", "objective", "budget", NULL};

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

void svc_h_pack(svc_call *c)
{
    svc_worker *w = c->worker;
    bx_pack_options opts;
    bx_order order;
    if (!parse_options(c, &opts) || !decode_order(c, &order))
        return;
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

/* The pictures as a document: {"order_id": .., "svg": [..]} with null for
 * a box too full to draw (BX_ELIMIT), one entry per box in box_seq order.
 * BX_EIO stands for memory running out in the service's own buffers. */
static bx_status pictures(svc_call *c, const bx_order *order,
                          const bx_pack_result *res, json_t *list)
{
    svc_worker *w = c->worker;
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
        if (item == NULL || json_array_append_new(list, item) != 0)
            return BX_EIO;
    }
    return BX_OK;
}

void svc_h_pack_svg(svc_call *c)
{
    svc_worker *w = c->worker;
    bx_pack_options opts;
    bx_order order;
    if (!parse_options(c, &opts) || !decode_order(c, &order))
        return;
    const svc_catalog *cat = svc_catalog_hold(w);
    const bx_pack_result *res = NULL;
    json_t *doc = json_object(), *list = json_array();
    bx_status st = BX_EIO;
    bool policy_failed = false;
    if (doc != NULL && list != NULL)
        st = pack_order(c, cat, &order, &opts, &res, &policy_failed);
    if (st == BX_OK)
        st = pictures(c, &order, res, list);
    svc_catalog_let_go(w);
    if (st != BX_OK) {
        json_decref(list);
        json_decref(doc);
        if (st == BX_EIO)
            out_of_memory(c);
        else
            reply_pack_error(c, st, policy_failed);
        return;
    }
    json_object_set_new(doc, "order_id", json_string(order.lines[0].order_id));
    json_object_set_new(doc, "svg", list);
    svc_reply_doc(c, doc);
    json_decref(doc);
}
