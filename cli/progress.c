/* cli/progress.c - see progress.h */
#include "cli/progress.h"

#include <time.h>

static double wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(struct progress *pr, FILE *out, bool enabled, long total, long reps)
{
    pr->out = enabled ? out : NULL;
    pr->delay = PROGRESS_DELAY;
    pr->interval = PROGRESS_INTERVAL;
    pr->t0 = pr->rep_t0 = wall_clock();
    pr->last = -1e300;
    pr->total = total;
    pr->rep = 0;
    pr->reps = reps;
    pr->shown = false;
}

void progress_attach(struct progress *pr, struct sim_hooks *hooks, long rep)
{
    pr->rep = rep;
    pr->rep_t0 = wall_clock();
    hooks->on_progress = pr->out ? progress_tick : NULL;
    hooks->progress_ctx = pr;
}

void progress_tick(void *ctx, const struct sim_progress *p)
{
    struct progress *pr = ctx;
    if (!pr->out)
        return;
    double now = wall_clock();
    if (now - pr->t0 < pr->delay || now - pr->last < pr->interval)
        return;
    pr->last = now;
    double elapsed = now - pr->rep_t0;
    long read = p->records_read;
    fprintf(pr->out, "\rhvsim: ");
    if (pr->reps > 1)
        fprintf(pr->out, "rep %ld/%ld, ", pr->rep + 1, pr->reps);
    fprintf(pr->out, "simulated %.6g s, %ld guests read", sim_time_to_s(p->now), read);
    if (pr->total > 0)
        fprintf(pr->out, " (%.0f%%)", 100.0 * (double)read / (double)pr->total);
    if (elapsed > 0)
        fprintf(pr->out, ", %.3g events/s", (double)p->events / elapsed);
    fputs("\033[K", pr->out);   /* clear the rest of a longer previous line */
    fflush(pr->out);
    pr->shown = true;
}

void progress_done(struct progress *pr)
{
    if (pr->out && pr->shown) {
        fputs("\r\033[K", pr->out);
        fflush(pr->out);
    }
    pr->shown = false;
}
