/*
 * cmd_merge.c: `boxcar merge`: add up totals files written by
 * `boxcar carbon --totals`, exactly.
 *
 * Totals are integer milligrams, so the merged file is the same bytes
 * whatever the order of the inputs, and the same as one run over all the
 * shipments. Files of different factor sets or versions are refused.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "merge_draws.h"

static void merge_help(void)
{
    printf("usage: boxcar merge [-o FILE] [--by all|route|month|mode|packaging]\n"
           "                    [--format table|csv|json|cbor] [--draws FILE]\n"
           "                    TOTALS... [DRAWS...]\n"
           "\n"
           "Sum totals files of 'boxcar carbon --totals' (shards of one batch). With\n"
           "-o, write the merged totals there (same format, mergeable again); with\n"
           "--by, print them by that group (default: all, as a table; json and cbor\n"
           "give the rows with their integer mg, as 'boxcar carbon'). Every file is\n"
           "checked: its factor set and version must match the others', each total\n"
           "must equal the sum of its parts, and no key may appear twice.\n"
           "\n"
           "Files of 'boxcar carbon --uncertainty N --draws FILE' (their header starts\n"
           "with 'draw') are added draw by draw: the summary gives the interval of the\n"
           "run's total, the single run's, and --draws FILE writes the merged draws.\n"
           "They must share the number of draws, the seed, the factor set and the\n"
           "group (carbon --by), and cover the shipments of the totals. --by that\n"
           "group prints each key's interval too, the single run's.\n"
           "\n"
           "Exit: 0 ok, 3 a file is not valid totals or mixes factor sets, 1 runtime\n"
           "      failure, 2 usage error.\n");
}

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"by", required_argument, NULL, 'b'},
        {"format", required_argument, NULL, 'F'},
        {"draws", required_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL, *draws_out = NULL;
    bx_totals_group by = BX_BY_ALL;
    bool by_given = false;
    bx_carbon_format format = BX_CARBON_TABLE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'b':
            if (bx_totals_group_parse(optarg, &by) != BX_OK)
                return cli_usage_error("merge", "--by is all, route, month, mode or "
                                                "packaging, not '%s'", optarg);
            by_given = true;
            break;
        case 'F':
            if (bx_carbon_format_parse(optarg, &format) != BX_OK)
                return cli_usage_error("merge", "--format is table, csv, json or cbor, "
                                                "not '%s'", optarg);
            break;
        case 'W':
            draws_out = optarg;
            break;
        case 'h':
            merge_help();
            return EXIT_OK;
        default:
            return cli_usage_error("merge", "bad option");
        }
    }
    if (optind == argc)
        return cli_usage_error("merge", "give at least one totals file");
    if (format == BX_CARBON_CBOR && (by_given || output == NULL) && isatty(STDOUT_FILENO))
        return cli_usage_error("merge", "--format cbor writes binary: redirect standard "
                                        "output");

    cli_diags cd = {0, 0, 50};
    bx_ctx *ctx = cli_ctx_new(&cd);
    bx_carbon_totals *t = NULL;
    bx_draw_totals *draws = NULL;
    int ndraws = 0;
    bx_status st = bx_carbon_totals_new(ctx, &t, "", "");
    if (st == BX_OK)
        st = bx_draw_totals_new(ctx, &draws);
    for (int i = optind; st == BX_OK && i < argc; i++) {
        bool is_draws = merge_draws_is(argv[i]);
        ndraws += is_draws;
        st = is_draws ? bx_draw_totals_read(draws, argv[i]) : bx_carbon_totals_read(t, argv[i]);
    }
    cli_diag_flush(&cd);
    if (st == BX_OK && (ndraws == argc - optind || (draws_out != NULL && ndraws == 0))) {
        bx_carbon_totals_free(t);
        bx_draw_totals_free(draws);
        bx_ctx_free(ctx);
        return cli_usage_error("merge", ndraws > 0 ? "give the totals files with the draws"
                                                   : "--draws: no draw totals among the files");
    }
    bool draws_bad = st == BX_OK && ndraws > 0 && !merge_draws_match(draws, t);
    /* the merged file, then the table by group on standard output */
    cli_sink out = {0}, table = {0};
    cli_sink draws_sink = {0};
    bool printed = false;
    if (st == BX_OK && draws_bad)
        st = BX_EINPUT;
    if (st == BX_OK && draws_out != NULL)
        st = cli_sink_open(ctx, &draws_sink, draws_out);
    if (st == BX_OK && draws_out != NULL)
        st = bx_draw_totals_write(draws, draws_sink.write, draws_sink.ud);
    if (st == BX_OK && output != NULL)
        st = cli_sink_open(ctx, &out, output);
    if (st == BX_OK && output != NULL)
        st = bx_carbon_totals_write(t, out.write, out.ud);
    if (st == BX_OK)
        st = cli_sink_commit(&out, "merge", &printed);
    if (st == BX_OK)
        st = cli_sink_commit(&draws_sink, "merge", &printed);
    if (st == BX_OK && (by_given || output == NULL))
        st = cli_sink_open(ctx, &table, NULL);
    /* the intervals of the group's keys, when the draws were kept by it */
    bx_uncertainty *intervals = NULL;
    bx_totals_group draws_by = bx_draw_totals_info_get(draws).by;
    if (st == BX_OK && table.write != NULL && ndraws > 0 && by != BX_BY_ALL) {
        if (draws_by == by)
            st = bx_uncertainty_from_draws(ctx, draws, &intervals);
        else
            fprintf(stderr, "boxcar merge: the draws were kept %s%s: no intervals by %s\n",
                    draws_by == BX_BY_ALL ? "for the run's total only" : "by ",
                    draws_by == BX_BY_ALL ? "" : bx_totals_group_name(draws_by),
                    bx_totals_group_name(by));
    }
    if (st == BX_OK && table.write != NULL)
        st = bx_carbon_totals_write_group(t, format, by, intervals, table.write, table.ud);
    bx_uncertainty_free(intervals);
    if (st == BX_OK)
        st = cli_sink_commit(&table, "merge", &printed);
    cli_sink_abort(&out);
    cli_sink_abort(&draws_sink);
    int code = EXIT_OK;
    if (printed)
        code = EXIT_FAILURE_RUNTIME;
    else if (draws_bad)
        code = EXIT_BAD_INPUT; /* merge_draws_match said why */
    else if (st == BX_OK) {
        fprintf(stderr, "boxcar merge: %d file%s, factor set %s %s, %" PRIu64
                        " rows excluded in all\n",
                argc - optind, argc - optind == 1 ? "" : "s", bx_carbon_totals_set_id(t),
                bx_carbon_totals_set_version(t), bx_carbon_totals_excluded(t));
        if (ndraws > 0)
            merge_draws_summary(draws);
    } else
        code = cli_fail(ctx, st);
    bx_carbon_totals_free(t);
    bx_draw_totals_free(draws);
    bx_ctx_free(ctx);
    return code;
}
