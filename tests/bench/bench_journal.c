/*
 * bench_journal.c: the container journal's throughput, open time and
 * memory.
 *
 *   build/tests/bench/bench_journal [--events N] [--containers N]
 *       [--fsync-events N] [--pool-size N] [--dir DIR] [--keep]
 *
 * In a scratch directory (under DIR, default the current one; removed at
 * the end unless --keep):
 *   1. events/s with an fsync per event: --fsync-events (default 2,000)
 *      issues and returns through bx_pool_apply, each durable on return;
 *   2. events/s with group commit: the history of --events (default
 *      10,000,000) events over --containers (default 100,000) containers:
 *      each container cycles issue, deliver, return, wash, at one of 100
 *      stations; batches of 1,024 records per fsync;
 *   3. opening that journal: a full replay (no snapshot), a snapshot and
 *      nothing after it, and a snapshot with 100,000 records after it (the
 *      most a writer leaves with the default snapshot_every);
 *   4. memory of a pool of --pool-size (default 1,000,000) containers, as
 *      the context counts it, after opening it from its journal.
 * Times are wall clock on a warm page cache (the journal was just
 * written); the figures go into tests/bench/README.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boxcar.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(bx_ctx *ctx, const char *what)
{
    fprintf(stderr, "bench_journal: %s: %s\n", what, bx_ctx_errmsg(ctx));
    exit(1);
}

static uint64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static uint64_t snapshot_size(const char *path)
{
    char snap[4300];
    return bx_journal_snapshot_path(path, snap, sizeof snap) ? file_size(snap) : 0;
}

static bx_pool *open_pool(bx_ctx *ctx, const char *path, bool group, bool read_only,
                          bool use_snapshot)
{
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.sync = group ? BX_JOURNAL_SYNC_GROUP : BX_JOURNAL_SYNC_EACH;
    o.journal.group_records = 1024;
    o.journal.group_bytes = (size_t)8 << 20;
    o.journal.read_only = read_only;
    o.journal.use_snapshot = use_snapshot;
    o.snapshot_every = 0; /* the benchmark decides */
    bx_pool *pool = NULL;
    if (bx_pool_open(ctx, &pool, path, NULL, &o) != BX_OK)
        die(ctx, path);
    return pool;
}

static void apply(bx_ctx *ctx, bx_pool *pool, const bx_pool_event *ev)
{
    if (bx_pool_apply(pool, ev, NULL) != BX_OK)
        die(ctx, "apply");
}

static void station_name(char *buf, size_t size, uint64_t i)
{
    snprintf(buf, size, "ST-%03llu", (unsigned long long)i);
}

static void container_name(char *buf, size_t size, uint64_t i)
{
    snprintf(buf, size, "PP-%08llu", (unsigned long long)i);
}

/* Stations and containers, registered in batches of 5,000 (one record
 * each). */
static void register_pool(bx_ctx *ctx, bx_pool *pool, uint64_t containers, int64_t t)
{
    enum { BATCH = 5000 };
    static bx_pool_event evs[BATCH];
    for (uint64_t s = 0; s < 100; s++) {
        bx_pool_event_init(&evs[0]);
        evs[0].type = BX_EV_STATION;
        evs[0].time_s = t;
        station_name(evs[0].station_id, sizeof evs[0].station_id, s);
        apply(ctx, pool, &evs[0]);
    }
    for (uint64_t i = 0; i < containers;) {
        size_t n = 0;
        for (; n < BATCH && i < containers; n++, i++) {
            bx_pool_event *ev = &evs[n];
            bx_pool_event_init(ev);
            ev->type = BX_EV_REGISTER;
            ev->time_s = t;
            container_name(ev->container_id, sizeof ev->container_id, i);
            strcpy(ev->type_id, i % 4 ? "crate-pp" : "crate-pp-s");
            station_name(ev->station_id, sizeof ev->station_id, i % 100);
        }
        if (bx_pool_apply_batch(pool, evs, n, NULL) != BX_OK)
            die(ctx, "register");
    }
}

/* Step k of the history: container k % containers takes its next event.
 * A cycle is issue at its station, deliver, return (at the next station),
 * wash; the time moves a minute per step. */
static void history_event(uint64_t k, uint64_t containers, int64_t t0, bx_pool_event *ev)
{
    uint64_t c = k % containers, round = k / containers;
    uint64_t cycle = round / 4;
    bx_pool_event_init(ev);
    ev->time_s = t0 + (int64_t)(k / 100) + 60;
    container_name(ev->container_id, sizeof ev->container_id, c);
    switch (round % 4) {
    case 0:
        ev->type = BX_EV_ISSUE;
        station_name(ev->station_id, sizeof ev->station_id, (c + cycle) % 100);
        snprintf(ev->order_id, sizeof ev->order_id, "O%llu", (unsigned long long)k);
        break;
    case 1:
        ev->type = BX_EV_DELIVER;
        break;
    case 2:
        ev->type = BX_EV_RETURN;
        station_name(ev->station_id, sizeof ev->station_id, (c + cycle + 1) % 100);
        break;
    default:
        ev->type = BX_EV_WASH;
        break;
    }
}

static double timed_open(bx_ctx *ctx, const char *path, bool use_snapshot, uint64_t *replayed)
{
    double t = now_s();
    bx_pool *pool = open_pool(ctx, path, false, true, use_snapshot);
    t = now_s() - t;
    *replayed = bx_pool_journal_info(pool)->records_replayed;
    bx_pool_close(pool);
    return t;
}

int main(int argc, char **argv)
{
    uint64_t events = 10000000, containers = 100000, fsync_events = 2000, pool_size = 1000000;
    const char *base = ".";
    bool keep = false;
    for (int i = 1; i < argc; i++) {
        uint64_t *target = NULL;
        if (strcmp(argv[i], "--events") == 0)
            target = &events;
        else if (strcmp(argv[i], "--containers") == 0)
            target = &containers;
        else if (strcmp(argv[i], "--fsync-events") == 0)
            target = &fsync_events;
        else if (strcmp(argv[i], "--pool-size") == 0)
            target = &pool_size;
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            base = argv[++i];
        else if (strcmp(argv[i], "--keep") == 0)
            keep = true;
        else {
            fprintf(stderr, "usage: bench_journal [--events N] [--containers N] "
                            "[--fsync-events N] [--pool-size N] [--dir DIR] [--keep]\n");
            return 2;
        }
        if (target != NULL) {
            if (i + 1 >= argc || (*target = strtoull(argv[++i], NULL, 10)) == 0) {
                fprintf(stderr, "bench_journal: %s wants a number > 0\n", argv[i - 1]);
                return 2;
            }
        }
    }
    char dir[4096], path[4200], cmd[8400];
    snprintf(dir, sizeof dir, "%s/bench_journal.XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return 1;
    }
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 1;
    const int64_t t0 = INT64_C(1714521600); /* 2024-05-01 */
    printf("bench_journal: scratch directory %s\n", dir);

    /* 1. fsync per event */
    snprintf(path, sizeof path, "%s/each.bxj", dir);
    bx_pool *pool = open_pool(ctx, path, false, false, true);
    register_pool(ctx, pool, 1000, t0);
    double t = now_s();
    for (uint64_t k = 0; k < fsync_events; k++) {
        /* container k/2 is issued and returned, then washed and inspected,
         * then issued again... */
        bx_pool_event ev;
        uint64_t c = k / 2 % 1000, round = k / 2000;
        bx_pool_event_init(&ev);
        ev.time_s = t0 + 60 + (int64_t)k;
        container_name(ev.container_id, sizeof ev.container_id, c);
        if (k % 2 == 0) {
            ev.type = round % 2 == 0 ? BX_EV_ISSUE : BX_EV_WASH;
            if (ev.type == BX_EV_ISSUE) {
                station_name(ev.station_id, sizeof ev.station_id, c % 100);
                strcpy(ev.order_id, "O");
            }
        } else {
            ev.type = round % 2 == 0 ? BX_EV_RETURN : BX_EV_INSPECT;
            if (ev.type == BX_EV_RETURN)
                station_name(ev.station_id, sizeof ev.station_id, c % 100);
        }
        apply(ctx, pool, &ev);
    }
    t = now_s() - t;
    bx_pool_close(pool);
    printf("fsync per event:   %8llu events in %7.2f s: %10.0f events/s (%.2f ms each)\n",
           (unsigned long long)fsync_events, t, (double)fsync_events / t,
           1e3 * t / (double)fsync_events);

    /* 2. group commit, the long history */
    snprintf(path, sizeof path, "%s/history.bxj", dir);
    pool = open_pool(ctx, path, true, false, true);
    register_pool(ctx, pool, containers, t0);
    uint64_t keep_back = events > 100000 ? 100000 : events / 10;
    t = now_s();
    for (uint64_t k = 0; k < events; k++) {
        bx_pool_event ev;
        history_event(k, containers, t0, &ev);
        apply(ctx, pool, &ev);
        if (k + 1 == events - keep_back) {
            /* the snapshot the third open starts from */
            double ts = now_s();
            if (bx_pool_snapshot(pool) != BX_OK)
                die(ctx, "snapshot");
            t += now_s() - ts; /* not part of the append rate */
            printf("snapshot written:  %llu containers at record %llu in %.2f s\n",
                   (unsigned long long)bx_pool_count(pool),
                   (unsigned long long)bx_pool_seq(pool), now_s() - ts);
        }
    }
    if (bx_pool_sync(pool) != BX_OK)
        die(ctx, "sync");
    t = now_s() - t;
    bx_pool_close(pool);
    uint64_t bytes = file_size(path);
    printf("group commit:      %8llu events in %7.2f s: %10.0f events/s (batches of 1024, "
           "journal %.0f MB, %.1f bytes/event)\n", (unsigned long long)events, t,
           (double)events / t, (double)bytes / 1e6, (double)bytes / (double)events);

    /* 3. opening it */
    uint64_t replayed;
    double full = timed_open(ctx, path, false, &replayed);
    printf("open, no snapshot: %7.2f s (%llu records replayed, %.2f M records/s)\n", full,
           (unsigned long long)replayed, (double)replayed / full / 1e6);
    double part = timed_open(ctx, path, true, &replayed);
    printf("open, snapshot + %llu records after it: %.3f s\n", (unsigned long long)replayed,
           part);
    pool = open_pool(ctx, path, false, false, true); /* a writer: snapshot at the end */
    if (bx_pool_snapshot(pool) != BX_OK)
        die(ctx, "snapshot");
    bx_pool_close(pool);
    double snap = timed_open(ctx, path, true, &replayed);
    printf("open, snapshot at the last record:       %.3f s (%llu records replayed)\n", snap,
           (unsigned long long)replayed);
    bx_journal_report rep;
    t = now_s();
    if (bx_journal_verify(ctx, path, NULL, NULL, &rep) != BX_OK || !rep.ok)
        die(ctx, "verify");
    printf("journal verify:    %7.2f s (%.0f MB/s)\n", now_s() - t,
           (double)bytes / (now_s() - t) / 1e6);

    /* 4. memory of a large pool */
    snprintf(path, sizeof path, "%s/big.bxj", dir);
    pool = open_pool(ctx, path, true, false, true);
    register_pool(ctx, pool, pool_size, t0);
    bx_pool_close(pool);
    bx_ctx *mctx = NULL;
    if (bx_ctx_new(&mctx, NULL, NULL) != BX_OK)
        return 1;
    size_t before = bx_ctx_bytes_in_use(mctx);
    t = now_s();
    pool = open_pool(mctx, path, false, true, true);
    t = now_s() - t;
    size_t used = bx_ctx_bytes_in_use(mctx) - before;
    printf("pool of %llu containers: %.1f MB (%.0f bytes per container), opened in %.2f s\n",
           (unsigned long long)bx_pool_count(pool), (double)used / 1e6,
           (double)used / (double)bx_pool_count(pool), t);
    bx_pool_close(pool);
    bx_ctx_free(mctx);
    pool = open_pool(ctx, path, false, false, true);
    t = now_s();
    if (bx_pool_snapshot(pool) != BX_OK)
        die(ctx, "snapshot");
    t = now_s() - t;
    bx_pool_close(pool);
    printf("  its snapshot:    %.1f MB, written in %.2f s;", (double)snapshot_size(path) / 1e6, t);
    printf(" open from it: %.2f s\n", timed_open(ctx, path, true, &replayed));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident set: %.0f MB\n", (double)ru.ru_maxrss / 1024.0);

    bx_ctx_free(ctx);
    if (!keep) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_journal: could not remove %s\n", dir);
    }
    return 0;
}
