package dev.allocator.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.allocator.api.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {

    enum Wipe { NONE, FREE, ALWAYS }

    private static final List<ProviderOption> DECLARED = List.of(
            ProviderOption.required("blockSize", "size of each block"),
            ProviderOption.optional("capacity", "1024", "number of blocks"),
            ProviderOption.optional("shared", "false", "thread-safe or confined"),
            ProviderOption.optional("wipe", "none", "none | free | always"));

    private static final String ACCEPTED =
            "accepted: blockSize (required), capacity (default 1024), shared (default false), wipe (default none)";

    private static Options options(String name, String value) {
        Map<String, String> raw = new HashMap<>();
        raw.put("blockSize", "64");
        raw.put(name, value);
        return Options.of("pool", raw, DECLARED);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "64, 64", "64B, 64", "4KiB, 4096", "1MiB, 1048576", "1GiB, 1073741824",
            "1_000, 1000", "16GiB, 17179869184", "9223372036854775807, 9223372036854775807"})
    void shouldParseSizesWithUnits(String text, long expected) {
        assertEquals(expected, Options.parseSize(text));
        assertEquals(expected, options("blockSize", text).size("blockSize"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "KiB", "-1", "4kb", "4KB", "4 MB", "1TiB", "x64", "64x", "0x40", "1.5KiB", "_1"})
    void shouldRejectMalformedSizeNamingIt(String text) {
        rejects(IllegalArgumentException.class, () -> Options.parseSize(text), text);
        rejects(IllegalArgumentException.class, () -> options("blockSize", text).size("blockSize"),
                "pool: option blockSize must be a size", "blockSize=" + text, ACCEPTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "99999999999999999999999", "8589934592GiB",
            "9007199254740992KiB"})
    void shouldRejectSizeThatOverflowsNamingIt(String text) {
        rejects(IllegalArgumentException.class, () -> Options.parseSize(text), "overflows", text);
        rejects(IllegalArgumentException.class, () -> options("blockSize", text).size("blockSize"),
                "blockSize=" + text);
    }

    @Test
    void shouldParseIntegersWithUnderscores() {
        assertEquals(4096, options("capacity", "4096").intValue("capacity"));
        assertEquals(1_000_000, options("capacity", "1_000_000").intValue("capacity"));
        assertEquals(-3, options("capacity", "-3").intValue("capacity"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "", "4KiB", "2147483648", "1.0", "0x10"})
    void shouldRejectBadIntegerNamingIt(String text) {
        rejects(IllegalArgumentException.class, () -> options("capacity", text).intValue("capacity"),
                "pool: option capacity must be an integer: capacity=" + text, ACCEPTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"_16", "16_", "1_6_", "16_KiB", "_", "1_6_KiB", "\u0661\u0666", "1\u0666", "\uff11\uff16KiB"})
    void shouldRejectMisplacedUnderscoresAndNonAsciiDigitsInSizes(String text) {
        rejects(IllegalArgumentException.class, () -> Options.parseSize(text), text);
        rejects(IllegalArgumentException.class, () -> options("blockSize", text).size("blockSize"),
                "pool: option blockSize must be a size", "blockSize=" + text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"_16", "16_", "1_6_", "-_1", "_-1", "+5", "-", "\u0661\u0666", "1\u0666", "\uff11"})
    void shouldRejectMisplacedUnderscoresSignsAndNonAsciiDigitsInIntegers(String text) {
        rejects(IllegalArgumentException.class, () -> options("capacity", text).intValue("capacity"),
                "pool: option capacity must be an integer: capacity=" + text);
    }

    @Test
    void shouldAcceptUnderscoresBetweenDigitsAsJavaLiteralsDo() {
        assertEquals(4_096L << 10, Options.parseSize("4_096KiB"));
        assertEquals(1__0, Options.parseSize("1__0"));
        assertEquals(-1_000, options("capacity", "-1_000").intValue("capacity"));
        assertEquals(1__0, options("capacity", "1__0").intValue("capacity"));
    }

    @Test
    void shouldParseBooleans() {
        assertTrue(options("shared", "true").bool("shared"));
        assertFalse(options("shared", "false").bool("shared"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "TRUE", "1", "False", ""})
    void shouldRejectBadBooleanNamingIt(String text) {
        rejects(IllegalArgumentException.class, () -> options("shared", text).bool("shared"),
                "option shared must be true or false: shared=" + text);
    }

    @Test
    void shouldParseChoicesByLowerCaseName() {
        assertEquals(Wipe.ALWAYS, options("wipe", "always").choice("wipe", Wipe.class));
        assertEquals(Wipe.NONE, options("blockSize", "64").choice("wipe", Wipe.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALWAYS", "sometimes", ""})
    void shouldRejectBadChoiceListingConstants(String text) {
        rejects(IllegalArgumentException.class, () -> options("wipe", text).choice("wipe", Wipe.class),
                "one of none | free | always", "wipe=" + text);
    }

    @Test
    void shouldFillInDefaults() {
        Options options = Options.of("pool", Map.of("blockSize", "2KiB"), DECLARED);
        assertEquals(2048, options.size("blockSize"));
        assertEquals(1024, options.intValue("capacity"));
        assertFalse(options.bool("shared"));
        assertEquals("none", options.string("wipe"));
    }

    @Test
    void shouldRejectUnknownOptionListingAccepted() {
        rejects(IllegalArgumentException.class,
                () -> Options.of("pool", Map.of("blockSize", "64", "blocksize", "64"), DECLARED),
                "pool has no option 'blocksize'", ACCEPTED);
    }

    @Test
    void shouldRejectMissingRequiredOptionListingAccepted() {
        rejects(IllegalArgumentException.class, () -> Options.of("pool", Map.of("capacity", "8"), DECLARED),
                "pool needs option blockSize", ACCEPTED);
    }

    @Test
    void shouldNameEveryMissingRequiredOption() {
        List<ProviderOption> two = List.of(ProviderOption.required("a", "first"), ProviderOption.required("b", "b"));
        rejects(IllegalArgumentException.class, () -> Options.of("x", Map.of(), two), "needs options a, b");
    }

    @Test
    void shouldSayNoneWhenProviderTakesNoOptions() {
        rejects(IllegalArgumentException.class, () -> Options.of("system", Map.of("size", "1"), List.of()),
                "system has no option 'size'; accepted: none");
    }

    @Test
    void shouldRejectUndeclaredNameAskedByProvider() {
        rejects(IllegalArgumentException.class, () -> options("capacity", "1").string("colour"),
                "pool does not declare option 'colour'");
    }

    @Test
    void shouldBuildBadValueErrorsForProviderChecks() {
        IllegalArgumentException e = options("blockSize", "48").bad("blockSize", "a power of 2", "48");
        assertTrue(e.getMessage().startsWith("pool: option blockSize must be a power of 2: blockSize=48; "),
                e.getMessage());
    }

    @Test
    void shouldDescribeOptions() {
        assertEquals("none", Options.describe(List.of()));
        assertEquals("blockSize (required), capacity (default 1024), shared (default false), wipe (default none)",
                Options.describe(DECLARED));
    }
}
