/*
 * cbor_float.c: floats in CBOR's preferred (shortest exact) width, shared by
 * every CBOR writer in boxcar.
 */
#include <float.h>
#include <stdbool.h>
#include <string.h>

#include <cbor.h>

#include "internal.h"

/* IEEE 754 half-precision bits for d if d converts exactly, else false.
 * Computed from the double's bits: libcbor 0.8's cbor_encode_half drops
 * the low bits of half subnormals, so it is not used. */
static bool half_bits(double d, uint16_t *out)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 48) & 0x8000u);
    int exp = (int)((bits >> 52) & 0x7ffu);
    uint64_t mant = bits & ((UINT64_C(1) << 52) - 1);
    if (exp == 0x7ff) { /* infinities only; NaN payloads are not kept */
        *out = (uint16_t)(sign | 0x7c00u);
        return mant == 0;
    }
    if (exp == 0 && mant == 0) {
        *out = sign;
        return true;
    }
    int e = exp - 1023; /* d = 1.mant * 2^e (double subnormals fail below) */
    if (e > 15 || e < -24)
        return false;
    if (e >= -14) { /* half normal: 10 mantissa bits */
        if ((mant & ((UINT64_C(1) << 42) - 1)) != 0)
            return false;
        *out = (uint16_t)(sign | (unsigned)(e + 15) << 10 | (mant >> 42));
        return true;
    }
    /* half subnormal: d = m * 2^-24 with m = (2^52 + mant) >> (28 - e) */
    uint64_t full = (UINT64_C(1) << 52) | mant;
    unsigned shift = (unsigned)(28 - e);
    if ((full & ((UINT64_C(1) << shift) - 1)) != 0)
        return false;
    *out = (uint16_t)(sign | (full >> shift));
    return true;
}

/* RFC 8949 4.2.1: the shortest of half, single and double that keeps the
 * value exactly. */
size_t bxi_cbor_encode_float(double d, unsigned char *buf, size_t size)
{
    uint16_t h;
    if (half_bits(d, &h)) {
        if (size < 3)
            return 0;
        buf[0] = 0xF9;
        buf[1] = (unsigned char)(h >> 8);
        buf[2] = (unsigned char)(h & 0xff);
        return 3;
    }
    /* the range test keeps the conversion to float defined */
    if (d >= -FLT_MAX && d <= FLT_MAX && (double)(float)d == d)
        return cbor_encode_single((float)d, buf, size);
    return cbor_encode_double(d, buf, size);
}

