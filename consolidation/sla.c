/*
 * consolidation/sla.c - CloudSim's SLA metrics from streamed state entries
 * (definitions in sla.h).  Each host and VM keeps only its pending entry;
 * when a later entry arrives, the pending one is final and its state is
 * counted over the interval up to the new entry.  Sums are kept per host
 * and per VM and added up in index order at the end, as Helper.java does.
 */
#include "consolidation/sla.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct sla_entry {
    double t, alloc, req;
    bool flag;            /* host: active; VM: migrating */
    bool set;
};

struct sla_host {
    struct sla_entry pend;
    double viol_s, active_s;
    bool prev_active;     /* of the last final entry; CloudSim starts with true */
    double last_on;       /* when it last became active; starts at 0 */
};

struct sla_vm {
    struct sla_entry pend;
    double req_dt, alloc_dt, mig_under_dt;
};

struct cons_sla {
    int nhosts, nvms;
    double closed_req, closed_alloc, closed_mig;   /* of the VMs closed so far */
    struct sla_host *hosts;
    struct sla_vm *vms;
    long viol_n;          /* VM intervals under-allocated */
    double viol_sum;      /* sum of their (req - alloc) / req */
    long shut_n;          /* Welford over the times before shutdown */
    double shut_mean, shut_m2;
};

struct cons_sla *cons_sla_create(int nhosts, int nvms)
{
    struct cons_sla *s = xcalloc(1, sizeof *s);
    s->nhosts = nhosts;
    s->nvms = nvms;
    s->hosts = xcalloc((size_t)(nhosts > 0 ? nhosts : 1), sizeof *s->hosts);
    s->vms = xcalloc((size_t)(nvms > 0 ? nvms : 1), sizeof *s->vms);
    for (int h = 0; h < nhosts; h++)
        s->hosts[h].prev_active = true;
    return s;
}

void cons_sla_reserve_vms(struct cons_sla *s, int n)
{
    if (n <= s->nvms)
        return;
    int cap = s->nvms > 0 ? s->nvms : 1;
    while (cap < n)
        cap *= 2;
    s->vms = xrealloc(s->vms, (size_t)cap * sizeof *s->vms);
    memset(s->vms + s->nvms, 0, (size_t)(cap - s->nvms) * sizeof *s->vms);
    s->nvms = cap;
}

void cons_sla_destroy(struct cons_sla *s)
{
    if (!s)
        return;
    free(s->hosts);
    free(s->vms);
    free(s);
}

static void shutdown_add(struct cons_sla *s, double x)
{
    s->shut_n++;
    double d = x - s->shut_mean;
    s->shut_mean += d / (double)s->shut_n;
    s->shut_m2 += d * (x - s->shut_mean);
}

/* Entry e of host hs is final (or the last one, at the end): the
 * transition test of getTimesBeforeHostShutdown. */
static void host_transition(struct cons_sla *s, struct sla_host *hs, const struct sla_entry *e)
{
    if (hs->prev_active && !e->flag)
        shutdown_add(s, e->t - hs->last_on);
    if (!hs->prev_active && e->flag)
        hs->last_on = e->t;
    hs->prev_active = e->flag;
}

void cons_sla_host(struct cons_sla *s, int h, double t, double alloc_mips, double req_mips,
                   bool active)
{
    struct sla_host *hs = &s->hosts[h];
    struct sla_entry e = {t, alloc_mips, req_mips, active, true};
    if (hs->pend.set && hs->pend.t != t) {
        const struct sla_entry *p = &hs->pend;
        if (p->flag) {
            double dt = t - p->t;
            hs->active_s += dt;
            if (p->alloc < p->req)
                hs->viol_s += dt;
        }
        host_transition(s, hs, p);
    }
    hs->pend = e;
}

void cons_sla_vm(struct cons_sla *s, int v, double t, double alloc_mips, double req_mips,
                 bool migrating)
{
    struct sla_vm *vs = &s->vms[v];
    struct sla_entry e = {t, alloc_mips, req_mips, migrating, true};
    if (vs->pend.set && vs->pend.t != t) {
        const struct sla_entry *p = &vs->pend;
        double dt = t - p->t;
        vs->alloc_dt += p->alloc * dt;
        vs->req_dt += p->req * dt;
        if (p->alloc < p->req) {
            s->viol_n++;
            s->viol_sum += (p->req - p->alloc) / p->req;
            if (p->flag)
                vs->mig_under_dt += (p->req - p->alloc) * dt;
        }
    }
    vs->pend = e;
}

void cons_sla_vm_close(struct cons_sla *s, int v, double t)
{
    struct sla_vm *vs = &s->vms[v];
    if (vs->pend.set)
        cons_sla_vm(s, v, t, 0, 0, false);   /* ends the pending one */
    s->closed_req += vs->req_dt;
    s->closed_alloc += vs->alloc_dt;
    s->closed_mig += vs->mig_under_dt;
    memset(vs, 0, sizeof *vs);
}

void cons_sla_result(const struct cons_sla *s, struct cons_sla_result *r)
{
    double viol = 0, active = 0;
    /* The last entries still count for the shutdown transitions: work on
     * a copy of the running statistics. */
    struct cons_sla tmp = *s;
    for (int h = 0; h < s->nhosts; h++) {
        viol += s->hosts[h].viol_s;
        active += s->hosts[h].active_s;
        struct sla_host hs = s->hosts[h];
        if (hs.pend.set)
            host_transition(&tmp, &hs, &hs.pend);
    }
    double req = s->closed_req, alloc = s->closed_alloc, mig = s->closed_mig;
    for (int v = 0; v < s->nvms; v++) {
        req += s->vms[v].req_dt;
        alloc += s->vms[v].alloc_dt;
        mig += s->vms[v].mig_under_dt;
    }
    r->slatah = active > 0 ? viol / active : 0;
    r->pdm = req > 0 ? mig / req : 0;
    r->slav = r->slatah * r->pdm;
    r->overall = req > 0 ? (req - alloc) / req : 0;
    r->average = s->viol_n ? s->viol_sum / (double)s->viol_n : 0;
    r->shutdowns = tmp.shut_n;
    r->shutdown_mean_s = tmp.shut_n ? tmp.shut_mean : NAN;
    r->shutdown_sd_s = tmp.shut_n > 1 ? sqrt(tmp.shut_m2 / (double)(tmp.shut_n - 1)) : NAN;
}
