package dev.allocator.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.allocator.api.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ChecksTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, Long.MAX_VALUE})
    void shouldReturnNonNegativeValue(long value) {
        assertEquals(value, Checks.requireNonNegative(value, "size"));
    }

    @Test
    void shouldRejectNegativeValueNamingIt() {
        rejects(IllegalArgumentException.class, () -> Checks.requireNonNegative(-5, "size"),
                "size must be >= 0: size=-5");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void shouldRejectNonPositiveValue(long value) {
        rejects(IllegalArgumentException.class, () -> Checks.requirePositive(value, "capacity"),
                "capacity must be > 0", "capacity=" + value);
    }

    @Test
    void shouldReturnPositiveValue() {
        assertEquals(3, Checks.requirePositive(3, "capacity"));
    }

    @ParameterizedTest
    @CsvSource({"0, 1, 10", "11, 1, 10", "-1, 0, 0"})
    void shouldRejectValueOutOfRange(long value, long min, long max) {
        rejects(IllegalArgumentException.class, () -> Checks.requireInRange(value, min, max, "level"),
                "between " + min + " and " + max, "level=" + value);
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 10", "10, 1, 10", "0, 0, 0"})
    void shouldAcceptValueInRange(long value, long min, long max) {
        assertEquals(value, Checks.requireInRange(value, min, max, "level"));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 3, 24, -8, Long.MIN_VALUE, Long.MAX_VALUE})
    void shouldRejectNonPowerOfTwo(long value) {
        rejects(IllegalArgumentException.class, () -> Checks.requirePowerOfTwo(value, "alignment"),
                "alignment must be a power of 2: alignment=" + value);
    }

    @Test
    void shouldAcceptLargestPowerOfTwo() {
        assertEquals(1L << 62, Checks.requirePowerOfTwo(1L << 62, "alignment"));
    }

    @Test
    void shouldMultiplyOrRejectOverflowNamingFactors() {
        assertEquals(42, Checks.multiplyExact(6, 7, "array size"));
        rejects(IllegalArgumentException.class, () -> Checks.multiplyExact(Long.MAX_VALUE, 2, "array size"),
                "array size overflows", Long.MAX_VALUE + " * 2");
    }

    @ParameterizedTest
    @CsvSource({"0, 8, 0", "1, 8, 8", "8, 8, 8", "9, 8, 16", "4097, 4096, 8192", "5, 1, 5"})
    void shouldAlignUp(long value, long alignment, long expected) {
        assertEquals(expected, Checks.alignUp(value, alignment));
    }

    @Test
    void shouldRejectAlignUpOverflow() {
        rejects(IllegalArgumentException.class, () -> Checks.alignUp(Long.MAX_VALUE, 16),
                "overflows", "size=" + Long.MAX_VALUE, "alignment=16");
    }

    @Test
    void shouldRejectUseOfClosedAllocatorNamingIt() {
        assertDoesNotThrow(() -> Checks.requireOpen(false, "pool"));
        rejects(IllegalStateException.class, () -> Checks.requireOpen(true, "pool(blockSize=64)"),
                "pool(blockSize=64) is closed");
    }

    @Test
    void shouldFormatAddressesInHex() {
        assertEquals("0x7f3a0c001000", Checks.hex(0x7f3a0c001000L));
        assertEquals("0x0", Checks.hex(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "allocator.pool.exhaustions", "block.size", "p99.latency2"})
    void shouldAcceptLowerCaseDottedNames(String value) {
        assertEquals(value, Checks.requireDottedName(value, "name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "a.", ".a", "a..b", "A", "a.B", "1a", "a.1", "a-b", "a b", "\u00e9"})
    void shouldRejectOtherNamesNamingThem(String value) {
        rejects(IllegalArgumentException.class, () -> Checks.requireDottedName(value, "name"),
                "name must be lower-case words joined by dots: name=\"" + value + "\"");
    }
}
