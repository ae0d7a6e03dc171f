/*
 * calibrate/calib-mem.c - the pointer chases (see calib-mem.h).
 *
 * Layout of a chain: every node is a pointer stored at the start of a
 * 64-byte line; the order of pages is a GSL shuffle (Fisher-Yates), and
 * so is the order of the lines inside a page for the "several" pattern.
 * Lines are the even ones of a page (one per 128-byte pair) so that the
 * adjacent-line prefetcher, which fetches a line's pair, brings in only
 * lines the chase never reads.  A region is faulted in before any chain
 * is linked, so no timed load takes a page fault.
 */
#define _GNU_SOURCE
#include "calibrate/calib-mem.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <gsl/gsl_randist.h>

#include "base/xalloc.h"

#define PAGE 4096u
#define LINE 64u
#define HUGE_PAGE (2u << 20)

const char *calib_curve_name(enum calib_curve c)
{
    static const char *const names[CALIB_CURVES] = {
        [CALIB_CURVE_4K_ONE] = "4k_one_per_page",
        [CALIB_CURVE_THP_ONE] = "thp_one_per_page",
        [CALIB_CURVE_4K_SEVERAL] = "4k_several_per_page",
        [CALIB_CURVE_THP_SEVERAL] = "thp_several_per_page",
        [CALIB_CURVE_THP_RANDOM] = "thp_random_lines",
    };
    return (unsigned)c < CALIB_CURVES ? names[c] : "?";
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void calib_mem_plan_grid(struct calib_mem_plan *plan, double max_bytes, int per_octave,
                         long accesses, int runs)
{
    memset(plan, 0, sizeof *plan);
    plan->accesses = accesses;
    plan->runs = runs;
    for (int k = 0; plan->npoints < CALIB_MAX_POINTS; k++) {
        double ws = 16384.0 * pow(2.0, (double)k / per_octave);
        ws = round(ws / PAGE) * PAGE;
        if (ws > max_bytes * (1 + 1e-9))
            break;
        if (plan->npoints == 0 || ws > plan->ws[plan->npoints - 1])
            plan->ws[plan->npoints++] = ws;
    }
}

/* AnonHugePages (kB) summed over the mappings inside [lo, hi). */
static double anon_huge_bytes(uintptr_t lo, uintptr_t hi)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return 0;
    char line[512];
    bool inside = false;
    double total = 0;
    while (fgets(line, sizeof line, f)) {
        uintptr_t a, b;
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &a, &b) == 2) {   /* a mapping's header */
            inside = a < hi && b > lo;
            continue;
        }
        double kb;
        if (inside && sscanf(line, "AnonHugePages: %lf kB", &kb) == 1)
            total += kb * 1024.0;
    }
    fclose(f);
    return total;
}

int calib_region_map(struct calib_region *r, size_t bytes, enum calib_pages pages,
                     struct sim_error *err)
{
    memset(r, 0, sizeof *r);
    r->map_bytes = bytes + HUGE_PAGE;
    void *m = mmap(NULL, r->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        r->map = NULL;
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, "calibrate: cannot map %.0f MiB: %s",
                             (double)bytes / (1 << 20), strerror(errno));
    }
    r->map = m;
    r->base = (char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    r->bytes = bytes;
    /* Advice fails only where THP is compiled out; the fraction below
     * then says what we got. */
    (void)madvise(r->base, bytes, pages == CALIB_PAGES_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    for (size_t off = 0; off < bytes; off += PAGE)
        r->base[off] = 1;
    r->huge_fraction = anon_huge_bytes((uintptr_t)r->base, (uintptr_t)r->base + bytes) /
                       (double)bytes;
    return 0;
}

void calib_region_unmap(struct calib_region *r)
{
    if (r->map)
        munmap(r->map, r->map_bytes);
    memset(r, 0, sizeof *r);
}

/* The random order of every line pair: one node per 128 bytes (at most
 * 2^25 nodes, so the index array stays under 128 MiB; above that, every
 * other pair, and so on). */
static void **chain_all_pairs(const struct calib_region *r, size_t ws, gsl_rng *rng, size_t *nodes)
{
    size_t stride = 2 * LINE;
    while (ws / stride > ((size_t)1 << 25))
        stride *= 2;
    size_t n = ws / stride;
    uint32_t *order = xmalloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    gsl_ran_shuffle(rng, order, n, sizeof *order);
    for (size_t i = 0; i < n; i++)
        *(void **)(r->base + (size_t)order[i] * stride) = r->base + (size_t)order[(i + 1) % n] * stride;
    void **first = (void **)(r->base + (size_t)order[0] * stride);
    free(order);
    *nodes = n;
    return first;
}

void **calib_chain_build(const struct calib_region *r, size_t ws, enum calib_pattern pat,
                         gsl_rng *rng, size_t *nodes)
{
    if (pat == CALIB_ALL_PAIRS)
        return chain_all_pairs(r, ws, rng, nodes);
    size_t npages = ws / PAGE;
    uint32_t *order = xmalloc(npages * sizeof *order);
    for (size_t i = 0; i < npages; i++)
        order[i] = (uint32_t)i;
    gsl_ran_shuffle(rng, order, npages, sizeof *order);

    uint32_t lines[CALIB_SEVERAL_LINES];
    size_t per_page = pat == CALIB_SEVERAL_PER_PAGE ? CALIB_SEVERAL_LINES : 1;
    void **first = NULL, **prev = NULL;
    for (size_t i = 0; i < npages; i++) {
        char *page = r->base + (size_t)order[i] * PAGE;
        if (pat == CALIB_SEVERAL_PER_PAGE) {
            for (uint32_t k = 0; k < CALIB_SEVERAL_LINES; k++)
                lines[k] = 2 * k;
            gsl_ran_shuffle(rng, lines, CALIB_SEVERAL_LINES, sizeof *lines);
        } else {
            lines[0] = (uint32_t)gsl_rng_uniform_int(rng, PAGE / LINE);
        }
        for (size_t k = 0; k < per_page; k++) {
            void **node = (void **)(page + (size_t)lines[k] * LINE);
            if (prev)
                *prev = node;
            else
                first = node;
            prev = node;
        }
    }
    *prev = first;   /* close the cycle */
    free(order);
    *nodes = npages * per_page;
    return first;
}

double calib_chase_ns(void ***pos, long n)
{
    void **p = *pos;
    long blocks = n / 8;
    double t0 = now_ns();
    for (long i = 0; i < blocks; i++) {
        p = (void **)*p; p = (void **)*p; p = (void **)*p; p = (void **)*p;
        p = (void **)*p; p = (void **)*p; p = (void **)*p; p = (void **)*p;
    }
    double t = now_ns() - t0;
    *pos = p;   /* the loads' result is used, so none is optimised away */
    return t / (double)(blocks * 8);
}

void calib_chase_walk(void ***pos, long n)
{
    void **p = *pos;
    for (long i = 0; i < n; i++)
        p = (void **)*p;
    *pos = p;
}

/* One run of one point of one curve: a fresh chain, warmed for a
 * traversal (at most `accesses` steps), then one timed run. */
static double measure_run(const struct calib_region *r, size_t ws, enum calib_pattern pat,
                          long accesses, gsl_rng *rng)
{
    size_t nodes;
    void **pos = calib_chain_build(r, ws, pat, rng, &nodes);
    long warm = (long)nodes < accesses ? (long)nodes : accesses;
    calib_chase_ns(&pos, warm < 8 ? 8 : warm);
    return calib_chase_ns(&pos, accesses);
}

int calib_mem_measure(const struct calib_mem_plan *plan, gsl_rng *rng, FILE *log,
                      struct calib_mem_result *out, struct sim_error *err)
{
    /* Both regions are mapped together and every curve of a working set
     * is measured back to back, so that a neighbour's load drifting over
     * the minutes of a sweep shifts the curves alike, not one against
     * another (their differences are what the walk fit reads).  The runs
     * of a point are spread over the whole measurement, one per pass over
     * every working set, so that a burst of someone else's work spoils
     * one run of many points rather than every run of one point: the
     * median then discards it. */
    static const struct {
        int region;
        enum calib_pattern pattern;
    } curves[CALIB_CURVES] = {
        [CALIB_CURVE_4K_ONE] = { 0, CALIB_ONE_PER_PAGE },
        [CALIB_CURVE_THP_ONE] = { 1, CALIB_ONE_PER_PAGE },
        [CALIB_CURVE_4K_SEVERAL] = { 0, CALIB_SEVERAL_PER_PAGE },
        [CALIB_CURVE_THP_SEVERAL] = { 1, CALIB_SEVERAL_PER_PAGE },
        [CALIB_CURVE_THP_RANDOM] = { 1, CALIB_ALL_PAIRS },
    };
    memset(out, 0, sizeof *out);
    out->npoints = plan->npoints;
    memcpy(out->ws, plan->ws, plan->npoints * sizeof *plan->ws);
    if (plan->npoints == 0)
        return 0;
    double t0 = now_ns();
    size_t max = (size_t)plan->ws[plan->npoints - 1];
    struct calib_region region[2];
    int rc = calib_region_map(&region[0], max, CALIB_PAGES_4K, err);
    if (rc)
        return rc;
    if ((rc = calib_region_map(&region[1], max, CALIB_PAGES_THP, err))) {
        calib_region_unmap(&region[0]);
        return rc;
    }
    for (int i = 0; i < 2; i++)
        out->huge_fraction[i] = region[i].huge_fraction;
    if (log)
        fprintf(log, "  chase: two regions of %.0f MiB, %.0f%% and %.0f%% in huge pages; "
                "%zu working sets x %d curves\n", (double)max / (1 << 20),
                100 * region[0].huge_fraction, 100 * region[1].huge_fraction, plan->npoints,
                CALIB_CURVES);
    int runs = plan->runs < CALIB_MAX_RUNS ? plan->runs : CALIB_MAX_RUNS;
    double (*x)[CALIB_MAX_POINTS][CALIB_MAX_RUNS] = xcalloc(CALIB_CURVES, sizeof *x);
    for (int k = 0; k < runs; k++) {
        for (size_t i = 0; i < plan->npoints; i++)
            for (int c = 0; c < CALIB_CURVES; c++)
                x[c][i][k] = measure_run(&region[curves[c].region], (size_t)plan->ws[i],
                                         curves[c].pattern, plan->accesses, rng);
        if (log)
            fprintf(log, "    pass %d of %d done\n", k + 1, runs);
    }
    for (int c = 0; c < CALIB_CURVES; c++)
        for (size_t i = 0; i < plan->npoints; i++)
            calib_stat_of(x[c][i], (size_t)runs, &out->ns[c][i]);
    free(x);
    calib_region_unmap(&region[0]);
    calib_region_unmap(&region[1]);
    out->seconds = (now_ns() - t0) * 1e-9;
    return 0;
}
