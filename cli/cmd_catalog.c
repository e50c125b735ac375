/*
 * cmd_catalog.c: `boxcar catalog design`: which N box sizes to stock,
 * designed from an order history (boxcar/design.h), evaluated by repacking
 * the history and compared with the current catalog.
 *
 * The packaging CO2e is worked out here, not in the packing library (which
 * may not use the carbon module): board kg x the factor set's cradle-to-
 * gate factor for corrugated board, plus its end of life where the set
 * has one.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void design_help(void)
{
    printf(
        "usage: boxcar catalog design --orders FILE [--sizes N|A..B] [--catalog FILE]\n"
        "                             [--add K] [--keep FILE] [--rotation R] [--min LxWxH]\n"
        "                             [--max LxWxH] [--step MM] [--allowance LxWxH]\n"
        "                             [--grammage G] [--max-weight G] [--objective OBJ]\n"
        "                             [--cost-per-box X] [--cost-per-m2 X] [--factors SET]\n"
        "                             [--policy FILE [--param K=V]...] [--holdout PCT]\n"
        "                             [--budget N] [--pack-budget N] [--support stable|none]\n"
        "                             [-o CATALOG] [--summary FILE.csv]\n"
        "\n"
        "Design N box sizes from the orders of FILE (any order file): every box a\n"
        "made-to-measure machine would cut for them is a need, and the N sizes are\n"
        "chosen so that each need has a size that holds it and the objective summed\n"
        "over the boxes is least. The history is then repacked into the designed\n"
        "sizes (and into --catalog, the current catalog, for comparison) and the\n"
        "figures printed: boxes, inner m3, board m2 and kg (FEFCO 0201), packaging kg\n"
        "CO2e, the share of boxes passing --policy, and the boxes per size.\n"
        "\n"
        "  --sizes N|A..B     sizes in the set (default 12); A..B draws the curve\n"
        "  --catalog FILE     the current catalog, to compare with\n"
        "  --add K            keep every size of --catalog and add K\n"
        "  --keep FILE        sizes that must stay (a catalog; counted in N)\n"
        "  --rotation R       any, upright or fixed for every line (default: each\n"
        "                     line's own rule)\n"
        "  --min, --max LxWxH smallest and largest inner size (default 1x1x1, 1000x1000x1000)\n"
        "  --step MM          sizes are multiples of MM (default 5)\n"
        "  --allowance LxWxH  outer - inner (default 6x6x12)\n"
        "  --grammage G       the board's g/m2 (default 440)\n"
        "  --max-weight G     gross limit of each designed size (default 30000)\n"
        "  --objective OBJ    board-area (default), board-mass, volume, void, cost, co2e,\n"
        "                     compliance (fewest boxes over --void-max, then board)\n"
        "  --void-max X       compliance: the void ratio limit (default the policy's\n"
        "                     --param void_max, else 0.40 as gb45186's); --void-k K\n"
        "                     its coefficient (default --param k, else 1)\n"
        "  --cost-per-box X, --cost-per-m2 X   the cost model of a size\n"
        "  --factors SET      factor set for packaging CO2e (default cn-2023)\n"
        "  --policy FILE      count the boxes that pass it (e.g. gb45186); --param K=V\n"
        "  --holdout PCT      design on the other orders, report on PCT %% of them\n"
        "                     (spread evenly through the file)\n"
        "  --budget N         work for the size search (default 200000000 checks)\n"
        "  --pack-budget N    bx_pack work per order (default the engine's)\n"
        "  -o CATALOG         write the designed catalog (any format by extension)\n"
        "  --summary FILE     the figures as CSV (a source for a report script)\n"
        "\n"
        "Exit: 0 ok, 1 runtime failure, 2 usage, 3 bad input (an item larger than\n"
        "--max, an empty history, a bad catalog or order file).\n");
}

static void catalog_help(void)
{
    printf("usage: boxcar catalog design ...   (boxcar catalog design --help)\n"
           "\n"
           "Box catalogs: design the set of sizes to stock from an order history.\n");
}

static bool parse_dims(const char *s, int32_t out[3])
{
    char *end;
    for (int a = 0; a < 3; a++) {
        long v = strtol(s, &end, 10);
        if (end == s || v < 0 || v > BX_MAX_LENGTH_MM)
            return false;
        out[a] = (int32_t)v;
        if (a < 2) {
            if (*end != 'x' && *end != 'X')
                return false;
            s = end + 1;
        }
    }
    return *end == '\0';
}

static bool parse_real(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v) || v < 0)
        return false;
    *out = v;
    return true;
}

typedef struct design_args {
    const char *orders, *current, *keep, *out, *summary, *factors;
    uint32_t n_lo, n_hi, add;
    bool add_given;
    uint32_t holdout_pct;
    bx_design_options o;
    cli_policy_args policy;
} design_args;

static int parse_args(int argc, char **argv, design_args *a)
{
    static const struct option opts[] = {
        {"orders", required_argument, NULL, 'O'},
        {"catalog", required_argument, NULL, 'c'},
        {"sizes", required_argument, NULL, 'n'},
        {"add", required_argument, NULL, 'A'},
        {"keep", required_argument, NULL, 'k'},
        {"rotation", required_argument, NULL, 'r'},
        {"min", required_argument, NULL, 'm'},
        {"max", required_argument, NULL, 'M'},
        {"step", required_argument, NULL, 's'},
        {"allowance", required_argument, NULL, 'a'},
        {"grammage", required_argument, NULL, 'g'},
        {"max-weight", required_argument, NULL, 'W'},
        {"objective", required_argument, NULL, 'j'},
        {"cost-per-box", required_argument, NULL, 'B'},
        {"void-max", required_argument, NULL, 'V'},
        {"void-k", required_argument, NULL, 'Q'},
        {"cost-per-m2", required_argument, NULL, 'C'},
        {"factors", required_argument, NULL, 'f'},
        {"policy", required_argument, NULL, 'p'},
        {"param", required_argument, NULL, 'K'},
        {"holdout", required_argument, NULL, 'H'},
        {"budget", required_argument, NULL, 'b'},
        {"pack-budget", required_argument, NULL, 'P'},
        {"support", required_argument, NULL, 'S'},
        {"output", required_argument, NULL, 'o'},
        {"summary", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "catalog design";
    bx_design_options_init(&a->o);
    a->n_lo = a->n_hi = 12;
    a->factors = "cn-2023";
    a->policy.limits = cli_script_limits_default();
    uint64_t u;
    int c;
    bool void_max_given = false, void_k_given = false;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'O': a->orders = optarg; break;
        case 'c': a->current = optarg; break;
        case 'k': a->keep = optarg; break;
        case 'o': a->out = optarg; break;
        case 'y': a->summary = optarg; break;
        case 'f': a->factors = optarg; break;
        case 'p': a->policy.path = optarg; break;
        case 'K':
            if (a->policy.nparams == CLI_MAX_PARAMS)
                return cli_usage_error(cmd, "at most %d --param", CLI_MAX_PARAMS);
            a->policy.params[a->policy.nparams++] = optarg;
            break;
        case 'n': {
            const char *dots = strstr(optarg, "..");
            uint64_t lo, hi;
            if (dots != NULL) {
                char buf[32];
                size_t len = (size_t)(dots - optarg);
                if (len >= sizeof buf)
                    return cli_usage_error(cmd, "--sizes: N or A..B");
                memcpy(buf, optarg, len);
                buf[len] = '\0';
                if (!cli_parse_u64(buf, 1, BX_DESIGN_MAX_SIZES, &lo) ||
                    !cli_parse_u64(dots + 2, lo, BX_DESIGN_MAX_SIZES, &hi))
                    return cli_usage_error(cmd, "--sizes: A..B with 1 <= A <= B <= %d",
                                           BX_DESIGN_MAX_SIZES);
            } else {
                if (!cli_parse_u64(optarg, 1, BX_DESIGN_MAX_SIZES, &lo))
                    return cli_usage_error(cmd, "--sizes: 1..%d", BX_DESIGN_MAX_SIZES);
                hi = lo;
            }
            a->n_lo = (uint32_t)lo;
            a->n_hi = (uint32_t)hi;
            break;
        }
        case 'A':
            if (!cli_parse_u64(optarg, 0, BX_DESIGN_MAX_SIZES, &u))
                return cli_usage_error(cmd, "--add: 0..%d", BX_DESIGN_MAX_SIZES);
            a->add = (uint32_t)u;
            a->add_given = true;
            break;
        case 'r': {
            bx_rotation r;
            if (bx_rotation_parse(optarg, &r) != BX_OK)
                return cli_usage_error(cmd, "--rotation: any, upright or fixed");
            a->o.rotation_override = (int)r;
            break;
        }
        case 'm':
            if (!parse_dims(optarg, a->o.min_mm))
                return cli_usage_error(cmd, "--min: LxWxH in mm, e.g. 100x80x20");
            break;
        case 'M':
            if (!parse_dims(optarg, a->o.max_mm))
                return cli_usage_error(cmd, "--max: LxWxH in mm, e.g. 600x400x400");
            break;
        case 'a':
            if (!parse_dims(optarg, a->o.allowance_mm))
                return cli_usage_error(cmd, "--allowance: LxWxH in mm, e.g. 6x6x12");
            break;
        case 's':
            /* 0 is passed on: the library names the cause */
            if (!cli_parse_u64(optarg, 0, 1000000, &u))
                return cli_usage_error(cmd, "--step: a whole number of mm");
            a->o.step_mm = (int32_t)u;
            break;
        case 'g':
            if (!cli_parse_u64(optarg, 0, 1000000, &u))
                return cli_usage_error(cmd, "--grammage: g/m2, a whole number");
            a->o.grammage_g_m2 = (int32_t)u;
            break;
        case 'W':
            if (!cli_parse_u64(optarg, 0, (uint64_t)BX_MAX_MASS_G, &u))
                return cli_usage_error(cmd, "--max-weight: grams");
            a->o.max_weight_g = (int64_t)u;
            break;
        case 'j':
            if (bx_design_objective_parse(optarg, &a->o.objective) != BX_OK)
                return cli_usage_error(cmd, "--objective: board-area, board-mass, volume, "
                                            "void, cost, co2e or compliance");
            break;
        case 'V':
            if (!parse_real(optarg, &a->o.void_max) || a->o.void_max > 1)
                return cli_usage_error(cmd, "--void-max: a ratio 0..1");
            void_max_given = true;
            break;
        case 'Q':
            if (!parse_real(optarg, &a->o.void_k) || !(a->o.void_k > 0 && a->o.void_k <= 10))
                return cli_usage_error(cmd, "--void-k: a coefficient above 0, at most 10");
            void_k_given = true;
            break;
        case 'B':
            if (!parse_real(optarg, &a->o.cost_per_box))
                return cli_usage_error(cmd, "--cost-per-box: a number >= 0");
            break;
        case 'C':
            if (!parse_real(optarg, &a->o.cost_per_m2))
                return cli_usage_error(cmd, "--cost-per-m2: a number >= 0");
            break;
        case 'H':
            if (!cli_parse_u64(optarg, 1, 90, &u))
                return cli_usage_error(cmd, "--holdout: a share of 1..90 %%");
            a->holdout_pct = (uint32_t)u;
            break;
        case 'b':
            if (!cli_parse_u64(optarg, 1, UINT64_MAX, &a->o.budget))
                return cli_usage_error(cmd, "--budget: a positive whole number");
            break;
        case 'P':
            if (!cli_parse_u64(optarg, 1, UINT64_MAX, &a->o.pack_budget))
                return cli_usage_error(cmd, "--pack-budget: a positive whole number");
            break;
        case 'S':
            if (bx_support_parse(optarg, &a->o.support) != BX_OK)
                return cli_usage_error(cmd, "--support: stable or none");
            break;
        case 'h':
            design_help();
            return -1;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (a->orders == NULL)
        return cli_usage_error(cmd, "--orders FILE is required");
    if (a->add_given && a->current == NULL)
        return cli_usage_error(cmd, "--add needs --catalog (the sizes it adds to)");
    if (a->add_given && a->keep != NULL)
        return cli_usage_error(cmd, "--add keeps --catalog's sizes; --keep goes without it");
    if (a->policy.nparams > 0 && a->policy.path == NULL)
        return cli_usage_error(cmd, "--param needs --policy");
    /* the policy's void_max and k, when given to it, are the compliance
     * objective's too unless --void-max or --void-k says otherwise */
    for (size_t i = 0; i < a->policy.nparams; i++) {
        const char *p = a->policy.params[i];
        if (!void_max_given && strncmp(p, "void_max=", 9) == 0 &&
            (!parse_real(p + 9, &a->o.void_max) || a->o.void_max > 1))
            return cli_usage_error(cmd, "--param void_max: a ratio 0..1");
        if (!void_k_given && strncmp(p, "k=", 2) == 0 &&
            (!parse_real(p + 2, &a->o.void_k) || !(a->o.void_k > 0 && a->o.void_k <= 10)))
            return cli_usage_error(cmd, "--param k: a coefficient above 0, at most 10");
    }
    return 0;
}

/* g CO2e per kg of corrugated board in the factor set (cradle to gate plus
 * end of life where the set has one). */
static bx_status board_factor(bx_ctx *ctx, const char *set, double *g_per_kg, char *id,
                              size_t idsize, bool *printed)
{
    char buf[4096];
    const char *path = cli_factor_set_path(set, buf, sizeof buf);
    if (path == NULL) {
        fprintf(stderr, "boxcar catalog design: no factor set '%s'\n", set);
        *printed = true;
        return BX_ENOTFOUND;
    }
    bx_factor_set *fs = NULL;
    bx_status st = bx_factor_set_load(ctx, &fs, path);
    if (st != BX_OK)
        return st;
    const bx_factor *m = bx_factor_set_find(fs, BX_FACTOR_MATERIAL, "corrugated");
    if (m == NULL) {
        fprintf(stderr, "boxcar catalog design: factor set '%s' has no material row "
                        "'corrugated'\n", set);
        bx_factor_set_free(fs);
        *printed = true;
        return BX_EINPUT;
    }
    double g = bx_factor_wtw_g(fs, m);
    const bx_factor *eol = bx_factor_set_find(fs, BX_FACTOR_EOL, "corrugated");
    if (eol != NULL && isfinite(bx_factor_wtw_g(fs, eol)))
        g += bx_factor_wtw_g(fs, eol);
    *g_per_kg = g * 1000.0;
    bx_factor_set_info info = bx_factor_set_info_get(fs);
    snprintf(id, idsize, "%s %s", info.id ? info.id : set, info.version ? info.version : "");
    bx_factor_set_free(fs);
    return BX_OK;
}

typedef struct evaluated {
    const char *name;
    const bx_catalog *cat;
    uint32_t n_sizes;
    double model;          /* the design's objective; NaN for the current */
    bx_design_eval e;
    uint64_t *usage;
} evaluated;

static bx_status evaluate(bx_ctx *ctx, bx_design *d, const design_args *a, evaluated *ev,
                          bool held_out, bool *printed)
{
    bx_policy *p = NULL;
    bx_status st = BX_OK;
    if (a->policy.path != NULL)
        st = cli_policy_open(ctx, &a->policy, ev->cat, &p, printed);
    size_t n = bx_catalog_count(ev->cat);
    ev->usage = calloc(n ? n : 1, sizeof *ev->usage);
    if (ev->usage == NULL && st == BX_OK)
        st = BX_ENOMEM;
    if (st == BX_OK)
        st = bx_design_evaluate(d, ev->cat, p, held_out, &ev->e, ev->usage);
    bx_policy_free(p);
    return st;
}

static void print_row(const evaluated *ev, const design_args *a, double g_per_kg)
{
    const bx_design_eval *e = &ev->e;
    printf("%-10s %5u %7llu %7llu %9.3f %9.2f %9.2f %10.2f", ev->name, ev->n_sizes,
           (unsigned long long)e->orders, (unsigned long long)e->boxes, e->inner_m3,
           e->board_m2, e->board_kg, e->board_kg * g_per_kg * 1e-3);
    if (a->policy.path != NULL)
        printf(" %7.1f", e->boxes ? 100.0 * (double)e->boxes_passing / (double)e->boxes : 0.0);
    else
        printf(" %7s", "-");
    printf(" %8llu\n", (unsigned long long)e->units_unpacked);
}

static void print_head(void)
{
    printf("%-10s %5s %7s %7s %9s %9s %9s %10s %7s %8s\n", "catalog", "sizes", "orders",
           "boxes", "inner_m3", "board_m2", "board_kg", "kg_co2e", "pass_%", "unpacked");
}

static void print_usage_table(const evaluated *ev)
{
    printf("  boxes per size (%s):", ev->name);
    size_t n = bx_catalog_count(ev->cat);
    for (size_t k = 0; k < n; k++) {
        const bx_box *b = bx_catalog_box(ev->cat, k);
        printf("%s %s %dx%dx%d: %llu", k ? "," : "", b->box_id, b->inner_l_mm, b->inner_w_mm,
               b->inner_h_mm, (unsigned long long)ev->usage[k]);
    }
    printf("\n");
}

static bx_status write_summary(bx_ctx *ctx, const char *path, const evaluated *evs, size_t n,
                               double g_per_kg, const design_args *a, bool *printed)
{
    cli_sink s;
    bx_status st = cli_sink_open(ctx, &s, path);
    if (st != BX_OK)
        return st;
    char buf[512];
    int len = snprintf(buf, sizeof buf,
                       "catalog,sizes,orders,boxes,inner_m3,board_m2,board_kg,kg_co2e,"
                       "pass_pct,units_unpacked,size_id,inner_l_mm,inner_w_mm,inner_h_mm,"
                       "size_boxes\n");
    st = s.write(s.ud, buf, (size_t)len) == 0 ? BX_OK : BX_EIO;
    for (size_t i = 0; i < n && st == BX_OK; i++) {
        const evaluated *ev = &evs[i];
        const bx_design_eval *e = &ev->e;
        char pass[32] = "";
        if (a->policy.path != NULL)
            snprintf(pass, sizeof pass, "%.1f",
                     e->boxes ? 100.0 * (double)e->boxes_passing / (double)e->boxes : 0.0);
        size_t nb = bx_catalog_count(ev->cat);
        for (size_t k = 0; k < nb && st == BX_OK; k++) {
            const bx_box *b = bx_catalog_box(ev->cat, k);
            len = snprintf(buf, sizeof buf,
                           "%s,%u,%llu,%llu,%.6f,%.4f,%.4f,%.4f,%s,%llu,\"%s\",%d,%d,%d,%llu\n",
                           ev->name, ev->n_sizes, (unsigned long long)e->orders,
                           (unsigned long long)e->boxes, e->inner_m3, e->board_m2, e->board_kg,
                           e->board_kg * g_per_kg * 1e-3, pass,
                           (unsigned long long)e->units_unpacked, b->box_id, b->inner_l_mm,
                           b->inner_w_mm, b->inner_h_mm, (unsigned long long)ev->usage[k]);
            if (len < 0 || (size_t)len >= sizeof buf || s.write(s.ud, buf, (size_t)len) != 0)
                st = BX_EIO;
        }
    }
    if (st != BX_OK) {
        cli_sink_abort(&s);
        return st;
    }
    return cli_sink_commit(&s, "catalog design", printed);
}

static bx_status write_catalog(bx_ctx *ctx, const char *path, const bx_catalog *cat,
                               bool *printed)
{
    bx_format fmt = bx_format_from_path(path);
    if (fmt == BX_FORMAT_AUTO)
        fmt = BX_FORMAT_CSV;
    cli_sink s;
    bx_status st = cli_sink_open(ctx, &s, path);
    if (st != BX_OK)
        return st;
    bx_writer *w = NULL;
    size_t n = bx_catalog_count(cat);
    st = bx_writer_open(ctx, &w, BX_RECORD_BOX, fmt, s.write, s.ud, n);
    for (size_t k = 0; k < n && st == BX_OK; k++)
        st = bx_writer_put(w, bx_catalog_box(cat, k));
    bx_status cst = bx_writer_close(w);
    if (st == BX_OK)
        st = cst;
    if (st != BX_OK) {
        cli_sink_abort(&s);
        return st;
    }
    return cli_sink_commit(&s, "catalog design", printed);
}

static int design(int argc, char **argv)
{
    design_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    cli_diags cd = {0, 0, 20};
    bx_ctx *ctx = cli_ctx_new(&cd);
    bx_catalog *current = NULL, *keep = NULL, *designed = NULL;
    bx_design *d = NULL;
    bx_order_reader *rd = NULL;
    evaluated *evs = NULL;
    size_t nevs = 0;
    bool printed = false;
    double g_per_kg = 0;
    char set_id[160] = "";
    bx_status st = board_factor(ctx, a.factors, &g_per_kg, set_id, sizeof set_id, &printed);
    if (st == BX_OK && a.o.objective == BX_DESIGN_CO2E)
        a.o.co2e_g_per_kg = g_per_kg;
    if (st == BX_OK && a.current != NULL)
        st = bx_catalog_load(ctx, &current, a.current, BX_FORMAT_AUTO);
    if (st == BX_OK && a.keep != NULL)
        st = bx_catalog_load(ctx, &keep, a.keep, BX_FORMAT_AUTO);
    uint32_t nkeep = 0;
    if (st == BX_OK && a.add_given) {
        a.o.keep = current;
        nkeep = (uint32_t)bx_catalog_count(current);
        if (nkeep + a.add > BX_DESIGN_MAX_SIZES) {
            fprintf(stderr, "boxcar catalog design: %u sizes kept + %u added is over %d\n",
                    nkeep, a.add, BX_DESIGN_MAX_SIZES);
            printed = true;
            st = BX_EINPUT;
        }
        a.n_lo = a.n_hi = nkeep + a.add;
    } else if (st == BX_OK && keep != NULL) {
        a.o.keep = keep;
    }
    if (st == BX_OK)
        st = bx_design_new(ctx, &d, &a.o);
    if (st == BX_OK)
        st = bx_order_reader_open(ctx, &rd, a.orders, BX_FORMAT_AUTO);
    uint64_t i = 0, bad = 0;
    bx_order_batch batch;
    while (st == BX_OK && (st = bx_order_reader_next(rd, &batch)) == BX_OK) {
        if (batch.failed) {
            bad++;
            continue;
        }
        bool held = a.holdout_pct > 0 &&
                    (i + 1) * a.holdout_pct / 100 != i * a.holdout_pct / 100;
        i++;
        bx_order order = {batch.lines, batch.nlines};
        st = bx_design_add_order(d, &order, held);
    }
    if (st == BX_END)
        st = bad > 0 ? BX_EINPUT : BX_OK;
    bx_order_reader_close(rd);
    if (st == BX_OK) {
        printf("boxcar catalog design: %zu orders (%zu held out), %zu distinct needs; "
               "objective %s; packaging CO2e from %s (corrugated, %.0f g CO2e/kg)\n",
               bx_design_orders(d, false), bx_design_orders(d, true), bx_design_needs(d),
               bx_design_objective_name(a.o.objective), set_id, g_per_kg);
        evs = calloc((size_t)(a.n_hi - a.n_lo + 2), sizeof *evs);
        if (evs == NULL)
            st = BX_ENOMEM;
    }
    bool held = a.holdout_pct > 0;
    if (st == BX_OK && current != NULL) {
        evs[nevs] = (evaluated){.name = "current", .cat = current,
                                .n_sizes = (uint32_t)bx_catalog_count(current), .model = NAN};
        st = evaluate(ctx, d, &a, &evs[nevs], held, &printed);
        nevs += st == BX_OK;
    }
    for (uint32_t n = a.n_lo; n <= a.n_hi && st == BX_OK; n++) {
        bx_catalog *cat = NULL;
        double model = 0;
        st = bx_design_run(d, n, &cat, &model);
        if (st != BX_OK)
            break;
        if (n == a.n_hi)
            designed = cat;
        evs[nevs] = (evaluated){.name = "designed", .cat = cat,
                                .n_sizes = (uint32_t)bx_catalog_count(cat), .model = model};
        st = evaluate(ctx, d, &a, &evs[nevs], held, &printed);
        nevs++;
    }
    if (st == BX_OK) {
        printf("figures on the %s orders (%s):\n", held ? "held-out" : "design",
               held ? "not used to choose the sizes" : "the sizes were chosen on them");
        print_head();
        for (size_t k = 0; k < nevs; k++)
            print_row(&evs[k], &a, g_per_kg);
        for (size_t k = 0; k < nevs; k++)
            if (evs[k].cat == current || evs[k].cat == designed)
                print_usage_table(&evs[k]);
    }
    if (st == BX_OK && a.summary != NULL)
        st = write_summary(ctx, a.summary, evs, nevs, g_per_kg, &a, &printed);
    if (st == BX_OK && a.out != NULL && designed != NULL)
        st = write_catalog(ctx, a.out, designed, &printed);
    int code = EXIT_OK;
    if (st != BX_OK)
        code = printed ? cli_exit_code(st) : cli_fail(ctx, st);
    cli_diag_flush(&cd);
    for (size_t k = 0; k < nevs; k++) {
        free(evs[k].usage);
        if (evs[k].cat != current)
            bx_catalog_free((bx_catalog *)evs[k].cat);
    }
    free(evs);
    bx_design_free(d);
    bx_catalog_free(current);
    bx_catalog_free(keep);
    bx_ctx_free(ctx);
    return code;
}

int cmd_catalog(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        catalog_help();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "design") == 0)
        return design(argc - 1, argv + 1);
    return cli_usage_error("catalog", "unknown subcommand '%s' (design)", argv[1]);
}
