/*
 * pack_batch.h: the state of one `boxcar pack` run, shared by the loop
 * that packs orders one after another (pack_batch.c) and the one that packs
 * them on several threads (pack_parallel.c). cmd_pack.c sets it up from
 * the command line and reports on it.
 */
#ifndef BOXCAR_PACK_BATCH_H
#define BOXCAR_PACK_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "boxcar/pack_io.h"
#include "cli.h"
#include "pack_log.h"
#include "pack_pool.h"

typedef struct pack_diags {
    cli_diags cd;
    unsigned long errors; /* errors the printer has seen */
    cli_progress *bar;
} pack_diags;

typedef struct pack_args {
    const char *catalog, *orders, *output, *placements, *svg_dir;
    const char *pool, *station, *issued, *token_file;
    int64_t at;
    bx_pack_options opts;
    bx_pack_format format;
    bool format_given, check;
    bool progress; /* not --no-progress */
    size_t jobs;
    cli_policy_args policy;
    bool ranged; /* --range */
    uint64_t range_start, range_end;
} pack_args;

typedef struct totals {
    uint64_t orders, bad_orders, boxes, packed, unpacked, invalid;
    uint64_t violations, boxes_in_violation, policy_failures;
} totals;

typedef struct batch {
    bx_ctx *ctx;
    pack_diags *pd;
    const pack_args *a;
    const bx_catalog *cat;
    bx_engine *engine;
    bx_policy *policy;
    bx_order_reader *reader;
    FILE *orders_fp; /* the order file */
    FILE *range_fp;  /* --range: over orders_fp; what reader reads */
    char range_name[4200]; /* --range: FILE@START-END, for messages */
    cli_sink out, placements;
    int64_t *stock; /* remaining per box type, NULL if the catalog is unlimited */
    pack_pool *pool; /* --pool */
    totals t;
    cli_progress bar;
    bool printed; /* the failure was printed here, not held by ctx */
    bool usage;   /* the failure was the command line's (--range) */
    pack_log *log;   /* a worker's (--jobs): stderr lines and SVGs go there */
    char *fatal_msg; /* a worker's failure, for "boxcar: <msg>" at the end */
} batch;

/* Open the policy, pool, orders and outputs of b->a (b->ctx, b->pd, b->cat
 * and b->bar set by the caller), then pack every order. The outputs stay
 * uncommitted; b->t counts what was done. */
bx_status pack_batch_run(batch *b);
/* After a run: the pool's issues made durable, then (write_outputs) the
 * outputs put in place. */
bx_status pack_batch_finish(batch *b, bool write_outputs);
/* Free what the run opened (b->ctx and b->cat stay); outputs not put in
 * place are dropped. */
void pack_batch_close(batch *b);

/* The diagnostics printer of the run (ud: its pack_diags): clears the
 * progress bar, counts errors, prints. */
void pack_diag(void *ud, const bx_diag *d);
/* Write an order that could not be read as failed, with its message. */
bx_status pack_write_failed(batch *b, const char *order_id, const char *msg);
/* Pack one order and write its result (with b->log set: into memory and
 * the log). BX_OK also when the order's own data failed it; another status
 * ends the run. */
bx_status pack_one(batch *b, const bx_order_batch *ob);
/* The rest of the orders, one after another; then the status of the run. */
bx_status pack_in_sequence(batch *b);
/* The same on b->a->jobs threads (pack_parallel.c), with the same output;
 * falls back to pack_in_sequence when no thread can be started. */
bx_status pack_in_parallel(batch *b);

#endif
