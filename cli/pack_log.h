/*
 * pack_log.h: what packing one order produced besides its result rows, held
 * in memory so that `boxcar pack --jobs N` can replay it in input order.
 *
 * A membuf is a bx_write_fn target that grows as needed. A pack_log is a
 * sequence of events: a diagnostic, a line for standard error, or an SVG
 * file to be written whole. Both are reused order after order (reset keeps
 * the memory) and hold their bytes with the C library's allocator: they
 * pass from a worker thread to the writing thread, so no context owns them.
 */
#ifndef BOXCAR_PACK_LOG_H
#define BOXCAR_PACK_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "boxcar.h"

typedef struct membuf {
    char *data;
    size_t len, cap;
    bool failed; /* an append ran out of memory; the bytes are incomplete */
} membuf;

/* bx_write_fn over the membuf ud: 0, or -1 (and failed set) out of memory. */
int membuf_write(void *ud, const void *data, size_t size);
void membuf_reset(membuf *m);
void membuf_free(membuf *m);

typedef enum pack_log_kind {
    PACK_LOG_ERROR,   /* a diagnostic, error severity: text is its message */
    PACK_LOG_WARNING, /* a diagnostic, warning severity */
    PACK_LOG_TEXT,    /* bytes for standard error, as they are */
    PACK_LOG_SVG      /* path, and text the whole file */
} pack_log_kind;

typedef struct pack_log_event {
    pack_log_kind kind;
    const char *path; /* NUL-terminated; "" but for PACK_LOG_SVG */
    const char *text; /* NUL-terminated too */
    size_t len;       /* of text */
} pack_log_event;

typedef struct pack_log {
    membuf events;
} pack_log;

/* Append one event; false out of memory (the log then says failed). */
bool pack_log_add(pack_log *log, pack_log_kind kind, const char *path, const char *text,
                  size_t len);
static inline bool pack_log_failed(const pack_log *log) { return log->events.failed; }

/* Iterate: *pos starts at 0; false after the last event. */
bool pack_log_next(const pack_log *log, size_t *pos, pack_log_event *ev);

static inline void pack_log_reset(pack_log *log) { membuf_reset(&log->events); }
static inline void pack_log_free(pack_log *log) { membuf_free(&log->events); }

#endif
