/*
 * cli/platform-file.h - a platform of hosts of different sizes and
 * hardware (--platform FILE.json):
 *
 *   {"hosts": [
 *      {"count": 4, "cores": 16, "mem_mb": 65536, "hw": "skylake-sp"},
 *      {"cores": 64, "mem_mb": 262144, "hw": "icelake-sp", "sockets": 2,
 *       "affinity": {"interactive": "0-3", "cpu-bound": "4-63"}}
 *   ]}
 *
 * count defaults to 1, mem_mb to 0 (unlimited), hw to the run's --hw; a
 * hw that is a path is relative to the platform file.  For consolidation
 * and energy a row may also give "speed" (a core's speed against the
 * reference core, CloudSim's MIPS / 1000; default 1), "power" (a power
 * table: models/power/NAME.json by name, or a file; every host or none)
 * and "link_mbit" (its network link, default 1000); "interleave": true at
 * the top level lays the rows' hosts out round robin (G4, G5, G4, ...:
 * CloudSim's order) instead of row after row.  affinity pins the
 * vCPUs of a workload class to a cpuset of those hosts' cores (as a
 * cpupool or a cgroup cpuset would); a guest with an affinity of its own,
 * from the trace, keeps that.  Unknown or duplicate keys and wrong types
 * are errors naming the key, at its FILE:LINE:COL.
 */
#ifndef CLI_PLATFORM_FILE_H
#define CLI_PLATFORM_FILE_H

#include "consolidation/power.h"
#include "sim/hwsetup.h"

/* The size of a platform, from a file or from --hosts x --cores.  Each
 * core costs the engine about 150 bytes (measured: 152 MB for 10^6
 * cores), whatever the workload, so 2^22 cores take about 640 MB: more
 * than that would not fit the machines hvsim is meant for, and is far
 * beyond what a placement study needs (100,000 hosts of 40 cores). */
#define PLATFORM_MAX_HOSTS 100000
#define PLATFORM_MAX_CORES (4L * 1024 * 1024)
#define PLATFORM_MAX_CORES_WHY "each core costs about 150 bytes of memory before any guest " \
                               "arrives; 4,194,304 cores take about 640 MB"

struct platform {
    int nhosts;
    struct sim_host_spec *specs;   /* [nhosts] */
    size_t nprofiles;
    struct hw_setup *profiles;     /* distinct hardware, referenced by specs */
    size_t naffinity;
    uint64_t **affinity;           /* per-class cpusets, referenced by specs */
    size_t npowers;
    struct cons_power *powers;     /* distinct power tables, referenced by specs */
};

/* Load path; default_hw is the profile of hosts that name none. */
int platform_load(struct platform *pf, const char *path, const char *default_hw,
                  const char *datadir, struct sim_error *err);
void platform_free(struct platform *pf);

#endif /* CLI_PLATFORM_FILE_H */
