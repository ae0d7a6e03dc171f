/* tests/test_textio.c - the shared text rules and number parsing. */
#include "trace_test_util.h"

#include <fcntl.h>
#include <math.h>
#include <sys/wait.h>

#include "workloads/textio.h"

/* Read all lines of data; returns the number of lines, the first error
 * (formatted without the path) in first_err, and the lines joined by '|'. */
static long read_lines(const char *data, long len, char *joined, size_t jlen, char *first_err,
                       size_t elen)
{
    th_tmpdir();
    const char *p = th_write("f.txt", data, len);
    struct textio t;
    struct sim_error e;
    cr_assert_eq(textio_open(&t, p, "f.txt", &e), 0);
    long n = 0;
    int rc;
    joined[0] = first_err[0] = '\0';
    while ((rc = textio_next(&t, &e)) != 0) {
        if (rc < 0) {
            if (!first_err[0])
                sim_error_format(&e, first_err, elen);
            continue;
        }
        n++;
        strncat(joined, t.buf, jlen - strlen(joined) - 2);
        strcat(joined, "|");
    }
    textio_close(&t);
    th_cleanup();
    return n;
}

Test(textio, lines_crlf_bom_last_line_without_newline)
{
    char j[256], e[256];
    cr_assert_eq(read_lines("\xef\xbb\xbf" "a,b\r\nc\r\n\nd", -1, j, sizeof j, e, sizeof e), 4);
    cr_assert_str_eq(j, "a,b|c||d|");
    cr_assert_str_eq(e, "");
}

Test(textio, bom_does_not_shift_lines_or_columns)
{
    char j[256], e[256];
    read_lines("\xef\xbb\xbf" "ok\nbad\xff\n", -1, j, sizeof j, e, sizeof e);
    cr_assert_str_eq(e, "f.txt:2:4: invalid UTF-8 byte: the file must be UTF-8 text");
    read_lines("\xef\xbb\xbf\xff", -1, j, sizeof j, e, sizeof e);
    cr_assert_str_eq(e, "f.txt:1:1: invalid UTF-8 byte: the file must be UTF-8 text");
}

Test(textio, empty_file_and_empty_line)
{
    char j[256], e[256];
    cr_assert_eq(read_lines("", 0, j, sizeof j, e, sizeof e), 0);
    cr_assert_eq(read_lines("\n", -1, j, sizeof j, e, sizeof e), 1);
    cr_assert_str_eq(j, "|");
}

Test(textio, bad_utf8_table)
{
    static const struct {
        const char *data;
        long len;
        const char *want;
    } cases[] = {
        {"ab\0c\n", 5, "f.txt:1:3: NUL byte"},
        {"\xc0\xaf", 2, "f.txt:1:1: overlong UTF-8 sequence"},
        {"x\xe0\x80\xaf", 4, "f.txt:1:2: overlong UTF-8 sequence"},
        {"\xf0\x80\x80\xaf", 4, "f.txt:1:1: overlong UTF-8 sequence"},
        {"\xed\xa0\x80", 3, "f.txt:1:1: UTF-16 surrogate"},
        {"\xf4\x90\x80\x80", 4, "f.txt:1:1: code point above U+10FFFF"},
        {"\xf5\x80\x80\x80", 4, "f.txt:1:1: invalid UTF-8 byte"},
        {"\x80", 1, "f.txt:1:1: invalid UTF-8 byte"},
        {"ok\n\xe2\x82", 5, "f.txt:2:1: truncated UTF-8 sequence"},
        {"\xe2\x82x", 3, "f.txt:1:1: truncated UTF-8 sequence"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char j[256], e[256];
        read_lines(cases[i].data, cases[i].len, j, sizeof j, e, sizeof e);
        cr_expect(strncmp(e, cases[i].want, strlen(cases[i].want)) == 0, "case %zu: got '%s'",
                  i, e);
    }
}

Test(textio, valid_utf8_is_accepted)
{
    char j[256], e[256];
    cr_assert_eq(read_lines("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n", -1, j, sizeof j, e,
                            sizeof e), 1);
    cr_assert_str_eq(e, "");
}

Test(textio, line_of_1_mib_is_accepted_longer_ends_the_reading)
{
    size_t max = (size_t)TEXTIO_LINE_MAX;
    char *buf = malloc(3 * max + 16);
    /* line 1: exactly 1 MiB + CRLF; line 2: 1 MiB + 1 byte; line 3: "z" */
    memset(buf, 'a', max);
    memcpy(buf + max, "\r\n", 2);
    memset(buf + max + 2, 'b', max + 1);
    memcpy(buf + 2 * max + 3, "\nz\n", 3);
    th_tmpdir();
    const char *p = th_write("big.txt", buf, (long)(2 * max + 6));
    free(buf);
    struct textio t;
    struct sim_error e;
    cr_assert_eq(textio_open(&t, p, "big.txt", &e), 0);
    cr_assert_eq(textio_next(&t, &e), 1);
    cr_assert_eq(t.len, max);
    cr_assert_eq(textio_next(&t, &e), SIM_EINVAL);
    cr_assert_eq(e.line, 2);
    cr_assert_eq(e.column, TEXTIO_LINE_MAX + 1);
    cr_assert(strstr(e.text, "longer than 1 MiB"));
    cr_assert_eq(textio_next(&t, &e), 0, "line 3 is not read: the file is not text");
    textio_close(&t);
    th_cleanup();
}

/* A path that cannot be opened as a file is bad input (exit 2), named;
 * a read that fails after the open is a failure of the run (exit 1). */
Test(textio, path_errors_are_einval_read_errors_eio)
{
    struct textio t;
    struct sim_error e;
    cr_assert_eq(textio_open(&t, "/nonexistent/x", "x", &e), SIM_EINVAL);
    cr_assert_str_eq(e.file, "x");
    cr_assert_str_eq(e.text, "No such file or directory");
    textio_close(&t);
    th_tmpdir();
    cr_assert_eq(textio_open(&t, th_dir, "d", &e), SIM_EINVAL);
    cr_assert_str_eq(e.text, "is a directory, not a file");
    cr_assert_eq(symlink("loop", th_path("loop")), 0);
    cr_assert_eq(textio_open(&t, th_path("loop"), "loop", &e), SIM_EINVAL);
    cr_assert(strstr(e.text, "symbolic-link loop"), "%s", e.text);
    /* Offset 0 of a process's memory is not mapped: reading it fails. */
    cr_assert_eq(textio_open(&t, "/proc/self/mem", "mem", &e), SIM_EIO);
    cr_assert(strstr(e.text, "cannot read"), "%s", e.text);
    th_cleanup();
}

Test(textio, numbers_valid)
{
    static const struct {
        const char *s;
        double v;
    } ok[] = {
        {"0", 0},     {"12", 12},      {"-1", -1},   {"+2.5", 2.5}, {".5", 0.5},
        {"5.", 5},    {"1e3", 1000},   {"1E-2", 0.01}, {"2.5e+1", 25}, {"1e-400", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -99;
        const char *why = NULL;
        cr_expect(textio_parse_double(ok[i].s, &v, &why), "'%s': %s", ok[i].s, why);
        cr_expect_eq(v, ok[i].v, "'%s' gave %g", ok[i].s, v);
    }
}

Test(textio, numbers_invalid)
{
    static const struct {
        const char *s;
        const char *why;
    } bad[] = {
        {"", "empty field"},
        {"nan", "not a decimal number"},
        {"NaN", "not a decimal number"},
        {"inf", "not a decimal number"},
        {"-infinity", "not a decimal number"},
        {"0x10", "trailing garbage after the number"},
        {"1e", "trailing garbage after the number"},
        {"1.2.3", "trailing garbage after the number"},
        {"12abc", "trailing garbage after the number"},
        {" 1", "not a decimal number"},
        {"1 ", "trailing garbage after the number"},
        {".", "not a decimal number"},
        {"-", "not a decimal number"},
        {"e5", "not a decimal number"},
        {"1e999", "number out of range"},
        {"-1e999", "number out of range"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v;
        const char *why = NULL;
        cr_expect_not(textio_parse_double(bad[i].s, &v, &why), "'%s' accepted", bad[i].s);
        cr_expect(why && strcmp(why, bad[i].why) == 0, "'%s': got '%s'", bad[i].s, why);
    }
}

Test(textio, whole_numbers)
{
    long v;
    const char *why;
    cr_assert(textio_parse_long("4.00", 0, 10, &v, &why));
    cr_assert_eq(v, 4);
    cr_assert(textio_parse_long("1e1", 0, 10, &v, &why));
    cr_assert_eq(v, 10);
    cr_assert_not(textio_parse_long("2.5", 0, 10, &v, &why));
    cr_assert_str_eq(why, "not a whole number");
    cr_assert_not(textio_parse_long("11", 0, 10, &v, &why));
    cr_assert_str_eq(why, "number out of range");
    cr_assert_not(textio_parse_long("x", 0, 10, &v, &why));
    cr_assert_str_eq(why, "not a decimal number");
}

Test(textio, trim_and_members)
{
    char s[] = " \t a b \t";
    cr_assert_str_eq(textio_trim(s), "a b");
    char *m = textio_member("dir/", "x");
    cr_assert_str_eq(m, "dir/x");
    free(m);
    m = textio_member("dir", "x");
    cr_assert_str_eq(m, "dir/x");
    free(m);
}

Test(textio, list_dir_sorted_regular_files_only_and_says_what_it_skips)
{
    th_tmpdir();
    th_write("b", "", 0);
    th_write("a", "", 0);
    th_write(".hidden", "", 0);
    th_mkdir("sub");
    cr_assert_eq(mkfifo(th_path("fifo"), 0600), 0);
    cr_assert_eq(symlink("loop", th_path("loop")), 0);
    cr_assert_eq(symlink("nowhere", th_path("dangling")), 0);
    char **names;
    size_t n;
    struct sim_error e;
    char skipped[400];
    cr_assert_eq(textio_list_dir(th_dir, &names, &n, skipped, sizeof skipped, &e), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(names[0], "a");
    cr_assert_str_eq(names[1], "b");
    textio_free_names(names, n);
    cr_assert_str_eq(skipped, "1 hidden file ('.hidden'), 1 subdirectory ('sub'), 1 FIFO, "
                              "socket or device ('fifo'), 1 symbolic-link loop ('loop'), 1 "
                              "broken symbolic link ('dangling')");
    cr_assert(textio_is_dir(th_dir));
    cr_assert_not(textio_is_dir(th_path("a")));
    /* a path that is not a readable directory is bad input, named */
    cr_assert_eq(textio_list_dir(th_path("nope"), &names, &n, NULL, 0, &e), SIM_EINVAL);
    cr_assert(strstr(e.text, "No such file"), "%s", e.text);
    cr_assert_eq(textio_list_dir(th_path("a"), &names, &n, NULL, 0, &e), SIM_EINVAL);
    cr_assert_str_eq(e.text, "not a directory");
    th_cleanup();
}

Test(textio, much_longer_line_ends_the_reading)
{
    size_t n = (size_t)TEXTIO_LINE_MAX + 100;
    char *buf = malloc(n + 4);
    memset(buf, 'q', n);
    memcpy(buf + n, "\nok", 3);
    th_tmpdir();
    const char *p = th_write("big.txt", buf, (long)n + 3);
    free(buf);
    struct textio t;
    struct sim_error e;
    cr_assert_eq(textio_open(&t, p, "big.txt", &e), 0);
    cr_assert_eq(textio_next(&t, &e), SIM_EINVAL);
    cr_assert_eq(e.line, 1);
    cr_assert(strstr(e.text, "reading stops here"), "%s", e.text);
    cr_assert_eq(textio_next(&t, &e), 0, "nothing is read after a line too long");
    textio_close(&t);
    th_cleanup();
}

/* /dev/zero has no line end and no end: the 1 MiB rule ends it after
 * about 1 MiB read (a test that would hang if it did not). */
Test(textio, endless_device_ends_at_the_line_limit, .timeout = 30)
{
    struct textio t;
    struct sim_error e;
    cr_assert_eq(textio_open(&t, "/dev/zero", NULL, &e), 0);
    cr_assert_eq(t.kind, INFILE_DEVICE);
    cr_assert_eq(textio_next(&t, &e), SIM_EINVAL);
    cr_assert_str_eq(e.file, "/dev/zero");
    cr_assert_eq(e.column, TEXTIO_LINE_MAX + 1);
    cr_assert_eq(textio_next(&t, &e), 0);
    cr_assert_leq(t.bytes, TEXTIO_LINE_MAX + TEXTIO_CHUNK);
    textio_close(&t);
}

Test(textio, nul_byte_ends_the_reading)
{
    th_tmpdir();
    const char *p = th_write("f.txt", "a\nb\0c\nd\n", 8);
    struct textio t;
    struct sim_error e;
    cr_assert_eq(textio_open(&t, p, "f.txt", &e), 0);
    cr_assert_eq(textio_next(&t, &e), 1);
    cr_assert_eq(textio_next(&t, &e), SIM_EINVAL);
    cr_assert_eq(e.line, 2);
    cr_assert_eq(e.column, 2);
    cr_assert_eq(textio_next(&t, &e), 0, "the line after a NUL byte is not read");
    textio_close(&t);
    th_cleanup();
}

/* Standard input ("-") and a FIFO are read like a file. */
Test(textio, stdin_and_fifo)
{
    th_tmpdir();
    const char *p = th_write("in.txt", "x\ny\n", -1);
    int saved = dup(0);
    int fd = open(p, O_RDONLY);
    cr_assert_geq(fd, 0);
    dup2(fd, 0);
    close(fd);
    struct textio t;
    struct sim_error e;
    cr_assert_eq(textio_open(&t, "-", NULL, &e), 0);
    cr_assert_str_eq(t.name, "<stdin>");
    cr_assert_eq(textio_next(&t, &e), 1);
    cr_assert_str_eq(t.buf, "x");
    cr_assert_eq(textio_next(&t, &e), 1);
    cr_assert_eq(textio_next(&t, &e), 0);
    textio_close(&t);
    dup2(saved, 0);
    close(saved);

    const char *fifo = th_path("fifo");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int w = open(fifo, O_WRONLY);
        (void)!write(w, "one\ntwo", 7);
        _exit(0);
    }
    cr_assert_eq(textio_open(&t, fifo, "fifo", &e), 0);
    cr_assert_eq(t.kind, INFILE_FIFO);
    cr_assert_eq(textio_next(&t, &e), 1);
    cr_assert_str_eq(t.buf, "one");
    cr_assert_eq(textio_next(&t, &e), 1);
    cr_assert_str_eq(t.buf, "two");
    cr_assert_eq(textio_next(&t, &e), 0);
    textio_close(&t);
    waitpid(pid, NULL, 0);
    th_cleanup();
}
