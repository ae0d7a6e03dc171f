/* tests/test_trace_json.c - the JSON reader. */
#include "trace_test_util.h"

#define VALID "tests/data/traces/valid/"

Test(trace_json, sample_fields_mapped)
{
    struct th_result r;
    th_read(&r, VALID "json/sample.json", NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 3);
    const struct trace_record *a = &r.rec[0];
    cr_assert_str_eq(a->id, "web-1");
    cr_assert_eq(a->work, 1.5);
    cr_assert_eq(a->vcpus, 2);
    cr_assert_eq(a->mem_mb, 2048);
    cr_assert_eq(a->priority, 1);
    cr_assert_eq(a->weight, 2);
    cr_assert_eq(a->deadline, 10);
    cr_assert_str_eq(a->class_name, "web");
    cr_assert_eq(a->util, 0.5);
    cr_assert_eq(a->line, 2);
    cr_assert_str_eq(r.rec[1].id, "7", "an integer id is accepted");
    cr_assert_eq(r.rec[1].mem_mb, 0, "null = default");
    cr_assert_eq(r.rec[1].line, 5);
    cr_assert_eq(r.rec[2].arrival, 10);
    cr_assert_eq(r.rec[2].line, 6);
    cr_assert_eq(r.state_max, 2);
    th_free(&r);
}

Test(trace_json, empty_array_bom_crlf)
{
    th_tmpdir();
    struct th_result r;
    th_read(&r, th_write("e.json", "\xef\xbb\xbf [\r\n ]\r\n", -1), NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 0);
    th_free(&r);
    th_read(&r, th_write("o.json", "[{\"arrival\":0,\"work\":1}]", -1), NULL);
    cr_assert_eq(r.n, 1);
    th_free(&r);
    th_cleanup();
}

/* Same records as the CSV sample: the two native formats agree. */
Test(trace_json, agrees_with_csv)
{
    struct th_result c, j;
    th_read(&c, VALID "csv/sample.csv", NULL);
    th_read(&j, VALID "json/sample.json", NULL);
    cr_assert_eq(c.n, 3);
    cr_assert_eq(j.n, 3);
    cr_assert_eq(c.rec[0].arrival, j.rec[0].arrival);
    cr_assert_eq(c.rec[0].work, j.rec[0].work);
    cr_assert_eq(c.rec[0].mem_mb, j.rec[0].mem_mb);
    cr_assert_str_eq(c.rec[0].class_name, j.rec[0].class_name);
    th_free(&c);
    th_free(&j);
}

Test(trace_json, errors_do_not_stop_the_reader)
{
    th_tmpdir();
    const char *p = th_write("t.json",
                             "[{\"arrival\":0,\"work\":1},\n"
                             " {\"arrival\":1,\"work\":0},\n"
                             " {\"arrival\":2,\"work\":}, {\"arrival\":3,\"work\":1}]\n",
                             -1);
    struct th_result r;
    th_read(&r, p, NULL);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.nerr, 2);
    char want[600];
    snprintf(want, sizeof want, "%s:2:2: work must be > 0 (got 0)", p);
    cr_assert_str_eq(r.err[0], want);
    snprintf(want, sizeof want, "%s:3:22: unexpected token near '}'", p);
    cr_assert_str_eq(r.err[1], want);
    cr_assert_eq(r.rec[1].arrival, 3);
    th_free(&r);
    th_cleanup();
}

#define JS(n, data, where, text) \
    {n, "json", "t.json", {{"t.json", data, 0}}, where, NULL, text, NULL}
#define OK "{\"arrival\":0,\"work\":1}"

static const struct th_case json_cases[] = {
    JS("zero-byte", "", "", "empty file"),
    {"missing", "json", "nope.json", {{NULL, NULL, 0}}, "", NULL, "No such file or directory", NULL},
    JS("blank", " \n\n", ":2", "no JSON array in the file"),
    JS("object", "{\"arrival\":0}", ":1:1", "expected '['"),
    JS("eof-after-open", "[\n", ":1", "end of file inside the array (missing ']')"),
    JS("eof-in-object", "[{\"arrival\":0,\n", ":1", "end of file inside the array"),
    JS("eof-after-element", "[" OK, ":1", "end of file inside the array"),
    JS("leading-comma", "[,]", ":1:2", "expected an object"),
    JS("trailing-comma", "[" OK ",]", ":1:25", "expected an object"),
    JS("missing-comma", "[" OK " " OK "]", ":1:25", "expected ',' or ']' after an array"),
    JS("after-end", "[]x", ":1:3", "text after the end of the array"),
    JS("syntax", "[{\"arrival\":0,\n  \"work\":1,}]", ":2:12", "string or '}' expected"),
    JS("duplicate-key", "[\n {\"arrival\":0,\"work\":1,\"work\":2}]", ":2:29",
       "duplicate object key"),
    JS("not-object", "[\n 7]", ":2:2", "expected an object"),
    JS("unknown-key", "[{\"arrival\":0,\"work\":1,\"cpus\":2}]", ":1:2", "unknown key 'cpus'"),
    JS("string-number", "[{\"arrival\":\"0\",\"work\":1}]", ":1:2", "arrival: must be a number"),
    JS("bool-number", "[{\"arrival\":0,\"work\":true}]", ":1:2", "work: must be a number"),
    JS("number-class", "[{\"arrival\":0,\"work\":1,\"class\":5}]", ":1:2",
       "class: must be a string"),
    JS("float-id", "[{\"arrival\":0,\"work\":1,\"id\":1.5}]", ":1:2", "id: must be a string"),
    JS("no-arrival", "[{\"work\":1}]", ":1:2", "missing 'arrival'"),
    JS("no-work", "[{\"arrival\":1,\"work\":null}]", ":1:2", "missing 'work'"),
    JS("bad-value", "[{\"arrival\":0,\"work\":1,\"vcpus\":0}]", ":1:2", "vcpus must be >= 1"),
    JS("bad-class", "[{\"arrival\":0,\"work\":1,\"class\":\"A\"}]", ":1:2",
       "bad workload class name 'A'"),
    JS("decreasing", "[{\"arrival\":5,\"work\":1},\n{\"arrival\":4,\"work\":1}]", ":2:1",
       "arrival 4 is earlier than the previous one (5)"),
    JS("duplicate-id", "[{\"arrival\":0,\"work\":1,\"id\":\"a\"},{\"arrival\":0,\"work\":1,\"id\":\"a\"}]",
       ":1:34", "duplicate id 'a'"),
    JS("overflow", "[{\"arrival\":0,\"work\":1e999}]", ":1:26", "real number overflow"),
    JS("bad-utf8-between", "[" OK ",\n\xff\n" OK "]", ":2:1", "invalid UTF-8 byte"),
    JS("bad-utf8-inside", "[{\"arrival\":0,\n\"work\":1\xff}]", ":2:9", "invalid UTF-8 byte"),
};

TH_CASE_TABLE(trace_json, json_cases)

Test(trace_json, element_longer_than_1_mib)
{
    th_tmpdir();
    const char *p = th_path("big.json");
    FILE *f = fopen(p, "w");
    fprintf(f, "[{\"arrival\":0,\"work\":1,\"x_pad\":[\n");
    for (int i = 0; i < 300000; i++)
        fprintf(f, "1,2,\n");
    fprintf(f, "0]}]\n");
    fclose(f);
    struct th_result r;
    th_read(&r, p, NULL);
    cr_assert_eq(r.nerr, 1);
    cr_assert_eq(r.n, 0);
    char want[600];
    snprintf(want, sizeof want, "%s:1:2: array element longer than 1 MiB", p);
    cr_assert_str_eq(r.err[0], want);
    th_free(&r);
    th_cleanup();
}

Test(trace_json, streams_without_ids)
{
    th_tmpdir();
    const char *p = th_path("s.json");
    FILE *f = fopen(p, "w");
    fprintf(f, "[");
    for (int i = 0; i < 10000; i++)
        fprintf(f, "%s{\"arrival\":%d,\"work\":1}\n", i ? "," : "", i);
    fprintf(f, "]");
    fclose(f);
    struct th_result r;
    th_read(&r, p, NULL);
    cr_assert_eq(r.n, 10000);
    cr_assert_eq(r.state_max, 0);
    cr_assert_eq(r.rec[9999].line, 10000);
    th_free(&r);
    th_cleanup();
}
