/*
 * testutil.c: helpers shared by the cmocka tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

void *test_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    test_alloc *ta = ud;
    if (nsize == 0) {
        if (ptr != NULL) {
            ta->live_bytes -= osize;
            ta->live_blocks--;
        }
        free(ptr);
        return NULL;
    }
    if (ptr == NULL || nsize > osize) {
        ta->calls++;
        if (ta->fail_at != 0 && ta->calls == ta->fail_at) {
            ta->failures++;
            return NULL;
        }
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL)
        return NULL;
    if (ptr == NULL) {
        ta->live_blocks++;
        ta->live_bytes += nsize;
    } else {
        ta->live_bytes = ta->live_bytes - osize + nsize;
    }
    if (ta->live_bytes > ta->peak_bytes)
        ta->peak_bytes = ta->live_bytes;
    return p;
}

bx_ctx *test_ctx_new(test_alloc *ta, uint64_t fail_at)
{
    memset(ta, 0, sizeof *ta);
    bx_ctx *ctx = NULL;
    if (bx_ctx_new(&ctx, test_alloc_fn, ta) != BX_OK)
        return NULL;
    ta->fail_at = fail_at == 0 ? 0 : fail_at + ta->calls;
    return ctx;
}

void test_diag_fn(void *ud, const bx_diag *d)
{
    test_diags *t = ud;
    if (d->severity == BX_SEV_ERROR)
        t->nerrors++;
    else
        t->nwarnings++;
    snprintf(t->last, sizeof t->last, "%s", d->message);
    size_t n = strlen(t->all);
    if (n + 2 < sizeof t->all)
        snprintf(t->all + n, sizeof t->all - n, "%s\n", d->message);
}

int test_buf_write(void *ud, const void *data, size_t size)
{
    test_buf *b = ud;
    if (b->fail_after >= 0 && b->len + size > (size_t)b->fail_after)
        return -1;
    if (b->len + size + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + size + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, size);
    b->len += size;
    b->data[b->len] = '\0';
    return 0;
}

void test_buf_free(test_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(fp);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

int test_fixture_setup(void **state)
{
    test_fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    f->ctx = test_ctx_new(&f->ta, 0);
    if (f->ctx == NULL) {
        free(f);
        return -1;
    }
    bx_ctx_set_diag(f->ctx, test_diag_fn, &f->diags);
    *state = f;
    return 0;
}

int test_fixture_teardown(void **state)
{
    test_fixture *f = *state;
    bx_ctx_free(f->ctx);
    assert_int_equal(f->ta.live_blocks, 0);
    free(f);
    return 0;
}

int test_scratch_enter(char *dir, size_t size, const char *prefix)
{
    int n = snprintf(dir, size, "%s.XXXXXX", prefix);
    if (n < 0 || (size_t)n >= size || mkdtemp(dir) == NULL || chdir(dir) != 0)
        return -1;
    return 0;
}

int test_scratch_leave(const char *dir)
{
    if (chdir("..") != 0)
        return -1;
    char cmd[5000];
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= (int)sizeof cmd)
        return -1;
    return system(cmd) == 0 ? 0 : -1;
}
