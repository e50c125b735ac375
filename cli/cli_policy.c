/*
 * cli_policy.c: what `boxcar pack` and `boxcar check` share about
 * policies and scripts: the script limits options, --param, the
 * container pool file, and printing a policy's assumptions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bx_script_limits cli_script_limits_default(void)
{
    bx_script_limits l = bx_script_limits_default();
    /* A safety net only: a hook that takes seconds is broken anyway, and
     * the budget stops everything but comparisons of long strings. */
    l.time_ms = 10000;
    return l;
}

int cli_script_option(const char *cmd, int opt, const char *arg, bx_script_limits *l)
{
    uint64_t n = 0;
    bool ok = cli_parse_u64(arg, 0, UINT64_MAX, &n);
    switch (opt) {
    case CLI_OPT_SCRIPT_MEMORY:
        if (!ok || n < 1 || n > 65536)
            return cli_usage_error(cmd, "--script-memory wants MiB in 1..65536");
        l->memory_bytes = (size_t)n << 20;
        return 0;
    case CLI_OPT_SCRIPT_BUDGET:
        if (!ok || n == 0)
            return cli_usage_error(cmd, "--script-budget wants a whole number > 0");
        l->instructions = n;
        return 0;
    case CLI_OPT_SCRIPT_TIME:
        if (!ok || n > UINT32_MAX)
            return cli_usage_error(cmd, "--script-time wants milliseconds (0: no limit)");
        l->time_ms = (uint32_t)n;
        return 0;
    default:
        return cli_usage_error(cmd, "bad option");
    }
}

/* Errors found here, not by the library: printed at once, and *printed
 * set so that the caller does not print the context's (older) message. */
static bx_status fail(bool *printed, bx_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bx_status fail(bool *printed, bx_status st, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    *printed = true;
    return st;
}

/* "key=value" pairs, each set on the policy. */
static bx_status set_params(bx_ctx *ctx, bx_policy *p, char *const *params, size_t n,
                            bool *printed)
{
    for (size_t i = 0; i < n; i++) {
        char key[128];
        const char *eq = strchr(params[i], '=');
        size_t kl = eq ? (size_t)(eq - params[i]) : 0;
        if (eq == NULL || kl == 0 || kl >= sizeof key)
            return fail(printed, BX_EINVAL, "--param %s: want KEY=VALUE", params[i]);
        memcpy(key, params[i], kl);
        key[kl] = '\0';
        bx_status st = bx_policy_set_param(p, key, eq + 1);
        /* an unknown name is a mistake on the command line */
        if (st == BX_ENOTFOUND)
            return fail(printed, BX_EINVAL, "--param: %s", bx_ctx_errmsg(ctx));
        if (st != BX_OK)
            return st;
    }
    return BX_OK;
}

/* The pool file: CSV with the columns box_id and available. */
static bx_status read_pool(bx_ctx *ctx, bx_policy *p, const bx_catalog *cat,
                           const char *path, bool returns_accepted, bool *printed)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return fail(printed, errno == ENOENT ? BX_ENOTFOUND : BX_EIO, "--available %s: %s", path,
                    strerror(errno));
    bx_csv_reader *r = NULL;
    bx_status st = bx_csv_open_file(ctx, &r, path, fp, NULL);
    const char *ids[256];
    char idbuf[256][BX_ID_MAX];
    int64_t avail[256];
    size_t n = 0;
    if (st == BX_OK && (st = bx_csv_next(r)) == BX_OK) {
        const char *a = bx_csv_field(r, 0, NULL), *b = bx_csv_field(r, 1, NULL);
        if (bx_csv_nfields(r) != 2 || strcmp(a, "box_id") != 0 || strcmp(b, "available") != 0)
            st = fail(printed, BX_EINPUT, "%s:1: the header must be box_id,available", path);
    } else if (st == BX_END) {
        st = fail(printed, BX_EINPUT, "%s: empty (want a header box_id,available)", path);
    }
    while (st == BX_OK && (st = bx_csv_next(r)) == BX_OK) {
        unsigned long long line = (unsigned long long)bx_csv_line(r);
        size_t len;
        const char *id = bx_csv_field(r, 0, &len);
        const char *num = bx_csv_field(r, 1, NULL);
        uint64_t v = 0;
        if (bx_csv_nfields(r) != 2 || len == 0 || len >= BX_ID_MAX || num == NULL ||
            !cli_parse_u64(num, 0, INT64_MAX, &v))
            st = fail(printed, BX_EINPUT, "%s:%llu: want a box id and a count >= 0", path,
                      line);
        else if (n == sizeof ids / sizeof ids[0])
            st = fail(printed, BX_ELIMIT, "%s: at most %zu pool entries", path,
                      sizeof ids / sizeof ids[0]);
        else if (bx_catalog_find(cat, id) == NULL)
            st = fail(printed, BX_EINPUT, "%s:%llu: box '%s' is not in the catalog", path,
                      line, id);
        /* a second row would be what the hooks see (the pool table keeps
         * the last) but not what is counted down (the first) */
        for (size_t i = 0; st == BX_OK && i < n; i++)
            if (strcmp(ids[i], id) == 0)
                st = fail(printed, BX_EINPUT, "%s:%llu: box '%s' is in the pool twice", path,
                          line, id);
        if (st != BX_OK)
            break;
        if (!bx_catalog_find(cat, id)->reusable)
            fprintf(stderr, "warning: %s:%llu: box '%s' is not reusable in the catalog\n",
                    path, line, id);
        memcpy(idbuf[n], id, len + 1);
        ids[n] = idbuf[n];
        avail[n++] = v;
    }
    if (st == BX_END)
        st = BX_OK;
    bx_csv_close(r);
    fclose(fp);
    if (st != BX_OK)
        return st;
    bx_policy_pool pool = {returns_accepted, ids, avail, n};
    return bx_policy_set_pool(p, &pool);
}

bx_status cli_policy_open(bx_ctx *ctx, const cli_policy_args *a, const bx_catalog *cat,
                          bx_policy **out, bool *printed)
{
    *out = NULL;
    bx_policy *p = NULL;
    char buf[4096];
    const char *path = cli_script_path("policy", a->path, buf, sizeof buf);
    bx_status st = bx_policy_load(ctx, &p, path, cat, &a->limits);
    if (st == BX_OK)
        st = set_params(ctx, p, a->params, a->nparams, printed);
    if (st == BX_OK && a->pool != NULL)
        st = read_pool(ctx, p, cat, a->pool, a->returns_accepted, printed);
    if (st != BX_OK) {
        if (!*printed)
            fail(printed, st, "%s", bx_ctx_errmsg(ctx));
        bx_policy_free(p);
        return st;
    }
    *out = p;
    return BX_OK;
}

void cli_print_assumptions(FILE *out, const bx_policy *p)
{
    size_t n = bx_policy_assumption_count(p);
    if (n == 0)
        return;
    fprintf(out, "policy %s assumes (defaults that are not from a primary source):\n",
            bx_policy_name(p));
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  - %s\n", bx_policy_assumption(p, i));
}

void cli_print_hooks(FILE *out, const bx_policy *p)
{
    static const char *const names[] = {"eligible", "item_size", "box_cost",
                                        "score", "check", "choose_container"};
    unsigned h = bx_policy_hooks(p);
    bool any = false;
    fprintf(out, "hooks:");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (h & (1u << i)) {
            fprintf(out, "%s %s", any ? "," : "", names[i]);
            any = true;
        }
    fprintf(out, "%s\n", any ? "" : " none (packs like boxcar pack without a policy)");
}
