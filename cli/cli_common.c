/*
 * cli_common.c: diagnostics, contexts and exit codes for the subcommands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_diag_print(void *ud, const bx_diag *d)
{
    cli_diags *cd = ud;
    if (cd != NULL && cd->max_shown != 0 && cd->shown >= cd->max_shown) {
        cd->hidden++;
        return;
    }
    if (cd != NULL)
        cd->shown++;
    fprintf(stderr, "%s: %s\n", d->severity == BX_SEV_ERROR ? "error" : "warning",
            d->message);
}

void cli_diag_flush(cli_diags *cd)
{
    if (cd->hidden > 0)
        fprintf(stderr, "... and %lu more problems not shown\n", cd->hidden);
    cd->shown = cd->hidden = 0;
}

bx_ctx *cli_ctx_new(cli_diags *cd)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK) {
        fprintf(stderr, "boxcar: out of memory\n");
        exit(EXIT_FAILURE_RUNTIME);
    }
    bx_ctx_set_diag(ctx, cli_diag_print, cd);
    return ctx;
}

int cli_exit_code(bx_status st)
{
    switch (st) {
    case BX_OK:
    case BX_END:
        return EXIT_OK;
    case BX_EINPUT:
    case BX_ELIMIT:
    case BX_EPERM:
        return EXIT_BAD_INPUT;
    case BX_EINVAL:
        return EXIT_USAGE;
    default:
        return EXIT_FAILURE_RUNTIME;
    }
}

int cli_fail(bx_ctx *ctx, bx_status st)
{
    /* Input errors reached the diagnostic printer already. */
    if (st != BX_EINPUT && st != BX_OK)
        fprintf(stderr, "boxcar: %s\n", bx_ctx_errmsg(ctx)[0] ? bx_ctx_errmsg(ctx)
                                                             : bx_strerror(st));
    return cli_exit_code(st);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "boxcar %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'boxcar %s --help'.\n", cmd);
    return EXIT_USAGE;
}

const char *cli_default_catalog(const char *name)
{
    static char path[4096];
    return cli_data_file("catalogs", "samples/catalogs", name, path, sizeof path);
}

int cli_file_write(void *ud, const void *data, size_t size)
{
    return fwrite(data, 1, size, ud) == size ? 0 : -1;
}

long cli_file_read(void *ud, void *buf, size_t size)
{
    size_t n = fread(buf, 1, size, ud);
    return n == 0 && ferror((FILE *)ud) ? -1 : (long)n;
}

int cli_first_line(const char *path, char **line, size_t *len)
{
    *line = NULL;
    *len = 0;
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return errno;
    size_t cap = 0;
    ssize_t got = getline(line, &cap, fp);
    fclose(fp);
    *len = got > 0 ? (size_t)got : 0;
    return 0;
}

bx_status cli_read_token_file(const char *cmd, const char *path, char *token, size_t size,
                              bool *printed)
{
    char *line;
    size_t n;
    int e = cli_first_line(path, &line, &n);
    if (e != 0) {
        fprintf(stderr, "boxcar %s: --token-file %s: %s\n", cmd, path, strerror(e));
        *printed = true;
        return BX_EIO;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    bool ok = n > 0 && n < size && memchr(line, '\0', n) == NULL;
    if (ok) {
        memcpy(token, line, n);
        token[n] = '\0';
    }
    free(line);
    if (!ok) {
        fprintf(stderr, "boxcar %s: --token-file %s: not a token (one line of hex digits)\n",
                cmd, path);
        *printed = true;
        return BX_EPERM;
    }
    return BX_OK;
}
