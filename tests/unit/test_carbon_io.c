/*
 * test_carbon_io.c: the carbon result writers (boxcar/carbon_io.h) on
 * results built by hand, so every expected byte is worked out here, not
 * taken from the calculator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon_io.h"
#include "testutil.h"

#if BOXCAR_HAVE_JSON
#include <jansson.h>
#endif
#if BOXCAR_HAVE_CBOR
#include <cbor.h>
#endif

/* ---- hand-made shipments and results ------------------------------------ */

/* S-1: 1000 g on route r1 on 2025-01-02 in a 5# carton.
 *   road leg, default intensity: WTT 2.090 g + TTW 9.500 g = WTW 11.590 g
 *   hub, WTW only (no split):    0.304 g
 *   packaging:                   59.200 g
 *   total WTW 11.590 + 0.304 + 59.200 = 71.094 g; TTW 9.500 (transport and
 *   hubs only; the hub has no split); WTT 2.090.
 *   unsplit (WTW with no WTT/TTW split): transport 0, hub 0.304, total
 *   0.304 + 59.200 = 59.504 g (= 71.094 - 2.090 - 9.500).
 *   activity: 1000 g x 100 km (a planned distance, sfd) = 100000 g.km =
 *   0.1 tkm; intensity 11.590 g / 0.1 tkm = 115.900 g/tkm; every input
 *   default: WTW by class 0 / 0 / 71.094 g.
 * S-2: 2500 g on route r2 on 2025-02-10, no packaging, road only:
 *   WTT 0.100 + TTW 0.400 = WTW 0.500 g; 2500 g x 40 km travelled (actual)
 *   = 100000 g.km; modelled: 0 / 0.500 / 0 g. */
static void shipment(bx_shipment *s, const char *id, const char *route, int32_t date,
                     int64_t mass_g)
{
    bx_shipment_init(s);
    snprintf(s->shipment_id, sizeof s->shipment_id, "%s", id);
    snprintf(s->route_id, sizeof s->route_id, "%s", route);
    s->date = date;
    s->mass_g = mass_g;
}

static void result_s1(bx_carbon_result *r)
{
    memset(r, 0, sizeof *r);
    bx_co2e road = {2090, 9500, 11590}, hub = {0, 0, 304}, pack = {0, 0, 59200};
    r->part[BX_MODE_ROAD] = road;
    r->part[BX_PART_HUB] = hub;
    r->part[BX_PART_PACKAGING] = pack;
    r->transport = road;
    r->hub = hub;
    r->packaging_mg = 59200;
    bx_co2e total = {2090, 9500, 71094};
    r->total = total;
    r->methods = BX_METHOD_INTENSITY | BX_METHOD_HUB | BX_METHOD_PACKAGING;
    r->quality = BX_DQ_DEFAULT;
    r->activity_gkm[BX_MODE_ROAD][BX_DIST_SFD] = 100000;
    r->part_quality_mg[BX_MODE_ROAD][2] = 11590;
    r->part_quality_mg[BX_PART_HUB][2] = 304;
    r->part_quality_mg[BX_PART_PACKAGING][2] = 59200;
    r->quality_mg[2] = 71094;
    r->packaging_key = "5#";
}

static void result_s2(bx_carbon_result *r)
{
    memset(r, 0, sizeof *r);
    bx_co2e road = {100, 400, 500};
    r->part[BX_MODE_ROAD] = road;
    r->transport = road;
    r->total = road;
    r->methods = BX_METHOD_INTENSITY;
    r->quality = BX_DQ_MODELLED;
    r->activity_gkm[BX_MODE_ROAD][BX_DIST_ACTUAL] = 100000;
    r->part_quality_mg[BX_MODE_ROAD][1] = 500;
    r->quality_mg[1] = 500;
    r->packaging_key = "none";
}

static test_buf new_buf(void)
{
    test_buf b = {NULL, 0, 0, -1};
    return b;
}

static const char *text(const test_buf *b)
{
    return b->data != NULL ? b->data : "";
}

/* S-1 through a writer of `format` into a fresh buffer. */
static test_buf write_s1(bx_ctx *ctx, bx_carbon_format format, const bx_interval *iv)
{
    bx_shipment s;
    bx_carbon_result r;
    shipment(&s, "S-1", "r1", 20250102, 1000);
    result_s1(&r);
    test_buf b = new_buf();
    bx_carbon_writer *w = NULL;
    assert_int_equal(bx_carbon_writer_new(ctx, &w, format, "cn-2023", "2023.1", iv != NULL,
                                          test_buf_write, &b),
                     BX_OK);
    assert_int_equal(bx_carbon_writer_put(w, &s, &r, iv), BX_OK);
    assert_int_equal(bx_carbon_writer_finish(w), BX_OK);
    bx_carbon_writer_free(w);
    return b;
}

/* Mean 75.1234 g, 95 % interval 60.0004 .. 99.9996 g: to the milligram
 * 75123.4 -> 75123, 60000.4 -> 60000, 99999.6 -> 100000. */
static const bx_interval s1_interval = {75.1234, 60.0004, 99.9996};

/* ---- per shipment: text formats ------------------------------------------ */

static void test_csv_exact(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    test_buf b = write_s1(ctx, BX_CARBON_CSV, NULL);
    assert_string_equal(text(&b),
                        "shipment_id,route_id,transport_wtw_g,transport_ttw_g,hub_wtw_g,"
                        "packaging_g,total_wtw_g,total_ttw_g,transport_wtt_g,"
                        "transport_unsplit_g,hub_wtt_g,hub_ttw_g,hub_unsplit_g,total_wtt_g,"
                        "total_unsplit_g,transport_tkm,transport_g_per_tkm,distance_types,"
                        "primary_wtw_g,modelled_wtw_g,default_wtw_g,temp_uplift_wtw_g,"
                        "refrigerant_g,method,data_quality,factor_set,factor_version\n"
                        "S-1,r1,11.590,9.500,0.304,59.200,71.094,9.500,2.090,0.000,0.000,"
                        "0.000,0.304,2.090,59.504,0.100000,115.900,sfd,0.000,0.000,71.094,"
                        "0.000,0.000,intensity+hub+packaging,default,cn-2023,2023.1\n");
    test_buf_free(&b);
    b = write_s1(ctx, BX_CARBON_CSV, &s1_interval);
    assert_non_null(strstr(text(&b), ",factor_version,total_wtw_mean_g,total_wtw_p2_5_g,"
                                     "total_wtw_p97_5_g\n"));
    assert_non_null(strstr(text(&b), ",cn-2023,2023.1,75.123,60.000,100.000\n"));
    test_buf_free(&b);
    bx_ctx_free(ctx);
}

static void test_table_exact(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    test_buf b = write_s1(ctx, BX_CARBON_TABLE, &s1_interval);
    /* columns of 18, 20, 14, 14, 10, 12, 14, 14, 14, 14, 14, 11 and 9
     * characters */
    assert_string_equal(text(&b),
                        "shipment           route                 transport_wtw  transport_ttw"
                        "    hub_wtw    packaging    total_wtw_g    total_ttw_g    total_wtt_g"
                        "      unsplit_g            tkm   g_per_tkm quality   method"
                        "  (mean, 95 % interval g)\n"
                        "S-1                r1                           11.590          9.500"
                        "      0.304       59.200         71.094          9.500          2.090"
                        "         59.504       0.100000     115.900 default   "
                        "intensity+hub+packaging  (75.123, 60.000 .. 100.000)\n");
    test_buf_free(&b);
    bx_ctx_free(ctx);
}

/* ---- per shipment: JSON --------------------------------------------------- */

static void test_json_exact(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    test_buf b = write_s1(ctx, BX_CARBON_JSON, NULL);
    /* the CSV's figures in whole mg: 11.590 g is 11590 mg, and so on */
    assert_string_equal(text(&b),
                        "{\"shipment_id\":\"S-1\",\"route_id\":\"r1\",\"transport_wtw_mg\":11590,"
                        "\"transport_ttw_mg\":9500,\"hub_wtw_mg\":304,\"packaging_mg\":59200,"
                        "\"total_wtw_mg\":71094,\"total_ttw_mg\":9500,"
                        "\"transport_wtt_mg\":2090,\"transport_unsplit_mg\":0,"
                        "\"hub_wtt_mg\":0,\"hub_ttw_mg\":0,\"hub_unsplit_mg\":304,"
                        "\"total_wtt_mg\":2090,\"total_unsplit_mg\":59504,"
                        "\"transport_gkm\":100000,\"distance_types\":\"sfd\","
                        "\"primary_wtw_mg\":0,\"modelled_wtw_mg\":0,\"default_wtw_mg\":71094,"
                        "\"temp_uplift_wtw_mg\":0,\"refrigerant_mg\":0,"
                        "\"method\":\"intensity+hub+packaging\",\"data_quality\":\"default\","
                        "\"factor_set\":\"cn-2023\",\"factor_version\":\"2023.1\"}\n");
    test_buf_free(&b);
    b = write_s1(ctx, BX_CARBON_JSON, &s1_interval);
    assert_non_null(strstr(text(&b), "\"factor_version\":\"2023.1\",\"total_wtw_mean_mg\":75123,"
                                     "\"total_wtw_p2_5_mg\":60000,"
                                     "\"total_wtw_p97_5_mg\":100000}\n"));
    test_buf_free(&b);
    bx_ctx_free(ctx);
}

/* Text that is not UTF-8 (a hand-made id; the readers refuse such ids)
 * becomes U+FFFD, so the line stays valid JSON; quotes are escaped. */
static void test_json_escapes(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_shipment s;
    bx_carbon_result r;
    shipment(&s, "S\xFF\"1", "r1", 20250102, 1000);
    result_s2(&r);
    test_buf b = new_buf();
    bx_carbon_writer *w = NULL;
    assert_int_equal(bx_carbon_writer_new(ctx, &w, BX_CARBON_JSON, "set\\x", "v\n1", false,
                                          test_buf_write, &b),
                     BX_OK);
    assert_int_equal(bx_carbon_writer_put(w, &s, &r, NULL), BX_OK);
    assert_int_equal(bx_carbon_writer_finish(w), BX_OK);
    bx_carbon_writer_free(w);
    assert_non_null(strstr(text(&b), "{\"shipment_id\":\"S\xEF\xBF\xBD\\\"1\","));
    assert_non_null(
        strstr(text(&b), "\"factor_set\":\"set\\\\x\",\"factor_version\":\"v\\u000a1\"}"));
    test_buf_free(&b);
    bx_ctx_free(ctx);
}

#if BOXCAR_HAVE_JSON
static json_t *parse_line(const char *s)
{
    json_error_t err;
    json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, &err);
    if (j == NULL)
        fail_msg("not JSON (%s): %s", err.text, s);
    return j;
}
#endif

/* Read back with jansson: integers stay integers, every key is there. */
static void test_json_parses_back(void **state)
{
    (void)state;
#if BOXCAR_HAVE_JSON
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    test_buf b = write_s1(ctx, BX_CARBON_JSON, &s1_interval);
    json_t *j = parse_line(text(&b));
    /* the text formats' g per tkm is not in JSON: it follows from
     * transport_wtw_mg and transport_gkm */
    assert_int_equal(json_object_size(j), 29);
    assert_null(json_object_get(j, "transport_mg_per_tkm"));
    assert_true(json_is_integer(json_object_get(j, "total_wtw_mg")));
    assert_int_equal(json_integer_value(json_object_get(j, "total_wtw_mg")), 71094);
    /* WTW = transport + hub + packaging, on the integers read back */
    assert_int_equal(json_integer_value(json_object_get(j, "transport_wtw_mg")) +
                         json_integer_value(json_object_get(j, "hub_wtw_mg")) +
                         json_integer_value(json_object_get(j, "packaging_mg")),
                     json_integer_value(json_object_get(j, "total_wtw_mg")));
    /* WTT + TTW + unsplit = WTW, on the total read back */
    assert_int_equal(json_integer_value(json_object_get(j, "total_wtt_mg")) +
                         json_integer_value(json_object_get(j, "total_ttw_mg")) +
                         json_integer_value(json_object_get(j, "total_unsplit_mg")),
                     json_integer_value(json_object_get(j, "total_wtw_mg")));
    assert_int_equal(json_integer_value(json_object_get(j, "total_wtw_p97_5_mg")), 100000);
    assert_string_equal(json_string_value(json_object_get(j, "method")),
                        "intensity+hub+packaging");
    assert_string_equal(json_string_value(json_object_get(j, "factor_version")), "2023.1");
    json_decref(j);
    test_buf_free(&b);
    bx_ctx_free(ctx);
#else
    skip();
#endif
}

/* ---- per shipment: CBOR --------------------------------------------------- */

#if BOXCAR_HAVE_CBOR
/* S-1 as one CBOR map of 26 pairs (above 23 needs a length byte: B8 1A). Keys
 * in core deterministic order, i.e. by length, then bytewise:
 *   6 method; 8 route_id;
 *   10 factor_set < hub_ttw_mg < hub_wtt_mg < hub_wtw_mg; 11 shipment_id;
 *   12 data_quality < packaging_mg < total_ttw_mg < total_wtt_mg <
 *      total_wtw_mg;
 *   13 transport_gkm;
 *   14 default_wtw_mg < distance_types < factor_version < hub_unsplit_mg <
 *      primary_wtw_mg < refrigerant_mg;
 *   15 modelled_wtw_mg;
 *   16 total_unsplit_mg < transport_ttw_mg < transport_wtt_mg <
 *      transport_wtw_mg;
 *   18 temp_uplift_wtw_mg;
 *   20 transport_unsplit_mg.
 * A text string of n < 24 bytes has the head 60 + n. Integers take the
 * shortest head (0 to 23 in the head byte itself):
 *   304   = 0x0130   -> 19 01 30
 *   2090  = 0x082A   -> 19 08 2A
 *   59200 = 0xE740   -> 19 E7 40
 *   59504 = 0xE870   -> 19 E8 70
 *   9500  = 0x251C   -> 19 25 1C
 *   71094 = 0x115B6  -> 1A 00 01 15 B6 (above 65535: four bytes)
 *   100000 = 0x186A0 -> 1A 00 01 86 A0
 *   11590 = 0x2D46   -> 19 2D 46 */
static const char cbor_s1[] =
    "\xB8\x1A"
    "\x66" "method" "\x77" "intensity+hub+packaging"
    "\x68" "route_id" "\x62" "r1"
    "\x6A" "factor_set" "\x67" "cn-2023"
    "\x6A" "hub_ttw_mg" "\x00"
    "\x6A" "hub_wtt_mg" "\x00"
    "\x6A" "hub_wtw_mg" "\x19\x01\x30"
    "\x6B" "shipment_id" "\x63" "S-1"
    "\x6C" "data_quality" "\x67" "default"
    "\x6C" "packaging_mg" "\x19\xE7\x40"
    "\x6C" "total_ttw_mg" "\x19\x25\x1C"
    "\x6C" "total_wtt_mg" "\x19\x08\x2A"
    "\x6C" "total_wtw_mg" "\x1A\x00\x01\x15\xB6"
    "\x6D" "transport_gkm" "\x1A\x00\x01\x86\xA0"
    "\x6E" "default_wtw_mg" "\x1A\x00\x01\x15\xB6"
    "\x6E" "distance_types" "\x63" "sfd"
    "\x6E" "factor_version" "\x66" "2023.1"
    "\x6E" "hub_unsplit_mg" "\x19\x01\x30"
    "\x6E" "primary_wtw_mg" "\x00"
    "\x6E" "refrigerant_mg" "\x00"
    "\x6F" "modelled_wtw_mg" "\x00"
    "\x70" "total_unsplit_mg" "\x19\xE8\x70"
    "\x70" "transport_ttw_mg" "\x19\x25\x1C"
    "\x70" "transport_wtt_mg" "\x19\x08\x2A"
    "\x70" "transport_wtw_mg" "\x19\x2D\x46"
    "\x72" "temp_uplift_wtw_mg" "\x00"
    "\x74" "transport_unsplit_mg" "\x00";
#endif

static void test_cbor_golden(void **state)
{
    (void)state;
#if BOXCAR_HAVE_CBOR
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    test_buf b = write_s1(ctx, BX_CARBON_CBOR, NULL);
    assert_int_equal(b.len, sizeof cbor_s1 - 1);
    assert_memory_equal(b.data, cbor_s1, sizeof cbor_s1 - 1);
    test_buf_free(&b);
    bx_ctx_free(ctx);
#else
    skip();
#endif
}

#if BOXCAR_HAVE_CBOR && BOXCAR_HAVE_JSON
/* Core deterministic order of two text keys: shorter first, then bytes. */
static bool key_less(const cbor_item_t *a, const cbor_item_t *b)
{
    size_t la = cbor_string_length(a), lb = cbor_string_length(b);
    if (la != lb)
        return la < lb;
    return memcmp(cbor_string_handle(a), cbor_string_handle(b), la) < 0;
}

/* A flat CBOR map (text keys; integer or text values) as a jansson
 * object, checking the key order, definite lengths and that no float
 * crept in. */
static json_t *cbor_map_to_json(const cbor_item_t *it)
{
    assert_true(cbor_isa_map(it));
    assert_true(cbor_map_is_definite(it));
    json_t *o = json_object();
    struct cbor_pair *pairs = cbor_map_handle(it);
    for (size_t i = 0; i < cbor_map_size(it); i++) {
        assert_true(cbor_isa_string(pairs[i].key));
        if (i > 0 && !key_less(pairs[i - 1].key, pairs[i].key))
            fail_msg("map keys out of deterministic order at %.*s",
                     (int)cbor_string_length(pairs[i].key),
                     (const char *)cbor_string_handle(pairs[i].key));
        char k[64];
        snprintf(k, sizeof k, "%.*s", (int)cbor_string_length(pairs[i].key),
                 (const char *)cbor_string_handle(pairs[i].key));
        const cbor_item_t *v = pairs[i].value;
        json_t *jv;
        if (cbor_isa_uint(v)) {
            jv = json_integer((json_int_t)cbor_get_int(v));
        } else if (cbor_isa_negint(v)) {
            jv = json_integer(-1 - (json_int_t)cbor_get_int(v));
        } else {
            assert_true(cbor_isa_string(v));
            assert_true(cbor_string_is_definite(v));
            jv = json_stringn((const char *)cbor_string_handle(v), cbor_string_length(v));
        }
        json_object_set_new(o, k, jv);
    }
    return o;
}

/* Every item of a CBOR sequence against the JSON Lines of the same
 * content, line by line. */
static void assert_same_records(const test_buf *cbor, const test_buf *json, size_t expect)
{
    size_t at = 0, n = 0;
    const char *line = text(json);
    while (at < cbor->len) {
        struct cbor_load_result lr;
        cbor_item_t *it = cbor_load((cbor_data)cbor->data + at, cbor->len - at, &lr);
        assert_non_null(it);
        assert_int_equal(lr.error.code, CBOR_ERR_NONE);
        at += lr.read;
        json_t *from_cbor = cbor_map_to_json(it);
        cbor_decref(&it);
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        char *one = strndup(line, (size_t)(end - line));
        json_t *from_json = parse_line(one);
        free(one);
        line = end + 1;
        if (!json_equal(from_json, from_cbor)) {
            char *a = json_dumps(from_json, JSON_SORT_KEYS);
            char *c = json_dumps(from_cbor, JSON_SORT_KEYS);
            fail_msg("JSON %s\nCBOR %s", a, c);
        }
        json_decref(from_json);
        json_decref(from_cbor);
        n++;
    }
    assert_int_equal(n, expect);
    assert_string_equal(line, ""); /* as many JSON lines as CBOR items */
}
#endif

/* CBOR and JSON carry the same content, intervals and repaired text
 * included. */
static void test_cbor_same_content_as_json(void **state)
{
    (void)state;
#if BOXCAR_HAVE_CBOR && BOXCAR_HAVE_JSON
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_shipment s[2];
    bx_carbon_result r[2];
    shipment(&s[0], "S-1", "r1", 20250102, 1000);
    shipment(&s[1], "S\xC3\xA9\xFF", "r2", 20250210, 2500); /* é, then a bad byte */
    result_s1(&r[0]);
    result_s2(&r[1]);
    bx_interval iv[2] = {{75.1234, 60.0004, 99.9996}, {0.5, 0.25, 1.0}};
    test_buf jb = new_buf(), cb = new_buf();
    bx_carbon_writer *jw = NULL, *cw = NULL;
    assert_int_equal(bx_carbon_writer_new(ctx, &jw, BX_CARBON_JSON, "cn-2023", "2023.1", true,
                                          test_buf_write, &jb),
                     BX_OK);
    assert_int_equal(bx_carbon_writer_new(ctx, &cw, BX_CARBON_CBOR, "cn-2023", "2023.1", true,
                                          test_buf_write, &cb),
                     BX_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(bx_carbon_writer_put(jw, &s[i], &r[i], &iv[i]), BX_OK);
        assert_int_equal(bx_carbon_writer_put(cw, &s[i], &r[i], &iv[i]), BX_OK);
    }
    assert_int_equal(bx_carbon_writer_finish(jw), BX_OK);
    assert_int_equal(bx_carbon_writer_finish(cw), BX_OK);
    assert_same_records(&cb, &jb, 2);
    /* 29 pairs: the map head is B8 (one length byte follows) 1D */
    assert_int_equal((unsigned char)cb.data[0], 0xB8);
    assert_int_equal((unsigned char)cb.data[1], 0x1D);
    bx_carbon_writer_free(jw);
    bx_carbon_writer_free(cw);
    test_buf_free(&jb);
    test_buf_free(&cb);
    bx_ctx_free(ctx);
#else
    skip();
#endif
}

/* ---- writer contract ---------------------------------------------------------- */

static void test_writer_errors(void **state)
{
    (void)state;
    test_diags d = {0};
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_ctx_set_diag(ctx, test_diag_fn, &d);
    bx_shipment s;
    bx_carbon_result r;
    shipment(&s, "S-1", "r1", 20250102, 1000);
    result_s1(&r);
    test_buf b = new_buf();
    bx_carbon_writer *w = NULL;
    assert_int_equal(bx_carbon_writer_new(ctx, &w, (bx_carbon_format)9, "a", "b", false,
                                          test_buf_write, &b),
                     BX_EINVAL);
    assert_null(w);
    assert_int_equal(bx_carbon_writer_new(ctx, &w, BX_CARBON_CSV, NULL, "b", false,
                                          test_buf_write, &b),
                     BX_EINVAL);
    /* an interval writer needs an interval */
    assert_int_equal(bx_carbon_writer_new(ctx, &w, BX_CARBON_JSON, "a", "b", true,
                                          test_buf_write, &b),
                     BX_OK);
    assert_int_equal(bx_carbon_writer_put(w, &s, &r, NULL), BX_EINVAL);
    bx_interval huge = {1e300, 0, 1};
    assert_int_equal(bx_carbon_writer_put(w, &s, &r, &huge), BX_EINVAL);
    bx_carbon_writer_free(w);
    bx_carbon_writer_free(NULL);

    /* a header with no rows: CSV has its header, JSON nothing */
    assert_int_equal(bx_carbon_writer_new(ctx, &w, BX_CARBON_CSV, "a", "b", false,
                                          test_buf_write, &b),
                     BX_OK);
    assert_int_equal(bx_carbon_writer_finish(w), BX_OK);
    bx_carbon_writer_free(w);
    assert_non_null(strstr(text(&b), ",factor_version\n"));
    test_buf_free(&b);

    /* the sink fails: BX_EIO, with a message, at the latest at finish */
    b = new_buf();
    b.fail_after = 100;
    assert_int_equal(bx_carbon_writer_new(ctx, &w, BX_CARBON_JSON, "a", "b", false,
                                          test_buf_write, &b),
                     BX_OK);
    bx_status st = BX_OK;
    for (int i = 0; i < 100 && st == BX_OK; i++)
        st = bx_carbon_writer_put(w, &s, &r, NULL);
    if (st == BX_OK)
        st = bx_carbon_writer_finish(w);
    assert_int_equal(st, BX_EIO);
    assert_string_equal(bx_ctx_errmsg(ctx), "writing the carbon results failed");
    assert_int_equal(bx_carbon_writer_finish(w), BX_EIO); /* it sticks */
    bx_carbon_writer_free(w);
    test_buf_free(&b);
    bx_ctx_free(ctx);
}

/* Every allocation of bx_carbon_writer_new may fail: BX_ENOMEM, nothing
 * leaked. */
static void test_writer_oom(void **state)
{
    (void)state;
    for (uint64_t n = 1;; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        size_t base = ta.live_bytes;
        test_buf b = new_buf();
        bx_carbon_writer *w = NULL;
        bx_status st = bx_carbon_writer_new(ctx, &w, BX_CARBON_CSV, "cn-2023", "2023.1", false,
                                            test_buf_write, &b);
        bx_carbon_writer_free(w);
        assert_int_equal(ta.live_bytes, base);
        test_buf_free(&b);
        bx_ctx_free(ctx);
        if (st == BX_OK)
            break;
        assert_int_equal(st, BX_ENOMEM);
        assert_true(n < 10);
    }
}

static void test_format_names(void **state)
{
    (void)state;
    bx_carbon_format f;
    assert_int_equal(bx_carbon_format_parse("JSON", &f), BX_OK);
    assert_int_equal(f, BX_CARBON_JSON);
    assert_int_equal(bx_carbon_format_parse("cbor", &f), BX_OK);
    assert_int_equal(f, BX_CARBON_CBOR);
    assert_int_equal(bx_carbon_format_parse("xlsx", &f), BX_EINPUT);
    assert_string_equal(bx_carbon_format_name(BX_CARBON_TABLE), "table");
    assert_string_equal(bx_carbon_format_name((bx_carbon_format)7), "unknown");
}

/* ---- totals ------------------------------------------------------------------- */

/* S-1 and S-2 added up, two rows excluded. By hand:
 *   all:    2 shipments, 3500 g; transport 2190/9900/12090 (WTT/TTW/WTW),
 *           hub 0/0/304, packaging 59200, total 2190/9900/71594; excluded 2;
 *           unsplit: transport 0, hub 304, total 304 + 59200 = 59504;
 *           activity: actual 100000 g.km (S-2), sfd 100000 (S-1); WTW by
 *           class: modelled 500 (S-2), default 71094 (S-1)
 *   mode:   hub (S-1):       1, 1000 g, hub 0/0/304, total 0/0/304
 *           packaging (S-1): 1, 1000 g, packaging 59200, total 0/0/59200
 *           road (both):     2, 3500 g, transport = total = 2190/9900/12090
 *   10 rows: all 1, route 2 (r1, r2), month 2 (2025-01, 2025-02), mode 3,
 *   packaging 2 ("5#" < "none"). */
static bx_carbon_totals *two_shipments(bx_ctx *ctx)
{
    bx_carbon_totals *t = NULL;
    assert_int_equal(bx_carbon_totals_new(ctx, &t, "cn-2023", "2023.1"), BX_OK);
    bx_shipment s;
    bx_carbon_result r;
    shipment(&s, "S-1", "r1", 20250102, 1000);
    result_s1(&r);
    assert_int_equal(bx_carbon_totals_add(t, &s, &r), BX_OK);
    shipment(&s, "S-2", "r2", 20250210, 2500);
    result_s2(&r);
    assert_int_equal(bx_carbon_totals_add(t, &s, &r), BX_OK);
    bx_carbon_totals_exclude(t, 2);
    return t;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_totals_json_exact(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_carbon_totals *t = two_shipments(ctx);
    test_buf b = new_buf();
    assert_int_equal(bx_carbon_totals_write_json(t, BX_BY_MODE, test_buf_write, &b), BX_OK);
    assert_string_equal(
        text(&b),
        "{\"group\":\"mode\",\"key\":\"hub\",\"shipments\":1,\"mass_g\":1000,"
        "\"transport_wtt_mg\":0,\"transport_ttw_mg\":0,\"transport_wtw_mg\":0,"
        "\"hub_wtt_mg\":0,\"hub_ttw_mg\":0,\"hub_wtw_mg\":304,\"packaging_mg\":0,"
        "\"total_wtt_mg\":0,\"total_ttw_mg\":0,\"total_wtw_mg\":304,"
        "\"transport_unsplit_mg\":0,\"hub_unsplit_mg\":304,\"total_unsplit_mg\":304,"
        "\"activity_actual_gkm\":0,\"activity_sfd_gkm\":0,\"activity_gcd_gkm\":0,"
        "\"primary_wtw_mg\":0,\"modelled_wtw_mg\":0,\"default_wtw_mg\":304,"
        "\"temp_uplift_wtw_mg\":0,\"refrigerant_mg\":0,\"excluded\":0,"
        "\"factor_set\":\"cn-2023\",\"factor_version\":\"2023.1\"}\n"
        "{\"group\":\"mode\",\"key\":\"packaging\",\"shipments\":1,\"mass_g\":1000,"
        "\"transport_wtt_mg\":0,\"transport_ttw_mg\":0,\"transport_wtw_mg\":0,"
        "\"hub_wtt_mg\":0,\"hub_ttw_mg\":0,\"hub_wtw_mg\":0,\"packaging_mg\":59200,"
        "\"total_wtt_mg\":0,\"total_ttw_mg\":0,\"total_wtw_mg\":59200,"
        "\"transport_unsplit_mg\":0,\"hub_unsplit_mg\":0,\"total_unsplit_mg\":59200,"
        "\"activity_actual_gkm\":0,\"activity_sfd_gkm\":0,\"activity_gcd_gkm\":0,"
        "\"primary_wtw_mg\":0,\"modelled_wtw_mg\":0,\"default_wtw_mg\":59200,"
        "\"temp_uplift_wtw_mg\":0,\"refrigerant_mg\":0,\"excluded\":0,"
        "\"factor_set\":\"cn-2023\",\"factor_version\":\"2023.1\"}\n"
        "{\"group\":\"mode\",\"key\":\"road\",\"shipments\":2,\"mass_g\":3500,"
        "\"transport_wtt_mg\":2190,\"transport_ttw_mg\":9900,\"transport_wtw_mg\":12090,"
        "\"hub_wtt_mg\":0,\"hub_ttw_mg\":0,\"hub_wtw_mg\":0,\"packaging_mg\":0,"
        "\"total_wtt_mg\":2190,\"total_ttw_mg\":9900,\"total_wtw_mg\":12090,"
        "\"transport_unsplit_mg\":0,\"hub_unsplit_mg\":0,\"total_unsplit_mg\":0,"
        "\"activity_actual_gkm\":100000,\"activity_sfd_gkm\":100000,"
        "\"activity_gcd_gkm\":0,\"primary_wtw_mg\":0,\"modelled_wtw_mg\":500,"
        "\"default_wtw_mg\":11590,\"temp_uplift_wtw_mg\":0,\"refrigerant_mg\":0,\"excluded\":0,"
        "\"factor_set\":\"cn-2023\",\"factor_version\":\"2023.1\"}\n");
    test_buf_free(&b);
    /* every group: the "all" row first, with the excluded rows */
    b = new_buf();
    assert_int_equal(bx_carbon_totals_write_json(t, BX_BY_COUNT, test_buf_write, &b), BX_OK);
    assert_int_equal(count_lines(text(&b)), 10);
    const char all[] = "{\"group\":\"all\",\"key\":\"all\",\"shipments\":2,\"mass_g\":3500,"
                       "\"transport_wtt_mg\":2190,\"transport_ttw_mg\":9900,"
                       "\"transport_wtw_mg\":12090,\"hub_wtt_mg\":0,\"hub_ttw_mg\":0,"
                       "\"hub_wtw_mg\":304,\"packaging_mg\":59200,\"total_wtt_mg\":2190,"
                       "\"total_ttw_mg\":9900,\"total_wtw_mg\":71594,"
                       "\"transport_unsplit_mg\":0,\"hub_unsplit_mg\":304,"
                       "\"total_unsplit_mg\":59504,\"activity_actual_gkm\":100000,"
                       "\"activity_sfd_gkm\":100000,\"activity_gcd_gkm\":0,"
                       "\"primary_wtw_mg\":0,\"modelled_wtw_mg\":500,"
                       "\"default_wtw_mg\":71094,\"temp_uplift_wtw_mg\":0,\"refrigerant_mg\":0,\"excluded\":2,"
                       "\"factor_set\":\"cn-2023\",\"factor_version\":\"2023.1\"}\n";
    assert_memory_equal(text(&b), all, sizeof all - 1);
    const char *order[] = {"\"group\":\"all\"",       "\"key\":\"r1\"",
                           "\"key\":\"r2\"",          "\"key\":\"2025-01\"",
                           "\"key\":\"2025-02\"",     "\"key\":\"hub\"",
                           "\"key\":\"packaging\"",   "\"key\":\"road\"",
                           "\"key\":\"5#\"",          "\"key\":\"none\""};
    const char *at = text(&b);
    for (size_t i = 0; i < 10; i++) {
        const char *p = strstr(at, order[i]);
        if (p == NULL)
            fail_msg("row %zu (%s) missing or out of order", i, order[i]);
        at = p;
    }
    test_buf_free(&b);
    bx_carbon_totals_free(t);
    bx_ctx_free(ctx);
}

static void test_totals_cbor_same_as_json(void **state)
{
    (void)state;
#if BOXCAR_HAVE_CBOR && BOXCAR_HAVE_JSON
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_carbon_totals *t = two_shipments(ctx);
    test_buf jb = new_buf(), cb = new_buf();
    assert_int_equal(bx_carbon_totals_write_json(t, BX_BY_COUNT, test_buf_write, &jb), BX_OK);
    assert_int_equal(bx_carbon_totals_write_cbor(t, BX_BY_COUNT, test_buf_write, &cb), BX_OK);
    assert_same_records(&cb, &jb, 10);
    /* 28 pairs (24 or more: a length byte follows): B8 1C; the first key
     * is the shortest, "key" (63 6B 65 79), and its value "all" */
    assert_memory_equal(cb.data, "\xB8\x1C\x63key\x63" "all", 10);
    test_buf_free(&jb);
    test_buf_free(&cb);
    /* one group through the dispatcher */
    cb = new_buf();
    assert_int_equal(bx_carbon_totals_write_group(t, BX_CARBON_CBOR, BX_BY_ROUTE, NULL,
                                                  test_buf_write, &cb),
                     BX_OK);
    jb = new_buf();
    assert_int_equal(bx_carbon_totals_write_json(t, BX_BY_ROUTE, test_buf_write, &jb), BX_OK);
    assert_same_records(&cb, &jb, 2);
    test_buf_free(&jb);
    test_buf_free(&cb);
    bx_carbon_totals_free(t);
    bx_ctx_free(ctx);
#else
    skip();
#endif
}

static void test_totals_table_and_csv(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_carbon_totals *t = two_shipments(ctx);
    test_buf b = new_buf();
    assert_int_equal(bx_carbon_totals_write_group(t, BX_CARBON_CSV, BX_BY_ROUTE, NULL,
                                                  test_buf_write, &b),
                     BX_OK);
    assert_string_equal(text(&b),
                        "route,shipments,mass_g,transport_wtt_g,transport_ttw_g,"
                        "transport_wtw_g,hub_wtt_g,hub_ttw_g,hub_wtw_g,packaging_g,total_wtt_g,"
                        "total_ttw_g,total_wtw_g,transport_unsplit_g,hub_unsplit_g,"
                        "total_unsplit_g,transport_tkm,actual_tkm,sfd_tkm,gcd_tkm,"
                        "transport_g_per_tkm,hub_g_per_t,primary_wtw_g,modelled_wtw_g,"
                        "default_wtw_g,temp_uplift_wtw_g,refrigerant_g,factor_set,factor_version\n"
                        /* hub: 0.304 g / 0.001 t = 304 g/t */
                        "r1,1,1000,2.090,9.500,11.590,0.000,0.000,0.304,59.200,2.090,9.500,"
                        "71.094,0.000,0.304,59.504,0.100000,0.000000,0.100000,0.000000,"
                        "115.900,304.000,0.000,0.000,71.094,0.000,0.000,cn-2023,2023.1\n"
                        /* 0.500 g / 0.1 tkm = 5 g/tkm; no hub: no g/t */
                        "r2,1,2500,0.100,0.400,0.500,0.000,0.000,0.000,0.000,0.100,0.400,0.500,"
                        "0.000,0.000,0.000,0.100000,0.100000,0.000000,0.000000,5.000,,0.000,"
                        "0.500,0.000,0.000,0.000,cn-2023,2023.1\n");
    test_buf_free(&b);
    /* The table in kg, rounded to the gram: road 12.090 g -> 12 g ->
     * 0.012 kg; packaging 59.2 g -> 0.059 kg; total 71.594 g -> 0.072 kg.
     * Shares of 71594 mg: road 12090 -> 16.887 % -> 16.9; packaging 59200
     * -> 82.688 % -> 82.7; hub 304 -> 0.425 % -> 0.4. */
    b = new_buf();
    assert_int_equal(bx_carbon_totals_write_group(t, BX_CARBON_TABLE, BX_BY_MODE, NULL,
                                                  test_buf_write, &b),
                     BX_OK);
    const char *s = text(&b);
    assert_non_null(strstr(s, "mode                     shipments      mass_kg   transport_kg"));
    assert_non_null(strstr(s, "\nroad                             2        3.500          0.012"
                              "      0.000         0.000          0.012          0.010          0.000"
                              "         0.200000      60.450  16.9%\n"));
    assert_non_null(strstr(s, "\npackaging                        1        1.000          0.000"
                              "      0.000         0.059          0.059          0.000          0.059"
                              "         0.000000              82.7%\n"));
    assert_non_null(strstr(s, "\nhub                              1        1.000          0.000"
                              "      0.000         0.000          0.000          0.000          0.000"
                              "         0.000000               0.4%\n"));
    assert_non_null(strstr(s, "\ntotal                            2        3.500          0.012"
                              "      0.000         0.059          0.072          0.010          0.060"
                              "         0.200000      60.450 100.0%\n"));
    assert_non_null(strstr(s, "\nfactor set cn-2023 2023.1; 2 rows excluded as bad input; a "
                              "shipment counts under each mode it uses\n"));
    test_buf_free(&b);
    /* every group is for the JSON and CBOR writers only */
    b = new_buf();
    assert_int_equal(bx_carbon_totals_write_group(t, BX_CARBON_TABLE, BX_BY_COUNT, NULL,
                                                  test_buf_write, &b),
                     BX_EINVAL);
    test_buf_free(&b);
    bx_carbon_totals_free(t);
    bx_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_exact),
        cmocka_unit_test(test_table_exact),
        cmocka_unit_test(test_json_exact),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_json_parses_back),
        cmocka_unit_test(test_cbor_golden),
        cmocka_unit_test(test_cbor_same_content_as_json),
        cmocka_unit_test(test_writer_errors),
        cmocka_unit_test(test_writer_oom),
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_totals_json_exact),
        cmocka_unit_test(test_totals_cbor_same_as_json),
        cmocka_unit_test(test_totals_table_and_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
