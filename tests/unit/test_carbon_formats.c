/*
 * test_carbon_formats.c: shipments, routes and factor sets read from JSON
 * and CBOR give what the same rows give from CSV, and bad JSON/CBOR rows
 * are named by row and field.
 *
 * The JSON and CBOR inputs are made here from the CSV text by a small
 * converter of the test's own (a column's type letter says whether its
 * values travel as text or as numbers), not by the library's writers. The
 * figures checked are hand calculations (see each test).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon.h"
#include "testutil.h"

typedef test_fixture fixture;
#define setup test_fixture_setup
#define teardown test_fixture_teardown

/* ---- the test's own converter -------------------------------------------
 * CSV without quoting; `types` has a letter per column: 's' text, 'n' a
 * number. Empty fields are left out of the object (or map). */

typedef struct out {
    unsigned char b[16384];
    size_t n;
} out;

static void put(out *o, const void *p, size_t n)
{
    assert_true(o->n + n <= sizeof o->b);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

/* CBOR head (RFC 8949 section 3): major type, then the argument. */
static void cbor_head(out *o, unsigned major, uint64_t v)
{
    unsigned char h[9];
    size_t n = 1;
    if (v < 24) {
        h[0] = (unsigned char)(major << 5 | v);
    } else if (v < 0x100) {
        h[0] = (unsigned char)(major << 5 | 24);
        h[n++] = (unsigned char)v;
    } else if (v < 0x10000) {
        h[0] = (unsigned char)(major << 5 | 25);
        h[n++] = (unsigned char)(v >> 8);
        h[n++] = (unsigned char)v;
    } else {
        h[0] = (unsigned char)(major << 5 | 27);
        for (int k = 7; k >= 0; k--)
            h[n++] = (unsigned char)(v >> (8 * k));
    }
    put(o, h, n);
}

static void cbor_text(out *o, const char *s, size_t len)
{
    cbor_head(o, 3, len);
    put(o, s, len);
}

/* A number's text as CBOR: an integer when it has no '.' or exponent, else
 * a double (0xfb and its 8 bytes, big-endian). */
static void cbor_number(out *o, const char *s, size_t len)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)len, s);
    if (strpbrk(buf, ".eE") == NULL) {
        long long v = strtoll(buf, NULL, 10);
        if (v >= 0)
            cbor_head(o, 0, (uint64_t)v);
        else
            cbor_head(o, 1, (uint64_t)(-1 - v));
        return;
    }
    double d = strtod(buf, NULL);
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    unsigned char h[9] = {0xfb};
    for (int k = 0; k < 8; k++)
        h[1 + k] = (unsigned char)(bits >> (8 * (7 - k)));
    put(o, h, sizeof h);
}

#define MAXCOL 20

static size_t split(const char *line, size_t len, const char **start, size_t *flen)
{
    size_t n = 0, at = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || line[i] == ',') {
            assert_true(n < MAXCOL);
            start[n] = line + at;
            flen[n++] = i - at;
            at = i + 1;
        }
    }
    return n;
}

/* csv -> JSON (as_cbor false, NUL-terminated) or CBOR. */
static void convert(const char *csv, const char *types, bool as_cbor, out *o)
{
    const char *name[MAXCOL], *val[MAXCOL];
    size_t nlen[MAXCOL], vlen[MAXCOL];
    o->n = 0;
    const char *p = csv, *eol = strchr(p, '\n');
    size_t ncol = split(p, (size_t)(eol - p), name, nlen);
    assert_int_equal(ncol, strlen(types));
    size_t nrows = 0;
    for (const char *q = eol + 1; *q != '\0'; q = strchr(q, '\n') + 1)
        nrows++;
    if (as_cbor)
        cbor_head(o, 4, nrows);
    else
        put(o, "[", 1);
    for (p = eol + 1; *p != '\0'; p = eol + 1) {
        eol = strchr(p, '\n');
        size_t n = split(p, (size_t)(eol - p), val, vlen);
        assert_int_equal(n, ncol);
        size_t given = 0;
        for (size_t i = 0; i < n; i++)
            given += vlen[i] > 0;
        if (as_cbor)
            cbor_head(o, 5, given);
        else
            put(o, p == strchr(csv, '\n') + 1 ? "\n{" : ",\n{", p == strchr(csv, '\n') + 1 ? 2 : 3);
        bool first = true;
        for (size_t i = 0; i < n; i++) {
            if (vlen[i] == 0)
                continue;
            if (as_cbor) {
                cbor_text(o, name[i], nlen[i]);
                if (types[i] == 'n')
                    cbor_number(o, val[i], vlen[i]);
                else
                    cbor_text(o, val[i], vlen[i]);
                continue;
            }
            if (!first)
                put(o, ",", 1);
            first = false;
            put(o, "\"", 1);
            put(o, name[i], nlen[i]);
            put(o, "\":", 2);
            if (types[i] != 'n')
                put(o, "\"", 1);
            put(o, val[i], vlen[i]);
            if (types[i] != 'n')
                put(o, "\"", 1);
        }
        if (!as_cbor)
            put(o, "}", 1);
    }
    if (!as_cbor)
        put(o, "\n]\n", 4); /* with the NUL */
}

/* ---- shipments ---------------------------------------------------------- */

static const char shipments_csv[] =
    "shipment_id,date,mass_g,items,packaging,route_id,drop_km\n"
    "A1,2025-01-02,1250,2,5#,sh-city,3.5\n"
    "A2,2025-01-03,,,,sh-city,\n"
    "A3,2024-02-29,0,1,corrugated=304;ldpe=17,bj-air,0.125\n"
    "A4,2025-12-31,999999,7,crate-pp,sh-city,12\n";
static const char shipments_types[] = "ssnnssn";

static size_t read_all(fixture *f, const char *name, const void *data, size_t size,
                       bx_shipment *s, size_t max)
{
    bx_shipment_reader *r = NULL;
    assert_int_equal(bx_shipment_reader_open_mem(f->ctx, &r, name, data, size), BX_OK);
    size_t n = 0;
    bx_status st;
    while ((st = bx_shipment_reader_next(r, &s[n])) == BX_OK)
        assert_true(++n < max);
    if (st != BX_END)
        fail_msg("%s: %s", name, bx_ctx_errmsg(f->ctx));
    bx_shipment_reader_close(r);
    return n;
}

static void same_shipment(const bx_shipment *a, const bx_shipment *b)
{
    assert_string_equal(a->shipment_id, b->shipment_id);
    assert_int_equal(a->date, b->date);
    assert_int_equal(a->mass_g, b->mass_g);
    assert_int_equal(a->items, b->items);
    assert_string_equal(a->packaging, b->packaging);
    assert_string_equal(a->route_id, b->route_id);
    assert_true(a->drop_km == b->drop_km);
}

static void test_shipments_every_format(void **state)
{
    fixture *f = *state;
    bx_shipment csv[8], json[8], cbor[8];
    assert_int_equal(read_all(f, "s.csv", shipments_csv, strlen(shipments_csv), csv, 8), 4);
    /* the rows as written above */
    assert_int_equal(csv[0].mass_g, 1250);
    assert_int_equal(csv[0].items, 2);
    assert_true(csv[0].drop_km == 3.5);
    assert_int_equal(csv[1].mass_g, BX_MASS_UNKNOWN);
    assert_int_equal(csv[1].items, 1);
    assert_true(csv[1].drop_km == -1.0);
    assert_int_equal(csv[2].date, 20240229);
    assert_string_equal(csv[2].packaging, "corrugated=304;ldpe=17");
    assert_true(csv[2].drop_km == 0.125);

    static out o;
    convert(shipments_csv, shipments_types, false, &o);
    assert_int_equal(read_all(f, "s.json", o.b, o.n - 1, json, 8), 4);
    convert(shipments_csv, shipments_types, true, &o);
    assert_int_equal(read_all(f, "s.cbor", o.b, o.n, cbor, 8), 4);
    for (size_t i = 0; i < 4; i++) {
        same_shipment(&csv[i], &json[i]);
        same_shipment(&csv[i], &cbor[i]);
    }
    /* CSV rows know their line, JSON ones their line and position, CBOR
     * ones their position */
    assert_int_equal(csv[2].line, 4);
    assert_int_equal(csv[2].record, 0);
    assert_int_equal(json[2].line, 4);
    assert_int_equal(json[2].record, 3);
    assert_int_equal(cbor[2].line, 0);
    assert_int_equal(cbor[2].record, 3);
    assert_int_equal(f->diags.nerrors, 0);

    /* numbers given as text, and the format found from the bytes alone */
    static const char text_numbers[] =
        "[{\"shipment_id\":\"A1\",\"date\":\"2025-01-02\",\"mass_g\":\"1250\","
        "\"items\":\"2\",\"packaging\":\"5#\",\"route_id\":\"sh-city\",\"drop_km\":\"3.5\"}]";
    assert_int_equal(read_all(f, "request", text_numbers, strlen(text_numbers), json, 8), 1);
    same_shipment(&csv[0], &json[0]);
}

/* Each bad JSON or CBOR shipment is reported by row and field, skipped,
 * and the reading goes on. */
static void test_bad_shipments_named(void **state)
{
    fixture *f = *state;
    static const char json[] =
        "[{\"shipment_id\":\"B1\",\"date\":\"2025-01-01\",\"route_id\":\"r\"},\n"
        " {\"shipment_id\":\"B2\",\"date\":\"2025-02-30\",\"route_id\":\"r\"},\n"
        " {\"shipment_id\":\"B3\",\"date\":\"2025-01-01\"},\n"
        " {\"shipment_id\":\"B4\",\"date\":\"2025-01-01\",\"route_id\":\"r\",\"items\":true},\n"
        " {\"shipment_id\":\"B5\",\"date\":\"2025-01-01\",\"route_id\":\"r\",\"mass_g\":1.5},\n"
        " {\"shipment_id\":\"B6\",\"date\":\"2025-01-01\",\"route_id\":\"r\",\"colour\":\"red\"}]\n";
    static const struct {
        const char *message;
        uint64_t record;
        const char *field;
    } want[] = {
        {"s.json:2:2: field 'date': expected a date YYYY-MM-DD", 2, "date"},
        {"s.json:3:2: field 'route_id': required field is missing", 3, "route_id"},
        {"s.json:4:2: field 'items': expected text or a number, got a boolean", 4, "items"},
        {"s.json:5:2: field 'mass_g': expected a whole number (no fraction or exponent)", 5,
         "mass_g"},
    };
    bx_shipment_reader *r = NULL;
    assert_int_equal(bx_shipment_reader_open_mem(f->ctx, &r, "s.json", json, strlen(json)),
                     BX_OK);
    bx_shipment s;
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_OK);
    assert_string_equal(s.shipment_id, "B1");
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(bx_shipment_reader_next(r, &s), BX_EINPUT);
        assert_string_equal(bx_ctx_errmsg(f->ctx), want[i].message);
        bx_location at = bx_ctx_errloc(f->ctx);
        assert_int_equal(at.record, want[i].record);
        assert_string_equal(at.field, want[i].field);
    }
    /* an unknown key is warned about, the shipment read */
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_OK);
    assert_string_equal(s.shipment_id, "B6");
    assert_non_null(strstr(f->diags.all, "field 'colour': unknown field ignored"));
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_END);
    assert_int_equal(bx_shipment_reader_rows(r), 6);
    assert_int_equal(bx_shipment_reader_bad_rows(r), 4);
    bx_shipment_reader_close(r);

    /* CBOR: the record number and the byte where the value starts */
    static out o;
    static const char bad[] = "shipment_id,date,mass_g,route_id\n"
                              "C1,2025-01-01,5,r\n"
                              "C2,2025-01-01,-5,r\n";
    convert(bad, "ssns", true, &o);
    assert_int_equal(bx_shipment_reader_open_mem(f->ctx, &r, "s.cbor", o.b, o.n), BX_OK);
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_OK);
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_EINPUT);
    /* 1 array head, then record 1: map head 1, "shipment_id" 12, "C1" 3,
     * "date" 5, "2025-01-01" 11, "mass_g" 7, 5 1, "route_id" 9, "r" 2 = 51;
     * record 2 from byte 52: map head, 12 + 3 + 5 + 11 + 7 bytes of keys and
     * values, so -5 (0x24) is at byte 52 + 1 + 38 = 91 */
    assert_string_equal(bx_ctx_errmsg(f->ctx),
                        "s.cbor: record 2 (byte 91): field 'mass_g': value below the "
                        "allowed minimum");
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_END);
    bx_shipment_reader_close(r);
}

/* A file's format from its extension; the column list through the API. */
static void test_shipment_file_and_columns(void **state)
{
    fixture *f = *state;
    static out o;
    convert(shipments_csv, shipments_types, false, &o);
    const char *path = "test_carbon_formats.json"; /* in the test's directory */
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(o.b, 1, o.n - 1, fp), o.n - 1);
    fclose(fp);
    bx_shipment_reader *r = NULL;
    assert_int_equal(bx_shipment_reader_open(f->ctx, &r, path), BX_OK);
    bx_shipment s;
    size_t n = 0;
    while (bx_shipment_reader_next(r, &s) == BX_OK)
        n++;
    assert_int_equal(n, 4);
    bx_shipment_reader_close(r);
    remove(path);

    static const char *const want[] = {"shipment_id", "date", "mass_g", "items",
                                       "packaging", "route_id", "drop_km"};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(bx_shipment_column(i), want[i]);
    assert_null(bx_shipment_column(7));
    assert_string_equal(bx_route_column(0), "route_id");
    assert_string_equal(bx_route_column(15), "note");
    assert_string_equal(bx_route_column(16), "grid");
    assert_string_equal(bx_route_column(17), "temp");
    assert_string_equal(bx_route_column(18), "distance_type");
    assert_string_equal(bx_route_column(19), "load_factor");
    assert_string_equal(bx_route_column(20), "empty_running");
    assert_string_equal(bx_route_column(21), "round");
    assert_null(bx_route_column(22));
    assert_string_equal(bx_round_column(0), "round_id");
    assert_string_equal(bx_round_column(4), "items");
    assert_null(bx_round_column(5));
    assert_string_equal(bx_factor_column(0), "kind");
    assert_string_equal(bx_factor_column(15), "note");
    assert_string_equal(bx_factor_column(16), "min_km");
    assert_string_equal(bx_factor_column(17), "max_km");
    assert_string_equal(bx_factor_column(18), "t_per_teu");
    assert_string_equal(bx_factor_column(19), "temp_uplift");
    assert_string_equal(bx_factor_column(20), "load_factor");
    assert_string_equal(bx_factor_column(21), "empty_running");
    assert_string_equal(bx_factor_column(22), "empty_energy");
    assert_string_equal(bx_factor_column(23), "refrigerant");
    assert_string_equal(bx_factor_column(24), "refrigerant_kg_per_tkm");
    assert_null(bx_factor_column(25));
}

/* ---- routes and factor sets --------------------------------------------- */

/* Rows of test_carbon_glec.c's example: the figures are its hand
 * calculations. */
static const char factors_csv[] =
    "kind,id,mode,unit,wtt,ttw,wtw,quality,confirmed,basis,source,version\n"
    "set,formats,,,,,,,,co2e-ar6,hand example,1\n"
    "fuel,diesel-eu,,kg/l,,2.63,3.43,default,yes,,GLEC v3.0 M1,3.0\n"
    "toc,artic-40t,road,g/tkm,22,73,95,default,yes,,GLEC v3.0,3.0\n"
    "material,corrugated,,kg/kg,,,0.491,default,no,,FEFCO 2021,2021\n";
static const char factors_types[] = "ssssnnnssssn";

static const char routes_csv[] =
    "route_id,element,category,distance_km,daf,energy_id,energy_amount,run_tkm\n"
    "linehaul,leg,artic-40t,1200,none,,,\n"
    "linehaul-daf,leg,artic-40t,1200,road,,,\n"
    "fuel-tkm,leg,artic-40t,500,,diesel-eu,100,8000\n";
static const char routes_types[] = "sssnssnn";

static bx_carbon_result compute(fixture *f, bx_carbon *c, const char *route,
                                const char *packaging)
{
    bx_shipment s;
    bx_shipment_init(&s);
    strcpy(s.shipment_id, "S1");
    strcpy(s.route_id, route);
    strcpy(s.packaging, packaging);
    s.date = 20250314;
    s.mass_g = 2000;
    bx_carbon_result r;
    assert_int_equal(bx_carbon_compute(c, &s, &r), BX_OK);
    (void)f;
    return r;
}

static void test_figures_every_format(void **state)
{
    fixture *f = *state;
    static const char *const names[3][2] = {
        {"f.csv", "r.csv"}, {"f.json", "r.json"}, {"f.cbor", "r.cbor"}};
    static out fo, ro;
    for (int fmt = 0; fmt < 3; fmt++) {
        const void *fd = factors_csv, *rd = routes_csv;
        size_t fn = strlen(factors_csv), rn = strlen(routes_csv);
        if (fmt > 0) {
            convert(factors_csv, factors_types, fmt == 2, &fo);
            convert(routes_csv, routes_types, fmt == 2, &ro);
            fd = fo.b;
            rd = ro.b;
            fn = fo.n - (fmt == 1);
            rn = ro.n - (fmt == 1);
        }
        bx_factor_set *fs = NULL;
        bx_routes *rs = NULL;
        bx_carbon *c = NULL;
        assert_int_equal(bx_factor_set_read_mem(f->ctx, &fs, names[fmt][0], fd, fn), BX_OK);
        assert_int_equal(bx_factor_set_count(fs), 3);
        assert_int_equal(bx_routes_read_mem(f->ctx, &rs, names[fmt][1], rd, rn), BX_OK);
        assert_int_equal(bx_routes_count(rs), 3);
        assert_int_equal(bx_routes_invalid(rs), 0);
        assert_int_equal(bx_carbon_new(f->ctx, &c, fs, rs, NULL), BX_OK);
        /* 2 kg x 1200 km = 2.4 tkm: WTT 22 x 2.4 = 52.8 g, TTW 73 x 2.4 =
         * 175.2 g, WTW 95 x 2.4 = 228 g */
        bx_carbon_result r = compute(f, c, "linehaul", "");
        assert_int_equal(r.transport.wtt_mg, 52800);
        assert_int_equal(r.transport.ttw_mg, 175200);
        assert_int_equal(r.transport.wtw_mg, 228000);
        /* the road DAF, 1.05: 228 x 1.05 = 239.4 g */
        r = compute(f, c, "linehaul-daf", "");
        assert_int_equal(r.transport.wtw_mg, 239400);
        /* 100 l for 8000 tkm, 1 tkm of it: 343 kg / 8000 = 42.875 g WTW,
         * 263 kg / 8000 = 32.875 g TTW */
        r = compute(f, c, "fuel-tkm", "");
        assert_int_equal(r.transport.wtw_mg, 42875);
        assert_int_equal(r.transport.ttw_mg, 32875);
        /* 304 g of corrugated x 0.491 = 149.264 g */
        r = compute(f, c, "linehaul", "corrugated=304");
        assert_int_equal(r.packaging_mg, 149264);
        if (fmt == 2) {
            /* the calculator names a CBOR shipment by its record */
            bx_shipment s;
            bx_shipment_init(&s);
            strcpy(s.shipment_id, "S2");
            strcpy(s.route_id, "nowhere");
            s.date = 20250314;
            s.mass_g = 2000;
            s.source = "s.cbor";
            s.record = 2;
            bx_carbon_result res;
            assert_int_equal(bx_carbon_compute(c, &s, &res), BX_EINPUT);
            assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "s.cbor: record 2: field 'route_id': "));
            f->diags.nerrors--;
        }
        bx_carbon_free(c);
        bx_routes_free(rs);
        bx_factor_set_free(fs);
    }
    assert_int_equal(f->diags.nerrors, 0);
}

/* A bad route row in JSON: named by its record and field, its route
 * invalid, the others read. */
static void test_bad_route_named(void **state)
{
    fixture *f = *state;
    static const char json[] =
        "[{\"route_id\":\"a\",\"element\":\"leg\",\"category\":\"artic-40t\","
        "\"distance_km\":-5},\n"
        " {\"route_id\":\"b\",\"element\":\"leg\",\"category\":\"artic-40t\","
        "\"distance_km\":10}]\n";
    bx_routes *rs = NULL;
    assert_int_equal(bx_routes_read_mem(f->ctx, &rs, "r.json", json, strlen(json)), BX_OK);
    assert_int_equal(bx_routes_invalid(rs), 1);
    assert_false(bx_routes_find(rs, "a")->valid);
    assert_true(bx_routes_find(rs, "b")->valid);
    assert_non_null(strstr(f->diags.all, "r.json:1:2: field 'distance_km': -5 must be between"));
    bx_routes_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shipments_every_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_shipments_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipment_file_and_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_figures_every_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_route_named, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
