/*
 * report_csv.c: a report as CSV files, one per sheet, in a directory:
 * <dir>/<sheet name>.csv. A summary sheet's blocks follow one another, a
 * blank line between them: a text line is a row of one field; a table is
 * its title (a row of one field, if it has one), its header, its rows and
 * its totals; tables have a blank line before and after. Charts have no CSV form and are left out. Numbers are
 * written as their shortest exact decimal, without number formats, so a
 * program reads back the values the workbook shows formatted.
 *
 * Every file is written to a temporary file first; only when all sheets
 * are written are they renamed into place.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "boxcar/outfile.h"
#include "report_internal.h"

typedef struct csv_file {
    bx_outfile *out;
    bx_csv_writer w;
} csv_file;

static void field(csv_file *f, const char *s)
{
    (void)bx_csv_write_field(&f->w, s, strlen(s));
}

static void field_cell(const bx_report *r, csv_file *f, const rp_cell *c)
{
    char num[40];
    if (c->kind == RP_NUMBER) {
        bxi_rp_number_text(c->num, num, sizeof num);
        field(f, num);
    } else if (c->kind == RP_TEXT) {
        field(f, rp_text(r, c->text));
    } else {
        field(f, "");
    }
}

static void end_row(csv_file *f)
{
    (void)bx_csv_end_record(&f->w);
}

static void write_summary(bx_report *r, const rp_sheet *s, csv_file *f)
{
    for (uint32_t i = 0; i < s->nblocks; i++) {
        const rp_block *b = &s->blocks[i];
        /* a blank line around each table */
        if (i > 0 && (b->kind == RP_BLOCK_TABLE || s->blocks[i - 1].kind == RP_BLOCK_TABLE))
            (void)bx_outfile_write(f->out, "\n", 1);
        if (b->kind == RP_BLOCK_TEXT) {
            field(f, rp_text(r, b->text));
            end_row(f);
            continue;
        }
        const rp_table *t = &b->table;
        if (t->title != SIZE_MAX) {
            field(f, rp_text(r, t->title));
            end_row(f);
        }
        for (uint32_t c = 0; c < t->ncols; c++)
            field(f, rp_text(r, t->cols[c].name));
        end_row(f);
        for (uint32_t row = 0; row < t->nrows; row++) {
            for (uint32_t c = 0; c < t->ncols; c++)
                field_cell(r, f, &t->cells[(size_t)row * t->ncols + c]);
            end_row(f);
        }
        if (!t->totals)
            continue;
        for (uint32_t c = 0; c < t->ncols; c++) {
            rp_cell v;
            if (bxi_rp_total_value(r, t, c, &v))
                field_cell(r, f, &v);
            else
                field(f, c == 0 ? "Total" : "");
        }
        end_row(f);
    }
}

static bx_status write_detail(bx_report *r, const rp_sheet *s, csv_file *f)
{
    rp_source *src = s->source;
    for (uint32_t c = 0; c < s->ncols; c++)
        field(f, rp_text(r, s->cols[c].name));
    end_row(f);
    bx_status st = bxi_rp_source_rewind(r, src);
    while (st == BX_OK && (st = bxi_rp_source_next(r, src)) == BX_OK) {
        size_t len;
        if (s->skip_empty >= 0) {
            bx_csv_field(src->csv, (size_t)s->skip_empty, &len);
            if (len == 0)
                continue;
        }
        for (uint32_t c = 0; c < s->ncols && st == BX_OK; c++) {
            const rp_column *col = &s->cols[c];
            if (col->numeric) {
                rp_cell cell = {RP_NUMBER, 0, SIZE_MAX};
                st = bxi_rp_source_number(r, src, col->source_col, &cell.num);
                if (st == BX_END) {
                    cell.kind = RP_EMPTY;
                    st = BX_OK;
                }
                if (st == BX_OK)
                    field_cell(r, f, &cell);
            } else {
                const char *t = bx_csv_field(src->csv, (size_t)col->source_col, &len);
                (void)bx_csv_write_field(&f->w, t, len);
            }
        }
        end_row(f);
    }
    return st == BX_END ? BX_OK : st;
}

bx_status bxi_rp_render_csv(bx_report *r, const char *dir)
{
    bx_ctx *ctx = r->ctx;
    struct stat sb;
    if (mkdir(dir, 0777) != 0 && !(errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return bxi_error(ctx, BX_EIO, "%s: %s", dir,
                        errno == EEXIST ? "exists and is not a directory" : strerror(errno));
    csv_file *files = bx_alloc(ctx, r->nsheets * sizeof *files);
    if (files == NULL)
        return BX_ENOMEM;
    memset(files, 0, r->nsheets * sizeof *files);
    bx_status st = BX_OK;
    for (uint32_t i = 0; i < r->nsheets && st == BX_OK; i++) {
        const rp_sheet *s = &r->sheets[i];
        size_t n = strlen(dir) + strlen(rp_text(r, s->name)) + 8;
        char *path = bx_alloc(ctx, n);
        if (path == NULL) {
            st = BX_ENOMEM;
            break;
        }
        snprintf(path, n, "%s/%s.csv", dir, rp_text(r, s->name));
        st = bx_outfile_open(ctx, &files[i].out, path);
        bx_free(ctx, path);
        if (st != BX_OK)
            break;
        bx_csv_writer_init(&files[i].w, bx_outfile_write, files[i].out);
        if (s->detail)
            st = write_detail(r, s, &files[i]);
        else
            write_summary(r, s, &files[i]);
    }
    for (uint32_t i = 0; i < r->nsheets; i++) {
        if (st == BX_OK && files[i].out != NULL) {
            bx_outfile *o = files[i].out;
            files[i].out = NULL;
            st = bx_outfile_commit(o);
        }
        bx_outfile_abort(files[i].out);
    }
    bx_free(ctx, files);
    return st;
}
