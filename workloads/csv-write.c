/*
 * workloads/csv-write.c - write guest records as the native CSV, the
 * inverse of csv.c: every column, numbers with 17 significant digits so
 * that they read back to the same double, optional fields left empty when
 * they hold their "none" value (deadline < 0, util < 0).
 */
#include "base/csv.h"
#include "workloads/trace.h"

int trace_write_csv_header(FILE *out)
{
    if (fputs("id,arrival,work,vcpus,mem_mb,priority,weight,deadline,class,util\n", out) < 0)
        return SIM_EIO;
    return 0;
}

int trace_write_csv(FILE *out, const struct trace_record *rec)
{
    csv_put_field(out, rec->id);
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
