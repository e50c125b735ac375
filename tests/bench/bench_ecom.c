/*
 * bench_ecom.c: box choice and speed on 4,288 real e-commerce orders (the
 * corpus of BoxPacker's EfficiencyTest), against BoxPacker and binpackingjs.
 *
 *   build/tests/bench/bench_ecom [DATA_DIR] [--mode upright|any] [--budget N]
 *                                [--repeat R] [--show K] [--export DIR]
 *
 * Every order is packed twice with the corpus' 4 box types: once with every
 * item upright (BoxPacker's KeepFlat: the vertical axis d stays vertical) and
 * once with any orientation (BestFit). Per mode it prints the boxes and
 * total inner volume used, how many orders take more, fewer or as many boxes
 * as BoxPacker (listing the first K that take more), the library's latency
 * per order (measured around bx_pack alone; with --repeat R the fastest of R
 * back-to-back runs, which filters out preemption but flatters the caches),
 * and how many results fail bx_validate (which must be none).
 *
 * --export DIR writes the corpus as boxcar files (ecom-boxes.csv,
 * ecom-upright.csv, ecom-any.csv) into DIR, a scratch directory outside the
 * repository, so that the command-line tool can be timed on it.
 *
 * Items that appear twice in one order (same item id, same size and mass in
 * this corpus) are merged into one line with the summed quantity, as
 * docs/formats.md asks; the packing problem is the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

/* BoxPacker's total inner volume per mode (m^3, from
 * peer_results_boxpacker.csv) and boxcar's targets. */
#define REF_BOXPACKER_UPRIGHT_M3 54.72
#define REF_BOXPACKER_ANY_M3 76.41
#define TARGET_UPRIGHT_M3 50.0
#define TARGET_ANY_M3 60.0

typedef struct peer {
    int64_t boxes, volume_mm3, units;
    const char *box_ids; /* borrowed from the peer table; NULL if absent */
} peer;

typedef struct ecom_order {
    const char *id;       /* borrowed from the items table */
    size_t first, nlines; /* slice of the merged lines */
    int64_t units;
    peer bp[2], js[2];    /* per mode: 0 upright, 1 any */
} ecom_order;

typedef struct ecom_data {
    bench_table boxes, items, bp, js;
    bx_box box[16];
    size_t nbox;
    bx_order_line *lines;
    size_t nlines;
    ecom_order *orders;
    size_t norders;
    ecom_order **by_id;  /* orders sorted by id, for the peers' rows */
} ecom_data;

static const bx_rotation modes[2] = {BX_ROTATE_UPRIGHT, BX_ROTATE_ANY};

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_ecom [DATA_DIR] [--mode upright|any] [--budget N] [--show K]"
               " [--repeat R]\n                  [--export DIR]\n");
}

static int cmp_order_id(const void *a, const void *b)
{
    return strcmp((*(ecom_order *const *)a)->id, (*(ecom_order *const *)b)->id);
}

static ecom_order *find_order(const ecom_data *d, const char *id)
{
    ecom_order key = {.id = id}, *kp = &key;
    ecom_order **hit = bsearch(&kp, d->by_id, d->norders, sizeof *d->by_id, cmp_order_id);
    return hit ? *hit : NULL;
}

static bool load_boxes(ecom_data *d)
{
    if (d->boxes.nrows == 0 || d->boxes.nrows > sizeof d->box / sizeof d->box[0]) {
        fprintf(stderr, "%s: expected 1..16 boxes\n", d->boxes.path);
        return false;
    }
    for (size_t r = 0; r < d->boxes.nrows; r++) {
        bool adjusted;
        if (!bench_boxpacker_box(&d->boxes, r, &d->box[r], &adjusted))
            return false;
        if (adjusted)
            fprintf(stderr, "%s:%llu: weight limits adjusted to boxcar's rules\n",
                    d->boxes.path, (unsigned long long)d->boxes.lines[r]);
    }
    d->nbox = d->boxes.nrows;
    return true;
}

/* One run of rows per order; repeated items of an order merged. */
static bool load_orders(ecom_data *d)
{
    const bench_table *t = &d->items;
    int cid = bench_col(t, "order_id");
    if (cid < 0)
        return false;
    d->lines = calloc(t->nrows ? t->nrows : 1, sizeof *d->lines);
    d->orders = calloc(t->nrows ? t->nrows : 1, sizeof *d->orders);
    if (d->lines == NULL || d->orders == NULL)
        return false;
    ecom_order *cur = NULL;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *id = bench_str(t, r, cid);
        if (cur == NULL || strcmp(cur->id, id) != 0) {
            cur = &d->orders[d->norders++];
            cur->id = id;
            cur->first = d->nlines;
        }
        bx_order_line l;
        if (!bench_boxpacker_line(t, r, id, BX_ROTATE_UPRIGHT, &l))
            return false;
        cur->units += l.qty;
        size_t k;
        for (k = cur->first; k < d->nlines; k++)
            if (strcmp(d->lines[k].item_id, l.item_id) == 0)
                break;
        if (k < d->nlines) {
            bx_order_line *m = &d->lines[k];
            if (m->l_mm != l.l_mm || m->w_mm != l.w_mm || m->h_mm != l.h_mm ||
                m->weight_g != l.weight_g) {
                fprintf(stderr, "%s:%llu: item '%s' repeats with another size or mass\n",
                        t->path, (unsigned long long)t->lines[r], l.item_id);
                return false;
            }
            m->qty += l.qty;
        } else {
            d->lines[d->nlines++] = l;
            cur->nlines++;
        }
    }
    d->by_id = malloc((d->norders ? d->norders : 1) * sizeof *d->by_id);
    if (d->by_id == NULL)
        return false;
    for (size_t i = 0; i < d->norders; i++)
        d->by_id[i] = &d->orders[i];
    qsort(d->by_id, d->norders, sizeof *d->by_id, cmp_order_id);
    for (size_t i = 1; i < d->norders; i++)
        if (strcmp(d->by_id[i - 1]->id, d->by_id[i]->id) == 0) {
            fprintf(stderr, "%s: order '%s' is not in one run of rows\n", t->path,
                    d->by_id[i]->id);
            return false;
        }
    return true;
}

static bool load_peer(ecom_data *d, const bench_table *t, bool boxpacker)
{
    int co = bench_col(t, "order_id"), cr = bench_col(t, "rotation"),
        cb = bench_col(t, "n_boxes"), cv = bench_col(t, "total_inner_volume_mm3"),
        cn = bench_col(t, "n_items"), ci = bench_col(t, "box_ids");
    if (co < 0 || cr < 0 || cb < 0 || cv < 0 || cn < 0 || ci < 0)
        return false;
    for (size_t r = 0; r < t->nrows; r++) {
        ecom_order *o = find_order(d, bench_str(t, r, co));
        bx_rotation rot;
        if (o == NULL || !bench_boxpacker_rotation(bench_str(t, r, cr), &rot)) {
            fprintf(stderr, "%s:%llu: unknown order or rotation\n", t->path,
                    (unsigned long long)t->lines[r]);
            return false;
        }
        peer *p = boxpacker ? &o->bp[rot == BX_ROTATE_ANY] : &o->js[rot == BX_ROTATE_ANY];
        if (!bench_int(t, r, cb, 0, INT32_MAX, &p->boxes) ||
            !bench_int(t, r, cv, 0, INT64_MAX, &p->volume_mm3) ||
            !bench_int(t, r, cn, 0, INT32_MAX, &p->units))
            return false;
        p->box_ids = bench_str(t, r, ci);
        if (p->units != o->units) {
            fprintf(stderr, "%s:%llu: %lld items, the corpus has %lld for order %s\n",
                    t->path, (unsigned long long)t->lines[r], (long long)p->units,
                    (long long)o->units, o->id);
            return false;
        }
    }
    return true;
}

static bool load(ecom_data *d, const char *dir)
{
    char p[4096];
    return bench_path(p, sizeof p, dir, "boxpacker/ecom_boxes.csv") &&
           bench_table_load(p, &d->boxes) &&
           bench_path(p, sizeof p, dir, "boxpacker/ecom_order_items.csv") &&
           bench_table_load(p, &d->items) &&
           bench_path(p, sizeof p, dir, "boxpacker/peer_results_boxpacker.csv") &&
           bench_table_load(p, &d->bp) &&
           bench_path(p, sizeof p, dir, "boxpacker/peer_results_binpackingjs.csv") &&
           bench_table_load(p, &d->js) && load_boxes(d) && load_orders(d) &&
           load_peer(d, &d->bp, true) && load_peer(d, &d->js, false);
}

static void set_rotation(ecom_data *d, bx_rotation rot)
{
    for (size_t i = 0; i < d->nlines; i++)
        d->lines[i].rotation = rot;
}

/* ---- export ------------------------------------------------------------- */

static int file_write(void *ud, const void *data, size_t size)
{
    return fwrite(data, 1, size, ud) == size ? 0 : -1;
}

static bool write_file(bx_ctx *ctx, const char *path, bx_record_kind kind,
                       const void *records, size_t elem, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return false;
    }
    bx_writer *w;
    bool ok = bx_writer_open(ctx, &w, kind, BX_FORMAT_CSV, file_write, f, n) == BX_OK;
    for (size_t i = 0; ok && i < n; i++)
        ok = bx_writer_put(w, (const char *)records + i * elem) == BX_OK;
    if (ok)
        ok = bx_writer_close(w) == BX_OK;
    else
        bx_writer_abort(w);
    if (!ok)
        fprintf(stderr, "%s: %s\n", path, bx_ctx_errmsg(ctx));
    if (fclose(f) != 0) {
        perror(path);
        ok = false;
    }
    return ok;
}

static bool export_corpus(bx_ctx *ctx, ecom_data *d, const char *dir)
{
    char p[4096];
    if (!bench_path(p, sizeof p, dir, "ecom-boxes.csv") ||
        !write_file(ctx, p, BX_RECORD_BOX, d->box, sizeof d->box[0], d->nbox))
        return false;
    printf("wrote %s (%zu boxes)\n", p, d->nbox);
    for (size_t m = 0; m < 2; m++) {
        char name[64];
        snprintf(name, sizeof name, "ecom-%s.csv", bx_rotation_name(modes[m]));
        set_rotation(d, modes[m]);
        if (!bench_path(p, sizeof p, dir, name) ||
            !write_file(ctx, p, BX_RECORD_ORDER_LINE, d->lines, sizeof d->lines[0],
                        d->nlines))
            return false;
        printf("wrote %s (%zu orders, %zu lines)\n", p, d->norders, d->nlines);
    }
    return true;
}

/* ---- packing ------------------------------------------------------------ */

typedef struct mode_stats {
    size_t boxes, units, unpacked, invalid, optimal;
    int64_t volume_mm3, bp_volume_mm3, js_volume_mm3;
    int64_t bp_boxes, js_boxes;
    size_t more, fewer, equal, equal_less_volume, equal_more_volume;
    size_t js_more, js_fewer;
    int64_t vol_bound_mm3;    /* summed over every order */
    size_t vol_bounded;       /* orders whose bound enumerated box sets */
    size_t vol_optimal;       /* count proven and volume at its bound */
    size_t bound_broken[2];   /* packings of boxcar, BoxPacker below a bound */
    double pack_s, validate_s;
    double *lat_us;
    char (*worse)[512];  /* the first `show` orders with more boxes */
    size_t nworse;
    size_t slowest;      /* order index */
    uint64_t slowest_work;
} mode_stats;

/* ---- a lower bound on inner volume ---------------------------------------- *
 *
 * Any packing of an order into a multiset of boxes has (a) at least the
 * units' volume inside, (b) at least their weight within the boxes'
 * payloads (max weight less tare), and (c) for every unit a box type in
 * the multiset that admits it by its rotation rule. The least total inner
 * volume of a multiset of k boxes meeting (a)-(c) is therefore a lower
 * bound on the inner volume of every packing into k boxes. The engine
 * puts fewest boxes first, so a packing it could prefer has between the
 * proven count bound and its own count of boxes: the least of these
 * bounds over that range bounds the volume of the best packing. Stock is
 * not modelled (the corpus has none).
 *
 * (d) A unit whose base, in every orientation that fits a box type, is
 * longer than half the box along both floor axes cannot stand beside
 * another such unit in that box: their bases would overlap in plan, so
 * they stand one above the other, and their heights (the least over those
 * orientations) add up to at most the box's. Put as shares of a box's
 * height, each unit takes at least the least such share over the types
 * of the multiset that admit it (0 where it is not that wide), and the
 * shares of all units add up to at most the count of boxes. For one box
 * type this is exact: the wide units' heights fit in its height. None
 * of (a)-(d) assumes support, so the bound holds with and without it. */

#define VOL_BOUND_MAX_BOXES 24

static bool admits(const bx_box *b, const bx_order_line *l, bx_rotation rot)
{
    int32_t L = b->inner_l_mm, W = b->inner_w_mm, H = b->inner_h_mm;
    if (rot == BX_ROTATE_UPRIGHT)
        return l->h_mm <= H &&
               ((l->l_mm <= L && l->w_mm <= W) || (l->w_mm <= L && l->l_mm <= W));
    const int32_t d[3] = {l->l_mm, l->w_mm, l->h_mm};
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                   {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int k = 0; k < 6; k++)
        if (d[perm[k][0]] <= L && d[perm[k][1]] <= W && d[perm[k][2]] <= H)
            return true;
    return false;
}

/* The height a unit of line l takes in a pile of box b, as in (d): the
 * least vertical extent over the orientations that fit b when all of them
 * have a base wider than half the box both ways, else 0; -1 when no
 * orientation fits. */
static int32_t pile_height(const bx_box *b, const bx_order_line *l, bx_rotation rot)
{
    int32_t L = b->inner_l_mm, W = b->inner_w_mm, H = b->inner_h_mm, h = -1;
    const int32_t d[3] = {l->l_mm, l->w_mm, l->h_mm};
    static const int perm[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1},
                                   {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int n = rot == BX_ROTATE_UPRIGHT ? 2 : 6;
    for (int k = 0; k < n; k++) {
        int32_t x = d[perm[k][0]], y = d[perm[k][1]], z = d[perm[k][2]];
        if (x > L || y > W || z > H)
            continue;
        if (2 * (int64_t)x <= L || 2 * (int64_t)y <= W)
            return 0;
        if (h < 0 || z < h)
            h = z;
    }
    return h;
}

/* (e) For small orders and few boxes, the units themselves are dealt to
 * the boxes of a multiset, every way (up to the symmetry of identical
 * units and of empty boxes of one type), and a box must meet on its own
 * what (a)-(d) ask of all: its units' volume and weight within its own,
 * each unit admitted, and its piled units within its height. A box piles
 * more than its wide units here: two units conflict in a box type when
 * in every pair of orientations that fit it their lengths add up to more
 * than the box's length and their widths to more than its width (their
 * bases overlap in plan wherever they stand, so one is above the other);
 * a set of units that conflict pairwise (the heaviest such set, found
 * exhaustively) stands one above the other, so its heights fit in the
 * box's. A search that runs past its node limit refuses nothing. */
#define ASSIGN_MAX_UNITS 40
#define ASSIGN_MAX_LINES 40
#define ASSIGN_MAX_BOXES 6
#define ASSIGN_NODES 100000

typedef struct assign_tables {
    size_t nlines, nunits;
    uint8_t unit_line[ASSIGN_MAX_UNITS];  /* lines by volume, largest first */
    bool fits[16][ASSIGN_MAX_LINES];
    int32_t height[16][ASSIGN_MAX_LINES]; /* least vertical extent that fits */
    bool conflict[16][ASSIGN_MAX_LINES][ASSIGN_MAX_LINES];
    uint8_t by_height[16][ASSIGN_MAX_LINES]; /* lines, tallest first */
} assign_tables;

typedef struct vol_bound_ctx {
    const ecom_data *d;
    const ecom_order *o;
    bx_rotation rot;
    int64_t need_volume, need_weight;
    uint32_t count[16];
    int64_t best;  /* least inner volume found; -1 none */
    const assign_tables *at; /* NULL: the order is too large for (e) */
    size_t assigned;         /* multisets refused by (e) alone */
} vol_bound_ctx;

static int orientations(const bx_order_line *l, bx_rotation rot, int32_t o[6][3])
{
    const int32_t d[3] = {l->l_mm, l->w_mm, l->h_mm};
    static const int perm[6][3] = {{0, 1, 2}, {1, 0, 2}, {0, 2, 1},
                                   {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int n = rot == BX_ROTATE_UPRIGHT ? 2 : 6;
    for (int k = 0; k < n; k++)
        for (int a = 0; a < 3; a++)
            o[k][a] = d[perm[k][a]];
    return n;
}

static void assign_prepare(const ecom_data *d, const ecom_order *o, bx_rotation rot,
                           assign_tables *at)
{
    at->nlines = o->nlines;
    at->nunits = 0;
    uint8_t order[ASSIGN_MAX_LINES];
    for (size_t i = 0; i < o->nlines; i++) { /* by volume, largest first */
        const bx_order_line *l = &d->lines[o->first + i];
        int64_t v = (int64_t)l->l_mm * l->w_mm * l->h_mm;
        size_t j = i;
        while (j > 0) {
            const bx_order_line *p = &d->lines[o->first + order[j - 1]];
            if ((int64_t)p->l_mm * p->w_mm * p->h_mm >= v)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint8_t)i;
    }
    for (size_t i = 0; i < o->nlines; i++)
        for (int32_t q = 0; q < d->lines[o->first + order[i]].qty; q++)
            at->unit_line[at->nunits++] = order[i];
    for (size_t t = 0; t < d->nbox; t++) {
        const bx_box *b = &d->box[t];
        int32_t L = b->inner_l_mm, W = b->inner_w_mm, H = b->inner_h_mm;
        int32_t oi[6][3], oj[6][3];
        for (size_t i = 0; i < o->nlines; i++) {
            const bx_order_line *l = &d->lines[o->first + i];
            int n = orientations(l, rot, oi);
            at->fits[t][i] = false;
            at->height[t][i] = 0;
            for (int k = 0; k < n; k++) {
                if (oi[k][0] > L || oi[k][1] > W || oi[k][2] > H)
                    continue;
                if (!at->fits[t][i] || oi[k][2] < at->height[t][i])
                    at->height[t][i] = oi[k][2];
                at->fits[t][i] = true;
            }
        }
        for (size_t i = 0; i < o->nlines; i++) {
            int ni = orientations(&d->lines[o->first + i], rot, oi);
            for (size_t j = 0; j < o->nlines; j++) {
                int nj = orientations(&d->lines[o->first + j], rot, oj);
                bool all = at->fits[t][i] && at->fits[t][j];
                for (int a = 0; a < ni && all; a++) {
                    if (oi[a][0] > L || oi[a][1] > W || oi[a][2] > H)
                        continue;
                    for (int c = 0; c < nj && all; c++) {
                        if (oj[c][0] > L || oj[c][1] > W || oj[c][2] > H)
                            continue;
                        all = oi[a][0] + oj[c][0] > L && oi[a][1] + oj[c][1] > W;
                    }
                }
                at->conflict[t][i][j] = all;
            }
        }
        for (size_t i = 0; i < o->nlines; i++) { /* tallest first */
            size_t j = i;
            while (j > 0 && at->height[t][at->by_height[t][j - 1]] < at->height[t][i]) {
                at->by_height[t][j] = at->by_height[t][j - 1];
                j--;
            }
            at->by_height[t][j] = (uint8_t)i;
        }
    }
}

typedef struct assign_state {
    const assign_tables *at;
    const ecom_data *d;
    size_t nbox;
    size_t type[ASSIGN_MAX_BOXES];
    int64_t vol[ASSIGN_MAX_BOXES], weight[ASSIGN_MAX_BOXES];
    uint32_t count[ASSIGN_MAX_BOXES][ASSIGN_MAX_LINES];
    uint8_t slot_of[ASSIGN_MAX_UNITS];
    uint64_t nodes;
    bool gave_up;
} assign_state;

/* The heaviest pile (a set of lines that conflict pairwise, each with all
 * of its copies when it conflicts with itself, else one) among lines
 * cand[0..nc), on top of `sum`: stops as soon as one exceeds `limit`.
 * Exhaustive branch and bound; the lines of a box are few. */
static bool pile_over(const assign_state *a, size_t s, const uint8_t *cand, size_t nc,
                      int64_t sum, int64_t limit, int depth)
{
    if (sum > limit)
        return true;
    const assign_tables *at = a->at;
    size_t t = a->type[s];
    int64_t rest = 0;
    for (size_t k = 0; k < nc; k++) {
        uint8_t i = cand[k];
        rest += (at->conflict[t][i][i] ? (int64_t)a->count[s][i] : 1) * at->height[t][i];
    }
    if (sum + rest <= limit || depth > ASSIGN_MAX_LINES)
        return false;
    for (size_t k = 0; k < nc; k++) {
        uint8_t i = cand[k];
        uint8_t next[ASSIGN_MAX_LINES];
        size_t nn = 0;
        for (size_t j = k + 1; j < nc; j++)
            if (at->conflict[t][i][cand[j]])
                next[nn++] = cand[j];
        int64_t h = (at->conflict[t][i][i] ? (int64_t)a->count[s][i] : 1) * at->height[t][i];
        if (pile_over(a, s, next, nn, sum + h, limit, depth + 1))
            return true;
    }
    return false;
}

/* Do the piled units of box slot s fit in its height? */
static bool pile_fits(const assign_state *a, size_t s)
{
    const assign_tables *at = a->at;
    size_t t = a->type[s];
    uint8_t cand[ASSIGN_MAX_LINES];
    size_t nc = 0;
    for (size_t k = 0; k < at->nlines; k++) {
        uint8_t i = at->by_height[t][k];
        if (a->count[s][i] > 0 && at->fits[t][i])
            cand[nc++] = i;
    }
    return !pile_over(a, s, cand, nc, 0, a->d->box[t].inner_h_mm, 0);
}

static bool assign_from(assign_state *a, size_t u)
{
    const assign_tables *at = a->at;
    if (u == at->nunits)
        return true;
    if (++a->nodes > ASSIGN_NODES) {
        a->gave_up = true;
        return true;
    }
    size_t i = at->unit_line[u];
    const bx_order_line *l = &a->d->lines[i]; /* rebased by the caller */
    int64_t v = (int64_t)l->l_mm * l->w_mm * l->h_mm;
    /* identical units go to non-decreasing slots */
    size_t from = u > 0 && at->unit_line[u - 1] == i ? a->slot_of[u - 1] : 0;
    for (size_t s = from; s < a->nbox; s++) {
        size_t t = a->type[s];
        const bx_box *b = &a->d->box[t];
        if (!at->fits[t][i])
            continue;
        if (a->vol[s] == 0 && a->weight[s] == 0 && s > 0 && a->type[s - 1] == t &&
            a->vol[s - 1] == 0 && a->weight[s - 1] == 0 && s - 1 >= from)
            continue; /* empty boxes of one type are alike: the first one */
        int64_t tare = (b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0;
        if (a->vol[s] + v > (int64_t)b->inner_l_mm * b->inner_w_mm * b->inner_h_mm ||
            a->weight[s] + l->weight_g > b->max_weight_g - tare)
            continue;
        a->vol[s] += v;
        a->weight[s] += l->weight_g;
        a->count[s][i]++;
        a->slot_of[u] = (uint8_t)s;
        if (pile_fits(a, s) && assign_from(a, u + 1))
            return true;
        a->vol[s] -= v;
        a->weight[s] -= l->weight_g;
        a->count[s][i]--;
    }
    return false;
}

/* (e) for the multiset in c: may its boxes take the units one by one? */
static bool assign_ok(const vol_bound_ctx *c)
{
    assign_state a;
    memset(&a, 0, sizeof a);
    a.at = c->at;
    a.d = c->d;
    for (size_t t = 0; t < c->d->nbox; t++)
        for (uint32_t k = 0; k < c->count[t]; k++)
            a.type[a.nbox++] = t;
    /* the lines of this order, indexed from 0 */
    ecom_data view = *c->d;
    view.lines = c->d->lines + c->o->first;
    a.d = &view;
    bool ok = assign_from(&a, 0);
    return ok || a.gave_up;
}

static bool multiset_ok(const vol_bound_ctx *c)
{
    int64_t vol = 0, payload = 0;
    for (size_t t = 0; t < c->d->nbox; t++) {
        const bx_box *b = &c->d->box[t];
        int64_t tare = (b->has & BX_BOX_HAS_TARE) ? b->tare_g : 0;
        vol += (int64_t)c->count[t] * b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
        payload += (int64_t)c->count[t] * (b->max_weight_g - tare);
    }
    if (vol < c->need_volume || payload < c->need_weight)
        return false;
    double shares = 0.0;
    uint32_t boxes = 0;
    for (size_t t = 0; t < c->d->nbox; t++)
        boxes += c->count[t];
    for (size_t i = 0; i < c->o->nlines; i++) {
        const bx_order_line *l = &c->d->lines[c->o->first + i];
        bool any = false;
        double share = 0.0;
        for (size_t t = 0; t < c->d->nbox; t++) {
            if (c->count[t] == 0 || !admits(&c->d->box[t], l, c->rot))
                continue;
            double sh = (double)pile_height(&c->d->box[t], l, c->rot) /
                        (double)c->d->box[t].inner_h_mm;
            if (!any || sh < share)
                share = sh;
            any = true;
        }
        if (!any)
            return false;
        shares += (double)l->qty * share;
    }
    /* (d), with room for rounding: a multiset is refused only when the
     * shares exceed the count by more than rounding could explain */
    if (shares > (double)boxes * (1.0 + 1e-9))
        return false;
    if (c->at == NULL || boxes > ASSIGN_MAX_BOXES)
        return true;
    return assign_ok(c);
}

/* Every multiset of `left` more boxes over types t.. */
static void multisets(vol_bound_ctx *c, size_t t, uint32_t left, int64_t vol)
{
    if (c->best >= 0 && vol >= c->best)
        return;
    if (t + 1 == c->d->nbox) {
        const bx_box *b = &c->d->box[t];
        c->count[t] = left;
        int64_t v = vol + (int64_t)left * b->inner_l_mm * b->inner_w_mm * b->inner_h_mm;
        if ((c->best < 0 || v < c->best) && multiset_ok(c))
            c->best = v;
        c->count[t] = 0;
        return;
    }
    const bx_box *b = &c->d->box[t];
    for (uint32_t n = 0; n <= left; n++) {
        c->count[t] = n;
        multisets(c, t + 1, left - n,
                  vol + (int64_t)n * b->inner_l_mm * b->inner_w_mm * b->inner_h_mm);
    }
    c->count[t] = 0;
}

/* The bound for packings of order o into lo..hi boxes. When the range is
 * too wide to enumerate (*exact false) it is the units' volume alone. */
static int64_t volume_bound(const ecom_data *d, const ecom_order *o, bx_rotation rot,
                            uint32_t lo, uint32_t hi, bool *exact, bool *none)
{
    *none = false;
    vol_bound_ctx c = {d, o, rot, 0, 0, {0}, -1, NULL, 0};
    static assign_tables at; /* large; the benchmark runs on one thread */
    if ((size_t)o->units <= ASSIGN_MAX_UNITS && o->nlines <= ASSIGN_MAX_LINES) {
        assign_prepare(d, o, rot, &at);
        c.at = &at;
    }
    for (size_t i = 0; i < o->nlines; i++) {
        const bx_order_line *l = &d->lines[o->first + i];
        c.need_volume += (int64_t)l->qty * l->l_mm * l->w_mm * l->h_mm;
        c.need_weight += (int64_t)l->qty * l->weight_g;
    }
    *exact = hi <= VOL_BOUND_MAX_BOXES && d->nbox > 0 && d->nbox <= 16;
    if (!*exact)
        return c.need_volume;
    for (uint32_t k = lo < 1 ? 1 : lo; k <= hi; k++)
        multisets(&c, 0, k, 0);
    *none = c.best < 0;
    return c.best >= c.need_volume ? c.best : c.need_volume;
}

static void box_ids(const bx_pack_result *res, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t b = 0; b < res->nboxes && len < size; b++) {
        int n = snprintf(buf + len, size - len, "%s%s", b ? ";" : "", res->boxes[b].box->box_id);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

static bool run_mode(bx_ctx *ctx, bx_engine *eng, const bx_catalog *cat, ecom_data *d,
                     size_t m, uint64_t budget, unsigned repeat, size_t show,
                     mode_stats *s)
{
    bx_pack_options opt;
    bx_pack_options_init(&opt);
    opt.budget = budget;
    set_rotation(d, modes[m]);
    s->lat_us = malloc((d->norders ? d->norders : 1) * sizeof *s->lat_us);
    s->worse = malloc((show ? show : 1) * sizeof *s->worse);
    if (s->lat_us == NULL || s->worse == NULL)
        return false;
    for (size_t i = 0; i < d->norders; i++) {
        const ecom_order *o = &d->orders[i];
        bx_order order = {d->lines + o->first, o->nlines};
        const bx_pack_result *res;
        double dt = 0.0, t0;
        /* The same input gives the same result, so the fastest of `repeat`
         * runs is a fair time on a machine that preempts us. */
        for (unsigned k = 0; k < repeat; k++) {
            t0 = bench_now_s();
            bx_status st = bx_pack(eng, cat, &order, &opt, &res);
            double t = bench_now_s() - t0;
            if (st != BX_OK) {
                fprintf(stderr, "order %s: bx_pack: %s\n", o->id, bx_ctx_errmsg(ctx));
                return false;
            }
            if (k == 0 || t < dt)
                dt = t;
        }
        s->lat_us[i] = dt * 1e6;
        if (s->lat_us[i] > s->lat_us[s->slowest] || i == 0) {
            s->slowest = i;
            s->slowest_work = res->work;
        }
        s->pack_s += dt;
        t0 = bench_now_s();
        if (bx_validate(ctx, cat, &order, &opt, res) != BX_OK) {
            if (s->invalid++ < 5)
                fprintf(stderr, "order %s (%s): invalid result: %s\n", o->id,
                        bx_rotation_name(modes[m]), bx_ctx_errmsg(ctx));
        }
        s->validate_s += bench_now_s() - t0;

        const peer *bp = &o->bp[m], *js = &o->js[m];
        size_t unpacked = 0;
        for (size_t u = 0; u < res->nunpacked; u++)
            unpacked += res->unpacked[u].units;
        s->boxes += res->nboxes;
        s->units += (size_t)o->units;
        s->unpacked += unpacked;
        s->optimal += res->count_optimal;
        s->volume_mm3 += res->total_inner_volume_mm3;
        bool exact, none;
        int64_t vb = volume_bound(d, o, modes[m], res->lower_bound, (uint32_t)res->nboxes,
                                  &exact, &none);
        /* The bounds hold for every packing, floating or not: boxcar's own
         * and BoxPacker's (whose units may float) must not beat them. */
        if (res->nunpacked == 0)
            s->bound_broken[0] += none || res->total_inner_volume_mm3 < vb;
        if (bp->units == o->units && bp->boxes > 0)
            s->bound_broken[1] += bp->boxes < (int64_t)res->lower_bound ||
                                  (bp->boxes <= (int64_t)res->nboxes && bp->volume_mm3 < vb);
        s->vol_bound_mm3 += vb;
        s->vol_bounded += exact;
        s->vol_optimal += exact && res->nunpacked == 0 && res->count_optimal &&
                          res->total_inner_volume_mm3 == vb;
        s->bp_boxes += bp->boxes;
        s->bp_volume_mm3 += bp->volume_mm3;
        s->js_boxes += js->boxes;
        s->js_volume_mm3 += js->volume_mm3;
        s->js_more += (int64_t)res->nboxes > js->boxes;
        s->js_fewer += (int64_t)res->nboxes < js->boxes;
        if ((int64_t)res->nboxes > bp->boxes) {
            s->more++;
            if (s->nworse < show) {
                char ids[256];
                box_ids(res, ids, sizeof ids);
                snprintf(s->worse[s->nworse++], sizeof s->worse[0],
                         "order %s, %lld units in %zu lines: "
                       "boxcar %zu (%s; %.4f m3; bound %u; %zu units unpacked), "
                       "BoxPacker %lld (%s; %.4f m3)",
                       o->id, (long long)o->units, o->nlines, res->nboxes, ids,
                       (double)res->total_inner_volume_mm3 / 1e9, res->lower_bound,
                       unpacked, (long long)bp->boxes, bp->box_ids ? bp->box_ids : "?",
                       (double)bp->volume_mm3 / 1e9);
            }
        } else if ((int64_t)res->nboxes < bp->boxes) {
            s->fewer++;
        } else {
            s->equal++;
            s->equal_less_volume += res->total_inner_volume_mm3 < bp->volume_mm3;
            s->equal_more_volume += res->total_inner_volume_mm3 > bp->volume_mm3;
        }
    }
    return true;
}

static void report_mode(const ecom_data *d, size_t m, mode_stats *s, uint64_t budget,
                        unsigned repeat)
{
    bx_rotation rot = modes[m];
    double ref = rot == BX_ROTATE_UPRIGHT ? REF_BOXPACKER_UPRIGHT_M3 : REF_BOXPACKER_ANY_M3;
    double target = rot == BX_ROTATE_UPRIGHT ? TARGET_UPRIGHT_M3 : TARGET_ANY_M3;
    double vol = (double)s->volume_mm3 / 1e9;
    uint64_t effective = budget ? budget : bx_engine_limits_default().default_budget;
    printf("mode %s (BoxPacker %s), %zu orders, %zu units, budget %llu%s\n",
           bx_rotation_name(rot), bench_boxpacker_mode(rot), d->norders, s->units,
           (unsigned long long)effective, budget ? "" : " (the engine's default)");
    printf("  boxes:        boxcar %zu, BoxPacker %lld, binpackingjs %lld; boxcar at its lower "
           "bound in %zu orders\n",
           s->boxes, (long long)s->bp_boxes, (long long)s->js_boxes, s->optimal);
    printf("  inner volume: boxcar %.2f m3, BoxPacker %.2f m3 (quoted %.2f), binpackingjs "
           "%.2f m3; target <= %.0f m3: %s\n",
           vol, (double)s->bp_volume_mm3 / 1e9, ref, (double)s->js_volume_mm3 / 1e9, target,
           vol <= target ? "met" : "NOT met");
    printf("  inner volume lower bound (fewest boxes first): %.2f m3 (box sets enumerated for "
           "%zu orders); proven optimal in count and inner volume: %zu orders (%.1f %%)\n",
           (double)s->vol_bound_mm3 / 1e9, s->vol_bounded, s->vol_optimal,
           d->norders ? 100.0 * (double)s->vol_optimal / (double)d->norders : 0.0);
    printf("  packings below a bound (must be 0): boxcar %zu, BoxPacker %zu\n",
           s->bound_broken[0], s->bound_broken[1]);
    printf("  vs BoxPacker: %zu orders with more boxes, %zu fewer, %zu equal (of which %zu "
           "in less inner volume, %zu in more)\n",
           s->more, s->fewer, s->equal, s->equal_less_volume, s->equal_more_volume);
    for (size_t i = 0; i < s->nworse; i++)
        printf("    more boxes than BoxPacker: %s\n", s->worse[i]);
    printf("  vs binpackingjs: %zu orders with more boxes, %zu fewer\n", s->js_more,
           s->js_fewer);
    double total = s->pack_s;
    const ecom_order *slow = &d->orders[s->slowest];
    printf("  slowest order: %s, %lld units in %zu lines, %.1f us, work %llu\n", slow->id,
           (long long)slow->units, slow->nlines, s->lat_us[s->slowest],
           (unsigned long long)s->slowest_work);
    double p50 = bench_quantile(s->lat_us, d->norders, 0.50);
    double p99 = bench_quantile(s->lat_us, d->norders, 0.99);
    double max = bench_quantile(s->lat_us, d->norders, 1.0);
    char how[48] = "";
    if (repeat > 1)
        snprintf(how, sizeof how, " (fastest of %u runs)", repeat);
    printf("  latency in bx_pack%s: p50 %.1f us, p99 %.1f us, max %.1f us; all orders %.3f s "
           "(validation another %.3f s)\n",
           how, p50, p99, max, total, s->validate_s);
    printf("  units unpacked: %zu; validation failures: %zu\n", s->unpacked, s->invalid);
}

int main(int argc, char **argv)
{
    const char *dir_arg = NULL, *export_dir = NULL;
    uint64_t budget = 0;
    size_t show = 5;
    unsigned repeat = 1;
    bool run[2] = {true, true};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--mode") == 0 && i + 1 < argc) {
            bx_rotation r;
            if (bx_rotation_parse(argv[++i], &r) != BX_OK || r == BX_ROTATE_FIXED) {
                fprintf(stderr, "bench_ecom: --mode upright or any\n");
                return 2;
            }
            run[0] = r == BX_ROTATE_UPRIGHT;
            run[1] = r == BX_ROTATE_ANY;
        } else if (strcmp(a, "--budget") == 0 && i + 1 < argc) {
            char *end;
            budget = strtoull(argv[++i], &end, 10);
            if (*end != '\0') {
                fprintf(stderr, "bench_ecom: bad budget '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
            repeat = (unsigned)strtoul(argv[++i], NULL, 10);
            if (repeat == 0 || repeat > 1000) {
                fprintf(stderr, "bench_ecom: --repeat 1..1000\n");
                return 2;
            }
        } else if (strcmp(a, "--show") == 0 && i + 1 < argc) {
            show = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--export") == 0 && i + 1 < argc) {
            export_dir = argv[++i];
        } else if (a[0] != '-' && dir_arg == NULL) {
            dir_arg = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    const char *dir = bench_data_dir(dir_arg);
    static const char *const files[] = {"boxpacker/ecom_boxes.csv",
                                        "boxpacker/ecom_order_items.csv",
                                        "boxpacker/peer_results_boxpacker.csv",
                                        "boxpacker/peer_results_binpackingjs.csv", NULL};
    if (!bench_data_present("bench_ecom", dir, files)) {
        printf("bench_ecom: skipped (no BoxPacker data; give its directory as the first "
               "argument)\n");
        return 0;
    }
    ecom_data d = {0};
    bx_ctx *ctx = NULL;
    bx_engine *eng = NULL;
    bx_catalog *cat = NULL;
    mode_stats st[2] = {{0}, {0}};
    int rc = 1;
    if (!load(&d, dir))
        goto out;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK ||
        bx_engine_new(ctx, &eng, NULL) != BX_OK ||
        bx_catalog_new(ctx, &cat, d.box, d.nbox) != BX_OK) {
        fprintf(stderr, "bench_ecom: %s\n", ctx ? bx_ctx_errmsg(ctx) : "out of memory");
        goto out;
    }
    printf("boxcar %s: %zu orders (%zu lines after merging repeated items), %zu box types\n",
           bx_version(), d.norders, d.nlines, d.nbox);
    if (export_dir != NULL && !export_corpus(ctx, &d, export_dir))
        goto out;
    size_t invalid = 0;
    for (size_t m = 0; m < 2; m++) {
        if (!run[m])
            continue;
        if (!run_mode(ctx, eng, cat, &d, m, budget, repeat, show, &st[m]))
            goto out;
        report_mode(&d, m, &st[m], budget, repeat);
        invalid += st[m].invalid;
    }
    const char *x = export_dir ? export_dir : "DIR";
    printf("command-line speed (both modes, target <= 0.5 s)%s:\n"
           "  time sh -c 'build/cli/boxcar pack --catalog %s/ecom-boxes.csv --orders "
           "%s/ecom-upright.csv -o /dev/null && build/cli/boxcar pack --catalog "
           "%s/ecom-boxes.csv --orders %s/ecom-any.csv -o /dev/null'\n",
           export_dir ? "" : " (write the files first with --export DIR)", x, x, x, x);
    rc = invalid ? 1 : 0;
out:
    for (size_t m = 0; m < 2; m++) {
        free(st[m].lat_us);
        free(st[m].worse);
    }
    bx_catalog_free(cat);
    bx_engine_free(eng);
    bx_ctx_free(ctx);
    free(d.lines);
    free(d.orders);
    free(d.by_id);
    bench_table_free(&d.boxes);
    bench_table_free(&d.items);
    bench_table_free(&d.bp);
    bench_table_free(&d.js);
    return rc;
}
