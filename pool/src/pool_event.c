/*
 * pool_event.c: pool events by name, and as the journal's CBOR records.
 *
 * A record is a CBOR map with text keys, in RFC 8949 core deterministic
 * order (shorter keys first, then bytewise): at, by, ev, id, role, type,
 * order, token, damaged, station, operator. Only the keys an event type uses are present. The
 * decoder is strict (unknown, repeated or misordered keys are errors): a
 * record is either exactly what the encoder writes or rejected.
 */
#include <stdio.h>
#include <string.h>

#include <cbor.h>

#include "cbor_pull.h"
#include "pool_internal.h"

static const char *const event_names[BX_EV_COUNT] = {
    NULL, "station", "register", "issue", "deliver", "return",
    "inspect", "wash", "repair", "retire", "lost", "operator", "transfer",
};

static const char *const role_names[] = {NULL, "operator", "platform"};

static const char *const state_names[BX_CS_COUNT] = {
    NULL, "available", "issued", "delivered", "returned", "damaged", "retired", "lost",
};

const char *bx_pool_event_name(bx_pool_event_type type)
{
    return type >= 1 && type < BX_EV_COUNT ? event_names[type] : "?";
}

bx_status bx_pool_event_parse(const char *name, bx_pool_event_type *out)
{
    for (int i = 1; name != NULL && i < BX_EV_COUNT; i++)
        if (strcmp(name, event_names[i]) == 0) {
            *out = (bx_pool_event_type)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

const char *bx_container_state_name(bx_container_state state)
{
    return state >= 1 && state < BX_CS_COUNT ? state_names[state] : "?";
}

bx_status bx_container_state_parse(const char *name, bx_container_state *out)
{
    for (int i = 1; name != NULL && i < BX_CS_COUNT; i++)
        if (strcmp(name, state_names[i]) == 0) {
            *out = (bx_container_state)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

const char *bx_pool_role_name(bx_pool_role role)
{
    return role == BX_ROLE_OPERATOR || role == BX_ROLE_PLATFORM ? role_names[role] : "?";
}

bx_status bx_pool_role_parse(const char *name, bx_pool_role *out)
{
    for (int i = 1; name != NULL && i <= BX_ROLE_PLATFORM; i++)
        if (strcmp(name, role_names[i]) == 0) {
            *out = (bx_pool_role)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

void bx_pool_token_hash(const char *token, unsigned char sha256[32])
{
    bxi_sha256(token != NULL ? token : "", token != NULL ? strlen(token) : 0, sha256);
}

bx_status bx_pool_new_token(bx_ctx *ctx, char token[BX_POOL_TOKEN_SIZE],
                            unsigned char sha256[32])
{
    unsigned char raw[BX_POOL_TOKEN_LEN / 2];
    if (!bxi_random_bytes(raw, sizeof raw))
        return bxi_error(ctx, BX_EIO, "no random bytes from the system for a token");
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        token[2 * i] = digits[raw[i] >> 4];
        token[2 * i + 1] = digits[raw[i] & 15];
    }
    token[BX_POOL_TOKEN_LEN] = '\0';
    bx_pool_token_hash(token, sha256);
    return BX_OK;
}

void bx_pool_event_init(bx_pool_event *ev)
{
    if (ev != NULL)
        memset(ev, 0, sizeof *ev);
}

/* ---- encoding ----------------------------------------------------------- */

typedef struct enc {
    unsigned char *buf;
    size_t size, n;
    bool full;
} enc;

static void put_head(enc *e, size_t (*fn)(size_t, unsigned char *, size_t), size_t v)
{
    size_t k = e->full ? 0 : fn(v, e->buf + e->n, e->size - e->n);
    if (k == 0)
        e->full = true;
    e->n += k;
}

static void put_text(enc *e, const char *s)
{
    size_t len = strlen(s);
    put_head(e, cbor_encode_string_start, len);
    if (e->full || e->size - e->n < len) {
        e->full = true;
        return;
    }
    memcpy(e->buf + e->n, s, len);
    e->n += len;
}

static void put_uint(enc *e, uint64_t v)
{
    size_t k = e->full ? 0 : cbor_encode_uint(v, e->buf + e->n, e->size - e->n);
    if (k == 0)
        e->full = true;
    e->n += k;
}

static void put_bool(enc *e, bool v)
{
    size_t k = e->full ? 0 : cbor_encode_bool(v, e->buf + e->n, e->size - e->n);
    if (k == 0)
        e->full = true;
    e->n += k;
}

static void put_bytes(enc *e, const unsigned char *b, size_t len)
{
    put_head(e, cbor_encode_bytestring_start, len);
    if (e->full || e->size - e->n < len) {
        e->full = true;
        return;
    }
    memcpy(e->buf + e->n, b, len);
    e->n += len;
}

/* Which optional keys a type writes. */
static bool has_id(const bx_pool_event *ev)
{
    return ev->type != BX_EV_STATION && ev->type != BX_EV_OPERATOR;
}
static bool has_operator(const bx_pool_event *ev) { return ev->operator_id[0] != '\0'; }
static bool has_type(const bx_pool_event *ev) { return ev->type == BX_EV_REGISTER; }
static bool has_order(const bx_pool_event *ev)
{
    return ev->type == BX_EV_ISSUE || (ev->type == BX_EV_DELIVER && ev->order_id[0]);
}
static bool has_damaged(const bx_pool_event *ev) { return ev->type == BX_EV_INSPECT; }
static bool has_station(const bx_pool_event *ev)
{
    switch (ev->type) {
    case BX_EV_STATION:
    case BX_EV_REGISTER:
    case BX_EV_ISSUE:
    case BX_EV_RETURN:
        return true;
    case BX_EV_INSPECT:
    case BX_EV_WASH:
    case BX_EV_REPAIR:
    case BX_EV_RETIRE:
        return ev->station_id[0] != '\0';
    default:
        return false;
    }
}

size_t bxi_pool_event_encode(const bx_pool_event *ev, unsigned char *buf, size_t size)
{
    enc e = {buf, size, 0, false};
    bool id = has_id(ev), by = ev->by[0] != '\0', op = ev->type == BX_EV_OPERATOR;
    size_t pairs = 2 + by + id + 2 * op + has_type(ev) + has_order(ev) + has_damaged(ev) +
                   has_station(ev) + has_operator(ev);
    put_head(&e, cbor_encode_map_start, pairs);
    put_text(&e, "at");
    put_uint(&e, (uint64_t)ev->time_s);
    if (by) {
        put_text(&e, "by");
        put_text(&e, ev->by);
    }
    put_text(&e, "ev");
    put_text(&e, bx_pool_event_name(ev->type));
    if (id) {
        put_text(&e, "id");
        put_text(&e, ev->container_id);
    }
    if (op) {
        put_text(&e, "role");
        put_text(&e, bx_pool_role_name(ev->role));
    }
    if (has_type(ev)) {
        put_text(&e, "type");
        put_text(&e, ev->type_id);
    }
    if (has_order(ev)) {
        put_text(&e, "order");
        put_text(&e, ev->order_id);
    }
    if (op) {
        put_text(&e, "token");
        put_bytes(&e, ev->token_sha256, sizeof ev->token_sha256);
    }
    if (has_damaged(ev)) {
        put_text(&e, "damaged");
        put_bool(&e, ev->damaged);
    }
    if (has_station(ev)) {
        put_text(&e, "station");
        put_text(&e, ev->station_id);
    }
    if (has_operator(ev)) {
        put_text(&e, "operator");
        put_text(&e, ev->operator_id);
    }
    return e.full ? 0 : e.n;
}

/* ---- decoding ----------------------------------------------------------- */

enum {
    K_AT, K_BY, K_EV, K_ID, K_ROLE, K_TYPE, K_ORDER, K_TOKEN, K_DAMAGED, K_STATION,
    K_OPERATOR, K_COUNT
};
static const char *const keys[K_COUNT] = {"at", "by", "ev", "id", "role", "type", "order",
                                          "token", "damaged", "station", "operator"};

static bx_status bad(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
    BX_PRINTF(3, 4);
static bx_status bad(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(ctx, BX_EINPUT, where, "%s", msg);
}

static bx_status take_id(bx_ctx *ctx, const bx_location *where, const bx_cbor_ev *v,
                         const char *key, char *dst)
{
    if (v->type != BX_CBOR_TEXT)
        return bad(ctx, where, "event key '%s' wants text", key);
    const char *why = bxi_id_problem((const char *)v->str, v->len);
    if (why != NULL) {
        bx_location at = {0};
        if (where != NULL)
            at = *where;
        at.field = key;
        return bxi_input_error(ctx, BX_EINPUT, &at, "identifier %s", why);
    }
    memcpy(dst, v->str, v->len);
    dst[v->len] = '\0';
    return BX_OK;
}

bx_status bxi_pool_event_decode(bx_ctx *ctx, bx_cbor_pull *pp, const bx_location *where,
                            bx_pool_event *ev)
{
    bx_pool_event_init(ev);
    bx_cbor_pull p = *pp;
    bx_cbor_ev head, k, v;
    const char *why;
    if (!bxi_cbor_pull_next(&p, &head, &why) || head.type != BX_CBOR_MAP || head.u > K_COUNT)
        return bad(ctx, where, "%s", "not an event: expected a map of at most 11 keys");
    int last = -1;
    bool seen_ev = false, seen_at = false;
    for (uint64_t i = 0; i < head.u; i++) {
        if (!bxi_cbor_pull_next(&p, &k, &why) || k.type != BX_CBOR_TEXT)
            return bad(ctx, where, "%s", "event keys must be text");
        int key = -1;
        for (int q = 0; q < K_COUNT; q++)
            if (strlen(keys[q]) == k.len && memcmp(keys[q], k.str, k.len) == 0)
                key = q;
        if (key < 0) {
            char name[BX_ID_MAX];
            size_t n = k.len < sizeof name - 1 ? k.len : sizeof name - 1;
            memcpy(name, k.str, n);
            name[n] = '\0';
            return bad(ctx, where, "unknown event key '%s'", name);
        }
        if (key <= last)
            return bad(ctx, where, "event key '%s' repeated or out of order", keys[key]);
        last = key;
        if (!bxi_cbor_pull_next(&p, &v, &why))
            return bad(ctx, where, "event value is %s", why);
        bx_status st = BX_OK;
        switch (key) {
        case K_AT:
            if (v.type != BX_CBOR_UINT || v.u > (uint64_t)INT64_MAX)
                return bad(ctx, where, "%s", "event key 'at' wants a time in Unix seconds");
            ev->time_s = (int64_t)v.u;
            seen_at = true;
            break;
        case K_EV: {
            char name[16];
            if (v.type != BX_CBOR_TEXT || v.len >= sizeof name)
                return bad(ctx, where, "%s", "event key 'ev' wants an event name");
            memcpy(name, v.str, v.len);
            name[v.len] = '\0';
            if (bx_pool_event_parse(name, &ev->type) != BX_OK)
                return bad(ctx, where, "unknown event '%s'", name);
            seen_ev = true;
            break;
        }
        case K_ID: st = take_id(ctx, where, &v, "id", ev->container_id); break;
        case K_TYPE: st = take_id(ctx, where, &v, "type", ev->type_id); break;
        case K_ORDER: st = take_id(ctx, where, &v, "order", ev->order_id); break;
        case K_STATION: st = take_id(ctx, where, &v, "station", ev->station_id); break;
        case K_BY: st = take_id(ctx, where, &v, "by", ev->by); break;
        case K_OPERATOR: st = take_id(ctx, where, &v, "operator", ev->operator_id); break;
        case K_ROLE: {
            char name[16];
            if (v.type != BX_CBOR_TEXT || v.len >= sizeof name)
                return bad(ctx, where, "%s", "event key 'role' wants operator or platform");
            memcpy(name, v.str, v.len);
            name[v.len] = '\0';
            if (bx_pool_role_parse(name, &ev->role) != BX_OK)
                return bad(ctx, where, "unknown role '%s'", name);
            break;
        }
        case K_TOKEN:
            if (v.type != BX_CBOR_BYTES || v.len != sizeof ev->token_sha256)
                return bad(ctx, where, "%s", "event key 'token' wants the 32 bytes of a SHA-256");
            memcpy(ev->token_sha256, v.str, v.len);
            break;
        case K_DAMAGED:
            if (v.type != BX_CBOR_BOOL)
                return bad(ctx, where, "%s", "event key 'damaged' wants true or false");
            ev->damaged = v.b;
            break;
        }
        if (st != BX_OK)
            return st;
    }
    if (!seen_at || !seen_ev)
        return bad(ctx, where, "%s", "an event needs 'at' and 'ev'");
    *pp = p;
    return BX_OK;
}

bx_status bxi_pool_record_events(bx_ctx *ctx, const unsigned char *data, size_t len,
                             const bx_location *where, pool_event_fn fn, void *ud,
                             size_t *count)
{
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, data, len);
    bx_cbor_ev head;
    const char *why;
    size_t n = 1;
    *count = 0;
    if (len > 0 && (data[0] & 0xe0) == 0x80) { /* major type 4: a batch */
        if (!bxi_cbor_pull_next(&p, &head, &why) || head.type != BX_CBOR_ARRAY || head.u < 2)
            return bad(ctx, where, "%s", "not an event: a batch is an array of two or more");
        n = (size_t)head.u;
    }
    for (size_t i = 0; i < n; i++) {
        bx_pool_event ev;
        bx_status st = bxi_pool_event_decode(ctx, &p, where, &ev);
        if (st == BX_OK && fn != NULL)
            st = fn(ud, &ev, i);
        if (st != BX_OK)
            return st;
        *count = i + 1;
    }
    if (p.pos != len)
        return bad(ctx, where, "%s", "bytes after the event");
    return BX_OK;
}
