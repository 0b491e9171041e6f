package dev.allocator.tests.model;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.tests.contract.Subject;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model must catch broken allocators, or the model tests could never fail. */
class LiveModelTest {

    /** A deliberately broken allocator over a JDK arena; each flaw can be switched on. */
    private static final class Flawed implements Allocator {
        final Arena arena = Arena.ofShared();
        final List<MemorySegment> handedOut = new ArrayList<>();
        boolean overlap;
        boolean scribble;
        boolean acceptDoubleFree;
        boolean miscount;
        long allocations;
        long deallocations;
        long bytesInUse;

        @Override
        public MemorySegment allocate(Layout layout) {
            MemorySegment segment;
            if (overlap && !handedOut.isEmpty() && handedOut.getLast().byteSize() >= layout.size()
                    && layout.size() > 0 && handedOut.getLast().address() % layout.alignment() == 0) {
                segment = handedOut.getLast().asSlice(0, layout.size());
            } else {
                segment = arena.allocate(layout.size(), layout.alignment());
            }
            if (scribble && !handedOut.isEmpty() && handedOut.getLast().byteSize() > 0) {
                handedOut.getLast().set(ValueLayout.JAVA_BYTE, 0, (byte) 0x5A);
            }
            handedOut.add(segment);
            allocations++;
            bytesInUse += layout.size() + (miscount ? 1 : 0);
            return segment;
        }

        @Override
        public MemorySegment tryAllocate(Layout layout) {
            return allocate(layout);
        }

        @Override
        public void deallocate(MemorySegment segment, Layout layout) {
            if (!owns(segment)) {
                throw new IllegalArgumentException("not mine: " + Checks.hex(segment.address()));
            }
            boolean removed = false;
            for (int i = 0; i < handedOut.size() && !removed; i++) {
                MemorySegment live = handedOut.get(i);
                if (live.address() == segment.address() && live.byteSize() == segment.byteSize()) {
                    handedOut.remove(i);
                    removed = true;
                }
            }
            if (!removed && !acceptDoubleFree) {
                throw new IllegalStateException("double free at " + Checks.hex(segment.address()));
            }
            deallocations++;
            bytesInUse -= layout.size();
        }

        @Override
        public boolean owns(MemorySegment segment) {
            return segment.scope().equals(arena.scope());
        }

        @Override
        public AllocatorStats stats() {
            return new AllocatorStats(allocations, deallocations, 0, bytesInUse, bytesInUse);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    private static final Subject SUBJECT = Subject.of("flawed").withMaxSize(4096, false).withMaxAlignment(64);

    private static void run(Flawed allocator) {
        try (allocator) {
            new LiveModel(allocator, SUBJECT, true).run(Choices.seeded(5), 2_000);
        }
    }

    @Test
    void shouldPassASoundAllocator() {
        assertDoesNotThrow(() -> run(new Flawed()));
    }

    @Test
    void shouldCatchOverlappingSegments() {
        Flawed flawed = new Flawed();
        flawed.overlap = true;
        AssertionError e = assertThrows(AssertionError.class, () -> run(flawed));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void shouldCatchWritesIntoAnotherSegment() {
        Flawed flawed = new Flawed();
        flawed.scribble = true;
        AssertionError e = assertThrows(AssertionError.class, () -> run(flawed));
        assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
    }

    @Test
    void shouldCatchAcceptedDoubleFree() {
        Flawed flawed = new Flawed();
        flawed.acceptDoubleFree = true;
        AssertionError e = assertThrows(AssertionError.class, () -> run(flawed));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
    }

    @Test
    void shouldCatchWrongCounters() {
        Flawed flawed = new Flawed();
        flawed.miscount = true;
        AssertionError e = assertThrows(AssertionError.class, () -> run(flawed));
        assertTrue(e.getMessage().contains("bytesInUse"), e.getMessage());
    }
}
