/* base/xalloc.c - see xalloc.h */
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xalloc_fail(size_t n)
{
    fprintf(stderr, "hvsim: out of memory (allocating %zu bytes)\n", n);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        xalloc_fail(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        xalloc_fail(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        xalloc_fail(n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

void *xgrow(void *array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return array;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    array = xrealloc(array, n * elem);
    *cap = n;
    return array;
}
