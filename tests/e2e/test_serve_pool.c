/*
 * test_serve_pool.c: the reusable-container pool over HTTP, against a
 * server that holds the journal as its writer. Events one at a time and
 * in batches; the state and figures read back (worked out by hand below)
 * and through `boxcar containers list` from the journal itself (what was
 * acknowledged is on disk); refusals (lifecycle, unknown container or
 * station, wrong types, unknown keys, huge batches, no token) leave the
 * journal's bytes as they were; CBOR both ways; a second writer is locked
 * out; a server without --pool.
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
#define JOURNAL "serve_pool.journal"
#define TOKEN "pool-token-for-tests"
#define T0 1700000000LL

static test_server server;

static int setup(void **state)
{
    (void)state;
    unlink(JOURNAL);
    unlink(JOURNAL ".snap");
    write_file("serve_pool_token", TOKEN "\n", sizeof TOKEN);
    static const char *const args[] = {"--pool", JOURNAL, "--catalog", CATALOG,
                                       "--token-file", "serve_pool_token", NULL};
    server_start(&server, "test_serve_pool", args, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server.pid > 0 && server_stop(&server, SIGTERM) != 0)
        return -1;
    return 0;
}

static void post_events(const char *body, http_resp *r)
{
    http_do(server.port, "POST", "/v1/containers/events",
            "Content-Type: application/json\r\nAuthorization: Bearer " TOKEN "\r\n", body,
            strlen(body), r);
}

/* Post, expect status and a piece of the answer. */
static void expect_post(const char *body, int status, const char *has)
{
    http_resp r;
    post_events(body, &r);
    if (r.status != status || strstr((char *)r.body, has) == NULL)
        fail_msg("%s: %d %s (want %d and %s)", body, r.status, r.body, status, has);
    http_free(&r);
}

static void expect_get(const char *path, int status, const char *has)
{
    http_resp r;
    http_do(server.port, "GET", path, NULL, NULL, 0, &r);
    if (r.status != status || strstr((char *)r.body, has) == NULL)
        fail_msg("%s: %d %s (want %d and %s)", path, r.status, r.body, status, has);
    http_free(&r);
}

static long long journal_size(void)
{
    struct stat sb;
    assert_int_equal(stat(JOURNAL, &sb), 0);
    return (long long)sb.st_size;
}

/* A container's life: two stations, three crates registered in one
 * batch (one record), C1 issued at T0+100, delivered, returned to SH2 at
 * T0+1000 and washed there. By hand: C1 has 1 trip (an issue that came
 * back) and 1 wash and is available at SH2; the journal has 7 records;
 * the mean cycle is 1000 - 100 = 900 s; the return rate 1 of 1. */
static void test_events_and_reads(void **state)
{
    (void)state;
    char b[512];
    snprintf(b, sizeof b, "{\"ev\":\"station\",\"station\":\"SH1\",\"at\":%lld}", T0);
    expect_post(b, 200, "{\"recorded\":1,\"seq\":1}");
    snprintf(b, sizeof b, "{\"events\":[{\"ev\":\"station\",\"station\":\"SH2\",\"at\":%lld}]}",
             T0);
    expect_post(b, 200, "{\"recorded\":1,\"seq\":2}");
    snprintf(b, sizeof b,
             "[{\"ev\":\"register\",\"id\":\"C1\",\"type\":\"crate-pp\",\"station\":\"SH1\",\"at\":%lld},"
             "{\"ev\":\"register\",\"id\":\"C2\",\"type\":\"crate-pp\",\"station\":\"SH1\",\"at\":%lld},"
             "{\"ev\":\"register\",\"id\":\"C3\",\"type\":\"crate-pp-s\",\"station\":\"SH1\",\"at\":%lld}]",
             T0 + 10, T0 + 10, T0 + 10);
    expect_post(b, 200, "{\"recorded\":3,\"seq\":3}");
    snprintf(b, sizeof b, "{\"ev\":\"issue\",\"id\":\"C1\",\"station\":\"SH1\",\"order\":\"O1\","
                          "\"at\":%lld}", T0 + 100);
    expect_post(b, 200, "\"seq\":4");
    snprintf(b, sizeof b, "{\"ev\":\"deliver\",\"id\":\"C1\",\"at\":%lld}", T0 + 500);
    expect_post(b, 200, "\"seq\":5");
    snprintf(b, sizeof b, "{\"ev\":\"return\",\"id\":\"C1\",\"station\":\"SH2\",\"at\":%lld}",
             T0 + 1000);
    expect_post(b, 200, "\"seq\":6");
    snprintf(b, sizeof b, "{\"ev\":\"wash\",\"id\":\"C1\",\"at\":%lld}", T0 + 1100);
    expect_post(b, 200, "\"seq\":7");

    expect_get("/v1/containers/C1", 200,
               "{\"id\":\"C1\",\"type\":\"crate-pp\",\"station\":\"SH2\",\"order\":null,"
               "\"state\":\"available\",\"trips\":1,\"issues\":1,\"washes\":1,\"repairs\":0,"
               "\"inspections\":0,\"last_event\":\"wash\",\"last_at\":1700001100,"
               "\"last_seq\":7,\"registered_at\":1700000010,\"issued_at\":null}");
    expect_get("/v1/containers/C9", 404, "\"error\":\"not_found\"");

    /* acknowledged means on disk: a reader of the journal sees it all */
    assert_int_equal(serve_sh("'%s' containers list -j %s --format csv > pool_list.csv "
                              "2>/dev/null", BOXCAR_BIN, JOURNAL), 0);
    size_t len;
    char *list = read_file("pool_list.csv", &len);
    assert_non_null(strstr(list, "\"C1\",\"crate-pp\",available,\"SH2\",\"\",1,1,1,0,0,wash,"));
    assert_non_null(strstr(list, "\"C3\",\"crate-pp-s\",available,\"SH1\""));
    free(list);

    expect_get("/v1/containers/stats?now=1700002000", 200,
               "{\"type\":null,\"containers\":3,\"in_state\":{\"available\":3,\"issued\":0,"
               "\"delivered\":0,\"returned\":0,\"damaged\":0,\"retired\":0,\"lost\":0},"
               "\"issues\":1,\"trips_returned\":1,\"trips_lost\":0");
    expect_get("/v1/containers/stats?now=1700002000", 200,
               "\"return_rate\":1.0,\"loss_rate\":0.0,\"mean_cycle_s\":900.0,\"overdue\":0");
    expect_get("/v1/containers/stats?type=crate-pp-s&now=1700002000", 200,
               "\"type\":\"crate-pp-s\",\"containers\":1,");
    expect_get("/v1/containers/stats?type=RB-X", 422, "\"field\":\"type\"");

    /* lists: filtered, paged */
    expect_get("/v1/containers?station=SH1&state=available", 200, "\"matched\":2,");
    expect_get("/v1/containers?type=crate-pp&limit=1", 200,
               "\"matched\":2,\"offset\":0,\"next_offset\":1}");
    expect_get("/v1/containers?type=crate-pp&limit=1&offset=1", 200,
               "[{\"id\":\"C2\",");
    expect_get("/v1/containers?type=crate-pp&limit=1&offset=1", 200, "\"next_offset\":null}");
    expect_get("/v1/containers?station=NOWHERE", 422, "\"field\":\"station\"");
    expect_get("/v1/containers?state=sleeping", 400, "\"field\":\"state\"");
    expect_get("/v1/containers?limit=0", 400, "\"field\":\"limit\"");
    expect_get("/v1/containers?colour=red", 400, "\"field\":\"colour\"");
    expect_get("/v1/containers/C1/history", 404, "\"error\":\"not_found\"");
}

static void test_cbor_both_ways(void **state)
{
    (void)state;
    /* {"at": 1700003000, "ev": "station", "station": "SH3"} */
    static const unsigned char ev[] = {
        0xa3, 0x62, 'a', 't', 0x1a, 0x65, 0x53, 0xfc, 0xb8, 0x62, 'e', 'v',
        0x67, 's', 't', 'a', 't', 'i', 'o', 'n', 0x67, 's', 't', 'a', 't', 'i', 'o', 'n',
        0x63, 'S', 'H', '3'};
    http_resp r;
    http_do(server.port, "POST", "/v1/containers/events",
            "Content-Type: application/cbor\r\nAuthorization: Bearer " TOKEN "\r\n", ev,
            sizeof ev, &r);
    assert_int_equal(r.status, 200);
    char type[64];
    assert_true(http_header(&r, "Content-Type", type, sizeof type));
    assert_string_equal(type, "application/cbor");
    /* {"seq": 8, "recorded": 1}: keys shorter first */
    static const unsigned char ack[] = {0xa2, 0x63, 's', 'e', 'q', 0x08, 0x68, 'r', 'e', 'c',
                                        'o', 'r', 'd', 'e', 'd', 0x01};
    assert_int_equal(r.body_len, sizeof ack);
    assert_memory_equal(r.body, ack, sizeof ack);
    http_free(&r);
    expect_get("/v1/containers?station=SH3", 200, "\"matched\":0,");

    http_do(server.port, "GET", "/v1/containers/C2", "Accept: application/cbor\r\n", NULL, 0,
            &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body[0], 0xaf); /* a map of the 15 keys */
    bool found = false;
    for (size_t i = 0; i + 6 <= r.body_len && !found; i++)
        found = memcmp(r.body + i, "\x62id\x62" "C2", 6) == 0;
    assert_true(found);
    http_free(&r);

    /* a CBOR body with a byte string, or nested too deep: refused, no crash */
    static const unsigned char bytes[] = {0xa1, 0x62, 'e', 'v', 0x43, 'a', 'b', 'c'};
    http_do(server.port, "POST", "/v1/containers/events",
            "Content-Type: application/cbor\r\nAuthorization: Bearer " TOKEN "\r\n", bytes,
            sizeof bytes, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr((char *)r.body, "byte string"));
    http_free(&r);
    unsigned char deep[64];
    memset(deep, 0x81, sizeof deep);
    http_do(server.port, "POST", "/v1/containers/events",
            "Content-Type: application/cbor\r\nAuthorization: Bearer " TOKEN "\r\n", deep,
            sizeof deep, &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr((char *)r.body, "nested too deeply"));
    http_free(&r);
}

static void test_refusals_leave_the_journal(void **state)
{
    (void)state;
    long long size = journal_size();
    static const struct {
        const char *body;
        int status;
        const char *has;
    } cases[] = {
        /* what the pool refuses: 409 with its message */
        {"{\"ev\":\"deliver\",\"id\":\"C2\"}", 409, "C2"},
        {"{\"ev\":\"issue\",\"id\":\"C9\",\"station\":\"SH1\",\"order\":\"O9\"}", 409, "C9"},
        {"{\"ev\":\"register\",\"id\":\"C7\",\"type\":\"crate-pp\",\"station\":\"NOWHERE\"}", 409,
         "NOWHERE"},
        {"{\"ev\":\"register\",\"id\":\"C7\",\"type\":\"5#\",\"station\":\"SH1\"}", 409, "5#"},
        /* a batch whose second event is wrong: neither is recorded */
        {"[{\"ev\":\"issue\",\"id\":\"C2\",\"station\":\"SH1\",\"order\":\"O2\"},"
         "{\"ev\":\"issue\",\"id\":\"C3\",\"station\":\"SH2\",\"order\":\"O3\"}]", 409,
         "\"record\":2"},
        /* what the service cannot read: 422 naming the event and key */
        {"{\"ev\":\"wash\",\"id\":\"C1\",\"at\":\"yesterday\"}", 422, "\"field\":\"at\""},
        {"{\"ev\":\"wash\",\"id\":\"C1\",\"colour\":\"red\"}", 422, "\"field\":\"colour\""},
        {"{\"ev\":\"polish\",\"id\":\"C1\"}", 422, "\"field\":\"ev\""},
        {"{\"ev\":\"inspect\",\"id\":\"C1\",\"damaged\":\"no\"}", 422, "\"field\":\"damaged\""},
        {"{\"ev\":\"wash\",\"id\":17}", 422, "\"field\":\"id\""},
        {"{\"ev\":\"wash\",\"id\":\"C1234567890123456789012345678901234567890123456789012345678901234\"}",
         422, "\"field\":\"id\""},
        {"[{\"ev\":\"wash\",\"id\":\"C1\"},5]", 422, "\"record\":2"},
        /* not events at all */
        {"[]", 400, "no events"},
        {"{\"id\":\"C1\"}", 400, "\"error\":\"bad_input\""},
        {"{\"ev\":", 400, "JSON body"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_post(cases[i].body, cases[i].status, cases[i].has);
        assert_int_equal(journal_size(), size);
    }
    expect_get("/v1/containers/C2", 200, "\"state\":\"available\"");

    /* a batch larger than a journal record may hold: refused before work */
    size_t cap = 10001 * 40 + 16, used = 0;
    char *huge = malloc(cap);
    used += (size_t)snprintf(huge, cap, "[");
    for (int i = 0; i < 10001; i++)
        used += (size_t)snprintf(huge + used, cap - used, "%s{\"ev\":\"lost\",\"id\":\"C1\"}",
                                 i ? "," : "");
    snprintf(huge + used, cap - used, "]");
    expect_post(huge, 413, "\"error\":\"limit\"");
    free(huge);
    assert_int_equal(journal_size(), size);

    /* writes need the token */
    http_resp r;
    static const char ok_event[] = "{\"ev\":\"station\",\"station\":\"SH9\"}";
    http_do(server.port, "POST", "/v1/containers/events", "Content-Type: application/json\r\n",
            ok_event, sizeof ok_event - 1, &r);
    assert_int_equal(r.status, 401);
    http_free(&r);
    http_do(server.port, "POST", "/v1/containers/events",
            "Content-Type: application/json\r\nAuthorization: Bearer wrong\r\n", ok_event,
            sizeof ok_event - 1, &r);
    assert_int_equal(r.status, 401);
    http_free(&r);
    assert_int_equal(journal_size(), size);
    /* reads are open on loopback; events take POST only */
    expect_get("/v1/containers/events", 405, "\"error\":\"method_not_allowed\"");
    assert_true(healthy(server.port));
    /* refusals are counted under their own status */
    expect_get("/metrics", 200,
               "boxcar_http_requests_total{endpoint=\"/v1/containers/events\",status=\"409\"} 5\n");
    expect_get("/metrics", 200, "boxcar_http_requests_total{endpoint=\"/v1/containers/events\","
                                "status=\"422\"} 7\n");
}

/* The server is the journal's writer: a second one is locked out. */
static void test_second_writer_locked_out(void **state)
{
    (void)state;
    long long size = journal_size();
    assert_int_not_equal(serve_sh("'%s' containers station SH8 -j %s --wait 0 >/dev/null "
                                  "2>pool_lock.err", BOXCAR_BIN, JOURNAL), 0);
    assert_int_equal(journal_size(), size);
    size_t len;
    char *err = read_file("pool_lock.err", &len);
    assert_non_null(strstr(err, "locked by another writer"));
    free(err);
}

static void test_not_configured(void **state)
{
    (void)state;
    test_server s;
    server_start(&s, "test_serve_pool_off", NULL, NULL);
    http_resp r;
    http_do(s.port, "GET", "/v1/containers/stats", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr((char *)r.body, "\"error\":\"not_configured\""));
    assert_non_null(strstr((char *)r.body, "--pool"));
    http_free(&r);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_and_reads),
        cmocka_unit_test(test_cbor_both_ways),
        cmocka_unit_test(test_refusals_leave_the_journal),
        cmocka_unit_test(test_second_writer_locked_out),
        cmocka_unit_test(test_not_configured),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
