/*
 * orders.c: group adjacent order lines into orders.
 */
#include <string.h>

#include "boxcar/orders.h"
#include "internal.h"

/* Messages kept per order: the context's own are this long at most. */
#define ORDER_MSG_SIZE 512

struct bx_order_reader {
    bx_ctx *ctx;
    bx_reader *reader;
    bx_order_line *lines; /* the order being returned */
    size_t n, cap;
    /* Read ahead: the first line of the following order. It is a good
     * line, or (next_bad) a bad one that named next.order_id. */
    bx_order_line next;
    bool have_next;
    bool next_bad;
    bool next_failed;     /* a bad line of no known order came just before it */
    char next_msg[ORDER_MSG_SIZE]; /* the following order's first problem */
    bool done;
    uint64_t bad_lines;
    char id[BX_ID_MAX];
    char msg[ORDER_MSG_SIZE];      /* this order's first problem */
    char unknown_msg[ORDER_MSG_SIZE]; /* the first bad line of no known order
                                         since the last line that had one */
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

/* What one read gave. */
typedef enum line_kind {
    LINE_GOOD,     /* *l is a line */
    LINE_BAD,      /* a bad line naming its order: l->order_id, l->line */
    LINE_BAD_ANON, /* a bad line whose order cannot be told */
    LINE_END,
    LINE_FATAL     /* *st says why; nothing more is read */
} line_kind;

static line_kind read_line(bx_order_reader *r, bx_order_line *l, bx_status *st)
{
    *st = bx_reader_next(r->reader, l);
    if (*st == BX_OK)
        return LINE_GOOD;
    if (*st == BX_END) {
        r->done = true;
        return LINE_END;
    }
    if (*st == BX_EINPUT && bx_reader_recoverable(r->reader)) {
        r->bad_lines++;
        if (r->reader->bad_order_id[0] == '\0')
            return LINE_BAD_ANON;
        memset(l, 0, sizeof *l);
        memcpy(l->order_id, r->reader->bad_order_id, BX_ID_MAX);
        l->line = r->reader->bad_line;
        return LINE_BAD;
    }
    r->done = true;
    return LINE_FATAL;
}

static void keep_msg(char *dst, const char *msg)
{
    if (dst[0] == '\0')
        snprintf(dst, ORDER_MSG_SIZE, "%s", msg);
}

/* The end of the input. Bad lines that no order could take (none named
 * its order, and no order was near) would be lost without a word to the
 * caller, who sees only orders: that is an error of its own. */
static bx_status end_of_orders(bx_order_reader *r, bool orphans)
{
    r->done = true;
    if (!orphans)
        return BX_END;
    bx_location at = {0};
    at.file = r->reader->name;
    return bxi_input_error(r->ctx, BX_EINPUT, &at,
                          "no order could be read: %llu bad line%s, and none "
                          "names its order",
                          (unsigned long long)r->bad_lines,
                          r->bad_lines == 1 ? "" : "s");
}

bx_status bx_order_reader_next(bx_order_reader *r, bx_order_batch *out)
{
    if (r == NULL || out == NULL)
        return BX_EINVAL;
    memset(out, 0, sizeof *out);
    r->n = 0;
    r->msg[0] = '\0';
    bool failed = false;
    bx_order_line l;
    bx_status st;
    line_kind k;
    /* The first line of this order: read ahead last time, or now. */
    if (r->have_next) {
        l = r->next;
        k = r->next_bad ? LINE_BAD : LINE_GOOD;
        failed = r->next_failed || r->next_bad;
        memcpy(r->msg, r->next_msg, sizeof r->msg);
        r->have_next = false;
    } else {
        if (r->done)
            return BX_END;
        while ((k = read_line(r, &l, &st)) == LINE_BAD_ANON) {
            /* bad lines before the first one of an order: that order's */
            keep_msg(r->msg, bx_ctx_errmsg(r->ctx));
            failed = true;
        }
        if (k == LINE_END)
            return end_of_orders(r, failed);
        if (k == LINE_FATAL)
            return st;
    }
    memcpy(r->id, l.order_id, BX_ID_MAX);
    uint64_t first_line = l.line;
    if (k == LINE_GOOD && (st = push(r, &l)) != BX_OK)
        return st;
    if (k == LINE_BAD) {
        failed = true;
        keep_msg(r->msg, bx_ctx_errmsg(r->ctx));
    }
    bool anon_seen = false; /* a bad line of no known order since the last line */
    r->unknown_msg[0] = '\0';
    for (;;) {
        k = read_line(r, &l, &st);
        if (k == LINE_BAD_ANON) {
            keep_msg(r->unknown_msg, bx_ctx_errmsg(r->ctx));
            anon_seen = true;
            continue;
        }
        if (k == LINE_FATAL)
            return st;
        /* A bad line of no known order just before the end, the next
         * order or another line of this one may be this order's. */
        if (anon_seen) {
            failed = true;
            keep_msg(r->msg, r->unknown_msg);
        }
        if (k == LINE_END)
            break;
        if (strcmp(l.order_id, r->id) != 0) {
            /* ... or the next order's. */
            r->next = l;
            r->next_bad = k == LINE_BAD;
            r->have_next = true;
            r->next_failed = anon_seen;
            r->next_msg[0] = '\0';
            keep_msg(r->next_msg, anon_seen ? r->unknown_msg : k == LINE_BAD
                                                               ? bx_ctx_errmsg(r->ctx)
                                                               : "");
            break;
        }
        anon_seen = false;
        r->unknown_msg[0] = '\0';
        if (k == LINE_BAD) {
            failed = true;
            keep_msg(r->msg, bx_ctx_errmsg(r->ctx));
        } else if ((st = push(r, &l)) != BX_OK) {
            return st;
        }
    }
    out->order_id = r->id;
    out->lines = r->lines;
    out->nlines = r->n;
    out->failed = failed;
    out->error = failed ? r->msg : NULL;
    out->first_line = first_line;
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
