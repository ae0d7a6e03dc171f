/*
 * base/csv.h - writing CSV text (RFC 4180), shared by every file hvsim
 * writes as CSV: the native trace format, jobs.csv and compare's tables.
 */
#ifndef BASE_CSV_H
#define BASE_CSV_H

#include <stdio.h>

/* A field: as it is, or double-quoted when it holds a comma, a quote or
 * a line break (a quote inside is doubled). */
void csv_put_field(FILE *out, const char *s);

#endif /* BASE_CSV_H */
