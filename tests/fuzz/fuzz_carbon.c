/*
 * fuzz_carbon.c: libFuzzer target for every carbon reader, and for the
 * calculator and writers behind them.
 *
 * One target rather than one per reader keeps CI's fuzz time down (it
 * runs each target for a fixed time). The first byte picks the reader and
 * the rest is its file, in CSV, JSON or CBOR (found from its bytes, as for
 * a file without an extension):
 *   'F' a factor set; the set accepted then drives the calculator over the
 *       sample routes (fuzzed factor values reach every formula) and the
 *       Monte Carlo;
 *   'R' a route file, compiled against the sample factor set, with a
 *       shipment of known and of unknown mass on every route;
 *   'C' a containers file, with the reuse report and a shipment in each;
 *       then again over a pool's usage made from the input's bytes (any
 *       counts, possible or not: refused or amortised, never a crash or a
 *       figure below zero);
 *   'S' a shipment file, computed with the samples, every result written
 *       in all four formats: each JSON line must parse and each CBOR item
 *       decode, one per shipment; the totals must survive a round trip
 *       through their CSV byte for byte; a small Monte Carlo gives every
 *       row and every key of a group (picked by the input's length) an
 *       interval;
 *   'T' a totals file (boxcar merge's input): same round trip;
 *   'D' a draw totals file (boxcar merge's other input, with or without
 *       a group's keys): same round trip, an interval with lo <= hi (the
 *       same through bx_uncertainty_from_draws), and the file merged with
 *       itself;
 *   'N' a rounds file: its first two rounds named by a route's collection
 *       and delivery legs (direct) and its first by an item leg, every
 *       drop computed as a shipment of its own mass; each share in [0, 1]
 *       means no drop's figure exceeds its rounds' whole energy.
 * Any other first byte picks one of these by its value mod 7. Nothing may
 * crash, leak, trip a sanitizer or break those properties.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar.h"

#if BOXCAR_HAVE_JSON
#include <jansson.h>
#endif
#if BOXCAR_HAVE_CBOR
#include <cbor.h>
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The samples, loaded once and only read afterwards. */
static bx_ctx *sample_ctx;
static bx_factor_set *sample_fs;
static bx_routes *sample_routes;
static bx_catalog *sample_catalog;
static bx_containers *sample_containers;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (bx_ctx_new(&sample_ctx, NULL, NULL) != BX_OK ||
        bx_factor_set_load(sample_ctx, &sample_fs, BOXCAR_SAMPLES "/factors/cn-2023.csv") !=
            BX_OK ||
        bx_routes_load(sample_ctx, &sample_routes, BOXCAR_SAMPLES "/routes/cn-routes.csv") !=
            BX_OK ||
        bx_catalog_load(sample_ctx, &sample_catalog, BOXCAR_SAMPLES "/catalogs/cn-express.csv",
                        BX_FORMAT_AUTO) != BX_OK ||
        bx_containers_load(sample_ctx, &sample_containers,
                           BOXCAR_SAMPLES "/shipments/containers.csv") != BX_OK)
        abort(); /* the samples must load */
    return 0;
}

typedef struct out_buf {
    char *data;
    size_t len, cap;
} out_buf;

static int out_write(void *ud, const void *p, size_t n)
{
    out_buf *b = ud;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->data, cap);
        if (q == NULL)
            return -1;
        b->data = q;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* Results computed for made-up shipments are only checked for sanity:
 * the parts add up, nothing is negative. */
static void check_result(const bx_carbon_result *r)
{
    if (r->total.wtw_mg != r->transport.wtw_mg + r->hub.wtw_mg + r->packaging_mg ||
        r->total.wtw_mg < 0 || r->transport.wtt_mg < 0 || r->transport.ttw_mg < 0 ||
        r->hub.wtw_mg < 0 || r->packaging_mg < 0)
        abort();
}

/* One shipment of `mass_g` on route_id with `packaging`, computed and (if
 * accepted) added to t. */
static void compute_one(bx_carbon *calc, bx_carbon_totals *t, const char *route_id,
                        int64_t mass_g, const char *packaging)
{
    bx_shipment s;
    bx_shipment_init(&s);
    strcpy(s.shipment_id, "F-1");
    s.date = 20250315;
    s.mass_g = mass_g;
    s.items = 3;
    s.drop_km = 2.5;
    snprintf(s.route_id, sizeof s.route_id, "%s", route_id);
    snprintf(s.packaging, sizeof s.packaging, "%s", packaging);
    bx_carbon_result r;
    if (bx_carbon_compute(calc, &s, &r) != BX_OK)
        return;
    check_result(&r);
    if (t != NULL)
        bx_carbon_totals_add(t, &s, &r);
}

/* Every route of rs once with a mass and once without, in a box and in
 * explicit materials. */
static void compute_routes(bx_carbon *calc, const bx_routes *rs, bx_carbon_totals *t)
{
    for (size_t i = 0; i < bx_routes_count(rs); i++) {
        const char *id = bx_routes_at(rs, i)->route_id;
        compute_one(calc, t, id, 1000, "5#");
        compute_one(calc, t, id, BX_MASS_UNKNOWN, "corrugated=100;ldpe=5");
    }
}

static void fuzz_factors(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_factor_set *fs = NULL;
    if (bx_factor_set_read_mem(ctx, &fs, "fuzz", data, size) != BX_OK) {
        if (fs != NULL)
            abort();
        return;
    }
    for (size_t i = 0; i < bx_factor_set_count(fs); i++) {
        const bx_factor *f = bx_factor_set_at(fs, i);
        if (bx_factor_set_find(fs, f->kind, f->id) != f)
            abort(); /* ids are unique within a kind */
        double wtw = bx_factor_wtw_g(fs, f);
        if (!(wtw >= 0))
            abort(); /* negative factors are refused */
    }
    size_t n = 1;
    if (bx_factor_set_diff(fs, fs, NULL, NULL, &n) != BX_OK || n != 0)
        abort();
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.catalog = sample_catalog;
    bx_carbon *calc = NULL;
    if (bx_carbon_new(ctx, &calc, fs, sample_routes, &opt) == BX_OK) {
        compute_routes(calc, sample_routes, NULL);
        bx_uncertainty *mc = NULL;
        if (bx_uncertainty_new(ctx, &mc, calc, 4, 7) == BX_OK) {
            bx_shipment s;
            bx_shipment_init(&s);
            strcpy(s.shipment_id, "F-1");
            strcpy(s.route_id, "sha-pek-40t");
            s.date = 20250101;
            s.mass_g = 2000;
            bx_carbon_result r;
            bx_interval iv;
            if (bx_carbon_compute(calc, &s, &r) == BX_OK &&
                bx_uncertainty_shipment(mc, &s, &iv) == BX_OK &&
                bx_uncertainty_add(mc, &s) == BX_OK)
                bx_uncertainty_total(mc, &iv);
        }
        bx_uncertainty_free(mc);
    }
    bx_carbon_free(calc);
    bx_factor_set_free(fs);
}

static void fuzz_routes(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_routes *rs = NULL;
    if (bx_routes_read_mem(ctx, &rs, "fuzz", data, size) != BX_OK) {
        if (rs != NULL)
            abort();
        return;
    }
    for (size_t i = 0; i < bx_routes_count(rs); i++) {
        const bx_route *r = bx_routes_at(rs, i);
        if (bx_routes_find(rs, r->route_id) != r)
            abort();
    }
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.catalog = sample_catalog;
    bx_carbon *calc = NULL;
    bx_carbon_totals *t = NULL;
    if (bx_carbon_new(ctx, &calc, sample_fs, rs, &opt) == BX_OK &&
        bx_carbon_totals_new(ctx, &t, "cn-2023", "2023.1") == BX_OK)
        compute_routes(calc, rs, t);
    bx_carbon_totals_free(t);
    bx_carbon_free(calc);
    bx_routes_free(rs);
}

static void fuzz_containers(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_containers *cs = NULL;
    if (bx_containers_read_mem(ctx, &cs, "fuzz", data, size) != BX_OK) {
        if (cs != NULL)
            abort();
        return;
    }
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.catalog = sample_catalog;
    opt.containers = cs;
    bx_carbon *calc = NULL;
    if (bx_carbon_new(ctx, &calc, sample_fs, sample_routes, &opt) == BX_OK) {
        for (size_t i = 0; i < bx_containers_count(cs); i++) {
            const bx_container *k = bx_containers_at(cs, i);
            if (bx_containers_find(cs, k->container_id) != k)
                abort();
            bx_reuse_report rep;
            if (bx_carbon_reuse(calc, k->container_id, &rep) != BX_OK)
                abort(); /* every container of the set has a report */
            compute_one(calc, NULL, "sh-city-evan", 1800, k->container_id);
        }
    }
    bx_carbon_free(calc);
    calc = NULL;
    /* real usage: each type gets counts from the input's bytes */
    size_t n = bx_containers_count(cs);
    bx_container_usage *u = calloc(n ? n : 1, sizeof *u);
    if (u == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        const bx_container *k = bx_containers_at(cs, i);
        bx_container_usage_init(&u[i], k->container_id);
        for (size_t c = 0; c < 4; c++) {
            uint8_t b = data[(i * 4 + c) % size];
            bx_container_life l = {(uint32_t)(b % 7), (uint32_t)(b % 5), (uint32_t)(b % 3),
                                   (b & 0x40) != 0, (b & 0x80) != 0};
            if (l.returns > l.trips)
                l.returns = l.trips;
            l.lost_on_trip = l.lost_on_trip && l.returns < l.trips && l.ended;
            bx_container_usage_add(&u[i], k->trips, &l);
        }
        if (data[i % size] == 'X')
            u[i].washes = UINT64_MAX; /* any figures a caller might pass */
    }
    opt.usage = u;
    opt.nusage = n;
    if (bx_carbon_new(ctx, &calc, sample_fs, sample_routes, &opt) == BX_OK) {
        for (size_t i = 0; i < n; i++) {
            bx_reuse_report rep;
            if (bx_carbon_reuse(calc, u[i].container_id, &rep) != BX_OK || !rep.real_usage ||
                !(rep.per_trip_g >= 0) || rep.lifetime_trips < 1)
                abort();
            compute_one(calc, NULL, "sh-city-evan", 1800, u[i].container_id);
        }
    }
    free(u);
    bx_carbon_free(calc);
    bx_containers_free(cs);
}

/* Written totals read back and written again give the same bytes. */
static void totals_round_trip(bx_ctx *ctx, bx_carbon_totals *t)
{
    out_buf a = {0}, b = {0}, j = {0};
    if (bx_carbon_totals_write(t, out_write, &a) != BX_OK)
        abort();
    bx_carbon_totals *back = NULL;
    if (bx_carbon_totals_new(ctx, &back, "", "") != BX_OK)
        abort();
    if (bx_carbon_totals_read_mem(back, "back.csv", a.data, a.len) != BX_OK ||
        bx_carbon_totals_write(back, out_write, &b) != BX_OK || a.len != b.len ||
        memcmp(a.data, b.data, a.len) != 0)
        abort();
    if (bx_carbon_totals_write_json(back, BX_BY_COUNT, out_write, &j) != BX_OK ||
        bx_carbon_totals_write_group(back, BX_CARBON_TABLE, BX_BY_MODE, NULL, out_write, &j) !=
            BX_OK)
        abort();
    bx_carbon_totals_free(back);
    free(a.data);
    free(b.data);
    free(j.data);
}

/* Each JSON line parses, each CBOR item decodes: `rows` of each. */
static void check_rows(const out_buf *json, const out_buf *cbor, size_t rows)
{
    size_t n = 0;
#if BOXCAR_HAVE_JSON
    for (const char *p = json->data; p != NULL && *p; n++) {
        const char *e = strchr(p, '\n');
        if (e == NULL)
            abort();
        json_error_t err;
        json_t *v = json_loadb(p, (size_t)(e - p), JSON_REJECT_DUPLICATES, &err);
        if (v == NULL || !json_is_integer(json_object_get(v, "total_wtw_mg")))
            abort();
        json_decref(v);
        p = e + 1;
    }
    if (n != rows)
        abort();
#else
    (void)json;
#endif
#if BOXCAR_HAVE_CBOR
    n = 0;
    for (size_t at = 0; at < cbor->len; n++) {
        struct cbor_load_result lr;
        cbor_item_t *it = cbor_load((cbor_data)cbor->data + at, cbor->len - at, &lr);
        if (it == NULL || !cbor_isa_map(it))
            abort();
        cbor_decref(&it);
        at += lr.read;
    }
    if (n != rows)
        abort();
#else
    (void)cbor;
#endif
}

static void fuzz_shipments(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.catalog = sample_catalog;
    opt.containers = sample_containers;
    bx_carbon *calc = NULL;
    bx_carbon_totals *t = NULL;
    bx_shipment_reader *r = NULL;
    bx_carbon_writer *w[4] = {NULL, NULL, NULL, NULL}, *with_iv = NULL;
    out_buf out[4] = {{0}}, iv_out = {0};
    bx_uncertainty *mc = NULL;
    if (bx_carbon_new(ctx, &calc, sample_fs, sample_routes, &opt) != BX_OK ||
        bx_carbon_totals_new(ctx, &t, "cn-2023", "2023.1") != BX_OK)
        abort();
    bx_totals_group by = (bx_totals_group)(BX_BY_ROUTE + size % 4);
    if (bx_uncertainty_new(ctx, &mc, calc, 3, size) == BX_OK &&
        (bx_uncertainty_by(mc, by) != BX_OK ||
         bx_carbon_writer_new(ctx, &with_iv, BX_CARBON_CSV, "cn-2023", "2023.1", true,
                              out_write, &iv_out) != BX_OK))
        abort(); /* without GSL there is no Monte Carlo: mc stays NULL */
    for (int f = 0; f < 4; f++)
        if (bx_carbon_writer_new(ctx, &w[f], (bx_carbon_format)f, "cn-2023", "2023.1", false,
                                 out_write, &out[f]) != BX_OK &&
            f != BX_CARBON_CBOR)
            abort();
    size_t rows = 0;
    if (bx_shipment_reader_open_mem(ctx, &r, "fuzz", data, size) == BX_OK) {
        for (;;) {
            bx_shipment s;
            bx_carbon_result res;
            bx_status st = bx_shipment_reader_next(r, &s);
            if (st == BX_END)
                break;
            if (st == BX_EINPUT)
                continue;
            if (st != BX_OK)
                break; /* BX_ELIMIT: a row too long */
            if (bx_carbon_compute(calc, &s, &res) != BX_OK)
                continue;
            check_result(&res);
            if (bx_carbon_totals_add(t, &s, &res) != BX_OK)
                abort();
            for (int f = 0; f < 4; f++)
                if (w[f] != NULL && bx_carbon_writer_put(w[f], &s, &res, NULL) != BX_OK)
                    abort();
            bx_interval iv;
            if (mc != NULL && (bx_uncertainty_shipment(mc, &s, &iv) != BX_OK ||
                               bx_uncertainty_add(mc, &s) != BX_OK))
                abort();
            /* a draw far up the tail of a huge shipment may pass the
             * largest figure written: refused, and only then */
            st = mc != NULL ? bx_carbon_writer_put(with_iv, &s, &res, &iv) : BX_OK;
            if (st != BX_OK && (st != BX_EINVAL || iv.hi_g * 1000 <= (double)BX_CO2E_MAX_MG))
                abort();
            rows++;
        }
    }
    for (int f = 0; f < 4; f++)
        if (w[f] != NULL && bx_carbon_writer_finish(w[f]) != BX_OK)
            abort();
    check_rows(&out[BX_CARBON_JSON], &out[BX_CARBON_CBOR], rows);
    totals_round_trip(ctx, t);
    for (int f = 0; mc != NULL && f < 4; f++) {
        bx_status st = bx_carbon_totals_write_group(t, (bx_carbon_format)f, by, mc, out_write,
                                                    &iv_out);
        if (st != BX_OK && st != BX_ELIMIT) /* BX_ELIMIT: as above */
            abort();
    }
    bx_carbon_writer_free(with_iv);
    bx_uncertainty_free(mc);
    free(iv_out.data);
    for (int f = 0; f < 4; f++) {
        bx_carbon_writer_free(w[f]);
        free(out[f].data);
    }
    bx_shipment_reader_close(r);
    bx_carbon_totals_free(t);
    bx_carbon_free(calc);
}

static void fuzz_rounds(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_rounds *rs = NULL;
    if (bx_rounds_read_mem(ctx, &rs, "fuzz", data, size) != BX_OK) {
        if (rs != NULL)
            abort();
        return;
    }
    const char *a = bx_rounds_id(rs, 0), *b = bx_rounds_id(rs, 1);
    char text[1024];
    snprintf(text, sizeof text,
             "route_id,element,category,alloc,energy_id,energy_amount,round\n"
             "cd,leg,van-diesel-cn,direct,diesel-eu,1,%s\n"
             "cd,leg,van-diesel-cn,direct,diesel-eu,2,%s\n"
             "it,leg,van-diesel-cn,item,diesel-eu,1,%s\n",
             a != NULL ? a : "none", b != NULL ? b : "none", a != NULL ? a : "none");
    bx_routes *routes = NULL;
    bx_carbon *calc = NULL;
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.rounds = rs;
    if (bx_routes_read_mem(ctx, &routes, "routes", text, strlen(text)) == BX_OK &&
        bx_carbon_new(ctx, &calc, sample_fs, routes, &opt) == BX_OK) {
        for (size_t i = 0; i < bx_rounds_drops(rs); i++) {
            const bx_drop *d = bx_rounds_drop_at(rs, i);
            for (int r = 0; r < 2; r++) {
                bx_shipment s;
                bx_shipment_init(&s);
                strcpy(s.shipment_id, d->shipment_id);
                strcpy(s.route_id, r == 0 ? "cd" : "it");
                s.mass_g = d->mass_g;
                s.items = d->items;
                s.date = 20240101;
                bx_carbon_result res;
                /* 3.43 kg WTW per litre: 3 l in all on "cd", 1 l on "it" */
                if (bx_carbon_compute(calc, &s, &res) == BX_OK &&
                    (res.total.wtw_mg < 0 || res.total.wtw_mg > (r == 0 ? 10290001 : 3430001)))
                    abort();
            }
        }
    }
    bx_carbon_free(calc);
    bx_routes_free(routes);
    bx_rounds_free(rs);
}

static void fuzz_totals(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_carbon_totals *t = NULL;
    if (bx_carbon_totals_new(ctx, &t, "", "") != BX_OK)
        abort();
    if (bx_carbon_totals_read_mem(t, "fuzz", data, size) == BX_OK)
        totals_round_trip(ctx, t);
    bx_carbon_totals_free(t);
}

static void fuzz_draws(bx_ctx *ctx, const uint8_t *data, size_t size)
{
    bx_draw_totals *d = NULL, *back = NULL;
    if (bx_draw_totals_new(ctx, &d) != BX_OK || bx_draw_totals_new(ctx, &back) != BX_OK)
        abort();
    if (bx_draw_totals_read_mem(d, "fuzz", data, size) == BX_OK) {
        out_buf a = {0}, b = {0};
        bx_interval iv;
        if (bx_draw_totals_write(d, out_write, &a) != BX_OK ||
            bx_draw_totals_read_mem(back, "back.csv", a.data, a.len) != BX_OK ||
            bx_draw_totals_write(back, out_write, &b) != BX_OK || a.len != b.len ||
            memcmp(a.data, b.data, a.len) != 0 || bx_draw_totals_interval(d, &iv) != BX_OK ||
            !(iv.lo_g <= iv.hi_g))
            abort();
#if BOXCAR_HAVE_GSL
        /* the same interval through an uncertainty object over the draws */
        bx_uncertainty *u = NULL;
        bx_interval via;
        if (bx_uncertainty_from_draws(ctx, d, &u) != BX_OK ||
            bx_uncertainty_total(u, &via) != BX_OK || memcmp(&via, &iv, sizeof iv) != 0 ||
            bx_uncertainty_group(u) != bx_draw_totals_info_get(d).by ||
            bx_uncertainty_key(u, "\x01 not a key", &via) != BX_ENOTFOUND)
            abort();
        bx_uncertainty_free(u);
#endif
        /* the same draws again: each doubles, or a sum is out of range and
         * nothing changes */
        bx_status st = bx_draw_totals_read_mem(back, "again.csv", a.data, a.len);
        b.len = 0;
        if ((st != BX_OK && st != BX_ELIMIT) ||
            bx_draw_totals_write(back, out_write, &b) != BX_OK ||
            (st == BX_ELIMIT && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)) ||
            bx_draw_totals_info_get(back).shipments !=
                bx_draw_totals_info_get(d).shipments * (st == BX_OK ? 2 : 1))
            abort();
        free(a.data);
        free(b.data);
    }
    bx_draw_totals_free(back);
    bx_draw_totals_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    size_t base = bx_ctx_bytes_in_use(ctx);
    static const char kinds[] = "FRCSTDN";
    const char *k = memchr(kinds, data[0], 7);
    char kind = k != NULL ? *k : kinds[data[0] % 7];
    switch (kind) {
    case 'F': fuzz_factors(ctx, data + 1, size - 1); break;
    case 'R': fuzz_routes(ctx, data + 1, size - 1); break;
    case 'C': fuzz_containers(ctx, data + 1, size - 1); break;
    case 'S': fuzz_shipments(ctx, data + 1, size - 1); break;
    case 'D': fuzz_draws(ctx, data + 1, size - 1); break;
    case 'N': fuzz_rounds(ctx, data + 1, size - 1); break;
    default: fuzz_totals(ctx, data + 1, size - 1); break;
    }
    /* everything but the kept warnings was given back */
    bx_ctx_clear_warnings(ctx);
    if (bx_ctx_bytes_in_use(ctx) != base)
        abort();
    bx_ctx_free(ctx);
    return 0;
}
