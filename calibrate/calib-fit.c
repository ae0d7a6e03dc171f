/*
 * calibrate/calib-fit.c - cache levels and the walk-model fit (see
 * calib-fit.h for the model and its sources).
 *
 * GSL's default error handler aborts, and a library must not; so every
 * GSL call here is given inputs it cannot reject (abscissae strictly
 * increasing, evaluation inside the table, sizes checked first) rather
 * than turning the handler off, which is process-wide state.
 */
#include "calibrate/calib-fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_statistics_double.h>

#include "base/xalloc.h"

#define PAGE 4096.0

/* ---- levels ---------------------------------------------------------- */

void calib_levels_from_curve(size_t n, const double *ws, const double *ns, double l1_bytes,
                             double l2_bytes, double l3_bytes, struct calib_levels *out)
{
    double l1 = l1_bytes > 0 ? l1_bytes : 32768.0;
    double l2 = l2_bytes > 0 ? l2_bytes : 1048576.0;
    double l3 = l3_bytes > 0 ? l3_bytes : 33554432.0;
    const double lo[CALIB_LEVELS] = { 0, 2 * l1, 2 * l2, 8 * l3 };
    const double hi[CALIB_LEVELS] = { l1 / 2, l2 / 2, l3 / 8, INFINITY };
    double *inside = xmalloc((n ? n : 1) * sizeof *inside);

    memset(out, 0, sizeof *out);
    for (int l = 0; l < CALIB_LEVELS; l++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (ws[i] >= lo[l] && ws[i] <= hi[l])
                inside[k++] = ns[i];
        out->lo[l] = lo[l];
        out->hi[l] = hi[l];
        out->points[l] = (int)k;
        if (k > 0) {
            out->ns[l] = gsl_stats_median(inside, 1, k);
            continue;
        }
        /* No point inside: the one nearest the window on a log scale. */
        double target = l == CALIB_L1 ? hi[l] : l == CALIB_DRAM ? lo[l] : sqrt(lo[l] * hi[l]);
        double best = INFINITY;
        for (size_t i = 0; i < n; i++) {
            double d = fabs(log(ws[i] / target));
            if (d < best) {
                best = d;
                out->ns[l] = ns[i];
            }
        }
    }
    free(inside);
}

/* ---- the walk -------------------------------------------------------- */

void calib_walk_refs(const struct calib_walk_fixed *k, int g, double p, struct calib_walk_refs *out)
{
    out->native = 1.0 + (g - 1) * (1.0 - p);
    out->leaf = 1.0 + (1.0 - k->q) * (out->native + 1.0);
    out->upper = (1.0 - p) * ((g - 1) + (1.0 - k->q) * (out->native + 1.0) * (k->h - 1));
    out->total = out->upper + out->leaf;
}

struct calib_dcurve {
    size_t n;
    double *x;             /* log2 footprint, strictly increasing */
    double *y;             /* ns */
    gsl_interp *interp;    /* NULL when n < 2: a constant */
};

struct calib_dcurve *calib_dcurve_new(const struct calib_walk_fixed *k)
{
    struct calib_dcurve *d = xcalloc(1, sizeof *d);
    d->x = xmalloc((k->nd ? k->nd : 1) * sizeof *d->x);
    d->y = xmalloc((k->nd ? k->nd : 1) * sizeof *d->y);
    for (size_t i = 0; i < k->nd; i++) {
        double x = log2(k->d_bytes[i]);
        if (!(k->d_bytes[i] > 0) || (d->n > 0 && !(x > d->x[d->n - 1])))
            continue;   /* keep the abscissae strictly increasing, as GSL requires */
        d->x[d->n] = x;
        d->y[d->n] = k->d_ns[i];
        d->n++;
    }
    /* Steffen's method keeps the curve monotone between the points where
     * the data are (no overshoot between cache plateaus); it needs 3. */
    const gsl_interp_type *type = d->n >= 3 ? gsl_interp_steffen : gsl_interp_linear;
    if (d->n >= 2) {
        d->interp = gsl_interp_alloc(type, d->n);
        gsl_interp_init(d->interp, d->x, d->y, d->n);
    }
    return d;
}

void calib_dcurve_free(struct calib_dcurve *d)
{
    if (!d)
        return;
    gsl_interp_free(d->interp);
    free(d->x);
    free(d->y);
    free(d);
}

double calib_dcurve_at(const struct calib_dcurve *d, double footprint_bytes)
{
    if (d->n == 0)
        return 0;
    double x = log2(footprint_bytes > 1 ? footprint_bytes : 1);
    if (!d->interp || x <= d->x[0])
        return d->y[0];
    if (x >= d->x[d->n - 1])
        return d->y[d->n - 1];
    return gsl_interp_eval(d->interp, d->x, d->y, x, NULL);
}

/* D' of the header: a splintering host makes the reference miss the TLB
 * past the TLB's reach, so it is held there in proportion sigma. */
static double d_prime(const struct calib_dcurve *d, const struct calib_walk_theta *th, double x)
{
    double held = calib_dcurve_at(d, fmin(x, 4096.0 * th->tlb_entries));
    return th->sigma == 0 ? calib_dcurve_at(d, x)
                          : (1 - th->sigma) * calib_dcurve_at(d, x) + th->sigma * held;
}

double calib_walk_per_miss(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                           const struct calib_walk_theta *th, int g, double ws)
{
    struct calib_walk_refs r;
    calib_walk_refs(k, g, th->p, &r);
    return r.upper * k->c_up + r.leaf * d_prime(d, th, th->s * ws);
}

double calib_walk_model(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                        const struct calib_walk_theta *th, bool thp, double ws)
{
    return d_prime(d, th, ws / 32) + calib_walk_tlb_part(k, d, th, thp, ws);
}

double calib_walk_tlb_part(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                           const struct calib_walk_theta *th, bool thp, double ws)
{
    double pages = ws / PAGE;
    double m1 = k->l1_tlb > 0 ? fmax(0.0, 1.0 - k->l1_tlb / pages) : 1.0;
    double m2 = fmax(0.0, 1.0 - th->tlb_entries / pages);
    if (!thp)
        return th->c0 * m1 + m2 * calib_walk_per_miss(k, d, th, k->g, ws);
    return th->sigma * (th->c0 * m1 + m2 * calib_walk_per_miss(k, d, th, k->g - 1, ws));
}

/* ---- the fit --------------------------------------------------------- */

enum { NPARAM = 5 };

struct fit_data {
    const struct calib_walk_fixed *k;
    const struct calib_dcurve *d;
    size_t n;
    const double *ws, *l4k, *lthp;
};

static double sigma_of(double t) { return 0.05 * fabs(t) + 0.5; }

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }
static double logit(double p) { return log(p / (1 - p)); }

/* Unconstrained x -> theta: E, s > 0 by exp; p, sigma in (0, 1) by the
 * logistic. */
static void theta_of(const gsl_vector *x, struct calib_walk_theta *th)
{
    th->c0 = gsl_vector_get(x, 0);
    th->tlb_entries = exp(gsl_vector_get(x, 1));
    th->p = logistic(gsl_vector_get(x, 2));
    th->s = exp(gsl_vector_get(x, 3));
    th->sigma = logistic(gsl_vector_get(x, 4));
}

static int residuals(const gsl_vector *x, void *data, gsl_vector *f)
{
    const struct fit_data *fd = data;
    struct calib_walk_theta th;
    theta_of(x, &th);
    for (size_t i = 0; i < fd->n; i++) {
        double a = calib_walk_model(fd->k, fd->d, &th, false, fd->ws[i]);
        double b = calib_walk_model(fd->k, fd->d, &th, true, fd->ws[i]);
        gsl_vector_set(f, 2 * i, (a - fd->l4k[i]) / sigma_of(fd->l4k[i]));
        gsl_vector_set(f, 2 * i + 1, (b - fd->lthp[i]) / sigma_of(fd->lthp[i]));
    }
    return GSL_SUCCESS;
}

/* Where the TLB misses start: the first working set whose 4 KiB cost
 * above the data reference is 30% of the way to its top; E starts at half
 * its pages. */
static double knee_entries(size_t n, const double *ws, const double *extra)
{
    double top = gsl_stats_max(extra, 1, n);
    for (size_t i = 0; i < n; i++)
        if (extra[i] > 0.3 * top)
            return fmax(ws[i] / PAGE / 2, 8);
    return ws[n - 1] / PAGE / 2;
}

int calib_walk_fit(const struct calib_walk_fixed *k, size_t n, const double *ws,
                   const double *l4k, const double *lthp, struct calib_walk_fit *out,
                   struct sim_error *err)
{
    memset(out, 0, sizeof *out);
    if (n < NPARAM || n > CALIB_FIT_MAX)
        return sim_error_usage(err, "walk fit: %zu working sets (need %d to %d)", n, NPARAM,
                               CALIB_FIT_MAX);
    if (k->nd < 2)
        return sim_error_usage(err, "walk fit: the latency reference has %zu points", k->nd);

    struct calib_dcurve *d = calib_dcurve_new(k);
    struct fit_data fd = { k, d, n, ws, l4k, lthp };
    gsl_multifit_nlinear_fdf fdf = { .f = residuals, .n = 2 * n, .p = NPARAM, .params = &fd };
    gsl_multifit_nlinear_parameters fparams = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fparams, 2 * n, NPARAM);
    gsl_vector *x0 = gsl_vector_alloc(NPARAM), *best = gsl_vector_alloc(NPARAM);
    double best_chisq = INFINITY;

    /* Starts: c0 from the cost above the data reference past the L1 DTLB,
     * E from the knee, p, s and sigma on a grid. */
    double *extra = xmalloc(n * sizeof *extra);
    for (size_t i = 0; i < n; i++)
        extra[i] = l4k[i] - calib_dcurve_at(d, ws[i] / 32);
    double c0 = 0;
    for (size_t i = 0; i < n; i++)
        if (ws[i] / PAGE >= 4 * k->l1_tlb) {
            c0 = fmax(extra[i], 0);
            break;
        }
    double e_knee = knee_entries(n, ws, extra);
    free(extra);
    static const double e_mult[] = { 0.5, 1, 2 };
    static const double p0[] = { 0.2, 0.5, 0.8 };
    static const double sig0[] = { 0.1, 0.9 };
    /* s moves the leaf references along a staircase of cache plateaus, so
     * the objective has a local minimum on every step: s starts on a grid
     * of half octaves from 1/4 to 1/4096. */
    enum { S_STARTS = 21 };
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < S_STARTS; c++)
                for (size_t e = 0; e < 2; e++) {
                    gsl_vector_set(x0, 0, c0);
                    gsl_vector_set(x0, 1, log(e_knee * e_mult[a]));
                    gsl_vector_set(x0, 2, logit(p0[b]));
                    gsl_vector_set(x0, 3, -log(2.0) * (2.0 + 0.5 * (double)c));
                    gsl_vector_set(x0, 4, logit(sig0[e]));
                    gsl_multifit_nlinear_init(x0, &fdf, w);
                    int info;
                    int status = gsl_multifit_nlinear_driver(300, 1e-10, 1e-10, 1e-10, NULL,
                                                             NULL, &info, w);
                    out->starts++;
                    if (status != GSL_SUCCESS && status != GSL_EMAXITER && status != GSL_ENOPROG)
                        continue;
                    double chisq;
                    gsl_vector *f = gsl_multifit_nlinear_residual(w);
                    gsl_blas_ddot(f, f, &chisq);
                    if (isfinite(chisq) && chisq < best_chisq) {
                        best_chisq = chisq;
                        gsl_vector_memcpy(best, gsl_multifit_nlinear_position(w));
                        out->iterations = gsl_multifit_nlinear_niter(w);
                    }
                }

    int rc = 0;
    if (!isfinite(best_chisq)) {
        rc = sim_error_usage(err, "walk fit: no starting point converged");
        goto done;
    }
    /* Robust refinement (iteratively reweighted least squares with Huber's
     * weights, tuning constant 1.345 times the MAD scale of the
     * standardised residuals; Huber 1964, the constant for 95% efficiency
     * under normal errors): a point spoilt by someone else's burst, or
     * sitting on a cache cliff the model draws too sharply, pulls the fit
     * less than the points that agree.  Five rounds from the best start. */
    gsl_vector *wts = gsl_vector_alloc(2 * n);
    double *absr = xmalloc(2 * n * sizeof *absr);
    gsl_vector_set_all(wts, 1.0);
    for (int round = 0; round < 5; round++) {
        gsl_vector *f = gsl_vector_alloc(2 * n);
        residuals(best, &fd, f);
        for (size_t i = 0; i < 2 * n; i++)
            absr[i] = fabs(gsl_vector_get(f, i));
        double sorted_scale = 1.4826 * gsl_stats_median(absr, 1, 2 * n);   /* reorders absr */
        double c = 1.345 * fmax(sorted_scale, 1e-6);
        out->downweighted = 0;
        for (size_t i = 0; i < 2 * n; i++) {
            double a = fabs(gsl_vector_get(f, i));
            double wi = a <= c ? 1.0 : c / a;
            gsl_vector_set(wts, i, wi);
            out->downweighted += wi < 0.5;
        }
        gsl_vector_free(f);
        gsl_multifit_nlinear_winit(best, wts, &fdf, w);
        int info;
        int status = gsl_multifit_nlinear_driver(300, 1e-10, 1e-10, 1e-10, NULL, NULL, &info, w);
        if (status == GSL_SUCCESS || status == GSL_EMAXITER || status == GSL_ENOPROG)
            gsl_vector_memcpy(best, gsl_multifit_nlinear_position(w));
    }
    free(absr);
    gsl_vector *fw = gsl_multifit_nlinear_residual(w);   /* sqrt(w) r at the final point */
    gsl_blas_ddot(fw, fw, &best_chisq);
    /* Standard errors at the final point: re-initialise there (with the
     * weights) for its Jacobian, scale the covariance by chi^2/dof (the
     * weights are estimates, not known variances). */
    gsl_multifit_nlinear_winit(best, wts, &fdf, w);
    gsl_vector_free(wts);
    gsl_matrix *covar = gsl_matrix_alloc(NPARAM, NPARAM);
    gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, covar);
    double scale = best_chisq / (double)(2 * n - NPARAM);
    double se[NPARAM];
    for (int i = 0; i < NPARAM; i++)
        se[i] = sqrt(fmax(gsl_matrix_get(covar, (size_t)i, (size_t)i), 0) * scale);
    gsl_matrix_free(covar);

    theta_of(best, &out->theta);
    out->se.c0 = se[0];
    out->se.tlb_entries = out->theta.tlb_entries * se[1];
    out->se.p = out->theta.p * (1 - out->theta.p) * se[2];
    out->se.s = out->theta.s * se[3];
    out->se.sigma = out->theta.sigma * (1 - out->theta.sigma) * se[4];
    out->at_bound = fmin(out->theta.p, 1 - out->theta.p) < 0.01 ||
                    fmin(out->theta.sigma, 1 - out->theta.sigma) < 0.01;
    out->n = n;
    out->chisq = best_chisq;
    double sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        out->model_4k[i] = calib_walk_model(k, d, &out->theta, false, ws[i]);
        out->model_thp[i] = calib_walk_model(k, d, &out->theta, true, ws[i]);
        out->residual_4k[i] = out->model_4k[i] - l4k[i];
        out->residual_thp[i] = out->model_thp[i] - lthp[i];
        sum2 += out->residual_4k[i] * out->residual_4k[i] +
                out->residual_thp[i] * out->residual_thp[i];
        out->max_abs_ns = fmax(out->max_abs_ns,
                               fmax(fabs(out->residual_4k[i]), fabs(out->residual_thp[i])));
    }
    out->rms_ns = sqrt(sum2 / (double)(2 * n));
done:
    gsl_vector_free(x0);
    gsl_vector_free(best);
    gsl_multifit_nlinear_free(w);
    calib_dcurve_free(d);
    return rc;
}

void calib_walk_to_profile(const struct calib_walk_fixed *k, const struct calib_dcurve *d,
                           const struct calib_walk_theta *th, const double lat[CALIB_LEVELS],
                           double ws_ref, struct calib_walk_profile *out)
{
    memset(out, 0, sizeof *out);
    out->ws_ref = ws_ref;
    calib_walk_refs(k, k->g, th->p, &out->refs);
    out->leaf_ns = d_prime(d, th, th->s * ws_ref);
    out->walk_ns = out->refs.upper * k->c_up + out->refs.leaf * out->leaf_ns;

    double f[CALIB_LEVELS] = { out->refs.upper, 0, 0, 0 };
    /* The leaf references sit between the two levels whose latencies
     * bracket D(s ws_ref); bracketing uses the running maximum so that a
     * noisy, non-monotone measurement still gives fractions in [0, 1]. */
    double mono[CALIB_LEVELS];
    for (int l = 0; l < CALIB_LEVELS; l++)
        mono[l] = l ? fmax(lat[l], mono[l - 1]) : lat[l];
    if (out->leaf_ns <= mono[0]) {
        f[0] += out->refs.leaf;
    } else if (out->leaf_ns >= mono[CALIB_LEVELS - 1]) {
        f[CALIB_LEVELS - 1] += out->refs.leaf;
    } else {
        int j = 0;
        while (j < CALIB_LEVELS - 2 && out->leaf_ns > mono[j + 1])
            j++;
        double span = mono[j + 1] - mono[j];
        double up = span > 0 ? (out->leaf_ns - mono[j]) / span : 1.0;
        f[j] += out->refs.leaf * (1 - up);
        f[j + 1] += out->refs.leaf * up;
    }
    for (int l = 0; l < CALIB_LEVELS; l++) {
        out->fraction[l] = f[l] / out->refs.total;
        out->price_ns += out->fraction[l] * lat[l];
    }
    out->model_walk_ns = out->refs.total * out->price_ns;
    out->native_ns = out->refs.native * out->price_ns;
    out->beyond_native_ns = (out->refs.total - out->refs.native) * out->price_ns;
}
