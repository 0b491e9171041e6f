package dev.allocator.io;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.AllocatorStats;
import dev.allocator.io.internal.MemoryLock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code locked(true)}: a lock within {@code RLIMIT_MEMLOCK} shows in the process's locked memory and goes on close;
 * one beyond it is refused with the limit named and the memory given back. Both run on a thread without
 * {@code CAP_IPC_LOCK} ({@link WithoutIpcLock}), as in an unprivileged process.
 */
class IoBufferLockTest {

    static final long BUFFER = 64 * 1024;

    /** The process's locked memory, from /proc/self/status (VmLck, kB). */
    static long lockedBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmLck:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no VmLck in /proc/self/status");
    }

    @Test
    void shouldLockBuffersThatFitTheLimitAndUnlockThemOnClose() throws InterruptedException {
        long soft = MemoryLock.memlockLimit()[0];
        assumeTrue(soft == MemoryLock.RLIM_INFINITY || soft >= 2 * 1024 * 1024,
                "RLIMIT_MEMLOCK must allow 2 MiB for this test: RLIMIT_MEMLOCK=" + soft);
        WithoutIpcLock.run(() -> {
            long before = lockedBytes();
            IoBufferPool buffers = IoBufferPool.builder().bufferSize(BUFFER).count(16).locked(true).build();
            assertTrue(buffers.locked());
            assertEquals(before + 16 * BUFFER, lockedBytes());
            int index = buffers.acquire();
            buffers.buffer(index).fill((byte) 1);
            buffers.release(index);
            buffers.close();
            assertEquals(before, lockedBytes());
        });
    }

    @Test
    void shouldRefuseALockBeyondRlimitMemlockNamingItAndGiveTheMemoryBack() throws InterruptedException {
        long soft = MemoryLock.memlockLimit()[0];
        assumeTrue(soft != MemoryLock.RLIM_INFINITY && soft <= 256L * 1024 * 1024,
                "RLIMIT_MEMLOCK must be limited (at most 256 MiB) for this test: RLIMIT_MEMLOCK="
                        + MemoryLock.describe(soft));
        int count = (int) (soft / BUFFER) + 1;
        WithoutIpcLock.run(() -> {
            try (Allocator backing = Allocators.open("system")) {
                AllocatorStats before = backing.stats();
                long lockedBefore = lockedBytes();
                AllocationException e = assertThrows(AllocationException.class, () -> IoBufferPool.builder()
                        .bufferSize(BUFFER).count(count).locked(true).backing(backing).build());
                assertEquals(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, e.reason());
                assertTrue(e.getMessage().startsWith("locked buffers must fit RLIMIT_MEMLOCK (with what the process "
                        + "has locked already): bytes=" + count * BUFFER + ", RLIMIT_MEMLOCK=" + soft), e::getMessage);
                assertTrue(e.getMessage().contains("errno=12 (ENOMEM)"), e::getMessage);
                assertEquals(before.bytesInUse(), backing.stats().bytesInUse());
                assertEquals(lockedBefore, lockedBytes());
            }
        });
    }

    @Test
    void shouldNotLockUnlessAsked() {
        try (IoBufferPool buffers = IoBufferPool.builder().bufferSize(BUFFER).count(2).build()) {
            assertFalse(buffers.locked());
            assertTrue(buffers.toString().endsWith("aligned " + buffers.alignment() + ")"), buffers::toString);
        }
    }
}
