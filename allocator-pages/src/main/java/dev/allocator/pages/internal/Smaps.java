package dev.allocator.pages.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Reads {@code /proc/self/smaps}: the kernel's account of each mapping of this process (its size, what of it is
 * resident, locked or backed by transparent huge pages, and its {@code VmFlags}, where {@code dd} means "do not
 * dump"). Costs a walk of every mapping: for monitoring and tests, never a hot path.
 */
public final class Smaps {

    private Smaps() {
    }

    /**
     * The fields of the mapping that contains {@code address}: {@code Locked} {@code -> "8 kB"}, {@code VmFlags}
     * {@code -> "rd wr mr mw me dd ac"}, and so on.
     *
     * @return the fields, empty when no mapping contains the address
     */
    public static Map<String, String> of(long address) {
        Map<String, String> found = new LinkedHashMap<>();
        walk(start -> false, (start, end) -> Long.compareUnsigned(address, start) >= 0
                && Long.compareUnsigned(address, end) < 0, found, null);
        return found;
    }

    /**
     * The sum of a kB field ({@code AnonHugePages}, {@code Locked}) over the mappings whose start {@code mine}
     * accepts, in bytes.
     */
    public static long sumBytes(String field, LongPredicate mine) {
        long[] sum = new long[1];
        walk(mine, (start, end) -> false, null, (name, kib) -> {
            if (name.equals(field)) {
                sum[0] += kib << 10;
            }
        });
        return sum[0];
    }

    private interface Range {
        boolean test(long start, long end);
    }

    private interface Field {
        void accept(String name, long kib);
    }

    private static void walk(LongPredicate byStart, Range byRange, Map<String, String> into, Field sum) {
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/self/smaps"))) {
            boolean selected = false;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int colon = line.indexOf(':');
                int dash = line.indexOf('-');
                if (dash > 0 && (colon < 0 || dash < colon) && isHex(line, dash)) {
                    if (selected && into != null) {
                        return;
                    }
                    int space = line.indexOf(' ');
                    long start = Long.parseUnsignedLong(line, 0, dash, 16);
                    long end = Long.parseUnsignedLong(line, dash + 1, space, 16);
                    selected = byStart.test(start) || byRange.test(start, end);
                } else if (selected && colon > 0) {
                    String name = line.substring(0, colon);
                    String value = line.substring(colon + 1).strip();
                    if (into != null) {
                        into.put(name, value);
                    }
                    if (sum != null && value.endsWith(" kB")) {
                        sum.accept(name, Long.parseLong(value, 0, value.length() - 3, 10));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/smaps", e);
        }
    }

    private static boolean isHex(String line, int dash) {
        for (int i = 0; i < dash; i++) {
            if (Character.digit(line.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
