/*
 * boxcar/pool.h: a pool of reusable containers (reusable express boxes,
 * transit bags), kept in a crash-safe journal (boxcar/journal.h).
 *
 * Container types are the catalog rows with reusable = 1; each container
 * has its own id, as printed on its QR code. Everything that happens to a
 * container is an event, and the pool's state is the fold of its events:
 * where each container is, its trips, its last event; per station, how
 * many of each type are ready to issue; for the pool, return and loss
 * rates, mean cycle time and overdue containers.
 *
 * Lifecycle (bx_pool_apply rejects anything else with a message that says
 * why, and then the journal is untouched):
 *
 *   register ──> available ──issue──> issued ──deliver──> delivered
 *                    ^                   |                    |
 *                    |                   +──────return────────+
 *                  wash                          |
 *                    |                           v
 *                 returned <──repair── damaged <─inspect (damaged)─ returned
 *
 *   inspect (ok) is allowed on available and returned containers and
 *   changes nothing; repair also applies to returned ones; retire ends an
 *   available, returned or damaged container; lost applies to any container
 *   not yet retired or lost, and a return brings a lost one back.
 *
 * A trip is an issue followed by a return (or by lost, if it never comes
 * back). Times are Unix seconds (UTC); a container's events must not go
 * back in time.
 *
 * A pool handle is single-threaded. A writer holds the journal's lock while
 * it is open; readers (journal.read_only) see the pool as of their open.
 * Present when the library was built with CBOR (BOXCAR_HAVE_CBOR).
 */
#ifndef BOXCAR_POOL_H
#define BOXCAR_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/catalog.h"
#include "boxcar/journal.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bx_pool_event_type {
    BX_EV_STATION = 1,  /* a station joins the pool */
    BX_EV_REGISTER = 2, /* a new container, clean, at a station */
    BX_EV_ISSUE = 3,    /* handed out at its station for an order */
    BX_EV_DELIVER = 4,  /* delivered to the consignee */
    BX_EV_RETURN = 5,   /* back at a station (a lost one: found again) */
    BX_EV_INSPECT = 6,  /* inspected: fine, or damaged */
    BX_EV_WASH = 7,     /* washed: ready to issue again */
    BX_EV_REPAIR = 8,   /* repaired: to be washed before reuse */
    BX_EV_RETIRE = 9,   /* out of service for good */
    BX_EV_LOST = 10,    /* gone missing */
    BX_EV_OPERATOR = 11,/* an operator joins the platform, with its token */
    BX_EV_TRANSFER = 12 /* a container passes to another operator */
} bx_pool_event_type;

#define BX_EV_COUNT 13

/* "station", "register", "issue", "deliver", "return", "inspect", "wash",
 * "repair", "retire", "lost", "operator", "transfer"; "?" for anything
 * else. */
BX_API const char *bx_pool_event_name(bx_pool_event_type type);
/* Parse an event name (exact, lower case). BX_EINPUT if unknown. */
BX_API bx_status bx_pool_event_parse(const char *name, bx_pool_event_type *out);

typedef enum bx_container_state {
    BX_CS_AVAILABLE = 1, /* clean, at a station, can be issued */
    BX_CS_ISSUED = 2,    /* out with an order, not yet delivered */
    BX_CS_DELIVERED = 3, /* at the consignee */
    BX_CS_RETURNED = 4,  /* back at a station, to be washed */
    BX_CS_DAMAGED = 5,   /* failed inspection: to be repaired or retired */
    BX_CS_RETIRED = 6,   /* out of service (final) */
    BX_CS_LOST = 7       /* missing; a return finds it again */
} bx_container_state;

#define BX_CS_COUNT 8

/* "available", "issued", "delivered", "returned", "damaged", "retired",
 * "lost"; "?" for anything else. */
BX_API const char *bx_container_state_name(bx_container_state state);
BX_API bx_status bx_container_state_parse(const char *name,
                                          bx_container_state *out);

/* ---- operators ----------------------------------------------------------
 *
 * Several operators (carriers, merchants) may share one pool. Each has an
 * id, a role and a token, of which the journal keeps only the SHA-256. An
 * operator (role operator) sees and changes only its own: the stations it
 * runs, the containers it holds (wherever they are) and their events; any
 * other container or station answers exactly as one that does not exist.
 * A platform operator sees and changes everything and adds operators.
 *
 * A pool without operator events (every journal written before they
 * existed) has one implicit platform operator: events carry no `by`, and
 * anyone who may write the journal may do anything, as before. The first
 * operator added must have the platform role; from then on every event
 * names the operator who recorded it (`by`), and what was recorded before
 * belongs to the platform. A container changes hands only by a transfer
 * event; a container's owner is who registered it (or the operator the
 * platform registered it for), a station's who added it. */

typedef enum bx_pool_role {
    BX_ROLE_NONE = 0,     /* not an operator */
    BX_ROLE_OPERATOR = 1, /* its own stations and containers */
    BX_ROLE_PLATFORM = 2  /* everything */
} bx_pool_role;

/* "operator", "platform"; "?" for anything else. */
BX_API const char *bx_pool_role_name(bx_pool_role role);
BX_API bx_status bx_pool_role_parse(const char *name, bx_pool_role *out);

/* A token is 64 lower-case hex digits (32 random bytes). */
#define BX_POOL_TOKEN_LEN 64
#define BX_POOL_TOKEN_SIZE (BX_POOL_TOKEN_LEN + 1)

/* Make a new token from the system's random source into token (NUL
 * terminated) and its SHA-256 into sha256 (for an operator event). BX_EIO
 * if the system gives no random bytes. */
BX_API bx_status bx_pool_new_token(bx_ctx *ctx, char token[BX_POOL_TOKEN_SIZE],
                                   unsigned char sha256[32]);
/* SHA-256 of a token's text (any text: a wrong one simply matches no
 * operator). */
BX_API void bx_pool_token_hash(const char *token, unsigned char sha256[32]);

/* Earliest and latest event times accepted: 2000-01-01 and 2100-01-01. */
#define BX_POOL_TIME_MIN INT64_C(946684800)
#define BX_POOL_TIME_MAX INT64_C(4102444800)

/* One event. Which fields each type needs:
 *   operator  operator_id (the new one), role, token_sha256
 *   transfer  container_id, operator_id (who receives it); the container
 *             must be at a station (available, returned or damaged)
 *   station, register
 *             as below; operator_id optional: the owner, when a platform
 *             operator records it for another (default: by)
 *   station   station_id
 *   register  container_id, type_id (a reusable catalog box), station_id
 *   issue     container_id, station_id (where it is), order_id
 *   deliver   container_id; order_id optional (must be the one it carries)
 *   return    container_id, station_id (where it comes back)
 *   inspect   container_id, damaged; station_id optional
 *   wash, repair, retire
 *             container_id; station_id optional (must be where it is)
 *   lost      container_id
 * Fields a type does not use must be empty (damaged false). */
typedef struct bx_pool_event {
    bx_pool_event_type type;
    int64_t time_s;                 /* Unix seconds, UTC */
    char container_id[BX_ID_MAX];
    char station_id[BX_ID_MAX];
    char type_id[BX_ID_MAX];
    char order_id[BX_ID_MAX];
    bool damaged;                   /* inspect: the result */
    char by[BX_ID_MAX];             /* the operator recording it; "" in a
                                       pool that has no operators */
    char operator_id[BX_ID_MAX];    /* see above */
    bx_pool_role role;              /* operator: its role */
    unsigned char token_sha256[32]; /* operator: SHA-256 of its token */
} bx_pool_event;

/* All fields empty, time 0. */
BX_API void bx_pool_event_init(bx_pool_event *ev);

typedef struct bx_pool bx_pool;

typedef struct bx_pool_options {
    bx_journal_options journal; /* sync mode, lock wait, read_only, ... */
    /* A writer that replayed more than this many records after the last
     * snapshot saves a new one once it has opened, so the next open is
     * quick. 0: never. Default 100000. */
    uint64_t snapshot_every;
    /* Called, if not NULL, for each event of the journal's records as the
     * open replays it (checked and folded; not for what a snapshot holds),
     * with the type of its container ("" for station and operator events)
     * and the id of the operator holding the container after it ("" for
     * the platform of a pool without operators). A status other than BX_OK
     * stops the open with it. How a caller reads the pool's history, such
     * as the daily counts a forecast needs. */
    bx_status (*on_event)(void *ud, const bx_pool_event *ev, const char *type_id,
                          const char *owner);
    void *on_event_ud;
} bx_pool_options;

BX_API void bx_pool_options_init(bx_pool_options *opts);

/* Open the pool kept in the journal at `path` (creating an empty one if
 * the journal options allow). catalog (may be NULL; borrowed, and must
 * outlive the pool) is used to check the type of each new container: a
 * box of the catalog with reusable = 1. Without one, any type id is taken.
 *
 * Errors: those of bx_journal_open; BX_EINPUT also when a record is not a
 * valid event or breaks the lifecycle (a journal written by something
 * else), with its byte offset and record number. A damaged journal opens
 * (see bx_pool_journal_info) with the state up to the damage, and refuses
 * changes until bx_pool_repair. */
BX_API bx_status bx_pool_open(bx_ctx *ctx, bx_pool **out, const char *path,
                              const bx_catalog *catalog,
                              const bx_pool_options *opts);

/* Check one event against the pool without recording it. BX_OK, or
 * BX_EINPUT with a message naming the container, station or field. */
BX_API bx_status bx_pool_check(bx_pool *pool, const bx_pool_event *ev);

/* Check an event, append it to the journal and fold it into the state.
 * On BX_OK *seq (may be NULL) is its record number and, unless the journal
 * is in group-commit mode, it is durable. Errors: BX_EINPUT (a bad event:
 * nothing was written), BX_EINVAL (a read-only pool), BX_EIO and BX_ENOMEM
 * (nothing was written, or if the write itself failed the pool refuses
 * further changes: reopen it, and the journal tells what was recorded). */
BX_API bx_status bx_pool_apply(bx_pool *pool, const bx_pool_event *ev,
                               uint64_t *seq);

/* Several events, all or none: each is checked against the state the ones
 * before it leave, and only if all pass are they written, as one journal
 * record (which a crash keeps whole or drops whole; durable on BX_OK as
 * for bx_pool_apply). On BX_EINPUT *bad (may be NULL) is the index of the
 * first bad event and nothing was written; BX_ELIMIT if the batch is
 * larger than a record may be (about 10,000 events with the default limit
 * of 1 MiB): split it. */
BX_API bx_status bx_pool_apply_batch(bx_pool *pool, const bx_pool_event *evs,
                                     size_t n, size_t *bad);

/* Make every applied event durable (group commit). */
BX_API bx_status bx_pool_sync(bx_pool *pool);

/* ---- what the pool holds ------------------------------------------------ */

typedef struct bx_container_info {
    /* Strings are borrowed until the pool next changes or is closed. */
    const char *container_id;
    const char *type_id;
    const char *station_id;  /* where it is, or was last; never NULL */
    const char *order_id;    /* the order it went out with, "" if none */
    bx_container_state state;
    uint32_t trips;          /* trips completed: issues that came back */
    uint32_t issues;
    uint32_t washes, repairs, inspections;
    bx_pool_event_type last_event;
    int64_t last_time_s;
    uint64_t last_seq;       /* journal record of its last event */
    int64_t registered_s;
    int64_t issued_s;        /* when it went out (issued, delivered, or
                                lost while out); 0 otherwise */
    const char *owner;       /* the operator holding it; "" for the
                                implicit platform of a pool without
                                operators (or what it recorded then) */
} bx_container_info;

/* Containers in the order they were registered. */
BX_API size_t bx_pool_count(const bx_pool *pool);
BX_API bx_status bx_pool_at(const bx_pool *pool, size_t i,
                            bx_container_info *out);
/* BX_ENOTFOUND (with a message) if there is no such container. */
BX_API bx_status bx_pool_find(bx_pool *pool, const char *container_id,
                              bx_container_info *out);

BX_API size_t bx_pool_station_count(const bx_pool *pool);
/* Station i in the order they joined; NULL past the end. Borrowed. */
BX_API const char *bx_pool_station(const bx_pool *pool, size_t i);
BX_API bool bx_pool_has_station(const bx_pool *pool, const char *station_id);

/* Containers of a type ready to issue at a station. */
BX_API uint64_t bx_pool_available(const bx_pool *pool, const char *station_id,
                                  const char *type_id);
/* The containers of that type to issue next at that station: up to n of
 * them, those ready longest first, so wear spreads evenly. Fills ids[]
 * (borrowed) and returns how many there were. */
BX_API size_t bx_pool_pick(const bx_pool *pool, const char *station_id,
                           const char *type_id, size_t n, const char **ids);

/* Pool figures. Rates are over trips that ended: a trip ends when the
 * container comes back (returned) or is reported lost while out. */
typedef struct bx_pool_stats {
    uint64_t containers;              /* ever registered */
    uint64_t in_state[BX_CS_COUNT];   /* now, indexed by bx_container_state */
    uint64_t issues;
    uint64_t trips_returned;          /* issues that came back */
    uint64_t trips_lost;              /* issues lost while out (not found) */
    uint64_t found;                   /* lost containers that came back */
    uint64_t lost_in_stock;           /* lost from a station, not on a trip */
    uint64_t washes, repairs, inspections, damaged_found, retired;
    double return_rate;               /* returned / (returned + lost); NaN
                                         when no trip has ended */
    double loss_rate;                 /* lost / (returned + lost); NaN too */
    double mean_cycle_s;              /* issue to return, over returned trips
                                         (found ones excluded); NaN if none */
    uint64_t overdue;                 /* out (issued or delivered) for longer
                                         than overdue_after_s at now_s */
} bx_pool_stats;

/* Figures for one type (type_id) or the whole pool (NULL). Overdue counts
 * containers out since before now_s - overdue_after_s. */
BX_API bx_status bx_pool_stats_get(const bx_pool *pool, const char *type_id,
                                   int64_t now_s, int64_t overdue_after_s,
                                   bx_pool_stats *out);

/* Types that have containers, in the order they first appeared. */
BX_API size_t bx_pool_type_count(const bx_pool *pool);
BX_API const char *bx_pool_type(const bx_pool *pool, size_t i);

/* ---- operators: who is who, who sees what ------------------------------ */

BX_API size_t bx_pool_operator_count(const bx_pool *pool);
/* Operator i in the order they joined; NULL past the end. Borrowed. */
BX_API const char *bx_pool_operator(const bx_pool *pool, size_t i);
/* An operator's role; BX_ROLE_NONE if there is no such operator. */
BX_API bx_pool_role bx_pool_operator_role(const bx_pool *pool, const char *operator_id);

/* The operator whose token this is: *operator_id (borrowed) and *role.
 * The token's hash is compared with every operator's in time that does
 * not depend on where they differ. BX_EPERM with one message for any token
 * that is not an operator's (wrong, malformed or NULL). */
BX_API bx_status bx_pool_authenticate(bx_pool *pool, const char *token,
                                      const char **operator_id, bx_pool_role *role);

/* What `as` may see. as NULL, "" in a pool without operators, or a
 * platform operator: everything. An operator: its own containers, and the
 * stations it runs. Anyone else (an unknown id): nothing. */
BX_API bool bx_pool_sees_container(const bx_pool *pool, const char *as,
                                   const char *container_id);
BX_API bool bx_pool_sees_station(const bx_pool *pool, const char *as,
                                 const char *station_id);
/* The operator that runs a station ("" for the implicit platform); NULL if
 * there is no such station. Borrowed. */
BX_API const char *bx_pool_station_owner(const bx_pool *pool, const char *station_id);
/* bx_pool_find for `as`: a container it may not see is BX_ENOTFOUND with
 * the very message of one that does not exist. */
BX_API bx_status bx_pool_find_as(bx_pool *pool, const char *as,
                                 const char *container_id, bx_container_info *out);

/* bx_pool_available and bx_pool_pick for `as`: only the containers it
 * holds (all of them for NULL or a platform operator). An operator's
 * count walks the station's ready list: time in its length. */
BX_API uint64_t bx_pool_available_as(const bx_pool *pool, const char *as,
                                     const char *station_id, const char *type_id);
BX_API size_t bx_pool_pick_as(const bx_pool *pool, const char *as, const char *station_id,
                              const char *type_id, size_t n, const char **ids);

/* ---- the journal behind it ---------------------------------------------- */

/* What opening the journal found (torn tail cut, damage, snapshot used). */
BX_API const bx_journal_info *bx_pool_journal_info(const bx_pool *pool);
/* Records folded into the state (snapshot included). */
BX_API uint64_t bx_pool_seq(const bx_pool *pool);

/* Save the state as the journal's snapshot (writers). */
BX_API bx_status bx_pool_snapshot(bx_pool *pool);
/* Snapshot, then start a new journal file after it; the old one is kept
 * as archive_path if that is not NULL (bx_journal_compact). */
BX_API bx_status bx_pool_compact(bx_pool *pool, const char *archive_path);
/* Cut a damaged journal at the damage (bx_journal_repair): the state, read
 * up to the damage, is then the pool's, and changes are accepted again. */
BX_API bx_status bx_pool_repair(bx_pool *pool, char *saved_as,
                                size_t saved_as_size);

/* Sync and close. Returns the sync's status; frees the pool either way.
 * NULL is a no-op. */
BX_API bx_status bx_pool_close(bx_pool *pool);

/* ---- checking a pool end to end ----------------------------------------- */

typedef struct bx_pool_report {
    bx_journal_report journal; /* framing, checksums, CBOR, snapshot file */
    uint64_t events;           /* records folded as events */
    bool events_ok;            /* every record a valid, deterministically
                                  encoded event that the lifecycle allows */
    char event_problem[320];   /* the first that is not, "" if none */
    bool snapshot_checked;     /* the snapshot could be compared */
    bool snapshot_matches;     /* and equals the fold of the records */
    bool ok;                   /* all of the above */
} bx_pool_report;

/* Read the journal at `path` from its first record (or, if it was
 * compacted, from its snapshot), check every record as an event, and
 * compare the snapshot with the state folded from the records before it.
 * Read-only. catalog may be NULL. BX_OK if the journal could be read at all
 * (look at report->ok); errors as bx_journal_verify. */
BX_API bx_status bx_pool_verify(bx_ctx *ctx, const char *path,
                                const bx_catalog *catalog,
                                bx_pool_report *report);

/* ---- packing with the pool ---------------------------------------------- */

/* Fill stock[i] (indexed like the catalog) for packing at a station: a
 * reusable box gets the number of its containers ready there, every other
 * box its catalog stock (BX_STOCK_UNLIMITED when it has none). With
 * reusable_only, the others get 0. Pass the array as bx_pack_options.stock;
 * the engine itself knows nothing of pools. */
BX_API bx_status bx_pool_stock(const bx_pool *pool, const bx_catalog *catalog,
                               const char *station_id, bool reusable_only,
                               int64_t *stock);

#ifdef __cplusplus
}
#endif

#endif
