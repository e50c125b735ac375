/*
 * bench_report.c: time and peak memory of a large report.
 *
 *   build/tests/bench/bench_report [BOXES [FORMAT [SCRIPT]]]
 *   build/tests/bench/bench_report monthly [SHIPMENTS [FORMAT]]
 *
 * Writes a packing-results CSV of BOXES packed boxes (default 1,000,000;
 * orders of one to three boxes, figures from a fixed-seed generator, a
 * GB 45186 violation on boxes over 40 % void, as `boxcar pack --policy
 * gb45186.lua --format csv` writes them) to a scratch directory, then
 * renders the station report (scripts/report/station.lua) over it in a
 * child process, and prints the child's wall time, CPU time and peak
 * resident memory (getrusage of the child: the generator is not counted).
 * FORMAT is xlsx (default), csv or cbor.
 *
 * With `monthly` it writes a synthetic carbon result instead (SHIPMENTS
 * per-shipment rows, default 1,000,000, and their exact totals:
 * gen_carbon.h) and renders scripts/report/monthly.lua over it, with the
 * cn-2023 factor set. The child also times its phases: the script's build
 * (reading the totals, the factor set and every shipment in Lua) and the
 * rendering (the detail sheet streamed, the workbook assembled).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boxcar.h"
#include "gen_carbon.h"

#ifndef BOXCAR_SCRIPTS
#define BOXCAR_SCRIPTS "scripts"
#endif
#ifndef BOXCAR_SAMPLES
#define BOXCAR_SAMPLES "samples"
#endif

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t next(void)
{
    /* xorshift64*: fast and fixed, so every run writes the same file */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717u) >> 32);
}

static int write_packing(const char *path, uint64_t boxes)
{
    static const struct { const char *id; int64_t vol; } types[] = {
        {"1#", 53276448}, {"2#", 32632832}, {"3#", 22315968}, {"4#", 13798528},
        {"5#", 8290688}, {"6#", 6144768}, {"7#", 4110848}, {"8#", 2715648},
        {"9#", 2301453}, {"10#", 1549303}, {"11#", 1020573}, {"12#", 715728},
    };
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        return -1;
    fputs("order_id,box_seq,box_id,n_units,item_volume_mm3,box_inner_volume_mm3,fill_pct,"
          "void_pct,gross_weight_g,lower_bound_boxes,reason,violations,container_id\n", fp);
    uint64_t done = 0, order = 0;
    while (done < boxes) {
        order++;
        uint32_t n = 1 + (next() % 100 < 8) + (next() % 100 < 2);
        for (uint32_t b = 1; b <= n && done < boxes; b++, done++) {
            size_t t = next() % 12;
            uint32_t fill10 = 50 + next() % 900; /* 5.0 .. 94.9 % */
            int64_t items = types[t].vol * fill10 / 1000;
            uint32_t void10 = 1000 - fill10;
            fprintf(fp, "O%08llu,%u,%s,%u,%lld,%lld,%u.%u,%u.%u,%u,%u,,",
                    (unsigned long long)order, b, types[t].id, 1 + next() % 6,
                    (long long)items, (long long)types[t].vol, fill10 / 10, fill10 % 10,
                    void10 / 10, void10 % 10, 200 + next() % 9000, n);
            if (void10 > 400)
                fprintf(fp, "\"GB45186.VOID: void ratio %u.%u %% > 40.0 %% (assumed) by "
                            "%u.%u points; k = 1.00 (assumed)\"", void10 / 10, void10 % 10,
                        (void10 - 400) / 10, (void10 - 400) % 10);
            fputs(",\n", fp);
        }
    }
    return fclose(fp) == 0 ? 0 : -1;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The build call's end, seen as the first progress tick (one every 65,536
 * rows) once the rows of build's pass have been read: the boundary is
 * exact to within a tick. */
typedef struct phases {
    uint64_t build_rows;
    double t0, build_done;
} phases;

static void on_progress(void *ud, uint64_t rows)
{
    phases *p = ud;
    if (p->build_done == 0 && rows >= p->build_rows)
        p->build_done = now();
}

static int report(const char *script, const char *packing, const char *per_shipment,
                  const char *totals, uint64_t build_rows, bx_report_format fmt,
                  const char *out)
{
    bx_ctx *ctx = NULL;
    bx_report *r = NULL;
    phases ph = {build_rows, now(), 0};
    bx_status st = bx_ctx_new(&ctx, NULL, NULL);
    if (st == BX_OK)
        st = bx_report_load(ctx, &r, script, NULL);
    if (st == BX_OK && packing != NULL)
        st = bx_report_add_source(r, "packing", packing, bx_pack_csv_numeric_columns());
    if (st == BX_OK && per_shipment != NULL)
        st = bx_report_add_source(r, "shipments", per_shipment, bx_carbon_csv_numeric_columns());
    if (st == BX_OK && totals != NULL)
        st = bx_report_add_source(r, "totals", totals, bx_carbon_totals_numeric_columns());
    if (st == BX_OK && totals != NULL)
        st = bx_report_add_source(r, "factors", BOXCAR_SAMPLES "/factors/cn-2023.csv",
                                  bx_factor_set_numeric_columns());
    if (st == BX_OK) {
        bx_report_options o = {1767225600, build_rows ? on_progress : NULL, &ph, 0};
        st = bx_report_render(r, fmt, out, &o);
    }
    double end = now();
    if (st != BX_OK)
        fprintf(stderr, "bench_report: %s\n", bx_ctx_errmsg(ctx));
    else
        printf("rows read: %llu (build's pass and the detail sheet's)\n",
               (unsigned long long)bx_report_rows(r));
    if (st == BX_OK && ph.build_done > 0)
        printf("phases: build (the script's pass) %.1f s, rendering %.1f s\n",
               ph.build_done - ph.t0, end - ph.build_done);
    bx_report_free(r);
    bx_ctx_free(ctx);
    return st == BX_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    bool monthly = argc > 1 && strcmp(argv[1], "monthly") == 0;
    int a = monthly ? 2 : 1;
    uint64_t rows = argc > a ? strtoull(argv[a], NULL, 10) : 1000000;
    bx_report_format fmt = BX_REPORT_XLSX;
    if (argc > a + 1 && bx_report_format_parse(argv[a + 1], &fmt) != BX_OK) {
        fprintf(stderr, "bench_report: format xlsx, csv or cbor\n");
        return 2;
    }
    const char *script = monthly ? BOXCAR_SCRIPTS "/report/monthly.lua"
                         : argc > 3 ? argv[3] : BOXCAR_SCRIPTS "/report/station.lua";
    char dir[] = "/tmp/bench_report-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    char input[128], totals[128], out[128];
    snprintf(input, sizeof input, "%s/%s.csv", dir, monthly ? "per-shipment" : "packing");
    snprintf(totals, sizeof totals, "%s/totals.csv", dir);
    snprintf(out, sizeof out, "%s/report.%s", dir, bx_report_format_name(fmt));
    double t0 = now();
    if ((monthly ? bench_write_carbon(input, totals, rows) : write_packing(input, rows)) != 0)
        return 1;
    struct stat sb;
    stat(input, &sb);
    printf("%s: %llu %s, %.1f MB, written in %.1f s\n",
           monthly ? "carbon results" : "packing results", (unsigned long long)rows,
           monthly ? "shipments" : "boxes", (double)sb.st_size / 1e6, now() - t0);
    fflush(stdout);
    t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        /* monthly: the script reads the totals, the factor set's rows and
         * every shipment before rendering begins */
        int rc = monthly ? report(script, NULL, input, totals, rows, fmt, out)
                         : report(script, input, NULL, NULL, 0, fmt, out);
        fflush(stdout);
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    double secs = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    if (stat(out, &sb) != 0)
        sb.st_size = 0;
    /* CPU time as well: on a shared machine the wall time counts the
     * others' jobs; the report itself runs on one thread */
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    printf("%s report (%s): %.1f s (CPU %.1f s), peak RSS %.1f MB, output %.1f MB%s\n",
           monthly ? "monthly" : "station", bx_report_format_name(fmt), secs, cpu,
           (double)ru.ru_maxrss / 1024.0, (double)sb.st_size / 1e6,
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : " FAILED");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_report: could not remove %s\n", dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
