/* cli/datadir.c - see datadir.h. */
#include "cli/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_datadir(void)
{
    static char buf[PATH_MAX];   /* registry-like: set once, read-only after */
    const char *env = getenv("HVSIM_DATA");
    if (env && *env)
        return env;
    char exe[PATH_MAX - 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {"../models", "../share/hvsim"};
            for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                snprintf(buf, sizeof buf, "%s/%s/profiles", exe, rel[i]);
                if (access(buf, R_OK) == 0) {
                    snprintf(buf, sizeof buf, "%s/%s", exe, rel[i]);
                    return buf;
                }
            }
        }
    }
    return HVSIM_DATADIR;
}
