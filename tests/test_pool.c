/*
 * tests/test_pool.c - the guest records' pool (sim/guest-pool.h): blocks
 * are 64-byte aligned (the engine's hot block of a guest starts a cache
 * line) and never overlap, across chunks of growing size and for a block
 * larger than a chunk; freeing empties the pool.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "sim/guest-pool.h"

Test(guest_pool, aligned_disjoint_blocks_across_chunks)
{
    enum { N = 3000 };
    static unsigned char *block[N];
    static size_t size[N];
    struct guest_pool p = {0};
    size_t total = 0;
    for (size_t i = 0; i < N; i++) {
        /* 1 to 5,000 bytes, and once 5 MB, past the largest chunk */
        size[i] = i == N / 2 ? (size_t)5 << 20 : 1 + (i * 7919) % 5000;
        block[i] = guest_pool_take(&p, size[i]);
        cr_assert_eq((uintptr_t)block[i] % 64, 0, "block %zu at %p", i, (void *)block[i]);
        memset(block[i], (int)(i & 0xff), size[i]);
        total += size[i];
    }
    cr_expect_gt(total, (size_t)12 << 20, "several chunks, some of them 4 MB");
    /* every block still holds its own bytes: none was handed out twice */
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < size[i]; k += 97)
            cr_assert_eq(block[i][k], (unsigned char)(i & 0xff), "block %zu byte %zu", i, k);
    guest_pool_free(&p);
    cr_expect_null(p.chunks);
    cr_expect_eq(p.left, 0);
    /* and it serves again */
    unsigned char *again = guest_pool_take(&p, 100);
    cr_expect_eq((uintptr_t)again % 64, 0);
    guest_pool_free(&p);
}
