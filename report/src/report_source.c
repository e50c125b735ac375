/*
 * report_source.c: the CSV files a report reads, and the Lua side of them:
 * data.<name>:rows() iterates a source with one reused row view whose
 * fields are looked up by column name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "report_internal.h"

#define MT_ROW "boxcar.row"

static char *dup_text(bx_ctx *ctx, const char *s)
{
    return bxi_strdup(ctx, s);
}

void bxi_rp_source_close(rp_source *s)
{
    if (s->csv != NULL)
        bx_csv_close(s->csv);
    if (s->fp != NULL)
        fclose(s->fp);
    s->csv = NULL;
    s->fp = NULL;
}

static bx_status open_reader(bx_report *r, rp_source *s)
{
    bxi_rp_source_close(s);
    FILE *fp = fopen(s->path, "rb");
    if (fp == NULL)
        return bxi_error(r->ctx, errno == ENOENT ? BX_ENOTFOUND : BX_EIO, "%s: %s", s->path,
                        strerror(errno));
    s->fp = fp;
    bx_csv_reader *csv = NULL;
    bx_status st = bx_csv_open_file(r->ctx, &csv, s->path, fp, NULL);
    s->csv = csv;
    if (st == BX_OK) {
        st = bx_csv_next(csv);
        if (st == BX_END)
            st = bxi_error(r->ctx, BX_EINPUT, "%s: empty: a header row is needed", s->path);
    }
    if (st != BX_OK)
        bxi_rp_source_close(s);
    return st;
}

bx_status bxi_rp_source_new(bx_report *r, const char *name, const char *path,
                        const char *const *numeric, rp_source **out)
{
    bx_ctx *ctx = r->ctx;
    rp_source *s = bx_alloc(ctx, sizeof *s);
    if (s == NULL)
        return BX_ENOMEM;
    memset(s, 0, sizeof *s);
    s->view_ref = s->index_ref = LUA_NOREF;
    s->name = dup_text(ctx, name);
    s->path = dup_text(ctx, path);
    bx_status st = s->name && s->path ? open_reader(r, s) : BX_ENOMEM;
    if (st == BX_OK) {
        s->ncols = bx_csv_nfields(s->csv);
        s->header = bx_alloc(ctx, s->ncols * sizeof *s->header);
        s->numeric = bx_alloc(ctx, s->ncols * sizeof *s->numeric);
        if (s->header != NULL)
            memset(s->header, 0, s->ncols * sizeof *s->header);
        if (s->header == NULL || s->numeric == NULL)
            st = BX_ENOMEM;
        for (size_t i = 0; st == BX_OK && i < s->ncols; i++) {
            s->header[i] = dup_text(ctx, bx_csv_field(s->csv, i, NULL));
            s->numeric[i] = false;
            if (s->header[i] == NULL)
                st = BX_ENOMEM;
        }
    }
    for (size_t k = 0; st == BX_OK && numeric != NULL && numeric[k] != NULL; k++) {
        int c = bxi_rp_source_column(s, numeric[k]);
        if (c < 0)
            st = bxi_error(ctx, BX_EINPUT, "%s:1: the header has no column '%s'", path,
                          numeric[k]);
        else
            s->numeric[c] = true;
    }
    bxi_rp_source_close(s);
    if (st != BX_OK) {
        bxi_rp_source_free(r, s);
        return st;
    }
    *out = s;
    return BX_OK;
}

void bxi_rp_source_free(bx_report *r, rp_source *s)
{
    if (s == NULL)
        return;
    bxi_rp_source_close(s);
    for (size_t i = 0; s->header != NULL && i < s->ncols; i++)
        bx_free(r->ctx, s->header[i]);
    bx_free(r->ctx, s->header);
    bx_free(r->ctx, s->numeric);
    bx_free(r->ctx, s->name);
    bx_free(r->ctx, s->path);
    bx_free(r->ctx, s);
}

bx_status bxi_rp_source_rewind(bx_report *r, rp_source *s)
{
    bx_status st = open_reader(r, s);
    if (st == BX_OK && bx_csv_nfields(s->csv) != s->ncols)
        st = bxi_error(r->ctx, BX_EINPUT, "%s:1: the header changed while the report ran",
                      s->path);
    s->rows_read = 0;
    return st;
}

bx_status bxi_rp_source_next(bx_report *r, rp_source *s)
{
    if (s->csv == NULL)
        return BX_END;
    bx_status st = bx_csv_next(s->csv);
    if (st == BX_OK && bx_csv_nfields(s->csv) != s->ncols)
        st = bxi_error(r->ctx, BX_EINPUT, "%s:%llu: a row of %zu fields; the header has %zu",
                      s->path, (unsigned long long)bx_csv_line(s->csv),
                      bx_csv_nfields(s->csv), s->ncols);
    if (st == BX_OK) {
        s->rows_read++;
        bxi_rp_tick(r, 1);
    } else {
        bxi_rp_source_close(s);
    }
    return st;
}

bx_status bxi_rp_source_number(bx_report *r, rp_source *s, int col, double *out)
{
    size_t len;
    const char *t = bx_csv_field(s->csv, (size_t)col, &len);
    if (t == NULL || len == 0)
        return BX_END;
    const char *why = NULL;
    if (bxi_parse_double(t, len, out, &why))
        return BX_OK;
    return bxi_error(r->ctx, BX_EINPUT, "%s:%llu:%d: field '%s': '%.40s' is not a number (%s)",
                    s->path, (unsigned long long)bx_csv_line(s->csv), col + 1,
                    s->header[col], t, why);
}

int bxi_rp_source_column(const rp_source *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (strcmp(s->header[i], name) == 0)
            return (int)i;
    return -1;
}

/* ---- Lua ------------------------------------------------------------------ */

/* row.<column>: upvalue 1 the source, 2 the name -> index table */
static int row_index(lua_State *L)
{
    rp_source *s = lua_touserdata(L, lua_upvalueindex(1));
    bx_report *r = *(bx_report **)lua_touserdata(L, 1);
    if (s->csv == NULL)
        return bxi_script_fail(L, BX_EINPUT, "a row of '%s' used after its loop ended", s->name);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNUMBER)
        return bxi_script_fail(L, BX_EINPUT, "'%s' has no column '%s'", s->name,
                              lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
    int col = (int)lua_tointeger(L, -1);
    if (s->numeric[col]) {
        double v;
        bx_status st = bxi_rp_source_number(r, s, col, &v);
        if (st == BX_END)
            lua_pushnil(L);
        else if (st == BX_OK)
            lua_pushnumber(L, v);
        else
            return bxi_script_fail(L, st, "%s", bx_ctx_errmsg(r->ctx));
        return 1;
    }
    size_t len;
    const char *t = bx_csv_field(s->csv, (size_t)col, &len);
    if (len == 0)
        lua_pushnil(L);
    else
        lua_pushlstring(L, t, len);
    bxi_script_charge(L, 1 + len / 16);
    return 1;
}

/* The iterator: upvalue 1 the source, 2 the row view. */
static int rows_next(lua_State *L)
{
    rp_source *s = lua_touserdata(L, lua_upvalueindex(1));
    bx_report *r = *(bx_report **)lua_touserdata(L, lua_upvalueindex(2));
    bx_status st = bxi_rp_source_next(r, s);
    if (st == BX_END) {
        lua_pushnil(L);
        return 1;
    }
    if (st != BX_OK)
        return bxi_script_fail(L, st, "%s", bx_ctx_errmsg(r->ctx));
    bxi_script_charge(L, 4);
    lua_pushvalue(L, lua_upvalueindex(2));
    return 1;
}

/* source:rows(): upvalue 1 the source, 2 the row view */
static int rows(lua_State *L)
{
    rp_source *s = lua_touserdata(L, lua_upvalueindex(1));
    bx_report *r = *(bx_report **)lua_touserdata(L, lua_upvalueindex(2));
    bx_status st = bxi_rp_source_rewind(r, s);
    if (st != BX_OK)
        return bxi_script_fail(L, st, "%s", bx_ctx_errmsg(r->ctx));
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushcclosure(L, rows_next, 2);
    return 1;
}

void bxi_rp_source_push(lua_State *L, bx_report *r, rp_source *s)
{
    /* the row view: a userdata holding the report, with a metatable of
     * its own (its __index knows the source) */
    bx_report **view = lua_newuserdatauv(L, sizeof *view, 0);
    *view = r;
    lua_createtable(L, 0, 4);
    lua_pushlightuserdata(L, s);
    lua_createtable(L, 0, (int)s->ncols);
    for (size_t i = 0; i < s->ncols; i++) {
        lua_pushinteger(L, (lua_Integer)i);
        lua_setfield(L, -2, s->header[i]);
    }
    lua_pushcclosure(L, row_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, MT_ROW);
    lua_setfield(L, -2, "__name");
    lua_pushstring(L, MT_ROW);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    int view_idx = lua_gettop(L);
    /* the source object: {name, file, columns, rows} */
    lua_createtable(L, 0, 4);
    lua_pushstring(L, s->name);
    lua_setfield(L, -2, "name");
    const char *base = strrchr(s->path, '/');
    lua_pushstring(L, base ? base + 1 : s->path);
    lua_setfield(L, -2, "file");
    lua_createtable(L, (int)s->ncols, 0);
    for (size_t i = 0; i < s->ncols; i++) {
        lua_pushstring(L, s->header[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_pushlightuserdata(L, s);
    lua_pushvalue(L, view_idx);
    lua_pushcclosure(L, rows, 2);
    lua_setfield(L, -2, "rows");
    lua_remove(L, view_idx);
}
