/*
 * report.c: report scripts: loading, sources and notes, parameters, the
 * build call, and rendering to the format asked for.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>

#include "report_internal.h"

#define TICK_ROWS 65536

/* ---- text and progress -------------------------------------------------------- */

size_t bxi_rp_keep(bx_report *r, const char *s, size_t n)
{
    if (r->text_len + n + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 4096;
        while (cap < r->text_len + n + 1)
            cap *= 2;
        char *t = bx_realloc(r->ctx, r->text, cap);
        if (t == NULL)
            return SIZE_MAX;
        r->text = t;
        r->text_cap = cap;
    }
    memcpy(r->text + r->text_len, s, n);
    r->text[r->text_len + n] = '\0';
    size_t off = r->text_len;
    r->text_len += n + 1;
    return off;
}

void bxi_rp_tick(bx_report *r, uint64_t rows)
{
    r->rows += rows;
    if (r->progress != NULL && r->rows >= r->next_tick) {
        r->progress(r->progress_ud, r->rows);
        r->next_tick = r->rows + TICK_ROWS;
    }
}

void bxi_rp_number_text(double v, char *buf, size_t size)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, size, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    for (char *c = buf; *c != '\0'; c++)
        if (*c == ',')
            *c = '.';
}

bool bxi_rp_total_value(const bx_report *r, const rp_table *t, uint32_t c, rp_cell *out)
{
    const rp_column *col = &t->cols[c];
    out->kind = RP_EMPTY;
    out->num = 0;
    out->text = SIZE_MAX;
    if (col->total == RP_TOTAL_NONE)
        return false;
    if (col->total == RP_TOTAL_LABEL) {
        out->kind = RP_TEXT;
        out->text = col->total_label;
        return true;
    }
    if (col->total == RP_TOTAL_VALUE) {
        out->kind = RP_NUMBER;
        out->num = col->total_value;
        return true;
    }
    /* Neumaier's compensated sum: decimal figures (kg from exact mg) add
     * up to the double nearest their true sum, not one a few ulps off */
    double sum = 0, comp = 0, min = INFINITY, max = -INFINITY;
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->nrows; i++) {
        const rp_cell *cell = &t->cells[(size_t)i * t->ncols + c];
        if (cell->kind != RP_NUMBER)
            continue;
        double x = cell->num, s = sum + x;
        comp += fabs(sum) >= fabs(x) ? (sum - s) + x : (x - s) + sum;
        sum = s;
        min = cell->num < min ? cell->num : min;
        max = cell->num > max ? cell->num : max;
        n++;
    }
    (void)r;
    sum += comp;
    out->kind = RP_NUMBER;
    switch (col->total) {
    case RP_TOTAL_SUM: out->num = sum; break;
    case RP_TOTAL_COUNT: out->num = n; break;
    case RP_TOTAL_MEAN: out->num = n ? sum / n : 0; out->kind = n ? RP_NUMBER : RP_EMPTY; break;
    case RP_TOTAL_MIN: out->num = min; out->kind = n ? RP_NUMBER : RP_EMPTY; break;
    default: out->num = max; out->kind = n ? RP_NUMBER : RP_EMPTY; break;
    }
    return true;
}

/* ---- loading ------------------------------------------------------------------ */

static int read_module(lua_State *L)
{
    bx_report *r = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bxi_script_module_ref(r->script));
    int m = lua_gettop(L);
    if (lua_getfield(L, m, "build") != LUA_TFUNCTION)
        return bxi_script_fail(L, BX_EINPUT, "a report's module needs a function build(data, "
                              "book), not %s", bxi_script_typename(L, -1));
    r->build_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    int t = lua_getfield(L, m, "name");
    if (t == LUA_TSTRING)
        snprintf(r->name, sizeof r->name, "%s", lua_tostring(L, -1));
    else if (t != LUA_TNIL)
        return bxi_script_fail(L, BX_EINPUT, "the module's 'name' must be a string");
    lua_pop(L, 1);
    t = lua_getfield(L, m, "params");
    if (t != LUA_TNIL && t != LUA_TTABLE)
        return bxi_script_fail(L, BX_EINPUT, "the module's 'params' must be a table");
    return 0;
}

static bx_status report_new(bx_ctx *ctx, bx_report **out, bx_script *s)
{
    bx_report *r = bx_alloc(ctx, sizeof *r);
    if (r == NULL) {
        bx_script_free(s);
        return BX_ENOMEM;
    }
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->script = s;
    r->L = bxi_script_lua(s);
    r->build_ref = LUA_NOREF;
    r->title = SIZE_MAX;
    snprintf(r->name, sizeof r->name, "%s", bx_script_name(s));
    bx_status st = bxi_script_protected(s, read_module, r, "loading the report");
    if (st != BX_OK) {
        bx_report_free(r);
        return st;
    }
    *out = r;
    return BX_OK;
}

bx_status bx_report_load_buffer(bx_ctx *ctx, bx_report **out, const char *name,
                                const char *text, size_t len, const bx_script_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_report_load: bad argument");
    *out = NULL;
    bx_script_limits l = limits ? *limits : bx_report_limits_default();
    bx_script *s = NULL;
    bx_status st = bx_script_load_buffer(ctx, &s, name, text, len, &l);
    return st == BX_OK ? report_new(ctx, out, s) : st;
}

bx_status bx_report_load(bx_ctx *ctx, bx_report **out, const char *path,
                         const bx_script_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_report_load: bad argument");
    *out = NULL;
    bx_script_limits l = limits ? *limits : bx_report_limits_default();
    bx_script *s = NULL;
    bx_status st = bx_script_load_file(ctx, &s, path, &l);
    return st == BX_OK ? report_new(ctx, out, s) : st;
}

void bx_report_free(bx_report *r)
{
    if (r == NULL)
        return;
    bxi_rp_model_reset(r);
    for (size_t i = 0; i < r->nsources; i++)
        bxi_rp_source_free(r, r->sources[i]);
    bx_free(r->ctx, r->sources);
    for (size_t i = 0; i < r->nnotes; i++)
        bx_free(r->ctx, r->notes[i]);
    bx_free(r->ctx, r->notes);
    bx_free(r->ctx, r->text);
    bx_script_free(r->script);
    bx_free(r->ctx, r);
}

const char *bx_report_name(const bx_report *r)
{
    return r == NULL ? "" : r->name;
}

uint64_t bx_report_rows(const bx_report *r)
{
    return r == NULL ? 0 : r->rows;
}

static bool lua_identifier(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

bx_status bx_report_add_source(bx_report *r, const char *name, const char *path,
                               const char *const *numeric)
{
    if (r == NULL)
        return BX_EINVAL;
    if (name == NULL || path == NULL || !lua_identifier(name) || strcmp(name, "notes") == 0)
        return bxi_error(r->ctx, BX_EINVAL, "bx_report_add_source: a source needs a name that "
                        "is a Lua identifier (not 'notes') and a path");
    for (size_t i = 0; i < r->nsources; i++)
        if (strcmp(r->sources[i]->name, name) == 0)
            return bxi_error(r->ctx, BX_EINVAL, "bx_report_add_source: '%s' twice", name);
    rp_source **v = bx_realloc(r->ctx, r->sources, (r->nsources + 1) * sizeof *v);
    if (v == NULL)
        return BX_ENOMEM;
    r->sources = v;
    rp_source *s = NULL;
    bx_status st = bxi_rp_source_new(r, name, path, numeric, &s);
    if (st != BX_OK)
        return st;
    r->sources[r->nsources++] = s;
    return BX_OK;
}

bx_status bx_report_add_note(bx_report *r, const char *text)
{
    if (r == NULL)
        return BX_EINVAL;
    if (text == NULL)
        return bxi_error(r->ctx, BX_EINVAL, "bx_report_add_note: no text");
    char **v = bx_realloc(r->ctx, r->notes, (r->nnotes + 1) * sizeof *v);
    if (v == NULL)
        return BX_ENOMEM;
    r->notes = v;
    if ((r->notes[r->nnotes] = bxi_strdup(r->ctx, text)) == NULL)
        return BX_ENOMEM;
    r->nnotes++;
    return BX_OK;
}

/* ---- parameters ----------------------------------------------------------------- */

typedef struct param_args {
    bx_report *r;
    const char *key, *value;
} param_args;

static int set_param(lua_State *L)
{
    param_args *a = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bxi_script_module_ref(a->r->script));
    if (lua_getfield(L, -1, "params") != LUA_TTABLE)
        return bxi_script_fail(L, BX_ENOTFOUND, "the report has no params");
    if (bxi_script_param_from_text(L, a->key, a->value) == 0) {
        int t = lua_getfield(L, -1, a->key);
        return bxi_script_fail(L, t == LUA_TNIL ? BX_ENOTFOUND : BX_EINPUT,
                              "the report has no parameter '%s' it can set from text", a->key);
    }
    lua_setfield(L, -2, a->key);
    return 0;
}

bx_status bx_report_set_param(bx_report *r, const char *key, const char *value)
{
    if (r == NULL)
        return BX_EINVAL;
    if (key == NULL || value == NULL)
        return bxi_error(r->ctx, BX_EINVAL, "bx_report_set_param: bad argument");
    param_args a = {r, key, value};
    return bxi_script_protected(r->script, set_param, &a, NULL);
}

/* ---- build and render ------------------------------------------------------------- */

static int run_build(lua_State *L)
{
    bx_report *r = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->build_ref);
    lua_createtable(L, 0, (int)r->nsources + 1);
    for (size_t i = 0; i < r->nsources; i++) {
        bxi_rp_source_push(L, r, r->sources[i]);
        lua_setfield(L, -2, r->sources[i]->name);
    }
    lua_createtable(L, (int)r->nnotes, 0);
    for (size_t i = 0; i < r->nnotes; i++) {
        lua_pushstring(L, r->notes[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "notes");
    bxi_rp_book_push(L, r);
    lua_call(L, 2, 0);
    if (r->nsheets == 0)
        return bxi_script_fail(L, BX_EINPUT, "build made no sheet (book:sheet or book:detail)");
    return 0;
}

bx_status bx_report_render(bx_report *r, bx_report_format format, const char *path,
                           const bx_report_options *options)
{
    if (r == NULL)
        return BX_EINVAL;
    if (path == NULL || path[0] == '\0' || (unsigned)format > BX_REPORT_CBOR)
        return bxi_error(r->ctx, BX_EINVAL, "bx_report_render: bad argument");
    bx_report_options o = {0, NULL, NULL, 0};
    if (options != NULL)
        o = *options;
    if (o.created < 0 || o.created > BX_REPORT_CREATED_MAX)
        return bxi_error(r->ctx, BX_EINVAL,
                         "bx_report_render: options.created %lld is not a time from 1970 to "
                         "9999-12-31T23:59:59Z (0..%lld seconds)",
                         (long long)o.created, (long long)BX_REPORT_CREATED_MAX);
    bxi_rp_model_reset(r);
    r->rows = 0;
    r->next_tick = TICK_ROWS;
    r->progress = o.progress;
    r->progress_ud = o.progress_ud;
    r->max_sheet_rows = o.max_sheet_rows >= 2 && o.max_sheet_rows < RP_MAX_ROWS ? o.max_sheet_rows
                                                                              : RP_MAX_ROWS;
    /* each render sees the globals as the script left them when it loaded */
    bx_status st = bxi_script_reset_globals(r->script);
    if (st == BX_OK)
        st = bxi_script_protected(r->script, run_build, r, "build");
    for (size_t i = 0; i < r->nsources; i++)
        bxi_rp_source_close(r->sources[i]);
    if (st == BX_OK) {
        switch (format) {
        case BX_REPORT_XLSX: st = bxi_rp_render_xlsx(r, path, o.created ? o.created : time(NULL)); break;
        case BX_REPORT_CSV: st = bxi_rp_render_csv(r, path); break;
        default: st = bxi_rp_render_cbor(r, path); break;
        }
    }
    for (size_t i = 0; i < r->nsources; i++)
        bxi_rp_source_close(r->sources[i]);
    if (st == BX_OK && r->progress != NULL)
        r->progress(r->progress_ud, r->rows);
    return st;
}
