package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Padding before a lane's hot fields; see the package documentation. */
abstract class LanePad0 {
    /** Takes the 4 bytes after a compressed object header, which the JVM would otherwise give to a subclass field. */
    int gap;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** A lane's hot fields, alone on their cache lines. */
abstract class LaneFields extends LanePad0 {
    /**
     * The platform thread the lane is bound to, a {@link Revoked} naming it, or null; changed by CAS and by the
     * owner's release store only (see {@link LaneTier}).
     */
    volatile Object owner;
    /**
     * Cached blocks in {@code items[PAD .. PAD + count)}; written by the owner only, plain; other threads' reads of it
     * are racy hints, exact once the owner is dead.
     */
    int count;
}

/** Padding after a lane's hot fields. */
abstract class LanePad1 extends LaneFields {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35;
}

/**
 * One thread's private cache of free block indices: a stack that only the bound thread reads or writes, so taking
 * and giving back a block costs no atomic instruction. See {@link LaneTier} for binding, adoption and revocation.
 */
public final class Lane extends LanePad1 {

    /** Unused ints before and after the blocks in {@link #items}: 128 bytes, so two lanes' arrays share no line. */
    static final int PAD = 32;

    private static final VarHandle OWNER;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            OWNER = lookup.findVarHandle(LaneFields.class, "owner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The blocks, from {@code PAD} on; only the owner reads or writes them. */
    final int[] items;

    Lane(int size) {
        this.items = new int[size + 2 * PAD];
    }

    /** The owner, read plain: the fast path's one check (see the maintainers' notes of {@link LaneTier}). */
    Object ownerPlain() {
        return OWNER.get(this);
    }

    /** The owner, read with acquire semantics (volatile). */
    Object ownerVolatile() {
        return OWNER.getVolatile(this);
    }

    /** Replaces the owner {@code from} with {@code to} if it is still {@code from}. */
    boolean casOwner(Object from, Object to) {
        return OWNER.compareAndSet(this, from, to);
    }

    /** The thread an owner value names: the thread itself, the thread a {@link Revoked} names, or null. */
    static Thread holder(Object owner) {
        return owner instanceof Revoked revoked ? revoked.thread : (Thread) owner;
    }

    /** Unbinds the lane (release store: the owner's writes to the items happen-before the next binder's reads). */
    void unbindRelease() {
        OWNER.setRelease(this, (Thread) null);
    }

    /** The owner's count (plain: only the owner calls this). */
    int countPlain() {
        return count;
    }

    /** Sets the count (plain: only the owner calls this; other threads' reads are racy hints). */
    void countPlain(int value) {
        count = value;
    }

    /**
     * The owner value that asks thread {@code thread} to give its lane's blocks back: put in place of the thread by
     * CAS, so the owner's fast-path check fails and its next call empties the lane and lets it go.
     */
    record Revoked(Thread thread) {
    }
}
