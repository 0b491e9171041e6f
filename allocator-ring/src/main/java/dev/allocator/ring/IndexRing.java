package dev.allocator.ring;

/**
 * The surface both rings share, so that code can be written once over either: single and array hand-overs, and the
 * open-batch protocol ({@code reserve}/{@code put}/{@code submit} for a producer, {@code peek}/{@code get}/
 * {@code release} for a consumer). Who may call what, and the exceptions, are the implementations': {@link
 * SpscIndexRing} (one producer and one consumer; a batch per side) and {@link MpmcIndexRing} (any threads; a batch
 * per side per thread).
 */
public sealed interface IndexRing permits SpscIndexRing, MpmcIndexRing {

    /**
     * Offers one value.
     *
     * @param value a value {@code >= 0}
     * @return whether it was added; {@code false} when the ring is full
     */
    boolean offer(int value);

    /**
     * Takes one value.
     *
     * @return the oldest value, or {@code -1} when the ring is empty
     */
    int poll();

    /**
     * Offers up to {@code count} values from {@code values[offset..]}.
     *
     * @param values the values, each {@code >= 0}
     * @param offset the first to offer
     * @param count  how many to offer at most
     * @return how many were added (the first ones)
     */
    int offer(int[] values, int offset, int count);

    /**
     * Takes up to {@code count} values into {@code into[offset..]}.
     *
     * @param into   where to put them
     * @param offset the first array slot to fill
     * @param count  how many to take at most
     * @return how many were taken
     */
    int poll(int[] into, int offset, int count);

    /**
     * Opens a producer batch of up to {@code n} free slots.
     *
     * @param n how many slots are wanted, 1 to capacity
     * @return how many were granted, 0 when the ring is full (no batch is open then)
     */
    int reserve(int n);

    /**
     * Writes the {@code i}-th slot of the open producer batch.
     *
     * @param i     0 to granted - 1
     * @param value a value {@code >= 0}
     */
    void put(int i, int value);

    /**
     * Publishes the first {@code n} slots of the open producer batch and closes it.
     *
     * @param n 0 to granted
     */
    void submit(int n);

    /**
     * Opens a consumer batch of up to {@code n} values.
     *
     * @param n how many values are wanted, 1 to capacity
     * @return how many are shown, 0 when the ring is empty (no batch is open then)
     */
    int peek(int n);

    /**
     * Reads the {@code i}-th value of the open consumer batch.
     *
     * @param i 0 to shown - 1
     * @return the value
     */
    int get(int i);

    /**
     * Takes the first {@code n} values of the open consumer batch (the rest stay in the ring) and closes it.
     *
     * @param n 0 to shown
     */
    void release(int n);

    /**
     * How many values the ring holds, exact when nothing moves.
     *
     * @return 0 to capacity
     */
    int size();

    /**
     * The number of slots.
     *
     * @return the capacity, a power of two
     */
    int capacity();
}
