/*
 * script_none.c: the script API in a build without Lua: every call says
 * so, so that callers need no #if of their own.
 */
#include "boxcar/script.h"
#include "internal.h"

bx_script_limits bx_script_limits_default(void)
{
    bx_script_limits l = {BX_SCRIPT_DEFAULT_MEMORY, BX_SCRIPT_DEFAULT_INSTRUCTIONS, 0};
    return l;
}

static bx_status unsupported(bx_ctx *ctx)
{
    if (ctx == NULL)
        return BX_EINVAL;
    return bxi_error(ctx, BX_EUNSUPPORTED, "scripts need Lua, which this build of "
                    "boxcar was made without (BOXCAR_WITH_LUA=OFF)");
}

bx_status bx_script_load_buffer(bx_ctx *ctx, bx_script **out, const char *name,
                                const char *text, size_t len,
                                const bx_script_limits *limits)
{
    (void)name, (void)text, (void)len, (void)limits;
    if (out != NULL)
        *out = NULL;
    return unsupported(ctx);
}

bx_status bx_script_load_file(bx_ctx *ctx, bx_script **out, const char *path,
                              const bx_script_limits *limits)
{
    (void)path, (void)limits;
    if (out != NULL)
        *out = NULL;
    return unsupported(ctx);
}

const char *bx_script_name(const bx_script *script)
{
    (void)script;
    return "";
}

size_t bx_script_memory(const bx_script *script)
{
    (void)script;
    return 0;
}

size_t bx_script_memory_peak(const bx_script *script)
{
    (void)script;
    return 0;
}

uint64_t bx_script_instructions(const bx_script *script)
{
    (void)script;
    return 0;
}

void bx_script_free(bx_script *script)
{
    (void)script;
}
