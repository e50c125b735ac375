/*
 * test_serve_wms.c: `boxcar serve` as a warehouse system sees it: an order
 * object with an items array packs as its lines do; a key that is not a
 * field is refused, naming it; an item's problem names the item; a box
 * list per request; each box's outer size, board area and cost; several
 * orders in one request; and the OpenAPI document the server gives,
 * checked against its real answers.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "serve_util.h"
#include "testutil.h"

static test_server server;

#define JSON_BODY "Content-Type: application/json\r\n"

/* The five-line order of test_serve.c, as lines and as an order object. */
#define ITEM_MUG "\"item_id\":\"MUG\",\"qty\":1,\"l_mm\":120,\"w_mm\":90,\"h_mm\":100,\"weight_g\":350,\"rotation\":\"upright\""
#define ITEM_BOOK "\"item_id\":\"BOOK\",\"qty\":1,\"l_mm\":240,\"w_mm\":170,\"h_mm\":30,\"weight_g\":600"
#define ITEM_CHARGER "\"item_id\":\"CHARGER\",\"qty\":2,\"l_mm\":95,\"w_mm\":92,\"h_mm\":45,\"weight_g\":170"
#define ITEM_SOCKS "\"item_id\":\"SOCKS\",\"qty\":1,\"l_mm\":200,\"w_mm\":120,\"h_mm\":40,\"weight_g\":120"
#define ITEM_CANDLE "\"item_id\":\"CANDLE\",\"qty\":1,\"l_mm\":80,\"w_mm\":80,\"h_mm\":110,\"weight_g\":400,\"fragile\":true"

static const char order_lines[] =
    "[{\"order_id\":\"B1\"," ITEM_MUG "},{\"order_id\":\"B1\"," ITEM_BOOK "},"
    "{\"order_id\":\"B1\"," ITEM_CHARGER "},{\"order_id\":\"B1\"," ITEM_SOCKS "},"
    "{\"order_id\":\"B1\"," ITEM_CANDLE "}]";

static const char order_object[] =
    "{\"order_id\":\"B1\",\"items\":[{" ITEM_MUG "},{" ITEM_BOOK "},{" ITEM_CHARGER
    "},{" ITEM_SOCKS "},{" ITEM_CANDLE "}]}";

/* A kettle and three towels, as lines (test_serve.c's CSV order). */
static const char kettle_lines[] =
    "[{\"order_id\":\"K1\",\"item_id\":\"KETTLE\",\"qty\":1,\"l_mm\":235,\"w_mm\":180,"
    "\"h_mm\":255,\"weight_g\":1450},"
    "{\"order_id\":\"K1\",\"item_id\":\"TOWEL\",\"qty\":3,\"l_mm\":300,\"w_mm\":200,"
    "\"h_mm\":40,\"weight_g\":250}]";

static int setup(void **state)
{
    (void)state;
    write_file("wms_token", "wms-token-for-tests\n", 20);
    static const char *const args[] = {"--token-file", "wms_token", NULL};
    server_start(&server, "test_serve_wms", args, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server.pid > 0 && server_stop(&server, SIGTERM) != 0)
        return -1;
    return 0;
}

static void post(const char *path, const char *body, http_resp *r)
{
    http_do(server.port, "POST", path, JSON_BODY, body, strlen(body), r);
}

static json_t *parsed(const http_resp *r)
{
    json_error_t e;
    json_t *j = json_loadb((const char *)r->body, r->body_len, 0, &e);
    if (j == NULL)
        fail_msg("answer is not JSON (%s): %s", e.text, r->body);
    return j;
}

/* An error answer: its status, code, field and (when not 0) record. */
static void expect_error(const char *path, const char *body, int status, const char *code,
                         const char *field, json_int_t record, const char *in_message)
{
    http_resp r;
    post(path, body, &r);
    json_t *j = parsed(&r);
    if (r.status != status ||
        strcmp(json_string_value(json_object_get(j, "error")), code) != 0 ||
        (field != NULL && (json_object_get(j, "field") == NULL ||
                           strcmp(json_string_value(json_object_get(j, "field")), field) != 0)) ||
        (record != 0 && json_integer_value(json_object_get(j, "record")) != record) ||
        (in_message != NULL &&
         strstr(json_string_value(json_object_get(j, "message")), in_message) == NULL))
        fail_msg("%s %s: got %d %s", path, body, r.status, r.body);
    json_decref(j);
    http_free(&r);
}

/* The order object packs exactly as its lines do: the same bytes. */
static void test_order_object_packs_as_its_lines(void **state)
{
    (void)state;
    http_resp a, b;
    post("/v1/pack", order_lines, &a);
    post("/v1/pack", order_object, &b);
    assert_int_equal(a.status, 200);
    assert_int_equal(b.status, 200);
    if (a.body_len != b.body_len || memcmp(a.body, b.body, a.body_len) != 0)
        fail_msg("lines:  %s\nobject: %s", a.body, b.body);
    http_free(&a);
    http_free(&b);
    /* an item may repeat the order's id, and pictures take the object too */
    post("/v1/pack/svg", "{\"order_id\":\"B1\",\"items\":[{\"order_id\":\"B1\"," ITEM_MUG "}]}",
         &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr((char *)a.body, "\"order_id\":\"B1\""));
    http_free(&a);
}

/* The order object in CBOR, encoded by hand (RFC 8949):
 *   a2                      map(2)
 *     68 "order_id" 62 "C1"
 *     65 "items" 81 a6      array(1), map(6)
 *       67 "item_id" 61 "M"   63 "qty" 01   64 "l_mm" 0a
 *       64 "w_mm" 0a   64 "h_mm" 0a   68 "weight_g" 05
 * packs as the same order's line in JSON does (both answered in CBOR). */
static void test_order_object_in_cbor(void **state)
{
    (void)state;
    static const unsigned char body[] = {
        0xa2, 0x68, 'o', 'r', 'd', 'e', 'r', '_', 'i', 'd', 0x62, 'C', '1',
        0x65, 'i', 't', 'e', 'm', 's', 0x81, 0xa6,
        0x67, 'i', 't', 'e', 'm', '_', 'i', 'd', 0x61, 'M',
        0x63, 'q', 't', 'y', 0x01,
        0x64, 'l', '_', 'm', 'm', 0x0a,
        0x64, 'w', '_', 'm', 'm', 0x0a,
        0x64, 'h', '_', 'm', 'm', 0x0a,
        0x68, 'w', 'e', 'i', 'g', 'h', 't', '_', 'g', 0x05,
    };
    static const char line[] = "[{\"order_id\":\"C1\",\"item_id\":\"M\",\"qty\":1,\"l_mm\":10,"
                               "\"w_mm\":10,\"h_mm\":10,\"weight_g\":5}]";
    http_resp a, b;
    http_do(server.port, "POST", "/v1/pack", "Content-Type: application/cbor\r\n", body,
            sizeof body, &a);
    http_do(server.port, "POST", "/v1/pack", JSON_BODY "Accept: application/cbor\r\n", line,
            sizeof line - 1, &b);
    assert_int_equal(a.status, 200);
    assert_int_equal(b.status, 200);
    assert_int_equal(a.body_len, b.body_len);
    assert_memory_equal(a.body, b.body, a.body_len);
    http_free(&a);
    http_free(&b);
}

/* A key that is not a field is refused, naming it: "quantity" beside
 * "qty" used to be ignored and the order packed with qty. */
static void test_unknown_keys_refused(void **state)
{
    (void)state;
    expect_error("/v1/pack",
                 "[{\"order_id\":\"B1\"," ITEM_MUG ",\"quantity\":5}]",
                 400, "bad_input", "quantity", 0, "field 'quantity' is not a field");
    expect_error("/v1/pack", "{\"order_id\":\"B1\",\"items\":[{" ITEM_MUG "},{" ITEM_BOOK
                 ",\"quantity\":5}]}",
                 400, "bad_input", "quantity", 2, "items[1]: field 'quantity'");
    expect_error("/v1/pack", "{\"order_id\":\"B1\",\"customer\":\"x\",\"items\":[{" ITEM_MUG "}]}",
                 400, "bad_input", "customer", 0, "no key 'customer'");
    http_resp r;
    const char csv[] = "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,colour\n"
                       "C1,TOWEL,1,300,200,40,250,red\n";
    http_do(server.port, "POST", "/v1/pack", "Content-Type: text/csv\r\n", csv,
            sizeof csv - 1, &r);
    assert_int_equal(r.status, 400);
    if (strstr((char *)r.body, "\"field\":\"colour\"") == NULL)
        fail_msg("%s", r.body);
    http_free(&r);
}

/* A problem in an item names the item (its position from 1 in `record`,
 * from 0 in the message's items[i]) and the field. */
static void test_item_error_names_item_and_field(void **state)
{
    (void)state;
    expect_error("/v1/pack", "{\"order_id\":\"B1\",\"items\":[{" ITEM_MUG "},"
                 "{\"item_id\":\"X\",\"qty\":1,\"l_mm\":\"\",\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}]}",
                 400, "bad_input", "l_mm", 2, "items[1]: field 'l_mm'");
    expect_error("/v1/pack", "{\"order_id\":\"B1\",\"items\":[{\"order_id\":\"B2\"," ITEM_MUG "}]}",
                 400, "bad_input", "order_id", 1, "items[0]");
    expect_error("/v1/pack", "{\"order_id\":\"B1\",\"items\":[]}", 400, "bad_input", "items",
                 0, NULL);
    expect_error("/v1/pack", "{\"items\":[{" ITEM_MUG "}]}", 400, "bad_input", "order_id", 0,
                 NULL);
}

/* A box list limits the boxes; 3# (outer 430 x 210 x 270 mm, 1.38 yuan in
 * cn-express) then shows its outside: board (2 x 430 + 2 x 210 + 30) x
 * (270 + 210) = 1310 x 480 = 628 800 mm^2 (which at 450 g/m^2 is the
 * 283 g tare the catalog lists). */
static void test_box_list_and_outside(void **state)
{
    (void)state;
    http_resp r;
    post("/v1/pack", "{\"order_id\":\"B1\",\"boxes\":[\"3#\"],\"items\":[{" ITEM_BOOK "}]}", &r);
    assert_int_equal(r.status, 200);
    json_t *j = parsed(&r);
    json_t *boxes = json_object_get(j, "boxes");
    assert_int_equal(json_array_size(boxes), 1);
    json_t *b = json_array_get(boxes, 0);
    assert_string_equal(json_string_value(json_object_get(b, "box_id")), "3#");
    assert_int_equal(json_integer_value(json_object_get(b, "outer_l_mm")), 430);
    assert_int_equal(json_integer_value(json_object_get(b, "outer_w_mm")), 210);
    assert_int_equal(json_integer_value(json_object_get(b, "outer_h_mm")), 270);
    assert_int_equal(json_integer_value(json_object_get(b, "board_area_mm2")), 628800);
    assert_true(json_real_value(json_object_get(b, "cost")) == 1.38);
    json_decref(j);
    http_free(&r);
    /* without the list the book goes in a smaller box */
    post("/v1/pack", "{\"order_id\":\"B1\",\"items\":[{" ITEM_BOOK "}]}", &r);
    j = parsed(&r);
    assert_string_not_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(j, "boxes"), 0), "box_id")),
        "3#");
    json_decref(j);
    http_free(&r);
    /* a list of boxes too small: the unit is not packed, and says why */
    post("/v1/pack", "{\"order_id\":\"B1\",\"boxes\":[\"12#\"],\"items\":[{" ITEM_BOOK "}]}", &r);
    assert_int_equal(r.status, 200);
    j = parsed(&r);
    assert_int_equal(json_array_size(json_object_get(j, "boxes")), 0);
    assert_int_equal(json_array_size(json_object_get(j, "unpacked")), 1);
    json_decref(j);
    http_free(&r);
    expect_error("/v1/pack", "{\"order_id\":\"B1\",\"boxes\":[\"3#\",\"99#\"],\"items\":[{" ITEM_BOOK "}]}",
                 400, "bad_input", "boxes", 2, "'99#' is not a box");
    expect_error("/v1/pack", "{\"order_id\":\"B1\",\"boxes\":[],\"items\":[{" ITEM_BOOK "}]}",
                 400, "bad_input", "boxes", 0, NULL);
}

/* Several orders in one request: each result is what /v1/pack answers for
 * that order alone, a bad order fails alone. */
static void test_batch(void **state)
{
    (void)state;
    char body[4096];
    snprintf(body, sizeof body,
             "{\"orders\":[%s,%s,{\"order_id\":\"E1\",\"items\":[{\"item_id\":\"X\",\"qty\":0,"
             "\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}]}]}",
             order_object, kettle_lines);
    http_resp r, one;
    post("/v1/pack/batch", body, &r);
    assert_int_equal(r.status, 200);
    json_t *j = parsed(&r);
    json_t *results = json_object_get(j, "results");
    assert_int_equal(json_array_size(results), 3);
    const char *alone[] = {order_lines, kettle_lines};
    for (size_t i = 0; i < 2; i++) {
        post("/v1/pack", alone[i], &one);
        assert_int_equal(one.status, 200);
        json_t *want = parsed(&one);
        if (!json_equal(want, json_array_get(results, i)))
            fail_msg("results[%zu] differs from /v1/pack: %s\nwant %s", i, r.body, one.body);
        json_decref(want);
        http_free(&one);
    }
    json_t *e = json_array_get(results, 2);
    assert_string_equal(json_string_value(json_object_get(e, "error")), "bad_input");
    assert_string_equal(json_string_value(json_object_get(e, "field")), "qty");
    assert_int_equal(json_integer_value(json_object_get(e, "record")), 1);
    json_decref(j);
    http_free(&r);

    /* a batch-wide box list, and an order's own list over it */
    post("/v1/pack/batch",
         "{\"boxes\":[\"1#\"],\"orders\":[{\"order_id\":\"A\",\"items\":[{" ITEM_BOOK "}]},"
         "{\"order_id\":\"B\",\"boxes\":[\"3#\"],\"items\":[{" ITEM_BOOK "}]}]}", &r);
    assert_int_equal(r.status, 200);
    j = parsed(&r);
    results = json_object_get(j, "results");
    const char *want_box[] = {"1#", "3#"};
    for (size_t i = 0; i < 2; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
                                json_array_get(results, i), "boxes"), 0), "box_id")),
                            want_box[i]);
    json_decref(j);
    http_free(&r);

    /* CBOR answer: a map of one key whose array has one item per order */
    http_do(server.port, "POST", "/v1/pack/batch",
            JSON_BODY "Accept: application/cbor\r\n", body, strlen(body), &r);
    assert_int_equal(r.status, 200);
    static const unsigned char head[] = {0xa1, 0x67, 'r', 'e', 's', 'u', 'l', 't', 's', 0x83};
    assert_true(r.body_len > sizeof head);
    assert_memory_equal(r.body, head, sizeof head);
    http_free(&r);

    expect_error("/v1/pack/batch", "{\"orders\":[],\"x\":1}", 400, "bad_input", "x", 0, NULL);
    expect_error("/v1/pack/batch", "{\"orders\":[]}", 400, "bad_input", "orders", 0, NULL);
    expect_error("/v1/pack/batch", "[1]", 400, "bad_input", NULL, 0, NULL);
    post("/v1/pack/batch", "{\"orders\":[7]}", &r);
    j = parsed(&r);
    e = json_array_get(json_object_get(j, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "field")), "orders");
    json_decref(j);
    http_free(&r);
}

/* ---- the item master -------------------------------------------------------- */

static json_t *spec;
static bool valid(const json_t *v, const json_t *schema, const char *path, char *why, size_t n);
static const json_t *answer_schema(const char *path, const char *method, int status);

/* An answer against the OpenAPI document in docs/ (the one served). */
static void check_against_docs(const http_resp *r, const char *path, const char *method)
{
    size_t len;
    char *file = read_file(BOXCAR_DOCS "/openapi.json", &len);
    spec = json_loadb(file, len, 0, NULL);
    free(file);
    assert_non_null(spec);
    json_t *j = parsed(r);
    char why[600] = "";
    if (!valid(j, answer_schema(path, method, r->status), "answer", why, sizeof why))
        fail_msg("%s %s against the OpenAPI document: %s\n%s", method, path, why, r->body);
    json_decref(j);
    json_decref(spec);
    spec = NULL;
}

static const char items_json_file[] =
    "[{\"sku\":\"MUG-01\",\"barcodes\":\"6901234567892|6901234567908\",\"l_mm\":120,"
    "\"w_mm\":90,\"h_mm\":100,\"weight_g\":350,\"rotation\":\"upright\",\"fragile\":true,"
    "\"max_load_g\":2000},"
    "{\"sku\":\"BOOK-7\",\"l_mm\":240,\"w_mm\":170,\"h_mm\":30,\"weight_g\":600}]\n";

#define ITEMS_TOKEN "Authorization: Bearer items-token\r\n"

static void get_item(int port, const char *code, int want_status, const char *want_sku)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/items/%s", code);
    http_resp r;
    http_do(port, "GET", path, NULL, NULL, 0, &r);
    if (r.status != want_status)
        fail_msg("GET %s: %d %s", path, r.status, r.body);
    if (want_sku != NULL) {
        json_t *j = parsed(&r);
        assert_string_equal(json_string_value(json_object_get(j, "sku")), want_sku);
        json_decref(j);
    }
    http_free(&r);
}

static void post_item(int port, const char *body, int want_status, const char *want_field)
{
    http_resp r;
    http_do(port, "POST", "/v1/items", JSON_BODY ITEMS_TOKEN, body, strlen(body), &r);
    if (r.status != want_status)
        fail_msg("POST /v1/items %s: %d %s", body, r.status, r.body);
    if (want_field != NULL) {
        char f[96];
        snprintf(f, sizeof f, "\"field\":\"%s\"", want_field);
        if (strstr((char *)r.body, f) == NULL)
            fail_msg("POST /v1/items %s: no %s in %s", body, f, r.body);
    }
    http_free(&r);
}

/* A scan finds an item by its sku or any barcode; an unknown barcode is
 * saved once (with the token), durably: the file is rewritten in its own
 * encoding and a new server finds it. */
static void test_item_master(void **state)
{
    (void)state;
    write_file("wms_items.json", items_json_file, sizeof items_json_file - 1);
    write_file("wms_items_token", "items-token\n", 12);
    static const char *const args[] = {"--items", "wms_items.json", "--token-file",
                                       "wms_items_token", NULL};
    test_server s;
    server_start(&s, "test_serve_wms_items", args, NULL);
    get_item(s.port, "6901234567908", 200, "MUG-01");
    get_item(s.port, "6901234567892", 200, "MUG-01");
    get_item(s.port, "BOOK-7", 200, "BOOK-7");
    get_item(s.port, "690123456789", 404, NULL); /* a prefix of a barcode */
    get_item(s.port, "6901234567915", 404, NULL);

    /* the token is needed to save */
    static const char added[] = "{\"sku\":\"6901234567915\",\"barcodes\":[\"6901234567915\"],"
                                "\"l_mm\":200,\"w_mm\":150,\"h_mm\":80,\"weight_g\":410}";
    http_resp r;
    http_do(s.port, "POST", "/v1/items", JSON_BODY, added, sizeof added - 1, &r);
    assert_int_equal(r.status, 401);
    http_free(&r);
    /* a problem names the field; nothing is saved */
    post_item(s.port, "{\"sku\":\"N1\",\"l_mm\":\"\",\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}",
              400, "l_mm");
    post_item(s.port, "{\"sku\":\"N1\",\"length\":5,\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,"
              "\"weight_g\":1}", 400, "length");
    /* a barcode another item has */
    post_item(s.port, "{\"sku\":\"N2\",\"barcodes\":\"6901234567892\",\"l_mm\":1,\"w_mm\":1,"
              "\"h_mm\":1,\"weight_g\":1}", 409, "sku");
    get_item(s.port, "N1", 404, NULL);
    get_item(s.port, "N2", 404, NULL);

    http_do(s.port, "POST", "/v1/items", JSON_BODY ITEMS_TOKEN, added, sizeof added - 1, &r);
    assert_int_equal(r.status, 200);
    check_against_docs(&r, "/v1/items", "post");
    http_free(&r);
    get_item(s.port, "6901234567915", 200, "6901234567915");
    http_do(s.port, "GET", "/v1/items/6901234567892", NULL, NULL, 0, &r);
    check_against_docs(&r, "/v1/items/{id}", "get");
    http_free(&r);
    post_item(s.port, added, 409, "sku"); /* once */
    assert_int_equal(server_stop(&s, SIGTERM), 0);

    /* the file: still JSON, the two items and the new one */
    size_t len;
    char *text = read_file("wms_items.json", &len);
    json_t *j = json_loadb(text, len, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(j), 3);
    json_t *last = json_array_get(j, 2);
    assert_string_equal(json_string_value(json_object_get(last, "sku")), "6901234567915");
    assert_int_equal(json_integer_value(json_object_get(last, "l_mm")), 200);
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "barcodes")),
                        "6901234567892|6901234567908");
    json_decref(j);
    free(text);
    /* and a new server finds it */
    server_start(&s, "test_serve_wms_items2", args, NULL);
    get_item(s.port, "6901234567915", 200, "6901234567915");
    assert_int_equal(server_stop(&s, SIGTERM), 0);
    /* without --items: not configured */
    get_item(server.port, "MUG-01", 404, NULL);
}

/* ---- the OpenAPI document against real answers ------------------------- */

static const json_t *resolve(const json_t *schema)
{
    const json_t *ref = json_object_get(schema, "$ref");
    if (ref == NULL)
        return schema;
    const char *p = json_string_value(ref);
    const char prefix[] = "#/components/schemas/";
    assert_true(strncmp(p, prefix, sizeof prefix - 1) == 0);
    const json_t *s = json_object_get(json_object_get(json_object_get(spec, "components"),
                                                      "schemas"), p + sizeof prefix - 1);
    if (s == NULL)
        fail_msg("no schema %s", p);
    return s;
}

static bool type_is(const json_t *v, const char *t)
{
    if (strcmp(t, "object") == 0) return json_is_object(v);
    if (strcmp(t, "array") == 0) return json_is_array(v);
    if (strcmp(t, "string") == 0) return json_is_string(v);
    if (strcmp(t, "integer") == 0) return json_is_integer(v);
    if (strcmp(t, "number") == 0) return json_is_number(v);
    if (strcmp(t, "boolean") == 0) return json_is_boolean(v);
    if (strcmp(t, "null") == 0) return json_is_null(v);
    fail_msg("unknown type %s", t);
    return false;
}

/* Does v satisfy schema (the JSON Schema keywords the document uses)?
 * why gets the first reason it does not, with its path. */
static bool valid(const json_t *v, const json_t *schema, const char *path, char *why, size_t n)
{
    schema = resolve(schema);
    const json_t *t = json_object_get(schema, "type");
    if (t != NULL) {
        bool ok = false;
        if (json_is_string(t))
            ok = type_is(v, json_string_value(t));
        for (size_t i = 0; json_is_array(t) && i < json_array_size(t); i++)
            ok = ok || type_is(v, json_string_value(json_array_get(t, i)));
        if (!ok) {
            snprintf(why, n, "%s: not of the type the document says", path);
            return false;
        }
    }
    const json_t *any = json_object_get(schema, "anyOf");
    if (any != NULL) {
        bool ok = false;
        for (size_t i = 0; i < json_array_size(any) && !ok; i++)
            ok = valid(v, json_array_get(any, i), path, why, n);
        if (!ok)
            return false;
    }
    const json_t *en = json_object_get(schema, "enum");
    if (en != NULL) {
        bool ok = false;
        for (size_t i = 0; i < json_array_size(en); i++)
            ok = ok || json_equal((json_t *)v, json_array_get(en, i));
        if (!ok) {
            snprintf(why, n, "%s: not one of the values the document lists", path);
            return false;
        }
    }
    char sub[512];
    if (json_is_object(v)) {
        const json_t *req = json_object_get(schema, "required");
        for (size_t i = 0; i < json_array_size(req); i++)
            if (json_object_get(v, json_string_value(json_array_get(req, i))) == NULL) {
                snprintf(why, n, "%s: required key '%s' missing", path,
                         json_string_value(json_array_get(req, i)));
                return false;
            }
        const json_t *props = json_object_get(schema, "properties");
        const json_t *extra = json_object_get(schema, "additionalProperties");
        const char *k;
        json_t *item;
        json_object_foreach((json_t *)v, k, item) {
            const json_t *ps = json_object_get(props, k);
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            if (ps == NULL && json_is_false(extra)) {
                snprintf(why, n, "%s: a key the document does not have", sub);
                return false;
            }
            if (ps != NULL && !valid(item, ps, sub, why, n))
                return false;
        }
    }
    const json_t *items = json_object_get(schema, "items");
    if (json_is_array(v) && items != NULL)
        for (size_t i = 0; i < json_array_size(v); i++) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (!valid(json_array_get(v, i), items, sub, why, n))
                return false;
        }
    return true;
}

/* The schema the document gives for an answer of this path, method and
 * status ("default" when the status has none of its own). */
static const json_t *answer_schema(const char *path, const char *method, int status)
{
    const json_t *op = json_object_get(json_object_get(json_object_get(spec, "paths"), path),
                                       method);
    if (op == NULL)
        fail_msg("the document has no %s %s", method, path);
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    const json_t *resp = json_object_get(json_object_get(op, "responses"), code);
    if (resp == NULL)
        resp = json_object_get(json_object_get(op, "responses"), "default");
    const json_t *s = json_object_get(json_object_get(json_object_get(resp, "content"),
                                                      "application/json"), "schema");
    if (s == NULL)
        fail_msg("the document gives no JSON answer for %s %s %d", method, path, status);
    return s;
}

static void check_answer(const char *method, const char *doc_path, const char *path,
                         const char *body, int want_status)
{
    http_resp r;
    if (body != NULL)
        post(path, body, &r);
    else
        http_do(server.port, method, path, NULL, NULL, 0, &r);
    if (r.status != want_status)
        fail_msg("%s %s: %d %s", method, path, r.status, r.body);
    json_t *j = parsed(&r);
    char why[600] = "";
    char lower[8];
    snprintf(lower, sizeof lower, "%s", strcmp(method, "GET") == 0 ? "get" : "post");
    if (!valid(j, answer_schema(doc_path, lower, r.status), "answer", why, sizeof why))
        fail_msg("%s %s against the OpenAPI document: %s\n%s", method, path, why, r.body);
    json_decref(j);
    http_free(&r);
}

static void test_openapi_matches_answers(void **state)
{
    (void)state;
    http_resp r;
    http_do(server.port, "GET", "/v1/openapi.json", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    spec = parsed(&r);
    http_free(&r);
    assert_true(strncmp(json_string_value(json_object_get(spec, "openapi")), "3.", 2) == 0);
    /* the copy in docs/ is the one served */
    size_t len;
    char *file = read_file(BOXCAR_DOCS "/openapi.json", &len);
    json_t *from_docs = json_loadb(file, len, 0, NULL);
    assert_true(json_equal(from_docs, spec));
    json_decref(from_docs);
    free(file);

    char batch[4096];
    snprintf(batch, sizeof batch, "{\"orders\":[%s,%s,[{\"order_id\":\"E\"}]]}", order_object,
             kettle_lines);
    check_answer("POST", "/v1/pack", "/v1/pack", order_lines, 200);
    check_answer("POST", "/v1/pack", "/v1/pack", order_object, 200);
    check_answer("POST", "/v1/pack", "/v1/pack", "{\"order_id\":\"B1\",\"items\":[{\"item_id\":"
                 "\"HUGE\",\"qty\":1,\"l_mm\":9000,\"w_mm\":9000,\"h_mm\":9000,\"weight_g\":1}]}", 200);
    check_answer("POST", "/v1/pack", "/v1/pack", "{\"order_id\":\"B1\",\"items\":[{\"qty\":1}]}",
                 400);
    check_answer("POST", "/v1/pack", "/v1/pack?rotation=sideways", order_lines, 400);
    check_answer("POST", "/v1/pack/svg", "/v1/pack/svg", order_object, 200);
    check_answer("POST", "/v1/pack/batch", "/v1/pack/batch", batch, 200);
    check_answer("GET", "/healthz", "/healthz", NULL, 200);
    check_answer("GET", "/v1/catalog", "/v1/catalog", NULL, 200);
    check_answer("GET", "/v1/policy", "/v1/policy", NULL, 404);
    check_answer("GET", "/v1/containers", "/v1/containers", NULL, 404);
    check_answer("GET", "/v1/items/{id}", "/v1/items/MUG-01", NULL, 404);
    json_decref(spec);
    spec = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_object_packs_as_its_lines),
        cmocka_unit_test(test_order_object_in_cbor),
        cmocka_unit_test(test_unknown_keys_refused),
        cmocka_unit_test(test_item_error_names_item_and_field),
        cmocka_unit_test(test_box_list_and_outside),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_item_master),
        cmocka_unit_test(test_openapi_matches_answers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
