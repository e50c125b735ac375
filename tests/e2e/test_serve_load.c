/*
 * test_serve_load.c: POST /v1/load against a running `boxcar serve`: the
 * answer is `boxcar load --format json`'s bytes for the same parcels and
 * vehicles, and bad bodies get a 400 naming the field.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_util.h"
#include "testutil.h"

static test_server server;

static const char body[] =
    "{\"parcels\":["
    "{\"id\":\"A\",\"length_mm\":500,\"width_mm\":500,\"height_mm\":500,\"mass_g\":10000,\"stop\":1},"
    "{\"id\":\"B\",\"length_mm\":500,\"width_mm\":500,\"height_mm\":500,\"mass_g\":10000,\"stop\":2},"
    "{\"id\":\"HUGE\",\"length_mm\":5000,\"width_mm\":500,\"height_mm\":500,\"mass_g\":10000}],"
    "\"vehicles\":[{\"kind\":\"cube\",\"length_mm\":1000,\"width_mm\":500,\"height_mm\":500,"
    "\"payload_g\":100000,\"door\":\"rear\"}]}";

static int setup(void **state)
{
    (void)state;
    server_start(&server, "test_serve_load", NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return server.pid > 0 && server_stop(&server, SIGTERM) != 0 ? -1 : 0;
}

/* Two 500 mm cubes fill the 1000 x 500 x 500 vehicle: stop 2 at the front
 * (x 0), stop 1 at the door (x 500); load factors 1 (volume) and 0.2
 * (20 kg of 100 kg); HUGE is too big. */
static void test_plan(void **state)
{
    (void)state;
    http_resp r;
    http_do(server.port, "POST", "/v1/load", "Content-Type: application/json\r\n", body, sizeof body - 1, &r);
    assert_int_equal(r.status, 200);
    const char *b = (const char *)r.body;
    assert_non_null(strstr(b, "\"load_factor_mass\":0.2000,\"load_factor_volume\":1.0000"));
    assert_non_null(strstr(b, "{\"id\":\"B\",\"stop\":2,\"seq\":1,\"step\":1,\"pos_mm\":[0,0,0]"));
    assert_non_null(strstr(b, "{\"id\":\"A\",\"stop\":1,\"seq\":2,\"step\":2,\"pos_mm\":[500,0,0]"));
    assert_non_null(strstr(b, "\"unplaced\":[{\"id\":\"HUGE\",\"reason\":\"too_big\"}]"));
    http_free(&r);
}

static void test_bad_bodies(void **state)
{
    (void)state;
    http_resp r;
    /* the second parcel is bad: named by its record and id, not by a line
     * and column of text the client never sent */
    const char *bad = "{\"parcels\":[{\"id\":\"A\",\"length_mm\":1,\"width_mm\":1,\"height_mm\":1,\"mass_g\":1},\n"
                      "  {\"id\":\"B\",\"length_mm\":0,\"width_mm\":1,\"height_mm\":1,\"mass_g\":1}],"
                      "\"vehicles\":[]}";
    http_do(server.port, "POST", "/v1/load", "Content-Type: application/json\r\n", bad, strlen(bad), &r);
    assert_int_equal(r.status, 400);
    const char *rb = (const char *)r.body;
    assert_non_null(strstr(rb, "\"field\":\"length_mm\""));
    assert_non_null(strstr(rb, "\"record\":2"));
    assert_null(strstr(rb, "\"line\":"));
    if (!strstr(rb, "parcels: record 2: field 'length_mm': ") || !strstr(rb, " (id 'B')"))
        fail_msg("%s", rb);
    http_free(&r);
    const char *badv = "{\"parcels\":[],\"vehicles\":[{\"kind\":\"van\",\"length_mm\":10,\"width_mm\":10,"
                       "\"height_mm\":10,\"payload_g\":-5}]}";
    http_do(server.port, "POST", "/v1/load", "Content-Type: application/json\r\n", badv, strlen(badv), &r);
    assert_int_equal(r.status, 400);
    if (!strstr((const char *)r.body, "vehicles: record 1: field 'payload_g'") ||
        !strstr((const char *)r.body, " (kind 'van')"))
        fail_msg("%s", (const char *)r.body);
    http_free(&r);
    const char *novehicles = "{\"parcels\":[]}";
    http_do(server.port, "POST", "/v1/load", "Content-Type: application/json\r\n", novehicles,
            strlen(novehicles), &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr((const char *)r.body, "\"field\":\"vehicles\""));
    http_free(&r);
    http_do(server.port, "POST", "/v1/load?support=sideways", "Content-Type: application/json\r\n", body,
            sizeof body - 1, &r);
    assert_int_equal(r.status, 400);
    http_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_bad_bodies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
