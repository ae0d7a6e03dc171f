/*
 * base/dist.c - see dist.h.  Every draw takes its bits from a GSL
 * generator, and most go through GSL's gsl_ran_*; the bounded Pareto,
 * which GSL lacks, is drawn by inversion of its CDF
 * F(x) = (1 - (L/x)^a) / (1 - (L/H)^a) on a GSL uniform, and the
 * exponential (exp, hyperexp) by the ziggurat (base/zigexp.h), five times
 * as fast as GSL's logarithm, with the same distribution.
 */
#include "base/dist.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "base/zigexp.h"

bool sim_parse_double(const char *s, double *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    /* Only decimal digits, '.', and an exponent: rejects "nan", "inf", hex. */
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    for (const char *q = s; q < end; q++)
        if (*q == 'x' || *q == 'X' || *q == 'p' || *q == 'P')
            return false;
    *out = v;
    return true;
}

bool sim_parse_long(const char *s, long *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

static const struct {
    const char *name;
    enum dist_kind kind;
    int nparams;
    const char *usage;
} dist_names[] = {
    {"det", DIST_DET, 1, "det:V"},
    {"exp", DIST_EXP, 1, "exp:MEAN"},
    {"uniform", DIST_UNIFORM, 2, "uniform:A:B"},
    {"lognormal", DIST_LOGNORMAL, 2, "lognormal:MU:SIGMA"},
    {"pareto", DIST_PARETO, 2, "pareto:ALPHA:XMIN"},
    {"bpareto", DIST_BPARETO, 3, "bpareto:ALPHA:L:H"},
    {"hyperexp", DIST_HYPEREXP, 3, "hyperexp:P:MEAN1:MEAN2"},
    {"gamma", DIST_GAMMA, 2, "gamma:K:THETA"},
};
#define N_DISTS (sizeof dist_names / sizeof dist_names[0])

static int check_params(const struct dist *d, const char *key, const char *text,
                        struct sim_error *err)
{
    const double *p = d->p;
#define BAD(...) return sim_error_usage(err, "--generate %s=%s: " __VA_ARGS__)
    switch (d->kind) {
    case DIST_DET:
        if (p[0] < 0)
            BAD("a constant must be >= 0", key, text);
        break;
    case DIST_EXP:
        if (p[0] <= 0)
            BAD("the mean of exp must be > 0", key, text);
        break;
    case DIST_UNIFORM:
        if (p[0] < 0 || p[0] > p[1])
            BAD("uniform:A:B needs 0 <= A <= B", key, text);
        break;
    case DIST_LOGNORMAL:
        if (p[1] <= 0)
            BAD("the sigma of lognormal must be > 0", key, text);
        break;
    case DIST_PARETO:
        if (p[0] <= 0 || p[1] <= 0)
            BAD("pareto:ALPHA:XMIN needs ALPHA > 0 and XMIN > 0", key, text);
        break;
    case DIST_BPARETO:
        if (p[0] <= 0 || p[1] <= 0 || p[1] >= p[2])
            BAD("bpareto:ALPHA:L:H needs ALPHA > 0 and 0 < L < H", key, text);
        break;
    case DIST_HYPEREXP:
        if (p[0] < 0 || p[0] > 1)
            BAD("the probability P of hyperexp must be within 0..1", key, text);
        if (p[1] <= 0 || p[2] <= 0)
            BAD("the means of hyperexp must be > 0", key, text);
        break;
    case DIST_GAMMA:
        if (p[0] <= 0 || p[1] <= 0)
            BAD("gamma:K:THETA needs K > 0 and THETA > 0", key, text);
        break;
    }
#undef BAD
    return SIM_OK;
}

int dist_parse(struct dist *d, const char *key, const char *text, struct sim_error *err)
{
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return sim_error_usage(err, "--generate %s: value too long", key);
    strcpy(buf, text);

    memset(d, 0, sizeof *d);
    double v;
    if (sim_parse_double(buf, &v)) {   /* a plain number is det:V */
        d->kind = DIST_DET;
        d->p[0] = v;
        return check_params(d, key, text, err);
    }
    char *colon = strchr(buf, ':');
    if (!colon)
        return sim_error_usage(err, "--generate %s=%s: not a number or a distribution "
                               "(det:V, exp:MEAN, uniform:A:B, lognormal:MU:SIGMA, "
                               "pareto:ALPHA:XMIN, bpareto:ALPHA:L:H, hyperexp:P:M1:M2, "
                               "gamma:K:THETA)", key, text);
    *colon = '\0';
    size_t i;
    for (i = 0; i < N_DISTS; i++)
        if (strcmp(buf, dist_names[i].name) == 0)
            break;
    if (i == N_DISTS)
        return sim_error_usage(err, "--generate %s=%s: unknown distribution '%s'", key,
                               text, buf);
    d->kind = dist_names[i].kind;
    int n = 0;
    char *p = colon + 1;
    for (;;) {
        char *next = strchr(p, ':');
        if (next)
            *next = '\0';
        if (n == dist_names[i].nparams)
            return sim_error_usage(err, "--generate %s=%s: too many parameters (%s)", key,
                                   text, dist_names[i].usage);
        if (!sim_parse_double(p, &d->p[n]))
            return sim_error_usage(err, "--generate %s=%s: parameter %d '%s' is not a number (%s)",
                                   key, text, n + 1, p, dist_names[i].usage);
        n++;
        if (!next)
            break;
        p = next + 1;
    }
    if (n < dist_names[i].nparams)
        return sim_error_usage(err, "--generate %s=%s: missing parameters (%s)", key, text,
                               dist_names[i].usage);
    return check_params(d, key, text, err);
}

/* base/zigexp.h */
double zigexp_draw(gsl_rng *r)
{
    const struct zigexp_table *t = &zigexp_table;
    /* The bits below need a generator of full 32-bit words (MT19937 and
     * taus2, the ones hvsim uses, are); any other draws GSL's way. */
    if (r->type->min != 0 || r->type->max != 0xffffffffUL)
        return -log1p(-gsl_rng_uniform(r));
    for (;;) {
        /* (the generator's own get, as gsl_rng_get does: without the
         * call into libgsl, two per draw) */
        uint64_t u = (uint64_t)r->type->get(r->state) << 32;
        u |= (uint64_t)r->type->get(r->state) & 0xffffffffu;
        unsigned i = (unsigned)(u & (ZIGEXP_LAYERS - 1));
        uint64_t j = u >> 11;                  /* 53 bits, apart from the layer's 8 */
        if (j < t->k[i])
            return (double)j * t->w[i];        /* inside the layer's rectangle */
        if (i == 0)
            return ZIGEXP_R - log(gsl_rng_uniform_pos(r));   /* the tail beyond R */
        double x = (double)j * t->w[i];        /* in the wedge: under the curve? */
        if (t->f[i] + gsl_rng_uniform(r) * (t->f[i - 1] - t->f[i]) < exp(-x))
            return x;
    }
}

double dist_draw_any(const struct dist *d, gsl_rng *r)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_DET:
        return p[0];
    case DIST_EXP:
        return p[0] * zigexp_draw(r);
    case DIST_UNIFORM:
        return p[0] == p[1] ? p[0] : gsl_ran_flat(r, p[0], p[1]);
    case DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, p[0], p[1]);
    case DIST_PARETO:
        return gsl_ran_pareto(r, p[0], p[1]);
    case DIST_BPARETO: {
        double a = p[0], lo = p[1], hi = p[2];
        double u = gsl_rng_uniform(r);
        double ratio = pow(lo / hi, a);
        return lo / pow(1.0 - u * (1.0 - ratio), 1.0 / a);
    }
    case DIST_HYPEREXP:
        return (gsl_rng_uniform(r) < p[0] ? p[1] : p[2]) * zigexp_draw(r);
    case DIST_GAMMA:
        return gsl_ran_gamma(r, p[0], p[1]);
    }
    return 0;
}

double dist_mean(const struct dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_DET:
    case DIST_EXP:
        return p[0];
    case DIST_UNIFORM:
        return (p[0] + p[1]) / 2;
    case DIST_LOGNORMAL:
        return exp(p[0] + p[1] * p[1] / 2);
    case DIST_PARETO:
        return p[0] > 1 ? p[0] * p[1] / (p[0] - 1) : INFINITY;
    case DIST_BPARETO: {
        double a = p[0], lo = p[1], hi = p[2];
        double c = a * pow(lo, a) / (1 - pow(lo / hi, a));
        if (a == 1)
            return c * (log(hi) - log(lo));
        return c * (pow(hi, 1 - a) - pow(lo, 1 - a)) / (1 - a);
    }
    case DIST_HYPEREXP:
        return p[0] * p[1] + (1 - p[0]) * p[2];
    case DIST_GAMMA:
        return p[0] * p[1];
    }
    return NAN;
}

/* The shortest of %.15g, %.16g and %.17g that reads back as v: 0.3 and
 * not 0.29999999999999999, yet exact. */
static int format_shortest(char *buf, size_t len, double v)
{
    char tmp[40];
    for (int prec = 15; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            return snprintf(buf, len, "%s", tmp);
    }
    return snprintf(buf, len, "%.17g", v);
}

void dist_format(const struct dist *d, char *buf, size_t len)
{
    size_t i;
    for (i = 0; i < N_DISTS; i++)
        if (dist_names[i].kind == d->kind)
            break;
    int n = snprintf(buf, len, "%s", dist_names[i].name);
    for (int k = 0; k < dist_names[i].nparams && n > 0 && (size_t)n < len; k++)
    {
        n += snprintf(buf + n, len - (size_t)n, ":");
        if ((size_t)n < len)
            n += format_shortest(buf + n, len - (size_t)n, d->p[k]);
    }
}
