/*
 * cli/estimate.c - see estimate.h.
 */
#include "cli/estimate.h"

#include <stdio.h>
#include <string.h>

#include "sim/metrics.h"
#include "workloads/synthetic.h"

/* The class whose vCPUs exit most on hw (the pilot's, so that the
 * estimate bounds every class's), or NULL for the default. */
static const char *busiest_class(const struct sim_hw_tables *hw)
{
    if (!hw->rates || !hw->class_names)
        return NULL;
    size_t best = 0;
    for (size_t c = 1; c < hw->nclasses; c++)
        if (hw->rates[c].exits_per_s > hw->rates[best].exits_per_s)
            best = c;
    return best ? hw->class_names[best] : NULL;
}

/* The events of one pilot run: nvcpus one-vCPU guests of work_s each, all
 * arriving at 0, on px. */
static int pilot_events(const struct sim_experiment *px, int nvcpus, double work_s,
                        const char *cls, double *events, struct sim_error *err)
{
    char text[256];
    int len = snprintf(text, sizeof text, "n=%d,interarrival=det:0,work=det:%.17g", nvcpus,
                       work_s);
    if (cls)
        snprintf(text + len, sizeof text - (size_t)len, ",class=%s", cls);
    struct synth_spec spec;
    int rc = synth_parse(&spec, text, err);
    if (rc < 0)
        return rc;
    struct trace_options topt;
    trace_options_init(&topt);
    struct trace_reader src;
    synth_open(&src, &spec, px->seed, 0, &topt);
    struct sim *sim;
    rc = sim_create(&sim, px, 0, NULL, err);
    if (rc == SIM_OK) {
        rc = sim_run(sim, &src, err);
        if (rc == SIM_OK) {
            struct sim_result r;
            sim_result(sim, &r);
            *events = r.events;
        }
        sim_destroy(sim);
    }
    trace_close(&src);
    return rc;
}

int estimate_work_events(const struct sim_experiment *x, double *rate, struct sim_error *err)
{
    *rate = 0;
    /* x's first host alone, as x runs it, without what would add events
     * of its own (a manager's steps, metering, timeline samples) or stop
     * the run early */
    struct sim_host_spec host = x->hosts[0];
    host.power = NULL;
    if (host.cores > ESTIMATE_PILOT_CORES_MAX) {
        host.cores = ESTIMATE_PILOT_CORES_MAX;
        host.sockets = host.sockets > 1 ? 2 : host.sockets;
        host.class_affinity = NULL;   /* pins to cores it no longer has */
    }
    struct sim_experiment px = *x;
    px.nhosts = 1;
    px.hosts = &host;
    px.overcommit = 0;
    px.admission_reject = false;
    px.horizon = 0;
    px.threads = 1;
    px.warmup = 0;
    px.sample = 0;
    px.power_aware = false;
    memset(&px.cons.detector, 0, sizeof px.cons.detector);
    const struct sim_hw_tables *hw = host.hw ? host.hw : &x->hw;
    const char *cls = busiest_class(hw);
    int nvcpus = 2 * host.cores;
    double e1 = 0, e2 = 0;
    int rc = pilot_events(&px, nvcpus, ESTIMATE_PILOT_WORK_S, cls, &e1, err);
    if (rc == SIM_OK)
        rc = pilot_events(&px, nvcpus, ESTIMATE_PILOT_WORK2_S, cls, &e2, err);
    if (rc < 0)
        return rc;
    double extra = (double)nvcpus * (ESTIMATE_PILOT_WORK2_S - ESTIMATE_PILOT_WORK_S);
    *rate = e2 > e1 ? (e2 - e1) / extra : 0;
    return SIM_OK;
}
