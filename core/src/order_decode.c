/*
 * order_decode.c: one order from a document in memory, such as the body
 * of a packing request.
 *
 * The body is an order file in any of its encodings, so there is no
 * decoder here: the record readers (csv_records.c, json_records.c,
 * cbor_records.c) check every line with the same schema, limits and
 * messages as for a file. This adds what a request needs on top: stop at
 * the first problem, insist on exactly one order, and keep the lines in a
 * buffer the caller reuses.
 */
#include <string.h>

#include "boxcar/orders.h"
#include "internal.h"

static bx_status push(bx_ctx *ctx, bx_order_buf *buf, const bx_order_line *l)
{
    if (buf->nlines == buf->cap) {
        size_t cap = buf->cap ? buf->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof *buf->lines)
            return bxi_error(ctx, BX_ENOMEM, "too many order lines");
        bx_order_line *p = bx_realloc(ctx, buf->lines, cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        buf->lines = p;
        buf->cap = cap;
    }
    buf->lines[buf->nlines++] = *l;
    return BX_OK;
}

/* A line of another order: the request is refused rather than packed in
 * part, and the message points at the line where the second order starts
 * (a record number for CBOR, which has no lines). */
static bx_status second_order(bx_ctx *ctx, const bx_reader *r,
                              const char *name, const bx_order_line *first,
                              const bx_order_line *l)
{
    bx_location where = {0};
    where.file = name;
    where.field = "order_id";
    if (bx_reader_format(r) == BX_FORMAT_CBOR)
        where.record = l->line;
    else
        where.line = l->line;
    return bxi_input_error(ctx, BX_EINPUT, &where,
                          "order '%s' follows order '%s': send one order "
                          "at a time", l->order_id, first->order_id);
}

static bx_status read_all(bx_ctx *ctx, bx_order_buf *buf, bx_reader *r,
                          const char *name)
{
    for (;;) {
        bx_order_line l;
        bx_status st = bx_reader_next(r, &l);
        if (st == BX_END)
            break;
        if (st != BX_OK)
            return st;
        if (buf->nlines > 0 &&
            strcmp(l.order_id, buf->lines[0].order_id) != 0)
            return second_order(ctx, r, name, &buf->lines[0], &l);
        if ((st = push(ctx, buf, &l)) != BX_OK)
            return st;
    }
    if (buf->nlines == 0)
        return bxi_error(ctx, BX_EINPUT, "%s: no order line: the document "
                        "holds no order", name);
    return BX_OK;
}

bx_status bx_order_decode(bx_ctx *ctx, bx_order_buf *buf, bx_format fmt,
                          const char *name, const void *data, size_t size,
                          const bx_reader_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (buf == NULL || (data == NULL && size != 0))
        return bxi_error(ctx, BX_EINVAL, "bx_order_decode: bad argument");
    buf->nlines = 0;
    if (name == NULL)
        name = "<memory>";
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_mem(ctx, &r, BX_RECORD_ORDER_LINE, fmt,
                                      name, data, size, limits);
    if (st == BX_OK)
        st = read_all(ctx, buf, r, name);
    bx_reader_close(r);
    if (st != BX_OK)
        buf->nlines = 0;
    return st;
}

void bx_order_buf_free(bx_ctx *ctx, bx_order_buf *buf)
{
    if (buf == NULL)
        return;
    bx_free(ctx, buf->lines);
    memset(buf, 0, sizeof *buf);
}
