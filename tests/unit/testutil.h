/*
 * testutil.h: helpers shared by the cmocka tests.
 */
#ifndef BOXCAR_TESTUTIL_H
#define BOXCAR_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boxcar.h"

/* A counting allocator that can be told to fail: the Nth allocation or
 * growth (1-based) fails when fail_at == N; 0 never fails. It tracks live
 * bytes and blocks so tests can assert nothing leaked. */
typedef struct test_alloc {
    uint64_t calls;      /* allocations and growths attempted */
    uint64_t fail_at;    /* fail this call; 0 = never */
    uint64_t failures;   /* failures injected */
    size_t live_bytes;
    size_t live_blocks;
    size_t peak_bytes;
} test_alloc;

void *test_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize);

/* A context on a fresh test_alloc (ud), failing at fail_at. */
bx_ctx *test_ctx_new(test_alloc *ta, uint64_t fail_at);

/* Collects diagnostics for inspection. */
typedef struct test_diags {
    int nerrors, nwarnings;
    char last[512];
    char all[8192]; /* every message, one per line */
} test_diags;
void test_diag_fn(void *ud, const bx_diag *d);

/* Growable in-memory output for writers (bx_write_fn). */
typedef struct test_buf {
    char *data;
    size_t len, cap;
    int fail_after; /* fail the write that would pass this many bytes; <0 never */
} test_buf;
int test_buf_write(void *ud, const void *data, size_t size);
/* A whole file, NUL-terminated, in a malloc'd buffer the caller frees;
 * NULL if it cannot be opened. len (may be NULL) gets its size. */
char *test_read_file(const char *path, size_t *len);
void test_buf_free(test_buf *b);

/* The common fixture of a test group: a context on a counting allocator
 * with its diagnostics collected. teardown frees the context and fails the
 * test if a block leaked. For cmocka_unit_test_setup_teardown. */
typedef struct test_fixture {
    test_alloc ta;
    test_diags diags;
    bx_ctx *ctx;
} test_fixture;
int test_fixture_setup(void **state);
int test_fixture_teardown(void **state);

/* A scratch directory PREFIX.XXXXXX made and entered (its name into dir,
 * of size bytes), for a test group's setup; and left and removed with all
 * it holds, for its teardown. 0 on success, -1 otherwise. */
int test_scratch_enter(char *dir, size_t size, const char *prefix);
int test_scratch_leave(const char *dir);

#endif
