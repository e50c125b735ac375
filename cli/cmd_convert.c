/*
 * cmd_convert.c: `boxcar convert IN -o OUT`: the same records in another
 * encoding. Two passes over the input: the first validates and counts (JSON
 * and CBOR outputs announce their length up front), the second writes, so
 * memory stays constant and bad input leaves no output behind.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


static void convert_help(void)
{
    printf("usage: boxcar convert [--kind catalog|orders|items|auto] [--from FMT] [--to FMT]\n"
           "                      -o OUT IN\n"
           "\n"
           "Write the records of IN (a catalog or order file) to OUT in another\n"
           "encoding: csv, json or cbor (default: from OUT's extension). CBOR output\n"
           "is deterministic. OUT is written whole or not at all.\n");
}

/* Read every record once: validate and count. */
static bx_status count_records(bx_ctx *ctx, const char *in, bx_record_kind *kind,
                               bx_format from, uint64_t *n)
{
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_file(ctx, &r, *kind, from, in, NULL);
    bx_status first = st;
    bx_record rec;
    *n = 0;
    while (st == BX_OK || (st == BX_EINPUT && bx_reader_recoverable(r))) {
        st = bx_reader_next(r, &rec);
        if (st == BX_OK)
            (*n)++;
        if (st != BX_OK && st != BX_END && first == BX_OK)
            first = st;
    }
    if (r != NULL)
        *kind = bx_reader_kind(r);
    bx_reader_close(r);
    return first;
}

static bx_status copy_records(bx_ctx *ctx, const char *in, bx_record_kind kind,
                              bx_format from, bx_writer *w)
{
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_file(ctx, &r, kind, from, in, NULL);
    union {
        bx_box box;
        bx_order_line line;
        bx_item item;
    } rec;
    while (st == BX_OK && (st = bx_reader_next(r, &rec)) == BX_OK)
        st = bx_writer_put(w, &rec);
    bx_reader_close(r);
    return st == BX_END ? BX_OK : st;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bx_record_kind kind = BX_RECORD_AUTO;
    bx_format from = BX_FORMAT_AUTO, to = BX_FORMAT_AUTO;
    const char *out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "k:f:t:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (parse_kind(optarg, &kind) != 0)
                return cli_usage_error("convert", "unknown kind '%s'", optarg);
            break;
        case 'f':
            if (bx_format_parse(optarg, &from) != BX_OK)
                return cli_usage_error("convert", "unknown format '%s': formats are auto, csv, "
                                       "json and cbor", optarg);
            break;
        case 't':
            if (bx_format_parse(optarg, &to) != BX_OK)
                return cli_usage_error("convert", "unknown format '%s': formats are auto, csv, "
                                       "json and cbor", optarg);
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            convert_help();
            return EXIT_OK;
        default:
            return cli_usage_error("convert", "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("convert", "give exactly one input file");
    if (out == NULL)
        return cli_usage_error("convert", "-o OUT is required");
    if (to == BX_FORMAT_AUTO)
        to = bx_format_from_path(out);
    if (to == BX_FORMAT_AUTO)
        return cli_usage_error("convert", "cannot tell the output format from '%s': use --to", out);
    const char *in = argv[optind];

    cli_diags cd = {0, 0, 50};
    bx_ctx *ctx = cli_ctx_new(&cd);
    uint64_t n = 0;
    bx_status st = count_records(ctx, in, &kind, from, &n);
    cli_diag_flush(&cd);
    bx_outfile *of = NULL;
    bx_writer *w = NULL;
    if (st == BX_OK)
        st = bx_outfile_open(ctx, &of, out);
    if (st == BX_OK)
        st = bx_writer_open(ctx, &w, kind, to, bx_outfile_write, of, n);
    if (st == BX_OK)
        st = copy_records(ctx, in, kind, from, w);
    if (st == BX_OK) {
        st = bx_writer_close(w);
        w = NULL;
    }
    if (st == BX_OK) {
        st = bx_outfile_commit(of);
        of = NULL;
    }
    bx_writer_abort(w);
    bx_outfile_abort(of);
    int code = EXIT_OK;
    if (st == BX_OK)
        fprintf(stderr, "boxcar: wrote %llu %s records to %s (%s)\n",
                (unsigned long long)n, kind == BX_RECORD_BOX    ? "box"
                                          : kind == BX_RECORD_ITEM ? "item"
                                                                   : "order line",
                out, bx_format_name(to));
    else
        code = cli_fail(ctx, st);
    bx_ctx_free(ctx);
    return code;
}
