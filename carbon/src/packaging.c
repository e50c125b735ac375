/*
 * packaging.c: packaging footprints (method 7): single-use materials, and
 * reusable containers amortised over their trips (expected, or their
 * pool's real ones: usage.c), with break-even trips.
 *
 * A shipment's packaging text is resolved once and cached: first as a
 * container type, then as a catalog box, then as explicit materials
 * ("corrugated=304;ldpe=17", grams).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calc_internal.h"

#define MAX_MATERIALS 8
#define MAX_MATERIAL_G INT64_C(1000000000)

/* Terms are gathered in a small fixed buffer, then copied to the arena. */
typedef struct pack_builder {
    bxc_term terms[64];
    size_t n;
    bool overflow;
} pack_builder;

static void add(pack_builder *b, bxc_pack *p, bx_carbon *c, size_t factor,
                double k)
{
    c->factor_used[factor] = true;
    bxc_value v = bxi_carbon_factor_value(c->fs, factor);
    p->g += k * v.wtw;
    const bx_factor *f = bx_factor_set_at(c->fs, factor);
    if (f->quality > p->quality)
        p->quality = f->quality;
    if (b->n == BX_ARRAY_LEN(b->terms)) {
        b->overflow = true;
        return;
    }
    bxc_term t = {(uint32_t)factor, BX_PART_PACKAGING, BXI_CARBON_MASS, k};
    b->terms[b->n++] = t;
}

static bx_status finish(bx_carbon *c, pack_builder *b, bxc_pack *p)
{
    if (b->overflow) {
        /* Uncertainty needs every term; a packaging this complex is not a
         * real case, refuse it rather than under-count the spread. */
        p->valid = false;
        p->why = "packaging has too many parts";
        return BX_OK;
    }
    if (b->n == 0)
        return BX_OK;
    p->terms = bx_arena_alloc(&c->arena, b->n * sizeof *p->terms, 0);
    if (p->terms == NULL)
        return BX_ENOMEM;
    memcpy(p->terms, b->terms, b->n * sizeof *p->terms);
    p->nterms = b->n;
    return BX_OK;
}

static const char *keep(bx_carbon *c, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = bx_arena_alloc(&c->arena, n, 1);
    return p == NULL ? NULL : memcpy(p, s, n);
}

/* A reason that names something: formatted into the arena. */
static const char *reason(bx_carbon *c, const char *fmt, ...) BX_PRINTF(2, 3);
static const char *reason(bx_carbon *c, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *r = keep(c, buf);
    return r == NULL ? "out of memory" : r;
}

/* material x grams, plus its end of life when the set has one. */
static bool add_material(bx_carbon *c, pack_builder *b, bxc_pack *p,
                         const char *material, double grams)
{
    long m = bxi_carbon_factor_index(c->fs, BX_FACTOR_MATERIAL, material);
    if (m < 0) {
        p->valid = false;
        p->why = reason(c, "no material row '%s' in the factor set", material);
        return false;
    }
    add(b, p, c, (size_t)m, grams);
    long e = bxi_carbon_factor_index(c->fs, BX_FACTOR_EOL, material);
    if (e >= 0)
        add(b, p, c, (size_t)e, grams);
    return true;
}

/* "mat=grams;mat=grams" */
static void explicit_materials(bx_carbon *c, const char *text, pack_builder *b,
                               bxc_pack *p, char *key, size_t key_size)
{
    size_t kn = (size_t)snprintf(key, key_size, "explicit:");
    const char *s = text;
    size_t count = 0;
    for (;;) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        if (eq == NULL) {
            p->valid = false;
            p->why = "explicit packaging is material=grams, separated by ';'";
            return;
        }
        char mat[BX_ID_MAX];
        size_t mlen = (size_t)(eq - s);
        const char *why = bxi_id_problem(s, mlen);
        if (why != NULL) {
            p->valid = false;
            p->why = reason(c, "packaging material: identifier %s", why);
            return;
        }
        memcpy(mat, s, mlen);
        mat[mlen] = '\0';
        int64_t grams;
        if (!bxi_parse_int(eq + 1, len - mlen - 1, 0, MAX_MATERIAL_G, &grams, &why)) {
            p->valid = false;
            p->why = reason(c, "packaging grams: %s", why);
            return;
        }
        if (++count > MAX_MATERIALS) {
            p->valid = false;
            p->why = "more than 8 packaging materials";
            return;
        }
        if (!add_material(c, b, p, mat, (double)grams))
            return;
        if (kn < key_size)
            kn += (size_t)snprintf(key + kn, key_size - kn, "%s%s", count > 1 ? "+" : "",
                                   mat);
        if (end == NULL)
            break;
        s = end + 1;
    }
}

/* A single-use packaging text: a catalog box or explicit materials. */
static void single_use(bx_carbon *c, const char *text, pack_builder *b, bxc_pack *p,
                       char *key, size_t key_size)
{
    p->valid = true;
    p->quality = BX_DQ_PRIMARY;
    p->methods = BX_METHOD_PACKAGING;
    snprintf(key, key_size, "%s", text);
    const bx_box *box = c->opt.catalog ? bx_catalog_find(c->opt.catalog, text) : NULL;
    if (box != NULL) {
        if (box->reusable) {
            p->valid = false;
            p->why = reason(c, "box '%s' is a reusable type, but no container row "
                               "defines its trips and return", text);
            return;
        }
        if (!(box->has & BX_BOX_HAS_MATERIAL) || !(box->has & BX_BOX_HAS_MATERIAL_MASS)) {
            p->valid = false;
            p->why = reason(c, "box '%s' has no material and material_mass_g in the "
                               "catalog", text);
            return;
        }
        add_material(c, b, p, box->material, (double)box->material_mass_g);
        return;
    }
    if (strchr(text, '=') != NULL) {
        explicit_materials(c, text, b, p, key, key_size);
        return;
    }
    p->valid = false;
    p->why = reason(c, "unknown packaging '%s': not a container type, a catalog box "
                       "or materials such as corrugated=300", text);
}

/* ---- reusable containers ------------------------------------------------ */

static bx_status container_error(bx_carbon *c, const bx_container *k, const char *field,
                                 const char *fmt, ...) BX_PRINTF(4, 5);
static bx_status container_error(bx_carbon *c, const bx_container *k, const char *field,
                                 const char *fmt, ...)
{
    bx_location where = {0};
    where.file = bxi_carbon_containers_name(c->opt.containers);
    where.line = k->line;
    where.field = field;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return bxi_input_error(c->ctx, BX_EINPUT, &where, "container '%s': %s",
                          k->container_id, buf);
}

static int64_t break_even(double fixed_g, double per_trip_g, double single_g)
{
    if (single_g < per_trip_g || (single_g == per_trip_g && fixed_g > 0))
        return -1;
    if (fixed_g <= 0)
        return 1;
    double n = ceil(fixed_g / (single_g - per_trip_g));
    if (!(n < 1e12))
        return -1;
    int64_t t = n < 1 ? 1 : (int64_t)n;
    /* ceil of a rounded quotient may be one off either way */
    while (t > 1 && fixed_g / (double)(t - 1) + per_trip_g <= single_g)
        t--;
    while (fixed_g / (double)t + per_trip_g > single_g)
        t++;
    return t;
}

/* The empty return leg of one trip: *full_g when it comes back, counted
 * at `rate` (the share of trips that do come back). */
static bx_status return_leg(bx_carbon *c, const bx_container *k, pack_builder *b,
                            bxc_pack *p, double rate, double *g, double *full_g)
{
    *g = 0;
    *full_g = 0;
    if (k->return_route[0] == '\0')
        return BX_OK;
    const bx_route *route = bx_routes_find(c->routes, k->return_route);
    if (route == NULL)
        return container_error(c, k, "return_route", "no route '%s'", k->return_route);
    const bxc_route *r = &c->compiled[route - bx_routes_at(c->routes, 0)];
    if (!r->valid)
        return container_error(c, k, "return_route", "route '%s' is invalid",
                               k->return_route);
    if (r->needs_drop)
        return container_error(c, k, "return_route", "route '%s' has a multi-drop "
                                                     "round, which needs a drop "
                                                     "distance", k->return_route);
    /* The empty container travels as one item of its own mass. */
    for (size_t i = 0; i < r->nterms; i++) {
        const bxc_term *t = &r->terms[i];
        double x = t->driver == BXI_CARBON_ITEM ? 1.0 : (double)k->mass_g;
        *full_g += t->k * x * bxi_carbon_factor_value(c->fs, t->factor).wtw;
        if (rate <= 0)
            continue; /* nothing came back: the route does not enter */
        double before = p->g;
        add(b, p, c, t->factor, t->k * x * rate);
        *g += p->g - before;
    }
    if (rate > 0 && r->quality > p->quality)
        p->quality = r->quality;
    return BX_OK;
}

/* The basis of a type's amortisation: expected, or its pool's real usage
 * (u, with containers; docs/carbon.md section 7). */
static void reuse_basis(bx_reuse_report *rep, const bx_container_usage *u)
{
    rep->trips_basis = rep->trips;
    rep->washes_per_trip = 1;
    rep->return_rate = 1;
    if (u == NULL)
        return;
    rep->real_usage = true;
    rep->containers = u->containers;
    rep->ended = u->ended;
    rep->trips_done = u->trips_done;
    uint64_t life = u->trips_remaining > UINT64_MAX - u->trips_done
                        ? UINT64_MAX
                        : u->trips_done + u->trips_remaining;
    rep->lifetime_trips = life < 1 ? 1 : life;
    rep->trips_basis = (double)rep->lifetime_trips / (double)u->containers;
    /* Over trips that ended: one under way has not yet been washed or come
     * back, and counting it would lower both until it does. */
    uint64_t ended_trips = u->returns + u->lost;
    rep->trips_ended = ended_trips;
    if (ended_trips > 0) {
        rep->washes_per_trip = (double)u->washes / (double)ended_trips;
        rep->return_rate = (double)u->returns / (double)ended_trips;
    }
}

static bx_status compile_container(bx_carbon *c, size_t i, const bx_container_usage *u)
{
    const bx_container *k = bx_containers_at(c->opt.containers, i);
    bx_reuse_report *rep = &c->reuse[i];
    bxc_pack *p = &c->container_packs[i];
    pack_builder *b = bx_alloc(c->ctx, sizeof *b);
    if (b == NULL)
        return BX_ENOMEM;
    b->n = 0;
    b->overflow = false;
    memset(rep, 0, sizeof *rep);
    memset(p, 0, sizeof *p);
    p->valid = true;
    p->quality = BX_DQ_PRIMARY;
    p->methods = BX_METHOD_REUSE | (u != NULL ? BX_METHOD_POOL : 0);
    rep->trips = c->opt.trips > 0 ? c->opt.trips : k->trips;
    reuse_basis(rep, u);
    double trips = rep->trips_basis;
    bx_status st = BX_OK;

    long mat = bxi_carbon_factor_index(c->fs, BX_FACTOR_MATERIAL, k->material);
    if (mat < 0 && isnan(k->manufacture_kg)) {
        st = container_error(c, k, "material", "no material row '%s' in the factor set "
                                               "(or give manufacture_kg)", k->material);
        goto out;
    }
    double before = p->g;
    if (!isnan(k->manufacture_kg))
        p->constant_g += k->manufacture_kg * 1000.0 / trips;
    else
        add(b, p, c, (size_t)mat, (double)k->mass_g / trips);
    long eol = bxi_carbon_factor_index(c->fs, BX_FACTOR_EOL, k->material);
    rep->manufacture_g = isnan(k->manufacture_kg) ? (p->g - before) * trips
                                                  : k->manufacture_kg * 1000.0;
    before = p->g;
    if (!isnan(k->eol_kg))
        p->constant_g += k->eol_kg * 1000.0 / trips;
    else if (eol >= 0)
        add(b, p, c, (size_t)eol, (double)k->mass_g / trips);
    rep->eol_g = isnan(k->eol_kg) ? (p->g - before) * trips : k->eol_kg * 1000.0;
    double wash_cycle_g = 0;
    if (k->wash_kwh > 0) {
        long e = bxi_carbon_factor_index(c->fs, BX_FACTOR_FUEL, k->wash_energy);
        if (e < 0 || bx_factor_set_at(c->fs, (size_t)e)->unit != BX_UNIT_KG_PER_KWH) {
            st = container_error(c, k, "wash_energy", "'%s' is not an electricity row "
                                                      "(kg/kwh) of the factor set",
                                 k->wash_energy);
            goto out;
        }
        wash_cycle_g = k->wash_kwh * bxi_carbon_factor_value(c->fs, (size_t)e).wtw;
        if (rep->washes_per_trip > 0) {
            before = p->g;
            add(b, p, c, (size_t)e, k->wash_kwh * rep->washes_per_trip);
            rep->wash_g = p->g - before;
        }
    }
    double return_full_g;
    if ((st = return_leg(c, k, b, p, rep->return_rate, &rep->return_g, &return_full_g)) !=
        BX_OK)
        goto out;
    p->g += p->constant_g;
    rep->per_trip_g = p->g;
    rep->expected_per_trip_g = (rep->manufacture_g + rep->eol_g) / rep->trips + wash_cycle_g +
                               return_full_g;
    if ((st = finish(c, b, p)) != BX_OK)
        goto out;
    if (!p->valid) {
        st = container_error(c, k, "container_id", "%s", p->why);
        goto out;
    }
    p->key = k->container_id;
    if (k->replaces[0] != '\0') {
        bxc_pack su;
        char key[BX_PACKAGING_MAX + 16];
        memset(&su, 0, sizeof su);
        b->n = 0;
        single_use(c, k->replaces, b, &su, key, sizeof key);
        if (!su.valid) {
            st = container_error(c, k, "replaces", "%s", su.why);
            goto out;
        }
        rep->has_single_use = true;
        rep->single_use_g = su.g;
        rep->break_even_trips = break_even(rep->manufacture_g + rep->eol_g,
                                           rep->wash_g + rep->return_g, su.g);
    }
out:
    bx_free(c->ctx, b);
    return st;
}

bx_status bxi_carbon_compile_containers(bx_carbon *c)
{
    const bx_container_usage **usage;
    bx_status first = bxi_carbon_match_usage(c, &usage);
    c->opt.usage = NULL; /* read here only: the caller may free it */
    c->opt.nusage = 0;
    size_t n = bx_containers_count(c->opt.containers);
    if (first != BX_OK || n == 0)
        return first;
    c->reuse = bx_alloc(c->ctx, n * sizeof *c->reuse);
    c->container_packs = bx_alloc(c->ctx, n * sizeof *c->container_packs);
    if (c->reuse == NULL || c->container_packs == NULL) {
        bx_free(c->ctx, usage);
        return BX_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        bx_status st = compile_container(c, i, usage != NULL ? usage[i] : NULL);
        if (st == BX_EINPUT) {
            first = first == BX_OK ? st : first;
            continue;
        }
        if (st != BX_OK) {
            first = st;
            break;
        }
    }
    bx_free(c->ctx, usage);
    return first;
}

/* ---- lookup ------------------------------------------------------------- */

static bx_status resolve(bx_carbon *c, const char *text, bxc_pack *p, char *key,
                         size_t key_size)
{
    memset(p, 0, sizeof *p);
    if (text[0] == '\0') {
        p->valid = true;
        p->quality = BX_DQ_PRIMARY;
        snprintf(key, key_size, "none");
        return BX_OK;
    }
    const bx_container *k = bx_containers_find(c->opt.containers, text);
    if (k != NULL) {
        *p = c->container_packs[k - bx_containers_at(c->opt.containers, 0)];
        for (size_t i = 0; i < p->nterms; i++)
            c->factor_used[p->terms[i].factor] = true;
        snprintf(key, key_size, "%s", text);
        return BX_OK;
    }
    pack_builder *b = bx_alloc(c->ctx, sizeof *b);
    if (b == NULL)
        return BX_ENOMEM;
    b->n = 0;
    b->overflow = false;
    single_use(c, text, b, p, key, key_size);
    bx_status st = p->valid ? finish(c, b, p) : BX_OK;
    bx_free(c->ctx, b);
    return st;
}

const bxc_pack *bxi_carbon_pack_lookup(bx_carbon *c, const char *text)
{
    size_t len = strlen(text);
    long i = bxi_carbon_idmap_find(&c->pack_ids, text, len);
    if (i >= 0)
        return &c->packs[i];
    char key[BX_PACKAGING_MAX + 16];
    bxc_pack p;
    if (resolve(c, text, &p, key, sizeof key) != BX_OK)
        return NULL;
    if (c->npacks >= BXI_CARBON_PACK_CACHE_MAX) {
        /* Explicit materials can make every shipment's text distinct: stop
         * caching rather than grow without bound. */
        c->scratch = p;
        snprintf(c->scratch_key, sizeof c->scratch_key, "%s", key);
        c->scratch.key = c->scratch_key;
        return &c->scratch;
    }
    p.key = keep(c, key);
    if (p.key == NULL)
        return NULL;
    if (c->npacks == c->packs_cap) {
        size_t cap = c->packs_cap ? c->packs_cap * 2 : 16;
        bxc_pack *q = bx_realloc(c->ctx, c->packs, cap * sizeof *q);
        if (q == NULL)
            return NULL;
        c->packs = q;
        c->packs_cap = cap;
    }
    size_t index;
    if (bxi_carbon_idmap_put(&c->pack_ids, text, len, &index, NULL) != BX_OK)
        return NULL;
    c->packs[c->npacks++] = p;
    return &c->packs[index];
}
