/*
 * test_plan.c: rebalancing plans. A transportation instance whose optimum
 * is worked out by hand (where the nearest giver is the wrong choice), the
 * same with too few containers (the least shortfall, then the least cost),
 * random small instances against an independent enumeration with
 * Floyd-Warshall paths, the links file's errors with file, line and field,
 * a station without distances; a plan for a pool from the journal's
 * history, operator by operator (each plans with its own stations and
 * containers only), and too little history; every allocation failing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

static bx_links *links_of(const char *csv)
{
    bx_links *l = NULL;
    if (bx_links_read_mem(ctx, &l, "links.csv", csv, strlen(csv)) != BX_OK)
        fail_msg("links: %s", bx_ctx_errmsg(ctx));
    return l;
}

static bx_plan_station stn(const char *id, int64_t stock, int64_t need, int64_t safety)
{
    bx_plan_station s;
    memset(&s, 0, sizeof s);
    snprintf(s.station_id, sizeof s.station_id, "%s", id);
    s.stock = stock;
    s.need = need;
    s.safety = safety;
    return s;
}

/* Containers moved from station index a to b in the plan (0 if none). */
static int64_t moved(const bx_plan *p, size_t a, size_t b)
{
    for (size_t k = 0; k < p->nmoves; k++)
        if (p->moves[k].from == a && p->moves[k].to == b)
            return p->moves[k].containers;
    return 0;
}

/* Two givers, two receivers. Links (distance km, cost per container):
 *   G1-R1 10 km 1, G1-R2 20 km 2, G2-R1 20 km 2, G2-R2 100 km 10.
 * Cheapest paths: G2 to R2 goes G2-R1-G1-R2 for 2 + 1 + 2 = 5 (50 km)
 * instead of 10; the others are their direct links.
 * G1: stock 8, need 3, safety 2: surplus 3.  G2: stock 5, need 0,
 * safety 2: surplus 3.  R1: stock 2, need 4, safety 1: deficit 3.  R2:
 * stock 0, need 1, safety 2: deficit 3.
 * Supply 6 = demand 6, so x12 = 3 - x11, x21 = 3 - x11, x22 = x11 and
 *   cost = x11 + 2 (3 - x11) + 2 (3 - x11) + 5 x11 = 12 + 2 x11,
 * least at x11 = 0: G1 -> R2 3, G2 -> R1 3, cost 12, 3 x 20 + 3 x 20 =
 * 120 container-km. The nearest giver for R1 (G1, cost 1) is not used. */
static const char *const network =
    "from,to,distance_km,cost_per_container\n"
    "G1,R1,10,1\n"
    "G1,R2,20,2\n"
    "G2,R1,20,2\n"
    "G2,R2,100,10\n";

static void test_plan_by_hand(void **state)
{
    (void)state;
    bx_links *l = links_of(network);
    assert_int_equal(bx_links_count(l), 4);
    double km, cost;
    assert_true(bx_links_find(l, "R2", "G2", &km, &cost)); /* either direction */
    assert_true(km == 100 && cost == 10);
    assert_false(bx_links_find(l, "G1", "G2", NULL, NULL));
    const bx_plan_station s[4] = {stn("G1", 8, 3, 2), stn("G2", 5, 0, 2), stn("R1", 2, 4, 1),
                                  stn("R2", 0, 1, 2)};
    bx_plan *p = NULL;
    assert_int_equal(bx_plan_solve(ctx, s, 4, l, &p), BX_OK);
    assert_int_equal(p->shortfall_total, 0);
    assert_true(fabs(p->cost - 12) < 1e-9);
    assert_int_equal(p->nmoves, 2);
    assert_int_equal(moved(p, 0, 3), 3);
    assert_int_equal(moved(p, 1, 2), 3);
    assert_int_equal(p->moved, 6);
    assert_true(fabs(p->distance_km - 120) < 1e-9);
    for (size_t k = 0; k < p->nmoves; k++) {
        assert_true(fabs(p->moves[k].distance_km - 20) < 1e-9);
        assert_int_equal(p->moves[k].hops, 1);
    }
    assert_int_equal(p->arrivals[2], 3);
    assert_int_equal(p->arrivals[3], 3);
    assert_int_equal(p->departures[0], 3);
    assert_int_equal(p->departures[1], 3);
    bx_plan_free(ctx, p);

    /* Too few: G2 has stock 3 (surplus 1). Supply 4 < demand 6: the least
     * shortfall is 2. All 4 move; with x11 + x12 = 3, x21 + x22 = 1 and at
     * most 3 to each receiver:
     *   x21 = 1: cost = x11 + 2 (3 - x11) + 2 = 8 - x11, x11 <= 2: 6
     *   x22 = 1: cost = x11 + 2 (3 - x11) + 5 = 11 - x11, x11 <= 3: 8
     * so G1 -> R1 2, G1 -> R2 1, G2 -> R1 1, cost 6; R2 stays 2 short. */
    bx_plan_station s2[4];
    memcpy(s2, s, sizeof s2);
    s2[1].stock = 3;
    assert_int_equal(bx_plan_solve(ctx, s2, 4, l, &p), BX_OK);
    assert_int_equal(p->shortfall_total, 2);
    assert_int_equal(p->shortfall[3], 2);
    assert_int_equal(p->shortfall[2], 0);
    assert_true(fabs(p->cost - 6) < 1e-9);
    assert_int_equal(moved(p, 0, 2), 2);
    assert_int_equal(moved(p, 0, 3), 1);
    assert_int_equal(moved(p, 1, 2), 1);
    assert_int_equal(moved(p, 1, 3), 0);
    bx_plan_free(ctx, p);

    /* G2 -> R2 alone: the path over R1 and G1 (cost 5, 50 km, 3 links) */
    const bx_plan_station s3[4] = {stn("G1", 0, 0, 0), stn("G2", 1, 0, 0), stn("R1", 0, 0, 0),
                                   stn("R2", 0, 1, 0)};
    assert_int_equal(bx_plan_solve(ctx, s3, 4, l, &p), BX_OK);
    assert_int_equal(p->nmoves, 1);
    assert_int_equal(p->moves[0].hops, 3);
    assert_true(fabs(p->moves[0].cost - 5) < 1e-9);
    assert_true(fabs(p->moves[0].distance_km - 50) < 1e-9);
    bx_plan_free(ctx, p);
    bx_links_free(l);
}

/* ---- against an enumeration ---------------------------------------------- */

static uint64_t rng = 88172645463325252u;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Every whole flow from givers to receivers, each pair carrying at most
 * what both ends allow: the least shortfall, then the least cost. */
static void enumerate(const int64_t *sur, const int64_t *def, size_t n, double c[4][4],
                      int64_t *best_short, double *best_cost)
{
    size_t from[16], to[16], np = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (sur[i] > 0 && def[j] > 0 && isfinite(c[i][j]))
                from[np] = i, to[np++] = j;
    int64_t x[16] = {0};
    *best_short = INT64_MAX;
    *best_cost = INFINITY;
    for (;;) {
        int64_t out[4] = {0}, in[4] = {0};
        double cost = 0;
        for (size_t k = 0; k < np; k++) {
            out[from[k]] += x[k];
            in[to[k]] += x[k];
            cost += (double)x[k] * c[from[k]][to[k]];
        }
        bool ok = true;
        int64_t sh = 0;
        for (size_t i = 0; i < n; i++) {
            ok = ok && out[i] <= (sur[i] > 0 ? sur[i] : 0);
            if (def[i] > 0)
                sh += in[i] < def[i] ? def[i] - in[i] : 0;
        }
        if (ok && (sh < *best_short || (sh == *best_short && cost < *best_cost - 1e-9))) {
            *best_short = sh;
            *best_cost = cost;
        }
        size_t k = 0;
        while (k < np && x[k] == (sur[from[k]] < def[to[k]] ? sur[from[k]] : def[to[k]]))
            x[k++] = 0;
        if (k == np)
            return;
        x[k]++;
    }
}

static void test_plan_against_enumeration(void **state)
{
    (void)state;
    const char *ids[4] = {"S0", "S1", "S2", "S3"};
    for (int round = 0; round < 150; round++) {
        /* a random network of 4 stations, each pair linked or not */
        char csv[1024] = "from,to,distance_km,cost_per_container\n";
        double c[4][4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                c[i][j] = i == j ? 0 : INFINITY;
        for (int i = 0; i < 4; i++)
            for (int j = i + 1; j < 4; j++) {
                if (rnd(4) == 0 && !(i == 0 && j == 1))
                    continue;
                unsigned cost = 1 + rnd(9);
                char row[64];
                snprintf(row, sizeof row, "%s,%s,%u,%u\n", ids[i], ids[j], 5 + rnd(50), cost);
                strcat(csv, row);
                c[i][j] = c[j][i] = cost;
            }
        /* every station has a link: 0-1 is always there; give 2 and 3 one */
        for (int i = 2; i < 4; i++) {
            bool any = false;
            for (int j = 0; j < 4; j++)
                any = any || (j != i && isfinite(c[i][j]));
            if (!any) {
                char row[64];
                snprintf(row, sizeof row, "%s,%s,7,4\n", ids[i], ids[0]);
                strcat(csv, row);
                c[i][0] = c[0][i] = 4;
            }
        }
        /* Floyd-Warshall: the cheapest path costs */
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    if (c[i][k] + c[k][j] < c[i][j])
                        c[i][j] = c[i][k] + c[k][j];
        bx_plan_station s[4];
        int64_t sur[4], def[4];
        for (int i = 0; i < 4; i++) {
            s[i] = stn(ids[i], rnd(7), rnd(4), rnd(3));
            int64_t d = s[i].stock - s[i].need - s[i].safety;
            sur[i] = d > 0 ? d : 0;
            def[i] = d < 0 ? -d : 0;
        }
        int64_t want_short;
        double want_cost;
        enumerate(sur, def, 4, c, &want_short, &want_cost);
        bx_links *l = links_of(csv);
        bx_plan *p = NULL;
        assert_int_equal(bx_plan_solve(ctx, s, 4, l, &p), BX_OK);
        if (p->shortfall_total != want_short || fabs(p->cost - want_cost) > 1e-9)
            fail_msg("round %d: shortfall %lld cost %g, enumeration %lld %g", round,
                     (long long)p->shortfall_total, p->cost, (long long)want_short, want_cost);
        /* and the plan itself keeps its promises */
        int64_t sh = 0;
        for (int i = 0; i < 4; i++) {
            int64_t after = s[i].stock - p->departures[i] + p->arrivals[i];
            int64_t want = s[i].need + s[i].safety;
            assert_true(p->departures[i] <= sur[i]);
            assert_int_equal(p->shortfall[i], after < want ? want - after : 0);
            sh += p->shortfall[i];
        }
        assert_int_equal(sh, p->shortfall_total);
        bx_plan_free(ctx, p);
        bx_links_free(l);
    }
}

/* ---- bad input ------------------------------------------------------------ */

static void refused_links(const char *csv, const char *want)
{
    bx_links *l = (bx_links *)&l;
    assert_int_equal(bx_links_read_mem(ctx, &l, "links.csv", csv, strlen(csv)), BX_EINPUT);
    assert_null(l);
    if (strstr(bx_ctx_errmsg(ctx), want) == NULL)
        fail_msg("wanted '%s' in: %s", want, bx_ctx_errmsg(ctx));
}

static void test_bad_links(void **state)
{
    (void)state;
    const char *h = "from,to,distance_km,cost_per_container\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%sA,B,10,1\nA,A,3,1\n", h);
    refused_links(buf, "links.csv:3");
    refused_links(buf, "two different stations");
    snprintf(buf, sizeof buf, "%sA,B,10,1\nC,D,-3,1\n", h);
    refused_links(buf, "distance_km");
    snprintf(buf, sizeof buf, "%sA,B,10,1\nC,D,0,1\n", h);
    refused_links(buf, "outside (0, 5000]");
    snprintf(buf, sizeof buf, "%sA,B,ten,1\n", h);
    refused_links(buf, "links.csv:2");
    snprintf(buf, sizeof buf, "%sA,B,10,\n", h);
    refused_links(buf, "cost_per_container");
    snprintf(buf, sizeof buf, "%sA,B,10,1\nB,A,12,1\n", h);
    refused_links(buf, "given again (first at line 2)");
    refused_links("from,to,distance_km\nA,B,1\n", "cost_per_container");
    /* JSON too, with the same rules */
    const char *json =
        "[{\"from\":\"A\",\"to\":\"B\",\"distance_km\":5,\"cost_per_container\":1},"
        "{\"from\":\"B\",\"to\":\"C\",\"distance_km\":9000,\"cost_per_container\":1}]";
    bx_links *l = NULL;
    assert_int_equal(bx_links_read_mem(ctx, &l, "links.json", json, strlen(json)), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "distance_km"));

    /* a station no link names; a station twice; a negative stock */
    l = links_of(network);
    const bx_plan_station s[3] = {stn("G1", 1, 0, 0), stn("R1", 0, 1, 0), stn("Q", 0, 1, 0)};
    bx_plan *p = (bx_plan *)&p;
    assert_int_equal(bx_plan_solve(ctx, s, 3, l, &p), BX_EINPUT);
    assert_null(p);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "station 'Q' has no distances"));
    const bx_plan_station twice[2] = {stn("G1", 1, 0, 0), stn("G1", 0, 1, 0)};
    assert_int_equal(bx_plan_solve(ctx, twice, 2, l, &p), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "given twice"));
    const bx_plan_station neg[2] = {stn("G1", -1, 0, 0), stn("R1", 0, 1, 0)};
    assert_int_equal(bx_plan_solve(ctx, neg, 2, l, &p), BX_EINPUT);
    /* one station alone needs no links, and cannot be helped */
    const bx_plan_station alone[1] = {stn("Q", 1, 3, 1)};
    assert_int_equal(bx_plan_solve(ctx, alone, 1, l, &p), BX_OK);
    assert_int_equal(p->shortfall_total, 3);
    assert_int_equal(p->nmoves, 0);
    bx_plan_free(ctx, p);
    bx_links_free(l);
}

/* ---- a pool's plan, operator by operator ----------------------------------- */

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

/* Platform P; operator A runs SA1 and SA2, operator B runs SB1, all from
 * day 0 (PT_T0). A registers 30 crates at SA1 and 10 at SA2, B 20 at
 * SB1. On each of days 0..13 A issues 2 crates at SA1 (none come back).
 * After 14 days SA1 has 2 ready; every weekday's mean is 2 issues and 0
 * returns, so over 3 days SA1 draws down 6. SA2 and SB1 see no traffic. */
static void build_pool(const char *path)
{
    bx_catalog *cat = pt_catalog(ctx);
    bx_pool *pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, cat, NULL), BX_OK);
    pt_apply(pool, new_operator(PT_T0, "", "P", BX_ROLE_PLATFORM));
    pt_apply(pool, new_operator(PT_T0, "P", "A", BX_ROLE_OPERATOR));
    pt_apply(pool, new_operator(PT_T0, "P", "B", BX_ROLE_OPERATOR));
    pt_apply(pool, by(pt_station(PT_T0, "SA1"), "A"));
    pt_apply(pool, by(pt_station(PT_T0, "SA2"), "A"));
    pt_apply(pool, by(pt_station(PT_T0, "SB1"), "B"));
    char id[32];
    for (int i = 0; i < 60; i++) {
        snprintf(id, sizeof id, "K%02d", i);
        const char *at = i < 30 ? "SA1" : i < 40 ? "SA2" : "SB1";
        pt_apply(pool, by(pt_register(PT_T0 + 60, id, "crate-pp", at), i < 40 ? "A" : "B"));
    }
    for (int d = 0; d < 14; d++)
        for (int k = 0; k < 2; k++) {
            char order[32];
            snprintf(id, sizeof id, "K%02d", 2 * d + k);
            snprintf(order, sizeof order, "O%d", 2 * d + k);
            pt_apply(pool, by(pt_issue(PT_T0 + d * PT_DAY + PT_HOUR, id, "SA1", order), "A"));
        }
    bx_pool_close(pool);
    bx_catalog_free(cat);
}

/* Links: SA1-SA2 12 km at 1.5, SA1-SB1 5 km at 0.5, SA2-SB1 3 km at 0.2.
 * Safety 1. SA1: stock 2, need 6, deficit 5.
 * A's plan (SA1, SA2; its 10 at SA2, surplus 9): SA2 -> SA1 5 along
 * SA2-SB1-SA1 (0.2 + 0.5 = 0.7 < 1.5; 8 km), cost 3.5. B's crates at SB1
 * are not A's to move, and SB1 is not in A's plan.
 * The platform's plan (every station; SB1's 20, surplus 19, at 0.5):
 * SB1 -> SA1 5, cost 2.5, 5 km.
 * B's plan: SB1 alone, stock 20, need 0: nothing to move. */
static void test_pool_plan_by_operator(void **state)
{
    (void)state;
    char dir[64], path[128];
    jt_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pool.bxj", dir);
    build_pool(path);
    bx_links *l = links_of("from,to,distance_km,cost_per_container\n"
                           "SA1,SA2,12,1.5\nSA1,SB1,5,0.5\nSA2,SB1,3,0.2\n");
    bx_pool_options po;
    bx_pool_options_init(&po);
    po.journal.read_only = true;
    bx_pool *pool = NULL;
    assert_int_equal(bx_pool_open(ctx, &pool, path, NULL, &po), BX_OK);
    bx_plan_options o;
    bx_plan_options_init(&o);
    o.horizon_days = 3;
    o.safety = 1;
    o.end_day = PT_T0 / PT_DAY + 14;
    bx_plan *p = NULL;
    assert_int_equal(bx_plan_pool(ctx, pool, path, "A", "crate-pp", l, &o, &p), BX_OK);
    assert_int_equal(p->nstations, 2);
    assert_string_equal(p->stations[0].station_id, "SA1");
    assert_string_equal(p->stations[1].station_id, "SA2");
    assert_int_equal(p->stations[0].stock, 2);
    assert_int_equal(p->stations[0].need, 6);
    assert_int_equal(p->stations[1].stock, 10);
    assert_int_equal(p->stations[1].need, 0);
    assert_int_equal(p->nmoves, 1);
    assert_int_equal(moved(p, 1, 0), 5);
    assert_true(fabs(p->cost - 3.5) < 1e-9);
    assert_true(fabs(p->moves[0].distance_km - 8) < 1e-9);
    assert_int_equal(p->moves[0].hops, 2);
    bx_plan_free(ctx, p);

    assert_int_equal(bx_plan_pool(ctx, pool, path, "P", "crate-pp", l, &o, &p), BX_OK);
    assert_int_equal(p->nstations, 3);
    assert_int_equal(p->stations[2].stock, 20);
    assert_int_equal(p->nmoves, 1);
    assert_int_equal(moved(p, 2, 0), 5);
    assert_true(fabs(p->cost - 2.5) < 1e-9);
    bx_plan_free(ctx, p);

    assert_int_equal(bx_plan_pool(ctx, pool, path, "B", "crate-pp", l, &o, &p), BX_OK);
    assert_int_equal(p->nstations, 1);
    assert_string_equal(p->stations[0].station_id, "SB1");
    assert_int_equal(p->nmoves, 0);
    assert_int_equal(p->shortfall_total, 0);
    bx_plan_free(ctx, p);

    /* an unknown operator sees no station */
    assert_int_equal(bx_plan_pool(ctx, pool, path, "Z", "crate-pp", l, &o, &p), BX_ENOTFOUND);
    assert_null(p);

    /* ten days of history: four more wanted, and it says which station */
    o.end_day = PT_T0 / PT_DAY + 10;
    assert_int_equal(bx_plan_pool(ctx, pool, path, "A", "crate-pp", l, &o, &p), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "station 'SA1'"));
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "4 more"));

    /* links without SA2 */
    bx_links *l2 = links_of("from,to,distance_km,cost_per_container\nSA1,SB1,5,0.5\n");
    o.end_day = PT_T0 / PT_DAY + 14;
    assert_int_equal(bx_plan_pool(ctx, pool, path, "A", "crate-pp", l2, &o, &p), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "station 'SA2' has no distances"));

    /* every allocation fails in turn: an error, never a leak */
    for (uint64_t fail = 1; fail < 2000; fail++) {
        test_alloc ta;
        bx_ctx *c2 = test_ctx_new(&ta, fail);
        bx_links *l3 = NULL;
        const char *csv = "from,to,distance_km,cost_per_container\n"
                          "SA1,SA2,12,1.5\nSA1,SB1,5,0.5\nSA2,SB1,3,0.2\n";
        bx_status st = bx_links_read_mem(c2, &l3, "links.csv", csv, strlen(csv));
        bx_plan *p2 = NULL;
        if (st == BX_OK)
            st = bx_plan_pool(c2, pool, path, "A", "crate-pp", l3, &o, &p2);
        assert_true(st == BX_OK || st == BX_ENOMEM);
        if (st == BX_OK)
            assert_int_equal(p2->moved, 5);
        bool done = ta.failures == 0;
        bx_plan_free(c2, p2);
        bx_links_free(l3);
        bx_ctx_free(c2);
        assert_int_equal(ta.live_blocks, 0);
        if (done)
            break;
    }
    bx_links_free(l2);
    /* compacted since the stations joined: no history to plan from */
    bx_pool_close(pool);
    assert_int_equal(bx_pool_open(ctx, &pool, path, NULL, NULL), BX_OK);
    assert_int_equal(bx_pool_compact(pool, NULL), BX_OK);
    bx_pool_close(pool);
    assert_int_equal(bx_pool_open(ctx, &pool, path, NULL, &po), BX_OK);
    assert_int_equal(bx_plan_pool(ctx, pool, path, "A", "crate-pp", l, &o, &p), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "compacted"));
    bx_links_free(l);
    bx_pool_close(pool);
    jt_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plan_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_against_enumeration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_plan_by_operator, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
