/*
 * pool_state.c: the pool's tables and the fold of one event into them.
 *
 * Folding must not fail halfway: the caller reserves room first
 * (bxi_pool_reserve) and hands over the one allocation an event needs (an
 * issue's order id), so after the event is in the journal nothing can stop
 * it from reaching the state. Replay folds the same way, room reserved one
 * event at a time.
 */
#include <string.h>

#include "pool_internal.h"

enum map_kind { MAP_CONTAINER, MAP_STATION, MAP_TYPE, MAP_BUCKET };

void bxi_pool_state_init(pool_state *s, bx_ctx *ctx)
{
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
}

void bxi_pool_state_free(pool_state *s)
{
    bx_ctx *ctx = s->ctx;
    for (uint32_t i = 0; i < s->nc; i++)
        bx_free(ctx, s->c[i].order);
    bx_free(ctx, s->arena);
    bx_free(ctx, s->c);
    bx_free(ctx, s->cmap.slots);
    bx_free(ctx, s->st);
    bx_free(ctx, s->st_owner);
    bx_free(ctx, s->op);
    bx_free(ctx, s->smap.slots);
    bx_free(ctx, s->ty);
    bx_free(ctx, s->tmap.slots);
    bx_free(ctx, s->b);
    bx_free(ctx, s->bmap.slots);
    bxi_pool_state_init(s, ctx);
}

/* ---- hashing ------------------------------------------------------------ */

/* FNV-1a over the bytes, then the splitmix64 finaliser so that every bit
 * of the result depends on every byte (FNV alone leaves the low bits of
 * near-identical ids, such as PP-00000017 and PP-00000018, too alike). */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t hash_str(const char *p)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (; *p != '\0'; p++)
        h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
    return (uint32_t)mix(h);
}

static uint32_t hash_pair(uint32_t a, uint32_t b)
{
    return (uint32_t)mix(((uint64_t)a << 32 | b) + UINT64_C(0x9e3779b97f4a7c15));
}

static pool_map *map_of(pool_state *s, enum map_kind k)
{
    switch (k) {
    case MAP_CONTAINER: return &s->cmap;
    case MAP_STATION: return &s->smap;
    case MAP_TYPE: return &s->tmap;
    case MAP_BUCKET: return &s->bmap;
    }
    return NULL;
}

static void map_put(pool_map *m, uint32_t h, uint32_t index)
{
    uint32_t i = h & (m->cap - 1);
    while (m->slots[i] != 0)
        i = (i + 1) & (m->cap - 1);
    m->slots[i] = (uint64_t)h << 32 | (index + 1u);
    m->n++;
}

/* Keep the map at most half full with `more` entries added. */
static bx_status map_reserve(pool_state *s, enum map_kind k, uint32_t more)
{
    pool_map *m = map_of(s, k);
    uint64_t need = 2 * ((uint64_t)m->n + more);
    if (need <= m->cap)
        return BX_OK;
    uint64_t cap = m->cap ? m->cap : 16;
    while (cap < need)
        cap *= 2;
    if (cap > ((uint64_t)1 << 31))
        return bxi_error(s->ctx, BX_ELIMIT, "pool: too many entries");
    uint64_t *slots = bx_alloc(s->ctx, (size_t)cap * sizeof *slots);
    if (slots == NULL)
        return BX_ENOMEM;
    memset(slots, 0, (size_t)cap * sizeof *slots);
    uint64_t *old = m->slots;
    uint32_t oldcap = m->cap;
    m->slots = slots;
    m->cap = (uint32_t)cap;
    m->n = 0;
    for (uint32_t i = 0; i < oldcap; i++)
        if (old[i] != 0)
            map_put(m, (uint32_t)(old[i] >> 32), (uint32_t)old[i] - 1);
    bx_free(s->ctx, old);
    return BX_OK;
}

static uint32_t find_str(const pool_state *s, const pool_map *m, enum map_kind k,
                         const char *id)
{
    if (m->cap == 0 || id == NULL)
        return POOL_NONE;
    uint32_t h = hash_str(id);
    uint32_t i = h & (m->cap - 1);
    for (uint64_t slot; (slot = m->slots[i]) != 0; i = (i + 1) & (m->cap - 1)) {
        if ((uint32_t)(slot >> 32) != h)
            continue;
        uint32_t x = (uint32_t)slot - 1;
        uint32_t off = k == MAP_CONTAINER ? s->c[x].id
                       : k == MAP_STATION ? s->st[x]
                                          : s->ty[x].id;
        if (strcmp(pool_str(s, off), id) == 0)
            return x;
    }
    return POOL_NONE;
}

uint32_t bxi_pool_find_container(const pool_state *s, const char *id)
{
    return find_str(s, &s->cmap, MAP_CONTAINER, id);
}

uint32_t bxi_pool_find_station(const pool_state *s, const char *id)
{
    return find_str(s, &s->smap, MAP_STATION, id);
}

uint32_t bxi_pool_find_type(const pool_state *s, const char *id)
{
    return find_str(s, &s->tmap, MAP_TYPE, id);
}

uint32_t bxi_pool_find_bucket(const pool_state *s, uint32_t station, uint32_t type)
{
    const pool_map *m = &s->bmap;
    if (m->cap == 0)
        return POOL_NONE;
    uint32_t h = hash_pair(station, type);
    uint32_t i = h & (m->cap - 1);
    for (uint64_t slot; (slot = m->slots[i]) != 0; i = (i + 1) & (m->cap - 1)) {
        uint32_t x = (uint32_t)slot - 1;
        if ((uint32_t)(slot >> 32) == h && s->b[x].station == station && s->b[x].type == type)
            return x;
    }
    return POOL_NONE;
}

/* ---- room --------------------------------------------------------------- */

/* Room for `more` entries after the n an array of the state holds. */
static bx_status room_for(bx_ctx *ctx, void **p, uint32_t *cap, uint32_t n, uint32_t more,
                          size_t elem, const char *what)
{
    return bxi_grow32(ctx, p, cap, (size_t)n + more, elem, POOL_NONE - 1, what);
}

bx_status bxi_pool_reserve(pool_state *s, const pool_room *room)
{
    bx_ctx *ctx = s->ctx;
    bx_status st;
    if ((st = room_for(ctx, (void **)&s->c, &s->cap_c, s->nc, room->containers, sizeof *s->c,
                       "containers in the pool")) ||
        (st = map_reserve(s, MAP_CONTAINER, room->containers)) ||
        (st = room_for(ctx, (void **)&s->st, &s->cap_s, s->ns, room->stations, sizeof *s->st,
                       "stations in the pool")) ||
        (st = map_reserve(s, MAP_STATION, room->stations)) ||
        (st = room_for(ctx, (void **)&s->st_owner, &s->cap_so, s->ns, room->stations,
                       sizeof *s->st_owner, "stations in the pool")) ||
        (st = room_for(ctx, (void **)&s->op, &s->cap_op, s->nop, room->operators,
                       sizeof *s->op, "operators in the pool")) ||
        (st = room_for(ctx, (void **)&s->ty, &s->cap_t, s->nt, room->types, sizeof *s->ty,
                       "container types in the pool")) ||
        (st = map_reserve(s, MAP_TYPE, room->types)) ||
        (st = room_for(ctx, (void **)&s->b, &s->cap_b, s->nb, room->buckets, sizeof *s->b,
                       "pool buckets")) ||
        (st = map_reserve(s, MAP_BUCKET, room->buckets)))
        return st;
    size_t need = s->arena_len + room->bytes + 1;
    if (need > s->arena_cap) {
        if (need > (size_t)POOL_NONE)
            return bxi_error(ctx, BX_ELIMIT, "pool: ids take more than 4 GiB");
        size_t cap = s->arena_cap ? s->arena_cap : 4096;
        while (cap < need)
            cap *= 2;
        char *a = bx_realloc(ctx, s->arena, cap);
        if (a == NULL)
            return BX_ENOMEM;
        if (s->arena_len == 0) {
            a[0] = '\0'; /* offset 0 is the empty string */
            s->arena_len = 1;
        }
        s->arena = a;
        s->arena_cap = cap;
    }
    return BX_OK;
}

void bxi_pool_room_add(pool_room *room, const bx_pool_event *ev)
{
    switch (ev->type) {
    case BX_EV_STATION:
        room->stations++;
        room->bytes += strlen(ev->station_id) + 1;
        break;
    case BX_EV_REGISTER:
        room->containers++;
        room->types++;
        room->buckets++;
        room->bytes += strlen(ev->container_id) + strlen(ev->type_id) + 2;
        break;
    case BX_EV_WASH:
        room->buckets++;
        break;
    case BX_EV_OPERATOR:
        room->operators++;
        room->bytes += strlen(ev->operator_id) + 1;
        break;
    default:
        break;
    }
}

static uint32_t add_string(pool_state *s, const char *p)
{
    size_t n = strlen(p) + 1;
    uint32_t off = (uint32_t)s->arena_len;
    memcpy(s->arena + off, p, n);
    s->arena_len += n;
    return off;
}

bx_status bxi_pool_add_station(pool_state *s, const char *id, uint32_t *index)
{
    pool_room room = {.stations = 1, .bytes = strlen(id) + 1};
    bx_status st = bxi_pool_reserve(s, &room);
    if (st != BX_OK)
        return st;
    uint32_t i = s->ns++;
    s->st[i] = add_string(s, id);
    s->st_owner[i] = POOL_NONE;
    map_put(&s->smap, hash_str(id), i);
    *index = i;
    return BX_OK;
}

bx_status bxi_pool_add_type(pool_state *s, const char *id, uint32_t *index)
{
    pool_room room = {.types = 1, .bytes = strlen(id) + 1};
    bx_status st = bxi_pool_reserve(s, &room);
    if (st != BX_OK)
        return st;
    uint32_t i = s->nt++;
    memset(&s->ty[i], 0, sizeof s->ty[i]);
    s->ty[i].id = add_string(s, id);
    map_put(&s->tmap, hash_str(id), i);
    *index = i;
    return BX_OK;
}

bx_status bxi_pool_add_container(pool_state *s, const char *id, uint32_t *index)
{
    pool_room room = {.containers = 1, .bytes = strlen(id) + 1};
    bx_status st = bxi_pool_reserve(s, &room);
    if (st != BX_OK)
        return st;
    uint32_t i = s->nc++;
    pool_container *c = &s->c[i];
    memset(c, 0, sizeof *c);
    c->id = add_string(s, id);
    c->station = c->prev = c->next = c->owner = POOL_NONE;
    map_put(&s->cmap, hash_str(id), i);
    *index = i;
    return BX_OK;
}

bx_status bxi_pool_add_operator(pool_state *s, const char *id, bx_pool_role role,
                                const unsigned char token_sha256[32], uint32_t *index)
{
    pool_room room = {.operators = 1, .bytes = strlen(id) + 1};
    bx_status st = bxi_pool_reserve(s, &room);
    if (st != BX_OK)
        return st;
    uint32_t i = s->nop++;
    s->op[i].id = add_string(s, id);
    s->op[i].role = (uint8_t)role;
    memcpy(s->op[i].token_sha256, token_sha256, 32);
    *index = i;
    return BX_OK;
}

uint32_t bxi_pool_find_operator(const pool_state *s, const char *id)
{
    for (uint32_t i = 0; id != NULL && i < s->nop; i++)
        if (strcmp(pool_str(s, s->op[i].id), id) == 0)
            return i;
    return POOL_NONE;
}

uint32_t bxi_pool_owner_of(const pool_state *s, const bx_pool_event *ev)
{
    if (ev->operator_id[0] != '\0')
        return bxi_pool_find_operator(s, ev->operator_id);
    return ev->by[0] != '\0' ? bxi_pool_find_operator(s, ev->by) : POOL_NONE;
}

/* ---- ready lists -------------------------------------------------------- */

bx_status bxi_pool_ready_push(pool_state *s, uint32_t ci)
{
    pool_container *c = &s->c[ci];
    uint32_t bi = bxi_pool_find_bucket(s, c->station, c->type);
    if (bi == POOL_NONE) {
        pool_room room = {.buckets = 1};
        bx_status st = bxi_pool_reserve(s, &room);
        if (st != BX_OK)
            return st;
        bi = s->nb++;
        s->b[bi] = (pool_bucket){c->station, c->type, POOL_NONE, POOL_NONE, 0};
        map_put(&s->bmap, hash_pair(c->station, c->type), bi);
    }
    pool_bucket *b = &s->b[bi];
    c->prev = b->tail;
    c->next = POOL_NONE;
    if (b->tail != POOL_NONE)
        s->c[b->tail].next = ci;
    else
        b->head = ci;
    b->tail = ci;
    b->count++;
    return BX_OK;
}

static void ready_remove(pool_state *s, uint32_t ci)
{
    pool_container *c = &s->c[ci];
    uint32_t bi = bxi_pool_find_bucket(s, c->station, c->type);
    if (bi == POOL_NONE)
        return;
    pool_bucket *b = &s->b[bi];
    if (c->prev != POOL_NONE)
        s->c[c->prev].next = c->next;
    else
        b->head = c->next;
    if (c->next != POOL_NONE)
        s->c[c->next].prev = c->prev;
    else
        b->tail = c->prev;
    c->prev = c->next = POOL_NONE;
    b->count--;
}

/* ---- the fold ----------------------------------------------------------- */

bx_status bxi_pool_fold(pool_state *s, const bx_pool_event *ev, uint64_t seq, char *order)
{
    pool_room room = {0};
    bxi_pool_room_add(&room, ev);
    bx_status st = bxi_pool_reserve(s, &room);
    if (st != BX_OK) {
        bx_free(s->ctx, order);
        return st;
    }
    if (ev->type == BX_EV_ISSUE && order == NULL &&
        (order = bxi_strdup(s->ctx, ev->order_id)) == NULL)
        return BX_ENOMEM;
    /* From here on nothing fails. */
    s->seq = seq;
    s->events++;
    uint32_t x;
    if (ev->type == BX_EV_OPERATOR)
        return bxi_pool_add_operator(s, ev->operator_id, ev->role, ev->token_sha256, &x);
    if (ev->type == BX_EV_STATION) {
        st = bxi_pool_add_station(s, ev->station_id, &x);
        if (st == BX_OK)
            s->st_owner[x] = bxi_pool_owner_of(s, ev);
        return st;
    }
    if (ev->type == BX_EV_REGISTER) {
        uint32_t ti = bxi_pool_find_type(s, ev->type_id);
        if (ti == POOL_NONE)
            (void)bxi_pool_add_type(s, ev->type_id, &ti);
        uint32_t ci;
        (void)bxi_pool_add_container(s, ev->container_id, &ci);
        pool_container *c = &s->c[ci];
        c->type = ti;
        c->owner = bxi_pool_owner_of(s, ev);
        c->station = bxi_pool_find_station(s, ev->station_id);
        c->state = BX_CS_AVAILABLE;
        c->last_event = BX_EV_REGISTER;
        c->last_time_s = c->registered_s = ev->time_s;
        c->last_seq = c->ready_seq = seq;
        pool_totals *t = &s->ty[ti].t;
        t->containers++;
        t->in_state[BX_CS_AVAILABLE]++;
        return bxi_pool_ready_push(s, ci);
    }
    uint32_t ci = bxi_pool_find_container(s, ev->container_id);
    pool_container *c = &s->c[ci];
    pool_totals *t = &s->ty[c->type].t;
    bx_container_state from = (bx_container_state)c->state;
    bx_container_state to = bxi_pool_next_state(from, ev);
    if (from == BX_CS_AVAILABLE && to != BX_CS_AVAILABLE)
        ready_remove(s, ci);
    switch (ev->type) {
    case BX_EV_ISSUE:
        c->issues++;
        t->issues++;
        c->issued_s = ev->time_s;
        bx_free(s->ctx, c->order);
        c->order = order;
        order = NULL;
        break;
    case BX_EV_RETURN:
        if (from == BX_CS_LOST) {
            t->found++;
            if (c->lost_out) {
                t->trips_lost--;
                t->trips_returned++;
                c->trips++;
            } else {
                t->lost_in_stock--;
            }
        } else {
            c->trips++;
            t->trips_returned++;
            t->cycle_sum_s += ev->time_s - c->issued_s;
            t->cycle_n++;
        }
        c->lost_out = 0;
        c->station = bxi_pool_find_station(s, ev->station_id);
        bx_free(s->ctx, c->order);
        c->order = NULL;
        c->issued_s = 0;
        break;
    case BX_EV_INSPECT:
        c->inspections++;
        t->inspections++;
        t->damaged_found += ev->damaged;
        break;
    case BX_EV_WASH:
        c->washes++;
        t->washes++;
        break;
    case BX_EV_REPAIR:
        c->repairs++;
        t->repairs++;
        break;
    case BX_EV_RETIRE:
        t->retired++;
        break;
    case BX_EV_TRANSFER:
        c->owner = bxi_pool_find_operator(s, ev->operator_id);
        break;
    case BX_EV_LOST:
        if (from == BX_CS_ISSUED || from == BX_CS_DELIVERED) {
            t->trips_lost++;
            c->lost_out = 1;
        } else {
            t->lost_in_stock++;
        }
        break;
    default:
        break;
    }
    bx_free(s->ctx, order);
    t->in_state[from]--;
    t->in_state[to]++;
    c->state = (uint8_t)to;
    c->last_event = (uint8_t)ev->type;
    c->last_time_s = ev->time_s;
    c->last_seq = seq;
    if (to == BX_CS_AVAILABLE && from != BX_CS_AVAILABLE) {
        c->ready_seq = seq;
        return bxi_pool_ready_push(s, ci);
    }
    return BX_OK;
}

/* ---- reading ------------------------------------------------------------ */

void bxi_pool_info(const pool_state *s, uint32_t ci, bx_container_info *out)
{
    const pool_container *c = &s->c[ci];
    out->container_id = pool_str(s, c->id);
    out->type_id = pool_str(s, s->ty[c->type].id);
    out->station_id = c->station == POOL_NONE ? "" : pool_str(s, s->st[c->station]);
    out->order_id = c->order != NULL ? c->order : "";
    out->state = (bx_container_state)c->state;
    out->trips = c->trips;
    out->issues = c->issues;
    out->washes = c->washes;
    out->repairs = c->repairs;
    out->inspections = c->inspections;
    out->last_event = (bx_pool_event_type)c->last_event;
    out->last_time_s = c->last_time_s;
    out->last_seq = c->last_seq;
    out->registered_s = c->registered_s;
    out->issued_s = c->issued_s;
    out->owner = c->owner == POOL_NONE ? "" : pool_str(s, s->op[c->owner].id);
}

void bxi_pool_sum_totals(const pool_state *s, const char *type_id, pool_totals *sum,
                     bool *found)
{
    memset(sum, 0, sizeof *sum);
    *found = type_id == NULL;
    for (uint32_t i = 0; i < s->nt; i++) {
        if (type_id != NULL && strcmp(pool_str(s, s->ty[i].id), type_id) != 0)
            continue;
        *found = true;
        const pool_totals *t = &s->ty[i].t;
        sum->containers += t->containers;
        sum->issues += t->issues;
        sum->trips_returned += t->trips_returned;
        sum->trips_lost += t->trips_lost;
        sum->found += t->found;
        sum->lost_in_stock += t->lost_in_stock;
        sum->washes += t->washes;
        sum->repairs += t->repairs;
        sum->inspections += t->inspections;
        sum->damaged_found += t->damaged_found;
        sum->retired += t->retired;
        sum->cycle_sum_s += t->cycle_sum_s;
        sum->cycle_n += t->cycle_n;
        for (int k = 0; k < BX_CS_COUNT; k++)
            sum->in_state[k] += t->in_state[k];
    }
}
