package dev.allocator.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;

import static dev.allocator.api.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LayoutTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 64, 1500, Long.MAX_VALUE})
    void shouldKeepSizeAndDefaultToAlignmentOne(long size) {
        Layout layout = Layout.of(size);
        assertEquals(size, layout.size());
        assertEquals(1, layout.alignment());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 4, 8, 16, 64, 4096, 1L << 30, 1L << 62})
    void shouldAcceptEveryPowerOfTwoAlignment(long alignment) {
        assertEquals(alignment, Layout.of(8, alignment).alignment());
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, -8, Long.MIN_VALUE})
    void shouldRejectNegativeSize(long size) {
        rejects(IllegalArgumentException.class, () -> Layout.of(size, 8), "size", String.valueOf(size));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 3, 24, -8, 1000, Long.MIN_VALUE})
    void shouldRejectAlignmentThatIsNotAPowerOfTwo(long alignment) {
        rejects(IllegalArgumentException.class, () -> Layout.of(64, alignment),
                "alignment must be a power of 2", "alignment=" + alignment);
    }

    @Test
    void shouldRejectBadAlignmentInWithAlignment() {
        rejects(IllegalArgumentException.class, () -> Layout.of(64).withAlignment(24), "alignment=24");
    }

    @Test
    void shouldTakeSizeAndAlignmentOfAMemoryLayout() {
        assertEquals(Layout.of(4, 4), Layout.of(ValueLayout.JAVA_INT));
        assertEquals(Layout.of(8, 8), Layout.of(ValueLayout.JAVA_LONG));
        MemoryLayout struct = MemoryLayout.structLayout(ValueLayout.JAVA_INT, MemoryLayout.paddingLayout(4),
                ValueLayout.JAVA_LONG);
        assertEquals(Layout.of(16, 8), Layout.of(struct));
        assertEquals(Layout.of(40, 4), Layout.of(MemoryLayout.sequenceLayout(10, ValueLayout.JAVA_INT)));
    }

    @Test
    void shouldRejectNullMemoryLayout() {
        assertThrows(NullPointerException.class, () -> Layout.of((MemoryLayout) null));
    }

    @Test
    void shouldRoundStrideUpToAlignment() {
        assertEquals(16, Layout.of(10, 8).stride());
        assertEquals(16, Layout.of(16, 8).stride());
        assertEquals(0, Layout.of(0, 64).stride());
    }

    @Test
    void shouldBuildArraysOfTheStride() {
        assertEquals(Layout.of(160, 8), Layout.of(10, 8).array(10));
        assertEquals(Layout.of(0, 8), Layout.of(10, 8).array(0));
        assertEquals(Layout.of(4096, 4), Layout.of(ValueLayout.JAVA_INT).array(1024));
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, -100, Long.MIN_VALUE})
    void shouldRejectNegativeArrayCount(long count) {
        rejects(IllegalArgumentException.class, () -> Layout.of(8).array(count), "count", String.valueOf(count));
    }

    @Test
    void shouldRejectArrayThatOverflows() {
        long count = Long.MAX_VALUE / 8 + 1;
        rejects(IllegalArgumentException.class, () -> Layout.of(8, 8).array(count),
                "overflows", String.valueOf(count));
    }

    @Test
    void shouldRejectStrideThatOverflows() {
        rejects(IllegalArgumentException.class, () -> Layout.of(Long.MAX_VALUE - 2, 8).stride(),
                "overflows", "size=" + (Long.MAX_VALUE - 2), "alignment=8");
    }

    @Test
    void shouldPrintSizeAndAlignment() {
        assertEquals("64 B aligned 8", Layout.of(64, 8).toString());
    }
}
