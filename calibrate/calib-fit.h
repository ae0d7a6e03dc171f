/*
 * calibrate/calib-fit.h - from measured latency curves to the profile's
 * memory and walk parameters: the latency of each cache level and of DRAM,
 * and a least-squares fit of the walk model of models/hw.c
 * (docs/MODEL.md, "Two-dimensional page walk") to the one-per-page chases.
 *
 * The fitted model, per load of a one-per-page chase over ws bytes
 * (pages = ws / 4096), with 4 KiB guest pages and with huge pages:
 *
 *   L4K(ws) = data(ws) + c0 m1 + m2 walk(g')
 *   LTHP(ws) = data(ws) + sigma (c0 m1 + m2 walk(g'-1))
 *   data(ws) = D'(ws / 32)              the same number of distinct lines, packed
 *   walk(g) = U(g) c_up + K(g) D'(s ws)
 *   m1 = max(0, 1 - L1TLB / pages)      share of loads missing the L1 DTLB
 *   m2 = max(0, 1 - E / pages)          share missing the last-level TLB (E entries)
 *   N  = 1 + (g-1)(1-p)                 native references (hw.c)
 *   K  = 1 + (1-q)(N+1)                 leaf references: the guest leaf and one
 *                                       host leaf per host walk
 *   U  = (1-p)((g-1) + (1-q)(N+1)(h'-1))  upper-level references left after the
 *                                       page-walk cache; U + K = hw.c's W
 *   D'(x) = (1-sigma) D(x) + sigma D(min(x, 4096 E))
 *
 * D is the measured latency of a dense random chase over x bytes with huge
 * pages (the latency reference).  c0 is the L2-TLB lookup of an L1 DTLB
 * miss; an upper-level entry that misses the page-walk cache costs c_up
 * (one of few, hot lines: the L1 latency); a leaf entry costs what a load
 * costs at a footprint s times the working set (leaf entries grow with it,
 * 8 bytes per 4 KiB page in each dimension).  sigma says how much of the
 * 4 KiB behaviour a guest huge page keeps: 0 when the host maps guest
 * memory with pages of 2 MiB or more, so a huge page is one TLB entry;
 * 1 when the host maps it with 4 KiB pages, so the TLB holds the
 * translation in 4 KiB pieces (the combined translation is cached at the
 * smaller of the two sizes) and the huge page only saves one guest level;
 * then the reference D itself misses the TLB past 4096 E bytes and is
 * held at its value there.  Fitted: c0, E, p, s, sigma; fixed: g', h', q,
 * c_up, L1TLB and D.  Nonlinear least squares (gsl_multifit_nlinear, trust
 * region, several starts) over both curves, residuals weighted by
 * 1/(0.05 L + 0.5 ns) so that short and long latencies count alike, then
 * refined with Huber's weights so that a few spoilt points count less.
 */
#ifndef CALIBRATE_CALIB_FIT_H
#define CALIBRATE_CALIB_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum { CALIB_L1, CALIB_L2, CALIB_L3, CALIB_DRAM, CALIB_LEVELS };

/* ---- cache and DRAM latency ---------------------------------------- */

struct calib_levels {
    double ns[CALIB_LEVELS];       /* latency of a load that hits there */
    double lo[CALIB_LEVELS], hi[CALIB_LEVELS];   /* working-set window used, bytes */
    int points[CALIB_LEVELS];      /* curve points inside it (0: the nearest one was used) */
};

/* Latency of each level from the latency-reference curve (ws ascending,
 * ns = median per load): the median over the working sets well inside the
 * level, L1: ws <= L1/2; L2: 2 L1 <= ws <= L2/2; L3: 2 L2 <= ws <= L3/8
 * (a shared L3 holds less than its size for one thread: other cores and,
 * in a cloud, other tenants use it); DRAM: ws >= 8 L3 (sizes in bytes; 0 = unknown, then 32 KiB, 1 MiB,
 * 32 MiB).  A window without points takes the point nearest to it. */
void calib_levels_from_curve(size_t n, const double *ws, const double *ns, double l1_bytes,
                             double l2_bytes, double l3_bytes, struct calib_levels *out);

/* ---- the walk ------------------------------------------------------- */

struct calib_walk_fixed {
    int g, h;              /* levels walked: g' (guest), h' (host); 4 and 4 for 4K/4K */
    double q;              /* nested-TLB hit rate */
    double c_up;           /* ns per upper-level reference that misses the PWC */
    double l1_tlb;         /* L1 DTLB entries for 4 KiB pages (0: every access misses it) */
    size_t nd;             /* data-latency curve D: footprint (bytes, ascending) -> ns */
    const double *d_bytes, *d_ns;
};

struct calib_walk_theta {
    double c0;             /* ns, L2-TLB lookup */
    double tlb_entries;    /* E */
    double p;              /* page-walk-cache hit rate */
    double s;              /* leaf footprint / working set */
    double sigma;          /* 0: a guest huge page is one TLB entry; 1: it splinters into 4 KiB */
};

/* Reference counts of one 2D walk with g guest levels walked. */
struct calib_walk_refs {
    double native;         /* N */
    double leaf;           /* K */
    double upper;          /* U */
    double total;          /* W = U + K */
};
void calib_walk_refs(const struct calib_walk_fixed *k, int g, double p, struct calib_walk_refs *out);

/* D, interpolated (Steffen, in log2 of the footprint) and held constant
 * outside the measured range; built once per fit. */
struct calib_dcurve;
struct calib_dcurve *calib_dcurve_new(const struct calib_walk_fixed *k);
void calib_dcurve_free(struct calib_dcurve *d);
double calib_dcurve_at(const struct calib_dcurve *d, double footprint_bytes);

/* The model above: one load at ws bytes with 4 KiB (thp false) or huge
 * (thp true) guest pages; and the walk alone, per TLB miss, with g guest
 * levels walked. */
double calib_walk_model(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                        const struct calib_walk_theta *th, bool thp, double ws);
double calib_walk_per_miss(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                           const struct calib_walk_theta *th, int g, double ws);
/* The model's TLB part alone (the model minus data(ws)).  With thp true it
 * is also what a dense chase over ws bytes of huge pages pays for the TLB,
 * so D(ws) minus it is the latency of the data alone. */
double calib_walk_tlb_part(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                           const struct calib_walk_theta *th, bool thp, double ws);

#define CALIB_FIT_MAX 64

struct calib_walk_fit {
    struct calib_walk_theta theta;
    struct calib_walk_theta se;    /* standard errors (covariance x chi^2/dof, delta method) */
    size_t n;                      /* working sets fitted (2n residuals) */
    double model_4k[CALIB_FIT_MAX], model_thp[CALIB_FIT_MAX];
    double residual_4k[CALIB_FIT_MAX], residual_thp[CALIB_FIT_MAX];   /* model - measured, ns */
    double rms_ns, max_abs_ns;     /* over all 2n residuals */
    double chisq;                  /* weighted (1/sigma and Huber) */
    size_t iterations;
    int starts;                    /* starting points tried */
    int downweighted;              /* residuals Huber's weights cut below one half */
    bool at_bound;                 /* p or sigma ended within 0.01 of 0 or 1: its error means nothing */
};

/* Fit theta to the one-per-page curves l4k[i], lthp[i] at ws[i] (5 <= n <=
 * CALIB_FIT_MAX).  SIM_EINVAL if the data cannot support a fit. */
int calib_walk_fit(const struct calib_walk_fixed *k, size_t n, const double *ws,
                   const double *l4k, const double *lthp, struct calib_walk_fit *out,
                   struct sim_error *err);

/* The profile's walk parameters from a fit, at a reference working set:
 * hw.c prices a walk as W(p, q) references times sum_l f_l latency_l, so
 * the U upper references are put at L1 (they cost c_up = the L1 latency)
 * and the K leaf references at the latency D'(s ws_ref), split between the
 * two levels that bracket it.  Then W x sum_l f_l lat_l equals the fitted
 * walk per miss (exactly unless D'(s ws_ref) lies outside [L1, DRAM]). */
struct calib_walk_profile {
    double ws_ref;
    struct calib_walk_refs refs;   /* with the fixed g' */
    double leaf_ns;                /* D'(s ws_ref) */
    double walk_ns;                /* fitted walk per TLB miss at ws_ref */
    double fraction[CALIB_LEVELS]; /* walk_hit_fraction */
    double price_ns;               /* sum_l fraction_l latency_l */
    double model_walk_ns;          /* refs.total x price_ns: what hw.c will compute */
    double native_ns, beyond_native_ns;   /* N x price, (W - N) x price */
};
void calib_walk_to_profile(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                           const struct calib_walk_theta *th, const double lat[CALIB_LEVELS],
                           double ws_ref, struct calib_walk_profile *out);

#endif /* CALIBRATE_CALIB_FIT_H */
