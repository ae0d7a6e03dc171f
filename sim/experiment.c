/* sim/experiment.c - building a struct sim_experiment (sim/engine.h). */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "sim/engine.h"

int sim_experiment_init(struct sim_experiment *x, struct sim_error *err)
{
    memset(x, 0, sizeof *x);
    x->hw_name = "none";
    x->seed = 1;
    sim_experiment_uniform(x, 1, 1, 0);
    int rc = policy_choose_info(&x->sched, registry_at(&sched_registry, 0), err);
    if (rc == SIM_OK)
        rc = policy_choose_info(&x->alloc, registry_at(&alloc_registry, 0), err);
    if (rc == SIM_OK)
        rc = policy_choose_info(&x->place, registry_at(&place_registry, 0), err);
    if (rc == SIM_OK)
        rc = cons_config_init(&x->cons, err);
    if (rc == SIM_OK) {
        /* hvsim's own choices (the preset takes CloudSim's): the first of
         * each family, and what is physically right where CloudSim errs */
        cons_quirks_right(&x->cons.quirks);
        rc = policy_choose_info(&x->cons.migration,
                                registry_at(&cons_migration_registry, 0), err);
        x->power_aware = true;
    }
    if (rc < 0)
        sim_experiment_release(x);
    return rc;
}

void sim_experiment_uniform(struct sim_experiment *x, int nhosts, int ncores, double mem_mb)
{
    free(x->hosts);
    x->nhosts = nhosts;
    x->hosts = xcalloc((size_t)(nhosts > 0 ? nhosts : 1), sizeof *x->hosts);
    for (int i = 0; i < nhosts; i++) {
        x->hosts[i].cores = ncores;
        x->hosts[i].mem_mb = mem_mb;
    }
}

void sim_experiment_hosts(struct sim_experiment *x, const struct sim_host_spec *specs, int n)
{
    free(x->hosts);
    x->nhosts = n;
    x->hosts = xcalloc((size_t)(n > 0 ? n : 1), sizeof *x->hosts);
    memcpy(x->hosts, specs, (size_t)n * sizeof *specs);
}

long sim_experiment_cores(const struct sim_experiment *x)
{
    long n = 0;
    for (int i = 0; i < x->nhosts; i++)
        n += x->hosts[i].cores;
    return n;
}

void sim_experiment_release(struct sim_experiment *x)
{
    policy_release(&x->sched);
    policy_release(&x->alloc);
    policy_release(&x->place);
    cons_config_release(&x->cons);
    free(x->hosts);
    x->hosts = NULL;
    x->nhosts = 0;
}
