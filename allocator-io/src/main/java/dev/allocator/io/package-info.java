/**
 * Packet and I/O buffer pools over the fixed-block pool ({@code dev.allocator.pool}), for packet pipelines, storage
 * engines and kernel-bypass I/O: {@link dev.allocator.io.PacketPool} (refcounted frames that carry their length, by
 * lease or by index; provider name {@code packets}), {@link dev.allocator.io.IoBufferPool} (aligned, optionally
 * locked buffers with an in-flight state) and {@link dev.allocator.io.FrameSize} (frames from an MTU).
 *
 * {@snippet :
 * try (PacketPool packets = (PacketPool) Allocators.open("packets(mtu=1500, headroom=128, capacity=4096) > system")) {
 *     int[] batch = new int[32];
 *     int n = packets.acquireIndices(batch);            // one list operation, no garbage
 *     for (int i = 0; i < n; i++) {
 *         ring.offer(batch[i]);                         // another thread: packets.lease(index) or release(index)
 *     }
 * }
 * }
 *
 * <p>Conventions, as in the rest of the project: every type says its thread-safety and happens-before edges; bad
 * input throws {@link java.lang.IllegalArgumentException}, a call in the wrong state
 * {@link java.lang.IllegalStateException}, both with a message "what must hold: name=value" naming the block or
 * buffer, and a refused call changes nothing; exhaustion is {@link dev.allocator.api.AllocationException} with reason
 * {@code EXHAUSTED}. The index forms allocate nothing on the Java heap. The lock-free state lives in
 * {@code dev.allocator.io.internal}, which the module does not export. Native calls ({@code mlock}) need
 * {@code --enable-native-access=dev.allocator.io} on the module path ({@code ALL-UNNAMED} on the class path).
 * Guide: {@code docs/io.md}.
 */
package dev.allocator.io;
