/*
 * base/registry.h - the one registry mechanism of every policy family
 * (schedulers, allocators, placements, trace formats).
 *
 * Every family's operations table begins with a struct policy_info: its
 * name, a line of description, textbook aliases and the table of its own
 * parameters (base/param.h).  A family keeps one struct registry, built
 * from a one-line-per-policy list header (schedulers/sched-list.h, ...),
 * as Xen's REGISTER_SCHEDULER and Linux's DEFINE_SCHED_CLASS do; plug-ins
 * loaded at start-up (cli/plugin.c) are appended to it.  The first
 * built-in policy is the family's default.
 *
 * A chosen policy and its parameter values travel together as a struct
 * policy_choice: the engine hands the values to the policy's instance, and
 * the summary echoes them.
 */
#ifndef BASE_REGISTRY_H
#define BASE_REGISTRY_H

#include <jansson.h>

#include "base/error.h"
#include "base/param.h"

struct policy_info {
    const char *name;     /* --OPTION NAME */
    const char *desc;     /* one line for `hvsim list` */
    const char *aliases;  /* space-separated other names it answers to, or NULL */
    const struct param_def *params; /* its knobs, ending in {NULL}; NULL = none */
    size_t conf_size;     /* size of the struct the params' offsets point into */
};

struct registry {
    const char *family;   /* "scheduler", for messages */
    const char *option;   /* "sched": chosen with --sched NAME */
    const struct policy_info *const *builtin;  /* from the family's list header */
    size_t nbuiltin;
    /* Plug-ins, added at start-up by the command line (never during a run). */
    const struct policy_info **extra;
    size_t nextra, extracap;
};

size_t registry_count(const struct registry *r);
const struct policy_info *registry_at(const struct registry *r, size_t i);
/* By name or alias; NULL if none. */
const struct policy_info *registry_find(const struct registry *r, const char *name);
/* Append a plug-in's policy.  SIM_EINVAL if its name or an alias is taken,
 * or one of its knobs is declared twice. */
int registry_add(struct registry *r, const struct policy_info *p, struct sim_error *err);
/* Remove the plug-ins again (tests). */
void registry_reset(struct registry *r);
/* "fcfs, rr, minlat" (every name, for an error message). */
void registry_names(const struct registry *r, char *buf, size_t len);

/* A chosen policy and its parameter values (owned). */
struct policy_choice {
    const struct policy_info *info;   /* NULL = none chosen */
    void *conf;                       /* info->conf_size bytes, its knobs' values */
};

/* Choose name (or an alias) from r with every knob at its default.
 * SIM_EINVAL naming the option and the valid names if unknown. */
int policy_choose(struct policy_choice *c, const struct registry *r, const char *name,
                  struct sim_error *err);
/* The same for an already-found policy. */
int policy_choose_info(struct policy_choice *c, const struct policy_info *info,
                       struct sim_error *err);
/* Set one knob from text (tests and the command line); SIM_EINVAL if the
 * policy has no such knob or the value breaks its rule. */
int policy_set(struct policy_choice *c, const char *param, const char *text,
               struct sim_error *err);
void policy_release(struct policy_choice *c);

/* The family as JSON for `hvsim list --json`: one object per policy with
 * name, desc, aliases, default and params. */
json_t *registry_describe(const struct registry *r);

/*
 * Plug-ins.  A policy compiled out of tree is a shared object that defines
 * one `const struct hvsim_plugin hvsim_plugin` (HVSIM_PLUGIN below);
 * `hvsim run --sched PATH.so` loads it (cli/plugin.c), checks abi and adds
 * the policy to its family's registry.  HVSIM_ABI_VERSION changes whenever
 * a struct or function a policy may use changes: the installed headers
 * base/{types,error,xalloc,param,registry,evq,dist,zigexp,latstat}.h,
 * models/{hw,platform}.h, workloads/trace.h, schedulers/sched.h and
 * allocators/{alloc,place}.h.  Version 2: the VM model (pick per pCPU,
 * the hooks of blocking, waking, ticks and balance).  Version 3:
 * co-scheduling and spinlocks (VCPU_COSTOPPED, SCHED_ENQ_COSTART, the
 * fields of sim/cosched.c in struct vcpu, guest, pcpu and host).
 * Version 4: struct guest and vcpu laid out for the cache (a hot block
 * before the vCPUs), what only some guests use in side records (struct
 * guest_sides, read with guest_side_*; win_wish in the allocator's
 * window), the event queue's eager pop, dist_draw inline.
 */
#define HVSIM_ABI_VERSION 4

struct hvsim_plugin {
    unsigned abi;                     /* HVSIM_ABI_VERSION it was built against */
    const char *family;               /* "sched", "alloc" or "place": the option it serves */
    const struct policy_info *policy; /* &ops.info of its operations table */
};

/* In a plug-in's source: HVSIM_PLUGIN("sched", sched_ops_lottery); */
#define HVSIM_PLUGIN(family_, ops_)                                                      \
    const struct hvsim_plugin hvsim_plugin = {HVSIM_ABI_VERSION, (family_), &(ops_).info}

#endif /* BASE_REGISTRY_H */
