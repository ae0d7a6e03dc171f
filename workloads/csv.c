/*
 * workloads/csv.c - the native CSV trace format (`--format csv`, `.csv`).
 *
 * Format (SPEC "Trace formats" and "Input rules / CSV"): a header line
 * naming the columns, then one guest per line.  Required columns
 * `arrival` (s) and `work` (s of CPU per vCPU); optional `id`, `vcpus`
 * (default 1), `mem_mb`, `priority`, `weight` or `nice`, `deadline` (absolute s),
 * `class` (workload class name) and `util` (mean utilisation, 0..1), in any
 * order.  Column names are lower case and exact; a name starting with
 * `x_` is the user's own and is read and ignored; any other unknown, an
 * empty or a duplicate name is an error.  Fields are separated by commas
 * and may be double-quoted as in RFC 4180 ("" is a quote inside a quoted
 * field); a quoted field cannot span lines (the one RFC 4180 feature we
 * leave out: a guest is one line, and messages name that line).
 *
 * Lines whose first byte is `#` are comments and blank lines are ignored,
 * before the header too; both count in line numbers.  An empty optional
 * field takes the default; an empty required field is an error.  Value
 * rules are in fields.c (shared with the JSON format).  Arrivals must be
 * non-decreasing and ids unique: the set of ids seen is the only reader
 * state that grows with the trace.
 *
 * Errors in the header fail the open; an error in a record is reported
 * with the record's line and the 1-based byte column of the bad field, and
 * the next call goes on with the next line (as `hvsim check` needs).
 *
 * Mapping: one line is one guest record, field for field; rec->line is the
 * physical line.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "workloads/fields.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

/* One field of the current line: its text (unquoted, NUL-terminated, in
 * csv_priv.scratch) and the 1-based byte column where it starts. */
struct csv_field {
    size_t off;
    long col;
};

/* Private state of a CSV reader; owned by r->priv, freed by csv_close. */
struct csv_priv {
    struct textio t;
    int *colmap;                /* header column -> enum trace_field */
    size_t ncols;
    struct csv_field *fields;   /* fields of the current line */
    size_t nfields, fields_cap;
    char *scratch;              /* unquoted field texts */
    size_t scratch_cap;
    double prev_arrival;        /* last accepted arrival, -1 before the first */
    bool phases;                /* the header has a phases column */
    struct trace_idset ids;     /* ids seen: grows with the trace */
};

static struct csv_priv *csv_priv(const struct trace_reader *r) { return r->priv; }

/* Split the current line into fields.  Returns 0, or SIM_EINVAL with err
 * filled for a malformed quoted field. */
static int csv_split(struct csv_priv *p, struct sim_error *err)
{
    const char *s = p->t.buf;
    size_t len = p->t.len;
    /* Unquoting never makes a field longer, and each field gets a NUL. */
    p->scratch = xgrow(p->scratch, &p->scratch_cap, len + 1 + len + 1, 1);
    p->nfields = 0;
    size_t i = 0, out = 0;
    for (;;) {
        p->fields = xgrow(p->fields, &p->fields_cap, p->nfields + 1, sizeof *p->fields);
        struct csv_field *f = &p->fields[p->nfields++];
        f->off = out;
        f->col = (long)i + 1;
        if (i < len && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= len)
                    return sim_error_set(err, SIM_EINVAL, p->t.name, p->t.line, f->col,
                                         "unterminated quoted field (a quoted field "
                                         "cannot span lines)");
                if (s[i] == '"') {
                    if (i + 1 < len && s[i + 1] == '"') {
                        p->scratch[out++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                p->scratch[out++] = s[i++];
            }
            if (i < len && s[i] != ',')
                return sim_error_set(err, SIM_EINVAL, p->t.name, p->t.line, (long)i + 1,
                                     "text after the closing quote of a field");
        } else {
            while (i < len && s[i] != ',') {
                if (s[i] == '"')
                    return sim_error_set(err, SIM_EINVAL, p->t.name, p->t.line, (long)i + 1,
                                         "quote inside an unquoted field (quote the whole "
                                         "field and double the quote)");
                p->scratch[out++] = s[i++];
            }
        }
        p->scratch[out++] = '\0';
        if (i >= len)
            return 0;
        i++; /* the comma */
    }
}

static const char *csv_text(const struct csv_priv *p, size_t k)
{
    return p->scratch + p->fields[k].off;
}

static bool csv_skippable(const struct textio *t)
{
    return t->len == 0 || t->buf[0] == '#';
}

static int csv_read_header(struct trace_reader *r, struct csv_priv *p, struct sim_error *err)
{
    int rc;
    while ((rc = textio_next(&p->t, err)) == 1 && csv_skippable(&p->t))
        ;
    if (rc < 0)
        return rc;
    if (rc == 0)
        return sim_error_set(err, SIM_EINVAL, r->path, textio_was_empty(&p->t) ? 0 : p->t.line,
                             0, textio_was_empty(&p->t) ? "empty file (no header line)"
                                                        : "no header line");
    if ((rc = csv_split(p, err)) < 0)
        return rc;
    p->ncols = p->nfields;
    p->colmap = xcalloc(p->ncols, sizeof *p->colmap);
    bool seen[TRACE_F_COUNT] = {false};
    for (size_t k = 0; k < p->ncols; k++) {
        const char *name = csv_text(p, k);
        long col = p->fields[k].col;
        if (!*name)
            return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, col,
                                 "empty column name in the header");
        int f = trace_field_find(name);
        if (f == TRACE_F_UNKNOWN)
            return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, col,
                                 "unknown column '%.64s' (known: id, arrival, work, vcpus, "
                                 "mem_mb, priority, weight, nice, deadline, class, util; names are "
                                 "lower case; prefix your own columns with x_)",
                                 name);
        for (size_t j = 0; j < k; j++)
            if (strcmp(csv_text(p, j), name) == 0)
                return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, col,
                                     "duplicate column '%.64s'", name);
        if (f >= 0)
            seen[f] = true;
        p->colmap[k] = f;
    }
    if (!seen[TRACE_F_ARRIVAL] || !(seen[TRACE_F_WORK] || seen[TRACE_F_PHASES]))
        return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, 0,
                             "the header has no '%s' column (required: arrival, and work "
                             "or phases)", seen[TRACE_F_ARRIVAL] ? "work" : "arrival");
    p->phases = seen[TRACE_F_PHASES];
    return 0;
}

static int csv_open(struct trace_reader *r, const char *path, struct sim_error *err)
{
    struct csv_priv *p = xcalloc(1, sizeof *p);
    p->prev_arrival = -1;
    r->priv = p;
    int rc = textio_open(&p->t, path, r->path, err);
    if (rc == 0)
        rc = csv_read_header(r, p, err);
    if (rc < 0) {
        r->fmt->close(r);
        return rc;
    }
    return 0;
}

/* Parse the fields of the current line into rec. */
static int csv_record(struct trace_reader *r, struct csv_priv *p, struct trace_record *rec,
                      struct sim_error *err)
{
    const char *file = r->path;
    long line = p->t.line;
    int rc = csv_split(p, err);
    if (rc < 0)
        return rc;
    if (p->nfields != p->ncols) {
        long col = p->nfields > p->ncols ? p->fields[p->ncols].col : (long)p->t.len + 1;
        return sim_error_set(err, SIM_EINVAL, file, line, col,
                             "%zu fields, but the header has %zu columns", p->nfields,
                             p->ncols);
    }
    char msg[200];
    bool given[TRACE_F_COUNT] = {false};
    long given_col[TRACE_F_COUNT] = {0};
    for (size_t k = 0; k < p->ncols; k++) {
        int f = p->colmap[k];
        const char *s = csv_text(p, k);
        long col = p->fields[k].col;
        if (f == TRACE_F_EXTRA)
            continue;
        if (*s) {
            given[f] = true;
            given_col[f] = col;
        }
        if (!*s) {
            if (f == TRACE_F_ARRIVAL || (f == TRACE_F_WORK && !p->phases))
                return sim_error_set(err, SIM_EINVAL, file, line, col,
                                     "%s: empty field (the column is required)",
                                     trace_field_names[f]);
            continue;
        }
        const char *why;
        if (trace_field_is_text(f)) {
            why = trace_field_set_text(rec, f, s, msg, sizeof msg);
        } else {
            double v;
            if (!textio_parse_double(s, &v, &why))
                return sim_error_set(err, SIM_EINVAL, file, line, col, "%s: %s: '%.40s'",
                                     trace_field_names[f], why, s);
            why = trace_field_set_number(rec, f, v, msg, sizeof msg);
        }
        if (why)
            return sim_error_set(err, SIM_EINVAL, file, line, col, "%s", why);
    }
    const char *why = trace_fields_check_weight(given, msg, sizeof msg);
    if (why)
        return sim_error_set(err, SIM_EINVAL, file, line, given_col[TRACE_F_NICE], "%s", why);
    /* Cross-record rules, checked once the record is otherwise valid. */
    for (size_t k = 0; k < p->ncols; k++) {
        long col = p->fields[k].col;
        if (p->colmap[k] == TRACE_F_ARRIVAL && rec->arrival < p->prev_arrival)
            return sim_error_set(err, SIM_EINVAL, file, line, col,
                                 "arrival %.17g is earlier than the previous one (%.17g); "
                                 "arrivals must be non-decreasing",
                                 rec->arrival, p->prev_arrival);
        if (p->colmap[k] == TRACE_F_ID && rec->id[0] && !trace_idset_add(&p->ids, rec->id))
            return sim_error_set(err, SIM_EINVAL, file, line, col, "duplicate id '%s'",
                                 rec->id);
    }
    if (!(rec->work > 0))
        return sim_error_set(err, SIM_EINVAL, file, line, 0, "neither work nor phases: a "
                             "guest needs one of them");
    p->prev_arrival = rec->arrival;
    rec->line = line;
    return TRACE_RECORD;
}

static int csv_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    struct csv_priv *p = csv_priv(r);
    for (;;) {
        int rc = textio_next(&p->t, err);
        if (rc <= 0)
            return rc;
        if (csv_skippable(&p->t))
            continue;
        return csv_record(r, p, rec, err);
    }
}

static void csv_close(struct trace_reader *r)
{
    struct csv_priv *p = csv_priv(r);
    if (!p)
        return;
    textio_close(&p->t);
    free(p->colmap);
    free(p->fields);
    free(p->scratch);
    trace_idset_free(&p->ids);
    free(p);
    r->priv = NULL;
}

static size_t csv_state_size(const struct trace_reader *r)
{
    return csv_priv(r)->ids.n;
}

const struct trace_fmt trace_fmt_csv = {
    .info = {
        .name = "csv",
        .desc = "native CSV: header line, one guest per line (arrival, work, vcpus, ...)",
    },
    .extensions = ".csv",
    .columns = "A header line names the columns, in any order; then one guest per line. "
               "Required: arrival and work; the others are optional (see Native columns). "
               "Fields are separated by commas and may be double-quoted; lines starting "
               "with # are comments; a column named x_* is the user's own and ignored",
    .open = csv_open,
    .next = csv_next,
    .close = csv_close,
    .state_size = csv_state_size,
};
