package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Padding before the mark; see the package documentation. */
abstract class HighWaterMarkPad0 {
    /** Takes the 4 bytes after a compressed object header, which the JVM would otherwise give to a subclass field. */
    int gap;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The mark, alone on its cache lines. */
abstract class HighWaterMarkValue extends HighWaterMarkPad0 {
    volatile int mark;
}

/** Padding after the mark. */
abstract class HighWaterMarkPad1 extends HighWaterMarkValue {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35;
}

/**
 * The most blocks a pool has had in use at once, derived from the deepest block index ever taken, so that the hot
 * path pays one plain read instead of a shared counter. Thread-safe.
 *
 * {@snippet :
 * HighWaterMark highWater = new HighWaterMark();
 * highWater.onTake(0);            // the pool handed out block 0
 * highWater.onTake(2);
 * int mark = highWater.get();    // 3
 * }
 */
public final class HighWaterMark extends HighWaterMarkPad1 {

    /*
     * Maintainers' notes.
     *
     * Why the deepest index is the high-water mark: the free-list starts as 0 -> 1 -> ... -> n-1 and is LIFO, so the
     * blocks never taken yet, j..n-1, always sit at its bottom in order. Block j is popped only when everything above
     * it is gone, i.e. when blocks 0..j-1 are all in use; right after that pop exactly j+1 blocks are in use, the most
     * so far (by induction, the count never exceeded j before). So mark = 1 + the largest index ever taken. This holds
     * at the pop's linearization point; taken() runs just after it, so a reader may briefly see a mark lower than the
     * in-use count: readers take the maximum of the two.
     *
     * The hot path reads `mark` and compares; only a block never taken before (at most capacity times in the pool's
     * life) goes to the CAS loop.
     */

    private static final VarHandle MARK;

    static {
        try {
            MARK = MethodHandles.lookup().findVarHandle(HighWaterMarkValue.class, "mark", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Creates a mark of 0. */
    public HighWaterMark() {
    }

    /**
     * Records that block {@code index} was taken from the free-list.
     *
     * @param index the block
     */
    public void onTake(int index) {
        if (index >= (int) MARK.get(this)) { // a plain read: a stale value only sends us to raise()
            raise(index + 1);
        }
    }

    private void raise(int candidate) {
        int current;
        do {
            current = (int) MARK.getVolatile(this);
            if (candidate <= current) {
                return;
            }
        } while (!MARK.compareAndSet(this, current, candidate));
    }

    /**
     * The mark.
     *
     * @return the most blocks in use at once so far
     */
    public int get() {
        return (int) MARK.getVolatile(this);
    }
}
