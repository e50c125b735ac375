/*
 * pool_accounts.c: trips, losses and deposits per operator, station and
 * month (boxcar/accounts.h), from one read-only replay of the journal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/accounts.h"
#include "pool_internal.h"

void bx_account_options_init(bx_account_options *o)
{
    if (o == NULL)
        return;
    o->loss_window_s = 30 * INT64_C(86400);
    o->now_s = 0;
    o->deposit_minor = 0;
    o->fee_minor = 0;
}

typedef struct trip {
    uint32_t owner, station; /* indexes into the name table */
    int64_t issued_s, returned_s; /* returned_s 0: not (yet) back */
} trip;

/* Where each container's open trip is: container id -> trip index, open
 * addressing (FNV-1a), at most half full. */
typedef struct slot {
    char id[BX_ID_MAX];
    size_t trip; /* SIZE_MAX: no open trip */
    bool used;
} slot;

typedef struct replay {
    bx_ctx *ctx;
    int64_t now_s;
    char (*names)[BX_ID_MAX];
    size_t nnames, cap_names;
    trip *trips;
    size_t ntrips, cap_trips;
    slot *slots;
    size_t nslots, used;
} replay;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static slot *find_slot(slot *slots, size_t n, const char *id)
{
    size_t i = (size_t)(fnv(id) & (n - 1));
    while (slots[i].used && strcmp(slots[i].id, id) != 0)
        i = (i + 1) & (n - 1);
    return &slots[i];
}

static bx_status slot_for(replay *r, const char *id, slot **out)
{
    if (2 * (r->used + 1) > r->nslots) {
        size_t n = r->nslots ? 2 * r->nslots : 64;
        slot *s = bx_alloc(r->ctx, n * sizeof *s);
        if (s == NULL)
            return BX_ENOMEM;
        memset(s, 0, n * sizeof *s);
        for (size_t i = 0; i < r->nslots; i++)
            if (r->slots[i].used)
                *find_slot(s, n, r->slots[i].id) = r->slots[i];
        bx_free(r->ctx, r->slots);
        r->slots = s;
        r->nslots = n;
    }
    slot *s = find_slot(r->slots, r->nslots, id);
    if (!s->used) {
        s->used = true;
        s->trip = SIZE_MAX;
        memcpy(s->id, id, strlen(id) + 1);
        r->used++;
    }
    *out = s;
    return BX_OK;
}

static bx_status name_index(replay *r, const char *name, uint32_t *out)
{
    for (size_t i = 0; i < r->nnames; i++)
        if (strcmp(r->names[i], name) == 0) {
            *out = (uint32_t)i;
            return BX_OK;
        }
    bx_status st = bxi_grow(r->ctx, (void **)&r->names, &r->cap_names, r->nnames + 1,
                            sizeof *r->names, (size_t)1 << 24, "names");
    if (st != BX_OK)
        return st;
    memcpy(r->names[r->nnames], name, strlen(name) + 1);
    *out = (uint32_t)r->nnames++;
    return BX_OK;
}

static bx_status on_event(void *ud, const bx_pool_event *ev, const char *type_id,
                          const char *owner)
{
    replay *r = ud;
    (void)type_id;
    if (ev->time_s > r->now_s || (ev->type != BX_EV_ISSUE && ev->type != BX_EV_RETURN))
        return BX_OK;
    slot *s;
    bx_status st = slot_for(r, ev->container_id, &s);
    if (st != BX_OK)
        return st;
    if (ev->type == BX_EV_RETURN) {
        if (s->trip != SIZE_MAX)
            r->trips[s->trip].returned_s = ev->time_s;
        s->trip = SIZE_MAX;
        return BX_OK;
    }
    trip t = {0, 0, ev->time_s, 0};
    if ((st = name_index(r, owner, &t.owner)) != BX_OK ||
        (st = name_index(r, ev->station_id, &t.station)) != BX_OK ||
        (st = bxi_grow(r->ctx, (void **)&r->trips, &r->cap_trips, r->ntrips + 1,
                       sizeof *r->trips, SIZE_MAX / sizeof *r->trips, "trips")) != BX_OK)
        return st;
    /* a slot may have moved while the tables grew: find it again */
    s = find_slot(r->slots, r->nslots, ev->container_id);
    s->trip = r->ntrips;
    r->trips[r->ntrips++] = t;
    return BX_OK;
}

/* YYYYMM of a Unix time (civil calendar from days, Howard Hinnant's
 * days-to-date). */
static int32_t month_of(int64_t t)
{
    int64_t z = t / 86400 + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    return (int32_t)(y * 100 + m);
}

static int row_cmp(const void *a, const void *b)
{
    const bx_account_row *x = a, *y = b;
    int c = strcmp(x->operator_id, y->operator_id);
    if (c == 0)
        c = (x->month > y->month) - (x->month < y->month);
    if (c == 0)
        c = strcmp(x->station_id, y->station_id);
    return c;
}

static bx_status build(replay *r, const bx_account_options *o, const bx_pool *pool,
                       const char *as, bx_accounts *acc)
{
    bool all = as == NULL || as[0] == '\0' ||
               bx_pool_operator_role(pool, as) == BX_ROLE_PLATFORM;
    size_t cap = 0;
    for (size_t i = 0; i < r->ntrips; i++) {
        const trip *t = &r->trips[i];
        const char *owner = r->names[t->owner], *station = r->names[t->station];
        if (!all && strcmp(owner, as) != 0)
            continue;
        int32_t month = month_of(t->issued_s);
        size_t k = 0;
        while (k < acc->nrows && !(acc->rows[k].month == month &&
                                   strcmp(acc->rows[k].operator_id, owner) == 0 &&
                                   strcmp(acc->rows[k].station_id, station) == 0))
            k++;
        if (k == acc->nrows) {
            bx_status st = bxi_grow(r->ctx, (void **)&acc->rows, &cap, k + 1,
                                    sizeof *acc->rows, SIZE_MAX / sizeof *acc->rows,
                                    "statement rows");
            if (st != BX_OK)
                return st;
            memset(&acc->rows[k], 0, sizeof acc->rows[k]);
            memcpy(acc->rows[k].operator_id, owner, strlen(owner) + 1);
            memcpy(acc->rows[k].station_id, station, strlen(station) + 1);
            acc->rows[k].month = month;
            acc->nrows++;
        }
        bx_account_row *row = &acc->rows[k];
        int64_t due = t->issued_s + o->loss_window_s;
        row->trips++;
        row->fees_minor += o->fee_minor;
        row->deposits_minor += o->deposit_minor;
        if (t->returned_s != 0 && t->returned_s <= due) {
            row->returned++;
            row->refunded_minor += o->deposit_minor;
        } else if (due <= o->now_s) {
            row->lost++;
            row->late += t->returned_s != 0;
            row->forfeited_minor += o->deposit_minor;
        } else {
            row->open++;
            row->held_minor += o->deposit_minor;
        }
    }
    if (acc->nrows > 1)
        qsort(acc->rows, acc->nrows, sizeof *acc->rows, row_cmp);
    return BX_OK;
}

void bx_accounts_free(bx_ctx *ctx, bx_accounts *a)
{
    if (a == NULL)
        return;
    bx_free(ctx, a->rows);
    bx_free(ctx, a);
}

bx_status bx_pool_accounts(bx_ctx *ctx, const char *path, const char *as,
                           const bx_account_options *opts, bx_accounts **out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    bx_account_options o;
    bx_account_options_init(&o);
    if (opts != NULL)
        o = *opts;
    if (out != NULL)
        *out = NULL;
    /* bounds keep every sum below 2^63: 2^40 trips at most 2^22 each */
    if (path == NULL || out == NULL || o.loss_window_s <= 0 ||
        o.loss_window_s > 3660 * INT64_C(86400) || o.now_s <= 0 || o.deposit_minor < 0 ||
        o.deposit_minor > INT64_C(1) << 22 || o.fee_minor < 0 || o.fee_minor > INT64_C(1) << 22)
        return bxi_error(ctx, BX_EINVAL, "bx_pool_accounts: bad argument");
    replay r = {.ctx = ctx, .now_s = o.now_s};
    bx_pool_options po;
    bx_pool_options_init(&po);
    po.journal.read_only = true;
    po.journal.use_snapshot = false;
    po.on_event = on_event;
    po.on_event_ud = &r;
    bx_pool *pool = NULL;
    bx_status st = bx_pool_open(ctx, &pool, path, NULL, &po);
    if (st == BX_OK && bx_pool_journal_info(pool)->base_seq > 1) {
        /* compacted: the state needs its snapshot; trips since then */
        bx_pool_close(pool);
        pool = NULL;
        r.ntrips = r.nnames = 0;
        if (r.slots != NULL)
            memset(r.slots, 0, r.nslots * sizeof *r.slots);
        r.used = 0;
        po.journal.use_snapshot = true;
        st = bx_pool_open(ctx, &pool, path, NULL, &po);
    }
    bx_accounts *acc = NULL;
    if (st == BX_OK && (acc = bx_alloc(ctx, sizeof *acc)) == NULL)
        st = BX_ENOMEM;
    if (acc != NULL)
        memset(acc, 0, sizeof *acc);
    if (st == BX_OK)
        st = build(&r, &o, pool, as, acc);
    bx_pool_close(pool);
    bx_free(ctx, r.names);
    bx_free(ctx, r.trips);
    bx_free(ctx, r.slots);
    if (st != BX_OK) {
        bx_accounts_free(ctx, acc);
        return st;
    }
    *out = acc;
    return BX_OK;
}

/* ---- the statement's CSV ------------------------------------------------- */

#define STATEMENT_COLUMNS(X)                                                            \
    X(operator, TEXT) X(station, TEXT) X(month, TEXT) X(trips, NUM) X(returned, NUM)    \
    X(lost, NUM) X(late, NUM) X(open, NUM) X(loss_rate, NUM) X(fees, NUM)             \
    X(deposits, NUM) X(refunded, NUM) X(forfeited, NUM) X(held, NUM)

static const char *const statement_names[] = {STATEMENT_COLUMNS(BX_COLUMN_NAME)};
static const char *const statement_numeric[] = {STATEMENT_COLUMNS(BX_COLUMN_IF_NUM) NULL};

const char *const *bx_accounts_csv_numeric_columns(void)
{
    return statement_numeric;
}

static bx_status field(bx_csv_writer *w, const char *s)
{
    return bx_csv_write_field(w, s, strlen(s));
}

/* Minor units as a decimal with two places: -123 -> "-1.23". */
static void money(char *buf, size_t size, int64_t minor)
{
    uint64_t m = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    snprintf(buf, size, "%s%" PRIu64 ".%02u", minor < 0 ? "-" : "", m / 100,
             (unsigned)(m % 100));
}

bx_status bx_accounts_write_csv(bx_ctx *ctx, const bx_accounts *a, int32_t month,
                                bx_write_fn write, void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (a == NULL || write == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_accounts_write_csv: bad argument");
    bx_csv_writer w;
    bx_csv_writer_init(&w, write, ud);
    bx_status st = BX_OK;
    for (size_t c = 0; st == BX_OK && c < BX_ARRAY_LEN(statement_names); c++)
        st = field(&w, statement_names[c]);
    if (st == BX_OK)
        st = bx_csv_end_record(&w);
    for (size_t i = 0; st == BX_OK && i < a->nrows; i++) {
        const bx_account_row *r = &a->rows[i];
        if (month != 0 && r->month != month)
            continue;
        char buf[14][48];
        snprintf(buf[0], sizeof buf[0], "%04d-%02d", (int)(r->month / 100),
                 (int)(r->month % 100));
        snprintf(buf[1], sizeof buf[1], "%" PRIu64, r->trips);
        snprintf(buf[2], sizeof buf[2], "%" PRIu64, r->returned);
        snprintf(buf[3], sizeof buf[3], "%" PRIu64, r->lost);
        snprintf(buf[4], sizeof buf[4], "%" PRIu64, r->late);
        snprintf(buf[5], sizeof buf[5], "%" PRIu64, r->open);
        if (r->returned + r->lost > 0)
            snprintf(buf[6], sizeof buf[6], "%.6f",
                     (double)r->lost / (double)(r->returned + r->lost));
        else
            buf[6][0] = '\0';
        money(buf[7], sizeof buf[7], r->fees_minor);
        money(buf[8], sizeof buf[8], r->deposits_minor);
        money(buf[9], sizeof buf[9], r->refunded_minor);
        money(buf[10], sizeof buf[10], r->forfeited_minor);
        money(buf[11], sizeof buf[11], r->held_minor);
        const char *cells[14] = {r->operator_id, r->station_id, buf[0], buf[1], buf[2],
                                 buf[3], buf[4], buf[5], buf[6], buf[7], buf[8], buf[9],
                                 buf[10], buf[11]};
        for (size_t c = 0; st == BX_OK && c < 14; c++)
            st = field(&w, cells[c]);
        if (st == BX_OK)
            st = bx_csv_end_record(&w);
    }
    if (st != BX_OK)
        st = bxi_error(ctx, BX_EIO, "writing the statement failed");
    return st;
}
