/*
 * consolidation/detect-none.c - no consolidation: no host is ever found
 * overloaded or drained, so nothing migrates; the manager only places new
 * VMs.  The family's default (--consolidate none), and CloudSim's DVFS and
 * NPA baselines (with the preset).
 */
#include "consolidation/cons-private.h"

const struct cons_detector_ops cons_detect_none = {
    .info = {
        .name = "none",
        .desc = "no consolidation: VMs stay where they were placed; with power tables the "
                "hosts are still metered (every 300 s) and switch off when empty",
    },
    .overloaded = NULL,
};
