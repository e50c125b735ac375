/*
 * cmd_factors.c: `boxcar factors list|show|diff`: what a factor set holds,
 * where every figure comes from, and how two sets differ.
 *
 * Also finds a factor set by name for the other commands: a path to a file
 * is taken as is; a bare name NAME is looked up as NAME.csv in
 * $BOXCAR_FACTORS_DIR, then the installed copy beside the executable, then
 * the source tree's samples/factors (for a build tree).
 */
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *factor_dirs(size_t i)
{
    static char data[4096];
    const char *env = getenv("BOXCAR_FACTORS_DIR");
    if (i == 0)
        return env != NULL && env[0] != '\0' ? env : NULL;
    if (i == 1)
        return cli_data_dir("factors", "samples/factors", data, sizeof data);
    return NULL;
}

#define N_FACTOR_DIRS 2

const char *cli_factor_set_path(const char *name, char *buf, size_t size)
{
    if (strchr(name, '/') != NULL || access(name, R_OK) == 0)
        return name;
    for (size_t i = 0; i < N_FACTOR_DIRS; i++) {
        const char *dir = factor_dirs(i);
        if (dir == NULL)
            continue;
        snprintf(buf, size, "%s/%s.csv", dir, name);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return NULL;
}

static void factors_help(void)
{
    printf("usage: boxcar factors list\n"
           "       boxcar factors show [--kind toc|hoc|fuel|material|eol] SET|FILE\n"
           "       boxcar factors diff SET|FILE SET|FILE\n"
           "\n"
           "list   the factor sets found: id, version, basis, rows, unconfirmed rows\n"
           "show   every row of a set with its figures, data quality, source and\n"
           "       version; figures not confirmed in a primary document are marked\n"
           "       UNCONFIRMED, figures computed from confirmed ones 'derived'\n"
           "diff   rows added, removed and changed between two sets (or versions)\n"
           "\n"
           "A SET is a name looked up as NAME.csv in $BOXCAR_FACTORS_DIR, then in the\n"
           "factor sets shipped with boxcar (glec-v3.0, cn-2023); a FILE is any path.\n"
           "Exit: 0 ok, 1 a set could not be found or read, 2 usage, 3 bad set.\n");
}

/* Load quietly (list) or with every problem printed (show, diff). */
static bx_status load_set(bx_ctx *ctx, const char *arg, bx_factor_set **fs)
{
    char buf[4096];
    const char *path = cli_factor_set_path(arg, buf, sizeof buf);
    if (path == NULL) {
        fprintf(stderr, "boxcar factors: no factor set '%s' (looked for %s.csv in the "
                        "factor directories; give a path to use a file)\n",
                arg, arg);
        return BX_ENOTFOUND;
    }
    return bx_factor_set_load(ctx, fs, path);
}

static const char *status_word(bx_confirmation c)
{
    return c == BX_CONFIRMED ? "confirmed" : c == BX_DERIVED ? "derived" : "UNCONFIRMED";
}

/* A figure as written: shortest text that reads back the same; "-" when
 * absent. */
static const char *num(double v, char *buf, size_t size)
{
    if (isnan(v))
        return "-";
    /* the shortest text that reads back as v, without an exponent where
     * one is not needed (10, not 1e+01) */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v && (strchr(buf, 'e') == NULL || prec == 17 ||
                                       fabs(v) >= 1e15 || fabs(v) < 1e-4))
            break;
    }
    return buf;
}

/* A figure boxcar computes from the data (energy per tkm x a grid factor)
 * is printed to 12 significant digits: enough for any factor a set states,
 * and free of the binary product's noise (1.1 x 577.7 = 635.47, not
 * 635.4700000000001). */
static const char *num_computed(double v, char *buf, size_t size)
{
    if (isnan(v))
        return "-";
    snprintf(buf, size, "%.12g", v);
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static int cmd_list(void)
{
    cli_diags cd = {0, 0, 0};
    bx_ctx *ctx = cli_ctx_new(&cd);
    bx_ctx_set_diag(ctx, NULL, NULL);
    int found = 0;
    printf("%-14s %-14s %-10s %5s %12s  %s\n", "set", "version", "basis", "rows",
           "unconfirmed", "file");
    for (size_t i = 0; i < N_FACTOR_DIRS; i++) {
        const char *dir = factor_dirs(i);
        DIR *d = dir != NULL ? opendir(dir) : NULL;
        if (d == NULL)
            continue;
        /* names sorted, so the listing is the same on every file system */
        char names[64][256];
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL && n < 64) {
            size_t len = strlen(e->d_name);
            if (len > 4 && len < 256 && strcmp(e->d_name + len - 4, ".csv") == 0)
                memcpy(names[n++], e->d_name, len + 1);
        }
        closedir(d);
        qsort(names, n, sizeof names[0], by_name);
        for (size_t k = 0; k < n; k++) {
            char path[4096];
            int len = snprintf(path, sizeof path, "%s/%s", dir, names[k]);
            if (len < 0 || (size_t)len >= sizeof path)
                continue;
            bx_factor_set *fs = NULL;
            if (bx_factor_set_load(ctx, &fs, path) != BX_OK) {
                printf("%-14s %-14s %-10s %5s %12s  %s (does not load: %s)\n", "?", "?", "?",
                       "?", "?", path, bx_ctx_errmsg(ctx));
                continue;
            }
            bx_factor_set_info info = bx_factor_set_info_get(fs);
            size_t unconfirmed = 0;
            for (size_t r = 0; r < bx_factor_set_count(fs); r++)
                unconfirmed += bx_factor_set_at(fs, r)->confirmed == BX_UNCONFIRMED;
            printf("%-14s %-14s %-10s %5zu %12zu  %s\n", info.id, info.version, info.basis,
                   bx_factor_set_count(fs), unconfirmed, path);
            bx_factor_set_free(fs);
            found++;
        }
    }
    bx_ctx_free(ctx);
    if (found == 0)
        fprintf(stderr, "boxcar factors: no factor set found (set BOXCAR_FACTORS_DIR)\n");
    return found > 0 ? EXIT_OK : EXIT_FAILURE_RUNTIME;
}

static void show_row(const bx_factor_set *fs, const bx_factor *f)
{
    char a[32], b[32], c[32], w[48];
    const char *wtw = num(f->wtw, c, sizeof c);
    if (f->unit == BX_UNIT_KWH_PER_TKM || f->unit == BX_UNIT_L_PER_TKM) {
        /* energy per tkm: show the figure and what it resolves to */
        snprintf(w, sizeof w, "%s%s", num(f->energy, a, sizeof a),
                 f->unit == BX_UNIT_KWH_PER_TKM ? " kWh" : " l");
        printf("%-8s %-30s %-5s %-8s %8s %8s %10s %-9s %-11s %s (%s)\n",
               bx_factor_kind_name(f->kind), f->id,
               f->kind == BX_FACTOR_TOC ? bx_mode_name(f->mode) : "", "g/tkm", "-", "-",
               num_computed(bx_factor_wtw_g(fs, f), c, sizeof c),
               bx_data_quality_name(f->quality),
               status_word(f->confirmed), f->source, f->version);
        printf("%-8s %-30s = %s x %s\n", "", "", w, f->ref);
    } else {
        printf("%-8s %-30s %-5s %-8s %8s %8s %10s %-9s %-11s %s (%s)\n",
               bx_factor_kind_name(f->kind), f->id,
               f->kind == BX_FACTOR_TOC ? bx_mode_name(f->mode) : "",
               bx_factor_unit_name(f->unit), num(f->wtt, a, sizeof a),
               num(f->ttw, b, sizeof b), wtw, bx_data_quality_name(f->quality),
               status_word(f->confirmed), f->source, f->version);
        if (f->unit == BX_UNIT_G_PER_TEUKM)
            printf("%-8s %-30s = %s g/tkm WTW at %s t per TEU\n", "", "",
                   num_computed(bx_factor_wtw_g(fs, f), c, sizeof c),
                   num(f->t_per_teu, a, sizeof a));
    }
    if (!isnan(f->load_factor) || !isnan(f->empty_running) || !isnan(f->empty_energy))
        printf("%-8s %-30s   assumes load factor %s, empty running %s; empty vehicle at "
               "%s of the full one's energy per km\n", "", "", num(f->load_factor, a, sizeof a),
               num(f->empty_running, b, sizeof b), num(f->empty_energy, c, sizeof c));
    if (f->refrigerant[0] != '\0')
        printf("%-8s %-30s   temperature-controlled: leaks %s kg of %s per tkm\n", "", "",
               num(f->refrigerant_kg_per_tkm, a, sizeof a), f->refrigerant);
    if (f->note[0] != '\0')
        printf("%-8s %-30s   %s\n", "", "", f->note);
    if (strcmp(f->basis, bx_factor_set_info_get(fs).basis) != 0)
        printf("%-8s %-30s   basis: %s\n", "", "", f->basis);
}

static int cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int kind = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
        if (c == 'h') {
            factors_help();
            return EXIT_OK;
        }
        if (c != 'k')
            return cli_usage_error("factors", "bad option");
        for (int k = BX_FACTOR_TOC; k <= BX_FACTOR_EOL; k++)
            if (strcmp(optarg, bx_factor_kind_name((bx_factor_kind)k)) == 0)
                kind = k;
        if (kind == 0)
            return cli_usage_error("factors", "unknown kind '%s'", optarg);
    }
    if (optind + 1 != argc)
        return cli_usage_error("factors", "show takes one factor set");
    cli_diags cd = {0, 0, 50};
    bx_ctx *ctx = cli_ctx_new(&cd);
    bx_factor_set *fs = NULL;
    bx_status st = load_set(ctx, argv[optind], &fs);
    cli_diag_flush(&cd);
    if (st != BX_OK) {
        int code = st == BX_ENOTFOUND && bx_ctx_errcode(ctx) == BX_OK ? EXIT_FAILURE_RUNTIME
                                                                      : cli_fail(ctx, st);
        bx_ctx_free(ctx);
        return code;
    }
    bx_factor_set_info info = bx_factor_set_info_get(fs);
    printf("factor set %s, version %s, reported as %s\n", info.id, info.version, info.basis);
    printf("source: %s\n", info.source);
    if (info.note[0] != '\0')
        printf("%s\n", info.note);
    printf("file: %s\n\n", info.file);
    printf("%-8s %-30s %-5s %-8s %8s %8s %10s %-9s %-11s %s\n", "kind", "id", "mode",
           "unit", "wtt", "ttw", "wtw", "quality", "status", "source (version)");
    size_t counts[3] = {0, 0, 0}, shown = 0;
    for (size_t i = 0; i < bx_factor_set_count(fs); i++) {
        const bx_factor *f = bx_factor_set_at(fs, i);
        if (kind != 0 && (int)f->kind != kind)
            continue;
        show_row(fs, f);
        counts[f->confirmed]++;
        shown++;
    }
    printf("\n%zu rows: %zu confirmed, %zu derived, %zu UNCONFIRMED (not confirmed in a "
           "primary document)\n",
           shown, counts[BX_CONFIRMED], counts[BX_DERIVED], counts[BX_UNCONFIRMED]);
    bx_factor_set_free(fs);
    bx_ctx_free(ctx);
    return EXIT_OK;
}

static void print_field_change(const char *name, const char *a, const char *b)
{
    printf("    %s: %s -> %s\n", name, a, b);
}

static int print_change(void *ud, const bx_factor_change *ch)
{
    (void)ud;
    const bx_factor *x = ch->a != NULL ? ch->a : ch->b;
    char a[32], b[32];
    if (ch->a == NULL || ch->b == NULL) {
        printf("%c %s %s: wtw %s %s, %s (%s)\n", ch->a == NULL ? '+' : '-',
               bx_factor_kind_name(x->kind), x->id, num(x->wtw, a, sizeof a),
               bx_factor_unit_name(x->unit), status_word(x->confirmed), x->source);
        return 0;
    }
    printf("~ %s %s\n", bx_factor_kind_name(x->kind), x->id);
    const bx_factor *p = ch->a, *q = ch->b;
    if (ch->fields & BX_FDIFF_UNIT)
        print_field_change("unit", bx_factor_unit_name(p->unit), bx_factor_unit_name(q->unit));
    if (ch->fields & BX_FDIFF_MODE)
        print_field_change("mode", bx_mode_name(p->mode), bx_mode_name(q->mode));
    if (ch->fields & BX_FDIFF_WTT)
        print_field_change("wtt", num(p->wtt, a, sizeof a), num(q->wtt, b, sizeof b));
    if (ch->fields & BX_FDIFF_TTW)
        print_field_change("ttw", num(p->ttw, a, sizeof a), num(q->ttw, b, sizeof b));
    if (ch->fields & BX_FDIFF_WTW)
        print_field_change("wtw", num(p->wtw, a, sizeof a), num(q->wtw, b, sizeof b));
    if (ch->fields & BX_FDIFF_ENERGY)
        print_field_change("energy", num(p->energy, a, sizeof a), num(q->energy, b, sizeof b));
    if (ch->fields & BX_FDIFF_REF)
        print_field_change("ref", p->ref, q->ref);
    if (ch->fields & BX_FDIFF_GSD)
        print_field_change("gsd", num(p->gsd, a, sizeof a), num(q->gsd, b, sizeof b));
    if (ch->fields & BX_FDIFF_QUALITY)
        print_field_change("quality", bx_data_quality_name(p->quality),
                           bx_data_quality_name(q->quality));
    if (ch->fields & BX_FDIFF_CONFIRMED)
        print_field_change("status", status_word(p->confirmed), status_word(q->confirmed));
    if (ch->fields & BX_FDIFF_BASIS)
        print_field_change("basis", p->basis, q->basis);
    if (ch->fields & BX_FDIFF_SOURCE)
        print_field_change("source", p->source, q->source);
    if (ch->fields & BX_FDIFF_VERSION)
        print_field_change("version", p->version, q->version);
    if (ch->fields & BX_FDIFF_NOTE)
        print_field_change("note", p->note, q->note);
    return 0;
}

static int cmd_diff(int argc, char **argv)
{
    if (argc != 3)
        return cli_usage_error("factors", "diff takes two factor sets");
    cli_diags cd = {0, 0, 50};
    bx_ctx *ctx = cli_ctx_new(&cd);
    bx_factor_set *a = NULL, *b = NULL;
    bx_status st = load_set(ctx, argv[1], &a);
    if (st == BX_OK)
        st = load_set(ctx, argv[2], &b);
    cli_diag_flush(&cd);
    int code = EXIT_OK;
    if (st == BX_OK) {
        bx_factor_set_info ia = bx_factor_set_info_get(a), ib = bx_factor_set_info_get(b);
        printf("--- %s %s (%s)\n+++ %s %s (%s)\n", ia.id, ia.version, ia.file, ib.id,
               ib.version, ib.file);
        if (strcmp(ia.basis, ib.basis) != 0)
            printf("basis: %s -> %s\n", ia.basis, ib.basis);
        size_t n;
        bx_factor_set_diff(a, b, print_change, NULL, &n);
        printf("%zu difference%s\n", n, n == 1 ? "" : "s");
    } else {
        code = st == BX_ENOTFOUND && bx_ctx_errcode(ctx) == BX_OK ? EXIT_FAILURE_RUNTIME
                                                                  : cli_fail(ctx, st);
    }
    bx_factor_set_free(a);
    bx_factor_set_free(b);
    bx_ctx_free(ctx);
    return code;
}

int cmd_factors(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2)
            return cli_usage_error("factors", "give list, show or diff");
        factors_help();
        return EXIT_OK;
    }
    if (strcmp(argv[1], "list") == 0)
        return argc == 2 ? cmd_list() : cli_usage_error("factors", "list takes no argument");
    if (strcmp(argv[1], "show") == 0)
        return cmd_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0)
        return cmd_diff(argc - 1, argv + 1);
    return cli_usage_error("factors", "unknown subcommand '%s'", argv[1]);
}
