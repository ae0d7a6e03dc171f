/* tests/fuzz/fuzz_generate.c - libFuzzer target for the --generate parser (workloads/synthetic.c, base/dist.c) and the guests it generates
 * (see targets.h; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_generate_one(data, size);
    return 0;
}
