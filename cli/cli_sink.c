/*
 * cli_sink.c: the outputs of the commands, files or standard output.
 *
 * A file goes through bx_outfile: a temporary file renamed into place at
 * commit, so a failed run leaves no half-written file, or for a path that
 * is a device or a pipe (/dev/null, /dev/stdout) the path itself.
 */
#include "cli.h"

bx_status cli_sink_open(bx_ctx *ctx, cli_sink *s, const char *path)
{
    s->file = NULL;
    if (path == NULL) {
        s->write = cli_file_write;
        s->ud = stdout;
        return BX_OK;
    }
    bx_status st = bx_outfile_open(ctx, &s->file, path);
    s->write = st == BX_OK ? bx_outfile_write : NULL;
    s->ud = s->file;
    return st;
}

bx_status cli_sink_commit(cli_sink *s, const char *cmd, bool *printed)
{
    if (s->write == NULL)
        return BX_OK;
    s->write = NULL;
    if (s->file == NULL) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "boxcar %s: writing to standard output failed\n", cmd);
            *printed = true;
            return BX_EIO;
        }
        return BX_OK;
    }
    bx_outfile *f = s->file;
    s->file = NULL;
    return bx_outfile_commit(f);
}

void cli_sink_abort(cli_sink *s)
{
    bx_outfile_abort(s->file);
    s->file = NULL;
    s->write = NULL;
}
