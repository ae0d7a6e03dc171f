/* tests/fuzz/fuzz_duration.c - libFuzzer target for durations and numbers (base/param.c): accepted values read back from their printed text
 * (see targets.h; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_duration_one(data, size);
    return 0;
}
