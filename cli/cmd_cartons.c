/*
 * cmd_cartons.c: `boxcar cartons forecast`: how many cartons of each size
 * the coming days will use, for procurement, from the packing history: the
 * results `boxcar pack --format csv` wrote, one file per day.
 *
 * Each file's rows with a box_id are boxes used that day; a day between
 * the first and the last with no file counts as a day without packing.
 * The forecast and its backtest are the pool's daily forecast
 * (boxcar/forecast.h): each weekday's mean over the last weeks, against
 * the seasonal-naive forecast.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#if BOXCAR_HAVE_CBOR

#define MAX_FILES 4000

typedef struct size_series {
    char box_id[BX_ID_MAX];
    uint32_t *counts; /* per day from the first */
} size_series;

typedef struct history {
    int64_t first_day, ndays;
    size_series *sizes;
    size_t nsizes;
} history;

static void cartons_help(void)
{
    printf("usage: boxcar cartons forecast --packing DATE=FILE... [--days N]\n"
           "                               [--format table|csv]\n"
           "\n"
           "Forecast the cartons of each size the next days will use, from packing\n"
           "results (`boxcar pack --format csv`), one file per day: its rows with a\n"
           "box_id are the boxes used that day. A day between the first and the last\n"
           "without a file counts as a day without packing. Each weekday's mean over\n"
           "the last 8 weeks, with 80 %% intervals, and a rolling-origin backtest\n"
           "against the seasonal-naive forecast (MASE). At least 14 days are needed.\n"
           "\n"
           "  --packing DATE=FILE  the packing results of the day DATE (YYYY-MM-DD)\n"
           "  --days N             days ahead, from the day after the last (default 7)\n"
           "  --format table|csv   csv: box_id,date,mean,lo,hi\n"
           "\n"
           "Exit: 0 ok, 3 a file or the history is not usable, 1 a file could not be\n"
           "      read or another runtime failure, 2 usage.\n");
}

static void history_free(history *h)
{
    for (size_t i = 0; i < h->nsizes; i++)
        free(h->sizes[i].counts);
    free(h->sizes);
}

/* Count the boxes of one day's file into h (which spans every day). */
static int count_file(bx_ctx *ctx, history *h, int64_t day, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "boxcar: %s: %s\n", path, strerror(errno));
        return EXIT_FAILURE_RUNTIME;
    }
    bx_csv_reader *csv = NULL;
    bx_status st = bx_csv_open_file(ctx, &csv, path, fp, NULL);
    size_t col = SIZE_MAX;
    if (st == BX_OK && (st = bx_csv_next(csv)) == BX_OK)
        for (size_t i = 0; i < bx_csv_nfields(csv); i++)
            if (strcmp(bx_csv_field(csv, i, NULL), "box_id") == 0)
                col = i;
    int rc = EXIT_OK;
    if (st == BX_END) {
        fprintf(stderr, "error: %s: no header row\n", path);
        rc = EXIT_BAD_INPUT;
    } else if (st != BX_OK) {
        rc = cli_fail(ctx, st); /* an input error was printed as a diagnostic */
    } else if (col == SIZE_MAX) {
        fprintf(stderr, "error: %s: no box_id column: not packing results (boxcar pack "
                        "--format csv)\n", path);
        rc = EXIT_BAD_INPUT;
    }
    while (rc == EXIT_OK && (st = bx_csv_next(csv)) == BX_OK) {
        size_t n = 0;
        const char *id = col < bx_csv_nfields(csv) ? bx_csv_field(csv, col, &n) : "";
        if (n == 0)
            continue; /* an order that was not packed */
        if (n >= BX_ID_MAX) {
            fprintf(stderr, "error: %s:%" PRIu64 ": box_id longer than %d bytes\n", path,
                    bx_csv_line(csv), BX_ID_MAX - 1);
            rc = EXIT_BAD_INPUT;
            break;
        }
        size_t k = 0;
        while (k < h->nsizes && strcmp(h->sizes[k].box_id, id) != 0)
            k++;
        if (k == h->nsizes) {
            size_series *s = realloc(h->sizes, (k + 1) * sizeof *s);
            uint32_t *c = calloc((size_t)h->ndays, sizeof *c);
            if (s != NULL)
                h->sizes = s;
            if (s == NULL || c == NULL) {
                free(c);
                fprintf(stderr, "boxcar cartons: out of memory\n");
                rc = EXIT_FAILURE_RUNTIME;
                break;
            }
            memcpy(h->sizes[k].box_id, id, n + 1);
            h->sizes[k].counts = c;
            h->nsizes++;
        }
        h->sizes[k].counts[day - h->first_day]++;
    }
    if (rc == EXIT_OK && st != BX_END)
        rc = cli_fail(ctx, st);
    bx_csv_close(csv);
    fclose(fp);
    return rc;
}

static int cmp_size(const void *a, const void *b)
{
    return strcmp(((const size_series *)a)->box_id, ((const size_series *)b)->box_id);
}

static int forecast(int argc, char **argv)
{
    static const struct option opts[] = {
        {"packing", required_argument, NULL, 'p'},
        {"days", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *paths[MAX_FILES];
    static int64_t days_of[MAX_FILES];
    size_t nfiles = 0;
    uint64_t horizon = 7;
    bool csv_out = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': {
            const char *eq = strchr(optarg, '=');
            char date[16];
            int64_t t;
            if (eq == NULL || eq - optarg != 10 || eq[1] == '\0')
                return cli_usage_error("cartons", "--packing wants DATE=FILE, not '%s'", optarg);
            memcpy(date, optarg, 10);
            date[10] = '\0';
            if (cli_parse_time(date, &t) != 0)
                return cli_usage_error("cartons", "--packing %s: '%s' is not a date "
                                       "(YYYY-MM-DD)", optarg, date);
            if (nfiles == MAX_FILES)
                return cli_usage_error("cartons", "at most %d --packing", MAX_FILES);
            for (size_t i = 0; i < nfiles; i++)
                if (days_of[i] == t / 86400)
                    return cli_usage_error("cartons", "--packing: the day %s is given twice",
                                           date);
            days_of[nfiles] = t / 86400;
            paths[nfiles++] = eq + 1;
            break;
        }
        case 'd':
            if (!cli_parse_u64(optarg, 1, BX_FORECAST_MAX_HORIZON, &horizon))
                return cli_usage_error("cartons", "--days wants 1 to %d",
                                       BX_FORECAST_MAX_HORIZON);
            break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "table") != 0)
                return cli_usage_error("cartons", "--format is table or csv");
            csv_out = strcmp(optarg, "csv") == 0;
            break;
        case 'h':
            cartons_help();
            return EXIT_OK;
        default:
            return cli_usage_error("cartons", "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error("cartons", "unexpected argument '%s'", argv[optind]);
    if (nfiles == 0)
        return cli_usage_error("cartons", "forecast needs --packing DATE=FILE (one a day)");
    history h = {days_of[0], 0, NULL, 0};
    int64_t last = days_of[0];
    for (size_t i = 1; i < nfiles; i++) {
        if (days_of[i] < h.first_day)
            h.first_day = days_of[i];
        if (days_of[i] > last)
            last = days_of[i];
    }
    h.ndays = last - h.first_day + 1;
    cli_diags cd = {0};
    cd.max_shown = 20;
    bx_ctx *ctx = cli_ctx_new(&cd);
    int rc = ctx ? EXIT_OK : EXIT_FAILURE_RUNTIME;
    for (size_t i = 0; rc == EXIT_OK && i < nfiles; i++)
        rc = count_file(ctx, &h, days_of[i], paths[i]);
    if (rc == EXIT_OK && h.nsizes == 0) {
        fprintf(stderr, "error: no box was used in the %zu files: nothing to forecast\n",
                nfiles);
        rc = EXIT_BAD_INPUT;
    }
    if (h.nsizes > 1)
        qsort(h.sizes, h.nsizes, sizeof *h.sizes, cmp_size);
    bx_forecast_day *f = calloc(horizon, sizeof *f);
    if (rc == EXIT_OK && f == NULL)
        rc = EXIT_FAILURE_RUNTIME;
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    o.horizon_days = (uint32_t)horizon;
    if (rc == EXIT_OK && csv_out)
        printf("box_id,date,mean,lo,hi\n");
    for (size_t k = 0; rc == EXIT_OK && k < h.nsizes; k++) {
        const size_series *s = &h.sizes[k];
        bx_forecast_check chk;
        bx_status st = bx_forecast_daily(ctx, s->counts, (size_t)h.ndays, h.first_day, &o, f,
                                         &chk);
        if (st != BX_OK) {
            fprintf(stderr, "error: box %s: %zu files over %" PRId64 " days of packing: %s\n",
                    s->box_id, nfiles, h.ndays, bx_ctx_errmsg(ctx));
            rc = cli_exit_code(st);
            break;
        }
        double total = 0;
        for (uint64_t d = 0; d < horizon; d++)
            total += f[d].mean;
        if (!csv_out)
            printf("box %s: %.1f expected over %" PRIu64 " days from %" PRId64
                   " days of history; per day, 80 %% intervals:\n", s->box_id, total, horizon,
                   h.ndays);
        for (uint64_t d = 0; d < horizon; d++) {
            char when[40];
            cli_format_time((last + 1 + (int64_t)d) * 86400, when, sizeof when);
            when[10] = '\0';
            if (csv_out)
                printf("%s,%s,%.3f,%u,%u\n", s->box_id, when, f[d].mean, f[d].lo, f[d].hi);
            else
                printf("  %s  %7.1f  [%u, %u]\n", when, f[d].mean, f[d].lo, f[d].hi);
        }
        if (csv_out)
            continue;
        if (chk.points == 0)
            printf("  backtest: too short to check\n");
        else if (isnan(chk.mase))
            printf("  backtest: no MASE: the history repeats week by week exactly\n");
        else
            printf("  backtest: MASE %.3f, seasonal naive %.3f, over %zu forecasts%s\n",
                   chk.mase, chk.mase_naive, chk.points,
                   chk.mase < chk.mase_naive ? "" : " (the naive one is better here)");
    }
    free(f);
    history_free(&h);
    cli_diag_flush(&cd);
    bx_ctx_free(ctx);
    return rc;
}

int cmd_cartons(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cartons_help();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "forecast") == 0)
        return forecast(argc - 1, argv + 1);
    return cli_usage_error("cartons", "unknown command '%s'", argv[1]);
}

#else

int cmd_cartons(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "boxcar cartons: this build has no forecasts (they come with the pool, "
                    "which needs CBOR)\n");
    return EXIT_FAILURE_RUNTIME;
}

#endif
