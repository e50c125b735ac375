/*
 * reader.c: format-independent record reading. Opens the byte source,
 * decides the format, and hands each record from the format's back end to
 * the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Enough to tell JSON, CBOR and CSV apart after a BOM and blank space. */
#define BX_SNIFF_BYTES 512

bx_reader_limits bx_reader_limits_default(void)
{
    bx_reader_limits l = {1024 * 1024, 16, 256, 0};
    return l;
}

static long file_read(void *ud, void *buf, size_t size)
{
    FILE *fp = ud;
    size_t n = fread(buf, 1, size, fp);
    if (n == 0 && ferror(fp))
        return -1;
    return (long)n;
}

static long mem_read(void *ud, void *buf, size_t size)
{
    bx_reader *r = ud;
    size_t left = r->mem.size - r->mem.pos;
    size_t n = size < left ? size : left;
    if (n > 0)
        memcpy(buf, r->mem.data + r->mem.pos, n);
    r->mem.pos += n;
    return (long)n;
}

long bxi_reader_read(bx_reader *r, void *buf, size_t size)
{
    if (r->prefix_pos < r->prefix_len) {
        size_t left = r->prefix_len - r->prefix_pos;
        size_t n = size < left ? size : left;
        memcpy(buf, r->prefix + r->prefix_pos, n);
        r->prefix_pos += n;
        r->bytes_read += n;
        return (long)n;
    }
    long n = r->read(r->read_ud, buf, size);
    if (n > 0)
        r->bytes_read += (uint64_t)n;
    return n;
}

/* Read the first bytes into the replay prefix and look at them: '[' or '{'
 * starts JSON, a CBOR array or map head (major types 4 and 5, 0x80..0xbf,
 * bytes no UTF-8 text can start with) starts CBOR, anything else is CSV. */
static bx_status sniff(bx_reader *r, bx_format *out)
{
    r->prefix = bx_alloc(r->ctx, BX_SNIFF_BYTES);
    if (r->prefix == NULL)
        return BX_ENOMEM;
    size_t got = 0;
    while (got < BX_SNIFF_BYTES) {
        long n = r->read(r->read_ud, r->prefix + got, BX_SNIFF_BYTES - got);
        if (n < 0)
            return bxi_error(r->ctx, BX_EIO, "%s: read error", r->name);
        if (n == 0)
            break;
        got += (size_t)n;
    }
    r->prefix_len = got;
    size_t i = 0;
    if (got >= 3 && memcmp(r->prefix, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < got && (r->prefix[i] == ' ' || r->prefix[i] == '\t' ||
                       r->prefix[i] == '\r' || r->prefix[i] == '\n'))
        i++;
    *out = BX_FORMAT_CSV;
    if (i < got) {
        unsigned char c = r->prefix[i];
        if (c == '[' || c == '{')
            *out = BX_FORMAT_JSON;
        else if (i == 0 && c >= 0x80 && c <= 0xbf)
            *out = BX_FORMAT_CBOR;
    }
    return BX_OK;
}

static const bx_reader_backend *backend_for(bx_format format)
{
    switch (format) {
    case BX_FORMAT_CSV: return &bxi_csv_backend;
#if BOXCAR_HAVE_JSON
    case BX_FORMAT_JSON: return &bxi_json_backend;
#endif
#if BOXCAR_HAVE_CBOR
    case BX_FORMAT_CBOR: return &bxi_cbor_backend;
#endif
    default: return NULL;
    }
}

/* Common tail of the three open functions: r has its byte source set. */
static bx_status finish_open(bx_reader *r, bx_format fmt)
{
    bx_status st;
    if (fmt == BX_FORMAT_AUTO)
        fmt = bx_format_from_path(r->name);
    if (fmt == BX_FORMAT_AUTO) {
        st = sniff(r, &fmt);
        if (st != BX_OK)
            return st;
    }
    r->format = fmt;
    r->backend = backend_for(fmt);
    if (r->backend == NULL)
        return bxi_error(r->ctx, BX_EUNSUPPORTED,
                        "%s: %s input is not supported by this build of boxcar",
                        r->name, bx_format_name(fmt));
    r->recoverable = true;
    st = r->backend->open(r);
    if (st != BX_OK)
        r->recoverable = false;
    return st;
}

static bx_status new_reader(bx_ctx *ctx, bx_reader **out, bx_record_kind kind,
                            const char *name, const bx_reader_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || (unsigned)kind > BX_RECORD_ITEM)
        return bxi_error(ctx, BX_EINVAL, "bx_reader_open: bad argument");
    *out = NULL;
    bx_reader *r = bx_alloc(ctx, sizeof *r);
    if (r == NULL)
        return BX_ENOMEM;
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->kind = kind;
    r->requested_kind = kind;
    /* A limit of 0 means its default (max_records: 0 is unlimited). */
    bx_reader_limits def = bx_reader_limits_default();
    r->limits = limits ? *limits : def;
    if (r->limits.max_record_bytes == 0)
        r->limits.max_record_bytes = def.max_record_bytes;
    if (r->limits.max_depth == 0)
        r->limits.max_depth = def.max_depth;
    if (r->limits.max_fields == 0)
        r->limits.max_fields = def.max_fields;
    r->name = bxi_strdup(ctx, name);
    if (r->name == NULL) {
        bx_free(ctx, r);
        return BX_ENOMEM;
    }
    *out = r;
    return BX_OK;
}

static bx_status opened(bx_reader **out, bx_reader *r, bx_status st)
{
    if (st != BX_OK) {
        bx_reader_close(r);
        *out = NULL;
        return st;
    }
    *out = r;
    return BX_OK;
}

bx_status bx_reader_open_file(bx_ctx *ctx, bx_reader **out, bx_record_kind kind,
                              bx_format fmt, const char *path,
                              const bx_reader_limits *limits)
{
    bx_reader *r = NULL;
    bx_status st = new_reader(ctx, &r, kind, path ? path : "", limits);
    if (st != BX_OK)
        return st;
    if (path == NULL)
        return opened(out, r, bxi_error(ctx, BX_EINVAL, "bx_reader_open_file: path is NULL"));
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        int e = errno;
        st = bxi_error(ctx, e == ENOENT ? BX_ENOTFOUND : BX_EIO, "%s: %s",
                      path, strerror(e));
        return opened(out, r, st);
    }
    r->file = fp;
    r->read = file_read;
    r->read_ud = fp;
    return opened(out, r, finish_open(r, fmt));
}

bx_status bx_reader_open_stream(bx_ctx *ctx, bx_reader **out,
                                bx_record_kind kind, bx_format fmt,
                                const char *name, bx_read_fn read,
                                void *read_ud, const bx_reader_limits *limits)
{
    bx_reader *r = NULL;
    bx_status st = new_reader(ctx, &r, kind, name ? name : "<stream>", limits);
    if (st != BX_OK)
        return st;
    if (read == NULL)
        return opened(out, r, bxi_error(ctx, BX_EINVAL, "bx_reader_open_stream: read is NULL"));
    r->read = read;
    r->read_ud = read_ud;
    return opened(out, r, finish_open(r, fmt));
}

bx_status bx_reader_open_mem(bx_ctx *ctx, bx_reader **out, bx_record_kind kind,
                             bx_format fmt, const char *name, const void *data,
                             size_t size, const bx_reader_limits *limits)
{
    bx_reader *r = NULL;
    bx_status st = new_reader(ctx, &r, kind, name ? name : "<memory>", limits);
    if (st != BX_OK)
        return st;
    if (data == NULL && size != 0)
        return opened(out, r, bxi_error(ctx, BX_EINVAL, "bx_reader_open_mem: data is NULL"));
    r->mem.data = data;
    r->mem.size = size;
    r->read = mem_read;
    r->read_ud = r;
    return opened(out, r, finish_open(r, fmt));
}

/* ---- rows of named columns ------------------------------------------------ */

/* A reader of rows: as new_reader, with the schema in place of a kind. */
static bx_status new_rows_reader(bx_ctx *ctx, bx_reader **out,
                                 const bx_schema *schema, const char *name)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || schema == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_reader_open_rows: bad argument");
    bx_status st = new_reader(ctx, out, BX_RECORD_AUTO, name, NULL);
    if (st != BX_OK)
        return st;
    bx_reader *r = *out;
    r->kind = r->requested_kind = BX_RECORD_ROWS;
    r->rows = schema;
    r->row = bx_alloc(ctx, sizeof *r->row);
    if (r->row == NULL)
        return opened(out, r, BX_ENOMEM);
    memset(r->row, 0, sizeof *r->row);
    r->row->ncells = schema->nfields;
    return BX_OK;
}

bx_status bxi_reader_open_rows_file(bx_ctx *ctx, bx_reader **out,
                                   const bx_schema *schema, bx_format fmt,
                                   const char *path)
{
    bx_reader *r = NULL;
    bx_status st = new_rows_reader(ctx, &r, schema, path ? path : "");
    if (st != BX_OK)
        return st;
    FILE *fp = path != NULL ? fopen(path, "rb") : NULL;
    if (fp == NULL) {
        int e = path != NULL ? errno : EINVAL;
        st = bxi_error(ctx, e == ENOENT ? BX_ENOTFOUND : BX_EIO,
                      "%s: cannot open: %s", r->name, strerror(e));
        return opened(out, r, st);
    }
    r->file = fp;
    r->read = file_read;
    r->read_ud = fp;
    return opened(out, r, finish_open(r, fmt));
}

bx_status bxi_reader_open_rows_fp(bx_ctx *ctx, bx_reader **out,
                                 const bx_schema *schema, bx_format fmt,
                                 const char *name, void *fp)
{
    bx_reader *r = NULL;
    bx_status st = new_rows_reader(ctx, &r, schema, name ? name : "<stream>");
    if (st != BX_OK)
        return st;
    if (fp == NULL)
        return opened(out, r, bxi_error(ctx, BX_EINVAL, "bxi_reader_open_rows_fp: fp is NULL"));
    r->read = file_read; /* not r->file: the caller closes it */
    r->read_ud = fp;
    return opened(out, r, finish_open(r, fmt));
}

bx_status bxi_reader_open_rows_mem(bx_ctx *ctx, bx_reader **out,
                                  const bx_schema *schema, bx_format fmt,
                                  const char *name, const void *data,
                                  size_t size)
{
    bx_reader *r = NULL;
    bx_status st = new_rows_reader(ctx, &r, schema, name ? name : "<memory>");
    if (st != BX_OK)
        return st;
    if (data == NULL && size != 0)
        return opened(out, r, bxi_error(ctx, BX_EINVAL, "bxi_reader_open_rows_mem: data is NULL"));
    r->mem.data = data;
    r->mem.size = size;
    r->read = mem_read;
    r->read_ud = r;
    return opened(out, r, finish_open(r, fmt));
}

const bx_schema *bxi_reader_schema(const bx_reader *r)
{
    return r->rows != NULL ? r->rows : bxi_schema_for(r->kind);
}

void *bxi_reader_record(bx_reader *r)
{
    return r->rows != NULL ? (void *)r->row : (void *)&r->rec.u;
}

bx_record_kind bx_reader_kind(const bx_reader *r)
{
    return r == NULL ? BX_RECORD_AUTO : r->kind;
}

bx_format bx_reader_format(const bx_reader *r)
{
    return r == NULL ? BX_FORMAT_AUTO : r->format;
}

bool bx_reader_recoverable(const bx_reader *r)
{
    return r != NULL && r->recoverable;
}

void bxi_reader_note_order_id(bx_reader *r, const char *s, size_t len, uint64_t line)
{
    if (r->kind != BX_RECORD_ORDER_LINE || bxi_id_problem(s, len) != NULL)
        return;
    memcpy(r->bad_order_id, s, len);
    r->bad_order_id[len] = '\0';
    r->bad_line = line;
}

/* One record from the back end into bxi_reader_record(r). */
static bx_status next_record(bx_reader *r)
{
    if (!r->recoverable)
        return bxi_error(r->ctx, BX_EINVAL,
                        "%s: the reader stopped at an earlier error", r->name);
    r->bad_order_id[0] = '\0';
    r->bad_line = 0;
    bx_status st = r->backend->next(r);
    if (st == BX_OK || st == BX_EINPUT)
        r->nrecords++;
    /* Only a record past the limit is an error: a file of exactly
     * max_records records ends normally. */
    if (r->limits.max_records != 0 && r->nrecords > r->limits.max_records) {
        r->recoverable = false;
        return bxi_error(r->ctx, BX_ELIMIT, "%s: more than %llu records",
                        r->name, (unsigned long long)r->limits.max_records);
    }
    if (st != BX_OK) {
        if (st != BX_EINPUT)
            r->recoverable = false;
        if (st == BX_END)
            r->recoverable = true; /* next keeps answering BX_END */
        return st;
    }
    r->recoverable = true;
    return BX_OK;
}

bx_status bx_reader_next(bx_reader *r, void *record)
{
    if (r == NULL)
        return BX_EINVAL;
    if (record == NULL || r->rows != NULL)
        return bxi_error(r->ctx, BX_EINVAL, "bx_reader_next: %s",
                        record == NULL ? "record is NULL" : "a reader of rows");
    bx_status st = next_record(r);
    if (st != BX_OK)
        return st;
    if (r->requested_kind == BX_RECORD_AUTO)
        memcpy(record, &r->rec, sizeof r->rec);
    else if (r->kind == BX_RECORD_BOX)
        memcpy(record, &r->rec.u.box, sizeof r->rec.u.box);
    else if (r->kind == BX_RECORD_ITEM)
        memcpy(record, &r->rec.u.item, sizeof r->rec.u.item);
    else
        memcpy(record, &r->rec.u.line, sizeof r->rec.u.line);
    return BX_OK;
}

bx_status bxi_reader_next_row(bx_reader *r, const bx_row **row)
{
    if (r == NULL || row == NULL || r->rows == NULL)
        return r == NULL ? BX_EINVAL
                         : bxi_error(r->ctx, BX_EINVAL, "bxi_reader_next_row: bad argument");
    *row = r->row;
    return next_record(r);
}

void bx_reader_close(bx_reader *r)
{
    if (r == NULL)
        return;
    bx_ctx *ctx = r->ctx;
    if (r->backend != NULL && r->backend->close != NULL)
        r->backend->close(r);
    if (r->file != NULL)
        fclose(r->file);
    bx_free(ctx, r->prefix);
    bx_free(ctx, r->row);
    bx_free(ctx, r->name);
    bx_free(ctx, r);
}
