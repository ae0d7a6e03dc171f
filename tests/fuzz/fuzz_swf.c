/* tests/fuzz/fuzz_swf.c - libFuzzer target for the swf trace reader
 * (see harness.h for how the input becomes files; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one("swf", data, size);
    return 0;
}
