/* report/units.c - see units.h */
#include "report/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct time_unit units[] = {
    {"ns", 1, 1e-9},
    {"us", 1000, 1e-6},
    {"ms", 1000000, 1e-3},
    {"s", 1000000000, 1},
    {"min", 60LL * 1000000000, 60},
    {"h", 3600LL * 1000000000, 3600},
    {"d", 86400LL * 1000000000, 86400},
};
#define N_SHORT 4
#define N_UNITS (sizeof units / sizeof units[0])

const struct time_unit *time_unit_for_seconds(double span, bool long_units)
{
    if (!(span > 0) || !isfinite(span))
        return &units[N_SHORT - 1];
    const struct time_unit *u = &units[0];
    for (size_t i = 1; i < N_SHORT; i++)
        if (span >= units[i].seconds)
            u = &units[i];
    /* long units only from 3 of them: 150 s reads better than 2.5 min */
    for (size_t i = N_SHORT; long_units && i < N_UNITS; i++)
        if (span >= 3 * units[i].seconds)
            u = &units[i];
    return u;
}

const struct time_unit *time_unit_for_span(sim_time_t span, bool long_units)
{
    return time_unit_for_seconds(sim_time_seconds(span), long_units);
}

void time_format(char *buf, size_t len, sim_time_t t, const struct time_unit *u, int decimals)
{
    const char *sign = "";
    if (t < 0) {
        sign = "-";
        t = -t;
    }
    if (decimals > 4)
        decimals = 4;
    if (decimals < 0)
        decimals = 0;
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    int64_t ip = t / u->ns, rem = t % u->ns;
    /* rem * scale * 2 < 8.64e13 * 1e4 * 2: no overflow */
    int64_t frac = (2 * rem * scale + u->ns) / (2 * u->ns);
    if (frac >= scale) {
        ip++;
        frac -= scale;
    }
    if (frac == 0 || decimals == 0) {
        snprintf(buf, len, "%s%" PRId64, ip == 0 ? "" : sign, ip);
        return;
    }
    char digits[24];
    snprintf(digits, sizeof digits, "%0*" PRId64, decimals, frac);
    size_t n = strlen(digits);
    while (n > 0 && digits[n - 1] == '0')
        digits[--n] = '\0';
    snprintf(buf, len, "%s%" PRId64 ".%s", sign, ip, digits);
}

void time_seconds_text(char *buf, size_t len, sim_time_t t)
{
    const char *sign = t < 0 ? "-" : "";
    if (t < 0)
        t = -t;
    snprintf(buf, len, "%s%" PRId64 ".%09" PRId64, sign, t / 1000000000, t % 1000000000);
}

void number_format(char *buf, size_t len, double v, int sig)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "-");
        return;
    }
    if (v == 0) {
        snprintf(buf, len, "0");
        return;
    }
    if (fabs(v) >= 1e15) {
        snprintf(buf, len, "%.*e", sig > 1 ? sig - 1 : 0, v);
        return;
    }
    int e = (int)floor(log10(fabs(v)));
    int decimals = sig - 1 - e;
    /* round to sig significant digits first: 19652 -> 19650 */
    if (decimals < 0) {
        double p = pow(10, -decimals);
        v = round(v / p) * p;
        decimals = 0;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    /* drop trailing zeros of the fraction, and a bare point */
    char *dot = strchr(raw, '.');
    if (dot) {
        size_t n = strlen(raw);
        while (n > 0 && raw[n - 1] == '0')
            raw[--n] = '\0';
        if (raw[n - 1] == '.')
            raw[--n] = '\0';
    }
    /* thousands separators in the integer part */
    const char *start = raw[0] == '-' ? raw + 1 : raw;
    size_t intlen = strcspn(start, ".");
    char out[96];
    size_t k = 0;
    if (raw[0] == '-')
        out[k++] = '-';
    for (size_t i = 0; i < intlen; i++) {
        if (i > 0 && (intlen - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = start[i];
    }
    snprintf(out + k, sizeof out - k, "%s", start + intlen);
    if (strcmp(out, "-0") == 0)
        snprintf(out, sizeof out, "0");
    snprintf(buf, len, "%s", out);
}

double nice_step(double x)
{
    if (!(x > 0) || !isfinite(x))
        return 1;
    double p = pow(10, floor(log10(x)));
    static const double m[] = {1, 2, 5, 10};
    for (size_t i = 0; i < 4; i++)
        if (m[i] * p >= x * (1 - 1e-12))
            return m[i] * p;
    return 10 * p;
}
