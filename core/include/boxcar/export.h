/*
 * boxcar/export.h: BX_API marks the exported symbols of libboxcar. The
 * library is compiled with hidden visibility, so only these are visible.
 */
#ifndef BOXCAR_EXPORT_H
#define BOXCAR_EXPORT_H

#if defined(_WIN32)
#define BX_API
#elif defined(__GNUC__)
#define BX_API __attribute__((visibility("default")))
#else
#define BX_API
#endif

#endif
