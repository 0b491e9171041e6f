package dev.allocator.io;

/**
 * A snapshot of an {@link IoBufferPool}'s counters. Not atomic on a busy pool: each figure was true at some instant
 * during {@link IoBufferPool#stats()}; once the threads are quiet every figure is exact.
 *
 * {@snippet :
 * IoBufferStats stats = buffers.stats();
 * if (stats.exhaustions() > 0) {
 *     log.warn("I/O buffers ran out {} times; {} in flight now", stats.exhaustions(), stats.inFlight());
 * }
 * }
 *
 * @param acquisitions buffers handed out since the pool was built
 * @param exhaustions  acquisitions that found no free buffer (returned -1, threw, or timed out)
 * @param inFlight     buffers marked in flight and not completed
 * @param available    buffers free
 * @param totalBytes   the bytes the pool holds from its backing allocator (the buffers, padded to the alignment);
 *                     0 once the pool is closed
 */
public record IoBufferStats(long acquisitions, long exhaustions, int inFlight, int available, long totalBytes) {
}
