/* tests/helpers.c - see helpers.h */
#define _GNU_SOURCE
#include "tests/helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "cli/plugin.h"
#include "workloads/synthetic.h"

struct array_src {
    const struct test_job *jobs;
    size_t n, next;
};

static int array_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    (void)err;
    struct array_src *a = r->priv;
    if (a->next >= a->n)
        return TRACE_EOF;
    const struct test_job *j = &a->jobs[a->next++];
    snprintf(rec->id, sizeof rec->id, "%s", j->id ? j->id : "");
    rec->arrival = j->arrival;
    rec->work = j->work;
    rec->vcpus = j->vcpus ? j->vcpus : 1;
    rec->priority = j->priority;
    rec->mem_mb = j->mem_mb;
    rec->cap = j->cap;
    rec->weight = j->weight > 0 ? j->weight : 1;
    rec->speed = j->speed > 0 ? j->speed : 1;
    rec->repeat = j->repeat > 0 ? j->repeat : 1;
    if (j->cls)
        snprintf(rec->class_name, sizeof rec->class_name, "%s", j->cls);
    if (j->phases) {
        char msg[200];
        const char *why = trace_parse_phases(j->phases, &rec->activity, msg, sizeof msg);
        cr_assert_null(why, "test job %s: %s", j->id ? j->id : "?", why);
    }
    if (j->series) {
        rec->series = xmalloc(sizeof *rec->series);
        rec->series->n = j->nseries;
        rec->series->interval = j->interval;
        rec->series->util = xmalloc(j->nseries * sizeof(double));
        memcpy(rec->series->util, j->series, j->nseries * sizeof(double));
    }
    rec->line = (long)a->next;
    return TRACE_RECORD;
}

static void array_close(struct trace_reader *r) { free(r->priv); }

static const struct trace_fmt array_fmt = {
    .info = {.name = "array", .desc = "test jobs"}, .next = array_next, .close = array_close,
};

void test_array_open(struct trace_reader *r, const struct test_job *jobs, size_t n)
{
    struct array_src *a = xcalloc(1, sizeof *a);
    a->jobs = jobs;
    a->n = n;
    trace_open_source(r, &array_fmt, a, "jobs", NULL);
}

struct finish_ctx {
    struct test_run *run;
};

static void record_finish(void *ctx, const struct sim_job_info *j)
{
    struct test_run *run = ctx;
    uint64_t i = j->guest->seq;
    if (i < 64) {
        run->finish[i] = sim_time_to_s(j->finish);
        run->first_start[i] = sim_time_to_s(j->guest->first_start);
        run->host[i] = j->guest->host->index;
    }
}

void test_load_plugins(void)
{
    static bool loaded;   /* once per process (each Criterion test is one) */
    const char *list = getenv("HVSIM_TEST_PLUGINS");
    if (loaded || !list || !*list)
        return;
    loaded = true;
    char *copy = xstrdup(list), *save = NULL;
    for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
        struct sim_error err;
        if (cli_plugin_load(p, NULL, NULL, &err) < 0) {
            /* Not an assertion: this also runs where Criterion builds the
             * parameters of a test, outside any test, where a failed
             * assertion waits forever for a runner. */
            fprintf(stderr, "HVSIM_TEST_PLUGINS: %s: %s\n", p, err.text);
            exit(2);
        }
    }
    free(copy);
}

void test_experiment(struct sim_experiment *x, const char *sched, int ncores)
{
    struct sim_error err;
    cr_assert_eq(sim_experiment_init(x, &err), 0, "%s", err.text);
    cr_assert_eq(policy_choose(&x->sched, &sched_registry, sched, &err), 0, "%s", err.text);
    sim_experiment_uniform(x, 1, ncores, 0);
}

void test_knob(struct policy_choice *c, const char *name, const char *text)
{
    if (!param_find(c->info->params, name))
        return;
    struct sim_error err;
    cr_assert_eq(policy_set(c, name, text, &err), 0, "%s --%s %s: %s", c->info->name, name,
                 text, err.text);
}

void test_knob_num(struct policy_choice *c, const char *name, double value)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", value);
    test_knob(c, name, text);
}

/* Run jobs on x (invariants checked, finish times recorded), and fail the
 * test on any error or violation; x is released. */
static void run_with(struct sim_experiment *x, const struct test_job *jobs, size_t n,
                     struct test_run *out)
{
    struct sim_hooks hooks = {.check_invariants = true, .on_job = record_finish, .cb_ctx = out};
    struct sim_error err;
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, x, 0, &hooks, &err), 0, "%s", err.text);
    struct trace_reader r;
    test_array_open(&r, jobs, n);
    cr_assert_eq(sim_run(sim, &r, &err), 0, "%s", err.text);
    sim_result(sim, &out->res);
    out->events = (long)out->res.events;
    const char *first;
    long violations = sim_violations(sim, &first);
    cr_expect_eq(violations, 0, "invariant violated: %s", first);
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(x);
}

static void run_jobs(const struct test_job *jobs, size_t n, const char *sched, double quantum,
                     int ncores, int nhosts, double mem_mb, bool reject, const char *place,
                     double overcommit, struct test_run *out)
{
    memset(out, 0, sizeof *out);
    struct sim_experiment x;
    struct sim_error err;
    test_experiment(&x, sched, ncores);
    sim_experiment_uniform(&x, nhosts, ncores, mem_mb);
    x.admission_reject = reject;
    cr_assert_eq(policy_choose(&x.place, &place_registry, place, &err), 0, "%s", err.text);
    x.overcommit = overcommit;
    test_knob_num(&x.sched, "quantum", quantum);
    run_with(&x, jobs, n, out);
}

void test_run_jobs(const struct test_job *jobs, size_t n, const char *sched, double quantum,
                   int ncores, struct test_run *out)
{
    run_jobs(jobs, n, sched, quantum, ncores, 1, 0, false, "first-fit", 0, out);
}

void test_run_jobs_knobs(const struct test_job *jobs, size_t n, const char *sched,
                         const char *const *knobs, int ncores, struct test_run *out)
{
    memset(out, 0, sizeof *out);
    struct sim_experiment x;
    test_experiment(&x, sched, ncores);
    for (size_t i = 0; knobs && knobs[i]; i += 2) {
        struct sim_error err;
        cr_assert_eq(policy_set(&x.sched, knobs[i], knobs[i + 1], &err), 0, "%s", err.text);
    }
    run_with(&x, jobs, n, out);
}

void test_run_jobs_platform(const struct test_job *jobs, size_t n, const char *sched,
                            int ncores, int nhosts, double mem_mb, bool reject,
                            struct test_run *out)
{
    run_jobs(jobs, n, sched, 0.03, ncores, nhosts, mem_mb, reject, "first-fit", 0, out);
}

void test_run_alloc(const struct test_job *jobs, size_t n, const char *alloc, int ncores,
                    double interval, double headroom, double floor, bool equal_share,
                    bool fluid, struct test_run *out)
{
    memset(out, 0, sizeof *out);
    struct sim_experiment x;
    struct sim_error err;
    test_experiment(&x, "fcfs", ncores);
    x.fluid = fluid;
    cr_assert_eq(policy_choose(&x.alloc, &alloc_registry, alloc, &err), 0, "%s", err.text);
    test_knob_num(&x.alloc, "interval", interval);
    test_knob_num(&x.alloc, "headroom", headroom);
    test_knob_num(&x.alloc, "floor", floor);
    test_knob(&x.alloc, "share", equal_share ? "equal" : "requested");
    run_with(&x, jobs, n, out);
}

void test_run_jobs_placed(const struct test_job *jobs, size_t n, int ncores, int nhosts,
                          double mem_mb, const char *place, double overcommit,
                          struct test_run *out)
{
    run_jobs(jobs, n, "fcfs", 0.03, ncores, nhosts, mem_mb, false, place, overcommit, out);
}

void test_run_generate(const char *spec, const char *sched, double quantum, int ncores,
                       uint64_t seed, long warmup, long batches, struct sim_result *out)
{
    struct synth_spec s;
    struct sim_error err;
    cr_assert_eq(synth_parse(&s, spec, &err), 0, "%s", err.text);
    struct sim_experiment x;
    test_experiment(&x, sched, ncores);
    test_knob_num(&x.sched, "quantum", quantum);
    x.seed = seed;
    x.warmup = warmup;
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, NULL, &err), 0, "%s", err.text);
    struct trace_reader r;
    synth_open(&r, &s, seed, 0, NULL);
    cr_assert_eq(sim_run(sim, &r, &err), 0, "%s", err.text);
    sim_result(sim, out);
    metrics_batch_means(sim_metrics(sim), batches, out);
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
}

/* Everything until end of file from fd (a file or a pipe). */
static char *slurp_fd(int fd, size_t *lenp)
{
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    if (lenp)
        *lenp = len;
    return buf;
}

char *test_slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0, "cannot open %s", path);
    char *buf = slurp_fd(fd, len);
    close(fd);
    return buf;
}

char *test_slurp_in(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return test_slurp(path, NULL);
}

bool test_exists(const char *dir, const char *name)
{
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

void run_hvsim(struct cmd_result *r, const char *const *args)
{
    const char *bin = getenv("HVSIM_BIN");
    if (!bin)
        bin = "build/hvsim";
    char outp[] = "/tmp/hvsim-test-out-XXXXXX", errp[] = "/tmp/hvsim-test-err-XXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp);
    cr_assert(ofd >= 0 && efd >= 0);
    size_t n = 0;
    while (args[n])
        n++;
    char **argv = xcalloc(n + 2, sizeof *argv);
    argv[0] = (char *)bin;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        execv(bin, argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    free(argv);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    r->out = slurp_fd(ofd, NULL);
    r->err = slurp_fd(efd, NULL);
    close(ofd);
    close(efd);
    unlink(outp);
    unlink(errp);
}

void cmd_result_free(struct cmd_result *r)
{
    free(r->out);
    free(r->err);
}

char *write_temp(const char *suffix, const char *text)
{
    char *path = xmalloc(256);
    snprintf(path, 256, "/tmp/hvsim-test-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    cr_assert(fd >= 0);
    size_t len = strlen(text);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

char *test_tmpdir(const char *tag)
{
    char *dir = xmalloc(256);
    snprintf(dir, 256, "/tmp/hvsim-test-%s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

void test_remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}
