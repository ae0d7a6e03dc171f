/*
 * workloads/azure.c - Azure Public Dataset V1 (2017) VM arrivals, in the
 * token form of Bergsma et al. (`--format azure`).
 *
 * Source: Microsoft Azure Public Dataset V1 (vmtable.csv), cite E. Cortez
 * et al., "Resource Central: Understanding and Predicting Workloads for
 * Improved Resource Management in Large Cloud Platforms", SOSP 2017;
 * processed by huaweicloud/trace_generation_rnn for S. Bergsma, T. Zeyl,
 * A. Senderovich, J. C. Beck, "Generating Complex, Realistic Cloud
 * Workloads using Recurrent Neural Networks", SOSP 2021.
 *
 * Format: two files with the same lines and token positions.
 *   arrivals  NAME.txt          "<t> <tok>,<tok>,...": one line per 300 s
 *             bin, t in seconds; a letter a..p is one VM of that flavour,
 *             "|" closes a tenant's batch.  The VMs of line t arrived in
 *             (t - 300, t].
 *   lifetimes NAME.c<T>.txt     each letter becomes U<k> (ended inside the
 *             trace) or C<k> (still running at T, the censoring time), k
 *             a duration bin; "|" stays "|".
 * PATH is the arrivals file, or a directory holding exactly one
 * NAME.c<T>.txt (and its NAME.txt).  The flavours (flav_map.txt) and the
 * duration bins (v1.interval_map.txt) are fixed by the dataset and built
 * in here: flavour -> (cores, GB); bins 0..12 are exactly 300 k s, bin 13
 * 3900..7200, bins 14..35 ((k-12) 3600 + 300)..((k-11) 3600), bin 36
 * 86700..172800, bins 37..44 ((k-35) 86400 + 300)..((k-34) 86400), bin 45
 * 864300..1728000.
 *
 * Mapping: one VM token = one guest, in file order:
 *   arrival = t - t of the first line (kept in r->time_offset): the end of
 *             its bin, so all VMs of a bin arrive together, in trace order;
 *   vcpus, mem_mb = the flavour's cores and GB x 1024;
 *   work    = the lifetime, for a VM that keeps every vCPU busy for its
 *             whole life (the trace has no utilisation): bins 0..12 their
 *             exact value, wider bins their midpoint; censored (C) VMs
 *             max(lower bound of the bin, T - t), a lower bound of their
 *             real lifetime;
 *   id = "", class = "".
 * A VM in bin 0 (lifetime under 300 s, rounded to 0) has no work and is
 * skipped as zero_runtime.  Errors: a missing lifetimes file, lines or
 * tokens that do not match between the two files, an unknown flavour or
 * token, a bin outside 0..45, times going back.  After an error the rest
 * of that line is skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "base/types.h"
#include "base/xalloc.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

#define AZURE_BIN 300.0
#define AZURE_MAX_BIN 45

static const struct {
    int cores;
    double gb;
} azure_flavours[16] = {
    {1, 0.75}, {1, 1.75}, {1, 2},  {16, 112}, {2, 14}, {2, 16}, {2, 3.5}, {2, 4},
    {4, 28},   {4, 32},   {4, 7},  {4, 8},    {8, 14}, {8, 16}, {8, 56},  {8, 64},
};

/* Lower and upper bound (s) of duration bin k, 0 <= k <= AZURE_MAX_BIN. */
static void azure_bin(int k, double *lo, double *hi)
{
    if (k <= 12) {
        *lo = *hi = 300.0 * k;
    } else if (k == 13) {
        *lo = 3900;
        *hi = 7200;
    } else if (k <= 35) {
        *lo = (k - 12) * 3600.0 + 300;
        *hi = (k - 11) * 3600.0;
    } else if (k <= 44) {
        *lo = (k - 35) * 86400.0 + 300;
        *hi = (k - 34) * 86400.0;
    } else {
        *lo = 864300;
        *hi = 1728000;
    }
}

/* One of the two files and where we are in its current line. */
struct azure_side {
    struct textio t;
    bool have;       /* t.buf holds a line not yet used up */
    size_t pos;      /* next token starts here */
    double time;     /* t of the current line */
};

/* Private state; owned by r->priv, freed by azure_close. */
struct azure_priv {
    struct azure_side a, d;  /* arrivals, lifetimes */
    double censor;           /* T of NAME.c<T>.txt */
    bool have_first;
    double prev_time;
    bool reported_empty;     /* the "empty file" error was returned */
};

static struct azure_priv *azure_priv(const struct trace_reader *r) { return r->priv; }

/* If name is "STEM.c<digits>.txt" (compressed or not: .gz, .xz, .zst,
 * .bz2 after it), return the length of STEM and set *T. */
static size_t azure_lifetime_name(const char *name, double *censor)
{
    size_t n = textio_strip_compression(name);
    if (n < 8 || strncmp(name + n - 4, ".txt", 4) != 0)
        return 0;
    size_t e = n - 4, b = e;
    while (b > 0 && name[b - 1] >= '0' && name[b - 1] <= '9')
        b--;
    if (b == e || e - b > 12 || b < 3 || name[b - 1] != 'c' || name[b - 2] != '.')
        return 0;
    *censor = strtod(name + b, NULL);
    return b - 2;
}

static int azure_open(struct trace_reader *r, const char *path, struct sim_error *err)
{
    struct azure_priv *p = xcalloc(1, sizeof *p);
    r->priv = p;
    char *dir = NULL, *arr = NULL, *dur = NULL;
    int rc = 0;
    if (textio_is_dir(path)) {
        char **names;
        size_t n, found = 0;
        rc = textio_list_dir(path, &names, &n, r->dir_skipped, sizeof r->dir_skipped, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            double censor;
            size_t stem = azure_lifetime_name(names[i], &censor);
            if (!stem)
                continue;
            if (found++) {
                rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0,
                                   "more than one lifetimes file (NAME.c<T>.txt); name the "
                                   "arrivals file instead of the directory");
                break;
            }
            p->censor = censor;
            free(dur);
            dur = textio_member(path, names[i]);
            /* its arrivals file: STEM.txt, compressed or not */
            free(arr);
            arr = NULL;
            for (size_t k = 0; k < n && !arr; k++)
                if (textio_strip_compression(names[k]) == stem + 4 &&
                    strncmp(names[k], names[i], stem) == 0 &&
                    strncmp(names[k] + stem, ".txt", 4) == 0)
                    arr = textio_member(path, names[k]);
            if (!arr) {
                char *a = xmalloc(stem + 5);
                memcpy(a, names[i], stem);
                strcpy(a + stem, ".txt");
                arr = textio_member(path, a);
                free(a);
            }
        }
        if (rc == 0 && !found)
            rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0,
                               "no lifetimes file NAME.c<T>.txt in the directory");
        textio_free_names(names, n);
    } else {
        /* The arrivals file NAME.txt: find NAME.c<T>.txt beside it (dir is
         * set only in this case). */
        arr = xstrdup(path);
        const char *slash = strrchr(path, '/');
        if (slash) {
            size_t dlen = (size_t)(slash - path);
            dir = memcpy(xmalloc(dlen + 1), path, dlen);
            dir[dlen] = '\0';
        } else {
            dir = xstrdup(".");
        }
        const char *base = slash ? slash + 1 : path;
        size_t blen = textio_strip_compression(base);
        if (blen < 5 || strncmp(base + blen - 4, ".txt", 4) != 0) {
            rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0,
                               "expected the arrivals file NAME.txt or its directory");
        } else {
            char **names;
            size_t n;
            rc = textio_list_dir(dir, &names, &n, NULL, 0, err);
            for (size_t i = 0; rc == 0 && i < n; i++) {
                double censor;
                size_t stem = azure_lifetime_name(names[i], &censor);
                if (stem && stem == blen - 4 && strncmp(names[i], base, stem) == 0) {
                    if (dur) {
                        rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0,
                                           "more than one lifetimes file for it");
                        break;
                    }
                    p->censor = censor;
                    dur = slash ? textio_member(dir, names[i]) : xstrdup(names[i]);
                }
            }
            if (rc == 0 && !dur)
                rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0,
                                   "no lifetimes file %.*s.c<T>.txt beside it",
                                   (int)(blen - 4), base);
            textio_free_names(names, n); /* NULL and 0 if the listing failed */
        }
    }
    /* A named arrivals file keeps the name the user gave; members of a
     * directory are DIR/MEMBER already. */
    if (rc == 0)
        rc = textio_open(&p->a.t, arr, dir ? r->path : NULL, err);
    if (rc == 0)
        rc = textio_open(&p->d.t, dur, NULL, err);
    free(dir);
    free(arr);
    free(dur);
    if (rc < 0) {
        r->fmt->close(r);
        return rc;
    }
    return 0;
}

/* Start a line of one side: parse "<t> ". */
static int azure_line(struct azure_side *s, struct sim_error *err)
{
    char *b = s->t.buf;
    size_t n = strspn(b, "0123456789");
    if (n == 0 || n > 12 || (b[n] != ' ' && b[n] != '\0'))
        return sim_error_set(err, SIM_EINVAL, s->t.name, s->t.line, 1,
                             "expected '<time> <tokens>', a whole number of seconds first");
    s->time = strtod(b, NULL);
    s->pos = n + (b[n] == ' ');
    s->have = true;
    return 0;
}

/* The next token of a side's line: *tok, *len, *col; false at its end. */
static bool azure_token(struct azure_side *s, const char **tok, size_t *len, long *col)
{
    if (s->pos >= s->t.len)
        return false;
    const char *b = s->t.buf + s->pos;
    *tok = b;
    *len = strcspn(b, ",");
    *col = (long)s->pos + 1;
    s->pos += *len + 1;
    return true;
}

static int azure_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    struct azure_priv *p = azure_priv(r);
    for (;;) {
        if (!p->a.have) {
            int ra = textio_next(&p->a.t, err);
            if (ra < 0)
                return ra;
            int rd = textio_next(&p->d.t, err);
            if (rd < 0)
                return rd;
            if (ra == 0 && rd == 0) {
                /* Report an empty file once: the next call must make
                 * progress (found by fuzzing: check looped here). */
                if (textio_was_empty(&p->a.t) && !p->reported_empty) {
                    p->reported_empty = true;
                    return sim_error_set(err, SIM_EINVAL, p->a.t.name, 0, 0, "empty file");
                }
                return TRACE_EOF;
            }
            if (ra == 0 || rd == 0) {
                struct azure_side *shorter = ra == 0 ? &p->a : &p->d;
                struct azure_side *longer = ra == 0 ? &p->d : &p->a;
                /* Report once, then stop: the files cannot be matched. */
                p->d.t.eof = p->a.t.eof = true;
                return sim_error_set(err, SIM_EINVAL, longer->t.name, longer->t.line, 0,
                                     "%s has only %ld lines", shorter->t.name,
                                     shorter->t.line);
            }
            int rc = azure_line(&p->a, err);
            if (rc == 0)
                rc = azure_line(&p->d, err);
            if (rc == 0 && p->a.time != p->d.time)
                rc = sim_error_set(err, SIM_EINVAL, p->d.t.name, p->d.t.line, 1,
                                   "time %.0f does not match %.0f on line %ld of %s",
                                   p->d.time, p->a.time, p->a.t.line, p->a.t.name);
            if (rc == 0 && p->have_first && p->a.time < p->prev_time)
                rc = sim_error_set(err, SIM_EINVAL, p->a.t.name, p->a.t.line, 1,
                                   "time %.0f is earlier than the previous line's (%.0f)",
                                   p->a.time, p->prev_time);
            if (rc == 0 && !sim_seconds_ok(p->a.time - (p->have_first ? r->time_offset
                                                                       : p->a.time)))
                rc = sim_error_set(err, SIM_EINVAL, p->a.t.name, p->a.t.line, 1,
                                   "time %.0f is out of range", p->a.time);
            if (rc < 0) {
                p->a.have = p->d.have = false;
                return rc;
            }
            if (!p->have_first) {
                p->have_first = true;
                r->time_offset = p->a.time;
            }
            p->prev_time = p->a.time;
        }
        const char *ta = "", *td = "";
        size_t la = 0, ld = 0;
        long ca = 0, cd = 0;
        bool ha = azure_token(&p->a, &ta, &la, &ca);
        bool hd = azure_token(&p->d, &td, &ld, &cd);
        if (!ha && !hd) {
            p->a.have = p->d.have = false;
            continue;
        }
        int rc = 0;
        if (!ha || !hd) {
            struct azure_side *s = ha ? &p->a : &p->d;
            rc = sim_error_set(err, SIM_EINVAL, s->t.name, s->t.line, ha ? ca : cd,
                               "more tokens than on line %ld of %s", (ha ? &p->d : &p->a)->t.line,
                               (ha ? &p->d : &p->a)->t.name);
        } else if (la == 1 && ta[0] == '|') {
            if (!(ld == 1 && td[0] == '|'))
                rc = sim_error_set(err, SIM_EINVAL, p->d.t.name, p->d.t.line, cd,
                                   "expected '|' (end of a batch, as in %s)", p->a.t.name);
            else
                continue;
        } else if (la != 1 || ta[0] < 'a' || ta[0] > 'p') {
            rc = sim_error_set(err, SIM_EINVAL, p->a.t.name, p->a.t.line, ca,
                               "unknown token '%.*s' (a VM flavour a..p, or '|')",
                               (int)(la > 20 ? 20 : la), ta);
        } else if (ld < 2 || ld > 3 || (td[0] != 'U' && td[0] != 'C') ||
                   strspn(td + 1, "0123456789") != ld - 1 || atoi(td + 1) > AZURE_MAX_BIN) {
            rc = sim_error_set(err, SIM_EINVAL, p->d.t.name, p->d.t.line, cd,
                               "expected U<bin> or C<bin> with bin 0..%d, got '%.*s'",
                               AZURE_MAX_BIN, (int)(ld > 20 ? 20 : ld), td);
        }
        if (rc < 0) {
            p->a.have = p->d.have = false;
            return rc;
        }
        int bin = atoi(td + 1);
        double lo, hi, life;
        azure_bin(bin, &lo, &hi);
        if (td[0] == 'U') {
            life = (lo + hi) / 2;
        } else {
            life = p->censor - p->a.time;
            if (life < lo)
                life = lo;
        }
        if (life <= 0) {
            r->skipped[TRACE_SKIP_ZERO_RUNTIME]++;
            continue;
        }
        if (!sim_seconds_ok(life)) {
            p->a.have = p->d.have = false;
            return sim_error_set(err, SIM_EINVAL, p->d.t.name, p->d.t.line, cd,
                                 "lifetime %g s is out of range", life);
        }
        int f = ta[0] - 'a';
        rec->arrival = p->a.time - r->time_offset;
        rec->vcpus = azure_flavours[f].cores;
        rec->mem_mb = azure_flavours[f].gb * 1024.0;
        rec->work = life;
        rec->line = p->a.t.line;
        return TRACE_RECORD;
    }
}

static void azure_close(struct trace_reader *r)
{
    struct azure_priv *p = azure_priv(r);
    if (!p)
        return;
    textio_close(&p->a.t);
    textio_close(&p->d.t);
    free(p);
    r->priv = NULL;
}

const struct trace_fmt trace_fmt_azure = {
    .info = {
        .name = "azure",
        .desc = "Azure 2017 VM arrivals (flavour and lifetime tokens, Bergsma et al. form)",
    },
    .extensions = NULL,
    .columns = "Two files: NAME.txt (one line per 300 s bin: time, then a token per VM, "
               "a..p its flavour) and NAME.c<T>.txt (the same tokens as lifetime bins, "
               "U<k> ended or C<k> still running at T).  arrival = the end of the VM's "
               "bin, rebased; vcpus and mem_mb from the flavour; work = the lifetime "
               "(a VM busy for its whole life)",
    .open = azure_open,
    .next = azure_next,
    .close = azure_close,
};
