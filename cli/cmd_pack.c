/*
 * cmd_pack.c: `boxcar pack`: choose boxes for a batch of orders and say
 * where every unit goes.
 *
 * Here are the options, the set-up and the summary; the batch itself is
 * pack_batch.c (one order after another) and pack_parallel.c (--jobs N).
 * An order with a bad line is reported and skipped; the batch goes on and
 * the exit code says so (3).
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pack_batch.h"
#include "pack_pool.h"
#include "range_file.h"

/* More workers than this rarely pay: one thread reads and writes for all. */
#define PACK_MAX_DEFAULT_JOBS 8
#define PACK_MAX_JOBS 256

static void pack_help(void)
{
    printf("usage: boxcar pack [--catalog FILE] --orders FILE [--range START-END]\n"
           "                   [--rotation any|upright|fixed]\n"
           "                   [--objective boxes|volume|material|cost] [--budget N]\n"
           "                   [--effort normal|high]\n"
           "                   [--support stable|none] [--support-share PCT]\n"
           "                   [--max-units N] [--max-fill PCT]\n"
           "                   [--format table|csv|json|cbor] [-o FILE]\n"
           "                   [--placements FILE] [--svg DIR] [--check] [--jobs N]\n"
           "                   [--no-progress]\n"
           "                   [--policy FILE [--param KEY=VALUE]... [--available FILE]\n"
           "                    [--returns-accepted[=yes|no]] [script options]]\n"
           "                   [--pool JOURNAL --station ID [--at TIME] [--issued FILE]]\n"
           "\n"
           "Pack each order of the order file into the fewest boxes of the catalog,\n"
           "then the least of the objective, and write one result per order.\n"
           "\n"
           "  --catalog FILE     box catalog (default: the cn-express carton series)\n"
           "  --orders FILE      orders, CSV, JSON or CBOR (lines of an order adjacent)\n"
           "  --range START-END  only bytes START to END of the CSV order file, after its\n"
           "                     header line: one partition read in place (both at the\n"
           "                     start of a line; a range that cuts an order is refused);\n"
           "                     named FILE@START-END in messages\n"
           "  --rotation R       apply R to every line instead of each line's own rule\n"
           "  --objective O      what to minimise after the box count (default boxes)\n"
           "  --budget N         work per order in placement evaluations\n"
           "                     (default %" PRIu64 "; a larger budget may find better)\n"
           "  --effort E         normal (default) or high: for planning and benchmarks,\n"
           "                     a budget of %" PRIu64 " unless --budget is given, and\n"
           "                     bins regrouped a few at a time to empty the lightest\n"
           "                     (about a second per order of 100-200 units)\n"
           "  --support S        stable (default): every unit stands on the floor or on\n"
           "                     units over --support-share of its base (default %d %%),\n"
           "                     its centre of gravity over them; none: units may float\n"
           "                     (as in academic benchmarks)\n"
           "  --max-units N      at most N units in one box\n"
           "  --max-fill PCT     the units at most PCT %% of a box's inner volume\n"
           "  --format F         table (default), csv (one row per box), json (JSON\n"
           "                     Lines, one object per order) or cbor (a CBOR sequence);\n"
           "                     with -o the default comes from the file's extension\n"
           "  -o, --output FILE  write there instead of standard output\n"
           "                     (cbor needs -o when standard output is a terminal)\n"
           "  --placements FILE  CSV of every unit's box, position and size\n"
           "  --svg DIR          one picture per box: DIR/<order>-<box>.svg\n"
           "  --check            validate every result independently; fail if any is wrong\n"
           "  --jobs N           orders packed at once, on N threads (default: the online\n"
           "                     CPUs, at most %d); the output is the same for any N.\n"
           "                     With stock in the catalog, --policy or --pool each\n"
           "                     order depends on those before: one at a time then\n"
           CLI_PROGRESS_HELP
           "  --policy FILE      a Lua policy (scripts/policy/): which boxes, what to\n"
           "                     minimise, what to check; violations go to the output\n"
           "  --param KEY=VALUE  set one of the policy's params (repeatable)\n"
           "  --available FILE   reusable containers on hand for the policy: CSV\n"
           "                     box_id,available\n"
           "  --returns-accepted[=yes|no]\n"
           "                     the destination takes reusable containers back (for\n"
           "                     the policy; default no, yes with --pool)\n"
           CLI_SCRIPT_HELP
           "  --pool JOURNAL     use the reusable containers of this pool (boxcar\n"
           "                     containers) ready at --station ID: an order goes into\n"
           "                     them when they hold it in no more boxes, and each one\n"
           "                     used is recorded as issued to the order (default\n"
           "                     catalog then: the cn-express-reusable sample); with\n"
           "                     --policy, the policy decides, seeing the containers\n"
           "                     ready there as its pool\n"
           "  --at TIME          when they were issued (default now)\n"
           "  --issued FILE      CSV of the containers issued: order, box, container\n"
           "  --token-file FILE  a pool with operators: the operator's token; it packs\n"
           "                     into the containers it holds, at its own stations\n"
           "\n"
           "Units that fit no box are listed with a reason; that is not an error.\n"
           "A policy error (script error, budget) fails that order; the batch goes on.\n"
           "Exit: 0 every order was read and packed, 3 some orders had bad input\n"
           "      (the others are packed and written; if no order could be read,\n"
           "      nothing is written), 1 runtime failure or --check found a wrong\n"
           "      result (nothing written), 2 usage error.\n",
           BX_DEFAULT_BUDGET, BX_HIGH_EFFORT_BUDGET, BX_DEFAULT_SUPPORT_PCT, PACK_MAX_DEFAULT_JOBS);
}
/* ---- options ------------------------------------------------------------ */

static int parse_args(int argc, char **argv, pack_args *a)
{
    static const struct option opts[] = {
        {"catalog", required_argument, NULL, 'c'},
        {"orders", required_argument, NULL, 'r'},
        {"range", required_argument, NULL, 'G'},
        {"rotation", required_argument, NULL, 'R'},
        {"objective", required_argument, NULL, 'O'},
        {"budget", required_argument, NULL, 'b'},
        {"effort", required_argument, NULL, 'E'},
        {"support", required_argument, NULL, 'S'},
        {"support-share", required_argument, NULL, 'H'},
        {"max-units", required_argument, NULL, 'U'},
        {"max-fill", required_argument, NULL, 'F'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"placements", required_argument, NULL, 'p'},
        {"svg", required_argument, NULL, 's'},
        {"check", no_argument, NULL, 'C'},
        {"jobs", required_argument, NULL, 'j'},
        CLI_NO_PROGRESS_OPTION,
        {"policy", required_argument, NULL, 'P'},
        {"param", required_argument, NULL, 'K'},
        {"available", required_argument, NULL, 'L'},
        {"returns-accepted", optional_argument, NULL, 'A'},
        CLI_SCRIPT_OPTIONS,
        {"pool", required_argument, NULL, 'J'},
        {"station", required_argument, NULL, 'T'},
        {"issued", required_argument, NULL, 'I'},
        {"token-file", required_argument, NULL, 'k'},
        {"at", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    bx_pack_options_init(&a->opts);
    a->policy.limits = cli_script_limits_default();
    a->at = (int64_t)time(NULL);
    a->progress = true;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = cpus < 1 ? 1 : cpus > PACK_MAX_DEFAULT_JOBS ? PACK_MAX_DEFAULT_JOBS : (size_t)cpus;
    bool returns_given = false;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->catalog = optarg; break;
        case 'r': a->orders = optarg; break;
        case 'G':
            if (!cli_range_parse(optarg, &a->range_start, &a->range_end))
                return cli_usage_error("pack", "--range wants START-END, byte offsets "
                                               "with START <= END, not '%s'", optarg);
            a->ranged = true;
            break;
        case 'o': a->output = optarg; break;
        case 'p': a->placements = optarg; break;
        case 's': a->svg_dir = optarg; break;
        case 'C': a->check = true; break;
        case CLI_OPT_NO_PROGRESS: a->progress = false; break;
        case 'j': {
            uint64_t n;
            if (!cli_parse_u64(optarg, 1, PACK_MAX_JOBS, &n))
                return cli_usage_error("pack", "--jobs wants a whole number from 1 to %d",
                                       PACK_MAX_JOBS);
            a->jobs = n;
            break;
        }
        case 'J': a->pool = optarg; break;
        case 'T': a->station = optarg; break;
        case 'I': a->issued = optarg; break;
        case 'k': a->token_file = optarg; break;
        case 'a':
            if (cli_parse_time(optarg, &a->at) != 0)
                return cli_usage_error("pack", "--at: '%s' is not a time "
                                       "(2024-05-01T10:00:00Z, @SECONDS, now)", optarg);
            break;
        case 'R': {
            bx_rotation r;
            if (bx_rotation_parse(optarg, &r) != BX_OK)
                return cli_usage_error("pack", "unknown rotation '%s'", optarg);
            a->opts.rotation_override = (int)r;
            break;
        }
        case 'O':
            if (bx_objective_parse(optarg, &a->opts.objective) != BX_OK)
                return cli_usage_error("pack", "unknown objective '%s'", optarg);
            break;
        case 'b': {
            uint64_t n;
            if (!cli_parse_u64(optarg, 1, UINT64_MAX, &n))
                return cli_usage_error("pack", "--budget wants a whole number > 0");
            a->opts.budget = n;
            break;
        }
        case 'E':
            if (bx_effort_parse(optarg, &a->opts.effort) != BX_OK)
                return cli_usage_error("pack", "--effort wants normal or high, not '%s'", optarg);
            break;
        case 'S':
            if (bx_support_parse(optarg, &a->opts.support) != BX_OK)
                return cli_usage_error("pack", "--support wants stable or none, not '%s'", optarg);
            break;
        case 'H':
        case 'U':
        case 'F': {
            uint64_t n;
            uint64_t hi = c == 'U' ? UINT32_MAX : 100;
            if (!cli_parse_u64(optarg, 1, hi, &n))
                return cli_usage_error("pack", "--%s wants a whole number from 1 to %" PRIu64,
                                       c == 'H' ? "support-share" : c == 'U' ? "max-units"
                                                                             : "max-fill", hi);
            if (c == 'H')
                a->opts.support_pct = (uint32_t)n;
            else if (c == 'U')
                a->opts.max_units_per_box = (uint32_t)n;
            else
                a->opts.max_fill_pct = (uint32_t)n;
            break;
        }
        case 'f':
            if (bx_pack_format_parse(optarg, &a->format) != BX_OK)
                return cli_usage_error("pack", "unknown format '%s': --format is table, csv, "
                                       "json or cbor", optarg);
            a->format_given = true;
            break;
        case 'P': a->policy.path = optarg; break;
        case 'L': a->policy.pool = optarg; break;
        case 'A':
            if (optarg != NULL && strcmp(optarg, "yes") != 0 && strcmp(optarg, "no") != 0)
                return cli_usage_error("pack", "--returns-accepted=yes or =no, not '%s'",
                                       optarg);
            a->policy.returns_accepted = optarg == NULL || strcmp(optarg, "yes") == 0;
            returns_given = true;
            break;
        case 'K':
            if (a->policy.nparams == CLI_MAX_PARAMS)
                return cli_usage_error("pack", "at most %d --param", CLI_MAX_PARAMS);
            a->policy.params[a->policy.nparams++] = optarg;
            break;
        case CLI_OPT_SCRIPT_MEMORY:
        case CLI_OPT_SCRIPT_BUDGET:
        case CLI_OPT_SCRIPT_TIME: {
            int rc = cli_script_option("pack", c, optarg, &a->policy.limits);
            if (rc != 0)
                return rc;
            break;
        }
        case 'h':
            pack_help();
            return -1;
        default:
            return cli_usage_error("pack", "bad option");
        }
    }
    if (a->policy.path == NULL &&
        (a->policy.nparams > 0 || a->policy.pool != NULL || returns_given))
        return cli_usage_error("pack", "--param, --available and --returns-accepted need --policy");
    if (a->policy.pool != NULL && a->pool != NULL)
        return cli_usage_error("pack", "--available and --pool do not go together: with "
                                       "--pool the policy sees the containers ready at "
                                       "--station");
    /* a pool's containers are there to go out and come back */
    if (a->pool != NULL && !returns_given)
        a->policy.returns_accepted = true;
    if (optind != argc)
        return cli_usage_error("pack", "unexpected argument '%s'", argv[optind]);
    if (a->orders == NULL)
        return cli_usage_error("pack", "--orders FILE is required");
    if (a->ranged && cli_range_not_csv(a->orders))
        return cli_usage_error("pack", "--range reads a CSV file with a header line, not "
                                       "JSON or CBOR");
    if ((a->pool == NULL) != (a->station == NULL))
        return cli_usage_error("pack", "--pool JOURNAL and --station ID go together");
    if (a->issued != NULL && a->pool == NULL)
        return cli_usage_error("pack", "--issued needs --pool");
    if (a->token_file != NULL && a->pool == NULL)
        return cli_usage_error("pack", "--token-file needs --pool");
    if (a->pool != NULL && a->catalog == NULL &&
        (a->catalog = cli_default_catalog("cn-express-reusable.csv")) == NULL) {
        fprintf(stderr, "boxcar pack: the reusable sample catalog is not where it was "
                        "installed; give --catalog FILE\n");
        return EXIT_FAILURE_RUNTIME;
    }
    if (a->opts.objective == BX_OBJECTIVE_CO2E)
        return cli_usage_error("pack", "--objective co2e needs a CO2e figure per box, "
                                       "which boxcar pack does not have yet");
    if (a->opts.objective == BX_OBJECTIVE_CUSTOM)
        return cli_usage_error("pack", "--objective custom comes from a policy's box_cost "
                                       "hook (--policy FILE)");
    if (!a->format_given && a->output != NULL) {
        bx_format f = bx_format_from_path(a->output);
        a->format = f == BX_FORMAT_CSV    ? BX_PACK_CSV
                    : f == BX_FORMAT_JSON ? BX_PACK_JSON
                    : f == BX_FORMAT_CBOR ? BX_PACK_CBOR
                                          : BX_PACK_TABLE;
    }
    if (a->format == BX_PACK_CBOR && a->output == NULL && isatty(STDOUT_FILENO))
        return cli_usage_error("pack", "CBOR is binary: give -o FILE or redirect "
                                       "standard output");
    if (a->catalog == NULL && (a->catalog = cli_default_catalog("cn-express.csv")) == NULL) {
        fprintf(stderr, "boxcar pack: the default catalog is not where it was "
                        "installed; give --catalog FILE\n");
        return EXIT_FAILURE_RUNTIME;
    }
    return 0;
}
int cmd_pack(int argc, char **argv)
{
    pack_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;

    batch b;
    memset(&b, 0, sizeof b);
    pack_diags pd = {{0, 0, 50}, 0, &b.bar};
    b.ctx = cli_ctx_new(&pd.cd);
    bx_ctx_set_diag(b.ctx, pack_diag, &pd);
    b.pd = &pd;
    b.a = &a;
    cli_progress_start(&b.bar, "pack", "orders", a.progress);

    bx_catalog *cat = NULL;
    bx_status st = bx_catalog_load(b.ctx, &cat, a.catalog, BX_FORMAT_AUTO);
    cli_diag_flush(&pd.cd);
    b.cat = cat;
    if (st == BX_OK)
        st = pack_batch_run(&b);
    if (st == BX_OK && b.t.invalid > 0) {
        fprintf(stderr, "boxcar pack: --check: %" PRIu64 " of %" PRIu64
                        " results are wrong; nothing written\n", b.t.invalid,
                b.t.orders);
        rc = EXIT_FAILURE_RUNTIME;
    }
    if (st == BX_OK)
        st = pack_batch_finish(&b, rc == 0);
    if (st != BX_OK && b.usage) {
        rc = EXIT_USAGE; /* a --range off the file's lines, printed above */
    } else if (st != BX_OK && !b.printed && b.fatal_msg != NULL) {
        fprintf(stderr, "boxcar: %s\n", b.fatal_msg);
        rc = cli_exit_code(st);
    } else if (st != BX_OK) {
        rc = b.printed ? cli_exit_code(st) : cli_fail(b.ctx, st);
    } else if (rc == 0) {
        fprintf(stderr, "boxcar pack: %" PRIu64 " orders, %" PRIu64 " boxes, %" PRIu64
                        " units packed, %" PRIu64 " not packed, %" PRIu64
                        " bad orders%s\n", b.t.orders, b.t.boxes, b.t.packed,
                b.t.unpacked, b.t.bad_orders, a.check ? "; all results check out" : "");
        if (b.policy != NULL)
            fprintf(stderr, "boxcar pack: policy %s: %" PRIu64 " violations in %" PRIu64
                            " of %" PRIu64 " boxes, %" PRIu64 " orders failed by the policy\n",
                    bx_policy_name(b.policy), b.t.violations, b.t.boxes_in_violation,
                    b.t.boxes, b.t.policy_failures);
        rc = b.t.bad_orders > 0 ? EXIT_BAD_INPUT : EXIT_OK;
    }
    uint64_t issued, first, last;
    pack_pool_counts(b.pool, &issued, &first, &last);
    if (b.pool != NULL && st == BX_OK)
        fprintf(stderr, "boxcar pack: %" PRIu64 " reusable containers issued at station %s"
                        "%s", issued, a.station, issued ? "" : "\n");
    if (b.pool != NULL && st == BX_OK && issued > 0)
        fprintf(stderr, " (journal records %" PRIu64 "..%" PRIu64 ")\n", first, last);
    pack_batch_close(&b);
    bx_catalog_free(cat);
    bx_ctx_free(b.ctx);
    return rc;
}
