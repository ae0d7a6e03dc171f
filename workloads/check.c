/*
 * workloads/check.c - see check.h.
 *
 * The reader is driven exactly as a run drives it (trace_next), so check
 * accepts what run accepts; a bad record is reported and reading goes on
 * with the next one, which is how each format's next() is specified.
 */
#include "workloads/check.h"

#include <math.h>
#include <string.h>

static void check_report(FILE *errout, const struct sim_error *e, long *nerr, long max)
{
    (*nerr)++;
    if (max > 0 && *nerr > max)
        return;
    char buf[1200];
    sim_error_format(e, buf, sizeof buf);
    fprintf(errout, "%s\n", buf);
}

int trace_check(FILE *out, FILE *errout, const char *path, const struct trace_options *opt,
                double cores, trace_class_known_fn class_known, void *ctx, long max_errors)
{
    struct trace_reader r;
    struct sim_error e;
    memset(&e, 0, sizeof e);
    int rc = trace_open(&r, path, opt, &e);
    if (rc < 0) {
        long n = 0;
        check_report(errout, &e, &n, 0);
        return rc;
    }
    struct trace_record rec;
    trace_record_init(&rec);
    long nerr = 0, records = 0;
    double first = 0, last = 0, work = 0, cpu = 0, end = 0;
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
        /* A guest with a series lasts as long as its series; others at
         * least their work. */
        double dur = rec.series ? rec.series->interval * (double)rec.series->n : rec.work;
        if (rec.arrival + dur > end)
            end = rec.arrival + dur;
    }
    trace_record_clear(&rec);
    if (max_errors > 0 && nerr > max_errors)
        fprintf(errout, "%s: ... and %ld more errors\n", r.path, nerr - max_errors);

    const char *cores_from = "given";
    if (cores <= 0) {
        if (r.max_procs > 0) {
            cores = (double)r.max_procs;
            cores_from = "MaxProcs of the header";
        } else if (r.max_nodes > 0) {
            cores = (double)r.max_nodes;
            cores_from = "MaxNodes of the header";
        } else {
            cores = 1;
            cores_from = "default; give the platform's cores for a real estimate";
        }
    }
    double span = last - first;
    fprintf(out, "trace: %s\n", r.path);
    fprintf(out, "format: %s\n", r.fmt->info.name);
    fprintf(out, "records: %ld\n", records);
    long skipped = 0;
    for (int k = 0; k < TRACE_SKIP_MAX; k++)
        skipped += r.skipped[k];
    fprintf(out, "skipped: %ld", skipped);
    for (int k = 0; k < TRACE_SKIP_MAX; k++)
        if (r.skipped[k])
            fprintf(out, " %s=%ld", trace_skip_names[k], r.skipped[k]);
    fprintf(out, "\n");
    if (r.dir_skipped[0])
        fprintf(out, "not read: %s\n", r.dir_skipped);
    fprintf(out, "errors: %ld\n", nerr);
    if (records > 0) {
        fprintf(out, "arrivals: %.17g .. %.17g s (span %.6g s)\n", first, last, span);
        if (r.time_offset != 0)
            fprintf(out, "time offset: %.17g s (subtracted so that the trace starts at 0)\n",
                    r.time_offset);
        fprintf(out, "total work: %.6g s per vCPU, %.6g vCPU-s\n", work, cpu);
        fprintf(out, "cores: %g (%s)\n", cores, cores_from);
        /* Load over the arrival span; with one arrival instant, over the
         * time until the last guest could end (> 0: work is > 0). */
        double window = span > 0 ? span : end - first;
        fprintf(out, "offered load: %.4g (sum work*vcpus / %s / cores)\n", cpu / window / cores,
                span > 0 ? "arrival span" : "duration of the longest guest");
    }
    trace_close(&r);
    if (io)
        return io;
    return nerr ? SIM_EINVAL : 0;
}
