/*
 * boxcar.h: everything libboxcar exports. Include this one header.
 */
#ifndef BOXCAR_H
#define BOXCAR_H

#include "boxcar/config.h"
#include "boxcar/version.h"
#include "boxcar/status.h"
#include "boxcar/ctx.h"
#include "boxcar/arena.h"
#include "boxcar/csv.h"
#include "boxcar/records.h"
#include "boxcar/catalog.h"
#include "boxcar/check.h"
#include "boxcar/outfile.h"
#include "boxcar/orders.h"
#include "boxcar/pack.h"
#include "boxcar/load.h"
#if !BOXCAR_MINIMAL
#include "boxcar/factors.h"
#include "boxcar/routes.h"
#include "boxcar/shipments.h"
#include "boxcar/carbon.h"
#include "boxcar/carbon_totals.h"
#include "boxcar/uncertainty.h"
#include "boxcar/draw_totals.h"
#include "boxcar/carbon_io.h"
#endif
#include "boxcar/pack_io.h"
#include "boxcar/script.h"
#include "boxcar/policy.h"
#include "boxcar/design.h"
#include "boxcar/report.h"
#if BOXCAR_HAVE_CBOR
#include "boxcar/journal.h"
#include "boxcar/pool.h"
#include "boxcar/pool_pack.h"
#include "boxcar/forecast.h"
#include "boxcar/plan.h"
#include "boxcar/accounts.h"
#endif

#endif
