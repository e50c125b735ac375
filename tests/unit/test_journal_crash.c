/*
 * test_journal_crash.c: a writer killed with SIGKILL at random points
 * loses nothing it acknowledged, and its journal verifies.
 *
 * Each round forks a writer that appends numbered records for ever and
 * reports every acknowledged (durable) sequence number through a pipe; the
 * parent kills it after a random pause. Half the rounds then also play a
 * power cut: bytes the writer had not synced may be lost, so the file is
 * cut at a random point after the last acknowledged record, or a random
 * run of 512-byte sectors after it reads as zeros (sectors that never
 * reached the disk; a disk writes a sector whole or not at all). The
 * next round's writer recovers the same journal, so damage would pile up.
 * Rounds alternate between fsync per record and group commit.
 *
 * BOXCAR_CRASH_ROUNDS sets the number of rounds (default 200; the script
 * tests/journal_crash.sh runs thousands).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journal_testutil.h"
#include "testutil.h"

static char dir[64];
static char path[128];

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

/* The writer: never returns. */
static void writer(int ack_fd, bool group)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        _exit(10);
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.sync = group ? BX_JOURNAL_SYNC_GROUP : BX_JOURNAL_SYNC_EACH;
    o.group_records = 7;
    bx_journal *j = NULL;
    if (bx_journal_open(ctx, &j, path, &o, NULL, NULL, NULL) != BX_OK)
        _exit(11);
    uint64_t acked = bx_journal_durable_seq(j);
    unsigned char buf[128];
    for (;;) {
        uint64_t n = bx_journal_last_seq(j) + 1;
        size_t len = jt_record(n, buf, sizeof buf);
        if (bx_journal_append(j, buf, len, NULL) != BX_OK)
            _exit(12);
        uint64_t d = bx_journal_durable_seq(j);
        if (d > acked) {
            acked = d;
            if (write(ack_fd, &acked, sizeof acked) != (ssize_t)sizeof acked)
                _exit(13);
        }
    }
}

/* End of record `seq` in the journal file (records are checked on the way). */
static uint64_t end_of(uint64_t seq)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    jt_replay r = {0};
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.read_only = true;
    bx_journal *j = NULL;
    bx_journal_info info;
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, jt_collect, &r, &info), BX_OK);
    bx_journal_close(j);
    uint64_t end = 40;
    for (size_t i = 0; i < r.n; i++)
        if (r.items[i].seq == seq)
            end = r.items[i].offset + 24 + r.items[i].len;
    assert_true(seq == 0 || end > 40);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
    return end;
}

static void power_cut(uint64_t acked)
{
    uint64_t keep = end_of(acked), size = jt_file_size(path);
    if (size <= keep)
        return;
    uint64_t span = size - keep;
    if (rnd() % 2 == 0) {
        jt_truncate(path, keep + rnd() % (span + 1));
    } else {
        /* sectors first..last, but never a byte of the acknowledged ones */
        uint64_t first = (keep + rnd() % span) / 512;
        uint64_t last = first + rnd() % ((size - 1) / 512 - first + 1);
        uint64_t a = first * 512 > keep ? first * 512 : keep;
        uint64_t n = ((last + 1) * 512 < size ? (last + 1) * 512 : size) - a;

        int fd = open(path, O_WRONLY);
        unsigned char zeros[4096] = {0};
        while (n > 0) {
            size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
            assert_int_equal(pwrite(fd, zeros, k, (off_t)a), (ssize_t)k);
            a += k;
            n -= k;
        }
        close(fd);
    }
}

static void test_sigkill_loses_nothing_acknowledged(void **state)
{
    (void)state;
    const char *env = getenv("BOXCAR_CRASH_ROUNDS");
    long rounds = env != NULL ? strtol(env, NULL, 10) : 200;
    const char *seed = getenv("BOXCAR_CRASH_SEED");
    rng_state = seed != NULL ? strtoull(seed, NULL, 10) : 0x2545F4914F6CDD1Dull;
    if (rng_state == 0)
        rng_state = 1;
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/crash.bxj", dir);
    uint64_t acked_ever = 0, cuts = 0, torn_seen = 0;
    for (long round = 0; round < rounds; round++) {
        bool group = round % 2 == 1;
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            writer(fds[1], group);
        }
        close(fds[1]);
        sleep_us((long)(rnd() % 12000));
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status))
            fail_msg("round %ld: the writer failed with %d", round, WEXITSTATUS(status));
        uint64_t v, acked = 0;
        while (read(fds[0], &v, sizeof v) == (ssize_t)sizeof v)
            acked = v > acked ? v : acked;
        close(fds[0]);
        if (acked > acked_ever)
            acked_ever = acked;
        if (rnd() % 2 == 0 && jt_file_size(path) > 0) {
            power_cut(acked_ever);
            cuts++;
        }
        /* Recover as the next writer would, then check every record. */
        bx_ctx *ctx = NULL;
        assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
        jt_replay r = {0};
        bx_journal *j = NULL;
        bx_journal_info info;
        bx_status st = bx_journal_open(ctx, &j, path, NULL, jt_collect, &r, &info);
        if (st != BX_OK)
            fail_msg("round %ld: %s", round, bx_ctx_errmsg(ctx));
        if (info.damaged)
            fail_msg("round %ld: damage reported at byte %llu: %s", round,
                     (unsigned long long)info.damage_offset, info.damage_reason);
        if (info.last_seq < acked_ever)
            fail_msg("round %ld: record %llu was acknowledged, the journal ends at %llu",
                     round, (unsigned long long)acked_ever,
                     (unsigned long long)info.last_seq);
        torn_seen += info.torn_bytes > 0;
        assert_true(jt_records_ok(&r, 0, r.n, 1));
        assert_int_equal(r.n, info.last_seq);
        /* A writer's open syncs what it recovered: from here on those
         * records are as durable as acknowledged ones. */
        if (info.last_seq > acked_ever)
            acked_ever = info.last_seq;
        assert_int_equal(bx_journal_close(j), BX_OK);
        jt_replay_free(&r);
        bx_journal_report rep;
        assert_int_equal(bx_journal_verify(ctx, path, NULL, NULL, &rep), BX_OK);
        if (!rep.ok)
            fail_msg("round %ld: the recovered journal does not verify", round);
        bx_ctx_free(ctx);
    }
    print_message("%ld rounds, %llu records acknowledged, %llu power cuts, %llu torn "
                  "tails recovered\n", rounds, (unsigned long long)acked_ever,
                  (unsigned long long)cuts, (unsigned long long)torn_seen);
    jt_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigkill_loses_nothing_acknowledged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
