/*
 * factor_diff.c: what changed between two factor sets, row by row.
 */
#include <math.h>
#include <string.h>

#include "carbon_internal.h"

/* Numbers compare as parsed; two absent values (NaN) are equal. */
static bool same_number(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static uint32_t compare(const bx_factor *a, const bx_factor *b)
{
    uint32_t d = 0;
    if (a->unit != b->unit)
        d |= BX_FDIFF_UNIT;
    if (!same_number(a->wtt, b->wtt))
        d |= BX_FDIFF_WTT;
    if (!same_number(a->ttw, b->ttw))
        d |= BX_FDIFF_TTW;
    if (!same_number(a->wtw, b->wtw))
        d |= BX_FDIFF_WTW;
    if (!same_number(a->energy, b->energy))
        d |= BX_FDIFF_ENERGY;
    if (strcmp(a->ref, b->ref) != 0)
        d |= BX_FDIFF_REF;
    if (!same_number(a->gsd, b->gsd))
        d |= BX_FDIFF_GSD;
    if (a->quality != b->quality)
        d |= BX_FDIFF_QUALITY;
    if (a->confirmed != b->confirmed)
        d |= BX_FDIFF_CONFIRMED;
    if (strcmp(a->basis, b->basis) != 0)
        d |= BX_FDIFF_BASIS;
    if (strcmp(a->source, b->source) != 0)
        d |= BX_FDIFF_SOURCE;
    if (strcmp(a->version, b->version) != 0)
        d |= BX_FDIFF_VERSION;
    if (strcmp(a->note, b->note) != 0)
        d |= BX_FDIFF_NOTE;
    if (a->kind == BX_FACTOR_TOC && a->mode != b->mode)
        d |= BX_FDIFF_MODE;
    return d;
}

bx_status bx_factor_set_diff(const bx_factor_set *a, const bx_factor_set *b,
                             bx_factor_diff_fn fn, void *ud, size_t *count)
{
    size_t n = 0;
    if (count != NULL)
        *count = 0;
    if (a == NULL || b == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < bx_factor_set_count(a); i++) {
        const bx_factor *fa = bx_factor_set_at(a, i);
        const bx_factor *fb = bx_factor_set_find(b, fa->kind, fa->id);
        bx_factor_change c = {fa, fb, 0};
        if (fb != NULL) {
            c.fields = compare(fa, fb);
            if (c.fields == 0)
                continue;
        }
        n++;
        if (fn != NULL && fn(ud, &c) != 0)
            goto done;
    }
    for (size_t i = 0; i < bx_factor_set_count(b); i++) {
        const bx_factor *fb = bx_factor_set_at(b, i);
        if (bx_factor_set_find(a, fb->kind, fb->id) != NULL)
            continue;
        bx_factor_change c = {NULL, fb, 0};
        n++;
        if (fn != NULL && fn(ud, &c) != 0)
            goto done;
    }
done:
    if (count != NULL)
        *count = n;
    return BX_OK;
}
