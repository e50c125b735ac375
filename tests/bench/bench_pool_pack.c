/*
 * bench_pool_pack.c: what packing into a pool costs per order
 * (boxcar/pool_pack.h), against bx_pack alone.
 *
 *   build/tests/bench/bench_pool_pack [ORDERS [CATALOG [SCRIPTS_DIR]]]
 *
 * A pool in a scratch journal (under TMPDIR, else the current directory)
 * has one station with 200,000 containers of each reusable type of the
 * catalog, so no configuration runs out. Every order of the file is read
 * into memory once; each configuration packs all of them, repeated for
 * about a second, and the figure is the best of three such runs:
 *
 *   bx_pack               the engine alone, every box type in stock
 *   packer                bx_pool_packer_pack, nothing issued (two
 *                         packings per order while containers are ready)
 *   packer + issue        and each order's containers issued: one journal
 *                         record per order, group commit (synced at the end)
 *   reuse-first + issue   the same under scripts/policy/reuse-first.lua
 *
 * Allocations per order once warm are counted for the configurations that
 * issue nothing (an issue appends to the journal and grows the pool's
 * state, which allocates by design).
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

#define PER_TYPE 200000

typedef struct run {
    bx_ctx *ctx;
    const bx_catalog *cat;
    bx_engine *engine;
    bx_pool_packer *packer; /* NULL: bx_pack alone */
    bool issue;
    const bench_orders *o;
    uint64_t packed, issued;
} run;

static int pass(run *r)
{
    for (size_t i = 0; i < r->o->n; i++) {
        bx_order ord = {r->o->lines + r->o->start[i], r->o->start[i + 1] - r->o->start[i]};
        const bx_pack_result *res = NULL;
        r->packed++;
        bx_status st = r->packer ? bx_pool_packer_pack(r->packer, r->engine, &ord, NULL, &res)
                                 : bx_pack(r->engine, r->cat, &ord, NULL, &res);
        if (st == BX_OK && r->issue) {
            r->issued += bx_pool_packer_pending(r->packer);
            st = bx_pool_packer_issue(r->packer, INT64_C(1714525200), NULL);
        }
        if (st != BX_OK) {
            fprintf(stderr, "bench_pool_pack: %s\n", bx_ctx_errmsg(r->ctx));
            return -1;
        }
    }
    return 0;
}

static double measure(run *r, bench_counting *count, double *allocs)
{
    if (pass(r) != 0)
        return -1;
    uint64_t before = count->calls;
    if (pass(r) != 0)
        return -1;
    *allocs = (double)(count->calls - before) / (double)r->o->n;
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

/* One station "S" with PER_TYPE containers of each reusable type. */
static int fill_pool(bx_ctx *ctx, bx_pool *pool, const bx_catalog *cat)
{
    const int64_t t0 = INT64_C(1714521600);
    bx_pool_event ev;
    bx_pool_event_init(&ev);
    ev.type = BX_EV_STATION;
    ev.time_s = t0;
    strcpy(ev.station_id, "S");
    if (bx_pool_apply(pool, &ev, NULL) != BX_OK)
        return -1;
    static bx_pool_event batch[5000];
    for (size_t i = 0; i < bx_catalog_count(cat); i++) {
        const bx_box *box = bx_catalog_box(cat, i);
        if (!box->reusable)
            continue;
        for (int k = 0; k < PER_TYPE; k += 5000) {
            for (int j = 0; j < 5000; j++) {
                bx_pool_event *e = &batch[j];
                bx_pool_event_init(e);
                e->type = BX_EV_REGISTER;
                e->time_s = t0;
                /* the type's index keeps ids unique, whatever the type's name */
                snprintf(e->container_id, sizeof e->container_id, "T%zu-%07d", i, k + j);
                snprintf(e->type_id, sizeof e->type_id, "%s", box->box_id);
                strcpy(e->station_id, "S");
            }
            if (bx_pool_apply_batch(pool, batch, 5000, NULL) != BX_OK)
                return -1;
        }
    }
    (void)ctx;
    return bx_pool_sync(pool) == BX_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *orders_path = argc > 1 ? argv[1] : BOXCAR_SAMPLES "/orders/demo.csv";
    const char *catalog_path =
        argc > 2 ? argv[2] : BOXCAR_SAMPLES "/catalogs/cn-express-reusable.csv";
    const char *scripts = argc > 3 ? argv[3] : BOXCAR_SCRIPTS;
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : ".";
    char dir[4096], path[4200], policy_path[4200];
    snprintf(dir, sizeof dir, "%s/bench_pool_pack.XXXXXX", tmp);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return 1;
    }
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    snprintf(policy_path, sizeof policy_path, "%s/policy/reuse-first.lua", scripts);

    bench_counting count = {0};
    bx_ctx *ctx = NULL;
    bx_catalog *cat = NULL;
    bx_engine *engine = NULL;
    bx_pool *pool = NULL;
    bx_policy *policy = NULL;
    bench_orders o;
    bx_pool_options po;
    bx_pool_options_init(&po);
    po.journal.sync = BX_JOURNAL_SYNC_GROUP;
    if (bx_ctx_new(&ctx, bench_count_alloc, &count) != BX_OK ||
        bx_catalog_load(ctx, &cat, catalog_path, BX_FORMAT_AUTO) != BX_OK ||
        bx_engine_new(ctx, &engine, NULL) != BX_OK || bench_orders_read(ctx, orders_path, &o) != 0 ||
        bx_pool_open(ctx, &pool, path, cat, &po) != BX_OK || fill_pool(ctx, pool, cat) != 0 ||
        bx_policy_load(ctx, &policy, policy_path, cat, NULL) != BX_OK) {
        fprintf(stderr, "bench_pool_pack: %s\n", bx_ctx_errmsg(ctx));
        return 1;
    }
    printf("%zu orders (%zu lines) from %s; %d containers of each reusable type\n\n", o.n,
           o.nlines, orders_path, PER_TYPE);
    printf("%-22s %10s %14s %13s %14s\n", "configuration", "us/order", "over bx_pack",
           "allocs/order", "issued/order");

    struct config {
        const char *name;
        bool packer, issue;
        bx_policy *policy;
    } configs[] = {
        {"bx_pack", false, false, NULL},
        {"packer", true, false, NULL},
        {"packer + issue", true, true, NULL},
        {"reuse-first + issue", true, true, policy},
    };
    double base = 0;
    int rc = 0;
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        run r = {ctx, cat, engine, NULL, configs[c].issue, &o, 0, 0};
        if (configs[c].packer) {
            bx_pool_packer_options opts;
            bx_pool_packer_options_init(&opts);
            opts.station_id = "S";
            opts.policy = configs[c].policy;
            if (bx_pool_packer_new(ctx, &r.packer, pool, cat, &opts) != BX_OK) {
                fprintf(stderr, "bench_pool_pack: %s\n", bx_ctx_errmsg(ctx));
                return 1;
            }
        }
        double allocs = 0;
        double t = measure(&r, &count, &allocs);
        bx_pool_packer_free(r.packer);
        if (t < 0) {
            rc = 1;
            break;
        }
        if (c == 0)
            base = t;
        char over[32] = "", al[32] = "-", iss[32] = "-";
        if (c > 0)
            snprintf(over, sizeof over, "%.1f", (t - base) * 1e6);
        if (!configs[c].issue)
            snprintf(al, sizeof al, "%.2f", allocs);
        else
            snprintf(iss, sizeof iss, "%.2f", (double)r.issued / (double)r.packed);
        printf("%-22s %10.1f %14s %13s %14s\n", configs[c].name, t * 1e6, over, al, iss);
    }
    double t0 = bench_now_s();
    if (rc == 0 && bx_pool_sync(pool) != BX_OK)
        rc = 1;
    printf("\nfinal sync %.1f ms; journal records %llu\n", (bench_now_s() - t0) * 1e3,
           (unsigned long long)bx_pool_seq(pool));
    bx_policy_free(policy);
    bx_pool_close(pool);
    bx_engine_free(engine);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    bench_orders_free(&o);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_pool_pack: could not remove %s\n", dir);
    return rc;
}
