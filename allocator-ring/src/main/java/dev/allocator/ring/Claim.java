package dev.allocator.ring;

/**
 * One thread's open batch on one side of an {@link MpmcIndexRing}: the first claimed position and how many slots
 * from it. Only its thread reads and writes it (it lives in a {@link ThreadLocal}).
 */
final class Claim {

    /** The first claimed position. */
    long start;
    /** Claimed slots, 0 when no batch is open. */
    int count;
}
