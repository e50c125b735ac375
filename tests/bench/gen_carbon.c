/*
 * gen_carbon.c: a synthetic, deterministic carbon result for benchmarks:
 * the per-shipment CSV of `boxcar carbon -o` and the totals of `--totals`
 * that go with it (see gen_carbon.h).
 *
 * Every figure is drawn in whole milligrams, so the per-shipment grams
 * (three decimals) and the totals (integer mg) agree exactly, as a real run's
 * do: total WTW = transport + hubs + packaging; WTW = WTT + TTW where a
 * part has a split (road, air), WTW alone where it has none (rail, hubs,
 * packaging).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gen_carbon.h"

#define NROUTES 24
#define NMONTHS 12
#define NPACK 14
/* modes as the totals name them, in the order they are written */
enum { M_AIR, M_HUB, M_PACKAGING, M_RAIL, M_ROAD, NMODES };

typedef struct sums {
    uint64_t shipments, mass_g;
    int64_t t_wtt, t_ttw, t_wtw, hub, pack;
    int64_t gkm; /* transport activity, g.km, all on planned (sfd) distances */
} sums;

static uint64_t rng = 0x2545F4914F6CDD1Du;

static uint32_t next(void)
{
    /* xorshift64*: fast and fixed, so every run writes the same files */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717u) >> 32);
}

static void add(sums *s, uint64_t mass, int64_t wtt, int64_t ttw, int64_t wtw, int64_t hub,
                int64_t pack, int64_t gkm)
{
    s->gkm += gkm;
    s->shipments++;
    s->mass_g += mass;
    s->t_wtt += wtt;
    s->t_ttw += ttw;
    s->t_wtw += wtw;
    s->hub += hub;
    s->pack += pack;
}

static void put_g(FILE *fp, int64_t mg)
{
    fprintf(fp, "%" PRId64 ".%03" PRId64, mg / 1000, mg % 1000);
}

static void put_totals(FILE *fp, const char *group, const char *key, const sums *s,
                       uint64_t excluded)
{
    /* every figure default: the WTW by data quality is all default */
    fprintf(fp, "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",0,0,%" PRId64
                ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRIu64
                ",cn-2023,2023.3,0,%" PRId64 ",0,0,0,%" PRId64 ",%" PRId64 ",%" PRId64
                ",%" PRId64 "\n",
            group, key, s->shipments, s->mass_g, s->t_wtt, s->t_ttw, s->t_wtw, s->hub, s->pack,
            s->t_wtt, s->t_ttw, s->t_wtw + s->hub + s->pack, excluded, s->gkm,
            s->t_wtw + s->hub + s->pack, s->t_wtw - s->t_wtt - s->t_ttw, s->hub,
            s->t_wtw - s->t_wtt - s->t_ttw + s->hub + s->pack);
}

int bench_write_carbon(const char *per_shipment, const char *totals, uint64_t n)
{
    static const char *const pack_ids[NPACK] = {"1#", "10#", "11#", "12#", "2#", "3#", "4#",
                                                "5#", "6#", "7#", "8#", "9#", "crate-pp",
                                                "explicit:ldpe"};
    static const char *const mode_names[NMODES] = {"air", "hub", "packaging", "rail", "road"};
    static const char *const quality[] = {"default", "modelled", "primary"};
    static sums all, route[NROUTES], month[NMONTHS], mode[NMODES], pack[NPACK];
    memset(&all, 0, sizeof all);
    memset(route, 0, sizeof route);
    memset(month, 0, sizeof month);
    memset(mode, 0, sizeof mode);
    memset(pack, 0, sizeof pack);
    FILE *fp = fopen(per_shipment, "wb");
    if (fp == NULL)
        return -1;
    fputs("shipment_id,route_id,transport_wtw_g,transport_ttw_g,hub_wtw_g,packaging_g,"
          "total_wtw_g,total_ttw_g,transport_wtt_g,transport_unsplit_g,hub_wtt_g,hub_ttw_g,"
          "hub_unsplit_g,total_wtt_g,total_unsplit_g,transport_tkm,transport_g_per_tkm,"
          "distance_types,primary_wtw_g,modelled_wtw_g,default_wtw_g,method,data_quality,"
          "factor_set,factor_version\n", fp);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t r = next() % NROUTES, m = next() % NMONTHS, p = next() % NPACK;
        uint64_t mass = 200 + next() % 20000;
        /* routes 0-3 fly, 4-7 go by rail, the rest by road only */
        int64_t road_ttw = (int64_t)(next() % 60000), road_wtt = road_ttw / 4;
        int64_t air_ttw = r < 4 ? 200000 + (int64_t)(next() % 3000000) : 0, air_wtt = air_ttw / 4;
        int64_t rail = r >= 4 && r < 8 ? (int64_t)(next() % 90000) : 0;
        int64_t hub = 100 + (int64_t)(next() % 3000), pk = p == NPACK - 1 ? 59200
                                                         : 15000 + (int64_t)(next() % 200000);
        int64_t wtt = road_wtt + air_wtt, ttw = road_ttw + air_ttw;
        int64_t wtw = wtt + ttw + rail;
        fprintf(fp, "S%09" PRIu64 ",route-%02u,", i + 1, r);
        put_g(fp, wtw);
        fputc(',', fp);
        put_g(fp, ttw);
        fputc(',', fp);
        put_g(fp, hub);
        fputc(',', fp);
        put_g(fp, pk);
        fputc(',', fp);
        put_g(fp, wtw + hub + pk);
        fputc(',', fp);
        put_g(fp, ttw);
        /* the rail leg and the hub are WTW only: their split is unknown */
        const int64_t split[7] = {wtt, rail, 0, 0, hub, wtt, rail + hub + pk};
        for (int k = 0; k < 7; k++) {
            fputc(',', fp);
            put_g(fp, split[k]);
        }
        /* 500 km of planned distance: tkm with six decimals, g per tkm */
        int64_t gkm = (int64_t)mass * 500;
        fprintf(fp, ",%" PRId64 ".%06" PRId64 ",", gkm / 1000000, gkm % 1000000);
        put_g(fp, (int64_t)((double)wtw * 1e6 / (double)gkm + 0.5));
        fputs(",sfd,0.000,0.000,", fp);
        put_g(fp, wtw + hub + pk);
        fprintf(fp, ",%s,%s,cn-2023,2023.3\n",
                p == 12 ? "intensity+hub+reuse" : r % 3 ? "intensity+hub+packaging"
                                                        : "fuel+hub+packaging",
                quality[next() % 3]);
        add(&all, mass, wtt, ttw, wtw, hub, pk, gkm);
        add(&route[r], mass, wtt, ttw, wtw, hub, pk, gkm);
        add(&month[m], mass, wtt, ttw, wtw, hub, pk, gkm);
        add(&pack[p], mass, wtt, ttw, wtw, hub, pk, gkm);
        /* the activity goes with the road leg (every route has one) */
        add(&mode[M_ROAD], mass, road_wtt, road_ttw, road_wtt + road_ttw, 0, 0, gkm);
        if (air_ttw > 0)
            add(&mode[M_AIR], mass, air_wtt, air_ttw, air_wtt + air_ttw, 0, 0, 0);
        if (rail > 0)
            add(&mode[M_RAIL], mass, 0, 0, rail, 0, 0, 0);
        add(&mode[M_HUB], mass, 0, 0, 0, hub, 0, 0);
        add(&mode[M_PACKAGING], mass, 0, 0, 0, 0, pk, 0);
    }
    if (fclose(fp) != 0)
        return -1;
    fp = fopen(totals, "wb");
    if (fp == NULL)
        return -1;
    fputs("group,key,shipments,mass_g,transport_wtt_mg,transport_ttw_mg,transport_wtw_mg,"
          "hub_wtt_mg,hub_ttw_mg,hub_wtw_mg,packaging_mg,total_wtt_mg,total_ttw_mg,"
          "total_wtw_mg,excluded,factor_set,factor_version,activity_actual_gkm,"
          "activity_sfd_gkm,activity_gcd_gkm,primary_wtw_mg,modelled_wtw_mg,default_wtw_mg,"
          "transport_unsplit_mg,hub_unsplit_mg,total_unsplit_mg\n",
          fp);
    char key[32];
    put_totals(fp, "all", "all", &all, 0);
    for (int i = 0; i < NROUTES; i++) {
        snprintf(key, sizeof key, "route-%02d", i);
        if (route[i].shipments > 0)
            put_totals(fp, "route", key, &route[i], 0);
    }
    for (int i = 0; i < NMONTHS; i++) {
        snprintf(key, sizeof key, "2025-%02d", i + 1);
        if (month[i].shipments > 0)
            put_totals(fp, "month", key, &month[i], 0);
    }
    for (int i = 0; i < NMODES; i++)
        if (mode[i].shipments > 0)
            put_totals(fp, "mode", mode_names[i], &mode[i], 0);
    for (int i = 0; i < NPACK; i++)
        if (pack[i].shipments > 0)
            put_totals(fp, "packaging", pack_ids[i], &pack[i], 0);
    return fclose(fp) == 0 ? 0 : -1;
}
