/* base/error.c - see error.h */
#include "base/error.h"

#include <stdarg.h>
#include <string.h>

int sim_error_set(struct sim_error *err, int code, const char *file, long line,
                  long column, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}

void sim_error_format(const struct sim_error *err, char *buf, size_t len)
{
    if (!err->file[0])
        snprintf(buf, len, "%s", err->text);
    else if (err->line > 0 && err->column > 0)
        snprintf(buf, len, "%s:%ld:%ld: %s", err->file, err->line, err->column, err->text);
    else if (err->line > 0)
        snprintf(buf, len, "%s:%ld: %s", err->file, err->line, err->text);
    else
        snprintf(buf, len, "%s: %s", err->file, err->text);
}

void sim_error_print(const struct sim_error *err, FILE *out)
{
    char buf[1200];
    sim_error_format(err, buf, sizeof buf);
    fprintf(out, "hvsim: %s\n", buf);
}

int sim_error_exit_status(int code)
{
    if (code == SIM_OK)
        return 0;
    return code == SIM_EINVAL ? 2 : 1;
}
