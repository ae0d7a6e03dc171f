/*
 * consolidation/precopy.h - the pre-copy model's per-class parameters
 * (consolidation/migrate-precopy.c has the values and their provenance).
 */
#ifndef CONSOLIDATION_PRECOPY_H
#define CONSOLIDATION_PRECOPY_H

#include <stdbool.h>

/* Dirtying rate (MB/s) and writable working set (MB) of workload class
 * cls.  Returns false, and the network-heavy values, for an unknown or
 * NULL class. */
bool cons_precopy_class(const char *cls, double *dirty_mb_s, double *wws_mb);

#endif /* CONSOLIDATION_PRECOPY_H */
