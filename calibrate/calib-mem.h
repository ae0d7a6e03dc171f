/*
 * calibrate/calib-mem.h - dependent pointer chases over working sets from
 * L1 to several GiB: the memory latencies and the page-walk cost the
 * profile's walk model is fitted to.
 *
 * A chase is a random cycle of pointers; each load's address comes from
 * the previous load, so the time per step is one access's full latency,
 * with nothing to overlap and nothing a stride prefetcher can guess
 * (lmbench lat_mem_rd's idea, with random instead of fixed strides).
 * Four curves, by page size and by accesses per page:
 *   - one access per 4 KiB page, at a random line of the page: a fresh
 *     TLB entry per access once the pages outnumber the TLB;
 *   - several (32) accesses per page, one per 128-byte line pair in a
 *     random order, pages in a random order: the TLB miss is shared by 32
 *     accesses, so this is the cache and DRAM latency;
 *   - each with 4 KiB pages (madvise MADV_NOHUGEPAGE) and with transparent
 *     huge pages (MADV_HUGEPAGE).  With 2 MiB pages the same lines are
 *     touched with (almost) no TLB misses, so one-per-page 4K minus
 *     one-per-page THP is the cost of the TLB misses alone.
 * and a fifth, the latency reference: huge pages, one line of every
 * 128-byte pair of the working set, all in one random order.  Every load
 * goes to a random place, so neither the TLB nor a prefetcher helps; the
 * 32-per-page curves are faster than the caches at large working sets on
 * CPUs whose region prefetchers fetch a page's other lines once a few of
 * them were touched (measured on AMD Zen 5).
 */
#ifndef CALIBRATE_CALIB_MEM_H
#define CALIBRATE_CALIB_MEM_H

#include <gsl/gsl_rng.h>
#include <stdio.h>

#include "calibrate/calib-stats.h"
#include "base/error.h"

enum calib_pages { CALIB_PAGES_4K, CALIB_PAGES_THP };
enum calib_pattern { CALIB_ONE_PER_PAGE, CALIB_SEVERAL_PER_PAGE, CALIB_ALL_PAIRS };
#define CALIB_SEVERAL_LINES 32   /* accesses per 4 KiB page in the "several" pattern */

enum calib_curve {
    CALIB_CURVE_4K_ONE,
    CALIB_CURVE_THP_ONE,
    CALIB_CURVE_4K_SEVERAL,
    CALIB_CURVE_THP_SEVERAL,
    CALIB_CURVE_THP_RANDOM,    /* the latency reference */
    CALIB_CURVES
};
const char *calib_curve_name(enum calib_curve c);   /* "4k_one_per_page", ... */

#define CALIB_MAX_POINTS 64
#define CALIB_MAX_RUNS 16

struct calib_mem_plan {
    size_t npoints;
    double ws[CALIB_MAX_POINTS];   /* working sets, bytes, ascending, multiples of 4 KiB */
    long accesses;                 /* timed loads per run */
    int runs;                      /* runs per point (<= CALIB_MAX_RUNS), one per pass */
};

/* Working sets from 16 KiB to max_bytes, `per_octave` points per doubling. */
void calib_mem_plan_grid(struct calib_mem_plan *plan, double max_bytes, int per_octave,
                         long accesses, int runs);

struct calib_mem_result {
    size_t npoints;
    double ws[CALIB_MAX_POINTS];
    struct calib_stat ns[CALIB_CURVES][CALIB_MAX_POINTS];   /* ns per access */
    double huge_fraction[2];   /* share of each region backed by huge pages: [4K], [THP] */
    double seconds;            /* wall time of the whole sweep */
};

/* Measure the five curves on the calling thread (the caller pins it).
 * Maps the largest working set twice (4 KiB and huge pages) at once.
 * SIM_EIO if the memory cannot be mapped. */
int calib_mem_measure(const struct calib_mem_plan *plan, gsl_rng *rng, FILE *log,
                      struct calib_mem_result *out, struct sim_error *err);

/* One region of anonymous memory, 2 MiB aligned, faulted in. */
struct calib_region {
    char *map;                 /* what mmap returned (unmapped by calib_region_unmap) */
    size_t map_bytes;
    char *base;                /* 2 MiB aligned start */
    size_t bytes;
    double huge_fraction;      /* AnonHugePages of the region / bytes, from /proc/self/smaps */
};
int calib_region_map(struct calib_region *r, size_t bytes, enum calib_pages pages,
                     struct sim_error *err);
void calib_region_unmap(struct calib_region *r);

/* Link a random cycle over the first ws bytes of r in the pattern; returns
 * its first node and the number of nodes. */
void **calib_chain_build(const struct calib_region *r, size_t ws, enum calib_pattern pat,
                         gsl_rng *rng, size_t *nodes);

/* Follow the chain from *pos for n steps; returns ns per step and leaves
 * *pos where it stopped (so the next run continues the cycle). */
double calib_chase_ns(void ***pos, long n);
/* The same without the clock: n dependent loads. */
void calib_chase_walk(void ***pos, long n);

#endif /* CALIBRATE_CALIB_MEM_H */
