/**
 * {@link dev.allocator.shm.SharedPool}: fixed-size blocks in a file that several processes map, named by their index,
 * so that processes hand blocks to each other by passing indices (through a {@code dev.allocator.ring} ring, say)
 * while the data stays put. The file's layout is {@link dev.allocator.shm.SharedPoolDescriptor}.
 *
 * <p>Conventions: bad arguments throw {@link java.lang.IllegalArgumentException} with a message of the shape of
 * {@link dev.allocator.api.Checks} ("what must hold: name=value") and change nothing; misuse of a block (a double or
 * foreign release) throws {@link java.lang.IllegalStateException} and changes nothing; a pool with no free block
 * throws {@link dev.allocator.api.AllocationException} with reason {@code EXHAUSTED} from {@code acquire()}, or
 * returns {@code -1} from {@code tryAcquire()}.
 */
package dev.allocator.shm;
