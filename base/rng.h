/*
 * base/rng.h - random streams: one GSL generator per purpose.
 *
 * Each stream's seed is derived from (--seed, replication, stream id) by
 * SplitMix64, so a change in how one consumer draws (say, a new workload
 * key) never shifts the numbers of another (the inter-arrival times).
 *
 * The generator is GSL's taus2 (L'Ecuyer's maximally equidistributed
 * combined Tausworthe generator, period 2^88), the one each guest's own
 * stream already used: on an M/M/1 run of 10^6 jobs MT19937's words were
 * 8% of the run, taus2's are a third of that.
 */
#ifndef BASE_RNG_H
#define BASE_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

enum sim_stream {
    SIM_STREAM_INTERARRIVAL,
    SIM_STREAM_WORK,
    SIM_STREAM_VCPUS,
    SIM_STREAM_MEM,
    SIM_STREAM_PRIORITY,
    SIM_STREAM_CLASS,
    SIM_STREAM_EXITS,      /* discrete exit model */
    SIM_STREAM_POLICY,     /* randomised policies */
    SIM_STREAM_GUESTS,     /* each guest's own stream (sim_rng_seed with its number) */
    SIM_STREAM_COUNT
};

#define SIM_RNG_TYPE gsl_rng_taus2

struct sim_rng {
    gsl_rng *stream[SIM_STREAM_COUNT];
};

/* Seed every stream from (seed, rep). */
void sim_rng_init(struct sim_rng *r, uint64_t seed, uint64_t rep);
void sim_rng_destroy(struct sim_rng *r);

/* The 32-bit seed of stream number `stream` for (seed, rep), and of its
 * index-th instance (a policy's stream on host `index`), so that every
 * consumer has a generator of its own. */
unsigned long sim_rng_seed(uint64_t seed, uint64_t rep, unsigned stream, uint64_t index);

/* SplitMix64 step (Steele, Lea & Flood 2014): a well-mixed 64-bit hash
 * used to derive independent seeds. */
uint64_t sim_mix64(uint64_t x);

#endif /* BASE_RNG_H */
