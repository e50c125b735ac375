/*
 * catalog.c: a validated, read-only set of boxes with lookup by id.
 */
#include <stdlib.h>
#include <string.h>

#include "boxcar/catalog.h"
#include "internal.h"

struct bx_catalog {
    bx_alloc_fn alloc; /* the loading context's allocator, kept so the */
    void *alloc_ud;    /* catalog outlives that context */
    size_t block_size;
    size_t n;
    bx_box *boxes;     /* in input order */
    uint32_t *by_id;   /* indices sorted by box_id, for bx_catalog_find */
};

/* qsort has no user pointer, so sort (id, index) pairs instead of indices. */
typedef struct id_ref {
    const char *id;
    uint64_t line;
    uint32_t index;
} id_ref;

static int cmp_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort refs by id and report every repeated id against its first use. */
static bx_status report_duplicates(bx_ctx *ctx, const char *file, id_ref *refs,
                                   size_t n, const char *what, size_t *nerrors)
{
    bx_status first = BX_OK;
    qsort(refs, n, sizeof *refs, cmp_ref);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(refs[i].id, refs[i - 1].id) != 0)
            continue;
        size_t j = i - 1;
        while (j > 0 && strcmp(refs[j - 1].id, refs[i].id) == 0)
            j--;
        bx_location at = {file, refs[i].line, 0, 0, 0, what};
        bxi_input_error(ctx, BX_EINPUT, &at, "duplicate %s '%s' (first on line %llu)",
                       what, refs[i].id, (unsigned long long)refs[j].line);
        (*nerrors)++;
        first = BX_EINPUT;
    }
    return first;
}

static bx_status build(bx_ctx *ctx, bx_catalog **out, const char *file,
                       const bx_box *boxes, size_t n)
{
    if (n == 0)
        return bxi_input_error(ctx, BX_EINPUT, &(bx_location){file, 0, 0, 0, 0, NULL},
                              "the catalog has no boxes");
    if (n > UINT32_MAX)
        return bxi_error(ctx, BX_ELIMIT, "catalog of %zu boxes is too large", n);
    id_ref *refs = bx_alloc(ctx, n * sizeof *refs);
    if (refs == NULL)
        return BX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        refs[i] = (id_ref){boxes[i].box_id, boxes[i].line, (uint32_t)i};
    size_t nerr = 0;
    bx_status st = report_duplicates(ctx, file, refs, n, "box_id", &nerr);
    if (st != BX_OK) {
        bx_free(ctx, refs);
        return st;
    }
    bx_alloc_fn fn;
    void *ud;
    bxi_ctx_allocator(ctx, &fn, &ud);
    size_t size = sizeof(bx_catalog) + n * sizeof(bx_box) + n * sizeof(uint32_t);
    bx_catalog *cat = fn(ud, NULL, 0, size);
    if (cat == NULL) {
        bx_free(ctx, refs);
        return bxi_error(ctx, BX_ENOMEM, "out of memory (catalog of %zu boxes)", n);
    }
    cat->alloc = fn;
    cat->alloc_ud = ud;
    cat->block_size = size;
    cat->n = n;
    cat->boxes = (bx_box *)(cat + 1);
    cat->by_id = (uint32_t *)(cat->boxes + n);
    memcpy(cat->boxes, boxes, n * sizeof *boxes);
    for (size_t i = 0; i < n; i++)
        cat->by_id[i] = refs[i].index;
    bx_free(ctx, refs);
    *out = cat;
    return BX_OK;
}

bx_status bx_catalog_new(bx_ctx *ctx, bx_catalog **out, const bx_box *boxes,
                         size_t n)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || (boxes == NULL && n != 0))
        return bxi_error(ctx, BX_EINVAL, "bx_catalog_new: bad argument");
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        bx_location at = {"<catalog>", 0, 0, i + 1, 0, NULL};
        bx_status st = bx_box_validate(ctx, &boxes[i], &at);
        if (st != BX_OK)
            return st;
    }
    return build(ctx, out, "<catalog>", boxes, n);
}

bx_status bx_catalog_read(bx_ctx *ctx, bx_catalog **out, bx_reader *reader)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || reader == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_catalog_read: bad argument");
    *out = NULL;
    bx_box *boxes = NULL;
    size_t n = 0, cap = 0;
    bx_status first = BX_OK, st;
    bx_record rec;
    /* A reader opened with AUTO fills a bx_record; one opened for boxes
     * fills a bx_box, which is the union's first member. */
    void *dst = reader->requested_kind == BX_RECORD_AUTO ? (void *)&rec
                                                         : (void *)&rec.u.box;
    while ((st = bx_reader_next(reader, dst)) != BX_END) {
        if (st == BX_EINPUT && bx_reader_recoverable(reader)) {
            if (first == BX_OK)
                first = st;
            continue;
        }
        if (st != BX_OK) {
            first = st;
            break;
        }
        if (bx_reader_kind(reader) != BX_RECORD_BOX) {
            first = bxi_input_error(ctx, BX_EINPUT,
                                   &(bx_location){reader->name, 0, 0, 0, 0, NULL},
                                   "this is an order file, not a box catalog");
            break;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            bx_box *p = bx_realloc(ctx, boxes, ncap * sizeof *p);
            if (p == NULL) {
                first = BX_ENOMEM;
                break;
            }
            boxes = p;
            cap = ncap;
        }
        boxes[n++] = rec.u.box;
    }
    if (first == BX_OK)
        first = build(ctx, out, reader->name, boxes, n);
    bx_free(ctx, boxes);
    return first;
}

bx_status bx_catalog_load(bx_ctx *ctx, bx_catalog **out, const char *path,
                          bx_format fmt)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out != NULL)
        *out = NULL;
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_file(ctx, &r, BX_RECORD_BOX, fmt, path, NULL);
    if (st == BX_OK)
        st = bx_catalog_read(ctx, out, r);
    bx_reader_close(r);
    return st;
}

size_t bx_catalog_count(const bx_catalog *cat)
{
    return cat == NULL ? 0 : cat->n;
}

bx_box *bxi_catalog_box_mut(bx_catalog *cat, size_t i)
{
    if (cat == NULL || i >= cat->n)
        return NULL;
    return &cat->boxes[i];
}

const bx_box *bx_catalog_box(const bx_catalog *cat, size_t i)
{
    if (cat == NULL || i >= cat->n)
        return NULL;
    return &cat->boxes[i];
}

const bx_box *bx_catalog_find(const bx_catalog *cat, const char *box_id)
{
    if (cat == NULL || box_id == NULL)
        return NULL;
    size_t lo = 0, hi = cat->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const bx_box *b = &cat->boxes[cat->by_id[mid]];
        int c = strcmp(b->box_id, box_id);
        if (c == 0)
            return b;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void bx_catalog_free(bx_catalog *cat)
{
    if (cat == NULL)
        return;
    cat->alloc(cat->alloc_ud, cat, cat->block_size, 0);
}
