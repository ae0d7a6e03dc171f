/*
 * cli/plugin.c - see plugin.h.  Plug-ins stay loaded for the life of the
 * process: their policies are in the registries until it exits.
 */
#include "cli/plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/alloc.h"
#include "allocators/place.h"
#include "consolidation/cons.h"
#include "schedulers/sched.h"
#include "workloads/trace.h"

bool cli_is_plugin_path(const char *value)
{
    size_t n = strlen(value);
    return strchr(value, '/') || (n > 3 && strcmp(value + n - 3, ".so") == 0);
}

const struct cli_family_desc cli_families[] = {
    {"sched", "schedulers", &sched_registry, true},
    {"alloc", "allocators", &alloc_registry, true},
    {"place", "placement", &place_registry, true},
    {"consolidate", "overload detectors of dynamic consolidation", &cons_detector_registry,
     false},
    {"select", "VM selection for migration", &cons_selector_registry, false},
    {"consolidate-place", "placement of consolidated VMs", &cons_place_registry, false},
    {"migration", "live migration models", &cons_migration_registry, false},
    {"format", "trace formats", &trace_fmt_registry, false},
};
const size_t cli_nfamilies = sizeof cli_families / sizeof cli_families[0];

const struct cli_family_desc *cli_family_desc(const char *option)
{
    for (size_t i = 0; i < cli_nfamilies; i++)
        if (strcmp(cli_families[i].option, option) == 0)
            return &cli_families[i];
    return NULL;
}

struct registry *cli_family(const char *option)
{
    const struct cli_family_desc *f = cli_family_desc(option);
    return f ? f->registry : NULL;
}

int cli_plugin_load(const char *path, const char *expect_family, const struct policy_info **out,
                    struct sim_error *err)
{
    /* dlopen searches the library path for a name without '/': a plug-in
     * is always a file, so make it one. */
    char file[PATH_MAX];
    snprintf(file, sizeof file, "%s%s", strchr(path, '/') ? "" : "./", path);
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "cannot load the plug-in: %s",
                             dlerror());
    const struct hvsim_plugin *p = dlsym(h, "hvsim_plugin");
    if (!p) {
        dlclose(h);
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "not an hvsim plug-in: it defines "
                             "no hvsim_plugin (see HVSIM_PLUGIN in base/registry.h)");
    }
    if (p->abi != HVSIM_ABI_VERSION) {
        unsigned abi = p->abi;
        dlclose(h);
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "built for plug-in ABI %u, but this "
                             "hvsim has ABI %d: rebuild it against this version's headers "
                             "(pkg-config --cflags hvsim)", abi, HVSIM_ABI_VERSION);
    }
    const struct cli_family_desc *fd = p->family ? cli_family_desc(p->family) : NULL;
    struct registry *r = fd && fd->plugins ? fd->registry : NULL;
    if (!r || !p->policy || (expect_family && strcmp(expect_family, p->family) != 0) ||
        strcmp(p->family, "format") == 0) {
        /* the text lives in the plug-in: copy it before unloading it */
        char fam[32];
        snprintf(fam, sizeof fam, "%s", p->family ? p->family : "(none)");
        dlclose(h);
        if (expect_family && r)
            return sim_error_set(err, SIM_EINVAL, path, 0, 0, "a '%s' plug-in, given to --%s",
                                 fam, expect_family);
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "plug-in of unknown family '%s' "
                             "(sched, alloc or place)", fam);
    }
    /* The same file named twice (--sched x.so and list --plugin x.so). */
    for (size_t i = r->nbuiltin; i < registry_count(r); i++)
        if (registry_at(r, i) == p->policy) {
            if (out)
                *out = p->policy;
            return SIM_OK;
        }
    int rc = registry_add(r, p->policy, err);
    if (rc < 0) {
        char text[sizeof err->text];
        snprintf(text, sizeof text, "%s", err->text);
        dlclose(h);
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "%s", text);
    }
    if (out)
        *out = p->policy;
    return SIM_OK;
}
