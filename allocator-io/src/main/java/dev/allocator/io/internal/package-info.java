/**
 * The lock-free state of the packet and I/O buffer pools: one 64-bit word per block in a {@code long[]}, changed
 * only by compare-and-set through {@link dev.allocator.io.internal.AtomicWords}. Not exported: the public types in
 * {@code dev.allocator.io} are the only way in.
 *
 * <p>Conventions: every index is checked by the public caller before it reaches this package; a method that refuses
 * a transition returns a sentinel (or the word it saw) and changes nothing, and the caller turns that into the
 * documented exception, so that messages come from one place.
 */
package dev.allocator.io.internal;
