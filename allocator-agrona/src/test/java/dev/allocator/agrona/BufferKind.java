package dev.allocator.agrona;

import dev.allocator.api.Allocators;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;

/**
 * The buffers the conformance suite runs over: our view over a pooled block and over a heap array, and Agrona's
 * {@link UnsafeBuffer}, the reference, over native memory and over a heap array. Each opens what it needs per test;
 * {@link Memory#close()} gives it back.
 */
enum BufferKind {

    SEGMENT_BUFFER_POOLED {
        @Override
        Memory open(int capacity) {
            FixedBlockPool pool = FixedBlockPool.builder().blockSize(capacity).capacity(4)
                    .backing(Allocators.system(), false).build();
            BlockIndexes blocks = pool.indexes();
            return new Memory() {
                @Override
                public MutableDirectBuffer buffer() {
                    int id = blocks.acquire();
                    blocks.segment(id).fill((byte) 0);
                    return new SegmentBuffer(blocks.segment(id));
                }

                @Override
                public void close() {
                    pool.close();
                }
            };
        }
    },
    SEGMENT_BUFFER_HEAP {
        @Override
        Memory open(int capacity) {
            return () -> {
                SegmentBuffer buffer = new SegmentBuffer();
                buffer.wrap(new byte[capacity]);
                return buffer;
            };
        }
    },
    UNSAFE_BUFFER_NATIVE {
        @Override
        Memory open(int capacity) {
            Arena arena = Arena.ofConfined();
            return new Memory() {
                @Override
                public MutableDirectBuffer buffer() {
                    return new UnsafeBuffer(arena.allocate(capacity, 64).address(), capacity);
                }

                @Override
                public void close() {
                    arena.close();
                }
            };
        }
    },
    UNSAFE_BUFFER_HEAP {
        @Override
        Memory open(int capacity) {
            return () -> new UnsafeBuffer(new byte[capacity]);
        }
    };

    /** Where a test's buffers come from; up to four buffers each, zeroed. */
    interface Memory extends AutoCloseable {

        /** @return a new zeroed buffer of the capacity this memory was opened with */
        MutableDirectBuffer buffer();

        @Override
        default void close() {
        }
    }

    abstract Memory open(int capacity);
}
