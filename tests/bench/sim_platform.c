/*
 * sim_platform.c: a seeded simulation of a shared container platform, with
 * and without rebalancing plans (boxcar/plan.h).
 *
 *   build/tests/bench/sim_platform [STATIONS [DAYS [SEED [OPERATORS]]]]
 *
 * Defaults: 30 stations, 90 days, seed 1, 3 operators. Stations lie at
 * random in a 60 x 60 km area; station i belongs to operator i mod
 * OPERATORS. A third of each operator's stations are busy (base demand
 * 6-14 containers a day), the rest quiet (1-4); every weekday has its own
 * factor (1.2 1.1 1.0 1.0 1.3 0.6 0.5). Each day a station gets a Poisson
 * number of orders, each wanting one container; one with none ready is a
 * stockout (the order goes out in a carton). A container issued comes back
 * after 1-5 days to one of its operator's stations, drawn by a return
 * weight (1-4) that has nothing to do with demand, so containers drift to
 * where they are returned; 1 % never come back. Every draw about a
 * container comes from a hash of (seed, station, day, its number that
 * day), and the orders from (seed, station, day): both runs see the same
 * demand and the same returns for the same issues.
 *
 * Network: every pair of stations within 30 km straight line, and each
 * station's nearest neighbour, is a link; road distance = 1.3 x the
 * straight line (a stated detour factor), cost per container = 1.00 +
 * 0.08 per km (a van's run shared by the containers it carries; an
 * assumption of this simulation, not a tariff).
 *
 * With plans: every evening from day 14 on (the forecast needs 14 days),
 * each operator plans its own stations and containers (bx_plan_solve):
 * need = the forecast draw-down over 3 days from the journal-like history
 * (containers issued and returned per station and day: issues, not
 * demand, since a stockout leaves no trace), safety 2. Moves arrive the
 * next morning. Figures are over days 14 to the end, both runs.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxcar.h"

#define HORIZON 3
#define SAFETY 2
#define WARMUP 14
#define MAX_DELAY 5

static const double weekday_factor[7] = {1.2, 1.1, 1.0, 1.0, 1.3, 0.6, 0.5};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    return x;
}

/* A uniform number in [0, 1) from a key. */
static double unit(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t salt)
{
    uint64_t h = mix(seed ^ mix(a * 0x9e3779b97f4a7c15u ^ mix(b + 0x632be59bd9b4e019u) ^
                                mix(c * 31 + salt)));
    return (double)(h >> 11) / 9007199254740992.0;
}

/* Poisson by inversion from one uniform (means here stay below 30). */
static uint32_t poisson(double mu, double u)
{
    double p = exp(-mu), cum = p;
    uint32_t k = 0;
    while (u > cum && k < 1000) {
        k++;
        p *= mu / k;
        cum += p;
    }
    return k;
}

typedef struct station {
    double x, y, base, ret_weight;
    int op;
} station;

typedef struct run_result {
    uint64_t demand, stockouts, moved, moves;
    double cost, container_km, plan_cpu_s;
} run_result;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(const station *st, int n, int days, int nops, uint64_t seed,
                const bx_links *links, bool plan, run_result *out)
{
    memset(out, 0, sizeof *out);
    int64_t *stock = calloc((size_t)n, sizeof *stock);
    /* arriving[(d % (MAX_DELAY + 2)) * n + s]: containers due at s on day d */
    int64_t *arriving = calloc((size_t)(MAX_DELAY + 2) * (size_t)n, sizeof *arriving);
    uint32_t *issues = calloc((size_t)n * (size_t)days, sizeof *issues);
    uint32_t *returns = calloc((size_t)n * (size_t)days, sizeof *returns);
    bx_plan_station *ps = calloc((size_t)n, sizeof *ps);
    int *idx = calloc((size_t)n, sizeof *idx);
    bx_forecast_day fi[HORIZON], fr[HORIZON];
    bx_ctx *ctx = NULL;
    if (!stock || !arriving || !issues || !returns || !ps || !idx ||
        bx_ctx_new(&ctx, NULL, NULL) != BX_OK) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (int s = 0; s < n; s++)
        stock[s] = (int64_t)llround(st[s].base * 7);
    for (int d = 0; d < days; d++) {
        int slot = d % (MAX_DELAY + 2);
        for (int s = 0; s < n; s++) {
            stock[s] += arriving[slot * n + s];
            arriving[slot * n + s] = 0;
        }
        for (int s = 0; s < n; s++) {
            double mu = st[s].base * weekday_factor[d % 7];
            uint32_t want = poisson(mu, unit(seed, (uint64_t)s, (uint64_t)d, 0, 1));
            uint32_t served = want < stock[s] ? want : (uint32_t)stock[s];
            stock[s] -= served;
            issues[s * days + d] = served;
            if (d >= WARMUP) {
                out->demand += want;
                out->stockouts += want - served;
            }
            for (uint32_t k = 0; k < served; k++) {
                if (unit(seed, (uint64_t)s, (uint64_t)d, k, 2) < 0.01)
                    continue; /* never comes back */
                int delay = 1 + (int)(unit(seed, (uint64_t)s, (uint64_t)d, k, 3) * MAX_DELAY);
                /* a station of the same operator, by return weight */
                double total = 0;
                for (int t = 0; t < n; t++)
                    if (st[t].op == st[s].op)
                        total += st[t].ret_weight;
                double u = unit(seed, (uint64_t)s, (uint64_t)d, k, 4) * total;
                int to = s;
                for (int t = 0; t < n; t++) {
                    if (st[t].op != st[s].op)
                        continue;
                    to = t;
                    if ((u -= st[t].ret_weight) < 0)
                        break;
                }
                if (d + delay < days) {
                    arriving[((d + delay) % (MAX_DELAY + 2)) * n + to]++;
                    returns[to * days + d + delay]++;
                }
            }
        }
        if (!plan || d + 1 < WARMUP)
            continue;
        /* the evening's plan, operator by operator; moves arrive tomorrow */
        double t0 = cpu_now();
        for (int op = 0; op < nops; op++) {
            int m = 0;
            for (int s = 0; s < n; s++) {
                if (st[s].op != op)
                    continue;
                bx_forecast_options fo;
                bx_forecast_options_init(&fo);
                fo.horizon_days = HORIZON;
                /* history: days 0..d (returns due later are not known yet) */
                if (bx_forecast_daily(ctx, &issues[s * days], (size_t)d + 1, 0, &fo, fi,
                                      NULL) != BX_OK ||
                    bx_forecast_daily(ctx, &returns[s * days], (size_t)d + 1, 0, &fo, fr,
                                      NULL) != BX_OK) {
                    fprintf(stderr, "forecast: %s\n", bx_ctx_errmsg(ctx));
                    exit(1);
                }
                double run_sum = 0, deepest = 0;
                for (int h = 0; h < HORIZON; h++) {
                    run_sum += fi[h].mean - fr[h].mean;
                    deepest = run_sum > deepest ? run_sum : deepest;
                }
                memset(&ps[m], 0, sizeof ps[m]);
                snprintf(ps[m].station_id, sizeof ps[m].station_id, "S%02d", s);
                ps[m].stock = stock[s];
                ps[m].need = (int64_t)ceil(deepest - 1e-9);
                ps[m].safety = SAFETY;
                idx[m++] = s;
            }
            bx_plan *p = NULL;
            if (bx_plan_solve(ctx, ps, (size_t)m, links, &p) != BX_OK) {
                fprintf(stderr, "plan: %s\n", bx_ctx_errmsg(ctx));
                exit(1);
            }
            for (size_t k = 0; k < p->nmoves; k++) {
                const bx_plan_move *mv = &p->moves[k];
                int from = idx[mv->from], to = idx[mv->to];
                stock[from] -= mv->containers;
                if (d + 1 < days)
                    arriving[((d + 1) % (MAX_DELAY + 2)) * n + to] += mv->containers;
                out->moved += (uint64_t)mv->containers;
                out->moves++;
                out->cost += mv->cost;
                out->container_km += (double)mv->containers * mv->distance_km;
            }
            bx_plan_free(ctx, p);
        }
        out->plan_cpu_s += cpu_now() - t0;
    }
    bx_ctx_free(ctx);
    free(stock);
    free(arriving);
    free(issues);
    free(returns);
    free(ps);
    free(idx);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 30;
    int days = argc > 2 ? atoi(argv[2]) : 90;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    int nops = argc > 4 ? atoi(argv[4]) : 3;
    if (n < 2 || n > 99 || days <= WARMUP || days > 3660 || nops < 1 || nops > n) {
        fprintf(stderr, "usage: sim_platform [STATIONS 2-99 [DAYS 15-3660 [SEED "
                        "[OPERATORS]]]]\n");
        return 2;
    }
    station st[99];
    for (int s = 0; s < n; s++) {
        st[s].x = unit(seed, (uint64_t)s, 0, 0, 10) * 60;
        st[s].y = unit(seed, (uint64_t)s, 0, 0, 11) * 60;
        st[s].op = s % nops;
        bool busy = (s / nops) % 3 == 0;
        double u = unit(seed, (uint64_t)s, 0, 0, 12);
        st[s].base = busy ? 6 + 8 * u : 1 + 3 * u;
        st[s].ret_weight = 1 + 3 * unit(seed, (uint64_t)s, 0, 0, 13);
    }
    /* the links file, in memory */
    size_t cap = 64 + (size_t)n * n * 48, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv, cap, "from,to,distance_km,cost_per_container\n");
    size_t nlinks = 0;
    int nearest[99];
    for (int a = 0; a < n; a++) {
        double best = INFINITY;
        for (int b = 0; b < n; b++) {
            double dd = hypot(st[a].x - st[b].x, st[a].y - st[b].y);
            if (b != a && dd < best) {
                best = dd;
                nearest[a] = b;
            }
        }
    }
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++) {
            double dd = hypot(st[a].x - st[b].x, st[a].y - st[b].y);
            if (dd <= 30 || nearest[a] == b || nearest[b] == a) {
                double km = 1.3 * (dd > 0.1 ? dd : 0.1);
                len += (size_t)snprintf(csv + len, cap - len, "S%02d,S%02d,%.3f,%.2f\n", a, b,
                                        km, 1.0 + 0.08 * km);
                nlinks++;
            }
        }
    bx_ctx *ctx = NULL;
    bx_links *links = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK ||
        bx_links_read_mem(ctx, &links, "sim-links.csv", csv, len) != BX_OK) {
        fprintf(stderr, "links: %s\n", ctx ? bx_ctx_errmsg(ctx) : "no context");
        return 1;
    }
    free(csv);
    run_result without, with;
    run(st, n, days, nops, seed, links, false, &without);
    run(st, n, days, nops, seed, links, true, &with);
    printf("sim_platform: %d stations, %d operators, %d days (figures from day %d), seed %"
           PRIu64 ", %zu links\n", n, nops, days, WARMUP, seed, nlinks);
    printf("  %-14s %10s %10s %8s %8s %8s %12s %10s\n", "", "demand", "stockouts", "served",
           "moves", "moved", "container-km", "cost");
    const run_result *r[2] = {&without, &with};
    const char *name[2] = {"without plans", "with plans"};
    for (int i = 0; i < 2; i++)
        printf("  %-14s %10" PRIu64 " %10" PRIu64 " %7.2f%% %8" PRIu64 " %8" PRIu64
               " %12.1f %10.2f\n", name[i], r[i]->demand, r[i]->stockouts,
               100.0 * (double)(r[i]->demand - r[i]->stockouts) / (double)r[i]->demand,
               r[i]->moves, r[i]->moved, r[i]->container_km, r[i]->cost);
    printf("  plans: %d evenings x %d operators, %.3f s CPU in all (forecasts and GLPK)\n",
           days - WARMUP + 1, nops, with.plan_cpu_s);
    bx_links_free(links);
    bx_ctx_free(ctx);
    return 0;
}
