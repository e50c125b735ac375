/*
 * boxcar/factors.h: emission factor sets (ISO 14083 / GLEC v3 intensities,
 * fuels and electricity, packaging materials), versioned and sourced.
 *
 * A factor set is one CSV file (docs/carbon.md, "Factor sets"). One row of
 * kind `set` names the set, its version and the warming-potential basis it
 * reports in (IPCC AR6 for GLEC v3). Every other row is one factor:
 *
 *   kind      toc (transport operation category), hoc (hub operation
 *             category), fuel (a fuel or electricity), material (packaging,
 *             cradle-to-gate), eol (packaging end of life)
 *   unit      toc: g/tkm, or an energy intensity kwh/tkm or l/tkm (column
 *             `energy`, with `ref` naming the fuel row that turns it into
 *             CO2e); hoc: kg/t (per tonne outbound) or g/item; fuel: kg/l,
 *             kg/kg, kg/kwh or kg/m3; material and eol: kg/kg
 *   wtt, ttw, wtw  well-to-tank, tank-to-wheel, well-to-wheel, CO2e in the
 *             unit. Give wtw alone (split unknown) or ttw with wtt or wtw;
 *             when all three are given they must agree to 1 %
 *   quality   primary, modelled or default (ISO 14083 data-quality class)
 *   confirmed yes (as printed in the cited primary document), derived
 *             (computed from confirmed figures; the note says how) or no
 *             (not confirmed in a primary document: shown as UNCONFIRMED)
 *   source, version  where the figure comes from; both required
 *
 * When wtw and ttw are both known, WTT is taken as WTW - TTW, so that the
 * results always satisfy WTW = WTT + TTW. Values are never negative
 * (recycling credits are not modelled).
 *
 * A set is read-only once loaded: several threads may read it at once. It
 * belongs to the context that loaded it; free it before that context.
 */
#ifndef BOXCAR_FACTORS_H
#define BOXCAR_FACTORS_H

#include <stddef.h>
#include <stdint.h>

#include "boxcar/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bx_factor_kind {
    BX_FACTOR_TOC = 1,
    BX_FACTOR_HOC = 2,
    BX_FACTOR_FUEL = 3,
    BX_FACTOR_MATERIAL = 4,
    BX_FACTOR_EOL = 5
} bx_factor_kind;

typedef enum bx_factor_unit {
    BX_UNIT_G_PER_TKM = 1,
    BX_UNIT_KWH_PER_TKM = 2,
    BX_UNIT_L_PER_TKM = 3,
    BX_UNIT_KG_PER_T = 4,
    BX_UNIT_G_PER_ITEM = 5,
    BX_UNIT_KG_PER_L = 6,
    BX_UNIT_KG_PER_KG = 7,
    BX_UNIT_KG_PER_KWH = 8,
    BX_UNIT_KG_PER_M3 = 9,
    BX_UNIT_G_PER_TEUKM = 10 /* TOC: g per TEU-km, with the row's t_per_teu */
} bx_factor_unit;

/* Ordered from best to worst: a result's class is the worst of its inputs. */
typedef enum bx_data_quality {
    BX_DQ_PRIMARY = 1,
    BX_DQ_MODELLED = 2,
    BX_DQ_DEFAULT = 3
} bx_data_quality;

typedef enum bx_confirmation {
    BX_CONFIRMED = 0,
    BX_DERIVED = 1,
    BX_UNCONFIRMED = 2
} bx_confirmation;

/* Transport modes, for TOC rows and for totals by mode. */
typedef enum bx_mode {
    BX_MODE_ROAD = 0,
    BX_MODE_RAIL = 1,
    BX_MODE_AIR = 2,
    BX_MODE_SEA = 3,
    BX_MODE_IWW = 4, /* inland waterway */
    BX_MODE_COUNT = 5
} bx_mode;

/* One row as written. Strings are borrowed for the set's life and never
 * NULL ("" when the column was empty). Absent numbers are NaN. */
typedef struct bx_factor {
    bx_factor_kind kind;
    const char *id;
    bx_mode mode;          /* TOC only */
    bx_factor_unit unit;
    double wtt, ttw, wtw;  /* in `unit` (g/tkm, kg/t, ...); NaN if absent */
    double energy;         /* TOC with an energy unit: kWh or l per tkm */
    const char *ref;       /* that TOC's fuel row */
    double gsd;            /* lognormal geometric standard deviation, >= 1;
                              NaN: the data-quality class default */
    bx_data_quality quality;
    bx_confirmation confirmed;
    const char *basis;     /* e.g. co2e-ar6, co2e-ar5, co2 */
    const char *source;
    const char *version;
    const char *note;
    double t_per_teu;      /* a g/teukm TOC: the tonnes per TEU its figures
                              are shared by (GLEC: 10 average, 6 light, 14.5
                              heavy); NaN otherwise */
    double temp_uplift;    /* TOC only: the fraction GLEC adds for
                              temperature-controlled transport in this class
                              (0.15 vans, 0.12 heavier road vehicles); NaN
                              when the row gives none */
    /* TOC only, NaN when not given: the loading its intensity assumes
     * (load_factor: cargo mass / the vehicle's payload capacity, GLEC's
     * definition; empty_running: the share of the vehicle's km run empty)
     * and empty_energy, the empty vehicle's energy per km as a fraction of
     * the fully loaded one's. With all three, a leg may state its own load
     * factor and empty running (routes.h) and the intensity is adjusted
     * (docs/carbon.md, "Load factor and empty running"). */
    double load_factor, empty_running, empty_energy;
    /* TOC only: the refrigerant its temperature-controlled vehicles leak,
     * as a fuel row in kg/kg (its GWP as CO2e per kg, counted as TTW) and
     * the kg leaked per tkm (GLEC v3.0 Module 4: the fleet's yearly
     * leakage over its tkm). A temp=controlled leg adds it. "" and NaN
     * when not given. */
    const char *refrigerant;
    double refrigerant_kg_per_tkm;
    double min_km, max_km; /* TOC only: the distance band the intensity is
                              for (GLEC's air short and long haul), on the
                              leg's distance as given (for air, the great
                              circle before the 95 km); 0 and INFINITY when
                              the row states none. A leg outside it is
                              refused when the route is compiled. */
    uint64_t line;         /* in the factor file */
} bx_factor;

typedef struct bx_factor_set bx_factor_set;

typedef struct bx_factor_set_info {
    const char *id;      /* e.g. glec-v3.0 */
    const char *version; /* the set's own version */
    const char *basis;   /* reporting basis, e.g. co2e-ar6 */
    const char *source;
    const char *note;
    const char *file;    /* the name it was loaded from */
} bx_factor_set_info;

/* Load a factor set from a file: CSV, JSON or CBOR by the extension, else
 * from its first bytes (JSON and CBOR: an array of objects keyed by the
 * column names, as orders are). Every bad row is reported through the
 * diagnostic callback with file, line and field; if there was any, no set is
 * made and BX_EINPUT is returned. Also BX_ENOTFOUND / BX_EIO (the file),
 * BX_ENOMEM. A row whose basis differs from the set's gets a warning. */
BX_API bx_status bx_factor_set_load(bx_ctx *ctx, bx_factor_set **out,
                                    const char *path);

/* Same from memory (borrowed during the call); `name` is used in messages. */
BX_API bx_status bx_factor_set_read_mem(bx_ctx *ctx, bx_factor_set **out,
                                        const char *name, const void *data,
                                        size_t size);

/* The factor set columns (JSON/CBOR keys) in their CSV order, i = 0, 1,
 * ...; NULL past the last. */
BX_API const char *bx_factor_column(size_t i);

BX_API bx_factor_set_info bx_factor_set_info_get(const bx_factor_set *fs);

/* The columns of a factor set file that hold numbers (wtt, ttw, wtw),
 * NULL-terminated, for readers such as a report source. Static. */
BX_API const char *const *bx_factor_set_numeric_columns(void);

/* Rows in file order (the set row excluded). */
BX_API size_t bx_factor_set_count(const bx_factor_set *fs);
BX_API const bx_factor *bx_factor_set_at(const bx_factor_set *fs, size_t i);
/* Row of a kind and id, NULL if none. */
BX_API const bx_factor *bx_factor_set_find(const bx_factor_set *fs,
                                           bx_factor_kind kind, const char *id);

/* WTW of a row in grams CO2e per activity unit after resolving `ref`
 * (g/tkm for every TOC, g/t or g/item for a HOC, g per l/kg/kWh/m3 for a
 * fuel, g per g for materials). NaN for NULL. */
BX_API double bx_factor_wtw_g(const bx_factor_set *fs, const bx_factor *f);

/* NULL is a no-op. */
BX_API void bx_factor_set_free(bx_factor_set *fs);

/* Names as written in files: "toc", "g/tkm", "default", "yes"/"derived"/
 * "no", "road". Never NULL ("?" for a bad value). */
BX_API const char *bx_factor_kind_name(bx_factor_kind kind);
BX_API const char *bx_factor_unit_name(bx_factor_unit unit);
BX_API const char *bx_data_quality_name(bx_data_quality q);
BX_API const char *bx_confirmation_name(bx_confirmation c);
BX_API const char *bx_mode_name(bx_mode mode);

/* ---- comparing two sets ------------------------------------------------- */

/* Fields that differ between two rows of the same kind and id. */
#define BX_FDIFF_UNIT (1u << 0)
#define BX_FDIFF_WTT (1u << 1)
#define BX_FDIFF_TTW (1u << 2)
#define BX_FDIFF_WTW (1u << 3)
#define BX_FDIFF_ENERGY (1u << 4)
#define BX_FDIFF_REF (1u << 5)
#define BX_FDIFF_GSD (1u << 6)
#define BX_FDIFF_QUALITY (1u << 7)
#define BX_FDIFF_CONFIRMED (1u << 8)
#define BX_FDIFF_BASIS (1u << 9)
#define BX_FDIFF_SOURCE (1u << 10)
#define BX_FDIFF_VERSION (1u << 11)
#define BX_FDIFF_NOTE (1u << 12)
#define BX_FDIFF_MODE (1u << 13)

typedef struct bx_factor_change {
    const bx_factor *a; /* NULL: added in b */
    const bx_factor *b; /* NULL: removed from a */
    uint32_t fields;    /* BX_FDIFF_* when both are given */
} bx_factor_change;

/* Called once per difference; a nonzero return stops the comparison early
 * (bx_factor_set_diff still returns BX_OK, with the count so far). */
typedef int (*bx_factor_diff_fn)(void *ud, const bx_factor_change *change);

/* Compare the rows of a and b by kind and id: first rows of a in a's order
 * (removed or changed), then rows only in b in b's order (added). Numbers
 * compare exactly as parsed. Returns the number of differences in *count
 * (may be NULL). fn may be NULL to count only. */
BX_API bx_status bx_factor_set_diff(const bx_factor_set *a,
                                    const bx_factor_set *b,
                                    bx_factor_diff_fn fn, void *ud,
                                    size_t *count);

#ifdef __cplusplus
}
#endif

#endif
