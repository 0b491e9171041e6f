package dev.allocator.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs code on a platform thread of its own without {@code CAP_IPC_LOCK}, as an unprivileged process would run it:
 * with the capability (root in a container, say) {@code mlock} ignores {@code RLIMIT_MEMLOCK}. Linux capabilities
 * belong to a thread, so {@code capset} on that thread leaves the rest of the JVM as it was.
 */
final class WithoutIpcLock {

    private static final int CAP_IPC_LOCK = 14;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x2008_0522;

    private WithoutIpcLock() {
    }

    /** Runs {@code body} on a new thread without CAP_IPC_LOCK; rethrows what it throws. */
    static void run(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("without-ipc-lock").start(() -> {
            try {
                dropIpcLock();
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        thread.join();
        Throwable e = thrown.get();
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
    }

    private static void dropIpcLock() throws Throwable {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor descriptor = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        MethodHandle capget = linker.downcallHandle(linker.defaultLookup().findOrThrow("capget"), descriptor);
        MethodHandle capset = linker.downcallHandle(linker.defaultLookup().findOrThrow("capset"), descriptor);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(8, 4);              // {u32 version; int pid}; pid 0: this thread
            header.set(JAVA_INT, 0, LINUX_CAPABILITY_VERSION_3);
            MemorySegment data = arena.allocate(24, 4);               // 2 x {effective, permitted, inheritable}
            if ((int) capget.invokeExact(header, data) != 0) {
                throw new IllegalStateException("capget must succeed");
            }
            int mask = ~(1 << CAP_IPC_LOCK);
            for (int field = 0; field < 3; field++) {
                data.set(JAVA_INT, field * 4L, data.get(JAVA_INT, field * 4L) & mask);
            }
            if ((int) capset.invokeExact(header, data) != 0) {
                throw new IllegalStateException("capset must succeed");
            }
        }
    }
}
