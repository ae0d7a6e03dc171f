/*
 * consolidation/registry.c - the four policy registries (base/registry.h)
 * built from the *-list.h files, and the "NAME[:V[,KEY=V...]]" spec that
 * chooses a policy and sets its declared knobs in one word
 * (--consolidate thr:0.8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
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

static const struct policy_info *const detectors[] = {
#define DETECTOR(n) &cons_detect_##n.info,
#include "consolidation/detect-list.h"
#undef DETECTOR
};
static const struct policy_info *const selectors[] = {
#define SELECTOR(n) &cons_select_##n.info,
#include "consolidation/select-list.h"
#undef SELECTOR
};
static const struct policy_info *const placements[] = {
#define PLACEMENT(n) &cons_place_##n.info,
#include "consolidation/place-list.h"
#undef PLACEMENT
};
static const struct policy_info *const migrations[] = {
#define MIGRATION(n) &cons_migrate_##n.info,
#include "consolidation/migrate-list.h"
#undef MIGRATION
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct registry cons_detector_registry = {
    .family = "overload detector",
    .option = "consolidate",
    .builtin = detectors,
    .nbuiltin = COUNT(detectors),
};
struct registry cons_selector_registry = {
    .family = "VM selection policy",
    .option = "select",
    .builtin = selectors,
    .nbuiltin = COUNT(selectors),
};
struct registry cons_place_registry = {
    .family = "consolidation placement",
    .option = "consolidate-place",
    .builtin = placements,
    .nbuiltin = COUNT(placements),
};
struct registry cons_migration_registry = {
    .family = "migration model",
    .option = "migration",
    .builtin = migrations,
    .nbuiltin = COUNT(migrations),
};

int cons_choose(struct policy_choice *c, struct registry *r, const char *spec,
                struct sim_error *err)
{
    char buf[256];
    if (!spec || !spec[0] || strlen(spec) >= sizeof buf)
        return sim_error_usage(err, "--%s: expected NAME[:VALUE[,KEY=VALUE...]]", r->option);
    snprintf(buf, sizeof buf, "%s", spec);
    char *colon = strchr(buf, ':');
    if (colon)
        *colon = '\0';
    int rc = policy_choose(c, r, buf, err);
    if (rc < 0 || !colon)
        return rc;
    const struct param_def *params = c->info->params;
    size_t np = param_count(params), pos = 0;
    char *save = NULL;
    for (char *tok = strtok_r(colon + 1, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save), pos++) {
        const struct param_def *d;
        const char *value = tok;
        char *eq = strchr(tok, '=');
        if (eq) {
            *eq = '\0';
            value = eq + 1;
            d = param_find(params, tok);
            if (!d) {
                rc = sim_error_usage(err, "--%s %s: '%s' has no knob '%s'", r->option, spec,
                                     c->info->name, tok);
                break;
            }
        } else if (pos > 0) {
            rc = sim_error_usage(err, "--%s %s: only the first value may come without KEY=",
                                 r->option, spec);
            break;
        } else if (np == 0) {
            rc = sim_error_usage(err, "--%s %s: '%s' takes no value", r->option, spec,
                                 c->info->name);
            break;
        } else {
            d = &params[0];
        }
        char label[300];
        snprintf(label, sizeof label, "--%s %s (%s)", r->option, spec, d->name);
        rc = param_set(d, c->conf, value, label, NULL, err);
        if (rc < 0)
            break;
    }
    if (rc < 0)
        policy_release(c);
    return rc;
}

void cons_describe_choice(const struct policy_choice *c, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "%s", c->info ? c->info->name : "(none)");
    for (size_t i = 0; c->info && c->info->params && c->info->params[i].name && used < len; i++) {
        const struct param_def *d = &c->info->params[i];
        char v[64];
        if (d->type == PARAM_REAL)   /* 0.8, not 0.80000000000000004 */
            snprintf(v, sizeof v, "%g", *(const double *)((const char *)c->conf + d->offset));
        else
            param_format(d, c->conf, v, sizeof v);
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", i ? "," : ":",
                                 c->info->params[i].name, v);
    }
}

sim_time_t cons_detector_interval(const struct policy_choice *detector)
{
    const struct param_def *d = detector->info ? param_find(detector->info->params, "interval")
                                               : NULL;
    return d ? *(const sim_time_t *)((const char *)detector->conf + d->offset) : 0;
}

long cons_migration_parallel(const struct cons_migration *m)
{
    const struct param_def *d = param_find(m->ops->info.params, "migration-parallel");
    return d ? *(const long *)((const char *)m->conf + d->offset) : 0;
}

int cons__choice_copy(struct policy_choice *dst, const struct policy_choice *src,
                      struct sim_error *err)
{
    int rc = policy_choose_info(dst, src->info, err);
    for (size_t i = 0; rc == SIM_OK && src->info->params && src->info->params[i].name; i++) {
        const struct param_def *d = &src->info->params[i];
        char v[128];
        param_format(d, src->conf, v, sizeof v);
        rc = param_set(d, dst->conf, v, d->name, NULL, err);
    }
    if (rc < 0)
        policy_release(dst);
    return rc;
}
