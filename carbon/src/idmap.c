/*
 * idmap.c: string -> dense index map for ids (routes, factors, keys).
 */
#include <string.h>

#include "carbon_internal.h"

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

void bxi_carbon_idmap_init(bxc_idmap *m, bx_ctx *ctx)
{
    memset(m, 0, sizeof *m);
    m->ctx = ctx;
}

void bxi_carbon_idmap_free(bxc_idmap *m)
{
    bx_free(m->ctx, m->slots);
    bx_free(m->ctx, m->offsets);
    bx_free(m->ctx, m->keys);
    bxi_carbon_idmap_init(m, m->ctx);
}

static bool key_is(const bxc_idmap *m, size_t i, const char *key, size_t len)
{
    const char *k = m->keys + m->offsets[i];
    return strncmp(k, key, len) == 0 && k[len] == '\0';
}

long bxi_carbon_idmap_find(const bxc_idmap *m, const char *key, size_t len)
{
    if (m->nslots == 0)
        return -1;
    size_t mask = m->nslots - 1;
    for (size_t s = (size_t)fnv1a(key, len) & mask;; s = (s + 1) & mask) {
        uint32_t v = m->slots[s];
        if (v == 0)
            return -1;
        if (key_is(m, v - 1, key, len))
            return (long)(v - 1);
    }
}

/* Keep the load at most one half: probes stay short. */
static bx_status grow_slots(bxc_idmap *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 64;
    uint32_t *slots = bx_alloc(m->ctx, n * sizeof *slots);
    if (slots == NULL)
        return BX_ENOMEM;
    memset(slots, 0, n * sizeof *slots);
    for (size_t i = 0; i < m->n; i++) {
        const char *k = m->keys + m->offsets[i];
        size_t s = (size_t)fnv1a(k, strlen(k)) & (n - 1);
        while (slots[s] != 0)
            s = (s + 1) & (n - 1);
        slots[s] = (uint32_t)(i + 1);
    }
    bx_free(m->ctx, m->slots);
    m->slots = slots;
    m->nslots = n;
    return BX_OK;
}

bx_status bxi_carbon_idmap_put(bxc_idmap *m, const char *key, size_t len,
                        size_t *index, bool *inserted)
{
    long found = bxi_carbon_idmap_find(m, key, len);
    if (inserted != NULL)
        *inserted = found < 0;
    if (found >= 0) {
        *index = (size_t)found;
        return BX_OK;
    }
    if (m->n >= (size_t)INT32_MAX)
        return bxi_error(m->ctx, BX_ELIMIT, "more than 2^31 distinct keys");
    if ((m->n + 1) * 2 > m->nslots) {
        bx_status st = grow_slots(m);
        if (st != BX_OK)
            return st;
    }
    if (m->n == m->offsets_cap) {
        size_t cap = m->offsets_cap ? m->offsets_cap * 2 : 32;
        size_t *p = bx_realloc(m->ctx, m->offsets, cap * sizeof *p);
        if (p == NULL)
            return BX_ENOMEM;
        m->offsets = p;
        m->offsets_cap = cap;
    }
    if (m->keys_len + len + 1 > m->keys_cap) {
        size_t cap = m->keys_cap ? m->keys_cap * 2 : 1024;
        while (cap < m->keys_len + len + 1)
            cap *= 2;
        char *p = bx_realloc(m->ctx, m->keys, cap);
        if (p == NULL)
            return BX_ENOMEM;
        m->keys = p;
        m->keys_cap = cap;
    }
    memcpy(m->keys + m->keys_len, key, len);
    m->keys[m->keys_len + len] = '\0';
    m->offsets[m->n] = m->keys_len;
    m->keys_len += len + 1;
    size_t mask = m->nslots - 1;
    size_t s = (size_t)fnv1a(key, len) & mask;
    while (m->slots[s] != 0)
        s = (s + 1) & mask;
    m->slots[s] = (uint32_t)(m->n + 1);
    *index = m->n++;
    return BX_OK;
}

const char *bxi_carbon_idmap_key(const bxc_idmap *m, size_t index)
{
    return index < m->n ? m->keys + m->offsets[index] : NULL;
}
