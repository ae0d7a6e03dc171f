/*
 * schedulers/sched-list.h - the registered scheduling policies, one line
 * each, in the order `hvsim list` shows them.  The first is the default.
 */
SCHED(fcfs)
SCHED(rr)
SCHED(minlat)
SCHED(maxtput)
SCHED(prio)
SCHED(credit)
SCHED(credit2)
SCHED(cfs)
SCHED(eevdf)
