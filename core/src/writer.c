/*
 * writer.c: format-independent record writing over the back ends.
 */
#include <string.h>

#include "internal.h"

static const bx_writer_backend *writer_backend_for(bx_format format)
{
    switch (format) {
    case BX_FORMAT_CSV: return &bxi_csv_writer_backend;
#if BOXCAR_HAVE_JSON
    case BX_FORMAT_JSON: return &bxi_json_writer_backend;
#endif
#if BOXCAR_HAVE_CBOR
    case BX_FORMAT_CBOR: return &bxi_cbor_writer_backend;
#endif
    default: return NULL;
    }
}

bx_status bxi_writer_emit(bx_writer *w, const void *data, size_t size)
{
    if (size == 0)
        return BX_OK;
    if (w->write(w->write_ud, data, size) != 0)
        return bxi_error(w->ctx, BX_EIO, "write failed");
    return BX_OK;
}

bx_status bx_writer_open(bx_ctx *ctx, bx_writer **out, bx_record_kind kind,
                         bx_format fmt, bx_write_fn write, void *write_ud,
                         uint64_t n_records)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || write == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_writer_open: bad argument");
    *out = NULL;
    const bx_schema *schema = bxi_schema_for(kind);
    if (schema == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_writer_open: record kind must be box or order_line");
    const bx_writer_backend *backend = writer_backend_for(fmt);
    if (backend == NULL)
        return bxi_error(ctx, fmt == BX_FORMAT_AUTO ? BX_EINVAL : BX_EUNSUPPORTED,
                        "%s output is not supported by this build of boxcar",
                        bx_format_name(fmt));
    bx_writer *w = bx_alloc(ctx, sizeof *w);
    if (w == NULL)
        return BX_ENOMEM;
    memset(w, 0, sizeof *w);
    w->ctx = ctx;
    w->schema = schema;
    w->format = fmt;
    w->backend = backend;
    w->write = write;
    w->write_ud = write_ud;
    w->n_announced = n_records;
    bx_status st = backend->begin(w);
    if (st != BX_OK) {
        bx_writer_abort(w);
        return st;
    }
    *out = w;
    return BX_OK;
}

bx_status bx_writer_put(bx_writer *w, const void *record)
{
    if (w == NULL)
        return BX_EINVAL;
    if (record == NULL)
        return bxi_error(w->ctx, BX_EINVAL, "bx_writer_put: record is NULL");
    if (w->n_written >= w->n_announced)
        return bxi_error(w->ctx, BX_EINVAL,
                        "bx_writer_put: more records than the %llu announced",
                        (unsigned long long)w->n_announced);
    /* Back ends write what the presence bits say: normalise them first, as
     * a reader would have set them (outer sizes given: HAS_OUTER; stock
     * unlimited: no HAS_STOCK). */
    union {
        bx_box box;
        bx_order_line line;
        bx_item item;
    } copy;
    memcpy(&copy, record, w->schema->record_size);
    bx_status st;
    if (w->schema->kind == BX_RECORD_BOX) {
        if (copy.box.stock == BX_STOCK_UNLIMITED)
            copy.box.has &= ~BX_BOX_HAS_STOCK;
        st = bx_box_validate(w->ctx, &copy.box, NULL);
    } else if (w->schema->kind == BX_RECORD_ITEM) {
        st = bx_item_validate(w->ctx, &copy.item, NULL);
    } else {
        st = bx_order_line_validate(w->ctx, &copy.line, NULL);
    }
    if (st == BX_OK)
        st = w->schema->check(w->ctx, &copy, NULL);
    if (st != BX_OK)
        return st;
    st = w->backend->put(w, &copy);
    if (st == BX_OK)
        w->n_written++;
    return st;
}

bx_status bx_writer_close(bx_writer *w)
{
    if (w == NULL)
        return BX_OK;
    bx_status st;
    if (w->n_written != w->n_announced)
        st = bxi_error(w->ctx, BX_EINVAL,
                      "bx_writer_close: %llu records written, %llu announced",
                      (unsigned long long)w->n_written,
                      (unsigned long long)w->n_announced);
    else
        st = w->backend->end(w);
    bx_writer_abort(w);
    return st;
}

void bx_writer_abort(bx_writer *w)
{
    if (w == NULL)
        return;
    if (w->backend->free != NULL)
        w->backend->free(w);
    bx_free(w->ctx, w);
}
