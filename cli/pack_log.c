/*
 * pack_log.c: growable byte buffers and the event log of one order.
 *
 * An event is stored as a header (kind, path length, text length) and then
 * path and text, each followed by a NUL so the replay can print them as
 * they are. The header is copied with memcpy: events follow each other
 * with no alignment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack_log.h"

typedef struct event_head {
    uint32_t kind;
    size_t path_len, text_len;
} event_head;

static bool membuf_reserve(membuf *m, size_t more)
{
    if (m->failed)
        return false;
    if (more <= m->cap - m->len)
        return true;
    size_t cap = m->cap ? m->cap : 256;
    while (cap - m->len < more) {
        if (cap > SIZE_MAX / 2) {
            m->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(m->data, cap);
    if (p == NULL) {
        m->failed = true;
        return false;
    }
    m->data = p;
    m->cap = cap;
    return true;
}

int membuf_write(void *ud, const void *data, size_t size)
{
    membuf *m = ud;
    if (!membuf_reserve(m, size))
        return -1;
    if (size > 0)
        memcpy(m->data + m->len, data, size);
    m->len += size;
    return 0;
}

void membuf_reset(membuf *m)
{
    m->len = 0;
    m->failed = false;
}

void membuf_free(membuf *m)
{
    free(m->data);
    memset(m, 0, sizeof *m);
}

bool pack_log_add(pack_log *log, pack_log_kind kind, const char *path, const char *text,
                  size_t len)
{
    if (path == NULL)
        path = "";
    event_head h = {(uint32_t)kind, strlen(path), len};
    membuf *m = &log->events;
    if (len > SIZE_MAX / 2 || h.path_len > SIZE_MAX / 4) {
        m->failed = true;
        return false;
    }
    if (!membuf_reserve(m, sizeof h + h.path_len + 1 + len + 1))
        return false;
    membuf_write(m, &h, sizeof h);
    membuf_write(m, path, h.path_len + 1);
    membuf_write(m, text, len);
    return membuf_write(m, "", 1) == 0;
}

bool pack_log_next(const pack_log *log, size_t *pos, pack_log_event *ev)
{
    const membuf *m = &log->events;
    if (*pos >= m->len)
        return false;
    event_head h;
    memcpy(&h, m->data + *pos, sizeof h);
    const char *p = m->data + *pos + sizeof h;
    ev->kind = (pack_log_kind)h.kind;
    ev->path = p;
    ev->text = p + h.path_len + 1;
    ev->len = h.text_len;
    *pos += sizeof h + h.path_len + 1 + h.text_len + 1;
    return true;
}
