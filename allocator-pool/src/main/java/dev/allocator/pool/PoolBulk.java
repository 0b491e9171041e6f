package dev.allocator.pool;

import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeListCorruptException;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The pool's bulk forms: many blocks taken with one popInto CAS, many given back with one pushChain CAS. Same
 * checks and same guarantees as the single-block forms of {@link PoolCore}; thread-safe.
 */
final class PoolBulk {

    /*
     * Maintainers' notes.
     *
     * Take: one popInto CAS (its linearization point), then two passes over the blocks, which are ours now: the
     * first checks that every block is FREE (a block that is not came through a corrupt free-list: the pool is
     * poisoned and nothing is handed out), the second claims each one (PoolCore.claim). When the list runs short,
     * the tier is trimmed into the list and a second batch is taken.
     *
     * Give, all or none: first every check that reads only (range, owner, block start, whole block), then, per
     * block, the state goes from its allocated word w to w | GIVING by CAS (checking off: a plain read of w); a
     * free block, a GIVING one (listed twice, or racing with another free) or, for segments, one taken for fewer
     * bytes than a block fails the batch: the words already marked are put back and nothing has changed. Then every
     * word goes to FREE, the batch is wiped (under wipe-on-free), linked among itself and pushed with one CAS, the
     * linearization point of the whole batch's free.
     */

    private final PoolCore core;

    PoolBulk(PoolCore core) {
        this.core = core;
    }

    /**
     * Pops up to {@code count} blocks with one CAS and writes them, from {@code offset} on, to {@code indices} or, when
     * that is null, as whole-block segments to {@code segments} (through an int array of {@code count}, the one
     * allocation of the bulk forms); returns how many.
     */
    int takeMany(int[] indices, MemorySegment[] segments, int offset, int count) {
        checkArrayRange(indices != null ? indices.length : segments.length, offset, count);
        core.requireUsable();
        if (count == 0) {
            return 0;
        }
        final int[] into = indices != null ? indices : new int[count];
        final int start = indices != null ? offset : 0;
        int taken = takeChain(into, start, count);
        if (taken < count && core.tier.trim() > 0) {
            taken += takeChain(into, start + taken, count - taken);
        }
        if (taken < count) {
            core.countExhaustion();
        }
        if (segments != null) {
            for (int i = 0; i < taken; i++) {
                segments[offset + i] = core.slab.segment(into[i], core.blockSize);
            }
        }
        return taken;
    }

    /** One popInto, then every block checked FREE before any is claimed (a corrupt list hands nothing out). */
    private int takeChain(int[] into, int offset, int count) {
        final int taken;
        try {
            taken = core.freeList.popInto(into, offset, count);
        } catch (FreeListCorruptException e) {
            throw core.poison(PoolErrors.corrupt(e, core.slab.address(e.block()), core));
        }
        for (int i = offset; i < offset + taken; i++) {
            final long word = core.states.statePlain(into[i]);
            if (!BlockStates.isFreeWord(word)) {
                throw core.poison(PoolErrors.takenTwice(into[i], core.slab.address(into[i]), word, core));
            }
        }
        for (int i = offset; i < offset + taken; i++) {
            core.claim(into[i], core.wholeBlock);
        }
        return taken;
    }

    /**
     * Gives back the {@code count} blocks from {@code offset} on in {@code indices} or, when that is null, the
     * whole-block segments in {@code segments}, with one CAS; all or none.
     */
    void giveMany(int[] indices, MemorySegment[] segments, int offset, int count) {
        checkArrayRange(indices != null ? indices.length : segments.length, offset, count);
        core.requireOpen();
        if (count == 0) {
            return;
        }
        for (int i = offset; i < offset + count; i++) {
            entry(indices, segments, i); // every check that only reads, before anything changes
        }
        final BlockStates states = core.states;
        for (int i = offset; i < offset + count; i++) {
            final int index = entry(indices, segments, i);
            final long word = core.checkDoubleFree ? states.stateVolatile(index) : states.statePlain(index);
            final RuntimeException fault = fault(index, word, segments != null ? segments[i] : null);
            if (fault != null || core.checkDoubleFree && !states.tryBeginGive(index, word)) {
                undo(indices, segments, offset, i);
                throw fault != null ? fault : PoolErrors.doubleFree(index, core.slab.address(index), core);
            }
        }
        final int first = entry(indices, segments, offset);
        int previous = first;
        for (int i = offset; i < offset + count; i++) {
            final int index = entry(indices, segments, i);
            if (core.checkDoubleFree) {
                states.endGive(index);
            } else {
                states.giveUnchecked(index);
            }
            if (core.wipeOnFree) {
                core.slab.zero(index);
            }
            if (i > offset) {
                core.freeList.link(previous, index);
                previous = index;
            }
        }
        core.freeList.pushChain(first, previous);
    }

    /** What is wrong with freeing block {@code index} in state {@code word}, or null when nothing is. */
    private RuntimeException fault(int index, long word, MemorySegment segment) {
        if (!BlockStates.isAllocatedWord(word) || (word & BlockStates.GIVING) != 0) {
            return PoolErrors.doubleFree(index, core.slab.address(index), core);
        }
        if (segment != null && BlockStates.requested(word) != core.blockSize) {
            return PoolErrors.wrongLayout(index, core.slab.address(index), segment,
                    Layout.of(core.blockSize, core.alignment), word, core);
        }
        return null;
    }

    /** Puts back the words of the entries before {@code end}, which the batch marked GIVING. */
    private void undo(int[] indices, MemorySegment[] segments, int offset, int end) {
        if (!core.checkDoubleFree) {
            return; // nothing was marked: the plain form writes only after every entry passed
        }
        for (int j = offset; j < end; j++) {
            final int index = entry(indices, segments, j);
            core.states.undoGive(index, core.states.stateVolatile(index) & ~BlockStates.GIVING);
        }
    }

    /** The checked block index of a bulk give's entry {@code i}. */
    private int entry(int[] indices, MemorySegment[] segments, int i) {
        if (indices != null) {
            return core.checkRange(indices[i]);
        }
        final MemorySegment segment = Objects.requireNonNull(segments[i], "segment");
        final int index = core.indexOf(segment);
        if (segment.byteSize() != core.blockSize) {
            throw PoolErrors.wrongLayout(index, core.slab.address(index), segment,
                    Layout.of(core.blockSize, core.alignment), BlockStates.FREE, core);
        }
        return index;
    }

    static void checkArrayRange(int length, int offset, int count) {
        if (offset < 0 || count < 0 || offset > length - count) {
            throw PoolErrors.badRange(length, offset, count);
        }
    }
}
