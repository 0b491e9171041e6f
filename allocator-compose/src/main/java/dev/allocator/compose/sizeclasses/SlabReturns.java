package dev.allocator.compose.sizeclasses;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives closed slabs' memory back to the backing allocator, and keeps what the backing refused from the calling thread
 * (a confined arena used from the trimmer thread) until a thread it accepts comes by. Also remembers one segment the
 * backing handed out, to tell before a close whether the backing accepts the closing thread. Thread-safe (one lock;
 * none of this is on the allocation path).
 */
final class SlabReturns {

    private final List<SlabMemory> pending = new ArrayList<>();
    /** A segment the backing allocator handed out, for {@link #accessibleBy}; null until it handed one out. */
    private volatile MemorySegment probe;

    /** Records a segment the backing allocator handed out, when none is recorded yet. */
    void sawBackingSegment(MemorySegment segment) {
        if (probe == null) {
            probe = segment;
        }
    }

    /**
     * Gives {@code memory} back now when the backing accepts this thread, else keeps it for {@link #retry()}.
     *
     * @throws RuntimeException what the backing allocator throws, other than refusing the thread; the memory is kept
     *                          for {@link #retry()} then too
     */
    void giveBack(SlabMemory memory) {
        if (!memory.accessibleBy(Thread.currentThread())) {
            keep(memory);
            return;
        }
        try {
            memory.giveBack();
        } catch (WrongThreadException refused) {
            keep(memory);
        } catch (RuntimeException e) {
            keep(memory);
            throw e;
        }
    }

    private synchronized void keep(SlabMemory memory) {
        pending.add(memory);
    }

    /** Gives back what is kept and the backing accepts from this thread; returns how many slabs went back. */
    int retry() {
        final SlabMemory[] kept;
        synchronized (this) {
            if (pending.isEmpty()) {
                return 0;
            }
            kept = pending.toArray(SlabMemory[]::new);
            pending.clear();
        }
        int returned = 0;
        RuntimeException failure = null;
        for (SlabMemory memory : kept) {
            try {
                giveBack(memory);
                returned += memory.held() ? 0 : 1;
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return returned;
    }

    /** Bytes of slabs kept because the backing refused the thread that closed them. */
    synchronized long pendingBytes() {
        long bytes = 0;
        for (SlabMemory memory : pending) {
            bytes += memory.bytes();
        }
        return bytes;
    }

    /** Whether {@code thread} may use the backing allocator, as far as its segments tell (true when none seen). */
    synchronized boolean accessibleBy(Thread thread) {
        final MemorySegment seen = probe;
        if (seen != null && !seen.isAccessibleBy(thread)) {
            return false;
        }
        for (SlabMemory memory : pending) {
            if (!memory.accessibleBy(thread)) {
                return false;
            }
        }
        return true;
    }
}
