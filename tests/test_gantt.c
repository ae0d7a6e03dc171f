/*
 * tests/test_gantt.c - the text Gantt chart and per-guest table of
 * `hvsim run --gantt`, against the worked examples of two textbooks, in
 * full:
 *
 *   Silberschatz, Galvin & Gagne, "Operating System Concepts", chapter
 *   "CPU Scheduling" (docs/validation/textbook.md): FCFS, RR q=4, SJF,
 *   SRTF and priority;
 *   Stallings, "Operating Systems: Internals and Design Principles",
 *   chapter "Uniprocessor Scheduling": processes A-E arriving at 0, 2, 4,
 *   6, 8 with service times 3, 6, 4, 5, 2 under FCFS, RR q=1, RR q=4, SPN
 *   and SRT; the slowdown column is the book's normalized turnaround
 *   Tr/Ts.
 *
 * Then what a chart must do beyond them: wrap at 100 columns when stdout
 * is not a terminal, times in the unit of the span, idle stretches, a
 * table that says when it is cut and a mean over every guest, and
 * --gantt --json with the JSON alone on stdout.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/helpers.h"

#define SILBERSCHATZ_A "id,arrival,work\nP1,0,24\nP2,0,3\nP3,0,3\n"
#define SILBERSCHATZ_B "id,arrival,work\nP1,0,6\nP2,0,8\nP3,0,7\nP4,0,3\n"
#define SILBERSCHATZ_C "id,arrival,work\nP1,0,8\nP2,1,4\nP3,2,9\nP4,3,5\n"
#define SILBERSCHATZ_PRIO \
    "id,arrival,work,priority\nP1,0,10,3\nP2,0,1,1\nP3,0,2,4\nP4,0,1,5\nP5,0,5,2\n"
#define STALLINGS "id,arrival,work\nA,0,3\nB,2,6\nC,4,4\nD,6,5\nE,8,2\n"

/* stdout of `hvsim run --trace TRACE ARGS... --gantt` (status 0); free it. */
static char *gantt_of(const char *trace, const char *const *args)
{
    char *path = write_temp(".csv", trace);
    const char *argv[32] = {"run", "--trace", path};
    size_t n = 3;
    for (size_t i = 0; args[i] && n < 30; i++)
        argv[n++] = args[i];
    argv[n++] = "--gantt";
    argv[n] = NULL;
    struct cmd_result r;
    run_hvsim(&r, argv);
    unlink(path);
    free(path);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *out = r.out;
    r.out = NULL;
    cmd_result_free(&r);
    return out;
}

static void expect_gantt(const char *trace, const char *const *args, const char *expected)
{
    char *out = gantt_of(trace, args);
    cr_expect_str_eq(out, expected, "got:\n%s\nexpected:\n%s", out, expected);
    free(out);
}

/* FCFS, P1 P2 P3 all at 0: waiting 0, 24, 27, mean 17; turnaround mean 27. */
Test(gantt, silberschatz_a_fcfs)
{
    static const char *const args[] = {"--sched", "fcfs", NULL};
    expect_gantt(SILBERSCHATZ_A, args,
        "Gantt chart, times in s\n"
        "cpu0 |                                  P1                                   |   P2   |   P3   |\n"
        "     0                                                                       24       27       30\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "P1           0    24      0      24        0          24         1\n"
        "P2           0     3     24      27       24          27         9\n"
        "P3           0     3     27      30       27          30        10\n"
        "mean                                      17          27      6.67\n");
}

/* RR q=4: mean waiting 17/3.  The book draws P1's last five quanta (10-30)
 * one by one; hvsim draws one segment, since P1 runs on without a switch. */
Test(gantt, silberschatz_a_rr_quantum_4)
{
    static const char *const args[] = {"--sched", "rr", "--quantum", "4", NULL};
    expect_gantt(SILBERSCHATZ_A, args,
        "Gantt chart, times in s\n"
        "cpu0 |    P1     |   P2   |   P3   |                            P1                             |\n"
        "     0           4        7        10                                                          30\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "P1           0    24      0      30        6          30      1.25\n"
        "P2           0     3      4       7        4           7      2.33\n"
        "P3           0     3      7      10        7          10      3.33\n"
        "mean                                   5.667      15.667      2.31\n");
}

/* SJF: P4 P1 P3 P2, mean waiting 7. */
Test(gantt, silberschatz_b_sjf)
{
    static const char *const args[] = {"--sched", "sjf", NULL};
    expect_gantt(SILBERSCHATZ_B, args,
        "Gantt chart, times in s\n"
        "cpu0 |   P4   |       P1        |         P3         |          P2           |\n"
        "     0        3                 9                    16                      24\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "P1           0     6      3       9        3           9       1.5\n"
        "P2           0     8     16      24       16          24         3\n"
        "P3           0     7      9      16        9          16      2.29\n"
        "P4           0     3      0       3        0           3         1\n"
        "mean                                       7          13      1.95\n");
}

/* SRTF (preemptive SJF): 0 1 5 10 17 26, mean waiting 6.5. */
Test(gantt, silberschatz_c_srtf)
{
    static const char *const args[] = {"--sched", "srtf", NULL};
    expect_gantt(SILBERSCHATZ_C, args,
        "Gantt chart, times in s\n"
        "cpu0 |P1|    P2     |      P4      |         P1         |            P3            |\n"
        "     0  1           5              10                   17                         26\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "P1           0     8      0      17        9          17      2.12\n"
        "P2           1     4      1       5        0           4         1\n"
        "P3           2     9     17      26       15          24      2.67\n"
        "P4           3     5      5      10        2           7       1.4\n"
        "mean                                     6.5          13       1.8\n");
}

/* non-preemptive SJF with arrivals: mean waiting 7.75. */
Test(gantt, silberschatz_c_sjf)
{
    static const char *const args[] = {"--sched", "sjf", NULL};
    expect_gantt(SILBERSCHATZ_C, args,
        "Gantt chart, times in s\n"
        "cpu0 |          P1           |    P2     |      P4      |            P3            |\n"
        "     0                       8           12             17                         26\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "P1           0     8      0       8        0           8         1\n"
        "P2           1     4      8      12        7          11      2.75\n"
        "P3           2     9     17      26       15          24      2.67\n"
        "P4           3     5     12      17        9          14       2.8\n"
        "mean                                    7.75       14.25       2.3\n");
}

/* non-preemptive priority (1 highest): P2 P5 P1 P3 P4, 0 1 6 16 18 19,
 * mean waiting 8.2. */
Test(gantt, silberschatz_priority)
{
    static const char *const args[] = {"--sched", "priority", NULL};
    expect_gantt(SILBERSCHATZ_PRIO, args,
        "Gantt chart, times in s\n"
        "cpu0 |P2 |        P5         |                  P1                   |  P3   |P4 |\n"
        "     0   1                   6                                       16      18  19\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "P1           0    10      6      16        6          16       1.6\n"
        "P2           0     1      0       1        0           1         1\n"
        "P3           0     2     16      18       16          18         9\n"
        "P4           0     1     18      19       18          19        19\n"
        "P5           0     5      1       6        1           6       1.2\n"
        "mean                                     8.2          12      6.36\n");
}

/* FCFS: finish 3 9 13 18 20, mean turnaround 8.60, Tr/Ts 2.56. */
Test(gantt, stallings_fcfs)
{
    static const char *const args[] = {"--sched", "fcfs", NULL};
    expect_gantt(STALLINGS, args,
        "Gantt chart, times in s\n"
        "cpu0 |     A     |           B           |       C       |         D         |   E   |\n"
        "     0           3                       9               13                  18      20\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "A            0     3      0       3        0           3         1\n"
        "B            2     6      3       9        1           7      1.17\n"
        "C            4     4      9      13        5           9      2.25\n"
        "D            6     5     13      18        7          12       2.4\n"
        "E            8     2     18      20       10          12         6\n"
        "mean                                     4.6         8.6      2.56\n");
}

/* RR q=1: finish 4 18 17 20 15, mean turnaround 10.80, Tr/Ts 2.71. */
Test(gantt, stallings_rr_quantum_1)
{
    static const char *const args[] = {"--sched", "rr", "--quantum", "1", NULL};
    expect_gantt(STALLINGS, args,
        "Gantt chart, times in s\n"
        "cpu0 |   A   | B | A | B | C | B | D | C | B | E | D | C | B | E | D | C | B |   D   |\n"
        "     0       2   3   4   5   6   7   8   9   10  11  12  13  14  15  16  17  18      20\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "A            0     3      0       4        1           4      1.33\n"
        "B            2     6      2      18       10          16      2.67\n"
        "C            4     4      5      17        9          13      3.25\n"
        "D            6     5      7      20        9          14       2.8\n"
        "E            8     2     10      15        5           7       3.5\n"
        "mean                                     6.8        10.8      2.71\n");
}

/* RR q=4: finish 3 17 11 20 19, mean turnaround 10.00, Tr/Ts 2.71. */
Test(gantt, stallings_rr_quantum_4)
{
    static const char *const args[] = {"--sched", "rr", "--quantum", "4", NULL};
    expect_gantt(STALLINGS, args,
        "Gantt chart, times in s\n"
        "cpu0 |     A     |       B       |       C       |       D       |   B   |   E   | D |\n"
        "     0           3               7               11              15      17      19  20\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "A            0     3      0       3        0           3         1\n"
        "B            2     6      3      17        9          15       2.5\n"
        "C            4     4      7      11        3           7      1.75\n"
        "D            6     5     11      20        9          14       2.8\n"
        "E            8     2     17      19        9          11       5.5\n"
        "mean                                       6          10      2.71\n");
}

/* SPN (shortest process next): finish 3 9 15 20 11, mean turnaround
 * 7.60, Tr/Ts 1.84. */
Test(gantt, stallings_spn)
{
    static const char *const args[] = {"--sched", "sjf", NULL};
    expect_gantt(STALLINGS, args,
        "Gantt chart, times in s\n"
        "cpu0 |     A     |           B           |   E   |       C       |         D         |\n"
        "     0           3                       9       11              15                  20\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "A            0     3      0       3        0           3         1\n"
        "B            2     6      3       9        1           7      1.17\n"
        "C            4     4     11      15        7          11      2.75\n"
        "D            6     5     15      20        9          14       2.8\n"
        "E            8     2      9      11        1           3       1.5\n"
        "mean                                     3.6         7.6      1.84\n");
}

/* SRT (shortest remaining time): finish 3 15 8 20 10, mean turnaround
 * 7.20, Tr/Ts 1.59. */
Test(gantt, stallings_srt)
{
    static const char *const args[] = {"--sched", "srtf", NULL};
    expect_gantt(STALLINGS, args,
        "Gantt chart, times in s\n"
        "cpu0 |     A     | B |       C       |   E   |         B         |         D         |\n"
        "     0           3   4               8       10                  15                  20\n"
        "\n"
        "Per-guest table, times in s (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "A            0     3      0       3        0           3         1\n"
        "B            2     6      3      15        7          13      2.17\n"
        "C            4     4      4       8        0           4         1\n"
        "D            6     5     15      20        9          14       2.8\n"
        "E            8     2      8      10        0           2         1\n"
        "mean                                     3.2         7.2      1.59\n");
}

/* Thirty guests of 1 s in a row need more than 100 columns: the chart
 * wraps at a boundary, and the second part starts with the time of its
 * first separator. */
Test(gantt, wraps_at_100_columns_with_the_time_of_each_part)
{
    char trace[600] = "id,arrival,work\n";
    for (int i = 1; i <= 30; i++)
        snprintf(trace + strlen(trace), sizeof trace - strlen(trace), "G%02d,0,1\n", i);
    static const char *const args[] = {"--sched", "fcfs", NULL};
    char *out = gantt_of(trace, args);
    for (char *line = out; *line;) {
        size_t len = strcspn(line, "\n");
        cr_expect(len <= 100, "a line of %zu columns: %.*s", len, (int)len, line);
        line += len + (line[len] == '\n');
    }
    const char *expected_chart =
        "Gantt chart, times in s\n"
        "cpu0 |G01|G02|G03|G04|G05|G06|G07|G08|G09|G10|G11|G12|G13|G14|G15|G16|G17|G18|G19|G20|G21|G22|G23|\n"
        "     0   1   2   3   4   5   6   7   8   9   10  11  12  13  14  15  16  17  18  19  20  21  22  23\n"
        "\n"
        "cpu0 |G24|G25|G26|G27|G28|G29|G30|\n"
        "     23  24  25  26  27  28  29  30\n"
        "\n";
    cr_expect(strncmp(out, expected_chart, strlen(expected_chart)) == 0, "%s", out);
    free(out);
}

/* A workload in milliseconds is drawn and tabled in ms, exactly (it was
 * drawn `|P|` in seconds). */
Test(gantt, times_in_the_unit_of_the_span)
{
    static const char *const args[] = {"--sched", "rr", "--quantum", "1.5ms", NULL};
    expect_gantt("id,arrival,work\nP1,0,0.003\nP2,0.0005,0.0015\n", args,
        "Gantt chart, times in ms\n"
        "cpu0 |             P1              |             P2              |             P1              |\n"
        "     0                             1.5                           3                             4.5\n"
        "\n"
        "Per-guest table, times in ms (waiting = turnaround - time run; slowdown = turnaround / work)\n"
        "guest  arrival  work  start  finish  waiting  turnaround  slowdown\n"
        "P1           0     3      0     4.5      1.5         4.5       1.5\n"
        "P2         0.5   1.5    1.5       3        1         2.5      1.67\n"
        "mean                                    1.25         3.5      1.58\n");
}

/* A core with nothing to run between two guests shows the gap as idle. */
Test(gantt, idle_stretches)
{
    static const char *const args[] = {"--sched", "fcfs", NULL};
    char *out = gantt_of("id,arrival,work\nP1,0,2\nP2,4,2\n", args);
    cr_expect(strstr(out, "Gantt chart, times in s (. = idle)\n") != NULL, "%s", out);
    cr_expect(strstr(out, "|.....") != NULL, "%s", out);
    cr_expect(strstr(out, "     0") != NULL && strstr(out, " 2 ") != NULL &&
              strstr(out, " 4 ") != NULL && strstr(out, " 6\n") != NULL, "%s", out);
    free(out);
}

/* 250 guests: the table shows the first 200 of the trace and says so;
 * its mean row covers all 250 and agrees with the summary.  With --json
 * the chart and table go to stderr and stdout is the JSON alone. */
Test(gantt, cut_table_mean_over_every_guest_and_json_on_stdout, .timeout = 60)
{
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=250,interarrival=exp:1.25,work=exp:1", "--sched", "fcfs",
        "--gantt", "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t je;
    json_t *j = json_loads(r.out, 0, &je);
    cr_assert_not_null(j, "stdout is not JSON: %s", je.text);
    cr_expect(strstr(r.err, "(the first 200 of 250 guests in trace order; the mean is over "
                            "all 250; jobs.csv under --out has every one)") != NULL, "%s", r.err);
    const char *mean = strstr(r.err, "\nmean ");
    cr_assert_not_null(mean, "%s", r.err);
    double waiting, turnaround;
    cr_assert_eq(sscanf(mean + 6, "%lf %lf", &waiting, &turnaround), 2, "%s", mean);
    double jw = json_number_value(json_object_get(json_object_get(j, "waiting"), "mean"));
    double jt = json_number_value(json_object_get(json_object_get(j, "turnaround"), "mean"));
    cr_expect(fabs(waiting - jw) <= 0.0005 && fabs(turnaround - jt) <= 0.0005,
              "table means %g %g, summary %g %g", waiting, turnaround, jw, jt);
    json_decref(j);
    cmd_result_free(&r);
}
