/*
 * test_negotiate.c: the service's pure parts: Content-Type and Accept
 * (RFC 9110), and the small documents it writes in JSON and CBOR.
 */
#include <string.h>

#include "svc.h"
#include "testutil.h"

static void test_content_type(void **state)
{
    (void)state;
    assert_int_equal(svc_media_of_content_type(NULL), SVC_MEDIA_NONE);
    assert_int_equal(svc_media_of_content_type("  "), SVC_MEDIA_NONE);
    assert_int_equal(svc_media_of_content_type("application/json"), SVC_MEDIA_JSON);
    assert_int_equal(svc_media_of_content_type("Application/JSON ; charset=UTF-8"), SVC_MEDIA_JSON);
    assert_int_equal(svc_media_of_content_type("application/json;charset=\"utf-8\""), SVC_MEDIA_JSON);
    assert_int_equal(svc_media_of_content_type("application/cbor"), SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_of_content_type("text/csv; header=present"), SVC_MEDIA_CSV);
    assert_int_equal(svc_media_of_content_type("text/csv; charset=latin1"), SVC_MEDIA_OTHER);
    assert_int_equal(svc_media_of_content_type("application/x-www-form-urlencoded"), SVC_MEDIA_OTHER);
    assert_int_equal(svc_media_of_content_type("application/jsonx"), SVC_MEDIA_OTHER);
    assert_int_equal(svc_media_of_content_type("application/json garbage"), SVC_MEDIA_OTHER);
    assert_int_equal(svc_media_of_content_type("json"), SVC_MEDIA_OTHER);
    assert_int_equal(svc_media_of_content_type("/json"), SVC_MEDIA_OTHER);
    assert_int_equal(svc_media_of_content_type("application/json;"), SVC_MEDIA_JSON);
    assert_int_equal(svc_media_of_content_type("application/json;=x"), SVC_MEDIA_OTHER);
}

static void test_accept(void **state)
{
    (void)state;
    /* nothing said: the body's encoding, else JSON */
    assert_int_equal(svc_media_accept(NULL, SVC_MEDIA_NONE), SVC_MEDIA_JSON);
    assert_int_equal(svc_media_accept(NULL, SVC_MEDIA_CBOR), SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept("", SVC_MEDIA_CSV), SVC_MEDIA_JSON);
    assert_int_equal(svc_media_accept("*/*", SVC_MEDIA_CBOR), SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept("application/*", SVC_MEDIA_JSON), SVC_MEDIA_JSON);
    assert_int_equal(svc_media_accept("application/cbor", SVC_MEDIA_JSON), SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept("APPLICATION/JSON", SVC_MEDIA_CBOR), SVC_MEDIA_JSON);
    /* q decides; the most specific range gives a type its q */
    assert_int_equal(svc_media_accept("application/json;q=0.5, application/cbor", SVC_MEDIA_JSON),
                     SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept("application/json;q=0.9, application/cbor;q=0.8", SVC_MEDIA_CBOR),
                     SVC_MEDIA_JSON);
    assert_int_equal(svc_media_accept("application/json;q=0, */*", SVC_MEDIA_JSON), SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept("*/*;q=0.1, application/cbor;q=0.2", SVC_MEDIA_JSON),
                     SVC_MEDIA_CBOR);
    /* ties go to the preference */
    assert_int_equal(svc_media_accept("application/json, application/cbor", SVC_MEDIA_CBOR),
                     SVC_MEDIA_CBOR);
    /* nothing acceptable */
    assert_int_equal(svc_media_accept("text/html", SVC_MEDIA_JSON), SVC_MEDIA_NONE);
    assert_int_equal(svc_media_accept("*/*;q=0", SVC_MEDIA_JSON), SVC_MEDIA_NONE);
    assert_int_equal(svc_media_accept("application/json;q=0", SVC_MEDIA_JSON), SVC_MEDIA_NONE);
    /* malformed ranges are skipped, the rest still count */
    assert_int_equal(svc_media_accept("garbage, application/cbor", SVC_MEDIA_JSON), SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept("application/json;q=2, application/cbor;q=0.3", SVC_MEDIA_JSON),
                     SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept(",,,;;;,", SVC_MEDIA_JSON), SVC_MEDIA_NONE);
    assert_int_equal(svc_media_accept("text/html;x=\"a,b\", application/cbor", SVC_MEDIA_JSON),
                     SVC_MEDIA_CBOR);
    assert_int_equal(svc_media_accept("text/html;x=\"unterminated, application/cbor", SVC_MEDIA_JSON),
                     SVC_MEDIA_NONE);
}

static void test_documents(void **state)
{
    (void)state;
    json_t *doc = json_object();
    json_object_set_new(doc, "status", json_integer(400));
    json_object_set_new(doc, "error", json_string("x"));
    svc_buf out = {0};
    assert_int_equal(svc_doc_encode(doc, SVC_MEDIA_JSON, &out), 0);
    /* 26 characters of JSON and the newline */
    assert_int_equal(out.len, 27);
    assert_memory_equal(out.data, "{\"status\":400,\"error\":\"x\"}\n", 27);
    out.len = 0;
    /* a2: map of 2; keys shortest first: 65 "error" 61 "x", then
     * 66 "status" 19 0190 (400 = 0x0190 in two bytes) */
    assert_int_equal(svc_doc_encode(doc, SVC_MEDIA_CBOR, &out), 0);
    static const unsigned char want[] = {0xa2, 0x65, 'e', 'r', 'r', 'o', 'r', 0x61, 'x',
                                         0x66, 's', 't', 'a', 't', 'u', 's', 0x19, 0x01, 0x90};
    assert_int_equal(out.len, sizeof want);
    assert_memory_equal(out.data, want, sizeof want);
    json_decref(doc);

    /* arrays, negative numbers, booleans and null */
    out.len = 0;
    doc = json_pack("[i,b,n,s]", -1, 1, "");
    assert_int_equal(svc_doc_encode(doc, SVC_MEDIA_CBOR, &out), 0);
    static const unsigned char want2[] = {0x84, 0x20, 0xf5, 0xf6, 0x60};
    assert_int_equal(out.len, sizeof want2);
    assert_memory_equal(out.data, want2, sizeof want2);
    json_decref(doc);
    svc_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_accept),
        cmocka_unit_test(test_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
