/*
 * tests/fuzz/harness.h - feed one fuzzer input to a trace reader.
 *
 * Shared by the libFuzzer targets (tests/fuzz/fuzz_<fmt>.c) and by the
 * Criterion test that replays the saved inputs (tests/test_fuzz_regress.c),
 * so a regression case runs exactly the code that found it.
 *
 * The input becomes files in a private temporary directory:
 *   csv, swf, json,  the whole input is the file;
 *   phases
 *   planetlab,       the input is split at each "\n@@" into up to 4 member
 *   bitbrains        files of one directory, which is read;
 *   azure            split at the first "\n@@" into the arrivals file
 *                    v.txt and the lifetimes file v.c9000.txt.
 * Every record is read to the end (bad records included, as `hvsim check`
 * does), so every error path can be reached.
 */
#ifndef TESTS_FUZZ_HARNESS_H
#define TESTS_FUZZ_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workloads/trace.h"

/* Each target uses some of these helpers only. */
#define FUZZ_UNUSED __attribute__((unused))

struct fuzz_outcome {
    long records, errors, skipped;
    int open_rc;
};

static FUZZ_UNUSED void fuzz_put(const char *path, const unsigned char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    if (n)
        fwrite(data, 1, n, f);
    fclose(f);
}

static char fuzz_dir_name[64];

/* Every input removes its files, so the directory is empty at exit. */
static FUZZ_UNUSED void fuzz_dir_remove(void) { rmdir(fuzz_dir_name); }

/* The temporary directory of this process (made once, reused: a fuzzer
 * runs millions of inputs). */
static FUZZ_UNUSED const char *fuzz_dir(void)
{
    if (!fuzz_dir_name[0]) {
        snprintf(fuzz_dir_name, sizeof fuzz_dir_name, "/tmp/hvsim-fuzz-XXXXXX");
        if (!mkdtemp(fuzz_dir_name)) {
            perror("mkdtemp");
            abort();
        }
        atexit(fuzz_dir_remove);
    }
    return fuzz_dir_name;
}

/* Next piece of data split at "\n@@": *len gets its length, the return
 * value the start of the rest (or NULL). */
static FUZZ_UNUSED const unsigned char *fuzz_split(const unsigned char *d, size_t n, size_t *len)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if (d[i] == '\n' && d[i + 1] == '@' && d[i + 2] == '@') {
            *len = i + 1; /* keep the newline */
            return d + i + 3;
        }
    *len = n;
    return NULL;
}

static FUZZ_UNUSED struct fuzz_outcome fuzz_read(const char *path, const char *format)
{
    struct fuzz_outcome o = {0, 0, 0, 0};
    struct trace_options opt;
    trace_options_init(&opt);
    opt.format = format;
    struct trace_reader r;
    struct sim_error e;
    o.open_rc = trace_open(&r, path, &opt, &e);
    if (o.open_rc < 0)
        return o;
    struct trace_record rec;
    trace_record_init(&rec);
    double prev = 0;
    /* Every call consumes input, so this ends; the bound only guards
     * against a reader bug turning into a hang instead of a report. */
    for (long i = 0; i < 10000000; i++) {
        int rc = trace_next(&r, &rec, &e);
        if (rc == TRACE_EOF)
            break;
        if (rc == TRACE_RECORD) {
            o.records++;
            /* A record that breaks trace.h's invariants is a bug too. */
            if (!(rec.work > 0) || rec.vcpus < 1 || !(rec.arrival >= prev) ||
                (rec.series && (rec.series->n < 1 || !(rec.series->interval > 0))))
                abort();
            prev = rec.arrival;
            continue;
        }
        o.errors++;
        if (rc != SIM_EINVAL)
            break;
    }
    trace_record_clear(&rec);
    for (int k = 0; k < TRACE_SKIP_MAX; k++)
        o.skipped += r.skipped[k];
    trace_close(&r);
    return o;
}

/* Run one input through format fmt. */
static FUZZ_UNUSED struct fuzz_outcome fuzz_one(const char *fmt, const unsigned char *data, size_t n)
{
    const char *dir = fuzz_dir();
    char path[256], sub[200];
    struct fuzz_outcome o;
    if (strcmp(fmt, "csv") == 0 || strcmp(fmt, "swf") == 0 || strcmp(fmt, "json") == 0 ||
        strcmp(fmt, "phases") == 0) {
        snprintf(path, sizeof path, "%s/in.%s", dir, fmt);
        fuzz_put(path, data, n);
        o = fuzz_read(path, fmt);
        remove(path);
        return o;
    }
    if (strcmp(fmt, "azure") == 0) {
        char a[256], d[256];
        snprintf(sub, sizeof sub, "%s/az", dir);
        mkdir(sub, 0700);
        snprintf(a, sizeof a, "%s/v.txt", sub);
        snprintf(d, sizeof d, "%s/v.c9000.txt", sub);
        size_t len;
        const unsigned char *rest = fuzz_split(data, n, &len);
        fuzz_put(a, data, len);
        fuzz_put(d, rest ? rest : data, rest ? n - (size_t)(rest - data) : 0);
        o = fuzz_read(sub, "azure");
        remove(a);
        remove(d);
        rmdir(sub);
        return o;
    }
    /* planetlab, bitbrains: up to 4 member files */
    snprintf(sub, sizeof sub, "%s/vms", dir);
    mkdir(sub, 0700);
    const unsigned char *p = data;
    size_t left = n;
    int k = 0;
    while (p && k < 4) {
        size_t len;
        const unsigned char *rest = fuzz_split(p, left, &len);
        snprintf(path, sizeof path, "%s/vm%d.csv", sub, k++);
        fuzz_put(path, p, len);
        if (rest)
            left -= (size_t)(rest - p);
        p = rest;
    }
    o = fuzz_read(sub, fmt);
    while (k-- > 0) {
        snprintf(path, sizeof path, "%s/vm%d.csv", sub, k);
        remove(path);
    }
    rmdir(sub);
    return o;
}

#endif /* TESTS_FUZZ_HARNESS_H */
