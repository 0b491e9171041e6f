package dev.allocator.pool.internal;

/**
 * The pool's free blocks are found in a state no correct use can produce: a free block's link that points outside the
 * pool, or a block on its way to a caller that is not free. Only memory written while free (a stray write through a
 * freed segment or a raw address) or a double free with checking off can cause it.
 */
public final class FreeListCorruptException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The block found wrong. */
    private final int block;

    /**
     * Creates the exception.
     *
     * @param block   the block found wrong
     * @param message what is wrong with it
     */
    public FreeListCorruptException(int block, String message) {
        super(message);
        this.block = block;
    }

    /**
     * The block found wrong.
     *
     * @return its index
     */
    public int block() {
        return block;
    }
}
