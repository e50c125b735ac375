/*
 * fuzz_load.c: libFuzzer target for the loading-plan readers, and for the
 * planner, checker and writers behind them.
 *
 * The first byte picks what the rest is (CSV, JSON or CBOR, found from its
 * bytes):
 *   'P' a parcels file, planned into the sample vehicles;
 *   'V' a vehicle catalog, planned with the sample parcels;
 *   'K' boxcar pack's output (JSON Lines or CBOR), its boxes planned as
 *       parcels into the sample vehicles;
 *   'S' a stops file (order_id,stop) applied to the parcels of a packed
 *       order and planned into the sample vehicles;
 * any other byte picks one of them by its value mod 2. Every plan made
 * (with a small work budget) must pass bx_load_plan_check and be written
 * in every format and as pictures and load factors without error. Nothing
 * may crash, leak or trip a sanitizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boxcar.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bx_ctx *sample_ctx;
static bx_load_input sample_parcels, sample_vehicles;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (bx_ctx_new(&sample_ctx, NULL, NULL) != BX_OK ||
        bx_load_read_parcels(sample_ctx, BOXCAR_SAMPLES "/load/parcels.csv", &sample_parcels) != BX_OK ||
        bx_load_read_vehicles(sample_ctx, BOXCAR_SAMPLES "/load/vehicles.csv", &sample_vehicles) != BX_OK)
        abort();
    return 0;
}

static int discard(void *ud, const void *data, size_t size)
{
    (void)ud;
    (void)data;
    (void)size;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool packed = data[0] == 'K', stops = data[0] == 'S';
    bool parcels = packed || stops || data[0] == 'P' || (data[0] != 'V' && data[0] % 2 == 0);
    bx_ctx *ctx;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        abort();
    bx_load_input in = {0};
    static const char two_orders[] =
        "{\"order_id\":\"A\",\"boxes\":[{\"box_seq\":1,\"outer_l_mm\":300,\"outer_w_mm\":200,"
        "\"outer_h_mm\":100,\"gross_weight_g\":900}]}\n"
        "{\"order_id\":\"B/2\",\"boxes\":[{\"box_seq\":1,\"outer_l_mm\":200,\"outer_w_mm\":200,"
        "\"outer_h_mm\":200,\"gross_weight_g\":500,\"fragile\":true}]}\n";
    bx_status st;
    if (stops) {
        st = bx_load_read_packed_mem(ctx, "orders", two_orders, sizeof two_orders - 1, 0, &in);
        if (st == BX_OK)
            st = bx_load_read_stops_mem(ctx, "fuzz", data + 1, size - 1, &in);
    } else if (packed)
        st = bx_load_read_packed_mem(ctx, "fuzz", data + 1, size - 1, 1, &in);
    else if (parcels)
        st = bx_load_read_parcels_mem(ctx, "fuzz", data + 1, size - 1, &in);
    else
        st = bx_load_read_vehicles_mem(ctx, "fuzz", data + 1, size - 1, &in);
    if (st == BX_OK) {
        const bx_load_parcel *p = parcels ? in.parcels : sample_parcels.parcels;
        size_t n = parcels ? in.nparcels : sample_parcels.nparcels;
        const bx_load_vehicle *v = parcels ? sample_vehicles.vehicles : in.vehicles;
        size_t nv = parcels ? sample_vehicles.nvehicles : in.nvehicles;
        if (n > 200)
            n = 200;
        if (nv > 8)
            nv = 8;
        bx_load_options o;
        bx_load_options_init(&o);
        o.budget = 20000;
        bx_load_plan plan;
        st = bx_load_plan_make(ctx, p, n, v, nv, &o, &plan);
        if (st == BX_OK) {
            if (bx_load_plan_check(ctx, p, n, v, nv, o.support, &plan) != BX_OK)
                abort();
            for (int f = 0; f < 4; f++) {
                bx_status w = bx_load_write(ctx, (bx_pack_format)f, p, n, v, nv, &plan, discard, NULL);
                if (w != BX_OK && w != BX_EUNSUPPORTED)
                    abort();
            }
            if (bx_load_write_factors(ctx, v, nv, &plan, discard, NULL) != BX_OK)
                abort();
            if (plan.nvehicles && bx_load_svg(ctx, p, n, v, nv, &plan, 0, 1, discard, NULL) != BX_OK)
                abort();
            bx_load_plan_free(ctx, &plan);
        } else if (st != BX_EINPUT && st != BX_ELIMIT)
            abort();
    } else if (st != BX_EINPUT && st != BX_ELIMIT && st != BX_EIO)
        abort();
    bx_load_input_free(ctx, &in);
    bx_ctx_free(ctx);
    return 0;
}
