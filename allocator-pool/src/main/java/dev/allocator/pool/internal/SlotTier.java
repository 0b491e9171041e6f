package dev.allocator.pool.internal;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/**
 * Small caches of free block indices in front of a {@link TaggedFreeList}, so that a thread takes and gives back
 * blocks without touching the list's shared head, except once per batch. The caches sit in a fixed set of slots, not
 * in thread-locals: a thread borrows a slot for the length of one call only, so virtual threads and short-lived
 * threads cost nothing and a dead thread leaves no cache behind. Any thread may call any method; no method blocks,
 * except that an empty pool ({@link #take} about to answer END) and {@link #trim} wait for slots other threads are in
 * the middle of using (for the length of one of their calls).
 *
 * <p>Happens-before: whatever a thread did before it {@linkplain #give gave} a block happens-before whatever the thread
 * that {@linkplain #take takes} that block does afterwards, whether the block went through a slot or the list.
 *
 * {@snippet :
 * TaggedFreeList list = new TaggedFreeList(slab, 64, 1024);
 * list.linkAll();
 * SlotTier slots = new SlotTier(list, 32, SlotTier.defaultSlots());
 * int block = slots.take();      // from a slot, refilled with 16 blocks by one popInto
 * slots.give(block);             // back into a slot; a full slot first gives 16 back by one pushMany
 * slots.trim();                  // every cached block back into the list
 * }
 *
 * <p>Blocks in the caches count as free: {@link #take} answers END only after it has seen the list and every slot
 * empty at one instant. The caller checks double frees before {@link #give} (the pool's per-block state).
 */
public final class SlotTier implements FreeBlockTier {

    /*
     * Maintainers' notes.
     *
     * Slots: a power-of-two array of CallSlot, each padded. A slot's word is (version << 1 | busy). Claim = CAS
     * even -> odd (acquire, since a CAS is a volatile read and write); release = store of word + 2 (release). Between
     * the two the claimer alone reads and writes the slot's count and items, with plain accesses; so every write to a
     * slot is published by the release and seen by the next claimer, and a block's contents, written before the give
     * that put it in the slot, are visible to the take that finds it there. Through the list, TaggedFreeList's CAS
     * gives the same edge. A thread starts at the slot its threadId hashes to and tries PROBES slots; when all are
     * busy it uses the list directly (pop or push). Nobody waits on the fast path.
     *
     * take: claim; count > 0: items[--count] (linearization point: the claim CAS; the slot is ours till release);
     * count == 0: popInto(refill) (linearization point: its CAS), keep the first blocks, hand out the last; release.
     * give: claim; full: flush the oldest `flush` blocks, linked among themselves, with one pushMany (its CAS is the
     * linearization point for those); store the block (its point: the release store); release.
     *
     * END (takeSlow): a thread whose slot and the list gave nothing releases its slot first (so it never holds two
     * slots: no deadlock) and then looks for a free block anywhere. A plain sweep could miss blocks moving between
     * slots behind it and answer END while a block was free all along, which is not linearizable. So it takes a
     * double collect: read the list head (tag included), then every slot's word and count hint; if a slot has blocks,
     * claim it and take one; if a slot is busy, try again (bounded: its claimer is in one short call). If all were
     * free and empty, read the words and the head again: unchanged means nothing moved in between, so at the instant
     * between the passes the list and every slot were empty; that instant is the linearization point of END. Words
     * only grow (+1 claim, +2 release), so equal sums mean equal words, unless 2^31 claims happened in one sweep.
     *
     * Invariant: every free block is in exactly one place: the list, a slot's items[PAD .. PAD + count), or the hands
     * of a thread that has the slot it will go into (or comes from) claimed. Hence trim() (claim each slot, spinning,
     * flush all) leaves every free block in the list once the threads are quiet.
     */

    /** How many slots a thread tries before it goes to the list directly. */
    static final int PROBES = 3;
    private static final int SPINS_BEFORE_YIELD = 64;

    private final TaggedFreeList list;
    private final CallSlot[] slots;
    private final int mask;
    private final int size;
    private final int refill;
    private final int flush;

    /**
     * Creates empty caches in front of {@code list}.
     *
     * @param list  the shared list
     * @param size  blocks per slot, {@code >= 1}
     * @param slots the number of slots, a power of two
     * @throws IllegalArgumentException when {@code size < 1} or {@code slots} is not a power of two
     */
    public SlotTier(TaggedFreeList list, int size, int slots) {
        if (size < 1 || slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("caches need size >= 1 and a power-of-2 slot count: size=" + size
                    + ", slots=" + slots);
        }
        this.list = list;
        this.size = size;
        this.refill = Math.max(1, size / 2);
        this.flush = Math.max(1, size / 2);
        this.slots = new CallSlot[slots];
        for (int i = 0; i < slots; i++) {
            this.slots[i] = new CallSlot(size);
        }
        this.mask = slots - 1;
    }

    /**
     * The default number of slots: the smallest power of two at least twice the number of processors.
     *
     * @return the slot count
     */
    public static int defaultSlots() {
        final int wanted = 2 * Runtime.getRuntime().availableProcessors();
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    @Override
    public int cacheSize() {
        return size;
    }

    @Override
    public int releaseMine() {
        return 0; // a slot is held for the length of one call only
    }

    @Override
    public int parkedElsewhere() {
        return 0; // blocks in slots are reachable by any thread
    }

    private int home() {
        final long id = Thread.currentThread().threadId();
        return (int) ((id * 0x9E37_79B9_7F4A_7C15L) >>> 40);
    }

    /**
     * Takes a free block: from a slot, refilling it from the list, or from the list.
     *
     * @return the block, or {@link FreeListDescriptor#END} when no block was free at some instant during the call
     */
    @Override
    public int take() {
        final CallSlot[] slots = this.slots;
        final int home = home();
        for (int probe = 0; probe < PROBES; probe++) {
            final CallSlot slot = slots[(home + probe) & mask];
            final int word = slot.tryClaim();
            if (word != CallSlot.BUSY) {
                final int index;
                try {
                    index = takeFrom(slot);
                } finally {
                    slot.release(word); // also when the list is found corrupt: the slot must not stay claimed
                }
                return index != END ? index : takeSlow();
            }
        }
        final int index = list.pop();
        return index != END ? index : takeSlow();
    }

    private int takeFrom(CallSlot slot) {
        final int[] items = slot.items;
        int count = slot.count;
        if (count > 0) {
            slot.count = --count;
            return items[CallSlot.PAD + count];
        }
        final int taken = list.popInto(items, CallSlot.PAD, refill);
        if (taken == 0) {
            return END;
        }
        final int first = items[CallSlot.PAD]; // hand out the list's first, as a lane does
        items[CallSlot.PAD] = items[CallSlot.PAD + taken - 1];
        slot.count = taken - 1;
        return first;
    }

    /**
     * The double collect described in the maintainers' notes: a block from the list or any slot, or END at an
     * instant when the list and every slot were empty. Called holding no slot.
     */
    int takeSlow() {
        final CallSlot[] slots = this.slots;
        for (int round = 0; ; round++) {
            final long head = list.head();
            if (FreeListDescriptor.index(head) != END) {
                final int index = list.pop();
                if (index != END) {
                    return index;
                }
                continue;
            }
            boolean quiet = true;
            long sum = 0;
            for (final CallSlot slot : slots) {
                final int word = slot.word();
                if ((word & 1) != 0) {
                    quiet = false;
                } else if (slot.countHint() != 0) {
                    quiet = false;
                    if (slot.tryClaim(word)) {
                        final int count = slot.count;
                        final int index = count > 0 ? slot.items[CallSlot.PAD + count - 1] : END;
                        if (count > 0) {
                            slot.count = count - 1;
                        }
                        slot.release(word);
                        if (index != END) {
                            return index;
                        }
                    }
                } else {
                    sum += word;
                }
            }
            if (quiet && list.head() == head && wordSum(slots) == sum) {
                return END;
            }
            backOff(round);
        }
    }

    private static long wordSum(CallSlot[] slots) {
        long sum = 0;
        for (final CallSlot slot : slots) {
            sum += slot.word();
        }
        return sum;
    }

    private static void backOff(int round) {
        if (round < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * Gives back a block the caller held: into a slot, flushing part of a full slot to the list first, or to the
     * list.
     *
     * @param index a block that is neither in the list nor in a slot
     */
    @Override
    public void give(int index) {
        final CallSlot[] slots = this.slots;
        final int home = home();
        for (int probe = 0; probe < PROBES; probe++) {
            final CallSlot slot = slots[(home + probe) & mask];
            final int word = slot.tryClaim();
            if (word != CallSlot.BUSY) {
                int count = slot.count;
                if (count == size) {
                    count = flush(slot, count, flush);
                }
                slot.items[CallSlot.PAD + count] = index;
                slot.count = count + 1;
                slot.release(word);
                return;
            }
        }
        list.push(index);
    }

    /** Pushes the oldest {@code n} blocks of a claimed slot to the list with one CAS; returns the new count. */
    private int flush(CallSlot slot, int count, int n) {
        final int[] items = slot.items;
        final int base = CallSlot.PAD;
        list.pushMany(items, base, n);
        System.arraycopy(items, base + n, items, base, count - n);
        slot.count = count - n;
        return count - n;
    }

    /**
     * Gives every cached block back to the list, slot by slot (one CAS per slot that holds blocks), waiting for each
     * slot another thread is using. Blocks given to slots meanwhile stay there.
     *
     * @return how many blocks went back
     */
    @Override
    public int trim() {
        int moved = 0;
        for (final CallSlot slot : slots) {
            int word;
            for (int round = 0; (word = slot.tryClaim()) == CallSlot.BUSY; round++) {
                backOff(round);
            }
            final int count = slot.count;
            if (count > 0) {
                flush(slot, count, count);
                moved += count;
            }
            slot.release(word);
        }
        return moved;
    }

    /**
     * The blocks in the slots now, for tests and diagnostics; only meaningful while no other thread uses the caches.
     *
     * @return the indices, slot by slot
     */
    @Override
    public int[] snapshot() {
        int total = 0;
        for (final CallSlot slot : slots) {
            total += slot.countHint();
        }
        final int[] out = new int[total];
        int n = 0;
        for (final CallSlot slot : slots) {
            final int count = Math.min(slot.countHint(), total - n);
            System.arraycopy(slot.items, CallSlot.PAD, out, n, count);
            n += count;
        }
        return out;
    }
}
