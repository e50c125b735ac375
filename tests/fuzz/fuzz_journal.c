/*
 * fuzz_journal.c: libFuzzer target for the journal reader and the pool
 * records behind it.
 *
 * The input is a journal image. It is scanned as a reader would open it
 * (framing, checksums, sequence numbers, CBOR checks, torn-tail and damage
 * classification), and each record is read as pool events: decoded,
 * encoded again and decoded again to the same event, checked against the
 * lifecycle and folded into a pool state. When the first record byte is
 * odd the records are fed to the snapshot loader instead. Whatever state
 * results is written as a snapshot and loaded back, and must come back
 * with the same counts. Besides: no crash, no leak, no undefined behaviour.
 *
 * Checksums keep mutated records from ever reaching the decoders, so an
 * input that does not start like a journal is taken as one record's payload
 * instead (an event, or a batch of them), and fed to the snapshot loader
 * as one item too.
 * Seeds: tests/fuzz/corpus/journal/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken property: say which before dying. */
#define BROKEN(what)                                                  \
    do {                                                              \
        fprintf(stderr, "fuzz_journal: %s (line %d)\n", what, __LINE__); \
        abort();                                                      \
    } while (0)

typedef struct fuzz {
    pool_state s;
    pool_loader loader;
    bool as_snapshot;
    uint64_t seq;
} fuzz;

static bx_status on_event(void *ud, const bx_pool_event *ev, size_t index)
{
    fuzz *f = ud;
    (void)index;
    bx_ctx *ctx = f->s.ctx;
    if (bxi_pool_check_fields(ctx, NULL, ev) != BX_OK)
        return BX_OK;
    /* a valid event encodes, and decodes to itself */
    unsigned char buf[POOL_EVENT_MAX];
    size_t n = bxi_pool_event_encode(ev, buf, sizeof buf);
    if (n == 0)
        BROKEN("a valid event does not encode");
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, buf, n);
    bx_pool_event again;
    if (bxi_pool_event_decode(ctx, &p, NULL, &again) != BX_OK || p.pos != n ||
        again.type != ev->type || again.time_s != ev->time_s || again.damaged != ev->damaged ||
        strcmp(again.container_id, ev->container_id) != 0 ||
        strcmp(again.station_id, ev->station_id) != 0 ||
        strcmp(again.type_id, ev->type_id) != 0 || strcmp(again.order_id, ev->order_id) != 0 ||
        strcmp(again.by, ev->by) != 0 || strcmp(again.operator_id, ev->operator_id) != 0 ||
        again.role != ev->role ||
        memcmp(again.token_sha256, ev->token_sha256, sizeof ev->token_sha256) != 0)
        BROKEN("a valid event does not survive encoding and decoding");
    /* as a pool's replay checks it: who records it, then the lifecycle */
    pool_view v = {.owner = POOL_NONE};
    uint32_t ci = bxi_pool_find_container(&f->s, ev->container_id);
    if (ev->type != BX_EV_STATION && ev->type != BX_EV_OPERATOR && ci != POOL_NONE)
        v = bxi_pool_view_of(&f->s, ci);
    uint32_t si = bxi_pool_find_station(&f->s, ev->station_id);
    bool known = si != POOL_NONE;
    if (bxi_pool_check_rights(&f->s, NULL, ev, &v, &known,
                              known ? f->s.st_owner[si] : POOL_NONE) != BX_OK ||
        bxi_pool_check_transition(ctx, NULL, &v, ev, known) != BX_OK)
        return BX_OK;
    return bxi_pool_fold(&f->s, ev, f->seq, NULL);
}

static bx_status on_record(void *ud, const bx_journal_item *item)
{
    fuzz *f = ud;
    f->seq = item->seq;
    if (f->as_snapshot) {
        bx_journal_item it = *item;
        it.kind = BX_JOURNAL_SNAPSHOT_ITEM;
        bx_status st = bxi_pool_loader_item(&f->loader, &it);
        return st == BX_ENOMEM ? st : BX_OK;
    }
    size_t n;
    bx_status st = bxi_pool_record_events(f->s.ctx, item->data, item->len, NULL, on_event, f, &n);
    return st == BX_ENOMEM ? st : BX_OK;
}

static bx_status put(void *ud, const void *data, size_t len)
{
    pool_loader *l = ud;
    bx_journal_item item = {BX_JOURNAL_SNAPSHOT_ITEM, l->item + 1, 0, data, len, 0};
    return bxi_pool_loader_item(l, &item);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    fuzz f;
    memset(&f, 0, sizeof f);
    bxi_pool_state_init(&f.s, ctx);
    f.loader.s = &f.s;
    f.as_snapshot = size > 64 && (data[64] & 1);
    if (size == 0 || data[0] != 0x89) {
        bx_journal_item item = {BX_JOURNAL_RECORD, 1, 0, data, size, 0};
        (void)on_record(&f, &item);
        f.as_snapshot = true;
        (void)on_record(&f, &item);
        bxi_pool_loader_free(&f.loader);
        bxi_pool_state_free(&f.s);
        bx_ctx_free(ctx);
        return 0;
    }
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.check_cbor = true;
    o.max_record_bytes = 1 << 16;
    bx_journal_info info;
    bx_status st = bx_journal_scan_mem(ctx, "fuzz", data, size, &o, on_record, &f, &info);
    if (st == BX_OK) {
        if (info.end_offset > size || info.records > size / 25 ||
            (info.damaged && (info.damage_offset < 40 ||
                              (info.intact_after > 0 && (info.resume_offset < info.damage_offset ||
                                                         info.resume_offset + 25 > size)))) ||
            info.torn_bytes > size)
            BROKEN("scan figures out of range");
        if (f.as_snapshot && f.loader.item > 0 && bxi_pool_loader_finish(&f.loader) != BX_OK) {
            bxi_pool_loader_free(&f.loader);
            bxi_pool_state_free(&f.s);
            bx_ctx_free(ctx);
            return 0;
        }
        /* whatever state we got survives a snapshot round trip */
        pool_state back;
        bxi_pool_state_init(&back, ctx);
        pool_loader l = {.s = &back, .name = "again"};
        if (bxi_pool_snapshot_write(&f.s, put, &l) == BX_OK && bxi_pool_loader_finish(&l) == BX_OK &&
            (back.nc != f.s.nc || back.ns != f.s.ns || back.nt != f.s.nt || back.nop != f.s.nop ||
             back.nb > f.s.nb))
            BROKEN("a state does not survive a snapshot");
        bxi_pool_loader_free(&l);
        bxi_pool_state_free(&back);
    }
    bxi_pool_loader_free(&f.loader);
    bxi_pool_state_free(&f.s);
    bx_ctx_free(ctx);
    return 0;
}
