/*
 * consolidation/cloudsim.c - CloudSim 5.0's PlanetLab data centre, time
 * stepped, driving the consolidation manager through its view.
 *
 * Paths: X/ = modules/cloudsim-examples/src/main/java/org/cloudbus/
 * cloudsim/examples/power/, C/ = modules/cloudsim/src/main/java/org/
 * cloudbus/cloudsim/ at tag 5.0 (commit 6790fecd).
 *
 * Set-up (X/Helper.java:64-111, X/Constants.java, X/planetlab/):
 *   host i: type i % 2, G4 = 2 x 1860 MIPS, G5 = 2 x 2660 MIPS, 4096 MB,
 *   1 Gbit/s; VM i runs trace file i (sorted names) and has type
 *   i / ceil(n / 4): 2500/2000/1000/500 MIPS, 870/1740/1740/613 MB,
 *   100 Mbit/s.  Demand u(t) x VM MIPS, u linearly interpolated between
 *   the 5-minute samples (C/UtilizationModelPlanetLabInMemory.java).
 *
 * Time.  CloudSim is event driven, but in this experiment its events are
 * few and known: VMs are created at 0, their cloudlets start at 0.1, the
 * data centre updates at 300.1, 600.1, ... (each time + 300, as the
 * clock adds them), and each migration ends RAM / (BW / 2) after it
 * started.  We replay exactly those, in CloudSim's order:
 *
 *  at a data-centre event t (PowerDatacenter.updateCloudletProcessing,
 *  C/power/PowerDatacenter.java:79-143):
 *    update(t): every host re-shares its CPU among its VMs at their
 *      demand u(t) (C/HostDynamicWorkload.java:34-111) and records host
 *      and VM states (SLA); the energy of [last, t] is added; VMs asking
 *      exactly 0 MIPS are removed (233-240);
 *    the manager plans (cons_manager_optimize); CloudSim then restores
 *      its hosts, incoming VMs first (Abstract.restoreAllocation 537-551);
 *    each planned migration starts now: the target takes the VM in as
 *      incoming (C/Host.java addMigratingInVm), both hosts re-share.
 *  at a migration's end t_m (PowerDatacenter.processVmMigrate, 248-256):
 *    update(t_m) unless one ran at t_m already; the VM leaves its source
 *    and is created on the target (C/Datacenter.java:265-298); after the
 *    last migration ending at t_m, update(t_m) again (no energy: dt = 0).
 *  Events at or after 86400 s are not processed (C/core/CloudSim.java:
 *  892-896): the last update is at 86100.1 s or at the last migration's
 *  end.
 *
 * CPU sharing (C/VmSchedulerTimeSharedOverSubscription.java): VMs are
 * served in the host's order; a request is capped at one core; a VM
 * migrating out is given 90 % of it, one migrating in reserves 10 %; if
 * the requests do not fit, all are scaled to fit and rounded down.
 *
 * The host and VM lists keep CloudSim's order, because the order decides
 * ties (MMT's first VM, the host scans) and the sharing.  Floating-point
 * operations are done in CloudSim's order too (the interpolation, the
 * 0.9 factors, the power interpolation), so that the zero tests and
 * thresholds fall as they fall in Java.
 *
 * Cost: a step is O(hosts + VMs) for the updates plus the manager; the
 * bundled day (1,052 VMs, 287 steps, ~28,000 migrations) runs in a
 * fraction of a second.  Memory: the traces (289 doubles a VM) and
 * O(hosts + VMs) state.
 */
#include "consolidation/cloudsim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "consolidation/cons-private.h"
#include "consolidation/power.h"
#include "consolidation/precopy.h"
#include "base/xalloc.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

/* UtilizationModelPlanetLabInMemory: data = new double[289], 288 read. */
#define CS_SAMPLES 289
#define CS_READ 288

/* X/Constants.java:41-45 (VM types) and 54-58 (host types). */
static const struct {
    double mips;
    double ram_mb;
} cs_vm_types[4] = {{2500, 870}, {2000, 1740}, {1000, 1740}, {500, 613}};
#define CS_VM_BW_MBIT 100.0      /* VM_BW 100000 kbit/s */
static const struct {
    double pe_mips;
    int pes;
    const char *power;
} cs_host_types[2] = {{1860, 2, "hp-proliant-ml110-g4"}, {2660, 2, "hp-proliant-ml110-g5"}};
const char *cons_cloudsim_host_power(int h) { return cs_host_types[h % 2].power; }
double cons_cloudsim_host_core_mips(int h) { return cs_host_types[h % 2].pe_mips; }
int cons_cloudsim_host_cores(int h) { return cs_host_types[h % 2].pes; }

#define CS_HOST_RAM_MB 4096.0
#define CS_HOST_BW_MBIT 1000.0   /* HOST_BW 1000000 kbit/s */

void cons_cloudsim_quirks_on(struct cons_cloudsim_quirks *q)
{
    q->remove_zero_demand_vms = true;
    q->events_offset = true;
    q->zero_util_is_off = true;
    q->energy_cloudsim = true;
    q->oversubscription_floor = true;
    q->ram_released = true;
    q->history_of_demand = true;
}

void cons_cloudsim_quirks_off(struct cons_cloudsim_quirks *q)
{
    q->remove_zero_demand_vms = false;
    q->events_offset = false;
    q->zero_util_is_off = false;
    q->energy_cloudsim = false;
    q->oversubscription_floor = false;
    q->ram_released = false;
    q->history_of_demand = false;
}

int cons_cloudsim_config_init(struct cons_cloudsim_config *c, struct sim_error *err)
{
    memset(c, 0, sizeof *c);
    c->mode = CONS_CLOUDSIM_MIGRATE;
    cons_cloudsim_quirks_on(&c->quirks);
    c->hosts = 800;
    c->interval = 300;
    c->duration = 86400;
    return cons_config_init(&c->manager, err);
}

void cons_cloudsim_config_release(struct cons_cloudsim_config *c)
{
    cons_config_release(&c->manager);
}

/* ----------------------------------------------------------------- state */

struct cs_vm {
    double mips, ram_mb;
    const double *data;       /* CS_SAMPLES utilisation values */
    double prev_time;         /* the cloudlet scheduler's last update */
    double req;               /* MIPS requested, as of prev_time */
    double hist_time;         /* PowerVm.previousTime */
    double hist[CONS_HISTORY_MAX];
    int hist_len;
    int host;                 /* vmTable: its host, -1 */
    bool started;             /* its cloudlet was submitted */
    bool instantiating;       /* being created: requests its full size */
    bool in_migration;
    bool paused;              /* in its stop-and-copy: runs nowhere */
    bool removed;
    double src_share, dst_share;  /* of the migration under way */
};

struct cs_host {
    double pe_mips, mips;
    const struct cons_power *power;
    struct cons_slot *slots;  /* the VM list, in order; alloc = the scheduler's share */
    double *slot_req;         /* what each asked for at its last allocation */
    double *slot_ram, *slot_bw;
    int n, cap;
    int *mig_in;              /* vmsMigratingIn, in order */
    int nin;
    size_t cap_in;
    double avail;             /* the scheduler's available MIPS */
    double ram_free, bw_free;
    double util, prev_util;   /* MIPS in use now and at the update before */
    bool on, prev_on;
    struct cons_cloudsim_host out;   /* what it reports */
};

/* Where time t falls among the samples: what
 * UtilizationModelPlanetLabInMemory.getUtilization(t) computes before it
 * looks at the data, kept for the last t asked (every VM of an update asks
 * for the same t). */
struct cs_tpos {
    double t;
    bool exact;               /* t % interval == 0: sample k itself */
    int k, t1, t2;
    double span, off;         /* (t2 - t1) x interval, t - t1 x interval */
};

struct cs_event {
    double t;
    long seq;
    int vm, to;
    bool pause;               /* the stop-and-copy starts (else: the migration ends) */
};

struct cs {
    const struct cons_cloudsim_config *c;
    const struct cons_cloudsim_quirks *q;
    struct cons_power power[2];
    int nh, nv;
    struct cs_host *hosts;
    struct cs_vm *vms;
    double *data;
    double last;              /* lastProcessTime */
    double energy_j;
    struct cons_manager *mgr;
    const struct cons_migration *mig;
    struct cons_migration own_mig; /* NPA/DVFS: no manager */
    struct cons_sla *sla;
    struct cons_cloudsim_result *r;
    double dirty_mb_s, wws_mb;
    /* the view */
    struct cons_host *vh;
    struct cons_vm *vv;
    struct cons_dc dc;
    /* migration ends: a binary heap on (t, seq) */
    struct cs_event *heap;
    size_t nheap, cap_heap;
    long seq;
    struct cs_tpos tpos;      /* of the last update time */
};

/* --------------------------------------------------------------- demand */

static void tpos_set(struct cs_tpos *p, double t, double iv)
{
    p->t = t;
    p->exact = fmod(t, iv) == 0;
    p->k = (int)t / (int)iv;
    p->t1 = (int)floor(t / iv);
    p->t2 = (int)ceil(t / iv);
    p->span = (p->t2 - p->t1) * iv;
    p->off = t - p->t1 * iv;
}

/* getUtilization(t), in Java's order of operations:
 * u1 + (u2 - u1) / ((t2 - t1) x interval) x (t - t1 x interval). */
static double tpos_util(const struct cs_tpos *p, const double *data)
{
    if (p->exact)
        return data[p->k];
    double u1 = data[p->t1], u2 = data[p->t2];
    double delta = (u2 - u1) / p->span;
    return u1 + delta * p->off;
}

static double cs_util(struct cs *cs, const double *data, double t)
{
    if (t != cs->tpos.t)
        tpos_set(&cs->tpos, t, cs->c->interval);
    return tpos_util(&cs->tpos, data);
}

static double vm_ram_req(const struct cs *cs, const struct cs_vm *vm)
{
    return vm->instantiating || !cs->q->ram_released ? vm->ram_mb : 0;
}

static double vm_bw_req(const struct cs *cs, const struct cs_vm *vm)
{
    return vm->instantiating || !cs->q->ram_released ? CS_VM_BW_MBIT : 0;
}

static double vm_req_now(const struct cs_vm *vm)
{
    return vm->instantiating ? vm->mips : vm->req;
}

/* Vm.updateVmProcessing -> CloudletSchedulerDynamicWorkload: the
 * scheduler's clock moves to t and the request follows u(t). */
static void vm_update(struct cs *cs, struct cs_vm *vm, double t)
{
    vm->prev_time = t;
    vm->req = vm->started ? cs_util(cs, vm->data, t) * vm->mips : 0;
}

/* PowerVm.updateVmProcessing, 83-93: a sample per interval. */
static bool history_due(const struct cs *cs, const struct cs_vm *vm, double t)
{
    if (!(t > vm->hist_time))
        return false;
    double k = cs->q->events_offset ? t - 0.1 : t;
    return fmod(k, cs->c->interval) == 0;
}

static void history_push(struct cs_vm *vm, double u)
{
    int n = vm->hist_len < CONS_HISTORY_MAX ? vm->hist_len : CONS_HISTORY_MAX - 1;
    memmove(vm->hist + 1, vm->hist, (size_t)n * sizeof *vm->hist);
    vm->hist[0] = u;
    vm->hist_len = n + 1;
}

/* ------------------------------------------------------------ CPU shares */

/* VmSchedulerTimeSharedOverSubscription: the shares of h's VMs from what
 * each asked for at its last allocation, served in list order. */
static void host_allocate(struct cs *cs, struct cs_host *H)
{
    double total = H->mips, avail = total, sum = 0;
    bool over = false;
    for (int i = 0; i < H->n; i++) {
        const struct cs_vm *vm = &cs->vms[H->slots[i].vm];
        double capped = H->slot_req[i] > H->pe_mips ? H->pe_mips : H->slot_req[i];
        double need = capped;
        if (H->slots[i].incoming)
            need *= vm->dst_share;
        else if (vm->paused)
            need = 0;
        sum += need;
        if (!over) {
            if (avail >= need)
                avail -= need;
            else
                over = true;
        }
    }
    for (int i = 0; i < H->n; i++) {
        const struct cs_vm *vm = &cs->vms[H->slots[i].vm];
        double mips = H->slot_req[i] > H->pe_mips ? H->pe_mips : H->slot_req[i];
        bool out = vm->in_migration && !H->slots[i].incoming;
        if (out && vm->paused) {
            H->slots[i].alloc_mips = 0;
            continue;
        }
        if (!over) {
            if (out)
                mips *= vm->src_share;
            else if (H->slots[i].incoming)
                mips *= vm->dst_share;
        } else {
            double scale = total / sum;
            if (out) {
                mips *= scale;
                mips *= vm->src_share;
            } else if (H->slots[i].incoming) {
                mips *= vm->dst_share;
                mips *= scale;
            } else {
                mips *= scale;
            }
            if (cs->q->oversubscription_floor)
                mips = floor(mips);
        }
        H->slots[i].alloc_mips = mips;
    }
    H->avail = over ? 0 : avail;
}

/* HostDynamicWorkload.getUtilizationOfCpu: a share, 1 if just above. */
static double host_util_frac(const struct cs_host *H, double mips)
{
    double u = mips / H->mips;
    if (u > 1 && u < 1.01)
        u = 1;
    return u;
}

static bool host_is_on(const struct cs *cs, const struct cs_host *H)
{
    return cs->q->zero_util_is_off ? H->util > 0 : H->n > 0;
}

/* HostDynamicWorkload.updateVmsProcessing(t), 34-111. */
static void host_update(struct cs *cs, int h, double t)
{
    struct cs_host *H = &cs->hosts[h];
    for (int i = 0; i < H->n; i++)
        vm_update(cs, &cs->vms[H->slots[i].vm], t);
    H->prev_util = H->util;
    H->prev_on = H->on;
    for (int i = 0; i < H->n; i++)
        H->slot_req[i] = vm_req_now(&cs->vms[H->slots[i].vm]);
    host_allocate(cs, H);
    double util = 0, req = 0;
    for (int i = 0; i < H->n; i++) {
        int v = H->slots[i].vm;
        struct cs_vm *vm = &cs->vms[v];
        double r = vm_req_now(vm), alloc = H->slots[i].alloc_mips;
        if (!H->slots[i].incoming) {
            if (history_due(cs, vm, t)) {
                double u = cs->q->history_of_demand
                               ? (vm->started ? cs_util(cs, vm->data, vm->prev_time) : 0)
                               : alloc / vm->mips;
                if (t != 0 || u != 0)
                    history_push(vm, u);
                vm->hist_time = t;
            }
            cons_sla_vm(cs->sla, v, t, alloc, r, vm->in_migration);
            if (vm->in_migration)
                alloc /= vm->src_share;
        }
        util += alloc;
        req += r;
    }
    H->util = util;
    H->on = host_is_on(cs, H);
    cons_sla_host(cs->sla, h, t, util, req, H->on);
}

/* ------------------------------------------------------------ VM lists */

static void slot_append(struct cs_host *H, int v, bool incoming, double req, double ram, double bw)
{
    if (H->n == H->cap) {
        H->cap = H->cap ? 2 * H->cap : 8;
        H->slots = xrealloc(H->slots, (size_t)H->cap * sizeof *H->slots);
        H->slot_req = xrealloc(H->slot_req, (size_t)H->cap * sizeof *H->slot_req);
        H->slot_ram = xrealloc(H->slot_ram, (size_t)H->cap * sizeof *H->slot_ram);
        H->slot_bw = xrealloc(H->slot_bw, (size_t)H->cap * sizeof *H->slot_bw);
    }
    H->slots[H->n] = (struct cons_slot){v, 0, incoming};
    H->slot_req[H->n] = req;
    H->slot_ram[H->n] = ram;
    H->slot_bw[H->n] = bw;
    H->ram_free -= ram;
    H->bw_free -= bw;
    H->n++;
}

/* Remove VM v's slot (incoming or not) from H; false if it has none. */
static bool slot_remove(struct cs_host *H, int v, bool incoming)
{
    int i = 0;
    while (i < H->n && !(H->slots[i].vm == v && H->slots[i].incoming == incoming))
        i++;
    if (i == H->n)
        return false;
    H->ram_free += H->slot_ram[i];
    H->bw_free += H->slot_bw[i];
    size_t k = (size_t)(H->n - i - 1);
    memmove(H->slots + i, H->slots + i + 1, k * sizeof *H->slots);
    memmove(H->slot_req + i, H->slot_req + i + 1, k * sizeof *H->slot_req);
    memmove(H->slot_ram + i, H->slot_ram + i + 1, k * sizeof *H->slot_ram);
    memmove(H->slot_bw + i, H->slot_bw + i + 1, k * sizeof *H->slot_bw);
    H->n--;
    return true;
}

static bool mig_in_has(const struct cs_host *H, int v)
{
    for (int i = 0; i < H->nin; i++)
        if (H->mig_in[i] == v)
            return true;
    return false;
}

static void mig_in_remove(struct cs_host *H, int v)
{
    for (int i = 0; i < H->nin; i++)
        if (H->mig_in[i] == v) {
            memmove(H->mig_in + i, H->mig_in + i + 1, (size_t)(H->nin - i - 1) * sizeof *H->mig_in);
            H->nin--;
            return;
        }
}

/* Host.vmCreate: reserve RAM and link, append, share.  Fails (CloudSim
 * then stops the run) if RAM or link do not fit. */
static int vm_create(struct cs *cs, int h, int v, struct sim_error *err)
{
    struct cs_host *H = &cs->hosts[h];
    struct cs_vm *vm = &cs->vms[v];
    double ram = vm_ram_req(cs, vm), bw = vm_bw_req(cs, vm);
    if (H->ram_free < ram || H->bw_free < bw)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                             "VM %d does not fit host %d (RAM or link); CloudSim stops here", v, h);
    slot_append(H, v, false, vm_req_now(vm), ram, bw);
    host_allocate(cs, H);
    vm->host = h;
    return 0;
}

/* Host.vmDestroy via deallocateHostForVm. */
static void vm_destroy(struct cs *cs, int v)
{
    struct cs_vm *vm = &cs->vms[v];
    if (vm->host < 0)
        return;
    struct cs_host *H = &cs->hosts[vm->host];
    slot_remove(H, v, false);
    host_allocate(cs, H);
    vm->host = -1;
}

/* ---------------------------------------------------------------- energy */

static double frame_energy(const struct cs *cs, const struct cs_host *H, double dt)
{
    double from = host_util_frac(H, H->prev_util), to = host_util_frac(H, H->util);
    if (cs->q->energy_cloudsim) {
        /* PowerHost.getEnergyLinearInterpolation, 114-121. */
        if (from == 0)
            return 0;
        double pf = cons_power_at(H->power, from), pt = cons_power_at(H->power, to);
        return (pf + (pt - pf) / 2) * dt;
    }
    if (!H->prev_on)
        return 0;
    return cons_power_mean(H->power, from > 1 ? 1 : from, to > 1 ? 1 : to) * dt;
}

/* PowerDatacenter.updateCloudetProcessingWithoutSchedulingFutureEventsForce
 * (169-246), or PowerDatacenterNonPowerAware.updateCloudletProcessing for
 * NPA (full power whatever the load, metered before the update). */
/* Energy of host h over the frame that ends now. */
static void meter(struct cs *cs, int h, double j)
{
    cs->energy_j += j;
    cs->hosts[h].out.energy_j += j;
}

/* Each host as it reports itself after an update. */
static void host_report(struct cs *cs)
{
    for (int h = 0; h < cs->nh; h++) {
        struct cs_host *H = &cs->hosts[h];
        struct cons_cloudsim_host *o = &H->out;
        double u = host_util_frac(H, H->util);
        o->util = u;
        o->req_mips = o->alloc_mips = 0;
        o->vms = 0;
        for (int i = 0; i < H->n; i++) {
            if (H->slots[i].incoming)
                continue;
            o->vms++;
            o->req_mips += H->slot_req[i] > H->pe_mips ? H->pe_mips : H->slot_req[i];
            o->alloc_mips += H->slots[i].alloc_mips;
        }
        o->on = cs->c->mode == CONS_CLOUDSIM_NPA || H->on;
        o->power_w = cs->c->mode == CONS_CLOUDSIM_NPA ? cons_power_at(H->power, 1.0)
                     : H->on                          ? cons_power_at(H->power, u > 1 ? 1 : u)
                                                      : 0;
    }
}

/* The periodic update at t, reported (the timeline). */
static void report_step(struct cs *cs, double t, double dt)
{
    host_report(cs);
    struct cons_cloudsim_step s = {.t = t, .dt = dt};
    struct cons_cloudsim_host *hs = xmalloc((size_t)cs->nh * sizeof *hs);
    for (int h = 0; h < cs->nh; h++) {
        hs[h] = cs->hosts[h].out;
        s.vms += hs[h].vms;
    }
    s.hosts = hs;
    cs->c->on_step(cs->c->ctx, &s);
    free(hs);
}

static void dc_update(struct cs *cs, double t)
{
    double dt = t - cs->last;
    if (cs->c->mode == CONS_CLOUDSIM_NPA && dt > 0)
        for (int h = 0; h < cs->nh; h++)
            meter(cs, h, cons_power_at(cs->hosts[h].power, 1.0) * dt);
    for (int h = 0; h < cs->nh; h++)
        host_update(cs, h, t);
    if (cs->c->mode != CONS_CLOUDSIM_NPA && dt > 0)
        for (int h = 0; h < cs->nh; h++)
            meter(cs, h, frame_energy(cs, &cs->hosts[h], dt));
    for (int h = 0; h < cs->nh; h++) {
        struct cs_host *H = &cs->hosts[h];
        bool was = cs->c->mode == CONS_CLOUDSIM_NPA || H->prev_on;
        bool is = cs->c->mode == CONS_CLOUDSIM_NPA || H->on;
        if (was && dt > 0)
            H->out.on_s += dt;
        if (was && !is)
            H->out.shutdowns++;
    }
    if (cs->q->remove_zero_demand_vms) {
        /* HostDynamicWorkload.getCompletedVms, host by host. */
        for (int h = 0; h < cs->nh; h++) {
            struct cs_host *H = &cs->hosts[h];
            for (int i = 0; i < H->n;) {
                struct cs_vm *vm = &cs->vms[H->slots[i].vm];
                if (!vm->in_migration && !H->slots[i].incoming && vm_req_now(vm) == 0) {
                    int v = H->slots[i].vm;
                    vm_destroy(cs, v);
                    vm->removed = true;
                    cs->r->vms_removed++;
                    continue;   /* the list moved up */
                }
                i++;
            }
        }
    }
    cs->last = t;
}

/* ------------------------------------------------------------ migrations */

static void heap_push(struct cs *cs, struct cs_event e)
{
    cs->heap = xgrow(cs->heap, &cs->cap_heap, cs->nheap + 1, sizeof *cs->heap);
    size_t i = cs->nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        const struct cs_event *pe = &cs->heap[p];
        if (pe->t < e.t || (pe->t == e.t && pe->seq < e.seq))
            break;
        cs->heap[i] = *pe;
        i = p;
    }
    cs->heap[i] = e;
}

static struct cs_event heap_pop(struct cs *cs)
{
    struct cs_event top = cs->heap[0], last = cs->heap[--cs->nheap];
    size_t i = 0, n = cs->nheap;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        const struct cs_event *best = &last;
        if (l < n && (cs->heap[l].t < best->t || (cs->heap[l].t == best->t && cs->heap[l].seq < best->seq))) {
            m = l;
            best = &cs->heap[l];
        }
        if (l + 1 < n && (cs->heap[l + 1].t < best->t ||
                          (cs->heap[l + 1].t == best->t && cs->heap[l + 1].seq < best->seq)))
            m = l + 1;
        if (m == i)
            break;
        cs->heap[i] = cs->heap[m];
        i = m;
    }
    if (n > 0)
        cs->heap[i] = last;
    return top;
}

/* Host.addMigratingInVm on the target, then the migration's end is
 * scheduled (PowerDatacenter 119-130). */
static int migration_start(struct cs *cs, int v, int to, double t, struct sim_error *err)
{
    struct cs_vm *vm = &cs->vms[v];
    struct cs_host *T = &cs->hosts[to];
    struct cons_migration_input in = {vm->ram_mb, CS_HOST_BW_MBIT, cs->dirty_mb_s, cs->wws_mb};
    struct cons_migration_cost cost;
    cons_migration_cost(cs->mig, &in, &cost);
    vm->in_migration = true;
    vm->src_share = cost.src_share;
    vm->dst_share = cost.dst_share;
    if (!mig_in_has(T, v)) {
        double ram = vm_ram_req(cs, vm), bw = vm_bw_req(cs, vm);
        if (T->ram_free < ram || T->bw_free < bw)
            return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                                 "migration of VM %d: host %d lacks RAM or link; CloudSim stops here",
                                 v, to);
        T->mig_in = xgrow(T->mig_in, &T->cap_in, (size_t)T->nin + 1, sizeof *T->mig_in);
        T->mig_in[T->nin++] = v;
        slot_append(T, v, true, vm_req_now(vm), ram, bw);
        host_allocate(cs, T);
        host_update(cs, to, t);
        if (vm->host >= 0)
            host_update(cs, vm->host, t);
    }
    cs->r->migrations++;
    T->out.migrations_in++;
    if (vm->host >= 0)
        cs->hosts[vm->host].out.migrations_out++;
    cs->r->migration_s += cost.total_s;
    cs->r->downtime_s += cost.downtime_s;
    cs->r->migration_mb += cost.mb_sent;
    if (cost.downtime_s > 0)
        heap_push(cs, (struct cs_event){t + cost.total_s - cost.downtime_s, cs->seq++, v, to, true});
    heap_push(cs, (struct cs_event){t + cost.total_s, cs->seq++, v, to, false});
    return 0;
}

/* Datacenter.processVmMigrate, 265-298. */
static int migration_end(struct cs *cs, const struct cs_event *e, struct sim_error *err)
{
    struct cs_vm *vm = &cs->vms[e->vm];
    struct cs_host *T = &cs->hosts[e->to];
    vm_destroy(cs, e->vm);
    slot_remove(T, e->vm, true);
    mig_in_remove(T, e->vm);
    vm->in_migration = false;
    vm->paused = false;
    host_allocate(cs, T);
    return vm_create(cs, e->to, e->vm, err);
}

/* Abstract.restoreAllocation: every host re-creates its VMs, the incoming
 * ones first, each reserving what it requests now. */
static void restore_all(struct cs *cs)
{
    for (int h = 0; h < cs->nh; h++) {
        struct cs_host *H = &cs->hosts[h];
        if (H->nin > 0) {
            int k = 0;
            /* incoming first, in vmsMigratingIn order; the rest keep theirs */
            struct cons_slot *s = xmalloc((size_t)H->n * sizeof *s);
            double *rq = xmalloc((size_t)H->n * sizeof *rq);
            for (int i = 0; i < H->nin; i++)
                for (int j = 0; j < H->n; j++)
                    if (H->slots[j].incoming && H->slots[j].vm == H->mig_in[i]) {
                        s[k] = H->slots[j];
                        rq[k++] = H->slot_req[j];
                    }
            for (int j = 0; j < H->n; j++)
                if (!H->slots[j].incoming) {
                    s[k] = H->slots[j];
                    rq[k++] = H->slot_req[j];
                }
            memcpy(H->slots, s, (size_t)k * sizeof *s);
            memcpy(H->slot_req, rq, (size_t)k * sizeof *rq);
            free(s);
            free(rq);
        }
        H->ram_free = CS_HOST_RAM_MB;
        H->bw_free = CS_HOST_BW_MBIT;
        for (int i = 0; i < H->n; i++) {
            const struct cs_vm *vm = &cs->vms[H->slots[i].vm];
            H->slot_ram[i] = vm_ram_req(cs, vm);
            H->slot_bw[i] = vm_bw_req(cs, vm);
            H->slot_req[i] = vm_req_now(vm);
            H->ram_free -= H->slot_ram[i];
            H->bw_free -= H->slot_bw[i];
        }
        host_allocate(cs, H);
    }
}

/* ------------------------------------------------------------------ view */

static void view_sync(struct cs *cs, double now)
{
    for (int h = 0; h < cs->nh; h++) {
        const struct cs_host *H = &cs->hosts[h];
        struct cons_host *v = &cs->vh[h];
        v->avail_mips = H->avail;
        v->ram_free_mb = H->ram_free;
        v->bw_free_mbit = H->bw_free;
        v->util = host_util_frac(H, H->util);
        v->on = H->on;
        v->slots = H->slots;
        v->nslots = H->n;
    }
    for (int i = 0; i < cs->nv; i++) {
        const struct cs_vm *vm = &cs->vms[i];
        struct cons_vm *v = &cs->vv[i];
        v->req_mips = vm_req_now(vm);
        v->ram_mb = vm_ram_req(cs, vm);
        v->bw_mbit = vm_bw_req(cs, vm);
        v->hist_len = vm->hist_len;
        v->host = vm->removed ? -1 : vm->host;
        v->migrating = vm->in_migration;
    }
    cs->dc.now = now;
}

/* ----------------------------------------------------------------- setup */

static int load_trace(struct cs *cs, struct sim_error *err)
{
    char **names = NULL;
    size_t n = 0;
    int rc = textio_list_dir(cs->c->trace_dir, &names, &n, NULL, 0, err);
    if (rc < 0)
        return rc;
    if (n == 0) {
        textio_free_names(names, n);
        return sim_error_set(err, SIM_EINVAL, cs->c->trace_dir, 0, 0,
                             "empty directory (expected one PlanetLab file per VM)");
    }
    cs->nv = (int)n;
    cs->data = xcalloc(n * CS_SAMPLES, sizeof *cs->data);
    struct trace_options opt;
    trace_options_init(&opt);
    opt.format = "planetlab";
    struct trace_reader r;
    if ((rc = trace_open(&r, cs->c->trace_dir, &opt, err)) < 0) {
        textio_free_names(names, n);
        return rc;
    }
    struct trace_record rec;
    trace_record_init(&rec);
    size_t idx = 0;
    /* The reader takes the files in strcmp order of their names (CloudSim
     * takes readdir order; the reference runs sorted them the same way)
     * and skips files that are all 0: those keep zeros here, as CloudSim
     * reads them. */
    while ((rc = trace_next(&r, &rec, err)) == TRACE_RECORD) {
        while (idx < n && strncmp(names[idx], rec.id, TRACE_ID_MAX - 1) != 0)
            idx++;
        if (idx == n) {
            rc = sim_error_set(err, SIM_EINTERNAL, cs->c->trace_dir, 0, 0,
                               "trace record \"%s\" out of name order", rec.id);
            break;
        }
        if (!rec.series || rec.series->n < CS_READ) {
            rc = sim_error_set(err, SIM_EINVAL, cs->c->trace_dir, 0, 0,
                               "%s: %zu samples, CloudSim reads %d (one day at 300 s)", names[idx],
                               rec.series ? rec.series->n : (size_t)0, CS_READ);
            break;
        }
        double *d = cs->data + idx * CS_SAMPLES;
        memcpy(d, rec.series->util, CS_READ * sizeof *d);
        d[CS_SAMPLES - 1] = d[CS_SAMPLES - 2];
        idx++;
        trace_record_clear(&rec);
    }
    trace_record_clear(&rec);
    trace_close(&r);
    textio_free_names(names, n);
    return rc < 0 ? rc : 0;
}

static int setup(struct cs *cs, struct sim_error *err)
{
    const struct cons_cloudsim_config *c = cs->c;
    int rc;
    for (int k = 0; k < 2; k++)
        if ((rc = cons_power_load(cs_host_types[k].power, c->datadir, &cs->power[k], err)) < 0)
            return rc;
    if ((rc = load_trace(cs, err)) < 0)
        return rc;
    cs->nh = c->hosts;
    cs->hosts = xcalloc((size_t)cs->nh, sizeof *cs->hosts);
    cs->vh = xcalloc((size_t)cs->nh, sizeof *cs->vh);
    for (int h = 0; h < cs->nh; h++) {
        int k = h % 2;
        struct cs_host *H = &cs->hosts[h];
        H->pe_mips = cs_host_types[k].pe_mips;
        H->mips = cs_host_types[k].pe_mips * cs_host_types[k].pes;
        H->power = &cs->power[k];
        H->avail = H->mips;
        H->ram_free = CS_HOST_RAM_MB;
        H->bw_free = CS_HOST_BW_MBIT;
        struct cons_host *v = &cs->vh[h];
        v->mips = H->mips;
        v->pe_mips = H->pe_mips;
        v->cores = cs_host_types[k].pes;
        v->bw_mbit = CS_HOST_BW_MBIT;
        v->power = H->power;
    }
    /* Helper.createVmList: type i / ceil(n / 4). */
    int per_type = (int)ceil((double)cs->nv / 4);
    cs->vms = xcalloc((size_t)cs->nv, sizeof *cs->vms);
    cs->vv = xcalloc((size_t)cs->nv, sizeof *cs->vv);
    cons_precopy_class(c->precopy_class, &cs->dirty_mb_s, &cs->wws_mb);
    for (int i = 0; i < cs->nv; i++) {
        int k = i / per_type;
        struct cs_vm *vm = &cs->vms[i];
        vm->mips = cs_vm_types[k].mips;
        vm->ram_mb = cs_vm_types[k].ram_mb;
        vm->data = cs->data + (size_t)i * CS_SAMPLES;
        vm->host = -1;
        vm->src_share = 1;
        vm->dst_share = 1;
        struct cons_vm *v = &cs->vv[i];
        v->mips = vm->mips;
        v->mem_mb = vm->ram_mb;
        v->dirty_mb_s = cs->dirty_mb_s;
        v->wws_mb = cs->wws_mb;
        v->hist = vm->hist;
        v->host = -1;
    }
    cs->dc.interval = c->interval;
    cs->dc.hosts = cs->vh;
    cs->dc.nhosts = cs->nh;
    cs->dc.vms = cs->vv;
    cs->dc.nvms = cs->nv;
    cs->sla = cons_sla_create(cs->nh, cs->nv);

    struct cons_config mc = c->manager;   /* borrowed choices: the manager copies them */
    struct policy_choice none = {0}, simple = {0};
    if (c->mode != CONS_CLOUDSIM_MIGRATE) {
        /* Dvfs.java: PowerVmAllocationPolicySimple (first fit); the NPA
         * reference runs: VmAllocationPolicySimple (most free cores). */
        rc = cons_choose(&none, &cons_detector_registry, "none", err);
        if (rc == 0)
            rc = cons_choose(&simple, &cons_place_registry,
                             c->mode == CONS_CLOUDSIM_NPA ? "most-free" : "first-fit", err);
        mc.detector = none;
        mc.placement = simple;
    }
    if (rc == 0)
        rc = cons_manager_create(&mc, &cs->mgr, err);
    policy_release(&none);
    policy_release(&simple);
    if (rc < 0)
        return rc;
    cs->mig = cons_manager_migration(cs->mgr);
    return 0;
}

/* Datacenter.processVmCreate at t = 0, VM by VM in index order; then the
 * cloudlets start (0.1 s). */
static int initial_placement(struct cs *cs, struct sim_error *err)
{
    for (int v = 0; v < cs->nv; v++) {
        struct cs_vm *vm = &cs->vms[v];
        vm->instantiating = true;
        view_sync(cs, 0);
        int h = cons_manager_place(cs->mgr, &cs->dc, v);
        if (h < 0)
            return sim_error_set(err, SIM_EINVAL, cs->c->trace_dir, 0, 0,
                                 "VM %d (%g MIPS) fits no host at the start; CloudSim stops here", v,
                                 vm->mips);
        int rc = vm_create(cs, h, v, err);
        if (rc < 0)
            return rc;
        vm->instantiating = false;
        vm_update(cs, vm, 0);
    }
    for (int v = 0; v < cs->nv; v++)
        cs->vms[v].started = true;
    return 0;
}

static void teardown(struct cs *cs)
{
    for (int h = 0; h < cs->nh && cs->hosts; h++) {
        free(cs->hosts[h].slots);
        free(cs->hosts[h].slot_req);
        free(cs->hosts[h].slot_ram);
        free(cs->hosts[h].slot_bw);
        free(cs->hosts[h].mig_in);
    }
    free(cs->hosts);
    free(cs->vms);
    free(cs->vh);
    free(cs->vv);
    free(cs->data);
    free(cs->heap);
    cons_sla_destroy(cs->sla);
    cons_manager_destroy(cs->mgr);
}

int cons_cloudsim_run(const struct cons_cloudsim_config *c, struct cons_cloudsim_result *r,
                      struct sim_error *err)
{
    struct cs cs;
    memset(&cs, 0, sizeof cs);
    memset(r, 0, sizeof *r);
    cs.tpos.t = NAN;
    cs.c = c;
    cs.q = &c->quirks;
    cs.r = r;
    int rc;
    if (!(c->hosts > 0 && c->interval > 0 && c->duration > 0 && c->duration <= 288 * c->interval)) {
        rc = sim_error_usage(err, "CloudSim set-up: hosts > 0, interval > 0, 0 < duration <= 288 "
                                  "intervals");
        goto out;
    }
    if ((rc = setup(&cs, err)) < 0)
        goto out;
    if ((rc = initial_placement(&cs, err)) < 0)
        goto out;
    if (!c->quirks.energy_cloudsim)
        dc_update(&cs, 0);   /* meter from the start */

    struct cons_plan plan;
    cons_plan_init(&plan);
    double t_dc = (c->quirks.events_offset ? 0.1 : 0) + c->interval;
    double last_step = -1;   /* the previous periodic update */
    for (;;) {
        bool mig_next = cs.nheap > 0 && cs.heap[0].t <= t_dc;
        double t = mig_next ? cs.heap[0].t : t_dc;
        if (t >= c->duration)
            break;
        if (mig_next) {
            struct cs_event e = heap_pop(&cs);
            if (e.t > cs.last)
                dc_update(&cs, e.t);
            if (e.pause) {
                /* The VM stops on its source until the migration ends
                 * (precopy's downtime: a gap in its service). */
                cs.vms[e.vm].paused = true;
                if (cs.vms[e.vm].host >= 0)
                    host_update(&cs, cs.vms[e.vm].host, e.t);
                continue;
            }
            if ((rc = migration_end(&cs, &e, err)) < 0)
                break;
            if (!(cs.nheap > 0 && cs.heap[0].t == e.t))
                dc_update(&cs, e.t);
            continue;
        }
        if (t > cs.last) {
            double from = cs.last;
            dc_update(&cs, t);
            if (c->on_step)
                report_step(&cs, t, t - (last_step >= 0 ? last_step : from));
            last_step = t;
            if (c->mode == CONS_CLOUDSIM_MIGRATE) {
                view_sync(&cs, t);
                cons_manager_optimize(cs.mgr, &cs.dc, &plan);
                restore_all(&cs);
                for (size_t i = 0; i < plan.nmoves && rc == 0; i++)
                    rc = migration_start(&cs, plan.moves[i].vm, plan.moves[i].to, t, err);
                if (rc < 0)
                    break;
                r->steps++;
                r->overloaded += (long)plan.overloaded;
                r->drained += (long)plan.drained;
            }
        }
        t_dc += c->interval;
    }
    cons_plan_free(&plan);
    if (rc < 0)
        goto out;
    if (!c->quirks.energy_cloudsim && c->duration > cs.last)
        dc_update(&cs, c->duration);   /* meter to the end */

    if (c->hosts_out) {
        host_report(&cs);
        for (int h = 0; h < cs.nh; h++)
            c->hosts_out[h] = cs.hosts[h].out;
    }
    r->hosts = cs.nh;
    r->vms = cs.nv;
    r->sim_end_s = c->duration;
    r->energy_kwh = cs.energy_j / (3600 * 1000);
    cons_sla_result(cs.sla, &r->sla);
    r->esv = r->energy_kwh * r->sla.slav;
out:
    teardown(&cs);
    return rc;
}
