/*
 * tests/helpers.h - fixtures shared by the tests: a workload from an
 * in-memory array of records, a one-call simulation, and running the
 * hvsim binary as a user would (exit status, stdout, stderr).
 */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include "sim/engine.h"
#include "workloads/trace.h"

/* One guest of a hand-written workload. */
struct test_job {
    const char *id;
    double arrival, work;
    int vcpus;
    double priority;
    double mem_mb;
    const double *series;   /* utilisation samples (0..1 per vCPU), NULL = fixed work */
    size_t nseries;
    double interval;        /* seconds per sample */
    const char *phases;     /* the phases format's text ("0.1ms 10ms"), NULL = none */
    long repeat;            /* times through the phases, 0 = once */
    double cap;             /* a CPU cap in cores, 0 = none */
    double weight;          /* 0 = 1 */
    double speed;           /* its vCPUs' speed, 0 = 1 */
    const char *cls;        /* its workload class, NULL = the default */
};

/* Open a reader over jobs[0..n-1] (the array must outlive the reader). */
void test_array_open(struct trace_reader *r, const struct test_job *jobs, size_t n);

/* Finish time of each guest, by position in the array. */
struct test_run {
    struct sim_result res;
    double finish[64];
    double first_start[64];
    int host[64];
    long events;
};

/* x set to scheduler sched with default knobs, ideal hardware, one host of
 * ncores; the test fails if sched is unknown.  Release it with
 * sim_experiment_release. */
void test_experiment(struct sim_experiment *x, const char *sched, int ncores);
/* Set a knob of c's policy from text when the policy has it (a quantum
 * is ignored by policies without one, as on the command line). */
void test_knob(struct policy_choice *c, const char *name, const char *text);
/* ... a number (seconds for a duration). */
void test_knob_num(struct policy_choice *c, const char *name, double value);

/* Run jobs under sched (with quantum in seconds) on ncores, ideal
 * hardware; fail the test on error. */
void test_run_jobs(const struct test_job *jobs, size_t n, const char *sched, double quantum,
                   int ncores, struct test_run *out);

/* The same with knobs of the scheduler: name, value pairs ending in NULL
 * (each must be a knob of sched). */
void test_run_jobs_knobs(const struct test_job *jobs, size_t n, const char *sched,
                         const char *const *knobs, int ncores, struct test_run *out);

/* The same on nhosts hosts of mem_mb memory each (0 = unlimited), with
 * --admission reject when reject is set; invariants are checked after
 * every event and must hold. */
void test_run_jobs_platform(const struct test_job *jobs, size_t n, const char *sched,
                            int ncores, int nhosts, double mem_mb, bool reject,
                            struct test_run *out);
/* ... and with a placement policy (by name) and an overcommit limit. */
void test_run_jobs_placed(const struct test_job *jobs, size_t n, int ncores, int nhosts,
                          double mem_mb, const char *place, double overcommit,
                          struct test_run *out);

/* Run jobs (with series) under allocator alloc on one host of ncores,
 * interval/headroom/floor for demand; series guests as fluids (fluid) or
 * as on/off vCPUs. */
void test_run_alloc(const struct test_job *jobs, size_t n, const char *alloc, int ncores,
                    double interval, double headroom, double floor, bool equal_share,
                    bool fluid, struct test_run *out);

/* Run a synthetic workload through the library; returns the result. */
void test_run_generate(const char *spec, const char *sched, double quantum, int ncores,
                       uint64_t seed, long warmup, long batches, struct sim_result *out);

/* Load the plug-ins of $HVSIM_TEST_PLUGINS (':'-separated paths) into
 * their registries, once per process; a plug-in refused stops the test
 * program with exit status 2 and the reason on stderr. */
void test_load_plugins(void);

/* Run build/hvsim (or $HVSIM_BIN) with args (NULL-terminated); capture. */
struct cmd_result {
    int status;     /* exit status, or 128+signal */
    char *out, *err;
};
void run_hvsim(struct cmd_result *r, const char *const *args);
void cmd_result_free(struct cmd_result *r);

#define RUN(r, ...) run_hvsim((r), (const char *const[]){__VA_ARGS__, NULL})

/* A fresh directory /tmp/hvsim-test-TAG-XXXXXX (free the path), and
 * removing a directory tree (the test fails if it cannot). */
char *test_tmpdir(const char *tag);
void test_remove_tree(const char *dir);

/* The whole of a file, NUL-terminated (*len, if not NULL, its size in
 * bytes); the test fails if it cannot be read.  Free it. */
char *test_slurp(const char *path, size_t *len);
/* The same for DIR/NAME. */
char *test_slurp_in(const char *dir, const char *name);
/* Does DIR/NAME exist? */
bool test_exists(const char *dir, const char *name);

/* Write text to a fresh temporary file; returns its path (free it). */
char *write_temp(const char *suffix, const char *text);

#endif
