/* tests/fuzz/fuzz_json.c - libFuzzer target for the json trace reader
 * (see harness.h for how the input becomes files; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one("json", data, size);
    return 0;
}
