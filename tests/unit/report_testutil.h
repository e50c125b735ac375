/*
 * report_testutil.h: reading reports back in tests: members
 * of a workbook (through unzip(1), which bootstrap installs), cell values
 * of a worksheet's XML, and the check that no temporary was left behind.
 */
#ifndef BOXCAR_REPORT_TESTUTIL_H
#define BOXCAR_REPORT_TESTUTIL_H

#include <stddef.h>

/* A member of a zip file (malloc); fails the test if unzip cannot give it. */
char *rt_unzip_member(const char *zip, const char *member);
/* The value of cell `ref` in a worksheet's XML: the <v> of a number or
 * formula, or the <t> of an inline string; "" if absent. A static buffer,
 * overwritten by the next call. */
const char *rt_cell(const char *xml, const char *ref);
/* Fails the test unless `file` has exactly the bytes of the golden file
 * `gold`. With BOXCAR_UPDATE_GOLDEN set in the environment, `gold` is
 * first rewritten from `file` (to make or refresh it deliberately). */
void rt_expect_golden(const char *file, const char *gold);
/* Fails the test if anything named prefix* is in the current directory. */
void rt_nothing_like(const char *prefix);

#endif
