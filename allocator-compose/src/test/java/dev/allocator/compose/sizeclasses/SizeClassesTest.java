package dev.allocator.compose.sizeclasses;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeClassesTest {

    private final SizeClasses classes = new SizeClasses(64 * 1024);

    @ParameterizedTest(name = "{0} B aligned {1} -> {2} B class")
    @CsvSource({"0,1,16", "1,1,16", "16,1,16", "17,1,24", "24,1,24", "25,1,32", "33,1,48", "49,8,64", "100,1,128",
            "1500,1,1536", "4096,1,4096", "4097,1,6144", "65536,1,65536", "24,16,32", "48,32,64", "100,4096,4096",
            "5000,8192,NONE", "65537,1,NONE"})
    void shouldPickTheSmallestClassThatFitsSizeAndAlignment(long size, long alignment, String expected) {
        int c = classes.classOf(size, alignment);
        if (expected.equals("NONE")) {
            assertEquals(SizeClasses.NONE, c);
        } else {
            assertEquals(Long.parseLong(expected), classes.size(c));
            assertTrue(classes.alignment(c) >= alignment);
        }
    }

    @Test
    void shouldWasteAtMostAThirdOfABlock() {
        for (long size = 17; size <= 65536; size++) {
            long block = classes.size(classes.classOf(size, 1));
            assertTrue(block >= size && block * 2 <= size * 3, size + " -> " + block);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 8, 24, 100, 1L << 31})
    void shouldRejectBadMaxClass(long maxClass) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(maxClass));
        assertTrue(e.getMessage().contains("maxClass=" + maxClass), e.getMessage());
    }
}
