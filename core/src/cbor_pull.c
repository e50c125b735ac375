/*
 * cbor_pull.c: item heads out of a buffer, one at a time, and the
 * one-item well-formedness check journals use on every record.
 */
#include <string.h>

#include <cbor.h>

#include "cbor_pull.h"

static bx_cbor_ev *ev_of(void *ud, bx_cbor_type type)
{
    bx_cbor_ev *ev = ud;
    ev->type = type;
    return ev;
}

static void on_uint64(void *ud, uint64_t v) { ev_of(ud, BX_CBOR_UINT)->u = v; }
static void on_uint32(void *ud, uint32_t v) { on_uint64(ud, v); }
static void on_uint16(void *ud, uint16_t v) { on_uint64(ud, v); }
static void on_uint8(void *ud, uint8_t v) { on_uint64(ud, v); }
static void on_negint64(void *ud, uint64_t v) { ev_of(ud, BX_CBOR_NEGINT)->u = v; }
static void on_negint32(void *ud, uint32_t v) { on_negint64(ud, v); }
static void on_negint16(void *ud, uint16_t v) { on_negint64(ud, v); }
static void on_negint8(void *ud, uint8_t v) { on_negint64(ud, v); }

static void on_bytes(void *ud, cbor_data data, size_t len)
{
    bx_cbor_ev *ev = ev_of(ud, BX_CBOR_BYTES);
    ev->str = data;
    ev->len = len;
}

static void on_text(void *ud, cbor_data data, size_t len)
{
    bx_cbor_ev *ev = ev_of(ud, BX_CBOR_TEXT);
    ev->str = data;
    ev->len = len;
}

static void on_bytes_indef(void *ud) { ev_of(ud, BX_CBOR_BYTES_INDEF); }
static void on_text_indef(void *ud) { ev_of(ud, BX_CBOR_TEXT_INDEF); }
static void on_array(void *ud, size_t n) { ev_of(ud, BX_CBOR_ARRAY)->u = n; }
static void on_array_indef(void *ud) { ev_of(ud, BX_CBOR_ARRAY_INDEF); }
static void on_map(void *ud, size_t n) { ev_of(ud, BX_CBOR_MAP)->u = n; }
static void on_map_indef(void *ud) { ev_of(ud, BX_CBOR_MAP_INDEF); }
static void on_tag(void *ud, uint64_t tag) { ev_of(ud, BX_CBOR_TAG)->u = tag; }
static void on_double(void *ud, double v) { ev_of(ud, BX_CBOR_FLOAT)->d = v; }
static void on_float(void *ud, float v) { on_double(ud, v); }
static void on_null(void *ud) { ev_of(ud, BX_CBOR_NULL); }
static void on_undef(void *ud) { ev_of(ud, BX_CBOR_UNDEF); }
static void on_bool(void *ud, bool v) { ev_of(ud, BX_CBOR_BOOL)->b = v; }
static void on_break(void *ud) { ev_of(ud, BX_CBOR_BREAK); }

static const struct cbor_callbacks callbacks = {
    .uint8 = on_uint8,
    .uint16 = on_uint16,
    .uint32 = on_uint32,
    .uint64 = on_uint64,
    .negint8 = on_negint8,
    .negint16 = on_negint16,
    .negint32 = on_negint32,
    .negint64 = on_negint64,
    .byte_string_start = on_bytes_indef,
    .byte_string = on_bytes,
    .string = on_text,
    .string_start = on_text_indef,
    .indef_array_start = on_array_indef,
    .array_start = on_array,
    .indef_map_start = on_map_indef,
    .map_start = on_map,
    .tag = on_tag,
    .float2 = on_float,
    .float4 = on_float,
    .float8 = on_double,
    .undefined = on_undef,
    .null = on_null,
    .boolean = on_bool,
    .indef_break = on_break,
};

void bxi_cbor_pull_init(bx_cbor_pull *p, const void *data, size_t len)
{
    p->data = data;
    p->len = len;
    p->pos = 0;
}

bx_cbor_decoded bxi_cbor_decode_head(const unsigned char *p, size_t avail, bx_cbor_ev *ev,
                                    size_t *used, size_t *need)
{
    memset(ev, 0, sizeof *ev);
    ev->type = (bx_cbor_type)-1;
    struct cbor_decoder_result r = cbor_stream_decode(p, avail, &callbacks, ev);
    if (r.status == CBOR_DECODER_NEDATA) {
        /* a declared length may be absurd: ask for at least one more */
        *need = r.required > avail ? r.required : avail + 1;
        return BX_CBOR_NEED;
    }
    /* libcbor has no callback for unassigned simple values and reserved
     * heads: those come back as errors, or finished without an event. */
    if (r.status != CBOR_DECODER_FINISHED || r.read == 0 ||
        ev->type == (bx_cbor_type)-1)
        return BX_CBOR_BAD;
    *used = r.read;
    return BX_CBOR_DECODED;
}

bool bxi_cbor_pull_next(bx_cbor_pull *p, bx_cbor_ev *ev, const char **why)
{
    if (p->pos >= p->len) {
        *why = "truncated";
        return false;
    }
    size_t used = 0, need = 0;
    switch (bxi_cbor_decode_head(p->data + p->pos, p->len - p->pos, ev, &used, &need)) {
    case BX_CBOR_NEED:
        *why = "truncated";
        return false;
    case BX_CBOR_BAD:
        *why = "malformed";
        return false;
    case BX_CBOR_DECODED:
        break;
    }
    ev->offset = p->pos;
    p->pos += used;
    return true;
}

/* One open container while checking: items still expected (definite), or
 * an indefinite container or string waiting for its break. */
typedef struct open_item {
    uint64_t remaining;
    bx_cbor_type kind; /* ARRAY, MAP (definite), *_INDEF */
    uint64_t seen;     /* items inside an indefinite map, for parity */
} open_item;

#define CHECK_DEPTH_MAX 64

bool bxi_cbor_check_item(const void *data, size_t len, size_t max_depth,
                        const char **why, size_t *at)
{
    open_item stack[CHECK_DEPTH_MAX];
    size_t depth = 0;
    if (max_depth > CHECK_DEPTH_MAX)
        max_depth = CHECK_DEPTH_MAX;
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, data, len);
    bx_cbor_ev ev;
    *at = 0;
    if (len == 0) {
        *why = "empty";
        return false;
    }
    for (;;) {
        *at = p.pos;
        if (!bxi_cbor_pull_next(&p, &ev, why))
            return false;
        open_item *top = depth > 0 ? &stack[depth - 1] : NULL;
        /* Inside an indefinite string only definite chunks of the same
         * major type, then the break, may follow. */
        if (top != NULL && (top->kind == BX_CBOR_TEXT_INDEF || top->kind == BX_CBOR_BYTES_INDEF)) {
            bx_cbor_type chunk = top->kind == BX_CBOR_TEXT_INDEF ? BX_CBOR_TEXT : BX_CBOR_BYTES;
            if (ev.type == BX_CBOR_BREAK) {
                depth--;
            } else if (ev.type != chunk) {
                *why = "bad chunk in an indefinite-length string";
                return false;
            }
        } else if (ev.type == BX_CBOR_BREAK) {
            if (top == NULL || (top->kind != BX_CBOR_ARRAY_INDEF && top->kind != BX_CBOR_MAP_INDEF)) {
                *why = "break outside an indefinite-length item";
                return false;
            }
            if (top->kind == BX_CBOR_MAP_INDEF && top->seen % 2 != 0) {
                *why = "map key without a value";
                return false;
            }
            depth--;
        } else {
            if (top != NULL) {
                if (top->kind == BX_CBOR_ARRAY || top->kind == BX_CBOR_MAP)
                    top->remaining--;
                else
                    top->seen++;
            }
            /* A tag and the item it tags fill one slot together: the
             * tag opens a pseudo-container of exactly one item. */
            if (ev.type == BX_CBOR_TAG) {
                if (depth >= max_depth) {
                    *why = "nested too deep";
                    return false;
                }
                stack[depth++] = (open_item){1, BX_CBOR_ARRAY, 0};
                continue;
            }
            bool opens = (ev.type == BX_CBOR_ARRAY || ev.type == BX_CBOR_MAP) ? ev.u > 0
                         : ev.type == BX_CBOR_ARRAY_INDEF || ev.type == BX_CBOR_MAP_INDEF ||
                               ev.type == BX_CBOR_TEXT_INDEF || ev.type == BX_CBOR_BYTES_INDEF;
            if (opens) {
                if (depth >= max_depth) {
                    *why = "nested too deep";
                    return false;
                }
                uint64_t n = ev.u;
                if (ev.type == BX_CBOR_MAP) {
                    if (n > UINT64_MAX / 2) {
                        *why = "truncated";
                        return false;
                    }
                    n *= 2;
                }
                stack[depth++] = (open_item){n, ev.type, 0};
                continue;
            }
        }
        while (depth > 0 && (stack[depth - 1].kind == BX_CBOR_ARRAY ||
                             stack[depth - 1].kind == BX_CBOR_MAP) &&
               stack[depth - 1].remaining == 0)
            depth--;
        if (depth == 0)
            break;
    }
    if (p.pos != len) {
        *at = p.pos;
        *why = "bytes after the item";
        return false;
    }
    return true;
}
