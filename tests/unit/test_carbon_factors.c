/*
 * test_carbon_factors.c: factor sets: loading, every rule a row must meet,
 * unit normalisation, energy-intensity rows, diffs, and the shipped sets.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar/carbon.h"
#include "testutil.h"

#define HEAD "kind,id,mode,unit,wtt,ttw,wtw,energy,ref,gsd,quality,confirmed,basis,source,version,note\n"
#define SET "set,t1,,,,,,,,,,,co2e-ar6,test,1,\n"

typedef test_fixture fixture;
#define setup test_fixture_setup
#define teardown test_fixture_teardown

static bx_status load(fixture *f, const char *text, bx_factor_set **fs)
{
    *fs = NULL;
    return bx_factor_set_read_mem(f->ctx, fs, "f.csv", text, strlen(text));
}

static void test_good_set(void **state)
{
    fixture *f = *state;
    bx_factor_set *fs;
    assert_int_equal(load(f, HEAD SET
                         "toc,artic,road,g/tkm,22,73,95,,,,default,yes,,GLEC,3.0,\n"
                         "hoc,hub,,kg/t,,,0.6,,,,default,yes,,GLEC,3.0,\n"
                         "hoc,parcel,,g/item,,,2.5,,,1.3,modelled,no,,own,1,\n"
                         "fuel,diesel,,kg/l,,2.63,3.43,,,,default,yes,,GLEC,3.0,\n"
                         "fuel,grid,,kg/kwh,,0,0.5306,,,,default,yes,co2,MEE,2023,\n"
                         "toc,evan,road,kwh/tkm,,,,1.1,grid,,default,derived,,GLEC,3.0,\n"
                         "material,corrugated,,kg/kg,,,0.491,,,,default,no,,FEFCO,2021,\n",
                         &fs),
                     BX_OK);
    bx_factor_set_info info = bx_factor_set_info_get(fs);
    assert_string_equal(info.id, "t1");
    assert_string_equal(info.version, "1");
    assert_string_equal(info.basis, "co2e-ar6");
    assert_int_equal(bx_factor_set_count(fs), 7);
    const bx_factor *t = bx_factor_set_find(fs, BX_FACTOR_TOC, "artic");
    assert_non_null(t);
    assert_int_equal(t->mode, BX_MODE_ROAD);
    assert_int_equal(t->line, 3);
    assert_true(t->wtt == 22 && t->ttw == 73 && t->wtw == 95);
    assert_true(isnan(t->gsd));
    assert_string_equal(t->basis, "co2e-ar6"); /* inherited from the set */
    /* g/tkm as is; kg/t -> 600 g/t; kg/l -> 3430 g/l; kg/kg = g/g */
    assert_true(bx_factor_wtw_g(fs, t) == 95);
    assert_true(bx_factor_wtw_g(fs, bx_factor_set_find(fs, BX_FACTOR_HOC, "hub")) == 600);
    assert_true(bx_factor_wtw_g(fs, bx_factor_set_find(fs, BX_FACTOR_FUEL, "diesel")) == 3430);
    assert_true(fabs(bx_factor_wtw_g(fs, bx_factor_set_find(fs, BX_FACTOR_MATERIAL,
                                                            "corrugated")) -
                     0.491) < 1e-15);
    /* 1.1 kWh/tkm x 530.6 g/kWh = 583.66 g/tkm */
    const bx_factor *e = bx_factor_set_find(fs, BX_FACTOR_TOC, "evan");
    assert_true(fabs(bx_factor_wtw_g(fs, e) - 583.66) < 1e-9);
    assert_string_equal(e->ref, "grid");
    assert_int_equal(e->confirmed, BX_DERIVED);
    const bx_factor *p = bx_factor_set_find(fs, BX_FACTOR_HOC, "parcel");
    assert_int_equal(p->unit, BX_UNIT_G_PER_ITEM);
    assert_true(p->gsd == 1.3);
    assert_int_equal(p->quality, BX_DQ_MODELLED);
    assert_int_equal(p->confirmed, BX_UNCONFIRMED);
    /* the grid row is CO2 only: a warning says so */
    assert_int_equal(f->diags.nwarnings, 1);
    assert_non_null(strstr(f->diags.last, "f.csv:7: field 'basis': 1 row is not on the "
                                          "set's basis co2e-ar6, the first: fuel 'grid' on "
                                          "co2"));
    /* ids are per kind */
    assert_null(bx_factor_set_find(fs, BX_FACTOR_HOC, "artic"));
    bx_factor_set_free(fs);
}

/* Each bad row is reported at its line and field; one bad row fails the
 * whole set, but every problem is reported first. */
static void test_bad_rows(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *row;
        const char *where;
    } cases[] = {
        {"tic,x,road,g/tkm,,,1,,,,default,yes,,s,1,\n", "f.csv:3:1: field 'kind'"},
        {"toc,x,road,kg/t,,,1,,,,default,yes,,s,1,\n", "f.csv:3:4: field 'unit': unit not allowed"},
        {"toc,x,,g/tkm,,,1,,,,default,yes,,s,1,\n", "f.csv:3:3: field 'mode': required"},
        {"hoc,x,road,kg/t,,,1,,,,default,yes,,s,1,\n", "field 'mode': mode is only for toc"},
        {"toc,x,road,g/tkm,,,1,,,,default,yes,,,1,\n", "field 'source': every factor needs"},
        {"toc,x,road,g/tkm,,,1,,,,default,yes,,s,,\n", "field 'version'"},
        {"toc,x,road,g/tkm,,,1,,,,great,yes,,s,1,\n", "field 'quality'"},
        {"toc,x,road,g/tkm,,,1,,,,default,maybe,,s,1,\n", "field 'confirmed'"},
        {"toc,x,road,g/tkm,22,73,100,,,,default,yes,,s,1,\n", "field 'wtw': wtt + ttw = 95 but wtw = 100"},
        {"toc,x,road,g/tkm,,80,70,,,,default,yes,,s,1,\n", "field 'ttw': ttw is larger than wtw"},
        {"toc,x,road,g/tkm,,73,,,,,default,yes,,s,1,\n", "give wtw, or ttw with wtt or wtw"},
        {"toc,x,road,g/tkm,,,-5,,,,default,yes,,s,1,\n", "field 'wtw': -5 must be between"},
        {"toc,x,road,g/tkm,,,abc,,,,default,yes,,s,1,\n", "field 'wtw': expected a decimal"},
        {"toc,x,road,kwh/tkm,,,,1.1,,,default,yes,,s,1,\n", "field 'ref': an energy-intensity row needs ref"},
        {"toc,x,road,kwh/tkm,,,5,1.1,g,,default,yes,,s,1,\n", "gives its figure in 'energy'"},
        {"toc,x,road,g/tkm,,,5,1.1,,,default,yes,,s,1,\n", "energy and ref are only for"},
        {"toc,x,road,kwh/tkm,,,,1.1,nogrid,,default,yes,,s,1,\n", "f.csv:3: field 'ref': no fuel row 'nogrid'"},
        {"toc,x,road,g/tkm,,,1,,,0.5,default,yes,,s,1,\n", "field 'gsd'"},
        {"toc, x,road,g/tkm,,,1,,,,default,yes,,s,1,\n", "field 'id': identifier has leading"},
        {"set,again,,,,,,,,,,,co2e-ar6,s,1,\n", "a second 'set' row"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, HEAD SET "%s", cases[i].row);
        bx_factor_set *fs;
        f->diags.nerrors = 0;
        f->diags.all[0] = '\0';
        assert_int_equal(load(f, text, &fs), BX_EINPUT);
        assert_null(fs);
        if (strstr(f->diags.all, cases[i].where) == NULL)
            fail_msg("case %zu: expected '%s' in:\n%s", i, cases[i].where, f->diags.all);
    }
}

static void test_every_problem_reported(void **state)
{
    fixture *f = *state;
    bx_factor_set *fs;
    assert_int_equal(load(f, HEAD SET
                         "toc,a,road,g/tkm,,,1,,,,default,yes,,s,1,\n"
                         "toc,a,road,g/tkm,,,2,,,,default,yes,,s,1,\n"
                         "toc,b,ship,g/tkm,,,2,,,,default,yes,,s,1,\n"
                         "toc,c,road,g/tkm,,,2,,,,default,yes,,s,1,\n",
                         &fs),
                     BX_EINPUT);
    assert_int_equal(f->diags.nerrors, 2);
    assert_non_null(strstr(f->diags.all, "f.csv:4:2: field 'id': duplicate toc id"));
    assert_non_null(strstr(f->diags.all, "f.csv:5:3: field 'mode'"));
}

static void test_file_level_errors(void **state)
{
    fixture *f = *state;
    bx_factor_set *fs;
    assert_int_equal(load(f, HEAD "toc,a,road,g/tkm,,,1,,,,default,yes,,s,1,\n", &fs),
                     BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "no 'set' row"));
    assert_int_equal(load(f, "", &fs), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "no header row"));
    assert_int_equal(load(f, "kind,id,unit\nset,x,\n", &fs), BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "missing required columns: wtt, ttw, wtw, "
                                                  "quality, confirmed, source, version"));
    assert_int_equal(bx_factor_set_load(f->ctx, &fs, "/nonexistent/x.csv"), BX_ENOTFOUND);
    /* a ref to a fuel in the wrong unit */
    assert_int_equal(load(f, HEAD SET "fuel,d,,kg/l,,2.63,3.43,,,,default,yes,,s,1,\n"
                                      "toc,x,road,kwh/tkm,,,,1.1,d,,default,yes,,s,1,\n",
                          &fs),
                     BX_EINPUT);
    assert_non_null(strstr(bx_ctx_errmsg(f->ctx), "fuel 'd' is in kg/l; a kwh/tkm row "
                                                  "needs one in kg/kwh"));
}

typedef struct diff_log {
    char text[2048];
    int n;
} diff_log;

static int log_change(void *ud, const bx_factor_change *c)
{
    diff_log *d = ud;
    size_t n = strlen(d->text);
    const bx_factor *x = c->a ? c->a : c->b;
    snprintf(d->text + n, sizeof d->text - n, "%s %s:%s %x\n",
             c->a == NULL ? "added" : c->b == NULL ? "removed" : "changed",
             bx_factor_kind_name(x->kind), x->id, (unsigned)c->fields);
    d->n++;
    return 0;
}

static void test_diff(void **state)
{
    fixture *f = *state;
    bx_factor_set *a, *b;
    assert_int_equal(load(f, HEAD SET
                         "toc,same,road,g/tkm,,,1,,,,default,yes,,s,1,\n"
                         "toc,value,road,g/tkm,22,73,95,,,,default,yes,,s,1,\n"
                         "toc,gone,road,g/tkm,,,1,,,,default,yes,,s,1,\n"
                         "hoc,value,,kg/t,,,0.6,,,,default,yes,,s,1,\n",
                         &a),
                     BX_OK);
    assert_int_equal(load(f, HEAD "set,t1,,,,,,,,,,,co2e-ar6,test,2,\n"
                                  "toc,same,road,g/tkm,,,1,,,,default,yes,,s,1,\n"
                                  "toc,value,road,g/tkm,26.84,89.06,115.9,,,,default,derived,,s,1,\n"
                                  "hoc,value,,kg/t,,,0.6,,,,default,yes,,s,2,\n"
                                  "toc,new,rail,g/tkm,,,16,,,,default,yes,,s,1,\n",
                          &b),
                     BX_OK);
    diff_log d = {"", 0};
    size_t count;
    assert_int_equal(bx_factor_set_diff(a, b, log_change, &d, &count), BX_OK);
    assert_int_equal(count, 4);
    char want[512];
    snprintf(want, sizeof want, "changed toc:value %x\nremoved toc:gone 0\nchanged hoc:value %x\n"
                                "added toc:new 0\n",
             BX_FDIFF_WTT | BX_FDIFF_TTW | BX_FDIFF_WTW | BX_FDIFF_CONFIRMED,
             BX_FDIFF_VERSION);
    assert_string_equal(d.text, want);
    assert_int_equal(bx_factor_set_diff(a, a, NULL, NULL, &count), BX_OK);
    assert_int_equal(count, 0);
    bx_factor_set_free(a);
    bx_factor_set_free(b);
}

/* The shipped sets load, every row has a source and version, and a few
 * figures are spot-checked against the reference notes. */
static void test_shipped_sets(void **state)
{
    fixture *f = *state;
    bx_factor_set *g, *cn;
    assert_int_equal(bx_factor_set_load(f->ctx, &g, BOXCAR_SAMPLES "/factors/glec-v3.0.csv"),
                     BX_OK);
    assert_int_equal(bx_factor_set_load(f->ctx, &cn, BOXCAR_SAMPLES "/factors/cn-2023.csv"),
                     BX_OK);
    assert_string_equal(bx_factor_set_info_get(g).id, "glec-v3.0");
    assert_string_equal(bx_factor_set_info_get(cn).id, "cn-2023");
    const bx_factor *x = bx_factor_set_find(g, BX_FACTOR_TOC, "artic-40t-diesel");
    assert_true(x->wtt == 22 && x->ttw == 73 && x->wtw == 95);
    /* GLEC v3.0 Table 8: rigid 26-32 t 27 / 90 / 117, artic up to 34 t
     * 27 / 89 / 116 (the two rows were swapped and unconfirmed) */
    x = bx_factor_set_find(g, BX_FACTOR_TOC, "rigid-26-32t-diesel");
    assert_true(x->wtt == 27 && x->ttw == 90 && x->wtw == 117);
    assert_int_equal(x->confirmed, BX_CONFIRMED);
    x = bx_factor_set_find(g, BX_FACTOR_TOC, "artic-34t-diesel");
    assert_true(x->wtt == 27 && x->ttw == 89 && x->wtw == 116);
    assert_int_equal(x->confirmed, BX_CONFIRMED);
    /* industry average reefer: 172.2 g/TEU-km (WTT 23.5, TTW 148.7) as GLEC
     * prints it, shared at the row's 10 t per TEU: 17.22 g/tkm; not the
     * 193.3 Panama-trade row */
    const bx_factor_set *both[2] = {g, cn};
    for (int k = 0; k < 2; k++) {
        x = bx_factor_set_find(both[k], BX_FACTOR_TOC, "sea-container-reefer");
        assert_int_equal(x->unit, BX_UNIT_G_PER_TEUKM);
        assert_true(x->wtt == 23.5 && x->ttw == 148.7 && x->wtw == 172.2);
        assert_true(x->t_per_teu == 10);
        assert_int_equal(x->confirmed, BX_CONFIRMED);
        assert_true(fabs(bx_factor_wtw_g(both[k], x) - 17.22) < 1e-12);
    }
    /* GLEC Module 4's EU electricity: 97 g/MJ x 3.6 MJ/kWh = 0.3492 kg/kWh,
     * a conversion, so derived; the per-litre fuels are conversions too */
    x = bx_factor_set_find(g, BX_FACTOR_FUEL, "elec-eu27-2019");
    assert_true(x->wtw == 0.3492);
    assert_int_equal(x->confirmed, BX_DERIVED);
    /* the other grids GLEC v3.0 gives as WTW: the US 2019 average with
     * its losses, 118 g/MJ x 3.6 = 0.4248 kg/kWh (Module 1, p. 79), and
     * Germany's 0.49 kg/kWh of Module 4 Table 13; all upstream (TTW 0) */
    x = bx_factor_set_find(g, BX_FACTOR_FUEL, "elec-us-2019");
    assert_true(x->wtw == 0.4248 && x->ttw == 0);
    assert_int_equal(x->confirmed, BX_DERIVED);
    assert_true(fabs(bx_factor_wtw_g(g, x) - 424.8) < 1e-9);
    x = bx_factor_set_find(g, BX_FACTOR_FUEL, "elec-de-etw-2024");
    assert_true(x->wtw == 0.49 && x->ttw == 0);
    assert_int_equal(x->confirmed, BX_CONFIRMED);
    assert_int_equal(bx_factor_set_find(g, BX_FACTOR_FUEL, "diesel-eu")->confirmed,
                     BX_DERIVED);
    assert_int_equal(bx_factor_set_find(g, BX_FACTOR_FUEL, "gasoline-eu")->confirmed,
                     BX_DERIVED);
    x = bx_factor_set_find(g, BX_FACTOR_TOC, "air-belly-long");
    assert_int_equal(x->mode, BX_MODE_AIR);
    assert_true(x->ttw == 768 && x->wtw == 971);
    /* the splits GLEC v3.0 prints (Module 2: road PDF p. 91, rail p. 88,
     * air p. 85), WTT / TTW / WTW g/tkm */
    static const struct {
        const char *id;
        double wtt, ttw, wtw;
    } splits[] = {{"van-petrol", 232, 727, 959},   {"van-cng", 247, 618, 864},
                  {"van-lpg", 236, 679, 915},      {"artic-40t-lng", 28, 68, 96},
                  {"artic-40t-cng", 23, 65, 88},   {"rail-us-diesel", 2.8, 13.4, 16.2}};
    for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
        x = bx_factor_set_find(g, BX_FACTOR_TOC, splits[i].id);
        assert_non_null(x);
        if (!(x->wtt == splits[i].wtt && x->ttw == splits[i].ttw && x->wtw == splits[i].wtw))
            fail_msg("%s: %g / %g / %g", splits[i].id, x->wtt, x->ttw, x->wtw);
    }
    /* air, aircraft unknown: TTW 1075 of 1359 (short), 646 of 817 (long) */
    for (int k = 0; k < 2; k++) {
        x = bx_factor_set_find(both[k], BX_FACTOR_TOC, "air-unknown-short");
        assert_true(x->ttw == 1075 && x->wtw == 1359);
        x = bx_factor_set_find(both[k], BX_FACTOR_TOC, "air-unknown-long");
        assert_true(x->ttw == 646 && x->wtw == 817);
    }
    /* 95 x 1.22 = 115.9; 803 x 1.13 = 907.39 */
    assert_true(bx_factor_wtw_g(cn, bx_factor_set_find(cn, BX_FACTOR_TOC,
                                                       "artic-40t-diesel-cn")) == 115.9);
    assert_true(bx_factor_wtw_g(cn, bx_factor_set_find(cn, BX_FACTOR_TOC,
                                                       "van-diesel-cn")) == 907.39);
    /* 1.1 kWh/tkm x 577.7 g/kWh = 635.47 g/tkm (the reference's ~635) */
    assert_true(fabs(bx_factor_wtw_g(cn, bx_factor_set_find(cn, BX_FACTOR_TOC,
                                                            "van-electric-cn")) -
                     635.47) < 1e-9);
    /* every row of cn-2023 is on the set's basis: the CO2-only grid
     * factors are the set cn-2023-co2 (loading it warns of nothing) */
    assert_null(bx_factor_set_find(cn, BX_FACTOR_FUEL, "elec-cn-grid-2023"));
    for (size_t i = 0; i < bx_factor_set_count(cn); i++)
        assert_string_equal(bx_factor_set_at(cn, i)->basis, "co2e-ar6");
    bx_factor_set *co2;
    size_t warnings = bx_ctx_warning_count(f->ctx);
    assert_int_equal(bx_factor_set_load(f->ctx, &co2,
                                        BOXCAR_SAMPLES "/factors/cn-2023-co2.csv"),
                     BX_OK);
    assert_int_equal(bx_ctx_warning_count(f->ctx), warnings);
    assert_string_equal(bx_factor_set_info_get(co2).basis, "co2");
    x = bx_factor_set_find(co2, BX_FACTOR_FUEL, "elec-cn-grid-2023");
    assert_true(x->wtw == 0.5306);
    assert_int_equal(x->confirmed, BX_CONFIRMED);
    /* GLEC Module 4's parcel sites: 4.1 and 4.6 kg/t outbound */
    assert_true(bx_factor_set_find(cn, BX_FACTOR_HOC, "hub-parcel-site-local")->wtw == 4.1);
    assert_true(bx_factor_set_find(g, BX_FACTOR_HOC, "hub-parcel-site-terminal")->wtw == 4.6);
    /* its parameters were "from memory, to check": not shipped */
    assert_null(bx_factor_set_find(cn, BX_FACTOR_FUEL, "gasoline-cn"));
    x = bx_factor_set_find(co2, BX_FACTOR_FUEL, "diesel-cn");
    assert_true(x->ttw == 2.642);
    for (size_t i = 0; i < bx_factor_set_count(cn); i++) {
        const bx_factor *r = bx_factor_set_at(cn, i);
        assert_true(r->source[0] != '\0' && r->version[0] != '\0');
        /* every material figure came from a secondary report */
        if (r->kind == BX_FACTOR_MATERIAL)
            assert_int_equal(r->confirmed, BX_UNCONFIRMED);
    }
    size_t count;
    assert_int_equal(bx_factor_set_diff(g, cn, NULL, NULL, &count), BX_OK);
    assert_true(count > 0);
    bx_factor_set_free(g);
    bx_factor_set_free(cn);
    bx_factor_set_free(co2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_problem_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_level_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_sets, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
