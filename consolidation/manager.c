/*
 * consolidation/manager.c - the consolidation manager: Beloglazov &
 * Buyya's dynamic consolidation step, as CloudSim 5.0 runs it
 * (C/power/PowerVmAllocationPolicyMigrationAbstract.java, "Abstract"
 * below), on a working copy of the driver's view.
 *
 * One optimisation (Abstract.optimizeAllocation, 117-149):
 *  1. detection: every host the detector calls overloaded (416-424);
 *  2. selection: from each, in host order, the selector removes VMs until
 *     the host is no longer overloaded (376-393); only VMs that are not
 *     migrating are candidates (PowerVmSelectionPolicy.java:49-57);
 *  3. placement of those VMs, sorted by demand, decreasing and stable
 *     (PowerVmList.java:55-58), overloaded hosts excluded (316-334);
 *  4. draining (157-214): repeatedly the switched-on host with the least
 *     utilisation that is not excluded and not "all VMs migrating out or
 *     any migrating in" (447-480) is emptied if all its VMs find a place
 *     (all or nothing, 343-368); targets of a drain are not drained in the
 *     same round (207); with quirk drain_overload_targets the targets of
 *     step 3 can be (the line-166 bug).
 * CloudSim plans on its real hosts (vmDestroy/vmCreate) and restores them
 * afterwards (518-551); we plan on struct cons_ws_host copies and throw
 * them away, which is the same but for the restore's re-ordering of the
 * hosts' VM lists, a data-centre effect the driver applies.
 *
 * Cost per optimisation: O(hosts + VMs) to load the copy, plus a scan of
 * the hosts for every VM placed (the detector is asked only about hosts
 * that would beat the best power increase so far).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "consolidation/cons-private.h"
#include "consolidation/power.h"
#include "base/rng.h"
#include "base/xalloc.h"

/* Stream id mixed into the seed of RS's generator: a change elsewhere
 * never shifts its draws. */
#define CONS_STREAM_SELECT 0x636f6e73ULL /* "cons" */

void cons_quirks_cloudsim(struct cons_quirks *q)
{
    q->lr_unweighted = true;
    q->iqr_index_quartiles = true;
    q->mc_from_min_value = true;
    q->mc_commons_math_qr = true;
    q->drain_overload_targets = true;
    q->power_diff_from_measured = true;
}

void cons_quirks_right(struct cons_quirks *q)
{
    q->lr_unweighted = false;
    q->iqr_index_quartiles = false;
    q->mc_from_min_value = false;
    q->mc_commons_math_qr = false;
    q->drain_overload_targets = false;
    q->power_diff_from_measured = false;
}

int cons_config_init(struct cons_config *c, struct sim_error *err)
{
    memset(c, 0, sizeof *c);
    c->seed = 1;
    cons_quirks_cloudsim(&c->quirks);
    int rc = cons_choose(&c->detector, &cons_detector_registry, "none", err);
    if (rc == 0)
        rc = cons_choose(&c->selector, &cons_selector_registry, "mmt", err);
    if (rc == 0)
        rc = cons_choose(&c->placement, &cons_place_registry, "pabfd", err);
    if (rc == 0)
        rc = cons_choose(&c->migration, &cons_migration_registry, "cloudsim", err);
    if (rc < 0)
        cons_config_release(c);
    return rc;
}

void cons_config_release(struct cons_config *c)
{
    policy_release(&c->detector);
    policy_release(&c->selector);
    policy_release(&c->placement);
    policy_release(&c->migration);
}

/* ------------------------------------------------------------------ plan */

void cons_plan_init(struct cons_plan *p) { memset(p, 0, sizeof *p); }

void cons_plan_clear(struct cons_plan *p)
{
    p->nmoves = 0;
    p->nswitch_off = 0;
    p->overloaded = 0;
    p->drained = 0;
}

void cons_plan_free(struct cons_plan *p)
{
    free(p->moves);
    free(p->switch_off);
    cons_plan_init(p);
}

static void plan_move(struct cons_plan *p, int vm, int from, int to)
{
    p->moves = xgrow(p->moves, &p->cap_moves, p->nmoves + 1, sizeof *p->moves);
    p->moves[p->nmoves++] = (struct cons_move){vm, from, to};
}

/* ------------------------------------------------------------- creation */

int cons_migration_init(struct cons_migration *m, const char *spec, struct sim_error *err)
{
    memset(m, 0, sizeof *m);
    int rc = cons_choose(&m->own, &cons_migration_registry, spec ? spec : "cloudsim", err);
    if (rc == 0) {
        m->ops = cons_migration_of(m->own.info);
        m->conf = m->own.conf;
    }
    return rc;
}

void cons_migration_release(struct cons_migration *m)
{
    policy_release(&m->own);
    m->ops = NULL;
    m->conf = NULL;
}

void cons_migration_cost(const struct cons_migration *m, const struct cons_migration_input *in,
                         struct cons_migration_cost *out)
{
    m->ops->cost(m, in, out);
}

static void manager_free(struct cons_manager *m);

int cons_manager_create(const struct cons_config *cfg, struct cons_manager **out,
                        struct sim_error *err)
{
    struct cons_manager *m = xcalloc(1, sizeof *m);
    m->q = cfg->quirks;
    *out = NULL;
    int rc = cons__choice_copy(&m->own_det, &cfg->detector, err);
    if (rc == 0)
        rc = cons__choice_copy(&m->own_sel, &cfg->selector, err);
    if (rc == 0)
        rc = cons__choice_copy(&m->own_place, &cfg->placement, err);
    if (rc == 0)
        rc = cons__choice_copy(&m->mig.own, &cfg->migration, err);
    if (rc < 0) {
        manager_free(m);
        return rc;
    }
    const struct cons_detector_ops *det = cons_detector_of(m->own_det.info);
    if (det->overloaded) {
        m->det.ops = det;
        m->det.conf = m->own_det.conf;
        m->det.q = &m->q;
    }
    m->sel.ops = cons_selector_of(m->own_sel.info);
    m->sel.conf = m->own_sel.conf;
    m->sel.q = &m->q;
    m->place = cons_place_of(m->own_place.info);
    m->place_conf = m->own_place.conf;
    m->mig.ops = cons_migration_of(m->mig.own.info);
    m->mig.conf = m->mig.own.conf;

    char det_s[160], sel_s[160], place_s[160], mig_s[160];
    cons_describe_choice(&m->own_det, det_s, sizeof det_s);
    cons_describe_choice(&m->own_sel, sel_s, sizeof sel_s);
    cons_describe_choice(&m->own_place, place_s, sizeof place_s);
    cons_describe_choice(&m->mig.own, mig_s, sizeof mig_s);
    snprintf(m->describe, sizeof m->describe, "%s %s %s %s", det_s, sel_s, place_s, mig_s);

    m->sel.rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!m->sel.rng)
        xalloc_fail(sizeof(gsl_rng));
    gsl_rng_set(m->sel.rng, (unsigned long)sim_mix64(cfg->seed ^ CONS_STREAM_SELECT));
    *out = m;
    return 0;
}

static void ws_free(struct cons_manager *m)
{
    for (int h = 0; h < m->ws_cap; h++)
        free(m->ws[h].slots);
    free(m->ws);
}

static void manager_free(struct cons_manager *m)
{
    policy_release(&m->own_det);
    policy_release(&m->own_sel);
    policy_release(&m->own_place);
    cons_migration_release(&m->mig);
    free(m);
}

void cons_manager_destroy(struct cons_manager *m)
{
    if (!m)
        return;
    ws_free(m);
    free(m->vm_mig_s);
    free(m->excl_over);
    free(m->excl_under);
    free(m->excl_place);
    free(m->order);
    free(m->cand);
    free(m->picked);
    free(m->picked_host);
    if (m->sel.rng)
        gsl_rng_free(m->sel.rng);
    manager_free(m);
}

const struct cons_migration *cons_manager_migration(const struct cons_manager *m) { return &m->mig; }
const char *cons_manager_describe(const struct cons_manager *m) { return m->describe; }

/* --------------------------------------------------------- working copy */

double cons__vm_migration_s(const struct cons_manager *m, int v, double bw_mbit)
{
    const struct cons_vm *vm = &m->dc->vms[v];
    struct cons_migration_input in = {vm->mem_mb, bw_mbit, vm->dirty_mb_s, vm->wws_mb};
    struct cons_migration_cost c;
    cons_migration_cost(&m->mig, &in, &c);
    return c.total_s;
}

/* CloudSim getUtilizationOfCpuMips (Abstract 599-609): the MIPS given to
 * the host's VMs, an incoming VM counted as if it already ran there
 * (its 10 % reservation x 0.9 / 0.1 added). */
static double ws_used(const struct cons_ws_host *w)
{
    double used = 0;
    for (int i = 0; i < w->n; i++) {
        if (w->slots[i].incoming)
            used += w->slots[i].alloc_mips * 0.9 / 0.1;
        used += w->slots[i].alloc_mips;
    }
    return used;
}

static void ws_invalidate(struct cons_ws_host *w)
{
    w->req_ok = w->hist_ok = w->mig_ok = false;
}

void cons__ws_load(struct cons_manager *m, const struct cons_dc *dc)
{
    m->dc = dc;
    if (dc->nhosts > m->ws_cap) {
        m->ws = xrealloc(m->ws, (size_t)dc->nhosts * sizeof *m->ws);
        memset(m->ws + m->ws_cap, 0, (size_t)(dc->nhosts - m->ws_cap) * sizeof *m->ws);
        m->excl_over = xrealloc(m->excl_over, (size_t)dc->nhosts);
        m->excl_under = xrealloc(m->excl_under, (size_t)dc->nhosts);
        m->excl_place = xrealloc(m->excl_place, (size_t)dc->nhosts);
        m->ws_cap = dc->nhosts;
    }
    int need = dc->nvms > dc->nhosts ? dc->nvms : dc->nhosts;
    if (need > m->order_cap) {
        m->order = xrealloc(m->order, (size_t)need * sizeof *m->order);
        m->cand = xrealloc(m->cand, (size_t)need * sizeof *m->cand);
        m->picked = xrealloc(m->picked, (size_t)need * sizeof *m->picked);
        m->picked_host = xrealloc(m->picked_host, (size_t)need * sizeof *m->picked_host);
        m->order_cap = need;
    }
    for (int h = 0; h < dc->nhosts; h++) {
        const struct cons_host *hv = &dc->hosts[h];
        struct cons_ws_host *w = &m->ws[h];
        if (hv->nslots > w->cap) {
            w->cap = hv->nslots + 4;
            w->slots = xrealloc(w->slots, (size_t)w->cap * sizeof *w->slots);
        }
        w->n = hv->nslots;
        if (w->n)
            memcpy(w->slots, hv->slots, (size_t)w->n * sizeof *w->slots);
        w->used = ws_used(w);
        /* a host without a power table (a driver that meters nothing,
         * placing by other than power) draws nothing the manager knows of */
        w->p_measured = hv->power ? cons_power_at(hv->power, hv->util) : 0;
        w->avail = hv->avail_mips;
        w->ram_free = hv->ram_free_mb;
        w->bw_free = hv->bw_free_mbit;
        w->vcpus_free = hv->vcpus_free;
        ws_invalidate(w);
    }
}

/* The sum of the slots' demand, in the host's order (as CloudSim sums). */
static double ws_req(struct cons_manager *m, int h)
{
    struct cons_ws_host *w = &m->ws[h];
    if (!w->req_ok) {
        double r = 0;
        for (int i = 0; i < w->n; i++)
            r += m->dc->vms[w->slots[i].vm].req_mips;
        w->req = r;
        w->req_ok = true;
    }
    return w->req;
}

/* Add VM v's samples to an untrimmed host history (CloudSim
 * PowerHostUtilizationHistory.getUtilizationHistory, 66-75). */
static void hist_add(double hist[CONS_HISTORY_MAX], const struct cons_vm *vm, double host_mips)
{
    for (int i = 0; i < vm->hist_len && i < CONS_HISTORY_MAX; i++)
        hist[i] += vm->hist[i] * vm->mips / host_mips;
}

/* MathUtil.countNonZeroBeginning: the length without the zero tail. */
static int hist_trimmed_len(const double hist[CONS_HISTORY_MAX])
{
    int n = CONS_HISTORY_MAX;
    while (n > 0 && hist[n - 1] == 0)
        n--;
    return n;
}

static void ws_hist(struct cons_manager *m, int h)
{
    struct cons_ws_host *w = &m->ws[h];
    if (w->hist_ok)
        return;
    memset(w->hist, 0, sizeof w->hist);
    double mips = m->dc->hosts[h].mips;
    for (int i = 0; i < w->n; i++)
        hist_add(w->hist, &m->dc->vms[w->slots[i].vm], mips);
    w->hist_len = hist_trimmed_len(w->hist);
    w->hist_ok = true;
}

static double ws_max_mig(struct cons_manager *m, int h)
{
    struct cons_ws_host *w = &m->ws[h];
    if (!w->mig_ok) {
        double mx = 0;
        for (int i = 0; i < w->n; i++) {
            double t = cons__vm_migration_s(m, w->slots[i].vm, m->dc->hosts[h].bw_mbit);
            if (t > mx)
                mx = t;
        }
        w->max_mig_s = mx;
        w->mig_ok = true;
    }
    return w->max_mig_s;
}

void cons__ws_load_of(struct cons_manager *m, int h, int extra, struct cons_load *l,
                      double hist_buf[CONS_HISTORY_MAX])
{
    const struct cons_host *hv = &m->dc->hosts[h];
    l->mips = hv->mips;
    l->interval = m->dc->interval;
    l->req_mips = ws_req(m, h);
    ws_hist(m, h);
    l->max_migration_s = ws_max_mig(m, h);
    if (extra < 0) {
        l->hist = m->ws[h].hist;
        l->hist_len = m->ws[h].hist_len;
        return;
    }
    const struct cons_vm *vm = &m->dc->vms[extra];
    l->req_mips += vm->req_mips;
    memcpy(hist_buf, m->ws[h].hist, sizeof m->ws[h].hist);
    hist_add(hist_buf, vm, hv->mips);
    l->hist = hist_buf;
    l->hist_len = hist_trimmed_len(hist_buf);
    double t = cons__vm_migration_s(m, extra, hv->bw_mbit);
    if (t > l->max_migration_s)
        l->max_migration_s = t;
}

bool cons__ws_overloaded(struct cons_manager *m, int h, int extra)
{
    if (!m->det.ops)
        return false;
    struct cons_load l;
    double buf[CONS_HISTORY_MAX];
    cons__ws_load_of(m, h, extra, &l, buf);
    return m->det.ops->overloaded(&m->det, &l);
}

/* The most CPU host h can give vm: each of its vCPUs one core at most.
 * CloudSim's VMs have one (Host.isSuitableForVm compares the core's
 * capacity with the VM's largest per-core request, C/Host.java:199); a VM
 * of n vCPUs spreads its demand over n cores. */
static double vm_cpu_cap(const struct cons_host *h, const struct cons_vm *vm)
{
    return h->pe_mips * (vm->vcpus > 0 ? vm->vcpus : 1);
}

bool cons_manager_could_place(const struct cons_manager *m, const struct cons_host *h,
                              const struct cons_vm *vm)
{
    return m->place->cpu_unchecked || vm->req_mips <= fmin(h->mips, vm_cpu_cap(h, vm));
}

bool cons__ws_suitable(const struct cons_manager *m, int h, int v)
{
    const struct cons_vm *vm = &m->dc->vms[v];
    const struct cons_ws_host *w = &m->ws[h];
    return vm_cpu_cap(&m->dc->hosts[h], vm) >= vm->req_mips && w->avail >= vm->req_mips &&
           w->ram_free >= vm->ram_mb && w->bw_free >= vm->bw_mbit && w->vcpus_free >= vm->vcpus;
}

void cons__ws_add(struct cons_manager *m, int h, int v)
{
    struct cons_ws_host *w = &m->ws[h];
    const struct cons_vm *vm = &m->dc->vms[v];
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 4;
        w->slots = xrealloc(w->slots, (size_t)w->cap * sizeof *w->slots);
    }
    double alloc = fmin(vm->req_mips, vm_cpu_cap(&m->dc->hosts[h], vm));
    w->slots[w->n++] = (struct cons_slot){v, alloc, false};
    /* Appended last, so the running sums stay in the host's order. */
    w->used += alloc;
    w->avail -= alloc;
    w->ram_free -= vm->ram_mb;
    w->bw_free -= vm->bw_mbit;
    w->vcpus_free -= vm->vcpus;
    if (w->req_ok)
        w->req += vm->req_mips;
    if (w->hist_ok) {
        hist_add(w->hist, vm, m->dc->hosts[h].mips);
        w->hist_len = hist_trimmed_len(w->hist);
    }
    if (w->mig_ok) {
        double t = cons__vm_migration_s(m, v, m->dc->hosts[h].bw_mbit);
        if (t > w->max_mig_s)
            w->max_mig_s = t;
    }
}

void cons__ws_remove(struct cons_manager *m, int h, int v)
{
    struct cons_ws_host *w = &m->ws[h];
    const struct cons_vm *vm = &m->dc->vms[v];
    int i = 0;
    while (i < w->n && w->slots[i].vm != v)
        i++;
    if (i == w->n)
        return;
    double alloc = w->slots[i].alloc_mips;
    bool incoming = w->slots[i].incoming;
    memmove(w->slots + i, w->slots + i + 1, (size_t)(w->n - i - 1) * sizeof *w->slots);
    w->n--;
    /* What the VM held comes back (CloudSim recomputes the host's shares
     * without it; on a host that was not oversubscribed, which is every
     * host the manager places on, that is the same). */
    w->used = ws_used(w);
    w->avail += incoming ? alloc : fmin(vm->req_mips, vm_cpu_cap(&m->dc->hosts[h], vm));
    if (w->avail > m->dc->hosts[h].mips)
        w->avail = m->dc->hosts[h].mips;
    w->ram_free += vm->ram_mb;
    w->bw_free += vm->bw_mbit;
    w->vcpus_free += vm->vcpus;
    ws_invalidate(w);
}

/* ------------------------------------------------------------- placing */

int cons_manager_place(struct cons_manager *m, const struct cons_dc *dc, int vm)
{
    cons__ws_load(m, dc);
    memset(m->excl_place, 0, (size_t)dc->nhosts);
    if (dc->vms[vm].host >= 0)
        m->excl_place[dc->vms[vm].host] = 1;
    return m->place->find_host(m, vm, m->excl_place);
}

/* Sort VMs by demand, decreasing, ties in list order (Java's stable
 * Collections.sort in PowerVmList.sortByCpuUtilization). */
static void sort_by_demand(const struct cons_dc *dc, int *v, int n)
{
    for (int i = 1; i < n; i++) {
        int x = v[i], j = i;
        double r = dc->vms[x].req_mips;
        while (j > 0 && dc->vms[v[j - 1]].req_mips < r) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Place every VM of list (with its source) that finds a host; record the
 * moves.  Abstract.getNewVmPlacement, 316-334. */
static void place_some(struct cons_manager *m, int *list, int *src, int n, struct cons_plan *plan)
{
    /* Sort the (vm, source) pairs together. */
    for (int i = 1; i < n; i++) {
        int x = list[i], s = src[i], j = i;
        double r = m->dc->vms[x].req_mips;
        while (j > 0 && m->dc->vms[list[j - 1]].req_mips < r) {
            list[j] = list[j - 1];
            src[j] = src[j - 1];
            j--;
        }
        list[j] = x;
        src[j] = s;
    }
    for (int i = 0; i < n; i++) {
        int h = m->place->find_host(m, list[i], m->excl_over);
        if (h < 0)
            continue;
        cons__ws_add(m, h, list[i]);
        plan_move(plan, list[i], src[i], h);
    }
}

/* Place all VMs of list or none.  Abstract.getNewVmPlacementFromUnder
 * UtilizedHost, 343-368.  Returns the number placed (0 or n). */
static int place_all(struct cons_manager *m, int from, int *list, int n, struct cons_plan *plan)
{
    sort_by_demand(m->dc, list, n);
    int *to = m->picked_host;
    for (int i = 0; i < n; i++) {
        int h = m->place->find_host(m, list[i], m->excl_place);
        if (h < 0) {
            for (int k = 0; k < i; k++)
                cons__ws_remove(m, to[k], list[k]);
            return 0;
        }
        cons__ws_add(m, h, list[i]);
        to[i] = h;
    }
    for (int i = 0; i < n; i++)
        plan_move(plan, list[i], from, to[i]);
    return n;
}

/* Abstract.areAllVmsMigratingOutOrAnyVmMigratingIn, 470-480. */
static bool all_out_or_any_in(const struct cons_manager *m, int h)
{
    const struct cons_ws_host *w = &m->ws[h];
    for (int i = 0; i < w->n; i++) {
        if (!m->dc->vms[w->slots[i].vm].migrating)
            return false;
        if (w->slots[i].incoming)
            return true;
    }
    return true;
}

/* Abstract.getUnderUtilizedHost, 447-462: the least utilised switched-on
 * host (util < 1) not excluded, first in host order on a tie. */
static int least_utilised(const struct cons_manager *m)
{
    double min = 1;
    int best = -1;
    for (int h = 0; h < m->dc->nhosts; h++) {
        if (m->excl_under[h])
            continue;
        const struct cons_host *hv = &m->dc->hosts[h];
        if (hv->on && hv->util < min && !all_out_or_any_in(m, h)) {
            min = hv->util;
            best = h;
        }
    }
    return best;
}

static void plan_switch_off(struct cons_plan *p, int h)
{
    p->switch_off = xgrow(p->switch_off, &p->cap_switch_off, p->nswitch_off + 1,
                          sizeof *p->switch_off);
    p->switch_off[p->nswitch_off++] = h;
}

int cons_manager_optimize(struct cons_manager *m, const struct cons_dc *dc, struct cons_plan *plan)
{
    cons_plan_clear(plan);
    if (!m->det.ops)
        return 0;
    cons__ws_load(m, dc);
    int nh = dc->nhosts;
    memset(m->excl_over, 0, (size_t)nh);

    /* 1-2. Overloaded hosts, and the VMs selected away from them. */
    int nsel = 0;
    int *vms = m->order, *src = m->picked;
    for (int h = 0; h < nh; h++) {
        if (!cons__ws_overloaded(m, h, -1))
            continue;
        m->excl_over[h] = 1;
        plan->overloaded++;
    }
    for (int h = 0; h < nh; h++) {
        if (!m->excl_over[h])
            continue;
        for (;;) {
            const struct cons_ws_host *w = &m->ws[h];
            int nc = 0;
            for (int i = 0; i < w->n; i++)
                if (!dc->vms[w->slots[i].vm].migrating)
                    m->cand[nc++] = w->slots[i].vm;
            if (nc == 0)
                break;
            struct cons_select_ctx c = {dc, m->cand, nc, &m->mig, dc->hosts[h].bw_mbit};
            int i = m->sel.ops->select(&m->sel, &c);
            if (i < 0)
                break;
            int v = m->cand[i];
            vms[nsel] = v;
            src[nsel] = h;
            nsel++;
            cons__ws_remove(m, h, v);
            if (!cons__ws_overloaded(m, h, -1))
                break;
        }
    }

    /* 3. Their new hosts. */
    place_some(m, vms, src, nsel, plan);
    size_t overload_moves = plan->nmoves;
    for (int h = 0; h < nh; h++) {
        if (!m->excl_over[h] || m->ws[h].n > 0)
            continue;
        int selected = 0, placed = 0;
        for (int i = 0; i < nsel; i++)
            selected += src[i] == h;
        for (size_t i = 0; i < overload_moves; i++)
            placed += plan->moves[i].from == h;
        if (selected == placed)
            plan_switch_off(plan, h);
    }

    /* 4. Draining. */
    memcpy(m->excl_under, m->excl_over, (size_t)nh);
    memcpy(m->excl_place, m->excl_over, (size_t)nh);
    int excluded = 0;
    for (int h = 0; h < nh; h++) {
        if (!dc->hosts[h].on)
            m->excl_under[h] = m->excl_place[h] = 1;
        excluded += m->excl_under[h];
    }
    if (!m->q.drain_overload_targets)
        for (size_t i = 0; i < overload_moves; i++) {
            int t = plan->moves[i].to;
            if (!m->excl_under[t]) {
                m->excl_under[t] = 1;
                excluded++;
            }
        }
    while (excluded < nh) {
        int h = least_utilised(m);
        if (h < 0)
            break;
        m->excl_under[h] = 1;
        excluded++;
        m->excl_place[h] = 1;
        const struct cons_ws_host *w = &m->ws[h];
        int n = 0;
        for (int i = 0; i < w->n; i++)
            if (!dc->vms[w->slots[i].vm].migrating)
                m->cand[n++] = w->slots[i].vm;
        if (n == 0)
            continue;
        size_t before = plan->nmoves;
        if (place_all(m, h, m->cand, n, plan) == 0)
            continue;
        plan->drained++;
        bool empty = true;
        for (int i = 0; i < w->n; i++)
            if (w->slots[i].incoming)
                empty = false;
        if (empty)
            plan_switch_off(plan, h);
        for (size_t i = before; i < plan->nmoves; i++) {
            int t = plan->moves[i].to;
            if (!m->excl_under[t]) {
                m->excl_under[t] = 1;
                excluded++;
            }
        }
    }
    return 0;
}
