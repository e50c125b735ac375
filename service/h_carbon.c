/*
 * h_carbon.c: POST /v1/carbon: emissions of a batch of shipments.
 *
 * The body is the shipments (a JSON array of objects, or an object whose
 * "shipments" is one; the same in CBOR; or the shipment CSV itself). They
 * go through the library as `boxcar carbon` sends a file: the shipment
 * reader (over the body itself, or over the array alone when it came
 * inside an object), then the worker's calculator, one at a time, into a row writer
 * and totals. The answer holds those writers' bytes unchanged, so every
 * figure is the CLI's:
 *
 *   {"shipments":[<the rows of `boxcar carbon --format json`>],
 *    "totals":[<the rows of every group, as `--by G --format json`>],
 *    "excluded":N,"errors":[{"record"|"line":..,"field":..,"message":..}]}
 *
 * in CBOR a map of the same four keys (core deterministic order) whose
 * arrays hold the CLI's CBOR maps. A bad shipment is left out and listed,
 * as the CLI does; with ?strict=true the first one fails the request (422)
 * as --strict does, and nothing else is answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "boxcar/carbon_io.h"
#include "svc.h"

#define ERRORS_LISTED 100

static const char *const carbon_args[] = {"strict", NULL};

typedef struct carbon_run {
    svc_call *c;
    bool strict, from_tree;  /* from_tree: JSON/CBOR, whose errors name records */
    bx_carbon *calc;
    bx_carbon_totals *totals;
    bx_carbon_writer *writer;
    svc_buf rows, totals_out;
    json_t *errors;
    uint64_t computed, excluded;
} carbon_run;

/* The message without the reader's location ("request:LINE:COL: " for
 * JSON, "request record N (byte B): " for CBOR) for JSON and CBOR bodies,
 * whose errors name the record instead. */
static const char *own_message(const carbon_run *r, const char *msg)
{
    if (!r->from_tree || strncmp(msg, "request:", 8) != 0)
        return msg;
    const char *p = msg + 8;
    if (*p >= '0' && *p <= '9') {
        while ((*p >= '0' && *p <= '9') || *p == ':')
            p++;
        return *p == ' ' ? p + 1 : msg;
    }
    if (strncmp(p, " record ", 8) == 0) {
        p = strstr(p, ": ");
        return p != NULL ? p + 2 : msg;
    }
    return msg;
}

/* One bad shipment, the `record`-th read: listed (up to ERRORS_LISTED), or
 * with strict the request's answer. false when the run stops. */
static bool bad_row(carbon_run *r, uint64_t record)
{
    bx_ctx *ctx = r->c->worker->ctx;
    bx_location loc = bx_ctx_errloc(ctx);
    const char *msg = own_message(r, bx_ctx_errmsg(ctx));
    r->excluded++;
    if (r->from_tree) {
        /* the shipment's position in the array (the calculator's errors
         * know its line, not its record) */
        loc.record = record;
        loc.line = 0;
        loc.column = 0;
        loc.offset = 0;
    }
    if (r->strict) {
        svc_reply_error(r->c, 422, "bad_row", &loc, "%s (strict: nothing computed)", msg);
        return false;
    }
    if (json_array_size(r->errors) >= ERRORS_LISTED)
        return true;
    json_t *e = json_object();
    if (e == NULL)
        return true;
    if (r->from_tree)
        json_object_set_new(e, "record", json_integer((json_int_t)loc.record));
    else
        json_object_set_new(e, "line", json_integer((json_int_t)loc.line));
    if (loc.field != NULL)
        json_object_set_new(e, "field", json_string(loc.field));
    json_t *m = json_string(msg);
    json_object_set_new(e, "message", m != NULL ? m : json_string("(not UTF-8)"));
    json_array_append_new(r->errors, e);
    return true;
}

/* Read, compute, write: BX_OK, or a status with the reply already made
 * (*answered) or still to make from the context. */
static bx_status compute_all(carbon_run *r, const void *csv, size_t len, bool *answered)
{
    svc_worker *w = r->c->worker;
    const svc_config *cfg = &r->c->server->cfg;
    bx_shipment_reader *rd = NULL;
    bx_status st = bx_shipment_reader_open_mem(w->ctx, &rd, "request", csv, len);
    if (st == BX_EINPUT) {
        /* a header the reader cannot use: the body's fault as a whole */
        svc_reply_status(r->c, st);
        *answered = true;
        return st;
    }
    uint64_t read = 0;
    while (st == BX_OK) {
        bx_shipment s;
        bx_carbon_result res;
        st = bx_shipment_reader_next(rd, &s);
        if (st == BX_END) {
            st = BX_OK;
            break;
        }
        if (++read > cfg->max_shipments) {
            svc_reply_error(r->c, 413, "limit", NULL,
                            "more than %llu shipments in one request (--max-shipments)",
                            (unsigned long long)cfg->max_shipments);
            *answered = true;
            st = BX_ELIMIT;
            break;
        }
        if (st == BX_OK)
            st = bx_carbon_compute(r->calc, &s, &res);
        if (st == BX_EINPUT) {
            st = BX_OK;
            if (!bad_row(r, read)) {
                *answered = true;
                st = BX_EINPUT;
            }
            continue;
        }
        if (st == BX_OK)
            st = bx_carbon_totals_add(r->totals, &s, &res);
        if (st == BX_OK)
            st = bx_carbon_writer_put(r->writer, &s, &res, NULL);
        r->computed += st == BX_OK;
    }
    bx_shipment_reader_close(rd);
    if (st == BX_OK)
        st = bx_carbon_writer_finish(r->writer);
    if (st == BX_OK) {
        bx_carbon_totals_exclude(r->totals, r->excluded);
        st = r->c->reply_media == SVC_MEDIA_CBOR
                 ? bx_carbon_totals_write_cbor(r->totals, BX_BY_COUNT, svc_buf_write,
                                               &r->totals_out)
                 : bx_carbon_totals_write_json(r->totals, BX_BY_COUNT, svc_buf_write,
                                               &r->totals_out);
    }
    return st;
}

/* JSON Lines as the items of a JSON array: the newlines become commas. */
static int put_lines(svc_buf *out, const svc_buf *lines)
{
    int rc = svc_buf_puts(out, "[");
    for (size_t i = 0; i < lines->len && rc == 0; i++) {
        unsigned char ch = lines->data[i];
        if (ch == '\n' && i + 1 == lines->len)
            break;
        rc = svc_buf_put(out, ch == '\n' ? "," : (const char *)&ch, 1);
    }
    return rc == 0 ? svc_buf_puts(out, "]") : rc;
}

static int put_cbor_head(svc_buf *out, size_t (*enc)(size_t, unsigned char *, size_t),
                         size_t n)
{
    unsigned char head[9];
    size_t k = enc(n, head, sizeof head);
    return k == 0 ? -1 : svc_buf_put(out, head, k);
}

static int put_cbor_key(svc_buf *out, const char *key)
{
    int rc = put_cbor_head(out, cbor_encode_string_start, strlen(key));
    return rc == 0 ? svc_buf_puts(out, key) : rc;
}

static size_t totals_rows(bx_carbon_totals *t)
{
    size_t n = 0;
    for (int g = 0; g < BX_BY_COUNT; g++)
        n += bx_carbon_totals_count(t, (bx_totals_group)g);
    return n;
}

static int assemble(carbon_run *r, svc_buf *out)
{
    out->len = 0;
    int rc;
    if (r->c->reply_media == SVC_MEDIA_CBOR) {
        /* keys shorter first, then bytewise: errors, totals, excluded,
         * shipments */
        unsigned char num[9];
        size_t k = cbor_encode_uint(r->excluded, num, sizeof num);
        rc = put_cbor_head(out, cbor_encode_map_start, 4);
        if (rc == 0)
            rc = put_cbor_key(out, "errors");
        if (rc == 0)
            rc = svc_doc_encode(r->errors, SVC_MEDIA_CBOR, out);
        if (rc == 0)
            rc = put_cbor_key(out, "totals");
        if (rc == 0)
            rc = put_cbor_head(out, cbor_encode_array_start, totals_rows(r->totals));
        if (rc == 0)
            rc = svc_buf_put(out, r->totals_out.data, r->totals_out.len);
        if (rc == 0)
            rc = put_cbor_key(out, "excluded");
        if (rc == 0)
            rc = k == 0 ? -1 : svc_buf_put(out, num, k);
        if (rc == 0)
            rc = put_cbor_key(out, "shipments");
        if (rc == 0)
            rc = put_cbor_head(out, cbor_encode_array_start, (size_t)r->computed);
        if (rc == 0)
            rc = svc_buf_put(out, r->rows.data, r->rows.len);
        return rc;
    }
    rc = svc_buf_puts(out, "{\"shipments\":");
    if (rc == 0)
        rc = put_lines(out, &r->rows);
    if (rc == 0)
        rc = svc_buf_puts(out, ",\"totals\":");
    if (rc == 0)
        rc = put_lines(out, &r->totals_out);
    if (rc == 0)
        rc = svc_buf_printf(out, ",\"excluded\":%llu,\"errors\":",
                            (unsigned long long)r->excluded);
    if (rc == 0) {
        /* svc_doc_encode ends the document with a newline: the array goes
         * in without it */
        rc = svc_doc_encode(r->errors, SVC_MEDIA_JSON, out);
        if (rc == 0)
            out->len--;
    }
    if (rc == 0)
        rc = svc_buf_puts(out, "}\n");
    return rc;
}

/* The shipments for the reader: the body itself, or the array it holds
 * encoded alone (in the body's media) into *list_out. */
static bool body_rows(svc_call *c, svc_buf *list_out, carbon_run *r, const void **data,
                      size_t *len)
{
    *data = c->body;
    *len = c->body_len;
    if (c->body_media == SVC_MEDIA_CSV)
        return true;
    r->from_tree = true;
    char err[256];
    /* [{...}] or {"shipments":[{...}]}: nothing nests deeper */
    unsigned status;
    json_t *doc = svc_body_decode(c, 3, err, sizeof err, &status);
    if (doc == NULL) {
        svc_reply_error(c, status, status == 413 ? "limit" : "bad_input", NULL, "%s", err);
        return false;
    }
    json_t *list = doc;
    if (json_is_object(doc)) {
        list = json_object_get(doc, "shipments");
        if (list == NULL || json_object_size(doc) != 1) {
            json_decref(doc);
            bx_location loc = {0};
            loc.field = "shipments";
            svc_reply_error(c, 400, "bad_input", &loc,
                            "the body is an array of shipments, or an object "
                            "with the one key \"shipments\"");
            return false;
        }
    }
    bool ok = true;
    if (!json_is_array(list)) {
        svc_reply_error(c, 400, "bad_input", NULL, "the shipments must be an array");
        ok = false;
    } else if (json_array_size(list) > c->server->cfg.max_shipments) {
        svc_reply_error(c, 413, "limit", NULL,
                        "%zu shipments; at most %llu in one request (--max-shipments)",
                        json_array_size(list),
                        (unsigned long long)c->server->cfg.max_shipments);
        ok = false;
    } else {
        ok = svc_shipments_check(c, list);
    }
    if (ok && list != doc) {
        if (svc_doc_encode(list, c->body_media, list_out) != 0) {
            svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
            ok = false;
        }
        *data = list_out->data;
        *len = list_out->len;
    }
    json_decref(doc);
    return ok;
}

static bool parse_strict(svc_call *c, bool *strict)
{
    if (!svc_args_check(c, carbon_args))
        return false;
    const char *v = svc_arg_get(c, "strict");
    *strict = false;
    if (v == NULL)
        return true;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "") == 0) {
        *strict = true;
        return true;
    }
    if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        return true;
    bx_location loc = {0};
    loc.field = "strict";
    svc_reply_error(c, 400, "bad_parameter", &loc,
                    "query argument 'strict': expected true or false");
    return false;
}

void svc_h_carbon(svc_call *c)
{
    svc_worker *w = c->worker;
    carbon_run r;
    memset(&r, 0, sizeof r);
    r.c = c;
    svc_buf list = {0};
    const void *body = NULL;
    size_t len = 0;
    if (!parse_strict(c, &r.strict) || !body_rows(c, &list, &r, &body, &len)) {
        svc_buf_free(&list);
        return;
    }
    bx_ctx_clear_error(w->ctx);
    if (bx_ctx_warning_count(w->ctx) > 0)
        bx_ctx_clear_warnings(w->ctx);
    const svc_catalog *cat = svc_catalog_hold(w);
    bool answered = false;
    bx_status st = BX_OK;
    if (cat->routes == NULL) {
        svc_reply_error(c, 404, "not_configured", NULL,
                        "this server computes no carbon: start it with --routes FILE "
                        "(and --factors SET)");
        answered = true;
        st = BX_ENOTFOUND;
    }
    if (st == BX_OK)
        st = svc_worker_carbon(w, cat, &r.calc);
    bx_factor_set_info info;
    memset(&info, 0, sizeof info);
    if (st == BX_OK) {
        info = bx_factor_set_info_get(cat->factors);
        st = bx_carbon_totals_new(w->ctx, &r.totals, info.id, info.version);
    }
    if (st == BX_OK)
        st = bx_carbon_writer_new(w->ctx, &r.writer,
                                  c->reply_media == SVC_MEDIA_CBOR ? BX_CARBON_CBOR
                                                                   : BX_CARBON_JSON,
                                  info.id, info.version, false, svc_buf_write, &r.rows);
    if (st == BX_OK && (r.errors = json_array()) == NULL)
        st = BX_ENOMEM;
    if (st == BX_OK)
        st = compute_all(&r, body != NULL ? body : "", len, &answered);
    svc_catalog_let_go(w);
    if (st == BX_OK && assemble(&r, &w->out) != 0)
        st = BX_EIO;
    if (st == BX_OK) {
        c->status = 200;
        c->content_type = svc_media_name(c->reply_media);
        atomic_fetch_add_explicit(&c->server->metrics.carbon_shipments, r.computed,
                                  memory_order_relaxed);
        atomic_fetch_add_explicit(&c->server->metrics.carbon_excluded, r.excluded,
                                  memory_order_relaxed);
    } else if (!answered) {
        if (st == BX_EIO)
            svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory for the answer");
        else
            svc_reply_status(c, st);
    }
    json_decref(r.errors);
    bx_carbon_writer_free(r.writer);
    bx_carbon_totals_free(r.totals);
    svc_buf_free(&r.rows);
    svc_buf_free(&r.totals_out);
    svc_buf_free(&list);
}
