/*
 * carbon_internal.h: what the carbon sources share and callers do not see.
 * Not installed.
 */
#ifndef BOXCAR_CARBON_INTERNAL_H
#define BOXCAR_CARBON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "boxcar/arena.h"
#include "boxcar/carbon.h"
#include "boxcar/carbon_totals.h"
#include "boxcar/csv.h"
#include "emit.h"
#include "internal.h"

/* ---- string -> index map (idmap.c) -------------------------------------- */

/* Open addressing over FNV-1a hashes; keys are copied into one growing
 * buffer, so a map of n keys costs a handful of blocks, not n. Index i is
 * the order of first insertion. */
typedef struct bxc_idmap {
    bx_ctx *ctx;
    uint32_t *slots;   /* key index + 1; 0 = empty */
    size_t nslots;     /* power of two, or 0 */
    size_t *offsets;   /* key i starts at keys + offsets[i] */
    char *keys;
    size_t keys_len, keys_cap;
    size_t n, offsets_cap;
} bxc_idmap;

void bxi_carbon_idmap_init(bxc_idmap *m, bx_ctx *ctx);
void bxi_carbon_idmap_free(bxc_idmap *m);
/* Index of key, or -1. */
long bxi_carbon_idmap_find(const bxc_idmap *m, const char *key, size_t len);
/* Find or insert; *index gets the key's index, *inserted whether it is new
 * (may be NULL). BX_ENOMEM, or BX_ELIMIT beyond 2^31 keys. */
bx_status bxi_carbon_idmap_put(bxc_idmap *m, const char *key, size_t len,
                        size_t *index, bool *inserted);
const char *bxi_carbon_idmap_key(const bxc_idmap *m, size_t index);

/* ---- records with named columns (table.c) ------------------------------- */

/* A column: its name and whether the header must have it. */
typedef bx_column bxc_column;

#define BXI_CARBON_MAX_COLUMNS BX_ROW_MAX_COLUMNS

/* A record reader (core's, so CSV, JSON or CBOR: by the extension, else
 * sniffed) over a fixed list of known columns. Unknown columns or keys are
 * warned about and ignored; in CSV a duplicate or a missing required column
 * is an input error. Each value is seen as text: CSV's as it is, a JSON or
 * CBOR string as it is, a JSON or CBOR number as its shortest exact
 * decimal, so every format meets the same rules and messages. */
typedef struct bxc_table {
    bx_ctx *ctx;
    bx_reader *rd;
    const bx_row *row;             /* the current row */
    const char *name;              /* input name for messages (the reader's) */
    const bxc_column *columns;
    size_t ncolumns;
    bool typed;                    /* JSON or CBOR: values prepared below */
    const char *text[BXI_CARBON_MAX_COLUMNS]; /* per column, NUL-terminated */
    size_t len[BXI_CARBON_MAX_COLUMNS];
    char num[BXI_CARBON_MAX_COLUMNS][32]; /* numbers as text */
    char *buf;                     /* CBOR text with a NUL added */
    size_t buf_cap;
    bx_schema schema;              /* of the columns, for the reader */
    bx_field fields[BXI_CARBON_MAX_COLUMNS];
} bxc_table;

/* Open path, or the caller's fp (read, not closed), or memory (borrowed),
 * and read the header (CSV). An empty CSV file is an input error ("no
 * header row"). BX_ENOTFOUND / BX_EIO name the path. The table is used in
 * place (the reader points into it): do not copy it. */
bx_status bxi_carbon_table_open_path(bxc_table *t, bx_ctx *ctx, const char *path,
                              const bxc_column *columns, size_t ncolumns);
bx_status bxi_carbon_table_open_fp(bxc_table *t, bx_ctx *ctx, const char *name, FILE *fp,
                            const bxc_column *columns, size_t ncolumns);
bx_status bxi_carbon_table_open_mem(bxc_table *t, bx_ctx *ctx, const char *name,
                             const void *data, size_t size,
                             const bxc_column *columns, size_t ncolumns);
void bxi_carbon_table_close(bxc_table *t);

/* Open a table by path or over memory, hand it to load (which builds the
 * object into *out, a pointer to the caller's result pointer), close it.
 * The one way the carbon readers read a whole file. */
typedef bx_status (*bxc_load_fn)(bx_ctx *ctx, void *out, bxc_table *t, const char *name);
bx_status bxi_carbon_table_load_path(bx_ctx *ctx, const char *path, const bxc_column *columns,
                              size_t ncolumns, bxc_load_fn load, void *out);
bx_status bxi_carbon_table_load_mem(bx_ctx *ctx, const char *name, const void *data, size_t size,
                             const bxc_column *columns, size_t ncolumns, bxc_load_fn load,
                             void *out);
/* Next row: BX_OK, BX_END, or an error (BX_EINPUT is recoverable). */
bx_status bxi_carbon_table_next(bxc_table *t);
/* Column c of the current row ("" when the column is absent), its length
 * in *len (may be NULL). */
const char *bxi_carbon_get(const bxc_table *t, size_t c, size_t *len);
bool bxi_carbon_empty(const bxc_table *t, size_t c);
uint64_t bxi_carbon_line(const bxc_table *t);
/* Location of column c in the current row, for messages. */
bx_location bxi_carbon_where(const bxc_table *t, size_t c);

/* Typed fields: each reports a bad value as BX_EINPUT at the column's
 * location. `present` (may be NULL) says whether the field was given; an
 * empty required field is an error. */
bx_status bxi_carbon_get_id(const bxc_table *t, size_t c, bool required,
                     char out[BX_ID_MAX]);
bx_status bxi_carbon_get_double(const bxc_table *t, size_t c, bool required,
                         double min, double max, double *out, bool *present);
bx_status bxi_carbon_get_int(const bxc_table *t, size_t c, bool required,
                      int64_t min, int64_t max, int64_t *out, bool *present);
/* Case-insensitive choice among words (NULL-terminated); *out its index.
 * An empty field gives *out = -1 (an error when required). */
bx_status bxi_carbon_get_word(const bxc_table *t, size_t c, bool required,
                       const char *const *words, int *out);


/* ---- numbers ------------------------------------------------------------ */

/* Round grams to whole milligrams; false if the result would not fit the
 * exact-integer range of the totals (|mg| <= BX_CO2E_MAX_MG). */
bool bxi_carbon_g_to_mg(double g, int64_t *mg);
/* Gram-km (>= 0) as tonne-km with six decimals, exact. Returns buf. */
char *bxi_carbon_gkm_to_tkm_text(int64_t gkm, char *buf, size_t size);
/* An intensity for display: mg x scale / units, rounded (e.g. mg CO2e per
 * tkm from mg and g.km with scale 1e6). false when units <= 0 (no activity:
 * the intensity is undefined, not zero) or out of range. */
bool bxi_carbon_per_unit_mg(int64_t mg, int64_t units, double scale, int64_t *out);

/* a += b, false on overflow (then a is unchanged). */
bool bxi_carbon_add_i64(int64_t *a, int64_t b);

/* Case-insensitive ASCII equality of s[0..len) and the NUL-terminated w. */
bool bxi_carbon_word_eq(const char *s, size_t len, const char *w);

/* The name a containers file was loaded from (containers.c). */
const char *bxi_carbon_containers_name(const bx_containers *cs);

/* ---- flat records out as JSON or CBOR (record_emit.c) -------------------- */

/* One field of a flat record: text or an integer. */
typedef struct bxc_field {
    const char *name; /* ASCII, no characters JSON would escape */
    const char *text; /* NULL: the field is the integer */
    int64_t integer;
} bxc_field;

/* The order in which CBOR's core deterministic encoding wants the keys of
 * fields[0..n): shorter keys first, then bytewise. order[k] is the index
 * of the k-th key to write. n <= BXI_CARBON_MAX_FIELDS. */
#define BXI_CARBON_MAX_FIELDS 32
void bxi_carbon_cbor_order(const bxc_field *fields, size_t n, uint8_t *order);

/* fields as one JSON object in their own order, then a newline. */
void bxi_carbon_emit_json(bx_emit *o, const bxc_field *fields, size_t n);
#if BOXCAR_HAVE_CBOR
/* fields as one CBOR map, keys in `order` (from bxi_carbon_cbor_order). */
void bxi_carbon_emit_cbor(bx_emit *o, const bxc_field *fields, size_t n,
                   const uint8_t *order);
#endif

/* ---- totals internals (totals.c) ---------------------------------------- */

bx_ctx *bxi_carbon_totals_ctx(const bx_carbon_totals *t);
/* Add s to the row (g, key); *existed says whether the row was there. */
bx_status bxi_carbon_totals_put(bx_carbon_totals *t, bx_totals_group g, const char *key,
                         size_t len, const bx_carbon_sum *s, bool *existed);

/* ---- factor set internals (factors.c) ------------------------------------ */

/* Normalised value of a factor: grams CO2e per tkm (TOC), per tonne or per
 * item (HOC), per unit of fuel (FUEL), per gram of material (MATERIAL, EOL,
 * numerically equal to kg/kg). `split` is false when the row gave WTW only,
 * then wtt and ttw are 0 and only wtw counts. */
typedef struct bxc_value {
    double wtt, ttw, wtw;
    bool split;
} bxc_value;

bxc_value bxi_carbon_factor_value(const bx_factor_set *fs, size_t index);
/* Index of the row of kind/id, or -1. */
long bxi_carbon_factor_index(const bx_factor_set *fs, bx_factor_kind kind,
                      const char *id);
/* The geometric standard deviation the Monte Carlo uses for row `index`:
 * the row's own, else the default of its data-quality class. */
double bxi_carbon_factor_gsd(const bx_factor_set *fs, size_t index);

#endif
