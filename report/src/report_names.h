/*
 * report_names.h: sheet names and UTF-8 text for workbooks
 * (report_names.c; no Lua needed, so the check works in every build).
 */
#ifndef BOXCAR_REPORT_NAMES_H
#define BOXCAR_REPORT_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Is s[0..n) well-formed UTF-8 without NUL? */
bool bxi_rp_valid_utf8(const char *s, size_t n);
/* Sheet names equal as Excel compares them (ASCII letters without case). */
bool bxi_rp_names_equal(const char *a, const char *b);

#endif
