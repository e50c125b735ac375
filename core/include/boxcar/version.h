/*
 * boxcar/version.h: the version this header belongs to (compile time,
 * boxcar/config.h) and the version of the library actually linked (run time).
 */
#ifndef BOXCAR_VERSION_H
#define BOXCAR_VERSION_H

#include "boxcar/config.h"
#include "boxcar/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* BX_VERSION_STRING of the linked library, e.g. "0.1.0". */
BX_API const char *bx_version(void);
/* BX_VERSION_NUMBER of the linked library. */
BX_API int bx_version_number(void);
/* Comma-separated features compiled in, e.g. "json,cbor,lua,xlsx,gsl". */
BX_API const char *bx_build_features(void);

#ifdef __cplusplus
}
#endif

#endif
