package dev.allocator.shm;

import dev.allocator.api.AllocationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared pool within one process: free-list, ownership, file checks, recovery from a dead owner, misuse. */
class SharedPoolTest {

    @TempDir
    Path dir;

    private SharedPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void shouldHandOutEveryBlockOnceThenReportExhaustion() {
        pool = SharedPool.create(dir.resolve("pool"), 64, 8);
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            assertTrue(taken.add(pool.acquire()));
        }
        assertEquals(-1, pool.tryAcquire());
        AllocationException e = assertThrows(AllocationException.class, pool::acquire);
        assertEquals(AllocationException.Reason.EXHAUSTED, e.reason());
        assertTrue(e.getMessage().contains("all 8 blocks are in use"), e.getMessage());
        assertEquals(8, pool.inUse());
        for (int index : taken) {
            pool.release(index);
        }
        assertEquals(0, pool.inUse());
    }

    @Test
    void shouldShareBlocksAndStateWithAnotherMappingOfTheFile() {
        Path file = dir.resolve("pool");
        pool = SharedPool.create(file, 128, 4);
        int index = pool.acquire();
        pool.segment(index).set(ValueLayout.JAVA_LONG, 120, 0x1234L);
        try (SharedPool other = SharedPool.open(file)) {
            assertEquals(128, other.blockSize());
            assertEquals(4, other.capacity());
            assertEquals(1, other.inUse());
            assertEquals(0x1234L, other.segment(index).get(ValueLayout.JAVA_LONG, 120));
            other.release(index);   // same process: it owns the block
        }
        assertEquals(0, pool.inUse());
    }

    @Test
    void shouldRejectDoubleRelease() {
        pool = SharedPool.create(dir.resolve("pool"), 64, 4);
        int index = pool.acquire();
        pool.release(index);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(index));
        assertTrue(e.getMessage().endsWith("is already free (double release)"), e.getMessage());
        assertEquals(0, pool.inUse());
        assertEquals(4, drain(pool));
    }

    @Test
    void shouldRejectReleaseOfAnotherProcesssBlock() throws IOException {
        Path file = dir.resolve("pool");
        pool = SharedPool.create(file, 64, 4);
        int index = pool.acquire();
        setOwner(file, index, 1);   // pid 1 (init) lives: a block of another process
        setStart(file, index, ProcessHandle.of(1).flatMap(h -> h.info().startInstant()).map(i -> i.toEpochMilli())
                .orElse(0L));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(index));
        assertTrue(e.getMessage().contains("is owned by process 1, not by this process"), e.getMessage());
        assertEquals(1, pool.inUse());
        assertEquals(0, pool.recover(), "a live owner keeps its block");
    }

    @Test
    void shouldRecoverTheBlocksOfADeadProcessOnly() throws IOException {
        Path file = dir.resolve("pool");
        pool = SharedPool.create(file, 64, 4);
        int mine = pool.acquire();
        int dead = pool.acquire();
        setOwner(file, dead, 1L << 40);   // no such pid
        assertEquals(1, pool.recover());
        assertEquals(0, pool.recover());
        assertEquals(1, pool.inUse());
        assertEquals(3, drain(pool));
        pool.release(mine);
    }

    @Test
    void shouldRecoverABlockWhosePidWasReusedByAnotherProcess() throws IOException {
        Path file = dir.resolve("pool");
        pool = SharedPool.create(file, 64, 2);
        int index = pool.acquire();
        setOwner(file, index, 1);   // init lives, but it started long before this "owner" did
        setStart(file, index, System.currentTimeMillis());
        assertEquals(1, pool.recover());
        assertEquals(0, pool.inUse());
    }

    @Test
    void shouldRejectBadArgumentsAndChangeNothing() {
        Path file = dir.resolve("pool");
        assertMessage("blockSize must be > 0: blockSize=0", () -> SharedPool.create(file, 0, 4));
        assertMessage("capacity must be between 1 and 1073741824: capacity=0", () -> SharedPool.create(file, 8, 0));
        assertTrue(Files.notExists(file));
        assertThrows(NullPointerException.class, () -> SharedPool.create(null, 8, 1));
        assertThrows(NullPointerException.class, () -> SharedPool.open(null));
        pool = SharedPool.create(file, 64, 4);
        int index = pool.acquire();
        assertMessage("index must be between 0 and 3: index=4", () -> pool.release(4));
        assertMessage("index must be between 0 and 3: index=-1", () -> pool.release(-1));
        assertMessage("index must be between 0 and 3: index=4", () -> pool.segment(4));
        assertEquals(1, pool.inUse());
        pool.release(index);
        assertThrows(UncheckedIOException.class, () -> SharedPool.create(file, 64, 4), "never overwrites a pool");
    }

    @Test
    void shouldRefuseAFileThatIsNotAPoolOrOfAnotherVersion() throws IOException {
        Path small = Files.write(dir.resolve("small"), new byte[10]);
        assertMessage("file is not a shared pool (too small for a pool header): file=" + small + ", size=10",
                () -> SharedPool.open(small));
        Path zeros = Files.write(dir.resolve("zeros"), new byte[8192]);
        assertMessage("file is not a shared pool (no pool header; create it with SharedPool.create): file=" + zeros
                + ", magic=0x0", () -> SharedPool.open(zeros));
        Path file = dir.resolve("pool");
        SharedPool.create(file, 64, 4).close();
        writeInt(file, SharedPoolDescriptor.VERSION_OFFSET, 7);
        assertMessage("file is a shared pool of another layout version; this library reads version 1: file=" + file
                + ", version=7", () -> SharedPool.open(file));
        writeInt(file, SharedPoolDescriptor.VERSION_OFFSET, 1);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 1);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedPool.open(file));
        assertTrue(e.getMessage().startsWith("shared pool file is truncated or corrupt"), e.getMessage());
        assertThrows(UncheckedIOException.class, () -> SharedPool.open(dir.resolve("missing")));
    }

    @Test
    void shouldRefuseEveryCallAfterClose() {
        pool = SharedPool.create(dir.resolve("pool"), 64, 4);
        MemorySegment block = pool.segment(0);
        pool.close();
        pool.close();
        assertThrows(IllegalStateException.class, pool::acquire);
        assertThrows(IllegalStateException.class, pool::tryAcquire);
        assertThrows(IllegalStateException.class, () -> pool.release(0));
        assertThrows(IllegalStateException.class, () -> pool.segment(0));
        assertThrows(IllegalStateException.class, pool::recover);
        assertThrows(IllegalStateException.class, pool::inUse);
        assertThrows(IllegalStateException.class, () -> block.get(ValueLayout.JAVA_BYTE, 0));
        pool = null;
    }

    private static int drain(SharedPool pool) {
        int n = 0;
        while (pool.tryAcquire() >= 0) {
            n++;
        }
        return n;
    }

    private static void setOwner(Path file, int index, long pid) throws IOException {
        writeLong(file, SharedPoolDescriptor.record(index) + SharedPoolDescriptor.OWNER, pid);
    }

    private static void setStart(Path file, int index, long millis) throws IOException {
        writeLong(file, SharedPoolDescriptor.record(index) + SharedPoolDescriptor.START, millis);
    }

    private static void writeLong(Path file, long offset, long value) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena).set(ValueLayout.JAVA_LONG, offset, value);
        }
    }

    private static void writeInt(Path file, long offset, int value) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena).set(ValueLayout.JAVA_INT, offset, value);
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
