/*
 * base/xalloc.h - allocation that cannot fail.
 *
 * Running out of memory is not something a simulation run can recover from
 * (cf. Redis zmalloc_default_oom), so these print a message and exit(1).
 * User input never reaches an abort: sizes are range-checked before.
 */
#ifndef BASE_XALLOC_H
#define BASE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Report that n bytes could not be allocated and exit(1): for memory a
 * library allocates (GSL) that comes back NULL. */
void xalloc_fail(size_t n) __attribute__((noreturn));

/* Grow *array (of elements of size elem) so that it holds at least need
 * elements; capacity doubles.  *cap is updated. */
void *xgrow(void *array, size_t *cap, size_t need, size_t elem);

#endif /* BASE_XALLOC_H */
