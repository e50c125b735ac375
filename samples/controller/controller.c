/*
 * controller.c: boxcar inside a packing-machine controller.
 *
 * Links only the BOXCAR_MINIMAL library (core + cartonize, libc only),
 * takes every byte from one static buffer through the allocator hook, and
 * packs a few orders with a catalog built in code. After the first order
 * the engine runs on the memory it already has: the program checks that
 * packing the later orders allocates nothing and prints what it would tell
 * the machine: which box, and where each unit goes.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <boxcar.h>

/* A bump allocator over a static arena: blocks are never reused except the
 * most recent one, which may grow or be freed in place. Enough for an
 * engine that stops allocating once it is warm. */
static alignas(max_align_t) unsigned char pool[2u << 20];
static size_t pool_top;
static unsigned long allocations;

static void *pool_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    const size_t align = alignof(max_align_t);
    unsigned char *p = ptr;
    bool last = p != NULL && p + ((osize + align - 1) & ~(align - 1)) == pool + pool_top;
    if (nsize == 0) {
        if (last)
            pool_top = (size_t)(p - pool);
        return NULL;
    }
    size_t need = (nsize + align - 1) & ~(align - 1);
    if (last && (size_t)(p - pool) + need <= sizeof pool) {
        pool_top = (size_t)(p - pool) + need;
        return p;
    }
    if (p != NULL && nsize <= osize)
        return p;
    if (pool_top + need > sizeof pool)
        return NULL;
    unsigned char *q = pool + pool_top;
    pool_top += need;
    allocations++;
    if (p != NULL)
        memcpy(q, p, osize < nsize ? osize : nsize);
    return q;
}

static bx_box carton(const char *id, int32_t l, int32_t w, int32_t h, int64_t max_g, int64_t tare_g)
{
    bx_box b;
    bx_box_init(&b);
    snprintf(b.box_id, sizeof b.box_id, "%s", id);
    b.inner_l_mm = l;
    b.inner_w_mm = w;
    b.inner_h_mm = h;
    b.max_weight_g = max_g;
    b.tare_g = tare_g;
    b.has |= BX_BOX_HAS_TARE;
    return b;
}

static bx_order_line item(const char *order, const char *sku, int32_t qty, int32_t l, int32_t w,
                          int32_t h, int64_t g, bx_rotation rot)
{
    bx_order_line x;
    bx_order_line_init(&x);
    snprintf(x.order_id, sizeof x.order_id, "%s", order);
    snprintf(x.item_id, sizeof x.item_id, "%s", sku);
    x.qty = qty;
    x.l_mm = l;
    x.w_mm = w;
    x.h_mm = h;
    x.weight_g = g;
    x.rotation = rot;
    x.has |= BX_LINE_HAS_ROTATION;
    return x;
}

int main(void)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, pool_alloc, NULL) != BX_OK)
        return 1;
    /* Three trade cartons (inner mm, gross limit g, tare g). */
    const bx_box boxes[] = {
        carton("8#", 204, 104, 128, 3075, 75),
        carton("5#", 284, 164, 178, 5154, 154),
        carton("3#", 424, 204, 258, 10283, 283),
    };
    bx_catalog *cat = NULL;
    bx_engine *engine = NULL;
    if (bx_catalog_new(ctx, &cat, boxes, 3) != BX_OK || bx_engine_new(ctx, &engine, NULL) != BX_OK) {
        printf("setup failed: %s\n", bx_ctx_errmsg(ctx));
        return 1;
    }
    const bx_order_line orders[][3] = {
        {item("A", "serum", 2, 40, 40, 120, 150, BX_ROTATE_UPRIGHT),
         item("A", "tee", 3, 280, 200, 25, 180, BX_ROTATE_ANY),
         item("A", "book", 1, 210, 148, 30, 420, BX_ROTATE_ANY)},
        {item("B", "earbuds", 1, 90, 90, 40, 120, BX_ROTATE_ANY),
         item("B", "cable", 2, 100, 80, 20, 60, BX_ROTATE_ANY),
         item("B", "mug", 1, 120, 90, 100, 350, BX_ROTATE_UPRIGHT)},
        {item("C", "kettle", 1, 235, 180, 255, 1450, BX_ROTATE_UPRIGHT),
         item("C", "towel", 2, 300, 200, 40, 400, BX_ROTATE_ANY),
         item("C", "tee", 2, 280, 200, 25, 180, BX_ROTATE_ANY)},
    };
    int status = 0;
    for (int round = 0; round < 2; round++) {
        for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
            unsigned long before = allocations;
            bx_order order = {orders[o], 3};
            const bx_pack_result *r = NULL;
            if (bx_pack(engine, cat, &order, NULL, &r) != BX_OK) {
                printf("order %s: %s\n", orders[o][0].order_id, bx_ctx_errmsg(ctx));
                return 1;
            }
            unsigned long grew = allocations - before;
            if (round == 1) {
                if (grew != 0) {
                    printf("order %s: %lu allocations after warm-up\n", orders[o][0].order_id, grew);
                    status = 1;
                }
                continue;
            }
            for (size_t b = 0; b < r->nboxes; b++) {
                const bx_packed_box *pb = &r->boxes[b];
                printf("order %s box %zu: %s, %zu units, fill %.1f %%, gross %lld g\n",
                       orders[o][0].order_id, b + 1, pb->box->box_id, pb->nplacements, pb->fill_pct,
                       (long long)pb->gross_weight_g);
                for (size_t k = 0; k < pb->nplacements; k++) {
                    const bx_placement *p = &r->placements[pb->first_placement + k];
                    printf("  %u. %-8s at (%d, %d, %d) size %d x %d x %d\n", p->load_seq,
                           orders[o][p->line].item_id, p->x_mm, p->y_mm, p->z_mm, p->l_mm, p->w_mm,
                           p->h_mm);
                }
            }
        }
    }
    printf("static pool: %zu of %zu bytes used, %lu allocations; none after warm-up: %s\n",
           pool_top, sizeof pool, allocations, status == 0 ? "yes" : "NO");
    bx_engine_free(engine);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    return status;
}
