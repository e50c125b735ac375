/*
 * carbon_write.c: per-shipment results as CSV, JSON Lines, a CBOR sequence
 * or a text table (boxcar/carbon_io.h).
 *
 * Every format is built from the same whole-milligram figures: the text
 * formats print them as grams with three decimals (bx_mg_to_text, exact),
 * JSON and CBOR carry the integers. So no format rounds differently from
 * another, and none depends on the C locale.
 *
 * This runs once per shipment of a batch that may hold millions, so the
 * writer keeps its output buffer and the method labels (one per set of
 * method bits) from row to row.
 */
#include <stdio.h>
#include <string.h>

#include "boxcar/carbon_io.h"
#include "carbon_internal.h"

/* Every combination of the eight BX_METHOD_* bits. */
#define METHOD_SETS 256
/* The longest label, all eight methods, is 58 bytes. */
#define LABEL_MAX 64

enum {
    F_SHIPMENT, F_ROUTE, F_T_WTW, F_T_TTW, F_H_WTW, F_PACK, F_WTW, F_TTW, F_T_WTT, F_T_UNS,
    F_H_WTT, F_H_TTW, F_H_UNS, F_WTT, F_UNS, F_TKM, F_INTENSITY, F_DIST, F_Q_PRIMARY,
    F_Q_MODELLED, F_Q_DEFAULT, F_TEMP, F_REFRIG, F_METHOD, F_QUALITY, F_SET, F_VERSION, F_MEAN, F_LO, F_HI,
    F_COUNT
};
#define F_FIRST_FIGURE F_T_WTW
#define F_BASIC F_MEAN /* fields without intervals */

/* Column names of the text formats; JSON and CBOR use _mg for _g. */
static const char *const names_g[F_COUNT] = {
    "shipment_id", "route_id", "transport_wtw_g", "transport_ttw_g", "hub_wtw_g",
    "packaging_g", "total_wtw_g", "total_ttw_g", "transport_wtt_g", "transport_unsplit_g",
    "hub_wtt_g", "hub_ttw_g", "hub_unsplit_g", "total_wtt_g", "total_unsplit_g",
    "transport_tkm", "transport_g_per_tkm", "distance_types", "primary_wtw_g",
    "modelled_wtw_g", "default_wtw_g", "temp_uplift_wtw_g", "refrigerant_g", "method",
    "data_quality", "factor_set",
    "factor_version", "total_wtw_mean_g", "total_wtw_p2_5_g", "total_wtw_p97_5_g"};
static const char *const names_mg[F_COUNT] = {
    "shipment_id", "route_id", "transport_wtw_mg", "transport_ttw_mg", "hub_wtw_mg",
    "packaging_mg", "total_wtw_mg", "total_ttw_mg", "transport_wtt_mg",
    "transport_unsplit_mg", "hub_wtt_mg", "hub_ttw_mg", "hub_unsplit_mg", "total_wtt_mg",
    "total_unsplit_mg", "transport_gkm", "transport_mg_per_tkm", "distance_types",
    "primary_wtw_mg", "modelled_wtw_mg", "default_wtw_mg", "temp_uplift_wtw_mg",
    "refrigerant_mg", "method", "data_quality",
    "factor_set", "factor_version", "total_wtw_mean_mg", "total_wtw_p2_5_mg",
    "total_wtw_p97_5_mg"};

/* The figures of names_g, F_FIRST_FIGURE .. F_UNS (bx_carbon_csv_numeric_columns).
 * Each part's unsplit figure is the WTW of factors given as WTW only (its
 * WTT and TTW unknown): WTT + TTW + unsplit = WTW for every part. The
 * temperature-controlled uplift and the refrigerant leaked are parts of
 * the transport figures shown on their own. */
static const char *const numeric_g[] = {
    "transport_wtw_g", "transport_ttw_g", "hub_wtw_g", "packaging_g", "total_wtw_g",
    "total_ttw_g", "transport_wtt_g", "transport_unsplit_g", "hub_wtt_g", "hub_ttw_g",
    "hub_unsplit_g", "total_wtt_g", "total_unsplit_g", "transport_tkm",
    "transport_g_per_tkm", "primary_wtw_g", "modelled_wtw_g", "default_wtw_g",
    "temp_uplift_wtw_g", "refrigerant_g", NULL};

const char *const *bx_carbon_csv_numeric_columns(void)
{
    return numeric_g;
}

struct bx_carbon_writer {
    bx_ctx *ctx;
    bx_carbon_format format;
    size_t nfields; /* F_BASIC, or F_COUNT with intervals */
    char *set_id, *set_version;
    uint8_t cbor_order[F_COUNT];
    size_t nstruct;          /* JSON and CBOR: the fields but the intensity */
    bx_csv_writer csv;
    bx_emit out;
    bool have_label[METHOD_SETS];
    char labels[METHOD_SETS][LABEL_MAX];
};

static const char *const format_names[] = {"table", "csv", "json", "cbor"};

const char *bx_carbon_format_name(bx_carbon_format format)
{
    if ((unsigned)format < BX_ARRAY_LEN(format_names))
        return format_names[format];
    return "unknown";
}

bx_status bx_carbon_format_parse(const char *s, bx_carbon_format *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < BX_ARRAY_LEN(format_names); i++)
        if (bxi_carbon_word_eq(s, strlen(s), format_names[i])) {
            *out = (bx_carbon_format)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

/* JSON and CBOR carry integers: the intensity, a ratio for people (empty
 * without activity), is left to the reader there (transport_wtw_mg and
 * transport_gkm give it). The fields of all into out, but it; their count. */
static size_t structured(bxc_field *out, const bxc_field *all, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == F_INTENSITY)
            continue;
        if (all != NULL)
            out[k] = all[i];
        else
            out[k].name = names_mg[i];
        k++;
    }
    return k;
}

/* "actual+sfd+gcd": the distance types a shipment's activity is on, by
 * the bits of the types with activity; "none" without. */
static const char *distance_label(const bx_carbon_result *r)
{
    static const char *const labels[8] = {"none", "actual", "sfd", "actual+sfd",
                                          "gcd", "actual+gcd", "sfd+gcd", "actual+sfd+gcd"};
    unsigned bits = 0;
    for (int m = 0; m < BX_MODE_COUNT; m++)
        for (int d = 0; d < BX_DIST_COUNT; d++)
            if (r->activity_gkm[m][d] != 0)
                bits |= 1u << d;
    return labels[bits];
}

static const char *label(bx_carbon_writer *w, uint32_t methods)
{
    uint32_t k = methods & (METHOD_SETS - 1);
    if (!w->have_label[k]) {
        bx_method_label(k, w->labels[k], sizeof w->labels[k]);
        w->have_label[k] = true;
    }
    return w->labels[k];
}

/* The table's columns: shipment, route, the six figures, the total's WTT
 * and unsplit WTW, quality, method. */
static void table_header(bx_carbon_writer *w)
{
    char head[320];
    int n = snprintf(head, sizeof head,
                     "%-18s %-20s %14s %14s %10s %12s %14s %14s %14s %14s %14s %11s %-9s %s",
                     "shipment", "route", "transport_wtw", "transport_ttw", "hub_wtw",
                     "packaging", "total_wtw_g", "total_ttw_g", "total_wtt_g", "unsplit_g",
                     "tkm", "g_per_tkm", "quality", "method");
    bx_emit_bytes(&w->out, head, (size_t)n);
    if (w->nfields == F_COUNT)
        bxi_emit_str(&w->out, "  (mean, 95 % interval g)");
    bxi_emit_char(&w->out, '\n');
}

static void csv_header(bx_carbon_writer *w)
{
    for (size_t i = 0; i < w->nfields; i++)
        bx_csv_write_field(&w->csv, names_g[i], strlen(names_g[i]));
    bx_csv_end_record(&w->csv);
}

bx_status bx_carbon_writer_new(bx_ctx *ctx, bx_carbon_writer **out, bx_carbon_format format,
                               const char *set_id, const char *set_version, bool intervals,
                               bx_write_fn write, void *ud)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || set_id == NULL || set_version == NULL || write == NULL)
        return bxi_error(ctx, BX_EINVAL, "carbon writer: bad argument");
    *out = NULL;
    if ((unsigned)format >= BX_ARRAY_LEN(format_names))
        return bxi_error(ctx, BX_EINVAL, "unknown carbon output format %d", (int)format);
#if !BOXCAR_HAVE_CBOR
    if (format == BX_CARBON_CBOR)
        return bxi_error(ctx, BX_EUNSUPPORTED, "CBOR output was left out of this build");
#endif
    bx_carbon_writer *w = bx_alloc(ctx, sizeof *w);
    if (w == NULL)
        return BX_ENOMEM;
    memset(w, 0, sizeof *w);
    w->ctx = ctx;
    w->format = format;
    w->nfields = intervals ? F_COUNT : F_BASIC;
    w->set_id = bxi_strdup(ctx, set_id);
    w->set_version = bxi_strdup(ctx, set_version);
    if (w->set_id == NULL || w->set_version == NULL) {
        bx_carbon_writer_free(w);
        return BX_ENOMEM;
    }
    bxi_emit_init(&w->out, ctx, write, ud, "the carbon results");
    bx_csv_writer_init(&w->csv, bxi_emit_write, &w->out);
    bxc_field f[F_COUNT];
    w->nstruct = structured(f, NULL, w->nfields);
    bxi_carbon_cbor_order(f, w->nstruct, w->cbor_order);
    if (format == BX_CARBON_CSV)
        csv_header(w);
    else if (format == BX_CARBON_TABLE)
        table_header(w);
    *out = w;
    return BX_OK;
}

static void table_row(bx_carbon_writer *w, const bxc_field *f)
{
    char n[F_COUNT][32];
    for (size_t i = F_FIRST_FIGURE; i < w->nfields; i++)
        if (f[i].text == NULL)
            bx_mg_to_text(f[i].integer, n[i], sizeof n[i]);
    char line[640];
    int len = snprintf(line, sizeof line,
                       "%-18s %-20s %14s %14s %10s %12s %14s %14s %14s %14s %14s %11s %-9s %s",
                       f[F_SHIPMENT].text, f[F_ROUTE].text, n[F_T_WTW], n[F_T_TTW],
                       n[F_H_WTW], n[F_PACK], n[F_WTW], n[F_TTW], n[F_WTT], n[F_UNS],
                       f[F_TKM].text, f[F_INTENSITY].text, f[F_QUALITY].text,
                       f[F_METHOD].text);
    /* ids are at most 63 bytes, so the line fits; cut it if not */
    bx_emit_bytes(&w->out, line, len < (int)sizeof line ? (size_t)len : sizeof line - 1);
    if (w->nfields == F_COUNT) {
        len = snprintf(line, sizeof line, "  (%s, %s .. %s)", n[F_MEAN], n[F_LO], n[F_HI]);
        bx_emit_bytes(&w->out, line, (size_t)len);
    }
    bxi_emit_char(&w->out, '\n');
}

static void csv_row(bx_carbon_writer *w, const bxc_field *f)
{
    for (size_t i = 0; i < w->nfields; i++) {
        if (f[i].text != NULL) {
            bx_csv_write_field(&w->csv, f[i].text, strlen(f[i].text));
        } else {
            char t[32];
            bx_mg_to_text(f[i].integer, t, sizeof t);
            bx_csv_write_field(&w->csv, t, strlen(t));
        }
    }
    bx_csv_end_record(&w->csv);
}

bx_status bx_carbon_writer_put(bx_carbon_writer *w, const bx_shipment *s,
                               const bx_carbon_result *r, const bx_interval *iv)
{
    if (w == NULL)
        return BX_EINVAL;
    if (s == NULL || r == NULL)
        return bxi_error(w->ctx, BX_EINVAL, "carbon writer: no shipment or no result");
    bxc_field f[F_COUNT];
    for (size_t i = 0; i < F_COUNT; i++) {
        f[i].name = names_mg[i];
        f[i].text = NULL;
        f[i].integer = 0;
    }
    f[F_SHIPMENT].text = s->shipment_id;
    f[F_ROUTE].text = s->route_id;
    f[F_T_WTW].integer = r->transport.wtw_mg;
    f[F_T_TTW].integer = r->transport.ttw_mg;
    f[F_H_WTW].integer = r->hub.wtw_mg;
    f[F_PACK].integer = r->packaging_mg;
    f[F_WTW].integer = r->total.wtw_mg;
    f[F_TTW].integer = r->total.ttw_mg;
    f[F_T_WTT].integer = r->transport.wtt_mg;
    f[F_T_UNS].integer = bx_co2e_unsplit_mg(&r->transport);
    f[F_H_WTT].integer = r->hub.wtt_mg;
    f[F_H_TTW].integer = r->hub.ttw_mg;
    f[F_H_UNS].integer = bx_co2e_unsplit_mg(&r->hub);
    f[F_WTT].integer = r->total.wtt_mg;
    f[F_UNS].integer = bx_co2e_unsplit_mg(&r->total);
    int64_t gkm = 0;
    for (int m = 0; m < BX_MODE_COUNT; m++)
        for (int d = 0; d < BX_DIST_COUNT; d++)
            gkm += r->activity_gkm[m][d];
    f[F_TKM].integer = gkm;
    int64_t per_tkm;
    char tkm_text[32], intensity_text[32];
    if (w->format == BX_CARBON_CSV || w->format == BX_CARBON_TABLE) {
        /* text: tonne-km with six decimals, g CO2e per tkm with three */
        f[F_TKM].text = bxi_carbon_gkm_to_tkm_text(gkm, tkm_text, sizeof tkm_text);
        f[F_INTENSITY].text =
            bxi_carbon_per_unit_mg(r->transport.wtw_mg, gkm, 1e6, &per_tkm)
                ? bx_mg_to_text(per_tkm, intensity_text, sizeof intensity_text)
                : "";
    }
    f[F_DIST].text = distance_label(r);
    f[F_Q_PRIMARY].integer = r->quality_mg[0];
    f[F_Q_MODELLED].integer = r->quality_mg[1];
    f[F_Q_DEFAULT].integer = r->quality_mg[2];
    f[F_TEMP].integer = r->temp_uplift_mg;
    f[F_REFRIG].integer = r->refrigerant_mg;
    f[F_METHOD].text = label(w, r->methods);
    f[F_QUALITY].text = bx_data_quality_name(r->quality);
    f[F_SET].text = w->set_id;
    f[F_VERSION].text = w->set_version;
    if (w->nfields == F_COUNT) {
        if (iv == NULL)
            return bxi_error(w->ctx, BX_EINVAL, "carbon writer: shipment '%s' has no interval",
                            s->shipment_id);
        /* the Monte Carlo's grams, rounded once to the milligram */
        if (!bxi_carbon_g_to_mg(iv->mean_g, &f[F_MEAN].integer) ||
            !bxi_carbon_g_to_mg(iv->lo_g, &f[F_LO].integer) || !bxi_carbon_g_to_mg(iv->hi_g, &f[F_HI].integer))
            return bxi_error(w->ctx, BX_EINVAL,
                            "carbon writer: shipment '%s': interval out of range",
                            s->shipment_id);
    }
    for (size_t i = F_FIRST_FIGURE; i < w->nfields; i++)
        if (f[i].text == NULL && i != F_TKM && /* activity is no CO2e: the result bounds it */
            (f[i].integer > BX_CO2E_MAX_MG || f[i].integer < -BX_CO2E_MAX_MG))
            return bxi_error(w->ctx, BX_EINVAL, "carbon writer: shipment '%s': %s out of range",
                            s->shipment_id, names_mg[i]);
    switch (w->format) {
    case BX_CARBON_TABLE: table_row(w, f); break;
    case BX_CARBON_CSV: csv_row(w, f); break;
    case BX_CARBON_JSON:
    case BX_CARBON_CBOR: {
        bxc_field g[F_COUNT];
        size_t ng = structured(g, f, w->nfields);
        if (w->format == BX_CARBON_JSON)
            bxi_carbon_emit_json(&w->out, g, ng);
#if BOXCAR_HAVE_CBOR
        else
            bxi_carbon_emit_cbor(&w->out, g, ng, w->cbor_order);
#endif
        break;
    }
    }
    return w->out.st;
}

bx_status bx_carbon_writer_finish(bx_carbon_writer *w)
{
    if (w == NULL)
        return BX_EINVAL;
    return bxi_emit_finish(&w->out);
}

void bx_carbon_writer_free(bx_carbon_writer *w)
{
    if (w == NULL)
        return;
    bx_free(w->ctx, w->set_id);
    bx_free(w->ctx, w->set_version);
    bx_free(w->ctx, w);
}
