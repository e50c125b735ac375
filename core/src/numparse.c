/*
 * numparse.c: strict, locale-independent number and boolean parsing.
 *
 * Input files are the boundary where silent truncation creeps in ("12.5" read
 * as 12, "1e3" as 1, "0x10" as 0): every function here accepts the whole
 * text or rejects it with a reason.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

char bxi_locale_radix(void)
{
    const struct lconv *lc = localeconv();
    return lc != NULL && lc->decimal_point != NULL && lc->decimal_point[0] != '\0'
               ? lc->decimal_point[0]
               : '.';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool bxi_parse_int(const char *s, size_t len, int64_t min, int64_t max,
                  int64_t *out, const char **why)
{
    trim(&s, &len);
    if (len == 0) {
        *why = "expected an integer, got nothing";
        return false;
    }
    bool neg = false;
    size_t i = 0;
    if (s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == len) {
        *why = "expected an integer";
        return false;
    }
    /* Accumulate as a negative number: its range includes INT64_MIN. */
    int64_t acc = 0;
    bool overflow = false;
    for (; i < len; i++) {
        if (!is_digit(s[i])) {
            if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
                *why = "expected a whole number (no fraction or exponent)";
            else
                *why = "expected an integer (digits with an optional '-')";
            return false;
        }
        int d = s[i] - '0';
        if (acc < (INT64_MIN + d) / 10)
            overflow = true;
        else
            acc = acc * 10 - d;
    }
    if (!overflow && !neg && acc == INT64_MIN)
        overflow = true;
    if (overflow) {
        *why = "integer out of range";
        return false;
    }
    int64_t v = neg ? acc : -acc;
    if (v < min || v > max) {
        *why = v < min ? "value below the allowed minimum"
                       : "value above the allowed maximum";
        return false;
    }
    *out = v;
    return true;
}

/* Grammar: -?digits(.digits?)?([eE][+-]?digits)? or -?.digits(...)
 * checked by hand so that strtod's locale and its acceptance of "inf",
 * "nan" and hex floats never matter. */
static bool decimal_syntax(const char *s, size_t len)
{
    size_t i = 0, ndigits = 0;
    if (i < len && s[i] == '-')
        i++;
    while (i < len && is_digit(s[i])) {
        i++;
        ndigits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i])) {
            i++;
            ndigits++;
        }
    }
    if (ndigits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t nexp = 0;
        while (i < len && is_digit(s[i])) {
            i++;
            nexp++;
        }
        if (nexp == 0)
            return false;
    }
    return i == len;
}

bool bxi_parse_double(const char *s, size_t len, double *out, const char **why)
{
    trim(&s, &len);
    if (len == 0) {
        *why = "expected a number, got nothing";
        return false;
    }
    if (!decimal_syntax(s, len) || len >= 64) {
        *why = len >= 64 ? "number too long"
                         : "expected a decimal number such as 12.5 or 2e-3";
        return false;
    }
    char buf[64];
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* strtod reads the locale's radix character: if the embedding program
     * set LC_NUMERIC to a decimal-comma locale, hand it that character. */
    char radix = bxi_locale_radix();
    if (radix != '.') {
        char *dot = memchr(buf, '.', len);
        if (dot != NULL)
            *dot = radix;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + len) {
        *why = "number not understood (is the C locale in effect?)";
        return false;
    }
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) {
        *why = "number out of range";
        return false;
    }
    if (!isfinite(v)) {
        *why = "number out of range";
        return false;
    }
    *out = v;
    return true;
}

static bool word_is(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

bool bxi_parse_bool(const char *s, size_t len, bool *out, const char **why)
{
    trim(&s, &len);
    if (word_is(s, len, "1") || word_is(s, len, "true") ||
        word_is(s, len, "yes")) {
        *out = true;
        return true;
    }
    if (word_is(s, len, "0") || word_is(s, len, "false") ||
        word_is(s, len, "no")) {
        *out = false;
        return true;
    }
    *why = "expected a boolean: 1/0, true/false or yes/no";
    return false;
}
