/*
 * report/units.h - times and numbers as a reader wants them: a unit
 * chosen from the span being shown (a Gantt chart of a millisecond
 * workload in ms, a day-long trace in h), times printed exactly from the
 * integer nanosecond clock, and counts with thousands separators.
 */
#ifndef REPORT_UNITS_H
#define REPORT_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/types.h"

struct time_unit {
    const char *name;     /* "ms" */
    sim_time_t ns;        /* nanoseconds in one unit */
    double seconds;       /* the same in seconds */
};

/* The largest unit in which span is at least 1 (span 0: seconds): ns, us,
 * ms or s; with long_units also min, h and d, but only from 3 of them
 * (a span of 150 s stays in s, 3 min and more goes to min).  The table
 * is static: the pointer stays valid. */
const struct time_unit *time_unit_for_span(sim_time_t span, bool long_units);
/* The same for a span in seconds (from a CSV or a summary). */
const struct time_unit *time_unit_for_seconds(double span, bool long_units);

/* t in unit u, exactly: the integer part, then at most decimals digits
 * (rounded half up), trailing zeros dropped: "10", "5.667", "0.25". */
void time_format(char *buf, size_t len, sim_time_t t, const struct time_unit *u, int decimals);

/* t in seconds with all nine decimals, exactly: "12.000000132". */
void time_seconds_text(char *buf, size_t len, sim_time_t t);

/* v with at most sig significant digits and thousands separators in
 * its integer part, no exponent below 1e15: "19,650", "0.0008127",
 * "371.3".  NaN and infinities print as "-". */
void number_format(char *buf, size_t len, double v, int sig);

/* A "nice" step (1, 2 or 5 times a power of ten) of at least x > 0. */
double nice_step(double x);

#endif /* REPORT_UNITS_H */
