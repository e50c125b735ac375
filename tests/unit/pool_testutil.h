/*
 * pool_testutil.h: building pools and events in the pool tests.
 */
#ifndef BOXCAR_POOL_TESTUTIL_H
#define BOXCAR_POOL_TESTUTIL_H

#include "boxcar.h"

/* 2024-05-01T00:00:00Z: 19844 days after 1970-01-01 (54 years with 13 leap
 * days: 54 * 365 + 13 = 19723 days to 2024-01-01, then 31 + 29 + 31 + 30 =
 * 121 days of 2024), times 86400. */
#define PT_T0 INT64_C(1714521600)
#define PT_HOUR INT64_C(3600)
#define PT_DAY INT64_C(86400)

/* A catalog: carton "3#" and the reusable types "crate-pp" and "crate-s". */
bx_catalog *pt_catalog(bx_ctx *ctx);

/* Event builders. */
bx_pool_event pt_station(int64_t t, const char *station);
bx_pool_event pt_register(int64_t t, const char *id, const char *type, const char *station);
bx_pool_event pt_issue(int64_t t, const char *id, const char *station, const char *order);
bx_pool_event pt_ev(bx_pool_event_type type, int64_t t, const char *id);
bx_pool_event pt_return(int64_t t, const char *id, const char *station);
bx_pool_event pt_inspect(int64_t t, const char *id, bool damaged);

/* Apply or fail the test with the context's message. */
void pt_apply(bx_pool *pool, bx_pool_event ev);

#endif
