/*
 * cmd_report.c: `boxcar report`: run a report script over packing or
 * carbon results and write a workbook (or CSV files, or CBOR).
 *
 * The results are files that already exist (the CSV of `boxcar pack
 * --format csv`; the per-shipment CSV and the totals of `boxcar carbon`):
 * the report reads them rather than computing again, so a day's or a
 * month's results are reported exactly as they were made, and a report can
 * be made again (another layout) without the orders or shipments.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void report_help(void)
{
    printf("usage: boxcar report --script FILE SOURCES... -o OUT\n"
           "                     [--format xlsx|csv|cbor] [--param KEY=VALUE]...\n"
           "                     [--policy FILE [--catalog FILE] [--policy-param KEY=VALUE]...]\n"
           "                     [--note TEXT]... [--created SECONDS] [--no-progress]\n"
           "                     [script options]\n"
           "SOURCES: --packing RESULTS.csv | --shipments PER_SHIPMENT.csv --totals TOTALS.csv\n"
           "         [--factors SET] | --source NAME=FILE ...\n"
           "\n"
           "Run a report script (scripts/report/) over results that boxcar wrote\n"
           "and write the workbook it declares.\n"
           "\n"
           "  --script FILE      the report script: a file, or the name of an installed\n"
           "                     one (station, monthly)\n"
           "  --packing FILE     packing results of `boxcar pack --format csv`\n"
           "                     (data.packing; for station.lua)\n"
           "  --shipments FILE   per-shipment results of `boxcar carbon -o FILE`, CSV\n"
           "                     (data.shipments; for monthly.lua)\n"
           "  --totals FILE      the totals of `boxcar carbon --totals FILE` or of\n"
           "                     `boxcar merge` (data.totals)\n"
           "  --factors SET      the factor set the results were computed with, by name or\n"
           "                     file (data.factors: its sources and assumptions); default:\n"
           "                     the set the totals name, if boxcar finds it\n"
           "  --source NAME=FILE any other CSV file with a header, as data.NAME (text\n"
           "                     fields; repeatable)\n"
           "  -o, --output OUT   the workbook (.xlsx), a CBOR file (.cbor), or for csv a\n"
           "                     directory with one CSV per sheet\n"
           "  --format F         xlsx, csv or cbor (default: from OUT's extension, xlsx)\n"
           "  --param KEY=VALUE  set one of the script's params (repeatable)\n"
           "  --policy FILE      the policy (a file or a name: gb45186, fragile,\n"
           "                     reuse-first) the packing was made with: its assumptions\n"
           "                     go into the report's notes\n"
           "  --catalog FILE     the catalog for --policy (default: cn-express)\n"
           "  --policy-param KEY=VALUE  the policy's params as the packing had them\n"
           "  --note TEXT        a note for the report (repeatable)\n"
           "  --created SECONDS  the document's creation time (seconds since 1970;\n"
           "                     default SOURCE_DATE_EPOCH, else now)\n"
           CLI_PROGRESS_HELP
           "  --script-memory MIB  the script's memory cap (default 64)\n"
           "  --script-budget N    Lua instructions for the script (default 2000000000)\n"
           "  --script-time MS     a safety net on its run time (default 600000; 0: none)\n"
           "\n"
           "Nothing is written unless the whole report is. Exit: 0 written, 3 bad\n"
           "input (a script error, a bad row, a sheet name Excel rejects), 1 runtime\n"
           "failure, 2 usage error.\n");
}

typedef struct report_args {
    const char *script, *packing, *shipments, *totals, *factors, *output;
    char *sources[CLI_MAX_PARAMS];
    size_t nsources;
    bx_report_format format;
    bool format_given;
    char *params[CLI_MAX_PARAMS];
    size_t nparams;
    char *notes[CLI_MAX_PARAMS];
    size_t nnotes;
    time_t created;
    bx_script_limits limits;
    bool progress; /* not --no-progress */
    cli_policy_args policy;
    const char *catalog;
} report_args;

static int parse_time(const char *s, time_t *out)
{
    uint64_t v;
    if (!cli_parse_u64(s, 1, (uint64_t)BX_REPORT_CREATED_MAX, &v))
        return -1;
    *out = (time_t)v;
    return 0;
}

static int parse_args(int argc, char **argv, report_args *a)
{
    static const struct option opts[] = {
        {"script", required_argument, NULL, 's'},
        {"packing", required_argument, NULL, 'p'},
        {"shipments", required_argument, NULL, 'S'},
        {"totals", required_argument, NULL, 'T'},
        {"factors", required_argument, NULL, 'F'},
        {"source", required_argument, NULL, 'D'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"param", required_argument, NULL, 'K'},
        {"policy", required_argument, NULL, 'P'},
        {"catalog", required_argument, NULL, 'c'},
        {"policy-param", required_argument, NULL, 'Q'},
        {"note", required_argument, NULL, 'n'},
        {"created", required_argument, NULL, 'C'},
        CLI_SCRIPT_OPTIONS,
        CLI_NO_PROGRESS_OPTION,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->limits = bx_report_limits_default();
    a->limits.time_ms = 600000;
    a->progress = true;
    a->policy.limits = cli_script_limits_default();
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->script = optarg; break;
        case 'p': a->packing = optarg; break;
        case 'S': a->shipments = optarg; break;
        case 'T': a->totals = optarg; break;
        case 'F': a->factors = optarg; break;
        case 'D':
            if (a->nsources == CLI_MAX_PARAMS)
                return cli_usage_error("report", "at most %d --source", CLI_MAX_PARAMS);
            a->sources[a->nsources++] = optarg;
            break;
        case 'o': a->output = optarg; break;
        case 'P': a->policy.path = optarg; break;
        case 'c': a->catalog = optarg; break;
        case 'f':
            if (bx_report_format_parse(optarg, &a->format) != BX_OK)
                return cli_usage_error("report", "unknown format '%s': --format is xlsx, csv "
                                       "or cbor", optarg);
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
        case CLI_OPT_NO_PROGRESS: a->progress = false; break;
        case 'C':
            if (parse_time(optarg, &a->created) != 0)
                return cli_usage_error("report", "--created wants seconds since 1970, up to "
                                                "253402300799 (9999-12-31T23:59:59Z)");
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
    if (a->script == NULL || a->output == NULL)
        return cli_usage_error("report", "--script and -o are required");
    if (a->packing == NULL && a->shipments == NULL && a->totals == NULL && a->nsources == 0)
        return cli_usage_error("report", "no source: give --packing, --shipments and "
                               "--totals, or --source NAME=FILE");
    if (a->factors != NULL && a->shipments == NULL && a->totals == NULL)
        return cli_usage_error("report", "--factors goes with --shipments or --totals");
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
            return cli_usage_error("report", "SOURCE_DATE_EPOCH is not seconds since 1970, up "
                                                "to 253402300799 (9999-12-31T23:59:59Z)");
    }
    return 0;
}

/* The library's progress callback: rows read so far. */
static void progress(void *ud, uint64_t rows)
{
    cli_progress_tick(ud, rows);
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

/* The factor_set of the first data row of a totals file, into buf; false
 * if there is none to read (checking the file is the script's job). */
static bool totals_factor_set(bx_ctx *ctx, const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return false;
    bx_csv_reader *csv = NULL;
    bool found = false;
    if (bx_csv_open_file(ctx, &csv, path, fp, NULL) == BX_OK && bx_csv_next(csv) == BX_OK) {
        size_t col = SIZE_MAX;
        for (size_t i = 0; i < bx_csv_nfields(csv); i++)
            if (strcmp(bx_csv_field(csv, i, NULL), "factor_set") == 0)
                col = i;
        size_t n = 0;
        if (col != SIZE_MAX && bx_csv_next(csv) == BX_OK && col < bx_csv_nfields(csv)) {
            const char *f = bx_csv_field(csv, col, &n);
            if (n > 0 && n < size) {
                memcpy(buf, f, n);
                buf[n] = '\0';
                found = true;
            }
        }
    }
    bx_csv_close(csv);
    fclose(fp);
    return found;
}

/* Errors only: the set's warnings (rows off its basis) are what the
 * report's method sheet lists, and `boxcar carbon` printed them already. */
static void errors_only(void *ud, const bx_diag *d)
{
    if (d->severity != BX_SEV_WARNING)
        cli_diag_print(ud, d);
}

/* data.shipments, data.totals and data.factors. The factor set is loaded
 * first, so that a bad set is refused with its own messages; the script
 * then reads its rows (sources, versions, what is unconfirmed). */
static bx_status carbon_sources(bx_ctx *ctx, cli_diags *cd, report_args *a, bx_report *rep,
                                bool *printed)
{
    bx_status st = BX_OK;
    if (a->shipments != NULL)
        st = bx_report_add_source(rep, "shipments", a->shipments, bx_carbon_csv_numeric_columns());
    if (st == BX_OK && a->totals != NULL)
        st = bx_report_add_source(rep, "totals", a->totals, bx_carbon_totals_numeric_columns());
    if (st != BX_OK || (a->shipments == NULL && a->totals == NULL))
        return st;
    char name[256], buf[4096];
    const char *set = a->factors;
    if (set == NULL) {
        /* by name only: a totals file does not choose a path to read */
        if (a->totals == NULL || !totals_factor_set(ctx, a->totals, name, sizeof name) ||
            strchr(name, '/') != NULL)
            return BX_OK;
        set = name;
    }
    const char *path = cli_factor_set_path(set, buf, sizeof buf);
    if (path == NULL && a->factors == NULL) {
        fprintf(stderr, "boxcar report: note: the totals' factor set '%s' was not found; the "
                        "report cannot list its sources (give --factors FILE)\n", set);
        return BX_OK;
    }
    if (path == NULL) {
        fprintf(stderr, "boxcar report: no factor set '%s' (see 'boxcar factors list')\n", set);
        *printed = true;
        return BX_ENOTFOUND;
    }
    bx_factor_set *fs = NULL;
    bx_ctx_set_diag(ctx, errors_only, cd);
    st = bx_factor_set_load(ctx, &fs, path);
    bx_ctx_set_diag(ctx, cli_diag_print, cd);
    bx_factor_set_free(fs);
    if (st == BX_OK)
        st = bx_report_add_source(rep, "factors", path, bx_factor_set_numeric_columns());
    return st;
}

/* --source NAME=FILE: text fields only (a generic file has no known
 * number columns; a script converts with tonumber). */
static int other_sources(report_args *a, bx_report *rep, bx_status *st)
{
    for (size_t i = 0; *st == BX_OK && i < a->nsources; i++) {
        char name[128];
        const char *eq = strchr(a->sources[i], '=');
        size_t n = eq ? (size_t)(eq - a->sources[i]) : 0;
        if (eq == NULL || n == 0 || n >= sizeof name || eq[1] == '\0')
            return cli_usage_error("report", "--source %s: want NAME=FILE", a->sources[i]);
        memcpy(name, a->sources[i], n);
        name[n] = '\0';
        *st = bx_report_add_source(rep, name, eq + 1, NULL);
        if (*st == BX_EINVAL)
            return cli_usage_error("report", "--source %s: NAME must be a Lua identifier, "
                                   "not 'notes' nor another source's", a->sources[i]);
    }
    return 0;
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
    cli_progress bar;
    cli_progress_start(&bar, "report", "rows read", a.progress);
    char script_buf[4096];
    const char *script = cli_script_path("report", a.script, script_buf, sizeof script_buf);
    bx_status st = bx_report_load(ctx, &rep, script, &a.limits);
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
    if (st == BX_OK && a.packing != NULL)
        st = bx_report_add_source(rep, "packing", a.packing, bx_pack_csv_numeric_columns());
    if (st == BX_OK)
        st = carbon_sources(ctx, &cd, &a, rep, &printed);
    if (st == BX_OK && (rc = other_sources(&a, rep, &st)) != 0) {
        cli_diag_flush(&cd);
        goto done;
    }
    for (size_t i = 0; st == BX_OK && i < a.nnotes; i++)
        st = bx_report_add_note(rep, a.notes[i]);
    if (st == BX_OK && a.policy.path != NULL)
        st = policy_notes(ctx, &a, rep, &printed);
    if (st == BX_OK) {
        bx_report_options o = {a.created, progress, &bar, 0};
        st = bx_report_render(rep, a.format, a.output, &o);
    }
    cli_progress_clear(&bar);
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
