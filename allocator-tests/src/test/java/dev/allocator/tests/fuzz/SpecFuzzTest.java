package dev.allocator.tests.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.Options;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any text given to {@link Allocators#open(String)} either opens an allocator (which then works and closes) or is
 * refused with {@link IllegalArgumentException} (a {@link dev.allocator.api.SpecException} for specs) or
 * {@link AllocationException} (a well-formed spec the machine cannot satisfy, e.g. a slab larger than memory). Any
 * other exception is a bug.
 *
 * <p>CI replays the inputs under {@code SpecFuzzTestInputs/openAnySpec/}; fuzz for real with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl allocator-tests -am test -Dtest=SpecFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SpecFuzzTest {

    /** Option values that read as numbers; their product per spec bounds what an open may reserve. */
    private static final Pattern VALUE = Pattern.compile("=\\s*([0-9][0-9_]*\\s*(?:B|KiB|MiB|GiB)?)");
    /** Specs whose numbers multiply past this are only parsed, not opened, so a run cannot eat the machine. */
    private static final long RESERVE_LIMIT = 256L << 20;

    /** Whether opening {@code spec} could reserve more than {@link #RESERVE_LIMIT} (numbers multiplied, saturated). */
    static boolean mayReserveTooMuch(String spec) {
        long product = 1;
        Matcher matcher = VALUE.matcher(spec);
        while (matcher.find()) {
            long value;
            try {
                value = Options.parseSize(matcher.group(1).strip());
            } catch (IllegalArgumentException notASize) {
                return true;
            }
            product = value == 0 ? product : (product > RESERVE_LIMIT / value ? RESERVE_LIMIT + 1 : product * value);
            if (product > RESERVE_LIMIT) {
                return true;
            }
        }
        return false;
    }

    @FuzzTest(maxDuration = "2m")
    void openAnySpec(byte[] input) {
        String spec = new String(input, StandardCharsets.UTF_8);
        if (mayReserveTooMuch(spec)) {
            return;
        }
        Allocator allocator;
        try {
            allocator = Allocators.open(spec);
        } catch (IllegalArgumentException | AllocationException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("refused without a message: " + spec, refused);
            }
            return;
        }
        try (allocator) {
            Layout layout = Layout.of(8, 8);
            MemorySegment segment;
            try {
                segment = allocator.tryAllocate(layout);
            } catch (AllocationException cannot) {
                return;
            }
            if (segment != null) {
                segment.set(ValueLayout.JAVA_LONG, 0, 42);
                allocator.deallocate(segment, layout);
            }
        }
    }
}
