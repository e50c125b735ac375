/*
 * internal.h: what the parts of libboxcar share and callers do not see.
 * Not installed.
 */
#ifndef BOXCAR_INTERNAL_H
#define BOXCAR_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar/config.h"
#include "boxcar/csv.h"
#include "boxcar/ctx.h"
#include "boxcar/catalog.h"
#include "boxcar/records.h"

#if defined(__GNUC__)
#define BX_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define BX_PRINTF(a, b)
#endif

#define BX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Column lists kept once, beside their writer: a list macro names each
 * column with its kind, TEXT or NUM,
 *     #define MY_COLUMNS(X) X(order_id, TEXT) X(n_units, NUM)
 * and gives both the header and the NULL-terminated list of the columns
 * that hold numbers (what a report source reads as numbers):
 *     static const char *const names[] = {MY_COLUMNS(BX_COLUMN_NAME)};
 *     static const char *const numeric[] = {MY_COLUMNS(BX_COLUMN_IF_NUM) NULL}; */
#define BX_COLUMN_NAME(name, kind) #name,
#define BX_COLUMN_IF_NUM(name, kind) BX_COLUMN_KIND_##kind(name)
#define BX_COLUMN_KIND_NUM(name) #name,
#define BX_COLUMN_KIND_TEXT(name)

/* ---- errors and warnings (ctx.c) ---------------------------------------- */

/* Record an error on ctx and return `status`. The message is formatted into
 * a fixed buffer in the context: recording an error never allocates, so it
 * works on the out-of-memory path. */
bx_status bxi_error(bx_ctx *ctx, bx_status status, const char *fmt, ...)
    BX_PRINTF(3, 4);

/* Record an input error at `where` (may be NULL): the message becomes
 * "file:line:column: field 'name': <fmt>" with the parts that are known,
 * and the diagnostic callback hears of it. Returns `status`. */
bx_status bxi_input_error(bx_ctx *ctx, bx_status status,
                         const bx_location *where, const char *fmt, ...)
    BX_PRINTF(4, 5);

/* Record a warning at `where` (may be NULL). Keeps the first
 * BX_WARNINGS_KEPT texts, counts all, tells the callback. Returns BX_OK, or
 * BX_ENOMEM if the text could not be kept. */
bx_status bxi_warn(bx_ctx *ctx, const bx_location *where, const char *fmt, ...)
    BX_PRINTF(3, 4);

/* Box i of a catalog, writable, for a catalog its owner rebuilds in place
 * (the engine's made-to-measure size variants): the caller keeps the box
 * ids as they were and the record valid. NULL if out of range. */
bx_box *bxi_catalog_box_mut(bx_catalog *cat, size_t i);

/* The raw allocator of a context, for objects that outlive it (catalogs). */
void bxi_ctx_allocator(const bx_ctx *ctx, bx_alloc_fn *fn, void **ud);

/* The context's allocator with Lua's contract (the caller knows osize; no
 * size header, no error recorded on failure), counted in
 * bx_ctx_bytes_in_use. For a Lua state's lua_Alloc. */
void *bxi_ctx_raw_realloc(bx_ctx *ctx, void *ptr, size_t osize, size_t nsize);

/* Grow an array so that it holds at least n elements of `size` bytes, as
 * Lua's luaM_growvector does: the capacity doubles (from 8) so appends cost
 * O(1) amortised, and never exceeds `limit` elements (nor what size_t can
 * count in bytes). *p and *cap change only on success. Errors: BX_ELIMIT
 * when n is over the limit (the message says "too many <what> (at most
 * <limit>)"), BX_ENOMEM. */
bx_status bxi_grow(bx_ctx *ctx, void **p, size_t *cap, size_t n, size_t size, size_t limit,
                   const char *what);

/* The same for a capacity kept as uint32_t (limit at most UINT32_MAX). */
bx_status bxi_grow32(bx_ctx *ctx, void **p, uint32_t *cap, size_t n, size_t size,
                     uint32_t limit, const char *what);

/* Format "file:line:column: field 'name': " (the known parts) into buf. */
void bxi_format_location(char *buf, size_t size, const bx_location *where);

/* Copy a string into memory from the context (NULL on failure, error set). */
char *bxi_strdup(bx_ctx *ctx, const char *s);

/* Copy s[0..len) and a NUL into the arena (NULL when out of memory). */
struct bx_arena;
char *bxi_arena_strndup(struct bx_arena *arena, const char *s, size_t len);

/* Why s[0..len) is not an identifier (records.h: 1..63 bytes of UTF-8, no
 * control characters, no leading or trailing blank), or NULL if it is. */
const char *bxi_id_problem(const char *s, size_t len);

/* ---- checksums (crc32c.c) ------------------------------------------------ */

/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial and final
 * XOR 0xFFFFFFFF): bxi_crc32c("123456789", 9) == 0xE3069283. _update
 * continues a CRC over more bytes (start from 0). */
uint32_t bxi_crc32c(const void *data, size_t len);
uint32_t bxi_crc32c_update(uint32_t crc, const void *data, size_t len);

/* SHA-256 (FIPS 180-4) of data[0..len) into out (sha256.c). */
void bxi_sha256(const void *data, size_t len, unsigned char out[32]);
/* len bytes from the system's random source (random.c); false if it
 * cannot give them. */
bool bxi_random_bytes(void *buf, size_t len);

/* ---- files (outfile.c) --------------------------------------------------- */

/* fsync the directory holding path, so that a new or renamed entry in it
 * is durable (atomic outputs, the journal and its snapshots). false with
 * errno on failure; a file system that cannot sync a directory (EINVAL)
 * counts as success. */
bool bxi_sync_dir(const char *path);

/* ---- strict number parsing (numparse.c) --------------------------------- */

/* Parse all of s[0..len) as a base-10 integer in [min, max]. Surrounding
 * ASCII spaces and tabs are allowed; nothing else is: no '+', no fraction,
 * no exponent, no hex. Returns false and a reason in *why on failure. */
bool bxi_parse_int(const char *s, size_t len, int64_t min, int64_t max,
                  int64_t *out, const char **why);

/* Parse all of s[0..len) as a finite decimal number (digits, optional
 * fraction, optional exponent; no nan/inf/hex), independent of locale. */
bool bxi_parse_double(const char *s, size_t len, double *out, const char **why);

/* The C library's current radix character ('.' unless the program set a
 * decimal-comma LC_NUMERIC); boxcar's text formats always use '.'. */
char bxi_locale_radix(void);

/* Booleans: 1/0, true/false, yes/no (any case). */
bool bxi_parse_bool(const char *s, size_t len, bool *out, const char **why);

/* ---- CSV fields at once (csv.c) ------------------------------------------ */

/* Field i of the current record is text + spans[i].off, spans[i].len bytes
 * and a NUL: what bx_csv_field gives one call per field, for the record
 * reader's hot path. Valid until the next bx_csv_next. */
typedef struct bx_csv_span {
    size_t off, len;
} bx_csv_span;
const char *bxi_csv_spans(const bx_csv_reader *r, const bx_csv_span **spans,
                         size_t *n);

/* ---- record schema (schema.c) ------------------------------------------- */

typedef enum bx_field_type {
    BX_FT_ID,       /* char[BX_ID_MAX]: identifier text */
    BX_FT_I32,      /* int32_t within [min, max] */
    BX_FT_I64,      /* int64_t within [min, max] */
    BX_FT_F64,      /* double, finite, within [min, max] */
    BX_FT_BOOL,     /* bool */
    BX_FT_ROTATION, /* bx_rotation, from its name */
    BX_FT_CELL      /* bx_cell: the value as given, typed by its reader */
} bx_field_type;

typedef struct bx_field {
    const char *name;
    bx_field_type type;
    size_t offset;   /* in the record struct */
    bool required;
    int64_t min, max; /* integer range (F64: as doubles) */
    uint32_t has_bit; /* presence bit set when given, 0 for required */
} bx_field;

typedef struct bx_schema {
    bx_record_kind kind;
    const char *name;     /* "box", "order_line" */
    size_t record_size;
    const bx_field *fields;
    size_t nfields;       /* at most 32 */
    size_t has_offset;    /* offset of uint32_t has */
    size_t line_offset;   /* offset of uint64_t line */
    void (*init)(void *record);
    /* cross-field rules, after all fields were set */
    bx_status (*check)(bx_ctx *ctx, const void *record,
                       const bx_location *where);
} bx_schema;

/* ---- rows of named columns (schema.c, reader.c) ---------------------------
 *
 * Records whose fields the reading module types itself (the carbon inputs:
 * shipments, routes, factor sets, containers, totals). Its column list is
 * turned into a schema of BX_FT_CELL fields, so the same back ends read it
 * from CSV, JSON and CBOR: the header or keys are mapped, unknown ones
 * warned about, duplicates and missing required columns refused, and each
 * value arrives as a bx_cell with its own location. Whether a given value
 * is good is the reading module's call. */

#define BX_ROW_MAX_COLUMNS 32

/* The record kind of a reader of rows (never seen outside the library). */
#define BX_RECORD_ROWS ((bx_record_kind)99)

typedef struct bx_column {
    const char *name;
    bool required; /* the header (CSV) must have it; a row may leave it empty */
} bx_column;

typedef enum bx_cell_type {
    BX_CELL_ABSENT = 0, /* no column / key, or JSON null, CBOR null/undefined */
    BX_CELL_TEXT,       /* text (all of CSV); may be empty */
    BX_CELL_INT,        /* a JSON/CBOR integer */
    BX_CELL_REAL        /* a JSON/CBOR floating-point number */
} bx_cell_type;

typedef struct bx_cell {
    bx_cell_type type;
    const char *s;      /* TEXT: borrowed until the next record */
    size_t len;
    int64_t i;          /* INT */
    double d;           /* REAL */
    uint32_t column;    /* where the value is: the row's location (at) */
    uint64_t offset;    /* with these two where known, 0 where not */
} bx_cell;

typedef struct bx_row {
    uint32_t has;       /* unused: the schema's presence word */
    uint64_t line;      /* line of the record's start (CBOR: record number) */
    bx_location at;     /* the record as a whole, for absent cells */
    size_t ncells;      /* the schema's columns */
    bx_cell cell[BX_ROW_MAX_COLUMNS]; /* by column index */
} bx_row;

/* A schema of cells over columns[0..n) (borrowed; n <= BX_ROW_MAX_COLUMNS),
 * built into *schema and fields[n]. */
void bxi_row_schema_init(bx_schema *schema, bx_field *fields,
                        const bx_column *columns, size_t n);

/* Open a reader of rows: like bx_reader_open_* with the schema above in
 * place of a record kind (schema and its fields borrowed until close). fp
 * is read, not closed. Rows are read with bxi_reader_next_row. */
bx_status bxi_reader_open_rows_file(bx_ctx *ctx, bx_reader **out,
                                   const bx_schema *schema, bx_format fmt,
                                   const char *path);
bx_status bxi_reader_open_rows_fp(bx_ctx *ctx, bx_reader **out,
                                 const bx_schema *schema, bx_format fmt,
                                 const char *name, void *fp);
bx_status bxi_reader_open_rows_mem(bx_ctx *ctx, bx_reader **out,
                                  const bx_schema *schema, bx_format fmt,
                                  const char *name, const void *data,
                                  size_t size);
/* bx_reader_next for a reader of rows: *row is valid until the next call. */
bx_status bxi_reader_next_row(bx_reader *r, const bx_row **row);

const bx_schema *bxi_schema_for(bx_record_kind kind);

/* Field by name (exact, case-sensitive), NULL if unknown. */
const bx_field *bxi_schema_field(const bx_schema *schema, const char *name,
                                size_t len);

/* Set a field of `record` from a typed value. Each checks type and range
 * and reports a bad value as BX_EINPUT at `where` (whose `field` member
 * these fill in). from_text parses text strictly per the field's type (this
 * is the CSV path; empty text for an optional field means "absent" and sets
 * nothing). A JSON/CBOR string given for a numeric field is an error: use
 * bxi_field_set_string, which only accepts ID and ROTATION fields. */
bx_status bxi_field_set_text(bx_ctx *ctx, const bx_field *f, void *record,
                            const char *s, size_t len, bx_location *where);
bx_status bxi_field_set_string(bx_ctx *ctx, const bx_field *f, void *record,
                              const char *s, size_t len, bx_location *where);
bx_status bxi_field_set_int(bx_ctx *ctx, const bx_field *f, void *record,
                           int64_t v, bx_location *where);
bx_status bxi_field_set_double(bx_ctx *ctx, const bx_field *f, void *record,
                              double v, bx_location *where);
bx_status bxi_field_set_bool(bx_ctx *ctx, const bx_field *f, void *record,
                            bool v, bx_location *where);

/* After the fields of one record were set: `seen` has bit i set for every
 * field index i that was given. Reports the first missing required field,
 * then runs the schema's cross-field check. */
bx_status bxi_record_finish(bx_ctx *ctx, const bx_schema *schema, void *record,
                           uint32_t seen, bx_location *where);

/* Is field f present in record (required fields always are)? */
bool bxi_field_present(const bx_field *f, const void *record);

/* Typed view of a field's value, for writers. */
typedef struct bx_value {
    bx_field_type type;
    int64_t i;      /* I32, I64 */
    double d;       /* F64 */
    bool b;         /* BOOL */
    const char *s;  /* ID, ROTATION (name) */
} bx_value;
bx_value bxi_field_get(const bx_field *f, const void *record);

/* Text form used by the CSV writer (shortest round-trip for doubles). */
size_t bxi_value_to_text(const bx_value *v, char *buf, size_t size);

/* ---- reader back ends --------------------------------------------------- */

/* A reader: the shared part and one back end per format. Back ends pull
 * bytes with bxi_reader_read (which first replays the sniffed prefix). */
typedef struct bx_reader_backend {
    const char *name;
    /* set up; may read a header (CSV) */
    bx_status (*open)(bx_reader *r);
    /* next record into r->rec (as schema kind r->kind) */
    bx_status (*next)(bx_reader *r);
    void (*close)(bx_reader *r);
} bx_reader_backend;

struct bx_reader {
    bx_ctx *ctx;
    char *name;               /* owned copy */
    bx_record_kind kind;      /* AUTO until decided */
    bx_format format;
    bx_reader_limits limits;
    const bx_reader_backend *backend;
    void *state;              /* back end's own */
    bool recoverable;         /* may next be called after an error */
    /* byte source */
    bx_read_fn read;
    void *read_ud;
    void *file;               /* FILE* when opened by path */
    struct {                  /* source for bx_reader_open_mem */
        const unsigned char *data;
        size_t size, pos;
    } mem;
    unsigned char *prefix;    /* sniffed bytes replayed first (owned) */
    size_t prefix_len, prefix_pos;
    bx_record_kind requested_kind; /* as opened: decides what next copies */
    uint64_t bytes_read;      /* through bxi_reader_read */
    uint64_t nrecords;        /* records handed out or rejected so far */
    bx_record rec;            /* record being built */
    /* After a recoverable BX_EINPUT on an order line: the order_id the
     * line names, when it names one well-formed id without doubt ("" if
     * not), and where the line starts (its line; the record for CBOR).
     * The order reader gives the bad line to that order. */
    char bad_order_id[BX_ID_MAX];
    uint64_t bad_line;
    const bx_schema *rows;    /* a reader of rows: their schema, else NULL */
    bx_row *row;              /* and the row being built */
};

/* A back end's note, on a bad order line, of the order_id it names (s,
 * len bytes, not NUL-ended) and where the line starts. Ignored for other
 * record kinds and for text that is no well-formed identifier. */
void bxi_reader_note_order_id(bx_reader *r, const char *s, size_t len, uint64_t line);

/* The schema a back end fills, and the record it fills: the kind's, or the
 * rows'. */
const bx_schema *bxi_reader_schema(const bx_reader *r);
void *bxi_reader_record(bx_reader *r);

/* Read bytes (prefix first). Same contract as bx_read_fn. */
long bxi_reader_read(bx_reader *r, void *buf, size_t size);

/* Decide the kind from a key/column name seen in the input: "box_id" gives
 * BOX, "order_id" gives ORDER_LINE. Returns false for other names. */
bool bxi_kind_from_key(const char *name, size_t len, bx_record_kind *out);

extern const bx_reader_backend bxi_csv_backend;
#if BOXCAR_HAVE_JSON
extern const bx_reader_backend bxi_json_backend;
#endif
#if BOXCAR_HAVE_CBOR
extern const bx_reader_backend bxi_cbor_backend;
#endif

/* ---- writer back ends --------------------------------------------------- */

typedef struct bx_writer_backend {
    bx_status (*begin)(bx_writer *w);
    bx_status (*put)(bx_writer *w, const void *record);
    bx_status (*end)(bx_writer *w);
    void (*free)(bx_writer *w);
} bx_writer_backend;

struct bx_writer {
    bx_ctx *ctx;
    const bx_schema *schema;
    bx_format format;
    const bx_writer_backend *backend;
    bx_write_fn write;
    void *write_ud;
    uint64_t n_announced, n_written;
    void *state;
};

/* Write bytes through the callback; BX_EIO recorded on failure. */
bx_status bxi_writer_emit(bx_writer *w, const void *data, size_t size);

extern const bx_writer_backend bxi_csv_writer_backend;

#if BOXCAR_HAVE_CBOR
/* Encode d as the shortest of CBOR half, single and double precision that
 * holds it exactly (RFC 8949 section 4.2.1). Returns the bytes written, 0
 * if buf is too small (9 bytes always suffice). */
size_t bxi_cbor_encode_float(double d, unsigned char *buf, size_t size);
#endif
#if BOXCAR_HAVE_JSON
extern const bx_writer_backend bxi_json_writer_backend;
#endif
#if BOXCAR_HAVE_CBOR
extern const bx_writer_backend bxi_cbor_writer_backend;
#endif

#endif
