package dev.allocator.io;

import dev.allocator.api.AllocationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The I/O buffer state machine state by state, exhaustion, stats and close; locking is in {@link IoBufferLockTest}. */
class IoBufferPoolTest {

    static final int COUNT = 4;
    static final long SIZE = 8192;

    final IoBufferPool buffers = IoBufferPool.builder().bufferSize(SIZE).count(COUNT).build();

    @AfterEach
    void close() {
        for (int i = 0; i < COUNT; i++) {
            if (buffers.state(i) == BufferState.IN_FLIGHT) {
                buffers.completeInFlight(i);
            }
        }
        buffers.close();
    }

    /** A buffer brought into {@code state}; FREE: one that was acquired and released. */
    private int bufferIn(BufferState state) {
        int index = buffers.acquire();
        switch (state) {
            case FREE -> buffers.release(index);
            case ACQUIRED -> { }
            case IN_FLIGHT -> buffers.markInFlight(index);
        }
        assertEquals(state, buffers.state(index));
        return index;
    }

    private void call(String operation, int index) {
        switch (operation) {
            case "markInFlight" -> buffers.markInFlight(index);
            case "completeInFlight" -> buffers.completeInFlight(index);
            case "release" -> buffers.release(index);
            case "buffer" -> buffers.buffer(index);
            default -> throw new AssertionError(operation);
        }
    }

    /** Every operation from every state: the state it leads to, or the refusal with the message. */
    @ParameterizedTest(name = "{1} of a buffer {0} -> {2}")
    @CsvSource({
            "FREE,      markInFlight,     'acquired to be marked in flight'",
            "FREE,      completeInFlight, 'in flight to be completed'",
            "FREE,      release,          'acquired, not free nor in flight, to be released'",
            "FREE,      buffer,           'acquired or in flight to be used'",
            "ACQUIRED,  markInFlight,     IN_FLIGHT",
            "ACQUIRED,  completeInFlight, 'in flight to be completed'",
            "ACQUIRED,  release,          FREE",
            "ACQUIRED,  buffer,           ACQUIRED",
            "IN_FLIGHT, markInFlight,     'acquired to be marked in flight'",
            "IN_FLIGHT, completeInFlight, ACQUIRED",
            "IN_FLIGHT, release,          'acquired, not free nor in flight, to be released'",
            "IN_FLIGHT, buffer,           IN_FLIGHT"})
    void shouldMoveOrRefuseEachOperationFromEachState(BufferState from, String operation, String outcome) {
        int index = bufferIn(from);
        IoBufferStats before = buffers.stats();
        if (outcome.contains(" ")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> call(operation, index));
            assertEquals("a buffer must be " + outcome + ": buffer=" + index + ", state=" + from, e.getMessage());
            assertEquals(from, buffers.state(index));
            assertEquals(before, buffers.stats());
        } else {
            call(operation, index);
            assertEquals(BufferState.valueOf(outcome), buffers.state(index));
        }
    }

    @Test
    void shouldNeverHandOutABufferInFlight() {
        int inFlight = bufferIn(BufferState.IN_FLIGHT);
        Set<Integer> others = new HashSet<>();
        for (int i = 1; i < COUNT; i++) {
            others.add(buffers.acquire());
        }
        assertTrue(!others.contains(inFlight) && others.size() == COUNT - 1, others::toString);
        assertEquals(-1, buffers.tryAcquire());
        assertThrows(AllocationException.class, buffers::acquire);
        for (int other : others) {
            buffers.release(other);
        }
        buffers.completeInFlight(inFlight);
    }

    @Test
    void shouldHandOutAlignedBuffersThatKeepTheirContents() {
        int index = buffers.acquire();
        MemorySegment buffer = buffers.buffer(index);
        assertSame(buffer, buffers.buffer(index));
        assertEquals(SIZE, buffer.byteSize());
        assertEquals(0, buffer.address() % buffers.alignment());
        assertEquals(4096, Math.min(4096, buffers.alignment()), "page-aligned by default");
        buffer.set(ValueLayout.JAVA_LONG, SIZE - 8, 42L);
        buffers.markInFlight(index);
        assertEquals(42L, buffers.buffer(index).get(ValueLayout.JAVA_LONG, SIZE - 8));
        buffers.completeInFlight(index);
        buffers.release(index);
    }

    @Test
    void shouldThrowExhaustedAndReturnMinusOneWhenEveryBufferIsTaken() {
        for (int i = 0; i < COUNT; i++) {
            buffers.acquire();
        }
        AllocationException e = assertThrows(AllocationException.class, buffers::acquire);
        assertEquals(AllocationException.Reason.EXHAUSTED, e.reason());
        assertTrue(e.getMessage().contains("count=4, inFlight=0"), e::getMessage);
        assertEquals(-1, buffers.tryAcquire());
        AllocationException timedOut = assertThrows(AllocationException.class,
                () -> buffers.acquire(Duration.ofMillis(5)));
        assertTrue(timedOut.getMessage().endsWith("(waited PT0.005S)"), timedOut::getMessage);
        IoBufferStats stats = buffers.stats();
        assertEquals(COUNT, stats.acquisitions());
        assertEquals(3, stats.exhaustions());
        assertEquals(0, stats.available());
    }

    @Test
    void shouldWaitForABufferReleasedByAnotherThread() throws InterruptedException {
        int[] all = new int[COUNT];
        for (int i = 0; i < COUNT; i++) {
            all[i] = buffers.acquire();
        }
        Thread releaser = Thread.ofPlatform().start(() -> buffers.release(all[2]));
        assertEquals(all[2], buffers.acquire(Duration.ofSeconds(30)));
        releaser.join();
    }

    @Test
    void shouldCountAcquisitionsExhaustionsInFlightAvailableAndBytes() {
        int a = buffers.acquire();
        int b = buffers.acquire();
        buffers.markInFlight(b);
        IoBufferStats stats = buffers.stats();
        assertEquals(new IoBufferStats(2, 0, 1, COUNT - 2, SIZE * COUNT), stats);
        buffers.completeInFlight(b);
        buffers.release(a);
        buffers.release(b);
        assertEquals(new IoBufferStats(2, 0, 0, COUNT, SIZE * COUNT), buffers.stats());
    }

    @Test
    void shouldRefuseToCloseWhileABufferIsInFlightAndChangeNothing() {
        int index = bufferIn(BufferState.IN_FLIGHT);
        IllegalStateException e = assertThrows(IllegalStateException.class, buffers::close);
        assertEquals("no buffer may be in flight when an I/O buffer pool closes: inFlight=1", e.getMessage());
        buffers.buffer(index).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        buffers.completeInFlight(index);
        buffers.release(index);
        buffers.close();
        assertThrows(IllegalStateException.class, buffers::acquire);
        assertThrows(IllegalStateException.class, () -> buffers.release(index));
        assertEquals(0, buffers.stats().totalBytes());
        buffers.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, COUNT, Integer.MIN_VALUE})
    void shouldRejectAnIndexOutOfRangeNamingIt(int index) {
        String message = "index must be between 0 and 3: index=" + index;
        for (Executable call : new Executable[] {() -> buffers.markInFlight(index),
                () -> buffers.completeInFlight(index), () -> buffers.release(index), () -> buffers.buffer(index),
                () -> buffers.state(index)}) {
            assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
        }
        assertEquals(COUNT, buffers.stats().available());
    }

    @Test
    void shouldRejectBadBuilderValuesNamingThem() {
        assertEquals("bufferSize must be > 0: bufferSize=0", assertThrows(IllegalArgumentException.class,
                () -> IoBufferPool.builder().bufferSize(0)).getMessage());
        assertEquals("count must be between 1 and 1048576: count=0", assertThrows(IllegalArgumentException.class,
                () -> IoBufferPool.builder().count(0)).getMessage());
        assertEquals("alignment must be a power of 2: alignment=3000", assertThrows(IllegalArgumentException.class,
                () -> IoBufferPool.builder().alignment(3000)).getMessage());
        assertEquals("an I/O buffer pool needs bufferSize and count: bufferSize=unset, count=2", assertThrows(
                IllegalStateException.class, () -> IoBufferPool.builder().count(2).build()).getMessage());
        assertEquals("an I/O buffer pool needs bufferSize and count: bufferSize=4096, count=unset", assertThrows(
                IllegalStateException.class, () -> IoBufferPool.builder().bufferSize(4096).build()).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> IoBufferPool.builder().bufferSize(Long.MAX_VALUE / 2).count(4).build());
        assertThrows(NullPointerException.class, () -> IoBufferPool.builder().backing(null));
        assertThrows(NullPointerException.class, () -> buffers.acquire(null));
    }
}
