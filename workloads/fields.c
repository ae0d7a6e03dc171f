/* workloads/fields.c - see fields.h */
#include "workloads/fields.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/types.h"
#include "base/xalloc.h"

const char *const trace_field_names[TRACE_F_COUNT] = {
    [TRACE_F_ID] = "id",
    [TRACE_F_ARRIVAL] = "arrival",
    [TRACE_F_WORK] = "work",
    [TRACE_F_VCPUS] = "vcpus",
    [TRACE_F_MEM_MB] = "mem_mb",
    [TRACE_F_PRIORITY] = "priority",
    [TRACE_F_WEIGHT] = "weight",
    [TRACE_F_DEADLINE] = "deadline",
    [TRACE_F_CLASS] = "class",
    [TRACE_F_UTIL] = "util",
    [TRACE_F_CAP] = "cap",
    [TRACE_F_AFFINITY] = "affinity",
    [TRACE_F_PHASES] = "phases",
    [TRACE_F_REPEAT] = "repeat",
    [TRACE_F_NICE] = "nice",
};

const char *const trace_field_help[TRACE_F_COUNT] = {
    [TRACE_F_ID] = "the guest's name (default: its 1-based position in the trace); unique",
    [TRACE_F_ARRIVAL] = "arrival time, s >= 0, non-decreasing (required)",
    [TRACE_F_WORK] = "CPU work per vCPU, s of a reference core, > 0 (required)",
    [TRACE_F_VCPUS] = "virtual CPUs, a whole number >= 1 (default 1)",
    [TRACE_F_MEM_MB] = "memory, MB (default 0: none needed)",
    [TRACE_F_PRIORITY] = "priority class, smaller is more important (default 0); "
                         "read by --sched prio and reported by priority",
    [TRACE_F_WEIGHT] = "weight, > 0 (default 1); read by prio --tie smith, lottery, credit "
                       "and credit2 (Xen's weight = 256 x weight), and cfs and eevdf "
                       "(weight x 1024, nice 0's being 1024)",
    [TRACE_F_DEADLINE] = "absolute deadline, s (default: none); a guest that finishes "
                         "after it counts as a deadline miss",
    [TRACE_F_CLASS] = "workload class (see hvsim list; default: the default class)",
    [TRACE_F_UTIL] = "mean CPU utilisation of each vCPU, >= 0; checked, not used by the "
                     "simulation",
    [TRACE_F_CAP] = "a CPU cap, cores > 0 (default: none): its vCPUs together run at most "
                    "cap x --cap-period of core time per period",
    [TRACE_F_AFFINITY] = "the cores its vCPUs may run on, a cpuset such as 0-3,6 (cores "
                         "0..63; default: every core)",
    [TRACE_F_PHASES] = "what its vCPUs do: durations alternating run (CPU work) and block "
                       "(halted), starting with a run, e.g. \"0.1ms 10ms\"; one sequence for "
                       "every vCPU, or one per vCPU separated by |; work is then optional "
                       "(default: the runs' sum)",
    [TRACE_F_REPEAT] = "times through its phases, a whole number >= 1 (default 1)",
    [TRACE_F_NICE] = "Linux nice value, a whole number in -20..19, instead of weight: the "
                     "weight is Linux's for that nice value / 1024 (sched_prio_to_weight: nice "
                     "0 = 1, nice 5 = 335/1024), so that cfs and eevdf weigh the VM as Linux "
                     "weighs a task of that nice value",
};

/* kernel/sched/core.c, sched_prio_to_weight[40] (Linux 2.6.23 to today). */
static const int nice_weight[40] = {
    /* -20 */ 88761, 71755, 56483, 46273, 36291,
    /* -15 */ 29154, 23254, 18705, 14949, 11916,
    /* -10 */ 9548,  7620,  6100,  4904,  3906,
    /*  -5 */ 3121,  2501,  1991,  1586,  1277,
    /*   0 */ 1024,  820,   655,   526,   423,
    /*   5 */ 335,   272,   215,   172,   137,
    /*  10 */ 110,   87,    70,    56,    45,
    /*  15 */ 36,    29,    23,    18,    15,
};

int trace_nice_weight(int nice)
{
    return nice_weight[(nice < -20 ? -20 : nice > 19 ? 19 : nice) + 20];
}

const char *trace_fields_check_weight(const bool *given, char *msg, size_t len)
{
    if (given[TRACE_F_WEIGHT] && given[TRACE_F_NICE])
        return snprintf(msg, len, "give weight or nice, not both (nice sets the weight)"), msg;
    return NULL;
}

int trace_field_find(const char *name)
{
    for (int f = 0; f < TRACE_F_COUNT; f++)
        if (strcmp(trace_field_names[f], name) == 0)
            return f;
    if (strncmp(name, "x_", 2) == 0)
        return TRACE_F_EXTRA;
    return TRACE_F_UNKNOWN;
}

bool trace_field_is_text(int f)
{
    return f == TRACE_F_ID || f == TRACE_F_CLASS || f == TRACE_F_AFFINITY ||
           f == TRACE_F_PHASES;
}

bool trace_class_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= TRACE_CLASS_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

const char *trace_field_set_number(struct trace_record *rec, int f, double v, char *msg,
                                   size_t len)
{
    const char *name = trace_field_names[f];
    switch (f) {
    case TRACE_F_ARRIVAL:
        if (v < 0)
            return snprintf(msg, len, "negative arrival (%g)", v), msg;
        if (!sim_seconds_ok(v))
            return snprintf(msg, len, "arrival %g s is out of range (max %g)", v,
                            SIM_SECONDS_MAX), msg;
        rec->arrival = v;
        return NULL;
    case TRACE_F_WORK:
        if (v <= 0)
            return snprintf(msg, len, "work must be > 0 (got %g)", v), msg;
        if (!sim_seconds_ok(v))
            return snprintf(msg, len, "work %g s is out of range (max %g)", v,
                            SIM_SECONDS_MAX), msg;
        rec->work = v;
        return NULL;
    case TRACE_F_VCPUS:
        if (v < 1)
            return snprintf(msg, len, "vcpus must be >= 1 (got %g)", v), msg;
        if (v > TRACE_VCPUS_MAX)
            return snprintf(msg, len, "vcpus %g is out of range (max %d)", v,
                            TRACE_VCPUS_MAX), msg;
        if (v != floor(v))
            return snprintf(msg, len, "vcpus must be a whole number (got %g)", v), msg;
        rec->vcpus = (int)v;
        return NULL;
    case TRACE_F_MEM_MB:
        if (v < 0)
            return snprintf(msg, len, "negative mem_mb (%g)", v), msg;
        if (v > TRACE_MEM_MB_MAX)
            return snprintf(msg, len, "mem_mb %g is out of range (max %g)", v,
                            TRACE_MEM_MB_MAX), msg;
        rec->mem_mb = v;
        return NULL;
    case TRACE_F_PRIORITY:
        rec->priority = v;
        return NULL;
    case TRACE_F_WEIGHT:
        if (v < 0)
            return snprintf(msg, len, "negative weight (%g)", v), msg;
        if (v == 0)
            return snprintf(msg, len, "weight must be > 0"), msg;
        rec->weight = v;
        return NULL;
    case TRACE_F_DEADLINE:
        if (v < 0)
            return snprintf(msg, len, "negative deadline (%g); leave the field empty for none",
                            v), msg;
        if (!sim_seconds_ok(v))
            return snprintf(msg, len, "deadline %g s is out of range (max %g)", v,
                            SIM_SECONDS_MAX), msg;
        rec->deadline = v;
        return NULL;
    case TRACE_F_UTIL:
        /* The guest's mean demand as a fraction of its vCPUs: a value
         * above 1 would be more than the guest can use. */
        if (v < 0)
            return snprintf(msg, len, "negative util (%g)", v), msg;
        if (v > 1)
            return snprintf(msg, len, "util %g is above 1 (a mean utilisation is a fraction "
                            "of the guest's vCPUs, 0..1)", v), msg;
        rec->util = v;
        return NULL;
    case TRACE_F_REPEAT:
        if (v < 1 || v != floor(v) || v > 1e12)
            return snprintf(msg, len, "repeat must be a whole number >= 1 (got %g)", v), msg;
        rec->repeat = (long)v;
        return NULL;
    case TRACE_F_NICE:
        if (v < -20 || v > 19 || v != floor(v))
            return snprintf(msg, len, "nice must be a whole number in -20..19 (got %g)", v), msg;
        rec->weight = trace_nice_weight((int)v) / 1024.0;
        return NULL;
    case TRACE_F_CAP:
        if (!(v > 0) || v > TRACE_VCPUS_MAX)
            return snprintf(msg, len, "cap must be > 0 cores (got %g); leave the field empty "
                            "for none", v), msg;
        rec->cap = v;
        return NULL;
    default:
        return snprintf(msg, len, "%s is not a number field", name), msg;
    }
}

const char *trace_field_set_text(struct trace_record *rec, int f, const char *s, char *msg,
                                 size_t len)
{
    if (!*s)
        return NULL;
    if (f == TRACE_F_ID) {
        if (strlen(s) >= TRACE_ID_MAX)
            return snprintf(msg, len, "id longer than %d bytes", TRACE_ID_MAX - 1), msg;
        snprintf(rec->id, sizeof rec->id, "%s", s);
        return NULL;
    }
    if (f == TRACE_F_AFFINITY)
        return trace_parse_cpuset(s, &rec->affinity, msg, len);
    if (f == TRACE_F_PHASES) {
        struct activity *a;
        const char *why = trace_parse_phases(s, &a, msg, len);
        if (why)
            return why;
        activity_free(rec->activity);
        rec->activity = a;
        if (rec->work <= 0) {   /* work per vCPU: the longest vCPU's runs */
            double most = 0;
            for (int i = 0; i < a->nvcpus; i++) {
                double run = 0;
                for (size_t k = 0; k < a->seq[i].n; k += 2)
                    run += a->seq[i].d[k];
                most = run > most ? run : most;
            }
            rec->work = most;
        }
        return NULL;
    }
    if (f == TRACE_F_CLASS) {
        if (!trace_class_name_ok(s))
            return snprintf(msg, len,
                            "bad workload class name '%.40s' (lower-case letters, digits, "
                            "'_' and '-', at most %d bytes)",
                            s, TRACE_CLASS_MAX - 1), msg;
        snprintf(rec->class_name, sizeof rec->class_name, "%s", s);
        return NULL;
    }
    return snprintf(msg, len, "%s is not a text field", trace_field_names[f]), msg;
}

/* FNV-1a: short ids, no adversary worth a keyed hash in a trace file. */
static uint64_t idset_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void idset_insert(char **slot, size_t cap, char *s)
{
    size_t i = idset_hash(s) & (cap - 1);
    while (slot[i])
        i = (i + 1) & (cap - 1);
    slot[i] = s;
}

bool trace_idset_add(struct trace_idset *s, const char *id)
{
    if (s->cap) {
        size_t i = idset_hash(id) & (s->cap - 1);
        for (; s->slot[i]; i = (i + 1) & (s->cap - 1))
            if (strcmp(s->slot[i], id) == 0)
                return false;
    }
    /* Keep the load at most 1/2 so that probes stay short. */
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **slot = xcalloc(cap, sizeof *slot);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                idset_insert(slot, cap, s->slot[i]);
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    idset_insert(s->slot, s->cap, xstrdup(id));
    s->n++;
    return true;
}

void trace_idset_free(struct trace_idset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    memset(s, 0, sizeof *s);
}
