/*
 * consolidation/place-pabfd.c - PABFD, power-aware best-fit decreasing
 * (Beloglazov & Buyya 2012 s. 5, Algorithm 1; CloudSim 5.0
 * C/power/PowerVmAllocationPolicyMigrationAbstract.java:241-268): a VM
 * goes to the host whose power draw increases least, among hosts that can
 * hold it (one core's capacity, free CPU, RAM and link, C/Host.java:
 * 199-204) and, unless empty, would not become overloaded by it.  The
 * manager feeds the VMs in decreasing order of demand.
 *
 * Power increase: P(u_after) - P(u_now), u_after = (MIPS used on the host
 * + the VM's demand) / capacity (Abstract 584-590).  CloudSim takes
 * P(u_now) from host.getPower(), the utilisation measured at the start of
 * the step (quirk power_diff_from_measured); otherwise it is the power at
 * the planned load, and 0 W for a host that is off, so that waking a host
 * costs its idle power.  Ties go to the first host (strict <).
 *
 * The detector is asked only about a host that would beat the best
 * increase so far, which gives CloudSim's answer (it asks first, then
 * compares) without its cost.  O(hosts) per VM.
 */
#include <float.h>

#include "consolidation/cons-private.h"
#include "consolidation/power.h"

static int pabfd_find_host(struct cons_manager *m, int v, const unsigned char *excluded)
{
    const struct cons_dc *dc = m->dc;
    const struct cons_vm *vm = &dc->vms[v];
    double min_diff = DBL_MAX;
    int best = -1;
    for (int h = 0; h < dc->nhosts; h++) {
        if (excluded && excluded[h])
            continue;
        if (!cons__ws_suitable(m, h, v))
            continue;
        const struct cons_host *hv = &dc->hosts[h];
        const struct cons_ws_host *w = &m->ws[h];
        double after = cons_power_at(hv->power, (w->used + vm->req_mips) / hv->mips);
        double now;
        if (m->q.power_diff_from_measured)
            now = w->p_measured;
        else
            now = hv->on || w->n > 0 ? cons_power_at(hv->power, w->used / hv->mips) : 0;
        double diff = after - now;
        if (!(diff < min_diff))   /* also skips NaN: CloudSim throws there */
            continue;
        if (w->used != 0 && cons__ws_overloaded(m, h, v))
            continue;
        min_diff = diff;
        best = h;
    }
    return best;
}

const struct cons_place_ops cons_place_pabfd = {
    .info = {
        .name = "pabfd",
        .desc = "power-aware best-fit decreasing (Beloglazov & Buyya 2012, Algorithm 1)",
    },
    .find_host = pabfd_find_host,
};
