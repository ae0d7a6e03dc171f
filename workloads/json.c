/*
 * workloads/json.c - guests as a JSON array of objects (`--format json`,
 * `.json`).
 *
 * Format: [ {"arrival": 0, "work": 1.5, "vcpus": 2, "id": "a"}, ... ]
 * with the keys and value rules of the native CSV (fields.c): numbers for
 * arrival, work, vcpus, mem_mb, priority, weight (or nice), deadline and util;
 * strings for id and class (an integer id is accepted and printed in
 * decimal); null = the field's default; keys starting with "x_" are
 * ignored; other unknown keys, duplicate keys, a missing arrival or work,
 * and arrivals going back are errors.
 *
 * Streaming: Jansson parses a whole document, so we do not give it the
 * whole file.  A small scanner walks the outer array itself and hands
 * each element's text (at most 1 MiB) to json_loadb; Jansson's error line
 * and column are shifted to where the element starts in the file.  The
 * text rules of textio (UTF-8, BOM, CRLF, line length) apply as for every
 * format.  Errors inside an element are reported at Jansson's location
 * (syntax) or at the element's first byte (values); the next call goes on
 * with the next element.  A broken outer structure (no '[', garbage
 * between elements) ends the reading.
 *
 * Mapping: one object = one guest record, key for key; rec->line is the
 * line of its '{'.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "workloads/fields.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

#define JSON_ELEM_MAX TEXTIO_LINE_MAX

enum json_state {
    JS_START,      /* before '[' */
    JS_FIRST,      /* after '[': an element or ']' */
    JS_ELEM,       /* after ',': an element */
    JS_AFTER,      /* after an element: ',' or ']' */
    JS_END,        /* after ']': only blanks */
    JS_BROKEN,     /* the outer structure is broken: stop */
};

/* Private state; owned by r->priv, freed by json_close. */
struct json_priv {
    struct textio t;
    size_t pos;             /* next byte of t.buf; t.len + 1 = line used up */
    bool have_line;
    enum json_state state;
    char *elem;             /* text of the current element */
    size_t elem_len, elem_cap;
    double prev_arrival;
    struct trace_idset ids; /* grows with the trace */
};

static struct json_priv *json_priv(const struct trace_reader *r) { return r->priv; }

/* The next byte, with '\n' between lines; -1 at the end, < -1 an error
 * of the text rules (err filled). *line, *col: where it is. */
static int json_getc(struct json_priv *p, long *line, long *col, struct sim_error *err)
{
    for (;;) {
        if (p->have_line && p->pos <= p->t.len) {
            *line = p->t.line;
            *col = (long)p->pos + 1;
            return p->pos < p->t.len ? (unsigned char)p->t.buf[p->pos++] : (p->pos++, '\n');
        }
        int rc = textio_next(&p->t, err);
        if (rc == 0)
            return -1;
        if (rc < 0)
            return rc == SIM_EINVAL ? -2 : -3;
        p->have_line = true;
        p->pos = 0;
    }
}

static bool json_blank(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int json_open(struct trace_reader *r, const char *path, struct sim_error *err)
{
    struct json_priv *p = xcalloc(1, sizeof *p);
    r->priv = p;
    p->prev_arrival = -1;
    int rc = textio_open(&p->t, path, r->path, err);
    if (rc < 0) {
        r->fmt->close(r);
        return rc;
    }
    return 0;
}

/* Collect the element that starts with byte c (at line, col) into
 * p->elem: an object, or any other value up to the next ',' or ']' at
 * depth 0.  Returns 0 or an error. */
static int json_collect(struct trace_reader *r, struct json_priv *p, int c, long line, long col,
                        struct sim_error *err)
{
    int depth = 0;
    bool in_str = false, esc = false;
    p->elem_len = 0;
    long l = line, k = col;
    for (;;) {
        if (!in_str && depth == 0 && p->elem_len > 0 && (c == ',' || c == ']')) {
            p->pos--; /* leave the separator for the caller */
            break;
        }
        if (p->elem_len >= JSON_ELEM_MAX) {
            p->state = JS_BROKEN;
            return sim_error_set(err, SIM_EINVAL, r->path, line, col,
                                 "array element longer than 1 MiB");
        }
        p->elem = xgrow(p->elem, &p->elem_cap, p->elem_len + 2, 1);
        p->elem[p->elem_len++] = (char)c;
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth <= 0)
                break;
        }
        c = json_getc(p, &l, &k, err);
        if (c == -1) {
            p->state = JS_BROKEN;
            return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, 0,
                                 "end of file inside the array (missing ']' or '}')");
        }
        if (c < -1) {
            /* A line broke the text rules (reported in err): the element
             * cannot be trusted, nor where the next one starts. */
            p->state = JS_BROKEN;
            return c == -2 ? SIM_EINVAL : SIM_EIO;
        }
    }
    p->elem[p->elem_len] = '\0';
    return 0;
}

/* Turn the collected element into rec. */
static int json_record(struct trace_reader *r, struct json_priv *p, long line, long col,
                       struct trace_record *rec, struct sim_error *err)
{
    json_error_t je;
    json_t *v = json_loadb(p->elem, p->elem_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!v) {
        long jl = je.line > 0 ? je.line : 1, jc = je.column > 0 ? je.column : 1;
        return sim_error_set(err, SIM_EINVAL, r->path, line + jl - 1,
                             jl == 1 ? col + jc - 1 : jc, "%s", je.text);
    }
    int rc = 0;
    char msg[200];
    bool seen[TRACE_F_COUNT] = {false};
    if (!json_is_object(v)) {
        rc = sim_error_set(err, SIM_EINVAL, r->path, line, col,
                           "expected an object {\"arrival\": ..., \"work\": ...}");
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val) {
        int f = trace_field_find(key);
        if (f == TRACE_F_EXTRA)
            continue;
        if (f == TRACE_F_UNKNOWN) {
            rc = sim_error_set(err, SIM_EINVAL, r->path, line, col,
                               "unknown key '%.64s' (known: id, arrival, work, vcpus, mem_mb, "
                               "priority, weight, nice, deadline, class, util, cap, affinity, "
                               "phases, repeat; prefix your own keys with x_)",
                               key);
            goto out;
        }
        if (json_is_null(val))
            continue;
        seen[f] = true;
        const char *why = NULL;
        if (trace_field_is_text(f)) {
            char num[32];
            const char *s = NULL;
            if (json_is_string(val))
                s = json_string_value(val);
            else if (f == TRACE_F_ID && json_is_integer(val))
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(val)), s = num;
            if (!s) {
                rc = sim_error_set(err, SIM_EINVAL, r->path, line, col, "%s: must be a string",
                                   key);
                goto out;
            }
            why = trace_field_set_text(rec, f, s, msg, sizeof msg);
        } else {
            if (!json_is_number(val)) {
                rc = sim_error_set(err, SIM_EINVAL, r->path, line, col, "%s: must be a number",
                                   key);
                goto out;
            }
            why = trace_field_set_number(rec, f, json_number_value(val), msg, sizeof msg);
        }
        if (why) {
            rc = sim_error_set(err, SIM_EINVAL, r->path, line, col, "%s", why);
            goto out;
        }
    }
    if (!seen[TRACE_F_ARRIVAL] || !(seen[TRACE_F_WORK] || seen[TRACE_F_PHASES])) {
        rc = sim_error_set(err, SIM_EINVAL, r->path, line, col,
                           "missing '%s' (required: arrival, and work or phases)",
                           seen[TRACE_F_ARRIVAL] ? "work" : "arrival");
        goto out;
    }
    const char *why = trace_fields_check_weight(seen, msg, sizeof msg);
    if (why) {
        rc = sim_error_set(err, SIM_EINVAL, r->path, line, col, "%s", why);
        goto out;
    }
    if (rec->arrival < p->prev_arrival) {
        rc = sim_error_set(err, SIM_EINVAL, r->path, line, col,
                           "arrival %.17g is earlier than the previous one (%.17g); arrivals "
                           "must be non-decreasing",
                           rec->arrival, p->prev_arrival);
        goto out;
    }
    if (rec->id[0] && !trace_idset_add(&p->ids, rec->id)) {
        rc = sim_error_set(err, SIM_EINVAL, r->path, line, col, "duplicate id '%s'", rec->id);
        goto out;
    }
    p->prev_arrival = rec->arrival;
    rec->line = line;
    rc = TRACE_RECORD;
out:
    json_decref(v);
    return rc;
}

static int json_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    struct json_priv *p = json_priv(r);
    for (;;) {
        long line = 0, col = 0;
        if (p->state == JS_BROKEN)
            return TRACE_EOF; /* reported once; nothing after it can be trusted */
        int c = json_getc(p, &line, &col, err);
        if (c < -1)
            return c == -3 ? SIM_EIO : SIM_EINVAL; /* the bad line is skipped */
        if (c != -1 && json_blank(c))
            continue;
        switch (p->state) {
        case JS_START:
            if (c == '[') {
                p->state = JS_FIRST;
                continue;
            }
            p->state = JS_BROKEN;
            if (c == -1)
                return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, 0,
                                     textio_was_empty(&p->t) ? "empty file"
                                                             : "no JSON array in the file");
            return sim_error_set(err, SIM_EINVAL, r->path, line, col,
                                 "expected '[' (an array of objects)");
        case JS_FIRST:
        case JS_ELEM:
            if (c == ']' && p->state == JS_FIRST) {
                p->state = JS_END;
                continue;
            }
            if (c == -1 || c == ']' || c == ',') {
                p->state = JS_BROKEN;
                if (c == -1)
                    return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, 0,
                                         "end of file inside the array (missing ']')");
                return sim_error_set(err, SIM_EINVAL, r->path, line, col, "expected an object");
            }
            {
                int rc = json_collect(r, p, c, line, col, err);
                if (rc < 0)
                    return rc;
                p->state = JS_AFTER;
                return json_record(r, p, line, col, rec, err);
            }
        case JS_AFTER:
            if (c == ',') {
                p->state = JS_ELEM;
                continue;
            }
            if (c == ']') {
                p->state = JS_END;
                continue;
            }
            p->state = JS_BROKEN;
            if (c == -1)
                return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, 0,
                                     "end of file inside the array (missing ']')");
            return sim_error_set(err, SIM_EINVAL, r->path, line, col,
                                 "expected ',' or ']' after an array element");
        case JS_END:
            if (c == -1)
                return TRACE_EOF;
            p->state = JS_BROKEN;
            return sim_error_set(err, SIM_EINVAL, r->path, line, col,
                                 "text after the end of the array");
        default: /* JS_BROKEN: handled above */
            return TRACE_EOF;
        }
    }
}

static void json_close(struct trace_reader *r)
{
    struct json_priv *p = json_priv(r);
    if (!p)
        return;
    textio_close(&p->t);
    free(p->elem);
    trace_idset_free(&p->ids);
    free(p);
    r->priv = NULL;
}

static size_t json_state_size(const struct trace_reader *r) { return json_priv(r)->ids.n; }

const struct trace_fmt trace_fmt_json = {
    .info = {
        .name = "json",
        .desc = "JSON array of guest objects with the CSV's keys",
    },
    .extensions = ".json",
    .columns = "A JSON array of objects, one guest each, with the keys of the native CSV "
               "(see Native columns); null is the field's default; keys x_* are ignored",
    .open = json_open,
    .next = json_next,
    .close = json_close,
    .state_size = json_state_size,
};
