/*
 * carbon_pool.h: `boxcar carbon --pool`: the real usage of each container
 * type, read from a pool's journal, as the carbon calculator takes it.
 */
#ifndef BOXCAR_CLI_CARBON_POOL_H
#define BOXCAR_CLI_CARBON_POOL_H

#include "cli.h"

/* Open the pool at `journal` read-only and sum its containers per type
 * (bx_container_usage), each live one expected to last its row's trips of
 * `containers`. *usage (free() it) gets one entry per pool type. A
 * damaged journal or a torn tail is a warning: the state up to there is
 * used. Problems the context does not hold are printed (*printed set).
 * BX_EUNSUPPORTED in builds without CBOR (no pools there). */
bx_status cli_pool_usage(bx_ctx *ctx, const char *journal, const bx_catalog *catalog,
                         const bx_containers *containers, bx_container_usage **usage,
                         size_t *n, bool *printed);

#endif
