package dev.allocator.arena;

import java.util.concurrent.atomic.LongAdder;

/**
 * The allocations of one scope level: how many were made, how many of them deallocate ended, and the bytes of those
 * still live. Plain fields for a confined arena (one writer); for a shared one, striped counters for what the
 * lock-free allocation path updates (no single contended word), and a plain field for what deallocate updates under
 * the arena's lock.
 */
abstract sealed class Tally permits Tally.Plain, Tally.Striped {

    static Tally create(boolean shared) {
        return shared ? new Striped() : new Plain();
    }

    /** Records one allocation of {@code bytes}. */
    abstract void add(long bytes);

    /** Records that deallocate ended an allocation of {@code bytes}. */
    abstract void remove(long bytes);

    /** Allocations made in this level, ended or not. */
    abstract long allocated();

    /** Allocations of this level not ended by deallocate. */
    abstract long live();

    /** Their bytes. */
    abstract long bytes();

    static final class Plain extends Tally {
        private long allocated;
        private long freed;
        private long bytes;

        @Override
        void add(long size) {
            allocated++;
            bytes += size;
        }

        @Override
        void remove(long size) {
            freed++;
            bytes -= size;
        }

        @Override
        long allocated() {
            return allocated;
        }

        @Override
        long live() {
            return allocated - freed;
        }

        @Override
        long bytes() {
            return bytes;
        }
    }

    static final class Striped extends Tally {
        private final LongAdder allocated = new LongAdder();
        private final LongAdder bytes = new LongAdder();
        /** Written under the arena's lock only. */
        private volatile long freed;

        @Override
        void add(long size) {
            allocated.increment();
            bytes.add(size);
        }

        @Override
        void remove(long size) {
            freed = freed + 1;
            bytes.add(-size);
        }

        @Override
        long allocated() {
            return allocated.sum();
        }

        @Override
        long live() {
            return allocated.sum() - freed;
        }

        @Override
        long bytes() {
            return bytes.sum();
        }
    }
}
