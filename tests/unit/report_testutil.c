/*
 * report_testutil.c: reading reports back in tests (see report_testutil.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_testutil.h"
#include "testutil.h"

/* A member of a zip file, through unzip(1). */
void rt_expect_golden(const char *file, const char *gold)
{
    size_t n1, n2;
    char *got = test_read_file(file, &n1);
    if (got == NULL)
        fail_msg("%s was not written", file);
    if (getenv("BOXCAR_UPDATE_GOLDEN") != NULL) {
        FILE *fp = fopen(gold, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(got, 1, n1, fp), n1);
        assert_int_equal(fclose(fp), 0);
    }
    char *want = test_read_file(gold, &n2);
    if (want == NULL)
        fail_msg("%s is missing: BOXCAR_UPDATE_GOLDEN=1 makes it", gold);
    if (n1 != n2 || memcmp(got, want, n1) != 0)
        fail_msg("%s differs from %s (%zu and %zu bytes)", file, gold, n1, n2);
    free(got);
    free(want);
}

char *rt_unzip_member(const char *zip, const char *member)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", zip, member);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    int rc = pclose(p);
    if (rc != 0 || n == 0)
        fail_msg("unzip -p %s %s failed (is unzip installed? ./bootstrap --deps-only)", zip,
                 member);
    return buf;
}

/* The value of cell `ref` in a worksheet's XML: the <v> of a number or
 * formula, or the <t> of an inline string. "" if absent. */
const char *rt_cell(const char *xml, const char *ref)
{
    static char out[512];
    char key[32];
    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    const char *c = strstr(xml, key);
    out[0] = '\0';
    if (c == NULL)
        return out;
    const char *end = strstr(c, "</c>");
    const char *v = strstr(c, "<v>");
    const char *t = strstr(c, "<t");
    const char *from = NULL, *stop = NULL;
    if (v != NULL && (end == NULL || v < end)) {
        from = v + 3;
        stop = strstr(from, "</v>");
    } else if (t != NULL && (end == NULL || t < end)) {
        from = strchr(t, '>') + 1;
        stop = strstr(from, "</t>");
    }
    if (from != NULL && stop != NULL && (size_t)(stop - from) < sizeof out) {
        memcpy(out, from, (size_t)(stop - from));
        out[stop - from] = '\0';
    }
    return out;
}

/* Nothing named prefix* in the current directory (no temporary left). */
void rt_nothing_like(const char *prefix)
{
    DIR *d = opendir(".");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
}

