/*
 * base/dist.h - the distributions of --generate, parsed from text and drawn
 * from GSL generators (gsl_ran_*; exponentials by the ziggurat,
 * base/zigexp.h).
 *
 *   V | det:V          the constant V (det:0 is a valid zero)
 *   exp:MEAN           exponential, MEAN > 0
 *   uniform:A:B        uniform on [A, B), A <= B
 *   lognormal:MU:SIGMA exp(N(MU, SIGMA^2)), SIGMA > 0
 *   pareto:ALPHA:XMIN  Pareto, ALPHA > 0, XMIN > 0
 *   bpareto:ALPHA:L:H  bounded Pareto on [L, H], ALPHA > 0, 0 < L < H
 *   hyperexp:P:M1:M2   Exp(M1) with probability P, else Exp(M2); 0<=P<=1, M > 0
 *   gamma:K:THETA      gamma, shape K > 0, scale THETA > 0
 */
#ifndef BASE_DIST_H
#define BASE_DIST_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

#include "base/error.h"
#include "base/zigexp.h"

enum dist_kind {
    DIST_DET, DIST_EXP, DIST_UNIFORM, DIST_LOGNORMAL, DIST_PARETO,
    DIST_BPARETO, DIST_HYPEREXP, DIST_GAMMA,
};

struct dist {
    enum dist_kind kind;
    double p[3];
};

/* Parse text for key (key is only used in messages). */
int dist_parse(struct dist *d, const char *key, const char *text, struct sim_error *err);
/* A draw from d with r.  The constant and the exponential, what most
 * --generate keys are, without a call: a synthetic job draws five times
 * (dist_draw_any takes the rest). */
double dist_draw_any(const struct dist *d, gsl_rng *r);
static inline double dist_draw(const struct dist *d, gsl_rng *r)
{
    if (d->kind == DIST_DET)
        return d->p[0];
    if (d->kind == DIST_EXP)
        return d->p[0] * zigexp_draw(r);
    return dist_draw_any(d, r);
}
double dist_mean(const struct dist *d);   /* NAN/INFINITY where undefined */
/* Canonical text form, e.g. "exp:1" (for the config echo in the summary). */
void dist_format(const struct dist *d, char *buf, size_t len);

/* Strict decimal number: optional sign, digits, fraction, exponent; no
 * NaN/inf, no overflow, no trailing garbage.  Returns false if invalid. */
bool sim_parse_double(const char *s, double *out);
bool sim_parse_long(const char *s, long *out);

#endif /* BASE_DIST_H */
