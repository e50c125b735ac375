/*
 * schema.c: the fields of each record kind, typed setters shared by every
 * reader, and the rules a record must satisfy.
 *
 * One table per record kind drives CSV, JSON and CBOR alike, so a field's
 * name, type, range and presence bit are written down once.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define BOX_FIELD(name, type, req, lo, hi, bit) \
    {#name, type, offsetof(bx_box, name), req, lo, hi, bit}
#define LINE_FIELD(name, type, req, lo, hi, bit) \
    {#name, type, offsetof(bx_order_line, name), req, lo, hi, bit}
#define ITEM_FIELD(name, type, req, lo, hi, bit) \
    {#name, type, offsetof(bx_item, name), req, lo, hi, bit}

static const bx_field box_fields[] = {
    BOX_FIELD(box_id, BX_FT_ID, true, 0, 0, 0),
    BOX_FIELD(inner_l_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    BOX_FIELD(inner_w_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    BOX_FIELD(inner_h_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    BOX_FIELD(max_weight_g, BX_FT_I64, true, 1, BX_MAX_MASS_G, 0),
    BOX_FIELD(outer_l_mm, BX_FT_I32, false, 1, BX_MAX_LENGTH_MM, BX_BOX_HAS_OUTER),
    BOX_FIELD(outer_w_mm, BX_FT_I32, false, 1, BX_MAX_LENGTH_MM, BX_BOX_HAS_OUTER),
    BOX_FIELD(outer_h_mm, BX_FT_I32, false, 1, BX_MAX_LENGTH_MM, BX_BOX_HAS_OUTER),
    BOX_FIELD(tare_g, BX_FT_I64, false, 0, BX_MAX_MASS_G, BX_BOX_HAS_TARE),
    BOX_FIELD(material, BX_FT_ID, false, 0, 0, BX_BOX_HAS_MATERIAL),
    BOX_FIELD(material_mass_g, BX_FT_I64, false, 0, BX_MAX_MASS_G, BX_BOX_HAS_MATERIAL_MASS),
    BOX_FIELD(cost, BX_FT_F64, false, 0, INT64_C(1000000000000), BX_BOX_HAS_COST),
    BOX_FIELD(stock, BX_FT_I64, false, 0, BX_MAX_STOCK, BX_BOX_HAS_STOCK),
    BOX_FIELD(reusable, BX_FT_BOOL, false, 0, 1, BX_BOX_HAS_REUSABLE),
    BOX_FIELD(custom, BX_FT_BOOL, false, 0, 1, BX_BOX_HAS_CUSTOM),
    BOX_FIELD(min_l_mm, BX_FT_I32, false, 1, BX_MAX_LENGTH_MM, BX_BOX_HAS_MIN),
    BOX_FIELD(min_w_mm, BX_FT_I32, false, 1, BX_MAX_LENGTH_MM, BX_BOX_HAS_MIN),
    BOX_FIELD(min_h_mm, BX_FT_I32, false, 1, BX_MAX_LENGTH_MM, BX_BOX_HAS_MIN),
    BOX_FIELD(step_mm, BX_FT_I32, false, 1, BX_MAX_STEP_MM, BX_BOX_HAS_STEP),
    BOX_FIELD(grammage_g_m2, BX_FT_I32, false, 1, BX_MAX_GRAMMAGE_G_M2, BX_BOX_HAS_GRAMMAGE),
    BOX_FIELD(cost_per_m2, BX_FT_F64, false, 0, INT64_C(1000000000), BX_BOX_HAS_COST_M2),
};

static const bx_field line_fields[] = {
    LINE_FIELD(order_id, BX_FT_ID, true, 0, 0, 0),
    LINE_FIELD(item_id, BX_FT_ID, true, 0, 0, 0),
    LINE_FIELD(qty, BX_FT_I32, true, 1, BX_MAX_QTY, 0),
    LINE_FIELD(l_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    LINE_FIELD(w_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    LINE_FIELD(h_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    LINE_FIELD(weight_g, BX_FT_I64, true, 0, BX_MAX_MASS_G, 0),
    LINE_FIELD(rotation, BX_FT_ROTATION, false, 0, 2, BX_LINE_HAS_ROTATION),
    LINE_FIELD(fragile, BX_FT_BOOL, false, 0, 1, BX_LINE_HAS_FRAGILE),
    LINE_FIELD(alone, BX_FT_BOOL, false, 0, 1, BX_LINE_HAS_ALONE),
    LINE_FIELD(group, BX_FT_ID, false, 0, 0, BX_LINE_HAS_GROUP),
    LINE_FIELD(max_load_g, BX_FT_I64, false, 0, BX_MAX_MASS_G, BX_LINE_HAS_MAX_LOAD),
};

static const bx_field item_fields[] = {
    ITEM_FIELD(sku, BX_FT_ID, true, 0, 0, 0),
    ITEM_FIELD(barcodes, BX_FT_ID, false, 0, 0, BX_ITEM_HAS_BARCODES),
    ITEM_FIELD(l_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    ITEM_FIELD(w_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    ITEM_FIELD(h_mm, BX_FT_I32, true, 1, BX_MAX_LENGTH_MM, 0),
    ITEM_FIELD(weight_g, BX_FT_I64, true, 0, BX_MAX_MASS_G, 0),
    ITEM_FIELD(rotation, BX_FT_ROTATION, false, 0, 2, BX_ITEM_HAS_ROTATION),
    ITEM_FIELD(fragile, BX_FT_BOOL, false, 0, 1, BX_ITEM_HAS_FRAGILE),
    ITEM_FIELD(max_load_g, BX_FT_I64, false, 0, BX_MAX_MASS_G, BX_ITEM_HAS_MAX_LOAD),
};

void bx_box_init(bx_box *box)
{
    memset(box, 0, sizeof *box);
    box->stock = BX_STOCK_UNLIMITED;
}

void bx_order_line_init(bx_order_line *line)
{
    memset(line, 0, sizeof *line);
    line->rotation = BX_ROTATE_ANY;
}

void bx_item_init(bx_item *item)
{
    memset(item, 0, sizeof *item);
    item->rotation = BX_ROTATE_ANY;
}

bool bx_item_matches(const bx_item *item, const char *code)
{
    if (item == NULL || code == NULL || code[0] == '\0')
        return false;
    if (strcmp(item->sku, code) == 0)
        return true;
    size_t n = strlen(code);
    for (const char *b = item->barcodes; *b != '\0';) {
        size_t len = strcspn(b, "|");
        if (len == n && memcmp(b, code, n) == 0)
            return true;
        b += len + (b[len] == '|');
    }
    return false;
}

static void item_init(void *record)
{
    bx_item_init(record);
}

static void box_init(void *record)
{
    bx_box_init(record);
}

static void line_init(void *record)
{
    bx_order_line_init(record);
}

static bx_status box_check(bx_ctx *ctx, const void *record,
                           const bx_location *where);
static bx_status line_check(bx_ctx *ctx, const void *record,
                            const bx_location *where);
static bx_status item_check(bx_ctx *ctx, const void *record,
                            const bx_location *where);

static const bx_schema box_schema = {
    BX_RECORD_BOX, "box", sizeof(bx_box), box_fields, BX_ARRAY_LEN(box_fields),
    offsetof(bx_box, has), offsetof(bx_box, line), box_init, box_check,
};

static const bx_schema line_schema = {
    BX_RECORD_ORDER_LINE, "order_line", sizeof(bx_order_line), line_fields,
    BX_ARRAY_LEN(line_fields), offsetof(bx_order_line, has),
    offsetof(bx_order_line, line), line_init, line_check,
};

/* ---- rows of named columns ------------------------------------------------ */

/* Only the types: a value is read only where its type says there is one. */
static void row_init(void *record)
{
    bx_row *row = record;
    for (size_t i = 0; i < row->ncells; i++)
        row->cell[i].type = BX_CELL_ABSENT;
}

/* A row's values are judged by the module that reads it. */
static bx_status row_check(bx_ctx *ctx, const void *record,
                           const bx_location *where)
{
    (void)ctx;
    (void)record;
    (void)where;
    return BX_OK;
}

void bxi_row_schema_init(bx_schema *schema, bx_field *fields,
                        const bx_column *columns, size_t n)
{
    if (n > BX_ROW_MAX_COLUMNS)
        n = BX_ROW_MAX_COLUMNS;
    for (size_t i = 0; i < n; i++) {
        bx_field f = {columns[i].name, BX_FT_CELL,
                      offsetof(bx_row, cell) + i * sizeof(bx_cell),
                      columns[i].required, 0, 0, 0};
        fields[i] = f;
    }
    bx_schema s = {BX_RECORD_ROWS, "row", sizeof(bx_row), fields, n,
                   offsetof(bx_row, has), offsetof(bx_row, line), row_init,
                   row_check};
    *schema = s;
}

static bool is_rows(const bx_schema *schema)
{
    return schema->init == row_init;
}

static void *field_ptr(const bx_field *f, void *record);

/* Keep a value as given, with its location. */
static bx_status set_cell(const bx_field *f, void *record, bx_cell_type type,
                          const char *s, size_t len, int64_t i, double d,
                          const bx_location *where)
{
    bx_cell *c = field_ptr(f, record);
    c->type = type;
    c->s = s;
    c->len = len;
    c->i = i;
    c->d = d;
    c->column = where != NULL ? where->column : 0;
    c->offset = where != NULL ? where->offset : 0;
    return BX_OK;
}

static const bx_schema item_schema = {
    BX_RECORD_ITEM, "item", sizeof(bx_item), item_fields, BX_ARRAY_LEN(item_fields),
    offsetof(bx_item, has), offsetof(bx_item, line), item_init, item_check,
};

const bx_schema *bxi_schema_for(bx_record_kind kind)
{
    switch (kind) {
    case BX_RECORD_BOX: return &box_schema;
    case BX_RECORD_ORDER_LINE: return &line_schema;
    case BX_RECORD_ITEM: return &item_schema;
    case BX_RECORD_AUTO: break;
    }
    return NULL;
}

const bx_field *bxi_schema_field(const bx_schema *schema, const char *name,
                                size_t len)
{
    for (size_t i = 0; i < schema->nfields; i++) {
        const char *f = schema->fields[i].name;
        if (strlen(f) == len && memcmp(f, name, len) == 0)
            return &schema->fields[i];
    }
    return NULL;
}

bool bxi_kind_from_key(const char *name, size_t len, bx_record_kind *out)
{
    if (len == 6 && memcmp(name, "box_id", 6) == 0) {
        *out = BX_RECORD_BOX;
        return true;
    }
    if (len == 8 && memcmp(name, "order_id", 8) == 0) {
        *out = BX_RECORD_ORDER_LINE;
        return true;
    }
    if (len == 3 && memcmp(name, "sku", 3) == 0) {
        *out = BX_RECORD_ITEM;
        return true;
    }
    return false;
}

/* ---- names ---------------------------------------------------------------- */

static const char *const rotation_names[] = {"any", "upright", "fixed"};

const char *bx_rotation_name(bx_rotation rotation)
{
    if ((unsigned)rotation < BX_ARRAY_LEN(rotation_names))
        return rotation_names[rotation];
    return "unknown";
}

static bool equal_nocase(const char *a, size_t alen, const char *b)
{
    if (alen != strlen(b))
        return false;
    for (size_t i = 0; i < alen; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != b[i])
            return false;
    }
    return true;
}

static bool rotation_from(const char *s, size_t len, bx_rotation *out)
{
    for (size_t i = 0; i < BX_ARRAY_LEN(rotation_names); i++) {
        if (equal_nocase(s, len, rotation_names[i])) {
            *out = (bx_rotation)i;
            return true;
        }
    }
    return false;
}

bx_status bx_rotation_parse(const char *s, bx_rotation *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    return rotation_from(s, strlen(s), out) ? BX_OK : BX_EINPUT;
}

static const char *const format_names[] = {"auto", "csv", "json", "cbor"};

const char *bx_format_name(bx_format format)
{
    if ((unsigned)format < BX_ARRAY_LEN(format_names))
        return format_names[format];
    return "unknown";
}

bx_status bx_format_parse(const char *s, bx_format *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < BX_ARRAY_LEN(format_names); i++) {
        if (equal_nocase(s, strlen(s), format_names[i])) {
            *out = (bx_format)i;
            return BX_OK;
        }
    }
    return BX_EINPUT;
}

bx_format bx_format_from_path(const char *path)
{
    static const struct {
        const char *ext;
        bx_format format;
    } exts[] = {
        {".csv", BX_FORMAT_CSV},   {".json", BX_FORMAT_JSON},
        {".jsonl", BX_FORMAT_JSON}, {".ndjson", BX_FORMAT_JSON},
        {".cbor", BX_FORMAT_CBOR}, {".cbors", BX_FORMAT_CBOR},
    };
    if (path == NULL)
        return BX_FORMAT_AUTO;
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot == NULL || (slash != NULL && dot < slash))
        return BX_FORMAT_AUTO;
    for (size_t i = 0; i < BX_ARRAY_LEN(exts); i++)
        if (equal_nocase(dot, strlen(dot), exts[i].ext))
            return exts[i].format;
    return BX_FORMAT_AUTO;
}

const char *bx_record_kind_name(bx_record_kind kind)
{
    switch (kind) {
    case BX_RECORD_AUTO: return "auto";
    case BX_RECORD_BOX: return "box";
    case BX_RECORD_ORDER_LINE: return "order_line";
    case BX_RECORD_ITEM: return "item";
    }
    return "unknown";
}

/* ---- setters -------------------------------------------------------------- */

static void *field_ptr(const bx_field *f, void *record)
{
    return (char *)record + f->offset;
}

static const void *field_cptr(const bx_field *f, const void *record)
{
    return (const char *)record + f->offset;
}

static uint32_t *has_ptr(const bx_schema *schema, void *record)
{
    return (uint32_t *)((char *)record + schema->has_offset);
}

/* The presence bits live in the record; the field table does not know which
 * schema it belongs to, so find it by address. */
static const bx_schema *schema_of(const bx_field *f)
{
    if (f >= box_fields && f < box_fields + BX_ARRAY_LEN(box_fields))
        return &box_schema;
    if (f >= item_fields && f < item_fields + BX_ARRAY_LEN(item_fields))
        return &item_schema;
    return &line_schema;
}

static void mark_present(const bx_field *f, void *record)
{
    if (f->has_bit != 0)
        *has_ptr(schema_of(f), record) |= f->has_bit;
}

static bx_status bad(bx_ctx *ctx, const bx_field *f, bx_location *where,
                     const char *why)
{
    if (where != NULL)
        where->field = f->name;
    return bxi_input_error(ctx, BX_EINPUT, where, "%s", why);
}

const char *bxi_id_problem(const char *s, size_t len)
{
    if (len == 0)
        return "must not be empty";
    if (len >= BX_ID_MAX)
        return "longer than 63 bytes";
    if (s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t')
        return "has leading or trailing spaces";
    /* UTF-8 well-formedness (RFC 3629): no overlongs, no surrogates. */
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x20 || c == 0x7f)
            return "contains a control character";
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            if (c == 0xe0)
                lo = 0xa0;
            if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            if (c == 0xf0)
                lo = 0x90;
            if (c == 0xf4)
                hi = 0x8f;
        } else
            return "is not valid UTF-8";
        if (i + n >= len)
            return "is not valid UTF-8";
        for (size_t k = 1; k <= n; k++) {
            unsigned b = p[i + k];
            unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xbf;
            if (b < l || b > h)
                return "is not valid UTF-8";
        }
        i += n + 1;
    }
    return NULL;
}

static bx_status set_id(bx_ctx *ctx, const bx_field *f, void *record,
                        const char *s, size_t len, bx_location *where)
{
    const char *why = bxi_id_problem(s, len);
    if (why != NULL) {
        char msg[96];
        snprintf(msg, sizeof msg, "identifier %s", why);
        return bad(ctx, f, where, msg);
    }
    char *dst = field_ptr(f, record);
    memcpy(dst, s, len);
    dst[len] = '\0';
    mark_present(f, record);
    return BX_OK;
}

static bx_status set_rotation(bx_ctx *ctx, const bx_field *f, void *record,
                              const char *s, size_t len, bx_location *where)
{
    bx_rotation rot;
    if (!rotation_from(s, len, &rot))
        return bad(ctx, f, where, "expected any, upright or fixed");
    *(bx_rotation *)field_ptr(f, record) = rot;
    mark_present(f, record);
    return BX_OK;
}

static bx_status store_int(bx_ctx *ctx, const bx_field *f, void *record,
                           int64_t v, bx_location *where)
{
    if (v < f->min || v > f->max) {
        char msg[128];
        snprintf(msg, sizeof msg, "%lld is out of range %lld..%lld",
                 (long long)v, (long long)f->min, (long long)f->max);
        return bad(ctx, f, where, msg);
    }
    if (f->type == BX_FT_I32)
        *(int32_t *)field_ptr(f, record) = (int32_t)v;
    else
        *(int64_t *)field_ptr(f, record) = v;
    mark_present(f, record);
    return BX_OK;
}

static bx_status store_double(bx_ctx *ctx, const bx_field *f, void *record,
                              double v, bx_location *where)
{
    if (!isfinite(v) || v < (double)f->min || v > (double)f->max) {
        char msg[128];
        snprintf(msg, sizeof msg, "%g is out of range %lld..%lld", v,
                 (long long)f->min, (long long)f->max);
        return bad(ctx, f, where, msg);
    }
    *(double *)field_ptr(f, record) = v;
    mark_present(f, record);
    return BX_OK;
}

static bx_status store_bool(const bx_field *f, void *record, bool v)
{
    *(bool *)field_ptr(f, record) = v;
    mark_present(f, record);
    return BX_OK;
}

bx_status bxi_field_set_text(bx_ctx *ctx, const bx_field *f, void *record,
                            const char *s, size_t len, bx_location *where)
{
    if (len == 0 && f->type != BX_FT_CELL) {
        if (f->required)
            return bad(ctx, f, where, "required field is empty");
        return BX_OK; /* absent */
    }
    const char *why = NULL;
    switch (f->type) {
    case BX_FT_CELL:
        return set_cell(f, record, BX_CELL_TEXT, s, len, 0, 0.0, where);
    case BX_FT_ID:
        return set_id(ctx, f, record, s, len, where);
    case BX_FT_ROTATION:
        return set_rotation(ctx, f, record, s, len, where);
    case BX_FT_I32:
    case BX_FT_I64: {
        int64_t v;
        if (!bxi_parse_int(s, len, INT64_MIN, INT64_MAX, &v, &why))
            return bad(ctx, f, where, why);
        return store_int(ctx, f, record, v, where);
    }
    case BX_FT_F64: {
        double v;
        if (!bxi_parse_double(s, len, &v, &why))
            return bad(ctx, f, where, why);
        return store_double(ctx, f, record, v, where);
    }
    case BX_FT_BOOL: {
        bool v;
        if (!bxi_parse_bool(s, len, &v, &why))
            return bad(ctx, f, where, why);
        return store_bool(f, record, v);
    }
    }
    return bxi_error(ctx, BX_EINTERNAL, "unknown field type");
}

bx_status bxi_field_set_string(bx_ctx *ctx, const bx_field *f, void *record,
                              const char *s, size_t len, bx_location *where)
{
    switch (f->type) {
    case BX_FT_CELL:
        return set_cell(f, record, BX_CELL_TEXT, s, len, 0, 0.0, where);
    case BX_FT_ID:
        return set_id(ctx, f, record, s, len, where);
    case BX_FT_ROTATION:
        return set_rotation(ctx, f, record, s, len, where);
    case BX_FT_BOOL:
        return bad(ctx, f, where, "expected true or false, got a string");
    default:
        return bad(ctx, f, where, "expected a number, got a string");
    }
}

bx_status bxi_field_set_int(bx_ctx *ctx, const bx_field *f, void *record,
                           int64_t v, bx_location *where)
{
    switch (f->type) {
    case BX_FT_CELL:
        return set_cell(f, record, BX_CELL_INT, NULL, 0, v, 0.0, where);
    case BX_FT_I32:
    case BX_FT_I64:
        return store_int(ctx, f, record, v, where);
    case BX_FT_F64:
        /* Exact for the field's whole range (|v| <= 1e12 < 2^53). */
        if (v < f->min || v > f->max)
            return store_int(ctx, f, record, v, where);
        return store_double(ctx, f, record, (double)v, where);
    case BX_FT_BOOL:
        if (v == 0 || v == 1)
            return store_bool(f, record, v == 1);
        return bad(ctx, f, where, "expected a boolean (true/false or 0/1)");
    default:
        return bad(ctx, f, where, "expected a string, got a number");
    }
}

bx_status bxi_field_set_double(bx_ctx *ctx, const bx_field *f, void *record,
                              double v, bx_location *where)
{
    switch (f->type) {
    case BX_FT_CELL:
        return set_cell(f, record, BX_CELL_REAL, NULL, 0, 0, v, where);
    case BX_FT_F64:
        return store_double(ctx, f, record, v, where);
    case BX_FT_I32:
    case BX_FT_I64:
        return bad(ctx, f, where,
                   "expected an integer, got a decimal number");
    case BX_FT_BOOL:
        return bad(ctx, f, where, "expected a boolean, got a number");
    default:
        return bad(ctx, f, where, "expected a string, got a number");
    }
}

bx_status bxi_field_set_bool(bx_ctx *ctx, const bx_field *f, void *record,
                            bool v, bx_location *where)
{
    if (f->type == BX_FT_BOOL)
        return store_bool(f, record, v);
    if (f->type == BX_FT_CELL)
        return bad(ctx, f, where, "expected text or a number, got a boolean");
    return bad(ctx, f, where, "did not expect a boolean");
}

bool bxi_field_present(const bx_field *f, const void *record)
{
    if (f->required)
        return true;
    const bx_schema *schema = schema_of(f);
    uint32_t has = *(const uint32_t *)((const char *)record + schema->has_offset);
    return (has & f->has_bit) != 0;
}

bx_status bxi_record_finish(bx_ctx *ctx, const bx_schema *schema, void *record,
                           uint32_t seen, bx_location *where)
{
    if (is_rows(schema)) {
        /* which values a row needs is the reading module's call */
        bx_row *row = record;
        memset(&row->at, 0, sizeof row->at);
        if (where != NULL) {
            where->field = NULL;
            row->at = *where;
        }
        return BX_OK;
    }
    for (size_t i = 0; i < schema->nfields; i++) {
        const bx_field *f = &schema->fields[i];
        if (f->required && (seen & (UINT32_C(1) << i)) == 0)
            return bad(ctx, f, where, "required field is missing");
    }
    if (where != NULL)
        where->field = NULL;
    return schema->check(ctx, record, where);
}

/* ---- cross-field rules ------------------------------------------------------ */

static bx_status rule(bx_ctx *ctx, const bx_location *where, const char *field,
                      const char *msg)
{
    bx_location at = {0};
    if (where != NULL)
        at = *where;
    at.field = field;
    return bxi_input_error(ctx, BX_EINPUT, &at, "%s", msg);
}

/* A made-to-measure entry: its size columns only with custom, its
 * smallest size within its largest (inner_*_mm). */
static bx_status custom_check(bx_ctx *ctx, bx_box *b, const bx_location *where)
{
    if ((b->has & BX_BOX_HAS_CUSTOM) == 0)
        b->custom = false;
    int nmin = (b->min_l_mm != 0) + (b->min_w_mm != 0) + (b->min_h_mm != 0);
    const uint32_t only_custom = BX_BOX_HAS_MIN | BX_BOX_HAS_STEP |
                                 BX_BOX_HAS_GRAMMAGE | BX_BOX_HAS_COST_M2;
    if (!b->custom) {
        if ((b->has & only_custom) != 0 || nmin != 0)
            return rule(ctx, where, "custom",
                        "min_*_mm, step_mm, grammage_g_m2 and cost_per_m2 are for "
                        "made-to-measure entries (custom = 1)");
        return BX_OK;
    }
    if (b->reusable)
        return rule(ctx, where, "custom",
                    "a made-to-measure entry cannot be a reusable container");
    if ((b->has & BX_BOX_HAS_STOCK) != 0)
        return rule(ctx, where, "stock",
                    "a made-to-measure entry makes boxes as needed: it has no stock");
    if (nmin != 0 && nmin != 3)
        return rule(ctx, where, "min_l_mm",
                    "min_l_mm, min_w_mm and min_h_mm go together: give all three or none");
    if (nmin == 3) {
        b->has |= BX_BOX_HAS_MIN;
        if (b->min_l_mm > b->inner_l_mm || b->min_w_mm > b->inner_w_mm ||
            b->min_h_mm > b->inner_h_mm)
            return rule(ctx, where, "min_l_mm",
                        "a smallest dimension (min_*_mm) is above the largest "
                        "(inner_*_mm) the entry makes");
    } else {
        b->has &= ~BX_BOX_HAS_MIN;
    }
    return BX_OK;
}

/* Checks only what setting fields one by one cannot: field combinations.
 * Field ranges are checked again by bx_box_validate for boxes built in code. */
static bx_status box_check(bx_ctx *ctx, const void *record,
                           const bx_location *where)
{
    bx_box *b = (bx_box *)record;
    int nouter = (b->outer_l_mm != 0) + (b->outer_w_mm != 0) + (b->outer_h_mm != 0);
    if (nouter != 0 && nouter != 3)
        return rule(ctx, where, "outer_l_mm",
                    "outer_l_mm, outer_w_mm and outer_h_mm go together: give all three or none");
    if (nouter == 3) {
        b->has |= BX_BOX_HAS_OUTER;
        if (b->outer_l_mm < b->inner_l_mm || b->outer_w_mm < b->inner_w_mm ||
            b->outer_h_mm < b->inner_h_mm)
            return rule(ctx, where, "outer_l_mm",
                        "an outer dimension is smaller than the inner one");
    } else {
        b->has &= ~BX_BOX_HAS_OUTER;
    }
    if ((b->has & BX_BOX_HAS_TARE) && b->tare_g >= b->max_weight_g)
        return rule(ctx, where, "tare_g",
                    "tare_g must be below max_weight_g (the limit is the gross weight)");
    return custom_check(ctx, b, where);
}

/* Barcodes: codes with '|' between two, none of them empty. */
static bx_status item_check(bx_ctx *ctx, const void *record,
                            const bx_location *where)
{
    const bx_item *it = record;
    if ((it->has & BX_ITEM_HAS_BARCODES) == 0)
        return BX_OK;
    const char *b = it->barcodes;
    size_t n = strlen(b);
    if (b[0] == '|' || b[n - 1] == '|' || strstr(b, "||") != NULL)
        return rule(ctx, where, "barcodes",
                    "barcodes are codes with '|' between two, none of them empty");
    return BX_OK;
}

static bx_status line_check(bx_ctx *ctx, const void *record,
                            const bx_location *where)
{
    const bx_order_line *l = record;
    if (l->alone && l->group[0] != '\0')
        return rule(ctx, where, "alone",
                    "a line that ships alone cannot also be in a group");
    return BX_OK;
}

/* Records built in code go through the same field rules as read ones. */
static bx_status validate(bx_ctx *ctx, const bx_schema *schema,
                          const void *record, const bx_location *where)
{
    bx_location at = {0};
    if (where != NULL)
        at = *where;
    for (size_t i = 0; i < schema->nfields; i++) {
        const bx_field *f = &schema->fields[i];
        bool outer = schema == &box_schema && (f->has_bit == BX_BOX_HAS_OUTER ||
                                               f->has_bit == BX_BOX_HAS_MIN);
        if (!outer && !bxi_field_present(f, record))
            continue;
        const void *p = field_cptr(f, record);
        switch (f->type) {
        case BX_FT_ID: {
            const char *s = p;
            size_t len = strnlen(s, BX_ID_MAX);
            const char *why = len == BX_ID_MAX ? "is not NUL-terminated"
                                               : bxi_id_problem(s, len);
            if (why != NULL) {
                at.field = f->name;
                return bxi_input_error(ctx, BX_EINPUT, &at, "identifier %s", why);
            }
            break;
        }
        case BX_FT_I32:
        case BX_FT_I64: {
            int64_t v = f->type == BX_FT_I32 ? *(const int32_t *)p
                                             : *(const int64_t *)p;
            if (outer && v == 0)
                break; /* absent outer dimension */
            if (v < f->min || v > f->max) {
                at.field = f->name;
                return bxi_input_error(ctx, BX_EINPUT, &at,
                                      "%lld is out of range %lld..%lld",
                                      (long long)v, (long long)f->min,
                                      (long long)f->max);
            }
            break;
        }
        case BX_FT_F64: {
            double v = *(const double *)p;
            if (!isfinite(v) || v < (double)f->min || v > (double)f->max) {
                at.field = f->name;
                return bxi_input_error(ctx, BX_EINPUT, &at, "%g is out of range", v);
            }
            break;
        }
        case BX_FT_ROTATION:
            if ((unsigned)*(const bx_rotation *)p > BX_ROTATE_FIXED) {
                at.field = f->name;
                return bxi_input_error(ctx, BX_EINPUT, &at, "unknown rotation");
            }
            break;
        case BX_FT_BOOL:
        case BX_FT_CELL:
            break;
        }
    }
    /* The cross-field rules may normalise presence bits: run them on a copy
     * so the caller's const record is left alone. */
    union {
        bx_box box;
        bx_order_line line;
    } copy;
    memcpy(&copy, record, schema->record_size);
    at.field = NULL;
    return schema->check(ctx, &copy, &at);
}

bx_status bx_box_validate(bx_ctx *ctx, const bx_box *box,
                          const bx_location *where)
{
    if (box == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_box_validate: box is NULL");
    if (box->stock != BX_STOCK_UNLIMITED && box->stock < 0)
        return rule(ctx, where, "stock", "stock must be >= 0 or unlimited");
    bx_box copy = *box;
    if (copy.stock == BX_STOCK_UNLIMITED)
        copy.has &= ~BX_BOX_HAS_STOCK;
    return validate(ctx, &box_schema, &copy, where);
}

bx_status bx_order_line_validate(bx_ctx *ctx, const bx_order_line *line,
                                 const bx_location *where)
{
    if (line == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_order_line_validate: line is NULL");
    return validate(ctx, &line_schema, line, where);
}

bx_status bx_item_validate(bx_ctx *ctx, const bx_item *item, const bx_location *where)
{
    if (item == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_item_validate: item is NULL");
    return validate(ctx, &item_schema, item, where);
}

/* ---- values for writers ------------------------------------------------------ */

bx_value bxi_field_get(const bx_field *f, const void *record)
{
    bx_value v = {f->type, 0, 0.0, false, NULL};
    const void *p = field_cptr(f, record);
    switch (f->type) {
    case BX_FT_ID: v.s = p; break;
    case BX_FT_ROTATION: v.s = bx_rotation_name(*(const bx_rotation *)p); break;
    case BX_FT_I32: v.i = *(const int32_t *)p; break;
    case BX_FT_I64: v.i = *(const int64_t *)p; break;
    case BX_FT_F64: v.d = *(const double *)p; break;
    case BX_FT_BOOL: v.b = *(const bool *)p; break;
    case BX_FT_CELL: break; /* rows are not written through the schema */
    }
    return v;
}

size_t bxi_value_to_text(const bx_value *v, char *buf, size_t size)
{
    int n = 0;
    switch (v->type) {
    case BX_FT_ID:
    case BX_FT_ROTATION:
        n = snprintf(buf, size, "%s", v->s);
        break;
    case BX_FT_I32:
    case BX_FT_I64:
        n = snprintf(buf, size, "%lld", (long long)v->i);
        break;
    case BX_FT_BOOL:
        n = snprintf(buf, size, "%d", v->b ? 1 : 0);
        break;
    case BX_FT_CELL:
        break;
    case BX_FT_F64:
        /* Whole numbers print plainly ("100", not "1e+02"); others as the
         * shortest %.Ng that reads back as the same double. */
        if (v->d == floor(v->d) && fabs(v->d) < 1e15) {
            n = snprintf(buf, size, "%.0f", v->d);
            break;
        }
        for (int prec = 1; prec <= 17; prec++) {
            n = snprintf(buf, size, "%.*g", prec, v->d);
            if (n > 0 && (size_t)n < size) {
                double back;
                const char *why;
                if (bxi_parse_double(buf, (size_t)n, &back, &why) && back == v->d)
                    break;
            }
        }
        break;
    }
    if (v->type == BX_FT_F64 && n > 0) {
        /* snprintf writes the locale's radix character; files want '.'. */
        char radix = bxi_locale_radix();
        char *p = radix != '.' ? memchr(buf, radix, (size_t)n < size ? (size_t)n : size) : NULL;
        if (p != NULL)
            *p = '.';
    }
    return n < 0 ? 0 : (size_t)n;
}
