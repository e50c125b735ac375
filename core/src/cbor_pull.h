/*
 * cbor_pull.h: a pull decoder for CBOR held whole in memory, and a check
 * that a buffer is exactly one well-formed item. Private; not installed.
 *
 * Built on libcbor's streaming decoder, which never allocates: records read
 * back from a journal are untrusted bytes, and every allocation must go
 * through the caller's context.
 */
#ifndef BOXCAR_CBOR_PULL_H
#define BOXCAR_CBOR_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bx_cbor_type {
    BX_CBOR_UINT,
    BX_CBOR_NEGINT, /* value is -1 - u */
    BX_CBOR_BYTES,
    BX_CBOR_TEXT,
    BX_CBOR_BYTES_INDEF,
    BX_CBOR_TEXT_INDEF,
    BX_CBOR_ARRAY,
    BX_CBOR_ARRAY_INDEF,
    BX_CBOR_MAP,
    BX_CBOR_MAP_INDEF,
    BX_CBOR_TAG,
    BX_CBOR_FLOAT,
    BX_CBOR_BOOL,
    BX_CBOR_NULL,
    BX_CBOR_UNDEF,
    BX_CBOR_SIMPLE, /* an unassigned simple value (the record reader's own) */
    BX_CBOR_BREAK
} bx_cbor_type;

typedef struct bx_cbor_ev {
    bx_cbor_type type;
    uint64_t u;               /* integer argument, count, tag */
    double d;
    bool b;
    const unsigned char *str; /* BYTES, TEXT: into the buffer */
    size_t len;
    uint64_t offset;          /* of the item's head in the buffer (in the
                                 stream, for the record reader) */
    uint64_t str_off;         /* the record reader: the string's bytes in
                                 the stream (its window moves) */
} bx_cbor_ev;

typedef struct bx_cbor_pull {
    const unsigned char *data;
    size_t len, pos;
} bx_cbor_pull;

typedef enum bx_cbor_decoded {
    BX_CBOR_DECODED, /* *ev is the item, *used bytes long */
    BX_CBOR_NEED,    /* the head goes on past avail: at least *need bytes */
    BX_CBOR_BAD      /* no CBOR head libcbor decodes */
} bx_cbor_decoded;

/* Decode the item head at p[0..avail), avail >= 1, with libcbor's
 * streaming decoder (strings with their bytes). The one place boxcar
 * turns libcbor's callbacks into events: the pull decoder below and the
 * record reader (which reads a file through a window) share it. */
bx_cbor_decoded bxi_cbor_decode_head(const unsigned char *p, size_t avail, bx_cbor_ev *ev,
                                    size_t *used, size_t *need);

void bxi_cbor_pull_init(bx_cbor_pull *p, const void *data, size_t len);

/* Decode the next item head (strings with their bytes). Returns false at
 * the end of the data or on bytes that are no CBOR head (*why says which:
 * "truncated" or "malformed"). */
bool bxi_cbor_pull_next(bx_cbor_pull *p, bx_cbor_ev *ev, const char **why);

/* Is data[0..len) exactly one well-formed CBOR data item, nested at most
 * max_depth deep? On false, *why names the problem and *at its offset. */
bool bxi_cbor_check_item(const void *data, size_t len, size_t max_depth,
                        const char **why, size_t *at);

#endif
