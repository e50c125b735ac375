/*
 * pack_svg.c: a picture of one packed box, as standalone SVG 1.1.
 *
 * Isometric projection: a point (x, y, z) in mm lands on the page at
 *   X = ox + (x - y) cos 30deg * k,   Y = oy + ((x + y) sin 30deg - z) * k
 * (page Y grows downwards), so x runs right-down, y left-down and z up, and
 * the viewer looks along -(1, 1, 1): of each unit the faces z = top,
 * x = right end and y = front side are visible.
 *
 * Painting order. Sorting by a single key (the far corner's x + y + z, the
 * centre's, ...) fails: a thin slab standing against the back wall has a
 * large centre but is behind a small cube in front of it. What is right
 * for disjoint boxes: B must be painted after A when their pictures overlap
 * and A lies behind B along an axis that separates them (A.hi <= B.lo on
 * that axis, the viewer being on the + side). When the pictures overlap,
 * all separating axes agree: if A were behind along x but in front along y,
 * the functional x - y would separate the pictures. The units are then
 * painted in a topological order of that relation.
 *
 * The pictures of two boxes are two hexagons with edges in the same three
 * directions (the projected axes), so by the separating axis theorem they
 * overlap exactly when the ranges of x - y, y - z and z - x (the functions
 * constant along the view direction) overlap on both boxes: integer tests.
 *
 * Coordinates are printed with one decimal, computed from the integer
 * geometry with a fixed sequence of double operations: the bytes are the
 * same on every IEEE 754 machine.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pack_emit.h"

#define DRAW_PX 480.0  /* the longer side of the drawing */
#define MARGIN_PX 20.0
#define LEGEND_PX 64.0
#define MIN_WIDTH_PX 380.0

typedef struct cuboid {
    int64_t lo[3], hi[3];
} cuboid;

static cuboid cuboid_of(const bx_placement *p)
{
    cuboid c = {{p->x_mm, p->y_mm, p->z_mm},
                {(int64_t)p->x_mm + p->l_mm, (int64_t)p->y_mm + p->w_mm,
                 (int64_t)p->z_mm + p->h_mm}};
    return c;
}

static bool pictures_overlap(const cuboid *a, const cuboid *b)
{
    for (int i = 0; i < 3; i++) {
        int j = (i + 1) % 3;
        /* range of p_i - p_j over each box */
        int64_t amin = a->lo[i] - a->hi[j], amax = a->hi[i] - a->lo[j];
        int64_t bmin = b->lo[i] - b->hi[j], bmax = b->hi[i] - b->lo[j];
        if (amax <= bmin || bmax <= amin)
            return false;
    }
    return true;
}

/* Must a be painted before b? */
static bool paint_before(const cuboid *a, const cuboid *b)
{
    if (!pictures_overlap(a, b))
        return false;
    for (int k = 0; k < 3; k++)
        if (a->hi[k] <= b->lo[k])
            return true;
    return false;
}

#define DONE UINT32_MAX

/* Fill order[0..n) with the painting order of the box's units (indices
 * into p). Kahn's algorithm without storing edges: indeg[i] counts the
 * unpainted units that must come before i. Among ready units the one
 * loaded first goes first, so the order is deterministic; if none is ready
 * (a cycle, impossible for disjoint units) the one with the fewest
 * unpainted predecessors breaks it. O(n^2) time, no memory beyond the two
 * arrays. */
static void painting_order(const bx_placement *p, uint32_t n, uint32_t *indeg,
                           uint32_t *order)
{
    for (uint32_t i = 0; i < n; i++) {
        cuboid ci = cuboid_of(&p[i]);
        indeg[i] = 0;
        for (uint32_t j = 0; j < n; j++) {
            cuboid cj = cuboid_of(&p[j]);
            if (j != i && paint_before(&cj, &ci))
                indeg[i]++;
        }
    }
    for (uint32_t step = 0; step < n; step++) {
        uint32_t pick = DONE;
        for (uint32_t i = 0; i < n; i++)
            if (indeg[i] != DONE && (pick == DONE || indeg[i] < indeg[pick]))
                pick = i;
        /* pick: the first unit (load order) with the fewest predecessors,
         * which is a ready one (0) whenever one exists */
        order[step] = pick;
        indeg[pick] = DONE;
        cuboid cp = cuboid_of(&p[pick]);
        for (uint32_t j = 0; j < n; j++) {
            if (indeg[j] == DONE || indeg[j] == 0)
                continue;
            cuboid cj = cuboid_of(&p[j]);
            if (paint_before(&cp, &cj))
                indeg[j]--;
        }
    }
}

/* ---- drawing ------------------------------------------------------------ */

typedef struct view {
    double k;        /* px per mm */
    double ox, oy;   /* page position of the box origin */
    double width, height;
} view;

static const double cos30 = 0.86602540378443864676;

static void point(bx_emit *o, const view *v, int64_t x, int64_t y, int64_t z)
{
    double px = v->ox + (double)(x - y) * cos30 * v->k;
    double py = v->oy + ((double)(x + y) * 0.5 - (double)z) * v->k;
    bxi_emit_tenths(o, llround(px * 10));
    bxi_emit_char(o, ',');
    bxi_emit_tenths(o, llround(py * 10));
}

static void polygon(bx_emit *o, const view *v, const char *fill,
                    const int64_t (*pts)[3], int n)
{
    bxi_emit_str(o, "<polygon");
    if (fill != NULL) {
        bxi_emit_str(o, " fill=\"");
        bxi_emit_str(o, fill);
        bxi_emit_char(o, '"');
    }
    bxi_emit_str(o, " points=\"");
    for (int i = 0; i < n; i++) {
        if (i > 0)
            bxi_emit_char(o, ' ');
        point(o, v, pts[i][0], pts[i][1], pts[i][2]);
    }
    bxi_emit_str(o, "\"/>\n");
}

/* Base colours, one per order line (cycling), far enough apart to tell
 * neighbours apart. */
static const uint8_t palette[][3] = {
    {0x4f, 0x86, 0xc6}, {0xe8, 0x8a, 0x3a}, {0x5b, 0xa8, 0x5a},
    {0xc9, 0x4c, 0x4c}, {0x8e, 0x6b, 0xbf}, {0xd9, 0xb3, 0x2b},
    {0x3f, 0xa7, 0xa7}, {0xd4, 0x6f, 0xa5}, {0x7a, 0x86, 0x99},
    {0x9c, 0x6b, 0x45},
};

/* A face's colour: the base lit by `light` percent (100 = as is; above 100
 * mixes in white, below darkens). */
static void shade(char out[8], const uint8_t base[3], int light)
{
    int c[3];
    for (int i = 0; i < 3; i++) {
        if (light >= 100)
            c[i] = base[i] + (255 - base[i]) * (light - 100) / 100;
        else
            c[i] = base[i] * light / 100;
    }
    snprintf(out, 8, "#%02x%02x%02x", (unsigned)c[0], (unsigned)c[1],
             (unsigned)c[2]);
}

static void draw_unit(bx_emit *o, const view *v, const bx_placement *p)
{
    int64_t x0 = p->x_mm, y0 = p->y_mm, z0 = p->z_mm;
    int64_t x1 = x0 + p->l_mm, y1 = y0 + p->w_mm, z1 = z0 + p->h_mm;
    const uint8_t *base = palette[p->line % BX_ARRAY_LEN(palette)];
    char top[8], front[8], end[8];
    shade(top, base, 140);
    shade(front, base, 100);
    shade(end, base, 72);
    const int64_t top_face[4][3] = {{x0, y0, z1}, {x1, y0, z1}, {x1, y1, z1},
                                    {x0, y1, z1}};
    const int64_t end_face[4][3] = {{x1, y0, z0}, {x1, y1, z0}, {x1, y1, z1},
                                    {x1, y0, z1}};
    const int64_t front_face[4][3] = {{x0, y1, z0}, {x1, y1, z0},
                                      {x1, y1, z1}, {x0, y1, z1}};
    char t[64];
    snprintf(t, sizeof t, "<g class=\"unit\" id=\"u%" PRIu32 "\">\n", p->load_seq);
    bxi_emit_str(o, t);
    polygon(o, v, front, front_face, 4);
    polygon(o, v, end, end_face, 4);
    polygon(o, v, top, top_face, 4);
    /* The label sits at the top face's centre; its size follows the face
     * (within 7..12 px) so small units keep a readable number. */
    double fs = 0.45 * (double)(p->l_mm < p->w_mm ? p->l_mm : p->w_mm) * v->k;
    long size = lround(fs < 7 ? 7 : fs > 12 ? 12 : fs);
    double cx = v->ox + (double)((x0 + x1) - (y0 + y1)) * 0.5 * cos30 * v->k;
    double cy = v->oy + ((double)((x0 + x1) + (y0 + y1)) * 0.25 - (double)z1) * v->k;
    bxi_emit_str(o, "<text x=\"");
    bxi_emit_tenths(o, llround(cx * 10));
    bxi_emit_str(o, "\" y=\"");
    /* a baseline 0.35 em below the centre centres digits vertically */
    bxi_emit_tenths(o, llround((cy + 0.35 * (double)size) * 10));
    snprintf(t, sizeof t, "\" font-size=\"%ld\" stroke=\"none\" fill=\"#1a1a1a\">%" PRIu32 "</text>\n</g>\n",
             size, p->load_seq);
    bxi_emit_str(o, t);
}

static view make_view(const bx_box *box)
{
    double L = box->inner_l_mm, W = box->inner_w_mm, H = box->inner_h_mm;
    double dw = (L + W) * cos30, dh = (L + W) * 0.5 + H;
    view v;
    v.k = DRAW_PX / (dw > dh ? dw : dh);
    v.width = ceil(dw * v.k) + 2 * MARGIN_PX;
    if (v.width < MIN_WIDTH_PX)
        v.width = MIN_WIDTH_PX;
    v.height = LEGEND_PX + ceil(dh * v.k) + 2 * MARGIN_PX;
    v.ox = (v.width - dw * v.k) * 0.5 + W * cos30 * v.k;
    v.oy = LEGEND_PX + MARGIN_PX + H * v.k;
    return v;
}

static void legend(bx_emit *o, const bx_order *order,
                   const bx_pack_result *result, size_t b)
{
    const bx_packed_box *pb = &result->boxes[b];
    const bx_box *box = pb->box;
    int64_t fill = bxi_pk_fill_tenths(pb->item_volume_mm3, pb->inner_volume_mm3);
    char t[160];
    bxi_emit_str(o, "<g font-family=\"sans-serif\" font-size=\"13\" fill=\"#222222\">\n"
                  "<text x=\"20\" y=\"22\">order ");
    bxi_emit_xml(o, bxi_pk_order_id(order));
    snprintf(t, sizeof t, ", box %zu of %zu: ", b + 1, result->nboxes);
    bxi_emit_str(o, t);
    bxi_emit_xml(o, box->box_id);
    snprintf(t, sizeof t,
             "</text>\n<text x=\"20\" y=\"40\">inner %" PRId32 " \xC3\x97 %" PRId32
             " \xC3\x97 %" PRId32 " mm, %zu %s, gross ",
             box->inner_l_mm, box->inner_w_mm, box->inner_h_mm, pb->nplacements,
             pb->nplacements == 1 ? "unit" : "units");
    bxi_emit_str(o, t);
    bxi_emit_thousandths(o, pb->gross_weight_g);
    bxi_emit_str(o, " kg</text>\n<text x=\"20\" y=\"58\">fill ");
    bxi_emit_tenths(o, fill);
    bxi_emit_str(o, " %, void ");
    bxi_emit_tenths(o, 1000 - fill);
    bxi_emit_str(o, " %</text>\n</g>\n");
}

static void legend_text(bx_emit *o, const bxi_pk_svg_text *text)
{
    bxi_emit_str(o, "<g font-family=\"sans-serif\" font-size=\"13\" fill=\"#222222\">\n");
    static const char *const y[3] = {"22", "40", "58"};
    for (int i = 0; i < 3; i++) {
        if (text->line[i] == NULL)
            continue;
        bxi_emit_str(o, "<text x=\"20\" y=\"");
        bxi_emit_str(o, y[i]);
        bxi_emit_str(o, "\">");
        bxi_emit_xml(o, text->line[i]);
        bxi_emit_str(o, "</text>\n");
    }
    bxi_emit_str(o, "</g>\n");
}

bx_status bx_pack_svg(bx_ctx *ctx, const bx_order *order,
                      const bx_pack_result *result, size_t box,
                      bx_write_fn write, void *ud)
{
    return bxi_pk_svg(ctx, order, result, box, NULL, write, ud);
}

bx_status bxi_pk_svg(bx_ctx *ctx, const bx_order *order, const bx_pack_result *result,
                     size_t box, const bxi_pk_svg_text *text, bx_write_fn write, void *ud)
{
    bx_status st = bxi_pk_check_result(ctx, "packing SVG", order, result);
    if (st != BX_OK)
        return st;
    if (write == NULL)
        return bxi_error(ctx, BX_EINVAL, "packing SVG: no write callback");
    if (box >= result->nboxes)
        return bxi_error(ctx, BX_EINVAL, "packing SVG: order %s has %zu boxes, "
                        "no box %zu", bxi_pk_order_id(order), result->nboxes, box + 1);
    const bx_packed_box *pb = &result->boxes[box];
    if (pb->nplacements > BX_PACK_SVG_MAX_UNITS)
        return bxi_error(ctx, BX_ELIMIT,
                        "packing SVG: order %s box %zu holds %zu units; pictures "
                        "stop at %d", bxi_pk_order_id(order), box + 1,
                        pb->nplacements, BX_PACK_SVG_MAX_UNITS);
    uint32_t n = (uint32_t)pb->nplacements;
    uint32_t *work = NULL;
    if (n > 0 && (work = bx_alloc(ctx, 2 * (size_t)n * sizeof *work)) == NULL)
        return BX_ENOMEM;
    const bx_placement *p = &result->placements[pb->first_placement];
    painting_order(p, n, work, work + n);

    view v = make_view(pb->box);
    int64_t L = pb->box->inner_l_mm, W = pb->box->inner_w_mm,
            H = pb->box->inner_h_mm;
    bx_emit o;
    bxi_emit_init(&o, ctx, write, ud, "the packing result");
    char t[256];
    snprintf(t, sizeof t,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
             "width=\"%ld\" height=\"%ld\" viewBox=\"0 0 %ld %ld\">\n<title>%s",
             lround(v.width), lround(v.height), lround(v.width), lround(v.height),
             text ? "" : "order ");
    bxi_emit_str(&o, t);
    if (text) {
        bxi_emit_xml(&o, text->title);
    } else {
        bxi_emit_xml(&o, bxi_pk_order_id(order));
        snprintf(t, sizeof t, ", box %zu: ", box + 1);
        bxi_emit_str(&o, t);
        bxi_emit_xml(&o, pb->box->box_id);
    }
    bxi_emit_str(&o, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    if (text)
        legend_text(&o, text);
    else
        legend(&o, order, result, box);

    /* The floor and the two back walls, behind everything. */
    const int64_t floor_face[4][3] = {{0, 0, 0}, {L, 0, 0}, {L, W, 0}, {0, W, 0}};
    const int64_t wall_x0[4][3] = {{0, 0, 0}, {0, W, 0}, {0, W, H}, {0, 0, H}};
    const int64_t wall_y0[4][3] = {{0, 0, 0}, {L, 0, 0}, {L, 0, H}, {0, 0, H}};
    bxi_emit_str(&o, "<g class=\"box-back\" stroke=\"#b8a07a\" stroke-width=\"1\">\n");
    polygon(&o, &v, "#f3ecdf", floor_face, 4);
    polygon(&o, &v, "#ebe1cf", wall_x0, 4);
    polygon(&o, &v, "#e4d8c2", wall_y0, 4);
    bxi_emit_str(&o, "</g>\n<g class=\"units\" stroke=\"#333333\" stroke-width=\"0.6\" "
                   "stroke-linejoin=\"round\" font-family=\"sans-serif\" "
                   "text-anchor=\"middle\">\n");
    for (uint32_t i = 0; i < n; i++)
        draw_unit(&o, &v, &p[work[n + i]]);
    bxi_emit_str(&o, "</g>\n");

    /* The nine edges on the viewer's side, over the units: the wireframe. */
    const int64_t edges[9][2][3] = {
        {{L, 0, 0}, {L, W, 0}}, {{L, W, 0}, {0, W, 0}}, {{0, W, 0}, {0, W, H}},
        {{0, W, H}, {0, 0, H}}, {{0, 0, H}, {L, 0, H}}, {{L, 0, H}, {L, 0, 0}},
        {{L, W, H}, {0, W, H}}, {{L, W, H}, {L, 0, H}}, {{L, W, H}, {L, W, 0}},
    };
    bxi_emit_str(&o, "<path class=\"box-front\" fill=\"none\" stroke=\"#7a5c2e\" "
                   "stroke-width=\"1.5\" stroke-linecap=\"round\" d=\"");
    for (int e = 0; e < 9; e++) {
        bxi_emit_str(&o, e == 0 ? "M" : " M");
        point(&o, &v, edges[e][0][0], edges[e][0][1], edges[e][0][2]);
        bxi_emit_str(&o, " L");
        point(&o, &v, edges[e][1][0], edges[e][1][1], edges[e][1][2]);
    }
    bxi_emit_str(&o, "\"/>\n</svg>\n");
    bx_free(ctx, work);
    return bxi_emit_finish(&o);
}
