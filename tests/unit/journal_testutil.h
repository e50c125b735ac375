/*
 * journal_testutil.h: helpers for the journal tests: a scratch directory,
 * records whose content follows from their number, and a replay collector.
 */
#ifndef BOXCAR_JOURNAL_TESTUTIL_H
#define BOXCAR_JOURNAL_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boxcar.h"

/* A fresh directory under the current one; remove it with jt_rmdir. */
void jt_mkdir(char *path, size_t size);
void jt_rmdir(const char *path);

/* The record for sequence number n: the CBOR map {"n": n, "pad": "xx.."}
 * with n % 61 pad bytes, so records differ in length. Returns its size. */
size_t jt_record(uint64_t n, unsigned char *buf, size_t size);

/* Every item a replay delivered. */
typedef struct jt_item {
    bx_journal_item_kind kind;
    uint64_t seq;
    uint64_t offset;
    size_t len;
    unsigned char data[128];
} jt_item;

typedef struct jt_replay {
    jt_item *items;
    size_t n, cap;
    size_t fail_at; /* return BX_EINPUT on this item (1-based); 0 never */
} jt_replay;

bx_status jt_collect(void *ud, const bx_journal_item *item);
void jt_replay_free(jt_replay *r);
/* Are items [from, from + count) records numbered first.. with the right
 * content? */
bool jt_records_ok(const jt_replay *r, size_t from, size_t count, uint64_t first);

/* File helpers. */
uint64_t jt_file_size(const char *path);
void jt_flip_bit(const char *path, uint64_t offset, int bit);
void jt_truncate(const char *path, uint64_t size);
void jt_append_bytes(const char *path, const void *data, size_t n);
bool jt_exists(const char *path);

/* Offsets of the frames of records 1..n in a journal with base 1 (frames
 * follow the 40-byte header back to back). */
uint64_t jt_frame_offset(uint64_t seq);

#endif
