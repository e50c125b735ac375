/*
 * bench_orlib.c: container loading on the OR-Library problems
 * (Bischoff & Ratcliff BR1-BR10, Loh & Nee, Ivancic et al.), against
 * BoxPacker's published utilisation.
 *
 *   build/tests/bench/bench_orlib [DATA_DIR] [--sets thpack1,br8] [--limit N]
 *                                 [--budget N] [--support full|none|both]
 *                                 [--problem SET:ID] [--each: a line per problem]
 *
 * Each problem is one container and box types with quantities and
 * "may stand on this edge" flags; the aim is the largest loaded volume.
 * Utilisation = loaded box volume / container volume. Every plan is
 * checked with bx_load_fill_check (inside, no overlap, allowed
 * orientations, quantities, full support when asked). CPU time per
 * problem is measured with CLOCK_PROCESS_CPUTIME_ID (one thread).
 * thpack1-7 are BR1-BR7; thpack9 is a multi-container set and is loaded
 * here as single containers like the rest.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"

static const char *const all_sets[] = {"thpack1", "thpack2", "thpack3", "thpack4", "thpack5",
                                       "thpack6", "thpack7", "br8",     "br9",     "br10",
                                       "thpack8", "thpack9"};

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_orlib [DATA_DIR] [--sets LIST] [--limit N] [--budget N]\n"
               "                   [--support full|none|both] [--problem SET:ID] [--each]\n");
}

typedef struct agg {
    int n, invalid, beats, bp_n;
    double sum, min, cpu, cpu_max, bp_sum;
} agg;

int main(int argc, char **argv)
{
    const char *dir_arg = NULL, *sets_arg = NULL, *support_arg = "both", *problem = NULL;
    long limit = 0;
    int each = 0; /* a line per problem */
    unsigned long long budget = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sets") && i + 1 < argc)
            sets_arg = argv[++i];
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
            limit = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--budget") && i + 1 < argc)
            budget = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--support") && i + 1 < argc)
            support_arg = argv[++i];
        else if (!strcmp(argv[i], "--each"))
            each = 1;
        else if (!strcmp(argv[i], "--problem") && i + 1 < argc)
            problem = argv[++i];
        else if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && !dir_arg)
            dir_arg = argv[i];
        else {
            usage(stderr);
            return 2;
        }
    }
    int modes[2], nmodes = 0;
    if (!strcmp(support_arg, "full") || !strcmp(support_arg, "both"))
        modes[nmodes++] = BX_LOAD_SUPPORT_FULL;
    if (!strcmp(support_arg, "none") || !strcmp(support_arg, "both"))
        modes[nmodes++] = BX_LOAD_SUPPORT_NONE;
    if (!nmodes) {
        usage(stderr);
        return 2;
    }
    const char *dir = bench_data_dir(dir_arg);
    static const char *const need[] = {"boxpacker/orlib_container_problems.csv",
                                       "boxpacker/orlib_container_item_types.csv",
                                       "boxpacker/orlib_boxpacker_expected_util.csv", NULL};
    if (!bench_data_present("bench_orlib", dir, need))
        return 77;
    char path[4096];
    bench_table pr, it, bp;
    bench_path(path, sizeof path, dir, need[0]);
    if (!bench_table_load(path, &pr))
        return 1;
    bench_path(path, sizeof path, dir, need[1]);
    if (!bench_table_load(path, &it))
        return 1;
    bench_path(path, sizeof path, dir, need[2]);
    if (!bench_table_load(path, &bp))
        return 1;
    int p_set = bench_col(&pr, "set"), p_id = bench_col(&pr, "problem_id");
    int p_l = bench_col(&pr, "container_l"), p_w = bench_col(&pr, "container_w"),
        p_h = bench_col(&pr, "container_h");
    int i_set = bench_col(&it, "set"), i_id = bench_col(&it, "problem_id"), i_qty = bench_col(&it, "qty");
    int i_d[3] = {bench_col(&it, "dim1"), bench_col(&it, "dim2"), bench_col(&it, "dim3")};
    int i_v[3] = {bench_col(&it, "dim1_may_be_vertical"), bench_col(&it, "dim2_may_be_vertical"),
                  bench_col(&it, "dim3_may_be_vertical")};
    int b_set = bench_col(&bp, "set"), b_id = bench_col(&bp, "problem_id"),
        b_u = bench_col(&bp, "boxpacker_volume_util_pct");
    if (p_set < 0 || p_id < 0 || p_l < 0 || p_w < 0 || p_h < 0 || i_set < 0 || i_id < 0 ||
        i_qty < 0 || i_d[0] < 0 || i_d[1] < 0 || i_d[2] < 0 || i_v[0] < 0 || i_v[1] < 0 ||
        i_v[2] < 0 || b_set < 0 || b_id < 0 || b_u < 0)
        return 1;
    bx_ctx *ctx;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 1;
    bx_load_type *types = calloc(it.nrows + 1, sizeof *types);
    if (!types)
        return 1;
    printf("# bench_orlib: budget %llu work units per problem (0 = default %u)\n", budget,
           BX_LOAD_DEFAULT_BUDGET);
    printf("%-8s %-7s %4s %8s %8s %8s %9s %9s %8s %7s\n", "set", "support", "n", "mean%", "min%",
           "bp_mean%", "beats_bp", "cpu_s/pb", "max_s", "invalid");
    agg br17[2];
    memset(br17, 0, sizeof br17);
    for (int m = 0; m < nmodes; m++)
        br17[m].min = 100;
    for (size_t si = 0; si < sizeof all_sets / sizeof all_sets[0]; si++) {
        const char *set = all_sets[si];
        if (sets_arg) {
            const char *f = strstr(sets_arg, set);
            size_t l = strlen(set);
            if (!f || (f[l] && f[l] != ','))
                continue;
        }
        for (int m = 0; m < nmodes; m++) {
            agg a = {0};
            a.min = 100;
            size_t item_row = 0;
            for (size_t r = 0; r < pr.nrows; r++) {
                if (strcmp(bench_str(&pr, r, p_set), set))
                    continue;
                int64_t id, L, W, H;
                if (!bench_int(&pr, r, p_id, 1, 100000, &id) || !bench_int(&pr, r, p_l, 1, 1000000, &L) ||
                    !bench_int(&pr, r, p_w, 1, 1000000, &W) || !bench_int(&pr, r, p_h, 1, 1000000, &H))
                    return 1;
                if (limit && a.n >= limit)
                    break;
                if (problem) {
                    char want[64];
                    snprintf(want, sizeof want, "%s:%lld", set, (long long)id);
                    if (strcmp(want, problem))
                        continue;
                }
                size_t nt = 0;
                for (item_row = 0; item_row < it.nrows; item_row++) {
                    if (strcmp(bench_str(&it, item_row, i_set), set))
                        continue;
                    int64_t pid;
                    if (!bench_int(&it, item_row, i_id, 1, 100000, &pid))
                        return 1;
                    if (pid != id)
                        continue;
                    bx_load_type *t = &types[nt++];
                    memset(t, 0, sizeof *t);
                    for (int k = 0; k < 3; k++) {
                        int64_t v, f;
                        if (!bench_int(&it, item_row, i_d[k], 1, 1000000, &v) ||
                            !bench_int(&it, item_row, i_v[k], 0, 1, &f))
                            return 1;
                        t->dim_mm[k] = (int32_t)v;
                        t->vertical_ok[k] = f != 0;
                    }
                    int64_t q;
                    if (!bench_int(&it, item_row, i_qty, 0, 1000000, &q))
                        return 1;
                    t->qty = (uint32_t)q;
                    t->mass_g = 1;
                }
                int32_t c[3] = {(int32_t)L, (int32_t)W, (int32_t)H};
                bx_load_options o;
                bx_load_options_init(&o);
                if (budget)
                    o.budget = budget;
                o.support = (bx_load_support)modes[m];
                bx_load_fill fill;
                double t0 = cpu_s();
                bx_status st = bx_load_fill_container(ctx, c, 0, types, nt, &o, &fill);
                double dt = cpu_s() - t0;
                if (st != BX_OK) {
                    fprintf(stderr, "%s:%lld: %s\n", set, (long long)id, bx_ctx_errmsg(ctx));
                    return 1;
                }
                if (bx_load_fill_check(ctx, c, 0, types, nt, o.support, &fill) != BX_OK) {
                    fprintf(stderr, "%s:%lld: INVALID: %s\n", set, (long long)id, bx_ctx_errmsg(ctx));
                    a.invalid++;
                }
                double util = 100.0 * (double)fill.volume_mm3 / ((double)L * (double)W * (double)H);
                double bpu = -1;
                for (size_t k = 0; k < bp.nrows; k++) {
                    int64_t bid;
                    if (!strcmp(bench_str(&bp, k, b_set), set) && bench_int(&bp, k, b_id, 1, 100000, &bid) &&
                        bid == id && bench_real(&bp, k, b_u, &bpu))
                        break;
                    bpu = -1;
                }
                if (problem || each)
                    printf("%s:%lld %s util %.2f%% boxes %zu blocks %u work %llu cpu %.3fs bp %.1f\n",
                           set, (long long)id, modes[m] == BX_LOAD_SUPPORT_FULL ? "full" : "none", util,
                           fill.nboxes, fill.nblocks, (unsigned long long)fill.work, dt, bpu);
                bx_load_fill_free(ctx, &fill);
                a.n++;
                a.sum += util;
                if (util < a.min)
                    a.min = util;
                a.cpu += dt;
                if (dt > a.cpu_max)
                    a.cpu_max = dt;
                if (bpu >= 0) {
                    a.bp_n++;
                    a.bp_sum += bpu;
                    a.beats += util > bpu + 0.05; /* BoxPacker's figure has one decimal */
                }
            }
            if (!a.n)
                continue;
            char beats[32] = "-";
            if (a.bp_n)
                snprintf(beats, sizeof beats, "%d/%d", a.beats, a.bp_n);
            char bpm[16] = "-";
            if (a.bp_n)
                snprintf(bpm, sizeof bpm, "%.2f", a.bp_sum / a.bp_n);
            printf("%-8s %-7s %4d %8.2f %8.2f %8s %9s %9.3f %8.3f %7d\n", set,
                   modes[m] == BX_LOAD_SUPPORT_FULL ? "full" : "none", a.n, a.sum / a.n, a.min, bpm,
                   beats, a.cpu / a.n, a.cpu_max, a.invalid);
            fflush(stdout);
            if (si < 7) {
                agg *t = &br17[m];
                t->n += a.n;
                t->sum += a.sum;
                t->cpu += a.cpu;
                t->invalid += a.invalid;
                t->beats += a.beats;
                t->bp_n += a.bp_n;
                t->bp_sum += a.bp_sum;
                if (a.min < t->min)
                    t->min = a.min;
                if (a.cpu_max > t->cpu_max)
                    t->cpu_max = a.cpu_max;
            }
        }
    }
    for (int m = 0; m < nmodes; m++)
        if (br17[m].n) {
            char beats[32] = "-";
            if (br17[m].bp_n)
                snprintf(beats, sizeof beats, "%d/%d", br17[m].beats, br17[m].bp_n);
            printf("%-8s %-7s %4d %8.2f %8.2f %8.2f %9s %9.3f %8.3f %7d\n", "BR1-7",
                   modes[m] == BX_LOAD_SUPPORT_FULL ? "full" : "none", br17[m].n,
                   br17[m].sum / br17[m].n, br17[m].min,
                   br17[m].bp_n ? br17[m].bp_sum / br17[m].bp_n : 0.0, beats,
                   br17[m].cpu / br17[m].n, br17[m].cpu_max, br17[m].invalid);
        }
    free(types);
    bx_ctx_free(ctx);
    bench_table_free(&pr);
    bench_table_free(&it);
    bench_table_free(&bp);
    return 0;
}
