/*
 * policy_none.c: the policy API in a build without Lua: every call says
 * so, so that callers need no #if of their own.
 */
#include "boxcar/policy.h"
#include "internal.h"

static bx_status unsupported(bx_ctx *ctx)
{
    if (ctx == NULL)
        return BX_EINVAL;
    return bxi_error(ctx, BX_EUNSUPPORTED, "policies need Lua, which this build of "
                    "boxcar was made without (BOXCAR_WITH_LUA=OFF)");
}

bx_status bx_policy_load(bx_ctx *ctx, bx_policy **out, const char *path,
                         const bx_catalog *catalog, const bx_script_limits *limits)
{
    (void)path, (void)catalog, (void)limits;
    if (out != NULL)
        *out = NULL;
    return unsupported(ctx);
}

bx_status bx_policy_load_buffer(bx_ctx *ctx, bx_policy **out, const char *name,
                                const char *text, size_t len, const bx_catalog *catalog,
                                const bx_script_limits *limits)
{
    (void)name, (void)text, (void)len, (void)catalog, (void)limits;
    if (out != NULL)
        *out = NULL;
    return unsupported(ctx);
}

/* No policy can exist in this build, so the rest only see NULL. */
void bx_policy_free(bx_policy *policy) { (void)policy; }
const char *bx_policy_name(const bx_policy *policy) { (void)policy; return ""; }
unsigned bx_policy_hooks(const bx_policy *policy) { (void)policy; return 0; }
const bx_script *bx_policy_script(const bx_policy *policy) { (void)policy; return NULL; }
size_t bx_policy_assumption_count(const bx_policy *policy) { (void)policy; return 0; }

const char *bx_policy_assumption(const bx_policy *policy, size_t i)
{
    (void)policy, (void)i;
    return NULL;
}

bx_status bx_policy_set_param(bx_policy *policy, const char *key, const char *value)
{
    (void)policy, (void)key, (void)value;
    return BX_EINVAL;
}

bx_status bx_policy_set_pool(bx_policy *policy, const bx_policy_pool *pool)
{
    (void)policy, (void)pool;
    return BX_EINVAL;
}

int64_t bx_policy_pool_available(const bx_policy *policy, const char *box_id)
{
    (void)policy, (void)box_id;
    return -1;
}

bx_status bx_policy_pack(bx_policy *policy, bx_engine *engine, const bx_order *order,
                         const bx_pack_options *options, const bx_pack_result **result)
{
    (void)policy, (void)engine, (void)order, (void)options;
    if (result != NULL)
        *result = NULL;
    return BX_EINVAL;
}

bx_status bx_policy_check(bx_policy *policy, const bx_order *order,
                          const bx_pack_result *result, const bx_pack_result **out)
{
    (void)policy, (void)order, (void)result;
    if (out != NULL)
        *out = NULL;
    return BX_EINVAL;
}

void bx_policy_packed_as(const bx_policy *policy, bx_order *order, bx_pack_options *options)
{
    (void)policy, (void)order, (void)options;
}

bx_status bx_policy_lint(bx_policy *policy, bx_engine *engine)
{
    (void)policy, (void)engine;
    return BX_EINVAL;
}
