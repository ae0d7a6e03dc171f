/*
 * consolidation/migrate-list.h - the registered live-migration models, one
 * line each (--migration NAME); the first is the default.
 */
MIGRATION(cloudsim)
MIGRATION(precopy)
