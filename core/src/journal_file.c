/*
 * journal_file.c: the few system calls the journal needs beyond stdio:
 * positioned writes, directory sync, the writer's lock.
 */
/* flock(2) is BSD, not POSIX; glibc and musl declare it with this. It is
 * preferred to fcntl locks because it belongs to the open file, not the
 * process: two handles in one process exclude each other, and closing an
 * unrelated descriptor of the same file does not drop the lock. */
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal_internal.h"

bool bxi_journal_pwrite_all(int fd, const void *data, size_t n, uint64_t off)
{
    const unsigned char *p = data;
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return false;
        }
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return true;
}

/* splitmix64 (Steele, Lea and Flood 2014): spreads a weak seed. */
static uint64_t mix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t bxi_journal_new_id(void)
{
    uint64_t id = 0;
    if (!bxi_random_bytes(&id, sizeof id))
        id = 0;
    if (id == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        id = mix64((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
             mix64((uint64_t)getpid());
    }
    return id == 0 ? 1 : id;
}

bool bxi_journal_lock(int fd, int32_t timeout_ms)
{
    if (timeout_ms < 0) {
        while (flock(fd, LOCK_EX) != 0)
            if (errno != EINTR)
                return false;
        return true;
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return true;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return false;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t waited_ms = (int64_t)(now.tv_sec - start.tv_sec) * 1000 +
                            (now.tv_nsec - start.tv_nsec) / 1000000;
        if (waited_ms >= timeout_ms) {
            errno = EWOULDBLOCK;
            return false;
        }
        struct timespec pause = {0, 5 * 1000000};
        nanosleep(&pause, NULL);
    }
}

bool bxi_journal_lock_held_elsewhere(int fd)
{
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
        flock(fd, LOCK_UN);
        return false;
    }
    return errno == EWOULDBLOCK;
}

char *bxi_journal_path_with(bx_ctx *ctx, const char *path, const char *suffix)
{
    size_t a = strlen(path), b = strlen(suffix);
    char *s = bx_alloc(ctx, a + b + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, path, a);
    memcpy(s + a, suffix, b + 1);
    return s;
}
