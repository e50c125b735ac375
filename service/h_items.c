/*
 * h_items.c: GET /v1/items/CODE and POST /v1/items, the item master
 * (`boxcar serve --items FILE`, items_slot.c).
 *
 * An item in an answer: {"sku", "barcodes": [..], "l_mm", "w_mm", "h_mm",
 * "weight_g", "rotation", "fragile", "max_load_g" (null when not given)}.
 * A new item in a request has the fields of an item master record
 * (docs/formats.md section 3a), "barcodes" as that text or as an array of
 * codes; it is read by the library's record reader, so it is checked as a
 * line of the file is, and a key that is not a field is refused by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

static svc_items *items_or_404(svc_call *c)
{
    if (c->server->items == NULL)
        svc_reply_error(c, 404, "not_configured", NULL,
                        "this server keeps no item master (start it with --items FILE)");
    return c->server->items;
}

static json_t *item_doc(const bx_item *it)
{
    json_t *d = json_object(), *codes = json_array();
    if (d == NULL || codes == NULL) {
        json_decref(d);
        json_decref(codes);
        return NULL;
    }
    for (const char *b = it->barcodes; *b != '\0';) {
        size_t len = strcspn(b, "|");
        json_array_append_new(codes, json_stringn(b, len));
        b += len + (b[len] == '|');
    }
    json_object_set_new(d, "sku", json_string(it->sku));
    json_object_set_new(d, "barcodes", codes);
    json_object_set_new(d, "l_mm", json_integer(it->l_mm));
    json_object_set_new(d, "w_mm", json_integer(it->w_mm));
    json_object_set_new(d, "h_mm", json_integer(it->h_mm));
    json_object_set_new(d, "weight_g", json_integer(it->weight_g));
    json_object_set_new(d, "rotation", json_string(bx_rotation_name(it->rotation)));
    json_object_set_new(d, "fragile", json_boolean(it->fragile));
    json_object_set_new(d, "max_load_g", (it->has & BX_ITEM_HAS_MAX_LOAD)
                                             ? json_integer(it->max_load_g)
                                             : json_null());
    return d;
}

void svc_h_item(svc_call *c)
{
    static const char *const none[] = {NULL};
    svc_items *m = items_or_404(c);
    if (m == NULL || !svc_args_check(c, none))
        return;
    const char *code = c->path + strlen("/v1/items/");
    bx_item it;
    if (!svc_items_find(m, code, &it)) {
        char shown[72];
        size_t n = 0;
        for (; code[n] != '\0' && n < 64; n++)
            shown[n] = code[n] >= 0x20 && code[n] < 0x7f ? code[n] : '?';
        shown[n] = '\0';
        svc_reply_error(c, 404, "not_found", NULL,
                        "no item has the sku or barcode '%s': measure it, and save it "
                        "with POST /v1/items", shown);
        return;
    }
    json_t *doc = item_doc(&it);
    if (doc == NULL) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    svc_reply_doc(c, doc);
    json_decref(doc);
}

/* The first warning of a read: an unknown key. */
typedef struct unknown_key {
    bool seen;
    char name[72];
} unknown_key;

static void on_diag(void *ud, const bx_diag *d)
{
    unknown_key *u = ud;
    if (d->severity != BX_SEV_WARNING || u->seen)
        return;
    u->seen = true;
    const char *k = d->where.field != NULL ? d->where.field : "?";
    size_t n = 0;
    for (; k[n] != '\0' && n < 64; n++)
        u->name[n] = k[n] >= 0x20 && k[n] < 0x7f ? k[n] : '?';
    u->name[n] = '\0';
}

/* The body's item as a bx_item: false with an error reply. */
static bool read_item(svc_call *c, bx_item *out)
{
    char err[256];
    unsigned status;
    json_t *doc = svc_body_decode(c, 2, err, sizeof err, &status);
    if (doc == NULL) {
        svc_reply_error(c, status, status == 413 ? "limit" : "bad_input", NULL, "%s", err);
        return false;
    }
    bx_location loc = {0};
    if (!json_is_object(doc)) {
        json_decref(doc);
        svc_reply_error(c, 400, "bad_input", NULL, "request: an item is an object");
        return false;
    }
    /* barcodes as a list of codes: joined as the record has them */
    json_t *codes = json_object_get(doc, "barcodes");
    if (json_is_array(codes)) {
        char joined[BX_ID_MAX * 2] = "";
        size_t len = 0;
        for (size_t i = 0; i < json_array_size(codes); i++) {
            const char *s = json_string_value(json_array_get(codes, i));
            if (s == NULL || len + strlen(s) + 2 > sizeof joined) {
                json_decref(doc);
                loc.field = "barcodes";
                svc_reply_error(c, 400, "bad_input", &loc,
                                "request: field 'barcodes': a list of codes (text), at most "
                                "63 bytes with '|' between two");
                return false;
            }
            len += (size_t)snprintf(joined + len, sizeof joined - len, "%s%s", i ? "|" : "", s);
        }
        json_object_set_new(doc, "barcodes", json_string(joined));
    }
    char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(doc);
    if (text == NULL) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return false;
    }
    svc_worker *w = c->worker;
    bx_ctx_clear_error(w->ctx);
    unknown_key u = {false, ""};
    bx_ctx_set_diag(w->ctx, on_diag, &u);
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_mem(w->ctx, &r, BX_RECORD_ITEM, BX_FORMAT_JSON, "request",
                                      text, strlen(text), NULL);
    if (st == BX_OK)
        st = bx_reader_next(r, out);
    bx_reader_close(r);
    bx_ctx_set_diag(w->ctx, NULL, NULL);
    free(text);
    if (st != BX_OK) {
        bx_location at = bx_ctx_errloc(w->ctx);
        at.line = 0; /* of the text made here, not the client's */
        at.column = 0;
        at.file = NULL;
        const char *msg = bx_ctx_errmsg(w->ctx);
        const char *f = strstr(msg, "field '");
        svc_reply_error(c, st == BX_ENOMEM ? 503 : 400,
                        st == BX_ENOMEM ? "out_of_memory" : "bad_input", &at, "request: %s",
                        f != NULL ? f : msg);
        return false;
    }
    if (u.seen) {
        loc.field = u.name;
        svc_reply_error(c, 400, "bad_input", &loc,
                        "request: field '%s' is not a field of an item (they are sku, "
                        "barcodes, l_mm, w_mm, h_mm, weight_g, rotation, fragile, "
                        "max_load_g)", u.name);
        return false;
    }
    return true;
}

void svc_h_items_add(svc_call *c)
{
    static const char *const none[] = {NULL};
    svc_items *m = items_or_404(c);
    if (m == NULL || !svc_args_check(c, none))
        return;
    bx_item it;
    if (!read_item(c, &it))
        return;
    char err[600];
    switch (svc_items_add(m, &it, err, sizeof err)) {
    case SVC_ITEMS_TAKEN: {
        bx_location loc = {0};
        loc.field = "sku";
        svc_reply_error(c, 409, "refused", &loc, "%s", err);
        return;
    }
    case SVC_ITEMS_FAILED:
        svc_reply_error(c, 503, "items_file", NULL, "%s", err);
        return;
    case SVC_ITEMS_SAVED:
        break;
    }
    json_t *doc = item_doc(&it);
    json_t *ans = json_object();
    if (doc == NULL || ans == NULL) {
        json_decref(doc);
        json_decref(ans);
        svc_reply_error(c, 503, "out_of_memory", NULL, "saved, but out of memory for the answer");
        return;
    }
    json_object_set_new(ans, "saved", doc);
    json_object_set_new(ans, "items", json_integer((json_int_t)svc_items_count(m)));
    svc_reply_doc(c, ans);
    json_decref(ans);
}
