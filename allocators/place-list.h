/*
 * allocators/place-list.h - the registered placement policies, one line
 * each, in the order `hvsim list` shows them.  The first is the default.
 */
PLACE(most_free)
PLACE(first_fit)
PLACE(best_fit)
PLACE(worst_fit)
