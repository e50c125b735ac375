/*
 * pack_pool.c: `boxcar pack --pool JOURNAL --station ID`: the journal
 * opened for group commit (one sync for the batch, before any output is
 * committed), the library's pool packer, and the --issued CSV.
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
    bx_pool_packer *packer;
    char station[BX_ID_MAX];
    int64_t at;
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

static bx_status put(pack_pool *pp, const char *s)
{
    if (bx_outfile_write(pp->issued, s, strlen(s)) != 0)
        return say(pp, BX_EIO, "--issued: write failed");
    return BX_OK;
}

/* ids may hold a comma or a quote: quoted the RFC 4180 way */
static bx_status csv_field(pack_pool *pp, const char *s, const char *sep)
{
    bx_status st = put(pp, "\"");
    for (const char *p = s; st == BX_OK && *p; p++) {
        char c[3] = {*p, *p == '"' ? '"' : '\0', '\0'};
        st = put(pp, c);
    }
    if (st == BX_OK)
        st = put(pp, "\"");
    return st == BX_OK ? put(pp, sep) : st;
}

bx_status pack_pool_open(bx_ctx *ctx, pack_pool **out, const char *journal,
                         const char *station, const char *token_file,
                         const bx_catalog *catalog,
                         bx_policy *policy, bool returns_accepted, int64_t at,
                         const char *issued_path, bool *printed)
{
    *out = NULL;
    pack_pool *pp = bx_alloc(ctx, sizeof *pp);
    if (pp == NULL)
        return BX_ENOMEM;
    memset(pp, 0, sizeof *pp);
    pp->ctx = ctx;
    pp->printed = printed;
    pp->at = at;
    snprintf(pp->station, sizeof pp->station, "%s", station);
    bx_pool_options o;
    bx_pool_options_init(&o);
    /* one sync at the end of the batch, before the outputs are committed */
    o.journal.sync = BX_JOURNAL_SYNC_GROUP;
    o.journal.lock_timeout_ms = 10000;
    /* a pool to pack from has stations already: a path that names no
     * journal is a mistake, not a new pool (nor a new empty file) */
    o.journal.create = false;
    bx_status st = bx_pool_open(ctx, &pp->pool, journal, catalog, &o);
    /* who packs: in a pool with operators, the holder of --token-file,
     * who packs only into its own containers at a station it may see */
    const char *as = "";
    bool ops = st == BX_OK && bx_pool_operator_count(pp->pool) > 0;
    if (st == BX_OK && ops != (token_file != NULL))
        st = say(pp, BX_EINVAL, ops ? "--pool %s has operators: say who you are with "
                                      "--token-file FILE"
                                    : "--pool %s has no operators: --token-file means nothing "
                                      "here", journal);
    if (st == BX_OK && ops) {
        char token[BX_POOL_TOKEN_SIZE + 1];
        bx_pool_role role;
        st = cli_read_token_file("pack", token_file, token, sizeof token, printed);
        if (st == BX_OK)
            st = bx_pool_authenticate(pp->pool, token, &as, &role);
        memset(token, 0, sizeof token);
    }
    if (st == BX_OK && !bx_pool_sees_station(pp->pool, as, station))
        st = say(pp, BX_EINPUT, "--station: station '%s' is not in the pool %s", station,
                 journal);
    if (st == BX_OK) {
        bx_pool_packer_options po;
        bx_pool_packer_options_init(&po);
        po.station_id = station;
        po.operator_id = as;
        po.policy = policy;
        po.returns_accepted = returns_accepted;
        st = bx_pool_packer_new(ctx, &pp->packer, pp->pool, catalog, &po);
    }
    if (st == BX_OK && issued_path != NULL) {
        st = bx_outfile_open(ctx, &pp->issued, issued_path);
        if (st == BX_OK)
            st = put(pp, "order_id,box_seq,box_id,container_id,station_id,record\n");
    }
    if (st != BX_OK) {
        pack_pool_close(pp);
        return st;
    }
    *out = pp;
    return BX_OK;
}

bx_status pack_pool_pack(pack_pool *pp, bx_engine *engine, const bx_order *order,
                         const bx_pack_options *opts, const bx_pack_result **result)
{
    return bx_pool_packer_pack(pp->packer, engine, order, opts, result);
}

void pack_pool_packed_as(const pack_pool *pp, bx_order *order, bx_pack_options *opts)
{
    bx_pool_packer_packed_as(pp->packer, order, opts);
}

bx_status pack_pool_issue(pack_pool *pp, const bx_order *order, const bx_pack_result *res)
{
    size_t k = bx_pool_packer_pending(pp->packer);
    uint64_t seq = 0;
    bx_status st = bx_pool_packer_issue(pp->packer, pp->at, &seq);
    if (st != BX_OK || k == 0)
        return st;
    if (pp->first == 0)
        pp->first = seq;
    pp->last = seq;
    pp->nissued += k;
    if (pp->issued == NULL)
        return BX_OK;
    for (size_t b = 0; b < res->nboxes && st == BX_OK; b++) {
        if (res->containers[b] == NULL)
            continue;
        char num[48];
        st = csv_field(pp, order->lines[0].order_id, ",");
        snprintf(num, sizeof num, "%zu,", b + 1);
        if (st == BX_OK)
            st = put(pp, num);
        if (st == BX_OK)
            st = csv_field(pp, res->boxes[b].box->box_id, ",");
        if (st == BX_OK)
            st = csv_field(pp, res->containers[b], ",");
        if (st == BX_OK)
            st = csv_field(pp, pp->station, ",");
        snprintf(num, sizeof num, "%" PRIu64 "\n", seq);
        if (st == BX_OK)
            st = put(pp, num);
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
    bx_outfile_abort(pp->issued);
    bx_pool_packer_free(pp->packer);
    bx_pool_close(pp->pool);
    bx_free(pp->ctx, pp);
}

#else

bx_status pack_pool_open(bx_ctx *ctx, pack_pool **out, const char *journal,
                         const char *station, const char *token_file,
                         const bx_catalog *catalog,
                         bx_policy *policy, bool returns_accepted, int64_t at,
                         const char *issued_path, bool *printed)
{
    (void)ctx, (void)journal, (void)station, (void)catalog, (void)policy, (void)token_file;
    (void)returns_accepted, (void)at, (void)issued_path;
    *out = NULL;
    fprintf(stderr, "boxcar pack: --pool needs a build with CBOR (the journal)\n");
    *printed = true;
    return BX_EUNSUPPORTED;
}

bx_status pack_pool_pack(pack_pool *pp, bx_engine *engine, const bx_order *order,
                         const bx_pack_options *opts, const bx_pack_result **result)
{
    (void)pp, (void)engine, (void)order, (void)opts, (void)result;
    return BX_EUNSUPPORTED;
}

void pack_pool_packed_as(const pack_pool *pp, bx_order *order, bx_pack_options *opts)
{
    (void)pp, (void)order, (void)opts;
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
