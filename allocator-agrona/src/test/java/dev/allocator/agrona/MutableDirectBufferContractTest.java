package dev.allocator.agrona;

import org.agrona.AsciiNumberFormatException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link MutableDirectBuffer} contract, run over our {@link SegmentBuffer} and over Agrona's {@link UnsafeBuffer}
 * (the reference): every expectation holds for both. Agrona publishes no tests jar, so this suite is ours, covering
 * what such a suite checks: every width in both byte orders, bounds and their exception types, strings (ASCII and
 * UTF-8, with and without length prefixes), copies across buffers of every kind, {@code setMemory}, equality, hashing
 * and ordering, ASCII numbers, the {@code wrap} forms, {@code checkLimit} and {@code boundsCheck}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(BufferKind.class)
class MutableDirectBufferContractTest {

    private static final int CAPACITY = 64;
    private static final List<ByteOrder> ORDERS = List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN);

    private final BufferKind.Memory memory;
    private final MutableDirectBuffer buffer;

    MutableDirectBufferContractTest(BufferKind kind) {
        memory = kind.open(CAPACITY);
        buffer = memory.buffer();
    }

    @AfterEach
    void close() {
        memory.close();
    }

    /** The bytes {@code write} puts into a heap ByteBuffer of the given order, at {@code index}. */
    private static byte[] expected(ByteOrder order, Consumer<ByteBuffer> write) {
        ByteBuffer bytes = ByteBuffer.allocate(CAPACITY).order(order);
        write.accept(bytes);
        return bytes.array();
    }

    private byte[] contents() {
        byte[] bytes = new byte[CAPACITY];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    @Test
    void shouldWriteEveryWidthInEitherByteOrderAsAByteBufferDoes() {
        for (ByteOrder order : ORDERS) {
            buffer.setMemory(0, CAPACITY, (byte) 0);
            buffer.putShort(1, (short) 0x0102, order);
            buffer.putChar(3, '\u0304', order);
            buffer.putInt(5, 0x05060708, order);
            buffer.putLong(9, 0x090A0B0C0D0E0F10L, order);
            buffer.putFloat(17, 1.5f, order);
            buffer.putDouble(21, -2.25, order);
            buffer.putByte(29, (byte) -3);
            assertArrayEquals(expected(order, b -> b.putShort(1, (short) 0x0102).putChar(3, '\u0304')
                    .putInt(5, 0x05060708).putLong(9, 0x090A0B0C0D0E0F10L).putFloat(17, 1.5f).putDouble(21, -2.25)
                    .put(29, (byte) -3)), contents(), order.toString());
            assertEquals((short) 0x0102, buffer.getShort(1, order));
            assertEquals('\u0304', buffer.getChar(3, order));
            assertEquals(0x05060708, buffer.getInt(5, order));
            assertEquals(0x090A0B0C0D0E0F10L, buffer.getLong(9, order));
            assertEquals(1.5f, buffer.getFloat(17, order));
            assertEquals(-2.25, buffer.getDouble(21, order));
            assertEquals((byte) -3, buffer.getByte(29));
        }
    }

    @Test
    void shouldUseNativeOrderWithoutAnOrderArgument() {
        ByteOrder other = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN
                : ByteOrder.BIG_ENDIAN;
        buffer.putShort(0, (short) 0x0102);
        buffer.putChar(2, 'A');
        buffer.putInt(4, 0x01020304);
        buffer.putLong(8, 0x0102030405060708L);
        buffer.putFloat(16, 3.5f);
        buffer.putDouble(20, 7.25);
        assertArrayEquals(expected(ByteOrder.nativeOrder(), b -> b.putShort(0, (short) 0x0102).putChar(2, 'A')
                .putInt(4, 0x01020304).putLong(8, 0x0102030405060708L).putFloat(16, 3.5f).putDouble(20, 7.25)),
                contents());
        assertEquals((short) 0x0201, buffer.getShort(0, other));
        assertEquals(Integer.reverseBytes(0x01020304), buffer.getInt(4, other));
        assertEquals(Long.reverseBytes(0x0102030405060708L), buffer.getLong(8, other));
        assertEquals(3.5f, buffer.getFloat(16));
        assertEquals(7.25, buffer.getDouble(20));
        assertEquals('A', buffer.getChar(2));
    }

    @Test
    void shouldThrowIndexOutOfBoundsForEveryWidthPastEitherEnd() {
        int[] widths = {1, 2, 2, 4, 4, 8, 8};
        for (int w = 0; w < widths.length; w++) {
            for (int index : new int[] {-1, CAPACITY - widths[w] + 1, CAPACITY, Integer.MAX_VALUE}) {
                int width = w;
                assertThrows(IndexOutOfBoundsException.class, () -> access(width, index), "width " + width
                        + " at " + index);
            }
            int width = w;
            access(width, CAPACITY - widths[w]);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putInt(CAPACITY - 3, 1, ByteOrder.BIG_ENDIAN));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getLong(-8, ByteOrder.LITTLE_ENDIAN));
    }

    private void access(int width, int index) {
        switch (width) {
            case 0 -> buffer.putByte(index, buffer.getByte(index));
            case 1 -> buffer.putShort(index, buffer.getShort(index));
            case 2 -> buffer.putChar(index, buffer.getChar(index));
            case 3 -> buffer.putInt(index, buffer.getInt(index));
            case 4 -> buffer.putFloat(index, buffer.getFloat(index));
            case 5 -> buffer.putLong(index, buffer.getLong(index));
            default -> buffer.putDouble(index, buffer.getDouble(index));
        }
    }

    @Test
    void shouldCheckBoundsAndLimitsAgainstTheCapacity() {
        assertEquals(CAPACITY, buffer.capacity());
        buffer.boundsCheck(0, CAPACITY);
        buffer.boundsCheck(CAPACITY, 0);
        buffer.boundsCheck(10, 5);
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.boundsCheck(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.boundsCheck(0, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.boundsCheck(1, CAPACITY));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.boundsCheck(Integer.MAX_VALUE, 1));
        buffer.checkLimit(CAPACITY);
        buffer.checkLimit(0);
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.checkLimit(CAPACITY + 1));
        assertFalse(buffer.isExpandable());
    }

    @Test
    void shouldWriteAndReadLengthPrefixedAsciiInEitherOrder() {
        assertEquals(4 + 5, buffer.putStringAscii(0, "hello"));
        assertEquals(5, buffer.getInt(0));
        assertEquals("hello", buffer.getStringAscii(0));
        assertEquals("hel", buffer.getStringAscii(0, 3));
        StringBuilder appended = new StringBuilder();
        assertEquals(5, buffer.getStringAscii(0, appended));
        assertEquals("hello", appended.toString());
        appended.setLength(0);
        assertEquals(2, buffer.getStringAscii(0, 2, appended));
        assertEquals("he", appended.toString());
        for (ByteOrder order : ORDERS) {
            assertEquals(4 + 3, buffer.putStringAscii(20, (CharSequence) new StringBuilder("abc"), order));
            assertEquals(3, buffer.getInt(20, order));
            assertEquals("abc", buffer.getStringAscii(20, order));
            assertEquals(7, buffer.putStringAscii(30, "xyz", order));
            appended.setLength(0);
            assertEquals(3, buffer.getStringAscii(30, appended, order));
            assertEquals("xyz", appended.toString());
        }
        assertEquals(4, buffer.putStringAscii(40, (String) null));
        assertEquals("", buffer.getStringAscii(40));
    }

    @Test
    void shouldWriteQuestionMarksForCharsOutsideAscii() {
        buffer.putStringAscii(0, "a\u00e9\u20acb");
        assertEquals("a??b", buffer.getStringAscii(0));
        buffer.putByte(4 + 1, (byte) 0xC3);
        StringBuilder appended = new StringBuilder();
        buffer.getStringAscii(0, appended);
        assertEquals("a??b", appended.toString());
        assertEquals("a\uFFFD?b", buffer.getStringAscii(0));
    }

    @Test
    void shouldWriteAsciiWithoutLength() {
        assertEquals(5, buffer.putStringWithoutLengthAscii(2, "hello"));
        assertEquals("hello", buffer.getStringWithoutLengthAscii(2, 5));
        assertEquals(3, buffer.putStringWithoutLengthAscii(10, "abcdef", 2, 3));
        assertEquals("cde", buffer.getStringWithoutLengthAscii(10, 3));
        assertEquals(2, buffer.putStringWithoutLengthAscii(20, (CharSequence) "abcdef", 4, 10));
        assertEquals("ef", buffer.getStringWithoutLengthAscii(20, 2));
        assertEquals(0, buffer.putStringWithoutLengthAscii(30, (String) null));
        StringBuilder appended = new StringBuilder();
        assertEquals(4, buffer.getStringWithoutLengthAscii(2, 4, appended));
        assertEquals("hell", appended.toString());
    }

    @Test
    void shouldWriteAndReadUtf8WithAndWithoutLength() {
        String text = "h\u00e9llo \u20ac\uD83D\uDE00";
        byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(4 + encoded.length, buffer.putStringUtf8(0, text));
        assertEquals(encoded.length, buffer.getInt(0));
        assertEquals(text, buffer.getStringUtf8(0));
        assertEquals("h\u00e9", buffer.getStringUtf8(0, 3));
        for (ByteOrder order : ORDERS) {
            buffer.putStringUtf8(30, "\u00fc", order);
            assertEquals(2, buffer.getInt(30, order));
            assertEquals("\u00fc", buffer.getStringUtf8(30, order));
        }
        assertEquals(4 + 2, buffer.putStringUtf8(40, "\u00fc", 2));
        assertEquals(4 + 2, buffer.putStringUtf8(40, "\u00fc", ByteOrder.BIG_ENDIAN, 2));
        assertThrows(IllegalArgumentException.class, () -> buffer.putStringUtf8(40, "\u00fc", 1));
        assertThrows(IllegalArgumentException.class, () -> buffer.putStringUtf8(40, "\u00fc", ByteOrder.BIG_ENDIAN,
                1));
        assertEquals(5, buffer.putStringWithoutLengthUtf8(48, "\u20ac\u00e9"));
        assertEquals("\u20ac\u00e9", buffer.getStringWithoutLengthUtf8(48, 5));
        assertEquals(4 + 4, buffer.putStringUtf8(56, null), "as Agrona: null is written as \"null\"");
        assertEquals("null", buffer.getStringUtf8(56));
        assertEquals(4, buffer.putStringWithoutLengthUtf8(0, null));
        assertEquals("null", buffer.getStringWithoutLengthUtf8(0, 4));
    }

    @Test
    void shouldRefuseStringsThatDoNotFitWithIndexOutOfBounds() {
        String tooLong = "x".repeat(CAPACITY);
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putStringAscii(0, tooLong));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putStringUtf8(0, tooLong));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putStringWithoutLengthAscii(1, tooLong));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putStringWithoutLengthUtf8(1, tooLong));
        assertArrayEquals(new byte[CAPACITY], contents(), "a refused string writes nothing");
        buffer.putInt(0, CAPACITY);
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getStringAscii(0));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getStringUtf8(0));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getStringAscii(CAPACITY - 2));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getStringWithoutLengthAscii(1, CAPACITY));
    }

    @Test
    void shouldCopyBytesToAndFromArraysAndByteBuffers() {
        byte[] source = new byte[16];
        for (int i = 0; i < source.length; i++) {
            source[i] = (byte) (i + 1);
        }
        buffer.putBytes(3, source);
        buffer.putBytes(20, source, 4, 8);
        byte[] back = new byte[16];
        buffer.getBytes(3, back);
        assertArrayEquals(source, back);
        buffer.getBytes(20, back, 8, 8);
        assertArrayEquals(Arrays.copyOfRange(source, 4, 12), Arrays.copyOfRange(back, 8, 16));
        for (ByteBuffer bytes : List.of(ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16))) {
            bytes.put(0, source).position(2);
            buffer.putBytes(40, bytes, 5);
            assertEquals(7, bytes.position());
            buffer.putBytes(50, bytes, 10, 6);
            assertEquals(3, buffer.getByte(40));
            assertEquals(11, buffer.getByte(50));
            ByteBuffer into = bytes.isDirect() ? ByteBuffer.allocateDirect(16) : ByteBuffer.allocate(16);
            into.position(1);
            buffer.getBytes(40, into, 5);
            assertEquals(6, into.position());
            buffer.getBytes(50, into, 10, 6);
            assertEquals(3, into.get(1));
            assertEquals(16, into.get(15));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putBytes(CAPACITY - 1, source));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getBytes(CAPACITY - 1, back));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putBytes(0, source, 10, 10));
    }

    @Test
    void shouldCopyBytesAcrossBuffersOfEveryKind() {
        for (BufferKind other : BufferKind.values()) {
            try (BufferKind.Memory otherMemory = other.open(CAPACITY)) {
                MutableDirectBuffer peer = otherMemory.buffer();
                for (int i = 0; i < CAPACITY; i++) {
                    peer.putByte(i, (byte) (i * 3));
                }
                buffer.putBytes(1, peer, 2, 21);
                assertEquals(6, buffer.getByte(1), other.name());
                assertEquals((byte) 66, buffer.getByte(21), other.name());
                peer.setMemory(0, CAPACITY, (byte) 0);
                buffer.getBytes(1, peer, 30, 21);
                assertEquals(6, peer.getByte(30), other.name());
                assertEquals((byte) 66, peer.getByte(50), other.name());
                peer.putBytes(0, buffer, 1, 3);
                assertEquals(9, peer.getByte(1), other.name());
                assertThrows(IndexOutOfBoundsException.class, () -> buffer.putBytes(0, peer, CAPACITY - 1, 2));
                assertThrows(IndexOutOfBoundsException.class, () -> buffer.getBytes(0, peer, CAPACITY - 1, 2));
                assertThrows(IndexOutOfBoundsException.class, () -> buffer.putBytes(CAPACITY - 1, peer, 0, 2));
            }
        }
    }

    @Test
    void shouldSetMemory() {
        buffer.setMemory(5, 10, (byte) 7);
        buffer.setMemory(0, 0, (byte) 9);
        byte[] bytes = contents();
        for (int i = 0; i < CAPACITY; i++) {
            assertEquals(i >= 5 && i < 15 ? 7 : 0, bytes[i], "byte " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.setMemory(CAPACITY - 2, 3, (byte) 1));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.setMemory(-1, 1, (byte) 1));
    }

    @Test
    void shouldEqualHashAndOrderByContentAsAgronaDoes() {
        MutableDirectBuffer same = memory.buffer();
        for (int i = 0; i < CAPACITY; i++) {
            buffer.putByte(i, (byte) (i * 7));
            same.putByte(i, (byte) (i * 7));
        }
        assertEquals(buffer, same);
        assertEquals(buffer.hashCode(), same.hashCode());
        assertEquals(0, buffer.compareTo(same));
        UnsafeBuffer reference = new UnsafeBuffer(contents());
        assertEquals(reference.hashCode(), buffer.hashCode(), "the same hash as Agrona's over the same bytes");
        assertEquals(0, buffer.compareTo(reference));
        same.putByte(CAPACITY - 1, (byte) 0x7F);
        assertNotEquals(buffer, same);
        assertTrue(buffer.compareTo(same) < 0);
        assertTrue(same.compareTo(buffer) > 0);
        same.putByte(CAPACITY - 1, buffer.getByte(CAPACITY - 1));
        same.putByte(3, (byte) -1);
        assertEquals(Integer.signum(reference.compareTo(new UnsafeBuffer(copy(same)))),
                Integer.signum(buffer.compareTo(same)), "signed native-order comparison, as Agrona's");
        DirectBuffer shorter = new UnsafeBuffer(contents(), 0, CAPACITY - 1);
        assertTrue(buffer.compareTo(shorter) > 0);
        assertNotEquals(buffer, null);
        assertNotEquals(buffer, "bytes");
    }

    private static byte[] copy(DirectBuffer buffer) {
        byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    @Test
    void shouldParseAsciiNumbers() {
        assertEquals(7, buffer.putStringWithoutLengthAscii(0, "1234567"));
        assertEquals(1234567, buffer.parseNaturalIntAscii(0, 7));
        assertEquals(345, buffer.parseIntAscii(2, 3));
        assertEquals(1234567L, buffer.parseNaturalLongAscii(0, 7));
        assertEquals(1234567L, buffer.parseLongAscii(0, 7));
        parsed("-2147483648", () -> assertEquals(Integer.MIN_VALUE, buffer.parseIntAscii(0, 11)));
        parsed("2147483647", () -> assertEquals(Integer.MAX_VALUE, buffer.parseNaturalIntAscii(0, 10)));
        parsed("-9223372036854775808", () -> assertEquals(Long.MIN_VALUE, buffer.parseLongAscii(0, 20)));
        parsed("9223372036854775807", () -> assertEquals(Long.MAX_VALUE, buffer.parseNaturalLongAscii(0, 19)));
        parsed("-0", () -> assertEquals(0, buffer.parseIntAscii(0, 2)));
        parsed("2147483648", () -> assertThrows(AsciiNumberFormatException.class,
                () -> buffer.parseNaturalIntAscii(0, 10)));
        parsed("-2147483649", () -> assertThrows(AsciiNumberFormatException.class,
                () -> buffer.parseIntAscii(0, 11)));
        parsed("9223372036854775808", () -> assertThrows(AsciiNumberFormatException.class,
                () -> buffer.parseLongAscii(0, 19)));
        parsed("12a4", () -> assertThrows(AsciiNumberFormatException.class, () -> buffer.parseIntAscii(0, 4)));
        parsed("-5", () -> assertThrows(AsciiNumberFormatException.class, () -> buffer.parseNaturalIntAscii(0, 2)));
        parsed("-", () -> assertThrows(AsciiNumberFormatException.class, () -> buffer.parseIntAscii(0, 1)));
        parsed("+5", () -> assertThrows(AsciiNumberFormatException.class, () -> buffer.parseLongAscii(0, 2)));
        assertThrows(AsciiNumberFormatException.class, () -> buffer.parseIntAscii(0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.parseLongAscii(CAPACITY - 1, 2));
    }

    private void parsed(String text, Runnable check) {
        buffer.putStringWithoutLengthAscii(0, text);
        check.run();
    }

    @Test
    void shouldWriteAsciiNumbers() {
        long[] values = {0, 7, 10, 123, -45, 999_999, Integer.MIN_VALUE, Integer.MAX_VALUE};
        for (long value : values) {
            int length = buffer.putIntAscii(3, (int) value);
            assertEquals(Long.toString(value), buffer.getStringWithoutLengthAscii(3, length));
        }
        for (long value : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40}) {
            int length = buffer.putLongAscii(3, value);
            assertEquals(Long.toString(value), buffer.getStringWithoutLengthAscii(3, length));
        }
        assertEquals(3, buffer.putNaturalIntAscii(0, 456));
        assertEquals("456", buffer.getStringWithoutLengthAscii(0, 3));
        assertEquals(19, buffer.putNaturalLongAscii(0, Long.MAX_VALUE));
        assertEquals(Long.toString(Long.MAX_VALUE), buffer.getStringWithoutLengthAscii(0, 19));
        buffer.putNaturalPaddedIntAscii(10, 6, 42);
        assertEquals("000042", buffer.getStringWithoutLengthAscii(10, 6));
        assertThrows(NumberFormatException.class, () -> buffer.putNaturalPaddedIntAscii(20, 2, 123));
        assertEquals(37, buffer.putNaturalIntAsciiFromEnd(789, 40));
        assertEquals("789", buffer.getStringWithoutLengthAscii(37, 3));
        assertEquals(50, buffer.putNaturalIntAsciiFromEnd(0, 50), "as Agrona: zero writes no digit");
        assertEquals(0, buffer.getByte(49));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putIntAscii(CAPACITY - 2, 123));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putLongAscii(CAPACITY - 2, -12));
    }

    @Test
    void shouldWrapArraysAndByteBuffersWithTheirAdjustment() {
        byte[] array = new byte[32];
        array[5] = 42;
        buffer.wrap(array);
        assertEquals(32, buffer.capacity());
        assertEquals(42, buffer.getByte(5));
        buffer.wrap(array, 4, 8);
        assertEquals(8, buffer.capacity());
        assertEquals(42, buffer.getByte(1));
        assertEquals(4, buffer.wrapAdjustment());
        assertEquals(array, buffer.byteArray());
        buffer.putByte(7, (byte) 9);
        assertEquals(9, array[11]);
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getByte(8));
        assertThrows(IllegalArgumentException.class, () -> buffer.wrap(array, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> buffer.wrap(array, 30, 4));

        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.position(8).limit(10);
        buffer.wrap(direct);
        assertEquals(16, buffer.capacity(), "all of a ByteBuffer's capacity, whatever its position and limit");
        buffer.putInt(12, 77);
        assertEquals(77, direct.duplicate().clear().order(ByteOrder.nativeOrder()).getInt(12));
        assertEquals(direct, buffer.byteBuffer());
        buffer.wrap(direct, 4, 12);
        assertEquals(12, buffer.capacity());
        assertEquals(77, buffer.getInt(8));
        assertEquals(4, buffer.wrapAdjustment());
        assertThrows(IllegalArgumentException.class, () -> buffer.wrap(direct, 10, 8));
    }

    @Test
    void shouldWrapOtherBuffersSharingTheirMemory() {
        MutableDirectBuffer other = memory.buffer();
        other.putLong(16, 0x1122334455667788L);
        buffer.wrap(other);
        assertEquals(other.capacity(), buffer.capacity());
        assertEquals(0x1122334455667788L, buffer.getLong(16));
        buffer.wrap(other, 16, 8);
        assertEquals(8, buffer.capacity());
        buffer.putByte(0, (byte) 1);
        assertEquals(1, other.getByte(16));
        assertThrows(IllegalArgumentException.class, () -> buffer.wrap(other, CAPACITY - 4, 8));
        for (BufferKind kind : BufferKind.values()) {
            try (BufferKind.Memory otherMemory = kind.open(CAPACITY)) {
                MutableDirectBuffer foreign = otherMemory.buffer();
                foreign.putInt(8, 1234);
                buffer.wrap(foreign, 4, 16);
                assertEquals(1234, buffer.getInt(4), kind.name());
                if (foreign.byteArray() != null) {
                    assertEquals(foreign.byteArray(), buffer.byteArray(), kind.name());
                    assertEquals(foreign.wrapAdjustment() + 4, buffer.wrapAdjustment(), kind.name());
                }
            }
        }
    }

    @Test
    void shouldWrapARawAddress() {
        try (Arena arena = Arena.ofConfined()) {
            long address = arena.allocate(16).address();
            buffer.wrap(address, 16);
            buffer.putLong(8, 99L);
            assertEquals(16, buffer.capacity());
            assertEquals(address, buffer.addressOffset());
            assertEquals(99L, new UnsafeBuffer(address, 16).getLong(8));
            buffer.wrap(new byte[1]);
        }
    }

    @Test
    void shouldExposeAnArrayAndAddressThatAgronaCanCopyFrom() {
        buffer.putLong(0, 0x0102030405060708L);
        UnsafeBuffer target = new UnsafeBuffer(new byte[16]);
        target.putBytes(4, buffer, 0, 8);
        assertEquals(0x0102030405060708L, target.getLong(4));
        byte[] array = buffer.byteArray();
        if (array != null) {
            assertEquals(8, array[buffer.wrapAdjustment() + (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0
                    : 7)]);
        }
    }
}
