/*
 * cli.h: what the boxcar subcommands share. The command is a thin layer
 * over the library: it parses options, prints diagnostics and maps statuses
 * to exit codes.
 */
#ifndef BOXCAR_CLI_H
#define BOXCAR_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "boxcar.h"

/* Exit codes, documented in the README and `boxcar --help`. */
enum {
    EXIT_OK = 0,
    EXIT_FAILURE_RUNTIME = 1, /* I/O, memory, a missing file */
    EXIT_USAGE = 2,           /* bad command line */
    EXIT_BAD_INPUT = 3        /* input data rejected */
};

/* Diagnostics printer: "error: msg" / "warning: msg" on stderr, at most
 * `max_shown` of them, counting the rest. */
typedef struct cli_diags {
    unsigned long shown, hidden, max_shown;
} cli_diags;
void cli_diag_print(void *ud, const bx_diag *d);
/* "... and N more" if some were hidden; resets the counts. */
void cli_diag_flush(cli_diags *cd);

/* A context with the printer installed; exits with EXIT_FAILURE_RUNTIME if
 * even that fails. */
bx_ctx *cli_ctx_new(cli_diags *cd);

/* Print the context's last error as "boxcar: <msg>" unless it was already
 * printed as a diagnostic, and map a status to an exit code. */
int cli_fail(bx_ctx *ctx, bx_status st);
int cli_exit_code(bx_status st);

int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "catalog", "orders" or "auto"; -1 if none. */
int parse_kind(const char *s, bx_record_kind *out);

int cmd_check(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_carbon(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_factors(int argc, char **argv);

/* cmd_factors.c: the file of a factor set given by name (NAME.csv in
 * $BOXCAR_FACTORS_DIR, the source tree's samples/factors, the installed
 * copy) or by path; NULL if none. May return name itself or buf. */
const char *cli_factor_set_path(const char *name, char *buf, size_t size);

/* A bx_write_fn over the FILE* ud (stdout, a file opened for writing). */
int cli_file_write(void *ud, const void *data, size_t size);

#endif
