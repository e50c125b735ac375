/*
 * h_containers.c: the reusable-container pool over HTTP.
 *
 *   POST /v1/containers/events   one event, or a batch (all or none)
 *   GET  /v1/containers/{id}     one container
 *   GET  /v1/containers          the containers, filtered and paged
 *   GET  /v1/containers/stats    bx_pool_stats_get
 *   GET  /v1/containers/forecast a station's daily forecast (forecast.h)
 *   GET  /v1/containers/plan     a rebalancing plan (plan.h)
 *   GET  /v1/containers/statement a month's trips, losses and deposits
 *                                (accounts.h)
 *
 * An event has the keys of a journal record (docs/formats.md, section 14):
 * "ev", "at" (optional here: the server's clock), "id", "station",
 * "type", "order", "damaged". An event is acknowledged only once it is
 * durable: bx_pool_apply / bx_pool_apply_batch, then bx_pool_sync.
 * What the service cannot read (a wrong type, an unknown key or event) is
 * 422; what the pool refuses (the lifecycle, an unknown container or
 * station, a field the event needs) is 409 with the library's message; in
 * both cases nothing was written.
 *
 * A pool with operators takes an operator's token on every endpoint here
 * (server.c): events are recorded as that operator's ("by"), and an
 * operator reads only its own containers and stations; another's answer
 * as missing ones. An operator event carries "operator", "role" and
 * "token_sha256" (64 hex digits: the client makes the token and keeps it);
 * a transfer names the receiving "operator". What the caller's role may
 * not do is 403.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc.h"

/* The batch a journal record holds by default (pool.h): larger ones are
 * refused before any work. */
#define EVENTS_MAX 10000
#define LIST_DEFAULT 100
#define LIST_MAX 1000

static svc_pool *pool_or_404(svc_call *c)
{
    if (c->server->pool == NULL)
        svc_reply_error(c, 404, "not_configured", NULL,
                        "this server keeps no container pool (start it with "
                        "--pool JOURNAL)");
    return c->server->pool;
}

static void unreadable(svc_call *c, size_t index, const char *field, const char *what)
{
    bx_location loc = {0};
    loc.field = field;
    loc.record = index + 1;
    svc_reply_error(c, 422, "bad_event", &loc, "event %zu, '%s': %s", index + 1, field, what);
}

static bool id_field(svc_call *c, size_t i, const char *key, const json_t *v, char *dst)
{
    if (!json_is_string(v)) {
        unreadable(c, i, key, "expected text");
        return false;
    }
    size_t n = json_string_length(v);
    if (n >= BX_ID_MAX || strlen(json_string_value(v)) != n) {
        unreadable(c, i, key, "text of 1 to 63 bytes expected");
        return false;
    }
    memcpy(dst, json_string_value(v), n + 1);
    return true;
}

/* 64 hex digits into 32 bytes. */
static bool hex32(const json_t *v, unsigned char out[32])
{
    if (!json_is_string(v) || json_string_length(v) != 64)
        return false;
    const char *s = json_string_value(v);
    for (size_t i = 0; i < 64; i++) {
        char ch = s[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            return false;
        out[i / 2] = (unsigned char)(i % 2 ? out[i / 2] | d : d << 4);
    }
    return true;
}

static bool read_event(svc_call *c, size_t i, const json_t *obj, int64_t now,
                       bx_pool_event *ev)
{
    bx_pool_event_init(ev);
    ev->time_s = now;
    memcpy(ev->by, c->as, sizeof ev->by);
    if (!json_is_object(obj)) {
        unreadable(c, i, "", "an event is an object");
        return false;
    }
    const json_t *name = json_object_get(obj, "ev");
    if (!json_is_string(name) || bx_pool_event_parse(json_string_value(name), &ev->type) != BX_OK) {
        unreadable(c, i, "ev", "expected one of station, register, issue, deliver, return, "
                               "inspect, wash, repair, retire, lost, transfer, operator");
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool ok = true;
        if (strcmp(key, "ev") == 0)
            continue;
        if (strcmp(key, "at") == 0) {
            if (!json_is_integer(v)) {
                unreadable(c, i, "at", "expected Unix seconds (an integer)");
                return false;
            }
            ev->time_s = json_integer_value(v);
        } else if (strcmp(key, "id") == 0) {
            ok = id_field(c, i, "id", v, ev->container_id);
        } else if (strcmp(key, "station") == 0) {
            ok = id_field(c, i, "station", v, ev->station_id);
        } else if (strcmp(key, "type") == 0) {
            ok = id_field(c, i, "type", v, ev->type_id);
        } else if (strcmp(key, "order") == 0) {
            ok = id_field(c, i, "order", v, ev->order_id);
        } else if (strcmp(key, "operator") == 0) {
            ok = id_field(c, i, "operator", v, ev->operator_id);
        } else if (strcmp(key, "role") == 0) {
            if (!json_is_string(v) || bx_pool_role_parse(json_string_value(v), &ev->role) != BX_OK) {
                unreadable(c, i, "role", "expected operator or platform");
                return false;
            }
        } else if (strcmp(key, "token_sha256") == 0) {
            if (!hex32(v, ev->token_sha256)) {
                unreadable(c, i, "token_sha256", "expected 64 hex digits (a SHA-256)");
                return false;
            }
        } else if (strcmp(key, "damaged") == 0) {
            if (!json_is_boolean(v)) {
                unreadable(c, i, "damaged", "expected true or false");
                return false;
            }
            ev->damaged = json_is_true(v);
        } else {
            char shown[72];
            size_t n = 0;
            for (; key[n] != '\0' && n < 64; n++)
                shown[n] = key[n] >= 0x20 && key[n] < 0x7f ? key[n] : '?';
            shown[n] = '\0';
            unreadable(c, i, shown, "not a key of an event (ev, at, id, station, type, "
                                    "order, damaged, operator, role, token_sha256)");
            return false;
        }
        if (!ok)
            return false;
    }
    return true;
}

/* One event (an object with "ev"), a batch (an array), or {"events":[..]}. */
static const json_t *event_list(svc_call *c, const json_t *doc, bool *single)
{
    *single = false;
    if (json_is_array(doc))
        return doc;
    if (json_is_object(doc) && json_object_get(doc, "ev") != NULL) {
        *single = true;
        return doc;
    }
    const json_t *list = json_object_get(doc, "events");
    if (json_is_object(doc) && json_is_array(list) && json_object_size(doc) == 1)
        return list;
    svc_reply_error(c, 400, "bad_input", NULL,
                    "the body is one event (an object with \"ev\"), an array of "
                    "events, or {\"events\": [...]}");
    return NULL;
}

static void refused(svc_call *c, svc_pool *p, bx_status st, size_t index, bool batch)
{
    const char *msg = bx_ctx_errmsg(p->ctx);
    if (st == BX_EPERM) {
        svc_reply_error(c, 403, "forbidden", NULL, "%s (nothing recorded)", msg);
    } else if (st == BX_EINPUT) {
        bx_location loc = {0};
        loc.record = index + 1;
        if (batch)
            svc_reply_error(c, 409, "refused", &loc, "event %zu: %s (nothing recorded)",
                            index + 1, msg);
        else
            svc_reply_error(c, 409, "refused", &loc, "%s (nothing recorded)", msg);
    } else if (st == BX_ELIMIT) {
        svc_reply_error(c, 413, "limit", NULL, "%s", msg);
    } else if (st == BX_ENOMEM) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "%s", msg);
    } else {
        svc_reply_error(c, 503, "journal", NULL, "the journal did not take the events: "
                        "%s: %s", bx_strerror(st), msg);
    }
}

void svc_h_pool_events(svc_call *c)
{
    svc_pool *p = pool_or_404(c);
    if (p == NULL)
        return;
    char err[256];
    unsigned status;
    json_t *doc = svc_body_decode(c, 3, err, sizeof err, &status);
    if (doc == NULL) {
        svc_reply_error(c, status, status == 413 ? "limit" : "bad_input", NULL, "%s", err);
        return;
    }
    bool single;
    const json_t *list = event_list(c, doc, &single);
    size_t n = list == NULL ? 0 : single ? 1 : json_array_size(list);
    bx_pool_event *evs = NULL;
    bool ok = list != NULL;
    if (ok && (n == 0 || n > EVENTS_MAX)) {
        svc_reply_error(c, n == 0 ? 400 : 413, n == 0 ? "bad_input" : "limit", NULL,
                        n == 0 ? "no events" : "more than %d events in one batch",
                        EVENTS_MAX);
        ok = false;
    }
    if (ok && (evs = calloc(n, sizeof *evs)) == NULL) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        ok = false;
    }
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; ok && i < n; i++)
        ok = read_event(c, i, single ? list : json_array_get(list, i), now, &evs[i]);
    json_decref(doc);
    if (!ok) {
        free(evs);
        return;
    }
    pthread_mutex_lock(&p->lock);
    size_t bad = 0;
    bx_status st = n == 1 ? bx_pool_apply(p->pool, evs, NULL)
                          : bx_pool_apply_batch(p->pool, evs, n, &bad);
    /* durable before it is acknowledged, whatever the journal's sync mode */
    if (st == BX_OK)
        st = bx_pool_sync(p->pool);
    uint64_t seq = bx_pool_seq(p->pool);
    if (st != BX_OK)
        refused(c, p, st, bad, n > 1);
    pthread_mutex_unlock(&p->lock);
    free(evs);
    if (st != BX_OK)
        return;
    atomic_fetch_add_explicit(&c->server->metrics.pool_events, n, memory_order_relaxed);
    json_t *ack = json_object();
    if (ack != NULL) {
        json_object_set_new(ack, "recorded", json_integer((json_int_t)n));
        json_object_set_new(ack, "seq", json_integer((json_int_t)seq));
    }
    svc_reply_doc(c, ack);
    json_decref(ack);
}

static json_t *opt_time(int64_t t)
{
    return t != 0 ? json_integer(t) : json_null();
}

static json_t *container_doc(const bx_container_info *k)
{
    json_t *d = json_object();
    if (d == NULL)
        return NULL;
    json_object_set_new(d, "id", json_string(k->container_id));
    json_object_set_new(d, "type", json_string(k->type_id));
    json_object_set_new(d, "station", json_string(k->station_id));
    json_object_set_new(d, "order", k->order_id[0] ? json_string(k->order_id) : json_null());
    json_object_set_new(d, "state", json_string(bx_container_state_name(k->state)));
    json_object_set_new(d, "trips", json_integer(k->trips));
    json_object_set_new(d, "issues", json_integer(k->issues));
    json_object_set_new(d, "washes", json_integer(k->washes));
    json_object_set_new(d, "repairs", json_integer(k->repairs));
    json_object_set_new(d, "inspections", json_integer(k->inspections));
    json_object_set_new(d, "last_event", json_string(bx_pool_event_name(k->last_event)));
    json_object_set_new(d, "last_at", json_integer(k->last_time_s));
    json_object_set_new(d, "last_seq", json_integer((json_int_t)k->last_seq));
    json_object_set_new(d, "registered_at", json_integer(k->registered_s));
    json_object_set_new(d, "issued_at", opt_time(k->issued_s));
    return d;
}

void svc_h_pool_container(svc_call *c)
{
    static const char *const none[] = {NULL};
    svc_pool *p = pool_or_404(c);
    if (p == NULL || !svc_args_check(c, none))
        return;
    const char *id = c->path + strlen("/v1/containers/");
    pthread_mutex_lock(&p->lock);
    bx_container_info k;
    bx_status st = bx_pool_find_as(p->pool, c->as, id, &k);
    json_t *doc = st == BX_OK ? container_doc(&k) : NULL;
    if (st == BX_ENOTFOUND)
        svc_reply_error(c, 404, "not_found", NULL, "%s", bx_ctx_errmsg(p->ctx));
    pthread_mutex_unlock(&p->lock);
    if (st == BX_ENOTFOUND)
        return;
    if (st != BX_OK || doc == NULL) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        json_decref(doc);
        return;
    }
    svc_reply_doc(c, doc);
    json_decref(doc);
}

/* A count in a query argument: digits, within [lo, hi]. */
static bool count_arg(svc_call *c, const char *name, uint64_t lo, uint64_t hi, uint64_t *out)
{
    const char *v = svc_arg_get(c, name);
    if (v == NULL)
        return true;
    uint64_t n = 0;
    size_t len = strlen(v);
    bool ok = len > 0 && len <= 12;
    for (size_t i = 0; ok && i < len; i++) {
        ok = v[i] >= '0' && v[i] <= '9';
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    if (!ok || n < lo || n > hi) {
        bx_location loc = {0};
        loc.field = name;
        svc_reply_error(c, 400, "bad_parameter", &loc,
                        "query argument '%s': expected a whole number from %llu to %llu",
                        name, (unsigned long long)lo, (unsigned long long)hi);
        return false;
    }
    *out = n;
    return true;
}

static void unknown_thing(svc_call *c, const char *field, const char *what, const char *v)
{
    bx_location loc = {0};
    loc.field = field;
    svc_reply_error(c, 422, "unknown", &loc, "no %s '%.64s' in the pool", what, v);
}

void svc_h_pool_list(svc_call *c)
{
    static const char *const known[] = {"station", "type", "state", "offset", "limit", NULL};
    svc_pool *p = pool_or_404(c);
    if (p == NULL || !svc_args_check(c, known))
        return;
    const char *station = svc_arg_get(c, "station"), *type = svc_arg_get(c, "type");
    const char *state_name = svc_arg_get(c, "state");
    bx_container_state state = 0;
    uint64_t offset = 0, limit = LIST_DEFAULT;
    if (state_name != NULL && bx_container_state_parse(state_name, &state) != BX_OK) {
        bx_location loc = {0};
        loc.field = "state";
        svc_reply_error(c, 400, "bad_parameter", &loc,
                        "query argument 'state': expected available, issued, delivered, "
                        "returned, damaged, retired or lost");
        return;
    }
    if (!count_arg(c, "offset", 0, UINT32_MAX, &offset) ||
        !count_arg(c, "limit", 1, LIST_MAX, &limit))
        return;
    json_t *doc = json_object(), *list = json_array();
    bool oom = doc == NULL || list == NULL;
    pthread_mutex_lock(&p->lock);
    bool unknown = false;
    if (station != NULL && !bx_pool_sees_station(p->pool, c->as, station)) {
        unknown_thing(c, "station", "station", station);
        unknown = true;
    }
    uint64_t matched = 0;
    for (size_t i = 0; !oom && !unknown && i < bx_pool_count(p->pool); i++) {
        bx_container_info k;
        if (bx_pool_at(p->pool, i, &k) != BX_OK ||
            !bx_pool_sees_container(p->pool, c->as, k.container_id))
            continue;
        if ((station != NULL && strcmp(k.station_id, station) != 0) ||
            (type != NULL && strcmp(k.type_id, type) != 0) ||
            (state_name != NULL && k.state != state))
            continue;
        if (matched >= offset && matched - offset < limit) {
            json_t *d = container_doc(&k);
            oom = d == NULL || json_array_append_new(list, d) != 0;
        }
        matched++;
    }
    pthread_mutex_unlock(&p->lock);
    if (unknown || oom) {
        json_decref(list);
        json_decref(doc);
        if (oom)
            svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    uint64_t shown = json_array_size(list);
    json_object_set_new(doc, "containers", list);
    json_object_set_new(doc, "matched", json_integer((json_int_t)matched));
    json_object_set_new(doc, "offset", json_integer((json_int_t)offset));
    json_object_set_new(doc, "next_offset", offset + shown < matched
                                                ? json_integer((json_int_t)(offset + shown))
                                                : json_null());
    svc_reply_doc(c, doc);
    json_decref(doc);
}

static json_t *rate(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* An operator's own figures (GET /v1/containers/stats with an operator's
 * token): per station it runs, its trips there over the journal's history
 * (boxcar/accounts.h: returned, lost when not back within loss_days, late,
 * open) and the containers it holds ready there, per type. */
static void operator_stats(svc_call *c, svc_pool *p, int64_t now)
{
    uint64_t days = 30;
    if (!count_arg(c, "loss_days", 1, 3660, &days))
        return;
    bx_account_options o;
    bx_account_options_init(&o);
    o.now_s = now;
    o.loss_window_s = (int64_t)days * 86400;
    bx_ctx *ctx = c->worker->ctx;
    bx_accounts *acc = NULL;
    bx_status st = bx_pool_accounts(ctx, p->path, c->as, &o, &acc);
    if (st != BX_OK) {
        svc_reply_ctx_status(c, ctx, st);
        return;
    }
    json_t *doc = json_object(), *stations = json_array();
    bool oom = doc == NULL || stations == NULL;
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; !oom && i < bx_pool_station_count(p->pool); i++) {
        const char *id = bx_pool_station(p->pool, i);
        if (!bx_pool_sees_station(p->pool, c->as, id))
            continue;
        bx_account_row sum;
        memset(&sum, 0, sizeof sum);
        for (size_t k = 0; k < acc->nrows; k++) {
            const bx_account_row *r = &acc->rows[k];
            if (strcmp(r->station_id, id) != 0)
                continue;
            sum.trips += r->trips;
            sum.returned += r->returned;
            sum.lost += r->lost;
            sum.late += r->late;
            sum.open += r->open;
        }
        json_t *ready = json_object();
        for (size_t t = 0; ready != NULL && t < bx_pool_type_count(p->pool); t++) {
            const char *type = bx_pool_type(p->pool, t);
            json_object_set_new(ready, type, json_integer((json_int_t)bx_pool_available_as(
                                                 p->pool, c->as, id, type)));
        }
        json_t *e = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "station", id, "trips",
                              (json_int_t)sum.trips, "returned", (json_int_t)sum.returned,
                              "lost", (json_int_t)sum.lost, "late", (json_int_t)sum.late,
                              "open", (json_int_t)sum.open);
        oom = e == NULL || ready == NULL;
        if (!oom) {
            json_object_set_new(e, "loss_rate",
                                sum.returned + sum.lost
                                    ? json_real((double)sum.lost /
                                                (double)(sum.returned + sum.lost))
                                    : json_null());
            json_object_set_new(e, "ready", ready);
            ready = NULL;
            oom = json_array_append_new(stations, e) != 0;
            e = NULL;
        }
        json_decref(ready);
        json_decref(e);
    }
    pthread_mutex_unlock(&p->lock);
    bx_accounts_free(ctx, acc);
    if (oom) {
        json_decref(stations);
        json_decref(doc);
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    json_object_set_new(doc, "operator", json_string(c->as));
    json_object_set_new(doc, "now", json_integer((json_int_t)now));
    json_object_set_new(doc, "loss_days", json_integer((json_int_t)days));
    json_object_set_new(doc, "stations", stations);
    svc_reply_doc(c, doc);
    json_decref(doc);
}

void svc_h_pool_stats(svc_call *c)
{
    static const char *const known[] = {"type", "now", "overdue_days", "loss_days", NULL};
    svc_pool *p = pool_or_404(c);
    if (p == NULL || !svc_args_check(c, known))
        return;
    const char *type = svc_arg_get(c, "type");
    uint64_t now = (uint64_t)time(NULL), days = 30;
    if (!count_arg(c, "now", (uint64_t)BX_POOL_TIME_MIN, (uint64_t)BX_POOL_TIME_MAX, &now) ||
        !count_arg(c, "overdue_days", 1, 36500, &days))
        return;
    if (!svc_sees_all(c)) {
        operator_stats(c, p, (int64_t)now);
        return;
    }
    json_t *doc = json_object(), *states = json_object();
    pthread_mutex_lock(&p->lock);
    bool unknown = false;
    if (type != NULL) {
        unknown = true;
        for (size_t i = 0; i < bx_pool_type_count(p->pool) && unknown; i++)
            unknown = strcmp(bx_pool_type(p->pool, i), type) != 0;
        if (unknown)
            unknown_thing(c, "type", "container type", type);
    }
    bx_pool_stats s;
    bx_status st = unknown ? BX_ENOTFOUND
                           : bx_pool_stats_get(p->pool, type, (int64_t)now,
                                               (int64_t)days * 86400, &s);
    pthread_mutex_unlock(&p->lock);
    if (st != BX_OK || doc == NULL || states == NULL) {
        json_decref(doc);
        json_decref(states);
        if (!unknown)
            svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    for (int k = 1; k < BX_CS_COUNT; k++)
        json_object_set_new(states, bx_container_state_name((bx_container_state)k),
                            json_integer((json_int_t)s.in_state[k]));
    json_object_set_new(doc, "type", type != NULL ? json_string(type) : json_null());
    json_object_set_new(doc, "containers", json_integer((json_int_t)s.containers));
    json_object_set_new(doc, "in_state", states);
    json_object_set_new(doc, "issues", json_integer((json_int_t)s.issues));
    json_object_set_new(doc, "trips_returned", json_integer((json_int_t)s.trips_returned));
    json_object_set_new(doc, "trips_lost", json_integer((json_int_t)s.trips_lost));
    json_object_set_new(doc, "found", json_integer((json_int_t)s.found));
    json_object_set_new(doc, "lost_in_stock", json_integer((json_int_t)s.lost_in_stock));
    json_object_set_new(doc, "washes", json_integer((json_int_t)s.washes));
    json_object_set_new(doc, "repairs", json_integer((json_int_t)s.repairs));
    json_object_set_new(doc, "inspections", json_integer((json_int_t)s.inspections));
    json_object_set_new(doc, "damaged_found", json_integer((json_int_t)s.damaged_found));
    json_object_set_new(doc, "retired", json_integer((json_int_t)s.retired));
    json_object_set_new(doc, "return_rate", rate(s.return_rate));
    json_object_set_new(doc, "loss_rate", rate(s.loss_rate));
    json_object_set_new(doc, "mean_cycle_s", rate(s.mean_cycle_s));
    json_object_set_new(doc, "overdue", json_integer((json_int_t)s.overdue));
    json_object_set_new(doc, "now", json_integer((json_int_t)now));
    json_object_set_new(doc, "overdue_days", json_integer((json_int_t)days));
    svc_reply_doc(c, doc);
    json_decref(doc);
}

static json_t *forecast_doc(const bx_forecast_day *f, const bx_forecast_check *chk, uint32_t days)
{
    json_t *d = json_object(), *list = json_array();
    if (d == NULL || list == NULL) {
        json_decref(d);
        json_decref(list);
        return NULL;
    }
    for (uint32_t i = 0; i < days; i++) {
        json_t *e = json_object();
        if (e == NULL)
            break;
        json_object_set_new(e, "mean", json_real(f[i].mean));
        json_object_set_new(e, "lo", json_integer(f[i].lo));
        json_object_set_new(e, "hi", json_integer(f[i].hi));
        json_array_append_new(list, e);
    }
    json_object_set_new(d, "days", list);
    json_object_set_new(d, "backtest_points", json_integer((json_int_t)chk->points));
    json_object_set_new(d, "mase", rate(chk->mase));
    json_object_set_new(d, "mase_seasonal_naive", rate(chk->mase_naive));
    json_object_set_new(d, "dispersion", rate(chk->dispersion));
    return d;
}

/* GET /v1/containers/forecast?station=S&type=T&days=N&now=SECONDS: per
 * container type, the station's daily issues and returns forecast for N
 * days from now's day, with 80 % intervals and the backtest. The history
 * is read from the journal (a reader's pass, without the pool's lock held
 * while it reads). Another's station answers as a missing one (422); too
 * little history is 422 with what is missing. */
void svc_h_pool_forecast(svc_call *c)
{
    static const char *const known[] = {"station", "type", "days", "now", NULL};
    svc_pool *p = pool_or_404(c);
    if (p == NULL || !svc_args_check(c, known))
        return;
    const char *station = svc_arg_get(c, "station"), *type = svc_arg_get(c, "type");
    uint64_t now = (uint64_t)time(NULL), days = 7;
    if (!count_arg(c, "now", (uint64_t)BX_POOL_TIME_MIN, (uint64_t)BX_POOL_TIME_MAX, &now) ||
        !count_arg(c, "days", 1, 60, &days))
        return;
    if (station == NULL) {
        bx_location loc = {0};
        loc.field = "station";
        svc_reply_error(c, 400, "bad_parameter", &loc, "query argument 'station' is needed");
        return;
    }
    pthread_mutex_lock(&p->lock);
    bool seen = bx_pool_sees_station(p->pool, c->as, station);
    pthread_mutex_unlock(&p->lock);
    if (!seen) {
        unknown_thing(c, "station", "station", station);
        return;
    }
    bx_ctx *ctx = c->worker->ctx;
    bx_station_history *h = NULL;
    bx_status st = bx_station_history_read(ctx, p->path, station, type,
                                           (int64_t)now / 86400, &h);
    if (st == BX_ENOTFOUND) {
        unknown_thing(c, "station", "station", station);
        return;
    }
    if (st != BX_OK) {
        svc_reply_ctx_status(c, ctx, st);
        return;
    }
    json_t *doc = json_object(), *types = json_array();
    bool oom = doc == NULL || types == NULL;
    bx_forecast_day f[60];
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    o.horizon_days = (uint32_t)days;
    for (size_t t = 0; !oom && st == BX_OK && t < h->ntypes; t++) {
        const bx_station_series *s = &h->types[t];
        json_t *e = json_object();
        oom = e == NULL || json_array_append_new(types, e) != 0;
        for (int k = 0; !oom && k < 2; k++) {
            bx_forecast_check chk;
            st = bx_forecast_daily(ctx, k ? s->returns : s->issues, s->ndays, s->first_day, &o,
                                   f, &chk);
            if (st != BX_OK)
                break;
            json_t *fd = forecast_doc(f, &chk, o.horizon_days);
            oom = fd == NULL;
            if (!oom)
                json_object_set_new(e, k ? "returns" : "issues", fd);
        }
        if (!oom) {
            json_object_set_new(e, "type", json_string(s->type_id));
            json_object_set_new(e, "history_days", json_integer((json_int_t)s->ndays));
        }
    }
    bx_station_history_free(ctx, h);
    if (oom || st != BX_OK) {
        json_decref(types);
        json_decref(doc);
        if (oom)
            svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        else
            svc_reply_error(c, 422, "too_little_history", NULL, "station %.64s: %s", station,
                            bx_ctx_errmsg(ctx));
        return;
    }
    json_object_set_new(doc, "station", json_string(station));
    json_object_set_new(doc, "first_day", json_integer((json_int_t)(now / 86400) * 86400));
    json_object_set_new(doc, "level", json_real(o.level));
    json_object_set_new(doc, "types", types);
    svc_reply_doc(c, doc);
    json_decref(doc);
}

/* The moves' emissions on the TOC `toc` of the server's factor set (the
 * carbon setup of --routes), each move a shipment of empty containers of
 * the pool catalog's tare: into wtw_mg[]. false after a reply. */
static bool plan_emissions(svc_call *c, const svc_pool *p, const bx_plan *plan,
                           const char *type, const char *toc, int64_t first_day,
                           int64_t *wtw_mg)
{
    const svc_catalog *cat = svc_catalog_hold(c->worker);
    const bx_box *box = bx_catalog_find(p->cat, type);
    bx_location loc = {0};
    loc.field = "toc";
    if (cat == NULL || cat->factors == NULL) {
        svc_catalog_let_go(c->worker);
        svc_reply_error(c, 422, "no_factors", &loc, "this server has no factor set "
                        "(start it with --routes): no emissions for toc");
        return false;
    }
    if (box == NULL || box->tare_g <= 0) {
        svc_catalog_let_go(c->worker);
        svc_reply_error(c, 422, "no_tare", &loc, "type '%.64s' has no tare_g in the pool's "
                        "catalog: the moves' mass is unknown", type);
        return false;
    }
    size_t n = plan->nmoves ? plan->nmoves : 1;
    int64_t *mass = calloc(n, sizeof *mass);
    double *km = calloc(n, sizeof *km);
    bx_co2e *co2e = calloc(n, sizeof *co2e);
    bx_status st = mass && km && co2e ? BX_OK : BX_ENOMEM;
    for (size_t k = 0; st == BX_OK && k < plan->nmoves; k++) {
        mass[k] = plan->moves[k].containers * box->tare_g;
        km[k] = plan->moves[k].distance_km;
    }
    /* YYYYMMDD of the plan's first day (days since 1970-01-01, civil
     * calendar: Howard Hinnant's days-to-date) */
    int64_t z = first_day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    bx_ctx *ctx = c->worker->ctx;
    if (st == BX_OK)
        st = bx_carbon_legs(ctx, cat->factors, toc, mass, km, plan->nmoves,
                            (int32_t)(y * 10000 + m * 100 + d), co2e);
    for (size_t k = 0; st == BX_OK && k < plan->nmoves; k++)
        wtw_mg[k] = co2e[k].wtw_mg;
    free(mass);
    free(km);
    free(co2e);
    svc_catalog_let_go(c->worker);
    if (st == BX_EINPUT)
        svc_reply_error(c, 422, "bad_toc", &loc, "%s", bx_ctx_errmsg(ctx));
    else if (st != BX_OK)
        svc_reply_ctx_status(c, ctx, st);
    return st == BX_OK;
}

static json_t *plan_doc(const bx_plan *plan, const int64_t *wtw_mg)
{
    json_t *doc = json_object(), *stations = json_array(), *moves = json_array();
    if (doc == NULL || stations == NULL || moves == NULL) {
        json_decref(doc);
        json_decref(stations);
        json_decref(moves);
        return NULL;
    }
    json_object_set_new(doc, "stations", stations);
    json_object_set_new(doc, "moves", moves);
    for (size_t i = 0; i < plan->nstations; i++) {
        const bx_plan_station *s = &plan->stations[i];
        json_t *e = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "station",
                              s->station_id, "stock", (json_int_t)s->stock, "need",
                              (json_int_t)s->need, "safety", (json_int_t)s->safety,
                              "arrivals", (json_int_t)plan->arrivals[i], "departures",
                              (json_int_t)plan->departures[i], "after",
                              (json_int_t)(s->stock + plan->arrivals[i] - plan->departures[i]),
                              "shortfall", (json_int_t)plan->shortfall[i]);
        if (e == NULL || json_array_append_new(stations, e) != 0) {
            json_decref(doc);
            return NULL;
        }
    }
    for (size_t k = 0; k < plan->nmoves; k++) {
        const bx_plan_move *m = &plan->moves[k];
        json_t *e = json_pack("{s:s, s:s, s:I, s:f, s:I, s:f}", "from",
                              plan->stations[m->from].station_id, "to",
                              plan->stations[m->to].station_id, "containers",
                              (json_int_t)m->containers, "distance_km", m->distance_km, "links",
                              (json_int_t)m->hops, "cost", m->cost);
        if (e != NULL && wtw_mg != NULL)
            json_object_set_new(e, "co2e_wtw_g", json_real((double)wtw_mg[k] / 1000.0));
        if (e == NULL || json_array_append_new(moves, e) != 0) {
            json_decref(doc);
            return NULL;
        }
    }
    json_object_set_new(doc, "moved", json_integer((json_int_t)plan->moved));
    json_object_set_new(doc, "cost", json_real(plan->cost));
    json_object_set_new(doc, "container_km", json_real(plan->distance_km));
    json_object_set_new(doc, "shortfall", json_integer((json_int_t)plan->shortfall_total));
    json_object_set_new(doc, "enough", json_boolean(plan->shortfall_total == 0));
    return doc;
}

/* GET /v1/containers/plan?type=T&days=N&safety=N&now=SECONDS&toc=ID: the
 * rebalancing plan (boxcar/plan.h) over the stations the caller may see,
 * with the containers it holds, from the forecasts of days N from now's
 * day, over the links of --links; with toc, each move's emissions on that
 * TOC of the server's factor set. Too little history, a station without
 * distances: 422 with the library's message; nothing is written. Not
 * enough containers is a plan too ("enough": false, the least shortfall).
 * The pool stays locked while the plan reads the journal's history. */
void svc_h_pool_plan(svc_call *c)
{
    static const char *const known[] = {"type", "days", "safety", "now", "toc", NULL};
    svc_pool *p = pool_or_404(c);
    if (p == NULL || !svc_args_check(c, known))
        return;
    if (p->links == NULL) {
        svc_reply_error(c, 404, "not_configured", NULL, "this server has no links between "
                        "stations (start it with --links FILE)");
        return;
    }
    const char *type = svc_arg_get(c, "type"), *toc = svc_arg_get(c, "toc");
    uint64_t now = (uint64_t)time(NULL), days = 7, safety = 0;
    if (!count_arg(c, "now", (uint64_t)BX_POOL_TIME_MIN, (uint64_t)BX_POOL_TIME_MAX, &now) ||
        !count_arg(c, "days", 1, 60, &days) || !count_arg(c, "safety", 0, 1000000000, &safety))
        return;
    if (type == NULL) {
        bx_location loc = {0};
        loc.field = "type";
        svc_reply_error(c, 400, "bad_parameter", &loc, "query argument 'type' is needed");
        return;
    }
    bx_ctx *ctx = c->worker->ctx;
    bx_plan_options o;
    bx_plan_options_init(&o);
    o.horizon_days = (uint32_t)days;
    o.safety = (int64_t)safety;
    o.end_day = (int64_t)now / 86400;
    bx_plan *plan = NULL;
    pthread_mutex_lock(&p->lock);
    bx_status st = bx_plan_pool(ctx, p->pool, p->path, c->as, type, p->links, &o, &plan);
    pthread_mutex_unlock(&p->lock);
    if (st == BX_EINPUT || st == BX_ENOTFOUND) {
        bx_location loc = bx_ctx_errloc(ctx);
        svc_reply_error(c, 422, st == BX_EINPUT ? "cannot_plan" : "no_station", &loc, "%s",
                        bx_ctx_errmsg(ctx));
        return;
    }
    if (st != BX_OK) {
        svc_reply_ctx_status(c, ctx, st);
        return;
    }
    int64_t *wtw = NULL;
    if (toc != NULL) {
        wtw = calloc(plan->nmoves ? plan->nmoves : 1, sizeof *wtw);
        if (wtw == NULL) {
            bx_plan_free(ctx, plan);
            svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
            return;
        }
        if (!plan_emissions(c, p, plan, type, toc, o.end_day, wtw)) {
            free(wtw);
            bx_plan_free(ctx, plan);
            return;
        }
    }
    json_t *doc = plan_doc(plan, wtw);
    free(wtw);
    bx_plan_free(ctx, plan);
    if (doc == NULL) {
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    json_object_set_new(doc, "type", json_string(type));
    json_object_set_new(doc, "first_day", json_integer((json_int_t)(o.end_day * 86400)));
    json_object_set_new(doc, "days", json_integer((json_int_t)days));
    if (toc != NULL)
        json_object_set_new(doc, "toc", json_string(toc));
    svc_reply_doc(c, doc);
    json_decref(doc);
}

/* An amount with at most two decimals (as the command's --deposit) into
 * minor units; false after a 400. */
static bool money_arg(svc_call *c, const char *name, int64_t *out)
{
    const char *v = svc_arg_get(c, name);
    *out = 0;
    if (v == NULL)
        return true;
    int64_t whole = 0, frac = 0;
    int nfrac = 0;
    const char *p = v;
    bool ok = *p >= '0' && *p <= '9';
    for (; ok && *p >= '0' && *p <= '9'; p++)
        ok = (whole = whole * 10 + (*p - '0')) <= 40000;
    if (ok && *p == '.') {
        for (p++; *p >= '0' && *p <= '9' && nfrac < 2; p++, nfrac++)
            frac = frac * 10 + (*p - '0');
        ok = nfrac > 0;
    }
    ok = ok && *p == '\0';
    if (ok)
        *out = whole * 100 + (nfrac == 1 ? frac * 10 : frac);
    if (!ok || *out > 4000000) {
        bx_location loc = {0};
        loc.field = name;
        svc_reply_error(c, 400, "bad_parameter", &loc, "query argument '%s': expected an "
                        "amount such as 30 or 1.50, at most 40000.00", name);
        return false;
    }
    return true;
}

/* GET /v1/containers/statement?month=YYYY-MM&loss_days=N&deposit=X&fee=X
 * &now=SECONDS: the month's trips per operator and station
 * (boxcar/accounts.h), the caller's own (every operator's for the
 * platform), as `boxcar containers statement --format csv` counts them;
 * money in minor units. */
void svc_h_pool_statement(svc_call *c)
{
    static const char *const known[] = {"month", "loss_days", "deposit", "fee", "now", NULL};
    svc_pool *p = pool_or_404(c);
    if (p == NULL || !svc_args_check(c, known))
        return;
    const char *month = svc_arg_get(c, "month");
    int y = 0, m = 0;
    char tail;
    if (month == NULL || strlen(month) != 7 || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 ||
        y < 2000 || y > 2099 || m < 1 || m > 12) {
        bx_location loc = {0};
        loc.field = "month";
        svc_reply_error(c, 400, "bad_parameter", &loc, "query argument 'month' is needed, "
                        "as YYYY-MM");
        return;
    }
    uint64_t now = (uint64_t)time(NULL), days = 30;
    bx_account_options o;
    bx_account_options_init(&o);
    if (!count_arg(c, "now", (uint64_t)BX_POOL_TIME_MIN, (uint64_t)BX_POOL_TIME_MAX, &now) ||
        !count_arg(c, "loss_days", 1, 3660, &days) || !money_arg(c, "deposit", &o.deposit_minor) ||
        !money_arg(c, "fee", &o.fee_minor))
        return;
    o.now_s = (int64_t)now;
    o.loss_window_s = (int64_t)days * 86400;
    bx_ctx *ctx = c->worker->ctx;
    bx_accounts *acc = NULL;
    bx_status st = bx_pool_accounts(ctx, p->path, c->as, &o, &acc);
    if (st != BX_OK) {
        svc_reply_ctx_status(c, ctx, st);
        return;
    }
    json_t *doc = json_object(), *rows = json_array();
    bool oom = doc == NULL || rows == NULL;
    for (size_t i = 0; !oom && i < acc->nrows; i++) {
        const bx_account_row *r = &acc->rows[i];
        if (r->month != y * 100 + m)
            continue;
        json_t *e = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                              "operator", r->operator_id, "station", r->station_id, "trips",
                              (json_int_t)r->trips, "returned", (json_int_t)r->returned,
                              "lost", (json_int_t)r->lost, "late", (json_int_t)r->late,
                              "open", (json_int_t)r->open, "fees_minor",
                              (json_int_t)r->fees_minor, "deposits_minor",
                              (json_int_t)r->deposits_minor, "refunded_minor",
                              (json_int_t)r->refunded_minor, "forfeited_minor",
                              (json_int_t)r->forfeited_minor, "held_minor",
                              (json_int_t)r->held_minor);
        oom = e == NULL || json_array_append_new(rows, e) != 0;
    }
    bx_accounts_free(ctx, acc);
    if (oom) {
        json_decref(rows);
        json_decref(doc);
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
        return;
    }
    json_object_set_new(doc, "month", json_string(month));
    json_object_set_new(doc, "loss_days", json_integer((json_int_t)days));
    json_object_set_new(doc, "now", json_integer((json_int_t)now));
    json_object_set_new(doc, "rows", rows);
    svc_reply_doc(c, doc);
    json_decref(doc);
}
