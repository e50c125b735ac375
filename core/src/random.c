/*
 * random.c: bytes from the system's random source, for secrets (operator
 * tokens). No fallback: a secret made from the clock is no secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"

bool bxi_random_bytes(void *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    unsigned char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t k = read(fd, p + got, len - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    return got == len;
}
