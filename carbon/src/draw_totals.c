/*
 * draw_totals.c: the run total of every Monte Carlo draw, in whole
 * milligrams: made by uncertainty.c, read, merged and written here, and
 * the interval made from them (boxcar/draw_totals.h).
 *
 * Nothing here needs GSL: the percentiles are interpolated as GSL's
 * gsl_stats_quantile_from_sorted_data does, so a build without GSL merges
 * the draws of shards into the interval a GSL build gives.
 */
#include <stdlib.h>
#include <string.h>

#include "boxcar/draw_totals.h"
#include "carbon_internal.h"
#include "draws_internal.h"

#define ID_MAX 128 /* factor set id and version, as in the totals file */

struct bx_draw_totals {
    bx_ctx *ctx;
    uint32_t draws; /* 0: empty */
    uint64_t seed;
    int64_t shipments;
    int64_t *mg;    /* draws */
    char set[ID_MAX], version[ID_MAX];
};

enum { C_DRAW, C_TOTAL, C_DRAWS, C_SEED, C_SHIPMENTS, C_SET, C_VERSION, C_COUNT };

static const bxc_column columns[C_COUNT] = {
    [C_DRAW] = {"draw", true},
    [C_TOTAL] = {"total_wtw_mg", true},
    [C_DRAWS] = {"draws", true},
    [C_SEED] = {"seed", true},
    [C_SHIPMENTS] = {"shipments", true},
    [C_SET] = {"factor_set", true},
    [C_VERSION] = {"factor_version", true},
};

bx_status bx_draw_totals_new(bx_ctx *ctx, bx_draw_totals **out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_draw_totals_new: bad argument");
    bx_draw_totals *d = bx_alloc(ctx, sizeof *d);
    if (d == NULL)
        return BX_ENOMEM;
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    *out = d;
    return BX_OK;
}

void bx_draw_totals_free(bx_draw_totals *d)
{
    if (d == NULL)
        return;
    bx_free(d->ctx, d->mg);
    bx_free(d->ctx, d);
}

bx_draw_totals_info bx_draw_totals_info_get(const bx_draw_totals *d)
{
    bx_draw_totals_info info = {0, 0, 0, "", ""};
    if (d != NULL && d->draws > 0) {
        info.draws = d->draws;
        info.seed = d->seed;
        info.shipments = d->shipments;
        info.set_id = d->set;
        info.set_version = d->version;
    }
    return info;
}

/* Why draws of this identity cannot join d's, or NULL if they can. */
static const char *mismatch(const bx_draw_totals *d, uint32_t draws, uint64_t seed,
                            const char *set, const char *version)
{
    if (d->draws == 0)
        return NULL;
    if (draws != d->draws)
        return "another number of draws than the draws merged before";
    if (seed != d->seed)
        return "another seed than the draws merged before";
    if (strcmp(set, d->set) != 0 || strcmp(version, d->version) != 0)
        return "another factor set or version than the draws merged before";
    return NULL;
}

bx_status bxi_draw_totals_add(bx_draw_totals *d, uint32_t draws, uint64_t seed,
                              const char *set, const char *version, int64_t shipments,
                              const int64_t *mg)
{
    const char *why = mismatch(d, draws, seed, set, version);
    if (why != NULL)
        return bxi_error(d->ctx, BX_EINPUT, "draw totals: %s (%u draws, seed %llu, "
                                            "factor set %s %s; these: %u, %llu, %s %s)",
                         why, (unsigned)d->draws, (unsigned long long)d->seed, d->set,
                         d->version, (unsigned)draws, (unsigned long long)seed, set, version);
    if (draws < 2 || draws > BX_UNCERTAINTY_MAX_DRAWS || strlen(set) >= ID_MAX ||
        strlen(version) >= ID_MAX || shipments < 0)
        return bxi_error(d->ctx, BX_EINVAL, "draw totals: bad argument");
    /* check every sum first, so that d is unchanged on error */
    int64_t n = d->shipments;
    if (!bxi_carbon_add_i64(&n, shipments))
        return bxi_error(d->ctx, BX_ELIMIT, "draw totals: too many shipments");
    for (uint32_t i = 0; d->mg != NULL && i < draws; i++) {
        int64_t v = d->mg[i];
        if (!bxi_carbon_add_i64(&v, mg[i]) || v > BX_CO2E_MAX_MG || v < -BX_CO2E_MAX_MG)
            return bxi_error(d->ctx, BX_ELIMIT, "draw totals: draw %u passes %lld mg",
                             (unsigned)i + 1, (long long)BX_CO2E_MAX_MG);
    }
    if (d->mg == NULL) {
        d->mg = bx_alloc(d->ctx, (size_t)draws * sizeof *d->mg);
        if (d->mg == NULL)
            return BX_ENOMEM;
        memset(d->mg, 0, (size_t)draws * sizeof *d->mg);
        d->draws = draws;
        d->seed = seed;
        strcpy(d->set, set);
        strcpy(d->version, version);
    }
    for (uint32_t i = 0; i < draws; i++)
        d->mg[i] += mg[i];
    d->shipments = n;
    return BX_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The p-quantile of sorted v[0..n), interpolated as GSL does. */
static double quantile(const double *v, size_t n, double p)
{
    double index = p * (double)(n - 1);
    size_t lhs = (size_t)index;
    double delta = index - (double)lhs;
    return lhs == n - 1 ? v[lhs] : (1 - delta) * v[lhs] + delta * v[lhs + 1];
}

void bxi_draws_interval(const int64_t *mg, size_t n, double *scratch, bx_interval *out)
{
    /* |mg| <= BX_CO2E_MAX_MG < 2^53: every draw is exact as a double */
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        scratch[i] = (double)mg[i];
        sum += scratch[i];
    }
    qsort(scratch, n, sizeof *scratch, cmp_double);
    out->mean_g = sum / (double)n / 1000.0;
    out->lo_g = quantile(scratch, n, 0.025) / 1000.0;
    out->hi_g = quantile(scratch, n, 0.975) / 1000.0;
}

bx_status bx_draw_totals_interval(const bx_draw_totals *d, bx_interval *out)
{
    if (d == NULL || out == NULL)
        return BX_EINVAL;
    if (d->draws == 0)
        return BX_ENOTFOUND;
    double *scratch = bx_alloc(d->ctx, d->draws * sizeof *scratch);
    if (scratch == NULL)
        return BX_ENOMEM;
    bxi_draws_interval(d->mg, d->draws, scratch, out);
    bx_free(d->ctx, scratch);
    return BX_OK;
}

/* ---- the file ------------------------------------------------------------ */

static bx_status put(bx_csv_writer *w, const char *s)
{
    return bx_csv_write_field(w, s, strlen(s));
}

static bx_status put_i64(bx_csv_writer *w, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    return bx_csv_write_field(w, buf, (size_t)n);
}

static bx_status put_u64(bx_csv_writer *w, uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return bx_csv_write_field(w, buf, (size_t)n);
}

bx_status bx_draw_totals_write(const bx_draw_totals *d, bx_write_fn write, void *ud)
{
    if (d == NULL || write == NULL)
        return BX_EINVAL;
    if (d->draws == 0)
        return bxi_error(d->ctx, BX_EINVAL, "draw totals: nothing to write");
    bx_csv_writer w;
    bx_csv_writer_init(&w, write, ud);
    bx_status st = BX_OK;
    for (size_t c = 0; st == BX_OK && c < C_COUNT; c++)
        st = put(&w, columns[c].name);
    if (st == BX_OK)
        st = bx_csv_end_record(&w);
    for (uint32_t i = 0; st == BX_OK && i < d->draws; i++) {
        st = put_i64(&w, (int64_t)i + 1);
        if (st == BX_OK)
            st = put_i64(&w, d->mg[i]);
        if (st == BX_OK)
            st = put_i64(&w, d->draws);
        if (st == BX_OK)
            st = put_u64(&w, d->seed);
        if (st == BX_OK)
            st = put_i64(&w, d->shipments);
        if (st == BX_OK)
            st = put(&w, d->set);
        if (st == BX_OK)
            st = put(&w, d->version);
        if (st == BX_OK)
            st = bx_csv_end_record(&w);
    }
    return st == BX_EIO ? bxi_error(d->ctx, BX_EIO, "draw totals: write failed") : st;
}

static bx_status bad(const bxc_table *t, size_t c, const char *why)
{
    bx_location where = bxi_carbon_where(t, c);
    return bxi_input_error(t->ctx, BX_EINPUT, &where, "%s", why);
}

/* A seed: 0 to 2^64 - 1, in decimal digits. */
static bx_status get_seed(const bxc_table *t, uint64_t *out)
{
    size_t len;
    const char *s = bxi_carbon_get(t, C_SEED, &len);
    uint64_t v = 0;
    if (len == 0 || len > 20)
        return bad(t, C_SEED, "expected a whole number 0 to 18446744073709551615");
    for (size_t i = 0; i < len; i++) {
        unsigned digit = (unsigned)(s[i] - '0');
        if (digit > 9 || v > (UINT64_MAX - digit) / 10)
            return bad(t, C_SEED, "expected a whole number 0 to 18446744073709551615");
        v = v * 10 + digit;
    }
    *out = v;
    return BX_OK;
}

/* The file as read so far: its identity from the first row, its draws. */
typedef struct file_draws {
    uint32_t draws, rows;
    uint64_t seed;
    int64_t shipments;
    char set[ID_MAX], version[ID_MAX];
    int64_t *mg;
} file_draws;

static bx_status read_row(bx_ctx *ctx, const bxc_table *t, file_draws *f)
{
    int64_t draw, total, draws, shipments;
    uint64_t seed = 0;
    bx_status st;
    if ((st = bxi_carbon_get_int(t, C_DRAWS, true, 2, BX_UNCERTAINTY_MAX_DRAWS, &draws,
                                 NULL)) != BX_OK ||
        (st = bxi_carbon_get_int(t, C_DRAW, true, 1, BX_UNCERTAINTY_MAX_DRAWS, &draw,
                                 NULL)) != BX_OK ||
        (st = bxi_carbon_get_int(t, C_TOTAL, true, -BX_CO2E_MAX_MG, BX_CO2E_MAX_MG, &total,
                                 NULL)) != BX_OK ||
        (st = bxi_carbon_get_int(t, C_SHIPMENTS, true, 0, INT64_MAX, &shipments, NULL)) !=
            BX_OK ||
        (st = get_seed(t, &seed)) != BX_OK)
        return st;
    const char *set = bxi_carbon_get(t, C_SET, NULL), *version = bxi_carbon_get(t, C_VERSION, NULL);
    if (f->mg == NULL) {
        if (strlen(set) >= ID_MAX || strlen(version) >= ID_MAX)
            return bad(t, C_SET, "factor set or version longer than 127 bytes");
        f->mg = bx_alloc(ctx, (size_t)draws * sizeof *f->mg);
        if (f->mg == NULL)
            return BX_ENOMEM;
        f->draws = (uint32_t)draws;
        f->seed = seed;
        f->shipments = shipments;
        strcpy(f->set, set);
        strcpy(f->version, version);
    } else if ((uint32_t)draws != f->draws) {
        return bad(t, C_DRAWS, "the number of draws differs from the file's first row");
    } else if (seed != f->seed) {
        return bad(t, C_SEED, "the seed differs from the file's first row");
    } else if (shipments != f->shipments) {
        return bad(t, C_SHIPMENTS, "the shipments differ from the file's first row");
    } else if (strcmp(set, f->set) != 0 || strcmp(version, f->version) != 0) {
        return bad(t, C_SET, "factor set or version differs from the file's first row");
    }
    if (f->rows == f->draws)
        return bad(t, C_DRAW, "more rows than draws");
    if ((uint32_t)draw != f->rows + 1)
        return bad(t, C_DRAW, "draws must count 1, 2, 3... in order");
    f->mg[f->rows++] = total;
    return BX_OK;
}

static bx_status read_table(bx_draw_totals *d, bxc_table *t)
{
    file_draws f;
    memset(&f, 0, sizeof f);
    bx_status st;
    while ((st = bxi_carbon_table_next(t)) != BX_END) {
        if (st == BX_OK)
            st = read_row(d->ctx, t, &f);
        if (st != BX_OK)
            break; /* one bad row makes the file's draws meaningless */
    }
    bx_location where = {0};
    where.file = t->name;
    if (st == BX_END && f.mg == NULL) {
        st = bxi_input_error(d->ctx, BX_EINPUT, &where, "no draws: not a draw totals file");
    } else if (st == BX_END && f.rows < f.draws) {
        st = bxi_input_error(d->ctx, BX_EINPUT, &where, "%u of %u draws: not a complete "
                             "draw totals file", (unsigned)f.rows, (unsigned)f.draws);
    } else if (st == BX_END) {
        st = bxi_draw_totals_add(d, f.draws, f.seed, f.set, f.version, f.shipments, f.mg);
        if (st == BX_EINPUT || st == BX_ELIMIT) {
            /* another world than the files before, or too large: say which file */
            char msg[512];
            snprintf(msg, sizeof msg, "%s", bx_ctx_errmsg(d->ctx));
            st = bxi_input_error(d->ctx, st, &where, "%s", msg);
        }
    }
    bx_free(d->ctx, f.mg);
    return st;
}

bx_status bx_draw_totals_read(bx_draw_totals *d, const char *path)
{
    if (d == NULL || path == NULL)
        return BX_EINVAL;
    bxc_table tab;
    bx_status st = bxi_carbon_table_open_path(&tab, d->ctx, path, columns, C_COUNT);
    if (st != BX_OK)
        return st;
    st = read_table(d, &tab);
    bxi_carbon_table_close(&tab);
    return st;
}

bx_status bx_draw_totals_read_mem(bx_draw_totals *d, const char *name, const void *data,
                                  size_t size)
{
    if (d == NULL || name == NULL || (data == NULL && size > 0))
        return BX_EINVAL;
    bxc_table tab;
    bx_status st = bxi_carbon_table_open_mem(&tab, d->ctx, name, data, size, columns, C_COUNT);
    if (st != BX_OK)
        return st;
    st = read_table(d, &tab);
    bxi_carbon_table_close(&tab);
    return st;
}
