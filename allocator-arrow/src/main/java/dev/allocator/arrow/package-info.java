/**
 * Apache Arrow over this project's allocators: {@link dev.allocator.arrow.SegmentAllocationManager#factory} gives
 * Arrow an {@code AllocationManager.Factory} whose buffers take their memory from an
 * {@link dev.allocator.api.Allocator} and give it back when Arrow releases the last reference.
 *
 * {@snippet :
 * try (Allocator pool = Allocators.open("pool(blockSize=64KiB, capacity=256) | sizeclasses > system");
 *      BufferAllocator arrow = new RootAllocator(RootAllocator.configBuilder()
 *              .allocationManagerFactory(SegmentAllocationManager.factory(pool))
 *              .maxAllocation(16L << 20)
 *              .build());
 *      IntVector ids = new IntVector("ids", arrow)) {
 *     ids.allocateNew(1024);
 * }
 * }
 *
 * <p>Conventions, as in the rest of the project: every type says its thread-safety; bad input throws
 * {@link java.lang.IllegalArgumentException} with a message "what must hold: name=value" and changes nothing. Arrow
 * keeps its own accounting (limits of root and child allocators, reservations, leak reports on close) on top: an
 * Arrow limit refuses before the allocator beneath is asked, and a refusal by the allocator beneath (a pool that is
 * exhausted, a budget) reaches Arrow code as Arrow's {@code OutOfMemoryException} with Arrow's accounting and the
 * allocator's counts as they were. Guide: {@code docs/arrow.md}.
 */
package dev.allocator.arrow;
