/* models/platform.c - see platform.h */
#include "models/platform.h"

#include <stdio.h>

const char *guest_id(const struct guest *g, char buf[TRACE_ID_MAX])
{
    if (g->id)
        return g->id;
    snprintf(buf, TRACE_ID_MAX, "%" PRIu64, g->seq + 1);
    return buf;
}
