package dev.allocator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The options of one spec stage, checked against what a provider declares and parsed into typed values. Providers
 * use it in {@link AllocatorProvider#create}:
 * {@snippet :
 * public Allocator create(Map<String, String> raw, Allocator backing) {
 *     Options options = Options.of(name(), raw, options());
 *     long blockSize = options.size("blockSize");
 *     int capacity = options.intValue("capacity");
 *     Wipe wipe = options.choice("wipe", Wipe.class);
 *     // ...
 * }
 * }
 *
 * <p>Every parse error is an {@link IllegalArgumentException} whose message names the provider, the option, what
 * must hold and the bad value: {@code pool: option capacity must be an integer: capacity=lots}.
 */
public final class Options {

    private final String provider;
    private final Map<String, String> values;
    private final List<ProviderOption> declared;

    private Options(String provider, Map<String, String> values, List<ProviderOption> declared) {
        this.provider = provider;
        this.values = values;
        this.declared = declared;
    }

    /**
     * Checks {@code raw} against the declared options (no unknown names, every required one present) and fills in
     * the defaults of the others.
     *
     * @param provider the provider's name, for messages
     * @param raw      the options as written
     * @param declared the options the provider accepts
     * @return the options
     * @throws IllegalArgumentException when an option is unknown or a required one is missing; the message lists the
     *                                  accepted options
     */
    public static Options of(String provider, Map<String, String> raw, List<ProviderOption> declared) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ProviderOption option : declared) {
            if (option.defaultValue() != null) {
                values.put(option.name(), option.defaultValue());
            }
        }
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            if (find(declared, entry.getKey()) == null) {
                throw new IllegalArgumentException(provider + " has no option '" + entry.getKey() + "'; accepted: "
                        + describe(declared));
            }
            values.put(entry.getKey(), entry.getValue());
        }
        List<String> missing = new ArrayList<>();
        for (ProviderOption option : declared) {
            if (!values.containsKey(option.name())) {
                missing.add(option.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(provider + " needs option" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + "; accepted: " + describe(declared));
        }
        return new Options(provider, values, declared);
    }

    /**
     * Lists options for messages: {@code blockSize (required), wipe (default none)}.
     *
     * @param declared the options
     * @return the list as text, or {@code "none"}
     */
    public static String describe(List<ProviderOption> declared) {
        if (declared.isEmpty()) {
            return "none";
        }
        StringJoiner joiner = new StringJoiner(", ");
        for (ProviderOption option : declared) {
            joiner.add(option.toString());
        }
        return joiner.toString();
    }

    /**
     * The option's text.
     *
     * @param name the option's name
     * @return its value as written, or its default
     * @throws IllegalArgumentException when the provider does not declare {@code name}
     */
    public String string(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(provider + " does not declare option '" + name + "'");
        }
        return value;
    }

    /**
     * The option as a size in bytes: a whole number, optionally followed by {@code B}, {@code KiB}, {@code MiB} or
     * {@code GiB} ({@code 64}, {@code 4KiB}, {@code 1MiB}).
     *
     * @param name the option's name
     * @return the size in bytes, {@code >= 0}
     * @throws IllegalArgumentException when the value is not such a size
     */
    public long size(String name) {
        String text = string(name);
        try {
            return parseSize(text);
        } catch (IllegalArgumentException e) {
            throw bad(name, "a size such as 64, 4KiB or 1MiB (units B, KiB, MiB, GiB)", text);
        }
    }

    /**
     * The option as an {@code int}: an optional {@code -}, then ASCII digits {@code 0}-{@code 9}, with underscores
     * only between two digits as in Java literals ({@code 4_096}; not {@code _16}, {@code 16_} or {@code 1_6_}).
     *
     * @param name the option's name
     * @return the value
     * @throws IllegalArgumentException when the value is not such a whole number or does not fit in an {@code int}
     */
    public int intValue(String name) {
        String text = string(name);
        int from = text.startsWith("-") ? 1 : 0;
        if (isNumber(text, from, text.length())) {
            try {
                return Integer.parseInt(text.replace("_", ""));
            } catch (NumberFormatException tooLarge) {
                // reported below
            }
        }
        throw bad(name, "an integer", text);
    }

    /**
     * The option as a {@code boolean}: {@code true} or {@code false}.
     *
     * @param name the option's name
     * @return the value
     * @throws IllegalArgumentException when the value is neither
     */
    public boolean bool(String name) {
        String text = string(name);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(name, "true or false", text);
        };
    }

    /**
     * The option as one constant of {@code type}, matched by its lower-case name ({@code wipe=always} is
     * {@code Wipe.ALWAYS}).
     *
     * @param name the option's name
     * @param type the enum
     * @param <E>  the enum type
     * @return the constant
     * @throws IllegalArgumentException when the value names no constant
     */
    public <E extends Enum<E>> E choice(String name, Class<E> type) {
        String text = string(name);
        StringJoiner accepted = new StringJoiner(" | ");
        for (E constant : type.getEnumConstants()) {
            String constantName = constant.name().toLowerCase(Locale.ROOT);
            if (constantName.equals(text)) {
                return constant;
            }
            accepted.add(constantName);
        }
        throw bad(name, "one of " + accepted, text);
    }

    /**
     * Builds the error for a bad value, for checks a provider makes itself.
     *
     * @param name        the option's name
     * @param requirement what must hold, e.g. {@code "a power of 2"}
     * @param value       the bad value as written
     * @return the exception to throw
     */
    public IllegalArgumentException bad(String name, String requirement, String value) {
        return new IllegalArgumentException(provider + ": option " + name + " must be " + requirement + ": " + name
                + "=" + value + "; accepted: " + describe(declared));
    }

    /**
     * Parses a size: a whole number of ASCII digits {@code 0}-{@code 9}, optionally followed by {@code B},
     * {@code KiB}, {@code MiB} or {@code GiB}. Underscores may stand only between two digits, as in Java literals
     * ({@code 1_000}, {@code 4_096KiB}; not {@code _16}, {@code 16_}, {@code 1_6_} or {@code 16_KiB}).
     *
     * @param text the text
     * @return the size in bytes
     * @throws IllegalArgumentException when the text is not a size or the size overflows a {@code long}
     */
    public static long parseSize(String text) {
        int end = 0;
        while (end < text.length() && (isAsciiDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        if (!isNumber(text, 0, end)) {
            throw new IllegalArgumentException("not a size: " + text);
        }
        String unit = text.substring(end).strip();
        long multiplier = switch (unit) {
            case "", "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> throw new IllegalArgumentException("unknown unit in size: " + text);
        };
        try {
            return Math.multiplyExact(Long.parseLong(text.substring(0, end).replace("_", "")), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size overflows a long: " + text, e);
        }
    }

    /**
     * Whether {@code text[from, to)} is a number as specs write them: ASCII digits, underscores only between two
     * digits. (A run starting and ending with a digit has every underscore between digits.)
     */
    private static boolean isNumber(String text, int from, int to) {
        if (from >= to || !isAsciiDigit(text.charAt(from)) || !isAsciiDigit(text.charAt(to - 1))) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            if (!isAsciiDigit(text.charAt(i)) && text.charAt(i) != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static ProviderOption find(List<ProviderOption> declared, String name) {
        for (ProviderOption option : declared) {
            if (option.name().equals(name)) {
                return option;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return provider + values;
    }
}
