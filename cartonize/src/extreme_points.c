/*
 * extreme_points.c: filling one bin by extreme points.
 *
 * After Crainic, Perboli and Tadei, "Extreme Point-Based Heuristics for
 * Three-Dimensional Bin Packing", INFORMS Journal on Computing 20(3), 2008.
 * A placed item at (x, y, z) with extent (l, w, h) offers the points
 * (x+l, y, z), (x, y+w, z) and (x, y, z+h), each projected back along the
 * two other axes onto the nearest item face or wall (their six "extreme
 * points"); we keep the unprojected corners too, which costs a little work
 * and finds tight fits the projections miss. A new unit goes to the point
 * and orientation that the merit function likes best among those where it
 * fits: inside the bin, overlapping nothing, within the payload, not above
 * a fragile unit, (if fragile) with nothing above it, and with stable
 * support when the rules ask for it (see supported()).
 */
#include <string.h>

#include "pack_internal.h"

void bxi_pk_bin_reset(pk_bin *b, uint32_t box, const bx_box *bx)
{
    b->box = box;
    b->L = bx->inner_l_mm;
    b->W = bx->inner_w_mm;
    b->H = bx->inner_h_mm;
    int64_t tare = (bx->has & BX_BOX_HAS_TARE) ? bx->tare_g : 0;
    b->max_payload_g = bx->max_weight_g - tare;
    b->weight_g = 0;
    b->volume = 0;
    b->env[0] = b->env[1] = b->env[2] = 0;
    b->has_fragile = false;
    b->closed = false;
    b->nitems = 0;
    b->npoints = 0;
    if (b->pcap > 0) {
        b->points[0] = (pk_point){0, 0, 0};
        b->npoints = 1;
    }
}

/* Each insertion removes one point and adds at most nine. */
#define PK_POINTS_PER_ITEM 9

bx_status bxi_pk_bin_reserve(bx_ctx *ctx, pk_bin *b, uint32_t floor_items)
{
    /* Every bin grows at once to the floor the engine gives (the largest
     * order seen so far, within reason): bins trade arrays as packings are
     * copied and reshuffled, and uniform capacities keep a warmed-up engine
     * from allocating again. */
    if (b->nitems + 1 > b->icap) {
        uint32_t cap = b->icap ? b->icap * 2 : 16;
        if (cap < floor_items)
            cap = floor_items;
        pk_item *p = bx_realloc(ctx, b->items, (size_t)cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        b->items = p;
        b->icap = cap;
    }
    if (b->npoints + PK_POINTS_PER_ITEM + 1 > b->pcap) {
        uint32_t cap = b->pcap ? b->pcap * 2 : 64;
        while (cap < b->npoints + PK_POINTS_PER_ITEM + 1)
            cap *= 2;
        if (cap < PK_POINTS_PER_ITEM * floor_items + 1)
            cap = PK_POINTS_PER_ITEM * floor_items + 1;
        pk_point *p = bx_realloc(ctx, b->points, (size_t)cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        bool was_empty = b->pcap == 0;
        b->points = p;
        b->pcap = cap;
        if (was_empty && b->nitems == 0) {
            b->points[0] = (pk_point){0, 0, 0};
            b->npoints = 1;
        }
    }
    return BX_OK;
}

bx_status bxi_pk_bin_copy(bx_ctx *ctx, pk_bin *dst, const pk_bin *src)
{
    pk_item *items = dst->items;
    pk_point *points = dst->points;
    uint32_t icap = dst->icap, pcap = dst->pcap;
    if (icap < src->nitems) {
        icap = src->icap;
        items = bx_realloc(ctx, dst->items, (size_t)icap * sizeof *items);
        if (items == NULL)
            return BX_ENOMEM;
        dst->items = items;
        dst->icap = icap;
    }
    if (pcap < src->npoints) {
        pcap = src->pcap;
        points = bx_realloc(ctx, dst->points, (size_t)pcap * sizeof *points);
        if (points == NULL)
            return BX_ENOMEM;
        dst->points = points;
        dst->pcap = pcap;
    }
    *dst = *src;
    dst->items = items;
    dst->icap = icap;
    dst->points = points;
    dst->pcap = pcap;
    if (src->nitems > 0)
        memcpy(items, src->items, (size_t)src->nitems * sizeof *items);
    if (src->npoints > 0)
        memcpy(points, src->points, (size_t)src->npoints * sizeof *points);
    return BX_OK;
}

bool bxi_pk_unit_fits_box(const pk_unit *u, const bx_box *box, const pk_rules *rules)
{
    int64_t tare = (box->has & BX_BOX_HAS_TARE) ? box->tare_g : 0;
    if (u->weight_g > box->max_weight_g - tare)
        return false;
    if (rules->max_fill_pct > 0 && 100 * u->volume > (int64_t)rules->max_fill_pct * pk_inner_volume(box))
        return false;
    for (int k = 0; k < u->norient; k++)
        if (u->orient[k][0] <= box->inner_l_mm && u->orient[k][1] <= box->inner_w_mm &&
            u->orient[k][2] <= box->inner_h_mm)
            return true;
    return false;
}

static bool overlap_1d(int32_t a, int32_t al, int32_t b, int32_t bl)
{
    return a < b + bl && b < a + al;
}

/* Is the box (x, y, z, l, w, h) free for unit u? Also gathers the contact
 * area with walls and items for the CONTACT merit. */
static bool fits(const pk_bin *b, const pk_unit *units, const pk_unit *u, int32_t x,
                 int32_t y, int32_t z, int32_t l, int32_t w, int32_t h, int64_t *contact)
{
    if (x + l > b->L || y + w > b->W || z + h > b->H)
        return false;
    int64_t c = 0;
    if (contact != NULL) {
        if (x == 0)
            c += (int64_t)w * h;
        if (x + l == b->L)
            c += (int64_t)w * h;
        if (y == 0)
            c += (int64_t)l * h;
        if (y + w == b->W)
            c += (int64_t)l * h;
        if (z == 0)
            c += (int64_t)l * w;
    }
    for (uint32_t i = 0; i < b->nitems; i++) {
        const pk_item *it = &b->items[i];
        bool ox = overlap_1d(x, l, it->x, it->l);
        bool oy = overlap_1d(y, w, it->y, it->w);
        bool oz = overlap_1d(z, h, it->z, it->h);
        if (ox && oy && oz)
            return false;
        if (ox && oy) {
            /* one above the other: fragile rules */
            if (z >= it->z + it->h && units[it->unit].fragile)
                return false;
            if (u->fragile && it->z >= z + h)
                return false;
        }
        if (contact != NULL) {
            if (ox && oy && (z == it->z + it->h || z + h == it->z)) {
                int64_t dx = (x + l < it->x + it->l ? x + l : it->x + it->l) - (x > it->x ? x : it->x);
                int64_t dy = (y + w < it->y + it->w ? y + w : it->y + it->w) - (y > it->y ? y : it->y);
                c += dx * dy;
            } else if (ox && oz && (y == it->y + it->w || y + w == it->y)) {
                int64_t dx = (x + l < it->x + it->l ? x + l : it->x + it->l) - (x > it->x ? x : it->x);
                int64_t dz = (z + h < it->z + it->h ? z + h : it->z + it->h) - (z > it->z ? z : it->z);
                c += dx * dz;
            } else if (oy && oz && (x == it->x + it->l || x + l == it->x)) {
                int64_t dy = (y + w < it->y + it->w ? y + w : it->y + it->w) - (y > it->y ? y : it->y);
                int64_t dz = (z + h < it->z + it->h ? z + h : it->z + it->h) - (z > it->z ? z : it->z);
                c += dy * dz;
            }
        }
    }
    if (contact != NULL)
        *contact = c;
    return true;
}

/* Merit keys: smaller is better, compared lexicographically. */
typedef struct merit_key {
    int64_t k[5];
} merit_key;

static bool better(const merit_key *a, const merit_key *b)
{
    for (int i = 0; i < 5; i++)
        if (a->k[i] != b->k[i])
            return a->k[i] < b->k[i];
    return false;
}

/* Room left beside a unit along x and y that whole copies of it could not
 * fill: small when the orientation tiles the floor. Every merit uses it to
 * break ties between orientations at one position, so identical units line
 * up (two 148 mm sides in a 300 mm box, not one 210 mm side). */
static int64_t tile_waste(const pk_bin *b, int32_t x, int32_t y, int32_t l, int32_t w)
{
    int64_t rx = b->L - (x + l), ry = b->W - (y + w);
    return rx % l + ry % w;
}

static merit_key key_for(const pk_bin *b, pk_merit merit, int32_t x, int32_t y, int32_t z,
                         int32_t l, int32_t w, int32_t h, int64_t contact)
{
    merit_key m = {{0, 0, 0, 0, 0}};
    int64_t waste = tile_waste(b, x, y, l, w);
    switch (merit) {
    case PK_MERIT_BLF:
    case PK_MERIT_COUNT:
        m.k[0] = z;
        m.k[1] = y;
        m.k[2] = x;
        m.k[3] = waste;
        m.k[4] = -(int64_t)l * w; /* wide base down first */
        break;
    case PK_MERIT_ENVELOPE: {
        int64_t ex = x + l > b->env[0] ? x + l : b->env[0];
        int64_t ey = y + w > b->env[1] ? y + w : b->env[1];
        int64_t ez = z + h > b->env[2] ? z + h : b->env[2];
        m.k[0] = ex * ey * ez;
        m.k[1] = z;
        m.k[2] = waste;
        m.k[3] = y;
        m.k[4] = x;
        break;
    }
    case PK_MERIT_CONTACT:
        m.k[0] = -contact;
        m.k[1] = z;
        m.k[2] = waste;
        m.k[3] = y;
        m.k[4] = x;
        break;
    case PK_MERIT_TILE:
        m.k[0] = z;
        m.k[1] = waste;
        m.k[2] = y;
        m.k[3] = x;
        m.k[4] = -(int64_t)l * w;
        break;
    }
    return m;
}

/* The projections of a new item's corners, each back along one axis onto
 * the nearest item face or wall (0), in one pass over the items: out[0]
 * and out[1] project (x+l, y, z) along -y and -z, out[2] and out[3]
 * project (x, y+w, z) along -x and -z, out[4] and out[5] project
 * (x, y, z+h) along -x and -y (only when top is set). */
static void project_corners(const pk_bin *b, int32_t x, int32_t y, int32_t z, int32_t l,
                            int32_t w, int32_t h, bool top, int32_t out[6])
{
    int32_t xl = x + l, yw = y + w, zh = z + h;
    int32_t p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0;
    for (uint32_t i = 0; i < b->nitems; i++) {
        const pk_item *it = &b->items[i];
        int32_t ix1 = it->x + it->l, iy1 = it->y + it->w, iz1 = it->z + it->h;
        bool in_x = xl >= it->x && xl < ix1;  /* x + l within the item along x */
        bool in_y = yw >= it->y && yw < iy1;  /* y + w within the item along y */
        bool in_z = z >= it->z && z < iz1;
        /* (x+l, y, z) */
        if (in_x && in_z && iy1 <= y && iy1 > p0)
            p0 = iy1;
        if (in_x && y >= it->y && y < iy1 && iz1 <= z && iz1 > p1)
            p1 = iz1;
        /* (x, y+w, z) */
        if (in_y && in_z && ix1 <= x && ix1 > p2)
            p2 = ix1;
        if (in_y && x >= it->x && x < ix1 && iz1 <= z && iz1 > p3)
            p3 = iz1;
        if (top) { /* (x, y, z+h) */
            bool in_zh = zh >= it->z && zh < iz1;
            if (in_zh && y >= it->y && y < iy1 && ix1 <= x && ix1 > p4)
                p4 = ix1;
            if (in_zh && x >= it->x && x < ix1 && iy1 <= y && iy1 > p5)
                p5 = iy1;
        }
    }
    out[0] = p0;
    out[1] = p1;
    out[2] = p2;
    out[3] = p3;
    out[4] = p4;
    out[5] = p5;
}

static bool inside_item(const pk_item *it, const pk_point *p)
{
    return p->x >= it->x && p->x < it->x + it->l && p->y >= it->y && p->y < it->y + it->w &&
           p->z >= it->z && p->z < it->z + it->h;
}

/* Points are kept sorted by (z, y, x): a repeat is found by binary search,
 * and merits that rank positions bottom-first can stop at the first level
 * where the unit fits. */
static int cmp_point(const pk_point *a, int32_t x, int32_t y, int32_t z)
{
    if (a->z != z)
        return a->z < z ? -1 : 1;
    if (a->y != y)
        return a->y < y ? -1 : 1;
    if (a->x != x)
        return a->x < x ? -1 : 1;
    return 0;
}

static inline void add_point(pk_bin *b, int32_t x, int32_t y, int32_t z)
{
    if (x >= b->L || y >= b->W || z >= b->H)
        return;
    uint32_t lo = 0, hi = b->npoints;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = cmp_point(&b->points[mid], x, y, z);
        if (c == 0)
            return;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (b->npoints >= b->pcap)
        return;
    memmove(&b->points[lo + 1], &b->points[lo], (size_t)(b->npoints - lo) * sizeof *b->points);
    b->points[lo] = (pk_point){x, y, z};
    b->npoints++;
}

static void place(pk_bin *b, const pk_unit *units, uint32_t u, int32_t x, int32_t y, int32_t z,
                  int32_t l, int32_t w, int32_t h)
{
    pk_item *it = &b->items[b->nitems++];
    *it = (pk_item){u, x, y, z, l, w, h};
    b->weight_g += units[u].weight_g;
    b->volume += units[u].volume;
    if (x + l > b->env[0])
        b->env[0] = x + l;
    if (y + w > b->env[1])
        b->env[1] = y + w;
    if (z + h > b->env[2])
        b->env[2] = z + h;
    if (units[u].fragile)
        b->has_fragile = true;
    /* Drop the points the new item covers. */
    uint32_t keep = 0;
    for (uint32_t i = 0; i < b->npoints; i++)
        if (!inside_item(it, &b->points[i]))
            b->points[keep++] = b->points[i];
    b->npoints = keep;
    /* The three corners and their projections. Nothing goes on top of a
     * fragile unit, so it offers no point above itself. */
    int32_t pr[6];
    project_corners(b, x, y, z, l, w, h, !units[u].fragile, pr);
    add_point(b, x + l, y, z);
    add_point(b, x + l, pr[0], z);
    add_point(b, x + l, y, pr[1]);
    add_point(b, x, y + w, z);
    add_point(b, pr[2], y + w, z);
    add_point(b, x, y + w, pr[3]);
    if (!units[u].fragile) {
        add_point(b, x, y, z + h);
        add_point(b, pr[4], y, z + h);
        add_point(b, x, pr[5], z + h);
    }
}

/* ---- support --------------------------------------------------------------- */

/* Contact rectangles kept for the centre-of-gravity test. A unit resting on
 * more is tested against the hull of the first ones: a subset's hull lies
 * inside the whole hull, so the test stays sound (it may only refuse). */
#define PK_SUPPORT_RECTS 32

typedef struct pk_pt2 {
    int64_t x, y;
} pk_pt2;

static int64_t cross(pk_pt2 o, pk_pt2 a, pk_pt2 b)
{
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Is p inside or on the convex hull of pts[0..n)? Andrew's monotone chain
 * builds the hull counter-clockwise in hull[] (room for n + 1 points); p is
 * inside when it is on the left of, or on, every edge. Exact integers. */
static bool in_hull(pk_pt2 *pts, int n, pk_pt2 *hull, pk_pt2 p)
{
    for (int i = 1; i < n; i++) { /* insertion sort by (x, y): n is small */
        pk_pt2 t = pts[i];
        int j = i;
        while (j > 0 && (pts[j - 1].x > t.x || (pts[j - 1].x == t.x && pts[j - 1].y > t.y))) {
            pts[j] = pts[j - 1];
            j--;
        }
        pts[j] = t;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0)
            k--;
        hull[k++] = pts[i];
    }
    for (int i = n - 2, lo = k + 1; i >= 0; i--) {
        while (k >= lo && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0)
            k--;
        hull[k++] = pts[i];
    }
    /* hull[k-1] == hull[0]; k - 1 corners */
    for (int i = 0; i + 1 < k; i++)
        if (cross(hull[i], hull[i + 1], p) < 0)
            return false;
    return k > 1;
}

/* Does a unit with base (x, y, l, w) at height z stand stably? On the
 * floor it does. Above it, the tops of items at exactly z must cover at
 * least pct % of its base, and the centre of its base (its centre of
 * gravity in plan, for a unit of uniform density) must lie in the convex
 * hull of the contact rectangles. Coordinates are doubled so the centre is
 * an integer point. The second test matters only for pct < 50: were the
 * centre outside the hull, a line through it would leave every contact on
 * one side, and a line through a rectangle's centre halves it, so the
 * contacts would cover less than half the base. */
static bool supported(const pk_bin *b, int32_t x, int32_t y, int32_t z, int32_t l, int32_t w,
                      int32_t pct)
{
    if (z == 0)
        return true;
    int64_t area = 0;
    int64_t cx = 2 * (int64_t)x + l, cy = 2 * (int64_t)y + w;
    bool centre_on_one = false;
    pk_pt2 pts[4 * PK_SUPPORT_RECTS];
    int npts = 0;
    for (uint32_t i = 0; i < b->nitems; i++) {
        const pk_item *it = &b->items[i];
        if (it->z + it->h != z)
            continue;
        int64_t x0 = x > it->x ? x : it->x, x1 = x + l < it->x + it->l ? x + l : it->x + it->l;
        int64_t y0 = y > it->y ? y : it->y, y1 = y + w < it->y + it->w ? y + w : it->y + it->w;
        if (x1 <= x0 || y1 <= y0)
            continue;
        area += (x1 - x0) * (y1 - y0);
        if (2 * x0 <= cx && cx <= 2 * x1 && 2 * y0 <= cy && cy <= 2 * y1)
            centre_on_one = true;
        else if (npts < 4 * PK_SUPPORT_RECTS) {
            pts[npts++] = (pk_pt2){2 * x0, 2 * y0};
            pts[npts++] = (pk_pt2){2 * x1, 2 * y0};
            pts[npts++] = (pk_pt2){2 * x0, 2 * y1};
            pts[npts++] = (pk_pt2){2 * x1, 2 * y1};
        }
    }
    if (100 * area < (int64_t)pct * l * w)
        return false;
    if (centre_on_one)
        return true;
    pk_pt2 hull[4 * PK_SUPPORT_RECTS + 1];
    return npts >= 3 && in_hull(pts, npts, hull, (pk_pt2){cx, cy});
}

/* ---- load-bearing ---------------------------------------------------------- */

/* Item i of bin b, where i == b->nitems is the candidate c. */
static const pk_item *item_at(const pk_bin *b, const pk_item *c, uint32_t i)
{
    return i < b->nitems ? &b->items[i] : c;
}

/* Would every unit with a load limit bear what rests on it, with the
 * candidate c in the bin? A unit passes its own weight and what it
 * carries down to the units under its base, each in proportion to the
 * area it rests on it (nothing to the floor's units; a unit resting on
 * nothing passes nothing). Units are taken from the top down, so each
 * one's load is complete before it is passed on. */
static bool loads_ok(const pk_bin *b, const pk_unit *units, const pk_item *c,
                     const pk_rules *rules)
{
    uint32_t n = b->nitems + 1;
    bool limited = false;
    for (uint32_t i = 0; i < n && !limited; i++)
        limited = units[item_at(b, c, i)->unit].max_load_g >= 0;
    if (!limited)
        return true;
    double *load = rules->load;
    uint32_t *by_z = rules->by_z;
    for (uint32_t i = 0; i < n; i++) { /* highest base first (insertion sort) */
        load[i] = 0.0;
        uint32_t j = i;
        int32_t z = item_at(b, c, i)->z;
        while (j > 0 && item_at(b, c, by_z[j - 1])->z < z) {
            by_z[j] = by_z[j - 1];
            j--;
        }
        by_z[j] = i;
    }
    for (uint32_t k = 0; k < n; k++) {
        const pk_item *a = item_at(b, c, by_z[k]);
        if (a->z == 0)
            continue;
        double total = (double)units[a->unit].weight_g + load[by_z[k]];
        int64_t area = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (uint32_t m = k + 1; m < n; m++) {
                const pk_item *s = item_at(b, c, by_z[m]);
                if (s->z + s->h != a->z)
                    continue;
                int64_t dx = (a->x + a->l < s->x + s->l ? a->x + a->l : s->x + s->l) -
                             (a->x > s->x ? a->x : s->x);
                int64_t dy = (a->y + a->w < s->y + s->w ? a->y + a->w : s->y + s->w) -
                             (a->y > s->y ? a->y : s->y);
                if (dx <= 0 || dy <= 0)
                    continue;
                if (pass == 0)
                    area += dx * dy;
                else
                    load[by_z[m]] += total * (double)(dx * dy) / (double)area;
            }
            if (area == 0)
                break;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        int64_t max = units[item_at(b, c, i)->unit].max_load_g;
        if (max >= 0 && load[i] > (double)max)
            return false;
    }
    return true;
}

/* May bin b take one more unit u at all, by the per-bin rules? */
static bool bin_takes(const pk_bin *b, const pk_unit *u, const pk_rules *rules)
{
    if (rules->max_units > 0 && b->nitems >= rules->max_units)
        return false;
    if (rules->max_fill_pct > 0 &&
        100 * (b->volume + u->volume) > (int64_t)rules->max_fill_pct * b->L * b->W * b->H)
        return false;
    return b->weight_g + u->weight_g <= b->max_payload_g;
}

bool bxi_pk_bin_place_first(pk_bin *b, const pk_unit *units, uint32_t u, int orient,
                            const pk_rules *rules)
{
    const pk_unit *un = &units[u];
    int32_t l = un->orient[orient][0], w = un->orient[orient][1], h = un->orient[orient][2];
    if (b->nitems != 0 || orient >= un->norient || !bin_takes(b, un, rules) ||
        l > b->L || w > b->W || h > b->H)
        return false;
    place(b, units, u, 0, 0, 0, l, w, h);
    return true;
}

/* Place unit u at (x, y, z) with extents (l, w, h) if every rule allows
 * it there: inside the bin, overlapping nothing, fragile rules, support,
 * loads and the per-bin limits. One unit of work. */
bool bxi_pk_bin_place_at(pk_bin *b, const pk_unit *units, uint32_t u, int32_t x, int32_t y,
                         int32_t z, int32_t l, int32_t w, int32_t h, const pk_rules *rules,
                         pk_work *work)
{
    const pk_unit *un = &units[u];
    work->used++;
    if (x < 0 || y < 0 || z < 0 || !bin_takes(b, un, rules))
        return false;
    if (!fits(b, units, un, x, y, z, l, w, h, NULL))
        return false;
    if (rules->support && !supported(b, x, y, z, l, w, rules->support_pct))
        return false;
    if (rules->loads) {
        pk_item c = {u, x, y, z, l, w, h};
        if (!loads_ok(b, units, &c, rules))
            return false;
    }
    place(b, units, u, x, y, z, l, w, h);
    return true;
}

/* Items whose tops are at one height, gathered once per height as
 * bxi_pk_bin_insert walks the points (sorted by z): the support test at a
 * point then looks at these few instead of every item, and a position
 * that lacks support is refused before the overlap test. More items at
 * one height than fit here fall back to the scan over all items. */
#define PK_LEVEL_ITEMS 64

typedef struct pk_level {
    int32_t z;
    bool all;   /* too many to keep: scan b->items */
    uint32_t n;
    pk_item items[PK_LEVEL_ITEMS];
} pk_level;

static void level_gather(pk_level *lv, const pk_bin *b, int32_t z)
{
    lv->z = z;
    lv->all = false;
    lv->n = 0;
    for (uint32_t i = 0; i < b->nitems; i++) {
        const pk_item *it = &b->items[i];
        if (it->z + it->h != z)
            continue;
        if (lv->n == PK_LEVEL_ITEMS) {
            lv->all = true;
            return;
        }
        lv->items[lv->n++] = *it;
    }
}

/* Area of the base (x, y, l, w) at height lv->z resting on items' tops. */
static int64_t level_base(const pk_level *lv, const pk_bin *b, int32_t x, int32_t y, int32_t l,
                          int32_t w)
{
    const pk_item *its = lv->all ? b->items : lv->items;
    uint32_t n = lv->all ? b->nitems : lv->n;
    int64_t base = 0;
    for (uint32_t i = 0; i < n; i++) {
        const pk_item *it = &its[i];
        if (it->z + it->h != lv->z || !overlap_1d(x, l, it->x, it->l) ||
            !overlap_1d(y, w, it->y, it->w))
            continue;
        int64_t dx = (x + l < it->x + it->l ? x + l : it->x + it->l) - (x > it->x ? x : it->x);
        int64_t dy = (y + w < it->y + it->w ? y + w : it->y + it->w) - (y > it->y ? y : it->y);
        base += dx * dy;
    }
    return base;
}

bool bxi_pk_bin_insert(pk_bin *b, const pk_unit *units, uint32_t u, pk_merit merit,
                   const pk_rules *rules, pk_work *work)
{
    const pk_unit *un = &units[u];
    if (!bin_takes(b, un, rules))
        return false;
    if ((int64_t)b->L * b->W * b->H - b->volume < un->volume)
        return false;
    bool found = false;
    merit_key best = {{0, 0, 0, 0, 0}};
    int32_t bx = 0, by = 0, bz = 0, bl = 0, bw = 0, bh = 0;
    bool want_contact = merit == PK_MERIT_CONTACT;
    /* BLF ranks by (z, y, x) first, which is the points' order: the first
     * point where the unit fits wins. TILE ranks by z first: the first
     * level with a fit wins. */
    bool stop_at_point = merit == PK_MERIT_BLF;
    bool stop_at_level = merit == PK_MERIT_TILE;
    /* The smallest extent along each axis over the orientations: a point
     * with less room than that along some axis takes none of them. */
    int no = un->norient;
    int32_t min_l = un->orient[0][0], min_w = un->orient[0][1], min_h = un->orient[0][2];
    for (int o = 1; o < no; o++) {
        if (un->orient[o][0] < min_l)
            min_l = un->orient[o][0];
        if (un->orient[o][1] < min_w)
            min_w = un->orient[o][1];
        if (un->orient[o][2] < min_h)
            min_h = un->orient[o][2];
    }
    pk_level level;
    level.z = 0; /* no point at z > 0 has its level yet */
    for (uint32_t p = 0; p < b->npoints; p++) {
        const pk_point *pt = &b->points[p];
        if (found && (stop_at_point || (stop_at_level && pt->z > bz)))
            break;
        /* Every orientation at a point is one evaluation of the budget,
         * whether or not it gets past the cheap tests below. */
        work->used += (uint64_t)no;
        int32_t room_l = b->L - pt->x, room_w = b->W - pt->y, room_h = b->H - pt->z;
        if (room_l < min_l || room_w < min_w || room_h < min_h)
            continue;
        bool check_base = rules->support && pt->z > 0;
        if (check_base && level.z != pt->z)
            level_gather(&level, b, pt->z);
        for (int o = 0; o < no; o++) {
            int32_t l = un->orient[o][0], w = un->orient[o][1], h = un->orient[o][2];
            if (l > room_l || w > room_w || h > room_h)
                continue;
            int64_t contact = 0;
            if (check_base && 100 * level_base(&level, b, pt->x, pt->y, l, w) <
                                  (int64_t)rules->support_pct * l * w)
                continue;
            if (!fits(b, units, un, pt->x, pt->y, pt->z, l, w, h, want_contact ? &contact : NULL))
                continue;
            /* Resting on more than half its base, a unit's centre lies over
             * its contacts (see supported()): the hull is needed below. */
            if (check_base && rules->support_pct <= 50 &&
                !supported(b, pt->x, pt->y, pt->z, l, w, rules->support_pct))
                continue;
            if (rules->loads) {
                pk_item c = {u, pt->x, pt->y, pt->z, l, w, h};
                if (!loads_ok(b, units, &c, rules))
                    continue;
            }
            merit_key m = key_for(b, merit, pt->x, pt->y, pt->z, l, w, h, contact);
            if (!found || better(&m, &best) || (rules->ties_last && !better(&best, &m))) {
                found = true;
                best = m;
                bx = pt->x;
                by = pt->y;
                bz = pt->z;
                bl = l;
                bw = w;
                bh = h;
            }
        }
    }
    if (found)
        place(b, units, u, bx, by, bz, bl, bw, bh);
    return found;
}
