/*
 * geo.c: great-circle distances and the distance adjustment factors.
 */
#include <math.h>

#include "carbon_internal.h"

#define EARTH_RADIUS_KM 6371.0
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

double bx_great_circle_km(double lat1, double lon1, double lat2, double lon2)
{
    /* Haversine rather than the spherical law of cosines: it stays accurate
     * for short legs (a few km across a city), where acos loses digits. */
    double p1 = lat1 * DEG_TO_RAD, p2 = lat2 * DEG_TO_RAD;
    double dp = (lat2 - lat1) * DEG_TO_RAD, dl = (lon2 - lon1) * DEG_TO_RAD;
    double s1 = sin(dp / 2), s2 = sin(dl / 2);
    double h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;
    if (h > 1.0)
        h = 1.0; /* rounding at antipodes */
    return 2.0 * EARTH_RADIUS_KM * asin(sqrt(h));
}

double bx_tce_adjusted_km(const bx_tce *tce, int mode, double *factor)
{
    if (factor != NULL)
        *factor = 1.0;
    if (tce == NULL || tce->kind != BX_TCE_LEG)
        return 0.0;
    double d = tce->distance_km, a = d;
    bx_daf_kind daf = tce->daf;
    if (daf == BX_DAF_AUTO) {
        /* GLEC v3.0 adds 95 km to an air leg's great circle. Road and rail
         * legs should be given their shortest feasible distance: from
         * coordinates they keep the bare great circle, and the compiler
         * warns (the 1.05 of BX_DAF_ROAD is GLEC Module 5's groupage
         * correction, not a great-circle-to-road factor). */
        daf = mode == BX_MODE_AIR ? BX_DAF_AIR : BX_DAF_NONE;
    }
    switch (daf) {
    case BX_DAF_AIR:
        a = d + BX_DAF_AIR_KM;
        break;
    case BX_DAF_ROAD:
        a = d * BX_DAF_ROAD_FACTOR;
        break;
    case BX_DAF_FACTOR:
        a = d * tce->daf_factor;
        break;
    default:
        break;
    }
    if (factor != NULL && d > 0)
        *factor = a / d;
    return a;
}
