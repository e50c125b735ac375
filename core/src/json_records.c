/*
 * json_records.c: boxes and order lines as JSON.
 *
 * Input is either one top-level array of objects or JSON Lines (objects one
 * after another, separated by whitespace). Either way the reader streams: a
 * small byte scanner finds the extent of one element at a time (tracking
 * strings, escapes and bracket depth), and only that element is handed to
 * jansson. The scanner alone decides the framing (commas, the closing ']',
 * the end of input), so an error inside one element leaves it in step with
 * the input and the caller may go on to the next element.
 *
 * Memory: the scanner's buffer and the records come from the context's
 * allocator. jansson allocates through its own process-wide hooks; setting
 * them (json_set_alloc_funcs) would change global state that other code in
 * the same process may rely on, so the library leaves them alone. jansson's
 * memory is transient: one decoded element, freed before next returns, and
 * bounded by max_record_bytes.
 *
 * The writer emits a JSON array with one compact object per line, fields in
 * schema order, optional fields only when present.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "internal.h"

#define JSON_CHUNK 4096
/* Distinct unknown key names remembered per reader, so each is reported
 * once; beyond this many, further new names are reported only in summary. */
#define JSON_UNKNOWN_KEPT 32

typedef enum json_top {
    TOP_START,       /* nothing read yet */
    TOP_ARRAY_FIRST, /* after '[': an element or ']' */
    TOP_ARRAY_NEXT,  /* after an element: ',' or ']' */
    TOP_ARRAY_DONE,  /* after ']': only whitespace may follow */
    TOP_LINES,       /* JSON Lines: elements separated by whitespace */
    TOP_END
} json_top;

typedef struct json_pos {
    uint64_t line, column; /* 1-based; column counts bytes */
    uint64_t offset;       /* bytes from the start of the input */
} json_pos;

typedef struct json_state {
    unsigned char *buf;
    size_t cap, len;
    size_t pos;   /* next unread byte */
    size_t mark;  /* start of the element being scanned (kept on refill) */
    bool eof;
    json_pos at;    /* position of buf[pos] */
    json_pos start; /* position of the current element's first byte */
    json_top top;
    uint64_t index; /* elements seen, 1-based for the current one */
    size_t max_bytes, max_depth, max_fields;
    char *unknown[JSON_UNKNOWN_KEPT];
    size_t nunknown;
    bool unknown_overflow;
    json_t *held;   /* a reader of rows: the element its cells point into */
} json_state;

/* ---- locations ------------------------------------------------------------ */

static uint32_t clamp_column(uint64_t column)
{
    return column > UINT32_MAX ? UINT32_MAX : (uint32_t)column;
}

static bx_location location_at(const bx_reader *r, const json_state *s,
                               const json_pos *p)
{
    bx_location where = {0};
    where.file = r->name;
    where.line = p->line;
    where.column = clamp_column(p->column);
    where.record = s->index;
    where.offset = p->offset;
    return where;
}

/* A fatal error in the framing: next may not be called again. */
static bx_status fatal_at(bx_reader *r, json_state *s, bx_status status,
                          const json_pos *p, const char *msg)
{
    bx_location where = location_at(r, s, p);
    return bxi_input_error(r->ctx, status, &where, "%s", msg);
}

/* ---- byte source ------------------------------------------------------------ */

/* Make room at the end of the buffer: drop bytes before the mark, else grow. */
static bx_status make_room(bx_reader *r, json_state *s)
{
    if (s->len < s->cap)
        return BX_OK;
    if (s->mark > 0) {
        memmove(s->buf, s->buf + s->mark, s->len - s->mark);
        s->len -= s->mark;
        s->pos -= s->mark;
        s->mark = 0;
        return BX_OK;
    }
    if (s->cap > SIZE_MAX / 2)
        return bxi_error(r->ctx, BX_ENOMEM, "%s: JSON element too large", r->name);
    unsigned char *bigger = bx_realloc(r->ctx, s->buf, s->cap * 2);
    if (bigger == NULL)
        return BX_ENOMEM;
    s->buf = bigger;
    s->cap *= 2;
    return BX_OK;
}

/* Read more bytes: BX_OK with at least one more unread byte, BX_END at the
 * end of input, or an error. */
static bx_status fill(bx_reader *r, json_state *s)
{
    if (s->eof)
        return BX_END;
    bx_status st = make_room(r, s);
    if (st != BX_OK)
        return st;
    long n = bxi_reader_read(r, s->buf + s->len, s->cap - s->len);
    if (n < 0)
        return bxi_error(r->ctx, BX_EIO, "%s: read error", r->name);
    if (n == 0) {
        s->eof = true;
        return BX_END;
    }
    s->len += (size_t)n;
    return BX_OK;
}

/* The next byte without consuming it, or -1 at the end of input. */
static bx_status peek(bx_reader *r, json_state *s, int *c)
{
    if (s->pos == s->len) {
        bx_status st = fill(r, s);
        if (st == BX_END) {
            *c = -1;
            return BX_OK;
        }
        if (st != BX_OK)
            return st;
    }
    *c = s->buf[s->pos];
    return BX_OK;
}

static void advance(json_state *s)
{
    unsigned char c = s->buf[s->pos++];
    s->at.offset++;
    if (c == '\n') {
        s->at.line++;
        s->at.column = 1;
    } else {
        s->at.column++;
    }
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skip whitespace; *c is then the next byte (-1 at the end). */
static bx_status skip_space(bx_reader *r, json_state *s, int *c)
{
    for (;;) {
        bx_status st = peek(r, s, c);
        if (st != BX_OK || !is_space(*c))
            return st;
        advance(s);
        s->mark = s->pos;
    }
}

/* A UTF-8 byte-order mark at the very start is not part of the JSON text;
 * it does not count as a column either. */
static bx_status skip_bom(bx_reader *r, json_state *s)
{
    static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
    while (s->len - s->pos < 3) {
        bx_status st = fill(r, s);
        if (st == BX_END)
            return BX_OK;
        if (st != BX_OK)
            return st;
    }
    if (memcmp(s->buf + s->pos, bom, 3) == 0) {
        s->pos += 3;
        s->mark = s->pos;
        s->at.offset += 3;
    }
    return BX_OK;
}

/* ---- element scanner ---------------------------------------------------------- */

static void describe_byte(char *buf, size_t size, const char *what, int c)
{
    if (c < 0)
        snprintf(buf, size, "%s, found the end of the input", what);
    else if (c > 0x20 && c < 0x7f)
        snprintf(buf, size, "%s, found '%c'", what, c);
    else
        snprintf(buf, size, "%s, found byte 0x%02x", what, (unsigned)c);
}

static bx_status element_too_big(bx_reader *r, json_state *s)
{
    char msg[128];
    snprintf(msg, sizeof msg,
             "element is longer than the limit of %zu bytes", s->max_bytes);
    return fatal_at(r, s, BX_ELIMIT, &s->start, msg);
}

static bool ends_bare_value(int c)
{
    switch (c) {
    case -1: case ' ': case '\t': case '\n': case '\r':
    case ',': case ':': case '[': case ']': case '{': case '}': case '"':
        return true;
    default:
        return false;
    }
}

/* A number or literal (true, false, null, or junk): runs up to the next
 * structural character or whitespace. jansson judges what it is. */
static bx_status scan_bare(bx_reader *r, json_state *s)
{
    for (;;) {
        int c;
        bx_status st = peek(r, s, &c);
        if (st != BX_OK)
            return st;
        if (ends_bare_value(c))
            break;
        if (s->pos - s->mark >= s->max_bytes)
            return element_too_big(r, s);
        advance(s);
    }
    if (s->pos > s->mark)
        return BX_OK;
    char msg[96];
    int c;
    bx_status st = peek(r, s, &c);
    if (st != BX_OK)
        return st;
    describe_byte(msg, sizeof msg, "expected a value", c);
    return fatal_at(r, s, BX_EINPUT, &s->at, msg);
}

/* An object, array or string: ends at the bracket or quote that closes the
 * first byte. Brackets inside strings do not count; "\"" does not close a
 * string. Mismatched brackets ({]) are left to jansson. */
static bx_status scan_nested(bx_reader *r, json_state *s)
{
    size_t depth = 0;
    bool in_string = false, escaped = false;
    for (;;) {
        int c;
        bx_status st = peek(r, s, &c);
        if (st != BX_OK)
            return st;
        if (c < 0)
            return fatal_at(r, s, BX_EINPUT, &s->start,
                            "element is not closed before the end of the input");
        if (s->pos - s->mark >= s->max_bytes)
            return element_too_big(r, s);
        json_pos here = s->at;
        advance(s);
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"') {
                in_string = false;
                if (depth == 0)
                    return BX_OK;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > s->max_depth) {
                char msg[96];
                snprintf(msg, sizeof msg,
                         "nesting deeper than the limit of %zu", s->max_depth);
                return fatal_at(r, s, BX_ELIMIT, &here, msg);
            }
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return BX_OK;
        }
    }
}

/* Scan one element starting at the next byte; on BX_OK it lies in
 * buf[mark..pos). */
static bx_status scan_element(bx_reader *r, json_state *s, int first)
{
    s->mark = s->pos;
    s->start = s->at;
    s->index++;
    if (first == '{' || first == '[' || first == '"')
        return scan_nested(r, s);
    return scan_bare(r, s);
}

/* ---- framing: array or JSON Lines ---------------------------------------------- */

static bx_status start_document(bx_reader *r, json_state *s)
{
    bx_status st = skip_bom(r, s);
    int c;
    if (st == BX_OK)
        st = skip_space(r, s, &c);
    if (st != BX_OK)
        return st;
    if (c < 0) {
        s->top = TOP_END;
    } else if (c == '[') {
        advance(s);
        s->mark = s->pos;
        s->top = TOP_ARRAY_FIRST;
    } else if (c == '{') {
        s->top = TOP_LINES;
    } else {
        char msg[96];
        describe_byte(msg, sizeof msg,
                      "expected a JSON array '[' or an object '{'", c);
        return fatal_at(r, s, BX_EINPUT, &s->at, msg);
    }
    return BX_OK;
}

static bx_status after_array(bx_reader *r, json_state *s)
{
    int c;
    bx_status st = skip_space(r, s, &c);
    if (st != BX_OK)
        return st;
    if (c >= 0) {
        char msg[96];
        describe_byte(msg, sizeof msg,
                      "expected nothing after the closing ']'", c);
        return fatal_at(r, s, BX_EINPUT, &s->at, msg);
    }
    s->top = TOP_END;
    return BX_END;
}

/* Inside the array: find the next element, or BX_END after ']'. */
static bx_status next_in_array(bx_reader *r, json_state *s)
{
    int c;
    bx_status st = skip_space(r, s, &c);
    if (st != BX_OK)
        return st;
    if (c == ']') {
        advance(s);
        s->mark = s->pos;
        s->top = TOP_ARRAY_DONE;
        return after_array(r, s);
    }
    if (s->top == TOP_ARRAY_NEXT) {
        if (c != ',') {
            char msg[96];
            describe_byte(msg, sizeof msg, "expected ',' or ']' after an element", c);
            return fatal_at(r, s, BX_EINPUT, &s->at, msg);
        }
        advance(s);
        s->mark = s->pos;
        st = skip_space(r, s, &c);
        if (st != BX_OK)
            return st;
    }
    if (c < 0 || c == ']' || c == ',') {
        char msg[96];
        describe_byte(msg, sizeof msg, "expected an element", c);
        return fatal_at(r, s, BX_EINPUT, &s->at, msg);
    }
    s->top = TOP_ARRAY_NEXT;
    return scan_element(r, s, c);
}

static bx_status next_in_lines(bx_reader *r, json_state *s)
{
    int c;
    bx_status st = skip_space(r, s, &c);
    if (st != BX_OK)
        return st;
    if (c < 0) {
        s->top = TOP_END;
        return BX_END;
    }
    return scan_element(r, s, c);
}

/* Find the next element: BX_OK (in buf[mark..pos)), BX_END, or a fatal
 * error (after which reader.c calls next no more). */
static bx_status find_element(bx_reader *r, json_state *s)
{
    if (s->top == TOP_START) {
        bx_status st = start_document(r, s);
        if (st != BX_OK)
            return st;
    }
    switch (s->top) {
    case TOP_ARRAY_FIRST:
    case TOP_ARRAY_NEXT:
        return next_in_array(r, s);
    case TOP_ARRAY_DONE:
        return after_array(r, s);
    case TOP_LINES:
        return next_in_lines(r, s);
    case TOP_START:
    case TOP_END:
        break;
    }
    return BX_END;
}

/* ---- one element to one record ---------------------------------------------------- */

/* jansson's own line and column count characters from the element's start;
 * recount from its byte position so columns are bytes of the whole input. */
static bx_location jansson_error_location(const bx_reader *r,
                                          const json_state *s,
                                          const unsigned char *data,
                                          size_t len, const json_error_t *err)
{
    json_pos p = s->start;
    size_t end = err->position > 0 ? (size_t)err->position - 1 : 0;
    if (len > 0 && end >= len)
        end = len - 1;
    for (size_t i = 0; i < end; i++) {
        p.offset++;
        if (data[i] == '\n') {
            p.line++;
            p.column = 1;
        } else {
            p.column++;
        }
    }
    return location_at(r, s, &p);
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

/* Report an unknown key once per distinct name per reader. */
static bx_status note_unknown(bx_reader *r, json_state *s, const char *key,
                              bx_location *where)
{
    for (size_t i = 0; i < s->nunknown; i++)
        if (strcmp(s->unknown[i], key) == 0)
            return BX_OK;
    where->field = key;
    if (s->nunknown == JSON_UNKNOWN_KEPT) {
        if (s->unknown_overflow)
            return BX_OK;
        s->unknown_overflow = true;
        return bxi_warn(r->ctx, where,
                       "unknown field ignored (further unknown field names "
                       "are not reported)");
    }
    char *copy = bxi_strdup(r->ctx, key);
    if (copy == NULL)
        return BX_ENOMEM;
    s->unknown[s->nunknown++] = copy;
    return bxi_warn(r->ctx, where, "unknown field ignored");
}

static bx_status set_field(bx_ctx *ctx, const bx_field *f, void *record,
                           const json_t *v, bx_location *where)
{
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        return bxi_field_set_int(ctx, f, record, (int64_t)json_integer_value(v),
                                where);
    case JSON_REAL:
        return bxi_field_set_double(ctx, f, record, json_real_value(v), where);
    case JSON_STRING:
        return bxi_field_set_string(ctx, f, record, json_string_value(v),
                                   json_string_length(v), where);
    case JSON_TRUE:
        return bxi_field_set_bool(ctx, f, record, true, where);
    case JSON_FALSE:
        return bxi_field_set_bool(ctx, f, record, false, where);
    case JSON_NULL:
        return BX_OK; /* absent */
    case JSON_OBJECT:
    case JSON_ARRAY:
        break;
    }
    where->field = f->name;
    return bxi_input_error(ctx, BX_EINPUT, where, "expected a scalar, got %s",
                          json_type_name(v));
}

/* With BX_RECORD_AUTO the first object that names box_id or order_id
 * decides the kind for the rest of the input. */
static bx_status decide_kind(bx_reader *r, json_t *obj, bx_location *where)
{
    for (void *it = json_object_iter(obj); it != NULL;
         it = json_object_iter_next(obj, it)) {
        if (bxi_kind_from_key(json_object_iter_key(it),
                             json_object_iter_key_len(it), &r->kind))
            return BX_OK;
    }
    return bxi_input_error(r->ctx, BX_EINPUT, where,
                          "cannot tell the record kind: the object has "
                          "neither box_id nor order_id");
}

static bx_status decode_object(bx_reader *r, json_state *s, json_t *obj,
                               bx_location *where)
{
    if (json_object_size(obj) > s->max_fields)
        return bxi_input_error(r->ctx, BX_ELIMIT, where,
                              "object has %zu fields, more than the limit of %zu",
                              json_object_size(obj), s->max_fields);
    if (r->kind == BX_RECORD_AUTO) {
        bx_status st = decide_kind(r, obj, where);
        if (st != BX_OK)
            return st;
    }
    const bx_schema *schema = bxi_reader_schema(r);
    void *record = bxi_reader_record(r);
    schema->init(record);
    r->rec.kind = r->kind;
    uint32_t seen = 0;
    for (void *it = json_object_iter(obj); it != NULL;
         it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
        const json_t *value = json_object_iter_value(it);
        const bx_field *f =
            bxi_schema_field(schema, key, json_object_iter_key_len(it));
        bx_status st = f == NULL ? note_unknown(r, s, key, where)
                                 : set_field(r->ctx, f, record, value, where);
        where->field = NULL;
        if (st != BX_OK)
            return st;
        if (f != NULL && !json_is_null(value))
            seen |= UINT32_C(1) << (f - schema->fields);
    }
    bx_status st = bxi_record_finish(r->ctx, schema, record, seen, where);
    if (st != BX_OK)
        return st;
    *(uint64_t *)((char *)record + schema->line_offset) = s->start.line;
    return BX_OK;
}

/* The end of the JSON string whose opening quote is data[i] (the index of
 * its closing quote), or len if it is not closed. */
static size_t string_end(const unsigned char *data, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (data[i] == '\\')
            i++;
        else if (data[i] == '"')
            return i;
    }
    return len;
}

/* An element jansson refused (a number out of range, a syntax error
 * further on) may still name its order plainly: one "order_id" key at the
 * object's top level followed by ':' and a string. That string, decoded
 * by jansson alone, is the order the bad line belongs to. Two such keys,
 * or anything less plain, name no order. */
static void salvage_order_id(bx_reader *r, json_state *s,
                             const unsigned char *data, size_t len)
{
    static const char key[] = "\"order_id\"";
    size_t depth = 0, found = 0, vbegin = 0, vend = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = data[i];
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
        } else if (c == '"') {
            size_t end = string_end(data, len, i);
            if (end == len)
                break;
            if (depth == 1 && end - i + 1 == sizeof key - 1 &&
                memcmp(data + i, key, sizeof key - 1) == 0) {
                size_t j = end + 1;
                while (j < len && is_space(data[j]))
                    j++;
                if (j < len && data[j] == ':') {
                    j++;
                    while (j < len && is_space(data[j]))
                        j++;
                    if (j < len && data[j] == '"' && string_end(data, len, j) < len) {
                        found++;
                        vbegin = j;
                        vend = string_end(data, len, j) + 1;
                    }
                }
            }
            i = end;
        }
    }
    if (found != 1)
        return;
    json_error_t err;
    json_t *v = json_loadb((const char *)data + vbegin, vend - vbegin, JSON_DECODE_ANY, &err);
    if (json_is_string(v))
        bxi_reader_note_order_id(r, json_string_value(v), json_string_length(v),
                                s->start.line);
    json_decref(v);
}

/* A bad element's order_id, for the order reader: from the object when
 * jansson read it, else from the bytes. */
static void note_bad_order(bx_reader *r, json_state *s, const json_t *v,
                           const unsigned char *data, size_t len)
{
    if (v == NULL) {
        salvage_order_id(r, s, data, len);
        return;
    }
    const json_t *id = json_is_object(v) ? json_object_get(v, "order_id") : NULL;
    if (json_is_string(id))
        bxi_reader_note_order_id(r, json_string_value(id), json_string_length(id),
                                s->start.line);
}

static bx_status decode_element(bx_reader *r, json_state *s,
                                const unsigned char *data, size_t len)
{
    json_error_t err;
    json_decref(s->held);
    s->held = NULL;
    json_t *v = json_loadb((const char *)data, len,
                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    bx_location where = location_at(r, s, &s->start);
    if (v == NULL) {
        if (json_error_code(&err) == json_error_out_of_memory)
            return bxi_error(r->ctx, BX_ENOMEM, "%s: out of memory in jansson",
                            r->name);
        where = jansson_error_location(r, s, data, len, &err);
        bx_status st = bxi_input_error(r->ctx, BX_EINPUT, &where, "%s", err.text);
        note_bad_order(r, s, NULL, data, len);
        return st;
    }
    bx_status st;
    if (!json_is_object(v))
        st = bxi_input_error(r->ctx, BX_EINPUT, &where,
                            "expected an object, got %s", json_type_name(v));
    else
        st = decode_object(r, s, v, &where);
    if (st == BX_EINPUT)
        note_bad_order(r, s, v, data, len);
    if (st == BX_OK && r->rows != NULL)
        s->held = v; /* its strings are the row's text until the next row */
    else
        json_decref(v);
    return st;
}

/* ---- back end -------------------------------------------------------------------- */

static size_t limit_or_default(size_t value, size_t fallback)
{
    return value != 0 ? value : fallback;
}

static bx_status json_open(bx_reader *r)
{
    json_state *s = bx_alloc(r->ctx, sizeof *s);
    if (s == NULL)
        return BX_ENOMEM;
    memset(s, 0, sizeof *s);
    s->buf = bx_alloc(r->ctx, JSON_CHUNK);
    if (s->buf == NULL) {
        bx_free(r->ctx, s);
        return BX_ENOMEM;
    }
    bx_reader_limits defaults = bx_reader_limits_default();
    s->cap = JSON_CHUNK;
    s->at.line = s->at.column = 1;
    s->start = s->at;
    s->top = TOP_START;
    s->max_bytes = limit_or_default(r->limits.max_record_bytes,
                                    defaults.max_record_bytes);
    s->max_depth = limit_or_default(r->limits.max_depth, defaults.max_depth);
    s->max_fields = limit_or_default(r->limits.max_fields, defaults.max_fields);
    r->state = s;
    return BX_OK;
}

static bx_status json_next(bx_reader *r)
{
    json_state *s = r->state;
    r->recoverable = false;
    if (s->top == TOP_END)
        return BX_END;
    bx_status st = find_element(r, s);
    if (st != BX_OK)
        return st;
    st = decode_element(r, s, s->buf + s->mark, s->pos - s->mark);
    s->mark = s->pos;
    /* The scanner has already stepped over the element, so a bad element
     * costs only itself. */
    r->recoverable = st == BX_EINPUT;
    return st;
}

static void json_close(bx_reader *r)
{
    json_state *s = r->state;
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nunknown; i++)
        bx_free(r->ctx, s->unknown[i]);
    json_decref(s->held);
    bx_free(r->ctx, s->buf);
    bx_free(r->ctx, s);
    r->state = NULL;
}

const bx_reader_backend bxi_json_backend = {
    "json",
    json_open,
    json_next,
    json_close,
};

/* ---- writer ------------------------------------------------------------------------ */

static bool is_digits(const char **p)
{
    const char *start = *p;
    while (**p >= '0' && **p <= '9')
        (*p)++;
    return *p > start;
}

/* RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
        return false;
    if (!is_digits(&s))
        return false;
    if (*s == '.') {
        s++;
        if (!is_digits(&s))
            return false;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!is_digits(&s))
            return false;
    }
    return *s == '\0';
}

/* Doubles keep a fraction or exponent ("2.0", not "2") so a reader in a
 * typed language sees the field's type. */
static bx_status out_double(bx_emit *o, const bx_value *v, const char *name)
{
    char text[48];
    size_t n = bxi_value_to_text(v, text, sizeof text - 2);
    if (n == 0 || n >= sizeof text - 2 || !is_json_number(text))
        return bxi_error(o->ctx, BX_EINTERNAL,
                        "field '%s': %g has no JSON number form", name, v->d);
    if (strpbrk(text, ".eE") == NULL)
        memcpy(text + n, ".0", 3);
    bxi_emit_str(o, text);
    return BX_OK;
}

static bx_status out_value(bx_emit *o, const bx_field *f, const void *record)
{
    bx_value v = bxi_field_get(f, record);
    switch (v.type) {
    case BX_FT_ID:
    case BX_FT_ROTATION:
        bxi_emit_json_string(o, v.s);
        break;
    case BX_FT_I32:
    case BX_FT_I64:
        bxi_emit_i64(o, v.i);
        break;
    case BX_FT_BOOL:
        bxi_emit_str(o, v.b ? "true" : "false");
        break;
    case BX_FT_F64:
        return out_double(o, &v, f->name);
    case BX_FT_CELL:
        break;
    }
    return BX_OK;
}

/* "[" now; each record opens its own line; "]" closes. The empty array is
 * "[]\n", any other "[\n{...},\n{...}\n]\n". */
static bx_status json_begin(bx_writer *w)
{
    return bxi_writer_emit(w, "[", 1);
}

/* Records were checked when their fields were set (ids are well-formed
 * UTF-8), and emit.c's escaper would repair them anyway: one escaper for
 * every JSON boxcar writes. */
static bx_status json_put(bx_writer *w, const void *record)
{
    bx_emit o;
    bxi_emit_init(&o, w->ctx, w->write, w->write_ud, "JSON records");
    bxi_emit_str(&o, w->n_written == 0 ? "\n{" : ",\n{");
    bool first = true;
    for (size_t i = 0; i < w->schema->nfields; i++) {
        const bx_field *f = &w->schema->fields[i];
        if (!bxi_field_present(f, record))
            continue;
        if (!first)
            bxi_emit_char(&o, ',');
        first = false;
        bxi_emit_json_string(&o, f->name);
        bxi_emit_char(&o, ':');
        bx_status st = out_value(&o, f, record);
        if (st != BX_OK)
            return st;
    }
    bxi_emit_char(&o, '}');
    return bxi_emit_finish(&o);
}

static bx_status json_end(bx_writer *w)
{
    return w->n_written == 0 ? bxi_writer_emit(w, "]\n", 2)
                             : bxi_writer_emit(w, "\n]\n", 3);
}

const bx_writer_backend bxi_json_writer_backend = {
    json_begin,
    json_put,
    json_end,
    NULL, /* no state of its own */
};
