/*
 * boxcar/journal.h: an append-only, crash-safe journal of CBOR records.
 *
 * A journal is one file of records, each a single CBOR data item, framed
 * with its length, a sequence number and CRC-32C checksums
 * (docs/formats.md, "Journal" describes every byte). It is the memory of
 * the reusable-container pool (boxcar/pool.h), but knows nothing of
 * containers: any CBOR payload will do.
 *
 * Durability. An append is acknowledged (the call returns BX_OK) only once
 * the record is on stable storage (fdatasync). In group-commit mode the
 * records of a batch are written and synced together, and acknowledged by
 * the call that flushes the batch (bx_journal_sync, or the append that
 * fills it); bx_journal_durable_seq says how far that is.
 *
 * Recovery on open. An unfinished last record (a torn tail: the file ends
 * inside it, or a disk sector of it was never written and reads as zeros;
 * the writer died while appending) is cut off and reported. A damaged
 * record (bit rot, a bad sector, an edit: all its bytes are there but they
 * do not verify), the last one included, is reported with its byte offset
 * and never skipped: the journal opens with the records before it, refuses
 * appends, and waits for an explicit bx_journal_repair.
 * Each record also says which records were already durable when it was
 * written; that tells a torn group-commit batch (never acknowledged) from
 * damage to acknowledged records. A writer's open syncs the records it
 * recovered, and the directory entry of the file, before it returns.
 *
 * Concurrency. One writer at a time: a writer holds an exclusive flock(2)
 * on the file for as long as the journal is open, and a second writer
 * fails (or waits, see lock_timeout_ms). Readers (read_only) take no lock
 * and may read while a writer appends; they see every record that was
 * completely written when they reached it. A journal handle is
 * single-threaded. The lock belongs to the open file, which a child made
 * by fork(2) shares: a child that outlives the handle keeps the journal
 * locked until it exits or execs.
 *
 * Snapshots and compaction. The owner of the folded state may save it as a
 * snapshot (a file beside the journal, PATH.snap, written whole or not at
 * all) tied to a sequence number. Open then delivers the snapshot's items
 * and only the records after it, so a journal of millions of records opens
 * without replaying from zero. Compaction starts a new journal file after
 * the snapshot, optionally keeping the old one as an archive.
 *
 * Present when the library was built with CBOR (BOXCAR_HAVE_CBOR).
 */
#ifndef BOXCAR_JOURNAL_H
#define BOXCAR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_journal bx_journal;

typedef enum bx_journal_sync_mode {
    /* fdatasync after every record before the append returns (default) */
    BX_JOURNAL_SYNC_EACH = 0,
    /* buffer records and write + fdatasync them as one batch when
     * group_records or group_bytes is reached, or on bx_journal_sync and
     * bx_journal_close; much faster, but an append that returns BX_OK
     * without flushing is not yet acknowledged */
    BX_JOURNAL_SYNC_GROUP = 1
} bx_journal_sync_mode;

/* Largest record payload a journal accepts by default, and the absolute
 * limit (the frame's length field is 32 bits, and a reader must hold a
 * record whole). */
#define BX_JOURNAL_RECORD_DEFAULT_MAX (1u << 20)
#define BX_JOURNAL_RECORD_LIMIT (64u << 20)

typedef struct bx_journal_options {
    bx_journal_sync_mode sync;    /* default BX_JOURNAL_SYNC_EACH */
    uint32_t group_records;   /* GROUP: flush after this many (default 1024) */
    size_t group_bytes;       /* GROUP: or this many bytes (default 1 MiB) */
    /* A writer waiting for another writer's lock: 0 fails at once
     * (default), > 0 waits up to that many milliseconds, < 0 waits for
     * ever. */
    int32_t lock_timeout_ms;
    bool create;              /* writer: create a missing file (default true) */
    bool read_only;           /* no lock, no appends, nothing on disk changed */
    bool use_snapshot;        /* start from PATH.snap if valid (default true) */
    /* Check that every payload is one well-formed CBOR item (appends always
     * check this; replay trusts the checksum unless this is set). */
    bool check_cbor;
    uint32_t max_record_bytes; /* default BX_JOURNAL_RECORD_DEFAULT_MAX */
} bx_journal_options;

BX_API void bx_journal_options_init(bx_journal_options *opts);

/* What a journal handed to the replay callback. */
typedef enum bx_journal_item_kind {
    BX_JOURNAL_SNAPSHOT_ITEM = 1, /* an item of the snapshot, in order */
    BX_JOURNAL_RECORD = 2         /* a record after the snapshot */
} bx_journal_item_kind;

typedef struct bx_journal_item {
    bx_journal_item_kind kind;
    uint64_t seq;     /* record: its sequence number; snapshot item: 1, 2.. */
    uint64_t offset;  /* byte offset of its frame in its file */
    const unsigned char *data; /* the CBOR payload, borrowed for the call */
    size_t len;
    uint64_t total;   /* snapshot item: how many the snapshot holds; record: 0 */
} bx_journal_item;

/* Called for each snapshot item, then for each record after the snapshot,
 * in order. A status other than BX_OK stops the open, which fails with it
 * (the callback should have recorded a message on the context). */
typedef bx_status (*bx_journal_replay_fn)(void *ud, const bx_journal_item *item);

/* What an open (or a scan) found. Offsets are bytes from the start of the
 * journal file. */
typedef struct bx_journal_info {
    uint64_t journal_id;      /* random, fixed when the journal was created */
    uint64_t base_seq;        /* sequence number of the file's first record */
    uint64_t last_seq;        /* last intact record (base_seq - 1: none) */
    uint64_t records;         /* intact records in the part scanned */
    uint64_t end_offset;      /* end of the last intact record */
    uint64_t file_bytes;      /* file size when opened */
    bool created;             /* a new, empty journal was made */
    /* snapshot */
    bool snapshot_used;       /* replay started from PATH.snap */
    uint64_t snapshot_seq;    /* its sequence number, 0 if none */
    uint64_t snapshot_items;
    char snapshot_problem[160]; /* why a snapshot was not used, "" if none */
    uint64_t records_replayed; /* records delivered after the snapshot */
    /* A torn tail: bytes after end_offset that are no complete record.
     * A writer cut them off (and kept a copy in torn_saved_as when they held
     * intact records or a whole frame); a reader only reports them. */
    uint64_t torn_bytes;
    uint64_t torn_intact;     /* intact, never-acknowledged records in it */
    char torn_saved_as[256];
    /* Damage: a record that fails its checks, and either intact records
     * written after it was durable follow it, or it is whole (no torn
     * write: docs/formats.md, "Recovery"). */
    bool damaged;
    uint64_t damage_offset;   /* where the damaged record starts */
    uint64_t damage_seq;      /* the sequence number expected there */
    uint64_t resume_offset;   /* the next intact record after it; 0 if none */
    uint64_t intact_after;    /* intact records after the damage */
    char damage_reason[96];   /* "checksum mismatch", ... */
    bool writer_active;       /* read-only: another process holds the lock */
} bx_journal_info;

/* Open (or create) the journal at `path`, recover it and replay it.
 *
 * A writer (read_only false) takes the lock, creates the file if allowed,
 * cuts a torn tail, and is ready to append at the end; a reader changes
 * nothing. With use_snapshot and a valid PATH.snap for this journal, the
 * snapshot's items come first and then the records after it; otherwise
 * every record from the start. replay may be NULL to skip delivery.
 * info may be NULL.
 *
 * Damage in the middle does not fail the open: *out is a handle whose state
 * ends before the damage, info->damaged is set, the context's warning list
 * has the message, and appends fail (BX_EINPUT) until bx_journal_repair.
 *
 * Errors: BX_ENOTFOUND (no file and not creating), BX_EIO (with the
 * system's reason; also "locked by another writer"), BX_EINPUT (not a
 * journal, a damaged header, a snapshot the journal needs but cannot use),
 * BX_ELIMIT (a record larger than max_record_bytes), BX_ENOMEM, or the
 * replay callback's status. On error *out is NULL and nothing was changed
 * except that a writer may have created an empty journal. */
BX_API bx_status bx_journal_open(bx_ctx *ctx, bx_journal **out,
                                 const char *path,
                                 const bx_journal_options *opts,
                                 bx_journal_replay_fn replay, void *ud,
                                 bx_journal_info *info);

/* Append one record: `data` must be exactly one well-formed CBOR item of
 * 1..max_record_bytes bytes (BX_EINPUT otherwise, and nothing is written).
 * On BX_OK *seq (may be NULL) is its sequence number; with SYNC_EACH the
 * record is durable. Errors: BX_EINVAL (a read-only handle), BX_EINPUT (bad
 * payload; or the journal is damaged and awaits repair), BX_EIO (a write or
 * sync failed: the handle refuses further appends, reopen it; recovery then
 * finds what reached the disk). */
BX_API bx_status bx_journal_append(bx_journal *j, const void *data, size_t len,
                                   uint64_t *seq);

/* Write and sync any buffered records (group commit). BX_OK when every
 * appended record is durable. */
BX_API bx_status bx_journal_sync(bx_journal *j);

/* Sequence number of the last record appended (buffered or not), and of the
 * last one known durable. */
BX_API uint64_t bx_journal_last_seq(const bx_journal *j);
BX_API uint64_t bx_journal_durable_seq(const bx_journal *j);

/* What the open found (and repair changed). Borrowed. */
BX_API const bx_journal_info *bx_journal_get_info(const bx_journal *j);

/* Sync buffered records, release the lock and free the handle. Returns the
 * sync's status (the handle is freed either way). NULL is a no-op. */
BX_API bx_status bx_journal_close(bx_journal *j);

/* Cut a damaged journal at the damaged record so that appends can go on.
 * The cut bytes (the damaged record and every record after it) are first
 * kept in PATH.damaged-OFFSET, itself readable as a journal whose first
 * record is the damaged one, so that nothing is destroyed; `saved_as` (may
 * be NULL) receives that path. A journal without damage is left alone.
 * Writers only (BX_EINVAL otherwise). */
BX_API bx_status bx_journal_repair(bx_journal *j, char *saved_as,
                                   size_t saved_as_size);

/* ---- snapshots and compaction ------------------------------------------ */

typedef struct bx_snapshot_writer bx_snapshot_writer;

/* Start a snapshot of the state as of bx_journal_last_seq(j) (buffered
 * records are synced first). The caller then puts its state as CBOR items
 * and commits; the snapshot replaces PATH.snap atomically. Writers only.
 * Temporaries that a snapshot or compaction killed before its end left
 * beside the journal (PATH.tmp.XXXXXX, PATH.snap.tmp.XXXXXX) are removed
 * first: under the writer's lock no other process can be making them. */
BX_API bx_status bx_journal_snapshot_begin(bx_journal *j,
                                           bx_snapshot_writer **out);
/* One item: one well-formed CBOR data item. */
BX_API bx_status bx_snapshot_put(bx_snapshot_writer *w, const void *data,
                                 size_t len);
/* Write, sync and rename into place; frees w. */
BX_API bx_status bx_snapshot_commit(bx_snapshot_writer *w);
/* Drop an unfinished snapshot; frees w. NULL is a no-op. */
BX_API void bx_snapshot_abort(bx_snapshot_writer *w);

/* Start a new journal file whose first record will be last_seq + 1, right
 * after a snapshot of last_seq was committed on this handle (BX_EINVAL
 * otherwise). The old file is kept as `archive_path` when that is not NULL
 * (it must not exist yet), else removed. Writers waiting for the lock move
 * on to the new file by themselves. */
BX_API bx_status bx_journal_compact(bx_journal *j, const char *archive_path);

/* ---- reading without opening ------------------------------------------- */

/* Scan a journal image in memory as a reader would open it (never a
 * snapshot): every record is checked (checksums, sequence, and with
 * opts->check_cbor its CBOR) and handed to replay (may be NULL). `name` is
 * used in messages. Damage and torn tails are reported in *info, not as
 * errors; BX_EINPUT only when the header is not a journal's. opts may be
 * NULL (check_cbor on). */
BX_API bx_status bx_journal_scan_mem(bx_ctx *ctx, const char *name,
                                     const void *data, size_t size,
                                     const bx_journal_options *opts,
                                     bx_journal_replay_fn replay, void *ud,
                                     bx_journal_info *info);

/* Check a journal file end to end: the header, every record's checksums,
 * sequence and CBOR, and PATH.snap if there is one (checksums, journal,
 * sequence range). Read-only. replay (may be NULL) sees every record from
 * the first. Problems go into *report; the status is BX_OK when the file
 * could be read at all (look at report->ok). */
typedef struct bx_journal_report {
    bx_journal_info info;     /* as a full scan from the first record */
    bool ok;                  /* no damage, no torn tail, snapshot fine */
    bool snapshot_present;
    bool snapshot_ok;
    uint64_t snapshot_seq, snapshot_items;
    char snapshot_problem[160];
} bx_journal_report;

BX_API bx_status bx_journal_verify(bx_ctx *ctx, const char *path,
                                   bx_journal_replay_fn replay, void *ud,
                                   bx_journal_report *report);

/* Hand the items of the journal's snapshot (PATH.snap) to replay, after
 * checking it whole; *seq receives the record it was taken at. Read-only.
 * BX_ENOTFOUND if there is none, BX_EINPUT if it is unusable. */
BX_API bx_status bx_journal_read_snapshot(bx_ctx *ctx, const char *path,
                                          bx_journal_replay_fn replay, void *ud,
                                          uint64_t *seq);

/* The snapshot file used for a journal path: PATH.snap, into buf. Returns
 * false if buf is too small. */
BX_API bool bx_journal_snapshot_path(const char *path, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
