package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.pool.Wipe;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three threads allocate, hand blocks to each other and free them, over slabs of 1 KiB (so the current slab changes
 * every few operations and slabs fill, empty and retire all the time) with the idle trimmer running every
 * millisecond and explicit trims. Every live block has exactly one owner: its address is registered on allocation
 * (a second registration fails the test), its first and last words carry its owner's stamp until it is freed, by
 * whichever thread, and its free is always accepted.
 */
class SizeClassOwnershipStressTest {

    private static final int THREADS = 3;
    private static final int STEPS = Integer.getInteger("sizeclasses.stress.steps", 40_000);

    private record Held(MemorySegment segment, Layout layout, long stamp) {
    }

    @Test
    void shouldGiveEveryLiveBlockExactlyOneOwnerWhileSlabsSwitchAndRetire() throws Exception {
        try (Allocator system = Allocators.open("system");
             SizeClassAllocator allocator = new SizeClassAllocator(system, 1024, 1024, 1, Wipe.NONE, true, false)) {
            ConcurrentHashMap<Long, Long> owners = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Held> handedOff = new ConcurrentLinkedQueue<>();
            CompletableFuture<?>[] workers = new CompletableFuture<?>[THREADS];
            for (int t = 0; t < THREADS; t++) {
                final long seed = t;
                workers[t] = CompletableFuture.runAsync(() -> work(allocator, owners, handedOff, seed));
            }
            CompletableFuture.allOf(workers).get(120, TimeUnit.SECONDS);
            Held left;
            while ((left = handedOff.poll()) != null) {
                free(allocator, owners, left);
            }
            assertEquals(0, owners.size());
            assertEquals(0, allocator.stats().bytesInUse());
            assertEquals(allocator.stats().allocations(), allocator.stats().deallocations());
            allocator.trim();
            assertEquals(0, allocator.slabCount(), "every slab retires once nothing is in use");
            assertEquals(0, system.stats().bytesInUse());
        }
    }

    private static void work(SizeClassAllocator allocator, ConcurrentHashMap<Long, Long> owners,
                             ConcurrentLinkedQueue<Held> handedOff, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Held[] mine = new Held[64];
        int count = 0;
        for (int step = 0; step < STEPS; step++) {
            int action = random.nextInt(100);
            if (action < 50 && count < mine.length) {
                Layout layout = Layout.of(random.nextLong(16, 1025), 1L << random.nextInt(4));
                MemorySegment segment = allocator.allocate(layout);
                long stamp = seed << 32 | step;
                Long before = owners.putIfAbsent(segment.address(), stamp);
                if (before != null) {
                    throw new AssertionError("block " + segment + " handed out while " + before + " holds it");
                }
                segment.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, stamp);
                segment.set(ValueLayout.JAVA_LONG_UNALIGNED, segment.byteSize() - 8, stamp);
                mine[count++] = new Held(segment, layout, stamp);
            } else if (action < 85 && count > 0) {
                int victim = random.nextInt(count);
                Held held = mine[victim];
                mine[victim] = mine[--count];
                if (random.nextBoolean()) {
                    handedOff.add(held);
                } else {
                    free(allocator, owners, held);
                }
            } else if (action < 99) {
                Held other = handedOff.poll();
                if (other != null) {
                    free(allocator, owners, other);
                }
            } else {
                allocator.trim();
            }
        }
        for (int i = 0; i < count; i++) {
            free(allocator, owners, mine[i]);
        }
        allocator.releaseThreadCaches();
    }

    private static void free(Allocator allocator, ConcurrentHashMap<Long, Long> owners, Held held) {
        MemorySegment segment = held.segment();
        long first = segment.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        long last = segment.get(ValueLayout.JAVA_LONG_UNALIGNED, segment.byteSize() - 8);
        if (first != held.stamp() || last != held.stamp()) {
            throw new AssertionError("block " + segment + " of owner " + held.stamp() + " was written by another: "
                    + first + ", " + last);
        }
        if (!owners.remove(segment.address(), held.stamp())) {
            throw new AssertionError("block " + segment + " is not registered to " + held.stamp());
        }
        allocator.deallocate(segment, held.layout());
    }
}
