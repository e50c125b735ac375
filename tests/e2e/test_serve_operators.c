/*
 * test_serve_operators.c: a pool with operators over HTTP. Every pool
 * endpoint takes an operator's token; for each one, operator A can
 * neither read nor change B's containers and stations (they answer as
 * missing ones, byte for byte but the id), wrong roles get 403 and no
 * token 401, and nothing refused reaches the journal.
 *
 * The pool is made with `boxcar containers` before the server opens it:
 * platform P, operators A and B; station SA (A's) with crates A1 and A2,
 * station SB (B's) with crate B1.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve_util.h"
#include "testutil.h"

#define CATALOG BOXCAR_SAMPLES "/catalogs/cn-express-reusable.csv"
#define JOURNAL "serve_ops.journal"
#define SERVER_TOKEN "server-token-for-tests"

static test_server server;
static char tok_p[80], tok_a[80], tok_b[80];

static void cli(const char *args)
{
    if (serve_sh("'%s' containers %s -j %s --at @1700000000 >serve_ops.cli 2>&1", BOXCAR_BIN,
                 args, JOURNAL) != 0)
        fail_msg("boxcar containers %s failed", args);
}

static void read_token(const char *path, char *tok)
{
    size_t len;
    char *t = read_file(path, &len);
    assert_int_equal(len, 65);
    memcpy(tok, t, 64);
    tok[64] = '\0';
    free(t);
}

static int setup(void **state)
{
    (void)state;
    unlink(JOURNAL);
    unlink(JOURNAL ".snap");
    cli("operator P --role platform --token-out serve_ops_p.tok");
    cli("operator A --role operator --token-out serve_ops_a.tok --token-file serve_ops_p.tok");
    cli("operator B --role operator --token-out serve_ops_b.tok --token-file serve_ops_p.tok");
    cli("station SA --token-file serve_ops_a.tok");
    cli("station SB --token-file serve_ops_b.tok");
    cli("register A1 A2 --type crate-pp --station SA --token-file serve_ops_a.tok");
    cli("register B1 --type crate-pp --station SB --token-file serve_ops_b.tok");
    read_token("serve_ops_p.tok", tok_p);
    read_token("serve_ops_a.tok", tok_a);
    read_token("serve_ops_b.tok", tok_b);
    write_file("serve_ops_server_token", SERVER_TOKEN "\n", sizeof SERVER_TOKEN);
    static const char links[] = "from,to,distance_km,cost_per_container\n"
                                "SA,SA2,8,2.5\nSA,SB,4,1.0\nSA2,SB,9,3\n";
    write_file("serve_ops_links.csv", links, sizeof links - 1);
    static const char *const args[] = {"--pool", JOURNAL, "--catalog", CATALOG,
                                       "--token-file", "serve_ops_server_token",
                                       "--links", "serve_ops_links.csv", NULL};
    server_start(&server, "test_serve_operators", args, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server.pid > 0 && server_stop(&server, SIGTERM) != 0)
        return -1;
    return 0;
}

static long long journal_size(void)
{
    struct stat sb;
    assert_int_equal(stat(JOURNAL, &sb), 0);
    return (long long)sb.st_size;
}

/* A request as the holder of token tok (NULL: none); the answer in r. */
static void call(const char *tok, const char *method, const char *path, const char *type,
                 const char *body, http_resp *r)
{
    char h[512];
    int n = snprintf(h, sizeof h, "Content-Type: %s\r\n", type ? type : "application/json");
    if (tok != NULL)
        snprintf(h + n, sizeof h - (size_t)n, "Authorization: Bearer %s\r\n", tok);
    http_do(server.port, method, path, h, body, body ? strlen(body) : 0, r);
}

/* The answer, its status wanted; the body kept in out. */
static void expect(const char *tok, const char *method, const char *path, const char *body,
                   int status, char *out, size_t size)
{
    long long before = journal_size();
    http_resp r;
    call(tok, method, path, NULL, body, &r);
    if (r.status != status)
        fail_msg("%s %s %s: %d %s (want %d)", method, path, body ? body : "", r.status, r.body,
                 status);
    if (out != NULL)
        snprintf(out, size, "%s", (char *)r.body);
    http_free(&r);
    if (status != 200)
        assert_int_equal(journal_size(), before);
}

/* Put `to` over every `from` in s (the same length). */
static void swap_all(char *s, const char *from, const char *to)
{
    char *p;
    while ((p = strstr(s, from)) != NULL)
        memcpy(p, to, strlen(to));
}

/* Asking for theirs answers as asking for missing (never in the pool). */
static void same_as_missing(const char *method, const char *theirs_path, const char *theirs_body,
                            const char *missing_path, const char *missing_body,
                            const char *theirs, const char *missing, int status)
{
    char a[2048], b[2048];
    expect(tok_a, method, theirs_path, theirs_body, status, a, sizeof a);
    expect(tok_a, method, missing_path, missing_body, status, b, sizeof b);
    swap_all(b, missing, theirs);
    assert_string_equal(a, b);
}

static void test_events(void **state)
{
    (void)state;
    /* no token, the server's own token, a wrong one: 401 */
    const char *ev = "{\"ev\":\"wash\",\"id\":\"A1\",\"at\":1700000100}";
    expect(NULL, "POST", "/v1/containers/events", ev, 401, NULL, 0);
    expect(SERVER_TOKEN, "POST", "/v1/containers/events", ev, 401, NULL, 0);
    char wrong[80];
    snprintf(wrong, sizeof wrong, "%s", tok_a);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    expect(wrong, "POST", "/v1/containers/events", ev, 401, NULL, 0);
    /* B's container and station are missing ones to A */
    same_as_missing("POST", "/v1/containers/events",
                    "{\"ev\":\"issue\",\"id\":\"B1\",\"station\":\"SB\",\"order\":\"O1\","
                    "\"at\":1700000100}",
                    "/v1/containers/events",
                    "{\"ev\":\"issue\",\"id\":\"Q9\",\"station\":\"SB\",\"order\":\"O1\","
                    "\"at\":1700000100}",
                    "B1", "Q9", 409);
    same_as_missing("POST", "/v1/containers/events",
                    "{\"ev\":\"transfer\",\"id\":\"B1\",\"operator\":\"A\",\"at\":1700000100}",
                    "/v1/containers/events",
                    "{\"ev\":\"transfer\",\"id\":\"Q9\",\"operator\":\"A\",\"at\":1700000100}",
                    "B1", "Q9", 409);
    same_as_missing("POST", "/v1/containers/events",
                    "{\"ev\":\"register\",\"id\":\"A3\",\"type\":\"crate-pp\",\"station\":\"SB\","
                    "\"at\":1700000100}",
                    "/v1/containers/events",
                    "{\"ev\":\"register\",\"id\":\"A3\",\"type\":\"crate-pp\",\"station\":\"SZ\","
                    "\"at\":1700000100}",
                    "SB", "SZ", 409);
    /* wrong roles: 403 */
    char body[512];
    snprintf(body, sizeof body,
             "{\"ev\":\"operator\",\"operator\":\"C\",\"role\":\"operator\",\"token_sha256\":"
             "\"%064d\",\"at\":1700000100}", 7);
    expect(tok_a, "POST", "/v1/containers/events", body, 403, NULL, 0);
    expect(tok_a, "POST", "/v1/containers/events",
           "{\"ev\":\"station\",\"station\":\"SC\",\"operator\":\"B\",\"at\":1700000100}", 403,
           NULL, 0);
    /* nobody says who they are but by their token */
    expect(tok_a, "POST", "/v1/containers/events",
           "{\"ev\":\"wash\",\"id\":\"B1\",\"by\":\"B\",\"at\":1700000100}", 422, NULL, 0);
    /* A hands A2 to B; the platform adds C, whose token then works */
    expect(tok_a, "POST", "/v1/containers/events",
           "{\"ev\":\"transfer\",\"id\":\"A2\",\"operator\":\"B\",\"at\":1700000100}", 200, NULL,
           0);
    expect(tok_a, "GET", "/v1/containers/A2", NULL, 404, NULL, 0);
    expect(tok_b, "GET", "/v1/containers/A2", NULL, 200, NULL, 0);
    const char *tok_c = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    unsigned char h[32];
    bx_pool_token_hash(tok_c, h);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    snprintf(body, sizeof body,
             "{\"ev\":\"operator\",\"operator\":\"C\",\"role\":\"operator\",\"token_sha256\":"
             "\"%s\",\"at\":1700000100}", hex);
    expect(tok_p, "POST", "/v1/containers/events", body, 200, NULL, 0);
    char out[4096];
    expect(tok_c, "GET", "/v1/containers", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"matched\":0"));
}

static void test_reads(void **state)
{
    (void)state;
    same_as_missing("GET", "/v1/containers/B1", NULL, "/v1/containers/Q9", NULL, "B1", "Q9",
                    404);
    char out[8192];
    expect(tok_a, "GET", "/v1/containers", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"id\":\"A1\""));
    assert_non_null(strstr(out, "\"id\":\"A2\""));
    assert_null(strstr(out, "\"id\":\"B1\""));
    assert_non_null(strstr(out, "\"matched\":2"));
    same_as_missing("GET", "/v1/containers?station=SB", NULL, "/v1/containers?station=SZ",
                    NULL, "SB", "SZ", 422);
    /* an operator's stats are its own: its station, its crates */
    expect(tok_a, "GET", "/v1/containers/stats", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"operator\":\"A\""));
    assert_non_null(strstr(out, "\"station\":\"SA\",\"trips\":0"));
    assert_non_null(strstr(out, "\"ready\":{\"crate-pp\":2}"));
    assert_null(strstr(out, "SB"));
    expect(NULL, "GET", "/v1/containers", NULL, 401, NULL, 0);
    expect(tok_p, "GET", "/v1/containers/stats", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"containers\":3"));
    expect(tok_b, "GET", "/v1/containers", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"id\":\"B1\""));
    assert_null(strstr(out, "\"id\":\"A1\""));
}

/* Ten bricks of 150 x 100 x 60 mm, 800 g, fit one crate-pp
 * (test_serve_pool_pack.c works it out). */
static const char order[] = "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                            "O1,BRICK,10,150,100,60,800\n";

static void test_pack_at_station(void **state)
{
    (void)state;
    http_resp r1, r2;
    long long before = journal_size();
    call(tok_a, "POST", "/v1/pack?station=SB", "text/csv", order, &r1);
    call(tok_a, "POST", "/v1/pack?station=SZ", "text/csv", order, &r2);
    assert_int_equal(r1.status, r2.status);
    assert_true(r1.status >= 400);
    swap_all((char *)r2.body, "SZ", "SB");
    assert_string_equal((char *)r1.body, (char *)r2.body);
    http_free(&r1);
    http_free(&r2);
    assert_int_equal(journal_size(), before);
    expect(NULL, "POST", "/v1/pack?station=SA", order, 401, NULL, 0);
    /* at its own station A packs into its own crate (A1, ready longest) */
    call(tok_a, "POST", "/v1/pack?station=SA", "text/csv", order, &r1);
    if (r1.status != 200 || strstr((char *)r1.body, "\"A1\"") == NULL)
        fail_msg("pack at SA: %d %s", r1.status, r1.body);
    http_free(&r1);
    char out[4096];
    expect(tok_a, "GET", "/v1/containers/A1", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"state\":\"issued\""));
    /* B has no crate at SA (A2 is A's): B may not even see SA */
    call(tok_b, "POST", "/v1/pack?station=SA", "text/csv", order, &r1);
    assert_true(r1.status >= 400);
    http_free(&r1);
}

/* GET /v1/containers/forecast: A's station only. The pool's stations
 * joined at 1700000000 (day 19675); A1 goes out on day 19676 and comes
 * back the day after. From now = 1700000000 + 20 days (day 19695) there
 * are 20 whole days of history; from 10 days, 10: too little (14). */
static void test_forecast(void **state)
{
    (void)state;
    expect(tok_a, "POST", "/v1/containers/events",
           "[{\"ev\":\"issue\",\"id\":\"A1\",\"station\":\"SA\",\"order\":\"O1\","
           "\"at\":1700086400},{\"ev\":\"return\",\"id\":\"A1\",\"station\":\"SA\","
           "\"at\":1700172800}]", 200, NULL, 0);
    char out[8192];
    expect(tok_a, "GET", "/v1/containers/forecast?station=SA&days=3&now=1701728000", NULL, 200,
           out, sizeof out);
    assert_non_null(strstr(out, "\"type\":\"crate-pp\""));
    assert_non_null(strstr(out, "\"history_days\":20"));
    assert_non_null(strstr(out, "\"issues\":{"));
    assert_non_null(strstr(out, "\"returns\":{"));
    expect(tok_a, "GET", "/v1/containers/forecast?station=SA&now=1700864000", NULL, 422, out,
           sizeof out);
    assert_non_null(strstr(out, "10 days of history"));
    same_as_missing("GET", "/v1/containers/forecast?station=SB&now=1701728000", NULL,
                    "/v1/containers/forecast?station=SZ&now=1701728000", NULL, "SB", "SZ", 422);
    expect(NULL, "GET", "/v1/containers/forecast?station=SA", NULL, 401, NULL, 0);
    expect(tok_b, "GET", "/v1/containers/forecast?station=SB&now=1701728000", NULL, 200, out,
           sizeof out);
    assert_non_null(strstr(out, "\"types\":[]"));
}

/* GET /v1/containers/plan. A adds station SA2 with crate A3 (joined on
 * day 19675 as the others); A1 and A2 go out at SA on day 19676 and stay
 * out. From now = day 19695: 20 days of history; SA's weekday of day
 * 19676 (index 1) has 3 days in it (1, 8, 15) with 2, 0, 0 issues: mean
 * 2/3, every other weekday 0, so over 7 days SA draws down 2/3: need 1.
 * SA has 0 ready: short 1. SA2 (A3) and SB (B1) have 1 each, need 0.
 * Links: SA-SA2 8 km at 2.5, SA-SB 4 km at 1.0, SA2-SB 9 km at 3.
 * A's plan: SA2 -> SA 1 (direct 2.5 < 1.0 + 3 over SB), 8 km. B's crate
 * is not A's: SB is not in A's plan. The platform's: SB -> SA 1 at 1.0.
 * B's: SB alone, covered. */
static void test_plan(void **state)
{
    (void)state;
    expect(tok_a, "POST", "/v1/containers/events",
           "[{\"ev\":\"station\",\"station\":\"SA2\",\"at\":1700000000},"
           "{\"ev\":\"register\",\"id\":\"A3\",\"type\":\"crate-pp\",\"station\":\"SA2\","
           "\"at\":1700000000},"
           "{\"ev\":\"issue\",\"id\":\"A1\",\"station\":\"SA\",\"order\":\"O1\","
           "\"at\":1700086400},{\"ev\":\"issue\",\"id\":\"A2\",\"station\":\"SA\","
           "\"order\":\"O2\",\"at\":1700086400}]", 200, NULL, 0);
    char out[8192];
    const char *q = "/v1/containers/plan?type=crate-pp&now=1701728000";
    expect(tok_a, "GET", q, NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"station\":\"SA\",\"stock\":0,\"need\":1,\"safety\":0,"
                                "\"arrivals\":1,\"departures\":0,\"after\":1,\"shortfall\":0"));
    assert_non_null(strstr(out, "\"from\":\"SA2\",\"to\":\"SA\",\"containers\":1,"
                                "\"distance_km\":8.0,\"links\":1,\"cost\":2.5"));
    assert_null(strstr(out, "SB"));
    assert_non_null(strstr(out, "\"enough\":true"));
    expect(tok_p, "GET", q, NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"from\":\"SB\",\"to\":\"SA\",\"containers\":1,"
                                "\"distance_km\":4.0,\"links\":1,\"cost\":1.0"));
    expect(tok_b, "GET", q, NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"moves\":[]"));
    assert_null(strstr(out, "SA"));
    /* safety 1 everywhere: A has 1 crate ready for 1 + 1 + 1 wanted */
    expect(tok_a, "GET", "/v1/containers/plan?type=crate-pp&safety=1&now=1701728000", NULL,
           200, out, sizeof out);
    assert_non_null(strstr(out, "\"shortfall\":2"));
    assert_non_null(strstr(out, "\"enough\":false"));
    /* too little history; no type; no token; a toc without a factor set */
    expect(tok_a, "GET", "/v1/containers/plan?type=crate-pp&now=1700864000", NULL, 422, out,
           sizeof out);
    assert_non_null(strstr(out, "station 'SA', type crate-pp: 10 days of history"));
    expect(tok_a, "GET", "/v1/containers/plan?now=1701728000", NULL, 400, NULL, 0);
    expect(NULL, "GET", q, NULL, 401, NULL, 0);
    expect(tok_a, "GET", "/v1/containers/plan?type=crate-pp&now=1701728000&toc=van-diesel-cn",
           NULL, 422, out, sizeof out);
    assert_non_null(strstr(out, "no factor set"));
    /* a station the links do not name */
    expect(tok_a, "POST", "/v1/containers/events",
           "{\"ev\":\"station\",\"station\":\"SA3\",\"at\":1700000000}", 200, NULL, 0);
    expect(tok_a, "GET", q, NULL, 422, out, sizeof out);
    assert_non_null(strstr(out, "station 'SA3' has no distances"));
}

/* GET /v1/containers/statement. A1 goes out at SA on 2023-11-15 and is
 * back the next day; B1 goes out at SB the same day and never comes back:
 * as of 2023-12-19 (1703000000) its 30 days have passed: lost. With a
 * deposit of 20.00 and a fee of 0.50: A's November is 1 trip, returned,
 * fees 50, deposits 2000 refunded; B's 1 trip lost, 2000 forfeited. Each
 * operator sees its own row; the platform both. */
static void test_statement(void **state)
{
    (void)state;
    expect(tok_a, "POST", "/v1/containers/events",
           "[{\"ev\":\"issue\",\"id\":\"A1\",\"station\":\"SA\",\"order\":\"O1\","
           "\"at\":1700086400},{\"ev\":\"return\",\"id\":\"A1\",\"station\":\"SA\","
           "\"at\":1700172800}]", 200, NULL, 0);
    expect(tok_b, "POST", "/v1/containers/events",
           "{\"ev\":\"issue\",\"id\":\"B1\",\"station\":\"SB\",\"order\":\"O2\","
           "\"at\":1700086400}", 200, NULL, 0);
    static const char row_a[] =
        "{\"operator\":\"A\",\"station\":\"SA\",\"trips\":1,\"returned\":1,\"lost\":0,"
        "\"late\":0,\"open\":0,\"fees_minor\":50,\"deposits_minor\":2000,"
        "\"refunded_minor\":2000,\"forfeited_minor\":0,\"held_minor\":0}";
    static const char row_b[] =
        "{\"operator\":\"B\",\"station\":\"SB\",\"trips\":1,\"returned\":0,\"lost\":1,"
        "\"late\":0,\"open\":0,\"fees_minor\":50,\"deposits_minor\":2000,"
        "\"refunded_minor\":0,\"forfeited_minor\":2000,\"held_minor\":0}";
    const char *q = "/v1/containers/statement?month=2023-11&deposit=20&fee=0.50&now=1703000000";
    char out[8192];
    expect(tok_a, "GET", q, NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, row_a));
    assert_null(strstr(out, "\"B\""));
    expect(tok_b, "GET", q, NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, row_b));
    assert_null(strstr(out, "\"A\""));
    expect(tok_p, "GET", q, NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, row_a));
    assert_non_null(strstr(out, row_b));
    /* a month without trips; bad arguments; no token */
    expect(tok_p, "GET", "/v1/containers/statement?month=2023-12&now=1703000000", NULL, 200,
           out, sizeof out);
    assert_non_null(strstr(out, "\"rows\":[]"));
    expect(tok_a, "GET", "/v1/containers/statement", NULL, 400, NULL, 0);
    expect(tok_a, "GET", "/v1/containers/statement?month=2023-11&deposit=-1", NULL, 400, NULL,
           0);
    expect(NULL, "GET", q, NULL, 401, NULL, 0);
    /* the same trips in each operator's own stats */
    expect(tok_a, "GET", "/v1/containers/stats?now=1703000000", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"station\":\"SA\",\"trips\":1,\"returned\":1,\"lost\":0,"
                                "\"late\":0,\"open\":0,\"loss_rate\":0.0"));
    expect(tok_b, "GET", "/v1/containers/stats?now=1703000000", NULL, 200, out, sizeof out);
    assert_non_null(strstr(out, "\"station\":\"SB\",\"trips\":1,\"returned\":0,\"lost\":1,"
                                "\"late\":0,\"open\":0,\"loss_rate\":1.0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pack_at_station, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forecast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
