/*
 * boxcar/carbon_io.h: carbon results out. Per shipment as CSV, JSON Lines,
 * a CBOR sequence or a text table; totals as JSON Lines, a CBOR sequence, a
 * text table or CSV.
 *
 * A row writer is made once per output and takes one shipment's result at
 * a time, so a batch of any size streams through it. It buffers: call
 * bx_carbon_writer_finish before committing the output.
 *
 * The figures (docs/carbon.md, "Results"):
 *
 *   CSV and table: shipment_id, route_id, transport_wtw_g, transport_ttw_g,
 *     hub_wtw_g, packaging_g, total_wtw_g, total_ttw_g, method,
 *     data_quality, factor_set, factor_version, and with intervals
 *     total_wtw_mean_g, total_wtw_p2_5_g, total_wtw_p97_5_g: grams with
 *     three decimals, which is the exact milligram value.
 *   JSON and CBOR: the same fields with the emissions as whole milligrams
 *     (integers, keys ending in _mg instead of _g: transport_wtw_mg, ...,
 *     total_wtw_p97_5_mg), so every figure is exact in both encodings and
 *     equal to the CSV's: 12.345 in a _g column is 12345 in the _mg key.
 *     The interval figures are the Monte Carlo's grams rounded once to the
 *     milligram (half away from zero) for every format.
 *
 * JSON Lines: one object per shipment on one line, keys in the order
 * above; text that is not UTF-8 has each bad byte replaced by U+FFFD.
 * CBOR: one map per shipment, so a batch is an RFC 8742 CBOR sequence, in
 * the core deterministic encoding of RFC 8949 section 4.2.1 (definite
 * lengths, shortest heads, map keys in bytewise order of their encodings:
 * shorter keys first). There are no floats. Numbers never depend on the C
 * locale. The same results give the same bytes on every machine.
 *
 * Errors: BX_EINVAL for bad arguments; BX_EIO when the write callback
 * fails (the output is then partial: write to a bx_outfile and abort it);
 * BX_ENOMEM; BX_EUNSUPPORTED for CBOR in a build without it.
 */
#ifndef BOXCAR_CARBON_IO_H
#define BOXCAR_CARBON_IO_H

#include <stdbool.h>

#include "boxcar/carbon.h"
#include "boxcar/carbon_totals.h"
#include "boxcar/csv.h"
#include "boxcar/uncertainty.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bx_carbon_format {
    BX_CARBON_TABLE = 0, /* aligned text for people; not meant to be parsed */
    BX_CARBON_CSV = 1,
    BX_CARBON_JSON = 2,  /* JSON Lines */
    BX_CARBON_CBOR = 3   /* CBOR sequence */
} bx_carbon_format;

/* "table", "csv", "json", "cbor". */
BX_API const char *bx_carbon_format_name(bx_carbon_format format);
/* Parse a name (ASCII case-insensitive); BX_EINPUT if unknown. */
BX_API bx_status bx_carbon_format_parse(const char *s, bx_carbon_format *out);

/* ---- per shipment -------------------------------------------------------- */

typedef struct bx_carbon_writer bx_carbon_writer;

/* A writer of per-shipment rows in `format`. set_id and set_version fill
 * the factor_set and factor_version fields (copied). With `intervals`,
 * every row carries the three interval figures. The CSV and table header
 * is buffered at once (JSON and CBOR have none), so a run without a
 * shipment still gives a header. write/ud receive the bytes; the writer
 * keeps them until free. */
BX_API bx_status bx_carbon_writer_new(bx_ctx *ctx, bx_carbon_writer **out,
                                      bx_carbon_format format,
                                      const char *set_id,
                                      const char *set_version, bool intervals,
                                      bx_write_fn write, void *ud);

/* One shipment's row: s and r as bx_carbon_compute took and gave them,
 * iv the shipment's interval (bx_uncertainty_shipment) when the writer
 * has intervals, else NULL. All borrowed for the call. BX_EINVAL for a
 * missing interval or a figure beyond BX_CO2E_MAX_MG. */
BX_API bx_status bx_carbon_writer_put(bx_carbon_writer *w,
                                      const bx_shipment *s,
                                      const bx_carbon_result *r,
                                      const bx_interval *iv);

/* Hand every buffered byte to the callback; the first failure, or BX_OK.
 * The writer may take more rows after it. */
BX_API bx_status bx_carbon_writer_finish(bx_carbon_writer *w);

/* The columns that hold numbers, NULL-terminated, for readers such as a
 * report source (bx_report_add_source): of the per-shipment CSV (the
 * figures in grams; the uncertainty columns, present only with intervals,
 * are not listed, so a source without them opens), of the totals file
 * (bx_carbon_totals_write: shipments, mass_g, every _mg figure, excluded).
 * docs/carbon.md has the columns. Static; never freed. */
BX_API const char *const *bx_carbon_csv_numeric_columns(void);
BX_API const char *const *bx_carbon_totals_numeric_columns(void);

/* NULL is a no-op. Bytes not yet finished are dropped. */
BX_API void bx_carbon_writer_free(bx_carbon_writer *w);

/* ---- totals ---------------------------------------------------------------- */

/* The rows of one group (g) of the totals, or of every group when g is
 * BX_BY_COUNT (the content of the totals file of bx_carbon_totals_write),
 * sorted by group then key:
 *   JSON Lines, one object per row:
 *     {"group":..,"key":..,"shipments":..,"mass_g":..,
 *      "transport_wtt_mg":..,"transport_ttw_mg":..,"transport_wtw_mg":..,
 *      "hub_wtt_mg":..,"hub_ttw_mg":..,"hub_wtw_mg":..,"packaging_mg":..,
 *      "total_wtt_mg":..,"total_ttw_mg":..,"total_wtw_mg":..,
 *      "excluded":..,"factor_set":..,"factor_version":..}
 *   with every figure an integer and "excluded" non-zero on the "all" row
 *   only; CBOR: the same maps as a CBOR sequence, as for the rows. */
BX_API bx_status bx_carbon_totals_write_json(bx_carbon_totals *t,
                                             bx_totals_group g,
                                             bx_write_fn write, void *ud);
BX_API bx_status bx_carbon_totals_write_cbor(bx_carbon_totals *t,
                                             bx_totals_group g,
                                             bx_write_fn write, void *ud);

/* One group (not BX_BY_COUNT) for people, spreadsheets or programs:
 *   BX_CARBON_TABLE: a header, one line per key with the shipments, mass
 *     and emissions in kg (three decimals: whole grams, rounded half away
 *     from zero) and each key's share of the total WTW, a "total" line, and
 *     a line naming the factor set and the rows excluded;
 *   BX_CARBON_CSV: a header "<group>,shipments,mass_g,transport_wtt_g,
 *     transport_ttw_g,transport_wtw_g,hub_wtt_g,hub_ttw_g,hub_wtw_g,
 *     packaging_g,total_wtt_g,total_ttw_g,total_wtw_g,factor_set,
 *     factor_version", then one row per key in grams with three decimals;
 *   BX_CARBON_JSON, BX_CARBON_CBOR: as bx_carbon_totals_write_json/_cbor.
 * u may be NULL. When it keeps intervals by g (bx_uncertainty_by), every
 * row gets the interval of its total WTW: three more columns in kg in the
 * table (the "total" line: bx_uncertainty_total), total_wtw_mean_g,
 * total_wtw_p2_5_g, total_wtw_p97_5_g in the CSV, and total_wtw_mean_mg,
 * total_wtw_p2_5_mg, total_wtw_p97_5_mg in JSON and CBOR (the Monte
 * Carlo's grams rounded to the milligram). A key under which nothing
 * uncertain was added has a zero interval. BX_ELIMIT if an interval is
 * beyond BX_CO2E_MAX_MG. */
BX_API bx_status bx_carbon_totals_write_group(bx_carbon_totals *t,
                                              bx_carbon_format format,
                                              bx_totals_group g,
                                              bx_uncertainty *u,
                                              bx_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif

#endif
