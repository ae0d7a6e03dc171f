/* tests/fuzz/fuzz_azure.c - libFuzzer target for the azure trace reader
 * (see harness.h for how the input becomes files; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one("azure", data, size);
    return 0;
}
