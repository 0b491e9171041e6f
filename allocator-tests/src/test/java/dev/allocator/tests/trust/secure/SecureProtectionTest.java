package dev.allocator.tests.trust.secure;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.pages.internal.Mman;
import dev.allocator.pages.internal.Smaps;
import dev.allocator.secure.CorruptedCanaryException;
import dev.allocator.secure.SecureAllocator;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@code secure} promises, shown where it can crash: in a child JVM ({@link ChildJvm}). Reading one byte past an
 * allocation, touching a no-access allocation and writing to a read-only one kill the child with {@code SIGSEGV}; an
 * unprivileged child that locks past {@code RLIMIT_MEMLOCK} gets an error naming the limit and its value. In this
 * JVM: {@code /proc/self/smaps} shows the pages locked and marked do-not-dump, and a write just before an allocation
 * is caught by the canary.
 */
class SecureProtectionTest {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Runs one scenario named by its argument; prints what it reached, exits 0 only if nothing faulted. */
    public static final class Scenario {
        public static void main(String[] args) throws Throwable {
            SecureAllocator secure = (SecureAllocator) Allocators.open("secure");
            MemorySegment key = secure.allocate(Layout.of(32));
            key.fill((byte) 0x42);
            switch (args[0]) {
                case "overrun" -> {
                    // what a user with --enable-native-access can do: a segment over the byte after the allocation
                    MemorySegment past = MemorySegment.ofAddress(key.address() + key.byteSize()).reinterpret(1);
                    System.out.println("reading one byte past the allocation");
                    System.out.println("READ " + past.get(ValueLayout.JAVA_BYTE, 0));
                }
                case "noaccess" -> {
                    secure.noAccess(key);
                    System.out.println("reading a no-access allocation");
                    System.out.println("READ " + key.get(ValueLayout.JAVA_BYTE, 0));
                }
                case "readonly-write" -> {
                    secure.readOnly(key);
                    System.out.println("READ " + key.get(ValueLayout.JAVA_BYTE, 0));
                    System.out.println("writing to a read-only allocation");
                    key.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                    System.out.println("WROTE");
                }
                case "memlock" -> lockPastTheLimit(secure);
                default -> throw new IllegalArgumentException(args[0]);
            }
            secure.close();
        }

        /** Gives up root (and CAP_IPC_LOCK, which lets mlock ignore the limit) for every thread, then locks 1 MiB
         * blocks until the kernel refuses. Exits 0 when the error names the limit, and secure works afterwards. */
        private static void lockPastTheLimit(SecureAllocator secure) throws Throwable {
            long limit = Mman.memlockLimit();
            Linker linker = Linker.nativeLinker();
            MethodHandle getuid = linker.downcallHandle(linker.defaultLookup().findOrThrow("getuid"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            MethodHandle setuid = linker.downcallHandle(linker.defaultLookup().findOrThrow("setuid"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            if ((int) getuid.invokeExact() == 0 && (int) setuid.invokeExact(65534) != 0) {
                System.out.println("setuid(65534) failed");
                System.exit(3);
            }
            Layout mebibyte = Layout.of(1L << 20);
            List<MemorySegment> held = new ArrayList<>();
            String message = null;
            while (message == null && held.size() <= limit / mebibyte.size() + 1) {
                try {
                    held.add(secure.allocate(mebibyte));
                } catch (AllocationException e) {
                    message = e.getMessage();
                }
            }
            System.out.println("locked " + held.size() + " MiB, then: " + message);
            boolean named = message != null && message.contains("RLIMIT_MEMLOCK=" + limit + " bytes");
            held.forEach(segment -> secure.deallocate(segment, mebibyte));
            secure.deallocate(secure.allocate(mebibyte), mebibyte);
            System.exit(named ? 0 : 4);
        }
    }

    private static void assertKilledBySigsegv(String scenario, String reached) {
        ChildJvm.Ended ended = ChildJvm.run(Scenario.class, TIMEOUT, scenario);
        assertTrue(ended.crashed(), ended::toString);
        assertTrue(ended.output().contains("SIGSEGV"), ended::toString);
        assertTrue(ended.output().contains(reached), ended::toString);
        assertFalse(ended.output().contains("READ 66") || ended.output().contains("WROTE"), ended::toString);
    }

    @Test
    void shouldKillTheProcessWithSigsegvWhenReadingOneBytePastAnAllocation() {
        assertKilledBySigsegv("overrun", "reading one byte past the allocation");
    }

    @Test
    void shouldKillTheProcessWithSigsegvWhenTouchingANoAccessAllocation() {
        assertKilledBySigsegv("noaccess", "reading a no-access allocation");
    }

    @Test
    void shouldKillTheProcessWithSigsegvWhenWritingToAReadOnlyAllocation() {
        ChildJvm.Ended ended = ChildJvm.run(Scenario.class, TIMEOUT, "readonly-write");
        assertTrue(ended.crashed(), ended::toString);
        assertTrue(ended.output().contains("SIGSEGV"), ended::toString);
        assertTrue(ended.output().contains("READ 66"), "reading a read-only allocation works: " + ended);
        assertFalse(ended.output().contains("WROTE"), ended::toString);
    }

    @Test
    void shouldNameRlimitMemlockAndItsValueWhenAnUnprivilegedProcessLocksPastIt() {
        long limit = Mman.memlockLimit();
        assumeTrue(limit != -1 && limit <= 256L << 20,
                "RLIMIT_MEMLOCK must be limited (at most 256 MiB) for this test: RLIMIT_MEMLOCK=" + limit);
        ChildJvm.Ended ended = ChildJvm.run(Scenario.class, TIMEOUT, "memlock");
        assertEquals(0, ended.exitCode(), ended::toString);
        assertTrue(ended.output().contains("errno=12 (ENOMEM)"), ended::toString);
    }

    @Test
    void shouldShowTheDataPagesLockedAndNotDumpedInSmaps() {
        try (SecureAllocator secure = (SecureAllocator) Allocators.open("secure")) {
            MemorySegment key = secure.allocate(Layout.of(4000));
            Map<String, String> mapping = Smaps.of(key.address());
            long lockedKib = Long.parseLong(mapping.get("Locked").replace(" kB", ""));
            assertTrue(lockedKib > 0, mapping::toString);
            assertEquals(secure.secureStats().lockedBytes(), lockedKib << 10);
            List<String> flags = List.of(mapping.get("VmFlags").split(" "));
            assertTrue(flags.contains("dd"), "VmFlags carries dd (MADV_DONTDUMP): " + flags);
            assertTrue(flags.contains("lo"), "VmFlags carries lo (mlock): " + flags);
            secure.deallocate(key, Layout.of(4000));
        }
    }

    @Test
    void shouldCatchAWriteJustBeforeTheAllocationWithTheCanary() {
        try (SecureAllocator secure = (SecureAllocator) Allocators.open("secure")) {
            MemorySegment key = secure.allocate(Layout.of(32));
            MemorySegment before = MemorySegment.ofAddress(key.address() - 1).reinterpret(1);
            before.set(ValueLayout.JAVA_BYTE, 0, (byte) ~before.get(ValueLayout.JAVA_BYTE, 0));
            CorruptedCanaryException e = assertThrows(CorruptedCanaryException.class,
                    () -> secure.deallocate(key, Layout.of(32)));
            assertTrue(e.getMessage().contains("before the allocation"), e::getMessage);
            assertEquals(0, secure.stats().liveAllocations(), "wiped and unmapped anyway");
        }
    }
}
