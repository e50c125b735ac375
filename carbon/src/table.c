/*
 * table.c: CSV files with named columns, and strict typed fields, for the
 * carbon inputs (factor sets, routes, containers, shipments, totals).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

static bx_status map_header(bxc_table *t)
{
    size_t n = bx_csv_nfields(t->csv);
    for (size_t k = 0; k < t->ncolumns; k++)
        t->index[k] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *name = bx_csv_field(t->csv, i, &len);
        bx_location where = {0};
        where.file = t->name;
        where.line = bx_csv_line(t->csv);
        where.column = (uint32_t)(i + 1);
        where.field = name;
        size_t k = 0;
        while (k < t->ncolumns && strcmp(t->columns[k].name, name) != 0)
            k++;
        if (k == t->ncolumns) {
            bx_status st = bxi_warn(t->ctx, &where, "unknown column ignored");
            if (st != BX_OK)
                return st;
            continue;
        }
        if (t->index[k] >= 0)
            return bxi_input_error(t->ctx, BX_EINPUT, &where, "duplicate column");
        t->index[k] = (long)i;
    }
    for (size_t k = 0; k < t->ncolumns; k++) {
        if (t->columns[k].required && t->index[k] < 0) {
            bx_location where = {0};
            where.file = t->name;
            where.line = bx_csv_line(t->csv);
            return bxi_input_error(t->ctx, BX_EINPUT, &where,
                                  "missing required column '%s'",
                                  t->columns[k].name);
        }
    }
    return BX_OK;
}

bx_status bxi_carbon_table_open(bxc_table *t, bx_ctx *ctx, bx_csv_reader *csv,
                         const bxc_column *columns, size_t ncolumns)
{
    memset(t, 0, sizeof *t);
    t->ctx = ctx;
    t->csv = csv;
    t->name = bx_csv_name(csv);
    t->columns = columns;
    t->ncolumns = ncolumns;
    if (ncolumns > BXI_CARBON_MAX_COLUMNS)
        return bxi_error(ctx, BX_EINTERNAL, "too many columns in a table schema");
    bx_status st = bx_csv_next(csv);
    if (st == BX_END) {
        bx_location where = {0};
        where.file = t->name;
        return bxi_input_error(ctx, BX_EINPUT, &where,
                              "empty file: expected a header row");
    }
    if (st != BX_OK)
        return st;
    return map_header(t);
}

bx_status bxi_carbon_table_open_path(bxc_table *t, bx_ctx *ctx, const char *path,
                              const bxc_column *columns, size_t ncolumns)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        int e = errno;
        return bxi_error(ctx, e == ENOENT ? BX_ENOTFOUND : BX_EIO,
                        "%s: cannot open: %s", path, strerror(e));
    }
    bx_csv_reader *csv = NULL;
    bx_status st = bx_csv_open_file(ctx, &csv, path, fp, NULL);
    if (st != BX_OK) {
        fclose(fp);
        return st;
    }
    st = bxi_carbon_table_open(t, ctx, csv, columns, ncolumns);
    t->owned_fp = fp;
    t->owns_csv = true;
    if (st != BX_OK)
        bxi_carbon_table_close(t);
    return st;
}

bx_status bxi_carbon_table_open_mem(bxc_table *t, bx_ctx *ctx, const char *name,
                             const void *data, size_t size,
                             const bxc_column *columns, size_t ncolumns)
{
    memset(t, 0, sizeof *t);
    bx_csv_reader *csv = NULL;
    bx_status st = bx_csv_open_mem(ctx, &csv, name, data, size, NULL);
    if (st != BX_OK)
        return st;
    st = bxi_carbon_table_open(t, ctx, csv, columns, ncolumns);
    t->owns_csv = true;
    if (st != BX_OK)
        bxi_carbon_table_close(t);
    return st;
}

bx_status bxi_carbon_table_load_path(bx_ctx *ctx, const char *path, const bxc_column *columns,
                              size_t ncolumns, bxc_load_fn load, void *out)
{
    bxc_table t;
    bx_status st = bxi_carbon_table_open_path(&t, ctx, path, columns, ncolumns);
    if (st != BX_OK)
        return st;
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
    if (st != BX_OK)
        return st;
    st = load(ctx, out, &t, name);
    bxi_carbon_table_close(&t);
    return st;
}

void bxi_carbon_table_close(bxc_table *t)
{
    if (t->owns_csv)
        bx_csv_close(t->csv);
    if (t->owned_fp != NULL)
        fclose(t->owned_fp);
    t->csv = NULL;
    t->owned_fp = NULL;
    t->owns_csv = false;
}

bx_status bxi_carbon_table_next(bxc_table *t)
{
    return bx_csv_next(t->csv);
}

const char *bxi_carbon_get(const bxc_table *t, size_t c, size_t *len)
{
    const char *s = NULL;
    if (t->index[c] >= 0)
        s = bx_csv_field(t->csv, (size_t)t->index[c], len);
    if (s == NULL) {
        /* absent column, or a short row */
        if (len != NULL)
            *len = 0;
        return "";
    }
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
    return bx_csv_line(t->csv);
}

bx_location bxi_carbon_where(const bxc_table *t, size_t c)
{
    bx_location where = {0};
    where.file = t->name;
    where.line = bx_csv_line(t->csv);
    where.column = t->index[c] >= 0 ? (uint32_t)(t->index[c] + 1) : 0;
    where.field = t->columns[c].name;
    return where;
}

static bx_status field_error(const bxc_table *t, size_t c, const char *why)
{
    bx_location where = bxi_carbon_where(t, c);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", why);
}

bx_status bxi_carbon_get_id(const bxc_table *t, size_t c, bool required,
                     char out[BX_ID_MAX])
{
    size_t len;
    const char *s = bxi_carbon_get(t, c, &len);
    out[0] = '\0';
    if (len == 0)
        return required ? field_error(t, c, "required field is empty") : BX_OK;
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
        return required ? field_error(t, c, "required field is empty") : BX_OK;
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
        return required ? field_error(t, c, "required field is empty") : BX_OK;
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
        return required ? field_error(t, c, "required field is empty") : BX_OK;
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
