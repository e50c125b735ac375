/*
 * fuzz_service_body.c: libFuzzer target for the service's body decoders
 * (service/body.c: JSON, and CBOR read item head by item head into a
 * tree) and for shipments in a body turned into shipment CSV
 * (service/shipments_body.c), which the library's shipment reader then
 * reads, and for order objects ({"order_id", "items"}, alone or in a
 * batch's "orders") turned into order lines (service/order_body.c), which
 * the library's order decoder then reads. The first byte picks the
 * encoding; the rest is the body.
 *
 * Properties, beyond no crash, leak or sanitizer report:
 *   - a tree decoded from CBOR, encoded again as CBOR, decodes to an equal
 *     tree;
 *   - shipments that transcode give one CSV row each: the reader reads
 *     exactly as many rows (good or bad) as there were shipments;
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

static void shipments(const json_t *doc)
{
    const json_t *list = json_is_object(doc) ? json_object_get(doc, "shipments") : doc;
    if (!json_is_array(list))
        return;
    svc_call c;
    memset(&c, 0, sizeof c);
    svc_buf csv = {0};
    if (svc_shipments_csv(&c, list, &csv)) {
        bx_ctx *ctx = NULL;
        bx_shipment_reader *r = NULL;
        if (bx_ctx_new(&ctx, NULL, NULL) == BX_OK &&
            bx_shipment_reader_open_mem(ctx, &r, "request", csv.data, csv.len) == BX_OK) {
            bx_shipment s;
            bx_status st;
            while ((st = bx_shipment_reader_next(r, &s)) == BX_OK || st == BX_EINPUT)
                ;
            if (st == BX_END && bx_shipment_reader_rows(r) != json_array_size(list))
                __builtin_trap();
        }
        bx_shipment_reader_close(r);
        bx_ctx_free(ctx);
    } else if (c.status == 0) {
        __builtin_trap(); /* a refusal always answers */
    }
    svc_buf_free(&csv);
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
