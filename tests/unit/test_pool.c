/*
 * test_pool.c: the container pool: figures worked out by hand, the order
 * containers are picked in, replay equal to snapshot, bad input leaving
 * the journal untouched, batches all or nothing, damage and repair,
 * verification, compaction, automatic snapshots, stock for packing, and
 * every allocation failing in turn.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal_testutil.h"
#include "pool_testutil.h"
#include "testutil.h"

static char dir[64];
static char path[128];
static bx_ctx *ctx;
static bx_catalog *cat;
static test_diags diags;

static int setup(void **state)
{
    (void)state;
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    memset(&diags, 0, sizeof diags);
    bx_ctx_set_diag(ctx, test_diag_fn, &diags);
    cat = pt_catalog(ctx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    jt_rmdir(dir);
    return 0;
}

static bx_pool *open_pool(bool read_only, bool group)
{
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = read_only;
    o.journal.sync = group ? BX_JOURNAL_SYNC_GROUP : BX_JOURNAL_SYNC_EACH;
    bx_pool *pool = NULL;
    bx_status st = bx_pool_open(ctx, &pool, path, cat, &o);
    if (st != BX_OK)
        fail_msg("open: %s", bx_ctx_errmsg(ctx));
    return pool;
}

/* The scenario of the figures test:
 *   stations A and B; C1..C4 of crate-pp registered at A at T0;
 *   C1 issued T0+1h (O1), delivered T0+5h, returned at B T0+49h: 48 h;
 *   C2 issued T0+2h (O2), returned at A T0+26h: 24 h;
 *   C3 issued T0+3h (O3), lost T0+100h;
 *   C4 issued T0+4h (O4), still out;
 *   S1 of crate-s registered at B at T0+1h. */
static void scenario(bx_pool *pool)
{
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_station(PT_T0, "B"));
    const char *ids[] = {"C1", "C2", "C3", "C4"};
    for (int i = 0; i < 4; i++)
        pt_apply(pool, pt_register(PT_T0, ids[i], "crate-pp", "A"));
    pt_apply(pool, pt_register(PT_T0 + PT_HOUR, "S1", "crate-s", "B"));
    pt_apply(pool, pt_issue(PT_T0 + 1 * PT_HOUR, "C1", "A", "O1"));
    pt_apply(pool, pt_issue(PT_T0 + 2 * PT_HOUR, "C2", "A", "O2"));
    pt_apply(pool, pt_issue(PT_T0 + 3 * PT_HOUR, "C3", "A", "O3"));
    pt_apply(pool, pt_issue(PT_T0 + 4 * PT_HOUR, "C4", "A", "O4"));
    pt_apply(pool, pt_ev(BX_EV_DELIVER, PT_T0 + 5 * PT_HOUR, "C1"));
    pt_apply(pool, pt_return(PT_T0 + 26 * PT_HOUR, "C2", "A"));
    pt_apply(pool, pt_return(PT_T0 + 49 * PT_HOUR, "C1", "B"));
    pt_apply(pool, pt_ev(BX_EV_LOST, PT_T0 + 100 * PT_HOUR, "C3"));
}

static void test_figures(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, true);
    scenario(pool);
    bx_pool_stats s;
    /* now = T0 + 4h + 31 days: C4 has been out 31 days (> 30: overdue) */
    int64_t now = PT_T0 + 4 * PT_HOUR + 31 * PT_DAY;
    assert_int_equal(bx_pool_stats_get(pool, "crate-pp", now, 30 * PT_DAY, &s), BX_OK);
    assert_int_equal(s.containers, 4);
    assert_int_equal(s.issues, 4);
    assert_int_equal(s.trips_returned, 2);
    assert_int_equal(s.trips_lost, 1);
    /* ended trips: 2 returned + 1 lost */
    assert_true(fabs(s.return_rate - 2.0 / 3.0) < 1e-12);
    assert_true(fabs(s.loss_rate - 1.0 / 3.0) < 1e-12);
    /* (48 h + 24 h) / 2 = 36 h = 129600 s */
    assert_true(fabs(s.mean_cycle_s - 129600.0) < 1e-9);
    assert_int_equal(s.overdue, 1);
    assert_int_equal(s.in_state[BX_CS_RETURNED], 2);
    assert_int_equal(s.in_state[BX_CS_LOST], 1);
    assert_int_equal(s.in_state[BX_CS_ISSUED], 1);
    assert_int_equal(s.in_state[BX_CS_AVAILABLE], 0);
    /* one day earlier C4 had been out 30 days exactly: not overdue yet */
    assert_int_equal(bx_pool_stats_get(pool, NULL, now - PT_DAY, 30 * PT_DAY, &s), BX_OK);
    assert_int_equal(s.overdue, 0);
    assert_int_equal(s.containers, 5);
    assert_int_equal(s.in_state[BX_CS_AVAILABLE], 1); /* S1 */
    assert_int_equal(bx_pool_stats_get(pool, "nope", now, 0, &s), BX_ENOTFOUND);

    /* C3 turns up at A: its trip counts as returned, not in the cycle mean */
    pt_apply(pool, pt_return(PT_T0 + 200 * PT_HOUR, "C3", "A"));
    pt_apply(pool, pt_ev(BX_EV_WASH, PT_T0 + 201 * PT_HOUR, "C2"));
    assert_int_equal(bx_pool_stats_get(pool, "crate-pp", now, 30 * PT_DAY, &s), BX_OK);
    assert_int_equal(s.trips_returned, 3);
    assert_int_equal(s.trips_lost, 0);
    assert_int_equal(s.found, 1);
    assert_true(s.return_rate == 1.0);
    assert_true(fabs(s.mean_cycle_s - 129600.0) < 1e-9);
    assert_int_equal(s.washes, 1);
    assert_int_equal(bx_pool_available(pool, "A", "crate-pp"), 1);
    assert_int_equal(bx_pool_available(pool, "B", "crate-pp"), 0);
    assert_int_equal(bx_pool_available(pool, "B", "crate-s"), 1);
    assert_int_equal(bx_pool_available(pool, "nowhere", "crate-s"), 0);
    bx_container_info c;
    assert_int_equal(bx_pool_find(pool, "C1", &c), BX_OK);
    assert_string_equal(c.station_id, "B");
    assert_int_equal(c.trips, 1);
    assert_int_equal(c.state, BX_CS_RETURNED);
    assert_string_equal(c.order_id, "");
    assert_int_equal(bx_pool_find(pool, "C4", &c), BX_OK);
    assert_string_equal(c.order_id, "O4");
    assert_int_equal(c.issued_s, PT_T0 + 4 * PT_HOUR);
    assert_int_equal(bx_pool_find(pool, "C9", &c), BX_ENOTFOUND);
    /* no trip ended yet: rates are not numbers, not zero */
    assert_int_equal(bx_pool_stats_get(pool, "crate-s", now, 0, &s), BX_OK);
    assert_true(isnan(s.return_rate) && isnan(s.mean_cycle_s));
    bx_pool_close(pool);
}

/* Containers are picked longest-ready first, also after a reopen from a
 * snapshot. */
static void test_pick_order(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, true);
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_register(PT_T0, "D1", "crate-pp", "A"));
    pt_apply(pool, pt_register(PT_T0 + 1, "D2", "crate-pp", "A"));
    pt_apply(pool, pt_register(PT_T0 + 2, "D3", "crate-pp", "A"));
    const char *ids[4];
    assert_int_equal(bx_pool_pick(pool, "A", "crate-pp", 4, ids), 3);
    assert_string_equal(ids[0], "D1");
    pt_apply(pool, pt_issue(PT_T0 + 10, "D1", "A", "O1"));
    pt_apply(pool, pt_return(PT_T0 + 20, "D1", "A"));
    pt_apply(pool, pt_ev(BX_EV_WASH, PT_T0 + 30, "D1"));
    pt_apply(pool, pt_inspect(PT_T0 + 40, "D2", false)); /* stays where it is in line */
    assert_int_equal(bx_pool_pick(pool, "A", "crate-pp", 4, ids), 3);
    assert_string_equal(ids[0], "D2");
    assert_string_equal(ids[1], "D3");
    assert_string_equal(ids[2], "D1");
    assert_int_equal(bx_pool_pick(pool, "A", "crate-pp", 1, ids), 1);
    assert_int_equal(bx_pool_snapshot(pool), BX_OK);
    bx_pool_close(pool);
    pool = open_pool(true, false);
    assert_true(bx_pool_journal_info(pool)->snapshot_used);
    assert_int_equal(bx_pool_pick(pool, "A", "crate-pp", 4, ids), 3);
    assert_string_equal(ids[0], "D2");
    assert_string_equal(ids[1], "D3");
    assert_string_equal(ids[2], "D1");
    bx_pool_close(pool);
}

static void same_container(const bx_container_info *a, const bx_container_info *b)
{
    assert_string_equal(a->container_id, b->container_id);
    assert_string_equal(a->type_id, b->type_id);
    assert_string_equal(a->station_id, b->station_id);
    assert_string_equal(a->order_id, b->order_id);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->trips, b->trips);
    assert_int_equal(a->issues, b->issues);
    assert_int_equal(a->washes, b->washes);
    assert_int_equal(a->repairs, b->repairs);
    assert_int_equal(a->inspections, b->inspections);
    assert_int_equal(a->last_event, b->last_event);
    assert_int_equal(a->last_time_s, b->last_time_s);
    assert_int_equal(a->last_seq, b->last_seq);
    assert_int_equal(a->registered_s, b->registered_s);
    assert_int_equal(a->issued_s, b->issued_s);
}

/* A pseudo-random history of 60 containers (only legal events, chosen from
 * what each state allows) gives the same state from a snapshot as from a
 * full replay. */
static void test_snapshot_equals_replay(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, true);
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_station(PT_T0, "B"));
    char id[60][16];
    for (int i = 0; i < 60; i++) {
        snprintf(id[i], sizeof id[i], "R%02d", i);
        pt_apply(pool, pt_register(PT_T0, id[i], i % 3 ? "crate-pp" : "crate-s", "A"));
    }
    uint64_t x = 99, applied = 0;
    int64_t t = PT_T0 + 60;
    for (int k = 0; k < 1500; k++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int i = (int)((x >> 33) % 60);
        bx_container_info c;
        assert_int_equal(bx_pool_find(pool, id[i], &c), BX_OK);
        bx_pool_event ev;
        int r = (int)((x >> 20) % 10);
        t += 60;
        switch (c.state) {
        case BX_CS_AVAILABLE:
            ev = r < 8 ? pt_issue(t, id[i], c.station_id, "ORD") : pt_inspect(t, id[i], r == 9);
            break;
        case BX_CS_ISSUED:
            ev = r < 4 ? pt_ev(BX_EV_DELIVER, t, id[i])
                 : r < 9 ? pt_return(t, id[i], r % 2 ? "A" : "B")
                         : pt_ev(BX_EV_LOST, t, id[i]);
            break;
        case BX_CS_DELIVERED:
            ev = r < 9 ? pt_return(t, id[i], r % 2 ? "A" : "B") : pt_ev(BX_EV_LOST, t, id[i]);
            break;
        case BX_CS_RETURNED:
            ev = r < 7 ? pt_ev(BX_EV_WASH, t, id[i]) : pt_inspect(t, id[i], r == 9);
            break;
        case BX_CS_DAMAGED:
            ev = pt_ev(r < 8 ? BX_EV_REPAIR : BX_EV_RETIRE, t, id[i]);
            break;
        case BX_CS_LOST:
            ev = pt_return(t, id[i], "B");
            break;
        default:
            continue; /* retired */
        }
        pt_apply(pool, ev);
        applied++;
        if (k == 700)
            assert_int_equal(bx_pool_snapshot(pool), BX_OK);
    }
    assert_int_equal(bx_pool_snapshot(pool), BX_OK);
    bx_pool_stats want;
    assert_int_equal(bx_pool_stats_get(pool, NULL, t, PT_DAY, &want), BX_OK);
    bx_pool_close(pool);

    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = true;
    bx_pool *from_snap = NULL, *from_zero = NULL;
    assert_int_equal(bx_pool_open(ctx, &from_snap, path, cat, &o), BX_OK);
    o.journal.use_snapshot = false;
    assert_int_equal(bx_pool_open(ctx, &from_zero, path, cat, &o), BX_OK);
    assert_true(bx_pool_journal_info(from_snap)->snapshot_used);
    assert_int_equal(bx_pool_journal_info(from_snap)->records_replayed, 0);
    assert_int_equal(bx_pool_count(from_snap), 60);
    assert_int_equal(bx_pool_count(from_zero), 60);
    assert_int_equal(bx_pool_seq(from_snap), bx_pool_seq(from_zero));
    for (size_t i = 0; i < 60; i++) {
        bx_container_info a, b;
        assert_int_equal(bx_pool_at(from_snap, i, &a), BX_OK);
        assert_int_equal(bx_pool_at(from_zero, i, &b), BX_OK);
        same_container(&a, &b);
    }
    bx_pool_stats s1, s2;
    assert_int_equal(bx_pool_stats_get(from_snap, NULL, t, PT_DAY, &s1), BX_OK);
    assert_int_equal(bx_pool_stats_get(from_zero, NULL, t, PT_DAY, &s2), BX_OK);
    assert_memory_equal(&s1.in_state, &s2.in_state, sizeof s1.in_state);
    assert_memory_equal(&s1.in_state, &want.in_state, sizeof s1.in_state);
    assert_int_equal(s1.trips_returned, s2.trips_returned);
    assert_int_equal(s1.trips_lost, s2.trips_lost);
    assert_int_equal(s1.found, s2.found);
    assert_int_equal(s1.overdue, s2.overdue);
    assert_true(s1.mean_cycle_s == s2.mean_cycle_s);
    for (int st = 0; st < 2; st++) {
        const char *where = st ? "B" : "A";
        const char *a[60], *b[60];
        size_t na = bx_pool_pick(from_snap, where, "crate-pp", 60, a);
        size_t nb = bx_pool_pick(from_zero, where, "crate-pp", 60, b);
        assert_int_equal(na, nb);
        for (size_t i = 0; i < na; i++)
            assert_string_equal(a[i], b[i]);
    }
    bx_pool_close(from_snap);
    bx_pool_close(from_zero);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    if (!rep.ok)
        fail_msg("verify: %s", rep.event_problem);
    assert_true(rep.snapshot_checked && rep.snapshot_matches);
    assert_int_equal(rep.events, 62 + applied);
}

/* Each bad event: refused with a message naming what is wrong, and the
 * journal file not changed by a single byte. */
static void test_bad_input_leaves_journal_untouched(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, false);
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_station(PT_T0, "B"));
    pt_apply(pool, pt_register(PT_T0, "C1", "crate-pp", "A"));
    pt_apply(pool, pt_issue(PT_T0 + 100, "C1", "A", "O1"));
    pt_apply(pool, pt_register(PT_T0, "C2", "crate-pp", "A"));
    uint64_t size = jt_file_size(path), seq = bx_pool_seq(pool);
    struct {
        bx_pool_event ev;
        const char *says;
    } cases[] = {
        {pt_ev(BX_EV_WASH, PT_T0 + 200, "C9"), "container 'C9' is not registered"},
        {pt_return(PT_T0 + 200, "C1", "Z"), "station 'Z' is not in the pool"},
        {pt_register(PT_T0, "C2", "crate-s", "A"), "container 'C2' is already registered"},
        {pt_station(PT_T0, "A"), "station 'A' is already in the pool"},
        {pt_return(PT_T0 + 50, "C1", "A"), "is before its last event"},
        {pt_issue(PT_T0 + 200, "C2", "B", "O2"), "it is ready at station 'A'"},
        {pt_register(PT_T0, "C3", "3#", "A"), "'3#' is not a reusable container type"},
        {pt_register(PT_T0, "C3", "crate-xl", "A"), "type 'crate-xl' is not in the catalog"},
        {pt_issue(PT_T0 + 200, "C2", "A", NULL), "the order id is missing"},
        {pt_register(PT_T0, "C3", "crate-pp", NULL), "the station id is missing"},
        {pt_ev(BX_EV_LOST, PT_T0 + 200, ""), "the container id is missing"},
        {pt_issue(PT_T0 - 200 * 365 * PT_DAY, "C2", "A", "O2"), "outside 2000-01-01"},
        {pt_register(PT_T0, "C\x01", "crate-pp", "A"), "control character"},
        {pt_register(PT_T0, " C3", "crate-pp", "A"), "leading or trailing"},
        {pt_ev(BX_EV_DELIVER, PT_T0 + 200, "C2"), "allowed now: issue, inspect, retire, lost"},
    };
    /* a wash with an order, a deliver naming the wrong order, a lost with a
     * station, damage outside an inspection */
    bx_pool_event extra[4];
    extra[0] = pt_ev(BX_EV_WASH, PT_T0 + 200, "C1");
    strcpy(extra[0].order_id, "O1");
    extra[1] = pt_ev(BX_EV_DELIVER, PT_T0 + 200, "C1");
    strcpy(extra[1].order_id, "O7");
    extra[2] = pt_ev(BX_EV_LOST, PT_T0 + 200, "C1");
    strcpy(extra[2].station_id, "A");
    extra[3] = pt_ev(BX_EV_LOST, PT_T0 + 200, "C1");
    extra[3].damaged = true;
    const char *extra_says[4] = {"wash event: takes no order id ('O1')",
                                 "went out with order 'O1'",
                                 "lost event: takes no station id ('A')",
                                 "only an inspection"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] + 4; i++) {
        bool x = i >= sizeof cases / sizeof cases[0];
        const bx_pool_event *ev = x ? &extra[i - sizeof cases / sizeof cases[0]] : &cases[i].ev;
        const char *says = x ? extra_says[i - sizeof cases / sizeof cases[0]] : cases[i].says;
        int errors = diags.nerrors;
        assert_int_equal(bx_pool_check(pool, ev), BX_EINPUT);
        assert_int_equal(bx_pool_apply(pool, ev, NULL), BX_EINPUT);
        if (strstr(bx_ctx_errmsg(ctx), says) == NULL)
            fail_msg("case %zu: '%s' does not say '%s'", i, bx_ctx_errmsg(ctx), says);
        assert_int_equal(diags.nerrors, errors + 2); /* reported through the callback */
        assert_int_equal(jt_file_size(path), size);
        assert_int_equal(bx_pool_seq(pool), seq);
    }
    bx_pool_close(pool);
    /* a read-only pool takes nothing */
    pool = open_pool(true, false);
    bx_pool_event ev = pt_ev(BX_EV_DELIVER, PT_T0 + 200, "C1");
    assert_int_equal(bx_pool_apply(pool, &ev, NULL), BX_EINVAL);
    assert_int_equal(bx_pool_snapshot(pool), BX_EINVAL);
    bx_pool_close(pool);
    assert_int_equal(jt_file_size(path), size);
}

static void test_batches_all_or_nothing(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, false);
    pt_apply(pool, pt_station(PT_T0, "A"));
    uint64_t size = jt_file_size(path);
    /* the third event is bad only because of the second */
    bx_pool_event bad_batch[3] = {
        pt_register(PT_T0, "X1", "crate-pp", "A"),
        pt_issue(PT_T0 + 1, "X1", "A", "O1"),
        pt_issue(PT_T0 + 2, "X1", "A", "O2"),
    };
    size_t bad = 99;
    assert_int_equal(bx_pool_apply_batch(pool, bad_batch, 3, &bad), BX_EINPUT);
    assert_int_equal(bad, 2);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "out with order 'O1'"));
    assert_int_equal(jt_file_size(path), size);
    assert_int_equal(bx_pool_count(pool), 0);
    /* stations added earlier in the batch count */
    bx_pool_event good[4] = {
        pt_station(PT_T0, "B"),
        pt_register(PT_T0, "X1", "crate-pp", "B"),
        pt_register(PT_T0, "X2", "crate-pp", "B"),
        pt_issue(PT_T0 + 1, "X1", "B", "O1"),
    };
    assert_int_equal(bx_pool_apply_batch(pool, good, 4, &bad), BX_OK);
    assert_int_equal(bx_pool_seq(pool), 2); /* one record */
    bx_container_info c;
    assert_int_equal(bx_pool_find(pool, "X1", &c), BX_OK);
    assert_int_equal(c.last_seq, 2);
    bx_pool_close(pool);
    uint64_t whole = jt_file_size(path);
    /* a batch cut short on disk is recovered as none of it */
    jt_truncate(path, whole - 5);
    pool = open_pool(false, false);
    assert_int_equal(bx_pool_count(pool), 0);
    assert_false(bx_pool_has_station(pool, "B"));
    assert_true(bx_pool_has_station(pool, "A"));
    bx_pool_close(pool);
    /* too large for one record: said so, nothing written */
    size = jt_file_size(path);
    enum { N = 20000 };
    bx_pool_event *many = calloc(N, sizeof *many);
    for (int i = 0; i < N; i++) {
        char id[32];
        snprintf(id, sizeof id, "BULK-%06d", i);
        many[i] = pt_register(PT_T0, id, "crate-pp", "A");
    }
    pool = open_pool(false, false);
    assert_int_equal(bx_pool_apply_batch(pool, many, N, &bad), BX_ELIMIT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "split it"));
    assert_int_equal(bx_pool_apply_batch(pool, many, 5000, &bad), BX_OK);
    bx_pool_close(pool);
    free(many);
    pool = open_pool(true, false);
    assert_int_equal(bx_pool_count(pool), 5000);
    bx_pool_close(pool);
}

static void test_damage_and_repair(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, false);
    scenario(pool);
    bx_pool_close(pool);
    /* damage record 5 (the registration of C3) */
    jt_replay r = {0};
    bx_journal_info info;
    bx_journal *j = NULL;
    bx_journal_options o;
    bx_journal_options_init(&o);
    o.read_only = true;
    assert_int_equal(bx_journal_open(ctx, &j, path, &o, jt_collect, &r, &info), BX_OK);
    bx_journal_close(j);
    uint64_t off5 = r.items[4].offset;
    jt_replay_free(&r);
    jt_flip_bit(path, off5 + 30, 1);
    pool = open_pool(false, false);
    const bx_journal_info *ji = bx_pool_journal_info(pool);
    assert_true(ji->damaged);
    assert_int_equal(ji->damage_seq, 5);
    assert_int_equal(ji->damage_offset, off5);
    assert_int_equal(bx_pool_count(pool), 2); /* C1, C2 */
    assert_int_equal(bx_ctx_warning_count(ctx), 1);
    bx_pool_event ev = pt_register(PT_T0, "C9", "crate-pp", "A");
    assert_int_equal(bx_pool_apply(pool, &ev, NULL), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "repaired"));
    char saved[256];
    assert_int_equal(bx_pool_repair(pool, saved, sizeof saved), BX_OK);
    assert_true(jt_exists(saved));
    pt_apply(pool, ev);
    bx_pool_close(pool);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_true(rep.ok);
    assert_int_equal(rep.events, 5);
}

/* Records the lifecycle does not allow, or in a foreign encoding, written
 * past the pool straight into its journal. */
static void test_verify_finds_bad_records(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, false);
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_register(PT_T0, "C1", "crate-pp", "A"));
    bx_pool_close(pool);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_true(rep.ok);
    assert_int_equal(rep.events, 2);
    assert_false(rep.journal.snapshot_present);
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    /* {"at": 1714521600, "ev": "lost", "id": "C1"} with "at" in a needless
     * 8-byte head (1b 00000000 6631e880) instead of the 4-byte one: legal,
     * but not boxcar's encoding */
    static const unsigned char long_head[] = {
        0xa3, 0x62, 'a', 't', 0x1b, 0, 0, 0, 0, 0x66, 0x31, 0xe8, 0x80,
        0x62, 'e', 'v', 0x64, 'l', 'o', 's', 't', 0x62, 'i', 'd', 0x62, 'C', '1'};
    assert_int_equal(bx_journal_append(j, long_head, sizeof long_head, NULL), BX_OK);
    /* {"at": 1714521601, "ev": "wash", "id": "C1"}: a lost container cannot
     * be washed */
    static const unsigned char wash[] = {
        0xa3, 0x62, 'a', 't', 0x1a, 0x66, 0x31, 0xe8, 0x81,
        0x62, 'e', 'v', 0x64, 'w', 'a', 's', 'h', 0x62, 'i', 'd', 0x62, 'C', '1'};
    assert_int_equal(bx_journal_append(j, wash, sizeof wash, NULL), BX_OK);
    bx_journal_close(j);
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_false(rep.ok);
    assert_false(rep.events_ok);
    assert_non_null(strstr(rep.event_problem, "record 3"));
    assert_non_null(strstr(rep.event_problem, "deterministic"));
    /* the pool itself refuses the wash: the container is lost */
    bx_pool *p2 = NULL;
    bx_pool_options o;
    bx_pool_options_init(&o);
    assert_int_equal(bx_pool_open(ctx, &p2, path, cat, &o), BX_EINPUT);
    assert_null(p2);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "record 4"));
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "cannot wash container 'C1'"));
}

/* A snapshot that is intact but does not match the records (written here
 * by hand: an empty pool) is caught by verify. */
static void test_verify_finds_wrong_snapshot(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, true);
    scenario(pool);
    bx_pool_close(pool);
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    bx_snapshot_writer *w = NULL;
    assert_int_equal(bx_journal_snapshot_begin(j, &w), BX_OK);
    /* {"v": 1, "types": 0, "events": 0, "stations": 0, "containers": 0} */
    static const unsigned char empty[] = {
        0xa5, 0x61, 'v', 0x01, 0x65, 't', 'y', 'p', 'e', 's', 0x00,
        0x66, 'e', 'v', 'e', 'n', 't', 's', 0x00,
        0x68, 's', 't', 'a', 't', 'i', 'o', 'n', 's', 0x00,
        0x6a, 'c', 'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', 's', 0x00};
    assert_int_equal(bx_snapshot_put(w, empty, sizeof empty), BX_OK);
    assert_int_equal(bx_snapshot_commit(w), BX_OK);
    bx_journal_close(j);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_true(rep.journal.ok); /* the file itself is fine */
    assert_true(rep.snapshot_checked);
    assert_false(rep.snapshot_matches);
    assert_false(rep.ok);
    /* a correct one passes */
    pool = open_pool(false, true);
    assert_int_equal(bx_pool_count(pool), 0); /* it believed the snapshot */
    bx_pool_close(pool);
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.use_snapshot = false;
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, &o), BX_OK);
    assert_int_equal(bx_pool_count(pool), 5);
    assert_int_equal(bx_pool_snapshot(pool), BX_OK);
    bx_pool_close(pool);
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_true(rep.ok && rep.snapshot_matches);
}

/* A snapshot with no items is no pool's: refused, not taken for an empty
 * pool. */
static void test_empty_snapshot_refused(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, false);
    scenario(pool);
    bx_pool_close(pool);
    bx_journal *j = NULL;
    assert_int_equal(bx_journal_open(ctx, &j, path, NULL, NULL, NULL, NULL), BX_OK);
    bx_snapshot_writer *w = NULL;
    assert_int_equal(bx_journal_snapshot_begin(j, &w), BX_OK);
    assert_int_equal(bx_snapshot_commit(w), BX_OK);
    bx_journal_close(j);
    bx_pool_options o;
    bx_pool_options_init(&o);
    pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, &o), BX_EINPUT);
    assert_null(pool);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "holds no pool state"));
}

static void test_compaction_and_auto_snapshot(void **state)
{
    (void)state;
    char archive[160];
    snprintf(archive, sizeof archive, "%s/old.bxj", dir);
    bx_pool *pool = open_pool(false, true);
    scenario(pool);
    bx_pool_stats before;
    assert_int_equal(bx_pool_stats_get(pool, NULL, PT_T0, PT_DAY, &before), BX_OK);
    assert_int_equal(bx_pool_compact(pool, archive), BX_OK);
    pt_apply(pool, pt_return(PT_T0 + 300 * PT_HOUR, "C4", "B"));
    bx_pool_close(pool);
    pool = open_pool(true, false);
    /* the scenario is 15 records: 2 stations, 5 registrations, 4 issues, a
     * delivery, 2 returns and a loss */
    assert_int_equal(bx_pool_journal_info(pool)->base_seq, 16);
    bx_pool_stats after;
    assert_int_equal(bx_pool_stats_get(pool, NULL, PT_T0, PT_DAY, &after), BX_OK);
    assert_int_equal(after.trips_returned, before.trips_returned + 1);
    assert_int_equal(after.containers, 5);
    bx_pool_close(pool);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_true(rep.ok);
    assert_int_equal(rep.events, 1);
    assert_int_equal(bx_pool_verify(ctx, archive, cat, &rep), BX_OK);
    assert_true(rep.ok);
    assert_int_equal(rep.events, 15);

    /* a writer that replays more than snapshot_every records saves one */
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.snapshot_every = 3;
    o.journal.sync = BX_JOURNAL_SYNC_GROUP;
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, &o), BX_OK);
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf(id, sizeof id, "N%d", i);
        pt_apply(pool, pt_register(PT_T0 + PT_DAY, id, "crate-s", "A"));
    }
    bx_pool_close(pool);
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, &o), BX_OK);
    assert_int_equal(bx_pool_journal_info(pool)->records_replayed, 5);
    bx_pool_close(pool);
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, &o), BX_OK);
    assert_int_equal(bx_pool_journal_info(pool)->snapshot_seq, 20);
    assert_int_equal(bx_pool_journal_info(pool)->records_replayed, 0);
    assert_int_equal(bx_pool_count(pool), 9);
    bx_pool_close(pool);
}

static void test_stock_for_packing(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, true);
    scenario(pool);
    pt_apply(pool, pt_ev(BX_EV_WASH, PT_T0 + 200 * PT_HOUR, "C2"));
    int64_t stock[3];
    assert_int_equal(bx_pool_stock(pool, cat, "A", false, stock), BX_OK);
    assert_int_equal(stock[0], BX_STOCK_UNLIMITED); /* 3#: a carton */
    assert_int_equal(stock[1], 1);                  /* crate-pp: C2 */
    assert_int_equal(stock[2], 0);                  /* crate-s: S1 is at B */
    assert_int_equal(bx_pool_stock(pool, cat, "B", true, stock), BX_OK);
    assert_int_equal(stock[0], 0);
    assert_int_equal(stock[1], 0);
    assert_int_equal(stock[2], 1);
    bx_pool_close(pool);
}

/* Every allocation of open (with replay and a snapshot), apply, batch and
 * snapshot fails in turn: each is reported, nothing leaks, and what was
 * acknowledged is there afterwards. */
static void test_out_of_memory(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false, true);
    scenario(pool);
    assert_int_equal(bx_pool_snapshot(pool), BX_OK);
    pt_apply(pool, pt_ev(BX_EV_WASH, PT_T0 + 200 * PT_HOUR, "C2"));
    bx_pool_close(pool);
    uint64_t acked = 16; /* the scenario's 15 records and a wash */
    for (uint64_t fail = 1; fail < 1000; fail++) {
        test_alloc ta;
        bx_ctx *c2 = test_ctx_new(&ta, 0);
        bx_catalog *cat2 = pt_catalog(c2);
        ta.fail_at = fail + ta.calls;
        bx_pool *p = NULL;
        bx_pool_options o;
        bx_pool_options_init(&o);
        o.snapshot_every = 0;
        bx_status st = bx_pool_open(c2, &p, path, cat2, &o);
        if (st == BX_OK) {
            char id[32];
            snprintf(id, sizeof id, "M%llu", (unsigned long long)fail);
            bx_pool_event ev = pt_register(PT_T0 + PT_DAY, id, "crate-pp", "A");
            st = bx_pool_apply(p, &ev, NULL);
            if (st == BX_OK) {
                acked++;
                bx_pool_event two[2] = {pt_issue(PT_T0 + PT_DAY + 1, id, "A", "OX"),
                                        pt_return(PT_T0 + PT_DAY + 2, id, "B")};
                st = bx_pool_apply_batch(p, two, 2, NULL);
                acked += st == BX_OK;
            }
            if (st == BX_OK)
                st = bx_pool_snapshot(p);
            bx_pool_close(p);
        }
        if (st != BX_OK && st != BX_ENOMEM)
            fail_msg("fail at %llu: %s", (unsigned long long)fail, bx_ctx_errmsg(c2));
        bool done = ta.failures == 0;
        bx_catalog_free(cat2);
        bx_ctx_free(c2);
        assert_int_equal(ta.live_blocks, 0);
        if (done)
            break;
    }
    pool = open_pool(true, false);
    assert_int_equal(bx_pool_seq(pool), acked);
    bx_pool_close(pool);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_true(rep.ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pick_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_equals_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input_leaves_journal_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damage_and_repair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_finds_bad_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_finds_wrong_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_snapshot_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compaction_and_auto_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stock_for_packing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
