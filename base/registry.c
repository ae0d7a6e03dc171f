/* base/registry.c - see registry.h. */
#include "base/registry.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

size_t registry_count(const struct registry *r) { return r->nbuiltin + r->nextra; }

const struct policy_info *registry_at(const struct registry *r, size_t i)
{
    if (i < r->nbuiltin)
        return r->builtin[i];
    i -= r->nbuiltin;
    return i < r->nextra ? r->extra[i] : NULL;
}

/* Is name one of the space-separated words of list? */
static bool in_words(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        p += strspn(p, " ");
        size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, name, n) == 0)
            return true;
        p += w;
    }
    return false;
}

const struct policy_info *registry_find(const struct registry *r, const char *name)
{
    for (size_t i = 0; i < registry_count(r); i++)
        if (strcmp(registry_at(r, i)->name, name) == 0)
            return registry_at(r, i);
    for (size_t i = 0; i < registry_count(r); i++)
        if (in_words(registry_at(r, i)->aliases, name))
            return registry_at(r, i);
    return NULL;
}

int registry_add(struct registry *r, const struct policy_info *p, struct sim_error *err)
{
    if (!p->name || !p->name[0])
        return sim_error_usage(err, "a %s without a name", r->family);
    if (registry_find(r, p->name))
        return sim_error_usage(err, "%s '%s' is already registered", r->family, p->name);
    for (const char *a = p->aliases; a && *a;) {
        a += strspn(a, " ");
        size_t w = strcspn(a, " ");
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)w, a);
        if (w && registry_find(r, word))
            return sim_error_usage(err, "%s '%s': its alias '%s' is taken", r->family, p->name,
                                   word);
        a += w;
    }
    for (size_t i = 0; p->params && p->params[i].name; i++)
        if (param_find(p->params + i + 1, p->params[i].name))
            return sim_error_usage(err, "%s '%s' declares --%s twice", r->family, p->name,
                                   p->params[i].name);
    if (r->nextra == r->extracap)
        r->extra = xgrow(r->extra, &r->extracap, r->nextra + 1, sizeof *r->extra);
    r->extra[r->nextra++] = p;
    return SIM_OK;
}

void registry_reset(struct registry *r)
{
    free(r->extra);
    r->extra = NULL;
    r->nextra = r->extracap = 0;
}

void registry_names(const struct registry *r, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < registry_count(r) && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 registry_at(r, i)->name);
}

int policy_choose_info(struct policy_choice *c, const struct policy_info *info,
                       struct sim_error *err)
{
    policy_release(c);
    c->info = info;
    c->conf = xcalloc(1, info->conf_size ? info->conf_size : 1);
    int rc = param_defaults(info->params, c->conf, err);
    if (rc < 0)
        policy_release(c);
    return rc;
}

int policy_choose(struct policy_choice *c, const struct registry *r, const char *name,
                  struct sim_error *err)
{
    const struct policy_info *info = registry_find(r, name);
    if (!info) {
        char names[512];
        registry_names(r, names, sizeof names);
        return sim_error_usage(err, "--%s: unknown %s '%s' (one of: %s)", r->option, r->family,
                               name, names);
    }
    return policy_choose_info(c, info, err);
}

int policy_set(struct policy_choice *c, const char *param, const char *text,
               struct sim_error *err)
{
    const struct param_def *d = param_find(c->info->params, param);
    if (!d)
        return sim_error_usage(err, "'%s' has no parameter --%s", c->info->name, param);
    char label[80];
    snprintf(label, sizeof label, "--%s", param);
    return param_set(d, c->conf, text, label, NULL, err);
}

void policy_release(struct policy_choice *c)
{
    if (c->conf && c->info)
        param_free(c->info->params, c->conf);
    free(c->conf);
    c->conf = NULL;
    c->info = NULL;
}

json_t *registry_describe(const struct registry *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < registry_count(r); i++) {
        const struct policy_info *p = registry_at(r, i);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(p->name));
        json_object_set_new(o, "desc", json_string(p->desc ? p->desc : ""));
        json_t *al = json_array();
        for (const char *s = p->aliases; s && *s;) {
            s += strspn(s, " ");
            size_t w = strcspn(s, " ");
            if (w)
                json_array_append_new(al, json_stringn(s, w));
            s += w;
        }
        json_object_set_new(o, "aliases", al);
        json_object_set_new(o, "default", json_boolean(i == 0));
        json_object_set_new(o, "plugin", json_boolean(i >= r->nbuiltin));
        json_t *ps = json_array();
        for (size_t k = 0; p->params && p->params[k].name; k++)
            json_array_append_new(ps, param_describe(&p->params[k]));
        json_object_set_new(o, "params", ps);
        json_array_append_new(a, o);
    }
    return a;
}
