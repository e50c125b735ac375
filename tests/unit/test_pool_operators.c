/*
 * test_pool_operators.c: several operators on one pool. A journal without
 * operators is one implicit platform; tokens are checked against their
 * hashes; an operator can neither read nor change another's containers
 * and stations, which answer exactly as ones that do not exist; wrong
 * roles are refused and leave the journal as it was; transfers move a
 * container between operators; owners survive a snapshot; and every
 * allocation of the new calls fails in turn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal_testutil.h"
#include "pool_testutil.h"
#include "testutil.h"

static char dir[64];
static char path[128];
static bx_ctx *ctx;
static bx_catalog *cat;
static char tok_p[BX_POOL_TOKEN_SIZE], tok_a[BX_POOL_TOKEN_SIZE], tok_b[BX_POOL_TOKEN_SIZE];

static int setup(void **state)
{
    (void)state;
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
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

static bx_pool *open_pool(bool read_only)
{
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = read_only;
    bx_pool *pool = NULL;
    if (bx_pool_open(ctx, &pool, path, cat, &o) != BX_OK)
        fail_msg("open: %s", bx_ctx_errmsg(ctx));
    return pool;
}

static bx_pool_event by(bx_pool_event ev, const char *op)
{
    snprintf(ev.by, sizeof ev.by, "%s", op);
    return ev;
}

static bx_pool_event new_operator(int64_t t, const char *recorder, const char *id,
                                  bx_pool_role role, char token[BX_POOL_TOKEN_SIZE])
{
    bx_pool_event ev;
    bx_pool_event_init(&ev);
    ev.type = BX_EV_OPERATOR;
    ev.time_s = t;
    snprintf(ev.by, sizeof ev.by, "%s", recorder);
    snprintf(ev.operator_id, sizeof ev.operator_id, "%s", id);
    ev.role = role;
    assert_int_equal(bx_pool_new_token(ctx, token, ev.token_sha256), BX_OK);
    return ev;
}

static bx_pool_event transfer(int64_t t, const char *recorder, const char *id, const char *to)
{
    bx_pool_event ev = by(pt_ev(BX_EV_TRANSFER, t, id), recorder);
    snprintf(ev.operator_id, sizeof ev.operator_id, "%s", to);
    return ev;
}

/* Refused with `want`; the message is kept in msg, and the journal file
 * is not changed by a single byte. */
static void refused(bx_pool *pool, bx_pool_event ev, bx_status want, char *msg, size_t size)
{
    uint64_t before = jt_file_size(path), seq = bx_pool_seq(pool);
    bx_status st = bx_pool_apply(pool, &ev, NULL);
    if (st != want)
        fail_msg("%s %s by '%s': %s (%s), wanted %s", bx_pool_event_name(ev.type),
                 ev.container_id, ev.by, bx_strerror(st), bx_ctx_errmsg(ctx), bx_strerror(want));
    snprintf(msg, size, "%s", bx_ctx_errmsg(ctx));
    assert_int_equal(jt_file_size(path), before);
    assert_int_equal(bx_pool_seq(pool), seq);
}

/* The pool of the tests: platform P, operators A and B, stations SA (A's)
 * and SB (B's) and P0 (recorded before there were operators), containers
 * A1, A2 (A's), B1 (B's) and X0 (the platform's). */
static void platform(bx_pool *pool)
{
    pt_apply(pool, pt_station(PT_T0, "P0"));
    pt_apply(pool, pt_register(PT_T0, "X0", "crate-pp", "P0"));
    pt_apply(pool, new_operator(PT_T0 + 1, "", "P", BX_ROLE_PLATFORM, tok_p));
    pt_apply(pool, new_operator(PT_T0 + 2, "P", "A", BX_ROLE_OPERATOR, tok_a));
    pt_apply(pool, new_operator(PT_T0 + 3, "P", "B", BX_ROLE_OPERATOR, tok_b));
    pt_apply(pool, by(pt_station(PT_T0 + 10, "SA"), "A"));
    pt_apply(pool, by(pt_station(PT_T0 + 10, "SB"), "B"));
    pt_apply(pool, by(pt_register(PT_T0 + 20, "A1", "crate-pp", "SA"), "A"));
    pt_apply(pool, by(pt_register(PT_T0 + 20, "A2", "crate-pp", "SA"), "A"));
    pt_apply(pool, by(pt_register(PT_T0 + 20, "B1", "crate-pp", "SB"), "B"));
}

static void test_old_journal_is_one_platform(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false);
    pt_apply(pool, pt_station(PT_T0, "S"));
    pt_apply(pool, pt_register(PT_T0, "C1", "crate-pp", "S"));
    assert_int_equal(bx_pool_operator_count(pool), 0);
    assert_true(bx_pool_sees_container(pool, NULL, "C1"));
    assert_true(bx_pool_sees_container(pool, "", "C1"));
    assert_true(bx_pool_sees_station(pool, "", "S"));
    bx_container_info c;
    assert_int_equal(bx_pool_find_as(pool, "", "C1", &c), BX_OK);
    assert_string_equal(c.owner, "");
    assert_string_equal(bx_pool_station_owner(pool, "S"), "");
    char msg[400];
    /* no one may claim to be an operator before there are any */
    refused(pool, by(pt_issue(PT_T0 + 5, "C1", "S", "O1"), "A"), BX_EPERM, msg, sizeof msg);
    assert_non_null(strstr(msg, "operator 'A' is not known"));
    /* the first operator is a platform one */
    char tok[BX_POOL_TOKEN_SIZE];
    refused(pool, new_operator(PT_T0 + 6, "", "A", BX_ROLE_OPERATOR, tok), BX_EINPUT, msg,
            sizeof msg);
    assert_non_null(strstr(msg, "first operator of a pool must have the platform role"));
    const char *who;
    bx_pool_role role;
    assert_int_equal(bx_pool_authenticate(pool, tok, &who, &role), BX_EPERM);
    bx_pool_close(pool);
}

static void test_tokens(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false);
    platform(pool);
    assert_int_equal(bx_pool_operator_count(pool), 3);
    assert_string_equal(bx_pool_operator(pool, 1), "A");
    assert_int_equal(bx_pool_operator_role(pool, "P"), BX_ROLE_PLATFORM);
    assert_int_equal(bx_pool_operator_role(pool, "B"), BX_ROLE_OPERATOR);
    assert_int_equal(bx_pool_operator_role(pool, "Z"), BX_ROLE_NONE);
    const char *who;
    bx_pool_role role;
    assert_int_equal(bx_pool_authenticate(pool, tok_a, &who, &role), BX_OK);
    assert_string_equal(who, "A");
    assert_int_equal(role, BX_ROLE_OPERATOR);
    assert_int_equal(bx_pool_authenticate(pool, tok_p, &who, &role), BX_OK);
    assert_string_equal(who, "P");
    assert_int_equal(role, BX_ROLE_PLATFORM);
    /* a token differing in its last digit, a prefix, nothing */
    char wrong[BX_POOL_TOKEN_SIZE];
    memcpy(wrong, tok_b, sizeof wrong);
    wrong[BX_POOL_TOKEN_LEN - 1] = wrong[BX_POOL_TOKEN_LEN - 1] == '0' ? '1' : '0';
    assert_int_equal(bx_pool_authenticate(pool, wrong, &who, &role), BX_EPERM);
    assert_null(who);
    wrong[10] = '\0';
    assert_int_equal(bx_pool_authenticate(pool, wrong, &who, &role), BX_EPERM);
    assert_int_equal(bx_pool_authenticate(pool, NULL, &who, &role), BX_EPERM);
    /* the journal holds the tokens' hashes only */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *all = calloc(1, 1 << 16);
    size_t n = fread(all, 1, (1 << 16) - 1, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (all[i] == '\0')
            all[i] = ' ';
    assert_null(strstr(all, tok_a));
    assert_null(strstr(all, tok_p));
    free(all);
    bx_pool_close(pool);
}

/* Put `to` over the first `from` in s (of the same length). */
static void swap_id(char *s, const char *from, const char *to)
{
    char *p = strstr(s, from);
    assert_non_null(p);
    assert_int_equal(strlen(from), strlen(to));
    memcpy(p, to, strlen(to));
}

/* The message for another's container equals the one for a container id
 * that was never registered (same length, so the texts line up). */
static void same_as_missing(bx_pool *pool, bx_pool_event theirs, const char *missing_id)
{
    char a[400], b[400];
    refused(pool, theirs, BX_EINPUT, a, sizeof a);
    bx_pool_event none = theirs;
    snprintf(none.container_id, sizeof none.container_id, "%s", missing_id);
    refused(pool, none, BX_EINPUT, b, sizeof b);
    swap_id(b, missing_id, theirs.container_id);
    assert_string_equal(a, b);
}

static void test_operator_cannot_touch_another(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false);
    platform(pool);
    int64_t t = PT_T0 + PT_HOUR;
    /* every container event of A on B's container (and on the platform's) */
    same_as_missing(pool, by(pt_issue(t, "B1", "SB", "O1"), "A"), "Q9");
    same_as_missing(pool, by(pt_ev(BX_EV_DELIVER, t, "B1"), "A"), "Q9");
    same_as_missing(pool, by(pt_return(t, "B1", "SA"), "A"), "Q9");
    same_as_missing(pool, by(pt_inspect(t, "B1", true), "A"), "Q9");
    same_as_missing(pool, by(pt_ev(BX_EV_WASH, t, "B1"), "A"), "Q9");
    same_as_missing(pool, by(pt_ev(BX_EV_RETIRE, t, "B1"), "A"), "Q9");
    same_as_missing(pool, by(pt_ev(BX_EV_LOST, t, "X0"), "A"), "Q9");
    same_as_missing(pool, transfer(t, "A", "B1", "A"), "Q9");
    /* B's station is as unknown to A as one that does not exist */
    char a[400], b[400];
    refused(pool, by(pt_register(t, "A3", "crate-pp", "SB"), "A"), BX_EINPUT, a, sizeof a);
    refused(pool, by(pt_register(t, "A3", "crate-pp", "SZ"), "A"), BX_EINPUT, b, sizeof b);
    swap_id(b, "'SZ'", "'SB'");
    assert_string_equal(a, b);
    pt_apply(pool, by(pt_issue(t, "A1", "SA", "O1"), "A"));
    refused(pool, by(pt_return(t + 1, "A1", "SB"), "A"), BX_EINPUT, a, sizeof a);
    refused(pool, by(pt_return(t + 1, "A1", "SZ"), "A"), BX_EINPUT, b, sizeof b);
    swap_id(b, "'SZ'", "'SB'");
    assert_string_equal(a, b);
    /* wrong roles and strangers */
    char tok[BX_POOL_TOKEN_SIZE];
    refused(pool, new_operator(t, "A", "C", BX_ROLE_OPERATOR, tok), BX_EPERM, a, sizeof a);
    assert_non_null(strstr(a, "only a platform operator adds operators"));
    bx_pool_event for_b = by(pt_station(t, "SC"), "A");
    snprintf(for_b.operator_id, sizeof for_b.operator_id, "B");
    refused(pool, for_b, BX_EPERM, a, sizeof a);
    refused(pool, by(pt_station(t, "SC"), "Z"), BX_EPERM, a, sizeof a);
    assert_non_null(strstr(a, "operator 'Z' is not known"));
    refused(pool, pt_station(t, "SC"), BX_EPERM, a, sizeof a);
    assert_non_null(strstr(a, "must say which one records it"));
    refused(pool, transfer(t, "A", "A2", "Z"), BX_EINPUT, a, sizeof a);
    /* B1's id is taken, but A learns nothing else of it (not its type) */
    refused(pool, by(pt_register(t, "B1", "crate-s", "SA"), "A"), BX_EINPUT, a, sizeof a);
    assert_string_equal(a, "container 'B1' is already registered");
    refused(pool, transfer(t, "A", "A2", "A"), BX_EINPUT, a, sizeof a);
    assert_non_null(strstr(a, "holds it already"));
    /* an operator event goes on its own */
    bx_pool_event two[2] = {new_operator(t, "P", "C", BX_ROLE_OPERATOR, tok),
                            by(pt_station(t, "SC"), "P")};
    assert_int_equal(bx_pool_apply_batch(pool, two, 2, NULL), BX_EINPUT);

    /* reads: A sees its own only */
    assert_true(bx_pool_sees_container(pool, "A", "A1"));
    assert_false(bx_pool_sees_container(pool, "A", "B1"));
    assert_false(bx_pool_sees_container(pool, "A", "X0"));
    assert_false(bx_pool_sees_container(pool, "Z", "A1"));
    assert_true(bx_pool_sees_container(pool, "P", "B1"));
    assert_true(bx_pool_sees_station(pool, "A", "SA"));
    assert_false(bx_pool_sees_station(pool, "A", "SB"));
    assert_false(bx_pool_sees_station(pool, "A", "P0"));
    assert_true(bx_pool_sees_station(pool, "P", "SB"));
    bx_container_info c;
    assert_int_equal(bx_pool_find_as(pool, "A", "B1", &c), BX_ENOTFOUND);
    snprintf(a, sizeof a, "%s", bx_ctx_errmsg(ctx));
    assert_int_equal(bx_pool_find_as(pool, "A", "Q9", &c), BX_ENOTFOUND);
    snprintf(b, sizeof b, "%s", bx_ctx_errmsg(ctx));
    swap_id(b, "Q9", "B1");
    assert_string_equal(a, b);
    assert_int_equal(bx_pool_find_as(pool, "B", "B1", &c), BX_OK);
    assert_string_equal(c.owner, "B");
    assert_string_equal(bx_pool_station_owner(pool, "SA"), "A");
    assert_string_equal(bx_pool_station_owner(pool, "P0"), "");
    bx_pool_close(pool);
}

static void test_transfer_and_platform(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false);
    platform(pool);
    int64_t t = PT_T0 + PT_HOUR;
    /* A hands A2 to B: then it is B's, wherever it stands */
    pt_apply(pool, transfer(t, "A", "A2", "B"));
    assert_false(bx_pool_sees_container(pool, "A", "A2"));
    assert_true(bx_pool_sees_container(pool, "B", "A2"));
    char msg[400];
    refused(pool, by(pt_issue(t + 1, "A2", "SA", "O2"), "A"), BX_EINPUT, msg, sizeof msg);
    /* B issues it where it stands (A's station) and takes it back at its own */
    pt_apply(pool, by(pt_issue(t + 1, "A2", "SA", "O2"), "B"));
    pt_apply(pool, by(pt_return(t + 2, "A2", "SB"), "B"));
    /* out with an order, a container is not handed over */
    pt_apply(pool, by(pt_issue(t + 3, "A1", "SA", "O3"), "A"));
    refused(pool, transfer(t + 4, "A", "A1", "B"), BX_EINPUT, msg, sizeof msg);
    /* the platform sees and does everything, and records for others */
    pt_apply(pool, by(pt_ev(BX_EV_WASH, t + 5, "A2"), "P"));
    bx_pool_event st = by(pt_station(t + 5, "SC"), "P");
    snprintf(st.operator_id, sizeof st.operator_id, "A");
    pt_apply(pool, st);
    bx_pool_event reg = by(pt_register(t + 6, "A9", "crate-s", "SC"), "P");
    snprintf(reg.operator_id, sizeof reg.operator_id, "A");
    pt_apply(pool, reg);
    assert_true(bx_pool_sees_station(pool, "A", "SC"));
    assert_true(bx_pool_sees_container(pool, "A", "A9"));
    pt_apply(pool, transfer(t + 7, "P", "X0", "B"));
    assert_true(bx_pool_sees_container(pool, "B", "X0"));
    /* a batch: B takes X0 back at its own station within one record */
    bx_pool_event two[2] = {by(pt_issue(t + 8, "X0", "P0", "O9"), "B"),
                            by(pt_return(t + 9, "X0", "SB"), "B")};
    assert_int_equal(bx_pool_apply_batch(pool, two, 2, NULL), BX_OK);
    bx_pool_close(pool);

    /* replay from the start and from a snapshot agree on every owner */
    pool = open_pool(false);
    assert_int_equal(bx_pool_snapshot(pool), BX_OK);
    bx_pool_close(pool);
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = true;
    bx_pool *snap = NULL, *zero = NULL;
    assert_int_equal(bx_pool_open(ctx, &snap, path, cat, &o), BX_OK);
    o.journal.use_snapshot = false;
    assert_int_equal(bx_pool_open(ctx, &zero, path, cat, &o), BX_OK);
    assert_true(bx_pool_journal_info(snap)->snapshot_used);
    static const char *const want[][2] = {{"X0", "B"}, {"A1", "A"}, {"A2", "B"},
                                          {"B1", "B"}, {"A9", "A"}};
    for (size_t i = 0; i < 5; i++) {
        bx_container_info a, b;
        assert_int_equal(bx_pool_find(snap, want[i][0], &a), BX_OK);
        assert_int_equal(bx_pool_find(zero, want[i][0], &b), BX_OK);
        assert_string_equal(a.owner, want[i][1]);
        assert_string_equal(b.owner, want[i][1]);
    }
    assert_string_equal(bx_pool_station_owner(snap, "SC"), "A");
    assert_string_equal(bx_pool_station_owner(snap, "P0"), "");
    const char *who;
    bx_pool_role role;
    assert_int_equal(bx_pool_authenticate(snap, tok_b, &who, &role), BX_OK);
    assert_string_equal(who, "B");
    bx_pool_close(snap);
    bx_pool_close(zero);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    if (!rep.ok)
        fail_msg("verify: %s", rep.event_problem);
    assert_true(rep.snapshot_checked && rep.snapshot_matches);
}

/* Every allocation of opening a pool with operators, authenticating,
 * adding an operator and a transfer fails in turn: no leak, and nothing
 * but what was acknowledged is in the journal. */
static void test_out_of_memory(void **state)
{
    (void)state;
    bx_pool *pool = open_pool(false);
    platform(pool);
    assert_int_equal(bx_pool_snapshot(pool), BX_OK);
    pt_apply(pool, by(pt_issue(PT_T0 + PT_HOUR, "A1", "SA", "O1"), "A"));
    bx_pool_close(pool);
    uint64_t acked = 11; /* the ten events of platform() and an issue */
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
        const char *who;
        bx_pool_role role;
        if (st == BX_OK)
            st = bx_pool_authenticate(p, tok_a, &who, &role);
        if (st == BX_OK) {
            char id[32], tok[BX_POOL_TOKEN_SIZE];
            snprintf(id, sizeof id, "N%llu", (unsigned long long)fail);
            bx_pool_event ev = new_operator(PT_T0 + PT_DAY, "P", id, BX_ROLE_OPERATOR, tok);
            st = bx_pool_apply(p, &ev, NULL);
            acked += st == BX_OK;
            if (st == BX_OK) {
                bx_pool_event tr = transfer(PT_T0 + PT_DAY, "P", "B1", fail % 2 ? id : "A");
                if (bx_pool_sees_container(p, "A", "B1"))
                    tr = transfer(PT_T0 + PT_DAY, "P", "B1", id);
                st = bx_pool_apply(p, &tr, NULL);
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
    pool = open_pool(true);
    assert_int_equal(bx_pool_seq(pool), acked);
    bx_pool_close(pool);
    bx_pool_report rep;
    assert_int_equal(bx_pool_verify(ctx, path, cat, &rep), BX_OK);
    assert_true(rep.ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_old_journal_is_one_platform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_cannot_touch_another, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_and_platform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
