/*
 * test_carbon_routes.c: route files: TCEs, great-circle distances, distance
 * adjustment factors, and line-numbered errors that leave the other routes
 * usable.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon.h"
#include "testutil.h"

#define PI 3.14159265358979323846

#define HEAD                                                                        \
    "route_id,element,category,distance_km,from_lat,from_lon,to_lat,to_lon,daf,alloc," \
    "energy_id,energy_amount,run_tkm,run_t,run_items,note\n"

typedef test_fixture fixture;
#define setup test_fixture_setup
#define teardown test_fixture_teardown

static bx_routes *load(fixture *f, const char *text)
{
    bx_routes *rs = NULL;
    assert_int_equal(bx_routes_read_mem(f->ctx, &rs, "r.csv", text, strlen(text)), BX_OK);
    return rs;
}

/* Hand values on the 6371 km sphere: 1 degree of the equator is
 * 2 pi 6371 / 360 = 111.194927 km; pole to equator is pi/2 x 6371 =
 * 10007.543 km. Shanghai Pudong (31.1443 N, 121.8083 E) to Beijing Capital
 * (40.0801 N, 116.5846 E) checked against the spherical law of cosines. */
static void test_great_circle(void **state)
{
    (void)state;
    assert_true(fabs(bx_great_circle_km(0, 0, 0, 1) - 111.194927) < 1e-6);
    assert_true(fabs(bx_great_circle_km(0, 0, 90, 0) - 10007.543398) < 1e-6);
    assert_true(bx_great_circle_km(31.2, 121.5, 31.2, 121.5) == 0);
    double p1 = 31.1443 * PI / 180, l1 = 121.8083 * PI / 180;
    double p2 = 40.0801 * PI / 180, l2 = 116.5846 * PI / 180;
    double cosines = 6371.0 * acos(sin(p1) * sin(p2) + cos(p1) * cos(p2) * cos(l2 - l1));
    double h = bx_great_circle_km(31.1443, 121.8083, 40.0801, 116.5846);
    assert_true(fabs(h - cosines) < 1e-6);
    assert_true(h > 1090 && h < 1110); /* about 1100 km */
    /* symmetric, and across the antimeridian */
    assert_true(fabs(bx_great_circle_km(0, 179.5, 0, -179.5) - 111.194927) < 1e-6);
}

static void test_tces_and_daf(void **state)
{
    fixture *f = *state;
    bx_routes *rs = load(f, HEAD
                         "chain,hub,sort,,,,,,,,,,,,,\n"
                         "chain,leg,air,1000,,,,,,,,,,,,\n"
                         "chain,leg,road,,0,0,0,1,,,,,,,,from coordinates\n"
                         "chain,leg,road,50,,,,,,,,,,,,\n"
                         "chain,leg,road,50,,,,,1.2,,,,,,,\n"
                         "chain,leg,air,1000,,,,,none,,,,,,,flown distance\n"
                         "chain,hub,sort,,,,,,,,grid,120,,3.5,,\n"
                         "other,leg,van,,,,,,,direct,diesel,7.3,0.36,,,\n");
    assert_int_equal(bx_routes_count(rs), 2);
    assert_int_equal(bx_routes_invalid(rs), 0);
    const bx_route *r = bx_routes_find(rs, "chain");
    assert_non_null(r);
    assert_int_equal(r->ntces, 7);
    assert_int_equal(r->line, 2);
    assert_int_equal(r->tces[0].kind, BX_TCE_HUB);
    double k;
    /* air: GCD + 95 km */
    assert_true(bx_tce_adjusted_km(&r->tces[1], BX_MODE_AIR, &k) == 1095);
    assert_true(fabs(k - 1.095) < 1e-12);
    /* road from coordinates: the bare great circle (the 1.05 is GLEC
     * Module 5's groupage correction, not a road DAF; the calculator warns) */
    assert_true(r->tces[2].from_coordinates);
    assert_true(fabs(bx_tce_adjusted_km(&r->tces[2], BX_MODE_ROAD, NULL) - 111.194927) <
                1e-5);
    /* road with a given distance: none; a given factor: applied */
    assert_true(bx_tce_adjusted_km(&r->tces[3], BX_MODE_ROAD, NULL) == 50);
    assert_true(fabs(bx_tce_adjusted_km(&r->tces[4], BX_MODE_ROAD, NULL) - 60) < 1e-12);
    assert_true(bx_tce_adjusted_km(&r->tces[5], BX_MODE_AIR, NULL) == 1000);
    /* the same leg read as road or rail gets no air uplift */
    assert_true(bx_tce_adjusted_km(&r->tces[1], BX_MODE_RAIL, NULL) == 1000);
    const bx_tce *h = &r->tces[6];
    assert_true(h->has_energy);
    assert_string_equal(h->energy_id, "grid");
    assert_int_equal(h->alloc, BX_ALLOC_TONNE); /* from run_t */
    const bx_tce *o = &bx_routes_find(rs, "other")->tces[0];
    assert_int_equal(o->alloc, BX_ALLOC_DIRECT);
    assert_true(o->run_tkm == 0.36);
    assert_null(bx_routes_find(rs, "nope"));
    bx_routes_free(rs);
}

/* Each bad row: the message names line and field; its route is invalid,
 * the others load. */
static void test_bad_rows(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *row;
        const char *where;
    } cases[] = {
        {"x,leg,road,-5,,,,,,,,,,,,\n", "r.csv:3:4: field 'distance_km': -5 must be between"},
        {"x,leg,road,,,,,,,,,,,,,\n", "r.csv:3:4: field 'distance_km': a leg needs distance_km"},
        {"x,leg,road,0,,,,,,,,,,,,\n", "field 'distance_km': distance must be more than 0"},
        {"x,leg,road,10,1,2,3,4,,,,,,,,\n", "field 'from_lat': give distance_km or coordinates"},
        {"x,leg,road,,1,2,3,,,,,,,,,\n", "r.csv:3:8: field 'to_lon': coordinates need all"},
        {"x,leg,road,,91,2,3,4,,,,,,,,\n", "field 'from_lat': 91 must be between -90 and 90"},
        {"x,leg,road,,1,2,1,2,,,,,,,,\n", "from and to are the same point"},
        {"x,ship,road,10,,,,,,,,,,,,\n", "r.csv:3:2: field 'element'"},
        {"x,,,,,,,,,,,,,,,\n", "field 'element': route has no transport chain element"},
        {"x,leg,,10,,,,,,,,,,,,\n", "field 'category': required field is empty"},
        {"x,hub,sort,10,,,,,,,,,,,,\n", "field 'distance_km': a hub has no distance"},
        {"x,hub,sort,,,,,,air,,,,,,,\n", "field 'daf': a hub has no distance adjustment"},
        {"x,leg,road,10,,,,,0.5,,,,,,,\n", "field 'daf': expected auto, none, air, road"},
        {"x,leg,road,10,,,,,,t,,,,,,\n", "field 'alloc': a leg allocates by tkm, direct or item"},
        {"x,leg,road,,,,,,,direct,,,,,,\n", "field 'alloc': direct allocation needs the run's energy"},
        {"x,leg,road,,,,,,,item,d,7.3,,,,\n", "field 'run_items': item allocation needs run_items"},
        {"x,leg,road,10,,,,,,,d,,,,,\n", "field 'energy_amount': energy_id and energy_amount go together"},
        {"x,leg,road,10,,,,,,,d,5,,,,\n", "field 'run_tkm': tkm allocation needs the run's tkm"},
        {"x,leg,road,10,,,,,,,,,100,,,\n", "field 'run_tkm': the run's activity is only used with"},
        {"x,hub,sort,,,,,,,,d,5,,,,\n", "field 'run_t': a hub's energy is shared by tonnes"},
        {"x,hub,sort,,,,,,,tkm,,,,,,\n", "field 'alloc': a hub allocates by t or item"},
        {"x,leg,road,10,,,,,,,d,-1,5,,,\n", "field 'energy_amount': -1 must be between"},
        {"x,leg,road,10,,,,,,,,,,,0,\n", "field 'run_items': value below the allowed minimum"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, HEAD "good,leg,road,10,,,,,,,,,,,,\n%sy,leg,road,5,,,,,,,,,,,,\n",
                 cases[i].row);
        f->diags.nerrors = 0;
        f->diags.all[0] = '\0';
        bx_routes *rs = load(f, text);
        if (strstr(f->diags.all, cases[i].where) == NULL)
            fail_msg("case %zu: expected '%s' in:\n%s", i, cases[i].where, f->diags.all);
        assert_int_equal(f->diags.nerrors, 1);
        assert_int_equal(bx_routes_invalid(rs), 1);
        assert_false(bx_routes_find(rs, "x")->valid);
        assert_true(bx_routes_find(rs, "good")->valid);
        assert_true(bx_routes_find(rs, "y")->valid);
        bx_routes_free(rs);
    }
}

static void test_route_not_adjacent(void **state)
{
    fixture *f = *state;
    bx_routes *rs = load(f, HEAD "a,leg,road,10,,,,,,,,,,,,\n"
                                 "b,leg,road,10,,,,,,,,,,,,\n"
                                 "a,hub,sort,,,,,,,,,,,,,\n");
    assert_non_null(strstr(f->diags.last, "r.csv:4:1: field 'route_id': route 'a' appears "
                                          "again: the rows of a route must be adjacent "
                                          "(it starts at line 2)"));
    assert_false(bx_routes_find(rs, "a")->valid);
    assert_true(bx_routes_find(rs, "b")->valid);
    bx_routes_free(rs);
}

/* Found by fuzzing: a file whose every row is bad has no TCE at all. Its
 * routes are invalid, with no TCE to point at (and no pointer arithmetic
 * on the absent array, which the sanitizer build would report). */
static void test_no_good_row(void **state)
{
    fixture *f = *state;
    bx_routes *rs = load(f, HEAD "r1,leg,truck,-5\n"
                                 "r2,hub,\n");
    assert_int_equal(bx_routes_count(rs), 2);
    assert_int_equal(bx_routes_invalid(rs), 2);
    for (size_t i = 0; i < 2; i++) {
        const bx_route *r = bx_routes_at(rs, i);
        assert_false(r->valid);
        assert_int_equal(r->ntces, 0);
        assert_null(r->tces);
    }
    assert_int_equal(f->diags.nerrors, 2);
    bx_routes_free(rs);
    /* beside a good route, too */
    rs = load(f, HEAD "r0,leg,truck,5\n"
                      "r1,leg,truck,-5\n");
    assert_int_equal(bx_routes_at(rs, 0)->ntces, 1);
    assert_non_null(bx_routes_at(rs, 0)->tces);
    assert_null(bx_routes_at(rs, 1)->tces);
    bx_routes_free(rs);
}

static void test_file_errors(void **state)
{
    fixture *f = *state;
    bx_routes *rs = NULL;
    assert_int_equal(bx_routes_read_mem(f->ctx, &rs, "r.csv", "route_id,category\n", 18),
                     BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "r.csv:1: missing required column: element"));
    assert_null(rs);
    assert_int_equal(bx_routes_load(f->ctx, &rs, "/nonexistent/routes.csv"), BX_ENOTFOUND);
    /* a malformed CSV record invalidates the route it sits in */
    rs = load(f, HEAD "a,leg,road,10,,,,,,,,,,,,\n"
                      "a,leg,ro\"ad,10,,,,,,,,,,,,\n"
                      "b,leg,road,10,,,,,,,,,,,,\n");
    assert_false(bx_routes_find(rs, "a")->valid);
    assert_true(bx_routes_find(rs, "b")->valid);
    bx_routes_free(rs);
}

/* The sample routes load and each is valid. */
static void test_sample_routes(void **state)
{
    fixture *f = *state;
    bx_routes *rs = NULL;
    assert_int_equal(bx_routes_load(f->ctx, &rs, BOXCAR_SAMPLES "/routes/cn-routes.csv"),
                     BX_OK);
    assert_int_equal(bx_routes_invalid(rs), 0);
    assert_true(bx_routes_count(rs) >= 4);
    bx_factor_set *fs;
    assert_int_equal(bx_factor_set_load(f->ctx, &fs, BOXCAR_SAMPLES "/factors/cn-2023.csv"),
                     BX_OK);
    bx_carbon *c;
    assert_int_equal(bx_carbon_new(f->ctx, &c, fs, rs, NULL), BX_OK);
    assert_int_equal(bx_carbon_bad_routes(c), 0);
    bx_carbon_free(c);
    bx_factor_set_free(fs);
    bx_routes_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_great_circle),
        cmocka_unit_test_setup_teardown(test_tces_and_daf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_not_adjacent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_good_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sample_routes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
