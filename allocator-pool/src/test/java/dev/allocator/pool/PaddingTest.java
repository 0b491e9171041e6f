package dev.allocator.pool;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The padded hot fields of the pool's lock-free parts really have 128 bytes of nothing on each side in this JVM's
 * field layout (see the package documentation of {@code dev.allocator.pool.internal}): a subclass field placed in
 * the gap after the object header would silently undo the padding.
 */
class PaddingTest {

    private static final long PAD = 128;

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({
            "Lane, owner", "Lane, count",
            "CallSlot, word", "CallSlot, count",
            "HighWaterMark, mark",
            "TaggedFreeList, head"})
    void shouldKeepAHotField128BytesFromEverythingElse(String type, String field) throws ClassNotFoundException {
        ClassLayout layout = ClassLayout.parseClass(Class.forName("dev.allocator.pool.internal." + type));
        FieldLayout hot = layout.fields().stream().filter(f -> f.name().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("no field " + field + " in\n" + layout.toPrintable()));
        long headerEnd = layout.headerSize();
        assertTrue(hot.offset() - headerEnd >= PAD, "before " + field + ": only " + (hot.offset() - headerEnd)
                + " bytes after the header\n" + layout.toPrintable());
        long after = layout.fields().stream().filter(f -> f.offset() > hot.offset() && !f.name().startsWith("p"))
                .filter(f -> f.offset() - (hot.offset() + hot.size()) < PAD)
                .filter(f -> !(f.name().equals("count") || f.name().equals("owner") || f.name().equals("word")))
                .count();
        assertTrue(after == 0, "a non-padding field within 128 bytes after " + field + "\n" + layout.toPrintable());
        assertTrue(layout.instanceSize() - (hot.offset() + hot.size()) >= PAD - 8,
                "the object ends within 128 bytes of " + field + "\n" + layout.toPrintable());
    }
}
