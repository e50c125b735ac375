/*
 * pack_write.c: one entry point per result format, so a caller (the CLI,
 * the service) picks the format once and loops over orders.
 */
#include "pack_emit.h"

static const char *const format_names[] = {"table", "csv", "json", "cbor"};

const char *bx_pack_format_name(bx_pack_format format)
{
    if ((unsigned)format < BX_ARRAY_LEN(format_names))
        return format_names[format];
    return "unknown";
}

/* ASCII only: strcasecmp follows the locale (a Turkish 'I'). */
static bool same_name(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return false;
    }
    return *a == *b;
}

bx_status bx_pack_format_parse(const char *s, bx_pack_format *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < BX_ARRAY_LEN(format_names); i++)
        if (same_name(s, format_names[i])) {
            *out = (bx_pack_format)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

#if !BOXCAR_HAVE_CBOR
/* Left out of this build: say so at run time, like the record readers. */
bx_status bx_pack_cbor(bx_ctx *ctx, const bx_order *order,
                       const bx_pack_result *result, bx_write_fn write,
                       void *ud)
{
    (void)order;
    (void)result;
    (void)write;
    (void)ud;
    if (ctx == NULL)
        return BX_EINVAL;
    return bxi_error(ctx, BX_EUNSUPPORTED, "CBOR output was left out of this build");
}

bx_status bx_pack_cbor_failed(bx_ctx *ctx, const char *order_id,
                              const char *message, bx_write_fn write, void *ud)
{
    (void)order_id;
    (void)message;
    (void)write;
    (void)ud;
    if (ctx == NULL)
        return BX_EINVAL;
    return bxi_error(ctx, BX_EUNSUPPORTED, "CBOR output was left out of this build");
}
#endif

static bx_status bad_format(bx_ctx *ctx, bx_pack_format format)
{
    if (ctx == NULL)
        return BX_EINVAL;
    return bxi_error(ctx, BX_EINVAL, "unknown packing output format %d", (int)format);
}

bx_status bx_pack_write_header(bx_ctx *ctx, bx_pack_format format,
                               bx_write_fn write, void *ud)
{
    switch (format) {
    case BX_PACK_TABLE: return bx_pack_table_header(ctx, write, ud);
    case BX_PACK_CSV: return bx_pack_csv_boxes_header(ctx, write, ud);
    case BX_PACK_JSON:
    case BX_PACK_CBOR: return ctx == NULL ? BX_EINVAL : BX_OK;
    }
    return bad_format(ctx, format);
}

bx_status bx_pack_write(bx_ctx *ctx, bx_pack_format format,
                        const bx_order *order, const bx_pack_result *result,
                        bx_write_fn write, void *ud)
{
    switch (format) {
    case BX_PACK_TABLE: return bx_pack_table(ctx, order, result, write, ud);
    case BX_PACK_CSV: return bx_pack_csv_boxes(ctx, order, result, write, ud);
    case BX_PACK_JSON: return bx_pack_json(ctx, order, result, write, ud);
    case BX_PACK_CBOR: return bx_pack_cbor(ctx, order, result, write, ud);
    }
    return bad_format(ctx, format);
}

bx_status bx_pack_write_failed(bx_ctx *ctx, bx_pack_format format,
                               const char *order_id, const char *message,
                               bx_write_fn write, void *ud)
{
    switch (format) {
    case BX_PACK_TABLE:
        return bx_pack_table_failed(ctx, order_id, message, write, ud);
    case BX_PACK_CSV:
        return bx_pack_csv_failed(ctx, order_id, message, write, ud);
    case BX_PACK_JSON:
        return bx_pack_json_failed(ctx, order_id, message, write, ud);
    case BX_PACK_CBOR:
        return bx_pack_cbor_failed(ctx, order_id, message, write, ud);
    }
    return bad_format(ctx, format);
}
