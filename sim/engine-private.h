/*
 * sim/engine-private.h - struct sim and the engine functions shared by
 * the files of the engine (engine.c, fluid.c, experiment.c); not for
 * policies, outputs or the command line, which see struct sim only
 * through sim/engine.h.
 */
#ifndef SIM_ENGINE_PRIVATE_H
#define SIM_ENGINE_PRIVATE_H

#include "sim/engine.h"

/* Which kind of guest a run holds: hvsim runs one kind at a time. */
enum sim_mode {
    SIM_MODE_NONE,      /* no guest yet */
    SIM_MODE_JOBS,      /* guests with fixed work, scheduled vCPU by vCPU */
    SIM_MODE_SERIES,    /* guests with a utilisation series, served as fluids */
};

struct sim {
    sim_time_t now;
    struct evq evq;
    struct sim_rng rng;
    const struct sim_experiment *x;   /* what to run (borrowed) */
    struct sim_hooks hooks;
    uint64_t rep;                /* replication number */
    const struct sched_ops *sched;    /* x->sched's ops, and so on */
    const struct alloc_ops *alloc;
    const struct place_ops *place;
    sim_time_t alloc_period;     /* the allocator's re-allocation period, 0 = none */
    int nhosts;
    struct host *hosts;
    struct pcpu *cores;          /* all cores, host-major */
    int ncores_total;
    struct sim_metrics metrics;
    /* workload */
    struct trace_reader *source;
    struct trace_record pending; /* the next guest, read ahead */
    bool have_pending;
    struct sim_event arrival_ev;
    uint64_t next_guest_seq;
    struct guest *free_guests;   /* completed guests, reused */
    struct guest *admit_head, *admit_tail; /* waiting for memory, FIFO */
    long live_guests;            /* allocated and not freed: bounded by the system */
    long peak_live_guests;
    /* timeline */
    struct sim_event sample_ev;
    sim_time_t sample;           /* its interval (widened by an adaptive consumer) */
    sim_time_t last_sample;
    double *sample_busy;         /* per host: busy ns at the last sample */
    double *sample_acc;          /* per host: demand, grant, used core-s at the last sample */
    struct sim_event realloc_ev; /* the allocator's interval */
    enum sim_mode mode;
    long violations;
    char violation[256];
    /* a bad record met during the run stops it */
    int status;
    struct sim_error error;
};

/* 1 + h of g's class on its host: core ns per ns of reference work (1 on
 * ideal hardware). */
double sim__class_factor(const struct sim *sim, const struct guest *g);

/* g has finished: record it, free its memory on its host, release it. */
void sim__guest_complete(struct sim *sim, struct guest *g);

/* Charge the overhead of `done` reference seconds of g's work. */
void sim__charge_work(struct sim *sim, struct guest *g, double done);

#endif /* SIM_ENGINE_PRIVATE_H */
