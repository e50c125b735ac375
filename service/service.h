/*
 * service.h: the packing-station HTTP service behind `boxcar serve`.
 *
 * The service is a thin layer over libboxcar: it decodes a request body
 * with bx_order_decode, packs with one bx_engine per worker thread (an
 * engine is single-threaded) against a catalog that all workers share
 * read-only, and encodes the answer with the pack_io writers, so a request
 * gets exactly the bytes `boxcar pack --format json|cbor` writes for the
 * same order. It lives outside the library because it brings sockets,
 * threads and libmicrohttpd, which a controller build must not need.
 *
 * Threads: svc_server_start runs the HTTP workers; every other function
 * here is for one controlling thread (the CLI's signal loop) to call.
 */
#ifndef BOXCAR_SERVICE_H
#define BOXCAR_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/script.h"

typedef struct svc_server svc_server;

/* One line of log text (no newline), from any thread. */
typedef void (*svc_log_fn)(void *ud, const char *line);

typedef struct svc_config {
    const char *host;           /* IPv4 or IPv6 address to bind; "127.0.0.1" */
    uint16_t port;              /* 0: any free port (see svc_server_port) */
    unsigned threads;           /* worker threads; 0: one per online CPU */
    const char *catalog_path;   /* reloaded from here by svc_server_reload */
    const char *token;          /* bearer token; NULL: write endpoints refuse */
    bool token_for_reads;       /* read endpoints need the token too */
    size_t max_body_bytes;      /* larger bodies get 413 */
    unsigned timeout_s;         /* idle connection timeout, and the most a
                                   request body may take to arrive */
    unsigned max_connections;   /* open connections at once */
    uint64_t budget;            /* work per order unless a request asks */
    uint64_t max_budget;        /* the most a request may ask for */
    uint32_t max_units;         /* units (sum of qty) per order */
    uint64_t max_lines;         /* order lines per request */
    /* carbon (POST /v1/carbon): NULL routes_path leaves it off */
    const char *routes_path;    /* transport chains */
    const char *factors_path;   /* a factor set file (required with routes) */
    const char *containers_path; /* reusable container types; may be NULL */
    uint64_t max_shipments;     /* shipments per request */
    /* a packing policy for /v1/pack: NULL policy_path packs without one */
    const char *policy_path;
    const char *const *policy_params; /* "key=value", npolicy_params of them */
    size_t npolicy_params;
    bx_script_limits script_limits;
    /* the container pool: NULL pool_path leaves /v1/containers off */
    const char *pool_path;      /* its journal; the server is its writer */
    /* the links between stations for plans: NULL leaves
     * /v1/containers/plan off (404); needs pool_path */
    const char *links_path;
    /* the item master: NULL items_path leaves /v1/items off */
    const char *items_path;     /* CSV, JSON or CBOR; rewritten on a save */
    svc_log_fn log;             /* NULL: silent */
    void *log_ud;
} svc_config;

/* The defaults above: 127.0.0.1:8080, 1 MiB bodies, 10 s, 256
 * connections, the engine's default budget, at most 50x that per request,
 * 10,000 units and 10,000 lines per order, 10,000 shipments per request,
 * no carbon, no policy, no pool, default script limits. */
void svc_config_init(svc_config *cfg);

/* Load the catalog, bind and start the workers. 0 on success; else -1
 * with a message in err. */
int svc_server_start(const svc_config *cfg, svc_server **out, char *err,
                     size_t err_size);

/* The port actually bound (useful with port 0). */
uint16_t svc_server_port(const svc_server *s);

/* Load the catalog file again, with the carbon setup and the policy, and
 * switch to them together (a policy is bound to its catalog): requests
 * already running finish with the set they started with, which is freed
 * once the last of them is done. If any part does not load, the old set
 * stays in service, whole. 0 on success, -1 with a message in err. Safe to
 * call while requests run, from any thread. The pool is not reloaded: its
 * journal stays open. */
int svc_server_reload(svc_server *s, char *err, size_t err_size);

/* Stop accepting connections, answer what is already running (with
 * "Connection: close"), and wait up to timeout_ms for the running requests
 * to finish. Returns the number still running at the end (0: drained). */
unsigned svc_server_drain(svc_server *s, unsigned timeout_ms);

/* Stop the workers, close every connection and free the server. NULL is a
 * no-op. */
void svc_server_stop(svc_server *s);

#endif
