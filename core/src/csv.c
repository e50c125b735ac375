/*
 * csv.c: streaming RFC 4180 reader and writer (boxcar/csv.h).
 *
 * The reader is a byte state machine over one fixed input buffer. It copies
 * the decoded bytes of the current record into a single growing block, each
 * field NUL-terminated, so its memory is bounded by the record limit, never
 * by the input size. Runs of ordinary bytes are found with a table lookup
 * and copied with memcpy; only the bytes that end a run go through the
 * state switch.
 *
 * Error locations follow docs/formats.md: the line is the physical line on
 * which the record starts, the column the 1-based number of the field in
 * which the problem was found. Together they name one field even when a
 * quoted field spans lines.
 *
 * After an input error the reader keeps scanning the record in a lenient
 * "skipping" mode that stores nothing and reports nothing more, so it comes
 * back in step at the first line end outside quotes. Lenient means: a quote
 * inside an unquoted field is text, text after a closing quote continues the
 * field, a bare CR is text. A stray quote thus never swallows the rest of
 * the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boxcar/csv.h"
#include "internal.h"

/* Large enough that a callback-backed read costs one call per 64 KiB, small
 * enough for a controller's budget. */
#define CSV_INBUF_SIZE ((size_t)64 * 1024)
#define CSV_DEFAULT_MAX_RECORD_BYTES ((size_t)1024 * 1024)
#define CSV_DEFAULT_MAX_FIELDS ((size_t)1024)

enum csv_state {
    ST_FIELD_START, /* nothing of the current field read yet */
    ST_UNQUOTED,    /* inside an unquoted field */
    ST_QUOTED,      /* inside a quoted field */
    ST_QUOTE_SEEN,  /* a quote inside a quoted field: "" or the closing one */
    ST_CR           /* a CR outside quotes: must be followed by LF */
};

/* What one scanning step tells the loop. */
typedef enum csv_step {
    STEP_MORE,   /* go on */
    STEP_RECORD, /* a record (good or bad) is complete */
    STEP_FAIL    /* fatal: r->fatal says why */
} csv_step;

typedef bx_csv_span csv_span; /* into text */

struct bx_csv_reader {
    bx_ctx *ctx;
    char *name; /* owned; NULL when the caller gave none */
    bx_csv_limits limits;
    bx_read_fn read; /* NULL when reading memory */
    void *read_ud;
    unsigned char *inbuf; /* owned; NULL when reading memory */
    const unsigned char *in;
    size_t in_len, in_pos;
    bool eof;
    bool bom_checked;
    bx_status fatal; /* EIO / ENOMEM: every later call fails the same way */

    /* the current record */
    char *text;
    size_t text_len, text_cap;
    csv_span *fields;
    size_t nfields, fields_cap;
    size_t field_off; /* where the field being read starts in text */
    uint64_t line;    /* physical line of the next unread byte */
    uint64_t rec_line;

    /* scanning state of the record being read */
    enum csv_state state;
    bool started;   /* a byte of the record (not a line end) was read */
    bool skipping;  /* after an input error: store and report nothing */
    bx_status err;  /* the record's input error, BX_OK if none */
    size_t raw;     /* input bytes of the record so far, line end excluded */
};

/* Bytes that end a run: CSV_STOP_UNQUOTED inside an unquoted field,
 * CSV_STOP_QUOTED inside a quoted one. */
#define CSV_STOP_UNQUOTED 1u
#define CSV_STOP_QUOTED 2u
static const unsigned char csv_class[256] = {
    [0] = CSV_STOP_UNQUOTED | CSV_STOP_QUOTED,
    ['\n'] = CSV_STOP_UNQUOTED | CSV_STOP_QUOTED,
    ['\r'] = CSV_STOP_UNQUOTED,
    [','] = CSV_STOP_UNQUOTED,
    ['"'] = CSV_STOP_UNQUOTED | CSV_STOP_QUOTED,
};

bx_csv_limits bx_csv_limits_default(void)
{
    bx_csv_limits l = {CSV_DEFAULT_MAX_RECORD_BYTES, CSV_DEFAULT_MAX_FIELDS};
    return l;
}

/* ---- errors -------------------------------------------------------------- */

static void record_error(bx_csv_reader *r, bx_status st, const char *fmt,
                         ...) BX_PRINTF(3, 4);

/* Report the record's first input error and switch to skipping. Later
 * problems in the same record are consequences and stay silent. */
static void record_error(bx_csv_reader *r, bx_status st, const char *fmt,
                         ...)
{
    if (r->skipping)
        return;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bx_location where = {0};
    where.file = r->name;
    where.line = r->rec_line;
    where.column = (uint32_t)(r->nfields + 1);
    r->err = bxi_input_error(r->ctx, st, &where, "%s", msg);
    r->skipping = true;
}

static csv_step fail_nomem(bx_csv_reader *r)
{
    r->fatal = BX_ENOMEM;
    return STEP_FAIL;
}

/* ---- input --------------------------------------------------------------- */

/* Append what the callback gives to inbuf[in_len..). False on a read
 * error (r->fatal set); sets eof on a zero return. */
static bool read_more(bx_csv_reader *r)
{
    size_t room = CSV_INBUF_SIZE - r->in_len;
    long n = r->read(r->read_ud, r->inbuf + r->in_len, room);
    if (n < 0 || (unsigned long)n > room) {
        r->fatal = bxi_error(r->ctx, BX_EIO, "%s: read error near line %llu",
                            r->name ? r->name : "csv input",
                            (unsigned long long)r->line);
        return false;
    }
    if (n == 0)
        r->eof = true;
    r->in_len += (size_t)n;
    return true;
}

/* Called when the buffer is used up. Never calls the callback again after
 * it reported the end (a terminal or pipe may block on a second read). */
static bool refill(bx_csv_reader *r)
{
    if (r->read == NULL || r->eof) {
        r->eof = true;
        return true;
    }
    r->in_pos = 0;
    r->in_len = 0;
    return read_more(r);
}

/* Skip a UTF-8 byte-order mark at the very start. A callback may hand out
 * one byte at a time, so gather three bytes (or the end) first. */
static bool skip_bom(bx_csv_reader *r)
{
    r->bom_checked = true;
    while (r->read != NULL && !r->eof && r->in_len < 3) {
        if (!read_more(r))
            return false;
    }
    if (r->in_len >= 3 && memcmp(r->in, "\xEF\xBB\xBF", 3) == 0)
        r->in_pos = 3;
    return true;
}

/* ---- the current record -------------------------------------------------- */

static bool reserve_text(bx_csv_reader *r, size_t extra)
{
    if (extra <= r->text_cap - r->text_len)
        return true;
    size_t need = r->text_len + extra;
    size_t cap = r->text_cap ? r->text_cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = bx_realloc(r->ctx, r->text, cap);
    if (p == NULL)
        return false;
    r->text = p;
    r->text_cap = cap;
    return true;
}

/* Count n input bytes against the record limit. */
static void count_raw(bx_csv_reader *r, size_t n)
{
    r->raw += n;
    if (r->raw > r->limits.max_record_bytes)
        record_error(r, BX_ELIMIT, "record longer than %zu bytes",
                     r->limits.max_record_bytes);
}

/* Count and keep n decoded bytes. One byte is always left for the NUL that
 * ends the field. */
static bool take(bx_csv_reader *r, const unsigned char *p, size_t n)
{
    count_raw(r, n);
    if (r->skipping)
        return true;
    if (!reserve_text(r, n + 1))
        return false;
    memcpy(r->text + r->text_len, p, n);
    r->text_len += n;
    return true;
}

static bool end_field(bx_csv_reader *r)
{
    if (r->skipping)
        return true;
    if (r->nfields >= r->limits.max_fields) {
        record_error(r, BX_ELIMIT, "more than %zu fields",
                     r->limits.max_fields);
        return true;
    }
    if (r->nfields == r->fields_cap) {
        size_t cap = r->fields_cap ? r->fields_cap * 2 : 16;
        csv_span *p = bx_realloc(r->ctx, r->fields, cap * sizeof *p);
        if (p == NULL)
            return false;
        r->fields = p;
        r->fields_cap = cap;
    }
    if (!reserve_text(r, 1))
        return false;
    r->fields[r->nfields].off = r->field_off;
    r->fields[r->nfields].len = r->text_len - r->field_off;
    r->nfields++;
    r->text[r->text_len++] = '\0';
    r->field_off = r->text_len;
    return true;
}

/* ---- the state machine --------------------------------------------------- */

/* A LF outside quotes was consumed. */
static csv_step line_end(bx_csv_reader *r)
{
    if (!r->started) {
        /* blank line: the record has not begun yet */
        r->line++;
        r->rec_line = r->line;
        r->state = ST_FIELD_START;
        return STEP_MORE;
    }
    r->line++;
    return end_field(r) ? STEP_RECORD : fail_nomem(r);
}

static csv_step on_field_start(bx_csv_reader *r)
{
    switch (r->in[r->in_pos]) {
    case '"':
        r->in_pos++;
        r->started = true;
        r->state = ST_QUOTED;
        count_raw(r, 1);
        return STEP_MORE;
    case ',':
        r->in_pos++;
        r->started = true;
        count_raw(r, 1);
        return end_field(r) ? STEP_MORE : fail_nomem(r);
    case '\n':
        r->in_pos++;
        return line_end(r);
    case '\r':
        r->in_pos++;
        r->state = ST_CR;
        return STEP_MORE;
    default:
        r->started = true;
        r->state = ST_UNQUOTED;
        return STEP_MORE;
    }
}

static csv_step on_unquoted(bx_csv_reader *r)
{
    const unsigned char *p = r->in + r->in_pos;
    const unsigned char *end = r->in + r->in_len;
    const unsigned char *q = p;
    while (q < end && !(csv_class[*q] & CSV_STOP_UNQUOTED))
        q++;
    if (q > p && !take(r, p, (size_t)(q - p)))
        return fail_nomem(r);
    r->in_pos += (size_t)(q - p);
    if (q == end)
        return STEP_MORE;
    r->in_pos++;
    switch (*q) {
    case ',':
        count_raw(r, 1);
        r->state = ST_FIELD_START;
        return end_field(r) ? STEP_MORE : fail_nomem(r);
    case '\n':
        return line_end(r);
    case '\r':
        r->state = ST_CR;
        return STEP_MORE;
    case '"':
        record_error(r, BX_EINPUT, "quote in unquoted field");
        count_raw(r, 1);
        return STEP_MORE;
    default:
        record_error(r, BX_EINPUT, "NUL byte in input");
        count_raw(r, 1);
        return STEP_MORE;
    }
}

static csv_step on_quoted(bx_csv_reader *r)
{
    const unsigned char *p = r->in + r->in_pos;
    const unsigned char *end = r->in + r->in_len;
    const unsigned char *q = p;
    while (q < end && !(csv_class[*q] & CSV_STOP_QUOTED))
        q++;
    if (q > p && !take(r, p, (size_t)(q - p)))
        return fail_nomem(r);
    r->in_pos += (size_t)(q - p);
    if (q == end)
        return STEP_MORE;
    r->in_pos++;
    switch (*q) {
    case '"':
        count_raw(r, 1);
        r->state = ST_QUOTE_SEEN;
        return STEP_MORE;
    case '\n':
        if (!take(r, q, 1))
            return fail_nomem(r);
        r->line++;
        return STEP_MORE;
    default:
        record_error(r, BX_EINPUT, "NUL byte in input");
        count_raw(r, 1);
        return STEP_MORE;
    }
}

static csv_step on_quote_seen(bx_csv_reader *r)
{
    const unsigned char *q = r->in + r->in_pos;
    switch (*q) {
    case '"':
        r->in_pos++;
        r->state = ST_QUOTED;
        return take(r, q, 1) ? STEP_MORE : fail_nomem(r);
    case ',':
        r->in_pos++;
        count_raw(r, 1);
        r->state = ST_FIELD_START;
        return end_field(r) ? STEP_MORE : fail_nomem(r);
    case '\n':
        r->in_pos++;
        return line_end(r);
    case '\r':
        r->in_pos++;
        r->state = ST_CR;
        return STEP_MORE;
    default:
        /* not consumed: the unquoted state reads it as text while skipping */
        record_error(r, BX_EINPUT,
                     "unexpected character after closing quote");
        r->state = ST_UNQUOTED;
        return STEP_MORE;
    }
}

static csv_step on_cr(bx_csv_reader *r)
{
    if (r->in[r->in_pos] == '\n') {
        r->in_pos++;
        return line_end(r);
    }
    record_error(r, BX_EINPUT,
                 "carriage return not followed by line feed");
    r->started = true;
    r->state = ST_UNQUOTED;
    count_raw(r, 1);
    return STEP_MORE;
}

/* The input ended while reading a record: BX_END if no record had begun,
 * BX_OK when one was completed (r->err may hold its input error). */
static bx_status finish_at_eof(bx_csv_reader *r)
{
    switch (r->state) {
    case ST_FIELD_START:
        if (!r->started)
            return BX_END;
        break;
    case ST_QUOTED:
        record_error(r, BX_EINPUT, "unterminated quoted field");
        break;
    case ST_CR:
        record_error(r, BX_EINPUT,
                     "carriage return not followed by line feed");
        break;
    case ST_UNQUOTED:
    case ST_QUOTE_SEEN:
        break;
    }
    if (!end_field(r))
        return r->fatal = BX_ENOMEM;
    return BX_OK;
}

static bx_status scan_record(bx_csv_reader *r)
{
    for (;;) {
        if (r->in_pos == r->in_len) {
            if (!refill(r))
                return r->fatal;
            if (r->in_pos == r->in_len)
                return finish_at_eof(r);
        }
        csv_step step = STEP_MORE;
        switch (r->state) {
        case ST_FIELD_START: step = on_field_start(r); break;
        case ST_UNQUOTED: step = on_unquoted(r); break;
        case ST_QUOTED: step = on_quoted(r); break;
        case ST_QUOTE_SEEN: step = on_quote_seen(r); break;
        case ST_CR: step = on_cr(r); break;
        }
        if (step == STEP_RECORD)
            return BX_OK;
        if (step == STEP_FAIL)
            return r->fatal;
    }
}

static void reset_record(bx_csv_reader *r)
{
    r->nfields = 0;
    r->text_len = 0;
    r->field_off = 0;
    r->rec_line = r->line;
    r->state = ST_FIELD_START;
    r->started = false;
    r->skipping = false;
    r->err = BX_OK;
    r->raw = 0;
}

bx_status bx_csv_next(bx_csv_reader *r)
{
    if (r == NULL)
        return BX_EINVAL;
    if (r->fatal != BX_OK)
        return bxi_error(r->ctx, r->fatal, "%s: reader stopped by an earlier "
                        "error", r->name ? r->name : "csv input");
    if (!r->bom_checked && !skip_bom(r))
        return r->fatal;
    reset_record(r);
    bx_status st = scan_record(r);
    if (st == BX_OK)
        st = r->err;
    if (st != BX_OK)
        r->nfields = 0;
    return st;
}

size_t bx_csv_nfields(const bx_csv_reader *r)
{
    return r == NULL ? 0 : r->nfields;
}

const char *bx_csv_field(const bx_csv_reader *r, size_t i, size_t *len)
{
    if (r == NULL || i >= r->nfields)
        return NULL;
    if (len != NULL)
        *len = r->fields[i].len;
    return r->text + r->fields[i].off;
}

const char *bxi_csv_spans(const bx_csv_reader *r, const bx_csv_span **spans,
                         size_t *n)
{
    *spans = r->fields;
    *n = r->nfields;
    return r->text;
}

uint64_t bx_csv_line(const bx_csv_reader *r)
{
    return r == NULL ? 0 : r->rec_line;
}

const char *bx_csv_name(const bx_csv_reader *r)
{
    return r == NULL ? NULL : r->name;
}

/* ---- open and close ------------------------------------------------------ */

/* Everything but the byte source. Zero limits mean the defaults. */
static bx_status open_common(bx_ctx *ctx, bx_csv_reader **out,
                             const char *name, const bx_csv_limits *limits)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_csv_open: out is NULL");
    bx_csv_reader *r = bx_alloc(ctx, sizeof *r);
    if (r == NULL)
        return BX_ENOMEM;
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->limits = bx_csv_limits_default();
    if (limits != NULL && limits->max_record_bytes != 0)
        r->limits.max_record_bytes = limits->max_record_bytes;
    if (limits != NULL && limits->max_fields != 0)
        r->limits.max_fields = limits->max_fields;
    r->line = 1;
    r->rec_line = 1;
    if (name != NULL) {
        r->name = bxi_strdup(ctx, name);
        if (r->name == NULL) {
            bx_free(ctx, r);
            return BX_ENOMEM;
        }
    }
    *out = r;
    return BX_OK;
}

bx_status bx_csv_open(bx_ctx *ctx, bx_csv_reader **out, const char *name,
                      bx_read_fn read, void *read_ud,
                      const bx_csv_limits *limits)
{
    bx_status st = open_common(ctx, out, name, limits);
    if (st != BX_OK)
        return st;
    bx_csv_reader *r = *out;
    if (read == NULL) {
        bx_csv_close(r);
        *out = NULL;
        return bxi_error(ctx, BX_EINVAL, "bx_csv_open: read is NULL");
    }
    r->inbuf = bx_alloc(ctx, CSV_INBUF_SIZE);
    if (r->inbuf == NULL) {
        bx_csv_close(r);
        *out = NULL;
        return BX_ENOMEM;
    }
    r->in = r->inbuf;
    r->read = read;
    r->read_ud = read_ud;
    return BX_OK;
}

static long read_stdio(void *ud, void *buf, size_t size)
{
    FILE *fp = ud;
    size_t n = fread(buf, 1, size, fp);
    if (n == 0 && ferror(fp))
        return -1;
    return (long)n;
}

bx_status bx_csv_open_file(bx_ctx *ctx, bx_csv_reader **out, const char *name,
                           FILE *fp, const bx_csv_limits *limits)
{
    if (fp == NULL) {
        if (out != NULL)
            *out = NULL;
        return bxi_error(ctx, BX_EINVAL, "bx_csv_open_file: fp is NULL");
    }
    return bx_csv_open(ctx, out, name, read_stdio, fp, limits);
}

/* Memory is scanned in place: no input buffer, no copy. */
bx_status bx_csv_open_mem(bx_ctx *ctx, bx_csv_reader **out, const char *name,
                          const void *data, size_t size,
                          const bx_csv_limits *limits)
{
    if (data == NULL && size != 0) {
        if (out != NULL)
            *out = NULL;
        return bxi_error(ctx, BX_EINVAL, "bx_csv_open_mem: data is NULL");
    }
    bx_status st = open_common(ctx, out, name, limits);
    if (st != BX_OK)
        return st;
    (*out)->in = data;
    (*out)->in_len = size;
    return BX_OK;
}

void bx_csv_close(bx_csv_reader *r)
{
    if (r == NULL)
        return;
    bx_ctx *ctx = r->ctx;
    bx_free(ctx, r->inbuf);
    bx_free(ctx, r->text);
    bx_free(ctx, r->fields);
    bx_free(ctx, r->name);
    bx_free(ctx, r);
}

/* ---- writer -------------------------------------------------------------- */

void bx_csv_writer_init(bx_csv_writer *w, bx_write_fn write, void *ud)
{
    if (w == NULL)
        return;
    w->write = write;
    w->ud = ud;
    w->nfields = 0;
}

static bx_status emit(bx_csv_writer *w, const void *p, size_t n)
{
    if (n == 0)
        return BX_OK;
    return w->write(w->ud, p, n) == 0 ? BX_OK : BX_EIO;
}

/* Two cases beyond RFC 4180 quote a record's first field: empty, since a
 * lone empty field would be a blank line, which readers skip; and starting
 * with a UTF-8 BOM, which a reader drops at the start of the input. */
static bool needs_quotes(const char *s, size_t len, bool first)
{
    if (len == 0)
        return first;
    if (first && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        return true;
    if (s[0] == ' ' || s[len - 1] == ' ')
        return true;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return true;
    }
    return false;
}

static bx_status write_quoted(bx_csv_writer *w, const char *s, size_t len)
{
    bx_status st = emit(w, "\"", 1);
    while (st == BX_OK && len > 0) {
        const char *q = memchr(s, '"', len);
        size_t run = q ? (size_t)(q - s) + 1 : len;
        st = emit(w, s, run);
        if (st == BX_OK && q != NULL)
            st = emit(w, "\"", 1); /* the quote doubled */
        s += run;
        len -= run;
    }
    return st == BX_OK ? emit(w, "\"", 1) : st;
}

bx_status bx_csv_write_field(bx_csv_writer *w, const char *s, size_t len)
{
    if (w == NULL || w->write == NULL || (s == NULL && len != 0))
        return BX_EINVAL;
    bx_status st = BX_OK;
    if (w->nfields > 0)
        st = emit(w, ",", 1);
    if (st == BX_OK) {
        if (needs_quotes(s, len, w->nfields == 0))
            st = write_quoted(w, s, len);
        else
            st = emit(w, s, len);
    }
    w->nfields++;
    return st;
}

/* A record of no fields cannot be written: it would read back as nothing. */
bx_status bx_csv_end_record(bx_csv_writer *w)
{
    if (w == NULL || w->write == NULL || w->nfields == 0)
        return BX_EINVAL;
    w->nfields = 0;
    return emit(w, "\n", 1);
}
