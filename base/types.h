/*
 * base/types.h - basic types shared by every module of hvsim.
 *
 * Simulated time is an integer count of nanoseconds (like Xen's s_time_t):
 * integer time makes event order exact and runs repeatable, and 2^63 ns is
 * 292 years, longer than any trace.  Convert to double seconds only on
 * output.
 */
#ifndef BASE_TYPES_H
#define BASE_TYPES_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time_t;
#define PRI_simtime PRId64
#define SIM_TIME_MAX INT64_MAX

#define SIM_NS(x) ((sim_time_t)(x))
#define SIM_US(x) ((sim_time_t)(x) * 1000LL)
#define SIM_MS(x) ((sim_time_t)(x) * 1000000LL)
#define SIM_S(x)  ((sim_time_t)(x) * 1000000000LL)

static inline double sim_time_to_s(sim_time_t t) { return (double)t * 1e-9; }

/* The same, correctly rounded (whole seconds and the nanoseconds apart, so
 * that 60 s is 60 and not 60.00000000000001): for what is printed or
 * echoed, off the hot path. */
static inline double sim_time_seconds(sim_time_t t)
{
    return (double)(t / 1000000000) + (double)(t % 1000000000) / 1e9;
}

/* Seconds to nanoseconds, rounded to the nearest ns.  The caller has range
 * checked s (see sim_seconds_ok), so the conversion cannot overflow. */
static inline sim_time_t sim_time_from_s(double s)
{
    double ns = s * 1e9;
    return (sim_time_t)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

/* Largest number of seconds we accept anywhere (about 31 years): keeps
 * every sum of times far away from int64 overflow. */
#define SIM_SECONDS_MAX 1e9
static inline bool sim_seconds_ok(double s) { return s >= 0 && s <= SIM_SECONDS_MAX; }

#ifndef container_of
#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

struct sim;
struct sim_event;
struct sim_error;
struct guest;
struct vcpu;
struct host;
struct pcpu;
struct sched;

#endif /* BASE_TYPES_H */
