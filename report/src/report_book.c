/*
 * report_book.c: the builder a report script's build(data, book) gets,
 * and the model it fills. Each call checks its arguments before anything
 * is kept, so errors name the script line that made the mistake.
 *
 *   book:title(text)
 *   sheet = book:sheet(name)
 *   book:detail(name, source, columns [, {skip_empty = "column"}])
 *   sheet:heading(text), sheet:text(text)
 *   table = sheet:table{title = ..., columns = {{"Name", format = ..., total = ...,
 *                                                -- "sum", ..., {label = text},
 *                                                -- {value = number}
 *                                                width = ...}, ...}}
 *   table:row(cell, ...)           -- numbers, strings, nil
 *   sheet:chart{type = "column"|"bar"|"pie"|"line", table = table, title = ...,
 *               categories = col, values = {col, ...}, x_title = ..., y_title = ...}
 *   sheet:page{landscape = bool, fit_width = pages, repeat_rows = n,
 *              print_area = bool, paper = "A4"|"A3"|"letter"}
 *
 * book:detail returns a handle whose one method is page.
 */
#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "report_internal.h"

#define MT_BOOK "boxcar.book"
#define MT_SHEET "boxcar.sheet"
#define MT_TABLE "boxcar.table"
#define MT_DETAIL "boxcar.detail"

typedef struct handle {
    bx_report *r;
    uint32_t sheet, block;
} handle;

/* ---- memory ------------------------------------------------------------------ */

static void oom(lua_State *L)
{
    bxi_script_fail(L, BX_ENOMEM, "out of memory");
}

/* Keep a Lua string argument (checked: UTF-8, at most a cell's length). */
static size_t keep_arg(lua_State *L, bx_report *r, int idx, const char *what)
{
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    if (s == NULL)
        bxi_script_fail(L, BX_EINPUT, "%s must be a string, not %s", what,
                       bxi_script_typename(L, idx));
    if (n > RP_MAX_CELL_TEXT)
        bxi_script_fail(L, BX_EINPUT, "%s is %zu bytes; a cell holds at most %u characters",
                       what, n, RP_MAX_CELL_TEXT);
    if (!bxi_rp_valid_utf8(s, n))
        bxi_script_fail(L, BX_EINPUT, "%s is not UTF-8 text", what);
    size_t off = bxi_rp_keep(r, s, n);
    if (off == SIZE_MAX)
        oom(L);
    return off;
}

/* Optional string field of the table at idx. */
static size_t opt_field_text(lua_State *L, bx_report *r, int idx, const char *key,
                             const char *what)
{
    size_t off = SIZE_MAX;
    int t = lua_getfield(L, idx, key);
    if (t != LUA_TNIL) {
        if (t != LUA_TSTRING)
            bxi_script_fail(L, BX_EINPUT, "%s must be a string, not %s", what,
                           bxi_script_typename(L, -1));
        off = keep_arg(L, r, -1, what);
    }
    lua_pop(L, 1);
    return off;
}

static handle *check_handle(lua_State *L, int idx, const char *mt, const char *what)
{
    handle *h = luaL_testudata(L, idx, mt);
    if (h == NULL)
        bxi_script_fail(L, BX_EINPUT, "%s expected (call it with ':', as %s:...)", what, what);
    return h;
}

static void push_handle(lua_State *L, bx_report *r, uint32_t sheet, uint32_t block,
                        const char *mt)
{
    handle *h = lua_newuserdatauv(L, sizeof *h, 0);
    h->r = r;
    h->sheet = sheet;
    h->block = block;
    luaL_setmetatable(L, mt);
}

/* ---- book --------------------------------------------------------------------- */

static int book_title(lua_State *L)
{
    handle *h = check_handle(L, 1, MT_BOOK, "book");
    if (lua_type(L, 2) != LUA_TSTRING)
        return bxi_script_fail(L, BX_EINPUT, "book:title wants a string, not %s",
                              bxi_script_typename(L, 2));
    h->r->title = keep_arg(L, h->r, 2, "the title");
    return 0;
}

/* A new sheet named by argument 2, its name checked as Excel would. */
static uint32_t new_sheet(lua_State *L, bx_report *r, bool detail)
{
    if (lua_type(L, 2) != LUA_TSTRING)
        bxi_script_fail(L, BX_EINPUT, "a sheet's name must be a string, not %s",
                       bxi_script_typename(L, 2));
    const char *name = lua_tostring(L, 2);
    const char *why = bx_report_sheet_name_problem(name);
    if (why != NULL)
        bxi_script_fail(L, BX_EINPUT, "sheet name '%s' %s", name, why);
    for (uint32_t i = 0; i < r->nsheets; i++)
        if (bxi_rp_names_equal(rp_text(r, r->sheets[i].name), name))
            bxi_script_fail(L, BX_EINPUT, "sheet name '%s' is already used by sheet %u ('%s'); "
                           "Excel ignores case in sheet names", name, i + 1,
                           rp_text(r, r->sheets[i].name));
    if (r->nsheets == RP_MAX_SHEETS)
        bxi_script_fail(L, BX_ELIMIT, "a report has at most %u sheets; sheet '%s' would be "
                       "one more", RP_MAX_SHEETS, name);
    if (bxi_grow32(r->ctx, (void **)&r->sheets, &r->sheets_cap, r->nsheets + 1, sizeof *r->sheets,
                   RP_MAX_SHEETS, "sheets") != BX_OK)
        oom(L);
    size_t off = keep_arg(L, r, 2, "the sheet's name");
    rp_sheet *s = &r->sheets[r->nsheets];
    memset(s, 0, sizeof *s);
    s->name = off;
    s->detail = detail;
    s->skip_empty = -1;
    return r->nsheets++;
}

static int book_sheet(lua_State *L)
{
    handle *h = check_handle(L, 1, MT_BOOK, "book");
    uint32_t i = new_sheet(L, h->r, false);
    push_handle(L, h->r, i, 0, MT_SHEET);
    return 1;
}

static rp_total total_of(lua_State *L, const char *s)
{
    static const char *const names[] = {"sum", "mean", "min", "max", "count"};
    static const rp_total kinds[] = {RP_TOTAL_SUM, RP_TOTAL_MEAN, RP_TOTAL_MIN, RP_TOTAL_MAX,
                                     RP_TOTAL_COUNT};
    for (size_t i = 0; i < BX_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i]) == 0)
            return kinds[i];
    bxi_script_fail(L, BX_EINPUT, "total '%s': want sum, mean, min, max, count or "
                   "{label = 'text'}", s);
    return RP_TOTAL_NONE;
}

/* The columns list at idx into cols[0..n); detail columns need a field. */
static rp_column *read_columns(lua_State *L, bx_report *r, int idx, uint32_t *n,
                               rp_source *src)
{
    if (!lua_istable(L, idx))
        bxi_script_fail(L, BX_EINPUT, "columns must be a list of tables, not %s",
                       bxi_script_typename(L, idx));
    lua_Integer count = (lua_Integer)lua_rawlen(L, idx);
    if (count < 1 || count > 256)
        bxi_script_fail(L, BX_EINPUT, "a table has 1 to 256 columns, not %lld", (long long)count);
    rp_column *cols = bx_alloc(r->ctx, (size_t)count * sizeof *cols);
    if (cols == NULL)
        oom(L);
    /* Until the caller attaches them, the report holds them: an error
     * raised below leaves them to bxi_rp_model_reset. */
    r->pending_cols = cols;
    *n = 0;
    for (lua_Integer i = 1; i <= count; i++) {
        char what[64];
        snprintf(what, sizeof what, "column %lld", (long long)i);
        if (lua_rawgeti(L, idx, i) != LUA_TTABLE) {
            bxi_script_fail(L, BX_EINPUT, "%s must be a table such as {\"Name\", format = "
                           "\"0.0\"}, not %s", what, bxi_script_typename(L, -1));
        }
        int c = lua_gettop(L);
        rp_column *col = &cols[i - 1];
        memset(col, 0, sizeof *col);
        col->name = col->format = col->field = col->total_label = SIZE_MAX;
        col->source_col = -1;
        if (lua_rawgeti(L, c, 1) != LUA_TSTRING) {
            bxi_script_fail(L, BX_EINPUT, "%s: its first item must be the column's name", what);
        }
        col->name = keep_arg(L, r, -1, "a column's name");
        lua_pop(L, 1);
        col->format = opt_field_text(L, r, c, "format", "format");
        if (lua_getfield(L, c, "width") != LUA_TNIL) {
            double w = lua_tonumber(L, -1);
            if (lua_type(L, -1) != LUA_TNUMBER || !(w > 0 && w <= 255)) {
                    bxi_script_fail(L, BX_EINPUT, "%s: width is 1 to 255 characters", what);
            }
            col->width = w;
        }
        lua_pop(L, 1);
        int t = lua_getfield(L, c, "total");
        if (t == LUA_TSTRING) {
            col->total = total_of(L, lua_tostring(L, -1));
        } else if (t == LUA_TTABLE) {
            int tt = lua_gettop(L);
            if (lua_getfield(L, tt, "value") != LUA_TNIL) {
                /* a total the script knows exactly (e.g. from a totals
                 * file), where summing rounded figures could drift */
                col->total = RP_TOTAL_VALUE;
                col->total_value = lua_tonumber(L, -1);
                if (lua_type(L, -1) != LUA_TNUMBER || !isfinite(col->total_value))
                    bxi_script_fail(L, BX_EINPUT, "%s: total = {value = <a number>}", what);
                lua_pop(L, 1);
            } else {
                lua_pop(L, 1);
                col->total = RP_TOTAL_LABEL;
                col->total_label = opt_field_text(L, r, tt, "label", "total's label");
                if (col->total_label == SIZE_MAX)
                    bxi_script_fail(L, BX_EINPUT, "%s: total = {label = \"text\"} or "
                                   "{value = number}", what);
            }
        } else if (t != LUA_TNIL) {
            bxi_script_fail(L, BX_EINPUT, "%s: total must be a string, {label = ...} or "
                           "{value = ...}", what);
        }
        lua_pop(L, 1);
        if (src != NULL) {
            size_t f = opt_field_text(L, r, c, "field", "field");
            if (f == SIZE_MAX) {
                    bxi_script_fail(L, BX_EINPUT, "%s of a detail sheet needs field = \"<column of "
                               "%s>\"", what, src->name);
            }
            col->field = f;
            col->source_col = bxi_rp_source_column(src, rp_text(r, f));
            if (col->source_col < 0) {
                    bxi_script_fail(L, BX_EINPUT, "%s: '%s' has no column '%s'", what, src->name,
                               rp_text(r, f));
            }
            col->numeric = src->numeric[col->source_col];
            if (col->total != RP_TOTAL_NONE) {
                    bxi_script_fail(L, BX_EINPUT, "%s: a detail sheet has no totals", what);
            }
        }
        lua_pop(L, 1);
        (*n)++;
    }
    return cols;
}

static rp_source *source_arg(lua_State *L, bx_report *r, int idx)
{
    const char *name = NULL;
    if (lua_type(L, idx) == LUA_TSTRING) {
        name = lua_tostring(L, idx);
    } else if (lua_istable(L, idx)) {
        lua_getfield(L, idx, "name");
        name = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    for (size_t i = 0; name != NULL && i < r->nsources; i++)
        if (strcmp(r->sources[i]->name, name) == 0)
            return r->sources[i];
    bxi_script_fail(L, BX_EINPUT, "book:detail: argument 2 must be a source (data.<name>) or "
                   "its name; '%s' is none", name ? name : bxi_script_typename(L, idx));
    return NULL;
}

static int book_detail(lua_State *L)
{
    handle *h = check_handle(L, 1, MT_BOOK, "book");
    bx_report *r = h->r;
    rp_source *src = source_arg(L, r, 3);
    uint32_t i = new_sheet(L, r, true);
    rp_sheet *s = &r->sheets[i];
    s->source = src;
    uint32_t n = 0;
    rp_column *cols = read_columns(L, r, 4, &n, src);
    s = &r->sheets[i];
    s->cols = cols;
    s->ncols = n;
    r->pending_cols = NULL;
    if (!lua_isnoneornil(L, 5)) {
        if (!lua_istable(L, 5))
            return bxi_script_fail(L, BX_EINPUT, "book:detail: options must be a table");
        if (lua_getfield(L, 5, "skip_empty") != LUA_TNIL) {
            const char *f = lua_tostring(L, -1);
            int c = f ? bxi_rp_source_column(src, f) : -1;
            if (c < 0)
                return bxi_script_fail(L, BX_EINPUT, "skip_empty: '%s' has no column '%s'",
                                      src->name, f ? f : "?");
            s->skip_empty = c;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 5, "max_rows") != LUA_TNIL) {
            int isint = 0;
            lua_Integer m = lua_tointegerx(L, -1, &isint);
            if (!isint || m < 1)
                return bxi_script_fail(L, BX_EINPUT, "book:detail: max_rows is a whole number "
                                      ">= 1 (the rows written at most)");
            s->max_rows = (uint64_t)m;
        }
        lua_pop(L, 1);
    }
    push_handle(L, r, i, 0, MT_DETAIL);
    return 1;
}

/* ---- sheets -------------------------------------------------------------------- */

static rp_sheet *summary_sheet(handle *h)
{
    return &h->r->sheets[h->sheet];
}

static rp_block *new_block(lua_State *L, bx_report *r, rp_sheet *s)
{
    if (bxi_grow32(r->ctx, (void **)&s->blocks, &s->blocks_cap, s->nblocks + 1, sizeof *s->blocks,
                   UINT32_MAX, "blocks on a sheet") != BX_OK)
        oom(L);
    rp_block *b = &s->blocks[s->nblocks++];
    memset(b, 0, sizeof *b);
    b->text = SIZE_MAX;
    b->table.title = SIZE_MAX;
    return b;
}

static int sheet_text_common(lua_State *L, bool heading)
{
    handle *h = check_handle(L, 1, MT_SHEET, "sheet");
    if (lua_type(L, 2) != LUA_TSTRING && lua_type(L, 2) != LUA_TNUMBER)
        return bxi_script_fail(L, BX_EINPUT, "sheet:%s wants a string, not %s",
                              heading ? "heading" : "text", bxi_script_typename(L, 2));
    size_t off = keep_arg(L, h->r, 2, "the text");
    rp_block *b = new_block(L, h->r, summary_sheet(h));
    b->kind = RP_BLOCK_TEXT;
    b->text = off;
    b->heading = heading;
    return 0;
}

static int sheet_text(lua_State *L)
{
    return sheet_text_common(L, false);
}

static int sheet_heading(lua_State *L)
{
    return sheet_text_common(L, true);
}

static int sheet_table(lua_State *L)
{
    handle *h = check_handle(L, 1, MT_SHEET, "sheet");
    bx_report *r = h->r;
    if (!lua_istable(L, 2))
        return bxi_script_fail(L, BX_EINPUT, "sheet:table wants a table {title = ..., columns = "
                              "{...}}, not %s", bxi_script_typename(L, 2));
    size_t title = opt_field_text(L, r, 2, "title", "title");
    lua_getfield(L, 2, "columns");
    uint32_t n = 0;
    rp_column *cols = read_columns(L, r, lua_gettop(L), &n, NULL);
    rp_sheet *s = summary_sheet(h);
    rp_block *b = new_block(L, r, s);
    b->kind = RP_BLOCK_TABLE;
    b->table.title = title;
    b->table.cols = cols;
    b->table.ncols = n;
    r->pending_cols = NULL;
    for (uint32_t c = 0; c < n; c++)
        b->table.totals |= cols[c].total != RP_TOTAL_NONE;
    push_handle(L, r, h->sheet, s->nblocks - 1, MT_TABLE);
    return 1;
}

static int chart_type_of(const char *s)
{
    static const char *const names[] = {"column", "bar", "pie", "line"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* A column number of table t, from field `key` of the table at idx. */
static uint32_t column_arg(lua_State *L, int idx, const rp_table *t, const char *what)
{
    int isint = 0;
    lua_Integer c = lua_tointegerx(L, idx, &isint);
    if (!isint || c < 1 || c > (lua_Integer)t->ncols)
        bxi_script_fail(L, BX_EINPUT, "%s must be a column number of the table (1..%u)", what,
                       t->ncols);
    return (uint32_t)c - 1;
}

static int sheet_chart(lua_State *L)
{
    handle *h = check_handle(L, 1, MT_SHEET, "sheet");
    bx_report *r = h->r;
    if (!lua_istable(L, 2))
        return bxi_script_fail(L, BX_EINPUT, "sheet:chart wants a table, not %s",
                              bxi_script_typename(L, 2));
    rp_chart ch;
    memset(&ch, 0, sizeof ch);
    lua_getfield(L, 2, "type");
    int type = lua_type(L, -1) == LUA_TSTRING ? chart_type_of(lua_tostring(L, -1)) : -1;
    if (type < 0)
        return bxi_script_fail(L, BX_EINPUT, "a chart's type is column, bar, pie or line");
    lua_pop(L, 1);
    ch.type = (rp_chart_type)type;
    lua_getfield(L, 2, "table");
    handle *th = luaL_testudata(L, -1, MT_TABLE);
    if (th == NULL || th->sheet != h->sheet)
        return bxi_script_fail(L, BX_EINPUT, "a chart's table must be a table of the same sheet "
                              "(what sheet:table returned)");
    lua_pop(L, 1);
    ch.table = th->block;
    const rp_table *t = &r->sheets[h->sheet].blocks[th->block].table;
    lua_getfield(L, 2, "categories");
    ch.categories = lua_isnil(L, -1) ? 0 : column_arg(L, -1, t, "categories");
    lua_pop(L, 1);
    lua_getfield(L, 2, "values");
    if (lua_isinteger(L, -1)) {
        ch.values[0] = column_arg(L, -1, t, "values");
        ch.nvalues = 1;
    } else if (lua_istable(L, -1)) {
        int v = lua_gettop(L);
        lua_Integer n = (lua_Integer)lua_rawlen(L, v);
        if (n < 1 || n > (lua_Integer)BX_ARRAY_LEN(ch.values))
            return bxi_script_fail(L, BX_EINPUT, "values: 1 to %zu columns",
                                  BX_ARRAY_LEN(ch.values));
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, v, i);
            ch.values[ch.nvalues++] = column_arg(L, -1, t, "each of values");
            lua_pop(L, 1);
        }
    } else {
        return bxi_script_fail(L, BX_EINPUT, "values must be a column number or a list of them");
    }
    lua_pop(L, 1);
    if (ch.type == RP_CHART_PIE && ch.nvalues != 1)
        return bxi_script_fail(L, BX_EINPUT, "a pie chart has one series (one values column)");
    ch.title = opt_field_text(L, r, 2, "title", "title");
    ch.x_title = opt_field_text(L, r, 2, "x_title", "x_title");
    ch.y_title = opt_field_text(L, r, 2, "y_title", "y_title");
    rp_sheet *s = &r->sheets[h->sheet];
    if (bxi_grow32(r->ctx, (void **)&s->charts, &s->charts_cap, s->ncharts + 1, sizeof *s->charts,
                   UINT32_MAX, "charts on a sheet") != BX_OK)
        oom(L);
    s->charts[s->ncharts++] = ch;
    return 0;
}

/* sheet:page{...} and detail:page{...}: how the sheet prints. */
static int sheet_page(lua_State *L)
{
    handle *h = luaL_testudata(L, 1, MT_SHEET);
    if (h == NULL)
        h = luaL_testudata(L, 1, MT_DETAIL);
    if (h == NULL)
        return bxi_script_fail(L, BX_EINPUT, "sheet expected (call it with ':', as "
                              "sheet:page{...})");
    if (!lua_istable(L, 2))
        return bxi_script_fail(L, BX_EINPUT, "sheet:page wants a table {landscape = ..., "
                              "fit_width = ..., repeat_rows = ..., print_area = ..., paper = "
                              "...}, not %s", bxi_script_typename(L, 2));
    rp_page pg;
    memset(&pg, 0, sizeof pg);
    /* every key must be one of these: a misspelt key would be ignored */
    static const char *const keys[] = {"landscape", "fit_width", "repeat_rows", "print_area",
                                       "paper"};
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
        bool known = false;
        for (size_t k = 0; k < BX_ARRAY_LEN(keys) && lua_type(L, -2) == LUA_TSTRING; k++)
            known |= strcmp(lua_tostring(L, -2), keys[k]) == 0;
        if (!known)
            return bxi_script_fail(L, BX_EINPUT, "sheet:page: unknown key '%s' (landscape, "
                                  "fit_width, repeat_rows, print_area, paper)",
                                  lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
        lua_pop(L, 1);
    }
    int t = lua_getfield(L, 2, "landscape");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        return bxi_script_fail(L, BX_EINPUT, "sheet:page: landscape is true or false");
    pg.landscape = lua_toboolean(L, -1);
    lua_pop(L, 1);
    t = lua_getfield(L, 2, "print_area");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        return bxi_script_fail(L, BX_EINPUT, "sheet:page: print_area is true or false");
    pg.print_area = lua_toboolean(L, -1);
    lua_pop(L, 1);
    int isint = 0;
    if (lua_getfield(L, 2, "fit_width") != LUA_TNIL) {
        lua_Integer n = lua_tointegerx(L, -1, &isint);
        if (lua_isboolean(L, -1))
            n = lua_toboolean(L, -1), isint = 1;
        if (!isint || n < 0 || n > 100)
            return bxi_script_fail(L, BX_EINPUT, "sheet:page: fit_width is the pages across, "
                                  "0 to 100 (or true: 1)");
        pg.fit_width = (uint16_t)n;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 2, "repeat_rows") != LUA_TNIL) {
        lua_Integer n = lua_tointegerx(L, -1, &isint);
        if (!isint || n < 0 || n > 100)
            return bxi_script_fail(L, BX_EINPUT, "sheet:page: repeat_rows is the number of "
                                  "rows at the top repeated on every page, 0 to 100");
        pg.repeat_rows = (uint32_t)n;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 2, "paper") != LUA_TNIL) {
        static const char *const papers[] = {"A4", "A3", "letter"};
        static const rp_paper kinds[] = {RP_PAPER_A4, RP_PAPER_A3, RP_PAPER_LETTER};
        const char *p = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        for (size_t k = 0; k < BX_ARRAY_LEN(papers); k++)
            if (strcmp(p, papers[k]) == 0)
                pg.paper = kinds[k];
        if (pg.paper == RP_PAPER_DEFAULT)
            return bxi_script_fail(L, BX_EINPUT, "sheet:page: paper is \"A4\", \"A3\" or "
                                  "\"letter\"");
    }
    lua_pop(L, 1);
    h->r->sheets[h->sheet].page = pg;
    return 0;
}

/* ---- tables ---------------------------------------------------------------------- */

static int table_row(lua_State *L)
{
    handle *h = check_handle(L, 1, MT_TABLE, "table");
    bx_report *r = h->r;
    rp_table *t = &r->sheets[h->sheet].blocks[h->block].table;
    int n = lua_gettop(L) - 1;
    if (n > (int)t->ncols)
        return bxi_script_fail(L, BX_EINPUT, "a row of %d cells in a table of %u columns", n,
                              t->ncols);
    if (t->nrows + 1 >= RP_MAX_ROWS - 16 || r->summary_cells + t->ncols > RP_MAX_SUMMARY_CELLS)
        return bxi_script_fail(L, BX_ELIMIT, "summary tables hold at most %u cells in all: put "
                              "long lists on a detail sheet", RP_MAX_SUMMARY_CELLS);
    size_t need = ((size_t)t->nrows + 1) * t->ncols;
    if (need > t->cells_cap) {
        void *c = t->cells;
        bx_status st = bxi_grow(r->ctx, &c, &t->cells_cap, need, sizeof *t->cells, SIZE_MAX,
                                "table cells");
        t->cells = c;
        if (st != BX_OK)
            oom(L);
    }
    rp_cell *row = &t->cells[(size_t)t->nrows * t->ncols];
    for (uint32_t c = 0; c < t->ncols; c++) {
        rp_cell *cell = &row[c];
        cell->kind = RP_EMPTY;
        cell->num = 0;
        cell->text = SIZE_MAX;
        int idx = (int)c + 2;
        switch (lua_type(L, idx)) {
        case LUA_TNONE:
        case LUA_TNIL:
            break;
        case LUA_TNUMBER:
            cell->num = lua_tonumber(L, idx);
            if (!isfinite(cell->num))
                return bxi_script_fail(L, BX_EINPUT, "cell %u is %s: Excel has no such number",
                                      c + 1, lua_tostring(L, idx));
            cell->kind = RP_NUMBER;
            break;
        case LUA_TSTRING:
            cell->text = keep_arg(L, r, idx, "a cell");
            cell->kind = RP_TEXT;
            break;
        case LUA_TBOOLEAN:
            cell->text = bxi_rp_keep(r, lua_toboolean(L, idx) ? "yes" : "no",
                                 lua_toboolean(L, idx) ? 3 : 2);
            if (cell->text == SIZE_MAX)
                oom(L);
            cell->kind = RP_TEXT;
            break;
        default:
            return bxi_script_fail(L, BX_EINPUT, "cell %u is %s; a cell is a number, a string, "
                                  "a boolean or nil", c + 1, bxi_script_typename(L, idx));
        }
    }
    t->nrows++;
    r->summary_cells += t->ncols;
    return 0;
}

/* ---- setup --------------------------------------------------------------------------- */

static void new_meta(lua_State *L, const char *name, const luaL_Reg *methods)
{
    if (!luaL_newmetatable(L, name)) {
        lua_pop(L, 1);
        return;
    }
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

void bxi_rp_book_push(lua_State *L, bx_report *r)
{
    static const luaL_Reg book[] = {
        {"title", book_title}, {"sheet", book_sheet}, {"detail", book_detail}, {NULL, NULL}};
    static const luaL_Reg sheet[] = {{"text", sheet_text},
                                     {"heading", sheet_heading},
                                     {"table", sheet_table},
                                     {"chart", sheet_chart},
                                     {"page", sheet_page},
                                     {NULL, NULL}};
    static const luaL_Reg table[] = {{"row", table_row}, {NULL, NULL}};
    static const luaL_Reg detail[] = {{"page", sheet_page}, {NULL, NULL}};
    new_meta(L, MT_BOOK, book);
    new_meta(L, MT_SHEET, sheet);
    new_meta(L, MT_TABLE, table);
    new_meta(L, MT_DETAIL, detail);
    push_handle(L, r, 0, 0, MT_BOOK);
}

void bxi_rp_model_reset(bx_report *r)
{
    for (uint32_t i = 0; i < r->nsheets; i++) {
        rp_sheet *s = &r->sheets[i];
        for (uint32_t b = 0; b < s->nblocks; b++) {
            bx_free(r->ctx, s->blocks[b].table.cols);
            bx_free(r->ctx, s->blocks[b].table.cells);
        }
        bx_free(r->ctx, s->blocks);
        bx_free(r->ctx, s->charts);
        bx_free(r->ctx, s->cols);
    }
    bx_free(r->ctx, r->sheets);
    bx_free(r->ctx, r->pending_cols);
    r->pending_cols = NULL;
    r->sheets = NULL;
    r->nsheets = r->sheets_cap = 0;
    r->text_len = 0;
    r->title = SIZE_MAX;
    r->summary_cells = 0;
}
