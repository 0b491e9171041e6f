package dev.allocator.tests.trust.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two platform threads free the same segment at the same moment, then both allocate: exactly one free may succeed
 * and no block may end up with two owners, round after round, through the pool alone and the specs that route frees
 * to a pool (issue 12, finding 4: before the fix the pool's per-thread cache checked the block's state with a plain
 * read and write, and both threads were handed the same block in about 2 % of rounds).
 */
class RacingDoubleFreeTest {

    private static final int ROUNDS = 20_000;
    private static final Layout LAYOUT = Layout.of(64, 8);

    @ParameterizedTest
    @ValueSource(strings = {"pool(blockSize=64, capacity=4096) > system", "pool(blockSize=64, capacity=4096) | system",
            "stats > pool(blockSize=64, capacity=4096) > system", "sizeclasses > system"})
    void shouldHandEachBlockToOneOwnerWhenTwoThreadsFreeItAtOnce(String spec) throws Exception {
        try (Allocator allocator = Allocators.open(spec)) {
            Race race = new Race(allocator);
            Thread other = Thread.ofPlatform().name("racer").start(race::other);
            try {
                for (int round = 1; round <= ROUNDS; round++) {
                    race.round(round);
                }
            } finally {
                race.stop();
                other.join();
            }
            assertEquals(ROUNDS, race.frees, spec + ": exactly one free per round succeeds");
            assertEquals(null, race.failure, spec);
            Set<Long> addresses = new HashSet<>();
            MemorySegment[] held = new MemorySegment[256];
            for (int i = 0; i < held.length; i++) {
                held[i] = allocator.allocate(LAYOUT);
                assertTrue(addresses.add(held[i].address()), spec + ": a block handed out twice after the race");
            }
            for (MemorySegment segment : held) {
                allocator.deallocate(segment, LAYOUT);
            }
        }
    }

    /**
     * One round at a time: this thread allocates, both free at once, both wait until both frees are done (a free
     * after the other thread has taken the block again is a free of someone else's block, which no state check can
     * tell from a correct one), both allocate, ownership is checked.
     */
    private static final class Race {
        private final Allocator allocator;
        private volatile int posted;
        private volatile int finished;
        private volatile int mainFreed;
        private volatile int otherFreedRound;
        private volatile boolean stopped;
        private volatile MemorySegment shared;
        private volatile MemorySegment otherGot;
        private volatile boolean otherFreed;
        int frees;
        volatile String failure;

        Race(Allocator allocator) {
            this.allocator = allocator;
        }

        void round(int round) {
            MemorySegment segment = allocator.allocate(LAYOUT);
            shared = segment;
            posted = round;                                  // go
            boolean freed = free(segment);
            mainFreed = round;
            while (otherFreedRound != round) {
                Thread.onSpinWait();
            }
            MemorySegment mine = allocator.allocate(LAYOUT);
            while (finished != round) {
                Thread.onSpinWait();
            }
            frees += (freed ? 1 : 0) + (otherFreed ? 1 : 0);
            MemorySegment theirs = otherGot;
            if (failure == null && mine.address() == theirs.address()) {
                failure = "round " + round + ": both threads were handed the block at " + mine.address();
            }
            assertNotEquals(mine.address(), theirs.address(), failure);
            allocator.deallocate(mine, LAYOUT);
            allocator.deallocate(theirs, LAYOUT);
        }

        void other() {
            for (int round = 1; ; round++) {
                int spins = 0;
                while (posted != round) {
                    if (stopped) {
                        return;
                    }
                    if (++spins > 1_000) {
                        Thread.yield();
                    }
                    Thread.onSpinWait();
                }
                otherFreed = free(shared);
                otherFreedRound = round;
                while (mainFreed != round) {
                    Thread.onSpinWait();
                }
                otherGot = allocator.allocate(LAYOUT);
                finished = round;
            }
        }

        private boolean free(MemorySegment segment) {
            try {
                allocator.deallocate(segment, LAYOUT);
                return true;
            } catch (IllegalStateException | IllegalArgumentException rejected) {
                return false;
            }
        }

        void stop() {
            stopped = true;
        }
    }
}
