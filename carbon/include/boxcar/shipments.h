/*
 * boxcar/shipments.h: shipments, and a streaming reader for shipment files
 * in CSV, JSON or CBOR.
 *
 * Columns (docs/carbon.md, "Shipments"): shipment_id, date (YYYY-MM-DD),
 * mass_g (gross: items plus the shipper's packaging; empty = unknown),
 * items (default 1), packaging (a container type id, a catalog box id,
 * explicit materials "corrugated=304;ldpe=17" in grams, or empty for none),
 * route_id, drop_km (direct distance from the depot, for multi-drop rounds;
 * optional). Columns may come in any order; unknown columns are warned
 * about and ignored. JSON and CBOR hold the same fields as an array of
 * objects (maps) keyed by the column names, as orders do (docs/formats.md);
 * a number may be given as a number or as text, null is an empty field.
 *
 * The reader holds one row at a time, so a file larger than memory is read
 * in constant memory. A bad row is reported (file, line, field) and skipped:
 * bx_shipment_reader_next returns BX_EINPUT and may be called again.
 */
#ifndef BOXCAR_SHIPMENTS_H
#define BOXCAR_SHIPMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "boxcar/csv.h"
#include "boxcar/ctx.h"
#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest packaging text, terminating NUL included. */
#define BX_PACKAGING_MAX 128

/* mass_g of a shipment whose mass is not known. */
#define BX_MASS_UNKNOWN (-1)

/* Bounds the reader enforces. */
#define BX_MAX_ITEMS 1000000
#define BX_MAX_DROP_KM 20000.0

typedef struct bx_shipment {
    char shipment_id[BX_ID_MAX];
    int32_t date;          /* YYYYMMDD, a valid Gregorian date */
    int64_t mass_g;        /* 0..BX_MAX_MASS_G, or BX_MASS_UNKNOWN */
    int32_t items;         /* 1..BX_MAX_ITEMS */
    char route_id[BX_ID_MAX];
    char packaging[BX_PACKAGING_MAX]; /* "" for none */
    double drop_km;        /* >= 0, or negative when not given */
    uint64_t line;         /* source line (CSV, JSON); 0 for CBOR and in code */
    const char *source;    /* input name for messages (borrowed); may be NULL */
    uint64_t record;       /* position in a JSON or CBOR input from 1; 0 for
                              CSV and in code */
} bx_shipment;

/* Fill with defaults: no mass, one item, no packaging, no drop distance. */
BX_API void bx_shipment_init(bx_shipment *s);

typedef struct bx_shipment_reader bx_shipment_reader;

/* Open a shipment file: CSV, JSON or CBOR by the extension (.csv, .json,
 * .jsonl, .ndjson, .cbor, .cbors), else from its first bytes. BX_ENOTFOUND /
 * BX_EIO for the file, BX_EUNSUPPORTED for a format left out of the build,
 * BX_EINPUT for a CSV header without the required columns (shipment_id,
 * date, route_id, mass_g). */
BX_API bx_status bx_shipment_reader_open(bx_ctx *ctx, bx_shipment_reader **out,
                                         const char *path);
/* Over a FILE* the caller keeps open; `name` for messages (and its
 * extension for the format, as above). */
BX_API bx_status bx_shipment_reader_open_file(bx_ctx *ctx,
                                              bx_shipment_reader **out,
                                              const char *name, FILE *fp);
/* Over memory (borrowed until close). */
BX_API bx_status bx_shipment_reader_open_mem(bx_ctx *ctx,
                                             bx_shipment_reader **out,
                                             const char *name, const void *data,
                                             size_t size);

/* The next shipment into *s: BX_OK, BX_END, BX_EINPUT (the row was bad and
 * skipped: call again), or a fatal error (BX_EIO, BX_ELIMIT, BX_ENOMEM). */
BX_API bx_status bx_shipment_reader_next(bx_shipment_reader *r, bx_shipment *s);

/* Rows read so far, good and bad. */
BX_API uint64_t bx_shipment_reader_rows(const bx_shipment_reader *r);
BX_API uint64_t bx_shipment_reader_bad_rows(const bx_shipment_reader *r);

/* NULL is a no-op (a FILE* given by the caller stays open). */
BX_API void bx_shipment_reader_close(bx_shipment_reader *r);

/* The shipment columns (JSON/CBOR keys) in their CSV order, i = 0, 1, ...;
 * NULL past the last. */
BX_API const char *bx_shipment_column(size_t i);

/* Parse "YYYY-MM-DD" (a real date, years 1900..9999) into YYYYMMDD.
 * false if s[0..len) is not one. */
BX_API bool bx_date_parse(const char *s, size_t len, int32_t *out);

#ifdef __cplusplus
}
#endif

#endif
