/* base/rng.c - see rng.h */
#include "base/rng.h"

uint64_t sim_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* GSL generators take a 32-bit seed: fold the 64-bit hash. */
static unsigned long fold32(uint64_t h) { return (unsigned long)((h ^ (h >> 32)) & 0xffffffffUL); }

void sim_rng_init(struct sim_rng *r, uint64_t seed, uint64_t rep)
{
    for (int i = 0; i < SIM_STREAM_COUNT; i++) {
        uint64_t h = sim_mix64(sim_mix64(sim_mix64(seed) ^ rep) ^ (uint64_t)(i + 1));
        r->stream[i] = gsl_rng_alloc(SIM_RNG_TYPE);
        gsl_rng_set(r->stream[i], fold32(h));
    }
}

unsigned long sim_rng_seed(uint64_t seed, uint64_t rep, unsigned stream, uint64_t index)
{
    uint64_t h = sim_mix64(sim_mix64(sim_mix64(seed) ^ rep) ^ (uint64_t)(stream + 1));
    return fold32(sim_mix64(h ^ (index + 1) * 0x9e3779b97f4a7c15ULL));
}

void sim_rng_destroy(struct sim_rng *r)
{
    for (int i = 0; i < SIM_STREAM_COUNT; i++) {
        gsl_rng_free(r->stream[i]);
        r->stream[i] = NULL;
    }
}
