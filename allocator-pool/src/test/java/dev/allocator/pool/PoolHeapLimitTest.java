package dev.allocator.pool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which per-block heap needs a pool may have: the two bounds of {@link PoolHeap}, and where each applies. */
class PoolHeapLimitTest {

    private static final long MIB = 1 << 20;
    private static final long MAX = 256 * MIB;

    @Test
    void shouldAcceptASmallNeedWhileTheHeapIsFullOfGarbage() {
        assertTrue(PoolHeap.fits(PoolHeap.need(8), MAX, 0), "a slab's few words refused with no heap free now");
        assertTrue(PoolHeap.fits(MAX / 16, MAX, 0));
    }

    @Test
    void shouldRefuseALargeNeedThatIsNotFreeNow() {
        assertFalse(PoolHeap.fits(MAX / 16 + 1, MAX, MAX / 16));
        assertTrue(PoolHeap.fits(MAX / 4, MAX, MAX / 4));
    }

    @Test
    void shouldRefuseMoreThanHalfTheHeapEvenWhenItIsFree() {
        assertFalse(PoolHeap.fits(MAX / 2 + 1, MAX, MAX));
        assertTrue(PoolHeap.fits(MAX / 2, MAX, MAX));
    }
}
