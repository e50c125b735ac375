/*
 * report_csv.c: a report as CSV files, one per sheet, in a directory:
 * <dir>/<sheet name>.csv. A summary sheet's blocks follow one another, a
 * blank line between them: a text line is a row of one field; a table is
 * its title (a row of one field, if it has one), its header, its rows and
 * its totals; tables have a blank line before and after. Charts have no CSV form and are left out. Numbers are
 * written as their shortest exact decimal, without number formats, so a
 * program reads back the values the workbook shows formatted.
 *
 * The sheets are written one at a time into a new directory beside the
 * target, which is renamed to the target when that does not exist yet (so
 * it appears whole or not at all); into an existing directory each file
 * is renamed once all are written. A failure leaves nothing behind.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    uint64_t written = 0;
    while (st == BX_OK && (s->max_rows == 0 || written < s->max_rows) &&
           (st = bxi_rp_source_next(r, src)) == BX_OK) {
        size_t len;
        if (s->skip_empty >= 0) {
            bx_csv_field(src->csv, (size_t)s->skip_empty, &len);
            if (len == 0)
                continue;
        }
        written++;
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

/* Write sheet s to <dir>/<its name>.csv (through a temporary file of its
 * own: one file open at a time, whatever the number of sheets). */
static bx_status write_sheet(bx_report *r, const rp_sheet *s, const char *dir)
{
    bx_ctx *ctx = r->ctx;
    size_t n = strlen(dir) + strlen(rp_text(r, s->name)) + 8;
    char *path = bx_alloc(ctx, n);
    if (path == NULL)
        return BX_ENOMEM;
    snprintf(path, n, "%s/%s.csv", dir, rp_text(r, s->name));
    csv_file f;
    bx_status st = bx_outfile_open(ctx, &f.out, path);
    bx_free(ctx, path);
    if (st != BX_OK)
        return st;
    bx_csv_writer_init(&f.w, bx_outfile_write, f.out);
    if (s->detail)
        st = write_detail(r, s, &f);
    else
        write_summary(r, s, &f);
    if (st != BX_OK) {
        bx_outfile_abort(f.out);
        return st;
    }
    return bx_outfile_commit(f.out);
}

/* <dir>/<name of sheet i>.csv into buf. */
static void sheet_path(const bx_report *r, uint32_t i, const char *dir, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s.csv", dir, rp_text(r, r->sheets[i].name));
}

/* Remove the first n sheets' files from dir, and dir itself. */
static void remove_tree(bx_report *r, const char *dir, uint32_t n)
{
    char path[PATH_MAX];
    for (uint32_t i = 0; i < n; i++) {
        sheet_path(r, i, dir, path, sizeof path);
        (void)remove(path);
    }
    (void)rmdir(dir);
}

bx_status bxi_rp_render_csv(bx_report *r, const char *dir_arg)
{
    bx_ctx *ctx = r->ctx;
    /* the target without trailing slashes, so that "<dir>.tmp.XXXXXX" is
     * its sibling */
    char dir[PATH_MAX], tmp[PATH_MAX + 16], from[PATH_MAX + 48], to[PATH_MAX + 48];
    size_t len = strlen(dir_arg);
    while (len > 1 && dir_arg[len - 1] == '/')
        len--;
    if (len + 48 >= PATH_MAX)
        return bxi_error(ctx, BX_EINVAL, "%s: the path is too long", dir_arg);
    memcpy(dir, dir_arg, len);
    dir[len] = '\0';
    struct stat sb;
    bool existed = stat(dir, &sb) == 0;
    if (existed && !S_ISDIR(sb.st_mode))
        return bxi_error(ctx, BX_EIO, "%s: exists and is not a directory", dir);
    /* Every sheet goes into a new directory beside the target. A new
     * target is that directory renamed, so it appears whole or not at
     * all; into an existing one the files are renamed once all are
     * written. */
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", dir);
    if (mkdtemp(tmp) == NULL)
        return bxi_error(ctx, BX_EIO, "%s: cannot create a directory here: %s", dir,
                        strerror(errno));
    mode_t mask = umask(0);
    umask(mask);
    (void)chmod(tmp, 0777 & ~mask);
    bx_status st = BX_OK;
    uint32_t written = 0;
    for (; written < r->nsheets && st == BX_OK; written++)
        st = write_sheet(r, &r->sheets[written], tmp);
    if (st != BX_OK) {
        remove_tree(r, tmp, written);
        return st;
    }
    if (!existed && rename(tmp, dir) == 0) {
        if (!bxi_sync_dir(dir))
            return bxi_error(ctx, BX_EIO, "%s: could not write: %s", dir, strerror(errno));
        return BX_OK;
    }
    if (!existed && errno != EEXIST && errno != ENOTEMPTY) {
        st = bxi_error(ctx, BX_EIO, "%s: could not write: %s", dir, strerror(errno));
        remove_tree(r, tmp, r->nsheets);
        return st;
    }
    uint32_t moved = 0;
    for (; moved < r->nsheets; moved++) {
        sheet_path(r, moved, tmp, from, sizeof from);
        sheet_path(r, moved, dir, to, sizeof to);
        if (rename(from, to) != 0) {
            st = bxi_error(ctx, BX_EIO, "%s: could not write: %s", to, strerror(errno));
            break;
        }
    }
    remove_tree(r, tmp, r->nsheets);
    if (st == BX_OK && moved > 0) {
        sheet_path(r, 0, dir, to, sizeof to);
        if (!bxi_sync_dir(to))
            st = bxi_error(ctx, BX_EIO, "%s: could not write: %s", dir, strerror(errno));
    }
    return st;
}
