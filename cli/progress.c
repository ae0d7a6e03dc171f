/* cli/progress.c - see progress.h */
#include "cli/progress.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "base/xalloc.h"

static double wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(struct progress *pr, FILE *out, enum progress_mode mode, long total,
                   double horizon, long reps)
{
    pr->out = mode != PROGRESS_OFF ? out : NULL;
    pr->mode = mode;
    pr->noted = false;
    pr->delay = mode == PROGRESS_NOTE ? PROGRESS_NOTE_AFTER : PROGRESS_DELAY;
    pr->interval = PROGRESS_INTERVAL;
    pr->t0 = wall_clock();
    pr->last = -1e300;
    pr->total = total;
    pr->horizon = horizon > 0 ? horizon : 0;
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

/* The share of one running replication done, NAN if unknown. */
static double slot_fraction(const struct progress *pr, const struct progress_slot *s)
{
    double h = pr->horizon > 0 ? pr->horizon : sim_time_to_s(s->last.series_end);
    /* the share of the work read so far that is done (job guests) */
    double work = s->last.work_total > 0 ? 1 - s->last.work_left / s->last.work_total : NAN;
    double f = NAN;
    if (h > 0)
        f = sim_time_to_s(s->last.now) / h;
    else if (pr->total > 0)   /* the share read, of which that share done */
        f = (double)s->last.records_read / (double)pr->total * (isnan(work) ? 1 : work);
    if (!(f >= 0 && f < 1) && s->last.all_read && !isnan(work))
        f = work;
    return f >= 0 && f < 1 ? f : NAN;
}

double progress_fraction(const struct progress *pr)
{
    double sum = (double)pr->done;
    for (long i = 0; i < pr->reps; i++)
        if (pr->slot[i].running)
            sum += slot_fraction(pr, &pr->slot[i]);   /* NAN spreads */
    return sum / (double)pr->reps;
}

void progress_format_left(double seconds, char *buf, size_t len)
{
    long s = lround(seconds);
    if (s < 60)
        snprintf(buf, len, "%lds", s);
    else if (s < 3600)
        snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(buf, len, "%ldh%02ldm", s / 3600, s / 60 % 60);
}

/* Wall seconds left, once 1% of the run is behind (earlier guesses
 * swing); -1 if it cannot be told. */
static double progress_left(const struct progress *pr, double now)
{
    double f = progress_fraction(pr);
    return f >= 0.01 ? (now - pr->t0) * (1 - f) / f : -1;
}

/* The note off a terminal: once, when the run is told to be long (asked
 * again at each interval: an early estimate from the share of guests
 * read can be short where the backlog they leave is not).  The lock
 * held. */
static void progress_note(struct progress *pr, double now)
{
    double left_s = progress_left(pr, now);
    if (left_s <= PROGRESS_NOTE_LEFT)
        return;   /* short, or not told yet */
    pr->noted = true;
    char left[32];
    progress_format_left(left_s, left, sizeof left);
    fprintf(pr->out, "hvsim: note: this run has about %s to go (%.0f%% done in %.0f s of wall "
            "time)\n", left, 100 * progress_fraction(pr), now - pr->t0);
    fflush(pr->out);
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
    double left_s = progress_left(pr, now);
    if (left_s >= 0) {
        char left[32];
        progress_format_left(left_s, left, sizeof left);
        fprintf(pr->out, ", about %s left", left);
    }
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
        if (pr->mode == PROGRESS_LINE)
            progress_line(pr, s, now);
        else if (!pr->noted)
            progress_note(pr, now);
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
