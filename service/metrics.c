/*
 * metrics.c: Prometheus counters and latency histograms.
 *
 * Every worker thread adds to shared counters with relaxed atomic adds:
 * a scrape may see one request's count before its latency, which
 * Prometheus tolerates, and nothing on the request path waits for a lock.
 * Label sets are fixed in advance (the route table and the status codes
 * the service sends), so a client cannot grow the exposition by asking
 * for odd paths: every unknown path is endpoint="other".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "svc.h"

/* The statuses the service answers with; anything else counts as the
 * last kind, "other". */
static const unsigned status_codes[SVC_STATUS_KINDS - 1] = {
    200, 304, 400, 401, 403, 404, 405, 406, 408, 409, 413, 415, 422, 431, 500, 503, 0,
};

/* Upper bounds in nanoseconds; the last bucket is +Inf. Dense below 5 ms,
 * where the service's target sits. */
static const uint64_t bucket_ns[SVC_BUCKETS - 1] = {
    100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
    25000000, 50000000, 100000000, 250000000, 1000000000, 10000000000u,
};

static unsigned status_kind(unsigned status)
{
    for (unsigned i = 0; i < SVC_STATUS_KINDS - 1; i++)
        if (status_codes[i] == status && status != 0)
            return i;
    return SVC_STATUS_KINDS - 1;
}

void svc_metrics_observe(svc_metrics *m, unsigned r, unsigned status,
                         uint64_t ns)
{
    if (r >= SVC_ROUTES_MAX)
        r = SVC_ROUTES_MAX - 1;
    atomic_fetch_add_explicit(&m->requests[r][status_kind(status)], 1,
                              memory_order_relaxed);
    unsigned b = 0;
    while (b < SVC_BUCKETS - 1 && ns > bucket_ns[b])
        b++;
    atomic_fetch_add_explicit(&m->buckets[r][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_ns[r], ns, memory_order_relaxed);
}

static uint64_t get(atomic_uint_fast64_t *a)
{
    return atomic_load_explicit(a, memory_order_relaxed);
}

static const char *route_label(unsigned r)
{
    const svc_route *route = svc_route_at(r);
    return route != NULL ? route->path : "other";
}

/* Routes in exposition order: the table's, then "other". */
static unsigned route_slot(size_t i, size_t nroutes)
{
    return i < nroutes ? (unsigned)i : SVC_ROUTES_MAX - 1;
}

static int render_requests(svc_metrics *m, size_t nroutes, svc_buf *out)
{
    int rc = svc_buf_puts(out,
        "# HELP boxcar_http_requests_total HTTP requests answered, by endpoint and status.\n"
        "# TYPE boxcar_http_requests_total counter\n");
    for (size_t i = 0; i <= nroutes && rc == 0; i++) {
        unsigned r = route_slot(i, nroutes);
        for (unsigned k = 0; k < SVC_STATUS_KINDS && rc == 0; k++) {
            uint64_t n = get(&m->requests[r][k]);
            if (n == 0)
                continue;
            char status[16];
            if (k == SVC_STATUS_KINDS - 1)
                snprintf(status, sizeof status, "other");
            else
                snprintf(status, sizeof status, "%u", status_codes[k]);
            rc = svc_buf_printf(out,
                                "boxcar_http_requests_total{endpoint=\"%s\",status=\"%s\"} %" PRIu64 "\n",
                                route_label(r), status, n);
        }
    }
    return rc;
}

static int render_latency(svc_metrics *m, size_t nroutes, svc_buf *out)
{
    int rc = svc_buf_puts(out,
        "# HELP boxcar_http_request_duration_seconds Time from a request's headers to its last byte sent.\n"
        "# TYPE boxcar_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= nroutes && rc == 0; i++) {
        unsigned r = route_slot(i, nroutes);
        uint64_t counts[SVC_BUCKETS], total = 0;
        for (unsigned b = 0; b < SVC_BUCKETS; b++)
            total += counts[b] = get(&m->buckets[r][b]);
        if (total == 0)
            continue;
        uint64_t cum = 0;
        for (unsigned b = 0; b < SVC_BUCKETS && rc == 0; b++) {
            cum += counts[b];
            char le[32];
            if (b == SVC_BUCKETS - 1)
                snprintf(le, sizeof le, "+Inf");
            else
                snprintf(le, sizeof le, "%g", (double)bucket_ns[b] / 1e9);
            rc = svc_buf_printf(out,
                                "boxcar_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%s\"} %" PRIu64 "\n",
                                route_label(r), le, cum);
        }
        if (rc == 0)
            rc = svc_buf_printf(out,
                                "boxcar_http_request_duration_seconds_sum{endpoint=\"%s\"} %.9f\n"
                                "boxcar_http_request_duration_seconds_count{endpoint=\"%s\"} %" PRIu64 "\n",
                                route_label(r), (double)get(&m->sum_ns[r]) / 1e9,
                                route_label(r), cum);
    }
    return rc;
}

int svc_metrics_render(svc_server *s, const svc_catalog *cat, svc_buf *out)
{
    svc_metrics *m = &s->metrics;
    size_t nroutes = svc_route_count();
    int rc = render_requests(m, nroutes, out);
    if (rc == 0)
        rc = render_latency(m, nroutes, out);
    if (rc == 0)
        rc = svc_buf_printf(out,
            "# HELP boxcar_http_requests_aborted_total Requests whose connection closed before an answer was sent.\n"
            "# TYPE boxcar_http_requests_aborted_total counter\n"
            "boxcar_http_requests_aborted_total %" PRIu64 "\n"
            "# HELP boxcar_http_requests_in_flight Requests begun and not yet answered.\n"
            "# TYPE boxcar_http_requests_in_flight gauge\n"
            "boxcar_http_requests_in_flight %" PRIdFAST64 "\n"
            "# HELP boxcar_catalog_reloads_total Catalog reloads, by result.\n"
            "# TYPE boxcar_catalog_reloads_total counter\n"
            "boxcar_catalog_reloads_total{result=\"ok\"} %" PRIu64 "\n"
            "boxcar_catalog_reloads_total{result=\"failed\"} %" PRIu64 "\n"
            "# HELP boxcar_catalog_generation The catalog in service: 1 at start, +1 per reload.\n"
            "# TYPE boxcar_catalog_generation gauge\n"
            "boxcar_catalog_generation %" PRIu64 "\n"
            "# HELP boxcar_catalog_boxes Box types in the catalog in service.\n"
            "# TYPE boxcar_catalog_boxes gauge\n"
            "boxcar_catalog_boxes %zu\n"
            "# HELP boxcar_pack_orders_total Orders packed.\n"
            "# TYPE boxcar_pack_orders_total counter\n"
            "boxcar_pack_orders_total %" PRIu64 "\n"
            "# HELP boxcar_pack_boxes_total Boxes chosen for packed orders.\n"
            "# TYPE boxcar_pack_boxes_total counter\n"
            "boxcar_pack_boxes_total %" PRIu64 "\n"
            "# HELP boxcar_pack_units_total Units placed in boxes.\n"
            "# TYPE boxcar_pack_units_total counter\n"
            "boxcar_pack_units_total %" PRIu64 "\n"
            "# HELP boxcar_worker_threads HTTP worker threads.\n"
            "# TYPE boxcar_worker_threads gauge\n"
            "boxcar_worker_threads %u\n"
            "# HELP boxcar_reload_failures_total Reloads that failed, by the part that failed to load (the old set stays in service).\n"
            "# TYPE boxcar_reload_failures_total counter\n"
            "boxcar_reload_failures_total{part=\"catalog\"} %" PRIu64 "\n"
            "boxcar_reload_failures_total{part=\"carbon\"} %" PRIu64 "\n"
            "boxcar_reload_failures_total{part=\"policy\"} %" PRIu64 "\n"
            "# HELP boxcar_carbon_shipments_total Shipments computed by POST /v1/carbon.\n"
            "# TYPE boxcar_carbon_shipments_total counter\n"
            "boxcar_carbon_shipments_total %" PRIu64 "\n"
            "# HELP boxcar_carbon_excluded_total Shipments left out as bad input by POST /v1/carbon.\n"
            "# TYPE boxcar_carbon_excluded_total counter\n"
            "boxcar_carbon_excluded_total %" PRIu64 "\n"
            "# HELP boxcar_pool_events_total Container events recorded (durable).\n"
            "# TYPE boxcar_pool_events_total counter\n"
            "boxcar_pool_events_total %" PRIu64 "\n"
            "# HELP boxcar_pool_containers_issued_total Containers issued to orders packed at a station (POST /v1/pack?station=S; durable).\n"
            "# TYPE boxcar_pool_containers_issued_total counter\n"
            "boxcar_pool_containers_issued_total %" PRIu64 "\n",
            get(&m->aborted), atomic_load(&s->in_flight), get(&m->reloads_ok),
            get(&m->reloads_failed), cat != NULL ? cat->generation : 0,
            cat != NULL ? bx_catalog_count(cat->cat) : (size_t)0,
            get(&m->packed_orders), get(&m->packed_boxes),
            get(&m->packed_units), s->threads, get(&m->reload_failed_part[0]),
            get(&m->reload_failed_part[1]), get(&m->reload_failed_part[2]),
            get(&m->carbon_shipments), get(&m->carbon_excluded), get(&m->pool_events),
            get(&m->pool_issued));
    return rc;
}
