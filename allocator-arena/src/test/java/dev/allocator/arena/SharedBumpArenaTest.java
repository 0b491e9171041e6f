package dev.allocator.arena;

import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared flavour under several threads: no overlap, no lost bytes, no aliasing across resets. */
class SharedBumpArenaTest {

    private static final int THREADS = 4;

    private final TestBacking backing = new TestBacking();
    private final SharedBumpArena arena = BumpArena.ofShared(backing, ArenaOptions.defaults().withChunkSize(4096));
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

    @AfterEach
    void close() {
        pool.shutdownNow();
        arena.close();
    }

    private record Block(MemorySegment segment, byte tag) {
    }

    @Test
    void shouldHandOutDisjointSegmentsThatKeepTheirContentsUnderContention() throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<List<Block>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final int thread = t;
            results.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                List<Block> blocks = new ArrayList<>();
                start.await();
                for (int i = 0; i < 5000; i++) {
                    long size = random.nextInt(1, 200);
                    long alignment = 1L << random.nextInt(0, 7);
                    MemorySegment segment = arena.allocate(Layout.of(size, alignment));
                    assertEquals(0, segment.address() % alignment);
                    byte tag = (byte) (thread * 50 + i % 50);
                    segment.fill(tag);
                    blocks.add(new Block(segment, tag));
                    if (random.nextInt(8) == 0) {
                        arena.deallocate(segment, Layout.of(size, alignment));
                        blocks.removeLast();
                    }
                }
                return blocks;
            }));
        }
        List<Block> all = new ArrayList<>();
        for (Future<List<Block>> result : results) {
            all.addAll(result.get());
        }
        all.sort(Comparator.comparingLong(b -> b.segment().address()));
        long bytes = 0;
        for (int i = 0; i < all.size(); i++) {
            Block block = all.get(i);
            if (i > 0) {
                MemorySegment previous = all.get(i - 1).segment();
                assertTrue(previous.address() + previous.byteSize() <= block.segment().address(),
                        () -> "overlap at " + block.segment());
            }
            for (long j = 0; j < block.segment().byteSize(); j++) {
                assertEquals(block.tag(), block.segment().get(ValueLayout.JAVA_BYTE, j));
            }
            bytes += block.segment().byteSize();
        }
        assertEquals(all.size(), arena.arenaStats().liveAllocations());
        assertEquals(bytes, arena.arenaStats().bytesInUse());
    }

    @Test
    void shouldNeverLetALiveSegmentAliasAnotherAcrossConcurrentResetsAndRewinds() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong checked = new AtomicLong();
        AtomicLong ended = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final long id = t + 1;
            workers.add(pool.submit((Callable<Void>) () -> {
                long counter = 0;
                while (!stop.get()) {
                    MemorySegment segment = arena.allocate(Layout.of(64, 8));
                    long stamp = id << 48 | counter++;
                    try {
                        for (long i = 0; i < 64; i += 8) {
                            segment.set(ValueLayout.JAVA_LONG, i, stamp);
                        }
                        Thread.onSpinWait();
                        for (long i = 0; i < 64; i += 8) {
                            long seen = segment.get(ValueLayout.JAVA_LONG, i);
                            if (seen != stamp) {
                                throw new AssertionError("live segment " + segment + " aliased: expected "
                                        + stamp + ", found " + seen);
                            }
                        }
                        checked.incrementAndGet();
                    } catch (IllegalStateException deadByReset) {
                        ended.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (int round = 0; round < 200; round++) {
            BumpArena.Mark mark = arena.mark();
            Thread.sleep(0, 200_000);
            arena.rewind(mark);
            if (round % 4 == 0) {
                arena.reset();
            }
        }
        stop.set(true);
        for (Future<?> worker : workers) {
            worker.get();
        }
        assertTrue(checked.get() > 0, "some segments lived long enough to be checked");
        assertEquals(200 / 4, arena.arenaStats().resets());
    }

    @Test
    void shouldGiveEveryChunkBackWhenClosedWhileThreadsAllocate() throws Exception {
        AtomicLong allocated = new AtomicLong();
        List<Future<Throwable>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final int thread = t;
            workers.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                try {
                    for (;;) {
                        long size = random.nextInt(8) == 0 ? 10_000 : random.nextInt(1, 300);
                        MemorySegment segment = arena.allocate(Layout.of(size, 8));
                        segment.fill((byte) thread);
                        allocated.incrementAndGet();
                    }
                } catch (IllegalStateException closedOrDead) {
                    return null;
                } catch (Throwable unexpected) {
                    return unexpected;
                }
            }));
        }
        while (allocated.get() < 20_000) {
            Thread.onSpinWait();
        }
        arena.close();
        for (Future<Throwable> worker : workers) {
            assertNull(worker.get(), "only IllegalStateException may stop a worker");
        }
        assertEquals(0, backing.liveBlocks(), "every chunk went back, none was taken after close");
        assertThrows(IllegalStateException.class, () -> arena.allocate(Layout.of(8)));
    }
}
