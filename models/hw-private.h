/*
 * models/hw-private.h - the inside of struct hw_model, shared by the files
 * of the hardware model and by nothing else:
 *   hw.c          the arithmetic (walks, overhead h, switch cost), accessors
 *   hw-json.c     loading profiles and classes from JSON, with validation
 *   hw-explain.c  `hvsim explain` and `hvsim list`
 *
 * Every number read from a file is kept as a struct hw_param: its value in
 * the model's unit, its provenance tag and its source text.  The text is
 * borrowed from the Jansson document, which the model keeps until
 * hw_model_free, so nothing is copied and everything is freed in one place.
 */
#ifndef MODELS_HW_PRIVATE_H
#define MODELS_HW_PRIVATE_H

#include <jansson.h>

#include "base/dist.h"
#include "models/hw.h"

/* Levels of the memory hierarchy a page-table reference can hit. */
enum hw_mem_level {
    HW_MEM_L1,
    HW_MEM_L2,
    HW_MEM_L3,
    HW_MEM_DRAM,
    HW_MEM_LEVELS
};
extern const char *const hw_mem_level_names[HW_MEM_LEVELS];   /* "l1" ... "dram" */

/* One value from a data file. */
struct hw_param {
    double value;          /* in the model's unit (cycles, GHz, fraction, ...) */
    const char *text;      /* the value when it is a string, else NULL */
    char prov;             /* 'R', 'D', 'M', 'E', 'S'; 'U' = user gave a bare value */
    const char *source;    /* where it comes from; borrowed from the document */
    const char *unit;      /* unit as written in the file, or "" */
    double given;          /* value as written (before ns -> cycles), for explain */
    bool is_bool;          /* given as true/false (explain prints it back so) */
};

struct hw_profile {
    const char *description;               /* one line, for hvsim list */
    struct hw_param generation;            /* text: "Skylake-SP" */
    struct hw_param ghz;                   /* nominal (TSC) clock, GHz */
    struct hw_param trivial_exit;          /* cycles of a CPUID exit, the scale of the
                                              estimated costs; optional, shown only */
    struct hw_param exit_cost[HW_EXIT_REASONS]; /* cycles per exit, round trip + handler */
    struct hw_param world_switch;          /* cycles: exit + switch of guest state + entry */
    struct hw_param vpid;                  /* 1 = TLB entries tagged per guest */
    struct hw_param guest_levels;          /* 4 or 5 */
    struct hw_param host_levels;           /* 4 or 5 (EPT) */
    struct hw_param guest_page;            /* enum hw_page_size */
    struct hw_param host_page;             /* enum hw_page_size */
    struct hw_param pwc_hit;               /* P(upper-level reference hits the page-walk cache) */
    struct hw_param ntlb_hit;              /* P(gPA->hPA translation hits the nested TLB) */
    struct hw_param tlb_entries;           /* STLB entries: the most a refill can cost */
    struct hw_param mem_latency[HW_MEM_LEVELS]; /* cycles (converted from ns if given so) */
    struct hw_param hit_fraction[HW_MEM_LEVELS]; /* where page-table references hit; sums to 1 */
    /* Blocking, waking and moving (the VM model); optional in a file, each
     * with a documented fallback (hw-json.c profile_defaults). */
    struct hw_param ipi;                   /* cycles: a wake-up IPI, send to ACK */
    struct hw_param posted_interrupts;     /* 1 = APICv posted interrupts are used */
    struct hw_param ipi_posted;            /* cycles: the same IPI with posted interrupts */
    struct hw_param halt_poll;             /* ns KVM polls a halted vCPU before it sleeps */
    struct hw_param l2_kb;                 /* private cache of a core, KB: refilled after a migration */
    struct hw_param fill_buffers;          /* L1 misses a core keeps in flight (refill overlap) */
};

struct hw_class {
    char *name;                            /* file name without .json */
    char *file;                            /* path it was read from, or NULL (built in) */
    const char *description;               /* one line, borrowed from doc (or static) */
    struct hw_param exit_rate[HW_EXIT_REASONS]; /* per s of guest work; absent = 0 */
    struct hw_param mpki;                  /* TLB misses per 1000 instructions */
    struct hw_param ips;                   /* instructions per s of guest work */
    struct hw_param ws_pages;              /* working set, 4K pages */
    struct hw_param burst;                 /* text: the distribution of its CPU bursts, s */
    struct dist burst_dist;                /* ... parsed */
    struct hw_rates rates;                 /* derived once at load */
    json_t *doc;                           /* owns the strings above */
};

struct hw_model {
    char *name;                            /* profile name ("none" for ideal) */
    char *file;                            /* profile file read, or NULL */
    bool ideal;                            /* profile "none": every cost is zero */
    struct hw_profile p;                   /* zero for the ideal profile */
    json_t *doc;                           /* the profile document; owns p's strings */
    double ref_cycles;                     /* price of one page-table reference */
    struct hw_walk walk;                   /* walk for the profile's page sizes */
    struct hw_class *cls;                  /* classes, [0] = default */
    size_t ncls;
};

/* hw-json.c: read a profile document into m->p (m->name, m->file set by the
 * caller) and the classes of DATADIR/classes into m->cls. */
int hw__profile_read(struct hw_model *m, const char *path, struct sim_error *err);
int hw__classes_read(struct hw_model *m, const char *datadir, struct sim_error *err);
/* Read one class file into *c.  Exposed for hw_list. */
int hw__class_read(struct hw_class *c, const char *path, const char *name,
                   struct sim_error *err);
/* A profile or class name: 1-31 characters of [a-z0-9._-], not starting
 * with '.' (it becomes a file name and a trace's class column). */
bool hw__name_ok(const char *name);
/* The .json files of DIR without their extension, sorted; NULL if DIR
 * cannot be opened.  Free with hw__names_free. */
char **hw__dir_names(const char *dir, size_t *n);
void hw__names_free(char **names, size_t n);

/* hw.c: derived quantities, computed once at load. */
void hw__derive(struct hw_model *m);
double hw__cycles_to_ns(const struct hw_model *m, double cycles);
/* TLB entries a class needs (working set in entries of the effective page
 * size), bounded by the TLB size. */
double hw__tlb_footprint(const struct hw_model *m, const struct hw_class *c);
double hw__switch_ns(const struct hw_model *m, int from_cls, int to_cls);

#endif /* MODELS_HW_PRIVATE_H */
