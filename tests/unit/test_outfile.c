/*
 * test_outfile.c: outputs appear whole or not at all, and special files
 * are written in place.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static void slurp(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return;
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
}

static void test_commit_and_abort(void **state)
{
    (void)state;
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    const char *path = "outfile-test.txt";
    remove(path);
    bx_outfile *f;
    assert_int_equal(bx_outfile_open(ctx, &f, path), BX_OK);
    assert_int_equal(bx_outfile_write(f, "first\n", 6), 0);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0); /* nothing visible before commit */
    assert_int_equal(bx_outfile_commit(f), BX_OK);
    char buf[64];
    slurp(path, buf, sizeof buf);
    assert_string_equal(buf, "first\n");
    /* an aborted rewrite leaves the old content */
    assert_int_equal(bx_outfile_open(ctx, &f, path), BX_OK);
    assert_int_equal(bx_outfile_write(f, "second\n", 7), 0);
    bx_outfile_abort(f);
    slurp(path, buf, sizeof buf);
    assert_string_equal(buf, "first\n");
    remove(path);
    bx_outfile_abort(NULL);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

/* Renaming over /dev/null would turn the device into a plain file (as
 * root); it must stay a character device. */
static void test_special_file_written_in_place(void **state)
{
    (void)state;
    bx_ctx *ctx;
    bx_ctx_new(&ctx, NULL, NULL);
    bx_outfile *f;
    assert_int_equal(bx_outfile_open(ctx, &f, "/dev/null"), BX_OK);
    assert_int_equal(bx_outfile_write(f, "x", 1), 0);
    assert_int_equal(bx_outfile_commit(f), BX_OK);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(bx_outfile_open(ctx, &f, "/nonexistent-dir/x.csv"), BX_EIO);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "/nonexistent-dir/x.csv"));
    bx_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_and_abort),
        cmocka_unit_test(test_special_file_written_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
