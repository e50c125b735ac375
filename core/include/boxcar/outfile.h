/*
 * boxcar/outfile.h: write a file all at once or not at all.
 *
 * Output goes to a temporary file beside the target (same directory, so the
 * final rename is atomic on POSIX file systems); commit flushes, fsyncs and
 * renames it over the target; abort removes it. A reader of the target sees
 * the old file or the complete new one, never a half-written one, and a job
 * that fails on bad input leaves nothing behind. A target that exists and is
 * not a regular file (a terminal, a pipe, /dev/null) is written directly.
 */
#ifndef BOXCAR_OUTFILE_H
#define BOXCAR_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "boxcar/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_outfile bx_outfile;

/* Create the temporary file for `path`. BX_EIO (message names the path and
 * the system's reason) if the directory is not writable. */
BX_API bx_status bx_outfile_open(bx_ctx *ctx, bx_outfile **out, const char *path);

/* The stream to write to (owned by the outfile). */
BX_API FILE *bx_outfile_stream(bx_outfile *f);

/* A bx_write_fn (csv.h) writing to the outfile passed as ud. */
BX_API int bx_outfile_write(void *ud, const void *data, size_t size);

/* Flush, fsync, close and rename over the target; frees f. On failure the
 * temporary file is removed and the target left as it was. */
BX_API bx_status bx_outfile_commit(bx_outfile *f);

/* Close and remove the temporary file; frees f. NULL is a no-op. */
BX_API void bx_outfile_abort(bx_outfile *f);

#ifdef __cplusplus
}
#endif

#endif
