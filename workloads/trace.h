/*
 * workloads/trace.h - workload sources: trace formats and the synthetic
 * generator, all read as a stream of guest records.
 *
 * A format is a const struct trace_fmt (an operations table, cf. SimGrid's
 * {name, description, init} model tables) registered by one line in
 * workloads/fmt-list.h.  The engine pulls one record at a time
 * (trace_next) when the previous arrival has been processed, so memory
 * grows with the guests in the system, not with the length of the trace.
 */
#ifndef WORKLOADS_TRACE_H
#define WORKLOADS_TRACE_H

#include <stdio.h>

#include "base/dist.h"
#include "base/error.h"
#include "base/registry.h"
#include "base/types.h"

#define TRACE_ID_MAX 64
#define TRACE_CLASS_MAX 32

/* A demand that varies over time: util[k] (0..1 of one vCPU) holds over
 * [k*interval, (k+1)*interval) after the guest's arrival.  Owned by the
 * record; trace_record_clear frees it, trace_record_move hands it over. */
struct util_series {
    double interval;   /* seconds between samples, > 0 */
    size_t n;          /* number of samples, >= 1 */
    double *util;      /* n values in [0, +inf) (can exceed 1: trace quirk) */
};

/* How a guest's vCPUs alternate runs and blocks (halts), when the trace
 * says: explicit phases (the `phases` format) or a closed loop of think
 * and burst (--generate think=,burst=).  Without one, a guest with a
 * series is an on/off process of the series' utilisation, and any other
 * guest runs one burst of `work` per vCPU.  Owned by the record;
 * trace_record_clear frees it, the engine takes it over. */
enum activity_kind {
    ACTIVITY_PHASES,   /* per vCPU: run, block, run, ... seconds, `repeat` times */
    ACTIVITY_CLOSED,   /* per vCPU: think (block), then burst (run), `cycles` times */
};
struct phase_seq {
    double *d;         /* durations, s: d[0] a run, d[1] a block, d[2] a run ... */
    size_t n;          /* >= 1 */
};
struct activity {
    enum activity_kind kind;
    int nvcpus;                /* PHASES: entries of seq */
    struct phase_seq *seq;     /* PHASES: [nvcpus], owned */
    long repeat;               /* PHASES: times through the sequence, >= 1 */
    struct dist think, burst;  /* CLOSED: block, then run, each cycle */
    long cycles;               /* CLOSED: cycles per vCPU, 0 = until the run's end */
};
void activity_free(struct activity *a);

/* The phases of a guest from text: durations (seconds, or with a unit:
 * 100us, 10ms) alternating run and block, starting with a run; one
 * sequence for every vCPU, or one per vCPU separated by '|'.  Returns NULL
 * or what is wrong; *out is owned by the caller (activity_free). */
const char *trace_parse_phases(const char *text, struct activity **out, char *msg, size_t len);

/* Cores a guest may run on, from a cpuset text "0-3,6" (cores 0..63):
 * bit k = core k; 0 = every core.  Returns NULL or what is wrong. */
const char *trace_parse_cpuset(const char *text, uint64_t *mask, char *msg, size_t len);

/* One guest as a trace describes it.  Units: seconds and MB. */
struct trace_record {
    char id[TRACE_ID_MAX];           /* "" = number it by trace order */
    double arrival;                  /* s, >= 0, non-decreasing in a trace */
    double work;                     /* s of CPU per vCPU on the reference core, > 0 */
    int vcpus;                       /* >= 1 */
    double mem_mb;                   /* >= 0, 0 = unknown */
    double priority;                 /* smaller = more important; default 0 */
    double weight;                   /* > 0, default 1 */
    double deadline;                 /* absolute s, < 0 = none */
    char class_name[TRACE_CLASS_MAX]; /* "" = default class */
    double util;                     /* mean utilisation 0..1, < 0 = unknown */
    struct util_series *series;      /* NULL = constant demand */
    struct activity *activity;       /* NULL = one burst per vCPU (or the series) */
    double cap;                      /* at most this many cores (a CPU cap), 0 = none */
    uint64_t affinity;               /* cores it may run on (cpuset bits), 0 = every core */
    long repeat;                     /* times through its phases, >= 1 */
    double speed;                    /* its vCPUs' speed against the reference core (the
                                        work of a utilisation series scales with it), 1 */
    long line;                       /* where it came from (1-based), 0 = generated */
};

/* Fill *rec with the defaults of every optional field. */
void trace_record_init(struct trace_record *rec);
/* Free what the record owns (its series) and re-initialise it. */
void trace_record_clear(struct trace_record *rec);

/* Why records were skipped; reported as jobs.skipped{REASON: count}. */
enum trace_skip {
    TRACE_SKIP_UNKNOWN_RUNTIME, /* SWF run time -1 */
    TRACE_SKIP_ZERO_RUNTIME,    /* SWF run time 0 */
    TRACE_SKIP_OUTSIDE_WINDOW,  /* --start / --end */
    TRACE_SKIP_UNKNOWN_PROCS,   /* SWF allocated and requested processors both -1 */
    TRACE_SKIP_MAX
};
extern const char *const trace_skip_names[TRACE_SKIP_MAX];

/* Options that shape how a file is read (cutting and scaling are applied
 * by trace.c on top of every format). */
struct trace_options {
    const char *format;      /* NULL = from the extension */
    long limit;              /* first N records, 0 = all */
    double start, end;       /* window on arrival (s, after rebasing); end < 0 = none */
    double scale_arrivals;   /* inter-arrival times are multiplied by 1/F, default 1 */
    double scale_work;       /* work multiplied by F, default 1 */
    const void *fmt_conf;    /* values of the format's knobs (fmt->info.params); NULL = defaults */
};
void trace_options_init(struct trace_options *o);

struct trace_reader;

/* Return values of trace_fmt.next and trace_next. */
enum {
    TRACE_EOF = 0,
    TRACE_RECORD = 1,
    /* < 0: an error (SIM_EINVAL for a bad record, reader can go on with the
     * next one, as `hvsim check` does; SIM_EIO if the file cannot be read). */
};

struct trace_fmt {
    /* name (--format NAME), description and the format's own knobs,
     * whose values the reader finds in r->conf. */
    struct policy_info info;
    const char *extensions;  /* space-separated, e.g. ".csv", or NULL */
    /* What the reader takes from its input, column by column, and how it
     * maps to a guest: a paragraph for the man page (cli/cmd-man.c). */
    const char *columns;
    /* Open path (a file, or a directory for per-VM formats).  Store private
     * state in r->priv.  On failure free what was allocated. */
    int (*open)(struct trace_reader *r, const char *path, struct sim_error *err);
    /* Next record into *rec (initialised by the caller with
     * trace_record_init).  Returns TRACE_RECORD, TRACE_EOF or an error
     * (after which the next call continues after the bad record). */
    int (*next)(struct trace_reader *r, struct trace_record *rec, struct sim_error *err);
    void (*close)(struct trace_reader *r);
    /* Optional: how many per-record items the reader keeps (the CSV/JSON
     * set of ids seen); every other reader state is bounded.  Tests use it
     * to check that a reader streams. */
    size_t (*state_size)(const struct trace_reader *r);
};

/* A stream of records; owned by whoever called trace_open*. */
struct trace_reader {
    const struct trace_fmt *fmt;
    void *priv;                       /* the format's own state */
    const void *conf;                 /* values of fmt's knobs (opt.fmt_conf, or conf_owned) */
    void *conf_owned;                 /* defaults made by trace_open when none were given */
    char path[512];                   /* as the user named it */
    struct trace_options opt;
    long records;                     /* records returned so far */
    long skipped[TRACE_SKIP_MAX];
    /* Header facts where the format has them (SWF MaxProcs etc.), 0 = unknown. */
    long max_procs, max_nodes;
    long unix_start_time;
    /* Seconds subtracted from the trace's own times so that it starts at 0
     * (SWF: the first job line's submit time; Azure: the first bin;
     * Bitbrains: the earliest first timestamp of its files), 0 = none. */
    double time_offset;
    /* Entries of a per-VM directory that were not read (hidden files,
     * subdirectories, FIFOs, symbolic-link loops...), counted and named
     * by textio_list_dir; "" when none. */
    char dir_skipped[400];
    /* Read only once: standard input, a FIFO or a device (a replication
     * cannot read it again). */
    bool once;
};

/* The registry (fmt-list.h, plus plug-ins). */
extern struct registry trace_fmt_registry;
static inline const struct trace_fmt *trace_fmt_of(const struct policy_info *info)
{
    return info ? container_of(info, const struct trace_fmt, info) : NULL;
}
static inline const struct trace_fmt *trace_fmt_find(const char *name)
{
    return trace_fmt_of(registry_find(&trace_fmt_registry, name));
}
/* The format of a path: by its extension, or for a directory by the
 * files it holds; NULL if it cannot be told. */
const struct trace_fmt *trace_fmt_for_path(const char *path);

/* The error for a path whose format cannot be told: the path's own
 * problem if it cannot be read ("PATH: No such file or directory"), else
 * a request for --format.  Returns SIM_EINVAL. */
int trace_format_unknown(const char *path, struct sim_error *err);

/* Open a trace file with opt (format from opt->format or the extension);
 * path "-" is standard input (with a format). */
int trace_open(struct trace_reader *r, const char *path, const struct trace_options *opt,
               struct sim_error *err);
/* Open an already-made source (the synthetic generator, an in-memory
 * array in tests) with private state priv. */
void trace_open_source(struct trace_reader *r, const struct trace_fmt *fmt, void *priv,
                       const char *name, const struct trace_options *opt);
int trace_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err);
void trace_close(struct trace_reader *r);
/* fmt->state_size, or 0 for a format without per-record state. */
size_t trace_state_size(const struct trace_reader *r);

/* The native CSV (workloads/csv-write.c): the header line, then one line
 * per record with every column, numbers printed so that they read back
 * exactly; the series is not written (CSV has no column for it).
 * Return 0 or SIM_EIO. */
int trace_write_csv_header(FILE *out);
int trace_write_csv(FILE *out, const struct trace_record *rec);

#endif /* WORKLOADS_TRACE_H */
