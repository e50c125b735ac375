/*
 * bench_mpv.c: packing quality on the Martello-Pisinger-Vigo 3D bin packing
 * instances, against their lower bounds and two open-source peers.
 *
 *   build/tests/bench/bench_mpv [DATA_DIR] [--classes 1,4-8,9] [--budget N]
 *                               [--instance ID] [--support stable|none]
 *                               [--effort normal|high]
 *
 * Each instance is n items of fixed orientation and one cubic bin type; the
 * literature reports the number of bins summed over classes 1 and 4-8
 * (240 instances). Every instance is packed with a one-box catalog (the
 * bin, no weight limit; items weigh nothing), every result is checked with
 * bx_validate, and the engine's own lower bound is compared with the L0, L1
 * and L2 given in the data. Beside L2, LB is max(L2, the conflict-clique
 * bound of bx_clique_bound), the bound the engine uses (with L0 and L1).
 * Class 9 (optimum exactly 3 bins) is reported on its own. DATA_DIR defaults to the project's ../shared/bench. Units may
 * float (--support none, the default here) as in the literature, which
 * does not model gravity; --support stable packs as boxcar does by default.
 * --effort high packs with BX_EFFORT_HIGH, at its own default budget unless
 * --budget is given. Times are per instance, wall and CPU (the process'
 * CPU clock around bx_pack; the benchmark runs on one thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"

/* Work per instance. On the machine of tests/bench/README.md the slowest
 * instance takes 0.57 s at this budget (the search spends at most 12 of the
 * 20 million evaluations it may; it runs at about 21 million a second, so
 * even all of it would stay under a second). The README has the sweep. */
#define MPV_DEFAULT_BUDGET UINT64_C(20000000)

/* Published reference sums over classes 1, 4-8 (240 instances): the data's
 * L2 bounds, the peers' bins, and the project's targets. */
#define REF_L2 6844
#define REF_BOXPACKER 7745
#define REF_BINPACKINGJS 7576
#define TARGET_BINS 7460
#define AIM_BINS 7255

#define NCLASSES 9

typedef struct mpv_inst {
    char id[BX_ID_MAX];
    int cls, n;
    int32_t W, H, D;
    int64_t lb[3];          /* L0, L1, L2 from the data */
    int64_t bp_bins, js_bins; /* peers' bins, -1 if absent */
    size_t first_item, nitems;
    /* results */
    bool done;
    size_t bins;
    uint32_t engine_lb;
    uint32_t clique;        /* the conflict-clique bound (bx_clique_bound) */
    bool clique_exact;
    double clique_cpu_ms;
    bool lb_mismatch, invalid;
    size_t unpacked_units;
    uint64_t work;
    double ms, cpu_ms;
} mpv_inst;

typedef struct mpv_data {
    bench_table inst, items, bp, js;
    mpv_inst *v;
    size_t n;
} mpv_data;

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_mpv [DATA_DIR] [--classes LIST] [--budget N] [--instance ID]\n"
               "                 [--support none|stable] [--effort normal|high]\n"
               "  support: none (default, as in the literature) or stable\n"
               "  effort: normal (default) or high (the engine's regrouping phase)\n"
               "  LIST: classes 1-9, e.g. 1,4-8,9 (default); class 9 is reported apart\n"
               "  N: work units (placement evaluations) per instance, default %llu\n"
               "     (%llu with --effort high)\n",
            (unsigned long long)MPV_DEFAULT_BUDGET, (unsigned long long)BX_HIGH_EFFORT_BUDGET);
}

static bool parse_classes(const char *s, bool sel[NCLASSES + 1])
{
    memset(sel, 0, (NCLASSES + 1) * sizeof *sel);
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            return false;
        if (*end == '-') {
            const char *p = end + 1;
            b = strtol(p, &end, 10);
            if (end == p)
                return false;
        }
        if (a < 1 || b > NCLASSES || a > b)
            return false;
        for (long c = a; c <= b; c++)
            sel[c] = true;
        if (*end == ',')
            end++;
        else if (*end != '\0')
            return false;
        s = end;
    }
    return true;
}

static mpv_inst *find_inst(mpv_data *d, const char *id)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].id, id) == 0)
            return &d->v[i];
    return NULL;
}

static bool load_instances(mpv_data *d)
{
    const bench_table *t = &d->inst;
    static const char *const names[] = {"class", "n", "bin_w", "bin_h", "bin_d",
                                        "lb_L0", "lb_L1", "lb_L2"};
    int cid = bench_col(t, "instance_id"), c[8];
    if (cid < 0)
        return false;
    for (size_t k = 0; k < 8; k++)
        if ((c[k] = bench_col(t, names[k])) < 0)
            return false;
    d->v = calloc(t->nrows ? t->nrows : 1, sizeof *d->v);
    if (d->v == NULL)
        return false;
    d->n = t->nrows;
    for (size_t r = 0; r < t->nrows; r++) {
        mpv_inst *x = &d->v[r];
        int64_t f[8];
        for (size_t k = 0; k < 8; k++)
            if (!bench_int(t, r, c[k], 0, INT32_MAX, &f[k]))
                return false;
        snprintf(x->id, sizeof x->id, "%s", bench_str(t, r, cid));
        x->cls = (int)f[0];
        x->n = (int)f[1];
        x->W = (int32_t)f[2];
        x->H = (int32_t)f[3];
        x->D = (int32_t)f[4];
        for (size_t k = 0; k < 3; k++)
            x->lb[k] = f[5 + k];
        x->bp_bins = x->js_bins = -1;
        if (x->cls < 1 || x->cls > NCLASSES || x->W < 1 || x->H < 1 || x->D < 1) {
            fprintf(stderr, "%s:%llu: bad class or bin size\n", t->path,
                    (unsigned long long)t->lines[r]);
            return false;
        }
    }
    return true;
}

/* Items come as one run of rows per instance. */
static bool index_items(mpv_data *d)
{
    const bench_table *t = &d->items;
    int cid = bench_col(t, "instance_id");
    if (cid < 0 || bench_col(t, "w") < 0 || bench_col(t, "h") < 0 || bench_col(t, "d") < 0)
        return false;
    mpv_inst *cur = NULL;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *id = bench_str(t, r, cid);
        if (cur == NULL || strcmp(cur->id, id) != 0) {
            cur = find_inst(d, id);
            if (cur == NULL || cur->nitems != 0) {
                fprintf(stderr, "%s:%llu: instance '%s' %s\n", t->path,
                        (unsigned long long)t->lines[r], id,
                        cur ? "appears in two runs" : "is not in mpv_instances.csv");
                return false;
            }
            cur->first_item = r;
        }
        cur->nitems++;
    }
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].nitems != (size_t)d->v[i].n) {
            fprintf(stderr, "instance %s: %zu items, n = %d\n", d->v[i].id, d->v[i].nitems,
                    d->v[i].n);
            return false;
        }
    return true;
}

static bool load_peer(mpv_data *d, const bench_table *t, bool boxpacker)
{
    int cid = bench_col(t, "instance_id"), cb = bench_col(t, "bins_used");
    if (cid < 0 || cb < 0)
        return false;
    for (size_t r = 0; r < t->nrows; r++) {
        mpv_inst *x = find_inst(d, bench_str(t, r, cid));
        int64_t bins;
        if (x == NULL || !bench_int(t, r, cb, 0, INT32_MAX, &bins))
            return false;
        *(boxpacker ? &x->bp_bins : &x->js_bins) = bins;
    }
    return true;
}

static bool load(mpv_data *d, const char *dir)
{
    char p[4096];
    return bench_path(p, sizeof p, dir, "mpv/mpv_instances.csv") &&
           bench_table_load(p, &d->inst) &&
           bench_path(p, sizeof p, dir, "mpv/mpv_items.csv") &&
           bench_table_load(p, &d->items) &&
           bench_path(p, sizeof p, dir, "mpv/peer_results_boxpacker_mpv.csv") &&
           bench_table_load(p, &d->bp) &&
           bench_path(p, sizeof p, dir, "mpv/peer_results_binpackingjs_mpv.csv") &&
           bench_table_load(p, &d->js) && load_instances(d) && index_items(d) &&
           load_peer(d, &d->bp, true) && load_peer(d, &d->js, false);
}

typedef struct packer {
    bx_ctx *ctx;
    bx_engine *engine;
    bx_order_line *lines;
    int32_t (*dims)[3];
    bx_rotation *rot;
    size_t cap;
    size_t lb_mismatches; /* printed: the first few */
    bx_support support;
    bx_effort effort;
} packer;

static void print_details(const mpv_inst *x, const bx_pack_result *res)
{
    printf("instance %s: class %d, n = %d, bin %dx%dx%d\n", x->id, x->cls, x->n, x->W,
           x->H, x->D);
    printf("  boxcar: %zu bins (engine bound %u%s), %zu units unpacked, work %llu, %.1f ms, "
           "%s\n",
           res->nboxes, res->lower_bound, res->count_optimal ? ", optimal" : "",
           x->unpacked_units, (unsigned long long)res->work, x->ms,
           x->invalid ? "INVALID" : "valid");
    printf("  peers: BoxPacker %lld bins, binpackingjs %lld bins\n", (long long)x->bp_bins,
           (long long)x->js_bins);
    for (size_t b = 0; b < res->nboxes; b++)
        printf("  bin %3zu: %3zu items, fill %5.1f%%\n", b + 1, res->boxes[b].nplacements,
               res->boxes[b].fill_pct);
}

/* Pack one instance and record its result in x. */
static bool run_instance(packer *pk, const mpv_data *d, mpv_inst *x, uint64_t budget,
                         bool details)
{
    const bench_table *t = &d->items;
    int cw = bench_col(t, "w"), ch = bench_col(t, "h"), cd = bench_col(t, "d");
    if (x->nitems > pk->cap) {
        size_t cap = x->nitems;
        bx_order_line *l = realloc(pk->lines, cap * sizeof *l);
        if (l == NULL)
            return false;
        pk->lines = l;
        int32_t (*dm)[3] = realloc(pk->dims, cap * sizeof *dm);
        if (dm == NULL)
            return false;
        pk->dims = dm;
        bx_rotation *rt = realloc(pk->rot, cap * sizeof *rt);
        if (rt == NULL)
            return false;
        pk->rot = rt;
        pk->cap = cap;
    }
    /* The data's w, h, d run along the bin's W, H, D; boxcar's l, w, h run
     * along the box's inner l, w, h: map w->l, h->w, d->h on both sides. */
    for (size_t i = 0; i < x->nitems; i++) {
        size_t r = x->first_item + i;
        int64_t v[3];
        if (!bench_int(t, r, cw, 1, BX_MAX_LENGTH_MM, &v[0]) ||
            !bench_int(t, r, ch, 1, BX_MAX_LENGTH_MM, &v[1]) ||
            !bench_int(t, r, cd, 1, BX_MAX_LENGTH_MM, &v[2]))
            return false;
        bx_order_line *l = &pk->lines[i];
        bx_order_line_init(l);
        snprintf(l->order_id, sizeof l->order_id, "%s", x->id);
        snprintf(l->item_id, sizeof l->item_id, "%zu", i + 1);
        l->qty = 1;
        l->l_mm = pk->dims[i][0] = (int32_t)v[0];
        l->w_mm = pk->dims[i][1] = (int32_t)v[1];
        l->h_mm = pk->dims[i][2] = (int32_t)v[2];
        l->weight_g = 0;
        l->rotation = pk->rot[i] = BX_ROTATE_FIXED;
        l->has |= BX_LINE_HAS_ROTATION;
        l->line = t->lines[r];
    }
    bx_box box;
    bx_box_init(&box);
    snprintf(box.box_id, sizeof box.box_id, "bin");
    box.inner_l_mm = x->W;
    box.inner_w_mm = x->H;
    box.inner_h_mm = x->D;
    box.max_weight_g = BX_MAX_MASS_G;
    bx_catalog *cat;
    if (bx_catalog_new(pk->ctx, &cat, &box, 1) != BX_OK) {
        fprintf(stderr, "%s: %s\n", x->id, bx_ctx_errmsg(pk->ctx));
        return false;
    }
    bx_order order = {pk->lines, x->nitems};
    bx_pack_options opt;
    bx_pack_options_init(&opt);
    opt.budget = budget;
    opt.support = pk->support;
    opt.effort = pk->effort;
    const bx_pack_result *res;
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double t0 = bench_now_s();
    bx_status st = bx_pack(pk->engine, cat, &order, &opt, &res);
    x->ms = (bench_now_s() - t0) * 1e3;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    x->cpu_ms = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    if (st != BX_OK) {
        fprintf(stderr, "%s: bx_pack: %s\n", x->id, bx_ctx_errmsg(pk->ctx));
        bx_catalog_free(cat);
        return false;
    }
    x->done = true;
    x->bins = res->nboxes;
    x->work = res->work;
    x->engine_lb = res->lower_bound;
    x->unpacked_units = 0;
    for (size_t u = 0; u < res->nunpacked; u++)
        x->unpacked_units += res->unpacked[u].units;
    if (bx_validate(pk->ctx, cat, &order, &opt, res) != BX_OK) {
        x->invalid = true;
        fprintf(stderr, "%s: invalid result: %s\n", x->id, bx_ctx_errmsg(pk->ctx));
    }
    /* The result is the engine's until its next call: print it first. */
    if (details)
        print_details(x, res);
    bx_catalog_free(cat);
    /* The engine's bound, computed independently of the data's generator,
     * must agree with the L0/L1/L2 that came with the instance. */
    uint32_t lb, lbs[3];
    if (bx_lower_bound(pk->engine, x->W, x->H, x->D, (const int32_t(*)[3])pk->dims, pk->rot,
                       x->nitems, &lb, lbs) != BX_OK) {
        fprintf(stderr, "%s: bx_lower_bound: %s\n", x->id, bx_ctx_errmsg(pk->ctx));
        return false;
    }
    x->lb_mismatch = lbs[0] != x->lb[0] || lbs[1] != x->lb[1] || lbs[2] != x->lb[2];
    /* The conflict-clique bound beside them (fixed orientation, no masses
     * in this data set); the engine's bound is the larger of the two. */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    if (bx_clique_bound(pk->engine, x->W, x->H, x->D, 0, (const int32_t(*)[3])pk->dims, pk->rot,
                        NULL, x->nitems, 0, &x->clique, &x->clique_exact) != BX_OK) {
        fprintf(stderr, "%s: bx_clique_bound: %s\n", x->id, bx_ctx_errmsg(pk->ctx));
        return false;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    x->clique_cpu_ms =
        (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    if (x->engine_lb != (lb > x->clique ? lb : x->clique) && x->unpacked_units == 0) {
        fprintf(stderr, "%s: engine's bound %u, max(L0, L1, L2, clique) %u\n", x->id,
                x->engine_lb, lb > x->clique ? lb : x->clique);
        x->lb_mismatch = true;
    }
    if (details)
        printf("  conflict clique: %u (%s, %.2f ms CPU)\n", x->clique,
               x->clique_exact ? "maximum" : "node limit reached", x->clique_cpu_ms);
    if (details)
        printf("  lower bounds L0/L1/L2: data %lld/%lld/%lld, engine %u/%u/%u\n",
               (long long)x->lb[0], (long long)x->lb[1], (long long)x->lb[2], lbs[0],
               lbs[1], lbs[2]);
    else if (x->lb_mismatch && ++pk->lb_mismatches <= 5)
        fprintf(stderr, "%s: engine bounds L0/L1/L2 %u/%u/%u, data %lld/%lld/%lld\n", x->id,
                lbs[0], lbs[1], lbs[2], (long long)x->lb[0], (long long)x->lb[1],
                (long long)x->lb[2]);
    return true;
}

typedef struct sums {
    size_t inst, bins, at_l2, at_lb, at_3, invalid, lb_mismatch, unpacked;
    size_t raised, clique_inexact;
    int64_t l2, lb, bp, js;
    double clique_cpu_max;
    double ms_sum, ms_max, cpu_sum, cpu_max;
    uint64_t work_sum, work_max;
} sums;

static void add(sums *s, const mpv_inst *x)
{
    s->inst++;
    s->bins += x->bins;
    s->at_l2 += (int64_t)x->bins == x->lb[2];
    /* the data's L2 with the clique bound beside it */
    int64_t lb = (int64_t)x->clique > x->lb[2] ? (int64_t)x->clique : x->lb[2];
    s->lb += lb;
    s->at_lb += (int64_t)x->bins == lb;
    s->raised += lb > x->lb[2];
    s->clique_inexact += !x->clique_exact;
    if (x->clique_cpu_ms > s->clique_cpu_max)
        s->clique_cpu_max = x->clique_cpu_ms;
    s->at_3 += x->bins == 3;
    s->invalid += x->invalid;
    s->lb_mismatch += x->lb_mismatch;
    s->unpacked += x->unpacked_units;
    s->l2 += x->lb[2];
    s->bp += x->bp_bins;
    s->js += x->js_bins;
    s->ms_sum += x->ms;
    s->work_sum += x->work;
    if (x->work > s->work_max)
        s->work_max = x->work;
    if (x->ms > s->ms_max)
        s->ms_max = x->ms;
    s->cpu_sum += x->cpu_ms;
    if (x->cpu_ms > s->cpu_max)
        s->cpu_max = x->cpu_ms;
}

static void print_row(const char *label, const sums *s)
{
    printf("%-10s %5zu %7.2f %6zu %6lld %6lld %9lld %12lld %6zu %6zu %8.1f %8.1f %8.1f %8.1f\n",
           label, s->inst, s->inst ? (double)s->bins / (double)s->inst : 0.0, s->bins,
           (long long)s->l2, (long long)s->lb, (long long)s->bp, (long long)s->js, s->at_l2,
           s->at_lb,
           s->inst ? s->ms_sum / (double)s->inst : 0.0, s->ms_max,
           s->inst ? s->cpu_sum / (double)s->inst : 0.0, s->cpu_max);
}

static void print_header(void)
{
    /* LB: max(L2, conflict clique) per instance */
    printf("%-10s %5s %7s %6s %6s %6s %9s %12s %6s %6s %8s %8s %8s %8s\n", "class n", "inst",
           "mean", "bins", "L2", "LB", "BoxPacker", "binpackingjs", "at L2", "at LB", "mean ms",
           "max ms", "cpu mean", "cpu max");
}

static void report(const mpv_data *d, const bool sel[NCLASSES + 1], uint64_t budget)
{
    static const int ns[] = {50, 100, 150, 200};
    sums grand = {0}, c9 = {0};
    const mpv_inst *slowest = NULL;
    print_header();
    for (int c = 1; c <= NCLASSES; c++) {
        if (!sel[c])
            continue;
        sums cls = {0};
        for (size_t k = 0; k < 4; k++) {
            sums g = {0};
            for (size_t i = 0; i < d->n; i++) {
                const mpv_inst *x = &d->v[i];
                if (x->done && x->cls == c && x->n == ns[k]) {
                    add(&g, x);
                    add(&cls, x);
                    add(c == 9 ? &c9 : &grand, x);
                    if (slowest == NULL || x->ms > slowest->ms)
                        slowest = x;
                }
            }
            char label[32];
            snprintf(label, sizeof label, "%d %d", c, ns[k]);
            if (g.inst)
                print_row(label, &g);
        }
        char label[32];
        snprintf(label, sizeof label, "%d all", c);
        print_row(label, &cls);
        printf("\n");
    }
    if (grand.inst) {
        print_row("total", &grand);
        char list[32] = "";
        size_t len = 0;
        for (int c = 1; c < 9; c++)
            if (sel[c])
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", len ? "," : "", c);
        printf("\nclasses %s (%zu instances): boxcar %zu bins; L2 %lld, BoxPacker %lld, "
               "binpackingjs %lld (sums from the data)\n",
               list, grand.inst, grand.bins, (long long)grand.l2, (long long)grand.bp,
               (long long)grand.js);
        if (grand.inst == 240)
            printf("reference for all 240: L2 %d, BoxPacker %d, binpackingjs %d; target <= %d "
                   "(%s), aim <= %d (%s); gap to L2 %.2f%%\n",
                   REF_L2, REF_BOXPACKER, REF_BINPACKINGJS, TARGET_BINS,
                   grand.bins <= TARGET_BINS ? "met" : "NOT met", AIM_BINS,
                   grand.bins <= AIM_BINS ? "met" : "not met",
                   100.0 * ((double)grand.bins - (double)grand.l2) / (double)grand.l2);
        printf("bound max(L2, conflict clique) %lld: above L2 on %zu instances; %zu bins at it; "
               "clique search stopped by its node limit on %zu; clique CPU max %.2f ms\n",
               (long long)grand.lb, grand.raised, grand.at_lb, grand.clique_inexact,
               grand.clique_cpu_max);
    }
    if (c9.inst)
        printf("class 9 (%zu instances, optimum 3 bins each = %zu): boxcar %zu bins, "
               "%zu at the optimum; BoxPacker %lld, binpackingjs %lld\n",
               c9.inst, 3 * c9.inst, c9.bins, c9.at_3, (long long)c9.bp, (long long)c9.js);
    size_t invalid = grand.invalid + c9.invalid, lbm = grand.lb_mismatch + c9.lb_mismatch;
    printf("validation failures: %zu; engine bound differs from the data's L0/L1/L2: %zu; "
           "units left unpacked: %zu\n",
           invalid, lbm, grand.unpacked + c9.unpacked);
    printf("budget %llu work units per instance; pack time summed %.1f s", (unsigned long long)budget,
           (grand.ms_sum + c9.ms_sum) / 1e3);
    if (slowest)
        printf("; slowest %s (n = %d) %.1f ms", slowest->id, slowest->n, slowest->ms);
    size_t ninst = grand.inst + c9.inst;
    uint64_t wmax = grand.work_max > c9.work_max ? grand.work_max : c9.work_max;
    printf("\nwork spent per instance: mean %.0f, max %llu (%s)\n",
           ninst ? (double)(grand.work_sum + c9.work_sum) / (double)ninst : 0.0,
           (unsigned long long)wmax,
           wmax >= budget ? "the budget binds" : "the search ended before the budget");
}

int main(int argc, char **argv)
{
    const char *dir_arg = NULL, *one = NULL;
    bool sel[NCLASSES + 1];
    uint64_t budget = MPV_DEFAULT_BUDGET;
    bx_support support = BX_SUPPORT_NONE;
    bx_effort effort = BX_EFFORT_NORMAL;
    bool budget_given = false;
    parse_classes("1,4-9", sel);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--classes") == 0 && i + 1 < argc) {
            if (!parse_classes(argv[++i], sel)) {
                fprintf(stderr, "bench_mpv: bad class list '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--budget") == 0 && i + 1 < argc) {
            char *end;
            budget = strtoull(argv[++i], &end, 10);
            if (*end != '\0' || budget == 0) {
                fprintf(stderr, "bench_mpv: bad budget '%s'\n", argv[i]);
                return 2;
            }
            budget_given = true;
        } else if (strcmp(a, "--effort") == 0 && i + 1 < argc) {
            if (bx_effort_parse(argv[++i], &effort) != BX_OK) {
                fprintf(stderr, "bench_mpv: bad effort '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--support") == 0 && i + 1 < argc) {
            if (bx_support_parse(argv[++i], &support) != BX_OK) {
                fprintf(stderr, "bench_mpv: bad support '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--instance") == 0 && i + 1 < argc) {
            one = argv[++i];
        } else if (a[0] != '-' && dir_arg == NULL) {
            dir_arg = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    const char *dir = bench_data_dir(dir_arg);
    static const char *const files[] = {"mpv/mpv_instances.csv", "mpv/mpv_items.csv",
                                        "mpv/peer_results_boxpacker_mpv.csv",
                                        "mpv/peer_results_binpackingjs_mpv.csv", NULL};
    if (!bench_data_present("bench_mpv", dir, files)) {
        printf("bench_mpv: skipped (no MPV data; give its directory as the first argument)\n");
        return 0;
    }
    mpv_data d = {0};
    packer pk = {0};
    pk.support = support;
    pk.effort = effort;
    if (effort == BX_EFFORT_HIGH && !budget_given)
        budget = BX_HIGH_EFFORT_BUDGET;
    int rc = 1;
    if (!load(&d, dir))
        goto out;
    if (bx_ctx_new(&pk.ctx, NULL, NULL) != BX_OK ||
        bx_engine_new(pk.ctx, &pk.engine, NULL) != BX_OK) {
        fprintf(stderr, "bench_mpv: cannot create an engine\n");
        goto out;
    }
    printf("boxcar %s: MPV 3D bin packing, fixed orientation, budget %llu, support %s, "
           "effort %s\n", bx_version(), (unsigned long long)budget, bx_support_name(support),
           bx_effort_name(effort));
    if (one != NULL) {
        mpv_inst *x = find_inst(&d, one);
        if (x == NULL) {
            fprintf(stderr, "bench_mpv: no instance '%s'\n", one);
            rc = 2;
            goto out;
        }
        if (run_instance(&pk, &d, x, budget, true))
            rc = x->invalid ? 1 : 0;
        goto out;
    }
    size_t invalid = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (!sel[d.v[i].cls])
            continue;
        if (!run_instance(&pk, &d, &d.v[i], budget, false))
            goto out;
        invalid += d.v[i].invalid;
    }
    report(&d, sel, budget);
    rc = invalid ? 1 : 0;
out:
    bx_engine_free(pk.engine);
    bx_ctx_free(pk.ctx);
    free(pk.lines);
    free(pk.dims);
    free(pk.rot);
    free(d.v);
    bench_table_free(&d.inst);
    bench_table_free(&d.items);
    bench_table_free(&d.bp);
    bench_table_free(&d.js);
    return rc;
}
