/* cli/platform-file.c - see platform-file.h */
#include "cli/platform-file.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/jsonfile.h"
#include "base/xalloc.h"
#include "models/platform.h"
#include "workloads/trace.h"


/* Load the profile called name and append it to pf->profiles.  Hosts
 * point at a profile's tables only once all are loaded (the array moves
 * while it grows; the tables' own arrays do not). */
static int profile_add(struct platform *pf, const char *name, const char *datadir,
                       struct sim_error *err)
{
    struct hw_setup hs;
    int rc = hw_setup_load(&hs, name, datadir, err);
    if (rc < 0)
        return rc;
    pf->profiles = xrealloc(pf->profiles, (pf->nprofiles + 1) * sizeof *pf->profiles);
    pf->profiles[pf->nprofiles++] = hs;
    return SIM_OK;
}

/* An error at the value of key of host i. */
static int bad(struct sim_error *err, const struct json_file *f, const char *what, size_t i,
               const char *key)
{
    char where[128];
    snprintf(where, sizeof where, "hosts.%zu.%s", i, key);
    return json_file_error(f, where, err, "hosts[%zu]: key '%s' %s", i, key, what);
}

/* A host row's "affinity": {"CLASS": "CPUSET", ...} -> a cpuset per class
 * of its hardware's tables, each naming at least one of its cores. */
static int class_affinity(uint64_t **out, json_t *obj, const struct sim_hw_tables *hw, int cores,
                          const struct json_file *f, size_t row, struct sim_error *err)
{
    uint64_t *set = xcalloc(hw->nclasses ? hw->nclasses : 1, sizeof *set);
    *out = set;
    const char *cls;
    json_t *v;
    json_object_foreach(obj, cls, v) {
        size_t k;
        for (k = 0; k < hw->nclasses; k++)
            if (strcmp(hw->class_names[k], cls) == 0)
                break;
        char where[200];
        snprintf(where, sizeof where, "hosts.%zu.affinity.%s", row, cls);
        if (k == hw->nclasses)
            return json_file_key_error(f, where, err, "hosts[%zu]: affinity: unknown workload "
                                       "class '%s' (see `hvsim list`)", row, cls);
        char msg[160];
        const char *wrong = json_is_string(v)
                                ? trace_parse_cpuset(json_string_value(v), &set[k], msg, sizeof msg)
                                : "must be a cpuset string such as \"0-3,6\"";
        if (wrong)
            return json_file_error(f, where, err, "hosts[%zu]: affinity of '%s': %s", row, cls,
                                   wrong);
        if (!(set[k] & cpuset_upto(cores)))
            return json_file_error(f, where, err, "hosts[%zu]: affinity of '%s' names none of "
                                   "its %d cores (0-%d)", row, cls, cores, cores - 1);
    }
    return SIM_OK;
}

int platform_load(struct platform *pf, const char *path, const char *default_hw,
                  const char *datadir, struct sim_error *err)
{
    memset(pf, 0, sizeof *pf);
    struct json_file f;
    int rc = json_file_load(&f, path, JSON_REJECT_DUPLICATES, err);
    if (rc < 0)
        return rc;
    json_t *root = f.root;
    char **hwnames = NULL;
    json_t *hosts = json_object_get(root, "hosts");
    json_t *interleave = json_object_get(root, "interleave");
    if (!json_is_object(root) || json_object_size(root) != 1u + (interleave != NULL) ||
        !json_is_array(hosts) || json_array_size(hosts) == 0) {
        rc = json_file_error(&f, "", err, "a platform is an object {\"hosts\": [ {...}, ... ]} "
                             "with at least one host (and optionally \"interleave\": true)");
        goto out;
    }
    if (interleave && !json_is_boolean(interleave)) {
        rc = json_file_error(&f, "interleave", err, "key 'interleave' must be true or false");
        goto out;
    }
    char *dup = xstrdup(path);
    char *dir = xstrdup(dirname(dup));
    free(dup);
    size_t n = json_array_size(hosts);
    hwnames = xcalloc(n, sizeof *hwnames);
    long total = 0, total_cores = 0;
    struct {
        long count;
        int cores, sockets;
        double mem, speed, link;
        json_t *affinity;   /* borrowed from root */
        const char *power;  /* borrowed from root */
    } *row = xcalloc(n, sizeof *row);
    for (size_t i = 0; i < n && rc == SIM_OK; i++) {
        json_t *h = json_array_get(hosts, i);
        char where[64];
        snprintf(where, sizeof where, "hosts.%zu", i);
        if (!json_is_object(h)) {
            rc = json_file_error(&f, where, err, "hosts[%zu] is not an object", i);
            break;
        }
        row[i].count = 1;
        row[i].cores = 0;
        const char *key;
        json_t *v;
        json_object_foreach(h, key, v) {
            if (strcmp(key, "sockets") == 0) {
                if (!json_is_integer(v) || json_integer_value(v) < 1 ||
                    json_integer_value(v) > 1024) {
                    rc = bad(err, &f, "must be an integer 1..1024", i, key);
                    break;
                }
                row[i].sockets = (int)json_integer_value(v);
            } else if (strcmp(key, "affinity") == 0) {
                if (!json_is_object(v)) {
                    rc = bad(err, &f, "must be an object {\"CLASS\": \"CPUSET\", ...}", i, key);
                    break;
                }
                row[i].affinity = v;
            } else if (strcmp(key, "count") == 0 || strcmp(key, "cores") == 0) {
                if (!json_is_integer(v) || json_integer_value(v) < 1 ||
                    json_integer_value(v) > PLATFORM_MAX_HOSTS) {
                    rc = bad(err, &f, "must be an integer 1..100000", i, key);
                    break;
                }
                if (key[1] == 'o' && key[2] == 'u')
                    row[i].count = (long)json_integer_value(v);
                else
                    row[i].cores = (int)json_integer_value(v);
            } else if (strcmp(key, "speed") == 0 || strcmp(key, "link_mbit") == 0) {
                if (!json_is_number(v) || !(json_number_value(v) > 0) ||
                    !isfinite(json_number_value(v)) || json_number_value(v) > 1e9) {
                    rc = bad(err, &f, "must be a number > 0", i, key);
                    break;
                }
                if (key[0] == 's')
                    row[i].speed = json_number_value(v);
                else
                    row[i].link = json_number_value(v);
            } else if (strcmp(key, "power") == 0) {
                if (!json_is_string(v) || !json_string_value(v)[0]) {
                    rc = bad(err, &f, "must be a power table's name or a .json file", i, key);
                    break;
                }
                row[i].power = json_string_value(v);
            } else if (strcmp(key, "mem_mb") == 0) {
                if (!json_is_number(v) || json_number_value(v) < 0 ||
                    !isfinite(json_number_value(v))) {
                    rc = bad(err, &f, "must be a number >= 0", i, key);
                    break;
                }
                row[i].mem = json_number_value(v);
            } else if (strcmp(key, "hw") == 0) {
                if (!json_is_string(v) || !json_string_value(v)[0]) {
                    rc = bad(err, &f, "must be a profile name or a file", i, key);
                    break;
                }
                const char *s = json_string_value(v);
                if (strchr(s, '/') && s[0] != '/') {
                    size_t len = strlen(dir) + strlen(s) + 2;
                    hwnames[i] = xmalloc(len);
                    snprintf(hwnames[i], len, "%s/%s", dir, s);
                } else {
                    hwnames[i] = xstrdup(s);
                }
            } else {
                char kw[128];
                snprintf(kw, sizeof kw, "%s.%s", where, key);
                rc = json_file_key_error(&f, kw, err, "hosts[%zu]: unknown key '%s' (count, "
                                         "cores, sockets, mem_mb, hw, affinity, speed, power, "
                                         "link_mbit)", i, key);
                break;
            }
        }
        if (rc == SIM_OK && row[i].cores == 0)
            rc = json_file_error(&f, where, err, "hosts[%zu]: key 'cores' is required", i);
        if (rc == SIM_OK && row[i].sockets > row[i].cores)
            rc = json_file_error(&f, where, err, "hosts[%zu]: %d sockets for %d cores", i,
                                 row[i].sockets, row[i].cores);
        total += row[i].count;
        total_cores += row[i].count * row[i].cores;
        if (rc == SIM_OK && total > PLATFORM_MAX_HOSTS)
            rc = json_file_error(&f, where, err, "more than %d hosts", PLATFORM_MAX_HOSTS);
        if (rc == SIM_OK && total_cores > PLATFORM_MAX_CORES)
            rc = json_file_error(&f, where, err, "more than %ld cores in all (%s)",
                                 PLATFORM_MAX_CORES, PLATFORM_MAX_CORES_WHY);
    }
    /* load the distinct profiles, then lay out the hosts */
    size_t *prof = xcalloc(n, sizeof *prof);
    for (size_t i = 0; i < n && rc == SIM_OK; i++) {
        const char *name = hwnames[i] ? hwnames[i] : default_hw;
        size_t k;
        for (k = 0; k < pf->nprofiles; k++)
            if (strcmp(pf->profiles[k].name, name) == 0)
                break;
        if (k == pf->nprofiles)
            rc = profile_add(pf, name, datadir, err);
        prof[i] = k;
    }
    uint64_t **aff = xcalloc(n, sizeof *aff);
    pf->affinity = aff;   /* freed with the platform, also on error */
    pf->naffinity = n;
    for (size_t i = 0; i < n && rc == SIM_OK; i++)
        if (row[i].affinity)
            rc = class_affinity(&aff[i], row[i].affinity, &pf->profiles[prof[i]].tables,
                                row[i].cores, &f, i, err);
    /* power tables: every row or none, each distinct table loaded once */
    size_t with_power = 0, *pow = xcalloc(n, sizeof *pow);
    for (size_t i = 0; i < n; i++)
        with_power += row[i].power != NULL;
    if (rc == SIM_OK && with_power != 0 && with_power != n)
        rc = json_file_error(&f, "hosts", err, "key 'power' is given for %zu of the %zu rows: "
                             "energy is metered for every host or for none", with_power, n);
    pf->powers = with_power ? xcalloc(n, sizeof *pf->powers) : NULL;
    for (size_t i = 0; i < n && rc == SIM_OK && with_power; i++) {
        char file[4200];
        const char *name = row[i].power;
        if (strchr(name, '/') && name[0] != '/') {   /* relative to the platform file */
            snprintf(file, sizeof file, "%s/%s", dir, name);
            name = file;
        }
        size_t k;
        for (k = 0; k < pf->npowers; k++)
            if (strcmp(pf->powers[k].name, row[i].power) == 0)
                break;
        if (k == pf->npowers) {
            rc = cons_power_load(name, datadir, &pf->powers[k], err);
            if (rc == SIM_OK) {   /* keyed by the name as the file gives it */
                snprintf(pf->powers[k].name, sizeof pf->powers[k].name, "%s", row[i].power);
                pf->npowers++;
            }
        }
        pow[i] = k;
    }
    if (rc == SIM_OK) {
        pf->nhosts = (int)total;
        pf->specs = xcalloc((size_t)total, sizeof *pf->specs);
        long h = 0;
        long *left = xcalloc(n, sizeof *left);
        for (size_t i = 0; i < n; i++)
            left[i] = row[i].count;
        /* row after row, or round robin over the rows that have hosts left */
        for (size_t i = 0; h < total; i = (i + 1) % n) {
            long take = json_is_true(interleave) ? (left[i] > 0) : left[i];
            for (long c = 0; c < take; c++, h++) {
                struct sim_host_spec *s = &pf->specs[h];
                s->cores = row[i].cores;
                s->sockets = row[i].sockets;
                s->mem_mb = row[i].mem;
                s->hw = &pf->profiles[prof[i]].tables;
                s->class_affinity = aff[i];
                s->speed = row[i].speed;
                s->link_mbit = row[i].link;
                s->power = with_power ? &pf->powers[pow[i]] : NULL;
                left[i]--;
            }
        }
        free(left);
    }
    free(pow);
    free(prof);
    free(row);
    for (size_t i = 0; i < n; i++)
        free(hwnames[i]);
    free(dir);
out:
    free(hwnames);
    json_file_free(&f);
    if (rc < 0)
        platform_free(pf);
    return rc;
}

void platform_free(struct platform *pf)
{
    for (size_t i = 0; i < pf->nprofiles; i++)
        hw_setup_free(&pf->profiles[i]);
    free(pf->profiles);
    free(pf->specs);
    for (size_t i = 0; i < pf->naffinity; i++)
        free(pf->affinity[i]);
    free(pf->affinity);
    free(pf->powers);
    memset(pf, 0, sizeof *pf);
}
