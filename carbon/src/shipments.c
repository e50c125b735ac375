/*
 * shipments.c: stream shipments from CSV, JSON or CBOR, one row in memory
 * at a time.
 */
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

struct bx_shipment_reader {
    bx_ctx *ctx;
    bxc_table table;
    char *name;
    uint64_t rows, bad;
    bool done;
};

enum { C_ID, C_DATE, C_MASS, C_ITEMS, C_PACKAGING, C_ROUTE, C_DROP, C_COUNT };

static const bxc_column columns[C_COUNT] = {
    [C_ID] = {"shipment_id", true},   [C_DATE] = {"date", true},
    [C_MASS] = {"mass_g", true},      [C_ITEMS] = {"items", false},
    [C_PACKAGING] = {"packaging", false}, [C_ROUTE] = {"route_id", true},
    [C_DROP] = {"drop_km", false},
};

void bx_shipment_init(bx_shipment *s)
{
    if (s == NULL)
        return;
    memset(s, 0, sizeof *s);
    s->mass_g = BX_MASS_UNKNOWN;
    s->items = 1;
    s->drop_km = -1.0;
}

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool bx_date_parse(const char *s, size_t len, int32_t *out)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > days[m - 1] + (m == 2 && leap))
        return false;
    if (out != NULL)
        *out = y * 10000 + m * 100 + d;
    return true;
}

/* A reader with its table opened by `open` (path, FILE or memory). */
typedef bx_status (*open_fn)(bxc_table *t, bx_ctx *ctx, const void *a, const void *b,
                             size_t size);

static bx_status new_reader(bx_ctx *ctx, bx_shipment_reader **out, open_fn open,
                            const void *a, const void *b, size_t size)
{
    bx_shipment_reader *r = bx_alloc(ctx, sizeof *r);
    if (r == NULL)
        return BX_ENOMEM;
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    bx_status st = open(&r->table, ctx, a, b, size);
    if (st == BX_OK) {
        r->name = bxi_strdup(ctx, r->table.name != NULL ? r->table.name : "");
        if (r->name == NULL)
            st = BX_ENOMEM;
    }
    if (st != BX_OK) {
        bx_shipment_reader_close(r);
        return st;
    }
    *out = r;
    return BX_OK;
}

static bx_status open_path(bxc_table *t, bx_ctx *ctx, const void *path, const void *unused,
                           size_t size)
{
    (void)unused;
    (void)size;
    return bxi_carbon_table_open_path(t, ctx, path, columns, C_COUNT);
}

static bx_status open_fp(bxc_table *t, bx_ctx *ctx, const void *name, const void *fp,
                         size_t size)
{
    (void)size;
    return bxi_carbon_table_open_fp(t, ctx, name, (FILE *)fp, columns, C_COUNT);
}

static bx_status open_mem(bxc_table *t, bx_ctx *ctx, const void *name, const void *data,
                          size_t size)
{
    return bxi_carbon_table_open_mem(t, ctx, name, data, size, columns, C_COUNT);
}

bx_status bx_shipment_reader_open(bx_ctx *ctx, bx_shipment_reader **out, const char *path)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_shipment_reader_open: bad argument");
    *out = NULL;
    return new_reader(ctx, out, open_path, path, NULL, 0);
}

bx_status bx_shipment_reader_open_file(bx_ctx *ctx, bx_shipment_reader **out,
                                       const char *name, FILE *fp)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || fp == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_shipment_reader_open_file: bad argument");
    *out = NULL;
    return new_reader(ctx, out, open_fp, name, fp, 0); /* the caller's FILE stays open */
}

bx_status bx_shipment_reader_open_mem(bx_ctx *ctx, bx_shipment_reader **out,
                                      const char *name, const void *data, size_t size)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || (data == NULL && size > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_shipment_reader_open_mem: bad argument");
    *out = NULL;
    return new_reader(ctx, out, open_mem, name, data, size);
}

const char *bx_shipment_column(size_t i)
{
    return i < C_COUNT ? columns[i].name : NULL;
}

static bx_status bad(const bxc_table *t, size_t c, const char *why)
{
    bx_location where = bxi_carbon_where(t, c);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", why);
}

static bx_status read_row(bx_shipment_reader *r, bx_shipment *s)
{
    const bxc_table *t = &r->table;
    bx_status st;
    if ((st = bxi_carbon_get_id(t, C_ID, true, s->shipment_id)) != BX_OK ||
        (st = bxi_carbon_get_id(t, C_ROUTE, true, s->route_id)) != BX_OK)
        return st;
    size_t len;
    const char *v = bxi_carbon_get(t, C_DATE, &len);
    if (!bx_date_parse(v, len, &s->date))
        return bad(t, C_DATE, len == 0 ? "required field is empty"
                                       : "expected a date YYYY-MM-DD");
    bool present;
    int64_t n;
    if ((st = bxi_carbon_get_int(t, C_MASS, false, 0, BX_MAX_MASS_G, &s->mass_g, &present)) != BX_OK)
        return st;
    if (!present)
        s->mass_g = BX_MASS_UNKNOWN;
    if ((st = bxi_carbon_get_int(t, C_ITEMS, false, 1, BX_MAX_ITEMS, &n, &present)) != BX_OK)
        return st;
    s->items = present ? (int32_t)n : 1;
    if ((st = bxi_carbon_get_double(t, C_DROP, false, 0, BX_MAX_DROP_KM, &s->drop_km,
                             &present)) != BX_OK)
        return st;
    if (!present)
        s->drop_km = -1.0;
    v = bxi_carbon_get(t, C_PACKAGING, &len);
    if (len >= BX_PACKAGING_MAX)
        return bad(t, C_PACKAGING, "longer than 127 bytes");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return bad(t, C_PACKAGING, "contains a control character");
    memcpy(s->packaging, v, len + 1);
    return BX_OK;
}

bx_status bx_shipment_reader_next(bx_shipment_reader *r, bx_shipment *s)
{
    if (r == NULL || s == NULL)
        return BX_EINVAL;
    if (r->done)
        return BX_END;
    bx_status st = bxi_carbon_table_next(&r->table);
    if (st == BX_END) {
        r->done = true;
        return BX_END;
    }
    if (st != BX_OK && st != BX_EINPUT) {
        r->done = true;
        return st;
    }
    r->rows++;
    if (st == BX_OK) {
        s->line = r->table.row->at.line;
        s->record = r->table.row->at.record;
        s->source = r->name;
        st = read_row(r, s);
    }
    if (st == BX_EINPUT)
        r->bad++;
    else if (st != BX_OK)
        r->done = true;
    return st;
}

uint64_t bx_shipment_reader_rows(const bx_shipment_reader *r)
{
    return r == NULL ? 0 : r->rows;
}

uint64_t bx_shipment_reader_bad_rows(const bx_shipment_reader *r)
{
    return r == NULL ? 0 : r->bad;
}

void bx_shipment_reader_close(bx_shipment_reader *r)
{
    if (r == NULL)
        return;
    bxi_carbon_table_close(&r->table);
    bx_free(r->ctx, r->name);
    bx_free(r->ctx, r);
}
