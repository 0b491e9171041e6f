package dev.allocator.compose.sizeclasses;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;

/**
 * The per-thread caches of a {@link SizeClassAllocator}: each platform thread gets a {@link ThreadBlocks} of its own
 * on first use, registered here so that the caches of threads that ended can be adopted (their blocks given back
 * to the slabs) and their allocation counts summed. Virtual threads get none: they take from and give to the slabs
 * directly. Thread-safe: the registry is guarded by this object's lock.
 */
final class ThreadCaches {

    /*
     * Maintainers' notes.
     *
     * Ownership: a ThreadBlocks is touched by its owner only, until Thread.isAlive() returns false; the owner's last
     * action happens-before that (JLS 17.4.4), so the thread that then adopts it sees every block and count the owner
     * left. Adoption runs under this lock, so one thread adopts a cache once; a cache whose blocks cannot be given back
     * from the adopting thread (a confined backing) stays registered for a later try.
     * Blocks in a cache are in use to their pool, so no slab is retired while a cache holds one of its blocks.
     *
     * Look-up: a thread's cache is found first in `homes`, at its thread id's slot (ids are handed out in sequence, so
     * the threads of one process mostly get slots of their own): one array load and a compare of the entry's final
     * `owner` with the calling thread, which is right even when the entry was read racily (final fields are seen
     * initialised through any reference). A thread whose slot another live thread holds finds its cache through the
     * ThreadLocal, which is also where a cache is made and registered; a slot goes to the newest registering thread
     * when it is empty or its holder has ended, and is emptied when that cache is adopted.
     */

    /** Slots in {@link #homes} by default: thread ids modulo this. */
    static final int HOMES = 256;
    private static final VarHandle HOME = MethodHandles.arrayElementVarHandle(ThreadBlocks[].class);

    /** Bytes of blocks a thread keeps per class at most (a class gets 2 to MAX_BLOCKS blocks). */
    static final long CACHE_BYTES = 64 * 1024;
    /** Blocks a thread keeps per class at most. */
    static final int MAX_BLOCKS = 64;

    private final SizeClass[] byClass;
    private final int[] capacities;
    private final boolean enabled;
    /** Caches by thread id modulo its length (a power of two); see the maintainers' notes. */
    private final ThreadBlocks[] homes;
    private final ThreadLocal<ThreadBlocks> local = new ThreadLocal<>() {
        @Override
        protected ThreadBlocks initialValue() {
            return register(Thread.currentThread());
        }
    };
    /** Guarded by this. */
    private final ArrayList<ThreadBlocks> registered = new ArrayList<>();
    /** Allocations counted by caches adopted from threads that ended; guarded by this. */
    private long adoptedAllocations;
    /** Registry size that triggers the next adoption on registration; guarded by this. */
    private int adoptAt = 64;

    /**
     * @param byClass   the classes
     * @param enabled   false for no caches at all (every thread takes from the slabs directly)
     * @param homeSlots slots of the table that finds a thread's caches, a power of two ({@link #HOMES}; tests use 1,
     *                  so that every thread meets another's cache there)
     */
    ThreadCaches(SizeClass[] byClass, boolean enabled, int homeSlots) {
        if (Integer.bitCount(homeSlots) != 1) {
            throw new IllegalArgumentException("homeSlots must be a power of two: homeSlots=" + homeSlots);
        }
        this.homes = new ThreadBlocks[homeSlots];
        this.byClass = byClass;
        this.enabled = enabled;
        this.capacities = new int[byClass.length];
        for (int c = 0; c < byClass.length; c++) {
            final long blocks = CACHE_BYTES / byClass[c].block().size();
            capacities[c] = enabled && blocks >= 2 ? (int) Math.min(MAX_BLOCKS, blocks) : 0;
        }
    }

    /** The calling thread's caches; null for a virtual thread, or when caching is off. */
    ThreadBlocks local() {
        final Thread thread = Thread.currentThread();
        final ThreadBlocks home = homes[slot(thread)];
        return home != null && home.owner == thread ? home : localSlow(thread);
    }

    /** {@link #local} for a thread not in its home slot: found (or made) through the ThreadLocal, homed if it can. */
    private ThreadBlocks localSlow(Thread thread) {
        if (thread.isVirtual() || !enabled) {
            return null;
        }
        final ThreadBlocks own = local.get();
        final int slot = slot(thread);
        final ThreadBlocks there = (ThreadBlocks) HOME.getVolatile(homes, slot);
        if (there == null || !there.owner.isAlive()) {
            HOME.compareAndSet(homes, slot, there, own);
        }
        return own;
    }

    /** {@code thread}'s slot in {@link #homes}. */
    private int slot(Thread thread) {
        return (int) thread.threadId() & (homes.length - 1);
    }

    private synchronized ThreadBlocks register(Thread owner) {
        final BlockStack[] stacks = new BlockStack[byClass.length];
        for (int c = 0; c < stacks.length; c++) {
            stacks[c] = capacities[c] == 0 ? null : new BlockStack(byClass[c], capacities[c]);
        }
        final ThreadBlocks blocks = new ThreadBlocks(owner, stacks);
        if (registered.size() >= adoptAt) {
            adoptEnded();
            adoptAt = Math.max(64, 2 * registered.size());
        }
        registered.add(blocks);
        return blocks;
    }

    /** The calling thread gives back every block in its own caches; returns how many. */
    int releaseOwn() {
        final ThreadBlocks own = local();
        return own == null ? 0 : own.flushAll();
    }

    /**
     * Gives back the blocks cached by threads that ended, and forgets their caches (their counts are kept).
     *
     * @return how many blocks went back
     */
    synchronized int adoptEnded() {
        int moved = 0;
        for (int i = registered.size() - 1; i >= 0; i--) {
            final ThreadBlocks blocks = registered.get(i);
            if (blocks.owner.isAlive()) {
                continue;
            }
            try {
                moved += blocks.flushAll();
            } catch (RuntimeException refused) {
                continue; // a backing this thread may not touch: left for a thread that may
            }
            adoptedAllocations += blocks.allocations();
            HOME.compareAndSet(homes, slot(blocks.owner), blocks, null);
            registered.set(i, registered.get(registered.size() - 1));
            registered.remove(registered.size() - 1);
        }
        return moved;
    }

    /** Allocations made from every cache, live or adopted (each live owner's count as last written). */
    synchronized long allocations() {
        long sum = adoptedAllocations;
        for (ThreadBlocks blocks : registered) {
            sum += blocks.allocations();
        }
        return sum;
    }
}
