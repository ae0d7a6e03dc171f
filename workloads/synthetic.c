/*
 * workloads/synthetic.c - see synthetic.h.
 *
 * Arrival k (k = 1..n) comes at the sum of k inter-arrival draws, so with
 * interarrival=exp:M the arrivals are a Poisson process of rate 1/M
 * starting at time 0 (the first guest arrives after one draw).
 */
#include "workloads/synthetic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/xalloc.h"
#include "workloads/fields.h"

struct synth_state {
    struct synth_spec spec;
    struct sim_rng rng;
    long emitted;
    double clock;
};

/* vcpus and priority are whole numbers: a constant must be one (vcpus
 * within 1..TRACE_VCPUS_MAX); draws of a distribution are rounded (vcpus
 * also kept within that range), which spec->note says. */
static int whole_keys(struct synth_spec *spec, struct sim_error *err)
{
    const struct dist *v = &spec->vcpus, *p = &spec->priority;
    char text[96];
    if (v->kind == DIST_DET) {
        if (v->p[0] < 1 || v->p[0] > TRACE_VCPUS_MAX || v->p[0] != floor(v->p[0]))
            return sim_error_usage(err, "--generate vcpus=%g: a guest has a whole number of "
                                   "vCPUs, 1..%d", v->p[0], TRACE_VCPUS_MAX);
    } else {
        dist_format(v, text, sizeof text);
        snprintf(spec->note, sizeof spec->note, "--generate vcpus=%s: each draw is rounded to "
                 "a whole number of vCPUs and kept within 1..%d", text, TRACE_VCPUS_MAX);
    }
    if (p->kind == DIST_DET) {
        if (p->p[0] != floor(p->p[0]))
            return sim_error_usage(err, "--generate priority=%g: a priority is a class number, "
                                   "a whole number", p->p[0]);
    } else {
        size_t used = strlen(spec->note);
        dist_format(p, text, sizeof text);
        snprintf(spec->note + used, sizeof spec->note - used, "%s--generate priority=%s: each "
                 "draw is rounded to a whole class number", used ? "; " : "", text);
    }
    return SIM_OK;
}

int synth_parse(struct synth_spec *spec, const char *text, struct sim_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->n = -1;
    dist_parse(&spec->interarrival, "interarrival", "exp:1", NULL);
    dist_parse(&spec->work, "work", "exp:1", NULL);
    dist_parse(&spec->vcpus, "vcpus", "1", NULL);
    dist_parse(&spec->mem_mb, "mem_mb", "0", NULL);
    dist_parse(&spec->priority, "priority", "0", NULL);

    char *copy = xstrdup(text);
    int rc = SIM_OK;
    bool seen[10] = {false};
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            rc = sim_error_usage(err, "--generate: '%s' is not key=value", item);
            goto out;
        }
        *eq = '\0';
        const char *key = item, *val = eq + 1;
        static const char *const keys[] = {"n", "interarrival", "work", "vcpus", "mem_mb",
                                           "priority", "class", "think", "burst", "cycles"};
        int k;
        for (k = 0; k < 10; k++)
            if (strcmp(key, keys[k]) == 0)
                break;
        if (k == 10) {
            rc = sim_error_usage(err, "--generate: unknown key '%s' (keys: n, interarrival, "
                                 "work, vcpus, mem_mb, priority, class, think, burst, cycles)",
                                 key);
            goto out;
        }
        if (seen[k]) {
            rc = sim_error_usage(err, "--generate: key '%s' given twice", key);
            goto out;
        }
        seen[k] = true;
        switch (k) {
        case 0: {
            double v;
            if (!sim_parse_double(val, &v)) {
                rc = sim_error_usage(err, "--generate n=%s: not a number of guests (digits, "
                                     "or an exponent: 1e6)", val);
                goto out;
            }
            if (v < 1 || v != floor(v)) {
                rc = sim_error_usage(err, "--generate n=%s: need a whole number of guests "
                                     ">= 1", val);
                goto out;
            }
            if (v > SYNTH_MAX_GUESTS) {
                rc = sim_error_usage(err, "--generate n=%s: more than %g guests (at about 3 "
                                     "million guests a second, %g already take days)", val,
                                     SYNTH_MAX_GUESTS, SYNTH_MAX_GUESTS);
                goto out;
            }
            spec->n = (long)v;
            break;
        }
        case 1: rc = dist_parse(&spec->interarrival, key, val, err); break;
        case 2: rc = dist_parse(&spec->work, key, val, err); break;
        case 3: rc = dist_parse(&spec->vcpus, key, val, err); break;
        case 4: rc = dist_parse(&spec->mem_mb, key, val, err); break;
        case 5: rc = dist_parse(&spec->priority, key, val, err); break;
        case 6:
            if (!val[0] || strlen(val) >= TRACE_CLASS_MAX) {
                rc = sim_error_usage(err, "--generate class=%s: need a class name "
                                     "(see `hvsim list`)", val);
                goto out;
            }
            strcpy(spec->class_name, val);
            break;
        case 7: rc = dist_parse(&spec->think, key, val, err); break;
        case 8: rc = dist_parse(&spec->burst, key, val, err); break;
        case 9: {
            double v;
            if (!sim_parse_double(val, &v) || v != floor(v) || v < 1 || v > 1e12) {
                rc = sim_error_usage(err, "--generate cycles=%s: need a whole number of cycles "
                                     ">= 1 (or leave it out and give --end)", val);
                goto out;
            }
            spec->cycles = (long)v;
            break;
        }
        }
        if (rc < 0)
            goto out;
    }
    spec->closed = seen[7] || seen[8];
    if (spec->n < 0)
        rc = sim_error_usage(err, "--generate: key n (number of guests, >= 1) is required");
    else if (spec->closed && !(seen[7] && seen[8]))
        rc = sim_error_usage(err, "--generate: a closed loop needs both think=DIST and "
                             "burst=DIST");
    else if (!spec->closed && seen[9])
        rc = sim_error_usage(err, "--generate cycles=%ld: cycles count a closed loop's "
                             "think-burst cycles; give think= and burst= too", spec->cycles);
    else if (spec->closed && !(dist_mean(&spec->burst) > 0))
        rc = sim_error_usage(err, "--generate burst: the mean burst must be > 0");
    else if (spec->closed && seen[2])
        rc = sim_error_usage(err, "--generate: a closed loop's work is its bursts; leave "
                             "out work=");
    else if (spec->work.kind == DIST_DET && spec->work.p[0] <= 0)
        rc = sim_error_usage(err, "--generate work=%g: work must be > 0", spec->work.p[0]);
    else
        rc = whole_keys(spec, err);
out:
    free(copy);
    return rc;
}

void synth_format(const struct synth_spec *spec, char *buf, size_t len)
{
    char ia[96], w[96], vc[96], mem[96], pr[96];
    dist_format(&spec->interarrival, ia, sizeof ia);
    dist_format(&spec->work, w, sizeof w);
    dist_format(&spec->vcpus, vc, sizeof vc);
    dist_format(&spec->mem_mb, mem, sizeof mem);
    dist_format(&spec->priority, pr, sizeof pr);
    int n = snprintf(buf, len, "n=%ld,interarrival=%s,work=%s,vcpus=%s,mem_mb=%s,priority=%s",
                     spec->n, ia, w, vc, mem, pr);
    if (spec->class_name[0] && n > 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, ",class=%s", spec->class_name);
    if (spec->closed && n > 0 && (size_t)n < len) {
        char th[96], bu[96];
        dist_format(&spec->think, th, sizeof th);
        dist_format(&spec->burst, bu, sizeof bu);
        n += snprintf(buf + n, len - (size_t)n, ",think=%s,burst=%s", th, bu);
        if (spec->cycles > 0 && n > 0 && (size_t)n < len)
            snprintf(buf + n, len - (size_t)n, ",cycles=%ld", spec->cycles);
    }
}

static int synth_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    (void)err;
    struct synth_state *st = r->priv;
    if (st->emitted >= st->spec.n)
        return TRACE_EOF;
    gsl_rng **s = st->rng.stream;
    st->clock += dist_draw(&st->spec.interarrival, s[SIM_STREAM_INTERARRIVAL]);
    rec->arrival = st->clock;
    /* Work of 0 (det:0 is rejected, but a draw can underflow) becomes the
     * clock's resolution, 1 ns. */
    rec->work = dist_draw(&st->spec.work, s[SIM_STREAM_WORK]);
    if (!(rec->work >= 1e-9))
        rec->work = 1e-9;
    double vc = dist_draw(&st->spec.vcpus, s[SIM_STREAM_VCPUS]);
    rec->vcpus = vc < 1.5 ? 1 : (vc > TRACE_VCPUS_MAX ? TRACE_VCPUS_MAX : (int)lround(vc));
    rec->mem_mb = dist_draw(&st->spec.mem_mb, s[SIM_STREAM_MEM]);
    /* priority is a class number: rounded, but 0 (the default class) is allowed */
    rec->priority = round(dist_draw(&st->spec.priority, s[SIM_STREAM_PRIORITY]));
    memcpy(rec->class_name, st->spec.class_name, sizeof rec->class_name);
    if (st->spec.closed) {
        /* its draws are the engine's, from the guest's own stream */
        struct activity *a = xcalloc(1, sizeof *a);
        a->kind = ACTIVITY_CLOSED;
        a->think = st->spec.think;
        a->burst = st->spec.burst;
        a->cycles = st->spec.cycles;
        rec->activity = a;
        rec->work = dist_mean(&st->spec.burst);
    }
    st->emitted++;
    return TRACE_RECORD;
}

static void synth_close(struct trace_reader *r)
{
    struct synth_state *st = r->priv;
    sim_rng_destroy(&st->rng);
    free(st);
}

static const struct trace_fmt synth_fmt = {
    .info = {.name = "generate", .desc = "synthetic workload from --generate"},
    .next = synth_next,
    .close = synth_close,
};

void synth_open(struct trace_reader *r, const struct synth_spec *spec, uint64_t seed,
                uint64_t rep, const struct trace_options *opt)
{
    struct synth_state *st = xcalloc(1, sizeof *st);
    st->spec = *spec;
    sim_rng_init(&st->rng, seed, rep);
    trace_open_source(r, &synth_fmt, st, "--generate", opt);
}
