/*
 * boxcar/report.h: reports declared by Lua scripts (scripts/report/),
 * rendered as an Excel workbook, CSV files or one CBOR document.
 *
 * A report script is a sandboxed script (boxcar/script.h) whose module has
 * a function build(data, book). data holds the report's sources (tables of
 * rows the host registered, such as the packing results of `boxcar pack`)
 * and notes; book is a builder: book:sheet(name) makes a summary sheet on
 * which the script puts text, tables (columns with number formats and
 * totals, rows of cells) and charts (column, bar, pie, line) over those
 * tables; book:detail(name, source, columns) makes a detail sheet whose
 * rows boxcar streams from the source at render time, one row per source
 * row, without holding them (Excel's constant-memory mode). Every builder
 * call checks its arguments at once, so a mistake is reported with the
 * script's name and line. scripts/README.md describes the calls.
 *
 * Sources are CSV files with a header row, read one row at a time. A
 * script iterates one with `for row in source:rows() do ... end`; row is
 * a reused view whose fields are the columns by name: numbers for the
 * columns registered as numeric, text otherwise, nil when empty.
 *
 * Rendering runs build once, then writes the format asked for. Output is
 * all or nothing: a temporary file renamed into place (for CSV, the
 * sheets' files are written one at a time into a new directory beside the
 * target, which is renamed to the target if that does not exist yet, or
 * whose files are moved into the existing one once all are written), so
 * a failure leaves no partial report. The document's creation time is a parameter,
 * so the same input can give byte-identical workbooks.
 *
 * A report has at most 1,000 sheets (BX_ELIMIT from the builder call
 * that would add one more): libxlsxwriter keeps each sheet of a workbook
 * in memory until it writes the file.
 *
 * Sheet names are checked as Excel requires (libxlsxwriter 1.1.4 misses
 * some cases): 1 to 31 characters, none of [ ] : * ? / \, not beginning or
 * ending with an apostrophe, not "History", unique regardless of case
 * (ASCII letters).
 *
 * Memory: summary tables are kept until rendering (they are meant to be
 * small: aggregates); detail rows are streamed. libxlsxwriter allocates
 * with malloc, outside the context's allocator, and writes its own
 * temporary files while assembling a workbook.
 *
 * In a build without Lua every function returns BX_EUNSUPPORTED; without
 * libxlsxwriter (CBOR) so does rendering that format.
 */
#ifndef BOXCAR_REPORT_H
#define BOXCAR_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "boxcar/ctx.h"
#include "boxcar/script.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_report bx_report;

typedef enum bx_report_format {
    BX_REPORT_XLSX = 0, /* one .xlsx workbook */
    BX_REPORT_CSV = 1,  /* a directory: one <sheet>.csv per sheet */
    BX_REPORT_CBOR = 2  /* one CBOR map (RFC 8949 core deterministic) */
} bx_report_format;

/* "xlsx", "csv", "cbor"; parse is case-insensitive, BX_EINPUT if unknown. */
BX_API const char *bx_report_format_name(bx_report_format format);
BX_API bx_status bx_report_format_parse(const char *s, bx_report_format *out);

/* Defaults for report scripts: 64 MiB and 2,000,000,000 instructions for
 * the one build call (a script may iterate a million rows). */
BX_API bx_script_limits bx_report_limits_default(void);

/* Compile a report script (limits NULL: bx_report_limits_default). The
 * module must have a function build. */
BX_API bx_status bx_report_load(bx_ctx *ctx, bx_report **out, const char *path,
                                const bx_script_limits *limits);
BX_API bx_status bx_report_load_buffer(bx_ctx *ctx, bx_report **out, const char *name,
                                       const char *text, size_t len,
                                       const bx_script_limits *limits);
/* NULL is a no-op. */
BX_API void bx_report_free(bx_report *report);

/* The module's name (or the script's). */
BX_API const char *bx_report_name(const bx_report *report);

/* Register data.<name>: the CSV file at path (read when the script
 * iterates it and when a detail sheet is rendered). numeric lists the
 * columns whose fields are numbers (NULL-terminated; may be NULL); the
 * header must have them all. The modules that write boxcar's files give
 * theirs (bx_pack_csv_numeric_columns, bx_carbon_csv_numeric_columns,
 * bx_carbon_totals_numeric_columns, bx_factor_set_numeric_columns). The
 * file is opened and its header checked now: BX_ENOTFOUND / BX_EIO /
 * BX_EINPUT. name: a Lua identifier. */
BX_API bx_status bx_report_add_source(bx_report *report, const char *name,
                                      const char *path, const char *const *numeric);

/* Append a line to data.notes (e.g. a policy's assumptions). */
BX_API bx_status bx_report_add_note(bx_report *report, const char *text);

/* Set params[key] of the module from text, typed like its default (as
 * bx_policy_set_param). */
BX_API bx_status bx_report_set_param(bx_report *report, const char *key,
                                     const char *value);

/* Called with the rows read so far (sources and detail sheets), about
 * every 65,536 rows, and once at the end. */
typedef void (*bx_report_progress_fn)(void *ud, uint64_t rows);

/* The latest creation time a workbook can carry: 9999-12-31T23:59:59Z
 * (its properties hold a four-digit year). */
#define BX_REPORT_CREATED_MAX ((time_t)253402300799)

typedef struct bx_report_options {
    time_t created;                  /* document creation time; 0: now;
                                        at most BX_REPORT_CREATED_MAX */
    bx_report_progress_fn progress;  /* may be NULL */
    void *progress_ud;
    /* Rows of a worksheet, its header row included, before a detail sheet
     * goes on in a new one ("Shipments (2)", ...); 0: Excel's 1,048,576.
     * Excel output only: CSV and CBOR keep a detail sheet whole. */
    uint32_t max_sheet_rows;
} bx_report_options;

/* Run build and write the report to `path` (a file for XLSX and CBOR, a
 * directory for CSV, made if missing). options may be NULL. Errors:
 * BX_EINPUT (the script's errors with name and line, a bad source row
 * with file, line and field, a sheet name Excel rejects), BX_ELIMIT (the
 * script's limits; more than 1,000 sheets with the continuations of the
 * detail sheets), BX_EIO, BX_ENOMEM,
 * BX_EUNSUPPORTED, BX_EINVAL (options->created below 0 or above
 * BX_REPORT_CREATED_MAX). Nothing is left at path on failure. */
BX_API bx_status bx_report_render(bx_report *report, bx_report_format format,
                                  const char *path, const bx_report_options *options);

/* Rows read by the last render (sources and detail sheets together). */
BX_API uint64_t bx_report_rows(const bx_report *report);

/* Check a sheet name as Excel does (see above) and return NULL if it is
 * acceptable, else a static reason ("is longer than 31 characters"). */
BX_API const char *bx_report_sheet_name_problem(const char *name);

#ifdef __cplusplus
}
#endif

#endif
