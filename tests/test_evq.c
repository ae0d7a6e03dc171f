/*
 * tests/test_evq.c - the event queue against a sorted reference: 10^5
 * random push / pop / cancel operations with many, some or almost no
 * equal times, checking
 * (time, seq) order, FIFO among equal times, and O(log n) cancel; and the
 * FIFO lanes (evq_push_now, evq_push_sorted) against the heap alone.
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

/* 10^5 random operations; the times pushed are now + a uniform draw
 * from 0..spread-1: a small spread makes many ties (the full key
 * decides), a large one nearly none (a full node is decided by times
 * alone, evq__min_child). */
static void random_ops(unsigned long spread, unsigned long seed, size_t most)
{
    static struct sim_event ev[N_EVENTS];
    static struct ref ref[N_EVENTS];
    struct evq q;
    evq_init(&q);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (int i = 0; i < N_EVENTS; i++) {
        sim_event_init(&ev[i], nop);
        ref[i].queued = false;
    }
    uint64_t order = 0;
    size_t queued = 0;
    sim_time_t now = 0;
    for (long op = 0; op < 100000; op++) {
        double u = gsl_rng_uniform(r);
        if (u < 0.5 && queued < most) {
            int i;
            do
                i = (int)gsl_rng_uniform_int(r, N_EVENTS);
            while (ref[i].queued);
            sim_time_t t = now + (sim_time_t)gsl_rng_uniform_int(r, spread);
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

Test(evq, random_ops_match_sorted_reference) { random_ops(8, 42, N_EVENTS); }
Test(evq, random_ops_distinct_times_match_sorted_reference) { random_ops(1UL << 30, 43, N_EVENTS); }
Test(evq, random_ops_some_ties_match_sorted_reference) { random_ops(2000, 44, N_EVENTS); }
/* A few events pending, up and down across EVQ_EAGER_MAX: pops that
 * close the root's hole at once and pops that leave it to the next push,
 * in every order with pushes and cancels. */
Test(evq, random_ops_small_queue_match_sorted_reference)
{
    random_ops(2000, 45, EVQ_EAGER_MAX + 8);
    random_ops(1UL << 30, 46, EVQ_EAGER_MAX + 8);
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

/* The lanes (evq_push_now, evq_push_sorted) change nothing in the order:
 * two queues get the same random operations, one with the end-of-instant
 * events through evq_push_now and events of non-decreasing times through
 * evq_push_sorted, the other with all through evq_push, and pop the same
 * events in the same order (cancels, peeks and next times too). */
Test(evq, lanes_pop_as_the_heap_would)
{
    static struct sim_event a[N_EVENTS], b[N_EVENTS];
    struct evq qa, qb;
    evq_init(&qa);
    evq_init(&qb);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    for (int i = 0; i < N_EVENTS; i++) {
        sim_event_init(&a[i], nop);
        sim_event_init(&b[i], nop);
    }
    sim_time_t now = 0, sorted_t = 0;
    long pops = 0, nows = 0, sorted = 0;
    for (long op = 0; op < 200000; op++) {
        double u = gsl_rng_uniform(r);
        int i = (int)gsl_rng_uniform_int(r, N_EVENTS);
        if (u < 0.3 && !sim_event_pending(&a[i])) {
            sim_time_t t = now + (sim_time_t)gsl_rng_uniform_int(r, 4);
            enum sim_ev_class cls = (enum sim_ev_class)gsl_rng_uniform_int(r, 4);
            evq_push(&qa, &a[i], t, cls);
            evq_push(&qb, &b[i], t, cls);
        } else if (u < 0.5 && !sim_event_pending(&a[i])) {
            evq_push_now(&qa, &a[i], now, SIM_EVC_DISPATCH);
            evq_push(&qb, &b[i], now, SIM_EVC_DISPATCH);
            nows++;
        } else if (u < 0.6 && !sim_event_pending(&a[i])) {
            /* never earlier than the last one (nor than now) */
            sorted_t = (sorted_t > now ? sorted_t : now) + (sim_time_t)gsl_rng_uniform_int(r, 3);
            evq_push_sorted(&qa, &a[i], sorted_t, SIM_EVC_CORE);
            evq_push(&qb, &b[i], sorted_t, SIM_EVC_CORE);
            sorted++;
        } else if (u < 0.65) {
            cr_assert_eq(sim_event_pending(&a[i]), sim_event_pending(&b[i]));
            evq_cancel(&qa, &a[i]);
            evq_cancel(&qb, &b[i]);
        } else {
            cr_assert_eq(evq_next_time(&qa), evq_next_time(&qb));
            struct sim_event *pa = evq_peek(&qa), *pb = evq_peek(&qb);
            cr_assert_eq(pa ? pa - a : -1, pb ? pb - b : -1);
            struct sim_event *ea = evq_pop(&qa), *eb = evq_pop(&qb);
            cr_assert_eq(ea ? ea - a : -1, eb ? eb - b : -1, "op %ld", op);
            if (ea) {
                cr_assert_not(sim_event_pending(ea));
                now = ea->time;
                pops++;
            }
        }
        cr_assert_eq(evq_len(&qa), evq_len(&qb));
    }
    cr_assert_gt(nows, 10000);
    cr_assert_gt(sorted, 10000);
    cr_assert_gt(pops, 10000);
    gsl_rng_free(r);
    evq_destroy(&qa);
    evq_destroy(&qb);
    for (int i = 0; i < N_EVENTS; i++)
        cr_assert_not(sim_event_pending(&a[i]), "destroy leaves nothing queued");
}
