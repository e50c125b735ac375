/*
 * doc.c: byte buffers, and the small documents the service makes itself
 * (errors, health, lists of pictures) in JSON or CBOR.
 *
 * A document is built once as a jansson tree and written in either
 * encoding, so the two always carry the same content. Packing results do
 * not come through here: they are written by libboxcar's pack_io writers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "svc.h"

/* ---- svc_buf -------------------------------------------------------------- */

static int reserve(svc_buf *b, size_t more)
{
    if (more <= b->cap - b->len)
        return 0;
    if (more > SIZE_MAX / 2 - b->len)
        return -1;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->len < more)
        cap *= 2;
    unsigned char *p = realloc(b->data, cap);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int svc_buf_put(svc_buf *b, const void *data, size_t size)
{
    if (size == 0)
        return 0;
    if (reserve(b, size) != 0)
        return -1;
    memcpy(b->data + b->len, data, size);
    b->len += size;
    return 0;
}

int svc_buf_puts(svc_buf *b, const char *s)
{
    return svc_buf_put(b, s, strlen(s));
}

int svc_buf_printf(svc_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof small)
        return svc_buf_put(b, small, (size_t)n);
    if (reserve(b, (size_t)n + 1) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int svc_buf_write(void *ud, const void *data, size_t size)
{
    return svc_buf_put(ud, data, size);
}

void svc_buf_free(svc_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ---- JSON ------------------------------------------------------------------ */

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return svc_buf_put(data, buffer, size);
}

static int encode_json(const json_t *doc, svc_buf *out)
{
    if (json_dump_callback(doc, dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
        return -1;
    return svc_buf_put(out, "\n", 1);
}

/* ---- CBOR ------------------------------------------------------------------ */

static int put_head(svc_buf *out, size_t (*enc)(size_t, unsigned char *, size_t),
                    size_t n)
{
    unsigned char head[9];
    size_t k = enc(n, head, sizeof head);
    return k == 0 ? -1 : svc_buf_put(out, head, k);
}

static int put_text(svc_buf *out, const char *s, size_t len)
{
    if (put_head(out, cbor_encode_string_start, len) != 0)
        return -1;
    return svc_buf_put(out, s, len);
}

/* Core deterministic order of text keys: shorter first, then bytewise. */
static int key_cmp(const void *a, const void *b)
{
    const char *ka = *(const char *const *)a, *kb = *(const char *const *)b;
    size_t la = strlen(ka), lb = strlen(kb);
    if (la != lb)
        return la < lb ? -1 : 1;
    return memcmp(ka, kb, la);
}

static int encode_cbor(const json_t *v, svc_buf *out, int depth);

static int encode_object(const json_t *v, svc_buf *out, int depth)
{
    size_t n = json_object_size(v), i = 0;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    if (keys == NULL)
        return -1;
    const char *k;
    json_t *item;
    json_object_foreach((json_t *)v, k, item)
        keys[i++] = k;
    qsort(keys, n, sizeof *keys, key_cmp);
    int rc = put_head(out, cbor_encode_map_start, n);
    for (i = 0; i < n && rc == 0; i++) {
        rc = put_text(out, keys[i], strlen(keys[i]));
        if (rc == 0)
            rc = encode_cbor(json_object_get(v, keys[i]), out, depth + 1);
    }
    free(keys);
    return rc;
}

static int encode_cbor(const json_t *v, svc_buf *out, int depth)
{
    unsigned char buf[9];
    size_t k = 0;
    if (depth > 8)
        return -1; /* the service's own documents are flat */
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return encode_object(v, out, depth);
    case JSON_ARRAY: {
        int rc = put_head(out, cbor_encode_array_start, json_array_size(v));
        for (size_t i = 0; i < json_array_size(v) && rc == 0; i++)
            rc = encode_cbor(json_array_get(v, i), out, depth + 1);
        return rc;
    }
    case JSON_STRING:
        return put_text(out, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(v);
        k = i >= 0 ? cbor_encode_uint((uint64_t)i, buf, sizeof buf)
                   : cbor_encode_negint((uint64_t)(-(i + 1)), buf, sizeof buf);
        break;
    }
    case JSON_REAL:
        k = cbor_encode_double(json_real_value(v), buf, sizeof buf);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        k = cbor_encode_bool(json_is_true(v), buf, sizeof buf);
        break;
    case JSON_NULL:
        k = cbor_encode_null(buf, sizeof buf);
        break;
    }
    return k == 0 ? -1 : svc_buf_put(out, buf, k);
}

int svc_doc_encode(const json_t *doc, svc_media media, svc_buf *out)
{
    if (doc == NULL)
        return -1;
    return media == SVC_MEDIA_CBOR ? encode_cbor(doc, out, 0)
                                   : encode_json(doc, out);
}
