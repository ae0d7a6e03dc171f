/* tests/fuzz/fuzz_config.c - libFuzzer target for the --config loader (cli/args.c: a JSON file, every key read by the table of run's options and of every policy)
 * (see targets.h; `make fuzz`). */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_config_one(data, size);
    return 0;
}
