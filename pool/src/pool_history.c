/*
 * pool_history.c: a station's daily issues and returns per container
 * type, read from the pool's journal record by record (the fold keeps no
 * history; a snapshot holds none), for forecasts. A compacted journal
 * holds the history since its snapshot only.
 */
#include <string.h>

#include "boxcar/forecast.h"
#include "pool_internal.h"

/* What the replay hands over: the events at the station, by day. */
typedef struct collect {
    bx_ctx *ctx;
    const char *station, *type;
    bool joined;
    int64_t first_day;
    char (*types)[BX_ID_MAX];
    size_t ntypes, cap_types;
    struct hev {
        int64_t day;
        uint32_t type;
        bool issue;
    } *ev;
    size_t nev, cap_ev;
} collect;

static bx_status on_event(void *ud, const bx_pool_event *ev, const char *type_id,
                          const char *owner)
{
    collect *c = ud;
    (void)owner;
    /* event times are 2000..2100, so the division is exact downward */
    int64_t day = ev->time_s / 86400;
    if (ev->type == BX_EV_STATION && strcmp(ev->station_id, c->station) == 0) {
        c->joined = true;
        c->first_day = day;
    }
    if ((ev->type != BX_EV_ISSUE && ev->type != BX_EV_RETURN) ||
        strcmp(ev->station_id, c->station) != 0 || (c->type && strcmp(c->type, type_id) != 0))
        return BX_OK;
    size_t t = 0;
    while (t < c->ntypes && strcmp(c->types[t], type_id) != 0)
        t++;
    bx_status st;
    if (t == c->ntypes) {
        if ((st = bxi_grow(c->ctx, (void **)&c->types, &c->cap_types, t + 1, sizeof *c->types,
                           1u << 20, "container types")) != BX_OK)
            return st;
        memcpy(c->types[t], type_id, strlen(type_id) + 1);
        c->ntypes++;
    }
    if ((st = bxi_grow(c->ctx, (void **)&c->ev, &c->cap_ev, c->nev + 1, sizeof *c->ev,
                       SIZE_MAX / sizeof *c->ev, "history events")) != BX_OK)
        return st;
    c->ev[c->nev++] = (struct hev){day, (uint32_t)t, ev->type == BX_EV_ISSUE};
    return BX_OK;
}

void bx_station_history_free(bx_ctx *ctx, bx_station_history *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->ntypes; i++) {
        bx_free(ctx, h->types[i].issues);
        bx_free(ctx, h->types[i].returns);
    }
    bx_free(ctx, h->types);
    bx_free(ctx, h);
}

static bx_status build(collect *c, int64_t end_day, bx_station_history **out)
{
    bx_ctx *ctx = c->ctx;
    bx_station_history *h = bx_alloc(ctx, sizeof *h);
    if (h == NULL)
        return BX_ENOMEM;
    memset(h, 0, sizeof *h);
    h->first_day = c->first_day;
    size_t n = end_day > c->first_day ? (size_t)(end_day - c->first_day) : 0;
    if (c->ntypes > 0 && (h->types = bx_alloc(ctx, c->ntypes * sizeof *h->types)) == NULL) {
        bx_free(ctx, h);
        return BX_ENOMEM;
    }
    for (size_t t = 0; t < c->ntypes; t++) {
        bx_station_series *s = &h->types[h->ntypes++];
        memset(s, 0, sizeof *s);
        memcpy(s->type_id, c->types[t], sizeof s->type_id);
        s->first_day = c->first_day;
        s->ndays = n;
        s->issues = bx_alloc(ctx, (n ? n : 1) * sizeof *s->issues);
        s->returns = bx_alloc(ctx, (n ? n : 1) * sizeof *s->returns);
        if (s->issues == NULL || s->returns == NULL) {
            bx_station_history_free(ctx, h);
            return BX_ENOMEM;
        }
        memset(s->issues, 0, (n ? n : 1) * sizeof *s->issues);
        memset(s->returns, 0, (n ? n : 1) * sizeof *s->returns);
    }
    for (size_t i = 0; i < c->nev; i++) {
        const struct hev *e = &c->ev[i];
        if (e->day < c->first_day || e->day >= end_day)
            continue;
        bx_station_series *s = &h->types[e->type];
        (e->issue ? s->issues : s->returns)[e->day - c->first_day]++;
    }
    *out = h;
    return BX_OK;
}

bx_status bx_station_history_read(bx_ctx *ctx, const char *path, const char *station_id,
                                  const char *type_id, int64_t end_day,
                                  bx_station_history **out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL || station_id == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_station_history_read: bad argument");
    *out = NULL;
    collect c = {.ctx = ctx, .station = station_id, .type = type_id};
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = true;
    o.journal.use_snapshot = false;
    o.on_event = on_event;
    o.on_event_ud = &c;
    bx_pool *pool = NULL;
    bx_status st = bx_pool_open(ctx, &pool, path, NULL, &o);
    if (st == BX_OK && bx_pool_journal_info(pool)->base_seq > 1) {
        /* compacted: the state needs the snapshot, and the history is
         * what came after it */
        bx_pool_close(pool);
        pool = NULL;
        c.joined = false;
        c.ntypes = c.nev = 0;
        o.journal.use_snapshot = true;
        st = bx_pool_open(ctx, &pool, path, NULL, &o);
    }
    if (st == BX_OK && !bx_pool_has_station(pool, station_id))
        st = bxi_error(ctx, BX_ENOTFOUND, "station '%s' is not in the pool", station_id);
    else if (st == BX_OK && !c.joined)
        st = bxi_error(ctx, BX_EINPUT, "%s: station '%s': the journal no longer holds the day "
                       "it joined (it was compacted since): no history to forecast from",
                       path, station_id);
    bx_pool_close(pool);
    if (st == BX_OK)
        st = build(&c, end_day, out);
    bx_free(ctx, c.types);
    bx_free(ctx, c.ev);
    return st;
}
