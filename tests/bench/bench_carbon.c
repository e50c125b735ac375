/*
 * bench_carbon.c: how many shipments per second the carbon pipeline turns
 * from CSV into totals on one core, and its peak memory.
 *
 *   build/tests/bench/bench_carbon [SHIPMENTS [compute]]   (default 2,000,000;
 *                                   compute: the first pipeline only)
 *
 * Makes SHIPMENTS rows shaped like samples/shipments/demo.csv (the sample
 * routes, boxes of the cn-express series, mailers, reusable crates, drop
 * distances on the multi-drop round) in memory, then times, single-
 * threaded:
 *   read+compute+totals   bx_shipment_reader -> bx_carbon_compute ->
 *                         bx_carbon_totals_add (what --totals/--by do)
 *   ... + <format> rows   the same plus the per-shipment rows of `boxcar
 *                         carbon -o` in each format (bx_carbon_writer),
 *                         written to a counting sink
 * Peak memory is what the context allocated at its highest (the input
 * buffer is the caller's and not counted): streaming means it must not
 * grow with SHIPMENTS. Run it with two sizes to see that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxcar.h"

typedef struct peak {
    size_t live, peak;
} peak;

static void *peak_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    peak *p = ud;
    if (nsize == 0) {
        if (ptr != NULL)
            p->live -= osize;
        free(ptr);
        return NULL;
    }
    void *q = realloc(ptr, nsize);
    if (q != NULL) {
        p->live = p->live - (ptr ? osize : 0) + nsize;
        if (p->live > p->peak)
            p->peak = p->live;
    }
    return q;
}

/* CPU time of the process: on a busy machine the wall clock also counts
 * the time other processes had the core. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static char *make_csv(long n, size_t *len)
{
    static const char *const routes[] = {"sh-city-evan", "sh-city-evan", "sh-city-evan",
                                         "sh-city-evan-round", "sha-pek-40t", "sha-pek-40t",
                                         "can-pek-air", "sha-pek-rail"};
    static const char *const packs[] = {"5#", "7#", "9#", "12#", "3#", "ldpe=20", "ldpe=20",
                                        "crate-pp"};
    size_t cap = (size_t)n * 72 + 128, used = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    used += (size_t)snprintf(buf, cap, "shipment_id,date,mass_g,items,packaging,route_id,"
                                       "drop_km\n");
    uint64_t s = 0x243f6a8885a308d3u;
    for (long i = 0; i < n; i++) {
        const char *route = routes[rnd(&s) % 8];
        char drop[16] = "";
        if (strcmp(route, "sh-city-evan-round") == 0) {
            unsigned t = (unsigned)(5 + rnd(&s) % 146);
            snprintf(drop, sizeof drop, "%u.%u", t / 10, t % 10);
        }
        used += (size_t)snprintf(buf + used, cap - used,
                                 "S2025-%08ld,2025-%02d-%02d,%d,%d,%s,%s,%s\n", i,
                                 (int)(1 + rnd(&s) % 12), (int)(1 + rnd(&s) % 28),
                                 (int)(100 + rnd(&s) % 9000), (int)(1 + rnd(&s) % 3),
                                 packs[rnd(&s) % 8], route, drop);
    }
    *len = used;
    return buf;
}

typedef struct counter {
    size_t bytes;
} counter;

static int count_write(void *ud, const void *data, size_t size)
{
    (void)data;
    ((counter *)ud)->bytes += size;
    return 0;
}

/* One pass; rows written in `format` to a counting sink, none if < 0. */
static int pass(const char *csv, size_t len, int format, double *seconds, double *cpu_seconds,
                size_t *peak_bytes, long *count, int64_t *wtw_mg)
{
    peak pk = {0, 0};
    bx_ctx *ctx;
    bx_ctx_new(&ctx, peak_alloc, &pk);
    bx_factor_set *fs = NULL;
    bx_routes *rs = NULL;
    bx_catalog *cat = NULL;
    bx_containers *cs = NULL;
    bx_carbon *calc = NULL;
    bx_carbon_totals *t = NULL;
    bx_shipment_reader *r = NULL;
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    if (bx_factor_set_load(ctx, &fs, BOXCAR_SAMPLES "/factors/cn-2023.csv") != BX_OK ||
        bx_routes_load(ctx, &rs, BOXCAR_SAMPLES "/routes/cn-routes.csv") != BX_OK ||
        bx_catalog_load(ctx, &cat, BOXCAR_SAMPLES "/catalogs/cn-express.csv",
                        BX_FORMAT_AUTO) != BX_OK ||
        bx_containers_load(ctx, &cs, BOXCAR_SAMPLES "/shipments/containers.csv") != BX_OK) {
        fprintf(stderr, "bench_carbon: %s\n", bx_ctx_errmsg(ctx));
        return 1;
    }
    opt.catalog = cat;
    opt.containers = cs;
    if (bx_carbon_new(ctx, &calc, fs, rs, &opt) != BX_OK ||
        bx_carbon_totals_new(ctx, &t, "cn-2023", "2023.1") != BX_OK)
        return 1;
    counter out = {0};
    bx_carbon_writer *w = NULL;
    if (format >= 0 && bx_carbon_writer_new(ctx, &w, (bx_carbon_format)format, "cn-2023",
                                            "2023.1", false, count_write, &out) != BX_OK)
        return 1;
    double t0 = now_s(), c0 = cpu_s();
    if (bx_shipment_reader_open_mem(ctx, &r, "bench.csv", csv, len) != BX_OK)
        return 1;
    bx_shipment s;
    bx_carbon_result res;
    bx_status st;
    long n = 0;
    while ((st = bx_shipment_reader_next(r, &s)) == BX_OK) {
        if (bx_carbon_compute(calc, &s, &res) != BX_OK ||
            bx_carbon_totals_add(t, &s, &res) != BX_OK) {
            fprintf(stderr, "bench_carbon: %s\n", bx_ctx_errmsg(ctx));
            return 1;
        }
        if (w != NULL && bx_carbon_writer_put(w, &s, &res, NULL) != BX_OK)
            return 1;
        n++;
    }
    if (w != NULL && bx_carbon_writer_finish(w) != BX_OK)
        return 1;
    *seconds = now_s() - t0;
    *cpu_seconds = cpu_s() - c0;
    if (st != BX_END) {
        fprintf(stderr, "bench_carbon: %s\n", bx_ctx_errmsg(ctx));
        return 1;
    }
    const char *key;
    bx_carbon_sum all;
    bx_carbon_totals_row(t, BX_BY_ALL, 0, &key, &all);
    *wtw_mg = all.total.wtw_mg;
    *count = n;
    bx_shipment_reader_close(r);
    bx_carbon_writer_free(w);
    bx_carbon_totals_free(t);
    bx_carbon_free(calc);
    bx_containers_free(cs);
    bx_catalog_free(cat);
    bx_routes_free(rs);
    bx_factor_set_free(fs);
    bx_ctx_free(ctx);
    *peak_bytes = pk.peak;
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    if (n < 1)
        n = 1;
    size_t len;
    char *csv = make_csv(n, &len);
    if (csv == NULL)
        return 1;
    printf("boxcar %s, %ld shipments, %.1f MB of CSV, one core\n", bx_version(), n,
           (double)len / 1e6);
    printf("%-26s %14s %14s %10s %14s\n", "pipeline", "shipments/s", "per CPU s", "MB/s",
           "peak memory");
    static const char *const names[] = {"read+compute+totals", "... + table rows",
                                        "... + CSV rows", "... + JSON Lines rows",
                                        "... + CBOR rows"};
    /* "compute" as the second argument: the first pipeline only */
    int last = argc > 2 && strcmp(argv[2], "compute") == 0 ? -1 : BX_CARBON_CBOR;
    for (int format = -1; format <= last; format++) {
#if !BOXCAR_HAVE_CBOR
        if (format == BX_CARBON_CBOR)
            break;
#endif
        double best = 1e30, best_cpu = 1e30;
        size_t pk = 0;
        long count = 0;
        int64_t wtw = 0;
        for (int rep = 0; rep < 3; rep++) { /* best of three: less noise */
            double s, c;
            if (pass(csv, len, format, &s, &c, &pk, &count, &wtw) != 0)
                return 1;
            if (s < best)
                best = s;
            if (c < best_cpu)
                best_cpu = c;
        }
        if (count != n)
            return 1;
        printf("%-26s %14.0f %14.0f %10.1f %12zu B\n", names[format + 1], (double)n / best,
               (double)n / best_cpu, (double)len / best / 1e6, pk);
        if (format < 0)
            printf("  (total %.3f t CO2e WTW)\n", (double)wtw / 1e9);
    }
    free(csv);
    return 0;
}
