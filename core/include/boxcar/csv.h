/*
 * boxcar/csv.h: streaming RFC 4180 reader and writer.
 *
 * The reader pulls bytes through a read callback (or a FILE*), so a file
 * larger than memory streams in constant space: it holds one record at a
 * time. It accepts quoted fields with embedded commas, quotes ("") and
 * newlines, LF or CRLF line ends, a UTF-8 byte-order mark at the start, and
 * a missing final line end. It rejects, with file, line and column, a quote
 * inside an unquoted field, text after a closing quote, an unterminated
 * quoted field, a NUL byte, and a record longer than the configured limit.
 * Blank lines (no bytes between two line ends) are skipped.
 *
 * The writer quotes a field only when it must (comma, quote, CR, LF, leading
 * or trailing space) and ends records with LF.
 */
#ifndef BOXCAR_CSV_H
#define BOXCAR_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "boxcar/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read up to `size` bytes into buf; return the count, 0 at end of input,
 * or a negative value on a read error. */
typedef long (*bx_read_fn)(void *ud, void *buf, size_t size);

typedef struct bx_csv_reader bx_csv_reader;

typedef struct bx_csv_limits {
    size_t max_record_bytes; /* default 1 MiB */
    size_t max_fields;       /* default 1024 */
} bx_csv_limits;

/* Defaults for the limits above. */
BX_API bx_csv_limits bx_csv_limits_default(void);

/* Open a reader over a read callback. `name` names the input in messages
 * (copied). limits may be NULL for the defaults. */
BX_API bx_status bx_csv_open(bx_ctx *ctx, bx_csv_reader **out, const char *name,
                             bx_read_fn read, void *read_ud,
                             const bx_csv_limits *limits);

/* Open a reader over a FILE* that the caller keeps open and closes. */
BX_API bx_status bx_csv_open_file(bx_ctx *ctx, bx_csv_reader **out,
                                  const char *name, FILE *fp,
                                  const bx_csv_limits *limits);

/* Open a reader over a memory buffer (borrowed: must outlive the reader). */
BX_API bx_status bx_csv_open_mem(bx_ctx *ctx, bx_csv_reader **out,
                                 const char *name, const void *data,
                                 size_t size, const bx_csv_limits *limits);

/* Read the next record. BX_OK with the fields available through
 * bx_csv_field until the next call; BX_END at end of input; BX_EINPUT for a
 * malformed record (the reader then resynchronises at the next line end, so
 * the caller may go on to report further problems); BX_EIO, BX_ELIMIT,
 * BX_ENOMEM. */
BX_API bx_status bx_csv_next(bx_csv_reader *r);

/* Number of fields in the current record. */
BX_API size_t bx_csv_nfields(const bx_csv_reader *r);

/* Field i of the current record: a NUL-terminated string (embedded NUL is
 * rejected by the reader) and, if len is not NULL, its length. NULL for i
 * out of range. Borrowed until the next bx_csv_next. */
BX_API const char *bx_csv_field(const bx_csv_reader *r, size_t i, size_t *len);

/* 1-based physical line on which the current record starts. */
BX_API uint64_t bx_csv_line(const bx_csv_reader *r);

/* The input name given at open. */
BX_API const char *bx_csv_name(const bx_csv_reader *r);

/* NULL is a no-op. */
BX_API void bx_csv_close(bx_csv_reader *r);

/* Writer: append one field of a record to a growing buffer or stream.
 * The callback receives the encoded bytes; return 0 on success, nonzero on
 * failure (then the writer returns BX_EIO). */
typedef int (*bx_write_fn)(void *ud, const void *data, size_t size);

typedef struct bx_csv_writer {
    bx_write_fn write;
    void *ud;
    size_t nfields; /* fields written in the current record */
} bx_csv_writer;

BX_API void bx_csv_writer_init(bx_csv_writer *w, bx_write_fn write, void *ud);
BX_API bx_status bx_csv_write_field(bx_csv_writer *w, const char *s, size_t len);
BX_API bx_status bx_csv_end_record(bx_csv_writer *w);

#ifdef __cplusplus
}
#endif

#endif
