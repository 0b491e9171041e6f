package dev.allocator.agrona;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the worked example of docs/agrona.md ({@link OrderExample}). */
class OrderExampleTest {

    @Test
    void shouldEncodeOrdersIntoPooledBlocksAndDecodeThemByIndex() {
        int count = 1000;
        assertEquals(100L * count + (long) count * (count - 1) / 2, OrderExample.run(count));
    }

    @Test
    void shouldEncodeTheLengthAnSbeCodecReports() {
        SegmentBuffer view = new SegmentBuffer(java.lang.foreign.MemorySegment.ofArray(new byte[64]));
        OrderExample.OrderEncoder encoder = new OrderExample.OrderEncoder();
        assertEquals(21 + 4 + 6, encoder.wrap(view, 0).orderId(1).symbol("EURUSD").length());
        assertEquals(1L, new OrderExample.OrderDecoder().wrap(view, 0).orderId());
    }
}
