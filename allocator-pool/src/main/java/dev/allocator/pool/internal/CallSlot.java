package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Padding before a slot's hot fields; see the package documentation. */
abstract class CallSlotPad0 {
    /** Takes the 4 bytes after a compressed object header, which the JVM would otherwise give to a subclass field. */
    int gap;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** A slot's hot fields, alone on their cache lines. */
abstract class CallSlotFields extends CallSlotPad0 {
    /** Version (bits 31..1) and busy flag (bit 0); only accessed through {@code WORD}. */
    volatile int word;
    /** Cached blocks in {@code items[PAD .. PAD + count)}; written only by the slot's claimer. */
    int count;
}

/** Padding after a slot's hot fields. */
abstract class CallSlotPad1 extends CallSlotFields {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35;
}

/**
 * One cache of block indices, used by one thread at a time for the length of one call: the thread claims it with a
 * CAS on {@code word} (even = free, odd = busy) and releases it by storing the next even value. Its state is plain
 * fields, published by that release store and acquired by the next claim.
 */
final class CallSlot extends CallSlotPad1 {

    /** Unused ints before and after the blocks in {@link #items}: 128 bytes, so two slots' arrays share no line. */
    static final int PAD = 32;
    /** What {@link #tryClaim} returns when the slot is busy (odd, so never a free word). */
    static final int BUSY = -1;

    private static final VarHandle WORD;
    private static final VarHandle COUNT;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(CallSlotFields.class, "word", int.class);
            COUNT = MethodHandles.lookup().findVarHandle(CallSlotFields.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The blocks, from {@code PAD} on; only the claimer reads or writes them. */
    final int[] items;

    CallSlot(int size) {
        this.items = new int[size + 2 * PAD];
    }

    /** The word, read with acquire semantics (volatile). */
    int word() {
        return (int) WORD.getVolatile(this);
    }

    /** Claims the slot when it is free: returns the free word it replaced, or {@link #BUSY}. */
    int tryClaim() {
        final int word = (int) WORD.getVolatile(this);
        return (word & 1) == 0 && WORD.compareAndSet(this, word, word | 1) ? word : BUSY;
    }

    /** Claims the slot if its word is still {@code word} (a free word read before). */
    boolean tryClaim(int word) {
        return (word & 1) == 0 && WORD.compareAndSet(this, word, word | 1);
    }

    /** Releases a slot claimed from {@code word}: the next version, free again (release store). */
    void release(int word) {
        WORD.setRelease(this, word + 2);
    }

    /** The count as some claimer left it, read without claiming (a hint, exact only with a validated version). */
    int countHint() {
        return (int) COUNT.getOpaque(this);
    }
}
