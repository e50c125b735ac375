/*
 * test_serve.c: `boxcar serve` end to end, against a server this test
 * starts on a free loopback port: the packing answer is byte for byte what
 * `boxcar pack` writes for the same order, in JSON and CBOR; negotiation;
 * query options; errors naming the field; the catalog; pictures; tokens;
 * reload on SIGHUP and over HTTP; metrics; the station page; and a drain
 * on SIGTERM that finishes the request in flight.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "serve_util.h"
#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define CATALOG SAMPLE("catalogs/cn-express.csv")

/* A five-line order (the benchmark's), as JSON order lines. */
static const char order_json[] =
    "[\n"
    "{\"order_id\":\"B1\",\"item_id\":\"MUG\",\"qty\":1,\"l_mm\":120,\"w_mm\":90,\"h_mm\":100,\"weight_g\":350,\"rotation\":\"upright\"},\n"
    "{\"order_id\":\"B1\",\"item_id\":\"BOOK\",\"qty\":1,\"l_mm\":240,\"w_mm\":170,\"h_mm\":30,\"weight_g\":600},\n"
    "{\"order_id\":\"B1\",\"item_id\":\"CHARGER\",\"qty\":2,\"l_mm\":95,\"w_mm\":92,\"h_mm\":45,\"weight_g\":170},\n"
    "{\"order_id\":\"B1\",\"item_id\":\"SOCKS\",\"qty\":1,\"l_mm\":200,\"w_mm\":120,\"h_mm\":40,\"weight_g\":120},\n"
    "{\"order_id\":\"B1\",\"item_id\":\"CANDLE\",\"qty\":1,\"l_mm\":80,\"w_mm\":80,\"h_mm\":110,\"weight_g\":400,\"fragile\":true}\n"
    "]\n";

static const char order_csv[] =
    "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
    "K1,KETTLE,1,235,180,255,1450\n"
    "K1,TOWEL,3,300,200,40,250\n";

/* Run a shell command; its exit code. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

/* What `boxcar pack` writes for a file, in a format. */
static char *cli_pack(const char *orders, const char *format, const char *extra,
                      size_t *len)
{
    char out[128];
    snprintf(out, sizeof out, "serve_cli.%s", format);
    assert_int_equal(sh("'%s' pack --orders %s --format %s %s -o %s 2>/dev/null",
                        BOXCAR_BIN, orders, format, extra, out), 0);
    return read_file(out, len);
}

static void expect_same(const http_resp *r, const char *want, size_t want_len)
{
    if (r->body_len != want_len || memcmp(r->body, want, want_len) != 0)
        fail_msg("answer differs from boxcar pack:\nserve: %s\npack:  %s", r->body, want);
}

static test_server server;

static int setup(void **state)
{
    (void)state;
    write_file("serve_order.json", order_json, sizeof order_json - 1);
    write_file("serve_order.csv", order_csv, sizeof order_csv - 1);
    /* the same order in CBOR, as boxcar convert writes it */
    if (sh("'%s' convert -o serve_order.cbor serve_order.json 2>/dev/null", BOXCAR_BIN) != 0)
        return -1;
    write_file("serve_token", "s3cret-token-for-tests\n", 23);
    static const char *const args[] = {"--token-file", "serve_token", "--timeout", "5", NULL};
    server_start(&server, "test_serve", args, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server.pid > 0 && server_stop(&server, SIGTERM) != 0)
        return -1;
    return 0;
}

static void test_health(void **state)
{
    (void)state;
    http_resp r;
    http_do(server.port, "GET", "/healthz", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((char *)r.body, "\"status\":\"ok\""));
    /* cn-express has twelve cartons, 1# to 12# */
    assert_non_null(strstr((char *)r.body, "\"boxes\":12"));
    assert_non_null(strstr((char *)r.body, "\"threads\":2"));
    http_free(&r);
}

static void test_pack_json_same_as_cli(void **state)
{
    (void)state;
    size_t want_len;
    char *want = cli_pack("serve_order.json", "json", "", &want_len);
    http_resp r;
    http_do(server.port, "POST", "/v1/pack", "Content-Type: application/json\r\n",
            order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 200);
    char type[128];
    assert_true(http_header(&r, "Content-Type", type, sizeof type));
    assert_string_equal(type, "application/json");
    expect_same(&r, want, want_len);
    http_free(&r);
    free(want);
}

static void test_pack_csv_and_cbor_same_as_cli(void **state)
{
    (void)state;
    size_t want_len, body_len;
    char *want = cli_pack("serve_order.csv", "json", "", &want_len);
    http_resp r;
    http_do(server.port, "POST", "/v1/pack", "Content-Type: text/csv; charset=utf-8\r\n",
            order_csv, sizeof order_csv - 1, &r);
    assert_int_equal(r.status, 200);
    expect_same(&r, want, want_len);
    http_free(&r);
    free(want);

    /* CBOR in, CBOR out by default (the body's type) */
    want = cli_pack("serve_order.json", "cbor", "", &want_len);
    char *body = read_file("serve_order.cbor", &body_len);
    http_do(server.port, "POST", "/v1/pack", "Content-Type: application/cbor\r\n",
            body, body_len, &r);
    assert_int_equal(r.status, 200);
    char type[128];
    assert_true(http_header(&r, "Content-Type", type, sizeof type));
    assert_string_equal(type, "application/cbor");
    assert_int_equal(r.body_len, want_len);
    assert_memory_equal(r.body, want, want_len);
    http_free(&r);

    /* JSON in, CBOR out when Accept prefers it */
    http_do(server.port, "POST", "/v1/pack",
            "Content-Type: application/json\r\nAccept: application/json;q=0.5, application/cbor\r\n",
            order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, want_len);
    assert_memory_equal(r.body, want, want_len);
    http_free(&r);
    free(want);
    free(body);
}

static void test_pack_options_same_as_cli(void **state)
{
    (void)state;
    size_t want_len;
    char *want = cli_pack("serve_order.json", "json",
                          "--rotation fixed --objective cost --budget 500", &want_len);
    http_resp r;
    http_do(server.port, "POST", "/v1/pack?rotation=fixed&objective=cost&budget=500",
            "Content-Type: application/json\r\n", order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 200);
    expect_same(&r, want, want_len);
    http_free(&r);
    free(want);
    /* the support and per-box options, as boxcar pack takes them */
    want = cli_pack("serve_order.json", "json",
                    "--support none --max-units 2 --max-fill 90", &want_len);
    http_do(server.port, "POST", "/v1/pack?support=none&max_units=2&max_fill=90",
            "Content-Type: application/json\r\n", order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 200);
    expect_same(&r, want, want_len);
    http_free(&r);
    free(want);
    want = cli_pack("serve_order.json", "json", "--support-share 100", &want_len);
    http_do(server.port, "POST", "/v1/pack?support_share=100",
            "Content-Type: application/json\r\n", order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 200);
    expect_same(&r, want, want_len);
    http_free(&r);
    free(want);

    static const struct {
        const char *query, *field;
    } bad[] = {
        {"?support=wobbly", "support"},
        {"?support_share=0", "support_share"},
        {"?support_share=101", "support_share"},
        {"?max_units=-1", "max_units"},
        {"?max_fill=101", "max_fill"},
        {"?budget=0", "budget"},
        {"?budget=12x", "budget"},
        {"?budget=99999999999", "budget"}, /* above the default --max-budget */
        {"?rotation=sideways", "rotation"},
        {"?objective=co2e", "objective"},
        {"?colour=red", "colour"},
        {"?budget=5&budget=6", "budget"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[128], want_field[64];
        snprintf(path, sizeof path, "/v1/pack%s", bad[i].query);
        snprintf(want_field, sizeof want_field, "\"field\":\"%s\"", bad[i].field);
        http_do(server.port, "POST", path, "Content-Type: application/json\r\n",
                order_json, sizeof order_json - 1, &r);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr((char *)r.body, "\"error\":\"bad_parameter\""));
        if (strstr((char *)r.body, want_field) == NULL)
            fail_msg("%s: %s", path, r.body);
        http_free(&r);
    }
}

static void test_bad_orders_name_the_field(void **state)
{
    (void)state;
    http_resp r;
    /* qty 0 on the second line of the body (the '{' is on line 2) */
    static const char zero[] =
        "[\n{\"order_id\":\"A\",\"item_id\":\"X\",\"qty\":0,\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}\n]";
    http_do(server.port, "POST", "/v1/pack", "Content-Type: application/json\r\n",
            zero, sizeof zero - 1, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr((char *)r.body, "\"error\":\"bad_input\""));
    assert_non_null(strstr((char *)r.body, "\"field\":\"qty\""));
    assert_non_null(strstr((char *)r.body, "\"line\":2"));
    assert_non_null(strstr((char *)r.body, "request:2:1: field 'qty': 0 is out of range 1..1000000"));
    http_free(&r);

    /* two orders in one request: refused at the line where the second starts */
    static const char two[] =
        "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\nA,X,1,10,10,10,1\nB,Y,1,10,10,10,1\n";
    http_do(server.port, "POST", "/v1/pack", "Content-Type: text/csv\r\n", two,
            sizeof two - 1, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr((char *)r.body, "\"field\":\"order_id\""));
    assert_non_null(strstr((char *)r.body, "\"line\":3"));
    http_free(&r);

    /* more units than the server's limit (10,000 by default) */
    static const char many[] =
        "{\"order_id\":\"A\",\"item_id\":\"X\",\"qty\":10001,\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}";
    http_do(server.port, "POST", "/v1/pack", "Content-Type: application/json\r\n", many,
            sizeof many - 1, &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr((char *)r.body, "\"error\":\"limit\""));
    http_free(&r);

    /* an empty body holds no order */
    http_do(server.port, "POST", "/v1/pack", "Content-Type: application/json\r\n", "", 0, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr((char *)r.body, "no order line"));
    http_free(&r);

    /* errors come in CBOR when CBOR is what the client reads:
     * a5 (map of 5) 64 "line" ... the keys sorted shortest first */
    http_do(server.port, "POST", "/v1/pack",
            "Content-Type: application/json\r\nAccept: application/cbor\r\n",
            zero, sizeof zero - 1, &r);
    assert_int_equal(r.status, 400);
    assert_true(r.body_len > 6);
    assert_int_equal(r.body[0], 0xa6); /* error, field, line, column, message, status */
    assert_memory_equal(r.body + 1, "\x64line\x02", 6);
    http_free(&r);
}

static void test_media_types(void **state)
{
    (void)state;
    http_resp r;
    http_do(server.port, "POST", "/v1/pack", "Content-Type: text/plain\r\n",
            order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 415);
    http_free(&r);
    http_do(server.port, "POST", "/v1/pack", NULL, order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 415);
    http_free(&r);
    http_do(server.port, "POST", "/v1/pack",
            "Content-Type: application/json; charset=iso-8859-1\r\n",
            order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 415);
    http_free(&r);
    http_do(server.port, "POST", "/v1/pack",
            "Content-Type: application/json\r\nAccept: text/html\r\n",
            order_json, sizeof order_json - 1, &r);
    assert_int_equal(r.status, 406);
    assert_non_null(strstr((char *)r.body, "\"error\":\"not_acceptable\""));
    http_free(&r);
}

static void test_catalog_same_as_convert(void **state)
{
    (void)state;
    assert_int_equal(sh("'%s' convert -o serve_catalog.json %s 2>/dev/null", BOXCAR_BIN, CATALOG), 0);
    assert_int_equal(sh("'%s' convert -o serve_catalog.cbor %s 2>/dev/null", BOXCAR_BIN, CATALOG), 0);
    size_t json_len, cbor_len;
    char *json = read_file("serve_catalog.json", &json_len);
    char *cbor = read_file("serve_catalog.cbor", &cbor_len);
    http_resp r;
    http_do(server.port, "GET", "/v1/catalog", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, json_len);
    assert_memory_equal(r.body, json, json_len);
    http_free(&r);
    http_do(server.port, "GET", "/v1/catalog", "Accept: application/cbor\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, cbor_len);
    assert_memory_equal(r.body, cbor, cbor_len);
    http_free(&r);
    free(json);
    free(cbor);
}

/* /v1/pack/svg carries, for each box, the picture `boxcar pack --svg`
 * writes to ORDER-SEQ.svg. */
static void test_pictures_same_as_cli(void **state)
{
    (void)state;
    sh("rm -rf serve_svg");
    assert_int_equal(sh("'%s' pack --orders serve_order.csv --svg serve_svg >/dev/null 2>&1",
                        BOXCAR_BIN), 0);
    http_resp r;
    http_do(server.port, "POST", "/v1/pack/svg", "Content-Type: text/csv\r\n",
            order_csv, sizeof order_csv - 1, &r);
    assert_int_equal(r.status, 200);
    json_error_t err;
    json_t *doc = json_loadb((const char *)r.body, r.body_len, 0, &err);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "order_id")), "K1");
    json_t *svg = json_object_get(doc, "svg");
    assert_true(json_array_size(svg) >= 1);
    for (size_t i = 0; i < json_array_size(svg); i++) {
        char path[64];
        snprintf(path, sizeof path, "serve_svg/K1-%zu.svg", i + 1);
        size_t len;
        char *want = read_file(path, &len);
        assert_int_equal(json_string_length(json_array_get(svg, i)), len);
        assert_memory_equal(json_string_value(json_array_get(svg, i)), want, len);
        free(want);
    }
    json_decref(doc);
    http_free(&r);
}

static void test_token(void **state)
{
    (void)state;
    http_resp r;
    http_do(server.port, "POST", "/v1/admin/reload", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 401);
    char value[128];
    assert_true(http_header(&r, "WWW-Authenticate", value, sizeof value));
    assert_non_null(strstr(value, "Bearer"));
    http_free(&r);
    http_do(server.port, "POST", "/v1/admin/reload",
            "Authorization: Bearer s3cret-token-for-test\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 401); /* one character short */
    http_free(&r);
    http_do(server.port, "POST", "/v1/admin/reload",
            "Authorization: Basic czNjcmV0\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 401);
    http_free(&r);
    http_do(server.port, "POST", "/v1/admin/reload",
            "Authorization: bearer s3cret-token-for-tests\r\n", NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((char *)r.body, "\"status\":\"reloaded\""));
    http_free(&r);
    /* reads stay open on loopback */
    http_do(server.port, "GET", "/v1/catalog", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    http_free(&r);
}

static void test_page_and_methods(void **state)
{
    (void)state;
    http_resp r;
    http_do(server.port, "GET", "/", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((char *)r.body, "<title>boxcar packing station</title>"));
    char csp[512];
    assert_true(http_header(&r, "Content-Security-Policy", csp, sizeof csp));
    assert_non_null(strstr(csp, "script-src 'self'"));
    http_free(&r);
    http_do(server.port, "GET", "/station.js", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((char *)r.body, "/v1/pack"));
    http_free(&r);
    http_do(server.port, "HEAD", "/", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    http_free(&r);
    http_do(server.port, "GET", "/v1/pack", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 405);
    char allow[64];
    assert_true(http_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "POST");
    http_free(&r);
    http_do(server.port, "GET", "/nowhere", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr((char *)r.body, "\"error\":\"not_found\""));
    http_free(&r);
}

/* A fresh server counts exactly the requests made to it. */
static void test_metrics(void **state)
{
    (void)state;
    test_server s;
    server_start(&s, "test_serve_metrics", NULL, NULL);
    http_resp r;
    for (int i = 0; i < 3; i++) {
        http_do(s.port, "POST", "/v1/pack", "Content-Type: application/json\r\n",
                order_json, sizeof order_json - 1, &r);
        assert_int_equal(r.status, 200);
        http_free(&r);
    }
    http_do(s.port, "POST", "/v1/pack", "Content-Type: application/json\r\n", "[", 1, &r);
    assert_int_equal(r.status, 400);
    http_free(&r);
    http_do(s.port, "GET", "/nowhere", NULL, NULL, 0, &r);
    http_free(&r);
    static const char *const want[] = {
        "boxcar_http_requests_total{endpoint=\"/v1/pack\",status=\"200\"} 3\n",
        "boxcar_http_requests_total{endpoint=\"/v1/pack\",status=\"400\"} 1\n",
        "boxcar_http_requests_total{endpoint=\"other\",status=\"404\"} 1\n",
        "boxcar_http_request_duration_seconds_count{endpoint=\"/v1/pack\"} 4\n",
        "boxcar_http_request_duration_seconds_bucket{endpoint=\"/v1/pack\",le=\"+Inf\"} 4\n",
        "# TYPE boxcar_http_request_duration_seconds histogram\n",
        "boxcar_pack_orders_total 3\n",
        /* six units in each order: 1 + 1 + 2 + 1 + 1 */
        "boxcar_pack_units_total 18\n",
        NULL,
    };
    /* A request is counted once its last byte has gone, which may be just
     * after the client has read it: look again for a moment. */
    const char *missing = "";
    for (int round = 0; round < 100 && missing != NULL; round++) {
        if (round > 0)
            sleep_ms(20);
        http_do(s.port, "GET", "/metrics", NULL, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        missing = NULL;
        for (size_t i = 0; want[i] != NULL && missing == NULL; i++)
            if (strstr((const char *)r.body, want[i]) == NULL)
                missing = want[i];
        if (missing != NULL && round == 99)
            fail_msg("metrics lack %s in:\n%s", missing, r.body);
        http_free(&r);
    }
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

static const char one_box_catalog[] =
    "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g\n"
    "BIG,600,500,400,30000\n";

/* SIGHUP reads the catalog file again; a broken file keeps the old one. */
static void test_reload_on_sighup(void **state)
{
    (void)state;
    assert_int_equal(sh("cp %s serve_reload.csv", CATALOG), 0);
    static const char *const args[] = {"--catalog", "serve_reload.csv", NULL};
    test_server s;
    server_start(&s, "test_serve_reload", args, NULL);
    http_resp r;
    http_do(s.port, "POST", "/v1/pack", "Content-Type: text/csv\r\n", order_csv,
            sizeof order_csv - 1, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr((char *)r.body, "\"box_id\":\"BIG\""));
    http_free(&r);

    write_file("serve_reload.csv", one_box_catalog, sizeof one_box_catalog - 1);
    kill(s.pid, SIGHUP);
    bool reloaded = false;
    for (int i = 0; i < 200 && !reloaded; i++) {
        http_do(s.port, "GET", "/healthz", NULL, NULL, 0, &r);
        reloaded = strstr((char *)r.body, "\"catalog_generation\":2") != NULL;
        http_free(&r);
        if (!reloaded)
            sleep_ms(25);
    }
    assert_true(reloaded);
    http_do(s.port, "POST", "/v1/pack", "Content-Type: text/csv\r\n", order_csv,
            sizeof order_csv - 1, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((char *)r.body, "\"box_id\":\"BIG\""));
    http_free(&r);

    write_file("serve_reload.csv", "box_id\nbroken\n", 14);
    kill(s.pid, SIGHUP);
    bool counted = false;
    for (int i = 0; i < 200 && !counted; i++) {
        http_do(s.port, "GET", "/metrics", NULL, NULL, 0, &r);
        counted = strstr((char *)r.body, "boxcar_catalog_reloads_total{result=\"failed\"} 1\n") != NULL;
        http_free(&r);
        if (!counted)
            sleep_ms(25);
    }
    assert_true(counted);
    http_do(s.port, "POST", "/v1/pack", "Content-Type: text/csv\r\n", order_csv,
            sizeof order_csv - 1, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((char *)r.body, "\"box_id\":\"BIG\""));
    http_free(&r);
    /* no token configured: the reload endpoint is refused outright */
    http_do(s.port, "POST", "/v1/admin/reload", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    http_free(&r);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

/* SIGTERM while a request is half sent: the request still gets its answer
 * (with Connection: close), new connections are refused, and the server
 * exits 0. */
static void test_drain_on_sigterm(void **state)
{
    (void)state;
    test_server s;
    server_start(&s, "test_serve_drain", NULL, NULL);
    int fd = http_connect(s.port);
    assert_true(fd >= 0);
    char head[256];
    int n = snprintf(head, sizeof head,
                     "POST /v1/pack HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n", sizeof order_json - 1);
    assert_true(http_send(fd, head, (size_t)n));
    assert_true(http_send(fd, order_json, 40));
    sleep_ms(200); /* the server has begun the request */
    kill(s.pid, SIGTERM);
    sleep_ms(300); /* it is draining now */
    assert_true(http_send(fd, order_json + 40, sizeof order_json - 1 - 40));
    http_resp r;
    http_read(fd, &r, 10000);
    close(fd);
    assert_int_equal(r.status, 200);
    char conn[32];
    assert_true(http_header(&r, "Connection", conn, sizeof conn));
    assert_string_equal(conn, "close");
    assert_non_null(strstr((char *)r.body, "\"order_id\":\"B1\""));
    http_free(&r);
    int late = http_connect(s.port);
    if (late >= 0) {
        /* the listening socket may take a moment to go: then nothing answers */
        http_read(late, &r, 2000);
        assert_int_equal(r.status, 0);
        http_free(&r);
        close(late);
    }
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

/* Beyond loopback a token is required, and then reads need it too. */
static void test_non_loopback_needs_token(void **state)
{
    (void)state;
    int rc = sh("'%s' serve --listen 0.0.0.0:0 >/dev/null 2>serve_nl.err", BOXCAR_BIN);
    assert_int_equal(rc, 2);
    size_t len;
    char *err = read_file("serve_nl.err", &len);
    assert_non_null(strstr(err, "needs a token"));
    free(err);
    assert_int_equal(sh("'%s' serve --listen nonsense >/dev/null 2>&1", BOXCAR_BIN), 2);
    assert_int_equal(sh("'%s' serve --catalog no-such-file.csv --listen 127.0.0.1:0 >/dev/null 2>&1",
                        BOXCAR_BIN), 1);
}

/* A token file whose first line holds a NUL byte is refused: the token
 * would otherwise end at the NUL, and the server would take a prefix of
 * the secret for the whole. */
static void test_token_file_with_nul(void **state)
{
    (void)state;
    static const char token[] = "s3cret\0-rest-of-the-token\n";
    write_file("serve_nul_token", token, sizeof token - 1);
    int rc = sh("timeout 10 '%s' serve --token-file serve_nul_token "
                "--listen 127.0.0.1:0 >/dev/null 2>serve_nul_token.err", BOXCAR_BIN);
    assert_int_equal(rc, 2);
    size_t len;
    char *err = read_file("serve_nul_token.err", &len);
    assert_non_null(strstr(err, "NUL byte"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_pack_json_same_as_cli),
        cmocka_unit_test(test_pack_csv_and_cbor_same_as_cli),
        cmocka_unit_test(test_pack_options_same_as_cli),
        cmocka_unit_test(test_bad_orders_name_the_field),
        cmocka_unit_test(test_media_types),
        cmocka_unit_test(test_catalog_same_as_convert),
        cmocka_unit_test(test_pictures_same_as_cli),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_page_and_methods),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_reload_on_sighup),
        cmocka_unit_test(test_drain_on_sigterm),
        cmocka_unit_test(test_non_loopback_needs_token),
        cmocka_unit_test(test_token_file_with_nul),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
