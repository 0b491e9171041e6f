package dev.allocator.pages;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.pages.internal.Machine;
import dev.allocator.pages.internal.Mman;
import dev.allocator.pages.internal.Smaps;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PagesAllocatorTest {

    static final long PAGE = Mman.pageSize();
    static final long HUGE = Machine.hugePageSize();

    @Test
    void shouldRoundSizesToPagesAndCountThem() {
        try (PagesAllocator pages = (PagesAllocator) Allocators.open("pages")) {
            MemorySegment segment = pages.allocate(Layout.of(100));
            assertEquals(100, segment.byteSize());
            assertEquals(0, segment.address() % PAGE);
            assertEquals(new PageStats(PAGE, HUGE, 1, PAGE, 0, 0), pages.pageStats());
            assertEquals(new AllocatorStats(1, 0, 0, 100, PAGE), pages.stats());
            pages.deallocate(segment, Layout.of(100));
            assertEquals(new PageStats(PAGE, HUGE, 0, 0, 0, 0), pages.pageStats());
        }
    }

    @Test
    void shouldAlignAboveAPageByTrimmingTheMapping() {
        try (PagesAllocator pages = new PagesAllocator()) {
            Layout layout = Layout.of(PAGE, 1L << 21);
            MemorySegment segment = pages.allocate(layout);
            assertEquals(0, segment.address() % (1L << 21));
            assertEquals(PAGE, pages.pageStats().bytesMapped());
            assertEquals(String.valueOf(PAGE / 1024) + " kB", Smaps.of(segment.address()).get("Size"));
            pages.deallocate(segment, layout);
        }
    }

    @Test
    void shouldRejectASliceAndADoubleFreeWithCountsUnchanged() {
        try (PagesAllocator pages = new PagesAllocator()) {
            Layout layout = Layout.of(256);
            MemorySegment segment = pages.allocate(layout);
            AllocatorStats before = pages.stats();
            IllegalArgumentException slice = assertThrows(IllegalArgumentException.class,
                    () -> pages.deallocate(segment.asSlice(8, 128), Layout.of(128)));
            assertTrue(slice.getMessage().startsWith("a free must give the allocation's own segment and layout"),
                    slice::getMessage);
            assertEquals(before, pages.stats());
            pages.deallocate(segment, layout);
            AllocatorStats after = pages.stats();
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> pages.deallocate(segment, layout));
            assertTrue(twice.getMessage().contains("double free"), twice::getMessage);
            assertEquals(after, pages.stats());
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldUnmapEverythingOnClose() {
        PagesAllocator pages = new PagesAllocator();
        MemorySegment segment = pages.allocate(Layout.of(PAGE * 3));
        long address = segment.address();
        pages.close();
        assertTrue(Smaps.of(address).isEmpty(), "the mapping is gone");
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(0, pages.stats().bytesReserved());
    }

    @Test
    void shouldPopulateWhenAsked() {
        try (Allocator pages = Allocators.open("pages(populate=true)")) {
            MemorySegment segment = pages.allocate(Layout.of(16 * PAGE));
            assertEquals(16 * PAGE / 1024 + " kB", Smaps.of(segment.address()).get("Rss"));
            pages.deallocate(segment, Layout.of(16 * PAGE));
        }
    }

    @Test
    void shouldAdviseTransparentHugePagesWhenNoneAreReserved() {
        assumeTrue(Machine.transparentAvailable(), "THP is off here: " + Machine.transparentMode());
        try (PagesAllocator pages = (PagesAllocator) Allocators.open("pages(hugePages=true, populate=true)")) {
            MemorySegment segment = pages.allocate(Layout.of(100));
            assertEquals(0, segment.address() % HUGE);
            assertEquals(HUGE, pages.pageStats().bytesMapped());
            if (Machine.reservedHugePages() == 0) {
                assertEquals(HUGE, pages.pageStats().advisedBytes());
                assertTrue(Smaps.of(segment.address()).get("VmFlags").contains("hg"), "MADV_HUGEPAGE set");
            }
            long backed = pages.transparentHugeBytes();
            assertTrue(backed == 0 || backed == HUGE, "AnonHugePages of our one mapping only: " + backed);
            pages.deallocate(segment, Layout.of(100));
        }
    }

    @Test
    void shouldNameVmNrHugepagesWhenHugetlbHasNoPages() {
        assumeTrue(Machine.meminfo("HugePages_Free:") <= 0, "this machine has free reserved huge pages");
        try (Allocator pages = Allocators.open("pages(hugePages=hugetlb)")) {
            AllocationException e = assertThrows(AllocationException.class, () -> pages.allocate(Layout.of(64)));
            assertEquals(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, e.reason());
            assertTrue(e.getMessage().contains("vm.nr_hugepages=" + Machine.reservedHugePages()), e::getMessage);
            assertTrue(e.getMessage().contains("fallback=basepages"), e::getMessage);
            assertNull(pages.tryAllocate(Layout.of(64)));
            assertEquals(new AllocatorStats(0, 0, 2, 0, 0), pages.stats());
        }
        try (Allocator pages = Allocators.open("pages(hugePages=hugetlb, fallback=basepages)")) {
            MemorySegment segment = pages.allocate(Layout.of(64));
            assertEquals(PAGE, pages.stats().bytesReserved());
            pages.deallocate(segment, Layout.of(64));
        }
    }

    @Test
    void shouldMapFromReservedHugePages() {
        assumeTrue(Machine.meminfo("HugePages_Free:") > 0,
                "no reserved huge pages here (vm.nr_hugepages=" + Machine.reservedHugePages() + "): MAP_HUGETLB cannot"
                        + " be exercised");
        try (PagesAllocator pages = (PagesAllocator) Allocators.open("pages(hugePages=hugetlb)")) {
            MemorySegment segment = pages.allocate(Layout.of(64));
            assertEquals(HUGE, pages.pageStats().hugetlbBytes());
            pages.deallocate(segment, Layout.of(64));
        }
    }

    @Test
    void shouldBindToTheOnlyNodeAndRefuseANodeThatIsNotOnline() throws Exception {
        try (Allocator pages = Allocators.open("pages(numaNode=0, populate=true)")) {
            MemorySegment segment = pages.allocate(Layout.of(PAGE));
            if (Machine.hasNuma()) {
                String numaMaps = Files.readString(Path.of("/proc/self/numa_maps"));
                String line = numaMaps.lines().filter(l -> l.startsWith(Long.toHexString(segment.address()) + " "))
                        .findFirst().orElseThrow();
                assertTrue(line.contains("bind:0"), line);
            }
            pages.deallocate(segment, Layout.of(PAGE));
        }
        int absent = Machine.onlineNodes().getLast() + 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Allocators.open("pages(numaNode=" + absent + ")"));
        assertTrue(e.getMessage().contains("must be -1 or an online NUMA node (online: " + Machine.onlineNodes()),
                e::getMessage);
    }

    @Test
    void shouldBindToASecondNode() {
        assumeTrue(Machine.onlineNodes().size() > 1,
                "this machine has one NUMA node (" + Machine.onlineNodes() + "): binding to another cannot be shown");
        try (Allocator pages = Allocators.open("pages(numaNode=" + Machine.onlineNodes().get(1) + ")")) {
            MemorySegment segment = pages.allocate(Layout.of(PAGE));
            pages.deallocate(segment, Layout.of(PAGE));
        }
    }

    @Test
    void shouldRejectBadOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Allocators.open("pages(fallback=maybe)"));
        assertTrue(e.getMessage().contains("pages: option fallback must be fail or basepages: fallback=maybe"),
                e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> Allocators.open("pages(hugePages=yes)"));
    }

    @Test
    void shouldDescribeItsOptions() {
        assertEquals("pages(hugePages=transparent, fallback=basepages, numaNode=0, populate=true)",
                new PagesAllocator(HugePages.TRANSPARENT, true, 0, true).toString());
        Map<String, String> flags = Smaps.of(-1L);
        assertFalse(flags.containsKey("VmFlags"));
    }
}
