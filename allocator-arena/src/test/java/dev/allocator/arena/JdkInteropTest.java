package dev.allocator.arena;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JDK code that takes an Arena or a SegmentAllocator works with the arena and respects its scopes. */
@SuppressWarnings("restricted")
class JdkInteropTest {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle STRLEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strlen").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle QSORT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("qsort").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS));

    private final TestBacking backing = new TestBacking();
    private BumpArena arena;

    @AfterEach
    void close() {
        if (arena != null) {
            arena.close();
        }
    }

    /** The arena the resetting comparator tries to reset, and what it got. */
    private static BumpArena resetDuringSort;
    private static RuntimeException refusal;

    static int compareIntsAndTryToReset(MemorySegment a, MemorySegment b) {
        if (refusal == null) {
            try {
                resetDuringSort.reset();
            } catch (RuntimeException e) {
                refusal = e;   // an exception must not escape an upcall: it would end the JVM
            }
        }
        return compareInts(a, b);
    }

    static int compareInts(MemorySegment a, MemorySegment b) {
        return Integer.compare(a.get(ValueLayout.JAVA_INT, 0), b.get(ValueLayout.JAVA_INT, 0));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldPassAStringFromAllocateFromToStrlen(Flavour flavour) throws Throwable {
        arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(4096));
        SegmentAllocator allocator = arena;
        MemorySegment text = allocator.allocateFrom("hello, native world");
        assertEquals(19L, (long) STRLEN.invokeExact(text));
        MemorySegment longText = arena.allocateFrom("x".repeat(10_000));
        assertEquals(10_000L, (long) STRLEN.invokeExact(longText), "a dedicated chunk works the same");
        arena.reset();
        assertThrows(IllegalStateException.class, () -> {
            long ignored = (long) STRLEN.invokeExact(text);
        }, "the linker refuses a segment whose scope has ended");
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldScopeAnUpcallStubToTheArena(Flavour flavour) throws Throwable {
        arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(4096));
        MethodHandle compare = MethodHandles.lookup().findStatic(JdkInteropTest.class, "compareInts",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        FunctionDescriptor comparator = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT),
                ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT));
        MemorySegment stub = LINKER.upcallStub(compare, comparator, (Arena) arena);
        MemorySegment ints = arena.allocateFrom(ValueLayout.JAVA_INT, 5, 3, 9, 1, 7);
        QSORT.invokeExact(ints, 5L, 4L, stub);
        assertArrayEquals(new int[] {1, 3, 5, 7, 9}, ints.toArray(ValueLayout.JAVA_INT));
        assertEquals(arena.scope(), stub.scope());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRefuseAResetWhileANativeCallUsesASegmentAndKeepWorking(Flavour flavour) throws Throwable {
        arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(4096));
        MethodHandle compare = MethodHandles.lookup().findStatic(JdkInteropTest.class, "compareIntsAndTryToReset",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        FunctionDescriptor comparator = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT),
                ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT));
        try (Arena stubs = Arena.ofConfined()) {
            MemorySegment stub = LINKER.upcallStub(compare, comparator, stubs);
            MemorySegment ints = arena.allocateFrom(ValueLayout.JAVA_INT, 4, 2, 3, 1);
            BumpArena.Mark mark = arena.mark();
            MemorySegment inMark = arena.allocate(ValueLayout.JAVA_LONG);
            resetDuringSort = arena;
            refusal = null;
            QSORT.invokeExact(ints, 4L, 4L, stub);
            assertInstanceOf(IllegalStateException.class, refusal, "the JDK refuses to close a scope in use");
            assertArrayEquals(new int[] {1, 2, 3, 4}, ints.toArray(ValueLayout.JAVA_INT), "the sort was unharmed");
            assertThrows(IllegalStateException.class, () -> inMark.get(ValueLayout.JAVA_LONG, 0),
                    "the mark's level above the refusing scope ended");
            MemorySegment after = arena.allocate(ValueLayout.JAVA_LONG);
            after.set(ValueLayout.JAVA_LONG, 0, 7);
            assertTrue(after.address() >= inMark.address() + 8, "nothing ended is reused before it is dead");
            assertThrows(IllegalArgumentException.class, () -> arena.rewind(mark));
            arena.reset();
            assertThrows(IllegalStateException.class, () -> ints.get(ValueLayout.JAVA_INT, 0));
            assertEquals(0, arena.arenaStats().liveAllocations());
        } finally {
            resetDuringSort = null;
        }
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRunCleanupActionsWhenAResetEndsTheScope(Flavour flavour) {
        arena = flavour.open(backing, ArenaOptions.defaults());
        AtomicInteger cleanups = new AtomicInteger();
        MemorySegment raw = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment.ofAddress(raw.address()).reinterpret(8, arena, segment -> cleanups.incrementAndGet());
        BumpArena.Mark mark = arena.mark();
        MemorySegment.ofAddress(raw.address()).reinterpret(8, arena, segment -> cleanups.incrementAndGet());
        arena.rewind(mark);
        assertEquals(1, cleanups.get(), "rewind ended the mark's scope only");
        arena.reset();
        assertEquals(2, cleanups.get());
    }
}
