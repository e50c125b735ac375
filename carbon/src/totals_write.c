/*
 * totals_write.c: totals as JSON Lines, a CBOR sequence, a table for
 * people and a per-group CSV (boxcar/carbon_io.h). The mergeable totals
 * file is totals_io.c's.
 *
 * JSON and CBOR carry the integers of the totals file, so they are as
 * exact as it is. The table and the per-group CSV are for reading: grams
 * with three decimals (exact), or kg rounded to the gram.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boxcar/carbon_io.h"
#include "carbon_internal.h"

enum {
    T_GROUP, T_KEY, T_SHIPMENTS, T_MASS, T_T_WTT, T_T_TTW, T_T_WTW, T_H_WTT, T_H_TTW, T_H_WTW,
    T_PACK, T_WTT, T_TTW, T_WTW, T_T_UNS, T_H_UNS, T_UNS, T_ACT_ACTUAL, T_ACT_SFD, T_ACT_GCD,
    T_Q_PRIMARY, T_Q_MODELLED, T_Q_DEFAULT, T_UPLIFT, T_REFRIG, T_EXCLUDED, T_SET, T_VERSION, T_MEAN, T_LO, T_HI,
    T_ALL
};
#define T_FIGURES (T_UNS - T_T_WTT + 1) /* T_T_WTT .. T_UNS */
#define T_COUNT T_MEAN /* the columns of the totals file */

/* The columns of the totals file, in its order, and the interval. */
static const char *const names[T_ALL] = {
    "group", "key", "shipments", "mass_g", "transport_wtt_mg", "transport_ttw_mg",
    "transport_wtw_mg", "hub_wtt_mg", "hub_ttw_mg", "hub_wtw_mg", "packaging_mg",
    "total_wtt_mg", "total_ttw_mg", "total_wtw_mg", "transport_unsplit_mg", "hub_unsplit_mg",
    "total_unsplit_mg", "activity_actual_gkm", "activity_sfd_gkm", "activity_gcd_gkm",
    "primary_wtw_mg", "modelled_wtw_mg", "default_wtw_mg", "temp_uplift_wtw_mg",
    "refrigerant_mg", "excluded", "factor_set",
    "factor_version", "total_wtw_mean_mg", "total_wtw_p2_5_mg", "total_wtw_p97_5_mg"};

/* The columns of names that hold numbers and every totals file has:
 * T_SHIPMENTS .. T_EXCLUDED but for temp_uplift_wtw_mg and refrigerant_mg,
 * which files written before them lack (readers take them when given). */
static const char *const numeric[] = {
    "shipments", "mass_g", "transport_wtt_mg", "transport_ttw_mg", "transport_wtw_mg",
    "hub_wtt_mg", "hub_ttw_mg", "hub_wtw_mg", "packaging_mg", "total_wtt_mg",
    "total_ttw_mg", "total_wtw_mg", "transport_unsplit_mg", "hub_unsplit_mg",
    "total_unsplit_mg", "activity_actual_gkm", "activity_sfd_gkm", "activity_gcd_gkm",
    "primary_wtw_mg", "modelled_wtw_mg", "default_wtw_mg", "excluded", NULL};

const char *const *bx_carbon_totals_numeric_columns(void)
{
    return numeric;
}

/* The emission figures of a sum, T_T_WTT .. T_UNS: the last three are the
 * WTW whose WTT/TTW split is unknown (packaging's is all of it). */
static void figures(const bx_carbon_sum *s, int64_t v[T_FIGURES])
{
    const int64_t f[T_FIGURES] = {
        s->transport.wtt_mg, s->transport.ttw_mg, s->transport.wtw_mg,
        s->hub.wtt_mg,       s->hub.ttw_mg,       s->hub.wtw_mg,
        s->packaging_mg,     s->total.wtt_mg,     s->total.ttw_mg,
        s->total.wtw_mg,     bx_co2e_unsplit_mg(&s->transport),
        bx_co2e_unsplit_mg(&s->hub), bx_co2e_unsplit_mg(&s->total)};
    memcpy(v, f, sizeof f);
}

static bool bad_group(bx_totals_group g, bool all_allowed)
{
    return (unsigned)g > (unsigned)BX_BY_COUNT || (g == BX_BY_COUNT && !all_allowed);
}

/* Intervals of group g's rows when u keeps them; NULL otherwise. */
static bx_uncertainty *intervals_for(bx_uncertainty *u, bx_totals_group g)
{
    return u != NULL && g != BX_BY_COUNT && bx_uncertainty_group(u) == g ? u : NULL;
}

/* The interval of `key` (the total's when key is NULL) in whole mg. A key
 * under which nothing uncertain was added has a zero interval. */
static bx_status interval_mg(bx_ctx *ctx, bx_uncertainty *u, const char *key, int64_t mg[3])
{
    bx_interval iv = {0, 0, 0};
    bx_status st = key != NULL ? bx_uncertainty_key(u, key, &iv) : bx_uncertainty_total(u, &iv);
    if (st != BX_OK && st != BX_ENOTFOUND)
        return st;
    if (!bxi_carbon_g_to_mg(iv.mean_g, &mg[0]) || !bxi_carbon_g_to_mg(iv.lo_g, &mg[1]) ||
        !bxi_carbon_g_to_mg(iv.hi_g, &mg[2]))
        return bxi_error(ctx, BX_ELIMIT, "totals: the interval of '%s' is out of range",
                        key != NULL ? key : "total");
    return BX_OK;
}

static bx_status write_structured(bx_carbon_totals *t, bx_totals_group only, bool cbor,
                                  bx_uncertainty *u, bx_write_fn write, void *ud)
{
    if (t == NULL)
        return BX_EINVAL;
    bx_ctx *ctx = bxi_carbon_totals_ctx(t);
    if (write == NULL || bad_group(only, true))
        return bxi_error(ctx, BX_EINVAL, "totals: bad argument");
#if !BOXCAR_HAVE_CBOR
    if (cbor)
        return bxi_error(ctx, BX_EUNSUPPORTED, "CBOR output was left out of this build");
#endif
    u = intervals_for(u, only);
    size_t nf = u != NULL ? T_ALL : T_COUNT;
    bxc_field f[T_ALL];
    for (size_t c = 0; c < T_ALL; c++) {
        f[c].name = names[c];
        f[c].text = NULL;
    }
    uint8_t order[T_ALL];
    bxi_carbon_cbor_order(f, nf, order);
    f[T_SET].text = bx_carbon_totals_set_id(t);
    f[T_VERSION].text = bx_carbon_totals_set_version(t);
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the totals");
    bx_totals_group first = only == BX_BY_COUNT ? BX_BY_ALL : only;
    bx_totals_group last = only == BX_BY_COUNT ? BX_BY_ENERGY : only;
    for (int g = (int)first; g <= (int)last; g++) {
        size_t n = bx_carbon_totals_count(t, (bx_totals_group)g);
        for (size_t i = 0; i < n; i++) {
            const char *key;
            bx_carbon_sum s;
            bx_status st = bx_carbon_totals_row(t, (bx_totals_group)g, i, &key, &s);
            if (st != BX_OK)
                return st;
            f[T_GROUP].text = bx_totals_group_name((bx_totals_group)g);
            f[T_KEY].text = key;
            f[T_SHIPMENTS].integer = s.shipments;
            f[T_MASS].integer = s.mass_g;
            int64_t v[T_FIGURES];
            figures(&s, v);
            for (size_t k = 0; k < T_FIGURES; k++)
                f[T_T_WTT + k].integer = v[k];
            for (size_t k = 0; k < BX_DIST_COUNT; k++)
                f[T_ACT_ACTUAL + k].integer = s.activity_gkm[k];
            for (size_t k = 0; k < 3; k++)
                f[T_Q_PRIMARY + k].integer = s.quality_mg[k];
            f[T_UPLIFT].integer = s.temp_uplift_mg;
            f[T_REFRIG].integer = s.refrigerant_mg;
            f[T_EXCLUDED].integer =
                g == BX_BY_ALL ? (int64_t)bx_carbon_totals_excluded(t) : 0;
            int64_t iv[3];
            if (u != NULL && (st = interval_mg(ctx, u, key, iv)) != BX_OK)
                return st;
            for (size_t k = 0; u != NULL && k < 3; k++)
                f[T_MEAN + k].integer = iv[k];
#if BOXCAR_HAVE_CBOR
            if (cbor)
                bxi_carbon_emit_cbor(&o, f, nf, order);
            else
#endif
                bxi_carbon_emit_json(&o, f, nf);
        }
    }
    return bxi_emit_finish(&o);
}

bx_status bx_carbon_totals_write_json(bx_carbon_totals *t, bx_totals_group g,
                                      bx_write_fn write, void *ud)
{
    return write_structured(t, g, false, NULL, write, ud);
}

bx_status bx_carbon_totals_write_cbor(bx_carbon_totals *t, bx_totals_group g,
                                      bx_write_fn write, void *ud)
{
    return write_structured(t, g, true, NULL, write, ud);
}

/* Milligrams as kg with three decimals: whole grams, half away from zero.
 * From quotient and remainder: adding 500 first overflowed for totals
 * near INT64_MAX, which a totals file may hold. */
static char *kg3(int64_t mg, char *buf, size_t size)
{
    int64_t g = mg / 1000, r = mg % 1000; /* C truncates: r has mg's sign */
    g += r >= 500 ? 1 : r <= -500 ? -1 : 0;
    return bx_mg_to_text(g, buf, size);
}

static bx_status table(bx_emit *o, bx_carbon_totals *t, bx_totals_group g,
                       const bx_carbon_sum *all, bx_uncertainty *u)
{
    char line[640];
    int len = snprintf(line, sizeof line,
                       "%-24s %9s %12s %14s %10s %13s %14s %14s %14s %16s %11s %6s",
                       bx_totals_group_name(g), "shipments", "mass_kg", "transport_kg",
                       "hub_kg", "packaging_kg", "total_wtw_kg", "total_ttw_kg",
                       "unsplit_kg", "tkm", "g_per_tkm", "share");
    bx_emit_bytes(o, line, (size_t)len);
    if (u != NULL)
        bxi_emit_str(o, "  wtw_mean_kg  wtw_p2_5_kg wtw_p97_5_kg");
    bxi_emit_char(o, '\n');
    size_t n = bx_carbon_totals_count(t, g);
    for (size_t i = 0; i <= n; i++) {
        const char *key = "total";
        bx_carbon_sum s = *all;
        bx_status st;
        if (i < n && (st = bx_carbon_totals_row(t, g, i, &key, &s)) != BX_OK)
            return st;
        char b[10][40];
        /* the share in tenths of a percent, from the exact integers */
        int64_t share = all->total.wtw_mg > 0
                            ? (int64_t)floor(1000.0 * (double)s.total.wtw_mg /
                                                 (double)all->total.wtw_mg +
                                             0.5)
                            : 0;
        snprintf(b[6], sizeof b[6], "%" PRId64 ".%d%%", share / 10, (int)(share % 10));
        int64_t gkm = s.activity_gkm[0] + s.activity_gkm[1] + s.activity_gkm[2], per_tkm;
        bxi_carbon_gkm_to_tkm_text(gkm, b[8], sizeof b[8]);
        if (!bxi_carbon_per_unit_mg(s.transport.wtw_mg, gkm, 1e6, &per_tkm))
            b[9][0] = '\0';
        else
            bx_mg_to_text(per_tkm, b[9], sizeof b[9]);
        len = snprintf(line, sizeof line,
                       "%-24s %9" PRId64 " %12s %14s %10s %13s %14s %14s %14s %16s %11s %6s", key,
                       s.shipments, bx_mg_to_text(s.mass_g, b[0], sizeof b[0]),
                       kg3(s.transport.wtw_mg, b[1], sizeof b[1]),
                       kg3(s.hub.wtw_mg, b[2], sizeof b[2]), kg3(s.packaging_mg, b[3], sizeof b[3]),
                       kg3(s.total.wtw_mg, b[4], sizeof b[4]),
                       kg3(s.total.ttw_mg, b[5], sizeof b[5]),
                       kg3(bx_co2e_unsplit_mg(&s.total), b[7], sizeof b[7]), b[8], b[9], b[6]);
        bx_emit_bytes(o, line, len < (int)sizeof line ? (size_t)len : sizeof line - 1);
        if (u != NULL) {
            int64_t iv[3];
            if ((st = interval_mg(bxi_carbon_totals_ctx(t), u, i < n ? key : NULL, iv)) != BX_OK)
                return st;
            len = snprintf(line, sizeof line, "  %11s  %11s  %11s", kg3(iv[0], b[0], sizeof b[0]),
                           kg3(iv[1], b[1], sizeof b[1]), kg3(iv[2], b[2], sizeof b[2]));
            bx_emit_bytes(o, line, (size_t)len);
        }
        bxi_emit_char(o, '\n');
    }
    bxi_emit_str(o, "factor set ");
    bxi_emit_str(o, bx_carbon_totals_set_id(t));
    bxi_emit_char(o, ' ');
    bxi_emit_str(o, bx_carbon_totals_set_version(t));
    bxi_emit_str(o, "; ");
    bxi_emit_u64(o, bx_carbon_totals_excluded(t));
    bxi_emit_str(o, " rows excluded as bad input");
    if (g == BX_BY_MODE)
        bxi_emit_str(o, "; a shipment counts under each mode it uses");
    if (g == BX_BY_ENERGY)
        bxi_emit_str(o, "; a shipment counts under each energy carrier it uses; "
                        "transport and hub WTW only");
    if (u != NULL)
        bxi_emit_str(o, "; 95 % intervals of WTW from factor uncertainty");
    bxi_emit_char(o, '\n');
    return BX_OK;
}

static void put_text(bx_csv_writer *w, const char *s)
{
    bx_csv_write_field(w, s, strlen(s));
}

/* The figures a report shows beside the emissions: activity in tkm (all,
 * then by distance type), intensities (g CO2e per tkm of transport, per
 * tonne through hubs; empty when there is no activity or mass), and the
 * WTW by data-quality class in g. */
static void put_reporting(bx_csv_writer *w, const bx_carbon_sum *s)
{
    char b[40];
    int64_t gkm = s->activity_gkm[0] + s->activity_gkm[1] + s->activity_gkm[2], v;
    put_text(w, bxi_carbon_gkm_to_tkm_text(gkm, b, sizeof b));
    for (int d = 0; d < BX_DIST_COUNT; d++)
        put_text(w, bxi_carbon_gkm_to_tkm_text(s->activity_gkm[d], b, sizeof b));
    put_text(w, bxi_carbon_per_unit_mg(s->transport.wtw_mg, gkm, 1e6, &v)
                    ? bx_mg_to_text(v, b, sizeof b)
                    : "");
    put_text(w, s->hub.wtw_mg > 0 && bxi_carbon_per_unit_mg(s->hub.wtw_mg, s->mass_g, 1e6, &v)
                    ? bx_mg_to_text(v, b, sizeof b)
                    : "");
    for (int q = 0; q < 3; q++)
        put_text(w, bx_mg_to_text(s->quality_mg[q], b, sizeof b));
    put_text(w, bx_mg_to_text(s->temp_uplift_mg, b, sizeof b));
    put_text(w, bx_mg_to_text(s->refrigerant_mg, b, sizeof b));
}

static bx_status group_csv(bx_emit *o, bx_carbon_totals *t, bx_totals_group g,
                           bx_uncertainty *u)
{
    static const char *const cols[] = {
        "shipments",   "mass_g",      "transport_wtt_g",  "transport_ttw_g",
        "transport_wtw_g", "hub_wtt_g", "hub_ttw_g",      "hub_wtw_g",
        "packaging_g", "total_wtt_g", "total_ttw_g",      "total_wtw_g",
        "transport_unsplit_g", "hub_unsplit_g", "total_unsplit_g", "transport_tkm",
        "actual_tkm", "sfd_tkm", "gcd_tkm", "transport_g_per_tkm", "hub_g_per_t",
        "primary_wtw_g", "modelled_wtw_g", "default_wtw_g", "temp_uplift_wtw_g",
        "refrigerant_g", "factor_set",  "factor_version", "total_wtw_mean_g", "total_wtw_p2_5_g",
        "total_wtw_p97_5_g"};
    bx_csv_writer w;
    bx_csv_writer_init(&w, bxi_emit_write, o);
    put_text(&w, bx_totals_group_name(g));
    for (size_t c = 0; c < BX_ARRAY_LEN(cols) - (u != NULL ? 0 : 3); c++)
        put_text(&w, cols[c]);
    bx_csv_end_record(&w);
    size_t n = bx_carbon_totals_count(t, g);
    for (size_t i = 0; i < n; i++) {
        const char *key;
        bx_carbon_sum s;
        bx_status st = bx_carbon_totals_row(t, g, i, &key, &s);
        if (st != BX_OK)
            return st;
        char b[32];
        put_text(&w, key);
        snprintf(b, sizeof b, "%" PRId64, s.shipments);
        put_text(&w, b);
        snprintf(b, sizeof b, "%" PRId64, s.mass_g);
        put_text(&w, b);
        int64_t v[T_FIGURES];
        figures(&s, v);
        for (size_t k = 0; k < T_FIGURES; k++)
            put_text(&w, bx_mg_to_text(v[k], b, sizeof b));
        put_reporting(&w, &s);
        put_text(&w, bx_carbon_totals_set_id(t));
        put_text(&w, bx_carbon_totals_set_version(t));
        if (u != NULL) {
            int64_t iv[3];
            if ((st = interval_mg(bxi_carbon_totals_ctx(t), u, key, iv)) != BX_OK)
                return st;
            for (size_t k = 0; k < 3; k++)
                put_text(&w, bx_mg_to_text(iv[k], b, sizeof b));
        }
        bx_csv_end_record(&w);
    }
    return BX_OK;
}

bx_status bx_carbon_totals_write_group(bx_carbon_totals *t, bx_carbon_format format,
                                       bx_totals_group g, bx_uncertainty *u,
                                       bx_write_fn write, void *ud)
{
    if (t == NULL)
        return BX_EINVAL;
    bx_ctx *ctx = bxi_carbon_totals_ctx(t);
    if (write == NULL || bad_group(g, false))
        return bxi_error(ctx, BX_EINVAL, "totals: bad argument");
    switch (format) {
    case BX_CARBON_JSON: return write_structured(t, g, false, u, write, ud);
    case BX_CARBON_CBOR: return write_structured(t, g, true, u, write, ud);
    case BX_CARBON_TABLE:
    case BX_CARBON_CSV: break;
    default: return bxi_error(ctx, BX_EINVAL, "unknown carbon output format %d", (int)format);
    }
    const char *key;
    bx_carbon_sum all;
    bx_status st = bx_carbon_totals_row(t, BX_BY_ALL, 0, &key, &all);
    if (st != BX_OK)
        return st;
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the totals");
    u = intervals_for(u, g);
    st = format == BX_CARBON_TABLE ? table(&o, t, g, &all, u) : group_csv(&o, t, g, u);
    bx_status out = bxi_emit_finish(&o);
    return st != BX_OK ? st : out;
}
