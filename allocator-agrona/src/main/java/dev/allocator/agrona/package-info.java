/**
 * Agrona views over memory from this project's allocators: {@link dev.allocator.agrona.SegmentBuffer}, a
 * {@link org.agrona.MutableDirectBuffer} that reads and writes through a {@link java.lang.foreign.MemorySegment}, so
 * that SBE codecs and Aeron publications can encode into pooled blocks.
 *
 * {@snippet :
 * SegmentBuffer view = new SegmentBuffer();           // one per thread, kept in a field
 * int id = blocks.acquire();                          // BlockIndexes of a pool
 * view.wrap(blocks.segment(id));                      // the pool's own segment object: no garbage
 * encoder.wrap(view, 0);                              // an SBE encoder over the block
 * }
 *
 * <p>Conventions, as in the rest of the project: a view is a flyweight, not thread-safe, and adds no happens-before
 * edge of its own (hand a block to another thread as you would hand the segment); every access is checked against the
 * segment's bounds ({@link java.lang.IndexOutOfBoundsException}, as Agrona's {@code UnsafeBuffer}) and its scope
 * ({@link java.lang.IllegalStateException} once the allocator that handed the segment out is closed); bad arguments
 * to {@code wrap} throw {@link java.lang.IllegalArgumentException} with a message "what must hold: name=value". The
 * module uses no {@code sun.misc.Unsafe} and needs no {@code --add-exports}. Guide: {@code docs/agrona.md}.
 */
package dev.allocator.agrona;
