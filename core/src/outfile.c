/*
 * outfile.c: temporary file + fsync + rename, so outputs appear whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxcar/outfile.h"
#include "internal.h"

struct bx_outfile {
    bx_ctx *ctx;
    FILE *fp;
    char *path;
    char *tmp;    /* NULL when writing straight to a special file */
    bool failed;  /* a write failed: commit must not rename */
};

/* An existing target that is not a regular file (a terminal, a pipe,
 * /dev/null) is written to directly: renaming over it would replace the
 * device with a file, and a pipe cannot be half-written anyway. */
static bx_status open_special(bx_outfile *f, const char *path)
{
    f->fp = fopen(path, "wb");
    if (f->fp == NULL) {
        int e = errno;
        return bxi_error(f->ctx, BX_EIO, "%s: %s", path, strerror(e));
    }
    return BX_OK;
}

bx_status bx_outfile_open(bx_ctx *ctx, bx_outfile **out, const char *path)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL || path[0] == '\0')
        return bxi_error(ctx, BX_EINVAL, "bx_outfile_open: bad argument");
    *out = NULL;
    bx_outfile *f = bx_alloc(ctx, sizeof *f);
    if (f == NULL)
        return BX_ENOMEM;
    memset(f, 0, sizeof *f);
    f->ctx = ctx;
    size_t n = strlen(path);
    static const char suffix[] = ".tmp.XXXXXX";
    f->path = bxi_strdup(ctx, path);
    f->tmp = bx_alloc(ctx, n + sizeof suffix);
    if (f->path == NULL || f->tmp == NULL) {
        bx_outfile_abort(f);
        return BX_ENOMEM;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        bx_free(ctx, f->tmp);
        f->tmp = NULL;
        bx_status rc = open_special(f, path);
        if (rc != BX_OK) {
            bx_outfile_abort(f);
            return rc;
        }
        *out = f;
        return BX_OK;
    }
    memcpy(f->tmp, path, n);
    memcpy(f->tmp + n, suffix, sizeof suffix);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        f->tmp[0] = '\0';
        bx_outfile_abort(f);
        return bxi_error(ctx, BX_EIO, "%s: cannot create a file here: %s", path,
                        strerror(e));
    }
    /* mkstemp makes the file 0600; outputs are ordinary files. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    f->fp = fdopen(fd, "wb");
    if (f->fp == NULL) {
        int e = errno;
        close(fd);
        bx_outfile_abort(f);
        return bxi_error(ctx, BX_EIO, "%s: %s", path, strerror(e));
    }
    *out = f;
    return BX_OK;
}

FILE *bx_outfile_stream(bx_outfile *f)
{
    return f == NULL ? NULL : f->fp;
}

int bx_outfile_write(void *ud, const void *data, size_t size)
{
    bx_outfile *f = ud;
    if (size == 0)
        return 0;
    if (fwrite(data, 1, size, f->fp) != size) {
        f->failed = true;
        return -1;
    }
    return 0;
}

bool bxi_sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        if (n >= sizeof dir) {
            errno = ENAMETOOLONG;
            return false;
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return false;
    int r = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    /* Some file systems cannot sync a directory; the rename is then as
     * durable as they make it. */
    return r == 0 || errno == EINVAL;
}

static void release(bx_outfile *f)
{
    bx_ctx *ctx = f->ctx;
    bx_free(ctx, f->path);
    bx_free(ctx, f->tmp);
    bx_free(ctx, f);
}

bx_status bx_outfile_commit(bx_outfile *f)
{
    if (f == NULL)
        return BX_EINVAL;
    bx_ctx *ctx = f->ctx;
    int e = 0;
    if (f->failed || ferror(f->fp))
        e = EIO;
    else if (fflush(f->fp) != 0 || (f->tmp != NULL && fsync(fileno(f->fp)) != 0))
        e = errno;
    int closed = fclose(f->fp);
    f->fp = NULL;
    if (e == 0 && closed != 0)
        e = errno;
    if (e == 0 && f->tmp != NULL && rename(f->tmp, f->path) != 0)
        e = errno;
    if (e != 0) {
        bx_status st = bxi_error(ctx, BX_EIO, "%s: could not write: %s", f->path,
                                strerror(e));
        bx_outfile_abort(f);
        return st;
    }
    if (f->tmp != NULL)
        /* Best effort: the file's own data is already synced. */
        (void)bxi_sync_dir(f->path);
    release(f);
    return BX_OK;
}

void bx_outfile_abort(bx_outfile *f)
{
    if (f == NULL)
        return;
    if (f->fp != NULL)
        fclose(f->fp);
    if (f->tmp != NULL && f->tmp[0] != '\0')
        remove(f->tmp);
    release(f);
}
