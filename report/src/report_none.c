/*
 * report_none.c: the report API in a build without Lua: every call says
 * so, so that callers need no #if of their own.
 */
#include <strings.h>

#include "boxcar/report.h"
#include "internal.h"

static bx_status unsupported(bx_ctx *ctx)
{
    if (ctx == NULL)
        return BX_EINVAL;
    return bxi_error(ctx, BX_EUNSUPPORTED, "reports need Lua, which this build of boxcar was "
                    "made without (BOXCAR_WITH_LUA=OFF)");
}

bx_status bx_report_load(bx_ctx *ctx, bx_report **out, const char *path,
                         const bx_script_limits *limits)
{
    (void)path, (void)limits;
    if (out != NULL)
        *out = NULL;
    return unsupported(ctx);
}

bx_status bx_report_load_buffer(bx_ctx *ctx, bx_report **out, const char *name,
                                const char *text, size_t len, const bx_script_limits *limits)
{
    (void)name, (void)text, (void)len, (void)limits;
    if (out != NULL)
        *out = NULL;
    return unsupported(ctx);
}

/* No report can exist in this build, so the rest only see NULL. */
void bx_report_free(bx_report *report) { (void)report; }
const char *bx_report_name(const bx_report *report) { (void)report; return ""; }
uint64_t bx_report_rows(const bx_report *report) { (void)report; return 0; }

bx_status bx_report_add_source(bx_report *report, const char *name, const char *path,
                               const char *const *numeric)
{
    (void)report, (void)name, (void)path, (void)numeric;
    return BX_EINVAL;
}

bx_status bx_report_add_note(bx_report *report, const char *text)
{
    (void)report, (void)text;
    return BX_EINVAL;
}

bx_status bx_report_set_param(bx_report *report, const char *key, const char *value)
{
    (void)report, (void)key, (void)value;
    return BX_EINVAL;
}

bx_status bx_report_render(bx_report *report, bx_report_format format, const char *path,
                           const bx_report_options *options)
{
    (void)report, (void)format, (void)path, (void)options;
    return BX_EINVAL;
}
