/*
 * test_carbon_oom.c: every allocation of the carbon pipeline may fail: the
 * call reports BX_ENOMEM, nothing leaks, and the run that finally gets all
 * its memory gives the same answer as an unconstrained one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon_totals.h"
#include "boxcar/config.h"
#include "testutil.h"

static const char factors[] =
    "kind,id,mode,unit,wtt,ttw,wtw,energy,ref,gsd,quality,confirmed,basis,source,"
    "version,note\n"
    "set,oom,,,,,,,,,,,co2e-ar6,test,1,\n"
    "toc,artic,road,g/tkm,22,73,95,,,,default,yes,,GLEC,3.0,\n"
    "toc,evan,road,kwh/tkm,,,,1.1,grid,,default,yes,,GLEC,3.0,\n"
    "hoc,hub,,kg/t,,,0.6,,,,default,yes,,GLEC,3.0,\n"
    "fuel,grid,,kg/kwh,,0,0.5306,,,,default,yes,co2,MEE,2023,\n"
    "fuel,diesel,,kg/l,,2.63,3.43,,,,default,yes,,GLEC,3.0,\n"
    "material,corrugated,,kg/kg,,,0.491,,,,default,no,,FEFCO,2021,\n"
    "material,pp,,kg/kg,,,2.58,,,,default,no,,DEFRA,new,\n";

/* Route c's road leg from coordinates is warned about (a kept message:
 * one more allocation that may fail). */
static const char routes[] =
    "route_id,element,category,distance_km,alloc,energy_id,energy_amount,run_tkm,"
    "from_lat,from_lon,to_lat,to_lon\n"
    "a,hub,hub,,,,,,,,,\n"
    "a,leg,artic,1000,,,,,,,,\n"
    "b,leg,evan,,direct,grid,28,1.8,,,,\n"
    "ret,leg,evan,25,,,,,,,,\n"
    "c,leg,artic,,,,,,31.2304,121.4737,39.9042,116.4074\n";

static const char containers[] = "container_id,material,mass_g,wash_kwh,wash_energy,trips,"
                                 "return_route,replaces\n"
                                 "crate,pp,1500,0.05,grid,50,ret,corrugated=300\n";

static const char shipments[] = "shipment_id,date,mass_g,items,packaging,route_id,drop_km\n"
                                "1,2025-01-05,1200,1,corrugated=154,a,\n"
                                "2,2025-02-05,800,1,crate,b,4.5\n"
                                "3,2025-02-06,300,2,pp=20;corrugated=100,a,\n"
                                "4,2025-03-01,300,2,,zzz,\n";

/* The same shipments as JSON (numbers as numbers, empty fields left out). */
static const char shipments_json[] =
    "[{\"shipment_id\":\"1\",\"date\":\"2025-01-05\",\"mass_g\":1200,\"items\":1,"
    "\"packaging\":\"corrugated=154\",\"route_id\":\"a\"},\n"
    " {\"shipment_id\":\"2\",\"date\":\"2025-02-05\",\"mass_g\":800,\"items\":1,"
    "\"packaging\":\"crate\",\"route_id\":\"b\",\"drop_km\":4.5},\n"
    " {\"shipment_id\":\"3\",\"date\":\"2025-02-06\",\"mass_g\":300,\"items\":2,"
    "\"packaging\":\"pp=20;corrugated=100\",\"route_id\":\"a\"},\n"
    " {\"shipment_id\":\"4\",\"date\":\"2025-03-01\",\"mass_g\":300,\"items\":2,"
    "\"route_id\":\"zzz\"}]\n";

/* One pass of the whole pipeline over the shipments `name` holding `text`;
 * the totals CSV on success. */
static bx_status pipeline(bx_ctx *ctx, char **csv, const char *name, const char *text)
{
    bx_factor_set *fs = NULL;
    bx_routes *rs = NULL;
    bx_containers *cs = NULL;
    bx_carbon *calc = NULL;
    bx_shipment_reader *r = NULL;
    bx_carbon_totals *t = NULL, *t2 = NULL;
    test_buf out = {NULL, 0, 0, -1};
    bx_status st;
    *csv = NULL;
    if ((st = bx_factor_set_read_mem(ctx, &fs, "f.csv", factors, strlen(factors))) != BX_OK ||
        (st = bx_routes_read_mem(ctx, &rs, "r.csv", routes, strlen(routes))) != BX_OK ||
        (st = bx_containers_read_mem(ctx, &cs, "c.csv", containers, strlen(containers))) !=
            BX_OK)
        goto done;
    bx_carbon_options opt;
    bx_carbon_options_init(&opt);
    opt.containers = cs;
    if ((st = bx_carbon_new(ctx, &calc, fs, rs, &opt)) != BX_OK ||
        (st = bx_carbon_totals_new(ctx, &t, "oom", "1")) != BX_OK ||
        (st = bx_shipment_reader_open_mem(ctx, &r, name, text, strlen(text))) != BX_OK)
        goto done;
    bx_shipment s;
    while ((st = bx_shipment_reader_next(r, &s)) != BX_END) {
        if (st != BX_OK)
            goto done;
        bx_carbon_result res;
        st = bx_carbon_compute(calc, &s, &res);
        if (st == BX_EINPUT) {
            bx_carbon_totals_exclude(t, 1);
            continue;
        }
        if (st != BX_OK || (st = bx_carbon_totals_add(t, &s, &res)) != BX_OK)
            goto done;
    }
    if ((st = bx_carbon_totals_write(t, test_buf_write, &out)) != BX_OK ||
        (st = bx_carbon_totals_new(ctx, &t2, "", "")) != BX_OK ||
        (st = bx_carbon_totals_read_mem(t2, "t.csv", out.data, out.len)) != BX_OK)
        goto done;
    test_buf_free(&out);
    st = bx_carbon_totals_write(t2, test_buf_write, &out);
done:
    if (st == BX_OK)
        *csv = out.data;
    else
        test_buf_free(&out);
    bx_carbon_totals_free(t2);
    bx_carbon_totals_free(t);
    bx_shipment_reader_close(r);
    bx_carbon_free(calc);
    bx_containers_free(cs);
    bx_routes_free(rs);
    bx_factor_set_free(fs);
    return st;
}

static void every_allocation_may_fail(const char *name, const char *text)
{
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    char *want;
    /* the figures of the CSV shipments, whatever the encoding */
    assert_int_equal(pipeline(ctx, &want, "s.csv", shipments), BX_OK);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_blocks, 0);
    /* shipment 4 names an unknown route: excluded, and counted */
    assert_non_null(strstr(want, "all,all,3,"));
    assert_non_null(strstr(want, ",1,oom,1\n"));

    uint64_t n;
    for (n = 1; n < 100000; n++) {
        ctx = test_ctx_new(&ta, n);
        assert_non_null(ctx);
        char *got;
        bx_status st = pipeline(ctx, &got, name, text);
        uint64_t failures = ta.failures;
        bx_ctx_free(ctx);
        if (ta.live_blocks != 0)
            fail_msg("allocation %llu failed: %zu blocks leaked", (unsigned long long)n,
                     ta.live_blocks);
        if (failures == 0) {
            assert_int_equal(st, BX_OK);
            assert_string_equal(got, want);
            free(got);
            break;
        }
        if (st != BX_ENOMEM)
            fail_msg("allocation %llu failed: got %s", (unsigned long long)n, bx_strerror(st));
        free(got);
    }
    assert_true(n > 20); /* the loop did inject failures */
    free(want);
}

static void test_every_allocation_may_fail(void **state)
{
    (void)state;
    every_allocation_may_fail("s.csv", shipments);
}

/* Shipments in JSON: the reader keeps the row's element and NUL-terminated
 * copies of its text, allocations that may fail too. */
static void test_every_allocation_may_fail_json(void **state)
{
    (void)state;
#if BOXCAR_HAVE_JSON
    every_allocation_may_fail("s.json", shipments_json);
#else
    (void)shipments_json;
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_may_fail),
        cmocka_unit_test(test_every_allocation_may_fail_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
