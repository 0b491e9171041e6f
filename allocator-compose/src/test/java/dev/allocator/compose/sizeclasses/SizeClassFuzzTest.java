package dev.allocator.compose.sizeclasses;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.pool.Wipe;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Random mixed-size workloads through {@code sizeclasses}, driven by Jazzer: allocate (sizes 0 to 8 KiB, so some go
 * past the 4 KiB largest class, alignments 1 to 8 KiB), deallocate, trim, checked against a model of live
 * allocations: exact sizes and alignments, no overlap, contents kept, bytes in use. CI replays the saved inputs under
 * {@code src/test/resources/.../SizeClassFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SizeClassFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void mixedWorkloadKeepsTheModel(FuzzedDataProvider data) {
        try (Allocator system = Allocators.open("system");
             SizeClassAllocator allocator = new SizeClassAllocator(system, 4096, 16 * 1024, 0, Wipe.NONE, true,
                     false)) {
            List<MemorySegment> live = new ArrayList<>();
            List<Layout> layouts = new ArrayList<>();
            int steps = data.consumeInt(0, 400);
            for (int step = 0; step < steps && data.remainingBytes() > 0; step++) {
                switch (data.consumeInt(0, 5)) {
                    case 0, 1, 2 -> {
                        Layout layout = Layout.of(data.consumeLong(0, 8192), 1L << data.consumeInt(0, 13));
                        MemorySegment segment = allocator.allocate(layout);
                        check(segment.byteSize() == layout.size(), "size", segment, layout);
                        check(segment.address() % layout.alignment() == 0, "alignment", segment, layout);
                        for (MemorySegment other : live) {
                            boolean apart = segment.byteSize() == 0 || other.byteSize() == 0
                                    || segment.address() + segment.byteSize() <= other.address()
                                    || other.address() + other.byteSize() <= segment.address();
                            check(apart, "overlap with " + other, segment, layout);
                        }
                        segment.fill((byte) layout.size());
                        live.add(segment);
                        layouts.add(layout);
                    }
                    case 3, 4 -> {
                        if (!live.isEmpty()) {
                            int victim = data.consumeInt(0, live.size() - 1);
                            MemorySegment segment = live.remove(victim);
                            Layout layout = layouts.remove(victim);
                            MemorySegment expected = MemorySegment.ofArray(new byte[(int) segment.byteSize()])
                                    .fill((byte) layout.size());
                            check(segment.mismatch(expected) == -1, "contents", segment, layout);
                            allocator.deallocate(segment, layout);
                        }
                    }
                    default -> allocator.trim();
                }
            }
            long inUse = layouts.stream().mapToLong(Layout::size).sum();
            check(allocator.stats().bytesInUse() == inUse, "bytesInUse " + allocator.stats().bytesInUse() + " != "
                    + inUse, null, null);
            for (int i = 0; i < live.size(); i++) {
                allocator.deallocate(live.get(i), layouts.get(i));
            }
            allocator.trim();
            check(system.stats().bytesInUse() == 0, "slabs left after trim: " + system.stats(), null, null);
        }
    }

    private static void check(boolean condition, String what, MemorySegment segment, Layout layout) {
        if (!condition) {
            throw new AssertionError(what + " for " + layout + " at " + segment);
        }
    }
}
