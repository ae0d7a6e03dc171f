/*
 * cli/preset.h - `hvsim run --preset cloudsim-planetlab`: CloudSim 5.0's
 * PlanetLab consolidation experiment (Beloglazov & Buyya, CCPE 2012) run
 * by the time-stepped data centre with CloudSim's semantics
 * (consolidation/cloudsim.c), reported as any run is: the summary, and
 * with --out the timeline (a row per host per 300-s step), hosts.csv and
 * the timeline plot.
 *
 * CloudSim's set-up fixes the platform (800 hosts alternating HP ProLiant
 * ML110 G4 and G5; --hosts may change their number) and the workload (one
 * VM per file of the PlanetLab day, its type by its place in sorted file
 * order); the options of the platform, the hardware, the engine and the
 * workload's cutting do not apply and are refused.  What applies: the
 * consolidation policies and their knobs, --power-aware, --quirks,
 * --seed (RS), --hosts.
 */
#ifndef CLI_PRESET_H
#define CLI_PRESET_H

#include <stdbool.h>

#include "cli/args.h"
#include "report/output.h"
#include "sim/engine.h"

/* Check the options given against the preset and settle what the preset
 * decides (the migration model is CloudSim's unless given; the quirk
 * switches are all on unless --quirks says otherwise).  x holds the
 * chosen policies.  SIM_EINVAL naming the option. */
int preset_resolve(const struct cli_args *args, struct sim_experiment *x, const char *trace,
                   const char *quirks, struct sim_error *err);

/* Does the preset decide option (so that it may not be given with it)?
 * The config echo writes such options as null, so that a preset run's
 * summary.json reads back as --config. */
bool preset_fixes(const char *option);

/* Run it on the PlanetLab day in trace with the quirk switches of quirks
 * (NULL = all); fill r (one replication) and, if out has files, its
 * timeline and hosts rows, on hosts hosts. */
int preset_run(const struct sim_experiment *x, const char *trace, const char *quirks,
               long hosts, struct run_output *out, struct sim_result *r, struct sim_error *err);

#endif /* CLI_PRESET_H */
