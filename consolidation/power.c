/*
 * consolidation/power.c - SPECpower-table power models: CloudSim's
 * interpolation, the exact mean along a utilisation ramp, and the JSON
 * loader.
 */
#include "consolidation/power.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"

#ifndef HVSIM_DATADIR
#define HVSIM_DATADIR "models"
#endif

double cons_power_at(const struct cons_power *p, double u)
{
    if (!(u >= 0 && u <= 1))
        return NAN;
    /* CloudSim's steps, so that the watts agree to the last bit: the table
     * entry "if (utilization % 0.1 == 0)", else power1 + (power2 -
     * power1) / 10 * (u - u1 / 10) * 100.  The fmod test is replaced by
     * floor(10 u) == ceil(10 u), which selects the same entries: when u is
     * a multiple of 0.1, 10 u rounds to that integer, and when 10 u is an
     * integer but u is not a multiple, CloudSim's line adds 0 x something
     * to the same entry. */
    double x = u * 10;
    int u1 = (int)floor(x);
    int u2 = (int)ceil(x);
    if (u1 == u2)
        return p->watts[u1];
    double p1 = p->watts[u1], p2 = p->watts[u2];
    double delta = (p2 - p1) / 10;
    return p1 + delta * (u - (double)u1 / 10) * 100;
}

/* Integral of the table from 0 to u (W x utilisation). */
static double power_integral(const struct cons_power *p, double u)
{
    double acc = 0;
    for (int k = 0; k < CONS_POWER_POINTS - 1; k++) {
        double a = k / 10.0, b = (k + 1) / 10.0;
        if (u <= a)
            break;
        double hi = u < b ? u : b;
        double pa = p->watts[k], slope = (p->watts[k + 1] - p->watts[k]) / 0.1;
        double pb = pa + slope * (hi - a);
        acc += (pa + pb) / 2 * (hi - a);
    }
    return acc;
}

double cons_power_mean(const struct cons_power *p, double u0, double u1)
{
    if (!(u0 >= 0 && u0 <= 1 && u1 >= 0 && u1 <= 1))
        return NAN;
    if (fabs(u1 - u0) < 1e-12)
        return cons_power_at(p, (u0 + u1) / 2);
    return (power_integral(p, u1) - power_integral(p, u0)) / (u1 - u0);
}

static bool is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".json") == 0);
}

static int power_fail(struct sim_error *err, const char *file, const char *key, const char *what)
{
    return sim_error_set(err, SIM_EINVAL, file, 0, 0, "key \"%s\": %s", key, what);
}

static int power_read(const char *file, struct cons_power *out, struct sim_error *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        if (access(file, R_OK) != 0)
            return sim_error_set(err, SIM_EIO, file, 0, 0, "cannot read the power model");
        return sim_error_set(err, SIM_EINVAL, file, jerr.line, jerr.column, "%s", jerr.text);
    }
    int rc = 0;
    const char *key;
    json_t *val;
    if (!json_is_object(doc)) {
        rc = sim_error_set(err, SIM_EINVAL, file, 0, 0, "expected a JSON object");
        goto out;
    }
    json_object_foreach(doc, key, val) {
        if (key[0] == '_' || !strcmp(key, "schema") || !strcmp(key, "name") ||
            !strcmp(key, "description") || !strcmp(key, "watts"))
            continue;
        rc = power_fail(err, file, key, "unknown key");
        goto out;
    }
    const char *schema = json_string_value(json_object_get(doc, "schema"));
    if (!schema || strcmp(schema, "hvsim-power-model/1") != 0) {
        rc = power_fail(err, file, "schema", "expected \"hvsim-power-model/1\"");
        goto out;
    }
    const char *name = json_string_value(json_object_get(doc, "name"));
    if (!name || !*name || strlen(name) >= sizeof out->name) {
        rc = power_fail(err, file, "name", "expected a name of 1-63 characters");
        goto out;
    }
    json_t *w = json_object_get(doc, "watts");
    json_t *arr = json_is_object(w) ? json_object_get(w, "value") : NULL;
    const char *unit = json_string_value(json_object_get(w, "unit"));
    const char *source = json_string_value(json_object_get(w, "source"));
    if (!json_is_array(arr) || json_array_size(arr) != CONS_POWER_POINTS) {
        rc = power_fail(err, file, "watts.value", "expected 11 numbers (W at 0, 10, ..., 100 %)");
        goto out;
    }
    if (!unit || strcmp(unit, "W") != 0) {
        rc = power_fail(err, file, "watts.unit", "expected \"W\"");
        goto out;
    }
    if (!source || !*source) {
        rc = power_fail(err, file, "watts.source", "every table says where it comes from");
        goto out;
    }
    struct cons_power p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    for (size_t i = 0; i < CONS_POWER_POINTS; i++) {
        json_t *x = json_array_get(arr, i);
        if (!json_is_number(x) || json_number_value(x) < 0 ||
            (i > 0 && json_number_value(x) < p.watts[i - 1])) {
            rc = power_fail(err, file, "watts.value",
                            "expected non-negative watts that do not decrease with utilisation");
            goto out;
        }
        p.watts[i] = json_number_value(x);
    }
    *out = p;
out:
    json_decref(doc);
    return rc;
}

int cons_power_load(const char *name_or_file, const char *datadir, struct cons_power *out,
                    struct sim_error *err)
{
    if (!name_or_file || !*name_or_file)
        return sim_error_usage(err, "empty power model name");
    if (is_path(name_or_file))
        return power_read(name_or_file, out, err);
    for (const char *c = name_or_file; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return sim_error_usage(err, "bad power model name \"%s\"", name_or_file);
    if (!datadir)
        datadir = HVSIM_DATADIR;
    size_t len = strlen(datadir) + strlen(name_or_file) + sizeof "/power/.json";
    char *file = xmalloc(len);
    snprintf(file, len, "%s/power/%s.json", datadir, name_or_file);
    int rc;
    if (access(file, R_OK) != 0)
        rc = sim_error_usage(err, "unknown power model \"%s\" (no %s)", name_or_file, file);
    else
        rc = power_read(file, out, err);
    free(file);
    return rc;
}
