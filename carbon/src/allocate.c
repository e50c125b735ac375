/*
 * allocate.c: exact integer allocation of a vehicle run's emissions, and
 * the GLEC multi-drop shares.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carbon_internal.h"

typedef struct share_rem {
    double frac;
    size_t index;
} share_rem;

/* Largest share_rem first; equal remainders keep index order, so the
 * result does not depend on the sort's stability. */
static int by_remainder(const void *a, const void *b)
{
    const share_rem *x = a, *y = b;
    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

bx_status bx_allocate_mg(bx_ctx *ctx, int64_t total_mg, const double *weights,
                         size_t n, int64_t *out_mg)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (n == 0 || weights == NULL || out_mg == NULL || total_mg < 0 ||
        total_mg > BX_CO2E_MAX_MG)
        return bxi_error(ctx, BX_EINVAL, "bx_allocate_mg: bad argument");
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(weights[i]) || weights[i] < 0)
            return bxi_error(ctx, BX_EINVAL, "bx_allocate_mg: weight %zu is %g", i,
                            weights[i]);
        sum += weights[i];
    }
    if (!(sum > 0) || !isfinite(sum))
        return bxi_error(ctx, BX_EINVAL, "bx_allocate_mg: the weights sum to %g", sum);
    share_rem *rem = bx_alloc(ctx, n * sizeof *rem);
    if (rem == NULL)
        return BX_ENOMEM;
    int64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        double exact = (double)total_mg * (weights[i] / sum);
        double fl = floor(exact);
        if (fl > (double)total_mg)
            fl = (double)total_mg;
        out_mg[i] = (int64_t)fl;
        rem[i].frac = exact - fl;
        rem[i].index = i;
        given += out_mg[i];
    }
    qsort(rem, n, sizeof *rem, by_remainder);
    /* Floating-point shares can make the floors overshoot by a unit or
     * fall short by up to n units: hand out (or take back) the difference
     * one milligram at a time, largest remainders first (or smallest
     * remainders first, from parts that have something to give). */
    int64_t left = total_mg - given;
    for (size_t k = 0; left > 0; k = (k + 1) % n) {
        out_mg[rem[k].index]++;
        left--;
    }
    for (size_t k = n; left < 0; k = k == 0 ? n : k) {
        k--;
        if (out_mg[rem[k].index] > 0) {
            out_mg[rem[k].index]--;
            left++;
        }
    }
    bx_free(ctx, rem);
    return BX_OK;
}

bx_status bx_multidrop_shares(bx_ctx *ctx, const int64_t *mass_g, const double *direct_km,
                              size_t n, double *shares, double *total_tkm)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (n == 0 || mass_g == NULL || direct_km == NULL || shares == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_multidrop_shares: bad argument");
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (mass_g[i] < 0 || !isfinite(direct_km[i]) || direct_km[i] < 0)
            return bxi_error(ctx, BX_EINVAL, "bx_multidrop_shares: drop %zu has a "
                                            "negative or unknown mass or distance", i);
        shares[i] = (double)mass_g[i] / 1e6 * direct_km[i];
        sum += shares[i];
    }
    if (!(sum > 0))
        return bxi_error(ctx, BX_EINVAL, "bx_multidrop_shares: no notional tonne-km");
    for (size_t i = 0; i < n; i++)
        shares[i] /= sum;
    if (total_tkm != NULL)
        *total_tkm = sum;
    return BX_OK;
}
