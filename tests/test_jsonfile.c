/* tests/test_jsonfile.c - where a value sits in a JSON text (base/jsonfile.h). */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "base/jsonfile.h"
#include "tests/helpers.h"

static void at(const char *text, const char *where, bool key, long line, long col)
{
    long l = -1, c = -1;
    cr_expect(json_text_locate(text, strlen(text), where, key, &l, &c), "'%s' not found", where);
    cr_expect(l == line && c == col, "'%s': %ld:%ld, want %ld:%ld", where, l, c, line, col);
}

Test(jsonfile, values_and_keys_by_path)
{
    const char *t = "{\n"
                    "  \"a\": {\"b\": [10, {\"c\": \"x,]}\\\"\"}, 30],\n"
                    "         \"d.e\": 1, \"caf\\u00e9\": true},\n"
                    "  \"hosts\": [{\"cores\": 2}, {\"cores\": 0}],\n"
                    "  \"\\u00e9t\\u00e9\": null, \"z\": [[], {}, \"\\ud83d\\ude00\"]\n"
                    "}\n";
    at(t, "", false, 1, 1);
    at(t, "a", false, 2, 8);
    at(t, "a", true, 2, 3);
    at(t, "a.b", false, 2, 14);
    at(t, "a.b.0", false, 2, 15);
    at(t, "a.b.1.c", false, 2, 25);
    at(t, "a.b.2", false, 2, 36);     /* after a string holding , ] } and \" */
    at(t, "a.café", false, 3, 33);    /* a key written with \u escapes */
    at(t, "hosts.1.cores", false, 4, 37);
    at(t, "hosts.1.cores", true, 4, 28);
    at(t, "été", true, 5, 3);        /* columns count characters: é is one */
    at(t, "z.2", false, 5, 40);
    long l, c;
    cr_expect_not(json_text_locate(t, strlen(t), "a.x", false, &l, &c));
    cr_expect_not(json_text_locate(t, strlen(t), "hosts.2", false, &l, &c));
    cr_expect_not(json_text_locate(t, strlen(t), "hosts.x", false, &l, &c));
    cr_expect_not(json_text_locate(t, strlen(t), "a.b.0.q", false, &l, &c), "into a number");
}

/* json_file_load: bad paths and broken JSON are bad input with a place. */
Test(jsonfile, load_errors)
{
    struct json_file f;
    struct sim_error err;
    cr_expect_eq(json_file_load(&f, "/nonexistent/x.json", 0, &err), SIM_EINVAL);
    cr_expect_str_eq(err.text, "No such file or directory");
    char *p = write_temp(".json", "{\"a\": 1,\n \"a\": 2}");
    cr_expect_eq(json_file_load(&f, p, JSON_REJECT_DUPLICATES, &err), SIM_EINVAL);
    cr_expect_eq(err.line, 2);
    cr_expect(strstr(err.text, "bad JSON: duplicate object key"), "%s", err.text);
    unlink(p);
    free(p);
    p = write_temp(".json", "");
    cr_expect_eq(json_file_load(&f, p, 0, &err), SIM_EINVAL);
    cr_expect(strstr(err.text, "empty file"), "%s", err.text);
    unlink(p);
    free(p);
    p = write_temp(".json", "{\"hosts\": [{\"cores\": \"two\"}]}");
    cr_assert_eq(json_file_load(&f, p, 0, &err), 0);
    cr_expect_eq(json_file_error(&f, "hosts.0.cores", &err, "must be an integer"), SIM_EINVAL);
    cr_expect_str_eq(err.file, p);
    cr_expect(err.line == 1 && err.column == 22, "%ld:%ld", err.line, err.column);
    json_file_free(&f);
    unlink(p);
    free(p);
}
