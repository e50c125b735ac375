/* Uses the installed headers and library: make a catalog, look a box up. */
#include <stdio.h>
#include <string.h>

#include <boxcar.h>

int main(void)
{
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, NULL, NULL) != BX_OK)
        return 1;
    bx_box box;
    bx_box_init(&box);
    strcpy(box.box_id, "5#");
    box.inner_l_mm = 284;
    box.inner_w_mm = 164;
    box.inner_h_mm = 184;
    box.max_weight_g = 8000;
    bx_catalog *cat = NULL;
    bx_status st = bx_catalog_new(ctx, &cat, &box, 1);
    int ok = st == BX_OK && bx_catalog_find(cat, "5#") != NULL &&
             strcmp(bx_version(), BX_VERSION_STRING) == 0;
    printf("boxcar %s: %s\n", bx_version(), ok ? "ok" : bx_ctx_errmsg(ctx));
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
    return ok ? 0 : 1;
}
