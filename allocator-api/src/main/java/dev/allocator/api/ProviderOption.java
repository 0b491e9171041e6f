package dev.allocator.api;

import java.util.Objects;

/**
 * One option a provider accepts in a spec stage, such as {@code blockSize} in {@code pool(blockSize=64, ...)}.
 * Providers list their options so that tools and error messages can show what is accepted.
 *
 * {@snippet :
 * List<ProviderOption> options = List.of(
 *         ProviderOption.required("blockSize", "size of each block, e.g. 64 or 4KiB"),
 *         ProviderOption.optional("wipe", "none", "none | free | close | always"));
 * }
 *
 * @param name         the option's name, as written in specs
 * @param description  what it means and which values it takes
 * @param defaultValue the value used when the spec leaves it out, or {@code null} when the option is required
 */
public record ProviderOption(String name, String description, String defaultValue) {

    /**
     * Creates an option.
     *
     * @throws NullPointerException if {@code name} or {@code description} is null
     */
    public ProviderOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }

    /**
     * A required option.
     *
     * @param name        the option's name
     * @param description what it means and which values it takes
     * @return the option
     */
    public static ProviderOption required(String name, String description) {
        return new ProviderOption(name, description, null);
    }

    /**
     * An optional option with a default.
     *
     * @param name         the option's name
     * @param defaultValue the value used when a spec leaves it out
     * @param description  what it means and which values it takes
     * @return the option
     */
    public static ProviderOption optional(String name, String defaultValue, String description) {
        return new ProviderOption(name, description, Objects.requireNonNull(defaultValue, "defaultValue"));
    }

    /**
     * Whether a spec must give this option.
     *
     * @return {@code true} when the option has no default
     */
    public boolean required() {
        return defaultValue == null;
    }

    /** Returns {@code "name (required)"} or {@code "name (default 1MiB)"}. */
    @Override
    public String toString() {
        return name + (required() ? " (required)" : " (default " + defaultValue + ")");
    }
}
