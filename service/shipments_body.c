/*
 * shipments_body.c: shipments sent as JSON or CBOR become rows of the
 * shipment CSV, which the library's shipment reader then checks exactly
 * as it checks a file for `boxcar carbon`: one set of rules, one set of
 * messages. Only what CSV text cannot say is refused here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

static const char *const columns[] = {
    "shipment_id", "date", "mass_g", "items", "packaging", "route_id", "drop_km",
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* The shortest text that reads back as the same double, without an
 * exponent where a plain decimal of modest length says it (the CSV reader
 * takes plain decimals); beyond that the exponent form stays, for the
 * reader to judge as it would in a file. */
static void real_text(double v, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (strchr(buf, 'e') == NULL && strchr(buf, 'E') == NULL)
        return;
    if (fabs(v) < 1e-6 || fabs(v) >= 1e21)
        return;
    snprintf(buf, size, "%.20f", v);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
}

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

static bool put_row(svc_call *c, bx_csv_writer *w, const json_t *obj, size_t record)
{
    if (!json_is_object(obj))
        return refuse(c, record, "", "a shipment is an object of fields");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool known = false;
        for (size_t i = 0; i < NCOLUMNS && !known; i++)
            known = strcmp(key, columns[i]) == 0;
        if (!known)
            return refuse(c, record, key,
                          "not a shipment field (shipment_id, date, mass_g, items, "
                          "packaging, route_id, drop_km)");
    }
    for (size_t i = 0; i < NCOLUMNS; i++) {
        v = json_object_get(obj, columns[i]);
        char num[64];
        const char *text = "";
        size_t len = 0;
        if (v == NULL || json_is_null(v)) {
            /* absent: the column's default, as an empty CSV field */
        } else if (json_is_string(v)) {
            text = json_string_value(v);
            len = json_string_length(v);
            if (has_control(text, len))
                return refuse(c, record, columns[i], "text with a control character");
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            text = num;
            len = strlen(num);
        } else if (json_is_real(v)) {
            real_text(json_real_value(v), num, sizeof num);
            text = num;
            len = strlen(num);
        } else {
            return refuse(c, record, columns[i],
                          "expected text, a number or null");
        }
        if (bx_csv_write_field(w, text, len) != BX_OK)
            return false;
    }
    return bx_csv_end_record(w) == BX_OK;
}

bool svc_shipments_csv(svc_call *c, const json_t *list, svc_buf *out)
{
    bx_csv_writer w;
    bx_csv_writer_init(&w, svc_buf_write, out);
    bool ok = true;
    for (size_t i = 0; i < NCOLUMNS && ok; i++)
        ok = bx_csv_write_field(&w, columns[i], strlen(columns[i])) == BX_OK;
    ok = ok && bx_csv_end_record(&w) == BX_OK;
    for (size_t i = 0; i < json_array_size(list) && ok; i++)
        ok = put_row(c, &w, json_array_get(list, i), i + 1);
    /* a refusal has answered already; anything else was the buffer */
    if (!ok && c->status == 0)
        svc_reply_error(c, 503, "out_of_memory", NULL, "out of memory");
    return ok;
}
