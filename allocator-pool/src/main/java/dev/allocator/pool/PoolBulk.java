package dev.allocator.pool;

import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeListCorruptException;
import dev.allocator.pool.internal.TaggedFreeList;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The pool's bulk forms: many blocks taken with one popChain CAS, many given back with one pushChain CAS. Same
 * checks and same guarantees as the single-block forms of {@link PoolCore}; thread-safe.
 */
final class PoolBulk {

    /*
     * Maintainers' notes.
     *
     * Take: one popChain CAS (its linearization point), then two walks of the chain, which is ours now: the first
     * checks that every block is FREE (a block that is not came through a corrupt free-list: the pool is poisoned
     * and nothing is handed out), the second claims each block (PoolCore.took, then states.take) and writes it out.
     * When the list runs short with caching on, the caches are trimmed into the list and a second chain is taken.
     *
     * Give, all or none: first every check that reads only (range, owner, block start, whole block), then, per
     * block, the state goes from its allocated word w to w | FREEING by CAS (checking off: a plain read of w); a
     * free block, a FREEING one (listed twice, or racing with another free) or, for segments, one taken for fewer
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
     * that is null, as whole-block segments to {@code segments}; returns how many.
     */
    int takeMany(int[] indices, MemorySegment[] segments, int offset, int count) {
        checkArrayRange(indices != null ? indices.length : segments.length, offset, count);
        core.requireUsable();
        if (count == 0) {
            return 0;
        }
        int taken = takeChain(indices, segments, offset, count);
        if (taken < count && core.caches != null && core.trimCaches() > 0) {
            taken += takeChain(indices, segments, offset + taken, count - taken);
        }
        if (taken < count) {
            core.countExhaustion();
        }
        return taken;
    }

    private int takeChain(int[] indices, MemorySegment[] segments, int offset, int count) {
        final TaggedFreeList list = core.freeList;
        final long chain;
        try {
            chain = list.popChain(count);
        } catch (FreeListCorruptException e) {
            throw core.poison(PoolErrors.corrupt(e, core.slab.address(e.block()), core));
        }
        final int taken = TaggedFreeList.chainLength(chain);
        final int first = TaggedFreeList.chainFirst(chain);
        int index = first;
        for (int i = 0; i < taken; i++) { // check the whole chain before handing any of it out
            final long word = core.states.statePlain(index);
            if (word != BlockStates.FREE) {
                throw core.poison(PoolErrors.takenTwice(index, core.slab.address(index), word, core));
            }
            index = list.next(index);
        }
        index = first;
        for (int i = offset; i < offset + taken; i++) {
            final int next = list.next(index);
            core.took(index);
            core.claim(index, core.wholeBlock);
            if (indices != null) {
                indices[i] = index;
            } else {
                segments[i] = core.blocks[index];
            }
            index = next;
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
            if (fault != null || core.checkDoubleFree && !states.tryBeginFree(index, word)) {
                undo(indices, segments, offset, i);
                throw fault != null ? fault : PoolErrors.doubleFree(index, core.slab.address(index), core);
            }
        }
        final int first = entry(indices, segments, offset);
        int previous = first;
        for (int i = offset; i < offset + count; i++) {
            final int index = entry(indices, segments, i);
            if (core.checkDoubleFree) {
                states.endFree(index);
            } else {
                states.markFree(index);
            }
            if (core.wipeOnFree) {
                core.blocks[index].fill((byte) 0);
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
        if (!BlockStates.isAllocatedWord(word) || (word & BlockStates.FREEING) != 0) {
            return PoolErrors.doubleFree(index, core.slab.address(index), core);
        }
        if (segment != null && BlockStates.requested(word) != core.blockSize) {
            return PoolErrors.wrongLayout(index, core.slab.address(index), segment,
                    Layout.of(core.blockSize, core.alignment), word, core);
        }
        return null;
    }

    /** Puts back the words of the entries before {@code end}, which the batch marked FREEING. */
    private void undo(int[] indices, MemorySegment[] segments, int offset, int end) {
        if (!core.checkDoubleFree) {
            return; // nothing was marked: the plain form writes only after every entry passed
        }
        for (int j = offset; j < end; j++) {
            final int index = entry(indices, segments, j);
            core.states.undoFree(index, core.states.stateVolatile(index) & ~BlockStates.FREEING);
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
