/*
 * test_serve_load.c: POST /v1/load against a running `boxcar serve`: the
 * answer is `boxcar load --format json`'s bytes for the same parcels and
 * vehicles, and bad bodies get a 400 naming the field.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* POST /v1/pack's answer as the parcels: one fragile cup packed into a
 * sample carton; its box is one parcel "P1/1" of the carton's outer size
 * and the gross mass the packing reports, at the stop of the query. The
 * 1000 x 500 x 500 vehicle carries 100 kg, so the mass factor is gross /
 * 100000. */
static void test_packed(void **state)
{
    (void)state;
    const char *order = "[{\"order_id\":\"P1\",\"item_id\":\"CUP\",\"qty\":1,\"l_mm\":100,\"w_mm\":100,"
                        "\"h_mm\":100,\"weight_g\":400,\"fragile\":true}]";
    http_resp r;
    http_do(server.port, "POST", "/v1/pack", "Content-Type: application/json\r\n", order, strlen(order), &r);
    assert_int_equal(r.status, 200);
    json_error_t e;
    json_t *ans = json_loadb((const char *)r.body, r.body_len, 0, &e);
    http_free(&r);
    assert_non_null(ans);
    json_t *box = json_array_get(json_object_get(ans, "boxes"), 0);
    assert_true(json_is_true(json_object_get(box, "fragile")));
    json_int_t gross = json_integer_value(json_object_get(box, "gross_weight_g"));
    json_int_t outer[3] = {json_integer_value(json_object_get(box, "outer_l_mm")),
                           json_integer_value(json_object_get(box, "outer_w_mm")),
                           json_integer_value(json_object_get(box, "outer_h_mm"))};
    assert_true(gross > 400 && outer[0] > 0 && outer[1] > 0 && outer[2] > 0);
    json_t *req = json_pack("{s:[O],s:[{s:s,s:i,s:i,s:i,s:i}]}", "packed", ans, "vehicles", "kind", "cube",
                            "length_mm", 1000, "width_mm", 500, "height_mm", 500, "payload_g", 100000);
    char *text = json_dumps(req, JSON_COMPACT);
    http_do(server.port, "POST", "/v1/load?stop=2", "Content-Type: application/json\r\n", text, strlen(text), &r);
    free(text);
    assert_int_equal(r.status, 200);
    json_t *plan = json_loadb((const char *)r.body, r.body_len, 0, &e);
    http_free(&r);
    assert_non_null(plan);
    json_t *veh = json_array_get(json_object_get(plan, "vehicles"), 0);
    json_t *par = json_array_get(json_object_get(veh, "parcels"), 0);
    assert_string_equal(json_string_value(json_object_get(par, "id")), "P1/1");
    assert_int_equal(json_integer_value(json_object_get(par, "stop")), 2);
    assert_int_equal(json_integer_value(json_object_get(veh, "mass_g")), gross);
    double lf = json_real_value(json_object_get(veh, "load_factor_mass"));
    assert_true(fabs(lf - (double)gross / 100000.0) < 0.00005 + 1e-9);
    json_int_t ext[3], vol = 1, want = outer[0] * outer[1] * outer[2];
    for (int a = 0; a < 3; a++) {
        ext[a] = json_integer_value(json_array_get(json_object_get(par, "ext_mm"), (size_t)a));
        vol *= ext[a];
    }
    assert_int_equal(vol, want);
    json_decref(plan);
    /* a packed box without its outer size: named by record and field */
    json_object_set_new(box, "outer_w_mm", json_null());
    text = json_dumps(req, JSON_COMPACT);
    http_do(server.port, "POST", "/v1/load", "Content-Type: application/json\r\n", text, strlen(text), &r);
    free(text);
    assert_int_equal(r.status, 400);
    if (!strstr((const char *)r.body, "packed: record 1: field 'boxes[1].outer_w_mm': null"))
        fail_msg("%s", (const char *)r.body);
    http_free(&r);
    json_decref(req);
    json_decref(ans);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_packed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
