/*
 * bench_load.c: multi-stop van loading on generated parcel sets.
 *
 *   build/tests/bench/bench_load [--seeds N] [--budget N] [--write FILE SEED STOPS N]
 *
 * For each seed 1..N (default 20): 3-8 stops and 100-400 parcels (both
 * drawn from the seed), vans of samples/load/vehicles.csv's first row
 * (3500 x 1780 x 1900 mm, 1300 kg, rear door, 3 available). Reports the
 * vans used, the mean volume and mass load factor, unplaced parcels, CPU
 * time, and whether bx_load_plan_check passes (no parcel blocked by a
 * later stop's, loading order feasible from the door, support, fragile
 * and load limits). --write dumps one generated set as a parcels CSV.
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

int main(int argc, char **argv)
{
    int seeds = 20;
    unsigned long long budget = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
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
            fprintf(stderr, "usage: bench_load [--seeds N] [--budget N] [--write FILE SEED STOPS N]\n");
            return 2;
        }
    }
    bx_ctx *ctx;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 1;
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
