/*
 * fuzz_script.c: libFuzzer target for what boxcar parses out of scripts:
 * the sandbox (Lua's parser, the allow-listed library, the limits), the
 * report builder (every book, sheet and table call checks its arguments),
 * the CSV sources a report reads, and packing policies.
 *
 * An input is a script, then optionally a NUL byte and a CSV file: the
 * report's source "packing" (with the packing columns read as numbers if
 * its header has them, else as text); without the NUL the source is a
 * small packing file. The script is loaded as a report with small limits;
 * if it loads, it is rendered as CBOR into a scratch directory. The same
 * script is then loaded as a packing policy over the sample catalog and,
 * if it loads, linted (every hook it defines called on a small order).
 * Each step may fail with an error that says why; none may crash, leak,
 * hang or trip a sanitizer; and a failed render must leave no file behind.
 * Seeds: tests/fuzz/corpus/script/ (*.lua reports, policy_*.lua
 * policies, source_*.bin a report with its source).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxcar.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], packing[96], source[96], out[96];
static bx_ctx *sample_ctx;
static bx_catalog *sample_catalog;

static void cleanup(void)
{
    remove(out);
    remove(source);
    remove(packing);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/boxcar-fuzz-XXXXXX", tmp && tmp[0] && strlen(tmp) < 40 ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(packing, sizeof packing, "%s/packing.csv", dir);
    snprintf(source, sizeof source, "%s/source.csv", dir);
    snprintf(out, sizeof out, "%s/out.cbor", dir);
    if (bx_ctx_new(&sample_ctx, NULL, NULL) != BX_OK ||
        bx_catalog_load(sample_ctx, &sample_catalog,
                        BOXCAR_SAMPLES "/catalogs/cn-express-reusable.csv",
                        BX_FORMAT_AUTO) != BX_OK)
        abort(); /* the sample must load */
    FILE *fp = fopen(packing, "wb");
    if (fp == NULL)
        abort();
    fputs("order_id,box_seq,box_id,n_units,item_volume_mm3,box_inner_volume_mm3,fill_pct,"
          "void_pct,gross_weight_g,lower_bound_boxes,reason,violations,container_id\n"
          "A,1,3#,1,10786500,22315968,48.3,51.7,1733,1,,GB45186.VOID: x,\n"
          "B,,,1,36000000,,,,,0,too large for every box: sofa,,\n", fp);
    fclose(fp);
    atexit(cleanup);
    return 0;
}

/* The source after the script's NUL, written for the report to read. */
static void write_source(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(source, "wb");
    if (fp == NULL || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
        abort();
}

static bx_status report(bx_ctx *ctx, const char *text, size_t len, const char *src)
{
    bx_script_limits lim = {(size_t)2 << 20, 200000, 0};
    bx_report *r = NULL;
    bx_status st = bx_report_load_buffer(ctx, &r, "fuzz.lua", text, len, &lim);
    if (st == BX_OK) {
        st = bx_report_add_source(r, "packing", src, bx_pack_csv_numeric_columns());
        if (st == BX_EINPUT && src == source) /* not the packing columns */
            st = bx_report_add_source(r, "packing", src, NULL);
    }
    if (st == BX_OK) {
        bx_report_options o = {1767225600, NULL, NULL, 0};
        st = bx_report_render(r, BX_REPORT_CBOR, out, &o);
        if (st != BX_OK && access(out, F_OK) == 0)
            abort(); /* a failed render left a file */
        remove(out);
    }
    bx_report_free(r);
    return st;
}

static bx_status policy(bx_ctx *ctx, const char *text, size_t len)
{
    bx_script_limits lim = {(size_t)2 << 20, 200000, 0};
    bx_policy *p = NULL;
    bx_engine *engine = NULL;
    bx_status st = bx_policy_load_buffer(ctx, &p, "fuzz.lua", text, len, sample_catalog, &lim);
    if (st == BX_OK)
        st = bx_engine_new(ctx, &engine, NULL);
    if (st == BX_OK)
        st = bx_policy_lint(p, engine);
    bx_engine_free(engine);
    bx_policy_free(p);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t len = nul != NULL ? (size_t)(nul - data) : size;
    if (nul != NULL)
        write_source(nul + 1, size - len - 1);
    const char *src = nul != NULL ? source : packing;
    for (int pass = 0; pass < 2; pass++) {
        bx_ctx *ctx = NULL;
        if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
            return 0;
        bx_status st = pass == 0 ? report(ctx, (const char *)data, len, src)
                                 : policy(ctx, (const char *)data, len);
        if (st != BX_OK && bx_ctx_errmsg(ctx)[0] == '\0')
            abort(); /* every failure says why */
        bx_ctx_free(ctx);
    }
    if (nul != NULL)
        remove(source);
    return 0;
}
