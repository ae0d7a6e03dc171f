/*
 * consolidation/select-mc.c - MC, maximum correlation: the VM whose
 * utilisation history is best explained by the other VMs' histories on
 * the same host, i.e. the largest R^2 of a least-squares regression (with
 * intercept) of its samples on theirs (Beloglazov & Buyya 2012 s. 6.4.2,
 * after Verma et al.; CloudSim 5.0
 * PowerVmSelectionPolicyMaximumCorrelation.java:52-145, commons-math
 * OLSMultipleLinearRegression).
 *
 * As in CloudSim: the histories are cut to the shortest one (m samples);
 * with n VMs the regression needs m >= n (n - 1 regressors + intercept),
 * otherwise, or when n = 1, or when the design matrix is exactly singular
 * (a zero on the diagonal of its Householder R, where commons-math's QR
 * solver throws), MMT chooses instead.  The largest R^2 wins, ties to the
 * first; CloudSim starts the search at Double.MIN_VALUE, so when no R^2 is
 * positive the first VM wins (quirk mc_from_min_value).
 *
 * The fit is GSL's Householder QR (gsl_linalg_QR_decomp, _lssolve), the
 * method commons-math uses.  O(n^2 m^2) per call, m <= 30, n small.
 */
#include <float.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>

#include "consolidation/cons-private.h"

/* R^2 of VM i's samples on the others', or -1 with *singular set. */
static double mc_r2(const struct cons_select_ctx *c, int i, int m, gsl_matrix *x, gsl_vector *tau,
                    gsl_vector *y, gsl_vector *beta, gsl_vector *res, bool *singular)
{
    int n = c->ncand;
    const double *yi = c->dc->vms[c->cand[i]].hist;
    for (int r = 0; r < m; r++) {
        gsl_matrix_set(x, (size_t)r, 0, 1.0);
        int col = 1;
        for (int j = 0; j < n; j++)
            if (j != i)
                gsl_matrix_set(x, (size_t)r, (size_t)col++, c->dc->vms[c->cand[j]].hist[r]);
        gsl_vector_set(y, (size_t)r, yi[r]);
    }
    gsl_linalg_QR_decomp(x, tau);
    for (int k = 0; k < n; k++)
        if (gsl_matrix_get(x, (size_t)k, (size_t)k) == 0) {
            *singular = true;
            return -1;
        }
    gsl_linalg_QR_lssolve(x, tau, y, beta, res);
    double mean = 0;
    for (int r = 0; r < m; r++)
        mean += yi[r];
    mean /= m;
    double ssr = 0, sst = 0;
    for (int r = 0; r < m; r++) {
        double e = gsl_vector_get(res, (size_t)r), d = yi[r] - mean;
        ssr += e * e;
        sst += d * d;
    }
    return 1 - ssr / sst;
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

    gsl_matrix *x = gsl_matrix_alloc((size_t)m, (size_t)n);
    gsl_vector *tau = gsl_vector_alloc((size_t)n);
    gsl_vector *y = gsl_vector_alloc((size_t)m);
    gsl_vector *beta = gsl_vector_alloc((size_t)n);
    gsl_vector *res = gsl_vector_alloc((size_t)m);
    bool singular = false;
    double best_r2 = s->q->mc_from_min_value ? DBL_TRUE_MIN : -INFINITY;
    int best = 0;
    for (int i = 0; i < n && !singular; i++) {
        double r2 = mc_r2(c, i, m, x, tau, y, beta, res, &singular);
        if (!singular && r2 > best_r2) {
            best_r2 = r2;
            best = i;
        }
    }
    gsl_vector_free(res);
    gsl_vector_free(beta);
    gsl_vector_free(y);
    gsl_vector_free(tau);
    gsl_matrix_free(x);
    if (singular)
        return cons_select_mmt.select(s, c);
    return best;
}

const struct cons_selector_ops cons_select_mc = {
    .name = "mc",
    .desc = "maximum correlation (largest R^2 on the other VMs' histories), MMT as fall-back",
    .params = NULL,
    .select = mc_select,
};
