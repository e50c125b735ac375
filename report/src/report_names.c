/*
 * report_names.c: what Excel accepts as a sheet name, and UTF-8 checks
 * for text going into a workbook. Excel's rules (libxlsxwriter 1.1.4
 * checks only some): 1 to 31 characters (counted in UTF-16 units, as
 * Excel counts them), none of [ ] : * ? / \, no apostrophe first or last,
 * not "History" (Excel keeps that name for itself), unique regardless of
 * case. Control characters are refused as well: XML cannot carry most.
 * Also the report formats' names and default limits, which builds without
 * Lua answer too.
 */
#include <stdint.h>
#include <string.h>

#include <strings.h>

#include "boxcar/report.h"
#include "emit.h"
#include "report_names.h"

bool bxi_rp_valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = bxi_utf8_seq(p + i, n - i, &cp);
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

bool bxi_rp_names_equal(const char *a, const char *b)
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
        size_t k = bxi_utf8_seq(p + i, n - i, &cp);
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
    if (bxi_rp_names_equal(name, "History"))
        return "is reserved by Excel";
    return NULL;
}

/* ---- formats and limits (with or without Lua) ----------------------------- */

static const char *const format_names[] = {"xlsx", "csv", "cbor"};

const char *bx_report_format_name(bx_report_format f)
{
    return (unsigned)f < BX_ARRAY_LEN(format_names) ? format_names[f] : "unknown";
}

bx_status bx_report_format_parse(const char *s, bx_report_format *out)
{
    if (s == NULL || out == NULL)
        return BX_EINVAL;
    for (size_t i = 0; i < BX_ARRAY_LEN(format_names); i++)
        if (strcasecmp(s, format_names[i]) == 0) {
            *out = (bx_report_format)i;
            return BX_OK;
        }
    return BX_EINPUT;
}

bx_script_limits bx_report_limits_default(void)
{
    bx_script_limits l = {(size_t)64 << 20, UINT64_C(2000000000), 0};
    return l;
}
