/*
 * test_carbon_totals.c: totals by route, month, mode and packaging; shards
 * merged in any order equal one run, byte for byte; bad totals files are
 * refused and leave the totals untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon_totals.h"
#include "testutil.h"

static const char factors[] =
    "kind,id,mode,unit,wtt,ttw,wtw,energy,ref,gsd,quality,confirmed,basis,source,"
    "version,note\n"
    "set,tot,,,,,,,,,,,co2e-ar6,test,7,\n"
    "toc,artic,road,g/tkm,22,73,95,,,,default,yes,,GLEC,3.0,\n"
    "toc,belly,air,g/tkm,,768,971,,,,default,yes,,GLEC,3.0,\n"
    "toc,rail,rail,g/tkm,,,16,,,,default,yes,,GLEC,3.0,\n"
    "hoc,hub,,kg/t,,,0.6,,,,default,yes,,GLEC,3.0,\n"
    "fuel,diesel,,kg/l,,2.63,3.43,,,,default,yes,,GLEC,3.0,\n"
    "material,corrugated,,kg/kg,,,0.491,,,,default,no,,FEFCO,2021,\n"
    "material,ldpe,,kg/kg,,,2.96,,,,default,no,,DEFRA,new,\n";

static const char routes[] =
    "route_id,element,category,distance_km,alloc,energy_id,energy_amount,run_tkm\n"
    "road,hub,hub,,,,,\n"
    "road,leg,artic,1213.7,,,,\n"
    "air,leg,artic,29.5,,,,\n"
    "air,hub,hub,,,,,\n"
    "air,leg,belly,1881.3,,,,\n"
    "rail,leg,rail,1463,,,,\n"
    "round,leg,artic,,direct,diesel,31.7,2.93\n";

typedef struct fixture {
    test_alloc ta;
    bx_ctx *ctx;
    bx_factor_set *fs;
    bx_routes *rs;
    bx_carbon *calc;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = test_ctx_new(&f->ta, 0);
    assert_int_equal(bx_factor_set_read_mem(f->ctx, &f->fs, "f.csv", factors,
                                            strlen(factors)),
                     BX_OK);
    assert_int_equal(bx_routes_read_mem(f->ctx, &f->rs, "r.csv", routes, strlen(routes)),
                     BX_OK);
    assert_int_equal(bx_carbon_new(f->ctx, &f->calc, f->fs, f->rs, NULL), BX_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bx_carbon_free(f->calc);
    bx_routes_free(f->rs);
    bx_factor_set_free(f->fs);
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_blocks, 0);
    free(f);
    return 0;
}

/* A deterministic mix: 64-bit LCG (Knuth's MMIX constants). */
static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 33;
}

#define N 900

static void make(bx_shipment *s, int i)
{
    static const char *const rts[] = {"road", "air", "rail", "round"};
    static const char *const packs[] = {"", "corrugated=154", "ldpe=21", "corrugated=304;ldpe=17"};
    uint64_t seed = (uint64_t)i * 7919u + 17u;
    bx_shipment_init(s);
    snprintf(s->shipment_id, sizeof s->shipment_id, "S%05d", i);
    strcpy(s->route_id, rts[next(&seed) % 4]);
    strcpy(s->packaging, packs[next(&seed) % 4]);
    s->mass_g = 50 + (int64_t)(next(&seed) % 30000);
    s->items = 1 + (int32_t)(next(&seed) % 3);
    s->drop_km = (double)(next(&seed) % 200) / 10.0;
    s->date = 20250000 + (int32_t)(1 + next(&seed) % 12) * 100 + 1 + (int32_t)(next(&seed) % 28);
}

static bx_carbon_totals *fresh(fixture *f)
{
    bx_carbon_totals *t;
    assert_int_equal(bx_carbon_totals_new(f->ctx, &t, "tot", "7"), BX_OK);
    return t;
}

static void add(fixture *f, bx_carbon_totals *t, int i)
{
    bx_shipment s;
    bx_carbon_result r;
    make(&s, i);
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
    assert_int_equal(bx_carbon_totals_add(t, &s, &r), BX_OK);
}

static char *to_csv(bx_carbon_totals *t, size_t *len)
{
    test_buf b = {NULL, 0, 0, -1};
    assert_int_equal(bx_carbon_totals_write(t, test_buf_write, &b), BX_OK);
    *len = b.len;
    return b.data;
}

/* Every group partitions the same shipments: its rows add up to "all". */
static void test_groups_add_up(void **state)
{
    fixture *f = *state;
    bx_carbon_totals *t = fresh(f);
    int64_t wtw = 0, ttw = 0;
    for (int i = 0; i < N; i++) {
        bx_shipment s;
        bx_carbon_result r;
        make(&s, i);
        assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
        assert_int_equal(bx_carbon_totals_add(t, &s, &r), BX_OK);
        wtw += r.total.wtw_mg;
        ttw += r.total.ttw_mg;
    }
    bx_carbon_sum all;
    const char *key;
    assert_int_equal(bx_carbon_totals_count(t, BX_BY_ALL), 1);
    assert_int_equal(bx_carbon_totals_row(t, BX_BY_ALL, 0, &key, &all), BX_OK);
    assert_string_equal(key, "all");
    assert_int_equal(all.shipments, N);
    assert_int_equal(all.total.wtw_mg, wtw);
    assert_int_equal(all.total.ttw_mg, ttw);
    for (int g = BX_BY_ROUTE; g < BX_BY_COUNT; g++) {
        int64_t sum = 0, n = 0;
        const char *prev = "";
        for (size_t i = 0; i < bx_carbon_totals_count(t, (bx_totals_group)g); i++) {
            bx_carbon_sum s;
            assert_int_equal(bx_carbon_totals_row(t, (bx_totals_group)g, i, &key, &s), BX_OK);
            assert_true(strcmp(prev, key) < 0); /* sorted, distinct */
            prev = key;
            sum += s.total.wtw_mg;
            n += s.shipments;
        }
        if (g == BX_BY_ENERGY) /* transport and hub, without packaging */
            assert_int_equal(sum, wtw - all.packaging_mg);
        else
            assert_int_equal(sum, wtw);
        if (g != BX_BY_MODE && g != BX_BY_ENERGY) /* once per mode or carrier it uses */
            assert_int_equal(n, N);
    }
    assert_int_equal(bx_carbon_totals_count(t, BX_BY_ROUTE), 4);
    assert_int_equal(bx_carbon_totals_count(t, BX_BY_MONTH), 12);
    /* modes used: road, air, rail, hub, packaging */
    assert_int_equal(bx_carbon_totals_count(t, BX_BY_MODE), 5);
    assert_int_equal(bx_carbon_totals_row(t, BX_BY_MONTH, 0, &key, NULL), BX_OK);
    assert_string_equal(key, "2025-01");
    bx_carbon_totals_free(t);
}

/* Shards in any order, by file or in memory, equal one run byte for byte. */
static void test_shards_merge_exactly(void **state)
{
    fixture *f = *state;
    bx_carbon_totals *one = fresh(f);
    for (int i = 0; i < N; i++)
        add(f, one, i);
    bx_carbon_totals_exclude(one, 5);
    size_t one_len;
    char *one_csv = to_csv(one, &one_len);

    /* three shards of unequal size, interleaved */
    bx_carbon_totals *shard[3];
    char *csv[3];
    size_t len[3];
    for (int k = 0; k < 3; k++)
        shard[k] = fresh(f);
    for (int i = 0; i < N; i++)
        add(f, shard[i % 7 < 2 ? 0 : i % 7 < 5 ? 1 : 2], i);
    bx_carbon_totals_exclude(shard[0], 2);
    bx_carbon_totals_exclude(shard[2], 3);
    for (int k = 0; k < 3; k++)
        csv[k] = to_csv(shard[k], &len[k]);

    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
        bx_carbon_totals *m;
        assert_int_equal(bx_carbon_totals_new(f->ctx, &m, "", ""), BX_OK);
        for (int k = 0; k < 3; k++) {
            int j = orders[o][k];
            assert_int_equal(bx_carbon_totals_read_mem(m, "shard.csv", csv[j], len[j]), BX_OK);
        }
        size_t mlen;
        char *mcsv = to_csv(m, &mlen);
        assert_int_equal(mlen, one_len);
        assert_memory_equal(mcsv, one_csv, one_len);
        free(mcsv);
        bx_carbon_totals_free(m);
    }
    /* in memory, merged into a shard */
    assert_int_equal(bx_carbon_totals_merge(shard[2], shard[0]), BX_OK);
    assert_int_equal(bx_carbon_totals_merge(shard[2], shard[1]), BX_OK);
    size_t mlen;
    char *mcsv = to_csv(shard[2], &mlen);
    assert_int_equal(mlen, one_len);
    assert_memory_equal(mcsv, one_csv, one_len);
    assert_int_equal(bx_carbon_totals_excluded(shard[2]), 5);
    free(mcsv);
    /* the written totals read back as themselves */
    bx_carbon_totals *back;
    assert_int_equal(bx_carbon_totals_new(f->ctx, &back, "tot", "7"), BX_OK);
    assert_int_equal(bx_carbon_totals_read_mem(back, "one.csv", one_csv, one_len), BX_OK);
    mcsv = to_csv(back, &mlen);
    assert_memory_equal(mcsv, one_csv, one_len);
    free(mcsv);
    bx_carbon_totals_free(back);
    for (int k = 0; k < 3; k++) {
        free(csv[k]);
        bx_carbon_totals_free(shard[k]);
    }
    free(one_csv);
    bx_carbon_totals_free(one);
}

static void test_format(void **state)
{
    fixture *f = *state;
    bx_carbon_totals *t = fresh(f);
    /* 2 kg by rail, 1463 km x 16 g/tkm = 46.816 g, no packaging; activity
     * 2000 g x 1463 km = 2926000 g.km on a given (sfd) distance; a default
     * intensity: all 46816 mg default */
    bx_shipment s;
    bx_shipment_init(&s);
    strcpy(s.shipment_id, "A");
    strcpy(s.route_id, "rail");
    s.mass_g = 2000;
    s.date = 20250704;
    bx_carbon_result r;
    assert_int_equal(bx_carbon_compute(f->calc, &s, &r), BX_OK);
    assert_int_equal(bx_carbon_totals_add(t, &s, &r), BX_OK);
    bx_carbon_totals_exclude(t, 3);
    size_t len;
    char *csv = to_csv(t, &len);
    assert_string_equal(
        csv,
        "group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,transport_wtw_mg,"
        "hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,total_ttw_mg,"
        "total_wtw_mg,transport_unsplit_mg,hub_unsplit_mg,total_unsplit_mg,"
        "activity_actual_gkm,activity_sfd_gkm,activity_gcd_gkm,primary_wtw_mg,"
        "modelled_wtw_mg,default_wtw_mg,temp_uplift_wtw_mg,refrigerant_mg,excluded,factor_set,"
        "factor_version\n"
        "all,all,1,2000,0,0,46816,0,0,0,0,0,0,46816,46816,0,46816,0,2926000,0,0,0,46816,0,0,3,tot,7\n"
        "route,rail,1,2000,0,0,46816,0,0,0,0,0,0,46816,46816,0,46816,0,2926000,0,0,0,46816,0,0,0,tot,7\n"
        "month,2025-07,1,2000,0,0,46816,0,0,0,0,0,0,46816,46816,0,46816,0,2926000,0,0,0,46816,0,0,0,tot,7\n"
        "mode,rail,1,2000,0,0,46816,0,0,0,0,0,0,46816,46816,0,46816,0,2926000,0,0,0,46816,0,0,0,tot,7\n"
        "packaging,none,1,2000,0,0,46816,0,0,0,0,0,0,46816,46816,0,46816,0,2926000,0,0,0,46816,0,0,0,tot,7\n"
        /* a rail leg on a g/tkm intensity names no carrier: WTW only */
        "energy,unstated,1,2000,0,0,46816,0,0,0,0,0,0,46816,46816,0,46816,0,0,0,0,0,0,0,0,0,tot,7\n");
    free(csv);
    bx_carbon_totals_free(t);
}

static void test_bad_files_refused(void **state)
{
    fixture *f = *state;
    test_diags d = {0};
    bx_ctx_set_diag(f->ctx, test_diag_fn, &d);
    bx_carbon_totals *t = fresh(f);
    add(f, t, 1);
    size_t len;
    char *before = to_csv(t, &len);
    static const char head[] =
        "group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,transport_wtw_mg,"
        "hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,total_ttw_mg,"
        "total_wtw_mg,excluded,factor_set,factor_version,"
        "activity_actual_gkm,activity_sfd_gkm,activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,default_wtw_mg\n";
    static const struct {
        const char *rows;
        const char *why;
    } cases[] = {
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,6,0,tot,7,0,0,0,0,0,6\n", "shard.csv:2:14: field 'total_wtw_mg': total_wtw_mg is not"},
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,8,0,0,0,0,0,5\n", "factor set tot 8 does not match tot 7"},
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\nroute,a,1,1,0,0,5,0,0,0,0,0,0,5,0,other,7,0,0,0,0,0,5\n",
         "factor set or version differs"},
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\nroute,a,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n"
         "route,a,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n",
         "shard.csv:4:2: field 'key': this group and key appear twice"},
        {"route,a,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n", "no 'all' row"},
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\nroute,a,1,1,0,0,5,0,0,0,0,0,0,5,2,tot,7,0,0,0,0,0,5\n",
         "only the 'all' row counts excluded rows"},
        {"all,all,1,1,0,0,-5,0,0,0,0,0,0,-5,0,tot,7,0,0,0,0,0,-5\n", "field 'transport_wtw_mg'"},
        {"all,all,1,1,3,3,5,0,0,0,0,3,3,5,0,tot,7,0,0,0,0,0,5\n", "transport WTT + TTW exceed WTW"},
        {"week,w1,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n", "field 'group'"},
        /* the WTW by data-quality class must make the total WTW */
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,1,0,3\n",
         "primary + modelled + default WTW is not total_wtw_mg"},
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,\n", "default_wtw_mg"},
        /* an energy row carries transport and hub WTW only */
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n"
         "energy,diesel,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n",
         "an energy row carries transport and hub WTW only"},
        {"all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n"
         "energy,diesel,1,1,0,0,5,0,0,0,0,0,0,4,0,tot,7,0,0,0,0,0,0\n",
         "total_wtw_mg is not transport + hub"},
        /* sums past INT64_MAX (found while fuzzing the reader): 2 * (2^63 - 1)
         * + 2 is 2^64, which wrapped to the 0 written as the total; and
         * WTT + TTW = 2 * (2^63 - 1) wrapped to -2, "below" a WTW of 5 */
        {"all,all,1,1,0,0,9223372036854775807,0,0,9223372036854775807,2,0,0,0,0,tot,7,0,0,0,0,0,0\n",
         "total_wtw_mg is not transport + hub + packaging"},
        {"all,all,1,1,9223372036854775807,9223372036854775807,5,0,0,0,0,"
         "9223372036854775807,9223372036854775807,5,0,tot,7,0,0,0,0,0,5\n",
         "transport WTT + TTW exceed WTW"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text, "%s%s", head, cases[i].rows);
        d.all[0] = '\0';
        assert_int_equal(bx_carbon_totals_read_mem(t, "shard.csv", text, strlen(text)),
                         BX_EINPUT);
        if (strstr(d.all, cases[i].why) == NULL &&
            strstr(bx_ctx_errmsg(f->ctx), cases[i].why) == NULL)
            fail_msg("case %zu: expected '%s' in '%s' / '%s'", i, cases[i].why, d.all,
                     bx_ctx_errmsg(f->ctx));
        size_t n;
        char *after = to_csv(t, &n);
        assert_int_equal(n, len);
        assert_memory_equal(after, before, len);
        free(after);
    }
    bx_ctx_set_diag(f->ctx, NULL, NULL);
    free(before);
    bx_carbon_totals_free(t);
}

/* The unsplit columns (WTW whose WTT/TTW split is unknown) are implied by
 * the others: a file may leave them out (one written before them), but
 * one that states them otherwise is refused. Hand figures: transport
 * 2 + 3 of 10 split -> 5 unsplit; hub 0 + 0 of 4 -> 4; packaging 6 (all
 * unsplit); total WTW 20, WTT 2, TTW 3 -> 15 = 5 + 4 + 6. */
static void test_unsplit_columns_checked(void **state)
{
    fixture *f = *state;
    test_diags d = {0};
    bx_ctx_set_diag(f->ctx, test_diag_fn, &d);
    static const char head[] =
        "group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,transport_wtw_mg,"
        "hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,total_ttw_mg,"
        "total_wtw_mg,transport_unsplit_mg,hub_unsplit_mg,total_unsplit_mg,excluded,"
        "factor_set,factor_version,"
        "activity_actual_gkm,activity_sfd_gkm,activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,default_wtw_mg\n";
    static const struct {
        const char *row;
        bx_status want;
    } cases[] = {
        {"all,all,1,1,2,3,10,0,0,4,6,2,3,20,5,4,15,0,tot,7,0,0,0,0,0,20\n", BX_OK},
        {"all,all,1,1,2,3,10,0,0,4,6,2,3,20,5,4,,0,tot,7,0,0,0,0,0,20\n", BX_OK},
        {"all,all,1,1,2,3,10,0,0,4,6,2,3,20,0,4,15,0,tot,7,0,0,0,0,0,20\n", BX_EINPUT},
        {"all,all,1,1,2,3,10,0,0,4,6,2,3,20,5,0,15,0,tot,7,0,0,0,0,0,20\n", BX_EINPUT},
        /* 9 = transport and hub alone, packaging left out */
        {"all,all,1,1,2,3,10,0,0,4,6,2,3,20,5,4,9,0,tot,7,0,0,0,0,0,20\n", BX_EINPUT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bx_carbon_totals *t = fresh(f);
        char text[1024];
        snprintf(text, sizeof text, "%s%s", head, cases[i].row);
        d.all[0] = '\0';
        assert_int_equal(bx_carbon_totals_read_mem(t, "u.csv", text, strlen(text)),
                         cases[i].want);
        if (cases[i].want != BX_OK)
            assert_non_null(strstr(d.all, "the unsplit WTW is not WTW - WTT - TTW"));
        bx_carbon_totals_free(t);
    }
    bx_ctx_set_diag(f->ctx, NULL, NULL);
}

/* The largest total a file may hold prints as kg: 9223372036854775807 mg
 * is 9223372036854775.807 g, rounded half away from zero to
 * 9223372036854776 g = 9223372036854.776 kg (found by fuzzing: the
 * rounding added 500 mg first and overflowed). */
static void test_table_at_int64_max(void **state)
{
    fixture *f = *state;
    bx_carbon_totals *t = fresh(f);
    static const char text[] =
        "group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,transport_wtw_mg,"
        "hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,total_ttw_mg,"
        "total_wtw_mg,excluded,factor_set,factor_version,"
        "activity_actual_gkm,activity_sfd_gkm,activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,default_wtw_mg\n"
        "all,all,1,1,0,0,9223372036854775807,0,0,0,0,0,0,9223372036854775807,0,tot,7,0,0,0,0,0,9223372036854775807\n";
    assert_int_equal(bx_carbon_totals_read_mem(t, "max.csv", text, strlen(text)), BX_OK);
    test_buf b = {NULL, 0, 0, -1};
    assert_int_equal(bx_carbon_totals_write_group(t, BX_CARBON_TABLE, BX_BY_ALL, NULL,
                                                  test_buf_write, &b),
                     BX_OK);
    assert_non_null(b.data);
    char *text_out = malloc(b.len + 1);
    assert_non_null(text_out);
    memcpy(text_out, b.data, b.len);
    text_out[b.len] = '\0';
    if (strstr(text_out, " 9223372036854.776 ") == NULL)
        fail_msg("no 9223372036854.776 kg in:\n%s", text_out);
    assert_null(strstr(text_out, "-"));
    free(text_out);
    free(b.data);
    bx_carbon_totals_free(t);
}

/* Sums that would not fit 64 bits are refused, leaving dst as it was. */
static void test_overflow(void **state)
{
    fixture *f = *state;
    bx_carbon_totals *a = fresh(f), *b = fresh(f);
    /* a caller's result whose parts wrap round to its total: 2 * (2^63 - 1)
     * + 2 = 2^64, "equal" to 0 in 64 bits; refused, not summed */
    bx_shipment sh;
    make(&sh, 1);
    bx_carbon_result bad;
    memset(&bad, 0, sizeof bad);
    bad.transport.wtw_mg = bad.hub.wtw_mg = INT64_MAX;
    bad.packaging_mg = 2;
    assert_int_equal(bx_carbon_totals_add(a, &sh, &bad), BX_EINVAL);
    assert_int_equal(bx_carbon_totals_count(a, BX_BY_ROUTE), 0);
    char text[1024];
    snprintf(text, sizeof text,
             "group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,"
             "transport_wtw_mg,hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,"
             "total_ttw_mg,total_wtw_mg,excluded,factor_set,factor_version,"
             "activity_actual_gkm,activity_sfd_gkm,activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,default_wtw_mg\n"
             "all,all,1,1,0,0,%lld,0,0,0,0,0,0,%lld,0,tot,7,0,0,0,0,0,%lld\n",
             (long long)(INT64_MAX - 10), (long long)(INT64_MAX - 10),
             (long long)(INT64_MAX - 10));
    assert_int_equal(bx_carbon_totals_read_mem(a, "a.csv", text, strlen(text)), BX_OK);
    add(f, b, 2);
    size_t len;
    char *before = to_csv(a, &len);
    assert_int_equal(bx_carbon_totals_merge(a, b), BX_ELIMIT);
    size_t n;
    char *after = to_csv(a, &n);
    assert_int_equal(n, len);
    assert_memory_equal(after, before, len);
    free(before);
    free(after);
    bx_carbon_totals_free(a);
    bx_carbon_totals_free(b);
}

/* The temperature-controlled uplift and the refrigerant leaked, in the
 * totals as they are per shipment. GLEC v3.0 Module 4's leakage (20.12 kg
 * of R-134a over 6,000,000 tkm: 3.3533333e-6 kg per tkm, 1,430 kg CO2e/kg)
 * on a 100 g/tkm reefer TOC with GLEC's +12 % uplift, 1000 km:
 *   1 t:     uplift 1000 tkm x 100 x 0.12 = 12,000 g = 12,000,000 mg;
 *            refrigerant 1000 x 3.3533333e-6 x 1430 = 4.7952666 kg
 *            = 4,795,267 mg
 *   0.5 t:   uplift 500 x 100 x 0.12 = 6,000,000 mg; refrigerant
 *            500 x 3.3533333e-6 x 1430 = 2.3976333 kg = 2,397,633 mg
 *   ambient: neither.
 * All: uplift 18,000,000 mg, refrigerant 7,192,900 mg. The result does not
 * split them by mode, so the road row holds 0. Two shards merge into the
 * one run's bytes; a file without the two columns reads them as 0; a row
 * whose parts exceed its transport WTW is refused. */
static void test_temperature_parts(void **state)
{
    fixture *f = *state;
    static const char fac[] =
        "kind,id,mode,unit,wtt,ttw,wtw,quality,confirmed,basis,source,version,temp_uplift,"
        "refrigerant,refrigerant_kg_per_tkm\n"
        "set,tot,,,,,,,,co2e-ar6,GLEC v3.0,7,,,\n"
        "toc,reefer,road,g/tkm,,,100,default,no,,hand example,1,0.12,r134a,0.0000033533333\n"
        "fuel,r134a,,kg/kg,0,1430,,default,yes,,GLEC v3.0 M4 example,3.0,,,\n";
    static const char rts[] = "route_id,element,category,distance_km,temp\n"
                              "cold,leg,reefer,1000,controlled\n"
                              "ambient,leg,reefer,1000,\n";
    bx_factor_set *fs;
    bx_routes *rs;
    bx_carbon *c;
    assert_int_equal(bx_factor_set_read_mem(f->ctx, &fs, "rf.csv", fac, strlen(fac)), BX_OK);
    assert_int_equal(bx_routes_read_mem(f->ctx, &rs, "rt.csv", rts, strlen(rts)), BX_OK);
    assert_int_equal(bx_carbon_new(f->ctx, &c, fs, rs, NULL), BX_OK);
    static const struct {
        const char *route;
        int64_t mass_g;
    } ships[] = {{"cold", 1000000}, {"cold", 500000}, {"ambient", 1000000}};
    bx_carbon_totals *one = fresh(f), *shard[2] = {fresh(f), fresh(f)};
    for (int i = 0; i < 3; i++) {
        bx_shipment s;
        bx_shipment_init(&s);
        snprintf(s.shipment_id, sizeof s.shipment_id, "T%d", i);
        strcpy(s.route_id, ships[i].route);
        s.mass_g = ships[i].mass_g;
        s.items = 1;
        s.date = 20250301;
        bx_carbon_result r;
        assert_int_equal(bx_carbon_compute(c, &s, &r), BX_OK);
        assert_int_equal(bx_carbon_totals_add(one, &s, &r), BX_OK);
        assert_int_equal(bx_carbon_totals_add(shard[i == 0 ? 0 : 1], &s, &r), BX_OK);
    }
    const char *key;
    bx_carbon_sum sum;
    assert_int_equal(bx_carbon_totals_row(one, BX_BY_ALL, 0, &key, &sum), BX_OK);
    assert_int_equal(sum.temp_uplift_mg, 18000000);
    assert_int_equal(sum.refrigerant_mg, 7192900);
    assert_int_equal(bx_carbon_totals_count(one, BX_BY_ROUTE), 2);
    assert_int_equal(bx_carbon_totals_row(one, BX_BY_ROUTE, 0, &key, &sum), BX_OK);
    assert_string_equal(key, "ambient");
    assert_int_equal(sum.temp_uplift_mg, 0);
    assert_int_equal(sum.refrigerant_mg, 0);
    assert_int_equal(bx_carbon_totals_row(one, BX_BY_ROUTE, 1, &key, &sum), BX_OK);
    assert_int_equal(sum.temp_uplift_mg, 18000000);
    assert_int_equal(sum.refrigerant_mg, 7192900);
    assert_int_equal(bx_carbon_totals_row(one, BX_BY_MODE, 0, &key, &sum), BX_OK);
    assert_string_equal(key, "road");
    assert_int_equal(sum.temp_uplift_mg, 0);
    /* shards through their files, merged in reverse order */
    bx_carbon_totals *merged = fresh(f);
    for (int i = 1; i >= 0; i--) {
        size_t n;
        char *csv = to_csv(shard[i], &n);
        assert_int_equal(bx_carbon_totals_read_mem(merged, "shard.csv", csv, n), BX_OK);
        free(csv);
    }
    size_t la, lb;
    char *a = to_csv(one, &la), *b = to_csv(merged, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_non_null(strstr(a, ",18000000,7192900,0,tot,7\n"));
    free(a);
    free(b);
    /* a file from before the two columns; parts that exceed transport */
    static const char head[] =
        "group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,transport_wtw_mg,"
        "hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,total_ttw_mg,"
        "total_wtw_mg,excluded,factor_set,factor_version,activity_actual_gkm,"
        "activity_sfd_gkm,activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,default_wtw_mg";
    char text[1024];
    snprintf(text, sizeof text, "%s\nall,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5\n",
             head);
    bx_carbon_totals *old = fresh(f);
    assert_int_equal(bx_carbon_totals_read_mem(old, "old.csv", text, strlen(text)), BX_OK);
    assert_int_equal(bx_carbon_totals_row(old, BX_BY_ALL, 0, &key, &sum), BX_OK);
    assert_int_equal(sum.transport.wtw_mg, 5);
    assert_int_equal(sum.temp_uplift_mg, 0);
    assert_int_equal(sum.refrigerant_mg, 0);
    test_diags d = {0};
    bx_ctx_set_diag(f->ctx, test_diag_fn, &d);
    snprintf(text, sizeof text,
             "%s,temp_uplift_wtw_mg,refrigerant_mg\n"
             "all,all,1,1,0,0,5,0,0,0,0,0,0,5,0,tot,7,0,0,0,0,0,5,4,2\n", head);
    assert_int_equal(bx_carbon_totals_read_mem(old, "bad.csv", text, strlen(text)), BX_EINPUT);
    assert_non_null(strstr(d.all, "temp_uplift_wtw_mg + refrigerant_mg exceed transport_wtw_mg"));
    assert_int_equal(bx_carbon_totals_row(old, BX_BY_ALL, 0, &key, &sum), BX_OK);
    assert_int_equal(sum.shipments, 1);
    bx_ctx_set_diag(f->ctx, NULL, NULL);
    bx_carbon_totals_free(old);
    bx_carbon_totals_free(merged);
    bx_carbon_totals_free(one);
    bx_carbon_totals_free(shard[0]);
    bx_carbon_totals_free(shard[1]);
    bx_carbon_free(c);
    bx_routes_free(rs);
    bx_factor_set_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_groups_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shards_merge_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_at_int64_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsplit_columns_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temperature_parts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
