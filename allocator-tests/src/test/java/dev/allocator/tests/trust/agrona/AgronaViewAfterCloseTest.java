package dev.allocator.tests.trust.agrona;

import dev.allocator.agrona.SegmentBuffer;
import dev.allocator.api.Allocators;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.tests.support.ChildJvm;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifetime rule of Agrona views (docs/agrona.md), in child JVMs because a wrong answer crashes the JVM: a
 * {@link SegmentBuffer} of a block of a closed pool, whose slab went back to the operating system, throws
 * {@link IllegalStateException} on every kind of access; Agrona's {@code UnsafeBuffer} over the same address, the
 * design this module rejects, takes the JVM down.
 */
class AgronaViewAfterCloseTest {

    /** A 4 MiB slab over the system allocator: large enough that {@code free} unmaps it. */
    static FixedBlockPool openPool() {
        return FixedBlockPool.builder().blockSize(4096).capacity(1024).backing(Allocators.system(), false).build();
    }

    /** Every kind of view access after the pool's close; exits 0 when each throws IllegalStateException. */
    public static final class ViewAfterClose {
        public static void main(String[] args) {
            FixedBlockPool pool = openPool();
            BlockIndexes blocks = pool.indexes();
            int id = blocks.acquire();
            SegmentBuffer view = new SegmentBuffer();
            view.wrap(blocks.segment(id));
            view.putStringAscii(0, "alive");
            SegmentBuffer other = new SegmentBuffer(java.lang.foreign.MemorySegment.ofArray(new byte[4096]));
            pool.close();
            Map<String, Consumer<SegmentBuffer>> accesses = Map.ofEntries(
                    entry("getLong", v -> v.getLong(8)),
                    entry("putInt", v -> v.putInt(4, 1)),
                    entry("getStringAscii", v -> v.getStringAscii(0)),
                    entry("putStringUtf8", v -> v.putStringUtf8(0, "x")),
                    entry("putBytes(byte[])", v -> v.putBytes(0, new byte[8])),
                    entry("getBytes(ByteBuffer)", v -> v.getBytes(0, ByteBuffer.allocateDirect(8), 0, 8)),
                    entry("getBytes(view)", v -> v.getBytes(0, other, 0, 4096)),
                    entry("putBytes(view)", v -> other.getBytes(0, v, 0, 4096)),
                    entry("setMemory", v -> v.setMemory(0, 4096, (byte) 1)),
                    entry("parseIntAscii", v -> v.parseIntAscii(0, 4)),
                    entry("putLongAscii", v -> v.putLongAscii(0, 42L)),
                    entry("hashCode", SegmentBuffer::hashCode),
                    entry("compareTo", v -> v.compareTo(other)),
                    entry("addressOffset", SegmentBuffer::addressOffset),
                    entry("wrap", v -> v.wrap(blocks.segment(id))));
            int refused = 0;
            for (Map.Entry<String, Consumer<SegmentBuffer>> access : accesses.entrySet()) {
                try {
                    access.getValue().accept(view);
                    System.out.println(access.getKey() + ": went through");
                } catch (IllegalStateException expected) {
                    refused++;
                }
            }
            System.out.println("refused " + refused + " of " + accesses.size() + "; " + view);
            System.exit(refused == accesses.size() ? 0 : 2);
        }
    }

    /** Agrona's UnsafeBuffer over the address of a block of a closed pool: reads unmapped memory. */
    public static final class UnsafeBufferAfterClose {
        public static void main(String[] args) {
            FixedBlockPool pool = openPool();
            long address = pool.indexes().segment(0).address();
            UnsafeBuffer raw = new UnsafeBuffer(address, 4096 * 1024);
            pool.close();
            long sum = 0;
            for (int i = 0; i < raw.capacity(); i += 4096) {
                sum += raw.getLong(i);
            }
            System.out.println("read unmapped memory without a crash: " + sum);
            System.exit(3);
        }
    }

    @Test
    void shouldThrowIllegalStateOnEveryAccessOfAViewAfterThePoolClosed() {
        ChildJvm.Ended ended = ChildJvm.run(ViewAfterClose.class, Duration.ofSeconds(60));
        assertEquals(0, ended.exitCode(), ended.toString());
        assertTrue(ended.output().contains("refused 15 of 15"), ended.toString());
    }

    @Test
    void shouldCrashTheJvmWhenAnUnsafeBufferReadsAClosedPoolsBlock() {
        ChildJvm.Ended ended = ChildJvm.run(UnsafeBufferAfterClose.class,
                List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), Duration.ofSeconds(60));
        assertTrue(ended.crashed(), "the raw-address design this module rejects: " + ended);
    }
}
