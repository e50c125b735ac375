/*
 * cmd_report.c: `boxcar report`: run a report script over packing results
 * and write a workbook (or CSV files, or CBOR).
 *
 * The packing results are the CSV of `boxcar pack --format csv`: the
 * report reads a file that already exists rather than packing again, so a
 * day's results are reported exactly as they were packed, and a report can
 * be made again (another layout, another day) without the orders.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void report_help(void)
{
    printf("usage: boxcar report --script FILE --packing RESULTS.csv -o OUT\n"
           "                     [--format xlsx|csv|cbor] [--param KEY=VALUE]...\n"
           "                     [--policy FILE [--catalog FILE] [--policy-param KEY=VALUE]...]\n"
           "                     [--note TEXT]... [--created SECONDS] [script options]\n"
           "\n"
           "Run a report script (scripts/report/) over the results of\n"
           "`boxcar pack --format csv` and write the workbook it declares.\n"
           "\n"
           "  --script FILE      the report script (e.g. scripts/report/station.lua)\n"
           "  --packing FILE     packing results, CSV (the script's data.packing)\n"
           "  -o, --output OUT   the workbook (.xlsx), a CBOR file (.cbor), or for csv a\n"
           "                     directory with one CSV per sheet\n"
           "  --format F         xlsx, csv or cbor (default: from OUT's extension, xlsx)\n"
           "  --param KEY=VALUE  set one of the script's params (repeatable)\n"
           "  --policy FILE      the policy the packing was made with: its assumptions\n"
           "                     go into the report's notes\n"
           "  --catalog FILE     the catalog for --policy (default: cn-express)\n"
           "  --policy-param KEY=VALUE  the policy's params as the packing had them\n"
           "  --note TEXT        a note for the report (repeatable)\n"
           "  --created SECONDS  the document's creation time (seconds since 1970;\n"
           "                     default SOURCE_DATE_EPOCH, else now)\n"
           "  --script-memory MIB  the script's memory cap (default 64)\n"
           "  --script-budget N    Lua instructions for the script (default 2000000000)\n"
           "  --script-time MS     a safety net on its run time (default 600000; 0: none)\n"
           "\n"
           "Nothing is written unless the whole report is. Exit: 0 written, 3 bad\n"
           "input (a script error, a bad row, a sheet name Excel rejects), 1 runtime\n"
           "failure, 2 usage error.\n");
}

typedef struct report_args {
    const char *script, *packing, *output;
    bx_report_format format;
    bool format_given;
    char *params[CLI_MAX_PARAMS];
    size_t nparams;
    char *notes[CLI_MAX_PARAMS];
    size_t nnotes;
    time_t created;
    bx_script_limits limits;
    cli_policy_args policy;
    const char *catalog;
} report_args;

static int parse_time(const char *s, time_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v <= 0)
        return -1;
    *out = (time_t)v;
    return 0;
}

static int parse_args(int argc, char **argv, report_args *a)
{
    static const struct option opts[] = {
        {"script", required_argument, NULL, 's'},
        {"packing", required_argument, NULL, 'p'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"param", required_argument, NULL, 'K'},
        {"policy", required_argument, NULL, 'P'},
        {"catalog", required_argument, NULL, 'c'},
        {"policy-param", required_argument, NULL, 'Q'},
        {"note", required_argument, NULL, 'n'},
        {"created", required_argument, NULL, 'C'},
        CLI_SCRIPT_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->limits = bx_report_limits_default();
    a->limits.time_ms = 600000;
    a->policy.limits = cli_script_limits_default();
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->script = optarg; break;
        case 'p': a->packing = optarg; break;
        case 'o': a->output = optarg; break;
        case 'P': a->policy.path = optarg; break;
        case 'c': a->catalog = optarg; break;
        case 'f':
            if (bx_report_format_parse(optarg, &a->format) != BX_OK)
                return cli_usage_error("report", "unknown format '%s'", optarg);
            a->format_given = true;
            break;
        case 'K':
            if (a->nparams == CLI_MAX_PARAMS)
                return cli_usage_error("report", "at most %d --param", CLI_MAX_PARAMS);
            a->params[a->nparams++] = optarg;
            break;
        case 'Q':
            if (a->policy.nparams == CLI_MAX_PARAMS)
                return cli_usage_error("report", "at most %d --policy-param", CLI_MAX_PARAMS);
            a->policy.params[a->policy.nparams++] = optarg;
            break;
        case 'n':
            if (a->nnotes == CLI_MAX_PARAMS)
                return cli_usage_error("report", "at most %d --note", CLI_MAX_PARAMS);
            a->notes[a->nnotes++] = optarg;
            break;
        case 'C':
            if (parse_time(optarg, &a->created) != 0)
                return cli_usage_error("report", "--created wants seconds since 1970");
            break;
        case CLI_OPT_SCRIPT_MEMORY:
        case CLI_OPT_SCRIPT_BUDGET:
        case CLI_OPT_SCRIPT_TIME: {
            int rc = cli_script_option("report", c, optarg, &a->limits);
            if (rc != 0)
                return rc;
            break;
        }
        case 'h':
            report_help();
            return -1;
        default:
            return cli_usage_error("report", "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
    if (a->script == NULL || a->packing == NULL || a->output == NULL)
        return cli_usage_error("report", "--script, --packing and -o are required");
    if (a->policy.path == NULL && (a->catalog != NULL || a->policy.nparams > 0))
        return cli_usage_error("report", "--catalog and --policy-param go with --policy");
    if (!a->format_given) {
        size_t n = strlen(a->output);
        a->format = n > 5 && strcmp(a->output + n - 5, ".cbor") == 0 ? BX_REPORT_CBOR
                                                                    : BX_REPORT_XLSX;
    }
    if (a->created == 0) {
        const char *env = getenv("SOURCE_DATE_EPOCH");
        if (env != NULL && parse_time(env, &a->created) != 0)
            return cli_usage_error("report", "SOURCE_DATE_EPOCH is not seconds since 1970");
    }
    return 0;
}

/* ---- progress ------------------------------------------------------------------ */

typedef struct bar {
    bool enabled, drawn;
    struct timespec start;
} bar;

static void progress(void *ud, uint64_t rows)
{
    bar *b = ud;
    if (!b->enabled)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double s = (double)(now.tv_sec - b->start.tv_sec) + (double)(now.tv_nsec - b->start.tv_nsec) * 1e-9;
    fprintf(stderr, "\rboxcar report: %" PRIu64 " rows read, %.0f rows/s   ", rows,
            s > 0 ? (double)rows / s : 0.0);
    b->drawn = true;
}

static void progress_clear(bar *b)
{
    if (b->drawn)
        fputs("\r                                                            \r", stderr);
    b->drawn = false;
}

/* ---- the command ----------------------------------------------------------------- */

/* The policy's assumptions as notes. */
static bx_status policy_notes(bx_ctx *ctx, report_args *a, bx_report *rep, bool *printed)
{
    const char *catalog = a->catalog ? a->catalog : cli_default_catalog("cn-express.csv");
    if (catalog == NULL) {
        fprintf(stderr, "boxcar report: the default catalog is not where it was installed; "
                        "give --catalog FILE\n");
        *printed = true;
        return BX_ENOTFOUND;
    }
    bx_catalog *cat = NULL;
    bx_policy *p = NULL;
    bx_status st = bx_catalog_load(ctx, &cat, catalog, BX_FORMAT_AUTO);
    if (st == BX_OK)
        st = cli_policy_open(ctx, &a->policy, cat, &p, printed);
    for (size_t i = 0; st == BX_OK && i < bx_policy_assumption_count(p); i++) {
        char note[1024];
        snprintf(note, sizeof note, "policy %s assumes %s", bx_policy_name(p),
                 bx_policy_assumption(p, i));
        st = bx_report_add_note(rep, note);
    }
    bx_policy_free(p);
    bx_catalog_free(cat);
    return st;
}

int cmd_report(int argc, char **argv)
{
    report_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    cli_diags cd = {0, 0, 50};
    bx_ctx *ctx = cli_ctx_new(&cd);
    bx_report *rep = NULL;
    bool printed = false;
    bar b = {isatty(STDERR_FILENO) != 0, false, {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &b.start);
    bx_status st = bx_report_load(ctx, &rep, a.script, &a.limits);
    for (size_t i = 0; st == BX_OK && i < a.nparams; i++) {
        char key[128];
        const char *eq = strchr(a.params[i], '=');
        size_t kl = eq ? (size_t)(eq - a.params[i]) : 0;
        if (eq == NULL || kl == 0 || kl >= sizeof key) {
            cli_diag_flush(&cd);
            rc = cli_usage_error("report", "--param %s: want KEY=VALUE", a.params[i]);
            goto done;
        }
        memcpy(key, a.params[i], kl);
        key[kl] = '\0';
        st = bx_report_set_param(rep, key, eq + 1);
        if (st == BX_ENOTFOUND) {
            fprintf(stderr, "error: --param: %s\n", bx_ctx_errmsg(ctx));
            rc = EXIT_USAGE;
            goto done;
        }
    }
    if (st == BX_OK)
        st = bx_report_add_source(rep, "packing", a.packing, bx_report_packing_numeric());
    for (size_t i = 0; st == BX_OK && i < a.nnotes; i++)
        st = bx_report_add_note(rep, a.notes[i]);
    if (st == BX_OK && a.policy.path != NULL)
        st = policy_notes(ctx, &a, rep, &printed);
    if (st == BX_OK) {
        bx_report_options o = {a.created, progress, &b};
        st = bx_report_render(rep, a.format, a.output, &o);
    }
    progress_clear(&b);
    cli_diag_flush(&cd);
    if (st == BX_OK) {
        fprintf(stderr, "boxcar report: %s: %s written (%" PRIu64 " rows read)\n",
                bx_report_name(rep), a.output, bx_report_rows(rep));
        rc = EXIT_OK;
    } else {
        /* the library's messages for scripts and rows are not diagnostics:
         * print them here (unless printed already) */
        if (!printed)
            fprintf(stderr, "error: %s\n", bx_ctx_errmsg(ctx));
        rc = cli_exit_code(st);
    }
done:
    bx_report_free(rep);
    bx_ctx_free(ctx);
    return rc;
}
