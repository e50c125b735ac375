/*
 * units.c: turn an order's lines into units with their allowed
 * orientations.
 */
#include <stdio.h>
#include <string.h>

#include "units.h"

/* The orientations a rotation rule allows, as (x, y, z) extents, without
 * repeats (a cube has one). */
static void orientations(pk_unit *u)
{
    const int32_t a = u->dim[0], b = u->dim[1], c = u->dim[2];
    const int32_t all[6][3] = {{a, b, c}, {b, a, c}, {a, c, b}, {c, a, b}, {b, c, a}, {c, b, a}};
    int n = u->rotation == BX_ROTATE_FIXED ? 1 : u->rotation == BX_ROTATE_UPRIGHT ? 2 : 6;
    u->norient = 0;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int k = 0; k < u->norient; k++)
            if (memcmp(u->orient[k], all[i], sizeof all[i]) == 0)
                seen = true;
        if (!seen)
            memcpy(u->orient[u->norient++], all[i], sizeof all[i]);
    }
}

bx_status bxi_pk_units_build(bx_ctx *ctx, const bx_order *order, int rotation_override,
                         uint32_t max_units, pk_unit **units, uint32_t *cap, uint32_t *nunits,
                         int32_t *ngroups)
{
    if (order->nlines == 0 || order->lines == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_pack: the order has no lines");
    const char *id = order->lines[0].order_id;
    uint64_t total = 0;
    for (size_t i = 0; i < order->nlines; i++) {
        const bx_order_line *l = &order->lines[i];
        bx_location at = {NULL, l->line, 0, 0, 0, NULL};
        /* A line built in code has no place in a file: name it by its
         * order and its position in the order instead. */
        char name[2 * BX_ID_MAX + 48];
        if (l->line == 0) {
            snprintf(name, sizeof name, "order '%.*s' line %zu (item '%.*s')",
                     (int)strnlen(l->order_id, BX_ID_MAX - 1), l->order_id, i + 1,
                     (int)strnlen(l->item_id, BX_ID_MAX - 1), l->item_id);
            at.file = name;
        }
        bx_status st = bx_order_line_validate(ctx, l, &at);
        if (st != BX_OK)
            return st;
        if (strcmp(l->order_id, id) != 0)
            return bxi_error(ctx, BX_EINVAL, "bx_pack: lines of orders '%s' and '%s' in one call",
                            id, l->order_id);
        total += (uint64_t)l->qty;
    }
    if (total > max_units)
        return bxi_error(ctx, BX_ELIMIT, "order '%s' has %llu units, more than the engine's limit of %lu",
                        id, (unsigned long long)total, (unsigned long)max_units);
    if (total > *cap) {
        pk_unit *p = bx_realloc(ctx, *units, (size_t)total * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        *units = p;
        *cap = (uint32_t)total;
    }
    /* Groups get dense numbers in order of first appearance: a line whose
     * group appeared on an earlier line j takes the number of j's units,
     * which sit at the sum of the quantities before j. */
    int32_t groups = 0;
    uint32_t n = 0;
    for (size_t i = 0; i < order->nlines; i++) {
        const bx_order_line *l = &order->lines[i];
        int32_t g = -1;
        if (l->group[0] != '\0') {
            size_t j = 0;
            uint32_t first = 0;
            while (strcmp(order->lines[j].group, l->group) != 0)
                first += (uint32_t)order->lines[j++].qty;
            g = j < i ? (*units)[first].group : groups++;
        }
        for (int32_t k = 0; k < l->qty; k++) {
            pk_unit *u = &(*units)[n++];
            memset(u, 0, sizeof *u);
            u->dim[0] = l->l_mm;
            u->dim[1] = l->w_mm;
            u->dim[2] = l->h_mm;
            u->rotation = (uint8_t)(rotation_override >= 0 ? rotation_override : (int)l->rotation);
            u->fragile = l->fragile;
            u->alone = l->alone;
            u->group = g;
            u->volume = (int64_t)l->l_mm * l->w_mm * l->h_mm;
            u->weight_g = l->weight_g;
            u->max_load_g = l->fragile ? 0 : (l->has & BX_LINE_HAS_MAX_LOAD) ? l->max_load_g : -1;
            u->line = (uint32_t)i;
            u->unit = (uint32_t)k;
            orientations(u);
        }
    }
    *nunits = n;
    *ngroups = groups;
    return BX_OK;
}
