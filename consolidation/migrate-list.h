/*
 * consolidation/migrate-list.h - the registered live-migration models, one
 * line each (--migration NAME); the first is the default (hvsim's own:
 * pre-copy is what hypervisors do; the preset takes cloudsim).
 */
MIGRATION(precopy)
MIGRATION(cloudsim)
