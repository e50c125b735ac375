/*
 * order_body.c: the orders of /v1/pack and /v1/pack/batch.
 *
 * Besides an order file's lines, a body may be an order object, the shape
 * of other cartonization APIs:
 *
 *   {"order_id": "SO-1001", "items": [LINE, ...], "boxes": ["3#", ...]}
 *
 * Its items are order lines without their order_id (or with the same
 * one). They are written out as a JSON array of lines and read by the
 * order-line reader, so every field is checked with the schema, limits
 * and messages of a file; a problem is then placed by the item's
 * position (`record`, from 1) rather than a line of text the client never
 * sent. A key the order object or a line does not have is refused, naming
 * it: the readers only warn about one, which a WMS would never see.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

static const char *const object_keys[] = {"order_id", "items", "boxes", NULL};

static bool known(const char *const *list, const char *key)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], key) == 0)
            return true;
    return false;
}

/* A key as it may appear in an answer: at most 64 bytes, anything but
 * printable ASCII shown as '?'. */
static void shown(const char *key, char *out, size_t size)
{
    size_t n = 0;
    for (; key[n] != '\0' && n + 1 < size && n < 64; n++)
        out[n] = key[n] >= 0x20 && key[n] < 0x7f ? key[n] : '?';
    out[n] = '\0';
}

static bool bad(svc_call *c, const char *field, uint64_t record, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool bad(svc_call *c, const char *field, uint64_t record, const char *fmt, ...)
{
    bx_location loc = {0};
    loc.field = field;
    loc.record = record;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    svc_reply_error(c, 400, "bad_input", &loc, "request: %s", msg);
    return false;
}

bool svc_is_order_object(const json_t *doc)
{
    return json_is_object(doc) && json_object_get(doc, "items") != NULL;
}

bool svc_order_object_lines(svc_call *c, const json_t *obj, svc_buf *out,
                            const json_t **boxes)
{
    const char *key;
    json_t *v;
    char name[72];
    json_object_foreach((json_t *)obj, key, v) {
        if (!known(object_keys, key)) {
            shown(key, name, sizeof name);
            return bad(c, name, 0,
                       "the order object has no key '%s' (its keys are order_id, "
                       "items and boxes)", name);
        }
    }
    const json_t *id = json_object_get(obj, "order_id");
    if (!json_is_string(id) || json_string_length(id) == 0)
        return bad(c, "order_id", 0, "%s",
                   "the order object needs an order_id (text)");
    const json_t *items = json_object_get(obj, "items");
    if (!json_is_array(items) || json_array_size(items) == 0)
        return bad(c, "items", 0, "%s",
                   "items must be an array of at least one order line");
    *boxes = json_object_get(obj, "boxes");
    out->len = 0;
    json_t *list = json_array();
    if (list == NULL)
        return bad(c, NULL, 0, "%s", "out of memory");
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        if (!json_is_object(it)) {
            json_decref(list);
            return bad(c, "items", i + 1, "items[%zu]: an order line is an object", i);
        }
        const json_t *own = json_object_get(it, "order_id");
        if (own != NULL && !json_equal((json_t *)own, (json_t *)id)) {
            json_decref(list);
            return bad(c, "order_id", i + 1,
                       "items[%zu]: an item's order_id differs from the order's", i);
        }
        json_t *line = json_deep_copy(it);
        if (line == NULL || json_object_set(line, "order_id", (json_t *)id) != 0 ||
            json_array_append_new(list, line) != 0) {
            json_decref(list);
            return bad(c, NULL, 0, "%s", "out of memory");
        }
    }
    char *text = json_dumps(list, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(list);
    if (text == NULL || svc_buf_puts(out, text) != 0) {
        free(text);
        return bad(c, NULL, 0, "%s", "out of memory");
    }
    free(text);
    return true;
}

/* The first warning a read gives: the readers' only warning is an unknown
 * key or column. */
typedef struct first_warning {
    bool seen;
    char field[72];
    bx_location where;
} first_warning;

static void on_diag(void *ud, const bx_diag *d)
{
    first_warning *fw = ud;
    if (d->severity != BX_SEV_WARNING || fw->seen)
        return;
    fw->seen = true;
    fw->where = d->where;
    fw->where.file = NULL;
    shown(d->where.field != NULL ? d->where.field : "?", fw->field, sizeof fw->field);
    fw->where.field = fw->field;
}

/* The part of a reader's message after its location: "field 'x': ...". */
static const char *after_location(const char *msg)
{
    const char *f = strstr(msg, "field '");
    return f != NULL ? f : msg;
}

bool svc_order_read(svc_call *c, bx_format fmt, const void *data, size_t len,
                    const char *list, bx_order *order)
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
    first_warning fw;
    memset(&fw, 0, sizeof fw);
    bx_ctx_set_diag(w->ctx, on_diag, &fw);
    bx_status st = bx_order_decode(w->ctx, &w->order, fmt, "request", data, len, &limits);
    bx_ctx_set_diag(w->ctx, NULL, NULL);
    if (st != BX_OK) {
        bx_location loc = bx_ctx_errloc(w->ctx);
        if (list == NULL || st != BX_EINPUT || loc.record == 0) {
            svc_reply_status(c, st);
            return false;
        }
        /* the item's position, not the made-up text's line and column */
        char pos[32];
        snprintf(pos, sizeof pos, "%llu", (unsigned long long)(loc.record - 1));
        bx_location at = {0};
        at.field = loc.field;
        at.record = loc.record;
        svc_reply_error(c, 400, "bad_input", &at, "request: %s[%s]: %s", list, pos,
                        after_location(bx_ctx_errmsg(w->ctx)));
        return false;
    }
    if (fw.seen) {
        bx_location at = fw.where;
        char pos[40] = "";
        if (list != NULL) {
            /* the item's position, not the made-up text's line */
            at.line = 0;
            at.column = 0;
            at.offset = 0;
            snprintf(pos, sizeof pos, " %s[%llu]:", list,
                     (unsigned long long)(at.record > 0 ? at.record - 1 : 0));
        } else if (at.line != 0) {
            snprintf(pos, sizeof pos, "%llu:%lu:", (unsigned long long)at.line,
                     (unsigned long)at.column);
        } else if (at.record != 0) {
            snprintf(pos, sizeof pos, " record %llu:", (unsigned long long)at.record);
        }
        svc_reply_error(c, 400, "bad_input", &at,
                        "request:%s field '%s' is not a field of an order line (they "
                        "are order_id, item_id, qty, l_mm, w_mm, h_mm, weight_g, "
                        "rotation, fragile, alone, group)",
                        pos, fw.field);
        return false;
    }
    order->lines = w->order.lines;
    order->nlines = w->order.nlines;
    return true;
}

bool svc_boxes_allowed(svc_call *c, const bx_catalog *cat, const json_t *boxes,
                       unsigned char **allowed)
{
    *allowed = NULL;
    if (boxes == NULL)
        return true;
    if (!json_is_array(boxes) || json_array_size(boxes) == 0)
        return bad(c, "boxes", 0, "%s",
                   "boxes must be an array of at least one box id of the catalog");
    size_t n = bx_catalog_count(cat);
    unsigned char *a = calloc(n > 0 ? n : 1, 1);
    if (a == NULL)
        return bad(c, NULL, 0, "%s", "out of memory");
    for (size_t i = 0; i < json_array_size(boxes); i++) {
        const json_t *id = json_array_get(boxes, i);
        if (!json_is_string(id)) {
            free(a);
            return bad(c, "boxes", i + 1, "boxes[%zu]: a box id is text", i);
        }
        bool found = false;
        for (size_t k = 0; k < n; k++)
            if (strcmp(bx_catalog_box(cat, k)->box_id, json_string_value(id)) == 0) {
                a[k] = 1;
                found = true;
            }
        if (!found) {
            char name[72];
            shown(json_string_value(id), name, sizeof name);
            free(a);
            return bad(c, "boxes", i + 1, "boxes[%zu]: '%s' is not a box of the catalog", i,
                       name);
        }
    }
    *allowed = a;
    return true;
}
