/*
 * pool_snapshot.c: the pool's state as snapshot items, and back.
 *
 * Items (docs/formats.md, "Pool snapshot"): a header map {"v": 1, "types":
 * K, "events": E, "stations": M, "containers": N}; M station ids (text);
 * K type arrays [id, figures...]; N container arrays [id, type index,
 * station index, state, ...]. A pool with operators writes version 2:
 * the header has "operators": P after "stations"; P operator arrays [id,
 * role, token SHA-256] come before the stations, a station is [id, owner]
 * and a container has its owner as an 18th field (owner: an operator
 * index, or null for the platform of the time before operators). A pool
 * without operators writes version 1, as before. Arrays by position keep a snapshot of a
 * million containers near 50 MB. Counts by state are not stored: they
 * follow from the containers.
 */
#include <string.h>

#include <cbor.h>

#include "cbor_pull.h"
#include "pool_internal.h"

#define ITEM_MAX 1024
#define TYPE_FIELDS 14
#define CONTAINER_FIELDS 17

typedef struct out {
    unsigned char buf[ITEM_MAX];
    size_t n;
} out;

static void o_head(out *o, size_t (*fn)(size_t, unsigned char *, size_t), size_t v)
{
    o->n += fn(v, o->buf + o->n, sizeof o->buf - o->n);
}

static void o_uint(out *o, uint64_t v)
{
    o->n += cbor_encode_uint(v, o->buf + o->n, sizeof o->buf - o->n);
}

static void o_text(out *o, const char *s)
{
    size_t len = strlen(s);
    o_head(o, cbor_encode_string_start, len);
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

static void o_null(out *o)
{
    o->n += cbor_encode_null(o->buf + o->n, sizeof o->buf - o->n);
}

static void o_bool(out *o, bool v)
{
    o->n += cbor_encode_bool(v, o->buf + o->n, sizeof o->buf - o->n);
}

static void o_owner(out *o, uint32_t owner)
{
    if (owner == POOL_NONE)
        o_null(o);
    else
        o_uint(o, owner);
}

bx_status bxi_pool_snapshot_write(const pool_state *s, pool_put_fn put, void *ud)
{
    out o = {.n = 0};
    bool v2 = s->nop > 0;
    o_head(&o, cbor_encode_map_start, v2 ? 6 : 5);
    o_text(&o, "v");
    o_uint(&o, v2 ? 2 : 1);
    o_text(&o, "types");
    o_uint(&o, s->nt);
    o_text(&o, "events");
    o_uint(&o, s->events);
    o_text(&o, "stations");
    o_uint(&o, s->ns);
    if (v2) {
        o_text(&o, "operators");
        o_uint(&o, s->nop);
    }
    o_text(&o, "containers");
    o_uint(&o, s->nc);
    bx_status st = put(ud, o.buf, o.n);
    for (uint32_t i = 0; st == BX_OK && i < s->nop; i++) {
        o.n = 0;
        o_head(&o, cbor_encode_array_start, 3);
        o_text(&o, pool_str(s, s->op[i].id));
        o_text(&o, bx_pool_role_name((bx_pool_role)s->op[i].role));
        o_head(&o, cbor_encode_bytestring_start, 32);
        memcpy(o.buf + o.n, s->op[i].token_sha256, 32);
        o.n += 32;
        st = put(ud, o.buf, o.n);
    }
    for (uint32_t i = 0; st == BX_OK && i < s->ns; i++) {
        o.n = 0;
        if (v2) {
            o_head(&o, cbor_encode_array_start, 2);
            o_text(&o, pool_str(s, s->st[i]));
            o_owner(&o, s->st_owner[i]);
        } else {
            o_text(&o, pool_str(s, s->st[i]));
        }
        st = put(ud, o.buf, o.n);
    }
    for (uint32_t i = 0; st == BX_OK && i < s->nt; i++) {
        const pool_totals *t = &s->ty[i].t;
        o.n = 0;
        o_head(&o, cbor_encode_array_start, TYPE_FIELDS);
        o_text(&o, pool_str(s, s->ty[i].id));
        o_uint(&o, t->containers);
        o_uint(&o, t->issues);
        o_uint(&o, t->trips_returned);
        o_uint(&o, t->trips_lost);
        o_uint(&o, t->found);
        o_uint(&o, t->lost_in_stock);
        o_uint(&o, t->washes);
        o_uint(&o, t->repairs);
        o_uint(&o, t->inspections);
        o_uint(&o, t->damaged_found);
        o_uint(&o, t->retired);
        o_uint(&o, (uint64_t)t->cycle_sum_s);
        o_uint(&o, t->cycle_n);
        st = put(ud, o.buf, o.n);
    }
    for (uint32_t i = 0; st == BX_OK && i < s->nc; i++) {
        const pool_container *c = &s->c[i];
        o.n = 0;
        o_head(&o, cbor_encode_array_start, CONTAINER_FIELDS + v2);
        o_text(&o, pool_str(s, c->id));
        o_uint(&o, c->type);
        o_uint(&o, c->station);
        o_uint(&o, c->state);
        o_uint(&o, c->last_event);
        o_uint(&o, (uint64_t)c->last_time_s);
        o_uint(&o, c->last_seq);
        o_uint(&o, (uint64_t)c->registered_s);
        o_uint(&o, (uint64_t)c->issued_s);
        o_uint(&o, c->ready_seq);
        o_uint(&o, c->trips);
        o_uint(&o, c->issues);
        o_uint(&o, c->washes);
        o_uint(&o, c->repairs);
        o_uint(&o, c->inspections);
        o_bool(&o, c->lost_out != 0);
        if (c->order != NULL)
            o_text(&o, c->order);
        else
            o_null(&o);
        if (v2)
            o_owner(&o, c->owner);
        st = put(ud, o.buf, o.n);
    }
    return st;
}

/* ---- loading ------------------------------------------------------------ */

static bx_status bad_item(pool_loader *l, const bx_journal_item *item, const char *why)
{
    bx_location at = {.file = l->name, .record = item->seq, .offset = item->offset};
    return bxi_input_error(l->s->ctx, BX_EINPUT, &at, "pool snapshot item: %s", why);
}

static bool next_uint(bx_cbor_pull *p, uint64_t max, uint64_t *v)
{
    bx_cbor_ev ev;
    const char *why;
    if (!bxi_cbor_pull_next(p, &ev, &why) || ev.type != BX_CBOR_UINT || ev.u > max)
        return false;
    *v = ev.u;
    return true;
}

/* Text that is an identifier, copied into id[BX_ID_MAX]; or null if
 * allowed (then id is ""). */
static bool next_id(bx_cbor_pull *p, bool null_ok, char *id)
{
    bx_cbor_ev ev;
    const char *why;
    if (!bxi_cbor_pull_next(p, &ev, &why))
        return false;
    if (ev.type == BX_CBOR_NULL && null_ok) {
        id[0] = '\0';
        return true;
    }
    if (ev.type != BX_CBOR_TEXT || bxi_id_problem((const char *)ev.str, ev.len) != NULL)
        return false;
    memcpy(id, ev.str, ev.len);
    id[ev.len] = '\0';
    return true;
}

/* An operator index below n, or null (the platform): POOL_NONE. */
static bool next_owner(bx_cbor_pull *p, uint32_t n, uint32_t *owner)
{
    bx_cbor_pull q = *p;
    bx_cbor_ev ev;
    const char *why;
    if (bxi_cbor_pull_next(&q, &ev, &why) && ev.type == BX_CBOR_NULL) {
        *p = q;
        *owner = POOL_NONE;
        return true;
    }
    uint64_t v;
    if (n == 0 || !next_uint(p, n - 1, &v))
        return false;
    *owner = (uint32_t)v;
    return true;
}

static bx_status load_operator(pool_loader *l, const bx_journal_item *item)
{
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, item->data, item->len);
    bx_cbor_ev ev;
    const char *why;
    char id[BX_ID_MAX], role_name[16];
    bx_pool_role role;
    if (!bxi_cbor_pull_next(&p, &ev, &why) || ev.type != BX_CBOR_ARRAY || ev.u != 3 ||
        !next_id(&p, false, id) || !bxi_cbor_pull_next(&p, &ev, &why) ||
        ev.type != BX_CBOR_TEXT || ev.len >= sizeof role_name)
        return bad_item(l, item, "an operator is not [id, role, token]");
    memcpy(role_name, ev.str, ev.len);
    role_name[ev.len] = '\0';
    if (bx_pool_role_parse(role_name, &role) != BX_OK)
        return bad_item(l, item, "an operator's role is not operator or platform");
    if (!bxi_cbor_pull_next(&p, &ev, &why) || ev.type != BX_CBOR_BYTES || ev.len != 32 ||
        p.pos != item->len)
        return bad_item(l, item, "an operator's token is not a SHA-256");
    if (bxi_pool_find_operator(l->s, id) != POOL_NONE)
        return bad_item(l, item, "an operator is listed twice");
    uint32_t oi;
    return bxi_pool_add_operator(l->s, id, role, ev.str, &oi);
}

static bx_status load_header(pool_loader *l, const bx_journal_item *item)
{
    static const char *const keys[6] = {"v", "types", "events", "stations", "operators",
                                        "containers"};
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, item->data, item->len);
    bx_cbor_ev ev;
    const char *why;
    if (!bxi_cbor_pull_next(&p, &ev, &why) || ev.type != BX_CBOR_MAP ||
        (ev.u != 5 && ev.u != 6))
        return bad_item(l, item, "the first item is not a pool snapshot header");
    size_t nkeys = (size_t)ev.u;
    uint64_t v[6] = {0};
    for (size_t i = 0, k = 0; i < nkeys; i++, k++) {
        if (nkeys == 5 && k == 4)
            k++; /* version 1 has no operators */
        if (!bxi_cbor_pull_next(&p, &ev, &why) || ev.type != BX_CBOR_TEXT ||
            ev.len != strlen(keys[k]) || memcmp(ev.str, keys[k], ev.len) != 0 ||
            !next_uint(&p, UINT32_MAX, &v[k]))
            return bad_item(l, item, "the header is not a pool snapshot header");
    }
    if (v[0] != nkeys - 4 || (v[0] == 2 && v[4] == 0))
        return bad_item(l, item, "unknown pool snapshot version");
    l->version = (unsigned)v[0];
    l->types = v[1];
    l->s->events = v[2];
    l->stations = v[3];
    l->operators = v[4];
    l->containers = v[5];
    /* Room for all of it at once, so no table grows and rehashes on the
     * way; only when the snapshot really holds that many items (a header
     * that claims more is caught at the end, and must not cost memory). */
    if (v[1] + v[3] + v[4] + v[5] + 1 != item->total)
        return BX_OK;
    pool_room room = {.containers = (uint32_t)v[5], .stations = (uint32_t)v[3],
                      .types = (uint32_t)v[1], .operators = (uint32_t)v[4]};
    return bxi_pool_reserve(l->s, &room);
}

static bx_status load_type(pool_loader *l, const bx_journal_item *item)
{
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, item->data, item->len);
    bx_cbor_ev ev;
    const char *why;
    char id[BX_ID_MAX];
    uint64_t f[TYPE_FIELDS - 1];
    if (!bxi_cbor_pull_next(&p, &ev, &why) || ev.type != BX_CBOR_ARRAY || ev.u != TYPE_FIELDS ||
        !next_id(&p, false, id))
        return bad_item(l, item, "a type is not [id, figures...]");
    for (int i = 0; i < TYPE_FIELDS - 1; i++)
        if (!next_uint(&p, INT64_MAX, &f[i]))
            return bad_item(l, item, "a type figure is not a count");
    if (bxi_pool_find_type(l->s, id) != POOL_NONE)
        return bad_item(l, item, "a type is listed twice");
    uint32_t ti;
    bx_status st = bxi_pool_add_type(l->s, id, &ti);
    if (st != BX_OK)
        return st;
    pool_totals *t = &l->s->ty[ti].t;
    t->containers = f[0];
    t->issues = f[1];
    t->trips_returned = f[2];
    t->trips_lost = f[3];
    t->found = f[4];
    t->lost_in_stock = f[5];
    t->washes = f[6];
    t->repairs = f[7];
    t->inspections = f[8];
    t->damaged_found = f[9];
    t->retired = f[10];
    t->cycle_sum_s = (int64_t)f[11];
    t->cycle_n = f[12];
    return BX_OK;
}

static bx_status load_container(pool_loader *l, const bx_journal_item *item)
{
    pool_state *s = l->s;
    bx_cbor_pull p;
    bxi_cbor_pull_init(&p, item->data, item->len);
    bx_cbor_ev ev;
    const char *why;
    char id[BX_ID_MAX], order[BX_ID_MAX];
    uint64_t f[14];
    bool lost_out;
    if (!bxi_cbor_pull_next(&p, &ev, &why) || ev.type != BX_CBOR_ARRAY ||
        ev.u != CONTAINER_FIELDS + (l->version == 2) || !next_id(&p, false, id))
        return bad_item(l, item, "a container is not [id, type, station, ...]");
    static const uint64_t max[14] = {UINT32_MAX, UINT32_MAX, BX_CS_COUNT - 1, BX_EV_COUNT - 1,
                                     INT64_MAX, UINT64_MAX, INT64_MAX, INT64_MAX,
                                     UINT64_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX,
                                     UINT32_MAX, UINT32_MAX};
    for (int i = 0; i < 14; i++)
        if (!next_uint(&p, max[i], &f[i]))
            return bad_item(l, item, "a container field is out of range");
    if (!bxi_cbor_pull_next(&p, &ev, &why) || ev.type != BX_CBOR_BOOL)
        return bad_item(l, item, "a container's lost flag is not a boolean");
    lost_out = ev.b;
    if (!next_id(&p, true, order))
        return bad_item(l, item, "a container's order is not an id or null");
    uint32_t owner = POOL_NONE;
    if (l->version == 2 && !next_owner(&p, s->nop, &owner))
        return bad_item(l, item, "a container's owner is not an operator or null");
    if (p.pos != item->len)
        return bad_item(l, item, "a container has bytes after its fields");
    if (f[0] >= s->nt || f[1] >= s->ns || f[2] < 1 || f[3] < 2)
        return bad_item(l, item, "a container names a type, station or state that is not there");
    if (bxi_pool_find_container(s, id) != POOL_NONE)
        return bad_item(l, item, "a container is listed twice");
    char *ord = NULL;
    if (order[0] != '\0' && (ord = bxi_strdup(s->ctx, order)) == NULL)
        return BX_ENOMEM;
    uint32_t ci;
    bx_status st = bxi_pool_add_container(s, id, &ci);
    if (st != BX_OK) {
        bx_free(s->ctx, ord);
        return st;
    }
    pool_container *c = &s->c[ci];
    c->type = (uint32_t)f[0];
    c->station = (uint32_t)f[1];
    c->state = (uint8_t)f[2];
    c->last_event = (uint8_t)f[3];
    c->last_time_s = (int64_t)f[4];
    c->last_seq = f[5];
    c->registered_s = (int64_t)f[6];
    c->issued_s = (int64_t)f[7];
    c->ready_seq = f[8];
    c->trips = (uint32_t)f[9];
    c->issues = (uint32_t)f[10];
    c->washes = (uint32_t)f[11];
    c->repairs = (uint32_t)f[12];
    c->inspections = (uint32_t)f[13];
    c->lost_out = lost_out;
    c->order = ord;
    c->owner = owner;
    s->ty[c->type].t.in_state[c->state]++;
    if (c->state == BX_CS_AVAILABLE) {
        if (l->nready == l->cap_ready) {
            uint32_t cap = l->cap_ready ? 2 * l->cap_ready : 1024;
            struct pool_ready *r = bx_realloc(s->ctx, l->ready, (size_t)cap * sizeof *r);
            if (r == NULL)
                return BX_ENOMEM;
            l->ready = r;
            l->cap_ready = cap;
        }
        l->ready[l->nready++] = (struct pool_ready){c->ready_seq, ci};
    }
    return BX_OK;
}

bx_status bxi_pool_loader_item(pool_loader *l, const bx_journal_item *item)
{
    uint64_t k = l->item++;
    if (k == 0)
        return load_header(l, item);
    k--;
    if (k < l->operators)
        return load_operator(l, item);
    k -= l->operators;
    if (k < l->stations) {
        char id[BX_ID_MAX];
        bx_cbor_pull p;
        bxi_cbor_pull_init(&p, item->data, item->len);
        bx_cbor_ev ev;
        const char *why;
        uint32_t owner = POOL_NONE;
        if (l->version == 2 && (!bxi_cbor_pull_next(&p, &ev, &why) ||
                                ev.type != BX_CBOR_ARRAY || ev.u != 2))
            return bad_item(l, item, "a station is not [id, owner]");
        if (!next_id(&p, false, id) ||
            (l->version == 2 && !next_owner(&p, l->s->nop, &owner)) || p.pos != item->len)
            return bad_item(l, item, "a station is not an id");
        if (bxi_pool_find_station(l->s, id) != POOL_NONE)
            return bad_item(l, item, "a station is listed twice");
        uint32_t si;
        bx_status st = bxi_pool_add_station(l->s, id, &si);
        if (st == BX_OK)
            l->s->st_owner[si] = owner;
        return st;
    }
    k -= l->stations;
    if (k < l->types)
        return load_type(l, item);
    k -= l->types;
    if (k < l->containers)
        return load_container(l, item);
    return bad_item(l, item, "more items than the header announced");
}

/* Heap sort of the ready containers by ready_seq, in place: no
 * allocation, and the order is the one a replay would have built. The keys
 * sit beside the indices, so sorting a million touches no container. */
static void sift(struct pool_ready *a, size_t i, size_t n)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, r = l + 1;
        if (l < n && a[m].seq < a[l].seq)
            m = l;
        if (r < n && a[m].seq < a[r].seq)
            m = r;
        if (m == i)
            return;
        struct pool_ready t = a[i];
        a[i] = a[m];
        a[m] = t;
        i = m;
    }
}

static void sort_ready(struct pool_ready *a, size_t n)
{
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = a[i - 1].seq <= a[i].seq;
    if (sorted)
        return; /* the usual case: listed in the order they became ready */
    for (size_t i = n / 2; i-- > 0;)
        sift(a, i, n);
    for (size_t end = n; end > 1; end--) {
        struct pool_ready t = a[0];
        a[0] = a[end - 1];
        a[end - 1] = t;
        sift(a, 0, end - 1);
    }
}

bx_status bxi_pool_loader_finish(pool_loader *l)
{
    pool_state *s = l->s;
    if (l->item == 0 || s->ns != l->stations || s->nt != l->types || s->nc != l->containers ||
        s->nop != l->operators) {
        bx_location at = {.file = l->name};
        return bxi_input_error(s->ctx, BX_EINPUT, &at,
                              "pool snapshot: fewer items than its header announced");
    }
    size_t n = l->nready;
    sort_ready(l->ready, n);
    for (size_t i = 0; i < n; i++) {
        bx_status st = bxi_pool_ready_push(s, l->ready[i].ci);
        if (st != BX_OK)
            return st;
    }
    return BX_OK;
}

void bxi_pool_loader_free(pool_loader *l)
{
    bx_free(l->s->ctx, l->ready);
    l->ready = NULL;
    l->nready = l->cap_ready = 0;
}
