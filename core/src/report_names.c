/*
 * report_names.c: what Excel accepts as a sheet name, and UTF-8 checks
 * for text going into a workbook. Excel's rules (libxlsxwriter 1.1.4
 * checks only some): 1 to 31 characters (counted in UTF-16 units, as
 * Excel counts them), none of [ ] : * ? / \, no apostrophe first or last,
 * not "History" (Excel keeps that name for itself), unique regardless of
 * case. Control characters are refused as well: XML cannot carry most.
 */
#include <stdint.h>
#include <string.h>

#include "boxcar/report.h"
#include "report_names.h"

/* Length of the well-formed UTF-8 sequence at s (at most n bytes) and its
 * code point, or 0 if there is none. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

bool rp_valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_seq(p + i, n - i, &cp);
        if (k == 0 || cp == 0)
            return false;
        i += k;
    }
    return true;
}

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool rp_names_equal(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (fold(*a) != fold(*b))
            return false;
    return *a == *b;
}

const char *bx_report_sheet_name_problem(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return "is empty";
    size_t n = strlen(name);
    const unsigned char *p = (const unsigned char *)name;
    size_t units = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_seq(p + i, n - i, &cp);
        if (k == 0)
            return "is not UTF-8 text";
        if (cp < 0x20 || cp == 0x7F)
            return "contains a control character";
        if (cp < 0x80 && strchr("[]:*?/\\", (int)cp) != NULL)
            return "contains one of [ ] : * ? / \\, which Excel does not allow in sheet names";
        units += cp >= 0x10000 ? 2 : 1;
        i += k;
    }
    if (units > 31)
        return "is longer than 31 characters, Excel's limit for sheet names";
    if (name[0] == '\'' || name[n - 1] == '\'')
        return "begins or ends with an apostrophe, which Excel does not allow";
    if (rp_names_equal(name, "History"))
        return "is reserved by Excel";
    return NULL;
}
