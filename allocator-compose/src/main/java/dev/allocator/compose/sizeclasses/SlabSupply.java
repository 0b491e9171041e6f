package dev.allocator.compose.sizeclasses;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Which slab of a {@link SizeClass} an allocation takes from, in O(1) whatever the number of slabs: the current slab,
 * else the top of a stack of slabs that had a block freed since they were last found full. Thread-safe: the fast path
 * ({@link #current()}) is one volatile read; the rest runs under this object's lock, which a free takes only when
 * it turns a full slab into a listed one.
 */
final class SlabSupply {

    /*
     * Maintainers' notes.
     *
     * Each slab has a state (ClassSlab): CURRENT, FULL, LISTED or RETIRED. Moves:
     *   CURRENT -> FULL     take, under this lock, after a take from the current slab failed; then it probes once more.
     *   FULL -> CURRENT     take, under this lock, when that probe got a block (the slab stays current).
     *   FULL -> LISTED      a free, by CAS, after its block went back; the winner pushes the slab (under this lock).
     *   LISTED -> CURRENT   take pops the slab, by CAS (a slab popped in another state is skipped: retired, or
     *                       already current again), and makes it current.
     *   CURRENT -> LISTED   a slab stops being current while not found full (replaced by a new slab): pushed.
     *   any -> RETIRED      retire, under this lock and the class's, after it took every block of the slab.
     *
     * Invariants: a slab is never both in the stack twice; a LISTED slab is in the stack, or about to be pushed by the
     * free that listed it; the stack may also hold RETIRED slabs and slabs that became current again (skipped on pop,
     * purged by purge()).
     *
     * No lost wake-up: take writes FULL (volatile) before its probe reads the slab's free list; a free writes the free
     * list (its CAS) before it reads the state. So either the probe sees the freed block, or the free sees FULL and
     * lists the slab. (Blocks in threads' BlockStacks are in use to the pool: they reach it
     * through a bulk give, which relists the slab like any free.)
     *
     * The current slab's take (SizeClass.takeBlock) runs without the lock; a slab retired meanwhile throws
     * IllegalStateException from its closed pool, which ClassSlab.take treats as a refusal.
     */

    private volatile ClassSlab current;
    /** Slabs with (probably) free blocks; the top is the one listed last. Guarded by this. */
    private final ArrayDeque<ClassSlab> listed = new ArrayDeque<>();

    /** The slab to take from first; null before the first slab and after the current one was found full. */
    ClassSlab current() {
        return current;
    }

    /**
     * The slow path of a take: the current slab once more (another thread may have freed or replaced it), then
     * listed slabs, top first, each made current when it has a block.
     *
     * @return a block taken, with layout word {@code word}, or null when no slab has one (the class must grow)
     */
    synchronized MemorySegment take(long word) {
        ClassSlab slab = current;
        if (slab != null) {
            MemorySegment block = slab.take(word);
            if (block == null && slab.changeState(ClassSlab.CURRENT, ClassSlab.FULL)) {
                block = slab.take(word); // a free that ran before the mark did not list it: see the notes
                if (block != null) {
                    slab.changeState(ClassSlab.FULL, ClassSlab.CURRENT);
                }
            }
            if (block != null) {
                return block;
            }
            current = null;
        }
        while ((slab = listed.pollLast()) != null) {
            if (!slab.changeState(ClassSlab.LISTED, ClassSlab.CURRENT)) {
                continue; // retired, or current again
            }
            current = slab;
            MemorySegment block = slab.take(word);
            if (block == null && slab.changeState(ClassSlab.CURRENT, ClassSlab.FULL)) {
                block = slab.take(word);
                if (block != null) {
                    slab.changeState(ClassSlab.FULL, ClassSlab.CURRENT);
                }
            }
            if (block != null) {
                return block;
            }
            current = null;
        }
        return null;
    }

    /** Makes a new slab current; the one it replaces, if still current, is listed. */
    synchronized void install(ClassSlab slab) {
        final ClassSlab replaced = current;
        current = slab;
        if (replaced != null && replaced.changeState(ClassSlab.CURRENT, ClassSlab.LISTED)) {
            listed.addLast(replaced);
        }
    }

    /**
     * Lists {@code slab} when it is FULL: called after a block of it was freed (by the free), or when the trimmer saw
     * free blocks in it. At most one caller wins the state change and pushes it.
     */
    void relist(ClassSlab slab) {
        if (slab.state() == ClassSlab.FULL && slab.changeState(ClassSlab.FULL, ClassSlab.LISTED)) {
            synchronized (this) {
                listed.addLast(slab);
            }
        }
    }

    /** Marks {@code slab} retired (its blocks are all taken by the caller) and stops taking from it. */
    synchronized void retire(ClassSlab slab) {
        slab.state(ClassSlab.RETIRED);
        if (current == slab) {
            current = null;
        }
    }

    /** Drops retired slabs, and slabs current again, from the stack, so it holds no closed slab for long. */
    synchronized void purge() {
        listed.removeIf(slab -> slab.state() != ClassSlab.LISTED);
    }

    /** Whether an allocation can find {@code slab}: it is current, or listed and in the stack. For tests. */
    synchronized boolean findable(ClassSlab slab) {
        return slab == current || slab.state() == ClassSlab.LISTED && listed.contains(slab);
    }

    /** Forgets every slab (close). */
    synchronized void clear() {
        current = null;
        listed.clear();
    }
}
