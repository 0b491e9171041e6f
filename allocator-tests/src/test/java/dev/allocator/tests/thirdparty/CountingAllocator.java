package dev.allocator.tests.thirdparty;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A third party's allocator: counts the calls made to it and passes each to the allocator beneath it, which it owns
 * and closes on {@link #close()}. Thread-safe when the allocator beneath is.
 */
public final class CountingAllocator implements Allocator {

    /** The labels of closed counting allocators, in the order they closed (for the close-order test). */
    public static final List<String> CLOSE_LOG = new CopyOnWriteArrayList<>();

    private final String label;
    private final Allocator backing;
    private final LongAdder allocateCalls = new LongAdder();
    private final LongAdder deallocateCalls = new LongAdder();
    private volatile boolean closed;

    public CountingAllocator(String label, Allocator backing) {
        this.label = Objects.requireNonNull(label, "label");
        this.backing = Objects.requireNonNull(backing, "backing");
    }

    public long allocateCalls() {
        return allocateCalls.sum();
    }

    public long deallocateCalls() {
        return deallocateCalls.sum();
    }

    public Allocator backing() {
        return backing;
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        allocateCalls.increment();
        return backing.allocate(layout);
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        allocateCalls.increment();
        return backing.tryAllocate(layout);
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        allocateCalls.increment();
        return backing.allocateZeroed(layout);
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        deallocateCalls.increment();
        backing.deallocate(segment, layout);
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return backing.owns(segment);
    }

    @Override
    public AllocatorStats stats() {
        return backing.stats();
    }

    /** Has no figures of its own: lists its backing's, so monitoring still sees them through this stage. */
    @Override
    public void measures(Consumer<? super Measure> sink) {
        backing.measures(sink);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CLOSE_LOG.add(label);
        backing.close();
    }

    @Override
    public String toString() {
        return "counting(label=" + label + ")";
    }
}
