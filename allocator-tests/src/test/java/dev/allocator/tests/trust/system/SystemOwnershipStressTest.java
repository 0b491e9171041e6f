package dev.allocator.tests.trust.system;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.system.SystemAllocator;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Four threads allocate blocks of mixed sizes (small ones in the registry, large ones with their own scope), stamp
 * every word of each with a tag of their own, and hand them to each other through a shared queue, in phases that
 * grow the live set to thousands of blocks and drain it again; whoever takes a block checks that its stamp is whole (no other live block shares its memory) and frees it. Large blocks are also
 * freed by two threads at once: exactly one free may win. At the end every block was freed exactly once, the counts
 * say so, and a close with blocks still live frees them. It runs in a child JVM: a double free that got through to
 * the C library would abort the process.
 */
class SystemOwnershipStressTest {

    /** The scenario: {@code args[0]} the scope threshold, {@code args[1]} operations per thread. */
    public static final class Scenario {
        static final int THREADS = 4;
        static final int DUELS = 200;
        static final long[] SIZES = {0, 16, 64, 64, 64, 1000, 4096, 200_000};

        record Held(MemorySegment segment, Layout layout, long tag) {
        }

        public static void main(String[] args) throws Exception {
            long threshold = Long.parseLong(args[0]);
            int operations = Integer.parseInt(args[1]);
            SystemAllocator allocator = new SystemAllocator(threshold);
            ConcurrentLinkedQueue<Held> shared = new ConcurrentLinkedQueue<>();
            AtomicLong allocated = new AtomicLong();
            AtomicLong freed = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            CyclicBarrier duel = new CyclicBarrier(3);  // a dealer and two duelists
            Held[] contested = new Held[1];
            Thread[] threads = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                final int id = t;
                threads[t] = Thread.ofPlatform().start(() -> {
                    SplittableRandom random = new SplittableRandom(id);
                    for (int i = 0; i < operations; i++) {
                        // phases of mostly allocating and mostly freeing: the live set grows to thousands of
                        // blocks and drains again, so the registry grows and shrinks while others use it
                        boolean growing = (i / 4000) % 2 == 0;
                        if (random.nextInt(100) < (growing ? 70 : 30)) {
                            Layout layout = Layout.of(SIZES[random.nextInt(SIZES.length)], 8);
                            long tag = ((long) id << 56) | i;
                            MemorySegment block = allocator.allocate(layout);
                            allocated.incrementAndGet();
                            stamp(block, tag);
                            shared.add(new Held(block, layout, tag));
                        } else {
                            Held taken = shared.poll();
                            if (taken != null) {
                                check(taken);
                                allocator.deallocate(taken.segment, taken.layout);
                                freed.incrementAndGet();
                            }
                        }
                    }
                });
            }
            for (Thread thread : threads) {
                thread.join();
            }
            // Duels: the dealer allocates a large block, two threads free it at once; exactly one may win.
            Layout large = Layout.of(Math.max(threshold, 1), 8);
            Runnable duelist = () -> {
                for (int round = 0; round < DUELS; round++) {
                    try {
                        duel.await();
                        allocator.deallocate(contested[0].segment, contested[0].layout);
                        freed.incrementAndGet();
                    } catch (IllegalStateException doubleFree) {
                        refused.incrementAndGet();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    try {
                        duel.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            };
            Thread dealer = Thread.ofPlatform().start(() -> {
                for (int round = 0; round < DUELS; round++) {
                    try {
                        contested[0] = new Held(allocator.allocate(large), large, round);
                        allocated.incrementAndGet();
                        duel.await();
                        // the duelists free it here
                        duel.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            });
            Thread first = Thread.ofPlatform().start(duelist);
            Thread second = Thread.ofPlatform().start(duelist);
            dealer.join();
            first.join();
            second.join();
            long live = 0;
            for (Held held; (held = shared.poll()) != null; ) {
                check(held);
                live++;
            }
            AllocatorStats before = allocator.stats();
            allocator.close();
            AllocatorStats after = allocator.stats();
            String report = "allocated=" + allocated + " freed=" + freed + " refused=" + refused + " live=" + live
                    + " before close: " + before + " after: " + after;
            System.out.println(report);
            boolean ok = allocated.get() == freed.get() + live && refused.get() == DUELS
                    && before.allocations() == allocated.get() && before.deallocations() == freed.get()
                    && after.bytesInUse() == 0 && after.liveAllocations() == 0;
            System.exit(ok ? 0 : 3);
        }

        private static void stamp(MemorySegment block, long tag) {
            for (long offset = 0; offset + 8 <= block.byteSize(); offset += 8) {
                block.set(ValueLayout.JAVA_LONG, offset, tag ^ offset);
            }
        }

        private static void check(Held held) {
            MemorySegment block = held.segment;
            for (long offset = 0; offset + 8 <= block.byteSize(); offset += 8) {
                long word = block.get(ValueLayout.JAVA_LONG, offset);
                if (word != (held.tag ^ offset)) {
                    System.out.println("block " + held + " overwritten at " + offset + ": " + Long.toHexString(word));
                    System.exit(4);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {SystemAllocator.DEFAULT_SCOPE_THRESHOLD, 4096})
    void shouldGiveEveryBlockOneOwnerAndFreeItExactlyOnce(long scopeThreshold) {
        ChildJvm.Ended ended = ChildJvm.run(Scenario.class, Duration.ofSeconds(240),
                String.valueOf(scopeThreshold), "20000");
        assertFalse(ended.crashed(), ended::toString);
        assertEquals(0, ended.exitCode(), ended::toString);
    }
}
