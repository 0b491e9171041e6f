/**
 * The pool's lock-free parts. Public so that the jcstress module can test them on the class path; not exported by the
 * module, and not an API: anything here may change without notice.
 *
 * <h2>Padding</h2>
 * Fields that one thread writes while other threads read or write the fields next to them (the free-list head, the
 * high-water mark) are padded with 128 bytes of unused {@code long}s on each side, declared
 * in a chain of superclasses because the JVM keeps a superclass's fields before a subclass's but may reorder the
 * fields within one class. Without it, two cores writing unrelated fields that share a 64-byte cache line take turns
 * owning that line ("false sharing"), which costs as much as real contention. Two lines rather than one on each side
 * because x86 cores prefetch cache lines in adjacent pairs. The padding classes are named {@code ...Pad0}/{@code ...Pad1}.
 * Each {@code ...Pad0} starts with an {@code int gap}: with compressed class pointers an object header is 12 bytes, and
 * the JVM's field layout (since JDK 15) puts a subclass's {@code int} or reference field into the 4 free bytes
 * before the first {@code long} of a superclass, which would put the hot field right after the header, unpadded.
 * {@code PaddingTest} checks the offsets with JOL.
 */
package dev.allocator.pool.internal;
