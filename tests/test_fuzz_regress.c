/*
 * tests/test_fuzz_regress.c - replay the inputs that made a fuzz target
 * fail (tests/fuzz/regress/<fmt>/NAME, with NAME.expected holding
 * "records R errors E skipped S") and the seed corpora, through the same
 * harness the fuzzers use; and the corpora of the other targets
 * (tests/fuzz/targets.h: config, generate, duration, platform, profile,
 * summary), whose properties abort when broken.  A crash, a sanitizer
 * report or a hang fails the test; the outcome must match the expected
 * one.
 */
#include "trace_test_util.h"

#include <dirent.h>

#include "tests/fuzz/harness.h"
#include "tests/fuzz/targets.h"
#include "tests/helpers.h"

static const char *const fmts[] = {"csv", "swf", "planetlab", "bitbrains", "azure", "json",
                                   "phases"};

/* Replay every input of dir; returns how many had an expected outcome. */
static int replay(const char *dir, const char *fmt, int *inputs)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int checked = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || (len > 9 && strcmp(e->d_name + len - 9, ".expected") == 0))
            continue;
        char path[512], exp[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n;
        unsigned char *data = (unsigned char *)test_slurp(path, &n);
        struct fuzz_outcome o = fuzz_one(fmt, data, n);
        free(data);
        (*inputs)++;
        snprintf(exp, sizeof exp, "%s.expected", path);
        FILE *f = fopen(exp, "r");
        if (!f)
            continue;
        long rec, err, skip;
        cr_assert_eq(fscanf(f, "records %ld errors %ld skipped %ld", &rec, &err, &skip), 3,
                     "%s", exp);
        fclose(f);
        cr_expect_eq(o.records, rec, "%s: records %ld, expected %ld", path, o.records, rec);
        cr_expect_eq(o.errors, err, "%s: errors %ld, expected %ld", path, o.errors, err);
        cr_expect_eq(o.skipped, skip, "%s: skipped %ld, expected %ld", path, o.skipped, skip);
        checked++;
    }
    closedir(d);
    return checked;
}

Test(fuzz_regress, saved_failures_and_seeds, .timeout = 60)
{
    int inputs = 0, checked = 0;
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        char dir[256];
        snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", fmts[i]);
        checked += replay(dir, fmts[i], &inputs);
        snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", fmts[i]);
        replay(dir, fmts[i], &inputs);
    }
    cr_assert_geq(checked, 1, "the saved failing inputs have expected outcomes");
    cr_assert_geq(inputs, 9);
}

/* The seeds are valid traces: they must read without errors. */
Test(fuzz_regress, seeds_are_clean)
{
    struct {
        const char *fmt, *file;
        long records;
    } seeds[] = {
        {"csv", "tests/fuzz/corpus/csv/sample.csv", 3},
        {"swf", "tests/fuzz/corpus/swf/kth.swf", 6},
        {"planetlab", "tests/fuzz/corpus/planetlab/two", 2},
        {"bitbrains", "tests/fuzz/corpus/bitbrains/two", 2},
        {"azure", "tests/fuzz/corpus/azure/one", 31},
        {"json", "tests/fuzz/corpus/json/sample.json", 3},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        size_t n;
        unsigned char *data = (unsigned char *)test_slurp(seeds[i].file, &n);
        struct fuzz_outcome o = fuzz_one(seeds[i].fmt, data, n);
        free(data);
        cr_expect_eq(o.errors, 0, "%s", seeds[i].file);
        cr_expect_eq(o.records, seeds[i].records, "%s: %ld records", seeds[i].file, o.records);
    }
}

/* The other targets: every input of their corpora and saved failures runs
 * without a crash and keeps the target's properties. */
Test(fuzz_regress, other_targets_corpora, .timeout = 120)
{
    for (size_t t = 0; t < sizeof fuzz_targets / sizeof fuzz_targets[0]; t++) {
        int inputs = 0;
        const char *kinds[] = {"corpus", "regress"};
        for (int k = 0; k < 2; k++) {
            char dir[256];
            snprintf(dir, sizeof dir, "tests/fuzz/%s/%s", kinds[k], fuzz_targets[t].name);
            DIR *d = opendir(dir);
            if (!d)
                continue;
            struct dirent *e;
            while ((e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                char path[600];
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                size_t n;
                unsigned char *data = (unsigned char *)test_slurp(path, &n);
                fuzz_targets[t].one(data, n);
                free(data);
                inputs++;
            }
            closedir(d);
        }
        cr_expect_geq(inputs, 1, "no seed for fuzz target %s", fuzz_targets[t].name);
    }
}
