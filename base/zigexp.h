/*
 * base/zigexp.h - exponential variates by the ziggurat method (Marsaglia
 * and Tsang, "The ziggurat method for generating random variables",
 * J. Stat. Softw. 5(8), 2000), 256 layers, from the uniform bits of a GSL
 * generator.
 *
 * Why not gsl_ran_exponential: it computes -mu log1p(-u), and the
 * logarithm was the largest single cost of an M/M/1 run (17% of it); the
 * ziggurat returns x = j w_i for 98.9% of draws, a table look-up and a
 * multiplication.  The distribution is the same, Exp(1): the layers have
 * equal areas, a draw picks one uniformly and a point uniformly in it,
 * accepts it under the curve, and the base layer's tail beyond r is r +
 * Exp(1) by memorylessness.  Each draw takes 64 bits (two 32-bit words of
 * the generator): 8 pick the layer and 53 others the point, so the point
 * has a double's resolution and is independent of the layer (the
 * original's 32-bit words shared their low bits between the two).
 *
 * The tables are constants (base/zigexp-table.c, written by
 * scripts/gen-zigexp.c from zigexp_build, which a test compares them
 * with), so nothing is initialised at run time.  zigexp_draw is in
 * base/dist.c, dist_draw's file (zigexp.c is linked into the generator
 * before the tables exist).
 */
#ifndef BASE_ZIGEXP_H
#define BASE_ZIGEXP_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#define ZIGEXP_LAYERS 256
#define ZIGEXP_R 7.69711747013104972   /* the start of the base layer's tail */
#define ZIGEXP_V 3.949659822581572e-3  /* the area of each layer */

struct zigexp_table {
    uint64_t k[ZIGEXP_LAYERS];  /* j < k[i]: the point is inside layer i's rectangle */
    double w[ZIGEXP_LAYERS];    /* x = j w[i] (j a 53-bit integer) */
    double f[ZIGEXP_LAYERS];    /* exp(-x_i), the curve at the layer's right edge */
};

extern const struct zigexp_table zigexp_table;

/* Compute the tables (the generator of zigexp-table.c, and its test). */
void zigexp_build(struct zigexp_table *t);

/* An Exp(1) variate from r: 64 bits, rarely more (a rejection, the tail).
 * r must give full 32-bit words (min 0, max 2^32 - 1); a generator that
 * does not is drawn from as gsl_ran_exponential draws. */
double zigexp_draw(gsl_rng *r);

#endif /* BASE_ZIGEXP_H */
