package dev.allocator.arena;

import java.util.concurrent.atomic.LongAdder;

/**
 * The live allocations of one scope level and their bytes: plain fields for a confined arena (one writer), striped
 * counters for a shared one (many writers, so no single contended word on the allocation path).
 */
abstract sealed class Tally permits Tally.Plain, Tally.Striped {

    static Tally create(boolean shared) {
        return shared ? new Striped() : new Plain();
    }

    /** Records one allocation of {@code bytes}. */
    abstract void add(long bytes);

    /** Records that an allocation of {@code bytes} ended. */
    abstract void remove(long bytes);

    abstract long count();

    abstract long bytes();

    static final class Plain extends Tally {
        private long count;
        private long bytes;

        @Override
        void add(long size) {
            count++;
            bytes += size;
        }

        @Override
        void remove(long size) {
            count--;
            bytes -= size;
        }

        @Override
        long count() {
            return count;
        }

        @Override
        long bytes() {
            return bytes;
        }
    }

    static final class Striped extends Tally {
        private final LongAdder count = new LongAdder();
        private final LongAdder bytes = new LongAdder();

        @Override
        void add(long size) {
            count.increment();
            bytes.add(size);
        }

        @Override
        void remove(long size) {
            count.decrement();
            bytes.add(-size);
        }

        @Override
        long count() {
            return count.sum();
        }

        @Override
        long bytes() {
            return bytes.sum();
        }
    }
}
