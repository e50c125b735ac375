/*
 * pack_batch.c: the batch of `boxcar pack`: open what the run needs, pack
 * every order and write its result, then put the outputs in place.
 *
 * Orders stream through one engine, one at a time, or with --jobs N through
 * N engines on N threads and back into input order (pack_parallel.c): the
 * outputs do not depend on N. An order with a bad line is reported,
 * written to the output as a failed order and skipped; the batch goes on.
 * Outputs go to temporary files renamed into place at the end, so a run
 * that fails leaves the old files (or none) behind, never half of a new
 * one. SVG pictures are each written whole, one file per box.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pack_batch.h"
#include "range_file.h"

/* ---- diagnostics -------------------------------------------------------- */

void pack_diag(void *ud, const bx_diag *d)
{
    pack_diags *pd = ud;
    cli_progress_clear(pd->bar);
    if (d->severity == BX_SEV_ERROR)
        pd->errors++;
    cli_diag_print(&pd->cd, d);
}

/* ---- pictures ----------------------------------------------------------- */

/* The order id as a file name: letters, digits, '.', '_', '-' and UTF-8
 * stay; anything else (a '/', '#', a space) becomes '_', and then an FNV-1a
 * hash of the real id is added so that "A#1" and "A_1" do not collide. */
static void file_stem(const char *id, char *out, size_t size)
{
    size_t n = 0;
    bool changed = false;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)id; *p != '\0' && n + 1 < size; p++) {
        unsigned char c = *p;
        h = (h ^ c) * 16777619u;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                    (c == '.' && n > 0) || c >= 0x80;
        out[n++] = keep ? (char)c : '_';
        changed |= !keep;
    }
    out[n] = '\0';
    if (changed && n + 10 < size)
        snprintf(out + n, size - n, "_%08" PRIx32, h);
}

/* Standard error, or with --jobs the order's log, replayed in order. */
static void say(pack_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(pack_log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (log == NULL) {
        vfprintf(stderr, fmt, ap);
    } else {
        char text[2048];
        int n = vsnprintf(text, sizeof text, fmt, ap);
        /* a message cut short beats none; pack_log_failed() tells memory */
        if (n >= 0)
            pack_log_add(log, PACK_LOG_TEXT, NULL, text,
                         (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
    }
    va_end(ap);
}

/* With a log (--jobs), each picture is drawn into memory and the log
 * carries it to the writing thread, which writes the files in order. */
static bx_status svg_to_log(bx_ctx *ctx, pack_log *log, const char *path,
                            const bx_order *order, const bx_pack_result *res, size_t b)
{
    membuf m = {0};
    bx_status st = bx_pack_svg(ctx, order, res, b, membuf_write, &m);
    if (st == BX_ELIMIT)
        say(log, "warning: %s\n", bx_ctx_errmsg(ctx));
    else if (m.failed)
        st = BX_ENOMEM;
    else if (st == BX_OK && !pack_log_add(log, PACK_LOG_SVG, path, m.data, m.len))
        st = BX_ENOMEM;
    membuf_free(&m);
    return st == BX_ELIMIT ? BX_OK : st;
}

static bx_status write_svgs(bx_ctx *ctx, const char *dir, const bx_order *order,
                            const bx_pack_result *res, pack_log *log, bool *printed)
{
    char stem[3 * BX_ID_MAX];
    file_stem(order->lines[0].order_id, stem, sizeof stem);
    for (size_t b = 0; b < res->nboxes; b++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s-%zu.svg", dir, stem, b + 1);
        if (n < 0 || (size_t)n >= sizeof path) {
            say(log, "boxcar pack: --svg: directory name too long\n");
            *printed = true;
            return BX_EIO;
        }
        if (log != NULL) {
            bx_status st = svg_to_log(ctx, log, path, order, res, b);
            if (st != BX_OK)
                return st;
            continue;
        }
        bx_outfile *f = NULL;
        bx_status st = bx_outfile_open(ctx, &f, path);
        if (st == BX_OK)
            st = bx_pack_svg(ctx, order, res, b, bx_outfile_write, f);
        if (st == BX_ELIMIT) {
            /* a box too full to draw is no reason to stop the batch */
            fprintf(stderr, "warning: %s\n", bx_ctx_errmsg(ctx));
            bx_outfile_abort(f);
            continue;
        }
        if (st != BX_OK) {
            bx_outfile_abort(f);
            return st;
        }
        if ((st = bx_outfile_commit(f)) != BX_OK)
            return st;
    }
    return BX_OK;
}

static bx_status make_dir(const char *dir, bool *printed)
{
    struct stat sb;
    if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &sb) == 0 &&
                                  S_ISDIR(sb.st_mode)))
        return BX_OK;
    fprintf(stderr, "boxcar pack: --svg %s: %s\n", dir,
            errno == EEXIST ? "not a directory" : strerror(errno));
    *printed = true;
    return BX_EIO;
}

/* ---- the batch ---------------------------------------------------------- */

/* The catalog's stock column, if any box has a limit: the batch uses it
 * up order by order. */
static bx_status stock_new(batch *b)
{
    size_t n = bx_catalog_count(b->cat);
    bool limited = false;
    for (size_t i = 0; i < n; i++)
        limited |= bx_catalog_box(b->cat, i)->stock != BX_STOCK_UNLIMITED;
    if (!limited)
        return BX_OK;
    b->stock = bx_alloc(b->ctx, n * sizeof *b->stock);
    if (b->stock == NULL)
        return BX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        b->stock[i] = bx_catalog_box(b->cat, i)->stock;
    return BX_OK;
}

bx_status pack_write_failed(batch *b, const char *order_id, const char *msg)
{
    b->t.bad_orders++;
    return bx_pack_write_failed(b->ctx, b->a->format, order_id, msg,
                                b->out.write, b->out.ud);
}

bx_status pack_one(batch *b, const bx_order_batch *ob)
{
    bx_order order = {ob->lines, ob->nlines};
    const bx_pack_result *res = NULL;
    bx_pack_options opts = b->a->opts;
    opts.stock = b->stock;
    unsigned long errors = b->pd->errors;
    bx_status st;
    if (b->pool != NULL)
        st = pack_pool_pack(b->pool, b->engine, &order, &opts, &res);
    else if (b->policy != NULL)
        st = bx_policy_pack(b->policy, b->engine, &order, &opts, &res);
    else
        st = bx_pack(b->engine, b->cat, &order, &opts, &res);
    if (st == BX_EINPUT || st == BX_ELIMIT) {
        /* This order's data (or the policy on it) is at fault, not the run. */
        if (b->pd->errors == errors) {
            /* a policy's message already names the order */
            if (b->policy != NULL)
                say(b->log, "error: %s\n", bx_ctx_errmsg(b->ctx));
            else
                say(b->log, "error: order %s: %s\n", ob->order_id, bx_ctx_errmsg(b->ctx));
        }
        b->t.policy_failures += b->policy != NULL;
        return pack_write_failed(b, ob->order_id, bx_ctx_errmsg(b->ctx));
    }
    if (st != BX_OK)
        return st;
    bool valid = true;
    if (b->a->check) {
        errors = b->pd->errors;
        bx_order as_packed = order;
        bx_pack_options as_opts = opts;
        if (b->pool != NULL)
            pack_pool_packed_as(b->pool, &as_packed, &as_opts);
        else if (b->policy != NULL)
            bx_policy_packed_as(b->policy, &as_packed, &as_opts);
        if (bx_validate(b->ctx, b->cat, &as_packed, &as_opts, res) != BX_OK) {
            valid = false;
            b->t.invalid++;
            if (b->pd->errors == errors)
                say(b->log, "error: --check: order %s: %s\n", ob->order_id,
                    bx_ctx_errmsg(b->ctx));
        }
    }
    /* The issue goes to the journal before any output names its
     * containers; a wrong result takes no container out of the pool. */
    if (b->pool != NULL && valid && (st = pack_pool_issue(b->pool, &order, res)) != BX_OK)
        return st;
    st = bx_pack_write(b->ctx, b->a->format, &order, res, b->out.write, b->out.ud);
    if (st == BX_OK && b->placements.write != NULL)
        st = bx_pack_csv_placements(b->ctx, &order, res, b->placements.write,
                                    b->placements.ud);
    if (st == BX_OK && b->a->svg_dir != NULL)
        st = write_svgs(b->ctx, b->a->svg_dir, &order, res, b->log, &b->printed);
    if (st != BX_OK)
        return st;
    if (b->stock != NULL)
        for (size_t i = 0; i < res->nboxes; i++)
            if (b->stock[res->boxes[i].box_index] > 0)
                b->stock[res->boxes[i].box_index]--;
    b->t.boxes += res->nboxes;
    b->t.packed += res->nplacements;
    b->t.violations += res->nviolations;
    for (size_t i = 0; i < res->nboxes; i++) {
        bool any = false;
        for (size_t v = 0; v < res->nviolations; v++)
            any |= res->violations[v].box_seq == i + 1;
        b->t.boxes_in_violation += any;
    }
    for (size_t i = 0; i < res->nunpacked; i++)
        b->t.unpacked += res->unpacked[i].units;
    return BX_OK;
}

bx_status pack_in_sequence(batch *b)
{
    bx_status st = BX_OK;
    while (st == BX_OK) {
        bx_order_batch ob;
        st = bx_order_reader_next(b->reader, &ob);
        if (st == BX_END)
            return BX_OK;
        if (st != BX_OK)
            break;
        b->t.orders++;
        /* The bad line was reported as it was read; the reader kept its
         * message with the order. */
        if (ob.failed)
            st = pack_write_failed(b, ob.order_id, ob.error);
        else
            st = pack_one(b, &ob);
        cli_progress_tick(&b->bar, b->t.orders);
    }
    return st;
}

/* The order file, read through a stream of our own so that the progress
 * line can say how much of it has been read. */
static bx_status open_orders(batch *b)
{
    b->orders_fp = fopen(b->a->orders, "rb");
    if (b->orders_fp == NULL) {
        int e = errno;
        fprintf(stderr, "boxcar: %s: %s\n", b->a->orders, strerror(e));
        b->printed = true;
        return e == ENOENT ? BX_ENOTFOUND : BX_EIO;
    }
    FILE *in = b->orders_fp;
    const char *name = b->a->orders;
    if (b->a->ranged) {
        const char *why = NULL;
        b->range_fp = cli_range_open(b->orders_fp, b->a->range_start, b->a->range_end, &why);
        if (b->range_fp == NULL) {
            fprintf(stderr, "boxcar pack: --range %" PRIu64 "-%" PRIu64 " of %s: %s\n",
                    b->a->range_start, b->a->range_end, b->a->orders, why);
            b->printed = true;
            b->usage = true;
            return BX_EINVAL;
        }
        char key[256];
        if (cli_range_splits_key(b->orders_fp, b->a->range_start, b->a->range_end, "order_id",
                                 key, sizeof key)) {
            fprintf(stderr, "boxcar pack: --range %" PRIu64 "-%" PRIu64 " of %s cuts order "
                            "'%s' in two: an order's lines must lie in one range\n",
                    b->a->range_start, b->a->range_end, b->a->orders, key);
            b->printed = true;
            b->usage = true;
            return BX_EINVAL;
        }
        snprintf(b->range_name, sizeof b->range_name, "%s@%" PRIu64 "-%" PRIu64,
                 b->a->orders, b->a->range_start, b->a->range_end);
        in = b->range_fp;
        name = b->range_name;
    }
    bx_reader *r = NULL;
    bx_status st = bx_reader_open_stream(b->ctx, &r, BX_RECORD_ORDER_LINE, BX_FORMAT_AUTO,
                                         name, cli_file_read, in, NULL);
    if (st == BX_OK)
        st = bx_order_reader_wrap(b->ctx, &b->reader, r);
    else
        bx_reader_close(r);
    if (st == BX_OK)
        cli_progress_input(&b->bar, in);
    return st;
}

bx_status pack_batch_run(batch *b)
{
    const pack_args *a = b->a;
    bx_status st = stock_new(b);
    if (st == BX_OK && a->policy.path != NULL) {
        st = cli_policy_open(b->ctx, &a->policy, b->cat, &b->policy, &b->printed);
        if (st == BX_OK)
            cli_print_assumptions(stderr, b->policy);
    }
    if (st == BX_OK && a->pool != NULL)
        st = pack_pool_open(b->ctx, &b->pool, a->pool, a->station, a->token_file, b->cat,
                            b->policy, a->policy.returns_accepted, a->at, a->issued,
                            &b->printed);
    if (st == BX_OK)
        st = open_orders(b);
    if (st == BX_OK)
        st = bx_engine_new(b->ctx, &b->engine, NULL);
    if (st == BX_OK)
        st = cli_sink_open(b->ctx, &b->out, a->output);
    if (st == BX_OK && a->placements != NULL)
        st = cli_sink_open(b->ctx, &b->placements, a->placements);
    if (st == BX_OK && a->svg_dir != NULL)
        st = make_dir(a->svg_dir, &b->printed);
    if (st == BX_OK)
        st = bx_pack_write_header(b->ctx, a->format, b->out.write, b->out.ud);
    if (st == BX_OK && b->placements.write != NULL)
        st = bx_pack_csv_placements_header(b->ctx, b->placements.write,
                                           b->placements.ud);
    /* Stock, a policy and a pool each carry state from one order to the
     * next, so only an unlimited catalog without them runs in parallel. */
    bool parallel = a->jobs > 1 && b->stock == NULL && b->policy == NULL && b->pool == NULL;
    if (st == BX_OK)
        st = parallel ? pack_in_parallel(b) : pack_in_sequence(b);
    cli_progress_clear(&b->bar);
    cli_diag_flush(&b->pd->cd);
    return st;
}

bx_status pack_batch_finish(batch *b, bool write_outputs)
{
    /* The pool's journal first: the issues are durable before any output
     * says where the containers went. */
    bx_status st = b->pool != NULL ? pack_pool_finish(b->pool) : BX_OK;
    if (st == BX_OK && write_outputs)
        st = cli_sink_commit(&b->out, "pack", &b->printed);
    if (st == BX_OK && write_outputs)
        st = cli_sink_commit(&b->placements, "pack", &b->printed);
    return st;
}

void pack_batch_close(batch *b)
{
    cli_sink_abort(&b->out);
    cli_sink_abort(&b->placements);
    pack_pool_close(b->pool);
    bx_order_reader_close(b->reader);
    if (b->range_fp != NULL)
        fclose(b->range_fp);
    if (b->orders_fp != NULL)
        fclose(b->orders_fp);
    bx_policy_free(b->policy);
    bx_engine_free(b->engine);
    bx_free(b->ctx, b->stock);
    free(b->fatal_msg);
}
