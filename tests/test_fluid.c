/*
 * tests/test_fluid.c - the fluid model (--model fluid, sim/fluid.c)
 * against answers worked out by hand: weighted water-filling on a short
 * host, backlogs built while it is short and drained afterwards at
 * moments no sample boundary gives (the lazy, per-host-clock form must
 * place them exactly), unmet demand and idle grant per sample interval.
 * Every invariant is checked after every event (HVSIM_CHECK).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

/* Write a PlanetLab directory: one file per VM, its lines. */
static char *planetlab_dir(const char *const *names, const char *const *lines, int n)
{
    char *dir = test_tmpdir("fluid");
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(lines[i], f);
        fclose(f);
    }
    return dir;
}

static json_t *run_fluid(const char *dir, const char *cores)
{
    setenv("HVSIM_CHECK", "1", 1);
    struct cmd_result r;
    RUN(&r, "run", "--trace", dir, "--hosts", "1", "--cores", cores, "--model", "fluid", "--json");
    unsetenv("HVSIM_CHECK");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s", r.out);
    cmd_result_free(&r);
    return j;
}

static double num(json_t *j, const char *a, const char *b)
{
    return json_number_value(json_object_get(b ? json_object_get(j, a) : j, b ? b : a));
}

static void expect_near(double x, double want, const char *what)
{
    cr_expect(fabs(x - want) <= 1e-9 * fabs(want) + 1e-9, "%s = %.12g, want %.12g", what, x, want);
}
#define EXPECT_NEAR(x, want) expect_near((x), (want), #x)

/* One core, three one-vCPU VMs, two 300 s samples: A 100% then 0, B 50%
 * then 0, C 20% twice.  [0, 300): C is satisfied (0.2), the level is
 * (1 - 0.2) / 2 = 0.4 for A and B, who build backlogs of 180 and 30.
 * [300, 600): A and B drain at 0.4 each; B runs dry at 375 s, the level
 * rises to 0.8 and A runs dry at 375 + 150 / 0.8 = 562.5 s.  Unmet: 180
 * + 30 in the first interval, none in the second; used 300 + 150 + 120
 * = 570 of 600 core-s; idle grant (1 each): 180 + 180 + 240 + 120 + 270
 * + 240 = 1230; all three leave at 600 s. */
Test(fluid, water_filling_by_hand)
{
    const char *names[] = {"a", "b", "c"};
    const char *lines[] = {"100\n0\n", "50\n0\n", "20\n20\n"};
    char *dir = planetlab_dir(names, lines, 3);
    json_t *j = run_fluid(dir, "1");
    EXPECT_NEAR(num(j, "allocation", "unmet_cpu_seconds"), 210);
    EXPECT_NEAR(num(j, "allocation", "idle_cpu_seconds"), 1230);
    EXPECT_NEAR(num(j, "utilization", NULL), 0.95);
    EXPECT_NEAR(num(j, "turnaround", "max"), 600);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "jobs"), "completed")), 3);
    json_decref(j);
    test_remove_tree(dir);
    free(dir);
}

/* Ten cores, 40 VMs at 50% then 0 and 8 at 5% twice: the level is
 * (10 - 8 x 0.05) / 40 = 0.24, each big VM builds a backlog of 78 and
 * still has 6 when its series ends (it drains at 0.24 for 300 s); the
 * small ones leave at 600 s, the level goes to 10 / 40 = 0.25 and the
 * big ones leave at 624 s.  Unmet 40 x 78 = 3120; idle grant 40 x (228 +
 * 228 + 18) + 8 x 2 x 285 = 23520; the cores are busy throughout.  (Most
 * guests change at each sample: the level index is rebuilt.) */
Test(fluid, many_guests_drain_past_their_series)
{
    enum { BIG = 40, SMALL = 8 };
    const char *names[BIG + SMALL], *lines[BIG + SMALL];
    char buf[BIG + SMALL][24];
    for (int i = 0; i < BIG + SMALL; i++) {
        snprintf(buf[i], sizeof buf[i], "%s%02d", i < BIG ? "big" : "small", i);
        names[i] = buf[i];
        lines[i] = i < BIG ? "50\n0\n" : "5\n5\n";
    }
    char *dir = planetlab_dir(names, lines, BIG + SMALL);
    json_t *j = run_fluid(dir, "10");
    EXPECT_NEAR(num(j, "allocation", "unmet_cpu_seconds"), 3120);
    EXPECT_NEAR(num(j, "allocation", "idle_cpu_seconds"), 23520);
    EXPECT_NEAR(num(j, "utilization", NULL), 1);
    EXPECT_NEAR(num(j, "turnaround", "max"), 624);
    EXPECT_NEAR(num(j, "turnaround", "mean"), (BIG * 624.0 + SMALL * 600.0) / (BIG + SMALL));
    json_decref(j);
    test_remove_tree(dir);
    free(dir);
}
