/*
 * consolidation/place-list.h - the registered placement policies, one
 * line each; the first is the default.
 */
PLACEMENT(pabfd)
PLACEMENT(firstfit)
PLACEMENT(mostfree)
