/*
 * fuzz_service_body.c: libFuzzer target for the service's body decoders
 * (service/body.c: JSON, and CBOR read item head by item head into a
 * tree), for shipments in a body (service/shipments_body.c's shape
 * check, then the library's shipment reader over the array as JSON and as
 * CBOR), and for order objects ({"order_id", "items"}, alone or in a
 * batch's "orders") turned into order lines (service/order_body.c), which
 * the library's order decoder then reads. The first byte picks the
 * encoding; the rest is the body.
 *
 * Properties, beyond no crash, leak or sanitizer report:
 *   - a tree decoded from CBOR, encoded again as CBOR, decodes to an equal
 *     tree;
 *   - shipments that pass the shape check are read as one record each (good
 *     or bad), from JSON and from CBOR alike, with the same ones good;
 *   - an order object that transcodes gives one line per item: the order
 *     decoder reads them all as one order, or names an item in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reply functions of routes.c, which the fuzzed files call to refuse
 * a body: here they only record that an answer was made. */
void svc_reply_error(svc_call *c, unsigned status, const char *code,
                     const bx_location *loc, const char *fmt, ...)
{
    (void)code, (void)loc, (void)fmt;
    c->status = status;
}

void svc_reply_status(svc_call *c, bx_status st)
{
    (void)st;
    c->status = 400;
}

static json_t *decode(svc_media media, const void *body, size_t len)
{
    svc_call c;
    memset(&c, 0, sizeof c);
    c.body = body;
    c.body_len = len;
    c.body_media = media;
    char err[256];
    unsigned status;
    json_t *doc = svc_body_decode(&c, 5, err, sizeof err, &status);
    if (doc == NULL && status != 400 && status != 413)
        __builtin_trap();
    return doc;
}

static void cbor_round_trip(const json_t *doc)
{
    svc_buf enc = {0};
    if (svc_doc_encode(doc, SVC_MEDIA_CBOR, &enc) == 0) {
        json_t *again = decode(SVC_MEDIA_CBOR, enc.data, enc.len);
        if (again == NULL || !json_equal(doc, again))
            __builtin_trap();
        json_decref(again);
    }
    svc_buf_free(&enc);
}

/* Read shipments with the library's reader: how many records it saw (good
 * and bad), and how many were good; false if reading stopped early. */
static bool read_rows(const void *data, size_t len, uint64_t *rows, uint64_t *good)
{
    bx_ctx *ctx = NULL;
    bx_shipment_reader *r = NULL;
    bool ended = false;
    *rows = *good = 0;
    if (bx_ctx_new(&ctx, NULL, NULL) == BX_OK &&
        bx_shipment_reader_open_mem(ctx, &r, "request", data, len) == BX_OK) {
        bx_shipment s;
        bx_status st;
        while ((st = bx_shipment_reader_next(r, &s)) == BX_OK || st == BX_EINPUT)
            *good += st == BX_OK;
        ended = st == BX_END;
        *rows = bx_shipment_reader_rows(r);
    }
    bx_shipment_reader_close(r);
    bx_ctx_free(ctx);
    return ended;
}

static void shipments(const json_t *doc)
{
    const json_t *list = json_is_object(doc) ? json_object_get(doc, "shipments") : doc;
    if (!json_is_array(list))
        return;
    svc_call c;
    memset(&c, 0, sizeof c);
    if (!svc_shipments_check(&c, list)) {
        if (c.status == 0)
            __builtin_trap(); /* a refusal always answers */
        return;
    }
    /* as the service hands them over: the array alone, in either media;
     * one record per shipment, and the same ones good in both */
    svc_buf json = {0}, cbor = {0};
    uint64_t rows_j, good_j, rows_c, good_c;
    if (svc_doc_encode(list, SVC_MEDIA_JSON, &json) == 0 &&
        svc_doc_encode(list, SVC_MEDIA_CBOR, &cbor) == 0) {
        bool ended_j = read_rows(json.data, json.len, &rows_j, &good_j);
        bool ended_c = read_rows(cbor.data, cbor.len, &rows_c, &good_c);
        if (ended_j && rows_j != json_array_size(list))
            __builtin_trap();
        if (ended_c && rows_c != json_array_size(list))
            __builtin_trap();
        if (ended_j && ended_c && good_j != good_c)
            __builtin_trap();
    }
    svc_buf_free(&json);
    svc_buf_free(&cbor);
}

static void order_object(const json_t *obj)
{
    if (!svc_is_order_object(obj))
        return;
    svc_call c;
    memset(&c, 0, sizeof c);
    svc_buf lines = {0};
    const json_t *boxes = NULL;
    if (svc_order_object_lines(&c, obj, &lines, &boxes)) {
        size_t n = json_array_size(json_object_get(obj, "items"));
        bx_ctx *ctx = NULL;
        bx_order_buf buf = {0};
        if (bx_ctx_new(&ctx, NULL, NULL) == BX_OK) {
            bx_status st = bx_order_decode(ctx, &buf, BX_FORMAT_JSON, "request", lines.data,
                                           lines.len, NULL);
            if (st == BX_OK && buf.nlines != n)
                __builtin_trap();
            bx_location loc = bx_ctx_errloc(ctx);
            if (st == BX_EINPUT && loc.record > n)
                __builtin_trap();
            bx_order_buf_free(ctx, &buf);
        }
        bx_ctx_free(ctx);
    } else if (c.status == 0) {
        __builtin_trap(); /* a refusal always answers */
    }
    svc_buf_free(&lines);
}

static void orders(const json_t *doc)
{
    order_object(doc);
    const json_t *list = json_is_object(doc) ? json_object_get(doc, "orders") : NULL;
    for (size_t i = 0; i < json_array_size(list); i++)
        order_object(json_array_get(list, i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    svc_media media = data[0] & 1 ? SVC_MEDIA_CBOR : SVC_MEDIA_JSON;
    json_t *doc = decode(media, data + 1, size - 1);
    if (doc == NULL)
        return 0;
    if (media == SVC_MEDIA_CBOR)
        cbor_round_trip(doc);
    shipments(doc);
    orders(doc);
    json_decref(doc);
    return 0;
}
