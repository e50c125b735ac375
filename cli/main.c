/*
 * main.c: the boxcar command: dispatch to a subcommand.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"pack", cmd_pack, "choose boxes for orders and say where each item goes"},
    {"load", cmd_load, "loading plans: parcels into vans, trucks, roll cages, air containers"},
    {"carbon", cmd_carbon, "emissions per shipment and totals (ISO 14083, GLEC v3)"},
    {"merge", cmd_merge, "add up totals files of 'boxcar carbon --totals' exactly"},
    {"factors", cmd_factors, "list, show and compare emission factor sets"},
    {"check", cmd_check, "validate catalogs and orders, reporting every problem"},
    {"convert", cmd_convert, "convert catalogs and orders between CSV, JSON and CBOR"},
#if BOXCAR_HAVE_SERVICE
    {"serve", cmd_serve, "answer packing requests over HTTP, with a station page"},
#endif
    {"report", cmd_report, "make a workbook from packing results with a report script"},
    {"catalog", cmd_catalog, "design the box sizes to stock from an order history"},
    {"containers", cmd_containers, "reusable containers: register, issue, return, status, stats"},
    {"cartons", cmd_cartons, "forecast the cartons of each size the next days will use"},
};

/* Levenshtein distance between a and b, counting at most 16 characters
 * of each (enough to tell a typo from another word). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strnlen(a, 16), nb = strnlen(b, 16);
    size_t row[17];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The command nearest to a mistyped name (at most two edits, and fewer
 * than half its letters), or NULL. */
static const char *nearest_command(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        size_t d = edit_distance(name, commands[i].name);
        if (d < best_d && 2 * d < strlen(commands[i].name)) {
            best = commands[i].name;
            best_d = d;
        }
    }
    return best;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: boxcar [--version] [--help] COMMAND [ARGS]\n"
            "\n"
            "boxcar %s: packaging and carbon accounting for parcels.\n"
            "\n"
            "commands:\n",
            bx_version());
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "'boxcar COMMAND --help' describes a command.\n"
            "\n"
            "exit codes: 0 ok, 1 runtime failure (I/O, memory, missing file),\n"
            "            2 usage error, 3 bad input data\n");
}

/* A command whose answer went to standard output succeeded only if the
 * answer got out: a full disk behind a redirection is a runtime failure,
 * not exit 0 (output files check their own writes in cli_sink.c). */
static int finish(const char *cmd, int rc)
{
    errno = 0;
    if ((fflush(stdout) == 0 && !ferror(stdout)) || rc != EXIT_OK)
        return rc; /* a failed command has said why already */
    fprintf(stderr, "boxcar %s: writing to standard output failed%s%s\n", cmd,
            errno ? ": " : "", errno ? strerror(errno) : "");
    return EXIT_FAILURE_RUNTIME;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        usage(stdout);
        return finish("--help", EXIT_OK);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("boxcar %s (features: %s)\n", bx_version(), bx_build_features());
        return finish("--version", EXIT_OK);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return finish(cmd, commands[i].run(argc - 1, argv + 1));
    const char *near = nearest_command(cmd);
    if (near != NULL) {
        fprintf(stderr, "boxcar: unknown command '%s'; did you mean '%s'?\n"
                        "Try 'boxcar --help'.\n", cmd, near);
        return EXIT_USAGE;
    }
    fprintf(stderr, "boxcar: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
