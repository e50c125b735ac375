/*
 * test_pool_machine.c: every event in every container state, legal and
 * illegal, against a table written here from the lifecycle in pool.h.
 */
#include <stdio.h>
#include <string.h>

#include "journal_testutil.h"
#include "pool_testutil.h"
#include "testutil.h"

enum { E_ISSUE, E_DELIVER, E_RETURN, E_INSPECT_OK, E_INSPECT_BAD, E_WASH, E_REPAIR,
       E_RETIRE, E_LOST, E_REGISTER, E_COUNT };
static const char *const e_names[E_COUNT] = {
    "issue", "deliver", "return", "inspect ok", "inspect damaged", "wash", "repair",
    "retire", "lost", "register again"};

/* expect[state][event]: the state after it, or 0 when it must be refused. */
static const bx_container_state expect[BX_CS_COUNT][E_COUNT] = {
    [BX_CS_AVAILABLE] = {[E_ISSUE] = BX_CS_ISSUED, [E_INSPECT_OK] = BX_CS_AVAILABLE,
                         [E_INSPECT_BAD] = BX_CS_DAMAGED, [E_RETIRE] = BX_CS_RETIRED,
                         [E_LOST] = BX_CS_LOST},
    [BX_CS_ISSUED] = {[E_DELIVER] = BX_CS_DELIVERED, [E_RETURN] = BX_CS_RETURNED,
                      [E_LOST] = BX_CS_LOST},
    [BX_CS_DELIVERED] = {[E_RETURN] = BX_CS_RETURNED, [E_LOST] = BX_CS_LOST},
    [BX_CS_RETURNED] = {[E_INSPECT_OK] = BX_CS_RETURNED, [E_INSPECT_BAD] = BX_CS_DAMAGED,
                        [E_WASH] = BX_CS_AVAILABLE, [E_REPAIR] = BX_CS_RETURNED,
                        [E_RETIRE] = BX_CS_RETIRED, [E_LOST] = BX_CS_LOST},
    [BX_CS_DAMAGED] = {[E_REPAIR] = BX_CS_RETURNED, [E_RETIRE] = BX_CS_RETIRED,
                       [E_LOST] = BX_CS_LOST},
    [BX_CS_RETIRED] = {0},
    [BX_CS_LOST] = {[E_RETURN] = BX_CS_RETURNED},
};

static bx_pool_event make(int e, int64_t t, const char *id)
{
    switch (e) {
    case E_ISSUE: return pt_issue(t, id, "A", "O-2");
    case E_DELIVER: return pt_ev(BX_EV_DELIVER, t, id);
    case E_RETURN: return pt_return(t, id, "B");
    case E_INSPECT_OK: return pt_inspect(t, id, false);
    case E_INSPECT_BAD: return pt_inspect(t, id, true);
    case E_WASH: return pt_ev(BX_EV_WASH, t, id);
    case E_REPAIR: return pt_ev(BX_EV_REPAIR, t, id);
    case E_RETIRE: return pt_ev(BX_EV_RETIRE, t, id);
    case E_LOST: return pt_ev(BX_EV_LOST, t, id);
    default: return pt_register(t, id, "crate-pp", "A");
    }
}

/* Bring a new container `id` into `state` by legal events. */
static void bring(bx_pool *pool, const char *id, bx_container_state state, int64_t t)
{
    pt_apply(pool, pt_register(t, id, "crate-pp", "A"));
    switch (state) {
    case BX_CS_AVAILABLE:
        break;
    case BX_CS_ISSUED:
        pt_apply(pool, pt_issue(t + 1, id, "A", "O-1"));
        break;
    case BX_CS_DELIVERED:
        pt_apply(pool, pt_issue(t + 1, id, "A", "O-1"));
        pt_apply(pool, pt_ev(BX_EV_DELIVER, t + 2, id));
        break;
    case BX_CS_RETURNED:
        pt_apply(pool, pt_issue(t + 1, id, "A", "O-1"));
        pt_apply(pool, pt_return(t + 2, id, "A"));
        break;
    case BX_CS_DAMAGED:
        pt_apply(pool, pt_issue(t + 1, id, "A", "O-1"));
        pt_apply(pool, pt_return(t + 2, id, "A"));
        pt_apply(pool, pt_inspect(t + 3, id, true));
        break;
    case BX_CS_RETIRED:
        pt_apply(pool, pt_ev(BX_EV_RETIRE, t + 1, id));
        break;
    case BX_CS_LOST:
        pt_apply(pool, pt_issue(t + 1, id, "A", "O-1"));
        pt_apply(pool, pt_ev(BX_EV_LOST, t + 2, id));
        break;
    default:
        fail();
    }
}

static void test_every_transition(void **state)
{
    (void)state;
    char dir[64], path[128];
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_catalog *cat = pt_catalog(ctx);
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.sync = BX_JOURNAL_SYNC_GROUP;
    bx_pool *pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, &o), BX_OK);
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_station(PT_T0, "B"));
    int legal = 0, refused = 0;
    for (int s = BX_CS_AVAILABLE; s < BX_CS_COUNT; s++) {
        for (int e = 0; e < E_COUNT; e++) {
            char id[32];
            snprintf(id, sizeof id, "C-%d-%d", s, e);
            int64_t t = PT_T0 + PT_DAY;
            bring(pool, id, (bx_container_state)s, t);
            bx_container_info before, after;
            assert_int_equal(bx_pool_find(pool, id, &before), BX_OK);
            assert_int_equal(before.state, s);
            uint64_t seq = bx_pool_seq(pool);
            bx_pool_event ev = make(e, t + 10, id);
            bx_status st = bx_pool_apply(pool, &ev, NULL);
            assert_int_equal(bx_pool_find(pool, id, &after), BX_OK);
            if (expect[s][e] != 0) {
                if (st != BX_OK)
                    fail_msg("%s in state %s was refused: %s", e_names[e],
                             bx_container_state_name((bx_container_state)s),
                             bx_ctx_errmsg(ctx));
                assert_int_equal(after.state, expect[s][e]);
                assert_int_equal(bx_pool_seq(pool), seq + 1);
                legal++;
            } else {
                if (st != BX_EINPUT)
                    fail_msg("%s in state %s was accepted", e_names[e],
                             bx_container_state_name((bx_container_state)s));
                /* refused: nothing recorded, nothing changed, and the
                 * message names the container */
                assert_int_equal(bx_pool_seq(pool), seq);
                assert_int_equal(after.state, before.state);
                assert_int_equal(after.last_seq, before.last_seq);
                assert_non_null(strstr(bx_ctx_errmsg(ctx), id));
                if (e != E_REGISTER)
                    assert_non_null(strstr(bx_ctx_errmsg(ctx), "allowed now:"));
                refused++;
            }
        }
    }
    /* 7 states x 10 events: 20 legal cells in the table, 50 refused */
    assert_int_equal(legal, 20);
    assert_int_equal(refused, 50);
    assert_int_equal(bx_pool_close(pool), BX_OK);

    /* the same journal replays to the same states */
    o.journal.read_only = true;
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, &o), BX_OK);
    for (int s = BX_CS_AVAILABLE; s < BX_CS_COUNT; s++)
        for (int e = 0; e < E_COUNT; e++) {
            char id[32];
            snprintf(id, sizeof id, "C-%d-%d", s, e);
            bx_container_info info;
            assert_int_equal(bx_pool_find(pool, id, &info), BX_OK);
            assert_int_equal(info.state, expect[s][e] ? expect[s][e] : (bx_container_state)s);
        }
    bx_pool_close(pool);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    jt_rmdir(dir);
}

/* The message for a refused event says what the container is doing and
 * what it may do. */
static void test_refusal_messages(void **state)
{
    (void)state;
    char dir[64], path[128];
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_pool *pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, NULL, NULL), BX_OK);
    pt_apply(pool, pt_station(PT_T0, "SH-01"));
    pt_apply(pool, pt_register(PT_T0, "PP-000017", "crate-pp", "SH-01"));
    pt_apply(pool, pt_issue(PT_T0 + 60, "PP-000017", "SH-01", "A17"));
    bx_pool_event ev = pt_ev(BX_EV_WASH, PT_T0 + 120, "PP-000017");
    assert_int_equal(bx_pool_apply(pool, &ev, NULL), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "cannot wash container 'PP-000017': it is out with order 'A17' "
                        "(issued at station 'SH-01') (allowed now: deliver, return, lost)");
    ev = pt_return(PT_T0 + 30, "PP-000017", "SH-01");
    assert_int_equal(bx_pool_apply(pool, &ev, NULL), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx),
                        "return container 'PP-000017': time 2024-05-01T00:00:30Z is before "
                        "its last event (issue at 2024-05-01T00:01:00Z)");
    bx_pool_close(pool);
    bx_ctx_free(ctx);
    jt_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_refusal_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
