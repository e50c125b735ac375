/*
 * bench_load.c: multi-stop van loading on generated parcel sets.
 *
 *   build/tests/bench/bench_load [--seeds N] [--budget N] [--write FILE SEED STOPS N]
 *   build/tests/bench/bench_load --fleet [--seeds N] [--budget N]
 *
 * For each seed 1..N (default 20): 3-8 stops and 100-400 parcels (both
 * drawn from the seed), vans of samples/load/vehicles.csv's first row
 * (3500 x 1780 x 1900 mm, 1300 kg, rear door, 3 available). Reports the
 * vans used, the mean volume and mass load factor, unplaced parcels, CPU
 * time, and whether bx_load_plan_check passes (no parcel blocked by a
 * later stop's, loading order feasible from the door, support, fragile
 * and load limits). --write dumps one generated set as a parcels CSV.
 *
 * --fleet: 300-900 parcels per seed into a mixed catalog (4 vans 3.5 t,
 * cost 100; 4 small vans 2500 x 1500 x 1600 mm, 800 kg, cost 60), planned
 * with vehicles chosen one at a time only
 * and with the fleet search: vehicles, total cost and CPU time of each,
 * every plan checked.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen_parcels.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bx_load_vehicle kind(const char *name, int32_t l, int32_t w, int32_t h, int64_t payload_g,
                            uint32_t count, double cost)
{
    bx_load_vehicle v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "%s", name);
    v.inner_mm[0] = l;
    v.inner_mm[1] = w;
    v.inner_mm[2] = h;
    v.payload_g = payload_g;
    v.count = count;
    v.cost = cost;
    return v;
}

/* One-at-a-time against the fleet search on a mixed catalog. */
static int bench_fleet(bx_ctx *ctx, int seeds, unsigned long long budget)
{
    bx_load_vehicle cat[2] = {kind("van-3.5t", 3500, 1780, 1900, 1300000, 4, 100),
                              kind("van-small", 2500, 1500, 1600, 800000, 4, 60)};
    bx_load_options o;
    bx_load_options_init(&o);
    if (budget)
        o.budget = budget;
    printf("# bench_load --fleet: 4 x van-3.5t (cost 100), 4 x van-small (60); "
           "budget %llu per vehicle tried\n",
           (unsigned long long)o.budget);
    printf("%5s %6s | %5s %6s %7s | %5s %6s %7s | %s\n", "seed", "parcels", "veh", "cost", "cpu_s", "veh", "cost",
           "cpu_s", "check");
    printf("%5s %6s | %21s | %21s |\n", "", "", "one at a time", "fleet search");
    int bad = 0, better = 0;
    double sum[2][3] = {{0}};
    for (int seed = 1; seed <= seeds; seed++) {
        uint64_t s = (uint64_t)seed * 7919u;
        int stops = 3 + (int)(s % 6), n = 300 + (int)((s / 6) % 601);
        bx_load_parcel *p = calloc((size_t)n, sizeof *p);
        if (!p)
            return 1;
        gen_parcels((uint64_t)seed, stops, n, p);
        double r[2][3];
        bool ok = true;
        for (int m = 0; m < 2; m++) {
            o.one_at_a_time = m == 0;
            bx_load_plan plan;
            double t0 = cpu_s();
            if (bx_load_plan_make(ctx, p, (size_t)n, cat, 2, &o, &plan) != BX_OK) {
                fprintf(stderr, "seed %d: %s\n", seed, bx_ctx_errmsg(ctx));
                free(p);
                return 1;
            }
            r[m][2] = cpu_s() - t0;
            if (bx_load_plan_check(ctx, p, (size_t)n, cat, 2, o.support, &plan) != BX_OK || plan.nunplaced) {
                fprintf(stderr, "seed %d: INVALID or parcels left: %s\n", seed, bx_ctx_errmsg(ctx));
                ok = false;
            }
            r[m][0] = (double)plan.nvehicles;
            r[m][1] = 0;
            for (size_t k = 0; k < plan.nvehicles; k++)
                r[m][1] += cat[plan.vehicles[k].vehicle].cost;
            for (int j = 0; j < 3; j++)
                sum[m][j] += r[m][j];
            bx_load_plan_free(ctx, &plan);
        }
        bad += !ok;
        better += r[1][0] < r[0][0] || (r[1][0] == r[0][0] && r[1][1] < r[0][1]);
        printf("%5d %6d | %5.0f %6.0f %7.3f | %5.0f %6.0f %7.3f | %s\n", seed, n, r[0][0], r[0][1], r[0][2], r[1][0],
               r[1][1], r[1][2], ok ? "ok" : "FAIL");
        free(p);
    }
    printf("mean: one at a time %.2f vehicles, cost %.1f, %.3f s CPU; fleet search %.2f vehicles, cost %.1f, "
           "%.3f s CPU; better on %d of %d; %d invalid\n",
           sum[0][0] / seeds, sum[0][1] / seeds, sum[0][2] / seeds, sum[1][0] / seeds, sum[1][1] / seeds,
           sum[1][2] / seeds, better, seeds, bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    int seeds = 20;
    unsigned long long budget = 0;
    bool fleet = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--fleet"))
            fleet = true;
        else if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
            seeds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--budget") && i + 1 < argc)
            budget = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--write") && i + 4 < argc) {
            uint64_t seed = strtoull(argv[i + 2], NULL, 10);
            int stops = atoi(argv[i + 3]), n = atoi(argv[i + 4]);
            bx_load_parcel *p = calloc((size_t)n + 1, sizeof *p);
            if (!p || stops < 1 || n < 1)
                return 2;
            gen_parcels(seed, stops, n, p);
            int rc = gen_parcels_write_csv(argv[i + 1], p, n);
            free(p);
            return rc ? 1 : 0;
        } else {
            fprintf(stderr, "usage: bench_load [--fleet] [--seeds N] [--budget N] [--write FILE SEED STOPS N]\n");
            return 2;
        }
    }
    bx_ctx *ctx;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 1;
    if (fleet) {
        int rc = bench_fleet(ctx, seeds, budget);
        bx_ctx_free(ctx);
        return rc;
    }
    bx_load_vehicle van;
    memset(&van, 0, sizeof van);
    strcpy(van.kind, "van-3.5t");
    van.inner_mm[0] = 3500;
    van.inner_mm[1] = 1780;
    van.inner_mm[2] = 1900;
    van.payload_g = 1300000;
    van.count = 3;
    bx_load_options o;
    bx_load_options_init(&o);
    if (budget)
        o.budget = budget;
    printf("# bench_load: van 3500x1780x1900 mm, 1300 kg, rear door; budget %llu per vehicle tried\n",
           (unsigned long long)o.budget);
    printf("%5s %5s %6s %5s %9s %9s %9s %8s %6s\n", "seed", "stops", "parcels", "vans", "lf_vol",
           "lf_mass", "unplaced", "cpu_s", "check");
    int bad = 0;
    double sum_lf = 0, sum_cpu = 0, sum_vans = 0;
    for (int seed = 1; seed <= seeds; seed++) {
        uint64_t s = (uint64_t)seed * 7919u;
        int stops = 3 + (int)(s % 6), n = 100 + (int)((s / 6) % 301);
        bx_load_parcel *p = calloc((size_t)n, sizeof *p);
        if (!p)
            return 1;
        gen_parcels((uint64_t)seed, stops, n, p);
        bx_load_plan plan;
        double t0 = cpu_s();
        if (bx_load_plan_make(ctx, p, (size_t)n, &van, 1, &o, &plan) != BX_OK) {
            fprintf(stderr, "seed %d: %s\n", seed, bx_ctx_errmsg(ctx));
            return 1;
        }
        double dt = cpu_s() - t0;
        bool ok = bx_load_plan_check(ctx, p, (size_t)n, &van, 1, o.support, &plan) == BX_OK;
        if (!ok) {
            fprintf(stderr, "seed %d: INVALID: %s\n", seed, bx_ctx_errmsg(ctx));
            bad++;
        }
        double lfv = 0, lfm = 0;
        for (size_t k = 0; k < plan.nvehicles; k++) {
            lfv += plan.vehicles[k].load_factor_volume;
            lfm += plan.vehicles[k].load_factor_mass;
        }
        if (plan.nvehicles) {
            lfv /= (double)plan.nvehicles;
            lfm /= (double)plan.nvehicles;
        }
        printf("%5d %5d %6d %5zu %9.4f %9.4f %9zu %8.3f %6s\n", seed, stops, n, plan.nvehicles, lfv, lfm,
               plan.nunplaced, dt, ok ? "ok" : "FAIL");
        sum_lf += lfv;
        sum_cpu += dt;
        sum_vans += (double)plan.nvehicles;
        bx_load_plan_free(ctx, &plan);
        free(p);
    }
    printf("mean: %.2f vans, volume load factor %.4f, %.3f s CPU per set; %d invalid\n", sum_vans / seeds,
           sum_lf / seeds, sum_cpu / seeds, bad);
    bx_ctx_free(ctx);
    return bad ? 1 : 0;
}
