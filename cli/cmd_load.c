/*
 * cmd_load.c: `boxcar load`: loading plans for vehicles, roll cages and
 * air containers, over bx_load_plan_make.
 *
 * Everything is planned first and written after, so a failure leaves no
 * half-written output: each file goes through a sink (a temporary file
 * renamed into place) and pictures are written one file at a time.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void load_help(void)
{
    printf("usage: boxcar load --parcels FILE|--packed FILE [--stop N] [--stops FILE]\n"
           "                   --vehicles FILE\n"
           "                   [--budget N]\n"
           "                   [--support full|none] [--format table|csv|json|cbor]\n"
           "                   [-o FILE] [--factors FILE] [--svg DIR] [--svg-steps]\n"
           "                   [--check] [--lang en|zh-CN]\n"
           "\n"
           "Plan how parcels go into vehicles: fewest vehicles first, then the\n"
           "least total cost, then the least inner volume; each parcel's\n"
           "position, orientation and loading step; stops last-in-first-out (the\n"
           "first stop's parcels nearest the door, never under or behind a later\n"
           "stop's); centre of gravity, axle loads (tare included; the load is moved\n"
           "along the length to relieve an axle over its limit), load factors.\n"
           "\n"
           "  --parcels FILE    id,length_mm,width_mm,height_mm,mass_g[,stop,rotation,\n"
           "                    fragile,max_load_g] (CSV, JSON or CBOR)\n"
           "  --packed FILE     boxcar pack's output (--format json or cbor): each box\n"
           "                    a parcel of its outer size and gross mass, fragile\n"
           "                    or upright as its contents are\n"
           "  --stop N          with --packed: the stop of orders without one (default 0)\n"
           "  --stops FILE      with --packed: order_id,stop rows (CSV, JSON or CBOR)\n"
           "  --vehicles FILE   kind,length_mm,width_mm,height_mm,payload_g[,door,count,\n"
           "                    cost,axle1_x_mm,axle1_max_g,axle2_x_mm,axle2_max_g,\n"
           "                    axle1_tare_g,axle2_tare_g]\n"
           "  --budget N        work per vehicle tried (default %u)\n"
           "  --support S       full (default): every parcel rests on its whole base;\n"
           "                    none: parcels may float (benchmarks only)\n"
           "  --format F        table (default), csv, json or cbor\n"
           "  -o, --output FILE write there instead of standard output\n"
           "  --factors FILE    CSV vehicle_seq,kind,load_factor_mass,load_factor_volume\n"
           "                    (the measured load factors for a carbon leg)\n"
           "  --svg DIR         one picture per vehicle: DIR/vehicle-<n>.svg\n"
           "  --svg-steps       with --svg, also one per loading step:\n"
           "                    DIR/vehicle-<n>-step-<k>.svg\n"
           "  --check           check the plan independently; fail if it is wrong\n"
           "  --lang en|zh-CN   the table's and the pictures' words (default en); CSV,\n"
           "                    JSON and CBOR keep their keys\n"
           "\n"
           "Parcels that fit no vehicle, are too heavy, repeat an id or find no room\n"
           "are listed with a reason; that is not an error.\n"
           "Exit: 0 planned, 3 bad input (nothing written), 1 runtime failure or\n"
           "--check found a wrong plan (nothing written), 2 usage error.\n",
           BX_LOAD_DEFAULT_BUDGET);
}

typedef struct load_args {
    const char *parcels, *packed, *stops, *vehicles, *output, *factors, *svg_dir, *lang;
    uint32_t stop;
    bool stop_given;
    bx_pack_format format;
    bool format_given, svg_steps, check;
    bx_load_options opt;
} load_args;

static int parse_args(int argc, char **argv, load_args *a)
{
    static const struct option opts[] = {
        {"parcels", required_argument, NULL, 'p'}, {"vehicles", required_argument, NULL, 'v'},
        {"budget", required_argument, NULL, 'b'},  {"support", required_argument, NULL, 'S'},
        {"format", required_argument, NULL, 'f'},  {"output", required_argument, NULL, 'o'},
        {"factors", required_argument, NULL, 'F'}, {"svg", required_argument, NULL, 's'},
        {"svg-steps", no_argument, NULL, 'k'},     {"check", no_argument, NULL, 'C'},
        {"packed", required_argument, NULL, 'P'},  {"stop", required_argument, NULL, 'T'},
        {"lang", required_argument, NULL, 'L'},    {"stops", required_argument, NULL, 'Z'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    bx_load_options_init(&a->opt);
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        uint64_t u;
        switch (c) {
        case 'p':
            a->parcels = optarg;
            break;
        case 'v':
            a->vehicles = optarg;
            break;
        case 'P':
            a->packed = optarg;
            break;
        case 'Z':
            a->stops = optarg;
            break;
        case 'L':
            if (strcmp(optarg, "en") != 0 && strcmp(optarg, "zh-CN") != 0)
                return cli_usage_error("load", "--lang is en or zh-CN");
            a->lang = optarg;
            break;
        case 'T':
            if (!cli_parse_u64(optarg, 0, 1000000, &u))
                return cli_usage_error("load", "--stop: '%s' is not an integer 0..1000000", optarg);
            a->stop = (uint32_t)u;
            a->stop_given = true;
            break;
        case 'b':
            if (!cli_parse_u64(optarg, 1, UINT64_MAX, &u))
                return cli_usage_error("load", "--budget: '%s' is not a positive integer", optarg);
            a->opt.budget = u;
            break;
        case 'S':
            if (!strcmp(optarg, "full"))
                a->opt.support = BX_LOAD_SUPPORT_FULL;
            else if (!strcmp(optarg, "none"))
                a->opt.support = BX_LOAD_SUPPORT_NONE;
            else
                return cli_usage_error("load", "--support: '%s' is not full or none", optarg);
            break;
        case 'f':
            if (bx_pack_format_parse(optarg, &a->format) != BX_OK)
                return cli_usage_error("load", "--format: '%s' is not table, csv, json or cbor", optarg);
            a->format_given = true;
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'F':
            a->factors = optarg;
            break;
        case 's':
            a->svg_dir = optarg;
            break;
        case 'k':
            a->svg_steps = true;
            break;
        case 'C':
            a->check = true;
            break;
        case 'h':
            load_help();
            return -1;
        default:
            return cli_usage_error("load", "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error("load", "unexpected argument '%s'", argv[optind]);
    if (a->parcels && a->packed)
        return cli_usage_error("load", "--parcels and --packed exclude each other: give one");
    if (!a->parcels == !a->packed || !a->vehicles)
        return cli_usage_error("load", "--vehicles and one of --parcels or --packed are required");
    if ((a->stop_given || a->stops) && !a->packed)
        return cli_usage_error("load", "--stop and --stops go with --packed");
    if (a->svg_steps && !a->svg_dir)
        return cli_usage_error("load", "--svg-steps needs --svg DIR");
    if (!a->format_given && a->output) {
        const char *dot = strrchr(a->output, '.');
        if (dot && bx_pack_format_parse(dot + 1, &a->format) != BX_OK)
            a->format = BX_PACK_TABLE;
    }
    return 0;
}

static bx_status write_to(bx_ctx *ctx, const char *path, bool *printed,
                          bx_status (*fn)(void *arg, bx_write_fn write, void *ud), void *arg)
{
    cli_sink s;
    bx_status st = cli_sink_open(ctx, &s, path);
    if (st != BX_OK)
        return st;
    st = fn(arg, s.write, s.ud);
    if (st == BX_OK)
        st = cli_sink_commit(&s, "load", printed);
    else
        cli_sink_abort(&s);
    return st;
}

typedef struct job {
    bx_ctx *ctx;
    const load_args *a;
    const bx_load_input *pin, *vin;
    const bx_load_plan *plan;
    size_t vehicle;
    uint32_t step;
} job;

static bx_status job_plan(void *arg, bx_write_fn write, void *ud)
{
    job *j = arg;
    return bx_load_write_lang(j->ctx, j->a->format, j->a->lang, j->pin->parcels, j->pin->nparcels, j->vin->vehicles,
                         j->vin->nvehicles, j->plan, write, ud);
}

static bx_status job_factors(void *arg, bx_write_fn write, void *ud)
{
    job *j = arg;
    return bx_load_write_factors(j->ctx, j->vin->vehicles, j->vin->nvehicles, j->plan, write, ud);
}

static bx_status job_svg(void *arg, bx_write_fn write, void *ud)
{
    job *j = arg;
    return bx_load_svg_lang(j->ctx, j->a->lang, j->pin->parcels, j->pin->nparcels, j->vin->vehicles, j->vin->nvehicles,
                       j->plan, j->vehicle, j->step, write, ud);
}

static bx_status write_svgs(job *j, bool *printed)
{
    const char *dir = j->a->svg_dir;
    struct stat sb;
    if (!(mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))) {
        fprintf(stderr, "boxcar load: --svg %s: %s\n", dir, errno == EEXIST ? "not a directory" : strerror(errno));
        *printed = true;
        return BX_EIO;
    }
    for (size_t k = 0; k < j->plan->nvehicles; k++) {
        uint32_t last = j->a->svg_steps ? j->plan->vehicles[k].nsteps : 0;
        for (uint32_t s = 0; s <= last; s++) {
            char path[4096];
            int n = s ? snprintf(path, sizeof path, "%s/vehicle-%zu-step-%u.svg", dir, k + 1, s)
                      : snprintf(path, sizeof path, "%s/vehicle-%zu.svg", dir, k + 1);
            if (n < 0 || (size_t)n >= sizeof path) {
                fprintf(stderr, "boxcar load: --svg: directory name too long\n");
                *printed = true;
                return BX_EINVAL;
            }
            j->vehicle = k;
            j->step = s;
            bx_status st = write_to(j->ctx, path, printed, job_svg, j);
            if (st != BX_OK)
                return st;
        }
    }
    return BX_OK;
}

int cmd_load(int argc, char **argv)
{
    load_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (a.format == BX_PACK_CBOR && !a.output && isatty(1))
        return cli_usage_error("load", "cbor output needs -o FILE when standard output is a terminal");
    cli_diags cd = {0, 0, 20};
    bx_ctx *ctx = cli_ctx_new(&cd);
    bx_load_input pin = {0}, vin = {0};
    bx_load_plan plan = {0};
    bool printed = false;
    bx_status st = a.packed ? bx_load_read_packed(ctx, a.packed, a.stop, &pin)
                            : bx_load_read_parcels(ctx, a.parcels, &pin);
    if (st == BX_OK && a.stops)
        st = bx_load_read_stops(ctx, a.stops, &pin);
    if (st == BX_OK)
        st = bx_load_read_vehicles(ctx, a.vehicles, &vin);
    if (st == BX_OK)
        st = bx_load_plan_make(ctx, pin.parcels, pin.nparcels, vin.vehicles, vin.nvehicles, &a.opt, &plan);
    if (st == BX_OK && a.check &&
        bx_load_plan_check(ctx, pin.parcels, pin.nparcels, vin.vehicles, vin.nvehicles, a.opt.support,
                           &plan) != BX_OK) {
        fprintf(stderr, "boxcar load: --check: the plan is wrong: %s\n", bx_ctx_errmsg(ctx));
        printed = true;
        st = BX_EINTERNAL;
    }
    job j = {ctx, &a, &pin, &vin, &plan, 0, 0};
    if (st == BX_OK && a.factors)
        st = write_to(ctx, a.factors, &printed, job_factors, &j);
    if (st == BX_OK && a.svg_dir)
        st = write_svgs(&j, &printed);
    if (st == BX_OK)
        st = write_to(ctx, a.output, &printed, job_plan, &j);
    cli_diag_flush(&cd);
    rc = st == BX_OK ? EXIT_OK : printed ? cli_exit_code(st) : cli_fail(ctx, st);
    if (st == BX_OK && plan.nunplaced)
        fprintf(stderr, "boxcar load: %zu of %zu parcels not loaded (reasons in the output)\n",
                plan.nunplaced, pin.nparcels);
    bx_load_plan_free(ctx, &plan);
    bx_load_input_free(ctx, &pin);
    bx_load_input_free(ctx, &vin);
    bx_ctx_free(ctx);
    return rc;
}
