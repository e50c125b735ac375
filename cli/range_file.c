/*
 * range_file.c: a FILE* over the header line and one byte range of a
 * record file (fopencookie), so that a partition of a large file is read
 * where it lies: no copy of it, no pipe to feed. The shipment reader sees
 * an ordinary file whose line 1 is the header and line 2 the range's
 * first record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "range_file.h"

typedef struct range {
    int fd;
    char *header;
    size_t header_len, header_pos;
    uint64_t pos, end;
} range;

static ssize_t range_read(void *cookie, char *buf, size_t size)
{
    range *r = cookie;
    if (r->header_pos < r->header_len) {
        size_t n = r->header_len - r->header_pos;
        n = n < size ? n : size;
        memcpy(buf, r->header + r->header_pos, n);
        r->header_pos += n;
        return (ssize_t)n;
    }
    uint64_t left = r->end - r->pos;
    if (left == 0)
        return 0;
    ssize_t n = pread(r->fd, buf, left < size ? (size_t)left : size, (off_t)r->pos);
    if (n > 0)
        r->pos += (uint64_t)n;
    return n;
}

static int range_close(void *cookie)
{
    range *r = cookie;
    free(r->header);
    free(r);
    return 0;
}

/* Whether byte `at` - 1 of fd is a newline. */
static int after_newline(int fd, uint64_t at)
{
    char c;
    return pread(fd, &c, 1, (off_t)(at - 1)) == 1 && c == '\n';
}

FILE *cli_range_open(FILE *fp, uint64_t start, uint64_t end, const char **why)
{
    int fd = fileno(fp);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        *why = "--range reads a regular file";
        return NULL;
    }
    range *r = calloc(1, sizeof *r);
    if (r == NULL) {
        *why = "out of memory";
        return NULL;
    }
    size_t cap = 0;
    ssize_t n = getline(&r->header, &cap, fp);
    if (n <= 0) {
        free(r->header);
        free(r);
        *why = "the file has no header line";
        return NULL;
    }
    /* JSON Lines or CBOR have no header line to repeat: CSV only */
    unsigned char c0 = (unsigned char)r->header[(size_t)n > 3 &&
                                                memcmp(r->header, "\xEF\xBB\xBF", 3) == 0
                                            ? 3
                                            : 0];
    if (c0 == '{' || c0 == '[' || c0 < 0x20 || (c0 >= 0x7f && c0 < 0xC2) || c0 == 0xD9) {
        free(r->header);
        free(r);
        *why = "--range reads a CSV file with a header line";
        return NULL;
    }
    r->fd = fd;
    r->header_len = (size_t)n;
    r->pos = start;
    r->end = end;
    if (start > end || end > (uint64_t)sb.st_size || start < r->header_len) {
        *why = "the range must lie after the header line and within the file";
    } else if (!after_newline(fd, start) || (end < (uint64_t)sb.st_size && end > start &&
                                             !after_newline(fd, end))) {
        *why = "the range must start and end at the start of a line";
    } else {
        cookie_io_functions_t io = {range_read, NULL, NULL, range_close};
        FILE *out = fopencookie(r, "rb", io);
        if (out != NULL)
            return out;
        *why = "out of memory";
    }
    free(r->header);
    free(r);
    return NULL;
}

bool cli_range_not_csv(const char *path)
{
    static const char *const ext[] = {".json", ".jsonl", ".ndjson", ".cbor", ".cbors"};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot != NULL && i < sizeof ext / sizeof ext[0]; i++)
        if (strcasecmp(dot, ext[i]) == 0)
            return true;
    return false;
}

bool cli_range_parse(const char *s, uint64_t *start, uint64_t *end)
{
    const char *dash = strchr(s, '-');
    char first[32];
    size_t len = dash != NULL ? (size_t)(dash - s) : 0;
    if (len == 0 || len >= sizeof first)
        return false;
    memcpy(first, s, len);
    first[len] = '\0';
    return cli_parse_u64(first, 0, UINT64_MAX, start) &&
           cli_parse_u64(dash + 1, 0, UINT64_MAX, end) && *start <= *end;
}

/* Field col (0-based) of the line in buf[0..len) (no newline) into out;
 * false if the line has fewer fields or the field does not fit. Fields
 * are split at commas: the key columns hold plain ids. */
static bool field_of(const char *buf, size_t len, size_t col, char *out, size_t size)
{
    size_t i = 0;
    for (size_t c = 0; c < col; c++) {
        const char *comma = memchr(buf + i, ',', len - i);
        if (comma == NULL)
            return false;
        i = (size_t)(comma - buf) + 1;
    }
    const char *comma = memchr(buf + i, ',', len - i);
    size_t end = comma != NULL ? (size_t)(comma - buf) : len;
    if (end > i && buf[end - 1] == '\r')
        end--;
    if (end - i >= size)
        return false;
    memcpy(out, buf + i, end - i);
    out[end - i] = '\0';
    return true;
}

enum { LINE_MAX_CHECKED = 4096 };

/* Whether the lines on both sides of byte `at` (the start of a line) hold
 * the same value in column col, that value in key. Lines longer than
 * LINE_MAX_CHECKED are not checked. */
static bool same_key_at(int fd, uint64_t at, size_t col, char *key, size_t size)
{
    char before[LINE_MAX_CHECKED], after[LINE_MAX_CHECKED], other[256];
    size_t want = at < sizeof before ? (size_t)at : sizeof before;
    ssize_t nb = pread(fd, before, want, (off_t)(at - want));
    ssize_t na = pread(fd, after, sizeof after, (off_t)at);
    if (nb < 1 || na < 1 || before[nb - 1] != '\n')
        return false;
    size_t end = (size_t)nb - 1, begin = end;
    while (begin > 0 && before[begin - 1] != '\n')
        begin--;
    const char *nl = memchr(after, '\n', (size_t)na);
    size_t alen = nl != NULL ? (size_t)(nl - after) : (size_t)na;
    if ((begin == 0 && want < at) || (nl == NULL && (size_t)na == sizeof after))
        return false;
    return field_of(before + begin, end - begin, col, key, size) &&
           field_of(after, alen, col, other, sizeof other) && strcmp(key, other) == 0;
}

bool cli_range_splits_key(FILE *fp, uint64_t start, uint64_t end, const char *column,
                          char *key, size_t size)
{
    int fd = fileno(fp);
    char head[LINE_MAX_CHECKED];
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0)
        return false;
    ssize_t n = pread(fd, head, sizeof head, 0);
    const char *nl = n > 0 ? memchr(head, '\n', (size_t)n) : NULL;
    if (nl == NULL)
        return false;
    size_t len = (size_t)(nl - head), i = 0;
    if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    /* the column's index in the header */
    size_t col = 0, clen = strlen(column);
    for (;;) {
        const char *comma = memchr(head + i, ',', len - i);
        size_t e = comma != NULL ? (size_t)(comma - head) : len;
        size_t fe = e > i && head[e - 1] == '\r' ? e - 1 : e;
        if (fe - i == clen && memcmp(head + i, column, clen) == 0)
            break;
        if (comma == NULL)
            return false; /* no such column: the reader says what is wrong */
        i = e + 1;
        col++;
    }
    uint64_t header_end = (uint64_t)len + 1;
    if (start > header_end && start < (uint64_t)sb.st_size &&
        same_key_at(fd, start, col, key, size))
        return true;
    return end > start && end < (uint64_t)sb.st_size && same_key_at(fd, end, col, key, size);
}
