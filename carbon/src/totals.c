/*
 * totals.c: exact integer totals by route, month, mode and packaging, their
 * CSV form, and merging shards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carbon_internal.h"

#define SET_TEXT_MAX 128
#define KEY_MAX (BX_PACKAGING_MAX + 16)
#define ENERGY_CACHE 16

typedef struct group {
    bxc_idmap keys;
    bx_carbon_sum *sums;
    size_t cap;
    size_t *order;      /* indexes sorted by key, valid when sorted */
    size_t order_cap;
    bool sorted;
    long last;          /* index of the last key used, -1 none */
} group;

struct bx_carbon_totals {
    bx_ctx *ctx;
    char set_id[SET_TEXT_MAX];
    char set_version[SET_TEXT_MAX];
    uint64_t excluded;
    group g[BX_BY_COUNT];
    /* Per-shipment shortcuts past the hash: a mode row per part, the row
     * of the last month, and of the last packaging key (the calculator's
     * keys are stable strings, so the pointer identifies them). */
    long mode_row[BX_PART_COUNT];
    int32_t last_month;
    long last_month_row;
    const char *last_pack;
    long last_pack_row;
    /* energy rows of the carriers seen last (the calculator's carrier
     * strings are stable too) */
    const char *carrier_key[ENERGY_CACHE];
    long carrier_row[ENERGY_CACHE];
};

static const char *const group_names[BX_BY_COUNT] = {"all", "route", "month", "mode",
                                                     "packaging", "energy"};

const char *bx_totals_group_name(bx_totals_group g)
{
    return g >= BX_BY_ALL && g < BX_BY_COUNT ? group_names[g] : "?";
}

bx_status bx_totals_group_parse(const char *s, bx_totals_group *out)
{
    for (int i = 0; s != NULL && i < BX_BY_COUNT; i++) {
        if (bxi_carbon_word_eq(s, strlen(s), group_names[i])) {
            *out = (bx_totals_group)i;
            return BX_OK;
        }
    }
    return BX_EINPUT;
}

/* Every int64 of a sum, for loops that add or check them all: the
 * emissions, then the reporting figures (activity, WTW by class). */
#define SUM_FIELDS 20
static void sum_fields(bx_carbon_sum *s, int64_t *f[SUM_FIELDS])
{
    int64_t *p[SUM_FIELDS] = {
        &s->shipments,        &s->mass_g,          &s->transport.wtt_mg,
        &s->transport.ttw_mg, &s->transport.wtw_mg, &s->hub.wtt_mg,
        &s->hub.ttw_mg,       &s->hub.wtw_mg,      &s->packaging_mg,
        &s->total.wtt_mg,     &s->total.ttw_mg,    &s->total.wtw_mg,
        &s->activity_gkm[0],  &s->activity_gkm[1], &s->activity_gkm[2],
        &s->quality_mg[0],    &s->quality_mg[1],   &s->quality_mg[2],
        &s->temp_uplift_mg,   &s->refrigerant_mg};
    memcpy(f, p, sizeof p);
}

static void add_reporting(bx_carbon_sum *a, const bx_carbon_sum *b)
{
    for (int d = 0; d < BX_DIST_COUNT; d++)
        a->activity_gkm[d] += b->activity_gkm[d];
    for (int q = 0; q < 3; q++)
        a->quality_mg[q] += b->quality_mg[q];
    a->temp_uplift_mg += b->temp_uplift_mg;
    a->refrigerant_mg += b->refrigerant_mg;
}

static bool sum_fits(const bx_carbon_sum *a, const bx_carbon_sum *b)
{
    bx_carbon_sum x = *a, y = *b;
    int64_t *fa[SUM_FIELDS], *fb[SUM_FIELDS];
    sum_fields(&x, fa);
    sum_fields(&y, fb);
    for (size_t i = 0; i < SUM_FIELDS; i++)
        if (!bxi_carbon_add_i64(fa[i], *fb[i]))
            return false;
    return true;
}

static void add_co2e(bx_co2e *a, const bx_co2e *b)
{
    a->wtt_mg += b->wtt_mg;
    a->ttw_mg += b->ttw_mg;
    a->wtw_mg += b->wtw_mg;
}

/* Callers have checked that every sum fits. */
static void sum_add(bx_carbon_sum *a, const bx_carbon_sum *b)
{
    a->shipments += b->shipments;
    a->mass_g += b->mass_g;
    add_co2e(&a->transport, &b->transport);
    add_co2e(&a->hub, &b->hub);
    a->packaging_mg += b->packaging_mg;
    add_co2e(&a->total, &b->total);
    add_reporting(a, b);
}

/* The row of key in group g, made if new. */
static bx_status row_of(bx_carbon_totals *t, group *g, const char *key, size_t len,
                        bx_carbon_sum **out)
{
    if (g->last >= 0) {
        const char *k = bxi_carbon_idmap_key(&g->keys, (size_t)g->last);
        if (strncmp(k, key, len) == 0 && k[len] == '\0') {
            *out = &g->sums[g->last];
            return BX_OK;
        }
    }
    size_t index;
    bool inserted;
    bx_status st = bxi_carbon_idmap_put(&g->keys, key, len, &index, &inserted);
    if (st != BX_OK)
        return st;
    if (inserted) {
        if (index >= g->cap) {
            size_t cap = g->cap ? g->cap * 2 : 16;
            bx_carbon_sum *p = bx_realloc(t->ctx, g->sums, cap * sizeof *p);
            if (p == NULL)
                return BX_ENOMEM;
            g->sums = p;
            g->cap = cap;
        }
        memset(&g->sums[index], 0, sizeof g->sums[index]);
        g->sorted = false;
    }
    g->last = (long)index;
    *out = &g->sums[index];
    return BX_OK;
}

bx_status bx_carbon_totals_new(bx_ctx *ctx, bx_carbon_totals **out, const char *set_id,
                               const char *set_version)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || set_id == NULL || set_version == NULL ||
        strlen(set_id) >= SET_TEXT_MAX || strlen(set_version) >= SET_TEXT_MAX)
        return bxi_error(ctx, BX_EINVAL, "bx_carbon_totals_new: bad argument");
    *out = NULL;
    bx_carbon_totals *t = bx_alloc(ctx, sizeof *t);
    if (t == NULL)
        return BX_ENOMEM;
    memset(t, 0, sizeof *t);
    t->ctx = ctx;
    memcpy(t->set_id, set_id, strlen(set_id) + 1);
    memcpy(t->set_version, set_version, strlen(set_version) + 1);
    for (int i = 0; i < BX_BY_COUNT; i++) {
        bxi_carbon_idmap_init(&t->g[i].keys, ctx);
        t->g[i].last = -1;
    }
    for (int p = 0; p < BX_PART_COUNT; p++)
        t->mode_row[p] = -1;
    t->last_month_row = t->last_pack_row = -1;
    /* "all" always exists: it carries the excluded count even when no
     * shipment was good. */
    bx_carbon_sum *all;
    bx_status st = row_of(t, &t->g[BX_BY_ALL], "all", 3, &all);
    if (st != BX_OK) {
        bx_carbon_totals_free(t);
        return st;
    }
    *out = t;
    return BX_OK;
}

static void from_result(bx_carbon_sum *s, const bx_shipment *sh, const bx_carbon_result *r)
{
    memset(s, 0, sizeof *s);
    s->shipments = 1;
    s->mass_g = sh->mass_g > 0 ? sh->mass_g : 0;
    s->transport = r->transport;
    s->hub = r->hub;
    s->packaging_mg = r->packaging_mg;
    s->total = r->total;
    for (int m = 0; m < BX_MODE_COUNT; m++)
        for (int d = 0; d < BX_DIST_COUNT; d++)
            s->activity_gkm[d] += r->activity_gkm[m][d];
    memcpy(s->quality_mg, r->quality_mg, sizeof s->quality_mg);
    s->temp_uplift_mg = r->temp_uplift_mg;
    s->refrigerant_mg = r->refrigerant_mg;
}

static bx_status add_to(bx_carbon_totals *t, bx_totals_group gi, const char *key,
                        size_t len, const bx_carbon_sum *s)
{
    bx_carbon_sum *row;
    bx_status st = row_of(t, &t->g[gi], key, len, &row);
    if (st != BX_OK)
        return st;
    if (!sum_fits(row, s))
        return bxi_error(t->ctx, BX_ELIMIT, "totals for %s '%s' overflow 64 bits",
                        group_names[gi], key);
    sum_add(row, s);
    return BX_OK;
}

/* A mode row holds the part's own figures in the column it belongs to. */
static void part_sum(bx_carbon_sum *s, const bx_shipment *sh, const bx_carbon_result *r,
                     int part)
{
    memset(s, 0, sizeof *s);
    s->shipments = 1;
    s->mass_g = sh->mass_g > 0 ? sh->mass_g : 0;
    const bx_co2e *v = &r->part[part];
    if (part == BX_PART_PACKAGING)
        s->packaging_mg = v->wtw_mg;
    else if (part == BX_PART_HUB)
        s->hub = *v;
    else
        s->transport = *v;
    s->total = *v;
    if (part == BX_PART_PACKAGING)
        s->total.wtt_mg = s->total.ttw_mg = 0;
    if (part < BX_MODE_COUNT)
        memcpy(s->activity_gkm, r->activity_gkm[part], sizeof s->activity_gkm);
    memcpy(s->quality_mg, r->part_quality_mg[part], sizeof s->quality_mg);
}

static int64_t activity_of(const bx_carbon_sum *s)
{
    return s->activity_gkm[0] + s->activity_gkm[1] + s->activity_gkm[2];
}

static bx_status add_result(bx_carbon_totals *t, bx_totals_group gi, long row,
                            const bx_carbon_sum *s);

/* What part_sum then add_result do, without the sum in between: this runs
 * for each part of every shipment. */
static bx_status add_part(bx_carbon_totals *t, long row, const bx_shipment *sh,
                          const bx_carbon_result *r, int part)
{
    bx_carbon_sum *d = &t->g[BX_BY_MODE].sums[row];
    const bx_co2e *v = &r->part[part];
    int64_t mass = sh->mass_g > 0 ? sh->mass_g : 0;
    const int64_t *act = part < BX_MODE_COUNT ? r->activity_gkm[part] : NULL;
    int64_t gkm = act != NULL ? act[0] + act[1] + act[2] : 0;
    if (d->total.wtw_mg > INT64_MAX - v->wtw_mg || d->mass_g > INT64_MAX - mass ||
        d->shipments == INT64_MAX || activity_of(d) > INT64_MAX - gkm) {
        bx_carbon_sum s;
        part_sum(&s, sh, r, part);
        return add_result(t, BX_BY_MODE, row, &s); /* says which row overflows */
    }
    d->shipments++;
    d->mass_g += mass;
    if (part == BX_PART_PACKAGING) {
        d->packaging_mg += v->wtw_mg;
        d->total.wtw_mg += v->wtw_mg;
    } else {
        add_co2e(part == BX_PART_HUB ? &d->hub : &d->transport, v);
        add_co2e(&d->total, v);
    }
    if (act != NULL)
        for (int k = 0; k < BX_DIST_COUNT; k++)
            d->activity_gkm[k] += act[k];
    for (int q = 0; q < 3; q++)
        d->quality_mg[q] += r->part_quality_mg[part][q];
    return BX_OK;
}

/* Figures from bx_carbon_compute are never negative and every part is at
 * most the total WTW, so when the sums of total WTW, mass and count fit,
 * every other sum fits too: three checks instead of twelve. */
static bool result_fits(const bx_carbon_sum *row, const bx_carbon_sum *s)
{
    return row->total.wtw_mg <= INT64_MAX - s->total.wtw_mg &&
           row->mass_g <= INT64_MAX - s->mass_g && row->shipments < INT64_MAX &&
           activity_of(row) <= INT64_MAX - activity_of(s);
}

static bx_status add_result(bx_carbon_totals *t, bx_totals_group gi, long row,
                            const bx_carbon_sum *s)
{
    bx_carbon_sum *r = &t->g[gi].sums[row];
    if (!result_fits(r, s))
        return bxi_error(t->ctx, BX_ELIMIT, "totals for %s '%s' overflow 64 bits",
                        group_names[gi], bxi_carbon_idmap_key(&t->g[gi].keys, (size_t)row));
    sum_add(r, s);
    return BX_OK;
}

static bx_status find_row(bx_carbon_totals *t, bx_totals_group gi, const char *key,
                          size_t len, long *row)
{
    bx_carbon_sum *unused;
    bx_status st = row_of(t, &t->g[gi], key, len, &unused);
    *row = t->g[gi].last;
    return st;
}

/* A caller's result may hold any figures: each is bounded by the total
 * before any sum is formed, so no sum can overflow. */
static bool valid_result(const bx_carbon_result *r)
{
    int64_t total = r->total.wtw_mg;
    if (total < 0 || total > BX_CO2E_MAX_MG || r->transport.wtw_mg < 0 ||
        r->transport.wtw_mg > total || r->hub.wtw_mg < 0 || r->hub.wtw_mg > total ||
        r->packaging_mg < 0 || r->packaging_mg > total ||
        r->transport.wtw_mg + r->hub.wtw_mg + r->packaging_mg != total ||
        r->temp_uplift_mg < 0 || r->refrigerant_mg < 0 ||
        r->temp_uplift_mg > r->transport.wtw_mg ||
        r->refrigerant_mg > r->transport.wtw_mg - r->temp_uplift_mg ||
        r->nenergy > BX_ENERGY_MAX)
        return false;
    /* carriers, when given, add up to transport and hub exactly */
    int64_t et = 0, eh = 0;
    for (size_t i = 0; i < r->nenergy; i++) {
        const bx_energy_share *e = &r->energy[i];
        if (e->carrier == NULL || e->carrier[0] == '\0' ||
            strlen(e->carrier) >= KEY_MAX || e->transport_mg < 0 || e->hub_mg < 0 ||
            e->transport_mg > r->transport.wtw_mg - et || e->hub_mg > r->hub.wtw_mg - eh)
            return false;
        et += e->transport_mg;
        eh += e->hub_mg;
    }
    if (r->nenergy > 0 && (et != r->transport.wtw_mg || eh != r->hub.wtw_mg))
        return false;
    for (int p = 0; p < BX_PART_COUNT; p++) {
        const bx_co2e *v = &r->part[p];
        if (v->wtt_mg < 0 || v->ttw_mg < 0 || v->wtw_mg > total || v->wtt_mg > v->wtw_mg ||
            v->ttw_mg > v->wtw_mg - v->wtt_mg)
            return false;
        const int64_t *q = r->part_quality_mg[p];
        if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] > v->wtw_mg || q[1] > v->wtw_mg - q[0] ||
            q[2] != v->wtw_mg - q[0] - q[1])
            return false;
    }
    /* activity: each cell at most a shipment's largest (mass x 40,000 km
     * on each of the modes), so the sum of the cells cannot overflow */
    for (int m = 0; m < BX_MODE_COUNT; m++)
        for (int d = 0; d < BX_DIST_COUNT; d++)
            if (r->activity_gkm[m][d] < 0 || r->activity_gkm[m][d] > INT64_C(1) << 58)
                return false;
    return r->quality_mg[0] >= 0 && r->quality_mg[1] >= 0 && r->quality_mg[2] >= 0 &&
           r->quality_mg[0] <= total && r->quality_mg[1] <= total - r->quality_mg[0] &&
           r->quality_mg[2] == total - r->quality_mg[0] - r->quality_mg[1];
}

/* One carrier's figures into its energy row. */
static bx_status add_energy(bx_carbon_totals *t, const bx_shipment *sh,
                            const bx_energy_share *e)
{
    if (e->transport_mg == 0 && e->hub_mg == 0)
        return BX_OK;
    size_t slot = 0;
    while (slot < ENERGY_CACHE && t->carrier_key[slot] != NULL &&
           t->carrier_key[slot] != e->carrier)
        slot++;
    long row;
    bx_status st;
    if (slot < ENERGY_CACHE && t->carrier_key[slot] == e->carrier &&
        strcmp(bxi_carbon_idmap_key(&t->g[BX_BY_ENERGY].keys, (size_t)t->carrier_row[slot]),
               e->carrier) == 0) {
        row = t->carrier_row[slot];
    } else {
        if ((st = find_row(t, BX_BY_ENERGY, e->carrier, strlen(e->carrier), &row)) != BX_OK)
            return st;
        if (slot < ENERGY_CACHE) {
            t->carrier_key[slot] = e->carrier;
            t->carrier_row[slot] = row;
        }
    }
    /* as add_part: straight into the row when its sums fit (valid_result
     * bounds each figure by the shipment's total) */
    bx_carbon_sum *d = &t->g[BX_BY_ENERGY].sums[row];
    int64_t mass = sh->mass_g > 0 ? sh->mass_g : 0, wtw = e->transport_mg + e->hub_mg;
    if (d->total.wtw_mg > INT64_MAX - wtw || d->mass_g > INT64_MAX - mass ||
        d->shipments == INT64_MAX) {
        bx_carbon_sum s;
        memset(&s, 0, sizeof s);
        s.shipments = 1;
        s.mass_g = mass;
        s.transport.wtw_mg = e->transport_mg;
        s.hub.wtw_mg = e->hub_mg;
        s.total.wtw_mg = wtw;
        return add_result(t, BX_BY_ENERGY, row, &s); /* says which row overflows */
    }
    d->shipments++;
    d->mass_g += mass;
    d->transport.wtw_mg += e->transport_mg;
    d->hub.wtw_mg += e->hub_mg;
    d->total.wtw_mg += wtw;
    return BX_OK;
}

bx_status bx_carbon_totals_add(bx_carbon_totals *t, const bx_shipment *sh,
                               const bx_carbon_result *r)
{
    if (t == NULL || sh == NULL || r == NULL || !valid_result(r))
        return t == NULL ? BX_EINVAL
                         : bxi_error(t->ctx, BX_EINVAL, "bx_carbon_totals_add: bad argument");
    bx_carbon_sum s;
    from_result(&s, sh, r);
    bx_status st;
    long row;
    if ((st = add_result(t, BX_BY_ALL, 0, &s)) != BX_OK)
        return st;
    if ((st = find_row(t, BX_BY_ROUTE, sh->route_id, strlen(sh->route_id), &row)) != BX_OK ||
        (st = add_result(t, BX_BY_ROUTE, row, &s)) != BX_OK)
        return st;
    int32_t month = sh->date / 100;
    if (month != t->last_month || t->last_month_row < 0) {
        /* YYYY-MM by hand: this runs once per shipment */
        char key[8];
        int y = month / 100, m = month % 100;
        key[0] = (char)('0' + y / 1000 % 10);
        key[1] = (char)('0' + y / 100 % 10);
        key[2] = (char)('0' + y / 10 % 10);
        key[3] = (char)('0' + y % 10);
        key[4] = '-';
        key[5] = (char)('0' + m / 10 % 10);
        key[6] = (char)('0' + m % 10);
        key[7] = '\0';
        if ((st = find_row(t, BX_BY_MONTH, key, 7, &t->last_month_row)) != BX_OK)
            return st;
        t->last_month = month;
    }
    if ((st = add_result(t, BX_BY_MONTH, t->last_month_row, &s)) != BX_OK)
        return st;
    const char *pk = r->packaging_key != NULL ? r->packaging_key : "none";
    if (pk != t->last_pack || t->last_pack_row < 0) {
        if ((st = find_row(t, BX_BY_PACKAGING, pk, strlen(pk), &t->last_pack_row)) != BX_OK)
            return st;
        t->last_pack = pk;
    }
    if ((st = add_result(t, BX_BY_PACKAGING, t->last_pack_row, &s)) != BX_OK)
        return st;
    for (int p = 0; p < BX_PART_COUNT; p++) {
        const bx_co2e *v = &r->part[p];
        if (v->wtw_mg == 0 && v->ttw_mg == 0 && v->wtt_mg == 0)
            continue;
        if (t->mode_row[p] < 0) {
            const char *name = bx_part_name(p);
            if ((st = find_row(t, BX_BY_MODE, name, strlen(name), &t->mode_row[p])) != BX_OK)
                return st;
        }
        if ((st = add_part(t, t->mode_row[p], sh, r, p)) != BX_OK)
            return st;
    }
    for (size_t i = 0; i < r->nenergy; i++)
        if ((st = add_energy(t, sh, &r->energy[i])) != BX_OK)
            return st;
    return BX_OK;
}

bx_ctx *bxi_carbon_totals_ctx(const bx_carbon_totals *t)
{
    return t->ctx;
}

bx_status bxi_carbon_totals_put(bx_carbon_totals *t, bx_totals_group g, const char *key,
                         size_t len, const bx_carbon_sum *s, bool *existed)
{
    *existed = bxi_carbon_idmap_find(&t->g[g].keys, key, len) >= 0;
    return add_to(t, g, key, len, s);
}

void bx_carbon_totals_exclude(bx_carbon_totals *t, uint64_t n)
{
    if (t != NULL)
        t->excluded += n;
}

uint64_t bx_carbon_totals_excluded(const bx_carbon_totals *t)
{
    return t == NULL ? 0 : t->excluded;
}

const char *bx_carbon_totals_set_id(const bx_carbon_totals *t)
{
    return t == NULL ? "" : t->set_id;
}

const char *bx_carbon_totals_set_version(const bx_carbon_totals *t)
{
    return t == NULL ? "" : t->set_version;
}

/* Adopt or check the factor set of totals being merged in. */
static bx_status same_set(bx_carbon_totals *dst, const char *id, const char *version,
                          const char *what)
{
    if (dst->set_id[0] == '\0' && dst->set_version[0] == '\0')
        return BX_OK;
    if (strcmp(dst->set_id, id) != 0 || strcmp(dst->set_version, version) != 0)
        return bxi_error(dst->ctx, BX_EINPUT, "%s: factor set %s %s does not match %s %s: "
                                             "totals of different factor sets do not add up",
                        what, id, version, dst->set_id, dst->set_version);
    return BX_OK;
}

bx_status bx_carbon_totals_merge(bx_carbon_totals *dst, const bx_carbon_totals *src)
{
    if (dst == NULL || src == NULL)
        return dst == NULL ? BX_EINVAL
                           : bxi_error(dst->ctx, BX_EINVAL, "bx_carbon_totals_merge: bad argument");
    bx_status st = same_set(dst, src->set_id, src->set_version, "merge");
    if (st != BX_OK)
        return st;
    /* Check every sum first, so an overflow leaves dst as it was. */
    for (int gi = 0; gi < BX_BY_COUNT; gi++) {
        const group *sg = &src->g[gi];
        for (size_t i = 0; i < sg->keys.n; i++) {
            const char *key = bxi_carbon_idmap_key(&sg->keys, i);
            long j = bxi_carbon_idmap_find(&dst->g[gi].keys, key, strlen(key));
            if (j >= 0 && !sum_fits(&dst->g[gi].sums[j], &sg->sums[i]))
                return bxi_error(dst->ctx, BX_ELIMIT, "totals for %s '%s' overflow 64 bits",
                                group_names[gi], key);
        }
    }
    if (dst->excluded > UINT64_MAX - src->excluded)
        return bxi_error(dst->ctx, BX_ELIMIT, "excluded row count overflows");
    if (dst->set_id[0] == '\0' && dst->set_version[0] == '\0') {
        memcpy(dst->set_id, src->set_id, sizeof dst->set_id);
        memcpy(dst->set_version, src->set_version, sizeof dst->set_version);
    }
    for (int gi = 0; gi < BX_BY_COUNT; gi++) {
        const group *sg = &src->g[gi];
        for (size_t i = 0; i < sg->keys.n; i++) {
            const char *key = bxi_carbon_idmap_key(&sg->keys, i);
            bx_carbon_sum *row;
            if ((st = row_of(dst, &dst->g[gi], key, strlen(key), &row)) != BX_OK)
                return st;
            sum_add(row, &sg->sums[i]);
        }
    }
    dst->excluded += src->excluded;
    return BX_OK;
}

typedef struct keyed {
    const char *key;
    size_t index;
} keyed;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static bx_status sort_group(bx_carbon_totals *t, group *g)
{
    if (g->sorted)
        return BX_OK;
    size_t n = g->keys.n;
    if (n > g->order_cap) {
        size_t *p = bx_realloc(t->ctx, g->order, n * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        g->order = p;
        g->order_cap = n;
    }
    keyed *k = bx_alloc(t->ctx, (n ? n : 1) * sizeof *k);
    if (k == NULL)
        return BX_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        k[i].key = bxi_carbon_idmap_key(&g->keys, i);
        k[i].index = i;
    }
    /* Keys are distinct, so any sort gives the same order. */
    qsort(k, n, sizeof *k, by_key);
    for (size_t i = 0; i < n; i++)
        g->order[i] = k[i].index;
    bx_free(t->ctx, k);
    g->sorted = true;
    return BX_OK;
}

size_t bx_carbon_totals_count(bx_carbon_totals *t, bx_totals_group g)
{
    return t == NULL || g < 0 || g >= BX_BY_COUNT ? 0 : t->g[g].keys.n;
}

bx_status bx_carbon_totals_row(bx_carbon_totals *t, bx_totals_group gi, size_t i,
                               const char **key, bx_carbon_sum *sum)
{
    if (t == NULL || gi < 0 || gi >= BX_BY_COUNT || i >= t->g[gi].keys.n)
        return BX_EINVAL;
    group *g = &t->g[gi];
    bx_status st = sort_group(t, g);
    if (st != BX_OK)
        return st;
    size_t j = g->order[i];
    if (key != NULL)
        *key = bxi_carbon_idmap_key(&g->keys, j);
    if (sum != NULL)
        *sum = g->sums[j];
    return BX_OK;
}

void bx_carbon_totals_free(bx_carbon_totals *t)
{
    if (t == NULL)
        return;
    for (int i = 0; i < BX_BY_COUNT; i++) {
        bxi_carbon_idmap_free(&t->g[i].keys);
        bx_free(t->ctx, t->g[i].sums);
        bx_free(t->ctx, t->g[i].order);
    }
    bx_free(t->ctx, t);
}
