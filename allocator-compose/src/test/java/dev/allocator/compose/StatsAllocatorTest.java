package dev.allocator.compose;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.compose.stats.StatsAllocator;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ObjectName;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsAllocatorTest {

    @Test
    void shouldCountBySizeClassAndExposeThroughJmx() throws Exception {
        ObjectName name;
        try (StatsAllocator stats = (StatsAllocator) Allocators.open("stats(name=jmx-test) > system")) {
            name = stats.objectName();
            MemorySegment small = stats.allocate(Layout.of(40));
            MemorySegment big = stats.allocate(Layout.of(4096));
            stats.deallocate(small, Layout.of(40));
            assertEquals(Map.of(64L, 1L, 4096L, 1L), stats.sizeHistogram());
            var server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(2L, server.getAttribute(name, "Allocations"));
            assertEquals(4096L, server.getAttribute(name, "BytesInUse"));
            stats.deallocate(big, Layout.of(4096));
            assertEquals(0, stats.stats().bytesInUse());
        }
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name), "unregistered on close");
    }

    @Test
    void shouldCountSitesWhenAsked() {
        try (StatsAllocator stats = new StatsAllocator("sites", Allocators.open("system"), true, false, true)) {
            for (int i = 0; i < 3; i++) {
                stats.deallocate(stats.allocate(Layout.of(8)), Layout.of(8));
            }
            Map<String, Long> sites = stats.getSites();
            assertEquals(1, sites.size(), sites.toString());
            assertTrue(sites.keySet().iterator().next().contains("StatsAllocatorTest.shouldCountSitesWhenAsked"),
                    sites.toString());
            assertEquals(3L, sites.values().iterator().next());
        }
    }

    @Test
    void shouldRecordFailuresAsJfrEvents(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.allocator.AllocationFailed");
            recording.enable("dev.allocator.BudgetRefused");
            recording.enable("dev.allocator.Leak");
            recording.start();
            try (Allocator allocator = Allocators.open("stats(jmx=false) > budget(limit=100)")) {
                assertThrows(AllocationException.class, () -> allocator.allocate(Layout.of(200)));
                assertEquals(1, allocator.stats().failures());
            }
            Allocator checked = Allocators.open("checked(onLeak=free) > system");
            checked.allocate(Layout.of(24));
            checked.close();
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.allocator.AllocationFailed")
                && e.getString("reason").equals("BUDGET") && e.getLong("size") == 200), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.allocator.BudgetRefused")
                && e.getLong("limit") == 100 && e.getLong("requested") == 200), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.allocator.Leak")
                && e.getLong("count") == 1 && e.getLong("bytes") == 24), events.toString());
    }
}
