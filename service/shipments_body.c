/*
 * shipments_body.c: what shipments sent as JSON or CBOR must look like
 * before the library's shipment reader reads them, exactly as it reads a
 * file for `boxcar carbon`: one set of rules, one set of messages. Only
 * what is not a shipment at all is refused here, as a whole: an element
 * that is not an object, a key that is not a shipment column, a value that
 * is not text, a number or null, text with a control character.
 */
#include <stdio.h>
#include <string.h>

#include "boxcar/shipments.h"
#include "svc.h"

static bool refuse(svc_call *c, size_t record, const char *field, const char *what)
{
    char name[72];
    size_t n = 0;
    /* a field name from the client, shown safely */
    for (; field[n] != '\0' && n < 64; n++)
        name[n] = field[n] >= 0x20 && field[n] < 0x7f ? field[n] : '?';
    name[n] = '\0';
    bx_location loc = {0};
    loc.field = name;
    loc.record = record;
    svc_reply_error(c, 422, "bad_row", &loc, "shipment %zu, field '%s': %s", record, name,
                    what);
    return false;
}

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

static bool is_column(const char *key)
{
    const char *name;
    for (size_t i = 0; (name = bx_shipment_column(i)) != NULL; i++)
        if (strcmp(key, name) == 0)
            return true;
    return false;
}

static bool check_one(svc_call *c, const json_t *obj, size_t record)
{
    if (!json_is_object(obj))
        return refuse(c, record, "", "a shipment is an object of fields");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        if (!is_column(key)) {
            char why[192] = "not a shipment field (";
            size_t n = strlen(why);
            const char *name;
            for (size_t i = 0; (name = bx_shipment_column(i)) != NULL && n < sizeof why; i++)
                n += (size_t)snprintf(why + n, sizeof why - n, "%s%s", i > 0 ? ", " : "", name);
            if (n < sizeof why)
                snprintf(why + n, sizeof why - n, ")");
            return refuse(c, record, key, why);
        }
    }
    const char *name;
    for (size_t i = 0; (name = bx_shipment_column(i)) != NULL; i++) {
        v = json_object_get(obj, name);
        if (v == NULL || json_is_null(v) || json_is_integer(v) || json_is_real(v))
            continue;
        if (!json_is_string(v))
            return refuse(c, record, name, "expected text, a number or null");
        if (has_control(json_string_value(v), json_string_length(v)))
            return refuse(c, record, name, "text with a control character");
    }
    return true;
}

bool svc_shipments_check(svc_call *c, const json_t *list)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (!check_one(c, json_array_get(list, i), i + 1))
            return false;
    return true;
}
