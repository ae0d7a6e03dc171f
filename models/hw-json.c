/*
 * models/hw-json.c - reading hardware profiles and workload classes.
 *
 * A data file is a JSON object.  Every number in it is either a bare value
 * or an object
 *     {"value": 1550, "unit": "cycles", "prov": "R", "source": "..."}
 * where prov is the provenance tag of docs/MODEL.md (R read, D derived,
 * M remembered, E estimate, S simulator default, C measured on the named
 * machine by `hvsim calibrate`) and source says where the
 * value comes from.  Shipped files always use the object form; a bare
 * value in a user's own file is accepted and shown as provenance "U".
 *
 * Validation is strict, as for a config file: an unknown key, a missing
 * key, a wrong type, a value out of range or a bad unit is an error that
 * names the file, the key path ("exit_cost.hlt.value") and where the value
 * is (FILE:LINE:COL, found in the file's text by base/jsonfile.h; a
 * missing key points at the object that lacks it).  Keys starting with
 * '_' are comments.
 */
#include "models/hw-private.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/jsonfile.h"
#include "base/xalloc.h"

#ifndef HVSIM_DATADIR
#define HVSIM_DATADIR "models"
#endif

/* Where we are reading: for messages. */
struct rd {
    const struct json_file *jf;   /* the file, its text for positions */
    struct sim_error *err;
};

static int rd_fail(const struct rd *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The error at key path key: at its value, or, for a key that is not
 * there, at the nearest object around it that is. */
static int rd_fail(const struct rd *r, const char *key, const char *fmt, ...)
{
    char msg[400], where[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%s", key);
    long line, col;
    while (!json_text_locate(r->jf->text, r->jf->len, where, false, &line, &col)) {
        char *dot = strrchr(where, '.');
        if (dot)
            *dot = '\0';
        else if (where[0])
            where[0] = '\0';
        else
            return sim_error_set(r->err, SIM_EINVAL, r->jf->path, 0, 0, "key \"%s\": %s", key,
                                 msg);
    }
    return sim_error_set(r->err, SIM_EINVAL, r->jf->path, line, col, "key \"%s\": %s", key,
                         msg);
}

/* What a parameter may hold. */
enum kind { K_NUM, K_INT, K_BOOL, K_STR, K_PAGE };

struct spec {
    enum kind kind;
    double min, max;           /* range of the value as given (K_NUM, K_INT) */
    const char *units[3];      /* accepted units, first = default; NULL-ended */
};

static const struct spec S_GHZ = { K_NUM, 0.1, 10.0, { "GHz" } };
static const struct spec S_CYCLES = { K_NUM, 0.0, 1e9, { "cycles", "ns" } };
static const struct spec S_LATENCY = { K_NUM, 0.0, 1e6, { "cycles", "ns" } };
static const struct spec S_FRACTION = { K_NUM, 0.0, 1.0, { "fraction" } };
static const struct spec S_LEVELS = { K_INT, 4, 5, { "levels" } };
static const struct spec S_ENTRIES = { K_INT, 1, 1e7, { "entries" } };
static const struct spec S_BOOL = { K_BOOL, 0, 0, { NULL } };
static const struct spec S_TEXT = { K_STR, 0, 0, { NULL } };
static const struct spec S_DIST = { K_STR, 0, 0, { "s" } };
static const struct spec S_PAGE = { K_PAGE, 0, 0, { NULL } };
static const struct spec S_RATE = { K_NUM, 0.0, 1e8, { "1/s" } };
static const struct spec S_MPKI = { K_NUM, 0.0, 1000.0, { "misses/kinstr" } };
static const struct spec S_IPS = { K_NUM, 1.0, 1e11, { "instr/s" } };
static const struct spec S_PAGES = { K_NUM, 0.0, 1e12, { "4K pages" } };
static const struct spec S_NS = { K_NUM, 0.0, 1e9, { "ns" } };
static const struct spec S_KB = { K_NUM, 0.0, 1e7, { "KB" } };
static const struct spec S_COUNT = { K_INT, 1, 1024, { "entries" } };
static const struct spec S_GROW = { K_NUM, 0.0, 4294967295.0, { "factor" } };
static const struct spec S_SECTION = { K_NUM, 0.0, 1e9, { "ns" } };

static bool is_comment_key(const char *k) { return k[0] == '_'; }

/* Every key of obj is in allowed[] (NULL-ended) or a comment. */
static int check_keys(const struct rd *r, json_t *obj, const char *path,
                      const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        (void)v;
        if (is_comment_key(k))
            continue;
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok) {
            char full[256];
            snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", k);
            return rd_fail(r, full, "unknown key");
        }
    }
    return 0;
}

static int take_value(const struct rd *r, json_t *j, const char *path, const struct spec *s,
                      struct hw_param *out)
{
    switch (s->kind) {
    case K_NUM:
    case K_INT: {
        if (!json_is_number(j))
            return rd_fail(r, path, "expected a number");
        double v = json_number_value(j);
        if (!isfinite(v))
            return rd_fail(r, path, "expected a finite number");
        if (s->kind == K_INT && v != floor(v))
            return rd_fail(r, path, "expected an integer (got %g)", v);
        if (v < s->min)
            return rd_fail(r, path, "must be >= %g (got %g)", s->min, v);
        if (v > s->max)
            return rd_fail(r, path, "must be <= %g (got %g)", s->max, v);
        out->value = out->given = v;
        return 0;
    }
    case K_BOOL:
        if (!json_is_boolean(j))
            return rd_fail(r, path, "expected true or false");
        out->value = out->given = json_is_true(j) ? 1 : 0;
        out->is_bool = true;
        return 0;
    case K_STR:
        if (!json_is_string(j) || !*json_string_value(j))
            return rd_fail(r, path, "expected a non-empty string");
        out->text = json_string_value(j);
        return 0;
    case K_PAGE:
        if (json_is_string(j))
            for (int ps = 0; ps < HW_PAGE_SIZES; ps++)
                if (strcmp(json_string_value(j), hw_page_size_name((enum hw_page_size)ps)) == 0) {
                    out->value = out->given = ps;
                    out->text = json_string_value(j);
                    return 0;
                }
        return rd_fail(r, path, "expected \"4K\", \"2M\" or \"1G\"");
    }
    return rd_fail(r, path, "internal: unknown kind");
}

/* Read parent[key] (path = its full key path) into *out.  An absent key is
 * an error when required, else a zero value with provenance 0. */
static int get_param(const struct rd *r, json_t *parent, const char *key, const char *path,
                     const struct spec *s, bool required, struct hw_param *out)
{
    static const char *const value_keys[] = { "value", "unit", "prov", "source", "range",
                                              "note", NULL };
    char sub[256];
    int rc;

    memset(out, 0, sizeof *out);
    out->unit = "";
    json_t *j = json_object_get(parent, key);
    if (!j) {
        if (required)
            return rd_fail(r, path, "missing");
        return 0;
    }
    if (!json_is_object(j)) {   /* a bare value from a user's own file */
        out->prov = 'U';
        out->source = "given without a source";
        out->unit = s->units[0] ? s->units[0] : "";
        return take_value(r, j, path, s, out);
    }
    if ((rc = check_keys(r, j, path, value_keys)))
        return rc;

    snprintf(sub, sizeof sub, "%s.value", path);
    json_t *v = json_object_get(j, "value");
    if (!v)
        return rd_fail(r, sub, "missing");
    if ((rc = take_value(r, v, sub, s, out)))
        return rc;

    snprintf(sub, sizeof sub, "%s.prov", path);
    json_t *prov = json_object_get(j, "prov");
    if (!prov)
        return rd_fail(r, sub, "missing (every value carries a provenance tag)");
    const char *ps = json_string_value(prov);
    if (!ps || strlen(ps) != 1 || !strchr("RDMESC", ps[0]))
        return rd_fail(r, sub, "expected one of \"R\", \"D\", \"M\", \"E\", \"S\", \"C\"");
    out->prov = ps[0];

    snprintf(sub, sizeof sub, "%s.source", path);
    json_t *src = json_object_get(j, "source");
    if (!src)
        return rd_fail(r, sub, "missing (every value says where it comes from)");
    if (!json_is_string(src) || !*json_string_value(src))
        return rd_fail(r, sub, "expected a non-empty string");
    out->source = json_string_value(src);

    snprintf(sub, sizeof sub, "%s.unit", path);
    json_t *unit = json_object_get(j, "unit");
    out->unit = s->units[0] ? s->units[0] : "";
    if (unit) {
        if (!json_is_string(unit))
            return rd_fail(r, sub, "expected a string");
        bool ok = false;
        for (int i = 0; i < 3 && s->units[i] && !ok; i++)
            ok = strcmp(s->units[i], json_string_value(unit)) == 0;
        if (!ok) {
            char want[64] = "";
            for (int i = 0; i < 3 && s->units[i]; i++)
                snprintf(want + strlen(want), sizeof want - strlen(want), "%s\"%s\"",
                         i ? " or " : "", s->units[i]);
            return rd_fail(r, sub, "expected %s (got \"%s\")", want[0] ? want : "no unit",
                           json_string_value(unit));
        }
        out->unit = json_string_value(unit);
    }
    return 0;
}

/* A value given in ns becomes cycles at the profile's clock. */
static void to_cycles(struct hw_param *p, double ghz)
{
    if (strcmp(p->unit, "ns") == 0)
        p->value = p->given * ghz;
}

/* An object-valued key (exit_cost, mem_latency, ...). */
static int get_object(const struct rd *r, json_t *parent, const char *key, bool required,
                      json_t **out)
{
    *out = json_object_get(parent, key);
    if (!*out)
        return required ? rd_fail(r, key, "missing") : 0;
    if (!json_is_object(*out))
        return rd_fail(r, key, "expected an object");
    return 0;
}

static int get_text(const struct rd *r, json_t *parent, const char *key, const char **out)
{
    json_t *j = json_object_get(parent, key);
    *out = "";
    if (!j)
        return 0;
    if (!json_is_string(j))
        return rd_fail(r, key, "expected a string");
    *out = json_string_value(j);
    return 0;
}

/* The per-reason table of a profile (required rows) or a class (optional). */
static int get_exit_table(const struct rd *r, json_t *obj, const char *key,
                          const struct spec *s, bool rows_required, struct hw_param *out)
{
    const char *k;
    json_t *v;
    char path[128];
    int rc;

    json_object_foreach(obj, k, v) {
        (void)v;
        bool known = is_comment_key(k);
        for (int i = 0; i < HW_EXIT_REASONS && !known; i++)
            known = strcmp(k, hw_exit_reason_name((enum hw_exit_reason)i)) == 0;
        if (!known) {
            snprintf(path, sizeof path, "%s.%s", key, k);
            return rd_fail(r, path, "unknown exit reason (see docs/MODEL.md for the list)");
        }
    }
    for (int i = 0; i < HW_EXIT_REASONS; i++) {
        const char *name = hw_exit_reason_name((enum hw_exit_reason)i);
        snprintf(path, sizeof path, "%s.%s", key, name);
        if ((rc = get_param(r, obj, name, path, s, rows_required, &out[i])))
            return rc;
    }
    return 0;
}

/* Per-memory-level table (mem_latency, walk_hit_fraction): all four rows. */
static int get_level_table(const struct rd *r, json_t *parent, const char *key,
                           const struct spec *s, struct hw_param *out)
{
    json_t *obj;
    char path[128];
    int rc;

    if ((rc = get_object(r, parent, key, true, &obj)))
        return rc;
    const char *allowed[HW_MEM_LEVELS + 1];
    for (int l = 0; l < HW_MEM_LEVELS; l++)
        allowed[l] = hw_mem_level_names[l];
    allowed[HW_MEM_LEVELS] = NULL;
    if ((rc = check_keys(r, obj, key, allowed)))
        return rc;
    for (int l = 0; l < HW_MEM_LEVELS; l++) {
        snprintf(path, sizeof path, "%s.%s", key, hw_mem_level_names[l]);
        if ((rc = get_param(r, obj, hw_mem_level_names[l], path, s, true, &out[l])))
            return rc;
    }
    return 0;
}

/* Read path into *jf; its root must be an object. */
static int load_doc(struct json_file *jf, const char *path, struct sim_error *err)
{
    int rc = json_file_load(jf, path, JSON_REJECT_DUPLICATES, err);
    if (rc < 0)
        return rc;
    if (!json_is_object(jf->root)) {
        rc = json_file_error(jf, "", err, "expected a JSON object at the top");
        json_file_free(jf);
    }
    return rc;
}

static int check_schema(const struct rd *r, json_t *doc, const char *want)
{
    json_t *j = json_object_get(doc, "schema");
    if (j && (!json_is_string(j) || strcmp(json_string_value(j), want) != 0))
        return rd_fail(r, "schema", "expected \"%s\"", want);
    return 0;
}

/* A value the file leaves out: the simulator's default, marked 'S'. */
static void fallback(struct hw_param *p, double value, const char *unit, const char *source)
{
    if (p->prov)
        return;
    p->value = p->given = value;
    p->prov = 'S';
    p->unit = unit;
    p->source = source;
}

/* The fallbacks of the VM model's costs (docs/MODEL.md, "Blocking, waking
 * and moving"), for profiles written before it. */
static void profile_defaults(struct hw_profile *p)
{
    double trivial = p->trivial_exit.prov ? p->trivial_exit.value : p->exit_cost[HW_EXIT_CPUID].value;
    fallback(&p->ipi, 2.73 * trivial, "cycles", "no value in the profile: 2.73 x its trivial exit, "
             "the ratio on Skylake-SP (IPI send to ACK 4238 cycles against a 1550-cycle "
             "trivial exit, Wanpeng Li 2020) [S]");
    fallback(&p->posted_interrupts, 0, "", "no value in the profile: no posted interrupts [S]");
    p->posted_interrupts.is_bool = true;
    fallback(&p->ipi_posted, 0.64 * p->ipi.value, "cycles", "no value in the profile: 0.64 x "
             "its IPI, the APICv / no-APICv ratio of an injected timer interrupt on Skylake-SP "
             "(2467 / 3851 cycles, Wanpeng Li 2020) [S]");
    fallback(&p->halt_poll, 200000, "ns", "no value in the profile: KVM's default "
             "halt_poll_ns on x86, KVM_HALT_POLL_NS_DEFAULT 200000 "
             "(arch/x86/include/asm/kvm_host.h) [S]");
    fallback(&p->l2_kb, 256, "KB", "no value in the profile: 256 KB, the private L2 of Intel "
             "cores from Nehalem to Broadwell [S]");
    fallback(&p->fill_buffers, 10, "entries", "no value in the profile: 10 L1 fill buffers, "
             "Intel cores from Nehalem to Skylake [S]");
    fallback(&p->ple_gap, 128, "cycles", "no value in the profile: KVM's default ple_gap, "
             "KVM_DEFAULT_PLE_GAP 128 (arch/x86/kvm/vmx/vmx.c module parameter) [S]");
    fallback(&p->ple_window, 4096, "cycles", "no value in the profile: KVM's default "
             "ple_window, KVM_VMX_DEFAULT_PLE_WINDOW 4096 (arch/x86/kvm/vmx/vmx.c) [S]");
    fallback(&p->ple_window_grow, 2, "factor", "no value in the profile: KVM's default "
             "ple_window_grow, KVM_DEFAULT_PLE_WINDOW_GROW 2 (arch/x86/kvm/vmx/vmx.c) [S]");
}

static int profile_read(struct hw_model *m, const struct rd *rp, json_t *doc);

int hw__profile_read(struct hw_model *m, const char *path, struct sim_error *err)
{
    struct json_file jf;
    struct rd r = { &jf, err };
    json_t *doc;
    int rc;

    if ((rc = load_doc(&jf, path, err)))
        return rc;
    m->doc = doc = json_incref(jf.root);   /* owned by m from here on: freed by hw_model_free */
    rc = profile_read(m, &r, doc);
    json_file_free(&jf);
    return rc;
}

/* The profile's keys, from doc (kept by m). */
static int profile_read(struct hw_model *m, const struct rd *rp, json_t *doc)
{
    static const char *const keys[] = {
        "schema", "name", "description", "generation", "clock_ghz", "trivial_exit", "exit_cost",
        "world_switch", "vpid", "guest_levels", "host_levels", "guest_page", "host_page",
        "pwc_hit_rate", "nested_tlb_hit_rate", "tlb_entries", "mem_latency",
        "walk_hit_fraction", "ipi", "posted_interrupts", "ipi_posted", "halt_poll_ns", "l2_kb",
        "fill_buffers", "ple_gap", "ple_window", "ple_window_grow", NULL
    };
    struct rd r = *rp;
    struct hw_profile *p = &m->p;
    json_t *obj;
    int rc;

    if ((rc = check_keys(&r, doc, "", keys)) || (rc = check_schema(&r, doc, "hvsim-hw-profile/1")))
        return rc;
    const char *name;
    if ((rc = get_text(&r, doc, "name", &name)) || (rc = get_text(&r, doc, "description", &p->description)))
        return rc;
    if (*name) {
        if (!hw__name_ok(name))
            return rd_fail(&r, "name", "expected 1-31 characters of a-z, 0-9, '.', '-', '_'");
        free(m->name);
        m->name = xstrdup(name);
    }
    if ((rc = get_param(&r, doc, "generation", "generation", &S_TEXT, true, &p->generation))
        || (rc = get_param(&r, doc, "clock_ghz", "clock_ghz", &S_GHZ, true, &p->ghz))
        || (rc = get_param(&r, doc, "trivial_exit", "trivial_exit", &S_CYCLES, false, &p->trivial_exit))
        || (rc = get_object(&r, doc, "exit_cost", true, &obj))
        || (rc = get_exit_table(&r, obj, "exit_cost", &S_CYCLES, true, p->exit_cost))
        || (rc = get_param(&r, doc, "world_switch", "world_switch", &S_CYCLES, true, &p->world_switch))
        || (rc = get_param(&r, doc, "vpid", "vpid", &S_BOOL, true, &p->vpid))
        || (rc = get_param(&r, doc, "guest_levels", "guest_levels", &S_LEVELS, true, &p->guest_levels))
        || (rc = get_param(&r, doc, "host_levels", "host_levels", &S_LEVELS, true, &p->host_levels))
        || (rc = get_param(&r, doc, "guest_page", "guest_page", &S_PAGE, true, &p->guest_page))
        || (rc = get_param(&r, doc, "host_page", "host_page", &S_PAGE, true, &p->host_page))
        || (rc = get_param(&r, doc, "pwc_hit_rate", "pwc_hit_rate", &S_FRACTION, true, &p->pwc_hit))
        || (rc = get_param(&r, doc, "nested_tlb_hit_rate", "nested_tlb_hit_rate", &S_FRACTION, true,
                           &p->ntlb_hit))
        || (rc = get_param(&r, doc, "tlb_entries", "tlb_entries", &S_ENTRIES, true, &p->tlb_entries))
        || (rc = get_level_table(&r, doc, "mem_latency", &S_LATENCY, p->mem_latency))
        || (rc = get_level_table(&r, doc, "walk_hit_fraction", &S_FRACTION, p->hit_fraction))
        || (rc = get_param(&r, doc, "ipi", "ipi", &S_CYCLES, false, &p->ipi))
        || (rc = get_param(&r, doc, "posted_interrupts", "posted_interrupts", &S_BOOL, false,
                           &p->posted_interrupts))
        || (rc = get_param(&r, doc, "ipi_posted", "ipi_posted", &S_CYCLES, false, &p->ipi_posted))
        || (rc = get_param(&r, doc, "halt_poll_ns", "halt_poll_ns", &S_NS, false, &p->halt_poll))
        || (rc = get_param(&r, doc, "l2_kb", "l2_kb", &S_KB, false, &p->l2_kb))
        || (rc = get_param(&r, doc, "fill_buffers", "fill_buffers", &S_COUNT, false,
                           &p->fill_buffers))
        || (rc = get_param(&r, doc, "ple_gap", "ple_gap", &S_CYCLES, false, &p->ple_gap))
        || (rc = get_param(&r, doc, "ple_window", "ple_window", &S_CYCLES, false, &p->ple_window))
        || (rc = get_param(&r, doc, "ple_window_grow", "ple_window_grow", &S_GROW, false,
                           &p->ple_window_grow)))
        return rc;
    to_cycles(&p->ple_gap, p->ghz.value);
    to_cycles(&p->ple_window, p->ghz.value);
    to_cycles(&p->ipi, p->ghz.value);
    to_cycles(&p->ipi_posted, p->ghz.value);
    profile_defaults(p);

    for (int i = 0; i < HW_EXIT_REASONS; i++)
        to_cycles(&p->exit_cost[i], p->ghz.value);
    to_cycles(&p->trivial_exit, p->ghz.value);
    to_cycles(&p->world_switch, p->ghz.value);
    double sum = 0;
    for (int l = 0; l < HW_MEM_LEVELS; l++) {
        to_cycles(&p->mem_latency[l], p->ghz.value);
        sum += p->hit_fraction[l].value;
    }
    if (fabs(sum - 1.0) > 1e-3)
        return rd_fail(&r, "walk_hit_fraction", "the fractions must add up to 1 (they add up to %g)",
                       sum);
    return 0;
}

bool hw__name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 31 || name[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static void class_clear(struct hw_class *c)
{
    json_decref(c->doc);
    free(c->name);
    free(c->file);
    memset(c, 0, sizeof *c);
}

/* A class written before the spinlock model takes none. */
static void class_lock_defaults(struct hw_class *c)
{
    fallback(&c->spin_fraction, 0, "fraction", "no value in the class: it holds no spinlock "
             "(no lock-holder preemption) [S]");
    fallback(&c->critical_section, 2000, "ns", "no value in the class: 2 us [S]");
}

int hw__class_read(struct hw_class *c, const char *path, const char *name,
                   struct sim_error *err)
{
    static const char *const keys[] = {
        "schema", "name", "description", "exit_rate", "tlb_mpki", "instructions_per_s",
        "working_set_pages", "burst", "spin_fraction", "critical_section", NULL
    };
    struct json_file jf = {0};
    struct rd r = { &jf, err };
    json_t *obj;
    const char *given;
    int rc;

    memset(c, 0, sizeof *c);
    if (!hw__name_ok(name))
        return sim_error_set(err, SIM_EINVAL, path, 0, 0,
                             "a class name has 1-31 characters of a-z, 0-9, '.', '-', '_'");
    if ((rc = load_doc(&jf, path, err)))
        return rc;
    c->doc = json_incref(jf.root);
    c->name = xstrdup(name);
    c->file = xstrdup(path);
    if ((rc = check_keys(&r, c->doc, "", keys))
        || (rc = check_schema(&r, c->doc, "hvsim-workload-class/1"))
        || (rc = get_text(&r, c->doc, "name", &given))
        || (rc = get_text(&r, c->doc, "description", &c->description)))
        goto err_clear;
    if (*given && strcmp(given, name) != 0) {
        rc = rd_fail(&r, "name", "\"%s\" does not match the file name \"%s.json\"", given, name);
        goto err_clear;
    }
    if ((rc = get_object(&r, c->doc, "exit_rate", true, &obj))
        || (rc = get_exit_table(&r, obj, "exit_rate", &S_RATE, false, c->exit_rate))
        || (rc = get_param(&r, c->doc, "tlb_mpki", "tlb_mpki", &S_MPKI, true, &c->mpki))
        || (rc = get_param(&r, c->doc, "instructions_per_s", "instructions_per_s", &S_IPS, true,
                           &c->ips))
        || (rc = get_param(&r, c->doc, "working_set_pages", "working_set_pages", &S_PAGES, true,
                           &c->ws_pages))
        || (rc = get_param(&r, c->doc, "burst", "burst", &S_DIST, false, &c->burst))
        || (rc = get_param(&r, c->doc, "spin_fraction", "spin_fraction", &S_FRACTION, false,
                           &c->spin_fraction))
        || (rc = get_param(&r, c->doc, "critical_section", "critical_section", &S_SECTION, false,
                           &c->critical_section)))
        goto err_clear;
    class_lock_defaults(c);
    if (c->spin_fraction.value > 0 && !(c->critical_section.value > 0)) {
        rc = rd_fail(&r, "critical_section.value", "must be > 0 when spin_fraction is (a vCPU "
                     "that holds a spinlock holds it for some time)");
        goto err_clear;
    }
    if (c->spin_fraction.value >= 1) {
        rc = rd_fail(&r, "spin_fraction.value", "must be below 1 (a vCPU also runs outside its "
                     "critical sections)");
        goto err_clear;
    }
    if (!c->burst.prov) {
        c->burst.text = "exp:0.01";
        c->burst.prov = 'S';
        c->burst.source = "no value in the class: bursts Exp(10 ms) [S]";
    }
    struct sim_error derr = {0};
    if (dist_parse(&c->burst_dist, "burst", c->burst.text, &derr) < 0 ||
        !(dist_mean(&c->burst_dist) > 0)) {
        rc = rd_fail(&r, "burst.value", "expected a distribution of seconds with a mean > 0, "
                     "e.g. \"exp:0.03\" (%s)", derr.text);
        goto err_clear;
    }
    json_file_free(&jf);
    return 0;

err_clear:
    json_file_free(&jf);
    class_clear(c);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **hw__dir_names(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        names = xgrow(names, &cap, *n + 1, sizeof *names);
        names[*n] = xstrdup(e->d_name);
        names[*n][len - 5] = '\0';
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names ? names : xcalloc(1, sizeof *names);
}

void hw__names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The shipped class names, for the ideal profile when no data directory
 * is installed: every rate is zero there, only the names and the bursts
 * matter (so a trace naming a class still checks out with --hw none, and
 * series guests burst as with the data files: these mirror
 * models/classes/, and a test checks that they agree). */
static const struct {
    const char *name, *burst;
    double spin_fraction, critical_section_ns;
} builtin_classes[] = {
    {HW_DEFAULT_CLASS, "exp:0.05", 0, 1000}, {"interactive", "exp:0.002", 0.02, 1000},
    {"io-bound", "exp:0.001", 0.04, 2000}, {"memory-intensive", "exp:0.05", 0.02, 2000},
    {"network-heavy", "exp:0.0005", 0.08, 2000},
};

static void builtin_classes_set(struct hw_model *m)
{
    size_t n = sizeof builtin_classes / sizeof builtin_classes[0];
    m->cls = xcalloc(n, sizeof *m->cls);
    for (size_t i = 0; i < n; i++) {
        m->cls[i].name = xstrdup(builtin_classes[i].name);
        m->cls[i].description = "built-in name (no data directory found)";
        m->cls[i].burst.text = builtin_classes[i].burst;
        m->cls[i].burst.prov = 'S';
        m->cls[i].burst.source = "built in, as the shipped class file";
        dist_parse(&m->cls[i].burst_dist, "burst", builtin_classes[i].burst, NULL);
        struct hw_param *f = &m->cls[i].spin_fraction, *cs = &m->cls[i].critical_section;
        f->value = f->given = builtin_classes[i].spin_fraction;
        cs->value = cs->given = builtin_classes[i].critical_section_ns;
        f->prov = cs->prov = 'S';
        f->unit = "fraction";
        cs->unit = "ns";
        f->source = cs->source = "built in, as the shipped class file";
    }
    m->ncls = n;
}

static char *path_join3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
    char *s = xmalloc(n);
    snprintf(s, n, "%s/%s%s", a, b, c);
    return s;
}

int hw__classes_read(struct hw_model *m, const char *datadir, struct sim_error *err)
{
    char *dir = path_join3(datadir, "classes", "");
    size_t n;
    char **names = hw__dir_names(dir, &n);
    int rc = 0;

    if (!names || n == 0) {
        if (m->ideal) {
            builtin_classes_set(m);
        } else if (!names) {
            rc = sim_error_set(err, SIM_EIO, dir, 0, 0, "cannot open the workload classes: %s",
                               strerror(errno));
        } else {
            rc = sim_error_set(err, SIM_EIO, dir, 0, 0, "no workload class (*.json) found");
        }
        goto out;
    }
    m->cls = xcalloc(n, sizeof *m->cls);
    for (size_t i = 0; i < n; i++) {
        char *file = path_join3(dir, names[i], ".json");
        rc = hw__class_read(&m->cls[m->ncls], file, names[i], err);
        free(file);
        if (rc)
            goto out;
        m->ncls++;
    }
    /* The default class goes first; the others keep their sorted order. */
    for (size_t i = 1; i < m->ncls; i++)
        if (strcmp(m->cls[i].name, HW_DEFAULT_CLASS) == 0) {
            struct hw_class def = m->cls[i];
            memmove(&m->cls[1], &m->cls[0], i * sizeof *m->cls);
            m->cls[0] = def;
        }
out:
    hw__names_free(names, n);
    free(dir);
    return rc;
}

/* A name (no '/', no ".json") is looked up in DATADIR/profiles; anything
 * else is a path the user gave. */
bool hw_model_is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".json") == 0);
}

static int unknown_profile(const char *name, const char *datadir, struct sim_error *err)
{
    char *dir = path_join3(datadir, "profiles", "");
    size_t n;
    char **names = hw__dir_names(dir, &n);
    char known[300] = "none";
    for (size_t i = 0; i < n; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), ", %s", names[i]);
    hw__names_free(names, n);
    free(dir);
    return sim_error_usage(err, "unknown hardware profile \"%s\" (known: %s; or a path to a .json file)",
                           name, known);
}

int hw_model_load(const char *name_or_file, const char *datadir, struct hw_model **out,
                  struct sim_error *err)
{
    struct hw_model *m = xcalloc(1, sizeof *m);
    int rc;

    *out = NULL;
    if (!datadir)
        datadir = HVSIM_DATADIR;
    if (!name_or_file || !*name_or_file)
        name_or_file = "none";
    if (strcmp(name_or_file, "none") == 0) {
        m->ideal = true;
        m->name = xstrdup("none");
    } else if (hw_model_is_path(name_or_file)) {
        m->file = xstrdup(name_or_file);
    } else {
        if (!hw__name_ok(name_or_file)) {
            rc = unknown_profile(name_or_file, datadir, err);
            goto err_free;
        }
        size_t len = strlen(datadir) + strlen(name_or_file) + sizeof "/profiles/.json";
        m->file = xmalloc(len);
        snprintf(m->file, len, "%s/profiles/%s.json", datadir, name_or_file);
        if (access(m->file, F_OK) != 0) {
            rc = unknown_profile(name_or_file, datadir, err);
            goto err_free;
        }
    }
    if (m->file) {
        /* The name is the file's base name unless the file says otherwise. */
        const char *base = strrchr(m->file, '/');
        m->name = xstrdup(base ? base + 1 : m->file);
        size_t len = strlen(m->name);
        if (len > 5 && strcmp(m->name + len - 5, ".json") == 0)
            m->name[len - 5] = '\0';
        if ((rc = hw__profile_read(m, m->file, err)))
            goto err_free;
    }
    if ((rc = hw__classes_read(m, datadir, err)))
        goto err_free;
    hw__derive(m);
    *out = m;
    return 0;

err_free:
    hw_model_free(m);
    return rc;
}
