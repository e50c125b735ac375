/*
 * boxcar/status.h: result codes shared by every boxcar function.
 *
 * Every fallible function returns a bx_status. BX_OK is zero; BX_END is the
 * one non-error status (a reader has no more records). Everything from
 * BX_ENOMEM on is an error, and the handle that reported it holds a message
 * (bx_ctx_errmsg) that says what went wrong and, for input errors, names the
 * file, line, column and field.
 */
#ifndef BOXCAR_STATUS_H
#define BOXCAR_STATUS_H

#include "boxcar/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bx_status {
    BX_OK = 0,           /* success */
    BX_END = 1,          /* a reader has no more records (not an error) */
    BX_ENOMEM = 2,       /* the allocator returned NULL */
    BX_EINVAL = 3,       /* the caller broke an API contract (NULL handle...) */
    BX_EINPUT = 4,       /* bad input data: the message names where */
    BX_EIO = 5,          /* a file or stream operation failed */
    BX_ELIMIT = 6,       /* a configured limit was exceeded (depth, size...) */
    BX_EUNSUPPORTED = 7, /* the feature was left out of this build */
    BX_ENOTFOUND = 8,    /* a named thing (box id, file) does not exist */
    BX_EINTERNAL = 9,    /* a bug in boxcar: please report it */
    BX_EPERM = 10        /* not permitted: an unknown token, or a role that
                            may not do this */
} bx_status;

/* Static English text for a status ("out of memory", ...). Never NULL; an
 * unknown value gives "unknown status". */
BX_API const char *bx_strerror(bx_status status);

#ifdef __cplusplus
}
#endif

#endif
