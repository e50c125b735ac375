/*
 * bench_custom.c: packing per order into a catalog, made-to-measure
 * entries included: what a packing machine's controller pays per call.
 *
 *   build/tests/bench/bench_custom CATALOG ORDERS [--rotation any|upright|fixed]
 *                                  [--budget N] [--repeat R]
 *
 * ORDERS is any order file (for the e-commerce corpus, write it with
 * `bench_ecom --export DIR`). Every order is packed with bx_pack at the
 * default budget (or N) and checked with bx_validate. It prints the boxes,
 * their inner volume and FEFCO 0201 board area (boxes without an outer size
 * count their inner size as outer), how many boxes are cut to measure, and
 * the latency of bx_pack alone per order: wall time and the process's CPU
 * time (with --repeat R, the fastest of R back-to-back calls). Exit 1 if a
 * result fails the validator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"

static double cpu_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* FEFCO 0201 board area (docs/formats.md section 9): (2l + 2w + 30)(h + w)
 * of the outer size. */
static int64_t board_mm2(const bx_box *b)
{
    int64_t l = b->inner_l_mm, w = b->inner_w_mm, h = b->inner_h_mm;
    if (b->has & BX_BOX_HAS_OUTER) {
        l = b->outer_l_mm;
        w = b->outer_w_mm;
        h = b->outer_h_mm;
    }
    return (2 * l + 2 * w + 30) * (h + w);
}

int main(int argc, char **argv)
{
    const char *catalog = NULL, *orders = NULL;
    int rotation = -1;
    uint64_t budget = 0;
    unsigned repeat = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--rotation") == 0 && i + 1 < argc) {
            bx_rotation r;
            if (bx_rotation_parse(argv[++i], &r) != BX_OK) {
                fprintf(stderr, "bench_custom: --rotation any, upright or fixed\n");
                return 2;
            }
            rotation = (int)r;
        } else if (strcmp(a, "--budget") == 0 && i + 1 < argc) {
            budget = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
            repeat = (unsigned)strtoul(argv[++i], NULL, 10);
            if (repeat == 0 || repeat > 1000) {
                fprintf(stderr, "bench_custom: --repeat 1..1000\n");
                return 2;
            }
        } else if (catalog == NULL) {
            catalog = a;
        } else if (orders == NULL) {
            orders = a;
        } else {
            fprintf(stderr, "usage: bench_custom CATALOG ORDERS [--rotation R] [--budget N]"
                            " [--repeat R]\n");
            return 2;
        }
    }
    if (catalog == NULL || orders == NULL) {
        fprintf(stderr, "usage: bench_custom CATALOG ORDERS [--rotation R] [--budget N]"
                        " [--repeat R]\n");
        return 2;
    }
    bx_ctx *ctx = NULL;
    bx_catalog *cat = NULL;
    bx_engine *e = NULL;
    bench_orders o = {0};
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 1;
    if (bx_catalog_load(ctx, &cat, catalog, BX_FORMAT_AUTO) != BX_OK) {
        fprintf(stderr, "bench_custom: %s\n", bx_ctx_errmsg(ctx));
        return 1;
    }
    if (bench_orders_read(ctx, orders, &o) != 0 || bx_engine_new(ctx, &e, NULL) != BX_OK)
        return 1;
    bx_pack_options opt;
    bx_pack_options_init(&opt);
    opt.rotation_override = rotation;
    opt.budget = budget;
    double *wall_us = calloc(o.n ? o.n : 1, sizeof *wall_us);
    double *cpu_us = calloc(o.n ? o.n : 1, sizeof *cpu_us);
    if (wall_us == NULL || cpu_us == NULL)
        return 1;
    int64_t boxes = 0, cut = 0, unpacked = 0, inner_mm3 = 0, board = 0, bad = 0;
    double wall_total = 0, cpu_total = 0;
    for (size_t i = 0; i < o.n; i++) {
        bx_order order = {o.lines + o.start[i], o.start[i + 1] - o.start[i]};
        const bx_pack_result *r = NULL;
        double best_w = 1e30, best_c = 1e30;
        for (unsigned k = 0; k < repeat; k++) {
            double w0 = bench_now_s(), c0 = cpu_now_s();
            bx_status st = bx_pack(e, cat, &order, &opt, &r);
            double c1 = cpu_now_s(), w1 = bench_now_s();
            if (st != BX_OK) {
                fprintf(stderr, "bench_custom: order %s: %s\n", order.lines[0].order_id,
                        bx_ctx_errmsg(ctx));
                return 1;
            }
            if (w1 - w0 < best_w)
                best_w = w1 - w0;
            if (c1 - c0 < best_c)
                best_c = c1 - c0;
        }
        wall_us[i] = best_w * 1e6;
        cpu_us[i] = best_c * 1e6;
        wall_total += best_w;
        cpu_total += best_c;
        if (bx_validate(ctx, cat, &order, &opt, r) != BX_OK) {
            fprintf(stderr, "bench_custom: %s\n", bx_ctx_errmsg(ctx));
            bad++;
        }
        boxes += (int64_t)r->nboxes;
        for (size_t b = 0; b < r->nboxes; b++) {
            inner_mm3 += r->boxes[b].inner_volume_mm3;
            board += board_mm2(r->boxes[b].box);
            cut += bx_catalog_box(cat, r->boxes[b].box_index)->custom;
        }
        for (size_t u = 0; u < r->nunpacked; u++)
            unpacked += r->unpacked[u].units;
    }
    printf("%s, %s, rotation %s, budget %llu\n", catalog, orders,
           rotation < 0 ? "per line" : bx_rotation_name((bx_rotation)rotation),
           (unsigned long long)(budget ? budget : BX_DEFAULT_BUDGET));
    printf("  %zu orders: %lld boxes (%lld cut to measure), %lld units not packed\n", o.n,
           (long long)boxes, (long long)cut, (long long)unpacked);
    printf("  inner volume %.3f m^3, board %.2f m^2\n", (double)inner_mm3 * 1e-9,
           (double)board * 1e-6);
    printf("  bx_pack per order%s: wall p50 %.1f us, p99 %.1f us, max %.1f us; "
           "CPU p50 %.1f us, p99 %.1f us, max %.1f us; all orders %.3f s wall, %.3f s CPU\n",
           repeat > 1 ? " (fastest of repeats)" : "",
           bench_quantile(wall_us, o.n, 0.5), bench_quantile(wall_us, o.n, 0.99),
           bench_quantile(wall_us, o.n, 1.0), bench_quantile(cpu_us, o.n, 0.5),
           bench_quantile(cpu_us, o.n, 0.99), bench_quantile(cpu_us, o.n, 1.0), wall_total,
           cpu_total);
    printf("  results failing bx_validate: %lld\n", (long long)bad);
    free(wall_us);
    free(cpu_us);
    bench_orders_free(&o);
    bx_engine_free(e);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    return bad ? 1 : 0;
}
