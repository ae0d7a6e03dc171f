/*
 * sim/engine-private.h - engine functions shared by the files of the
 * engine (engine.c, fluid.c); not for policies or the CLI.
 */
#ifndef SIM_ENGINE_PRIVATE_H
#define SIM_ENGINE_PRIVATE_H

#include "sim/engine.h"

/* 1 + h of g's class on its host: core ns per ns of reference work (1 on
 * ideal hardware). */
double sim__class_factor(const struct sim *sim, const struct guest *g);

/* g has finished: record it, free its memory on its host, release it. */
void sim__guest_complete(struct sim *sim, struct guest *g);

/* Charge the overhead of `done` reference seconds of g's work. */
void sim__charge_work(struct sim *sim, struct guest *g, double done);

#endif /* SIM_ENGINE_PRIVATE_H */
