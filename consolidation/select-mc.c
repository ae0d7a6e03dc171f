/*
 * consolidation/select-mc.c - MC, maximum correlation: the VM whose
 * utilisation history is best explained by the other VMs' histories on
 * the same host, i.e. the largest R^2 of a least-squares regression (with
 * intercept) of its samples on theirs (Beloglazov & Buyya 2012 s. 6.4.2;
 * CloudSim 5.0 PowerVmSelectionPolicyMaximumCorrelation.java:52-145 with
 * commons-math 3.4.1 OLSMultipleLinearRegression).
 *
 * As in CloudSim: the histories are cut to the shortest one (m samples);
 * with n VMs the regression needs m >= n (n - 1 regressors + intercept),
 * otherwise, or when n = 1, MMT chooses instead.  The largest R^2 wins,
 * ties to the first; CloudSim starts the search at Double.MIN_VALUE, so
 * when no R^2 is positive the first VM wins (quirk mc_from_min_value).
 *
 * The regression (quirk mc_commons_math_qr).  The design is often rank
 * deficient: PlanetLab samples are whole percent, and an idle VM sits at
 * a constant 1-4 % for the whole 30-sample window, a column collinear with
 * the intercept.  commons-math solves by Householder QR and throws only
 * if a diagonal element of R is exactly 0 (then CloudSim falls back to
 * MMT for that host); a rank-deficient design usually leaves a rounding
 * residue instead, and the R^2 values that follow, and so the VM chosen,
 * are rounding noise.  To choose what CloudSim chooses we run the same
 * Householder QR (the JAMA algorithm, public domain, that commons-math
 * adapts: R's diagonal in rdiag, reflectors in a transposed packed
 * matrix) in the same order of operations, and take SST as commons-math's
 * SecondMoment does.  GSL's own QR rounds differently: on the bundled day
 * it returns an exact 0 where commons-math does not, in 7 calls of LR-MC,
 * enough to move energy by 0.4 % (docs/CONSOLIDATION.md).  With the quirk
 * off the fit is GSL's SVD least squares (gsl_multifit_linear), whose R^2
 * is well defined for a rank-deficient design; a VM with a constant
 * history (R^2 = 0/0) is never chosen.
 *
 * Cost: n regressions of O(m n^2) each, m <= 30.
 */
#include <float.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "consolidation/cons-private.h"
#include "base/xalloc.h"

/* Regression of VM i's m samples on the others' (design X, m x n, column
 * 0 the intercept), CloudSim's way.  X is row-major; qrt (n x m) and the
 * other buffers are scratch.  Returns R^2, or sets *singular. */
static double r2_commons(int m, int n, const double *X, const double *y, double *qrt,
                         double *rdiag, double *w, double *beta, bool *singular)
{
    /* Householder QR of X, stored transposed: qrt[j*m + r] = X[r][j]. */
    for (int j = 0; j < n; j++)
        for (int r = 0; r < m; r++)
            qrt[j * m + r] = X[r * n + j];
    int k = m < n ? m : n;
    for (int minor = 0; minor < k; minor++) {
        double *q = qrt + minor * m;
        double norm2 = 0;
        for (int r = minor; r < m; r++)
            norm2 += q[r] * q[r];
        double a = q[minor] > 0 ? -sqrt(norm2) : sqrt(norm2);
        rdiag[minor] = a;
        if (a == 0.0)
            continue;
        q[minor] -= a;
        for (int col = minor + 1; col < n; col++) {
            double *qc = qrt + col * m;
            double alpha = 0;
            for (int r = minor; r < m; r++)
                alpha -= qc[r] * q[r];
            alpha /= a * q[minor];
            for (int r = minor; r < m; r++)
                qc[r] -= alpha * q[r];
        }
    }
    for (int j = 0; j < k; j++)
        if (fabs(rdiag[j]) <= 0) {
            *singular = true;
            return NAN;
        }
    /* Least squares: apply the reflectors to y, then back-substitute. */
    for (int r = 0; r < m; r++)
        w[r] = y[r];
    for (int minor = 0; minor < k; minor++) {
        const double *q = qrt + minor * m;
        double dot = 0;
        for (int r = minor; r < m; r++)
            dot += w[r] * q[r];
        dot /= rdiag[minor] * q[minor];
        for (int r = minor; r < m; r++)
            w[r] += dot * q[r];
    }
    for (int row = k - 1; row >= 0; row--) {
        w[row] /= rdiag[row];
        double v = w[row];
        beta[row] = v;
        for (int i = 0; i < row; i++)
            w[i] -= v * qrt[row * m + i];
    }
    /* SSR from y - X beta; SST as commons-math's SecondMoment. */
    double ssr = 0;
    for (int r = 0; r < m; r++) {
        double fit = 0;
        for (int j = 0; j < n; j++)
            fit += X[r * n + j] * beta[j];
        double e = y[r] - fit;
        ssr += e * e;
    }
    double m1 = 0, m2 = 0;
    for (int r = 0; r < m; r++) {
        double cnt = r + 1;
        double dev = y[r] - m1, ndev = dev / cnt;
        m1 += ndev;
        m2 += (cnt - 1) * dev * ndev;
    }
    return 1 - ssr / m2;
}

/* The same regression by GSL's SVD least squares: R^2 = 1 - chi^2 / TSS,
 * NaN when y is constant. */
static double r2_gsl(int m, int n, const double *X, const double *y)
{
    gsl_matrix_const_view xv = gsl_matrix_const_view_array(X, (size_t)m, (size_t)n);
    gsl_vector_const_view yv = gsl_vector_const_view_array(y, (size_t)m);
    gsl_vector *c = gsl_vector_alloc((size_t)n);
    gsl_matrix *cov = gsl_matrix_alloc((size_t)n, (size_t)n);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc((size_t)m, (size_t)n);
    double chisq;
    gsl_multifit_linear(&xv.matrix, &yv.vector, c, cov, &chisq, ws);
    gsl_multifit_linear_free(ws);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    double tss = gsl_stats_tss(y, 1, (size_t)m);
    return tss > 0 ? 1 - chisq / tss : NAN;
}

static int mc_select(struct cons_selector *s, const struct cons_select_ctx *c)
{
    int n = c->ncand;
    if (n <= 0)
        return -1;
    int m = CONS_HISTORY_MAX;
    for (int i = 0; i < n; i++)
        if (c->dc->vms[c->cand[i]].hist_len < m)
            m = c->dc->vms[c->cand[i]].hist_len;
    if (n < 2 || m < n)
        return cons_select_mmt.select(s, c);

    double *X = xmalloc((size_t)m * (size_t)n * sizeof *X);
    double *y = xmalloc((size_t)m * sizeof *y);
    double *qrt = xmalloc((size_t)m * (size_t)n * sizeof *qrt);
    double *rdiag = xmalloc((size_t)n * sizeof *rdiag);
    double *w = xmalloc((size_t)m * sizeof *w);
    double *beta = xmalloc((size_t)n * sizeof *beta);
    bool singular = false;
    double best_r2 = s->q->mc_from_min_value ? DBL_TRUE_MIN : -INFINITY;
    int best = 0;
    for (int i = 0; i < n && !singular; i++) {
        for (int r = 0; r < m; r++) {
            X[r * n] = 1.0;
            int col = 1;
            for (int j = 0; j < n; j++)
                if (j != i)
                    X[r * n + col++] = c->dc->vms[c->cand[j]].hist[r];
            y[r] = c->dc->vms[c->cand[i]].hist[r];
        }
        double r2 = s->q->mc_commons_math_qr ? r2_commons(m, n, X, y, qrt, rdiag, w, beta, &singular)
                                             : r2_gsl(m, n, X, y);
        if (!singular && r2 > best_r2) {
            best_r2 = r2;
            best = i;
        }
    }
    free(beta);
    free(w);
    free(rdiag);
    free(qrt);
    free(y);
    free(X);
    if (singular)
        return cons_select_mmt.select(s, c);
    return best;
}

const struct cons_selector_ops cons_select_mc = {
    .info = {
        .name = "mc",
        .desc = "maximum correlation: the largest R^2 of its history on the other VMs', MMT "
                "as fall-back",
    },
    .select = mc_select,
};
