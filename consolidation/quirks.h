/*
 * consolidation/quirks.h - the named switches of CloudSim 5.0's
 * departures from physics (docs/CONSOLIDATION.md, section 5), as the
 * command line names them: --quirks all, none, or names separated by
 * commas, each turning a switch on, or off with a leading '-'.
 *
 * Six switches belong to the manager (struct cons_quirks, cons.h) and
 * apply wherever the manager runs; seven belong to CloudSim's data centre
 * (struct cons_cloudsim_quirks, cloudsim.h) and exist only in the
 * time-stepped model of the preset.
 */
#ifndef CONSOLIDATION_QUIRKS_H
#define CONSOLIDATION_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "consolidation/cloudsim.h"
#include "consolidation/cons.h"

struct cons_quirk_desc {
    const char *name;     /* as in the structs and the docs */
    bool datacentre;      /* a switch of struct cons_cloudsim_quirks (else cons_quirks) */
    size_t offset;        /* of its bool in that struct */
    const char *what;     /* one line: what CloudSim does */
};
extern const struct cons_quirk_desc cons_quirk_table[];
extern const size_t cons_quirk_count;

/* Apply spec to the switches, starting from start_all (every switch on)
 * or from every switch off.  *dc_on tells whether a data-centre switch
 * ends up on.  SIM_EINVAL naming --quirks and the unknown name. */
int cons_quirks_parse(const char *spec, bool start_all, struct cons_quirks *mq,
                      struct cons_cloudsim_quirks *dq, bool *dc_on, struct sim_error *err);

/* "all", "none" or the names of the switches on, separated by commas. */
void cons_quirks_format(const struct cons_quirks *mq, const struct cons_cloudsim_quirks *dq,
                        char *buf, size_t len);

#endif /* CONSOLIDATION_QUIRKS_H */
