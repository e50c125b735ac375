/*
 * load_packed.c: parcels from packing results, in memory (a bx_order and
 * its bx_pack_result) or as boxcar pack writes them (JSON Lines or a CBOR
 * sequence of the same maps).
 *
 * The files are read whole, then one order object at a time: a JSON line
 * goes to jansson (its memory is transient, one order at a time, as in
 * core's JSON records), a CBOR map is turned into the same jansson tree by
 * core's pull decoder, so both take one path from there. Each value is
 * judged here with a message naming file, line (JSON) or record (CBOR)
 * and the field, e.g. boxes[2].outer_l_mm.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boxcar/load.h"
#include "load_internal.h"
#include "pack_emit.h"

#if BOXCAR_HAVE_JSON
#include <jansson.h>
#endif
#if BOXCAR_HAVE_JSON && BOXCAR_HAVE_CBOR
#include "cbor_pull.h"
#endif

/* Largest packing-result file read (the whole file sits in memory). */
#define MAX_PACKED_BYTES ((size_t)1 << 30)
/* Nesting of a CBOR order map (order, boxes, box, placements, ...). */
#define MAX_CBOR_DEPTH 16

/* Parcel id "<order_id>/<box_seq>" into id; false if over BX_ID_MAX - 1. */
static bool parcel_id(char id[BX_ID_MAX], const char *order_id, uint64_t box_seq)
{
    int n = snprintf(id, BX_ID_MAX, "%s/%llu", order_id, (unsigned long long)box_seq);
    return n > 0 && n < BX_ID_MAX;
}

static bx_status add_parcel(bx_ctx *ctx, bx_load_input *in, size_t *cap, bx_load_parcel **out)
{
    bx_status st = bxi_grow(ctx, (void **)&in->parcels, cap, in->nparcels + 1, sizeof *in->parcels,
                            10000000u, "parcels");
    if (st != BX_OK)
        return st;
    *out = &in->parcels[in->nparcels];
    memset(*out, 0, sizeof **out);
    (*out)->max_load_g = -1;
    return BX_OK;
}

bx_status bx_load_parcels_from_pack(bx_ctx *ctx, const bx_order *order,
                                    const bx_pack_result *result, uint32_t stop, bx_load_input *in)
{
    if (!ctx)
        return BX_EINVAL;
    if (!order || !result || !in || order->nlines == 0)
        return bxi_error(ctx, BX_EINVAL, "bx_load_parcels_from_pack: NULL argument or empty order");
    bx_status st = bxi_pk_check_result(ctx, "parcels from packing", order, result);
    if (st != BX_OK)
        return st;
    const char *oid = bxi_pk_order_id(order);
    size_t cap = in->nparcels; /* the array is exactly as long as it is full */
    for (size_t b = 0; b < result->nboxes && st == BX_OK; b++) {
        const bx_packed_box *pb = &result->boxes[b];
        const bx_box *box = pb->box;
        if (!(box->has & BX_BOX_HAS_OUTER))
            return bxi_error(ctx, BX_EINPUT,
                             "order %s box %zu: box type '%s' has no outer size in the catalog "
                             "(outer_l_mm, outer_w_mm, outer_h_mm)", oid, b + 1, box->box_id);
        bx_load_parcel *p;
        if ((st = add_parcel(ctx, in, &cap, &p)) != BX_OK)
            break;
        if (!parcel_id(p->id, oid, (uint64_t)b + 1))
            return bxi_error(ctx, BX_EINPUT, "order %s box %zu: the parcel id '%s/%zu' is over %d bytes",
                             oid, b + 1, oid, b + 1, BX_ID_MAX - 1);
        p->dim_mm[0] = box->outer_l_mm;
        p->dim_mm[1] = box->outer_w_mm;
        p->dim_mm[2] = box->outer_h_mm;
        p->mass_g = pb->gross_weight_g;
        p->stop = stop;
        bxi_pk_box_handling(order, result, b, &p->fragile, &p->rotation);
        in->nparcels++;
    }
    return st;
}

#if BOXCAR_HAVE_JSON

typedef struct prd {
    bx_ctx *ctx;
    bx_load_input *in;
    size_t cap;
    uint32_t stop;
    bx_location at;     /* line (JSON) or record (CBOR) of the order */
    char field[96];
} prd;

static bx_status bad(prd *r, const char *field, const char *why)
{
    bx_location w = r->at;
    w.field = field;
    return bxi_input_error(r->ctx, BX_EINPUT, &w, "%s", why);
}

/* An integer member key of obj in lo..hi; `field` names it in messages. */
static bx_status get_int(prd *r, const json_t *obj, const char *key, const char *field, int64_t lo,
                         int64_t hi, int64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return bad(r, field, "missing");
    if (!json_is_integer(v))
        return bad(r, field, !json_is_null(v)               ? "not an integer"
                             : strncmp(key, "outer_", 6) == 0 ? "null: the catalog the boxes were packed "
                                                                "with gives no outer size"
                                                              : "null");
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) {
        bx_location w = r->at;
        w.field = field;
        return bxi_input_error(r->ctx, BX_EINPUT, &w, "%lld is out of range %lld..%lld", (long long)x,
                               (long long)lo, (long long)hi);
    }
    *out = (int64_t)x;
    return BX_OK;
}

static const char *box_field(prd *r, size_t b, const char *key)
{
    snprintf(r->field, sizeof r->field, "boxes[%zu].%s", b + 1, key);
    return r->field;
}

static bx_status one_box(prd *r, const json_t *box, size_t b, const char *oid, uint32_t stop)
{
    if (!json_is_object(box))
        return bad(r, box_field(r, b, ""), "not an object");
    int64_t seq, dim[3], mass;
    static const char *const dims[3] = {"outer_l_mm", "outer_w_mm", "outer_h_mm"};
    bx_status st = get_int(r, box, "box_seq", box_field(r, b, "box_seq"), 1, 1000000000, &seq);
    for (int a = 0; a < 3 && st == BX_OK; a++)
        st = get_int(r, box, dims[a], box_field(r, b, dims[a]), 1, BX_MAX_LENGTH_MM, &dim[a]);
    if (st == BX_OK)
        st = get_int(r, box, "gross_weight_g", box_field(r, b, "gross_weight_g"), 0, BX_MAX_MASS_G, &mass);
    if (st != BX_OK)
        return st;
    const json_t *fr = json_object_get(box, "fragile"), *ro = json_object_get(box, "rotation");
    if (fr && !json_is_boolean(fr))
        return bad(r, box_field(r, b, "fragile"), "not true or false");
    bx_rotation rot = BX_ROTATE_ANY;
    if (ro && (!json_is_string(ro) || bx_rotation_parse(json_string_value(ro), &rot) != BX_OK))
        return bad(r, box_field(r, b, "rotation"), "not any, upright or fixed");
    bx_load_parcel *p;
    if ((st = add_parcel(r->ctx, r->in, &r->cap, &p)) != BX_OK)
        return st;
    if (!parcel_id(p->id, oid, (uint64_t)seq))
        return bad(r, box_field(r, b, "box_seq"), "the parcel id <order_id>/<box_seq> is over 63 bytes");
    for (int a = 0; a < 3; a++)
        p->dim_mm[a] = (int32_t)dim[a];
    p->mass_g = mass;
    p->stop = stop;
    p->fragile = fr && json_is_true(fr);
    p->rotation = rot;
    p->where = r->at;
    p->where.file = r->in->name;
    r->in->nparcels++;
    return BX_OK;
}

/* One order object of the packing result. */
static bx_status one_order(prd *r, const json_t *o)
{
    if (!json_is_object(o))
        return bad(r, NULL, "not an object (one order of boxcar pack's output)");
    const json_t *id = json_object_get(o, "order_id");
    if (!json_is_string(id))
        return bad(r, "order_id", id ? "not text" : "missing");
    const char *oid = json_string_value(id);
    const char *why = bxi_id_problem(oid, strlen(oid));
    if (why)
        return bad(r, "order_id", why);
    uint32_t stop = r->stop;
    if (json_object_get(o, "stop")) {
        int64_t s;
        bx_status st = get_int(r, o, "stop", "stop", 0, 1000000, &s);
        if (st != BX_OK)
            return st;
        stop = (uint32_t)s;
    }
    const json_t *boxes = json_object_get(o, "boxes");
    if (!json_is_array(boxes))
        return bad(r, "boxes", boxes ? "not an array" : "missing");
    for (size_t b = 0; b < json_array_size(boxes); b++) {
        bx_status st = one_box(r, json_array_get(boxes, b), b, oid, stop);
        if (st != BX_OK)
            return st;
    }
    const json_t *un = json_object_get(o, "unpacked");
    if (json_is_array(un) && json_array_size(un) > 0)
        return bxi_warn(r->ctx, &r->at, "order %s: %zu unpacked entries are not loaded", oid,
                        json_array_size(un));
    return BX_OK;
}

static bx_status read_json_lines(prd *r, const char *data, size_t size)
{
    size_t pos = 0;
    r->at.line = 0;
    while (pos < size) {
        const char *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - data) : size;
        r->at.line++;
        size_t a = pos;
        while (a < end && (data[a] == ' ' || data[a] == '\t' || data[a] == '\r'))
            a++;
        if (a < end) {
            json_error_t err;
            json_t *o = json_loadb(data + a, end - a, JSON_REJECT_DUPLICATES, &err);
            if (!o) {
                bx_location w = r->at;
                w.column = (uint32_t)err.column;
                return bxi_input_error(r->ctx, BX_EINPUT, &w, "not JSON: %s", err.text);
            }
            bx_status st = one_order(r, o);
            json_decref(o);
            if (st != BX_OK)
                return st;
        }
        pos = end + 1;
    }
    return BX_OK;
}

#if BOXCAR_HAVE_CBOR
/* The CBOR item at the pull decoder as a jansson value (NULL with *why on
 * a value boxcar pack never writes, or out of memory). */
static json_t *cbor_value(bx_cbor_pull *p, int depth, const char **why)
{
    bx_cbor_ev ev;
    if (!bxi_cbor_pull_next(p, &ev, why)) {
        if (!*why)
            *why = "truncated";
        return NULL;
    }
    if (depth > MAX_CBOR_DEPTH) {
        *why = "nested too deep";
        return NULL;
    }
    switch (ev.type) {
    case BX_CBOR_UINT:
        if (ev.u > (uint64_t)INT64_MAX)
            break;
        return json_integer((json_int_t)ev.u);
    case BX_CBOR_NEGINT:
        if (ev.u > (uint64_t)INT64_MAX)
            break;
        return json_integer(-1 - (json_int_t)ev.u);
    case BX_CBOR_TEXT:
        return json_stringn_nocheck((const char *)ev.str, ev.len);
    case BX_CBOR_FLOAT:
        if (!isfinite(ev.d)) {
            *why = "a number that is not finite";
            return NULL;
        }
        return json_real(ev.d);
    case BX_CBOR_BOOL:
        return json_boolean(ev.b);
    case BX_CBOR_NULL:
        return json_null();
    case BX_CBOR_ARRAY: {
        json_t *a = json_array();
        for (uint64_t i = 0; a && i < ev.u; i++) {
            json_t *v = cbor_value(p, depth + 1, why);
            if (!v || json_array_append_new(a, v)) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    case BX_CBOR_MAP: {
        json_t *m = json_object();
        for (uint64_t i = 0; m && i < ev.u; i++) {
            bx_cbor_ev k;
            if (!bxi_cbor_pull_next(p, &k, why) || k.type != BX_CBOR_TEXT) {
                if (!*why)
                    *why = "a map key that is not text, or the data ends";
                json_decref(m);
                return NULL;
            }
            char key[64];
            if (k.len >= sizeof key || memchr(k.str, '\0', k.len)) {
                *why = "an unknown map key";
                json_decref(m);
                return NULL;
            }
            memcpy(key, k.str, k.len);
            key[k.len] = '\0';
            json_t *v = cbor_value(p, depth + 1, why);
            if (!v || json_object_set_new_nocheck(m, key, v)) {
                json_decref(m);
                return NULL;
            }
        }
        return m;
    }
    default:
        break;
    }
    *why = "a CBOR item boxcar pack does not write (indefinite length, tag, bytes)";
    return NULL;
}

static bx_status read_cbor_seq(prd *r, const void *data, size_t size)
{
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, data, size);
    r->at.line = 0;
    r->at.record = 0;
    while (p.pos < p.len) {
        r->at.record++;
        r->at.offset = p.pos;
        const char *why = NULL;
        json_t *o = cbor_value(&p, 0, &why);
        if (!o) {
            if (!why)
                return bxi_error(r->ctx, BX_ENOMEM, "out of memory reading the packing result");
            return bxi_input_error(r->ctx, BX_EINPUT, &r->at, "not CBOR boxcar pack writes: %s", why);
        }
        bx_status st = one_order(r, o);
        json_decref(o);
        if (st != BX_OK)
            return st;
    }
    return BX_OK;
}
#endif

static bx_status read_packed(bx_ctx *ctx, const char *data, size_t size, uint32_t stop,
                             bx_load_input *in)
{
    prd r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.in = in;
    r.cap = in->nparcels;
    r.stop = stop;
    r.at.file = in->name;
    size_t a = 0;
    while (a < size && (data[a] == ' ' || data[a] == '\t' || data[a] == '\r' || data[a] == '\n'))
        a++;
    if (a < size && data[a] != '{' && (unsigned char)data[a] < 0x80) {
        /* text, but not an object: CBOR starts with a byte of 0x80 or more */
        r.at.line = 1;
        bool csv = size - a >= 9 && memcmp(data + a, "order_id,", 9) == 0;
        return bxi_input_error(ctx, BX_EINPUT, &r.at, "%s",
                               csv ? "boxcar pack's CSV has no outer sizes of the boxes; write "
                                     "the packing with --format json or --format cbor"
                                   : "neither JSON Lines (one order object per line) nor CBOR");
    }
    if (a < size && data[a] != '{') {
#if BOXCAR_HAVE_CBOR
        return read_cbor_seq(&r, data, size);
#else
        return bxi_error(ctx, BX_EUNSUPPORTED, "%s: CBOR input was left out of this build", in->name);
#endif
    }
    return read_json_lines(&r, data, size);
}

#endif /* BOXCAR_HAVE_JSON */

static bx_status packed_open(bx_ctx *ctx, const char *name, const char *path, const void *data,
                             size_t size, uint32_t stop, bx_load_input *in)
{
    if (!ctx || !name || !in || (!path && !data && size))
        return ctx ? bxi_error(ctx, BX_EINVAL, "bx_load_read_packed: NULL argument") : BX_EINVAL;
#if BOXCAR_HAVE_JSON
    if (!in->name && !(in->name = bxi_strdup(ctx, name)))
        return BX_ENOMEM;
    if (!path)
        return read_packed(ctx, data ? data : "", size, stop, in);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return bxi_error(ctx, BX_EIO, "%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0, n = 0;
    bx_status st = BX_OK;
    for (;;) {
        if ((st = bxi_grow(ctx, (void **)&buf, &cap, n + 65536, 1, MAX_PACKED_BYTES,
                            "bytes in a packing result")) != BX_OK)
            break;
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp))
                st = bxi_error(ctx, BX_EIO, "%s: read failed", path);
            break;
        }
    }
    fclose(fp);
    if (st == BX_OK)
        st = read_packed(ctx, buf, n, stop, in);
    bx_free(ctx, buf);
    return st;
#else
    (void)path;
    (void)data;
    (void)size;
    (void)stop;
    return bxi_error(ctx, BX_EUNSUPPORTED, "%s: JSON input was left out of this build", name);
#endif
}

bx_status bx_load_read_packed(bx_ctx *ctx, const char *path, uint32_t stop, bx_load_input *in)
{
    return packed_open(ctx, path ? path : "", path, NULL, 0, stop, in);
}

bx_status bx_load_read_packed_mem(bx_ctx *ctx, const char *name, const void *data, size_t size,
                                  uint32_t stop, bx_load_input *in)
{
    return packed_open(ctx, name, NULL, data, size, stop, in);
}
