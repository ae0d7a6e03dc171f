/*
 * scripts/bench/lindley.c - the M/M/1 queue of `make bench`'s first row
 * computed without a simulator: Lindley's recursion for the waiting
 * time of customer n + 1,
 *
 *     W(n+1) = max(0, W(n) + S(n) - A(n+1)),
 *
 * (Lindley, "The theory of queues with a single server", Proc. Camb.
 * Phil. Soc. 48, 1952; Kleinrock, Queueing Systems vol. 1, eq. 8.3),
 * with S(n) the service time and A(n+1) the gap between arrivals, both
 * exponential.  It is the floor a FIFO single-server simulation is
 * compared with: the same draws, nothing else.  Three variants, each the
 * best of three runs: the draws by gsl_ran_exponential (a logarithm
 * each); by the ziggurat hvsim draws them with (base/zigexp.h); and the
 * ziggurat with the response times kept for exact p50, p95 and p99, as
 * hvsim keeps them (sim/metrics.h stats_quantiles).
 *
 * Usage: lindley [N [RHO [log|zig|pct]]]  (default 10^6 customers at
 * rho = 0.9).  Prints one line per variant: seconds, and the mean
 * response time against 1 / (1 - rho), M/M/1's (with mean service 1).
 * With a variant named, it runs that one once (make bench times the
 * whole process, as it times hvsim's).
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/xalloc.h"
#include "base/zigexp.h"
#include "sim/metrics.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum variant { BY_LOG, BY_ZIGGURAT, WITH_PERCENTILES };

/* One pass of n customers; the mean response, and with percentiles its
 * p99 in *p99.  Two streams, as hvsim draws arrivals and work apart. */
static double recursion(enum variant how, long n, double rho, double *p99)
{
    gsl_rng *arrivals = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *service = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(arrivals, 1);
    gsl_rng_set(service, 2);
    double *resp = how == WITH_PERCENTILES ? xmalloc((size_t)n * sizeof *resp) : NULL;
    double mean_gap = 1.0 / rho, wait = 0, sum = 0;
    for (long i = 0; i < n; i++) {
        double s = how == BY_LOG ? gsl_ran_exponential(service, 1.0) : zigexp_draw(service);
        double a = how == BY_LOG ? gsl_ran_exponential(arrivals, mean_gap)
                                 : mean_gap * zigexp_draw(arrivals);
        double r = wait + s;
        sum += r;
        if (resp)
            resp[i] = r;
        wait = r - a > 0 ? r - a : 0;
    }
    if (resp) {
        static const double f[3] = {0.5, 0.95, 0.99};
        double q[3];
        stats_quantiles(resp, (size_t)n, f, 3, q);
        *p99 = q[2];
        free(resp);
    }
    gsl_rng_free(arrivals);
    gsl_rng_free(service);
    return sum / (double)n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    double rho = argc > 2 ? atof(argv[2]) : 0.9;
    static const char *name[] = {"log", "zig", "pct"};
    int only = -1;
    for (int v = 0; argc > 3 && v < 3; v++)
        if (strcmp(argv[3], name[v]) == 0)
            only = v;
    if (n < 100 || !(rho > 0 && rho < 1) || (argc > 3 && only < 0)) {
        fprintf(stderr, "usage: lindley [N >= 100 [0 < RHO < 1 [log|zig|pct]]]\n");
        return 2;
    }
    static const char *label[] = {
        "draws by gsl_ran_exponential",
        "draws by the ziggurat (as hvsim)",
        "ziggurat, exact p50/p95/p99 kept",
    };
    for (enum variant v = BY_LOG; v <= WITH_PERCENTILES; v++) {
        if (only >= 0 && (int)v != only)
            continue;
        double best = 1e9, mean = 0, p99 = 0;
        for (int rep = 0; rep < (only >= 0 ? 1 : 3); rep++) {
            double t0 = now_s();
            mean = recursion(v, n, rho, &p99);
            double dt = now_s() - t0;
            if (dt < best)
                best = dt;
        }
        printf("%-34s %8.4f s  mean response %.3f (theory %.3f)", label[v], best, mean,
               1.0 / (1.0 - rho));
        if (v == WITH_PERCENTILES)
            printf(", p99 %.2f", p99);
        printf("\n");
    }
    return 0;
}
