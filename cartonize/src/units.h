/*
 * units.h: an order's lines as units (one per item of qty).
 */
#ifndef BOXCAR_UNITS_H
#define BOXCAR_UNITS_H

#include "pack_internal.h"

/* Validate the order's lines and expand them into *units (grown to hold
 * them; *cap is its capacity). rotation_override < 0 keeps each line's
 * rule. Groups are numbered 0..*ngroups-1. Errors: BX_EINVAL (empty order,
 * mixed order ids), BX_EINPUT (a bad line), BX_ELIMIT, BX_ENOMEM. */
bx_status bxi_pk_units_build(bx_ctx *ctx, const bx_order *order, int rotation_override,
                         uint32_t max_units, pk_unit **units, uint32_t *cap, uint32_t *nunits,
                         int32_t *ngroups);

#endif
