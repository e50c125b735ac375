/*
 * record_emit.c: flat records (the carbon rows and totals) as JSON objects
 * and CBOR maps, from one list of fields, so the two encodings cannot
 * drift apart.
 */
#include <string.h>

#include "carbon_internal.h"

/* RFC 8949 section 4.2.1 sorts keys by their encoded bytes. A text key's
 * head grows with its length, so a shorter key sorts first; keys of one
 * length sort bytewise. */
static bool key_before(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb;
    return memcmp(a, b, la) < 0;
}

void bxi_carbon_cbor_order(const bxc_field *fields, size_t n, uint8_t *order)
{
    /* insertion sort: a record has a couple of dozen fields at most */
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        while (k > 0 && key_before(fields[i].name, fields[order[k - 1]].name)) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = (uint8_t)i;
    }
}

void bxi_carbon_emit_json(bx_emit *o, const bxc_field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bxi_emit_str(o, i == 0 ? "{\"" : ",\"");
        bxi_emit_str(o, fields[i].name);
        bxi_emit_str(o, "\":");
        if (fields[i].text != NULL)
            bxi_emit_json_string(o, fields[i].text);
        else
            bxi_emit_i64(o, fields[i].integer);
    }
    bxi_emit_str(o, n == 0 ? "{}\n" : "}\n");
}

#if BOXCAR_HAVE_CBOR
void bxi_carbon_emit_cbor(bx_emit *o, const bxc_field *fields, size_t n, const uint8_t *order)
{
    bxi_emit_cbor_map(o, n);
    for (size_t k = 0; k < n; k++) {
        const bxc_field *f = &fields[order[k]];
        bxi_emit_cbor_text(o, f->name);
        if (f->text != NULL)
            bxi_emit_cbor_text(o, f->text);
        else
            bxi_emit_cbor_int(o, f->integer);
    }
}
#endif
