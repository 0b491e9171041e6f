package dev.allocator.pool.internal;

/**
 * The tier of {@code cache=0}: no cache, every take is a {@link TaggedFreeList#pop()} and every give a
 * {@link TaggedFreeList#push}. Exhaustion is exact: {@link #take} answers END only when the list was empty.
 */
public final class ListTier implements FreeBlockTier {

    private final TaggedFreeList list;

    /**
     * Creates the tier over {@code list}.
     *
     * @param list the shared list
     */
    public ListTier(TaggedFreeList list) {
        this.list = list;
    }

    @Override
    public int take() {
        return list.pop();
    }

    @Override
    public void give(int index) {
        list.push(index);
    }

    @Override
    public int trim() {
        return 0;
    }

    @Override
    public int releaseMine() {
        return 0;
    }

    @Override
    public int parkedElsewhere() {
        return 0;
    }

    @Override
    public int cacheSize() {
        return 0;
    }

    @Override
    public int[] snapshot() {
        return new int[0];
    }
}
