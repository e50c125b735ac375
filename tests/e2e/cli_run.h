/*
 * cli_run.h: running the boxcar command from the end-to-end tests.
 */
#ifndef BOXCAR_CLI_RUN_H
#define BOXCAR_CLI_RUN_H

#include <stddef.h>

/* Read up to size-1 bytes of a file into buf, NUL-terminated; the count
 * read (0 and "" if the file cannot be opened). */
size_t cli_slurp(const char *path, char *buf, size_t size);

/* Run `BOXCAR_BIN ARGS` in directory dir (NULL: the current one), with no
 * standard input; its standard output and error go to dir/TAG.out and
 * dir/TAG.err and are read into out and err. Returns the exit code (the
 * test fails if the command did not exit normally). */
int cli_run(const char *dir, const char *tag, const char *args, char *out, size_t out_size,
            char *err, size_t err_size);

/* Run `BOXCAR_BIN ARGS` as cli_run does, but on a pseudo-terminal (through
 * script(1)): standard output and error both go to the terminal, whose
 * bytes are read into out (lines end in CR LF there). ARGS must not hold a
 * double quote. Returns the exit code, or -1 if script(1) is not
 * installed. */
int cli_run_tty(const char *dir, const char *tag, const char *args, char *out,
                size_t out_size);

#endif
