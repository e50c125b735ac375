/*
 * test_accounts.c: trips, losses and deposits per operator, station and
 * month from a journal, counted by hand; what each operator may see; a
 * compacted journal; every allocation failing.
 */
#include <stdio.h>
#include <string.h>

#include "journal_testutil.h"
#include "pool_testutil.h"
#include "testutil.h"

static bx_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    return bx_ctx_new(&ctx, NULL, NULL) == BX_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bx_ctx_free(ctx);
    return 0;
}

static bx_pool_event by(bx_pool_event ev, const char *op)
{
    snprintf(ev.by, sizeof ev.by, "%s", op);
    return ev;
}

static bx_pool_event new_operator(int64_t t, const char *recorder, const char *id,
                                  bx_pool_role role)
{
    bx_pool_event ev;
    bx_pool_event_init(&ev);
    ev.type = BX_EV_OPERATOR;
    ev.time_s = t;
    snprintf(ev.by, sizeof ev.by, "%s", recorder);
    snprintf(ev.operator_id, sizeof ev.operator_id, "%s", id);
    ev.role = role;
    char token[BX_POOL_TOKEN_SIZE];
    assert_int_equal(bx_pool_new_token(ctx, token, ev.token_sha256), BX_OK);
    return ev;
}

/* From PT_T0 = 2024-05-01: platform P, operator A with station SA and
 * crates A1..A3, operator B with SB and B1. Trips (day d is PT_T0 + d):
 *   A1 out at SA on May 2 (d1), back May 5 (d4): returned
 *   A2 out at SA May 3 (d2), never back: lost (due May 13)
 *   A3 out at SA May 21 (d20), back June 6 (d36): 16 days, lost and late
 *   A1 out at SA June 8 (d38), not back: due June 18, after now: open
 *   B1 out at SB May 11 (d10), back May 13 (d12): returned
 *   A3 out at SA June 20 (d50): after now, not counted
 * now = June 10 (d40), window 10 days, deposit 30.00, fee 1.50. */
static void build(const char *path)
{
    bx_catalog *cat = pt_catalog(ctx);
    bx_pool *pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, NULL), BX_OK);
    pt_apply(pool, new_operator(PT_T0, "", "P", BX_ROLE_PLATFORM));
    pt_apply(pool, new_operator(PT_T0, "P", "A", BX_ROLE_OPERATOR));
    pt_apply(pool, new_operator(PT_T0, "P", "B", BX_ROLE_OPERATOR));
    pt_apply(pool, by(pt_station(PT_T0, "SA"), "A"));
    pt_apply(pool, by(pt_station(PT_T0, "SB"), "B"));
    pt_apply(pool, by(pt_register(PT_T0, "A1", "crate-pp", "SA"), "A"));
    pt_apply(pool, by(pt_register(PT_T0, "A2", "crate-pp", "SA"), "A"));
    pt_apply(pool, by(pt_register(PT_T0, "A3", "crate-pp", "SA"), "A"));
    pt_apply(pool, by(pt_register(PT_T0, "B1", "crate-pp", "SB"), "B"));
    const int64_t D = PT_DAY;
    pt_apply(pool, by(pt_issue(PT_T0 + 1 * D, "A1", "SA", "O1"), "A"));
    pt_apply(pool, by(pt_issue(PT_T0 + 2 * D, "A2", "SA", "O2"), "A"));
    pt_apply(pool, by(pt_return(PT_T0 + 4 * D, "A1", "SA"), "A"));
    pt_apply(pool, by(pt_ev(BX_EV_WASH, PT_T0 + 4 * D + PT_HOUR, "A1"), "A"));
    pt_apply(pool, by(pt_issue(PT_T0 + 10 * D, "B1", "SB", "O3"), "B"));
    pt_apply(pool, by(pt_return(PT_T0 + 12 * D, "B1", "SB"), "B"));
    pt_apply(pool, by(pt_issue(PT_T0 + 20 * D, "A3", "SA", "O4"), "A"));
    pt_apply(pool, by(pt_return(PT_T0 + 36 * D, "A3", "SA"), "A"));
    pt_apply(pool, by(pt_ev(BX_EV_WASH, PT_T0 + 36 * D + PT_HOUR, "A3"), "A"));
    pt_apply(pool, by(pt_issue(PT_T0 + 38 * D, "A1", "SA", "O5"), "A"));
    pt_apply(pool, by(pt_issue(PT_T0 + 50 * D, "A3", "SA", "O6"), "A"));
    bx_pool_close(pool);
    bx_catalog_free(cat);
}

static void row_is(const bx_account_row *r, const char *op, const char *station, int32_t month,
                   uint64_t trips, uint64_t returned, uint64_t lost, uint64_t late,
                   uint64_t open)
{
    assert_string_equal(r->operator_id, op);
    assert_string_equal(r->station_id, station);
    assert_int_equal(r->month, month);
    assert_int_equal(r->trips, trips);
    assert_int_equal(r->returned, returned);
    assert_int_equal(r->lost, lost);
    assert_int_equal(r->late, late);
    assert_int_equal(r->open, open);
    /* every deposit is refunded, forfeited or held: 30.00 each */
    assert_int_equal(r->deposits_minor, (int64_t)trips * 3000);
    assert_int_equal(r->refunded_minor, (int64_t)returned * 3000);
    assert_int_equal(r->forfeited_minor, (int64_t)lost * 3000);
    assert_int_equal(r->held_minor, (int64_t)open * 3000);
    assert_int_equal(r->fees_minor, (int64_t)trips * 150);
}

static void test_accounts_by_hand(void **state)
{
    (void)state;
    char dir[64], path[128];
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    build(path);
    bx_account_options o;
    bx_account_options_init(&o);
    o.loss_window_s = 10 * PT_DAY;
    o.now_s = PT_T0 + 40 * PT_DAY;
    o.deposit_minor = 3000;
    o.fee_minor = 150;
    bx_accounts *acc = NULL;
    assert_int_equal(bx_pool_accounts(ctx, path, "P", &o, &acc), BX_OK);
    assert_int_equal(acc->nrows, 3);
    row_is(&acc->rows[0], "A", "SA", 202405, 3, 1, 2, 1, 0);
    assert_int_equal(acc->rows[0].fees_minor, 450);
    assert_int_equal(acc->rows[0].forfeited_minor, 6000);
    row_is(&acc->rows[1], "A", "SA", 202406, 1, 0, 0, 0, 1);
    row_is(&acc->rows[2], "B", "SB", 202405, 1, 1, 0, 0, 0);
    bx_accounts_free(ctx, acc);
    /* A sees its own rows, B its own, an unknown operator none */
    assert_int_equal(bx_pool_accounts(ctx, path, "A", &o, &acc), BX_OK);
    assert_int_equal(acc->nrows, 2);
    assert_string_equal(acc->rows[1].operator_id, "A");
    bx_accounts_free(ctx, acc);
    assert_int_equal(bx_pool_accounts(ctx, path, "B", &o, &acc), BX_OK);
    assert_int_equal(acc->nrows, 1);
    row_is(&acc->rows[0], "B", "SB", 202405, 1, 1, 0, 0, 0);
    bx_accounts_free(ctx, acc);
    assert_int_equal(bx_pool_accounts(ctx, path, "Z", &o, &acc), BX_OK);
    assert_int_equal(acc->nrows, 0);
    bx_accounts_free(ctx, acc);
    /* a window of 20 days: A3's 16 days are a return */
    o.loss_window_s = 20 * PT_DAY;
    assert_int_equal(bx_pool_accounts(ctx, path, "A", &o, &acc), BX_OK);
    row_is(&acc->rows[0], "A", "SA", 202405, 3, 2, 1, 0, 0);
    bx_accounts_free(ctx, acc);
    /* bad options */
    o.now_s = 0;
    assert_int_equal(bx_pool_accounts(ctx, path, "A", &o, &acc), BX_EINVAL);
    assert_null(acc);
    o.now_s = PT_T0 + 40 * PT_DAY;
    /* every allocation fails in turn: an error, never a leak */
    for (uint64_t fail = 1; fail < 1000; fail++) {
        test_alloc ta;
        bx_ctx *c2 = test_ctx_new(&ta, fail);
        bx_accounts *a2 = NULL;
        bx_status st = bx_pool_accounts(c2, path, "P", &o, &a2);
        assert_true(st == BX_OK || st == BX_ENOMEM);
        if (st == BX_OK)
            assert_int_equal(a2->nrows, 3);
        bool done = ta.failures == 0;
        bx_accounts_free(c2, a2);
        bx_ctx_free(c2);
        assert_int_equal(ta.live_blocks, 0);
        if (done)
            break;
    }
    /* compacted: only what came after the snapshot counts (nothing) */
    bx_pool *pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, NULL, NULL), BX_OK);
    assert_int_equal(bx_pool_compact(pool, NULL), BX_OK);
    bx_pool_close(pool);
    assert_int_equal(bx_pool_accounts(ctx, path, "P", &o, &acc), BX_OK);
    assert_int_equal(acc->nrows, 0);
    bx_accounts_free(ctx, acc);
    jt_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_accounts_by_hand, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
