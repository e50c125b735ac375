/*
 * test_serve_abuse.c: what a hostile or broken client may send to
 * `boxcar serve`. Each case gets the answer it should (or, where no answer
 * can be sent, a closed connection), and after every case the server is
 * still running and GET /healthz answers, including while a slow client
 * holds a connection open.
 *
 * The server runs with small limits (64 KiB bodies, a 2 s timeout, 64
 * connections, 100 shipments per carbon request) so the limits are
 * reached quickly. It also computes carbon and keeps a container pool,
 * whose bodies get the same treatment.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve_util.h"
#include "testutil.h"

#define MAX_BODY 65536
#define TOKEN "abuse-token"

static test_server server;

static int setup(void **state)
{
    (void)state;
    unlink("abuse_pool.journal");
    unlink("abuse_pool.journal.snap");
    write_file("abuse_token", TOKEN "\n", sizeof TOKEN);
    static const char *const args[] = {"--max-body", "65536", "--timeout", "2",
                                       "--max-connections", "64",
                                       "--routes", BOXCAR_SAMPLES "/routes/cn-routes.csv",
                                       "--max-shipments", "100",
                                       "--pool", "abuse_pool.journal",
                                       "--token-file", "abuse_token", NULL};
    server_start(&server, "test_serve_abuse", args, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return server.pid > 0 && server_stop(&server, SIGTERM) == 0 ? 0 : -1;
}

static void still_up(void)
{
    assert_true(server_alive(&server));
    assert_true(healthy(server.port));
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* POST a body to path (with the token); the status. The body of the
 * answer must be a JSON error object naming `code` (when code is not
 * NULL). */
static int post_to(const char *path, const char *type, const void *body, size_t len,
                   const char *code)
{
    char headers[256];
    snprintf(headers, sizeof headers,
             "Content-Type: %s\r\nAccept: application/json\r\nAuthorization: Bearer "
             TOKEN "\r\n", type);
    http_resp r;
    http_do(server.port, "POST", path, headers, body, len, &r);
    int status = r.status;
    if (code != NULL) {
        char want[64];
        snprintf(want, sizeof want, "\"error\":\"%s\"", code);
        if (strstr((char *)r.body, want) == NULL)
            fail_msg("expected %s, got %d %s", code, r.status, r.body);
    }
    http_free(&r);
    still_up();
    return status;
}

static int post(const char *type, const void *body, size_t len, const char *code)
{
    return post_to("/v1/pack", type, body, len, code);
}

static void test_malformed_json(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "[{\"order_id\":",                        /* truncated */
        "{\"order_id\":\"A\",}",                  /* trailing comma */
        "42",                                    /* not an object */
        "[1,2,3]",                               /* not objects */
        "{\"order_id\":\"A\",\"order_id\":\"B\"}", /* duplicate key */
        "[{\"order_id\":\"\xff\xfe\",\"item_id\":\"x\",\"qty\":1,\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}]",
        "[{\"order_id\":\"A\",\"item_id\":\"x\",\"qty\":1e999,\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}]",
        "\x00\x01\x02",
        "]",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        size_t len = i == 7 ? 3 : strlen(bodies[i]);
        assert_int_equal(post("application/json", bodies[i], len, "bad_input"), 400);
    }
}

static void test_deep_nesting(void **state)
{
    (void)state;
    /* 10,000 '[' (JSON) and 10,000 array heads 0x81 (CBOR), both within
     * the body limit: refused at the nesting limit, not by recursion */
    size_t n = 10000;
    char *deep = malloc(n);
    assert_non_null(deep);
    memset(deep, '[', n);
    assert_int_equal(post("application/json", deep, n, "limit"), 413);
    memset(deep, '{', n);
    assert_int_equal(post("application/json", deep, n, NULL) / 100, 4);
    memset(deep, 0x81, n);
    assert_int_equal(post("application/cbor", deep, n, "limit"), 413);
    /* a record whose value nests: */
    static const char nested[] = "[{\"order_id\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}]";
    assert_int_equal(post("application/json", nested, sizeof nested - 1, NULL) / 100, 4);
    free(deep);
}

static void test_malformed_cbor(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
    } bodies[] = {
        {"\xff", 1},                 /* a lone break */
        {"\x1c", 1},                 /* reserved additional information */
        {"\xa7\x68order_id", 10},    /* truncated map */
        {"\x81\xa1\x68order_id\x18", 13}, /* truncated integer */
        {"\x7b\xff\xff\xff\xff\xff\xff\xff\xff", 9}, /* text of 2^64-1 bytes */
        {"\x5f\x41\x00", 3},         /* unterminated indefinite byte string */
        {"\xa1\x01\x02", 3},         /* map with an integer key */
        {"\xc6\x01", 2},             /* a tag */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        int st = post("application/cbor", bodies[i].bytes, bodies[i].len, NULL);
        if (st != 400 && st != 413)
            fail_msg("CBOR body %zu: status %d", i, st);
    }
}

static void test_huge_bodies(void **state)
{
    (void)state;
    /* declared too large: refused before the body is sent, and the
     * connection closed */
    int fd = http_connect(server.port);
    assert_true(fd >= 0);
    static const char head[] =
        "POST /v1/pack HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000000000\r\n\r\n";
    assert_true(http_send(fd, head, sizeof head - 1));
    http_resp r;
    http_read(fd, &r, 10000);
    close(fd);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr((char *)r.body, "\"error\":\"too_large\""));
    http_free(&r);
    still_up();

    /* just over the limit, sent whole */
    char *big = malloc(MAX_BODY + 1);
    assert_non_null(big);
    memset(big, ' ', MAX_BODY + 1);
    assert_int_equal(post("application/json", big, MAX_BODY + 1, "too_large"), 413);

    /* chunked, with no length to refuse up front: the connection is closed
     * once the limit is passed, and nothing is answered */
    fd = http_connect(server.port);
    assert_true(fd >= 0);
    static const char chunked[] =
        "POST /v1/pack HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    assert_true(http_send(fd, chunked, sizeof chunked - 1));
    char chunk[4096 + 16];
    int n = snprintf(chunk, sizeof chunk, "1000\r\n");
    memset(chunk + n, ' ', 4096);
    memcpy(chunk + n + 4096, "\r\n", 2);
    bool broke = false;
    for (int i = 0; i < 64 && !broke; i++) /* 256 KiB at most */
        broke = !http_send(fd, chunk, (size_t)n + 4096 + 2);
    http_read(fd, &r, 5000);
    close(fd);
    assert_int_equal(r.status, 0);
    assert_true(r.closed || broke);
    http_free(&r);
    free(big);
    still_up();
}

static void test_truncated_and_slow(void **state)
{
    (void)state;
    /* body shorter than announced, then the client goes away */
    int fd = http_connect(server.port);
    assert_true(fd >= 0);
    static const char head[] =
        "POST /v1/pack HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n[{\"order_id\":";
    assert_true(http_send(fd, head, sizeof head - 1));
    close(fd);
    still_up();

    /* headers that stop half way: the server closes the connection after
     * its 2 s timeout, and answers others meanwhile */
    fd = http_connect(server.port);
    assert_true(fd >= 0);
    static const char half[] = "POST /v1/pack HTTP/1.1\r\nHost: x\r\nContent-";
    assert_true(http_send(fd, half, sizeof half - 1));
    long long start = now_ms();
    still_up();
    http_resp r;
    http_read(fd, &r, 8000);
    close(fd);
    assert_true(r.closed);
    assert_true(now_ms() - start < 8000);
    http_free(&r);

    /* a body dripping a byte at a time, slower than the timeout in all:
     * closed, while /healthz keeps answering on other connections */
    fd = http_connect(server.port);
    assert_true(fd >= 0);
    static const char drip[] =
        "POST /v1/pack HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 60\r\n\r\n";
    assert_true(http_send(fd, drip, sizeof drip - 1));
    bool broke = false;
    start = now_ms();
    for (int i = 0; i < 40 && !broke; i++) {
        broke = !http_send(fd, " ", 1);
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 0) > 0) {
            char c;
            if (recv(fd, &c, 1, MSG_PEEK) <= 0)
                broke = true;
        }
        still_up();
        sleep_ms(150);
    }
    assert_true(broke);
    assert_true(now_ms() - start < 7000);
    close(fd);
    still_up();
}

static void test_wrong_methods_and_paths(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        int status;
    } cases[] = {
        {"GET", "/v1/pack", 405},
        {"PUT", "/v1/catalog", 405},
        {"DELETE", "/", 405},
        {"POST", "/healthz", 405},
        {"OPTIONS", "/v1/pack", 405},
        {"BREW", "/", 405},
        {"GET", "/v1/pack/", 404},
        {"GET", "/v1", 404},
        {"GET", "/../etc/passwd", 404},
        {"GET", "/v1/%00pack", 404},
        /* a NUL byte ends no path early: this is not /station.js */
        {"GET", "/station.js%00.txt", 404},
        {"GET", "/station.css%00", 404},
        {"GET", "/%00", 404},
        {"GET", "/%ff%fe", 404},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_resp r;
        http_do(server.port, cases[i].method, cases[i].path, NULL, NULL, 0, &r);
        if (r.status != cases[i].status)
            fail_msg("%s %s: %d, want %d", cases[i].method, cases[i].path, r.status,
                     cases[i].status);
        /* every error body is a well-formed JSON object */
        assert_int_equal(r.body[0], '{');
        http_free(&r);
        still_up();
    }
    /* a query argument with bytes that are not UTF-8 is named safely */
    http_resp r;
    http_do(server.port, "POST", "/v1/pack?%ff%fe=1", "Content-Type: application/json\r\n",
            "[]", 2, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr((char *)r.body, "\"error\":\"bad_parameter\""));
    assert_non_null(strstr((char *)r.body, "\"field\":\"??\""));
    http_free(&r);
    still_up();
}

static void test_garbage_on_the_wire(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
    } junk[] = {
        {"GARBAGE\r\n\r\n", 11},
        {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11}, /* a TLS hello */
        {"GET / HTTP/9.9\r\n\r\n", 18},
        {"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 54},
        {"\r\n\r\n\r\n\r\n", 8},
        {"\0\0\0\0", 4},
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        int fd = http_connect(server.port);
        assert_true(fd >= 0);
        http_send(fd, junk[i].bytes, junk[i].len);
        http_resp r;
        http_read(fd, &r, 5000);
        close(fd);
        /* an error status, or nothing and a closed connection */
        if (r.status != 0 && r.status < 400)
            fail_msg("junk %zu answered %d", i, r.status);
        http_free(&r);
        still_up();
    }
    /* 100 KiB of header: larger than a connection's memory */
    size_t n = 100 * 1024;
    char *req = malloc(n + 64);
    assert_non_null(req);
    int k = snprintf(req, 64, "GET / HTTP/1.1\r\nX-Big: ");
    memset(req + k, 'a', n);
    memcpy(req + k + n, "\r\n\r\n", 4);
    int fd = http_connect(server.port);
    assert_true(fd >= 0);
    http_send(fd, req, (size_t)k + n + 4);
    http_resp r;
    http_read(fd, &r, 5000);
    close(fd);
    assert_true(r.status == 0 || r.status == 413 || r.status == 431);
    http_free(&r);
    free(req);
    still_up();
}

/* One raw request with the header "Authorization: Bearer " followed by
 * `len` bytes of token; the status of the answer. */
static int reload_with_token(const char *token, size_t len)
{
    static const char head[] = "POST /v1/admin/reload HTTP/1.1\r\nHost: x\r\n"
                               "Connection: close\r\nAuthorization: Bearer ";
    static const char tail[] = "\r\nContent-Length: 0\r\n\r\n";
    char req[256];
    assert_true(sizeof head - 1 + len + sizeof tail - 1 <= sizeof req);
    memcpy(req, head, sizeof head - 1);
    memcpy(req + sizeof head - 1, token, len);
    memcpy(req + sizeof head - 1 + len, tail, sizeof tail - 1);
    int fd = http_connect(server.port);
    assert_true(fd >= 0);
    assert_true(http_send(fd, req, sizeof head - 1 + len + sizeof tail - 1));
    http_resp r;
    http_read(fd, &r, 5000);
    close(fd);
    int status = r.status;
    http_free(&r);
    still_up();
    return status;
}

/* The token is compared whole, over the header value's length: the right
 * token with more after it, a prefix of it, or the token cut at a NUL byte
 * is a wrong token. (libmicrohttpd 0.9.75 itself ends a header value at a
 * NUL byte, so "token\0more" reaches the server as "token".) */
static void test_token_compared_whole(void **state)
{
    (void)state;
    assert_int_equal(reload_with_token(TOKEN, sizeof TOKEN - 1), 200);
    static const char more[] = TOKEN "x";
    assert_int_equal(reload_with_token(more, sizeof more - 1), 401);
    assert_int_equal(reload_with_token(TOKEN, sizeof TOKEN - 2), 401);
    static const char cut[] = "abuse\0token";
    assert_int_equal(reload_with_token(cut, sizeof cut - 1), 401);
    assert_int_equal(reload_with_token("", 0), 401);
}

/* More idle connections than allowed: the extra ones are refused or closed,
 * and once they go the server answers as before. */
static void test_connection_flood(void **state)
{
    (void)state;
    enum { N = 100 };
    int fds[N];
    for (int i = 0; i < N; i++)
        fds[i] = http_connect(server.port);
    assert_true(server_alive(&server));
    for (int i = 0; i < N; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    bool ok = false;
    for (int i = 0; i < 100 && !ok; i++) {
        ok = healthy(server.port);
        if (!ok)
            sleep_ms(20);
    }
    assert_true(ok);
}

/* Shipments and container events: malformed, deep, huge, wrongly typed.
 * Every one refused with a 4xx, nothing recorded in the journal. */
static void test_carbon_and_event_bodies(void **state)
{
    (void)state;
    static const char *const paths[] = {"/v1/carbon", "/v1/containers/events"};
    static const char *const malformed[] = {
        "[{\"shipment_id\":", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "\x00\x01", "]",
        "[{\"shipment_id\":\"\xff\xfe\"}]",
    };
    size_t n = 10000;
    char *deep = malloc(n);
    assert_non_null(deep);
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
            assert_int_equal(post_to(paths[p], "application/json", malformed[i],
                                     i == 3 ? 2 : strlen(malformed[i]), "bad_input"), 400);
        memset(deep, '[', n);
        assert_int_equal(post_to(paths[p], "application/json", deep, n, "limit"), 413);
        memset(deep, 0x81, n);
        assert_int_equal(post_to(paths[p], "application/cbor", deep, n, "limit"), 413);
        static const struct {
            const char *bytes;
            size_t len;
        } cbor[] = {
            {"\xff", 1}, {"\x1c", 1}, {"\xa7\x62" "ev", 4}, {"\x7b\xff\xff\xff\xff\xff\xff\xff\xff", 9},
            {"\x5f\x41\x00", 3}, {"\xa1\x01\x02", 3}, {"\xc6\x01", 2}, {"\xf7", 1},
            {"\x9f\xff", 2}, {"\xa1\x62" "ev\xf9\x7e\x00", 7}, /* NaN */
            {"\x3b\xff\xff\xff\xff\xff\xff\xff\xff", 9}, /* -2^64 */
            {"\x80\x80", 2}, /* two items */
        };
        for (size_t i = 0; i < sizeof cbor / sizeof cbor[0]; i++) {
            int st = post_to(paths[p], "application/cbor", cbor[i].bytes, cbor[i].len, NULL);
            if (st / 100 != 4)
                fail_msg("%s: CBOR body %zu: status %d", paths[p], i, st);
        }
    }
    free(deep);

    /* wrong types */
    static const char *const ships[] = {
        "{\"shipments\":5}", "[{\"shipment_id\":[1]}]", "[{\"shipment_id\":\"A\",\"items\":false}]",
        "[null]", "[{\"shipment_id\":\"A\",\"date\":{}}]", "7", "null",
    };
    for (size_t i = 0; i < sizeof ships / sizeof ships[0]; i++) {
        int st = post_to("/v1/carbon", "application/json", ships[i], strlen(ships[i]), NULL);
        if (st / 100 != 4)
            fail_msg("%s: status %d", ships[i], st);
    }
    static const char *const events[] = {
        "{\"ev\":5}", "{\"ev\":\"wash\",\"id\":{\"a\":1}}", "{\"ev\":\"wash\",\"id\":\"C1\",\"at\":1.5}",
        "[{\"ev\":\"station\",\"station\":\"S\"},\"x\"]", "{\"events\":5}", "7", "null",
        "{\"ev\":\"station\",\"station\":\"S\\u0000T\"}",
    };
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        int st = post_to("/v1/containers/events", "application/json", events[i],
                         strlen(events[i]), NULL);
        if (st / 100 != 4)
            fail_msg("%s: status %d", events[i], st);
    }

    /* huge batches: more shipments than --max-shipments; more events than
     * the body limit holds */
    char *big = malloc(MAX_BODY);
    size_t used = (size_t)snprintf(big, MAX_BODY, "[");
    for (int i = 0; i < 101; i++)
        used += (size_t)snprintf(big + used, MAX_BODY - used, "%s{\"shipment_id\":\"S%d\"}",
                                 i ? "," : "", i);
    used += (size_t)snprintf(big + used, MAX_BODY - used, "]");
    assert_int_equal(post_to("/v1/carbon", "application/json", big, used, "limit"), 413);
    free(big);
    size_t huge_len = MAX_BODY + 1024;
    char *huge = malloc(huge_len);
    used = (size_t)snprintf(huge, huge_len, "[");
    while (used + 40 < huge_len)
        used += (size_t)snprintf(huge + used, huge_len - used, "{\"ev\":\"lost\",\"id\":\"C1\"},");
    huge[used - 1] = ']';
    assert_int_equal(post_to("/v1/containers/events", "application/json", huge, used,
                             "too_large"), 413);
    free(huge);

    /* nothing of the above reached the journal */
    http_resp r;
    http_do(server.port, "GET", "/v1/containers/stats", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((char *)r.body, "\"containers\":0,"));
    http_free(&r);
    assert_true(serve_sh("'%s' containers list -j abuse_pool.journal --format csv "
                         "2>/dev/null | wc -l | grep -qx 1", BOXCAR_BIN) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_malformed_cbor),
        cmocka_unit_test(test_huge_bodies),
        cmocka_unit_test(test_truncated_and_slow),
        cmocka_unit_test(test_wrong_methods_and_paths),
        cmocka_unit_test(test_garbage_on_the_wire),
        cmocka_unit_test(test_token_compared_whole),
        cmocka_unit_test(test_connection_flood),
        cmocka_unit_test(test_carbon_and_event_bodies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
