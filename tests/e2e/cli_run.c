/*
 * cli_run.c: running the boxcar command from the end-to-end tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "cli_run.h"
#include "testutil.h"

size_t cli_slurp(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return n;
}

int cli_run(const char *dir, const char *tag, const char *args, char *out, size_t out_size,
            char *err, size_t err_size)
{
    char cmd[8192], path[512];
    const char *d = dir ? dir : ".";
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >%s.out 2>%s.err </dev/null", d, BOXCAR_BIN,
             args, tag, tag);
    int rc = system(cmd);
    snprintf(path, sizeof path, "%s/%s.out", d, tag);
    cli_slurp(path, out, out_size);
    snprintf(path, sizeof path, "%s/%s.err", d, tag);
    cli_slurp(path, err, err_size);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

int cli_run_tty(const char *dir, const char *tag, const char *args, char *out,
                size_t out_size)
{
    char cmd[8192], path[512];
    const char *d = dir ? dir : ".";
    out[0] = '\0';
    if (system("command -v script >/dev/null 2>&1") != 0)
        return -1;
    /* -e: script's exit code is the command's */
    snprintf(cmd, sizeof cmd, "cd '%s' && script -qec \"'%s' %s\" /dev/null >%s.tty 2>&1 "
                              "</dev/null", d, BOXCAR_BIN, args, tag);
    int rc = system(cmd);
    snprintf(path, sizeof path, "%s/%s.tty", d, tag);
    cli_slurp(path, out, out_size);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}
