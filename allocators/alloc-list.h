/*
 * allocators/alloc-list.h - the registered CPU allocators, one line each; the
 * first is the default.
 */
ALLOC(static)
ALLOC(demand)
