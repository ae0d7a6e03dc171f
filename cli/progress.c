/* cli/progress.c - see progress.h */
#include "cli/progress.h"

#include <stdlib.h>
#include <time.h>

#include "base/xalloc.h"

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
    pr->t0 = wall_clock();
    pr->last = -1e300;
    pr->total = total;
    pr->reps = reps > 0 ? reps : 1;
    pr->done = 0;
    pr->slot = xcalloc((size_t)pr->reps, sizeof *pr->slot);
    for (long i = 0; i < pr->reps; i++) {
        pr->slot[i].pr = pr;
        pr->slot[i].rep = i;
    }
    pthread_mutex_init(&pr->lock, NULL);
    pr->shown = false;
}

void progress_free(struct progress *pr)
{
    free(pr->slot);
    pr->slot = NULL;
    pthread_mutex_destroy(&pr->lock);
}

void progress_attach(struct progress *pr, struct sim_hooks *hooks, long rep)
{
    struct progress_slot *s = &pr->slot[rep];
    pthread_mutex_lock(&pr->lock);
    s->running = true;
    s->t0 = wall_clock();
    s->last = (struct sim_progress){0};
    pthread_mutex_unlock(&pr->lock);
    hooks->on_progress = pr->out ? progress_tick : NULL;
    hooks->progress_ctx = s;
}

void progress_rep_done(struct progress *pr, long rep)
{
    pthread_mutex_lock(&pr->lock);
    pr->slot[rep].running = false;
    pr->done++;
    pthread_mutex_unlock(&pr->lock);
}

/* The line, from the slot that reported last (the lock held). */
static void progress_line(struct progress *pr, const struct progress_slot *s, double now)
{
    long running = 0;
    for (long i = 0; i < pr->reps; i++)
        running += pr->slot[i].running;
    fprintf(pr->out, "\rhvsim: ");
    if (pr->reps > 1 && running > 1)
        fprintf(pr->out, "reps %ld done, %ld running of %ld; rep %ld: ", pr->done, running,
                pr->reps, s->rep + 1);
    else if (pr->reps > 1)
        fprintf(pr->out, "rep %ld/%ld, ", s->rep + 1, pr->reps);
    long read = s->last.records_read;
    fprintf(pr->out, "simulated %.6g s, %ld guests read", sim_time_to_s(s->last.now), read);
    if (pr->total > 0)
        fprintf(pr->out, " (%.0f%%)", 100.0 * (double)read / (double)pr->total);
    double elapsed = now - s->t0;
    if (elapsed > 0)
        fprintf(pr->out, ", %.3g events/s", (double)s->last.events / elapsed);
    fputs("\033[K", pr->out);   /* clear the rest of a longer previous line */
    fflush(pr->out);
    pr->shown = true;
}

void progress_tick(void *ctx, const struct sim_progress *p)
{
    struct progress_slot *s = ctx;
    struct progress *pr = s->pr;
    if (!pr->out)
        return;
    double now = wall_clock();
    pthread_mutex_lock(&pr->lock);
    s->last = *p;
    if (now - pr->t0 >= pr->delay && now - pr->last >= pr->interval) {
        pr->last = now;
        progress_line(pr, s, now);
    }
    pthread_mutex_unlock(&pr->lock);
}

void progress_done(struct progress *pr)
{
    pthread_mutex_lock(&pr->lock);
    if (pr->out && pr->shown) {
        fputs("\r\033[K", pr->out);
        fflush(pr->out);
    }
    pr->shown = false;
    pthread_mutex_unlock(&pr->lock);
}
