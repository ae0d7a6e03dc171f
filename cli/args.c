/* cli/args.c - see args.h. */
#include "cli/args.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonfile.h"
#include "base/xalloc.h"

void cli_optset_add(struct cli_optset *s, const struct param_def *defs)
{
    if (!defs)
        return;
    if (s->n == s->cap)
        s->table = xgrow(s->table, &s->cap, s->n + 1, sizeof *s->table);
    s->table[s->n++] = defs;
}

const struct param_def *cli_optset_find(const struct cli_optset *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct param_def *d = param_find(s->table[i], name);
        if (d)
            return d;
    }
    return NULL;
}

void cli_optset_free(struct cli_optset *s)
{
    free(s->table);
    memset(s, 0, sizeof *s);
}

static struct cli_arg *push(struct cli_args *a, const char *name)
{
    if (a->narg == a->cap)
        a->arg = xgrow(a->arg, &a->cap, a->narg + 1, sizeof *a->arg);
    struct cli_arg *g = &a->arg[a->narg++];
    memset(g, 0, sizeof *g);
    g->name = xstrdup(name);
    return g;
}

static char *origin_of(const char *fmt, const char *file, const char *name)
{
    size_t n = strlen(fmt) + (file ? strlen(file) : 0) + strlen(name) + 1;
    char *s = xmalloc(n);
    if (file)
        snprintf(s, n, fmt, file, name);
    else
        snprintf(s, n, fmt, name);
    return s;
}

int cli_args_parse(struct cli_args *a, const char *cmd, int argc, char **argv,
                   const struct cli_optset *known, struct sim_error *err)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->pos = xcalloc((size_t)(argc > 0 ? argc : 1), sizeof *a->pos);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->help = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (arg[0] == '-' && arg[1] != '\0' && strcmp(arg, "--") != 0)
                return sim_error_usage(err, "unknown option '%s' (options are --NAME; see "
                                       "hvsim %s --help)", arg, cmd);
            if (strcmp(arg, "--") == 0) {   /* the rest is positional */
                while (++i < argc)
                    a->pos[a->npos++] = argv[i];
                break;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        char name[64];
        if (len == 0 || len >= sizeof name)
            return sim_error_usage(err, "unknown option '%s' (see hvsim %s --help)", arg, cmd);
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        const struct param_def *d = cli_optset_find(known, name);
        if (!d)
            return sim_error_usage(err, "unknown option '--%s' (see hvsim %s --help)", name, cmd);
        struct cli_arg *g = push(a, name);
        g->origin = origin_of("--%s", NULL, name);
        if (d->type == PARAM_FLAG) {
            if (eq)
                return sim_error_usage(err, "--%s takes no value", name);
            continue;
        }
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL);
        if (!val || (!eq && strncmp(val, "--", 2) == 0 && val[2] != '\0'))
            return sim_error_usage(err, "--%s needs a value (%s)%s%s%s", name,
                                   d->metavar ? d->metavar : "a value", val ? "; '" : "",
                                   val ? val : "", val ? "' is an option" : "");
        if (!eq)
            i++;
        g->text = xstrdup(val);
    }
    return SIM_OK;
}

int cli_args_load_config(struct cli_args *a, const struct json_file *f,
                         const struct cli_optset *known, struct sim_error *err)
{
    const char *path = f->path;
    json_t *root = f->root;
    if (!json_is_object(root))
        return json_file_error(f, "", err, "a config must be a JSON object whose keys are the "
                               "long options");
    int rc = SIM_OK;
    char *dir = NULL;
    const char *prefix = "";   /* of the keys' paths in the file */
    const char *schema = json_string_value(json_object_get(root, "schema"));
    if (schema && strncmp(schema, "hvsim-summary/", 14) == 0) {
        /* A summary of an earlier run: its config object is the resolved
         * experiment, paths as that run was given them (relative to the
         * directory it ran in, taken to be this one). */
        root = json_object_get(root, "config");
        if (!json_is_object(root))
            return json_file_error(f, "", err, "a summary without a \"config\" object");
        prefix = "config.";
    } else {
        char *dup = xstrdup(path);
        dir = xstrdup(dirname(dup));
        free(dup);
    }
    /* The config's keys go first: the command line, read later, wins. */
    struct cli_args cfg = {0};
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        const struct param_def *d = cli_optset_find(known, key);
        if (!d || strcmp(key, "config") == 0) {
            char where[300];
            snprintf(where, sizeof where, "%s%s", prefix, key);
            rc = json_file_key_error(f, where, err, "unknown key '%s' (the keys are the long "
                                     "options of hvsim %s --help)", key, a->cmd);
            break;
        }
        if (json_is_null(val))
            continue;   /* null: not given */
        struct cli_arg *g = push(&cfg, key);
        g->json = json_incref(val);
        g->base_dir = dir ? xstrdup(dir) : NULL;
        g->origin = origin_of("key '%s'", NULL, key);
        g->file = xstrdup(path);
        char where[300];
        snprintf(where, sizeof where, "%s%s", prefix, key);
        if (!json_text_locate(f->text, f->len, where, false, &g->line, &g->column))
            g->line = g->column = 0;
    }
    free(dir);
    if (rc < 0) {
        cli_args_free(&cfg);
        return rc;
    }
    /* Move the command line's options behind the config's. */
    size_t total = cfg.narg + a->narg;
    if (total > cfg.cap)
        cfg.arg = xgrow(cfg.arg, &cfg.cap, total, sizeof *cfg.arg);
    if (a->narg > 0)   /* a->arg is NULL when the command line has no option */
        memcpy(cfg.arg + cfg.narg, a->arg, a->narg * sizeof *a->arg);
    free(a->arg);
    a->arg = cfg.arg;
    a->narg = total;
    a->cap = cfg.cap;
    return SIM_OK;
}

void cli_arg_locate(const struct cli_arg *g, struct sim_error *err)
{
    if (!g->file || !err)
        return;
    snprintf(err->file, sizeof err->file, "%s", g->file);
    err->line = g->line;
    err->column = g->column;
}

const struct cli_arg *cli_args_last(const struct cli_args *a, const char *name)
{
    const struct cli_arg *last = NULL;
    for (size_t i = 0; i < a->narg; i++)
        if (strcmp(a->arg[i].name, name) == 0)
            last = &a->arg[i];
    return last;
}

int cli_args_apply(struct cli_args *a, const struct param_def *defs, void *values,
                   struct sim_error *err)
{
    for (size_t i = 0; i < a->narg; i++) {
        struct cli_arg *g = &a->arg[i];
        const struct param_def *d = param_find(defs, g->name);
        if (!d)
            continue;
        int rc = g->json ? param_set_json(d, values, g->json, g->origin, g->base_dir, err)
                         : param_set(d, values, g->text ? g->text : "", g->origin, g->base_dir,
                                     err);
        if (rc < 0) {
            cli_arg_locate(g, err);
            return rc;
        }
        g->used = true;
    }
    return SIM_OK;
}

bool cli_args_given(const struct cli_args *a, const char *name)
{
    for (size_t i = 0; i < a->narg; i++)
        if (strcmp(a->arg[i].name, name) == 0)
            return true;
    return false;
}

const char *cli_args_text(const struct cli_args *a, const char *name)
{
    const char *t = NULL;
    for (size_t i = 0; i < a->narg; i++)
        if (strcmp(a->arg[i].name, name) == 0)
            t = a->arg[i].text ? a->arg[i].text
                               : json_is_string(a->arg[i].json) ? json_string_value(a->arg[i].json)
                                                                : NULL;
    return t;
}

int cli_args_positional(const struct cli_args *a, size_t min, long max, const char *metavar,
                        struct sim_error *err)
{
    if (a->npos < min)
        return sim_error_usage(err, "%s needs %s (see hvsim %s --help)", a->cmd, metavar,
                               a->cmd);
    if (max == 0 && a->npos > 0)
        return sim_error_usage(err, "unexpected argument '%s' (hvsim %s takes options only, "
                               "--NAME VALUE; see hvsim %s --help)", a->pos[0], a->cmd, a->cmd);
    if (max > 0 && a->npos > (size_t)max)
        return sim_error_usage(err, "%s takes %s ('%s' is one too many)", a->cmd, metavar,
                               a->pos[max]);
    return SIM_OK;
}

void cli_args_free(struct cli_args *a)
{
    for (size_t i = 0; i < a->narg; i++) {
        free(a->arg[i].name);
        free(a->arg[i].text);
        json_decref(a->arg[i].json);
        free(a->arg[i].base_dir);
        free(a->arg[i].origin);
        free(a->arg[i].file);
    }
    free(a->arg);
    free(a->pos);
    memset(a, 0, sizeof *a);
}

void cli_help_options(FILE *out, const struct param_def *defs)
{
    for (size_t i = 0; defs && defs[i].name; i++)
        param_help(out, &defs[i], 2);
}
