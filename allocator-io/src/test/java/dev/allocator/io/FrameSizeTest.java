package dev.allocator.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameSizeTest {

    @ParameterizedTest(name = "mtu {0}, headroom {1} -> {2}")
    @CsvSource({"1500, 0, 1536", "1500, 128, 1664", "9000, 0, 9024", "9000, 128, 9152", "68, 0, 128",
            "1518, 0, 1536", "1519, 0, 1600", "65535, 65535, 131136"})
    void shouldAddEthernetHeaderFcsAndHeadroomRoundedUpToACacheLine(int mtu, int headroom, int expected) {
        assertEquals(expected, FrameSize.forMtu(mtu, headroom));
        assertEquals(0, expected % FrameSize.CACHE_LINE);
    }

    @Test
    void shouldRejectAnMtuOutOfRangeNamingIt() {
        assertEquals("mtu must be between 68 and 65535: mtu=67",
                assertThrows(IllegalArgumentException.class, () -> FrameSize.forMtu(67, 0)).getMessage());
        assertEquals("mtu must be between 68 and 65535: mtu=65536",
                assertThrows(IllegalArgumentException.class, () -> FrameSize.forMtu(65_536, 0)).getMessage());
    }

    @Test
    void shouldRejectAHeadroomOutOfRangeNamingIt() {
        assertEquals("headroom must be between 0 and 65535: headroom=-1",
                assertThrows(IllegalArgumentException.class, () -> FrameSize.forMtu(1500, -1)).getMessage());
        assertEquals("headroom must be between 0 and 65535: headroom=65536",
                assertThrows(IllegalArgumentException.class, () -> FrameSize.forMtu(1500, 65_536)).getMessage());
    }
}
