/*
 * sim/fluid.h - guests whose demand varies over time (utilisation
 * series), served as fluids under the caps of an allocator.  Part of the
 * engine: sim/engine.c calls these; see fluid.c for the model.
 */
#ifndef SIM_FLUID_H
#define SIM_FLUID_H

#include "sim/engine.h"

/* g (with g->fl set up from its record) has been placed on h. */
void fluid_admit(struct sim *sim, struct guest *g, struct host *h);

/* Bring every fluid guest of h and h's integrals up to now. */
void fluid_host_advance(struct sim *sim, struct host *h);

/* The allocation interval: collect, allocate, and recompute rates. */
void fluid_reallocate(struct sim *sim, struct sim_event *ev);

/* Set up g->fl from a record's series (takes the series). */
void fluid_guest_init(struct guest *g, struct trace_record *rec);
void fluid_guest_free(struct guest *g);

#endif /* SIM_FLUID_H */
