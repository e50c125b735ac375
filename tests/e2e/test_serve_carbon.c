/*
 * test_serve_carbon.c: POST /v1/carbon end to end. The figures must be the
 * bytes `boxcar carbon` writes for the same shipments: the per-shipment
 * rows of --format json (and cbor), and the totals of --by G --format json
 * for every group. The expected values are the CLI's, computed by a second
 * process from a CSV file; the service gets the same shipments as JSON
 * objects (and as CSV). Bad rows: listed, or with ?strict=true a 422 that
 * names record and field; wrong types, unknown keys, too many shipments;
 * a server without --routes; the routes reloaded on SIGHUP.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "serve_util.h"
#include "testutil.h"

#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define ROUTES SAMPLE("routes/cn-routes.csv")
#define CONTAINERS SAMPLE("shipments/containers.csv")
#define GOOD_ROWS 240
#define MAX_SHIPMENTS 250

/* Three bad rows among the good ones, at these 1-based positions (the
 * good rows fill the others): a date that is no date, a route the file
 * does not have, packaging that is neither box, container nor materials. */
static const struct {
    size_t at;
    const char *row, *field;
} bad_rows[] = {
    {5, "BAD-DATE,2025-02-30,500,1,,sh-city-evan,", "date"},
    {100, "BAD-ROUTE,2025-03-01,500,1,,no-such-route,", "route_id"},
    {200, "BAD-PACK,2025-03-01,500,1,cardboard-ish,sh-city-evan,", "packaging"},
};
#define NBAD (sizeof bad_rows / sizeof bad_rows[0])

static test_server server;
static char *csv_text;     /* header + rows, as the CLI reads it */
static char *json_body;    /* the same rows as a JSON array of objects */

/* One CSV row of the seven shipment columns as a JSON object: numbers as
 * numbers (drop_km as a decimal, which is how a client would send it),
 * empty fields left out but for packaging, sent as null. */
static json_t *row_object(const char *row)
{
    static const char *const cols[] = {"shipment_id", "date", "mass_g", "items",
                                       "packaging", "route_id", "drop_km"};
    json_t *o = json_object();
    const char *p = row;
    for (size_t i = 0; i < 7; i++) {
        size_t n = strcspn(p, ",\n");
        char v[128];
        snprintf(v, sizeof v, "%.*s", (int)n, p);
        if (n == 0) {
            if (i == 4)
                json_object_set_new(o, cols[i], json_null());
        } else if (i == 2 || i == 3) {
            json_object_set_new(o, cols[i], json_integer(strtoll(v, NULL, 10)));
        } else if (i == 6) {
            json_object_set_new(o, cols[i], json_real(strtod(v, NULL)));
        } else {
            json_object_set_new(o, cols[i], json_string(v));
        }
        p += n + (p[n] == ',');
    }
    return o;
}

static int setup(void **state)
{
    (void)state;
    /* the first GOOD_ROWS shipments of the demo file, with the bad rows in */
    size_t len;
    char *demo = read_file(SAMPLE("shipments/demo.csv"), &len);
    size_t cap = 64 * 1024, used = 0;
    csv_text = malloc(cap);
    json_t *list = json_array();
    const char *line = demo;
    const char *header_end = strchr(line, '\n');
    used += (size_t)snprintf(csv_text + used, cap - used, "%.*s\n",
                             (int)(header_end - line), line);
    line = header_end + 1;
    size_t good = 0, b = 0;
    for (size_t at = 1; good < GOOD_ROWS || b < NBAD; at++) {
        const char *row;
        int row_len;
        if (b < NBAD && bad_rows[b].at == at) {
            row = bad_rows[b++].row;
            row_len = (int)strlen(row);
        } else {
            const char *end = strchr(line, '\n');
            row = line;
            row_len = (int)(end - line);
            line = end + 1;
            good++;
        }
        char one[256];
        snprintf(one, sizeof one, "%.*s\n", row_len, row);
        used += (size_t)snprintf(csv_text + used, cap - used, "%s", one);
        assert_true(used < cap);
        json_array_append_new(list, row_object(one));
    }
    free(demo);
    json_body = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    write_file("carbon_in.csv", csv_text, strlen(csv_text));

    char max[32];
    snprintf(max, sizeof max, "%d", MAX_SHIPMENTS);
    const char *const args[] = {"--routes", ROUTES, "--containers", CONTAINERS,
                                "--max-shipments", max, NULL};
    server_start(&server, "test_serve_carbon", args, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(csv_text);
    free(json_body);
    if (server.pid > 0 && server_stop(&server, SIGTERM) != 0)
        return -1;
    return 0;
}

/* `boxcar carbon` on carbon_in.csv with more options; its standard output
 * (the rows with -o -, or the --by table) as a string. */
static char *cli_carbon(const char *routes, const char *opts, size_t *len)
{
    int rc = serve_sh("'%s' carbon --routes %s --containers %s --shipments carbon_in.csv "
                      "--no-progress %s > carbon_cli.out 2>carbon_cli.err",
                      BOXCAR_BIN, routes, CONTAINERS, opts);
    /* 3: some rows were bad, as planned */
    assert_true(rc == 0 || rc == 3);
    return read_file("carbon_cli.out", len);
}

/* JSON Lines joined with commas: the items of a JSON array. */
static char *joined(char *lines)
{
    size_t n = strlen(lines);
    if (n > 0 && lines[n - 1] == '\n')
        lines[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (lines[i] == '\n')
            lines[i] = ',';
    return lines;
}

/* The text between two markers of the answer (both must be there). */
static char *between(const char *body, const char *from, const char *to)
{
    const char *a = strstr(body, from);
    assert_non_null(a);
    a += strlen(from);
    const char *z = strstr(a, to);
    assert_non_null(z);
    return strndup(a, (size_t)(z - a));
}

static void post_carbon(int port, const char *query, const char *type, const char *accept,
                        const void *body, size_t len, http_resp *r)
{
    char path[128], headers[256];
    snprintf(path, sizeof path, "/v1/carbon%s", query);
    snprintf(headers, sizeof headers, "Content-Type: %s\r\n%s%s%s", type,
             accept ? "Accept: " : "", accept ? accept : "", accept ? "\r\n" : "");
    http_do(port, "POST", path, headers, body, len, r);
}

static void expect_same_figures(const char *body, const char *routes)
{
    size_t len;
    char *rows = joined(cli_carbon(routes, "--format json", &len));
    char *got = between(body, "{\"shipments\":[", "],\"totals\":[");
    if (strcmp(got, rows) != 0)
        fail_msg("rows differ from boxcar carbon:\nserve: %.400s\ncli:   %.400s", got, rows);
    free(got);

    /* totals: "all" first, then route, month, mode, packaging, energy as
     * --by */
    char *totals = between(body, "\"totals\":[", "],\"excluded\":");
    assert_memory_equal(totals, "{\"group\":\"all\"", 14);
    static const char *const groups[] = {"route", "month", "mode", "packaging", "energy"};
    char *rest = strstr(totals, "},{\"group\":\"route\"");
    assert_non_null(rest);
    rest += 2;
    for (size_t g = 0; g < 5; g++) {
        char opts[64];
        snprintf(opts, sizeof opts, "--by %s --format json", groups[g]);
        char *want = joined(cli_carbon(routes, opts, &len));
        size_t n = strlen(want);
        if (strncmp(rest, want, n) != 0)
            fail_msg("totals by %s differ:\nserve: %.300s\ncli:   %.300s", groups[g], rest,
                     want);
        rest += n + (rest[n] == ',');
        free(want);
    }
    assert_string_equal(rest, "");

    /* the "all" row, worked out here from the CLI's rows: the sum of every
     * row's total WTW, and the bad rows as excluded */
    json_error_t je;
    char *arr = malloc(strlen(rows) + 3);
    sprintf(arr, "[%s]", rows);
    json_t *list = json_loads(arr, 0, &je);
    assert_non_null(list);
    long long sum = 0;
    for (size_t i = 0; i < json_array_size(list); i++)
        sum += json_integer_value(json_object_get(json_array_get(list, i), "total_wtw_mg"));
    assert_int_equal(json_array_size(list), GOOD_ROWS);
    char want_all[128], want_excluded[64];
    snprintf(want_all, sizeof want_all, "\"total_wtw_mg\":%lld,", sum);
    snprintf(want_excluded, sizeof want_excluded, "\"excluded\":%zu,", (size_t)NBAD);
    char *all_end = strstr(totals, "},{");
    assert_non_null(all_end);
    *all_end = '\0';
    if (strstr(totals, want_all) == NULL || strstr(totals, want_excluded) == NULL)
        fail_msg("the all row %s lacks %s or %s", totals, want_all, want_excluded);
    json_decref(list);
    free(arr);
    free(totals);
    free(rows);
}

static void test_json_same_as_cli(void **state)
{
    (void)state;
    http_resp r;
    post_carbon(server.port, "", "application/json", NULL, json_body, strlen(json_body), &r);
    assert_int_equal(r.status, 200);
    expect_same_figures((char *)r.body, ROUTES);
    char want[128];
    snprintf(want, sizeof want, "\"excluded\":%zu,\"errors\":[", (size_t)NBAD);
    assert_non_null(strstr((char *)r.body, want));
    /* each bad row named by its record (position in the array) and field */
    for (size_t b = 0; b < NBAD; b++) {
        snprintf(want, sizeof want, "{\"record\":%zu,\"field\":\"%s\",", bad_rows[b].at,
                 bad_rows[b].field);
        if (strstr((char *)r.body, want) == NULL)
            fail_msg("no error %s in %.300s", want, strstr((char *)r.body, "\"errors\""));
    }
    http_free(&r);

    /* the same as {"shipments": [...]} */
    size_t n = strlen(json_body) + 32;
    char *wrapped = malloc(n);
    snprintf(wrapped, n, "{\"shipments\":%s}", json_body);
    http_resp w;
    post_carbon(server.port, "", "application/json", NULL, wrapped, strlen(wrapped), &w);
    assert_int_equal(w.status, 200);
    post_carbon(server.port, "", "application/json", NULL, json_body, strlen(json_body), &r);
    assert_int_equal(w.body_len, r.body_len);
    assert_memory_equal(w.body, r.body, r.body_len);
    http_free(&w);
    http_free(&r);
    free(wrapped);
}

static void test_csv_body_same_figures(void **state)
{
    (void)state;
    http_resp r;
    post_carbon(server.port, "", "text/csv", "application/json", csv_text, strlen(csv_text),
                &r);
    assert_int_equal(r.status, 200);
    expect_same_figures((char *)r.body, ROUTES);
    /* a CSV body's errors name lines: the row at position p is on line p + 1 */
    char want[96];
    snprintf(want, sizeof want, "{\"line\":%zu,\"field\":\"%s\",", bad_rows[0].at + 1,
             bad_rows[0].field);
    assert_non_null(strstr((char *)r.body, want));
    http_free(&r);
}

static void test_cbor_rows_same_as_cli(void **state)
{
    (void)state;
    assert_true(serve_sh("'%s' carbon --routes %s --containers %s --shipments carbon_in.csv "
                         "--no-progress --format cbor -o carbon_cli.cbor 2>/dev/null",
                         BOXCAR_BIN, ROUTES, CONTAINERS) == 3);
    size_t want_len;
    char *want = read_file("carbon_cli.cbor", &want_len);
    http_resp r;
    post_carbon(server.port, "", "application/json", "application/cbor", json_body,
                strlen(json_body), &r);
    assert_int_equal(r.status, 200);
    char type[64];
    assert_true(http_header(&r, "Content-Type", type, sizeof type));
    assert_string_equal(type, "application/cbor");
    /* a map of four keys; "shipments" last, holding an array of the CLI's
     * maps: 0x98 GOOD_ROWS is the head of an array of 24..255 items */
    assert_int_equal(r.body[0], 0xa4);
    assert_true(r.body_len > want_len + 12);
    const unsigned char *tail = r.body + r.body_len - want_len;
    assert_memory_equal(tail - 12, "\x69shipments\x98", 11);
    assert_int_equal(tail[-1], GOOD_ROWS);
    assert_memory_equal(tail, want, want_len);
    http_free(&r);
    free(want);
}

/* Shipments sent as CBOR: the same answer as the same shipment in JSON. */
static void test_cbor_body(void **state)
{
    (void)state;
    /* [{"shipment_id":"C1","date":"2025-01-01","mass_g":500,
     *   "route_id":"sh-city-evan"}] */
    static const unsigned char cbor[] = {
        0x81, 0xa4, 0x6b, 's', 'h', 'i', 'p', 'm', 'e', 'n', 't', '_', 'i', 'd', 0x62, 'C', '1',
        0x64, 'd', 'a', 't', 'e', 0x6a, '2', '0', '2', '5', '-', '0', '1', '-', '0', '1',
        0x66, 'm', 'a', 's', 's', '_', 'g', 0x19, 0x01, 0xf4,
        0x68, 'r', 'o', 'u', 't', 'e', '_', 'i', 'd',
        0x6c, 's', 'h', '-', 'c', 'i', 't', 'y', '-', 'e', 'v', 'a', 'n'};
    static const char json[] = "[{\"shipment_id\":\"C1\",\"date\":\"2025-01-01\","
                               "\"mass_g\":500,\"route_id\":\"sh-city-evan\"}]";
    http_resp a, b;
    post_carbon(server.port, "", "application/cbor", "application/json", cbor, sizeof cbor, &a);
    post_carbon(server.port, "", "application/json", NULL, json, sizeof json - 1, &b);
    assert_int_equal(a.status, 200);
    assert_int_equal(b.status, 200);
    assert_non_null(strstr((char *)a.body, "\"shipment_id\":\"C1\""));
    assert_int_equal(a.body_len, b.body_len);
    assert_memory_equal(a.body, b.body, a.body_len);
    http_free(&a);
    http_free(&b);

    /* a bad CBOR shipment is named by its record, and its message is the
     * reader's without the CBOR location (record and byte), as for JSON:
     * [{"shipment_id":"C1","date":"2025-01-01","mass_g":500,
     *   "route_id":"sh-city-evan"}] twice, the second on 2025-02-30 */
    static const unsigned char two[] = {
        0x82,
        0xa4, 0x6b, 's', 'h', 'i', 'p', 'm', 'e', 'n', 't', '_', 'i', 'd', 0x62, 'C', '1',
        0x64, 'd', 'a', 't', 'e', 0x6a, '2', '0', '2', '5', '-', '0', '1', '-', '0', '1',
        0x66, 'm', 'a', 's', 's', '_', 'g', 0x19, 0x01, 0xf4,
        0x68, 'r', 'o', 'u', 't', 'e', '_', 'i', 'd',
        0x6c, 's', 'h', '-', 'c', 'i', 't', 'y', '-', 'e', 'v', 'a', 'n',
        0xa4, 0x6b, 's', 'h', 'i', 'p', 'm', 'e', 'n', 't', '_', 'i', 'd', 0x62, 'C', '2',
        0x64, 'd', 'a', 't', 'e', 0x6a, '2', '0', '2', '5', '-', '0', '2', '-', '3', '0',
        0x66, 'm', 'a', 's', 's', '_', 'g', 0x19, 0x01, 0xf4,
        0x68, 'r', 'o', 'u', 't', 'e', '_', 'i', 'd',
        0x6c, 's', 'h', '-', 'c', 'i', 't', 'y', '-', 'e', 'v', 'a', 'n'};
    static const char want[] = "\"excluded\":1,\"errors\":[{\"record\":2,\"field\":\"date\","
                               "\"message\":\"field 'date': expected a date YYYY-MM-DD\"}]";
    post_carbon(server.port, "", "application/cbor", "application/json", two, sizeof two, &a);
    assert_int_equal(a.status, 200);
    if (strstr((char *)a.body, want) == NULL)
        fail_msg("%s not in %s", want, a.body);
    http_free(&a);
    post_carbon(server.port, "?strict=true", "application/cbor", "application/json", two,
                sizeof two, &a);
    assert_int_equal(a.status, 422);
    if (strstr((char *)a.body, "\"message\":\"field 'date': expected a date YYYY-MM-DD "
                               "(strict: nothing computed)\"") == NULL)
        fail_msg("strict: %s", a.body);
    http_free(&a);
}

static void test_strict(void **state)
{
    (void)state;
    http_resp r;
    post_carbon(server.port, "?strict=true", "application/json", NULL, json_body,
                strlen(json_body), &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr((char *)r.body, "\"error\":\"bad_row\""));
    char want[96];
    snprintf(want, sizeof want, "\"field\":\"%s\",\"record\":%zu", bad_rows[0].field,
             bad_rows[0].at);
    if (strstr((char *)r.body, want) == NULL)
        fail_msg("strict: %s not in %s", want, r.body);
    assert_null(strstr((char *)r.body, "\"shipments\""));
    http_free(&r);

    /* good rows only: strict or not, the same answer */
    static const char good[] = "[{\"shipment_id\":\"G1\",\"date\":\"2025-05-01\","
                               "\"mass_g\":800,\"route_id\":\"sh-city-evan\"}]";
    http_resp a;
    post_carbon(server.port, "?strict=1", "application/json", NULL, good, sizeof good - 1, &a);
    post_carbon(server.port, "", "application/json", NULL, good, sizeof good - 1, &r);
    assert_int_equal(a.status, 200);
    assert_int_equal(a.body_len, r.body_len);
    assert_memory_equal(a.body, r.body, r.body_len);
    http_free(&a);
    http_free(&r);

    post_carbon(server.port, "?strict=maybe", "application/json", NULL, good, sizeof good - 1,
                &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr((char *)r.body, "\"field\":\"strict\""));
    http_free(&r);
}

static void test_bad_bodies(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        int status;
        const char *has;
    } cases[] = {
        /* what the CSV cannot carry: refused by the service, naming it */
        {"[{\"shipment_id\":\"A\",\"date\":\"2025-01-01\",\"mass_g\":true,\"route_id\":\"r\"}]",
         422, "\"field\":\"mass_g\",\"record\":1"},
        {"[{\"shipment_id\":\"A\"},{\"shipment_id\":\"B\",\"mas_g\":5}]", 422,
         "\"field\":\"mas_g\",\"record\":2"},
        {"[{\"shipment_id\":\"A\",\"packaging\":{\"corrugated\":300}}]", 422,
         "\"field\":\"packaging\",\"record\":1"},
        {"[{\"shipment_id\":\"A\\nB\"}]", 422, "\"field\":\"shipment_id\",\"record\":1"},
        {"[17]", 422, "\"record\":1"},
        /* not shipments at all */
        {"{\"shipments\":[],\"extra\":1}", 400, "\"field\":\"shipments\""},
        {"{\"orders\":[]}", 400, "\"error\":\"bad_input\""},
        {"\"shipments\"", 400, "must be an array"},
        {"[{\"shipment_id\":\"A\"", 400, "JSON body"},
        {"[[[[{}]]]]", 413, "nested more than"},
        /* the checks of the shipment reader, as for a file */
        {"[{\"shipment_id\":\"A\",\"date\":\"2025-01-01\",\"mass_g\":-5,"
         "\"route_id\":\"sh-city-evan\"}]", 200, "\"record\":1,\"field\":\"mass_g\""},
        {"[{\"shipment_id\":\"A\",\"date\":\"2025-01-01\",\"mass_g\":1.5,"
         "\"route_id\":\"sh-city-evan\"}]", 200, "\"record\":1,\"field\":\"mass_g\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_resp r;
        post_carbon(server.port, "", "application/json", NULL, cases[i].body,
                    strlen(cases[i].body), &r);
        if (r.status != cases[i].status || strstr((char *)r.body, cases[i].has) == NULL)
            fail_msg("%s: %d %s (want %d and %s)", cases[i].body, r.status, r.body,
                     cases[i].status, cases[i].has);
        http_free(&r);
    }
    assert_true(healthy(server.port));
}

static void test_limits(void **state)
{
    (void)state;
    /* MAX_SHIPMENTS + 1 rows: refused whole, as JSON and as CSV */
    json_t *list = json_array();
    size_t cap = 64 * 1024, used = 0;
    char *csv = malloc(cap);
    used += (size_t)snprintf(csv, cap, "shipment_id,date,mass_g,route_id\n");
    for (int i = 0; i <= MAX_SHIPMENTS; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "shipment_id", json_sprintf("L%d", i));
        json_array_append_new(list, o);
        used += (size_t)snprintf(csv + used, cap - used, "L%d,2025-01-01,500,sh-city-evan\n", i);
    }
    char *body = json_dumps(list, JSON_COMPACT);
    http_resp r;
    post_carbon(server.port, "", "application/json", NULL, body, strlen(body), &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr((char *)r.body, "\"error\":\"limit\""));
    http_free(&r);
    post_carbon(server.port, "", "text/csv", "application/json", csv, used, &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr((char *)r.body, "--max-shipments"));
    http_free(&r);
    free(body);
    free(csv);
    json_decref(list);
}

static void test_not_configured(void **state)
{
    (void)state;
    test_server s;
    server_start(&s, "test_serve_carbon_off", NULL, NULL);
    http_resp r;
    post_carbon(s.port, "", "application/json", NULL, "[]", 2, &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr((char *)r.body, "\"error\":\"not_configured\""));
    assert_non_null(strstr((char *)r.body, "--routes"));
    http_free(&r);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

/* SIGHUP reads the routes again with the catalog: the city van leg at
 * 50 km instead of 25 gives the CLI's figures for the new file. */
static void test_reload_routes(void **state)
{
    (void)state;
    assert_int_equal(serve_sh("cp %s carbon_routes.csv", ROUTES), 0);
    const char *const args[] = {"--routes", "carbon_routes.csv", "--containers", CONTAINERS,
                                NULL};
    test_server s;
    server_start(&s, "test_serve_carbon_reload", args, NULL);
    http_resp before, after;
    post_carbon(s.port, "", "application/json", NULL, json_body, strlen(json_body), &before);
    assert_int_equal(before.status, 200);
    expect_same_figures((char *)before.body, "carbon_routes.csv");
    assert_int_equal(serve_sh("sed -i 's/^sh-city-evan,leg,van-electric-cn,25,/"
                              "sh-city-evan,leg,van-electric-cn,50,/' carbon_routes.csv"), 0);
    kill(s.pid, SIGHUP);
    assert_true(wait_generation(s.port, 2));
    post_carbon(s.port, "", "application/json", NULL, json_body, strlen(json_body), &after);
    assert_int_equal(after.status, 200);
    expect_same_figures((char *)after.body, "carbon_routes.csv");
    assert_true(before.body_len != after.body_len ||
                memcmp(before.body, after.body, before.body_len) != 0);
    http_free(&before);
    http_free(&after);

    /* routes that do not load: the old setup stays, and is counted */
    write_file("carbon_routes.csv", "route_id,element\nx,teleport\n", 28);
    kill(s.pid, SIGHUP);
    assert_true(wait_metric(s.port, "boxcar_reload_failures_total{part=\"carbon\"} 1\n"));
    post_carbon(s.port, "", "application/json", NULL, json_body, strlen(json_body), &after);
    assert_int_equal(after.status, 200);
    http_free(&after);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_same_as_cli),
        cmocka_unit_test(test_csv_body_same_figures),
        cmocka_unit_test(test_cbor_rows_same_as_cli),
        cmocka_unit_test(test_cbor_body),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_not_configured),
        cmocka_unit_test(test_reload_routes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
