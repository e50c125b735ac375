/*
 * pack_cbor.c: packing results as CBOR, one map per order (a batch is an
 * RFC 8742 CBOR sequence), in RFC 8949 section 4.2.1 core deterministic
 * encoding.
 *
 * Heads come from libcbor's encoders, which always pick the shortest form.
 * Determinism then rests on two things done here: every length is known
 * before its container is opened (counts come from the result), and the
 * keys of each map are written in the order of their encoded bytes. For
 * text keys a shorter key has a smaller head, so that order is: by length,
 * then bytewise. The key lists below are written in that order; the unit
 * test decodes the output and checks it.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <cbor.h>

#include "pack_emit.h"

static void head(pk_out *o, size_t (*enc)(size_t, unsigned char *, size_t),
                 size_t n)
{
    unsigned char b[9];
    pk_out_bytes(o, b, enc(n, b, sizeof b));
}

static void put_uint(pk_out *o, uint64_t v)
{
    unsigned char b[9];
    pk_out_bytes(o, b, cbor_encode_uint(v, b, sizeof b));
}

static void put_int(pk_out *o, int64_t v)
{
    unsigned char b[9];
    if (v >= 0)
        pk_out_bytes(o, b, cbor_encode_uint((uint64_t)v, b, sizeof b));
    else /* -1 - v, written so that INT64_MIN does not overflow */
        pk_out_bytes(o, b, cbor_encode_negint((uint64_t)(-(v + 1)), b, sizeof b));
}

static void put_text(pk_out *o, const char *s)
{
    size_t n = strlen(s);
    head(o, cbor_encode_string_start, n);
    pk_out_bytes(o, s, n);
}

static void put_bool(pk_out *o, bool v)
{
    unsigned char b[1];
    pk_out_bytes(o, b, cbor_encode_bool(v, b, sizeof b));
}

/* RFC 8949 4.2.1 (preferred serialization): the shortest float that
 * keeps the value. */
static void put_double(pk_out *o, double d)
{
    unsigned char b[9];
    pk_out_bytes(o, b, bx_cbor_encode_float(d, b, sizeof b));
}

/* The one-decimal figure the text formats print: tenths / 10 is the
 * double nearest to that decimal, the value a JSON reader gets for it. */
static void put_tenths(pk_out *o, int64_t tenths)
{
    put_double(o, (double)tenths / 10.0);
}

/* Violation maps: code, limit, value, message (the deterministic key
 * order); value and limit only when given. */
static void write_violations(pk_out *o, const bx_pack_result *r, uint32_t box_seq)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nviolations; i++)
        n += r->violations[i].box_seq == box_seq;
    head(o, cbor_encode_array_start, n);
    for (size_t i = 0; i < r->nviolations; i++) {
        const bx_violation *v = &r->violations[i];
        if (v->box_seq != box_seq)
            continue;
        bool has_v = isfinite(v->value), has_l = isfinite(v->limit);
        head(o, cbor_encode_map_start, 2 + (size_t)has_v + (size_t)has_l);
        put_text(o, "code");
        put_text(o, v->code);
        if (has_l) {
            put_text(o, "limit");
            put_double(o, v->limit);
        }
        if (has_v) {
            put_text(o, "value");
            put_double(o, v->value);
        }
        put_text(o, "message");
        put_text(o, v->message);
    }
}

static void write_placement(pk_out *o, const bx_order *order,
                            const bx_placement *p)
{
    head(o, cbor_encode_map_start, 9);
    put_text(o, "h_mm");
    put_int(o, p->h_mm);
    put_text(o, "l_mm");
    put_int(o, p->l_mm);
    put_text(o, "unit");
    put_uint(o, p->unit);
    put_text(o, "w_mm");
    put_int(o, p->w_mm);
    put_text(o, "x_mm");
    put_int(o, p->x_mm);
    put_text(o, "y_mm");
    put_int(o, p->y_mm);
    put_text(o, "z_mm");
    put_int(o, p->z_mm);
    put_text(o, "item_id");
    put_text(o, order->lines[p->line].item_id);
    put_text(o, "load_seq");
    put_uint(o, p->load_seq);
}

static void write_box(pk_out *o, const bx_order *order,
                      const bx_pack_result *result, size_t b)
{
    const bx_packed_box *pb = &result->boxes[b];
    int64_t fill = pk_fill_tenths(pb->item_volume_mm3, pb->inner_volume_mm3);
    bool policy = result->policy != NULL;
    head(o, cbor_encode_map_start, policy ? 11 : 9);
    put_text(o, "box_id");
    put_text(o, pb->box->box_id);
    put_text(o, "box_seq");
    put_uint(o, (uint64_t)b + 1);
    put_text(o, "n_units");
    put_uint(o, pb->nplacements);
    put_text(o, "fill_pct");
    put_tenths(o, fill);
    put_text(o, "void_pct");
    put_tenths(o, 1000 - fill);
    put_text(o, "placements");
    head(o, cbor_encode_array_start, pb->nplacements);
    for (size_t k = 0; k < pb->nplacements; k++)
        write_placement(o, order, &result->placements[pb->first_placement + k]);
    if (policy) {
        put_text(o, "violations");
        write_violations(o, result, (uint32_t)b + 1);
        put_text(o, "container_id");
        if (result->containers != NULL && result->containers[b] != NULL)
            put_text(o, result->containers[b]);
        else
            pk_out_char(o, (char)0xf6); /* null */
    }
    put_text(o, "gross_weight_g");
    put_int(o, pb->gross_weight_g);
    put_text(o, "item_volume_mm3");
    put_int(o, pb->item_volume_mm3);
    put_text(o, "inner_volume_mm3");
    put_int(o, pb->inner_volume_mm3);
}

bx_status bx_pack_cbor(bx_ctx *ctx, const bx_order *order,
                       const bx_pack_result *result, bx_write_fn write,
                       void *ud)
{
    bx_status st = pk_check_result(ctx, "packing CBOR", order, result);
    if (st != BX_OK)
        return st;
    if (write == NULL)
        return bx_error(ctx, BX_EINVAL, "packing CBOR: no write callback");
    pk_out o;
    pk_out_init(&o, ctx, write, ud);
    bool policy = result->policy != NULL;
    head(&o, cbor_encode_map_start, policy ? 8 : 6);
    put_text(&o, "work");
    put_uint(&o, result->work);
    put_text(&o, "boxes");
    head(&o, cbor_encode_array_start, result->nboxes);
    for (size_t b = 0; b < result->nboxes; b++)
        write_box(&o, order, result, b);
    if (policy) {
        put_text(&o, "policy");
        put_text(&o, result->policy);
    }
    put_text(&o, "order_id");
    put_text(&o, pk_order_id(order));
    put_text(&o, "unpacked");
    head(&o, cbor_encode_array_start, result->nunpacked);
    for (size_t i = 0; i < result->nunpacked; i++) {
        const bx_unpacked *u = &result->unpacked[i];
        head(&o, cbor_encode_map_start, 3);
        put_text(&o, "units");
        put_uint(&o, u->units);
        put_text(&o, "reason");
        put_text(&o, bx_unpacked_reason_text(u->reason));
        put_text(&o, "item_id");
        put_text(&o, order->lines[u->line].item_id);
    }
    if (policy) {
        put_text(&o, "violations");
        write_violations(&o, result, 0);
    }
    put_text(&o, "lower_bound");
    put_uint(&o, result->lower_bound);
    put_text(&o, "count_optimal");
    put_bool(&o, result->count_optimal);
    return pk_out_finish(&o);
}

bx_status bx_pack_cbor_failed(bx_ctx *ctx, const char *order_id,
                              const char *message, bx_write_fn write, void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (order_id == NULL || message == NULL || write == NULL)
        return bx_error(ctx, BX_EINVAL, "packing CBOR: bad argument");
    static const char prefix[] = "bad input: ";
    size_t n = strlen(message);
    pk_out o;
    pk_out_init(&o, ctx, write, ud);
    head(&o, cbor_encode_map_start, 2);
    put_text(&o, "error");
    /* A CBOR text string must be valid UTF-8; a message may quote a file
     * name that is not. Such bytes would make the whole item invalid, so
     * they become U+FFFD as in the JSON writer. The length comes first, so
     * count the repaired text before writing it. */
    size_t len = sizeof prefix - 1;
    const unsigned char *p = (const unsigned char *)message;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = pk_utf8_seq(p + i, n - i, &cp);
        len += k == 0 ? 3 : k;
        i += k == 0 ? 1 : k;
    }
    head(&o, cbor_encode_string_start, len);
    pk_out_str(&o, prefix);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = pk_utf8_seq(p + i, n - i, &cp);
        if (k == 0)
            pk_out_str(&o, "\xEF\xBF\xBD");
        else
            pk_out_bytes(&o, p + i, k);
        i += k == 0 ? 1 : k;
    }
    put_text(&o, "order_id");
    put_text(&o, order_id);
    return pk_out_finish(&o);
}
