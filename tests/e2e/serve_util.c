/*
 * serve_util.c: a `boxcar serve` process and a raw HTTP client for tests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve_util.h"
#include "testutil.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the server process ------------------------------------------------- */

void server_start(test_server *ts, const char *name, const char *const *args,
                  const char *const *env)
{
    memset(ts, 0, sizeof *ts);
    snprintf(ts->log, sizeof ts->log, "%s.serve.log", name);
    const char *argv[64];
    size_t n = 0;
    argv[n++] = BOXCAR_BIN;
    argv[n++] = "serve";
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--threads";
    argv[n++] = "2";
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int out[2];
    assert_int_equal(pipe(out), 0);
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        int err = open(ts->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (err >= 0)
            dup2(err, STDERR_FILENO);
        close(out[0]);
        close(out[1]);
        unsetenv("BOXCAR_TOKEN");
        for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
            char kv[512];
            snprintf(kv, sizeof kv, "%s", env[i]);
            char *eq = strchr(kv, '=');
            if (eq != NULL) {
                *eq = '\0';
                setenv(kv, eq + 1, 1);
            }
        }
        execv(BOXCAR_BIN, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    ts->pid = pid;
    /* "listening on http://127.0.0.1:PORT/\n" */
    char line[256];
    size_t len = 0;
    long long deadline = now_ms() + 20000;
    while (len + 1 < sizeof line && now_ms() < deadline) {
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        ssize_t k = read(out[0], line + len, 1);
        if (k <= 0)
            break;
        if (line[len++] == '\n')
            break;
    }
    line[len] = '\0';
    close(out[0]);
    const char *colon = strrchr(line, ':');
    if (strncmp(line, "listening on ", 13) != 0 || colon == NULL) {
        size_t loglen = 0;
        char *log = read_file(ts->log, &loglen);
        fail_msg("boxcar serve did not start: '%s'; log: %s", line, log);
    }
    ts->port = atoi(colon + 1);
    assert_true(ts->port > 0);
}

int server_stop(test_server *ts, int sig)
{
    kill(ts->pid, sig);
    long long deadline = now_ms() + 20000;
    int status = 0;
    for (;;) {
        pid_t got = waitpid(ts->pid, &status, WNOHANG);
        if (got == ts->pid)
            break;
        if (now_ms() > deadline) {
            kill(ts->pid, SIGKILL);
            waitpid(ts->pid, &status, 0);
            fail_msg("boxcar serve did not stop within 20 s of signal %d", sig);
        }
        sleep_ms(10);
    }
    ts->pid = 0;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

bool server_alive(test_server *ts)
{
    int status;
    return ts->pid > 0 && waitpid(ts->pid, &status, WNOHANG) == 0;
}

/* ---- HTTP ---------------------------------------------------------------- */

int http_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

bool http_send(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t k = send(fd, p, len, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        len -= (size_t)k;
    }
    return true;
}

static const char *find_head_end(const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i + 3 < len; i++)
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
            return (const char *)buf + i;
    return NULL;
}

void http_read(int fd, http_resp *r, int timeout_ms)
{
    memset(r, 0, sizeof *r);
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap + 1);
    assert_non_null(buf);
    long long deadline = now_ms() + timeout_ms;
    long long want = -1; /* total bytes once the head is known */
    for (;;) {
        if (want >= 0 && (long long)len >= want)
            break;
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) <= 0)
            continue;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        ssize_t k = recv(fd, buf + len, cap - len, 0);
        if (k <= 0) {
            r->closed = true;
            break;
        }
        len += (size_t)k;
        const char *end = find_head_end(buf, len);
        if (want < 0 && end != NULL) {
            size_t head_len = (size_t)(end - (const char *)buf) + 4;
            char *cl = NULL;
            for (char *q = (char *)buf; q < end; q++)
                if (strncasecmp(q, "\r\ncontent-length:", 17) == 0) {
                    cl = q + 17;
                    break;
                }
            if (cl != NULL)
                want = (long long)head_len + atoll(cl);
        }
    }
    buf[len] = '\0';
    const char *end = find_head_end(buf, len);
    size_t head_len = end != NULL ? (size_t)(end - (const char *)buf) + 4 : len;
    r->head = malloc(head_len + 1);
    assert_non_null(r->head);
    memcpy(r->head, buf, head_len);
    r->head[head_len] = '\0';
    r->body_len = len - head_len;
    r->body = malloc(r->body_len + 1);
    assert_non_null(r->body);
    memcpy(r->body, buf + head_len, r->body_len);
    r->body[r->body_len] = '\0';
    if (strncmp(r->head, "HTTP/1.", 7) == 0 && strlen(r->head) > 12)
        r->status = atoi(r->head + 9);
    free(buf);
}

void http_do(int port, const char *method, const char *path,
             const char *headers, const void *body, size_t len,
             http_resp *r)
{
    int fd = http_connect(port);
    if (fd < 0)
        fail_msg("cannot connect to port %d", port);
    size_t cap = 4096 + (headers ? strlen(headers) : 0) + strlen(path) + len;
    char *req = malloc(cap);
    assert_non_null(req);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s",
                     method, path, headers ? headers : "");
    if (body != NULL)
        n += snprintf(req + n, cap - (size_t)n, "Content-Length: %zu\r\n", len);
    n += snprintf(req + n, cap - (size_t)n, "\r\n");
    if (body != NULL) {
        memcpy(req + n, body, len);
        n += (int)len;
    }
    http_send(fd, req, (size_t)n);
    free(req);
    http_read(fd, r, 20000);
    close(fd);
}

bool http_header(const http_resp *r, const char *name, char *buf, size_t size)
{
    size_t n = strlen(name);
    for (const char *p = r->head; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            p += n + 1;
            while (*p == ' ')
                p++;
            size_t k = strcspn(p, "\r\n");
            snprintf(buf, size, "%.*s", (int)k, p);
            return true;
        }
    }
    return false;
}

void http_free(http_resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

char *read_file(const char *path, size_t *len)
{
    char *s = test_read_file(path, len);
    if (s == NULL)
        fail_msg("cannot read %s", path);
    return s;
}

void write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
        fail_msg("cannot write %s", path);
}

bool healthy(int port)
{
    http_resp r;
    http_do(port, "GET", "/healthz", NULL, NULL, 0, &r);
    bool ok = r.status == 200 && strstr((char *)r.body, "\"status\":\"ok\"") != NULL;
    http_free(&r);
    return ok;
}

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int serve_sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

bool wait_generation(int port, int generation)
{
    char want[64];
    snprintf(want, sizeof want, "\"catalog_generation\":%d", generation);
    for (int i = 0; i < 400; i++) {
        http_resp r;
        http_do(port, "GET", "/healthz", NULL, NULL, 0, &r);
        bool done = strstr((char *)r.body, want) != NULL;
        http_free(&r);
        if (done)
            return true;
        sleep_ms(25);
    }
    return false;
}

bool wait_metric(int port, const char *line)
{
    for (int i = 0; i < 400; i++) {
        http_resp r;
        http_do(port, "GET", "/metrics", NULL, NULL, 0, &r);
        bool done = strstr((char *)r.body, line) != NULL;
        http_free(&r);
        if (done)
            return true;
        sleep_ms(25);
    }
    return false;
}
