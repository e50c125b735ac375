/*
 * totals_io.c: totals as CSV, in whole milligrams, and back.
 *
 * Every row repeats the factor set and version, so a file cut or
 * concatenated by hand is still self-describing, and the "all" row carries
 * the count of rows excluded as bad input. Reading re-checks that each
 * total equals the sum of its parts: a hand-edited shard is refused rather
 * than merged into an audited figure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

enum {
    C_GROUP, C_KEY, C_SHIPMENTS, C_MASS, C_T_WTT, C_T_TTW, C_T_WTW, C_H_WTT, C_H_TTW,
    C_H_WTW, C_PACK, C_WTT, C_TTW, C_WTW, C_T_UNS, C_H_UNS, C_UNS, C_ACT_ACTUAL, C_ACT_SFD,
    C_ACT_GCD, C_Q_PRIMARY, C_Q_MODELLED, C_Q_DEFAULT, C_UPLIFT, C_REFRIG, C_EXCLUDED, C_SET, C_VERSION, C_COUNT
};

static const bxc_column columns[C_COUNT] = {
    [C_GROUP] = {"group", true},
    [C_KEY] = {"key", true},
    [C_SHIPMENTS] = {"shipments", true},
    [C_MASS] = {"mass_g", true},
    [C_T_WTT] = {"transport_wtt_mg", true},
    [C_T_TTW] = {"transport_ttw_mg", true},
    [C_T_WTW] = {"transport_wtw_mg", true},
    [C_H_WTT] = {"hub_wtt_mg", true},
    [C_H_TTW] = {"hub_ttw_mg", true},
    [C_H_WTW] = {"hub_wtw_mg", true},
    [C_PACK] = {"packaging_mg", true},
    [C_WTT] = {"total_wtt_mg", true},
    [C_TTW] = {"total_ttw_mg", true},
    [C_WTW] = {"total_wtw_mg", true},
    /* implied by the figures before them: checked when given, so files
     * written before these columns merge as they are */
    [C_T_UNS] = {"transport_unsplit_mg", false},
    [C_H_UNS] = {"hub_unsplit_mg", false},
    [C_UNS] = {"total_unsplit_mg", false},
    /* transport activity in gram-km by distance type, and the WTW by data-
     * quality class: sums, not implied by the figures, so required */
    [C_ACT_ACTUAL] = {"activity_actual_gkm", true},
    [C_ACT_SFD] = {"activity_sfd_gkm", true},
    [C_ACT_GCD] = {"activity_gcd_gkm", true},
    [C_Q_PRIMARY] = {"primary_wtw_mg", true},
    [C_Q_MODELLED] = {"modelled_wtw_mg", true},
    [C_Q_DEFAULT] = {"default_wtw_mg", true},
    /* parts of transport_wtw_mg: files written before them read as 0 */
    [C_UPLIFT] = {"temp_uplift_wtw_mg", false},
    [C_REFRIG] = {"refrigerant_mg", false},
    [C_EXCLUDED] = {"excluded", true},
    [C_SET] = {"factor_set", true},
    [C_VERSION] = {"factor_version", true},
};

static int64_t *field_ptr(bx_carbon_sum *s, size_t c)
{
    switch (c) {
    case C_SHIPMENTS: return &s->shipments;
    case C_MASS: return &s->mass_g;
    case C_T_WTT: return &s->transport.wtt_mg;
    case C_T_TTW: return &s->transport.ttw_mg;
    case C_T_WTW: return &s->transport.wtw_mg;
    case C_H_WTT: return &s->hub.wtt_mg;
    case C_H_TTW: return &s->hub.ttw_mg;
    case C_H_WTW: return &s->hub.wtw_mg;
    case C_PACK: return &s->packaging_mg;
    case C_WTT: return &s->total.wtt_mg;
    case C_TTW: return &s->total.ttw_mg;
    case C_ACT_ACTUAL: return &s->activity_gkm[BX_DIST_ACTUAL];
    case C_ACT_SFD: return &s->activity_gkm[BX_DIST_SFD];
    case C_ACT_GCD: return &s->activity_gkm[BX_DIST_GCD];
    case C_Q_PRIMARY: return &s->quality_mg[0];
    case C_Q_MODELLED: return &s->quality_mg[1];
    case C_Q_DEFAULT: return &s->quality_mg[2];
    case C_UPLIFT: return &s->temp_uplift_mg;
    case C_REFRIG: return &s->refrigerant_mg;
    default: return &s->total.wtw_mg;
    }
}

static bx_status put(bx_csv_writer *w, const char *s)
{
    return bx_csv_write_field(w, s, strlen(s));
}

static bx_status put_i64(bx_csv_writer *w, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    return bx_csv_write_field(w, buf, (size_t)n);
}

/* The WTW whose WTT/TTW split is unknown, of transport, hubs and the
 * total (packaging included): columns C_T_UNS .. C_UNS, derived from the
 * sums so they merge exactly as those do. */
static void unsplit_of(const bx_carbon_sum *s, int64_t out[3])
{
    out[0] = bx_co2e_unsplit_mg(&s->transport);
    out[1] = bx_co2e_unsplit_mg(&s->hub);
    out[2] = bx_co2e_unsplit_mg(&s->total);
}

bx_status bx_carbon_totals_write(bx_carbon_totals *t, bx_write_fn write, void *ud)
{
    if (t == NULL || write == NULL)
        return BX_EINVAL;
    bx_csv_writer w;
    bx_csv_writer_init(&w, write, ud);
    bx_status st = BX_OK;
    for (size_t c = 0; st == BX_OK && c < C_COUNT; c++)
        st = put(&w, columns[c].name);
    if (st == BX_OK)
        st = bx_csv_end_record(&w);
    for (int g = 0; st == BX_OK && g < BX_BY_COUNT; g++) {
        size_t n = bx_carbon_totals_count(t, (bx_totals_group)g);
        for (size_t i = 0; st == BX_OK && i < n; i++) {
            const char *key;
            bx_carbon_sum s;
            if ((st = bx_carbon_totals_row(t, (bx_totals_group)g, i, &key, &s)) != BX_OK)
                break;
            st = put(&w, bx_totals_group_name((bx_totals_group)g));
            if (st == BX_OK)
                st = put(&w, key);
            for (size_t c = C_SHIPMENTS; st == BX_OK && c <= C_WTW; c++)
                st = put_i64(&w, *field_ptr(&s, c));
            int64_t uns[3];
            unsplit_of(&s, uns);
            for (size_t c = 0; st == BX_OK && c < 3; c++)
                st = put_i64(&w, uns[c]);
            for (size_t c = C_ACT_ACTUAL; st == BX_OK && c <= C_REFRIG; c++)
                st = put_i64(&w, *field_ptr(&s, c));
            if (st == BX_OK) {
                uint64_t ex = g == BX_BY_ALL ? bx_carbon_totals_excluded(t) : 0;
                char buf[32];
                snprintf(buf, sizeof buf, "%llu", (unsigned long long)ex);
                st = put(&w, buf);
            }
            if (st == BX_OK)
                st = put(&w, bx_carbon_totals_set_id(t));
            if (st == BX_OK)
                st = put(&w, bx_carbon_totals_set_version(t));
            if (st == BX_OK)
                st = bx_csv_end_record(&w);
        }
    }
    return st == BX_EIO ? bxi_error(bxi_carbon_totals_ctx(t), BX_EIO, "totals: write failed") : st;
}

static bx_status bad(const bxc_table *t, size_t c, const char *why)
{
    bx_location where = bxi_carbon_where(t, c);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", why);
}

/* total == a + b + c for figures read as >= 0, without forming a sum that
 * could pass INT64_MAX (the fields go up to it). */
static bool sums_to(int64_t total, int64_t a, int64_t b, int64_t c)
{
    return a <= total && b <= total - a && c == total - a - b;
}

/* wtt + ttw > wtw, for figures >= 0, without the overflowing sum. */
static bool exceeds(int64_t wtt, int64_t ttw, int64_t wtw)
{
    return wtt > wtw || ttw > wtw - wtt;
}

/* Rows are checked so that a shard that does not add up is refused. */
static bx_status check_sum(const bxc_table *t, const bx_carbon_sum *s, bool energy)
{
    if (energy && (s->packaging_mg != 0 || s->total.wtt_mg != 0 || s->total.ttw_mg != 0 ||
                   s->quality_mg[0] != 0 || s->quality_mg[1] != 0 || s->quality_mg[2] != 0))
        return bad(t, C_GROUP, "an energy row carries transport and hub WTW only");
    if (energy)
        return sums_to(s->total.wtw_mg, s->transport.wtw_mg, s->hub.wtw_mg, 0)
                   ? BX_OK
                   : bad(t, C_WTW, "total_wtw_mg is not transport + hub");
    if (!sums_to(s->total.wtw_mg, s->transport.wtw_mg, s->hub.wtw_mg, s->packaging_mg))
        return bad(t, C_WTW, "total_wtw_mg is not transport + hub + packaging");
    if (!sums_to(s->total.ttw_mg, s->transport.ttw_mg, s->hub.ttw_mg, 0))
        return bad(t, C_TTW, "total_ttw_mg is not transport + hub");
    if (!sums_to(s->total.wtt_mg, s->transport.wtt_mg, s->hub.wtt_mg, 0))
        return bad(t, C_WTT, "total_wtt_mg is not transport + hub");
    if (exceeds(s->transport.wtt_mg, s->transport.ttw_mg, s->transport.wtw_mg))
        return bad(t, C_T_WTW, "transport WTT + TTW exceed WTW");
    if (exceeds(s->hub.wtt_mg, s->hub.ttw_mg, s->hub.wtw_mg))
        return bad(t, C_H_WTW, "hub WTT + TTW exceed WTW");
    if (s->quality_mg[0] > s->total.wtw_mg ||
        !sums_to(s->total.wtw_mg - s->quality_mg[0], s->quality_mg[1], s->quality_mg[2], 0))
        return bad(t, C_Q_DEFAULT, "primary + modelled + default WTW is not total_wtw_mg");
    if (s->temp_uplift_mg > s->transport.wtw_mg ||
        s->refrigerant_mg > s->transport.wtw_mg - s->temp_uplift_mg)
        return bad(t, C_REFRIG, "temp_uplift_wtw_mg + refrigerant_mg exceed transport_wtw_mg");
    return BX_OK;
}

/* One row into tmp (made at the first row, with its factor set). */
static bx_status read_row(bx_ctx *ctx, const bxc_table *t, bx_carbon_totals **tmp,
                          bool *seen_all)
{
    static const char *const groups[] = {"all", "route", "month", "mode", "packaging",
                                         "energy", NULL};
    int g;
    bx_status st = bxi_carbon_get_word(t, C_GROUP, true, groups, &g);
    if (st != BX_OK)
        return st;
    size_t len;
    const char *key = bxi_carbon_get(t, C_KEY, &len);
    if (len == 0 || len >= BX_PACKAGING_MAX + 16)
        return bad(t, C_KEY, "key must be 1 to 143 bytes");
    if (g == BX_BY_ALL && strcmp(key, "all") != 0)
        return bad(t, C_KEY, "the 'all' group has the one key 'all'");
    bx_carbon_sum s;
    memset(&s, 0, sizeof s);
    for (size_t c = C_SHIPMENTS; c <= C_WTW; c++)
        if ((st = bxi_carbon_get_int(t, c, true, 0, INT64_MAX, field_ptr(&s, c), NULL)) != BX_OK)
            return st;
    for (size_t c = C_ACT_ACTUAL; c <= C_REFRIG; c++)
        if ((st = bxi_carbon_get_int(t, c, c <= C_Q_DEFAULT, 0, INT64_MAX, field_ptr(&s, c),
                                     NULL)) != BX_OK)
            return st;
    int64_t ex;
    if ((st = bxi_carbon_get_int(t, C_EXCLUDED, true, 0, INT64_MAX, &ex, NULL)) != BX_OK)
        return st;
    if (g != BX_BY_ALL && ex != 0)
        return bad(t, C_EXCLUDED, "only the 'all' row counts excluded rows");
    if ((st = check_sum(t, &s, g == BX_BY_ENERGY)) != BX_OK)
        return st;
    /* the unsplit figures say what the others imply: a file that states
     * them otherwise was edited by hand */
    int64_t uns[3];
    unsplit_of(&s, uns);
    for (size_t c = 0; c < 3; c++) {
        int64_t v = uns[c];
        if ((st = bxi_carbon_get_int(t, C_T_UNS + c, false, 0, INT64_MAX, &v, NULL)) != BX_OK)
            return st;
        if (v != uns[c])
            return bad(t, C_T_UNS + c, "the unsplit WTW is not WTW - WTT - TTW");
    }
    const char *set = bxi_carbon_get(t, C_SET, NULL), *version = bxi_carbon_get(t, C_VERSION, NULL);
    if (*tmp == NULL) {
        if (strlen(set) >= 128 || strlen(version) >= 128)
            return bad(t, C_SET, "factor set or version longer than 127 bytes");
        if ((st = bx_carbon_totals_new(ctx, tmp, set, version)) != BX_OK)
            return st;
    } else if (strcmp(set, bx_carbon_totals_set_id(*tmp)) != 0 ||
               strcmp(version, bx_carbon_totals_set_version(*tmp)) != 0) {
        return bad(t, C_SET, "factor set or version differs from the file's first row");
    }
    if (g == BX_BY_ALL && *seen_all)
        return bad(t, C_KEY, "a second 'all' row");
    bool existed;
    if ((st = bxi_carbon_totals_put(*tmp, (bx_totals_group)g, key, len, &s, &existed)) != BX_OK)
        return st;
    if (g == BX_BY_ALL)
        *seen_all = true; /* its row is made with the totals: it always exists */
    else if (existed)
        return bad(t, C_KEY, "this group and key appear twice in the file");
    bx_carbon_totals_exclude(*tmp, (uint64_t)ex);
    return BX_OK;
}

static bx_status read_table(bx_carbon_totals *into, bxc_table *t)
{
    bx_carbon_totals *tmp = NULL;
    bool seen_all = false;
    bx_status first = BX_OK, st;
    while ((st = bxi_carbon_table_next(t)) != BX_END) {
        if (st == BX_OK)
            st = read_row(bxi_carbon_totals_ctx(into), t, &tmp, &seen_all);
        if (st == BX_EINPUT) {
            first = first == BX_OK ? st : first;
            continue;
        }
        if (st != BX_OK) {
            first = st;
            break;
        }
    }
    if (first == BX_OK && !seen_all) {
        bx_location where = {0};
        where.file = t->name;
        first = bxi_input_error(bxi_carbon_totals_ctx(into), BX_EINPUT, &where,
                               "no 'all' row: not a complete totals file");
    }
    if (first == BX_OK) {
        first = bx_carbon_totals_merge(into, tmp);
        if (first == BX_EINPUT) {
            /* say which file did not match, through the diagnostics too */
            char msg[512];
            snprintf(msg, sizeof msg, "%s", bx_ctx_errmsg(bxi_carbon_totals_ctx(into)));
            bx_location where = {0};
            where.file = t->name;
            first = bxi_input_error(bxi_carbon_totals_ctx(into), BX_EINPUT, &where, "%s", msg);
        }
    }
    bx_carbon_totals_free(tmp);
    return first;
}

bx_status bx_carbon_totals_read(bx_carbon_totals *t, const char *path)
{
    if (t == NULL || path == NULL)
        return BX_EINVAL;
    bxc_table tab;
    bx_status st = bxi_carbon_table_open_path(&tab, bxi_carbon_totals_ctx(t), path, columns, C_COUNT);
    if (st != BX_OK)
        return st;
    st = read_table(t, &tab);
    bxi_carbon_table_close(&tab);
    return st;
}

bx_status bx_carbon_totals_read_mem(bx_carbon_totals *t, const char *name,
                                    const void *data, size_t size)
{
    if (t == NULL || name == NULL || (data == NULL && size > 0))
        return BX_EINVAL;
    bxc_table tab;
    bx_status st = bxi_carbon_table_open_mem(&tab, bxi_carbon_totals_ctx(t), name, data, size, columns,
                                      C_COUNT);
    if (st != BX_OK)
        return st;
    st = read_table(t, &tab);
    bxi_carbon_table_close(&tab);
    return st;
}
