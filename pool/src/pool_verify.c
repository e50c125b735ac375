/*
 * pool_verify.c: a pool's journal checked end to end. Below the journal's
 * own checks (framing, checksums, CBOR, the snapshot file), every record
 * must decode as events, encode back to the very same bytes (deterministic
 * encoding), and be allowed by the lifecycle in the state the records
 * before it leave; and the snapshot must equal that state at its record.
 */
#include <stdio.h>
#include <string.h>

#include <cbor.h>

#include "pool_internal.h"

typedef struct digest {
    uint32_t crc;
    uint64_t bytes, items;
} digest;

static bx_status digest_put(void *ud, const void *data, size_t len)
{
    digest *d = ud;
    d->crc = bxi_crc32c_update(d->crc, data, len);
    d->bytes += len;
    d->items++;
    return BX_OK;
}

static bx_status digest_item(void *ud, const bx_journal_item *item)
{
    return digest_put(ud, item->data, item->len);
}

typedef struct verifier {
    bx_ctx *ctx;
    const char *path;
    bx_pool_report *rep;
    pool_state s;
    bool have_snap;
    uint64_t snap_seq;
    digest snap;
    bool started;
    bool fold;            /* fold records into s (else check them only) */
    bool broken;          /* an event failed: stop folding */
    /* the record being checked, encoded back */
    unsigned char *buf;
    size_t len, cap;
    uint64_t seq;
    bx_location where;
} verifier;

static void compare_snapshot(verifier *v)
{
    digest d = {0};
    bxi_pool_snapshot_write(&v->s, digest_put, &d);
    v->rep->snapshot_checked = true;
    v->rep->snapshot_matches = d.crc == v->snap.crc && d.bytes == v->snap.bytes &&
                               d.items == v->snap.items;
}

static bx_status load_item(void *ud, const bx_journal_item *item)
{
    return bxi_pool_loader_item(ud, item);
}

/* A compacted journal: its state starts from the snapshot. */
static bx_status start_from_snapshot(verifier *v)
{
    pool_loader l = {.s = &v->s, .name = v->path};
    uint64_t seq;
    bx_status st = bx_journal_read_snapshot(v->ctx, v->path, load_item, &l, &seq);
    if (st == BX_OK)
        st = bxi_pool_loader_finish(&l);
    bxi_pool_loader_free(&l);
    if (st == BX_OK) {
        v->s.seq = seq;
        return BX_OK;
    }
    bxi_pool_state_free(&v->s);
    if (st == BX_ENOMEM)
        return st;
    snprintf(v->rep->event_problem, sizeof v->rep->event_problem,
             "the snapshot the journal starts from cannot be loaded: %s",
             bx_ctx_errmsg(v->ctx));
    return BX_OK;
}

static bx_status event_fn(void *ud, const bx_pool_event *ev, size_t index)
{
    verifier *v = ud;
    (void)index;
    if (v->cap - v->len < POOL_EVENT_MAX) {
        size_t cap = v->cap ? 2 * v->cap : 4096;
        unsigned char *p = bx_realloc(v->ctx, v->buf, cap);
        if (p == NULL)
            return BX_ENOMEM;
        v->buf = p;
        v->cap = cap;
    }
    v->len += bxi_pool_event_encode(ev, v->buf + v->len, v->cap - v->len);
    bx_status st = bxi_pool_check_fields(v->ctx, &v->where, ev);
    if (st != BX_OK || !v->fold || v->broken)
        return st;
    pool_view view = {0};
    uint32_t ci = bxi_pool_find_container(&v->s, ev->container_id);
    if (ev->type != BX_EV_STATION && ci != POOL_NONE)
        view = bxi_pool_view_of(&v->s, ci);
    bool known = bxi_pool_find_station(&v->s, ev->station_id) != POOL_NONE;
    if ((st = bxi_pool_check_transition(v->ctx, &v->where, &view, ev, known)) != BX_OK)
        return st;
    return bxi_pool_fold(&v->s, ev, v->seq, NULL);
}

static bx_status record_fn(void *ud, const bx_journal_item *item)
{
    verifier *v = ud;
    bx_status st;
    if (!v->started) {
        v->started = true;
        if (item->seq > 1) {
            v->fold = v->have_snap && v->snap_seq + 1 >= item->seq;
            if (v->fold && (st = start_from_snapshot(v)) != BX_OK)
                return st;
            v->fold = v->fold && v->s.seq == v->snap_seq && v->rep->event_problem[0] == '\0';
        } else {
            v->fold = true;
            if (v->have_snap && v->snap_seq == 0)
                compare_snapshot(v);
        }
    }
    bool fold_this = v->fold && item->seq > v->s.seq;
    v->seq = item->seq;
    v->where = (bx_location){.file = v->path, .record = item->seq, .offset = item->offset};
    v->len = 0;
    if (v->cap < 16) {
        if ((v->buf = bx_alloc(v->ctx, 4096)) == NULL)
            return BX_ENOMEM;
        v->cap = 4096;
    }
    bool saved = v->fold;
    v->fold = fold_this;
    size_t n = 0;
    if (item->len > 0 && (item->data[0] & 0xe0) == 0x80) {
        /* a batch: its array head first */
        uint64_t count = 0;
        unsigned char ai = item->data[0] & 0x1f;
        if (ai < 24)
            count = ai;
        else if (ai == 24 && item->len > 1)
            count = item->data[1];
        else if (ai == 25 && item->len > 2)
            count = (uint64_t)item->data[1] << 8 | item->data[2];
        else if (ai == 26 && item->len > 4)
            count = (uint64_t)item->data[1] << 24 | (uint64_t)item->data[2] << 16 |
                    (uint64_t)item->data[3] << 8 | item->data[4];
        v->len = cbor_encode_array_start((size_t)count, v->buf, v->cap);
    }
    st = bxi_pool_record_events(v->ctx, item->data, item->len, &v->where, event_fn, v, &n);
    v->fold = saved;
    if (st == BX_ENOMEM)
        return st;
    v->rep->events += n;
    if (st == BX_OK && (v->len != item->len || memcmp(v->buf, item->data, v->len) != 0)) {
        st = bxi_input_error(v->ctx, BX_EINPUT, &v->where,
                            "the record is not in boxcar's deterministic encoding");
    }
    if (st != BX_OK && v->rep->events_ok) {
        v->rep->events_ok = false;
        snprintf(v->rep->event_problem, sizeof v->rep->event_problem, "%s",
                 bx_ctx_errmsg(v->ctx));
    }
    if (st != BX_OK)
        v->broken = true;
    if (fold_this && !v->broken && v->have_snap && item->seq == v->snap_seq)
        compare_snapshot(v);
    return BX_OK;
}

bx_status bx_pool_verify(bx_ctx *ctx, const char *path, const bx_catalog *catalog,
                         bx_pool_report *report)
{
    (void)catalog; /* types are checked when a container is registered, not after */
    if (ctx == NULL)
        return BX_EINVAL;
    if (path == NULL || report == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_pool_verify: bad argument");
    memset(report, 0, sizeof *report);
    report->events_ok = true;
    verifier v = {.ctx = ctx, .path = path, .rep = report};
    bxi_pool_state_init(&v.s, ctx);
    uint64_t seq = 0;
    bx_status st = bx_journal_read_snapshot(ctx, path, digest_item, &v.snap, &seq);
    if (st == BX_OK) {
        v.have_snap = true;
        v.snap_seq = seq;
    } else if (st == BX_ENOMEM) {
        return st;
    }
    bx_ctx_clear_error(ctx);
    st = bx_journal_verify(ctx, path, record_fn, &v, &report->journal);
    if (st == BX_OK && !v.started && v.have_snap && report->journal.info.base_seq == 1 &&
        v.snap_seq == 0)
        compare_snapshot(&v);
    bx_free(ctx, v.buf);
    bxi_pool_state_free(&v.s);
    if (st != BX_OK)
        return st;
    report->ok = report->journal.ok && report->events_ok &&
                 (!report->snapshot_checked || report->snapshot_matches);
    return BX_OK;
}
