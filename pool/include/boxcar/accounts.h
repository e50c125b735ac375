/*
 * boxcar/accounts.h: trips, losses and deposits per operator, station and
 * month, read from a pool's journal: what a monthly statement and an
 * operator's loss rates are made of.
 *
 * A trip starts when a container is issued at a station; it belongs to the
 * operator holding the container then, and to the month (UTC) it started
 * in. It is
 *   returned  if the container came back within the loss window,
 *   lost      if it did not, and the window has ended by `now` (a container
 *             that comes back later is counted lost here and `late` too:
 *             its deposit was already forfeited),
 *   open      if the window has not ended yet and it is still out.
 * The loss rate of a group is lost / (returned + lost): over trips whose
 * outcome is known.
 *
 * Money is in minor units (fen, cents) as integers, so sums are exact: each
 * trip is charged the fee and a deposit; a returned trip's deposit is
 * refunded, a lost one's forfeited, an open one's still held:
 *   deposits = trips x deposit = refunded + forfeited + held.
 *
 * A compacted journal holds the trips since its snapshot only (those out at
 * the snapshot are not counted). Present when the library has the pool.
 */
#ifndef BOXCAR_ACCOUNTS_H
#define BOXCAR_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "boxcar/csv.h"
#include "boxcar/ctx.h"
#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_account_options {
    int64_t loss_window_s;  /* > 0; default 30 days */
    int64_t now_s;          /* trips are counted as of then (later events
                               are ignored); required, > 0 */
    int64_t deposit_minor;  /* per trip, >= 0; default 0 */
    int64_t fee_minor;      /* per trip, >= 0; default 0 */
} bx_account_options;

BX_API void bx_account_options_init(bx_account_options *opts);

typedef struct bx_account_row {
    char operator_id[BX_ID_MAX]; /* "" for the implicit platform */
    char station_id[BX_ID_MAX];
    int32_t month;               /* YYYYMM the trips started in */
    uint64_t trips, returned, lost, open;
    uint64_t late;               /* lost ones that came back after all */
    int64_t fees_minor;          /* trips x fee */
    int64_t deposits_minor;      /* trips x deposit */
    int64_t refunded_minor;      /* returned x deposit */
    int64_t forfeited_minor;     /* lost x deposit */
    int64_t held_minor;          /* open x deposit */
} bx_account_row;

typedef struct bx_accounts {
    size_t nrows;
    bx_account_row *rows; /* by operator, month, station */
} bx_accounts;

/* Read the journal at path (read-only) and account for the trips of the
 * operators `as` may see: every operator's for NULL, "" (a pool without
 * operators) or a platform operator; its own only for an operator; none
 * for anyone else. *out is new (bx_accounts_free); it may have no rows.
 * Errors: those of bx_pool_open; BX_EINVAL for bad options; BX_ENOMEM. */
BX_API bx_status bx_pool_accounts(bx_ctx *ctx, const char *path, const char *as,
                                  const bx_account_options *opts, bx_accounts **out);
/* NULL is a no-op. */
BX_API void bx_accounts_free(bx_ctx *ctx, bx_accounts *a);

/* The rows of one month (YYYYMM; 0: all) as CSV: operator, station, month
 * (YYYY-MM), trips, returned, lost, late, open, loss_rate (lost /
 * (returned + lost), empty when no outcome is known), fees, deposits,
 * refunded, forfeited, held (money with two decimals from the minor
 * units). BX_EIO if write fails. */
BX_API bx_status bx_accounts_write_csv(bx_ctx *ctx, const bx_accounts *a, int32_t month,
                                       bx_write_fn write, void *ud);
/* The columns of that CSV that hold numbers (NULL-terminated), for
 * bx_report_add_source. */
BX_API const char *const *bx_accounts_csv_numeric_columns(void);

#ifdef __cplusplus
}
#endif

#endif
