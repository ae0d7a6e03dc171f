/* allocators/alloc.c - the registries of allocators (alloc-list.h) and
 * placements (place-list.h). */
#include "allocators/alloc.h"
#include "allocators/place.h"

#define ALLOC(name) extern const struct alloc_ops alloc_ops_##name;
#include "allocators/alloc-list.h"
#undef ALLOC

static const struct policy_info *const alloc_table[] = {
#define ALLOC(name) &alloc_ops_##name.info,
#include "allocators/alloc-list.h"
#undef ALLOC
};

struct registry alloc_registry = {
    .family = "allocator",
    .option = "alloc",
    .builtin = alloc_table,
    .nbuiltin = sizeof alloc_table / sizeof alloc_table[0],
};

#define PLACE(name) extern const struct place_ops place_ops_##name;
#include "allocators/place-list.h"
#undef PLACE

static const struct policy_info *const place_table[] = {
#define PLACE(name) &place_ops_##name.info,
#include "allocators/place-list.h"
#undef PLACE
};

struct registry place_registry = {
    .family = "placement",
    .option = "place",
    .builtin = place_table,
    .nbuiltin = sizeof place_table / sizeof place_table[0],
};
