/*
 * cbor_records.c: box and order-line records as CBOR (RFC 8949).
 *
 * Reader: a CBOR array (definite or indefinite length) of maps, or an
 * RFC 8742 CBOR sequence of maps. The input is untrusted, so it is decoded
 * with libcbor's streaming decoder, which never allocates, over a window of
 * bytes pulled through bxi_reader_read. The decoder's callbacks are turned
 * into a pull interface (next_event) that the record parser walks.
 *
 * Memory stays bounded by the limits: the window holds at most one record
 * (max_record_bytes) plus one item head, string lengths are checked against
 * the limit from the head before their bytes are read, nesting is bounded by
 * max_depth and pairs per map by max_fields. While a map is parsed the window
 * keeps every byte from the map head on, so its keys and text values can be
 * applied in place once the map ends (which also lets BX_RECORD_AUTO look at
 * all keys of the first map before choosing a schema).
 *
 * Writer: RFC 8949 section 4.2.1 core deterministic encoding.
 */
#include <float.h>
#include <stdio.h>
#include <string.h>

#include <cbor.h>

#include "cbor_pull.h"
#include "internal.h"

/* The longest item head: initial byte plus an 8-byte argument. */
#define HEAD_MAX 9
#define WINDOW_INITIAL 4096
/* Distinct unknown keys remembered per reader to warn once about each. */
#define UNKNOWN_KEYS_KEPT 32

/* ---- decoder events: cbor_pull.h's ----------------------------------------- */

static const char *ev_type_name(bx_cbor_type t)
{
    switch (t) {
    case BX_CBOR_UINT: return "unsigned integer";
    case BX_CBOR_NEGINT: return "negative integer";
    case BX_CBOR_BYTES: return "byte string";
    case BX_CBOR_TEXT: return "text string";
    case BX_CBOR_BYTES_INDEF: return "indefinite-length byte string";
    case BX_CBOR_TEXT_INDEF: return "indefinite-length text string";
    case BX_CBOR_ARRAY:
    case BX_CBOR_ARRAY_INDEF: return "array";
    case BX_CBOR_MAP:
    case BX_CBOR_MAP_INDEF: return "map";
    case BX_CBOR_TAG: return "tag";
    case BX_CBOR_FLOAT: return "float";
    case BX_CBOR_BOOL: return "boolean";
    case BX_CBOR_NULL: return "null";
    case BX_CBOR_UNDEF: return "undefined";
    case BX_CBOR_SIMPLE: return "simple value";
    case BX_CBOR_BREAK: return "break";
    }
    return "item";
}

static bool ev_is_container(bx_cbor_type t)
{
    return t == BX_CBOR_ARRAY || t == BX_CBOR_ARRAY_INDEF || t == BX_CBOR_MAP ||
           t == BX_CBOR_MAP_INDEF || t == BX_CBOR_TAG || t == BX_CBOR_BYTES_INDEF ||
           t == BX_CBOR_TEXT_INDEF;
}

/* ---- reader state ------------------------------------------------------- */

typedef enum value_kind {
    V_ABSENT,      /* null or undefined */
    V_INT,
    V_RANGE,       /* an integer outside int64 */
    V_DOUBLE,
    V_TEXT,
    V_BOOL,
    V_UNSUPPORTED  /* bytes, tag, array, map, simple value... */
} value_kind;

typedef enum key_kind {
    K_TEXT,
    K_INDEF,     /* an indefinite-length text string */
    K_NOT_TEXT
} key_kind;

/* One map pair, collected while the map is parsed. Strings are absolute
 * offsets into the input; the window still holds them until the map has
 * been applied. */
typedef struct map_pair {
    key_kind kkind;
    uint64_t key_off;
    size_t key_len;
    uint64_t key_at;   /* offset of the key's head */
    bx_cbor_type ktype;     /* for messages about keys that are not text */
    value_kind vkind;
    bx_cbor_type vtype;     /* for messages about unsupported values */
    int64_t i;
    double d;
    bool b;
    uint64_t str_off;
    size_t str_len;
    uint64_t value_at; /* offset of the value's head */
} map_pair;

typedef enum top_phase {
    PH_START,
    PH_ARRAY,       /* definite array: `remaining` records left */
    PH_ARRAY_INDEF,
    PH_SEQUENCE,    /* RFC 8742: maps one after another */
    PH_DONE
} top_phase;

/* One open container while skipping a value. */
typedef struct skip_level {
    bx_cbor_type type;
    bool indef;         /* ends at a break, not after a count */
    uint64_t remaining; /* items left (definite) */
    bool odd;           /* indefinite map: a key is waiting for its value */
} skip_level;

typedef struct reader_state {
    /* window: buf[pos, end) is unread; buf[0] is input offset `base` */
    unsigned char *buf;
    size_t cap, pos, end;
    uint64_t base;
    bool eof;
    bool pinned;        /* keep everything from pin_off on */
    uint64_t pin_off;

    top_phase phase;
    uint64_t remaining;
    uint64_t record_no; /* 1-based number of the last record begun */
    bool in_record;     /* locations name record_no */
    bx_status failed;   /* a fatal error ended reading */

    map_pair *pairs;
    size_t npairs, pairs_cap;
    skip_level *stack;
    size_t stack_cap;
    char *unknown[UNKNOWN_KEYS_KEPT];
    size_t nunknown;
    bool unknown_overflow;
} reader_state;

static uint64_t window_offset(const reader_state *st)
{
    return st->base + st->pos;
}

/* ---- errors ------------------------------------------------------------- */

static bx_location location_at(const bx_reader *r, uint64_t offset)
{
    const reader_state *st = r->state;
    bx_location where = {0};
    where.file = r->name;
    where.record = st->in_record ? st->record_no : 0;
    where.offset = offset;
    return where;
}

/* A problem after which the stream cannot be followed, or a limit: reading
 * stops (r->recoverable is false, so bx_reader_next refuses more calls). */
static bx_status fatal(bx_reader *r, bx_status status, uint64_t offset,
                       const char *fmt, ...) BX_PRINTF(4, 5);

static bx_status fatal(bx_reader *r, bx_status status, uint64_t offset,
                       const char *fmt, ...)
{
    reader_state *st = r->state;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    st->failed = status;
    st->phase = PH_DONE;
    r->recoverable = false;
    bx_location where = location_at(r, offset);
    return bxi_input_error(r->ctx, status, &where, "%s", msg);
}

/* Out of memory or an I/O error: also the end of reading, already
 * reported by whoever failed. */
static bx_status stop(bx_reader *r, bx_status status)
{
    reader_state *st = r->state;
    st->failed = status;
    st->phase = PH_DONE;
    r->recoverable = false;
    return status;
}

static bx_status truncated(bx_reader *r)
{
    reader_state *st = r->state;
    return fatal(r, BX_EINPUT, window_offset(st),
                 "truncated: the input ends before the CBOR data is "
                 "complete");
}

/* ---- the window --------------------------------------------------------- */

/* Move the bytes still needed to the front of the buffer. */
static void window_compact(reader_state *st)
{
    size_t keep = st->pos;
    if (st->pinned)
        keep = (size_t)(st->pin_off - st->base);
    if (keep == 0)
        return;
    memmove(st->buf, st->buf + keep, st->end - keep);
    st->base += keep;
    st->pos -= keep;
    st->end -= keep;
}

/* The most bytes one item outside a record, or one record, may need. A
 * caller may set the limit to SIZE_MAX, so saturate. */
static size_t window_most(const bx_reader *r)
{
    size_t limit = r->limits.max_record_bytes;
    return limit > SIZE_MAX - HEAD_MAX ? SIZE_MAX : limit + HEAD_MAX;
}

static bx_status window_reserve(bx_reader *r, size_t size)
{
    reader_state *st = r->state;
    if (size <= st->cap)
        return BX_OK;
    /* doubling, but never far past what one record may need */
    size_t most = window_most(r);
    size_t cap = st->cap > SIZE_MAX / 2 ? size : st->cap * 2;
    if (cap > most)
        cap = most;
    if (cap < size)
        cap = size;
    unsigned char *buf = bx_realloc(r->ctx, st->buf, cap);
    if (buf == NULL)
        return stop(r, BX_ENOMEM);
    st->buf = buf;
    st->cap = cap;
    return BX_OK;
}

/* A record (from its pinned map head) may span max_record_bytes; outside
 * records one item head more is allowed. Checked both before the window
 * grows and after each item, so the outcome does not depend on how the
 * input arrived in chunks. */
static bx_status check_span(bx_reader *r, uint64_t item_end)
{
    reader_state *st = r->state;
    size_t limit = r->limits.max_record_bytes;
    uint64_t from = st->pinned ? st->pin_off : window_offset(st);
    if (item_end - from > (st->pinned ? limit : window_most(r)))
        return fatal(r, BX_ELIMIT, from,
                     "record larger than the limit of %zu bytes", limit);
    return BX_OK;
}

/* Make at least `need` unread bytes available unless the input ends first
 * (then st->eof is set and fewer are there). */
static bx_status window_fill(bx_reader *r, size_t need)
{
    reader_state *st = r->state;
    uint64_t from = st->pinned ? st->pin_off : window_offset(st);
    uint64_t span = window_offset(st) - from + need;
    bx_status cs = check_span(r, window_offset(st) + need);
    if (cs != BX_OK)
        return cs;
    while (st->end - st->pos < need && !st->eof) {
        if (st->end == st->cap) {
            window_compact(st);
            /* after compacting, the window starts at `from`; growing it
             * to `span` bytes leaves room for the needed item */
            bx_status s = window_reserve(r, (size_t)span);
            if (s != BX_OK)
                return s;
        }
        long n = bxi_reader_read(r, st->buf + st->end, st->cap - st->end);
        if (n < 0 || (size_t)n > st->cap - st->end)
            return stop(r, bxi_error(r->ctx, BX_EIO, "%s: read error", r->name));
        if (n == 0)
            st->eof = true;
        st->end += (size_t)n;
    }
    return BX_OK;
}

/* ---- one item at a time -------------------------------------------------- */

static uint64_t load_be(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* The declared length of a definite string whose head is complete in
 * p[0, avail); false for anything else. */
static bool string_head_length(const unsigned char *p, size_t avail,
                               uint64_t *len)
{
    unsigned major = p[0] >> 5, info = p[0] & 31u;
    if (major != 2 && major != 3)
        return false;
    if (info < 24) {
        *len = info;
        return true;
    }
    if (info > 27)
        return false;
    size_t n = (size_t)1 << (info - 24);
    if (avail < 1 + n)
        return false;
    *len = load_be(p + 1, n);
    return true;
}

/* libcbor 0.8 rejects valid items it has no callback for: tags 6..20 in
 * the initial byte and unassigned simple values. Decode those here so they
 * become "unsupported value" errors that the reader can step over. */
static bx_cbor_decoded decode_special(const unsigned char *p, size_t avail,
                                    bx_cbor_ev *ev, size_t *used,
                                    size_t *need)
{
    unsigned ib = p[0];
    if (ib >= 0xC6 && ib <= 0xD4) {
        ev->type = BX_CBOR_TAG;
        ev->u = ib - 0xC0;
        *used = 1;
        return BX_CBOR_DECODED;
    }
    if (ib >= 0xE0 && ib <= 0xF3) {
        ev->type = BX_CBOR_SIMPLE;
        ev->u = ib - 0xE0;
        *used = 1;
        return BX_CBOR_DECODED;
    }
    /* ib == 0xF8 */
    if (avail < 2) {
        *need = 2;
        return BX_CBOR_NEED;
    }
    if (p[1] < 32) /* RFC 8949 3.3: not well-formed */
        return BX_CBOR_BAD;
    ev->type = BX_CBOR_SIMPLE;
    ev->u = p[1];
    *used = 2;
    return BX_CBOR_DECODED;
}

static bx_cbor_decoded decode_item(const unsigned char *p, size_t avail,
                                   bx_cbor_ev *ev, size_t *used, size_t *need)
{
    if ((p[0] >= 0xC6 && p[0] <= 0xD4) || (p[0] >= 0xE0 && p[0] <= 0xF3) ||
        p[0] == 0xF8)
        return decode_special(p, avail, ev, used, need);
    return bxi_cbor_decode_head(p, avail, ev, used, need);
}

/* Next item head (a whole scalar or string, or a container's head).
 * BX_END when the input ends cleanly before an item; fatal otherwise. */
static bx_status next_event(bx_reader *r, bx_cbor_ev *ev)
{
    reader_state *st = r->state;
    size_t need = 1;
    for (;;) {
        size_t avail = st->end - st->pos;
        if (avail >= need) {
            const unsigned char *p = st->buf + st->pos;
            uint64_t at = window_offset(st), len;
            if (string_head_length(p, avail, &len) &&
                len > r->limits.max_record_bytes)
                return fatal(r, BX_ELIMIT, at,
                             "%s of %llu bytes is longer than the limit of "
                             "%zu bytes",
                             (p[0] >> 5) == 2 ? "byte string" : "text string",
                             (unsigned long long)len,
                             r->limits.max_record_bytes);
            size_t used = 0;
            bx_cbor_decoded d = decode_item(p, avail, ev, &used, &need);
            if (d == BX_CBOR_BAD)
                return fatal(r, BX_EINPUT, at,
                             "malformed CBOR (initial byte 0x%02x)", p[0]);
            if (d == BX_CBOR_DECODED) {
                bx_status cs = check_span(r, at + used);
                if (cs != BX_OK)
                    return cs;
                ev->offset = at;
                if (ev->type == BX_CBOR_BYTES || ev->type == BX_CBOR_TEXT)
                    ev->str_off = at + (uint64_t)(ev->str - p);
                st->pos += used;
                return BX_OK;
            }
        }
        if (st->eof)
            return st->end == st->pos ? BX_END : truncated(r);
        bx_status s = window_fill(r, need);
        if (s != BX_OK)
            return s;
    }
}

/* next_event inside a structure, where the end of input is truncation. */
static bx_status next_inner_event(bx_reader *r, bx_cbor_ev *ev)
{
    bx_status s = next_event(r, ev);
    return s == BX_END ? truncated(r) : s;
}

static const unsigned char *window_bytes(const reader_state *st, uint64_t off)
{
    return st->buf + (size_t)(off - st->base);
}

/* ---- skipping values ---------------------------------------------------- */

static bx_status check_depth(bx_reader *r, size_t depth, uint64_t at)
{
    if (depth > r->limits.max_depth)
        return fatal(r, BX_ELIMIT, at,
                     "nesting deeper than the limit of %zu",
                     r->limits.max_depth);
    return BX_OK;
}

static bx_status skip_push(bx_reader *r, size_t *sp, const bx_cbor_ev *ev)
{
    reader_state *st = r->state;
    if (*sp == st->stack_cap) {
        size_t cap = st->stack_cap ? st->stack_cap * 2 : 8;
        skip_level *s = bx_realloc(r->ctx, st->stack, cap * sizeof *s);
        if (s == NULL)
            return stop(r, BX_ENOMEM);
        st->stack = s;
        st->stack_cap = cap;
    }
    skip_level *lv = &st->stack[(*sp)++];
    lv->type = ev->type;
    lv->indef = false;
    lv->remaining = 0;
    lv->odd = false;
    switch (ev->type) {
    case BX_CBOR_ARRAY: lv->remaining = ev->u; break;
    case BX_CBOR_MAP: /* input ends long before a saturated count runs out */
        lv->remaining = ev->u > UINT64_MAX / 2 ? UINT64_MAX : ev->u * 2;
        break;
    case BX_CBOR_TAG: lv->remaining = 1; break;
    default: lv->indef = true; break;
    }
    return BX_OK;
}

/* Is `ev` allowed as the next item inside the open level `lv`? */
static bx_status skip_check_item(bx_reader *r, skip_level *lv,
                                 const bx_cbor_ev *ev)
{
    if (ev->type == BX_CBOR_BREAK && (!lv->indef || lv->odd))
        return fatal(r, BX_EINPUT, ev->offset,
                     "malformed CBOR: unexpected break");
    if (ev->type != BX_CBOR_BREAK && lv->type == BX_CBOR_TEXT_INDEF &&
        ev->type != BX_CBOR_TEXT)
        return fatal(r, BX_EINPUT, ev->offset,
                     "malformed CBOR: %s inside an indefinite-length "
                     "text string", ev_type_name(ev->type));
    if (ev->type != BX_CBOR_BREAK && lv->type == BX_CBOR_BYTES_INDEF &&
        ev->type != BX_CBOR_BYTES)
        return fatal(r, BX_EINPUT, ev->offset,
                     "malformed CBOR: %s inside an indefinite-length "
                     "byte string", ev_type_name(ev->type));
    return BX_OK;
}

/* Consume the rest of the item whose head is `first`, found at nesting
 * level `depth` (the level of the containers it would open is depth + 1). */
static bx_status skip_item(bx_reader *r, const bx_cbor_ev *first, size_t depth)
{
    reader_state *st = r->state;
    if (first->type == BX_CBOR_BREAK)
        return fatal(r, BX_EINPUT, first->offset,
                     "malformed CBOR: unexpected break");
    if (!ev_is_container(first->type))
        return BX_OK;
    size_t sp = 0;
    bx_status s = check_depth(r, depth + 1, first->offset);
    if (s == BX_OK)
        s = skip_push(r, &sp, first);
    while (s == BX_OK && sp > 0) {
        skip_level *lv = &st->stack[sp - 1];
        if (!lv->indef && lv->remaining == 0) {
            sp--;
            continue;
        }
        bx_cbor_ev ev;
        if ((s = next_inner_event(r, &ev)) != BX_OK ||
            (s = skip_check_item(r, lv, &ev)) != BX_OK)
            break;
        if (ev.type == BX_CBOR_BREAK) {
            sp--;
            continue;
        }
        if (!lv->indef)
            lv->remaining--;
        else if (lv->type == BX_CBOR_MAP_INDEF)
            lv->odd = !lv->odd;
        if (ev_is_container(ev.type) &&
            (s = check_depth(r, depth + 1 + sp, ev.offset)) == BX_OK)
            s = skip_push(r, &sp, &ev);
    }
    return s;
}

/* ---- maps --------------------------------------------------------------- */

static bx_status new_pair(bx_reader *r, map_pair **out)
{
    reader_state *st = r->state;
    if (st->npairs == st->pairs_cap) {
        size_t cap = st->pairs_cap ? st->pairs_cap * 2 : 16;
        map_pair *p = bx_realloc(r->ctx, st->pairs, cap * sizeof *p);
        if (p == NULL)
            return stop(r, BX_ENOMEM);
        st->pairs = p;
        st->pairs_cap = cap;
    }
    *out = &st->pairs[st->npairs++];
    memset(*out, 0, sizeof **out);
    return BX_OK;
}

/* The key whose head is `ev`: a definite text string, or something to
 * step over and report later. */
static bx_status read_key(bx_reader *r, const bx_cbor_ev *ev, map_pair *pair,
                          size_t depth)
{
    pair->key_at = ev->offset;
    if (ev->type == BX_CBOR_TEXT) {
        pair->kkind = K_TEXT;
        pair->key_off = ev->str_off;
        pair->key_len = ev->len;
        return BX_OK;
    }
    pair->kkind = ev->type == BX_CBOR_TEXT_INDEF ? K_INDEF : K_NOT_TEXT;
    pair->ktype = ev->type;
    return skip_item(r, ev, depth);
}

static bx_status read_value(bx_reader *r, map_pair *pair, size_t depth)
{
    bx_cbor_ev ev;
    bx_status s = next_inner_event(r, &ev);
    if (s != BX_OK)
        return s;
    pair->value_at = ev.offset;
    pair->vtype = ev.type;
    switch (ev.type) {
    case BX_CBOR_UINT:
    case BX_CBOR_NEGINT:
        if (ev.u > INT64_MAX) {
            pair->vkind = V_RANGE;
        } else {
            pair->vkind = V_INT;
            pair->i = ev.type == BX_CBOR_UINT ? (int64_t)ev.u : -1 - (int64_t)ev.u;
        }
        return BX_OK;
    case BX_CBOR_FLOAT: pair->vkind = V_DOUBLE; pair->d = ev.d; return BX_OK;
    case BX_CBOR_BOOL: pair->vkind = V_BOOL; pair->b = ev.b; return BX_OK;
    case BX_CBOR_NULL:
    case BX_CBOR_UNDEF: pair->vkind = V_ABSENT; return BX_OK;
    case BX_CBOR_TEXT:
        pair->vkind = V_TEXT;
        pair->str_off = ev.str_off;
        pair->str_len = ev.len;
        return BX_OK;
    default:
        pair->vkind = V_UNSUPPORTED;
        return skip_item(r, &ev, depth);
    }
}

/* Collect the pairs of the map whose head is `head` (at level `depth`)
 * into st->pairs. Only fatal problems are reported here; bad keys and
 * values are kept in the pairs and reported by apply_pairs. */
static bx_status read_map(bx_reader *r, const bx_cbor_ev *head, size_t depth)
{
    reader_state *st = r->state;
    bool indef = head->type == BX_CBOR_MAP_INDEF;
    size_t max = r->limits.max_fields;
    st->npairs = 0;
    bx_status s = check_depth(r, depth, head->offset);
    if (s != BX_OK)
        return s;
    if (!indef && head->u > max)
        return fatal(r, BX_ELIMIT, head->offset,
                     "map of %llu pairs exceeds the limit of %zu fields",
                     (unsigned long long)head->u, max);
    for (uint64_t i = 0; indef || i < head->u; i++) {
        bx_cbor_ev key;
        if ((s = next_inner_event(r, &key)) != BX_OK)
            return s;
        if (indef && key.type == BX_CBOR_BREAK)
            return BX_OK;
        if (st->npairs == max)
            return fatal(r, BX_ELIMIT, head->offset,
                         "map has more than the limit of %zu fields", max);
        map_pair *pair;
        if ((s = new_pair(r, &pair)) != BX_OK ||
            (s = read_key(r, &key, pair, depth)) != BX_OK ||
            (s = read_value(r, pair, depth)) != BX_OK)
            return s;
    }
    return BX_OK;
}

/* ---- from pairs to a record --------------------------------------------- */

/* A key as it may appear in a message: at most BX_ID_MAX-1 bytes, control
 * characters replaced, so hostile keys cannot forge or flood messages. */
static void key_display(const unsigned char *key, size_t len, char *out,
                        size_t size)
{
    size_t n = len < size - 1 ? len : size - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = key[i] < 0x20 || key[i] == 0x7f ? '?' : (char)key[i];
    out[n] = '\0';
}

/* Warn about an unknown key, once per distinct key per reader. */
static bx_status warn_unknown(bx_reader *r, const char *key, bx_location *where)
{
    reader_state *st = r->state;
    for (size_t i = 0; i < st->nunknown; i++)
        if (strcmp(st->unknown[i], key) == 0)
            return BX_OK;
    if (st->nunknown == UNKNOWN_KEYS_KEPT) {
        if (st->unknown_overflow)
            return BX_OK;
        st->unknown_overflow = true;
        where->field = NULL;
        return bxi_warn(r->ctx, where,
                       "more than %d distinct unknown keys; no further ones "
                       "are reported", UNKNOWN_KEYS_KEPT);
    }
    char *copy = bxi_strdup(r->ctx, key);
    if (copy == NULL)
        return BX_ENOMEM;
    st->unknown[st->nunknown++] = copy;
    where->field = key;
    return bxi_warn(r->ctx, where, "unknown key ignored");
}

/* With BX_RECORD_AUTO, the first record that names box_id or order_id
 * decides the kind for the whole input. */
static bool decide_kind(bx_reader *r)
{
    reader_state *st = r->state;
    for (size_t i = 0; i < st->npairs && r->kind == BX_RECORD_AUTO; i++) {
        const map_pair *p = &st->pairs[i];
        if (p->kkind == K_TEXT)
            bxi_kind_from_key((const char *)window_bytes(st, p->key_off),
                             p->key_len, &r->kind);
    }
    return r->kind != BX_RECORD_AUTO;
}

static bx_status bad_key(bx_reader *r, const map_pair *p, bx_location *where)
{
    where->offset = p->key_at;
    if (p->kkind == K_INDEF)
        return bxi_input_error(r->ctx, BX_EINPUT, where,
                              "map key is an indefinite-length text string; "
                              "keys must have a definite length");
    return bxi_input_error(r->ctx, BX_EINPUT, where,
                          "map key is not a text string (found: %s)",
                          ev_type_name(p->ktype));
}

/* Set field f from the pair's value. V_ABSENT leaves it unset. */
static bx_status set_field(bx_reader *r, const bx_field *f,
                           const map_pair *p, bx_location *where)
{
    reader_state *st = r->state;
    void *rec = bxi_reader_record(r);
    where->offset = p->value_at;
    where->field = f->name;
    switch (p->vkind) {
    case V_ABSENT: return BX_OK;
    case V_INT: return bxi_field_set_int(r->ctx, f, rec, p->i, where);
    case V_DOUBLE: return bxi_field_set_double(r->ctx, f, rec, p->d, where);
    case V_BOOL: return bxi_field_set_bool(r->ctx, f, rec, p->b, where);
    case V_TEXT:
        return bxi_field_set_string(r->ctx, f, rec,
                                   (const char *)window_bytes(st, p->str_off),
                                   p->str_len, where);
    case V_RANGE:
        return bxi_input_error(r->ctx, BX_EINPUT, where,
                              "integer out of the 64-bit signed range");
    case V_UNSUPPORTED:
        break;
    }
    return bxi_input_error(r->ctx, BX_EINPUT, where,
                          "unsupported value type (%s)",
                          ev_type_name(p->vtype));
}

static bx_status apply_pair(bx_reader *r, const bx_schema *schema,
                            const map_pair *p, uint32_t *seen,
                            bx_location *where)
{
    reader_state *st = r->state;
    if (p->kkind != K_TEXT)
        return bad_key(r, p, where);
    const char *key = (const char *)window_bytes(st, p->key_off);
    const bx_field *f = bxi_schema_field(schema, key, p->key_len);
    if (f == NULL) {
        char shown[BX_ID_MAX];
        key_display((const unsigned char *)key, p->key_len, shown,
                    sizeof shown);
        where->offset = p->key_at;
        bx_status s = warn_unknown(r, shown, where);
        where->field = NULL;
        return s == BX_ENOMEM ? stop(r, s) : s;
    }
    uint32_t bit = (uint32_t)1 << (size_t)(f - schema->fields);
    if (*seen & bit) {
        where->offset = p->key_at;
        where->field = f->name;
        return bxi_input_error(r->ctx, BX_EINPUT, where, "duplicate key");
    }
    bx_status s = set_field(r, f, p, where);
    if (s == BX_OK && p->vkind != V_ABSENT)
        *seen |= bit;
    return s;
}

/* A bad record names its order when exactly one of its keys is "order_id"
 * with a text value. */
static void note_bad_order(bx_reader *r)
{
    reader_state *st = r->state;
    static const char key[] = "order_id";
    const map_pair *id = NULL;
    for (size_t i = 0; i < st->npairs; i++) {
        const map_pair *p = &st->pairs[i];
        if (p->kkind != K_TEXT || p->key_len != sizeof key - 1 ||
            memcmp(window_bytes(st, p->key_off), key, sizeof key - 1) != 0)
            continue;
        if (id != NULL || p->vkind != V_TEXT)
            return;
        id = p;
    }
    if (id != NULL)
        bxi_reader_note_order_id(r, (const char *)window_bytes(st, id->str_off),
                                id->str_len, st->record_no);
}

/* Build r->rec from the collected pairs of the map at map_at. The first
 * problem is reported; the map was consumed whole, so reading can go on. */
static bx_status apply_pairs(bx_reader *r, uint64_t map_at)
{
    reader_state *st = r->state;
    bx_location where = location_at(r, map_at);
    if (!decide_kind(r))
        return bxi_input_error(r->ctx, BX_EINPUT, &where,
                              "cannot tell the record kind: the map has "
                              "neither a box_id nor an order_id key");
    const bx_schema *schema = bxi_reader_schema(r);
    void *rec = bxi_reader_record(r);
    schema->init(rec);
    r->rec.kind = r->kind;
    memcpy((char *)rec + schema->line_offset, &st->record_no,
           sizeof st->record_no);
    uint32_t seen = 0;
    bx_status s = BX_OK;
    for (size_t i = 0; i < st->npairs && s == BX_OK; i++)
        s = apply_pair(r, schema, &st->pairs[i], &seen, &where);
    if (s == BX_OK) {
        where = location_at(r, map_at);
        s = bxi_record_finish(r->ctx, schema, rec, seen, &where);
    }
    if (s == BX_EINPUT)
        note_bad_order(r);
    return s;
}

/* ---- the top level ------------------------------------------------------ */

static void pin(reader_state *st, uint64_t at)
{
    st->pinned = true;
    st->pin_off = at;
}

static void unpin(reader_state *st)
{
    st->pinned = false;
}

/* After the array: nothing may follow. */
static bx_status expect_end(bx_reader *r)
{
    reader_state *st = r->state;
    bx_status s = window_fill(r, 1);
    if (s != BX_OK)
        return s;
    if (st->end > st->pos)
        return fatal(r, BX_EINPUT, window_offset(st),
                     "trailing bytes after the CBOR array of records");
    st->phase = PH_DONE;
    return BX_END;
}

/* The first item decides the layout: an array of records, or a sequence
 * whose first map is the first record (left in *ev). */
static bx_status read_start(bx_reader *r, bx_cbor_ev *ev, bool *have_record)
{
    reader_state *st = r->state;
    bx_status s = next_event(r, ev);
    if (s == BX_END)
        st->phase = PH_DONE;
    if (s != BX_OK)
        return s;
    switch (ev->type) {
    case BX_CBOR_ARRAY:
        st->phase = PH_ARRAY;
        st->remaining = ev->u;
        return check_depth(r, 1, ev->offset);
    case BX_CBOR_ARRAY_INDEF:
        st->phase = PH_ARRAY_INDEF;
        return check_depth(r, 1, ev->offset);
    case BX_CBOR_MAP:
    case BX_CBOR_MAP_INDEF:
        st->phase = PH_SEQUENCE;
        *have_record = true;
        return BX_OK;
    default:
        return fatal(r, BX_EINPUT, ev->offset,
                     "expected a CBOR array or map of records (found: %s)",
                     ev_type_name(ev->type));
    }
}

/* Position at the head of the next record-level item (left in *ev). */
static bx_status next_item(bx_reader *r, bx_cbor_ev *ev)
{
    reader_state *st = r->state;
    bool have = false;
    bx_status s;
    if (st->phase == PH_START &&
        ((s = read_start(r, ev, &have)) != BX_OK || have))
        return s;
    switch (st->phase) {
    case PH_ARRAY:
        if (st->remaining == 0)
            return expect_end(r);
        st->remaining--;
        return next_inner_event(r, ev);
    case PH_ARRAY_INDEF:
        if ((s = next_inner_event(r, ev)) != BX_OK)
            return s;
        return ev->type == BX_CBOR_BREAK ? expect_end(r) : BX_OK;
    case PH_SEQUENCE:
        s = next_event(r, ev);
        if (s == BX_END)
            st->phase = PH_DONE;
        if (s == BX_OK && ev->type != BX_CBOR_MAP && ev->type != BX_CBOR_MAP_INDEF)
            return fatal(r, BX_EINPUT, ev->offset,
                         "expected a map in the CBOR sequence of records "
                         "(found: %s)",
                         ev_type_name(ev->type));
        return s;
    default:
        return BX_END;
    }
}

/* One record-level item whose head is *ev: a map is a record; anything
 * else inside an array is stepped over and reported. */
static bx_status read_record(bx_reader *r, const bx_cbor_ev *ev)
{
    reader_state *st = r->state;
    size_t depth = st->phase == PH_SEQUENCE ? 1 : 2;
    st->record_no++;
    st->in_record = true;
    if (r->limits.max_records != 0 && st->record_no > r->limits.max_records)
        return fatal(r, BX_ELIMIT, ev->offset,
                     "more than the limit of %llu records",
                     (unsigned long long)r->limits.max_records);
    pin(st, ev->offset);
    bx_status s;
    if (ev->type == BX_CBOR_MAP || ev->type == BX_CBOR_MAP_INDEF) {
        s = read_map(r, ev, depth);
        if (s == BX_OK)
            s = apply_pairs(r, ev->offset);
    } else {
        s = skip_item(r, ev, depth - 1);
        if (s == BX_OK) {
            bx_location where = location_at(r, ev->offset);
            s = bxi_input_error(r->ctx, BX_EINPUT, &where,
                               "record is not a map (found: %s)",
                               ev_type_name(ev->type));
        }
    }
    unpin(st);
    st->in_record = false;
    return s;
}

static bx_status reader_next(bx_reader *r)
{
    reader_state *st = r->state;
    if (st->failed != BX_OK)
        return bxi_error(r->ctx, st->failed,
                        "%s: reading stopped at an earlier error", r->name);
    r->recoverable = true;
    bx_cbor_ev ev;
    bx_status s = next_item(r, &ev);
    if (s != BX_OK)
        return s;
    return read_record(r, &ev);
}

static bx_status reader_open(bx_reader *r)
{
    reader_state *st = bx_alloc(r->ctx, sizeof *st);
    if (st == NULL)
        return BX_ENOMEM;
    memset(st, 0, sizeof *st);
    st->buf = bx_alloc(r->ctx, WINDOW_INITIAL);
    if (st->buf == NULL) {
        bx_free(r->ctx, st);
        return BX_ENOMEM;
    }
    st->cap = WINDOW_INITIAL;
    r->state = st;
    return BX_OK;
}

static void reader_close(bx_reader *r)
{
    reader_state *st = r->state;
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->nunknown; i++)
        bx_free(r->ctx, st->unknown[i]);
    bx_free(r->ctx, st->pairs);
    bx_free(r->ctx, st->stack);
    bx_free(r->ctx, st->buf);
    bx_free(r->ctx, st);
    r->state = NULL;
}

const bx_reader_backend bxi_cbor_backend = {
    "cbor", reader_open, reader_next, reader_close,
};

/* ---- writer ------------------------------------------------------------- */

/* Big enough for any record: at most 32 fields, each a short key and a
 * value of at most BX_ID_MAX bytes plus heads. */
#define RECORD_BUF 4096

static size_t encode_text(const char *s, size_t len, unsigned char *buf,
                          size_t size)
{
    size_t n = cbor_encode_string_start(len, buf, size);
    if (n == 0 || size - n < len)
        return 0;
    memcpy(buf + n, s, len);
    return n + len;
}

static size_t encode_value(const bx_value *v, unsigned char *buf, size_t size)
{
    switch (v->type) {
    case BX_FT_I32:
    case BX_FT_I64:
        if (v->i >= 0)
            return cbor_encode_uint((uint64_t)v->i, buf, size);
        /* -1 - i without overflow, also for INT64_MIN */
        return cbor_encode_negint((uint64_t)(-(v->i + 1)), buf, size);
    case BX_FT_F64: return bxi_cbor_encode_float(v->d, buf, size);
    case BX_FT_BOOL: return cbor_encode_bool(v->b, buf, size);
    case BX_FT_ID:
    case BX_FT_ROTATION: return encode_text(v->s, strlen(v->s), buf, size);
    case BX_FT_CELL: break;
    }
    return 0;
}

/* Core deterministic key order: by encoded bytes. For text keys the head
 * grows with the length, so shorter keys come first, then bytewise. */
static bool key_before(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb;
    return memcmp(a, b, la) < 0;
}

static size_t sorted_present_fields(const bx_schema *schema,
                                    const void *record,
                                    const bx_field **out)
{
    size_t n = 0;
    for (size_t i = 0; i < schema->nfields && n < 32; i++) {
        const bx_field *f = &schema->fields[i];
        if (!bxi_field_present(f, record))
            continue;
        size_t j = n++;
        for (; j > 0 && key_before(f->name, out[j - 1]->name); j--)
            out[j] = out[j - 1];
        out[j] = f;
    }
    return n;
}

static bx_status writer_begin(bx_writer *w)
{
    unsigned char head[HEAD_MAX];
#if SIZE_MAX < UINT64_MAX
    if (w->n_announced > SIZE_MAX)
        return bxi_error(w->ctx, BX_EINVAL, "too many records for CBOR here");
#endif
    size_t n = cbor_encode_array_start((size_t)w->n_announced, head,
                                       sizeof head);
    if (n == 0)
        return bxi_error(w->ctx, BX_EINTERNAL, "CBOR array head did not fit");
    return bxi_writer_emit(w, head, n);
}

static bx_status writer_put(bx_writer *w, const void *record)
{
    const bx_field *fields[32];
    size_t nf = sorted_present_fields(w->schema, record, fields);
    unsigned char buf[RECORD_BUF];
    size_t len = cbor_encode_map_start(nf, buf, sizeof buf);
    for (size_t i = 0; i < nf && len != 0; i++) {
        bx_value v = bxi_field_get(fields[i], record);
        const char *key = fields[i]->name;
        size_t k = encode_text(key, strlen(key), buf + len, sizeof buf - len);
        size_t e = k == 0 ? 0 : encode_value(&v, buf + len + k,
                                             sizeof buf - len - k);
        len = e == 0 ? 0 : len + k + e;
    }
    if (len == 0)
        return bxi_error(w->ctx, BX_EINTERNAL,
                        "CBOR record did not fit its buffer");
    return bxi_writer_emit(w, buf, len);
}

static bx_status writer_end(bx_writer *w)
{
    (void)w;
    return BX_OK;
}

static void writer_free(bx_writer *w)
{
    (void)w;
}

const bx_writer_backend bxi_cbor_writer_backend = {
    writer_begin, writer_put, writer_end, writer_free,
};
