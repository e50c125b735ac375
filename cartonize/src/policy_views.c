/*
 * policy_views.c: the read-only views a policy's hooks receive: the order
 * and its lines, the catalog's boxes, the packing, its boxes and their
 * units, and the report function of the check hook.
 *
 * A view is a small userdata (the policy and an index) whose __index reads
 * boxcar's own structures when the hook asks, so nothing is copied into
 * Lua per order. Views of lines, packed boxes and units are made the
 * first time an index is asked for and kept in a cache table, so a warm
 * policy makes no allocation to hand them out. Numbers are pushed as Lua
 * integers (lengths, masses, volumes) or floats (percentages, cost).
 */
#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "pack_emit.h"
#include "policy_internal.h"

typedef struct pl_view {
    bx_policy *p;
    uint32_t i;
} pl_view;

#define MT_ORDER "boxcar.order"
#define MT_LINE "boxcar.line"
#define MT_BOX "boxcar.box"
#define MT_PACKING "boxcar.packing"
#define MT_PACKED "boxcar.packed"
#define MT_UNIT "boxcar.unit"

static pl_view *view_at(lua_State *L, int idx)
{
    return lua_touserdata(L, idx);
}

static const char *key_of(lua_State *L)
{
    return lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
}

static int no_field(lua_State *L, const char *what)
{
    (void)what;
    lua_pushnil(L);
    return 1;
}

/* A key that is not a field: nil for the optional fields a record may
 * lack (`optional`, NULL-terminated), an error naming the view for
 * anything else, so a misspelt field fails where it is read. */
static int other_field(lua_State *L, const char *view, const char *k,
                       const char *const *optional)
{
    for (size_t i = 0; optional != NULL && optional[i] != NULL; i++)
        if (strcmp(k, optional[i]) == 0)
            return no_field(L, k);
    return bxi_script_fail(L, BX_EINPUT, "%s has no field '%s' (scripts/README.md lists "
                          "the fields)", view, k);
}

static int read_only(lua_State *L)
{
    const char *name = "a view";
    if (luaL_getmetafield(L, 1, "__name") == LUA_TSTRING)
        name = lua_tostring(L, -1);
    return bxi_script_fail(L, BX_EINPUT, "%s is read-only", name);
}

static const bx_order *order_of(lua_State *L, bx_policy *p)
{
    if (p->order == NULL)
        bxi_script_fail(L, BX_EINPUT, "there is no order outside a hook call");
    return p->order;
}

static const bx_pack_result *packing_of(lua_State *L, bx_policy *p)
{
    if (p->res == NULL)
        bxi_script_fail(L, BX_EINPUT, "there is no packing in this hook (only score, "
                                     "check and choose_container get one)");
    return p->res;
}

/* The view cached at t[i + 1] (t at registry ref), made if absent. */
static void push_cached(lua_State *L, bx_policy *p, int ref, uint32_t i, const char *mt)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TNIL) {
        lua_pop(L, 1);
        pl_view *v = lua_newuserdatauv(L, sizeof *v, 0);
        v->p = p;
        v->i = i;
        luaL_setmetatable(L, mt);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
    }
    lua_remove(L, -2);
}

void bxi_pl_push_line(lua_State *L, bx_policy *p, size_t i)
{
    push_cached(L, p, p->lines_ref, (uint32_t)i, MT_LINE);
}

void bxi_pl_push_packed(lua_State *L, bx_policy *p, size_t b)
{
    push_cached(L, p, p->packed_ref, (uint32_t)b, MT_PACKED);
}

static void push_box(lua_State *L, bx_policy *p, size_t k)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->boxes_ref);
    lua_rawgeti(L, -1, (lua_Integer)k + 1);
    lua_remove(L, -2);
}

static int64_t line_volume(const bx_order_line *l)
{
    return (int64_t)l->l_mm * l->w_mm * l->h_mm;
}

/* ---- order and lines ----------------------------------------------------- */

static int order_index(lua_State *L)
{
    bx_policy *p = view_at(L, 1)->p;
    const bx_order *o = order_of(L, p);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_Integer i = lua_tointeger(L, 2);
        if (i < 1 || (size_t)i > o->nlines)
            return no_field(L, "line");
        bxi_pl_push_line(L, p, (size_t)i - 1);
        return 1;
    }
    const char *k = key_of(L);
    if (strcmp(k, "id") == 0) {
        lua_pushstring(L, o->lines[0].order_id);
    } else if (strcmp(k, "n_lines") == 0) {
        lua_pushinteger(L, (lua_Integer)o->nlines);
    } else if (strcmp(k, "units") == 0 || strcmp(k, "volume_mm3") == 0 ||
               strcmp(k, "weight_g") == 0) {
        int64_t units = 0, vol = 0, w = 0;
        for (size_t i = 0; i < o->nlines; i++) {
            units += o->lines[i].qty;
            vol += o->lines[i].qty * line_volume(&o->lines[i]);
            w += o->lines[i].qty * o->lines[i].weight_g;
        }
        lua_pushinteger(L, k[0] == 'u' ? units : k[0] == 'v' ? vol : w);
    } else if (strcmp(k, "has_fragile") == 0 || strcmp(k, "has_alone") == 0) {
        bool any = false;
        for (size_t i = 0; i < o->nlines; i++)
            any |= k[4] == 'f' ? o->lines[i].fragile : o->lines[i].alone;
        lua_pushboolean(L, any);
    } else {
        return other_field(L, "order", k, NULL);
    }
    return 1;
}

static int order_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)order_of(L, view_at(L, 1)->p)->nlines);
    return 1;
}

static int line_index(lua_State *L)
{
    pl_view *v = view_at(L, 1);
    const bx_order *o = order_of(L, v->p);
    if (v->i >= o->nlines)
        return bxi_script_fail(L, BX_EINPUT, "line %u of an order of %zu lines (a view kept "
                              "from an earlier call?)", v->i + 1, o->nlines);
    const bx_order_line *l = &o->lines[v->i];
    const char *k = key_of(L);
    if (strcmp(k, "l_mm") == 0)
        lua_pushinteger(L, l->l_mm);
    else if (strcmp(k, "w_mm") == 0)
        lua_pushinteger(L, l->w_mm);
    else if (strcmp(k, "h_mm") == 0)
        lua_pushinteger(L, l->h_mm);
    else if (strcmp(k, "weight_g") == 0)
        lua_pushinteger(L, l->weight_g);
    else if (strcmp(k, "qty") == 0)
        lua_pushinteger(L, l->qty);
    else if (strcmp(k, "volume_mm3") == 0)
        lua_pushinteger(L, line_volume(l));
    else if (strcmp(k, "fragile") == 0)
        lua_pushboolean(L, l->fragile);
    else if (strcmp(k, "alone") == 0)
        lua_pushboolean(L, l->alone);
    else if (strcmp(k, "item_id") == 0)
        lua_pushstring(L, l->item_id);
    else if (strcmp(k, "index") == 0)
        lua_pushinteger(L, (lua_Integer)v->i + 1);
    else if (strcmp(k, "rotation") == 0)
        lua_pushstring(L, bx_rotation_name(l->rotation));
    else if (strcmp(k, "group") == 0 && l->group[0] != '\0')
        lua_pushstring(L, l->group);
    else if (strcmp(k, "max_load_g") == 0 && (l->has & BX_LINE_HAS_MAX_LOAD))
        lua_pushinteger(L, l->max_load_g);
    else
        {
        static const char *const opt[] = {"group", "max_load_g", NULL};
        return other_field(L, "line", k, opt);
    }
    return 1;
}

/* ---- boxes ------------------------------------------------------------------ */

/* A box view's i with this bit: the cut box of the packing's box i (a
 * made-to-measure entry's), not catalog box i. */
#define PL_CUT UINT32_C(0x80000000)

static int box_index(lua_State *L)
{
    pl_view *v = view_at(L, 1);
    const bx_box *b;
    uint32_t catalog_i = v->i;
    if (v->i & PL_CUT) {
        const bx_pack_result *r = v->p->res;
        if (r == NULL || (v->i & ~PL_CUT) >= r->nboxes)
            return bxi_script_fail(L, BX_EINPUT, "a cut box's view outlived its packing");
        const bx_packed_box *pb = &r->boxes[v->i & ~PL_CUT];
        b = pb->box;
        catalog_i = pb->box_index;
    } else {
        b = bx_catalog_box(v->p->cat, v->i);
    }
    const char *k = key_of(L);
    if (strcmp(k, "id") == 0) {
        lua_pushstring(L, b->box_id);
    } else if (strcmp(k, "inner_l_mm") == 0) {
        lua_pushinteger(L, b->inner_l_mm);
    } else if (strcmp(k, "inner_w_mm") == 0) {
        lua_pushinteger(L, b->inner_w_mm);
    } else if (strcmp(k, "inner_h_mm") == 0) {
        lua_pushinteger(L, b->inner_h_mm);
    } else if (strcmp(k, "inner_volume_mm3") == 0) {
        lua_pushinteger(L, (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm);
    } else if (strcmp(k, "max_weight_g") == 0) {
        lua_pushinteger(L, b->max_weight_g);
    } else if (strcmp(k, "tare_g") == 0) {
        lua_pushinteger(L, (b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0);
    } else if (strcmp(k, "reusable") == 0) {
        lua_pushboolean(L, b->reusable);
    } else if (strcmp(k, "index") == 0) {
        lua_pushinteger(L, (lua_Integer)catalog_i + 1);
    } else if ((b->has & BX_BOX_HAS_OUTER) && strncmp(k, "outer_", 6) == 0 &&
               strcmp(k + 7, "_mm") == 0 && (k[6] == 'l' || k[6] == 'w' || k[6] == 'h')) {
        lua_pushinteger(L, k[6] == 'l' ? b->outer_l_mm : k[6] == 'w' ? b->outer_w_mm
                                                                      : b->outer_h_mm);
    } else if (strcmp(k, "material") == 0 && (b->has & BX_BOX_HAS_MATERIAL)) {
        lua_pushstring(L, b->material);
    } else if (strcmp(k, "material_mass_g") == 0 && (b->has & BX_BOX_HAS_MATERIAL_MASS)) {
        lua_pushinteger(L, b->material_mass_g);
    } else if (strcmp(k, "cost") == 0 && (b->has & BX_BOX_HAS_COST)) {
        lua_pushnumber(L, b->cost);
    } else if (strcmp(k, "stock") == 0 && b->stock != BX_STOCK_UNLIMITED) {
        lua_pushinteger(L, b->stock);
    } else {
        static const char *const opt[] = {"outer_l_mm", "outer_w_mm", "outer_h_mm",
                                          "material", "material_mass_g", "cost", "stock",
                                          NULL};
        return other_field(L, "box", k, opt);
    }
    return 1;
}

/* ---- the packing, its boxes and units ------------------------------------------ */

static int packing_index(lua_State *L)
{
    bx_policy *p = view_at(L, 1)->p;
    const bx_pack_result *r = packing_of(L, p);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_Integer i = lua_tointeger(L, 2);
        if (i < 1 || (size_t)i > r->nboxes)
            return no_field(L, "box");
        bxi_pl_push_packed(L, p, (size_t)i - 1);
        return 1;
    }
    const char *k = key_of(L);
    if (strcmp(k, "n_boxes") == 0)
        lua_pushinteger(L, (lua_Integer)r->nboxes);
    else if (strcmp(k, "lower_bound") == 0)
        lua_pushinteger(L, r->lower_bound);
    else if (strcmp(k, "count_optimal") == 0)
        lua_pushboolean(L, r->count_optimal);
    else if (strcmp(k, "unpacked_units") == 0)
        lua_pushinteger(L, (lua_Integer)bxi_pk_unpacked_units(r));
    else if (strcmp(k, "total_inner_volume_mm3") == 0)
        lua_pushinteger(L, r->total_inner_volume_mm3);
    else if (strcmp(k, "objective_total") == 0)
        lua_pushnumber(L, r->objective_total);
    else if (strcmp(k, "work") == 0)
        lua_pushinteger(L, (lua_Integer)r->work);
    else
        return other_field(L, "packing", k, NULL);
    return 1;
}

static int packing_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)packing_of(L, view_at(L, 1)->p)->nboxes);
    return 1;
}

static const bx_packed_box *packed_of(lua_State *L, pl_view *v)
{
    const bx_pack_result *r = packing_of(L, v->p);
    if (v->i >= r->nboxes)
        bxi_script_fail(L, BX_EINPUT, "box %u of a packing of %zu boxes (a view kept from "
                       "an earlier call?)", v->i + 1, r->nboxes);
    return &r->boxes[v->i];
}

/* The volume of the units in a box by the order's own sizes (item_size
 * may have made them larger for packing). */
static int64_t content_volume(const bx_policy *p, const bx_pack_result *r,
                              const bx_packed_box *pb)
{
    int64_t v = 0;
    for (size_t j = 0; j < pb->nplacements; j++)
        v += line_volume(&p->order->lines[r->placements[pb->first_placement + j].line]);
    return v;
}

static int packed_index(lua_State *L)
{
    pl_view *v = view_at(L, 1);
    const bx_packed_box *pb = packed_of(L, v);
    const bx_pack_result *r = v->p->res;
    if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_Integer j = lua_tointeger(L, 2);
        if (j < 1 || (size_t)j > pb->nplacements)
            return no_field(L, "unit");
        push_cached(L, v->p, v->p->units_ref, (uint32_t)(pb->first_placement + (size_t)j - 1),
                    MT_UNIT);
        return 1;
    }
    const char *k = key_of(L);
    if (strcmp(k, "box") == 0 && pb->box != bx_catalog_box(v->p->cat, pb->box_index)) {
        /* a box cut to measure: a view of its own size */
        pl_view *c = lua_newuserdatauv(L, sizeof *c, 0);
        c->p = v->p;
        c->i = v->i | PL_CUT;
        luaL_setmetatable(L, MT_BOX);
    } else if (strcmp(k, "box") == 0)
        push_box(L, v->p, pb->box_index);
    else if (strcmp(k, "seq") == 0)
        lua_pushinteger(L, (lua_Integer)v->i + 1);
    else if (strcmp(k, "n_units") == 0)
        lua_pushinteger(L, (lua_Integer)pb->nplacements);
    else if (strcmp(k, "item_volume_mm3") == 0)
        lua_pushinteger(L, pb->item_volume_mm3);
    else if (strcmp(k, "content_volume_mm3") == 0)
        lua_pushinteger(L, content_volume(v->p, r, pb));
    else if (strcmp(k, "inner_volume_mm3") == 0)
        lua_pushinteger(L, pb->inner_volume_mm3);
    else if (strcmp(k, "fill_pct") == 0)
        lua_pushnumber(L, pb->fill_pct);
    else if (strcmp(k, "void_pct") == 0)
        lua_pushnumber(L, pb->void_pct);
    else if (strcmp(k, "items_weight_g") == 0)
        lua_pushinteger(L, pb->items_weight_g);
    else if (strcmp(k, "gross_weight_g") == 0)
        lua_pushinteger(L, pb->gross_weight_g);
    else
        return other_field(L, "packed box", k, NULL);
    return 1;
}

static int packed_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)packed_of(L, view_at(L, 1))->nplacements);
    return 1;
}

static int unit_index(lua_State *L)
{
    pl_view *v = view_at(L, 1);
    const bx_pack_result *r = packing_of(L, v->p);
    if (v->i >= r->nplacements)
        return bxi_script_fail(L, BX_EINPUT, "a unit view kept from an earlier call");
    const bx_placement *pl = &r->placements[v->i];
    const bx_order_line *l = &v->p->order->lines[pl->line];
    const char *k = key_of(L);
    if (strcmp(k, "x_mm") == 0)
        lua_pushinteger(L, pl->x_mm);
    else if (strcmp(k, "y_mm") == 0)
        lua_pushinteger(L, pl->y_mm);
    else if (strcmp(k, "z_mm") == 0)
        lua_pushinteger(L, pl->z_mm);
    else if (strcmp(k, "l_mm") == 0)
        lua_pushinteger(L, pl->l_mm);
    else if (strcmp(k, "w_mm") == 0)
        lua_pushinteger(L, pl->w_mm);
    else if (strcmp(k, "h_mm") == 0)
        lua_pushinteger(L, pl->h_mm);
    else if (strcmp(k, "weight_g") == 0)
        lua_pushinteger(L, l->weight_g);
    else if (strcmp(k, "fragile") == 0)
        lua_pushboolean(L, l->fragile);
    else if (strcmp(k, "load_seq") == 0)
        lua_pushinteger(L, pl->load_seq);
    else if (strcmp(k, "volume_mm3") == 0)
        lua_pushinteger(L, (int64_t)pl->l_mm * pl->w_mm * pl->h_mm);
    else if (strcmp(k, "content_volume_mm3") == 0)
        lua_pushinteger(L, line_volume(l));
    else if (strcmp(k, "line") == 0)
        bxi_pl_push_line(L, v->p, pl->line);
    else if (strcmp(k, "item_id") == 0)
        lua_pushstring(L, l->item_id);
    else
        return other_field(L, "unit", k, NULL);
    return 1;
}

/* ---- report(box_seq, code, message [, value, limit]) ------------------------------- */

static double opt_number(lua_State *L, int idx, const char *what)
{
    if (lua_isnoneornil(L, idx))
        return NAN;
    if (lua_type(L, idx) != LUA_TNUMBER)
        bxi_script_fail(L, BX_EINPUT, "report: %s must be a number or nil, not %s", what,
                       bxi_script_typename(L, idx));
    return lua_tonumber(L, idx);
}

static bool valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = bxi_utf8_seq(p + i, n - i, &cp);
        if (k == 0 || cp == 0)
            return false;
        i += k;
    }
    return true;
}

static int report(lua_State *L)
{
    bx_policy *p = lua_touserdata(L, lua_upvalueindex(1));
    if (!p->in_check)
        return bxi_script_fail(L, BX_EINPUT, "report may be called only while check runs");
    const bx_pack_result *r = packing_of(L, p);
    if (!lua_isinteger(L, 1))
        return bxi_script_fail(L, BX_EINPUT, "report: box_seq must be an integer (0 for the "
                              "whole order), not %s", bxi_script_typename(L, 1));
    lua_Integer seq = lua_tointeger(L, 1);
    if (seq < 0 || (size_t)seq > r->nboxes)
        return bxi_script_fail(L, BX_EINPUT, "report: box_seq %lld, but the packing has %zu "
                              "boxes", (long long)seq, r->nboxes);
    if (lua_type(L, 2) != LUA_TSTRING || lua_type(L, 3) != LUA_TSTRING)
        return bxi_script_fail(L, BX_EINPUT, "report: code and message must be strings, "
                              "not %s and %s", bxi_script_typename(L, 2),
                              bxi_script_typename(L, 3));
    size_t lc;
    const char *code = lua_tolstring(L, 2, &lc);
    if (lc == 0 || lc >= BX_ID_MAX || strpbrk(code, ",;\"\n\r") != NULL)
        return bxi_script_fail(L, BX_EINPUT, "report: a code is 1 to %d bytes without "
                              "commas, semicolons, quotes or line ends", BX_ID_MAX - 1);
    size_t lm;
    const char *msg = lua_tolstring(L, 3, &lm);
    if (!valid_utf8(code, lc) || !valid_utf8(msg, lm))
        return bxi_script_fail(L, BX_EINPUT, "report: code and message must be UTF-8 text");
    double value = opt_number(L, 4, "value");
    double limit = opt_number(L, 5, "limit");
    bxi_pl_add_violation(L, p, (uint32_t)seq, code, lua_tostring(L, 3), value, limit);
    return 0;
}

/* ---- setup ---------------------------------------------------------------------------- */

static void new_meta(lua_State *L, const char *name, lua_CFunction index, lua_CFunction len)
{
    luaL_newmetatable(L, name);
    lua_pushcfunction(L, index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, read_only);
    lua_setfield(L, -2, "__newindex");
    if (len != NULL) {
        lua_pushcfunction(L, len);
        lua_setfield(L, -2, "__len");
    }
    /* getmetatable(view) gives this string, never the table */
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

static int new_ref_view(lua_State *L, bx_policy *p, const char *mt)
{
    pl_view *v = lua_newuserdatauv(L, sizeof *v, 0);
    v->p = p;
    v->i = 0;
    luaL_setmetatable(L, mt);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

void bxi_pl_views_open(lua_State *L, bx_policy *p)
{
    new_meta(L, MT_ORDER, order_index, order_len);
    new_meta(L, MT_LINE, line_index, NULL);
    new_meta(L, MT_BOX, box_index, NULL);
    new_meta(L, MT_PACKING, packing_index, packing_len);
    new_meta(L, MT_PACKED, packed_index, packed_len);
    new_meta(L, MT_UNIT, unit_index, NULL);
    p->order_ref = new_ref_view(L, p, MT_ORDER);
    p->packing_ref = new_ref_view(L, p, MT_PACKING);
    lua_createtable(L, (int)p->nbox, 0);
    for (size_t k = 0; k < p->nbox; k++) {
        pl_view *v = lua_newuserdatauv(L, sizeof *v, 0);
        v->p = p;
        v->i = (uint32_t)k;
        luaL_setmetatable(L, MT_BOX);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    p->boxes_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    /* Box ids stay interned while this table holds them, so reading
     * box.id allocates nothing. */
    lua_createtable(L, (int)p->nbox, 0);
    for (size_t k = 0; k < p->nbox; k++) {
        lua_pushstring(L, bx_catalog_box(p->cat, k)->box_id);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    (void)luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    p->lines_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    p->packed_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    p->units_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushlightuserdata(L, p);
    lua_pushcclosure(L, report, 1);
    p->report_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    p->pool_ref = LUA_NOREF;
}
