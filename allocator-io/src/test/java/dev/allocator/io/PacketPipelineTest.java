package dev.allocator.io;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the packet pipeline of docs/io.md ({@link PacketPipeline}). */
class PacketPipelineTest {

    @Test
    void shouldReceiveIntoLeasesHandIndicesToAWorkerAndReleaseEveryFrame() throws InterruptedException {
        MemorySegment[] frames = new MemorySegment[3];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = Arena.ofAuto().allocate(60 + 500 * i).fill((byte) (i + 1));
        }
        try (PacketPool packets = PacketPool.builder().frameSize(FrameSize.forMtu(1500, 0)).headroom(128)
                .capacity(512).build()) {
            long sum = PacketPipeline.run(packets, frames, 30_000);
            assertEquals(10_000L * (1 + 2 + 3), sum);
            assertEquals(0, packets.inUse());
            assertEquals(30_000, packets.stats().allocations());
        }
        assertEquals(1, frames[0].get(JAVA_BYTE, 0));
    }
}
