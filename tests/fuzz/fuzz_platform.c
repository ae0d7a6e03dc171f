/* tests/fuzz/fuzz_platform.c - libFuzzer target for --platform files (cli/platform-file.c)
 * (see targets.h; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_platform_one(data, size);
    return 0;
}
