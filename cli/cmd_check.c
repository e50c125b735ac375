/*
 * cmd_check.c: `boxcar check FILE...`: validate catalogs and order files.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void check_help(void)
{
    printf("usage: boxcar check [--kind catalog|orders|auto] [--format csv|json|cbor|auto]\n"
           "                    [--max-errors N] FILE...\n"
           "\n"
           "Read each file to its end and report every problem with file, line,\n"
           "column and field (CBOR: record and byte offset). The kind is taken from\n"
           "the columns or keys (box_id: catalog, order_id: orders) and the format\n"
           "from the extension or the first bytes, unless given.\n"
           "\n"
           "  --kind K         catalog, orders or auto (default auto)\n"
           "  --format F       csv, json, cbor or auto (default auto)\n"
           "  --max-errors N   problems printed per file (default 50, 0 = all)\n"
           "\n"
           "Exit: 0 all files valid (warnings allowed), 3 a file has errors,\n"
           "      1 a file could not be read, 2 usage error.\n");
}

int parse_kind(const char *s, bx_record_kind *out)
{
    if (strcmp(s, "catalog") == 0 || strcmp(s, "box") == 0)
        *out = BX_RECORD_BOX;
    else if (strcmp(s, "orders") == 0 || strcmp(s, "order") == 0)
        *out = BX_RECORD_ORDER_LINE;
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
    else
        printf("unreadable");
    if (r->warnings > 0)
        printf(", %llu warning%s", (unsigned long long)r->warnings,
               r->warnings == 1 ? "" : "s");
    printf("\n");
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        {"format", required_argument, NULL, 'f'},
        {"max-errors", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
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
                return cli_usage_error("check", "unknown format '%s'", optarg);
            break;
        case 'm': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || n < 0)
                return cli_usage_error("check", "--max-errors wants a number >= 0");
            cd.max_shown = (unsigned long)n;
            break;
        }
        case 'h':
            check_help();
            return EXIT_OK;
        default:
            return cli_usage_error("check", "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage_error("check", "no file to check");
    bx_ctx *ctx = cli_ctx_new(&cd);
    int worst = EXIT_OK;
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
