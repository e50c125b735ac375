/*
 * engine.c: the packing API: engine lifetime, units that no box can take,
 * `alone` and `group` units, lower bounds, and the result.
 */
#include <string.h>

#include "bounds.h"
#include "custom_box.h"
#include "engine.h"
#include "units.h"

bx_engine_limits bx_engine_limits_default(void)
{
    bx_engine_limits l = {100000, BX_DEFAULT_BUDGET};
    return l;
}

void bx_pack_options_init(bx_pack_options *o)
{
    memset(o, 0, sizeof *o);
    o->objective = BX_OBJECTIVE_BOXES;
    o->rotation_override = -1;
    o->support = BX_SUPPORT_STABLE;
    o->support_pct = BX_DEFAULT_SUPPORT_PCT;
}

const char *bx_support_name(bx_support support)
{
    switch (support) {
    case BX_SUPPORT_STABLE: return "stable";
    case BX_SUPPORT_NONE: return "none";
    }
    return "unknown";
}

bx_status bx_support_parse(const char *s, bx_support *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    if (strcmp(s, "stable") == 0)
        *out = BX_SUPPORT_STABLE;
    else if (strcmp(s, "none") == 0)
        *out = BX_SUPPORT_NONE;
    else
        return BX_EINPUT;
    return BX_OK;
}

const char *bx_effort_name(bx_effort effort)
{
    switch (effort) {
    case BX_EFFORT_NORMAL: return "normal";
    case BX_EFFORT_HIGH: return "high";
    }
    return "unknown";
}

bx_status bx_effort_parse(const char *s, bx_effort *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    if (strcmp(s, "normal") == 0)
        *out = BX_EFFORT_NORMAL;
    else if (strcmp(s, "high") == 0)
        *out = BX_EFFORT_HIGH;
    else
        return BX_EINPUT;
    return BX_OK;
}

static const char *const objective_names[] = {"boxes", "volume", "material", "cost", "co2e",
                                             "custom"};

const char *bx_objective_name(bx_objective objective)
{
    if ((unsigned)objective < BX_ARRAY_LEN(objective_names))
        return objective_names[objective];
    return "unknown";
}

bx_status bx_objective_parse(const char *s, bx_objective *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < BX_ARRAY_LEN(objective_names); i++)
        if (strcmp(s, objective_names[i]) == 0) {
            *out = (bx_objective)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

const char *bx_unpacked_reason_text(bx_unpacked_reason reason)
{
    switch (reason) {
    case BX_UNPACKED_TOO_LARGE: return "too large for every box";
    case BX_UNPACKED_TOO_HEAVY: return "too heavy for every box";
    case BX_UNPACKED_OUT_OF_STOCK: return "the boxes that would hold it are out of stock";
    case BX_UNPACKED_GROUP: return "its group does not fit in one box";
    case BX_UNPACKED_BUDGET: return "work budget exhausted";
    case BX_UNPACKED_NOT_ALLOWED: return "no box it may use holds it";
    }
    return "unknown";
}

bx_status bx_engine_new(bx_ctx *ctx, bx_engine **out, const bx_engine_limits *limits)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_engine_new: out is NULL");
    bx_engine *e = bx_alloc(ctx, sizeof *e);
    if (e == NULL)
        return BX_ENOMEM;
    memset(e, 0, sizeof *e);
    e->ctx = ctx;
    e->limits = limits ? *limits : bx_engine_limits_default();
    if (e->limits.max_units == 0)
        e->limits.max_units = bx_engine_limits_default().max_units;
    if (e->limits.default_budget == 0)
        e->limits.default_budget = BX_DEFAULT_BUDGET;
    *out = e;
    return BX_OK;
}

static void free_bins(bx_ctx *ctx, pk_bins *s)
{
    for (uint32_t i = 0; i < s->capbins; i++) {
        bx_free(ctx, s->bins[i].items);
        bx_free(ctx, s->bins[i].points);
    }
    bx_free(ctx, s->bins);
}

void bx_engine_free(bx_engine *e)
{
    if (e == NULL)
        return;
    bx_ctx *ctx = e->ctx;
    bx_free(ctx, e->units);
    bx_free(ctx, e->idx);
    bx_free(ctx, e->state);
    bx_free(ctx, e->rank);
    bx_free(ctx, e->measure);
    bx_free(ctx, e->stock);
    bx_free(ctx, e->used);
    free_bins(ctx, &e->cur);
    free_bins(ctx, &e->best);
    free_bins(ctx, &e->seed);
    bx_free(ctx, e->tmp.items);
    bx_free(ctx, e->tmp.points);
    bx_free(ctx, e->tmp2.items);
    bx_free(ctx, e->tmp2.points);
    bx_free(ctx, e->rboxes);
    bx_free(ctx, e->rplace);
    bx_free(ctx, e->runpacked);
    bx_free(ctx, e->scratch);
    bx_free(ctx, e->rules.load);
    bx_free(ctx, e->rules.by_z);
    bxi_pk_custom_free(ctx, e->custom);
    bx_free(ctx, e);
}

void *bxi_pk_engine_scratch(bx_engine *e, size_t bytes)
{
    if (bytes > e->scratch_size) {
        void *p = bx_realloc(e->ctx, e->scratch, bytes);
        if (p == NULL)
            return NULL;
        e->scratch = p;
        e->scratch_size = bytes;
    }
    return e->scratch;
}

/* ---- catalog ranking ------------------------------------------------------- */

static double measure_of(const bx_engine *e, const bx_pack_options *o, uint32_t k)
{
    const bx_box *b = bx_catalog_box(e->cat, k);
    switch (o->objective) {
    case BX_OBJECTIVE_MATERIAL:
        if (b->has & BX_BOX_HAS_MATERIAL_MASS)
            return (double)b->material_mass_g;
        return (b->has & BX_BOX_HAS_TARE) ? (double)b->tare_g : 0.0;
    case BX_OBJECTIVE_COST:
        return (b->has & BX_BOX_HAS_COST) ? b->cost : 0.0;
    case BX_OBJECTIVE_CO2E:
        return o->box_co2e_g[k];
    case BX_OBJECTIVE_CUSTOM:
        return o->box_measure[k];
    default:
        return (double)pk_inner_volume(b);
    }
}

static bx_status prepare_catalog(bx_engine *e, const bx_pack_options *o)
{
    uint32_t n = (uint32_t)bx_catalog_count(e->cat);
    e->nbox = n;
    uint32_t c1 = e->box_cap;
    void *r = e->rank;
    bx_status st = bxi_grow32(e->ctx, &r, &c1, n, sizeof *e->rank, UINT32_MAX, "box types");
    e->rank = r;
    size_t c2 = e->box_cap, c3 = e->box_cap, c4 = e->box_cap;
    void *m = e->measure, *s = e->stock, *u = e->used;
    if (st == BX_OK)
        st = bxi_grow(e->ctx, &m, &c2, n, sizeof *e->measure, UINT32_MAX, "box types");
    e->measure = m;
    if (st == BX_OK)
        st = bxi_grow(e->ctx, &s, &c3, n, sizeof *e->stock, UINT32_MAX, "box types");
    e->stock = s;
    if (st == BX_OK)
        st = bxi_grow(e->ctx, &u, &c4, n, sizeof *e->used, UINT32_MAX, "box types");
    e->used = u;
    if (st != BX_OK)
        return st;
    e->box_cap = c1 < c2 ? c1 : (uint32_t)c2;
    if ((size_t)e->box_cap > c3)
        e->box_cap = (uint32_t)c3;
    if ((size_t)e->box_cap > c4)
        e->box_cap = (uint32_t)c4;
    for (uint32_t k = 0; k < n; k++) {
        e->measure[k] = measure_of(e, o, k);
        const bx_box *b = bx_catalog_box(e->cat, k);
        e->stock[k] = o->stock ? o->stock[k] : b->stock;
        if (o->box_allowed != NULL && !o->box_allowed[k])
            e->stock[k] = 0;
        e->used[k] = 0;
    }
    /* Rank: measure, then inner volume, then catalog order (insertion sort:
     * catalogs are small and this is stable). */
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i;
        while (j > 0) {
            uint32_t a = e->rank[j - 1];
            double ma = e->measure[a], mi = e->measure[i];
            int64_t va = pk_inner_volume(bx_catalog_box(e->cat, a));
            int64_t vi = pk_inner_volume(bx_catalog_box(e->cat, i));
            if (ma < mi || (ma == mi && va <= vi))
                break;
            e->rank[j] = a;
            j--;
        }
        e->rank[j] = i;
    }
    return BX_OK;
}

/* ---- units no box takes ------------------------------------------------------ */

static bx_status add_unpacked(bx_engine *e, uint32_t u, bx_unpacked_reason why)
{
    const pk_unit *un = &e->units[u];
    e->state[u] = 2;
    /* Units of a line come together: extend the last entry if it matches. */
    if (e->nunpacked > 0) {
        bx_unpacked *last = &e->runpacked[e->nunpacked - 1];
        if (last->line == un->line && last->reason == why) {
            last->units++;
            return BX_OK;
        }
    }
    void *p = e->runpacked;
    bx_status st = bxi_grow(e->ctx, &p, &e->runpacked_cap, e->nunpacked + 1, sizeof *e->runpacked,
                            SIZE_MAX, "units left unpacked");
    e->runpacked = p;
    if (st != BX_OK)
        return st;
    e->runpacked[e->nunpacked++] = (bx_unpacked){un->line, 1, why};
    return BX_OK;
}

/* Why no box of the catalog takes unit u on its own, or 0 if one does. */
static int unpackable(const bx_engine *e, const bx_pack_options *opt, const pk_unit *u)
{
    bool size_ok = false, payload_ok = false, allowed_ok = false;
    for (uint32_t k = 0; k < e->nbox; k++) {
        const bx_box *b = bx_catalog_box(e->cat, k);
        bool fits = false;
        for (int o = 0; o < u->norient && !fits; o++)
            fits = u->orient[o][0] <= b->inner_l_mm && u->orient[o][1] <= b->inner_w_mm &&
                   u->orient[o][2] <= b->inner_h_mm;
        if (!fits || (e->rules.max_fill_pct > 0 &&
                      100 * u->volume > (int64_t)e->rules.max_fill_pct * pk_inner_volume(b)))
            continue;
        size_ok = true;
        if (!bxi_pk_unit_fits_box(u, b, &e->rules))
            continue;
        payload_ok = true;
        if (opt->box_allowed != NULL && !opt->box_allowed[k])
            continue;
        allowed_ok = true;
        if (e->stock[k] != 0)
            return 0;
    }
    if (!size_ok)
        return BX_UNPACKED_TOO_LARGE;
    if (!payload_ok)
        return BX_UNPACKED_TOO_HEAVY;
    return allowed_ok ? BX_UNPACKED_OUT_OF_STOCK : BX_UNPACKED_NOT_ALLOWED;
}

/* `alone` units: each in the best-ranked box that holds it. */
static bx_status seed_alone(bx_engine *e)
{
    for (uint32_t u = 0; u < e->nunits; u++) {
        if (e->state[u] != 0 || !e->units[u].alone)
            continue;
        uint32_t box = UINT32_MAX;
        for (uint32_t r = 0; r < e->nbox && box == UINT32_MAX; r++) {
            uint32_t k = e->rank[r];
            if (pk_stock_left(e, k) &&
                bxi_pk_unit_fits_box(&e->units[u], bx_catalog_box(e->cat, k), &e->rules))
                box = k;
        }
        if (box == UINT32_MAX) {
            bx_status st = add_unpacked(e, u, BX_UNPACKED_OUT_OF_STOCK);
            if (st != BX_OK)
                return st;
            continue;
        }
        pk_bins *s = &e->seed;
        if (bxi_pk_bins_reserve(e->ctx, s, s->nbins + 1) != BX_OK)
            return BX_ENOMEM;
        pk_bin *b = &s->bins[s->nbins];
        bxi_pk_bin_reset(b, box, bx_catalog_box(e->cat, box));
        if (bxi_pk_bin_reserve(e->ctx, b, e->bin_floor) != BX_OK)
            return BX_ENOMEM;
        bxi_pk_bin_reset(b, box, bx_catalog_box(e->cat, box));
        if (!bxi_pk_bin_insert(b, e->units, u, PK_MERIT_BLF, &e->rules, &e->work))
            return bxi_error(e->ctx, BX_EINTERNAL, "an alone unit does not fit its box");
        b->closed = true;
        s->nbins++;
        e->used[box]++;
        e->state[u] = 1;
    }
    return BX_OK;
}

/* Each group's units: together in the best-ranked box that takes them all. */
static bx_status seed_groups(bx_engine *e)
{
    uint32_t *members = e->idx + 3 * (size_t)e->list_len;
    for (int32_t g = 0; g < e->ngroups; g++) {
        uint32_t n = 0;
        for (uint32_t u = 0; u < e->nunits; u++)
            if (e->state[u] == 0 && e->units[u].group == g)
                members[n++] = u;
        if (n == 0)
            continue;
        /* copy: bxi_pk_pack_single may reuse list 3 */
        uint32_t *group = e->idx + 4 * (size_t)e->list_len;
        memcpy(group, members, (size_t)n * sizeof *group);
        bool done = false;
        for (uint32_t r = 0; r < e->nbox && !done; r++) {
            uint32_t k = e->rank[r];
            const bx_box *b = bx_catalog_box(e->cat, k);
            int64_t vol = 0, weight = 0;
            bool each = true;
            for (uint32_t i = 0; i < n; i++) {
                vol += e->units[group[i]].volume;
                weight += e->units[group[i]].weight_g;
                each = each && bxi_pk_unit_fits_box(&e->units[group[i]], b, &e->rules);
            }
            int64_t tare = (b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0;
            if (!pk_stock_left(e, k) || !each || vol > pk_inner_volume(b) || weight > b->max_weight_g - tare)
                continue;
            int ok = bxi_pk_pack_single(e, k, group, n, &e->tmp);
            if (ok < 0)
                return BX_ENOMEM;
            if (ok == 0)
                continue;
            pk_bins *s = &e->seed;
            if (bxi_pk_bins_reserve(e->ctx, s, s->nbins + 1) != BX_OK ||
                bxi_pk_bin_copy(e->ctx, &s->bins[s->nbins], &e->tmp) != BX_OK)
                return BX_ENOMEM;
            s->nbins++;
            e->used[k]++;
            for (uint32_t i = 0; i < n; i++)
                e->state[group[i]] = 1;
            done = true;
        }
        for (uint32_t i = 0; i < n && !done; i++) {
            bx_status st = add_unpacked(e, group[i], BX_UNPACKED_GROUP);
            if (st != BX_OK)
                return st;
        }
    }
    return BX_OK;
}

/* ---- lower bound -------------------------------------------------------------- */

/* Does box a dominate every other box (at least as large along each sorted
 * axis, at least the payload)? Then no packing in mixed boxes beats the
 * bound for a alone, and the strong bounds of box a are valid. */
static bool dominates(const bx_engine *e, uint32_t a)
{
    const bx_box *A = bx_catalog_box(e->cat, a);
    for (uint32_t k = 0; k < e->nbox; k++) {
        const bx_box *B = bx_catalog_box(e->cat, k);
        int32_t da[3] = {A->inner_l_mm, A->inner_w_mm, A->inner_h_mm};
        int32_t db[3] = {B->inner_l_mm, B->inner_w_mm, B->inner_h_mm};
        /* exact comparison per axis: rotation rules tie h to the vertical */
        for (int i = 0; i < 3; i++)
            if (da[i] < db[i])
                return false;
        int64_t pa = A->max_weight_g - ((A->has & BX_BOX_HAS_TARE) ? A->tare_g : 0);
        int64_t pb = B->max_weight_g - ((B->has & BX_BOX_HAS_TARE) ? B->tare_g : 0);
        if (pa < pb)
            return false;
    }
    return true;
}

/* A lower bound on the bins for units idx[0..n): volume and weight against
 * the largest box; with a box that dominates the catalog, also L1/L2; and
 * the conflict clique over the box types in stock: units pairwise unable
 * to share a box of any type. Beyond BXI_PK_CLIQUE_MAX_BINS types, their
 * envelope stands for them (per axis the largest inner size, the largest
 * payload): every box lies inside it, so units that cannot share the
 * envelope share no box. */
bx_status bxi_pk_lower_bound_units(bx_engine *e, const uint32_t *idx, uint32_t n, uint32_t *out)
{
    *out = 0;
    if (n == 0)
        return BX_OK;
    int64_t vol = 0, weight = 0, max_vol = 0, max_payload = 0;
    for (uint32_t i = 0; i < n; i++) {
        vol += e->units[idx[i]].volume;
        weight += e->units[idx[i]].weight_g;
    }
    uint32_t top = UINT32_MAX;
    for (uint32_t k = 0; k < e->nbox; k++) {
        const bx_box *b = bx_catalog_box(e->cat, k);
        if (e->stock[k] == 0)
            continue;
        int64_t v = pk_inner_volume(b);
        int64_t p = b->max_weight_g - ((b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0);
        if (v > max_vol) {
            max_vol = v;
            top = k;
        }
        if (p > max_payload)
            max_payload = p;
    }
    int64_t lb = pk_ceil_div(vol, max_vol);
    int64_t lw = pk_ceil_div(weight, max_payload);
    if (lw > lb)
        lb = lw;
    /* n boxes always do (each unit fits some type), so no valid bound
     * passes n: at n already, the rest cannot add anything */
    if (top != UINT32_MAX && lb < (int64_t)n) {
        bxi_pk_bin bins[BXI_PK_CLIQUE_MAX_BINS], env = {{0, 0, 0}, max_payload};
        size_t nbins = 0;
        for (uint32_t k = 0; k < e->nbox; k++) {
            const bx_box *b = bx_catalog_box(e->cat, k);
            if (e->stock[k] == 0)
                continue;
            const int32_t d[3] = {b->inner_l_mm, b->inner_w_mm, b->inner_h_mm};
            for (int a = 0; a < 3; a++)
                if (d[a] > env.dim[a])
                    env.dim[a] = d[a];
            if (nbins < BXI_PK_CLIQUE_MAX_BINS)
                bins[nbins] = (bxi_pk_bin){{d[0], d[1], d[2]},
                                           b->max_weight_g -
                                               ((b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0)};
            nbins++;
        }
        if (nbins > BXI_PK_CLIQUE_MAX_BINS) {
            bins[0] = env;
            nbins = 1;
        }
        /* masses, dims and rules, then the bounds' scratch */
        size_t head = (size_t)n * (sizeof(int32_t[3]) + sizeof(int64_t) + sizeof(bx_rotation));
        head = (head + 15) & ~(size_t)15;
        size_t need = bxi_pk_lower_bound_scratch(n);
        if (bxi_pk_clique_scratch(n, nbins) > need)
            need = bxi_pk_clique_scratch(n, nbins);
        unsigned char *mem = bxi_pk_engine_scratch(e, head + need);
        if (mem == NULL)
            return BX_ENOMEM;
        int64_t *mass = (int64_t *)mem; /* first: 8-byte aligned */
        int32_t(*dims)[3] = (int32_t(*)[3])(mass + n);
        bx_rotation *rot = (bx_rotation *)(dims + n);
        for (uint32_t i = 0; i < n; i++) {
            memcpy(dims[i], e->units[idx[i]].dim, sizeof dims[i]);
            mass[i] = e->units[idx[i]].weight_g;
            rot[i] = (bx_rotation)e->units[idx[i]].rotation;
        }
        if (dominates(e, top)) {
            const bx_box *b = bx_catalog_box(e->cat, top);
            uint32_t l2 = bxi_pk_lower_bound((const int32_t(*)[3])dims, rot, n, b->inner_l_mm,
                                             b->inner_w_mm, b->inner_h_mm, NULL, mem + head);
            if ((int64_t)l2 > lb)
                lb = l2;
        }
        uint32_t lc = bxi_pk_clique_bound((const int32_t(*)[3])dims, rot, mass, n, bins, nbins,
                                          BXI_PK_CLIQUE_NODES, NULL, mem + head);
        if ((int64_t)lc > lb)
            lb = lc;
    }
    /* Two at least when no box type passes the necessary conditions for
     * holding everything on its own. */
    bool one = lb > 1;
    for (uint32_t k = 0; k < e->nbox && !one; k++)
        one = e->stock[k] != 0 && bxi_pk_may_hold(e, k, idx, n);
    if (!one)
        lb = 2;
    *out = (uint32_t)lb;
    return BX_OK;
}

bx_status bx_lower_bound(bx_engine *e, int32_t L, int32_t W, int32_t H,
                         const int32_t (*dims)[3], const bx_rotation *rot, size_t n,
                         uint32_t *lb, uint32_t lbs[3])
{
    if (e == NULL)
        return BX_EINVAL;
    if (lb == NULL || (n > 0 && (dims == NULL || rot == NULL)) || L <= 0 || W <= 0 || H <= 0)
        return bxi_error(e->ctx, BX_EINVAL, "bx_lower_bound: bad argument");
    void *mem = bxi_pk_engine_scratch(e, bxi_pk_lower_bound_scratch(n) + 16);
    if (mem == NULL)
        return BX_ENOMEM;
    *lb = bxi_pk_lower_bound(dims, rot, n, L, W, H, lbs, mem);
    return BX_OK;
}

bx_status bx_clique_bound(bx_engine *e, int32_t L, int32_t W, int32_t H, int64_t payload_g,
                          const int32_t (*dims)[3], const bx_rotation *rot,
                          const int64_t *mass_g, size_t n, uint64_t node_limit,
                          uint32_t *clique, bool *exact)
{
    if (e == NULL)
        return BX_EINVAL;
    if (clique == NULL || (n > 0 && (dims == NULL || rot == NULL)) || L <= 0 || W <= 0 ||
        H <= 0)
        return bxi_error(e->ctx, BX_EINVAL, "bx_clique_bound: bad argument");
    size_t need = bxi_pk_clique_scratch(n, 1);
    if (need == SIZE_MAX)
        return bxi_error(e->ctx, BX_ENOMEM, "bx_clique_bound: %zu units", n);
    void *mem = bxi_pk_engine_scratch(e, need + 16);
    if (mem == NULL)
        return BX_ENOMEM;
    bxi_pk_clique c;
    const bxi_pk_bin bin = {{L, W, H}, payload_g};
    *clique = bxi_pk_clique_bound(dims, rot, mass_g, n, &bin, 1,
                                  node_limit ? node_limit : BXI_PK_CLIQUE_NODES, &c, mem);
    if (exact != NULL)
        *exact = c.exact;
    return BX_OK;
}

/* ---- result ---------------------------------------------------------------- */

static bool load_before(const pk_item *a, const pk_item *b)
{
    if (a->z != b->z)
        return a->z < b->z;
    if (a->x != b->x)
        return a->x < b->x;
    return a->y < b->y;
}

static bx_status build_result(bx_engine *e)
{
    const pk_bins *s = &e->best;
    size_t nplace = 0;
    for (uint32_t i = 0; i < s->nbins; i++)
        nplace += s->bins[i].nitems;
    void *p = e->rboxes;
    bx_status st = bxi_grow(e->ctx, &p, &e->rboxes_cap, s->nbins, sizeof *e->rboxes, SIZE_MAX, "boxes");
    e->rboxes = p;
    p = e->rplace;
    if (st == BX_OK)
        st = bxi_grow(e->ctx, &p, &e->rplace_cap, nplace, sizeof *e->rplace, SIZE_MAX, "placements");
    e->rplace = p;
    if (st != BX_OK)
        return st;
    bx_pack_result *r = &e->result;
    memset(r, 0, sizeof *r);
    size_t at = 0;
    for (uint32_t i = 0; i < s->nbins; i++) {
        pk_bin *b = &s->bins[i];
        /* Load order: bottom up, then back to front, so every unit goes in
         * after what it rests on. Insertion sort on the bin's own items. */
        for (uint32_t a = 1; a < b->nitems; a++) {
            pk_item it = b->items[a];
            uint32_t j = a;
            while (j > 0 && load_before(&it, &b->items[j - 1])) {
                b->items[j] = b->items[j - 1];
                j--;
            }
            b->items[j] = it;
        }
        const bx_box *box = bx_catalog_box(e->cat, b->box);
        bx_packed_box *pb = &e->rboxes[i];
        pb->box_index = b->box;
        pb->box = box;
        pb->first_placement = at;
        pb->nplacements = b->nitems;
        pb->item_volume_mm3 = b->volume;
        pb->inner_volume_mm3 = pk_inner_volume(box);
        pb->items_weight_g = b->weight_g;
        pb->gross_weight_g = b->weight_g + ((box->has & BX_BOX_HAS_TARE) ? box->tare_g : 0);
        pb->fill_pct = 100.0 * (double)b->volume / (double)pb->inner_volume_mm3;
        pb->void_pct = 100.0 - pb->fill_pct;
        for (uint32_t k = 0; k < b->nitems; k++) {
            const pk_item *it = &b->items[k];
            const pk_unit *u = &e->units[it->unit];
            e->rplace[at++] = (bx_placement){u->line, u->unit, k + 1, it->x, it->y, it->z,
                                             it->l, it->w, it->h};
        }
        r->total_inner_volume_mm3 += pb->inner_volume_mm3;
        r->objective_total += e->measure[b->box];
    }
    r->boxes = e->rboxes;
    r->nboxes = s->nbins;
    r->placements = e->rplace;
    r->nplacements = at;
    r->unpacked = e->runpacked;
    r->nunpacked = e->nunpacked;
    r->work = e->work.used;
    return BX_OK;
}

/* Lower bound for the packed units: alone units need a box each; the rest
 * at least bxi_pk_lower_bound_units. */
static bx_status result_lower_bound(bx_engine *e, uint32_t *lb)
{
    uint32_t *l = e->idx;
    uint32_t n = 0, alone = 0;
    for (uint32_t u = 0; u < e->nunits; u++) {
        if (e->state[u] != 1)
            continue;
        if (e->units[u].alone)
            alone++;
        else
            l[n++] = u;
    }
    bx_status st = bxi_pk_lower_bound_units(e, l, n, lb);
    *lb += alone;
    return st;
}

/* Grow one bin's arrays to the engine's floor, if it has any. */
static bx_status floor_bin(bx_engine *e, pk_bin *b)
{
    if (b->icap == 0 || b->icap >= e->bin_floor)
        return BX_OK;
    uint32_t n = b->nitems;
    b->nitems = b->icap; /* force growth */
    uint32_t np = b->npoints;
    b->npoints = b->pcap;
    bx_status st = bxi_pk_bin_reserve(e->ctx, b, e->bin_floor);
    b->nitems = n;
    b->npoints = np;
    return st;
}

/* The floor rose (a larger order than any before): bring every bin already
 * made up to it now, so that bins trading arrays later never meet a small
 * one. */
static bx_status raise_floor(bx_engine *e)
{
    pk_bins *sets[] = {&e->cur, &e->best, &e->seed};
    bx_status st = BX_OK;
    for (size_t k = 0; k < BX_ARRAY_LEN(sets) && st == BX_OK; k++)
        for (uint32_t i = 0; i < sets[k]->capbins && st == BX_OK; i++)
            st = floor_bin(e, &sets[k]->bins[i]);
    if (st == BX_OK)
        st = floor_bin(e, &e->tmp);
    if (st == BX_OK)
        st = floor_bin(e, &e->tmp2);
    return st;
}

static bx_status prepare(bx_engine *e, const bx_catalog *cat, const bx_order *order,
                         const bx_pack_options *o)
{
    e->cat = cat;
    e->objective = o->objective;
    e->work.used = 0;
    e->high_effort = o->effort == BX_EFFORT_HIGH;
    e->work.budget = o->budget ? o->budget
                   : e->high_effort ? BX_HIGH_EFFORT_BUDGET : e->limits.default_budget;
    e->nunpacked = 0;
    e->rules.support = o->support == BX_SUPPORT_STABLE;
    e->rules.support_pct = o->support_pct ? (int32_t)o->support_pct : BX_DEFAULT_SUPPORT_PCT;
    e->rules.max_units = o->max_units_per_box;
    e->rules.max_fill_pct = o->max_fill_pct;
    e->seed.nbins = e->best.nbins = e->cur.nbins = 0;
    e->seed.nleft = e->best.nleft = e->cur.nleft = 0;
    bx_status st = prepare_catalog(e, o);
    if (st != BX_OK)
        return st;
    st = bxi_pk_units_build(e->ctx, order, o->rotation_override, e->limits.max_units, &e->units,
                        &e->unit_cap, &e->nunits, &e->ngroups);
    if (st != BX_OK)
        return st;
    uint32_t floor = e->unit_cap < PK_BIN_FLOOR_MAX ? e->unit_cap : PK_BIN_FLOOR_MAX;
    if (floor > e->bin_floor) {
        e->bin_floor = floor;
        if ((st = raise_floor(e)) != BX_OK)
            return st;
    }
    /* The one-box phase lists candidate box types: an order of 2 units
     * packed into a catalog of 12 boxes needs lists longer than its units. */
    e->list_len = e->unit_cap > e->nbox ? e->unit_cap : e->nbox;
    if (e->list_len > e->idx_cap / PK_LISTS || e->idx == NULL) {
        void *q = e->idx;
        st = bxi_grow32(e->ctx, &q, &e->idx_cap, (size_t)e->list_len * PK_LISTS, sizeof *e->idx,
                        UINT32_MAX, "candidate list entries");
        e->idx = q;
        if (st != BX_OK)
            return st;
    }
    if (e->unit_cap > e->state_cap) {
        uint8_t *p = bx_realloc(e->ctx, e->state, e->unit_cap);
        if (p == NULL)
            return BX_ENOMEM;
        e->state = p;
        e->state_cap = e->unit_cap;
    }
    memset(e->state, 0, e->nunits);
    e->rules.loads = false;
    e->rules.ties_last = false;
    for (uint32_t u = 0; u < e->nunits; u++)
        e->rules.loads = e->rules.loads || (e->units[u].max_load_g >= 0 && !e->units[u].fragile);
    if (e->rules.loads && e->unit_cap + 1 > e->load_cap) {
        double *l = bx_realloc(e->ctx, e->rules.load, ((size_t)e->unit_cap + 1) * sizeof *l);
        if (l == NULL)
            return BX_ENOMEM;
        e->rules.load = l;
        uint32_t *z = bx_realloc(e->ctx, e->rules.by_z, ((size_t)e->unit_cap + 1) * sizeof *z);
        if (z == NULL)
            return BX_ENOMEM;
        e->rules.by_z = z;
        e->load_cap = e->unit_cap + 1;
    }
    return BX_OK;
}

bx_status bx_pack(bx_engine *e, const bx_catalog *cat, const bx_order *order,
                  const bx_pack_options *options, const bx_pack_result **result)
{
    if (e == NULL)
        return BX_EINVAL;
    if (cat == NULL || order == NULL || result == NULL)
        return bxi_error(e->ctx, BX_EINVAL, "bx_pack: bad argument");
    *result = NULL;
    bx_pack_options defaults;
    if (options == NULL) {
        bx_pack_options_init(&defaults);
        options = &defaults;
    }
    if ((unsigned)options->objective > BX_OBJECTIVE_CUSTOM ||
        (options->objective == BX_OBJECTIVE_CO2E && options->box_co2e_g == NULL))
        return bxi_error(e->ctx, BX_EINVAL, "bx_pack: the co2e objective needs box_co2e_g");
    if (options->objective == BX_OBJECTIVE_CUSTOM) {
        if (options->box_measure == NULL)
            return bxi_error(e->ctx, BX_EINVAL, "bx_pack: the custom objective needs box_measure");
        for (size_t k = 0; k < bx_catalog_count(cat); k++)
            if (!(options->box_measure[k] >= 0.0) || options->box_measure[k] > 1e300)
                return bxi_error(e->ctx, BX_EINVAL, "bx_pack: box_measure[%zu] is %g; a "
                                "measure must be finite and >= 0", k, options->box_measure[k]);
    }
    if (options->rotation_override > BX_ROTATE_FIXED)
        return bxi_error(e->ctx, BX_EINVAL, "bx_pack: bad rotation_override");
    if ((unsigned)options->support > BX_SUPPORT_NONE || options->support_pct > 100 ||
        options->max_fill_pct > 100)
        return bxi_error(e->ctx, BX_EINVAL, "bx_pack: bad support, support_pct (%u) or "
                         "max_fill_pct (%u); the shares are 0..100", options->support_pct,
                         options->max_fill_pct);
    if ((unsigned)options->effort > BX_EFFORT_HIGH)
        return bxi_error(e->ctx, BX_EINVAL, "bx_pack: bad effort (%u)", (unsigned)options->effort);
    if (bxi_pk_custom_wanted(e, cat))
        return bxi_pk_custom_pack(e, cat, order, options, result);
    bx_status st = prepare(e, cat, order, options);
    if (st != BX_OK)
        return st;
    for (uint32_t u = 0; u < e->nunits && st == BX_OK; u++) {
        int why = unpackable(e, options, &e->units[u]);
        if (why != 0)
            st = add_unpacked(e, u, (bx_unpacked_reason)why);
    }
    if (st == BX_OK)
        st = seed_alone(e);
    if (st == BX_OK)
        st = seed_groups(e);
    if (st == BX_OK)
        st = bxi_pk_search(e);
    if (st == BX_OK) {
        /* Free units the search could not place ran out of boxes in stock. */
        for (uint32_t b = 0; b < e->best.nbins; b++)
            for (uint32_t i = 0; i < e->best.bins[b].nitems; i++)
                e->state[e->best.bins[b].items[i].unit] = 1;
        for (uint32_t u = 0; u < e->nunits && st == BX_OK; u++)
            if (e->state[u] == 0)
                st = add_unpacked(e, u, BX_UNPACKED_OUT_OF_STOCK);
    }
    if (st == BX_OK)
        st = build_result(e);
    uint32_t lb = 0;
    if (st == BX_OK)
        st = result_lower_bound(e, &lb);
    if (st != BX_OK)
        return st;
    e->result.lower_bound = lb;
    e->result.count_optimal = e->result.nboxes == e->result.lower_bound;
    *result = &e->result;
    return BX_OK;
}
