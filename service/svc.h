/*
 * svc.h: what the parts of the service share. Not installed.
 *
 * server.c   libmicrohttpd glue: connections, bodies, limits, responses
 * routes.c   the endpoint table, authorisation, query arguments
 * negotiate.c  Content-Type and Accept
 * doc.c      small JSON/CBOR documents (errors, health, picture lists)
 * metrics.c  Prometheus counters and latency histograms
 * catalog_slot.c  the shared catalog, swapped on reload
 * worker.c   one engine and its buffers per worker thread, and the
 *            calculator and policy it builds from the catalog set
 * body.c     JSON and CBOR bodies as trees (shipments, events)
 * shipments_body.c  the shape of shipments sent as JSON/CBOR
 * order_body.c  order objects as order lines; unknown keys; box lists
 * items_slot.c  the item master behind its mutex, saved by atomic rewrite
 * pool_slot.c  the container pool behind its mutex
 * pool_station.c  packing at a station from the pool, and issuing
 * h_*.c      the endpoints
 */
#ifndef BOXCAR_SVC_H
#define BOXCAR_SVC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "boxcar.h"
#include "boxcar/pack_io.h"
#include "negotiate.h"
#include "service.h"

/* ---- bytes ---------------------------------------------------------------- */

/* A growable byte buffer (malloc), usable as a bx_write_fn sink. */
typedef struct svc_buf {
    unsigned char *data;
    size_t len, cap;
} svc_buf;

/* Append; -1 (and the buffer unchanged) when memory runs out. */
int svc_buf_put(svc_buf *b, const void *data, size_t size);
int svc_buf_puts(svc_buf *b, const char *s);
int svc_buf_printf(svc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* bx_write_fn over a svc_buf. */
int svc_buf_write(void *ud, const void *data, size_t size);
void svc_buf_free(svc_buf *b);

/* ---- small documents ------------------------------------------------------ */

/* Encode a jansson value as JSON (compact, one line, "\n" at the end) or
 * as CBOR (RFC 8949 core deterministic: map keys shorter first, then
 * bytewise). 0, or -1 when memory runs out or the value holds something
 * CBOR here does not carry (only objects, arrays, strings, integers,
 * reals, booleans and null are expected). */
int svc_doc_encode(const json_t *doc, svc_media media, svc_buf *out);

/* ---- the shared catalog --------------------------------------------------- */

/* A loaded catalog and its GET /v1/catalog bodies, with what is loaded
 * and reloaded together with it: the carbon setup and the policy's text.
 * Read-only once made; workers build their own calculator and policy from
 * it (both are single-threaded). */
typedef struct svc_catalog {
    bx_ctx *ctx;                /* what everything here was loaded with */
    bx_catalog *cat;
    uint64_t generation;        /* 1 for the first, +1 per reload */
    svc_buf json, cbor;         /* the catalog as `boxcar convert` writes it */
    char path[4096];
    /* carbon: all NULL without --routes */
    bx_factor_set *factors;
    bx_routes *routes;
    bx_containers *containers;  /* may be NULL */
    size_t bad_routes;          /* routes the factor set cannot compute */
    /* policy: NULL text without --policy */
    char *policy_text;
    size_t policy_len;
    char policy_name[256];      /* the file's last component */
    svc_buf policy_json, policy_cbor; /* GET /v1/policy */
} svc_catalog;

/* Load the catalog, carbon setup and policy that cfg names into a new
 * svc_catalog (generation left 0). NULL on failure, with the first
 * problem in err and *part naming what failed ("catalog", "carbon",
 * "policy"). */
svc_catalog *svc_catalog_load(const svc_config *cfg, char *err,
                              size_t err_size, const char **part);
void svc_catalog_free(svc_catalog *c);
/* A policy compiled from the set's text against its catalog, with the
 * configured params set, bound to ctx. */
bx_status svc_policy_compile(bx_ctx *ctx, const svc_catalog *c,
                             const svc_config *cfg, bx_policy **out);

typedef struct svc_worker svc_worker;

/* The catalog in service. Workers read it without locks: a worker
 * announces the catalog it uses in its hazard slot, then checks that it is
 * still current; a swap waits until no hazard slot names the old catalog
 * before freeing it (hazard pointers, Michael 2004). */
typedef struct svc_catalog_slot {
    _Atomic(svc_catalog *) current;
    pthread_mutex_t swap_lock;  /* one swap at a time */
} svc_catalog_slot;

/* ---- workers ---------------------------------------------------------------- */

struct svc_worker {
    svc_server *server;
    bx_ctx *ctx;
    bx_engine *engine;
    bx_order_buf order;
    svc_buf out;                      /* response body, copied when sent */
    svc_buf scratch;                  /* one SVG at a time */
    _Atomic(svc_catalog *) hazard;    /* the catalog in use, or NULL */
    svc_worker *next;                 /* in the server's list */
    /* Built from one catalog set on first use, freed when that set goes
     * (by this worker on its next request, or by the reload once no
     * request holds the set). They are allocated from ctx, so freeing
     * them touches ctx: busy_lock is held by the worker for a request's
     * whole handler (every use of ctx) and by the reload while it frees
     * them. */
    pthread_mutex_t busy_lock;
    const svc_catalog *derived_for;
    bx_carbon *carbon;
    bx_policy *policy;
};

/* The calling thread's worker, made on first use. NULL if out of memory. */
svc_worker *svc_worker_get(svc_server *s);
/* Free every worker (after the threads have stopped). */
void svc_workers_free(svc_server *s);

/* Around a request's handler: the worker's context is in use (see
 * busy_lock). A handler that reloads lets it go meanwhile (svc_h_reload). */
void svc_worker_begin(svc_worker *w);
void svc_worker_end(svc_worker *w);

/* Take the current catalog for the length of one request, and let it go
 * (between svc_worker_begin and svc_worker_end). */
const svc_catalog *svc_catalog_hold(svc_worker *w);
void svc_catalog_let_go(svc_worker *w);

/* The worker's calculator / policy for the catalog it holds, built on
 * first use. BX_OK with *out NULL when the set has none; else the status
 * of building it, with the message in the worker's context. */
bx_status svc_worker_carbon(svc_worker *w, const svc_catalog *cat,
                            bx_carbon **out);
bx_status svc_worker_policy(svc_worker *w, const svc_catalog *cat,
                            bx_policy **out);
/* Free what workers built from cat (after no request holds it). */
void svc_workers_forget(svc_server *s, const svc_catalog *cat);

/* ---- metrics -------------------------------------------------------------- */

#define SVC_ROUTES_MAX 24
#define SVC_STATUS_KINDS 18
#define SVC_BUCKETS 14

typedef struct svc_metrics {
    atomic_uint_fast64_t requests[SVC_ROUTES_MAX][SVC_STATUS_KINDS];
    atomic_uint_fast64_t buckets[SVC_ROUTES_MAX][SVC_BUCKETS];
    atomic_uint_fast64_t sum_ns[SVC_ROUTES_MAX];
    atomic_uint_fast64_t aborted;
    atomic_uint_fast64_t reloads_ok, reloads_failed;
    atomic_uint_fast64_t reload_failed_part[3]; /* catalog, carbon, policy */
    atomic_uint_fast64_t carbon_shipments, carbon_excluded;
    atomic_uint_fast64_t pool_events;
    atomic_uint_fast64_t pool_issued;  /* containers issued by /v1/pack?station */
    atomic_uint_fast64_t packed_orders, packed_boxes, packed_units;
} svc_metrics;

/* One answered request of route index r (SVC_ROUTES_MAX - 1: no route). */
void svc_metrics_observe(svc_metrics *m, unsigned r, unsigned status,
                         uint64_t ns);
/* The Prometheus text exposition (format 0.0.4); cat is the catalog the
 * caller holds (may be NULL). */
int svc_metrics_render(svc_server *s, const svc_catalog *cat, svc_buf *out);

/* ---- the server ----------------------------------------------------------- */

struct svc_server {
    svc_config cfg;
    char host[64];
    char *token;                 /* owned copy */
    struct MHD_Daemon *daemon;
    uint16_t port;
    unsigned threads;
    svc_catalog_slot catalog;
    pthread_mutex_t workers_lock;
    svc_worker *workers;
    svc_metrics metrics;
    struct svc_pool *pool;           /* NULL without --pool */
    struct svc_items *items;         /* NULL without --items */
    atomic_int_fast64_t in_flight;   /* requests begun, not yet completed */
    atomic_bool draining;
    uint64_t started_ns;
};

/* Log a formatted line through the configured logger. */
void svc_log(svc_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

uint64_t svc_now_ns(void);

/* ---- requests and routes -------------------------------------------------- */

#define SVC_MAX_ARGS 16

typedef struct svc_arg {
    const char *key, *value;
} svc_arg;

struct svc_route;

/* One request as the endpoints see it: no libmicrohttpd in sight. */
typedef struct svc_call {
    svc_server *server;
    svc_worker *worker;
    const struct svc_route *route;
    const unsigned char *body;
    size_t body_len;
    svc_media body_media;        /* from Content-Type */
    svc_media reply_media;       /* JSON or CBOR, from Accept */
    const char *path;            /* the URL's path, borrowed */
    svc_arg args[SVC_MAX_ARGS];  /* query arguments, borrowed */
    size_t nargs;
    bool args_overflow;
    /* the answer */
    unsigned status;
    const char *content_type;
    const void *fixed_body;      /* static bytes instead of worker->out */
    size_t fixed_len;
    const char *allow;           /* Allow header (405) */
    bool challenge;              /* WWW-Authenticate (401) */
    bool no_store;               /* Cache-Control: no-store */
    /* Who calls a pool endpoint of a pool with operators (their token):
     * the operator's id, "" when the pool has none. */
    char as[BX_ID_MAX];
    bx_pool_role role;
} svc_call;

typedef enum svc_access {
    SVC_OPEN,   /* anyone who can connect: page, health, metrics */
    SVC_READ,   /* token needed only with cfg.token_for_reads */
    SVC_WRITE   /* token always needed */
} svc_access;

typedef struct svc_route {
    const char *path;      /* with prefix: the start of the paths it takes */
    const char *methods;   /* "GET" or "POST"; GET routes also take HEAD */
    svc_access access;
    bool takes_body;       /* decodes a JSON/CBOR/CSV body */
    bool negotiated;       /* answers in JSON or CBOR, by Accept */
    void (*handle)(svc_call *c);
    bool prefix;           /* takes every path under `path` (an id) */
    const char *write_arg; /* a query argument that makes the call a write
                              (the token always needed); NULL: none */
} svc_route;

/* The route for a path, NULL if none. Its index (for metrics) in *index;
 * SVC_ROUTES_MAX - 1 when there is none. */
const svc_route *svc_route_find(const char *path, unsigned *index);
const svc_route *svc_route_at(unsigned index);
size_t svc_route_count(void);
/* Is method allowed on the route? */
bool svc_route_allows(const svc_route *r, const char *method);
/* The token of an "Authorization: Bearer <token>" value of len bytes
 * (scheme case-insensitive, RFC 6750): where it starts, its length in
 * *token_len; NULL if the value is not of that scheme. */
const char *svc_bearer(const char *authorization, size_t len, size_t *token_len);
/* Does the Authorization header value (len bytes, NUL bytes included)
 * carry the token (constant time)? */
bool svc_token_ok(const svc_server *s, const char *authorization, size_t len);

/* Answer with an error body in c->reply_media: {"error":code,
 * "message":..,"status":..} plus "field", "line", "column", "record",
 * "offset" from loc when known (loc may be NULL). */
void svc_reply_error(svc_call *c, unsigned status, const char *code,
                     const bx_location *loc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The error a library status stands for, with the context's message and
 * location: the worker's context, or ctx. */
void svc_reply_status(svc_call *c, bx_status st);
void svc_reply_ctx_status(svc_call *c, bx_ctx *ctx, bx_status st);
/* Answer 200 with doc encoded in c->reply_media (doc is not consumed). */
void svc_reply_doc(svc_call *c, const json_t *doc);
/* A query argument's value, NULL if absent. */
const char *svc_arg_get(const svc_call *c, const char *key);
/* Fail (400, naming it) on a query argument not in the NULL-ended list. */
bool svc_args_check(svc_call *c, const char *const *known);

/* The body as a tree (JSON or CBOR by body_media), nested at most
 * max_depth deep. NULL with the reason in err and the status to answer
 * in *status: 413 for nesting too deep, else 400. */
json_t *svc_body_decode(const svc_call *c, size_t max_depth, char *err,
                        size_t err_size, unsigned *status);

/* Shipments as a JSON array of objects keyed by the shipment columns
 * (bx_shipment_column), before the shipment reader reads them: true if
 * every element is such an object with values of text, numbers or null;
 * false with an error reply (naming record and field) for an element that
 * is not an object, an unknown field, another kind of value, or text with
 * a control character. */
bool svc_shipments_check(svc_call *c, const json_t *list);

/* ---- orders (order_body.c) ------------------------------------------------ */

/* Is the tree an order object ({"order_id", "items", "boxes"?})? */
bool svc_is_order_object(const json_t *doc);

/* An order object's items as a JSON array of order lines (the order's id
 * set on each) in out, and its "boxes" (borrowed from obj, NULL when
 * absent). false, with an error reply naming the key, for a key the
 * object does not have, a missing order_id or items, an item that is not
 * an object or names another order. */
bool svc_order_object_lines(svc_call *c, const json_t *obj, svc_buf *out,
                            const json_t **boxes);

/* Read one order from an order-file body into the worker's order buffer
 * (order borrows it). list: NULL for the request's own body; else the
 * data is a JSON array made by the service from the request's list of
 * that name ("items", "lines"), so a problem is placed by its position
 * (`record` from 1) rather than by line. false, with an error reply, on
 * bad input, an unknown field included (named in `field`). */
bool svc_order_read(svc_call *c, bx_format fmt, const void *data, size_t len,
                    const char *list, bx_order *order);

/* A request's box list as allowed flags indexed like cat (malloc, *allowed
 * NULL when boxes is NULL: every box). false, with an error reply naming
 * the entry, for a list that is empty or names a box the catalog lacks. */
bool svc_boxes_allowed(svc_call *c, const bx_catalog *cat, const json_t *boxes,
                       unsigned char **allowed);

/* ---- the item master (items_slot.c) ------------------------------------------- */

typedef struct svc_items svc_items;

/* Read the item master at path (CSV, JSON or CBOR). NULL with the first
 * problem in err (a bad record, or two items sharing a code). */
svc_items *svc_items_open(const char *path, char *err, size_t err_size);
void svc_items_close(svc_items *m);
size_t svc_items_count(svc_items *m);
/* The item whose sku or one of whose barcodes is code, copied to *out. */
bool svc_items_find(svc_items *m, const char *code, bx_item *out);

typedef enum svc_items_added {
    SVC_ITEMS_SAVED,   /* in the file (rewritten atomically) and in memory */
    SVC_ITEMS_TAKEN,   /* its sku or a barcode names an item already there */
    SVC_ITEMS_FAILED   /* the file could not be rewritten: nothing changed */
} svc_items_added;

/* Add an item (already validated): durable in the file before it is
 * found by svc_items_find. The reason for anything but SAVED in err. */
svc_items_added svc_items_add(svc_items *m, const bx_item *it, char *err, size_t err_size);

/* ---- the container pool ----------------------------------------------------- */

/* A packer at one station (pool_station.c). */
typedef struct svc_station_packer {
    char station[BX_ID_MAX];
    char as[BX_ID_MAX];     /* the operator it packs for ("" none) */
    bx_pool_packer *packer;
} svc_station_packer;

typedef struct svc_pool {
    pthread_mutex_t lock;   /* a bx_pool is single-threaded; so is all below */
    bx_ctx *ctx;            /* every error of the pool and its packing */
    bx_catalog *cat;        /* the catalog as at start: the pool borrows it */
    bx_pool *pool;
    char *path;             /* the journal, for its history */
    bx_links *links;        /* --links: the network of plans; NULL without */
    /* Packing at stations (pool_station.c): an engine for the pool's
     * life; a policy and packers built from one catalog set, dropped when
     * another set is used or this one is forgotten. */
    bx_engine *engine;
    const svc_catalog *packing_for;
    bx_policy *policy;
    svc_station_packer *packers;
    size_t npackers, cap_packers;
    bx_pool_packer *packed;   /* the last packing, until it is issued */
} svc_pool;

/* Open the journal at path as its writer. NULL with a message in err. */
svc_pool *svc_pool_open(const char *path, const char *catalog_path, const char *links_path,
                        char *err, size_t err_size);
/* Sync, close, free. NULL is a no-op. */
void svc_pool_close(svc_pool *p);
/* Does the pool have operators? Then its endpoints take their tokens. */
bool svc_pool_has_operators(svc_pool *p);
/* The operator whose token the Authorization header value (len bytes)
 * carries, into as[BX_ID_MAX] and *role; false if none. */
bool svc_pool_who(svc_pool *p, const char *authorization, size_t len, char *as,
                  bx_pool_role *role);
/* An operator of the platform role, or anyone in a pool without operators. */
static inline bool svc_sees_all(const svc_call *c)
{
    return c->as[0] == '\0' || c->role == BX_ROLE_PLATFORM;
}

/* Why packing at a station failed (the message is in p->ctx). */
typedef enum svc_station_fail {
    SVC_STATION_UNKNOWN,  /* not a station of the pool */
    SVC_STATION_ORDER,    /* the order's fault (as /v1/pack without one) */
    SVC_STATION_POLICY,   /* the policy failed to build or on this order */
    SVC_STATION_CHECK,    /* the packing did not validate: nothing issued */
    SVC_STATION_JOURNAL   /* the issue was not recorded */
} svc_station_fail;

/* With p->lock held: pack one order at a station from the pool's ready
 * containers, under the policy of `cat` when it has one (as `boxcar pack
 * --pool J --station S [--policy F]`), and check the packing with
 * bx_validate; nothing is recorded. On BX_OK *res (with each reusable
 * box's container id) is valid while the lock is held and `cat` is;
 * otherwise *fail says why. */
bx_status svc_pool_station_pack(svc_pool *p, const svc_catalog *cat,
                                const svc_config *cfg, const char *as, const char *station,
                                const bx_order *order, const bx_pack_options *opts,
                                const bx_pack_result **res, svc_station_fail *fail);
/* With p->lock held, after svc_pool_station_pack and before the lock is
 * let go: issue the containers it picked to the order (one journal
 * record, all or none) and sync, so they are durable on BX_OK; *issued
 * gets how many (0: a packing of cartons only, nothing written). A
 * failure (SVC_STATION_JOURNAL) has its message in p->ctx. */
bx_status svc_pool_station_issue(svc_pool *p, size_t *issued);
/* Drop what was built from cat (before it is freed). NULL p is a no-op. */
void svc_pool_forget(svc_pool *p, const svc_catalog *cat);
/* Free the packing state (svc_pool_close, with no request left). */
void svc_pool_drop_packing(svc_pool *p);

/* endpoints */
void svc_h_station_page(svc_call *c);
void svc_h_station_css(svc_call *c);
void svc_h_station_js(svc_call *c);
void svc_h_healthz(svc_call *c);
void svc_h_metrics(svc_call *c);
void svc_h_catalog(svc_call *c);
void svc_h_reload(svc_call *c);
void svc_h_pack(svc_call *c);
void svc_h_pack_svg(svc_call *c);
void svc_h_pack_batch(svc_call *c);
void svc_h_openapi(svc_call *c);
void svc_h_item(svc_call *c);
void svc_h_items_add(svc_call *c);
void svc_h_policy(svc_call *c);
void svc_h_carbon(svc_call *c);
void svc_h_load(svc_call *c);
void svc_h_pool_events(svc_call *c);
void svc_h_pool_list(svc_call *c);
void svc_h_pool_stats(svc_call *c);
void svc_h_pool_forecast(svc_call *c);
void svc_h_pool_plan(svc_call *c);
void svc_h_pool_statement(svc_call *c);
void svc_h_pool_container(svc_call *c);

/* Embedded station assets (generated at build time from service/station). */
extern const unsigned char svc_asset_index_html[];
extern const size_t svc_asset_index_html_len;
extern const unsigned char svc_asset_station_css[];
extern const size_t svc_asset_station_css_len;
extern const unsigned char svc_asset_station_js[];
extern const size_t svc_asset_station_js_len;
extern const unsigned char svc_asset_openapi_json[];
extern const size_t svc_asset_openapi_json_len;

#endif
