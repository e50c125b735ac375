/*
 * cmd_pack.c: `boxcar pack`: choose boxes for a batch of orders and say
 * where every unit goes.
 *
 * Orders stream through one engine, one at a time, or with --jobs N through
 * N engines on N threads and back into input order (see "the batch on
 * several threads" below): the outputs do not depend on N. An order with a bad
 * line is reported, written to the output as a failed order and skipped;
 * the batch goes on and the exit code says so (3). Outputs go to temporary
 * files renamed into place at the end, so a run that fails leaves the old
 * files (or none) behind, never half of a new one. SVG pictures are each
 * written whole, one file per box.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boxcar/pack_io.h"
#include "cli.h"
#include "pack_log.h"
#include "pack_batch.h"
#include "pack_pool.h"

/* More workers than this rarely pay: one thread reads and writes for all. */
#define PACK_MAX_DEFAULT_JOBS 8
#define PACK_MAX_JOBS 256

static void pack_help(void)
{
    printf("usage: boxcar pack [--catalog FILE] --orders FILE [--rotation any|upright|fixed]\n"
           "                   [--objective boxes|volume|material|cost] [--budget N]\n"
           "                   [--support stable|none] [--support-share PCT]\n"
           "                   [--max-units N] [--max-fill PCT]\n"
           "                   [--format table|csv|json|cbor] [-o FILE]\n"
           "                   [--placements FILE] [--svg DIR] [--check] [--jobs N]\n"
           "                   [--policy FILE [--param KEY=VALUE]... [--available FILE]\n"
           "                    [--returns-accepted[=yes|no]] [script options]]\n"
           "                   [--pool JOURNAL --station ID [--at TIME] [--issued FILE]]\n"
           "\n"
           "Pack each order of the order file into the fewest boxes of the catalog,\n"
           "then the least of the objective, and write one result per order.\n"
           "\n"
           "  --catalog FILE     box catalog (default: the cn-express carton series)\n"
           "  --orders FILE      orders, CSV, JSON or CBOR (lines of an order adjacent)\n"
           "  --rotation R       apply R to every line instead of each line's own rule\n"
           "  --objective O      what to minimise after the box count (default boxes)\n"
           "  --budget N         work per order in placement evaluations\n"
           "                     (default %" PRIu64 "; a larger budget may find better)\n"
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
           "\n"
           "Units that fit no box are listed with a reason; that is not an error.\n"
           "A policy error (script error, budget) fails that order; the batch goes on.\n"
           "Exit: 0 every order was read and packed, 3 some orders had bad input\n"
           "      (the others are packed and written), 1 runtime failure or --check\n"
           "      found a wrong result (nothing written), 2 usage error.\n",
           BX_DEFAULT_BUDGET, BX_DEFAULT_SUPPORT_PCT, PACK_MAX_DEFAULT_JOBS);
}

/* ---- diagnostics and progress ------------------------------------------- */

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

static void progress_clear(progress *p)
{
    if (p->drawn) {
        fputs("\r                                                            \r", stderr);
        p->drawn = false;
    }
}

/* Redrawn at most ten times a second, and only for batches long enough to
 * wait for: the check costs one clock read per order. */
void pack_progress_tick(progress *p, uint64_t done)
{
    if (!p->enabled || done <= 200)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->drawn && seconds_between(&p->last, &now) < 0.1)
        return;
    p->last = now;
    double s = seconds_between(&p->start, &now);
    fprintf(stderr, "\rboxcar pack: %" PRIu64 " orders, %.0f orders/s   ", done,
            s > 0 ? (double)done / s : 0.0);
    p->drawn = true;
}

void pack_diag(void *ud, const bx_diag *d)
{
    pack_diags *pd = ud;
    progress_clear(pd->bar);
    if (d->severity == BX_SEV_ERROR)
        pd->errors++;
    cli_diag_print(&pd->cd, d);
}

/* ---- outputs ------------------------------------------------------------ */

static int stdout_write(void *ud, const void *data, size_t size)
{
    (void)ud;
    return fwrite(data, 1, size, stdout) == size ? 0 : -1;
}

static bx_status sink_open(bx_ctx *ctx, sink *s, const char *path)
{
    s->file = NULL;
    if (path == NULL) {
        s->write = stdout_write;
        s->ud = NULL;
        return BX_OK;
    }
    s->write = bx_outfile_write;
    bx_status st = bx_outfile_open(ctx, &s->file, path);
    s->ud = s->file;
    return st;
}

/* Standard output's failure is the CLI's own: it is printed here and
 * *printed set, since the context holds no message for it. */
static bx_status sink_commit(sink *s, bool *printed)
{
    if (s->write == NULL)
        return BX_OK;
    s->write = NULL;
    if (s->file == NULL) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "boxcar pack: writing to standard output failed\n");
            *printed = true;
            return BX_EIO;
        }
        return BX_OK;
    }
    bx_outfile *f = s->file;
    s->file = NULL;
    return bx_outfile_commit(f);
}

static void sink_abort(sink *s)
{
    bx_outfile_abort(s->file);
    s->file = NULL;
    s->write = NULL;
}

/* The order id as a file name: letters, digits, '.', '_', '-' and UTF-8
 * stay; anything else (a '/', '#', a space) becomes '_', and then an FNV-1a
 * hash of the real id is added so that "A#1" and "A_1" do not collide. */
static void file_stem(const char *id, char *out, size_t size)
{
    size_t n = 0;
    bool changed = false;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)id; *p != '\0' && n + 1 < size; p++) {
        unsigned char c = *p;
        h = (h ^ c) * 16777619u;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                    (c == '.' && n > 0) || c >= 0x80;
        out[n++] = keep ? (char)c : '_';
        changed |= !keep;
    }
    out[n] = '\0';
    if (changed && n + 10 < size)
        snprintf(out + n, size - n, "_%08" PRIx32, h);
}

/* Standard error, or with --jobs the order's log, replayed in order. */
static void say(pack_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(pack_log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (log == NULL) {
        vfprintf(stderr, fmt, ap);
    } else {
        char text[2048];
        int n = vsnprintf(text, sizeof text, fmt, ap);
        /* a message cut short beats none; pack_log_failed() tells memory */
        if (n >= 0)
            pack_log_add(log, PACK_LOG_TEXT, NULL, text,
                         (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
    }
    va_end(ap);
}

/* With a log (--jobs), each picture is drawn into memory and the log
 * carries it to the writing thread, which writes the files in order. */
static bx_status svg_to_log(bx_ctx *ctx, pack_log *log, const char *path,
                            const bx_order *order, const bx_pack_result *res, size_t b)
{
    membuf m = {0};
    bx_status st = bx_pack_svg(ctx, order, res, b, membuf_write, &m);
    if (st == BX_ELIMIT)
        say(log, "warning: %s\n", bx_ctx_errmsg(ctx));
    else if (m.failed)
        st = BX_ENOMEM;
    else if (st == BX_OK && !pack_log_add(log, PACK_LOG_SVG, path, m.data, m.len))
        st = BX_ENOMEM;
    membuf_free(&m);
    return st == BX_ELIMIT ? BX_OK : st;
}

static bx_status write_svgs(bx_ctx *ctx, const char *dir, const bx_order *order,
                            const bx_pack_result *res, pack_log *log, bool *printed)
{
    char stem[3 * BX_ID_MAX];
    file_stem(order->lines[0].order_id, stem, sizeof stem);
    for (size_t b = 0; b < res->nboxes; b++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s-%zu.svg", dir, stem, b + 1);
        if (n < 0 || (size_t)n >= sizeof path) {
            say(log, "boxcar pack: --svg: directory name too long\n");
            *printed = true;
            return BX_EIO;
        }
        if (log != NULL) {
            bx_status st = svg_to_log(ctx, log, path, order, res, b);
            if (st != BX_OK)
                return st;
            continue;
        }
        bx_outfile *f = NULL;
        bx_status st = bx_outfile_open(ctx, &f, path);
        if (st == BX_OK)
            st = bx_pack_svg(ctx, order, res, b, bx_outfile_write, f);
        if (st == BX_ELIMIT) {
            /* a box too full to draw is no reason to stop the batch */
            fprintf(stderr, "warning: %s\n", bx_ctx_errmsg(ctx));
            bx_outfile_abort(f);
            continue;
        }
        if (st != BX_OK) {
            bx_outfile_abort(f);
            return st;
        }
        if ((st = bx_outfile_commit(f)) != BX_OK)
            return st;
    }
    return BX_OK;
}

static bx_status make_dir(const char *dir, bool *printed)
{
    struct stat sb;
    if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &sb) == 0 &&
                                  S_ISDIR(sb.st_mode)))
        return BX_OK;
    fprintf(stderr, "boxcar pack: --svg %s: %s\n", dir,
            errno == EEXIST ? "not a directory" : strerror(errno));
    *printed = true;
    return BX_EIO;
}

/* ---- options ------------------------------------------------------------ */

static int parse_args(int argc, char **argv, pack_args *a)
{
    static const struct option opts[] = {
        {"catalog", required_argument, NULL, 'c'},
        {"orders", required_argument, NULL, 'r'},
        {"rotation", required_argument, NULL, 'R'},
        {"objective", required_argument, NULL, 'O'},
        {"budget", required_argument, NULL, 'b'},
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
        {"policy", required_argument, NULL, 'P'},
        {"param", required_argument, NULL, 'K'},
        {"available", required_argument, NULL, 'L'},
        {"returns-accepted", optional_argument, NULL, 'A'},
        CLI_SCRIPT_OPTIONS,
        {"pool", required_argument, NULL, 'J'},
        {"station", required_argument, NULL, 'T'},
        {"issued", required_argument, NULL, 'I'},
        {"at", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    bx_pack_options_init(&a->opts);
    a->policy.limits = cli_script_limits_default();
    a->at = (int64_t)time(NULL);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = cpus < 1 ? 1 : cpus > PACK_MAX_DEFAULT_JOBS ? PACK_MAX_DEFAULT_JOBS : (size_t)cpus;
    bool returns_given = false;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->catalog = optarg; break;
        case 'r': a->orders = optarg; break;
        case 'o': a->output = optarg; break;
        case 'p': a->placements = optarg; break;
        case 's': a->svg_dir = optarg; break;
        case 'C': a->check = true; break;
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
                return cli_usage_error("pack", "unknown format '%s'", optarg);
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
    if ((a->pool == NULL) != (a->station == NULL))
        return cli_usage_error("pack", "--pool JOURNAL and --station ID go together");
    if (a->issued != NULL && a->pool == NULL)
        return cli_usage_error("pack", "--issued needs --pool");
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

/* ---- the batch ---------------------------------------------------------- */

/* The catalog's stock column, if any box has a limit: the batch uses it
 * up order by order. */
static bx_status stock_new(batch *b)
{
    size_t n = bx_catalog_count(b->cat);
    bool limited = false;
    for (size_t i = 0; i < n; i++)
        limited |= bx_catalog_box(b->cat, i)->stock != BX_STOCK_UNLIMITED;
    if (!limited)
        return BX_OK;
    b->stock = bx_alloc(b->ctx, n * sizeof *b->stock);
    if (b->stock == NULL)
        return BX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        b->stock[i] = bx_catalog_box(b->cat, i)->stock;
    return BX_OK;
}

bx_status pack_write_failed(batch *b, const char *order_id, const char *msg)
{
    b->t.bad_orders++;
    return bx_pack_write_failed(b->ctx, b->a->format, order_id, msg,
                                b->out.write, b->out.ud);
}

bx_status pack_one(batch *b, const bx_order_batch *ob)
{
    bx_order order = {ob->lines, ob->nlines};
    const bx_pack_result *res = NULL;
    bx_pack_options opts = b->a->opts;
    opts.stock = b->stock;
    unsigned long errors = b->pd->errors;
    bx_status st;
    if (b->pool != NULL)
        st = pack_pool_pack(b->pool, b->engine, &order, &opts, &res);
    else if (b->policy != NULL)
        st = bx_policy_pack(b->policy, b->engine, &order, &opts, &res);
    else
        st = bx_pack(b->engine, b->cat, &order, &opts, &res);
    if (st == BX_EINPUT || st == BX_ELIMIT) {
        /* This order's data (or the policy on it) is at fault, not the run. */
        if (b->pd->errors == errors) {
            /* a policy's message already names the order */
            if (b->policy != NULL)
                say(b->log, "error: %s\n", bx_ctx_errmsg(b->ctx));
            else
                say(b->log, "error: order %s: %s\n", ob->order_id, bx_ctx_errmsg(b->ctx));
        }
        b->t.policy_failures += b->policy != NULL;
        return pack_write_failed(b, ob->order_id, bx_ctx_errmsg(b->ctx));
    }
    if (st != BX_OK)
        return st;
    bool valid = true;
    if (b->a->check) {
        errors = b->pd->errors;
        bx_order as_packed = order;
        bx_pack_options as_opts = opts;
        if (b->pool != NULL)
            pack_pool_packed_as(b->pool, &as_packed, &as_opts);
        else if (b->policy != NULL)
            bx_policy_packed_as(b->policy, &as_packed, &as_opts);
        if (bx_validate(b->ctx, b->cat, &as_packed, &as_opts, res) != BX_OK) {
            valid = false;
            b->t.invalid++;
            if (b->pd->errors == errors)
                say(b->log, "error: --check: order %s: %s\n", ob->order_id,
                    bx_ctx_errmsg(b->ctx));
        }
    }
    /* The issue goes to the journal before any output names its
     * containers; a wrong result takes no container out of the pool. */
    if (b->pool != NULL && valid && (st = pack_pool_issue(b->pool, &order, res)) != BX_OK)
        return st;
    st = bx_pack_write(b->ctx, b->a->format, &order, res, b->out.write, b->out.ud);
    if (st == BX_OK && b->placements.write != NULL)
        st = bx_pack_csv_placements(b->ctx, &order, res, b->placements.write,
                                    b->placements.ud);
    if (st == BX_OK && b->a->svg_dir != NULL)
        st = write_svgs(b->ctx, b->a->svg_dir, &order, res, b->log, &b->printed);
    if (st != BX_OK)
        return st;
    if (b->stock != NULL)
        for (size_t i = 0; i < res->nboxes; i++)
            if (b->stock[res->boxes[i].box_index] > 0)
                b->stock[res->boxes[i].box_index]--;
    b->t.boxes += res->nboxes;
    b->t.packed += res->nplacements;
    b->t.violations += res->nviolations;
    for (size_t i = 0; i < res->nboxes; i++) {
        bool any = false;
        for (size_t v = 0; v < res->nviolations; v++)
            any |= res->violations[v].box_seq == i + 1;
        b->t.boxes_in_violation += any;
    }
    for (size_t i = 0; i < res->nunpacked; i++)
        b->t.unpacked += res->unpacked[i].units;
    return BX_OK;
}

bx_status pack_in_sequence(batch *b)
{
    bx_status st = BX_OK;
    while (st == BX_OK) {
        bx_order_batch ob;
        st = bx_order_reader_next(b->reader, &ob);
        if (st == BX_END)
            return BX_OK;
        if (st != BX_OK)
            break;
        b->t.orders++;
        /* The bad line was reported as it was read; its message is the
         * context's last error (the reader reads no further than the next
         * order's first good line, so nothing newer can have replaced it). */
        if (ob.failed)
            st = pack_write_failed(b, ob.order_id, bx_ctx_errmsg(b->ctx));
        else
            st = pack_one(b, &ob);
        pack_progress_tick(&b->bar, b->t.orders);
    }
    return st;
}

static bx_status run_batch(batch *b)
{
    const pack_args *a = b->a;
    bx_status st = stock_new(b);
    if (st == BX_OK && a->policy.path != NULL) {
        st = cli_policy_open(b->ctx, &a->policy, b->cat, &b->policy, &b->printed);
        if (st == BX_OK)
            cli_print_assumptions(stderr, b->policy);
    }
    if (st == BX_OK && a->pool != NULL)
        st = pack_pool_open(b->ctx, &b->pool, a->pool, a->station, b->cat, b->policy,
                            a->policy.returns_accepted, a->at, a->issued, &b->printed);
    if (st == BX_OK)
        st = bx_order_reader_open(b->ctx, &b->reader, a->orders, BX_FORMAT_AUTO);
    if (st == BX_OK)
        st = bx_engine_new(b->ctx, &b->engine, NULL);
    if (st == BX_OK)
        st = sink_open(b->ctx, &b->out, a->output);
    if (st == BX_OK && a->placements != NULL)
        st = sink_open(b->ctx, &b->placements, a->placements);
    if (st == BX_OK && a->svg_dir != NULL)
        st = make_dir(a->svg_dir, &b->printed);
    if (st == BX_OK)
        st = bx_pack_write_header(b->ctx, a->format, b->out.write, b->out.ud);
    if (st == BX_OK && b->placements.write != NULL)
        st = bx_pack_csv_placements_header(b->ctx, b->placements.write,
                                           b->placements.ud);
    /* Stock, a policy and a pool each carry state from one order to the
     * next, so only an unlimited catalog without them runs in parallel. */
    bool parallel = a->jobs > 1 && b->stock == NULL && b->policy == NULL && b->pool == NULL;
    if (st == BX_OK)
        st = parallel ? pack_in_parallel(b) : pack_in_sequence(b);
    progress_clear(&b->bar);
    cli_diag_flush(&b->pd->cd);
    return st;
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
    b.bar.enabled = isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &b.bar.start);

    bx_catalog *cat = NULL;
    bx_status st = bx_catalog_load(b.ctx, &cat, a.catalog, BX_FORMAT_AUTO);
    cli_diag_flush(&pd.cd);
    b.cat = cat;
    if (st == BX_OK)
        st = run_batch(&b);
    if (st == BX_OK && b.t.invalid > 0) {
        fprintf(stderr, "boxcar pack: --check: %" PRIu64 " of %" PRIu64
                        " results are wrong; nothing written\n", b.t.invalid,
                b.t.orders);
        rc = EXIT_FAILURE_RUNTIME;
    }
    /* The pool's journal first: the issues are durable before any output
     * says where the containers went. */
    if (st == BX_OK && b.pool != NULL)
        st = pack_pool_finish(b.pool);
    if (st == BX_OK && rc == 0)
        st = sink_commit(&b.out, &b.printed);
    if (st == BX_OK && rc == 0)
        st = sink_commit(&b.placements, &b.printed);
    sink_abort(&b.out);
    sink_abort(&b.placements);
    if (st != BX_OK && !b.printed && b.fatal_msg != NULL) {
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
    pack_pool_close(b.pool);
    bx_order_reader_close(b.reader);
    bx_policy_free(b.policy);
    bx_engine_free(b.engine);
    bx_free(b.ctx, b.stock);
    free(b.fatal_msg);
    bx_catalog_free(cat);
    bx_ctx_free(b.ctx);
    return rc;
}
