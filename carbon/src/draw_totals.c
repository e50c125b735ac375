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

#define ID_MAX 128  /* factor set id and version, as in the totals file */
#define KEY_MAX 256 /* a group's key in the file */

struct bx_draw_totals {
    bx_ctx *ctx;
    uint32_t draws; /* 0: empty */
    uint64_t seed;
    int64_t shipments;
    int64_t *mg;    /* draws */
    char set[ID_MAX], version[ID_MAX];
    /* each key's draws, when the run kept a group (bx_uncertainty_by) */
    bx_totals_group by; /* BX_BY_ALL: none */
    bxc_idmap keys;
    int64_t *key_mg;    /* keys.n x draws, in the keys' order */
    size_t keys_cap;
};

enum {
    C_DRAW,
    C_TOTAL,
    C_DRAWS,
    C_SEED,
    C_SHIPMENTS,
    C_SET,
    C_VERSION,
    C_GROUP,
    C_KEY,
    C_COUNT
};

static const bxc_column columns[C_COUNT] = {
    [C_DRAW] = {"draw", true},
    [C_TOTAL] = {"total_wtw_mg", true},
    [C_DRAWS] = {"draws", true},
    [C_SEED] = {"seed", true},
    [C_SHIPMENTS] = {"shipments", true},
    [C_SET] = {"factor_set", true},
    [C_VERSION] = {"factor_version", true},
    [C_GROUP] = {"group", false},
    [C_KEY] = {"key", false},
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
    d->by = BX_BY_ALL;
    bxi_carbon_idmap_init(&d->keys, ctx);
    *out = d;
    return BX_OK;
}

void bx_draw_totals_free(bx_draw_totals *d)
{
    if (d == NULL)
        return;
    bx_free(d->ctx, d->mg);
    bxi_carbon_idmap_free(&d->keys);
    bx_free(d->ctx, d->key_mg);
    bx_free(d->ctx, d);
}

bx_draw_totals_info bx_draw_totals_info_get(const bx_draw_totals *d)
{
    bx_draw_totals_info info = {0, 0, 0, "", "", BX_BY_ALL, 0};
    if (d != NULL && d->draws > 0) {
        info.by = d->by;
        info.keys = d->keys.n;
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
                            const char *set, const char *version, bx_totals_group by)
{
    if (d->draws == 0)
        return NULL;
    if (by != d->by)
        return "draws kept by another group (or by none) than the draws merged before";
    if (draws != d->draws)
        return "another number of draws than the draws merged before";
    if (seed != d->seed)
        return "another seed than the draws merged before";
    if (strcmp(set, d->set) != 0 || strcmp(version, d->version) != 0)
        return "another factor set or version than the draws merged before";
    return NULL;
}

bx_status bxi_draw_totals_add(bx_draw_totals *d, uint32_t draws, uint64_t seed,
                              const char *set, const char *version, bx_totals_group by,
                              int64_t shipments, const int64_t *mg)
{
    const char *why = mismatch(d, draws, seed, set, version, by);
    if (why != NULL)
        return bxi_error(d->ctx, BX_EINPUT, "draw totals: %s (%u draws, seed %llu, "
                                            "factor set %s %s; these: %u, %llu, %s %s)",
                         why, (unsigned)d->draws, (unsigned long long)d->seed, d->set,
                         d->version, (unsigned)draws, (unsigned long long)seed, set, version);
    if (draws < 2 || draws > BX_UNCERTAINTY_MAX_DRAWS || strlen(set) >= ID_MAX ||
        strlen(version) >= ID_MAX || shipments < 0 || (unsigned)by >= (unsigned)BX_BY_COUNT)
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
        d->by = by;
        strcpy(d->set, set);
        strcpy(d->version, version);
    }
    for (uint32_t i = 0; i < draws; i++)
        d->mg[i] += mg[i];
    d->shipments = n;
    return BX_OK;
}

/* Whether every draw of row + mg stays within BX_CO2E_MAX_MG (row may be
 * NULL: zero). */
static bool sums_fit(const int64_t *row, const int64_t *mg, uint32_t draws)
{
    for (uint32_t i = 0; i < draws; i++) {
        int64_t v = row != NULL ? row[i] : 0;
        if (!bxi_carbon_add_i64(&v, mg[i]) || v > BX_CO2E_MAX_MG || v < -BX_CO2E_MAX_MG)
            return false;
    }
    return true;
}

static int64_t *key_row(const bx_draw_totals *d, const char *key)
{
    long i = bxi_carbon_idmap_find(&d->keys, key, strlen(key));
    return i < 0 ? NULL : d->key_mg + (size_t)i * d->draws;
}

bx_status bxi_draw_totals_add_key(bx_draw_totals *d, const char *key, const int64_t *mg)
{
    if (d->draws == 0 || d->by == BX_BY_ALL || strlen(key) >= KEY_MAX)
        return bxi_error(d->ctx, BX_EINVAL, "draw totals: bad key");
    int64_t *row = key_row(d, key);
    if (!sums_fit(row, mg, d->draws))
        return bxi_error(d->ctx, BX_ELIMIT, "draw totals: a draw of '%s' passes %lld mg", key,
                         (long long)BX_CO2E_MAX_MG);
    if (row == NULL) {
        if (d->keys.n == d->keys_cap) {
            size_t cap = d->keys_cap ? 2 * d->keys_cap : 16;
            if (cap > SIZE_MAX / sizeof(int64_t) / d->draws)
                return BX_ENOMEM;
            int64_t *m = bx_realloc(d->ctx, d->key_mg, cap * d->draws * sizeof *m);
            if (m == NULL)
                return BX_ENOMEM;
            d->key_mg = m;
            d->keys_cap = cap;
        }
        size_t i;
        bx_status st = bxi_carbon_idmap_put(&d->keys, key, strlen(key), &i, NULL);
        if (st != BX_OK)
            return st;
        row = d->key_mg + i * d->draws;
        memset(row, 0, d->draws * sizeof *row);
    }
    for (uint32_t i = 0; i < d->draws; i++)
        row[i] += mg[i];
    return BX_OK;
}

bx_status bxi_draw_totals_merge(bx_draw_totals *d, const bx_draw_totals *src)
{
    if (src->draws == 0)
        return BX_OK;
    const char *why = mismatch(d, src->draws, src->seed, src->set, src->version, src->by);
    if (why != NULL)
        return bxi_error(d->ctx, BX_EINPUT, "draw totals: %s (%u draws, seed %llu, "
                                            "factor set %s %s, by %s; these: %u, %llu, %s "
                                            "%s, by %s)",
                         why, (unsigned)d->draws, (unsigned long long)d->seed, d->set,
                         d->version, bx_totals_group_name(d->by), (unsigned)src->draws,
                         (unsigned long long)src->seed, src->set, src->version,
                         bx_totals_group_name(src->by));
    /* every sum checked first, so that d is unchanged by a sum too large */
    for (size_t k = 0; d->draws > 0 && k < src->keys.n; k++)
        if (!sums_fit(key_row(d, bxi_carbon_idmap_key(&src->keys, k)),
                      src->key_mg + k * src->draws, src->draws))
            return bxi_error(d->ctx, BX_ELIMIT, "draw totals: a draw of '%s' passes %lld mg",
                             bxi_carbon_idmap_key(&src->keys, k), (long long)BX_CO2E_MAX_MG);
    bx_status st = bxi_draw_totals_add(d, src->draws, src->seed, src->set, src->version,
                                       src->by, src->shipments, src->mg);
    for (size_t k = 0; st == BX_OK && k < src->keys.n; k++)
        st = bxi_draw_totals_add_key(d, bxi_carbon_idmap_key(&src->keys, k),
                                     src->key_mg + k * src->draws);
    return st;
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

bx_status bx_draw_totals_key_interval(const bx_draw_totals *d, const char *key,
                                     bx_interval *out)
{
    if (d == NULL || key == NULL || out == NULL)
        return BX_EINVAL;
    const int64_t *row = d->draws > 0 ? key_row(d, key) : NULL;
    if (row == NULL)
        return BX_ENOTFOUND;
    double *scratch = bx_alloc(d->ctx, d->draws * sizeof *scratch);
    if (scratch == NULL)
        return BX_ENOMEM;
    bxi_draws_interval(row, d->draws, scratch, out);
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

/* One row: draw i (0-based) of the run (key NULL) or of a key. */
static bx_status put_row(const bx_draw_totals *d, bx_csv_writer *w, uint32_t i, int64_t mg,
                         const char *key)
{
    bx_status st = put_i64(w, (int64_t)i + 1);
    if (st == BX_OK)
        st = put_i64(w, mg);
    if (st == BX_OK)
        st = put_i64(w, d->draws);
    if (st == BX_OK)
        st = put_u64(w, d->seed);
    if (st == BX_OK)
        st = put_i64(w, d->shipments);
    if (st == BX_OK)
        st = put(w, d->set);
    if (st == BX_OK)
        st = put(w, d->version);
    if (st == BX_OK && d->by != BX_BY_ALL)
        st = put(w, key != NULL ? bx_totals_group_name(d->by) : "all");
    if (st == BX_OK && d->by != BX_BY_ALL)
        st = put(w, key != NULL ? key : "");
    if (st == BX_OK)
        st = bx_csv_end_record(w);
    return st;
}

typedef struct sorted_key {
    const char *key;
    size_t index;
} sorted_key;

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const sorted_key *)a)->key, ((const sorted_key *)b)->key);
}

bx_status bx_draw_totals_write(const bx_draw_totals *d, bx_write_fn write, void *ud)
{
    if (d == NULL || write == NULL)
        return BX_EINVAL;
    if (d->draws == 0)
        return bxi_error(d->ctx, BX_EINVAL, "draw totals: nothing to write");
    /* keys in byte order: the same bytes whatever order shards saw them in */
    size_t nkeys = d->keys.n;
    sorted_key *keys = NULL;
    if (nkeys > 0 && (keys = bx_alloc(d->ctx, nkeys * sizeof *keys)) == NULL)
        return BX_ENOMEM;
    for (size_t k = 0; k < nkeys; k++) {
        keys[k].key = bxi_carbon_idmap_key(&d->keys, k);
        keys[k].index = k;
    }
    if (nkeys > 1)
        qsort(keys, nkeys, sizeof *keys, cmp_key);
    bx_csv_writer w;
    bx_csv_writer_init(&w, write, ud);
    bx_status st = BX_OK;
    size_t ncols = d->by != BX_BY_ALL ? C_COUNT : C_GROUP;
    for (size_t c = 0; st == BX_OK && c < ncols; c++)
        st = put(&w, columns[c].name);
    if (st == BX_OK)
        st = bx_csv_end_record(&w);
    for (uint32_t i = 0; st == BX_OK && i < d->draws; i++)
        st = put_row(d, &w, i, d->mg[i], NULL);
    for (size_t k = 0; st == BX_OK && k < nkeys; k++) {
        const int64_t *row = d->key_mg + keys[k].index * d->draws;
        for (uint32_t i = 0; st == BX_OK && i < d->draws; i++)
            st = put_row(d, &w, i, row[i], keys[k].key);
    }
    bx_free(d->ctx, keys);
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

/* The file as read so far: its identity from the first row, the block of
 * draws 1..N being read (the run's, then each key's), the blocks read. */
typedef struct file_draws {
    uint32_t draws, rows; /* rows: of the block being read */
    uint64_t seed;
    int64_t shipments;
    bx_totals_group by;   /* BX_BY_ALL until a key's block */
    char set[ID_MAX], version[ID_MAX];
    int64_t *mg;          /* draws: the block being read */
    bool block_run;       /* the block is the run's */
    bool run_read;
    char key[KEY_MAX];    /* the block's key */
    bx_draw_totals *blocks;
} file_draws;

/* The row's group and key: run (group empty or "all", no key), or a key
 * of the file's one group. */
static bx_status row_key(const bxc_table *t, file_draws *f, bool *run, const char **key)
{
    size_t glen, klen;
    const char *g = bxi_carbon_get(t, C_GROUP, &glen);
    *key = bxi_carbon_get(t, C_KEY, &klen);
    *run = glen == 0 || strcmp(g, "all") == 0;
    if (*run)
        return klen == 0 ? BX_OK : bad(t, C_KEY, "the run's draws have no key");
    bx_totals_group by;
    if (bx_totals_group_parse(g, &by) != BX_OK || by == BX_BY_ALL)
        return bad(t, C_GROUP, "expected all, route, month, mode or packaging");
    if (f->by != BX_BY_ALL && by != f->by)
        return bad(t, C_GROUP, "one group per file: it differs from the file's first key");
    if (klen == 0 || klen >= KEY_MAX)
        return bad(t, C_KEY, "expected a key of 1 to 255 bytes");
    f->by = by;
    return BX_OK;
}

/* The block just completed into f->blocks. */
static bx_status end_block(const bxc_table *t, file_draws *f)
{
    bx_status st;
    if (f->block_run) {
        st = bxi_draw_totals_add(f->blocks, f->draws, f->seed, f->set, f->version, f->by,
                                 f->shipments, f->mg);
        f->run_read = st == BX_OK;
        return st;
    }
    if (bxi_carbon_idmap_find(&f->blocks->keys, f->key, strlen(f->key)) >= 0)
        return bad(t, C_KEY, "a key's draws appear twice");
    f->blocks->by = f->by; /* learnt from the first key, after the run's draws */
    return bxi_draw_totals_add_key(f->blocks, f->key, f->mg);
}

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
        f->rows = f->draws; /* this row starts a block */
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
    bool run;
    const char *key;
    if ((st = row_key(t, f, &run, &key)) != BX_OK)
        return st;
    if (f->rows == f->draws) { /* a new block */
        if (run && f->run_read)
            return bad(t, C_DRAW, "more rows than draws");
        if (!run && !f->run_read)
            return bad(t, C_GROUP, "the run's draws come before its keys'");
        f->rows = 0;
        f->block_run = run;
        snprintf(f->key, sizeof f->key, "%s", key);
    } else if (run != f->block_run || strcmp(key, f->key) != 0) {
        return bad(t, C_KEY, "draws 1, 2, 3... of one key together");
    }
    if ((uint32_t)draw != f->rows + 1)
        return bad(t, C_DRAW, "draws must count 1, 2, 3... in order");
    f->mg[f->rows++] = total;
    return f->rows == f->draws ? end_block(t, f) : BX_OK;
}

static bx_status read_table(bx_draw_totals *d, bxc_table *t)
{
    file_draws f;
    memset(&f, 0, sizeof f);
    f.by = BX_BY_ALL;
    bx_status st = bx_draw_totals_new(d->ctx, &f.blocks);
    while (st == BX_OK && (st = bxi_carbon_table_next(t)) != BX_END) {
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
        st = bxi_input_error(d->ctx, BX_EINPUT, &where, "%u of %u draws of %s: not a "
                             "complete draw totals file", (unsigned)f.rows, (unsigned)f.draws,
                             f.block_run ? "the run" : f.key);
    } else if (st == BX_END) {
        st = bxi_draw_totals_merge(d, f.blocks);
        if (st == BX_EINPUT || st == BX_ELIMIT) {
            /* another world than the files before, or too large: say which file */
            char msg[512];
            snprintf(msg, sizeof msg, "%s", bx_ctx_errmsg(d->ctx));
            st = bxi_input_error(d->ctx, st, &where, "%s", msg);
        }
    }
    bx_free(d->ctx, f.mg);
    bx_draw_totals_free(f.blocks);
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
