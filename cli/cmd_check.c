/*
 * cmd_check.c: `boxcar check FILE...`: validate catalogs and order files.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void check_help(void)
{
    printf("usage: boxcar check [--kind catalog|orders|items|auto] [--format csv|json|cbor|auto]\n"
           "                    [--max-errors N] FILE...\n"
           "       boxcar check --policy FILE [--catalog FILE] [--param KEY=VALUE]...\n"
           "                    [script options] [FILE...]\n"
           "\n"
           "Read each file to its end and report every problem with file, line,\n"
           "column and field (CBOR: record and byte offset). The kind is taken from\n"
           "the columns or keys (box_id: catalog, order_id: orders) and the format\n"
           "from the extension or the first bytes, unless given.\n"
           "\n"
           "  --kind K         catalog, orders or auto (default auto)\n"
           "  --format F       csv, json, cbor or auto (default auto)\n"
           "  --max-errors N   problems printed per file (default 50, 0 = all)\n"
           "  --policy FILE    compile a Lua policy and call each of its hooks on a\n"
           "                   small built-in order, checking what they return\n"
           "  --catalog FILE   the catalog the policy is checked with (default: the\n"
           "                   cn-express carton series)\n"
           "  --param KEY=VALUE  set one of the policy's params first (repeatable)\n"
           CLI_SCRIPT_HELP
           "\n"
           "Exit: 0 all files valid (warnings allowed), 3 a file or the policy has\n"
           "      errors, 1 a file could not be read, 2 usage error.\n");
}

int parse_kind(const char *s, bx_record_kind *out)
{
    if (strcmp(s, "catalog") == 0 || strcmp(s, "box") == 0)
        *out = BX_RECORD_BOX;
    else if (strcmp(s, "orders") == 0 || strcmp(s, "order") == 0)
        *out = BX_RECORD_ORDER_LINE;
    else if (strcmp(s, "items") == 0 || strcmp(s, "item") == 0)
        *out = BX_RECORD_ITEM;
    else if (strcmp(s, "auto") == 0)
        *out = BX_RECORD_AUTO;
    else
        return -1;
    return 0;
}

static void summary(const char *path, const bx_check_result *r)
{
    if (r->errors == 0)
        printf("%s: ok: ", path);
    else
        printf("%s: %llu error%s: ", path, (unsigned long long)r->errors,
               r->errors == 1 ? "" : "s");
    if (r->kind == BX_RECORD_BOX)
        printf("catalog (%s), %llu boxes", bx_format_name(r->format),
               (unsigned long long)r->records);
    else if (r->kind == BX_RECORD_ORDER_LINE)
        printf("orders (%s), %llu orders, %llu lines, %llu units",
               bx_format_name(r->format), (unsigned long long)r->orders,
               (unsigned long long)r->records, (unsigned long long)r->units);
    else if (r->kind == BX_RECORD_ITEM)
        printf("item master (%s), %llu items", bx_format_name(r->format),
               (unsigned long long)r->records);
    else
        printf("unreadable");
    if (r->warnings > 0)
        printf(", %llu warning%s", (unsigned long long)r->warnings,
               r->warnings == 1 ? "" : "s");
    printf("\n");
}

/* Compile the policy, lint it on the built-in order, and say what it is. */
static int check_policy(const cli_policy_args *pa, const char *catalog, cli_diags *cd)
{
    bx_ctx *ctx = cli_ctx_new(cd);
    bx_catalog *cat = NULL;
    bx_engine *engine = NULL;
    bx_policy *p = NULL;
    bool printed = false;
    bx_status st = bx_catalog_load(ctx, &cat, catalog, BX_FORMAT_AUTO);
    if (st == BX_OK)
        st = bx_engine_new(ctx, &engine, NULL);
    if (st == BX_OK)
        st = cli_policy_open(ctx, pa, cat, &p, &printed);
    if (st == BX_OK && (st = bx_policy_lint(p, engine)) != BX_OK) {
        fprintf(stderr, "error: %s\n", bx_ctx_errmsg(ctx));
        printed = true;
    }
    cli_diag_flush(cd);
    int rc;
    if (st == BX_OK) {
        const bx_script *s = bx_policy_script(p);
        printf("%s: ok: policy '%s', %zu warning%s; ", pa->path, bx_policy_name(p),
               bx_ctx_warning_count(ctx), bx_ctx_warning_count(ctx) == 1 ? "" : "s");
        cli_print_hooks(stdout, p);
        printf("  Lua memory after the lint order: %zu KiB (peak %zu KiB)\n",
               bx_script_memory(s) >> 10, bx_script_memory_peak(s) >> 10);
        cli_print_assumptions(stdout, p);
        rc = EXIT_OK;
    } else if (cat == NULL || engine == NULL) {
        rc = cli_fail(ctx, st); /* the catalog's own problems were printed */
    } else {
        if (!printed)
            fprintf(stderr, "error: %s\n", bx_ctx_errmsg(ctx));
        printf("%s: policy has errors\n", pa->path);
        rc = cli_exit_code(st);
    }
    bx_policy_free(p);
    bx_engine_free(engine);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        {"format", required_argument, NULL, 'f'},
        {"max-errors", required_argument, NULL, 'm'},
        {"policy", required_argument, NULL, 'P'},
        {"catalog", required_argument, NULL, 'c'},
        {"param", required_argument, NULL, 'K'},
        CLI_SCRIPT_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_policy_args pa;
    memset(&pa, 0, sizeof pa);
    pa.limits = cli_script_limits_default();
    const char *catalog = NULL;
    bx_record_kind kind = BX_RECORD_AUTO;
    bx_format fmt = BX_FORMAT_AUTO;
    cli_diags cd = {0, 0, 50};
    int c;
    while ((c = getopt_long(argc, argv, "k:f:m:h", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (parse_kind(optarg, &kind) != 0)
                return cli_usage_error("check", "unknown kind '%s'", optarg);
            break;
        case 'f':
            if (bx_format_parse(optarg, &fmt) != BX_OK)
                return cli_usage_error("check", "unknown format '%s': --format is auto, csv, json "
                                       "or cbor", optarg);
            break;
        case 'm': {
            uint64_t n;
            if (!cli_parse_u64(optarg, 0, ULONG_MAX, &n))
                return cli_usage_error("check", "--max-errors wants a number >= 0");
            cd.max_shown = (unsigned long)n;
            break;
        }
        case 'P': pa.path = optarg; break;
        case 'c': catalog = optarg; break;
        case 'K':
            if (pa.nparams == CLI_MAX_PARAMS)
                return cli_usage_error("check", "at most %d --param", CLI_MAX_PARAMS);
            pa.params[pa.nparams++] = optarg;
            break;
        case CLI_OPT_SCRIPT_MEMORY:
        case CLI_OPT_SCRIPT_BUDGET:
        case CLI_OPT_SCRIPT_TIME: {
            int rc = cli_script_option("check", c, optarg, &pa.limits);
            if (rc != 0)
                return rc;
            break;
        }
        case 'h':
            check_help();
            return EXIT_OK;
        default:
            return cli_usage_error("check", "bad option");
        }
    }
    if (pa.path == NULL && (catalog != NULL || pa.nparams > 0))
        return cli_usage_error("check", "--catalog and --param go with --policy");
    if (optind >= argc && pa.path == NULL)
        return cli_usage_error("check", "no file to check");
    int worst = EXIT_OK;
    if (pa.path != NULL) {
        if (catalog == NULL && (catalog = cli_default_catalog("cn-express.csv")) == NULL) {
            fprintf(stderr, "boxcar check: the default catalog is not where it was "
                            "installed; give --catalog FILE\n");
            return EXIT_FAILURE_RUNTIME;
        }
        worst = check_policy(&pa, catalog, &cd);
    }
    bx_ctx *ctx = cli_ctx_new(&cd);
    for (int i = optind; i < argc; i++) {
        bx_check_result res;
        bx_ctx_clear_error(ctx);
        bx_status st = bx_check_file(ctx, argv[i], kind, fmt, &res);
        cli_diag_flush(&cd);
        int code;
        if (st == BX_OK || st == BX_EINPUT || st == BX_ELIMIT) {
            if (st == BX_ELIMIT)
                fprintf(stderr, "error: %s\n", bx_ctx_errmsg(ctx));
            summary(argv[i], &res);
            code = cli_exit_code(st);
        } else {
            code = cli_fail(ctx, st);
        }
        /* Bad input (3) outranks a runtime failure (1) for the exit code: it
         * is what the user has to fix. */
        if (code == EXIT_BAD_INPUT || (code != EXIT_OK && worst == EXIT_OK))
            worst = code;
        bx_ctx_clear_warnings(ctx);
    }
    bx_ctx_free(ctx);
    return worst;
}
