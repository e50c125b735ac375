/*
 * items_slot.c: the item master (`boxcar serve --items FILE`), so a scan at
 * the station fills the order line: GET /v1/items/CODE finds an item by
 * its sku or any of its barcodes; POST /v1/items (token) adds one the
 * master lacked.
 *
 * The file is read once at start with the library's record reader (CSV,
 * JSON or CBOR, docs/formats.md section 3a). An added item is made
 * durable by an atomic rewrite of the whole file in its own encoding
 * (bx_outfile: a temporary file, fsync, rename): the file on disk is
 * always either the old master or the new one, never half of it, and the
 * answer goes out only once the new one is in place. The master in memory
 * changes only after that, so a failed save leaves both as they were.
 * Items are few next to orders and added rarely (a barcode the master
 * lacked, once), so a rewrite per item is cheap enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

struct svc_items {
    pthread_mutex_t lock;   /* one save at a time; lookups read under it too */
    bx_ctx *ctx;
    bx_item *items;
    size_t n, cap;
    char path[4096];
    bx_format format;
};

/* Room for one more item. */
static int reserve(svc_items *m)
{
    if (m->n < m->cap)
        return 0;
    size_t cap = m->cap ? m->cap * 2 : 256;
    bx_item *p = realloc(m->items, cap * sizeof *p);
    if (p == NULL)
        return -1;
    m->items = p;
    m->cap = cap;
    return 0;
}

/* The first item that a code (or any barcode of `it`) already names. */
static const bx_item *taken(const svc_items *m, const bx_item *it)
{
    for (size_t i = 0; i < m->n; i++) {
        if (bx_item_matches(&m->items[i], it->sku))
            return &m->items[i];
        for (const char *b = it->barcodes; *b != '\0';) {
            char code[BX_ID_MAX];
            size_t len = strcspn(b, "|");
            snprintf(code, sizeof code, "%.*s", (int)len, b);
            if (bx_item_matches(&m->items[i], code))
                return &m->items[i];
            b += len + (b[len] == '|');
        }
    }
    return NULL;
}

svc_items *svc_items_open(const char *path, char *err, size_t err_size)
{
    err[0] = '\0';
    svc_items *m = calloc(1, sizeof *m);
    if (m == NULL || bx_ctx_new(&m->ctx, NULL, NULL) != BX_OK) {
        snprintf(err, err_size, "out of memory");
        free(m);
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    snprintf(m->path, sizeof m->path, "%s", path);
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_file(m->ctx, &r, BX_RECORD_ITEM, BX_FORMAT_AUTO, path, NULL);
    bx_item it;
    while (st == BX_OK && (st = bx_reader_next(r, &it)) == BX_OK) {
        const bx_item *dup = taken(m, &it);
        if (dup != NULL) {
            snprintf(err, err_size, "%s:%llu: item '%s' has a code of item '%s' (line %llu)",
                     path, (unsigned long long)it.line, it.sku, dup->sku,
                     (unsigned long long)dup->line);
            st = BX_EINPUT;
            break;
        }
        if (reserve(m) != 0) {
            snprintf(err, err_size, "out of memory");
            st = BX_ENOMEM;
        } else {
            m->items[m->n++] = it;
        }
    }
    if (r != NULL)
        m->format = bx_reader_format(r);
    bx_reader_close(r);
    if (st != BX_END) {
        if (err[0] == '\0')
            snprintf(err, err_size, "%s", bx_ctx_errmsg(m->ctx));
        svc_items_close(m);
        return NULL;
    }
    return m;
}

void svc_items_close(svc_items *m)
{
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->lock);
    bx_ctx_free(m->ctx);
    free(m->items);
    free(m);
}

size_t svc_items_count(svc_items *m)
{
    pthread_mutex_lock(&m->lock);
    size_t n = m->n;
    pthread_mutex_unlock(&m->lock);
    return n;
}

bool svc_items_find(svc_items *m, const char *code, bx_item *out)
{
    bool found = false;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n && !found; i++)
        if (bx_item_matches(&m->items[i], code)) {
            *out = m->items[i];
            found = true;
        }
    pthread_mutex_unlock(&m->lock);
    return found;
}

/* The whole master, plus `extra`, into the file at once. */
static bx_status rewrite(svc_items *m, const bx_item *extra)
{
    bx_outfile *of = NULL;
    bx_writer *w = NULL;
    bx_status st = bx_outfile_open(m->ctx, &of, m->path);
    if (st == BX_OK)
        st = bx_writer_open(m->ctx, &w, BX_RECORD_ITEM, m->format, bx_outfile_write, of,
                            (uint64_t)m->n + 1);
    for (size_t i = 0; st == BX_OK && i < m->n; i++)
        st = bx_writer_put(w, &m->items[i]);
    if (st == BX_OK)
        st = bx_writer_put(w, extra);
    if (st == BX_OK) {
        st = bx_writer_close(w);
        w = NULL;
    }
    if (st == BX_OK) {
        st = bx_outfile_commit(of);
        of = NULL;
    }
    bx_writer_abort(w);
    bx_outfile_abort(of);
    return st;
}

svc_items_added svc_items_add(svc_items *m, const bx_item *it, char *err, size_t err_size)
{
    pthread_mutex_lock(&m->lock);
    svc_items_added r = SVC_ITEMS_SAVED;
    const bx_item *dup = taken(m, it);
    if (dup != NULL) {
        snprintf(err, err_size, "the item master already has item '%s' with this sku or "
                 "barcode: nothing saved", dup->sku);
        r = SVC_ITEMS_TAKEN;
    } else if (reserve(m) != 0) {
        snprintf(err, err_size, "out of memory: nothing saved");
        r = SVC_ITEMS_FAILED;
    } else {
        bx_status st = rewrite(m, it);
        if (st != BX_OK) {
            snprintf(err, err_size, "%s: nothing saved", bx_ctx_errmsg(m->ctx));
            r = SVC_ITEMS_FAILED;
        } else {
            m->items[m->n++] = *it; /* room was made before the rewrite */
        }
    }
    pthread_mutex_unlock(&m->lock);
    return r;
}
