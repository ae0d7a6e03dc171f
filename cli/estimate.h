/*
 * cli/estimate.h - how many events a run will take, told before it starts.
 *
 * Most of a run's events come with its guests (an arrival, a dispatch, a
 * completion) and are few.  Some come with its work instead, and those
 * make a run long: the slices and ticks of a time-slice scheduler on
 * contended cores (rr at 30 ms: one event per 30 ms of every vCPU's work),
 * and VM exits drawn one event each (--exit-model discrete-events).  How
 * many such events one core-second of work costs depends on the
 * scheduler, its knobs, the hardware and the host, so it is measured
 * rather than derived: two short pilot runs on the experiment's first
 * host (ESTIMATE_PILOT_CORES_MAX of its cores at most), two vCPUs per
 * core all arriving at once (every core contended), whose vCPUs differ
 * only in their work.  The difference of their events
 * over the difference of their work is the events per core-second of work
 * under contention, with the events that come per guest cancelled.  A
 * policy that needs no event per unit of work (fcfs, SRPT, prio) measures
 * 0, whatever its plug-in or knobs.
 *
 * Times the work the run will serve, it bounds the run's work-driven
 * events from above as long as its cores are at most as contended as the
 * pilot's (a lightly loaded run takes fewer: a vCPU alone on its core is
 * not sliced).  The pilot runs are deterministic (seeded from the
 * experiment's seed), so the estimate, and a note made from it, is the
 * same for the same inputs.
 */
#ifndef CLI_ESTIMATE_H
#define CLI_ESTIMATE_H

#include "base/error.h"
#include "sim/engine.h"

/* A host of more cores is piloted on this many (in two sockets if it
 * has several): the events per core-second of per-pCPU queues do not
 * depend on the host's size, and those of a host-wide tick fall with it,
 * so the smaller pilot overestimates rather than under, and its own
 * cost stays bounded (one event per VM exit on 100 cores was 1.4 s). */
#define ESTIMATE_PILOT_CORES_MAX 16

/* The work per vCPU of the pilot's two runs, seconds. */
#define ESTIMATE_PILOT_WORK_S 0.2
#define ESTIMATE_PILOT_WORK2_S 0.4

/* Events per core-second of work while every core of x's first host is
 * contended, into *rate (>= 0).  The pilot runs x's scheduler with its
 * knobs, hardware, exit model, allocator and co-scheduling on that host
 * alone, without consolidation, power tables, a horizon or threads.
 * Returns SIM_OK, or the error of a pilot run (then *rate is 0). */
int estimate_work_events(const struct sim_experiment *x, double *rate, struct sim_error *err);

#endif /* CLI_ESTIMATE_H */
