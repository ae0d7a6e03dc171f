/* base/zigexp.c - see zigexp.h */
#include "base/zigexp.h"

#include <math.h>

#define ZIGEXP_M 9007199254740992.0   /* 2^53: the point's resolution */

/* Marsaglia and Tsang's set-up, from the right: x_255 = R, and each
 * layer i below it has area V, f(x_{i-1}) = f(x_i) + V / x_i; layer 0 is
 * the rectangle [0, V / f(R)) x [0, f(R)) with the tail beyond R. */
void zigexp_build(struct zigexp_table *t)
{
    double de = ZIGEXP_R, te = de, ve = ZIGEXP_V;
    double q = ve / exp(-de);
    t->k[0] = (uint64_t)((de / q) * ZIGEXP_M);
    t->k[1] = 0;
    t->w[0] = q / ZIGEXP_M;
    t->w[ZIGEXP_LAYERS - 1] = de / ZIGEXP_M;
    t->f[0] = 1;
    t->f[ZIGEXP_LAYERS - 1] = exp(-de);
    for (int i = ZIGEXP_LAYERS - 2; i >= 1; i--) {
        de = -log(ve / de + exp(-de));
        t->k[i + 1] = (uint64_t)((de / te) * ZIGEXP_M);
        te = de;
        t->f[i] = exp(-de);
        t->w[i] = de / ZIGEXP_M;
    }
}
