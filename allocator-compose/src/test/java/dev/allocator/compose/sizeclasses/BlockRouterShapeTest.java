package dev.allocator.compose.sizeclasses;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape the JIT needs for a garbage-free size-class allocation (see BlockRouter's notes): the hot paths take and
 * give stay above HotSpot's FreqInlineSize (325 bytes of bytecode), so they are never inlined into allocate and
 * deallocate, which stay small enough to be inlined into their callers. Reads the class files' Code attributes.
 */
class BlockRouterShapeTest {

    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void shouldKeepTheHotPathsTooLargeToInlineAndTheirCallersSmall() throws IOException {
        Map<String, Integer> router = codeLengths(BlockRouter.class);
        assertTrue(router.get("take") > FREQ_INLINE_SIZE, "take: " + router);
        assertTrue(router.get("give") > FREQ_INLINE_SIZE, "give: " + router);
        Map<String, Integer> allocator = codeLengths(SizeClassAllocator.class);
        assertTrue(allocator.get("allocate") <= 64, "allocate: " + allocator);
        assertTrue(allocator.get("deallocate") <= 64, "deallocate: " + allocator);
        assertTrue(allocator.get("classBlock") <= 35, "classBlock: " + allocator);
    }

    /** The bytecode length of each method (the largest overload's), from the class file. */
    private static Map<String, Integer> codeLengths(Class<?> type) throws IOException {
        try (InputStream raw = type.getResourceAsStream(type.getSimpleName() + ".class");
             DataInputStream in = new DataInputStream(raw)) {
            in.readInt(); // magic
            in.readInt(); // minor, major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    default -> throw new IOException("constant pool tag " + tag);
                }
            }
            in.skipBytes(6); // access, this, super
            in.skipBytes(2 * in.readUnsignedShort()); // interfaces
            int fields = in.readUnsignedShort();
            for (int f = 0; f < fields; f++) {
                in.skipBytes(6);
                skipAttributes(in);
            }
            Map<String, Integer> lengths = new HashMap<>();
            int methods = in.readUnsignedShort();
            for (int m = 0; m < methods; m++) {
                in.skipBytes(2);
                String name = utf8[in.readUnsignedShort()];
                in.skipBytes(2);
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attribute = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if (attribute.equals("Code")) {
                        in.skipBytes(4); // max stack, max locals
                        int code = in.readInt();
                        lengths.merge(name, code, Math::max);
                        in.skipBytes(length - 8);
                    } else {
                        in.skipBytes(length);
                    }
                }
            }
            return lengths;
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
