/*
 * fuzz_script.c: libFuzzer target for what boxcar parses out of scripts:
 * the sandbox (Lua's parser, the allow-listed library, the limits) and the
 * report builder (every book, sheet and table call checks its arguments).
 *
 * Each input is loaded as a report script with small limits; if it loads,
 * it is rendered as CBOR over a small packing file into a scratch
 * directory. Either may fail with an error, neither may crash, leak, hang
 * or trip a sanitizer; and a failure must leave no file behind.
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

static char dir[64], packing[96], out[96];

static void cleanup(void)
{
    remove(out);
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
    snprintf(out, sizeof out, "%s/out.cbor", dir);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 0;
    bx_script_limits lim = {(size_t)2 << 20, 200000, 0};
    bx_report *r = NULL;
    bx_status st = bx_report_load_buffer(ctx, &r, "fuzz.lua", (const char *)data, size, &lim);
    if (st == BX_OK)
        st = bx_report_add_source(r, "packing", packing, bx_report_packing_numeric());
    if (st == BX_OK) {
        bx_report_options o = {1767225600, NULL, NULL};
        st = bx_report_render(r, BX_REPORT_CBOR, out, &o);
        if (st != BX_OK && access(out, F_OK) == 0)
            abort(); /* a failed render left a file */
        remove(out);
    }
    if (st != BX_OK && bx_ctx_errmsg(ctx)[0] == '\0')
        abort(); /* every failure says why */
    bx_report_free(r);
    bx_ctx_free(ctx);
    return 0;
}
