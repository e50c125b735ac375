/*
 * factors.c: load a factor set from CSV, check every row, normalise units.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "carbon_internal.h"

struct bx_factor_set {
    bx_ctx *ctx;
    bx_arena strings;
    bx_factor *rows;
    bxc_value *values; /* normalised, per row */
    size_t n, cap;
    bxc_idmap ids; /* "<kind digit><id>" -> row index (rows and keys are
                      added together, so the two indexes agree) */
    bx_factor_set_info info;
};

enum {
    C_KIND, C_ID, C_MODE, C_UNIT, C_WTT, C_TTW, C_WTW, C_ENERGY, C_REF,
    C_GSD, C_QUALITY, C_CONFIRMED, C_BASIS, C_SOURCE, C_VERSION, C_NOTE,
    C_MIN_KM, C_MAX_KM, C_T_PER_TEU, C_TEMP_UPLIFT, C_LOAD_FACTOR, C_EMPTY_RUNNING,
    C_EMPTY_ENERGY, C_REFRIGERANT, C_REFRIGERANT_KG, C_COUNT
};

static const bxc_column columns[C_COUNT] = {
    [C_KIND] = {"kind", true},       [C_ID] = {"id", true},
    [C_MODE] = {"mode", false},      [C_UNIT] = {"unit", true},
    [C_WTT] = {"wtt", true},         [C_TTW] = {"ttw", true},
    [C_WTW] = {"wtw", true},         [C_ENERGY] = {"energy", false},
    [C_REF] = {"ref", false},        [C_GSD] = {"gsd", false},
    [C_QUALITY] = {"quality", true}, [C_CONFIRMED] = {"confirmed", true},
    [C_BASIS] = {"basis", false},    [C_SOURCE] = {"source", true},
    [C_VERSION] = {"version", true}, [C_NOTE] = {"note", false},
    [C_MIN_KM] = {"min_km", false},  [C_MAX_KM] = {"max_km", false},
    [C_T_PER_TEU] = {"t_per_teu", false},
    [C_TEMP_UPLIFT] = {"temp_uplift", false},
    [C_LOAD_FACTOR] = {"load_factor", false},
    [C_EMPTY_RUNNING] = {"empty_running", false},
    [C_EMPTY_ENERGY] = {"empty_energy", false},
    [C_REFRIGERANT] = {"refrigerant", false},
    [C_REFRIGERANT_KG] = {"refrigerant_kg_per_tkm", false},
};

/* Tonnes of cargo per TEU a g/teukm row may state: a bound on typing
 * errors, generous on both sides of GLEC's 6 t (light) to 14.5 t (heavy). */
#define T_PER_TEU_MIN 0.1
#define T_PER_TEU_MAX 30.0

/* A TOC's haul band reaches at most once round the Earth (a sea leg's
 * longest distance, see routes.c). */
#define BAND_MAX_KM 40000.0

static const char *const numeric[] = {"wtt", "ttw", "wtw", NULL};

const char *const *bx_factor_set_numeric_columns(void)
{
    return numeric;
}

const char *bx_factor_column(size_t i)
{
    return i < C_COUNT ? columns[i].name : NULL;
}

/* Index = enum value; [0] unused. */
static const char *const kind_names[] = {"set", "toc", "hoc", "fuel",
                                         "material", "eol", NULL};
static const char *const unit_names[] = {"?", "g/tkm", "kwh/tkm", "l/tkm",
                                         "kg/t", "g/item", "kg/l", "kg/kg",
                                         "kg/kwh", "kg/m3", "g/teukm", NULL};
static const char *const quality_names[] = {"?", "primary", "modelled",
                                            "default", NULL};
static const char *const confirmed_names[] = {"yes", "derived", "no", NULL};
static const char *const mode_names[] = {"road", "rail", "air", "sea", "iww",
                                         NULL};

/* Largest factor accepted in any unit: far above any real intensity, far
 * below where products with masses and distances could lose precision. */
#define FACTOR_MAX 1e9
/* Default geometric standard deviations per data-quality class, used by
 * the Monte Carlo when a row gives none. Assumptions, not published
 * figures: documented in docs/carbon.md. */
static const double class_gsd[] = {1.0, 1.05, 1.2, 1.5};

const char *bx_factor_kind_name(bx_factor_kind kind)
{
    return kind >= BX_FACTOR_TOC && kind <= BX_FACTOR_EOL ? kind_names[kind] : "?";
}

const char *bx_factor_unit_name(bx_factor_unit unit)
{
    return unit >= BX_UNIT_G_PER_TKM && unit <= BX_UNIT_G_PER_TEUKM ? unit_names[unit]
                                                                   : "?";
}

const char *bx_data_quality_name(bx_data_quality q)
{
    return q >= BX_DQ_PRIMARY && q <= BX_DQ_DEFAULT ? quality_names[q] : "?";
}

const char *bx_confirmation_name(bx_confirmation c)
{
    return c >= BX_CONFIRMED && c <= BX_UNCONFIRMED ? confirmed_names[c] : "?";
}

const char *bx_mode_name(bx_mode mode)
{
    return mode >= BX_MODE_ROAD && mode < BX_MODE_COUNT ? mode_names[mode] : "?";
}

static bool unit_allowed(bx_factor_kind kind, bx_factor_unit u)
{
    switch (kind) {
    case BX_FACTOR_TOC:
        return u == BX_UNIT_G_PER_TKM || u == BX_UNIT_KWH_PER_TKM ||
               u == BX_UNIT_L_PER_TKM || u == BX_UNIT_G_PER_TEUKM;
    case BX_FACTOR_HOC:
        return u == BX_UNIT_KG_PER_T || u == BX_UNIT_G_PER_ITEM;
    case BX_FACTOR_FUEL:
        return u == BX_UNIT_KG_PER_L || u == BX_UNIT_KG_PER_KG ||
               u == BX_UNIT_KG_PER_KWH || u == BX_UNIT_KG_PER_M3;
    case BX_FACTOR_MATERIAL:
    case BX_FACTOR_EOL:
        return u == BX_UNIT_KG_PER_KG;
    }
    return false;
}

/* Grams CO2e per activity unit for one unit of the row's figures. */
static double unit_to_g(bx_factor_kind kind, bx_factor_unit u)
{
    if (kind == BX_FACTOR_MATERIAL || kind == BX_FACTOR_EOL)
        return 1.0; /* kg per kg == g per g */
    switch (u) {
    case BX_UNIT_KG_PER_T:
    case BX_UNIT_KG_PER_L:
    case BX_UNIT_KG_PER_KG:
    case BX_UNIT_KG_PER_KWH:
    case BX_UNIT_KG_PER_M3:
        return 1000.0;
    default:
        return 1.0;
    }
}

static bool energy_unit(bx_factor_unit u)
{
    return u == BX_UNIT_KWH_PER_TKM || u == BX_UNIT_L_PER_TKM;
}

static const char *keep(bx_factor_set *fs, const bxc_table *t, size_t c)
{
    size_t len;
    const char *s = bxi_carbon_get(t, c, &len);
    return bxi_arena_strndup(&fs->strings, s, len);
}

static bx_status row_error(const bxc_table *t, size_t c, const char *fmt, ...)
    BX_PRINTF(3, 4);
static bx_status row_error(const bxc_table *t, size_t c, const char *fmt, ...)
{
    bx_location where = bxi_carbon_where(t, c);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", msg);
}

/* Turn the wtt/ttw/wtw given into a consistent normalised value. */
static bx_status split_values(const bxc_table *t, bx_factor *f, bxc_value *v)
{
    bool has_wtt = !isnan(f->wtt), has_ttw = !isnan(f->ttw), has_wtw = !isnan(f->wtw);
    /* g per TEU-km / t per TEU = g per tkm */
    double k = f->unit == BX_UNIT_G_PER_TEUKM ? 1.0 / f->t_per_teu : unit_to_g(f->kind, f->unit);
    memset(v, 0, sizeof *v);
    if (has_wtw && !has_ttw && !has_wtt) {
        v->wtw = f->wtw * k;
        return BX_OK;
    }
    if (has_ttw && has_wtw) {
        if (f->ttw > f->wtw)
            return row_error(t, C_TTW, "ttw is larger than wtw");
        if (has_wtt) {
            double sum = f->wtt + f->ttw;
            /* Published tables round each figure: allow 1 % between the
             * printed total and the sum of the printed parts. */
            if (fabs(sum - f->wtw) > 0.01 * f->wtw + 1e-12) {
                char msg[128];
                snprintf(msg, sizeof msg, "wtt + ttw = %g but wtw = %g", sum, f->wtw);
                return row_error(t, C_WTW, "%s", msg);
            }
        }
        v->ttw = f->ttw * k;
        v->wtw = f->wtw * k;
    } else if (has_wtt && has_ttw) {
        v->ttw = f->ttw * k;
        v->wtw = (f->wtt + f->ttw) * k;
    } else if (has_wtt && has_wtw) {
        if (f->wtt > f->wtw)
            return row_error(t, C_WTT, "wtt is larger than wtw");
        v->wtw = f->wtw * k;
        v->ttw = (f->wtw - f->wtt) * k;
    } else {
        return row_error(t, C_WTW, "give wtw, or ttw with wtt or wtw");
    }
    v->wtt = v->wtw - v->ttw;
    v->split = true;
    return BX_OK;
}

/* Ids are unique per kind: a fuel and a material may share a name. */
static size_t make_key(char key[BX_ID_MAX + 1], bx_factor_kind kind, const char *id)
{
    size_t len = strlen(id);
    key[0] = (char)('0' + (int)kind);
    memcpy(key + 1, id, len + 1);
    return len + 1;
}

static bx_status push_row(bx_factor_set *fs, const bx_factor *f, const bxc_value *v)
{
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? fs->cap * 2 : 64;
        bx_factor *rows = bx_realloc(fs->ctx, fs->rows, cap * sizeof *rows);
        if (rows == NULL)
            return BX_ENOMEM;
        fs->rows = rows;
        bxc_value *values = bx_realloc(fs->ctx, fs->values, cap * sizeof *values);
        if (values == NULL)
            return BX_ENOMEM;
        fs->values = values;
        fs->cap = cap;
    }
    fs->rows[fs->n] = *f;
    fs->values[fs->n] = *v;
    fs->n++;
    return BX_OK;
}

static bx_status read_set_row(bx_factor_set *fs, const bxc_table *t)
{
    if (fs->info.id != NULL)
        return row_error(t, C_KIND, "a second 'set' row (the first is the set's "
                                    "identity)");
    char id[BX_ID_MAX];
    bx_status st = bxi_carbon_get_id(t, C_ID, true, id);
    if (st != BX_OK)
        return st;
    if (bxi_carbon_empty(t, C_VERSION))
        return row_error(t, C_VERSION, "the set row needs a version");
    if (bxi_carbon_empty(t, C_BASIS))
        return row_error(t, C_BASIS, "the set row needs the basis it reports in "
                                     "(e.g. co2e-ar6)");
    if (bxi_carbon_empty(t, C_SOURCE))
        return row_error(t, C_SOURCE, "the set row needs a source");
    fs->info.id = keep(fs, t, C_ID);
    fs->info.version = keep(fs, t, C_VERSION);
    fs->info.basis = keep(fs, t, C_BASIS);
    fs->info.source = keep(fs, t, C_SOURCE);
    fs->info.note = keep(fs, t, C_NOTE);
    if (fs->info.id == NULL || fs->info.version == NULL || fs->info.basis == NULL ||
        fs->info.source == NULL || fs->info.note == NULL)
        return BX_ENOMEM;
    return BX_OK;
}

static bx_status read_load_basis(const bxc_table *t, bx_factor *f);

static bx_status read_numbers(const bxc_table *t, bx_factor *f)
{
    bx_status st;
    const size_t cols[3] = {C_WTT, C_TTW, C_WTW};
    double *dst[3] = {&f->wtt, &f->ttw, &f->wtw};
    for (size_t i = 0; i < 3; i++) {
        *dst[i] = NAN;
        if ((st = bxi_carbon_get_double(t, cols[i], false, 0, FACTOR_MAX, dst[i], NULL)) != BX_OK)
            return st;
    }
    f->energy = NAN;
    if ((st = bxi_carbon_get_double(t, C_ENERGY, false, 0, FACTOR_MAX, &f->energy, NULL)) != BX_OK)
        return st;
    f->gsd = NAN;
    if ((st = bxi_carbon_get_double(t, C_GSD, false, 1.0, 10.0, &f->gsd, NULL)) != BX_OK)
        return st;
    bool has_min, has_max;
    f->min_km = 0;
    f->max_km = INFINITY;
    if ((st = bxi_carbon_get_double(t, C_MIN_KM, false, 0, BAND_MAX_KM, &f->min_km,
                                    &has_min)) != BX_OK ||
        (st = bxi_carbon_get_double(t, C_MAX_KM, false, 0, BAND_MAX_KM, &f->max_km,
                                    &has_max)) != BX_OK)
        return st;
    if (!has_max)
        f->max_km = INFINITY;
    if ((has_min || has_max) && f->kind != BX_FACTOR_TOC)
        return row_error(t, has_min ? C_MIN_KM : C_MAX_KM,
                         "a distance band (min_km, max_km) is only for toc rows");
    if (!(f->min_km < f->max_km))
        return row_error(t, C_MAX_KM, "max_km must be more than min_km");
    bool has_teu;
    f->t_per_teu = NAN;
    if ((st = bxi_carbon_get_double(t, C_T_PER_TEU, false, T_PER_TEU_MIN, T_PER_TEU_MAX,
                                    &f->t_per_teu, &has_teu)) != BX_OK)
        return st;
    if (!has_teu)
        f->t_per_teu = NAN;
    bool has_uplift;
    f->temp_uplift = NAN;
    if ((st = bxi_carbon_get_double(t, C_TEMP_UPLIFT, false, 0, 1, &f->temp_uplift,
                                    &has_uplift)) != BX_OK)
        return st;
    if (!has_uplift)
        f->temp_uplift = NAN;
    else if (f->kind != BX_FACTOR_TOC)
        return row_error(t, C_TEMP_UPLIFT, "temp_uplift is only for toc rows");
    if (has_teu != (f->unit == BX_UNIT_G_PER_TEUKM))
        return row_error(t, C_T_PER_TEU, has_teu ? "t_per_teu is only for g/teukm rows"
                                                 : "a g/teukm row needs t_per_teu: the "
                                                   "tonnes per TEU it is shared by");
    return read_load_basis(t, f);
}

/* The loading a TOC's intensity assumes (load factor, empty running) and
 * its empty vehicle's energy per km as a fraction of the full vehicle's:
 * what a leg's own load factor and empty running are set against. Each
 * NaN when not given; only for toc rows. */
static bx_status read_load_basis(const bxc_table *t, bx_factor *f)
{
    static const struct {
        size_t column;
        double lo, hi;
    } cols[3] = {{C_LOAD_FACTOR, 0, 1}, {C_EMPTY_RUNNING, 0, 0.95}, {C_EMPTY_ENERGY, 0, 1}};
    double *dst[3] = {&f->load_factor, &f->empty_running, &f->empty_energy};
    for (size_t i = 0; i < 3; i++) {
        bool has;
        *dst[i] = NAN;
        bx_status st = bxi_carbon_get_double(t, cols[i].column, false, cols[i].lo, cols[i].hi,
                                             dst[i], &has);
        if (st != BX_OK)
            return st;
        if (!has) {
            *dst[i] = NAN;
            continue;
        }
        if (f->kind != BX_FACTOR_TOC)
            return row_error(t, cols[i].column, "%s is only for toc rows",
                             columns[cols[i].column].name);
        if (cols[i].column != C_EMPTY_RUNNING && !(*dst[i] > 0))
            return row_error(t, cols[i].column, "%s must be more than 0",
                             columns[cols[i].column].name);
    }
    return BX_OK;
}

static bx_status read_factor_row(bx_factor_set *fs, const bxc_table *t,
                                 bx_factor_kind kind)
{
    bx_factor f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.line = bxi_carbon_line(t);
    char id[BX_ID_MAX];
    bx_status st = bxi_carbon_get_id(t, C_ID, true, id);
    if (st != BX_OK)
        return st;
    int w;
    if ((st = bxi_carbon_get_word(t, C_UNIT, true, unit_names, &w)) != BX_OK)
        return st;
    f.unit = (bx_factor_unit)w;
    if (w == 0 || !unit_allowed(kind, f.unit))
        return row_error(t, C_UNIT, "unit not allowed for a %s row", kind_names[kind]);
    if (kind == BX_FACTOR_TOC) {
        if ((st = bxi_carbon_get_word(t, C_MODE, true, mode_names, &w)) != BX_OK)
            return st;
        f.mode = (bx_mode)w;
    } else if (!bxi_carbon_empty(t, C_MODE)) {
        return row_error(t, C_MODE, "mode is only for toc rows");
    }
    if ((st = read_numbers(t, &f)) != BX_OK)
        return st;
    if ((st = bxi_carbon_get_word(t, C_QUALITY, true, quality_names, &w)) != BX_OK)
        return st;
    if (w == 0)
        return row_error(t, C_QUALITY, "expected primary, modelled or default");
    f.quality = (bx_data_quality)w;
    if ((st = bxi_carbon_get_word(t, C_CONFIRMED, true, confirmed_names, &w)) != BX_OK)
        return st;
    f.confirmed = (bx_confirmation)w;
    if (bxi_carbon_empty(t, C_SOURCE))
        return row_error(t, C_SOURCE, "every factor needs its source");
    if (bxi_carbon_empty(t, C_VERSION))
        return row_error(t, C_VERSION, "every factor needs the version of its "
                                       "source");

    bxc_value v;
    memset(&v, 0, sizeof v);
    if (energy_unit(f.unit)) {
        if (!isnan(f.wtt) || !isnan(f.ttw) || !isnan(f.wtw))
            return row_error(t, C_WTW, "an energy-intensity row (%s) gives its figure "
                                       "in 'energy', not in wtt/ttw/wtw",
                             unit_names[f.unit]);
        if (isnan(f.energy) || f.energy <= 0)
            return row_error(t, C_ENERGY, "an energy-intensity row needs energy > 0");
        if (bxi_carbon_empty(t, C_REF))
            return row_error(t, C_REF, "an energy-intensity row needs ref: the fuel "
                                       "row that converts it to CO2e");
        /* values resolved once every fuel row is known */
    } else {
        if (!isnan(f.energy) || !bxi_carbon_empty(t, C_REF))
            return row_error(t, isnan(f.energy) ? C_REF : C_ENERGY,
                             "energy and ref are only for kwh/tkm and l/tkm rows");
        if ((st = split_values(t, &f, &v)) != BX_OK)
            return st;
    }

    char key[BX_ID_MAX + 1];
    size_t klen = make_key(key, kind, id);
    if (bxi_carbon_idmap_find(&fs->ids, key, klen) >= 0)
        return row_error(t, C_ID, "duplicate %s id", kind_names[kind]);
    f.id = keep(fs, t, C_ID); /* the arena never moves; the map's keys do */
    f.ref = keep(fs, t, C_REF);
    f.basis = keep(fs, t, C_BASIS);
    f.source = keep(fs, t, C_SOURCE);
    f.version = keep(fs, t, C_VERSION);
    f.note = keep(fs, t, C_NOTE);
    f.refrigerant = keep(fs, t, C_REFRIGERANT);
    if (f.id == NULL || f.ref == NULL || f.basis == NULL || f.source == NULL || f.version == NULL ||
        f.note == NULL || f.refrigerant == NULL)
        return BX_ENOMEM;
    bool has_kg;
    f.refrigerant_kg_per_tkm = NAN;
    if ((st = bxi_carbon_get_double(t, C_REFRIGERANT_KG, false, 0, 1, &f.refrigerant_kg_per_tkm,
                                    &has_kg)) != BX_OK)
        return st;
    if (!has_kg)
        f.refrigerant_kg_per_tkm = NAN;
    if (has_kg != (f.refrigerant[0] != '\0'))
        return row_error(t, has_kg ? C_REFRIGERANT : C_REFRIGERANT_KG,
                         "refrigerant and refrigerant_kg_per_tkm go together");
    if (has_kg && kind != BX_FACTOR_TOC)
        return row_error(t, C_REFRIGERANT, "refrigerant is only for toc rows");
    size_t index;
    if ((st = bxi_carbon_idmap_put(&fs->ids, key, klen, &index, NULL)) != BX_OK)
        return st;
    (void)index;
    return push_row(fs, &f, &v);
}

long bxi_carbon_factor_index(const bx_factor_set *fs, bx_factor_kind kind, const char *id)
{
    if (fs == NULL || kind < BX_FACTOR_TOC || kind > BX_FACTOR_EOL || id == NULL ||
        strlen(id) >= BX_ID_MAX)
        return -1;
    char key[BX_ID_MAX + 1];
    size_t klen = make_key(key, kind, id);
    return bxi_carbon_idmap_find(&fs->ids, key, klen);
}

/* Energy-intensity TOC rows: CO2e per tkm = energy per tkm x the fuel's
 * CO2e per unit, with the fuel's WTT/TTW split. */
static bx_status resolve_refs(bx_factor_set *fs, const char *name)
{
    bx_status first = BX_OK;
    for (size_t i = 0; i < fs->n; i++) {
        bx_factor *f = &fs->rows[i];
        if (f->kind != BX_FACTOR_TOC || !energy_unit(f->unit))
            continue;
        long j = bxi_carbon_factor_index(fs, BX_FACTOR_FUEL, f->ref);
        bx_location where = {0};
        where.file = name;
        where.line = f->line;
        where.field = "ref";
        bx_factor_unit want = f->unit == BX_UNIT_KWH_PER_TKM ? BX_UNIT_KG_PER_KWH
                                                             : BX_UNIT_KG_PER_L;
        bx_status st = BX_OK;
        if (j < 0)
            st = bxi_input_error(fs->ctx, BX_EINPUT, &where, "no fuel row '%s'", f->ref);
        else if (fs->rows[j].unit != want)
            st = bxi_input_error(fs->ctx, BX_EINPUT, &where,
                                "fuel '%s' is in %s; a %s row needs one in %s", f->ref,
                                unit_names[fs->rows[j].unit], unit_names[f->unit],
                                unit_names[want]);
        if (st != BX_OK) {
            if (first == BX_OK)
                first = st;
            continue;
        }
        const bxc_value *fv = &fs->values[j];
        bxc_value *v = &fs->values[i];
        v->wtt = f->energy * fv->wtt;
        v->ttw = f->energy * fv->ttw;
        v->wtw = f->energy * fv->wtw;
        v->split = fv->split;
    }
    return first;
}

/* Rows on another basis than the set's (CO2-only grid factors in a CO2e
 * set) are legitimate but must not pass unnoticed: one warning names how
 * many and the first. */
static bx_status warn_basis(bx_factor_set *fs, const char *name)
{
    size_t n = 0;
    const bx_factor *first = NULL;
    for (size_t i = 0; i < fs->n; i++) {
        bx_factor *f = &fs->rows[i];
        if (f->basis[0] == '\0') {
            f->basis = fs->info.basis;
            continue;
        }
        if (strcmp(f->basis, fs->info.basis) == 0)
            continue;
        if (n++ == 0)
            first = f;
    }
    if (n == 0)
        return BX_OK;
    bx_location where = {0};
    where.file = name;
    where.line = first->line;
    where.field = "basis";
    return bxi_warn(fs->ctx, &where,
                   "%zu row%s not on the set's basis %s, the first: %s '%s' on %s",
                   n, n == 1 ? " is" : "s are", fs->info.basis, kind_names[first->kind],
                   first->id, first->basis);
}

static bx_status read_rows(bx_factor_set *fs, bxc_table *t)
{
    bx_status first = BX_OK, st;
    while ((st = bxi_carbon_table_next(t)) != BX_END) {
        if (st == BX_EINPUT) {
            first = first == BX_OK ? st : first;
            continue;
        }
        if (st != BX_OK)
            return st;
        int kind;
        st = bxi_carbon_get_word(t, C_KIND, true, kind_names, &kind);
        if (st == BX_OK)
            st = kind == 0 ? read_set_row(fs, t) : read_factor_row(fs, t, (bx_factor_kind)kind);
        if (st == BX_EINPUT) {
            first = first == BX_OK ? st : first;
            continue;
        }
        if (st != BX_OK)
            return st;
    }
    if (first != BX_OK)
        return first;
    if (fs->info.id == NULL) {
        bx_location where = {0};
        where.file = t->name;
        return bxi_input_error(fs->ctx, BX_EINPUT, &where,
                              "no 'set' row naming the set, its version and basis");
    }
    if ((st = resolve_refs(fs, t->name)) != BX_OK)
        return st;
    return warn_basis(fs, t->name);
}

static bx_status load_into(bx_ctx *ctx, bx_factor_set **out, bxc_table *t, const char *name);

/* bxc_load_fn over load_into. */
static bx_status load(bx_ctx *ctx, void *result, bxc_table *t, const char *name)
{
    bx_factor_set **out = result;
    return load_into(ctx, out, t, name);
}

static bx_status load_into(bx_ctx *ctx, bx_factor_set **out, bxc_table *t, const char *name)
{
    bx_factor_set *fs = bx_alloc(ctx, sizeof *fs);
    if (fs == NULL)
        return BX_ENOMEM;
    memset(fs, 0, sizeof *fs);
    fs->ctx = ctx;
    bx_arena_init(&fs->strings, ctx, 0);
    bxi_carbon_idmap_init(&fs->ids, ctx);
    bx_status st = read_rows(fs, t);
    if (st == BX_OK) {
        fs->info.file = bxi_arena_strndup(&fs->strings, name, strlen(name));
        if (fs->info.file == NULL)
            st = BX_ENOMEM;
    }
    if (st != BX_OK) {
        bx_factor_set_free(fs);
        return st;
    }
    *out = fs;
    return BX_OK;
}

bx_status bx_factor_set_load(bx_ctx *ctx, bx_factor_set **out, const char *path)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || path == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_factor_set_load: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_path(ctx, path, columns, C_COUNT, load, out);
}

bx_status bx_factor_set_read_mem(bx_ctx *ctx, bx_factor_set **out, const char *name,
                                 const void *data, size_t size)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL || name == NULL || (data == NULL && size > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_factor_set_read_mem: bad argument");
    *out = NULL;
    return bxi_carbon_table_load_mem(ctx, name, data, size, columns, C_COUNT, load, out);
}

bx_factor_set_info bx_factor_set_info_get(const bx_factor_set *fs)
{
    bx_factor_set_info none = {"", "", "", "", "", ""};
    return fs == NULL ? none : fs->info;
}

size_t bx_factor_set_count(const bx_factor_set *fs)
{
    return fs == NULL ? 0 : fs->n;
}

const bx_factor *bx_factor_set_at(const bx_factor_set *fs, size_t i)
{
    return fs == NULL || i >= fs->n ? NULL : &fs->rows[i];
}

const bx_factor *bx_factor_set_find(const bx_factor_set *fs, bx_factor_kind kind,
                                    const char *id)
{
    long i = bxi_carbon_factor_index(fs, kind, id);
    return i < 0 ? NULL : &fs->rows[i];
}

bxc_value bxi_carbon_factor_value(const bx_factor_set *fs, size_t index)
{
    return fs->values[index];
}

double bxi_carbon_factor_gsd(const bx_factor_set *fs, size_t index)
{
    const bx_factor *f = &fs->rows[index];
    return isnan(f->gsd) ? class_gsd[f->quality] : f->gsd;
}

double bx_factor_wtw_g(const bx_factor_set *fs, const bx_factor *f)
{
    if (fs == NULL || f == NULL || f < fs->rows || f >= fs->rows + fs->n)
        return NAN;
    return fs->values[f - fs->rows].wtw;
}

void bx_factor_set_free(bx_factor_set *fs)
{
    if (fs == NULL)
        return;
    bxi_carbon_idmap_free(&fs->ids);
    bx_arena_release(&fs->strings);
    bx_free(fs->ctx, fs->rows);
    bx_free(fs->ctx, fs->values);
    bx_free(fs->ctx, fs);
}
