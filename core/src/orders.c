/*
 * orders.c: group adjacent order lines into orders.
 */
#include <string.h>

#include "boxcar/orders.h"
#include "internal.h"

struct bx_order_reader {
    bx_ctx *ctx;
    bx_reader *reader;
    bx_order_line *lines; /* the order being returned */
    size_t n, cap;
    bx_order_line next;   /* first line of the following order, read ahead */
    bool have_next;
    bool next_failed;     /* a bad line came just before `next` */
    bool done;
    uint64_t bad_lines;
    char id[BX_ID_MAX];
};

bx_status bx_order_reader_wrap(bx_ctx *ctx, bx_order_reader **out, bx_reader *reader)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || reader == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_order_reader_wrap: bad argument");
    *out = NULL;
    bx_order_reader *r = bx_alloc(ctx, sizeof *r);
    if (r == NULL) {
        bx_reader_close(reader);
        return BX_ENOMEM;
    }
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->reader = reader;
    *out = r;
    return BX_OK;
}

bx_status bx_order_reader_open(bx_ctx *ctx, bx_order_reader **out, const char *path,
                               bx_format fmt)
{
    bx_reader *reader = NULL;
    bx_status st = bx_reader_open_file(ctx, &reader, BX_RECORD_ORDER_LINE, fmt, path, NULL);
    if (st != BX_OK) {
        bx_reader_close(reader);
        return st;
    }
    return bx_order_reader_wrap(ctx, out, reader);
}

static bx_status push(bx_order_reader *r, const bx_order_line *l)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        bx_order_line *p = bx_realloc(r->ctx, r->lines, cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        r->lines = p;
        r->cap = cap;
    }
    r->lines[r->n++] = *l;
    return BX_OK;
}

/* Read one line: BX_OK with *l, BX_END, BX_EINPUT for a bad (skipped) line,
 * or a fatal error. */
static bx_status read_line(bx_order_reader *r, bx_order_line *l)
{
    bx_status st = bx_reader_next(r->reader, l);
    if (st == BX_EINPUT && bx_reader_recoverable(r->reader))
        r->bad_lines++;
    else if (st != BX_OK && st != BX_END)
        r->done = true;
    return st;
}

bx_status bx_order_reader_next(bx_order_reader *r, bx_order_batch *out)
{
    if (r == NULL || out == NULL)
        return BX_EINVAL;
    memset(out, 0, sizeof *out);
    r->n = 0;
    bool failed = false;
    bx_order_line l;
    bx_status st;
    /* The first line of this order: read ahead last time, or now. */
    if (r->have_next) {
        l = r->next;
        failed = r->next_failed;
        r->have_next = false;
    } else {
        if (r->done)
            return BX_END;
        while ((st = read_line(r, &l)) == BX_EINPUT && bx_reader_recoverable(r->reader))
            failed = true; /* bad lines before the first good one */
        if (st == BX_END) {
            r->done = true;
            return BX_END;
        }
        if (st != BX_OK)
            return st;
    }
    if ((st = push(r, &l)) != BX_OK)
        return st;
    memcpy(r->id, l.order_id, BX_ID_MAX);
    bool bad_seen = false; /* a bad line since the last good one */
    for (;;) {
        st = read_line(r, &l);
        if (st == BX_EINPUT && bx_reader_recoverable(r->reader)) {
            bad_seen = true;
            continue;
        }
        if (st == BX_END) {
            r->done = true;
            failed |= bad_seen;
            break;
        }
        if (st != BX_OK)
            return st;
        if (strcmp(l.order_id, r->id) != 0) {
            /* A bad line between two orders may belong to either. */
            failed |= bad_seen;
            r->next = l;
            r->have_next = true;
            r->next_failed = bad_seen;
            break;
        }
        failed |= bad_seen;
        bad_seen = false;
        if ((st = push(r, &l)) != BX_OK)
            return st;
    }
    out->order_id = r->id;
    out->lines = r->lines;
    out->nlines = r->n;
    out->failed = failed;
    out->first_line = r->lines[0].line;
    return BX_OK;
}

uint64_t bx_order_reader_bad_lines(const bx_order_reader *r)
{
    return r == NULL ? 0 : r->bad_lines;
}

void bx_order_reader_close(bx_order_reader *r)
{
    if (r == NULL)
        return;
    bx_reader_close(r->reader);
    bx_free(r->ctx, r->lines);
    bx_free(r->ctx, r);
}
