/*
 * bench_policy.c: what a Lua policy costs per order, against bx_pack alone.
 *
 *   build/tests/bench/bench_policy [ORDERS [CATALOG [SCRIPTS_DIR]]]
 *
 * Every order of the file is read into memory once; each configuration
 * then packs all of them, repeated until about a second has passed, and
 * the time per order is the best of three such runs. Configurations:
 *
 *   bx_pack          the engine alone
 *   no hooks         bx_policy_pack with a policy that defines none
 *   eligible         one trivial hook (return true), called once per box
 *                    type: (time - no hooks) / box types = cost of a call
 *   check            a check that reads every packed box's fill and units
 *   gb45186, fragile, reuse-first   the shipped policies
 *
 * It also counts the allocations per order once warm (through a counting
 * allocator on the context): a policy whose hooks read only numbers must
 * show 0.
 *
 * The cost of one hook call is small next to the variation of bx_pack over
 * real orders, so it is measured apart on a one-line order that the engine
 * packs in about a microsecond: (eligible - no hooks) / box types.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"
#include "boxcar.h"

#ifndef BOXCAR_SCRIPTS
#define BOXCAR_SCRIPTS "scripts"
#endif
#ifndef BOXCAR_SAMPLES
#define BOXCAR_SAMPLES "samples"
#endif

typedef struct run {
    bx_ctx *ctx;
    bench_counting *count;
    const bx_catalog *cat;
    bx_engine *engine;
    bx_policy *policy; /* NULL: bx_pack alone */
    const bench_orders *o;
} run;

/* Pack every order once; 0 or -1. */
static int pass(run *r)
{
    for (size_t i = 0; i < r->o->n; i++) {
        bx_order ord = {r->o->lines + r->o->start[i], r->o->start[i + 1] - r->o->start[i]};
        const bx_pack_result *res = NULL;
        bx_status st = r->policy ? bx_policy_pack(r->policy, r->engine, &ord, NULL, &res)
                                 : bx_pack(r->engine, r->cat, &ord, NULL, &res);
        if (st != BX_OK) {
            fprintf(stderr, "bench_policy: %s\n", bx_ctx_errmsg(r->ctx));
            return -1;
        }
    }
    return 0;
}

/* Best of three timed runs of ~1 s: seconds per order; allocations per
 * order after warm-up in *allocs. */
static double measure(run *r, double *allocs)
{
    if (pass(r) != 0 || pass(r) != 0)
        return -1;
    uint64_t before = r->count->calls;
    if (pass(r) != 0)
        return -1;
    *allocs = (double)(r->count->calls - before) / (double)r->o->n;
    double best = 1e30;
    for (int k = 0; k < 3; k++) {
        double t0 = bench_now_s();
        size_t passes = 0;
        do {
            if (pass(r) != 0)
                return -1;
            passes++;
        } while (bench_now_s() - t0 < 1.0);
        double per = (bench_now_s() - t0) / (double)(passes * r->o->n);
        if (per < best)
            best = per;
    }
    return best;
}

static bx_policy *policy_text(bx_ctx *ctx, const bx_catalog *cat, const char *name,
                              const char *src)
{
    bx_policy *p = NULL;
    if (bx_policy_load_buffer(ctx, &p, name, src, strlen(src), cat, NULL) != BX_OK) {
        fprintf(stderr, "bench_policy: %s\n", bx_ctx_errmsg(ctx));
        exit(1);
    }
    return p;
}

static bx_policy *policy_file(bx_ctx *ctx, const bx_catalog *cat, const char *dir,
                              const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/policy/%s", dir, file);
    bx_policy *p = NULL;
    if (bx_policy_load(ctx, &p, path, cat, NULL) != BX_OK) {
        fprintf(stderr, "bench_policy: %s\n", bx_ctx_errmsg(ctx));
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    const char *orders_path = argc > 1 ? argv[1] : BOXCAR_SAMPLES "/orders/demo.csv";
    const char *catalog_path = argc > 2 ? argv[2] : BOXCAR_SAMPLES "/catalogs/cn-express.csv";
    const char *scripts = argc > 3 ? argv[3] : BOXCAR_SCRIPTS;
    bench_counting count = {0};
    bx_ctx *ctx = NULL;
    bx_catalog *cat = NULL;
    bx_engine *engine = NULL;
    bench_orders o;
    if (bx_ctx_new(&ctx, bench_count_alloc, &count) != BX_OK ||
        bx_catalog_load(ctx, &cat, catalog_path, BX_FORMAT_AUTO) != BX_OK ||
        bx_engine_new(ctx, &engine, NULL) != BX_OK || bench_orders_read(ctx, orders_path, &o) != 0) {
        fprintf(stderr, "bench_policy: %s\n", bx_ctx_errmsg(ctx));
        return 1;
    }
    size_t nbox = bx_catalog_count(cat);
    printf("%zu orders (%zu lines) from %s, %zu box types\n\n", o.n, o.nlines, orders_path, nbox);
    printf("%-28s %12s %14s %12s\n", "configuration", "us/order", "over bx_pack", "allocs/order");

    struct config {
        const char *name;
        bx_policy *policy;
    } configs[] = {
        {"bx_pack", NULL},
        {"no hooks", policy_text(ctx, cat, "none.lua", "return {}")},
        {"eligible (return true)",
         policy_text(ctx, cat, "eligible.lua",
                     "return {eligible = function(o, b) return true end}")},
        {"check (reads each box)",
         policy_text(ctx, cat, "check.lua",
                     "return {check = function(o, p, report)\n"
                     "  for i = 1, #p do local x = p[i]\n"
                     "    if x.fill_pct < 0 or #x < 0 then report(i, 'X', 'never') end\n"
                     "  end\nend}")},
        {"gb45186.lua", policy_file(ctx, cat, scripts, "gb45186.lua")},
        {"fragile.lua", policy_file(ctx, cat, scripts, "fragile.lua")},
        {"reuse-first.lua (no pool)", policy_file(ctx, cat, scripts, "reuse-first.lua")},
    };
    double base = 0, none = 0, eligible = 0, check = 0;
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) {
        run r = {ctx, &count, cat, engine, configs[i].policy, &o};
        double allocs = 0;
        double t = measure(&r, &allocs);
        if (t < 0)
            return 1;
        if (i == 0)
            base = t;
        if (i == 1)
            none = t;
        if (i == 2)
            eligible = t;
        if (i == 3)
            check = t;
        printf("%-28s %12.2f %14.2f %12.2f\n", configs[i].name, t * 1e6, (t - base) * 1e6,
               allocs);
    }
    (void)eligible, (void)check, (void)none;
    /* the same hooks on one small order, many times */
    bx_order_line one;
    bx_order_line_init(&one);
    snprintf(one.order_id, sizeof one.order_id, "MICRO");
    snprintf(one.item_id, sizeof one.item_id, "cube");
    one.qty = 1;
    one.l_mm = one.w_mm = one.h_mm = 50;
    one.weight_g = 100;
    size_t starts[2] = {0, 1};
    bench_orders micro = {&one, 1, 1, starts, 1, 2};
    double m[4];
    printf("\none-line order (engine ~1 us), best of 3:\n");
    for (size_t i = 0; i < 4; i++) {
        run r = {ctx, &count, cat, engine, configs[i].policy, &micro};
        double allocs = 0;
        if ((m[i] = measure(&r, &allocs)) < 0)
            return 1;
        printf("%-28s %12.3f %14.3f %12.2f\n", configs[i].name, m[i] * 1e6,
               (m[i] - m[0]) * 1e6, allocs);
    }
    printf("\npolicy wrapper without hooks: %.0f ns an order\n", (m[1] - m[0]) * 1e9);
    printf("one hook call (eligible, %zu calls an order): %.0f ns\n", nbox,
           (m[2] - m[1]) / (double)nbox * 1e9);
    printf("one check call reading the packing: %.0f ns\n", (m[3] - m[1]) * 1e9);
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++)
        bx_policy_free(configs[i].policy);
    bench_orders_free(&o);
    bx_engine_free(engine);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    return 0;
}
