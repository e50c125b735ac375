/*
 * journal.c: opening (locking, recovering, replaying), appending with
 * fsync or group commit, and repairing a journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbor_pull.h"
#include "journal_internal.h"

void bx_journal_options_init(bx_journal_options *opts)
{
    if (opts == NULL)
        return;
    memset(opts, 0, sizeof *opts);
    opts->sync = BX_JOURNAL_SYNC_EACH;
    opts->group_records = 1024;
    opts->group_bytes = (size_t)1 << 20;
    opts->lock_timeout_ms = 0;
    opts->create = true;
    opts->use_snapshot = true;
    opts->max_record_bytes = BX_JOURNAL_RECORD_DEFAULT_MAX;
}

static bx_status sys_error(bx_ctx *ctx, const char *path, const char *what)
{
    int e = errno;
    return bxi_error(ctx, e == ENOENT ? BX_ENOTFOUND : BX_EIO, "%s: %s: %s", path,
                    what, strerror(e));
}

/* Open the file; a writer also takes the lock. A compaction may replace
 * the file while we wait for its lock, so once we hold it we check that
 * the path still names the file we locked. */
static bx_status open_file(bx_journal *j)
{
    const bx_journal_options *o = &j->opts;
    for (int attempt = 0; attempt < 100; attempt++) {
        int flags = o->read_only ? O_RDONLY : O_RDWR | (o->create ? O_CREAT : 0);
        int fd = open(j->path, flags | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == ENOENT)
                return bxi_error(j->ctx, BX_ENOTFOUND, "%s: no such journal", j->path);
            return sys_error(j->ctx, j->path, "cannot open");
        }
        if (o->read_only) {
            j->fd = fd;
            return BX_OK;
        }
        if (!bxi_journal_lock(fd, o->lock_timeout_ms)) {
            int e = errno;
            close(fd);
            if (e == EWOULDBLOCK)
                return bxi_error(j->ctx, BX_EIO,
                                "%s: locked by another writer (another process has "
                                "this journal open for appending)", j->path);
            errno = e;
            return sys_error(j->ctx, j->path, "cannot lock");
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(j->path, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            j->fd = fd;
            return BX_OK;
        }
        close(fd);
    }
    return bxi_error(j->ctx, BX_EIO, "%s: the file kept being replaced while opening it",
                    j->path);
}

/* A file no longer than a header: a creation that never finished
 * (bxi_journal_unfinished_creation), a journal with no record yet, or not a
 * journal at all. */
static bool is_unfinished_creation(int fd, uint64_t size)
{
    unsigned char buf[BXJ_HEADER_SIZE];
    if (size > BXJ_HEADER_SIZE)
        return false;
    if (size > 0 && pread(fd, buf, (size_t)size, 0) != (ssize_t)size)
        return false;
    return bxi_journal_unfinished_creation(buf, (size_t)size);
}

static bx_status create_header(bx_journal *j)
{
    unsigned char head[BXJ_HEADER_SIZE];
    bxj_header h = {bxi_journal_new_id(), 1};
    bxi_journal_header_encode(&h, head);
    if (ftruncate(j->fd, 0) != 0 || !bxi_journal_pwrite_all(j->fd, head, sizeof head, 0) ||
        fdatasync(j->fd) != 0 || !bxi_sync_dir(j->path))
        return sys_error(j->ctx, j->path, "cannot create the journal");
    j->info.created = true;
    return BX_OK;
}

/* Copy bytes [from, size) of the journal into a new file PATH.KIND-FROM
 * that starts with a journal header (first record first_seq), so the cut
 * part stays readable. */
static bx_status save_aside(bx_journal *j, uint64_t from, uint64_t size,
                            uint64_t first_seq, const char *kind, char *saved,
                            size_t saved_size)
{
    char suffix[64];
    char *name = NULL;
    int fd = -1;
    for (int k = 0; k < 1000 && fd < 0; k++) {
        if (k == 0)
            snprintf(suffix, sizeof suffix, ".%s-%llu", kind, (unsigned long long)from);
        else
            snprintf(suffix, sizeof suffix, ".%s-%llu.%d", kind, (unsigned long long)from, k);
        bx_free(j->ctx, name);
        if ((name = bxi_journal_path_with(j->ctx, j->path, suffix)) == NULL)
            return BX_ENOMEM;
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) {
            bx_status st = sys_error(j->ctx, name, "cannot save the cut records");
            bx_free(j->ctx, name);
            return st;
        }
    }
    if (fd < 0) {
        bx_free(j->ctx, name);
        return bxi_error(j->ctx, BX_EIO, "%s: too many saved copies already", j->path);
    }
    unsigned char head[BXJ_HEADER_SIZE];
    bxj_header h = {j->journal_id, first_seq};
    bxi_journal_header_encode(&h, head);
    bool ok = bxi_journal_pwrite_all(fd, head, sizeof head, 0);
    unsigned char chunk[65536];
    uint64_t out = BXJ_HEADER_SIZE;
    for (uint64_t off = from; ok && off < size;) {
        size_t want = size - off < sizeof chunk ? (size_t)(size - off) : sizeof chunk;
        ssize_t r = pread(j->fd, chunk, want, (off_t)off);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            ok = r == 0; /* shorter than we thought: keep what there is */
            break;
        }
        ok = bxi_journal_pwrite_all(fd, chunk, (size_t)r, out);
        off += (uint64_t)r;
        out += (uint64_t)r;
    }
    ok = ok && fdatasync(fd) == 0;
    int e = errno;
    close(fd);
    if (ok)
        ok = bxi_sync_dir(name);
    else
        errno = e;
    bx_status st = BX_OK;
    if (!ok) {
        st = sys_error(j->ctx, name, "cannot save the cut records");
        remove(name);
    } else if (saved != NULL) {
        snprintf(saved, saved_size, "%s", name);
    }
    bx_free(j->ctx, name);
    return st;
}

/* Decide where replay starts: after a usable snapshot, else at the first
 * record. *snap_fd is left open on a usable snapshot (-1 otherwise). */
static bx_status choose_start(bx_journal *j, bxj_cursor *c, bxs_header *sh,
                              int *snap_fd, uint64_t *snap_size, uint64_t *start,
                              uint64_t *snap_frame)
{
    *snap_fd = -1;
    *start = BXJ_HEADER_SIZE;
    *snap_frame = 0;
    if (!j->opts.use_snapshot)
        return BX_OK;
    char why[160] = "";
    int fd = -1;
    bx_status st = bxi_journal_snapshot_open(j->ctx, j->snap_path, j->journal_id,
                                     j->opts.max_record_bytes, sh, &fd, snap_size,
                                     why, sizeof why);
    /* A compacted journal's state before its first record is in the
     * snapshot alone: without it nothing can be replayed. These are input
     * errors about the journal, reported (like any) through the
     * diagnostic callback. */
    bx_location journal_at = {.file = j->path};
    if (st == BX_ENOTFOUND) {
        bx_ctx_clear_error(j->ctx);
        if (j->base_seq > 1)
            return bxi_input_error(j->ctx, BX_EINPUT, &journal_at,
                                  "the journal starts at record %llu (it was compacted) "
                                  "but its snapshot %s is missing; the pool's state "
                                  "before that record is kept only there: restore %s",
                                  (unsigned long long)j->base_seq, j->snap_path,
                                  j->snap_path);
        return BX_OK;
    }
    if (st != BX_OK && st != BX_EINPUT)
        return st;
    bool use = false;
    if (st == BX_OK) {
        if (sh->seq + 1 == j->base_seq) {
            use = true;
        } else if (sh->seq + 1 < j->base_seq) {
            snprintf(why, sizeof why, "it is of record %llu, older than the journal's first",
                     (unsigned long long)sh->seq);
        } else {
            uint64_t at = 0;
            bxj_frame f;
            const unsigned char *payload;
            bxj_frame_status fs = BXJ_FRAME_EOF;
            if (sh->base_seq == j->base_seq && sh->last_offset >= BXJ_HEADER_SIZE) {
                st = bxi_journal_read_frame(c, sh->last_offset, j->opts.max_record_bytes, &f,
                                    &payload, &fs);
                if (st == BX_OK && fs == BXJ_FRAME_OK && f.seq == sh->seq)
                    at = sh->last_offset;
            }
            if (st == BX_OK && at == 0)
                st = bxi_journal_locate(c, BXJ_HEADER_SIZE, j->base_seq, sh->seq,
                                j->opts.max_record_bytes, &at);
            if (st == BX_OK && at != 0)
                st = bxi_journal_read_frame(c, at, j->opts.max_record_bytes, &f, &payload, &fs);
            if (st != BX_OK) {
                close(fd);
                return st;
            }
            if (at != 0 && fs == BXJ_FRAME_OK) {
                use = true;
                *start = at + BXJ_FRAME_SIZE + f.len;
                *snap_frame = at;
            } else {
                snprintf(why, sizeof why,
                         "it is of record %llu, which the journal does not reach intact",
                         (unsigned long long)sh->seq);
            }
        }
    }
    if (use) {
        *snap_fd = fd;
        j->info.snapshot_used = true;
        j->info.snapshot_seq = sh->seq;
        j->info.snapshot_items = sh->items;
        return BX_OK;
    }
    if (fd >= 0)
        close(fd);
    *start = BXJ_HEADER_SIZE;
    bx_ctx_clear_error(j->ctx);
    snprintf(j->info.snapshot_problem, sizeof j->info.snapshot_problem, "%s", why);
    if (j->base_seq > 1)
        return bxi_input_error(j->ctx, BX_EINPUT, &journal_at,
                              "the journal starts at record %llu (it was compacted) and "
                              "its snapshot %s cannot be used: %s; the pool's state "
                              "before that record is kept only there: restore %s",
                              (unsigned long long)j->base_seq, j->snap_path, why,
                              j->snap_path);
    bxi_warn(j->ctx, NULL, "%s: snapshot not used, replaying from the first record: %s",
            j->snap_path, why);
    return BX_OK;
}

static bx_status recover(bx_journal *j, bx_journal_replay_fn replay, void *ud)
{
    struct stat sb;
    if (fstat(j->fd, &sb) != 0)
        return sys_error(j->ctx, j->path, "cannot stat");
    uint64_t size = (uint64_t)sb.st_size;
    bx_status st;
    bool unfinished = is_unfinished_creation(j->fd, size);
    if (unfinished || size < BXJ_HEADER_SIZE) {
        if (!unfinished) {
            bx_location at = {.file = j->path};
            return bxi_input_error(j->ctx, BX_EINPUT, &at,
                                  "not a boxcar journal (%llu bytes, no header)",
                                  (unsigned long long)size);
        }
        if (j->opts.read_only) {
            /* nothing was ever written: an empty journal */
            j->base_seq = 1;
            j->info.base_seq = 1;
            j->info.file_bytes = size;
            j->info.torn_bytes = size;
            return BX_OK;
        }
        if ((st = create_header(j)) != BX_OK)
            return st;
        size = BXJ_HEADER_SIZE;
    }
    j->info.file_bytes = size;
    bxj_cursor c;
    if ((st = bxi_journal_cursor_init(&c, j->ctx, j->path, j->fd, NULL, size)) != BX_OK)
        return st;
    const unsigned char *head;
    bxj_header h;
    const char *why = NULL;
    if ((st = bxi_journal_view(&c, 0, BXJ_HEADER_SIZE, &head)) == BX_OK &&
        (why = bxi_journal_header_decode(head, head ? BXJ_HEADER_SIZE : 0, &h)) != NULL) {
        bx_location at = {.file = j->path, .offset = 0};
        st = bxi_input_error(j->ctx, BX_EINPUT, &at, "%s", why);
    }
    bxs_header sh = {0};
    int snap_fd = -1;
    uint64_t start = BXJ_HEADER_SIZE, snap_frame = 0, snap_size = 0;
    if (st == BX_OK) {
        j->journal_id = h.journal_id;
        j->base_seq = h.base_seq;
        j->info.journal_id = h.journal_id;
        j->info.base_seq = h.base_seq;
        st = choose_start(j, &c, &sh, &snap_fd, &snap_size, &start, &snap_frame);
    }
    bool use = snap_fd >= 0;
    if (st == BX_OK && use && replay != NULL)
        st = bxi_journal_snapshot_deliver(j->ctx, j->snap_path, snap_fd, snap_size,
                                  j->opts.max_record_bytes, replay, ud);
    if (snap_fd >= 0)
        close(snap_fd);
    bxj_scan s = {0};
    if (st == BX_OK) {
        s.start_off = start;
        s.expect_seq = use ? sh.seq + 1 : j->base_seq;
        s.deliver_after = use ? sh.seq : 0;
        s.max_len = j->opts.max_record_bytes;
        s.check_cbor = j->opts.check_cbor;
        s.writer_active = j->opts.read_only && bxi_journal_lock_held_elsewhere(j->fd);
        s.fn = replay;
        s.ud = ud;
        j->info.writer_active = s.writer_active;
        j->info.last_seq = s.expect_seq - 1;
        st = bxi_journal_scan_records(&c, &s, &j->info);
    }
    bxi_journal_cursor_free(&c);
    if (st != BX_OK)
        return st;
    j->last_seq = j->durable_seq = j->info.last_seq;
    j->end_off = j->info.end_offset;
    j->last_frame_off = s.last_frame_off != 0 ? s.last_frame_off : snap_frame;
    if (j->info.damaged) {
        bx_location at = {.file = j->path, .offset = j->info.damage_offset,
                          .record = j->info.damage_seq};
        if (j->info.intact_after > 0)
            bxi_warn(j->ctx, &at,
                    "damaged record (%s); %llu intact records follow it from byte %llu; "
                    "the journal is read up to the damage and refuses appends until it "
                    "is repaired", j->info.damage_reason,
                    (unsigned long long)j->info.intact_after,
                    (unsigned long long)j->info.resume_offset);
        else
            bxi_warn(j->ctx, &at,
                    "damaged last record (%s): it is whole but its bytes are wrong, so "
                    "it is no unfinished write; the journal is read up to it and "
                    "refuses appends until it is repaired (which keeps a copy)",
                    j->info.damage_reason);
        return BX_OK;
    }
    /* Records recovered from the page cache may not be on the disk yet;
     * sync them now, so that "durable" means the same for them as for the
     * records this writer will append. */
    if (!j->opts.read_only && j->info.torn_bytes == 0 && fdatasync(j->fd) != 0)
        return sys_error(j->ctx, j->path, "cannot sync");
    /* Its name too: a writer that died after creating the file may not
     * have synced the directory, and a record acknowledged in a file whose
     * name is lost on power failure is lost with it. */
    if (!j->opts.read_only && !j->info.created && !bxi_sync_dir(j->path))
        return sys_error(j->ctx, j->path, "cannot sync its directory");
    if (j->info.torn_bytes > 0 && !j->opts.read_only) {
        if (s.torn_keep &&
            (st = save_aside(j, j->end_off, size, j->last_seq + 1, "torn",
                             j->info.torn_saved_as, sizeof j->info.torn_saved_as)) != BX_OK)
            return st;
        if (ftruncate(j->fd, (off_t)j->end_off) != 0 || fdatasync(j->fd) != 0)
            return sys_error(j->ctx, j->path, "cannot cut the torn tail");
        bx_location at = {.file = j->path, .offset = j->end_off};
        if (j->info.torn_saved_as[0] != '\0')
            bxi_warn(j->ctx, &at, "cut an unfinished tail of %llu bytes (%llu intact "
                    "records never acknowledged); a copy is in %s",
                    (unsigned long long)j->info.torn_bytes,
                    (unsigned long long)j->info.torn_intact, j->info.torn_saved_as);
        else
            bxi_warn(j->ctx, &at, "cut an unfinished record of %llu bytes at the end",
                    (unsigned long long)j->info.torn_bytes);
    }
    return BX_OK;
}

static void journal_free(bx_journal *j)
{
    if (j == NULL)
        return;
    bx_ctx *ctx = j->ctx;
    if (j->fd >= 0)
        close(j->fd); /* releases the lock */
    bx_free(ctx, j->wbuf);
    bx_free(ctx, j->snap_path);
    bx_free(ctx, j->path);
    bx_free(ctx, j);
}

bx_status bx_journal_open(bx_ctx *ctx, bx_journal **out, const char *path,
                          const bx_journal_options *opts,
                          bx_journal_replay_fn replay, void *ud,
                          bx_journal_info *info)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL || path[0] == '\0')
        return bxi_error(ctx, BX_EINVAL, "bx_journal_open: bad argument");
    *out = NULL;
    bx_journal *j = bx_alloc(ctx, sizeof *j);
    if (j == NULL)
        return BX_ENOMEM;
    memset(j, 0, sizeof *j);
    j->ctx = ctx;
    j->fd = -1;
    bx_journal_options_init(&j->opts);
    if (opts != NULL)
        j->opts = *opts;
    if (j->opts.max_record_bytes == 0)
        j->opts.max_record_bytes = BX_JOURNAL_RECORD_DEFAULT_MAX;
    if (j->opts.max_record_bytes > BX_JOURNAL_RECORD_LIMIT)
        j->opts.max_record_bytes = BX_JOURNAL_RECORD_LIMIT;
    if (j->opts.group_records == 0)
        j->opts.group_records = 1;
    j->path = bxi_strdup(ctx, path);
    j->snap_path = bxi_journal_path_with(ctx, path, ".snap");
    bx_status st = j->path == NULL || j->snap_path == NULL ? BX_ENOMEM : BX_OK;
    if (st == BX_OK)
        st = open_file(j);
    if (st == BX_OK)
        st = recover(j, replay, ud);
    if (info != NULL)
        *info = j->info;
    if (st != BX_OK) {
        journal_free(j);
        return st;
    }
    *out = j;
    return BX_OK;
}

bx_status bxi_journal_flush(bx_journal *j)
{
    if (j->wlen == 0)
        return BX_OK;
    if (!bxi_journal_pwrite_all(j->fd, j->wbuf, j->wlen, j->end_off) || fdatasync(j->fd) != 0) {
        int e = errno;
        j->failed = true;
        /* best effort: take back what may have been half written */
        if (ftruncate(j->fd, (off_t)j->end_off) == 0)
            (void)fdatasync(j->fd);
        errno = e;
        return sys_error(j->ctx, j->path,
                         "write failed (the journal refuses appends until it is reopened)");
    }
    j->end_off += j->wlen;
    j->wlen = 0;
    j->pending = 0;
    j->durable_seq = j->last_seq;
    j->last_frame_off = j->pending_last_frame_off;
    return BX_OK;
}

bx_status bxi_journal_writable(bx_journal *j)
{
    if (j->opts.read_only)
        return bxi_error(j->ctx, BX_EINVAL, "%s: opened read-only", j->path);
    if (j->failed)
        return bxi_error(j->ctx, BX_EIO, "%s: an earlier write failed; reopen the journal",
                        j->path);
    if (j->info.damaged) {
        bx_location at = {.file = j->path, .offset = j->info.damage_offset,
                          .record = j->info.damage_seq};
        return bxi_input_error(j->ctx, BX_EINPUT, &at,
                              "damaged record (%s): nothing can be appended until the "
                              "journal is repaired", j->info.damage_reason);
    }
    return BX_OK;
}

bx_status bx_journal_append(bx_journal *j, const void *data, size_t len,
                            uint64_t *seq)
{
    if (j == NULL)
        return BX_EINVAL;
    bx_status st = bxi_journal_writable(j);
    if (st != BX_OK)
        return st;
    if (data == NULL || len == 0)
        return bxi_error(j->ctx, BX_EINPUT, "%s: an empty record", j->path);
    if (len > j->opts.max_record_bytes)
        return bxi_error(j->ctx, BX_ELIMIT, "%s: a record of %zu bytes is over the limit "
                        "of %u", j->path, len, j->opts.max_record_bytes);
    const char *why;
    size_t at;
    if (!bxi_cbor_check_item(data, len, BXJ_CBOR_DEPTH, &why, &at))
        return bxi_error(j->ctx, BX_EINPUT, "%s: a record must be one well-formed CBOR "
                        "item (%s at byte %zu)", j->path, why, at);
    size_t need = j->wlen + BXJ_FRAME_SIZE + len;
    if (need > j->wcap) {
        size_t cap = j->wcap ? j->wcap : 4096;
        while (cap < need)
            cap *= 2;
        unsigned char *p = bx_realloc(j->ctx, j->wbuf, cap);
        if (p == NULL)
            return BX_ENOMEM;
        j->wbuf = p;
        j->wcap = cap;
    }
    uint64_t n = j->last_seq + 1;
    bxi_journal_frame_encode(n, j->durable_seq, data, (uint32_t)len, j->wbuf + j->wlen);
    memcpy(j->wbuf + j->wlen + BXJ_FRAME_SIZE, data, len);
    j->pending_last_frame_off = j->end_off + j->wlen;
    j->wlen = need;
    j->pending++;
    j->last_seq = n;
    if (j->opts.sync == BX_JOURNAL_SYNC_EACH || j->pending >= j->opts.group_records ||
        j->wlen >= j->opts.group_bytes) {
        if ((st = bxi_journal_flush(j)) != BX_OK)
            return st;
    }
    if (seq != NULL)
        *seq = n;
    return BX_OK;
}

bx_status bx_journal_sync(bx_journal *j)
{
    if (j == NULL)
        return BX_EINVAL;
    if (j->opts.read_only)
        return BX_OK;
    if (j->failed)
        return bxi_error(j->ctx, BX_EIO, "%s: an earlier write failed; reopen the journal",
                        j->path);
    return bxi_journal_flush(j);
}

uint64_t bx_journal_last_seq(const bx_journal *j)
{
    return j == NULL ? 0 : j->last_seq;
}

uint64_t bx_journal_durable_seq(const bx_journal *j)
{
    return j == NULL ? 0 : j->durable_seq;
}

const bx_journal_info *bx_journal_get_info(const bx_journal *j)
{
    return j == NULL ? NULL : &j->info;
}

bx_status bx_journal_close(bx_journal *j)
{
    if (j == NULL)
        return BX_OK;
    bx_status st = BX_OK;
    if (!j->opts.read_only && !j->failed)
        st = bxi_journal_flush(j);
    journal_free(j);
    return st;
}

bx_status bx_journal_repair(bx_journal *j, char *saved_as, size_t saved_as_size)
{
    if (j == NULL)
        return BX_EINVAL;
    if (saved_as != NULL && saved_as_size > 0)
        saved_as[0] = '\0';
    if (j->opts.read_only || j->failed)
        return bxi_error(j->ctx, j->failed ? BX_EIO : BX_EINVAL,
                        "%s: repair needs a writable, healthy handle", j->path);
    if (!j->info.damaged)
        return BX_OK;
    struct stat sb;
    if (fstat(j->fd, &sb) != 0)
        return sys_error(j->ctx, j->path, "cannot stat");
    uint64_t cut = j->info.damage_offset;
    bx_status st = save_aside(j, cut, (uint64_t)sb.st_size, j->info.damage_seq,
                              "damaged", saved_as, saved_as_size);
    if (st != BX_OK)
        return st;
    if (ftruncate(j->fd, (off_t)cut) != 0 || fdatasync(j->fd) != 0)
        return sys_error(j->ctx, j->path, "cannot cut the damaged records");
    j->end_off = cut;
    j->info.damaged = false;
    j->info.end_offset = cut;
    j->info.file_bytes = cut;
    return BX_OK;
}
