/*
 * consolidation/select-list.h - the registered VM selection policies, one
 * line each (--select NAME); the first is the default.
 */
SELECTOR(mmt)
SELECTOR(mu)
SELECTOR(mc)
SELECTOR(rs)
