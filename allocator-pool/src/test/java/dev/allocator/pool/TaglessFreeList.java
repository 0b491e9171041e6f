package dev.allocator.pool;

import dev.allocator.pool.internal.FreeListDescriptor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/**
 * DELIBERATELY BROKEN, test code only: {@link dev.allocator.pool.internal.TaggedFreeList}'s pop and push with the
 * head holding the index alone, no tag. It has the ABA bug: a thread that read head = A and link(A) = B is suspended;
 * others pop A, pop B, push A; its CAS (A -> B) still succeeds and makes B, which another thread holds, the head. The
 * Lincheck tests show the checker finds this, so that a pass of the real list means something.
 */
final class TaglessFreeList {

    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(TaglessFreeList.class, "head", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemorySegment links;
    private final long stride;
    private volatile int head;

    TaglessFreeList(MemorySegment links, long stride, int capacity) {
        this.links = links;
        this.stride = stride;
        for (int i = 0; i < capacity; i++) {
            links.set(ValueLayout.JAVA_INT, i * stride, i + 1 < capacity ? i + 1 : END);
        }
        head = capacity > 0 ? 0 : END;
    }

    int pop() {
        int first;
        int next;
        do {
            first = (int) HEAD.getVolatile(this);
            if (first == END) {
                return END;
            }
            next = links.get(ValueLayout.JAVA_INT, FreeListDescriptor.linkOffset(first, stride));
        } while (!HEAD.compareAndSet(this, first, next)); // no tag: ABA
        return first;
    }

    void push(int index) {
        int first;
        do {
            first = (int) HEAD.getVolatile(this);
            links.set(ValueLayout.JAVA_INT, FreeListDescriptor.linkOffset(index, stride), first);
        } while (!HEAD.compareAndSet(this, first, index));
    }
}
