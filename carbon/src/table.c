/*
 * table.c: records with named columns, and strict typed fields, for the
 * carbon inputs (factor sets, routes, containers, shipments, totals).
 *
 * The records come from core's reader (CSV, JSON or CBOR, one set of
 * back ends for every record boxcar reads); here each value is taken as
 * text and judged by the column's reader with one set of rules and
 * messages, whatever the format.
 */
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

static void setup(bxc_table *t, bx_ctx *ctx, const bxc_column *columns, size_t ncolumns)
{
    memset(t, 0, sizeof *t);
    t->ctx = ctx;
    t->columns = columns;
    t->ncolumns = ncolumns;
    bxi_row_schema_init(&t->schema, t->fields, columns, ncolumns);
}

/* After an open: the reader, or the error (with the table left closed). */
static bx_status opened(bxc_table *t, bx_reader *rd, bx_status st)
{
    if (st != BX_OK)
        return st;
    t->rd = rd;
    t->name = rd->name;
    t->typed = bx_reader_format(rd) != BX_FORMAT_CSV;
    return BX_OK;
}

bx_status bxi_carbon_table_open_path(bxc_table *t, bx_ctx *ctx, const char *path,
                              const bxc_column *columns, size_t ncolumns)
{
    setup(t, ctx, columns, ncolumns);
    if (ncolumns > BXI_CARBON_MAX_COLUMNS)
        return bxi_error(ctx, BX_EINTERNAL, "too many columns in a table schema");
    bx_reader *rd = NULL;
    bx_status st = bxi_reader_open_rows_file(ctx, &rd, &t->schema, BX_FORMAT_AUTO, path);
    return opened(t, rd, st);
}

bx_status bxi_carbon_table_open_fp(bxc_table *t, bx_ctx *ctx, const char *name, FILE *fp,
                            const bxc_column *columns, size_t ncolumns)
{
    setup(t, ctx, columns, ncolumns);
    if (ncolumns > BXI_CARBON_MAX_COLUMNS)
        return bxi_error(ctx, BX_EINTERNAL, "too many columns in a table schema");
    bx_reader *rd = NULL;
    bx_status st = bxi_reader_open_rows_fp(ctx, &rd, &t->schema, BX_FORMAT_AUTO, name, fp);
    return opened(t, rd, st);
}

bx_status bxi_carbon_table_open_mem(bxc_table *t, bx_ctx *ctx, const char *name,
                             const void *data, size_t size,
                             const bxc_column *columns, size_t ncolumns)
{
    setup(t, ctx, columns, ncolumns);
    if (ncolumns > BXI_CARBON_MAX_COLUMNS)
        return bxi_error(ctx, BX_EINTERNAL, "too many columns in a table schema");
    bx_reader *rd = NULL;
    bx_status st = bxi_reader_open_rows_mem(ctx, &rd, &t->schema, BX_FORMAT_AUTO, name,
                                           data, size);
    return opened(t, rd, st);
}

bx_status bxi_carbon_table_load_path(bx_ctx *ctx, const char *path, const bxc_column *columns,
                              size_t ncolumns, bxc_load_fn load, void *out)
{
    bxc_table t;
    bx_status st = bxi_carbon_table_open_path(&t, ctx, path, columns, ncolumns);
    if (st == BX_OK)
        st = load(ctx, out, &t, path);
    bxi_carbon_table_close(&t);
    return st;
}

bx_status bxi_carbon_table_load_mem(bx_ctx *ctx, const char *name, const void *data, size_t size,
                             const bxc_column *columns, size_t ncolumns, bxc_load_fn load,
                             void *out)
{
    bxc_table t;
    bx_status st = bxi_carbon_table_open_mem(&t, ctx, name, data, size, columns, ncolumns);
    if (st == BX_OK)
        st = load(ctx, out, &t, name);
    bxi_carbon_table_close(&t);
    return st;
}

void bxi_carbon_table_close(bxc_table *t)
{
    bx_reader_close(t->rd);
    bx_free(t->ctx, t->buf);
    t->rd = NULL;
    t->row = NULL;
    t->buf = NULL;
    t->buf_cap = 0;
}

/* JSON and CBOR values as text: numbers as their shortest exact decimal
 * (as the record writers print them), CBOR text copied to get its NUL. */
static bx_status prepare(bxc_table *t)
{
    const bx_row *row = t->row;
    size_t need = 0;
    for (size_t c = 0; c < t->ncolumns; c++)
        if (row->cell[c].type == BX_CELL_TEXT)
            need += row->cell[c].len + 1;
    if (need > t->buf_cap) {
        char *b = bx_realloc(t->ctx, t->buf, need);
        if (b == NULL)
            return BX_ENOMEM;
        t->buf = b;
        t->buf_cap = need;
    }
    size_t used = 0;
    for (size_t c = 0; c < t->ncolumns; c++) {
        const bx_cell *cell = &row->cell[c];
        bx_value v = {BX_FT_I64, 0, 0.0, false, NULL};
        t->text[c] = "";
        t->len[c] = 0;
        switch (cell->type) {
        case BX_CELL_ABSENT:
            break;
        case BX_CELL_TEXT:
            memcpy(t->buf + used, cell->s, cell->len);
            t->buf[used + cell->len] = '\0';
            t->text[c] = t->buf + used;
            t->len[c] = cell->len;
            used += cell->len + 1;
            break;
        case BX_CELL_INT:
        case BX_CELL_REAL:
            if (cell->type == BX_CELL_INT) {
                v.i = cell->i;
            } else {
                v.type = BX_FT_F64;
                v.d = cell->d;
            }
            t->len[c] = bxi_value_to_text(&v, t->num[c], sizeof t->num[c]);
            if (t->len[c] >= sizeof t->num[c])
                t->len[c] = sizeof t->num[c] - 1;
            t->text[c] = t->num[c];
            break;
        }
    }
    return BX_OK;
}

bx_status bxi_carbon_table_next(bxc_table *t)
{
    bx_status st = bxi_reader_next_row(t->rd, &t->row);
    if (st == BX_OK && t->typed)
        st = prepare(t);
    return st;
}

const char *bxi_carbon_get(const bxc_table *t, size_t c, size_t *len)
{
    const char *s = "";
    size_t n = 0;
    if (t->typed) {
        s = t->text[c];
        n = t->len[c];
    } else if (t->row->cell[c].type == BX_CELL_TEXT) {
        s = t->row->cell[c].s;
        n = t->row->cell[c].len;
    }
    if (len != NULL)
        *len = n;
    return s;
}

bool bxi_carbon_empty(const bxc_table *t, size_t c)
{
    size_t len;
    bxi_carbon_get(t, c, &len);
    return len == 0;
}

uint64_t bxi_carbon_line(const bxc_table *t)
{
    return t->row->line;
}

bx_location bxi_carbon_where(const bxc_table *t, size_t c)
{
    const bx_cell *cell = &t->row->cell[c];
    bx_location where = t->row->at;
    where.field = t->columns[c].name;
    if (cell->type != BX_CELL_ABSENT) {
        where.column = cell->column;
        if (cell->offset != 0)
            where.offset = cell->offset;
    }
    return where;
}

static bx_status field_error(const bxc_table *t, size_t c, const char *why)
{
    bx_location where = bxi_carbon_where(t, c);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", why);
}

/* A required field with no value: left empty, or (JSON, CBOR) not given. */
static bx_status missing(const bxc_table *t, size_t c)
{
    return field_error(t, c, t->row->cell[c].type == BX_CELL_ABSENT && t->typed
                                 ? "required field is missing"
                                 : "required field is empty");
}
bx_status bxi_carbon_get_id(const bxc_table *t, size_t c, bool required,
                     char out[BX_ID_MAX])
{
    size_t len;
    const char *s = bxi_carbon_get(t, c, &len);
    out[0] = '\0';
    if (len == 0)
        return required ? missing(t, c) : BX_OK;
    const char *why = bxi_id_problem(s, len);
    if (why != NULL) {
        bx_location where = bxi_carbon_where(t, c);
        return bxi_input_error(t->ctx, BX_EINPUT, &where, "identifier %s", why);
    }
    memcpy(out, s, len + 1);
    return BX_OK;
}

bx_status bxi_carbon_get_double(const bxc_table *t, size_t c, bool required,
                         double min, double max, double *out, bool *present)
{
    size_t len;
    const char *s = bxi_carbon_get(t, c, &len);
    if (present != NULL)
        *present = false;
    if (len == 0)
        return required ? missing(t, c) : BX_OK;
    const char *why = NULL;
    double v;
    if (!bxi_parse_double(s, len, &v, &why))
        return field_error(t, c, why);
    if (v < min || v > max) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s must be between %g and %g",
                 s, min, max);
        return field_error(t, c, msg);
    }
    *out = v;
    if (present != NULL)
        *present = true;
    return BX_OK;
}

bx_status bxi_carbon_get_int(const bxc_table *t, size_t c, bool required,
                      int64_t min, int64_t max, int64_t *out, bool *present)
{
    size_t len;
    const char *s = bxi_carbon_get(t, c, &len);
    if (present != NULL)
        *present = false;
    if (len == 0)
        return required ? missing(t, c) : BX_OK;
    const char *why = NULL;
    if (!bxi_parse_int(s, len, min, max, out, &why))
        return field_error(t, c, why);
    if (present != NULL)
        *present = true;
    return BX_OK;
}

bool bxi_carbon_word_eq(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != w[i])
            return false;
    }
    return true;
}

bx_status bxi_carbon_get_word(const bxc_table *t, size_t c, bool required,
                       const char *const *words, int *out)
{
    size_t len;
    const char *s = bxi_carbon_get(t, c, &len);
    *out = -1;
    if (len == 0)
        return required ? missing(t, c) : BX_OK;
    for (int i = 0; words[i] != NULL; i++) {
        if (bxi_carbon_word_eq(s, len, words[i])) {
            *out = i;
            return BX_OK;
        }
    }
    char msg[256];
    size_t n = (size_t)snprintf(msg, sizeof msg, "'%.40s' is not one of: ", s);
    for (int i = 0; words[i] != NULL && n < sizeof msg; i++)
        n += (size_t)snprintf(msg + n, sizeof msg - n, "%s%s", i ? ", " : "",
                              words[i]);
    return field_error(t, c, msg);
}
