/*
 * cli/plugin.h - loading policies compiled out of tree (base/registry.h,
 * "Plug-ins"): `--sched PATH.so`, `--alloc PATH.so`, `--place PATH.so`,
 * and `hvsim list --plugin PATH.so`.
 */
#ifndef CLI_PLUGIN_H
#define CLI_PLUGIN_H

#include "base/error.h"
#include "base/registry.h"

/* Does the value of a policy option name a plug-in (it has a '/' or ends
 * in .so) rather than a registered policy? */
bool cli_is_plugin_path(const char *value);

/* The policy families, in the order --help and `hvsim list` show them,
 * each with the option that chooses a policy of it. */
struct cli_family_desc {
    const char *option;          /* "sched": --sched NAME */
    const char *heading;         /* "schedulers" */
    struct registry *registry;
    /* Its policies can be plug-ins (PATH.so).  The consolidation families
     * cannot: their operations are not part of the installed headers.
     * Their option takes a spec, NAME[:VALUE[,KEY=VALUE...]]. */
    bool plugins;
};
extern const struct cli_family_desc cli_families[];
extern const size_t cli_nfamilies;

/* The registry of the family chosen with --option ("sched", "alloc",
 * "place", "format", "consolidate", ...), or NULL; and its description. */
struct registry *cli_family(const char *option);
const struct cli_family_desc *cli_family_desc(const char *option);

/* Load the plug-in at path and register its policy in its family; *out
 * (may be NULL) is the policy.  A path loaded before is not loaded again.
 * expect_family, if not NULL, is the option it was given to.  SIM_EINVAL
 * with PATH: reason for a file that is not a loadable plug-in, one built
 * for another plug-in ABI, or one of another family. */
int cli_plugin_load(const char *path, const char *expect_family, const struct policy_info **out,
                    struct sim_error *err);

#endif /* CLI_PLUGIN_H */
