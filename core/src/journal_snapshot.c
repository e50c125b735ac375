/*
 * journal_snapshot.c: snapshots (the folded state, saved beside the
 * journal), compaction (a new journal file after a snapshot), and the
 * end-to-end check of a journal file.
 *
 * A snapshot is written to a temporary file, synced and renamed over
 * PATH.snap, so a reader finds the old snapshot or the complete new one.
 * Its items are framed exactly like records (the frame's seq is the item
 * number) and the header, written last, holds their count: a snapshot that
 * was cut short or damaged fails its check and is not used.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbor_pull.h"
#include "journal_internal.h"

#define SNAP_BUFFER (1u << 20)

bool bx_journal_snapshot_path(const char *path, char *buf, size_t size)
{
    if (path == NULL || buf == NULL)
        return false;
    int n = snprintf(buf, size, "%s.snap", path);
    return n >= 0 && (size_t)n < size;
}

/* Walk the frames of a snapshot: items 1..h->items, ending at the end of
 * the file. fn (may be NULL) sees each one. */
static bx_status walk_items(bxj_cursor *c, const bxs_header *h, uint32_t max_len,
                            bx_journal_replay_fn fn, void *ud, char *why,
                            size_t why_size)
{
    uint64_t off = BXS_HEADER_SIZE;
    for (uint64_t i = 1; i <= h->items; i++) {
        bxj_frame f;
        const unsigned char *payload;
        bxj_frame_status fs;
        bx_status st = bxi_journal_read_frame(c, off, max_len, &f, &payload, &fs);
        if (st != BX_OK)
            return st;
        if (fs != BXJ_FRAME_OK || f.seq != i) {
            snprintf(why, why_size, "item %llu of %llu at byte %llu is damaged or missing",
                     (unsigned long long)i, (unsigned long long)h->items,
                     (unsigned long long)off);
            return bxi_error(c->ctx, BX_EINPUT, "%s: %s", c->name, why);
        }
        if (fn != NULL) {
            bx_journal_item item = {BX_JOURNAL_SNAPSHOT_ITEM, i, off, payload, f.len,
                                    h->items};
            if ((st = fn(ud, &item)) != BX_OK)
                return st;
        }
        off += BXJ_FRAME_SIZE + (uint64_t)f.len;
    }
    if (off != c->size) {
        snprintf(why, why_size, "%llu bytes after its last item",
                 (unsigned long long)(c->size - off));
        return bxi_error(c->ctx, BX_EINPUT, "%s: %s", c->name, why);
    }
    return BX_OK;
}

bx_status bxi_journal_snapshot_open(bx_ctx *ctx, const char *snap_path,
                            uint64_t journal_id, uint32_t max_len,
                            bxs_header *h, int *fd_out, uint64_t *size_out,
                            char *why, size_t why_size)
{
    *fd_out = -1;
    int fd = open(snap_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return bxi_error(ctx, BX_ENOTFOUND, "%s: no snapshot", snap_path);
        snprintf(why, why_size, "cannot open it: %s", strerror(errno));
        return bxi_error(ctx, BX_EIO, "%s: %s", snap_path, why);
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        snprintf(why, why_size, "cannot stat it: %s", strerror(errno));
        close(fd);
        return bxi_error(ctx, BX_EIO, "%s: %s", snap_path, why);
    }
    bxj_cursor c;
    bx_status st = bxi_journal_cursor_init(&c, ctx, snap_path, fd, NULL, (uint64_t)sb.st_size);
    const unsigned char *head = NULL;
    if (st == BX_OK)
        st = bxi_journal_view(&c, 0, BXS_HEADER_SIZE, &head);
    if (st == BX_OK) {
        const char *bad = head == NULL
                              ? "shorter than a snapshot header"
                              : bxi_snapshot_header_decode(head, BXS_HEADER_SIZE, h);
        if (bad == NULL && h->journal_id != journal_id)
            bad = "it belongs to another journal";
        if (bad != NULL) {
            snprintf(why, why_size, "%s", bad);
            st = bxi_error(ctx, BX_EINPUT, "%s: %s", snap_path, why);
        }
    }
    if (st == BX_OK)
        st = walk_items(&c, h, max_len, NULL, NULL, why, why_size);
    bxi_journal_cursor_free(&c);
    if (st != BX_OK) {
        close(fd);
        return st;
    }
    *fd_out = fd;
    *size_out = (uint64_t)sb.st_size;
    return BX_OK;
}

bx_status bxi_journal_snapshot_deliver(bx_ctx *ctx, const char *snap_path, int fd,
                               uint64_t size, uint32_t max_len,
                               bx_journal_replay_fn fn, void *ud)
{
    bxj_cursor c;
    bx_status st = bxi_journal_cursor_init(&c, ctx, snap_path, fd, NULL, size);
    const unsigned char *head = NULL;
    bxs_header h;
    char why[160];
    if (st == BX_OK)
        st = bxi_journal_view(&c, 0, BXS_HEADER_SIZE, &head);
    if (st == BX_OK && (head == NULL || bxi_snapshot_header_decode(head, BXS_HEADER_SIZE, &h)))
        st = bxi_error(ctx, BX_EIO, "%s: changed while being read", snap_path);
    if (st == BX_OK)
        st = walk_items(&c, &h, max_len, fn, ud, why, sizeof why);
    bxi_journal_cursor_free(&c);
    return st;
}

/* ---- writing a snapshot ------------------------------------------------- */

struct bx_snapshot_writer {
    bx_journal *j;
    char *tmp;
    int fd;
    bxs_header h;
    unsigned char *buf;
    size_t len;
    uint64_t off; /* where buf goes in the file */
};

static bx_status snap_fail(bx_snapshot_writer *w, const char *what)
{
    int e = errno;
    bx_status st = bxi_error(w->j->ctx, BX_EIO, "%s: %s: %s", w->j->snap_path, what,
                            strerror(e));
    bx_snapshot_abort(w);
    return st;
}

/* Remove BASE.tmp.XXXXXX files (mkstemp's six characters) from BASE's
 * directory: temporaries of a snapshot or a compaction whose process was
 * killed before it could rename or remove them. Only the lock holder makes
 * such files, and only while it holds the lock, so under the lock every
 * one there is stale. Best effort: a file that stays is only disk space. */
static void remove_stale_temporaries(const char *base)
{
    const char *slash = strrchr(base, '/');
    char dir[4096];
    const char *name = slash ? slash + 1 : base;
    size_t dn = slash == NULL ? 0 : slash == base ? 1 : (size_t)(slash - base);
    if (dn >= sizeof dir)
        return;
    if (slash == NULL)
        strcpy(dir, ".");
    else {
        memcpy(dir, base, dn);
        dir[dn] = '\0';
    }
    size_t nn = strlen(name);
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *f = e->d_name;
        if (strlen(f) != nn + 11 || memcmp(f, name, nn) != 0 || memcmp(f + nn, ".tmp.", 5) != 0)
            continue;
        bool random = true; /* mkstemp fills in letters and digits */
        for (size_t i = nn + 5; i < nn + 11; i++)
            random &= (f[i] >= 'a' && f[i] <= 'z') || (f[i] >= 'A' && f[i] <= 'Z') ||
                      (f[i] >= '0' && f[i] <= '9');
        if (random)
            (void)unlinkat(dfd, f, 0);
    }
    closedir(d);
}

bx_status bx_journal_snapshot_begin(bx_journal *j, bx_snapshot_writer **out)
{
    if (j == NULL || out == NULL)
        return j == NULL ? BX_EINVAL
                         : bxi_error(j->ctx, BX_EINVAL, "bx_journal_snapshot_begin: bad argument");
    *out = NULL;
    bx_status st = bxi_journal_writable(j);
    if (st == BX_OK)
        st = bxi_journal_flush(j);
    if (st != BX_OK)
        return st;
    bx_ctx *ctx = j->ctx;
    remove_stale_temporaries(j->snap_path);
    remove_stale_temporaries(j->path);
    bx_snapshot_writer *w = bx_alloc(ctx, sizeof *w);
    if (w == NULL)
        return BX_ENOMEM;
    memset(w, 0, sizeof *w);
    w->j = j;
    w->fd = -1;
    w->tmp = bxi_journal_path_with(ctx, j->snap_path, ".tmp.XXXXXX");
    w->buf = bx_alloc(ctx, SNAP_BUFFER);
    if (w->tmp == NULL || w->buf == NULL) {
        bx_snapshot_abort(w);
        return BX_ENOMEM;
    }
    w->fd = mkstemp(w->tmp);
    if (w->fd < 0) {
        w->tmp[0] = '\0';
        return snap_fail(w, "cannot create a snapshot here");
    }
    w->h.journal_id = j->journal_id;
    w->h.seq = j->last_seq;
    w->h.base_seq = j->base_seq;
    w->h.last_offset = j->last_seq >= j->base_seq ? j->last_frame_off : 0;
    w->off = BXS_HEADER_SIZE; /* the header is written last */
    *out = w;
    return BX_OK;
}

static bool snap_flush(bx_snapshot_writer *w)
{
    if (w->len == 0)
        return true;
    if (!bxi_journal_pwrite_all(w->fd, w->buf, w->len, w->off))
        return false;
    w->off += w->len;
    w->len = 0;
    return true;
}

bx_status bx_snapshot_put(bx_snapshot_writer *w, const void *data, size_t len)
{
    if (w == NULL)
        return BX_EINVAL;
    bx_ctx *ctx = w->j->ctx;
    const char *why;
    size_t at;
    if (data == NULL || len == 0 || len > w->j->opts.max_record_bytes)
        return bxi_error(ctx, BX_EINVAL, "snapshot item of %zu bytes", len);
    if (!bxi_cbor_check_item(data, len, BXJ_CBOR_DEPTH, &why, &at))
        return bxi_error(ctx, BX_EINVAL, "snapshot item is not one CBOR item (%s at byte %zu)",
                        why, at);
    if (w->len + BXJ_FRAME_SIZE + len > SNAP_BUFFER && !snap_flush(w)) {
        int e = errno;
        errno = e;
        return bxi_error(ctx, BX_EIO, "%s: cannot write: %s", w->tmp, strerror(e));
    }
    uint64_t n = ++w->h.items;
    unsigned char frame[BXJ_FRAME_SIZE];
    bxi_journal_frame_encode(n, n - 1, data, (uint32_t)len, frame);
    if (BXJ_FRAME_SIZE + len > SNAP_BUFFER) {
        if (!bxi_journal_pwrite_all(w->fd, frame, sizeof frame, w->off) ||
            !bxi_journal_pwrite_all(w->fd, data, len, w->off + BXJ_FRAME_SIZE))
            return bxi_error(ctx, BX_EIO, "%s: cannot write: %s", w->tmp, strerror(errno));
        w->off += BXJ_FRAME_SIZE + len;
        return BX_OK;
    }
    memcpy(w->buf + w->len, frame, sizeof frame);
    memcpy(w->buf + w->len + BXJ_FRAME_SIZE, data, len);
    w->len += BXJ_FRAME_SIZE + len;
    return BX_OK;
}

bx_status bx_snapshot_commit(bx_snapshot_writer *w)
{
    if (w == NULL)
        return BX_EINVAL;
    bx_journal *j = w->j;
    unsigned char head[BXS_HEADER_SIZE];
    bxi_snapshot_header_encode(&w->h, head);
    if (!snap_flush(w) || !bxi_journal_pwrite_all(w->fd, head, sizeof head, 0) ||
        fdatasync(w->fd) != 0)
        return snap_fail(w, "cannot write the snapshot");
    /* mkstemp makes the file 0600; a snapshot is as readable as its journal */
    struct stat sb;
    if (fstat(j->fd, &sb) == 0)
        (void)fchmod(w->fd, sb.st_mode & 0666);
    int r = close(w->fd);
    w->fd = -1;
    if (r != 0 || rename(w->tmp, j->snap_path) != 0)
        return snap_fail(w, "cannot put the snapshot in place");
    w->tmp[0] = '\0';
    if (!bxi_sync_dir(j->snap_path))
        return snap_fail(w, "cannot sync its directory");
    j->snap_committed_seq = w->h.seq;
    j->has_snap_committed = true;
    bx_snapshot_abort(w); /* nothing left to undo: just frees */
    return BX_OK;
}

void bx_snapshot_abort(bx_snapshot_writer *w)
{
    if (w == NULL)
        return;
    bx_ctx *ctx = w->j->ctx;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp != NULL && w->tmp[0] != '\0')
        remove(w->tmp);
    bx_free(ctx, w->buf);
    bx_free(ctx, w->tmp);
    bx_free(ctx, w);
}

/* ---- compaction --------------------------------------------------------- */

bx_status bx_journal_compact(bx_journal *j, const char *archive_path)
{
    if (j == NULL)
        return BX_EINVAL;
    bx_ctx *ctx = j->ctx;
    bx_status st = bxi_journal_writable(j);
    if (st == BX_OK)
        st = bxi_journal_flush(j);
    if (st != BX_OK)
        return st;
    if (!j->has_snap_committed || j->snap_committed_seq != j->last_seq)
        return bxi_error(ctx, BX_EINVAL, "%s: compaction needs a snapshot of record %llu "
                        "taken on this handle first", j->path,
                        (unsigned long long)j->last_seq);
    char *tmp = bxi_journal_path_with(ctx, j->path, ".tmp.XXXXXX");
    if (tmp == NULL)
        return BX_ENOMEM;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = bxi_error(ctx, BX_EIO, "%s: cannot create a file here: %s", j->path,
                      strerror(errno));
        bx_free(ctx, tmp);
        return st;
    }
    struct stat sb;
    if (fstat(j->fd, &sb) == 0)
        (void)fchmod(fd, sb.st_mode & 0666);
    unsigned char head[BXJ_HEADER_SIZE];
    bxj_header h = {j->journal_id, j->last_seq + 1};
    bxi_journal_header_encode(&h, head);
    const char *what = NULL;
    bool linked = false;
    /* The new file is locked before it gets the journal's name, so no other
     * writer can slip in between. The archive is a second name for the old
     * file, made before the new one takes the journal's name. */
    if (!bxi_journal_pwrite_all(fd, head, sizeof head, 0) || fdatasync(fd) != 0) {
        what = "cannot write the new journal";
    } else if (!bxi_journal_lock(fd, 0)) {
        what = "cannot lock the new journal";
    } else if (archive_path != NULL) {
        if (link(j->path, archive_path) != 0)
            what = "cannot keep the old journal under the archive name";
        else if (!(linked = true) || !bxi_sync_dir(archive_path))
            what = "cannot sync the archive's directory";
    }
    if (what == NULL && rename(tmp, j->path) != 0)
        what = "cannot put the new journal in place";
    if (what != NULL) {
        int e = errno;
        close(fd);
        remove(tmp);
        if (linked)
            remove(archive_path);
        bx_free(ctx, tmp);
        return bxi_error(ctx, BX_EIO, "%s: %s: %s", j->path, what, strerror(e));
    }
    bx_free(ctx, tmp);
    if (!bxi_sync_dir(j->path)) {
        /* the rename happened; only its durability is in doubt */
        bxi_warn(ctx, NULL, "%s: cannot sync the directory after compaction: %s", j->path,
                strerror(errno));
    }
    close(j->fd); /* releases the old file's lock: waiters find the new file */
    j->fd = fd;
    j->base_seq = j->last_seq + 1;
    j->end_off = BXJ_HEADER_SIZE;
    j->last_frame_off = 0;
    j->info.base_seq = j->base_seq;
    j->info.end_offset = BXJ_HEADER_SIZE;
    j->info.file_bytes = BXJ_HEADER_SIZE;
    j->info.records = 0;
    return BX_OK;
}

/* ---- checking a journal end to end -------------------------------------- */

bx_status bx_journal_verify(bx_ctx *ctx, const char *path,
                            bx_journal_replay_fn replay, void *ud,
                            bx_journal_report *report)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (path == NULL || report == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_journal_verify: bad argument");
    memset(report, 0, sizeof *report);
    bx_journal_info *info = &report->info;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bxi_error(ctx, errno == ENOENT ? BX_ENOTFOUND : BX_EIO, "%s: %s", path,
                        strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return bxi_error(ctx, BX_EIO, "%s: %s", path, strerror(e));
    }
    uint64_t size = (uint64_t)sb.st_size;
    info->file_bytes = size;
    info->writer_active = bxi_journal_lock_held_elsewhere(fd);
    bxj_cursor c;
    bx_status st = bxi_journal_cursor_init(&c, ctx, path, fd, NULL, size);
    const unsigned char *head = NULL;
    bxj_header h = {0, 1};
    if (st == BX_OK)
        st = bxi_journal_view(&c, 0, size < BXJ_HEADER_SIZE ? (size_t)size : BXJ_HEADER_SIZE, &head);
    if (st == BX_OK && size <= BXJ_HEADER_SIZE &&
        (size == 0 || (head != NULL && bxi_journal_unfinished_creation(head, (size_t)size)))) {
        /* a creation that never finished: no record was ever in it */
        info->torn_bytes = size;
        info->base_seq = 1;
        report->ok = size == 0;
        bxi_journal_cursor_free(&c);
        close(fd);
        return BX_OK;
    }
    const char *why = NULL;
    if (st == BX_OK && (why = bxi_journal_header_decode(head, (size_t)(size < BXJ_HEADER_SIZE ? size : BXJ_HEADER_SIZE), &h)) != NULL) {
        bx_location at = {.file = path, .offset = 0};
        st = bxi_input_error(ctx, BX_EINPUT, &at, "%s", why);
    }
    if (st == BX_OK) {
        info->journal_id = h.journal_id;
        info->base_seq = h.base_seq;
        info->last_seq = h.base_seq - 1;
        bxj_scan s = {0};
        s.start_off = BXJ_HEADER_SIZE;
        s.expect_seq = h.base_seq;
        s.max_len = BX_JOURNAL_RECORD_LIMIT;
        s.check_cbor = true;
        s.writer_active = info->writer_active;
        s.fn = replay;
        s.ud = ud;
        st = bxi_journal_scan_records(&c, &s, info);
    }
    bxi_journal_cursor_free(&c);
    close(fd);
    if (st != BX_OK)
        return st;

    size_t n = strlen(path) + sizeof ".snap";
    char *snap = bx_alloc(ctx, n);
    if (snap == NULL)
        return BX_ENOMEM;
    snprintf(snap, n, "%s.snap", path);
    bxs_header sh;
    int sfd = -1;
    uint64_t ssize = 0;
    st = bxi_journal_snapshot_open(ctx, snap, h.journal_id, BX_JOURNAL_RECORD_LIMIT, &sh, &sfd,
                           &ssize, report->snapshot_problem,
                           sizeof report->snapshot_problem);
    bx_free(ctx, snap);
    if (sfd >= 0)
        close(sfd);
    if (st == BX_ENOTFOUND) {
        bx_ctx_clear_error(ctx);
    } else if (st == BX_OK || st == BX_EINPUT || st == BX_EIO) {
        report->snapshot_present = true;
        report->snapshot_ok = st == BX_OK;
        if (st == BX_OK) {
            report->snapshot_seq = sh.seq;
            report->snapshot_items = sh.items;
            if (sh.seq + 1 < h.base_seq) {
                report->snapshot_ok = false;
                snprintf(report->snapshot_problem, sizeof report->snapshot_problem,
                         "it is of record %llu, older than the journal's first (%llu)",
                         (unsigned long long)sh.seq, (unsigned long long)h.base_seq);
            } else if (sh.seq > info->last_seq && !info->damaged) {
                /* (with damage, records after it are not counted: a
                 * snapshot past the damage may well be the pool's good
                 * state, which an open uses without reading the damage) */
                report->snapshot_ok = false;
                snprintf(report->snapshot_problem, sizeof report->snapshot_problem,
                         "it is of record %llu, beyond the last intact record (%llu)",
                         (unsigned long long)sh.seq, (unsigned long long)info->last_seq);
            }
        }
        bx_ctx_clear_error(ctx);
    } else {
        return st;
    }
    if (h.base_seq > 1 && !report->snapshot_ok && report->snapshot_problem[0] == '\0')
        snprintf(report->snapshot_problem, sizeof report->snapshot_problem,
                 "the journal was compacted (first record %llu) and has no snapshot",
                 (unsigned long long)h.base_seq);
    report->ok = !info->damaged && info->torn_bytes == 0 &&
                 report->snapshot_problem[0] == '\0';
    return BX_OK;
}

bx_status bx_journal_read_snapshot(bx_ctx *ctx, const char *path,
                                   bx_journal_replay_fn replay, void *ud,
                                   uint64_t *seq)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (path == NULL || seq == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_journal_read_snapshot: bad argument");
    *seq = 0;
    /* The journal's id ties the snapshot to it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bxi_error(ctx, errno == ENOENT ? BX_ENOTFOUND : BX_EIO, "%s: %s", path,
                        strerror(errno));
    unsigned char head[BXJ_HEADER_SIZE];
    ssize_t r = pread(fd, head, sizeof head, 0);
    close(fd);
    bxj_header h;
    const char *why = bxi_journal_header_decode(head, r > 0 ? (size_t)r : 0, &h);
    if (why != NULL) {
        bx_location at = {.file = path, .offset = 0};
        return bxi_input_error(ctx, BX_EINPUT, &at, "%s", why);
    }
    size_t n = strlen(path) + sizeof ".snap";
    char *snap = bx_alloc(ctx, n);
    if (snap == NULL)
        return BX_ENOMEM;
    snprintf(snap, n, "%s.snap", path);
    bxs_header sh;
    int sfd = -1;
    uint64_t ssize = 0;
    char problem[160];
    bx_status st = bxi_journal_snapshot_open(ctx, snap, h.journal_id, BX_JOURNAL_RECORD_LIMIT, &sh,
                                     &sfd, &ssize, problem, sizeof problem);
    if (st == BX_OK)
        st = bxi_journal_snapshot_deliver(ctx, snap, sfd, ssize, BX_JOURNAL_RECORD_LIMIT, replay, ud);
    if (sfd >= 0)
        close(sfd);
    bx_free(ctx, snap);
    if (st == BX_OK)
        *seq = sh.seq;
    return st;
}
