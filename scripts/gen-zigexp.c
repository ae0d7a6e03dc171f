/*
 * scripts/gen-zigexp.c - write base/zigexp-table.c, the ziggurat's
 * constant tables (base/zigexp.h), from zigexp_build:
 *
 *   cc -std=c11 -I. scripts/gen-zigexp.c base/zigexp.c -lgsl -lgslcblas -lm \
 *       -o gen-zigexp && ./gen-zigexp > base/zigexp-table.c
 *
 * Doubles are written in hexadecimal (%a): exact.  tests/test_dist.c
 * checks that the committed tables are what zigexp_build computes.
 */
#include <inttypes.h>
#include <stdio.h>

#include "base/zigexp.h"

int main(void)
{
    struct zigexp_table t;
    zigexp_build(&t);
    printf("/* base/zigexp-table.c - written by scripts/gen-zigexp.c: do not edit. */\n"
           "#include \"base/zigexp.h\"\n\nconst struct zigexp_table zigexp_table = {\n");
    printf("    .k = {\n");
    for (int i = 0; i < ZIGEXP_LAYERS; i++)
        printf("%s0x%016" PRIx64 "u,%s", i % 3 == 0 ? "        " : " ", t.k[i],
               i % 3 == 2 || i == ZIGEXP_LAYERS - 1 ? "\n" : "");
    printf("    },\n    .w = {\n");
    for (int i = 0; i < ZIGEXP_LAYERS; i++)
        printf("%s%a,%s", i % 3 == 0 ? "        " : " ", t.w[i],
               i % 3 == 2 || i == ZIGEXP_LAYERS - 1 ? "\n" : "");
    printf("    },\n    .f = {\n");
    for (int i = 0; i < ZIGEXP_LAYERS; i++)
        printf("%s%a,%s", i % 3 == 0 ? "        " : " ", t.f[i],
               i % 3 == 2 || i == ZIGEXP_LAYERS - 1 ? "\n" : "");
    printf("    },\n};\n");
    return 0;
}
