/*
 * journal_testutil.c: see journal_testutil.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cbor.h>

#include "journal_testutil.h"

void jt_mkdir(char *path, size_t size)
{
    snprintf(path, size, "jtest.XXXXXX");
    if (mkdtemp(path) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
}

void jt_rmdir(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(path);
}

size_t jt_record(uint64_t n, unsigned char *buf, size_t size)
{
    size_t k = 0;
    k += cbor_encode_map_start(2, buf + k, size - k);
    k += cbor_encode_string_start(1, buf + k, size - k);
    buf[k++] = 'n';
    k += cbor_encode_uint(n, buf + k, size - k);
    k += cbor_encode_string_start(3, buf + k, size - k);
    memcpy(buf + k, "pad", 3);
    k += 3;
    size_t pad = (size_t)(n % 61);
    k += cbor_encode_string_start(pad, buf + k, size - k);
    memset(buf + k, 'a' + (int)(n % 26), pad);
    return k + pad;
}

uint64_t jt_frame_offset(uint64_t seq)
{
    uint64_t off = 40;
    unsigned char buf[128];
    for (uint64_t s = 1; s < seq; s++)
        off += 24 + jt_record(s, buf, sizeof buf);
    return off;
}

bx_status jt_collect(void *ud, const bx_journal_item *item)
{
    jt_replay *r = ud;
    if (r->fail_at != 0 && r->n + 1 == r->fail_at)
        return BX_EINPUT;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->items = realloc(r->items, r->cap * sizeof *r->items);
    }
    jt_item *it = &r->items[r->n++];
    it->kind = item->kind;
    it->seq = item->seq;
    it->offset = item->offset;
    it->len = item->len < sizeof it->data ? item->len : sizeof it->data;
    memcpy(it->data, item->data, it->len);
    return BX_OK;
}

void jt_replay_free(jt_replay *r)
{
    free(r->items);
    memset(r, 0, sizeof *r);
}

bool jt_records_ok(const jt_replay *r, size_t from, size_t count, uint64_t first)
{
    if (from + count > r->n)
        return false;
    unsigned char buf[128];
    for (size_t i = 0; i < count; i++) {
        const jt_item *it = &r->items[from + i];
        size_t n = jt_record(first + i, buf, sizeof buf);
        if (it->kind != BX_JOURNAL_RECORD || it->seq != first + i || it->len != n ||
            memcmp(it->data, buf, n) != 0)
            return false;
    }
    return true;
}

uint64_t jt_file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

void jt_flip_bit(const char *path, uint64_t offset, int bit)
{
    int fd = open(path, O_RDWR);
    unsigned char b;
    if (fd < 0 || pread(fd, &b, 1, (off_t)offset) != 1) {
        perror(path);
        exit(1);
    }
    b ^= (unsigned char)(1u << bit);
    if (pwrite(fd, &b, 1, (off_t)offset) != 1)
        exit(1);
    close(fd);
}

void jt_truncate(const char *path, uint64_t size)
{
    if (truncate(path, (off_t)size) != 0) {
        perror(path);
        exit(1);
    }
}

void jt_append_bytes(const char *path, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_APPEND);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n) {
        perror(path);
        exit(1);
    }
    close(fd);
}

bool jt_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}
