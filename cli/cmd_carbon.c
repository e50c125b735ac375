/*
 * cmd_carbon.c: `boxcar carbon`: emissions per shipment and totals under
 * ISO 14083 / GLEC v3, packaging and reuse included.
 *
 * Shipments stream through one calculator: memory stays constant however
 * long the file is. A bad row is reported (file, line, field), left out
 * and counted; the totals say how many. --strict makes the first problem
 * fatal. Outputs go to temporary files renamed into place at the end, so a
 * failed run leaves no half-written file.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxcar/carbon_io.h"
#include "carbon_packing.h"
#include "carbon_pool.h"
#include "cli.h"
#include "range_file.h"

#define DEFAULT_FACTORS "cn-2023"

static void carbon_help(void)
{
    printf("usage: boxcar carbon --routes FILE --shipments FILE [--range START-END]\n"
           "                     [--rounds FILE]\n"
           "                     [--factors SET|FILE]\n"
           "       boxcar carbon --routes FILE --packing FILE --date YYYY-MM-DD\n"
           "                     (--route ROUTE | --order-routes FILE) [OPTIONS]\n"
           "                     [--catalog FILE] [--containers FILE]\n"
           "                     [--trips N | --pool JOURNAL]\n"
           "                     [--format table|csv|json|cbor] [-o FILE] [--totals FILE]\n"
           "                     [--by route|month|mode|packaging|energy] [--errors FILE]\n"
           "                     [--strict] [--no-progress]\n"
           "                     [--uncertainty N [--seed S] [--draws FILE]]\n"
           "\n"
           "Greenhouse-gas emissions of each shipment along its route (ISO 14083:2023,\n"
           "GLEC Framework v3), with its packaging, in g CO2e: WTW, TTW and the method,\n"
           "data quality, factor set and version behind every figure.\n"
           "\n"
           "  --routes FILE      transport chains: one row per leg or hub (CSV, JSON\n"
           "                     or CBOR)\n"
           "  --rounds FILE      multi-drop rounds: round_id, shipment_id, drop_km and\n"
           "                     mass_g (or items) per drop; a route leg's 'round'\n"
           "                     takes its run tkm or items and each drop's share\n"
           "  --shipments FILE   shipments (CSV, JSON or CBOR); streamed, any size\n"
           "  --range START-END  only bytes START to END of the CSV shipments file, after\n"
           "                     its header line: whole lines, named FILE@START-END in\n"
           "                     messages, lines counted from the header (a partition)\n"
           "  --packing FILE     instead of --shipments: the boxes of 'boxcar pack\n"
           "                     --format csv', each packed box a shipment ORDER-SEQ with\n"
           "                     its gross weight, units and box as packaging\n"
           "  --date YYYY-MM-DD  the date of those shipments\n"
           "  --route ROUTE      their route (the default, with --order-routes)\n"
           "  --order-routes FILE  order_id,route_id[,drop_km]: a route per order\n"
           "  --factors SET      factor set name or file (default " DEFAULT_FACTORS "; see\n"
           "                     'boxcar factors list')\n"
           "  --catalog FILE     boxes named as packaging (default: the cn-express series)\n"
           "  --containers FILE  reusable container types named as packaging\n"
           "  --trips N          amortise every container over N trips\n"
           "  --pool JOURNAL     amortise each container type over its pool's real trips\n"
           "                     (trips done + expected remaining), washes and returns\n"
           "                     (needs --containers; the catalog defaults to the\n"
           "                     cn-express-reusable series)\n"
           "  --format F         table, csv, json (JSON Lines, figures in integer mg) or\n"
           "                     cbor (a CBOR sequence, as json); default csv per shipment,\n"
           "                     table with --by (cbor needs -o or a redirected output)\n"
           "  -o, --output FILE  per-shipment results there instead of standard output\n"
           "                     (with --by: csv, or json/cbor when that is the format)\n"
           "  --totals FILE      exact totals (integer mg) by route, month, mode,\n"
           "                     packaging and energy carrier, to merge with 'boxcar merge'\n"
           "  --by GROUP         print totals by GROUP instead of the per-shipment rows\n"
           "                     (those still go to -o FILE when given)\n"
           "  --errors FILE      every excluded row as CSV: file, line, field, message\n"
           "  --strict           any bad row or route is fatal: nothing is written\n"
           CLI_PROGRESS_HELP
           "  --uncertainty N    Monte Carlo over factor uncertainty, N draws: mean and\n"
           "                     95 %% interval per shipment (three more columns) and for\n"
           "                     the total (needs a build with GSL)\n"
           "  --seed S           seed of the draws (default 1): same seed, same figures\n"
           "  --draws FILE       the total of every draw in integer mg, to merge with\n"
           "                     'boxcar merge' into the interval of shards' run total\n"
           "\n"
           "Exit: 0 all rows computed, 3 some rows were bad (the others are computed and\n"
           "      written, the totals count them) or --strict found one, 1 runtime\n"
           "      failure, 2 usage error.\n");
}

typedef struct carbon_args {
    const char *rounds;
    const char *routes, *shipments, *factors, *catalog, *containers, *pool;
    const char *packing, *route, *order_routes;
    int32_t date;
    const char *output, *totals, *errors;
    const char *draws_out; /* --draws */
    bool ranged;           /* --range */
    uint64_t range_start, range_end;
    bx_carbon_format format; /* of standard output; of -o too, see rows_format */
    bool format_given;
    int by;            /* bx_totals_group, or -1 */
    bool strict;
    bool progress;
    int32_t trips;
    uint32_t draws;    /* --uncertainty; 0 = off */
    uint64_t seed;
} carbon_args;

/* ---- diagnostics: printed, counted, and optionally kept as CSV ----------- */

typedef struct carbon_diags {
    cli_diags cd;
    cli_progress *bar;
    cli_sink *errors;     /* NULL without --errors */
    bx_csv_writer ew;
    bool errors_failed;
} carbon_diags;

static void put_field(carbon_diags *d, const char *s)
{
    if (bx_csv_write_field(&d->ew, s, strlen(s)) != BX_OK)
        d->errors_failed = true;
}

static void diag(void *ud, const bx_diag *dg)
{
    carbon_diags *d = ud;
    cli_progress_clear(d->bar);
    cli_diag_print(&d->cd, dg);
    if (d->errors == NULL || dg->severity != BX_SEV_ERROR)
        return;
    char line[32];
    snprintf(line, sizeof line, "%" PRIu64, dg->where.line);
    put_field(d, dg->where.file != NULL ? dg->where.file : "");
    put_field(d, line);
    put_field(d, dg->where.field != NULL ? dg->where.field : "");
    put_field(d, dg->message);
    if (bx_csv_end_record(&d->ew) != BX_OK)
        d->errors_failed = true;
}

/* ---- arguments ---------------------------------------------------------- */

static int parse_args(int argc, char **argv, carbon_args *a)
{
    static const struct option opts[] = {
        {"routes", required_argument, NULL, 'r'},
        {"rounds", required_argument, NULL, 'Q'},
        {"shipments", required_argument, NULL, 's'},
        {"packing", required_argument, NULL, 'k'},
        {"route", required_argument, NULL, 'R'},
        {"order-routes", required_argument, NULL, 'O'},
        {"date", required_argument, NULL, 'D'},
        {"factors", required_argument, NULL, 'f'},
        {"catalog", required_argument, NULL, 'c'},
        {"containers", required_argument, NULL, 'C'},
        {"trips", required_argument, NULL, 'T'},
        {"pool", required_argument, NULL, 'J'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"totals", required_argument, NULL, 't'},
        {"by", required_argument, NULL, 'b'},
        {"errors", required_argument, NULL, 'e'},
        {"strict", no_argument, NULL, 'S'},
        CLI_NO_PROGRESS_OPTION,
        {"uncertainty", required_argument, NULL, 'U'},
        {"seed", required_argument, NULL, 'X'},
        {"draws", required_argument, NULL, 'W'},
        {"range", required_argument, NULL, 'G'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->factors = DEFAULT_FACTORS;
    a->by = -1;
    a->progress = true;
    a->seed = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': a->routes = optarg; break;
        case 'Q': a->rounds = optarg; break;
        case 's': a->shipments = optarg; break;
        case 'k': a->packing = optarg; break;
        case 'R': a->route = optarg; break;
        case 'O': a->order_routes = optarg; break;
        case 'D':
            if (!bx_date_parse(optarg, strlen(optarg), &a->date))
                return cli_usage_error("carbon", "--date wants a date YYYY-MM-DD, not '%s'",
                                       optarg);
            break;
        case 'f': a->factors = optarg; break;
        case 'c': a->catalog = optarg; break;
        case 'C': a->containers = optarg; break;
        case 'J': a->pool = optarg; break;
        case 'o': a->output = optarg; break;
        case 't': a->totals = optarg; break;
        case 'e': a->errors = optarg; break;
        case 'W': a->draws_out = optarg; break;
        case 'G': {
            if (!cli_range_parse(optarg, &a->range_start, &a->range_end))
                return cli_usage_error("carbon", "--range wants START-END, byte offsets "
                                                 "with START <= END, not '%s'", optarg);
            a->ranged = true;
            break;
        }
        case 'S': a->strict = true; break;
        case CLI_OPT_NO_PROGRESS: a->progress = false; break;
        case 'T': {
            uint64_t v;
            if (!cli_parse_u64(optarg, 1, 1000000, &v))
                return cli_usage_error("carbon", "--trips wants a whole number from 1 to "
                                                 "1000000, not '%s'", optarg);
            a->trips = (int32_t)v;
            break;
        }
        case 'U': {
            uint64_t v;
            if (!cli_parse_u64(optarg, 2, BX_UNCERTAINTY_MAX_DRAWS, &v))
                return cli_usage_error("carbon", "--uncertainty wants 2 to %d draws, not '%s'",
                                       BX_UNCERTAINTY_MAX_DRAWS, optarg);
            a->draws = (uint32_t)v;
            break;
        }
        case 'X': {
            uint64_t v;
            if (!cli_parse_u64(optarg, 0, UINT64_MAX, &v))
                return cli_usage_error("carbon", "--seed wants a whole number, not '%s'", optarg);
            a->seed = (uint64_t)v;
            break;
        }
        case 'F':
            if (bx_carbon_format_parse(optarg, &a->format) != BX_OK)
                return cli_usage_error("carbon", "--format is table, csv, json or cbor, "
                                                 "not '%s'", optarg);
            a->format_given = true;
            break;
        case 'b': {
            bx_totals_group g;
            if (bx_totals_group_parse(optarg, &g) != BX_OK || g == BX_BY_ALL)
                return cli_usage_error("carbon", "--by is route, month, mode, packaging "
                                                 "or energy, not '%s'", optarg);
            a->by = (int)g;
            break;
        }
        case 'h':
            carbon_help();
            return -1;
        default:
            return cli_usage_error("carbon", "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error("carbon", "unexpected argument '%s'", argv[optind]);
    if (a->draws > 0 && a->by == (int)BX_BY_ENERGY)
        return cli_usage_error("carbon", "--uncertainty gives no intervals by energy "
                                         "carrier (its draws are not split by carrier): "
                                         "use another --by, or no --uncertainty");
    if (a->routes == NULL || (a->shipments == NULL) == (a->packing == NULL))
        return cli_usage_error("carbon", "--routes and one of --shipments and --packing are "
                                         "required");
    if (a->packing != NULL && a->date == 0)
        return cli_usage_error("carbon", "--packing needs --date YYYY-MM-DD: a packing has "
                                         "no date");
    if (a->packing != NULL && a->route == NULL && a->order_routes == NULL)
        return cli_usage_error("carbon", "--packing needs --route ROUTE or --order-routes "
                                         "FILE: the route of each order");
    if (a->packing == NULL && (a->route != NULL || a->order_routes != NULL || a->date != 0))
        return cli_usage_error("carbon", "--route, --order-routes and --date go with "
                                         "--packing");
    if (a->pool != NULL && a->trips > 0)
        return cli_usage_error("carbon", "--pool and --trips: the pool gives each type its "
                                         "real trips, --trips one figure for all; choose one");
    if (a->pool != NULL && a->containers == NULL)
        return cli_usage_error("carbon", "--pool needs --containers FILE: the container "
                                         "types' mass, material, washing and return route");
    if (a->ranged && a->shipments == NULL)
        return cli_usage_error("carbon", "--range is a byte range of the --shipments file");
    if (a->ranged && cli_range_not_csv(a->shipments))
        return cli_usage_error("carbon", "--range reads a CSV file with a header line, not "
                                         "JSON or CBOR");
    if (a->draws_out != NULL && a->draws == 0)
        return cli_usage_error("carbon", "--draws needs --uncertainty N: the draws it "
                                         "writes");
    if (!a->format_given)
        a->format = a->by < 0 ? BX_CARBON_CSV : BX_CARBON_TABLE;
    /* CBOR is binary: not for a terminal (pipe it or give -o) */
    bool cbor_to_stdout = a->format == BX_CARBON_CBOR && (a->by >= 0 || a->output == NULL);
    if (cbor_to_stdout && isatty(STDOUT_FILENO))
        return cli_usage_error("carbon", "--format cbor writes binary: %s",
                               a->by >= 0 ? "redirect standard output (the --by totals go "
                                            "there)"
                                          : "give -o FILE or redirect standard output");
    return 0;
}

/* The per-shipment rows' format: the one asked for, except that with --by
 * (whose totals take standard output) a table or CSV request gives the
 * -o file CSV. */
static bx_carbon_format rows_format(const carbon_args *a)
{
    if (a->by >= 0 && a->format != BX_CARBON_JSON && a->format != BX_CARBON_CBOR)
        return BX_CARBON_CSV;
    return a->format;
}

/* ---- the run ------------------------------------------------------------ */

typedef struct run {
    carbon_args *a;
    bx_ctx *ctx;
    carbon_diags d;
    cli_progress bar;
    bx_factor_set *fs;
    bx_routes *routes;
    bx_rounds *rounds;
    bx_catalog *cat;
    bx_containers *cont;
    bx_carbon *calc;
    bx_carbon_totals *totals;
    bx_uncertainty *mc;
    FILE *ship_fp;
    FILE *range_fp;          /* --range: over ship_fp */
    char range_name[4200];   /* --range: FILE@START-END, for messages */
    bool usage;              /* a usage error was printed */
    bx_shipment_reader *reader;
    carbon_packing *packing; /* --packing instead of reader */
    cli_sink rows, totals_out, errors_out, draws_out;
    bx_carbon_writer *writer; /* per-shipment rows, when they are written */
    uint64_t read, computed, excluded;
    bool printed; /* a failure of the command's own was printed */
} run;

/* Output failures that the library did not record: printed here. */
static bx_status io_failed(run *r, const char *what)
{
    fprintf(stderr, "boxcar carbon: writing %s failed\n", what);
    r->printed = true;
    return BX_EIO;
}

static bx_status load_inputs(run *r)
{
    carbon_args *a = r->a;
    char buf[4096];
    const char *path = cli_factor_set_path(a->factors, buf, sizeof buf);
    if (path == NULL) {
        fprintf(stderr, "boxcar carbon: no factor set '%s' (see 'boxcar factors list')\n",
                a->factors);
        return BX_ENOTFOUND;
    }
    bx_status st = bx_factor_set_load(r->ctx, &r->fs, path);
    if (st == BX_OK)
        st = bx_routes_load(r->ctx, &r->routes, a->routes);
    if (st == BX_OK && a->rounds != NULL)
        st = bx_rounds_load(r->ctx, &r->rounds, a->rounds);
    /* a pool's types are reusable boxes: the series that has them */
    const char *cat = a->catalog != NULL ? a->catalog
                      : cli_default_catalog(a->pool != NULL ? "cn-express-reusable.csv"
                                                            : "cn-express.csv");
    if (st == BX_OK && cat != NULL)
        st = bx_catalog_load(r->ctx, &r->cat, cat, BX_FORMAT_AUTO);
    if (st == BX_OK && a->containers != NULL)
        st = bx_containers_load(r->ctx, &r->cont, a->containers);
    bx_container_usage *usage = NULL;
    size_t nusage = 0;
    if (st == BX_OK && a->pool != NULL)
        st = cli_pool_usage(r->ctx, a->pool, r->cat, r->cont, &usage, &nusage, &r->printed);
    if (st != BX_OK)
        return st;
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.catalog = r->cat;
    opt.containers = r->cont;
    opt.trips = a->trips;
    opt.usage = usage;
    opt.nusage = nusage;
    opt.rounds = r->rounds;
    st = bx_carbon_new(r->ctx, &r->calc, r->fs, r->routes, &opt);
    free(usage); /* the calculator keeps what it needs */
    if (st != BX_OK)
        return st;
    size_t bad = bx_routes_invalid(r->routes) + bx_carbon_bad_routes(r->calc);
    if (bad > 0 && a->strict) {
        fprintf(stderr, "boxcar carbon: %zu bad route%s (--strict)\n", bad,
                bad == 1 ? "" : "s");
        return BX_EINPUT;
    }
    if (a->draws > 0 && (st = bx_uncertainty_new(r->ctx, &r->mc, r->calc, a->draws,
                                                 a->seed)) != BX_OK)
        return st;
    /* intervals for the --by table too */
    if (r->mc != NULL && a->by >= 0 &&
        (st = bx_uncertainty_by(r->mc, (bx_totals_group)a->by)) != BX_OK)
        return st;
    bx_factor_set_info info = bx_factor_set_info_get(r->fs);
    st = bx_carbon_totals_new(r->ctx, &r->totals, info.id, info.version);
    if (st != BX_OK)
        return st;
    if (a->packing != NULL)
        return carbon_packing_open(r->ctx, &r->packing, a->packing, a->route, a->order_routes,
                                   a->date, diag, &r->d);
    r->ship_fp = fopen(a->shipments, "rb");
    if (r->ship_fp == NULL) {
        fprintf(stderr, "boxcar carbon: cannot open %s\n", a->shipments);
        return BX_ENOTFOUND;
    }
    if (!a->ranged)
        return bx_shipment_reader_open_file(r->ctx, &r->reader, a->shipments, r->ship_fp);
    const char *why = NULL;
    r->range_fp = cli_range_open(r->ship_fp, a->range_start, a->range_end, &why);
    if (r->range_fp == NULL) {
        fprintf(stderr, "boxcar carbon: --range %" PRIu64 "-%" PRIu64 " of %s: %s\n",
                a->range_start, a->range_end, a->shipments, why);
        r->usage = true;
        return BX_EINVAL;
    }
    snprintf(r->range_name, sizeof r->range_name, "%s@%" PRIu64 "-%" PRIu64, a->shipments,
             a->range_start, a->range_end);
    return bx_shipment_reader_open_file(r->ctx, &r->reader, r->range_name, r->range_fp);
}

static bx_status open_outputs(run *r)
{
    carbon_args *a = r->a;
    bx_status st;
    if (a->errors != NULL) {
        if ((st = cli_sink_open(r->ctx, &r->errors_out, a->errors)) != BX_OK)
            return st;
        r->d.errors = &r->errors_out;
        bx_csv_writer_init(&r->d.ew, r->errors_out.write, r->errors_out.ud);
        put_field(&r->d, "file");
        put_field(&r->d, "line");
        put_field(&r->d, "field");
        put_field(&r->d, "message");
        bx_csv_end_record(&r->d.ew);
    }
    if (a->output != NULL || a->by < 0) {
        if ((st = cli_sink_open(r->ctx, &r->rows, a->output)) != BX_OK)
            return st;
        bx_factor_set_info info = bx_factor_set_info_get(r->fs);
        if ((st = bx_carbon_writer_new(r->ctx, &r->writer, rows_format(a), info.id,
                                       info.version, r->mc != NULL, r->rows.write,
                                       r->rows.ud)) != BX_OK)
            return st;
    }
    if (a->draws_out != NULL &&
        (st = cli_sink_open(r->ctx, &r->draws_out, a->draws_out)) != BX_OK)
        return st;
    if (a->totals != NULL)
        return cli_sink_open(r->ctx, &r->totals_out, a->totals);
    return BX_OK;
}

static bx_status process(run *r)
{
    bx_shipment s;
    bx_carbon_result res;
    bx_status st;
    for (;;) {
        st = r->packing != NULL ? carbon_packing_next(r->packing, &s)
                                : bx_shipment_reader_next(r->reader, &s);
        if (st == BX_END)
            return BX_OK;
        r->read++;
        if (st == BX_OK)
            st = bx_carbon_compute(r->calc, &s, &res);
        if (st == BX_EINPUT) {
            r->excluded++;
            if (r->a->strict)
                return st;
            continue;
        }
        if (st != BX_OK)
            return st;
        r->computed++;
        if ((st = bx_carbon_totals_add(r->totals, &s, &res)) != BX_OK)
            return st;
        bx_interval iv = {0, 0, 0};
        if (r->mc != NULL && r->writer != NULL &&
            (st = bx_uncertainty_shipment(r->mc, &s, &iv)) != BX_OK)
            return st;
        if (r->mc != NULL && (st = bx_uncertainty_add(r->mc, &s)) != BX_OK)
            return st;
        if (r->writer != NULL &&
            (st = bx_carbon_writer_put(r->writer, &s, &res, r->mc != NULL ? &iv : NULL)) !=
                BX_OK)
            return st;
        cli_progress_tick(&r->bar, r->read);
    }
}

/* Milligrams as kg with three decimals: whole grams, rounded half up. */
static char *kg3(int64_t mg, char *buf, size_t size)
{
    int64_t g = mg >= 0 ? (mg + 500) / 1000 : -((-mg + 500) / 1000);
    return bx_mg_to_text(g, buf, size);
}

static void summary(run *r)
{
    const char *key;
    bx_carbon_sum all;
    bx_carbon_totals_row(r->totals, BX_BY_ALL, 0, &key, &all);
    if (r->packing != NULL && carbon_packing_unpacked(r->packing) > 0)
        fprintf(stderr, "boxcar carbon: %s: %" PRIu64 " rows without a box (orders or units "
                        "not packed) are no shipments\n",
                r->a->packing, carbon_packing_unpacked(r->packing));
    char b[6][32];
    fprintf(stderr,
            "boxcar carbon: %" PRIu64 " shipments read, %" PRIu64 " computed, %" PRIu64
            " excluded as bad input\n"
            "  total %s kg CO2e WTW (WTT %s, TTW %s kg): transport %s, hubs %s, "
            "packaging %s kg\n",
            r->read, r->computed, r->excluded, kg3(all.total.wtw_mg, b[0], sizeof b[0]),
            kg3(all.total.wtt_mg, b[1], sizeof b[1]), kg3(all.total.ttw_mg, b[2], sizeof b[2]),
            kg3(all.transport.wtw_mg, b[3], sizeof b[3]), kg3(all.hub.wtw_mg, b[4], sizeof b[4]),
            kg3(all.packaging_mg, b[5], sizeof b[5]));
    /* factors given as WTW only add to WTW alone: their TTW is unknown */
    int64_t unsplit_mg = all.total.wtw_mg - all.total.wtt_mg - all.total.ttw_mg;
    if (unsplit_mg > 0)
        fprintf(stderr, "  of the WTW, %s kg comes from factors given as WTW only: its WTT and "
                        "TTW are unknown (not zero), so WTT and TTW are lower bounds\n",
                kg3(unsplit_mg, b[0], sizeof b[0]));
    bx_interval total;
    if (r->mc != NULL && bx_uncertainty_total(r->mc, &total) == BX_OK)
        fprintf(stderr, "  factor uncertainty (%u draws, seed %" PRIu64 "): mean %.3f kg, "
                        "95 %% interval %.3f .. %.3f kg WTW\n",
                (unsigned)r->a->draws, r->a->seed, total.mean_g / 1000, total.lo_g / 1000,
                total.hi_g / 1000);
    bx_factor_set_info info = bx_factor_set_info_get(r->fs);
    fprintf(stderr, "  factor set %s version %s, %s (%s)\n", info.id, info.version,
            info.basis, info.file);
    const bx_factor *used[256];
    size_t n = bx_carbon_used_factors(r->calc, used, 256), unconfirmed = 0;
    for (size_t i = 0; i < n && i < 256; i++)
        unconfirmed += used[i]->confirmed == BX_UNCONFIRMED;
    if (unconfirmed > 0) {
        fprintf(stderr, "  note: %zu of the %zu factors used are UNCONFIRMED:", unconfirmed, n);
        for (size_t i = 0; i < n && i < 256; i++)
            if (used[i]->confirmed == BX_UNCONFIRMED)
                fprintf(stderr, " %s %s;", bx_factor_kind_name(used[i]->kind), used[i]->id);
        fprintf(stderr, " see 'boxcar factors show %s'\n", info.id);
    }
    size_t other = 0;
    for (size_t i = 0; i < n && i < 256; i++)
        other += strcmp(used[i]->basis, info.basis) != 0;
    if (other > 0) {
        fprintf(stderr, "  note: %zu of the factors used are not on basis %s:", other,
                info.basis);
        for (size_t i = 0; i < n && i < 256; i++)
            if (strcmp(used[i]->basis, info.basis) != 0)
                fprintf(stderr, " %s (%s);", used[i]->id, used[i]->basis);
        fputc('\n', stderr);
    }
    for (size_t i = 0; i < bx_containers_count(r->cont); i++) {
        const bx_container *k = bx_containers_at(r->cont, i);
        bx_reuse_report rep;
        if (bx_carbon_reuse(r->calc, k->container_id, &rep) != BX_OK)
            continue;
        if (rep.real_usage)
            fprintf(stderr, "  reuse: %s: %.2f g CO2e per trip over the pool's real trips "
                            "(%.2f g over the expected %d trips)",
                    k->container_id, rep.per_trip_g, rep.expected_per_trip_g, (int)rep.trips);
        else
            fprintf(stderr, "  reuse: %s: %.2f g CO2e per trip over %d trips (make %.0f g, "
                            "wash %.2f g, return %.2f g per trip)",
                    k->container_id, rep.per_trip_g, (int)rep.trips,
                    rep.manufacture_g + rep.eol_g, rep.wash_g, rep.return_g);
        if (rep.has_single_use && rep.break_even_trips > 0)
            fprintf(stderr, "; vs %s (%.2f g): breaks even after %" PRId64 " trips\n",
                    k->replaces, rep.single_use_g, rep.break_even_trips);
        else if (rep.has_single_use)
            fprintf(stderr, "; vs %s (%.2f g): never breaks even\n", k->replaces,
                    rep.single_use_g);
        else
            fputc('\n', stderr);
        if (!rep.real_usage)
            continue;
        fprintf(stderr, "    pool: %" PRIu64 " containers (%" PRIu64 " ended), %" PRIu64
                        " trips done, %" PRIu64 " lifetime trips (%.2f per container); ",
                rep.containers, rep.ended, rep.trips_done, rep.lifetime_trips,
                rep.trips_basis);
        if (rep.trips_ended > 0)
            fprintf(stderr, "%.2f washes and %.1f %% returned per ended trip (%" PRIu64 ")",
                    rep.washes_per_trip, 100.0 * rep.return_rate, rep.trips_ended);
        else
            fprintf(stderr, "no trip ended yet: washed and returned every trip");
        fprintf(stderr, "; make %.0f g, wash %.2f g, return %.2f g per trip\n",
                rep.manufacture_g + rep.eol_g, rep.wash_g, rep.return_g);
    }
}

static void close_run(run *r)
{
    bx_carbon_writer_free(r->writer);
    cli_sink_abort(&r->rows);
    cli_sink_abort(&r->totals_out);
    cli_sink_abort(&r->draws_out);
    cli_sink_abort(&r->errors_out);
    bx_shipment_reader_close(r->reader);
    carbon_packing_close(r->packing);
    if (r->range_fp != NULL)
        fclose(r->range_fp);
    if (r->ship_fp != NULL)
        fclose(r->ship_fp);
    bx_carbon_totals_free(r->totals);
    bx_uncertainty_free(r->mc);
    bx_carbon_free(r->calc);
    bx_containers_free(r->cont);
    bx_catalog_free(r->cat);
    bx_routes_free(r->routes);
    bx_rounds_free(r->rounds);
    bx_factor_set_free(r->fs);
    bx_ctx_free(r->ctx);
}

/* --draws: the run's per-draw totals, for 'boxcar merge'. */
static bx_status write_draws(run *r)
{
    bx_draw_totals *d = NULL;
    bx_status st = bx_draw_totals_new(r->ctx, &d);
    if (st == BX_OK)
        st = bx_uncertainty_draw_totals(r->mc, d);
    if (st == BX_OK)
        st = bx_draw_totals_write(d, r->draws_out.write, r->draws_out.ud);
    bx_draw_totals_free(d);
    if (st == BX_OK)
        st = cli_sink_commit(&r->draws_out, "carbon", &r->printed);
    return st;
}

static bx_status finish(run *r)
{
    bx_status st = BX_OK;
    bx_carbon_totals_exclude(r->totals, r->excluded);
    if (r->a->totals != NULL)
        st = bx_carbon_totals_write(r->totals, r->totals_out.write, r->totals_out.ud);
    if (st == BX_OK && r->a->by >= 0)
        st = bx_carbon_totals_write_group(r->totals, r->a->format, (bx_totals_group)r->a->by,
                                          r->mc, cli_file_write, stdout);
    if (st == BX_OK && r->writer != NULL)
        st = bx_carbon_writer_finish(r->writer);
    if (st == BX_OK)
        st = cli_sink_commit(&r->rows, "carbon", &r->printed);
    if (st == BX_OK)
        st = cli_sink_commit(&r->totals_out, "carbon", &r->printed);
    if (st == BX_OK && r->a->draws_out != NULL)
        st = write_draws(r);
    if (st == BX_OK && r->d.errors_failed)
        st = io_failed(r, "the error report");
    if (st == BX_OK) {
        r->d.errors = NULL;
        st = cli_sink_commit(&r->errors_out, "carbon", &r->printed);
    }
    if (st == BX_OK && r->a->by >= 0 && fflush(stdout) != 0)
        st = io_failed(r, "to standard output");
    return st;
}

int cmd_carbon(int argc, char **argv)
{
    carbon_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    run r;
    memset(&r, 0, sizeof r);
    r.a = &a;
    r.d.cd.max_shown = 50;
    r.d.bar = &r.bar;
    r.ctx = cli_ctx_new(&r.d.cd);
    bx_ctx_set_diag(r.ctx, diag, &r.d);

    bx_status st = load_inputs(&r);
    if (st == BX_OK)
        st = open_outputs(&r);
    if (st == BX_OK) {
        cli_progress_start(&r.bar, "carbon", "shipments", a.progress);
        cli_progress_input(&r.bar, r.packing != NULL ? carbon_packing_file(r.packing)
                                   : r.range_fp != NULL ? r.range_fp
                                                        : r.ship_fp);
        st = process(&r);
        cli_progress_clear(&r.bar);
    }
    cli_diag_flush(&r.d.cd);
    if (st == BX_OK)
        st = finish(&r);
    int code;
    if (st == BX_OK) {
        summary(&r);
        code = r.excluded > 0 || bx_routes_invalid(r.routes) + bx_carbon_bad_routes(r.calc) > 0
                   ? EXIT_BAD_INPUT
                   : EXIT_OK;
    } else if (st == BX_EINPUT && a.strict) {
        fprintf(stderr, "boxcar carbon: stopped at the first bad input (--strict); nothing "
                        "written\n");
        code = EXIT_BAD_INPUT;
    } else if (r.usage) {
        code = EXIT_USAGE;
    } else if (r.printed || (st == BX_ENOTFOUND && bx_ctx_errcode(r.ctx) == BX_OK)) {
        code = EXIT_FAILURE_RUNTIME; /* printed above */
    } else {
        code = cli_fail(r.ctx, st);
    }
    close_run(&r);
    return code;
}
