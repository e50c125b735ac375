/*
 * test_powercut.c: simulated power cuts (powercut_fs.h) over journal
 * appends (an fsync per record, and group commit), snapshots, compaction
 * and atomic output files. kill -9 leaves the page cache whole; a power
 * cut does not, so this checks what reaches the disk, not what a command
 * acknowledged.
 *
 * Each round runs one workload once while the file layer logs it, noting
 * when each acknowledgement came back. Then, at many cuts (a random point
 * of the log and a random disk state the model allows there), it builds
 * the disk in a scratch directory, opens it with the real code, and checks:
 * every record acknowledged before the cut is there, nothing else is but
 * records that were written (in order, with their own bytes), the journal
 * opens without damage and takes a new record, and every output file is
 * exactly an old or a new version (or absent while no version was done):
 * those written with bx_outfile (what boxcar's -o files use) and the
 * workbooks a report renders.
 *
 * BOXCAR_POWERCUT_CUTS sets the number of cuts (default 10,000; the
 * sanitizer build runs fewer). Seeded and deterministic: the same cuts and
 * disk states every run. Scratch files go to /dev/shm when it is there
 * (BOXCAR_POWERCUT_DIR overrides), as the checks sync a great deal.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxcar/outfile.h"
#ifdef PC_WITH_XLSX
#include "boxcar/report.h"
#endif
#include "journal_testutil.h"
#include "powercut_fs.h"
#include "testutil.h"

enum workload {
    WL_EACH,      /* an fsync per record, then a second writer goes on */
    WL_GROUP,     /* group commit, batches of 5 */
    WL_COMPACT,   /* snapshots and compaction, with and without an archive */
    WL_OUTPUTS,   /* record, then an output file that depends on it (pack --pool) */
    WL_ORPHAN,    /* a journal whose creator died before syncing its directory */
    WL_REPORT,    /* workbooks rendered over one another */
    WL_COUNT
};

static const char *const workload_names[WL_COUNT] = {
    "fsync per record", "group commit", "snapshots and compaction",
    "records then output files", "journal left by a creator that died",
    "report workbooks"};

static char base[1024], rec_dir[1100], disk_dir[1100];
static char rec_journal[1200], disk_journal[1200], rec_out[1200], disk_out[1200];

/* What the workload did, with the log's clock when it did it. */
#define MAX_EVENTS 256
static struct {
    uint64_t t;     /* pc_now() when the call returned */
    uint64_t seq;   /* every record up to this one is durable */
} acks[MAX_EVENTS];
static size_t n_acks;
static uint64_t appended; /* records appended, durable or not */
static struct {
    uint64_t started, done; /* pc_now() before the open and after the commit */
    char *bytes;            /* what it holds */
    size_t size;
} versions[MAX_EVENTS];
static size_t n_versions;

/* What the cuts met, to show the model reaches the recovery paths. */
static long torn_cut, beyond_acked, remade;

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void clear_dir(const char *dir)
{
    jt_rmdir(dir);
    assert_int_equal(mkdir(dir, 0777), 0);
}

/* ---- the workloads -------------------------------------------------------- */

static bx_journal *open_writer(bx_ctx *ctx, bx_journal_sync_mode mode)
{
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.sync = mode;
    o.group_records = 5;
    bx_journal *j = NULL;
    if (bx_journal_open(ctx, &j, rec_journal, &o, NULL, NULL, NULL) != BX_OK)
        fail_msg("workload open: %s", bx_ctx_errmsg(ctx));
    return j;
}

static void ack(bx_journal *j)
{
    assert_true(n_acks < MAX_EVENTS);
    acks[n_acks].t = pc_now();
    acks[n_acks].seq = bx_journal_durable_seq(j);
    n_acks++;
}

static void append(bx_journal *j, uint64_t count)
{
    unsigned char buf[128];
    for (uint64_t i = 0; i < count; i++) {
        size_t len = jt_record(bx_journal_last_seq(j) + 1, buf, sizeof buf);
        assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_OK);
        appended = bx_journal_last_seq(j);
        ack(j);
    }
}

static void close_writer(bx_journal *j)
{
    uint64_t last = bx_journal_last_seq(j);
    assert_int_equal(bx_journal_close(j), BX_OK);
    assert_true(n_acks < MAX_EVENTS);
    acks[n_acks].t = pc_now();
    acks[n_acks].seq = last; /* close flushes: all of it is durable */
    n_acks++;
}

/* A snapshot of the state so far: the payloads of records 1..last, one
 * item each, so that a replay from it delivers the same sequence. */
static void snapshot(bx_journal *j)
{
    bx_snapshot_writer *w = NULL;
    assert_int_equal(bx_journal_snapshot_begin(j, &w), BX_OK);
    unsigned char buf[128];
    for (uint64_t n = 1; n <= bx_journal_last_seq(j); n++) {
        size_t len = jt_record(n, buf, sizeof buf);
        assert_int_equal(bx_snapshot_put(w, buf, len), BX_OK);
    }
    assert_int_equal(bx_snapshot_commit(w), BX_OK);
}

/* Output version v (v >= 1): lines that say v, from 100 bytes to 3 KB, so
 * versions span different numbers of sectors. */
static size_t version_bytes(size_t v, char *buf, size_t size)
{
    size_t n = 0, lines = 2 + (v * 37) % 90;
    for (size_t i = 0; i < lines && n + 40 < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "version %zu, line %zu\n", v, i);
    return n;
}

static void write_output(bx_ctx *ctx)
{
    assert_true(n_versions < MAX_EVENTS);
    size_t v = ++n_versions;
    versions[v - 1].started = pc_now();
    char buf[4096];
    size_t n = version_bytes(v, buf, sizeof buf);
    bx_outfile *f = NULL;
    assert_int_equal(bx_outfile_open(ctx, &f, rec_out), BX_OK);
    assert_int_equal(bx_outfile_write(f, buf, n), 0);
    assert_int_equal(bx_outfile_commit(f), BX_OK);
    versions[v - 1].done = pc_now();
    versions[v - 1].bytes = malloc(n);
    assert_non_null(versions[v - 1].bytes);
    memcpy(versions[v - 1].bytes, buf, n);
    versions[v - 1].size = n;
}

#ifdef PC_WITH_XLSX
/* Workbook version v: a one-sheet report whose creation time follows v (the
 * bytes differ with it). Each version is rendered once outside the logged
 * directory first, to know its bytes. */
static void render_reports(bx_ctx *ctx, size_t count)
{
    static const char src[] = "return {build = function(d, b)\n"
                              "  local s = b:sheet('Trips')\n"
                              "end}";
    bx_report *r = NULL;
    assert_int_equal(bx_report_load_buffer(ctx, &r, "trips.lua", src, strlen(src), NULL),
                     BX_OK);
    char ref[1300];
    snprintf(ref, sizeof ref, "%s/reference.xlsx", base);
    for (size_t v = 1; v <= count; v++) {
        bx_report_options o = {.created = (time_t)(1700000000 + v * 86400)};
        assert_int_equal(bx_report_render(r, BX_REPORT_XLSX, ref, &o), BX_OK);
        versions[v - 1].bytes = test_read_file(ref, &versions[v - 1].size);
        assert_non_null(versions[v - 1].bytes);
        remove(ref);
    }
    pc_start(rec_dir);
    for (size_t v = 1; v <= count; v++) {
        bx_report_options o = {.created = (time_t)(1700000000 + v * 86400)};
        versions[v - 1].started = pc_now();
        assert_int_equal(bx_report_render(r, BX_REPORT_XLSX, rec_out, &o), BX_OK);
        versions[v - 1].done = pc_now();
        n_versions = v;
    }
    bx_report_free(r);
}
#endif

static void run_workload(enum workload wl, int variant)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    for (size_t v = 0; v < n_versions; v++)
        free(versions[v].bytes);
    memset(versions, 0, sizeof versions);
    n_acks = n_versions = 0;
    appended = 0;
    clear_dir(rec_dir);
    bx_journal *j;
    if (wl == WL_ORPHAN) {
        /* made before the log starts: pc_start takes its name as not yet
         * durable */
        j = open_writer(ctx, BX_JOURNAL_SYNC_EACH);
        assert_int_equal(bx_journal_close(j), BX_OK);
    }
    if (wl != WL_REPORT)
        pc_start(rec_dir);
    switch (wl) {
    case WL_EACH:
    case WL_ORPHAN:
        j = open_writer(ctx, BX_JOURNAL_SYNC_EACH);
        append(j, 30);
        close_writer(j);
        j = open_writer(ctx, BX_JOURNAL_SYNC_EACH);
        append(j, 10);
        close_writer(j);
        break;
    case WL_GROUP:
        j = open_writer(ctx, BX_JOURNAL_SYNC_GROUP);
        append(j, 48);
        assert_int_equal(bx_journal_sync(j), BX_OK);
        ack(j);
        close_writer(j);
        j = open_writer(ctx, BX_JOURNAL_SYNC_GROUP);
        append(j, 7);
        close_writer(j);
        break;
    case WL_COMPACT: {
        char archive[1300];
        j = open_writer(ctx, BX_JOURNAL_SYNC_EACH);
        append(j, 12);
        snapshot(j);
        append(j, 8);
        snapshot(j);
        snprintf(archive, sizeof archive, "%s/old-1.bxj", rec_dir);
        assert_int_equal(bx_journal_compact(j, variant % 2 ? archive : NULL), BX_OK);
        append(j, 8);
        snapshot(j);
        assert_int_equal(bx_journal_compact(j, NULL), BX_OK);
        append(j, 6);
        close_writer(j);
        j = open_writer(ctx, BX_JOURNAL_SYNC_EACH);
        append(j, 4);
        close_writer(j);
        break;
    }
    case WL_OUTPUTS:
        j = open_writer(ctx, BX_JOURNAL_SYNC_EACH);
        for (int v = 0; v < 10; v++) {
            append(j, 1);
            write_output(ctx);
        }
        close_writer(j);
        break;
    case WL_REPORT:
#ifdef PC_WITH_XLSX
        render_reports(ctx, 6);
#endif
        break;
    default:
        break;
    }
    pc_stop();
    bx_ctx_free(ctx);
}

/* ---- the checks at a cut -------------------------------------------------- */

static uint64_t acked_at(uint64_t k)
{
    uint64_t seq = 0;
    for (size_t i = 0; i < n_acks; i++)
        if (acks[i].t <= k && acks[i].seq > seq)
            seq = acks[i].seq;
    return seq;
}

static void check_journal(enum workload wl, uint64_t k, long cut)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    uint64_t acked = acked_at(k);
    jt_replay r = {0};
    bx_journal_info info;
    bx_journal *j = NULL;
    bool existed = jt_exists(disk_journal);
    bx_status st = bx_journal_open(ctx, &j, disk_journal, NULL, jt_collect, &r, &info);
    if (st != BX_OK)
        fail_msg("%s, cut %ld at operation %llu: the journal does not open: %s",
                 workload_names[wl], cut, (unsigned long long)k, bx_ctx_errmsg(ctx));
    if (info.damaged)
        fail_msg("%s, cut %ld at operation %llu: damage reported at byte %llu (%s)",
                 workload_names[wl], cut, (unsigned long long)k,
                 (unsigned long long)info.damage_offset, info.damage_reason);
    /* snapshot items, then records: together records 1..n, in order */
    unsigned char buf[128];
    for (size_t i = 0; i < r.n; i++) {
        size_t len = jt_record(i + 1, buf, sizeof buf);
        if (r.items[i].len != len || memcmp(r.items[i].data, buf, len) != 0 ||
            (r.items[i].kind == BX_JOURNAL_RECORD && r.items[i].seq != i + 1))
            fail_msg("%s, cut %ld at operation %llu: item %zu is not record %zu",
                     workload_names[wl], cut, (unsigned long long)k, i + 1, i + 1);
    }
    if (r.n < acked)
        fail_msg("%s, cut %ld at operation %llu: record %llu was acknowledged, the "
                 "journal holds %zu", workload_names[wl], cut, (unsigned long long)k,
                 (unsigned long long)acked, r.n);
    if (r.n > appended || info.last_seq != r.n)
        fail_msg("%s, cut %ld at operation %llu: %zu records where %llu were written",
                 workload_names[wl], cut, (unsigned long long)k, r.n,
                 (unsigned long long)appended);
    torn_cut += info.torn_bytes > 0;
    beyond_acked += r.n > acked;
    remade += existed && info.created;
    /* and it goes on */
    size_t len = jt_record(r.n + 1, buf, sizeof buf);
    assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_OK);
    assert_int_equal(bx_journal_close(j), BX_OK);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

static void check_output(uint64_t k, long cut)
{
    size_t lo = 0, hi = 0; /* the version may be any of lo..hi (0: none) */
    for (size_t v = 1; v <= n_versions; v++) {
        if (versions[v - 1].done <= k)
            lo = v;
        if (versions[v - 1].started < k)
            hi = v;
    }
    size_t size = 0;
    char *got = test_read_file(disk_out, &size);
    size_t v = 0;
    if (got != NULL) {
        for (v = 1; v <= n_versions; v++)
            if (versions[v - 1].size == size && memcmp(versions[v - 1].bytes, got, size) == 0)
                break;
        if (v > n_versions)
            fail_msg("cut %ld at operation %llu: the output (%zu bytes) is no version "
                     "written", cut, (unsigned long long)k, size);
    }
    free(got);
    if (v < lo || v > hi)
        fail_msg("cut %ld at operation %llu: the output is version %zu, where %zu..%zu "
                 "were possible", cut, (unsigned long long)k, v, lo, hi);
}

static void test_power_cuts(void **state)
{
    (void)state;
    const char *env = getenv("BOXCAR_POWERCUT_CUTS");
    long cuts = env != NULL ? strtol(env, NULL, 10) : 10000;
    const char *dir = getenv("BOXCAR_POWERCUT_DIR");
    if (dir == NULL)
        dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
    char cwd[512];
    if (dir == NULL)
        dir = getcwd(cwd, sizeof cwd);
    assert_non_null(dir);
    snprintf(base, sizeof base, "%s/boxcar-powercut-XXXXXX", dir);
    assert_non_null(mkdtemp(base));
    snprintf(rec_dir, sizeof rec_dir, "%s/run", base);
    snprintf(disk_dir, sizeof disk_dir, "%s/disk", base);
    snprintf(rec_journal, sizeof rec_journal, "%s/pool.bxj", rec_dir);
    snprintf(disk_journal, sizeof disk_journal, "%s/pool.bxj", disk_dir);
    snprintf(rec_out, sizeof rec_out, "%s/out.csv", rec_dir);
    snprintf(disk_out, sizeof disk_out, "%s/out.csv", disk_dir);
    assert_int_equal(mkdir(rec_dir, 0777), 0);
    assert_int_equal(mkdir(disk_dir, 0777), 0);
    rng_state = 0x9E3779B97F4A7C15ull;

#ifdef PC_WITH_XLSX
    const int kinds = WL_COUNT;
#else
    const int kinds = WL_REPORT; /* a build without reports has no workbooks */
#endif
    const int rounds = 4 * kinds; /* each with its share of the cuts */
    long done = 0, lost_names = 0;
    uint64_t per[WL_COUNT] = {0};
    for (int round = 0; round < rounds; round++) {
        enum workload wl = (enum workload)(round % kinds);
        run_workload(wl, round / kinds);
        uint64_t ops = pc_now();
        long share = (cuts - done) / (rounds - round);
        for (long c = 0; c < share; c++, done++) {
            /* cuts at random points, and at the very end */
            uint64_t k = c == 0 ? ops : rnd() % (ops + 1);
            clear_dir(disk_dir);
            pc_disk_at(k, &rng_state, disk_dir);
            if (wl != WL_REPORT && !jt_exists(disk_journal))
                lost_names++;
            if (wl == WL_OUTPUTS || wl == WL_REPORT)
                check_output(k, done);
            if (wl != WL_REPORT)
                check_journal(wl, k, done);
            per[wl]++;
        }
    }
    for (size_t v = 0; v < n_versions; v++)
        free(versions[v].bytes);
    pc_free();
    jt_rmdir(disk_dir);
    jt_rmdir(rec_dir);
    rmdir(base);
    print_message("%ld power cuts: %llu over fsync per record, %llu over group commit, "
                  "%llu over snapshots and compaction, %llu over records and outputs, "
                  "%llu over an orphaned journal, %llu over report workbooks; at %ld the "
                  "journal's name had not reached the disk, %ld had a torn tail to cut, "
                  "%ld kept records never acknowledged, %ld made an unfinished journal again\n",
                  done,
                  (unsigned long long)per[WL_EACH], (unsigned long long)per[WL_GROUP],
                  (unsigned long long)per[WL_COMPACT], (unsigned long long)per[WL_OUTPUTS],
                  (unsigned long long)per[WL_ORPHAN], (unsigned long long)per[WL_REPORT],
                  lost_names, torn_cut, beyond_acked, remade);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
