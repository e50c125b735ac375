/*
 * pool.c: the pool handle: opening (replaying the journal into the state),
 * checking and recording events, queries and figures, snapshots.
 *
 * An event is checked completely (fields, lifecycle, catalog) before it is
 * written; the memory its fold needs is reserved before it is written;
 * then it is appended, and folded. So a bad event never reaches the
 * journal, and an event in the journal always reaches the state. A batch
 * is one journal record (a CBOR array of events): it is recovered whole or
 * not at all.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cbor.h>

#include "pool_internal.h"

struct bx_pool {
    bx_ctx *ctx;
    const bx_catalog *catalog;
    bx_pool_options opts;
    bx_journal *journal;
    pool_state s;
    bool failed;           /* state and journal may disagree: reopen */
    char *path;
};

void bx_pool_options_init(bx_pool_options *opts)
{
    if (opts == NULL)
        return;
    memset(opts, 0, sizeof *opts);
    bx_journal_options_init(&opts->journal);
    opts->snapshot_every = 100000;
}

/* ---- replay ------------------------------------------------------------- */

typedef struct replay {
    bx_pool *pool;
    pool_state *s;
    pool_loader loader;
    bool loader_done;
    const char *name;
    uint64_t seq;
    bx_location where;
    bool fold;             /* verify: records up to the snapshot are checked only */
} replay;

/* Check an event against the state and fold it: the lifecycle a journal
 * was written under must hold when it is read back. */
static bx_status replay_event(void *ud, const bx_pool_event *ev, size_t index)
{
    replay *r = ud;
    (void)index;
    bx_ctx *ctx = r->s->ctx;
    bx_status st = bxi_pool_check_fields(ctx, &r->where, ev);
    if (st != BX_OK || !r->fold)
        return st;
    pool_view v = {.owner = POOL_NONE};
    uint32_t ci = bxi_pool_find_container(r->s, ev->container_id);
    if (ev->type != BX_EV_STATION && ev->type != BX_EV_OPERATOR && ci != POOL_NONE)
        v = bxi_pool_view_of(r->s, ci);
    uint32_t si = bxi_pool_find_station(r->s, ev->station_id);
    bool known = si != POOL_NONE;
    if ((st = bxi_pool_check_rights(r->s, &r->where, ev, &v, &known,
                                    known ? r->s->st_owner[si] : POOL_NONE)) != BX_OK ||
        (st = bxi_pool_check_transition(ctx, &r->where, &v, ev, known)) != BX_OK)
        return st;
    if ((st = bxi_pool_fold(r->s, ev, r->seq, NULL)) != BX_OK || r->pool == NULL ||
        r->pool->opts.on_event == NULL)
        return st;
    const char *type = "", *owner = "";
    if ((ci = bxi_pool_find_container(r->s, ev->container_id)) != POOL_NONE &&
        ev->type != BX_EV_STATION && ev->type != BX_EV_OPERATOR) {
        const pool_container *c = &r->s->c[ci];
        type = pool_str(r->s, r->s->ty[c->type].id);
        owner = c->owner == POOL_NONE ? "" : pool_str(r->s, r->s->op[c->owner].id);
    }
    return r->pool->opts.on_event(r->pool->opts.on_event_ud, ev, type, owner);
}

static bx_status replay_record(replay *r, const bx_journal_item *item)
{
    r->seq = item->seq;
    r->where = (bx_location){.file = r->name, .record = item->seq, .offset = item->offset};
    size_t n;
    return bxi_pool_record_events(r->s->ctx, item->data, item->len, &r->where, replay_event,
                              r, &n);
}

static bx_status replay_item(void *ud, const bx_journal_item *item)
{
    replay *r = ud;
    if (item->kind == BX_JOURNAL_SNAPSHOT_ITEM)
        return bxi_pool_loader_item(&r->loader, item);
    if (r->loader.item > 0 && !r->loader_done) {
        r->loader_done = true;
        bx_status st = bxi_pool_loader_finish(&r->loader);
        if (st != BX_OK)
            return st;
    }
    return replay_record(r, item);
}

static void pool_free(bx_pool *pool)
{
    if (pool == NULL)
        return;
    bx_ctx *ctx = pool->ctx;
    bxi_pool_state_free(&pool->s);
    bx_free(ctx, pool->path);
    bx_free(ctx, pool);
}

bx_status bx_pool_open(bx_ctx *ctx, bx_pool **out, const char *path,
                       const bx_catalog *catalog, const bx_pool_options *opts)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_pool_open: bad argument");
    *out = NULL;
    bx_pool *pool = bx_alloc(ctx, sizeof *pool);
    if (pool == NULL)
        return BX_ENOMEM;
    memset(pool, 0, sizeof *pool);
    pool->ctx = ctx;
    pool->catalog = catalog;
    bx_pool_options_init(&pool->opts);
    if (opts != NULL)
        pool->opts = *opts;
    bxi_pool_state_init(&pool->s, ctx);
    if ((pool->path = bxi_strdup(ctx, path)) == NULL) {
        pool_free(pool);
        return BX_ENOMEM;
    }
    replay r = {.pool = pool, .s = &pool->s, .name = pool->path, .fold = true};
    r.loader.s = &pool->s;
    r.loader.name = pool->path;
    bx_journal_info info;
    bx_status st = bx_journal_open(ctx, &pool->journal, path, &pool->opts.journal,
                                   replay_item, &r, &info);
    if (st == BX_OK && r.loader.item > 0 && !r.loader_done)
        st = bxi_pool_loader_finish(&r.loader);
    if (st == BX_OK && info.snapshot_used && r.loader.item == 0) {
        /* a pool snapshot always has its header item */
        bx_location at = {.file = path};
        st = bxi_input_error(ctx, BX_EINPUT, &at, "its snapshot holds no pool state");
    }
    bxi_pool_loader_free(&r.loader);
    if (st != BX_OK) {
        bx_journal_close(pool->journal);
        pool_free(pool);
        return st;
    }
    pool->s.seq = info.last_seq;
    if (!pool->opts.journal.read_only && !info.damaged && pool->opts.snapshot_every > 0 &&
        info.records_replayed > pool->opts.snapshot_every &&
        bx_pool_snapshot(pool) != BX_OK)
        bxi_warn(ctx, NULL, "%s: could not save a snapshot: %s", path, bx_ctx_errmsg(ctx));
    *out = pool;
    return BX_OK;
}

/* ---- checking and recording --------------------------------------------- */

/* The state as a batch's earlier events leave it: views of the containers
 * they touched, and the stations they added. Open addressing over the
 * events' own strings, which outlive the check. */
typedef struct shadow {
    const char **ids;
    pool_view *views;
    uint32_t cap;
    const char **stations;
    uint32_t *station_owners;
    size_t nstations;
} shadow;

static uint32_t shadow_slot(const shadow *sh, const char *id)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
    uint32_t i = (uint32_t)(h ^ (h >> 29)) & (sh->cap - 1);
    while (sh->ids[i] != NULL && strcmp(sh->ids[i], id) != 0)
        i = (i + 1) & (sh->cap - 1);
    return i;
}

/* Is the station in the pool, and whose is it? */
static bool shadow_station(const pool_state *s, const shadow *sh, const char *id,
                           uint32_t *owner)
{
    uint32_t si = bxi_pool_find_station(s, id);
    *owner = POOL_NONE;
    if (si != POOL_NONE) {
        *owner = s->st_owner[si];
        return true;
    }
    for (size_t i = 0; i < sh->nstations; i++)
        if (strcmp(sh->stations[i], id) == 0) {
            *owner = sh->station_owners[i];
            return true;
        }
    return false;
}

static bx_status check_events(bx_pool *pool, const bx_pool_event *evs, size_t n,
                              size_t *bad)
{
    bx_ctx *ctx = pool->ctx;
    pool_state *s = &pool->s;
    shadow sh = {0};
    uint32_t cap = 4;
    while (cap < 2 * n)
        cap *= 2;
    sh.cap = cap;
    sh.ids = bx_alloc(ctx, cap * sizeof *sh.ids);
    sh.views = bx_alloc(ctx, cap * sizeof *sh.views);
    sh.stations = bx_alloc(ctx, n * sizeof *sh.stations);
    sh.station_owners = bx_alloc(ctx, n * sizeof *sh.station_owners);
    bx_status st = sh.ids && sh.views && sh.stations && sh.station_owners ? BX_OK : BX_ENOMEM;
    if (st == BX_OK)
        memset(sh.ids, 0, cap * sizeof *sh.ids);
    for (size_t i = 0; st == BX_OK && i < n; i++) {
        const bx_pool_event *ev = &evs[i];
        *bad = i;
        if ((st = bxi_pool_check_fields(ctx, NULL, ev)) != BX_OK)
            break;
        if (ev->type == BX_EV_OPERATOR && n > 1) {
            st = bxi_error(ctx, BX_EINPUT, "an operator event is recorded on its own, not in "
                           "a batch");
            break;
        }
        uint32_t st_owner;
        bool known = shadow_station(s, &sh, ev->station_id, &st_owner);
        if (ev->type == BX_EV_STATION || ev->type == BX_EV_OPERATOR) {
            pool_view none = {.owner = POOL_NONE};
            if ((st = bxi_pool_check_rights(s, NULL, ev, &none, &known, st_owner)) != BX_OK ||
                (st = bxi_pool_check_transition(ctx, NULL, &none, ev, known)) != BX_OK)
                break;
            if (ev->type == BX_EV_STATION) {
                sh.stations[sh.nstations] = ev->station_id;
                sh.station_owners[sh.nstations++] = bxi_pool_owner_of(s, ev);
            }
            continue;
        }
        uint32_t slot = shadow_slot(&sh, ev->container_id);
        if (sh.ids[slot] == NULL) {
            uint32_t ci = bxi_pool_find_container(s, ev->container_id);
            pool_view v = {.owner = POOL_NONE};
            if (ci != POOL_NONE)
                v = bxi_pool_view_of(s, ci);
            sh.ids[slot] = ev->container_id;
            sh.views[slot] = v;
        }
        pool_view *v = &sh.views[slot];
        /* the rights check may hide the container: check a copy */
        pool_view seen = *v;
        if ((st = bxi_pool_check_rights(s, NULL, ev, &seen, &known, st_owner)) != BX_OK ||
            (st = bxi_pool_check_transition(ctx, NULL, &seen, ev, known)) != BX_OK)
            break;
        if (ev->type == BX_EV_REGISTER &&
            (st = bxi_pool_check_type(ctx, NULL, pool->catalog, ev->type_id)) != BX_OK)
            break;
        /* the view after this event */
        v->state = bxi_pool_next_state(v->state, ev);
        v->last_time_s = ev->time_s;
        v->last_event = ev->type;
        if (ev->type == BX_EV_TRANSFER)
            v->owner = bxi_pool_find_operator(s, ev->operator_id);
        if (ev->type == BX_EV_REGISTER) {
            v->exists = true;
            v->owner = bxi_pool_owner_of(s, ev);
            v->type = ev->type_id;
            v->station = ev->station_id;
            v->order = "";
        } else if (ev->type == BX_EV_ISSUE) {
            v->order = ev->order_id;
        } else if (ev->type == BX_EV_RETURN) {
            v->station = ev->station_id;
            v->order = "";
        }
    }
    bx_free(ctx, sh.ids);
    bx_free(ctx, sh.views);
    bx_free(ctx, sh.stations);
    bx_free(ctx, sh.station_owners);
    return st;
}

static bx_status writable(bx_pool *pool)
{
    if (pool->opts.journal.read_only)
        return bxi_error(pool->ctx, BX_EINVAL, "%s: the pool was opened read-only", pool->path);
    if (pool->failed)
        return bxi_error(pool->ctx, BX_EIO, "%s: an earlier write failed; reopen the pool",
                        pool->path);
    const bx_journal_info *info = bx_journal_get_info(pool->journal);
    if (info->damaged) {
        bx_location at = {.file = pool->path, .offset = info->damage_offset,
                          .record = info->damage_seq};
        return bxi_input_error(pool->ctx, BX_EINPUT, &at,
                              "damaged record (%s): the pool takes no changes until its "
                              "journal is repaired", info->damage_reason);
    }
    return BX_OK;
}

bx_status bx_pool_check(bx_pool *pool, const bx_pool_event *ev)
{
    if (pool == NULL || ev == NULL)
        return pool == NULL ? BX_EINVAL : bxi_error(pool->ctx, BX_EINVAL, "bx_pool_check: bad argument");
    size_t bad;
    return check_events(pool, ev, 1, &bad);
}

static bx_status record(bx_pool *pool, const bx_pool_event *evs, size_t n, size_t *bad,
                        uint64_t *seq_out)
{
    bx_ctx *ctx = pool->ctx;
    size_t bad_local;
    if (bad == NULL)
        bad = &bad_local;
    *bad = 0;
    if (n == 0)
        return BX_OK;
    bx_status st = writable(pool);
    if (st == BX_OK)
        st = check_events(pool, evs, n, bad);
    if (st != BX_OK)
        return st;
    /* The record: one event, or an array of them. */
    size_t max = pool->opts.journal.max_record_bytes ? pool->opts.journal.max_record_bytes
                                                     : BX_JOURNAL_RECORD_DEFAULT_MAX;
    size_t cap = n * POOL_EVENT_MAX + 9;
    if (cap > max + POOL_EVENT_MAX)
        cap = max + POOL_EVENT_MAX;
    unsigned char *buf = bx_alloc(ctx, cap);
    char **orders = bx_alloc(ctx, n * sizeof *orders);
    if (buf == NULL || orders == NULL) {
        bx_free(ctx, buf);
        bx_free(ctx, orders);
        return BX_ENOMEM;
    }
    memset(orders, 0, n * sizeof *orders);
    size_t len = 0;
    if (n > 1) {
        unsigned char head[9];
        size_t k = cbor_encode_array_start(n, head, sizeof head);
        memcpy(buf, head, k);
        len = k;
    }
    pool_room room = {0};
    for (size_t i = 0; st == BX_OK && i < n; i++) {
        if (cap - len < POOL_EVENT_MAX) {
            st = bxi_error(ctx, BX_ELIMIT, "%s: a batch of %zu events is larger than a record "
                          "may be (%zu bytes): split it", pool->path, n, max);
            break;
        }
        len += bxi_pool_event_encode(&evs[i], buf + len, cap - len);
        bxi_pool_room_add(&room, &evs[i]);
        if (evs[i].type == BX_EV_ISSUE &&
            (orders[i] = bxi_strdup(ctx, evs[i].order_id)) == NULL)
            st = BX_ENOMEM;
    }
    if (st == BX_OK && len > max)
        st = bxi_error(ctx, BX_ELIMIT, "%s: a batch of %zu events is larger than a record may "
                      "be (%zu bytes): split it", pool->path, n, max);
    if (st == BX_OK)
        st = bxi_pool_reserve(&pool->s, &room);
    uint64_t seq = 0;
    if (st == BX_OK)
        st = bx_journal_append(pool->journal, buf, len, &seq);
    if (st == BX_OK) {
        for (size_t i = 0; i < n; i++) {
            bx_status fst = bxi_pool_fold(&pool->s, &evs[i], seq, orders[i]);
            orders[i] = NULL;
            if (fst != BX_OK) { /* cannot happen with room reserved: be safe */
                pool->failed = true;
                st = fst;
            }
        }
    } else if (st == BX_EIO) {
        pool->failed = true;
    }
    for (size_t i = 0; i < n; i++)
        bx_free(ctx, orders[i]);
    bx_free(ctx, orders);
    bx_free(ctx, buf);
    if (st == BX_OK && seq_out != NULL)
        *seq_out = seq;
    return st;
}

bx_status bx_pool_apply(bx_pool *pool, const bx_pool_event *ev, uint64_t *seq)
{
    if (pool == NULL || ev == NULL)
        return pool == NULL ? BX_EINVAL : bxi_error(pool->ctx, BX_EINVAL, "bx_pool_apply: bad argument");
    return record(pool, ev, 1, NULL, seq);
}

bx_status bx_pool_apply_batch(bx_pool *pool, const bx_pool_event *evs, size_t n, size_t *bad)
{
    if (pool == NULL || (evs == NULL && n > 0))
        return pool == NULL ? BX_EINVAL
                            : bxi_error(pool->ctx, BX_EINVAL, "bx_pool_apply_batch: bad argument");
    return record(pool, evs, n, bad, NULL);
}

bx_status bx_pool_sync(bx_pool *pool)
{
    if (pool == NULL)
        return BX_EINVAL;
    return bx_journal_sync(pool->journal);
}

/* ---- queries ------------------------------------------------------------ */

size_t bx_pool_count(const bx_pool *pool)
{
    return pool == NULL ? 0 : pool->s.nc;
}

bx_status bx_pool_at(const bx_pool *pool, size_t i, bx_container_info *out)
{
    if (pool == NULL || out == NULL || i >= pool->s.nc)
        return BX_EINVAL;
    bxi_pool_info(&pool->s, (uint32_t)i, out);
    return BX_OK;
}

bx_status bx_pool_find(bx_pool *pool, const char *container_id, bx_container_info *out)
{
    if (pool == NULL || container_id == NULL || out == NULL)
        return pool == NULL ? BX_EINVAL : bxi_error(pool->ctx, BX_EINVAL, "bx_pool_find: bad argument");
    uint32_t ci = bxi_pool_find_container(&pool->s, container_id);
    if (ci == POOL_NONE)
        return bxi_error(pool->ctx, BX_ENOTFOUND, "container '%s' is not registered",
                        container_id);
    bxi_pool_info(&pool->s, ci, out);
    return BX_OK;
}

size_t bx_pool_station_count(const bx_pool *pool)
{
    return pool == NULL ? 0 : pool->s.ns;
}

const char *bx_pool_station(const bx_pool *pool, size_t i)
{
    if (pool == NULL || i >= pool->s.ns)
        return NULL;
    return pool_str(&pool->s, pool->s.st[i]);
}

bool bx_pool_has_station(const bx_pool *pool, const char *station_id)
{
    return pool != NULL && bxi_pool_find_station(&pool->s, station_id) != POOL_NONE;
}

size_t bx_pool_type_count(const bx_pool *pool)
{
    return pool == NULL ? 0 : pool->s.nt;
}

const char *bx_pool_type(const bx_pool *pool, size_t i)
{
    if (pool == NULL || i >= pool->s.nt)
        return NULL;
    return pool_str(&pool->s, pool->s.ty[i].id);
}

static const pool_bucket *bucket(const bx_pool *pool, const char *station_id,
                                 const char *type_id)
{
    if (pool == NULL)
        return NULL;
    uint32_t si = bxi_pool_find_station(&pool->s, station_id);
    uint32_t ti = bxi_pool_find_type(&pool->s, type_id);
    if (si == POOL_NONE || ti == POOL_NONE)
        return NULL;
    uint32_t bi = bxi_pool_find_bucket(&pool->s, si, ti);
    return bi == POOL_NONE ? NULL : &pool->s.b[bi];
}

uint64_t bx_pool_available(const bx_pool *pool, const char *station_id, const char *type_id)
{
    const pool_bucket *b = bucket(pool, station_id, type_id);
    return b == NULL ? 0 : b->count;
}

size_t bx_pool_pick(const bx_pool *pool, const char *station_id, const char *type_id,
                    size_t n, const char **ids)
{
    const pool_bucket *b = bucket(pool, station_id, type_id);
    size_t k = 0;
    for (uint32_t ci = b ? b->head : POOL_NONE; ci != POOL_NONE && k < n;
         ci = pool->s.c[ci].next)
        ids[k++] = pool_str(&pool->s, pool->s.c[ci].id);
    return k;
}

bx_status bx_pool_stats_get(const bx_pool *pool, const char *type_id, int64_t now_s,
                            int64_t overdue_after_s, bx_pool_stats *out)
{
    if (pool == NULL || out == NULL)
        return BX_EINVAL;
    memset(out, 0, sizeof *out);
    pool_totals t;
    bool found;
    bxi_pool_sum_totals(&pool->s, type_id, &t, &found);
    if (!found)
        return bxi_error(pool->ctx, BX_ENOTFOUND, "no container of type '%s' in the pool",
                        type_id);
    out->containers = t.containers;
    memcpy(out->in_state, t.in_state, sizeof out->in_state);
    out->issues = t.issues;
    out->trips_returned = t.trips_returned;
    out->trips_lost = t.trips_lost;
    out->found = t.found;
    out->lost_in_stock = t.lost_in_stock;
    out->washes = t.washes;
    out->repairs = t.repairs;
    out->inspections = t.inspections;
    out->damaged_found = t.damaged_found;
    out->retired = t.retired;
    uint64_t ended = t.trips_returned + t.trips_lost;
    out->return_rate = ended ? (double)t.trips_returned / (double)ended : NAN;
    out->loss_rate = ended ? (double)t.trips_lost / (double)ended : NAN;
    out->mean_cycle_s = t.cycle_n ? (double)t.cycle_sum_s / (double)t.cycle_n : NAN;
    uint32_t ti = type_id != NULL ? bxi_pool_find_type(&pool->s, type_id) : POOL_NONE;
    for (uint32_t i = 0; i < pool->s.nc; i++) {
        const pool_container *c = &pool->s.c[i];
        if ((c->state == BX_CS_ISSUED || c->state == BX_CS_DELIVERED) &&
            (type_id == NULL || c->type == ti) && now_s - c->issued_s > overdue_after_s)
            out->overdue++;
    }
    return BX_OK;
}

/* ---- operators ---------------------------------------------------------- */

size_t bx_pool_operator_count(const bx_pool *pool)
{
    return pool == NULL ? 0 : pool->s.nop;
}

const char *bx_pool_operator(const bx_pool *pool, size_t i)
{
    if (pool == NULL || i >= pool->s.nop)
        return NULL;
    return pool_str(&pool->s, pool->s.op[i].id);
}

bx_pool_role bx_pool_operator_role(const bx_pool *pool, const char *operator_id)
{
    uint32_t i = pool == NULL ? POOL_NONE : bxi_pool_find_operator(&pool->s, operator_id);
    return i == POOL_NONE ? BX_ROLE_NONE : (bx_pool_role)pool->s.op[i].role;
}

bx_status bx_pool_authenticate(bx_pool *pool, const char *token, const char **operator_id,
                               bx_pool_role *role)
{
    if (pool == NULL || operator_id == NULL || role == NULL)
        return pool == NULL ? BX_EINVAL
                            : bxi_error(pool->ctx, BX_EINVAL, "bx_pool_authenticate: bad argument");
    *operator_id = NULL;
    *role = BX_ROLE_NONE;
    unsigned char h[32];
    bx_pool_token_hash(token, h);
    /* Every operator is compared in full, so the time taken does not say
     * how near a guess came. */
    uint32_t found = POOL_NONE;
    for (uint32_t i = 0; i < pool->s.nop; i++) {
        unsigned diff = 0;
        for (size_t k = 0; k < sizeof h; k++)
            diff |= (unsigned)(h[k] ^ pool->s.op[i].token_sha256[k]);
        if (diff == 0)
            found = i;
    }
    if (token == NULL || strlen(token) != BX_POOL_TOKEN_LEN || found == POOL_NONE)
        return bxi_error(pool->ctx, BX_EPERM, "the token is not an operator's of this pool");
    *operator_id = pool_str(&pool->s, pool->s.op[found].id);
    *role = (bx_pool_role)pool->s.op[found].role;
    return BX_OK;
}

/* The operator `as` names: *all when it sees everything; POOL_NONE with
 * *all false for an unknown one, which sees nothing. */
static uint32_t viewer(const bx_pool *pool, const char *as, bool *all)
{
    *all = false;
    if (as == NULL || (as[0] == '\0' && pool->s.nop == 0)) {
        *all = true;
        return POOL_NONE;
    }
    uint32_t i = bxi_pool_find_operator(&pool->s, as);
    *all = i != POOL_NONE && pool->s.op[i].role == BX_ROLE_PLATFORM;
    return i;
}

bool bx_pool_sees_container(const bx_pool *pool, const char *as, const char *container_id)
{
    if (pool == NULL || container_id == NULL)
        return false;
    uint32_t ci = bxi_pool_find_container(&pool->s, container_id);
    if (ci == POOL_NONE)
        return false;
    bool all;
    uint32_t me = viewer(pool, as, &all);
    return all || (me != POOL_NONE && pool->s.c[ci].owner == me);
}

bool bx_pool_sees_station(const bx_pool *pool, const char *as, const char *station_id)
{
    if (pool == NULL || station_id == NULL)
        return false;
    uint32_t si = bxi_pool_find_station(&pool->s, station_id);
    if (si == POOL_NONE)
        return false;
    bool all;
    uint32_t me = viewer(pool, as, &all);
    return all || (me != POOL_NONE && pool->s.st_owner[si] == me);
}

const char *bx_pool_station_owner(const bx_pool *pool, const char *station_id)
{
    uint32_t si = pool == NULL ? POOL_NONE : bxi_pool_find_station(&pool->s, station_id);
    if (si == POOL_NONE)
        return NULL;
    uint32_t o = pool->s.st_owner[si];
    return o == POOL_NONE ? "" : pool_str(&pool->s, pool->s.op[o].id);
}

uint64_t bx_pool_available_as(const bx_pool *pool, const char *as, const char *station_id,
                              const char *type_id)
{
    bool all;
    uint32_t me = pool == NULL ? POOL_NONE : viewer(pool, as, &all);
    if (pool == NULL || all)
        return bx_pool_available(pool, station_id, type_id);
    const pool_bucket *b = bucket(pool, station_id, type_id);
    uint64_t k = 0;
    for (uint32_t ci = b ? b->head : POOL_NONE; me != POOL_NONE && ci != POOL_NONE;
         ci = pool->s.c[ci].next)
        k += pool->s.c[ci].owner == me;
    return k;
}

size_t bx_pool_pick_as(const bx_pool *pool, const char *as, const char *station_id,
                       const char *type_id, size_t n, const char **ids)
{
    bool all;
    uint32_t me = pool == NULL ? POOL_NONE : viewer(pool, as, &all);
    if (pool == NULL || all)
        return bx_pool_pick(pool, station_id, type_id, n, ids);
    const pool_bucket *b = bucket(pool, station_id, type_id);
    size_t k = 0;
    for (uint32_t ci = b ? b->head : POOL_NONE; me != POOL_NONE && ci != POOL_NONE && k < n;
         ci = pool->s.c[ci].next)
        if (pool->s.c[ci].owner == me)
            ids[k++] = pool_str(&pool->s, pool->s.c[ci].id);
    return k;
}

bx_status bx_pool_find_as(bx_pool *pool, const char *as, const char *container_id,
                          bx_container_info *out)
{
    if (pool == NULL || container_id == NULL || out == NULL)
        return pool == NULL ? BX_EINVAL : bxi_error(pool->ctx, BX_EINVAL, "bx_pool_find_as: bad argument");
    if (!bx_pool_sees_container(pool, as, container_id))
        return bxi_error(pool->ctx, BX_ENOTFOUND, "container '%s' is not registered",
                         container_id);
    return bx_pool_find(pool, container_id, out);
}

const bx_journal_info *bx_pool_journal_info(const bx_pool *pool)
{
    return pool == NULL ? NULL : bx_journal_get_info(pool->journal);
}

uint64_t bx_pool_seq(const bx_pool *pool)
{
    return pool == NULL ? 0 : pool->s.seq;
}

/* ---- snapshots, compaction, repair, close -------------------------------- */

static bx_status put_item(void *ud, const void *data, size_t len)
{
    return bx_snapshot_put(ud, data, len);
}

bx_status bx_pool_snapshot(bx_pool *pool)
{
    if (pool == NULL)
        return BX_EINVAL;
    bx_status st = writable(pool);
    bx_snapshot_writer *w = NULL;
    if (st == BX_OK)
        st = bx_journal_snapshot_begin(pool->journal, &w);
    if (st == BX_OK)
        st = bxi_pool_snapshot_write(&pool->s, put_item, w);
    if (st == BX_OK)
        return bx_snapshot_commit(w);
    bx_snapshot_abort(w);
    return st;
}

bx_status bx_pool_compact(bx_pool *pool, const char *archive_path)
{
    bx_status st = bx_pool_snapshot(pool);
    if (st == BX_OK)
        st = bx_journal_compact(pool->journal, archive_path);
    return st;
}

bx_status bx_pool_repair(bx_pool *pool, char *saved_as, size_t saved_as_size)
{
    if (pool == NULL)
        return BX_EINVAL;
    return bx_journal_repair(pool->journal, saved_as, saved_as_size);
}

bx_status bx_pool_close(bx_pool *pool)
{
    if (pool == NULL)
        return BX_OK;
    bx_status st = bx_journal_close(pool->journal);
    pool_free(pool);
    return st;
}

/* ---- packing ------------------------------------------------------------ */

bx_status bx_pool_stock(const bx_pool *pool, const bx_catalog *catalog,
                        const char *station_id, bool reusable_only, int64_t *stock)
{
    if (pool == NULL || catalog == NULL || station_id == NULL || stock == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < bx_catalog_count(catalog); i++) {
        const bx_box *box = bx_catalog_box(catalog, i);
        if (box->reusable)
            stock[i] = (int64_t)bx_pool_available(pool, station_id, box->box_id);
        else
            stock[i] = reusable_only ? 0 : box->stock;
    }
    return BX_OK;
}
