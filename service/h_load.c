/*
 * h_load.c: POST /v1/load: a loading plan for parcels and vehicles.
 *
 * The body is an object {"parcels":[...],"vehicles":[...]} in JSON or
 * CBOR, each array's objects keyed by the columns of the parcels file and
 * the vehicle catalog (docs/formats.md). Each array goes through the
 * library's own readers (as CBOR rows), so a bad value is refused with
 * the same message as from a file, naming the array, the record and its
 * id. The answer holds the bytes bx_load_write writes
 * for `boxcar load --format json|cbor`. Instead of "parcels", "packed"
 * may hold packing results (POST /v1/pack's answers), each box a parcel.
 * Query: budget (work per vehicle tried, at most the default budget),
 * support (full|none), stop (the stop of packed orders without one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

static const char *const load_args[] = {"budget", "support", "stop", NULL};

static void bad(svc_call *c, const char *field, const char *why)
{
    bx_location loc = {0};
    loc.field = field;
    svc_reply_error(c, 400, "bad_input", &loc, "%s", why);
}

static bool options(svc_call *c, bx_load_options *o)
{
    bx_load_options_init(o);
    if (!svc_args_check(c, load_args))
        return false;
    const char *v = svc_arg_get(c, "support");
    if (v) {
        if (!strcmp(v, "full"))
            o->support = BX_LOAD_SUPPORT_FULL;
        else if (!strcmp(v, "none"))
            o->support = BX_LOAD_SUPPORT_NONE;
        else {
            bad(c, "support", "query argument 'support': expected full or none");
            return false;
        }
    }
    if ((v = svc_arg_get(c, "budget")) != NULL) {
        char *end;
        unsigned long long b = strtoull(v, &end, 10);
        uint64_t cap = BX_LOAD_DEFAULT_BUDGET;
        if (*v < '0' || *v > '9' || *end || b == 0 || b > cap) {
            bad(c, "budget", "query argument 'budget': expected 1 .. the default budget");
            return false;
        }
        o->budget = b;
    }
    return true;
}

/* Read array `key` of doc with reader `read` into *in; false after a
 * reply. The array goes to the reader as CBOR, so a bad value is named
 * by its record (1 = the array's first object), not by a line and column
 * of text the client never sent; the reply adds the record's id (or kind)
 * when it has one. */
static bool read_array(svc_call *c, const json_t *doc, const char *key, const char *id_key,
                       bx_status (*read)(bx_ctx *, const char *, const void *, size_t, bx_load_input *),
                       bx_load_input *in)
{
    const json_t *a = json_object_get(doc, key);
    if (!json_is_array(a)) {
        bad(c, key, "the body needs an array of objects under this key");
        return false;
    }
    svc_buf cbor = {0};
    if (svc_doc_encode(a, SVC_MEDIA_CBOR, &cbor) != 0) {
        svc_buf_free(&cbor);
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return false;
    }
    bx_status st = read(c->worker->ctx, key, cbor.data, cbor.len, in);
    svc_buf_free(&cbor);
    if (st == BX_EINPUT) {
        /* the byte offset is into the CBOR made here: left out */
        bx_location loc = bx_ctx_errloc(c->worker->ctx);
        loc.offset = 0;
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", bx_ctx_errmsg(c->worker->ctx));
        char *b = strstr(msg, " (byte ");
        char *e = b ? strchr(b, ')') : NULL;
        if (e)
            memmove(b, e + 1, strlen(e + 1) + 1);
        const json_t *rec = loc.record > 0 ? json_array_get(a, (size_t)(loc.record - 1)) : NULL;
        const json_t *id = json_object_get(rec, id_key);
        if (json_is_string(id))
            svc_reply_error(c, 400, "bad_input", &loc, "%s (%s '%s')", msg, id_key, json_string_value(id));
        else
            svc_reply_error(c, 400, "bad_input", &loc, "%s", msg);
        return false;
    }
    if (st != BX_OK) {
        svc_reply_status(c, st);
        return false;
    }
    return true;
}

/* The orders of POST /v1/pack's answers (or boxcar pack's JSON lines)
 * under "packed": each box a parcel, through the library's reader of
 * packing results (as a CBOR sequence, so errors name the record). */
static bool read_packed(svc_call *c, const json_t *doc, uint32_t stop, bx_load_input *in)
{
    const json_t *a = json_object_get(doc, "packed");
    if (!json_is_array(a)) {
        bad(c, "packed", "the body needs an array of packing results under this key");
        return false;
    }
    svc_buf cbor = {0};
    for (size_t i = 0; i < json_array_size(a); i++)
        if (!json_is_object(json_array_get(a, i)) || svc_doc_encode(json_array_get(a, i), SVC_MEDIA_CBOR, &cbor)) {
            svc_buf_free(&cbor);
            if (json_is_object(json_array_get(a, i)))
                svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
            else {
                bx_location loc = {0};
                loc.record = i + 1;
                loc.field = "packed";
                svc_reply_error(c, 400, "bad_input", &loc, "packed: record %zu: not an object", i + 1);
            }
            return false;
        }
    bx_status st = bx_load_read_packed_mem(c->worker->ctx, "packed", cbor.data ? (const void *)cbor.data : "",
                                           cbor.len, stop, in);
    svc_buf_free(&cbor);
    if (st != BX_OK) {
        svc_reply_status(c, st);
        return false;
    }
    return true;
}

void svc_h_load(svc_call *c)
{
    svc_worker *w = c->worker;
    bx_load_options o;
    if (!options(c, &o))
        return;
    char err[256];
    unsigned status;
    uint32_t stop = 0;
    const char *sv = svc_arg_get(c, "stop");
    if (sv) {
        char *end;
        unsigned long x = strtoul(sv, &end, 10);
        if (*sv < '0' || *sv > '9' || *end || x > 1000000) {
            bad(c, "stop", "query argument 'stop': expected 0 .. 1000000");
            return;
        }
        stop = (uint32_t)x;
    }
    /* deep enough for packing results: body, packed, order, boxes, box,
     * placements, placement */
    json_t *doc = svc_body_decode(c, 7, err, sizeof err, &status);
    if (!doc) {
        svc_reply_error(c, status, status == 413 ? "limit" : "bad_input", NULL, "%s", err);
        return;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        bad(c, NULL, "the body must be an object with \"parcels\" and \"vehicles\"");
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(doc, key, val)
    {
        if (strcmp(key, "parcels") && strcmp(key, "packed") && strcmp(key, "vehicles")) {
            json_decref(doc);
            bad(c, key, "unknown key (expected parcels or packed, and vehicles)");
            return;
        }
    }
    bool packed = json_object_get(doc, "packed") != NULL;
    if (sv && !packed) {
        json_decref(doc);
        bad(c, "stop", "query argument 'stop' goes with \"packed\"");
        return;
    }
    if (packed && json_object_get(doc, "parcels")) {
        json_decref(doc);
        bad(c, "packed", "give parcels or packed, not both");
        return;
    }
    bx_load_input pin = {0}, vin = {0};
    bx_load_plan plan = {0};
    bool ok = (packed ? read_packed(c, doc, stop, &pin)
                      : read_array(c, doc, "parcels", "id", bx_load_read_parcels_mem, &pin)) &&
              read_array(c, doc, "vehicles", "kind", bx_load_read_vehicles_mem, &vin);
    json_decref(doc);
    if (ok) {
        bx_status st = bx_load_plan_make(w->ctx, pin.parcels, pin.nparcels, vin.vehicles, vin.nvehicles,
                                         &o, &plan);
        if (st == BX_OK) {
            w->out.len = 0;
            st = bx_load_write(w->ctx, c->reply_media == SVC_MEDIA_CBOR ? BX_PACK_CBOR : BX_PACK_JSON,
                               pin.parcels, pin.nparcels, vin.vehicles, vin.nvehicles, &plan,
                               svc_buf_write, &w->out);
        }
        if (st == BX_OK) {
            c->status = 200;
            c->content_type = svc_media_name(c->reply_media);
        } else
            svc_reply_status(c, st);
    }
    bx_load_plan_free(w->ctx, &plan);
    bx_load_input_free(w->ctx, &pin);
    bx_load_input_free(w->ctx, &vin);
}
