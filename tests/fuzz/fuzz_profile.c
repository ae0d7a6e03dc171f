/* tests/fuzz/fuzz_profile.c - libFuzzer target for hardware profiles (models/hw-json.c) and what explain derives from them
 * (see targets.h; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_profile_one(data, size);
    return 0;
}
