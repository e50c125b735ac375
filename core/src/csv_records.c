/*
 * csv_records.c: the CSV back ends of the record reader and writer.
 *
 * The header row names the columns; each is mapped once to a schema field
 * (or to nothing, with a warning), so a row costs one table lookup per
 * column. Columns may come in any order.
 */
#include <strings.h>
#include <string.h>

#include "boxcar/csv.h"
#include "internal.h"

/* ---- reader -------------------------------------------------------------- */

typedef struct csv_in {
    bx_csv_reader *csv;
    const bx_schema *schema;
    size_t ncolumns;
    const bx_field **column; /* per header column; NULL: ignored */
    bx_cell **cell;          /* a reader of rows: per header column, its cell */
} csv_in;

static long read_through_reader(void *ud, void *buf, size_t size)
{
    return bxi_reader_read(ud, buf, size);
}

static bx_location header_location(const bx_reader *r, const csv_in *s)
{
    bx_location where = {0};
    where.file = r->name;
    where.line = bx_csv_line(s->csv);
    return where;
}

/* A header read as one column that holds a semicolon or a tab: the file
 * is separated by something other than commas. The separator, or 0. */
static char other_separator(const csv_in *s)
{
    if (bx_csv_nfields(s->csv) != 1)
        return 0;
    size_t len;
    const char *name = bx_csv_field(s->csv, 0, &len);
    if (memchr(name, ';', len) != NULL)
        return ';';
    if (memchr(name, '\t', len) != NULL)
        return '\t';
    return 0;
}

static bx_status other_separator_error(bx_reader *r, const csv_in *s, char sep)
{
    bx_location where = header_location(r, s);
    return bxi_input_error(r->ctx, BX_EINPUT, &where,
                          "the header is one column holding %s: fields must be separated "
                          "by commas", sep == ';' ? "semicolons" : "tabs");
}

/* With BX_RECORD_AUTO the header decides: a box_id column means a catalog,
 * an order_id column an order. A header with both is refused rather than
 * guessed. */
static bx_status decide_kind(bx_reader *r, const csv_in *s)
{
    bool box = false, line = false, item = false;
    for (size_t i = 0; i < bx_csv_nfields(s->csv); i++) {
        size_t len;
        const char *name = bx_csv_field(s->csv, i, &len);
        bx_record_kind kind;
        if (bxi_kind_from_key(name, len, &kind)) {
            box |= kind == BX_RECORD_BOX;
            line |= kind == BX_RECORD_ORDER_LINE;
            item |= kind == BX_RECORD_ITEM;
        }
    }
    char sep = other_separator(s);
    if (sep != 0 && !box && !line)
        return other_separator_error(r, s, sep);
    bx_location where = header_location(r, s);
    if (box && line)
        return bxi_input_error(r->ctx, BX_EINPUT, &where,
                              "the header has both box_id and order_id: "
                              "cannot tell a catalog from an order");
    if (item && (box || line))
        return bxi_input_error(r->ctx, BX_EINPUT, &where,
                              "the header has sku and %s: cannot tell an item "
                              "master from %s", box ? "box_id" : "order_id",
                              box ? "a catalog" : "an order");
    if (!box && !line && !item)
        return bxi_input_error(r->ctx, BX_EINPUT, &where,
                              "the header has neither box_id (catalog) nor "
                              "order_id (order lines) nor sku (item master)");
    r->kind = box ? BX_RECORD_BOX : item ? BX_RECORD_ITEM : BX_RECORD_ORDER_LINE;
    return BX_OK;
}

/* The header column whose name is `name` but for case, or NULL. */
static const char *case_twin(const csv_in *s, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < bx_csv_nfields(s->csv); i++) {
        size_t len;
        const char *col = bx_csv_field(s->csv, i, &len);
        if (len == n && strncasecmp(col, name, n) == 0)
            return col;
    }
    return NULL;
}

static bx_status report_missing(bx_reader *r, const csv_in *s, uint32_t seen)
{
    char names[400] = "";
    size_t n = 0, missing = 0;
    const char *twin = NULL, *twin_of = NULL;
    for (size_t i = 0; i < s->schema->nfields; i++) {
        const bx_field *f = &s->schema->fields[i];
        if (!f->required || (seen & (UINT32_C(1) << i)) != 0)
            continue;
        size_t len = strlen(f->name);
        if (n + len + 3 < sizeof names) {
            if (missing > 0) {
                memcpy(names + n, ", ", 2);
                n += 2;
            }
            memcpy(names + n, f->name, len + 1);
            n += len;
        }
        if (twin == NULL && (twin = case_twin(s, f->name)) != NULL)
            twin_of = f->name;
        missing++;
    }
    if (missing == 0)
        return BX_OK;
    char sep = other_separator(s);
    if (sep != 0)
        return other_separator_error(r, s, sep);
    bx_location where = header_location(r, s);
    if (twin != NULL)
        return bxi_input_error(r->ctx, BX_EINPUT, &where,
                              "missing required column%s: %s (the header has '%s', which "
                              "differs from '%s' in case: column names are lower case)",
                              missing > 1 ? "s" : "", names, twin, twin_of);
    return bxi_input_error(r->ctx, BX_EINPUT, &where,
                          "missing required column%s: %s",
                          missing > 1 ? "s" : "", names);
}

/* The cells of a reader of rows that do not change from row to row in CSV:
 * a column the header has is text at its column, one it lacks is absent. */
static bx_status setup_row(bx_reader *r, csv_in *s)
{
    bx_row *row = r->row;
    s->cell = bx_alloc(r->ctx, s->ncolumns * sizeof *s->cell);
    if (s->cell == NULL)
        return BX_ENOMEM;
    for (size_t k = 0; k < row->ncells; k++)
        row->cell[k].type = BX_CELL_ABSENT;
    for (size_t i = 0; i < s->ncolumns; i++) {
        const bx_field *f = s->column[i];
        s->cell[i] = NULL;
        if (f == NULL)
            continue;
        bx_cell *c = &row->cell[f - s->schema->fields];
        s->cell[i] = c;
        c->type = BX_CELL_TEXT;
        c->column = (uint32_t)(i + 1);
        c->offset = 0;
    }
    memset(&row->at, 0, sizeof row->at);
    row->at.file = r->name;
    return BX_OK;
}

/* Map each header column to its field: unknown ones are warned about and
 * ignored, a repeated one is fatal (which value would count?), and every
 * required field must have a column. */
static bx_status map_header(bx_reader *r, csv_in *s)
{
    s->ncolumns = bx_csv_nfields(s->csv);
    s->column = bx_alloc(r->ctx, s->ncolumns * sizeof *s->column);
    if (s->column == NULL)
        return BX_ENOMEM;
    uint32_t seen = 0;
    for (size_t i = 0; i < s->ncolumns; i++) {
        size_t len;
        const char *name = bx_csv_field(s->csv, i, &len);
        bx_location where = header_location(r, s);
        where.column = (uint32_t)(i + 1);
        where.field = name;
        const bx_field *f = bxi_schema_field(s->schema, name, len);
        s->column[i] = f;
        if (f == NULL) {
            const char *twin = NULL;
            for (size_t k = 0; k < s->schema->nfields && twin == NULL; k++)
                if (strlen(s->schema->fields[k].name) == len &&
                    strncasecmp(s->schema->fields[k].name, name, len) == 0)
                    twin = s->schema->fields[k].name;
            bx_status st = twin != NULL
                               ? bxi_warn(r->ctx, &where, "unknown column ignored (did you "
                                          "mean '%s'? column names are lower case)", twin)
                               : bxi_warn(r->ctx, &where, "unknown column ignored");
            if (st != BX_OK)
                return st;
            continue;
        }
        uint32_t bit = UINT32_C(1) << (size_t)(f - s->schema->fields);
        if (seen & bit)
            return bxi_input_error(r->ctx, BX_EINPUT, &where,
                                  "duplicate column");
        seen |= bit;
    }
    if (r->rows != NULL) {
        bx_status st = setup_row(r, s);
        if (st != BX_OK)
            return st;
    }
    return report_missing(r, s, seen);
}

static void free_state(bx_reader *r)
{
    csv_in *s = r->state;
    if (s == NULL)
        return;
    bx_csv_close(s->csv);
    bx_free(r->ctx, s->column);
    bx_free(r->ctx, s->cell);
    bx_free(r->ctx, s);
    r->state = NULL;
}

static bx_status read_header(bx_reader *r, csv_in *s)
{
    bx_status st = bx_csv_next(s->csv);
    if (st == BX_END) {
        bx_location where = {0};
        where.file = r->name;
        return bxi_input_error(r->ctx, BX_EINPUT, &where, "no header row");
    }
    if (st != BX_OK)
        return st;
    if (r->kind == BX_RECORD_AUTO) {
        st = decide_kind(r, s);
        if (st != BX_OK)
            return st;
    }
    s->schema = bxi_reader_schema(r);
    if (s->schema == NULL)
        return bxi_error(r->ctx, BX_EINVAL, "%s: unknown record kind %d",
                        r->name, (int)r->kind);
    return map_header(r, s);
}

static bx_status csv_open(bx_reader *r)
{
    csv_in *s = bx_alloc(r->ctx, sizeof *s);
    if (s == NULL)
        return BX_ENOMEM;
    memset(s, 0, sizeof *s);
    r->state = s;
    bx_csv_limits limits = {r->limits.max_record_bytes, r->limits.max_fields};
    bx_status st = bx_csv_open(r->ctx, &s->csv, r->name, read_through_reader,
                               r, &limits);
    if (st == BX_OK)
        st = read_header(r, s);
    if (st != BX_OK) {
        r->recoverable = false;
        free_state(r);
    }
    return st;
}

/* Fill r->rec from the current CSV record, which starts on `line`. */
static bx_status fill_record(bx_reader *r, csv_in *s, uint64_t line)
{
    const bx_schema *schema = s->schema;
    void *rec = bxi_reader_record(r);
    schema->init(rec);
    r->rec.kind = r->kind;
    uint32_t seen = 0;
    for (size_t i = 0; i < s->ncolumns; i++) {
        const bx_field *f = s->column[i];
        if (f == NULL)
            continue;
        size_t len;
        const char *text = bx_csv_field(s->csv, i, &len);
        bx_location where = {0};
        where.file = r->name;
        where.line = line;
        where.column = (uint32_t)(i + 1);
        where.field = f->name;
        bx_status st = bxi_field_set_text(r->ctx, f, rec, text, len, &where);
        if (st != BX_OK)
            return st;
        /* empty text is an absent optional field, not a given one */
        if (len > 0)
            seen |= UINT32_C(1) << (size_t)(f - schema->fields);
    }
    bx_location where = {0};
    where.file = r->name;
    where.line = line;
    bx_status st = bxi_record_finish(r->ctx, schema, rec, seen, &where);
    if (st != BX_OK)
        return st;
    memcpy((char *)rec + schema->line_offset, &line, sizeof line);
    return BX_OK;
}

/* A bad row with the header's number of fields names its order in the
 * order_id column (a row with more or fewer fields may be shifted, so its
 * columns are not trusted). */
static void note_bad_order(bx_reader *r, csv_in *s, uint64_t line)
{
    for (size_t i = 0; i < s->ncolumns; i++) {
        if (s->column[i] == NULL || strcmp(s->column[i]->name, "order_id") != 0)
            continue;
        size_t len;
        const char *text = bx_csv_field(s->csv, i, &len);
        bxi_reader_note_order_id(r, text, len, line);
        return;
    }
}

/* A row of a reader of rows: each mapped column's text into its cell. This
 * is what bxi_field_set_text and bxi_record_finish do for cells, written out
 * for the hot path (a year of shipments is read this way) over what
 * setup_row prepared. A row may be short (its missing fields are empty) or
 * long (the extra ones are ignored), as the carbon inputs always allowed. */
static void fill_row(bx_reader *r, const csv_in *s, uint64_t line)
{
    bx_row *row = r->row;
    const bx_csv_span *span;
    size_t nfields;
    const char *text = bxi_csv_spans(s->csv, &span, &nfields);
    for (size_t i = 0; i < s->ncolumns; i++) {
        bx_cell *c = s->cell[i];
        if (c == NULL)
            continue;
        if (i < nfields) {
            c->s = text + span[i].off;
            c->len = span[i].len;
        } else {
            c->s = "";
            c->len = 0;
        }
    }
    row->line = line;
    row->at.line = line;
}

static bx_status csv_next(bx_reader *r)
{
    csv_in *s = r->state;
    bx_status st = bx_csv_next(s->csv);
    if (st == BX_END)
        return st;
    if (st == BX_OK) {
        uint64_t line = bx_csv_line(s->csv);
        size_t n = bx_csv_nfields(s->csv);
        if (r->rows != NULL) {
            fill_row(r, s, line);
        } else if (n != s->ncolumns) {
            bx_location where = {0};
            where.file = r->name;
            where.line = line;
            st = bxi_input_error(r->ctx, BX_EINPUT, &where,
                                "expected %zu fields, got %zu", s->ncolumns,
                                n);
        } else {
            st = fill_record(r, s, line);
            if (st == BX_EINPUT)
                note_bad_order(r, s, line);
        }
    }
    /* A bad row was skipped whole; limits, I/O and memory end the reading. */
    r->recoverable = st == BX_OK || st == BX_EINPUT;
    return st;
}

static void csv_close(bx_reader *r)
{
    free_state(r);
}

const bx_reader_backend bxi_csv_backend = {"csv", csv_open, csv_next,
                                          csv_close};

/* ---- writer -------------------------------------------------------------- */

/* Encoded bytes are gathered and handed to the caller's callback in large
 * pieces rather than one call per comma and quote. */
#define CSV_OUT_BUF 4096

typedef struct csv_out {
    bx_writer *w;
    bx_csv_writer csv;
    size_t len;
    char buf[CSV_OUT_BUF];
} csv_out;

static bx_status flush_out(csv_out *o)
{
    bx_status st = bxi_writer_emit(o->w, o->buf, o->len);
    o->len = 0;
    return st;
}

static int gather(void *ud, const void *data, size_t size)
{
    csv_out *o = ud;
    const char *p = data;
    while (size > 0) {
        if (o->len == sizeof o->buf && flush_out(o) != BX_OK)
            return -1;
        size_t n = sizeof o->buf - o->len;
        if (n > size)
            n = size;
        memcpy(o->buf + o->len, p, n);
        o->len += n;
        p += n;
        size -= n;
    }
    return 0;
}

/* bx_csv_writer says only BX_EIO when the callback fails; bxi_writer_emit
 * has already recorded what went wrong. */
static bx_status finish_row(csv_out *o)
{
    bx_status st = bx_csv_end_record(&o->csv);
    return st == BX_OK ? flush_out(o) : st;
}

static bx_status csv_begin(bx_writer *w)
{
    csv_out *o = bx_alloc(w->ctx, sizeof *o);
    if (o == NULL)
        return BX_ENOMEM;
    o->w = w;
    o->len = 0;
    bx_csv_writer_init(&o->csv, gather, o);
    w->state = o;
    for (size_t i = 0; i < w->schema->nfields; i++) {
        const char *name = w->schema->fields[i].name;
        bx_status st = bx_csv_write_field(&o->csv, name, strlen(name));
        if (st != BX_OK)
            return st;
    }
    return finish_row(o);
}

static bx_status csv_put(bx_writer *w, const void *record)
{
    csv_out *o = w->state;
    for (size_t i = 0; i < w->schema->nfields; i++) {
        const bx_field *f = &w->schema->fields[i];
        /* An ID is at most 63 bytes, a number at most 24 characters. */
        char text[128];
        size_t len = 0;
        if (bxi_field_present(f, record)) {
            bx_value v = bxi_field_get(f, record);
            len = bxi_value_to_text(&v, text, sizeof text);
            if (len >= sizeof text)
                return bxi_error(w->ctx, BX_EINTERNAL,
                                "field '%s' does not fit its text buffer",
                                f->name);
        }
        bx_status st = bx_csv_write_field(&o->csv, text, len);
        if (st != BX_OK) {
            /* drop the partial row: a failed put writes nothing */
            o->len = 0;
            o->csv.nfields = 0;
            return st;
        }
    }
    return finish_row(o);
}

static bx_status csv_end(bx_writer *w)
{
    (void)w;
    return BX_OK;
}

static void csv_free(bx_writer *w)
{
    bx_free(w->ctx, w->state);
    w->state = NULL;
}

const bx_writer_backend bxi_csv_writer_backend = {csv_begin, csv_put, csv_end,
                                                 csv_free};
