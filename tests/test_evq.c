/*
 * tests/test_evq.c - the event queue against a sorted reference: 10^5
 * random push / pop / cancel operations with many equal times, checking
 * (time, seq) order, FIFO among equal times, and O(log n) cancel.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>

#include "base/evq.h"

#define N_EVENTS 4096

struct ref {
    sim_time_t time;
    uint64_t order;     /* order of pushing: FIFO among equal times */
    bool queued;
};

static void nop(struct sim *s, struct sim_event *e) { (void)s; (void)e; }

Test(evq, random_ops_match_sorted_reference)
{
    static struct sim_event ev[N_EVENTS];
    static struct ref ref[N_EVENTS];
    struct evq q;
    evq_init(&q);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    for (int i = 0; i < N_EVENTS; i++) {
        sim_event_init(&ev[i], nop);
        ref[i].queued = false;
    }
    uint64_t order = 0;
    size_t queued = 0;
    sim_time_t now = 0;
    for (long op = 0; op < 100000; op++) {
        double u = gsl_rng_uniform(r);
        if (u < 0.5 && queued < N_EVENTS) {
            int i;
            do
                i = (int)gsl_rng_uniform_int(r, N_EVENTS);
            while (ref[i].queued);
            /* few distinct times: many ties */
            sim_time_t t = now + (sim_time_t)gsl_rng_uniform_int(r, 8);
            evq_push(&q, &ev[i], t, SIM_EVC_CORE);
            ref[i] = (struct ref){t, order++, true};
            queued++;
        } else if (u < 0.8 && queued > 0) {
            /* reference minimum: smallest time, then earliest push */
            int best = -1;
            for (int i = 0; i < N_EVENTS; i++)
                if (ref[i].queued && (best < 0 || ref[i].time < ref[best].time ||
                                      (ref[i].time == ref[best].time &&
                                       ref[i].order < ref[best].order)))
                    best = i;
            struct sim_event *e = evq_pop(&q);
            cr_assert_not_null(e);
            cr_assert_eq(e, &ev[best], "op %ld: popped event %ld, expected %d", op,
                         (long)(e - ev), best);
            cr_assert_geq(e->time, now, "time never decreases");
            now = e->time;
            cr_assert_not(sim_event_pending(e));
            ref[best].queued = false;
            queued--;
        } else if (queued > 0) {
            int i;
            do
                i = (int)gsl_rng_uniform_int(r, N_EVENTS);
            while (!ref[i].queued);
            evq_cancel(&q, &ev[i]);
            cr_assert_not(sim_event_pending(&ev[i]));
            ref[i].queued = false;
            queued--;
        }
        cr_assert_eq(evq_len(&q), queued);
    }
    /* drain: strictly in (time, push order) */
    sim_time_t last_t = -1;
    uint64_t last_o = 0;
    struct sim_event *e;
    while ((e = evq_pop(&q)) != NULL) {
        struct ref *rf = &ref[e - ev];
        cr_assert(rf->time > last_t || (rf->time == last_t && rf->order > last_o));
        last_t = rf->time;
        last_o = rf->order;
        rf->queued = false;
    }
    cr_assert_eq(evq_len(&q), 0);
    gsl_rng_free(r);
    evq_destroy(&q);
}

Test(evq, classes_order_events_at_the_same_time)
{
    struct sim_event a, b, c;
    sim_event_init(&a, nop);
    sim_event_init(&b, nop);
    sim_event_init(&c, nop);
    struct evq q;
    evq_init(&q);
    /* pushed dispatch first, then core, then arrival: popped in class order */
    evq_push(&q, &a, 5, SIM_EVC_DISPATCH);
    evq_push(&q, &b, 5, SIM_EVC_CORE);
    evq_push(&q, &c, 5, SIM_EVC_ARRIVAL);
    cr_assert_eq(evq_pop(&q), &c);
    cr_assert_eq(evq_pop(&q), &b);
    cr_assert_eq(evq_pop(&q), &a);
    cr_assert_null(evq_pop(&q));
    cr_assert_eq(q.peak, 3);
    evq_destroy(&q);
}

Test(evq, cancel_of_unqueued_event_is_harmless)
{
    struct sim_event a;
    sim_event_init(&a, nop);
    struct evq q;
    evq_init(&q);
    evq_cancel(&q, &a);
    evq_push(&q, &a, 1, SIM_EVC_CORE);
    evq_cancel(&q, &a);
    evq_cancel(&q, &a);
    cr_assert_eq(evq_len(&q), 0);
    evq_destroy(&q);
}
