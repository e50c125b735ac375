/*
 * test_service_body.c: the service's request bodies as trees (service/body.c) and
 * the shape of shipments in them (service/shipments_body.c). Expected trees are
 * the same documents written as JSON text; CBOR inputs are encoded by hand
 * (RFC 8949), byte by byte in the comments.
 */
#include <string.h>

#include "svc.h"
#include "testutil.h"

static json_t *decode(svc_media media, const void *body, size_t len, size_t depth,
                      unsigned *status)
{
    svc_call c;
    memset(&c, 0, sizeof c);
    c.body = body;
    c.body_len = len;
    c.body_media = media;
    char err[256];
    return svc_body_decode(&c, depth, err, sizeof err, status);
}

static void test_cbor_tree(void **state)
{
    (void)state;
    /* {"a": [1, -2, 1.5, true, null, "x"], "b": {}}:
     * a2 | 61 'a' | 86 01 21 f9 3e00 f5 f6 61 'x' | 61 'b' | a0 */
    static const unsigned char in[] = {0xa2, 0x61, 'a', 0x86, 0x01, 0x21, 0xf9, 0x3e, 0x00,
                                       0xf5, 0xf6, 0x61, 'x', 0x61, 'b', 0xa0};
    unsigned status = 0;
    json_t *got = decode(SVC_MEDIA_CBOR, in, sizeof in, 3, &status);
    assert_non_null(got);
    json_t *want = json_loads("{\"a\":[1,-2,1.5,true,null,\"x\"],\"b\":{}}", 0, NULL);
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);

    /* the largest and smallest integers JSON keeps: 2^63-1 and -2^63 */
    static const unsigned char big[] = {0x82, 0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff};
    got = decode(SVC_MEDIA_CBOR, big, sizeof big, 3, &status);
    assert_non_null(got);
    assert_true(json_integer_value(json_array_get(got, 0)) == INT64_MAX);
    assert_true(json_integer_value(json_array_get(got, 1)) == INT64_MIN);
    json_decref(got);
}

static void test_cbor_refused(void **state)
{
    (void)state;
    static const struct {
        unsigned char bytes[12];
        size_t len;
        unsigned status;
    } cases[] = {
        {{0x81, 0x81, 0x81, 0x80}, 4, 413},      /* [[[[]]]]: four deep, limit 3 */
        {{0xa2, 0x61, 'a', 0x01, 0x61, 'a', 0x02}, 7, 400}, /* a key twice */
        {{0xa1, 0x01, 0x02}, 3, 400},            /* an integer key */
        {{0x82, 0x01}, 2, 400},                  /* ends inside the array */
        {{0x01, 0x01}, 2, 400},                  /* two items */
        {{0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0}, 9, 400}, /* 2^63 */
        {{0x41, 'a'}, 2, 400},                   /* a byte string */
        {{0x9f, 0xff}, 2, 400},                  /* an indefinite array */
        {{0xc1, 0x01}, 2, 400},                  /* a tag */
        {{0xf9, 0x7e, 0x00}, 3, 400},            /* NaN */
        {{0xf7}, 1, 400},                        /* undefined */
        {{0}, 0, 400},                           /* nothing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned status = 0;
        json_t *got = decode(SVC_MEDIA_CBOR, cases[i].bytes, cases[i].len, 3, &status);
        if (got != NULL || status != cases[i].status)
            fail_msg("case %zu: %s, status %u", i, got ? "decoded" : "refused", status);
    }
    /* [[[]]] is three deep: within the limit */
    static const unsigned char three[] = {0x81, 0x81, 0x80};
    unsigned status = 0;
    json_t *got = decode(SVC_MEDIA_CBOR, three, sizeof three, 3, &status);
    assert_non_null(got);
    json_decref(got);
}

static void test_json(void **state)
{
    (void)state;
    unsigned status = 0;
    assert_null(decode(SVC_MEDIA_JSON, "[[[[1]]]]", 9, 3, &status));
    assert_int_equal(status, 413);
    json_t *got = decode(SVC_MEDIA_JSON, "[[[1]]]", 7, 3, &status);
    assert_non_null(got);
    json_decref(got);
    assert_null(decode(SVC_MEDIA_JSON, "{\"a\":1,\"a\":2}", 13, 3, &status));
    assert_int_equal(status, 400);
    assert_null(decode(SVC_MEDIA_JSON, "[1,", 3, 3, &status));
    assert_int_equal(status, 400);
    /* a bare value is read, for the endpoint to say what it wants instead */
    got = decode(SVC_MEDIA_JSON, "7", 1, 3, &status);
    assert_non_null(got);
    json_decref(got);
}

/* Shipments as objects of the shipment columns: text, numbers and null
 * pass the shape check (the reader judges the values); what is not a
 * shipment is refused whole, naming record and field. */
static void test_shipments_check(void **state)
{
    (void)state;
    json_t *list = json_loads(
        "[{\"shipment_id\":\"S1\",\"date\":\"2025-01-02\",\"mass_g\":500,\"items\":2,"
        "\"packaging\":null,\"route_id\":\"r\",\"drop_km\":14.9},"
        "{\"route_id\":\"a,b\",\"shipment_id\":7,\"drop_km\":0.1},"
        "{\"shipment_id\":\"S3\",\"drop_km\":0.00001,\"mass_g\":2.5e20},"
        "{\"shipment_id\":\"S4\",\"drop_km\":1e25}]",
        0, NULL);
    assert_non_null(list);
    svc_worker w;
    memset(&w, 0, sizeof w);
    svc_call c;
    memset(&c, 0, sizeof c);
    c.worker = &w;
    assert_true(svc_shipments_check(&c, list));
    assert_int_equal(c.status, 0);
    json_decref(list);

    static const char *const bad[][2] = {
        {"[{\"shipment_id\":\"S1\"},{\"shipment_id\":true}]", "\"field\":\"shipment_id\",\"record\":2"},
        {"[{\"mass\":5}]", "\"field\":\"mass\",\"record\":1"},
        {"[{\"packaging\":[\"x\"]}]", "\"field\":\"packaging\",\"record\":1"},
        {"[{\"route_id\":\"a\\tb\"}]", "\"field\":\"route_id\",\"record\":1"},
        {"[3]", "\"record\":1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        list = json_loads(bad[i][0], 0, NULL);
        assert_non_null(list);
        memset(&c, 0, sizeof c);
        c.worker = &w;
        assert_false(svc_shipments_check(&c, list));
        assert_int_equal(c.status, 422);
        w.out.data[w.out.len - 1] = '\0'; /* the newline */
        if (strstr((char *)w.out.data, bad[i][1]) == NULL)
            fail_msg("%s: %s", bad[i][0], w.out.data);
        json_decref(list);
    }
    /* the unknown field's message lists the columns, from the library */
    list = json_loads("[{\"mass\":5}]", 0, NULL);
    memset(&c, 0, sizeof c);
    c.worker = &w;
    assert_false(svc_shipments_check(&c, list));
    assert_non_null(strstr((char *)w.out.data,
                           "not a shipment field (shipment_id, date, mass_g, items, "
                           "packaging, route_id, drop_km)"));
    json_decref(list);
    svc_buf_free(&w.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cbor_tree),
        cmocka_unit_test(test_cbor_refused),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_shipments_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
