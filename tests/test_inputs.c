/*
 * tests/test_inputs.c - the inputs people have, as a user meets them:
 * compressed traces (gzip, xz, zstd, bzip2) read like the plain ones,
 * standard input, FIFOs and devices, per-VM directories that say what they
 * skip, one exit status per kind of path error for every option that takes
 * a path, JSON errors at FILE:LINE:COL, paths in a config relative to it,
 * values never changed silently, an SWF log's machine size, placement that
 * spreads guests, and the warnings of a result whose meaning changes.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "base/xalloc.h"
#include "report/report.h"
#include "tests/helpers.h"

#define KTH "workloads/samples/kth-sp2-1996-head3000.swf"
#define PLANETLAB "tests/data/traces/valid/planetlab"
#define BITBRAINS "tests/data/traces/valid/bitbrains"

static const char *bin(void)
{
    const char *b = getenv("HVSIM_BIN");
    return b ? b : "build/hvsim";
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* data compressed as codec ("gzip", "xz", "zstd", "bzip2"), by the
 * libraries themselves (no command-line tool needed). */
static unsigned char *compress_as(const char *codec, const char *data, size_t len, size_t *out)
{
    size_t cap = len + len / 2 + 4096;
    unsigned char *buf = xmalloc(cap);
    if (!strcmp(codec, "gzip")) {
        z_stream z = {0};
        cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (Bytef *)data;
        z.avail_in = (uInt)len;
        z.next_out = buf;
        z.avail_out = (uInt)cap;
        cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
        *out = z.total_out;
        deflateEnd(&z);
    } else if (!strcmp(codec, "xz")) {
        size_t pos = 0;
        cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)data,
                                             len, buf, &pos, cap), LZMA_OK);
        *out = pos;
    } else if (!strcmp(codec, "zstd")) {
        size_t n = ZSTD_compress(buf, cap, data, len, 3);
        cr_assert(!ZSTD_isError(n));
        *out = n;
    } else {
        unsigned n = (unsigned)cap;
        cr_assert_eq(BZ2_bzBuffToBuffCompress((char *)buf, &n, (char *)data, (unsigned)len, 9, 0,
                                              0), BZ_OK);
        *out = n;
    }
    return buf;
}

/* The summary of a --json run, wall clock and workload name left out. */
static char *summary_of(const struct cmd_result *r)
{
    json_t *j = json_loads(r->out, 0, NULL);
    cr_assert_not_null(j, "not JSON: %s %s", r->out, r->err);
    report_strip_wallclock(j);
    json_object_del(j, "workload");
    json_object_del(j, "notes");
    json_object_del(json_object_get(j, "config"), "trace");
    char *s = json_dumps(j, JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

static const char *const codecs[][2] = {
    {"gzip", ".gz"}, {"xz", ".xz"}, {"zstd", ".zst"}, {"bzip2", ".bz2"}};

/* Each compression is read by its magic bytes and gives the same records
 * and the same run as the plain file; the format comes from the inner
 * name (kth.swf.gz is swf). */
Test(inputs, compressed_traces_read_like_plain_ones, .timeout = 120)
{
    char *dir = test_tmpdir("inputs");
    size_t len;
    char *plain = test_slurp(KTH, &len);
    struct cmd_result r;
    RUN(&r, "run", "--trace", KTH, "--sched", "minlat", "--json", "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *want = summary_of(&r);
    cmd_result_free(&r);
    for (size_t i = 0; i < 4; i++) {
        size_t clen;
        unsigned char *c = compress_as(codecs[i][0], plain, len, &clen);
        char path[600];
        snprintf(path, sizeof path, "%s/kth.swf%s", dir, codecs[i][1]);
        write_file(path, c, clen);
        RUN(&r, "check", path);
        cr_expect_eq(r.status, 0, "%s: %s", codecs[i][0], r.err);
        cr_expect(strstr(r.out, "format: swf\nrecords: 2999\n"), "%s: %s", codecs[i][0], r.out);
        cmd_result_free(&r);
        RUN(&r, "run", "--trace", path, "--sched", "minlat", "--json", "--quiet");
        cr_assert_eq(r.status, 0, "%s: %s", codecs[i][0], r.err);
        char *got = summary_of(&r);
        cr_expect_str_eq(got, want, "%s: not the plain file's run", codecs[i][0]);
        free(got);
        cmd_result_free(&r);
        /* the name does not decide: a compressed file called .swf */
        snprintf(path, sizeof path, "%s/misnamed-%s.swf", dir, codecs[i][0]);
        write_file(path, c, clen);
        RUN(&r, "check", path);
        cr_expect_eq(r.status, 0, "%s misnamed: %s", codecs[i][0], r.err);
        cmd_result_free(&r);
        /* cut short: bad input with a location, exit 2 */
        snprintf(path, sizeof path, "%s/cut.swf%s", dir, codecs[i][1]);
        write_file(path, c, clen * 2 / 3);
        RUN(&r, "check", path);
        cr_expect_eq(r.status, 2, "%s cut: exit %d", codecs[i][0], r.status);
        char msg[200];
        snprintf(msg, sizeof msg, "unexpected end of the %s data", codecs[i][0]);
        cr_expect(strstr(r.err, msg) && strstr(r.err, "cut.swf"), "%s", r.err);
        cmd_result_free(&r);
        RUN(&r, "run", "--trace", path);
        cr_expect_eq(r.status, 2, "%s cut: run exit %d", codecs[i][0], r.status);
        cr_expect(strstr(r.err, msg), "%s", r.err);
        cmd_result_free(&r);
        /* corrupt in the middle */
        c[clen / 2] ^= 0x5a;
        c[clen / 2 + 1] ^= 0xa5;
        snprintf(path, sizeof path, "%s/bad.swf%s", dir, codecs[i][1]);
        write_file(path, c, clen);
        RUN(&r, "check", path);
        cr_expect_eq(r.status, 2, "%s corrupt: exit %d (%s)", codecs[i][0], r.status, r.err);
        cmd_result_free(&r);
        free(c);
    }
    free(want);
    free(plain);
    test_remove_tree(dir);
    free(dir);
}

/* Concatenated members (pigz, `cat a.gz b.gz`) are read through. */
Test(inputs, concatenated_streams)
{
    char *dir = test_tmpdir("inputs");
    const char *a = "arrival,work\n0,1\n1,1\n", *b = "2,1\n3,1\n";
    for (size_t i = 0; i < 4; i++) {
        size_t la, lb;
        unsigned char *ca = compress_as(codecs[i][0], a, strlen(a), &la);
        unsigned char *cb = compress_as(codecs[i][0], b, strlen(b), &lb);
        unsigned char *both = xmalloc(la + lb);
        memcpy(both, ca, la);
        memcpy(both + la, cb, lb);
        char path[600];
        snprintf(path, sizeof path, "%s/t.csv%s", dir, codecs[i][1]);
        write_file(path, both, la + lb);
        struct cmd_result r;
        RUN(&r, "check", path);
        cr_expect_eq(r.status, 0, "%s: %s", codecs[i][0], r.err);
        cr_expect(strstr(r.out, "records: 4\n"), "%s: %s", codecs[i][0], r.out);
        cmd_result_free(&r);
        free(ca);
        free(cb);
        free(both);
    }
    test_remove_tree(dir);
    free(dir);
}

/* Every file of a per-VM directory may be compressed; a directory of
 * *.csv.gz is Bitbrains, as one of *.csv. */
Test(inputs, per_vm_directories_of_compressed_files)
{
    char *dir = test_tmpdir("inputs");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir '%s/pl' '%s/bb' && for f in %s/*; do gzip -c \"$f\" > "
             "'%s/pl/'\"$(basename \"$f\")\".gz; done && for f in %s/*; do xz -c \"$f\" > "
             "'%s/bb/'\"$(basename \"$f\")\".xz; done", dir, dir, PLANETLAB, dir, BITBRAINS, dir);
    cr_assert_eq(system(cmd), 0);
    const char *pairs[][2] = {{PLANETLAB, "pl"}, {BITBRAINS, "bb"}};
    for (size_t i = 0; i < 2; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, pairs[i][1]);
        struct cmd_result a, b;
        RUN(&a, "check", pairs[i][0]);
        RUN(&b, "check", path);
        cr_expect_eq(b.status, 0, "%s", b.err);
        /* the same summary but for the first line (the path) */
        cr_expect_str_eq(strchr(b.out, '\n'), strchr(a.out, '\n'));
        cmd_result_free(&a);
        cmd_result_free(&b);
    }
    test_remove_tree(dir);
    free(dir);
}

/* `--trace -` reads standard input (with --format; it has no name); it
 * can be read once, so one replication; a FIFO is read like a file. */
Test(inputs, stdin_and_fifo, .timeout = 60)
{
    char *dir = test_tmpdir("inputs");
    char cmd[2400], out[700], err[700];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    snprintf(cmd, sizeof cmd, "gzip -c %s | '%s' run --trace - --format swf --json "
             "--quiet > '%s' 2> '%s'", KTH, bin(), out, err);
    cr_assert_eq(system(cmd), 0, "%s", test_slurp(err, NULL));
    char *text = test_slurp(out, NULL);
    json_t *j = json_loads(text, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "jobs"), "arrived")), 2999);
    json_decref(j);
    free(text);
    snprintf(cmd, sizeof cmd, "'%s' check - < %s > /dev/null 2> '%s'", bin(), KTH, err);
    int st = system(cmd);
    cr_expect_eq(WEXITSTATUS(st), 2);
    text = test_slurp(err, NULL);
    cr_expect(strstr(text, "standard input (--trace -) has no name"), "%s", text);
    free(text);
    snprintf(cmd, sizeof cmd, "'%s' run --trace - --format swf --reps 2 < %s > /dev/null 2> '%s'",
             bin(), KTH, err);
    st = system(cmd);
    cr_expect_eq(WEXITSTATUS(st), 2);
    text = test_slurp(err, NULL);
    cr_expect(strstr(text, "can be read only once"), "%s", text);
    free(text);
    /* errors in standard input are located in <stdin> */
    snprintf(cmd, sizeof cmd, "printf 'arrival,work\\n0,x\\n' | '%s' check - --format csv "
             "> /dev/null 2> '%s'", bin(), err);
    st = system(cmd);
    cr_expect_eq(WEXITSTATUS(st), 2);
    text = test_slurp(err, NULL);
    cr_expect(strstr(text, "<stdin>:2:3: work: not a decimal number"), "%s", text);
    free(text);

    char fifo[700];
    snprintf(fifo, sizeof fifo, "%s/t.csv", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    pid_t w = fork();
    if (w == 0) {
        int fd = open(fifo, O_WRONLY);
        const char *csv = "arrival,work\n0,1\n0.5,2\n";
        (void)!write(fd, csv, strlen(csv));
        _exit(0);
    }
    struct cmd_result r;
    RUN(&r, "run", "--trace", fifo, "--json", "--quiet");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"arrived\": 2"), "%s", r.out);
    cmd_result_free(&r);
    waitpid(w, NULL, 0);
    test_remove_tree(dir);
    free(dir);
}

/* A device is read with the same limits as a file: the 1 MiB line rule
 * ends /dev/zero, a NUL byte ends /dev/urandom; a FIFO nobody writes to
 * where a JSON file is expected reads as empty, never a hang. */
Test(inputs, devices_and_writerless_fifos_end, .timeout = 60)
{
    struct cmd_result r;
    RUN(&r, "check", "/dev/zero", "--format", "csv");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "/dev/zero:1:1048577: line longer than 1 MiB"), "%s", r.err);
    cmd_result_free(&r);
    RUN(&r, "check", "/dev/urandom", "--format", "swf");
    cr_expect_eq(r.status, 2);
    cmd_result_free(&r);
    RUN(&r, "run", "--trace", "/dev/zero", "--format", "csv");
    cr_expect_eq(r.status, 2);
    cmd_result_free(&r);
    char *dir = test_tmpdir("inputs");
    const char *opts[] = {"--config", "--platform", "--hw"};
    for (size_t i = 0; i < 3; i++) {
        char fifo[700];
        snprintf(fifo, sizeof fifo, "%s/f%zu.json", dir, i);
        cr_assert_eq(mkfifo(fifo, 0600), 0);
        RUN(&r, "run", opts[i], fifo);
        cr_expect_eq(r.status, 2, "%s FIFO: exit %d", opts[i], r.status);
        cr_expect(strstr(r.err, fifo) && strstr(r.err, "empty"), "%s: %s", opts[i], r.err);
        cmd_result_free(&r);
    }
    test_remove_tree(dir);
    free(dir);
}

/* A per-VM directory says what it did not read. */
Test(inputs, per_vm_directory_reports_what_it_skips)
{
    char *dir = test_tmpdir("inputs");
    char cmd[2400], d[700];
    snprintf(d, sizeof d, "%s/pl", dir);
    snprintf(cmd, sizeof cmd, "cp -r %s '%s' && cd '%s' && mkdir sub && mkfifo pipe && "
             "ln -s loop loop && touch .hidden", PLANETLAB, d, d);
    cr_assert_eq(system(cmd), 0);
    struct cmd_result r;
    RUN(&r, "check", d);
    cr_expect_eq(r.status, 0, "%s", r.err);
    const char *want = "not read: 1 hidden file ('.hidden'), 1 subdirectory ('sub'), 1 FIFO, "
                       "socket or device ('pipe'), 1 symbolic-link loop ('loop')\n";
    cr_expect(strstr(r.out, want), "%s", r.out);
    cmd_result_free(&r);
    RUN(&r, "run", "--trace", d, "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "not read: 1 hidden file"), "%s", r.err);
    cr_expect(strstr(r.out, "not read: 1 hidden file"), "the summary's notes: %s", r.out);
    cmd_result_free(&r);
    test_remove_tree(dir);
    free(dir);
}

/* One exit status per kind of error: a path that is missing, of the
 * wrong type or a symbolic-link loop is bad input (exit 2, "PATH:
 * reason") for every option that takes one. */
Test(inputs, path_errors_exit_2_for_every_option)
{
    char *dir = test_tmpdir("inputs");
    char missing[700], loop[700], file[700];
    snprintf(missing, sizeof missing, "%s/nope.json", dir);
    snprintf(loop, sizeof loop, "%s/loop.json", dir);
    snprintf(file, sizeof file, "%s/file", dir);
    cr_assert_eq(symlink("loop.json", loop), 0);
    write_file(file, "x", 1);
    struct {
        const char *path, *why;
    } kinds[] = {{missing, "No such file or directory"},
                 {loop, "symbolic-link loop"},
                 {dir, "is a directory, not a file"}};
    for (size_t k = 0; k < 3; k++) {
        const char *p = kinds[k].path;
        const char *const cmds[][6] = {
            {"run", "--trace", p, "--format", "csv", NULL}, {"run", "--hw", p, NULL},
            {"run", "--config", p, NULL},                   {"run", "--platform", p, NULL},
            {"check", p, "--format", "swf", NULL},          {"explain", "--hw", p, NULL},
        };
        for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
            struct cmd_result r;
            run_hvsim(&r, cmds[c]);
            /* check lists problems as FILE:LINE: what, without "hvsim: " */
            char want[800];
            snprintf(want, sizeof want, "%s%s: %s", strcmp(cmds[c][0], "check") ? "hvsim: " : "",
                     p, kinds[k].why);
            cr_expect_eq(r.status, 2, "%s %s %s: exit %d", cmds[c][0], cmds[c][1], p, r.status);
            cr_expect(strstr(r.err, want), "%s %s: '%s' lacks '%s'", cmds[c][0], cmds[c][1],
                      r.err, want);
            cr_expect_str_empty(r.out);
            cmd_result_free(&r);
        }
    }
    /* compare takes directories: a missing one, a file, a loop */
    const char *cmp[][2] = {{missing, "No such file or directory"},
                            {file, "not a directory"},
                            {loop, "symbolic-link loop"}};
    for (size_t k = 0; k < 3; k++) {
        struct cmd_result r;
        RUN(&r, "compare", cmp[k][0]);
        cr_expect_eq(r.status, 2, "compare %s: exit %d", cmp[k][0], r.status);
        cr_expect(strstr(r.err, cmp[k][1]), "%s", r.err);
        cmd_result_free(&r);
    }
    test_remove_tree(dir);
    free(dir);
}

/* Type and range errors inside JSON files give FILE:LINE:COL and the key. */
Test(inputs, json_errors_at_line_and_column)
{
    const char *cases[][3] = {
        {"--config", "{\"sched\": \"rr\",\n  \"cores\": \"many\"}", ":2:12: key 'cores' must be"},
        {"--config", "{\"sched\": \"rr\",\n \"bogus\": 1}", ":2:2: unknown key 'bogus'"},
        {"--config", "{\n  \"quantum\": -1,\n  \"sched\": \"rr\"}", ":2:14: key 'quantum'"},
        {"--platform", "{\"hosts\": [{\"cores\": 2},\n {\"count\": 2, \"cores\": 0}]}",
         ":2:24: hosts[1]: key 'cores' must be an integer"},
        {"--platform", "{\"hosts\": [\n  {\"cores\": 2, \"gpu\": 1}]}",
         ":2:16: hosts[0]: unknown key 'gpu'"},
        {"--platform", "{\"hosts\": [{\"mem_mb\": 5}]}", ":1:12: hosts[0]: key 'cores' is required"},
        {"--config", "{\"cores\": 2,\n", ":2:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = write_temp(".json", cases[i][1]);
        struct cmd_result r;
        RUN(&r, "run", cases[i][0], p);
        char want[600];
        snprintf(want, sizeof want, "%s%s", p, cases[i][2]);
        cr_expect_eq(r.status, 2, "case %zu: exit %d", i, r.status);
        cr_expect(strstr(r.err, want), "case %zu: '%s' lacks '%s'", i, r.err, want);
        cmd_result_free(&r);
        unlink(p);
        free(p);
    }
}

/* Every path in a config file is relative to it, "hw" too. */
Test(inputs, config_paths_relative_to_the_config)
{
    char *dir = test_tmpdir("inputs");
    char cmd[1200], cfg[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/conf/prof' && cp models/profiles/skylake-sp.json "
             "'%s/conf/prof/mine.json' && printf 'arrival,work\\n0,1\\n' > '%s/conf/t.csv'",
             dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cfg, sizeof cfg, "%s/conf/c.json", dir);
    const char *text = "{\"hw\": \"prof/mine.json\", \"trace\": \"t.csv\", \"out\": \"res\"}";
    write_file(cfg, text, strlen(text));
    struct cmd_result r;
    RUN(&r, "run", "--config", cfg, "--quiet");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    char res[700];
    snprintf(res, sizeof res, "%s/conf/res", dir);
    char *s = test_slurp_in(res, "summary.json");
    cr_expect(strstr(s, "\"profile\": \"skylake-sp\""), "%s", s);
    free(s);
    test_remove_tree(dir);
    free(dir);
}

/* Values are never changed silently: each of these is an error naming
 * the limit and the reason. */
Test(inputs, values_never_silently_changed)
{
    const char *cases[][8] = {
        {"run", "--generate", "n=10^13", NULL, "not a number of guests"},
        {"run", "--generate", "n=1e13", NULL, "more than 1e+12 guests"},
        {"run", "--generate", "n=2.5", NULL, "whole number of guests"},
        {"run", "--generate", "n=10,vcpus=det:0", NULL, "whole number of vCPUs, 1..65536"},
        {"run", "--generate", "n=10,vcpus=det:2.5", NULL, "whole number of vCPUs"},
        {"run", "--generate", "n=10,vcpus=det:1e9", NULL, "1..65536"},
        {"run", "--sched", "rr", "--quantum", "0.5ns", NULL, "not a whole number of nanosec"},
        {"run", "--sched", "rr", "--quantum", "1e-10", NULL, "below the clock's resolution"},
        {"run", "--hosts", "100000", "--cores", "100000", NULL, "more than the limit of 4194304"},
        {"check", KTH, "--cores", "1e20", NULL, "out of range"},
        {"check", KTH, "--cores", "2.5", NULL, "not an integer"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = 0;
        while (cases[i][n])
            n++;
        struct cmd_result r;
        run_hvsim(&r, cases[i]);
        cr_expect_eq(r.status, 2, "case %zu: exit %d", i, r.status);
        cr_expect(strstr(r.err, cases[i][n + 1]), "case %zu: '%s' lacks '%s'", i, r.err,
                  cases[i][n + 1]);
        cmd_result_free(&r);
    }
    char *pf = write_temp(".json", "{\"hosts\": [{\"count\": 100000, \"cores\": 64}]}");
    struct cmd_result r;
    RUN(&r, "run", "--platform", pf);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "more than 4194304 cores in all"), "%s", r.err);
    cmd_result_free(&r);
    unlink(pf);
    free(pf);
}

/* An SWF log runs on its machine: MaxProcs (else MaxNodes) of its header
 * when --cores is not given, said in the summary; --cores wins. */
Test(inputs, swf_runs_on_its_header_machine)
{
    struct cmd_result r;
    RUN(&r, "run", "--trace", KTH, "--json", "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "config"), "cores")), 100);
    const char *note = json_string_value(json_array_get(json_object_get(j, "notes"), 0));
    cr_expect(note && strstr(note, "cores: 100, the MaxProcs of"), "%s", note);
    cr_expect_lt(json_number_value(json_object_get(j, "utilization")), 0.9);
    json_decref(j);
    cmd_result_free(&r);
    RUN(&r, "run", "--trace", KTH, "--cores", "128", "--json", "--quiet");
    j = json_loads(r.out, 0, NULL);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "config"), "cores")), 128);
    cr_expect_null(json_object_get(j, "notes"));
    json_decref(j);
    cmd_result_free(&r);
    char *t = write_temp(".swf", "; MaxNodes: 8\n1 0 0 10 2 -1 -1 2 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n");
    RUN(&r, "run", "--trace", t, "--json", "--quiet");
    j = json_loads(r.out, 0, NULL);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "config"), "cores")), 8);
    json_decref(j);
    cmd_result_free(&r);
    unlink(t);
    free(t);
    t = write_temp(".swf", "1 0 0 10 2 -1 -1 2 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n");
    RUN(&r, "run", "--trace", t, "--json");
    cr_expect(strstr(r.err, "says nothing of its machine's size"), "%s", r.err);
    cmd_result_free(&r);
    unlink(t);
    free(t);
}

static json_t *hosts_of(const char *const *args)
{
    struct cmd_result r;
    run_hvsim(&r, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cmd_result_free(&r);
    return j;
}

/* The default placement spreads guests when nothing constrains them
 * (CloudSim's simple policy), first fit stacks them and is warned about;
 * the summary has the per-host guest counts. */
Test(inputs, placement_spreads_and_counts_guests_per_host, .timeout = 60)
{
    /* --model fluid: the fast approximation; placement is the same in both */
    const char *spread[] = {"run", "--trace", "workloads/samples/planetlab-20110303", "--hosts",
                            "40", "--cores", "4", "--model", "fluid", "--json", "--quiet", NULL};
    json_t *j = hosts_of(spread);
    json_t *h = json_object_get(j, "hosts");
    cr_expect_eq(json_integer_value(json_object_get(h, "count")), 40);
    cr_expect_eq(json_integer_value(json_object_get(h, "empty")), 0);
    json_t *g = json_object_get(h, "guests");
    /* 1,052 VMs over 40 hosts: 26 or 27 each */
    cr_expect_eq(json_number_value(json_object_get(g, "min")), 26);
    cr_expect_eq(json_number_value(json_object_get(g, "max")), 27);
    cr_expect_float_eq(json_number_value(json_object_get(g, "mean")), 1052.0 / 40, 1e-12);
    cr_expect_null(json_object_get(j, "notes"));
    json_decref(j);
    const char *stack[] = {"run", "--trace", "workloads/samples/planetlab-20110303", "--hosts",
                           "40", "--cores", "4", "--place", "first-fit", "--model", "fluid",
                           "--json", "--quiet", NULL};
    j = hosts_of(stack);
    h = json_object_get(j, "hosts");
    cr_expect_eq(json_integer_value(json_object_get(h, "empty")), 39);
    cr_expect_eq(json_integer_value(json_object_get(h, "overcommitted")), 1);
    cr_expect_eq(json_number_value(json_object_get(json_object_get(h, "guests"), "max")), 1052);
    cr_expect_float_eq(json_number_value(json_object_get(h, "peak_vcpus_per_core")), 1052 / 4.0,
                       1e-12);
    const char *w = json_string_value(json_array_get(json_object_get(j, "notes"), 0));
    cr_expect(w && strstr(w, "warning: 39 of 40 hosts received no guest while 1 held more "
                             "vCPUs than cores (host 0: up to 1052 vCPUs on 4 cores)"), "%s", w);
    json_decref(j);
    /* The Bitbrains fixture's 3 VMs live at different times: each finds
     * every host free and takes the first; none is overcommitted, so
     * empty hosts are no warning. */
    const char *bb[] = {"run", "--trace", BITBRAINS, "--hosts", "4", "--cores", "8", "--json",
                        "--quiet", NULL};
    j = hosts_of(bb);
    h = json_object_get(j, "hosts");
    cr_expect_eq(json_integer_value(json_object_get(h, "empty")), 3);
    cr_expect_eq(json_integer_value(json_object_get(h, "overcommitted")), 0);
    cr_expect_null(json_object_get(j, "notes"));
    json_decref(j);
}

/* Warnings where a result silently changes meaning, on stderr and in the
 * summary's notes; options nothing reads are noted. */
Test(inputs, warnings_where_a_result_changes_meaning, .timeout = 60)
{
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=2000", "--json");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.err, "warning: offered load 1 >= 1"), "%s", r.err);
    cr_expect(strstr(r.err, "interarrival=exp:1 is what a --generate without it takes"), "%s",
              r.err);
    cr_expect(strstr(r.out, "\"warning: offered load 1 >= 1"), "%s", r.out);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=2000,interarrival=exp:2", "--json");
    cr_expect_null(strstr(r.err, "offered load"), "%s", r.err);
    cmd_result_free(&r);
    char *dir = test_tmpdir("inputs");
    char out[700];
    snprintf(out, sizeof out, "%s/r", dir);
    RUN(&r, "run", "--generate", "n=500,interarrival=exp:2", "--out", out);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "warning: segments.csv and the Gantt plot are left out: the "
                            "workload has more than 300 guests"), "%s", r.err);
    cmd_result_free(&r);
    char *s = test_slurp_in(out, "summary.json");
    cr_expect(strstr(s, "segments.csv and the Gantt plot are left out"), "%s", s);
    free(s);
    RUN(&r, "run", "--generate", "n=50,interarrival=exp:2", "--reps", "2", "--batches", "5",
        "--sample", "2s", "--exit-model", "discrete");
    cr_expect(strstr(r.err, "--batches applies to a single replication"), "%s", r.err);
    cr_expect(strstr(r.err, "--sample sets the interval of timeline.csv; ignored without --out"),
              "%s", r.err);
    cr_expect(strstr(r.err, "--exit-model applies to modelled hardware"), "%s", r.err);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=500", "--quiet", "--json");
    cr_expect_str_empty(r.err, "--quiet: %s", r.err);
    cmd_result_free(&r);
    test_remove_tree(dir);
    free(dir);
}
