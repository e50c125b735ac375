/*
 * check.c: read a catalog or order file to its end and report every problem.
 */
#include <stdlib.h>
#include <string.h>

#include "boxcar/check.h"
#include "internal.h"

/* One run of adjacent lines of an order, or one box: an id and its line. */
typedef struct seen_id {
    char id[BX_ID_MAX];
    uint64_t line;
} seen_id;

typedef struct id_list {
    seen_id *v;
    size_t n, cap;
} id_list;

static bx_status push_id(bx_ctx *ctx, id_list *l, const char *id, uint64_t line)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 64;
        seen_id *p = bx_realloc(ctx, l->v, ncap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        l->v = p;
        l->cap = ncap;
    }
    memcpy(l->v[l->n].id, id, BX_ID_MAX);
    l->v[l->n].line = line;
    l->n++;
    return BX_OK;
}

static int cmp_seen(const void *a, const void *b)
{
    const seen_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c != 0)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

typedef struct checker {
    bx_ctx *ctx;
    const char *file;
    bx_check_result *res;
    id_list ids;        /* boxes, or one entry per run of an order's lines */
    id_list items;      /* item ids of the current order run */
    char order[BX_ID_MAX];
} checker;

typedef enum repeat_kind {
    DUPLICATE_BOX,  /* error: box ids are unique in a catalog */
    SPLIT_ORDER,    /* error: an order's lines must be adjacent */
    REPEATED_ITEM   /* warning: the quantities add up */
} repeat_kind;

/* Report l->v[i], a repeat of the id first seen on line `first`. */
static bx_status report_repeat(checker *c, repeat_kind kind,
                               const seen_id *again, uint64_t first)
{
    unsigned long long f = (unsigned long long)first;
    bx_location at = {c->file, again->line, 0, 0, 0, NULL};
    switch (kind) {
    case DUPLICATE_BOX:
        at.field = "box_id";
        bxi_input_error(c->ctx, BX_EINPUT, &at,
                       "duplicate box_id '%s' (first on line %llu)", again->id, f);
        c->res->errors++;
        break;
    case SPLIT_ORDER:
        at.field = "order_id";
        bxi_input_error(c->ctx, BX_EINPUT, &at,
                       "the lines of order '%s' are not together (an earlier "
                       "run starts on line %llu)", again->id, f);
        c->res->errors++;
        break;
    case REPEATED_ITEM:
        at.field = "item_id";
        /* keeping the warning's text may need memory */
        return bxi_warn(c->ctx, &at,
                       "item '%s' appears again in the same order (first on "
                       "line %llu); its quantities add up", again->id, f);
    }
    return BX_OK;
}

/* Sort the list; report every id that appears twice at its later use. */
static bx_status report_repeats(checker *c, id_list *l, repeat_kind kind)
{
    if (l->n < 2)
        return BX_OK; /* also keeps a NULL list away from qsort */
    qsort(l->v, l->n, sizeof *l->v, cmp_seen);
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(l->v[i].id, l->v[i - 1].id) != 0)
            continue;
        size_t j = i - 1;
        while (j > 0 && strcmp(l->v[j - 1].id, l->v[i].id) == 0)
            j--;
        bx_status st = report_repeat(c, kind, &l->v[i], l->v[j].line);
        if (st != BX_OK)
            return st;
    }
    return BX_OK;
}

static bx_status end_order_run(checker *c)
{
    bx_status st = report_repeats(c, &c->items, REPEATED_ITEM);
    c->items.n = 0;
    return st;
}

static bx_status on_line(checker *c, const bx_order_line *l)
{
    c->res->units += (uint64_t)l->qty;
    if (strcmp(l->order_id, c->order) != 0) {
        bx_status st = end_order_run(c);
        if (st != BX_OK)
            return st;
        memcpy(c->order, l->order_id, BX_ID_MAX);
        st = push_id(c->ctx, &c->ids, l->order_id, l->line);
        if (st != BX_OK)
            return st;
    }
    return push_id(c->ctx, &c->items, l->item_id, l->line);
}

static void count_orders(checker *c)
{
    /* After report_repeats sorted the runs, distinct ids are the orders. */
    for (size_t i = 0; i < c->ids.n; i++)
        if (i == 0 || strcmp(c->ids.v[i].id, c->ids.v[i - 1].id) != 0)
            c->res->orders++;
}

bx_status bx_check_file(bx_ctx *ctx, const char *path, bx_record_kind kind,
                        bx_format fmt, bx_check_result *out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (path == NULL || out == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_check_file: bad argument");
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->format = fmt;
    checker c = {ctx, path, out, {0}, {0}, {0}};
    size_t warnings_before = bx_ctx_warning_count(ctx);
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_file(ctx, &r, kind, fmt, path, NULL);
    bx_status fatal = BX_OK;
    if (st != BX_OK) {
        if (st == BX_EINPUT)
            out->errors++;
        fatal = st;
    }
    bx_record rec;
    void *dst = kind == BX_RECORD_AUTO ? (void *)&rec
                : kind == BX_RECORD_BOX ? (void *)&rec.u.box : (void *)&rec.u.line;
    while (fatal == BX_OK && (st = bx_reader_next(r, dst)) != BX_END) {
        if (st == BX_EINPUT || st == BX_ELIMIT)
            out->records++;
        if (st == BX_EINPUT && bx_reader_recoverable(r)) {
            out->errors++;
            continue;
        }
        if (st != BX_OK) {
            if (st == BX_EINPUT || st == BX_ELIMIT)
                out->errors++;
            fatal = st;
            break;
        }
        out->records++;
        bx_record_kind k = bx_reader_kind(r);
        if (k == BX_RECORD_BOX)
            st = push_id(ctx, &c.ids, rec.u.box.box_id, rec.u.box.line);
        else if (k == BX_RECORD_ORDER_LINE)
            st = on_line(&c, &rec.u.line);
        if (st != BX_OK)
            fatal = st;
    }
    if (r != NULL) {
        out->kind = bx_reader_kind(r);
        out->format = bx_reader_format(r);
    }
    if (fatal == BX_OK) {
        if (out->kind == BX_RECORD_BOX) {
            fatal = report_repeats(&c, &c.ids, DUPLICATE_BOX);
            if (fatal == BX_OK && out->records == 0) {
                bx_location at = {path, 0, 0, 0, 0, NULL};
                bxi_input_error(ctx, BX_EINPUT, &at, "the catalog has no boxes");
                out->errors++;
            }
        } else if (out->kind == BX_RECORD_ORDER_LINE) {
            fatal = end_order_run(&c);
            if (fatal == BX_OK)
                fatal = report_repeats(&c, &c.ids, SPLIT_ORDER);
            count_orders(&c);
        }
    }
    /* Every warning goes through the context, the reader's too. */
    out->warnings = bx_ctx_warning_count(ctx) - warnings_before;
    bx_reader_close(r);
    bx_free(ctx, c.ids.v);
    bx_free(ctx, c.items.v);
    if (fatal != BX_OK)
        return fatal;
    return out->errors ? BX_EINPUT : BX_OK;
}
