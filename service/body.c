/*
 * body.c: a JSON or CBOR request body as a jansson tree, for the endpoints
 * whose bodies are not order files (shipments, container events).
 *
 * CBOR is read item head by item head with libcbor's streaming decoder and
 * built into the tree here, with an explicit stack: no recursion, so a
 * body of nested arrays one byte each cannot exhaust the C stack, and the
 * depth limit refuses it after a few bytes. Only what JSON can say is
 * taken: text keys, text, integers, floats, booleans, null, definite
 * lengths. Both encodings refuse duplicate keys.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "svc.h"

#define STACK_MAX 16

typedef struct frame {
    json_t *node;       /* array or object */
    uint64_t left;      /* items (arrays) or keys + values (maps) to come */
    char *key;          /* a map's key waiting for its value (malloc) */
} frame;

typedef struct builder {
    frame stack[STACK_MAX];
    size_t depth, max_depth;
    json_t *root;
    bool failed;
    char why[160];
} builder;

static void fail(builder *b, const char *why)
{
    if (!b->failed) {
        b->failed = true;
        snprintf(b->why, sizeof b->why, "%s", why);
    }
}

/* Close every container that has all its items. */
static void pop_full(builder *b)
{
    while (b->depth > 0 && b->stack[b->depth - 1].left == 0) {
        b->depth--;
        free(b->stack[b->depth].key);
        b->stack[b->depth].key = NULL;
    }
}

/* A finished value: the root, an array item, a map key or a map value.
 * Takes the reference. */
static void add(builder *b, json_t *v, bool is_container)
{
    if (b->failed) {
        json_decref(v);
        return;
    }
    if (v == NULL) {
        fail(b, "out of memory, or text that is not UTF-8");
        return;
    }
    if (b->depth == 0) {
        if (b->root != NULL) {
            json_decref(v);
            fail(b, "more than one item");
            return;
        }
        b->root = v;
    } else {
        frame *f = &b->stack[b->depth - 1];
        if (json_is_array(f->node)) {
            json_array_append_new(f->node, v);
        } else if (f->key == NULL) {
            if (!json_is_string(v)) {
                json_decref(v);
                fail(b, "a map key that is not text");
                return;
            }
            size_t n = json_string_length(v);
            bool nul = strlen(json_string_value(v)) != n;
            if ((f->key = malloc(n + 1)) != NULL)
                memcpy(f->key, json_string_value(v), n + 1);
            json_decref(v);
            if (f->key == NULL || nul) {
                fail(b, nul ? "a map key with a NUL byte" : "out of memory");
                return;
            }
            if (json_object_get(f->node, f->key) != NULL)
                fail(b, "a key given twice");
            f->left--;
            return;
        } else {
            json_object_set_new(f->node, f->key, v);
            free(f->key);
            f->key = NULL;
        }
        f->left--;
    }
    if (!is_container)
        pop_full(b);
}

static void push(builder *b, json_t *node, uint64_t left)
{
    if (node == NULL) {
        fail(b, "out of memory");
        return;
    }
    if (b->failed) {
        json_decref(node);
        return;
    }
    if (b->depth >= b->max_depth) {
        json_decref(node);
        fail(b, "nested too deeply");
        return;
    }
    json_incref(node); /* one reference for the parent, one for the stack */
    add(b, node, true);
    if (b->failed) {
        json_decref(node);
        return;
    }
    json_decref(node); /* the parent (or root) holds it; the frame borrows */
    b->stack[b->depth].node = node;
    b->stack[b->depth].left = left;
    b->stack[b->depth].key = NULL;
    b->depth++;
    pop_full(b);
}

static void on_uint(builder *b, uint64_t v)
{
    if (v > (uint64_t)INT64_MAX)
        fail(b, "an integer beyond 2^63 - 1");
    else
        add(b, json_integer((json_int_t)v), false);
}

static void on_negint(builder *b, uint64_t v)
{
    /* CBOR's negative integer n stands for -1 - n */
    if (v > (uint64_t)INT64_MAX)
        fail(b, "an integer below -2^63");
    else
        add(b, json_integer(-1 - (json_int_t)v), false);
}

static void u8(void *ctx, uint8_t v) { on_uint(ctx, v); }
static void u16(void *ctx, uint16_t v) { on_uint(ctx, v); }
static void u32(void *ctx, uint32_t v) { on_uint(ctx, v); }
static void u64(void *ctx, uint64_t v) { on_uint(ctx, v); }
static void n8(void *ctx, uint8_t v) { on_negint(ctx, v); }
static void n16(void *ctx, uint16_t v) { on_negint(ctx, v); }
static void n32(void *ctx, uint32_t v) { on_negint(ctx, v); }
static void n64(void *ctx, uint64_t v) { on_negint(ctx, v); }

static void text(void *ctx, cbor_data data, uint64_t len)
{
    add(ctx, json_stringn((const char *)data, (size_t)len), false);
}

static void on_double(builder *b, double v)
{
    if (!isfinite(v))
        fail(b, "a number that is not finite");
    else
        add(b, json_real(v), false);
}

static void f2(void *ctx, float v) { on_double(ctx, v); }
static void f8(void *ctx, double v) { on_double(ctx, v); }

static void array_start(void *ctx, uint64_t n) { push(ctx, json_array(), n); }

static void map_start(void *ctx, uint64_t n)
{
    builder *b = ctx;
    if (n > UINT64_MAX / 2)
        fail(b, "a map too large");
    else
        push(b, json_object(), 2 * n);
}

static void null_item(void *ctx) { add(ctx, json_null(), false); }
static void boolean(void *ctx, bool v) { add(ctx, json_boolean(v), false); }

static void refuse_bytes(void *ctx) { fail(ctx, "a byte string"); }
static void refuse_bytes_data(void *ctx, cbor_data d, uint64_t n)
{
    (void)d, (void)n;
    fail(ctx, "a byte string");
}
static void refuse_indef(void *ctx) { fail(ctx, "an indefinite length"); }
static void refuse_tag(void *ctx, uint64_t t)
{
    (void)t;
    fail(ctx, "a tag");
}
static void refuse_undefined(void *ctx) { fail(ctx, "undefined"); }

static const struct cbor_callbacks callbacks = {
    .uint8 = u8, .uint16 = u16, .uint32 = u32, .uint64 = u64,
    .negint8 = n8, .negint16 = n16, .negint32 = n32, .negint64 = n64,
    .byte_string_start = refuse_bytes, .byte_string = refuse_bytes_data,
    .string = text, .string_start = refuse_indef,
    .indef_array_start = refuse_indef, .array_start = array_start,
    .indef_map_start = refuse_indef, .map_start = map_start,
    .tag = refuse_tag, .float2 = f2, .float4 = f2, .float8 = f8,
    .undefined = refuse_undefined, .null = null_item, .boolean = boolean,
    .indef_break = refuse_indef,
};

static json_t *decode_cbor(const unsigned char *data, size_t len,
                           size_t max_depth, char *err, size_t err_size,
                           unsigned *status)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.max_depth = max_depth < STACK_MAX ? max_depth : STACK_MAX;
    size_t at = 0;
    while (at < len && !b.failed) {
        struct cbor_decoder_result r =
            cbor_stream_decode(data + at, len - at, &callbacks, &b);
        if (r.status == CBOR_DECODER_NEDATA) {
            fail(&b, "the body ends inside an item");
            break;
        }
        if (r.status != CBOR_DECODER_FINISHED || r.read == 0) {
            fail(&b, "malformed CBOR");
            break;
        }
        at += r.read;
        if (b.root != NULL && b.depth == 0 && at < len)
            fail(&b, "bytes after the item");
    }
    if (!b.failed && (b.root == NULL || b.depth > 0))
        fail(&b, "the body ends inside an item");
    for (size_t i = 0; i < b.depth; i++)
        free(b.stack[i].key);
    if (b.failed) {
        *status = b.depth >= b.max_depth && strcmp(b.why, "nested too deeply") == 0 ? 413 : 400;
        snprintf(err, err_size, "CBOR body, byte %zu: %s", at, b.why);
        json_decref(b.root);
        return NULL;
    }
    return b.root;
}

/* jansson parses recursively, but stops at a depth it was built with
 * (2048), well inside any thread's stack; the depth the endpoint allows
 * is then checked on the tree. */
static size_t depth_of(const json_t *v, size_t limit)
{
    if (!json_is_array(v) && !json_is_object(v))
        return 0;
    if (limit == 0)
        return 1; /* one container more than allowed: enough to refuse */
    size_t most = 0;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            size_t d = depth_of(json_array_get(v, i), limit - 1);
            most = d > most ? d : most;
        }
        return most + 1;
    }
    if (json_is_object(v)) {
        const char *k;
        json_t *item;
        json_object_foreach((json_t *)v, k, item) {
            size_t d = depth_of(item, limit - 1);
            most = d > most ? d : most;
        }
        return most + 1;
    }
    return 0;
}

json_t *svc_body_decode(const svc_call *c, size_t max_depth, char *err,
                        size_t err_size, unsigned *status)
{
    *status = 400;
    if (c->body_media == SVC_MEDIA_CBOR)
        return decode_cbor(c->body, c->body_len, max_depth, err, err_size, status);
    json_error_t je;
    json_t *doc = json_loadb((const char *)c->body, c->body_len,
                             JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY,
                             &je);
    if (doc == NULL) {
        /* jansson's own depth limit (2048) */
        if (json_error_code(&je) == json_error_stack_overflow)
            *status = 413;
        snprintf(err, err_size, "JSON body, line %d, column %d: %s", je.line,
                 je.column, je.text);
        return NULL;
    }
    if (depth_of(doc, max_depth) > max_depth) {
        *status = 413;
        snprintf(err, err_size, "JSON body: nested more than %zu deep", max_depth);
        json_decref(doc);
        return NULL;
    }
    return doc;
}
