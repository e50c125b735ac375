/*
 * range_file.h: one byte range of a record file read as a file of its own
 * (range_file.c), for `boxcar carbon --range` and `boxcar pack --range`.
 */
#ifndef BOXCAR_CLI_RANGE_FILE_H
#define BOXCAR_CLI_RANGE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A FILE* that reads the first line of fp (a regular file: the header),
 * then bytes [start, end) of it: the records of one partition, read in
 * place. start and end must be at the start of a line (end may be the
 * file's size), start after the header. fp stays the caller's, and must
 * outlive the result (fclose it first). NULL with the reason in *why. */
FILE *cli_range_open(FILE *fp, uint64_t start, uint64_t end, const char **why);

/* Whether the range [start, end) of fp (checked by cli_range_open) cuts a
 * group of adjacent lines with one value in `column` (an order's lines):
 * the line before start and the first in the range, or the last in the
 * range and the line at end, share it. That value in key (size bytes).
 * False when the column is absent or a line is too long to check. */
bool cli_range_splits_key(FILE *fp, uint64_t start, uint64_t end, const char *column,
                          char *key, size_t size);

/* Parse START-END (byte offsets, START <= END) into *start and *end.
 * False if s is not that. */
bool cli_range_parse(const char *s, uint64_t *start, uint64_t *end);

/* Whether path's extension names a JSON or CBOR record file, which has no
 * header line for a range to repeat. */
bool cli_range_not_csv(const char *path);

#endif
