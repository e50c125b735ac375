/*
 * journal_scan.c: reading records back, and telling a torn tail from
 * damage in the middle.
 *
 * Records are read through a window (pread into one buffer, or straight
 * from a memory image). A record that fails its checks at offset X is
 * judged by what follows it: the scan looks for the next intact frame
 * (trying every byte offset, since the damage may have hit a length), then
 * walks the rest of the file. If any later intact record says that the
 * record expected at X was already durable when it was written, X is
 * damage to acknowledged data: reported, never skipped. Otherwise it
 * depends on the record's own bytes: if they have the shape of a write
 * that never finished (the file ends inside it, or a sector's share of it
 * is all zeros), everything from X on was still in flight when the writer
 * stopped: a torn tail. A record that is all there but wrong is damage,
 * last or not.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cbor_pull.h"
#include "journal_internal.h"

/* The unit a disk writes whole (the smallest in use; larger sectors are
 * made of these). */
#define BXJ_SECTOR 512
/* Big enough that replaying reads the file in large sequential chunks. */
#define WINDOW_MIN (1u << 20)

bx_status bxi_journal_cursor_init(bxj_cursor *c, bx_ctx *ctx, const char *name, int fd,
                          const void *mem, uint64_t size)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->name = name;
    c->fd = fd;
    c->mem = mem;
    c->size = size;
    if (fd < 0)
        return BX_OK;
    /* the window grows to the largest record it meets */
    c->cap = WINDOW_MIN;
    c->buf = bx_alloc(ctx, c->cap);
    return c->buf == NULL ? BX_ENOMEM : BX_OK;
}

void bxi_journal_cursor_free(bxj_cursor *c)
{
    bx_free(c->ctx, c->buf);
    c->buf = NULL;
}

bx_status bxi_journal_view(bxj_cursor *c, uint64_t off, size_t n,
                   const unsigned char **out)
{
    *out = NULL;
    if (off > c->size || n > c->size - off)
        return BX_OK;
    if (c->fd < 0) {
        *out = c->mem + off;
        return BX_OK;
    }
    if (n > c->cap) {
        unsigned char *p = bx_realloc(c->ctx, c->buf, n);
        if (p == NULL)
            return BX_ENOMEM;
        c->buf = p;
        c->cap = n;
        c->win_len = 0;
    }
    if (off >= c->win_off && off + n <= c->win_off + c->win_len) {
        *out = c->buf + (off - c->win_off);
        return BX_OK;
    }
    uint64_t want = c->size - off < c->cap ? c->size - off : c->cap;
    size_t got = 0;
    while (got < want) {
        ssize_t r = pread(c->fd, c->buf + got, (size_t)want - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return bxi_error(c->ctx, BX_EIO, "%s: read at byte %llu: %s", c->name,
                            (unsigned long long)(off + got), strerror(errno));
        if (r == 0)
            break; /* the file shrank under us: treat as its end */
        got += (size_t)r;
    }
    c->win_off = off;
    c->win_len = got;
    if (got < n)
        return BX_OK;
    *out = c->buf;
    return BX_OK;
}

bx_status bxi_journal_read_frame(bxj_cursor *c, uint64_t off, uint32_t max_len,
                         bxj_frame *f, const unsigned char **payload,
                         bxj_frame_status *fs)
{
    const unsigned char *head;
    *payload = NULL;
    bx_status st = bxi_journal_view(c, off, BXJ_FRAME_SIZE, &head);
    if (st != BX_OK)
        return st;
    if (head == NULL) {
        *fs = BXJ_FRAME_EOF;
        return BX_OK;
    }
    if (!bxi_journal_frame_decode(head, f)) {
        *fs = BXJ_FRAME_BAD_HEAD;
        return BX_OK;
    }
    if (f->len > max_len) {
        *fs = BXJ_FRAME_TOO_LONG;
        return BX_OK;
    }
    const unsigned char *p;
    if ((st = bxi_journal_view(c, off + BXJ_FRAME_SIZE, f->len, &p)) != BX_OK)
        return st;
    if (p == NULL) {
        *fs = BXJ_FRAME_EOF;
        return BX_OK;
    }
    if (bxi_crc32c(p, f->len) != f->payload_crc) {
        *fs = BXJ_FRAME_BAD_SUM;
        return BX_OK;
    }
    *payload = p;
    *fs = BXJ_FRAME_OK;
    return BX_OK;
}

/* The next offset at or after `from` holding an intact frame whose seq is
 * at least min_seq; *found = 0 if none. */
static bx_status resync(bxj_cursor *c, uint64_t from, uint64_t min_seq,
                        uint32_t max_len, uint64_t *found)
{
    *found = 0;
    for (uint64_t p = from; p + BXJ_FRAME_SIZE <= c->size; p++) {
        const unsigned char *head, *payload;
        bx_status st = bxi_journal_view(c, p, BXJ_FRAME_SIZE, &head);
        if (st != BX_OK)
            return st;
        if (head == NULL)
            return BX_OK;
        bxj_frame f;
        if (!bxi_journal_frame_decode(head, &f) || f.seq < min_seq || f.len > max_len)
            continue;
        bxj_frame_status fs;
        if ((st = bxi_journal_read_frame(c, p, max_len, &f, &payload, &fs)) != BX_OK)
            return st;
        if (fs == BXJ_FRAME_OK) {
            *found = p;
            return BX_OK;
        }
    }
    return BX_OK;
}

static const char *frame_problem(bxj_frame_status fs)
{
    switch (fs) {
    case BXJ_FRAME_BAD_HEAD: return "frame header checksum mismatch";
    case BXJ_FRAME_TOO_LONG: return "record longer than the limit";
    case BXJ_FRAME_BAD_SUM: return "record checksum mismatch";
    case BXJ_FRAME_EOF: return "record cut short by the end of the file";
    case BXJ_FRAME_OK: break;
    }
    return "bad record";
}

/* Does the failed record at off have the shape of a write that never
 * finished? A disk writes whole sectors of BXJ_SECTOR bytes; a sector the
 * write did not reach keeps what it held, which past the old end of the
 * file reads as zeros. So an unfinished record is one the file ends inside
 * (its 24-byte head, or the payload length its verified head gives), or
 * one with a sector's share of its bytes all zero: of its head when the
 * head fails its checksum (the length is then unknown), else of the whole
 * frame. Anything else is a complete record whose bytes are wrong. */
static bx_status looks_unfinished(bxj_cursor *c, uint64_t off, bool head_ok,
                                  uint32_t len, bool *unfinished)
{
    *unfinished = true;
    if (c->size - off < BXJ_FRAME_SIZE)
        return BX_OK;
    uint64_t end = off + BXJ_FRAME_SIZE + (head_ok ? (uint64_t)len : 0);
    if (end > c->size)
        return BX_OK;
    for (uint64_t p = off; p < end;) {
        uint64_t next = (p / BXJ_SECTOR + 1) * BXJ_SECTOR;
        if (next > end)
            next = end;
        const unsigned char *b;
        bx_status st = bxi_journal_view(c, p, (size_t)(next - p), &b);
        if (st != BX_OK)
            return st;
        size_t i = 0, n = (size_t)(next - p);
        while (b != NULL && i < n && b[i] == 0)
            i++;
        if (b != NULL && i == n)
            return BX_OK;
        p = next;
    }
    *unfinished = false;
    return BX_OK;
}

/* A record at bad_off failed (why). Decide between damage and a torn
 * tail, and fill info. head_ok: its frame head verified, and len is its
 * payload length. */
static bx_status classify(bxj_cursor *c, bxj_scan *s, uint64_t bad_off,
                          uint64_t expect, bool head_ok, uint32_t len,
                          bool rescan_here, const char *why, bx_journal_info *info)
{
    uint64_t next;
    bx_status st = resync(c, rescan_here ? bad_off : bad_off + 1, expect,
                          s->max_len, &next);
    if (st != BX_OK)
        return st;
    uint64_t intact = 0, max_durable = 0, prev_seq = expect - 1;
    uint64_t p = next;
    while (p != 0) {
        bxj_frame f;
        const unsigned char *payload;
        bxj_frame_status fs;
        if ((st = bxi_journal_read_frame(c, p, s->max_len, &f, &payload, &fs)) != BX_OK)
            return st;
        if (fs == BXJ_FRAME_OK && f.seq > prev_seq) {
            intact++;
            prev_seq = f.seq;
            if (f.seq - f.lag > max_durable)
                max_durable = f.seq - f.lag;
            p += BXJ_FRAME_SIZE + (uint64_t)f.len;
            continue;
        }
        if ((st = resync(c, p + 1, prev_seq + 1, s->max_len, &p)) != BX_OK)
            return st;
    }
    /* Acknowledged by a later record, or whole but wrong: damage. */
    bool unfinished = false;
    if (!(next != 0 && max_durable >= expect) &&
        (st = looks_unfinished(c, bad_off, head_ok, len, &unfinished)) != BX_OK)
        return st;
    if (!unfinished) {
        info->damaged = true;
        info->damage_offset = bad_off;
        info->damage_seq = expect;
        info->resume_offset = next;
        info->intact_after = intact;
        snprintf(info->damage_reason, sizeof info->damage_reason, "%s", why);
        return BX_OK;
    }
    info->torn_bytes = c->size - bad_off;
    info->torn_intact = intact;
    s->torn_keep = intact > 0 ||
                   (head_ok && c->size - bad_off >= BXJ_FRAME_SIZE + (uint64_t)len);
    return BX_OK;
}

bx_status bxi_journal_scan_records(bxj_cursor *c, bxj_scan *s, bx_journal_info *info)
{
    uint64_t off = s->start_off, seq = s->expect_seq;
    s->last_frame_off = 0;
    s->torn_keep = false;
    for (;;) {
        bxj_frame f = {0};
        const unsigned char *payload;
        bxj_frame_status fs;
        bx_status st = bxi_journal_read_frame(c, off, s->max_len, &f, &payload, &fs);
        if (st != BX_OK)
            return st;
        if (fs == BXJ_FRAME_EOF && off == c->size)
            break; /* a clean end */
        const char *why = NULL;
        char seqmsg[96];
        bool rescan_here = false;
        if (fs != BXJ_FRAME_OK) {
            why = frame_problem(fs);
        } else if (f.seq != seq) {
            snprintf(seqmsg, sizeof seqmsg, "record numbered %llu where %llu was expected",
                     (unsigned long long)f.seq, (unsigned long long)seq);
            why = seqmsg;
            rescan_here = f.seq > seq;
        } else if (s->check_cbor) {
            const char *cwhy;
            size_t at;
            if (!bxi_cbor_check_item(payload, f.len, BXJ_CBOR_DEPTH, &cwhy, &at)) {
                snprintf(seqmsg, sizeof seqmsg, "payload is not one CBOR item (%s at byte %zu)",
                         cwhy, at);
                why = seqmsg;
            }
        }
        if (why != NULL) {
            if (s->writer_active)
                break; /* the writer's next record, still being written */
            info->end_offset = off;
            return classify(c, s, off, seq, fs != BXJ_FRAME_BAD_HEAD, f.len, rescan_here,
                            why, info);
        }
        if (seq > s->deliver_after && s->fn != NULL) {
            bx_journal_item item = {BX_JOURNAL_RECORD, seq, off, payload, f.len, 0};
            if ((st = s->fn(s->ud, &item)) != BX_OK)
                return st;
            info->records_replayed++;
        }
        info->records++;
        info->last_seq = seq;
        s->last_frame_off = off;
        off += BXJ_FRAME_SIZE + (uint64_t)f.len;
        seq++;
    }
    info->end_offset = off;
    return BX_OK;
}

bx_status bxi_journal_locate(bxj_cursor *c, uint64_t off, uint64_t first_seq,
                     uint64_t seq, uint32_t max_len, uint64_t *found)
{
    *found = 0;
    for (uint64_t s = first_seq; s <= seq; s++) {
        bxj_frame f;
        const unsigned char *payload;
        bxj_frame_status fs;
        bx_status st = bxi_journal_read_frame(c, off, max_len, &f, &payload, &fs);
        if (st != BX_OK)
            return st;
        if (fs != BXJ_FRAME_OK || f.seq != s)
            return BX_OK;
        if (s == seq) {
            *found = off;
            return BX_OK;
        }
        off += BXJ_FRAME_SIZE + (uint64_t)f.len;
    }
    return BX_OK;
}

bx_status bx_journal_scan_mem(bx_ctx *ctx, const char *name, const void *data,
                              size_t size, const bx_journal_options *opts,
                              bx_journal_replay_fn replay, void *ud,
                              bx_journal_info *info)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if ((data == NULL && size > 0) || info == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_journal_scan_mem: bad argument");
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.check_cbor = true;
    if (opts != NULL)
        o = *opts;
    if (o.max_record_bytes == 0 || o.max_record_bytes > BX_JOURNAL_RECORD_LIMIT)
        o.max_record_bytes = BX_JOURNAL_RECORD_DEFAULT_MAX;
    if (name == NULL)
        name = "journal";
    memset(info, 0, sizeof *info);
    info->file_bytes = size;
    bxj_header h;
    const char *why = bxi_journal_header_decode(data, size, &h);
    if (why != NULL) {
        bx_location at = {.file = name, .offset = 0};
        return bxi_input_error(ctx, BX_EINPUT, &at, "%s", why);
    }
    info->journal_id = h.journal_id;
    info->base_seq = h.base_seq;
    info->last_seq = h.base_seq - 1;
    bxj_cursor c;
    bx_status st = bxi_journal_cursor_init(&c, ctx, name, -1, data, size);
    if (st != BX_OK)
        return st;
    bxj_scan s = {0};
    s.start_off = BXJ_HEADER_SIZE;
    s.expect_seq = h.base_seq;
    s.deliver_after = 0;
    s.max_len = o.max_record_bytes;
    s.check_cbor = o.check_cbor;
    s.fn = replay;
    s.ud = ud;
    st = bxi_journal_scan_records(&c, &s, info);
    bxi_journal_cursor_free(&c);
    return st;
}
