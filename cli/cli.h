/*
 * cli.h: what the boxcar subcommands share. The command is a thin layer
 * over the library: it parses options, prints diagnostics and maps statuses
 * to exit codes.
 */
#ifndef BOXCAR_CLI_H
#define BOXCAR_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

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

/* The first line of a file (its newline included, if any) in *line, which
 * the caller frees (NULL when the file is empty), and its length in bytes
 * (NUL bytes counted). 0, or errno when the file cannot be opened. */
int cli_first_line(const char *path, char **line, size_t *len);

/* Print the context's last error as "boxcar: <msg>" unless it was already
 * printed as a diagnostic, and map a status to an exit code. */
int cli_fail(bx_ctx *ctx, bx_status st);
/* An operator's token: the first line of path, without its line end,
 * into token (size bytes). A NUL byte, an empty line or one too long is
 * refused (BX_EPERM), an unreadable file is BX_EIO; either is printed as
 * `boxcar CMD: ...` and *printed set. */
bx_status cli_read_token_file(const char *cmd, const char *path, char *token, size_t size,
                              bool *printed);
int cli_exit_code(bx_status st);

int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "catalog", "orders" or "auto"; -1 if none. */
int parse_kind(const char *s, bx_record_kind *out);

/* ---- scripts and policies (cli_policy.c) ---- */

/* getopt_long values of the script options every script-running command
 * takes: --script-memory MIB, --script-budget N, --script-time MS. */
enum {
    CLI_OPT_SCRIPT_MEMORY = 1000,
    CLI_OPT_SCRIPT_BUDGET,
    CLI_OPT_SCRIPT_TIME
};
#define CLI_SCRIPT_OPTIONS                                                   \
    {"script-memory", required_argument, NULL, CLI_OPT_SCRIPT_MEMORY},       \
    {"script-budget", required_argument, NULL, CLI_OPT_SCRIPT_BUDGET},       \
    {"script-time", required_argument, NULL, CLI_OPT_SCRIPT_TIME}
#define CLI_SCRIPT_HELP                                                      \
    "  --script-memory MIB  the script's memory cap (default 16)\n"          \
    "  --script-budget N    Lua instructions per hook call (default 10000000)\n" \
    "  --script-time MS     time per hook call, a safety net (default 10000;\n" \
    "                       0: none)\n"

/* The library's defaults plus the command's time limit. */
bx_script_limits cli_script_limits_default(void);
/* Apply one script option; 0, or a usage exit code. */
int cli_script_option(const char *cmd, int opt, const char *arg, bx_script_limits *l);

#define CLI_MAX_PARAMS 64
typedef struct cli_policy_args {
    const char *path;        /* NULL: no policy */
    char *params[CLI_MAX_PARAMS]; /* "key=value", from argv */
    size_t nparams;
    const char *pool;        /* CSV box_id,available */
    bool returns_accepted;
    bx_script_limits limits;
} cli_policy_args;

/* Load the policy, set its parameters and pool. Errors in the pool file
 * or a --param's form are printed here (*printed set); the others are the
 * context's. */
bx_status cli_policy_open(bx_ctx *ctx, const cli_policy_args *a, const bx_catalog *cat,
                          bx_policy **out, bool *printed);
void cli_print_assumptions(FILE *out, const bx_policy *p);
void cli_print_hooks(FILE *out, const bx_policy *p);

/* A whole number on the command line: decimal digits only (no sign, no
 * spaces), within min..max. false otherwise, overflow included. */
bool cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A time on the command line: "2024-05-01", "2024-05-01T10:00[:00][Z]"
 * (always UTC), "@UNIXSECONDS" or "now". 0 on success, -1 if malformed. */
int cli_parse_time(const char *s, int64_t *out);
/* "2024-05-01T10:00:00Z" (buf of at least 24 bytes). */
void cli_format_time(int64_t t, char *buf, size_t size);

/* The catalog a command uses when none is given: the installed copy of
 * `name` (a file of samples/catalogs) beside the executable, or the source
 * tree's (for a build tree); NULL if neither is there. */
const char *cli_default_catalog(const char *name);

/* ---- data by name (cli_data.c) ---- */

/* DATA/installed_sub/name, where DATA is the data directory found from
 * the executable's own location (../share/boxcar for bin/boxcar), else
 * SOURCE/source_sub/name in the source tree; buf, or NULL if neither is
 * readable. */
const char *cli_data_file(const char *installed_sub, const char *source_sub, const char *name,
                          char *buf, size_t size);
/* The same for a directory. */
const char *cli_data_dir(const char *installed_sub, const char *source_sub, char *buf,
                         size_t size);
/* A report or policy script given as a path (with a '/', ending in .lua,
 * or an existing file) is taken as is; a bare name NAME is
 * scripts/KIND/NAME.lua of the data (kind "report" or "policy"). If none
 * is found, arg itself, so that the error names it. */
const char *cli_script_path(const char *kind, const char *arg, char *buf, size_t size);

int cmd_check(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_carbon(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_factors(int argc, char **argv);

/* cmd_factors.c: the file of a factor set given by name (NAME.csv in
 * $BOXCAR_FACTORS_DIR, the source tree's samples/factors, the installed
 * copy) or by path; NULL if none. May return name itself or buf. */
const char *cli_factor_set_path(const char *name, char *buf, size_t size);

int cmd_serve(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_containers(int argc, char **argv);
int cmd_cartons(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
/* A bx_write_fn over the FILE* ud (stdout, a file opened for writing). */
int cli_file_write(void *ud, const void *data, size_t size);
/* A bx_read_fn over the FILE* ud (a file opened for reading). */
long cli_file_read(void *ud, void *buf, size_t size);

/* ---- outputs (cli_sink.c) ---- */

/* One output of a command: a file, written through bx_outfile (whole at
 * commit, or straight to a device or a pipe), or standard output. */
typedef struct cli_sink {
    bx_outfile *file;  /* NULL: standard output */
    bx_write_fn write; /* NULL: not open, or committed */
    void *ud;
} cli_sink;

/* path NULL: standard output. A failure is the context's. */
bx_status cli_sink_open(bx_ctx *ctx, cli_sink *s, const char *path);
/* Put the output in place (a sink not open: BX_OK). Standard output's
 * failure has no message in the context: it is printed here as "boxcar
 * CMD: writing to standard output failed" and *printed set. */
bx_status cli_sink_commit(cli_sink *s, const char *cmd, bool *printed);
/* Drop what was written to a file (standard output's bytes are gone);
 * a sink committed or not open: nothing. */
void cli_sink_abort(cli_sink *s);

/* ---- progress (cli_progress.c) ---- */

/* One line on standard error while a long command runs: "boxcar CMD:
 * N UNITS, R/s", and ", P % of the file" when the input's size is known.
 * Drawn only on a terminal and without --no-progress, at most ten times
 * a second; cleared before a diagnostic and at the end. */
typedef struct cli_progress {
    const char *cmd, *unit;
    bool enabled, drawn, ever;
    FILE *input;         /* NULL, or the input whose position is the percentage */
    uint64_t input_size; /* 0: not known */
    int width;           /* of the line on screen */
    struct timespec start, last;
} cli_progress;

/* wanted: not --no-progress; enabled if standard error is a terminal. */
void cli_progress_start(cli_progress *p, const char *cmd, const char *unit, bool wanted);
/* Read from input (a regular file): show how much of it has been read. */
void cli_progress_input(cli_progress *p, FILE *input);
/* `done` units so far: redraw if it is time. */
void cli_progress_tick(cli_progress *p, uint64_t done);
void cli_progress_clear(cli_progress *p);

/* getopt_long value of --no-progress, in every command that draws one. */
enum { CLI_OPT_NO_PROGRESS = 1100 };
#define CLI_NO_PROGRESS_OPTION {"no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS}
#define CLI_PROGRESS_HELP                                                    \
    "  --no-progress      no progress line (drawn only when standard error\n" \
    "                     is a terminal)\n"

#endif
