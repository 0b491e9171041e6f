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
import static org.junit.jupiter.api.Assertions.assertThrows;

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
