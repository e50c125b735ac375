/*
 * negotiate.c: Content-Type and Accept (RFC 9110 sections 8.3 and 12.5.1).
 *
 * Header text comes from the network, so the parsers read only up to the
 * terminating NUL, never allocate, and treat anything they do not
 * understand as "not this type" rather than as an error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "negotiate.h"

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_tchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static const char *skip_ows(const char *p)
{
    while (is_ows(*p))
        p++;
    return p;
}

static span token(const char **pp)
{
    const char *p = *pp;
    span s = {p, 0};
    while (is_tchar(p[s.n]))
        s.n++;
    *pp = p + s.n;
    return s;
}

static bool span_is(span s, const char *word)
{
    return s.n == strlen(word) && strncasecmp(s.p, word, s.n) == 0;
}

/* A parameter value: a token or a quoted string (its quotes stripped,
 * escapes left in place: no value compared here needs them). */
static span param_value(const char **pp)
{
    const char *p = *pp;
    if (*p != '"')
        return token(pp);
    span s = {p + 1, 0};
    p++;
    while (*p != '\0' && *p != '"') {
        if (*p == '\\' && p[1] != '\0')
            p++;
        p++;
    }
    s.n = (size_t)(p - s.p);
    if (*p == '"')
        p++;
    *pp = p;
    return s;
}

/* A media range's type and subtype; false if malformed. */
static bool media_range(const char **pp, span *type, span *sub)
{
    const char *p = skip_ows(*pp);
    *type = token(&p);
    if (type->n == 0 || *p != '/')
        return false;
    p++;
    *sub = token(&p);
    *pp = p;
    return sub->n != 0;
}

/* ---- Content-Type ------------------------------------------------------- */

svc_media svc_media_of_content_type(const char *value)
{
    if (value == NULL || *skip_ows(value) == '\0')
        return SVC_MEDIA_NONE;
    const char *p = value;
    span type, sub;
    if (!media_range(&p, &type, &sub))
        return SVC_MEDIA_OTHER;
    svc_media m = SVC_MEDIA_OTHER;
    if (span_is(type, "application") && span_is(sub, "json"))
        m = SVC_MEDIA_JSON;
    else if (span_is(type, "application") && span_is(sub, "cbor"))
        m = SVC_MEDIA_CBOR;
    else if (span_is(type, "text") && span_is(sub, "csv"))
        m = SVC_MEDIA_CSV;
    for (;;) {
        p = skip_ows(p);
        if (*p == '\0')
            return m;
        if (*p != ';')
            return SVC_MEDIA_OTHER;
        p = skip_ows(p + 1);
        if (*p == '\0')
            return m; /* a stray ';' at the end is harmless */
        span name = token(&p);
        if (name.n == 0 || *p != '=')
            return SVC_MEDIA_OTHER;
        p++;
        span v = param_value(&p);
        if (span_is(name, "charset") && !span_is(v, "utf-8"))
            return SVC_MEDIA_OTHER;
    }
}

/* ---- Accept ------------------------------------------------------------- */

/* q as thousandths: "1", "1.000", "0", "0.5", "0.123"; -1 if malformed. */
static int parse_q(span v)
{
    if (v.n == 0 || v.n > 5 || (v.p[0] != '0' && v.p[0] != '1'))
        return -1;
    int q = (v.p[0] - '0') * 1000;
    if (v.n == 1)
        return q;
    if (v.p[1] != '.')
        return -1;
    int scale = 100;
    for (size_t i = 2; i < v.n; i++, scale /= 10) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return -1;
        q += (v.p[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* After a media range: its parameters up to the ',' or the end. The q
 * value in *q (1000 if none); false if malformed. *pp ends at ',' or NUL. */
static bool range_params(const char **pp, int *q)
{
    const char *p = *pp;
    bool ok = true;
    *q = 1000;
    for (;;) {
        p = skip_ows(p);
        if (*p == '\0' || *p == ',')
            break;
        if (*p != ';') {
            ok = false;
            break;
        }
        p = skip_ows(p + 1);
        span name = token(&p);
        if (name.n == 0 || *p != '=') {
            ok = false;
            break;
        }
        p++;
        span v = param_value(&p);
        if (span_is(name, "q") && (*q = parse_q(v)) < 0)
            ok = false;
    }
    /* resynchronise on the next ',' (outside quotes) */
    while (*p != '\0' && *p != ',') {
        if (*p == '"') {
            param_value(&p);
            continue;
        }
        p++;
    }
    *pp = p;
    return ok;
}

/* How specifically range (type/sub) matches the candidate: 3 exact, 2
 * type wildcard, 1 full wildcard, 0 no match. */
static int specificity(span type, span sub, const char *ctype,
                       const char *csub)
{
    if (span_is(type, "*"))
        return span_is(sub, "*") ? 1 : 0;
    if (!span_is(type, ctype))
        return 0;
    if (span_is(sub, "*"))
        return 2;
    return span_is(sub, csub) ? 3 : 0;
}

svc_media svc_media_accept(const char *accept, svc_media prefer)
{
    if (prefer != SVC_MEDIA_CBOR)
        prefer = SVC_MEDIA_JSON;
    if (accept == NULL || *skip_ows(accept) == '\0')
        return prefer;
    static const char *const subs[2] = {"json", "cbor"};
    int best_spec[2] = {0, 0}, q_of[2] = {0, 0};
    const char *p = accept;
    while (*p != '\0') {
        span type, sub;
        const char *start = p;
        bool ok = media_range(&p, &type, &sub);
        int q;
        ok = range_params(&p, &q) && ok;
        if (ok) {
            for (int i = 0; i < 2; i++) {
                int s = specificity(type, sub, "application", subs[i]);
                if (s > best_spec[i]) {
                    best_spec[i] = s;
                    q_of[i] = q;
                }
            }
        }
        if (*p == ',')
            p++;
        if (p == start) /* cannot happen: every pass consumes; be sure */
            p++;
    }
    if (q_of[0] == 0 && q_of[1] == 0)
        return SVC_MEDIA_NONE;
    if (q_of[0] == q_of[1])
        return prefer;
    return q_of[0] > q_of[1] ? SVC_MEDIA_JSON : SVC_MEDIA_CBOR;
}

const char *svc_media_name(svc_media m)
{
    switch (m) {
    case SVC_MEDIA_JSON: return "application/json";
    case SVC_MEDIA_CBOR: return "application/cbor";
    case SVC_MEDIA_CSV: return "text/csv";
    case SVC_MEDIA_NONE:
    case SVC_MEDIA_OTHER: break;
    }
    return NULL;
}
