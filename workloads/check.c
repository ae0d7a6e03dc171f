/*
 * workloads/check.c - see check.h.
 *
 * The reader is driven exactly as a run drives it (trace_next), so check
 * accepts what run accepts; a bad record is reported and reading goes on
 * with the next one, which is how each format's next() is specified.
 */
#include "workloads/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

static void check_report(FILE *errout, const struct sim_error *e, long *nerr, long max)
{
    (*nerr)++;
    if (!errout || (max > 0 && *nerr > max))
        return;
    char buf[1200];
    sim_error_format(e, buf, sizeof buf);
    fprintf(errout, "%s\n", buf);
}

int trace_check_summary(FILE *errout, const char *path, const struct trace_options *opt,
                        double cores, trace_class_known_fn class_known, void *ctx,
                        long max_errors, struct trace_summary *s)
{
    struct trace_reader r;
    struct sim_error e;
    memset(&e, 0, sizeof e);
    memset(s, 0, sizeof *s);
    int rc = trace_open(&r, path, opt, &e);
    if (rc < 0) {
        long n = 0;
        check_report(errout, &e, &n, 0);
        return rc;
    }
    struct trace_record rec;
    trace_record_init(&rec);
    long nerr = 0, records = 0;
    double first = 0, last = 0, work = 0, cpu = 0, series_cpu = 0, end = 0;
    int io = 0;
    for (;;) {
        rc = trace_next(&r, &rec, &e);
        if (rc == TRACE_EOF)
            break;
        if (rc < 0) {
            check_report(errout, &e, &nerr, max_errors);
            if (rc != SIM_EINVAL) {
                io = rc;
                break;
            }
            continue;
        }
        if (rec.class_name[0] && class_known && !class_known(rec.class_name, ctx)) {
            sim_error_set(&e, SIM_EINVAL, r.path, rec.line, 0, "unknown workload class '%s'",
                          rec.class_name);
            check_report(errout, &e, &nerr, max_errors);
            continue;
        }
        if (records == 0)
            first = rec.arrival;
        last = rec.arrival;
        records++;
        work += rec.work;
        cpu += rec.work * rec.vcpus;
        if (rec.series)
            series_cpu += rec.work * rec.vcpus;
        /* A guest with a series lasts as long as its series; others at
         * least their work. */
        double dur = rec.series ? rec.series->interval * (double)rec.series->n : rec.work;
        if (rec.arrival + dur > end)
            end = rec.arrival + dur;
    }
    trace_record_clear(&rec);
    if (errout && max_errors > 0 && nerr > max_errors)
        fprintf(errout, "%s: ... and %ld more errors\n", r.path, nerr - max_errors);

    s->cores_from = "given";
    if (cores <= 0) {
        if (r.max_procs > 0) {
            cores = (double)r.max_procs;
            s->cores_from = "MaxProcs of the header";
        } else if (r.max_nodes > 0) {
            cores = (double)r.max_nodes;
            s->cores_from = "MaxNodes of the header";
        } else {
            cores = 1;
            s->cores_from = "default; give the platform's cores for a real estimate";
        }
    }
    snprintf(s->path, sizeof s->path, "%s", r.path);
    s->format = r.fmt->info.name;
    s->records = records;
    s->errors = nerr;
    memcpy(s->skipped, r.skipped, sizeof s->skipped);
    s->first = first;
    s->last = last;
    s->time_offset = r.time_offset;
    snprintf(s->not_read, sizeof s->not_read, "%s", r.dir_skipped);
    s->work = work;
    s->cpu = cpu;
    s->series_cpu = series_cpu;
    s->cores = cores;
    /* Load over the arrival span; with one arrival instant, over the
     * time until the last guest could end (> 0: work is > 0). */
    double span = last - first;
    s->window = span > 0 ? span : end - first;
    s->window_from = span > 0 ? "arrival span" : "duration of the longest guest";
    s->offered_load = records > 0 ? cpu / s->window / cores : NAN;
    trace_close(&r);
    if (io)
        return io;
    return nerr ? SIM_EINVAL : 0;
}

void trace_summary_print(FILE *out, const struct trace_summary *s)
{
    fprintf(out, "trace: %s\n", s->path);
    fprintf(out, "format: %s\n", s->format);
    fprintf(out, "records: %ld\n", s->records);
    long skipped = 0;
    for (int k = 0; k < TRACE_SKIP_MAX; k++)
        skipped += s->skipped[k];
    fprintf(out, "skipped: %ld", skipped);
    for (int k = 0; k < TRACE_SKIP_MAX; k++)
        if (s->skipped[k])
            fprintf(out, " %s=%ld", trace_skip_names[k], s->skipped[k]);
    fprintf(out, "\n");
    if (s->not_read[0])
        fprintf(out, "not read: %s\n", s->not_read);
    fprintf(out, "errors: %ld\n", s->errors);
    if (s->records > 0) {
        fprintf(out, "arrivals: %.17g .. %.17g s (span %.6g s)\n", s->first, s->last,
                s->last - s->first);
        if (s->time_offset != 0)
            fprintf(out, "time offset: %.17g s (subtracted so that the trace starts at 0)\n",
                    s->time_offset);
        fprintf(out, "total work: %.6g s per vCPU, %.6g vCPU-s\n", s->work, s->cpu);
        fprintf(out, "cores: %g (%s)\n", s->cores, s->cores_from);
        fprintf(out, "offered load: %.4g (sum work*vcpus / %s / cores)\n", s->offered_load,
                s->window_from);
    }
}

int trace_check(FILE *out, FILE *errout, const char *path, const struct trace_options *opt,
                double cores, trace_class_known_fn class_known, void *ctx, long max_errors)
{
    struct trace_summary *s = xmalloc(sizeof *s);   /* 4 kB of path */
    int rc = trace_check_summary(errout, path, opt, cores, class_known, ctx, max_errors, s);
    if (s->format)
        trace_summary_print(out, s);
    free(s);
    return rc;
}
