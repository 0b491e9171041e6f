package dev.allocator.tests.soak;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.compose.sizeclasses.SizeClassAllocator;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.fault.Requests;
import dev.allocator.tests.support.Patterns;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One thread of a soak episode: random allocations, each filled with the pattern of its own tag, verified before it
 * is freed (by this thread, or by another after a hand-off), until the episode stops or the spec is closed under it.
 * After a close it checks that a block it still holds can no longer be read. Every surprise is an error of the
 * episode: an exception other than AllocationException or null from an allocation, an IllegalStateException while
 * the spec is open, a wrong byte.
 */
final class SoakWorker implements Runnable {

    /** A live block: its segment, layout and pattern tag. */
    record Block(MemorySegment segment, Layout layout, long tag) {
    }

    private static final int MAX_HELD = 64;

    private final SoakEpisode episode;
    private final Allocator allocator;
    private final Subject caps;
    private final Random random;
    private final long tagBase;
    private final List<Block> held = new ArrayList<>();
    private long nextTag;
    private long operations;
    private long allocations;
    private long failures;
    private long frees;
    private long handoffs;
    private long verifies;
    private long trims;
    private long resets;
    private long rejectedAfterClose;

    SoakWorker(SoakEpisode episode, int id, long seed) {
        this.episode = episode;
        this.allocator = episode.allocator();
        this.caps = episode.caps();
        this.random = new Random(seed * 1_000_003 + id);
        this.tagBase = (seed << 24) ^ ((long) id << 48);
    }

    @Override
    public void run() {
        try {
            while (!episode.stopping() && step()) {
                // one operation per step
            }
            if (episode.orderly()) {
                freeAll();
            } else {
                checkUnreadableAfterClose();
            }
        } catch (Throwable t) {
            episode.error("worker died", t);
        } finally {
            flush();
        }
    }

    /**
     * The owner of a confined allocator: steps until {@code endNanos}, resetting the arena now and then, and checking
     * that a block the reset dropped can no longer be read.
     */
    void runAsOwner(long endNanos) {
        try {
            while (System.nanoTime() < endNanos && step()) {
                if (random.nextInt(500) == 0 && allocator instanceof dev.allocator.arena.BumpArena arena) {
                    Block any = held.isEmpty() ? null : held.get(random.nextInt(held.size()));
                    arena.reset();
                    held.clear();
                    resets++;
                    if (any != null && any.segment().byteSize() > 0) {
                        expectUnreadable(any, "after reset");
                    }
                }
            }
            if (episode.orderly()) {
                freeAll();
            }
        } finally {
            flush();
        }
    }

    /** One random operation; false once the spec was seen closed. */
    private boolean step() {
        operations++;
        int op = random.nextInt(100);
        try {
            if (op < 45 && held.size() < MAX_HELD || held.isEmpty()) {
                allocate();
            } else if (op < 80) {
                boolean latest = caps.reuse() == Subject.Reuse.LATEST_ONLY && random.nextBoolean();
                free(held.remove(latest ? held.size() - 1 : random.nextInt(held.size())));
            } else if (op < 85 && caps.threadSafe()) {
                episode.handOff(held.remove(random.nextInt(held.size())));
            } else if (op < 90) {
                Block block = episode.takeHandedOff();
                if (block != null) {
                    free(block);
                    handoffs++;
                }
            } else if (op < 98) {
                Block block = held.get(random.nextInt(held.size()));
                Patterns.verify(block.segment(), block.tag(), what(block));
                verifies++;
            } else {
                releaseCaches();
            }
            return true;
        } catch (IllegalStateException e) {
            if (episode.closing()) {
                rejectedAfterClose++;
                return false;
            }
            episode.error("IllegalStateException while the spec is open", e);
            return true;
        } catch (AssertionError | RuntimeException e) {
            episode.error("operation failed", e);
            return true;
        }
    }

    private void allocate() {
        Layout layout = Requests.nextLayout(random, caps);
        Requests.Call call = Requests.Call.next(random);
        MemorySegment segment;
        try {
            segment = call.on(allocator, layout);
        } catch (AllocationException e) {
            segment = null;
        }
        if (segment == null) {
            failures++;
            return;
        }
        if (segment.byteSize() != layout.size() || segment.address() % layout.alignment() != 0) {
            episode.error("wrong segment at " + Checks.hex(segment.address()) + " of " + segment.byteSize()
                    + " bytes for " + layout, null);
            return;
        }
        Block block = new Block(segment, layout, tagBase + nextTag++);
        if (call == Requests.Call.ALLOCATE_ZEROED && segment.byteSize() > 0
                && segment.get(ValueLayout.JAVA_BYTE, segment.byteSize() - 1) != 0) {
            episode.error("allocateZeroed returned a non-zero byte in " + what(block), null);
        }
        Patterns.fill(segment, block.tag());
        held.add(block);
        allocations++;
    }

    private void free(Block block) {
        Patterns.verify(block.segment(), block.tag(), what(block));
        allocator.deallocate(block.segment(), block.layout());
        frees++;
    }

    private void releaseCaches() {
        if (allocator instanceof FixedBlockPool pool) {
            pool.releaseThreadCache();
            trims++;
        } else if (allocator instanceof SizeClassAllocator sizeClasses) {
            sizeClasses.releaseThreadCaches();
            trims++;
        }
    }

    /** Orderly end: every held block verified and freed. */
    private void freeAll() {
        while (!held.isEmpty()) {
            try {
                free(held.removeLast());
            } catch (AssertionError | RuntimeException e) {
                episode.error("orderly free failed", e);
            }
        }
    }

    /** After a racing close: a block still held must throw when read (only read: its memory may be unmapped). */
    private void checkUnreadableAfterClose() {
        if (!episode.awaitClosed()) {
            return;
        }
        for (Block block : held) {
            if (block.segment().byteSize() > 0) {
                expectUnreadable(block, "after its spec closed");
                return;
            }
        }
    }

    private void expectUnreadable(Block block, String when) {
        try {
            block.segment().get(ValueLayout.JAVA_BYTE, 0);
        } catch (IllegalStateException expected) {
            rejectedAfterClose++;
            return;
        }
        episode.error("a block is still readable " + when + ": " + what(block), null);
    }

    private String what(Block block) {
        return "block tag " + Long.toHexString(block.tag()) + " " + block.layout() + " in " + Thread.currentThread();
    }

    private void flush() {
        SoakTally tally = episode.tally();
        tally.add(SoakTally.Count.OPERATIONS, operations);
        tally.add(SoakTally.Count.ALLOCATIONS, allocations);
        tally.add(SoakTally.Count.FAILURES, failures);
        tally.add(SoakTally.Count.FREES, frees);
        tally.add(SoakTally.Count.HANDOFFS, handoffs);
        tally.add(SoakTally.Count.VERIFIES, verifies);
        tally.add(SoakTally.Count.TRIMS, trims);
        tally.add(SoakTally.Count.RESETS, resets);
        tally.add(SoakTally.Count.REJECTED_AFTER_CLOSE, rejectedAfterClose);
        episode.addOperations(operations);
        operations = allocations = failures = frees = handoffs = verifies = trims = resets = rejectedAfterClose = 0;
    }
}
