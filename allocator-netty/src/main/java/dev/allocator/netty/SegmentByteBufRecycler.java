package dev.allocator.netty;

import io.netty.util.Recycler;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Where {@link SegmentByteBuf} objects wait between two buffers' lives, so that a buffer costs no Java object once
 * warm. Thread-safe: any thread may take an object, and the last release of a buffer may return it from any thread.
 */
/*
 * Maintainers. Three homes, chosen by the taking thread:
 *  - Netty's thread-local Recycler for Netty's event loops (FastThreadLocalThreads that clean up their
 *    FastThreadLocals): a stack per thread, no atomic on the hot path; an object released on another thread goes
 *    back through that thread's MPSC queue;
 *  - other platform threads (a worker pool, a benchmark): a plain ThreadLocal array stack of at most
 *    PER_THREAD_CAPACITY objects. An object goes onto the stack of the thread that releases it (objects carry no
 *    state between lives, so which thread's stack holds one does not matter); a full stack drops it. No atomic,
 *    no line shared between threads. At most PER_THREAD_CAPACITY small objects stay reachable per live thread.
 *    (A single shared bounded queue was tried first: every take and give was a contended CAS on one line.)
 *  - virtual threads: a new object per buffer, dropped at its end (a ThreadLocal stack per virtual thread would
 *    keep objects per short-lived thread for nothing).
 * A SegmentByteBuf is recycled by its deallocate() only, which Netty's reference count runs exactly once per life.
 */
final class SegmentByteBufRecycler extends Recycler<SegmentByteBuf> {

    /** Objects kept per platform thread that is not an event loop. */
    static final int PER_THREAD_CAPACITY = 64;

    private static final SegmentByteBufRecycler EVENT_LOOPS = new SegmentByteBufRecycler();

    private static final ThreadLocal<Stack> STACKS = ThreadLocal.withInitial(Stack::new);

    /** Puts a released object onto the releasing platform thread's stack; drops it on a virtual thread. */
    private static final Handle<SegmentByteBuf> TO_THREAD_STACK = buffer -> {
        if (!Thread.currentThread().isVirtual()) {
            STACKS.get().push(buffer);
        }
    };

    /** Drops a released object. */
    private static final Handle<SegmentByteBuf> DROP = buffer -> { };

    private SegmentByteBufRecycler() {
        super(true);
    }

    /** An object for a new buffer: a recycled one when one waits, else a new one. */
    static SegmentByteBuf take() {
        if (FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()) {
            return EVENT_LOOPS.get();
        }
        if (Thread.currentThread().isVirtual()) {
            return new SegmentByteBuf(DROP);
        }
        SegmentByteBuf kept = STACKS.get().pop();
        return kept != null ? kept : new SegmentByteBuf(TO_THREAD_STACK);
    }

    @Override
    protected SegmentByteBuf newObject(Handle<SegmentByteBuf> handle) {
        return new SegmentByteBuf(handle);
    }

    /** One platform thread's objects; used by that thread only. */
    private static final class Stack {
        private final SegmentByteBuf[] objects = new SegmentByteBuf[PER_THREAD_CAPACITY];
        private int size;

        SegmentByteBuf pop() {
            if (size == 0) {
                return null;
            }
            SegmentByteBuf top = objects[--size];
            objects[size] = null;
            return top;
        }

        void push(SegmentByteBuf buffer) {
            if (size < objects.length) {
                objects[size++] = buffer;
            }
        }
    }
}
