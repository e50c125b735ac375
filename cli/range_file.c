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
