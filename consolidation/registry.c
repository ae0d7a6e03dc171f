/*
 * consolidation/registry.c - the policy tables built from the *-list.h
 * files, lookup by name, and the "NAME[:V[,KEY=V...]]" spec parser that
 * fills a policy's declared parameters.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consolidation/cons-private.h"

#define DETECTOR(n) extern const struct cons_detector_ops cons_detect_##n;
#include "consolidation/detect-list.h"
#undef DETECTOR
#define SELECTOR(n) extern const struct cons_selector_ops cons_select_##n;
#include "consolidation/select-list.h"
#undef SELECTOR
#define PLACEMENT(n) extern const struct cons_place_ops cons_place_##n;
#include "consolidation/place-list.h"
#undef PLACEMENT
#define MIGRATION(n) extern const struct cons_migration_ops cons_migrate_##n;
#include "consolidation/migrate-list.h"
#undef MIGRATION

static const struct cons_detector_ops *const detectors[] = {
#define DETECTOR(n) &cons_detect_##n,
#include "consolidation/detect-list.h"
#undef DETECTOR
};
static const struct cons_selector_ops *const selectors[] = {
#define SELECTOR(n) &cons_select_##n,
#include "consolidation/select-list.h"
#undef SELECTOR
};
static const struct cons_place_ops *const placements[] = {
#define PLACEMENT(n) &cons_place_##n,
#include "consolidation/place-list.h"
#undef PLACEMENT
};
static const struct cons_migration_ops *const migrations[] = {
#define MIGRATION(n) &cons_migrate_##n,
#include "consolidation/migrate-list.h"
#undef MIGRATION
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Lookup by name in each table (linear: a handful of entries). */
#define FIND(table, name)                                    \
    do {                                                     \
        for (size_t i_ = 0; i_ < COUNT(table); i_++)         \
            if (name && strcmp(table[i_]->name, name) == 0)  \
                return table[i_];                            \
        return NULL;                                         \
    } while (0)

const struct cons_detector_ops *cons_detector_find(const char *name) { FIND(detectors, name); }
const struct cons_selector_ops *cons_selector_find(const char *name) { FIND(selectors, name); }
const struct cons_place_ops *cons_place_find(const char *name) { FIND(placements, name); }
const struct cons_migration_ops *cons_migration_find(const char *name) { FIND(migrations, name); }

size_t cons_detector_count(void) { return COUNT(detectors); }
const struct cons_detector_ops *cons_detector_at(size_t i)
{
    return i < COUNT(detectors) ? detectors[i] : NULL;
}
size_t cons_selector_count(void) { return COUNT(selectors); }
const struct cons_selector_ops *cons_selector_at(size_t i)
{
    return i < COUNT(selectors) ? selectors[i] : NULL;
}
size_t cons_migration_count(void) { return COUNT(migrations); }
const struct cons_migration_ops *cons_migration_at(size_t i)
{
    return i < COUNT(migrations) ? migrations[i] : NULL;
}

/* The names of a family, for "unknown X" messages. */
static void known_names(char *buf, size_t len, const char *family)
{
    buf[0] = '\0';
    size_t n = 0;
    const char *names[16];
    if (!strcmp(family, "detector"))
        for (size_t i = 0; i < COUNT(detectors); i++)
            names[n++] = detectors[i]->name;
    else if (!strcmp(family, "selector"))
        for (size_t i = 0; i < COUNT(selectors); i++)
            names[n++] = selectors[i]->name;
    else if (!strcmp(family, "placement"))
        for (size_t i = 0; i < COUNT(placements); i++)
            names[n++] = placements[i]->name;
    else
        for (size_t i = 0; i < COUNT(migrations); i++)
            names[n++] = migrations[i]->name;
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", names[i]);
}

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cons__parse_spec(const char *spec, const char *family, cons_lookup_fn lookup,
                     const void **ops_out, double value[CONS_PARAM_MAX], struct sim_error *err)
{
    char buf[256];
    if (!spec || strlen(spec) >= sizeof buf)
        return sim_error_usage(err, "%s: expected NAME[:VALUE[,KEY=VALUE...]]", family);
    snprintf(buf, sizeof buf, "%s", spec);
    char *colon = strchr(buf, ':');
    if (colon)
        *colon = '\0';
    const struct cons_param *params = NULL;
    const void *ops = lookup(buf, &params);
    if (!ops) {
        char known[200];
        known_names(known, sizeof known, family);
        return sim_error_usage(err, "unknown %s \"%s\" (known: %s)", family, buf, known);
    }
    size_t np = 0;
    while (params && params[np].name)
        np++;
    for (size_t i = 0; i < CONS_PARAM_MAX; i++)
        value[i] = i < np ? params[i].def : 0;
    if (colon) {
        char *save = NULL;
        size_t pos = 0;
        for (char *tok = strtok_r(colon + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save), pos++) {
            char *eq = strchr(tok, '=');
            size_t idx = pos;
            const char *vs = tok;
            if (eq) {
                *eq = '\0';
                vs = eq + 1;
                for (idx = 0; idx < np && strcmp(params[idx].name, tok); idx++)
                    ;
                if (idx == np)
                    return sim_error_usage(err, "%s %s: unknown parameter \"%s\"", family, buf, tok);
            } else if (pos > 0) {
                return sim_error_usage(err, "%s %s: only the first value may be given without KEY=",
                                       family, buf);
            }
            if (idx >= np)
                return sim_error_usage(err, "%s %s takes no parameter", family, buf);
            double v;
            if (parse_number(vs, &v) < 0)
                return sim_error_usage(err, "%s %s: \"%s\" is not a number", family, buf, vs);
            if (v < params[idx].min || v > params[idx].max)
                return sim_error_usage(err, "%s %s: %s = %g is outside [%g, %g]", family, buf,
                                       params[idx].name, v, params[idx].min, params[idx].max);
            value[idx] = v;
        }
    }
    *ops_out = ops;
    return 0;
}

void cons__format_spec(char *buf, size_t len, const char *name, const struct cons_param *params,
                       const double value[CONS_PARAM_MAX])
{
    snprintf(buf, len, "%s", name);
    for (size_t i = 0; params && params[i].name && i < CONS_PARAM_MAX; i++) {
        size_t used = strlen(buf);
        if (i == 0)
            snprintf(buf + used, len - used, ":%g", value[i]);
        else
            snprintf(buf + used, len - used, ",%s=%g", params[i].name, value[i]);
    }
}
