/*
 * version.c: the linked library's version and features.
 */
#include "boxcar/version.h"

const char *bx_version(void)
{
    return BX_VERSION_STRING;
}

int bx_version_number(void)
{
    return BX_VERSION_NUMBER;
}

const char *bx_build_features(void)
{
    return "core,cartonize"
#if BOXCAR_HAVE_JSON
           ",json"
#endif
#if BOXCAR_HAVE_CBOR
           ",cbor"
#endif
#if BOXCAR_HAVE_LUA
           ",lua"
#endif
#if BOXCAR_HAVE_XLSX
           ",xlsx"
#endif
#if BOXCAR_HAVE_GSL
           ",gsl"
#endif
        ;
}
