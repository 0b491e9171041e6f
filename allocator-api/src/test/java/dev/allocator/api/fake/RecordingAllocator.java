package dev.allocator.api.fake;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A test allocator for the API's own tests: takes memory from a shared {@link Arena} (or from its backing allocator)
 * and records, in {@link #CLOSED}, the label of every instance as it closes.
 */
public final class RecordingAllocator implements Allocator {

    /** Labels in the order the allocators were closed. */
    public static final List<String> CLOSED = new CopyOnWriteArrayList<>();

    private final String label;
    private final Allocator backing;
    private final Arena arena = Arena.ofShared();
    private boolean closed;

    public RecordingAllocator(String label, Allocator backing) {
        this.label = label;
        this.backing = backing;
    }

    public String label() {
        return label;
    }

    public Allocator backing() {
        return backing;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        Checks.requireOpen(closed, this);
        return arena.allocate(layout.size(), layout.alignment());
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return allocate(layout);
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Checks.requireOpen(closed, this);
        if (!owns(segment)) {
            throw new IllegalArgumentException("not ours: " + Checks.hex(segment.address()));
        }
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return segment.scope().equals(arena.scope());
    }

    @Override
    public AllocatorStats stats() {
        return new AllocatorStats(0, 0, 0, 0, 0);
    }

    /** One gauge of its own, tagged with its label, then its backing's measures. */
    @Override
    public void measures(Consumer<? super Measure> sink) {
        sink.accept(Measure.gauge("allocator.stage.closed", "stage", "stages", "1 once closed", this,
                r -> r.closed ? 1 : 0).tag("label", label));
        if (backing != null) {
            backing.measures(sink);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CLOSED.add(label);
        arena.close();
        if (backing != null) {
            backing.close();
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
