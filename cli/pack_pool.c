/*
 * pack_pool.c: `boxcar pack --pool JOURNAL --station ID`.
 *
 * The engine knows nothing of pools: availability reaches it as stock.
 * An order is packed once into the station's ready reusable containers
 * alone and once into everything; the reusable packing is taken when it
 * holds every unit in no more boxes, so a container is preferred whenever
 * one of a fitting type is there. Each reusable box of the packing chosen
 * gets a real container, picked longest-ready first, and the order's
 * issues are one batch in the journal.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pack_pool.h"

#if BOXCAR_HAVE_CBOR

struct pack_pool {
    bx_ctx *ctx;
    bx_pool *pool;
    const bx_catalog *cat;
    char station[BX_ID_MAX];
    int64_t at;
    bx_engine *engine;        /* the reusable-only packing */
    int64_t *reusable, *mixed; /* stock for the two packings */
    bx_pool_event *evs;
    const char **ids;
    size_t evcap;
    bx_outfile *issued;
    uint64_t nissued, first, last;
    bool *printed; /* set when a failure was printed here */
};

/* A failure of the command's own making (the library recorded nothing):
 * printed here. */
static bx_status say(pack_pool *pp, bx_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bx_status say(pack_pool *pp, bx_status st, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "boxcar pack: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    *pp->printed = true;
    return st;
}

static bx_status csv_field(pack_pool *pp, const char *s, const char *sep)
{
    /* ids may hold a comma or a quote: quote them the RFC 4180 way */
    bx_status st = bx_outfile_write(pp->issued, "\"", 1) ? BX_EIO : BX_OK;
    for (const char *p = s; st == BX_OK && *p; p++) {
        if (*p == '"' && bx_outfile_write(pp->issued, "\"", 1) != 0)
            st = BX_EIO;
        if (st == BX_OK && bx_outfile_write(pp->issued, p, 1) != 0)
            st = BX_EIO;
    }
    if (st == BX_OK && bx_outfile_write(pp->issued, "\"", 1) != 0)
        st = BX_EIO;
    if (st == BX_OK && bx_outfile_write(pp->issued, sep, strlen(sep)) != 0)
        st = BX_EIO;
    return st == BX_OK ? BX_OK : say(pp, BX_EIO, "--issued: write failed");
}

bx_status pack_pool_open(bx_ctx *ctx, pack_pool **out, const char *journal,
                         const char *station, const bx_catalog *catalog, int64_t at,
                         const char *issued_path, bool *printed)
{
    *out = NULL;
    pack_pool *pp = bx_alloc(ctx, sizeof *pp);
    if (pp == NULL)
        return BX_ENOMEM;
    memset(pp, 0, sizeof *pp);
    pp->ctx = ctx;
    pp->printed = printed;
    pp->cat = catalog;
    pp->at = at;
    snprintf(pp->station, sizeof pp->station, "%s", station);
    size_t n = bx_catalog_count(catalog);
    pp->reusable = bx_alloc(ctx, n * sizeof *pp->reusable);
    pp->mixed = bx_alloc(ctx, n * sizeof *pp->mixed);
    if (pp->reusable == NULL || pp->mixed == NULL) {
        pack_pool_close(pp);
        return BX_ENOMEM;
    }
    bx_pool_options o;
    bx_pool_options_init(&o);
    /* one sync at the end of the batch, before the outputs are written */
    o.journal.sync = BX_JOURNAL_SYNC_GROUP;
    o.journal.lock_timeout_ms = 10000;
    bx_status st = bx_pool_open(ctx, &pp->pool, journal, catalog, &o);
    if (st == BX_OK && !bx_pool_has_station(pp->pool, station))
        st = say(pp, BX_EINPUT, "--station: station '%s' is not in the pool %s", station,
                 journal);
    if (st == BX_OK)
        st = bx_engine_new(ctx, &pp->engine, NULL);
    if (st == BX_OK && issued_path != NULL) {
        st = bx_outfile_open(ctx, &pp->issued, issued_path);
        if (st == BX_OK) {
            static const char head[] = "order_id,box_seq,box_id,container_id,station_id,record\n";
            if (bx_outfile_write(pp->issued, head, sizeof head - 1) != 0)
                st = say(pp, BX_EIO, "--issued: write failed");
        }
    }
    if (st != BX_OK) {
        pack_pool_close(pp);
        return st;
    }
    *out = pp;
    return BX_OK;
}

bx_status pack_pool_pack(pack_pool *pp, bx_engine *engine, const bx_order *order,
                         bx_pack_options *opts, const int64_t *carton_stock,
                         const bx_pack_result **result)
{
    size_t n = bx_catalog_count(pp->cat);
    bx_status st = bx_pool_stock(pp->pool, pp->cat, pp->station, true, pp->reusable);
    if (st != BX_OK)
        return st;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const bx_box *box = bx_catalog_box(pp->cat, i);
        any |= pp->reusable[i] > 0;
        pp->mixed[i] = box->reusable ? pp->reusable[i]
                       : carton_stock ? carton_stock[i]
                                      : box->stock;
    }
    bx_pack_options mixed = *opts;
    mixed.stock = pp->mixed;
    const bx_pack_result *m = NULL, *r = NULL;
    if ((st = bx_pack(engine, pp->cat, order, &mixed, &m)) != BX_OK)
        return st;
    *result = m;
    *opts = mixed;
    if (!any)
        return BX_OK;
    bx_pack_options reusable = *opts;
    reusable.stock = pp->reusable;
    if ((st = bx_pack(pp->engine, pp->cat, order, &reusable, &r)) != BX_OK)
        return st;
    if (r->nunpacked == 0 && r->nboxes <= m->nboxes) {
        *result = r;
        *opts = reusable;
    }
    return BX_OK;
}

bx_status pack_pool_issue(pack_pool *pp, const bx_order *order, const bx_pack_result *res)
{
    if (res->nboxes > pp->evcap) {
        bx_pool_event *e = bx_realloc(pp->ctx, pp->evs, res->nboxes * sizeof *e);
        if (e != NULL)
            pp->evs = e;
        const char **ids = bx_realloc(pp->ctx, pp->ids, res->nboxes * sizeof *ids);
        if (ids != NULL)
            pp->ids = ids;
        if (e == NULL || ids == NULL)
            return BX_ENOMEM;
        pp->evcap = res->nboxes;
    }
    size_t k = 0;
    for (size_t b = 0; b < res->nboxes; b++) {
        const bx_box *box = res->boxes[b].box;
        if (!box->reusable)
            continue;
        /* the j-th box of this type in the order takes the j-th container */
        size_t j = 0;
        for (size_t e = 0; e < b; e++)
            j += res->boxes[e].box == box;
        const char **ids = pp->ids;
        if (bx_pool_pick(pp->pool, pp->station, box->box_id, j + 1, ids) != j + 1)
            return say(pp, BX_EINTERNAL, "order %s: no container of type %s left at "
                       "station %s", order->lines[0].order_id, box->box_id, pp->station);
        bx_pool_event *ev = &pp->evs[k++];
        bx_pool_event_init(ev);
        ev->type = BX_EV_ISSUE;
        ev->time_s = pp->at;
        snprintf(ev->container_id, sizeof ev->container_id, "%s", ids[j]);
        snprintf(ev->station_id, sizeof ev->station_id, "%s", pp->station);
        snprintf(ev->order_id, sizeof ev->order_id, "%s", order->lines[0].order_id);
    }
    if (k == 0)
        return BX_OK;
    bx_status st = bx_pool_apply_batch(pp->pool, pp->evs, k, NULL);
    if (st != BX_OK)
        return st;
    uint64_t seq = bx_pool_seq(pp->pool);
    if (pp->first == 0)
        pp->first = seq;
    pp->last = seq;
    pp->nissued += k;
    if (pp->issued == NULL)
        return BX_OK;
    for (size_t b = 0, e = 0; b < res->nboxes && st == BX_OK; b++) {
        const bx_box *box = res->boxes[b].box;
        if (!box->reusable)
            continue;
        char num[48];
        st = csv_field(pp, order->lines[0].order_id, ",");
        snprintf(num, sizeof num, "%zu,", b + 1);
        if (st == BX_OK && bx_outfile_write(pp->issued, num, strlen(num)) != 0)
            st = say(pp, BX_EIO, "--issued: write failed");
        if (st == BX_OK)
            st = csv_field(pp, box->box_id, ",");
        if (st == BX_OK)
            st = csv_field(pp, pp->evs[e++].container_id, ",");
        if (st == BX_OK)
            st = csv_field(pp, pp->station, ",");
        snprintf(num, sizeof num, "%" PRIu64 "\n", seq);
        if (st == BX_OK && bx_outfile_write(pp->issued, num, strlen(num)) != 0)
            st = say(pp, BX_EIO, "--issued: write failed");
    }
    return st;
}

bx_status pack_pool_finish(pack_pool *pp)
{
    bx_status st = bx_pool_sync(pp->pool);
    if (st == BX_OK && pp->issued != NULL) {
        bx_outfile *f = pp->issued;
        pp->issued = NULL;
        st = bx_outfile_commit(f);
    }
    return st;
}

void pack_pool_counts(const pack_pool *pp, uint64_t *issued, uint64_t *first_record,
                      uint64_t *last_record)
{
    *issued = pp ? pp->nissued : 0;
    *first_record = pp ? pp->first : 0;
    *last_record = pp ? pp->last : 0;
}

void pack_pool_close(pack_pool *pp)
{
    if (pp == NULL)
        return;
    bx_ctx *ctx = pp->ctx;
    bx_outfile_abort(pp->issued);
    bx_pool_close(pp->pool);
    bx_engine_free(pp->engine);
    bx_free(ctx, pp->evs);
    bx_free(ctx, pp->ids);
    bx_free(ctx, pp->reusable);
    bx_free(ctx, pp->mixed);
    bx_free(ctx, pp);
}

#else

bx_status pack_pool_open(bx_ctx *ctx, pack_pool **out, const char *journal,
                         const char *station, const bx_catalog *catalog, int64_t at,
                         const char *issued_path, bool *printed)
{
    (void)ctx, (void)journal, (void)station, (void)catalog, (void)at, (void)issued_path;
    *out = NULL;
    fprintf(stderr, "boxcar pack: --pool needs a build with CBOR (the journal)\n");
    *printed = true;
    return BX_EUNSUPPORTED;
}

bx_status pack_pool_pack(pack_pool *pp, bx_engine *engine, const bx_order *order,
                         bx_pack_options *opts, const int64_t *carton_stock,
                         const bx_pack_result **result)
{
    (void)pp, (void)engine, (void)order, (void)opts, (void)carton_stock, (void)result;
    return BX_EUNSUPPORTED;
}

bx_status pack_pool_issue(pack_pool *pp, const bx_order *order, const bx_pack_result *result)
{
    (void)pp, (void)order, (void)result;
    return BX_EUNSUPPORTED;
}

bx_status pack_pool_finish(pack_pool *pp)
{
    (void)pp;
    return BX_OK;
}

void pack_pool_counts(const pack_pool *pp, uint64_t *issued, uint64_t *first_record,
                      uint64_t *last_record)
{
    (void)pp;
    *issued = *first_record = *last_record = 0;
}

void pack_pool_close(pack_pool *pp)
{
    (void)pp;
}

#endif
