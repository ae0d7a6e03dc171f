/*
 * workloads/fields.h - the columns of the native formats (CSV and JSON)
 * and their value rules, shared so that both formats accept exactly the
 * same records.  Also the set of ids seen, used to reject duplicates.
 */
#ifndef WORKLOADS_FIELDS_H
#define WORKLOADS_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "workloads/trace.h"

enum trace_field {
    TRACE_F_ID,
    TRACE_F_ARRIVAL,
    TRACE_F_WORK,
    TRACE_F_VCPUS,
    TRACE_F_MEM_MB,
    TRACE_F_PRIORITY,
    TRACE_F_WEIGHT,
    TRACE_F_DEADLINE,
    TRACE_F_CLASS,
    TRACE_F_UTIL,
    TRACE_F_CAP,        /* cores, a CPU cap */
    TRACE_F_AFFINITY,   /* a cpuset, "0-3,6" */
    TRACE_F_PHASES,     /* run and block durations per vCPU (the phases format) */
    TRACE_F_REPEAT,     /* times through the phases */
    TRACE_F_NICE,       /* a Linux nice value: the weight from sched_prio_to_weight */
    TRACE_F_COUNT,
    TRACE_F_EXTRA = -1,   /* an x_ column: read and ignored */
    TRACE_F_UNKNOWN = -2,
};

#define TRACE_VCPUS_MAX 65536
#define TRACE_MEM_MB_MAX 1e12

extern const char *const trace_field_names[TRACE_F_COUNT];
/* What each column means: unit, default, rule (the man page). */
extern const char *const trace_field_help[TRACE_F_COUNT];

/* Linux's weight of a task of nice value nice (-20..19): kernel/sched/
 * core.c, sched_prio_to_weight[nice + 20]; nice 0 = 1024, each step
 * about 1.25 times lighter.  A record's `nice` sets its weight to this
 * / 1024, so that cfs and eevdf (weight x 1024) weigh it as Linux does. */
int trace_nice_weight(int nice);
/* A record may give weight or nice, not both: the message, or NULL. */
const char *trace_fields_check_weight(const bool *given, char *msg, size_t len);

/* The field called name, TRACE_F_EXTRA for "x_...", TRACE_F_UNKNOWN. */
int trace_field_find(const char *name);
/* Whether the field holds text (id, class) rather than a number. */
bool trace_field_is_text(int f);
/* Store a number in rec.  Returns NULL, or what is wrong with v. *msg is
 * a buffer of len bytes the message may be written to. */
const char *trace_field_set_number(struct trace_record *rec, int f, double v, char *msg,
                                   size_t len);
/* Store a text value (id or class); "" keeps the default.  Returns NULL
 * or what is wrong. */
const char *trace_field_set_text(struct trace_record *rec, int f, const char *s, char *msg,
                                 size_t len);
/* A workload class name: non-empty, [a-z0-9_-]+, shorter than TRACE_CLASS_MAX. */
bool trace_class_name_ok(const char *s);

/*
 * The ids seen so far: an open-addressing hash set of strings.  It is the
 * one piece of reader state that grows with the trace (one entry per
 * record that has an id), the price of rejecting duplicate ids.  Owned by
 * the reader's private state: trace_idset_free releases it.
 */
struct trace_idset {
    char **slot;     /* cap entries, NULL = empty; each string owned */
    size_t cap;      /* a power of two, or 0 */
    size_t n;        /* strings stored */
};
/* Add id; false if it was already there. */
bool trace_idset_add(struct trace_idset *s, const char *id);
void trace_idset_free(struct trace_idset *s);

#endif /* WORKLOADS_FIELDS_H */
