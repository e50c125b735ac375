/*
 * test_pool_pack.c: packing into a pool's containers (boxcar/pool_pack.h):
 * which containers are picked, that nothing is recorded until the issue,
 * that the issue is one journal record and the next order sees fewer,
 * a pool that changed between pack and issue, packing under a policy
 * whose table is the pool's, and every allocation failing in turn.
 *
 * The pool (pt_catalog's types): stations A and B; crate-pp C1, C2 and
 * crate-s S1, S2 registered at A, in that order (so each type's first is
 * the one ready longest); nothing at B.
 * Items: BIG 400x200x250 mm (fits 3# 424x204x258 and crate-pp
 * 430x210x260, not crate-s 290x170x180), SMALL 200x150x150 mm (fits all).
 */
#include <stdio.h>
#include <string.h>

#include "journal_testutil.h"
#include "pool_testutil.h"
#include "testutil.h"

static char dir[64];
static char path[128];
static bx_ctx *ctx;
static bx_catalog *cat;
static bx_pool *pool;
static bx_engine *engine;

static bx_pool *open_pool(bool read_only)
{
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = read_only;
    bx_pool *p = NULL;
    if (bx_pool_open(ctx, &p, path, cat, &o) != BX_OK)
        fail_msg("open: %s", bx_ctx_errmsg(ctx));
    return p;
}

static int setup(void **state)
{
    (void)state;
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    cat = pt_catalog(ctx);
    pool = open_pool(false);
    pt_apply(pool, pt_station(PT_T0, "A"));
    pt_apply(pool, pt_station(PT_T0, "B"));
    pt_apply(pool, pt_register(PT_T0, "C1", "crate-pp", "A"));
    pt_apply(pool, pt_register(PT_T0, "C2", "crate-pp", "A"));
    pt_apply(pool, pt_register(PT_T0, "S1", "crate-s", "A"));
    pt_apply(pool, pt_register(PT_T0, "S2", "crate-s", "A"));
    assert_int_equal(bx_engine_new(ctx, &engine, NULL), BX_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bx_engine_free(engine);
    bx_pool_close(pool);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    jt_rmdir(dir);
    return 0;
}

static bx_order_line line(const char *order, bool big, int32_t qty)
{
    bx_order_line x;
    bx_order_line_init(&x);
    snprintf(x.order_id, sizeof x.order_id, "%s", order);
    snprintf(x.item_id, sizeof x.item_id, "%s", big ? "BIG" : "SMALL");
    x.qty = qty;
    x.l_mm = big ? 400 : 200;
    x.w_mm = big ? 200 : 150;
    x.h_mm = big ? 250 : 150;
    x.weight_g = big ? 2000 : 500;
    return x;
}

static bx_pool_packer *packer_at(const char *station, bx_policy *policy, bool returns)
{
    bx_pool_packer_options o;
    bx_pool_packer_options_init(&o);
    o.station_id = station;
    o.policy = policy;
    o.returns_accepted = returns;
    bx_pool_packer *pp = NULL;
    if (bx_pool_packer_new(ctx, &pp, pool, cat, &o) != BX_OK)
        fail_msg("packer: %s", bx_ctx_errmsg(ctx));
    return pp;
}

static const bx_pack_result *pack(bx_pool_packer *pp, const bx_order_line *l)
{
    bx_order o = {l, 1};
    const bx_pack_result *r = NULL;
    if (bx_pool_packer_pack(pp, engine, &o, NULL, &r) != BX_OK)
        fail_msg("pack %s: %s", l->order_id, bx_ctx_errmsg(ctx));
    return r;
}

static void assert_box(const bx_pack_result *r, size_t b, const char *box, const char *container)
{
    assert_true(b < r->nboxes);
    assert_string_equal(r->boxes[b].box->box_id, box);
    assert_non_null(r->containers);
    if (container == NULL)
        assert_null(r->containers[b]);
    else
        assert_string_equal(r->containers[b], container);
}

/* Without a policy: O1 and O2 (one BIG each) take C1 then C2, each issue
 * one journal record after the 6 of the setup (7, 8); O3 finds no crate-pp
 * left and gets the carton 3#. A packing not issued changes nothing. */
static void test_containers_then_carton(void **state)
{
    (void)state;
    bx_pool_packer *pp = packer_at("A", NULL, true);
    bx_order_line o1 = line("O1", true, 1), o2 = line("O2", true, 1), o3 = line("O3", true, 1);
    assert_box(pack(pp, &o1), 0, "crate-pp", "C1");
    assert_int_equal(bx_pool_packer_pending(pp), 1);
    /* packed again, not issued: the same container, the pool unchanged */
    assert_box(pack(pp, &o1), 0, "crate-pp", "C1");
    assert_int_equal(bx_pool_available(pool, "A", "crate-pp"), 2);
    assert_int_equal(bx_pool_seq(pool), 6);
    uint64_t seq = 0;
    assert_int_equal(bx_pool_packer_issue(pp, PT_T0 + PT_HOUR, &seq), BX_OK);
    assert_int_equal(seq, 7);
    assert_int_equal(bx_pool_packer_pending(pp), 0);
    assert_int_equal(bx_pool_available(pool, "A", "crate-pp"), 1);
    /* another packer on the pool (a second request to a service) sees it */
    bx_pool_packer *other = packer_at("A", NULL, true);
    assert_box(pack(other, &o2), 0, "crate-pp", "C2");
    bx_pool_packer_free(other);
    assert_box(pack(pp, &o2), 0, "crate-pp", "C2");
    assert_int_equal(bx_pool_packer_issue(pp, PT_T0 + PT_HOUR, &seq), BX_OK);
    assert_int_equal(seq, 8);
    const bx_pack_result *r = pack(pp, &o3);
    assert_int_equal(r->nboxes, 1);
    assert_box(r, 0, "3#", NULL);
    assert_int_equal(bx_pool_packer_pending(pp), 0);
    assert_int_equal(bx_pool_packer_issue(pp, PT_T0 + PT_HOUR, &seq), BX_OK);
    assert_int_equal(seq, 0);
    /* what the result was packed with checks out */
    bx_order as;
    bx_pack_options as_opts;
    bx_pool_packer_packed_as(pp, &as, &as_opts);
    assert_int_equal(bx_validate(ctx, cat, &as, &as_opts, r), BX_OK);
    bx_pool_packer_free(pp);

    /* the journal, read afresh, has both issues */
    bx_pool *rd = open_pool(true);
    bx_container_info ci;
    assert_int_equal(bx_pool_find(rd, "C1", &ci), BX_OK);
    assert_int_equal(ci.state, BX_CS_ISSUED);
    assert_string_equal(ci.order_id, "O1");
    assert_int_equal(ci.last_seq, 7);
    assert_int_equal(ci.last_time_s, PT_T0 + PT_HOUR);
    assert_int_equal(bx_pool_find(rd, "C2", &ci), BX_OK);
    assert_string_equal(ci.order_id, "O2");
    assert_int_equal(bx_pool_seq(rd), 8);
    bx_pool_close(rd);
}

/* Two BIG units in one order: two crate-pp boxes, C1 and C2, issued as
 * one record. At station B, with nothing ready, the same order gets two
 * cartons. */
static void test_one_batch_per_order(void **state)
{
    (void)state;
    bx_order_line two = line("O9", true, 2);
    bx_pool_packer *b = packer_at("B", NULL, true);
    const bx_pack_result *r = pack(b, &two);
    assert_int_equal(r->nboxes, 2);
    assert_box(r, 0, "3#", NULL);
    assert_box(r, 1, "3#", NULL);
    bx_pool_packer_free(b);

    bx_pool_packer *a = packer_at("A", NULL, true);
    r = pack(a, &two);
    assert_int_equal(r->nboxes, 2);
    assert_box(r, 0, "crate-pp", "C1");
    assert_box(r, 1, "crate-pp", "C2");
    uint64_t seq = 0;
    assert_int_equal(bx_pool_packer_issue(a, PT_T0 + PT_HOUR, &seq), BX_OK);
    assert_int_equal(seq, 7);
    bx_container_info ci;
    assert_int_equal(bx_pool_find(pool, "C1", &ci), BX_OK);
    assert_int_equal(ci.last_seq, 7);
    assert_int_equal(bx_pool_find(pool, "C2", &ci), BX_OK);
    assert_int_equal(ci.last_seq, 7);
    assert_string_equal(ci.order_id, "O9");
    bx_pool_packer_free(a);
}

/* The pool changes between pack and issue (a container issued by hand):
 * the issue is refused and nothing is written. An unknown station is
 * refused at once. */
static void test_pool_changed_and_bad_station(void **state)
{
    (void)state;
    bx_pool_packer_options o;
    bx_pool_packer_options_init(&o);
    o.station_id = "Z";
    bx_pool_packer *pp = NULL;
    assert_int_equal(bx_pool_packer_new(ctx, &pp, pool, cat, &o), BX_ENOTFOUND);
    assert_null(pp);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "station 'Z' is not in the pool"));

    pp = packer_at("A", NULL, true);
    bx_order_line o1 = line("O1", true, 1);
    assert_box(pack(pp, &o1), 0, "crate-pp", "C1");
    pt_apply(pool, pt_issue(PT_T0 + PT_HOUR, "C1", "A", "OTHER"));
    uint64_t seq = 99;
    assert_int_equal(bx_pool_packer_issue(pp, PT_T0 + PT_HOUR, &seq), BX_EINPUT);
    assert_int_equal(seq, 0);
    assert_int_equal(bx_pool_seq(pool), 7);
    assert_int_equal(bx_pool_packer_pending(pp), 0);
    /* packed again, it takes the one that is left */
    assert_box(pack(pp, &o1), 0, "crate-pp", "C2");
    bx_pool_packer_free(pp);
}

#if BOXCAR_HAVE_LUA
/* Reusable boxes only while the table has one (and returns are
 * accepted); reusable boxes cost a thousandth of their volume, so the
 * smallest that fits wins; choose_container always names crate-s; check
 * reports what eligible saw of crate-s, as the violation's value. */
static const char policy_text[] =
    "local p = {name = 'pick-s'}\n"
    "local seen = -1\n"
    "function p.eligible(order, box, pool)\n"
    "  if box.id == 'crate-s' then seen = pool.available['crate-s'] end\n"
    "  if box.reusable then\n"
    "    return pool.returns_accepted and (pool.available[box.id] or 0) > 0\n"
    "  end\n"
    "  return true\n"
    "end\n"
    "function p.box_cost(order, box, pool)\n"
    "  if box.reusable then return box.inner_volume_mm3 / 1000 end\n"
    "  return box.inner_volume_mm3\n"
    "end\n"
    "function p.check(order, packing, report)\n"
    "  report(0, 'T.SEEN', 'crate-s in the table', seen)\n"
    "end\n"
    "function p.choose_container(order, packed, pool) return 'crate-s' end\n"
    "return p\n";

static bx_policy *load_policy(void)
{
    bx_policy *p = NULL;
    if (bx_policy_load_buffer(ctx, &p, "pick-s", policy_text, sizeof policy_text - 1, cat,
                              NULL) != BX_OK)
        fail_msg("policy: %s", bx_ctx_errmsg(ctx));
    return p;
}

static double seen(const bx_pack_result *r)
{
    assert_int_equal(r->nviolations, 1);
    assert_string_equal(r->violations[0].code, "T.SEEN");
    return r->violations[0].value;
}

/* P1 (SMALL) sees 2 crate-s and gets S1; packed again without an issue it
 * still sees 2 (the table is the pool's again) and gets S1. Issued. Q1
 * (BIG) goes into crate-pp, the only reusable type it fits, but
 * choose_container names crate-s: refused. P2 then sees 1 (the count
 * choose_container took for Q1 is back) and gets S2. P3 sees 0, so the
 * policy packs crate-pp and asks for crate-s, which the policy itself
 * refuses (none left). With returns not accepted: the carton. */
static void test_policy_sees_the_pool(void **state)
{
    (void)state;
    bx_policy *policy = load_policy();
    bx_pool_packer *pp = packer_at("A", policy, true);
    bx_order_line p1 = line("P1", false, 1), p2 = line("P2", false, 1);
    bx_order_line p3 = line("P3", false, 1), q1 = line("Q1", true, 1);
    const bx_pack_result *r = pack(pp, &p1);
    assert_box(r, 0, "crate-s", "S1");
    assert_string_equal(r->policy, "pick-s");
    assert_true(seen(r) == 2);
    r = pack(pp, &p1);
    assert_box(r, 0, "crate-s", "S1");
    assert_true(seen(r) == 2);
    assert_int_equal(bx_pool_packer_issue(pp, PT_T0 + PT_HOUR, NULL), BX_OK);

    bx_order oq = {&q1, 1};
    assert_int_equal(bx_pool_packer_pack(pp, engine, &oq, NULL, &r), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "order Q1: policy pick-s: hook "
                                               "'choose_container' chose 'crate-s' for box 1, "
                                               "a crate-pp"));
    assert_int_equal(bx_pool_packer_pending(pp), 0);

    r = pack(pp, &p2);
    assert_box(r, 0, "crate-s", "S2");
    assert_true(seen(r) == 1);
    /* what the result was packed with checks out */
    bx_order as;
    bx_pack_options as_opts;
    bx_pool_packer_packed_as(pp, &as, &as_opts);
    assert_int_equal(bx_validate(ctx, cat, &as, &as_opts, r), BX_OK);
    assert_int_equal(bx_pool_packer_issue(pp, PT_T0 + PT_HOUR, NULL), BX_OK);
    assert_int_equal(bx_pool_available(pool, "A", "crate-s"), 0);

    bx_order o3 = {&p3, 1};
    assert_int_equal(bx_pool_packer_pack(pp, engine, &o3, NULL, &r), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "'crate-s', which has none left"));
    assert_int_equal(bx_pool_packer_pending(pp), 0);
    bx_pool_packer_free(pp);

    pp = packer_at("A", policy, false);
    r = pack(pp, &p3);
    assert_box(r, 0, "3#", NULL);
    assert_int_equal(bx_pool_packer_pending(pp), 0);
    bx_pool_packer_free(pp);
    bx_policy_free(policy);

    bx_container_info ci;
    assert_int_equal(bx_pool_find(pool, "S2", &ci), BX_OK);
    assert_string_equal(ci.order_id, "P2");
    assert_int_equal(bx_pool_seq(pool), 8);
}
#endif

/* Every allocation of a packer's life (new, two packs, free) failing in
 * turn: BX_ENOMEM and nothing leaked, the pool untouched. */
static void test_out_of_memory(void **state)
{
    (void)state;
    bx_order_line two = line("O9", true, 2);
    bx_order o = {&two, 1};
    uint64_t oom = 0;
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *c = test_ctx_new(&ta, n);
        bx_engine *e = NULL;
        bx_pool_packer *pp = NULL;
        bx_pool_packer_options opts;
        bx_pool_packer_options_init(&opts);
        opts.station_id = "A";
        const bx_pack_result *r = NULL;
        bx_status st = bx_engine_new(c, &e, NULL);
        if (st == BX_OK)
            st = bx_pool_packer_new(c, &pp, pool, cat, &opts);
        for (int k = 0; k < 2 && st == BX_OK; k++)
            st = bx_pool_packer_pack(pp, e, &o, NULL, &r);
        if (st != BX_OK && st != BX_ENOMEM)
            fail_msg("allocation %llu: %s: %s", (unsigned long long)n, bx_strerror(st),
                     bx_ctx_errmsg(c));
        if (st == BX_OK)
            assert_box(r, 1, "crate-pp", "C2");
        oom += st == BX_ENOMEM;
        bool done = ta.failures == 0;
        bx_pool_packer_free(pp);
        bx_engine_free(e);
        bx_ctx_free(c);
        if (ta.live_bytes != 0)
            fail_msg("allocation %llu: %zu bytes leaked", (unsigned long long)n, ta.live_bytes);
        if (done)
            break;
    }
    assert_true(oom > 3);
    assert_int_equal(bx_pool_seq(pool), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_containers_then_carton, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_batch_per_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_changed_and_bad_station, setup, teardown),
#if BOXCAR_HAVE_LUA
        cmocka_unit_test_setup_teardown(test_policy_sees_the_pool, setup, teardown),
#endif
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
