/* allocators/alloc.c - the allocator registry (alloc-list.h). */
#include "allocators/alloc.h"

#include <string.h>

#define ALLOC(name) extern const struct alloc_ops alloc_ops_##name;
#include "allocators/alloc-list.h"
#undef ALLOC

static const struct alloc_ops *const alloc_table[] = {
#define ALLOC(name) &alloc_ops_##name,
#include "allocators/alloc-list.h"
#undef ALLOC
};

size_t alloc_count(void) { return sizeof alloc_table / sizeof alloc_table[0]; }

const struct alloc_ops *alloc_at(size_t i) { return i < alloc_count() ? alloc_table[i] : NULL; }

const struct alloc_ops *alloc_find(const char *name)
{
    for (size_t i = 0; i < alloc_count(); i++)
        if (strcmp(alloc_table[i]->name, name) == 0)
            return alloc_table[i];
    return NULL;
}
