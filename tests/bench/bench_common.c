/*
 * bench_common.c: whole-file CSV tables over bx_csv_*, and the mapping of
 * BoxPacker's boxes and items to boxcar records (see bench_common.h).
 */
#include "bench_common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#ifndef BOXCAR_SHARED_BENCH
#define BOXCAR_SHARED_BENCH "../shared/bench"
#endif

const char *bench_data_dir(const char *arg)
{
    return arg != NULL && arg[0] != '\0' ? arg : BOXCAR_SHARED_BENCH;
}

bool bench_path(char *buf, size_t size, const char *dir, const char *rel)
{
    int n = snprintf(buf, size, "%s/%s", dir, rel);
    return n >= 0 && (size_t)n < size;
}

bool bench_data_present(const char *who, const char *dir, const char *const *rels)
{
    for (size_t i = 0; rels[i] != NULL; i++) {
        char path[4096];
        struct stat st;
        if (!bench_path(path, sizeof path, dir, rels[i]) || stat(path, &st) != 0 ||
            !S_ISREG(st.st_mode)) {
            fprintf(stderr, "%s: benchmark data not found: %s/%s\n", who, dir, rels[i]);
            return false;
        }
    }
    return true;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (q == NULL)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static bool add_text(bench_table *t, const char *s, size_t len, size_t *off)
{
    if (!grow((void **)&t->text, &t->text_cap, t->text_len + len + 1, 1))
        return false;
    *off = t->text_len;
    memcpy(t->text + t->text_len, s, len);
    t->text[t->text_len + len] = '\0';
    t->text_len += len + 1;
    return true;
}

static bool read_header(bench_table *t, bx_csv_reader *r)
{
    t->ncols = bx_csv_nfields(r);
    t->header = calloc(t->ncols, sizeof *t->header);
    if (t->header == NULL)
        return false;
    for (size_t i = 0; i < t->ncols; i++) {
        size_t len;
        const char *f = bx_csv_field(r, i, &len);
        t->header[i] = malloc(len + 1);
        if (t->header[i] == NULL)
            return false;
        memcpy(t->header[i], f, len + 1);
    }
    return true;
}

bool bench_table_load(const char *path, bench_table *t)
{
    memset(t, 0, sizeof *t);
    size_t plen = strlen(path);
    t->path = malloc(plen + 1);
    FILE *fp = fopen(path, "rb");
    if (t->path == NULL || fp == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(fp == NULL ? errno : ENOMEM));
        if (fp != NULL)
            fclose(fp);
        return false;
    }
    memcpy(t->path, path, plen + 1);

    bx_ctx *ctx = NULL;
    bx_csv_reader *r = NULL;
    bool ok = false, have_header = false;
    size_t rows_cap = 0;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK ||
        bx_csv_open_file(ctx, &r, path, fp, NULL) != BX_OK) {
        fprintf(stderr, "%s: %s\n", path, ctx ? bx_ctx_errmsg(ctx) : "out of memory");
        goto done;
    }
    for (;;) {
        bx_status st = bx_csv_next(r);
        if (st == BX_END)
            break;
        if (st != BX_OK) {
            fprintf(stderr, "%s\n", bx_ctx_errmsg(ctx));
            goto done;
        }
        if (!have_header) {
            if (!read_header(t, r))
                goto oom;
            have_header = true;
            continue;
        }
        if (bx_csv_nfields(r) != t->ncols) {
            fprintf(stderr, "%s:%llu: %zu fields, the header has %zu\n", path,
                    (unsigned long long)bx_csv_line(r), bx_csv_nfields(r), t->ncols);
            goto done;
        }
        if (!grow((void **)&t->offsets, &t->offsets_cap, (t->nrows + 1) * t->ncols,
                  sizeof *t->offsets) ||
            !grow((void **)&t->lines, &rows_cap, t->nrows + 1, sizeof *t->lines))
            goto oom;
        for (size_t i = 0; i < t->ncols; i++) {
            size_t len;
            const char *f = bx_csv_field(r, i, &len);
            if (!add_text(t, f, len, &t->offsets[t->nrows * t->ncols + i]))
                goto oom;
        }
        t->lines[t->nrows++] = bx_csv_line(r);
    }
    if (!have_header) {
        fprintf(stderr, "%s: empty file, no header\n", path);
        goto done;
    }
    ok = true;
    goto done;
oom:
    fprintf(stderr, "%s: out of memory\n", path);
done:
    bx_csv_close(r);
    bx_ctx_free(ctx);
    fclose(fp);
    if (!ok)
        bench_table_free(t);
    return ok;
}

void bench_table_free(bench_table *t)
{
    if (t->header != NULL)
        for (size_t i = 0; i < t->ncols; i++)
            free(t->header[i]);
    free(t->header);
    free(t->offsets);
    free(t->lines);
    free(t->text);
    free(t->path);
    memset(t, 0, sizeof *t);
}

int bench_col_opt(const bench_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    return -1;
}

int bench_col(const bench_table *t, const char *name)
{
    int c = bench_col_opt(t, name);
    if (c < 0)
        fprintf(stderr, "%s: no column '%s'\n", t->path, name);
    return c;
}

const char *bench_str(const bench_table *t, size_t row, int col)
{
    return t->text + t->offsets[row * t->ncols + (size_t)col];
}

static void field_error(const bench_table *t, size_t row, int col, const char *what)
{
    fprintf(stderr, "%s:%llu:%d: field '%s': %s: '%s'\n", t->path,
            (unsigned long long)t->lines[row], col + 1, t->header[col], what,
            bench_str(t, row, col));
}

bool bench_int(const bench_table *t, size_t row, int col, int64_t lo, int64_t hi,
               int64_t *out)
{
    const char *s = bench_str(t, row, col);
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0) {
        field_error(t, row, col, "not an integer");
        return false;
    }
    if (v < lo || v > hi) {
        field_error(t, row, col, "out of range");
        return false;
    }
    *out = (int64_t)v;
    return true;
}

bool bench_real(const bench_table *t, size_t row, int col, double *out)
{
    const char *s = bench_str(t, row, col);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !isfinite(v)) {
        field_error(t, row, col, "not a number");
        return false;
    }
    *out = v;
    return true;
}

bool bench_boxpacker_rotation(const char *s, bx_rotation *out)
{
    if (strcasecmp(s, "keep_flat") == 0 || strcasecmp(s, "keepflat") == 0) {
        *out = BX_ROTATE_UPRIGHT;
        return true;
    }
    if (strcasecmp(s, "best_fit") == 0 || strcasecmp(s, "bestfit") == 0) {
        *out = BX_ROTATE_ANY;
        return true;
    }
    return false;
}

const char *bench_boxpacker_mode(bx_rotation rot)
{
    return rot == BX_ROTATE_UPRIGHT ? "keepflat" : "bestfit";
}

static bool copy_id(const bench_table *t, size_t row, int col, char *dst)
{
    const char *s = bench_str(t, row, col);
    size_t len = strlen(s);
    if (len == 0 || len >= BX_ID_MAX) {
        field_error(t, row, col, "not an identifier of 1..63 bytes");
        return false;
    }
    memcpy(dst, s, len + 1);
    return true;
}

/* Reads int fields named in `names` into `out` (int64). */
static bool read_ints(const bench_table *t, size_t row, const char *const *names,
                      size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int c = bench_col(t, names[i]);
        if (c < 0 || !bench_int(t, row, c, lo, hi, &out[i]))
            return false;
    }
    return true;
}

bool bench_boxpacker_box(const bench_table *t, size_t row, bx_box *out, bool *adjusted)
{
    static const char *const dims[] = {"inner_l_mm", "inner_w_mm", "inner_d_mm",
                                       "outer_l_mm", "outer_w_mm", "outer_d_mm"};
    static const char *const masses[] = {"empty_weight_g", "max_weight_g"};
    int64_t d[6], m[2];
    int cid = bench_col(t, "box_id");
    bx_box_init(out);
    *adjusted = false;
    if (cid < 0 || !copy_id(t, row, cid, out->box_id) ||
        !read_ints(t, row, dims, 6, 1, BX_MAX_LENGTH_MM, d) ||
        !read_ints(t, row, masses, 2, 0, BX_MAX_MASS_G, m))
        return false;
    out->inner_l_mm = (int32_t)d[0];
    out->inner_w_mm = (int32_t)d[1];
    out->inner_h_mm = (int32_t)d[2];
    out->outer_l_mm = (int32_t)d[3];
    out->outer_w_mm = (int32_t)d[4];
    out->outer_h_mm = (int32_t)d[5];
    out->has |= BX_BOX_HAS_OUTER;
    if (m[1] >= 1 && m[0] < m[1]) {
        out->tare_g = m[0];
        out->max_weight_g = m[1];
        out->has |= BX_BOX_HAS_TARE;
    } else {
        out->max_weight_g = m[1] - m[0] >= 1 ? m[1] - m[0] : 1;
        *adjusted = true;
    }
    out->line = t->lines[row];
    return true;
}

bool bench_boxpacker_line(const bench_table *t, size_t row, const char *order_id,
                          bx_rotation rot, bx_order_line *out)
{
    static const char *const dims[] = {"l_mm", "w_mm", "d_mm"};
    int64_t d[3], qty, weight;
    int cid = bench_col(t, "item_id"), cq = bench_col(t, "qty"),
        cw = bench_col(t, "weight_g");
    size_t olen = strlen(order_id);
    bx_order_line_init(out);
    if (olen == 0 || olen >= BX_ID_MAX) {
        fprintf(stderr, "%s:%llu: order id '%s' is not 1..63 bytes\n", t->path,
                (unsigned long long)t->lines[row], order_id);
        return false;
    }
    memcpy(out->order_id, order_id, olen + 1);
    if (cid < 0 || cq < 0 || cw < 0 || !copy_id(t, row, cid, out->item_id) ||
        !read_ints(t, row, dims, 3, 1, BX_MAX_LENGTH_MM, d) ||
        !bench_int(t, row, cq, 1, BX_MAX_QTY, &qty) ||
        !bench_int(t, row, cw, 0, BX_MAX_MASS_G, &weight))
        return false;
    out->qty = (int32_t)qty;
    out->l_mm = (int32_t)d[0];
    out->w_mm = (int32_t)d[1];
    out->h_mm = (int32_t)d[2];
    out->weight_g = weight;
    out->rotation = rot;
    out->has |= BX_LINE_HAS_ROTATION;
    out->line = t->lines[row];
    return true;
}

double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_quantile(double *v, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    /* nearest rank: the smallest value with at least p*n values at or below */
    size_t k = (size_t)ceil(p * (double)n);
    return v[k == 0 ? 0 : k - 1];
}

int bench_orders_read(bx_ctx *ctx, const char *path, bench_orders *o)
{
    memset(o, 0, sizeof *o);
    bx_order_reader *r = NULL;
    if (bx_order_reader_open(ctx, &r, path, BX_FORMAT_AUTO) != BX_OK) {
        fprintf(stderr, "bench: %s\n", bx_ctx_errmsg(ctx));
        return -1;
    }
    bx_order_batch b;
    bx_status st;
    while ((st = bx_order_reader_next(r, &b)) == BX_OK) {
        if (b.failed)
            continue;
        if (o->nlines + b.nlines > o->cap) {
            o->cap = (o->nlines + b.nlines) * 2;
            o->lines = realloc(o->lines, o->cap * sizeof *o->lines);
        }
        if (o->n + 2 > o->scap) {
            o->scap = (o->n + 2) * 2;
            o->start = realloc(o->start, o->scap * sizeof *o->start);
        }
        if (o->lines == NULL || o->start == NULL) {
            bx_order_reader_close(r);
            fprintf(stderr, "bench: out of memory\n");
            return -1;
        }
        o->start[o->n++] = o->nlines;
        memcpy(o->lines + o->nlines, b.lines, b.nlines * sizeof *b.lines);
        o->nlines += b.nlines;
        o->start[o->n] = o->nlines;
    }
    bx_order_reader_close(r);
    if (st != BX_END)
        fprintf(stderr, "bench: %s\n", bx_ctx_errmsg(ctx));
    return st == BX_END ? 0 : -1;
}

void bench_orders_free(bench_orders *o)
{
    free(o->lines);
    free(o->start);
    memset(o, 0, sizeof *o);
}

void *bench_count_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)osize;
    bench_counting *c = ud;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    c->calls++;
    return realloc(ptr, nsize);
}
