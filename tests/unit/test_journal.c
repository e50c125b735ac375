/*
 * test_journal.c: the journal: round trips, group commit, torn tails, bit
 * flips at random offsets, damage and repair, the writer's lock, readers
 * beside a writer, snapshots, compaction, verification, out of memory.
 */
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

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
static char path[128];

static int setup(void **state)
{
    (void)state;
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jt_rmdir(dir);
    return 0;
}

static bx_ctx *new_ctx(void)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    return ctx;
}

/* Append records first..last to the journal at path (creating it). */
static void write_records(bx_ctx *ctx, uint64_t first, uint64_t last,
                          bx_journal_sync_mode mode)
{
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.sync = mode;
    o.group_records = 4;
    bx_journal *j = NULL;
    bx_status st = bx_journal_open(ctx, &j, path, &o, NULL, NULL, NULL);
    if (st != BX_OK)
        fail_msg("open: %s", bx_ctx_errmsg(ctx));
    assert_int_equal(bx_journal_last_seq(j), first - 1);
    unsigned char buf[128];
    for (uint64_t n = first; n <= last; n++) {
        uint64_t seq = 0;
        size_t len = jt_record(n, buf, sizeof buf);
        assert_int_equal(bx_journal_append(j, buf, len, &seq), BX_OK);
        assert_int_equal(seq, n);
    }
    assert_int_equal(bx_journal_close(j), BX_OK);
}

/* Open with a collector; returns the status, fills r and info. */
static bx_status open_replay(bx_ctx *ctx, bool read_only, jt_replay *r,
                             bx_journal_info *info, bx_journal **out)
{
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.read_only = read_only;
    bx_journal *j = NULL;
    bx_status st = bx_journal_open(ctx, &j, path, &o, jt_collect, r, info);
    if (out != NULL)
        *out = j;
    else
        bx_journal_close(j);
    return st;
}

static void test_round_trip(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 50, BX_JOURNAL_SYNC_EACH);
    assert_int_equal(jt_file_size(path), jt_frame_offset(51));
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_int_equal(r.n, 50);
    assert_true(jt_records_ok(&r, 0, 50, 1));
    assert_int_equal(info.last_seq, 50);
    assert_int_equal(info.base_seq, 1);
    assert_int_equal(info.records, 50);
    assert_int_equal(info.torn_bytes, 0);
    assert_false(info.damaged);
    assert_false(info.created);
    for (size_t i = 0; i < 50; i++)
        assert_int_equal(r.items[i].offset, jt_frame_offset(i + 1));
    jt_replay_free(&r);
    /* a writer goes on from where it was */
    write_records(ctx, 51, 60, BX_JOURNAL_SYNC_EACH);
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_true(jt_records_ok(&r, 0, 60, 1));
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

static void test_new_and_missing(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    jt_replay r = {0};
    bx_journal_info info;
    /* a reader does not create */
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_ENOTFOUND);
    assert_false(jt_exists(path));
    /* neither does a writer told not to */
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.create = false;
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, NULL, NULL, NULL), BX_ENOTFOUND);
    assert_null(j);
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_true(info.created);
    assert_int_equal(info.last_seq, 0);
    assert_int_equal(jt_file_size(path), 40);
    /* a half-made header (the creator died) is made again */
    jt_truncate(path, 5);
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_true(info.created);
    /* something else is refused, untouched */
    FILE *fp = fopen(path, "wb");
    fputs("order_id,item_id\n", fp);
    fclose(fp);
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "not a boxcar journal"));
    assert_int_equal(jt_file_size(path), 17);
    assert_int_equal(r.n, 0);
    /* a header whose size reached the disk but whose bytes did not (40
     * zeros): no record can have been acknowledged in it, so it is made
     * again; zeros with bytes after them are no such thing */
    unsigned char zeros[41] = {0};
    jt_truncate(path, 0);
    jt_append_bytes(path, zeros, 40);
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_int_equal(info.last_seq, 0);
    assert_int_equal(jt_file_size(path), 40);
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_true(info.created);
    write_records(ctx, 1, 2, BX_JOURNAL_SYNC_EACH);
    jt_truncate(path, 0);
    jt_append_bytes(path, zeros, 41);
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_EINPUT);
    assert_int_equal(jt_file_size(path), 41);
    assert_int_equal(r.n, 0);
    bx_ctx_free(ctx);
}

static void test_bad_appends_change_nothing(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 3, BX_JOURNAL_SYNC_EACH);
    uint64_t size = jt_file_size(path);
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.max_record_bytes = 64;
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, NULL, NULL, NULL), BX_OK);
    static const unsigned char two_items[] = {0x01, 0x02};
    static const unsigned char cut_map[] = {0xa2, 0x61, 0x6e};
    static const unsigned char stray_break[] = {0xff};
    unsigned char big[100];
    memset(big, 0, sizeof big);
    big[0] = 0x58; /* byte string of 98 */
    big[1] = 98;
    assert_int_equal(bx_journal_append(j, two_items, sizeof two_items, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "bytes after the item"));
    assert_int_equal(bx_journal_append(j, cut_map, sizeof cut_map, NULL), BX_EINPUT);
    assert_int_equal(bx_journal_append(j, stray_break, 1, NULL), BX_EINPUT);
    assert_int_equal(bx_journal_append(j, "", 0, NULL), BX_EINPUT);
    assert_int_equal(bx_journal_append(j, big, sizeof big, NULL), BX_ELIMIT);
    assert_int_equal(bx_journal_last_seq(j), 3);
    assert_int_equal(bx_journal_close(j), BX_OK);
    assert_int_equal(jt_file_size(path), size);
    /* a reader cannot append */
    o.read_only = true;
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, NULL, NULL, NULL), BX_OK);
    assert_int_equal(bx_journal_append(j, "\x01", 1, NULL), BX_EINVAL);
    bx_journal_close(j);
    bx_ctx_free(ctx);
}

static void test_group_commit(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.sync = BX_JOURNAL_SYNC_GROUP;
    o.group_records = 10;
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, NULL, NULL, NULL), BX_OK);
    unsigned char buf[128];
    for (uint64_t n = 1; n <= 25; n++) {
        size_t len = jt_record(n, buf, sizeof buf);
        assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_OK);
        /* acknowledged in batches of ten */
        assert_int_equal(bx_journal_durable_seq(j), n / 10 * 10);
        assert_int_equal(bx_journal_last_seq(j), n);
    }
    assert_int_equal(jt_file_size(path), jt_frame_offset(21));
    assert_int_equal(bx_journal_sync(j), BX_OK);
    assert_int_equal(bx_journal_durable_seq(j), 25);
    assert_int_equal(jt_file_size(path), jt_frame_offset(26));
    for (uint64_t n = 26; n <= 30; n++) {
        size_t len = jt_record(n, buf, sizeof buf);
        assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_OK);
    }
    assert_int_equal(bx_journal_close(j), BX_OK); /* close flushes */
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_true(jt_records_ok(&r, 0, 30, 1));
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* Cut the last record at every length: the writer cuts it off and
 * reports it; the 9 records before it survive, and appending goes on. */
static void test_torn_tail_every_length(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 10, BX_JOURNAL_SYNC_EACH);
    uint64_t start = jt_frame_offset(10), end = jt_frame_offset(11);
    char copy[160];
    snprintf(copy, sizeof copy, "%s/whole.bxj", dir);
    for (uint64_t cut = start + 1; cut < end; cut++) {
        /* start again from the whole journal each time */
        char cmd[400];
        snprintf(cmd, sizeof cmd, "cp %s %s", path, copy);
        if (cut == start + 1)
            assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "cp %s %s", copy, path);
        assert_int_equal(system(cmd), 0);
        jt_truncate(path, cut);
        jt_replay r = {0};
        bx_journal_info info;
        /* a reader reports it and changes nothing */
        assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
        assert_int_equal(info.last_seq, 9);
        assert_int_equal(info.torn_bytes, cut - start);
        assert_false(info.damaged);
        assert_int_equal(jt_file_size(path), cut);
        jt_replay_free(&r);
        /* a writer cuts it, keeps no copy of a record that was never whole */
        bx_ctx_clear_warnings(ctx);
        assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
        assert_int_equal(info.last_seq, 9);
        assert_int_equal(info.torn_bytes, cut - start);
        assert_string_equal(info.torn_saved_as, "");
        assert_int_equal(bx_ctx_warning_count(ctx), 1);
        assert_non_null(strstr(bx_ctx_warning(ctx, 0), "cut an unfinished record"));
        assert_true(jt_records_ok(&r, 0, 9, 1));
        assert_int_equal(jt_file_size(path), start);
        jt_replay_free(&r);
    }
    write_records(ctx, 10, 12, BX_JOURNAL_SYNC_EACH);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_true(jt_records_ok(&r, 0, 12, 1));
    assert_int_equal(info.torn_bytes, 0);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* A file system may leave zeros (or old bytes) past the last write. */
static void test_zeros_after_the_end(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 5, BX_JOURNAL_SYNC_EACH);
    unsigned char zeros[4096] = {0};
    jt_append_bytes(path, zeros, sizeof zeros);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_int_equal(info.last_seq, 5);
    assert_int_equal(info.torn_bytes, 4096);
    assert_int_equal(jt_file_size(path), jt_frame_offset(6));
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* xorshift64: the tests' own random numbers, fixed seed. */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Which record holds byte `off` (1-based), for records 1..n. */
static uint64_t record_at(uint64_t off, uint64_t n)
{
    for (uint64_t s = 1; s <= n; s++)
        if (off < jt_frame_offset(s + 1))
            return s;
    return 0;
}

/* One bit flipped at a random offset of the records, 150 times. A flip in
 * any record, the last one included, is damage: reported at that record's
 * offset, never skipped, appends refused until repair, which keeps a copy
 * of the cut records. (A flip leaves every byte of the record there and
 * no 512-byte sector's share of it all zero, so it is no torn write.) */
static void test_bit_flips_at_random_offsets(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    const uint64_t n = 20;
    char whole[160], cmd[1024];
    snprintf(whole, sizeof whole, "%s/whole.bxj", dir);
    write_records(ctx, 1, n, BX_JOURNAL_SYNC_EACH);
    snprintf(cmd, sizeof cmd, "cp %s %s", path, whole);
    assert_int_equal(system(cmd), 0);
    uint64_t size = jt_file_size(path);
    unsigned char buf[128];
    for (int iter = 0; iter < 150; iter++) {
        snprintf(cmd, sizeof cmd, "cp %s %s && rm -f %s.damaged-* %s.torn-*", whole, path,
                 path, path);
        assert_int_equal(system(cmd), 0);
        uint64_t off = 40 + rnd() % (size - 40);
        int bit = (int)(rnd() % 8);
        jt_flip_bit(path, off, bit);
        uint64_t hit = record_at(off, n);
        uint64_t hit_off = jt_frame_offset(hit);
        jt_replay r = {0};
        bx_journal_info info;
        bx_journal *j = NULL;
        bx_ctx_clear_warnings(ctx);
        assert_int_equal(open_replay(ctx, false, &r, &info, &j), BX_OK);
        assert_true(jt_records_ok(&r, 0, hit - 1, 1));
        assert_int_equal(r.n, hit - 1);
        assert_int_equal(info.last_seq, hit - 1);
        {
            assert_true(info.damaged);
            assert_int_equal(info.damage_offset, hit_off);
            assert_int_equal(info.damage_seq, hit);
            assert_int_equal(info.intact_after, n - hit);
            assert_int_equal(info.resume_offset, hit < n ? jt_frame_offset(hit + 1) : 0);
            assert_int_equal(bx_ctx_warning_count(ctx), 1);
            size_t len = jt_record(999, buf, sizeof buf);
            assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_EINPUT);
            bx_location at = bx_ctx_errloc(ctx);
            assert_int_equal(at.offset, hit_off);
            assert_int_equal(at.record, hit);
            assert_int_equal(jt_file_size(path), size); /* refused: untouched */
            char saved[256];
            assert_int_equal(bx_journal_repair(j, saved, sizeof saved), BX_OK);
            assert_int_equal(jt_file_size(path), hit_off);
            /* the copy is a journal starting with the damaged record */
            assert_int_equal(jt_file_size(saved), 40 + size - hit_off);
            bx_journal_report rep;
            assert_int_equal(bx_journal_verify(ctx, saved, NULL, NULL, &rep), BX_OK);
            assert_int_equal(rep.info.base_seq, hit);
            assert_true(rep.info.damaged);
            assert_int_equal(rep.info.intact_after, n - hit);
            len = jt_record(hit, buf, sizeof buf);
            assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_OK);
        }
        assert_int_equal(bx_journal_close(j), BX_OK);
        jt_replay_free(&r);
        /* either way it is a healthy journal again */
        bx_journal_report rep;
        assert_int_equal(bx_journal_verify(ctx, path, NULL, NULL, &rep), BX_OK);
        assert_true(rep.ok);
        assert_int_equal(rep.info.last_seq, hit);
    }
    bx_ctx_free(ctx);
}

static void test_damaged_header(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 3, BX_JOURNAL_SYNC_EACH);
    uint64_t size = jt_file_size(path);
    for (uint64_t off = 0; off < 40; off += 3) {
        jt_flip_bit(path, off, (int)(off % 8));
        jt_replay r = {0};
        bx_journal_info info;
        assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_EINPUT);
        assert_int_equal(jt_file_size(path), size);
        assert_int_equal(r.n, 0);
        jt_flip_bit(path, off, (int)(off % 8));
    }
    bx_ctx_free(ctx);
}

/* Group commit: the records of one batch all say the previous batch was
 * the last durable one. Damage in an older batch is damage, told by the
 * later records; in the last batch no later record vouches for it, but the
 * flipped record is whole (no sector of it reads as zeros, the file goes
 * on after it), so it is damage too, not a torn batch. */
static void test_damage_in_group_batches(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 12, BX_JOURNAL_SYNC_GROUP); /* batches of 4 */
    jt_flip_bit(path, jt_frame_offset(6) + 30, 2);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_true(info.damaged);
    assert_int_equal(info.damage_seq, 6);
    assert_int_equal(info.intact_after, 6);
    jt_replay_free(&r);
    jt_flip_bit(path, jt_frame_offset(6) + 30, 2);
    jt_flip_bit(path, jt_frame_offset(10) + 30, 2);
    uint64_t size = jt_file_size(path);
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_true(info.damaged);
    assert_int_equal(info.damage_seq, 10);
    assert_int_equal(info.damage_offset, jt_frame_offset(10));
    assert_int_equal(info.intact_after, 2);
    assert_int_equal(info.resume_offset, jt_frame_offset(11));
    assert_int_equal(info.last_seq, 9);
    assert_int_equal(info.torn_bytes, 0);
    assert_int_equal(jt_file_size(path), size);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* A group's pages may reach the disk out of order: record 6 lost, 7..9
 * there. Nothing of that batch was acknowledged: a torn tail, not damage. */
static void test_torn_batch_out_of_order(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 9, BX_JOURNAL_SYNC_GROUP); /* 1-4, 5-8, 9 */
    write_records(ctx, 10, 13, BX_JOURNAL_SYNC_GROUP); /* one batch 10-13 */
    int fd = open(path, O_RDWR);
    unsigned char zeros[24] = {0};
    assert_int_equal(pwrite(fd, zeros, sizeof zeros, (off_t)jt_frame_offset(10)), 24);
    close(fd);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_false(info.damaged);
    assert_int_equal(info.last_seq, 9);
    assert_int_equal(info.torn_intact, 3);
    assert_true(jt_exists(info.torn_saved_as));
    assert_int_equal(jt_file_size(path), jt_frame_offset(10));
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* The first n >= 2 whose record's 24-byte frame head straddles a 512-byte
 * sector boundary (jt_frame_offset gives the offsets independently of the
 * journal code). */
static uint64_t straddling_record(void)
{
    for (uint64_t n = 2;; n++) {
        uint64_t in_sector = jt_frame_offset(n) % 512;
        if (in_sector > 512 - 24)
            return n;
    }
}

static void zero_range(uint64_t off, uint64_t n)
{
    unsigned char zeros[512] = {0};
    assert_true(n <= sizeof zeros);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, zeros, (size_t)n, (off_t)off), (ssize_t)n);
    close(fd);
}

/* Every single-bit flip of the last record's frame head (length, lag,
 * sequence number, both checksums; 192 bits), for a last record whose head
 * lies inside one sector and for one whose head straddles two: the record
 * is whole, so it is damage, reported at its offset, never cut by a
 * writer's open; repair keeps a copy of it and the journal goes on. */
static void test_last_record_head_every_bit(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    uint64_t counts[2] = {20, straddling_record()};
    char whole[160], cmd[1024];
    snprintf(whole, sizeof whole, "%s/whole.bxj", dir);
    unsigned char buf[128];
    for (int layout = 0; layout < 2; layout++) {
        uint64_t n = counts[layout], last = jt_frame_offset(n);
        assert_true(layout == 0 ? last / 512 == (last + 23) / 512
                                : last / 512 != (last + 23) / 512);
        remove(path);
        write_records(ctx, 1, n, BX_JOURNAL_SYNC_EACH);
        uint64_t size = jt_file_size(path);
        assert_int_equal(size, jt_frame_offset(n + 1));
        snprintf(cmd, sizeof cmd, "cp %s %s", path, whole);
        assert_int_equal(system(cmd), 0);
        for (int bit = 0; bit < 24 * 8; bit++) {
            snprintf(cmd, sizeof cmd, "cp %s %s && rm -f %s.damaged-* %s.torn-*", whole,
                     path, path, path);
            assert_int_equal(system(cmd), 0);
            jt_flip_bit(path, last + (uint64_t)(bit / 8), bit % 8);
            jt_replay r = {0};
            bx_journal_info info;
            bx_journal *j = NULL;
            bx_ctx_clear_warnings(ctx);
            assert_int_equal(open_replay(ctx, false, &r, &info, &j), BX_OK);
            if (!info.damaged)
                fail_msg("%llu records, bit %d of the last head: not reported as damage "
                         "(%llu torn bytes)", (unsigned long long)n, bit,
                         (unsigned long long)info.torn_bytes);
            assert_int_equal(info.damage_offset, last);
            assert_int_equal(info.damage_seq, n);
            assert_int_equal(info.intact_after, 0);
            assert_int_equal(info.torn_bytes, 0);
            assert_true(jt_records_ok(&r, 0, n - 1, 1));
            assert_int_equal(r.n, n - 1);
            assert_int_equal(bx_ctx_warning_count(ctx), 1);
            assert_non_null(strstr(bx_ctx_warning(ctx, 0), "damaged last record"));
            char where[64];
            snprintf(where, sizeof where, "record %llu (byte %llu)", (unsigned long long)n,
                     (unsigned long long)last);
            assert_non_null(strstr(bx_ctx_warning(ctx, 0), where));
            /* the writer's open cut nothing, and appends wait for repair */
            assert_int_equal(jt_file_size(path), size);
            size_t len = jt_record(n, buf, sizeof buf);
            assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_EINPUT);
            assert_int_equal(jt_file_size(path), size);
            char saved[256];
            assert_int_equal(bx_journal_repair(j, saved, sizeof saved), BX_OK);
            assert_int_equal(jt_file_size(saved), 40 + size - last);
            assert_int_equal(jt_file_size(path), last);
            assert_int_equal(bx_journal_append(j, buf, len, NULL), BX_OK);
            assert_int_equal(bx_journal_close(j), BX_OK);
            jt_replay_free(&r);
        }
    }
    bx_ctx_free(ctx);
}

/* What an unfinished write of the last record can leave, with the disk
 * writing whole 512-byte sectors (zeros where a sector was never written
 * past the old end): each is a torn tail, cut by a writer. The same
 * record with a few zero bytes that are no whole sector's share of it is
 * damage. The last record's head straddles a sector boundary at b. */
static void test_torn_shapes_of_the_last_record(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    uint64_t n = straddling_record(), last = jt_frame_offset(n);
    uint64_t end = jt_frame_offset(n + 1), b = (last / 512 + 1) * 512;
    write_records(ctx, 1, n, BX_JOURNAL_SYNC_EACH);
    char whole[160], cmd[1024];
    snprintf(whole, sizeof whole, "%s/whole.bxj", dir);
    snprintf(cmd, sizeof cmd, "cp %s %s", path, whole);
    assert_int_equal(system(cmd), 0);
    struct {
        uint64_t off, len;
        bool torn, copy; /* copy: the frame is whole, a copy is kept */
    } cases[] = {
        {last, b - last, true, false},         /* the head's first sector unwritten */
        {b, last + 24 - b, true, false},       /* its second sector unwritten */
        {last, 24, true, false},               /* the whole head zero */
        {last + 24, 3, false, false},          /* 3 zero bytes: no sector's share */
        {last + 4, 1, false, false},           /* the lag's low byte (1 -> 0) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(cmd, sizeof cmd, "cp %s %s && rm -f %s.damaged-* %s.torn-*", whole, path,
                 path, path);
        assert_int_equal(system(cmd), 0);
        zero_range(cases[i].off, cases[i].len);
        jt_replay r = {0};
        bx_journal_info info;
        assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
        if (info.damaged == cases[i].torn)
            fail_msg("case %zu: %s", i, cases[i].torn ? "damage where a torn write was"
                                                      : "a torn write where damage was");
        assert_int_equal(info.last_seq, n - 1);
        assert_true(jt_records_ok(&r, 0, n - 1, 1));
        if (cases[i].torn) {
            assert_int_equal(info.torn_bytes, end - last);
            assert_int_equal(jt_file_size(path), last);
            assert_int_equal(info.torn_saved_as[0] != '\0', cases[i].copy);
        } else {
            assert_int_equal(info.damage_offset, last);
            assert_int_equal(jt_file_size(path), end);
        }
        jt_replay_free(&r);
    }
    /* A last record whose head verifies and whose payload runs into the
     * next sector, which was never written: cut, with a copy (the frame is
     * all there, so its bytes are kept). */
    for (n = 2;; n++) {
        last = jt_frame_offset(n);
        end = jt_frame_offset(n + 1);
        b = (last / 512 + 1) * 512;
        if (last + 24 <= b && end > b)
            break;
    }
    remove(path);
    write_records(ctx, 1, n, BX_JOURNAL_SYNC_EACH);
    zero_range(b, end - b);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_false(info.damaged);
    assert_int_equal(info.last_seq, n - 1);
    assert_int_equal(info.torn_bytes, end - last);
    assert_true(jt_exists(info.torn_saved_as));
    assert_int_equal(jt_file_size(path), last);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* A record numbered wrongly (a foreign writer, a splice) is damage too. */
static void test_sequence_gap(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 6, BX_JOURNAL_SYNC_EACH);
    /* cut record 3 out: 1, 2, 4, 5, 6 */
    size_t n = (size_t)jt_file_size(path);
    unsigned char *all = malloc(n);
    FILE *fp = fopen(path, "rb");
    assert_int_equal(fread(all, 1, n, fp), n);
    fclose(fp);
    uint64_t a = jt_frame_offset(3), b = jt_frame_offset(4);
    memmove(all + a, all + b, n - b);
    fp = fopen(path, "wb");
    fwrite(all, 1, n - (b - a), fp);
    fclose(fp);
    free(all);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_true(info.damaged);
    assert_int_equal(info.damage_seq, 3);
    assert_int_equal(info.damage_offset, a);
    assert_non_null(strstr(info.damage_reason, "numbered 4 where 3"));
    assert_int_equal(r.n, 2);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

static void test_two_writers_and_readers(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 3, BX_JOURNAL_SYNC_EACH);
    bx_journal_options o;
    bx_journal_options_init(&o);
    bx_journal *a = NULL, *b = NULL;
    assert_int_equal(bx_journal_open(ctx, &a, path, &o, NULL, NULL, NULL), BX_OK);
    assert_int_equal(bx_journal_open(ctx, &b, path, &o, NULL, NULL, NULL), BX_EIO);
    assert_null(b);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "locked by another writer"));
    o.lock_timeout_ms = 30;
    assert_int_equal(bx_journal_open(ctx, &b, path, &o, NULL, NULL, NULL), BX_EIO);
    /* a reader reads beside the writer, and sees its appends */
    unsigned char buf[128];
    size_t len = jt_record(4, buf, sizeof buf);
    assert_int_equal(bx_journal_append(a, buf, len, NULL), BX_OK);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_true(jt_records_ok(&r, 0, 4, 1));
    assert_true(info.writer_active);
    jt_replay_free(&r);
    /* half a record being written is no damage to a reader */
    jt_append_bytes(path, buf, 10);
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_int_equal(info.last_seq, 4);
    assert_int_equal(info.torn_bytes, 0);
    jt_replay_free(&r);
    assert_int_equal(bx_journal_close(a), BX_OK);
    /* now the writer is gone: it is a torn tail */
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_int_equal(info.torn_bytes, 10);
    assert_false(info.writer_active);
    jt_replay_free(&r);
    assert_int_equal(bx_journal_open(ctx, &b, path, &o, NULL, NULL, NULL), BX_OK);
    assert_int_equal(bx_journal_close(b), BX_OK);
    bx_ctx_free(ctx);
}

/* A second writer in a child process: it waits for "go", then opens the
 * journal waiting for the lock as long as it takes, and appends one record.
 * The child is forked before the parent opens the journal: a forked child
 * shares its parent's open files, flock locks included. */
static pid_t spawn_waiting_writer(int *go_fd, int *ready_fd)
{
    int go[2], ready[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char x;
        close(go[1]);
        close(ready[0]);
        if (read(go[0], &x, 1) != 1)
            _exit(4);
        bx_ctx *c2 = new_ctx();
        bx_journal_options o;
        bx_journal_options_init(&o);
        o.lock_timeout_ms = -1;
        bx_journal *b = NULL;
        (void)!write(ready[1], "x", 1);
        if (bx_journal_open(c2, &b, path, &o, NULL, NULL, NULL) != BX_OK)
            _exit(2);
        unsigned char buf[128];
        size_t len = jt_record(bx_journal_last_seq(b) + 1, buf, sizeof buf);
        _exit(bx_journal_append(b, buf, len, NULL) == BX_OK && bx_journal_close(b) == BX_OK
                  ? 0 : 3);
    }
    close(go[0]);
    close(ready[1]);
    *go_fd = go[1];
    *ready_fd = ready[0];
    return pid;
}

static void start_and_wait_ready(int go_fd, int ready_fd)
{
    char x;
    assert_int_equal(write(go_fd, "x", 1), 1);
    assert_int_equal(read(ready_fd, &x, 1), 1);
    close(go_fd);
    close(ready_fd);
    sleep_ms(50); /* let it block on the lock */
}

static void reap(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_waiting_writer(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 2, BX_JOURNAL_SYNC_EACH);
    int go, ready;
    pid_t pid = spawn_waiting_writer(&go, &ready);
    bx_journal *a = NULL;
    assert_int_equal(bx_journal_open(ctx, &a, path, NULL, NULL, NULL, NULL), BX_OK);
    start_and_wait_ready(go, ready);
    unsigned char buf[128];
    size_t len = jt_record(3, buf, sizeof buf);
    assert_int_equal(bx_journal_append(a, buf, len, NULL), BX_OK);
    assert_int_equal(bx_journal_close(a), BX_OK);
    reap(pid);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_true(jt_records_ok(&r, 0, 4, 1));
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

static void put_items(bx_journal *j, int count)
{
    bx_snapshot_writer *w = NULL;
    assert_int_equal(bx_journal_snapshot_begin(j, &w), BX_OK);
    for (int i = 0; i < count; i++) {
        unsigned char item[2] = {0x18, (unsigned char)(100 + i)}; /* uint 100+i */
        assert_int_equal(bx_snapshot_put(w, item, 2), BX_OK);
    }
    assert_int_equal(bx_snapshot_commit(w), BX_OK);
}

static void touch(const char *p)
{
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fclose(fp);
}

/* A snapshot or compaction killed before its rename leaves PATH.tmp.XXXXXX
 * or PATH.snap.tmp.XXXXXX behind; the next snapshot (the lock holder's)
 * removes exactly those: names with mkstemp's six letters or digits after
 * the journal's or its snapshot's own name, nothing else. */
static void test_snapshot_removes_stale_temporaries(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 5, BX_JOURNAL_SYNC_EACH);
    static const char *stale[] = {"pool.bxj.tmp.aZ09xY", "pool.bxj.snap.tmp.Qw3rTy"};
    static const char *kept[] = {"pool.bxj.tmp.short", "pool.bxj.tmp.toolong1",
                                 "pool.bxj.tmp.ab-cde", "other.bxj.tmp.aZ09xY",
                                 "pool.bxj.damaged-40"};
    char p[256];
    for (size_t i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, stale[i]);
        touch(p);
    }
    for (size_t i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, kept[i]);
        touch(p);
    }
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    put_items(j, 1);
    assert_int_equal(bx_journal_compact(j, NULL), BX_OK);
    assert_int_equal(bx_journal_close(j), BX_OK);
    for (size_t i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, stale[i]);
        assert_false(jt_exists(p));
    }
    for (size_t i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, kept[i]);
        assert_true(jt_exists(p));
        remove(p);
    }
    bx_ctx_free(ctx);
}

static void test_snapshot_replay(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 100, BX_JOURNAL_SYNC_GROUP);
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    put_items(j, 3);
    assert_int_equal(bx_journal_close(j), BX_OK);
    write_records(ctx, 101, 110, BX_JOURNAL_SYNC_EACH);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_true(info.snapshot_used);
    assert_int_equal(info.snapshot_seq, 100);
    assert_int_equal(info.records_replayed, 10);
    assert_int_equal(r.n, 13);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.items[i].kind, BX_JOURNAL_SNAPSHOT_ITEM);
        assert_int_equal(r.items[i].seq, i + 1);
        assert_int_equal(r.items[i].data[1], 100 + i);
    }
    assert_true(jt_records_ok(&r, 3, 10, 101));
    jt_replay_free(&r);
    /* the snapshot ignored on request */
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.use_snapshot = false;
    o.read_only = true;
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, jt_collect, &r, &info), BX_OK);
    bx_journal_close(j);
    assert_true(jt_records_ok(&r, 0, 110, 1));
    jt_replay_free(&r);
    /* a damaged snapshot is not used: full replay, with a warning */
    char snap[200];
    assert_true(bx_journal_snapshot_path(path, snap, sizeof snap));
    jt_flip_bit(snap, jt_file_size(snap) - 1, 0);
    bx_ctx_clear_warnings(ctx);
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_false(info.snapshot_used);
    assert_non_null(strstr(info.snapshot_problem, "item 3 of 3"));
    assert_int_equal(bx_ctx_warning_count(ctx), 1);
    assert_true(jt_records_ok(&r, 0, 110, 1));
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* Damage before the snapshot: an open from the snapshot never reads it
 * (the state is whole); verify reports the damage and the snapshot as
 * fine. */
static void test_damage_before_the_snapshot(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 10, BX_JOURNAL_SYNC_GROUP);
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    put_items(j, 2);
    bx_journal_close(j);
    write_records(ctx, 11, 12, BX_JOURNAL_SYNC_EACH);
    jt_flip_bit(path, jt_frame_offset(4) + 27, 5);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, false, &r, &info, NULL), BX_OK);
    assert_true(info.snapshot_used);
    assert_false(info.damaged);
    assert_int_equal(r.n, 4); /* 2 items, records 11 and 12 */
    jt_replay_free(&r);
    bx_journal_report rep;
    assert_int_equal(bx_journal_verify(ctx, path, NULL, NULL, &rep), BX_OK);
    assert_false(rep.ok);
    assert_true(rep.info.damaged);
    assert_int_equal(rep.info.damage_seq, 4);
    assert_true(rep.snapshot_ok);
    assert_int_equal(rep.snapshot_seq, 10);
    bx_ctx_free(ctx);
}

static void test_snapshot_of_another_journal(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    char other[160], cmd[400];
    write_records(ctx, 1, 5, BX_JOURNAL_SYNC_EACH);
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    put_items(j, 1);
    bx_journal_close(j);
    snprintf(other, sizeof other, "%s/other.bxj", dir);
    snprintf(cmd, sizeof cmd, "cp %s.snap %s.snap", path, other);
    assert_int_equal(system(cmd), 0);
    strcpy(path + strlen(dir) + 1, "other.bxj");
    write_records(ctx, 1, 5, BX_JOURNAL_SYNC_EACH);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_false(info.snapshot_used);
    assert_non_null(strstr(info.snapshot_problem, "another journal"));
    assert_int_equal(r.n, 5);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

static void test_compaction(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    char archive[160];
    snprintf(archive, sizeof archive, "%s/archive.bxj", dir);
    write_records(ctx, 1, 40, BX_JOURNAL_SYNC_GROUP);
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    assert_int_equal(bx_journal_compact(j, archive), BX_EINVAL); /* no snapshot yet */
    put_items(j, 2);
    assert_int_equal(bx_journal_compact(j, archive), BX_OK);
    assert_int_equal(jt_file_size(path), 40);
    unsigned char buf[128];
    size_t len = jt_record(41, buf, sizeof buf);
    uint64_t seq = 0;
    assert_int_equal(bx_journal_append(j, buf, len, &seq), BX_OK);
    assert_int_equal(seq, 41);
    assert_int_equal(bx_journal_close(j), BX_OK);
    /* the archive holds the old records */
    bx_journal_report rep;
    jt_replay r = {0};
    assert_int_equal(bx_journal_verify(ctx, archive, jt_collect, &r, &rep), BX_OK);
    assert_true(jt_records_ok(&r, 0, 40, 1));
    jt_replay_free(&r);
    /* the journal opens from the snapshot */
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_int_equal(info.base_seq, 41);
    assert_int_equal(r.n, 3);
    assert_true(jt_records_ok(&r, 2, 1, 41));
    jt_replay_free(&r);
    assert_int_equal(bx_journal_verify(ctx, path, NULL, NULL, &rep), BX_OK);
    assert_true(rep.ok);
    assert_true(rep.snapshot_ok);
    /* without its snapshot a compacted journal cannot be rebuilt: said so */
    char snap[200], cmd[500];
    assert_true(bx_journal_snapshot_path(path, snap, sizeof snap));
    snprintf(cmd, sizeof cmd, "mv %s %s.away", snap, snap);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "snapshot"));
    assert_int_equal(bx_journal_verify(ctx, path, NULL, NULL, &rep), BX_OK);
    assert_false(rep.ok);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

/* A writer waiting for the lock while the journal is compacted ends up
 * appending to the new file, not to the old one that lost its name. */
static void test_compaction_moves_waiting_writer(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 10, BX_JOURNAL_SYNC_EACH);
    int go, ready;
    pid_t pid = spawn_waiting_writer(&go, &ready);
    bx_journal *a = NULL;
    assert_int_equal(bx_journal_open(ctx, &a, path, NULL, NULL, NULL, NULL), BX_OK);
    start_and_wait_ready(go, ready);
    put_items(a, 1);
    assert_int_equal(bx_journal_compact(a, NULL), BX_OK);
    assert_int_equal(bx_journal_close(a), BX_OK);
    reap(pid);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_int_equal(info.base_seq, 11);
    assert_int_equal(info.last_seq, 11);
    assert_true(jt_records_ok(&r, 1, 1, 11));
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

static void test_replay_error_stops_open(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 5, BX_JOURNAL_SYNC_EACH);
    jt_replay r = {0};
    r.fail_at = 3;
    bx_journal *j = (bx_journal *)&r; /* must come back NULL */
    bx_journal_options o;
    bx_journal_options_init(&o);
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, jt_collect, &r, NULL), BX_EINPUT);
    assert_null(j);
    assert_int_equal(r.n, 2);
    jt_replay_free(&r);
    /* and the lock was let go */
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, NULL, NULL, NULL), BX_OK);
    bx_journal_close(j);
    bx_ctx_free(ctx);
}

static void test_scan_mem_matches_file(void **state)
{
    (void)state;
    bx_ctx *ctx = new_ctx();
    write_records(ctx, 1, 30, BX_JOURNAL_SYNC_EACH);
    size_t n = (size_t)jt_file_size(path);
    unsigned char *img = malloc(n);
    FILE *fp = fopen(path, "rb");
    assert_int_equal(fread(img, 1, n, fp), n);
    fclose(fp);
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(bx_journal_scan_mem(ctx, "img", img, n, NULL, jt_collect, &r, &info), BX_OK);
    assert_true(jt_records_ok(&r, 0, 30, 1));
    jt_replay_free(&r);
    img[jt_frame_offset(7) + 26] ^= 0x10;
    assert_int_equal(bx_journal_scan_mem(ctx, "img", img, n, NULL, jt_collect, &r, &info), BX_OK);
    assert_true(info.damaged);
    assert_int_equal(info.damage_seq, 7);
    jt_replay_free(&r);
    assert_int_equal(bx_journal_scan_mem(ctx, "img", img, 39, NULL, NULL, NULL, &info), BX_EINPUT);
    free(img);
    bx_ctx_free(ctx);
}

/* Every allocation of open, append, snapshot, compaction and close fails
 * in turn: each failure is reported, nothing leaks, and the journal stays
 * readable with no record lost. */
static void test_out_of_memory(void **state)
{
    (void)state;
    {
        bx_ctx *ctx = new_ctx();
        write_records(ctx, 1, 5, BX_JOURNAL_SYNC_EACH);
        bx_ctx_free(ctx);
    }
    unsigned char buf[128];
    uint64_t expect = 5;
    for (uint64_t fail = 1; fail < 200; fail++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, fail);
        assert_non_null(ctx);
        bx_journal *j = NULL;
        bx_status st = bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL);
        if (st == BX_OK) {
            size_t len = jt_record(expect + 1, buf, sizeof buf);
            st = bx_journal_append(j, buf, len, NULL);
            if (st == BX_OK)
                expect++;
            if (st == BX_OK) {
                bx_snapshot_writer *w = NULL;
                st = bx_journal_snapshot_begin(j, &w);
                if (st == BX_OK)
                    st = bx_snapshot_put(w, "\x01", 1);
                if (st == BX_OK)
                    st = bx_snapshot_commit(w);
                else
                    bx_snapshot_abort(w);
            }
            if (st == BX_OK)
                st = bx_journal_compact(j, NULL);
            bx_status cst = bx_journal_close(j);
            if (st == BX_OK)
                st = cst;
        }
        if (st != BX_OK)
            assert_int_equal(st, BX_ENOMEM);
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_blocks, 0);
        if (ta.failures == 0)
            break;
    }
    bx_ctx *ctx = new_ctx();
    jt_replay r = {0};
    bx_journal_info info;
    assert_int_equal(open_replay(ctx, true, &r, &info, NULL), BX_OK);
    assert_int_equal(info.last_seq, expect);
    jt_replay_free(&r);
    bx_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_and_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_appends_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail_every_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zeros_after_the_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bit_flips_at_random_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damage_in_group_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_record_head_every_bit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_shapes_of_the_last_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_batch_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sequence_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_writers_and_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waiting_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_removes_stale_temporaries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_damage_before_the_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_of_another_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compaction_moves_waiting_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_error_stops_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_mem_matches_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
