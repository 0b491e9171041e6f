/**
 * Rings that pass non-negative {@code int} values (typically block indices of a pool) from producers to consumers,
 * with all their state in a caller-supplied {@link java.lang.foreign.MemorySegment}: a header, the producer's and the
 * consumer's positions (each on its own 128-byte line) and the slots. Nothing of the ring's shared state is on the
 * Java heap, so the segment can be a file mapping that two processes share.
 *
 * <p>Conventions for every class of this package:
 * <ul>
 *   <li>{@code create(region, capacity)} writes the header into a zeroed or reused region; {@code attach(region)}
 *       checks the header another party wrote and says what is wrong when it is not a ring of this kind, version
 *       and a size that fits. {@code byteSize(capacity)} is how large the region must be; it must be aligned to
 *       8 bytes.</li>
 *   <li>Values are {@code >= 0}; {@code poll()} returns {@code -1} when the ring is empty.</li>
 *   <li>An element handed over happens-before it is taken: a consumer sees every write the producer made before
 *       offering the value (release stores of the slot or of the producer position, acquire loads on the consumer
 *       side).</li>
 *   <li>Open batches ({@code reserve}/{@code put}/{@code submit}, {@code peek}/{@code get}/{@code release}) are one
 *       per side on {@link dev.allocator.ring.SpscIndexRing} and one per side per thread on
 *       {@link dev.allocator.ring.MpmcIndexRing}; both implement {@link dev.allocator.ring.IndexRing}.</li>
 *   <li>Bad arguments throw {@link java.lang.IllegalArgumentException} with a message of the shape of
 *       {@link dev.allocator.api.Checks} ("what must hold: name=value") and change nothing.</li>
 *   <li>The layouts are described, with a diagram, by {@link dev.allocator.ring.SpscIndexRingDescriptor} and
 *       {@link dev.allocator.ring.MpmcIndexRingDescriptor}.</li>
 * </ul>
 */
package dev.allocator.ring;
