/*
 * report_xlsx.c: a report as an Excel workbook, through libxlsxwriter.
 *
 * Summary sheets: blocks of text and tables one under another (a title,
 * a bold header row, the rows, a totals row of formulas with their values
 * cached), and the charts to the right of the tables, each beside the
 * table it draws. Detail sheets: a header row frozen at the top with an
 * autofilter, then one row per source row, written as they are read in
 * constant-memory mode (a detail sheet of a million rows needs no more
 * memory than one of ten).
 *
 * libxlsxwriter writes the file at workbook_close and knows only file
 * names, so the workbook goes to a temporary name beside the target that
 * is synced and renamed over it at the end, or removed on any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_internal.h"

#if !BOXCAR_HAVE_XLSX

bx_status bxi_rp_render_xlsx(bx_report *r, const char *path, time_t created)
{
    (void)path, (void)created;
    return bxi_error(r->ctx, BX_EUNSUPPORTED, "Excel output needs libxlsxwriter, which this "
                    "build of boxcar was made without (BOXCAR_WITH_XLSX=OFF)");
}

#else

#include <xlsxwriter.h>

/* A summary chart is about 15 rows high and 8 columns wide. */
#define CHART_ROWS 16
#define CHART_COLS 8

enum fmt_kind { F_PLAIN, F_HEADER, F_TITLE, F_HEADING, F_TOTAL, F_NKINDS };

typedef struct fmt_entry {
    int kind;
    size_t numfmt; /* text offset, SIZE_MAX none */
    lxw_format *format;
} fmt_entry;

typedef struct xw {
    bx_report *r;
    lxw_workbook *wb;
    fmt_entry *fmts;
    size_t nfmts, cap;
    bx_status st;
} xw;

static bx_status xw_fail(xw *x, lxw_error e, const char *what)
{
    if (x->st == BX_OK)
        x->st = bxi_error(x->r->ctx, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? BX_ENOMEM : BX_EIO,
                         "writing the workbook: %s: %s", what, lxw_strerror(e));
    return x->st;
}

/* The format of a cell of this kind with this number format (cached:
 * libxlsxwriter makes a new format object for each call). */
static lxw_format *fmt(xw *x, int kind, size_t numfmt)
{
    const char *nf = rp_text(x->r, numfmt);
    for (size_t i = 0; i < x->nfmts; i++) {
        const char *other = rp_text(x->r, x->fmts[i].numfmt);
        if (x->fmts[i].kind == kind &&
            ((nf == NULL && other == NULL) || (nf && other && strcmp(nf, other) == 0)))
            return x->fmts[i].format;
    }
    if (kind == F_PLAIN && nf == NULL)
        return NULL;
    if (x->nfmts == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        fmt_entry *v = bx_realloc(x->r->ctx, x->fmts, cap * sizeof *v);
        if (v == NULL) {
            x->st = BX_ENOMEM;
            return NULL;
        }
        x->fmts = v;
        x->cap = cap;
    }
    lxw_format *f = workbook_add_format(x->wb);
    if (f == NULL) {
        xw_fail(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a format");
        return NULL;
    }
    switch (kind) {
    case F_HEADER:
        format_set_bold(f);
        format_set_bottom(f, LXW_BORDER_THIN);
        format_set_text_wrap(f);
        break;
    case F_TITLE:
        format_set_bold(f);
        format_set_font_size(f, 12);
        break;
    case F_HEADING:
        format_set_bold(f);
        format_set_font_size(f, 14);
        break;
    case F_TOTAL:
        format_set_bold(f);
        format_set_top(f, LXW_BORDER_THIN);
        break;
    default:
        break;
    }
    if (nf != NULL)
        format_set_num_format(f, nf);
    x->fmts[x->nfmts++] = (fmt_entry){kind, numfmt, f};
    return f;
}

static void put_cell(xw *x, lxw_worksheet *ws, uint32_t row, uint32_t col, const rp_cell *c,
                     lxw_format *f)
{
    lxw_error e = LXW_NO_ERROR;
    if (c->kind == RP_NUMBER)
        e = worksheet_write_number(ws, row, (lxw_col_t)col, c->num, f);
    else if (c->kind == RP_TEXT)
        e = worksheet_write_string(ws, row, (lxw_col_t)col, rp_text(x->r, c->text), f);
    else if (f != NULL)
        e = worksheet_write_blank(ws, row, (lxw_col_t)col, f);
    if (e != LXW_NO_ERROR)
        xw_fail(x, e, "a cell");
}

/* Display width of a cell's text in characters (UTF-8 continuation bytes
 * do not count; CJK takes two). */
static double text_width(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        w += *p >= 0xE3 ? 2 : 1;
    }
    return w;
}

/* How a sheet prints: what the script asked with sheet:page, and the
 * area it holds (rows and columns from 0, inclusive). */
static void set_page(xw *x, lxw_worksheet *ws, const rp_page *pg, uint32_t last_row,
                     uint32_t last_col)
{
    static const uint8_t paper[] = {0, 9, 8, 1}; /* Excel's codes: A4 9, A3 8, letter 1 */
    if (pg->landscape)
        worksheet_set_landscape(ws);
    if (pg->paper != RP_PAPER_DEFAULT)
        worksheet_set_paper(ws, paper[pg->paper]);
    if (pg->fit_width > 0)
        worksheet_fit_to_pages(ws, pg->fit_width, 0); /* 0: as many pages down as needed */
    lxw_error e = LXW_NO_ERROR;
    if (pg->repeat_rows > 0)
        e = worksheet_repeat_rows(ws, 0, pg->repeat_rows - 1);
    if (e == LXW_NO_ERROR && pg->print_area)
        e = worksheet_print_area(ws, 0, 0, last_row, (lxw_col_t)last_col);
    if (e != LXW_NO_ERROR)
        xw_fail(x, e, "the page setup");
}

/* ---- summary sheets --------------------------------------------------------- */

static const char *const total_fn[] = {NULL, "SUM", "AVERAGE", "MIN", "MAX", "COUNT", NULL,
                                        NULL};

static void write_table(xw *x, lxw_worksheet *ws, rp_block *b, uint32_t *row, double *widths)
{
    bx_report *r = x->r;
    rp_table *t = &b->table;
    if (t->title != SIZE_MAX) {
        put_cell(x, ws, *row, 0, &(rp_cell){RP_TEXT, 0, t->title}, fmt(x, F_TITLE, SIZE_MAX));
        (*row)++;
    }
    b->first_row = *row; /* the header row */
    for (uint32_t c = 0; c < t->ncols; c++) {
        const rp_column *col = &t->cols[c];
        put_cell(x, ws, *row, c, &(rp_cell){RP_TEXT, 0, col->name}, fmt(x, F_HEADER, SIZE_MAX));
        double w = col->width > 0 ? col->width : text_width(rp_text(r, col->name)) + 2;
        if (w > widths[c])
            widths[c] = w;
    }
    (*row)++;
    for (uint32_t i = 0; i < t->nrows && x->st == BX_OK; i++, (*row)++)
        for (uint32_t c = 0; c < t->ncols; c++) {
            const rp_cell *cell = &t->cells[(size_t)i * t->ncols + c];
            put_cell(x, ws, *row, c, cell, fmt(x, F_PLAIN, t->cols[c].format));
            double w = cell->kind == RP_TEXT ? text_width(rp_text(r, cell->text)) + 2 : 12;
            if (t->cols[c].width == 0 && w > widths[c])
                widths[c] = w < 60 ? w : 60;
        }
    if (!t->totals)
        return;
    for (uint32_t c = 0; c < t->ncols; c++) {
        rp_cell v;
        lxw_format *f = fmt(x, F_TOTAL, t->cols[c].format);
        if (!bxi_rp_total_value(r, t, c, &v)) {
            /* "Total" in the first column when it has no total of its own */
            if (c == 0)
                worksheet_write_string(ws, *row, 0, "Total", f);
            else
                worksheet_write_blank(ws, *row, (lxw_col_t)c, f);
            continue;
        }
        const char *fn = total_fn[t->cols[c].total];
        if (fn != NULL && t->nrows > 0) {
            char a[16], z[16], formula[64];
            lxw_rowcol_to_cell(a, b->first_row + 1, (lxw_col_t)c);
            lxw_rowcol_to_cell(z, b->first_row + t->nrows, (lxw_col_t)c);
            snprintf(formula, sizeof formula, "=%s(%s:%s)", fn, a, z);
            lxw_error e = worksheet_write_formula_num(ws, *row, (lxw_col_t)c, formula, f,
                                                      v.kind == RP_NUMBER ? v.num : 0);
            if (e != LXW_NO_ERROR)
                xw_fail(x, e, "a total");
        } else {
            put_cell(x, ws, *row, c, &v, f);
        }
    }
    (*row)++;
}

static lxw_chart *make_chart(xw *x, const char *sheet, const rp_chart *ch, const rp_block *b)
{
    static const uint8_t types[] = {LXW_CHART_COLUMN, LXW_CHART_BAR, LXW_CHART_PIE,
                                    LXW_CHART_LINE};
    bx_report *r = x->r;
    const rp_table *t = &b->table;
    lxw_chart *chart = workbook_add_chart(x->wb, types[ch->type]);
    if (chart == NULL) {
        xw_fail(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a chart");
        return NULL;
    }
    uint32_t first = b->first_row + 1, last = b->first_row + t->nrows;
    for (uint32_t i = 0; i < ch->nvalues; i++) {
        lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
        if (s == NULL) {
            xw_fail(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a chart series");
            return NULL;
        }
        chart_series_set_categories(s, sheet, first, (lxw_col_t)ch->categories, last,
                                    (lxw_col_t)ch->categories);
        chart_series_set_values(s, sheet, first, (lxw_col_t)ch->values[i], last,
                                (lxw_col_t)ch->values[i]);
        chart_series_set_name_range(s, sheet, b->first_row, (lxw_col_t)ch->values[i]);
    }
    if (ch->title != SIZE_MAX)
        chart_title_set_name(chart, rp_text(r, ch->title));
    if (ch->type != RP_CHART_PIE) {
        /* x_title names the categories' axis and y_title the values'. In
         * libxlsxwriter's bar chart (horizontal bars) x_axis is the value
         * axis along the bottom and y_axis the category axis on the left. */
        lxw_chart_axis *cat_axis = ch->type == RP_CHART_BAR ? chart->y_axis : chart->x_axis;
        lxw_chart_axis *val_axis = ch->type == RP_CHART_BAR ? chart->x_axis : chart->y_axis;
        if (ch->x_title != SIZE_MAX)
            chart_axis_set_name(cat_axis, rp_text(r, ch->x_title));
        if (ch->y_title != SIZE_MAX)
            chart_axis_set_name(val_axis, rp_text(r, ch->y_title));
        if (ch->nvalues == 1)
            chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    }
    return chart;
}

static void write_summary(xw *x, rp_sheet *s)
{
    bx_report *r = x->r;
    const char *name = rp_text(r, s->name);
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (ws == NULL) {
        xw_fail(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a worksheet");
        return;
    }
    uint32_t maxcols = 1;
    for (uint32_t i = 0; i < s->nblocks; i++)
        if (s->blocks[i].kind == RP_BLOCK_TABLE && s->blocks[i].table.ncols > maxcols)
            maxcols = s->blocks[i].table.ncols;
    double *widths = bx_alloc(r->ctx, maxcols * sizeof *widths);
    if (widths == NULL) {
        x->st = BX_ENOMEM;
        return;
    }
    for (uint32_t c = 0; c < maxcols; c++)
        widths[c] = 8;
    uint32_t row = 0;
    for (uint32_t i = 0; i < s->nblocks && x->st == BX_OK; i++) {
        rp_block *b = &s->blocks[i];
        if (b->kind == RP_BLOCK_TEXT) {
            b->first_row = row;
            put_cell(x, ws, row++, 0, &(rp_cell){RP_TEXT, 0, b->text},
                     fmt(x, b->heading ? F_HEADING : F_PLAIN, SIZE_MAX));
        } else {
            if (i > 0)
                row++; /* a blank row before each table */
            write_table(x, ws, b, &row, widths);
        }
    }
    for (uint32_t c = 0; c < maxcols && x->st == BX_OK; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    bx_free(r->ctx, widths);
    /* charts to the right of the widest table, each at its table's row
     * or below the one before */
    uint32_t next_row = 0, last_row = row > 0 ? row - 1 : 0, last_col = maxcols - 1;
    for (uint32_t i = 0; i < s->ncharts && x->st == BX_OK; i++) {
        const rp_chart *ch = &s->charts[i];
        const rp_block *b = &s->blocks[ch->table];
        if (b->table.nrows == 0)
            continue; /* nothing to draw */
        lxw_chart *chart = make_chart(x, name, ch, b);
        if (chart == NULL)
            return;
        uint32_t at = b->first_row > next_row ? b->first_row : next_row;
        lxw_error e = worksheet_insert_chart(ws, at, (lxw_col_t)maxcols + 1, chart);
        if (e != LXW_NO_ERROR)
            xw_fail(x, e, "placing a chart");
        next_row = at + CHART_ROWS;
        if (next_row - 1 > last_row)
            last_row = next_row - 1;
        last_col = maxcols + CHART_COLS;
    }
    if (x->st == BX_OK)
        set_page(x, ws, &s->page, last_row, last_col);
}

/* ---- detail sheets ------------------------------------------------------------- */

/* A name for part `part` (2, 3, ...) of a detail sheet that goes on past
 * a worksheet's rows: "Shipments (2)", cut to Excel's 31 characters on a
 * character boundary, and a higher number if a sheet of the report or a
 * part already written has that name. The number it took. */
static uint32_t part_name(xw *x, const char *base, uint32_t part, char *out, size_t size)
{
    const bx_report *r = x->r;
    for (uint32_t n = part;; n++) {
        char suffix[16];
        int k = snprintf(suffix, sizeof suffix, " (%u)", n);
        size_t keep = 0, chars = 0, room = 31 - (size_t)k;
        /* count characters, not bytes: Excel's limit is 31 characters */
        for (const unsigned char *p = (const unsigned char *)base; *p != '\0'; p++) {
            if ((*p & 0xC0) != 0x80) {
                if (chars == room)
                    break;
                chars++;
            }
            keep = (size_t)((const char *)p - base) + 1;
        }
        snprintf(out, size, "%.*s%s", (int)keep, base, suffix);
        bool taken = workbook_get_worksheet_by_name(x->wb, out) != NULL;
        for (uint32_t i = 0; i < r->nsheets && !taken; i++)
            taken = bxi_rp_names_equal(rp_text(r, r->sheets[i].name), out);
        if (!taken)
            return n;
    }
}

/* One worksheet of a detail sheet: widths, the header row frozen. */
static lxw_worksheet *detail_part(xw *x, const rp_sheet *s, const char *name)
{
    bx_report *r = x->r;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (ws == NULL) {
        xw_fail(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a worksheet");
        return NULL;
    }
    for (uint32_t c = 0; c < s->ncols; c++) {
        const rp_column *col = &s->cols[c];
        double w = col->width > 0 ? col->width : text_width(rp_text(r, col->name)) + 3;
        if (col->width == 0 && w < 12)
            w = 12;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
        put_cell(x, ws, 0, c, &(rp_cell){RP_TEXT, 0, col->name}, fmt(x, F_HEADER, SIZE_MAX));
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

/* The end of a detail worksheet of `rows` rows, header included. */
static void detail_part_end(xw *x, const rp_sheet *s, lxw_worksheet *ws, uint32_t rows)
{
    if (x->st != BX_OK)
        return;
    lxw_error e = worksheet_autofilter(ws, 0, 0, rows - 1, (lxw_col_t)(s->ncols - 1));
    if (e != LXW_NO_ERROR)
        xw_fail(x, e, "the autofilter");
    else
        set_page(x, ws, &s->page, rows - 1, s->ncols - 1);
}

static void write_detail(xw *x, rp_sheet *s, uint32_t *sheets)
{
    bx_report *r = x->r;
    rp_source *src = s->source;
    const char *name = rp_text(r, s->name);
    lxw_worksheet *ws = detail_part(x, s, name);
    if (ws == NULL)
        return;
    lxw_format **f = bx_alloc(r->ctx, s->ncols * sizeof *f);
    if (f == NULL) {
        x->st = BX_ENOMEM;
        return;
    }
    for (uint32_t c = 0; c < s->ncols; c++)
        f[c] = fmt(x, F_PLAIN, s->cols[c].format);
    bx_status st = bxi_rp_source_rewind(r, src);
    uint32_t row = 1, part = 1;
    uint64_t written = 0;
    while (st == BX_OK && x->st == BX_OK && (s->max_rows == 0 || written < s->max_rows) &&
           (st = bxi_rp_source_next(r, src)) == BX_OK) {
        if (s->skip_empty >= 0) {
            size_t len;
            bx_csv_field(src->csv, (size_t)s->skip_empty, &len);
            if (len == 0)
                continue;
        }
        if (row == r->max_sheet_rows) {
            /* the worksheet is full: the rows go on in the next one */
            detail_part_end(x, s, ws, row);
            if (*sheets == RP_MAX_SHEETS) {
                st = bxi_error(r->ctx, BX_ELIMIT, "sheet '%s': %llu rows need more worksheets "
                              "than a report's %u (%s:%llu)", name,
                              (unsigned long long)written, RP_MAX_SHEETS, src->path,
                              (unsigned long long)bx_csv_line(src->csv));
                break;
            }
            char next[160];
            part = part_name(x, name, part + 1, next, sizeof next);
            if (x->st != BX_OK || (ws = detail_part(x, s, next)) == NULL)
                break;
            (*sheets)++;
            row = 1;
        }
        for (uint32_t c = 0; c < s->ncols && st == BX_OK; c++) {
            const rp_column *col = &s->cols[c];
            lxw_error e = LXW_NO_ERROR;
            if (col->numeric) {
                double v;
                st = bxi_rp_source_number(r, src, col->source_col, &v);
                if (st == BX_OK)
                    e = worksheet_write_number(ws, row, (lxw_col_t)c, v, f[c]);
                else if (st == BX_END)
                    st = BX_OK;
            } else {
                size_t len;
                const char *t = bx_csv_field(src->csv, (size_t)col->source_col, &len);
                if (len > RP_MAX_CELL_TEXT || !bxi_rp_valid_utf8(t, len))
                    st = bxi_error(r->ctx, BX_EINPUT, "%s:%llu: field '%s' is %s", src->path,
                                  (unsigned long long)bx_csv_line(src->csv),
                                  src->header[col->source_col],
                                  len > RP_MAX_CELL_TEXT ? "longer than a cell holds"
                                                         : "not UTF-8 text");
                else if (len > 0)
                    e = worksheet_write_string(ws, row, (lxw_col_t)c, t, f[c]);
            }
            if (e != LXW_NO_ERROR)
                xw_fail(x, e, "a cell");
        }
        row++;
        written++;
    }
    bx_free(r->ctx, f);
    if (st != BX_END && st != BX_OK && x->st == BX_OK)
        x->st = st;
    detail_part_end(x, s, ws, row);
}

/* ---- the file ------------------------------------------------------------------ */

static bx_status sync_rename(bx_ctx *ctx, const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY);
    int e = 0;
    if (fd < 0 || fsync(fd) != 0)
        e = errno;
    if (fd >= 0)
        close(fd);
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0) {
        remove(tmp);
        return bxi_error(ctx, BX_EIO, "%s: could not write: %s", path, strerror(e));
    }
    /* the rename is durable once its directory is synced (best effort, as
     * for bx_outfile: the workbook's own bytes already are) */
    (void)bxi_sync_dir(path);
    return BX_OK;
}

bx_status bxi_rp_render_xlsx(bx_report *r, const char *path, time_t created)
{
    bx_ctx *ctx = r->ctx;
    size_t n = strlen(path);
    char *tmp = bx_alloc(ctx, n + 16);
    if (tmp == NULL)
        return BX_ENOMEM;
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        bx_status st = bxi_error(ctx, BX_EIO, "%s: cannot create a file here: %s", path,
                                strerror(errno));
        bx_free(ctx, tmp);
        return st;
    }
    /* mkstemp makes the file 0600; a report is an ordinary file */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    close(fd);
    bool detail = false;
    for (uint32_t i = 0; i < r->nsheets; i++)
        detail |= r->sheets[i].detail;
    lxw_workbook_options o = {.constant_memory = detail ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL};
    xw x = {r, workbook_new_opt(tmp, &o), NULL, 0, 0, BX_OK};
    if (x.wb == NULL) {
        remove(tmp);
        bx_free(ctx, tmp);
        return bxi_error(ctx, BX_ENOMEM, "%s: libxlsxwriter could not start a workbook", path);
    }
    /* no version here: the same input gives the same bytes across versions */
    char comments[160];
    snprintf(comments, sizeof comments, "report %s, made by boxcar", r->name);
    const char *title = r->title != SIZE_MAX ? rp_text(r, r->title) : r->name;
    lxw_doc_properties props = {.title = (char *)title, .author = "boxcar",
                                .comments = comments, .created = created};
    workbook_set_properties(x.wb, &props);
    uint32_t sheets = r->nsheets; /* with the detail sheets' continuations */
    for (uint32_t i = 0; i < r->nsheets && x.st == BX_OK; i++) {
        if (r->sheets[i].detail)
            write_detail(&x, &r->sheets[i], &sheets);
        else
            write_summary(&x, &r->sheets[i]);
    }
    bx_status st = x.st;
    if (st == BX_OK) {
        lxw_error e = workbook_close(x.wb);
        if (e != LXW_NO_ERROR)
            st = bxi_error(ctx, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? BX_ENOMEM : BX_EIO,
                          "%s: could not write the workbook: %s", path, lxw_strerror(e));
    } else {
        lxw_workbook_free(x.wb);
    }
    if (st == BX_OK)
        st = sync_rename(ctx, tmp, path);
    else
        remove(tmp);
    bx_free(ctx, x.fmts);
    bx_free(ctx, tmp);
    return st;
}

#endif
