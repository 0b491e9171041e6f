package dev.allocator.netty;

import io.netty.util.Recycler;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Where {@link SegmentByteBuf} objects wait between two buffers' lives, so that a buffer costs no Java object once
 * warm: Netty's own {@link Recycler}, as Netty's pooled and adaptive buffers use it. Thread-safe: any thread may take
 * an object, and the last release of a buffer may return it from any thread.
 */
/*
 * Maintainers. Two Netty recyclers, chosen by the taking thread:
 *  - a thread-local one for Netty's event loops (FastThreadLocalThreads): a stack per thread, no atomic on the hot
 *    path; an object released on another thread goes back through that thread's MPSC queue;
 *  - one shared bounded MPMC queue for every other thread (a worker pool, a benchmark), since Netty's thread-local
 *    recycler recycles nothing on a thread that does not clean up its FastThreadLocals.
 * Both are "unguarded" (no per-handle state word): a SegmentByteBuf is recycled by its deallocate() only, which
 * Netty's reference count runs exactly once per life. Objects are shared by every SegmentByteBufAllocator (they
 * carry their owner while live and drop it on release), so creating many allocators creates no FastThreadLocal.
 */
final class SegmentByteBufRecycler extends Recycler<SegmentByteBuf> {

    /** Objects kept for threads that are not event loops, all such threads together. */
    static final int SHARED_CAPACITY = 4096;

    private static final SegmentByteBufRecycler EVENT_LOOPS = new SegmentByteBufRecycler();
    private static final SegmentByteBufRecycler SHARED = new SegmentByteBufRecycler(SHARED_CAPACITY);

    private SegmentByteBufRecycler() {
        super(true);
    }

    private SegmentByteBufRecycler(int capacity) {
        super(capacity, true);
    }

    /** An object for a new buffer: a recycled one when one waits, else a new one. */
    static SegmentByteBuf take() {
        return FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals() ? EVENT_LOOPS.get() : SHARED.get();
    }

    @Override
    protected SegmentByteBuf newObject(Handle<SegmentByteBuf> handle) {
        return new SegmentByteBuf(handle);
    }
}
