/*
 * boxcar/pack_io.h: packing results out, as CSV, JSON Lines, a CBOR
 * sequence, a text table for people, and SVG pictures.
 *
 * Every writer takes one order's result at a time and pushes bytes through
 * a bx_write_fn (boxcar/csv.h), so a batch streams: the caller loops over
 * its orders and calls the writer once per order (after the header, for
 * the formats that have one). A writer reads the order (for item ids) and
 * the result, both borrowed for the call, and keeps nothing.
 *
 * Shared rules:
 *   - box_seq is the 1-based position of a box in result->boxes, and
 *     load_seq the 1-based position of a unit in its box's load order.
 *   - fill_pct and void_pct are written with one decimal, rounded half up
 *     from the exact volumes (item_volume_mm3 / inner_volume_mm3), so the
 *     two always add up to 100.0 and every format shows the same figures.
 *   - Numbers never depend on the C locale (decimal point is always '.').
 *   - Output is deterministic: the same order and result give the same
 *     bytes on every machine.
 *   - An order that could not be read (a bad line) is written with the
 *     *_failed functions: its id and "bad input: <message>".
 *
 * Errors (all writers): BX_EINVAL for NULL arguments or a result that does
 * not match its order (a placement or unpacked entry naming a line the
 * order does not have, a box slice outside the placements); BX_EIO when the
 * write callback fails (output so far is partial: write to a bx_outfile and
 * abort it); BX_ENOMEM (SVG only); BX_EUNSUPPORTED for CBOR in a build
 * without it. The context's message says which.
 */
#ifndef BOXCAR_PACK_IO_H
#define BOXCAR_PACK_IO_H

#include <stddef.h>

#include "boxcar/csv.h"
#include "boxcar/pack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CSV ---------------------------------------------------------------- */

/* The columns of the boxes CSV (`boxcar pack --format csv`) that hold
 * numbers, NULL-terminated: for readers such as a report source
 * (bx_report_add_source). Static; never freed. */
BX_API const char *const *bx_pack_csv_numeric_columns(void);

/* Boxes: one row per packed box, one row per unpacked entry, with the header
 *   order_id,box_seq,box_id,n_units,item_volume_mm3,box_inner_volume_mm3,
 *   fill_pct,void_pct,gross_weight_g,lower_bound_boxes,reason
 * A box row leaves reason empty. An unpacked row leaves box_seq, box_id,
 * box_inner_volume_mm3, fill_pct, void_pct and gross_weight_g empty, gives
 * the units' count in n_units and their volume in item_volume_mm3, and
 * reason "<bx_unpacked_reason_text>: <item_id>". A failed order is one row
 * with only order_id and reason "bad input: <message>". */
BX_API bx_status bx_pack_csv_boxes_header(bx_ctx *ctx, bx_write_fn write,
                                          void *ud);
BX_API bx_status bx_pack_csv_boxes(bx_ctx *ctx, const bx_order *order,
                                   const bx_pack_result *result,
                                   bx_write_fn write, void *ud);
BX_API bx_status bx_pack_csv_failed(bx_ctx *ctx, const char *order_id,
                                    const char *message, bx_write_fn write,
                                    void *ud);

/* Placements: one row per unit, box by box, each box in load order:
 *   order_id,box_seq,unit_seq,item_id,x_mm,y_mm,z_mm,l_mm,w_mm,h_mm
 * unit_seq is the load_seq. Coordinates as in boxcar/pack.h. */
BX_API bx_status bx_pack_csv_placements_header(bx_ctx *ctx, bx_write_fn write,
                                               void *ud);
BX_API bx_status bx_pack_csv_placements(bx_ctx *ctx, const bx_order *order,
                                        const bx_pack_result *result,
                                        bx_write_fn write, void *ud);

/* ---- JSON Lines ---------------------------------------------------------- */

/* One JSON object on one line (ending in "\n") per order:
 *   {"order_id":..,"lower_bound":..,"count_optimal":true|false,
 *    "boxes":[{"box_id":..,"box_seq":..,"n_units":..,"item_volume_mm3":..,
 *              "inner_volume_mm3":..,"fill_pct":..,"void_pct":..,
 *              "gross_weight_g":..,
 *              "placements":[{"item_id":..,"unit":..,"load_seq":..,
 *                             "x_mm":..,"y_mm":..,"z_mm":..,
 *                             "l_mm":..,"w_mm":..,"h_mm":..}]}],
 *    "unpacked":[{"item_id":..,"units":..,"reason":..}],"work":..}
 * "unit" is the unit's 0-based index within its order line. A failed order:
 *   {"order_id":..,"error":"bad input: <message>"}
 * Text that is not valid UTF-8 (possible only in messages, e.g. a file
 * name) has each bad byte replaced by U+FFFD. */
BX_API bx_status bx_pack_json(bx_ctx *ctx, const bx_order *order,
                              const bx_pack_result *result, bx_write_fn write,
                              void *ud);
BX_API bx_status bx_pack_json_failed(bx_ctx *ctx, const char *order_id,
                                     const char *message, bx_write_fn write,
                                     void *ud);

/* ---- CBOR ---------------------------------------------------------------- */

/* The same content as the JSON object, as one CBOR map per order, so a
 * batch is an RFC 8742 CBOR sequence. RFC 8949 section 4.2.1 core
 * deterministic encoding: definite lengths, shortest heads, map keys in
 * bytewise order of their encodings (shorter keys first), and fill_pct /
 * void_pct (the one-decimal values) as the shortest of half, single and
 * double precision that holds them exactly. BX_EUNSUPPORTED in a build
 * without CBOR. */
BX_API bx_status bx_pack_cbor(bx_ctx *ctx, const bx_order *order,
                              const bx_pack_result *result, bx_write_fn write,
                              void *ud);
BX_API bx_status bx_pack_cbor_failed(bx_ctx *ctx, const char *order_id,
                                     const char *message, bx_write_fn write,
                                     void *ud);

/* ---- text table ---------------------------------------------------------- */

/* For people: a header line, then per order one line per box (order, box
 * id, units, fill %, void %, gross kg), one line per unpacked entry with
 * its reason, and a summary line. Columns are padded by display width
 * (CJK characters count two). Not meant to be parsed: use CSV. */
BX_API bx_status bx_pack_table_header(bx_ctx *ctx, bx_write_fn write, void *ud);
BX_API bx_status bx_pack_table(bx_ctx *ctx, const bx_order *order,
                               const bx_pack_result *result, bx_write_fn write,
                               void *ud);
BX_API bx_status bx_pack_table_failed(bx_ctx *ctx, const char *order_id,
                                      const char *message, bx_write_fn write,
                                      void *ud);

/* ---- one entry point per format ------------------------------------------ */

typedef enum bx_pack_format {
    BX_PACK_TABLE = 0,
    BX_PACK_CSV = 1,   /* the boxes CSV */
    BX_PACK_JSON = 2,  /* JSON Lines */
    BX_PACK_CBOR = 3   /* CBOR sequence */
} bx_pack_format;

/* "table", "csv", "json", "cbor". */
BX_API const char *bx_pack_format_name(bx_pack_format format);
/* Parse a name (case-insensitive); BX_EINPUT if unknown. */
BX_API bx_status bx_pack_format_parse(const char *s, bx_pack_format *out);

/* The header (CSV, table; nothing for JSON and CBOR), one order, one failed
 * order: the functions above by format. */
BX_API bx_status bx_pack_write_header(bx_ctx *ctx, bx_pack_format format,
                                      bx_write_fn write, void *ud);
BX_API bx_status bx_pack_write(bx_ctx *ctx, bx_pack_format format,
                               const bx_order *order,
                               const bx_pack_result *result,
                               bx_write_fn write, void *ud);
BX_API bx_status bx_pack_write_failed(bx_ctx *ctx, bx_pack_format format,
                                      const char *order_id,
                                      const char *message, bx_write_fn write,
                                      void *ud);

/* ---- SVG ----------------------------------------------------------------- */

/* A standalone SVG 1.1 picture of box `box` (0-based index into
 * result->boxes): an isometric view (x runs right-down, y left-down, z up)
 * of the box as a wireframe with its back walls and floor shaded, each unit
 * drawn as its three visible faces (top lightest) in a colour per order
 * line, labelled with its load_seq at the centre of its top face, and a
 * legend: order id, box id and position, inner size, fill and void %,
 * units and gross mass.
 *
 * Units are painted back to front. The order comes from a topological sort
 * of "A must be drawn before B": their pictures overlap and A lies behind B
 * along an axis that separates them. For units that do not overlap (any
 * valid packing) that relation has no cycles; should it have one anyway,
 * the sort breaks it deterministically instead of failing. The sort takes
 * time quadratic in the box's units: BX_ELIMIT above
 * BX_PACK_SVG_MAX_UNITS units in the box. Allocates two words per unit
 * from ctx for the call. */
#define BX_PACK_SVG_MAX_UNITS 5000
BX_API bx_status bx_pack_svg(bx_ctx *ctx, const bx_order *order,
                             const bx_pack_result *result, size_t box,
                             bx_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif

#endif
