/*
 * fuzz_negotiate.c: libFuzzer target for the service's Content-Type and
 * Accept parsers (service/negotiate.c), which read header text straight
 * from the network. The input is split at its first NUL into the two
 * header values. The answers must be in range; any crash or sanitizer
 * report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 2);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    text[size + 1] = '\0';
    const char *content_type = text;
    const char *accept = text + strlen(text) + 1;
    svc_media m = svc_media_of_content_type(content_type);
    if (m > SVC_MEDIA_OTHER)
        __builtin_trap();
    svc_media a = svc_media_accept(accept, m);
    if (a != SVC_MEDIA_NONE && a != SVC_MEDIA_JSON && a != SVC_MEDIA_CBOR)
        __builtin_trap();
    free(text);
    return 0;
}
