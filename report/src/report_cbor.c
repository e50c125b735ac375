/*
 * report_cbor.c: a report as one CBOR map, in RFC 8949 section 4.2.1 core
 * deterministic encoding (definite lengths, shortest heads, map keys by
 * length and then bytewise, numbers as integers when whole, else the
 * shortest float that holds them):
 *
 *   {"notes": [text], "title": text, "report": text, "sheets": [sheet]}
 *   summary sheet: {"kind": "summary", "name": text, "blocks": [block],
 *                   "charts": [chart]}
 *   detail sheet:  {"kind": "detail", "name": text, "rows": [[cell]],
 *                   "columns": [column]}
 *   text block:    {"kind": "text", "text": text, "heading": bool}
 *   table block:   {"kind": "table", "rows": [[cell]], "title": text,
 *                   "totals": [cell], "columns": [column]}
 *                  (title and totals only when the table has them)
 *   column:        {"name": text, "field": text, "format": text}
 *                  (field on detail sheets, format when given)
 *   chart:         {"type": text, "table": n, "title": text, "values": [n],
 *                   "x_title": text, "y_title": text, "categories": n}
 *                  (table: the block's 1-based position; categories and
 *                  values: 1-based columns; titles when given)
 *   cell:          a number, a text, or null when empty
 *
 * A detail sheet's rows are counted in a first pass over its source, so
 * that the array head can be written before them.
 */
#include <math.h>
#include <string.h>

#include "boxcar/outfile.h"
#include "report_internal.h"

#if !BOXCAR_HAVE_CBOR

bx_status bxi_rp_render_cbor(bx_report *r, const char *path)
{
    (void)path;
    return bxi_error(r->ctx, BX_EUNSUPPORTED, "CBOR output needs libcbor, which this build "
                    "of boxcar was made without (BOXCAR_WITH_CBOR=OFF)");
}

#else

#include <cbor.h>

typedef struct cw {
    bx_outfile *out;
    int failed;
} cw;

static void bytes(cw *w, const void *p, size_t n)
{
    if (!w->failed && bx_outfile_write(w->out, p, n) != 0)
        w->failed = 1;
}

static void head(cw *w, size_t (*enc)(size_t, unsigned char *, size_t), size_t n)
{
    unsigned char b[9];
    bytes(w, b, enc(n, b, sizeof b));
}

static void text(cw *w, const char *s)
{
    size_t n = strlen(s);
    head(w, cbor_encode_string_start, n);
    bytes(w, s, n);
}

static void boolean(cw *w, bool v)
{
    unsigned char b[1];
    bytes(w, b, cbor_encode_bool(v, b, sizeof b));
}

static void null(cw *w)
{
    unsigned char b = 0xf6;
    bytes(w, &b, 1);
}

static void number(cw *w, double v)
{
    unsigned char b[9];
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        if (v >= 0)
            bytes(w, b, cbor_encode_uint((uint64_t)v, b, sizeof b));
        else
            bytes(w, b, cbor_encode_negint((uint64_t)(-v - 1), b, sizeof b));
    } else {
        bytes(w, b, bxi_cbor_encode_float(v, b, sizeof b));
    }
}

static void cell(const bx_report *r, cw *w, const rp_cell *c)
{
    if (c->kind == RP_NUMBER)
        number(w, c->num);
    else if (c->kind == RP_TEXT)
        text(w, rp_text(r, c->text));
    else
        null(w);
}

static void column(const bx_report *r, cw *w, const rp_column *c, bool detail)
{
    bool fmt = c->format != SIZE_MAX;
    head(w, cbor_encode_map_start, 1 + (size_t)detail + (size_t)fmt);
    text(w, "name");
    text(w, rp_text(r, c->name));
    if (detail) {
        text(w, "field");
        text(w, rp_text(r, c->field));
    }
    if (fmt) {
        text(w, "format");
        text(w, rp_text(r, c->format));
    }
}

static void table(const bx_report *r, cw *w, const rp_table *t)
{
    bool title = t->title != SIZE_MAX;
    head(w, cbor_encode_map_start, 3 + (size_t)title + (size_t)t->totals);
    text(w, "kind");
    text(w, "table");
    text(w, "rows");
    head(w, cbor_encode_array_start, t->nrows);
    for (uint32_t i = 0; i < t->nrows; i++) {
        head(w, cbor_encode_array_start, t->ncols);
        for (uint32_t c = 0; c < t->ncols; c++)
            cell(r, w, &t->cells[(size_t)i * t->ncols + c]);
    }
    if (title) {
        text(w, "title");
        text(w, rp_text(r, t->title));
    }
    if (t->totals) {
        text(w, "totals");
        head(w, cbor_encode_array_start, t->ncols);
        for (uint32_t c = 0; c < t->ncols; c++) {
            rp_cell v;
            if (!bxi_rp_total_value(r, t, c, &v) && c == 0)
                text(w, "Total");
            else
                cell(r, w, &v);
        }
    }
    text(w, "columns");
    head(w, cbor_encode_array_start, t->ncols);
    for (uint32_t c = 0; c < t->ncols; c++)
        column(r, w, &t->cols[c], false);
}

static void chart(const bx_report *r, cw *w, const rp_chart *ch)
{
    static const char *const types[] = {"column", "bar", "pie", "line"};
    size_t n = 4 + (ch->title != SIZE_MAX) + (ch->x_title != SIZE_MAX) + (ch->y_title != SIZE_MAX);
    head(w, cbor_encode_map_start, n);
    text(w, "type");
    text(w, types[ch->type]);
    text(w, "table");
    number(w, ch->table + 1);
    if (ch->title != SIZE_MAX) {
        text(w, "title");
        text(w, rp_text(r, ch->title));
    }
    text(w, "values");
    head(w, cbor_encode_array_start, ch->nvalues);
    for (uint32_t i = 0; i < ch->nvalues; i++)
        number(w, ch->values[i] + 1);
    if (ch->x_title != SIZE_MAX) {
        text(w, "x_title");
        text(w, rp_text(r, ch->x_title));
    }
    if (ch->y_title != SIZE_MAX) {
        text(w, "y_title");
        text(w, rp_text(r, ch->y_title));
    }
    text(w, "categories");
    number(w, ch->categories + 1);
}

static void summary(const bx_report *r, cw *w, const rp_sheet *s)
{
    head(w, cbor_encode_map_start, 4);
    text(w, "kind");
    text(w, "summary");
    text(w, "name");
    text(w, rp_text(r, s->name));
    text(w, "blocks");
    head(w, cbor_encode_array_start, s->nblocks);
    for (uint32_t i = 0; i < s->nblocks; i++) {
        const rp_block *b = &s->blocks[i];
        if (b->kind == RP_BLOCK_TABLE) {
            table(r, w, &b->table);
            continue;
        }
        head(w, cbor_encode_map_start, 3);
        text(w, "kind");
        text(w, "text");
        text(w, "text");
        text(w, rp_text(r, b->text));
        text(w, "heading");
        boolean(w, b->heading);
    }
    text(w, "charts");
    head(w, cbor_encode_array_start, s->ncharts);
    for (uint32_t i = 0; i < s->ncharts; i++)
        chart(r, w, &s->charts[i]);
}

static bool skipped(const rp_sheet *s)
{
    if (s->skip_empty < 0)
        return false;
    size_t len;
    bx_csv_field(s->source->csv, (size_t)s->skip_empty, &len);
    return len == 0;
}

static bx_status detail(bx_report *r, cw *w, const rp_sheet *s)
{
    rp_source *src = s->source;
    uint64_t n = 0;
    bx_status st = bxi_rp_source_rewind(r, src);
    while (st == BX_OK && (s->max_rows == 0 || n < s->max_rows) &&
           (st = bxi_rp_source_next(r, src)) == BX_OK)
        n += !skipped(s);
    if (st != BX_END && st != BX_OK)
        return st;
    head(w, cbor_encode_map_start, 4);
    text(w, "kind");
    text(w, "detail");
    text(w, "name");
    text(w, rp_text(r, s->name));
    text(w, "rows");
    head(w, cbor_encode_array_start, n);
    st = bxi_rp_source_rewind(r, src);
    uint64_t written = 0;
    while (st == BX_OK && (s->max_rows == 0 || written < n) &&
           (st = bxi_rp_source_next(r, src)) == BX_OK) {
        if (skipped(s))
            continue;
        if (++written > n)
            return bxi_error(r->ctx, BX_EIO, "%s: the file grew while the report ran", src->path);
        head(w, cbor_encode_array_start, s->ncols);
        for (uint32_t c = 0; c < s->ncols && st == BX_OK; c++) {
            const rp_column *col = &s->cols[c];
            if (col->numeric) {
                double v;
                st = bxi_rp_source_number(r, src, col->source_col, &v);
                if (st == BX_OK)
                    number(w, v);
                else if (st == BX_END) {
                    null(w);
                    st = BX_OK;
                }
                continue;
            }
            size_t len;
            const char *t = bx_csv_field(src->csv, (size_t)col->source_col, &len);
            if (len == 0) {
                null(w);
            } else if (!bxi_rp_valid_utf8(t, len)) {
                st = bxi_error(r->ctx, BX_EINPUT, "%s:%llu: field '%s' is not UTF-8 text",
                              src->path, (unsigned long long)bx_csv_line(src->csv),
                              src->header[col->source_col]);
            } else {
                head(w, cbor_encode_string_start, len);
                bytes(w, t, len);
            }
        }
    }
    if (st != BX_END && st != BX_OK)
        return st;
    if (written != n)
        return bxi_error(r->ctx, BX_EIO, "%s: the file changed while the report ran", src->path);
    text(w, "columns");
    head(w, cbor_encode_array_start, s->ncols);
    for (uint32_t c = 0; c < s->ncols; c++)
        column(r, w, &s->cols[c], true);
    return BX_OK;
}

bx_status bxi_rp_render_cbor(bx_report *r, const char *path)
{
    cw w = {NULL, 0};
    bx_status st = bx_outfile_open(r->ctx, &w.out, path);
    if (st != BX_OK)
        return st;
    head(&w, cbor_encode_map_start, 4);
    text(&w, "notes");
    head(&w, cbor_encode_array_start, r->nnotes);
    for (size_t i = 0; i < r->nnotes; i++)
        text(&w, r->notes[i]);
    text(&w, "title");
    text(&w, r->title != SIZE_MAX ? rp_text(r, r->title) : r->name);
    text(&w, "report");
    text(&w, r->name);
    text(&w, "sheets");
    head(&w, cbor_encode_array_start, r->nsheets);
    for (uint32_t i = 0; i < r->nsheets && st == BX_OK; i++) {
        if (r->sheets[i].detail)
            st = detail(r, &w, &r->sheets[i]);
        else
            summary(r, &w, &r->sheets[i]);
    }
    if (st == BX_OK && w.failed)
        st = bxi_error(r->ctx, BX_EIO, "%s: write error", path);
    if (st == BX_OK)
        return bx_outfile_commit(w.out);
    bx_outfile_abort(w.out);
    return st;
}

#endif
