/*
 * sim/fluid.h - guests whose demand varies over time (utilisation
 * series): the fluid model of them (--model fluid), and the accounting of
 * their demand, unmet demand and idle grant per sample interval, which
 * both models share.  Part of the engine: sim/engine.c calls these; see
 * fluid.c for the model.
 */
#ifndef SIM_FLUID_H
#define SIM_FLUID_H

#include "sim/engine.h"

/* ---- the fluid model ---- */

/* Set up g->fl from a record's series (g takes the series). */
void fluid_guest_init(struct guest *g, struct trace_record *rec);
void fluid_guest_free(struct guest *g);
/* Free h's fluid state (h->fh), if any. */
void fluid_host_free(struct host *h);

/* g (a fluid, its grant set) has been placed on h. */
void fluid_admit(struct sim *sim, struct guest *g, struct host *h);

/* A live migration moves fluid g (sim__guest_move): it leaves its host
 * (still g->host) with its backlog and series position, then joins its
 * new g->host. */
void fluid_guest_leave(struct sim *sim, struct guest *g);
void fluid_guest_join(struct sim *sim, struct guest *g);

/* g's rates changed (a migration paused it, or limits it): recompute its
 * host's shares at the end of the instant. */
void fluid_guest_changed(struct sim *sim, struct guest *g);

/* Bring h's integrals (acc_demand, acc_grant, acc_used) up to now.  Its
 * guests are brought up to date lazily: fluid_guest_sync. */
void fluid_host_advance(struct sim *sim, struct host *h);
/* Bring fluid g (its backlog, used_s, done_s) up to now. */
void fluid_guest_sync(struct sim *sim, struct guest *g);
/* The cores of core time fluid g gets now. */
double fluid_guest_rate(const struct guest *g);

/* New rates for h's fluid guests (after a re-allocation). */
void fluid_host_recompute(struct sim *sim, struct host *h);

/* A fluid guest's wish over the allocation window that ends now, in
 * cores (and the window starts again). */
double fluid_window_wish(struct sim *sim, struct guest *g);

/* ---- series accounting, both models ---- */

/* The core-seconds g has used so far (both models). */
double fluid_series_used(struct sim *sim, struct guest *g);

/* g's wish in cores in sample interval k: its demand, at most its vCPUs. */
double fluid_series_wish(const struct sim *sim, const struct guest *g, size_t k);
/* g's series begins now: account it interval by interval. */
void fluid_series_begin(struct sim *sim, struct guest *g);
/* Bring the integral of the grants of h's series guests up to now (before
 * any of them changes). */
void fluid_series_grants_advance(struct sim *sim, struct host *h);
/* g completes: account the rest (the interval in force, or the tail after
 * its series: idle grant only). */
void fluid_series_account(struct sim *sim, struct guest *g);
/* The demand and grant of h's series guests in the discrete model changed
 * (an interval began, a guest came or went, a re-allocation): integrate
 * the old rates up to now and take the new ones (the timeline's means). */
void fluid_series_host_rates(struct sim *sim, struct host *h);
/* ... their integrals up to now, core-seconds: demand, grant. */
void fluid_series_host_acc(struct sim *sim, struct host *h, double out[2]);

#endif /* SIM_FLUID_H */
