/*
 * pool_internal.h: the reusable-container pool's state and the parts that
 * share it. Private.
 *
 * Memory: one entry of about 100 bytes per container, ids in one string
 * arena addressed by 32-bit offsets, and open-addressing hash tables of
 * 64-bit slots (at most half full) for containers, stations, types and
 * the (station, type) lists of ready containers. A container's order id,
 * while it is out, is its own small block.
 */
#ifndef BOXCAR_POOL_INTERNAL_H
#define BOXCAR_POOL_INTERNAL_H

#include "boxcar/pool.h"
#include "cbor_pull.h"
#include "internal.h"

#define POOL_NONE UINT32_MAX

typedef struct pool_container {
    uint32_t id;            /* arena offset */
    uint32_t type;          /* index into types */
    uint32_t station;       /* index into stations */
    uint32_t prev, next;    /* list of ready containers at (station, type) */
    uint8_t state;          /* bx_container_state */
    uint8_t last_event;     /* bx_pool_event_type */
    uint8_t lost_out;       /* lost while out: a return ends that trip */
    uint8_t unused;
    uint32_t owner;         /* index into operators; POOL_NONE: the platform */
    uint32_t trips, issues, washes, repairs, inspections;
    int64_t last_time_s, registered_s, issued_s;
    uint64_t last_seq;
    uint64_t ready_seq;     /* record that made it ready: list order */
    char *order;            /* the order it went out with, or NULL */
} pool_container;

/* Running figures of one type. */
typedef struct pool_totals {
    uint64_t containers, issues, trips_returned, trips_lost, found, lost_in_stock;
    uint64_t washes, repairs, inspections, damaged_found, retired;
    int64_t cycle_sum_s;    /* over returned trips, found ones excluded */
    uint64_t cycle_n;
    uint64_t in_state[BX_CS_COUNT];
} pool_totals;

typedef struct pool_type {
    uint32_t id;            /* arena offset */
    pool_totals t;
} pool_type;

typedef struct pool_bucket {
    uint32_t station, type;
    uint32_t head, tail;    /* ready containers, longest ready first */
    uint64_t count;
} pool_bucket;

/* Each slot holds the low 32 bits of the key's hash (high half) and the
 * entry's index + 1 (low half; 0 is an empty slot). The hash bits let a
 * probe skip entries without reading their key, and a rehash place them
 * without hashing the key again: with ids scattered over a large arena,
 * those reads are cache misses. */
typedef struct pool_map {
    uint64_t *slots;
    uint32_t cap;           /* a power of two, or 0 */
    uint32_t n;
} pool_map;

/* An operator. A platform has a handful: they are looked up by a scan. */
typedef struct pool_operator {
    uint32_t id;            /* arena offset */
    uint8_t role;           /* bx_pool_role */
    unsigned char token_sha256[32];
} pool_operator;

typedef struct pool_state {
    bx_ctx *ctx;
    char *arena;
    size_t arena_len, arena_cap;
    pool_container *c;
    uint32_t nc, cap_c;
    pool_map cmap;
    uint32_t *st;           /* stations: arena offsets */
    uint32_t ns, cap_s;
    uint32_t *st_owner;     /* each station's operator (POOL_NONE: platform) */
    uint32_t cap_so;
    pool_operator *op;
    uint32_t nop, cap_op;
    pool_map smap;
    pool_type *ty;
    uint32_t nt, cap_t;
    pool_map tmap;
    pool_bucket *b;
    uint32_t nb, cap_b;
    pool_map bmap;
    uint64_t seq;           /* last record folded */
    uint64_t events;        /* records folded as events */
} pool_state;

/* ---- state (pool_state.c) ----------------------------------------------- */

void bxi_pool_state_init(pool_state *s, bx_ctx *ctx);
void bxi_pool_state_free(pool_state *s);

static inline const char *pool_str(const pool_state *s, uint32_t off)
{
    return s->arena + off;
}

uint32_t bxi_pool_find_container(const pool_state *s, const char *id);
uint32_t bxi_pool_find_station(const pool_state *s, const char *id);
uint32_t bxi_pool_find_type(const pool_state *s, const char *id);
uint32_t bxi_pool_find_bucket(const pool_state *s, uint32_t station, uint32_t type);
uint32_t bxi_pool_find_operator(const pool_state *s, const char *id);
/* The operator an event gives as owner of what it creates: operator_id,
 * else by; POOL_NONE for the platform of a pool without operators. */
uint32_t bxi_pool_owner_of(const pool_state *s, const bx_pool_event *ev);

/* Room for this many more of each, so that folding that many events
 * cannot fail. */
typedef struct pool_room {
    uint32_t containers, stations, types, buckets, operators;
    size_t bytes;           /* string arena */
} pool_room;
bx_status bxi_pool_reserve(pool_state *s, const pool_room *room);
/* The room one event needs (an upper bound). */
void bxi_pool_room_add(pool_room *room, const bx_pool_event *ev);

/* Fold one event that passed pool_check_event. order: a block from the
 * context holding ev->order_id for an issue (the fold takes it over), or
 * NULL to have the fold allocate it. Fails only with BX_ENOMEM, and only
 * without room reserved and an order block given. */
bx_status bxi_pool_fold(pool_state *s, const bx_pool_event *ev, uint64_t seq,
                    char *order);

/* Add a station/type/container directly (loading a snapshot). */
bx_status bxi_pool_add_station(pool_state *s, const char *id, uint32_t *index);
bx_status bxi_pool_add_type(pool_state *s, const char *id, uint32_t *index);
bx_status bxi_pool_add_container(pool_state *s, const char *id, uint32_t *index);
bx_status bxi_pool_add_operator(pool_state *s, const char *id, bx_pool_role role,
                                const unsigned char token_sha256[32], uint32_t *index);
/* Put a ready container at the end of its (station, type) list. */
bx_status bxi_pool_ready_push(pool_state *s, uint32_t ci);

void bxi_pool_info(const pool_state *s, uint32_t ci, bx_container_info *out);
void bxi_pool_sum_totals(const pool_state *s, const char *type_id, pool_totals *t,
                     bool *found);

/* ---- the lifecycle (pool_machine.c) ------------------------------------- */

/* What the lifecycle check needs to know of a container. */
typedef struct pool_view {
    bool exists;
    bx_container_state state;
    const char *type;       /* "" if unknown */
    const char *station;    /* where it is or was last, "" if never */
    const char *order;      /* "" if none */
    int64_t last_time_s;
    bx_pool_event_type last_event;
    uint32_t owner;         /* operator index, POOL_NONE: the platform */
} pool_view;

/* The view of an existing container (strings borrowed from the state). */
pool_view bxi_pool_view_of(const pool_state *s, uint32_t ci);

/* Check an event's fields (ids, times, what its type needs). Messages
 * carry `where` (may be NULL) in front. */
bx_status bxi_pool_check_fields(bx_ctx *ctx, const bx_location *where,
                            const bx_pool_event *ev);
/* Check that the lifecycle allows ev for a container in view v (for a
 * registration, v->exists must be false). station_known: whether
 * ev->station_id names a station of the pool (for events that give one).
 * BX_EINPUT with a message naming the container. */
bx_status bxi_pool_check_transition(bx_ctx *ctx, const bx_location *where,
                                const pool_view *v, const bx_pool_event *ev,
                                bool station_known);
/* Who records ev (its `by`), and may they? Refuses (BX_EPERM) an unknown
 * recorder, a missing one in a pool with operators, and what its role may
 * not do; checks operator and transfer events against the operators. For
 * an operator, turns v and *station_known into what it may see (another's
 * container does not exist, another's station is unknown) so that
 * bxi_pool_check_transition, called next, answers as for things that do
 * not exist. station_owner: the owner of ev->station_id if it is known. */
bx_status bxi_pool_check_rights(const pool_state *s, const bx_location *where,
                                const bx_pool_event *ev, pool_view *v, bool *station_known,
                                uint32_t station_owner);
/* The container's state after ev (which passed the check). */
bx_container_state bxi_pool_next_state(bx_container_state from, const bx_pool_event *ev);
/* Check a registration's type against the catalog (NULL: anything). */
bx_status bxi_pool_check_type(bx_ctx *ctx, const bx_location *where,
                          const bx_catalog *catalog, const char *type_id);

/* "2024-05-01T10:00:00Z" into buf (at least 24 bytes). */
void bxi_pool_format_time(int64_t t, char *buf, size_t size);

/* ---- events as CBOR (pool_event.c) -------------------------------------- */

/* The deterministic encoding of an event (docs/formats.md): a map with
 * keys in core deterministic order. Returns the size, 0 if buf is too
 * small (512 bytes always suffice). */
size_t bxi_pool_event_encode(const bx_pool_event *ev, unsigned char *buf, size_t size);
#define POOL_EVENT_MAX 512
/* Decode one event map from p (a record, or an element of a batch record);
 * BX_EINPUT at `where` if it is not one. */
bx_status bxi_pool_event_decode(bx_ctx *ctx, bx_cbor_pull *p, const bx_location *where,
                            bx_pool_event *ev);

/* A record holds one event (a map) or a batch of them (an array of two or
 * more maps, all or none). Calls fn for each event in order. */
typedef bx_status (*pool_event_fn)(void *ud, const bx_pool_event *ev, size_t index);
bx_status bxi_pool_record_events(bx_ctx *ctx, const unsigned char *data, size_t len,
                             const bx_location *where, pool_event_fn fn, void *ud,
                             size_t *count);

/* ---- snapshots (pool_snapshot.c) ---------------------------------------- */

/* Put the state as snapshot items: the header, stations, types, then one
 * item per container. put(ud, data, len). */
typedef bx_status (*pool_put_fn)(void *ud, const void *data, size_t len);
bx_status bxi_pool_snapshot_write(const pool_state *s, pool_put_fn put, void *ud);

/* A ready container and the record that made it ready. */
struct pool_ready {
    uint64_t seq;
    uint32_t ci;
};

/* Load snapshot items one by one into an empty state. */
typedef struct pool_loader {
    pool_state *s;
    uint64_t item;          /* items taken so far */
    uint64_t containers, stations, types, operators; /* as the header announced */
    unsigned version;       /* 1, or 2 with operators */
    struct pool_ready *ready; /* ready containers, by ready_seq at the end */
    uint32_t nready, cap_ready;
    const char *name;       /* snapshot file, for messages */
} pool_loader;
bx_status bxi_pool_loader_item(pool_loader *l, const bx_journal_item *item);
/* After the last item: check the counts, rebuild the ready lists. */
bx_status bxi_pool_loader_finish(pool_loader *l);
void bxi_pool_loader_free(pool_loader *l);

/* ---- a plan's network (pool_links.c) ------------------------------------ */

/* One row of a links file: stations a and b by their index in the file's
 * station list, and its figures. */
typedef struct bxi_link {
    uint32_t a, b;
    double distance_km, cost;
    uint64_t line;
} bxi_link;

struct bx_links;
size_t bxi_links_station_count(const struct bx_links *l);
const char *bxi_links_station(const struct bx_links *l, size_t i);
size_t bxi_links_edges(const struct bx_links *l, const bxi_link **links);

#endif
