/*
 * boxcar/check.h: validate a catalog or order file completely.
 *
 * Unlike the loaders, which stop a job at bad input, a check reads to the
 * end and reports every problem it can find through the context's
 * diagnostic callback: each record's fields, and the rules across records
 * (unique box ids; the lines of one order kept together).
 */
#ifndef BOXCAR_CHECK_H
#define BOXCAR_CHECK_H

#include <stdint.h>

#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_check_result {
    bx_record_kind kind; /* what the file turned out to hold */
    bx_format format;
    uint64_t records;    /* records read, good or bad */
    uint64_t errors;     /* problems reported as errors */
    uint64_t warnings;   /* problems reported as warnings */
    uint64_t orders;     /* distinct orders (order files) */
    uint64_t units;      /* sum of qty (order files) */
} bx_check_result;

/* Check one file. BX_OK if it has no error (warnings allowed), BX_EINPUT if
 * it has, or the status of a failure that stopped the check (BX_EIO,
 * BX_ENOTFOUND, BX_ENOMEM, BX_ELIMIT, or a BX_EINPUT the reader cannot
 * recover from). *out is filled in every case. */
BX_API bx_status bx_check_file(bx_ctx *ctx, const char *path,
                               bx_record_kind kind, bx_format fmt,
                               bx_check_result *out);

#ifdef __cplusplus
}
#endif

#endif
