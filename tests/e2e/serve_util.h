/*
 * serve_util.h: what the `boxcar serve` tests share: a server process on a
 * free loopback port, and a small HTTP/1.1 client over plain sockets (so a
 * test can also send what no proper client would).
 *
 * Every wait is bounded: reads and connects time out, and a server that
 * will not stop is killed.
 */
#ifndef BOXCAR_SERVE_UTIL_H
#define BOXCAR_SERVE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct test_server {
    pid_t pid;
    int port;
    char log[256]; /* its standard error */
} test_server;

/* Start `boxcar serve --listen 127.0.0.1:0 --threads 2 ARGS...` (args is
 * NULL-ended, may be NULL) with extra environment entries "K=V" (NULL-ended,
 * may be NULL), and wait (at most 20 s) for it to say where it listens.
 * Fails the test if it does not. `name` makes the log file name. */
void server_start(test_server *ts, const char *name, const char *const *args,
                  const char *const *env);
/* Send sig and wait (at most 20 s, then SIGKILL and fail) for the exit;
 * returns the exit code (or 128 + signal). */
int server_stop(test_server *ts, int sig);
/* Is the process still running? */
bool server_alive(test_server *ts);

typedef struct http_resp {
    int status;          /* 0 when no status line came back */
    char *head;          /* status line and headers, NUL-ended */
    unsigned char *body; /* NUL-ended for convenience */
    size_t body_len;
    bool closed;         /* the server closed the connection */
} http_resp;

/* Connect to 127.0.0.1:port (-1 on failure). */
int http_connect(int port);
/* Send all of data; false if the connection broke. */
bool http_send(int fd, const void *data, size_t len);
/* Read a response (up to EOF, or Content-Length bytes of body) within
 * timeout_ms. */
void http_read(int fd, http_resp *r, int timeout_ms);
/* One request on its own connection ("Connection: close"): method, path,
 * extra header lines (each ending in \r\n; may be NULL), body (may be
 * NULL). Content-Length is added when body is not NULL. */
void http_do(int port, const char *method, const char *path,
             const char *headers, const void *body, size_t len,
             http_resp *r);
/* A header's value (case-insensitive name) copied into buf; false if
 * absent. */
bool http_header(const http_resp *r, const char *name, char *buf, size_t size);
void http_free(http_resp *r);

/* The whole file, malloc'd and NUL-ended; fails the test if unreadable. */
char *read_file(const char *path, size_t *len);
/* Write a file; fails the test on error. */
void write_file(const char *path, const void *data, size_t len);

/* Sleep for ms milliseconds. */
void sleep_ms(long ms);

/* GET /healthz answers 200. */
bool healthy(int port);

/* Run a shell command (fails the test if it does not exit); its exit
 * code. */
int serve_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Wait (at most 10 s) until /healthz reports that catalog generation, or
 * /metrics holds that line ("name{labels} value\n"). */
bool wait_generation(int port, int generation);
bool wait_metric(int port, const char *line);

#endif
