/*
 * negotiate.h: which encoding a request body is in (Content-Type) and
 * which one the client wants back (Accept). Pure functions over header
 * text, kept apart from the server so they can be fuzzed alone.
 */
#ifndef BOXCAR_NEGOTIATE_H
#define BOXCAR_NEGOTIATE_H

typedef enum svc_media {
    SVC_MEDIA_NONE = 0,  /* no header, or nothing acceptable */
    SVC_MEDIA_JSON = 1,  /* application/json */
    SVC_MEDIA_CBOR = 2,  /* application/cbor */
    SVC_MEDIA_CSV = 3,   /* text/csv (request bodies only) */
    SVC_MEDIA_OTHER = 4  /* a type the service does not read */
} svc_media;

/* The media type of a Content-Type value: type and subtype compared
 * without regard to case, parameters ignored except a charset, which must
 * be utf-8 (else OTHER). NULL or blank gives NONE. */
svc_media svc_media_of_content_type(const char *value);

/* The best of JSON and CBOR for an Accept value (RFC 9110 12.5.1): each
 * candidate gets the q of the most specific range that matches it (exact,
 * then type / *, then * / *), q=0 refuses, malformed ranges are skipped;
 * the higher q wins and a tie goes to `prefer` (JSON if prefer is neither).
 * NULL or blank Accept gives `prefer` (or JSON). NONE when neither is
 * acceptable. */
svc_media svc_media_accept(const char *accept, svc_media prefer);

/* "application/json", "application/cbor", "text/csv"; NULL otherwise. */
const char *svc_media_name(svc_media m);

#endif
