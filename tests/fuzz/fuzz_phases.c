/* tests/fuzz/fuzz_phases.c - libFuzzer target for the phases trace reader
 * (CSV or JSON with run and block durations; see harness.h for how the
 * input becomes files; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one("phases", data, size);
    return 0;
}
