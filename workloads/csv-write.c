/*
 * workloads/csv-write.c - write guest records as the native CSV, the
 * inverse of csv.c: every column, numbers with 17 significant digits so
 * that they read back to the same double, optional fields left empty when
 * they hold their "none" value (deadline < 0, util < 0).
 */
#include <string.h>

#include "workloads/trace.h"

int trace_write_csv_header(FILE *out)
{
    if (fputs("id,arrival,work,vcpus,mem_mb,priority,weight,deadline,class,util\n", out) < 0)
        return SIM_EIO;
    return 0;
}

/* An id is quoted when it holds a comma, a quote or leading/trailing
 * text that a reader could mistake ("" doubles a quote, RFC 4180). */
static void csv_write_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}

int trace_write_csv(FILE *out, const struct trace_record *rec)
{
    csv_write_text(out, rec->id);
    fprintf(out, ",%.17g,%.17g,%d,%.17g,%.17g,%.17g,", rec->arrival, rec->work, rec->vcpus,
            rec->mem_mb, rec->priority, rec->weight);
    if (rec->deadline >= 0)
        fprintf(out, "%.17g", rec->deadline);
    fprintf(out, ",%s,", rec->class_name);
    if (rec->util >= 0)
        fprintf(out, "%.17g", rec->util);
    if (putc('\n', out) == EOF || ferror(out))
        return SIM_EIO;
    return 0;
}
