package dev.allocator.system.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveTableTest {

    @Test
    void shouldRemoveOnlyWithTheRecordedSize() {
        LiveTable table = new LiveTable();
        table.add(0x1000, 64);
        assertEquals(64, table.remove(0x1000, 32), "a mismatch reports the recorded size");
        assertEquals(64, table.sizeOf(0x1000), "and leaves the entry");
        assertEquals(64, table.remove(0x1000, 64));
        assertEquals(LiveTable.ABSENT, table.remove(0x1000, 64), "a second remove finds nothing");
        assertEquals(LiveTable.ABSENT, table.sizeOf(0x1000));
    }

    @Test
    void shouldKeepZeroSizedEntries() {
        LiveTable table = new LiveTable();
        table.add(0x10, 0);
        assertEquals(0, table.sizeOf(0x10));
        assertEquals(0, table.remove(0x10, 0));
        assertCounts(table, 1, 1, 0);
    }

    /** Random adds and removes against a HashMap, through growth, shrinking and long probe clusters. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void shouldAgreeWithAMapThroughGrowthAndShrinking(int stripeBits) {
        LiveTable table = new LiveTable(stripeBits);
        Map<Long, Long> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(17);
        long adds = 0;
        long removes = 0;
        for (int round = 0; round < 200_000; round++) {
            // phases that grow to thousands of entries and drain again; addresses 16-aligned, dense (like malloc's)
            boolean growing = (round / 20_000) % 2 == 0;
            long address = (1 + random.nextInt(8192)) * 16L;
            if (random.nextInt(10) < (growing ? 7 : 3)) {
                if (!model.containsKey(address)) {
                    long size = random.nextInt(5000);
                    table.add(address, size);
                    model.put(address, size);
                    adds++;
                }
            } else {
                Long size = model.get(address);
                long asked = size == null ? 8 : (random.nextBoolean() ? size : size + 1);
                long expected = size == null ? LiveTable.ABSENT : size;
                assertEquals(expected, table.remove(address, asked), "round " + round);
                if (size != null && asked == size) {
                    model.remove(address);
                    removes++;
                }
            }
        }
        for (long address = 16; address <= 8192 * 16L; address += 16) {
            assertEquals(model.getOrDefault(address, LiveTable.ABSENT), table.sizeOf(address));
        }
        assertCounts(table, adds, removes, model.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void shouldRemoveAllAndCountThem() {
        LiveTable table = new LiveTable(2);
        long bytes = 0;
        for (long i = 1; i <= 1000; i++) {
            table.add(i * 16, i);
            bytes += i;
        }
        long[] released = new long[2];
        table.removeAll((address, size) -> {
            released[0]++;
            released[1] += size;
            assertEquals(address / 16, size);
        });
        assertArrayEquals(new long[] {1000, bytes}, released);
        assertCounts(table, 1000, 1000, 0);
        assertEquals(LiveTable.ABSENT, table.sizeOf(16));
        table.add(16, 1);
        assertEquals(1, table.remove(16, 1), "works after removeAll");
    }

    @Test
    void shouldRejectABadStripeCount() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LiveTable(17));
        assertEquals("stripeBits must be in [0, 16]: stripeBits=17", e.getMessage());
    }

    private static void assertCounts(LiveTable table, long adds, long removes, long bytes) {
        long[] counts = new long[3];
        table.addCountsTo(counts);
        assertArrayEquals(new long[] {adds, removes, bytes}, counts);
    }
}
