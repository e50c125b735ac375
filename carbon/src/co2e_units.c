/*
 * co2e_units.c: whole milligrams CO2e, the unit every total is kept in.
 *
 * Milligrams in int64 hold 9.2e15 g (9.2 Mt) exactly, with room to spare
 * under BX_CO2E_MAX_MG; a 250 g parcel's sorting-hub share (about 0.15 g)
 * is still 150 units, so rounding each shipment once to the milligram
 * loses nothing an auditor could see.
 */
#include <math.h>

#include "carbon_internal.h"

bool bxi_carbon_g_to_mg(double g, int64_t *mg)
{
    double v = round(g * 1000.0); /* half away from zero, whatever the FP rounding mode */
    if (!(v >= -(double)BX_CO2E_MAX_MG && v <= (double)BX_CO2E_MAX_MG))
        return false; /* also catches NaN */
    *mg = (int64_t)v;
    return true;
}

bool bxi_carbon_add_i64(int64_t *a, int64_t b)
{
    if ((b > 0 && *a > INT64_MAX - b) || (b < 0 && *a < INT64_MIN - b))
        return false;
    *a += b;
    return true;
}

/* v / 10^decimals as text with exactly that many decimals. Integer digits
 * only: the text is exact and never depends on the locale's decimal
 * separator; by hand, as it runs for every figure of every output row. */
static char *fixed_to_text(int64_t v, int decimals, char *buf, size_t size)
{
    char tmp[32];
    size_t n = 0;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    for (int i = 0; i < decimals; i++) {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    }
    tmp[n++] = '.';
    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m > 0);
    if (v < 0)
        tmp[n++] = '-';
    if (size == 0)
        return buf;
    size_t k = 0;
    while (n > 0 && k + 1 < size)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
    return buf;
}

char *bx_mg_to_text(int64_t mg, char *buf, size_t size)
{
    return fixed_to_text(mg, 3, buf, size); /* mg -> g with three decimals */
}

char *bxi_carbon_gkm_to_tkm_text(int64_t gkm, char *buf, size_t size)
{
    return fixed_to_text(gkm, 6, buf, size); /* g.km / 1e6 = tkm, six decimals */
}

bool bxi_carbon_per_unit_mg(int64_t mg, int64_t units, double scale, int64_t *out)
{
    if (units <= 0 || mg < 0)
        return false;
    double v = round((double)mg * scale / (double)units);
    if (!(v >= 0 && v <= (double)BX_CO2E_MAX_MG))
        return false;
    *out = (int64_t)v;
    return true;
}
