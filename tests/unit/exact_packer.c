/*
 * exact_packer.c: exhaustive packing of a handful of units.
 *
 * One box (ex_fits). Backtracking over positions restricted to normal
 * patterns (Herz 1972; Christofides and Whitlock 1977): push every unit of
 * a feasible packing towards the origin, one millimetre at a time along x,
 * y or z, while it stays feasible; this ends (coordinates only shrink) in a
 * packing where each coordinate of a unit is 0 or the far end of a unit it
 * touches, so by induction a sum of extents of other units along that axis.
 * Trying every such sum for every unit in every allowed orientation is
 * therefore complete.
 *
 * Fragile units: "nothing above a fragile unit's footprint" is the same as
 * making each fragile unit a solid column up to the lid. The pushing
 * argument holds for columns too (a column moved down grows only into space
 * just left free), and a column is never below anything, so z coordinates
 * are sums of heights of non-fragile units only.
 *
 * Symmetries cut the search: mirroring a packing along x or y (and z when
 * nothing is fragile, since mirroring z turns "above" into "below") keeps
 * it feasible, and pushing only lowers coordinates, so the first unit may
 * be taken in the lower half along those axes; interchangeable units are
 * placed in increasing (x, y, z) order.
 *
 * Several boxes (ex_min_boxes). Every set partition of the units (restricted
 * growth strings), each block into every box type with stock left, blocks
 * checked with ex_fits (memoised per subset and type).
 */
#include <stdlib.h>
#include <string.h>

#include "exact_packer.h"

#define EX_MAX_PAT 1024 /* (1 + 3 extents)^(EX_MAX_UNITS - 1) sums at most */

typedef struct ex_search {
    int n;
    int32_t bin[3];
    const ex_unit *u;
    int order[EX_MAX_UNITS];
    bool same_as_prev[EX_MAX_UNITS]; /* order[k] interchangeable with order[k-1] */
    bool mirror[3];                  /* first unit in the lower half along axis */
    int norient[EX_MAX_UNITS];
    int32_t orient[EX_MAX_UNITS][6][3];
    int npat[EX_MAX_UNITS][3];
    int32_t pat[EX_MAX_UNITS][3][EX_MAX_PAT];
    ex_place pos[EX_MAX_UNITS];
    uint64_t nodes;
} ex_search;

static int orientations(const ex_unit *u, int32_t out[6][3])
{
    const int32_t a = u->dim[0], b = u->dim[1], c = u->dim[2];
    const int32_t all[6][3] = {{a, b, c}, {b, a, c}, {a, c, b}, {c, a, b}, {b, c, a}, {c, b, a}};
    int n = u->rot == BX_ROTATE_FIXED ? 1 : u->rot == BX_ROTATE_UPRIGHT ? 2 : 6;
    int k = 0;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < k; j++)
            seen = seen || memcmp(out[j], all[i], sizeof all[i]) == 0;
        if (!seen)
            memcpy(out[k++], all[i], sizeof all[i]);
    }
    return k;
}

static int cmp_i32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

/* Sums of extents along `axis` of units other than i (each unit at most
 * once, in any of its orientations), up to `limit`. */
static int patterns(const ex_search *s, int i, int axis, int32_t limit, int32_t *out)
{
    int n = 1;
    out[0] = 0;
    for (int j = 0; j < s->n; j++) {
        if (j == i || (axis == 2 && s->u[j].fragile))
            continue;
        int m = n;
        for (int k = 0; k < n; k++) {
            for (int o = 0; o < s->norient[j]; o++) {
                int32_t v = out[k] + s->orient[j][o][axis];
                if (v <= limit && m < EX_MAX_PAT)
                    out[m++] = v;
            }
        }
        qsort(out, (size_t)m, sizeof *out, cmp_i32);
        n = 0;
        for (int k = 0; k < m; k++)
            if (n == 0 || out[n - 1] != out[k])
                out[n++] = out[k];
    }
    return n;
}

static bool interchangeable(const ex_unit *a, const ex_unit *b)
{
    return memcmp(a->dim, b->dim, sizeof a->dim) == 0 && a->rot == b->rot &&
           a->fragile == b->fragile;
}

static bool conflicts(const ex_search *s, int i, const ex_place *p, int j)
{
    const ex_place *q = &s->pos[j];
    if (p->x >= q->x + q->l || q->x >= p->x + p->l)
        return false;
    if (p->y >= q->y + q->w || q->y >= p->y + p->w)
        return false;
    int32_t top_p = s->u[i].fragile ? s->bin[2] : p->z + p->h;
    int32_t top_q = s->u[j].fragile ? s->bin[2] : q->z + q->h;
    return !(p->z >= top_q || q->z >= top_p);
}

static int lex_cmp(const ex_place *a, const ex_place *b)
{
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->z > b->z) - (a->z < b->z);
}

static bool place(ex_search *s, int k)
{
    if (k == s->n)
        return true;
    const int i = s->order[k];
    const int32_t *bin = s->bin;
    for (int o = 0; o < s->norient[i]; o++) {
        const int32_t *e = s->orient[i][o];
        if (e[0] > bin[0] || e[1] > bin[1] || e[2] > bin[2])
            continue;
        ex_place p = {0, 0, 0, e[0], e[1], e[2]};
        for (int ix = 0; ix < s->npat[i][0]; ix++) {
            p.x = s->pat[i][0][ix];
            if (p.x + e[0] > bin[0] || (k == 0 && s->mirror[0] && 2 * p.x > bin[0] - e[0]))
                break;
            for (int iy = 0; iy < s->npat[i][1]; iy++) {
                p.y = s->pat[i][1][iy];
                if (p.y + e[1] > bin[1] || (k == 0 && s->mirror[1] && 2 * p.y > bin[1] - e[1]))
                    break;
                for (int iz = 0; iz < s->npat[i][2]; iz++) {
                    p.z = s->pat[i][2][iz];
                    if (p.z + e[2] > bin[2] ||
                        (k == 0 && s->mirror[2] && 2 * p.z > bin[2] - e[2]))
                        break;
                    if (s->same_as_prev[k] && lex_cmp(&p, &s->pos[s->order[k - 1]]) <= 0)
                        continue;
                    s->nodes++;
                    bool clash = false;
                    for (int j = 0; j < k && !clash; j++)
                        clash = conflicts(s, i, &p, s->order[j]);
                    if (clash)
                        continue;
                    s->pos[i] = p;
                    if (place(s, k + 1))
                        return true;
                }
            }
        }
    }
    return false;
}

bool ex_fits(const ex_unit *units, int n, int32_t L, int32_t W, int32_t H, ex_place *out,
             uint64_t *nodes)
{
    if (n <= 0)
        return true;
    if (n > EX_MAX_UNITS)
        return false;
    ex_search *s = calloc(1, sizeof *s);
    if (s == NULL)
        return false;
    s->n = n;
    s->u = units;
    s->bin[0] = L;
    s->bin[1] = W;
    s->bin[2] = H;
    int64_t vol = 0;
    bool any_fragile = false;
    bool ok = true;
    for (int i = 0; i < n; i++) {
        s->norient[i] = orientations(&units[i], s->orient[i]);
        vol += (int64_t)units[i].dim[0] * units[i].dim[1] * units[i].dim[2];
        any_fragile = any_fragile || units[i].fragile;
        bool fits = false;
        for (int o = 0; o < s->norient[i]; o++)
            fits = fits || (s->orient[i][o][0] <= L && s->orient[i][o][1] <= W &&
                            s->orient[i][o][2] <= H);
        ok = ok && fits;
    }
    ok = ok && vol <= (int64_t)L * W * H;
    if (ok) {
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++)
                s->npat[i][a] = patterns(s, i, a, s->bin[a], s->pat[i][a]);
        /* Big units first (they prune most); interchangeable units next to
         * each other so their order can be fixed. */
        for (int i = 0; i < n; i++)
            s->order[i] = i;
        for (int i = 1; i < n; i++) {
            for (int j = i; j > 0; j--) {
                const ex_unit *a = &units[s->order[j - 1]], *b = &units[s->order[j]];
                int64_t va = (int64_t)a->dim[0] * a->dim[1] * a->dim[2];
                int64_t vb = (int64_t)b->dim[0] * b->dim[1] * b->dim[2];
                int key = memcmp(a->dim, b->dim, sizeof a->dim);
                if (va > vb || (va == vb && key <= 0))
                    break;
                int t = s->order[j];
                s->order[j] = s->order[j - 1];
                s->order[j - 1] = t;
            }
        }
        for (int k = 1; k < n; k++)
            s->same_as_prev[k] = interchangeable(&units[s->order[k]], &units[s->order[k - 1]]);
        /* the first unit's mirror image would be another unit of its kind */
        bool unique_first = n == 1 || !s->same_as_prev[1];
        s->mirror[0] = s->mirror[1] = unique_first;
        s->mirror[2] = unique_first && !any_fragile;
        ok = place(s, 0);
        if (ok && out != NULL)
            memcpy(out, s->pos, (size_t)n * sizeof *out);
    }
    if (nodes != NULL)
        *nodes += s->nodes;
    free(s);
    return ok;
}

/* ---- several boxes ------------------------------------------------------- */

typedef struct ex_part {
    const ex_unit *u;
    int n;
    const ex_box *boxes;
    int nb;
    signed char memo[1 << EX_MAX_UNITS][EX_MAX_BOXES]; /* -1 unknown, 0, 1 */
    int blocks[EX_MAX_UNITS];                         /* unit masks */
    int nblocks;
    int type[EX_MAX_UNITS];
    int64_t used[EX_MAX_BOXES];
    ex_solution best;
    bool found;
} ex_part;

static bool block_fits(ex_part *p, int mask, int k)
{
    if (p->memo[mask][k] >= 0)
        return p->memo[mask][k] != 0;
    ex_unit sub[EX_MAX_UNITS];
    int m = 0;
    int64_t weight = 0;
    bool alone = false;
    for (int i = 0; i < p->n; i++) {
        if (mask & (1 << i)) {
            sub[m++] = p->u[i];
            weight += p->u[i].weight_g;
            alone = alone || p->u[i].alone;
        }
    }
    const ex_box *b = &p->boxes[k];
    bool ok = weight <= b->payload_g && (!alone || m == 1) &&
              ex_fits(sub, m, b->L, b->W, b->H, NULL, NULL);
    p->memo[mask][k] = ok ? 1 : 0;
    return ok;
}

static void choose_types(ex_part *p, int blk, int64_t volume)
{
    if (p->found && p->best.nboxes == p->nblocks && volume >= p->best.volume)
        return;
    if (blk == p->nblocks) {
        p->found = true;
        p->best.nboxes = p->nblocks;
        p->best.volume = volume;
        for (int b = 0; b < p->nblocks; b++) {
            p->best.type_of[b] = p->type[b];
            for (int i = 0; i < p->n; i++)
                if (p->blocks[b] & (1 << i))
                    p->best.box_of[i] = b;
        }
        return;
    }
    for (int k = 0; k < p->nb; k++) {
        const ex_box *b = &p->boxes[k];
        if (b->stock >= 0 && p->used[k] >= b->stock)
            continue;
        if (!block_fits(p, p->blocks[blk], k))
            continue;
        p->used[k]++;
        p->type[blk] = k;
        choose_types(p, blk + 1, volume + (int64_t)b->L * b->W * b->H);
        p->used[k]--;
    }
}

static void partitions(ex_part *p, int *rgs, int i, int nblocks)
{
    if (p->found && nblocks > p->best.nboxes)
        return;
    if (i == p->n) {
        p->nblocks = nblocks;
        for (int b = 0; b < nblocks; b++)
            p->blocks[b] = 0;
        for (int j = 0; j < p->n; j++)
            p->blocks[rgs[j]] |= 1 << j;
        for (int a = 0; a < p->n; a++)
            for (int c = a + 1; c < p->n; c++)
                if (p->u[a].group >= 0 && p->u[a].group == p->u[c].group && rgs[a] != rgs[c])
                    return;
        choose_types(p, 0, 0);
        return;
    }
    for (int b = 0; b <= nblocks && b < EX_MAX_UNITS; b++) {
        rgs[i] = b;
        partitions(p, rgs, i + 1, b == nblocks ? nblocks + 1 : nblocks);
    }
}

bool ex_min_boxes(const ex_unit *units, int n, const ex_box *boxes, int nb, ex_solution *sol)
{
    if (n < 0 || n > EX_MAX_UNITS || nb < 1 || nb > EX_MAX_BOXES)
        return false;
    ex_part *p = calloc(1, sizeof *p);
    if (p == NULL)
        return false;
    p->u = units;
    p->n = n;
    p->boxes = boxes;
    p->nb = nb;
    memset(p->memo, -1, sizeof p->memo);
    int rgs[EX_MAX_UNITS];
    if (n == 0) {
        p->found = true;
    } else {
        partitions(p, rgs, 0, 0);
    }
    bool found = p->found;
    if (found && sol != NULL)
        *sol = p->best;
    free(p);
    return found;
}
