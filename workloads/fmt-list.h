/*
 * workloads/fmt-list.h - the registered trace formats, one line each.
 * Included twice by trace.c (X-macro): once for the extern declarations,
 * once for the table.  Adding a format: one file defining
 * `const struct trace_fmt trace_fmt_NAME`, and one line here.
 */
FMT(csv)
FMT(swf)
FMT(planetlab)
FMT(bitbrains)
FMT(azure)
FMT(json)
FMT(phases)
