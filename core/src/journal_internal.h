/*
 * journal_internal.h: what the journal's source files share. Private.
 *
 * On-disk layout (docs/formats.md, "Journal", is the reference; all
 * integers little-endian):
 *
 *   journal file  = header (40 bytes) + frame*
 *   header        = magic "\x89BXJ\r\n\x1a\n", u16 version (1), u16 header
 *                   size (40), u32 flags (0), u64 journal id, u64 base seq,
 *                   u32 reserved (0), u32 CRC-32C of the 36 bytes before it
 *   frame         = u32 payload length, u32 lag, u64 seq, u32 CRC-32C of the
 *                   payload, u32 CRC-32C of the 20 bytes before it, payload
 *   snapshot file = snapshot header (64 bytes) + frame* (seq = item number)
 *
 * lag: the writer knew every record up to seq - lag to be durable when it
 * wrote this one. A damaged record at seq E followed by an intact record
 * claiming seq - lag >= E was acknowledged before the damage: that is
 * damage in the middle, to be reported. If no later record makes that
 * claim and record E has the shape of an unfinished write (the file ends
 * inside it, or a 512-byte sector's share of it is all zeros), everything
 * from E on was still in flight when the writer stopped: a torn tail, safe
 * to cut. A record that is all there but wrong is damage, last or not.
 */
#ifndef BOXCAR_JOURNAL_INTERNAL_H
#define BOXCAR_JOURNAL_INTERNAL_H

#include "boxcar/journal.h"
#include "internal.h"

#define BXJ_MAGIC "\x89" "BXJ\r\n\x1a\n"
#define BXS_MAGIC "\x89" "BXS\r\n\x1a\n"
#define BXJ_VERSION 1
#define BXJ_HEADER_SIZE 40
#define BXS_HEADER_SIZE 64
#define BXJ_FRAME_SIZE 24
/* Nesting allowed in a record's CBOR. */
#define BXJ_CBOR_DEPTH 32

/* ---- byte order --------------------------------------------------------- */

static inline void bxj_put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static inline void bxj_put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void bxj_put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint16_t bxj_get16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t bxj_get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t bxj_get64(const unsigned char *p)
{
    return (uint64_t)bxj_get32(p) | (uint64_t)bxj_get32(p + 4) << 32;
}

/* ---- headers and frames (journal_format.c) ------------------------------ */

typedef struct bxj_header {
    uint64_t journal_id;
    uint64_t base_seq;
} bxj_header;

void bxi_journal_header_encode(const bxj_header *h, unsigned char out[BXJ_HEADER_SIZE]);
/* NULL if fine, else why not (a journal header needs all 40 bytes). */
const char *bxi_journal_header_decode(const unsigned char *in, size_t n, bxj_header *h);

/* Is a file of n bytes (n <= BXJ_HEADER_SIZE), starting with these, a
 * creation that never finished? It is if it is shorter than a header and
 * starts as one does, or if it is all zeros: its header never reached the
 * disk (its size did). Nothing is appended before the header is synced,
 * so nothing was ever acknowledged in such a file. */
bool bxi_journal_unfinished_creation(const unsigned char *in, size_t n);

typedef struct bxs_header {
    uint64_t journal_id;
    uint64_t seq;         /* the state includes every record up to this */
    uint64_t base_seq;    /* of the journal file when it was taken */
    uint64_t last_offset; /* frame of record `seq` in that file; 0: none */
    uint64_t items;
} bxs_header;

void bxi_snapshot_header_encode(const bxs_header *h, unsigned char out[BXS_HEADER_SIZE]);
const char *bxi_snapshot_header_decode(const unsigned char *in, size_t n, bxs_header *h);

typedef struct bxj_frame {
    uint32_t len;
    uint32_t lag;
    uint64_t seq;
    uint32_t payload_crc;
} bxj_frame;

/* The 24-byte frame head for a payload. lag is clamped to 1..UINT32_MAX
 * (clamping up only ever claims less durability than is true). */
void bxi_journal_frame_encode(uint64_t seq, uint64_t durable_seq, const void *payload,
                      uint32_t len, unsigned char out[BXJ_FRAME_SIZE]);
/* Decode a frame head; false if its own checksum or fields are wrong. */
bool bxi_journal_frame_decode(const unsigned char in[BXJ_FRAME_SIZE], bxj_frame *f);

/* ---- reading (journal_scan.c) ------------------------------------------- */

/* A window over a file (pread) or a memory image. */
typedef struct bxj_cursor {
    bx_ctx *ctx;
    const char *name;
    int fd;                   /* -1 for memory */
    const unsigned char *mem;
    uint64_t size;
    unsigned char *buf;
    size_t cap;
    uint64_t win_off;
    size_t win_len;
} bxj_cursor;

bx_status bxi_journal_cursor_init(bxj_cursor *c, bx_ctx *ctx, const char *name, int fd,
                          const void *mem, uint64_t size);
void bxi_journal_cursor_free(bxj_cursor *c);
/* Bytes [off, off + n) in *out, or *out NULL when they pass the end. */
bx_status bxi_journal_view(bxj_cursor *c, uint64_t off, size_t n,
                   const unsigned char **out);

typedef enum bxj_frame_status {
    BXJ_FRAME_OK,
    BXJ_FRAME_EOF,       /* the frame runs past the end of the file */
    BXJ_FRAME_BAD_HEAD,  /* its head fails its checksum */
    BXJ_FRAME_TOO_LONG,  /* intact head, length over the limit */
    BXJ_FRAME_BAD_SUM    /* intact head, payload fails its checksum */
} bxj_frame_status;

bx_status bxi_journal_read_frame(bxj_cursor *c, uint64_t off, uint32_t max_len,
                         bxj_frame *f, const unsigned char **payload,
                         bxj_frame_status *fs);

/* A scan of records from start_off on. */
typedef struct bxj_scan {
    uint64_t start_off;
    uint64_t expect_seq;       /* seq of the record at start_off */
    uint64_t deliver_after;    /* hand out records with seq above this */
    uint32_t max_len;
    bool check_cbor;
    bool writer_active;        /* a bad frame is just where the writer is */
    bx_journal_replay_fn fn;
    void *ud;
    /* out */
    uint64_t last_frame_off;   /* of the last intact record, 0 if none */
    bool torn_keep;            /* the torn tail holds something worth a copy */
} bxj_scan;

/* Walk the records, fill info's counts and its torn / damage fields.
 * Statuses: BX_OK (whatever was found), BX_EIO, BX_ENOMEM, or the replay
 * callback's. */
bx_status bxi_journal_scan_records(bxj_cursor *c, bxj_scan *s, bx_journal_info *info);

/* Find the frame of record `seq` from `off` on (frame by frame); its
 * offset in *found, or 0 if the records end before it. */
bx_status bxi_journal_locate(bxj_cursor *c, uint64_t off, uint64_t first_seq,
                     uint64_t seq, uint32_t max_len, uint64_t *found);

/* ---- files (journal_file.c) --------------------------------------------- */

/* pwrite all of data at off, retrying short writes and EINTR; errno kept. */
bool bxi_journal_pwrite_all(int fd, const void *data, size_t n, uint64_t off);
/* A journal id: random where the system offers it, else from time and pid. */
uint64_t bxi_journal_new_id(void);
/* Take the writer's lock, waiting up to timeout_ms (< 0: for ever). false
 * with errno EWOULDBLOCK when another writer holds it past the timeout. */
bool bxi_journal_lock(int fd, int32_t timeout_ms);
/* Is another process holding the writer's lock right now? */
bool bxi_journal_lock_held_elsewhere(int fd);
/* "PATH" + suffix into a new block from ctx (NULL: out of memory). */
char *bxi_journal_path_with(bx_ctx *ctx, const char *path, const char *suffix);

/* ---- the snapshot file (journal_snapshot.c) ----------------------------- */

/* Open and check a snapshot file: its header, that it belongs to
 * journal_id, and every frame's checksums and count. On BX_OK *fd is open
 * on it (the caller closes it; items are then read from that same file
 * even if a writer renames a new snapshot into place meanwhile), *h its
 * header and *size its length. BX_ENOTFOUND if there is none; BX_EINPUT
 * with why[] filled if it is unusable; BX_EIO, BX_ENOMEM. */
bx_status bxi_journal_snapshot_open(bx_ctx *ctx, const char *snap_path,
                            uint64_t journal_id, uint32_t max_len,
                            bxs_header *h, int *fd, uint64_t *size, char *why,
                            size_t why_size);
/* Hand the items of a snapshot opened by bxi_journal_snapshot_open to fn. */
bx_status bxi_journal_snapshot_deliver(bx_ctx *ctx, const char *snap_path, int fd,
                               uint64_t size, uint32_t max_len,
                               bx_journal_replay_fn fn, void *ud);

/* The journal handle (journal.c), for the snapshot and compaction code. */
struct bx_journal {
    bx_ctx *ctx;
    char *path;
    char *snap_path;
    int fd;
    bx_journal_options opts;
    bx_journal_info info;
    uint64_t journal_id;
    uint64_t base_seq;
    uint64_t end_off;         /* durable end: where the next write goes */
    uint64_t last_seq;        /* last appended (buffered included) */
    uint64_t durable_seq;
    uint64_t last_frame_off;  /* frame of durable record last in the file */
    uint64_t pending_last_frame_off;
    uint64_t snap_committed_seq; /* a snapshot of this seq was committed here; 0 none */
    bool has_snap_committed;
    bool failed;              /* a write or sync failed: no more appends */
    unsigned char *wbuf;      /* frames waiting for the next flush */
    size_t wlen, wcap;
    uint32_t pending;
};

/* Write and sync the buffered frames (journal.c). */
bx_status bxi_journal_flush(bx_journal *j);
/* BX_OK if appends are possible: a writer, not failed, not damaged. */
bx_status bxi_journal_writable(bx_journal *j);

#endif
