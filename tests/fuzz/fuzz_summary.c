/* tests/fuzz/fuzz_summary.c - libFuzzer target for compare's reader of a run directory (report/compare.c: summary.json, jobs.csv)
 * (see targets.h; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_summary_one(data, size);
    return 0;
}
