/*
 * test_carbon_shipments.c: the shipment reader: fields, defaults, bad rows
 * reported and skipped, constant memory on long input, dates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/shipments.h"
#include "testutil.h"

typedef test_fixture fixture;
#define setup test_fixture_setup
#define teardown test_fixture_teardown

static void test_dates(void **state)
{
    (void)state;
    int32_t d;
    assert_true(bx_date_parse("2025-03-14", 10, &d));
    assert_int_equal(d, 20250314);
    assert_true(bx_date_parse("2024-02-29", 10, &d)); /* leap year */
    assert_false(bx_date_parse("2025-02-29", 10, &d));
    assert_true(bx_date_parse("2000-02-29", 10, &d)); /* divisible by 400 */
    assert_false(bx_date_parse("1900-02-29", 10, &d)); /* by 100, not 400 */
    assert_false(bx_date_parse("2025-04-31", 10, &d));
    assert_false(bx_date_parse("2025-13-01", 10, &d));
    assert_false(bx_date_parse("2025-00-10", 10, &d));
    assert_false(bx_date_parse("2025-1-10", 9, &d));
    assert_false(bx_date_parse("2025/01/10", 10, &d));
    assert_false(bx_date_parse("1899-12-31", 10, &d));
    assert_false(bx_date_parse("2025-01-1x", 10, &d));
}

static void test_rows(void **state)
{
    fixture *f = *state;
    static const char text[] =
        "shipment_id,date,mass_g,items,packaging,route_id,drop_km,colour\n"
        "A1,2025-01-02,1250,2,5#,sh-city,3.5,red\n"
        "A2,2025-01-03,,,,sh-city,,\n"
        "A3,2025-01-03,800,1,\"corrugated=304;ldpe=17\",can-pek,,\n";
    bx_shipment_reader *r;
    assert_int_equal(bx_shipment_reader_open_mem(f->ctx, &r, "s.csv", text, strlen(text)),
                     BX_OK);
    /* the unknown column: one warning at the header */
    assert_int_equal(f->diags.nwarnings, 1);
    assert_non_null(strstr(f->diags.last, "s.csv:1:8: field 'colour': unknown column"));
    bx_shipment s;
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_OK);
    assert_string_equal(s.shipment_id, "A1");
    assert_int_equal(s.date, 20250102);
    assert_int_equal(s.mass_g, 1250);
    assert_int_equal(s.items, 2);
    assert_string_equal(s.packaging, "5#");
    assert_string_equal(s.route_id, "sh-city");
    assert_true(s.drop_km == 3.5);
    assert_int_equal(s.line, 2);
    assert_string_equal(s.source, "s.csv");
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_OK);
    assert_int_equal(s.mass_g, BX_MASS_UNKNOWN);
    assert_int_equal(s.items, 1);
    assert_string_equal(s.packaging, "");
    assert_true(s.drop_km < 0);
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_OK);
    assert_string_equal(s.packaging, "corrugated=304;ldpe=17");
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_END);
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_END);
    assert_int_equal(bx_shipment_reader_rows(r), 3);
    assert_int_equal(bx_shipment_reader_bad_rows(r), 0);
    bx_shipment_reader_close(r);
}

/* Bad rows: each reported at its line and field, skipped, and the reader
 * goes on with the next row. */
static void test_bad_rows(void **state)
{
    fixture *f = *state;
    static const char text[] =
        "shipment_id,date,mass_g,items,packaging,route_id,drop_km\n"
        "B1,2025-02-30,100,1,,r,\n"
        "B2,2025-02-01,-5,1,,r,\n"
        "B3,2025-02-01,100,0,,r,\n"
        "B4,2025-02-01,100,1,,,\n"
        "B5,2025-02-01,100,1,,r,-1\n"
        "B6,2025-02-01,12.5,1,,r,\n"
        "B7,2025-02-01,100,1,,r,\"unterminated\n";
    static const char *const where[] = {
        "s.csv:2:2: field 'date': expected a date YYYY-MM-DD",
        "s.csv:3:3: field 'mass_g': value below the allowed minimum",
        "s.csv:4:4: field 'items': value below the allowed minimum",
        "s.csv:5:6: field 'route_id': required field is empty",
        "s.csv:6:7: field 'drop_km': -1 must be between 0 and 20000",
        "s.csv:7:3: field 'mass_g': expected a whole number",
        "s.csv:8:7",
    };
    bx_shipment_reader *r;
    assert_int_equal(bx_shipment_reader_open_mem(f->ctx, &r, "s.csv", text, strlen(text)),
                     BX_OK);
    bx_shipment s;
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        f->diags.last[0] = '\0';
        assert_int_equal(bx_shipment_reader_next(r, &s), BX_EINPUT);
        if (strstr(f->diags.last, where[i]) == NULL)
            fail_msg("row %zu: expected '%s', got '%s'", i, where[i], f->diags.last);
    }
    assert_int_equal(bx_shipment_reader_next(r, &s), BX_END);
    assert_int_equal(bx_shipment_reader_bad_rows(r), 7);
    bx_shipment_reader_close(r);
}

static void test_header_errors(void **state)
{
    fixture *f = *state;
    bx_shipment_reader *r = NULL;
    static const char no_route[] = "shipment_id,date,mass_g\nA,2025-01-01,5\n";
    assert_int_equal(bx_shipment_reader_open_mem(f->ctx, &r, "s.csv", no_route,
                                                 strlen(no_route)),
                     BX_EINPUT);
    assert_null(r);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "s.csv:1: missing required column: "
                                                  "route_id"));
    assert_int_equal(bx_shipment_reader_open(f->ctx, &r, "/nonexistent/s.csv"), BX_ENOTFOUND);
    assert_int_equal(bx_shipment_reader_open_mem(f->ctx, &r, "s.csv", "", 0), BX_EINPUT);
}

/* A 200,000-row file: the reader's peak memory after all of it is what it
 * was after 1,000 rows. */
typedef struct gen {
    long row, rows;
    char pending[128];
    size_t len, pos;
} gen;

static long gen_read(void *ud, void *buf, size_t size)
{
    gen *g = ud;
    size_t out = 0;
    while (out < size) {
        if (g->pos == g->len) {
            if (g->row > g->rows)
                break;
            if (g->row == 0)
                g->len = (size_t)snprintf(g->pending, sizeof g->pending,
                                          "shipment_id,date,mass_g,items,packaging,route_id\n");
            else
                g->len = (size_t)snprintf(g->pending, sizeof g->pending,
                                          "S%08ld,2025-%02ld-%02ld,%ld,%ld,5#,route-%ld\n",
                                          g->row, 1 + g->row % 12, 1 + g->row % 28,
                                          100 + g->row % 5000, 1 + g->row % 4, g->row % 9);
            g->pos = 0;
            g->row++;
        }
        size_t n = g->len - g->pos < size - out ? g->len - g->pos : size - out;
        memcpy((char *)buf + out, g->pending + g->pos, n);
        g->pos += n;
        out += n;
    }
    return (long)out;
}

static void test_constant_memory(void **state)
{
    fixture *f = *state;
    gen g = {0, 200000, "", 0, 0};
    FILE *fp = tmpfile();
    assert_non_null(fp);
    char buf[4096];
    long n;
    while ((n = gen_read(&g, buf, sizeof buf)) > 0)
        assert_int_equal(fwrite(buf, 1, (size_t)n, fp), (size_t)n);
    rewind(fp);
    bx_shipment_reader *r;
    assert_int_equal(bx_shipment_reader_open_file(f->ctx, &r, "gen.csv", fp), BX_OK);
    bx_shipment s;
    size_t at_1000 = 0;
    long count = 0;
    bx_status st;
    while ((st = bx_shipment_reader_next(r, &s)) == BX_OK) {
        if (++count == 1000)
            at_1000 = f->ta.peak_bytes;
    }
    assert_int_equal(st, BX_END);
    assert_int_equal(count, 200000);
    assert_int_equal(f->ta.peak_bytes, at_1000);
    bx_shipment_reader_close(r);
    fclose(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constant_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
