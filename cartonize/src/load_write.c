/*
 * load_write.c: loading plans out, as a table, CSV, JSON, CBOR, the load
 * factors CSV and SVG pictures (drawn by bx_pack_svg from a one-box
 * result made of the vehicle).
 *
 * Numbers never depend on the locale: factors are written as integers of
 * ten-thousandths, lengths and masses as tenths, each put together here.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boxcar/load.h"
#include "emit.h"
#include "load_internal.h"
#include "pack_emit.h"

/* v with 4 decimals (v >= 0). */
static void emit_fixed4(bx_emit *o, double v)
{
    long long x = llround(v * 10000.0);
    if (x < 0) {
        bxi_emit_char(o, '-');
        x = -x;
    }
    char t[32];
    snprintf(t, sizeof t, "%lld.%04lld", x / 10000, x % 10000);
    bxi_emit_str(o, t);
}

static void emit_tenths_d(bx_emit *o, double v)
{
    bxi_emit_tenths(o, (int64_t)llround(v * 10.0));
}

static bx_status check_args(bx_ctx *ctx, const bx_load_parcel *parcels, size_t n,
                            const bx_load_vehicle *catalog, size_t nv, const bx_load_plan *plan,
                            bx_write_fn write)
{
    if (!ctx)
        return BX_EINVAL;
    if (!plan || !write || (n && !parcels) || (nv && !catalog))
        return bxi_error(ctx, BX_EINVAL, "loading plan output: NULL argument");
    for (size_t k = 0; k < plan->nvehicles; k++) {
        const bx_load_used *u = &plan->vehicles[k];
        if (u->vehicle >= nv || u->first > plan->nplaced || u->n > plan->nplaced - u->first)
            return bxi_error(ctx, BX_EINVAL, "loading plan output: vehicle %zu does not match", k + 1);
    }
    for (size_t i = 0; i < plan->nplaced; i++)
        if (plan->placed[i].parcel >= n)
            return bxi_error(ctx, BX_EINVAL, "loading plan output: parcel %zu does not match", i + 1);
    for (size_t i = 0; i < plan->nunplaced; i++)
        if (plan->unplaced[i].parcel >= n)
            return bxi_error(ctx, BX_EINVAL, "loading plan output: unplaced %zu does not match", i + 1);
    return BX_OK;
}

static void csv_field(bx_emit *o, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        bxi_emit_str(o, s);
        return;
    }
    bxi_emit_char(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            bxi_emit_char(o, '"');
        bxi_emit_char(o, *s);
    }
    bxi_emit_char(o, '"');
}

static void write_csv(bx_emit *o, const bx_load_parcel *parcels, const bx_load_vehicle *cat,
                      const bx_load_plan *plan)
{
    bxi_emit_str(o, "vehicle_seq,kind,parcel_id,stop,seq,step,x_mm,y_mm,z_mm,l_mm,w_mm,h_mm,mass_g,reason\n");
    for (size_t k = 0; k < plan->nvehicles; k++) {
        const bx_load_used *u = &plan->vehicles[k];
        for (uint32_t i = 0; i < u->n; i++) {
            const bx_load_placed *a = &plan->placed[u->first + i];
            const bx_load_parcel *p = &parcels[a->parcel];
            bxi_emit_u64(o, k + 1);
            bxi_emit_char(o, ',');
            csv_field(o, cat[u->vehicle].kind);
            bxi_emit_char(o, ',');
            csv_field(o, p->id);
            bxi_emit_char(o, ',');
            bxi_emit_u64(o, p->stop);
            int64_t v[8] = {a->seq, a->step, a->pos_mm[0], a->pos_mm[1], a->pos_mm[2],
                            a->ext_mm[0], a->ext_mm[1], a->ext_mm[2]};
            for (int j = 0; j < 8; j++) {
                bxi_emit_char(o, ',');
                bxi_emit_i64(o, v[j]);
            }
            bxi_emit_char(o, ',');
            bxi_emit_i64(o, p->mass_g);
            bxi_emit_str(o, ",\n");
        }
    }
    for (size_t i = 0; i < plan->nunplaced; i++) {
        const bx_load_parcel *p = &parcels[plan->unplaced[i].parcel];
        bxi_emit_str(o, ",,");
        csv_field(o, p->id);
        bxi_emit_char(o, ',');
        bxi_emit_u64(o, p->stop);
        bxi_emit_str(o, ",,,,,,,,,");
        bxi_emit_i64(o, p->mass_g);
        bxi_emit_char(o, ',');
        bxi_emit_str(o, bx_load_reason_name(plan->unplaced[i].reason));
        bxi_emit_char(o, '\n');
    }
}

/* The words of the table and the pictures, per language (the CSV, JSON
 * and CBOR keep their machine keys). */
typedef struct words {
    const char *vehicle, *open, *x, *door_rear, *door_side, *parcels_in, *steps_load, *close_kg;
    const char *lf_mass, *lf_volume, *cog, *axles, *shifted, *rear, *over, *head, *not_loaded,
        *parcels_end, *colon;
    const char *reason[5];
    const char *pic_step, *pic_inner, *pic_parcels, *pic_load;
} words;

static const words EN = {
    "vehicle ", " (", " x ", "rear door", "side door", " parcels in ", " steps, load ", " kg\n",
    "  load factor: mass ", ", volume ", "; centre of gravity x ", "  axle loads (tare included): front ",
    "; load moved along the length by ", " kg, rear ", "  OVER LIMIT",
    "   seq step stop  parcel                  x      y      z      l      w      h\n",
    "not loaded: ", " parcels\n", ": ",
    {"unknown", "too_big", "too_heavy", "no_room", "duplicate_id"},
    ", step ", "inner ", " parcels, load ", "load factor: mass "};

static const words ZH = {
    "\xe8\xbd\xa6\xe8\xbe\x86 " /* 车辆 */, "\xef\xbc\x88" /* （ */, " \xc3\x97 " /* × */,
    "\xe5\x90\x8e\xe9\x97\xa8" /* 后门 */, "\xe4\xbe\xa7\xe9\x97\xa8" /* 侧门 */,
    " \xe4\xbb\xb6\xef\xbc\x8c\xe5\x88\x86 " /* 件，分 */,
    " \xe6\xad\xa5\xe8\xa3\x85\xe8\xbd\xbd\xef\xbc\x8c\xe8\xbd\xbd\xe9\x87\x8d " /* 步装载，载重 */,
    " kg\n",
    "  \xe8\xa3\x85\xe8\xbd\xbd\xe7\x8e\x87\xef\xbc\x9a\xe8\xb4\xa8\xe9\x87\x8f " /* 装载率：质量 */,
    "\xef\xbc\x8c\xe4\xbd\x93\xe7\xa7\xaf " /* ，体积 */,
    "\xef\xbc\x9b\xe9\x87\x8d\xe5\xbf\x83 x " /* ；重心 x */,
    "  \xe8\xbd\xa6\xe8\xbd\xb4\xe8\xbd\xbd\xe8\x8d\xb7\xef\xbc\x88\xe5\x90\xab\xe8\x87\xaa\xe9\x87\x8d"
    "\xef\xbc\x89\xef\xbc\x9a\xe5\x89\x8d\xe8\xbd\xb4 " /* 车轴载荷（含自重）：前轴 */,
    "\xef\xbc\x9b\xe8\xb4\xa7\xe7\x89\xa9\xe6\xb2\xbf\xe9\x95\xbf\xe5\xba\xa6\xe6\x96\xb9\xe5\x90\x91"
    "\xe7\xa7\xbb\xe5\x8a\xa8 " /* ；货物沿长度方向移动 */,
    " kg\xef\xbc\x8c\xe5\x90\x8e\xe8\xbd\xb4 " /* kg，后轴 */,
    "  \xe8\xb6\x85\xe9\x99\x90" /* 超限 */,
    "  \xe9\xa1\xba\xe5\xba\x8f \xe6\xad\xa5\xe9\xaa\xa4 \xe7\xab\x99\xe7\x82\xb9"
    "  \xe5\x8c\x85\xe8\xa3\xb9                      x      y      z      l      w      h\n"
    /* 顺序 步骤 站点  包裹, each two columns wide */,
    "\xe6\x9c\xaa\xe8\xa3\x85\xe8\xbd\xbd\xef\xbc\x9a" /* 未装载： */, " \xe4\xbb\xb6\n" /* 件 */,
    "\xef\xbc\x9a" /* ： */,
    {"\xe6\x9c\xaa\xe7\x9f\xa5" /* 未知 */,
     "\xe8\xbf\x87\xe5\xa4\xa7\xef\xbc\x88\xe4\xbb\xbb\xe4\xbd\x95\xe8\xbd\xa6\xe8\xbe\x86\xe9\x83\xbd"
     "\xe8\xa3\x85\xe4\xb8\x8d\xe4\xb8\x8b\xef\xbc\x89" /* 过大（任何车辆都装不下） */,
     "\xe8\xbf\x87\xe9\x87\x8d\xef\xbc\x88\xe8\xb6\x85\xe8\xbf\x87\xe4\xbb\xbb\xe4\xbd\x95\xe8\xbd"
     "\xa6\xe8\xbe\x86\xe7\x9a\x84\xe8\xbd\xbd\xe9\x87\x8d\xef\xbc\x89" /* 过重（超过任何车辆的载重） */,
     "\xe8\xbd\xa6\xe8\xbe\x86\xe5\xb7\xb2\xe6\xbb\xa1" /* 车辆已满 */,
     "\xe7\xbc\x96\xe5\x8f\xb7\xe9\x87\x8d\xe5\xa4\x8d" /* 编号重复 */},
    "\xef\xbc\x8c\xe6\xad\xa5\xe9\xaa\xa4 " /* ，步骤 */,
    "\xe5\x86\x85\xe9\x83\xa8\xe5\xb0\xba\xe5\xaf\xb8 " /* 内部尺寸 */,
    " \xe4\xbb\xb6\xef\xbc\x8c\xe8\xbd\xbd\xe9\x87\x8d " /* 件，载重 */,
    "\xe8\xa3\x85\xe8\xbd\xbd\xe7\x8e\x87\xef\xbc\x9a\xe8\xb4\xa8\xe9\x87\x8f " /* 装载率：质量 */};

static bx_status pick_words(bx_ctx *ctx, const char *lang, const words **out)
{
    if (lang == NULL || !strcmp(lang, "en"))
        *out = &EN;
    else if (!strcmp(lang, "zh-CN"))
        *out = &ZH;
    else
        return bxi_error(ctx, BX_EINVAL, "loading plan output: language '%s' is not en or zh-CN", lang);
    return BX_OK;
}

static const char *reason_word(const words *T, bx_load_reason r)
{
    return (unsigned)r < 5 ? T->reason[r] : T->reason[0];
}

static void write_table(bx_emit *o, const words *T, const bx_load_parcel *parcels,
                        const bx_load_vehicle *cat, const bx_load_plan *plan)
{
    char t[256];
    bool zh = T == &ZH;
    for (size_t k = 0; k < plan->nvehicles; k++) {
        const bx_load_used *u = &plan->vehicles[k];
        const bx_load_vehicle *v = &cat[u->vehicle];
        bxi_emit_str(o, T->vehicle);
        snprintf(t, sizeof t, "%zu%s", k + 1, zh ? "\xef\xbc\x9a" : ": ");
        bxi_emit_str(o, t);
        bxi_emit_utf8(o, v->kind);
        bxi_emit_str(o, T->open);
        snprintf(t, sizeof t, "%d%s%d%s%d mm%s", (int)v->inner_mm[0], T->x, (int)v->inner_mm[1], T->x,
                 (int)v->inner_mm[2], zh ? "\xef\xbc\x8c" : ", ");
        bxi_emit_str(o, t);
        bxi_emit_str(o, v->door == BX_LOAD_DOOR_SIDE ? T->door_side : T->door_rear);
        snprintf(t, sizeof t, "%s%u", zh ? "\xef\xbc\x89\xef\xbc\x8c" : "), ", u->n);
        bxi_emit_str(o, t);
        bxi_emit_str(o, T->parcels_in);
        bxi_emit_u64(o, u->nsteps);
        bxi_emit_str(o, T->steps_load);
        bxi_emit_thousandths(o, u->mass_g);
        bxi_emit_str(o, T->close_kg);
        bxi_emit_str(o, T->lf_mass);
        emit_fixed4(o, u->load_factor_mass);
        bxi_emit_str(o, T->lf_volume);
        emit_fixed4(o, u->load_factor_volume);
        bxi_emit_str(o, T->cog);
        emit_tenths_d(o, u->cog_mm[0]);
        bxi_emit_str(o, " y ");
        emit_tenths_d(o, u->cog_mm[1]);
        bxi_emit_str(o, " z ");
        emit_tenths_d(o, u->cog_mm[2]);
        bxi_emit_str(o, " mm\n");
        if (v->naxles == 2) {
            bxi_emit_str(o, T->axles);
            emit_tenths_d(o, u->axle_g[0] / 1000.0);
            bxi_emit_str(o, T->rear);
            emit_tenths_d(o, u->axle_g[1] / 1000.0);
            bxi_emit_str(o, " kg");
            if (u->shift_mm) {
                bxi_emit_str(o, T->shifted);
                bxi_emit_i64(o, u->shift_mm);
                bxi_emit_str(o, " mm");
            }
            if (u->axle_over)
                bxi_emit_str(o, T->over);
            bxi_emit_char(o, '\n');
        }
        bxi_emit_str(o, T->head);
        for (uint32_t i = 0; i < u->n; i++) {
            const bx_load_placed *a = &plan->placed[u->first + i];
            const bx_load_parcel *p = &parcels[a->parcel];
            snprintf(t, sizeof t, "  %4u %4u %4u  %-20.20s %6d %6d %6d %6d %6d %6d\n", a->seq, a->step,
                     p->stop, p->id, (int)a->pos_mm[0], (int)a->pos_mm[1], (int)a->pos_mm[2],
                     (int)a->ext_mm[0], (int)a->ext_mm[1], (int)a->ext_mm[2]);
            bxi_emit_str(o, t);
        }
    }
    if (plan->nunplaced) {
        bxi_emit_str(o, T->not_loaded);
        bxi_emit_u64(o, plan->nunplaced);
        bxi_emit_str(o, T->parcels_end);
        for (size_t i = 0; i < plan->nunplaced; i++) {
            bxi_emit_str(o, "  ");
            bxi_emit_utf8(o, parcels[plan->unplaced[i].parcel].id);
            bxi_emit_str(o, T->colon);
            bxi_emit_str(o, reason_word(T, plan->unplaced[i].reason));
            bxi_emit_char(o, '\n');
        }
    }
}

static void write_json(bx_emit *o, const bx_load_parcel *parcels, const bx_load_vehicle *cat,
                       const bx_load_plan *plan)
{
    bxi_emit_str(o, "{\"vehicles\":[");
    for (size_t k = 0; k < plan->nvehicles; k++) {
        const bx_load_used *u = &plan->vehicles[k];
        const bx_load_vehicle *v = &cat[u->vehicle];
        bxi_emit_str(o, k ? ",{\"vehicle_seq\":" : "{\"vehicle_seq\":");
        bxi_emit_u64(o, k + 1);
        bxi_emit_str(o, ",\"kind\":");
        bxi_emit_json_string(o, v->kind);
        bxi_emit_str(o, ",\"n_parcels\":");
        bxi_emit_u64(o, u->n);
        bxi_emit_str(o, ",\"n_steps\":");
        bxi_emit_u64(o, u->nsteps);
        bxi_emit_str(o, ",\"volume_mm3\":");
        bxi_emit_i64(o, u->volume_mm3);
        bxi_emit_str(o, ",\"mass_g\":");
        bxi_emit_i64(o, u->mass_g);
        bxi_emit_str(o, ",\"load_factor_mass\":");
        emit_fixed4(o, u->load_factor_mass);
        bxi_emit_str(o, ",\"load_factor_volume\":");
        emit_fixed4(o, u->load_factor_volume);
        bxi_emit_str(o, ",\"cog_mm\":[");
        for (int a = 0; a < 3; a++) {
            if (a)
                bxi_emit_char(o, ',');
            emit_tenths_d(o, u->cog_mm[a]);
        }
        bxi_emit_char(o, ']');
        if (v->naxles == 2) {
            bxi_emit_str(o, ",\"axle_g\":[");
            emit_tenths_d(o, u->axle_g[0]);
            bxi_emit_char(o, ',');
            emit_tenths_d(o, u->axle_g[1]);
            bxi_emit_str(o, u->axle_over ? "],\"axle_over\":true" : "],\"axle_over\":false");
            bxi_emit_str(o, ",\"axle_shift_mm\":");
            bxi_emit_i64(o, u->shift_mm);
        }
        bxi_emit_str(o, ",\"parcels\":[");
        for (uint32_t i = 0; i < u->n; i++) {
            const bx_load_placed *a = &plan->placed[u->first + i];
            const bx_load_parcel *p = &parcels[a->parcel];
            bxi_emit_str(o, i ? ",{\"id\":" : "{\"id\":");
            bxi_emit_json_string(o, p->id);
            bxi_emit_str(o, ",\"stop\":");
            bxi_emit_u64(o, p->stop);
            bxi_emit_str(o, ",\"seq\":");
            bxi_emit_u64(o, a->seq);
            bxi_emit_str(o, ",\"step\":");
            bxi_emit_u64(o, a->step);
            bxi_emit_str(o, ",\"pos_mm\":[");
            for (int j = 0; j < 3; j++) {
                if (j)
                    bxi_emit_char(o, ',');
                bxi_emit_i64(o, a->pos_mm[j]);
            }
            bxi_emit_str(o, "],\"ext_mm\":[");
            for (int j = 0; j < 3; j++) {
                if (j)
                    bxi_emit_char(o, ',');
                bxi_emit_i64(o, a->ext_mm[j]);
            }
            bxi_emit_str(o, "]}");
        }
        bxi_emit_str(o, "]}");
    }
    bxi_emit_str(o, "],\"unplaced\":[");
    for (size_t i = 0; i < plan->nunplaced; i++) {
        bxi_emit_str(o, i ? ",{\"id\":" : "{\"id\":");
        bxi_emit_json_string(o, parcels[plan->unplaced[i].parcel].id);
        bxi_emit_str(o, ",\"reason\":\"");
        bxi_emit_str(o, bx_load_reason_name(plan->unplaced[i].reason));
        bxi_emit_str(o, "\"}");
    }
    bxi_emit_str(o, "]}\n");
}

#if BOXCAR_HAVE_CBOR
static void cbor_key(bx_emit *o, const char *k)
{
    bxi_emit_cbor_text(o, k);
}

static void write_cbor(bx_emit *o, const bx_load_parcel *parcels, const bx_load_vehicle *cat,
                       const bx_load_plan *plan)
{
    bxi_emit_cbor_map(o, 2);
    cbor_key(o, "vehicles");
    bxi_emit_cbor_array(o, plan->nvehicles);
    for (size_t k = 0; k < plan->nvehicles; k++) {
        const bx_load_used *u = &plan->vehicles[k];
        const bx_load_vehicle *v = &cat[u->vehicle];
        bxi_emit_cbor_map(o, v->naxles == 2 ? 13 : 10);
        cbor_key(o, "vehicle_seq");
        bxi_emit_cbor_uint(o, k + 1);
        cbor_key(o, "kind");
        bxi_emit_cbor_text(o, v->kind);
        cbor_key(o, "n_parcels");
        bxi_emit_cbor_uint(o, u->n);
        cbor_key(o, "n_steps");
        bxi_emit_cbor_uint(o, u->nsteps);
        cbor_key(o, "volume_mm3");
        bxi_emit_cbor_int(o, u->volume_mm3);
        cbor_key(o, "mass_g");
        bxi_emit_cbor_int(o, u->mass_g);
        cbor_key(o, "load_factor_mass");
        bxi_emit_cbor_float(o, (double)llround(u->load_factor_mass * 10000.0) / 10000.0);
        cbor_key(o, "load_factor_volume");
        bxi_emit_cbor_float(o, (double)llround(u->load_factor_volume * 10000.0) / 10000.0);
        cbor_key(o, "cog_mm");
        bxi_emit_cbor_array(o, 3);
        for (int a = 0; a < 3; a++)
            bxi_emit_cbor_float(o, (double)llround(u->cog_mm[a] * 10.0) / 10.0);
        if (v->naxles == 2) {
            cbor_key(o, "axle_g");
            bxi_emit_cbor_array(o, 2);
            for (int a = 0; a < 2; a++)
                bxi_emit_cbor_float(o, (double)llround(u->axle_g[a] * 10.0) / 10.0);
            cbor_key(o, "axle_over");
            bxi_emit_cbor_bool(o, u->axle_over);
            cbor_key(o, "axle_shift_mm");
            bxi_emit_cbor_int(o, u->shift_mm);
        }
        cbor_key(o, "parcels");
        bxi_emit_cbor_array(o, u->n);
        for (uint32_t i = 0; i < u->n; i++) {
            const bx_load_placed *a = &plan->placed[u->first + i];
            bxi_emit_cbor_map(o, 6);
            cbor_key(o, "id");
            bxi_emit_cbor_text(o, parcels[a->parcel].id);
            cbor_key(o, "stop");
            bxi_emit_cbor_uint(o, parcels[a->parcel].stop);
            cbor_key(o, "seq");
            bxi_emit_cbor_uint(o, a->seq);
            cbor_key(o, "step");
            bxi_emit_cbor_uint(o, a->step);
            cbor_key(o, "pos_mm");
            bxi_emit_cbor_array(o, 3);
            for (int j = 0; j < 3; j++)
                bxi_emit_cbor_int(o, a->pos_mm[j]);
            cbor_key(o, "ext_mm");
            bxi_emit_cbor_array(o, 3);
            for (int j = 0; j < 3; j++)
                bxi_emit_cbor_int(o, a->ext_mm[j]);
        }
    }
    cbor_key(o, "unplaced");
    bxi_emit_cbor_array(o, plan->nunplaced);
    for (size_t i = 0; i < plan->nunplaced; i++) {
        bxi_emit_cbor_map(o, 2);
        cbor_key(o, "id");
        bxi_emit_cbor_text(o, parcels[plan->unplaced[i].parcel].id);
        cbor_key(o, "reason");
        bxi_emit_cbor_text(o, bx_load_reason_name(plan->unplaced[i].reason));
    }
}
#endif

bx_status bx_load_write(bx_ctx *ctx, bx_pack_format format, const bx_load_parcel *parcels, size_t n,
                        const bx_load_vehicle *catalog, size_t nv, const bx_load_plan *plan,
                        bx_write_fn write, void *ud)
{
    return bx_load_write_lang(ctx, format, NULL, parcels, n, catalog, nv, plan, write, ud);
}

bx_status bx_load_write_lang(bx_ctx *ctx, bx_pack_format format, const char *lang,
                             const bx_load_parcel *parcels, size_t n, const bx_load_vehicle *catalog,
                             size_t nv, const bx_load_plan *plan, bx_write_fn write, void *ud)
{
    bx_status st = check_args(ctx, parcels, n, catalog, nv, plan, write);
    const words *T = NULL;
    if (st == BX_OK)
        st = pick_words(ctx, lang, &T);
    if (st != BX_OK)
        return st;
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the loading plan");
    switch (format) {
    case BX_PACK_TABLE:
        write_table(&o, T, parcels, catalog, plan);
        break;
    case BX_PACK_CSV:
        write_csv(&o, parcels, catalog, plan);
        break;
    case BX_PACK_JSON:
        write_json(&o, parcels, catalog, plan);
        break;
    case BX_PACK_CBOR:
#if BOXCAR_HAVE_CBOR
        write_cbor(&o, parcels, catalog, plan);
        break;
#else
        return bxi_error(ctx, BX_EUNSUPPORTED, "CBOR output was left out of this build");
#endif
    default:
        return bxi_error(ctx, BX_EINVAL, "loading plan output: unknown format");
    }
    return bxi_emit_finish(&o);
}

bx_status bx_load_write_factors(bx_ctx *ctx, const bx_load_vehicle *catalog, size_t nv,
                                const bx_load_plan *plan, bx_write_fn write, void *ud)
{
    if (!ctx)
        return BX_EINVAL;
    if (!plan || !write || (nv && !catalog))
        return bxi_error(ctx, BX_EINVAL, "load factors: NULL argument");
    for (size_t k = 0; k < plan->nvehicles; k++)
        if (plan->vehicles[k].vehicle >= nv)
            return bxi_error(ctx, BX_EINVAL, "load factors: vehicle %zu does not match", k + 1);
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the load factors");
    bxi_emit_str(&o, "vehicle_seq,kind,load_factor_mass,load_factor_volume\n");
    for (size_t k = 0; k < plan->nvehicles; k++) {
        const bx_load_used *u = &plan->vehicles[k];
        bxi_emit_u64(&o, k + 1);
        bxi_emit_char(&o, ',');
        csv_field(&o, catalog[u->vehicle].kind);
        bxi_emit_char(&o, ',');
        emit_fixed4(&o, u->load_factor_mass);
        bxi_emit_char(&o, ',');
        emit_fixed4(&o, u->load_factor_volume);
        bxi_emit_char(&o, '\n');
    }
    return bxi_emit_finish(&o);
}

bx_status bx_load_svg(bx_ctx *ctx, const bx_load_parcel *parcels, size_t n,
                      const bx_load_vehicle *catalog, size_t nv, const bx_load_plan *plan,
                      size_t vehicle, uint32_t upto_step, bx_write_fn write, void *ud)
{
    return bx_load_svg_lang(ctx, NULL, parcels, n, catalog, nv, plan, vehicle, upto_step, write, ud);
}

bx_status bx_load_svg_lang(bx_ctx *ctx, const char *lang, const bx_load_parcel *parcels, size_t n,
                           const bx_load_vehicle *catalog, size_t nv, const bx_load_plan *plan,
                           size_t vehicle, uint32_t upto_step, bx_write_fn write, void *ud)
{
    bx_status st = check_args(ctx, parcels, n, catalog, nv, plan, write);
    const words *T = NULL;
    if (st == BX_OK)
        st = pick_words(ctx, lang, &T);
    if (st != BX_OK)
        return st;
    if (vehicle >= plan->nvehicles)
        return bxi_error(ctx, BX_EINVAL, "loading picture: the plan has %zu vehicles, no vehicle %zu",
                         plan->nvehicles, vehicle + 1);
    const bx_load_used *u = &plan->vehicles[vehicle];
    const bx_load_vehicle *v = &catalog[u->vehicle];
    size_t m = 0;
    for (uint32_t i = 0; i < u->n; i++)
        m += !upto_step || plan->placed[u->first + i].step <= upto_step;
    if (m > BX_PACK_SVG_MAX_UNITS)
        return bxi_error(ctx, BX_ELIMIT, "loading picture: %zu parcels; pictures stop at %d", m,
                         BX_PACK_SVG_MAX_UNITS);
    bx_order_line *lines = bx_alloc(ctx, (m + 1) * sizeof *lines);
    bx_placement *pl = bx_alloc(ctx, (m + 1) * sizeof *pl);
    if (!lines || !pl) {
        bx_free(ctx, lines);
        bx_free(ctx, pl);
        return BX_ENOMEM;
    }
    char title[BX_ID_MAX];
    if (upto_step)
        snprintf(title, sizeof title, "vehicle %zu step %u", vehicle + 1, upto_step);
    else
        snprintf(title, sizeof title, "vehicle %zu", vehicle + 1);
    /* the legend: which vehicle and step, its size and load, its factors */
    bool zh = T == &ZH;
    char l1[256], l2[256], l3[256];
    int w = snprintf(l1, sizeof l1, "%s%zu/%zu%s%s", T->vehicle, vehicle + 1, plan->nvehicles,
                     zh ? "\xef\xbc\x9a" : ": ", v->kind);
    if (upto_step && w > 0 && (size_t)w < sizeof l1)
        snprintf(l1 + w, sizeof l1 - (size_t)w, "%s%u/%u", T->pic_step, upto_step, u->nsteps);
    bx_box box;
    bx_box_init(&box);
    snprintf(box.box_id, sizeof box.box_id, "%s", v->kind);
    box.inner_l_mm = v->inner_mm[0];
    box.inner_w_mm = v->inner_mm[1];
    box.inner_h_mm = v->inner_mm[2];
    box.max_weight_g = v->payload_g > 0 ? v->payload_g : 1;
    size_t k = 0;
    int64_t vol = 0, mass = 0;
    for (uint32_t i = 0; i < u->n; i++) {
        const bx_load_placed *a = &plan->placed[u->first + i];
        if (upto_step && a->step > upto_step)
            continue;
        const bx_load_parcel *p = &parcels[a->parcel];
        bx_order_line_init(&lines[k]);
        snprintf(lines[k].order_id, sizeof lines[k].order_id, "%s", title);
        snprintf(lines[k].item_id, sizeof lines[k].item_id, "%s", p->id);
        lines[k].qty = 1;
        lines[k].l_mm = p->dim_mm[0];
        lines[k].w_mm = p->dim_mm[1];
        lines[k].h_mm = p->dim_mm[2];
        lines[k].weight_g = p->mass_g;
        memset(&pl[k], 0, sizeof pl[k]);
        pl[k].line = (uint32_t)k;
        pl[k].load_seq = (uint32_t)k + 1;
        pl[k].x_mm = a->pos_mm[0];
        pl[k].y_mm = a->pos_mm[1];
        pl[k].z_mm = a->pos_mm[2];
        pl[k].l_mm = a->ext_mm[0];
        pl[k].w_mm = a->ext_mm[1];
        pl[k].h_mm = a->ext_mm[2];
        vol += (int64_t)a->ext_mm[0] * a->ext_mm[1] * a->ext_mm[2];
        mass += p->mass_g;
        k++;
    }
    if (k == 0) { /* an empty picture still needs a line to name it */
        bx_order_line_init(&lines[0]);
        snprintf(lines[0].order_id, sizeof lines[0].order_id, "%s", title);
        snprintf(lines[0].item_id, sizeof lines[0].item_id, "none");
        lines[0].qty = 1;
        lines[0].l_mm = lines[0].w_mm = lines[0].h_mm = 1;
    }
    char kg[32];
    snprintf(kg, sizeof kg, "%lld.%03lld", (long long)(mass / 1000), (long long)(mass % 1000));
    snprintf(l2, sizeof l2, "%s%d%s%d%s%d mm%s%zu%s%s kg", T->pic_inner, (int)v->inner_mm[0], T->x,
             (int)v->inner_mm[1], T->x, (int)v->inner_mm[2], zh ? "\xef\xbc\x8c" : ", ", k,
             T->pic_parcels, kg);
    double inner = (double)v->inner_mm[0] * (double)v->inner_mm[1] * (double)v->inner_mm[2];
    long long fm = v->payload_g > 0 ? llround((double)mass / (double)v->payload_g * 10000.0) : 0;
    long long fv = llround((double)vol / inner * 10000.0);
    snprintf(l3, sizeof l3, "%s%lld.%04lld%s%lld.%04lld", T->pic_load, fm / 10000, fm % 10000, T->lf_volume,
             fv / 10000, fv % 10000);
    bxi_pk_svg_text text = {l1, {l1, l2, l3}};
    bx_packed_box pb;
    memset(&pb, 0, sizeof pb);
    pb.box = &box;
    pb.nplacements = k;
    pb.item_volume_mm3 = vol;
    pb.inner_volume_mm3 = (int64_t)box.inner_l_mm * box.inner_w_mm * box.inner_h_mm;
    pb.items_weight_g = pb.gross_weight_g = mass;
    pb.fill_pct = 100.0 * (double)vol / (double)pb.inner_volume_mm3;
    pb.void_pct = 100.0 - pb.fill_pct;
    bx_pack_result r;
    memset(&r, 0, sizeof r);
    r.boxes = &pb;
    r.nboxes = 1;
    r.placements = pl;
    r.nplacements = k;
    bx_order order = {lines, k ? k : 1};
    st = bxi_pk_svg(ctx, &order, &r, 0, &text, write, ud);
    bx_free(ctx, lines);
    bx_free(ctx, pl);
    return st;
}
