/*
 * boxcar/catalog.h: a box catalog, loaded once and read-only afterwards.
 *
 * A catalog keeps its own copy of the allocator it was made with, so it does
 * not depend on the context after loading and may be shared read-only by any
 * number of threads and contexts. Box ids are unique within a catalog.
 */
#ifndef BOXCAR_CATALOG_H
#define BOXCAR_CATALOG_H

#include <stddef.h>

#include "boxcar/records.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bx_catalog bx_catalog;

/* Load every box of a catalog file (any format, see bx_reader_open_file).
 * Every bad row is reported through the diagnostic callback; if there was
 * any, no catalog is made and the first error's status is returned
 * (BX_EINPUT). An empty catalog is an input error. */
BX_API bx_status bx_catalog_load(bx_ctx *ctx, bx_catalog **out,
                                 const char *path, bx_format fmt);

/* Same from a reader the caller opened (kind BOX or AUTO); the reader is
 * left open and at its end. `name` is kept for messages. */
BX_API bx_status bx_catalog_read(bx_ctx *ctx, bx_catalog **out,
                                 bx_reader *reader);

/* Make a catalog from boxes built in code (copied, validated). */
BX_API bx_status bx_catalog_new(bx_ctx *ctx, bx_catalog **out,
                                const bx_box *boxes, size_t n);

BX_API size_t bx_catalog_count(const bx_catalog *cat);
/* Box i (borrowed, valid for the catalog's life); NULL if out of range. */
BX_API const bx_box *bx_catalog_box(const bx_catalog *cat, size_t i);
/* Box by id, NULL if none. */
BX_API const bx_box *bx_catalog_find(const bx_catalog *cat, const char *box_id);

/* NULL is a no-op. */
BX_API void bx_catalog_free(bx_catalog *cat);

#ifdef __cplusplus
}
#endif

#endif
