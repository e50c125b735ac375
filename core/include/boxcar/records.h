/*
 * boxcar/records.h: the records boxcar reads and writes (catalog boxes and
 * order lines) and format-independent readers and writers for them.
 *
 * The same records travel as CSV, JSON and CBOR with the same field names;
 * docs/formats.md is the reference. Units are integers in the packing domain:
 * lengths in millimetres, masses in grams.
 *
 * Every reader validates each record completely (types, ranges, required
 * fields, cross-field rules) before handing it out, and reports a bad record
 * with file, line (or record number and byte offset for CBOR), column and
 * field. After BX_EINPUT the reader has skipped the bad record and the caller
 * may call next again to find further problems.
 */
#ifndef BOXCAR_RECORDS_H
#define BOXCAR_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/csv.h"
#include "boxcar/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Identifiers (box_id, order_id, item_id, group, material) are well-formed
 * UTF-8 text of 1..BX_ID_MAX-1 bytes with no control characters and no
 * leading or trailing space or tab. */
#define BX_ID_MAX 64

/* Bounds that every reader enforces. They keep volumes (l*w*h) and sums far
 * from int64 overflow: 100 m sides, 1,000 t masses, 1e6 units per line. */
#define BX_MAX_LENGTH_MM 100000
#define BX_MAX_MASS_G INT64_C(1000000000000)
#define BX_MAX_QTY 1000000
#define BX_MAX_STOCK INT64_C(1000000000000)

/* stock when the catalog does not limit it */
#define BX_STOCK_UNLIMITED (-1)

typedef enum bx_record_kind {
    BX_RECORD_AUTO = 0,   /* reader: decide from the header / first record */
    BX_RECORD_BOX = 1,    /* catalog row: bx_box */
    BX_RECORD_ORDER_LINE = 2, /* order row: bx_order_line */
    BX_RECORD_ITEM = 3    /* item master row: bx_item */
} bx_record_kind;

typedef enum bx_format {
    BX_FORMAT_AUTO = 0, /* reader: from the file extension, else sniffed */
    BX_FORMAT_CSV = 1,
    BX_FORMAT_JSON = 2, /* a JSON array of objects, or JSON Lines */
    BX_FORMAT_CBOR = 3  /* a CBOR array of maps, or a CBOR sequence of maps */
} bx_format;

typedef enum bx_rotation {
    BX_ROTATE_ANY = 0,     /* any of the six axis-aligned orientations */
    BX_ROTATE_UPRIGHT = 1, /* may turn about the vertical axis only */
    BX_ROTATE_FIXED = 2    /* as given */
} bx_rotation;

/* Presence bits for optional box fields. */
#define BX_BOX_HAS_OUTER (1u << 0) /* outer_l_mm, outer_w_mm, outer_h_mm */
#define BX_BOX_HAS_TARE (1u << 1)
#define BX_BOX_HAS_MATERIAL (1u << 2)
#define BX_BOX_HAS_MATERIAL_MASS (1u << 3)
#define BX_BOX_HAS_COST (1u << 4)
#define BX_BOX_HAS_STOCK (1u << 5)
#define BX_BOX_HAS_REUSABLE (1u << 6)
#define BX_BOX_HAS_CUSTOM (1u << 7)   /* custom: a made-to-measure entry */
#define BX_BOX_HAS_MIN (1u << 8)      /* min_l_mm, min_w_mm, min_h_mm */
#define BX_BOX_HAS_STEP (1u << 9)     /* step_mm */
#define BX_BOX_HAS_GRAMMAGE (1u << 10) /* grammage_g_m2 */
#define BX_BOX_HAS_COST_M2 (1u << 11) /* cost_per_m2 */

/* The longest size step of a made-to-measure entry, and the heaviest board. */
#define BX_MAX_STEP_MM 1000
#define BX_MAX_GRAMMAGE_G_M2 10000

typedef struct bx_box {
    char box_id[BX_ID_MAX];
    int32_t inner_l_mm, inner_w_mm, inner_h_mm; /* 1..BX_MAX_LENGTH_MM */
    int64_t max_weight_g;   /* max gross weight (contents + tare_g) */
    int32_t outer_l_mm, outer_w_mm, outer_h_mm; /* 0 unless HAS_OUTER */
    int64_t tare_g;         /* empty box mass, 0 unless HAS_TARE */
    char material[BX_ID_MAX]; /* e.g. "corrugated"; "" unless HAS_MATERIAL */
    int64_t material_mass_g;  /* packaging material mass */
    double cost;              /* per box, caller's currency, 0..1e12 */
    int64_t stock;            /* >= 0, or BX_STOCK_UNLIMITED */
    bool reusable;            /* a reusable container type */
    /* A made-to-measure entry (kind `custom`: a box-making machine or a
     * roll of board). inner_*_mm are then the largest inner dimensions it
     * makes and min_*_mm the smallest (1 when absent); each cut dimension
     * is a multiple of step_mm (1 when absent) within them. The outer size
     * of a cut box is its inner size plus (outer - inner) of this entry
     * (no allowance when the entry has no outer size). grammage_g_m2 (the
     * board grade) gives the cut box's board mass and tare from its FEFCO
     * 0201 board area; its cost is cost + cost_per_m2 * board m^2. */
    bool custom;
    int32_t min_l_mm, min_w_mm, min_h_mm;
    int32_t step_mm;
    int32_t grammage_g_m2;
    double cost_per_m2;
    uint32_t has;             /* BX_BOX_HAS_* */
    uint64_t line;            /* source line (record number for CBOR) */
} bx_box;

/* Presence bits for optional order-line fields. */
#define BX_LINE_HAS_ROTATION (1u << 0)
#define BX_LINE_HAS_FRAGILE (1u << 1)
#define BX_LINE_HAS_ALONE (1u << 2)
#define BX_LINE_HAS_GROUP (1u << 3)
#define BX_LINE_HAS_MAX_LOAD (1u << 4)

typedef struct bx_order_line {
    char order_id[BX_ID_MAX];
    char item_id[BX_ID_MAX];
    int32_t qty;               /* 1..BX_MAX_QTY */
    int32_t l_mm, w_mm, h_mm;  /* 1..BX_MAX_LENGTH_MM; h is vertical */
    int64_t weight_g;          /* per unit, 0..BX_MAX_MASS_G */
    bx_rotation rotation;      /* default BX_ROTATE_ANY */
    bool fragile;              /* nothing may be stacked on it */
    bool alone;                /* each unit ships in a box of its own */
    char group[BX_ID_MAX];     /* lines of one order sharing a group ship in
                                  one box; "" none; not with alone */
    int64_t max_load_g;        /* the most that may rest on one unit, spread
                                  by contact area; 0..BX_MAX_MASS_G, only
                                  with HAS_MAX_LOAD (else unlimited) */
    uint32_t has;              /* BX_LINE_HAS_* */
    uint64_t line;             /* source line (record number for CBOR) */
} bx_order_line;

/* Presence bits for optional item fields. */
#define BX_ITEM_HAS_BARCODES (1u << 0)
#define BX_ITEM_HAS_ROTATION (1u << 1)
#define BX_ITEM_HAS_FRAGILE (1u << 2)
#define BX_ITEM_HAS_MAX_LOAD (1u << 3)

/* One item of an item master (docs/formats.md section 3a): what a scan at a
 * packing station fills an order line from. */
typedef struct bx_item {
    char sku[BX_ID_MAX];
    char barcodes[BX_ID_MAX];  /* the item's barcodes, '|' between two; ""
                                  unless HAS_BARCODES */
    int32_t l_mm, w_mm, h_mm;  /* 1..BX_MAX_LENGTH_MM; h is vertical */
    int64_t weight_g;          /* per unit, 0..BX_MAX_MASS_G */
    bx_rotation rotation;      /* default BX_ROTATE_ANY */
    bool fragile;
    int64_t max_load_g;        /* what may rest on it, 0 unless HAS_MAX_LOAD */
    uint32_t has;              /* BX_ITEM_HAS_* */
    uint64_t line;             /* source line (record number for CBOR) */
} bx_item;

/* Fill a record with its defaults (everything absent, stock unlimited). */
BX_API void bx_box_init(bx_box *box);
BX_API void bx_order_line_init(bx_order_line *line);
BX_API void bx_item_init(bx_item *item);

/* Is code the item's sku or one of its barcodes? */
BX_API bool bx_item_matches(const bx_item *item, const char *code);

/* Check a record built in code against the same rules the readers apply.
 * `where` may be NULL. BX_EINPUT with a message naming the field. */
BX_API bx_status bx_box_validate(bx_ctx *ctx, const bx_box *box,
                                 const bx_location *where);
BX_API bx_status bx_order_line_validate(bx_ctx *ctx, const bx_order_line *line,
                                        const bx_location *where);
BX_API bx_status bx_item_validate(bx_ctx *ctx, const bx_item *item,
                                  const bx_location *where);

/* "any", "upright", "fixed". */
BX_API const char *bx_rotation_name(bx_rotation rotation);
/* Parse a rotation name (case-insensitive). BX_EINPUT if unknown. */
BX_API bx_status bx_rotation_parse(const char *s, bx_rotation *out);

/* "csv", "json", "cbor", "auto". */
BX_API const char *bx_format_name(bx_format format);
/* Parse a format name (case-insensitive); BX_EINPUT if unknown. */
BX_API bx_status bx_format_parse(const char *s, bx_format *out);
/* Format from a path's extension (.csv, .json, .jsonl, .ndjson, .cbor,
 * .cbors);
 * BX_FORMAT_AUTO if none matches. */
BX_API bx_format bx_format_from_path(const char *path);

/* "box", "order_line", "item". */
BX_API const char *bx_record_kind_name(bx_record_kind kind);

/* ---- Readers ------------------------------------------------------------ */

typedef struct bx_reader bx_reader;

typedef struct bx_reader_limits {
    size_t max_record_bytes; /* one CSV record / JSON element / CBOR map; 1 MiB */
    size_t max_depth;        /* JSON / CBOR nesting; default 16 */
    size_t max_fields;       /* fields per record; default 256 */
    uint64_t max_records;    /* default unlimited (0) */
} bx_reader_limits;
/* A field left 0 takes its default. */

BX_API bx_reader_limits bx_reader_limits_default(void);

/* Open a reader on a file (opened and closed by the reader). `fmt` AUTO
 * decides from the extension, else from the first bytes; `kind` AUTO decides
 * from the CSV header or the first record's keys (box_id: catalog,
 * order_id: orders). limits may be NULL. Errors: BX_ENOTFOUND / BX_EIO for
 * the file, BX_EUNSUPPORTED if the format was left out of this build,
 * BX_EINPUT for an unreadable header. */
BX_API bx_status bx_reader_open_file(bx_ctx *ctx, bx_reader **out,
                                     bx_record_kind kind, bx_format fmt,
                                     const char *path,
                                     const bx_reader_limits *limits);

/* Same over a read callback; `name` is used in messages. */
BX_API bx_status bx_reader_open_stream(bx_ctx *ctx, bx_reader **out,
                                       bx_record_kind kind, bx_format fmt,
                                       const char *name, bx_read_fn read,
                                       void *read_ud,
                                       const bx_reader_limits *limits);

/* Same over memory (borrowed until close). */
BX_API bx_status bx_reader_open_mem(bx_ctx *ctx, bx_reader **out,
                                    bx_record_kind kind, bx_format fmt,
                                    const char *name, const void *data,
                                    size_t size,
                                    const bx_reader_limits *limits);

/* The kind being read: known after open for CSV, after the first successful
 * bx_reader_next for JSON and CBOR when opened with BX_RECORD_AUTO. */
BX_API bx_record_kind bx_reader_kind(const bx_reader *r);
BX_API bx_format bx_reader_format(const bx_reader *r);

/* Read the next record into *record, a bx_box or bx_order_line according to
 * the kind (with AUTO, pass a pointer to a bx_record, which holds either).
 * BX_OK, BX_END, BX_EINPUT (record skipped; call again for the next), or a
 * fatal error (BX_EIO, BX_ELIMIT, BX_ENOMEM, or BX_EINPUT after which
 * bx_reader_recoverable says false). */
BX_API bx_status bx_reader_next(bx_reader *r, void *record);

/* After an error from next: may next be called again? */
BX_API bool bx_reader_recoverable(const bx_reader *r);

/* NULL is a no-op. */
BX_API void bx_reader_close(bx_reader *r);

/* Either record, for readers opened with BX_RECORD_AUTO. */
typedef struct bx_record {
    bx_record_kind kind;
    union {
        bx_box box;
        bx_order_line line;
        bx_item item;
    } u;
} bx_record;

/* ---- Writers ------------------------------------------------------------ */

typedef struct bx_writer bx_writer;

/* Open a writer producing `fmt` (not AUTO) for `kind` (not AUTO) through
 * the write callback. n_records is how many records will follow: JSON and
 * CBOR write it into a definite-length array head (CBOR output is
 * deterministic: shortest heads, definite lengths, map keys in RFC 8949
 * core-deterministic order, floats in the shortest exact width). CSV writes
 * a header of every column that any optional presence bit could need: all of
 * them. Optional fields absent from a record are omitted from JSON/CBOR maps
 * and left empty in CSV. */
BX_API bx_status bx_writer_open(bx_ctx *ctx, bx_writer **out,
                                bx_record_kind kind, bx_format fmt,
                                bx_write_fn write, void *write_ud,
                                uint64_t n_records);

/* Write one record (bx_box* or bx_order_line* by kind). It is validated
 * first: BX_EINPUT leaves the output untouched. */
BX_API bx_status bx_writer_put(bx_writer *w, const void *record);

/* Finish the output (closing brackets) and free the writer. BX_EINVAL if a
 * different number of records than announced was written. NULL is a no-op
 * returning BX_OK. */
BX_API bx_status bx_writer_close(bx_writer *w);

/* Free without finishing (after an error). NULL is a no-op. */
BX_API void bx_writer_abort(bx_writer *w);

#ifdef __cplusplus
}
#endif

#endif
