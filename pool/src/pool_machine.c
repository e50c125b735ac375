/*
 * pool_machine.c: the container lifecycle. Which events a container in a
 * given state may take, what state it is in afterwards, and messages that
 * say why an event was refused. Pure functions of a view of one container:
 * they check single events and batches (against a shadow of the state)
 * alike.
 */
#include <stdio.h>
#include <string.h>

#include "pool_internal.h"

/* allowed[state] is a bit set of event types. */
#define EV(t) (1u << (t))
static const unsigned allowed[BX_CS_COUNT] = {
    [BX_CS_AVAILABLE] = EV(BX_EV_ISSUE) | EV(BX_EV_INSPECT) | EV(BX_EV_RETIRE) | EV(BX_EV_LOST) |
                        EV(BX_EV_TRANSFER),
    [BX_CS_ISSUED] = EV(BX_EV_DELIVER) | EV(BX_EV_RETURN) | EV(BX_EV_LOST),
    [BX_CS_DELIVERED] = EV(BX_EV_RETURN) | EV(BX_EV_LOST),
    [BX_CS_RETURNED] = EV(BX_EV_INSPECT) | EV(BX_EV_WASH) | EV(BX_EV_REPAIR) |
                       EV(BX_EV_RETIRE) | EV(BX_EV_LOST) | EV(BX_EV_TRANSFER),
    [BX_CS_DAMAGED] = EV(BX_EV_REPAIR) | EV(BX_EV_RETIRE) | EV(BX_EV_LOST) | EV(BX_EV_TRANSFER),
    [BX_CS_RETIRED] = 0,
    [BX_CS_LOST] = EV(BX_EV_RETURN),
};

bx_container_state bxi_pool_next_state(bx_container_state from, const bx_pool_event *ev)
{
    switch (ev->type) {
    case BX_EV_REGISTER: return BX_CS_AVAILABLE;
    case BX_EV_ISSUE: return BX_CS_ISSUED;
    case BX_EV_DELIVER: return BX_CS_DELIVERED;
    case BX_EV_RETURN: return BX_CS_RETURNED;
    case BX_EV_INSPECT: return ev->damaged ? BX_CS_DAMAGED : from;
    case BX_EV_WASH: return BX_CS_AVAILABLE;
    case BX_EV_REPAIR: return BX_CS_RETURNED;
    case BX_EV_RETIRE: return BX_CS_RETIRED;
    case BX_EV_LOST: return BX_CS_LOST;
    default: return from;
    }
}

/* Howard Hinnant's civil_from_days: proleptic Gregorian date of a day
 * count since 1970-01-01. */
void bxi_pool_format_time(int64_t t, char *buf, size_t size)
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y,
             (long long)m, (long long)d, (long long)(secs / 3600),
             (long long)(secs / 60 % 60), (long long)(secs % 60));
}

static bx_status refuse(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
    BX_PRINTF(3, 4);
static bx_status refuse(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(ctx, BX_EINPUT, where, "%s", msg);
}

/* Is an id field well-formed (or empty, when it may be)? */
static bx_status check_id(bx_ctx *ctx, const bx_location *where,
                          const bx_pool_event *ev, const char *field,
                          const char *value, int need)
{
    size_t len = strnlen(value, BX_ID_MAX);
    const char *what = bx_pool_event_name(ev->type);
    if (len == BX_ID_MAX)
        return refuse(ctx, where, "%s event: %s is not NUL-terminated", what, field);
    if (need < 0 && len > 0)
        return refuse(ctx, where, "%s event: takes no %s ('%s')", what, field, value);
    if (need > 0 && len == 0)
        return refuse(ctx, where, "%s event: the %s is missing", what, field);
    if (len == 0)
        return BX_OK;
    const char *why = bxi_id_problem(value, len);
    if (why != NULL)
        return refuse(ctx, where, "%s event: %s '%s': identifier %s", what, field, value, why);
    return BX_OK;
}

bx_status bxi_pool_check_fields(bx_ctx *ctx, const bx_location *where,
                            const bx_pool_event *ev)
{
    if (ev->type < BX_EV_STATION || ev->type > BX_EV_TRANSFER)
        return refuse(ctx, where, "unknown event type %d", (int)ev->type);
    if (ev->time_s < BX_POOL_TIME_MIN || ev->time_s >= BX_POOL_TIME_MAX) {
        char t[40];
        bxi_pool_format_time(ev->time_s, t, sizeof t);
        return refuse(ctx, where, "%s event: time %s is outside 2000-01-01 .. 2100-01-01",
                      bx_pool_event_name(ev->type), t);
    }
    /* need: 1 required, 0 optional, -1 not allowed */
    int container = 1, station = -1, type = -1, order = -1, op = -1;
    switch (ev->type) {
    case BX_EV_STATION: container = -1; station = 1; op = 0; break;
    case BX_EV_REGISTER: station = 1; type = 1; op = 0; break;
    case BX_EV_OPERATOR: container = -1; op = 1; break;
    case BX_EV_TRANSFER: op = 1; break;
    case BX_EV_ISSUE: station = 1; order = 1; break;
    case BX_EV_DELIVER: order = 0; break;
    case BX_EV_RETURN: station = 1; break;
    case BX_EV_INSPECT:
    case BX_EV_WASH:
    case BX_EV_REPAIR:
    case BX_EV_RETIRE: station = 0; break;
    case BX_EV_LOST: break;
    }
    bx_status st;
    if ((st = check_id(ctx, where, ev, "container id", ev->container_id, container)) != BX_OK ||
        (st = check_id(ctx, where, ev, "station id", ev->station_id, station)) != BX_OK ||
        (st = check_id(ctx, where, ev, "container type", ev->type_id, type)) != BX_OK ||
        (st = check_id(ctx, where, ev, "order id", ev->order_id, order)) != BX_OK ||
        (st = check_id(ctx, where, ev, "operator", ev->operator_id, op)) != BX_OK ||
        (st = check_id(ctx, where, ev, "recording operator (by)", ev->by, 0)) != BX_OK)
        return st;
    static const unsigned char zero[32];
    bool is_op = ev->type == BX_EV_OPERATOR;
    if (is_op && ev->role != BX_ROLE_OPERATOR && ev->role != BX_ROLE_PLATFORM)
        return refuse(ctx, where, "operator event: the role is missing (operator or platform)");
    if (is_op && memcmp(ev->token_sha256, zero, sizeof zero) == 0)
        return refuse(ctx, where, "operator event: the token's SHA-256 is missing");
    if (!is_op && (ev->role != BX_ROLE_NONE || memcmp(ev->token_sha256, zero, sizeof zero) != 0))
        return refuse(ctx, where, "%s event: takes no role or token",
                      bx_pool_event_name(ev->type));
    if (ev->damaged && ev->type != BX_EV_INSPECT)
        return refuse(ctx, where, "%s event: only an inspection finds damage",
                      bx_pool_event_name(ev->type));
    return BX_OK;
}

bx_status bxi_pool_check_type(bx_ctx *ctx, const bx_location *where,
                          const bx_catalog *catalog, const char *type_id)
{
    if (catalog == NULL)
        return BX_OK;
    const bx_box *box = bx_catalog_find(catalog, type_id);
    if (box == NULL)
        return refuse(ctx, where, "container type '%s' is not in the catalog", type_id);
    if (!box->reusable)
        return refuse(ctx, where, "box '%s' is not a reusable container type (reusable is not 1 "
                      "in the catalog)", type_id);
    return BX_OK;
}

pool_view bxi_pool_view_of(const pool_state *s, uint32_t ci)
{
    const pool_container *c = &s->c[ci];
    pool_view v;
    v.exists = true;
    v.state = (bx_container_state)c->state;
    v.type = pool_str(s, s->ty[c->type].id);
    v.station = c->station == POOL_NONE ? "" : pool_str(s, s->st[c->station]);
    v.order = c->order != NULL ? c->order : "";
    v.last_time_s = c->last_time_s;
    v.last_event = (bx_pool_event_type)c->last_event;
    v.owner = c->owner;
    return v;
}

static bx_status deny(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
    BX_PRINTF(3, 4);
static bx_status deny(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(ctx, BX_EPERM, where, "%s", msg);
}

bx_status bxi_pool_check_rights(const pool_state *s, const bx_location *where,
                                const bx_pool_event *ev, pool_view *v, bool *station_known,
                                uint32_t station_owner)
{
    bx_ctx *ctx = s->ctx;
    const char *what = bx_pool_event_name(ev->type);
    uint32_t me = POOL_NONE;
    bool platform = true;
    if (s->nop == 0) {
        if (ev->by[0] != '\0')
            return deny(ctx, where, "%s event: operator '%s' is not known (the pool has no "
                        "operators yet)", what, ev->by);
    } else {
        if (ev->by[0] == '\0')
            return deny(ctx, where, "%s event: the pool has operators, and an event must say "
                        "which one records it", what);
        if ((me = bxi_pool_find_operator(s, ev->by)) == POOL_NONE)
            return deny(ctx, where, "%s event: operator '%s' is not known", what, ev->by);
        platform = s->op[me].role == BX_ROLE_PLATFORM;
    }
    uint32_t to = POOL_NONE;
    switch (ev->type) {
    case BX_EV_OPERATOR:
        if (!platform)
            return deny(ctx, where, "operator event: only a platform operator adds operators "
                        "('%s' has the operator role)", ev->by);
        if (s->nop == 0 && ev->role != BX_ROLE_PLATFORM)
            return refuse(ctx, where, "operator event: the first operator of a pool must have "
                          "the platform role");
        if (bxi_pool_find_operator(s, ev->operator_id) != POOL_NONE)
            return refuse(ctx, where, "operator '%s' already exists", ev->operator_id);
        return BX_OK;
    case BX_EV_STATION:
    case BX_EV_REGISTER:
        if (ev->operator_id[0] == '\0')
            break;
        if (!platform && strcmp(ev->operator_id, ev->by) != 0)
            return deny(ctx, where, "%s event: operator '%s' records only for itself, not for "
                        "'%s'", what, ev->by, ev->operator_id);
        if (bxi_pool_find_operator(s, ev->operator_id) == POOL_NONE)
            return refuse(ctx, where, "%s event: operator '%s' is not known", what,
                          ev->operator_id);
        break;
    case BX_EV_TRANSFER:
        if ((to = bxi_pool_find_operator(s, ev->operator_id)) == POOL_NONE)
            return refuse(ctx, where, "transfer container '%s': operator '%s' is not known",
                          ev->container_id, ev->operator_id);
        break;
    default:
        break;
    }
    if (!platform && ev->type == BX_EV_REGISTER && v->exists && v->owner != me)
        /* ids are one name space: say no more than that it is taken */
        return refuse(ctx, where, "container '%s' is already registered", ev->container_id);
    if (!platform && ev->type != BX_EV_STATION) {
        /* What it may not see is not there: the lifecycle check then
         * answers as for a container or station that does not exist. */
        if (ev->type != BX_EV_REGISTER && v->exists && v->owner != me)
            *v = (pool_view){.owner = POOL_NONE};
        bool at_it = v->exists && strcmp(v->station, ev->station_id) == 0;
        if (*station_known && station_owner != me && !at_it)
            *station_known = false;
    }
    if (ev->type == BX_EV_TRANSFER && v->exists && v->owner == to)
        return refuse(ctx, where, "transfer container '%s': operator '%s' holds it already",
                      ev->container_id, ev->operator_id);
    return BX_OK;
}

/* "out with order 'A17' (issued at station 'SH-01')" */
static void describe(const pool_view *v, char *buf, size_t size)
{
    switch (v->state) {
    case BX_CS_AVAILABLE:
        snprintf(buf, size, "ready at station '%s'", v->station);
        break;
    case BX_CS_ISSUED:
        snprintf(buf, size, "out with order '%s' (issued at station '%s')", v->order,
                 v->station);
        break;
    case BX_CS_DELIVERED:
        snprintf(buf, size, "delivered with order '%s'", v->order);
        break;
    case BX_CS_RETURNED:
        snprintf(buf, size, "back at station '%s' and not washed yet", v->station);
        break;
    case BX_CS_DAMAGED:
        snprintf(buf, size, "damaged, at station '%s'", v->station);
        break;
    case BX_CS_RETIRED:
        snprintf(buf, size, "retired");
        break;
    case BX_CS_LOST:
        snprintf(buf, size, "reported lost");
        break;
    default:
        snprintf(buf, size, "in no known state");
    }
}

static void allowed_list(bx_container_state state, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int t = 1; t < BX_EV_COUNT; t++)
        if (allowed[state] & EV(t)) {
            int k = snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
                             bx_pool_event_name((bx_pool_event_type)t));
            if (k > 0 && (size_t)k < size - n)
                n += (size_t)k;
        }
    if (n == 0)
        snprintf(buf, size, "nothing");
}

bx_status bxi_pool_check_transition(bx_ctx *ctx, const bx_location *where,
                                const pool_view *v, const bx_pool_event *ev,
                                bool station_known)
{
    const char *id = ev->container_id;
    const char *what = bx_pool_event_name(ev->type);
    bool gives_station = ev->station_id[0] != '\0';
    if (ev->type == BX_EV_OPERATOR)
        return BX_OK; /* bxi_pool_check_rights */
    if (ev->type == BX_EV_STATION) {
        if (station_known)
            return refuse(ctx, where, "station '%s' is already in the pool", ev->station_id);
        return BX_OK;
    }
    if (gives_station && !station_known &&
        (ev->type == BX_EV_REGISTER || ev->type == BX_EV_ISSUE || ev->type == BX_EV_RETURN))
        return refuse(ctx, where, "%s container '%s': station '%s' is not in the pool (add it "
                      "with a station event first)", what, id, ev->station_id);
    if (ev->type == BX_EV_REGISTER) {
        if (v->exists)
            return refuse(ctx, where, "container '%s' is already registered (type '%s')", id,
                          v->type);
        return BX_OK;
    }
    if (!v->exists)
        return refuse(ctx, where, "%s: container '%s' is not registered", what, id);
    if (ev->time_s < v->last_time_s) {
        char t[40], last[40];
        bxi_pool_format_time(ev->time_s, t, sizeof t);
        bxi_pool_format_time(v->last_time_s, last, sizeof last);
        return refuse(ctx, where, "%s container '%s': time %s is before its last event (%s "
                      "at %s)", what, id, t, bx_pool_event_name(v->last_event), last);
    }
    if (!(allowed[v->state] & EV(ev->type))) {
        char state[200], ok[120];
        describe(v, state, sizeof state);
        allowed_list(v->state, ok, sizeof ok);
        return refuse(ctx, where, "cannot %s container '%s': it is %s (allowed now: %s)", what,
                      id, state, ok);
    }
    switch (ev->type) {
    case BX_EV_ISSUE:
        if (strcmp(ev->station_id, v->station) != 0)
            return refuse(ctx, where, "cannot issue container '%s' at station '%s': it is ready "
                          "at station '%s'", id, ev->station_id, v->station);
        break;
    case BX_EV_DELIVER:
        if (ev->order_id[0] != '\0' && strcmp(ev->order_id, v->order) != 0)
            return refuse(ctx, where, "cannot deliver container '%s' with order '%s': it went "
                          "out with order '%s'", id, ev->order_id, v->order);
        break;
    case BX_EV_INSPECT:
    case BX_EV_WASH:
    case BX_EV_REPAIR:
    case BX_EV_RETIRE:
        if (gives_station && strcmp(ev->station_id, v->station) != 0)
            return refuse(ctx, where, "cannot %s container '%s' at station '%s': it is at "
                          "station '%s'", what, id, ev->station_id, v->station);
        break;
    default:
        break;
    }
    return BX_OK;
}
