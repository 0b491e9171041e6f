package dev.allocator.agrona;

import dev.allocator.api.Allocators;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The worked example of docs/agrona.md: SBE-style flyweight codecs (as SBE generates them: fixed fields at fixed
 * offsets, little-endian, then a length-prefixed variable field) encode orders into pooled blocks through one
 * {@link SegmentBuffer} re-wrapped per block; the decoder reads them back by block index. {@link OrderExampleTest}
 * runs it.
 */
final class OrderExample {

    private OrderExample() {
    }

    /** Encodes {@code count} orders into pooled blocks, decodes each by index, and returns the sum of quantities. */
    static long run(int count) {
        try (FixedBlockPool pool = (FixedBlockPool) Allocators.open("pool(blockSize=128, capacity=1024) > system")) {
            BlockIndexes blocks = pool.indexes();
            SegmentBuffer view = new SegmentBuffer();           // one flyweight per thread, re-wrapped per block
            OrderEncoder encoder = new OrderEncoder();
            OrderDecoder decoder = new OrderDecoder();
            int[] sent = new int[count];
            for (int i = 0; i < count; i++) {
                int id = blocks.acquire();                      // -1 when exhausted: back-pressure
                view.wrap(blocks.segment(id));                  // the pool's own segment object: no garbage
                encoder.wrap(view, 0).orderId(i).price(101_25L).quantity(100 + i).side((byte) 'B').symbol("EURUSD");
                sent[i] = id;                                   // e.g. publication.offer(view, 0, encoder.length())
            }
            long quantities = 0;
            for (int id : sent) {
                view.wrap(blocks.segment(id));
                decoder.wrap(view, 0);
                if (!"EURUSD".equals(decoder.symbol())) {
                    throw new IllegalStateException("decoded " + decoder.symbol());
                }
                quantities += decoder.quantity();
                blocks.release(id);                             // the block goes back; the view must not be used
            }
            return quantities;
        }                                                       // closed: any later access through view throws
    }

    /** The message: orderId (int64) at 0, price (int64) at 8, quantity (int32) at 16, side (char) at 20, symbol. */
    static final class OrderEncoder {
        static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
        static final int BLOCK_LENGTH = 21;

        private MutableDirectBuffer buffer;
        private int offset;
        private int limit;

        OrderEncoder wrap(MutableDirectBuffer buffer, int offset) {
            this.buffer = buffer;
            this.offset = offset;
            this.limit = offset + BLOCK_LENGTH;
            return this;
        }

        OrderEncoder orderId(long value) {
            buffer.putLong(offset, value, ORDER);
            return this;
        }

        OrderEncoder price(long mantissa) {
            buffer.putLong(offset + 8, mantissa, ORDER);
            return this;
        }

        OrderEncoder quantity(int value) {
            buffer.putInt(offset + 16, value, ORDER);
            return this;
        }

        OrderEncoder side(byte value) {
            buffer.putByte(offset + 20, value);
            return this;
        }

        OrderEncoder symbol(String value) {
            limit += buffer.putStringAscii(limit, value, ORDER);    // uint32 length, then the bytes
            return this;
        }

        int length() {
            return limit - offset;
        }
    }

    /** Reads what {@link OrderEncoder} wrote. */
    static final class OrderDecoder {
        private DirectBuffer buffer;
        private int offset;

        OrderDecoder wrap(DirectBuffer buffer, int offset) {
            this.buffer = buffer;
            this.offset = offset;
            return this;
        }

        long orderId() {
            return buffer.getLong(offset, OrderEncoder.ORDER);
        }

        int quantity() {
            return buffer.getInt(offset + 16, OrderEncoder.ORDER);
        }

        String symbol() {
            return buffer.getStringAscii(offset + OrderEncoder.BLOCK_LENGTH, OrderEncoder.ORDER);
        }
    }
}
