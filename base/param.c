/* base/param.c - see param.h. */
#include "base/param.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dist.h"
#include "base/xalloc.h"

size_t param_count(const struct param_def *defs)
{
    size_t n = 0;
    while (defs && defs[n].name)
        n++;
    return n;
}

const struct param_def *param_find(const struct param_def *defs, const char *name)
{
    for (size_t i = 0; defs && defs[i].name; i++)
        if (strcmp(defs[i].name, name) == 0)
            return &defs[i];
    return NULL;
}

static void *field(const struct param_def *d, void *values)
{
    return (char *)values + d->offset;
}

static const void *cfield(const struct param_def *d, const void *values)
{
    return (const char *)values + d->offset;
}

/* The nanoseconds a duration text means, before rounding; false if it is
 * not a duration or is beyond SIM_SECONDS_MAX. */
static bool duration_ns(const char *text, double *ns)
{
    /* "min" before "s" and "ns": the first suffix that matches wins. */
    static const struct {
        const char *suffix;
        double scale;   /* ns per unit */
    } units[] = {{"min", 60e9}, {"ns", 1}, {"us", 1e3}, {"ms", 1e6},
                 {"s", 1e9},    {"h", 3600e9}, {"d", 86400e9}};
    char buf[64];
    size_t n = strlen(text);
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, text, n + 1);
    double scale = 1e9;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t k = strlen(units[i].suffix);
        if (n > k && strcmp(buf + n - k, units[i].suffix) == 0) {
            buf[n - k] = '\0';
            scale = units[i].scale;
            break;
        }
    }
    double v;
    if (!sim_parse_double(buf, &v) || v < 0 || v * scale / 1e9 > SIM_SECONDS_MAX)
        return false;
    *ns = v * scale;
    return true;
}

bool sim_parse_duration(const char *text, sim_time_t *out)
{
    double ns;
    if (!duration_ns(text, &ns))
        return false;
    *out = (sim_time_t)llround(ns);
    return true;
}

/* Index of v in a '|'-separated list, -1 if absent. */
static int choice_index(const char *choices, const char *v)
{
    size_t n = strlen(v);
    int i = 0;
    for (const char *p = choices; *p; i++) {
        size_t len = strcspn(p, "|");
        if (len == n && strncmp(p, v, n) == 0)
            return i;
        p += len;
        if (*p == '|')
            p++;
    }
    return -1;
}

/* The i-th entry of a '|'-separated list into buf. */
static const char *choice_name(const char *choices, int i, char *buf, size_t len)
{
    const char *p = choices;
    for (; i > 0 && *p; i--) {
        p += strcspn(p, "|");
        if (*p == '|')
            p++;
    }
    size_t w = strcspn(p, "|");
    snprintf(buf, len, "%.*s", (int)w, p);
    return buf;
}

static bool has_range(const struct param_def *d) { return d->min != 0 || d->max != 0; }

static bool below_min(const struct param_def *d, double x)
{
    return (d->flags & PARAM_MIN_OPEN) ? x <= d->min : x < d->min;
}

/* "(>= 1, <= 100)" or "(> 0 s, <= 1e+09 s)" for a range message. */
static void range_text(const struct param_def *d, const char *unit, char *buf, size_t len)
{
    snprintf(buf, len, "%s %g%s, <= %g%s", (d->flags & PARAM_MIN_OPEN) ? ">" : ">=", d->min,
             unit, d->max, unit);
}

int param_set(const struct param_def *d, void *values, const char *text, const char *label,
              const char *base_dir, struct sim_error *err)
{
    void *f = field(d, values);
    char range[96];
    switch (d->type) {
    case PARAM_STRING:
    case PARAM_PATH: {
        if (!text[0])
            return sim_error_usage(err, "%s: empty value", label);
        char **s = f;
        free(*s);
        if (d->type == PARAM_PATH && base_dir && text[0] != '/') {
            size_t n = strlen(base_dir) + strlen(text) + 2;
            *s = xmalloc(n);
            snprintf(*s, n, "%s/%s", base_dir, text);
        } else {
            *s = xstrdup(text);
        }
        return SIM_OK;
    }
    case PARAM_CHOICE: {
        int i = choice_index(d->choices, text);
        if (i < 0)
            return sim_error_usage(err, "%s: '%s' is not one of %s", label, text, d->choices);
        *(int *)f = i;
        return SIM_OK;
    }
    case PARAM_INT: {
        double x;
        if (!sim_parse_double(text, &x) || x != floor(x))
            return sim_error_usage(err, "%s: '%s' is not an integer", label, text);
        if (has_range(d) && (below_min(d, x) || x > d->max)) {
            range_text(d, "", range, sizeof range);
            return sim_error_usage(err, "%s: %s is out of range (%s)", label, text, range);
        }
        if (fabs(x) > 9.2e18)
            return sim_error_usage(err, "%s: %s is too large for an integer", label, text);
        *(long *)f = (long)x;
        return SIM_OK;
    }
    case PARAM_REAL: {
        double x;
        if (!sim_parse_double(text, &x))
            return sim_error_usage(err, "%s: '%s' is not a number", label, text);
        if (has_range(d) && (below_min(d, x) || x > d->max)) {
            range_text(d, "", range, sizeof range);
            return sim_error_usage(err, "%s: %s is out of range (%s)", label, text, range);
        }
        *(double *)f = x;
        return SIM_OK;
    }
    case PARAM_DURATION: {
        double ns;
        if (!duration_ns(text, &ns))
            return sim_error_usage(err, "%s: '%s' is not a duration (seconds, or a number "
                                   "with ns, us, ms, s, min, h or d; at most %g s)",
                                   label, text, SIM_SECONDS_MAX);
        sim_time_t t = (sim_time_t)llround(ns);
        if (ns > 0 && t == 0)
            return sim_error_usage(err, "%s: %s is below the clock's resolution (1 ns)",
                                   label, text);
        /* Time is whole nanoseconds: a fraction of one is refused, not
         * rounded (a tolerance for the decimal-to-binary error only). */
        double off = fabs(ns - (double)t);
        if (off > 1e-3 && off > ns * 1e-12)
            return sim_error_usage(err, "%s: %s is not a whole number of nanoseconds (the "
                                   "clock's resolution is 1 ns)", label, text);
        double s = sim_time_to_s(t);
        if (has_range(d) && below_min(d, s))
            return sim_error_usage(err, "%s: %s must be %s %g s", label, text,
                                   (d->flags & PARAM_MIN_OPEN) ? ">" : ">=", d->min);
        if (has_range(d) && s > d->max) {
            range_text(d, " s", range, sizeof range);
            return sim_error_usage(err, "%s: %s is out of range (%s)", label, text, range);
        }
        *(sim_time_t *)f = t;
        return SIM_OK;
    }
    case PARAM_BOOL:
        if (strcmp(text, "yes") == 0 || strcmp(text, "true") == 0)
            *(bool *)f = true;
        else if (strcmp(text, "no") == 0 || strcmp(text, "false") == 0)
            *(bool *)f = false;
        else
            return sim_error_usage(err, "%s: '%s' is not yes or no", label, text);
        return SIM_OK;
    case PARAM_FLAG:
        *(bool *)f = true;
        return SIM_OK;
    }
    return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, "%s: unknown parameter type", label);
}

int param_set_json(const struct param_def *d, void *values, const json_t *v, const char *label,
                   const char *base_dir, struct sim_error *err)
{
    char buf[64];
    switch (d->type) {
    case PARAM_FLAG:
    case PARAM_BOOL:
        if (!json_is_boolean(v))
            return sim_error_usage(err, "%s must be true or false", label);
        *(bool *)field(d, values) = json_is_true(v);
        return SIM_OK;
    case PARAM_INT:
    case PARAM_REAL:
    case PARAM_DURATION:
        if (json_is_integer(v)) {
            snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        } else if (json_is_real(v)) {
            snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
        } else if (json_is_string(v) && d->type != PARAM_INT) {
            return param_set(d, values, json_string_value(v), label, base_dir, err);
        } else {
            return sim_error_usage(err, "%s must be a number%s", label,
                                   d->type == PARAM_DURATION ? " of seconds or a string with a "
                                                               "unit" : "");
        }
        return param_set(d, values, buf, label, base_dir, err);
    case PARAM_CHOICE:
    case PARAM_STRING:
    case PARAM_PATH:
        if (!json_is_string(v))
            return sim_error_usage(err, "%s must be a string", label);
        return param_set(d, values, json_string_value(v), label, base_dir, err);
    }
    return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, "%s: unknown parameter type", label);
}

int param_defaults(const struct param_def *defs, void *values, struct sim_error *err)
{
    for (size_t i = 0; defs && defs[i].name; i++) {
        const struct param_def *d = &defs[i];
        if (!d->def)
            continue;
        char label[96];
        snprintf(label, sizeof label, "default of %s", d->name);
        if (d->type == PARAM_STRING || d->type == PARAM_PATH)
            *(char **)field(d, values) = NULL;   /* a default, never a user's string */
        int rc = param_set(d, values, d->def, label, NULL, err);
        if (rc < 0) {
            err->code = SIM_EINTERNAL;
            return SIM_EINTERNAL;
        }
    }
    return SIM_OK;
}

static void format_duration(sim_time_t t, char *buf, size_t len);

/* Does v print exactly in the 15 significant digits the summary's JSON
 * keeps (report/report.h)?  A value that does not is echoed as a string,
 * which the config reader takes back to the same value. */
static bool real15_exact(double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", v);
    return strtod(buf, NULL) == v;
}

json_t *param_to_json(const struct param_def *d, const void *values)
{
    const void *f = cfield(d, values);
    char buf[64];
    switch (d->type) {
    case PARAM_FLAG:
    case PARAM_BOOL:
        return json_boolean(*(const bool *)f);
    case PARAM_INT:
        return json_integer(*(const long *)f);
    case PARAM_REAL: {
        double v = *(const double *)f;
        if (real15_exact(v))
            return json_real(v);
        snprintf(buf, sizeof buf, "%.17g", v);
        return json_string(buf);
    }
    case PARAM_DURATION: {
        sim_time_t t = *(const sim_time_t *)f;
        if (real15_exact(sim_time_seconds(t)) &&
            sim_time_from_s(sim_time_seconds(t)) == t)
            return json_real(sim_time_seconds(t));
        format_duration(t, buf, sizeof buf);
        return json_string(buf);
    }
    case PARAM_CHOICE:
        return json_string(choice_name(d->choices, *(const int *)f, buf, sizeof buf));
    case PARAM_STRING:
    case PARAM_PATH: {
        const char *s = *(char *const *)f;
        return s ? json_string(s) : json_null();
    }
    }
    return json_null();
}

/* A duration with the largest unit that keeps it whole: 30ms, 300s, 1ns. */
static void format_duration(sim_time_t t, char *buf, size_t len)
{
    static const struct {
        const char *unit;
        sim_time_t ns;
    } units[] = {{"d", SIM_S(86400)}, {"h", SIM_S(3600)}, {"min", SIM_S(60)}, {"s", SIM_S(1)},
                 {"ms", SIM_MS(1)},   {"us", SIM_US(1)}, {"ns", 1}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (t % units[i].ns == 0 && (t != 0 || units[i].ns == SIM_S(1))) {
            snprintf(buf, len, "%" PRI_simtime "%s", t / units[i].ns, units[i].unit);
            return;
        }
    }
    snprintf(buf, len, "%" PRI_simtime "ns", t);
}

void param_format(const struct param_def *d, const void *values, char *buf, size_t len)
{
    const void *f = cfield(d, values);
    switch (d->type) {
    case PARAM_FLAG:
    case PARAM_BOOL:
        snprintf(buf, len, "%s", *(const bool *)f ? "yes" : "no");
        return;
    case PARAM_INT:
        snprintf(buf, len, "%ld", *(const long *)f);
        return;
    case PARAM_REAL:
        snprintf(buf, len, "%.17g", *(const double *)f);
        return;
    case PARAM_DURATION:
        format_duration(*(const sim_time_t *)f, buf, len);
        return;
    case PARAM_CHOICE:
        choice_name(d->choices, *(const int *)f, buf, len);
        return;
    case PARAM_STRING:
    case PARAM_PATH: {
        const char *s = *(char *const *)f;
        snprintf(buf, len, "%s", s ? s : "");
        return;
    }
    }
    snprintf(buf, len, "?");
}

void param_free(const struct param_def *defs, void *values)
{
    for (size_t i = 0; defs && defs[i].name; i++) {
        if (defs[i].type == PARAM_STRING || defs[i].type == PARAM_PATH) {
            char **s = field(&defs[i], values);
            free(*s);
            *s = NULL;
        }
    }
}

static const char *type_name(enum param_type t)
{
    static const char *const names[] = {
        [PARAM_FLAG] = "flag",         [PARAM_BOOL] = "bool",     [PARAM_INT] = "int",
        [PARAM_REAL] = "real",         [PARAM_DURATION] = "duration",
        [PARAM_CHOICE] = "choice",     [PARAM_STRING] = "string", [PARAM_PATH] = "path",
    };
    return names[t];
}

json_t *param_describe(const struct param_def *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "option", json_sprintf("--%s", d->name));
    json_object_set_new(o, "type", json_string(type_name(d->type)));
    json_object_set_new(o, "default", d->def ? json_string(d->def) : json_null());
    if (has_range(d)) {
        json_object_set_new(o, "min", json_real(d->min));
        json_object_set_new(o, "min_open", json_boolean(d->flags & PARAM_MIN_OPEN));
        json_object_set_new(o, "max", json_real(d->max));
        if (d->type == PARAM_DURATION)
            json_object_set_new(o, "range_unit", json_string("s"));
    }
    if (d->type == PARAM_CHOICE) {
        json_t *a = json_array();
        char buf[64];
        for (int i = 0;; i++) {
            choice_name(d->choices, i, buf, sizeof buf);
            if (!buf[0])
                break;
            json_array_append_new(a, json_string(buf));
        }
        json_object_set_new(o, "choices", a);
    }
    json_object_set_new(o, "help", json_string(d->help ? d->help : ""));
    return o;
}

void param_wrap(FILE *out, const char *text, int col, int indent)
{
    bool first = true;
    const char *h = text;
    while (*h) {
        h += strspn(h, " ");
        size_t w = strcspn(h, " ");
        if (!w)
            break;
        if (!first && col + 1 + (int)w > 78) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', out);
            col++;
        }
        col += fprintf(out, "%.*s", (int)w, h);
        h += w;
        first = false;
    }
    fputc('\n', out);
}

void param_help_text(const struct param_def *d, char *buf, size_t len)
{
    if (d->type == PARAM_FLAG || !d->def || (d->flags & PARAM_OWN_DEFAULT))
        snprintf(buf, len, "%s", d->help);
    else
        snprintf(buf, len, "%s (default %s)", d->help, d->def);
}

void param_help(FILE *out, const struct param_def *d, int indent)
{
    char head[64], text[1024];
    snprintf(head, sizeof head, "--%s%s%s", d->name, d->metavar ? " " : "",
             d->metavar ? d->metavar : "");
    int width = 26 - indent - 2;
    int col = fprintf(out, "%*s%-*s", indent, "", width, head);
    if ((int)strlen(head) >= width) {   /* no room for a space: help on the next line */
        fprintf(out, "\n%26s", "");
        col = 26;
    } else {
        col += fprintf(out, "  ");
    }
    param_help_text(d, text, sizeof text);
    param_wrap(out, text, col, 26);
}
